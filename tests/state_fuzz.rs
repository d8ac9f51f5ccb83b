//! Mutational fuzzing of the state file through the real binary: a valid state (the demo
//! account after 10 days, with tags, identities and traffic) has bytes flipped, is truncated,
//! has numbers replaced by extremes, keys duplicated or its sections reordered; then a read or
//! write command runs over it. Only the documented exit codes may come back (0, 252, 253, 254),
//! never a panic, and after any error the file and its backup are byte for byte as they were.
//!
//! `PROPTEST_CASES` sets the number of cases (64 by default, as CI runs it).

use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::sync::OnceLock;

use proptest::prelude::*;

#[path = "cli/harness.rs"]
#[expect(dead_code, reason = "this crate uses part of the shared harness")]
mod harness;

/// The harness's binary with `state` (its folder as home), waiting longer for the lock.
fn sesm(state: &Path) -> Command {
    let mut cmd = harness::sesm_in(state.parent().unwrap(), state);
    cmd.env("SESM_LOCK_TIMEOUT", "30");
    cmd
}

fn ok(state: &Path, args: &[&str]) -> Output {
    let out = sesm(state).args(args).output().unwrap();
    assert!(
        out.status.success(),
        "sesm {args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    out
}

/// The valid state every case starts from, built once.
fn seed() -> &'static [u8] {
    static SEED: OnceLock<Vec<u8>> = OnceLock::new();
    SEED.get_or_init(|| {
        let dir = tempfile::tempdir().unwrap();
        let state = dir.path().join("state.json");
        ok(
            &state,
            &[
                "-q",
                "demo",
                "--days",
                "10",
                "--state",
                state.to_str().unwrap(),
            ],
        );
        ok(
            &state,
            &[
                "-q",
                "tag",
                "add",
                "pool/marketing",
                "team=mail",
                "cost=shared",
            ],
        );
        ok(
            &state,
            &["-q", "identity", "create", "a@example.org", "--tag", "k=v"],
        );
        ok(&state, &["-q", "ip", "lease", "--count", "3"]);
        ok(
            &state,
            &["-q", "--region", "eu-west-1", "pool", "create", "eu"],
        );
        std::fs::read(&state).unwrap()
    })
}

/// Where numbers are in `text`: maximal runs of number characters that start with a digit
/// or `-` (inside strings too: metrics columns and dates are numbers in a string).
fn numbers(text: &[u8]) -> Vec<(usize, usize)> {
    let mut out = Vec::new();
    let mut i = 0;
    while i < text.len() {
        let c = text[i];
        if c.is_ascii_digit() || c == b'-' {
            let start = i;
            while i < text.len()
                && matches!(text[i], b'0'..=b'9' | b'.' | b'e' | b'E' | b'+' | b'-')
            {
                i += 1;
            }
            out.push((start, i));
        } else {
            i += 1;
        }
    }
    out
}

/// Where `"Key":` appears, with the end of its scalar value (up to the next `,` or `}`).
fn scalar_members(text: &[u8]) -> Vec<(usize, usize)> {
    let s = String::from_utf8_lossy(text);
    let mut out = Vec::new();
    for (start, _) in s.match_indices("\":") {
        let Some(key_start) = s[..start].rfind(['{', ',']) else {
            continue;
        };
        let value = &s[start + 2..];
        let value = value.trim_start();
        if value.starts_with(['{', '[']) {
            continue;
        }
        if let Some(end) = s[start + 2..].find([',', '}']) {
            out.push((key_start + 1, start + 2 + end));
        }
    }
    out
}

/// Rewrites a JSON document with the keys of every object at `depth` in reverse order.
fn reorder(v: &serde_json::Value, depth: usize) -> String {
    use serde_json::Value;
    match v {
        Value::Object(m) => {
            let mut items: Vec<String> = m
                .iter()
                .map(|(k, v)| {
                    format!(
                        "{}:{}",
                        Value::String(k.clone()),
                        reorder(v, depth.saturating_sub(1))
                    )
                })
                .collect();
            if depth == 0 {
                items.reverse();
            }
            format!("{{{}}}", items.join(","))
        }
        Value::Array(a) => format!(
            "[{}]",
            a.iter()
                .map(|x| reorder(x, depth))
                .collect::<Vec<_>>()
                .join(",")
        ),
        other => other.to_string(),
    }
}

const EXTREMES: &[&str] = &[
    "0",
    "-1",
    "-0",
    "1.5",
    "1e400",
    "-1e400",
    "1e-400",
    "4294967295",
    "4294967296",
    "9223372036854775808",
    "18446744073709551615",
    "18446744073709551616",
    "99999999999999999999999999",
    "10000000001",
    "36501",
    "NaN",
    "",
];

#[derive(Debug, Clone)]
enum Mutation {
    Flip { at: usize, xor: u8 },
    Truncate { at: usize },
    Number { which: usize, extreme: usize },
    Duplicate { which: usize },
    Reorder { depth: usize },
}

fn mutation() -> impl Strategy<Value = Mutation> {
    prop_oneof![
        (any::<usize>(), 1u8..=255).prop_map(|(at, xor)| Mutation::Flip { at, xor }),
        any::<usize>().prop_map(|at| Mutation::Truncate { at }),
        (any::<usize>(), 0..EXTREMES.len())
            .prop_map(|(which, extreme)| Mutation::Number { which, extreme }),
        any::<usize>().prop_map(|which| Mutation::Duplicate { which }),
        (0usize..6).prop_map(|depth| Mutation::Reorder { depth }),
    ]
}

fn apply(m: &Mutation, text: &[u8]) -> Vec<u8> {
    let mut out = text.to_vec();
    match *m {
        Mutation::Flip { at, xor } => {
            let at = at % out.len();
            out[at] ^= xor;
        }
        Mutation::Truncate { at } => out.truncate(at % out.len()),
        Mutation::Number { which, extreme } => {
            let spots = numbers(text);
            let (a, b) = spots[which % spots.len()];
            out.splice(a..b, EXTREMES[extreme].bytes());
        }
        Mutation::Duplicate { which } => {
            let spots = scalar_members(text);
            let (a, b) = spots[which % spots.len()];
            let member = text[a..b].to_vec();
            out.splice(b..b, [b",".as_slice(), &member].concat());
        }
        Mutation::Reorder { depth } => {
            let v: serde_json::Value = serde_json::from_slice(text).unwrap();
            out = reorder(&v, depth).into_bytes();
        }
    }
    out
}

/// Commands that read or write every part of the state.
const COMMANDS: &[&[&str]] = &[
    &["pool", "list"],
    &["pool", "get", "marketing"],
    &["ip", "list"],
    &["config-set", "list"],
    &["config-set", "get", "newsletters"],
    &["identity", "list"],
    &["traffic", "list"],
    &["tag", "list", "pool/marketing"],
    &["metrics"],
    &["dashboard"],
    &["cost"],
    &["account"],
    &["isp", "list"],
    &["state", "export"],
    &["compare", "--days", "5"],
    &["simulate", "--days", "2"],
    &["simulate", "--days", "2", "--dry-run"],
    &["pool", "create", "fresh", "--managed"],
    &["pool", "delete", "transactional"],
    &["tag", "add", "pool/marketing", "k=v"],
    &["tag", "remove", "pool/marketing", "team"],
    &["traffic", "set", "newsletters", "gmail=5"],
    &["ip", "lease", "--count", "1"],
    &["identity", "create", "fuzz.example"],
    &["config-set", "set-pool", "newsletters", "transactional"],
    &["send", "--from", "news@example.com", "--to", "a@gmail.com"],
    &[
        "send",
        "--explain",
        "--from",
        "news@example.com",
        "--to",
        "a@gmail.com",
    ],
    &["account", "set-auto-warmup", "off"],
];

/// Whether `text` passes every check `state import` makes (every section parsed).
fn valid(dir: &Path, text: &[u8]) -> bool {
    let file = dir.join("candidate.json");
    std::fs::write(&file, text).unwrap();
    let scratch = dir.join("scratch").join("state.json");
    // The binary runs in the state's folder.
    std::fs::create_dir_all(dir.join("scratch")).unwrap();
    let out = sesm(&scratch)
        .args(["-q", "state", "import", file.to_str().unwrap()])
        .output()
        .unwrap();
    let _ = std::fs::remove_dir_all(dir.join("scratch"));
    out.status.success()
}

fn backup(state: &Path) -> PathBuf {
    PathBuf::from(format!("{}.bak", state.display()))
}

proptest! {
    #![proptest_config(ProptestConfig {
        cases: std::env::var("PROPTEST_CASES").ok().and_then(|v| v.parse().ok()).unwrap_or(64),
        failure_persistence: None,
        ..ProptestConfig::default()
    })]

    #[test]
    fn a_mutated_state_is_refused_or_used_never_crashes_and_is_never_changed_by_an_error(
        m in mutation(),
        command in 0..COMMANDS.len(),
    ) {
        let text = apply(&m, seed());
        let dir = tempfile::tempdir().unwrap();
        let state = dir.path().join("state.json");
        std::fs::write(&state, &text).unwrap();
        std::fs::write(backup(&state), seed()).unwrap();
        let args = COMMANDS[command];
        let out = sesm(&state).args(args).output().unwrap();
        let code = out.status.code().unwrap_or(-1);
        let stderr = String::from_utf8_lossy(&out.stderr);
        prop_assert!(
            [0, 252, 253, 254].contains(&code),
            "{m:?} then sesm {args:?}: exit {code}: {stderr}"
        );
        prop_assert!(!stderr.contains("panicked") && !stderr.contains("a bug in sesm"), "{m:?} then sesm {args:?}: {stderr}");
        if code == 0 {
            // A command may succeed without reading a corrupt section it does not need (they
            // are parsed when used), but what was whole stays whole.
            if valid(dir.path(), &text) {
                let after = std::fs::read(&state).unwrap();
                prop_assert!(valid(dir.path(), &after), "{m:?} then sesm {args:?} broke a valid state");
            }
        } else {
            prop_assert!(out.stdout.is_empty(), "{m:?} then sesm {args:?}: output on a failure");
            prop_assert!(std::fs::read(&state).unwrap() == text, "{m:?} then sesm {args:?} changed the file after exit {code}");
            prop_assert!(std::fs::read(backup(&state)).unwrap() == seed(), "{m:?} then sesm {args:?} changed the backup");
            if code == 253 {
                prop_assert!(stderr.contains(&state.display().to_string()), "a 253 names the file: {stderr}");
            }
        }
    }
}

#[test]
fn the_mutations_do_what_they_say() {
    let text = seed();
    assert!(numbers(text).len() > 100);
    assert!(scalar_members(text).len() > 50);
    let dup = apply(&Mutation::Duplicate { which: 0 }, text);
    assert_eq!(
        dup.len(),
        text.len() + 1 + scalar_members(text)[0].1 - scalar_members(text)[0].0
    );
    // A duplicated key is refused as corrupt, with its position.
    let dir = tempfile::tempdir().unwrap();
    let state = dir.path().join("state.json");
    std::fs::write(&state, &dup).unwrap();
    let out = sesm(&state).args(["pool", "list"]).output().unwrap();
    assert_eq!(
        out.status.code(),
        Some(253),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(String::from_utf8_lossy(&out.stderr).contains("duplicate"));
    // A reordered state is the same state.
    for depth in 0..6 {
        let reordered = apply(&Mutation::Reorder { depth }, text);
        assert_ne!(reordered, text);
        let a: serde_json::Value = serde_json::from_slice(&reordered).unwrap();
        let b: serde_json::Value = serde_json::from_slice(text).unwrap();
        assert_eq!(a, b);
        std::fs::write(&state, &reordered).unwrap();
        let out = sesm(&state)
            .args(["-o", "json", "pool", "list"])
            .output()
            .unwrap();
        assert!(
            out.status.success(),
            "depth {depth}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
    }
}
