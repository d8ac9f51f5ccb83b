//! What a new user meets first (issue 34, items 5 and 8): searching the outbox by domain, a
//! mistyped `--state`, "did you mean" for mistyped names, plurals, `dashboard --html`, idle
//! days and pools, ISP names, both clocks in the mail list, and the demo's pointer to the
//! console.

use crate::harness::Env;

/// An account with an identity, a set and four messages: three to gmail.com, one to yahoo.com.
fn four_messages() -> Env {
    let env = Env::new();
    env.ok(&["identity", "create", "example.com"]);
    env.ok(&["config-set", "create", "marketing"]);
    for to in [
        "jane@gmail.com",
        "Bob@GMail.com",
        "ann@yahoo.com",
        "kim@gmail.com",
    ] {
        env.ok(&[
            "send",
            "--from",
            "news@example.com",
            "--to",
            to,
            "--config-set",
            "marketing",
        ]);
    }
    env
}

fn listed(env: &Env, args: &[&str]) -> usize {
    let mut all = vec!["outbox", "list"];
    all.extend_from_slice(args);
    env.json(&all)["Messages"].as_array().unwrap().len()
}

#[test]
fn outbox_to_without_a_local_part_matches_the_domain() {
    let env = four_messages();
    assert_eq!(listed(&env, &[]), 4);
    assert_eq!(
        listed(&env, &["--to", "gmail.com"]),
        3,
        "the domain, without case"
    );
    assert_eq!(listed(&env, &["--to", "@gmail.com"]), 3);
    assert_eq!(listed(&env, &["--to", "GMAIL.COM"]), 3);
    assert_eq!(listed(&env, &["--to", "ann@yahoo.com"]), 1);
    assert_eq!(listed(&env, &["--to", "mail.com"]), 0, "the domain whole");
    // Nothing matched, with mail in the outbox: the CLI says so, not "empty".
    let run = env.ok(&["outbox", "list", "--to", "hotmail.com"]);
    assert!(
        run.stdout
            .contains("None of the 4 messages in the outbox matches --to hotmail.com."),
        "{}",
        run.stdout
    );
    assert!(!run.stdout.contains("is empty"), "{}", run.stdout);
    // Both clocks in the list, labelled.
    let table = env.ok(&["outbox", "list"]).stdout;
    assert!(
        table.contains("SENT (UTC)") && table.contains("ACCOUNT DAY"),
        "{table}"
    );
}

#[test]
fn a_read_of_a_missing_state_file_is_refused_and_a_write_says_it_created_it() {
    let env = Env::new();
    env.ok(&["pool", "create", "marketing"]);
    let typo = env.path("stat.json");
    let typo_s = typo.to_str().unwrap();
    let run = env.run(&["--state", typo_s, "pool", "get", "marketing"]);
    assert_eq!(run.code, 253, "{}", run.stderr);
    assert!(
        run.stderr.contains(&format!(
            "the state file {typo_s} does not exist (path from --state): there is no account to read"
        )),
        "{}",
        run.stderr
    );
    assert!(!typo.exists(), "a read creates nothing");
    for read in [&["pool", "list"][..], &["outbox", "list"], &["dashboard"]] {
        let mut args = vec!["--state", typo_s];
        args.extend_from_slice(read);
        assert_eq!(env.run(&args).code, 253, "{read:?}");
    }
    // A write creates the file, and says so once.
    let first = env.ok(&["--state", typo_s, "pool", "create", "other"]);
    assert!(
        first
            .stderr
            .contains(&format!("Created the state file {typo_s} (a new account")),
        "{}",
        first.stderr
    );
    let second = env.ok(&["--state", typo_s, "pool", "create", "third"]);
    assert!(
        !second.stderr.contains("Created the state file"),
        "{}",
        second.stderr
    );
    // With JSON output the notice stays out of the way.
    let json = env.path("j.json");
    let r = env.ok(&[
        "--state",
        json.to_str().unwrap(),
        "-o",
        "json",
        "pool",
        "create",
        "x",
    ]);
    assert!(!r.stderr.contains("Created"), "{}", r.stderr);
}

#[test]
fn a_mistyped_name_gets_the_closest_one_and_an_empty_region_names_the_state_file() {
    let env = Env::new();
    env.ok(&["pool", "create", "marketing"]);
    env.ok(&["config-set", "create", "transactional"]);
    env.ok(&["identity", "create", "example.com"]);
    let hint = |args: &[&str]| {
        let run = env.run(args);
        assert_eq!(run.code, 254, "{args:?}: {}", run.stderr);
        run.stderr
    };
    let r = hint(&["pool", "get", "markting"]);
    assert!(r.contains("hint: did you mean 'marketing'?"), "{r}");
    let r = hint(&["config-set", "get", "transactionl"]);
    assert!(r.contains("hint: did you mean 'transactional'?"), "{r}");
    let r = hint(&["identity", "get", "exampel.com"]);
    assert!(r.contains("hint: did you mean 'example.com'?"), "{r}");
    let r = hint(&["pool", "get", "zebra"]);
    assert!(!r.contains("did you mean"), "nothing close: {r}");
    // A region with no pool at all: the likelier mistake is the state or the region.
    let r = hint(&["--region", "eu-west-1", "pool", "get", "marketing"]);
    assert!(
        r.contains(&format!(
            "the state file {} (from SESM_STATE) has no pools in eu-west-1",
            env.state.display()
        )),
        "{r}"
    );
}

#[test]
fn counts_read_as_english_and_isps_by_their_names() {
    let env = four_messages();
    let one = env.ok(&[
        "send",
        "--from",
        "news@example.com",
        "--to",
        "x@outlook.com",
        "--config-set",
        "marketing",
    ]);
    assert!(
        one.stderr.contains("Accepted 1 message through"),
        "{}",
        one.stderr
    );
    assert!(!one.stderr.contains("(s)"), "{}", one.stderr);
    env.ok(&["pool", "create", "managed", "--managed"]);
    env.ok(&["config-set", "set-pool", "marketing", "managed"]);
    env.ok(&[
        "traffic",
        "set",
        "marketing",
        "gmail=5000",
        "microsoft=5000",
    ]);
    let day = env.ok(&["simulate", "--days", "1"]);
    assert!(day.stderr.contains("Simulated 1 day;"), "{}", day.stderr);
    let days = env.ok(&["simulate", "--days", "3"]);
    assert!(days.stderr.contains("Simulated 3 days;"), "{}", days.stderr);
    assert!(days.stdout.contains("microsoft"), "{}", days.stdout);
    assert!(!days.stdout.contains(" ms "), "{}", days.stdout);
    assert!(!format!("{}{}", days.stdout, days.stderr).contains("(s)"));
}

#[test]
fn idle_days_are_counted_not_printed_and_an_idle_pool_is_not_sending() {
    let env = Env::new();
    env.ok(&["pool", "create", "quiet"]);
    env.ok(&["ip", "lease", "--count", "1", "--pool", "quiet"]);
    let run = env.ok(&["simulate", "--days", "3"]);
    assert!(
        run.stdout
            .contains("3 pool-days without mail or change not shown (-o json lists every day)."),
        "{}",
        run.stdout
    );
    assert!(
        !run.stdout.lines().any(|l| l.starts_with("20")),
        "no day rows of zeros:\n{}",
        run.stdout
    );
    let json = env.json(&["simulate", "--days", "2", "--dry-run"]);
    assert_eq!(json["Days"].as_array().map(Vec::len), Some(2), "{json}");
    let dash = env.json(&["dashboard", "--pool", "quiet"]);
    assert_eq!(
        dash["Pools"][0]["SendingStatus"], "Idle: no mail in this window",
        "{dash}"
    );
}

#[test]
fn dashboard_html_prints_only_where_it_wrote() {
    let env = Env::new();
    env.ok(&["pool", "create", "quiet", "--managed"]);
    let file = env.path("d.html");
    let run = env.ok(&["dashboard", "--html", file.to_str().unwrap()]);
    assert_eq!(
        run.stdout.trim(),
        "",
        "no terminal dashboard: {}",
        run.stdout
    );
    assert!(
        run.stderr.contains("Wrote the dashboard to"),
        "{}",
        run.stderr
    );
    let html = std::fs::read_to_string(&file).unwrap();
    // A pool without mail: no axes over nothing, no title ending in a comma.
    assert!(html.contains("No mail in this window yet"), "{html}");
    assert!(!html.contains("per ISP,<") && !html.contains("per ISP, <"));
    assert!(!html.contains(">0.2<"), "no fractional message counts");
}

#[test]
fn the_demo_points_to_the_console() {
    let env = Env::new();
    let state = env.state.display().to_string();
    let run = env.ok(&["demo", "--state", &state, "--days", "3"]);
    assert!(
        run.stdout.contains(&format!("sesm --state {state} serve")),
        "{}",
        run.stdout
    );
    assert!(run.stdout.contains("/console"), "{}", run.stdout);
}
