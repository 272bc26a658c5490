//! Whether a connection has a request in flight, since when it has had none, and whether it
//! speaks HTTP/2.

use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use axum::http::Version;
use tokio::time::Instant;

/// Requests in flight on one connection and the end of the last one.
#[derive(Debug)]
pub(super) struct Activity {
    in_flight: AtomicUsize,
    idle_since: Mutex<Instant>,
    /// Set by its first HTTP/2 request: header deadlines are HTTP/1's.
    h2: AtomicBool,
}

impl Activity {
    pub(super) fn new() -> Activity {
        Activity {
            in_flight: AtomicUsize::new(0),
            idle_since: Mutex::new(Instant::now()),
            h2: AtomicBool::new(false),
        }
    }

    pub(super) fn begin(self: &Arc<Self>, version: Version) -> Busy {
        if version == Version::HTTP_2 && !self.h2.load(Ordering::Relaxed) {
            self.h2.store(true, Ordering::Relaxed);
        }
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

    /// How long the connection may stay with no request in flight. HTTP/1 (or not known yet):
    /// `header` too, since with none in flight it is waiting for the next request's headers.
    /// This is the deadline hyper's own header timer kept, without that timer's allocation
    /// and timer-wheel entry on every request.
    pub(super) fn idle_limit(&self, header: Duration, idle: Duration) -> Duration {
        if self.h2.load(Ordering::Relaxed) {
            idle
        } else {
            idle.min(header)
        }
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn header_deadline_applies_until_a_request_shows_http2() {
        let (header, idle) = (Duration::from_secs(10), Duration::from_secs(20));
        let a = Arc::new(Activity::new());
        assert_eq!(a.idle_limit(header, idle), header, "not known yet");
        drop(a.begin(Version::HTTP_11));
        assert_eq!(a.idle_limit(header, idle), header);
        assert_eq!(a.idle_limit(idle, header), header, "the shorter of the two");
        drop(a.begin(Version::HTTP_2));
        assert_eq!(a.idle_limit(header, idle), idle);
    }
}
