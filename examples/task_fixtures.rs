//! Tasks the end-to-end tests in `tests/` drive as real processes: env and file secrets,
//! failure, panic, and a task that waits to be killed. Each prints what it saw so the tests
//! can check it; unlike real tasks they print values on purpose.

use std::io::Write;
use std::os::unix::fs::PermissionsExt;

use flyte::{Secret, task};

#[task(secrets = "fixture-secret")]
fn env_task() {
    let value = std::env::var("FIXTURE_SECRET").unwrap_or_else(|_| "<unset>".into());
    println!("FIXTURE_SECRET={value}");
}

#[task(secrets = [Secret(key = "fixture-file", mount = "/etc/flyte/secrets"), Secret(key = "cfg", group = "grp", mount = "/etc/flyte/secrets")])]
fn file_task() {
    for s in flyte::current::secrets().unwrap() {
        let path = s.path().unwrap();
        let mode = std::fs::metadata(path).unwrap().permissions().mode() & 0o777;
        let dir_mode = std::fs::metadata(path.parent().unwrap()).unwrap().permissions().mode() & 0o777;
        let content = std::fs::read_to_string(path).unwrap();
        println!("{}|{:o}|{:o}|{content}", path.display(), mode, dir_mode);
    }
    println!("FLYTE_SECRETS_DIR={}", std::env::var("FLYTE_SECRETS_DIR").unwrap_or_default());
}

#[derive(Debug)]
struct Failed;

impl From<flyte::Error> for Failed {
    fn from(_: flyte::Error) -> Self {
        Failed
    }
}

#[task(secrets = Secret(key = "fixture-file", mount = "/etc/flyte/secrets"))]
fn file_then_fail() -> Result<(), Failed> {
    Err(Failed)
}

#[task(secrets = Secret(key = "fixture-file", mount = "/etc/flyte/secrets"))]
fn file_then_panic() {
    panic!("fixture panic");
}

/// Prints where its file is, then waits to be killed.
#[task(secrets = Secret(key = "fixture-file", mount = "/etc/flyte/secrets"))]
fn file_then_sleep() {
    let s = flyte::secret!("fixture-file").unwrap();
    println!("READY {}", s.path().unwrap().display());
    std::io::stdout().flush().unwrap();
    std::thread::sleep(std::time::Duration::from_secs(120));
}

#[task(secrets = ["needed-one", Secret(key = "needed-two", mount = "/etc/flyte/secrets")])]
fn needs_missing() {
    println!("body ran");
}

#[task(secrets = "fixture-secret")]
async fn async_env_task() -> Result<(), flyte::Error> {
    let s = flyte::secret!("fixture-secret")?;
    tokio::task::yield_now().await;
    println!("async FIXTURE_SECRET={}", s.expose_str().unwrap_or(""));
    Ok(())
}

#[task]
fn takes_args(_n: u32) {}

#[flyte::main]
fn main() {
    eprintln!("usage: task_fixtures list | run TASK");
    std::process::exit(2);
}
