//! Writes the full-quota account of the performance targets to a state file:
//! `cargo run --release --example large_state -- PATH [DAYS]` (DAYS of metrics, default 365).

fn main() {
    let mut args = std::env::args().skip(1);
    let Some(path) = args.next() else {
        eprintln!("usage: large_state PATH [DAYS]");
        std::process::exit(2);
    };
    let days: u32 = args
        .next()
        .map_or(365, |d| d.parse().expect("DAYS is a number"));
    let state = sesm::fixtures::large_account(days).expect("the fixture follows the rules");
    let bytes = sesm::store::encode(&state);
    std::fs::write(&path, &bytes).expect("cannot write the state");
    eprintln!(
        "wrote {path}: {:.2} MB, {} days of metrics",
        bytes.len() as f64 / 1e6,
        days
    );
}
