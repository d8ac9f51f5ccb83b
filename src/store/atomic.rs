//! Writing the state atomically: a temp file in the same folder, fsynced, the old version
//! kept as the backup, a rename over the state, the folder fsynced.

use super::{Store, checkpoint};
use std::fs::{self, File, OpenOptions};
use std::io::Write;
use std::path::Path;

use crate::error::{Error, Result};
use crate::model::State;

impl Store {
    /// Removes temp files a killed writer left behind. Only called under the lock, so no other
    /// writer can be using them.
    pub(super) fn remove_leftovers(&self, folder: &Path) {
        let prefix = self.temp_prefix();
        let Ok(entries) = fs::read_dir(folder) else {
            return;
        };
        for entry in entries.flatten() {
            if entry.file_name().to_string_lossy().starts_with(&prefix) {
                let _ = fs::remove_file(entry.path());
            }
        }
    }

    /// Writes `state` unless it encodes to exactly `previous` (a change that changed nothing);
    /// keeps the file being replaced as the backup when `exists`.
    pub(super) fn write(
        &self,
        folder: &Path,
        state: &State,
        previous: Option<&[u8]>,
        exists: bool,
    ) -> Result<()> {
        let fail = |what: &str, e: std::io::Error| {
            Error::state(format!(
                "cannot {what} in {}: {e}; the state was left as it was",
                folder.display()
            ))
            .hint("check the folder's permissions and free space, or choose another state file with --state")
        };
        let mut tmp = tempfile::Builder::new()
            .prefix(&self.temp_prefix())
            .tempfile_in(folder)
            .map_err(|e| fail("create a temp file", e))?;
        // Encoded straight into the file through a buffer: a full state is megabytes, and
        // building it in memory first costs more than writing it.
        let mut out = std::io::BufWriter::with_capacity(
            1 << 16,
            CompareWriter::new(tmp.as_file_mut(), previous),
        );
        serde_json::to_writer(&mut out, state)
            .map_err(std::io::Error::from)
            .and_then(|()| out.write_all(b"\n"))
            .map_err(|e| fail("write the new state", e))?;
        let compare = out
            .into_inner()
            .map_err(|e| fail("write the new state", e.into_error()))?;
        let unchanged = compare.unchanged();
        let file = compare.into_inner();
        if unchanged {
            // Nothing changed: the temp file goes away with `tmp`.
            return Ok(());
        }
        file.sync_data()
            .map_err(|e| fail("write the new state", e))?;
        checkpoint("temp-synced");
        if exists {
            self.keep_backup(folder)
                .map_err(|e| fail("keep the backup", e))?;
        }
        checkpoint("backup-kept");
        tmp.persist(&self.path)
            .map_err(|e| fail("replace the state file", e.error))?;
        checkpoint("renamed");
        File::open(folder)
            .and_then(|dir| dir.sync_all())
            .map_err(|e| fail("sync the folder", e))
    }

    /// Keeps the state about to be replaced as `<state>.bak`, atomically: a hard link to it (or
    /// a copy where links are not supported) under a temp name, renamed over the old backup.
    pub(super) fn keep_backup(&self, folder: &Path) -> std::io::Result<()> {
        let tmp = folder.join(format!("{}bak-{}", self.temp_prefix(), std::process::id()));
        let _ = fs::remove_file(&tmp);
        if fs::hard_link(&self.path, &tmp).is_err() {
            fs::copy(&self.path, &tmp)?;
            File::open(&tmp)?.sync_all()?;
        }
        fs::rename(&tmp, self.backup_path())
    }
}

/// A writer that also tells whether what went through it equals `reference`.
pub(super) struct CompareWriter<'a, W> {
    inner: W,
    reference: Option<&'a [u8]>,
    at: usize,
    same: bool,
}

impl<'a, W: Write> CompareWriter<'a, W> {
    pub(super) fn new(inner: W, reference: Option<&'a [u8]>) -> Self {
        CompareWriter {
            inner,
            same: reference.is_some(),
            reference,
            at: 0,
        }
    }

    pub(super) fn unchanged(&self) -> bool {
        self.same && self.reference.is_some_and(|r| r.len() == self.at)
    }

    pub(super) fn into_inner(self) -> W {
        self.inner
    }
}

impl<W: Write> Write for CompareWriter<'_, W> {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        let n = self.inner.write(buf)?;
        if self.same {
            let r = self.reference.unwrap_or_default();
            self.same = r.get(self.at..self.at + n) == Some(&buf[..n]);
        }
        self.at += n;
        Ok(n)
    }

    fn flush(&mut self) -> std::io::Result<()> {
        self.inner.flush()
    }
}

pub(super) fn create_folder(folder: &Path) -> Result<()> {
    use std::os::unix::fs::DirBuilderExt;
    if folder.is_dir() {
        return Ok(());
    }
    fs::DirBuilder::new()
        .recursive(true)
        .mode(0o700)
        .create(folder)
        .map_err(|e| {
            Error::state(format!(
                "cannot create the state folder {}: {e}",
                folder.display()
            ))
            .hint("choose another state file with --state or SESM_STATE")
        })
}

/// Opens (creating it with mode 0600, never truncating it) a file only the user can read.
pub(super) fn open_private(path: &Path) -> std::io::Result<File> {
    use std::os::unix::fs::OpenOptionsExt;
    OpenOptions::new()
        .read(true)
        .write(true)
        .create(true)
        .truncate(false)
        .mode(0o600)
        .open(path)
}
