//! `sesm dashboard`: the terminal view, the HTML page (parsed, not grepped) and the JSON figures.

use scraper::{Html, Selector};
use serde_json::{Value, json};

use crate::harness::Env;

/// An environment holding the demo account (45 simulated days).
fn demo_env() -> Env {
    let env = Env::new();
    let state = env.state.display().to_string();
    env.ok(&["demo", "--state", &state]);
    env
}

fn select<'a>(doc: &'a Html, css: &str) -> Vec<scraper::ElementRef<'a>> {
    doc.select(&Selector::parse(css).unwrap()).collect()
}

#[test]
fn the_html_page_has_every_chart_per_pool_and_one_warmup_line_per_isp_with_demand() {
    let env = demo_env();
    let file = env.path("dash.html");
    let run = env.ok(&["dashboard", "--html", file.to_str().unwrap()]);
    assert!(
        run.stderr.contains("Wrote the dashboard to"),
        "{}",
        run.stderr
    );
    let text = std::fs::read_to_string(&file).unwrap();
    let doc = Html::parse_document(&text);
    let sections = select(&doc, "section");
    assert_eq!(sections.len(), 2, "marketing and transactional");
    let figures = Selector::parse("figure[data-chart]").unwrap();
    for section in &sections {
        let kinds: Vec<&str> = section
            .select(&figures)
            .filter_map(|f| f.value().attr("data-chart"))
            .collect();
        assert_eq!(kinds, ["volume", "warmup", "ips", "capacity"]);
        for f in section.select(&figures) {
            // Every chart is an inline SVG with axis labels and a legend.
            assert_eq!(f.select(&Selector::parse("svg").unwrap()).count(), 1);
            assert!(f.select(&Selector::parse("svg text").unwrap()).count() >= 5);
            assert!(f.select(&Selector::parse("ul.legend li").unwrap()).count() >= 1);
        }
    }
    // The managed pool's warm-up chart: one line per ISP the pool had demand for.
    let json = env.json(&["dashboard", "--pool", "marketing"]);
    let mut with_demand: Vec<String> = json["Pools"][0]["Isps"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| i["Isp"].as_str().unwrap().to_string())
        .collect();
    with_demand.sort();
    let warmup = Selector::parse("figure[data-chart=warmup] polyline[data-series]").unwrap();
    let mut lines: Vec<String> = sections[0]
        .select(&warmup)
        .map(|l| l.value().attr("data-series").unwrap().to_string())
        .collect();
    lines.sort();
    assert_eq!(lines, with_demand);
    assert_eq!(lines.len(), 7);
    // Dates on the axes.
    assert!(text.contains(">2026-11-26<"), "first date on the axis");
    // Self-contained: no script, no external fonts, styles or images, no links out.
    assert!(select(&doc, "script, link, img, iframe, object, embed").is_empty());
    assert!(!text.contains("http://") && !text.contains("https://") && !text.contains("url("));
    assert_eq!(select(&doc, "style").len(), 1);
}

#[test]
fn hostile_names_cannot_inject_markup() {
    let env = Env::new();
    env.ok(&["config-set", "create", "cs"]);
    env.ok(&[
        "pool",
        "create",
        "p",
        "--config-set",
        "cs",
        "--tag",
        "team=mail",
    ]);
    env.ok(&["identity", "create", "a.example.com", "--config-set", "cs"]);
    env.ok(&["traffic", "set", "cs", "gmail=1000"]);
    env.ok(&["-q", "simulate", "--days", "3"]);
    // sesm refuses such names, so write them into the state as a hand edit would. Pools and
    // their tags are checked on every read (below); identities and configuration sets are
    // checked by `state import`, not on every read, so they can reach the page.
    let hostile = r#"x"><script>alert(1)</script>"#;
    let mut doc = env.state_json();
    let region = &mut doc["Regions"]["us-east-1"];
    region["Identities"] =
        json!({ hostile: {"ConfigurationSet": "cs"}, "a.example.com": {"ConfigurationSet": "cs"} });
    region["ConfigurationSets"][hostile] = json!({"SendingPool": "p"});
    env.write_state(&doc);
    let file = env.path("dash.html");
    env.ok(&["dashboard", "--html", file.to_str().unwrap()]);
    let text = std::fs::read_to_string(&file).unwrap();
    assert!(!text.contains("<script"), "markup was injected");
    let html = Html::parse_document(&text);
    assert!(select(&html, "script").is_empty());
    let names: Vec<String> = select(&html, ".lists span.name")
        .iter()
        .map(|e| e.text().collect())
        .collect();
    assert!(
        names.iter().any(|n| n == hostile),
        "the identity shows, as text: {names:?}"
    );
    assert!(
        names.iter().filter(|n| *n == hostile).count() >= 2,
        "the configuration set shows, as text: {names:?}"
    );
    // The terminal view prints the names as they are, and JSON escapes them as JSON.
    let v = env.json(&["dashboard"]);
    assert!(v.to_string().contains(r#"x\"><script>"#), "{v}");

    // A hostile pool name or tag is a hand edit no command could make: refused on read.
    let mut doc = env.state_json();
    doc["Regions"]["us-east-1"]["Pools"]["p"]["Tags"] = json!({"team": hostile});
    env.write_state(&doc);
    let run = env.refused_with(
        &["dashboard", "--html", file.to_str().unwrap()],
        253,
        "StateError",
        "GetDashboard",
    );
    assert!(run.stderr.contains("pool 'p': T2/T4"), "{}", run.stderr);
}

#[test]
fn json_has_the_figures_the_views_are_drawn_from() {
    let env = demo_env();
    let v = env.json(&["dashboard"]);
    assert_eq!(v["Region"], "us-east-1");
    let m = &v["Pools"][0];
    assert_eq!(m["PoolName"], "marketing");
    assert_eq!(m["ScalingMode"], "MANAGED");
    assert_eq!(m["SendingStatus"], "Sending via dedicated IPs");
    for key in [
        "DedicatedIpCount",
        "DedicatedSendVolumeLast7Days",
        "DedicatedPercentageLast7Days",
        "DeferredLast7Days",
        "ExpiredLast7Days",
        "Isps",
        "Daily",
        "ConfigurationSets",
        "Tags",
        "Identities",
    ] {
        assert!(m.get(key).is_some(), "missing {key}");
    }
    let daily = &m["Daily"];
    let n = daily["Dates"].as_array().unwrap().len();
    assert_eq!(n, 45);
    let col = |k: &str| {
        daily[k]
            .as_array()
            .unwrap()
            .iter()
            .map(|x| x.as_u64().unwrap())
            .collect::<Vec<_>>()
    };
    // The documented behaviours, visible in the figures: early overflow to shared IPs…
    assert!(col("Shared")[0] == col("Demand")[0] && col("Shared")[0] > 0);
    // …later deferral on the promotion day, scaling out and back in…
    assert!(col("Deferred")[30] > 0);
    let events: Vec<i64> = daily["ScaleEvent"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e.as_i64().unwrap())
        .collect();
    assert_eq!(events.iter().filter(|e| **e > 0).count(), 2);
    assert_eq!(events.iter().filter(|e| **e < 0).count(), 1);
    // …and warm-up per ISP at different paces.
    let warm = |isp: &str| -> f64 {
        m["Isps"]
            .as_array()
            .unwrap()
            .iter()
            .find(|i| i["Isp"] == isp)
            .unwrap()["WarmupHistory"][28]
            .as_f64()
            .unwrap()
    };
    assert!(
        warm("gmail") > warm("microsoft") + 10.0,
        "Gmail warms faster than Microsoft"
    );
    // The day's mail, partitioned: dedicated + shared + kept for tomorrow + expired.
    let total = |i: usize| {
        col("Dedicated")[i] + col("Shared")[i] + col("DeferredToNextDay")[i] + col("Expired")[i]
    };
    assert_eq!(
        total(30),
        col("Demand")[30],
        "nothing was queued before the promotion"
    );
    assert!(col("DeferredToNextDay")[30] > 0);
    let days = env.json(&["dashboard", "--days", "7", "--pool", "marketing"]);
    assert_eq!(
        days["Pools"][0]["Daily"]["Dates"].as_array().unwrap().len(),
        7
    );
}

#[test]
fn the_terminal_view_is_plain_when_piped_and_fits_narrow_terminals() {
    let env = demo_env();
    let run = env.ok(&["dashboard"]);
    assert!(!run.stdout.contains('\u{1b}'), "no colour in a pipe");
    for needle in [
        "marketing (MANAGED, 1 IP) · Sending via dedicated IPs",
        "Dedicated, 7 days:",
        "ISP capacity and warm-up",
        "gmail",
        "IP changes:",
        "Cost to date: $",
    ] {
        assert!(
            run.stdout.contains(needle),
            "{needle} missing:\n{}",
            run.stdout
        );
    }
    assert_eq!(env.ok(&["dashboard"]).stdout, run.stdout, "stable output");
    let narrow = Env::new().with_env("COLUMNS", "60");
    narrow.ok(&["demo", "--state", narrow.state.to_str().unwrap()]);
    let out = narrow.ok(&["dashboard"]).stdout;
    let widest = out.lines().map(|l| l.chars().count()).max().unwrap();
    assert!(
        widest <= 60,
        "a line of {widest} characters at COLUMNS=60:\n{out}"
    );
    assert!(
        env.ok(&["--color", "always", "dashboard"])
            .stdout
            .contains('\u{1b}')
    );
}

#[test]
fn dashboard_arguments() {
    let env = demo_env();
    env.refused(
        &["dashboard", "--pool", "nope"],
        "NotFoundException",
        "GetDashboard",
    );
    env.refused_with(
        &["dashboard", "--days", "0"],
        252,
        "InvalidParameter",
        "GetDashboard",
    );
    env.refused_with(
        &["dashboard", "--html", "/nonexistent/dir/x.html"],
        252,
        "InvalidParameter",
        "GetDashboard",
    );
    let empty = Env::new();
    assert!(empty.ok(&["dashboard"]).stdout.contains("No pools"));
    let v: Value = empty.json(&["dashboard"]);
    assert_eq!(v["Pools"], json!([]));
    empty.ok(&["pool", "create", "m", "--managed"]);
    let v = empty.json(&["dashboard"]);
    assert_eq!(v["Pools"][0]["SendingStatus"], "Insufficient volume");
    assert!(
        empty
            .ok(&["dashboard"])
            .stdout
            .contains("No simulated days yet")
    );
}
