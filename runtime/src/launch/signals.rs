//! Signals and a launch: interrupted while the secrets are resolved, a launcher ends at once
//! (nothing is written yet); from the first file on it holds the signal, passes it on to its
//! task ([`SignalForward`]) and still cleans up, instead of dying with the task's files on
//! disk.

use std::thread::JoinHandle;

use signal_hook::consts::{SIGHUP, SIGINT, SIGTERM};
use signal_hook::iterator::{Handle, Signals};

use super::{Launcher, Prepared};
use crate::Error;
use crate::secret::SecretDef;

/// The signals a launch catches: those that ask a process to end.
const CAUGHT: [i32; 3] = [SIGINT, SIGTERM, SIGHUP];

impl Launcher {
    /// [`Launcher::prepare`] for a launcher that passes signals on to its task, with the
    /// [`SignalForward`] to do it. While the secrets are resolved, SIGINT, SIGTERM or SIGHUP
    /// ends the process at once with `128 + signal`: nothing is written yet, and a service
    /// that does not answer would otherwise hold the interrupt for its whole timeout. From
    /// before the first file is written they are held for the task instead, so none is left
    /// behind.
    pub fn prepare_forwarding_signals(
        &self,
        task: &str,
        secrets: &[SecretDef<'_>],
    ) -> Result<(Prepared, SignalForward), Error> {
        let cannot_catch = |source| Error::Process {
            task: task.to_owned(),
            action: "cannot catch signals".into(),
            source,
        };
        let exit_on_signal = ExitOnSignal::install().map_err(cannot_catch)?;
        let resolved = self.resolve(task, secrets)?;
        let signals = SignalForward::install().map_err(cannot_catch)?;
        // Both catch a signal that comes now, and the process ends: still nothing written.
        drop(exit_on_signal);
        Ok((self.build(task, &resolved)?, signals))
    }
}

/// Until dropped, SIGINT, SIGTERM or SIGHUP ends the process with `128 + signal`. A handler
/// rather than the signals' default action, which would do the same, because a container's
/// entry point is PID 1, to which no signal at its default action is delivered: `docker
/// stop` would then go unheard until the resolution ended, and the task start after it.
struct ExitOnSignal {
    handle: Handle,
    thread: Option<JoinHandle<()>>,
}

impl ExitOnSignal {
    fn install() -> std::io::Result<ExitOnSignal> {
        let mut signals = Signals::new(CAUGHT)?;
        let handle = signals.handle();
        let thread = std::thread::Builder::new()
            .name("flyte-signals".into())
            .spawn(move || {
                if let Some(sig) = signals.forever().next() {
                    std::process::exit(128 + sig);
                }
            })?;
        Ok(ExitOnSignal {
            handle,
            thread: Some(thread),
        })
    }
}

impl Drop for ExitOnSignal {
    fn drop(&mut self) {
        self.handle.close();
        if let Some(thread) = self.thread.take() {
            let _ = thread.join();
        }
    }
}

/// Catches SIGINT, SIGTERM and SIGHUP from [`SignalForward::install`] on; once the task has
/// started ([`SignalForward::forward_to`]) each one is sent on to it. Install it before the
/// secrets are written ([`Launcher::prepare_forwarding_signals`] does), and drop it after
/// [`super::Started::wait`] returned.
#[derive(Debug)]
pub struct SignalForward {
    signals: Option<Signals>,
    handle: Handle,
    thread: Option<JoinHandle<()>>,
}

impl SignalForward {
    /// Catches the three signals from now on (their default action, exiting, no longer runs).
    pub fn install() -> std::io::Result<SignalForward> {
        let signals = Signals::new(CAUGHT)?;
        Ok(SignalForward {
            handle: signals.handle(),
            signals: Some(signals),
            thread: None,
        })
    }

    /// A signal caught before the task started: then do not start it; clean up and exit
    /// with `128 + signal`.
    pub fn caught(&mut self) -> Option<i32> {
        self.signals.as_mut()?.pending().next()
    }

    /// Sends every signal caught from now on (and any still pending) to process `pid`.
    pub fn forward_to(&mut self, pid: u32) {
        let Some(mut signals) = self.signals.take() else {
            return;
        };
        let pid = i32::try_from(pid)
            .ok()
            .and_then(rustix::process::Pid::from_raw);
        self.thread = Some(std::thread::spawn(move || {
            for sig in signals.forever() {
                if let (Some(pid), Some(sig)) = (pid, rustix::process::Signal::from_named_raw(sig))
                {
                    let _ = rustix::process::kill_process(pid, sig);
                }
            }
        }));
    }
}

impl Drop for SignalForward {
    fn drop(&mut self) {
        self.handle.close();
        if let Some(thread) = self.thread.take() {
            let _ = thread.join();
        }
    }
}
