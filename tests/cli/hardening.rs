//! Issue 10: nothing a user can type or hand-edit crashes sesm or loses a change. Every class
//! of the issue, with several instances each, through the real binary.

use std::os::unix::fs::symlink;

use serde_json::{Value, json};

use crate::harness::{Env, Run};

/// An account with something of everything: a managed pool with a set, traffic and metrics,
/// a standard pool with IPs, an identity and tags.
fn account(env: &Env) {
    env.ok(&["-q", "pool", "create", "m", "--managed"]);
    env.ok(&["-q", "pool", "create", "s"]);
    env.ok(&["-q", "config-set", "create", "cs", "--pool", "m"]);
    env.ok(&[
        "-q",
        "identity",
        "create",
        "example.com",
        "--config-set",
        "cs",
    ]);
    env.ok(&["-q", "traffic", "set", "cs", "gmail=50000", "yahoo=1000"]);
    env.ok(&["-q", "ip", "lease", "--count", "2", "--pool", "s"]);
    env.ok(&["-q", "tag", "add", "pool/m", "team=mail"]);
    env.ok(&["-q", "simulate", "--days", "3"]);
}

/// Writes `doc` as a hand edit would, runs `args`, and checks a 253 that names the file, a
/// position when `positioned`, and the backup; the file is left as written.
fn corrupt(env: &Env, doc: &Value, args: &[&str], op: &str, positioned: bool) -> Run {
    env.write_state(doc);
    let run = env.refused_with(args, 253, "StateError", op);
    let state = env.state.display().to_string();
    assert!(
        run.stderr
            .contains(&format!("the state file {state} is corrupt")),
        "{args:?}: {}",
        run.stderr
    );
    assert!(
        run.stderr.contains(&format!("{state}.bak")),
        "{args:?}: no backup named: {}",
        run.stderr
    );
    if positioned {
        assert!(
            run.stderr.contains(" at line ") && run.stderr.contains(" column "),
            "{args:?}: no position: {}",
            run.stderr
        );
    }
    assert_eq!(env.state_json(), *doc, "{args:?}");
    run
}

/// A hand edit of a state document, and a text its refusal must contain.
type Edit = (&'static str, Box<dyn Fn(&mut Value)>);

/// An edit that sets the existing member at a JSON pointer.
fn set(pointer: &'static str, value: Value) -> Box<dyn Fn(&mut Value)> {
    Box::new(move |d: &mut Value| *d.pointer_mut(pointer).expect(pointer) = value.clone())
}

fn region(doc: &mut Value) -> &mut Value {
    &mut doc["Regions"]["us-east-1"]
}

// ---- 1. No input may crash a command ----------------------------------------------------

#[test]
fn runs_that_would_leave_the_calendar_are_refused() {
    for start in ["9999-12-31", "9999-12-20", "9999-10-01"] {
        let env = Env::new().with_env("SESM_TODAY", start);
        account_at_end(&env);
        for days in ["100", "36500"] {
            let run = env.refused_with(
                &["simulate", "--days", days],
                252,
                "InvalidParameter",
                "Simulate",
            );
            assert!(
                run.stderr
                    .contains("would move the clock past 9999-12-31, the last date sesm supports"),
                "{}",
                run.stderr
            );
            env.refused_with(
                &["compare", "--days", days],
                252,
                "InvalidParameter",
                "Compare",
            );
        }
        let demo = env.path("demo.json");
        env.refused_with(
            &["demo", "--days", "100", "--state", demo.to_str().unwrap()],
            252,
            "InvalidParameter",
            "Demo",
        );
        // Reads at the end of the calendar work.
        for args in [
            vec!["account"],
            vec!["metrics"],
            vec!["dashboard"],
            vec!["cost"],
        ] {
            env.ok(&args);
        }
    }
    // The last day itself: one more day moves the clock past it, even to explain a message.
    let env = Env::new().with_env("SESM_TODAY", "9999-12-31");
    account_at_end(&env);
    let run = env.refused_with(
        &["simulate", "--days", "1"],
        252,
        "InvalidParameter",
        "Simulate",
    );
    assert!(
        run.stderr.contains("a run of 1 day from 9999-12-31"),
        "{}",
        run.stderr
    );
    env.refused_with(
        &[
            "send",
            "--explain",
            "--from",
            "a@example.com",
            "--to",
            "b@gmail.com",
        ],
        252,
        "InvalidParameter",
        "SendEmail",
    );
    // Sending itself only queues: it works.
    env.ok(&["send", "--from", "a@example.com", "--to", "b@gmail.com"]);

    // Up to the last day, and from the first.
    let env = Env::new().with_env("SESM_TODAY", "9999-12-20");
    account_at_end(&env);
    env.ok(&["-q", "simulate", "--days", "11"]);
    assert_eq!(env.json(&["account"])["Date"], "9999-12-31");
    let env = Env::new().with_env("SESM_TODAY", "0000-01-01");
    account_at_end(&env);
    env.ok(&["-q", "simulate", "--days", "400"]);
    assert_eq!(env.json(&["account"])["Date"], "0001-02-04");
    env.ok(&["dashboard", "--days", "36500"]);

    // Dates jiff parses but sesm does not take, and windows beyond any run.
    for bad in [
        "-000001-01-01",
        "10000-01-01",
        "2026-02-30",
        "2026-13-01",
        "today",
    ] {
        let env = Env::new().with_env("SESM_TODAY", bad);
        let run = env.refused_with(
            &["pool", "create", "p"],
            252,
            "InvalidParameter",
            "CreateDedicatedIpPool",
        );
        assert!(run.stderr.contains("invalid SESM_TODAY"), "{}", run.stderr);
    }
    let env = Env::new();
    account(&env);
    for days in ["0", "36501", "4294967295"] {
        env.refused_with(
            &["dashboard", "--days", days],
            252,
            "InvalidParameter",
            "GetDashboard",
        );
    }
}

fn account_at_end(env: &Env) {
    env.ok(&["-q", "pool", "create", "m", "--managed"]);
    env.ok(&["-q", "config-set", "create", "cs", "--pool", "m"]);
    env.ok(&[
        "-q",
        "identity",
        "create",
        "example.com",
        "--config-set",
        "cs",
    ]);
    env.ok(&["-q", "traffic", "set", "cs", "gmail=5000"]);
}

/// A generated expression of `n` characters: `a.b.b.b…`.
fn long_query(n: usize) -> String {
    let mut q = String::from("a");
    while q.len() + 2 <= n {
        q.push_str(".b");
    }
    q
}

#[test]
fn queries_of_any_size_and_nesting_are_answered_or_refused() {
    let env = Env::new();
    account(&env);
    // Too long: refused before anything runs, writes included.
    for n in [10_002, 40_000, 100_000] {
        let q = long_query(n);
        let run = env.refused_with(
            &["pool", "list", "--query", &q],
            252,
            "InvalidParameter",
            "ListDedicatedIpPools",
        );
        assert!(run.stderr.contains("characters long"), "{}", run.stderr);
        env.refused_with(
            &["tag", "add", "pool/m", "k=v", "--query", &q],
            252,
            "InvalidParameter",
            "TagResource",
        );
    }
    // As deep as the length allows: answered (or refused as invalid), never a crash.
    let deep = [
        format!("{}a{}", "(".repeat(4_990), ")".repeat(4_990)),
        format!("{}a", "!".repeat(9_990)),
        format!("{}a{}", "[".repeat(4_990), "]".repeat(4_990)),
        format!("a{}", "|b".repeat(4_990)),
        format!("{}a{}", "{x:".repeat(3_000), "}".repeat(3_000)),
        format!("a{}", "[?b".repeat(3_000) + &"]".repeat(3_000)),
        long_query(10_000),
    ];
    for q in &deep {
        let run = env.run(&["-o", "json", "pool", "list", "--query", q]);
        assert!(
            run.code == 0 || run.code == 252,
            "{}…: exit {}: {}",
            &q[..20],
            run.code,
            run.stderr
        );
        assert!(!run.stderr.contains("panicked"), "{}", run.stderr);
    }
    env.ok(&["tag", "add", "pool/m", "deep=yes", "--query", &deep[0]]);
    assert_eq!(
        env.json(&["tag", "list", "pool/m"])["Tags"][0]["Key"],
        "deep"
    );
}

#[test]
fn impossible_numbers_in_a_metrics_column_are_a_corrupt_file() {
    let env = Env::new();
    account(&env);
    let good = env.state_json();
    assert_eq!(
        good["Regions"]["us-east-1"]["Metrics"]["m"]["Dates"]
            .as_str()
            .unwrap()
            .split(',')
            .count(),
        3
    );
    let cases = [
        ("DedicatedIpCount", json!("0,1*1000000000000")),
        ("DedicatedIpCount", json!("0,1*18446744073709551615")),
        ("DedicatedIpCount", json!("0,1*99999999999999999999999")),
        ("DedicatedIpCount", json!("0,1*-2")),
        ("DedicatedIpCount", json!("0,1*0")),
        ("DedicatedIpCount", json!("0,1*5")),
        // Shorter is fine (an ISP first seen later is padded), longer is not.
        ("DedicatedIpCount", json!("0,1*3")),
        ("DedicatedIpCount", json!("0,NaN,1")),
        ("DedicatedIpCount", json!("0,,1")),
        ("DedicatedIpCount", json!("0,x,1")),
        ("DedicatedIpCount", json!("-1,1*2")),
        ("DedicatedIpCount", json!(12)),
        ("ScaleEvent", json!("1e400,0*2")),
        ("Dates", json!("2026-11-26,2026-11-26,2026-11-28")),
        ("Dates", json!("2026-11-28,2026-11-27,2026-11-26")),
        ("Dates", json!("2026-11-26,2026-11-27,2026-02-30")),
    ];
    for (column, value) in cases {
        let mut doc = good.clone();
        region(&mut doc)["Metrics"]["m"][column] = value.clone();
        for (args, op) in [
            (vec!["metrics"], "GetMetricData"),
            (vec!["dashboard"], "GetDashboard"),
            (vec!["simulate", "--days", "1"], "Simulate"),
        ] {
            corrupt(&env, &doc, &args, op, true);
        }
    }
    let isp_cases = [
        ("Demand", json!("50000*4")),
        ("SentDedicated", json!("0,200,-251")),
        ("WarmupPercentage", json!("0,NaN,6.6")),
        ("WarmupPercentage", json!("0,inf,6.6")),
        ("WarmupPercentage", json!("0,101,6.6")),
        ("Expired", json!("0*18446744073709551616")),
    ];
    for (column, value) in isp_cases {
        let mut doc = good.clone();
        region(&mut doc)["Metrics"]["m"]["Isps"]["gmail"][column] = value.clone();
        let run = corrupt(&env, &doc, &["metrics"], "GetMetricData", true);
        assert!(
            run.stderr.contains("metrics"),
            "{column}={value}: {}",
            run.stderr
        );
    }
    env.write_state(&good);
    env.ok(&["metrics"]);
}

/// Hand edits of the model's constants, prices and numbers: refused on every read (253) and by
/// `state import` (252).
fn constant_edits() -> Vec<Edit> {
    vec![
        ("before 0000-01-01", set("/Date", json!("-000001-12-31"))),
        ("MaxIps", set("/Model/MaxIps", json!(0))),
        ("MaxIps", set("/Model/MaxIps", json!(10_001))),
        ("EwmaAlpha", set("/Model/EwmaAlpha", json!(1.5))),
        ("EwmaAlpha", set("/Model/EwmaAlpha", json!(0))),
        ("Headroom", set("/Model/Headroom", json!(-1))),
        ("ColdAllowance", set("/Model/ColdAllowance", json!(1e300))),
        ("HistoryDays", set("/Model/HistoryDays", json!(0))),
        ("IdleResetDays", set("/Model/IdleResetDays", json!(0))),
        ("StandardWarmCap", set("/Model/StandardWarmCap", json!(1))),
        (
            "DefaultMaxDeliverySeconds",
            set("/Model/DefaultMaxDeliverySeconds", json!(3_600_000)),
        ),
        ("DaysToWarm", set("/Model/Isps/0/DaysToWarm", json!(0))),
        (
            "FullyWarmDailyCapacityPerIp",
            set("/Model/Isps/0/FullyWarmDailyCapacityPerIp", json!(0)),
        ),
        (
            "twice",
            Box::new(|d: &mut Value| {
                let first = d["Model"]["Isps"][0].clone();
                d["Model"]["Isps"].as_array_mut().unwrap().push(first);
            }),
        ),
        (
            "other",
            Box::new(|d: &mut Value| {
                d["Model"]["Isps"]
                    .as_array_mut()
                    .unwrap()
                    .retain(|i| i["Isp"] != "other");
            }),
        ),
        ("IspDomains", set("/Model/IspDomains/0/Isp", json!("ghost"))),
        (
            "StandardIpMonthly",
            set("/Prices/StandardIpMonthly", json!(-1)),
        ),
        (
            "ManagedPoolMonthly",
            set("/Prices/ManagedPoolMonthly", json!(1e12)),
        ),
        (
            "tiers must rise",
            set("/Prices/ManagedMessageTiers/1/UpTo", json!(5)),
        ),
        (
            "PerThousand",
            set("/Prices/ManagedMessageTiers/0/PerThousand", json!(-0.5)),
        ),
        (
            "last of",
            Box::new(|d: &mut Value| {
                d["Prices"]["ManagedMessageTiers"][2]["UpTo"] = json!(1_000_000_000_000u64)
            }),
        ),
        ("NextIp", set("/NextIp", json!(0))),
        ("NextIp", set("/NextIp", json!(2))),
        ("AccountId", set("/AccountId", json!("12"))),
        (
            "warm-up",
            Box::new(|d: &mut Value| {
                let ips = d["Regions"]["us-east-1"]["Ips"].as_object_mut().unwrap();
                let standard = ips
                    .values_mut()
                    .find(|ip| ip["Warmup"].get("Standard").is_some())
                    .unwrap();
                standard["Warmup"]["Standard"]["Start"] = json!(250.0);
            }),
        ),
        (
            "messages a day",
            Box::new(|d: &mut Value| {
                d["Regions"]["us-east-1"]["Traffic"]["cs"]["gmail"] = json!(u64::MAX)
            }),
        ),
        (
            "messages a day",
            Box::new(|d: &mut Value| {
                d["Regions"]["us-east-1"]["Traffic"]["cs"]["gmail"] = json!(10_000_000_001u64)
            }),
        ),
        (
            "not in the ISP table",
            Box::new(|d: &mut Value| {
                d["Regions"]["us-east-1"]["Traffic"]["cs"]["hotmail"] = json!(5)
            }),
        ),
        (
            "region",
            Box::new(|d: &mut Value| d["Regions"]["mars-1"] = json!({})),
        ),
    ]
}

#[test]
fn constants_prices_and_numbers_out_of_range_are_refused_on_read_and_import() {
    let env = Env::new();
    account(&env);
    let good = env.state_json();
    let file = env.path("edited.json");
    for (what, edit) in constant_edits() {
        let mut doc = good.clone();
        edit(&mut doc);
        // A hand edit of the state: every read and write refuses it.
        for (args, op) in [
            (vec!["simulate", "--days", "3"], "Simulate"),
            (vec!["pool", "list"], "ListDedicatedIpPools"),
            (vec!["compare"], "Compare"),
        ] {
            let run = corrupt(&env, &doc, &args, op, false);
            assert!(run.stderr.contains(what), "{what}: {}", run.stderr);
        }
        // The same document imported: 252, and the state before it stays.
        env.write_state(&good);
        std::fs::write(&file, serde_json::to_vec_pretty(&doc).unwrap()).unwrap();
        let run = env.refused_with(
            &["state", "import", file.to_str().unwrap()],
            252,
            "InvalidParameter",
            "ImportState",
        );
        assert!(run.stderr.contains(what), "{what}: {}", run.stderr);
        assert!(
            run.stderr.contains("is not a consistent sesm state"),
            "{}",
            run.stderr
        );
    }
}

// ---- 2. A command that fails changes nothing ---------------------------------------------

#[test]
fn a_failing_query_or_output_format_changes_nothing() {
    let env = Env::new();
    account(&env);
    for q in ["abs(Tags)", "to_number(@) + `1`", "[[", "length(`1`)"] {
        env.refused_with(
            &["tag", "add", "pool/m", "k=v", "--query", q],
            252,
            "InvalidParameter",
            "TagResource",
        );
        let run = env.refused_with(
            &["simulate", "--days", "3", "--query", q],
            252,
            "InvalidParameter",
            "Simulate",
        );
        assert!(run.stderr.contains("query"), "{}", run.stderr);
        env.refused_with(
            &["pool", "create", "new", "--query", q],
            252,
            "InvalidParameter",
            "CreateDedicatedIpPool",
        );
        env.refused_with(
            &[
                "send",
                "--from",
                "a@example.com",
                "--to",
                "b@gmail.com",
                "--query",
                q,
            ],
            252,
            "InvalidParameter",
            "SendEmail",
        );
    }
    assert_eq!(env.json(&["account"])["Date"], "2026-11-29");
    assert_eq!(env.json(&["outbox", "list"])["Messages"], json!([]));
}

/// Runs the binary as the harness does, with stdout going to `out`.
fn to(env: &Env, args: &[&str], out: std::fs::File) -> std::process::Output {
    env.std_command().args(args).stdout(out).output().unwrap()
}

#[test]
fn stdout_that_cannot_be_written_after_a_change_says_the_change_was_saved() {
    let env = Env::new();
    account(&env);
    let Ok(full) = std::fs::OpenOptions::new().write(true).open("/dev/full") else {
        panic!("/dev/full is needed for this test");
    };
    let out = to(&env, &["tag", "add", "pool/m", "k=v"], full);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{stderr}");
    assert!(
        stderr.contains("the change was saved, but its output could not be written"),
        "{stderr}"
    );
    assert!(!stderr.contains("bug"), "{stderr}");
    let tags = env.json(&["tag", "list", "pool/m"]);
    assert!(
        tags["Tags"]
            .as_array()
            .unwrap()
            .iter()
            .any(|t| t["Key"] == "k")
    );
    // A read whose output cannot be written changed nothing, and says so.
    let full = std::fs::OpenOptions::new()
        .write(true)
        .open("/dev/full")
        .unwrap();
    let before = env.state_bytes();
    let out = to(&env, &["pool", "list"], full);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{stderr}");
    assert!(
        stderr.contains("the output could not be written"),
        "{stderr}"
    );
    assert_eq!(env.state_bytes(), before);
}

// ---- 3. state import refuses what the commands refuse ----------------------------------

fn rule_edits() -> Vec<Edit> {
    vec![
        (
            "Bad Pool",
            Box::new(|d: &mut Value| {
                region(d)["Pools"]["Bad Pool"] = json!({"ScalingMode": "STANDARD"})
            }),
        ),
        (
            "P5",
            Box::new(|d: &mut Value| {
                region(d)["Pools"]["ses-shared-pool"] = json!({"ScalingMode": "STANDARD"})
            }),
        ),
        (
            "MaxDeliverySeconds 3600000",
            Box::new(|d: &mut Value| {
                region(d)["ConfigurationSets"]["cs"]["MaxDeliverySeconds"] = json!(3_600_000)
            }),
        ),
        (
            "MaxDeliverySeconds 299",
            Box::new(|d: &mut Value| {
                region(d)["ConfigurationSets"]["cs"]["MaxDeliverySeconds"] = json!(299)
            }),
        ),
        (
            "aws: prefix",
            Box::new(|d: &mut Value| region(d)["Pools"]["m"]["Tags"]["aws:x"] = json!("1")),
        ),
        (
            "aws: prefix",
            Box::new(|d: &mut Value| {
                region(d)["ConfigurationSets"]["cs"]["Tags"] = json!({"aws:cs": "1"})
            }),
        ),
        (
            "51 tags",
            Box::new(|d: &mut Value| {
                region(d)["Identities"]["example.com"]["Tags"] =
                    (0..51).map(|i| (format!("k{i}"), json!("v"))).collect();
            }),
        ),
        (
            "'\\n' is not allowed",
            Box::new(|d: &mut Value| region(d)["Pools"]["m"]["Tags"]["team"] = json!("a\nb")),
        ),
        (
            "a key has 1 to 128",
            Box::new(|d: &mut Value| region(d)["Pools"]["m"]["Tags"][""] = json!("v")),
        ),
        (
            "not in the ISP table",
            Box::new(|d: &mut Value| region(d)["Traffic"]["cs"]["hotmail"] = json!(5)),
        ),
        ("SchemaVersion 0", set("/SchemaVersion", json!(0))),
        (
            "in two regions",
            Box::new(|d: &mut Value| {
                let (addr, ip) = {
                    let ips = region(d)["Ips"].as_object().unwrap();
                    let (a, ip) = ips.iter().find(|(_, ip)| ip["Pool"] == "s").unwrap();
                    (a.clone(), ip.clone())
                };
                d["Regions"]["eu-west-1"] =
                    json!({"Pools": {"s": {"ScalingMode": "STANDARD"}}, "Ips": {addr: ip}});
            }),
        ),
        ("would lease it again", set("/NextIp", json!(2))),
        (
            "SES stores it as example.org",
            Box::new(|d: &mut Value| region(d)["Identities"]["EXAMPLE.ORG"] = json!({})),
        ),
        (
            "E1",
            Box::new(|d: &mut Value| region(d)["Identities"]["no spaces.com"] = json!({})),
        ),
        (
            "E4",
            Box::new(|d: &mut Value| {
                // A deleted default set is allowed (C7); a name no set could have is not.
                region(d)["Identities"]["example.com"]["ConfigurationSet"] = json!("not a name!")
            }),
        ),
        (
            "C5",
            Box::new(|d: &mut Value| {
                region(d)["ConfigurationSets"]["cs"]["SendingPool"] = json!("ghost")
            }),
        ),
        (
            "C1",
            Box::new(|d: &mut Value| region(d)["ConfigurationSets"]["bad set"] = json!({})),
        ),
        (
            "P3",
            Box::new(|d: &mut Value| {
                for i in 0..5 {
                    region(d)["Pools"][format!("extra{i}")] = json!({"ScalingMode": "MANAGED"});
                }
            }),
        ),
        (
            "which does not exist (I4)",
            Box::new(|d: &mut Value| {
                let ips = region(d)["Ips"].as_object_mut().unwrap();
                ips.values_mut().find(|ip| ip["Pool"] == "s").unwrap()["Pool"] = json!("ghost");
            }),
        ),
        (
            "scaling mode",
            Box::new(|d: &mut Value| region(d)["Pools"]["s"]["ScalingMode"] = json!("MANAGED")),
        ),
        (
            "traffic for configuration set 'ghost'",
            Box::new(|d: &mut Value| region(d)["Traffic"]["ghost"] = json!({"gmail": 1})),
        ),
        ("duplicate field", Box::new(|_: &mut Value| {})),
    ]
}

#[test]
fn state_import_runs_every_rule_and_names_the_first_offender() {
    let env = Env::new();
    account(&env);
    let good = env.state_json();
    let text = serde_json::to_string_pretty(&good).unwrap();
    let file = env.path("import.json");
    for (what, edit) in rule_edits() {
        let mut doc = good.clone();
        edit(&mut doc);
        let mut body = serde_json::to_string_pretty(&doc).unwrap();
        if what == "duplicate field" {
            body = text.replacen(
                "\"AccountId\"",
                "\"AccountId\": \"123456789012\",\n  \"AccountId\"",
                1,
            );
        }
        std::fs::write(&file, body).unwrap();
        let run = env.refused_with(
            &["state", "import", file.to_str().unwrap()],
            252,
            "InvalidParameter",
            "ImportState",
        );
        assert!(run.stderr.contains(what), "{what}: {}", run.stderr);
        assert!(run.stderr.contains("import.json"), "{}", run.stderr);
    }
    // The exported state imports again, whole.
    std::fs::write(&file, &text).unwrap();
    env.ok(&["state", "import", file.to_str().unwrap()]);
    assert_eq!(env.state_json(), good);
}

// ---- 4. Numbers never wrap -------------------------------------------------------------

#[test]
fn volumes_have_a_ceiling_and_sums_do_not_wrap() {
    let env = Env::new();
    account(&env);
    for v in [
        "18446744073709551615",
        "18446744073709551616",
        "10000000001",
        "99999999999999999999999",
    ] {
        let run = env.refused_with(
            &["traffic", "set", "cs", &format!("gmail={v}")],
            252,
            "InvalidParameter",
            "PutTraffic",
        );
        assert!(
            run.stderr.contains("10000000000") || run.stderr.contains("invalid"),
            "{v}: {}",
            run.stderr
        );
    }
    // The ceiling itself is accepted, on every ISP of several sets, and prints positive.
    env.ok(&["-q", "config-set", "create", "cs2", "--pool", "m"]);
    env.ok(&[
        "-q",
        "traffic",
        "set",
        "cs",
        "gmail=10000000000",
        "yahoo=10000000000",
    ]);
    env.ok(&[
        "-q",
        "traffic",
        "set",
        "cs2",
        "gmail=10000000000",
        "microsoft=10000000000",
    ]);
    let table = env.ok(&["traffic", "list"]).stdout;
    assert!(table.contains("40,000,000,000"), "{table}");
    assert!(!table.contains('-'), "{table}");
    let v = env.json(&["simulate", "--days", "2", "--dry-run"]);
    let demand: u64 = v["Days"]
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|d| d["Isps"].as_array().unwrap().clone())
        .map(|i| i["Demand"].as_u64().unwrap())
        .sum();
    assert_eq!(demand, 80_000_000_000);
    let run = env.ok(&["simulate", "--days", "2"]);
    assert!(!run.stdout.contains(" -"), "{}", run.stdout);
    let cost = env.ok(&["cost"]).stdout;
    assert!(!cost.contains("-$") && !cost.contains("$-"), "{cost}");

    // Plan rows for the same day, set and ISP add up, up to the ceiling and not beyond.
    let plan = env.path("plan.csv");
    std::fs::write(
        &plan,
        "day,config_set,isp,volume\n0,cs,gmail,9223372036854775808\n0,cs,gmail,9223372036854775808\n",
    )
    .unwrap();
    let run = env.refused_with(
        &["simulate", "--days", "1", "--plan", plan.to_str().unwrap()],
        252,
        "InvalidParameter",
        "Simulate",
    );
    assert!(
        run.stderr.contains("line 2") || run.stderr.contains("line 3"),
        "{}",
        run.stderr
    );
    std::fs::write(
        &plan,
        "day,config_set,isp,volume\n0,cs,gmail,6000000000\n0,cs,gmail,4000000000\n0,cs,gmail,1\n",
    )
    .unwrap();
    let run = env.refused_with(
        &["simulate", "--days", "1", "--plan", plan.to_str().unwrap()],
        252,
        "InvalidParameter",
        "Simulate",
    );
    assert!(run.stderr.contains("line 4"), "{}", run.stderr);
    std::fs::write(
        &plan,
        "day,config_set,isp,volume\n0,cs,gmail,6000000000\n0,cs,gmail,4000000000\n",
    )
    .unwrap();
    let v = env.json(&[
        "simulate",
        "--days",
        "1",
        "--plan",
        plan.to_str().unwrap(),
        "--dry-run",
        "--query",
        "Days[?PoolName=='m'].Isps[0].Demand",
    ]);
    assert_eq!(v, json!([10_000_000_000u64]));
    // A send of many copies has the same ceiling.
    env.refused_with(
        &[
            "send",
            "--from",
            "a@example.com",
            "--to",
            "b@gmail.com",
            "--count",
            "10000000001",
        ],
        252,
        "InvalidParameter",
        "SendEmail",
    );
}

// ---- 5. Paths, files and environment as users really give them --------------------------

#[test]
fn a_symlinked_state_is_followed_and_kept_a_folder_is_refused() {
    let env = Env::new();
    let real = env.path("dotfiles/sesm/state.json");
    std::fs::create_dir_all(real.parent().unwrap()).unwrap();
    let link = env.path("link.json");
    symlink(&real, &link).unwrap();
    let mut linked = Env::new();
    linked.state = link.clone();
    // Dangling: the first write creates the target.
    linked.ok(&["pool", "create", "a"]);
    linked.ok(&["pool", "create", "b"]);
    assert!(
        std::fs::symlink_metadata(&link)
            .unwrap()
            .file_type()
            .is_symlink(),
        "the link was replaced"
    );
    let doc: Value = serde_json::from_slice(&std::fs::read(&real).unwrap()).unwrap();
    assert!(doc["Regions"]["us-east-1"]["Pools"].get("b").is_some());
    assert!(
        std::path::PathBuf::from(format!("{}.bak", real.display())).exists(),
        "the backup sits next to the target"
    );
    // `state path` names the file the data is in (its backup is next to it).
    assert_eq!(
        linked.json(&["state", "path"])["Path"],
        real.display().to_string()
    );
    // A link to a link works too.
    let link2 = env.path("link2.json");
    symlink(&link, &link2).unwrap();
    linked.state = link2;
    linked.ok(&["pool", "create", "c"]);
    assert_eq!(
        linked.json(&["pool", "list"])["DedicatedIpPools"],
        json!(["a", "b", "c"])
    );

    // A folder, by mistake: reads and writes say so.
    let mut folder = Env::new();
    folder.state = env.path("dotfiles");
    for (args, op) in [
        (vec!["pool", "list"], "ListDedicatedIpPools"),
        (vec!["pool", "create", "x"], "CreateDedicatedIpPool"),
    ] {
        let run = folder.refused_with(&args, 252, "InvalidParameter", op);
        assert!(
            run.stderr.contains("is a folder, not a file"),
            "{}",
            run.stderr
        );
        assert!(run.stderr.contains("dotfiles/state.json"), "{}", run.stderr);
    }
    // A link to a folder is a folder too.
    let to_folder = env.path("to-folder");
    symlink(env.path("dotfiles"), &to_folder).unwrap();
    folder.state = to_folder;
    folder.refused_with(
        &["pool", "list"],
        252,
        "InvalidParameter",
        "ListDedicatedIpPools",
    );
}

/// A text as editors save it: a byte-order mark, CRLF line ends, a trailing blank line.
fn windows(text: &str) -> String {
    format!("\u{feff}{}\r\n\r\n", text.trim_end().replace('\n', "\r\n"))
}

#[test]
fn every_input_file_takes_a_bom_crlf_a_trailing_blank_line_and_stdin() {
    let env = Env::new();
    account(&env);
    // Identity import.
    let ids = env.path("ids.txt");
    std::fs::write(&ids, windows("one.example\ntwo@example.net\n")).unwrap();
    env.ok(&["identity", "import", ids.to_str().unwrap()]);
    env.run_stdin(&["identity", "import", "-"], &windows("three.example\n"));
    let names = env.json(&["identity", "list"]);
    let names: Vec<&str> = names["EmailIdentities"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| i["IdentityName"].as_str().unwrap())
        .collect();
    assert_eq!(
        names,
        [
            "example.com",
            "one.example",
            "three.example",
            "two@example.net"
        ]
    );

    // Plans, for simulate and compare, from a file and from stdin.
    let plan_text = "day,config_set,isp,volume\n0,cs,gmail,100\n1,cs,gmail,200\n";
    let plan = env.path("plan.csv");
    std::fs::write(&plan, windows(plan_text)).unwrap();
    let from_file = env.json(&[
        "simulate",
        "--days",
        "2",
        "--dry-run",
        "--plan",
        plan.to_str().unwrap(),
    ]);
    let demand: Vec<&Value> = from_file["Days"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|d| d["PoolName"] == "m")
        .map(|d| &d["Isps"][0]["Demand"])
        .collect();
    assert_eq!(demand, [&json!(100), &json!(200)]);
    let run = env.run_stdin(
        &[
            "-o",
            "json",
            "simulate",
            "--days",
            "2",
            "--dry-run",
            "--plan",
            "-",
        ],
        &windows(plan_text),
    );
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert_eq!(run.json(), from_file);
    let run = env.run_stdin(
        &["-o", "json", "compare", "--days", "2", "--plan", "-"],
        &windows(plan_text),
    );
    assert_eq!(run.code, 0, "{}", run.stderr);
    // A stdin plan's errors name standard input.
    let run = env.run_stdin(
        &["simulate", "--days", "2", "--plan", "-"],
        "day,config_set,isp,volume\n0,ghost,gmail,1\n",
    );
    assert_eq!(run.code, 252);
    assert!(
        run.stderr.contains("standard input line 2"),
        "{}",
        run.stderr
    );

    // State import from a saved file and from stdin.
    let exported = env.ok(&["state", "export"]).stdout;
    let before = env.state_json();
    let file = env.path("state-win.json");
    std::fs::write(&file, windows(&exported)).unwrap();
    env.ok(&["state", "reset", "--yes"]);
    env.ok(&["state", "import", file.to_str().unwrap()]);
    assert_eq!(env.state_json(), before);
    env.ok(&["state", "reset", "--yes"]);
    let run = env.run_stdin(&["state", "import", "-"], &windows(&exported));
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(
        run.stderr.contains("Imported standard input"),
        "{}",
        run.stderr
    );
    assert_eq!(env.state_json(), before);
}

#[test]
fn an_empty_environment_variable_means_not_set() {
    let env = Env::new();
    account(&env);
    let baseline = env.ok(&["-o", "json", "pool", "list"]).stdout;
    for var in [
        "SESM_REGION",
        "AWS_REGION",
        "AWS_DEFAULT_REGION",
        "SESM_OUTPUT",
        "SESM_TODAY",
        "SESM_LOCK_TIMEOUT",
        "NO_COLOR",
        "COLUMNS",
        "XDG_STATE_HOME",
    ] {
        let run = Run::from(
            env.command()
                .env(var, "")
                .args(["-o", "json", "pool", "list"])
                .output()
                .unwrap(),
        );
        assert_eq!(run.code, 0, "{var}='': {}", run.stderr);
        assert_eq!(run.stdout, baseline, "{var}=''");
    }
    // Writes too: each lands in the default region.
    for var in [
        "SESM_REGION",
        "AWS_REGION",
        "SESM_OUTPUT",
        "SESM_TODAY",
        "SESM_LOCK_TIMEOUT",
    ] {
        let name = format!("p-{}", var.to_lowercase().replace('_', "-"));
        let run = Run::from(
            env.command()
                .env(var, "")
                .args(["pool", "create", &name])
                .output()
                .unwrap(),
        );
        assert_eq!(run.code, 0, "{var}='': {}", run.stderr);
        assert!(
            env.state_json()["Regions"]["us-east-1"]["Pools"]
                .get(&name)
                .is_some()
        );
    }
    // SESM_STATE="" is the default path under the home folder, not the current folder.
    let run = Run::from(
        env.command()
            .env("SESM_STATE", "")
            .env("XDG_STATE_HOME", env.path("xdg"))
            .args(["state", "path"])
            .output()
            .unwrap(),
    );
    assert_eq!(
        run.stdout.trim(),
        env.path("xdg/sesm/state.json").display().to_string()
    );
    // SESM_OUTPUT="" is table, not an error; SESM_REGION="" falls through to AWS_REGION.
    let run = Run::from(
        env.command()
            .env("SESM_OUTPUT", "")
            .env("SESM_REGION", "")
            .env("AWS_REGION", "eu-west-1")
            .args(["account"])
            .output()
            .unwrap(),
    );
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(run.stdout.contains("eu-west-1"), "{}", run.stdout);
}

// ---- 6. Output as the contract says ------------------------------------------------------

#[test]
fn lists_are_sorted_whatever_order_the_file_holds() {
    let env = Env::new();
    env.ok(&["-q", "ip", "lease", "--count", "12"]);
    for p in ["zeta", "alpha", "Mid"] {
        env.ok(&["-q", "pool", "create", &p.to_lowercase()]);
    }
    for c in ["zz", "aa", "mm"] {
        env.ok(&["-q", "config-set", "create", c]);
    }
    for i in ["z.example", "a.example", "m@b.example"] {
        env.ok(&["-q", "identity", "create", i]);
    }
    // Rewrite the file with every object's keys reversed, as a hand edit or another tool might.
    fn reversed(v: &Value) -> String {
        match v {
            Value::Object(m) => {
                let items: Vec<String> = m
                    .iter()
                    .rev()
                    .map(|(k, v)| format!("{}:{}", Value::String(k.clone()), reversed(v)))
                    .collect();
                format!("{{{}}}", items.join(","))
            }
            Value::Array(a) => {
                format!("[{}]", a.iter().map(reversed).collect::<Vec<_>>().join(","))
            }
            other => other.to_string(),
        }
    }
    let doc = env.state_json();
    std::fs::write(&env.state, reversed(&doc)).unwrap();
    assert_eq!(
        env.json(&["pool", "list"])["DedicatedIpPools"],
        json!(["alpha", "mid", "zeta"])
    );
    assert_eq!(
        env.json(&["config-set", "list"])["ConfigurationSets"],
        json!(["aa", "mm", "zz"])
    );
    let ids = env.json(&["identity", "list"]);
    let ids: Vec<&str> = ids["EmailIdentities"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| i["IdentityName"].as_str().unwrap())
        .collect();
    assert_eq!(ids, ["a.example", "m@b.example", "z.example"]);
    let ips = env.json(&["ip", "list"]);
    let ips: Vec<std::net::Ipv4Addr> = ips["DedicatedIps"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| i["Ip"].as_str().unwrap().parse().unwrap())
        .collect();
    let mut sorted = ips.clone();
    sorted.sort();
    assert_eq!(ips, sorted, "numerically, 198.18.0.2 before 198.18.0.10");
    assert_eq!(ips.len(), 12);
    let table = env.ok(&["ip", "list"]).stdout;
    let at = |ip: &str| table.find(&format!("{ip} ")).unwrap();
    assert!(at("198.18.0.9") < at("198.18.0.10"), "{table}");
}

#[test]
fn usage_lines_show_arguments_in_the_order_the_command_takes_them() {
    let env = Env::new();
    for (args, usage) in [
        (
            vec!["identity", "set-config-set", "--help"],
            "sesm identity set-config-set [OPTIONS] <IDENTITY> <CONFIG_SET>",
        ),
        (
            vec!["config-set", "set-pool", "--help"],
            "sesm config-set set-pool [OPTIONS] <NAME> <POOL>",
        ),
        (
            vec!["ip", "move", "--help"],
            "sesm ip move [OPTIONS] <IP> <POOL>",
        ),
        (
            vec!["traffic", "set", "--help"],
            "sesm traffic set [OPTIONS] <CONFIG_SET> <ISP=VOLUME>...",
        ),
        (
            vec!["tag", "add", "--help"],
            "sesm tag add [OPTIONS] <RESOURCE> <KEY=VALUE>...",
        ),
    ] {
        let out = env.ok(&args).stdout;
        let line = out.lines().find(|l| l.starts_with("Usage: ")).unwrap();
        assert_eq!(line, format!("Usage: {usage}"), "{args:?}");
    }
    // Positional arguments of every command are taken in the order its usage shows.
    env.ok(&["-q", "pool", "create", "p"]);
    env.ok(&["-q", "config-set", "create", "cs"]);
    env.ok(&["-q", "identity", "create", "a.example"]);
    env.ok(&["-q", "config-set", "set-pool", "cs", "p"]);
    env.ok(&["-q", "identity", "set-config-set", "a.example", "cs"]);
    assert_eq!(
        env.json(&["identity", "get", "a.example"])["ConfigurationSetName"],
        "cs"
    );
    // Global options are listed apart from the command's own.
    let help = env.ok(&["send", "--help"]).stdout;
    let global = help.find("Global options:").unwrap();
    assert!(
        help.find("--from").unwrap() < global && help.find("--state").unwrap() > global,
        "{help}"
    );
}

#[test]
fn tag_keys_and_values_follow_ses_character_rules_everywhere() {
    let env = Env::new();
    account(&env);
    for (kv, what) in [
        ("k\nx=v", "'\\n' is not allowed"),
        ("k=v\ny", "'\\n' is not allowed"),
        ("k\t=v", "'\\t' is not allowed"),
        ("k=v\u{7}", "is not allowed"),
        ("k=\r", "is not allowed"),
        ("k<script>=v", "'<' is not allowed"),
        ("aws:k=v", "aws: prefix"),
    ] {
        for resource in ["pool/m", "config-set/cs", "identity/example.com"] {
            let run = env.refused(
                &["tag", "add", resource, kv],
                "BadRequestException",
                "TagResource",
            );
            assert!(run.stderr.contains(what), "{kv:?}: {}", run.stderr);
        }
        let run = env.refused(
            &["pool", "create", "new", "--tag", kv],
            "BadRequestException",
            "CreateDedicatedIpPool",
        );
        assert!(run.stderr.contains(what), "{kv:?}: {}", run.stderr);
    }
    // An empty key: refused as malformed where KEY=VALUE is parsed, by SES's rule elsewhere.
    for args in [
        vec!["tag", "add", "pool/m", "=v"],
        vec!["pool", "create", "new", "--tag", "=v"],
        vec!["config-set", "create", "new", "--tag", "=v"],
        vec!["identity", "create", "new.example", "--tag", "=v"],
    ] {
        let op = match args[0] {
            "tag" => "TagResource",
            "pool" => "CreateDedicatedIpPool",
            "config-set" => "CreateConfigurationSet",
            _ => "CreateEmailIdentity",
        };
        let run = env.refused_with(&args, 252, "InvalidParameter", op);
        assert!(run.stderr.contains("'=v'"), "{}", run.stderr);
    }
    for key in ["", "k\n", "aws:team"] {
        let run = env.refused(
            &["tag", "remove", "pool/m", key],
            "BadRequestException",
            "UntagResource",
        );
        assert!(
            run.stderr.contains("Invalid tag key"),
            "{key:?}: {}",
            run.stderr
        );
    }
    // Letters of any script, digits, spaces and _ . : / = + - are fine; -o text stays one
    // record per line.
    env.ok(&[
        "tag",
        "add",
        "pool/m",
        "équipe=courrier électronique",
        "path=/a/b+c:d",
    ]);
    let text = env.ok(&["-o", "text", "tag", "list", "pool/m"]).stdout;
    assert_eq!(text.lines().count(), 3, "{text}");
}

fn chars_wide(text: &str) -> usize {
    text.lines().map(|l| l.chars().count()).max().unwrap_or(0)
}

#[test]
fn terminal_output_fits_narrow_terminals() {
    let env = Env::new();
    let demo = env.path("demo.json");
    env.ok(&["-q", "demo", "--state", demo.to_str().unwrap()]);
    let mut demo_env = Env::new();
    demo_env.state = demo.clone();
    for width in [20usize, 30, 39, 60] {
        let w = width.to_string();
        for args in [
            vec!["dashboard"],
            vec!["pool", "get", "marketing"],
            vec!["ip", "list"],
            vec!["traffic", "list"],
            vec!["cost"],
            vec!["account"],
            vec!["simulate", "--days", "3", "--dry-run"],
            vec!["compare", "--days", "30"],
        ] {
            let mut cmd = demo_env.command();
            cmd.env("COLUMNS", &w);
            let out = cmd.args(&args).output().unwrap();
            let stdout = String::from_utf8_lossy(&out.stdout);
            assert_eq!(out.status.code(), Some(0), "{args:?}");
            // Outside a terminal only the dashboard fits itself (data for pipes stays whole);
            // it must fit in characters, not bytes.
            if args[0] == "dashboard" {
                assert!(chars_wide(&stdout) <= width, "{width}: {args:?}\n{stdout}");
                // Numbers are never cut in two.
                assert!(stdout.contains("80,000"), "{stdout}");
            }
        }
    }
}

#[test]
fn color_always_on_an_error_prints_no_escape_codes_around_nothing() {
    let env = Env::new();
    account(&env);
    for args in [
        vec!["--color", "always", "pool", "get", "nope"],
        vec!["--color", "always", "simulate", "--days", "0"],
        vec!["--color", "always", "tag", "add", "pool/m", "=v"],
        vec!["--color", "always", "state", "reset"],
    ] {
        let run = env.run(&args);
        assert_ne!(run.code, 0);
        for empty in [
            "\u{1b}[0m\u{1b}[0m",
            "\u{1b}[1m\u{1b}[0m",
            "\u{1b}[31m\u{1b}[0m",
            "\u{1b}[1m\u{1b}[31m\u{1b}[0m",
        ] {
            assert!(!run.stderr.contains(empty), "{args:?}: {:?}", run.stderr);
        }
        let first = run.stderr.lines().next().unwrap();
        assert!(
            first.starts_with("An error occurred (") || first.contains("error"),
            "{first:?}"
        );
        // SES's line is as botocore prints it: no colour at all, so scripts can match it.
        if first.starts_with("An error") {
            assert!(!first.contains('\u{1b}'), "{first:?}");
        }
    }
}

#[test]
fn the_dashboard_window_counts_calendar_days_including_days_without_mail() {
    let env = Env::new();
    account(&env);
    // Three days with mail, four without, two with.
    env.ok(&["-q", "traffic", "set", "cs", "gmail=0", "yahoo=0"]);
    env.ok(&["-q", "simulate", "--days", "4"]);
    env.ok(&["-q", "traffic", "set", "cs", "gmail=1000"]);
    env.ok(&["-q", "simulate", "--days", "2"]);
    let v = env.json(&["dashboard", "--pool", "m"]);
    let daily = &v["Pools"][0]["Daily"];
    assert_eq!(daily["Dates"].as_array().unwrap().len(), 9);
    assert_eq!(
        daily["Demand"],
        json!([51000, 51000, 51000, 0, 0, 0, 0, 1000, 1000])
    );
    let table = env.ok(&["dashboard", "--pool", "m"]).stdout;
    assert!(
        table.contains("2026-11-26 to 2026-12-04 (9 days)"),
        "{table}"
    );
    // A window longer than the pool's history counts the days before it.
    env.ok(&["-q", "pool", "create", "late", "--managed"]);
    env.ok(&["-q", "config-set", "set-pool", "cs", "late"]);
    env.ok(&["-q", "simulate", "--days", "2"]);
    let v = env.json(&["dashboard", "--pool", "late", "--days", "7"]);
    let daily = &v["Pools"][0]["Daily"];
    assert_eq!(daily["Dates"].as_array().unwrap().len(), 7);
    assert_eq!(daily["Demand"], json!([0, 0, 0, 0, 0, 1000, 1000]));
    assert_eq!(daily["Dates"][0], "2026-11-30");
}

#[test]
fn a_corrupt_metrics_column_is_reported_like_every_corrupt_section() {
    let env = Env::new();
    account(&env);
    env.ok(&["-q", "simulate", "--days", "1"]); // a backup exists
    let good = env.state_json();
    let mut doc = good.clone();
    region(&mut doc)["Metrics"]["m"]["Isps"]["gmail"]["Demand"] = json!("50000*3,oops");
    let run = corrupt(&env, &doc, &["metrics"], "GetMetricData", true);
    assert!(run.stderr.contains("bad value 'oops'"), "{}", run.stderr);
    assert!(run.stderr.contains("restore it with: cp"), "{}", run.stderr);
    // Same wording as a corrupt identity section.
    let mut doc = good;
    region(&mut doc)["Identities"] = json!({"a.example": {"ConfigurationSet": 7}});
    let run = corrupt(
        &env,
        &doc,
        &["identity", "list"],
        "ListEmailIdentities",
        true,
    );
    assert!(run.stderr.contains("restore it with: cp"), "{}", run.stderr);
}
