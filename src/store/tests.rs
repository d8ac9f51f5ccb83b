//! The store's own tests: the state file, the outbox and the live account.

use super::*;
use crate::model::SCHEMA_VERSION;
use crate::model::publishing::EventRecord;
use crate::model::sending::{OUTBOX_SIZE, SentMessage};

fn store(dir: &Path) -> Store {
    Store::new(
        dir.join("sub/state.json"),
        Date::constant(2026, 11, 26),
        Duration::from_millis(200),
    )
}

/// A file that cannot be mapped (a pipe here: `mmap` refuses it, as some filesystems
/// refuse regular files) is read instead; a regular file is mapped.
#[cfg(unix)]
#[test]
fn a_file_that_cannot_be_mapped_is_read() {
    let (reader, mut writer) = std::io::pipe().unwrap();
    writer.write_all(b"{\"SchemaVersion\": 2}").unwrap();
    drop(writer);
    let file = File::from(std::os::fd::OwnedFd::from(reader));
    // SAFETY: the pipe is only read by this test.
    assert!(unsafe { memmap2::Mmap::map(&file) }.is_err(), "a pipe maps");
    let bytes = map_or_read(&file).unwrap();
    assert_eq!((*bytes).as_ref(), b"{\"SchemaVersion\": 2}");

    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("state.json");
    fs::write(&path, b"{}").unwrap();
    let bytes = map_or_read(&File::open(&path).unwrap()).unwrap();
    assert_eq!((*bytes).as_ref(), b"{}");
}

#[test]
fn missing_file_is_an_empty_account_at_today() {
    let dir = tempfile::tempdir().unwrap();
    let s = store(dir.path()).load().unwrap();
    assert_eq!(s.date, Date::constant(2026, 11, 26));
    assert!(s.regions.is_empty());
    assert!(
        !dir.path().join("sub").exists(),
        "reading must not create anything"
    );
}

#[test]
fn update_creates_folder_file_0600_and_backup() {
    use std::os::unix::fs::PermissionsExt;
    let dir = tempfile::tempdir().unwrap();
    let st = store(dir.path());
    st.update(|s| {
        s.region_mut("us-east-1").auto_warmup = false;
        Ok(())
    })
    .unwrap();
    let mode = fs::metadata(st.path()).unwrap().permissions().mode() & 0o777;
    assert_eq!(mode, 0o600);
    assert!(!st.backup_path().exists());
    let first = fs::read(st.path()).unwrap();
    st.update(|s| {
        s.account_id = "111111111111".into();
        Ok(())
    })
    .unwrap();
    assert_eq!(fs::read(st.backup_path()).unwrap(), first);
    assert_eq!(st.load().unwrap().account_id, "111111111111");
}

#[test]
fn refused_change_writes_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let st = store(dir.path());
    st.update(|_| Ok(())).unwrap();
    let before = fs::read(st.path()).unwrap();
    let err = st
        .update(|s| {
            s.account_id = "x".into();
            Err::<(), _>(Error::bad_request("no"))
        })
        .unwrap_err();
    assert_eq!(err.code(), "BadRequestException");
    assert_eq!(fs::read(st.path()).unwrap(), before);
}

#[test]
fn corrupt_file_names_path_position_and_backup() {
    let dir = tempfile::tempdir().unwrap();
    let st = store(dir.path());
    st.update(|_| Ok(())).unwrap();
    st.update(|s| {
        s.account_id = "222222222222".into();
        Ok(())
    })
    .unwrap();
    fs::write(st.path(), b"{\"SchemaVersion\": 2, oops").unwrap();
    let err = st.load().unwrap_err();
    assert_eq!(err.exit_code(), 253);
    assert!(err.message.contains(&st.path().display().to_string()));
    assert!(err.message.contains("line 1 column"), "{}", err.message);
    assert!(err.hints[0].contains(&st.backup_path().display().to_string()));
}

#[test]
fn newer_version_is_refused_and_not_rewritten() {
    let dir = tempfile::tempdir().unwrap();
    let st = store(dir.path());
    fs::create_dir_all(dir.path().join("sub")).unwrap();
    let doc = br#"{"SchemaVersion": 99, "Whatever": {"new": "shape"}}"#;
    fs::write(st.path(), doc).unwrap();
    let err = st.update(|_| Ok(())).unwrap_err();
    assert_eq!(err.exit_code(), 253);
    assert!(err.message.contains("newer sesm"), "{}", err.message);
    assert_eq!(fs::read(st.path()).unwrap(), doc);
}

#[test]
fn lock_timeout_is_a_state_error() {
    let dir = tempfile::tempdir().unwrap();
    let st = store(dir.path());
    st.update(|_| Ok(())).unwrap();
    let held = st.lock().unwrap();
    let err = st.update(|_| Ok(())).unwrap_err();
    assert_eq!(err.exit_code(), 253);
    assert!(err.message.contains("lock"), "{}", err.message);
    drop(held);
    st.update(|_| Ok(())).unwrap();
}

#[test]
fn leftover_temp_files_are_removed_by_the_next_writer() {
    let dir = tempfile::tempdir().unwrap();
    let st = store(dir.path());
    st.update(|_| Ok(())).unwrap();
    let leftover = dir.path().join("sub/.state.json.tmp-abc123");
    fs::write(&leftover, b"partial").unwrap();
    st.update(|s| {
        s.account_id = "333333333333".into();
        Ok(())
    })
    .unwrap();
    assert!(!leftover.exists());
}

#[test]
fn version_1_is_migrated() {
    let v1 = br#"{"SchemaVersion":1,"AccountId":"123456789012","Date":"2026-01-01","NextIp":3,
        "DedicatedIpAutoWarmupEnabled":false,
        "Regions":{"us-east-1":{"Pools":{"a":{"ScalingMode":"STANDARD"}}}}}"#;
    let s = decode(v1).unwrap();
    assert_eq!(s.schema_version, SCHEMA_VERSION);
    assert!(!s.regions["us-east-1"].auto_warmup);
    assert_eq!(s.next_ip, 3);
}

fn message(seq: u64) -> SentMessage {
    let mime = format!("Subject: m{seq}\r\n\r\nhello\r\n").into_bytes();
    SentMessage {
        seq,
        size: mime.len() as u64,
        message_id: format!("m{seq}"),
        time: jiff::Timestamp::UNIX_EPOCH,
        date: Date::constant(2026, 11, 26),
        region: "us-east-1".into(),
        from: "a@example.com".into(),
        to: vec!["b@gmail.com".into()],
        cc: vec![],
        bcc: vec![],
        subject: None,
        configuration_set: None,
        configuration_set_source: crate::model::sending::SetSource::None,
        pool: crate::model::SHARED_POOL.into(),
        isps: [("gmail".to_string(), 1)].into(),
        simulator: Default::default(),
        rendering_failure: None,
        suppressed: vec![],
        unsubscribed: vec![],
        template_name: None,
        publishes: false,
        event_mail: None,
        live: Vec::new(),
        count: 1,
        mime: std::sync::Arc::new(mime),
        tags: vec![],
        call: Default::default(),
        tenant: None,
        endpoint: None,
    }
}

fn send_n(st: &Store, n: u64) {
    st.send(|s| {
        let first = s.sent_seq + 1;
        Ok(((first..first + n).map(message).collect(), ()))
    })
    .unwrap();
}

fn pending(s: &State) -> u64 {
    s.region("us-east-1")
        .pending
        .get("")
        .map_or(0, |p| p["gmail"])
}

fn soon(st: &Store) -> Instant {
    Instant::now() + st.lock_timeout()
}

#[test]
fn live_reads_never_wait_for_a_held_lock_and_see_every_commit() {
    let dir = tempfile::tempdir().unwrap();
    let st = store(dir.path());
    st.update(|s| {
        s.account_id = "111111111111".into();
        Ok(())
    })
    .unwrap();
    let live = Live::open(store(dir.path())).unwrap();
    assert_eq!(live.read().unwrap().state().account_id, "111111111111");
    // Another process holds the lock: reads answer at once, a write gives up in time.
    let held = st.lock().unwrap();
    let start = Instant::now();
    assert_eq!(live.read().unwrap().state().account_id, "111111111111");
    assert!(start.elapsed() < Duration::from_millis(50));
    let e = live
        .update(Instant::now() + Duration::from_millis(100), |_| Ok(()))
        .unwrap_err();
    assert_eq!(e.kind, crate::error::Kind::Lock);
    assert!(start.elapsed() < Duration::from_secs(1));
    drop(held);
    // A write through the live account is seen by the next read, and one by another
    // process (the command line) too.
    live.update(soon(&st), |s| {
        s.account_id = "222222222222".into();
        Ok(())
    })
    .unwrap();
    assert_eq!(live.read().unwrap().state().account_id, "222222222222");
    st.update(|s| {
        s.account_id = "333333333333".into();
        Ok(())
    })
    .unwrap();
    assert_eq!(live.read().unwrap().state().account_id, "333333333333");
    // A refused change changes nothing, in memory or on disk.
    let before = fs::read(st.path()).unwrap();
    let refused = live.update(soon(&st), |s| {
        s.account_id = "444444444444".into();
        Err::<(), _>(Error::invalid("no"))
    });
    assert!(refused.is_err());
    assert_eq!(live.read().unwrap().state().account_id, "333333333333");
    assert_eq!(fs::read(st.path()).unwrap(), before);
}

#[test]
fn live_sends_count_for_reads_without_rewriting_the_snapshot() {
    let dir = tempfile::tempdir().unwrap();
    let st = store(dir.path());
    let live = Live::open(store(dir.path())).unwrap();
    let send = |n: u64| {
        live.send(soon(&st), |s| {
            let first = s.sent_seq + 1;
            Ok(((first..first + n).map(message).collect(), ()))
        })
        .unwrap()
    };
    send(2);
    send(3);
    let snap = live.read().unwrap();
    assert_eq!(pending(snap.state()) + snap.sent_since("us-east-1"), 5);
    // Numbered on from the writer's exact state.
    let seqs: Vec<u64> = st.read_journal().unwrap().0.iter().map(|m| m.seq).collect();
    assert_eq!(seqs, vec![1, 2, 3, 4, 5]);
    // A command-line send in between is read again; a write folds everything in.
    send_n(&st, 1);
    let snap = live.read().unwrap();
    assert_eq!(pending(snap.state()) + snap.sent_since("us-east-1"), 6);
    send(1);
    live.update(soon(&st), |_| Ok(())).unwrap();
    let snap = live.read().unwrap();
    assert_eq!(
        (pending(snap.state()), snap.sent_since("us-east-1")),
        (7, 0)
    );
    assert_eq!(pending(&st.load().unwrap()), 7);
}

#[test]
fn sent_messages_count_once_whether_read_or_written() {
    let dir = tempfile::tempdir().unwrap();
    let st = store(dir.path());
    send_n(&st, 3);
    assert!(
        !st.path().exists(),
        "a send writes the journal, not the state"
    );
    assert_eq!(pending(&st.load().unwrap()), 3);
    st.update(|_| Ok(())).unwrap();
    assert_eq!(pending(&st.load().unwrap()), 3, "folded once");
    send_n(&st, 2);
    st.update(|_| Ok(())).unwrap();
    let s = st.load().unwrap();
    assert_eq!((pending(&s), s.sent_seq), (5, 5));
    assert_eq!(
        st.read_journal().unwrap().0.len(),
        5,
        "the outbox keeps them"
    );
}

#[test]
fn a_frame_cut_short_by_a_crash_is_dropped_and_the_next_send_starts_clean() {
    let dir = tempfile::tempdir().unwrap();
    let st = store(dir.path());
    send_n(&st, 2);
    let whole = fs::read(st.journal_path()).unwrap();
    // A frame whose write a crash cut short, then one zeroed by a crash of the machine.
    for tail in [&b"S1 M 3 40 22 0 0 0\n{\"Seq\":3,\"Si"[..], &[0u8; 300][..]] {
        let mut f = OpenOptions::new()
            .append(true)
            .open(st.journal_path())
            .unwrap();
        f.write_all(tail).unwrap();
        drop(f);
        assert_eq!(st.read_journal().unwrap().0.len(), 2);
        assert_eq!(pending(&st.load().unwrap()), 2);
        send_n(&st, 1);
        let (all, _) = st.read_journal().unwrap();
        assert_eq!(all.iter().map(|m| m.seq).collect::<Vec<_>>(), vec![1, 2, 3]);
        assert_eq!(
            st.read_mail(3).unwrap().unwrap(),
            b"Subject: m3\r\n\r\nhello\r\n"
        );
        st.update(|s| {
            *s = State::new(st.today());
            Ok(())
        })
        .unwrap();
        send_n(&st, 2);
        assert_eq!(fs::read(st.journal_path()).unwrap(), whole);
    }
}

#[test]
fn the_outbox_is_trimmed_cleared_and_emptied_by_a_reset() {
    let dir = tempfile::tempdir().unwrap();
    let st = store(dir.path());
    send_n(&st, OUTBOX_SIZE as u64 + 1_500);
    st.update(|_| Ok(())).unwrap();
    let (all, _) = st.read_journal().unwrap();
    assert_eq!(all.len(), OUTBOX_SIZE);
    assert_eq!(all[0].seq, 1_501);
    assert_eq!(pending(&st.load().unwrap()), OUTBOX_SIZE as u64 + 1_500);
    st.update(|s| {
        s.outbox_from = s.sent_seq;
        Ok(())
    })
    .unwrap();
    assert!(st.read_journal().unwrap().0.is_empty());
    send_n(&st, 4);
    let today = st.today();
    st.update(|s| {
        *s = State::new(today);
        Ok(())
    })
    .unwrap();
    assert!(
        st.read_journal().unwrap().0.is_empty(),
        "a reset empties the outbox"
    );
    assert_eq!(pending(&st.load().unwrap()), 0);
}

/// The outbox's closed segments, by name.
fn closed(st: &Store) -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(st.mail_dir())
        .map(|d| {
            d.flatten()
                .map(|e| e.file_name().to_string_lossy().into_owned())
                .collect()
        })
        .unwrap_or_default();
    names.sort();
    names
}

fn kept(st: &Store) -> Vec<u64> {
    st.read_journal().unwrap().0.iter().map(|m| m.seq).collect()
}

#[test]
fn messages_are_kept_whole_within_the_byte_bound_and_go_with_a_reset() {
    let dir = tempfile::tempdir().unwrap();
    // Each test message is 22 bytes: 70 bytes keep the last 3.
    let st = store(dir.path()).with_outbox_bytes(70);
    send_n(&st, 5);
    assert_eq!(kept(&st), [3, 4, 5]);
    assert_eq!(
        st.read_mail(2).unwrap().unwrap(),
        b"Subject: m2\r\n\r\nhello\r\n"
    );
    st.update(|_| Ok(())).unwrap();
    assert_eq!(kept(&st), [3, 4, 5], "a write keeps what the bounds keep");
    assert!(closed(&st).is_empty(), "the active segment is not full");
    // A full active segment is closed by the send that fills it; closed segments outside
    // the bounds go whole with the next write.
    send_n(&st, 995);
    // Messages 1 to 9 are 22 bytes, to 99 23, to 999 24, from 1,000 on 25.
    assert_eq!(
        closed(&st),
        ["00000000000000000001-00000000000000001000-23893.seg"]
    );
    assert!(!st.journal_path().exists());
    assert_eq!(kept(&st), [999, 1_000]);
    send_n(&st, 1_000);
    assert_eq!(
        closed(&st),
        ["00000000000000001001-00000000000000002000-25000.seg"]
    );
    assert_eq!(
        st.read_mail(1_999).unwrap().unwrap(),
        b"Subject: m1999\r\n\r\nhello\r\n"
    );
    assert_eq!(st.read_mail(7).unwrap(), None);
    assert_eq!(pending(&st.load().unwrap()), 2_000);
    let today = st.today();
    st.update(|s| {
        *s = State::new(today);
        Ok(())
    })
    .unwrap();
    assert!(
        closed(&st).is_empty() && kept(&st).is_empty(),
        "a reset empties the outbox"
    );
}

/// A message whose set publishes events: tracked, with its `mail` object in the outbox.
fn tracked_message(seq: u64) -> SentMessage {
    let mut m = message(seq);
    m.configuration_set = Some("cs".into());
    m.publishes = true;
    m.event_mail = Some(crate::model::rules::RawJson(
        serde_json::value::RawValue::from_string(format!("{{\"messageId\":\"m{seq}\"}}")).unwrap(),
    ));
    m
}

#[test]
fn tracked_mail_objects_live_in_the_outbox_and_outlive_its_bounds() {
    let dir = tempfile::tempdir().unwrap();
    let st = store(dir.path()).with_outbox_bytes(70);
    for _ in 0..5 {
        st.send(|s| {
            let first = s.sent_seq + 1;
            Ok(((first..first + 500).map(tracked_message).collect(), ()))
        })
        .unwrap();
    }
    st.update(|_| Ok(())).unwrap();
    let state = st.load().unwrap();
    assert_eq!(state.region("us-east-1").tracked.len(), 2_500);
    let text = String::from_utf8(fs::read(st.path()).unwrap()).unwrap();
    assert!(!text.contains("messageId"), "no mail object in the state");
    // The first segments went (the bytes bound), their tracked messages' mail carried.
    assert_eq!(
        closed(&st),
        ["00000000000000002001-00000000000000002500-12500.seg"]
    );
    let want: std::collections::HashSet<u64> = [1, 1_234, 2_500].into();
    let mails = st.mail_objects(&want).unwrap();
    assert_eq!(mails.len(), 3);
    assert_eq!(mails[&1_234].get(), "{\"messageId\":\"m1234\"}");
}

#[test]
fn an_older_outbox_and_state_are_converted_by_the_first_write() {
    let dir = tempfile::tempdir().unwrap();
    let st = store(dir.path());
    fs::create_dir_all(st.mail_dir()).unwrap();
    // Version 4: journal lines with the mail object, `.eml` files, tracked mail in the state.
    let mut lines = String::new();
    for seq in 1..=3u64 {
        let mut m = tracked_message(seq);
        m.publishes = false;
        let mut v = serde_json::to_value(&m).unwrap();
        v["EventMail"] = serde_json::json!({"messageId": format!("m{seq}")});
        lines.push_str(&format!("{v}\n"));
        fs::write(st.mail_dir().join(format!("{seq}.eml")), &*m.mime).unwrap();
    }
    fs::write(st.journal_path(), &lines).unwrap();
    let v4 = r#"{"SchemaVersion":4,"AccountId":"123456789012","Date":"2026-11-26","SentSeq":2,"Regions":{"us-east-1":{"Tracked":[{"Seq":1,"MessageId":"m1","ConfigurationSet":"cs","Pool":"p","Date":"2026-11-26","Mail":{"messageId":"old1"},"Waiting":[{"Address":"b@gmail.com","Isp":"gmail"}]},{"Seq":2,"MessageId":"m2","ConfigurationSet":"cs","Pool":"p","Date":"2026-11-26","Mail":{"messageId":"m2"},"Waiting":[{"Address":"b@gmail.com","Isp":"gmail"}]}]}}}"#;
    fs::write(st.path(), v4).unwrap();
    // Readers read it as it is.
    assert_eq!(kept(&st), [1, 2, 3]);
    assert_eq!(
        st.read_mail(2).unwrap().unwrap(),
        b"Subject: m2\r\n\r\nhello\r\n"
    );
    assert_eq!(st.load().unwrap().region("us-east-1").tracked.len(), 3);
    st.update(|_| Ok(())).unwrap();
    let text = String::from_utf8(fs::read(st.path()).unwrap()).unwrap();
    assert!(
        text.contains(&format!(
            "\"SchemaVersion\":{}",
            crate::model::SCHEMA_VERSION
        )) && !text.contains("messageId"),
        "{text}"
    );
    assert!(closed(&st).is_empty(), "the .eml files are gone");
    assert_eq!(kept(&st), [1, 2, 3]);
    assert_eq!(
        st.read_mail(3).unwrap().unwrap(),
        b"Subject: m3\r\n\r\nhello\r\n"
    );
    let mails = st.mail_objects(&[1, 2, 3].into()).unwrap();
    // The state's copy is the later one (carried after the frame): it wins.
    assert_eq!(mails[&1].get(), "{\"messageId\":\"old1\"}");
    assert_eq!(mails[&3].get(), "{\"messageId\":\"m3\"}");
    assert_eq!(st.load().unwrap().region("us-east-1").tracked.len(), 3);
}

#[test]
fn concurrent_live_sends_share_syncs_and_each_is_on_disk_when_answered() {
    let dir = tempfile::tempdir().unwrap();
    let st = store(dir.path());
    let live = std::sync::Arc::new(Live::open(store(dir.path())).unwrap());
    let start = std::sync::Arc::new(std::sync::Barrier::new(16));
    let threads: Vec<_> = (0..16)
        .map(|_| {
            let (live, start) = (live.clone(), start.clone());
            std::thread::spawn(move || {
                start.wait();
                let mut mine = Vec::new();
                for _ in 0..25 {
                    let seq = live
                        .send(Instant::now() + Duration::from_secs(30), |s| {
                            let m = message(s.sent_seq + 1);
                            let seq = m.seq;
                            Ok((vec![m], seq))
                        })
                        .unwrap();
                    mine.push(seq);
                }
                mine
            })
        })
        .collect();
    let mut all: Vec<u64> = threads
        .into_iter()
        .flat_map(|t| t.join().unwrap())
        .collect();
    all.sort_unstable();
    assert_eq!(all, (1..=400).collect::<Vec<_>>());
    assert_eq!(kept(&st), all, "every answered send is in the outbox");
    let syncs = live.syncs();
    eprintln!("400 sends from 16 threads: {syncs} syncs");
    assert!(syncs < 400, "no send shared a sync");
    let snap = live.read().unwrap();
    assert_eq!(pending(snap.state()) + snap.sent_since("us-east-1"), 400);
}

/// Every file of the account's folder, by name, with its bytes.
fn folder_bytes(dir: &Path) -> Vec<(String, Vec<u8>)> {
    let mut files = Vec::new();
    let mut todo = vec![dir.to_path_buf()];
    while let Some(d) = todo.pop() {
        for e in std::fs::read_dir(&d).unwrap().flatten() {
            let p = e.path();
            if p.is_dir() {
                todo.push(p);
            } else if !p.to_string_lossy().ends_with(".lock") {
                files.push((p.display().to_string(), std::fs::read(&p).unwrap()));
            }
        }
    }
    files.sort();
    files
}

fn send_one(live: &Live) -> Result<u64> {
    live.send(Instant::now() + Duration::from_secs(30), |s| {
        let m = message(s.sent_seq + 1);
        let seq = m.seq;
        Ok((vec![m], seq))
    })
}

/// A sync that fails (a full disk) fails the send it covered with the reason, leaves the
/// folder as it was, and the next send takes the failed one's place: nothing unacknowledged
/// stays, nothing acknowledged goes.
#[test]
fn a_failed_sync_refuses_its_send_and_leaves_the_folder_as_it_was() {
    let dir = tempfile::tempdir().unwrap();
    let st = store(dir.path());
    let live = Live::open(store(dir.path())).unwrap();
    assert_eq!(send_one(&live).unwrap(), 1);
    assert_eq!(send_one(&live).unwrap(), 2);
    let before = folder_bytes(dir.path());
    live.failing_syncs
        .store(1, std::sync::atomic::Ordering::SeqCst);
    let e = send_one(&live).unwrap_err();
    assert_eq!(e.kind, crate::error::Kind::State, "{e}");
    assert!(e.to_string().contains("cannot write the outbox"), "{e}");
    assert!(e.to_string().contains("no space left on device"), "{e}");
    assert!(
        e.to_string().contains("the messages were not accepted"),
        "{e}"
    );
    assert_eq!(
        folder_bytes(dir.path()),
        before,
        "the refused send left a trace"
    );
    assert_eq!(kept(&st), vec![1, 2]);
    let snap = live.read().unwrap();
    assert_eq!(pending(snap.state()) + snap.sent_since("us-east-1"), 2);
    drop(snap);
    assert_eq!(
        send_one(&live).unwrap(),
        3,
        "the failed send's number is free again"
    );
    assert_eq!(kept(&st), vec![1, 2, 3]);
}

/// Sixteen senders while one group's sync fails: every send is either acknowledged (and in the
/// outbox, counted, and still there when the folder is opened again) or refused (and nowhere),
/// and the acknowledged ones are numbered without a hole.
#[test]
fn a_failed_group_sync_refuses_every_send_it_covered_and_only_those() {
    let dir = tempfile::tempdir().unwrap();
    let st = store(dir.path());
    let live = std::sync::Arc::new(Live::open(store(dir.path())).unwrap());
    send_one(&live).unwrap();
    live.failing_syncs
        .store(2, std::sync::atomic::Ordering::SeqCst);
    let start = std::sync::Arc::new(std::sync::Barrier::new(16));
    let threads: Vec<_> = (0..16)
        .map(|_| {
            let (live, start) = (live.clone(), start.clone());
            std::thread::spawn(move || {
                start.wait();
                (0..10).map(|_| send_one(&live)).collect::<Vec<_>>()
            })
        })
        .collect();
    let results: Vec<Result<u64>> = threads
        .into_iter()
        .flat_map(|t| t.join().unwrap())
        .collect();
    let refused = results.iter().filter(|r| r.is_err()).count();
    let mut acknowledged: Vec<u64> = results.into_iter().flatten().collect();
    acknowledged.push(1);
    acknowledged.sort_unstable();
    assert!(refused >= 1, "the injected failures refused no send");
    assert_eq!(acknowledged.len() + refused, 161);
    let n = acknowledged.len() as u64;
    assert_eq!(
        acknowledged,
        (1..=n).collect::<Vec<_>>(),
        "a hole or a duplicate"
    );
    assert_eq!(
        kept(&st),
        acknowledged,
        "the outbox holds exactly the acknowledged sends"
    );
    let snap = live.read().unwrap();
    assert_eq!(pending(snap.state()) + snap.sent_since("us-east-1"), n);
    drop(snap);
    drop(live);
    let reopened = Live::open(store(dir.path())).unwrap();
    let snap = reopened.read().unwrap();
    assert_eq!(pending(snap.state()) + snap.sent_since("us-east-1"), n);
    assert_eq!(
        kept(&st),
        acknowledged,
        "a reopening lost or found a message"
    );
}

/// The event log's trim keeps the whole lines of its last bytes (the line the cut falls in
/// goes), reading only that tail.
#[test]
fn the_event_log_is_trimmed_to_the_whole_lines_of_its_tail() {
    let dir = tempfile::tempdir().unwrap();
    let st = store(dir.path());
    let folder = st.folder();
    std::fs::create_dir_all(&folder).unwrap();
    let lines: Vec<String> = (1..=100)
        .map(|n| format!("{{\"Seq\":{n},\"pad\":\"{}\"}}\n", "x".repeat(n % 7)))
        .collect();
    std::fs::write(st.events_path(), lines.concat()).unwrap();
    let keep = 200;
    st.trim_events(&folder, keep).unwrap();
    let kept = std::fs::read_to_string(st.events_path()).unwrap();
    let whole = lines.concat();
    // Exactly the lines that lie wholly within the last `keep` bytes.
    let cut = whole.len() - keep as usize;
    let expected: String = {
        let mut at = 0;
        let mut out = String::new();
        for l in &lines {
            if at > cut {
                out.push_str(l);
            }
            at += l.len();
        }
        out
    };
    assert!(!expected.is_empty() && expected.len() <= keep as usize);
    assert_eq!(kept, expected);
    assert!(kept.ends_with("{\"Seq\":100,\"pad\":\"xx\"}\n"));
    // A log shorter than `keep` stays whole.
    st.trim_events(&folder, 1 << 20).unwrap();
    assert_eq!(std::fs::read_to_string(st.events_path()).unwrap(), expected);
}

/// `read_events_where` keeps only the events asked for, reading the log line by line: the same
/// events, in the same order, as `read_events` filtered, and none of a line a crash cut short.
#[test]
fn reading_one_messages_events_keeps_only_them() {
    let dir = tempfile::tempdir().unwrap();
    let st = store(dir.path());
    std::fs::create_dir_all(st.folder()).unwrap();
    let line = |seq: u64, region: &str, id: &str| {
        format!(
            "{{\"Seq\":{seq},\"Time\":\"2026-12-08T00:00:00Z\",\"Date\":\"2026-12-08\",\
             \"Region\":\"{region}\",\"ConfigurationSetName\":\"news\",\"Destinations\":[\"d\"],\
             \"EventType\":\"Send\",\"MessageId\":\"{id}\",\"Event\":{{\"eventType\":\"Send\"}}}}\n"
        )
    };
    let log = [
        line(1, "us-east-1", "m1"),
        line(2, "us-east-1", "m2"),
        line(3, "eu-west-1", "m1"),
        line(4, "us-east-1", "m1"),
    ]
    .concat();
    // The last line has no newline: a write a crash cut short.
    let cut = line(5, "us-east-1", "m1");
    std::fs::write(st.events_path(), format!("{log}{}", cut.trim_end())).unwrap();
    let mine = |e: &EventRecord| e.region == "us-east-1" && e.message_id == "m1";
    let seqs = |events: Vec<EventRecord>| events.iter().map(|e| e.seq).collect::<Vec<_>>();
    assert_eq!(seqs(st.read_events_where(0, mine).unwrap()), [1, 4]);
    assert_eq!(seqs(st.read_events_where(1, mine).unwrap()), [4]);
    assert_eq!(
        seqs(st.read_events_where(4, mine).unwrap()),
        Vec::<u64>::new()
    );
    let all = st.read_events(0).unwrap();
    assert_eq!(seqs(all.clone()), [1, 2, 3, 4]);
    let filtered: Vec<EventRecord> = all.into_iter().filter(|e| mine(e)).collect();
    assert_eq!(st.read_events_where(0, mine).unwrap(), filtered);
}
