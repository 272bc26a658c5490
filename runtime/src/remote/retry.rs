//! Which failures are retried, and how long to wait between attempts.

use std::time::Duration;

use rand::Rng as _;

use super::error::Op;

/// Bounded retries with jittered exponential backoff.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RetryPolicy {
    /// Retries after the first attempt.
    pub max_retries: u32,
    /// The first backoff; doubled on each retry.
    pub base: Duration,
    /// The cap on one backoff.
    pub max_backoff: Duration,
}

impl Default for RetryPolicy {
    fn default() -> Self {
        RetryPolicy {
            max_retries: 3,
            base: Duration::from_millis(100),
            max_backoff: Duration::from_secs(5),
        }
    }
}

/// How an attempt failed, as far as retrying is concerned.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum FailureKind {
    /// No connection was made: nothing was sent, so any call may be repeated.
    Connect,
    /// The server answered `unavailable` (or a gateway status).
    Unavailable,
    /// No complete answer in time: the server may have acted.
    Timeout,
    /// The connection broke after the request went out: the server may have acted.
    Broken,
    /// Anything else: repeating would give the same answer.
    Final,
}

impl RetryPolicy {
    /// Whether attempt number `attempt` (1-based) that failed with `kind` is retried.
    /// Create and update are retried only when nothing was sent (the Python SDK
    /// retries CreateSecret on server errors although it is not idempotent).
    pub(crate) fn should_retry(&self, op: Op, kind: FailureKind, attempt: u32) -> bool {
        if attempt > self.max_retries {
            return false;
        }
        match kind {
            FailureKind::Connect => true,
            FailureKind::Unavailable | FailureKind::Timeout | FailureKind::Broken => {
                op.idempotent()
            }
            FailureKind::Final => false,
        }
    }

    /// The wait before retry number `attempt` (1-based): `base * 2^(attempt-1)`, capped,
    /// then drawn uniformly from its upper half so that clients do not retry in lockstep.
    pub fn backoff(&self, attempt: u32) -> Duration {
        let exp = self
            .base
            .saturating_mul(1u32 << attempt.saturating_sub(1).min(20));
        let cap = exp.min(self.max_backoff);
        let half = cap / 2;
        half + rand::rng().random_range(Duration::ZERO..=half)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn create_and_update_retry_only_when_nothing_was_sent() {
        let p = RetryPolicy::default();
        for op in [Op::Create, Op::Update] {
            assert!(p.should_retry(op, FailureKind::Connect, 1));
            for kind in [
                FailureKind::Unavailable,
                FailureKind::Timeout,
                FailureKind::Broken,
                FailureKind::Final,
            ] {
                assert!(!p.should_retry(op, kind, 1), "{op:?} {kind:?}");
            }
        }
        for op in [Op::Get, Op::List, Op::Delete] {
            assert!(p.should_retry(op, FailureKind::Unavailable, 1));
            assert!(p.should_retry(op, FailureKind::Timeout, 3));
            assert!(!p.should_retry(op, FailureKind::Timeout, 4), "bounded");
            assert!(!p.should_retry(op, FailureKind::Final, 1));
        }
    }

    #[test]
    fn backoff_grows_is_capped_and_jittered() {
        let p = RetryPolicy {
            max_retries: 10,
            base: Duration::from_millis(100),
            max_backoff: Duration::from_secs(1),
        };
        for attempt in 1..=10 {
            let full =
                (Duration::from_millis(100) * 2u32.pow(attempt - 1)).min(Duration::from_secs(1));
            let d = p.backoff(attempt);
            assert!(d >= full / 2 && d <= full, "attempt {attempt}: {d:?}");
        }
        let draws: std::collections::HashSet<_> = (0..20).map(|_| p.backoff(5)).collect();
        assert!(draws.len() > 1, "jittered");
    }
}
