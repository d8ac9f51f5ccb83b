//! The account as a long-running process (`sesm serve`) keeps it: committed snapshots for
//! reads, one writer.

use super::{JOURNAL_FOLD_BYTES, MAIL_FOLD_BYTES, Store, create_folder};
use std::collections::BTreeMap;
use std::fs::{self, File};
use std::io::ErrorKind;
use std::sync::{Arc, Mutex, MutexGuard, RwLock};
use std::time::{Duration, Instant};

use crate::error::{Error, Result};
use crate::model::sending::SentMessage;
use crate::model::{State, publishing};

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
    pub(super) fn of(meta: &fs::Metadata) -> FileId {
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
    pub(super) fn file_id(&self) -> Result<Option<FileId>> {
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
    pub(super) fn version(&self) -> Result<Version> {
        Ok(Version {
            id: self.file_id()?,
            journal: self.journal_len()?,
        })
    }

    /// The state as on disk, every section parsed, with the version it was read at. The
    /// version is taken first: were the files to change between, the next request sees a
    /// newer version and reads them again.
    pub(super) fn load_versioned(&self) -> Result<(Version, State, u64)> {
        let version = self.version()?;
        let (state, unfolded) = self.load_counted()?;
        state.parse_all()?;
        Ok((version, state, unfolded))
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
        let (state, unfolded) = self.load_counted()?;
        let (mut sent, out) = accept(&state)?;
        let mut events = publishing::prepare(&state, &mut sent, jiff::Timestamp::now());
        self.append_events(&folder, &mut events)?;
        let appended = self.append_journal(&folder, &sent)?;
        drop(lock);
        let mail = sent.iter().fold(unfolded, |t, m| t.saturating_add(m.size));
        if appended > JOURNAL_FOLD_BYTES || mail > MAIL_FOLD_BYTES {
            // A long journal (or much mail) is folded into the state and trimmed, so the
            // outbox stays within its bounds.
            self.update(|_| Ok(()))?;
        }
        Ok(out)
    }
}

/// The version of the files a state was read from: every write renames a new state file in
/// (a new identity) and every send appends to the journal (a new length).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) struct Version {
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
pub(super) struct Master {
    version: Version,
    state: Arc<State>,
    /// Bytes of messages sent since the state file was last written.
    unfolded_mail: u64,
}

impl Live {
    /// Reads the account for the first time.
    pub fn open(store: Store) -> Result<Live> {
        let (version, state, unfolded_mail) = store.load_versioned()?;
        let state = Arc::new(state);
        Ok(Live {
            current: RwLock::new(Arc::new(Snapshot {
                version,
                state: Arc::clone(&state),
                sent_since: BTreeMap::new(),
            })),
            reload: Mutex::new(()),
            writer: Mutex::new(Some(Master {
                version,
                state,
                unfolded_mail,
            })),
            store,
        })
    }

    pub fn store(&self) -> &Store {
        &self.store
    }

    pub(super) fn published(&self) -> Arc<Snapshot> {
        Arc::clone(&self.current.read().unwrap_or_else(|p| p.into_inner()))
    }

    pub(super) fn publish(&self, snapshot: Snapshot) {
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
        let (version, state, _) = self.store.load_versioned()?;
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
    pub(super) fn turn(&self, deadline: Instant) -> Result<(MutexGuard<'_, Option<Master>>, File)> {
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
            let (version, state, unfolded_mail) = self.store.load_versioned()?;
            *guard = Some(Master {
                version,
                state: Arc::new(state),
                unfolded_mail,
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
        let mut published = std::mem::take(&mut next.published.0);
        self.store.append_events(&folder, &mut published)?;
        // Written without comparing with the previous bytes (there are none in memory): a
        // change that changed nothing still writes, as the cache did.
        self.store
            .write(&folder, &next, None, master.version.id.is_some())?;
        let journal = self.store.scan_journal()?;
        self.store.trim_journal(&folder, &next, &journal, folded)?;
        master.version = self.store.version()?;
        master.state = Arc::new(next);
        master.unfolded_mail = 0;
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
        let (mut sent, out) = accept(&master.state)?;
        if sent.is_empty() {
            return Ok(out);
        }
        let before = master.version;
        let mut events = publishing::prepare(&master.state, &mut sent, jiff::Timestamp::now());
        self.store.append_events(&folder, &mut events)?;
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
        master.unfolded_mail = sent
            .iter()
            .fold(master.unfolded_mail, |t, m| t.saturating_add(m.size));
        let fold = appended > JOURNAL_FOLD_BYTES || master.unfolded_mail > MAIL_FOLD_BYTES;
        let seen = self.published();
        // A complaint puts its address on the suppression list: reads must see the writer's
        // state then, not the snapshot plus counts.
        let suppresses = sent
            .iter()
            .any(|m| m.simulator.values().any(|o| o == "COMPLAINT"));
        if seen.version == before && !suppresses {
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
        if fold {
            // A long journal (or much mail) is folded into the state and trimmed, so the
            // outbox stays within its bounds.
            self.update(
                deadline.max(Instant::now() + self.store.lock_timeout),
                |_| Ok(()),
            )?;
        }
        Ok(out)
    }
}
