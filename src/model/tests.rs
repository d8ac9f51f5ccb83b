//! The account's own tests (`model/mod.rs`).
use super::*;

#[test]
fn dates() {
    assert_eq!(
        parse_date("2026-02-28", "x").unwrap(),
        Date::constant(2026, 2, 28)
    );
    for bad in ["2026-02-30", "2026-2-3", "20260203", "tomorrow", ""] {
        assert!(parse_date(bad, "x").is_err(), "{bad}");
    }
}

#[test]
fn addresses_start_at_198_18_0_1_and_stop_before_broadcast() {
    let mut s = State::new(Date::constant(2026, 1, 1));
    assert_eq!(s.allocate_ip(), Some(Ipv4Addr::new(198, 18, 0, 1)));
    assert_eq!(s.allocate_ip(), Some(Ipv4Addr::new(198, 18, 0, 2)));
    s.next_ip = (1 << 17) - 2;
    assert_eq!(s.allocate_ip(), Some(Ipv4Addr::new(198, 19, 255, 254)));
    assert_eq!(s.allocate_ip(), None);
    assert_eq!(s.ips_left(), 0);
}

#[test]
fn partitions() {
    assert_eq!(State::partition("us-east-1"), "aws");
    assert_eq!(State::partition("us-gov-west-1"), "aws-us-gov");
    assert_eq!(State::partition("cn-north-1"), "aws-cn");
}

#[test]
fn standard_percent_is_computed_from_days() {
    assert_eq!(IpWarmup::standard_percent(0.0, 45), 100.0);
    assert!((IpWarmup::standard_percent(0.0, 9) - 20.0).abs() < 1e-9);
    assert_eq!(IpWarmup::standard_percent(90.0, 10), 100.0);
}
