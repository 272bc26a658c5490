//! `flyte run BIN TASK ARGS...`: the task's inputs are passed on, checked by the binary
//! before any secret is resolved, and its output printed once.

use super::support::{Home, Serve, task_fixture, texts};
use super::{create, run};

#[test]
fn inputs_reach_the_task_and_its_output_is_printed_once() {
    let (home, serve) = (Home::new(), Serve::start());
    create(&home, &serve, "cli-fixture-secret", "io-v4lue", &[]);
    let out = run(&home, &serve, "add", &["--n", "4", "--label", "a b"]);
    let (stdout, stderr) = texts(&out);
    assert_eq!(out.status.code(), Some(0), "{stderr}");
    assert_eq!(stdout, "{\"n\":5,\"label\":\"a b\"}\n");
    assert!(stderr.contains("body ran with io-v4lue"), "{stderr}");

    let out = run(
        &home,
        &serve,
        "add",
        &["--inputs", r#"{"n": 1, "label": "j"}"#],
    );
    assert_eq!(
        texts(&out).0,
        "{\"n\":2,\"label\":\"j\"}\n",
        "{:?}",
        texts(&out)
    );

    // The binary's check reads `--label 5` as the string "5" (the JSON 5 is not a `String`),
    // and the task is given that.
    let out = run(&home, &serve, "add", &["--n", "4", "--label", "5"]);
    assert_eq!(
        texts(&out).0,
        "{\"n\":5,\"label\":\"5\"}\n",
        "{:?}",
        texts(&out)
    );

    // `Err`: its `Display` on stderr, exit 1.
    let out = run(&home, &serve, "add", &["--n", "0", "--label", "z"]);
    let (stdout, stderr) = texts(&out);
    assert_eq!(out.status.code(), Some(1), "{stderr}");
    assert!(
        stdout.is_empty() && stderr.contains("error: n is zero"),
        "{stderr}"
    );
}

/// No secret is created: had the secrets been resolved first, the run would fail on them.
#[test]
fn bad_inputs_are_usage_errors_and_nothing_runs() {
    let (home, serve) = (Home::new(), Serve::start());
    for (args, needle) in [
        (&["--label", "a"][..], "missing input `n` (expected `u32`)"),
        (
            &["--n", "x", "--label", "a"][..],
            "input `n`: expected `u32`",
        ),
        (
            &["--n", "1", "--label", "a", "--m", "2"][..],
            "unknown input `m`",
        ),
        (&["--inputs", "{nope"][..], "not a JSON object"),
        (&["--inputs", "{}", "--n", "1"][..], "together"),
        // The output would be written after the body ran: a place it cannot go is refused first.
        (
            &[
                "--n",
                "1",
                "--label",
                "a",
                "--outputs-file",
                "/no-such-dir-4f1/o.json",
            ][..],
            "--outputs-file /no-such-dir-4f1/o.json: its directory /no-such-dir-4f1 does not exist",
        ),
    ] {
        let out = run(&home, &serve, "add", args);
        let (stdout, stderr) = texts(&out);
        assert_eq!(out.status.code(), Some(2), "{args:?}: {stderr}");
        assert!(stderr.contains(needle), "{args:?}: {stderr}");
        assert!(
            !stderr.contains("body ran") && stdout.is_empty(),
            "{args:?}: {stderr}"
        );
        assert!(!stderr.contains("cli-fixture-secret"), "resolved: {stderr}");
    }
}

/// After TASK an option named like one of the task's inputs is that input, as in the Python
/// `flyte run`; `flyte run`'s own options still work before BINARY, and after TASK when no
/// input has their name.
#[test]
fn inputs_named_like_run_options_are_the_tasks() {
    let home = Home::new();
    let run = |args: &[&str]| {
        let out = home
            .flyte()
            .env("PICKED", "from-the-caller")
            .args(["run", "--env", "PICKED=run-env"])
            .arg(task_fixture())
            .arg("named_like_options")
            .args(args)
            .output()
            .unwrap();
        let (stdout, stderr) = texts(&out);
        assert_eq!(out.status.code(), Some(0), "{args:?}: {stderr}");
        stdout
    };
    let shown =
        |env: &str, project: &str| format!("\"env={env} project={project} PICKED=run-env\"\n");
    let p1 = r#"Some(\"p1\")"#;
    assert_eq!(run(&["--env", "prod"]), shown("prod", "None"));
    assert_eq!(run(&["--env=prod", "--project", "p1"]), shown("prod", p1));
    // `-e` is not how an input is written: still `flyte run`'s, as is `--data-dir`.
    let data_dir = home.path().join("data");
    let data_dir = data_dir.to_str().unwrap();
    assert_eq!(
        run(&[
            "--data-dir",
            data_dir,
            "-e",
            "OTHER=1",
            "--project",
            "p1",
            "--env",
            "x=1"
        ]),
        shown("x=1", p1)
    );
    // `--` first, as before.
    assert_eq!(run(&["--", "--env", "prod"]), shown("prod", "None"));
}

/// `flyte run BIN TASK --help` (or `-h`): the task's inputs and secrets, as the binary prints
/// them, exit 0; no secret is resolved, so no service is started.
#[test]
fn help_after_the_task_is_the_tasks() {
    let home = Home::new();
    for flag in ["--help", "-h"] {
        let out = home
            .flyte()
            .arg("run")
            .arg(task_fixture())
            .args(["add", flag])
            .output()
            .unwrap();
        let (stdout, stderr) = texts(&out);
        assert_eq!(out.status.code(), Some(0), "{stderr}");
        for needle in [
            "run add --n VALUE --label VALUE",
            "--n      u32",
            "cli-fixture-secret  env var CLI_FIXTURE_SECRET",
        ] {
            assert!(
                stdout.contains(needle),
                "{flag}: {needle:?} not in {stdout}"
            );
        }
        assert!(!stderr.contains("body ran"), "{stderr}");
        assert!(!home.default_data_dir().exists(), "a service was started");
    }
    // A task with an input named `help`: `--help` is that input, `-h` still asks.
    let run = |args: &[&str]| {
        let out = home
            .flyte()
            .arg("run")
            .arg(task_fixture())
            .args(args)
            .output()
            .unwrap();
        (out.status.code(), texts(&out).0)
    };
    let (code, stdout) = run(&["helpful", "-h"]);
    assert_eq!(code, Some(0));
    assert!(stdout.contains("--help  bool"), "{stdout}");
    assert_eq!(
        run(&["helpful", "--help", "true"]),
        (Some(0), "false\n".into())
    );
    // Further on, where a launcher checks the inputs, help says where it goes.
    let out = home
        .flyte()
        .arg("run")
        .arg(task_fixture())
        .args(["add", "--n", "5", "--help"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(
        texts(&out).1.contains("right after the task's name"),
        "{:?}",
        texts(&out)
    );
    // `flyte run --help` is still `run`'s own.
    let out = home.flyte().args(["run", "--help"]).output().unwrap();
    assert!(texts(&out).0.contains("--no-masking"), "{:?}", texts(&out));
}
