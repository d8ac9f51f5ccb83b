//! One day of a standard pool (or `ses-default-dedicated-pool` with IPs), model v3
//! (`warmup-model.md`, "Standard pools and the default pool"): each ISP accepts from a warm
//! (`DONE`) IP what it remembers the IP sending it (`k_ip,i`, at most its capacity `C`),
//! warming IPs share SES's time-based cap over all ISPs, and what neither can take goes through
//! shared IPs while a warming IP is in the pool, else the ISP defers it (retried the next day
//! within the retry window it was deferred under, expired past it). Then every IP's memory
//! per ISP follows what it delivered.

use super::formulas::{ewma, largest_remainder};
use super::managed::Phase;

/// What routing did with one ISP's mail in a standard pool on one day.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct StandardRouted {
    /// `K_i + W`: what the pool could take for this ISP alone today.
    pub edr: u64,
    /// Yesterday's deferred mail delivered today.
    pub retried: u64,
    /// Today's new mail delivered on dedicated IPs (warm and warming).
    pub new: u64,
    pub shared: u64,
    pub deferred: u64,
    pub expired: u64,
    pub queue_next: u64,
}

impl StandardRouted {
    pub fn dedicated(&self) -> u64 {
        self.retried + self.new
    }
}

/// The pool as routing sees it at the start of the day, its IPs in address order.
#[derive(Debug, Clone, Default)]
pub struct StandardPoolDay {
    /// Per warm (`DONE`) IP, what each ISP (table order) accepts from it today: `k_ip,i`.
    pub warm: Vec<Vec<u64>>,
    /// Per warming IP (p < 100), its daily cap over all ISPs.
    pub warming: Vec<u64>,
}

/// A routed day: per ISP, the pool's phase, and what each IP delivered to each ISP.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StandardDay {
    pub isps: Vec<StandardRouted>,
    pub phase: Phase,
    /// `[warm IP][ISP]`: the retried and new mail each warm IP delivered.
    pub warm_delivered: Vec<Vec<u64>>,
    /// `[warming IP][ISP]`: what each warming IP delivered.
    pub warming_delivered: Vec<Vec<u64>>,
}

/// Routes one day of a standard pool: per ISP (table order) its demand `D_i`, deferred queue
/// `Q_i`, the retry window `R_q,i` (hours) that queue was deferred under, and today's retry
/// window `R_i`.
pub fn split_demand(
    pool: &StandardPoolDay,
    demand: &[u64],
    queue: &[u64],
    queue_hours: &[f64],
    retry_hours: &[f64],
) -> StandardDay {
    split_demand_reserved(pool, demand, queue, queue_hours, retry_hours, &[])
}

/// Per ISP, what a standard pool's day as it opens leaves for the day's new mail on its warm
/// IPs (`K_i − retry_i`); the warming IPs' cap `W`; and the phase of what neither takes.
pub fn opening(
    pool: &StandardPoolDay,
    queue: &[u64],
    queue_hours: &[f64],
) -> (Vec<u64>, u64, Phase) {
    let w: u64 = pool.warming.iter().fold(0, |s, &c| s.saturating_add(c));
    let capacity = (0..queue.len())
        .map(|i| {
            let k: u64 = pool.warm.iter().fold(0, |s, ips| s.saturating_add(ips[i]));
            k - queue[i].min(retry_window(k, queue_hours[i]))
        })
        .collect();
    (capacity, w, phase_of(pool))
}

/// A retry window beyond a day still retries at most one day's capacity.
fn retry_window(k: u64, hours: f64) -> u64 {
    ((k as f64 * hours / 24.0).floor() as u64).min(k)
}

/// Early while the pool has a warming IP (or no IP at all: all of it goes shared), else late.
fn phase_of(pool: &StandardPoolDay) -> Phase {
    if !pool.warming.is_empty() || pool.warm.is_empty() {
        Phase::Early
    } else {
        Phase::Late
    }
}

/// `split_demand` on a day with live sends (`warmup-model.md`, "Live fates"): per ISP,
/// `reserved` is what the day's tracked recipients took at send; they have first claim on
/// the warm IPs (the routing's `a_i` already gives the first `K_i − retry_i` of the demand to
/// whoever came first) and took `warming` of the warming cap `W` first come, first served;
/// the rest of the day's mail shares what is left of `W` in proportion to what is left of
/// it. With nothing reserved this is model v3's routing exactly.
pub fn split_demand_reserved(
    pool: &StandardPoolDay,
    demand: &[u64],
    queue: &[u64],
    queue_hours: &[f64],
    retry_hours: &[f64],
    reserved: &[crate::model::ledger::Taken],
) -> StandardDay {
    let n = demand.len();
    let w: u64 = pool.warming.iter().fold(0, |s, &c| s.saturating_add(c));
    let mut isps = vec![StandardRouted::default(); n];
    let mut left = vec![0u64; n];
    let mut warm_delivered = vec![vec![0u64; n]; pool.warm.len()];
    let mut weights = vec![0u64; pool.warm.len()];
    for i in 0..n {
        for (wt, k) in weights.iter_mut().zip(&pool.warm) {
            *wt = k[i];
        }
        let k: u64 = weights.iter().fold(0, |s, &x| s.saturating_add(x));
        let retried = queue[i].min(retry_window(k, queue_hours[i]));
        let a = demand[i].min(k - retried);
        if retried + a > 0 {
            for (ip, part) in largest_remainder(retried + a, &weights)
                .into_iter()
                .enumerate()
            {
                warm_delivered[ip][i] = part;
            }
        }
        isps[i] = StandardRouted {
            edr: k.saturating_add(w),
            retried,
            new: a,
            expired: queue[i] - retried,
            ..StandardRouted::default()
        };
        left[i] = demand[i] - a;
    }
    // The warming IPs' cap is shared by every ISP, in proportion to what is left of each;
    // each ISP's share is split over the warming IPs in proportion to their caps.
    let (b, _) = share_warming(w, &left, reserved);
    let mut warming_delivered = vec![vec![0u64; n]; pool.warming.len()];
    for (i, &bi) in b.iter().enumerate().filter(|(_, b)| **b > 0) {
        for (ip, part) in largest_remainder(bi, &pool.warming).into_iter().enumerate() {
            warming_delivered[ip][i] = part;
        }
    }
    let phase = phase_of(pool);
    for i in 0..n {
        let o = &mut isps[i];
        o.new += b[i];
        let excess = left[i] - b[i];
        match phase {
            // SES splits warming traffic with its shared IPs; a pool with no IP sends it all
            // there.
            Phase::Early => o.shared = excess,
            // Every IP is warm: the ISP throttles what they can't take (the sending IPs are
            // throttled by the mailbox provider).
            Phase::Late => {
                let kept = (excess as f64 * (retry_hours[i] / 24.0).min(1.0)).floor() as u64;
                o.deferred = excess;
                o.queue_next = kept;
                o.expired += excess - kept;
            }
        }
    }
    StandardDay {
        isps,
        phase,
        warm_delivered,
        warming_delivered,
    }
}

/// The warming cap `W` shared over the ISPs' mail left after the warm IPs (`left`): what the
/// tracked recipients took at send first (`reserved[i].warming`, at most what is left of the
/// ISP and of `W`), then the rest of `W` over the rest of the mail, by largest remainder.
/// Returns each ISP's share and the reserved part of it.
pub fn share_warming(
    w: u64,
    left: &[u64],
    reserved: &[crate::model::ledger::Taken],
) -> (Vec<u64>, Vec<u64>) {
    let mut free = w;
    let mut first = vec![0u64; left.len()];
    let mut rest = left.to_vec();
    for (i, r) in reserved.iter().enumerate().take(left.len()) {
        first[i] = r.warming.min(left[i]).min(free);
        free -= first[i];
        // The tracked recipients beyond the warm IPs: those on warming IPs and those beyond.
        rest[i] = left[i].saturating_sub(r.warming.saturating_add(r.beyond));
    }
    let wanted = rest.iter().fold(0u64, |s, &r| s.saturating_add(r));
    let b = largest_remainder(free.min(wanted), &rest);
    let shares = first.iter().zip(&b).map(|(a, b)| a + b).collect();
    (shares, first)
}

/// What the ISPs remember of one standard IP after a day in which it delivered
/// `delivered[i]` to ISP `i`: each ISP's EWMA follows what it got, the idle count restarts on
/// a day with mail, and on the day it reaches `idle_reset_days` every ISP forgets the IP.
pub fn remember(
    memory: &mut [Option<f64>],
    idle_days: &mut u32,
    delivered: &[u64],
    alpha: f64,
    idle_reset_days: u32,
) {
    for (e, &v) in memory.iter_mut().zip(delivered) {
        *e = ewma(*e, v, alpha);
    }
    if delivered.iter().any(|&v| v > 0) {
        *idle_days = 0;
    } else {
        *idle_days = idle_days.saturating_add(1);
        if *idle_days >= idle_reset_days {
            memory.fill(None);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sim::formulas::accepts;

    /// The ISP table's `C` for gmail, microsoft, yahoo, apple, comcast, att, gmx, orange, other.
    const C: [u64; 9] = [
        200_000, 120_000, 100_000, 30_000, 20_000, 20_000, 15_000, 15_000, 100_000,
    ];
    const GMAIL: usize = 0;
    const YAHOO: usize = 2;
    const ORANGE: usize = 7;
    const H14: [f64; 9] = [14.0; 9];

    fn one(i: usize, v: u64) -> Vec<u64> {
        let mut d = vec![0; 9];
        d[i] = v;
        d
    }

    /// A warm IP every ISP remembers sending it its full capacity.
    fn fully_known() -> Vec<u64> {
        C.to_vec()
    }

    fn conserved(d: &[u64], q: &[u64], r: &StandardDay) {
        for i in 0..d.len() {
            let o = &r.isps[i];
            assert_eq!(
                q[i] + d[i],
                o.dedicated() + o.shared + o.expired + o.queue_next,
                "isp {i}"
            );
            let per_ip: u64 = r.warm_delivered.iter().map(|ip| ip[i]).sum::<u64>()
                + r.warming_delivered.iter().map(|ip| ip[i]).sum::<u64>();
            assert_eq!(per_ip, o.dedicated(), "isp {i}: the IPs deliver it all");
        }
    }

    #[test]
    fn one_known_warm_ip_takes_gmails_capacity_and_defers_the_rest() {
        let pool = StandardPoolDay {
            warm: vec![fully_known()],
            warming: vec![],
        };
        let d = one(GMAIL, 1_200_000);
        // Day 1: 200,000 dedicated; 1,000,000 deferred, 14/24 of it kept for tomorrow.
        let r = split_demand(&pool, &d, &[0; 9], &H14, &H14);
        assert_eq!(r.phase, Phase::Late);
        let g = &r.isps[GMAIL];
        assert_eq!((g.new, g.retried, g.shared), (200_000, 0, 0));
        assert_eq!(g.deferred, 1_000_000);
        assert_eq!(g.queue_next, 583_333);
        assert_eq!(g.expired, 1_000_000 - 583_333);
        assert_eq!(g.edr, 200_000);
        conserved(&d, &[0; 9], &r);
        // Day 2: the queue goes first, within floor(200,000 × 14/24) = 116,666.
        let q = one(GMAIL, 583_333);
        let r = split_demand(&pool, &d, &q, &H14, &H14);
        let g = &r.isps[GMAIL];
        assert_eq!(g.retried, 116_666);
        assert_eq!(g.new, 200_000 - 116_666);
        assert_eq!(g.deferred, 1_200_000 - 83_334);
        assert_eq!(g.queue_next, (1_116_666.0f64 * 14.0 / 24.0).floor() as u64);
        assert_eq!(g.expired, 583_333 - 116_666 + 1_116_666 - g.queue_next);
        conserved(&d, &q, &r);
    }

    #[test]
    fn the_queue_is_retried_within_the_window_it_was_deferred_under() {
        let pool = StandardPoolDay {
            warm: vec![fully_known()],
            warming: vec![],
        };
        let d = one(GMAIL, 100_000);
        let q = one(GMAIL, 90_000);
        // Deferred under 6 hours: floor(200,000 × 6/24) = 50,000 retried, though today's
        // sets allow 14 hours; the rest of the queue expires.
        let mut hours = H14;
        hours[GMAIL] = 6.0;
        let r = split_demand(&pool, &d, &q, &hours, &H14);
        let g = &r.isps[GMAIL];
        assert_eq!((g.retried, g.new), (50_000, 100_000));
        assert_eq!(g.expired, 40_000);
        conserved(&d, &q, &r);
        // Today's window keeps today's excess.
        let r = split_demand(&pool, &one(GMAIL, 400_000), &[0; 9], &H14, &hours);
        let g = &r.isps[GMAIL];
        assert_eq!(g.queue_next, 200_000 / 4);
    }

    #[test]
    fn an_isp_that_does_not_know_a_done_ip_accepts_v0_from_it() {
        // Two DONE IPs no ISP knows: Gmail takes 2 × 200 = 400 and defers the rest.
        let unknown: Vec<u64> = C.iter().map(|&c| accepts(None, 200.0, c, 2.0)).collect();
        let pool = StandardPoolDay {
            warm: vec![unknown.clone(), unknown],
            warming: vec![],
        };
        let d = one(GMAIL, 100_000);
        let r = split_demand(&pool, &d, &[0; 9], &H14, &H14);
        let g = &r.isps[GMAIL];
        assert_eq!((g.new, g.edr, g.deferred), (400, 400, 99_600));
        assert_eq!(r.warm_delivered[0][GMAIL], 200);
        assert_eq!(r.warm_delivered[1][GMAIL], 200);
        conserved(&d, &[0; 9], &r);
    }

    #[test]
    fn warm_ips_share_an_isps_mail_in_proportion_to_what_it_accepts_from_each() {
        let mut a = vec![200; 9];
        let mut b = vec![200; 9];
        a[YAHOO] = 30_000;
        b[YAHOO] = 10_000;
        let pool = StandardPoolDay {
            warm: vec![a, b],
            warming: vec![],
        };
        let d = one(YAHOO, 20_001);
        let r = split_demand(&pool, &d, &[0; 9], &H14, &H14);
        // 3:1, the odd message to the lower address.
        assert_eq!(r.warm_delivered[0][YAHOO], 15_001);
        assert_eq!(r.warm_delivered[1][YAHOO], 5_000);
        conserved(&d, &[0; 9], &r);
    }

    #[test]
    fn warming_ips_take_what_the_warm_ones_cannot_and_the_rest_goes_shared() {
        // IPs at 100 %, 50 % and 0 %: one warm IP, caps 3,162 and 200 for the warming ones.
        let pool = StandardPoolDay {
            warm: vec![fully_known()],
            warming: vec![3_162, 200],
        };
        let d = one(ORANGE, 40_000);
        let r = split_demand(&pool, &d, &[0; 9], &H14, &H14);
        assert_eq!(r.phase, Phase::Early);
        let o = &r.isps[ORANGE];
        assert_eq!(o.new, 15_000 + 3_362);
        assert_eq!(o.shared, 40_000 - 15_000 - 3_362);
        assert_eq!((o.deferred, o.expired, o.queue_next), (0, 0, 0));
        assert_eq!(o.edr, 15_000 + 3_362);
        assert_eq!(
            (
                r.warming_delivered[0][ORANGE],
                r.warming_delivered[1][ORANGE]
            ),
            (3_162, 200)
        );
        // Gmail fits on the warm IP: the whole warming cap stays for Orange.
        let mut d = d;
        d[GMAIL] = 150_000;
        let r = split_demand(&pool, &d, &[0; 9], &H14, &H14);
        assert_eq!(r.isps[GMAIL].new, 150_000);
        assert_eq!(r.isps[ORANGE].new, 18_362);
        conserved(&d, &[0; 9], &r);
    }

    #[test]
    fn the_warming_cap_is_split_by_what_is_left_ties_to_the_earlier_isp() {
        let pool = StandardPoolDay {
            warm: vec![],
            warming: vec![201],
        };
        let mut d = vec![0; 9];
        d[GMAIL] = 1_000;
        d[ORANGE] = 1_000;
        let r = split_demand(&pool, &d, &[0; 9], &H14, &H14);
        assert_eq!((r.isps[GMAIL].new, r.isps[ORANGE].new), (101, 100));
        assert_eq!((r.isps[GMAIL].shared, r.isps[ORANGE].shared), (899, 900));
        assert_eq!(r.isps[GMAIL].edr, 201);
        conserved(&d, &[0; 9], &r);
    }

    #[test]
    fn a_pool_without_ips_sends_through_shared_and_expires_its_queue() {
        let pool = StandardPoolDay::default();
        let d = one(GMAIL, 500);
        let q = one(GMAIL, 70);
        let r = split_demand(&pool, &d, &q, &H14, &H14);
        assert_eq!(r.phase, Phase::Early);
        let g = &r.isps[GMAIL];
        assert_eq!((g.shared, g.expired, g.edr), (500, 70, 0));
        conserved(&d, &q, &r);
    }

    #[test]
    fn a_retry_window_of_a_day_or_more_keeps_all_deferred_mail() {
        let pool = StandardPoolDay {
            warm: vec![fully_known(), fully_known()],
            warming: vec![],
        };
        let d = one(ORANGE, 50_000);
        let r = split_demand(&pool, &d, &[0; 9], &H14, &[24.0; 9]);
        let o = &r.isps[ORANGE];
        assert_eq!((o.deferred, o.queue_next, o.expired), (20_000, 20_000, 0));
    }

    #[test]
    fn memory_follows_what_the_ip_delivered_and_thirty_idle_days_forget_it() {
        let mut m = vec![None, Some(1_000.0), None];
        let mut idle = 5;
        remember(&mut m, &mut idle, &[400, 0, 0], 0.25, 30);
        assert_eq!(m, vec![Some(400.0), Some(750.0), None]);
        assert_eq!(idle, 0);
        idle = 28;
        remember(&mut m, &mut idle, &[0, 0, 0], 0.25, 30);
        assert_eq!((idle, m[0]), (29, Some(300.0)));
        remember(&mut m, &mut idle, &[0, 0, 0], 0.25, 30);
        assert_eq!(idle, 30);
        assert_eq!(m, vec![None, None, None]);
    }

    #[test]
    fn a_steady_ip_in_deferral_grows_what_it_is_accepted_by_a_quarter_a_day() {
        // Demand far above K: each day the IP delivers k = 2 × ewma, so ewma grows by
        // α × 2 + (1 − α) = 1.25 a day until k reaches C.
        let mut e = None;
        let mut idle = 0;
        let mut ks = Vec::new();
        for _ in 0..40 {
            let k = accepts(e, 200.0, 200_000, 2.0);
            ks.push(k);
            let mut m = [e];
            remember(&mut m, &mut idle, &[k], 0.25, 30);
            e = m[0];
        }
        assert_eq!(&ks[..4], &[200, 400, 500, 625]);
        let full = ks.iter().position(|&k| k == 200_000).unwrap();
        assert!((28..=32).contains(&full), "{full}");
    }
}
