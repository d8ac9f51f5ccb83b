//! Group commit for `sesm serve`'s sends, as the write-ahead logs of PostgreSQL and SQLite do
//! it: each send appends its frames to the outbox in the writer's turn (short: no sync) and
//! then waits until a sync covers them. The first waiter to find no sync running syncs the
//! segment once for every frame written so far, counts those sends for reads, logs their
//! events and wakes them all; sends that arrive during a sync are covered by the next one. A
//! lone send waits for exactly one sync, as before; sixteen share one. A failed sync fails
//! every send written since the last good one (their frames are cut off, their events never
//! logged), since later sends were checked against a state that counted them.

use std::collections::VecDeque;
use std::fs::File;
use std::sync::{Arc, Condvar, Mutex, MutexGuard};
use std::time::Instant;

use super::{Live, Turn};
use crate::error::{Error, Result};
use crate::model::publishing::EventRecord;
use crate::model::sending::SentMessage;

/// The writer's turn: one holder at a time, waited for until a deadline (a std `Mutex` has no
/// timed lock).
#[derive(Default)]
pub(super) struct Gate {
    busy: Mutex<bool>,
    free: Condvar,
}

pub(super) struct GateGuard<'a>(&'a Gate);

impl Gate {
    /// Waits for the turn until `deadline` (for good without one).
    pub fn enter(&self, deadline: Option<Instant>) -> Result<GateGuard<'_>> {
        let mut busy = self.busy.lock().unwrap_or_else(|p| p.into_inner());
        while *busy {
            busy = match deadline {
                None => self.free.wait(busy).unwrap_or_else(|p| p.into_inner()),
                Some(d) => {
                    let now = Instant::now();
                    if now >= d {
                        return Err(Error::lock(
                            "other requests kept the account busy past the lock timeout",
                        )
                        .hint("retry, or wait longer with SESM_LOCK_TIMEOUT=SECONDS"));
                    }
                    self.free
                        .wait_timeout(busy, d - now)
                        .unwrap_or_else(|p| p.into_inner())
                        .0
                }
            };
        }
        *busy = true;
        Ok(GateGuard(self))
    }
}

impl Drop for GateGuard<'_> {
    fn drop(&mut self) {
        *self.0.busy.lock().unwrap_or_else(|p| p.into_inner()) = false;
        self.0.free.notify_one();
    }
}

/// Sends written and how far they are synced. Writes are numbered in the order they were
/// appended (`written`); every write up to `synced` is on disk and counted for reads.
#[derive(Default)]
pub(super) struct Commit {
    written: u64,
    synced: u64,
    /// Writes up to this failed to sync, with the error their senders get.
    failed: u64,
    failure: Option<Error>,
    /// A waiter is syncing (the others wait for it).
    syncing: bool,
    /// The active segment the writes went to, its length after the last write and after
    /// the last synced one.
    file: Option<Arc<File>>,
    written_len: u64,
    synced_len: u64,
    /// Writes not synced yet, oldest first.
    pending: VecDeque<Pending>,
    /// Events of synced sends not in the log yet, in order.
    to_log: Vec<EventRecord>,
    /// Events were appended to the log without syncing it (their frames are synced).
    log_unsynced: bool,
    /// Syncs of the outbox so far (sends share them).
    syncs: u64,
}

struct Pending {
    write: u64,
    sent: Vec<SentMessage>,
    events: Vec<EventRecord>,
}

impl Live {
    /// How many times the outbox was synced for sends.
    pub fn syncs(&self) -> u64 {
        self.commit_state().syncs
    }

    fn commit_state(&self) -> MutexGuard<'_, Commit> {
        self.commit.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// Records a write (in the writer's turn): its frames went to `file`, now `len` long.
    pub(super) fn enqueue(
        &self,
        file: Arc<File>,
        len: u64,
        mut sent: Vec<SentMessage>,
        events: Vec<EventRecord>,
    ) -> u64 {
        for m in &mut sent {
            // What reads count needs no message bytes nor `mail` object.
            m.mime = Default::default();
            m.event_mail = None;
        }
        let mut c = self.commit_state();
        c.written += 1;
        let write = c.written;
        c.file = Some(file);
        c.written_len = len;
        c.pending.push_back(Pending {
            write,
            sent,
            events,
        });
        write
    }

    /// Marks every write up to `target` synced (the file `len` long then): counts them for
    /// reads, in order, and queues their events for the log.
    fn settle(&self, c: &mut Commit, target: u64, len: u64) {
        while c.pending.front().is_some_and(|p| p.write <= target) {
            let Some(p) = c.pending.pop_front() else {
                break;
            };
            self.publish_sent(&p.sent);
            c.to_log.extend(p.events);
        }
        if target > c.synced {
            c.synced = target;
            c.synced_len = len;
        }
    }

    /// Waits until write `write` is synced (syncing it, and every write before and after it
    /// so far, when no one else is), and its events logged.
    pub(super) fn wait_synced(&self, write: u64) -> Result<()> {
        let mut c = self.commit_state();
        loop {
            if write <= c.synced {
                return Ok(());
            }
            if write <= c.failed {
                return Err(c
                    .failure
                    .clone()
                    .unwrap_or_else(|| Error::internal("the outbox could not be synced")));
            }
            if c.syncing {
                c = self.committed.wait(c).unwrap_or_else(|p| p.into_inner());
                continue;
            }
            c.syncing = true;
            c.syncs += 1;
            let (target, len, file) = (c.written, c.written_len, c.file.clone());
            drop(c);
            let synced = file.as_ref().map_or(Ok(()), |f| self.sync_outbox(f));
            match synced {
                Ok(()) => {
                    let has_events = {
                        let mut c = self.commit_state();
                        self.settle(&mut c, target, len);
                        !c.to_log.is_empty()
                    };
                    if has_events {
                        // Logged in the writer's turn, in order; if the lock cannot be had,
                        // the next turn logs them (they are on disk in their frames).
                        if let Ok(mut turn) = self.turn(None) {
                            let _ = self.log_synced(&mut turn);
                        }
                    }
                }
                Err(e) => self.sync_failed(target, e),
            }
            c = self.commit_state();
            c.syncing = false;
            self.committed.notify_all();
        }
    }

    /// Syncs the outbox's segment (in tests, fails when told to, as a full disk would).
    fn sync_outbox(&self, file: &File) -> std::io::Result<()> {
        #[cfg(test)]
        {
            use std::sync::atomic::Ordering;
            let failing = &self.failing_syncs;
            if failing
                .fetch_update(Ordering::SeqCst, Ordering::SeqCst, |n| n.checked_sub(1))
                .is_ok()
            {
                return Err(std::io::Error::other("no space left on device (injected)"));
            }
        }
        file.sync_data()
    }

    /// A sync failed: unless a later one covered the writes, every write so far fails, its
    /// frames are cut off and the writer reads the files again.
    fn sync_failed(&self, target: u64, e: std::io::Error) {
        let error = Error::state(format!(
            "cannot write the outbox {}: {e}; the messages were not accepted",
            self.store.journal_path().display()
        ))
        .hint("check the folder's permissions and free space");
        let turn = self.turn(None);
        let mut c = self.commit_state();
        if c.synced >= target {
            return;
        }
        c.failed = c.written;
        c.failure = Some(error);
        if let Some(file) = &c.file {
            // Only the frames after the last sync are cut, and only when no one appended
            // after them.
            if file.metadata().is_ok_and(|m| m.len() == c.written_len) {
                let _ = file.set_len(c.synced_len);
                let _ = file.sync_data();
            }
        }
        c.pending.clear();
        c.written_len = c.synced_len;
        if let Ok(mut turn) = turn {
            *turn.master = None;
        }
    }

    /// In the writer's turn: syncs every write so far (without waiting for a sync under way,
    /// whose waiter may need this turn) and logs their events, synced, so that a write of the
    /// state counts only mail on disk and a closed segment's events are all in the log.
    pub(super) fn barrier(&self, turn: &mut Turn<'_>) -> Result<()> {
        let (target, len, file) = {
            let c = self.commit_state();
            (c.written, c.written_len, c.file.clone())
        };
        if target > self.commit_state().synced {
            self.commit_state().syncs += 1;
            match file.as_ref().map_or(Ok(()), |f| self.sync_outbox(f)) {
                Ok(()) => {
                    let mut c = self.commit_state();
                    self.settle(&mut c, target, len);
                }
                Err(e) => {
                    let error = Error::state(format!(
                        "cannot write the outbox {}: {e}; the messages were not accepted",
                        self.store.journal_path().display()
                    ));
                    let mut c = self.commit_state();
                    c.failed = c.written;
                    c.failure = Some(error.clone());
                    if let Some(f) = &c.file {
                        let _ = f.set_len(c.synced_len);
                    }
                    c.pending.clear();
                    *turn.master = None;
                    self.committed.notify_all();
                    return Err(error);
                }
            }
        }
        self.log_synced(turn)?;
        let unsynced = std::mem::take(&mut self.commit_state().log_unsynced);
        if unsynced && let Ok(f) = File::open(self.store.events_path()) {
            f.sync_data().map_err(|e| {
                Error::state(format!(
                    "cannot sync the event log {}: {e}",
                    self.store.events_path().display()
                ))
            })?;
        }
        self.committed.notify_all();
        Ok(())
    }

    /// In the writer's turn: appends the events of synced sends to the log, in order (not
    /// synced: their frames are).
    pub(super) fn log_synced(&self, turn: &mut Turn<'_>) -> Result<()> {
        let events = std::mem::take(&mut self.commit_state().to_log);
        if events.is_empty() {
            return Ok(());
        }
        let folder = self.store.folder();
        if let Err(e) = self.store.log_events(&folder, &events, false) {
            // Kept for the next turn (they are on disk in their frames meanwhile).
            self.commit_state().to_log.splice(0..0, events);
            return Err(e);
        }
        self.commit_state().log_unsynced = true;
        if let Some(master) = turn.master.as_mut() {
            self.note_own(master);
        }
        Ok(())
    }
}
