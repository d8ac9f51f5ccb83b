//! The SNS delivery queue: notifications waiting for their HTTP endpoint, one JSON line each,
//! next to the state (`<state>.sns-queue`). Appended and synced under the state lock before
//! the change that queued them is acknowledged; delivered (or dropped) entries are removed
//! by rewriting the file, also under the lock. A last line a crash cut short was never
//! acknowledged and is ignored.

use std::fs::{self, File, OpenOptions};
use std::io::{ErrorKind, Write};
use std::path::PathBuf;

use super::Store;
use super::atomic::create_folder;
use crate::error::{Error, Result};
use crate::model::State;
use crate::model::sns::Queued;

impl Store {
    pub fn sns_queue_path(&self) -> PathBuf {
        self.sibling(".sns-queue")
    }

    /// `update` for a change that queues notifications: they are appended and synced under
    /// the same lock, before the state is written.
    pub fn update_queueing<T>(
        &self,
        change: impl FnOnce(&mut State) -> Result<(T, Vec<Queued>)>,
    ) -> Result<T> {
        self.update(|s| {
            let (out, queued) = change(s)?;
            self.append_sns(&queued)?;
            Ok(out)
        })
    }

    /// Appends entries to the queue and syncs it (and the folder, when the file is new). The
    /// caller holds the state lock.
    fn append_sns(&self, queued: &[Queued]) -> Result<()> {
        use std::os::unix::fs::OpenOptionsExt;
        if queued.is_empty() {
            return Ok(());
        }
        let path = self.sns_queue_path();
        let fail = |e: std::io::Error| {
            Error::state(format!(
                "cannot write the SNS queue {}: {e}; nothing was queued",
                path.display()
            ))
        };
        let folder = self.folder();
        create_folder(&folder)?;
        let existed = path.exists();
        let mut file = OpenOptions::new()
            .read(true)
            .append(true)
            .create(true)
            .mode(0o600)
            .open(&path)
            .map_err(fail)?;
        // A line a crash cut short goes, so the next one starts on a line of its own.
        let bytes = fs::read(&path).map_err(fail)?;
        if !bytes.is_empty() && !bytes.ends_with(b"\n") {
            let keep = bytes.iter().rposition(|&b| b == b'\n').map_or(0, |i| i + 1);
            file.set_len(keep as u64).map_err(fail)?;
        }
        let mut text = Vec::new();
        for q in queued {
            serde_json::to_writer(&mut text, q).map_err(|e| fail(e.into()))?;
            text.push(b'\n');
        }
        file.write_all(&text).map_err(fail)?;
        file.sync_data().map_err(fail)?;
        if !existed {
            File::open(&folder)
                .and_then(|d| d.sync_all())
                .map_err(fail)?;
        }
        Ok(())
    }

    /// The queued entries, oldest first; a line that is not an entry is an error naming it.
    pub fn sns_queue(&self) -> Result<Vec<Queued>> {
        let path = self.sns_queue_path();
        let bytes = match fs::read(&path) {
            Ok(b) => b,
            Err(e) if e.kind() == ErrorKind::NotFound => return Ok(Vec::new()),
            Err(e) => {
                return Err(Error::state(format!(
                    "cannot read the SNS queue {}: {e}",
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
            out.push(serde_json::from_slice(line).map_err(|e| {
                Error::state(format!(
                    "the SNS queue {} is corrupt at line {}: {e}",
                    path.display(),
                    i + 1
                ))
                .hint(format!(
                    "remove the line, or the file: rm {}",
                    path.display()
                ))
            })?);
        }
        Ok(out)
    }

    /// Removes the entries with these message IDs (delivered, or dropped by the retry
    /// policy), under the state lock: the file is rewritten whole and renamed over.
    pub fn remove_sns(&self, message_ids: &[String]) -> Result<()> {
        if message_ids.is_empty() {
            return Ok(());
        }
        let folder = self.folder();
        create_folder(&folder)?;
        let _lock = self.lock()?;
        let keep: Vec<Queued> = self
            .sns_queue()?
            .into_iter()
            .filter(|q| !message_ids.contains(&q.message_id))
            .collect();
        let path = self.sns_queue_path();
        let fail = |e: std::io::Error| {
            Error::state(format!(
                "cannot rewrite the SNS queue {}: {e}",
                path.display()
            ))
        };
        let mut tmp = tempfile::Builder::new()
            .prefix(&self.temp_prefix())
            .tempfile_in(&folder)
            .map_err(fail)?;
        {
            let mut out = std::io::BufWriter::new(tmp.as_file_mut());
            for q in &keep {
                serde_json::to_writer(&mut out, q).map_err(|e| fail(e.into()))?;
                out.write_all(b"\n").map_err(fail)?;
            }
            out.flush().map_err(fail)?;
        }
        tmp.as_file().sync_data().map_err(fail)?;
        tmp.persist(&path).map_err(|e| fail(e.error))?;
        File::open(&folder).and_then(|d| d.sync_all()).map_err(fail)
    }
}

impl super::Live {
    /// `Live::update` for a change that queues notifications, appended and synced under the
    /// same lock before the state is written.
    pub fn update_queueing<T>(
        &self,
        deadline: std::time::Instant,
        change: impl FnOnce(&mut State) -> Result<(T, Vec<Queued>)>,
    ) -> Result<T> {
        self.update(deadline, |s| {
            let (out, queued) = change(s)?;
            self.store().append_sns(&queued)?;
            Ok(out)
        })
    }
}
