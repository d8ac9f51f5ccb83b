//! One day of a managed pool: routing per ISP, the warm-up update per IP and ISP, and scaling.

use super::formulas::{largest_remainder, w_of};
use crate::model::IspWarmup;

#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "UPPERCASE")]
pub enum Phase {
    Early,
    Late,
}

/// What routing did with one ISP's mail in one pool on one day.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Routed {
    pub edr: u64,
    pub phase: Phase,
    /// Yesterday's deferred mail delivered today.
    pub retried: u64,
    /// Today's new mail delivered on dedicated IPs.
    pub new: u64,
    pub shared: u64,
    pub deferred: u64,
    /// Mail that ran out of retry window (from yesterday's queue and today's excess).
    pub expired: u64,
    /// Mail deferred today that will be retried tomorrow.
    pub queue_next: u64,
    /// What each IP delivered (`retried + new`, split by `allowed`).
    pub per_ip: Vec<u64>,
}

impl Routed {
    pub fn dedicated(&self) -> u64 {
        self.retried + self.new
    }
}

/// Routing for one pool and ISP (`warmup-model.md`, "Routing").
///
/// `allowed` holds each IP's `allowed(w)` for this ISP at the start of the day; `reference` is
/// the largest demand of the previous days (0 when there was none); `retry_hours` is `R`.
pub fn split_demand(
    allowed: &[u64],
    demand: u64,
    queue: u64,
    reference: u64,
    retry_hours: f64,
    late_threshold: f64,
) -> Routed {
    let edr: u64 = allowed.iter().sum();
    let reference = if reference > 0 { reference } else { demand };
    let phase = if edr > 0 && edr as f64 >= late_threshold * reference as f64 {
        Phase::Late
    } else {
        Phase::Early
    };
    route(allowed, demand, queue, phase, retry_hours, retry_hours)
}

/// The phase of a managed pool's day as it opens, for a day with live sends
/// (`warmup-model.md`, "Live fates"): the same rule with `ref` the largest demand of the
/// previous 28 days, else the day's standing traffic, never the individual sends (so no send
/// flips it); a pool with neither is in its early phase.
pub fn opening_phase(edr: u64, reference: u64, late_threshold: f64) -> Phase {
    if edr > 0 && reference > 0 && edr as f64 >= late_threshold * reference as f64 {
        Phase::Late
    } else {
        Phase::Early
    }
}

/// Routing with the phase given: yesterday's queue retried within `queue_hours` (the window
/// of the day's standing traffic on a day with live sends), then the new mail; the excess
/// of the later phase carried within `retry_hours`.
pub fn route(
    allowed: &[u64],
    demand: u64,
    queue: u64,
    phase: Phase,
    queue_hours: f64,
    retry_hours: f64,
) -> Routed {
    let edr: u64 = allowed.iter().sum();
    let window = (edr as f64 * queue_hours / 24.0).floor() as u64;
    let retried = queue.min(window);
    let mut expired = queue - retried;
    let new = demand.min(edr - retried);
    let excess = demand - new;
    let (shared, deferred, queue_next) = match phase {
        Phase::Early => (excess, 0, 0),
        Phase::Late => {
            let queue_next = (excess as f64 * (retry_hours / 24.0).min(1.0)).floor() as u64;
            expired += excess - queue_next;
            (0, excess, queue_next)
        }
    };
    let per_ip = largest_remainder(retried + new, allowed);
    Routed {
        edr,
        phase,
        retried,
        new,
        shared,
        deferred,
        expired,
        queue_next,
        per_ip,
    }
}

/// What a managed pool's day as it opens leaves for the day's new mail of one ISP: `EDR`
/// less yesterday's queue retried within `queue_hours`.
pub fn opening_capacity(allowed: &[u64], queue: u64, queue_hours: f64) -> u64 {
    let edr: u64 = allowed.iter().sum();
    let window = (edr as f64 * queue_hours / 24.0).floor() as u64;
    edr - queue.min(window)
}

/// The per-ISP constants the warm-up update needs.
#[derive(Debug, Clone, Copy)]
pub struct WarmupParams {
    pub v0: f64,
    pub capacity: f64,
    pub days_to_warm: f64,
    pub headroom: f64,
    pub alpha: f64,
    pub full_use: f64,
    pub idle_reset_days: u32,
}

/// The warm-up update of one IP for one ISP, after routing (`warmup-model.md`).
/// `v` is what the IP delivered to the ISP today; `allowed_before` is `allowed(w)` at the
/// start of the day.
pub fn update_warmup(state: &mut IspWarmup, v: u64, allowed_before: u64, p: &WarmupParams) {
    let v_f = v as f64;
    state.ewma = super::formulas::ewma(state.ewma, v, p.alpha);
    let target = state
        .ewma
        .map_or(0.0, |e| w_of(p.headroom * e, p.v0, p.capacity));
    let step = 100.0 / p.days_to_warm;
    if state.w < target {
        let use_ratio = if allowed_before > 0 {
            v_f / allowed_before as f64
        } else {
            1.0
        };
        let gain = step * (use_ratio / p.full_use).min(1.0);
        state.w = target.min(state.w + gain);
    } else if state.w > target {
        state.w = target.max(state.w - step);
    }
    if v > 0 {
        state.idle_days = 0;
    } else {
        state.idle_days = state.idle_days.saturating_add(1);
        if state.idle_days >= p.idle_reset_days {
            state.w = 0.0;
            state.ewma = None;
        }
    }
}

/// The constants of the scaling rule.
#[derive(Debug, Clone, Copy)]
pub struct ScaleParams {
    pub utilisation: f64,
    pub activation_threshold: u64,
    pub isp_floor: u64,
    pub max_ips: usize,
    pub scale_in_days: u32,
}

/// How many IPs the pool needs (`N_req`), from each ISP's demand history (oldest first, today
/// last; missing days count as 0) and the ISPs' capacities.
pub fn required_ips(
    history: &[&[u64]],
    capacities: &[f64],
    current: usize,
    p: &ScaleParams,
) -> usize {
    fn last(h: &[u64], n: usize) -> &[u64] {
        &h[h.len().saturating_sub(n)..]
    }
    let mut need = 0usize;
    let mut carried3 = 0u64;
    let mut carried7 = 0u64;
    for (h, &c) in history.iter().zip(capacities) {
        let week = last(h, 7);
        let sum7: u64 = week.iter().sum();
        carried7 += sum7;
        carried3 += last(h, 3).iter().sum::<u64>();
        let mean7 = sum7 as f64 / 7.0;
        let peak7 = week.iter().copied().max().unwrap_or(0) as f64;
        if mean7 >= p.isp_floor as f64 {
            let by_mean = (mean7 / (p.utilisation * c)).ceil() as usize;
            let by_peak = (peak7 / c).ceil() as usize;
            need = need.max(by_mean).max(by_peak);
        }
    }
    let carried = if current == 0 { carried3 } else { carried7 };
    if carried >= p.activation_threshold {
        need.clamp(1, p.max_ips)
    } else {
        0
    }
}

/// What scaling decides at the end of a day.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Scale {
    Add(usize),
    Keep,
    /// Remove one IP (the least warm) today.
    RemoveOne,
}

/// The scaling decision, updating the under-use counter.
pub fn scale_decision(
    required: usize,
    current: usize,
    under_use_days: &mut u32,
    p: &ScaleParams,
) -> Scale {
    if required > current {
        *under_use_days = 0;
        Scale::Add(required - current)
    } else if required == current {
        *under_use_days = 0;
        Scale::Keep
    } else {
        *under_use_days += 1;
        if *under_use_days >= p.scale_in_days {
            Scale::RemoveOne
        } else {
            Scale::Keep
        }
    }
}

/// Which IP scale-in removes: the lowest sum of `allowed()` over all ISPs; ties go to the
/// highest address (IPs are given in address order).
pub fn ip_to_remove(allowed_sums: &[u64]) -> Option<usize> {
    allowed_sums
        .iter()
        .enumerate()
        .min_by(|a, b| a.1.cmp(b.1).then(b.0.cmp(&a.0)))
        .map(|(i, _)| i)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn gmail() -> WarmupParams {
        WarmupParams {
            v0: 200.0,
            capacity: 200_000.0,
            days_to_warm: 30.0,
            headroom: 2.0,
            alpha: 0.25,
            full_use: 0.8,
            idle_reset_days: 30,
        }
    }

    fn scale_params() -> ScaleParams {
        ScaleParams {
            utilisation: 0.8,
            activation_threshold: 500,
            isp_floor: 1_000,
            max_ips: 100,
            scale_in_days: 7,
        }
    }

    #[test]
    fn no_ips_means_everything_overflows_to_shared() {
        let r = split_demand(&[], 100_000, 0, 0, 14.0, 0.9);
        assert_eq!(
            (r.edr, r.phase, r.shared, r.dedicated()),
            (0, Phase::Early, 100_000, 0)
        );
    }

    #[test]
    fn early_phase_overflows_the_excess_to_shared() {
        let r = split_demand(&[200, 300], 1_000, 0, 20_000, 14.0, 0.9);
        assert_eq!(r.phase, Phase::Early);
        assert_eq!(r.new, 500);
        assert_eq!(r.shared, 500);
        assert_eq!(r.per_ip, vec![200, 300]);
        assert_eq!((r.deferred, r.expired, r.queue_next), (0, 0, 0));
    }

    #[test]
    fn late_phase_defers_and_expires_beyond_the_retry_window() {
        // EDR 95,000 >= 0.9 × 100,000: LATE. Excess 5,000; R = 12 h keeps half for tomorrow.
        let r = split_demand(&[95_000], 100_000, 0, 100_000, 12.0, 0.9);
        assert_eq!(r.phase, Phase::Late);
        assert_eq!(r.new, 95_000);
        assert_eq!(r.deferred, 5_000);
        assert_eq!(r.queue_next, 2_500);
        assert_eq!(r.expired, 2_500);
        assert_eq!(r.shared, 0);
    }

    #[test]
    fn yesterdays_queue_goes_first_within_the_window() {
        // Window = floor(95,000 × 12 / 24) = 47,500 ≥ 2,500 queued: all retried.
        let r = split_demand(&[95_000], 100_000, 2_500, 100_000, 12.0, 0.9);
        assert_eq!(r.retried, 2_500);
        assert_eq!(r.new, 92_500);
        assert_eq!(r.deferred, 7_500);
        // A 5-minute window retries at most floor(95,000 × (300/3600) / 24) = 329.
        let r = split_demand(&[95_000], 100_000, 2_500, 100_000, 300.0 / 3600.0, 0.9);
        assert_eq!(r.retried, 329);
        assert_eq!(r.deferred, 100_000 - (95_000 - 329));
        // floor(5,329 × (300 / 3600) / 24) = 18 of today's excess stays in the window.
        assert_eq!(r.queue_next, 18);
        assert_eq!(r.expired, 2_500 - 329 + r.deferred - r.queue_next);
    }

    #[test]
    fn reference_falls_back_to_today() {
        let r = split_demand(&[1_000], 1_000, 0, 0, 14.0, 0.9);
        assert_eq!(r.phase, Phase::Late);
        assert_eq!(r.new, 1_000);
    }

    #[test]
    fn routing_conserves_mail() {
        for (allowed, d, q, reference, hours) in [
            (vec![200u64, 7_000], 50_000u64, 900u64, 60_000u64, 14.0),
            (vec![90_000], 100_000, 40_000, 100_000, 1.0),
            (vec![], 10, 10, 0, 14.0),
        ] {
            let r = split_demand(&allowed, d, q, reference, hours, 0.9);
            assert_eq!(q + d, r.dedicated() + r.shared + r.expired + r.queue_next);
            assert_eq!(r.per_ip.iter().sum::<u64>(), r.dedicated());
        }
    }

    #[test]
    fn first_day_of_full_use_gains_a_full_step_capped_by_target() {
        let mut s = IspWarmup::default();
        update_warmup(&mut s, 200, 200, &gmail());
        assert_eq!(s.ewma, Some(200.0));
        // target = w_of(400) = 10.03; step = 3.33 at full use.
        assert!((s.w - 100.0 / 30.0).abs() < 1e-9, "{}", s.w);
        assert_eq!(s.idle_days, 0);
    }

    #[test]
    fn partial_use_gains_a_partial_step() {
        let mut s = IspWarmup::default();
        // Sent 80 of 200 allowed: ratio 0.4 / 0.8 = half a step.
        update_warmup(&mut s, 80, 200, &gmail());
        assert_eq!(s.w, 0.0, "target w_of(160) is 0: nothing to gain");
        let mut s = IspWarmup {
            w: 0.0,
            ewma: Some(1_000.0),
            idle_days: 0,
        };
        update_warmup(&mut s, 100, 200, &gmail());
        assert!((s.w - 100.0 / 30.0 * 0.625).abs() < 1e-9, "{}", s.w);
    }

    #[test]
    fn warmup_decays_towards_a_lower_target() {
        let mut s = IspWarmup {
            w: 80.0,
            ewma: Some(1_000.0),
            idle_days: 0,
        };
        update_warmup(&mut s, 1_000, 50_000, &gmail());
        assert!((s.w - (80.0 - 100.0 / 30.0)).abs() < 1e-9);
        // Never below the target.
        let target = w_of(2_000.0, 200.0, 200_000.0);
        let mut s = IspWarmup {
            w: target + 1.0,
            ewma: Some(1_000.0),
            idle_days: 0,
        };
        update_warmup(&mut s, 1_000, 50_000, &gmail());
        assert!((s.w - target).abs() < 1e-9);
    }

    #[test]
    fn warmup_never_rises_without_mail() {
        let mut s = IspWarmup {
            w: 10.0,
            ewma: Some(100_000.0),
            idle_days: 0,
        };
        update_warmup(&mut s, 0, 1_000, &gmail());
        assert_eq!(s.w, 10.0);
        assert_eq!(s.idle_days, 1);
    }

    #[test]
    fn thirty_idle_days_reset_the_ip() {
        let mut s = IspWarmup {
            w: 90.0,
            ewma: Some(150_000.0),
            idle_days: 28,
        };
        update_warmup(&mut s, 0, 1_000, &gmail());
        assert_ne!(s.w, 0.0);
        update_warmup(&mut s, 0, 1_000, &gmail());
        assert_eq!(s.idle_days, 30);
        assert_eq!((s.w, s.ewma), (0.0, None));
    }

    #[test]
    fn activation_needs_500_messages_over_three_days() {
        let p = scale_params();
        assert_eq!(required_ips(&[&[100, 100, 299]], &[200_000.0], 0, &p), 0);
        assert_eq!(required_ips(&[&[100, 100, 300]], &[200_000.0], 0, &p), 1);
        // Four days back doesn't count for activation…
        assert_eq!(required_ips(&[&[400, 0, 0, 100]], &[200_000.0], 0, &p), 0);
        // …but does to keep IPs.
        assert_eq!(required_ips(&[&[400, 0, 0, 100]], &[200_000.0], 1, &p), 1);
    }

    #[test]
    fn low_capacity_isps_drive_scale_out() {
        let p = scale_params();
        let caps = [200_000.0, 15_000.0];
        let gmail = [50_000u64; 7];
        let orange = [60_000u64; 7];
        // Orange: mean 60,000 / (0.8 × 15,000) = 5; peak 60,000 / 15,000 = 4.
        assert_eq!(required_ips(&[&gmail, &orange], &caps, 1, &p), 5);
        let orange = [6_000u64; 7];
        assert_eq!(required_ips(&[&gmail, &orange], &caps, 1, &p), 1);
        // Below the 1,000/day floor an ISP doesn't count, however small its capacity.
        let tiny = [999u64; 7];
        assert_eq!(required_ips(&[&tiny], &[100.0], 1, &p), 1);
    }

    #[test]
    fn scale_in_waits_seven_days_then_removes_one_a_day() {
        let p = scale_params();
        let mut days = 0;
        for _ in 0..6 {
            assert_eq!(scale_decision(1, 3, &mut days, &p), Scale::Keep);
        }
        assert_eq!(scale_decision(1, 3, &mut days, &p), Scale::RemoveOne);
        assert_eq!(scale_decision(1, 2, &mut days, &p), Scale::RemoveOne);
        assert_eq!(scale_decision(1, 1, &mut days, &p), Scale::Keep);
        assert_eq!(days, 0);
        assert_eq!(scale_decision(4, 1, &mut days, &p), Scale::Add(3));
    }

    #[test]
    fn scale_in_removes_the_coldest_ip_ties_to_highest_address() {
        assert_eq!(ip_to_remove(&[500, 200, 900]), Some(1));
        assert_eq!(ip_to_remove(&[200, 200, 900]), Some(1));
        assert_eq!(ip_to_remove(&[]), None);
    }
}
