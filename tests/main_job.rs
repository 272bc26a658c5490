//! The README's main job, `cargo run --example secrets`, run as the user would: it must exit
//! 0, show each task's masked view, and never print a value. `cargo test` builds examples
//! before running tests, so the binary is next to this test's.

use std::path::PathBuf;
use std::process::Command;

fn example(name: &str) -> PathBuf {
    let exe = std::env::current_exe().unwrap();
    let path = exe
        .parent()
        .and_then(|d| d.parent())
        .unwrap()
        .join("examples")
        .join(name);
    assert!(
        path.exists(),
        "{} is not built: run the whole `cargo test` (it builds examples)",
        path.display()
    );
    path
}

#[test]
fn the_main_job_runs_every_task_with_masked_output() {
    let root = tempfile::tempdir().unwrap();
    let out = Command::new(example("secrets"))
        // Private file-secret root so parallel test runs as root don't share /etc/flyte/secrets.
        .env("FLYTE_SECRETS_ROOT", root.path().join("mounts"))
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "stdout:\n{stdout}\nstderr:\n{stderr}");
    for line in [
        "secret_task: env MY_SECRET = [26 chars]",
        "custom_env_task: env OPENAI_API_KEY = [18 chars]",
        "many_secrets_task: env DB_PASSWORD = [28 chars]",
        "many_secrets_task: env GITHUB_TOKEN = [14 chars]",
        "{\"words\":6,\"secret_chars\":26}",
        "all 5 tasks ran with their secrets",
    ] {
        assert!(stdout.contains(line), "missing {line:?} in\n{stdout}");
    }
    assert!(
        stdout.contains("file_secret_task: file ") && stdout.contains("/config = [21 chars"),
        "{stdout}"
    );
    for value in [
        "s3cr3t-value-for-my-secret",
        "sk-demo-0123456789",
        "correct-horse",
        "ghp_demo_token",
        "BEGIN DEMO KEY",
    ] {
        assert!(
            !stdout.contains(value) && !stderr.contains(value),
            "{value} leaked:\n{stdout}\n{stderr}"
        );
    }
}
