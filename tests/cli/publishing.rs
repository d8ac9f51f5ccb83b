//! Event publishing (issue 20) end to end: `tests/clients/publishing.py` runs its own server and a
//! stdlib HTTP subscriber, makes an SNS event destination with boto3, and checks the
//! confirmation, Send, Delivery through the managed pool's IPs, DeliveryDelay
//! (SendingDeferral) and its outcome, the mailbox simulator's Bounce and Complaint (the
//! complainer then suppressed), the event JSON's fields, a subscriber down for 5 s, and a
//! SIGKILLed server delivering its 100 queued events after a restart.

use std::process::Command;

use crate::harness::Env;
use crate::serve::{client_venv, run_client};

#[test]
fn sns_subscribers_receive_every_event_of_a_managed_pool() {
    let Some(python) = client_venv("new") else {
        crate::harness::skip(
            "the new boto3 environment (target/clients/new)",
            "SESM_REQUIRE_CLIENTS",
            "run .ci/clients",
        );
        return;
    };
    let env = Env::new();
    let script =
        std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/clients/publishing.py");
    run_client(
        "publishing.py",
        Command::new(&python)
            .arg(&script)
            .arg(assert_cmd::cargo::cargo_bin("sesm"))
            .arg(&env.state)
            .env("HOME", env.path("home"))
            // SNS retries after 20 s; 3 s show the retry (the subscriber is down for 5 s, so the
            // third attempt, at 6 s, delivers) without waiting 20.
            .env("SESM_SNS_RETRY_SECONDS", "3"),
    );
}
