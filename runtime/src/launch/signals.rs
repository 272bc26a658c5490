//! [`SignalForward`]: a launcher that is interrupted passes the signal on to its task and
//! still cleans up, instead of dying with the task's files on disk.

use std::thread::JoinHandle;

use signal_hook::consts::{SIGHUP, SIGINT, SIGTERM};
use signal_hook::iterator::{Handle, Signals};

use super::{Launcher, Prepared};
use crate::Error;
use crate::secret::SecretDef;

impl Launcher {
    /// [`Launcher::prepare`] for a launcher that passes signals on to its task, with the
    /// [`SignalForward`] to do it. The secrets are resolved while the signals still have their
    /// default action, so an interrupt ends a slow resolution (a service that does not answer)
    /// at once, with nothing written yet; they are caught from before the first file is
    /// written, so none is left behind.
    pub fn prepare_forwarding_signals(
        &self,
        task: &str,
        secrets: &[SecretDef<'_>],
    ) -> Result<(Prepared, SignalForward), Error> {
        let resolved = self.resolve(task, secrets)?;
        let signals = SignalForward::install().map_err(|source| Error::Process {
            task: task.to_owned(),
            action: "cannot catch signals".into(),
            source,
        })?;
        Ok((self.build(task, &resolved)?, signals))
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
        let signals = Signals::new([SIGINT, SIGTERM, SIGHUP])?;
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
