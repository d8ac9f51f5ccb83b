//! Fuzzing the endpoint's router and decoders in process: random methods, paths (around the
//! real route templates), headers and bodies. No request may crash the server or answer a
//! 5xx while the state file is healthy, a refused request leaves the file byte for byte, and
//! every error is SESv2-shaped.

use std::time::Duration;

use proptest::prelude::*;
use sesm::server::Api;
use sesm::server::http::Request;
use sesm::server::sesv2::routes::ROUTES;
use sesm::store::Store;

fn account() -> (tempfile::TempDir, Store) {
    let dir = tempfile::tempdir().unwrap();
    let store = Store::new(
        dir.path().join("state.json"),
        jiff::civil::Date::constant(2026, 11, 30),
        Duration::from_secs(5),
    );
    store
        .update(|s| {
            sesm::fixtures::demo::build(s, "us-east-1")?;
            s.region_mut("us-east-1")
                .create_identity("News+x@example.com", None, &[])?;
            Ok(())
        })
        .unwrap();
    (dir, store)
}

/// A path: a real template with its labels filled at random, or random segments.
fn path() -> impl Strategy<Value = String> {
    let label = prop_oneof![
        Just("marketing".to_string()),
        Just("newsletters".to_string()),
        Just("198.18.0.1".to_string()),
        Just("News%2Bx%40example.com".to_string()),
        Just("ses-shared-pool".to_string()),
        Just("%ff".to_string()),
        Just("".to_string()),
        "[a-zA-Z0-9%+@./_-]{0,20}",
    ];
    let template =
        (0..ROUTES.len(), proptest::collection::vec(label, 4)).prop_map(|(i, labels)| {
            let mut out = String::new();
            let mut n = 0;
            for part in ROUTES[i].1.trim_start_matches('/').split('/') {
                out.push('/');
                if part.starts_with('{') {
                    out.push_str(&labels[n % labels.len()]);
                    n += 1;
                } else {
                    out.push_str(part);
                }
            }
            out
        });
    let query = prop_oneof![
        Just(String::new()),
        Just("?PageSize=2".to_string()),
        Just("?PageSize=-1&NextToken=x".to_string()),
        Just("?PoolName=marketing&NextToken=n16d61726b6574696e67".to_string()),
        Just("?ResourceArn=arn%3Aaws%3Ases%3Aus-east-1%3A123456789012%3Adedicated-ip-pool%2Fmarketing&TagKeys=team".to_string()),
        "\\?[a-zA-Z=&%0-9]{0,30}",
    ];
    // The console's pages and forms (`/console/…`), their names filled in the same way.
    let console = (
        prop_oneof![
            Just("/console"),
            Just("/console/create-pool"),
            Just("/console/create-pool/check"),
            Just("/console/pools/{}"),
            Just("/console/pools/{}/tags"),
            Just("/console/pools/{}/delete"),
            Just("/console/pools/{}/scaling"),
            Just("/console/config-sets/{}"),
            Just("/console/config-sets/{}/delivery"),
            Just("/console/mail"),
            Just("/console/mail/{}"),
            Just("/console/mail/{}/attachments/{}"),
            Just("/console/simulate"),
            Just("/console/compare"),
            Just("/console/static/console.css"),
        ],
        "[a-zA-Z0-9%+@./_-]{0,16}",
    )
        .prop_map(|(t, label)| t.replace("{}", &label));
    (
        prop_oneof![3 => template, 1 => "(/[a-z0-9%-]{0,12}){0,6}", 1 => console],
        query,
    )
        .prop_map(|(p, q)| format!("{p}{q}"))
}

fn body() -> impl Strategy<Value = Vec<u8>> {
    let json_value = prop_oneof![
        Just(serde_json::json!("marketing")),
        Just(serde_json::json!("MANAGED")),
        Just(serde_json::json!(5)),
        Just(serde_json::json!(-1)),
        Just(serde_json::json!(1e300)),
        Just(serde_json::json!(true)),
        Just(serde_json::json!(null)),
        Just(serde_json::json!([{"Key": "a", "Value": "b"}])),
        Just(serde_json::json!({"SendingPoolName": "nope", "MaxDeliverySeconds": 1})),
        "[a-zA-Z:/ ]{0,12}".prop_map(serde_json::Value::from),
    ];
    let member = prop_oneof![
        Just("PoolName"),
        Just("ScalingMode"),
        Just("Tags"),
        Just("ConfigurationSetName"),
        Just("DeliveryOptions"),
        Just("EmailIdentity"),
        Just("WarmupPercentage"),
        Just("DestinationPoolName"),
        Just("ResourceArn"),
        Just("SendingPoolName"),
        Just("AutoWarmupEnabled"),
        Just("Filter"),
        Just("PageSize"),
        Just("NextToken"),
        Just("VdmOptions"),
    ];
    let object = proptest::collection::btree_map(member, json_value, 0..5)
        .prop_map(|m| serde_json::to_vec(&m).unwrap());
    prop_oneof![
        4 => object,
        1 => proptest::collection::vec(any::<u8>(), 0..64),
        1 => Just(b"[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[".to_vec()),
    ]
}

fn request() -> impl Strategy<Value = Request> {
    let method = prop_oneof![
        Just("GET".to_string()),
        Just("POST".to_string()),
        Just("PUT".to_string()),
        Just("DELETE".to_string()),
        Just("PATCH".to_string()),
        "[A-Z]{1,8}",
    ];
    let auth = prop_oneof![
        Just(None),
        Just(Some(
            "AWS4-HMAC-SHA256 Credential=AK/20261130/eu-west-1/ses/aws4_request, Signature=0"
                .to_string()
        )),
        Just(Some(
            "AWS4-HMAC-SHA256 Credential=AK/20261130/not a region/ses".to_string()
        )),
        "[ -~]{0,40}".prop_map(Some),
    ];
    (method, path(), auth, body()).prop_map(|(method, target, auth, body)| Request {
        method,
        target,
        headers: auth
            .map(|a| vec![("Authorization".to_string(), a)])
            .unwrap_or_default(),
        body,
    })
}

proptest! {
    #![proptest_config(ProptestConfig {
        cases: std::env::var("PROPTEST_CASES").ok().and_then(|v| v.parse().ok()).unwrap_or(256),
        ..ProptestConfig::default()
    })]

    #[test]
    fn no_request_crashes_the_server_or_changes_the_state_when_refused(
        requests in proptest::collection::vec(request(), 1..8)
    ) {
        let (_dir, store) = account();
        let api = Api::new(store.clone(), "us-east-1".to_string()).unwrap();
        for req in &requests {
            let before = std::fs::read(store.path()).unwrap();
            let handled = api.handle(req);
            let r = &handled.response;
            if req.target.starts_with("/console") {
                // The console answers pages: a post without the run's token (which a fuzzer
                // can't know) is refused, and nothing but a page or a redirect comes back.
                prop_assert!(
                    matches!(r.status, 200 | 303 | 400 | 403 | 404 | 405),
                    "{} {} -> {} {}", req.method, req.target, r.status, String::from_utf8_lossy(&r.body)
                );
                if req.method == "POST" {
                    prop_assert_eq!(r.status, 403, "{} {}", req.method, req.target);
                }
                if r.status != 200 || req.method != "GET" {
                    prop_assert_eq!(std::fs::read(store.path()).unwrap(), before, "{} {}", req.method, req.target);
                }
                continue;
            }
            // `POST /` is the query protocol (SES v1, STS): XML, and 403 for an unsigned v1
            // request.
            let query = req.method == "POST" && req.target.split('?').next() == Some("/");
            prop_assert!(
                matches!(r.status, 200 | 400 | 404 | 405 | 501) || (query && r.status == 403),
                "{} {} -> {} {}", req.method, req.target, r.status, String::from_utf8_lossy(&r.body)
            );
            prop_assert!(r.headers.iter().any(|(k, _)| k == "x-amzn-RequestId"));
            if r.status != 200 {
                prop_assert_eq!(std::fs::read(store.path()).unwrap(), before, "{} {}", req.method, req.target);
                let xml = r.headers.iter().any(|(k, v)| k.eq_ignore_ascii_case("content-type") && v.contains("xml"));
                if xml {
                    let body = String::from_utf8_lossy(&r.body);
                    prop_assert!(body.contains("<Code>") && body.contains("<Message>"), "{}", body);
                } else {
                    let v: serde_json::Value = serde_json::from_slice(&r.body).unwrap();
                    prop_assert!(v["message"].is_string());
                }
                prop_assert!(r.headers.iter().any(|(k, _)| k == "X-Amzn-ErrorType"));
            }
        }
        // The state still loads and keeps its invariants.
        let s = store.load().unwrap();
        prop_assert!(s.check().is_ok());
    }
}
