//! Sending mail: `sesm send` (and `--explain`), the outbox, and SendEmail over the endpoint
//! under crashes and concurrency.

use std::collections::BTreeSet;
use std::io::Write;
use std::net::TcpStream;
use std::time::{Duration, Instant};

use serde_json::Value;

use crate::harness::Env;
use crate::serve::{Server, read_response};

const OP: &str = "SendEmail";

fn account() -> Env {
    let env = Env::new();
    for args in [
        &["pool", "create", "bulk", "--managed"][..],
        &["config-set", "create", "explicit", "--pool", "bulk"],
        &["config-set", "create", "by-address"],
        &[
            "config-set",
            "create",
            "by-domain",
            "--pool",
            "ses-shared-pool",
        ],
        &[
            "identity",
            "create",
            "shop.example.com",
            "--config-set",
            "by-domain",
        ],
        &[
            "identity",
            "create",
            "vip@shop.example.com",
            "--config-set",
            "by-address",
        ],
        &["identity", "create", "plain@nodefault.org"],
    ] {
        env.ok(args);
    }
    env
}

fn send(env: &Env, args: &[&str]) -> Value {
    let mut all = vec!["send"];
    all.extend_from_slice(args);
    env.json(&all)
}

#[test]
fn routing_follows_the_set_then_the_identity_defaults_then_the_default_way() {
    let env = account();
    let cases: &[(&[&str], Option<&str>, &str, &str)] = &[
        (
            &[
                "--from",
                "news@shop.example.com",
                "--config-set",
                "explicit",
            ],
            Some("explicit"),
            "REQUEST",
            "bulk",
        ),
        (
            &["--from", "vip@shop.example.com"],
            Some("by-address"),
            "ADDRESS_IDENTITY",
            "ses-shared-pool",
        ),
        (
            &["--from", "News@Shop.Example.com"],
            Some("by-domain"),
            "DOMAIN_IDENTITY",
            "ses-shared-pool",
        ),
        (
            &["--from", "plain@nodefault.org"],
            None,
            "NONE",
            "ses-shared-pool",
        ),
    ];
    for (args, set, source, pool) in cases {
        let mut all = args.to_vec();
        all.extend(["--to", "jane@gmail.com"]);
        let r = send(&env, &all);
        assert_eq!(r["ConfigurationSetName"].as_str(), *set, "{args:?}: {r}");
        assert_eq!(r["ConfigurationSetSource"], *source, "{args:?}");
        assert_eq!(r["PoolName"], *pool, "{args:?}");
        assert_eq!(r["Recipients"][0]["Isp"], "gmail");
    }
    // With standard IPs in ses-default-dedicated-pool, mail without a pool goes through them.
    env.ok(&["ip", "lease", "--count", "1"]);
    let r = send(&env, &["--from", "plain@nodefault.org", "--to", "x@y.org"]);
    assert_eq!(r["PoolName"], "ses-default-dedicated-pool");
    // Every message has its own ID, and the outbox has them all, oldest first.
    let out = env.json(&["outbox", "list"]);
    let ids: Vec<&str> = out["Messages"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| m["MessageId"].as_str().unwrap())
        .collect();
    assert_eq!(ids.len(), 5);
    assert_eq!(ids.iter().collect::<BTreeSet<_>>().len(), 5);
}

#[test]
fn ses_refuses_what_ses_refuses_and_nothing_changes() {
    let env = account();
    let many: Vec<String> = (0..51).map(|i| format!("r{i}@gmail.com")).collect();
    let mut too_many = vec!["send", "--from", "news@shop.example.com"];
    for r in &many {
        too_many.extend(["--to", r.as_str()]);
    }
    let cases: Vec<(Vec<&str>, &str, &str)> = vec![
        (
            vec!["send", "--from", "a@unknown.org", "--to", "x@gmail.com"],
            "MessageRejected",
            "Email address is not verified. The following identities failed the check in region US-EAST-1: a@unknown.org",
        ),
        (
            vec![
                "send",
                "--from",
                "news@shop.example.com",
                "--to",
                "x@gmail.com",
                "--config-set",
                "nope",
            ],
            "NotFoundException",
            "Configuration set <nope> does not exist.",
        ),
        (
            too_many.clone(),
            "BadRequestException",
            "SES takes at most 50",
        ),
        (
            vec![
                "send",
                "--from",
                "news@shop.example.com",
                "--to",
                "not-an-address",
            ],
            "BadRequestException",
            // SES's words for an address without '@' (issue 30, item 11).
            "Missing final '@domain'",
        ),
        (
            vec!["send", "--from", "shop.example.com", "--to", "x@gmail.com"],
            "BadRequestException",
            "Missing final '@domain'",
        ),
        (
            vec!["send", "--from", "news@shop.example.com"],
            "BadRequestException",
            "no recipients",
        ),
    ];
    for (args, code, message) in cases {
        let run = env.refused(&args, code, OP);
        assert!(
            Env::message(&run).contains(message),
            "{args:?}: {}",
            run.stderr
        );
    }
    assert!(
        !env.path("state/state.json.outbox").exists(),
        "nothing was accepted"
    );
    // The sender's domain, in any letter case, lets every address of it send.
    send(
        &env,
        &["--from", "anyone@SHOP.example.com", "--to", "x@gmail.com"],
    );
}

#[test]
fn recipients_map_to_the_isp_table_and_the_next_day_sends_them() {
    let env = account();
    let to = [
        ("a@gmail.com", "gmail"),
        ("b@googlemail.com", "gmail"),
        ("c@outlook.com", "microsoft"),
        ("d@hotmail.co.uk", "microsoft"),
        ("e@live.fr", "microsoft"),
        ("f@msn.com", "microsoft"),
        ("g@yahoo.com", "yahoo"),
        ("h@ymail.com", "yahoo"),
        ("i@aol.com", "yahoo"),
        ("j@icloud.com", "apple"),
        ("k@me.com", "apple"),
        ("l@mac.com", "apple"),
        ("m@comcast.net", "comcast"),
        ("n@att.net", "att"),
        ("o@sbcglobal.net", "att"),
        ("p@bellsouth.net", "att"),
        ("q@gmx.de", "gmx"),
        ("r@web.de", "gmx"),
        ("s@orange.fr", "orange"),
        ("t@wanadoo.fr", "orange"),
        ("u@example.net", "other"),
        // By the Public Suffix List's registrable domain: a host under someone else's
        // domain is not the ISP's, and `me.`/`mac.` are Apple's under .com only.
        ("v@live.bbc.com", "other"),
        ("w@me.de", "other"),
        ("x@yahoo.com.au", "yahoo"),
    ];
    let mut args = vec![
        "--from",
        "news@shop.example.com",
        "--config-set",
        "explicit",
        "--count",
        "3",
    ];
    for (addr, _) in &to {
        args.extend(["--to", addr]);
    }
    let r = send(&env, &args);
    for (i, (addr, isp)) in to.iter().enumerate() {
        assert_eq!(r["Recipients"][i]["Address"], *addr);
        assert_eq!(r["Recipients"][i]["Isp"], *isp, "{addr}");
    }
    let day = env.json(&["simulate", "--days", "1"]);
    let bulk: Vec<&Value> = day["Days"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|d| d["PoolName"] == "bulk")
        .collect();
    assert_eq!(bulk.len(), 1);
    let demand = |isp: &str| {
        bulk[0]["Isps"]
            .as_array()
            .unwrap()
            .iter()
            .find(|i| i["Isp"] == isp)
            .map_or(0, |i| i["Demand"].as_u64().unwrap())
    };
    // Three copies to each recipient.
    for (isp, recipients) in [
        ("gmail", 2),
        ("microsoft", 4),
        ("yahoo", 4),
        ("apple", 3),
        ("comcast", 1),
        ("att", 3),
        ("gmx", 2),
        ("orange", 2),
        ("other", 3),
    ] {
        assert_eq!(demand(isp), 3 * recipients, "{isp}");
    }
    // Counted once: the day after sends nothing more.
    let next = env.json(&["simulate", "--days", "1"]);
    assert!(
        next["Days"]
            .as_array()
            .unwrap()
            .iter()
            .all(|d| d["PoolName"] != "bulk" || d["Isps"].as_array().unwrap().is_empty()),
        "{next}"
    );
    // Metrics see them like any other mail: 24 recipients, 3 copies each.
    let m = env.json(&["metrics", "--pool", "bulk", "--metric", "Send"]);
    assert_eq!(m["MetricDataResults"][0]["Values"][0], 72.0);
}

#[test]
fn sends_add_to_standing_traffic_and_to_a_plan() {
    let env = account();
    env.ok(&["traffic", "set", "explicit", "gmail=1000"]);
    send(
        &env,
        &[
            "--from",
            "news@shop.example.com",
            "--config-set",
            "explicit",
            "--to",
            "a@gmail.com",
            "--count",
            "7",
        ],
    );
    let dry = env.json(&["simulate", "--days", "2", "--dry-run"]);
    let gmail: Vec<u64> = dry["Days"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|d| d["PoolName"] == "bulk")
        .map(|d| d["Isps"][0]["Demand"].as_u64().unwrap())
        .collect();
    assert_eq!(
        gmail,
        vec![1007, 1000],
        "the sends go out on the first day only"
    );
    let plan = env.path("plan.csv");
    std::fs::write(&plan, "day,config_set,isp,volume\n1,explicit,gmail,50\n").unwrap();
    let with_plan = env.json(&["simulate", "--days", "2", "--plan", plan.to_str().unwrap()]);
    let gmail: Vec<u64> = with_plan["Days"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|d| d["PoolName"] == "bulk")
        .map(|d| {
            d["Isps"]
                .as_array()
                .unwrap()
                .first()
                .map_or(0, |i| i["Demand"].as_u64().unwrap())
        })
        .collect();
    assert_eq!(
        gmail,
        vec![7, 50],
        "a plan replaces standing traffic, not what was sent"
    );
}

#[test]
fn explain_says_where_a_message_goes_and_what_todays_capacity_does_with_it() {
    let env = account();
    // A managed pool without IPs yet: everything overflows to shared IPs.
    let e = env.json(&[
        "send",
        "--from",
        "news@shop.example.com",
        "--config-set",
        "explicit",
        "--to",
        "a@gmail.com",
        "--explain",
    ]);
    assert_eq!(e["PoolName"], "bulk");
    assert_eq!(e["ConfigurationSetSource"], "REQUEST");
    assert_eq!(e["Isps"][0]["Outcome"], "SHARED", "{e}");
    assert!(
        !env.path("state/state.json.outbox").exists(),
        "--explain sends nothing"
    );
    // A standard pool with a new IP may send 200 a day: within it dedicated, beyond it shared.
    env.ok(&["pool", "create", "std"]);
    env.ok(&["config-set", "create", "std-cs", "--pool", "std"]);
    env.ok(&["ip", "lease", "--count", "1", "--pool", "std"]);
    let within = env.json(&[
        "send",
        "--from",
        "news@shop.example.com",
        "--config-set",
        "std-cs",
        "--to",
        "a@gmail.com",
        "--count",
        "150",
        "--explain",
    ]);
    assert_eq!(within["Isps"][0]["Outcome"], "DEDICATED", "{within}");
    assert_eq!(within["Isps"][0]["CapacityToday"], 200);
    let beyond = env.json(&[
        "send",
        "--from",
        "news@shop.example.com",
        "--config-set",
        "std-cs",
        "--to",
        "a@gmail.com",
        "--count",
        "500",
        "--explain",
    ]);
    assert_eq!(beyond["Isps"][0]["Outcome"], "MIXED", "{beyond}");
    assert_eq!(beyond["Isps"][0]["SentDedicated"], 200);
    assert_eq!(beyond["Isps"][0]["SentShared"], 300);
    // Mail already sent today uses up the capacity.
    send(
        &env,
        &[
            "--from",
            "news@shop.example.com",
            "--config-set",
            "std-cs",
            "--to",
            "a@gmail.com",
            "--count",
            "200",
        ],
    );
    let after = env.json(&[
        "send",
        "--from",
        "news@shop.example.com",
        "--config-set",
        "std-cs",
        "--to",
        "a@gmail.com",
        "--explain",
    ]);
    assert_eq!(after["Isps"][0]["Outcome"], "SHARED", "{after}");
    assert_eq!(after["Isps"][0]["DemandToday"], 201);
    assert_eq!(after["Displaces"], serde_json::json!([]));
    // The warming IP's 200 a day are shared by every ISP: 200 more to Gmail take half of
    // Yahoo's place (split by demand, 200 : 200), and the explanation names Yahoo.
    env.ok(&["config-set", "create", "std-y", "--pool", "std"]);
    env.ok(&["traffic", "set", "std-y", "yahoo=200"]);
    env.ok(&["outbox", "clear"]);
    env.ok(&["simulate", "--days", "1"]);
    env.ok(&["ip", "set-warmup", "198.18.0.1", "0"]);
    let displacing = env.json(&[
        "send",
        "--from",
        "news@shop.example.com",
        "--config-set",
        "std-cs",
        "--to",
        "a@gmail.com",
        "--count",
        "200",
        "--explain",
    ]);
    assert_eq!(
        displacing["Displaces"],
        serde_json::json!([{"Isp": "yahoo", "Messages": 100, "SentShared": 100, "Deferred": 0}]),
        "{displacing}"
    );
    let table = env.ok(&[
        "send",
        "--from",
        "news@shop.example.com",
        "--config-set",
        "std-cs",
        "--to",
        "a@gmail.com",
        "--count",
        "200",
        "--explain",
    ]);
    assert!(
        table
            .stdout
            .contains("this message displaces 100 yahoo messages (to shared IPs)"),
        "{}",
        table.stdout
    );
    // A warm managed pool in its later phase (the demo's promotion has left the 28-day
    // window) defers what it can't carry.
    let demo = Env::new();
    let path = demo.path("demo.json");
    let p = path.to_str().unwrap();
    demo.ok(&["demo", "--days", "70", "--state", p]);
    let late = demo.json(&[
        "--state",
        p,
        "send",
        "--from",
        "news@example.com",
        "--to",
        "a@gmail.com",
        "--count",
        "1000000",
        "--explain",
    ]);
    assert_eq!(late["PoolName"], "marketing");
    assert_eq!(late["ConfigurationSetSource"], "ADDRESS_IDENTITY");
    assert_eq!(late["Isps"][0]["Outcome"], "MIXED", "{late}");
    assert!(late["Isps"][0]["Deferred"].as_u64().unwrap() > 0, "{late}");
    assert_eq!(late["Isps"][0]["SentShared"], 0, "{late}");
    let run = demo.ok(&[
        "--state",
        p,
        "send",
        "--from",
        "news@example.com",
        "--to",
        "a@gmail.com",
        "--explain",
    ]);
    assert!(run.stdout.contains("Nothing was sent"), "{}", run.stdout);
}

/// Model v3: a standard IP that is DONE for SES but that Gmail has never had mail from is
/// accepted V0 = 200 a day; beyond that Gmail defers (no IP is warming, so nothing goes
/// shared). Once Gmail knows it, it accepts twice what it remembers.
#[test]
fn explain_says_what_an_isp_that_does_not_know_a_done_ip_takes_from_it() {
    let env = account();
    env.ok(&["pool", "create", "std"]);
    env.ok(&["config-set", "create", "std-cs", "--pool", "std"]);
    env.ok(&["ip", "lease", "--count", "1", "--pool", "std"]);
    env.ok(&["ip", "set-warmup", "198.18.0.1", "100"]);
    let explain = |count: &str| {
        env.json(&[
            "send",
            "--from",
            "news@shop.example.com",
            "--config-set",
            "std-cs",
            "--to",
            "a@gmail.com",
            "--count",
            count,
            "--explain",
        ])
    };
    let e = explain("500");
    let gmail = &e["Isps"][0];
    assert_eq!(gmail["CapacityToday"], 200, "{e}");
    assert_eq!(gmail["Outcome"], "MIXED", "{e}");
    assert_eq!(gmail["SentDedicated"], 200);
    assert_eq!(gmail["SentShared"], 0);
    assert_eq!(gmail["Deferred"], 300);
    // After a day of 150 to Gmail, it remembers 150 and accepts 300.
    env.ok(&["traffic", "set", "std-cs", "gmail=150"]);
    env.ok(&["-q", "simulate", "--days", "1"]);
    env.ok(&["traffic", "clear", "std-cs"]);
    let e = explain("300");
    assert_eq!(e["Isps"][0]["CapacityToday"], 300, "{e}");
    assert_eq!(e["Isps"][0]["Outcome"], "DEDICATED", "{e}");
}

#[test]
fn the_outbox_filters_and_clears_and_the_mail_still_counts() {
    let env = account();
    send(
        &env,
        &[
            "--from",
            "news@shop.example.com",
            "--to",
            "a@gmail.com",
            "--subject",
            "One",
        ],
    );
    send(
        &env,
        &[
            "--from",
            "news@shop.example.com",
            "--to",
            "b@gmail.com",
            "--cc",
            "a@Gmail.COM",
            "--subject",
            "Two",
        ],
    );
    let to_a = env.json(&["outbox", "list", "--to", "a@gmail.com"]);
    // The same parser as sending: a display name, and any case in the domain part.
    assert_eq!(
        env.json(&["outbox", "list", "--to", "Ann <a@GMAIL.com>"]),
        to_a
    );
    let subjects: Vec<&str> = to_a["Messages"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| m["Subject"].as_str().unwrap())
        .collect();
    assert_eq!(subjects, vec!["One", "Two"]);
    assert_eq!(
        env.json(&["outbox", "list", "--since", "2999-01-01"])["Messages"],
        serde_json::json!([])
    );
    assert_eq!(
        env.json(&["outbox", "list", "--since", "2000-01-01T00:00:00Z"])["Messages"]
            .as_array()
            .unwrap()
            .len(),
        2
    );
    env.refused_with(
        &["outbox", "list", "--since", "yesterday"],
        252,
        "InvalidParameter",
        "ListOutbox",
    );
    let table = env.ok(&["outbox", "list"]);
    assert!(
        table.stdout.contains("news@shop.example.com") && table.stdout.contains("Two"),
        "{}",
        table.stdout
    );
    // Another region's outbox is its own.
    assert_eq!(
        env.json(&["--region", "eu-west-1", "outbox", "list"])["Messages"],
        serde_json::json!([])
    );
    assert_eq!(env.json(&["outbox", "clear"])["Cleared"], 2);
    assert_eq!(
        env.json(&["outbox", "list"])["Messages"],
        serde_json::json!([])
    );
    let day = env.json(&["simulate", "--days", "1"]);
    let shared = day["Days"]
        .as_array()
        .unwrap()
        .iter()
        .find(|d| d["PoolName"] == "ses-shared-pool")
        .unwrap();
    assert_eq!(
        shared["Isps"][0]["Demand"], 3,
        "cleared from the outbox, still sent"
    );
}

/// A SendEmail request body for the raw HTTP tests.
fn send_body_from(from: &str, i: usize) -> String {
    format!(
        r#"{{"FromEmailAddress":"{from}","Destination":{{"ToAddresses":["r{i}@gmail.com"]}},"Content":{{"Simple":{{"Subject":{{"Data":"n{i}"}},"Body":{{"Text":{{"Data":"x"}}}}}}}}}}"#
    )
}

/// The three doors a message comes in by.
#[derive(Clone, Copy, Debug, PartialEq)]
enum Door {
    SesV2,
    V1,
    Smtp,
}

/// A connection to one door, sending one message at a time; `None` once it fails (the
/// server was killed).
enum Conn {
    Http(TcpStream, String),
    Smtp(std::io::BufReader<TcpStream>),
}

impl Conn {
    fn open(door: Door, addr: &str, smtp: &str) -> Option<Conn> {
        if door != Door::Smtp {
            let s = TcpStream::connect(addr).ok()?;
            s.set_read_timeout(Some(Duration::from_secs(10))).ok();
            return Some(Conn::Http(s, addr.to_string()));
        }
        let s = TcpStream::connect(smtp).ok()?;
        s.set_read_timeout(Some(Duration::from_secs(10))).ok();
        let mut c = Conn::Smtp(std::io::BufReader::new(s));
        c.smtp_reply().filter(|r| r.starts_with("220"))?;
        c.smtp("EHLO test").filter(|r| r.starts_with("250"))?;
        // Any credentials on loopback (tests/cli/smtp.rs): AUTH PLAIN user/pass.
        c.smtp("AUTH PLAIN AHVzZXIAcGFzcw==")
            .filter(|r| r.starts_with("235"))?;
        Some(c)
    }

    fn smtp_reply(&mut self) -> Option<String> {
        use std::io::BufRead;
        let Conn::Smtp(r) = self else { return None };
        let mut all = String::new();
        loop {
            let mut line = String::new();
            if r.read_line(&mut line).ok()? == 0 {
                return None;
            }
            all.push_str(&line);
            if line.len() < 4 || line.as_bytes()[3] != b'-' {
                return Some(all.trim_end().to_string());
            }
        }
    }

    fn smtp(&mut self, line: &str) -> Option<String> {
        let Conn::Smtp(r) = self else { return None };
        r.get_mut()
            .write_all(format!("{line}\r\n").as_bytes())
            .ok()?;
        self.smtp_reply()
    }

    /// Sends message `i` from `from`; its ID when acknowledged, else `Err` with the answer
    /// (`None`: the connection failed).
    fn send(
        &mut self,
        door: Door,
        from: &str,
        i: usize,
        body: &str,
    ) -> Result<String, Option<String>> {
        let raw = format!("From: {from}\r\nTo: r{i}@gmail.com\r\nSubject: n{i}\r\n\r\n{body}\r\n");
        match self {
            Conn::Http(s, addr) => {
                let (path, head, req) = match door {
                    Door::SesV2 => (
                        "/v2/email/outbound-emails",
                        "Content-Type: application/json",
                        send_body_from(from, i)
                            .replace(r#""Data":"x""#, &format!(r#""Data":"{body}""#)),
                    ),
                    _ => {
                        use base64::Engine;
                        let data = base64::engine::general_purpose::STANDARD.encode(&raw);
                        let form: String = form_urlencoded::Serializer::new(String::new())
                            .append_pair("Action", "SendRawEmail")
                            .append_pair("Version", "2010-12-01")
                            .append_pair("RawMessage.Data", &data)
                            .finish();
                        (
                            "/",
                            "Content-Type: application/x-www-form-urlencoded\r\nAuthorization: AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20261130/us-east-1/ses/aws4_request, SignedHeaders=host, Signature=00",
                            form,
                        )
                    }
                };
                let req = format!(
                    "POST {path} HTTP/1.1\r\nHost: {addr}\r\n{head}\r\nContent-Length: {}\r\n\r\n{req}",
                    req.len()
                );
                s.write_all(req.as_bytes()).map_err(|_| None)?;
                let r = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| read_response(s)))
                    .map_err(|_| None)?;
                if r.status != 200 {
                    return Err(Some(format!("{} {}", r.status, r.body)));
                }
                let id = if door == Door::SesV2 {
                    let v: Value = serde_json::from_str(&r.body).map_err(|_| None)?;
                    v["MessageId"].as_str().map(str::to_string)
                } else {
                    r.body
                        .split_once("<MessageId>")
                        .and_then(|(_, rest)| rest.split_once("</MessageId>"))
                        .map(|(id, _)| id.to_string())
                };
                id.ok_or(None)
            }
            Conn::Smtp(_) => {
                let ok = |r: Option<String>, code: &str| match r {
                    Some(r) if r.starts_with(code) => Ok(()),
                    other => Err(other),
                };
                ok(self.smtp(&format!("MAIL FROM:<{from}>")), "250")?;
                ok(self.smtp(&format!("RCPT TO:<r{i}@gmail.com>")), "250")?;
                ok(self.smtp("DATA"), "354")?;
                let reply = self.smtp(&format!("{raw}."));
                match reply {
                    Some(r) if r.starts_with("250 Ok ") => Ok(r["250 Ok ".len()..].to_string()),
                    other => Err(other),
                }
            }
        }
    }
}

/// Sends messages by one door until the connection fails; returns the acknowledged message
/// IDs, each also announced on `acks` as it arrives.
fn door_burst(
    door: Door,
    addrs: (String, String),
    from: &str,
    start: usize,
    count: usize,
    acks: std::sync::mpsc::Sender<()>,
) -> Vec<String> {
    let mut acked = Vec::new();
    let Some(mut c) = Conn::open(door, &addrs.0, &addrs.1) else {
        return acked;
    };
    for i in start..start + count {
        match c.send(door, from, i, "x") {
            Ok(id) => acked.push(id),
            Err(_) => break,
        }
        // The receiver stops listening once it has seen enough; later sends just fail.
        let _ = acks.send(());
    }
    acked
}

/// Sends SendEmail requests on one keep-alive connection until it fails; returns the
/// acknowledged message IDs.
fn burst(addr: &str, start: usize, count: usize) -> Vec<String> {
    door_burst(
        Door::SesV2,
        (addr.to_string(), String::new()),
        "news@shop.example.com",
        start,
        count,
        std::sync::mpsc::channel().0,
    )
}

fn outbox_ids(env: &Env) -> BTreeSet<String> {
    env.json(&["outbox", "list"])["Messages"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| m["MessageId"].as_str().unwrap().to_string())
        .collect()
}

/// The message IDs of the event log's events of `kind`.
fn event_ids(env: &Env, kind: &str) -> BTreeSet<String> {
    env.json(&["events", "list", "--type", kind])["Events"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["MessageId"].as_str().unwrap().to_string())
        .collect()
}

/// Sixteen senders at once by the three doors (SESv2 SendEmail, v1 SendRawEmail, SMTP), their
/// sends sharing syncs (group commit), the server SIGKILLed mid-burst: every acknowledged
/// message is in the outbox, and the Send events are exactly the outbox's messages (every
/// message's configuration set publishes Send events): an event follows only accepted mail,
/// and accepted mail has its events.
#[test]
fn a_killed_server_loses_no_acknowledged_message_from_any_door() {
    let env = account();
    env.ok(&[
        "config-set",
        "event-destination",
        "add",
        "by-address",
        "to-sns",
        "--types",
        "SEND",
        "--sns",
        "arn:aws:sns:us-east-1:123456789012:sent",
    ]);
    let doors = [Door::SesV2, Door::V1, Door::Smtp];
    for round in 0..3 {
        let server = Server::start(&env, &["-q"]);
        let addrs = (server.addr(), server.smtp_addr());
        let (acks, acked_so_far) = std::sync::mpsc::channel();
        let senders: Vec<_> = (0..16)
            .map(|t| {
                let (addrs, acks, door) = (addrs.clone(), acks.clone(), doors[t % 3]);
                let start = round * 100_000 + t * 5_000;
                std::thread::spawn(move || {
                    let ids = door_burst(door, addrs, "vip@shop.example.com", start, 5_000, acks);
                    (door, ids)
                })
            })
            .collect();
        drop(acks);
        // Killed mid-burst, once a number of messages were acknowledged (more each round), not
        // after a guessed time: the kill always lands while the senders are sending.
        for _ in 0..300 * (round + 1) {
            acked_so_far
                .recv_timeout(Duration::from_secs(30))
                .expect("the senders stopped before enough messages were acknowledged");
        }
        assert_eq!(server.stop("KILL"), -1, "killed");
        let acked: Vec<(Door, Vec<String>)> =
            senders.into_iter().map(|t| t.join().unwrap()).collect();
        for door in doors {
            assert!(
                acked.iter().any(|(d, ids)| *d == door && !ids.is_empty()),
                "round {round}: nothing acknowledged by {door:?}"
            );
        }
        let kept = outbox_ids(&env);
        let lost: Vec<&String> = acked
            .iter()
            .flat_map(|(_, ids)| ids)
            .filter(|id| !kept.contains(*id))
            .collect();
        assert!(
            lost.is_empty(),
            "round {round}: {} of {} acknowledged messages lost",
            lost.len(),
            acked.iter().map(|(_, ids)| ids.len()).sum::<usize>()
        );
        // Read before any writer ran: the log, with the events of synced frames it lacks.
        assert_eq!(event_ids(&env, "Send"), kept, "round {round}: Send events");
        // The state still loads, and the next write logs what the log lacked.
        env.ok(&["account"]);
        env.ok(&["config-set", "create", &format!("after-{round}")]);
        assert_eq!(event_ids(&env, "Send"), kept, "round {round}: logged");
    }
    let total = outbox_ids(&env).len() as u64;
    let day = env.json(&["simulate", "--days", "1"]);
    let shared = day["Days"]
        .as_array()
        .unwrap()
        .iter()
        .find(|d| d["PoolName"] == "ses-shared-pool")
        .unwrap();
    assert_eq!(shared["Isps"][0]["Demand"], total);
}

/// A local SNS subscriber: confirms its subscription and records the `mail.messageId` of
/// every Send notification, in the order they came.
fn subscriber() -> (String, std::sync::Arc<std::sync::Mutex<Vec<String>>>) {
    use std::io::{BufRead, Read};
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let url = format!("http://{}/sns", listener.local_addr().unwrap());
    let got = std::sync::Arc::new(std::sync::Mutex::new(Vec::new()));
    let seen = got.clone();
    std::thread::spawn(move || {
        for conn in listener.incoming() {
            let Ok(mut conn) = conn else { return };
            let mut reader = std::io::BufReader::new(conn.try_clone().unwrap());
            let mut len = 0;
            loop {
                let mut line = String::new();
                if reader.read_line(&mut line).unwrap_or(0) == 0 || line == "\r\n" {
                    break;
                }
                if let Some((k, v)) = line.split_once(':')
                    && k.eq_ignore_ascii_case("content-length")
                {
                    len = v.trim().parse().unwrap_or(0);
                }
            }
            let mut body = vec![0; len];
            if reader.read_exact(&mut body).is_err() {
                continue;
            }
            let _ = conn
                .write_all(b"HTTP/1.1 200 OK\r\nContent-Length: 0\r\nConnection: close\r\n\r\n");
            let Ok(msg) = serde_json::from_slice::<Value>(&body) else {
                continue;
            };
            if msg["Type"] == "SubscriptionConfirmation" {
                let url = msg["SubscribeURL"].as_str().unwrap().to_string();
                let rest = url.trim_start_matches("http://");
                let (host, path) = rest.split_at(rest.find('/').unwrap());
                crate::serve::request(host, "GET", path, "");
            } else if let Ok(event) =
                serde_json::from_str::<Value>(msg["Message"].as_str().unwrap_or(""))
                && event["eventType"] == "Send"
            {
                let id = event["mail"]["messageId"]
                    .as_str()
                    .unwrap_or("")
                    .to_string();
                seen.lock().unwrap().push(id);
            }
        }
    });
    (url, got)
}

/// `sesm serve` with its files limited to `blocks` (`ulimit -f`): writes past it fail as on a
/// full disk (SIGXFSZ ignored, so the write returns EFBIG), as in tests/reliability.rs.
struct Limited {
    child: std::process::Child,
    addr: String,
    smtp: String,
}

impl Limited {
    fn start(env: &Env, blocks: u32) -> Limited {
        use std::io::BufRead;
        let script = format!(
            "trap '' XFSZ; ulimit -f {blocks}; exec \"$0\" serve --port 0 --smtp-port 0 -q"
        );
        let mut cmd = std::process::Command::new("sh");
        crate::harness::test_env(&mut cmd, env.dir.path(), &env.state);
        let mut child = cmd
            .args(["-c", &script])
            .arg(crate::harness::bin())
            .stdout(std::process::Stdio::piped())
            .stderr(std::process::Stdio::null())
            .spawn()
            .unwrap();
        let mut out = std::io::BufReader::new(child.stdout.take().unwrap());
        let mut line = |prefix: &str| {
            let mut l = String::new();
            out.read_line(&mut l).unwrap();
            l.trim().trim_start_matches(prefix).to_string()
        };
        let addr = line("http://");
        let smtp = line("smtp://");
        Limited { child, addr, smtp }
    }
}

impl Drop for Limited {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// The outbox's and the event log's files, and the state: what a refusal must leave as it was.
fn send_files(env: &Env) -> Vec<(String, Option<Vec<u8>>)> {
    let mut names = vec![
        "state.json".to_string(),
        "state.json.outbox".to_string(),
        "state.json.events".to_string(),
    ];
    if let Ok(dir) = std::fs::read_dir(env.path("state/state.json.mail")) {
        names.extend(
            dir.flatten()
                .map(|e| format!("state.json.mail/{}", e.file_name().to_string_lossy())),
        );
    }
    names
        .into_iter()
        .map(|n| {
            let bytes = std::fs::read(env.path(&format!("state/{n}"))).ok();
            (n, bytes)
        })
        .collect()
}

/// Issue 29, item 8: a send refused because the disk is full (here: the file-size limit)
/// answers an error by every door, and publishes nothing: the state, the outbox and the event
/// log are byte for byte as before, and the subscriber gets the Send events of the accepted
/// mail alone.
#[test]
fn a_send_the_disk_refuses_publishes_no_event() {
    let env = account();
    let topic = "arn:aws:sns:us-east-1:123456789012:sent";
    env.ok(&[
        "config-set",
        "event-destination",
        "add",
        "by-address",
        "to-sns",
        "--types",
        "SEND",
        "--sns",
        topic,
    ]);
    let (url, got) = subscriber();
    env.ok(&["events", "subscribe", topic, &url]);
    // 128 blocks (64 KiB with dash's 512-byte blocks): room for a few small messages and
    // their events, not for a 100 KB one.
    let server = Limited::start(&env, 128);
    let addrs = (server.addr.clone(), server.smtp.clone());
    let from = "vip@shop.example.com";
    let mut acked = Vec::new();
    let mut http = Conn::open(Door::SesV2, &addrs.0, &addrs.1).unwrap();
    let mut smtp = Conn::open(Door::Smtp, &addrs.0, &addrs.1).unwrap();
    for i in 0..2 {
        acked.push(http.send(Door::SesV2, from, i, "x").unwrap());
        acked.push(smtp.send(Door::Smtp, from, 10 + i, "x").unwrap());
    }
    let big = "y".repeat(100_000);
    let before = send_files(&env);
    let refused = http
        .send(Door::SesV2, from, 100, &big)
        .unwrap_err()
        .unwrap();
    assert!(refused.starts_with("500 "), "{refused}");
    assert!(
        refused.contains("the messages were not accepted"),
        "{refused}"
    );
    assert_eq!(
        send_files(&env),
        before,
        "SendEmail refused: the files changed"
    );
    let mut v1 = Conn::open(Door::V1, &addrs.0, &addrs.1).unwrap();
    let refused = v1.send(Door::V1, from, 101, &big).unwrap_err().unwrap();
    assert!(refused.starts_with("500 "), "{refused}");
    assert_eq!(
        send_files(&env),
        before,
        "SendRawEmail refused: the files changed"
    );
    let refused = smtp.send(Door::Smtp, from, 102, &big).unwrap_err().unwrap();
    assert!(!refused.starts_with('2'), "{refused}");
    assert_eq!(send_files(&env), before, "SMTP refused: the files changed");
    // One more accepted message: notifications go in the log's order, so once its Send
    // arrives, any of the refused ones would have come before it.
    let last = http.send(Door::SesV2, from, 200, "x").unwrap();
    acked.push(last.clone());
    let deadline = Instant::now() + Duration::from_secs(60);
    while !got.lock().unwrap().contains(&last) {
        assert!(
            Instant::now() < deadline,
            "the last Send was not delivered: {:?}",
            got.lock().unwrap()
        );
        std::thread::sleep(Duration::from_millis(50));
    }
    let delivered: BTreeSet<String> = got.lock().unwrap().iter().cloned().collect();
    assert_eq!(delivered, acked.iter().cloned().collect::<BTreeSet<_>>());
    drop(server);
    assert_eq!(
        event_ids(&env, "Send"),
        acked.iter().cloned().collect::<BTreeSet<_>>()
    );
    assert_eq!(outbox_ids(&env), acked.into_iter().collect::<BTreeSet<_>>());
}

/// Senders on the endpoint, `sesm send` and other commands at once lose nothing: every
/// acknowledged message is in the outbox and in the next day's demand, every change is in the
/// state.
#[test]
fn parallel_senders_and_commands_lose_nothing() {
    let env = account();
    let server = Server::start(&env, &["-q"]);
    let addr = server.addr();
    let http: Vec<_> = (0..4)
        .map(|t| {
            let addr = addr.clone();
            std::thread::spawn(move || burst(&addr, t * 1_000, 50))
        })
        .collect();
    let cli: Vec<_> = (0..4)
        .map(|t| {
            let env_state = env.state.clone();
            let home = env.dir.path().to_path_buf();
            std::thread::spawn(move || {
                let mut ok = 0;
                for i in 0..25 {
                    let mut cmd = assert_cmd::Command::cargo_bin("sesm").unwrap();
                    cmd.env_clear()
                        .env("HOME", &home)
                        .env("SESM_STATE", &env_state)
                        .env("SESM_TODAY", crate::harness::TODAY);
                    let out = if t % 2 == 0 {
                        cmd.args([
                            "-q",
                            "send",
                            "--from",
                            "news@shop.example.com",
                            "--to",
                            &format!("c{t}-{i}@gmail.com"),
                        ])
                        .output()
                        .unwrap()
                    } else {
                        cmd.args(["-q", "config-set", "create", &format!("par-{t}-{i}")])
                            .output()
                            .unwrap()
                    };
                    assert!(
                        out.status.success(),
                        "{}",
                        String::from_utf8_lossy(&out.stderr)
                    );
                    ok += 1;
                }
                ok
            })
        })
        .collect();
    let acked: Vec<String> = http.into_iter().flat_map(|t| t.join().unwrap()).collect();
    let commands: usize = cli.into_iter().map(|t| t.join().unwrap()).sum();
    assert_eq!(acked.len(), 200);
    assert_eq!(commands, 100);
    let kept = outbox_ids(&env);
    assert!(acked.iter().all(|id| kept.contains(id)));
    assert_eq!(
        kept.len(),
        200 + 50,
        "4 x 50 over HTTP and 2 x 25 from the command line"
    );
    let sets = env.json(&["config-set", "list"]);
    let par = sets["ConfigurationSets"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|n| n.as_str().unwrap().starts_with("par-"))
        .count();
    assert_eq!(par, 50);
    drop(server);
    let day = env.json(&["simulate", "--days", "1"]);
    let shared = day["Days"]
        .as_array()
        .unwrap()
        .iter()
        .find(|d| d["PoolName"] == "ses-shared-pool")
        .unwrap();
    assert_eq!(shared["Isps"][0]["Demand"], 250);
    let _ = Instant::now();
}
