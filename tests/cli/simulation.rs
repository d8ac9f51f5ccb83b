//! `traffic`, `isp`, `simulate`, `metrics`, `cost`, `demo`: the model through the binary, with
//! the three examples of `warmup-model.md` and the figures they imply.

#![expect(
    non_snake_case,
    dead_code,
    reason = "the structs mirror the JSON keys (PascalCase) and decode fields only to check they are there"
)]

use serde::Deserialize;
use serde_json::{Value, json};

use crate::harness::Env;

/// A managed pool `m` fed by configuration set `cs`.
fn managed_env() -> Env {
    let env = Env::new();
    env.ok(&["config-set", "create", "cs"]);
    env.ok(&["pool", "create", "m", "--managed", "--config-set", "cs"]);
    env
}

fn days_of<'a>(v: &'a Value, pool: &str) -> Vec<&'a Value> {
    v["Days"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|d| d["PoolName"] == pool)
        .collect()
}

fn isp<'a>(day: &'a Value, name: &str) -> &'a Value {
    day["Isps"]
        .as_array()
        .unwrap()
        .iter()
        .find(|i| i["Isp"] == name)
        .unwrap_or(&Value::Null)
}

fn total(v: &Value, field: &str) -> u64 {
    v["Days"]
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|d| d["Isps"].as_array().unwrap())
        .map(|i| i[field].as_u64().unwrap())
        .sum()
}

#[test]
fn example_1_gmail_only_warms_in_about_four_weeks_without_deferral() {
    let env = managed_env();
    env.ok(&["traffic", "set", "cs", "gmail=100000"]);
    let v = env.json(&["simulate", "--days", "45"]);
    assert_eq!(v["StartDate"], "2026-11-26");
    assert_eq!(v["EndDate"], "2027-01-09");
    let days = days_of(&v, "m");
    assert_eq!(days.len(), 45);
    // Day 0: no IP yet, everything through shared; one IP from day 1.
    assert_eq!(days[0]["DedicatedIpCount"], 0);
    assert_eq!(days[0]["ScaleEvent"], 1);
    assert_eq!(isp(days[0], "gmail")["SentShared"], 100_000);
    assert_eq!(isp(days[0], "gmail")["Phase"], "EARLY");
    assert!(days[1..].iter().all(|d| d["DedicatedIpCount"] == 1));
    assert_eq!(isp(days[1], "gmail")["SentDedicated"], 200);
    // Gmail ≥ 90 % after about four weeks.
    let warm_day = days
        .iter()
        .position(|d| isp(d, "gmail")["WarmupPercentage"].as_f64().unwrap() >= 90.0)
        .unwrap();
    assert!(
        (25..=31).contains(&warm_day),
        "Gmail warm on day {warm_day}"
    );
    assert_eq!(total(&v, "Deferred"), 0);
    assert_eq!(total(&v, "Expired"), 0);
    // Microsoft saw nothing and stays at 0 %.
    let pool = env.json(&["pool", "get", "m"]);
    let ms = pool["IspWarmup"]
        .as_array()
        .unwrap()
        .iter()
        .find(|i| i["Isp"] == "microsoft")
        .unwrap();
    assert_eq!(ms["WarmupPercentage"], 0.0);
    let gmail = &pool["IspWarmup"][0];
    assert!(
        gmail["WarmupPercentage"].as_f64().unwrap() > 99.0,
        "{gmail}"
    );
    // Managed IPs report NOT_APPLICABLE and -1, as SES does.
    let ips = env.json(&["ip", "list"]);
    assert_eq!(
        ips["DedicatedIps"],
        json!([{"Ip": "198.18.0.1", "WarmupStatus": "NOT_APPLICABLE", "WarmupPercentage": -1, "PoolName": "m"}])
    );
}

#[test]
fn example_2_a_spike_in_the_early_phase_overflows_to_shared() {
    let env = managed_env();
    let plan = env.path("plan.csv");
    std::fs::write(
        &plan,
        "day,config_set,isp,volume\n0,cs,gmail,20000\n1,cs,gmail,20000\n2,cs,gmail,200000\n",
    )
    .unwrap();
    let v = env.json(&["simulate", "--days", "3", "--plan", plan.to_str().unwrap()]);
    let day2 = isp(days_of(&v, "m")[2], "gmail");
    assert_eq!(day2["Demand"], 200_000);
    assert_eq!(day2["Phase"], "EARLY");
    // One IP at warm-up 3.33 % may send floor(200 × 1000^(1/30)) = 251; the rest goes to shared.
    assert_eq!(day2["SentDedicated"], 251);
    assert_eq!(day2["SentShared"], 199_749);
    assert_eq!(day2["Deferred"], 0);
}

#[test]
fn example_3_a_low_capacity_isp_drives_scale_out() {
    let env = managed_env();
    env.ok(&["traffic", "set", "cs", "gmail=50000", "orange=60000"]);
    let v = env.json(&["simulate", "--days", "30"]);
    let days = days_of(&v, "m");
    let last = days.last().unwrap();
    assert_eq!(
        last["DedicatedIpCount"].as_u64().unwrap() as i64 + last["ScaleEvent"].as_i64().unwrap(),
        5
    );
    assert_eq!(
        env.json(&["pool", "get", "m"])["DedicatedIps"]
            .as_array()
            .unwrap()
            .len(),
        5
    );
    // Day 0: ceil(60,000 / 15,000) = 4 IPs for Orange's peak; day 5: mean 51,429 → ceil(… / 12,000) = 5.
    assert_eq!(days[0]["ScaleEvent"], 4);
    assert_eq!(days[5]["ScaleEvent"], 1);

    let env = managed_env();
    env.ok(&["traffic", "set", "cs", "gmail=50000", "orange=6000"]);
    let v = env.json(&["simulate", "--days", "30"]);
    assert!(
        days_of(&v, "m")[1..]
            .iter()
            .all(|d| d["DedicatedIpCount"] == 1)
    );
    assert_eq!(
        env.json(&["pool", "get", "m"])["DedicatedIps"]
            .as_array()
            .unwrap()
            .len(),
        1
    );
}

#[test]
fn later_excess_is_deferred_retried_and_expires() {
    let env = Env::new();
    env.ok(&[
        "config-set",
        "create",
        "cs",
        "--max-delivery-seconds",
        "21600",
    ]);
    env.ok(&["pool", "create", "m", "--managed", "--config-set", "cs"]);
    env.ok(&["traffic", "set", "cs", "gmail=50000"]);
    env.ok(&["-q", "simulate", "--days", "40"]);
    let plan = env.path("spike.csv");
    std::fs::write(
        &plan,
        "day,config_set,isp,volume\n0,cs,gmail,400000\n1,cs,gmail,50000\n",
    )
    .unwrap();
    let v = env.json(&["simulate", "--days", "2", "--plan", plan.to_str().unwrap()]);
    let days = days_of(&v, "m");
    let spike = isp(days[0], "gmail");
    assert_eq!(spike["Phase"], "LATE");
    let edr = spike["EffectiveDailyRate"].as_u64().unwrap();
    let deferred = spike["Deferred"].as_u64().unwrap();
    assert_eq!(spike["SentDedicated"].as_u64().unwrap(), edr);
    assert_eq!(deferred, 400_000 - edr);
    // R = 6 h: a quarter of the excess is kept for tomorrow, the rest expires.
    assert_eq!(spike["Expired"].as_u64().unwrap(), deferred - deferred / 4);
    // Tomorrow retries what the window allows, floor(EDR × 6 / 24), and the rest expires.
    let next = isp(days[1], "gmail");
    let queued = next["Queued"].as_u64().unwrap();
    assert_eq!(queued, deferred / 4);
    let window = next["EffectiveDailyRate"].as_u64().unwrap() / 4;
    let retried = next["Retried"].as_u64().unwrap();
    assert_eq!(retried, queued.min(window));
    assert!(retried > 0);
    assert!(next["Expired"].as_u64().unwrap() >= queued - retried);
}

#[test]
fn simulate_json_has_the_contract_keys() {
    #[derive(Deserialize)]
    #[serde(deny_unknown_fields)]
    struct IspDay {
        Isp: String,
        Demand: u64,
        SentDedicated: u64,
        Retried: u64,
        SentShared: u64,
        Deferred: u64,
        Expired: u64,
        EffectiveDailyRate: Option<u64>,
        WarmupPercentage: f64,
        CapacityWarmupPercentage: f64,
        Phase: String,
        Queued: u64,
    }
    #[derive(Deserialize)]
    #[serde(deny_unknown_fields)]
    struct Day {
        Date: String,
        Region: String,
        PoolName: String,
        ScalingMode: String,
        DedicatedIpCount: u32,
        ScaleEvent: i32,
        Isps: Vec<IspDay>,
    }
    #[derive(Deserialize)]
    #[serde(deny_unknown_fields)]
    struct Totals {
        Demand: u64,
        SentDedicated: u64,
        Retried: u64,
        SentShared: u64,
        Deferred: u64,
        Expired: u64,
    }
    #[derive(Deserialize)]
    #[serde(deny_unknown_fields)]
    struct PoolSummary {
        Region: String,
        PoolName: String,
        DedicatedIpCount: u32,
        #[serde(flatten)]
        totals: Totals,
    }
    #[derive(Deserialize)]
    struct IspSummary {
        Isp: String,
        Demand: u64,
        SentDedicated: u64,
        SentShared: u64,
        Deferred: u64,
        Expired: u64,
    }
    #[derive(Deserialize)]
    #[serde(deny_unknown_fields)]
    struct Summary {
        Pools: Vec<PoolSummary>,
        Isps: Vec<IspSummary>,
        Cost: f64,
    }
    #[derive(Deserialize)]
    #[serde(deny_unknown_fields)]
    struct Run {
        StartDate: String,
        EndDate: String,
        Days: Vec<Day>,
        Summary: Summary,
    }
    let env = managed_env();
    env.ok(&["config-set", "create", "plain"]);
    env.ok(&["pool", "create", "std"]);
    env.ok(&["ip", "lease", "--count", "1", "--pool", "std"]);
    env.ok(&["config-set", "set-pool", "plain", "std"]);
    env.ok(&["traffic", "set", "cs", "gmail=1000", "yahoo=2000"]);
    env.ok(&["traffic", "set", "plain", "apple=3000"]);
    let v = env.json(&["simulate", "--days", "3"]);
    let run: Run = serde_json::from_value(v.clone()).unwrap_or_else(|e| panic!("{e}\n{v:#}"));
    // Ordered by date, then region, then pool; ISPs in table order.
    assert_eq!(
        run.Days
            .iter()
            .map(|d| (d.Date.as_str(), d.PoolName.as_str()))
            .collect::<Vec<_>>(),
        vec![
            ("2026-11-26", "m"),
            ("2026-11-26", "std"),
            ("2026-11-27", "m"),
            ("2026-11-27", "std"),
            ("2026-11-28", "m"),
            ("2026-11-28", "std")
        ]
    );
    assert_eq!(
        run.Days[0]
            .Isps
            .iter()
            .map(|i| i.Isp.as_str())
            .collect::<Vec<_>>(),
        ["gmail", "yahoo"]
    );
    assert_eq!(run.Days[1].ScalingMode, "STANDARD");
    assert_eq!(run.Days[1].Isps[0].EffectiveDailyRate, Some(200));
    assert_eq!(run.Summary.Pools.len(), 2);
    assert_eq!(
        run.Summary
            .Isps
            .iter()
            .map(|i| i.Isp.as_str())
            .collect::<Vec<_>>(),
        ["gmail", "yahoo", "apple"]
    );
    assert!(run.Summary.Cost > 0.0);
}

#[test]
fn the_clock_moves_and_runs_continue_where_they_stopped() {
    let one = managed_env();
    let two = managed_env();
    for env in [&one, &two] {
        env.ok(&[
            "traffic",
            "set",
            "cs",
            "gmail=80000",
            "microsoft=30000",
            "orange=20000",
        ]);
    }
    let whole = one.json(&["simulate", "--days", "20"]);
    let mut halves = two.json(&["simulate", "--days", "10"])["Days"]
        .as_array()
        .unwrap()
        .clone();
    halves.extend(
        two.json(&["simulate", "--days", "10"])["Days"]
            .as_array()
            .unwrap()
            .iter()
            .cloned(),
    );
    assert_eq!(whole["Days"].as_array().unwrap(), &halves);
    assert_eq!(one.json(&["account"])["Date"], "2026-12-16");
    let a = one.state_json();
    let b = two.state_json();
    assert_eq!(a["Regions"], b["Regions"]);
    assert_eq!(a["Usage"], b["Usage"]);
}

#[test]
fn dry_run_prints_the_same_and_changes_nothing() {
    let env = managed_env();
    env.ok(&["traffic", "set", "cs", "gmail=100000"]);
    let before = env.state_bytes();
    let dry = env.json(&["simulate", "--days", "5", "--dry-run"]);
    assert_eq!(env.state_bytes(), before);
    let real = env.json(&["simulate", "--days", "5"]);
    assert_eq!(dry, real);
    assert_ne!(env.state_bytes(), before);
}

#[test]
fn plans_are_checked_line_by_line_before_anything_runs() {
    let env = managed_env();
    env.ok(&["traffic", "set", "cs", "gmail=1000"]);
    let plan = env.path("plan.csv");
    let path = plan.to_str().unwrap().to_string();
    let cases = [
        ("", "line 1", "empty"),
        ("0,cs,gmail,100\n", "line 1", "header"),
        (
            "day,config_set,isp,volume\n0,cs,gmail,100\n5,cs,gmail,100\n",
            "line 3",
            "not a day of this run",
        ),
        (
            "day,config_set,isp,volume\n0,nope,gmail,100\n",
            "line 2",
            "unknown configuration set 'nope'",
        ),
        (
            "day,config_set,isp,volume\n0,cs,gmial,100\n",
            "line 2",
            "unknown ISP 'gmial'",
        ),
        (
            "day,config_set,isp,volume\n0,cs,gmail,-5\n",
            "line 2",
            "negative",
        ),
        (
            "day,config_set,isp,volume\n0,cs,gmail,1.5\n",
            "line 2",
            "not a whole number",
        ),
        (
            "day,config_set,isp,volume\n0,cs,gmail\n",
            "line 2",
            "expected 4 fields",
        ),
        (
            "day,config_set,isp,volume,region\n0,cs,gmail,5,mars\n",
            "line 2",
            "not a region",
        ),
        (
            "day,config_set,isp,volume,region\n0,cs,gmail,5,eu-west-1\n",
            "line 2",
            "unknown configuration set 'cs' in eu-west-1",
        ),
        (
            "day,config_set,isp,volume\n-1,cs,gmail,5\n",
            "line 2",
            "not a day",
        ),
    ];
    for (text, line, why) in cases {
        std::fs::write(&plan, text).unwrap();
        let run = env.refused_with(
            &["simulate", "--days", "5", "--plan", &path],
            252,
            "InvalidParameter",
            "Simulate",
        );
        assert!(
            run.stderr.contains(&format!("{line}: ")),
            "{text:?}: {}",
            run.stderr
        );
        assert!(run.stderr.contains(why), "{text:?}: {}", run.stderr);
    }
    env.refused_with(
        &["simulate", "--days", "5", "--plan", "/nonexistent.csv"],
        252,
        "InvalidParameter",
        "Simulate",
    );
    env.refused_with(
        &["simulate", "--days", "0"],
        252,
        "InvalidParameter",
        "Simulate",
    );
    assert_eq!(env.run(&["simulate", "--days", "-1"]).code, 2);
    assert_eq!(env.run(&["simulate"]).code, 2);
    // A valid plan replaces the standing traffic; rows of the same day add up; region column.
    std::fs::write(
        &plan,
        "day,config_set,isp,volume,region\n0,cs,yahoo,300\n0,cs,yahoo,200,us-east-1\n",
    )
    .unwrap();
    let v = env.json(&["simulate", "--days", "2", "--plan", &path]);
    let days = days_of(&v, "m");
    assert_eq!(
        days[0]["Isps"],
        json!([{
            "Isp": "yahoo", "Demand": 500, "SentDedicated": 0, "Retried": 0, "SentShared": 500, "Deferred": 0,
            "Expired": 0, "EffectiveDailyRate": 0, "WarmupPercentage": 0.0, "CapacityWarmupPercentage": 0.0,
            "Phase": "EARLY", "Queued": 0
        }])
    );
    assert_eq!(days.len(), 2, "day 1 has IPs (activation) but no mail");
    assert_eq!(days[1]["Isps"], json!([]));
}

#[test]
fn traffic_set_merges_and_zero_removes() {
    let env = managed_env();
    let v = env.json(&["traffic", "set", "cs", "gmail=100", "yahoo=50"]);
    assert_eq!(
        v["Traffic"],
        json!([
            {"ConfigurationSetName": "cs", "Isp": "gmail", "DailyVolume": 100},
            {"ConfigurationSetName": "cs", "Isp": "yahoo", "DailyVolume": 50}
        ])
    );
    let v = env.json(&["traffic", "set", "cs", "gmail=0", "orange=7"]);
    assert_eq!(
        v["Traffic"],
        json!([
            {"ConfigurationSetName": "cs", "Isp": "yahoo", "DailyVolume": 50},
            {"ConfigurationSetName": "cs", "Isp": "orange", "DailyVolume": 7}
        ])
    );
    assert_eq!(env.json(&["traffic", "list"]), v);
    for bad in ["hotmail=5", "gmail=-5", "gmail=lots", "gmail"] {
        env.refused_with(
            &["traffic", "set", "cs", bad],
            252,
            "InvalidParameter",
            "PutTraffic",
        );
    }
    env.refused(
        &["traffic", "set", "nope", "gmail=5"],
        "NotFoundException",
        "PutTraffic",
    );
    env.refused(
        &["traffic", "clear", "nope"],
        "NotFoundException",
        "PutTraffic",
    );
    assert_eq!(
        env.json(&["traffic", "clear", "cs"]),
        json!({"Traffic": []})
    );
    env.ok(&["traffic", "set", "cs", "gmail=1"]);
    assert_eq!(env.json(&["traffic", "clear"]), json!({"Traffic": []}));
}

#[test]
fn c7_deleting_a_config_set_removes_its_traffic() {
    let env = managed_env();
    env.ok(&["traffic", "set", "cs", "gmail=100"]);
    env.ok(&["config-set", "delete", "cs"]);
    assert_eq!(env.json(&["traffic", "list"]), json!({"Traffic": []}));
}

#[test]
fn isp_list_is_the_model_table() {
    let env = Env::new();
    let v = env.json(&["isp", "list"]);
    let isps = v["Isps"].as_array().unwrap();
    assert_eq!(isps.len(), 9);
    assert_eq!(
        isps[0],
        json!({"Isp": "gmail", "FullyWarmDailyCapacityPerIp": 200000, "DaysToWarm": 30})
    );
    assert_eq!(
        isps[7],
        json!({"Isp": "orange", "FullyWarmDailyCapacityPerIp": 15000, "DaysToWarm": 28})
    );
    assert!(env.ok(&["isp", "list"]).stdout.contains("estimates"));
}

#[test]
fn metrics_in_get_metric_data_shape_with_filters() {
    let env = managed_env();
    env.ok(&["traffic", "set", "cs", "gmail=100000", "orange=3000"]);
    env.ok(&["-q", "simulate", "--days", "10"]);
    let all = env.json(&["metrics"]);
    let results = all["MetricDataResults"].as_array().unwrap();
    let names: std::collections::BTreeSet<&str> = results
        .iter()
        .map(|r| r["MetricName"].as_str().unwrap())
        .collect();
    for name in [
        "Send",
        "ApproximateDedicatedSendingPercentage",
        "SentLast24Hours",
        "Available24HourSend",
        "SentShared",
        "Deferred",
        "Expired",
        "WarmupPercentage",
        "DedicatedIpCount",
    ] {
        assert!(names.contains(name), "missing {name}");
    }
    for r in results {
        for key in [
            "Id",
            "Label",
            "MetricName",
            "Dimensions",
            "Timestamps",
            "Values",
        ] {
            assert!(r.get(key).is_some(), "{key} missing in {r}");
        }
        assert_eq!(
            r["Timestamps"].as_array().unwrap().len(),
            r["Values"].as_array().unwrap().len()
        );
    }
    let v = env.json(&[
        "metrics",
        "--pool",
        "m",
        "--isp",
        "gmail",
        "--metric",
        "WarmupPercentage",
        "--from",
        "2026-11-28",
        "--to",
        "2026-11-30",
    ]);
    let r = &v["MetricDataResults"];
    assert_eq!(r.as_array().unwrap().len(), 1);
    assert_eq!(
        r[0]["Dimensions"],
        json!({"DedicatedIpPool": "m", "ISP": "gmail"})
    );
    assert_eq!(
        r[0]["Timestamps"],
        json!(["2026-11-28", "2026-11-29", "2026-11-30"])
    );
    let w = r[0]["Values"].as_array().unwrap();
    assert!(
        (w[0].as_f64().unwrap() - 200.0 / 30.0).abs() < 1e-9,
        "{w:?}"
    );
    let v = env.json(&[
        "metrics",
        "--metric",
        "DedicatedIpCount",
        "--metric",
        "Send",
    ]);
    let r = v["MetricDataResults"].as_array().unwrap();
    assert_eq!(r[0]["MetricName"], "Send");
    assert_eq!(r[0]["Dimensions"], json!({"DedicatedIpPool": "m"}));
    assert_eq!(r[0]["Values"][0], 103_000.0);
    let count = r
        .iter()
        .find(|x| x["MetricName"] == "DedicatedIpCount")
        .unwrap();
    assert_eq!(count["Values"][0], 0.0);
    assert_eq!(count["Values"][1], 1.0);
    let pct = env.json(&[
        "metrics",
        "--metric",
        "ApproximateDedicatedSendingPercentage",
        "--isp",
        "gmail",
    ]);
    assert_eq!(pct["MetricDataResults"][0]["Values"][0], 0.0);
    assert_eq!(pct["MetricDataResults"][0]["Values"][1], 0.2);

    env.refused_with(
        &["metrics", "--from", "2026-13-01"],
        252,
        "InvalidParameter",
        "GetMetricData",
    );
    env.refused_with(
        &["metrics", "--from", "2026-12-02", "--to", "2026-12-01"],
        252,
        "InvalidParameter",
        "GetMetricData",
    );
    env.refused_with(
        &["metrics", "--isp", "hotmail"],
        252,
        "InvalidParameter",
        "GetMetricData",
    );
    env.refused(
        &["metrics", "--pool", "nope"],
        "NotFoundException",
        "GetMetricData",
    );
    assert_eq!(env.run(&["metrics", "--metric", "Bounces"]).code, 2);
}

#[test]
fn cost_per_month_and_the_fee_stops_when_the_pool_is_deleted() {
    let env = managed_env();
    env.ok(&["traffic", "set", "cs", "gmail=10000"]);
    env.ok(&["ip", "lease", "--count", "2"]);
    // 2026-11-26 … 2026-12-05.
    env.ok(&["-q", "simulate", "--days", "10"]);
    let v = env.json(&["cost"]);
    assert_eq!(v["Currency"], "USD");
    let months = v["Months"].as_array().unwrap();
    assert_eq!(months.len(), 2);
    let nov = &months[0];
    assert_eq!(nov["Month"], "2026-11");
    assert_eq!(nov["ManagedFee"], 2.5); // 5 days × 15 / 30
    assert_eq!(nov["ManagedUsage"], 4.0); // 50,000 messages × 0.08 / 1,000
    assert_eq!(nov["StandardIps"], 8.32); // 10 IP-days × 24.95 / 30
    assert_eq!(nov["Total"], 14.82);
    let dec = env.json(&["cost", "--month", "2026-12"]);
    assert_eq!(dec["Months"][0]["ManagedFee"], 2.42); // 5 × 15 / 31
    assert_eq!(
        env.json(&["cost", "--month", "2027-05"])["Months"][0]["Total"],
        0.0
    );
    env.refused_with(
        &["cost", "--month", "2026-13"],
        252,
        "InvalidParameter",
        "GetCost",
    );
    env.refused_with(
        &["cost", "--month", "Dec"],
        252,
        "InvalidParameter",
        "GetCost",
    );
    let to_date = env.json(&["account"])["CostToDate"].as_f64().unwrap();
    assert!((to_date - v["Total"].as_f64().unwrap()).abs() < 0.01);
    // Deleting the managed pool relinquishes its IP and stops the fee from that day.
    let deleted = env.json(&["pool", "delete", "m"]);
    assert_eq!(deleted["RelinquishedIps"], json!(["198.18.0.3"]));
    env.ok(&["-q", "simulate", "--days", "3"]);
    let dec = env.json(&["cost", "--month", "2026-12"]);
    assert_eq!(dec["Months"][0]["ManagedPoolDays"], 5);
    assert_eq!(dec["Months"][0]["StandardIpDays"], 16);
    assert!(
        env.state_json()["Regions"]["us-east-1"]["Metrics"]
            .get("m")
            .is_none(),
        "the pool's state is dropped"
    );
}

#[test]
fn converting_a_warm_standard_pool_keeps_its_warmup_per_isp() {
    let env = Env::new();
    env.ok(&["config-set", "create", "cs"]);
    env.ok(&["pool", "create", "s", "--config-set", "cs"]);
    env.ok(&["ip", "lease", "--count", "1", "--pool", "s"]);
    env.ok(&["-q", "simulate", "--days", "9"]);
    assert_eq!(
        env.json(&["ip", "get", "198.18.0.1"])["DedicatedIp"]["WarmupPercentage"],
        20
    );
    let v = env.json(&["pool", "set-scaling-mode", "s", "MANAGED"]);
    for isp in v["IspWarmup"].as_array().unwrap() {
        assert!(
            (isp["WarmupPercentage"].as_f64().unwrap() - 20.0).abs() < 1e-9,
            "{isp}"
        );
    }
    env.ok(&["traffic", "set", "cs", "gmail=5000"]);
    let run = env.json(&["simulate", "--days", "1"]);
    let day = days_of(&run, "s")[0];
    assert_eq!(day["ScalingMode"], "MANAGED");
    // allowed(20 %) for Gmail = floor(200 × 1000^0.2) = 796.
    assert_eq!(isp(day, "gmail")["EffectiveDailyRate"], 796);
}

#[test]
fn demo_builds_a_throwaway_account_and_explains_it() {
    let env = Env::new();
    let run = env.ok(&["demo"]);
    for needle in [
        "What happened",
        "gmail",
        "LATE",
        "shared",
        "Scaling of marketing",
        "estimates",
        "dashboard",
    ] {
        assert!(
            run.stdout.contains(needle),
            "demo output lacks {needle}:\n{}",
            run.stdout
        );
    }
    assert!(
        env.state_bytes().is_none(),
        "the demo must not touch SESM_STATE"
    );
    let v = env.json(&["demo", "--days", "40"]);
    let path = v["StatePath"].as_str().unwrap();
    assert!(std::path::Path::new(path).exists());
    assert_eq!(
        v["Simulation"]["Days"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|d| d["PoolName"] == "marketing")
            .count(),
        40
    );
    assert!(v["Highlights"].as_array().unwrap().len() >= 5);
    let own = env.path("demo.json");
    let own_path = own.to_str().unwrap();
    env.ok(&["demo", "--state", own_path]);
    let pools = env.json(&["--state", own_path, "pool", "list"]);
    assert_eq!(
        pools["DedicatedIpPools"],
        json!(["marketing", "transactional"])
    );
    env.refused_with(
        &["demo", "--state", own_path],
        252,
        "InvalidParameter",
        "Demo",
    );
    let _ = std::fs::remove_dir_all(std::path::Path::new(path).parent().unwrap());
}

/// A standard pool `std` fed by `cs` (retry window `seconds`), with IPs at `percents`.
fn standard_env(percents: &[&str], seconds: &str) -> Env {
    let env = Env::new();
    env.ok(&["pool", "create", "std"]);
    env.ok(&[
        "config-set",
        "create",
        "cs",
        "--pool",
        "std",
        "--max-delivery-seconds",
        seconds,
    ]);
    env.ok(&[
        "ip",
        "lease",
        "--count",
        &percents.len().to_string(),
        "--pool",
        "std",
    ]);
    for (i, p) in percents.iter().enumerate() {
        env.ok(&["ip", "set-warmup", &format!("198.18.0.{}", i + 1), p]);
    }
    env
}

/// What an ISP accepts from a DONE standard IP (`warmup-model.md`, model v3):
/// `min(C, max(V0, floor(H × ewma)))`, `V0` while it does not know the IP.
fn accepts(ewma: Option<f64>, capacity: u64) -> u64 {
    ewma.map_or(200, |e| ((2.0 * e).floor() as u64).max(200))
        .min(capacity)
}

/// `ewma` after a day on which the IP delivered `v`.
fn remembered(ewma: Option<f64>, v: u64) -> Option<f64> {
    match ewma {
        None if v > 0 => Some(v as f64),
        None => None,
        Some(e) => Some(0.25 * v as f64 + 0.75 * e),
    }
}

/// `total` split over two weights by the largest-remainder method (ties: the first).
fn split2(total: u64, a: u64, b: u64) -> (u64, u64) {
    let sum = (a + b) as u128;
    let (qa, ra) = (
        (total as u128 * a as u128) / sum,
        (total as u128 * a as u128) % sum,
    );
    let (qb, rb) = (
        (total as u128 * b as u128) / sum,
        (total as u128 * b as u128) % sum,
    );
    let left = total as u128 - qa - qb;
    match left {
        0 => (qa as u64, qb as u64),
        _ if ra >= rb => (qa as u64 + 1, qb as u64),
        _ => (qa as u64, qb as u64 + 1),
    }
}

#[test]
fn a_done_ip_gmail_does_not_know_takes_v0_then_more_and_the_rest_is_deferred_and_expires() {
    // warmup-model.md, standard pools (model v3), by hand: an IP set to 100 % by hand is DONE
    // for SES, but Gmail has never seen it. R = 36,000 s = 10 h.
    let env = standard_env(&["100"], "36000");
    env.ok(&["traffic", "set", "cs", "gmail=1200000"]);
    let v = env.json(&["simulate", "--days", "3"]);
    let days = days_of(&v, "std");
    let g: Vec<&Value> = days.iter().map(|d| isp(d, "gmail")).collect();
    let kept = |x: u64| x * 10 / 24;
    let (mut ewma, mut queue, mut left) = (None, 0u64, 0u64);
    for (d, day) in g.iter().enumerate() {
        // K = what Gmail accepts; yesterday's queue goes first, within the window it was
        // deferred under (10 h); then new mail; the rest is deferred and 10/24 of it kept.
        let k = accepts(ewma, 200_000);
        let retried = queue.min(k * 10 / 24);
        let new = (k - retried).min(1_200_000);
        let deferred = 1_200_000 - new;
        assert_eq!(day["EffectiveDailyRate"], k, "day {d}");
        assert_eq!(day["Retried"], retried, "day {d}");
        assert_eq!(day["SentDedicated"], retried + new, "day {d}");
        assert_eq!(day["SentShared"], 0);
        assert_eq!(day["Deferred"], deferred, "day {d}");
        assert_eq!(
            day["Expired"],
            queue - retried + deferred - kept(deferred),
            "day {d}"
        );
        assert_eq!(day["Phase"], "LATE");
        ewma = remembered(ewma, retried + new);
        queue = kept(deferred);
        left = queue;
    }
    assert_eq!(
        g.iter()
            .map(|d| d["EffectiveDailyRate"].as_u64().unwrap())
            .collect::<Vec<_>>(),
        vec![200, 400, 500]
    );
    for d in &days {
        assert_eq!(d["ScalingMode"], "STANDARD");
        assert_eq!(d["DedicatedIpCount"], 1);
    }
    // Conservation over the run: what is not sent or expired is queued for day 3.
    let demand = 3 * 1_200_000u64;
    let out = total(&v, "SentDedicated") + total(&v, "SentShared") + total(&v, "Expired");
    assert_eq!(demand - out, left);
    // The metrics: Available24HourSend is K (never empty for a standard pool).
    let m = env.json(&[
        "metrics",
        "--pool",
        "std",
        "--metric",
        "Available24HourSend",
    ]);
    let values = m["MetricDataResults"][0]["Values"].as_array().unwrap();
    assert_eq!(
        values,
        &vec![json!(200.0), json!(400.0), json!(500.0)],
        "{m}"
    );
    // A month on, Gmail accepts its full capacity C from the IP, and the IP's memory is in
    // the state; 30 idle days later Gmail has forgotten it: V0 again.
    env.ok(&["-q", "simulate", "--days", "40"]);
    let v = env.json(&["simulate", "--days", "1"]);
    assert_eq!(
        isp(days_of(&v, "std")[0], "gmail")["EffectiveDailyRate"],
        200_000
    );
    let state = env.json(&["state", "export"]);
    let memory =
        &state["Regions"]["us-east-1"]["Ips"]["198.18.0.1"]["Warmup"]["Standard"]["Memory"];
    assert!(
        memory["Ewma"]["gmail"].as_f64().unwrap() >= 100_000.0,
        "{memory}"
    );
    env.ok(&["traffic", "clear"]);
    env.ok(&["-q", "simulate", "--days", "31"]);
    env.ok(&["traffic", "set", "cs", "gmail=1200000"]);
    let v = env.json(&["simulate", "--days", "1"]);
    assert_eq!(
        isp(days_of(&v, "std")[0], "gmail")["EffectiveDailyRate"],
        200
    );
}

#[test]
fn standard_ips_at_100_50_and_0_percent_split_oranges_excess_with_shared_ips() {
    let env = standard_env(&["100", "50", "0"], "50400");
    env.ok(&["account", "set-auto-warmup", "off"]);
    env.ok(&["traffic", "set", "cs", "orange=40000", "gmail=150000"]);
    let v = env.json(&["simulate", "--days", "2"]);
    let mut ewma = (None, None);
    for day in days_of(&v, "std") {
        // The warm IP: what Gmail and Orange accept from it (V0 on the first day, no ISP
        // knows it). The warming IPs' caps, 3,162 (50 %) + 200 (0 %), are shared by what is
        // left of each ISP, largest remainder; the rest goes shared (a warming IP is there).
        let (kg, ko) = (accepts(ewma.0, 200_000), accepts(ewma.1, 15_000));
        let (bg, bo) = split2(3_362, 150_000 - kg, 40_000 - ko);
        let (o, g) = (isp(day, "orange"), isp(day, "gmail"));
        assert_eq!(o["SentDedicated"], ko + bo);
        assert_eq!(o["SentShared"], 40_000 - ko - bo);
        assert_eq!(o["Deferred"], 0);
        assert_eq!(o["EffectiveDailyRate"], ko + 3_362);
        assert_eq!(o["Phase"], "EARLY");
        assert_eq!(o["WarmupPercentage"], 50.0);
        assert_eq!(g["SentDedicated"], kg + bg);
        assert_eq!(g["EffectiveDailyRate"], kg + 3_362);
        // Capacity-weighted: what the pool can take of Orange's 40,000.
        let cap = 100.0 * (ko + 3_362) as f64 / 40_000.0;
        assert!((o["CapacityWarmupPercentage"].as_f64().unwrap() - cap).abs() < 1e-9);
        ewma = (remembered(ewma.0, kg), remembered(ewma.1, ko));
    }
    assert_eq!(
        ewma,
        (Some(250.0), Some(250.0)),
        "day 2 accepted 400 of each"
    );
}

#[test]
fn the_dashboard_shows_a_warm_standard_pools_capacity_and_deferral() {
    let env = standard_env(&["100", "100"], "50400");
    env.ok(&["traffic", "set", "cs", "orange=50000"]);
    env.ok(&["-q", "simulate", "--days", "3"]);
    let v = env.json(&["dashboard"]);
    let pool = v["Pools"]
        .as_array()
        .unwrap()
        .iter()
        .find(|p| p["PoolName"] == "std")
        .unwrap();
    assert_eq!(pool["ScalingMode"], "STANDARD");
    let orange = &pool["Isps"][0];
    assert_eq!(orange["Isp"], "orange");
    // Two DONE IPs Orange learns: 2 × 200, 2 × 400, 2 × 500 a day; the rest is deferred,
    // not shared.
    assert_eq!(orange["CapacityLastDay"], 1_000);
    assert_eq!(orange["SentLastDay"], 1_000);
    assert_eq!(orange["CapacityWarmupPercentage"], 2.0);
    assert_eq!(orange["CapacityWarmupHistory"], json!([0.8, 1.6, 2.0]));
    assert_eq!(orange["WarmupHistory"], json!([100.0, 100.0, 100.0]));
    let deferred: Vec<u64> = pool["Daily"]["Deferred"]
        .as_array()
        .unwrap()
        .iter()
        .map(|x| x.as_u64().unwrap())
        .collect();
    assert_eq!(deferred[0], 50_000 - 400);
    assert!(
        pool["Daily"]["Shared"]
            .as_array()
            .unwrap()
            .iter()
            .all(|x| x == 0)
    );
    let table = env.ok(&["dashboard"]);
    assert!(table.stdout.contains("1,000"), "{}", table.stdout);
}
