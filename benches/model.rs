//! Criterion benchmarks of the hot paths: one simulated day, and loading and saving the state
//! at full quotas. Run with `cargo bench --bench model`.

use std::hint::black_box;

use criterion::{Criterion, criterion_group, criterion_main};
use sesm::fixtures;
use sesm::model::State;
use sesm::sim::World;

/// One day of 5 managed pools with traffic to all 9 ISPs, after 60 days of warm-up so the
/// pools hold their IPs.
fn one_day(c: &mut Criterion) {
    let mut state = State::new(jiff::civil::Date::constant(2026, 1, 1));
    fixtures::add_managed_pools(&mut state, "us-east-1", 5).unwrap();
    sesm::sim::simulate(&mut state, 60, sesm::sim::Demand::Standing).unwrap();
    let world = World::new(&state, &World::standing_senders(&state)).unwrap();
    let demand = world.standing_demand(&state);
    c.bench_function("sim: one day, 5 managed pools x 9 ISPs", |b| {
        b.iter_batched_ref(
            || world.clone(),
            |w| black_box(w.step(black_box(&demand))),
            criterion::BatchSize::SmallInput,
        )
    });
}

fn load_and_save(c: &mut Criterion) {
    let state = fixtures::large_account(365).unwrap();
    let bytes = sesm::store::encode(&state);
    let mut group = c.benchmark_group(format!(
        "store: state of {:.1} MB",
        bytes.len() as f64 / 1e6
    ));
    group.sample_size(20);
    group.bench_function("decode", |b| {
        b.iter(|| sesm::store::decode(black_box(&bytes)).unwrap())
    });
    group.bench_function("encode", |b| {
        b.iter(|| sesm::store::encode(black_box(&state)))
    });
    let dir = tempfile::tempdir().unwrap();
    let store = sesm::store::Store::new(
        dir.path().join("state.json"),
        state.date,
        std::time::Duration::from_secs(5),
    );
    store
        .update(|s| {
            *s = state.clone();
            Ok(())
        })
        .unwrap();
    group.bench_function("update (lock, read, write, fsync, rename)", |b| {
        let mut n = 0u32;
        b.iter(|| {
            n += 1;
            store
                .update(|s| {
                    s.next_ip = 1_000 + n;
                    Ok(())
                })
                .unwrap()
        })
    });
    group.finish();
}

criterion_group!(benches, one_day, load_and_save);
criterion_main!(benches);
