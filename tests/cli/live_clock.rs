//! The live clock (issue 30, item 18): a tracked recipient's fate is published at send, and a
//! day's live events add up to its closed figures. Per pool, ISP and day, the events the
//! sends published before the day closed (Delivery through the pool's IPs, Delivery through
//! shared IPs, DeliveryDelay) are compared with the day `simulate` closes: the individual
//! sends had first claim, the standing traffic took what they left by the model's formulas
//! (`warmup-model.md`, "Live fates").

use serde_json::Value;

use crate::harness::Env;

const SNS: &str = "arn:aws:sns:us-east-1:123456789012:live";

/// An account with `set` publishing Delivery and DeliveryDelay events, through `pool`.
fn account(pool_args: &[&str], set: &str) -> Env {
    let env = Env::new();
    env.ok(&["identity", "create", "example.com"]);
    let mut args = vec!["pool", "create"];
    args.extend_from_slice(pool_args);
    env.ok(&args);
    env.ok(&["config-set", "create", set, "--pool", pool_args[0]]);
    env.ok(&[
        "config-set",
        "event-destination",
        "add",
        set,
        "live",
        "--types",
        "DELIVERY,DELIVERY_DELAY,BOUNCE",
        "--sns",
        SNS,
    ]);
    env
}

/// Sends `n` recipients at `domain` through `set`, 50 to a message.
fn send(env: &Env, set: &str, prefix: &str, domain: &str, n: usize) {
    let to: Vec<String> = (0..n).map(|i| format!("{prefix}{i}@{domain}")).collect();
    for chunk in to.chunks(50) {
        let mut args = vec!["send", "--from", "news@example.com", "--config-set", set];
        for a in chunk {
            args.extend(["--to", a.as_str()]);
        }
        env.ok(&args);
    }
}

/// What the events published so far say about `pool`'s mail to the ISP of `domain`:
/// recipients delivered through the pool's IPs, through shared IPs, and deferred.
#[derive(Debug, Default, PartialEq, Eq)]
struct Live {
    dedicated: u64,
    shared: u64,
    deferred: u64,
}

fn live(env: &Env, pool: &str, domain: &str) -> Live {
    let events = env.json(&["events", "list"]);
    let mut out = Live::default();
    for e in events["Events"].as_array().unwrap() {
        let event = &e["Event"];
        let recipients: Vec<&str> = match e["EventType"].as_str().unwrap() {
            "Delivery" => event["delivery"]["recipients"].as_array().unwrap(),
            "DeliveryDelay" => event["deliveryDelay"]["delayedRecipients"]
                .as_array()
                .unwrap(),
            _ => continue,
        }
        .iter()
        .map(|r| r.as_str().or(r["emailAddress"].as_str()).unwrap())
        .filter(|a| a.ends_with(&format!("@{domain}")))
        .collect();
        let n = recipients.len() as u64;
        match (
            e["EventType"].as_str().unwrap(),
            e["PoolName"].as_str().unwrap(),
        ) {
            ("Delivery", p) if p == pool => out.dedicated += n,
            ("Delivery", "ses-shared-pool") => out.shared += n,
            ("DeliveryDelay", p) if p == pool => out.deferred += n,
            other => panic!("an event of another pool: {other:?} {e}"),
        }
    }
    out
}

/// Closes the day; the pool's figures for `isp` that day.
fn close(env: &Env, pool: &str, isp: &str) -> Value {
    let run = env.json(&["simulate", "--days", "1"]);
    let day = run["Days"]
        .as_array()
        .unwrap()
        .iter()
        .find(|d| d["PoolName"] == pool)
        .unwrap_or_else(|| panic!("no day of {pool}: {run}"));
    day["Isps"]
        .as_array()
        .unwrap()
        .iter()
        .find(|i| i["Isp"] == isp)
        .unwrap_or_else(|| panic!("no {isp} in {day}"))
        .clone()
}

fn n(v: &Value, key: &str) -> u64 {
    v[key].as_u64().unwrap_or_else(|| panic!("{key} in {v}"))
}

/// The law: the live events plus the standing traffic's share are the day's figures, the
/// standing share is never negative, and the standing traffic gets no dedicated capacity the
/// individual sends went beyond.
fn adds_up(l: &Live, day: &Value, sent: u64, standing: u64) {
    assert_eq!(l.dedicated + l.shared + l.deferred, sent, "{l:?}");
    assert_eq!(n(day, "Demand"), sent + standing, "{day}");
    let new_dedicated = n(day, "SentDedicated") - n(day, "Retried");
    let std_dedicated = new_dedicated.checked_sub(l.dedicated).expect("dedicated");
    let std_shared = n(day, "SentShared").checked_sub(l.shared).expect("shared");
    let std_deferred = n(day, "Deferred")
        .checked_sub(l.deferred)
        .expect("deferred");
    assert_eq!(
        std_dedicated + std_shared + std_deferred,
        standing,
        "{l:?} {day}"
    );
    if l.shared + l.deferred > 0 {
        assert_eq!(
            std_dedicated, 0,
            "standing traffic took capacity sends went beyond: {day}"
        );
    }
}

/// A managed pool of one cold IP and no deferred mail, its Gmail rate as the day opens: for
/// the later phase, after 3 days of 200 a day to Gmail (its reference 200, its rate 200);
/// for the early phase, after a day of 2,000 (its reference ten times its rate).
fn managed(early: bool) -> (Env, u64) {
    let env = account(&["m", "--managed"], "ms");
    if early {
        env.ok(&["traffic", "set", "ms", "gmail=2000"]);
        env.ok(&["simulate", "--days", "1"]);
    } else {
        env.ok(&["traffic", "set", "ms", "gmail=200"]);
        env.ok(&["simulate", "--days", "3"]);
    }
    env.ok(&["traffic", "clear"]);
    let pool = env.json(&["pool", "get", "m"]);
    let edr = pool["IspWarmup"][0]["EffectiveDailyRate"].as_u64().unwrap();
    assert!(edr > 0 && edr < 1_000, "{pool}");
    (env, edr)
}

#[test]
fn a_managed_pool_in_its_early_phase_sends_what_is_beyond_capacity_through_shared_ips() {
    for standing in [0, 700] {
        let (env, edr) = managed(true);
        if standing > 0 {
            env.ok(&["traffic", "set", "ms", &format!("gmail={standing}")]);
        }
        send(&env, "ms", "e", "gmail.com", edr as usize + 60);
        let l = live(&env, "m", "gmail.com");
        assert_eq!(
            l,
            Live {
                dedicated: edr,
                shared: 60,
                deferred: 0
            }
        );
        let day = close(&env, "m", "gmail");
        assert_eq!(day["Phase"], "EARLY", "{day}");
        adds_up(&l, &day, edr + 60, standing);
        if standing == 0 {
            assert_eq!((n(&day, "SentShared"), n(&day, "SentDedicated")), (60, edr));
        }
        // Closing the day published nothing more for the day's sends.
        assert_eq!(live(&env, "m", "gmail.com"), l);
    }
}

#[test]
fn a_managed_pool_in_its_later_phase_defers_what_is_beyond_capacity() {
    for standing in [0, 500] {
        let (env, edr) = managed(false);
        if standing > 0 {
            env.ok(&["traffic", "set", "ms", &format!("gmail={standing}")]);
        }
        send(&env, "ms", "l", "gmail.com", edr as usize + 60);
        let l = live(&env, "m", "gmail.com");
        assert_eq!(
            l,
            Live {
                dedicated: edr,
                shared: 0,
                deferred: 60
            }
        );
        let day = close(&env, "m", "gmail");
        assert_eq!(day["Phase"], "LATE", "{day}");
        adds_up(&l, &day, edr + 60, standing);
        // The deferred that don't carry bounce as the day closes; the rest the next day.
        let bounced = |env: &Env| {
            env.json(&["events", "list", "--type", "Bounce"])["Events"]
                .as_array()
                .unwrap()
                .iter()
                .map(|e| {
                    e["Event"]["bounce"]["bouncedRecipients"]
                        .as_array()
                        .unwrap()
                        .len()
                })
                .sum::<usize>() as u64
        };
        let expired_today = n(&day, "Deferred") - n(&day, "Deferred") * 14 / 24;
        assert!(bounced(&env) <= 60 && (standing > 0 || bounced(&env) == expired_today));
        env.ok(&["traffic", "clear"]);
        env.ok(&["simulate", "--days", "1"]);
        let delivered = live(&env, "m", "gmail.com").dedicated - edr;
        assert_eq!(
            delivered + bounced(&env),
            60,
            "every deferred recipient's outcome"
        );
    }
}

#[test]
fn a_standard_pool_gives_sends_its_warm_ips_then_the_warming_cap_first_come() {
    for standing in [0, 300] {
        let env = account(&["s", "--scaling-mode", "STANDARD"], "ss");
        env.ok(&["ip", "lease", "--count", "2", "--pool", "s"]);
        let ips = env.json(&["ip", "list", "--pool", "s"]);
        let warm = ips["DedicatedIps"][0]["Ip"].as_str().unwrap().to_string();
        env.ok(&["ip", "set-warmup", &warm, "100"]);
        // Gmail accepts V0 = 200 from the warm IP it never had mail from; the warming IP's
        // cap (0 %: 200) is shared by every ISP.
        if standing > 0 {
            env.ok(&["traffic", "set", "ss", &format!("yahoo={standing}")]);
        }
        send(&env, "ss", "w", "gmail.com", 460);
        let l = live(&env, "s", "gmail.com");
        assert_eq!(
            l,
            Live {
                dedicated: 400,
                shared: 60,
                deferred: 0
            }
        );
        let gmail = {
            let run = env.json(&["simulate", "--days", "1"]);
            let day = run["Days"]
                .as_array()
                .unwrap()
                .iter()
                .find(|d| d["PoolName"] == "s")
                .unwrap()
                .clone();
            if standing > 0 {
                // Yahoo's standing mail: 200 on the warm IP; the warming cap was all taken
                // by the sends, so its other 100 go through shared IPs.
                let yahoo = day["Isps"]
                    .as_array()
                    .unwrap()
                    .iter()
                    .find(|i| i["Isp"] == "yahoo")
                    .unwrap();
                assert_eq!(
                    (n(yahoo, "SentDedicated"), n(yahoo, "SentShared")),
                    (200, 100),
                    "{yahoo}"
                );
            }
            day["Isps"]
                .as_array()
                .unwrap()
                .iter()
                .find(|i| i["Isp"] == "gmail")
                .unwrap()
                .clone()
        };
        adds_up(&l, &gmail, 460, 0);
        assert_eq!(
            (n(&gmail, "SentDedicated"), n(&gmail, "SentShared")),
            (400, 60)
        );
    }
}

#[test]
fn a_day_without_tracked_sends_is_the_model_unchanged() {
    // The same account with and without an event destination: its sends are the same demand,
    // and the day closes the same (no live fates, no reservations).
    let plain = Env::new();
    plain.ok(&["identity", "create", "example.com"]);
    plain.ok(&["pool", "create", "s", "--scaling-mode", "STANDARD"]);
    plain.ok(&["config-set", "create", "ss", "--pool", "s"]);
    plain.ok(&["ip", "lease", "--count", "1", "--pool", "s"]);
    plain.ok(&["traffic", "set", "ss", "yahoo=300"]);
    send(&plain, "ss", "w", "gmail.com", 100);
    let run = plain.json(&["simulate", "--days", "1"]);
    let gmail = run["Days"][0]["Isps"]
        .as_array()
        .unwrap()
        .iter()
        .find(|i| i["Isp"] == "gmail")
        .unwrap()
        .clone();
    // v3's split of the warming cap (200) in proportion: Gmail 100 of 400, Yahoo 300.
    assert_eq!(
        (n(&gmail, "SentDedicated"), n(&gmail, "SentShared")),
        (50, 50),
        "{gmail}"
    );
    assert!(
        plain.state_json()["Regions"]["us-east-1"]
            .get("Ledger")
            .is_none()
    );
}

/// The account clock as the state file says.
fn date(env: &Env) -> String {
    env.json(&["account"])["Date"].as_str().unwrap().to_string()
}

#[test]
fn day_length_moves_the_calendar_by_itself_and_manual_leaves_it() {
    let env = Env::new();
    env.ok(&["account"]);
    let start = date(&env);
    // A 1 s day: within 20 s (bounded) the clock has moved at least two days, closed as
    // `simulate --days 1` closes them (metrics, the ledger emptied).
    let server = crate::serve::Server::start(&env, &["-q", "--no-smtp", "--day-length", "1s"]);
    let mut moved = 0;
    for _ in 0..200 {
        let now = jiff::civil::Date::strptime("%Y-%m-%d", date(&env)).unwrap();
        moved = (now - jiff::civil::Date::strptime("%Y-%m-%d", &start).unwrap()).get_days();
        if moved >= 2 {
            break;
        }
        std::thread::sleep(std::time::Duration::from_millis(100));
    }
    assert!(moved >= 2, "the clock moved {moved} days");
    drop(server);
    // `manual` (the default): the calendar stays where it is.
    let before = date(&env);
    let server = crate::serve::Server::start(&env, &["-q", "--no-smtp"]);
    std::thread::sleep(std::time::Duration::from_millis(1500));
    assert_eq!(date(&env), before);
    drop(server);
    for bad in ["0s", "500ms", "soon", "0.5s"] {
        let run = env.run(&["serve", "--port", "0", "--no-smtp", "--day-length", bad]);
        assert_eq!(run.code, 252, "{bad}: {}", run.stderr);
        assert!(
            run.stderr.contains("--day-length takes a duration"),
            "{}",
            run.stderr
        );
    }
}
