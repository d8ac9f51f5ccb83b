//! The event log: every published event (`model::events`), one JSON line each in
//! `<state>.events`, numbered, appended under the state lock. A write's events are appended
//! and synced before its state is written (a crash in between leaves an event of a change
//! that did not land, never a change without its events). A send's events are written with
//! its message in the outbox's frame, synced with it, and appended to the log only then: an
//! event follows only mail that was accepted and is on disk, and a crash between the two
//! leaves them in the frame, which readers merge in (`read_events`) and the next writer logs
//! (`recover_events`). Trimmed to its last `EVENTS_KEEP_BYTES` when it passes twice that.

use std::fs::{self, File, OpenOptions};
use std::io::{ErrorKind, Read, Seek, SeekFrom, Write};
use std::path::{Path, PathBuf};

use super::{Store, segment};
use crate::error::{Error, Result};
use crate::model::publishing::EventRecord;

/// The event log keeps at least this many bytes of the latest events.
pub(super) const EVENTS_KEEP_BYTES: u64 = 32 * 1024 * 1024;

impl Store {
    /// The event log, next to the state.
    pub fn events_path(&self) -> PathBuf {
        self.sibling(".events")
    }

    /// Every event of the log with a sequence above `after`, oldest first, with those of
    /// accepted mail the log does not have yet (`recover_events`).
    pub fn read_events(&self, after: u64) -> Result<Vec<EventRecord>> {
        self.read_events_where(after, |_| true)
    }

    /// Every event of `region` (`read_events_where`): what a request of that region reads.
    pub fn region_events(&self, region: &str) -> Result<Vec<EventRecord>> {
        self.read_events_where(0, |e| e.region == region)
    }

    /// `read_events`, keeping only the events `keep` accepts: read line by line, so memory is
    /// that of the events kept, never the log's (one message's events out of a 64 MiB log).
    pub fn read_events_where(
        &self,
        after: u64,
        mut keep: impl FnMut(&EventRecord) -> bool,
    ) -> Result<Vec<EventRecord>> {
        let page = self.read_events_page(after, usize::MAX, usize::MAX, &mut keep)?;
        // The log's last event above `after` (or `after`): the frames gave out the rest.
        let last = page.last_seq.max(after);
        let mut out = page.events;
        out.extend(
            self.unlogged_events(last)?
                .into_iter()
                .filter(|e| e.seq > after && keep(e)),
        );
        Ok(out)
    }

    /// The events of the active segment's frames above `last` (the log's last), oldest first:
    /// walked back from its end while frames gave out events above it.
    fn unlogged_events(&self, last: u64) -> Result<Vec<EventRecord>> {
        let path = self.journal_path();
        let Some(mut file) = segment::open(&path).map_err(|e| fail_read(&path, e))? else {
            return Ok(Vec::new());
        };
        if !segment::is_segment(&mut file).map_err(|e| fail_read(&path, e))? {
            return Ok(Vec::new());
        }
        let mut out = Vec::new();
        for f in segment::frames_back(&file, |f| f.event_max > last) {
            if f.events == 0 {
                continue;
            }
            let extra = f.extra(&file).map_err(|e| fail_read(&path, e))?;
            out.extend(extra.events.into_iter().filter(|e| e.seq > last));
        }
        out.sort_by_key(|e| e.seq);
        Ok(out)
    }

    /// The highest event sequence the active segment's frames gave out (0 without one).
    fn active_event_max(&self) -> u64 {
        let Ok(Some(mut file)) = segment::open(&self.journal_path()) else {
            return 0;
        };
        if !segment::is_segment(&mut file).unwrap_or(false) {
            return 0;
        }
        let len = file.metadata().map_or(0, |m| m.len());
        segment::frame_before(&file, len).map_or(0, |f| f.event_max)
    }

    /// The sequence the next event gets: after the log's last, and after every event the
    /// active segment gave out, logged or not.
    pub(super) fn next_event(&self) -> Result<u64> {
        Ok(self.log_last()?.max(self.active_event_max()) + 1)
    }

    /// Logs the events of accepted mail the log lacks (a writer stopped between syncing the
    /// frames and appending to the log), after syncing the active segment, which may hold
    /// another process's frames not yet synced. Under the lock.
    pub(super) fn recover_events(&self, folder: &Path) -> Result<()> {
        let path = self.journal_path();
        if let Some(file) = segment::open(&path).map_err(|e| fail_read(&path, e))? {
            file.sync_data().map_err(|e| fail_read(&path, e))?;
        }
        let missing = self.unlogged_events(self.log_last()?)?;
        self.log_events(folder, &missing, true)
    }

    /// A page of the log, read line by line so that memory is the page's, never the log's
    /// (`GET /_sesm/events` and SNS delivery): the events numbered above `after`, oldest first,
    /// that `keep` accepts, until `max` of them or `max_bytes` of their lines; `more` says the
    /// page stopped before the log's end.
    pub fn read_events_page(
        &self,
        after: u64,
        max: usize,
        max_bytes: usize,
        mut keep: impl FnMut(&EventRecord) -> bool,
    ) -> Result<EventPage> {
        use std::io::BufRead;
        let path = self.events_path();
        let fail = |e: std::io::Error| {
            Error::state(format!("cannot read the event log {}: {e}", path.display()))
        };
        let mut page = EventPage::default();
        let file = match File::open(&path) {
            Ok(f) => f,
            Err(e) if e.kind() == ErrorKind::NotFound => return Ok(page),
            Err(e) => return Err(fail(e)),
        };
        let mut reader = std::io::BufReader::with_capacity(64 * 1024, file);
        let (mut line, mut bytes, mut number) = (Vec::new(), 0usize, 0usize);
        loop {
            line.clear();
            if reader.read_until(b'\n', &mut line).map_err(fail)? == 0 {
                return Ok(page);
            }
            number += 1;
            // A last line without its newline is a write a crash cut short (or one under way).
            if line.last() != Some(&b'\n') || line.iter().all(u8::is_ascii_whitespace) {
                continue;
            }
            if seq_of(&line).is_some_and(|seq| seq <= after) {
                continue;
            }
            if page.events.len() >= max || bytes >= max_bytes {
                page.more = true;
                return Ok(page);
            }
            let e: EventRecord = serde_json::from_slice(&line).map_err(|e| {
                Error::state(format!(
                    "the event log {} is corrupt at line {number}: {e}; it was left untouched",
                    path.display()
                ))
                .hint(format!(
                    "remove the line, or the whole file to empty the log: rm {}",
                    path.display()
                ))
            })?;
            if e.seq <= after {
                continue;
            }
            page.last_seq = e.seq;
            if keep(&e) {
                bytes += line.len();
                page.events.push(e);
            }
        }
    }

    /// The sequence of the log's last event (0 for an empty log).
    fn log_last(&self) -> Result<u64> {
        match File::open(self.events_path()) {
            Ok(mut f) => Store::last_event_seq(&mut f).map_err(|e| {
                Error::state(format!(
                    "cannot read the event log {}: {e}",
                    self.events_path().display()
                ))
            }),
            Err(e) if e.kind() == ErrorKind::NotFound => Ok(0),
            Err(e) => Err(Error::state(format!(
                "cannot read the event log {}: {e}",
                self.events_path().display()
            ))),
        }
    }

    /// The sequence of the log's last complete line (0 for an empty log): its tail is read,
    /// more of it while no whole line with a number is in it.
    fn last_event_seq(file: &mut File) -> std::io::Result<u64> {
        let len = file.metadata()?.len();
        let mut chunk: u64 = 16 * 1024;
        loop {
            let from = len.saturating_sub(chunk);
            file.seek(SeekFrom::Start(from))?;
            let mut tail = Vec::new();
            file.read_to_end(&mut tail)?;
            let complete = tail.iter().rposition(|&b| b == b'\n').map_or(0, |i| i + 1);
            let lines: Vec<&[u8]> = tail[..complete].split(|&b| b == b'\n').collect();
            // The first piece starts mid-line unless the tail is the whole file.
            let whole = if from == 0 {
                &lines[..]
            } else {
                &lines[1.min(lines.len())..]
            };
            if let Some(seq) = whole
                .iter()
                .rev()
                .filter(|l| !l.is_empty())
                .find_map(|l| seq_of(l))
            {
                return Ok(seq);
            }
            if from == 0 {
                return Ok(0);
            }
            chunk = chunk.saturating_mul(4);
        }
    }

    /// Empties the event log and the SNS cursors (a reset): both removed, the folder synced.
    pub(super) fn empty_events(&self, folder: &Path) -> Result<()> {
        for path in [self.events_path(), self.sibling(".sns")] {
            match fs::remove_file(&path) {
                Ok(()) => {}
                Err(e) if e.kind() == ErrorKind::NotFound => {}
                Err(e) => {
                    return Err(Error::state(format!(
                        "cannot empty {}: {e}",
                        path.display()
                    )));
                }
            }
        }
        File::open(folder)
            .and_then(|d| d.sync_all())
            .map_err(|e| Error::state(format!("cannot sync {}: {e}", folder.display())))
    }

    /// Where each SNS subscription's delivery got to: the last event delivered (or given up).
    pub fn read_sns_cursors(&self) -> Result<std::collections::BTreeMap<String, u64>> {
        let path = self.sibling(".sns");
        match fs::read(&path) {
            Ok(b) => Ok(serde_json::from_slice(&b).unwrap_or_default()),
            Err(e) if e.kind() == ErrorKind::NotFound => Ok(Default::default()),
            Err(e) => Err(Error::state(format!("cannot read {}: {e}", path.display()))),
        }
    }

    /// Records where each subscription's delivery got to (temp file and rename: a crash
    /// leaves the old cursors, so events are delivered again rather than lost).
    pub fn write_sns_cursors(
        &self,
        cursors: &std::collections::BTreeMap<String, u64>,
    ) -> Result<()> {
        let path = self.sibling(".sns");
        let folder = self.folder();
        let fail =
            |e: std::io::Error| Error::state(format!("cannot write {}: {e}", path.display()));
        let mut tmp = tempfile::Builder::new()
            .prefix(&self.temp_prefix())
            .tempfile_in(&folder)
            .map_err(fail)?;
        serde_json::to_writer(&mut tmp, cursors).map_err(|e| fail(e.into()))?;
        tmp.as_file().sync_data().map_err(fail)?;
        tmp.persist(&path).map_err(|e| fail(e.error))?;
        Ok(())
    }

    /// The sequence of the last event published (0 when none was): the log's, or that of an
    /// accepted message's event the log does not have yet.
    pub fn last_event(&self) -> Result<u64> {
        Ok(self.log_last()?.max(self.active_event_max()))
    }

    /// Appends numbered events to the log, those above its last sequence (another writer may
    /// have logged the others), synced when `sync`.
    pub(super) fn log_events(
        &self,
        folder: &Path,
        events: &[EventRecord],
        sync: bool,
    ) -> Result<()> {
        if events.is_empty() {
            return Ok(());
        }
        let path = self.events_path();
        let fail = |e: std::io::Error| {
            Error::state(format!(
                "cannot write the event log {}: {e}; nothing was changed",
                path.display()
            ))
            .hint("check the folder's permissions and free space")
        };
        let existed = path.exists();
        let mut file = open_lines(&path).map_err(fail)?;
        let last = Store::last_event_seq(&mut file).map_err(fail)?;
        let mut text = Vec::with_capacity(events.len() * 1024);
        for e in events.iter().filter(|e| e.seq > last) {
            serde_json::to_writer(&mut text, e).map_err(|e| fail(e.into()))?;
            text.push(b'\n');
        }
        if text.is_empty() {
            return Ok(());
        }
        file.write_all(&text).map_err(fail)?;
        if sync {
            file.sync_data().map_err(fail)?;
        }
        if !existed {
            File::open(folder)
                .and_then(|d| d.sync_all())
                .map_err(fail)?;
        }
        let len = file.metadata().map_err(fail)?.len();
        if len > 2 * EVENTS_KEEP_BYTES {
            self.trim_events(folder, EVENTS_KEEP_BYTES)?;
        }
        Ok(())
    }

    /// Keeps the whole lines of the log's last `keep` bytes. Only that tail is read, a buffer
    /// at a time, into the new file: the writer's memory stays small whatever the log's size.
    pub(super) fn trim_events(&self, folder: &Path, keep: u64) -> Result<()> {
        use std::io::BufRead;
        let path = self.events_path();
        let fail = |e: std::io::Error| {
            Error::state(format!("cannot trim the event log {}: {e}", path.display()))
        };
        let mut log = File::open(&path).map_err(fail)?;
        let len = log.metadata().map_err(fail)?.len();
        log.seek(SeekFrom::Start(len.saturating_sub(keep)))
            .map_err(fail)?;
        let mut tail = std::io::BufReader::new(log);
        if len > keep {
            // The line the cut falls in is not kept whole: it goes.
            tail.skip_until(b'\n').map_err(fail)?;
        }
        let mut tmp = tempfile::Builder::new()
            .prefix(&self.temp_prefix())
            .tempfile_in(folder)
            .map_err(fail)?;
        std::io::copy(&mut tail, tmp.as_file_mut()).map_err(fail)?;
        tmp.as_file().sync_data().map_err(fail)?;
        tmp.persist(&path).map_err(|e| fail(e.error))?;
        File::open(folder).and_then(|d| d.sync_all()).map_err(fail)
    }
}

/// Opens a file of JSON lines for appending (mode 0600, created if missing), without a last
/// line a crash cut short (its writer died before answering), so the next line starts on a
/// line of its own: the event log.
pub(super) fn open_lines(path: &Path) -> std::io::Result<File> {
    use std::io::{Read, Seek, SeekFrom};
    use std::os::unix::fs::OpenOptionsExt;
    let mut file = OpenOptions::new()
        .read(true)
        .append(true)
        .create(true)
        .mode(0o600)
        .open(path)?;
    let len = file.metadata()?.len();
    if len > 0 {
        let mut last = [0u8];
        file.seek(SeekFrom::Start(len - 1))?;
        file.read_exact(&mut last)?;
        if last[0] != b'\n' {
            let bytes = fs::read(path)?;
            let keep = bytes.iter().rposition(|&b| b == b'\n').map_or(0, |i| i + 1);
            file.set_len(keep as u64)?;
        }
    }
    Ok(file)
}

/// Numbers events from `next` on; returns the number after them.
pub(super) fn number_events(events: &mut [EventRecord], mut next: u64) -> u64 {
    for e in events {
        e.seq = next;
        next += 1;
    }
    next
}

fn fail_read(path: &Path, e: std::io::Error) -> Error {
    Error::state(format!("cannot read the outbox {}: {e}", path.display()))
}

/// A page of the event log (`Store::read_events_page`).
#[derive(Debug, Default)]
pub struct EventPage {
    pub events: Vec<EventRecord>,
    /// The sequence of the last event read (kept or not): the next page starts after it.
    pub last_seq: u64,
    /// Whether the page stopped before the end of the log.
    pub more: bool,
}

/// The number a log line starts with (`{"Seq":12,…`), without parsing the rest.
fn seq_of(line: &[u8]) -> Option<u64> {
    let rest = line.strip_prefix(b"{\"Seq\":")?;
    let digits = rest.iter().take_while(|b| b.is_ascii_digit()).count();
    if digits == 0 || digits > 19 {
        return None;
    }
    std::str::from_utf8(&rest[..digits]).ok()?.parse().ok()
}
