//! `sesm serve --day-length DURATION`: the simulated clock advances one day per DURATION of
//! wall time, closing the day as `sesm simulate --days 1` does (the same operation, under the
//! same lock), so deferred mail is retried or expires and pools warm up while a demo watches.
//! `manual` (the default) leaves the calendar to `sesm simulate` and `POST /_sesm/simulate`.

use std::sync::Arc;
use std::time::Duration;

use tokio::sync::watch;

use super::Shared;
use crate::ops;

/// Closes one simulated day per `every` until the server stops. A day that cannot close (the
/// lock held past its timeout, a disk error) is logged and tried again at the next tick.
pub(super) async fn run(shared: Arc<Shared>, every: Duration, mut stop: watch::Receiver<bool>) {
    let start = tokio::time::Instant::now() + every;
    let mut tick = tokio::time::interval_at(start, every);
    // A day that took longer than its length is not made up for with a burst of days.
    tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    loop {
        tokio::select! {
            _ = stop.changed() => return,
            _ = tick.tick() => {}
        }
        let s = Arc::clone(&shared);
        let closed = tokio::task::spawn_blocking(move || {
            let region = s.api.default_region().to_string();
            s.api
                .write(|state| ops::simulate::simulate(state, &region, 1, None, false))
                .map(|_| ())
        })
        .await;
        match closed {
            Ok(Ok(_)) => {}
            Ok(Err(e)) => shared
                .log
                .line(format!("day clock: the day did not close: {}", e.message)),
            Err(e) => shared
                .log
                .line(format!("day clock: the day did not close: {e}")),
        }
    }
}
