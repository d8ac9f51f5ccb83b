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
/// `floor(200 × (50000/200)^(p/100))` with `p = d × 100/45`; `None` (no cap) once DONE.
fn standard_cap(d: u32) -> Option<u64> {
    let p = (f64::from(d) * 100.0 / 45.0).min(100.0);
    (p < 100.0).then(|| (200.0 * (50_000.0f64 / 200.0).powf(p / 100.0)).floor() as u64)
}

/// Mail a pool of `ips` new standard IPs sends through shared IPs, day by day.
fn standard_shared(ips: u64, demand: &[u64]) -> Vec<u64> {
    demand
        .iter()
        .enumerate()
        .map(|(d, &v)| standard_cap(d as u32).map_or(0, |cap| v.saturating_sub(ips * cap)))
        .collect()
}

/// The recommendation follows from the printed figures: the cheapest option within the limits,
/// or, when none is, one outside them.
fn check_recommendation(v: &Value) {
    let options = v["Options"].as_array().unwrap();
    let max = f(v, "MaxSharedPercentage");
    for o in options {
        let meets = f(o, "SharedPercentageAfterDay30") <= max && u(o, "Expired") == 0;
        assert_eq!(o["Meets"], meets, "{}", o["Label"]);
    }
    let rec = &v["Recommendation"];
    let winner = option(v, rec["Label"].as_str().unwrap());
    let within: Vec<&Value> = options.iter().filter(|o| o["Meets"] == true).collect();
    if within.is_empty() {
        assert_eq!(rec["Meets"], false);
    } else {
        assert_eq!(rec["Meets"], true);
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
    let after: u64 = shared[30..].iter().sum();
    let expected = 100.0 * after as f64 / (60.0 * 30_000.0);
    assert!(
        (f(one, "SharedPercentageAfterDay30") - expected).abs() < 1e-9,
        "{expected}"
    );
    assert!(expected < 10.0);
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
    assert!(f(managed, "SharedPercentageAfterDay30") < 5.0, "{managed}");
    let spike = |o: &Value| {
        o["Months"].as_array().unwrap()[1]["Deferred"]
            .as_u64()
            .unwrap()
    };
    assert!(spike(managed) > 0 && u(managed, "Expired") > 0);
    // The standard options default to the most IPs the managed pool held, and twice that.
    let s15 = option(&v, "Standard, 15 IPs");
    option(&v, "Standard, 30 IPs");
    // Standard IPs never defer; what their time-based cap can't carry goes through shared IPs,
    // and once DONE (day 45) nothing does, the campaign included.
    assert_eq!(u(s15, "Deferred"), 0);
    assert_eq!(u(s15, "Expired"), 0);
    let shared = standard_shared(15, &daily);
    assert_eq!(u(s15, "SentShared"), shared.iter().sum::<u64>());
    assert_eq!(shared[45..].iter().sum::<u64>(), 0);
    assert_eq!(u(s15, "Demand"), daily.iter().sum::<u64>());
    // 15 IPs for 90 days at USD 24.95 a month.
    assert!((f(s15, "Cost") - 15.0 * 3.0 * 24.95).abs() < 1e-6);
    assert_eq!(u(s15, "IpDays"), 15 * 90);
    assert!(u(managed, "SentShared") < u(s15, "SentShared"));
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
    let v = env.json(&["compare", "--plan", path.to_str().unwrap(), "--days", "120"]);
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
    assert!(run.stderr.contains("no mail to compare"), "{}", run.stderr);
    env.refused_with(
        &["--region", "eu-west-1", "compare"],
        252,
        "InvalidParameter",
        OP,
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
fn a_run_no_option_meets_says_which_fails_least() {
    let env = Env::new();
    env.ok(&["config-set", "create", "news"]);
    env.ok(&["traffic", "set", "news", "gmail=100000"]);
    // Ten days: no option can warm up, and every shared share counts.
    let v = env.json(&["compare", "--days", "10", "--max-shared", "0"]);
    assert_eq!(v["Recommendation"]["Meets"], false);
    assert!(
        v["Recommendation"]["Reason"]
            .as_str()
            .unwrap()
            .starts_with("No option meets the limits;"),
        "{v}"
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
