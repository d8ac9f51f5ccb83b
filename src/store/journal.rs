//! The outbox: accepted messages, one JSON line each in the journal next to the state, and
//! each message whole (its MIME) in the mail folder beside it (`<state>.mail/<seq>.eml`);
//! written and synced under the lock (the message, then its line), folded into the state by
//! the next write, trimmed to the outbox's bounds (10,000 messages, `SESM_OUTBOX_BYTES` of
//! messages), oldest first.

use super::Store;
use std::fs::{self, File, OpenOptions};
use std::io::{ErrorKind, Write};
use std::path::{Path, PathBuf};

use crate::error::{Error, Result};
use crate::model::State;
use crate::model::sending::{OUTBOX_SIZE, SentMessage};

/// A journal longer than this is folded into the state by the sender itself.
pub(super) const JOURNAL_FOLD_BYTES: u64 = 16 * 1024 * 1024;
/// Messages of this many bytes sent since the last write are folded in (and the outbox
/// trimmed to its bounds) by the sender itself.
pub(super) const MAIL_FOLD_BYTES: u64 = 16 * 1024 * 1024;

impl Store {
    /// The outbox journal: accepted messages, one JSON line each, next to the state.
    pub fn journal_path(&self) -> PathBuf {
        self.sibling(".outbox")
    }

    /// The outbox's mail folder: each kept message whole, as `<seq>.eml`.
    pub fn mail_dir(&self) -> PathBuf {
        self.sibling(".mail")
    }

    /// The message of sequence `seq` as kept, `None` when the outbox no longer keeps it.
    pub fn read_mail(&self, seq: u64) -> Result<Option<Vec<u8>>> {
        let path = self.mail_dir().join(format!("{seq}.eml"));
        match fs::read(&path) {
            Ok(b) => Ok(Some(b)),
            Err(e) if e.kind() == ErrorKind::NotFound => Ok(None),
            Err(e) => Err(Error::state(format!(
                "cannot read the message {}: {e}",
                path.display()
            ))),
        }
    }

    /// Writes the messages to the mail folder and syncs them and the folder, so a journal
    /// line written after never names a message a crash lost. A file a crash left (a message
    /// never acknowledged) is overwritten by the send that takes its number.
    fn write_mail(&self, folder: &Path, sent: &[SentMessage]) -> Result<()> {
        use std::os::unix::fs::{DirBuilderExt, OpenOptionsExt};
        if sent.iter().all(|m| m.mime.is_empty()) {
            return Ok(());
        }
        let dir = self.mail_dir();
        let fail = |e: std::io::Error| {
            Error::state(format!(
                "cannot write the outbox's messages in {}: {e}; the messages were not accepted",
                dir.display()
            ))
            .hint("check the folder's permissions and free space")
        };
        match fs::symlink_metadata(&dir) {
            Ok(m) if m.is_dir() => {}
            Ok(_) => {
                return Err(Error::state(format!(
                    "{} is not a folder (sesm keeps the outbox's messages there); the messages were not accepted",
                    dir.display()
                ))
                .hint(format!("move it away: mv {0} {0}.old", dir.display())));
            }
            Err(e) if e.kind() == ErrorKind::NotFound => {
                fs::DirBuilder::new()
                    .mode(0o700)
                    .create(&dir)
                    .map_err(fail)?;
                File::open(folder)
                    .and_then(|d| d.sync_all())
                    .map_err(fail)?;
            }
            Err(e) => return Err(fail(e)),
        }
        for m in sent.iter().filter(|m| !m.mime.is_empty()) {
            let path = dir.join(format!("{}.eml", m.seq));
            // Not following a symlink planted where a message goes.
            if fs::symlink_metadata(&path).is_ok_and(|md| !md.is_file()) {
                fs::remove_file(&path).map_err(fail)?;
            }
            let mut file = OpenOptions::new()
                .write(true)
                .create(true)
                .truncate(true)
                .mode(0o600)
                .open(&path)
                .map_err(fail)?;
            file.write_all(&m.mime).map_err(fail)?;
            file.sync_data().map_err(fail)?;
        }
        File::open(&dir).and_then(|d| d.sync_all()).map_err(fail)
    }

    /// Removes the kept messages whose numbers are not in `keep` (all of them when `keep`
    /// is empty). Best effort: a file that cannot be removed is only space.
    fn drop_mail(&self, keep: &std::collections::HashSet<u64>) {
        let Ok(entries) = fs::read_dir(self.mail_dir()) else {
            return;
        };
        for e in entries.flatten() {
            let name = e.file_name();
            let seq = name
                .to_str()
                .and_then(|n| n.strip_suffix(".eml"))
                .and_then(|n| n.parse::<u64>().ok());
            if let Some(seq) = seq
                && !keep.contains(&seq)
            {
                let _ = fs::remove_file(e.path());
            }
        }
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
            let (seq, size) = match line_prefix(line) {
                Some(p) => p,
                None => {
                    let m = self.parse_journal_line(line, i)?;
                    (m.seq, m.size)
                }
            };
            lines.push(Line {
                seq,
                size,
                index: i,
                range,
            });
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
            .filter(|l| l.seq > after)
            .map(|l| self.parse_journal_line(&journal.bytes[l.range.clone()], l.index))
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
        let path = self.journal_path();
        let fail = |e: std::io::Error| {
            Error::state(format!(
                "cannot write the outbox {}: {e}; the messages were not accepted",
                path.display()
            ))
            .hint("check the folder's permissions and free space")
        };
        self.write_mail(folder, sent)?;
        let existed = path.exists();
        let mut file = open_lines(&path).map_err(fail)?;
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

    /// After a write: keeps in the outbox the last `OUTBOX_SIZE` messages counted into the
    /// state and not cleared (`outbox clear`), fewer when their messages exceed the outbox's
    /// bytes; a replaced state (reset, import) keeps none. The journal is rewritten (lines
    /// copied as they are) and the dropped messages removed only when that drops something.
    pub(super) fn trim_journal(
        &self,
        folder: &Path,
        state: &State,
        journal: &Journal,
        folded: u64,
    ) -> Result<()> {
        let replaced = state.sent_seq != folded;
        if journal.lines.is_empty() {
            if replaced {
                self.drop_mail(&Default::default());
            }
            return Ok(());
        }
        let kept: Vec<&Line> = if replaced {
            Vec::new()
        } else {
            let live: Vec<&Line> = journal
                .lines
                .iter()
                .filter(|l| l.seq > state.outbox_from && l.seq <= state.sent_seq)
                .collect();
            let mut from = live.len().saturating_sub(OUTBOX_SIZE);
            let mut bytes = live[from..]
                .iter()
                .fold(0u64, |t, l| t.saturating_add(l.size));
            while bytes > self.outbox_bytes && from < live.len() {
                bytes -= live[from].size;
                from += 1;
            }
            live[from..].to_vec()
        };
        // Trimmed in batches, so a full outbox is not rewritten on every write (a batch of
        // lines only: the bytes bound holds after every trim).
        let by_count = kept.len() >= OUTBOX_SIZE;
        let slack = if replaced || !by_count { 0 } else { 1_000 };
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
            for l in &kept {
                out.write_all(&journal.bytes[l.range.clone()])
                    .map_err(fail)?;
                out.write_all(b"\n").map_err(fail)?;
            }
            out.flush().map_err(fail)?;
        }
        tmp.as_file().sync_data().map_err(fail)?;
        tmp.persist(self.journal_path())
            .map_err(|e| fail(e.error))?;
        File::open(folder)
            .and_then(|d| d.sync_all())
            .map_err(fail)?;
        // Messages go after the lines naming them: a crash in between leaves files no line
        // names, which the next trim removes.
        self.drop_mail(&kept.iter().map(|l| l.seq).collect());
        Ok(())
    }

    /// The bytes of kept messages counted since the state was last written (sends fold
    /// them in past `MAIL_FOLD_BYTES`).
    pub(super) fn unfolded_mail(journal: &Journal, state_seq: u64) -> u64 {
        journal
            .lines
            .iter()
            .filter(|l| l.seq > state_seq)
            .fold(0u64, |t, l| t.saturating_add(l.size))
    }
}

/// Opens a file of JSON lines for appending (mode 0600, created if missing), without a last
/// line a crash cut short (its writer died before answering), so the next line starts on a
/// line of its own: the outbox journal and the event log.
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

/// The outbox journal as read: its bytes, and per complete line its sequence, index and
/// place.
#[derive(Default)]
pub(super) struct Journal {
    bytes: Vec<u8>,
    lines: Vec<Line>,
}

/// A complete line of the journal: its message's sequence and size, its index and place.
pub(super) struct Line {
    seq: u64,
    size: u64,
    index: usize,
    range: std::ops::Range<usize>,
}

/// A number at the start of `rest`, followed by `,`; and what follows the comma.
fn number(rest: &[u8]) -> Option<(u64, &[u8])> {
    let digits = rest.iter().take_while(|b| b.is_ascii_digit()).count();
    if digits == 0 || digits > 19 || rest.get(digits) != Some(&b',') {
        return None;
    }
    let n = std::str::from_utf8(&rest[..digits]).ok()?.parse().ok()?;
    Some((n, &rest[digits + 1..]))
}

/// The sequence and size of a journal line as sesm writes it (`{"Seq":123,"Size":456,…`),
/// without parsing the rest; `None` for a line written otherwise.
pub(super) fn line_prefix(line: &[u8]) -> Option<(u64, u64)> {
    let (seq, rest) = number(line.strip_prefix(b"{\"Seq\":")?)?;
    let (size, _) = number(rest.strip_prefix(b"\"Size\":")?)?;
    Some((seq, size))
}
