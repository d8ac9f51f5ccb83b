//! The event log: every published event (`model::events`), one JSON line each in
//! `<state>.events`, numbered, appended and synced under the state lock with the send or the
//! write that made it, before that send's journal line or that write's state (at least once:
//! a crash in between leaves an event of a change that did not land, never a change without
//! its events). Trimmed to its last `EVENTS_KEEP_BYTES` when it passes twice that.

use std::fs::{self, File};
use std::io::{ErrorKind, Read, Seek, SeekFrom, Write};
use std::path::{Path, PathBuf};

use super::Store;
use crate::error::{Error, Result};
use crate::model::publishing::EventRecord;

/// The event log keeps at least this many bytes of the latest events.
pub(super) const EVENTS_KEEP_BYTES: u64 = 32 * 1024 * 1024;

impl Store {
    /// The event log, next to the state.
    pub fn events_path(&self) -> PathBuf {
        self.sibling(".events")
    }

    /// Every event of the log with a sequence above `after`, oldest first.
    pub fn read_events(&self, after: u64) -> Result<Vec<EventRecord>> {
        let path = self.events_path();
        let bytes = match fs::read(&path) {
            Ok(b) => b,
            Err(e) if e.kind() == ErrorKind::NotFound => return Ok(Vec::new()),
            Err(e) => {
                return Err(Error::state(format!(
                    "cannot read the event log {}: {e}",
                    path.display()
                )));
            }
        };
        // A last line without its newline is a write a crash cut short.
        let complete = bytes.iter().rposition(|&b| b == b'\n').map_or(0, |i| i + 1);
        let mut out = Vec::new();
        for (i, line) in bytes[..complete].split(|&b| b == b'\n').enumerate() {
            if line.iter().all(u8::is_ascii_whitespace) {
                continue;
            }
            // Lines sesm wrote start with their number: older ones are skipped unparsed.
            if seq_of(line).is_some_and(|seq| seq <= after) {
                continue;
            }
            let e: EventRecord = serde_json::from_slice(line).map_err(|e| {
                Error::state(format!(
                    "the event log {} is corrupt at line {}: {e}; it was left untouched",
                    path.display(),
                    i + 1
                ))
                .hint(format!(
                    "remove the line, or the whole file to empty the log: rm {}",
                    path.display()
                ))
            })?;
            if e.seq > after {
                out.push(e);
            }
        }
        Ok(out)
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
    pub fn last_event(&self) -> Result<u64> {
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

    /// The sequence of the log's last complete line (0 for an empty log).
    fn last_event_seq(file: &mut File) -> std::io::Result<u64> {
        let len = file.metadata()?.len();
        let from = len.saturating_sub(256 * 1024);
        file.seek(SeekFrom::Start(from))?;
        let mut tail = Vec::new();
        file.read_to_end(&mut tail)?;
        let complete = tail.iter().rposition(|&b| b == b'\n').map_or(0, |i| i + 1);
        let seq = tail[..complete]
            .split(|&b| b == b'\n')
            .rev()
            .filter(|l| !l.is_empty())
            .find_map(seq_of);
        Ok(seq.unwrap_or(0))
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

    /// Numbers the events after the log's last and appends them, synced.
    pub(super) fn append_events(&self, folder: &Path, events: &mut [EventRecord]) -> Result<()> {
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
        let mut file = super::journal::open_lines(&path).map_err(fail)?;
        let mut seq = Store::last_event_seq(&mut file).map_err(fail)?;
        let mut text = Vec::with_capacity(events.len() * 1024);
        for e in events.iter_mut() {
            seq += 1;
            e.seq = seq;
            serde_json::to_writer(&mut text, e).map_err(|e| fail(e.into()))?;
            text.push(b'\n');
        }
        file.write_all(&text).map_err(fail)?;
        file.sync_data().map_err(fail)?;
        if !existed {
            File::open(folder)
                .and_then(|d| d.sync_all())
                .map_err(fail)?;
        }
        let len = file.metadata().map_err(fail)?.len();
        if len > 2 * EVENTS_KEEP_BYTES {
            self.trim_events(folder)?;
        }
        Ok(())
    }

    /// Keeps the whole lines of the log's last `EVENTS_KEEP_BYTES`.
    fn trim_events(&self, folder: &Path) -> Result<()> {
        let path = self.events_path();
        let fail = |e: std::io::Error| {
            Error::state(format!("cannot trim the event log {}: {e}", path.display()))
        };
        let bytes = fs::read(&path).map_err(fail)?;
        let from = bytes.len().saturating_sub(EVENTS_KEEP_BYTES as usize);
        let start = bytes[from..]
            .iter()
            .position(|&b| b == b'\n')
            .map_or(bytes.len(), |i| from + i + 1);
        let mut tmp = tempfile::Builder::new()
            .prefix(&self.temp_prefix())
            .tempfile_in(folder)
            .map_err(fail)?;
        tmp.write_all(&bytes[start..]).map_err(fail)?;
        tmp.as_file().sync_data().map_err(fail)?;
        tmp.persist(&path).map_err(|e| fail(e.error))?;
        File::open(folder).and_then(|d| d.sync_all()).map_err(fail)
    }
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
