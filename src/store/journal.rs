//! The outbox journal: accepted messages, one JSON line each, next to the state; appended and
//! synced under the lock, folded into the state by the next write, trimmed to the outbox size.

use super::Store;
use std::fs::{self, File, OpenOptions};
use std::io::{ErrorKind, Write};
use std::path::{Path, PathBuf};

use crate::error::{Error, Result};
use crate::model::State;
use crate::model::sending::{OUTBOX_SIZE, SentMessage};

/// A journal longer than this is folded into the state by the sender itself.
pub(super) const JOURNAL_FOLD_BYTES: u64 = 16 * 1024 * 1024;

impl Store {
    /// The outbox journal: accepted messages, one JSON line each, next to the state.
    pub fn journal_path(&self) -> PathBuf {
        self.sibling(".outbox")
    }

    pub(super) fn journal_len(&self) -> Result<u64> {
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
    pub(super) fn scan_journal(&self) -> Result<Journal> {
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

    pub(super) fn parse_journal_line(&self, line: &[u8], index: usize) -> Result<SentMessage> {
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
    pub(super) fn journal_after(&self, journal: &Journal, after: u64) -> Result<Vec<SentMessage>> {
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
    pub(super) fn append_journal(&self, folder: &Path, sent: &[SentMessage]) -> Result<u64> {
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
    pub(super) fn trim_journal(
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
pub(super) struct Journal {
    bytes: Vec<u8>,
    lines: Vec<(u64, usize, std::ops::Range<usize>)>,
}

/// The sequence of a journal line as sesm writes it (`{"Seq":123,…`), without parsing the
/// rest; `None` for a line written otherwise.
pub(super) fn seq_prefix(line: &[u8]) -> Option<u64> {
    let rest = line.strip_prefix(b"{\"Seq\":")?;
    let digits = rest.iter().take_while(|b| b.is_ascii_digit()).count();
    if digits == 0 || digits > 19 || rest.get(digits) != Some(&b',') {
        return None;
    }
    std::str::from_utf8(&rest[..digits]).ok()?.parse().ok()
}
