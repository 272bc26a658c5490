//! `BIN run` with the configuration `flyte run` reads: the service named by
//! `FLYTE_ADMIN_ENDPOINT`, a broken config file, none configured, a service that never
//! answers (and an interrupt meanwhile); and tasks of one name in two modules, run by path.

use std::path::Path;
use std::process::{Command, Output};

use flyte::launch::{EXIT_NOT_STARTED, EXIT_USAGE, TaskList};

use super::{VALUE, entries, fixtures};

#[path = "../signals/while_resolving.rs"]
mod while_resolving;
use while_resolving::signalled_while_resolving;

/// `BIN run TASK` in a bare setting: no config file found (home and cwd are `dir`), no
/// secret in the environment, no dotenv file unless `dir/secrets.env` exists.
fn bin_run(dir: &Path, task: &str, env: &[(&str, &str)]) -> Output {
    bin_run_command(dir, task, env).output().unwrap()
}

/// The command of [`bin_run`], not started.
fn bin_run_command(dir: &Path, task: &str, env: &[(&str, &str)]) -> Command {
    let mut cmd = Command::new(fixtures());
    cmd.args(["run", task])
        .current_dir(dir)
        .env("HOME", dir)
        .env("FLYTE_SECRETS_FILE", dir.join("secrets.env"))
        .env("FLYTE_SECRETS_ROOT", dir.join("mounts"))
        .env("FLYTE_SECRETS_DEFAULT_DIR", dir.join("no-mount"));
    for name in [
        "FIXTURE_SECRET",
        "FLYTE_TASK_LAUNCHED",
        "FLYTE_ADMIN_ENDPOINT",
        "FLYTE_API_KEY",
        "FLYTE_TASK_PROJECT",
        "FLYTE_TASK_DOMAIN",
        "UCTL_CONFIG",
        "FLYTECTL_CONFIG",
        // The local default's data directory is then under HOME, never the real user's.
        "XDG_DATA_HOME",
        "FLYTE_SERVER_DATA_DIR",
    ] {
        cmd.env_remove(name);
    }
    cmd.envs(env.iter().copied());
    cmd
}

/// The service at `endpoint`, asked with `key` for project `proj`, domain `dev`.
fn service_env<'a>(endpoint: &'a str, key: &'a str) -> [(&'a str, &'a str); 6] {
    [
        ("FLYTE_ADMIN_ENDPOINT", endpoint),
        ("FLYTE_ADMIN_INSECURE", "true"),
        ("FLYTE_ADMIN_DISABLEKEYRING", "true"),
        ("FLYTE_API_KEY", key),
        ("FLYTE_TASK_PROJECT", "proj"),
        ("FLYTE_TASK_DOMAIN", "dev"),
    ]
}

fn texts(out: &Output) -> (String, String) {
    (
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

#[test]
fn the_service_named_by_flyte_admin_endpoint_is_asked() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    std::fs::create_dir(&data).unwrap();
    std::fs::set_permissions(&data, std::os::unix::fs::PermissionsExt::from_mode(0o700)).unwrap();
    let server = flyte_server::Server::builder()
        .data_dir(&data)
        .listen("127.0.0.1:0".parse().unwrap())
        .build()
        .unwrap()
        .start_background()
        .unwrap();
    let endpoint = format!("http://{}", server.addr());
    let config = flyte::Config::builder()
        .endpoint(endpoint.clone())
        .insecure(true)
        .disable_keyring(true)
        .project("proj")
        .domain("dev")
        .no_file_search()
        .no_env()
        .build()
        .unwrap();
    let client = flyte::remote::blocking::Client::new(flyte::remote::Client::new(&config).unwrap());
    client.create("fixture-secret", VALUE).unwrap();
    let token = server.inject_token().unwrap().expose().to_owned();

    let out = bin_run(dir.path(), "env_task", &service_env(&endpoint, &token));
    let (stdout, stderr) = texts(&out);
    assert!(out.status.success(), "{stderr}");
    // Found on the service, handed to the task, masked in its output.
    assert!(
        stdout.contains("FIXTURE_SECRET=<secret:fixture-secret>"),
        "{stdout}"
    );
    assert!(!stdout.contains(VALUE) && !stderr.contains(VALUE));
    assert!(!stderr.contains(&token), "{stderr}");

    // A wrong key: the task does not start, and the message keeps the server's answer (it
    // once stopped at "routing by SelectCluster ... failed"), never the key.
    let wrong = "wrong-api-key-4f1c9a";
    let out = bin_run(dir.path(), "env_task", &service_env(&endpoint, wrong));
    let (stdout, stderr) = texts(&out);
    assert_eq!(out.status.code(), Some(EXIT_NOT_STARTED), "{stderr}");
    assert!(stderr.contains("unauthenticated"), "{stderr}");
    assert!(stderr.contains("`fixture-secret`"), "{stderr}");
    assert!(
        !stderr.contains(wrong) && !stdout.contains(wrong),
        "{stderr}"
    );
}

#[test]
fn an_unreachable_service_is_named_with_the_cause() {
    let dir = tempfile::tempdir().unwrap();
    // A port nothing listens on.
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let endpoint = format!("http://127.0.0.1:{port}");
    let out = bin_run(
        dir.path(),
        "env_task",
        &[
            ("FLYTE_ADMIN_ENDPOINT", &endpoint),
            ("FLYTE_ADMIN_INSECURE", "true"),
            ("FLYTE_ADMIN_DISABLEKEYRING", "true"),
            ("FLYTE_TASK_PROJECT", "proj"),
            ("FLYTE_TASK_DOMAIN", "dev"),
        ],
    );
    let (_, stderr) = texts(&out);
    assert_eq!(out.status.code(), Some(EXIT_NOT_STARTED), "{stderr}");
    // The cause, not only the step that failed ("routing by SelectCluster ... failed").
    assert!(stderr.contains(&endpoint), "{stderr}");
    assert!(stderr.contains("Connection refused"), "{stderr}");
}

#[test]
fn a_broken_config_file_is_named_before_the_task_starts() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("broken.yaml");
    std::fs::write(&file, "admin: [endpoint\n").unwrap();
    let out = bin_run(
        dir.path(),
        "needs_missing",
        &[("FLYTECTL_CONFIG", file.to_str().unwrap())],
    );
    let (stdout, stderr) = texts(&out);
    assert_eq!(out.status.code(), Some(EXIT_NOT_STARTED), "{stderr}");
    assert!(!stdout.contains("body ran"));
    assert!(stderr.contains(file.to_str().unwrap()), "{stderr}");
}

#[test]
fn with_no_endpoint_the_local_service_is_asked_and_named() {
    let dir = tempfile::tempdir().unwrap();
    let out = bin_run(dir.path(), "needs_missing", &[]);
    let (stdout, stderr) = texts(&out);
    assert_eq!(out.status.code(), Some(EXIT_NOT_STARTED), "{stderr}");
    assert!(!stdout.contains("body ran"));
    let data = dir.path().join(".local/share/flyte");
    assert!(
        stderr.contains(&format!("the local secret service in {}", data.display())),
        "{stderr}"
    );
    assert!(stderr.contains("flyte create secret"), "{stderr}");
    assert!(!stderr.contains("flyte::init"), "{stderr}");
}

#[test]
fn same_named_tasks_run_by_path_and_the_short_name_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    // From the dotenv file, so `BIN run` relaunches and the child must find the task too.
    std::fs::write(
        dir.path().join("secrets.env"),
        format!("fixture-secret={VALUE}\n"),
    )
    .unwrap();
    for (path, ran) in [
        ("mod_a::same_name", "ran mod_a::same_name"),
        ("task_fixtures::mod_b::same_name", "ran mod_b::same_name"),
    ] {
        let out = bin_run(dir.path(), path, &[]);
        let (stdout, stderr) = texts(&out);
        assert!(out.status.success(), "{path}: {stderr}");
        assert!(stdout.contains(ran), "{path}: {stdout}");
    }
    let out = bin_run(dir.path(), "same_name", &[]);
    let (stdout, stderr) = texts(&out);
    assert_eq!(out.status.code(), Some(EXIT_USAGE), "{stderr}");
    assert!(!stdout.contains("ran "), "{stdout}");
    for needle in ["ambiguous", "mod_a::same_name", "mod_b::same_name"] {
        assert!(stderr.contains(needle), "missing {needle:?} in {stderr}");
    }

    let list = Command::new(fixtures()).arg("list").output().unwrap();
    let list: TaskList = serde_json::from_slice(&list.stdout).unwrap();
    let paths: Vec<&str> = list.tasks.iter().map(|t| t.path.as_str()).collect();
    for path in ["task_fixtures::mod_a::same_name", "task_fixtures::env_task"] {
        assert!(paths.contains(&path), "{paths:?}");
    }
}

/// An interrupt while the secrets are being resolved ends `BIN run` at once (exit 130),
/// instead of after the service's timeout (seconds) and with an error: nothing is written
/// before the values are in. Exit 130, not death by SIGINT, shows that a handler ended it:
/// what PID 1 needs (next test).
#[test]
fn an_interrupt_while_resolving_ends_the_run_at_once() {
    let dir = tempfile::tempdir().unwrap();
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let endpoint = format!("http://{}", listener.local_addr().unwrap());
    let cmd = bin_run_command(dir.path(), "env_task", &service_env(&endpoint, "k"));
    let out = signalled_while_resolving(cmd, &listener, "-INT", Some);
    // 130 = 128 + SIGINT.
    assert_eq!(out.status.code(), Some(130), "{:?}", texts(&out));
    assert!(entries(&dir.path().join("mounts")).is_empty());
}

/// The same as a container's entry point, PID 1 (of a PID namespace of its own), which the
/// kernel sends no signal left at its default action: `docker stop`'s SIGTERM while the
/// secrets are resolved still ends it at once, and the task never starts. Ignored: a PID
/// namespace takes CAP_SYS_ADMIN, which CI's container may not have.
#[cfg(target_os = "linux")]
#[test]
#[ignore = "needs a PID namespace (`unshare --pid`, CAP_SYS_ADMIN): run it with --ignored as root"]
fn a_stop_while_resolving_ends_the_run_as_pid_1() {
    let dir = tempfile::tempdir().unwrap();
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let endpoint = format!("http://{}", listener.local_addr().unwrap());
    let inner = bin_run_command(dir.path(), "env_task", &service_env(&endpoint, "k"));
    let mut cmd = Command::new("unshare");
    cmd.args(["--pid", "--fork", "--"])
        .arg(inner.get_program())
        .args(inner.get_args())
        .current_dir(dir.path());
    for (k, v) in inner.get_envs() {
        match v {
            Some(v) => cmd.env(k, v),
            None => cmd.env_remove(k),
        };
    }
    // `unshare` forks the run, PID 1 inside; outside it has a pid of its own.
    let child_of = |pid: u32| {
        let children = std::fs::read_to_string(format!("/proc/{pid}/task/{pid}/children")).ok()?;
        children.split_whitespace().next()?.parse().ok()
    };
    let out = signalled_while_resolving(cmd, &listener, "-TERM", child_of);
    // 143 = 128 + SIGTERM, passed on by `unshare`.
    assert_eq!(out.status.code(), Some(143), "{:?}", texts(&out));
    assert!(
        !texts(&out).0.contains("FIXTURE_SECRET="),
        "{:?}",
        texts(&out)
    );
}
