//! One day of a standard pool (or `ses-default-dedicated-pool` with IPs), model v2
//! (`warmup-model.md`, "Standard pools and the default pool"): warm IPs take at most the ISP's
//! fully-warm capacity `C` each, warming IPs share a time-based cap over all ISPs, and what
//! neither can take goes through shared IPs while a warming IP is in the pool, else the ISP
//! defers it (retried the next day within the retry window, expired past it).

use super::formulas::largest_remainder;
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

/// The pool as routing sees it at the start of the day.
#[derive(Debug, Clone, Copy)]
pub struct StandardPoolDay {
    /// Warm (`DONE`) IPs.
    pub warm: u64,
    /// Warming IPs (p < 100).
    pub warming: usize,
    /// Their summed daily cap `W` over all ISPs.
    pub warming_cap: u64,
}

/// Routes one day of a standard pool: per ISP (table order) its demand `D_i`, deferred queue
/// `Q_i`, capacity per warm IP `C_i` and retry window `R_i` in hours. Returns the routing per
/// ISP and the phase of the pool.
pub fn split_demand(
    pool: StandardPoolDay,
    demand: &[u64],
    queue: &[u64],
    capacity: &[u64],
    retry_hours: &[f64],
) -> (Vec<StandardRouted>, Phase) {
    let n = demand.len();
    let mut out = vec![StandardRouted::default(); n];
    let mut left = vec![0u64; n];
    for i in 0..n {
        let k = pool.warm.saturating_mul(capacity[i]);
        // A retry window beyond a day still retries at most one day's capacity.
        let window = ((k as f64 * retry_hours[i] / 24.0).floor() as u64).min(k);
        let retried = queue[i].min(window);
        let a = demand[i].min(k - retried);
        out[i] = StandardRouted {
            edr: k.saturating_add(pool.warming_cap),
            retried,
            new: a,
            expired: queue[i] - retried,
            ..StandardRouted::default()
        };
        left[i] = demand[i] - a;
    }
    // The warming IPs' cap is shared by every ISP, in proportion to what is left of each.
    let wanted = left.iter().fold(0u64, |s, &r| s.saturating_add(r));
    let b = largest_remainder(pool.warming_cap.min(wanted), &left);
    let phase = if pool.warming > 0 || pool.warm == 0 {
        Phase::Early
    } else {
        Phase::Late
    };
    for i in 0..n {
        let o = &mut out[i];
        o.new += b[i];
        let excess = left[i] - b[i];
        match phase {
            // SES splits warming traffic with its shared IPs; a pool with no IP sends it all
            // there.
            Phase::Early => o.shared = excess,
            // Every IP is warm: the ISP throttles what they can't take (SendingDeferral).
            Phase::Late => {
                let kept = (excess as f64 * (retry_hours[i] / 24.0).min(1.0)).floor() as u64;
                o.deferred = excess;
                o.queue_next = kept;
                o.expired += excess - kept;
            }
        }
    }
    (out, phase)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The ISP table's `C` for gmail, microsoft, yahoo, apple, comcast, att, gmx, orange, other.
    const C: [u64; 9] = [
        200_000, 120_000, 100_000, 30_000, 20_000, 20_000, 15_000, 15_000, 100_000,
    ];
    const GMAIL: usize = 0;
    const ORANGE: usize = 7;

    fn one(i: usize, v: u64) -> Vec<u64> {
        let mut d = vec![0; 9];
        d[i] = v;
        d
    }

    fn conserved(d: &[u64], q: &[u64], r: &[StandardRouted]) {
        for i in 0..d.len() {
            let o = &r[i];
            assert_eq!(
                q[i] + d[i],
                o.dedicated() + o.shared + o.expired + o.queue_next,
                "isp {i}"
            );
        }
    }

    #[test]
    fn one_warm_ip_takes_gmails_capacity_and_defers_the_rest() {
        let pool = StandardPoolDay {
            warm: 1,
            warming: 0,
            warming_cap: 0,
        };
        let d = one(GMAIL, 1_200_000);
        let hours = [14.0; 9];
        // Day 1: 200,000 dedicated; 1,000,000 deferred, 14/24 of it kept for tomorrow.
        let (r, phase) = split_demand(pool, &d, &[0; 9], &C, &hours);
        assert_eq!(phase, Phase::Late);
        let g = &r[GMAIL];
        assert_eq!((g.new, g.retried, g.shared), (200_000, 0, 0));
        assert_eq!(g.deferred, 1_000_000);
        assert_eq!(g.queue_next, 583_333);
        assert_eq!(g.expired, 1_000_000 - 583_333);
        assert_eq!(g.edr, 200_000);
        conserved(&d, &[0; 9], &r);
        // Day 2: the queue goes first, within floor(200,000 × 14/24) = 116,666.
        let q = one(GMAIL, 583_333);
        let (r, _) = split_demand(pool, &d, &q, &C, &hours);
        let g = &r[GMAIL];
        assert_eq!(g.retried, 116_666);
        assert_eq!(g.new, 200_000 - 116_666);
        assert_eq!(g.deferred, 1_200_000 - 83_334);
        assert_eq!(g.queue_next, (1_116_666.0f64 * 14.0 / 24.0).floor() as u64);
        assert_eq!(g.expired, 583_333 - 116_666 + 1_116_666 - g.queue_next);
        conserved(&d, &q, &r);
    }

    #[test]
    fn warming_ips_take_what_the_warm_ones_cannot_and_the_rest_goes_shared() {
        // IPs at 100 %, 50 % and 0 %: one warm IP, caps 3,162 + 200 for the warming ones.
        let pool = StandardPoolDay {
            warm: 1,
            warming: 2,
            warming_cap: 3_162 + 200,
        };
        let d = one(ORANGE, 40_000);
        let (r, phase) = split_demand(pool, &d, &[0; 9], &C, &[14.0; 9]);
        assert_eq!(phase, Phase::Early);
        let o = &r[ORANGE];
        assert_eq!(o.new, 15_000 + 3_362);
        assert_eq!(o.shared, 40_000 - 15_000 - 3_362);
        assert_eq!((o.deferred, o.expired, o.queue_next), (0, 0, 0));
        assert_eq!(o.edr, 15_000 + 3_362);
        // Gmail fits on the warm IP: the whole warming cap stays for Orange.
        let mut d = d;
        d[GMAIL] = 150_000;
        let (r, _) = split_demand(pool, &d, &[0; 9], &C, &[14.0; 9]);
        assert_eq!(r[GMAIL].new, 150_000);
        assert_eq!(r[ORANGE].new, 18_362);
        conserved(&d, &[0; 9], &r);
    }

    #[test]
    fn the_warming_cap_is_split_by_what_is_left_ties_to_the_earlier_isp() {
        let pool = StandardPoolDay {
            warm: 0,
            warming: 1,
            warming_cap: 201,
        };
        let mut d = vec![0; 9];
        d[GMAIL] = 1_000;
        d[ORANGE] = 1_000;
        let (r, _) = split_demand(pool, &d, &[0; 9], &C, &[14.0; 9]);
        assert_eq!((r[GMAIL].new, r[ORANGE].new), (101, 100));
        assert_eq!((r[GMAIL].shared, r[ORANGE].shared), (899, 900));
        assert_eq!(r[GMAIL].edr, 201);
    }

    #[test]
    fn a_pool_without_ips_sends_through_shared_and_expires_its_queue() {
        let pool = StandardPoolDay {
            warm: 0,
            warming: 0,
            warming_cap: 0,
        };
        let d = one(GMAIL, 500);
        let q = one(GMAIL, 70);
        let (r, phase) = split_demand(pool, &d, &q, &C, &[14.0; 9]);
        assert_eq!(phase, Phase::Early);
        assert_eq!(
            (r[GMAIL].shared, r[GMAIL].expired, r[GMAIL].edr),
            (500, 70, 0)
        );
        conserved(&d, &q, &r);
    }

    #[test]
    fn a_retry_window_of_a_day_or_more_keeps_all_deferred_mail() {
        let pool = StandardPoolDay {
            warm: 2,
            warming: 0,
            warming_cap: 0,
        };
        let d = one(ORANGE, 50_000);
        let (r, _) = split_demand(pool, &d, &[0; 9], &C, &[24.0; 9]);
        assert_eq!(
            (r[ORANGE].deferred, r[ORANGE].queue_next, r[ORANGE].expired),
            (20_000, 20_000, 0)
        );
    }
}
