//! Property tests of the live clock's reservation rule (`warmup-model.md`, "Live fates"):
//! reservations never change a day without individual sends, and what individual sends were
//! given at send (first come, first served, by `sim::live::choose`) plus the standing
//! traffic's share always equals the closed day, per ISP, for managed and standard pools.

use proptest::prelude::*;
use sesm::model::ledger::{Outcome, Taken};
use sesm::sim::live::{Beyond, OpenDay, choose};
use sesm::sim::managed::{self, Phase};
use sesm::sim::standard::{self, StandardPoolDay};

const N: usize = 9;

fn pool() -> impl Strategy<Value = StandardPoolDay> {
    (
        proptest::collection::vec(proptest::collection::vec(0u64..3_000, N), 0..3),
        proptest::collection::vec(0u64..2_000, 0..3),
    )
        .prop_map(|(warm, warming)| StandardPoolDay { warm, warming })
}

fn per_isp(max: u64) -> impl Strategy<Value = Vec<u64>> {
    proptest::collection::vec(prop_oneof![Just(0u64), 0..max], N)
}

/// Individual sends in send order (each an ISP), decided as `ops::live` decides them;
/// returns the reservations per ISP.
fn decide(open: &OpenDay, order: &[usize]) -> Vec<Taken> {
    let mut taken = vec![Taken::default(); N];
    for &i in order {
        let warming: u64 = taken.iter().map(|t| t.warming).sum();
        let outcome = choose(open, i, taken[i], warming);
        taken[i].add(outcome);
    }
    taken
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    #[test]
    fn reservations_never_change_a_day_without_individual_sends(
        p in pool(), d in per_isp(10_000), q in per_isp(3_000),
        qh in proptest::collection::vec(1.0f64..48.0, N), rh in proptest::collection::vec(1.0f64..48.0, N),
    ) {
        let plain = standard::split_demand(&p, &d, &q, &qh, &rh);
        prop_assert_eq!(&standard::split_demand_reserved(&p, &d, &q, &qh, &rh, &[]), &plain);
        let zero = vec![Taken::default(); N];
        prop_assert_eq!(&standard::split_demand_reserved(&p, &d, &q, &qh, &rh, &zero), &plain);
    }

    #[test]
    fn live_plus_standing_is_the_closed_standard_day(
        p in pool(), standing in per_isp(5_000), q in per_isp(3_000),
        qh in proptest::collection::vec(1.0f64..48.0, N), rh in proptest::collection::vec(1.0f64..48.0, N),
        order in proptest::collection::vec(0usize..N, 0..3_000),
    ) {
        let (capacity, warming, phase) = standard::opening(&p, &q, &qh);
        let beyond = if phase == Phase::Early { Beyond::Shared } else { Beyond::Deferred };
        let open = OpenDay { isps: vec![String::new(); N], capacity, warming, beyond: vec![beyond; N] };
        let taken = decide(&open, &order);
        let demand: Vec<u64> = (0..N).map(|i| standing[i] + taken[i].total()).collect();
        let day = standard::split_demand_reserved(&p, &demand, &q, &qh, &rh, &taken);
        for i in 0..N {
            let r = &day.isps[i];
            let live_dedicated = taken[i].dedicated + taken[i].warming;
            let std_dedicated = r.new.checked_sub(live_dedicated);
            prop_assert!(std_dedicated.is_some(), "isp {}: new {} < live {}", i, r.new, live_dedicated);
            let beyond = r.shared + r.deferred;
            prop_assert!(beyond >= taken[i].beyond, "isp {}: beyond {} < live {}", i, beyond, taken[i].beyond);
            // The standing share is what the live events leave of the day, and adds up.
            prop_assert_eq!(std_dedicated.unwrap() + beyond - taken[i].beyond, standing[i]);
            if taken[i].beyond > 0 {
                prop_assert_eq!(std_dedicated.unwrap(), 0, "isp {}: standing took what sends went beyond", i);
            }
        }
    }

    #[test]
    fn live_plus_standing_is_the_closed_managed_day(
        allowed in proptest::collection::vec(200u64..50_000, 0..4), queue in 0u64..40_000,
        history in 0u64..200_000, standing in 0u64..100_000, individual in 0u64..100_000,
        qh in 1.0f64..24.0, rh in 1.0f64..24.0,
    ) {
        let edr: u64 = allowed.iter().sum();
        let phase = managed::opening_phase(edr, if history > 0 { history } else { standing }, 0.9);
        let open = OpenDay {
            isps: vec![String::new()],
            capacity: vec![managed::opening_capacity(&allowed, queue, qh)],
            warming: 0,
            beyond: vec![if phase == Phase::Late { Beyond::Deferred } else { Beyond::Shared }],
        };
        let taken = decide(&open, &vec![0; individual as usize])[0];
        let r = managed::route(&allowed, standing + individual, queue, phase, qh, rh);
        let std_dedicated = r.new - taken.dedicated;
        prop_assert_eq!(std_dedicated, standing.min(open.capacity[0] - taken.dedicated));
        prop_assert_eq!(r.shared + r.deferred, taken.beyond + standing - std_dedicated);
        if taken.beyond > 0 {
            prop_assert_eq!(std_dedicated, 0);
        }
    }
}

#[test]
fn the_warming_cap_goes_to_reservations_first_then_in_proportion() {
    // W = 300; Gmail's sends took 250 of it; what is left (50) is split 1:3 by the rest.
    let mut gmail = Taken::default();
    for _ in 0..250 {
        gmail.add(Outcome::Warming);
    }
    let reserved = [gmail, Taken::default(), Taken::default()];
    let (shares, first) = standard::share_warming(300, &[400, 100, 300], &reserved);
    assert_eq!(first, vec![250, 0, 0]);
    // The rest: Gmail 150 beyond its reservation, Microsoft 100, Yahoo 300 → 50 × (150, 100, 300) / 550.
    assert_eq!(shares.iter().sum::<u64>(), 300);
    assert_eq!(shares, vec![250 + 14, 9, 27]);
    // Reservations beyond what is left of the cap are clamped to it.
    let (shares, first) = standard::share_warming(100, &[400, 100, 0], &reserved);
    assert_eq!((first, shares), (vec![100, 0, 0], vec![100, 0, 0]));
}

#[test]
fn a_managed_day_opens_with_its_phase_frozen() {
    // No history: the standing traffic is the reference; none at all: the early phase.
    assert_eq!(managed::opening_phase(1_000, 1_000, 0.9), Phase::Late);
    assert_eq!(managed::opening_phase(1_000, 2_000, 0.9), Phase::Early);
    assert_eq!(managed::opening_phase(1_000, 0, 0.9), Phase::Early);
    assert_eq!(managed::opening_phase(0, 10, 0.9), Phase::Early);
    // The queue's retry comes first: EDR 1,000, queue 800, 12 h → 500 retried, 500 left.
    assert_eq!(managed::opening_capacity(&[400, 600], 800, 12.0), 500);
    assert_eq!(managed::opening_capacity(&[400, 600], 100, 12.0), 900);
    // With the phase given, routing is v3's for the same phase and window.
    let v3 = managed::split_demand(&[1_000], 3_000, 0, 1_000, 14.0, 0.9);
    assert_eq!(
        managed::route(&[1_000], 3_000, 0, Phase::Late, 14.0, 14.0),
        v3
    );
}

#[test]
fn a_recipient_takes_capacity_then_the_warming_cap_then_goes_beyond() {
    let open = OpenDay {
        isps: vec!["gmail".into(), "yahoo".into()],
        capacity: vec![2, 0],
        warming: 1,
        beyond: vec![Beyond::Deferred, Beyond::Shared],
    };
    let t = |d: u64| Taken {
        dedicated: d,
        warming: 0,
        beyond: 0,
    };
    assert_eq!(choose(&open, 0, t(1), 0), Outcome::Dedicated);
    assert_eq!(choose(&open, 0, t(2), 0), Outcome::Warming);
    assert_eq!(choose(&open, 0, t(2), 1), Outcome::Deferred);
    assert_eq!(choose(&open, 1, t(0), 1), Outcome::Shared);
}
