//! The outbox's segment files: accepted messages appended as frames, each whole in one place.
//!
//! A frame is a line of lengths, the message's header (its `SentMessage` JSON, the `Seq`
//! first), the message itself (MIME, byte for byte), an extra part (the `mail` object of its
//! events and the events its send published, `Extra`), and a fixed-size footer holding the
//! frame's length and a CRC-32 of the rest:
//!
//! ```text
//! S1 M <seq> <header bytes> <mime bytes> <extra bytes> <last event seq> <events>\n
//! {"Seq":…}<MIME><{"Mail":…,"Events":[…]}>\n<frame length, 16 hex> <crc32, 8 hex>\n
//! ```
//!
//! A reader walks frames forward by their lengths, reading headers and skipping messages, so
//! listing 10,000 messages reads their headers only; the footer lets the tail be checked and
//! walked backwards without a scan. A carry frame (`C`) holds only the `mail` object of a
//! tracked message whose own frame is about to go with its segment. A frame a crash cut short
//! (or left zeroed) fails its lengths or its CRC: readers stop before it, the next writer cuts
//! it off. Nothing here knows about states or locks.

use std::fs::File;
use std::io::{BufRead, BufReader, Read, Seek, SeekFrom};
use std::os::unix::fs::FileExt;

use serde::{Deserialize, Serialize};

use crate::model::publishing::EventRecord;
use crate::model::rules::RawJson;

/// The footer: `\n`, 16 hex digits, a space, 8 hex digits, `\n`.
pub(super) const FOOTER: u64 = 27;
/// The longest first line a frame may have (eight numbers and the tag).
const HEAD_MAX: u64 = 200;

/// What a frame holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Kind {
    /// An accepted message.
    Message,
    /// The `mail` object of a tracked message, carried forward from a segment dropped.
    Carry,
}

/// The extra part of a frame.
#[derive(Debug, Default, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub(super) struct Extra {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub mail: Option<RawJson>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub events: Vec<EventRecord>,
}

/// Where a frame is and what its first line says.
#[derive(Debug, Clone)]
pub(super) struct Frame {
    pub kind: Kind,
    pub seq: u64,
    /// Where the frame starts in its file, and its whole length, footer included.
    pub at: u64,
    pub len: u64,
    head: u64,
    pub header_len: u64,
    pub mime_len: u64,
    pub extra_len: u64,
    /// The highest event sequence given out when the frame was written (its own events
    /// included), and how many of the events are its own.
    pub event_max: u64,
    pub events: u64,
}

impl Frame {
    fn header_at(&self) -> u64 {
        self.at + self.head
    }

    pub fn mime_at(&self) -> u64 {
        self.header_at() + self.header_len
    }

    fn extra_at(&self) -> u64 {
        self.mime_at() + self.mime_len
    }

    /// The message's bytes.
    pub fn mime(&self, file: &File) -> std::io::Result<Vec<u8>> {
        read_at(file, self.mime_at(), self.mime_len)
    }

    /// The extra part, parsed (empty when the frame has none).
    pub fn extra(&self, file: &File) -> std::io::Result<Extra> {
        if self.extra_len == 0 {
            return Ok(Extra::default());
        }
        let bytes = read_at(file, self.extra_at(), self.extra_len)?;
        serde_json::from_slice(&bytes).map_err(std::io::Error::other)
    }
}

/// Appends one frame to `out`.
#[allow(clippy::too_many_arguments)]
pub(super) fn encode(
    out: &mut Vec<u8>,
    kind: Kind,
    seq: u64,
    header: &[u8],
    mime: &[u8],
    extra: &[u8],
    event_max: u64,
    events: u64,
) {
    let start = out.len();
    let tag = match kind {
        Kind::Message => 'M',
        Kind::Carry => 'C',
    };
    let line = format!(
        "S1 {tag} {seq} {} {} {} {event_max} {events}\n",
        header.len(),
        mime.len(),
        extra.len()
    );
    out.extend_from_slice(line.as_bytes());
    out.extend_from_slice(header);
    out.extend_from_slice(mime);
    out.extend_from_slice(extra);
    let crc = crc32fast::hash(&out[start..]);
    let len = (out.len() - start) as u64 + FOOTER;
    out.extend_from_slice(format!("\n{len:016x} {crc:08x}\n").as_bytes());
}

/// The numbers of a frame's first line (`S1 M 12 …\n`), with the line's length.
fn parse_head(line: &[u8]) -> Option<(Kind, [u64; 6])> {
    let text = std::str::from_utf8(line.strip_suffix(b"\n")?).ok()?;
    let mut parts = text.split(' ');
    if parts.next()? != "S1" {
        return None;
    }
    let kind = match parts.next()? {
        "M" => Kind::Message,
        "C" => Kind::Carry,
        _ => return None,
    };
    let mut n = [0u64; 6];
    for v in &mut n {
        let p = parts.next()?;
        if p.is_empty() || p.len() > 19 || !p.bytes().all(|b| b.is_ascii_digit()) {
            return None;
        }
        *v = p.parse().ok()?;
    }
    parts.next().is_none().then_some((kind, n))
}

/// A frame from its first line at `at`, if the line is one and the lengths add up within
/// `end`.
fn frame_of(line: &[u8], at: u64, end: u64) -> Option<Frame> {
    let (kind, [seq, header_len, mime_len, extra_len, event_max, events]) = parse_head(line)?;
    let head = line.len() as u64;
    let len = head
        .checked_add(header_len)?
        .checked_add(mime_len)?
        .checked_add(extra_len)?
        .checked_add(FOOTER)?;
    (at.checked_add(len)? <= end).then_some(Frame {
        kind,
        seq,
        at,
        len,
        head,
        header_len,
        mime_len,
        extra_len,
        event_max,
        events,
    })
}

pub(super) fn read_at(file: &File, at: u64, len: u64) -> std::io::Result<Vec<u8>> {
    let len = usize::try_from(len).map_err(std::io::Error::other)?;
    let mut buf = vec![0; len];
    file.read_exact_at(&mut buf, at)?;
    Ok(buf)
}

/// Whether the frame is whole: its footer names its length and the CRC of the rest matches.
pub(super) fn intact(file: &File, f: &Frame) -> bool {
    let Ok(bytes) = read_at(file, f.at, f.len) else {
        return false;
    };
    let (body, footer) = bytes.split_at(bytes.len() - FOOTER as usize);
    footer_of(footer) == Some((f.len, crc32fast::hash(body)))
}

fn footer_of(footer: &[u8]) -> Option<(u64, u32)> {
    let text = std::str::from_utf8(footer).ok()?;
    let inner = text.strip_prefix('\n')?.strip_suffix('\n')?;
    let (len, crc) = inner.split_once(' ')?;
    if len.len() != 16 || crc.len() != 8 {
        return None;
    }
    Some((
        u64::from_str_radix(len, 16).ok()?,
        u32::from_str_radix(crc, 16).ok()?,
    ))
}

/// Walks a segment's frames forward, reading each header and skipping the rest. Stops before
/// a frame that is not whole on disk (being written, or cut short by a crash).
pub(super) struct Walk {
    reader: BufReader<File>,
    at: u64,
    end: u64,
}

impl Walk {
    pub fn new(mut file: File) -> std::io::Result<Walk> {
        // From the start, whatever a clone of the handle read before.
        file.seek(SeekFrom::Start(0))?;
        let end = file.metadata()?.len();
        Ok(Walk {
            reader: BufReader::with_capacity(8 * 1024, file),
            at: 0,
            end,
        })
    }

    /// The file walked (for reading a frame's message or extra part).
    pub fn file(&self) -> &File {
        self.reader.get_ref()
    }

    /// The next frame and its header bytes; `None` at the end or before a frame that is not
    /// whole.
    pub fn next_frame(&mut self) -> std::io::Result<Option<(Frame, Vec<u8>)>> {
        if self.at >= self.end {
            return Ok(None);
        }
        let mut line = Vec::with_capacity(64);
        (&mut self.reader)
            .take(HEAD_MAX)
            .read_until(b'\n', &mut line)?;
        let Some(frame) = frame_of(&line, self.at, self.end) else {
            self.end = self.at;
            return Ok(None);
        };
        let mut header = vec![0; usize::try_from(frame.header_len).map_err(std::io::Error::other)?];
        self.reader.read_exact(&mut header)?;
        let skip = frame.mime_len + frame.extra_len + FOOTER;
        self.reader
            .seek_relative(i64::try_from(skip).map_err(std::io::Error::other)?)?;
        self.at += frame.len;
        Ok(Some((frame, header)))
    }
}

/// The frame that ends at `end`, read through its footer (backwards).
pub(super) fn frame_before(file: &File, end: u64) -> Option<Frame> {
    if end < FOOTER {
        return None;
    }
    let footer = read_at(file, end - FOOTER, FOOTER).ok()?;
    let (len, _) = footer_of(&footer)?;
    let at = end.checked_sub(len)?;
    let head = read_at(file, at, HEAD_MAX.min(len)).ok()?;
    let line_end = head.iter().position(|&b| b == b'\n')?;
    frame_of(&head[..=line_end], at, end).filter(|f| f.len == len)
}

/// The length of the segment's whole frames: all of it when the last frame is intact (the
/// usual case, checked through the footer), else up to the first frame that is not, found by
/// checking each frame from the start (`full`: check every frame even when the tail is fine).
pub(super) fn valid_len(file: &File, full: bool) -> std::io::Result<u64> {
    let len = file.metadata()?.len();
    if len == 0 {
        return Ok(0);
    }
    if !full && frame_before(file, len).is_some_and(|f| intact(file, &f)) {
        return Ok(len);
    }
    let mut walk = Walk::new(file.try_clone()?)?;
    let mut good = 0;
    while let Some((f, _)) = walk.next_frame()? {
        if !intact(file, &f) {
            break;
        }
        good = f.at + f.len;
    }
    Ok(good)
}

/// The last frames of a segment, newest first, while `more` says to go on.
pub(super) fn frames_back(file: &File, mut more: impl FnMut(&Frame) -> bool) -> Vec<Frame> {
    let mut out = Vec::new();
    let Ok(mut end) = file.metadata().map(|m| m.len()) else {
        return out;
    };
    while let Some(f) = frame_before(file, end) {
        if !more(&f) {
            break;
        }
        end = f.at;
        out.push(f);
    }
    out
}

/// Opens a segment for reading; `None` when it does not exist (removed meanwhile).
pub(super) fn open(path: &std::path::Path) -> std::io::Result<Option<File>> {
    match File::open(path) {
        Ok(f) => Ok(Some(f)),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
        Err(e) => Err(e),
    }
}

/// Whether the file starts as a segment does (an older outbox is JSON lines).
pub(super) fn is_segment(file: &mut File) -> std::io::Result<bool> {
    let mut first = [0u8; 3];
    file.seek(SeekFrom::Start(0))?;
    let n = file.read(&mut first)?;
    file.seek(SeekFrom::Start(0))?;
    Ok(n == 0 || first[..n] == b"S1 "[..n])
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Write;

    fn file_with(bytes: &[u8]) -> (tempfile::NamedTempFile, File) {
        let mut t = tempfile::NamedTempFile::new().unwrap();
        t.write_all(bytes).unwrap();
        let f = File::open(t.path()).unwrap();
        (t, f)
    }

    #[test]
    fn frames_walk_forward_and_back_and_a_cut_tail_is_found() {
        let mut buf = Vec::new();
        encode(
            &mut buf,
            Kind::Message,
            7,
            b"{\"Seq\":7}",
            b"MIME\r\n",
            b"",
            3,
            0,
        );
        encode(&mut buf, Kind::Carry, 2, b"{}", b"", b"{\"Mail\":{}}", 5, 2);
        let (_t, f) = file_with(&buf);
        let mut walk = Walk::new(f.try_clone().unwrap()).unwrap();
        let (a, h) = walk.next_frame().unwrap().unwrap();
        assert_eq!(
            (a.kind, a.seq, h.as_slice()),
            (Kind::Message, 7, &b"{\"Seq\":7}"[..])
        );
        assert_eq!(a.mime(&f).unwrap(), b"MIME\r\n");
        let (b, _) = walk.next_frame().unwrap().unwrap();
        assert_eq!(
            (b.kind, b.seq, b.event_max, b.events),
            (Kind::Carry, 2, 5, 2)
        );
        assert!(b.extra(&f).unwrap().mail.is_some());
        assert!(walk.next_frame().unwrap().is_none());
        let back: Vec<u64> = frames_back(&f, |_| true).iter().map(|f| f.seq).collect();
        assert_eq!(back, [2, 7]);
        assert_eq!(valid_len(&f, true).unwrap(), buf.len() as u64);
        // Cut short, or zeroed past the first frame: only the first frame stands.
        for bad in [buf[..buf.len() - 5].to_vec(), {
            let mut z = buf.clone();
            let from = a.len as usize + 40;
            z[from..from + 8].fill(0);
            z
        }] {
            let (_t, f) = file_with(&bad);
            assert_eq!(valid_len(&f, false).unwrap(), a.len);
        }
    }

    #[test]
    fn first_lines_are_strict() {
        for bad in [
            &b"S1 M 1 2 3 4 5\n"[..],
            b"S1 X 1 2 3 4 5 6\n",
            b"S1 M 1 2 3 4 5 6 7\n",
            b"S1 M -1 2 3 4 5 6\n",
            b"S2 M 1 2 3 4 5 6\n",
            b"S1 M 99999999999999999999 2 3 4 5 6\n",
        ] {
            assert!(
                parse_head(bad).is_none(),
                "{}",
                String::from_utf8_lossy(bad)
            );
        }
        assert!(frame_of(b"S1 M 1 18446744073709551615 1 0 0 0\n", 0, u64::MAX).is_none());
    }
}
