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
/// shared and expired mail after settling are within them (shared IPs below the shared floor
/// on expiry alone); the recommendation is the cheapest that does (a 1-IP option only when no
/// standard option of more IPs does), else the smallest summed relative excess.
fn check_recommendation(v: &Value) {
    let options = v["Options"].as_array().unwrap();
    let max_shared = f(v, "MaxSharedPercentage");
    let max_expired = f(v, "MaxExpiredPercentage");
    let below_floor = v["BelowSharedFloor"] == true;
    let judged_shared = |o: &Value| !(below_floor && o["Option"] == "SHARED");
    let excess = |o: &Value| {
        let rel = |x: f64, max: f64| (x - max).max(0.0) / max.max(0.01);
        let shared = if judged_shared(o) {
            rel(f(o, "SharedPercentageAfterSettling"), max_shared)
        } else {
            0.0
        };
        shared + rel(f(o, "ExpiredPercentageAfterSettling"), max_expired)
    };
    for o in options {
        let meets = (!judged_shared(o) || f(o, "SharedPercentageAfterSettling") <= max_shared)
            && f(o, "ExpiredPercentageAfterSettling") <= max_expired;
        assert_eq!(o["MeetsLimits"], meets, "{}", o["Label"]);
        assert_eq!(
            o["NoRedundancy"],
            o["StandardIps"] == 1,
            "{}: one standard IP has no redundancy",
            o["Label"]
        );
        // The cost is the dedicated IPs' charges and SES's sending charge, USD 0.10 / 1,000.
        let sending = u(o, "Demand") as f64 * 0.10 / 1000.0;
        assert!((f(o, "SendingCharge") - sending).abs() < 1e-6, "{o}");
        assert!(
            (f(o, "Cost") - f(o, "DedicatedCost") - sending).abs() < 1e-6,
            "{o}"
        );
    }
    let rec = &v["Recommendation"];
    let winner = option(v, rec["Label"].as_str().unwrap());
    assert_eq!(rec["Option"], winner["Option"]);
    assert_eq!(rec["StandardIps"], winner["StandardIps"].clone());
    let redundant_meets = options.iter().any(|o| {
        o["Option"] == "STANDARD" && o["NoRedundancy"] == false && o["MeetsLimits"] == true
    });
    let within: Vec<&Value> = options
        .iter()
        .filter(|o| o["MeetsLimits"] == true)
        .filter(|o| !(redundant_meets && o["NoRedundancy"] == true))
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
    // The reason names what happened while settling.
    let reason = rec["Reason"].as_str().unwrap();
    if !(below_floor && rec["Option"] == "SHARED") && u(v, "SettlingDays") > 0 {
        assert!(reason.contains("while settling"), "{reason}");
    }
}

/// A plan of `days` days for the set `news`: `volume(day)` messages split 60/25/15 over Gmail,
/// Microsoft and Yahoo.
fn mixed_plan(env: &Env, name: &str, days: u32, volume: impl Fn(u32) -> u64) -> String {
    let mut plan = String::from("day,config_set,isp,volume\n");
    for day in 0..days {
        let v = volume(day);
        if v == 0 {
            continue;
        }
        for (isp, share) in [("gmail", 60), ("microsoft", 25), ("yahoo", 15)] {
            plan.push_str(&format!("{day},news,{isp},{}\n", v * share / 100));
        }
    }
    let path = env.path(name);
    std::fs::write(&path, plan).unwrap();
    path.to_str().unwrap().to_string()
}

#[test]
fn a_small_sender_mostly_to_gmail_pays_less_with_two_standard_ips() {
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
    assert_eq!(v["SettlingDays"], 60);
    assert_eq!(v["SharedFloor"], 1_000);
    assert_eq!(v["BelowSharedFloor"], false);
    // At least 2 standard IPs: SES recommends more than one per Region.
    assert_eq!(v["StandardIpsNeeded"], 2);
    let managed = option(&v, "Managed pool");
    let two = option(&v, "Standard, 2 IPs");
    // 90 days of December, January and February: two IPs at USD 24.95 a month, and every
    // option pays SES's USD 0.10 per 1,000 messages on its 2,700,000.
    assert!(
        (f(two, "DedicatedCost") - 2.0 * 3.0 * 24.95).abs() < 1e-9,
        "{two}"
    );
    assert!((f(two, "SendingCharge") - 270.0).abs() < 1e-9, "{two}");
    assert!((f(two, "Cost") - (149.7 + 270.0)).abs() < 1e-9, "{two}");
    // Managed: USD 15 a month plus 930,000 messages at USD 0.08 per 1,000 in January, and
    // 840,000 in February, on top of the sending charge.
    let month = |o: &Value, m: &str, key: &str| {
        o["Months"]
            .as_array()
            .unwrap()
            .iter()
            .find(|x| x["Month"] == m)
            .map(|x| f(x, key))
            .unwrap()
    };
    let jan = 15.0 + 930_000.0 * 0.08 / 1000.0;
    assert!((month(managed, "2027-01", "DedicatedCost") - jan).abs() < 1e-6);
    assert!((month(managed, "2027-01", "Cost") - jan - 93.0).abs() < 1e-6);
    assert!(
        (month(managed, "2027-02", "DedicatedCost") - (15.0 + 840_000.0 * 0.08 / 1000.0)).abs()
            < 1e-6
    );
    assert!((month(two, "2027-01", "Cost") - (2.0 * 24.95 + 93.0)).abs() < 1e-9);
    assert!(f(two, "Cost") < f(managed, "Cost"));
    // The standard IPs' time-based cap sends the rest of each day's 30,000 through shared IPs
    // while they warm; then the ISPs know them (they delivered while warming): nothing goes
    // shared or is deferred after.
    let demand = vec![30_000u64; 90];
    let shared = standard_shared(2, &demand);
    assert_eq!(u(two, "SentShared"), shared.iter().sum::<u64>());
    assert_eq!(u(two, "Deferred"), 0);
    assert_eq!(f(two, "SharedPercentageAfterSettling"), 0.0);
    let while_settling = 100.0 * shared[..60].iter().sum::<u64>() as f64 / (60.0 * 30_000.0);
    assert!((f(two, "SharedPercentageWhileSettling") - while_settling).abs() < 1e-9);
    // Warm on day 45, DONE, for every ISP: the ISPs accept twice what they got.
    for isp in two["Isps"].as_array().unwrap() {
        assert_eq!(isp["WarmDay"], 45, "{isp}");
    }
    assert_eq!(v["Recommendation"]["Label"], "Standard, 2 IPs");
    check_recommendation(&v);
    let table = env.ok(&["compare"]);
    assert!(
        table.stdout.contains("Recommendation: Standard, 2 IPs"),
        "{}",
        table.stdout
    );
    assert!(table.stdout.contains("$419.70"), "{}", table.stdout);
    assert!(table.stdout.contains("sesm's policy"), "{}", table.stdout);
    // The real price per 1,000 messages: 419.70 / 2,700,000 × 1,000.
    assert!(table.stdout.contains("$0.155"), "{}", table.stdout);
    // A 1-IP option is shown when asked for, marked as having no redundancy.
    let one = env.json(&["compare", "--standard-ips", "1,2"]);
    let lone = option(&one, "Standard, 1 IP");
    assert_eq!(lone["NoRedundancy"], true);
    assert!(
        lone["Verdict"].as_str().unwrap().contains("no redundancy"),
        "{lone}"
    );
    assert_ne!(one["Recommendation"]["Label"], "Standard, 1 IP");
    check_recommendation(&one);
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
    let plan = path.to_str().unwrap();
    let v = env.json(&["compare", "--plan", plan, "--standard-ips", "15"]);
    let managed = option(&v, "Managed pool");
    // Scaling (warmup-model.md): comcast and att need ceil(100,000 / (0.8 × 20,000)) = 7 IPs
    // from the first day; the campaign's peak needs ceil(300,000 / 20,000) = 15; seven days
    // after the peak leaves the window, one IP goes each day until 7 remain.
    assert_eq!(u(managed, "IpsMax"), 15);
    assert_eq!(u(managed, "IpsAtEnd"), 7);
    // The campaign triples a day's mail: the ISPs accept at most twice what they remember
    // from each IP, so they throttle it from standard IPs too (model v3), however many:
    // part of it expires, and no count meets the 0.1 % limit.
    let s15 = option(&v, "Standard, 15 IPs");
    let spike = |o: &Value| {
        o["Months"].as_array().unwrap()[1]["Deferred"]
            .as_u64()
            .unwrap()
    };
    assert!(spike(managed) > 0 && spike(s15) > 0);
    assert!(f(s15, "ExpiredPercentageAfterSettling") > 0.1, "{s15}");
    assert_eq!(f(s15, "SharedPercentageAfterSettling"), 0.0);
    assert_eq!(u(s15, "Demand"), daily.iter().sum::<u64>());
    assert_eq!(v["StandardIpsNeeded"], Value::Null);
    // 15 IPs for 90 days at USD 24.95 a month.
    assert!((f(s15, "DedicatedCost") - 15.0 * 3.0 * 24.95).abs() < 1e-6);
    assert_eq!(u(s15, "IpDays"), 15 * 90);
    assert!(u(managed, "SentShared") < u(s15, "SentShared"));
    check_recommendation(&v);
    // With room for the campaign's expiry, the fewest standard IPs that meet the limits are
    // found, and one fewer does not meet them: comcast and att (C = 20,000) need 5 IPs a day
    // for their 100,000, so the search can't end below that.
    let v = env.json(&["compare", "--plan", plan, "--max-expired", "2"]);
    let needed = u(&v, "StandardIpsNeeded");
    assert!(needed >= 5, "{needed}");
    assert_eq!(
        option(&v, &format!("Standard, {needed} IPs"))["MeetsLimits"],
        true
    );
    let fewer = env.json(&[
        "compare",
        "--plan",
        plan,
        "--max-expired",
        "2",
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
fn traffic_moving_from_gmail_to_microsoft_warms_microsoft_from_cold() {
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
        "2",
    ]);
    let isp = |o: &Value, isp: &str| -> Value {
        o["Isps"]
            .as_array()
            .unwrap()
            .iter()
            .find(|i| i["Isp"] == isp)
            .cloned()
            .unwrap()
    };
    let warm = |o: &Value, name: &str| isp(o, name)["WarmDay"].as_u64();
    let managed = option(&v, "Managed pool");
    let gmail = warm(managed, "gmail").expect("gmail warms");
    assert!((20..=35).contains(&gmail), "gmail warm on day {gmail}");
    // Microsoft starts cold on day 45 and takes longer (42 days to warm, against 30).
    let microsoft = warm(managed, "microsoft").expect("microsoft warms");
    assert!(microsoft >= 45 + gmail, "microsoft warm on day {microsoft}");
    // Standard IPs are DONE on day 45 for SES, but Microsoft has never had mail from them: it
    // accepts 200 a day from each, then a quarter more a day, while much of its mail expires.
    let standard = option(&v, "Standard, 2 IPs");
    let ms = warm(standard, "microsoft").expect("microsoft learns the IPs");
    assert!(
        (45 + 20..=45 + 30).contains(&ms),
        "microsoft warm on day {ms}"
    );
    assert!(u(&isp(standard, "microsoft"), "Expired") > 1_000_000);
    assert_eq!(
        warm(standard, "gmail"),
        None,
        "gmail's mail stopped while they warmed"
    );
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
fn the_html_page_leads_with_the_options_table_and_is_self_contained() {
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
    let v = env.json(&["compare", "--days", "40"]);
    let options = v["Options"].as_array().unwrap();
    let html = std::fs::read_to_string(&page).unwrap();
    let doc = scraper::Html::parse_document(&html);
    let sel = |s: &str| scraper::Selector::parse(s).unwrap();
    assert_eq!(doc.select(&sel("script")).count(), 0);
    assert_eq!(doc.select(&sel("link")).count(), 0);
    assert!(!html.contains("http://") && !html.contains("https://"));
    // First the table of the options: option, IPs, shared and expired while settling and
    // after, cost; the recommendation's row marked.
    let first = doc.select(&sel("main > section")).next().unwrap();
    let table = first
        .select(&sel("table#options"))
        .next()
        .expect("the table leads");
    let heads: Vec<String> = table
        .select(&sel("thead th"))
        .map(|h| h.text().collect())
        .collect();
    assert_eq!(
        heads,
        vec![
            "Option",
            "IPs",
            "Shared, days 0–32",
            "Expired, days 0–32",
            "Shared after day 33",
            "Expired after day 33",
            "Within the limits",
            "Cost"
        ]
    );
    let rows: Vec<Vec<String>> = table
        .select(&sel("tbody tr"))
        .map(|r| {
            r.select(&sel("th, td"))
                .map(|c| c.text().collect())
                .collect()
        })
        .collect();
    assert_eq!(rows.len(), options.len());
    for (row, o) in rows.iter().zip(options) {
        assert_eq!(row[0], o["Label"].as_str().unwrap());
        let cost: f64 = row[7]
            .trim_start_matches('$')
            .replace(',', "")
            .parse()
            .unwrap();
        assert!((cost - f(o, "Cost")).abs() < 0.006, "{row:?}");
    }
    let marked: Vec<String> = table
        .select(&sel("tr.marked th"))
        .map(|c| c.text().collect())
        .collect();
    assert_eq!(
        marked,
        vec![v["Recommendation"]["Label"].as_str().unwrap().to_string()]
    );
    // Then a section per option, with its charts.
    let sections = doc.select(&sel("section")).count();
    assert_eq!(sections, options.len() + 1);
    assert_eq!(
        doc.select(&sel("[data-chart=volume]")).count(),
        options.len()
    );
    assert_eq!(
        doc.select(&sel("[data-chart=warmup]")).count(),
        options.len()
    );
}

#[test]
fn a_steady_two_million_a_day_needs_six_standard_ips_from_cold_over_120_days() {
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
    let v = env.json(&["compare", "--days", "120", "--standard-ips", "5,6,7"]);
    // warmup-model.md's reference: after day 60, 5 IPs expire 10 %, 6 IPs 0.006 %, 7 IPs 0.
    // Gmail's 1,200,000 needs 6 × C = 6 × 200,000 once the ISPs know the IPs; with 5, Gmail
    // throttles 200,000 a day.
    assert_eq!(v["StandardIpsNeeded"], 6);
    assert_eq!(v["FromAccount"], true);
    assert_eq!(
        (
            f(&v, "MaxSharedPercentage"),
            f(&v, "MaxExpiredPercentage"),
            u(&v, "SettlingDays")
        ),
        (10.0, 0.1, 60)
    );
    let expired = |n: u32| {
        f(
            option(&v, &format!("Standard, {n} IPs")),
            "ExpiredPercentageAfterSettling",
        )
    };
    assert!((expired(5) - 10.0).abs() < 0.05, "{}", expired(5));
    assert!((expired(6) - 0.006).abs() < 0.001, "{}", expired(6));
    assert_eq!(expired(7), 0.0);
    for n in [5, 6, 7] {
        let o = option(&v, &format!("Standard, {n} IPs"));
        // Nothing shared once SES's warm-up is over; what the ISPs don't take yet is
        // deferred while they learn the IPs, and that shows in the settling figures.
        assert_eq!(f(o, "SharedPercentageAfterSettling"), 0.0);
        assert!(f(o, "SharedPercentageWhileSettling") > 50.0, "{o}");
        assert!(f(o, "ExpiredPercentageWhileSettling") > 1.0, "{o}");
        assert!(o["Verdict"].as_str().is_some());
    }
    let five = option(&v, "Standard, 5 IPs");
    assert_eq!(five["MeetsLimits"], false);
    assert_eq!(five["LimitsMissed"][0]["Limit"], "EXPIRED");
    assert!(
        five["Verdict"].as_str().unwrap().starts_with("expired ")
            && five["Verdict"]
                .as_str()
                .unwrap()
                .contains("after day 60, limit 0.1 %"),
        "{five}"
    );
    assert_eq!(five["Isps"][0]["AllDedicatedDay"], Value::Null);
    // Standard, and the managed pool is not cheaper.
    let rec = &v["Recommendation"];
    assert_eq!(rec["Label"], "Standard, 6 IPs");
    assert!(f(option(&v, "Managed pool"), "Cost") > f(option(&v, "Standard, 6 IPs"), "Cost"));
    let reason = rec["Reason"].as_str().unwrap();
    assert!(
        reason.contains("while settling (days 0–59)") && reason.contains("expired 0.006 %"),
        "{reason}"
    );
    check_recommendation(&v);
    // Without --standard-ips the options are the managed pool, the 6 needed and the managed
    // run's peak.
    let plain = env.json(&["compare", "--days", "120"]);
    assert_eq!(plain["Recommendation"]["Label"], "Standard, 6 IPs");
    check_recommendation(&plain);
}

#[test]
fn irregular_senders_are_not_told_to_use_standard_ips() {
    // SES: "where your sending patterns are highly irregular, using Dedicated IPs (managed) is
    // the better option". ISPs remember what each standard IP sent and throttle a burst from
    // one that was quiet, whatever SES's warm-up says.
    let env = Env::new().with_env("SESM_TODAY", "2026-12-01");
    env.ok(&["config-set", "create", "news"]);
    let weekly = mixed_plan(&env, "weekly.csv", 180, |d| {
        if d % 7 == 0 { 1_000_000 } else { 0 }
    });
    let monthly = mixed_plan(&env, "monthly.csv", 180, |d| {
        if d % 30 == 0 { 3_000_000 } else { 0 }
    });
    let pause = mixed_plan(&env, "pause.csv", 180, |d| {
        if (60..120).contains(&d) { 0 } else { 400_000 }
    });
    for plan in [&weekly, &monthly, &pause] {
        let v = env.json(&["compare", "--plan", plan, "--days", "180"]);
        assert_ne!(
            v["Recommendation"]["Option"], "STANDARD",
            "{plan}: {}",
            v["Recommendation"]
        );
        assert_eq!(v["BelowSharedFloor"], false, "{plan}");
        // Every standard option lets a large share of the bursts expire after settling.
        for o in v["Options"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|o| o["Option"] == "STANDARD")
        {
            assert!(f(o, "ExpiredPercentageAfterSettling") > 10.0, "{plan}: {o}");
        }
        check_recommendation(&v);
    }
    // The weekly campaign: the managed pool misses the limits by the least.
    let v = env.json(&["compare", "--plan", &weekly, "--days", "180"]);
    assert_eq!(v["Recommendation"]["Label"], "Managed pool");
    // After 60 idle days the ISPs have forgotten the IPs that sent before the pause: the
    // standard option's mail expires again as if they were new.
    let v = env.json(&[
        "compare",
        "--plan",
        &pause,
        "--days",
        "180",
        "--standard-ips",
        "2",
    ]);
    let two = option(&v, "Standard, 2 IPs");
    let months = two["Months"].as_array().unwrap();
    let april = months.iter().find(|m| m["Month"] == "2027-04").unwrap();
    assert!(u(april, "Expired") > 1_000_000, "{april}");
}

#[test]
fn a_small_sender_gets_shared_ips() {
    // SES: "If you don't plan to send large volumes of email on a regular and predictable
    // basis, we recommend that you use shared IP addresses."
    let env = Env::new().with_env("SESM_TODAY", "2026-12-01");
    env.ok(&["config-set", "create", "news"]);
    env.ok(&[
        "traffic",
        "set",
        "news",
        "gmail=100",
        "microsoft=100",
        "yahoo=100",
    ]);
    let v = env.json(&["compare"]);
    assert_eq!(v["BelowSharedFloor"], true);
    assert_eq!(v["Recommendation"]["Label"], "Shared IPs only");
    let shared = option(&v, "Shared IPs only");
    assert_eq!(shared["MeetsLimits"], true);
    assert_eq!(f(shared, "SharedPercentageAfterSettling"), 100.0);
    // It pays SES's sending charge alone: 27,000 messages at USD 0.10 per 1,000.
    assert!((f(shared, "Cost") - 2.7).abs() < 1e-9);
    let reason = v["Recommendation"]["Reason"].as_str().unwrap();
    assert!(
        reason.contains("less than 1,000 messages a day"),
        "{reason}"
    );
    check_recommendation(&v);
    // Below a lower floor, shared IPs are judged like the others: 100 % shared misses.
    let v = env.json(&["compare", "--shared-floor", "50"]);
    assert_eq!(v["BelowSharedFloor"], false);
    assert_eq!(option(&v, "Shared IPs only")["MeetsLimits"], false);
    assert_ne!(v["Recommendation"]["Label"], "Shared IPs only");
    check_recommendation(&v);
    assert_eq!(env.run(&["compare", "--shared-floor", "-1"]).code, 2);
}

/// A standard pool `std` of 2 IPs fed by `news`, after 60 days of `traffic`: SES's 45 days are
/// over and the ISPs know the IPs.
fn two_warm_ips(traffic: &[&str]) -> Env {
    let env = Env::new().with_env("SESM_TODAY", "2026-12-01");
    env.ok(&["pool", "create", "std"]);
    env.ok(&["config-set", "create", "news", "--pool", "std"]);
    env.ok(&["ip", "lease", "--count", "2", "--pool", "std"]);
    let mut set = vec!["traffic", "set", "news"];
    set.extend_from_slice(traffic);
    env.ok(&set);
    env.ok(&["-q", "simulate", "--days", "60"]);
    env
}

#[test]
fn two_warm_standard_ips_are_found_where_more_ips_would_send_through_shared_ips() {
    // The audit's case D1: 2 warm IPs kept, --max-shared 0 --max-expired 5 --settle 10. Two
    // IPs meet the limits; a third, cold, makes the pool share its excess with shared IPs,
    // and only some 30 IPs meet them again. Bisection over 2..100 alone would report those.
    let env = two_warm_ips(&["gmail=420000", "yahoo=100000"]);
    let flags = [
        "--days",
        "60",
        "--max-shared",
        "0",
        "--max-expired",
        "5",
        "--settle",
        "10",
    ];
    let mut args = vec!["compare"];
    args.extend(flags);
    let v = env.json(&args);
    assert_eq!(v["CurrentStandardIps"], 2);
    assert_eq!(v["StandardIpsNeeded"], 2);
    assert_eq!(v["Recommendation"]["Label"], "Standard, 2 IPs");
    let two = option(&v, "Standard, 2 IPs");
    assert_eq!(two["KeptIps"], 2);
    // Gmail takes 2 × 200,000 of its 420,000: the rest is deferred and part of it expires.
    assert!(f(two, "ExpiredPercentageAfterSettling") > 0.0);
    assert!(f(two, "ExpiredPercentageAfterSettling") <= 5.0);
    check_recommendation(&v);
    args.extend(["--standard-ips", "3,10,50"]);
    let more = env.json(&args);
    assert_eq!(option(&more, "Standard, 3 IPs")["MeetsLimits"], false);
    assert_eq!(option(&more, "Standard, 10 IPs")["MeetsLimits"], false);
    assert_eq!(option(&more, "Standard, 50 IPs")["MeetsLimits"], true);
    assert!(
        f(
            option(&more, "Standard, 3 IPs"),
            "SharedPercentageAfterSettling"
        ) > 0.0
    );
}

#[test]
fn warm_standard_ips_of_the_account_send_nothing_shared_unless_cold() {
    let env = two_warm_ips(&["gmail=100000", "yahoo=50000"]);
    let before = env.state_bytes();
    let v = env.json(&["compare", "--days", "60"]);
    assert_eq!(env.state_bytes(), before, "compare changes nothing");
    assert_eq!(v["CurrentStandardIps"], 2);
    let two = option(&v, "Standard, 2 IPs");
    assert_eq!(two["KeptIps"], 2);
    // The IPs are DONE and the ISPs know them: all of it goes dedicated from the first day.
    assert_eq!(u(two, "SentShared"), 0);
    assert_eq!(u(two, "Deferred"), 0);
    assert_eq!(u(two, "SentDedicated"), 60 * 150_000);
    for isp in two["Isps"].as_array().unwrap() {
        assert_eq!(isp["AllDedicatedDay"], 0, "{isp}");
        assert_eq!(isp["WarmDay"], 0, "{isp}");
    }
    assert_eq!(v["StandardIpsNeeded"], 2);
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
        (f(o, "DedicatedCost") - 5.0 * 15.0 / 31.0, sent)
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
    // One IP: the DONE one stays. Gmail doesn't know it yet (set to 100 % by hand), so it
    // defers what it won't take, but nothing goes shared: no IP is warming.
    let one = option(&v, "Standard, 1 IP");
    assert_eq!(one["KeptIps"], 1);
    assert_eq!(one["NoRedundancy"], true);
    assert_eq!(u(one, "SentShared"), 0);
    assert!(u(one, "Deferred") > 0);
    // Two: the cold one warms by time next to it, and the excess goes shared instead.
    let two = option(&v, "Standard, 2 IPs");
    assert_eq!(two["KeptIps"], 2);
    assert!(u(two, "SentShared") > 0);
    assert_eq!(u(two, "Deferred"), 0);
    check_recommendation(&v);
}
