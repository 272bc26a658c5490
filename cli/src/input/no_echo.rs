//! [`NoEcho`]: the terminal with echo, line editing and signal keys off while a hidden value is
//! typed, and its settings put back on every way out: the guard's drop (the line, an error,
//! ^C, a panic) and, through a signal handler, the signals that would otherwise end the
//! process with the terminal left silent.

use std::fs::File;
use std::io;
use std::ptr;
use std::sync::Arc;
use std::sync::atomic::{AtomicPtr, AtomicUsize, Ordering::SeqCst};

use rustix::termios::{
    LocalModes, OptionalActions, SpecialCodeIndex, Termios, tcgetattr, tcsetattr,
};

/// Signals whose default action ends the process. With `ISIG` off the keys send none, but
/// `kill` (a service manager, `timeout`) still can, and a closed terminal sends SIGHUP.
const CAUGHT: [libc::c_int; 4] = [libc::SIGTERM, libc::SIGHUP, libc::SIGQUIT, libc::SIGINT];

/// What the signal handler puts back: the terminal (its own descriptor) and its settings.
struct Saved {
    tty: File,
    termios: Termios,
}

/// The live guard's [`Saved`], null when no guard is live. The guard owns it; see
/// [`READERS`] for why the handler may read it.
static SAVED: AtomicPtr<Saved> = AtomicPtr::new(ptr::null_mut());
/// Handlers between loading [`SAVED`] and being done with it. The guard clears `SAVED`,
/// then waits for this to be 0 before it frees the `Saved`: a handler that counted itself
/// before the clear is waited for, one that counted itself after loads null.
static READERS: AtomicUsize = AtomicUsize::new(0);

/// The terminal quiet until dropped. With `ISIG` off ^C arrives as the byte 0x03 instead of
/// a SIGINT that would kill the process before the settings are restored.
pub(super) struct NoEcho<'a> {
    tty: &'a File,
    saved: Termios,
    /// Published in [`SAVED`] when `armed`, and alive until the drop has unpublished it (an
    /// `Arc`, not a `Box`: moving a `Box` would invalidate the published pointer).
    restore: Arc<Saved>,
    armed: bool,
    /// The actions the handler replaced (all were the default), to put back.
    replaced: Vec<(libc::c_int, libc::sigaction)>,
}

impl<'a> NoEcho<'a> {
    pub(super) fn set(tty: &'a File) -> io::Result<Self> {
        let saved = tcgetattr(tty)?;
        let mut quiet = saved.clone();
        quiet.local_modes -= LocalModes::ECHO | LocalModes::ICANON | LocalModes::ISIG;
        // One byte at a time, no timeout.
        quiet.special_codes[SpecialCodeIndex::VMIN] = 1;
        quiet.special_codes[SpecialCodeIndex::VTIME] = 0;
        let mut guard = NoEcho {
            tty,
            restore: Arc::new(Saved {
                tty: tty.try_clone()?,
                termios: saved.clone(),
            }),
            saved,
            armed: false,
            replaced: Vec::new(),
        };
        // One prompt at a time; a nested one (none exists) would rely on its drop alone.
        let published = Arc::as_ptr(&guard.restore).cast_mut();
        guard.armed = SAVED
            .compare_exchange(ptr::null_mut(), published, SeqCst, SeqCst)
            .is_ok();
        if guard.armed {
            guard.replaced = catch_default_signals();
        }
        // Dropping the guard on an error here puts back the settings and the actions.
        tcsetattr(tty, OptionalActions::Now, &quiet)?;
        Ok(guard)
    }
}

impl Drop for NoEcho<'_> {
    fn drop(&mut self) {
        let _ = tcsetattr(self.tty, OptionalActions::Now, &self.saved);
        if self.armed {
            restore_actions(&self.replaced);
            // A handler that runs from here on finds nothing to do: the terminal is back.
            SAVED.store(ptr::null_mut(), SeqCst);
            while READERS.load(SeqCst) != 0 {
                std::hint::spin_loop();
            }
        }
    }
}

/// Installs [`put_back_and_end`] for each of [`CAUGHT`] whose action is the default (an
/// ignored or handled signal does not end the process and is left to its owner); returns
/// the actions replaced.
#[allow(unsafe_code)] // sigaction, on a handler that does only async-signal-safe things
fn catch_default_signals() -> Vec<(libc::c_int, libc::sigaction)> {
    let mut replaced = Vec::new();
    for signal in CAUGHT {
        // SAFETY: `sigaction` is plain data for which all zeroes is a valid value (no
        // handler, empty mask, no flags); a null `act` only reads the current action into
        // `old`, which lives for the call.
        let mut old: libc::sigaction = unsafe { std::mem::zeroed() };
        if unsafe { libc::sigaction(signal, ptr::null(), &mut old) } != 0
            || old.sa_sigaction != libc::SIG_DFL
        {
            continue;
        }
        // SAFETY: as above for the zeroed value; `sigemptyset` writes the mask of a live
        // value. The handler is an `extern "C" fn(c_int)`, the signature `sa_handler` has
        // without SA_SIGINFO, and it only does async-signal-safe things (its comments).
        let installed = unsafe {
            let mut action: libc::sigaction = std::mem::zeroed();
            action.sa_sigaction =
                put_back_and_end as extern "C" fn(libc::c_int) as libc::sighandler_t;
            libc::sigemptyset(&mut action.sa_mask);
            for other in CAUGHT {
                // While one runs on a thread, the others wait there.
                libc::sigaddset(&mut action.sa_mask, other);
            }
            libc::sigaction(signal, &action, ptr::null_mut()) == 0
        };
        if installed {
            replaced.push((signal, old));
        }
    }
    replaced
}

#[allow(unsafe_code)] // sigaction, putting back what the kernel handed us
fn restore_actions(replaced: &[(libc::c_int, libc::sigaction)]) {
    for (signal, old) in replaced {
        // SAFETY: `old` is the action the kernel gave for this signal (the default one),
        // read in `catch_default_signals`; a null `oldact` is allowed.
        unsafe { libc::sigaction(*signal, old, ptr::null_mut()) };
    }
}

/// The handler: puts the terminal settings back, then ends the process as the signal's
/// default action would (killed by it: a shell reports 128 + its number).
#[allow(unsafe_code)] // reads the live guard's settings; signal and raise
extern "C" fn put_back_and_end(signal: libc::c_int) {
    // Atomics are lock-free, tcsetattr is an ioctl (libc's tcsetattr where rustix uses libc,
    // async-signal-safe by POSIX), and nothing here allocates, locks or unwinds.
    READERS.fetch_add(1, SeqCst);
    let saved = SAVED.load(SeqCst);
    if !saved.is_null() {
        // SAFETY: the guard whose `Arc` holds this `Saved` clears SAVED, then waits for
        // READERS to be 0 before the `Arc` is dropped; we counted ourselves before loading,
        // so it lives until the decrement below. Only shared access is taken.
        let saved = unsafe { &*saved };
        let _ = tcsetattr(&saved.tty, OptionalActions::Now, &saved.termios);
    }
    READERS.fetch_sub(1, SeqCst);
    // SAFETY: `signal` and `raise` are async-signal-safe (POSIX). The signal is blocked while
    // its handler runs, so the raised one is delivered on return, with the default action,
    // which for each of CAUGHT ends the process.
    unsafe {
        libc::signal(signal, libc::SIG_DFL);
        libc::raise(signal);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Not a terminal: the guard fails before anything is published or caught.
    #[test]
    fn a_file_that_is_not_a_terminal_is_refused_and_nothing_stays_armed() {
        let file = File::open("/dev/null").unwrap();
        assert!(NoEcho::set(&file).is_err());
        assert!(SAVED.load(SeqCst).is_null());
        // SAFETY: reads the current action only.
        #[allow(unsafe_code)]
        let action = unsafe {
            let mut old: libc::sigaction = std::mem::zeroed();
            libc::sigaction(libc::SIGTERM, ptr::null(), &mut old);
            old.sa_sigaction
        };
        assert_eq!(action, libc::SIG_DFL);
    }
}
