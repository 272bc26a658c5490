//! The launcher's trust boundary, each test replaying an attack: a killed run's leftover file
//! served instead of a rotated value, a dead run kept alive by PID reuse, the launcher's
//! environment leaking into the task, a task binary whose `list` lies or never ends, and a
//! task left running by a launcher that dies.

use std::io::{BufRead, BufReader};
use std::os::unix::fs::PermissionsExt;
use std::os::unix::process::CommandExt;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use flyte::launch::Launcher;
use flyte::secret::SecretDef;
use flyte::sources::{ProcessSource, SecretSource};
use flyte_test_backends::needs;

use super::{VALUE, fixtures, launcher, run_capture};

pub(super) const STANDARD: &str = "/etc/flyte/secrets";

/// Standard-dir mode: the tests that need it are `#[needs(root)]`; root must be able to write
/// `/etc/flyte/secrets`.
pub(super) fn standard_dir_mode() {
    assert!(
        flyte::mount::standard_dir_writable(),
        "{STANDARD} is not writable, though running as root"
    );
}

/// `task_fixtures run TASK` as a launcher in standard-dir mode, secrets from `dotenv`.
pub(super) fn standard_run(task: &str, dotenv: &Path) -> Command {
    let mut cmd = Command::new(fixtures());
    cmd.args(["run", task])
        .env_remove("FLYTE_SECRETS_ROOT")
        .env_remove("FLYTE_TASK_LAUNCHED")
        .env_remove("FLYTE_SECRETS_DEFAULT_DIR")
        // These tests check which value the task saw.
        .env("FLYTE_NO_MASKING", "1")
        .env("FLYTE_SECRETS_FILE", dotenv);
    cmd
}

#[needs(root)]
#[test]
fn a_killed_runs_file_does_not_beat_the_rotated_value() {
    standard_dir_mode();
    let _one = super::standard_dir_lock();
    let tmp = tempfile::tempdir().unwrap();
    let (old, new) = ("stale-value-before-rotation-41", "rotated-value-after-42");
    let dotenv = tmp.path().join("secrets.env");
    std::fs::write(&dotenv, format!("fixture-file={old}\n")).unwrap();
    // The launcher and its task in a process group of their own, so both can be SIGKILLed.
    let mut run = standard_run("file_then_sleep", &dotenv)
        .process_group(0)
        .stdout(Stdio::piped())
        .spawn()
        .unwrap();
    let mut line = String::new();
    BufReader::new(run.stdout.take().unwrap())
        .read_line(&mut line)
        .unwrap();
    let path = PathBuf::from(line.trim().strip_prefix("READY ").unwrap());
    assert_eq!(path, Path::new(STANDARD).join("fixture-file"), "{line}");
    let killed = Command::new("kill")
        .args(["-KILL", "--", &format!("-{}", run.id())])
        .status()
        .unwrap();
    assert!(killed.success());
    run.wait().unwrap();
    // The task is the launcher's child: gone only once the kernel has reaped the whole
    // group (under load, after the launcher). Until then its run is alive and rightly kept.
    let deadline = Instant::now() + Duration::from_secs(10);
    while Command::new("kill")
        .args(["-0", "--", &format!("-{}", run.id())])
        .stderr(Stdio::null())
        .status()
        .unwrap()
        .success()
    {
        assert!(Instant::now() < deadline, "the killed group did not exit");
        std::thread::sleep(Duration::from_millis(20));
    }
    assert!(path.exists(), "SIGKILL cannot clean up");

    std::fs::write(&dotenv, format!("fixture-file={new}\ngrp/cfg=g\n")).unwrap();
    let out = standard_run("file_task", &dotenv).output().unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(stdout.contains("/fixture-file|400|"), "{stdout}");
    assert!(
        stdout.contains(&format!("|{new}\n")),
        "served stale: {stdout}"
    );
    assert!(!stdout.contains(old), "served stale: {stdout}");
    assert!(!path.exists(), "the leftover was not swept");
}

#[needs(root)]
#[test]
fn a_task_whose_launcher_was_killed_keeps_its_files_until_it_ends() {
    standard_dir_mode();
    let _one = super::standard_dir_lock();
    let tmp = tempfile::tempdir().unwrap();
    let dotenv = tmp.path().join("secrets.env");
    std::fs::write(&dotenv, "fixture-file=kept-while-the-task-runs\n").unwrap();
    // A task that survives the SIGTERM its launcher's death sends it (a task that handles
    // SIGTERM, or one on a system without that signal).
    let mut launcher = standard_run("file_then_sleep_through_term", &dotenv)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut lines = BufReader::new(launcher.stdout.take().unwrap()).lines();
    let ready = lines.next().unwrap().unwrap();
    let path = PathBuf::from(ready.strip_prefix("READY ").unwrap());
    let mut errs = BufReader::new(launcher.stderr.take().unwrap()).lines();
    let task_pid = errs
        .find_map(|l| l.ok().filter(|l| l.starts_with("PID ")))
        .unwrap();
    let task_pid = task_pid.strip_prefix("PID ").unwrap().to_owned();
    // Only the launcher dies; its task (which joined the run's lock) goes on.
    launcher.kill().unwrap();
    launcher.wait().unwrap();

    // The next launcher sweeps: the running task's file must stay. With another value for
    // that file, the next run then does not start (its task would read the held value).
    std::fs::write(&dotenv, "fixture-file=another-run\n").unwrap();
    let out = standard_run("file_then_fail", &dotenv).output().unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(3), "{stderr}");
    assert!(stderr.contains("holds another value"), "{stderr}");
    let still_there = path.exists();
    let killed = Command::new("kill")
        .args(["-KILL", &task_pid])
        .status()
        .unwrap();
    assert!(killed.success());
    assert!(
        still_there,
        "a sweep removed the file of a task still running"
    );

    // Once the task is gone too, the run is dead and the next sweep removes its file.
    for _ in 0..100 {
        if !Path::new(&format!("/proc/{task_pid}")).exists() {
            break;
        }
        std::thread::sleep(Duration::from_millis(20));
    }
    let out = standard_run("file_then_fail", &dotenv).output().unwrap();
    assert_eq!(out.status.code(), Some(1));
    assert!(!path.exists(), "the dead run's file was not swept");
}

/// A record file in the real records dir, removed on drop.
struct Record(PathBuf, PathBuf);

impl Record {
    fn new(name: &str, file: &str) -> Record {
        let records = Path::new(STANDARD).join(".flyte-runs");
        std::fs::create_dir_all(&records).unwrap();
        let record = records.join(name);
        std::fs::write(&record, format!("{file}\n")).unwrap();
        let secret = Path::new(STANDARD).join(file);
        std::fs::write(&secret, "leftover").unwrap();
        Record(record, secret)
    }
}

impl Drop for Record {
    fn drop(&mut self) {
        let _ = std::fs::remove_file(&self.0);
        let _ = std::fs::remove_file(&self.1);
    }
}

#[needs(root)]
#[test]
fn a_record_with_a_live_pid_but_a_free_lock_is_swept_and_a_locked_one_kept() {
    standard_dir_mode();
    let _one = super::standard_dir_lock();
    let suffix = format!("{:016x}", std::process::id() as u64 * 7919);
    // PID 1 is always alive: a PID check would keep this dead run forever.
    let dead = Record::new(&format!("1-r{suffix}"), &format!("leftover-{suffix}"));
    let live = Record::new(
        &format!("{}-r{suffix}", std::process::id()),
        &format!("live-{suffix}"),
    );
    let lock = std::fs::File::open(&live.0).unwrap();
    lock.lock().unwrap();

    let tmp = tempfile::tempdir().unwrap();
    let dotenv = tmp.path().join("secrets.env");
    std::fs::write(&dotenv, format!("fixture-secret={VALUE}\n")).unwrap();
    // Relaunches itself (the secret is not in its environment): the launcher sweeps.
    let out = standard_run("env_task", &dotenv)
        .env_remove("FIXTURE_SECRET")
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(
        !dead.0.exists() && !dead.1.exists(),
        "the dead run was not swept"
    );
    assert!(
        live.0.exists() && live.1.exists(),
        "a live run's files were swept"
    );
    drop(lock);
}

#[test]
fn a_file_another_run_recorded_is_no_platform_mount() {
    let mount = tempfile::tempdir().unwrap();
    std::fs::create_dir(mount.path().join(".flyte-runs")).unwrap();
    std::fs::write(
        mount.path().join(".flyte-runs/1-r0000000000000001"),
        "ours\n",
    )
    .unwrap();
    std::fs::write(mount.path().join("ours"), "a run's file").unwrap();
    std::fs::write(mount.path().join("platform"), "mounted").unwrap();
    let source = ProcessSource::with_mount_dir(mount.path());
    let def = |key| SecretDef::file(key, None, key);
    assert!(source.fetch(&def("ours")).unwrap().is_none());
    assert!(source.fetch(&def("platform")).unwrap().is_some());
}

#[test]
fn the_task_gets_a_pods_environment_not_the_launchers() {
    let tmp = tempfile::tempdir().unwrap();
    let dotenv = tmp.path().join("secrets.env");
    std::fs::write(&dotenv, format!("fixture-secret={VALUE}\n")).unwrap();
    // `BIN run` relaunching itself outside a pod (no FLYTE_INTERNAL_EXECUTION_ID): the
    // launcher's environment holds credentials. (In a pod, the pod's is kept: pods.rs.)
    let out = Command::new(fixtures())
        .args(["run", "env_names_task"])
        .env_remove("FIXTURE_SECRET")
        .env("FLYTE_SECRETS_FILE", &dotenv)
        .env("FLYTE_SECRETS_ROOT", tmp.path().join("mounts"))
        .env("FLYTE_API_KEY", "api-key-must-not-leak-1")
        .env("FLYTE_SERVER_TOKENS", "/tokens-must-not-leak")
        .env("SOME_ARBITRARY_VAR", "x")
        .env("LD_PRELOAD", "")
        .env_remove("FLYTE_INTERNAL_EXECUTION_ID")
        .env("FLYTE_INTERNAL_TASK_NAME", "task-1")
        .env("RUN_NAME", "run-1")
        .env("LC_ALL", "C")
        .env("TZ", "UTC")
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let names: Vec<&str> = stdout
        .lines()
        .filter_map(|l| l.strip_prefix("ENV "))
        .collect();
    for absent in [
        "FLYTE_API_KEY",
        "FLYTE_SERVER_TOKENS",
        "SOME_ARBITRARY_VAR",
        "LD_PRELOAD",
        "FLYTE_SECRETS_FILE",
        "CARGO_MANIFEST_DIR",
    ] {
        assert!(!names.contains(&absent), "{absent} leaked: {names:?}");
    }
    for present in [
        "PATH",
        "HOME",
        "LC_ALL",
        "TZ",
        "FLYTE_INTERNAL_TASK_NAME",
        "RUN_NAME",
        "FIXTURE_SECRET",
        "FLYTE_TASK_LAUNCHED",
        "FLYTE_SECRETS_ENV_PREFIX",
        "FLYTE_SECRETS_ROOT",
    ] {
        assert!(names.contains(&present), "{present} missing: {names:?}");
    }
    assert!(!stdout.contains(VALUE) && !stdout.contains("must-not-leak"));

    // Anything else only on request.
    let root = tempfile::tempdir().unwrap();
    let asked = launcher(root.path()).env("PICKED_ONE", "asked-for");
    let (code, out, err) = run_capture(&asked, "env_names_task", root.path());
    assert_eq!(code, 0, "{err}");
    assert!(out.contains("ENV PICKED_ONE=asked-for\n"), "{out}");
    assert!(!out.contains("ENV CARGO_"), "{out}");
}

/// A fake task binary: a script that prints `list_json` for `list`.
fn fake_binary(dir: &Path, name: &str, body: &str) -> PathBuf {
    let path = dir.join(name);
    std::fs::write(&path, format!("#!/bin/sh\n{body}\n")).unwrap();
    std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o755)).unwrap();
    path
}

/// `describe` of `program`, retried while a concurrent fork still holds the new script open.
fn describe(launcher: &Launcher) -> Result<flyte::launch::TaskList, String> {
    for _ in 0..50 {
        match launcher.describe() {
            Err(e) if e.to_string().contains("Text file busy") => {
                std::thread::sleep(Duration::from_millis(20));
            }
            other => return other.map_err(|e| e.to_string()),
        }
    }
    panic!("the script stayed busy")
}

fn list_of(secret: &str) -> String {
    format!(
        r#"cat <<'EOF'
{{"tasks":[{{"name":"t","module":"m","runnable":true,"secrets":[{secret}]}}]}}
EOF"#
    )
}

#[test]
fn a_list_that_breaks_the_rules_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let ok = fake_binary(dir.path(), "ok", &list_of(r#"{"key":"cfg","file":"cfg"}"#));
    assert_eq!(describe(&Launcher::new(&ok)).unwrap().tasks.len(), 1);
    for (i, (secret, needle)) in [
        (
            r#"{"key":"cfg","file":"../../root/.bashrc"}"#,
            "is not the key",
        ),
        (r#"{"key":"cfg","file":"/etc/shadow"}"#, "is not the key"),
        (r#"{"key":"../x","file":"../x"}"#, "../x"),
        (r#"{"key":"a/b","file":"a/b"}"#, "a/b"),
        (r#"{"key":"a\u0000b","file":"a\u0000b"}"#, "a\\0b"),
        (r#"{"key":"..","file":".."}"#, ".."),
        (r#"{"key":"k","group":"../g","file":"k"}"#, "../g"),
        (r#"{"key":"k","env_var":"LD_PRELOAD"}"#, "dynamic loader"),
        (
            r#"{"key":"k","env_var":"DYLD_INSERT_LIBRARIES"}"#,
            "dynamic loader",
        ),
        (
            r#"{"key":"k","env_var":"PATH"}"#,
            "every task process already has it",
        ),
        (r#"{"key":"k","env_var":"lower-case"}"#, "lower-case"),
        (r#"{"key":"k","env_var":"K","file":"k"}"#, "exactly one"),
        (r#"{"key":"k"}"#, "exactly one"),
        (
            r#"{"key":"k","env_var":"K"},{"key":"j","env_var":"K"}"#,
            "both land on",
        ),
    ]
    .into_iter()
    .enumerate()
    {
        let bin = fake_binary(dir.path(), &format!("bad{i}"), &list_of(secret));
        let err = describe(&Launcher::new(&bin)).unwrap_err();
        assert!(
            err.contains("declares a refused secret") && err.contains(needle),
            "{secret}: {err}"
        );
    }
}

#[test]
fn a_list_that_never_ends_is_cut_off() {
    let dir = tempfile::tempdir().unwrap();
    let slow = fake_binary(dir.path(), "slow", "exec sleep 30");
    let started = Instant::now();
    let err = describe(&Launcher::new(&slow).list_timeout(Duration::from_millis(500))).unwrap_err();
    assert!(err.contains("did not finish within 0.5 s"), "{err}");
    assert!(started.elapsed() < Duration::from_secs(10));

    let started = Instant::now();
    let err = describe(&Launcher::new("/usr/bin/yes")).unwrap_err();
    assert!(err.contains("printed more than 1024 KiB"), "{err}");
    assert!(
        started.elapsed() < Duration::from_secs(5),
        "{:?}",
        started.elapsed()
    );
}

/// `Launcher::end_with_launcher`: the kernel ends the task (SIGTERM) when the thread that
/// started it ends, which is why it is off unless asked for: here the thread ends at once.
#[cfg(target_os = "linux")]
#[test]
fn end_with_launcher_ties_the_task_to_the_thread_that_started_it() {
    use std::os::unix::process::ExitStatusExt;
    let root = tempfile::tempdir().unwrap();
    let status = |on: bool| {
        let launcher = super::launcher(root.path()).end_with_launcher(on);
        let mut prepared = launcher
            .prepare(
                "line_then_sleep",
                &[flyte::secret::SecretDef::env(
                    "fixture-secret",
                    None,
                    "FIXTURE_SECRET",
                )],
            )
            .unwrap();
        prepared.command.stdout(std::process::Stdio::null());
        let started = std::thread::spawn(move || prepared.spawn().unwrap())
            .join()
            .unwrap();
        started.wait().unwrap()
    };
    assert_eq!(
        status(true).signal(),
        Some(15),
        "SIGTERM when its thread ended"
    );
    assert!(status(false).success(), "off: the task runs to its end");
}
