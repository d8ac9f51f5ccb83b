//! The state file: where it lives, how it is locked, read, migrated and written.
//!
//! This is the only module that touches the disk for the state. Its guarantees (`cli.md`):
//! - readers take no lock: every write is a rename, so a reader always sees a whole file;
//! - writers take an exclusive lock on a sidecar `<state>.lock` (with a timeout), re-read the
//!   state under it, apply their change and write a temp file in the same folder, fsync it,
//!   keep the previous version as `<state>.bak`, rename the temp file over the state and fsync
//!   the folder — so a crash at any point leaves the old or the new state, whole;
//! - a refused change (the closure returns `Err`) writes nothing;
//! - a file from a newer sesm is refused, never rewritten; a corrupt one is reported with its
//!   path, the parse position and the backup's path, and left untouched.
//!
//! Here: the path, the lock, reading and `update`. Beside it: `codec` (the format and its
//! migrations), `atomic` (the write itself), `journal` (the outbox of accepted messages),
//! `live` (the snapshots and the writer of `sesm serve`), `input` (files other than the state).

use std::fs::{self, File, OpenOptions};
use std::io::{ErrorKind, Write};
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::{Duration, Instant};

use jiff::civil::Date;

use crate::error::{Error, Result};
use crate::lazy::{Bytes, Source};
use crate::model::State;

/// The named points of a write where a test can have the writer stop (`pause_at`), in order:
/// the lock taken; the new state in its temp file, synced; the backup kept; the temp file
/// renamed over the state; the journal trimmed (the write done).
pub const PAUSE_POINTS: [&str; 5] = ["locked", "temp-synced", "backup-kept", "renamed", "done"];

/// The point to stop at and the file to announce it in (`pause_at`).
static PAUSE: std::sync::OnceLock<(String, PathBuf)> = std::sync::OnceLock::new();

/// Tests only (`SESM_TEST_PAUSE`): makes this process's writes stop for good at `point`, after
/// appending the point's name and a newline to `file`. A test that kills the writer once it
/// reads the line knows exactly where the write was interrupted, where a timed kill would guess.
pub fn pause_at(point: String, file: PathBuf) {
    let _ = PAUSE.set((point, file));
}

/// Stops here for good when a test asked for `point` (`pause_at`).
fn checkpoint(point: &str) {
    let Some((wanted, file)) = PAUSE.get() else {
        return;
    };
    if wanted != point {
        return;
    }
    if let Ok(mut f) = OpenOptions::new().append(true).create(true).open(file) {
        let _ = writeln!(f, "{point}");
    }
    loop {
        std::thread::park();
    }
}

/// The bytes of an open file: mapped, or read into memory when the file cannot be mapped, as
/// ripgrep does. Some filesystems refuse `mmap` (FUSE and network mounts without mapping
/// support, special files), and a state kept on one must still be readable.
fn map_or_read(file: &File) -> std::io::Result<Bytes> {
    // SAFETY: sesm never changes a state file in place (writers rename a new file over it), so
    // the file under a read-only mapping does not change; the mapping lives as long as the
    // `Bytes` that own it. See `Store::read_bytes`.
    match unsafe { memmap2::MmapOptions::new().populate().map(file) } {
        Ok(map) => Ok(Arc::new(map)),
        Err(_) => {
            let mut bytes = Vec::new();
            std::io::Read::read_to_end(&mut &*file, &mut bytes)?;
            Ok(Arc::new(bytes))
        }
    }
}

/// The state file a path names. A symlink (dotfile managers link state files) is followed to
/// its file, so writes replace that file and keep the link; a dangling one names the file it
/// points to, created by the first write. A folder is refused with the path to give instead.
pub fn resolve(path: PathBuf) -> Result<PathBuf> {
    let mut p = path.clone();
    for _ in 0..40 {
        match fs::symlink_metadata(&p) {
            Ok(m) if m.file_type().is_symlink() => {
                let target = fs::read_link(&p).map_err(|e| {
                    Error::state(format!("cannot read the symlink {}: {e}", p.display()))
                })?;
                p = match p.parent() {
                    Some(parent) if target.is_relative() => parent.join(target),
                    _ => target,
                };
            }
            Ok(m) if m.is_dir() => {
                return Err(Error::invalid(format!(
                    "the state path {} is a folder, not a file",
                    path.display()
                ))
                .hint(format!(
                    "give the path of a file, e.g. --state {}",
                    path.join("state.json").display()
                )));
            }
            _ => return Ok(p),
        }
    }
    Err(Error::state(format!(
        "the state path {} is a loop of symlinks",
        path.display()
    )))
}

/// A state file on disk.
#[derive(Debug, Clone)]
pub struct Store {
    path: PathBuf,
    /// The date a new (or missing) state starts at.
    today: Date,
    lock_timeout: Duration,
    /// The most bytes of whole messages the outbox keeps (`SESM_OUTBOX_BYTES`).
    outbox_bytes: u64,
}

impl Store {
    pub fn new(path: PathBuf, today: Date, lock_timeout: Duration) -> Store {
        Store {
            path,
            today,
            lock_timeout,
            outbox_bytes: crate::model::sending::OUTBOX_BYTES,
        }
    }

    /// The same store with another bound on the outbox's kept messages.
    pub fn with_outbox_bytes(self, outbox_bytes: u64) -> Store {
        Store {
            outbox_bytes,
            ..self
        }
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    /// How long a writer waits for the state lock (`SESM_LOCK_TIMEOUT`).
    pub fn lock_timeout(&self) -> Duration {
        self.lock_timeout
    }

    pub fn today(&self) -> Date {
        self.today
    }

    /// Whether the state file exists.
    pub fn exists(&self) -> bool {
        self.path.exists()
    }

    fn sibling(&self, suffix: &str) -> PathBuf {
        let mut name = self.path.file_name().unwrap_or_default().to_os_string();
        name.push(suffix);
        self.path.with_file_name(name)
    }

    pub fn backup_path(&self) -> PathBuf {
        self.sibling(".bak")
    }

    pub fn lock_path(&self) -> PathBuf {
        self.sibling(".lock")
    }

    fn folder(&self) -> PathBuf {
        match self.path.parent() {
            Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
            _ => PathBuf::from("."),
        }
    }

    /// Prefix of the temp files this store writes next to the state; leftovers of a killed
    /// writer are recognised by it and removed by the next writer.
    fn temp_prefix(&self) -> String {
        format!(
            ".{}.tmp-",
            self.path.file_name().unwrap_or_default().to_string_lossy()
        )
    }

    /// The file's bytes, `None` when there is no state file yet.
    ///
    /// The file is mapped, not read: on a multi-megabyte state that avoids faulting in and
    /// copying a fresh buffer, which dominated reads. Sound because sesm never changes a state
    /// file in place (writers rename a new file over it), so a mapping never sees its file
    /// change; a program that truncated it in place during a read could still interrupt sesm.
    fn read_bytes(&self) -> Result<Option<Bytes>> {
        let fail = |e: std::io::Error| {
            Error::state(format!(
                "cannot read the state file {}: {e}",
                self.path.display()
            ))
        };
        let file = match File::open(&self.path) {
            Ok(file) => file,
            Err(e) if e.kind() == ErrorKind::NotFound => return Ok(None),
            Err(e) => return Err(fail(e)),
        };
        let len = file.metadata().map_err(fail)?.len();
        if len == 0 {
            return Ok(Some(Arc::new(Vec::new())));
        }
        map_or_read(&file).map(Some).map_err(fail)
    }

    /// What to do about a corrupt state file: restore the backup, or start over.
    fn corrupt_hint(&self) -> String {
        let backup = self.backup_path();
        if backup.exists() {
            format!(
                "the previous version is in {0}; restore it with: cp {0} {1}",
                backup.display(),
                self.path.display()
            )
        } else {
            format!(
                "there is no backup ({} does not exist); fix the file by hand, or start over with: sesm state reset --yes",
                backup.display()
            )
        }
    }

    fn decode_file(&self, bytes: Bytes) -> Result<State> {
        let source = Source {
            path: self.path.clone(),
            hint: self.corrupt_hint(),
            text: bytes,
            import: false,
        };
        let state = decode_from(source).map_err(|e| match e {
            DecodeError::Newer(_) => Error::state(format!(
                "the state file {} was written by a newer sesm: {e}; it was left untouched",
                self.path.display()
            ))
            .hint("upgrade sesm (cargo install --path .) to use this state"),
            DecodeError::Corrupt(_) => Error::state(format!(
                "the state file {} is corrupt: {e}; it was left untouched",
                self.path.display()
            ))
            .hint(self.corrupt_hint()),
        })?;
        // Values no command could have written (a hand edit): refused before anything uses them.
        state.check_values().map_err(|why| {
            Error::state(format!(
                "the state file {} is corrupt: {}; it was left untouched",
                self.path.display(),
                why.trim_end_matches('.')
            ))
            .hint(self.corrupt_hint())
        })?;
        Ok(state)
    }

    /// The current state, without locking; a missing file is an empty account. Messages
    /// sent since the last write are counted in, as the next write will.
    pub fn load(&self) -> Result<State> {
        Ok(self.load_counted()?.0)
    }

    /// `load`, and the bytes of the messages counted in from the journal (not yet written
    /// into the state file).
    pub(super) fn load_counted(&self) -> Result<(State, u64)> {
        let mut state = self.load_file()?;
        let journal = self.scan_journal()?;
        let unfolded = Store::unfolded_mail(&journal, state.sent_seq);
        for m in self.journal_after(&journal, state.sent_seq)? {
            state.count_sent(&m);
        }
        Ok((state, unfolded))
    }

    fn load_file(&self) -> Result<State> {
        match self.read_bytes()? {
            Some(bytes) => self.decode_file(bytes),
            None => Ok(State::new(self.today)),
        }
    }

    /// Applies `change` to the current state under the lock and writes the result; when
    /// `change` fails nothing is written.
    pub fn update<T>(&self, change: impl FnOnce(&mut State) -> Result<T>) -> Result<T> {
        let folder = self.folder();
        create_folder(&folder)?;
        let _lock = self.lock()?;
        checkpoint("locked");
        self.remove_leftovers(&folder);
        let before = self.read_bytes()?;
        let mut state = match &before {
            Some(bytes) => self.decode_file(Arc::clone(bytes))?,
            None => State::new(self.today),
        };
        let journal = self.scan_journal()?;
        for m in self.journal_after(&journal, state.sent_seq)? {
            state.count_sent(&m);
        }
        let folded = state.sent_seq;
        let out = change(&mut state)?;
        let mut published = std::mem::take(&mut state.published.0);
        self.append_events(&folder, &mut published)?;
        self.write(
            &folder,
            &state,
            before.as_ref().map(|b| (**b).as_ref()),
            before.is_some(),
        )?;
        self.trim_journal(&folder, &state, &journal, folded)?;
        checkpoint("done");
        Ok(out)
    }

    /// Takes the sidecar lock, retrying until the timeout. Released when the file is dropped.
    fn lock(&self) -> Result<File> {
        self.lock_for(self.lock_timeout)
    }

    /// The sidecar lock, waiting at most `timeout` for it.
    fn lock_for(&self, timeout: Duration) -> Result<File> {
        let path = self.lock_path();
        let file = open_private(&path).map_err(|e| {
            Error::state(format!("cannot open the lock file {}: {e}", path.display()))
                .hint("check that the state folder is writable, or choose another state file with --state")
        })?;
        let start = Instant::now();
        let mut pause = Duration::from_millis(1);
        loop {
            match file.try_lock() {
                Ok(()) => return Ok(file),
                Err(std::fs::TryLockError::WouldBlock) if start.elapsed() < timeout => {
                    std::thread::sleep(pause);
                    pause = (pause * 2).min(Duration::from_millis(25));
                }
                Err(std::fs::TryLockError::WouldBlock) => {
                    return Err(Error::lock(format!(
                        "another sesm process held the lock {} for more than {:.1} s",
                        path.display(),
                        self.lock_timeout.as_secs_f64()
                    ))
                    .hint("retry when it is done, or wait longer with SESM_LOCK_TIMEOUT=SECONDS"));
                }
                Err(std::fs::TryLockError::Error(e)) => {
                    return Err(Error::state(format!("cannot lock {}: {e}", path.display())));
                }
            }
        }
    }
}

mod atomic;
mod codec;
mod events;
mod inbound;
mod input;
mod journal;
mod live;

use atomic::{create_folder, open_private};
pub use codec::{DecodeError, decode, decode_from, encode};
pub use input::*;
use journal::{JOURNAL_FOLD_BYTES, MAIL_FOLD_BYTES};
pub use live::{FileId, Live, Snapshot};

#[cfg(test)]
mod tests {
    use super::journal::line_prefix;
    use super::*;
    use crate::model::SCHEMA_VERSION;
    use crate::model::sending::{OUTBOX_SIZE, SentMessage};

    fn store(dir: &Path) -> Store {
        Store::new(
            dir.join("sub/state.json"),
            Date::constant(2026, 11, 26),
            Duration::from_millis(200),
        )
    }

    /// A file that cannot be mapped (a pipe here: `mmap` refuses it, as some filesystems
    /// refuse regular files) is read instead; a regular file is mapped.
    #[cfg(unix)]
    #[test]
    fn a_file_that_cannot_be_mapped_is_read() {
        let (reader, mut writer) = std::io::pipe().unwrap();
        writer.write_all(b"{\"SchemaVersion\": 2}").unwrap();
        drop(writer);
        let file = File::from(std::os::fd::OwnedFd::from(reader));
        // SAFETY: the pipe is only read by this test.
        assert!(unsafe { memmap2::Mmap::map(&file) }.is_err(), "a pipe maps");
        let bytes = map_or_read(&file).unwrap();
        assert_eq!((*bytes).as_ref(), b"{\"SchemaVersion\": 2}");

        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("state.json");
        fs::write(&path, b"{}").unwrap();
        let bytes = map_or_read(&File::open(&path).unwrap()).unwrap();
        assert_eq!((*bytes).as_ref(), b"{}");
    }

    #[test]
    fn missing_file_is_an_empty_account_at_today() {
        let dir = tempfile::tempdir().unwrap();
        let s = store(dir.path()).load().unwrap();
        assert_eq!(s.date, Date::constant(2026, 11, 26));
        assert!(s.regions.is_empty());
        assert!(
            !dir.path().join("sub").exists(),
            "reading must not create anything"
        );
    }

    #[test]
    fn update_creates_folder_file_0600_and_backup() {
        use std::os::unix::fs::PermissionsExt;
        let dir = tempfile::tempdir().unwrap();
        let st = store(dir.path());
        st.update(|s| {
            s.region_mut("us-east-1").auto_warmup = false;
            Ok(())
        })
        .unwrap();
        let mode = fs::metadata(st.path()).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode, 0o600);
        assert!(!st.backup_path().exists());
        let first = fs::read(st.path()).unwrap();
        st.update(|s| {
            s.account_id = "111111111111".into();
            Ok(())
        })
        .unwrap();
        assert_eq!(fs::read(st.backup_path()).unwrap(), first);
        assert_eq!(st.load().unwrap().account_id, "111111111111");
    }

    #[test]
    fn refused_change_writes_nothing() {
        let dir = tempfile::tempdir().unwrap();
        let st = store(dir.path());
        st.update(|_| Ok(())).unwrap();
        let before = fs::read(st.path()).unwrap();
        let err = st
            .update(|s| {
                s.account_id = "x".into();
                Err::<(), _>(Error::bad_request("no"))
            })
            .unwrap_err();
        assert_eq!(err.code(), "BadRequestException");
        assert_eq!(fs::read(st.path()).unwrap(), before);
    }

    #[test]
    fn corrupt_file_names_path_position_and_backup() {
        let dir = tempfile::tempdir().unwrap();
        let st = store(dir.path());
        st.update(|_| Ok(())).unwrap();
        st.update(|s| {
            s.account_id = "222222222222".into();
            Ok(())
        })
        .unwrap();
        fs::write(st.path(), b"{\"SchemaVersion\": 2, oops").unwrap();
        let err = st.load().unwrap_err();
        assert_eq!(err.exit_code(), 253);
        assert!(err.message.contains(&st.path().display().to_string()));
        assert!(err.message.contains("line 1 column"), "{}", err.message);
        assert!(err.hints[0].contains(&st.backup_path().display().to_string()));
    }

    #[test]
    fn newer_version_is_refused_and_not_rewritten() {
        let dir = tempfile::tempdir().unwrap();
        let st = store(dir.path());
        fs::create_dir_all(dir.path().join("sub")).unwrap();
        let doc = br#"{"SchemaVersion": 99, "Whatever": {"new": "shape"}}"#;
        fs::write(st.path(), doc).unwrap();
        let err = st.update(|_| Ok(())).unwrap_err();
        assert_eq!(err.exit_code(), 253);
        assert!(err.message.contains("newer sesm"), "{}", err.message);
        assert_eq!(fs::read(st.path()).unwrap(), doc);
    }

    #[test]
    fn lock_timeout_is_a_state_error() {
        let dir = tempfile::tempdir().unwrap();
        let st = store(dir.path());
        st.update(|_| Ok(())).unwrap();
        let held = st.lock().unwrap();
        let err = st.update(|_| Ok(())).unwrap_err();
        assert_eq!(err.exit_code(), 253);
        assert!(err.message.contains("lock"), "{}", err.message);
        drop(held);
        st.update(|_| Ok(())).unwrap();
    }

    #[test]
    fn leftover_temp_files_are_removed_by_the_next_writer() {
        let dir = tempfile::tempdir().unwrap();
        let st = store(dir.path());
        st.update(|_| Ok(())).unwrap();
        let leftover = dir.path().join("sub/.state.json.tmp-abc123");
        fs::write(&leftover, b"partial").unwrap();
        st.update(|s| {
            s.account_id = "333333333333".into();
            Ok(())
        })
        .unwrap();
        assert!(!leftover.exists());
    }

    #[test]
    fn version_1_is_migrated() {
        let v1 = br#"{"SchemaVersion":1,"AccountId":"123456789012","Date":"2026-01-01","NextIp":3,
            "DedicatedIpAutoWarmupEnabled":false,
            "Regions":{"us-east-1":{"Pools":{"a":{"ScalingMode":"STANDARD"}}}}}"#;
        let s = decode(v1).unwrap();
        assert_eq!(s.schema_version, SCHEMA_VERSION);
        assert!(!s.regions["us-east-1"].auto_warmup);
        assert_eq!(s.next_ip, 3);
    }

    fn message(seq: u64) -> SentMessage {
        let mime = format!("Subject: m{seq}\r\n\r\nhello\r\n").into_bytes();
        SentMessage {
            seq,
            size: mime.len() as u64,
            message_id: format!("m{seq}"),
            time: jiff::Timestamp::UNIX_EPOCH,
            date: Date::constant(2026, 11, 26),
            region: "us-east-1".into(),
            from: "a@example.com".into(),
            to: vec!["b@gmail.com".into()],
            cc: vec![],
            bcc: vec![],
            subject: None,
            configuration_set: None,
            configuration_set_source: crate::model::sending::SetSource::None,
            pool: crate::model::SHARED_POOL.into(),
            isps: [("gmail".to_string(), 1)].into(),
            simulator: Default::default(),
            rendering_failure: None,
            suppressed: vec![],
            unsubscribed: vec![],
            template_name: None,
            event_mail: None,
            count: 1,
            mime: std::sync::Arc::new(mime),
            tags: vec![],
        }
    }

    fn send_n(st: &Store, n: u64) {
        st.send(|s| {
            let first = s.sent_seq + 1;
            Ok(((first..first + n).map(message).collect(), ()))
        })
        .unwrap();
    }

    fn pending(s: &State) -> u64 {
        s.region("us-east-1")
            .pending
            .get("")
            .map_or(0, |p| p["gmail"])
    }

    fn soon(st: &Store) -> Instant {
        Instant::now() + st.lock_timeout()
    }

    #[test]
    fn live_reads_never_wait_for_a_held_lock_and_see_every_commit() {
        let dir = tempfile::tempdir().unwrap();
        let st = store(dir.path());
        st.update(|s| {
            s.account_id = "111111111111".into();
            Ok(())
        })
        .unwrap();
        let live = Live::open(store(dir.path())).unwrap();
        assert_eq!(live.read().unwrap().state().account_id, "111111111111");
        // Another process holds the lock: reads answer at once, a write gives up in time.
        let held = st.lock().unwrap();
        let start = Instant::now();
        assert_eq!(live.read().unwrap().state().account_id, "111111111111");
        assert!(start.elapsed() < Duration::from_millis(50));
        let e = live
            .update(Instant::now() + Duration::from_millis(100), |_| Ok(()))
            .unwrap_err();
        assert_eq!(e.kind, crate::error::Kind::Lock);
        assert!(start.elapsed() < Duration::from_secs(1));
        drop(held);
        // A write through the live account is seen by the next read, and one by another
        // process (the command line) too.
        live.update(soon(&st), |s| {
            s.account_id = "222222222222".into();
            Ok(())
        })
        .unwrap();
        assert_eq!(live.read().unwrap().state().account_id, "222222222222");
        st.update(|s| {
            s.account_id = "333333333333".into();
            Ok(())
        })
        .unwrap();
        assert_eq!(live.read().unwrap().state().account_id, "333333333333");
        // A refused change changes nothing, in memory or on disk.
        let before = fs::read(st.path()).unwrap();
        let refused = live.update(soon(&st), |s| {
            s.account_id = "444444444444".into();
            Err::<(), _>(Error::invalid("no"))
        });
        assert!(refused.is_err());
        assert_eq!(live.read().unwrap().state().account_id, "333333333333");
        assert_eq!(fs::read(st.path()).unwrap(), before);
    }

    #[test]
    fn live_sends_count_for_reads_without_rewriting_the_snapshot() {
        let dir = tempfile::tempdir().unwrap();
        let st = store(dir.path());
        let live = Live::open(store(dir.path())).unwrap();
        let send = |n: u64| {
            live.send(soon(&st), |s| {
                let first = s.sent_seq + 1;
                Ok(((first..first + n).map(message).collect(), ()))
            })
            .unwrap()
        };
        send(2);
        send(3);
        let snap = live.read().unwrap();
        assert_eq!(pending(snap.state()) + snap.sent_since("us-east-1"), 5);
        // Numbered on from the writer's exact state.
        let seqs: Vec<u64> = st.read_journal().unwrap().0.iter().map(|m| m.seq).collect();
        assert_eq!(seqs, vec![1, 2, 3, 4, 5]);
        // A command-line send in between is read again; a write folds everything in.
        send_n(&st, 1);
        let snap = live.read().unwrap();
        assert_eq!(pending(snap.state()) + snap.sent_since("us-east-1"), 6);
        send(1);
        live.update(soon(&st), |_| Ok(())).unwrap();
        let snap = live.read().unwrap();
        assert_eq!(
            (pending(snap.state()), snap.sent_since("us-east-1")),
            (7, 0)
        );
        assert_eq!(pending(&st.load().unwrap()), 7);
    }

    #[test]
    fn sent_messages_count_once_whether_read_or_written() {
        let dir = tempfile::tempdir().unwrap();
        let st = store(dir.path());
        send_n(&st, 3);
        assert!(
            !st.path().exists(),
            "a send writes the journal, not the state"
        );
        assert_eq!(pending(&st.load().unwrap()), 3);
        st.update(|_| Ok(())).unwrap();
        assert_eq!(pending(&st.load().unwrap()), 3, "folded once");
        send_n(&st, 2);
        st.update(|_| Ok(())).unwrap();
        let s = st.load().unwrap();
        assert_eq!((pending(&s), s.sent_seq), (5, 5));
        assert_eq!(
            st.read_journal().unwrap().0.len(),
            5,
            "the outbox keeps them"
        );
    }

    #[test]
    fn a_line_cut_short_by_a_crash_is_dropped_and_the_next_send_starts_clean() {
        let dir = tempfile::tempdir().unwrap();
        let st = store(dir.path());
        send_n(&st, 2);
        let mut f = OpenOptions::new()
            .append(true)
            .open(st.journal_path())
            .unwrap();
        f.write_all(b"{\"Seq\":3,\"MessageId\":\"cut").unwrap();
        drop(f);
        assert_eq!(st.read_journal().unwrap().0.len(), 2);
        assert_eq!(pending(&st.load().unwrap()), 2);
        send_n(&st, 1);
        let (all, _) = st.read_journal().unwrap();
        assert_eq!(all.iter().map(|m| m.seq).collect::<Vec<_>>(), vec![1, 2, 3]);
    }

    #[test]
    fn the_outbox_is_trimmed_cleared_and_emptied_by_a_reset() {
        let dir = tempfile::tempdir().unwrap();
        let st = store(dir.path());
        send_n(&st, OUTBOX_SIZE as u64 + 1_500);
        st.update(|_| Ok(())).unwrap();
        let (all, _) = st.read_journal().unwrap();
        assert_eq!(all.len(), OUTBOX_SIZE);
        assert_eq!(all[0].seq, 1_501);
        assert_eq!(pending(&st.load().unwrap()), OUTBOX_SIZE as u64 + 1_500);
        st.update(|s| {
            s.outbox_from = s.sent_seq;
            Ok(())
        })
        .unwrap();
        assert!(st.read_journal().unwrap().0.is_empty());
        send_n(&st, 4);
        let today = st.today();
        st.update(|s| {
            *s = State::new(today);
            Ok(())
        })
        .unwrap();
        assert!(
            st.read_journal().unwrap().0.is_empty(),
            "a reset empties the outbox"
        );
        assert_eq!(pending(&st.load().unwrap()), 0);
    }

    fn mail_files(st: &Store) -> Vec<String> {
        let mut names: Vec<String> = std::fs::read_dir(st.mail_dir())
            .map(|d| {
                d.flatten()
                    .map(|e| e.file_name().to_string_lossy().into_owned())
                    .collect()
            })
            .unwrap_or_default();
        names.sort_by_key(|n| n.trim_end_matches(".eml").parse::<u64>().unwrap_or(0));
        names
    }

    #[test]
    fn messages_are_kept_whole_within_the_byte_bound_and_go_with_a_reset() {
        let dir = tempfile::tempdir().unwrap();
        // Each test message is 22 bytes: 70 bytes keep the last 3.
        let st = store(dir.path()).with_outbox_bytes(70);
        send_n(&st, 5);
        assert_eq!(
            mail_files(&st).len(),
            5,
            "sends keep every message until a write"
        );
        assert_eq!(
            st.read_mail(2).unwrap().unwrap(),
            b"Subject: m2\r\n\r\nhello\r\n"
        );
        st.update(|_| Ok(())).unwrap();
        assert_eq!(mail_files(&st), ["3.eml", "4.eml", "5.eml"]);
        let seqs: Vec<u64> = st.read_journal().unwrap().0.iter().map(|m| m.seq).collect();
        assert_eq!(seqs, [3, 4, 5], "the journal keeps what the folder keeps");
        assert_eq!(st.read_mail(1).unwrap(), None);
        // A file no line names (a crash before the journal append) is removed by the next
        // trim that drops something.
        std::fs::write(st.mail_dir().join("99.eml"), b"orphan").unwrap();
        send_n(&st, 1);
        st.update(|_| Ok(())).unwrap();
        assert_eq!(mail_files(&st), ["4.eml", "5.eml", "6.eml"]);
        let today = st.today();
        st.update(|s| {
            *s = State::new(today);
            Ok(())
        })
        .unwrap();
        assert!(mail_files(&st).is_empty(), "a reset empties the outbox");
    }

    #[test]
    fn journal_lines_are_numbered_without_parsing_them() {
        assert_eq!(
            line_prefix(b"{\"Seq\":42,\"Size\":7,\"X\":1}"),
            Some((42, 7))
        );
        assert_eq!(line_prefix(b"{\"Seq\":42,\"X\":1}"), None);
        assert_eq!(line_prefix(b"{\"Seq\":42}"), None);
        assert_eq!(line_prefix(b"{\"MessageId\":\"x\",\"Seq\":4}"), None);
        assert_eq!(
            line_prefix(b"{\"Seq\":99999999999999999999,\"Size\":1,"),
            None
        );
    }
}
