//! Mail *to* the account, on disk: the local S3 folder `<state>.inbound/BUCKET/KEY` (where
//! receipt rules' S3 actions write objects as SES stores them, and where import jobs read the
//! objects their `S3Url` names), the received messages' records `<state>.received` (one JSON
//! line each, numbered) and each message as received `<state>.received.d/<MessageId>.eml`.
//! Every file is written whole (temp file, fsync, rename, fsync the folder) under the state
//! lock, so readers see a message entire or not at all and a crash leaves no half object.

use std::fs::{self, File};
use std::io::{ErrorKind, Read, Write};
use std::path::{Path, PathBuf};

use super::Store;
use crate::error::{Error, Result};
use crate::model::inbound::InboundRecord;

/// Received messages kept; the oldest records and messages go past it *(sesm)*.
pub const RECEIVED_KEEP: usize = 1_000;

impl Store {
    /// The local S3 folder.
    pub fn local_s3_folder(&self) -> PathBuf {
        self.sibling(".inbound")
    }

    fn received_path(&self) -> PathBuf {
        self.sibling(".received")
    }

    fn received_folder(&self) -> PathBuf {
        self.sibling(".received.d")
    }

    /// Where object `key` of `bucket` lives in the local S3 folder. The key's segments must
    /// name files inside the bucket (no `.`, `..` or empty segment: callers check S3 URLs and
    /// prefixes with the model's rules; this refuses what slips through).
    pub fn local_object_path(&self, bucket: &str, key: &str) -> Result<PathBuf> {
        let bad = key
            .split('/')
            .any(|s| s.is_empty() || s == "." || s == "..")
            || bucket.contains(['/', '\0'])
            || key.contains('\0')
            || bucket.starts_with('.');
        if bad {
            return Err(Error::bad_request(format!(
                "s3://{bucket}/{key} does not name a file of the local S3 folder."
            )));
        }
        let mut path = self.local_s3_folder().join(bucket);
        for seg in key.split('/') {
            path.push(seg);
        }
        Ok(path)
    }

    /// Reads an object of the local S3 folder, at most `max` bytes; why it can't be read,
    /// in words a job's `FailureInfo` carries.
    pub fn read_local_object(
        &self,
        bucket: &str,
        key: &str,
        max: u64,
    ) -> std::result::Result<String, String> {
        let path = self.local_object_path(bucket, key).map_err(|e| e.message)?;
        let file = File::open(&path).map_err(|e| match e.kind() {
            ErrorKind::NotFound => format!(
                "s3://{bucket}/{key} does not exist: put it at {}",
                path.display()
            ),
            _ => format!("cannot read {}: {e}", path.display()),
        })?;
        let mut text = String::new();
        file.take(max + 1)
            .read_to_string(&mut text)
            .map_err(|e| format!("cannot read {} as UTF-8 text: {e}", path.display()))?;
        if text.len() as u64 > max {
            return Err(format!("s3://{bucket}/{key} is larger than {max} bytes"));
        }
        Ok(text
            .strip_prefix('\u{feff}')
            .map(str::to_string)
            .unwrap_or(text))
    }

    /// Keeps a received message: its S3 objects, the message itself, then its record, which
    /// is numbered after the last one. Under the state lock, so senders and other sessions
    /// write one at a time.
    pub fn receive(
        &self,
        record: &mut InboundRecord,
        message: &[u8],
        objects: &[(String, String, Vec<u8>)],
    ) -> Result<()> {
        let folder = self.folder();
        super::atomic::create_folder(&folder)?;
        let _lock = self.lock()?;
        for (bucket, key, bytes) in objects {
            let path = self.local_object_path(bucket, key)?;
            write_whole(&path, bytes)?;
        }
        let id = &record.message_id;
        if !id.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-') {
            return Err(Error::internal(format!(
                "a received message ID '{id}' is not a file name"
            )));
        }
        write_whole(&self.received_folder().join(format!("{id}.eml")), message)?;
        let mut records = self.read_received()?;
        record.seq = records.last().map_or(0, |r| r.seq) + 1;
        records.push(record.clone());
        let drop = records.len().saturating_sub(RECEIVED_KEEP);
        let mut text = Vec::new();
        for r in &records[drop..] {
            serde_json::to_writer(&mut text, r).map_err(|e| {
                Error::internal(format!("cannot encode a received message's record: {e}"))
            })?;
            text.push(b'\n');
        }
        write_whole(&self.received_path(), &text)?;
        for old in &records[..drop] {
            let _ = fs::remove_file(
                self.received_folder()
                    .join(format!("{}.eml", old.message_id)),
            );
        }
        Ok(())
    }

    /// Writes one object of the local S3 folder whole (an export job's file), under the state
    /// lock, as the receipt rules' objects are written.
    pub fn write_local_object(&self, bucket: &str, key: &str, bytes: &[u8]) -> Result<()> {
        let path = self.local_object_path(bucket, key)?;
        super::atomic::create_folder(&self.folder())?;
        let _lock = self.lock()?;
        write_whole(&path, bytes)
    }

    /// Every received message's record, oldest first.
    pub fn read_received(&self) -> Result<Vec<InboundRecord>> {
        let path = self.received_path();
        let bytes = match fs::read(&path) {
            Ok(b) => b,
            Err(e) if e.kind() == ErrorKind::NotFound => return Ok(Vec::new()),
            Err(e) => return Err(Error::state(format!("cannot read {}: {e}", path.display()))),
        };
        bytes
            .split(|&b| b == b'\n')
            .filter(|l| !l.iter().all(u8::is_ascii_whitespace))
            .enumerate()
            .map(|(i, line)| {
                serde_json::from_slice(line).map_err(|e| {
                    Error::state(format!(
                        "{} is corrupt at line {}: {e}",
                        path.display(),
                        i + 1
                    ))
                    .hint(format!(
                        "remove it to forget what was received: rm {}",
                        path.display()
                    ))
                })
            })
            .collect()
    }

    /// A received message as kept (`None` once it is no longer kept).
    pub fn read_received_message(&self, id: &str) -> Result<Option<Vec<u8>>> {
        if !id.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-') || id.is_empty() {
            return Ok(None);
        }
        let path = self.received_folder().join(format!("{id}.eml"));
        match fs::read(&path) {
            Ok(b) => Ok(Some(b)),
            Err(e) if e.kind() == ErrorKind::NotFound => Ok(None),
            Err(e) => Err(Error::state(format!("cannot read {}: {e}", path.display()))),
        }
    }
}

/// Writes a file whole: a temp file in its folder (made if needed), synced, renamed over the
/// name, and the folder synced.
fn write_whole(path: &Path, bytes: &[u8]) -> Result<()> {
    let fail = |e: std::io::Error| {
        Error::state(format!("cannot write {}: {e}", path.display()))
            .hint("check the folder's permissions and free space")
    };
    let folder = path
        .parent()
        .ok_or_else(|| Error::internal("a file without a folder"))?;
    fs::create_dir_all(folder).map_err(fail)?;
    let mut tmp = tempfile::Builder::new()
        .prefix(".sesm-tmp-")
        .tempfile_in(folder)
        .map_err(fail)?;
    tmp.write_all(bytes).map_err(fail)?;
    tmp.as_file().sync_data().map_err(fail)?;
    tmp.persist(path).map_err(|e| fail(e.error))?;
    File::open(folder)
        .and_then(|d| d.sync_all())
        .map_err(fail)?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn record(id: &str) -> InboundRecord {
        InboundRecord {
            seq: 0,
            message_id: id.into(),
            time: jiff::Timestamp::UNIX_EPOCH,
            region: "us-east-1".into(),
            source: "a@else.org".into(),
            recipients: vec!["b@example.com".into()],
            destination: vec![],
            subject: Some("hi".into()),
            size: 3,
            client_ip: "127.0.0.1".into(),
            rule_set: None,
            actions: vec![],
        }
    }

    #[test]
    fn received_mail_is_kept_numbered_and_objects_stay_inside_the_folder() {
        let dir = tempfile::tempdir().unwrap();
        let st = Store::new(
            dir.path().join("state.json"),
            jiff::civil::date(2026, 1, 1),
            std::time::Duration::from_secs(5),
        );
        let mut r = record("m1");
        st.receive(
            &mut r,
            b"msg",
            &[("bucket".into(), "in/m1".into(), b"obj".to_vec())],
        )
        .unwrap();
        let mut r2 = record("m2");
        st.receive(&mut r2, b"msg2", &[]).unwrap();
        assert_eq!(r2.seq, 2);
        let all = st.read_received().unwrap();
        assert_eq!(all.iter().map(|r| r.seq).collect::<Vec<_>>(), vec![1, 2]);
        assert_eq!(st.read_received_message("m1").unwrap().unwrap(), b"msg");
        assert_eq!(
            fs::read(dir.path().join("state.json.inbound/bucket/in/m1")).unwrap(),
            b"obj"
        );
        assert_eq!(st.read_local_object("bucket", "in/m1", 10).unwrap(), "obj");
        assert!(st.read_local_object("bucket", "in/m1", 2).is_err());
        assert!(
            st.read_local_object("bucket", "nope", 10)
                .unwrap_err()
                .contains("does not exist")
        );
        for (b, k) in [
            ("bucket", "../x"),
            ("bucket", "a//b"),
            ("..", "x"),
            ("b/c", "x"),
        ] {
            assert!(st.local_object_path(b, k).is_err(), "{b} {k}");
        }
        assert_eq!(st.read_received_message("../state").unwrap(), None);
    }
}
