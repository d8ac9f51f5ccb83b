//! The memory request bodies and SMTP messages may hold at once. Each holder is charged for
//! what it has received (its buffer's capacity, times what decoding will build from it), never
//! for what it announced: a client that declares 41 MB and sends nothing holds nothing
//! (issue 29, item 12). A holder that needs more than is free waits, until its deadline, for
//! others to release; other holders that fit pass it, so a small request never queues behind a
//! large one.
//!
//! Charging as bytes arrive can stall: every holder waiting for room the others hold. When that
//! happens the youngest waiter holding something is refused (503 / SMTP 454) and releases, so
//! the older ones go on — the wound-wait rule of lock managers. A holder still receiving is not
//! waiting, so a slow client makes the others wait (its bytes are real memory), never stall.

use std::collections::BTreeMap;
use std::sync::{Arc, Mutex, MutexGuard};

use tokio::sync::Notify;
use tokio::time::Instant;

/// A budget of bytes shared by many holders.
pub struct Budget {
    max: usize,
    state: Mutex<State>,
    changed: Notify,
}

#[derive(Default)]
struct State {
    held: usize,
    next: u64,
    /// The holders waiting for room, oldest first (by the order they started).
    waiting: BTreeMap<u64, Waiting>,
}

struct Waiting {
    held: usize,
    want: usize,
    refused: bool,
}

/// Why a charge could not grow.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Short {
    /// The deadline passed while waiting, or this holder was refused to end a stall.
    Busy,
    /// More than the whole budget: it could never fit.
    TooLarge,
}

impl Budget {
    pub fn new(max: usize) -> Arc<Budget> {
        Arc::new(Budget {
            max,
            state: Mutex::new(State::default()),
            changed: Notify::new(),
        })
    }

    /// A new holder, charged nothing yet.
    pub fn holder(self: &Arc<Self>) -> Charge {
        let seq = {
            let mut st = self.lock();
            st.next += 1;
            st.next
        };
        Charge {
            budget: Arc::clone(self),
            seq,
            held: 0,
        }
    }

    /// What all holders hold now.
    pub fn held(&self) -> usize {
        self.lock().held
    }

    fn lock(&self) -> MutexGuard<'_, State> {
        self.state.lock().unwrap_or_else(|p| p.into_inner())
    }
}

impl State {
    /// When every holder is waiting and none can be served, the youngest waiter that holds
    /// something is refused, which frees its share for the others.
    fn end_stall(&mut self, max: usize) -> bool {
        let free = max - self.held;
        let waiting_held: usize = self.waiting.values().map(|w| w.held).sum();
        let any_fits = self.waiting.values().any(|w| !w.refused && w.want <= free);
        if any_fits || waiting_held < self.held || self.waiting.values().any(|w| w.refused) {
            return false;
        }
        match self.waiting.values_mut().rev().find(|w| w.held > 0) {
            Some(victim) => {
                victim.refused = true;
                true
            }
            None => false,
        }
    }
}

/// What one holder holds; released when dropped.
pub struct Charge {
    budget: Arc<Budget>,
    seq: u64,
    held: usize,
}

impl Charge {
    /// What this holder holds.
    pub fn held(&self) -> usize {
        self.held
    }

    /// Grows the charge to `total` bytes (a smaller total changes nothing), waiting until
    /// `deadline` for room.
    pub async fn grow_to(&mut self, total: usize, deadline: Instant) -> Result<(), Short> {
        if total <= self.held {
            return Ok(());
        }
        let budget = Arc::clone(&self.budget);
        if total > budget.max {
            return Err(Short::TooLarge);
        }
        loop {
            let notified = budget.changed.notified();
            tokio::pin!(notified);
            notified.as_mut().enable();
            {
                let mut st = budget.lock();
                if st.waiting.get(&self.seq).is_some_and(|w| w.refused) {
                    st.waiting.remove(&self.seq);
                    drop(st);
                    budget.changed.notify_waiters();
                    return Err(Short::Busy);
                }
                let extra = total - self.held;
                if st.held + extra <= budget.max {
                    st.held += extra;
                    self.held = total;
                    st.waiting.remove(&self.seq);
                    return Ok(());
                }
                st.waiting.insert(
                    self.seq,
                    Waiting {
                        held: self.held,
                        want: extra,
                        refused: false,
                    },
                );
                if st.end_stall(budget.max) {
                    drop(st);
                    budget.changed.notify_waiters();
                    continue;
                }
            }
            if tokio::time::timeout_at(deadline, notified).await.is_err() {
                budget.lock().waiting.remove(&self.seq);
                budget.changed.notify_waiters();
                return Err(Short::Busy);
            }
        }
    }

    /// Gives back everything held (a refused message that is still being read).
    pub fn release(&mut self) {
        if self.held == 0 {
            return;
        }
        {
            let mut st = self.budget.lock();
            st.held -= self.held;
        }
        self.held = 0;
        self.budget.changed.notify_waiters();
    }
}

impl Drop for Charge {
    fn drop(&mut self) {
        {
            let mut st = self.budget.lock();
            st.held -= self.held;
            st.waiting.remove(&self.seq);
        }
        self.budget.changed.notify_waiters();
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::Duration;

    fn soon() -> Instant {
        Instant::now() + Duration::from_secs(5)
    }

    #[tokio::test]
    async fn holders_are_charged_what_they_ask_and_release_on_drop() {
        let b = Budget::new(100);
        let mut a = b.holder();
        a.grow_to(60, soon()).await.unwrap();
        a.grow_to(10, soon()).await.unwrap();
        assert_eq!((a.held(), b.held()), (60, 60));
        let mut c = b.holder();
        assert_eq!(c.grow_to(101, soon()).await, Err(Short::TooLarge));
        c.grow_to(40, soon()).await.unwrap();
        drop(a);
        assert_eq!(b.held(), 40);
        c.release();
        assert_eq!(b.held(), 0);
    }

    #[tokio::test]
    async fn a_waiter_is_served_when_room_is_released_and_small_ones_pass_it() {
        let b = Budget::new(100);
        let mut big = b.holder();
        big.grow_to(90, soon()).await.unwrap();
        let b2 = Arc::clone(&b);
        let waiter = tokio::spawn(async move {
            let mut w = b2.holder();
            w.grow_to(50, soon()).await.map(|_| w.held())
        });
        tokio::time::sleep(Duration::from_millis(20)).await;
        // Room for a small one while the large one waits.
        let mut small = b.holder();
        small.grow_to(5, soon()).await.unwrap();
        drop(big);
        assert_eq!(waiter.await.unwrap(), Ok(50));
    }

    #[tokio::test]
    async fn the_deadline_refuses_a_waiter() {
        let b = Budget::new(10);
        let mut a = b.holder();
        a.grow_to(10, soon()).await.unwrap();
        let mut late = b.holder();
        let r = late
            .grow_to(5, Instant::now() + Duration::from_millis(30))
            .await;
        assert_eq!(r, Err(Short::Busy));
        assert_eq!(b.held(), 10);
    }

    #[tokio::test]
    async fn a_stall_refuses_the_youngest_holder_and_the_others_go_on() {
        let b = Budget::new(100);
        let mut old = b.holder();
        let mut young = b.holder();
        old.grow_to(50, soon()).await.unwrap();
        young.grow_to(50, soon()).await.unwrap();
        let young_task = tokio::spawn(async move {
            let r = young.grow_to(60, soon()).await;
            drop(young);
            r
        });
        tokio::time::sleep(Duration::from_millis(20)).await;
        // Both wait: the stall is ended by refusing the younger one.
        old.grow_to(90, soon()).await.unwrap();
        assert_eq!(young_task.await.unwrap(), Err(Short::Busy));
        assert_eq!(b.held(), 90);
    }
}
