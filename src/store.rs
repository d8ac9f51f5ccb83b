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

use std::collections::BTreeMap;
use std::fs::{self, File, OpenOptions};
use std::io::{ErrorKind, Write};
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, MutexGuard, RwLock};
use std::time::{Duration, Instant};

use jiff::civil::Date;

use crate::error::{Error, Result};
use crate::lazy::{self, Bytes, Source};
use crate::model::sending::{OUTBOX_SIZE, SentMessage};
use crate::model::{SCHEMA_VERSION, State};

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
}

/// Why a document could not be decoded into a `State`.
#[derive(Debug)]
pub enum DecodeError {
    /// Not JSON, or not the shape of a state; serde_json's message carries the line and column.
    Corrupt(serde_json::Error),
    /// Written by a newer sesm.
    Newer(u32),
}

impl std::fmt::Display for DecodeError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            DecodeError::Corrupt(e) => write!(f, "{e}"),
            DecodeError::Newer(v) => write!(
                f,
                "it has SchemaVersion {v}, but this sesm reads versions up to {SCHEMA_VERSION}"
            ),
        }
    }
}

/// Decodes a state document, migrating older versions in memory.
pub fn decode(bytes: &[u8]) -> std::result::Result<State, DecodeError> {
    decode_parsed(bytes, serde_json::from_slice::<State>(bytes))
}

/// Decodes the document of `source`: its lazily parsed sections point into the source's text
/// and report errors against its file.
pub fn decode_from(source: Source) -> std::result::Result<State, DecodeError> {
    let text = Arc::clone(&source.text);
    let first = lazy::with_source(source, |bytes| serde_json::from_slice::<State>(bytes));
    decode_parsed((*text).as_ref(), first)
}

fn decode_parsed(
    bytes: &[u8],
    first: serde_json::Result<State>,
) -> std::result::Result<State, DecodeError> {
    match first {
        Ok(state) if state.schema_version == SCHEMA_VERSION => Ok(state),
        Ok(state) if state.schema_version > SCHEMA_VERSION => {
            Err(DecodeError::Newer(state.schema_version))
        }
        // An older version, or a shape this version can't read: look at the version alone and
        // decide between migrating and refusing.
        Ok(_) | Err(_) => {
            let value: serde_json::Value =
                serde_json::from_slice(bytes).map_err(DecodeError::Corrupt)?;
            let version = value.get("SchemaVersion").and_then(|v| v.as_u64());
            match version {
                Some(v) if v > u64::from(SCHEMA_VERSION) => {
                    Err(DecodeError::Newer(v.min(u64::from(u32::MAX)) as u32))
                }
                Some(1) => migrate(value),
                Some(v) if v < u64::from(SCHEMA_VERSION) => Err(corrupt(&format!(
                    "SchemaVersion {v} is not a version sesm ever wrote"
                ))),
                // The current version (or none at all): report serde's own error, which
                // names the position.
                _ => serde_json::from_slice::<State>(bytes).map_err(DecodeError::Corrupt),
            }
        }
    }
}

fn corrupt(msg: &str) -> DecodeError {
    DecodeError::Corrupt(<serde_json::Error as serde::de::Error>::custom(msg))
}

/// Brings an older document up to `SCHEMA_VERSION`.
///
/// Version 1 (sesm before the simulation) kept auto warm-up as one account-wide flag,
/// `DedicatedIpAutoWarmupEnabled`; version 2 makes it per region (A2) and adds prices, the
/// model's parameters, usage, traffic, metrics and managed-pool state, all of which default.
fn migrate(mut doc: serde_json::Value) -> std::result::Result<State, DecodeError> {
    let obj = doc
        .as_object_mut()
        .ok_or_else(|| corrupt("the state is not a JSON object"))?;
    let auto_warmup = match obj.remove("DedicatedIpAutoWarmupEnabled") {
        None => true,
        Some(serde_json::Value::Bool(b)) => b,
        Some(_) => return Err(corrupt("DedicatedIpAutoWarmupEnabled is not true or false")),
    };
    if let Some(regions) = obj.get_mut("Regions").and_then(|r| r.as_object_mut()) {
        for region in regions.values_mut() {
            if let Some(region) = region.as_object_mut() {
                region.insert("AutoWarmup".into(), auto_warmup.into());
            }
        }
    }
    obj.insert("SchemaVersion".into(), SCHEMA_VERSION.into());
    // Through text, as lazy sections keep the text they were read from; a migrated state is
    // parsed whole at once, so every problem shows now.
    let text = serde_json::to_vec(&doc).expect("a JSON value serializes");
    let state: State = serde_json::from_slice(&text).map_err(DecodeError::Corrupt)?;
    state.parse_all().map_err(|e| corrupt(&e.message))?;
    Ok(state)
}

/// Encodes a state compactly: the file is read far more often than by people, and
/// `sesm state export` pretty-prints it for them.
pub fn encode(state: &State) -> Vec<u8> {
    let mut bytes = serde_json::to_vec(state).expect("a State always serializes");
    bytes.push(b'\n');
    bytes
}

impl Store {
    pub fn new(path: PathBuf, today: Date, lock_timeout: Duration) -> Store {
        Store {
            path,
            today,
            lock_timeout,
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
        let mut state = self.load_file()?;
        let journal = self.scan_journal()?;
        for m in self.journal_after(&journal, state.sent_seq)? {
            state.count_sent(&m);
        }
        Ok(state)
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

    /// Removes temp files a killed writer left behind. Only called under the lock, so no other
    /// writer can be using them.
    fn remove_leftovers(&self, folder: &Path) {
        let prefix = self.temp_prefix();
        let Ok(entries) = fs::read_dir(folder) else {
            return;
        };
        for entry in entries.flatten() {
            if entry.file_name().to_string_lossy().starts_with(&prefix) {
                let _ = fs::remove_file(entry.path());
            }
        }
    }

    /// Writes `state` unless it encodes to exactly `previous` (a change that changed nothing);
    /// keeps the file being replaced as the backup when `exists`.
    fn write(
        &self,
        folder: &Path,
        state: &State,
        previous: Option<&[u8]>,
        exists: bool,
    ) -> Result<()> {
        let fail = |what: &str, e: std::io::Error| {
            Error::state(format!(
                "cannot {what} in {}: {e}; the state was left as it was",
                folder.display()
            ))
            .hint("check the folder's permissions and free space, or choose another state file with --state")
        };
        let mut tmp = tempfile::Builder::new()
            .prefix(&self.temp_prefix())
            .tempfile_in(folder)
            .map_err(|e| fail("create a temp file", e))?;
        // Encoded straight into the file through a buffer: a full state is megabytes, and
        // building it in memory first costs more than writing it.
        let mut out = std::io::BufWriter::with_capacity(
            1 << 16,
            CompareWriter::new(tmp.as_file_mut(), previous),
        );
        serde_json::to_writer(&mut out, state)
            .map_err(std::io::Error::from)
            .and_then(|()| out.write_all(b"\n"))
            .map_err(|e| fail("write the new state", e))?;
        let compare = out
            .into_inner()
            .map_err(|e| fail("write the new state", e.into_error()))?;
        let unchanged = compare.unchanged();
        let file = compare.into_inner();
        if unchanged {
            // Nothing changed: the temp file goes away with `tmp`.
            return Ok(());
        }
        file.sync_data()
            .map_err(|e| fail("write the new state", e))?;
        checkpoint("temp-synced");
        if exists {
            self.keep_backup(folder)
                .map_err(|e| fail("keep the backup", e))?;
        }
        checkpoint("backup-kept");
        tmp.persist(&self.path)
            .map_err(|e| fail("replace the state file", e.error))?;
        checkpoint("renamed");
        File::open(folder)
            .and_then(|dir| dir.sync_all())
            .map_err(|e| fail("sync the folder", e))
    }

    /// Keeps the state about to be replaced as `<state>.bak`, atomically: a hard link to it (or
    /// a copy where links are not supported) under a temp name, renamed over the old backup.
    fn keep_backup(&self, folder: &Path) -> std::io::Result<()> {
        let tmp = folder.join(format!("{}bak-{}", self.temp_prefix(), std::process::id()));
        let _ = fs::remove_file(&tmp);
        if fs::hard_link(&self.path, &tmp).is_err() {
            fs::copy(&self.path, &tmp)?;
            File::open(&tmp)?.sync_all()?;
        }
        fs::rename(&tmp, self.backup_path())
    }
}

/// What identifies one version of the state file: every write renames a new file over the
/// old one, so a change of any of these means another writer (or an editor) changed it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct FileId {
    dev: u64,
    ino: u64,
    len: u64,
    mtime_ns: i128,
    ctime_ns: i128,
}

impl FileId {
    fn of(meta: &fs::Metadata) -> FileId {
        use std::os::unix::fs::MetadataExt;
        FileId {
            dev: meta.dev(),
            ino: meta.ino(),
            len: meta.len(),
            mtime_ns: i128::from(meta.mtime()) * 1_000_000_000 + i128::from(meta.mtime_nsec()),
            ctime_ns: i128::from(meta.ctime()) * 1_000_000_000 + i128::from(meta.ctime_nsec()),
        }
    }
}

impl Store {
    /// The identity of the state file now (`None` when there is none).
    fn file_id(&self) -> Result<Option<FileId>> {
        match fs::metadata(&self.path) {
            Ok(meta) => Ok(Some(FileId::of(&meta))),
            Err(e) if e.kind() == ErrorKind::NotFound => Ok(None),
            Err(e) => Err(Error::state(format!(
                "cannot read the state file {}: {e}",
                self.path.display()
            ))),
        }
    }

    /// The version of the files on disk: the state file's identity and the journal's length.
    fn version(&self) -> Result<Version> {
        Ok(Version {
            id: self.file_id()?,
            journal: self.journal_len()?,
        })
    }

    /// The state as on disk, every section parsed, with the version it was read at. The
    /// version is taken first: were the files to change between, the next request sees a
    /// newer version and reads them again.
    fn load_versioned(&self) -> Result<(Version, State)> {
        let version = self.version()?;
        let state = self.load()?;
        state.parse_all()?;
        Ok((version, state))
    }

    /// Accepts messages (the command line's `send`): under the state lock `accept` checks and
    /// routes them against the current state (numbering them from `sent_seq + 1`); they are
    /// appended to the outbox journal and synced before this returns, so a message
    /// acknowledged after it survives a crash. The state file is not rewritten: the next
    /// write counts them in.
    pub fn send<T>(
        &self,
        accept: impl FnOnce(&State) -> Result<(Vec<SentMessage>, T)>,
    ) -> Result<T> {
        let folder = self.folder();
        create_folder(&folder)?;
        let lock = self.lock()?;
        let state = self.load()?;
        let (sent, out) = accept(&state)?;
        let appended = self.append_journal(&folder, &sent)?;
        drop(lock);
        if appended > JOURNAL_FOLD_BYTES {
            // A long journal is folded into the state and trimmed, so it stays the outbox.
            self.update(|_| Ok(()))?;
        }
        Ok(out)
    }
}

/// The version of the files a state was read from: every write renames a new state file in
/// (a new identity) and every send appends to the journal (a new length).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Version {
    id: Option<FileId>,
    journal: u64,
}

/// The account as a long-running process (`sesm serve`) keeps it: the latest committed state
/// as an immutable snapshot that reads share, and one writer.
///
/// Reads never wait for writes: a read checks the files' version (two `stat`s) and answers
/// from the snapshot, reading the files again only when another process changed them. Writes
/// take the writer's turn and then the file lock, both within one deadline, change a copy of
/// the state, write it, and swap in the new snapshot; a refused change leaves everything as
/// it was. Sends change no snapshot: what they add to the day's demand is kept beside it.
pub struct Live {
    store: Store,
    current: RwLock<Arc<Snapshot>>,
    /// Taken by a read that must read the files again, so concurrent reads do it once.
    reload: Mutex<()>,
    /// The writer's turn, with its own copy of the state (sends count into it).
    writer: Mutex<Option<Master>>,
}

/// One committed state, shared by the reads that use it.
pub struct Snapshot {
    version: Version,
    state: Arc<State>,
    /// Recipients accepted per region since `state` was taken (sends do not rewrite it).
    sent_since: BTreeMap<String, u64>,
}

impl Snapshot {
    pub fn state(&self) -> &State {
        &self.state
    }

    /// Recipients accepted in `region` and not yet counted into `state`'s pending demand.
    pub fn sent_since(&self, region: &str) -> u64 {
        self.sent_since.get(region).copied().unwrap_or(0)
    }
}

/// The writer's state: exact (sends counted in), and the version of the files it matches.
struct Master {
    version: Version,
    state: Arc<State>,
}

impl Live {
    /// Reads the account for the first time.
    pub fn open(store: Store) -> Result<Live> {
        let (version, state) = store.load_versioned()?;
        let state = Arc::new(state);
        Ok(Live {
            current: RwLock::new(Arc::new(Snapshot {
                version,
                state: Arc::clone(&state),
                sent_since: BTreeMap::new(),
            })),
            reload: Mutex::new(()),
            writer: Mutex::new(Some(Master { version, state })),
            store,
        })
    }

    pub fn store(&self) -> &Store {
        &self.store
    }

    fn published(&self) -> Arc<Snapshot> {
        Arc::clone(&self.current.read().unwrap_or_else(|p| p.into_inner()))
    }

    fn publish(&self, snapshot: Snapshot) {
        *self.current.write().unwrap_or_else(|p| p.into_inner()) = Arc::new(snapshot);
    }

    /// The latest committed state. Takes no lock another writer holds: when another process
    /// changed the files, they are read again (without the state lock, as every reader does).
    pub fn read(&self) -> Result<Arc<Snapshot>> {
        let seen = self.published();
        if self.store.version()? == seen.version {
            return Ok(seen);
        }
        let _reload = self.reload.lock().unwrap_or_else(|p| p.into_inner());
        // Another read may have done it while this one waited.
        let latest = self.published();
        let version = self.store.version()?;
        if version == latest.version {
            return Ok(latest);
        }
        let (version, state) = self.store.load_versioned()?;
        let fresh = Arc::new(Snapshot {
            version,
            state: Arc::new(state),
            sent_since: BTreeMap::new(),
        });
        let mut slot = self.current.write().unwrap_or_else(|p| p.into_inner());
        // Swapped in only over the snapshot this read found stale: a writer may have
        // published a newer one meanwhile, which must not be replaced by an older file.
        if Arc::ptr_eq(&slot, &latest) {
            *slot = Arc::clone(&fresh);
        }
        Ok(fresh)
    }

    /// The writer's turn and the state lock, both before `deadline`; then the writer's state,
    /// read again if another process changed the files.
    fn turn(&self, deadline: Instant) -> Result<(MutexGuard<'_, Option<Master>>, File)> {
        let mut pause = Duration::from_micros(200);
        let mut guard = loop {
            match self.writer.try_lock() {
                Ok(g) => break g,
                Err(std::sync::TryLockError::Poisoned(p)) => {
                    // A panic mid-change: the copy it changed was dropped, but read the files
                    // again to be sure.
                    let mut g = p.into_inner();
                    *g = None;
                    break g;
                }
                Err(std::sync::TryLockError::WouldBlock) if Instant::now() < deadline => {
                    std::thread::sleep(pause);
                    pause = (pause * 2).min(Duration::from_millis(10));
                }
                Err(std::sync::TryLockError::WouldBlock) => {
                    return Err(Error::lock(
                        "other requests kept the account busy past the lock timeout",
                    )
                    .hint("retry, or wait longer with SESM_LOCK_TIMEOUT=SECONDS"));
                }
            }
        };
        let lock = self
            .store
            .lock_for(deadline.saturating_duration_since(Instant::now()))?;
        let version = self.store.version()?;
        if guard.as_ref().is_none_or(|m| m.version != version) {
            *guard = None;
            let (version, state) = self.store.load_versioned()?;
            *guard = Some(Master {
                version,
                state: Arc::new(state),
            });
        }
        Ok((guard, lock))
    }

    /// Applies `change` to a copy of the latest state under the state lock and writes it; when
    /// `change` fails nothing is written and nothing changes. Waits for the writer's turn and
    /// the lock until `deadline` (a lock error after it).
    pub fn update<T>(
        &self,
        deadline: Instant,
        change: impl FnOnce(&mut State) -> Result<T>,
    ) -> Result<T> {
        let folder = self.store.folder();
        create_folder(&folder)?;
        let (mut guard, _lock) = self.turn(deadline)?;
        let Some(master) = guard.as_mut() else {
            return Err(Error::internal("the writer has no state after reading it"));
        };
        self.store.remove_leftovers(&folder);
        let mut next = State::clone(&master.state);
        let folded = next.sent_seq;
        let out = change(&mut next)?;
        // Written without comparing with the previous bytes (there are none in memory): a
        // change that changed nothing still writes, as the cache did.
        self.store
            .write(&folder, &next, None, master.version.id.is_some())?;
        let journal = self.store.scan_journal()?;
        self.store.trim_journal(&folder, &next, &journal, folded)?;
        master.version = self.store.version()?;
        master.state = Arc::new(next);
        self.publish(Snapshot {
            version: master.version,
            state: Arc::clone(&master.state),
            sent_since: BTreeMap::new(),
        });
        Ok(out)
    }

    /// Accepts messages as `Store::send` does, through the writer: checked against the
    /// writer's exact state, appended and synced to the journal under the state lock.
    pub fn send<T>(
        &self,
        deadline: Instant,
        accept: impl FnOnce(&State) -> Result<(Vec<SentMessage>, T)>,
    ) -> Result<T> {
        let folder = self.store.folder();
        create_folder(&folder)?;
        let (mut guard, lock) = self.turn(deadline)?;
        let Some(master) = guard.as_mut() else {
            return Err(Error::internal("the writer has no state after reading it"));
        };
        let (sent, out) = accept(&master.state)?;
        if sent.is_empty() {
            return Ok(out);
        }
        let before = master.version;
        let appended = self.store.append_journal(&folder, &sent)?;
        // The first send after a write copies the state once (reads still share the old
        // one); later sends count into the writer's own copy.
        let state = Arc::make_mut(&mut master.state);
        let mut added: BTreeMap<String, u64> = BTreeMap::new();
        for m in &sent {
            state.count_sent(m);
            let n = m.isps.values().fold(0u64, |t, n| t.saturating_add(*n));
            let entry = added.entry(m.region.clone()).or_default();
            *entry = entry.saturating_add(n);
        }
        master.version.journal = appended;
        let seen = self.published();
        if seen.version == before {
            let mut sent_since = seen.sent_since.clone();
            for (region, n) in added {
                let entry = sent_since.entry(region).or_default();
                *entry = entry.saturating_add(n);
            }
            self.publish(Snapshot {
                version: master.version,
                state: Arc::clone(&seen.state),
                sent_since,
            });
        } else {
            // The reads' snapshot is of older files (another process wrote since): they get
            // the writer's state, which has that write and these messages.
            self.publish(Snapshot {
                version: master.version,
                state: Arc::clone(&master.state),
                sent_since: BTreeMap::new(),
            });
        }
        drop((guard, lock));
        if appended > JOURNAL_FOLD_BYTES {
            // A long journal is folded into the state and trimmed, so it stays the outbox.
            self.update(
                deadline.max(Instant::now() + self.store.lock_timeout),
                |_| Ok(()),
            )?;
        }
        Ok(out)
    }
}

/// A journal longer than this is folded into the state by the sender itself.
const JOURNAL_FOLD_BYTES: u64 = 16 * 1024 * 1024;

impl Store {
    /// The outbox journal: accepted messages, one JSON line each, next to the state.
    pub fn journal_path(&self) -> PathBuf {
        self.sibling(".outbox")
    }

    fn journal_len(&self) -> Result<u64> {
        match fs::metadata(self.journal_path()) {
            Ok(m) => Ok(m.len()),
            Err(e) if e.kind() == ErrorKind::NotFound => Ok(0),
            Err(e) => Err(Error::state(format!(
                "cannot read the outbox {}: {e}",
                self.journal_path().display()
            ))),
        }
    }

    /// The journal's lines, scanned (not parsed): a line each message, with its sequence.
    fn scan_journal(&self) -> Result<Journal> {
        let path = self.journal_path();
        let bytes = match fs::read(&path) {
            Ok(b) => b,
            Err(e) if e.kind() == ErrorKind::NotFound => return Ok(Journal::default()),
            Err(e) => {
                return Err(Error::state(format!(
                    "cannot read the outbox {}: {e}",
                    path.display()
                )));
            }
        };
        // A last line without its newline is a write a crash cut short (never
        // acknowledged): it is left out.
        let complete = bytes.iter().rposition(|&b| b == b'\n').map_or(0, |i| i + 1);
        let mut lines = Vec::new();
        let mut at = 0;
        for (i, line) in bytes[..complete].split(|&b| b == b'\n').enumerate() {
            let range = at..at + line.len();
            at += line.len() + 1;
            if line.iter().all(u8::is_ascii_whitespace) {
                continue;
            }
            let seq = match seq_prefix(line) {
                Some(seq) => seq,
                None => self.parse_journal_line(line, i)?.seq,
            };
            lines.push((seq, i, range));
        }
        Ok(Journal { bytes, lines })
    }

    fn parse_journal_line(&self, line: &[u8], index: usize) -> Result<SentMessage> {
        let path = self.journal_path();
        serde_json::from_slice(line).map_err(|e| {
            Error::state(format!(
                "the outbox {} is corrupt at line {}: {e}; it was left untouched",
                path.display(),
                index + 1
            ))
            .hint(format!(
                "remove the line, or the whole file to empty the outbox: rm {}",
                path.display()
            ))
        })
    }

    /// The messages of the journal with a sequence above `after`, oldest first.
    fn journal_after(&self, journal: &Journal, after: u64) -> Result<Vec<SentMessage>> {
        journal
            .lines
            .iter()
            .filter(|(seq, _, _)| *seq > after)
            .map(|(_, i, range)| self.parse_journal_line(&journal.bytes[range.clone()], *i))
            .collect()
    }

    /// Every message of the journal, oldest first, and the journal's length.
    pub fn read_journal(&self) -> Result<(Vec<SentMessage>, u64)> {
        let journal = self.scan_journal()?;
        let all = self.journal_after(&journal, 0)?;
        Ok((all, journal.bytes.len() as u64))
    }

    /// Appends messages to the journal and syncs them; returns the journal's new length.
    fn append_journal(&self, folder: &Path, sent: &[SentMessage]) -> Result<u64> {
        use std::os::unix::fs::OpenOptionsExt;
        let path = self.journal_path();
        let fail = |e: std::io::Error| {
            Error::state(format!(
                "cannot write the outbox {}: {e}; the messages were not accepted",
                path.display()
            ))
            .hint("check the folder's permissions and free space")
        };
        let existed = path.exists();
        let mut file = OpenOptions::new()
            .read(true)
            .append(true)
            .create(true)
            .mode(0o600)
            .open(&path)
            .map_err(fail)?;
        // A line a crash cut short (the writer died before its reply) goes, so the next one
        // starts on a line of its own.
        let len = file.metadata().map_err(fail)?.len();
        if len > 0 {
            use std::io::{Read, Seek, SeekFrom};
            let mut last = [0u8];
            file.seek(SeekFrom::Start(len - 1))
                .and_then(|_| file.read_exact(&mut last))
                .map_err(fail)?;
            if last[0] != b'\n' {
                let bytes = fs::read(&path).map_err(fail)?;
                let keep = bytes.iter().rposition(|&b| b == b'\n').map_or(0, |i| i + 1);
                file.set_len(keep as u64).map_err(fail)?;
            }
        }
        let mut text = Vec::with_capacity(sent.len() * 320);
        for m in sent {
            serde_json::to_writer(&mut text, m).map_err(|e| fail(e.into()))?;
            text.push(b'\n');
        }
        file.write_all(&text).map_err(fail)?;
        file.sync_data().map_err(fail)?;
        if !existed {
            File::open(folder)
                .and_then(|d| d.sync_all())
                .map_err(fail)?;
        }
        Ok(file.metadata().map_err(fail)?.len())
    }

    /// After a write: keeps in the journal the last `OUTBOX_SIZE` messages counted into the
    /// state and not cleared (`outbox clear`); a replaced state (reset, import) keeps none.
    /// Rewritten (lines copied as they are) only when that drops something.
    fn trim_journal(
        &self,
        folder: &Path,
        state: &State,
        journal: &Journal,
        folded: u64,
    ) -> Result<()> {
        if journal.lines.is_empty() {
            return Ok(());
        }
        let replaced = state.sent_seq != folded;
        let kept: Vec<&(u64, usize, std::ops::Range<usize>)> = if replaced {
            Vec::new()
        } else {
            let live: Vec<_> = journal
                .lines
                .iter()
                .filter(|(seq, _, _)| *seq > state.outbox_from && *seq <= state.sent_seq)
                .collect();
            live[live.len().saturating_sub(OUTBOX_SIZE)..].to_vec()
        };
        // Trimmed in batches, so a full outbox is not rewritten on every write.
        let slack = if replaced || kept.len() < OUTBOX_SIZE {
            0
        } else {
            1_000
        };
        if journal.lines.len() <= kept.len() + slack {
            return Ok(());
        }
        let fail = |e: std::io::Error| {
            Error::state(format!(
                "cannot rewrite the outbox {}: {e}",
                self.journal_path().display()
            ))
        };
        let mut tmp = tempfile::Builder::new()
            .prefix(&self.temp_prefix())
            .tempfile_in(folder)
            .map_err(fail)?;
        {
            let mut out = std::io::BufWriter::new(tmp.as_file_mut());
            for (_, _, range) in &kept {
                out.write_all(&journal.bytes[range.clone()]).map_err(fail)?;
                out.write_all(b"\n").map_err(fail)?;
            }
            out.flush().map_err(fail)?;
        }
        tmp.as_file().sync_data().map_err(fail)?;
        tmp.persist(self.journal_path())
            .map_err(|e| fail(e.error))?;
        File::open(folder).and_then(|d| d.sync_all()).map_err(fail)
    }
}

/// The outbox journal as read: its bytes, and per complete line its sequence, index and
/// place.
#[derive(Default)]
struct Journal {
    bytes: Vec<u8>,
    lines: Vec<(u64, usize, std::ops::Range<usize>)>,
}

/// The sequence of a journal line as sesm writes it (`{"Seq":123,…`), without parsing the
/// rest; `None` for a line written otherwise.
fn seq_prefix(line: &[u8]) -> Option<u64> {
    let rest = line.strip_prefix(b"{\"Seq\":")?;
    let digits = rest.iter().take_while(|b| b.is_ascii_digit()).count();
    if digits == 0 || digits > 19 || rest.get(digits) != Some(&b',') {
        return None;
    }
    std::str::from_utf8(&rest[..digits]).ok()?.parse().ok()
}

/// A writer that also tells whether what went through it equals `reference`.
struct CompareWriter<'a, W> {
    inner: W,
    reference: Option<&'a [u8]>,
    at: usize,
    same: bool,
}

impl<'a, W: Write> CompareWriter<'a, W> {
    fn new(inner: W, reference: Option<&'a [u8]>) -> Self {
        CompareWriter {
            inner,
            same: reference.is_some(),
            reference,
            at: 0,
        }
    }

    fn unchanged(&self) -> bool {
        self.same && self.reference.is_some_and(|r| r.len() == self.at)
    }

    fn into_inner(self) -> W {
        self.inner
    }
}

impl<W: Write> Write for CompareWriter<'_, W> {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        let n = self.inner.write(buf)?;
        if self.same {
            let r = self.reference.unwrap_or_default();
            self.same = r.get(self.at..self.at + n) == Some(&buf[..n]);
        }
        self.at += n;
        Ok(n)
    }

    fn flush(&mut self) -> std::io::Result<()> {
        self.inner.flush()
    }
}

fn create_folder(folder: &Path) -> Result<()> {
    use std::os::unix::fs::DirBuilderExt;
    if folder.is_dir() {
        return Ok(());
    }
    fs::DirBuilder::new()
        .recursive(true)
        .mode(0o700)
        .create(folder)
        .map_err(|e| {
            Error::state(format!(
                "cannot create the state folder {}: {e}",
                folder.display()
            ))
            .hint("choose another state file with --state or SESM_STATE")
        })
}

/// Opens (creating it with mode 0600, never truncating it) a file only the user can read.
fn open_private(path: &Path) -> std::io::Result<File> {
    use std::os::unix::fs::OpenOptionsExt;
    OpenOptions::new()
        .read(true)
        .write(true)
        .create(true)
        .truncate(false)
        .mode(0o600)
        .open(path)
}

/// Reads a document given to `state import` (`-` is stdin); its problems are the user's
/// parameter (252).
pub fn read_import(path: &Path) -> Result<State> {
    let text = read_input(
        path,
        "the state to import",
        "export one with: sesm state export FILE",
    )?;
    let bytes = text.into_bytes();
    let source = Source {
        path: path.to_path_buf(),
        hint: "export a state with: sesm state export FILE".into(),
        text: Arc::new(bytes),
        import: true,
    };
    let state = decode_from(source).map_err(|e| {
        Error::invalid(format!("{} is not a sesm state: {e}", input_name(path)))
            .hint("export one with: sesm state export FILE")
    })?;
    state.check().map_err(|why| {
        Error::invalid(format!(
            "{} is not a consistent sesm state: {why}",
            input_name(path)
        ))
    })?;
    Ok(state)
}

/// How messages name an input file: `-` is standard input.
pub fn input_name(path: &Path) -> String {
    if path.as_os_str() == "-" {
        "standard input".to_string()
    } else {
        path.display().to_string()
    }
}

/// Reads a text file the user named (a plan, an identity list; `-` is stdin). Its problems are
/// the user's parameter (252); `what` and `hint` say which file and what it should be.
pub fn read_input(path: &Path, what: &str, hint: &str) -> Result<String> {
    use std::io::Read;
    let mut text = String::new();
    let read = if path.as_os_str() == "-" {
        std::io::stdin().read_to_string(&mut text).map(|_| ())
    } else {
        fs::read_to_string(path).map(|t| text = t)
    };
    read.map_err(|e| {
        Error::invalid(format!("cannot read {what} {}: {e}", input_name(path))).hint(hint)
    })?;
    // A byte-order mark some editors write is not part of the text. Every input file comes
    // through here, so no parser needs to know about it.
    if let Some(rest) = text.strip_prefix('\u{feff}') {
        text = rest.to_string();
    }
    Ok(text)
}

/// Whether something (a file, a folder, a dangling symlink) is at `path`.
pub fn path_exists(path: &Path) -> bool {
    fs::symlink_metadata(path).is_ok()
}

/// Writes a file the user asked for (`dashboard --html FILE`, `state export FILE`); a path
/// that can't be written is the user's parameter (252).
pub fn write_file(path: &Path, text: &str) -> Result<()> {
    fs::write(path, text).map_err(|e| {
        Error::invalid(format!("cannot write {}: {e}", path.display()))
            .hint("choose a path in a folder you can write to")
    })
}

/// A state path in a new folder of the system's temp folder, kept after the process ends
/// (`demo` builds its throwaway account there).
pub fn throwaway_path() -> Result<PathBuf> {
    let dir = tempfile::Builder::new()
        .prefix("sesm-demo-")
        .tempdir()
        .map_err(|e| Error::state(format!("cannot create a temp folder for the demo: {e}")))?;
    Ok(dir.keep().join("state.json"))
}

#[cfg(test)]
mod tests {
    use super::*;

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
        SentMessage {
            seq,
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
            count: 1,
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

    #[test]
    fn journal_lines_are_numbered_without_parsing_them() {
        assert_eq!(seq_prefix(b"{\"Seq\":42,\"X\":1}"), Some(42));
        assert_eq!(seq_prefix(b"{\"Seq\":42}"), None);
        assert_eq!(seq_prefix(b"{\"MessageId\":\"x\",\"Seq\":4}"), None);
        assert_eq!(seq_prefix(b"{\"Seq\":99999999999999999999,"), None);
    }
}
