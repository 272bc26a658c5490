//! The pumps: one thread per output stream of a launched task, copying the child's pipe to
//! this process's stdout or stderr (or to a pipe the caller reads) through a [`MaskStream`].

use std::io::{self, Read, Write};
use std::os::fd::{AsFd, OwnedFd};
use std::process::{Child, ChildStderr, ChildStdout, Command, Stdio};
use std::sync::Arc;
use std::thread::JoinHandle;
use std::time::Duration;

use rustix::event::{PollFd, PollFlags, Timespec, poll};
use zeroize::Zeroizing;

use super::mask::{MaskStream, Masker};

/// A held-back tail is printed after this long without new input, so output stays prompt.
pub(crate) const FLUSH_AFTER: Duration = Duration::from_millis(50);

const CHUNK: usize = 64 * 1024;

/// Sets the command's stdout and stderr to pipes for the pumps.
pub(crate) fn pipe_output(command: &mut Command) {
    command.stdout(Stdio::piped()).stderr(Stdio::piped());
}

/// Starts the pumps on a child spawned after [`pipe_output`]. With `capture`, the masked
/// streams go to new pipes put back in `child.stdout` and `child.stderr`; otherwise to this
/// process's stdout and stderr.
pub(crate) fn start(
    child: &mut Child,
    masker: &Arc<Masker>,
    capture: bool,
) -> io::Result<Vec<JoinHandle<()>>> {
    let (out, err) = match (child.stdout.take(), child.stderr.take()) {
        (Some(out), Some(err)) => (out, err),
        _ => return Ok(Vec::new()),
    };
    let (out_sink, err_sink): (Box<dyn Write + Send>, Box<dyn Write + Send>) = if capture {
        let (out_reader, out_writer) = io::pipe()?;
        let (err_reader, err_writer) = io::pipe()?;
        child.stdout = Some(ChildStdout::from(OwnedFd::from(out_reader)));
        child.stderr = Some(ChildStderr::from(OwnedFd::from(err_reader)));
        (Box::new(out_writer), Box::new(err_writer))
    } else {
        (Box::new(io::stdout()), Box::new(io::stderr()))
    };
    Ok(vec![
        spawn_pump("stdout", out, out_sink, masker.stream())?,
        spawn_pump("stderr", err, err_sink, masker.stream())?,
    ])
}

fn spawn_pump(
    name: &'static str,
    source: impl Read + AsFd + Send + 'static,
    sink: Box<dyn Write + Send>,
    stream: MaskStream,
) -> io::Result<JoinHandle<()>> {
    std::thread::Builder::new()
        .name(format!("flyte-mask-{name}"))
        .spawn(move || {
            // A sink that fails (a closed terminal or pipe) ends the pump; dropping the
            // source then gives the child EPIPE, as if it wrote there itself.
            if let Err(e) = pump(source, sink, stream) {
                tracing::debug!(stream = name, error = %e, "output pump stopped");
            }
        })
}

fn pump(
    mut source: impl Read + AsFd,
    mut sink: Box<dyn Write + Send>,
    mut stream: MaskStream,
) -> io::Result<()> {
    let mut buf = Zeroizing::new(vec![0u8; CHUNK]);
    let mut out = Zeroizing::new(Vec::with_capacity(CHUNK));
    loop {
        if stream.held() > 0 && !readable_within(&source, FLUSH_AFTER)? {
            stream.flush(&mut out);
        } else {
            match source.read(&mut buf) {
                Ok(0) => break,
                Ok(n) => stream.feed(&buf[..n], &mut out),
                Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
                Err(e) => return Err(e),
            }
        }
        if !out.is_empty() {
            sink.write_all(&out)?;
            sink.flush()?;
            out.clear();
        }
    }
    stream.flush(&mut out);
    sink.write_all(&out)?;
    sink.flush()
}

/// Whether `source` has input (or its end) within `wait`.
fn readable_within(source: &impl AsFd, wait: Duration) -> io::Result<bool> {
    let timeout = Timespec {
        tv_sec: 0,
        tv_nsec: i64::from(wait.subsec_nanos()),
    };
    loop {
        let mut fds = [PollFd::new(source, PollFlags::IN)];
        match poll(&mut fds, Some(&timeout)) {
            Ok(n) => return Ok(n > 0),
            Err(rustix::io::Errno::INTR) => continue,
            Err(e) => return Err(e.into()),
        }
    }
}
