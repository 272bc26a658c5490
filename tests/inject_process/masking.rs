//! Secret values masked in a launched task's stdout and stderr: through `Launcher` (the
//! masked streams captured with `Prepared::capture_output`) and through `BIN run`
//! relaunching itself with values from a dotenv file.

use std::io::Read;
use std::process::{Command, ExitStatus};

use flyte::launch::{Launcher, NO_MASKING_ENV, Started};
use flyte::sources::{MapSource, Resolver};

use super::{VALUE, fixtures};

const GROUPED: &str = "grouped-secret-value-58e1";
const SHORT: &str = "ab12c";

fn launcher() -> Launcher {
    Launcher::new(fixtures()).resolver(
        Resolver::new().with(
            MapSource::new()
                .with("fixture-secret", VALUE)
                .with("grp/cfg", GROUPED)
                .with("short-secret", SHORT),
        ),
    )
}

/// Starts `task` with its output captured.
fn start(launcher: &Launcher, task: &str) -> Started {
    let list = launcher.describe().unwrap();
    let info = list.tasks.iter().find(|t| t.name == task).unwrap();
    let mut prepared = launcher.prepare(&info.name, &info.secret_defs()).unwrap();
    prepared.capture_output();
    prepared.spawn().unwrap()
}

/// Runs `task`, reading the (masked, unless off) stdout and stderr the launcher hands on.
fn run(launcher: &Launcher, task: &str) -> (ExitStatus, Vec<u8>, Vec<u8>) {
    let mut started = start(launcher, task);
    let mut err_pipe = started.child.stderr.take().unwrap();
    let err_reader = std::thread::spawn(move || {
        let mut err = Vec::new();
        err_pipe.read_to_end(&mut err).unwrap();
        err
    });
    let mut out = Vec::new();
    started
        .child
        .stdout
        .take()
        .unwrap()
        .read_to_end(&mut out)
        .unwrap();
    let err = err_reader.join().unwrap();
    (started.wait().unwrap(), out, err)
}

fn expected(value: &str, grouped: &str) -> (Vec<u8>, Vec<u8>) {
    let mut out = format!("out 1 {value} {grouped}\nout 2 {value} after\n").into_bytes();
    out.extend_from_slice(b"bin \xff\x00\xfe ");
    out.extend_from_slice(format!("short={SHORT}\nout end {grouped}").as_bytes());
    let err = format!("err 1 {grouped}|{value}\nerr 2 {value}").into_bytes();
    (out, err)
}

fn assert_masked(out: &[u8], err: &[u8]) {
    let (want_out, want_err) = expected("<secret:fixture-secret>", "<secret:grp/cfg>");
    let shown = |b: &[u8]| String::from_utf8_lossy(b).into_owned();
    assert_eq!(shown(out), shown(&want_out));
    assert_eq!(out, want_out, "bytes other than the values pass unchanged");
    assert_eq!(shown(err), shown(&want_err));
    for value in [VALUE, GROUPED] {
        for (name, text) in [("stdout", out), ("stderr", err)] {
            assert!(!shown(text).contains(value), "{value} on {name}");
        }
    }
}

#[test]
fn the_launcher_masks_values_in_stdout_and_stderr() {
    let (status, out, err) = run(&launcher(), "masked_output");
    assert_eq!(status.code(), Some(5), "the exit code is passed on");
    assert_masked(&out, &err);

    let (status, out, err) = run(&launcher().masking(false), "masked_output");
    assert_eq!(status.code(), Some(5));
    assert_eq!(
        (out, err),
        expected(VALUE, GROUPED),
        "masking off shows values"
    );
}

#[test]
fn masked_output_arrives_while_the_task_runs() {
    let mut started = start(&launcher(), "line_then_sleep");
    let mut stdout = started.child.stdout.take().unwrap();
    // The line, then the first bytes of the value: held back until no more input comes,
    // then printed (the task sleeps 2 s before it goes on).
    let want = format!("ready <secret:fixture-secret>\n{}", &VALUE[..4]);
    let mut seen = Vec::new();
    let mut buf = [0u8; 256];
    while seen.len() < want.len() {
        let n = stdout.read(&mut buf).unwrap();
        assert!(
            n > 0,
            "output ended early: {}",
            String::from_utf8_lossy(&seen)
        );
        seen.extend_from_slice(&buf[..n]);
    }
    assert_eq!(String::from_utf8_lossy(&seen), want);
    assert!(
        started.child.try_wait().unwrap().is_none(),
        "the output came only when the task ended"
    );
    let mut rest = String::new();
    stdout.read_to_string(&mut rest).unwrap();
    assert_eq!(rest, " done\n");
    assert!(started.wait().unwrap().success());
}

#[test]
fn run_relaunching_itself_masks_values_from_the_dotenv_file() {
    let root = tempfile::tempdir().unwrap();
    let dotenv = root.path().join("secrets.env");
    std::fs::write(
        &dotenv,
        format!("fixture-secret={VALUE}\ngrp/cfg={GROUPED}\nshort-secret={SHORT}\n"),
    )
    .unwrap();
    let run = |no_masking: Option<&str>| {
        let mut cmd = Command::new(fixtures());
        cmd.args(["run", "masked_output"])
            .env("FLYTE_SECRETS_FILE", &dotenv)
            .env("FLYTE_SECRETS_ROOT", root.path().join("mounts"));
        for name in ["FIXTURE_SECRET", "GRP_CFG", "SHORT_SECRET", NO_MASKING_ENV] {
            cmd.env_remove(name);
        }
        if let Some(v) = no_masking {
            cmd.env(NO_MASKING_ENV, v);
        }
        cmd.output().unwrap()
    };
    for off in [None, Some("0"), Some("false")] {
        let out = run(off);
        assert_eq!(out.status.code(), Some(5), "{off:?}");
        assert_masked(&out.stdout, &out.stderr);
    }
    let out = run(Some("1"));
    assert_eq!(out.status.code(), Some(5));
    assert_eq!((out.stdout, out.stderr), expected(VALUE, GROUPED));
}
