//! `StandardIpsNeeded`: the fewest standard IPs (at least 2) whose run meets the limits, found
//! by running candidates, never by assuming that more IPs never make things worse. They can:
//! a cold IP added to warm ones makes the pool split its excess with shared IPs instead of
//! letting the ISPs defer it (`warmup-model.md`, "Advice").

use std::collections::BTreeMap;

use super::{FEWEST_STANDARD_IPS, OptionOutcome, SEARCHED_IPS};
use crate::error::Result;

/// The standard runs made so far, by IP count, so that no count runs twice.
pub(super) struct Runs<F> {
    run: F,
    done: BTreeMap<u32, OptionOutcome>,
}

impl<F: FnMut(u32) -> Result<OptionOutcome>> Runs<F> {
    pub(super) fn new(run: F) -> Self {
        Runs {
            run,
            done: BTreeMap::new(),
        }
    }

    fn meets(&mut self, n: u32) -> Result<bool> {
        if let Some(o) = self.done.get(&n) {
            return Ok(o.meets_limits);
        }
        let o = (self.run)(n)?;
        let ok = o.meets_limits;
        self.done.insert(n, o);
        Ok(ok)
    }

    /// The run of `n` IPs, made now if it was not.
    pub(super) fn take(&mut self, n: u32) -> Result<OptionOutcome> {
        match self.done.remove(&n) {
            Some(o) => Ok(o),
            None => (self.run)(n),
        }
    }

    /// The smallest `n` from 2 to 100 whose run meets the limits, such that `n − 1` does not
    /// (where `n > 2`), both run; `None` when none of the counts tried meets them.
    ///
    /// 2 is tried first, then the account's own count (`current`, where kept warm IPs can meet
    /// the limits when one cold IP more would not), then 100; between the largest count that
    /// failed below the first that met and that count, bisection, whose every step runs its
    /// count. Where the figures are not monotonic, the answer is still a count that meets the
    /// limits next to one that does not, both run.
    pub(super) fn fewest_meeting(&mut self, current: u32) -> Result<Option<u32>> {
        let mut failed = FEWEST_STANDARD_IPS - 1;
        let mut probes = vec![FEWEST_STANDARD_IPS];
        if (FEWEST_STANDARD_IPS + 1..SEARCHED_IPS).contains(&current) {
            probes.push(current);
        }
        probes.push(SEARCHED_IPS);
        let mut hi = None;
        for n in probes {
            if self.meets(n)? {
                hi = Some(n);
                break;
            }
            failed = n;
        }
        let Some(mut hi) = hi else {
            return Ok(None);
        };
        let mut lo = failed;
        while hi - lo > 1 {
            let mid = lo + (hi - lo) / 2;
            if self.meets(mid)? {
                hi = mid;
            } else {
                lo = mid;
            }
        }
        Ok(Some(hi))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ops::compare::Kind;
    use crate::ops::compare::tests::option;

    /// The search over a made-up `meets(n)`, and the counts it ran.
    fn search(current: u32, meets: impl Fn(u32) -> bool) -> (Option<u32>, Vec<u32>) {
        let ran = std::cell::RefCell::new(Vec::new());
        let mut runs = Runs::new(|n| {
            ran.borrow_mut().push(n);
            let mut o = option(Kind::Standard, 0.0, vec![]);
            o.meets_limits = meets(n);
            Ok(o)
        });
        let found = runs.fewest_meeting(current).unwrap();
        drop(runs);
        (found, ran.into_inner())
    }

    #[test]
    fn two_ips_that_meet_the_limits_end_the_search() {
        assert_eq!(search(0, |_| true), (Some(2), vec![2]));
    }

    #[test]
    fn kept_warm_ips_are_found_where_more_cold_ips_would_fail() {
        // 2 fails, the account's 5 warm IPs meet, 6 to 31 fail (cold IPs send to shared
        // IPs), 32 and more meet: 5, not 32 as bisection over 2..100 alone would say.
        let meets = |n: u32| n == 5 || n >= 32;
        let (found, ran) = search(5, meets);
        assert_eq!(found, Some(5));
        assert!(ran.contains(&4) && !meets(4), "{ran:?}");
        let (found, _) = search(0, meets);
        let n = found.unwrap();
        assert!(meets(n) && !meets(n - 1), "{n}");
    }

    #[test]
    fn the_count_found_meets_and_one_fewer_does_not() {
        for threshold in [3, 6, 17, 64, 99, 100] {
            let (found, ran) = search(0, |n| n >= threshold);
            assert_eq!(found, Some(threshold));
            assert!(ran.contains(&threshold) && ran.contains(&(threshold - 1)));
            assert!(ran.len() <= 10, "{ran:?}");
        }
        assert_eq!(search(0, |_| false).0, None);
        assert_eq!(search(0, |_| false).1, vec![2, 100]);
    }
}
