//! End-to-end tests of the workspace: the compile-time rules (trybuild), the README's main
//! job, tasks run as processes, parity with the Python SDK.
//!
//! One binary, one module per area, so the test build links once rather than once per file.

mod inject_process;
mod main_job;
mod spec_python_diff;
mod ui;
