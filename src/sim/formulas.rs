//! The model's closed-form pieces (`warmup-model.md`), each a pure function.

/// `allowed(w) = floor(V0 * (C / V0) ^ (w / 100))`: what an IP at warm-up `w` may send to an
/// ISP of capacity `C` in a day.
pub fn allowed(w: f64, v0: f64, capacity: f64) -> u64 {
    (v0 * (capacity / v0).powf(w / 100.0)).floor() as u64
}

/// `w_of(x)`: the warm-up level at which `allowed` reaches `x` (0 up to `V0`, at most 100).
pub fn w_of(x: f64, v0: f64, capacity: f64) -> f64 {
    if x <= v0 {
        0.0
    } else {
        (100.0 * (x / v0).ln() / (capacity / v0).ln()).clamp(0.0, 100.0)
    }
}

/// A standard IP's daily cap at exact warm-up `p`: `floor(cold * (warm / cold) ^ (p / 100))`.
pub fn standard_cap(p: f64, cold: f64, warm: f64) -> u64 {
    (cold * (warm / cold).powf(p / 100.0)).floor() as u64
}

/// The volume average after a day: `v` when unset and `v > 0`, `α·v + (1 − α)·ewma` when set,
/// unset otherwise (a day without mail to an ISP that never had any changes nothing).
pub fn ewma(prev: Option<f64>, v: u64, alpha: f64) -> Option<f64> {
    match prev {
        None if v > 0 => Some(v as f64),
        None => None,
        Some(e) => Some(alpha * v as f64 + (1.0 - alpha) * e),
    }
}

/// `k = min(C, max(V0, floor(H × ewma)))`: what an ISP accepts today from a warm (`DONE`)
/// standard IP it remembers sending it `ewma` a day (`V0` while it does not know the IP).
pub fn accepts(ewma: Option<f64>, v0: f64, capacity: u64, headroom: f64) -> u64 {
    let cold = v0.floor() as u64;
    let known = ewma.map_or(cold, |e| ((headroom * e).floor() as u64).max(cold));
    known.min(capacity)
}

/// A pool's warm-up for an ISP, capacity-weighted: what it can take of the ISP today (`edr`)
/// against the ISP's demand (`reference`: today's, else the largest of the previous days), in
/// percent, at most 100; 0 without demand to measure against.
pub fn capacity_warmup(edr: u64, reference: u64) -> f64 {
    if reference == 0 {
        0.0
    } else {
        (100.0 * edr as f64 / reference as f64).min(100.0)
    }
}

/// Splits `total` into parts proportional to `weights` by the largest-remainder method: each
/// part gets the floor of its quota, and the units left go to the largest remainders, ties to
/// the earlier index. With all weights zero, everything goes nowhere (all parts 0) unless
/// `total` is 0 too; callers never split mail over zero capacity.
pub fn largest_remainder(total: u64, weights: &[u64]) -> Vec<u64> {
    let sum: u128 = weights.iter().map(|&w| u128::from(w)).sum();
    if sum == 0 || total == 0 {
        return vec![0; weights.len()];
    }
    let total128 = u128::from(total);
    let mut parts: Vec<u64> = Vec::with_capacity(weights.len());
    let mut remainders: Vec<(u128, usize)> = Vec::with_capacity(weights.len());
    for (i, &w) in weights.iter().enumerate() {
        let exact = total128 * u128::from(w);
        parts.push((exact / sum) as u64);
        remainders.push((exact % sum, i));
    }
    let given: u64 = parts.iter().sum();
    let mut left = total - given;
    if left == 0 {
        return parts;
    }
    // Largest remainder first; equal remainders go to the earlier index (the indexes differ,
    // so the order is total and an unstable sort gives it).
    remainders.sort_unstable_by(|a, b| b.0.cmp(&a.0).then(a.1.cmp(&b.1)));
    for &(_, i) in &remainders {
        if left == 0 {
            break;
        }
        parts[i] += 1;
        left -= 1;
    }
    parts
}

#[cfg(test)]
mod tests {
    use super::*;

    const V0: f64 = 200.0;
    const GMAIL: f64 = 200_000.0;

    #[test]
    fn allowed_runs_from_v0_to_capacity() {
        assert_eq!(allowed(0.0, V0, GMAIL), 200);
        assert_eq!(allowed(100.0, V0, GMAIL), 200_000);
        // 200 * 1000^0.5 = 6324.55…
        assert_eq!(allowed(50.0, V0, GMAIL), 6324);
        assert_eq!(allowed(100.0, V0, 15_000.0), 15_000);
    }

    #[test]
    fn w_of_inverts_allowed() {
        assert_eq!(w_of(0.0, V0, GMAIL), 0.0);
        assert_eq!(w_of(200.0, V0, GMAIL), 0.0);
        assert_eq!(w_of(10_000_000.0, V0, GMAIL), 100.0);
        for w in [1.0, 12.5, 50.0, 88.0, 99.0] {
            let x = V0 * (GMAIL / V0).powf(w / 100.0);
            assert!((w_of(x, V0, GMAIL) - w).abs() < 1e-9, "{w}");
        }
        // 2 × V0 is a third of the way to 1000 × V0 on a log scale.
        assert!((w_of(400.0, V0, GMAIL) - 100.0 / 3.0 * 2f64.ln() / 10f64.ln()).abs() < 1e-9);
    }

    #[test]
    fn standard_cap_runs_from_200_to_50000() {
        assert_eq!(standard_cap(0.0, 200.0, 50_000.0), 200);
        assert_eq!(standard_cap(100.0, 200.0, 50_000.0), 50_000);
        assert_eq!(standard_cap(50.0, 200.0, 50_000.0), 3162);
    }

    #[test]
    fn ewma_starts_at_the_first_volume_and_then_averages() {
        assert_eq!(ewma(None, 0, 0.25), None);
        assert_eq!(ewma(None, 400, 0.25), Some(400.0));
        assert_eq!(ewma(Some(400.0), 0, 0.25), Some(300.0));
        assert_eq!(ewma(Some(400.0), 800, 0.25), Some(500.0));
    }

    #[test]
    fn an_isp_accepts_twice_what_it_remembers_between_v0_and_c() {
        // Unknown: V0. Known: H × ewma, floored, never below V0, never above C.
        assert_eq!(accepts(None, V0, 200_000, 2.0), 200);
        assert_eq!(accepts(Some(50.0), V0, 200_000, 2.0), 200);
        assert_eq!(accepts(Some(30_000.7), V0, 200_000, 2.0), 60_001);
        assert_eq!(accepts(Some(150_000.0), V0, 200_000, 2.0), 200_000);
        // An ISP whose capacity is below V0 never takes more than it.
        assert_eq!(accepts(None, V0, 150, 2.0), 150);
    }

    #[test]
    fn capacity_warmup_is_the_share_of_the_reference_the_pool_can_take() {
        assert_eq!(capacity_warmup(0, 0), 0.0);
        assert_eq!(capacity_warmup(5_000, 0), 0.0);
        assert_eq!(capacity_warmup(45_000, 100_000), 45.0);
        assert_eq!(capacity_warmup(400_000, 100_000), 100.0);
    }

    #[test]
    fn largest_remainder_splits_exactly() {
        assert_eq!(largest_remainder(10, &[1, 1, 1]), vec![4, 3, 3]);
        assert_eq!(largest_remainder(10, &[0, 1, 1]), vec![0, 5, 5]);
        assert_eq!(largest_remainder(7, &[2, 1]), vec![5, 2]);
        // 5 * 1/3 = 1.67 each: remainders tie, earlier first.
        assert_eq!(largest_remainder(5, &[1, 1, 1]), vec![2, 2, 1]);
        assert_eq!(largest_remainder(0, &[3, 4]), vec![0, 0]);
        assert_eq!(largest_remainder(100, &[0, 0]), vec![0, 0]);
        let big = largest_remainder(u64::MAX / 2, &[u64::MAX / 3, u64::MAX / 3]);
        assert_eq!(big.iter().sum::<u64>(), u64::MAX / 2);
    }
}
