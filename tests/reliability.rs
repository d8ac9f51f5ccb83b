//! The state file's guarantees under stress: parallel writers, writers killed at random
//! moments, read-only folders, full disks, corrupt files, and random command sequences.

use std::io::BufRead;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::sync::{Arc, Barrier};

use proptest::prelude::*;

#[path = "cli/harness.rs"]
#[expect(dead_code, reason = "this crate uses part of the shared harness")]
mod harness;

use harness::test_env;

const SESM: &str = env!("CARGO_BIN_EXE_sesm");

/// The harness's binary, waiting longer for the lock: these tests run many writers at once.
fn sesm(state: &Path) -> Command {
    let mut cmd = harness::sesm_in(state.parent().unwrap(), state);
    cmd.env("SESM_LOCK_TIMEOUT", "60");
    cmd
}

fn run(state: &Path, args: &[&str]) -> Output {
    sesm(state).args(args).output().unwrap()
}

fn ok(state: &Path, args: &[&str]) -> Output {
    let out = run(state, args);
    assert!(
        out.status.success(),
        "sesm {args:?} failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    out
}

fn leftovers(folder: &Path) -> Vec<String> {
    std::fs::read_dir(folder)
        .unwrap()
        .flatten()
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .filter(|n| n.contains(".tmp-"))
        .collect()
}

/// Imports `count` identities (d0.example.com, …) into the state in one command.
fn import_identities(folder: &Path, state: &Path, count: usize) {
    let ids: String = (0..count).map(|i| format!("d{i}.example.com\n")).collect();
    let file = folder.join("ids.txt");
    std::fs::write(&file, ids).unwrap();
    ok(state, &["identity", "import", file.to_str().unwrap()]);
}

#[test]
fn twelve_parallel_writers_never_lose_an_update() {
    let dir = tempfile::tempdir().unwrap();
    let state = Arc::new(dir.path().join("state.json"));
    ok(&state, &["pool", "create", "shared"]);
    let start = Arc::new(Barrier::new(12));
    let workers: Vec<_> = (0..12)
        .map(|w| {
            let (state, start) = (Arc::clone(&state), Arc::clone(&start));
            std::thread::spawn(move || {
                start.wait();
                let mut failures = Vec::new();
                for i in 0..25 {
                    // A mix of commands that all change the same file.
                    let name = format!("w{w:02}-{i:02}");
                    let args: Vec<String> = match i % 3 {
                        0 => vec!["config-set".into(), "create".into(), name],
                        1 => vec![
                            "identity".into(),
                            "create".into(),
                            format!("{name}.example.com"),
                        ],
                        _ => vec![
                            "ip".into(),
                            "lease".into(),
                            "--count".into(),
                            "1".into(),
                            "--pool".into(),
                            "shared".into(),
                        ],
                    };
                    let out = sesm(&state).args(&args).output().unwrap();
                    if !out.status.success() {
                        failures.push(format!(
                            "{args:?}: {}",
                            String::from_utf8_lossy(&out.stderr)
                        ));
                    }
                }
                failures
            })
        })
        .collect();
    let failures: Vec<String> = workers
        .into_iter()
        .flat_map(|w| w.join().unwrap())
        .collect();
    assert!(failures.is_empty(), "failed commands: {failures:#?}");
    let json = |args: &[&str]| -> serde_json::Value {
        let mut all = vec!["-o", "json"];
        all.extend_from_slice(args);
        serde_json::from_slice(&ok(&state, &all).stdout).unwrap()
    };
    let sets = json(&["config-set", "list"])["ConfigurationSets"]
        .as_array()
        .unwrap()
        .len();
    let ids = json(&["identity", "list"])["EmailIdentities"]
        .as_array()
        .unwrap()
        .len();
    let ips = json(&["ip", "list", "--pool", "shared"])["DedicatedIps"]
        .as_array()
        .unwrap()
        .len();
    // 12 workers × 25 commands: i % 3 gives 9, 8 and 8 of each kind per worker.
    assert_eq!((sets, ids, ips), (12 * 9, 12 * 8, 12 * 8));
    assert_eq!(sets + ids + ips, 300);
    assert!(
        leftovers(dir.path()).is_empty(),
        "{:?}",
        leftovers(dir.path())
    );
}

#[test]
fn a_writer_killed_at_any_moment_leaves_the_old_or_the_new_state() {
    let dir = tempfile::tempdir().unwrap();
    let state = dir.path().join("state.json");
    // A state large enough for a write to take a while: 9,000 identities and some metrics.
    import_identities(dir.path(), &state, 9_000);
    ok(&state, &["config-set", "create", "cs"]);
    ok(
        &state,
        &["pool", "create", "m", "--managed", "--config-set", "cs"],
    );
    ok(
        &state,
        &[
            "traffic",
            "set",
            "cs",
            "gmail=100000",
            "yahoo=30000",
            "orange=9000",
        ],
    );
    ok(&state, &["-q", "simulate", "--days", "60"]);

    // Each writer stops for good at a named point of its write and says so through a FIFO
    // (`SESM_TEST_PAUSE`); it is killed there, so every point is hit, none by chance.
    let fifo = dir.path().join("paused");
    let made = Command::new("mkfifo").arg(&fifo).status().unwrap();
    assert!(made.success(), "mkfifo");
    let scratch = dir.path().join("scratch");
    std::fs::create_dir(&scratch).unwrap();
    let (mut old_kept, mut new_written) = (0, 0);
    for (i, point) in sesm::store::PAUSE_POINTS
        .iter()
        .cycle()
        .take(20)
        .enumerate()
    {
        let args = ["identity", "create", &format!("k{i}.example.com")];
        let old = std::fs::read(&state).unwrap();
        // What the command writes when it is not interrupted.
        let expected_state = scratch.join("state.json");
        std::fs::write(&expected_state, &old).unwrap();
        ok(&expected_state, &args);
        let new = std::fs::read(&expected_state).unwrap();

        let mut child = sesm(&state)
            .env("SESM_TEST_PAUSE", format!("{point}={}", fifo.display()))
            .args(args)
            .spawn()
            .unwrap();
        // Opening the FIFO waits for the writer to open it at the point; the line says which.
        let mut line = String::new();
        std::io::BufReader::new(std::fs::File::open(&fifo).unwrap())
            .read_line(&mut line)
            .unwrap();
        assert_eq!(line.trim_end(), *point, "iteration {i}");
        child.kill().unwrap(); // SIGKILL
        child.wait().unwrap();

        let now = std::fs::read(&state).unwrap();
        // Until the rename the old state stands; from it on, the new one.
        let renamed = sesm::store::PAUSE_POINTS
            .iter()
            .position(|p| p == point)
            .unwrap()
            >= sesm::store::PAUSE_POINTS
                .iter()
                .position(|p| *p == "renamed")
                .unwrap();
        if renamed {
            assert!(
                now == new,
                "iteration {i}, killed at {point}: not the new state"
            );
            new_written += 1;
        } else {
            assert!(
                now == old,
                "iteration {i}, killed at {point}: not the old state"
            );
            old_kept += 1;
        }
        assert!(
            sesm::store::decode(&now).is_ok(),
            "iteration {i}: the state doesn't load"
        );
        assert!(
            leftovers(dir.path()).len() <= 2,
            "temp files pile up: {:?}",
            leftovers(dir.path())
        );
    }
    // The next writer removes what killed writers left.
    ok(&state, &["identity", "create", "last.example.com"]);
    assert!(
        leftovers(dir.path()).is_empty(),
        "{:?}",
        leftovers(dir.path())
    );
    eprintln!(
        "killed 20 writers at each point of a write: {old_kept} left the old state, {new_written} the new one"
    );
}

fn is_root() -> bool {
    Command::new("id")
        .arg("-u")
        .output()
        .is_ok_and(|o| String::from_utf8_lossy(&o.stdout).trim() == "0")
}

#[test]
fn a_read_only_state_folder_is_253_and_the_state_is_intact() {
    let dir = tempfile::tempdir().unwrap();
    let folder = dir.path().join("ro");
    std::fs::create_dir(&folder).unwrap();
    let state = folder.join("state.json");
    ok(&state, &["pool", "create", "a"]);
    ok(&state, &["pool", "create", "b"]);
    let before = std::fs::read(&state).unwrap();
    let out = if is_root() {
        // chmod doesn't stop root: mount the folder read-only in a private mount namespace.
        let script = format!(
            "mount --bind {f} {f} && mount -o remount,ro,bind {f} && exec \"$0\" pool create c",
            f = folder.display()
        );
        sesm(&state).arg("--version").output().unwrap();
        test_env(&mut Command::new("unshare"), dir.path(), &state)
            .args(["-m", "sh", "-c", &script, SESM])
            .output()
            .unwrap()
    } else {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(&folder, std::fs::Permissions::from_mode(0o555)).unwrap();
        let out = run(&state, &["pool", "create", "c"]);
        std::fs::set_permissions(&folder, std::fs::Permissions::from_mode(0o755)).unwrap();
        out
    };
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(253), "{stderr}");
    assert!(
        stderr.contains("Read-only file system") || stderr.contains("Permission denied"),
        "{stderr}"
    );
    assert!(
        stderr.contains("the state was left as it was") || stderr.contains("lock file"),
        "{stderr}"
    );
    assert!(out.stdout.is_empty());
    assert_eq!(std::fs::read(&state).unwrap(), before);
    assert!(leftovers(&folder).is_empty());
}

#[test]
fn a_full_disk_is_253_and_the_state_is_intact() {
    let dir = tempfile::tempdir().unwrap();
    let state = dir.path().join("state.json");
    import_identities(dir.path(), &state, 3_000);
    let before = std::fs::read(&state).unwrap();
    // A file-size limit below the state's size: the write fails as on a full disk (EFBIG;
    // SIGXFSZ is ignored so the write returns an error instead of killing the process).
    let script = "trap '' XFSZ; ulimit -f 16; exec \"$0\" identity create one-more.example.com";
    let out = test_env(&mut Command::new("sh"), dir.path(), &state)
        .args(["-c", script, SESM])
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(253), "{stderr}");
    assert!(stderr.contains("cannot write the new state"), "{stderr}");
    assert!(
        stderr.contains("hint: check the folder's permissions and free space"),
        "{stderr}"
    );
    assert!(out.stdout.is_empty());
    assert_eq!(std::fs::read(&state).unwrap(), before);
    assert!(
        leftovers(dir.path()).is_empty(),
        "{:?}",
        leftovers(dir.path())
    );
    ok(&state, &["identity", "create", "one-more.example.com"]);
}

#[test]
fn corrupt_files_are_refused_with_path_position_and_backup() {
    let dir = tempfile::tempdir().unwrap();
    let state = dir.path().join("state.json");
    ok(&state, &["config-set", "create", "cs"]);
    ok(
        &state,
        &["identity", "create", "a.example.com", "--config-set", "cs"],
    );
    let good = std::fs::read(&state).unwrap();
    let text = String::from_utf8(good.clone()).unwrap();
    let cases: Vec<(&str, Vec<u8>)> = vec![
        ("truncated", good[..good.len() / 2].to_vec()),
        ("garbage", b"\x00\x9f\x92\x96 not json at all".to_vec()),
        ("empty", Vec::new()),
        (
            "wrong type",
            text.replace("\"Date\":\"2026-11-26\"", "\"Date\":20261126")
                .into_bytes(),
        ),
        (
            "wrong type in a lazily read section",
            text.replace("{\"ConfigurationSet\":\"cs\"}", "{\"ConfigurationSet\":7}")
                .into_bytes(),
        ),
        (
            "newer version",
            text.replace("\"SchemaVersion\":8", "\"SchemaVersion\":9")
                .into_bytes(),
        ),
    ];
    for (what, bytes) in cases {
        std::fs::write(&state, &bytes).unwrap();
        if what == "wrong type in a lazily read section" {
            // Reads stay lazy: one that doesn't reach the bad entry succeeds. Every change to
            // the section parses it whole, so it refuses (below) like any corrupt file.
            let out = run(&state, &["identity", "get", "zz.example.com"]);
            assert_eq!(
                out.status.code(),
                Some(254),
                "{}",
                String::from_utf8_lossy(&out.stderr)
            );
        }
        for args in [
            &["identity", "get", "a.example.com"][..],
            &["identity", "set-config-set", "a.example.com", "--none"][..],
            &["identity", "create", "b.example.com"][..],
        ] {
            let out = run(&state, args);
            let stderr = String::from_utf8_lossy(&out.stderr);
            assert_eq!(out.status.code(), Some(253), "{what} {args:?}: {stderr}");
            assert!(out.stdout.is_empty());
            assert!(
                stderr.contains(&state.display().to_string()),
                "{what}: no path in {stderr}"
            );
            if what == "newer version" {
                assert!(stderr.contains("newer sesm"), "{stderr}");
            } else {
                assert!(
                    stderr.contains(" at line ") || stderr.contains("EOF"),
                    "{what}: no position in {stderr}"
                );
                assert!(
                    stderr.contains(&format!("{}.bak", state.display())),
                    "{what}: no backup in {stderr}"
                );
            }
            assert_eq!(
                std::fs::read(&state).unwrap(),
                bytes,
                "{what}: the file was changed"
            );
        }
    }
}

/// One random command from a vocabulary of valid and invalid arguments.
fn command() -> impl Strategy<Value = Vec<String>> {
    let pool = prop::sample::select(vec![
        "a",
        "b",
        "m",
        "ses-default-dedicated-pool",
        "ses-shared-pool",
        "Bad Name",
        "",
    ]);
    let cs = prop::sample::select(vec!["cs1", "cs2", "bad name", "x"]);
    let id = prop::sample::select(vec!["a.example.com", "b@example.com", "localhost", "-x"]);
    let ip = prop::sample::select(vec!["198.18.0.1", "198.18.0.2", "198.18.0.9", "nope"]);
    let num = prop::sample::select(vec![
        "0",
        "1",
        "2",
        "-1",
        "50",
        "101",
        "x",
        "36500",
        "36501",
        "4294967296",
        "18446744073709551615",
        "99999999999999999999999",
    ]);
    let res = prop::sample::select(vec![
        "pool/a",
        "config-set/cs1",
        "identity/a.example.com",
        "pool/ghost",
        "arn:aws:ses:eu-west-1:123456789012:dedicated-ip-pool/a",
        "bad",
    ]);
    let kv = prop::sample::select(vec![
        "k=v",
        "aws:k=v",
        "novalue",
        "=x",
        "gmail=1000",
        "gmail=-1",
        "orange=60000",
        "gmail=10000000000",
        "yahoo=10000000001",
        "gmail=18446744073709551615",
        "k=v\nw",
    ]);
    let global = prop::sample::select(vec![
        vec![],
        vec!["-o", "json"],
        vec!["-o", "text"],
        vec!["--region", "eu-west-1"],
        vec!["--region", "nowhere"],
        vec!["--query", "[["],
        vec!["--query", "abs(@)"],
        vec!["--query", "length(@)"],
    ]);
    // Long and deep expressions, built once: over the length limit, and at it.
    let long = prop::sample::select(vec![
        "a.b".repeat(14_000),
        format!("{}a{}", "(".repeat(4_990), ")".repeat(4_990)),
        format!("{}a", "!".repeat(9_990)),
    ]);
    let s = |v: &[&str]| v.iter().map(|x| x.to_string()).collect::<Vec<_>>();
    let body = prop_oneof![
        (pool.clone(), any::<bool>()).prop_map(move |(p, m)| if m {
            s(&["pool", "create", p, "--managed"])
        } else {
            s(&["pool", "create", p])
        }),
        pool.clone().prop_map(move |p| s(&["pool", "delete", p])),
        pool.clone().prop_map(move |p| s(&["pool", "get", p])),
        (
            pool.clone(),
            prop::sample::select(vec!["MANAGED", "STANDARD", "sometimes"])
        )
            .prop_map(move |(p, m)| s(&["pool", "set-scaling-mode", p, m])),
        (cs.clone(), pool.clone()).prop_map(move |(c, p)| s(&[
            "config-set",
            "create",
            c,
            "--pool",
            p
        ])),
        (cs.clone(), num.clone()).prop_map(move |(c, n)| s(&[
            "config-set",
            "create",
            c,
            "--max-delivery-seconds",
            n
        ])),
        (cs.clone(), pool.clone()).prop_map(move |(c, p)| s(&["config-set", "set-pool", c, p])),
        cs.clone()
            .prop_map(move |c| s(&["config-set", "delete", c])),
        (id.clone(), cs.clone()).prop_map(move |(i, c)| s(&[
            "identity",
            "create",
            i,
            "--config-set",
            c
        ])),
        id.clone().prop_map(move |i| s(&["identity", "delete", i])),
        (num.clone(), pool.clone())
            .prop_map(move |(n, p)| s(&["ip", "lease", "--count", n, "--pool", p])),
        num.clone()
            .prop_map(move |n| s(&["ip", "lease", "--count", n])),
        (ip.clone(), pool.clone()).prop_map(move |(i, p)| s(&["ip", "move", i, p])),
        (ip.clone(), num.clone()).prop_map(move |(i, n)| s(&["ip", "set-warmup", i, n])),
        ip.clone().prop_map(move |i| s(&["ip", "release", i])),
        (res.clone(), kv.clone()).prop_map(move |(r, k)| s(&["tag", "add", r, k])),
        (res.clone(), kv.clone()).prop_map(move |(r, k)| s(&["tag", "remove", r, k])),
        (cs.clone(), kv.clone()).prop_map(move |(c, k)| s(&["traffic", "set", c, k])),
        num.clone().prop_map(move |n| s(&["simulate", "--days", n])),
        prop::sample::select(vec!["on", "off", "maybe"]).prop_map(move |o| s(&[
            "account",
            "set-auto-warmup",
            o
        ])),
        (
            long,
            prop::sample::select(vec![
                "pool list",
                "tag add pool/a deep=1",
                "simulate --days 1"
            ])
        )
            .prop_map(|(q, c)| {
                let mut v: Vec<String> = c.split(' ').map(str::to_string).collect();
                v.extend(["--query".to_string(), q]);
                v
            }),
        num.clone()
            .prop_map(move |n| s(&["dashboard", "--days", n])),
        num.clone().prop_map(move |n| s(&["compare", "--days", n])),
        num.clone().prop_map(move |n| s(&[
            "send",
            "--from",
            "a.example.com",
            "--to",
            "x@gmail.com",
            "--count",
            n
        ])),
        Just(s(&["metrics", "--isp", "gmail"])),
        Just(s(&["dashboard"])),
        Just(s(&["cost", "--month", "2026-11"])),
        Just(s(&["state", "reset"])),
        Just(s(&["frobnicate"])),
    ];
    (global, body).prop_map(|(g, b)| g.iter().map(|x| x.to_string()).chain(b).collect())
}

proptest! {
    #![proptest_config(ProptestConfig {
        cases: std::env::var("PROPTEST_CASES").ok().and_then(|v| v.parse().ok()).unwrap_or(24),
        ..ProptestConfig::default()
    })]

    /// No panic, only documented exit codes, and the state always loads and keeps its
    /// invariants, whatever the sequence of commands.
    #[test]
    fn random_command_sequences_never_break_the_state(
        start in prop::sample::select(vec!["2026-11-26", "0000-01-01", "9999-11-01", "9999-12-31"]),
        commands in prop::collection::vec(command(), 1..14),
    ) {
        let dir = tempfile::tempdir().unwrap();
        let state: PathBuf = dir.path().join("state.json");
        let backup = dir.path().join("state.json.bak");
        for args in &commands {
            let before = (std::fs::read(&state).ok(), std::fs::read(&backup).ok());
            let out = sesm(&state).env("SESM_TODAY", start).args(args).output().unwrap();
            let code = out.status.code().unwrap_or(-1);
            let stderr = String::from_utf8_lossy(&out.stderr);
            prop_assert!([0, 2, 252, 253, 254].contains(&code), "sesm {args:?} exited {code}: {stderr}");
            prop_assert!(!stderr.contains("panicked"), "sesm {args:?}: {stderr}");
            if code != 0 {
                prop_assert!(out.stdout.is_empty(), "sesm {args:?} printed on stdout and failed");
                // A failed command changed nothing.
                let after = (std::fs::read(&state).ok(), std::fs::read(&backup).ok());
                prop_assert!(before == after, "sesm {args:?} failed with {code} but changed the state");
            }
        }
        let out = run(&state, &["-o", "json", "account"]);
        prop_assert!(out.status.success(), "the state no longer loads: {}", String::from_utf8_lossy(&out.stderr));
        if let Ok(bytes) = std::fs::read(&state) {
            let s = sesm::store::decode(&bytes).map_err(|e| TestCaseError::fail(e.to_string()))?;
            prop_assert_eq!(s.check(), Ok(()));
        }
    }
}
