//! The account as a long-running process (`sesm serve`) keeps it: committed snapshots for
//! reads, one writer, and sends that share their sync (group commit, `commit.rs`).

mod commit;

use std::collections::BTreeMap;
use std::fs::{self, File};
use std::io::ErrorKind;
use std::sync::{Arc, Condvar, Mutex, MutexGuard, RwLock};
use std::time::Instant;

use super::outbox::{Active, message_frames};
use super::{Store, create_folder, events::number_events};
use crate::error::{Error, Result};
use crate::model::sending::SentMessage;
use crate::model::{State, publishing};
use commit::{Commit, Gate, GateGuard};

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

/// An appended file's identity and length (the outbox's active segment, the event log).
fn appended(path: &std::path::Path) -> Result<Option<(u64, u64, u64)>> {
    use std::os::unix::fs::MetadataExt;
    match fs::metadata(path) {
        Ok(m) => Ok(Some((m.dev(), m.ino(), m.len()))),
        Err(e) if e.kind() == ErrorKind::NotFound => Ok(None),
        Err(e) => Err(Error::state(format!("cannot read {}: {e}", path.display()))),
    }
}

/// The version of the files a state was read from: every write renames a new state file in
/// (a new identity), every send appends to the outbox's active segment, every event to the
/// log (new lengths).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) struct Version {
    id: Option<FileId>,
    outbox: Option<(u64, u64, u64)>,
    events: Option<(u64, u64, u64)>,
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

    /// The version of the files on disk.
    pub(super) fn version(&self) -> Result<Version> {
        Ok(Version {
            id: self.file_id()?,
            outbox: appended(&self.journal_path())?,
            events: appended(&self.events_path())?,
        })
    }

    /// The state as on disk, every section parsed, with the version it was read at and the
    /// active segment. The version is taken first: were the files to change between, the
    /// next request sees a newer version and reads them again.
    pub(super) fn load_versioned(&self) -> Result<(Version, State, Active)> {
        let version = self.version()?;
        let (state, active) = self.load_counted()?;
        state.parse_all()?;
        Ok((version, state, active))
    }
}

/// The account as a long-running process (`sesm serve`) keeps it: the latest committed state
/// as an immutable snapshot that reads share, and one writer.
///
/// Reads never wait for writes: a read checks the files' version (three `stat`s) and answers
/// from the snapshot, reading the files again only when another process changed them. Writes
/// take the writer's turn and then the file lock, both within one deadline, change a copy of
/// the state, write it, and swap in the new snapshot; a refused change leaves everything as
/// it was. Sends append their frames in their turn and then wait for a sync that covers them
/// (one sync for every send waiting: `commit.rs`); what they add to the day's demand is kept
/// beside the snapshot.
pub struct Live {
    pub(super) store: Store,
    current: RwLock<Arc<Snapshot>>,
    /// Taken by a read that must read the files again, so concurrent reads do it once.
    reload: Mutex<()>,
    /// The writer's turn (held with the file lock), and its copy of the state.
    gate: Gate,
    pub(super) writer: Mutex<Option<Master>>,
    /// Sends written and not yet synced, and who syncs them.
    commit: Mutex<Commit>,
    pub(super) committed: Condvar,
    /// The files' version after this process's last change to them: reads that find it need
    /// not read the files again.
    pub(super) own: Mutex<Option<Version>>,
    /// Tests: how many of the next syncs of the outbox fail (a full disk, an I/O error).
    #[cfg(test)]
    pub(crate) failing_syncs: std::sync::atomic::AtomicU32,
}

/// One committed state, shared by the reads that use it.
pub struct Snapshot {
    version: Version,
    state: Arc<State>,
    /// Recipients accepted per region since `state` was taken (sends do not rewrite it).
    sent_since: BTreeMap<String, u64>,
    /// The last message (by sequence) counted into `state` or `sent_since`.
    counted: u64,
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

/// The writer's state: exact (sends written counted in), the version of the files it matches,
/// and the active segment it appends to.
pub(super) struct Master {
    pub(super) version: Version,
    pub(super) state: Arc<State>,
    /// The active segment open for appending, its length and messages.
    pub(super) segment: Option<(Arc<File>, u64, u64)>,
    /// The sequence the next event gets.
    pub(super) next_event: u64,
}

/// The writer's turn: the gate, the file lock, and the writer's state.
pub(super) struct Turn<'a> {
    pub(super) master: MutexGuard<'a, Option<Master>>,
    _lock: File,
    _gate: GateGuard<'a>,
}

impl Turn<'_> {
    pub(super) fn master(&mut self) -> Result<&mut Master> {
        self.master
            .as_mut()
            .ok_or_else(|| Error::internal("the writer has no state after reading it"))
    }
}

impl Live {
    /// Reads the account for the first time. Under the lock, it cuts off a frame a crash left
    /// half-written, logs the events of accepted mail the log lacks, and converts an older
    /// outbox or state (version 4) as a write would.
    pub fn open(store: Store) -> Result<Live> {
        if store.journal_path().exists() {
            let folder = store.folder();
            match store.lock() {
                Ok(_lock) => {
                    store.repair_active(&folder)?;
                    store.recover_events(&folder)?;
                }
                Err(e) if e.kind == crate::error::Kind::Lock => return Err(e),
                // A folder the server may not write to: it serves reads, and refuses writes
                // when they come.
                Err(_) => {}
            }
        }
        let (mut version, mut state, _) = store.load_versioned()?;
        let state_mails = state
            .regions
            .values()
            .any(|r| r.tracked.iter().any(|t| t.mail.is_some()));
        if state_mails || store.legacy()? {
            // An older state or outbox (version 4): converted now, as a write would.
            store.update(|_| Ok(()))?;
            (version, state, _) = store.load_versioned()?;
        }
        let state = Arc::new(state);
        let next_event = store.next_event()?;
        Ok(Live {
            current: RwLock::new(Arc::new(Snapshot {
                version,
                counted: state.sent_seq,
                state: Arc::clone(&state),
                sent_since: BTreeMap::new(),
            })),
            reload: Mutex::new(()),
            gate: Gate::default(),
            writer: Mutex::new(Some(Master {
                version,
                state,
                segment: None,
                next_event,
            })),
            commit: Mutex::new(Commit::default()),
            committed: Condvar::new(),
            own: Mutex::new(Some(version)),
            #[cfg(test)]
            failing_syncs: Default::default(),
            store,
        })
    }

    pub fn store(&self) -> &Store {
        &self.store
    }

    pub(super) fn published(&self) -> Arc<Snapshot> {
        Arc::clone(&self.current.read().unwrap_or_else(|p| p.into_inner()))
    }

    fn publish(&self, snapshot: Snapshot) {
        *self.current.write().unwrap_or_else(|p| p.into_inner()) = Arc::new(snapshot);
    }

    /// Publishes a state the writer holds (after a write, or after reading the files again).
    fn publish_master(&self, master: &Master) {
        self.publish(Snapshot {
            version: master.version,
            counted: master.state.sent_seq,
            state: Arc::clone(&master.state),
            sent_since: BTreeMap::new(),
        });
    }

    /// Counts synced messages for reads (those the snapshot has not counted yet).
    pub(super) fn publish_sent(&self, sent: &[SentMessage]) {
        let mut slot = self.current.write().unwrap_or_else(|p| p.into_inner());
        let fresh: Vec<&SentMessage> = sent.iter().filter(|m| m.seq > slot.counted).collect();
        let Some(last) = fresh.iter().map(|m| m.seq).max() else {
            return;
        };
        // A complaint puts its address on the suppression list: reads must see the state
        // with it, not the snapshot plus counts.
        let suppresses = fresh
            .iter()
            .any(|m| m.simulator.values().any(|o| o == "COMPLAINT"));
        let mut state = Arc::clone(&slot.state);
        let mut sent_since = slot.sent_since.clone();
        if suppresses {
            let s = Arc::make_mut(&mut state);
            for m in &fresh {
                s.count_sent(m);
            }
        } else {
            for m in &fresh {
                let n = m.isps.values().fold(0u64, |t, n| t.saturating_add(*n));
                let entry = sent_since.entry(m.region.clone()).or_default();
                *entry = entry.saturating_add(n);
            }
        }
        *slot = Arc::new(Snapshot {
            version: slot.version,
            state,
            sent_since,
            counted: last,
        });
    }

    /// Notes the files' version after this process changed them. Were they not to be read,
    /// the writer keeps the version it had, so its next turn reads the files again.
    pub(super) fn note_own(&self, master: &mut Master) {
        let mut own = self.own.lock().unwrap_or_else(|p| p.into_inner());
        match self.store.version() {
            Ok(v) => {
                master.version = v;
                *own = Some(v);
            }
            Err(_) => *own = None,
        }
    }

    /// The latest committed state. Takes no lock another writer holds: when another process
    /// changed the files, they are read again (without the state lock, as every reader does).
    pub fn read(&self) -> Result<Arc<Snapshot>> {
        let seen = self.published();
        let mine = |v: Version| *self.own.lock().unwrap_or_else(|p| p.into_inner()) == Some(v);
        let version = self.store.version()?;
        if version == seen.version || mine(version) {
            return Ok(seen);
        }
        let _reload = self.reload.lock().unwrap_or_else(|p| p.into_inner());
        // Another read may have done it while this one waited.
        let latest = self.published();
        let version = self.store.version()?;
        if version == latest.version || mine(version) {
            return Ok(latest);
        }
        let (version, state, _) = self.store.load_versioned()?;
        let fresh = Arc::new(Snapshot {
            version,
            counted: state.sent_seq,
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

    /// The writer's turn and the state lock (the gate before `deadline`, the lock before it
    /// or, without one, within the lock timeout); then the writer's state, read again if
    /// another process changed the files; then the events of synced sends still to log.
    pub(super) fn turn(&self, deadline: Option<Instant>) -> Result<Turn<'_>> {
        let gate = self.gate.enter(deadline)?;
        let until = deadline.unwrap_or_else(|| Instant::now() + self.store.lock_timeout);
        let lock = self
            .store
            .lock_for(until.saturating_duration_since(Instant::now()))?;
        let mut master = match self.writer.lock() {
            Ok(g) => g,
            Err(p) => {
                // A panic mid-change: the copy it changed was dropped, but read the files
                // again to be sure.
                let mut g = p.into_inner();
                *g = None;
                g
            }
        };
        let version = self.store.version()?;
        if master.as_ref().is_none_or(|m| m.version != version) {
            *master = None;
            let (version, state, _) = self.store.load_versioned()?;
            let fresh = Master {
                version,
                state: Arc::new(state),
                segment: None,
                next_event: self.store.next_event()?,
            };
            self.publish_master(&fresh);
            *master = Some(fresh);
        }
        let mut turn = Turn {
            master,
            _lock: lock,
            _gate: gate,
        };
        self.log_synced(&mut turn)?;
        Ok(turn)
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
        let mut turn = self.turn(Some(deadline))?;
        self.update_in(&mut turn, change)
    }

    /// `update` within a turn: every send written is synced first (its events logged), so
    /// the state written counts exactly the mail on disk.
    fn update_in<T>(
        &self,
        turn: &mut Turn<'_>,
        change: impl FnOnce(&mut State) -> Result<T>,
    ) -> Result<T> {
        let folder = self.store.folder();
        self.barrier(turn)?;
        self.store.remove_leftovers(&folder);
        let master = turn.master()?;
        let mut next = State::clone(&master.state);
        let folded = next.sent_seq;
        let out = change(&mut next)?;
        // The write may close or replace the active segment: it is opened again after.
        master.segment = None;
        let exists = master.version.id.is_some();
        let next_event =
            self.store
                .commit(&folder, &mut next, None, exists, folded, master.next_event)?;
        master.next_event = next_event;
        master.state = Arc::new(next);
        self.note_own(master);
        self.publish_master(master);
        Ok(out)
    }

    /// Accepts messages as `Store::send` does, through the writer: checked against the
    /// writer's exact state and appended to the outbox in the writer's turn, then synced
    /// together with every other send waiting (group commit) before this returns; their events
    /// are logged only once their frames are synced.
    pub fn send<T>(
        &self,
        deadline: Instant,
        accept: impl FnOnce(&State) -> Result<(Vec<SentMessage>, T)>,
    ) -> Result<T> {
        let folder = self.store.folder();
        create_folder(&folder)?;
        let mut turn = self.turn(Some(deadline))?;
        let (mut sent, out) = accept(&turn.master()?.state)?;
        if sent.is_empty() {
            return Ok(out);
        }
        if turn.master()?.segment.as_ref().is_some_and(|(_, len, n)| {
            *n >= super::outbox::SEGMENT_MESSAGES || *len >= self.store.segment_bytes()
        }) {
            // A full active segment: the state is written (the messages on disk folded in)
            // and the segment closed before this send starts the next.
            self.update_in(&mut turn, |_| Ok(()))?;
        }
        let master = turn.master()?;
        let mut events = publishing::prepare(&master.state, &mut sent, jiff::Timestamp::now());
        let next_event = number_events(&mut events, master.next_event);
        let (frames, _) = message_frames(&sent, &events, next_event - 1)?;
        if master.segment.is_none() {
            let (file, len) = self.store.open_for_append(&folder)?;
            let messages = self.store.read_active(u64::MAX)?.sizes.len() as u64;
            master.segment = Some((Arc::new(file), len, messages));
        }
        let Some((file, len, messages)) = master.segment.as_mut() else {
            return Err(Error::internal(
                "the writer has no outbox segment after opening it",
            ));
        };
        // Refused here (disk full), nothing of the messages remains and nothing is counted.
        *len = self.store.append_frames(file, *len, &frames)?;
        *messages += sent.len() as u64;
        master.next_event = next_event;
        let (file, written_len) = (Arc::clone(file), *len);
        // The first send after a write copies the state once (reads still share the old
        // one); later sends count into the writer's own copy.
        let state = Arc::make_mut(&mut master.state);
        for m in &sent {
            state.count_sent(m);
        }
        self.note_own(master);
        let lsn = self.enqueue(file, written_len, sent, events);
        drop(turn);
        self.wait_synced(lsn)?;
        Ok(out)
    }
}
