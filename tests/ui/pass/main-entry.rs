//! `#[flyte::main]` keeps `fn main`'s body, attributes and return type; with no `run` or
//! `list` argument the entry point returns and the body runs.
#![deny(warnings)]

use flyte::task;

#[task(secrets = "my-secret")]
fn secret_task() {}

/// Documented main.
#[flyte::main]
#[allow(clippy::unnecessary_wraps)]
fn main() -> Result<(), Box<dyn std::error::Error>> {
    #![allow(unused_mut)]
    let mut ran = true;
    assert!(ran);
    let names: Vec<_> = flyte::__private::registered().iter().map(|t| t.name).collect();
    assert_eq!(names, ["secret_task"]);
    if names.is_empty() {
        secret_task();
    }
    ran = false;
    let _ = ran;
    Ok(())
}
