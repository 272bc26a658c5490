//! Running `BIN list` with bounds: the binary may print forever or never finish.

use std::io::Read;
use std::path::Path;
use std::process::{Command, Stdio};
use std::sync::mpsc;
use std::time::{Duration, Instant};

/// The most `BIN list` may print.
pub(crate) const LIST_MAX_BYTES: u64 = 1 << 20;
/// How long `BIN list` may take by default (see [`super::Launcher::list_timeout`]).
pub(crate) const LIST_TIMEOUT: Duration = Duration::from_secs(10);

/// The stdout of `program list`, or why there is none. The child gets the launched task's
/// base environment, no stdin, and is killed when it prints too much or takes too long.
pub(crate) fn list_output(program: &Path, timeout: Duration) -> Result<Vec<u8>, String> {
    let shown = program.display();
    let mut child = Command::new(program)
        .arg("list")
        .env_clear()
        .envs(super::env::inherited())
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::inherit())
        .spawn()
        .map_err(|e| format!("cannot start {shown}: {e}"))?;
    let deadline = Instant::now() + timeout;
    let mut stdout = child.stdout.take().expect("piped");
    let (tx, rx) = mpsc::channel();
    // A thread reads, so the deadline holds even while the child prints nothing.
    std::thread::spawn(move || {
        let mut out = Vec::new();
        let read = (&mut stdout).take(LIST_MAX_BYTES + 1).read_to_end(&mut out);
        let _ = tx.send(read.map(|_| out));
    });
    let kill = |child: &mut std::process::Child| {
        let _ = child.kill();
        let _ = child.wait();
    };
    let out = match rx.recv_timeout(deadline.saturating_duration_since(Instant::now())) {
        Ok(Ok(out)) if out.len() as u64 > LIST_MAX_BYTES => {
            kill(&mut child);
            return Err(format!(
                "`{shown} list` printed more than {} KiB; is it a flyte task binary?",
                LIST_MAX_BYTES / 1024
            ));
        }
        Ok(Ok(out)) => out,
        Ok(Err(e)) => {
            kill(&mut child);
            return Err(format!("cannot read the output of `{shown} list`: {e}"));
        }
        Err(_) => {
            kill(&mut child);
            return Err(timed_out(&shown, timeout));
        }
    };
    // Output closed; the child may still linger.
    loop {
        match child.try_wait() {
            Ok(Some(status)) if status.success() => return Ok(out),
            Ok(Some(status)) => return Err(format!("`{shown} list` failed with {status}")),
            Ok(None) if Instant::now() < deadline => {
                std::thread::sleep(Duration::from_millis(5));
            }
            Ok(None) => {
                kill(&mut child);
                return Err(timed_out(&shown, timeout));
            }
            Err(e) => return Err(format!("cannot wait for `{shown} list`: {e}")),
        }
    }
}

fn timed_out(shown: &std::path::Display<'_>, timeout: Duration) -> String {
    format!(
        "`{shown} list` did not finish within {} s (killed); is it a flyte task binary?",
        timeout.as_secs_f32()
    )
}
