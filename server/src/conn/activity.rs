//! Whether a connection has a request in flight, and since when it has had none.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use tokio::time::Instant;

/// Requests in flight on one connection and the end of the last one.
#[derive(Debug)]
pub(super) struct Activity {
    in_flight: AtomicUsize,
    idle_since: Mutex<Instant>,
}

impl Activity {
    pub(super) fn new() -> Activity {
        Activity {
            in_flight: AtomicUsize::new(0),
            idle_since: Mutex::new(Instant::now()),
        }
    }

    pub(super) fn begin(self: &Arc<Self>) -> Busy {
        self.in_flight.fetch_add(1, Ordering::SeqCst);
        Busy(Arc::clone(self))
    }

    /// How long the connection has had no request in flight (zero while it has one).
    pub(super) fn idle_for(&self) -> Duration {
        if self.in_flight.load(Ordering::SeqCst) > 0 {
            return Duration::ZERO;
        }
        self.idle_since.lock().expect("not poisoned").elapsed()
    }

    /// When to look again: when the connection would reach `idle`, or (busy) one period on.
    pub(super) fn next_check(&self, idle: Duration) -> Instant {
        let now = Instant::now();
        if self.in_flight.load(Ordering::SeqCst) > 0 {
            return now + idle;
        }
        (*self.idle_since.lock().expect("not poisoned") + idle).max(now)
    }

    fn end(&self) {
        *self.idle_since.lock().expect("not poisoned") = Instant::now();
        self.in_flight.fetch_sub(1, Ordering::SeqCst);
    }
}

/// Marks a request in flight until dropped (also when the handler is cancelled).
pub(super) struct Busy(Arc<Activity>);

impl Drop for Busy {
    fn drop(&mut self) {
        self.0.end();
    }
}
