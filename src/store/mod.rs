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
//! Here: the path, the lock, reading, `update` and `send`. Beside it: `codec` (the format and
//! its migrations), `atomic` (the write itself), `outbox` (accepted messages, in `segment`
//! files; `legacy` reads an older sesm's), `events` (the event log), `live` (the snapshots and
//! the writer of `sesm serve`) with `commit` (its sends' group commit), `input` (files other
//! than the state).

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

    /// `load`, and the outbox's active segment (whose messages after the state's last were
    /// counted in).
    fn load_counted(&self) -> Result<(State, outbox::Active)> {
        let state = self.load_file()?;
        self.count_in(state)
    }

    /// Counts in the messages the active segment holds after the state's last.
    fn count_in(&self, mut state: State) -> Result<(State, outbox::Active)> {
        let active = self.read_active(state.sent_seq)?;
        for m in &active.messages {
            state.count_sent(m);
        }
        Ok((state, active))
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
        self.recover_events(&folder)?;
        let before = self.read_bytes()?;
        let state = match &before {
            Some(bytes) => self.decode_file(Arc::clone(bytes))?,
            None => State::new(self.today),
        };
        let (mut state, _) = self.count_in(state)?;
        let folded = state.sent_seq;
        let out = change(&mut state)?;
        let next_event = self.next_event()?;
        self.commit(
            &folder,
            &mut state,
            before.as_ref().map(|b| (**b).as_ref()),
            before.is_some(),
            folded,
            next_event,
        )?;
        checkpoint("done");
        Ok(out)
    }

    /// Makes a changed state durable, under the lock: an older outbox converted, `mail`
    /// objects a version 4 state kept carried into the outbox, the change's events completed
    /// (tracked messages' `mail` objects read from the outbox), numbered from `next_event`,
    /// logged and synced, then the state written and the outbox trimmed. Returns the next
    /// event's sequence.
    fn commit(
        &self,
        folder: &Path,
        state: &mut State,
        previous: Option<&[u8]>,
        exists: bool,
        folded: u64,
        next_event: u64,
    ) -> Result<u64> {
        self.convert_legacy(folder)?;
        let replaced = state.sent_seq != folded;
        if !replaced {
            self.carry_state_mails(folder, state, next_event - 1)?;
        }
        let mut published = std::mem::take(&mut state.published.0);
        self.complete_events(&mut published)?;
        let next = events::number_events(&mut published, next_event);
        self.log_events(folder, &published, true)?;
        self.write(folder, state, previous, exists)?;
        self.trim_outbox(folder, state, replaced, next - 1)?;
        Ok(next)
    }

    /// Adds to events of tracked messages the `mail` objects the outbox keeps for them.
    fn complete_events(&self, events: &mut [crate::model::publishing::EventRecord]) -> Result<()> {
        let wanted: std::collections::HashSet<u64> = events
            .iter()
            .filter_map(|e| e.mail_to_add.as_ref().map(|m| m.seq))
            .collect();
        if wanted.is_empty() {
            return Ok(());
        }
        let mails = self.mail_objects(&wanted)?;
        for e in events.iter_mut() {
            let seq = e.mail_to_add.as_ref().map(|m| m.seq);
            if let Some(seq) = seq {
                crate::model::publishing::finish(e, mails.get(&seq));
            }
        }
        Ok(())
    }

    /// Accepts messages (the command line's `send`): under the state lock `accept` checks and
    /// routes them against the current state (numbering them from `sent_seq + 1`); their
    /// frames are appended to the outbox and synced, and only then their events logged,
    /// before this returns, so a message acknowledged after it survives a crash and a refused
    /// one publishes nothing. The state file is not rewritten: the next write counts them in.
    pub fn send<T>(
        &self,
        accept: impl FnOnce(&State) -> Result<(Vec<SentMessage>, T)>,
    ) -> Result<T> {
        let folder = self.folder();
        create_folder(&folder)?;
        let lock = self.lock()?;
        self.recover_events(&folder)?;
        let (mut state, active) = self.load_counted()?;
        let (mut sent, out) = accept(&state)?;
        if sent.is_empty() {
            return Ok(out);
        }
        let state_mails = state
            .regions
            .values()
            .any(|r| r.tracked.iter().any(|t| t.mail.is_some()));
        if state_mails || self.legacy()? {
            // An older outbox or state: converted first, as a write does, in this lock.
            let folded = state.sent_seq;
            self.commit(
                &folder,
                &mut state,
                None,
                self.exists(),
                folded,
                self.next_event()?,
            )?;
        }
        let mut events = publishing::prepare(&state, &mut sent, jiff::Timestamp::now());
        let next = events::number_events(&mut events, self.next_event()?);
        let (frames, _) = outbox::message_frames(&sent, &events, next - 1)?;
        let (file, len) = self.open_for_append(&folder)?;
        let end = self.append_frames(&file, len, &frames)?;
        if let Err(e) = file.sync_data() {
            let _ = file.set_len(len);
            return Err(Error::state(format!(
                "cannot write the outbox {}: {e}; the messages were not accepted",
                self.journal_path().display()
            ))
            .hint("check the folder's permissions and free space"));
        }
        // Accepted: the events are on disk in the frames; the log gets them now, or the next
        // writer logs them (`recover_events`) if this fails.
        let _ = self.log_events(&folder, &events, false);
        drop(lock);
        let messages = active.sizes.len() + sent.len();
        if messages as u64 >= outbox::SEGMENT_MESSAGES || end >= self.segment_bytes() {
            // A full active segment is folded into the state and closed.
            self.update(|_| Ok(()))?;
        }
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
mod legacy;
mod live;
mod outbox;
mod segment;

use atomic::{create_folder, open_private};
pub use codec::{DecodeError, decode, decode_from, encode};
pub use input::*;
pub use live::{FileId, Live, Snapshot};

use crate::model::publishing;
use crate::model::sending::SentMessage;

#[cfg(test)]
mod tests;
