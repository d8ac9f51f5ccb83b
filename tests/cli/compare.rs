//! `sesm compare`: the same mail through a managed pool, standard IPs and shared IPs, with
//! figures checked against `warmup-model.md`'s formulas computed here, independently of sesm.

use serde_json::Value;

use crate::harness::Env;

const OP: &str = "Compare";

fn option<'a>(v: &'a Value, label: &str) -> &'a Value {
    v["Options"]
        .as_array()
        .unwrap()
        .iter()
        .find(|o| o["Label"] == label)
        .unwrap_or_else(|| panic!("no option {label} in {v}"))
}

fn u(v: &Value, key: &str) -> u64 {
    v[key].as_u64().unwrap_or_else(|| panic!("{key} in {v}"))
}

fn f(v: &Value, key: &str) -> f64 {
    v[key].as_f64().unwrap_or_else(|| panic!("{key} in {v}"))
}

/// A standard IP's daily cap on day `d` of its warm-up (`warmup-model.md`, standard pools):
/// `floor(200 × (50000/200)^(p/100))` with `p = d × 100/45`; `None` once DONE (model v2: then
/// each ISP takes at most its `C` from it).
fn standard_cap(d: u32) -> Option<u64> {
    let p = (f64::from(d) * 100.0 / 45.0).min(100.0);
    (p < 100.0).then(|| (200.0 * (50_000.0f64 / 200.0).powf(p / 100.0)).floor() as u64)
}

/// Mail a pool of `ips` new standard IPs sends through shared IPs, day by day, while they
/// warm up (for demand that one warm IP's capacity per ISP carries once DONE).
fn standard_shared(ips: u64, demand: &[u64]) -> Vec<u64> {
    demand
        .iter()
        .enumerate()
        .map(|(d, &v)| standard_cap(d as u32).map_or(0, |cap| v.saturating_sub(ips * cap)))
        .collect()
}

/// The recommendation follows from the printed figures: an option meets the limits when its
/// shared mail after settling and its expired mail are within them; the recommendation is the
/// cheapest that does, else the smallest summed relative excess.
fn check_recommendation(v: &Value) {
    let options = v["Options"].as_array().unwrap();
    let max_shared = f(v, "MaxSharedPercentage");
    let max_expired = f(v, "MaxExpiredPercentage");
    let excess = |o: &Value| {
        let rel = |x: f64, max: f64| (x - max).max(0.0) / max.max(0.01);
        rel(f(o, "SharedPercentageAfterSettling"), max_shared)
            + rel(f(o, "ExpiredPercentage"), max_expired)
    };
    for o in options {
        let meets = f(o, "SharedPercentageAfterSettling") <= max_shared
            && f(o, "ExpiredPercentage") <= max_expired;
        assert_eq!(o["MeetsLimits"], meets, "{}", o["Label"]);
    }
    let rec = &v["Recommendation"];
    let winner = option(v, rec["Label"].as_str().unwrap());
    assert_eq!(rec["Option"], winner["Option"]);
    assert_eq!(rec["StandardIps"], winner["StandardIps"].clone());
    let within: Vec<&Value> = options
        .iter()
        .filter(|o| o["MeetsLimits"] == true)
        .collect();
    if within.is_empty() {
        assert_eq!(rec["MeetsLimits"], false);
        let least = options.iter().map(excess).fold(f64::MAX, f64::min);
        assert_eq!(excess(winner), least, "{rec}");
    } else {
        assert_eq!(rec["MeetsLimits"], true);
        let cheapest = within.iter().map(|o| f(o, "Cost")).fold(f64::MAX, f64::min);
        assert_eq!(f(winner, "Cost"), cheapest, "{rec}");
    }
}

#[test]
fn a_small_sender_mostly_to_gmail_pays_less_with_one_standard_ip() {
    let env = Env::new().with_env("SESM_TODAY", "2026-12-01");
    env.ok(&["config-set", "create", "news"]);
    env.ok(&[
        "traffic",
        "set",
        "news",
        "gmail=25000",
        "yahoo=3000",
        "other=2000",
    ]);
    let before = env.state_bytes();
    let v = env.json(&["compare"]);
    assert_eq!(env.state_bytes(), before, "compare changes nothing");
    assert_eq!(v["Days"], 90);
    assert_eq!(v["EndDate"], "2027-02-28");
    let managed = option(&v, "Managed pool");
    let one = option(&v, "Standard, 1 IP");
    // 90 days of December, January and February: one IP at USD 24.95 a month.
    assert!((f(one, "Cost") - 3.0 * 24.95).abs() < 1e-9, "{one}");
    // Managed: USD 15 a month plus 930,000 messages at USD 0.08 per 1,000 in January (nothing
    // is deferred any more), and 840,000 in February.
    let month = |o: &Value, m: &str| {
        o["Months"]
            .as_array()
            .unwrap()
            .iter()
            .find(|x| x["Month"] == m)
            .map(|x| f(x, "Cost"))
            .unwrap()
    };
    assert!((month(managed, "2027-01") - (15.0 + 930_000.0 * 0.08 / 1000.0)).abs() < 1e-6);
    assert!((month(managed, "2027-02") - (15.0 + 840_000.0 * 0.08 / 1000.0)).abs() < 1e-6);
    assert!((month(one, "2027-01") - 24.95).abs() < 1e-9);
    assert!(f(one, "Cost") < f(managed, "Cost"));
    // The standard IP's time-based cap sends the rest of each day's 30,000 through shared IPs;
    // from day 30 on that is under 10 %.
    let demand = vec![30_000u64; 90];
    let shared = standard_shared(1, &demand);
    assert_eq!(u(one, "SentShared"), shared.iter().sum::<u64>());
    // Settled after the 45 days of standard warm-up: nothing goes shared after.
    assert_eq!(v["SettlingDays"], 45);
    assert_eq!(shared[45..].iter().sum::<u64>(), 0);
    assert_eq!(f(one, "SharedPercentageAfterSettling"), 0.0);
    assert_eq!(u(one, "Deferred"), 0);
    // Standard IPs are warm (DONE) on day 45, for every ISP alike.
    for isp in one["Isps"].as_array().unwrap() {
        assert_eq!(isp["WarmDay"], 45, "{isp}");
    }
    assert_eq!(v["Recommendation"]["Label"], "Standard, 1 IP");
    check_recommendation(&v);
    let table = env.ok(&["compare"]);
    assert!(
        table.stdout.contains("Recommendation: Standard, 1 IP"),
        "{}",
        table.stdout
    );
    assert!(table.stdout.contains("$74.85"), "{}", table.stdout);
    // The real price per 1,000 messages, not $0.00: 74.85 / 2,700,000 × 1,000.
    assert!(table.stdout.contains("$0.0277"), "{}", table.stdout);
}

#[test]
fn a_big_sender_with_a_campaign_shows_the_trade_off() {
    let env = Env::new().with_env("SESM_TODAY", "2026-12-01");
    env.ok(&["config-set", "create", "bulk"]);
    let shares = [
        ("gmail", 800_000u64),
        ("microsoft", 400_000),
        ("yahoo", 300_000),
        ("apple", 100_000),
        ("comcast", 100_000),
        ("att", 100_000),
        ("gmx", 50_000),
        ("orange", 50_000),
        ("other", 100_000),
    ];
    let mut plan = String::from("day,config_set,isp,volume\n");
    let mut daily = Vec::new();
    for day in 0..90 {
        let factor = if day == 60 { 3 } else { 1 };
        for (isp, v) in shares {
            plan.push_str(&format!("{day},bulk,{isp},{}\n", v * factor));
        }
        daily.push(2_000_000 * factor);
    }
    let path = env.path("campaign.csv");
    std::fs::write(&path, plan).unwrap();
    let v = env.json(&["compare", "--plan", path.to_str().unwrap()]);
    let managed = option(&v, "Managed pool");
    // Scaling (warmup-model.md): comcast and att need ceil(100,000 / (0.8 × 20,000)) = 7 IPs
    // from the first day; the campaign's peak needs ceil(300,000 / 20,000) = 15; seven days
    // after the peak leaves the window, one IP goes each day until 7 remain.
    assert_eq!(u(managed, "IpsMax"), 15);
    assert_eq!(u(managed, "IpsAtEnd"), 7);
    // It scales to the need and sends little through shared IPs once warm, but defers (and
    // lets expire) part of the spike.
    assert!(
        f(managed, "SharedPercentageAfterSettling") < 5.0,
        "{managed}"
    );
    let spike = |o: &Value| {
        o["Months"].as_array().unwrap()[1]["Deferred"]
            .as_u64()
            .unwrap()
    };
    assert!(spike(managed) > 0 && u(managed, "Expired") > 0);
    // The standard options default to the count needed and the managed pool's peak.
    let needed = u(&v, "StandardIpsNeeded");
    let s15 = option(&v, "Standard, 15 IPs");
    option(&v, &format!("Standard, {needed} IPs"));
    // 15 warm IPs carry the campaign's 3 × 100,000 to comcast (15 × 20,000) without deferral;
    // before DONE (day 45) what the time-based cap can't carry goes through shared IPs.
    assert_eq!(u(s15, "Deferred"), 0);
    assert_eq!(u(s15, "Expired"), 0);
    assert_eq!(u(s15, "Demand"), daily.iter().sum::<u64>());
    assert_eq!(f(s15, "SharedPercentageAfterSettling"), 0.0);
    // 15 IPs for 90 days at USD 24.95 a month.
    assert!((f(s15, "Cost") - 15.0 * 3.0 * 24.95).abs() < 1e-6);
    assert_eq!(u(s15, "IpDays"), 15 * 90);
    assert!(u(managed, "SentShared") < u(s15, "SentShared"));
    // Fewer IPs than needed miss a limit: comcast and att (C = 20,000) need 5 IPs a day for
    // their 100,000, so the search can't end below that.
    assert!(needed >= 5, "{needed}");
    let fewer = env.json(&[
        "compare",
        "--plan",
        path.to_str().unwrap(),
        "--standard-ips",
        &(needed - 1).to_string(),
    ]);
    assert_eq!(
        option(&fewer, &format!("Standard, {} IPs", needed - 1))["MeetsLimits"],
        false
    );
    check_recommendation(&v);
}

#[test]
fn traffic_moving_from_gmail_to_microsoft_warms_microsoft_from_cold_in_a_managed_pool() {
    let env = Env::new();
    env.ok(&["config-set", "create", "news"]);
    let mut plan = String::from("day,config_set,isp,volume\n");
    for day in 0..120 {
        let isp = if day < 45 { "gmail" } else { "microsoft" };
        plan.push_str(&format!("{day},news,{isp},150000\n"));
    }
    let path = env.path("shift.csv");
    std::fs::write(&path, plan).unwrap();
    let v = env.json(&[
        "compare",
        "--plan",
        path.to_str().unwrap(),
        "--days",
        "120",
        "--standard-ips",
        "1",
    ]);
    let warm = |o: &Value, isp: &str| {
        o["Isps"]
            .as_array()
            .unwrap()
            .iter()
            .find(|i| i["Isp"] == isp)
            .and_then(|i| i["WarmDay"].as_u64())
    };
    let managed = option(&v, "Managed pool");
    let gmail = warm(managed, "gmail").expect("gmail warms");
    assert!((20..=35).contains(&gmail), "gmail warm on day {gmail}");
    // Microsoft starts cold on day 45 and takes longer (42 days to warm, against 30).
    let microsoft = warm(managed, "microsoft").expect("microsoft warms");
    assert!(microsoft >= 45 + gmail, "microsoft warm on day {microsoft}");
    // Standard IPs warm by time, for every ISP alike.
    let standard = v["Options"]
        .as_array()
        .unwrap()
        .iter()
        .find(|o| o["Option"] == "STANDARD")
        .unwrap();
    assert_eq!(warm(standard, "gmail"), Some(45));
    assert_eq!(warm(standard, "microsoft"), Some(45));
    check_recommendation(&v);
}

#[test]
fn the_mail_compared_follows_config_sets_plans_and_days() {
    let env = Env::new();
    env.ok(&["pool", "create", "p"]);
    env.ok(&["config-set", "create", "a", "--pool", "p"]);
    // A set that sends through no pool compares like any other.
    env.ok(&["config-set", "create", "b"]);
    env.ok(&["config-set", "create", "quiet"]);
    env.ok(&["traffic", "set", "a", "gmail=1000"]);
    env.ok(&["traffic", "set", "b", "yahoo=500"]);
    let both = env.json(&["compare", "--days", "10"]);
    assert_eq!(both["ConfigurationSets"], serde_json::json!(["a", "b"]));
    for o in both["Options"].as_array().unwrap() {
        assert_eq!(u(o, "Demand"), 15_000, "{}", o["Label"]);
        // 2026-11-26 to 2026-12-05.
        assert_eq!(o["Months"].as_array().unwrap().len(), 2);
    }
    let only_b = env.json(&["compare", "--days", "10", "--config-set", "b"]);
    assert_eq!(u(option(&only_b, "Managed pool"), "Demand"), 5_000);
    let plan = env.path("plan.csv");
    std::fs::write(
        &plan,
        "day,config_set,isp,volume\n0,a,gmail,700\n3,b,apple,300\n",
    )
    .unwrap();
    let planned = env.json(&["compare", "--days", "5", "--plan", plan.to_str().unwrap()]);
    assert_eq!(u(option(&planned, "Managed pool"), "Demand"), 1_000);
    let planned_a = env.json(&[
        "compare",
        "--days",
        "5",
        "--plan",
        plan.to_str().unwrap(),
        "--config-set",
        "a",
    ]);
    assert_eq!(u(option(&planned_a, "Managed pool"), "Demand"), 700);
    let chosen = env.json(&["compare", "--days", "10", "--standard-ips", "3,1,3"]);
    let labels: Vec<&str> = chosen["Options"]
        .as_array()
        .unwrap()
        .iter()
        .map(|o| o["Label"].as_str().unwrap())
        .collect();
    assert_eq!(
        labels,
        vec![
            "Managed pool",
            "Standard, 1 IP",
            "Standard, 3 IPs",
            "Shared IPs only"
        ]
    );
    // Refusals: nothing to compare (252), an unknown set (254), bad limits (252).
    let run = env.refused_with(
        &["compare", "--config-set", "quiet"],
        252,
        "InvalidParameter",
        OP,
    );
    assert!(
        run.stderr
            .contains("the configuration set quiet has no mail to compare"),
        "{}",
        run.stderr
    );
    let run = env.refused_with(
        &["--region", "eu-west-1", "compare"],
        252,
        "InvalidParameter",
        OP,
    );
    assert!(
        run.stderr.contains("the region eu-west-1 has no mail"),
        "{}",
        run.stderr
    );
    env.refused(
        &["compare", "--config-set", "nope"],
        "NotFoundException",
        OP,
    );
    env.refused_with(
        &["compare", "--standard-ips", "0"],
        252,
        "InvalidParameter",
        OP,
    );
    env.refused_with(
        &["compare", "--max-shared", "150"],
        252,
        "InvalidParameter",
        OP,
    );
    env.refused_with(
        &["compare", "--max-expired", "101"],
        252,
        "InvalidParameter",
        OP,
    );
    // Settling must leave 7 days to measure: at most --days − 7.
    let run = env.refused_with(
        &["compare", "--days", "50", "--settle", "45"],
        252,
        "InvalidParameter",
        OP,
    );
    assert!(
        run.stderr.contains("--settle 45") && run.stderr.contains("at most --days − 7 = 43"),
        "{}",
        run.stderr
    );
    let ok = env.json(&["compare", "--days", "52", "--settle", "45"]);
    assert_eq!(ok["SettlingDays"], 45);
    env.refused_with(&["compare", "--days", "0"], 252, "InvalidParameter", OP);
    env.refused_with(
        &["compare", "--plan", "missing.csv"],
        252,
        "InvalidParameter",
        OP,
    );
    // Other formats, and --query.
    let text = env.ok(&["-o", "text", "compare", "--days", "10"]);
    assert!(
        text.stdout.lines().any(|l| l.starts_with("OPTIONS\t")),
        "{}",
        text.stdout
    );
    let q = env.json(&["compare", "--days", "10", "--query", "Recommendation.Label"]);
    assert!(q.is_string());
}

#[test]
fn a_run_no_option_meets_says_which_misses_least_and_by_how_much() {
    let env = Env::new();
    env.ok(&["config-set", "create", "news"]);
    env.ok(&["traffic", "set", "news", "gmail=100000"]);
    // Ten days: no option can warm up, and every shared share counts (settling is 3 days).
    let v = env.json(&["compare", "--days", "10", "--max-shared", "0"]);
    assert_eq!(v["SettlingDays"], 3);
    assert_eq!(v["Recommendation"]["MeetsLimits"], false);
    assert_eq!(v["StandardIpsNeeded"], Value::Null);
    let reason = v["Recommendation"]["Reason"].as_str().unwrap();
    assert!(reason.starts_with("No option meets the limits;"), "{v}");
    let winner = option(&v, v["Recommendation"]["Label"].as_str().unwrap());
    let shared = f(winner, "SharedPercentageAfterSettling");
    assert!(
        reason.contains(&format!("shared {shared:.1} % after day 3, limit 0 %")),
        "{reason}"
    );
    check_recommendation(&v);
}

#[test]
fn the_html_page_draws_each_option_and_is_self_contained() {
    let env = Env::new();
    env.ok(&["config-set", "create", "news"]);
    env.ok(&["traffic", "set", "news", "gmail=50000", "orange=20000"]);
    let page = env.path("compare.html");
    let run = env.ok(&["compare", "--days", "40", "--html", page.to_str().unwrap()]);
    assert!(
        run.stderr.contains("Wrote the comparison to"),
        "{}",
        run.stderr
    );
    let html = std::fs::read_to_string(&page).unwrap();
    let doc = scraper::Html::parse_document(&html);
    let sel = |s: &str| scraper::Selector::parse(s).unwrap();
    assert_eq!(doc.select(&sel("script")).count(), 0);
    assert_eq!(doc.select(&sel("link")).count(), 0);
    assert!(!html.contains("http://") && !html.contains("https://"));
    let sections = doc.select(&sel("section")).count();
    assert_eq!(sections, 4, "managed, two standard, shared");
    assert_eq!(doc.select(&sel("[data-chart=volume]")).count(), 4);
    assert_eq!(doc.select(&sel("[data-chart=warmup]")).count(), 4);
}

#[test]
fn a_large_sender_needs_six_standard_ips_and_is_never_told_fewer() {
    let env = Env::new().with_env("SESM_TODAY", "2026-12-01");
    env.ok(&["config-set", "create", "bulk"]);
    env.ok(&[
        "traffic",
        "set",
        "bulk",
        "gmail=1200000",
        "microsoft=480000",
        "yahoo=320000",
    ]);
    let v = env.json(&["compare", "--days", "120"]);
    // Warm IPs take C per ISP: Gmail's 1,200,000 needs 6 × 200,000 (Microsoft 4, Yahoo 4).
    assert_eq!(v["StandardIpsNeeded"], 6);
    assert_eq!(v["FromAccount"], true);
    assert_eq!(
        (
            f(&v, "MaxSharedPercentage"),
            f(&v, "MaxExpiredPercentage"),
            u(&v, "SettlingDays")
        ),
        (10.0, 0.1, 45)
    );
    let six = option(&v, "Standard, 6 IPs");
    assert_eq!(six["MeetsLimits"], true);
    assert_eq!((u(six, "Deferred"), u(six, "Expired")), (0, 0));
    // DONE on day 45: from then on every ISP's mail goes dedicated.
    for isp in six["Isps"].as_array().unwrap() {
        assert_eq!(isp["AllDedicatedDay"], 45, "{isp}");
    }
    let rec = &v["Recommendation"];
    assert!(
        rec["Option"] != "STANDARD" || u(rec, "StandardIps") >= 6,
        "{rec}"
    );
    assert_eq!(rec["Label"], "Standard, 6 IPs");
    check_recommendation(&v);
    // Five warm IPs: Gmail's ISP throttles 200,000 a day; part of it expires.
    let five = env.json(&["compare", "--days", "120", "--standard-ips", "5"]);
    let o = option(&five, "Standard, 5 IPs");
    assert_eq!(o["MeetsLimits"], false);
    assert_eq!(f(o, "SharedPercentageAfterSettling"), 0.0);
    assert!(
        u(o, "Deferred") > 0 && f(o, "ExpiredPercentage") > 0.1,
        "{o}"
    );
    let gmail = &o["Isps"].as_array().unwrap()[0];
    assert_eq!(gmail["AllDedicatedDay"], Value::Null);
    assert_eq!(o["LimitsMissed"][0]["Limit"], "EXPIRED");
    assert!(
        o["Verdict"].as_str().unwrap().starts_with("expired ")
            && o["Verdict"].as_str().unwrap().contains(", limit 0.1 %"),
        "{o}"
    );
    assert_eq!(five["StandardIpsNeeded"], 6);
    assert_ne!(five["Recommendation"]["Label"], "Standard, 5 IPs");
    check_recommendation(&five);
}

#[test]
fn warm_standard_ips_of_the_account_send_nothing_shared_unless_cold() {
    let env = Env::new().with_env("SESM_TODAY", "2026-12-01");
    env.ok(&["pool", "create", "std"]);
    env.ok(&["config-set", "create", "news", "--pool", "std"]);
    env.ok(&["ip", "lease", "--count", "2", "--pool", "std"]);
    env.ok(&["ip", "set-warmup", "198.18.0.1", "100"]);
    env.ok(&["ip", "set-warmup", "198.18.0.2", "100"]);
    env.ok(&["traffic", "set", "news", "gmail=100000", "yahoo=50000"]);
    let before = env.state_bytes();
    let v = env.json(&["compare", "--days", "60"]);
    assert_eq!(env.state_bytes(), before, "compare changes nothing");
    assert_eq!(v["CurrentStandardIps"], 2);
    let two = option(&v, "Standard, 2 IPs");
    assert_eq!(two["KeptIps"], 2);
    assert_eq!(u(two, "SentShared"), 0);
    assert_eq!(u(two, "SentDedicated"), 60 * 150_000);
    for isp in two["Isps"].as_array().unwrap() {
        assert_eq!(isp["AllDedicatedDay"], 0, "{isp}");
    }
    // One warm IP carries this too (Gmail 100,000 ≤ 200,000): the search finds 1, and the
    // least warm IP is the one dropped.
    assert_eq!(v["StandardIpsNeeded"], 1);
    check_recommendation(&v);
    // From nothing, the same 2 IPs warm up again and send through shared IPs meanwhile.
    let cold = env.json(&["compare", "--days", "60", "--cold", "--standard-ips", "2"]);
    assert_eq!(cold["FromAccount"], false);
    assert_eq!(cold["CurrentStandardIps"], 0);
    let two = option(&cold, "Standard, 2 IPs");
    let shared: u64 = standard_shared(2, &[150_000; 60]).iter().sum();
    assert_eq!(u(two, "SentShared"), shared);
    assert!(shared > 0);
    assert!(two.get("KeptIps").is_none());
    // A third IP is leased cold next to the two warm ones.
    let three = env.json(&["compare", "--days", "60", "--standard-ips", "3"]);
    assert_eq!(option(&three, "Standard, 3 IPs")["KeptIps"], 2);
}

#[test]
fn the_managed_option_goes_on_with_the_sets_managed_pool() {
    let env = Env::new().with_env("SESM_TODAY", "2026-12-01");
    env.ok(&["pool", "create", "m", "--scaling-mode", "MANAGED"]);
    env.ok(&["config-set", "create", "news", "--pool", "m"]);
    env.ok(&["traffic", "set", "news", "gmail=100000"]);
    env.ok(&["simulate", "--days", "60"]);
    let warm = env.json(&["compare", "--days", "30"]);
    let cold = env.json(&["compare", "--days", "30", "--cold"]);
    let managed = |v: &Value| u(option(v, "Managed pool"), "SentShared");
    // Its IPs are warm for Gmail already: nothing through shared IPs; from nothing, a lot.
    assert_eq!(managed(&warm), 0);
    assert!(managed(&cold) > 100_000, "{}", managed(&cold));
    assert_eq!(
        option(&warm, "Managed pool")["Isps"][0]["AllDedicatedDay"],
        0
    );
}

#[test]
fn the_months_mail_so_far_counts_toward_the_price_tiers() {
    let env = Env::new().with_env("SESM_TODAY", "2026-12-01");
    env.ok(&["pool", "create", "m", "--managed"]);
    env.ok(&["config-set", "create", "news", "--pool", "m"]);
    env.ok(&["traffic", "set", "news", "gmail=500000"]);
    // 20 days of December: 10,000,000 managed messages, the end of the USD 0.08 tier.
    env.ok(&["-q", "simulate", "--days", "20"]);
    let managed_cost = |v: &Value| {
        let o = option(v, "Managed pool");
        let sent = u(o, "SentDedicated") + u(o, "SentShared");
        (f(o, "Cost") - 5.0 * 15.0 / 31.0, sent)
    };
    let (usage, sent) = managed_cost(&env.json(&["compare", "--days", "5"]));
    assert!(
        (usage - sent as f64 * 0.04 / 1000.0).abs() < 1e-6,
        "{usage}"
    );
    let (usage, sent) = managed_cost(&env.json(&["compare", "--days", "5", "--cold"]));
    assert!(
        (usage - sent as f64 * 0.08 / 1000.0).abs() < 1e-6,
        "{usage}"
    );
}

#[test]
fn a_standard_option_with_fewer_ips_drops_the_least_warm_and_the_default_pool_counts() {
    let env = Env::new().with_env("SESM_TODAY", "2026-12-01");
    // Sets without a pool send through ses-default-dedicated-pool once it holds IPs.
    env.ok(&["config-set", "create", "news"]);
    env.ok(&["ip", "lease", "--count", "2"]);
    env.ok(&["ip", "set-warmup", "198.18.0.1", "0"]);
    env.ok(&["ip", "set-warmup", "198.18.0.2", "100"]);
    env.ok(&["traffic", "set", "news", "gmail=100000"]);
    let v = env.json(&["compare", "--days", "30", "--standard-ips", "1,2"]);
    assert_eq!(v["CurrentStandardIps"], 2);
    // One IP: the warm one stays, so Gmail's 100,000 fit on it from the first day.
    let one = option(&v, "Standard, 1 IP");
    assert_eq!(one["KeptIps"], 1);
    assert_eq!(u(one, "SentShared"), 0);
    // Two: the cold one warms by time next to it; nothing is deferred while it does.
    let two = option(&v, "Standard, 2 IPs");
    assert_eq!(two["KeptIps"], 2);
    assert_eq!((u(two, "SentShared"), u(two, "Deferred")), (0, 0));
    check_recommendation(&v);
}
