//! The outbox as sesm kept it before segments (state version 4): one JSON line per accepted
//! message in `<state>.outbox`, each message whole in `<state>.mail/<seq>.eml`. Read as it is
//! until a writer converts it (`Store::convert_legacy`), so a reader never needs the lock.

use std::fs;
use std::io::ErrorKind;
use std::path::Path;

use crate::error::{Error, Result};
use crate::model::sending::SentMessage;

/// Every complete line of an older journal, parsed, oldest first. A last line without its
/// newline is a write a crash cut short (never acknowledged): it is left out.
pub(super) fn read_lines(path: &Path) -> Result<Vec<SentMessage>> {
    let bytes = match fs::read(path) {
        Ok(b) => b,
        Err(e) if e.kind() == ErrorKind::NotFound => return Ok(Vec::new()),
        Err(e) => {
            return Err(Error::state(format!(
                "cannot read the outbox {}: {e}",
                path.display()
            )));
        }
    };
    let complete = bytes.iter().rposition(|&b| b == b'\n').map_or(0, |i| i + 1);
    let mut out = Vec::new();
    for (i, line) in bytes[..complete].split(|&b| b == b'\n').enumerate() {
        if line.iter().all(u8::is_ascii_whitespace) {
            continue;
        }
        let m: SentMessage = serde_json::from_slice(line).map_err(|e| {
            Error::state(format!(
                "the outbox {} is corrupt at line {}: {e}; it was left untouched",
                path.display(),
                i + 1
            ))
            .hint(format!(
                "remove the line, or the whole file to empty the outbox: rm {}",
                path.display()
            ))
        })?;
        out.push(m);
    }
    Ok(out)
}

/// The kept message `<seq>.eml` of an older outbox, `None` when there is none.
pub(super) fn read_eml(dir: &Path, seq: u64) -> Result<Option<Vec<u8>>> {
    let path = dir.join(format!("{seq}.eml"));
    match fs::read(&path) {
        Ok(b) => Ok(Some(b)),
        Err(e) if e.kind() == ErrorKind::NotFound => Ok(None),
        Err(e) => Err(Error::state(format!(
            "cannot read the message {}: {e}",
            path.display()
        ))),
    }
}

/// Removes the `<seq>.eml` files of an older outbox (once converted). Best effort: a file that
/// cannot be removed is only space.
pub(super) fn remove_emls(dir: &Path) {
    let Ok(entries) = fs::read_dir(dir) else {
        return;
    };
    for e in entries.flatten() {
        if e.file_name().to_string_lossy().ends_with(".eml") {
            let _ = fs::remove_file(e.path());
        }
    }
}
