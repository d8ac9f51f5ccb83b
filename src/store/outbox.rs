//! The outbox: every accepted message whole, in append-only segment files (`segment`) next to
//! the state. Sends append frames to the active segment, `<state>.outbox`, and sync it once
//! per group; the next write of the state counts them in (folds them). A full active segment
//! (1,000 messages, or its share of `SESM_OUTBOX_BYTES`) is folded and renamed into
//! `<state>.mail/<first>-<last>-<bytes>.seg`, so closed segments hold only folded messages and
//! their names say what the outbox's bounds need. Trimming to the bounds (10,000 messages,
//! `SESM_OUTBOX_BYTES` of them, nothing cleared) removes whole closed segments, after carrying
//! the `mail` objects of messages the regions still track into the active segment: a write
//! costs the same whatever the outbox holds. Readers take the exact bounds themselves.

use std::collections::{BTreeMap, HashMap, HashSet};
use std::fs::{self, File, OpenOptions};
use std::io::{ErrorKind, Write};
use std::path::{Path, PathBuf};

use super::Store;
use super::legacy;
use super::segment::{self, Extra, Frame, Kind, Walk};
use crate::error::{Error, Result};
use crate::model::State;
use crate::model::publishing::EventRecord;
use crate::model::rules::RawJson;
use crate::model::sending::{OUTBOX_SIZE, SentMessage};

/// An active segment with this many messages is closed.
pub(super) const SEGMENT_MESSAGES: u64 = 1_000;
/// An active segment is closed past a quarter of the outbox's bytes, within these bounds.
const SEGMENT_BYTES: (u64, u64) = (64 * 1024, 16 * 1024 * 1024);

/// A closed segment: its messages' first and last sequence and bytes (from its name).
pub(super) struct Closed {
    first: u64,
    last: u64,
    bytes: u64,
    path: PathBuf,
}

/// The active segment as read: the messages after a sequence, and what the writer needs.
#[derive(Debug, Default)]
pub(super) struct Active {
    /// Its messages after the sequence asked for, oldest first.
    pub messages: Vec<SentMessage>,
    /// Every message's sequence and size, oldest first.
    pub sizes: Vec<(u64, u64)>,
    /// The file's length (its whole frames).
    pub len: u64,
    /// The highest event sequence its frames gave out.
    pub event_max: u64,
}

impl Active {
    /// Whether it is due to be closed.
    pub fn full(&self, store: &Store) -> bool {
        self.sizes.len() as u64 >= SEGMENT_MESSAGES || self.len >= store.segment_bytes()
    }
}

fn closed_name(first: u64, last: u64, bytes: u64) -> String {
    format!("{first:020}-{last:020}-{bytes}.seg")
}

fn parse_closed_name(name: &str) -> Option<(u64, u64, u64)> {
    let mut parts = name.strip_suffix(".seg")?.split('-');
    let mut n = [0u64; 3];
    for v in &mut n {
        *v = parts.next()?.parse().ok()?;
    }
    (parts.next().is_none() && n[0] <= n[1]).then_some((n[0], n[1], n[2]))
}

fn corrupt(path: &Path, at: u64, e: impl std::fmt::Display) -> Error {
    Error::state(format!(
        "the outbox {} is corrupt at byte {at}: {e}; it was left untouched",
        path.display()
    ))
    .hint(format!(
        "remove the file to drop its messages from the outbox: rm {}",
        path.display()
    ))
}

fn read_fail(path: &Path, e: std::io::Error) -> Error {
    Error::state(format!("cannot read the outbox {}: {e}", path.display()))
}

fn write_fail(path: &Path, e: std::io::Error) -> Error {
    Error::state(format!(
        "cannot write the outbox {}: {e}; the messages were not accepted",
        path.display()
    ))
    .hint("check the folder's permissions and free space")
}

fn sync_dir(dir: &Path) -> std::io::Result<()> {
    File::open(dir)?.sync_all()
}

/// Walks a segment's message frames, each with its parsed header.
fn each_message(
    path: &Path,
    file: File,
    mut each: impl FnMut(&Frame, SentMessage, &File) -> Result<()>,
) -> Result<()> {
    let mut walk = Walk::new(file).map_err(|e| read_fail(path, e))?;
    while let Some((f, header)) = walk.next_frame().map_err(|e| read_fail(path, e))? {
        if f.kind != Kind::Message {
            continue;
        }
        let m: SentMessage = serde_json::from_slice(&header).map_err(|e| corrupt(path, f.at, e))?;
        each(&f, m, walk.file())?;
    }
    Ok(())
}

impl Store {
    /// The active segment of the outbox (an older sesm's journal of JSON lines until a writer
    /// converts it).
    pub fn journal_path(&self) -> PathBuf {
        self.sibling(".outbox")
    }

    /// The outbox's closed segments (an older sesm's `<seq>.eml` files until converted).
    pub fn mail_dir(&self) -> PathBuf {
        self.sibling(".mail")
    }

    pub(super) fn segment_bytes(&self) -> u64 {
        (self.outbox_bytes / 4).clamp(SEGMENT_BYTES.0, SEGMENT_BYTES.1)
    }

    /// The closed segments, oldest first.
    pub(super) fn closed_segments(&self) -> Result<Vec<Closed>> {
        let dir = self.mail_dir();
        let entries = match fs::read_dir(&dir) {
            Ok(e) => e,
            Err(e) if e.kind() == ErrorKind::NotFound => return Ok(Vec::new()),
            Err(e) => return Err(read_fail(&dir, e)),
        };
        let mut out: Vec<Closed> = entries
            .flatten()
            .filter_map(|e| {
                let (first, last, bytes) = parse_closed_name(&e.file_name().to_string_lossy())?;
                Some(Closed {
                    first,
                    last,
                    bytes,
                    path: e.path(),
                })
            })
            .collect();
        out.sort_by_key(|c| c.first);
        Ok(out)
    }

    /// The active segment, open for reading, and whether it is an older journal of lines.
    fn open_active(&self) -> Result<Option<(File, bool)>> {
        let path = self.journal_path();
        let Some(mut file) = segment::open(&path).map_err(|e| read_fail(&path, e))? else {
            return Ok(None);
        };
        let frames = segment::is_segment(&mut file).map_err(|e| read_fail(&path, e))?;
        Ok(Some((file, !frames)))
    }

    /// Whether the outbox is still an older sesm's journal of lines.
    pub(super) fn legacy(&self) -> Result<bool> {
        Ok(self.open_active()?.is_some_and(|(_, legacy)| legacy))
    }

    /// The active segment's messages after `after`, and its summary.
    pub(super) fn read_active(&self, after: u64) -> Result<Active> {
        let path = self.journal_path();
        let mut out = Active::default();
        match self.open_active()? {
            None => {}
            Some((_, true)) => {
                for m in legacy::read_lines(&path)? {
                    out.sizes.push((m.seq, m.size));
                    if m.seq > after {
                        out.messages.push(m);
                    }
                }
            }
            Some((file, false)) => {
                let mut walk = Walk::new(file).map_err(|e| read_fail(&path, e))?;
                while let Some((f, header)) = walk.next_frame().map_err(|e| read_fail(&path, e))? {
                    out.len = f.at + f.len;
                    out.event_max = out.event_max.max(f.event_max);
                    if f.kind != Kind::Message {
                        continue;
                    }
                    out.sizes.push((f.seq, f.mime_len));
                    if f.seq > after {
                        let m: SentMessage =
                            serde_json::from_slice(&header).map_err(|e| corrupt(&path, f.at, e))?;
                        out.messages.push(m);
                    }
                }
            }
        }
        Ok(out)
    }

    /// Every message the outbox keeps, oldest first, within its bounds (the last 10,000, and
    /// no more than `SESM_OUTBOX_BYTES` of them), and those messages' bytes.
    pub fn read_journal(&self) -> Result<(Vec<SentMessage>, u64)> {
        // The active segment is opened first: were it closed meanwhile, its messages are read
        // through this handle, and again (the same) from their closed segment.
        let active = self.open_active()?;
        let mut all = Vec::new();
        if let Some((_, true)) = active {
            all = legacy::read_lines(&self.journal_path())?;
        } else {
            for c in self.closed_segments()? {
                let Some(f) = segment::open(&c.path).map_err(|e| read_fail(&c.path, e))? else {
                    continue;
                };
                each_message(&c.path, f, |_, m, _| {
                    all.push(m);
                    Ok(())
                })?;
            }
            if let Some((file, _)) = active {
                each_message(&self.journal_path(), file, |_, m, _| {
                    all.push(m);
                    Ok(())
                })?;
            }
        }
        all.sort_by_key(|m| m.seq);
        all.dedup_by_key(|m| m.seq);
        let mut from = all.len().saturating_sub(OUTBOX_SIZE);
        let mut bytes = all[from..]
            .iter()
            .fold(0u64, |t, m| t.saturating_add(m.size));
        while bytes > self.outbox_bytes && from < all.len() {
            bytes -= all[from].size;
            from += 1;
        }
        Ok((all.split_off(from), bytes))
    }

    /// The message of sequence `seq` as kept, byte for byte; `None` when the outbox does not
    /// keep it (or kept only its record, as outboxes did before whole messages).
    pub fn read_mail(&self, seq: u64) -> Result<Option<Vec<u8>>> {
        let active = self.open_active()?;
        if let Some((_, true)) = active {
            return legacy::read_eml(&self.mail_dir(), seq);
        }
        let mut places: Vec<(PathBuf, Option<File>)> = Vec::new();
        if let Some((file, _)) = active {
            places.push((self.journal_path(), Some(file)));
        }
        for c in self.closed_segments()?.into_iter().rev() {
            if (c.first..=c.last).contains(&seq) {
                places.push((c.path, None));
            }
        }
        for (path, file) in places {
            let file = match file {
                Some(f) => f,
                None => match segment::open(&path).map_err(|e| read_fail(&path, e))? {
                    Some(f) => f,
                    None => continue,
                },
            };
            let mut walk = Walk::new(file).map_err(|e| read_fail(&path, e))?;
            while let Some((f, _)) = walk.next_frame().map_err(|e| read_fail(&path, e))? {
                if f.kind == Kind::Message && f.seq == seq {
                    if f.mime_len == 0 {
                        return Ok(None);
                    }
                    return f
                        .mime(walk.file())
                        .map(Some)
                        .map_err(|e| read_fail(&path, e));
                }
            }
        }
        Ok(None)
    }

    /// The `mail` objects the outbox keeps for these messages (from their frames, or carried).
    pub(super) fn mail_objects(&self, seqs: &HashSet<u64>) -> Result<HashMap<u64, RawJson>> {
        let mut out = HashMap::new();
        if seqs.is_empty() || self.legacy()? {
            return Ok(out);
        }
        let mut paths: Vec<PathBuf> = self
            .closed_segments()?
            .into_iter()
            .map(|c| c.path)
            .collect();
        paths.push(self.journal_path());
        for path in paths {
            let Some(file) = segment::open(&path).map_err(|e| read_fail(&path, e))? else {
                continue;
            };
            let mut walk = Walk::new(file).map_err(|e| read_fail(&path, e))?;
            while let Some((f, _)) = walk.next_frame().map_err(|e| read_fail(&path, e))? {
                if f.extra_len > 0 && seqs.contains(&f.seq) {
                    let extra = f.extra(walk.file()).map_err(|e| corrupt(&path, f.at, e))?;
                    if let Some(mail) = extra.mail {
                        out.insert(f.seq, mail);
                    }
                }
            }
        }
        Ok(out)
    }

    /// Opens the active segment for appending (created, and the folder synced, when missing),
    /// cut back to its whole frames; its length.
    pub(super) fn open_for_append(&self, folder: &Path) -> Result<(File, u64)> {
        use std::os::unix::fs::OpenOptionsExt;
        let path = self.journal_path();
        let existed = path.exists();
        let file = OpenOptions::new()
            .read(true)
            .append(true)
            .create(true)
            .mode(0o600)
            .open(&path)
            .map_err(|e| write_fail(&path, e))?;
        if !existed {
            sync_dir(folder).map_err(|e| write_fail(&path, e))?;
        }
        let len = file.metadata().map_err(|e| write_fail(&path, e))?.len();
        let valid = segment::valid_len(&file, false).map_err(|e| write_fail(&path, e))?;
        if valid < len {
            // A frame a crash cut short: never acknowledged, cut off so the next starts clean.
            file.set_len(valid).map_err(|e| write_fail(&path, e))?;
            file.sync_data().map_err(|e| write_fail(&path, e))?;
        }
        Ok((file, valid))
    }

    /// Checks every frame of the active segment (a server's start) and cuts off those from
    /// the first that is not whole: frames a crash left half-written or zeroed, never
    /// acknowledged since a sync covers every frame before the one acknowledged.
    pub(super) fn repair_active(&self, folder: &Path) -> Result<()> {
        let _ = folder;
        let path = self.journal_path();
        let Some((file, false)) = self.open_active()? else {
            return Ok(());
        };
        let len = file.metadata().map_err(|e| read_fail(&path, e))?.len();
        let valid = segment::valid_len(&file, true).map_err(|e| read_fail(&path, e))?;
        if valid < len {
            let file = OpenOptions::new()
                .write(true)
                .open(&path)
                .map_err(|e| write_fail(&path, e))?;
            file.set_len(valid).map_err(|e| write_fail(&path, e))?;
            file.sync_data().map_err(|e| write_fail(&path, e))?;
        }
        Ok(())
    }

    /// Appends frames to the active segment (not synced); on failure the segment is cut back
    /// to `len`, its length before, so nothing of them remains.
    pub(super) fn append_frames(&self, file: &File, len: u64, frames: &[u8]) -> Result<u64> {
        let path = self.journal_path();
        if let Err(e) = (&*file).write_all(frames) {
            let _ = file.set_len(len);
            return Err(write_fail(&path, e));
        }
        Ok(len + frames.len() as u64)
    }

    /// Appends carry frames for these `mail` objects and syncs them.
    fn carry(&self, folder: &Path, mails: BTreeMap<u64, RawJson>, event_max: u64) -> Result<()> {
        if mails.is_empty() {
            return Ok(());
        }
        let mut buf = Vec::new();
        for (seq, mail) in mails {
            let extra = serde_json::to_vec(&Extra {
                mail: Some(mail),
                events: Vec::new(),
            })
            .map_err(|e| Error::internal(e.to_string()))?;
            segment::encode(&mut buf, Kind::Carry, seq, b"{}", b"", &extra, event_max, 0);
        }
        let (file, len) = self.open_for_append(folder)?;
        self.append_frames(&file, len, &buf)?;
        file.sync_data()
            .map_err(|e| write_fail(&self.journal_path(), e))
    }

    /// Moves the `mail` objects a version 4 state kept (`TrackedMail::mail`) into the outbox.
    pub(super) fn carry_state_mails(
        &self,
        folder: &Path,
        state: &mut State,
        event_max: u64,
    ) -> Result<()> {
        let mut mails = BTreeMap::new();
        for region in state.regions.values_mut() {
            for t in &mut region.tracked {
                if let Some(mail) = t.mail.take() {
                    mails.insert(t.seq, mail);
                }
            }
        }
        self.carry(folder, mails, event_max)
    }

    /// Converts an older outbox (journal of lines and `<seq>.eml` files) into a segment, in a
    /// temp file renamed over the journal; then removes the `.eml` files.
    pub(super) fn convert_legacy(&self, folder: &Path) -> Result<()> {
        let path = self.journal_path();
        let dir = self.mail_dir();
        if !self.legacy()? {
            return Ok(());
        }
        let fail = |e: std::io::Error| write_fail(&path, e);
        let mut tmp = tempfile::Builder::new()
            .prefix(&self.temp_prefix())
            .tempfile_in(folder)
            .map_err(fail)?;
        {
            let mut out = std::io::BufWriter::new(tmp.as_file_mut());
            for mut m in legacy::read_lines(&path)? {
                let mime = legacy::read_eml(&dir, m.seq)?.unwrap_or_default();
                let mail = m.event_mail.take();
                m.publishes |= mail.is_some();
                let header = serde_json::to_vec(&m).map_err(|e| Error::internal(e.to_string()))?;
                let extra = match mail {
                    Some(mail) => serde_json::to_vec(&Extra {
                        mail: Some(mail),
                        events: Vec::new(),
                    })
                    .map_err(|e| Error::internal(e.to_string()))?,
                    None => Vec::new(),
                };
                let mut frame = Vec::with_capacity(header.len() + mime.len() + extra.len() + 80);
                segment::encode(
                    &mut frame,
                    Kind::Message,
                    m.seq,
                    &header,
                    &mime,
                    &extra,
                    0,
                    0,
                );
                out.write_all(&frame).map_err(fail)?;
            }
            out.flush().map_err(fail)?;
        }
        tmp.as_file().sync_data().map_err(fail)?;
        tmp.persist(&path).map_err(|e| fail(e.error))?;
        sync_dir(folder).map_err(fail)?;
        legacy::remove_emls(&dir);
        Ok(())
    }

    /// Renames the active segment into the closed ones (its messages are folded).
    fn close_active(&self, folder: &Path, sizes: &[(u64, u64)]) -> Result<()> {
        let (Some(first), Some(last)) = (sizes.first(), sizes.last()) else {
            return Ok(());
        };
        let bytes = sizes.iter().fold(0u64, |t, (_, s)| t.saturating_add(*s));
        let dir = self.mail_dir();
        let fail = |e: std::io::Error| {
            Error::state(format!(
                "cannot close the outbox's segment in {}: {e}",
                dir.display()
            ))
        };
        if !dir.is_dir() {
            use std::os::unix::fs::DirBuilderExt;
            fs::DirBuilder::new()
                .mode(0o700)
                .create(&dir)
                .map_err(fail)?;
            sync_dir(folder).map_err(fail)?;
        }
        fs::rename(
            self.journal_path(),
            dir.join(closed_name(first.0, last.0, bytes)),
        )
        .map_err(fail)?;
        sync_dir(&dir).map_err(fail)?;
        sync_dir(folder).map_err(fail)
    }

    /// After a write: closes a full active segment (or one every message of which is outside
    /// the bounds), removes the closed segments outside them after carrying the `mail`
    /// objects of messages still tracked; a replaced state (reset, import) keeps none.
    pub(super) fn trim_outbox(
        &self,
        folder: &Path,
        state: &mut State,
        replaced: bool,
        event_max: u64,
    ) -> Result<()> {
        if replaced {
            let _ = fs::remove_file(self.journal_path());
            for c in self.closed_segments()? {
                let _ = fs::remove_file(&c.path);
            }
            legacy::remove_emls(&self.mail_dir());
            return self.carry_state_mails(folder, state, event_max);
        }
        let active = self.read_active(u64::MAX)?;
        // Messages up to `cut` are outside the bounds (cleared, or past the last 10,000).
        let cut = state
            .outbox_from
            .max(state.sent_seq.saturating_sub(OUTBOX_SIZE as u64));
        let last = active.sizes.last().map(|(s, _)| *s);
        if last.is_some_and(|l| l <= state.sent_seq)
            && (active.full(self) || last.is_some_and(|l| l <= cut))
        {
            self.close_active(folder, &active.sizes)?;
        }
        let closed = self.closed_segments()?;
        let mut newer: u64 = if self.journal_path().exists() {
            active
                .sizes
                .iter()
                .fold(0, |t, (_, s)| t.saturating_add(*s))
        } else {
            0
        };
        let mut gone = Vec::new();
        for c in closed.iter().rev() {
            if c.last <= cut || newer > self.outbox_bytes {
                gone.push(c);
            }
            newer = newer.saturating_add(c.bytes);
        }
        if gone.is_empty() {
            return Ok(());
        }
        let tracked: HashSet<u64> = state
            .regions
            .values()
            .flat_map(|r| r.tracked.iter().map(|t| t.seq))
            .collect();
        let mut mails = BTreeMap::new();
        for c in gone.iter().rev() {
            let Some(file) = segment::open(&c.path).map_err(|e| read_fail(&c.path, e))? else {
                continue;
            };
            let mut walk = Walk::new(file).map_err(|e| read_fail(&c.path, e))?;
            while let Some((f, _)) = walk.next_frame().map_err(|e| read_fail(&c.path, e))? {
                if f.extra_len > 0 && tracked.contains(&f.seq) {
                    let extra = f
                        .extra(walk.file())
                        .map_err(|e| corrupt(&c.path, f.at, e))?;
                    if let Some(mail) = extra.mail {
                        mails.insert(f.seq, mail);
                    }
                }
            }
        }
        // Carried (and synced) before the segments holding them go.
        self.carry(folder, mails, event_max)?;
        for c in &gone {
            let _ = fs::remove_file(&c.path);
        }
        let _ = sync_dir(&self.mail_dir());
        Ok(())
    }
}

/// The frames of accepted messages: each message's header, its MIME, and its extra part (its
/// `mail` object and the events its send published, already numbered); with the highest
/// event sequence given out after them.
pub(super) fn message_frames(
    sent: &[SentMessage],
    events: &[EventRecord],
    mut event_max: u64,
) -> Result<(Vec<u8>, u64)> {
    #[derive(serde::Serialize)]
    #[serde(rename_all = "PascalCase")]
    struct ExtraOut<'a> {
        #[serde(skip_serializing_if = "Option::is_none")]
        mail: Option<&'a RawJson>,
        #[serde(skip_serializing_if = "Vec::is_empty")]
        events: Vec<&'a EventRecord>,
    }
    let size = sent.iter().map(|m| m.mime.len() + 1024).sum();
    let mut buf = Vec::with_capacity(size);
    for m in sent {
        let own: Vec<&EventRecord> = events
            .iter()
            .filter(|e| e.message_id == m.message_id)
            .collect();
        event_max = own.iter().map(|e| e.seq).fold(event_max, u64::max);
        let n = own.len() as u64;
        let header = serde_json::to_vec(m).map_err(|e| Error::internal(e.to_string()))?;
        let extra = if m.event_mail.is_none() && own.is_empty() {
            Vec::new()
        } else {
            serde_json::to_vec(&ExtraOut {
                mail: m.event_mail.as_ref(),
                events: own,
            })
            .map_err(|e| Error::internal(e.to_string()))?
        };
        segment::encode(
            &mut buf,
            Kind::Message,
            m.seq,
            &header,
            &m.mime,
            &extra,
            event_max,
            n,
        );
    }
    Ok((buf, event_max))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn closed_names_round_trip() {
        let n = closed_name(1, 1_000, 123_456);
        assert_eq!(n, "00000000000000000001-00000000000000001000-123456.seg");
        assert_eq!(parse_closed_name(&n), Some((1, 1_000, 123_456)));
        for bad in [
            "1-2.seg",
            "2-1-3.seg",
            "a-b-c.seg",
            "1-2-3.eml",
            "1-2-3-4.seg",
        ] {
            assert_eq!(parse_closed_name(bad), None, "{bad}");
        }
    }
}
