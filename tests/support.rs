//! Helpers shared by the workspace-level end-to-end tests (included with `mod support;`).
#![allow(dead_code)]

use std::path::PathBuf;

/// The path of an example binary of this package; `cargo test` builds examples before it
/// runs the tests.
pub fn example(name: &str) -> PathBuf {
    let exe = std::env::current_exe().expect("test binary path");
    // target/debug/deps/<test> -> target/debug/examples/<name>
    let dir = exe.parent().and_then(|d| d.parent()).expect("target dir");
    let path = dir.join("examples").join(name);
    assert!(path.exists(), "{} not built; run through `cargo test`", path.display());
    path
}
