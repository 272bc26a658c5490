//! Runs backend calls on one dedicated thread with a time bound per call.
//!
//! A backend can hang (a Secret Service prompt nobody answers waits up to a year; a wedged
//! D-Bus daemon). The caller waits for its result at most `timeout`, then returns; the hung
//! thread is left behind. While it stays hung, later calls fail at once with
//! [`KeyringError::Stalled`] instead of queueing behind it, so at most one thread is ever
//! lost, and a backend that wakes up again serves the calls that come after.

use std::panic::{AssertUnwindSafe, catch_unwind};
use std::sync::mpsc::{self, RecvTimeoutError};
use std::sync::{Arc, Mutex, PoisonError};
use std::time::{Duration, Instant};

use super::KeyringError;

type Job = Box<dyn FnOnce() + Send>;

/// One worker thread, started on first use and ended when the runner is dropped.
#[derive(Debug, Default)]
pub(crate) struct Runner {
    sender: Mutex<Option<mpsc::Sender<Job>>>,
    worker: Arc<Mutex<WorkerState>>,
}

#[derive(Debug, Default)]
struct WorkerState {
    /// A job is running.
    busy: bool,
    /// A caller gave up on the running job; cleared when that job returns.
    stalled: bool,
}

impl Runner {
    /// Runs `job` on the worker and waits for it at most `timeout`. A job still queued when
    /// its caller gave up is skipped, so a call reported as failed never starts later (one
    /// already running in a hung backend may still complete, as with any timeout).
    pub(crate) fn run<T, F>(&self, timeout: Duration, job: F) -> Result<T, KeyringError>
    where
        T: Send + 'static,
        F: FnOnce() -> Result<T, KeyringError> + Send + 'static,
    {
        let started = Instant::now();
        let deadline = started.checked_add(timeout);
        let (tx, rx) = mpsc::sync_channel(1);
        let wrapped: Job = Box::new(move || {
            if deadline.is_some_and(|d| Instant::now() >= d) {
                return;
            }
            let _ = tx.send(job());
        });
        {
            let mut sender = self.sender.lock().unwrap_or_else(PoisonError::into_inner);
            if self
                .worker
                .lock()
                .unwrap_or_else(PoisonError::into_inner)
                .stalled
            {
                return Err(KeyringError::Stalled);
            }
            if sender.is_none() {
                *sender = Some(self.spawn()?);
            }
            if let Some(live) = sender.as_ref()
                && let Err(mpsc::SendError(job)) = live.send(wrapped)
            {
                // The worker is gone (it only exits when its sender is dropped, so this is
                // defensive): start a new one.
                let fresh = self.spawn()?;
                let _ = fresh.send(job);
                *sender = Some(fresh);
            }
        }
        let left = timeout.saturating_sub(started.elapsed());
        match rx.recv_timeout(left) {
            Ok(result) => result,
            Err(RecvTimeoutError::Timeout) => {
                // Same lock as the worker's "done": either the job already returned (not
                // busy) or the worker clears this flag when it does.
                let mut worker = self.worker.lock().unwrap_or_else(PoisonError::into_inner);
                if worker.busy {
                    worker.stalled = true;
                }
                Err(KeyringError::TimedOut(timeout))
            }
            // The job panicked and dropped its sender (the panic was caught in the worker).
            Err(RecvTimeoutError::Disconnected) => Err(KeyringError::Panicked),
        }
    }

    fn spawn(&self) -> Result<mpsc::Sender<Job>, KeyringError> {
        let (tx, rx) = mpsc::channel::<Job>();
        let state = Arc::clone(&self.worker);
        std::thread::Builder::new()
            .name("flyte-keyring".into())
            .spawn(move || {
                while let Ok(job) = rx.recv() {
                    state.lock().unwrap_or_else(PoisonError::into_inner).busy = true;
                    // A panicking backend must not take the worker down with it.
                    let _ = catch_unwind(AssertUnwindSafe(job));
                    *state.lock().unwrap_or_else(PoisonError::into_inner) = WorkerState::default();
                }
            })
            .map_err(KeyringError::Thread)?;
        Ok(tx)
    }
}

#[cfg(test)]
mod tests {
    use super::Runner;
    use crate::remote::keyring::KeyringError;
    use std::sync::mpsc;
    use std::time::Duration;

    const SHORT: Duration = Duration::from_millis(200);

    #[test]
    fn runs_and_returns() {
        let r = Runner::default();
        assert_eq!(r.run(SHORT, || Ok(41 + 1)).unwrap(), 42);
        assert!(matches!(
            r.run::<(), _>(SHORT, || Err(KeyringError::Stalled)),
            Err(KeyringError::Stalled)
        ));
    }

    #[test]
    fn panic_is_contained_and_worker_survives() {
        // Generous bound: the panic hook may symbolize a backtrace first.
        let bound = Duration::from_secs(20);
        let r = Runner::default();
        let got = r.run::<(), _>(bound, || panic!("backend blew up"));
        assert!(matches!(got, Err(KeyringError::Panicked)), "{got:?}");
        assert_eq!(r.run(bound, || Ok(7)).unwrap(), 7);
    }

    #[test]
    fn hang_times_out_then_stalls_then_recovers() {
        let r = Runner::default();
        let (release_tx, release_rx) = mpsc::channel::<()>();
        let got = r.run::<(), _>(SHORT, move || {
            let _ = release_rx.recv();
            Ok(())
        });
        assert!(
            matches!(got, Err(KeyringError::TimedOut(t)) if t == SHORT),
            "{got:?}"
        );
        // Still hung: fail fast, do not queue.
        assert!(matches!(r.run(SHORT, || Ok(1)), Err(KeyringError::Stalled)));
        release_tx.send(()).unwrap();
        // The worker is free again once the hung call returns.
        let mut ok = None;
        for _ in 0..50 {
            if let Ok(v) = r.run(SHORT, || Ok(2)) {
                ok = Some(v);
                break;
            }
            std::thread::sleep(Duration::from_millis(20));
        }
        assert_eq!(ok, Some(2));
    }
}
