//! A run interrupted while it resolves its secrets, against a service that takes the
//! connection and never answers. Shared by the `BIN run` (tests/inject_process) and
//! `flyte run` (cli/tests/run_task) tests.

/// Runs `cmd` (a run whose secrets come from the service `listener` serves) until the
/// service has its connection, which it never answers, then sends `signal` to the process
/// `target` picks (given the started one's pid) and waits up to 60 s for the end.
pub(crate) fn signalled_while_resolving(
    mut cmd: std::process::Command,
    listener: &std::net::TcpListener,
    signal: &str,
    target: impl Fn(u32) -> Option<u32>,
) -> std::process::Output {
    use std::time::{Duration, Instant};
    listener.set_nonblocking(true).unwrap();
    let mut child = cmd
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    // Resolving once the service has the connection.
    let deadline = Instant::now() + Duration::from_secs(60);
    let _held = loop {
        match listener.accept() {
            Ok((conn, _)) => break conn,
            Err(_) if Instant::now() < deadline && child.try_wait().unwrap().is_none() => {
                std::thread::sleep(Duration::from_millis(10));
            }
            Err(e) => {
                let _ = child.kill();
                panic!(
                    "the run never asked the service: {e}; {:?}",
                    child.wait_with_output()
                );
            }
        }
    };
    let pid = target(child.id()).expect("the process to signal");
    let sent = std::process::Command::new("kill")
        .args([signal, &pid.to_string()])
        .status()
        .unwrap();
    assert!(sent.success());
    let deadline = Instant::now() + Duration::from_secs(60);
    while child.try_wait().unwrap().is_none() && Instant::now() < deadline {
        std::thread::sleep(Duration::from_millis(10));
    }
    if child.try_wait().unwrap().is_none() {
        let _ = child.kill();
        panic!("still resolving 60 s after {signal}");
    }
    child.wait_with_output().unwrap()
}
