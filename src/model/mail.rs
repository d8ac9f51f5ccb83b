//! What happened to mail: the six figures every view of a simulated day, a run, a stored
//! metric or a dashboard reports, declared once.

use serde::{Deserialize, Serialize};

/// What happened to mail, the six figures every view of a day, a run or a metric reports.
/// `T` is a count (`u64`), or a column of them in stored metrics and dashboards.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct Mail<T = u64> {
    /// Mail submitted that day (not retries).
    pub demand: T,
    /// Delivered through dedicated IPs (new and retried).
    pub sent_dedicated: T,
    /// Yesterday's deferred mail delivered today (part of `sent_dedicated`).
    pub retried: T,
    /// Overflow through SES's shared IPs.
    pub sent_shared: T,
    /// Deferred that day (SendingDeferral), part of which may expire the same day.
    pub deferred: T,
    /// Ran out of its retry window.
    pub expired: T,
}

impl Mail {
    /// Mail that left through dedicated or shared IPs.
    pub fn sent(&self) -> u64 {
        self.sent_dedicated.saturating_add(self.sent_shared)
    }

    /// Adds another count, saturating: sums of volumes never wrap.
    pub fn add(&mut self, o: &Mail) {
        self.demand = self.demand.saturating_add(o.demand);
        self.sent_dedicated = self.sent_dedicated.saturating_add(o.sent_dedicated);
        self.retried = self.retried.saturating_add(o.retried);
        self.sent_shared = self.sent_shared.saturating_add(o.sent_shared);
        self.deferred = self.deferred.saturating_add(o.deferred);
        self.expired = self.expired.saturating_add(o.expired);
    }

    /// The sum of many counts.
    pub fn total<'a>(items: impl IntoIterator<Item = &'a Mail>) -> Mail {
        let mut t = Mail::default();
        for m in items {
            t.add(m);
        }
        t
    }
}
