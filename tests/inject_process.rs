//! Tasks run as real processes: env and file injection by the launcher, `BIN run` launching
//! itself when secrets are missing, cleanup after success, error and panic, the sweep after a
//! SIGKILL, and the missing-secrets report; in `pods`, a task started with the environment
//! of a Flyte pod under each secret injector; in `trust`, the attacks on the launcher; in
//! `run_config`, `BIN run` with the configured service and tasks run by path; in
//! `tasks_from`, the tasks of a library crate linked by `#[flyte::main(tasks_from = ...)]`;
//! in `io`, tasks with inputs and outputs.

use std::io::{BufRead, BufReader};
use std::path::Path;
use std::process::{Command, Stdio};

use flyte::launch::{EXIT_NOT_STARTED, EXIT_USAGE, Launcher, TaskList};
use flyte::sources::{MapSource, Resolver};

#[path = "inject_process/env_limits.rs"]
mod env_limits;
#[path = "inject_process/io.rs"]
mod io;
#[path = "inject_process/list_pipe.rs"]
mod list_pipe;
#[path = "inject_process/masking.rs"]
mod masking;
#[path = "inject_process/pods.rs"]
mod pods;
#[path = "inject_process/races.rs"]
mod races;
#[path = "inject_process/run_config.rs"]
mod run_config;
#[path = "inject_process/tasks_from.rs"]
mod tasks_from;
#[path = "inject_process/trust.rs"]
mod trust;

fn fixtures() -> &'static str {
    env!("CARGO_BIN_EXE_task_fixtures")
}

const VALUE: &str = "process-secret-value-7f3a";
const FILE_VALUE: &str = "file-secret-value-19c2";

fn resolver() -> Resolver {
    Resolver::new().with(
        MapSource::new()
            .with("fixture-secret", VALUE)
            .with("fixture-file", FILE_VALUE)
            .with("grp/cfg", "grouped-value"),
    )
}

/// These tests check the values the child saw: masking is off (see `masking`).
fn launcher(root: &Path) -> Launcher {
    Launcher::new(fixtures())
        .resolver(resolver())
        .mount_root(root)
        .masking(false)
}

fn run_capture(launcher: &Launcher, task: &str, root: &Path) -> (i32, String, String) {
    let list = launcher.describe().unwrap();
    let info = list.tasks.iter().find(|t| t.name == task).unwrap();
    let mut prepared = launcher.prepare(&info.name, &info.secret_defs()).unwrap();
    if let Some(dir) = prepared.mount_dir() {
        assert!(
            dir.starts_with(root),
            "{} not under {}",
            dir.display(),
            root.display()
        );
    }
    prepared
        .command
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    let mut started = prepared.spawn().unwrap();
    let mut stdout = String::new();
    let mut stderr = String::new();
    use std::io::Read;
    started
        .child
        .stdout
        .take()
        .unwrap()
        .read_to_string(&mut stdout)
        .unwrap();
    started
        .child
        .stderr
        .take()
        .unwrap()
        .read_to_string(&mut stderr)
        .unwrap();
    let status = started.wait().unwrap();
    (status.code().unwrap_or(-1), stdout, stderr)
}

fn entries(dir: &Path) -> Vec<String> {
    std::fs::read_dir(dir)
        .map(|rd| {
            rd.flatten()
                .map(|e| e.file_name().to_string_lossy().into_owned())
                .collect()
        })
        .unwrap_or_default()
}

#[test]
fn list_describes_tasks_and_secrets_without_values() {
    let out = Command::new(fixtures()).arg("list").output().unwrap();
    assert!(out.status.success());
    let list: TaskList = serde_json::from_slice(&out.stdout).unwrap();
    let file_task = list.tasks.iter().find(|t| t.name == "file_task").unwrap();
    assert!(file_task.runnable);
    // Where the default Flyte 2 injector puts it: `<dir>/<key>`, no group directory.
    assert_eq!(file_task.secrets[1].file.as_deref(), Some("cfg"));
    let env_task = list.tasks.iter().find(|t| t.name == "env_task").unwrap();
    assert_eq!(
        env_task.secrets[0].env_var.as_deref(),
        Some("FIXTURE_SECRET")
    );
    assert!(
        !list
            .tasks
            .iter()
            .find(|t| t.name == "takes_args")
            .unwrap()
            .runnable
    );
}

#[test]
fn env_secret_reaches_the_child_environment() {
    let root = tempfile::tempdir().unwrap();
    let (code, out, _) = run_capture(&launcher(root.path()), "env_task", root.path());
    assert_eq!(code, 0);
    assert!(out.contains(&format!("FIXTURE_SECRET={VALUE}")), "{out}");
    let (code, out, _) = run_capture(&launcher(root.path()), "async_env_task", root.path());
    assert_eq!(code, 0);
    assert!(
        out.contains(&format!("async FIXTURE_SECRET={VALUE}")),
        "{out}"
    );
}

#[test]
fn file_secrets_have_modes_contents_and_are_removed_after_the_run() {
    let root = tempfile::tempdir().unwrap();
    let (code, out, err) = run_capture(&launcher(root.path()), "file_task", root.path());
    assert_eq!(code, 0, "{err}");
    let dir = out
        .lines()
        .find_map(|l| l.strip_prefix("FLYTE_SECRETS_DEFAULT_DIR="))
        .unwrap();
    assert!(Path::new(dir).starts_with(root.path()));
    let expected_file = format!("{dir}/fixture-file|400|700|{FILE_VALUE}");
    assert!(out.contains(&expected_file), "{out}");
    assert!(
        out.contains(&format!("{dir}/cfg|400|700|grouped-value")),
        "{out}"
    );
    assert!(
        entries(root.path()).is_empty(),
        "left behind: {:?}",
        entries(root.path())
    );
}

#[test]
fn files_are_removed_after_error_and_panic() {
    let root = tempfile::tempdir().unwrap();
    for (task, expected) in [("file_then_fail", 1), ("file_then_panic", 101)] {
        let (code, _, err) = run_capture(&launcher(root.path()), task, root.path());
        assert_eq!(code, expected, "{task}: {err}");
        assert!(
            entries(root.path()).is_empty(),
            "{task} left {:?}",
            entries(root.path())
        );
    }
}

/// `BIN run` puts file secrets in `/etc/flyte/secrets` when it is writable (as root), and
/// tests that sweep or check that dir must not see another test's file there: one at a time.
fn standard_dir_lock() -> std::sync::MutexGuard<'static, ()> {
    static STANDARD_DIR: std::sync::Mutex<()> = std::sync::Mutex::new(());
    STANDARD_DIR.lock().unwrap_or_else(|p| p.into_inner())
}

#[test]
fn run_launches_itself_with_values_from_the_dotenv_file() {
    let _one = standard_dir_lock();
    let root = tempfile::tempdir().unwrap();
    let dotenv = root.path().join("secrets.env");
    std::fs::write(
        &dotenv,
        format!("fixture-secret={VALUE}\nfixture-file={FILE_VALUE}\ngrp/cfg=g\n"),
    )
    .unwrap();
    let secrets_root = root.path().join("mounts");
    // The relaunched child's output is masked: the markers show the values reached it.
    for (task, needle) in [
        (
            "env_task",
            "FIXTURE_SECRET=<secret:fixture-secret>".to_owned(),
        ),
        ("file_task", "|400|700|<secret:fixture-file>".to_owned()),
    ] {
        let out = Command::new(fixtures())
            .args(["run", task])
            .env_remove("FIXTURE_SECRET")
            .env("FLYTE_SECRETS_FILE", &dotenv)
            .env("FLYTE_SECRETS_ROOT", &secrets_root)
            .output()
            .unwrap();
        let stdout = String::from_utf8_lossy(&out.stdout);
        assert!(
            out.status.success(),
            "{task}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        assert!(stdout.contains(&needle), "{task}: {stdout}");
    }
    assert!(
        entries(&secrets_root).is_empty(),
        "left behind: {:?}",
        entries(&secrets_root)
    );
}

#[test]
fn missing_secrets_stop_the_task_and_are_all_listed() {
    let root = tempfile::tempdir().unwrap();
    let out = Command::new(fixtures())
        .args(["run", "needs_missing"])
        .env_remove("NEEDED_ONE")
        .env("FLYTE_SECRETS_FILE", root.path().join("absent.env"))
        .env("FLYTE_SECRETS_ROOT", root.path())
        .env("FLYTE_SECRETS_DEFAULT_DIR", root.path().join("mount"))
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(EXIT_NOT_STARTED), "{stderr}");
    assert!(!stdout.contains("body ran"));
    for needle in [
        "task `needs_missing` cannot start: 2 secrets not found",
        "`needed-one`",
        "env var NEEDED_ONE",
        "`needed-two`",
        "absent.env",
    ] {
        assert!(stderr.contains(needle), "missing {needle:?} in {stderr}");
    }
}

#[test]
fn unknown_or_unrunnable_tasks_are_usage_errors() {
    for (task, needle) in [
        ("no_such_task", "no task `no_such_task`"),
        ("takes_args", "cannot be run as its own process"),
    ] {
        let out = Command::new(fixtures())
            .args(["run", task])
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(EXIT_USAGE));
        assert!(String::from_utf8_lossy(&out.stderr).contains(needle));
    }
}

#[test]
fn files_of_a_sigkilled_task_are_swept_on_the_next_start() {
    let _one = standard_dir_lock();
    let root = tempfile::tempdir().unwrap();
    let dotenv = root.path().join("secrets.env");
    std::fs::write(&dotenv, format!("fixture-file={FILE_VALUE}\n")).unwrap();
    let secrets_root = root.path().join("mounts");
    // Launched marker: the task resolves and writes its file itself, in-process.
    let mut child = Command::new(fixtures())
        .args(["run", "file_then_sleep"])
        .env("FLYTE_TASK_LAUNCHED", "1")
        .env("FLYTE_SECRETS_FILE", &dotenv)
        .env("FLYTE_SECRETS_ROOT", &secrets_root)
        .env("FLYTE_SECRETS_DEFAULT_DIR", root.path().join("no-mount"))
        .stdout(Stdio::piped())
        .spawn()
        .unwrap();
    let mut line = String::new();
    BufReader::new(child.stdout.take().unwrap())
        .read_line(&mut line)
        .unwrap();
    let path = line.trim().strip_prefix("READY ").unwrap().to_owned();
    assert!(Path::new(&path).exists());
    child.kill().unwrap(); // SIGKILL: no destructor runs
    child.wait().unwrap();
    assert!(
        Path::new(&path).exists(),
        "SIGKILL cannot clean up; the sweep must"
    );

    // The next start that writes secrets sweeps directories of dead processes.
    let out = Command::new(fixtures())
        .args(["run", "file_then_fail"])
        .env("FLYTE_TASK_LAUNCHED", "1")
        .env("FLYTE_SECRETS_FILE", &dotenv)
        .env("FLYTE_SECRETS_ROOT", &secrets_root)
        .env("FLYTE_SECRETS_DEFAULT_DIR", root.path().join("no-mount"))
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    assert!(!Path::new(&path).exists(), "stale {path} was not swept");
    assert!(
        entries(&secrets_root).is_empty(),
        "left behind: {:?}",
        entries(&secrets_root)
    );
}

#[test]
fn launcher_errors_and_debug_never_show_values() {
    let root = tempfile::tempdir().unwrap();
    let l = launcher(root.path());
    let list = l.describe().unwrap();
    let info = list.tasks.iter().find(|t| t.name == "env_task").unwrap();
    let prepared = l.prepare(&info.name, &info.secret_defs()).unwrap();
    // The command carries the value in its environment; our Debug must not print it.
    let shown = format!("{prepared:?} {:?}", resolver());
    assert!(shown.contains("env_task"), "{shown}");
    assert!(!shown.contains(VALUE), "{shown}");
    let list_json = Command::new(fixtures()).arg("list").output().unwrap();
    assert!(!String::from_utf8_lossy(&list_json.stdout).contains(VALUE));
}

/// What a Flyte cluster reads to inject each task's secrets: `security_context` in the JSON
/// list, and the same message in binary from `list --format proto`.
#[test]
fn list_carries_each_tasks_security_context() {
    use base64::Engine as _;
    use flyte_idl::Message as _;
    use flyte_idl::core::SecurityContext;

    let out = Command::new(fixtures()).arg("list").output().unwrap();
    assert!(out.status.success());
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let sc_of = |name: &str| {
        json["tasks"]
            .as_array()
            .unwrap()
            .iter()
            .find(|t| t["name"] == name)
            .unwrap_or_else(|| panic!("no task {name}"))["security_context"]
            .clone()
    };
    assert_eq!(
        sc_of("env_task"),
        serde_json::json!({"secrets": [
            {"key": "fixture-secret", "mountRequirement": "ENV_VAR", "envVar": "FIXTURE_SECRET"}
        ]})
    );
    assert_eq!(
        sc_of("file_task"),
        serde_json::json!({"secrets": [
            {"key": "fixture-file", "mountRequirement": "FILE"},
            {"group": "grp", "key": "cfg", "mountRequirement": "FILE"}
        ]})
    );
    assert_eq!(
        sc_of("needs_missing"),
        serde_json::json!({"secrets": [
            {"key": "needed-one", "mountRequirement": "ENV_VAR", "envVar": "NEEDED_ONE"},
            {"key": "needed-two", "mountRequirement": "FILE"}
        ]})
    );
    assert_eq!(sc_of("takes_args"), serde_json::json!({}));

    // Through the typed list as well, and it is the one derived from `secrets`.
    let list: TaskList = serde_json::from_slice(&out.stdout).unwrap();
    for task in &list.tasks {
        assert_eq!(
            task.security_context,
            task.derived_security_context(),
            "{}",
            task.name
        );
    }

    let proto = Command::new(fixtures())
        .args(["list", "--format", "proto"])
        .output()
        .unwrap();
    assert!(proto.status.success());
    let text = String::from_utf8(proto.stdout).unwrap();
    let mut names = Vec::new();
    for line in text.lines() {
        let (name, b64) = line.split_once('\t').unwrap_or_else(|| panic!("{line:?}"));
        let bytes = base64::engine::general_purpose::STANDARD
            .decode(b64)
            .unwrap();
        let sc = SecurityContext::decode(bytes.as_slice()).unwrap();
        // Each line names its task as `BIN run` takes it: a shared name by its path.
        let task = list.find(name).unwrap_or_else(|e| panic!("{name}: {e}"));
        assert_eq!(sc, task.security_context, "{name}");
        let printed = json["tasks"]
            .as_array()
            .unwrap()
            .iter()
            .find(|t| t["name"] == task.name.as_str() && t["module"] == task.module.as_str())
            .unwrap()["security_context"]
            .clone();
        assert_eq!(
            serde_json::to_value(&sc).unwrap(),
            printed,
            "{name}: proto and JSON formats differ"
        );
        names.push(name.to_owned());
    }
    let json_names: Vec<String> = list.tasks.iter().map(|t| list.run_name(t)).collect();
    assert_eq!(names, json_names);
    assert!(
        names.iter().any(|n| n.contains("::")),
        "no shared name: {names:?}"
    );

    // `--format json` is the default.
    let explicit = Command::new(fixtures())
        .args(["list", "--format=json"])
        .output()
        .unwrap();
    assert_eq!(explicit.stdout, out.stdout);
}

#[test]
fn list_with_an_unknown_format_is_a_usage_error() {
    let out = Command::new(fixtures())
        .args(["list", "--format", "yaml"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(EXIT_USAGE));
    assert!(out.stdout.is_empty());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("`yaml`"), "{err}");
    assert!(err.contains("json") && err.contains("proto"), "{err}");
    let out = Command::new(fixtures())
        .args(["list", "--format"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(EXIT_USAGE));
}
