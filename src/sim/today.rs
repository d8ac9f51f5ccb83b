//! A pool's capacity per ISP as of the account's clock, for the views that show a pool
//! between runs (`pool get`, the console): what routing would see at the start of the next
//! simulated day, from the IPs' state alone.

use super::formulas::{accepts, allowed, standard_cap};
use crate::model::{Ip, IpWarmup, ModelParams};

/// Per ISP (table order), what the IPs could take of it today: a managed pool's
/// `Σ allowed(w)`; a standard pool's `K_i + W` (what each ISP accepts from the warm IPs, plus
/// the warming IPs' summed cap).
pub fn capacity_today<'a>(params: &ModelParams, ips: impl IntoIterator<Item = &'a Ip>) -> Vec<u64> {
    let mut out = vec![0u64; params.isps.len()];
    let mut warming = 0u64;
    for ip in ips {
        match &ip.warmup {
            IpWarmup::Managed { isps } => {
                for (o, isp) in out.iter_mut().zip(&params.isps) {
                    let w = isps.get(&isp.isp).map_or(0.0, |s| s.w);
                    let c = isp.fully_warm_daily_capacity_per_ip as f64;
                    *o = o.saturating_add(allowed(w, params.cold_allowance, c));
                }
            }
            IpWarmup::Standard {
                start,
                days,
                memory,
            } => {
                let p = IpWarmup::standard_percent(*start, *days);
                if p < 100.0 {
                    let cap = standard_cap(p, params.standard_cold_cap, params.standard_warm_cap);
                    warming = warming.saturating_add(cap);
                    continue;
                }
                for (o, isp) in out.iter_mut().zip(&params.isps) {
                    let k = accepts(
                        memory.ewma.get(&isp.isp).copied(),
                        params.cold_allowance,
                        isp.fully_warm_daily_capacity_per_ip,
                        params.headroom,
                    );
                    *o = o.saturating_add(k);
                }
            }
        }
    }
    out.iter().map(|k| k.saturating_add(warming)).collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{IspMemory, IspWarmup};

    fn ip(warmup: IpWarmup) -> Ip {
        Ip {
            pool: "p".into(),
            warmup,
        }
    }

    #[test]
    fn a_standard_pool_takes_what_its_isps_accept_plus_the_warming_cap() {
        let m = ModelParams::default();
        let known = IpWarmup::Standard {
            start: 100.0,
            days: 0,
            memory: IspMemory {
                ewma: [("gmail".to_string(), 30_000.0)].into(),
                idle_days: 0,
            },
        };
        let ips = [ip(known), ip(IpWarmup::standard(50.0))];
        let c = capacity_today(&m, &ips);
        // Gmail: 2 × 30,000 + 3,162; Yahoo doesn't know the IP: V0 + 3,162.
        assert_eq!(c[0], 60_000 + 3_162);
        assert_eq!(c[2], 200 + 3_162);
    }

    #[test]
    fn a_managed_pool_takes_the_sum_of_allowed() {
        let m = ModelParams::default();
        let isps = [(
            "gmail".to_string(),
            IspWarmup {
                w: 50.0,
                ewma: None,
                idle_days: 0,
            },
        )]
        .into();
        let c = capacity_today(&m, &[ip(IpWarmup::Managed { isps })]);
        assert_eq!((c[0], c[1]), (6_324, 200));
    }
}
