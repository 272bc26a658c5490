//! Signals and `flyte run`: an interrupt while the values are resolved ends it at once; once
//! the task runs, SIGTERM is passed on and no file is left; a SIGKILL takes the task along.

use crate::support::{self, Home, task_fixture, texts};

#[path = "../../../tests/signals/while_resolving.rs"]
mod while_resolving;
use while_resolving::signalled_while_resolving;

/// `flyte run FIXTURE file_then_sleep` with its file secret in the dotenv file, once the
/// task is running: the process (its stdout's first two lines read), the file's path and
/// the task's pid.
fn sleeping_run(home: &Home) -> (std::process::Child, std::path::PathBuf, String) {
    use std::io::BufRead as _;
    std::fs::create_dir_all(home.path().join(".flyte")).unwrap();
    // One value for both tests that use this, which may run at the same time: two runs with
    // one value for the standard path share it out (the second gets a private directory).
    std::fs::write(
        home.path().join(".flyte/secrets.env"),
        "cli-fixture-file=sig-file-v4lue\n",
    )
    .unwrap();
    let mut run = home
        .command(support::flyte_exe())
        .arg("run")
        .arg(task_fixture())
        .arg("file_then_sleep")
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    let mut stdout = std::io::BufReader::new(run.stdout.take().unwrap());
    let mut line = || {
        let mut line = String::new();
        stdout.read_line(&mut line).unwrap();
        line.trim().to_owned()
    };
    let (ready, pid) = (line(), line());
    let (Some(path), Some(pid)) = (ready.strip_prefix("READY "), pid.strip_prefix("PID ")) else {
        let out = run.wait_with_output().unwrap();
        panic!("the task did not start: {:?}", texts(&out));
    };
    let path = std::path::PathBuf::from(path);
    assert!(path.exists(), "{ready}");
    (run, path, pid.to_owned())
}

#[test]
fn sigterm_reaches_the_task_and_no_file_is_left() {
    let home = Home::new();
    let (run, path, _) = sleeping_run(&home);
    let sent = std::process::Command::new("kill")
        .args(["-TERM", &run.id().to_string()])
        .status()
        .unwrap();
    assert!(sent.success());
    let out = run.wait_with_output().unwrap();
    // 143 = 128 + SIGTERM: the task died of the forwarded signal; `flyte run` itself exited.
    assert_eq!(out.status.code(), Some(143), "{:?}", texts(&out));
    assert!(!path.exists(), "{} left behind", path.display());
    support::assert_not_shown(&out, "sig-file-v4lue");
}

/// `flyte run` killed with SIGKILL (nothing can forward a signal then): the kernel ends the
/// task too, so it does not go on alone with its secrets.
#[cfg(target_os = "linux")]
#[test]
fn sigkill_of_flyte_run_ends_the_task() {
    let home = Home::new();
    let (mut run, _, pid) = sleeping_run(&home);
    run.kill().unwrap();
    run.wait().unwrap();
    // Gone, or a zombie waiting for whoever inherited it.
    let alive = || {
        std::fs::read_to_string(format!("/proc/{pid}/stat")).is_ok_and(|stat| {
            !stat
                .rsplit(')')
                .next()
                .unwrap_or("")
                .trim_start()
                .starts_with('Z')
        })
    };
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(10);
    while alive() && std::time::Instant::now() < deadline {
        std::thread::sleep(std::time::Duration::from_millis(20));
    }
    assert!(!alive(), "the task {pid} outlived flyte run");
}

/// An interrupt while the secrets are being resolved ends `flyte run` at once, instead of
/// after the service's timeout (seconds) and with an error: no file is written before the
/// values are in. The service here takes the connection and never answers.
#[test]
fn an_interrupt_while_resolving_ends_the_run_at_once() {
    let home = Home::new();
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let endpoint = format!("http://{}", listener.local_addr().unwrap());
    let mut cmd = home.command(support::flyte_exe());
    cmd.args(["--endpoint", &endpoint, "--insecure", "run"])
        .arg(task_fixture())
        .arg("env_task");
    let out = signalled_while_resolving(cmd, &listener, "-INT", Some);
    // 130 = 128 + SIGINT.
    assert_eq!(out.status.code(), Some(130), "{:?}", texts(&out));
}
