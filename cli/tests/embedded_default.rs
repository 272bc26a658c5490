//! With no endpoint configured anywhere, the secret commands, `flyte run` and `flyte check`
//! use the local service in the user's data directory: the `flyte serve` it advertises, or
//! else started in-process for the command.
//! HOME and XDG_DATA_HOME point into a temp dir, so the real user's data is never touched.

use crate::support;

#[path = "embedded_default/fresh_crate.rs"]
mod fresh_crate;

use support::{Home, task_fixture, texts};

#[test]
fn create_get_run_delete_with_nothing_configured() {
    let home = Home::new();
    let out = home
        .flyte()
        .args(["create", "secret", "cli-fixture-secret"])
        .write_stdin("embedded-v4lue\n")
        .output()
        .unwrap();
    assert!(out.status.success(), "{:?}", texts(&out));
    let (stdout, stderr) = texts(&out);
    assert_eq!(stdout, "", "nothing extra on stdout");
    assert!(
        !stderr.contains("embedded-v4lue") && !stderr.contains("listening"),
        "{stderr}"
    );
    let data = home.default_data_dir();
    assert!(
        data.join("secrets.db").exists(),
        "stored under $XDG_DATA_HOME/flyte"
    );

    let out = home
        .flyte()
        .args(["get", "secret", "-o", "json"])
        .output()
        .unwrap();
    assert!(out.status.success(), "{:?}", texts(&out));
    let list: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(list[0]["id"]["name"], "cli-fixture-secret");
    assert_eq!(texts(&out).1, "");

    let out = home
        .flyte()
        .arg("run")
        .arg(task_fixture())
        .arg("env_task")
        .output()
        .unwrap();
    assert!(out.status.success(), "{:?}", texts(&out));
    // Masked in the output: the marker shows the value reached the task.
    assert_eq!(
        texts(&out).0,
        "CLI_FIXTURE_SECRET=<secret:cli-fixture-secret>\n"
    );

    home.flyte()
        .args(["delete", "secret", "cli-fixture-secret"])
        .assert()
        .success();
    let out = home
        .flyte()
        .args(["get", "secret", "cli-fixture-secret"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let (_, err) = texts(&out);
    assert!(
        err.contains("local secret service") && err.contains(&data.display().to_string()),
        "{err}"
    );
}

#[test]
fn same_store_as_flyte_serve_default() {
    let home = Home::new();
    home.flyte()
        .args(["create", "secret", "shared", "--value", "v"])
        .assert()
        .success();
    // `flyte serve` with no --data-dir, in the same home, serves the same secrets.
    let (mut serve, url) = home.serve();
    let out = home
        .flyte()
        .args(["--endpoint", &url, "get", "secret", "shared"])
        .output()
        .unwrap();
    let _ = serve.kill();
    let _ = serve.wait();
    assert!(out.status.success(), "{:?}", texts(&out));
}

#[test]
fn home_without_xdg_and_explicit_data_dir() {
    let home = Home::new();
    let out = home
        .flyte()
        .env_remove("XDG_DATA_HOME")
        .args(["create", "secret", "h", "--value", "v"])
        .output()
        .unwrap();
    assert!(out.status.success(), "{:?}", texts(&out));
    assert!(home.path().join(".local/share/flyte/secrets.db").exists());

    let custom = home.path().join("custom-dir");
    home.flyte()
        .env("FLYTE_SERVER_DATA_DIR", &custom)
        .args(["create", "secret", "c", "--value", "v"])
        .assert()
        .success();
    assert!(custom.join("secrets.db").exists());
    let out = home
        .flyte()
        .env("FLYTE_SERVER_DATA_DIR", &custom)
        .args(["get", "secret", "-o", "json"])
        .output()
        .unwrap();
    let list: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(
        list.as_array().unwrap().len(),
        1,
        "only the secret of that dir"
    );
}

#[test]
fn concurrent_commands_share_the_store() {
    let home = Home::new();
    // Several processes start the local service on the same data dir at once.
    let children: Vec<_> = (0..4)
        .map(|i| {
            home.command(support::flyte_exe())
                .args(["create", "secret", &format!("c{i}"), "--value", "v"])
                .stdout(std::process::Stdio::null())
                .stderr(std::process::Stdio::piped())
                .spawn()
                .unwrap()
        })
        .collect();
    for child in children {
        let out = child.wait_with_output().unwrap();
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
    }
    let out = home
        .flyte()
        .args(["get", "secret", "-o", "json-raw"])
        .output()
        .unwrap();
    let list: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(list.as_array().unwrap().len(), 4);
}

#[test]
fn unusable_data_dir_is_an_error_with_a_way_out() {
    let home = Home::new();
    // The data directory's parent is a file: the local service cannot start.
    let blocker = home.path().join("not-a-dir");
    std::fs::write(&blocker, b"").unwrap();
    let out = home
        .flyte()
        .env("XDG_DATA_HOME", &blocker)
        .args(["get", "secret"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let (stdout, err) = texts(&out);
    assert_eq!(stdout, "");
    assert!(
        err.contains("local secret service") && err.contains("not-a-dir"),
        "{err}"
    );
    assert!(
        err.contains("--endpoint"),
        "says how to use another service: {err}"
    );
}

#[test]
fn a_running_task_does_not_hold_the_local_service() {
    use std::io::BufRead;
    let home = Home::new();
    home.flyte()
        .args(["create", "secret", "cli-fixture-secret", "--value", "gated"])
        .assert()
        .success();
    let gate = home.path().join("gate");
    let mut run = home
        .command(support::flyte_exe())
        .arg("run")
        .arg(task_fixture())
        .arg("gate_task")
        // The task gets a pod's environment: its own variables only on request.
        .args(["--env", "CLI_FIXTURE_GATE"])
        .env("CLI_FIXTURE_GATE", &gate)
        .stdout(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    let mut lines = std::io::BufReader::new(run.stdout.take().unwrap()).lines();
    assert_eq!(lines.next().unwrap().unwrap(), "READY");
    // While the task runs, other commands start the local service on the same directory.
    let out = home
        .flyte()
        .args(["get", "secret", "cli-fixture-secret"])
        .output()
        .unwrap();
    // Succeeding proves the task's run does not hold the lock: the command would fail after
    // waiting for it (the task runs until the gate opens, below).
    assert!(out.status.success(), "{:?}", texts(&out));
    std::fs::write(&gate, b"").unwrap();
    assert_eq!(lines.next().unwrap().unwrap(), "DONE");
    assert!(run.wait().unwrap().success());
}

#[test]
fn a_flyte_serve_on_the_directory_is_attached_to_without_setup() {
    let home = Home::new();
    let (mut serve, _url) = home.serve();
    let address = home.default_data_dir().join("address");
    assert!(address.exists(), "flyte serve advertises itself");
    // No endpoint, no token: the commands attach to it (they cannot start their own: the
    // server holds the data directory's lock, so they would fail after waiting), and
    // `flyte run` reads values with its inject token.
    let create = home
        .flyte()
        .args([
            "create",
            "secret",
            "cli-fixture-secret",
            "--value",
            "attached-v4lue",
        ])
        .output()
        .unwrap();
    let get = home.flyte().args(["get", "secret"]).output().unwrap();
    let run = home
        .flyte()
        .arg("run")
        .arg(task_fixture())
        .arg("env_task")
        .output()
        .unwrap();
    // Stopped, it removes its address; then a command starts the service itself again.
    rustix::process::kill_process(
        rustix::process::Pid::from_raw(serve.id() as i32).unwrap(),
        rustix::process::Signal::TERM,
    )
    .unwrap();
    assert!(serve.wait().unwrap().success());
    assert!(!address.exists(), "address removed on shutdown");
    let after = home.flyte().args(["get", "secret"]).output().unwrap();

    assert!(create.status.success(), "{:?}", texts(&create));
    assert!(get.status.success(), "{:?}", texts(&get));
    assert!(
        texts(&get).0.contains("cli-fixture-secret"),
        "{:?}",
        texts(&get)
    );
    assert!(run.status.success(), "{:?}", texts(&run));
    assert!(texts(&run).0.contains("<secret:"), "{:?}", texts(&run));
    assert!(after.status.success(), "{:?}", texts(&after));
    assert!(texts(&after).0.contains("cli-fixture-secret"));
    for out in [&create, &get, &run, &after] {
        let (o, e) = texts(out);
        assert!(!o.contains("attached-v4lue") && !e.contains("attached-v4lue"));
    }
}

#[test]
fn a_stale_address_file_is_ignored() {
    let home = Home::new();
    let data = home.default_data_dir();
    home.flyte()
        .args(["create", "secret", "stale-check", "--value", "v"])
        .assert()
        .success();
    // As left by a killed `flyte serve`: its pid is gone.
    std::fs::write(
        data.join("address"),
        format!(
            r#"{{"url":"http://127.0.0.1:9","pid":{},"open":true}}"#,
            i32::MAX
        ),
    )
    .unwrap();
    let out = home
        .flyte()
        .args(["get", "secret", "stale-check"])
        .output()
        .unwrap();
    assert!(out.status.success(), "{:?}", texts(&out));
}

#[test]
fn check_with_nothing_configured_asks_the_local_service() {
    let home = Home::new();
    home.flyte()
        .args([
            "create",
            "secret",
            "cli-check-org",
            "--value",
            "emb-check-v4lue",
        ])
        .assert()
        .success();
    let out = home
        .flyte()
        .arg("check")
        .arg(task_fixture())
        .arg("check_missing_task")
        .output()
        .unwrap();
    support::assert_not_shown(&out, "emb-check-v4lue");
    let (stdout, err) = texts(&out);
    assert_eq!(out.status.code(), Some(1), "{stdout}\n{err}");
    let data = home.default_data_dir().display().to_string();
    assert!(
        stdout.contains("local secret service") && stdout.contains(&data),
        "{stdout}"
    );
    let line = |key: &str| {
        stdout
            .lines()
            .find(|l| l.contains(&format!(" {key} ")))
            .unwrap_or_else(|| panic!("no {key} in {stdout}"))
    };
    assert!(
        line("cli-check-org").trim_start().starts_with("ok "),
        "{stdout}"
    );
    assert!(
        line("cli-check-absent").trim_start().starts_with("MISSING")
            && line("cli-check-absent").contains("fix: flyte create secret cli-check-absent"),
        "{stdout}"
    );
    assert!(
        stdout.trim_end().ends_with("1 secret found, 1 missing"),
        "{stdout}"
    );
}
