//! `BIN run TASK` with inputs (JSON, file, stdin, flags) and outputs (JSON, `Result`,
//! `Debug`, `()`, `--outputs-file`); bad inputs stop the task before its body and before
//! any secret is resolved; `BIN list` describes inputs and output.

use std::io::Write as _;
use std::process::{Command, Stdio};

use super::{VALUE, fixtures};
use flyte::launch::{EXIT_USAGE, TaskList};

/// `BIN run ARGS` with `stdin`; `secret` puts `FIXTURE_SECRET` in the environment, else
/// no source holds it (a dotenv file that does not exist).
fn run(args: &[&str], stdin: &str, secret: bool) -> (i32, String, String) {
    let root = tempfile::tempdir().unwrap();
    let mut cmd = Command::new(fixtures());
    cmd.arg("run")
        .args(args)
        .current_dir(root.path())
        .env_remove("FIXTURE_SECRET")
        .env("FLYTE_SECRETS_FILE", root.path().join("absent.env"))
        .env("FLYTE_SECRETS_ROOT", root.path())
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    if secret {
        cmd.env("FIXTURE_SECRET", VALUE);
    }
    let mut child = cmd.spawn().unwrap();
    child
        .stdin
        .take()
        .unwrap()
        .write_all(stdin.as_bytes())
        .unwrap();
    let out = child.wait_with_output().unwrap();
    let text = |b: &[u8]| String::from_utf8_lossy(b).into_owned();
    (
        out.status.code().unwrap_or(-1),
        text(&out.stdout),
        text(&out.stderr),
    )
}

#[test]
fn inputs_by_json_file_stdin_and_flags() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("in.json");
    std::fs::write(&file, r#"{"n": 3, "label": "f", "scale": 2}"#).unwrap();
    let file = file.to_str().unwrap();
    for (args, stdin, expected) in [
        (
            &["add", "--inputs", r#"{"n": 5, "label": "a"}"#][..],
            "",
            r#"{"total":5,"label":"a"}"#,
        ),
        (
            &["add", "--inputs-file", file][..],
            "",
            r#"{"total":6,"label":"f"}"#,
        ),
        (
            &["add", "--inputs-file", "-"][..],
            r#"{"n": 1, "label": "s"}"#,
            r#"{"total":1,"label":"s"}"#,
        ),
        // A flag's value is JSON when it parses, else a string: `a b` needs no quotes.
        (
            &["add", "--n", "4", "--label", "a b", "--scale=3"][..],
            "",
            r#"{"total":12,"label":"a b"}"#,
        ),
    ] {
        let (code, out, err) = run(args, stdin, true);
        assert_eq!(code, 0, "{args:?}: {err}");
        assert_eq!(out, format!("{expected}\n"), "{args:?}");
        assert!(err.contains("body ran, secret true"), "{err}");
    }
}

/// A flag whose text is JSON of another type than its parameter's (`--label 5` for a
/// `String`) is that text; a parameter that takes the JSON keeps it (`--n 5`, `--scale 3`,
/// a list for a `Vec<String>`).
#[test]
fn a_flag_is_its_text_when_its_json_does_not_fit() {
    for (args, expected) in [
        (
            &["add", "--n", "5", "--label", "5"][..],
            r#"{"total":5,"label":"5"}"#,
        ),
        (
            &["add", "--label", "true", "--n", "2", "--scale", "3"][..],
            r#"{"total":6,"label":"true"}"#,
        ),
        (
            &["add", "--n=1", "--label=[1, 2]"][..],
            r#"{"total":1,"label":"[1, 2]"}"#,
        ),
        (
            &["add", "--n", "1", "--label", "null"][..],
            r#"{"total":1,"label":"null"}"#,
        ),
    ] {
        let (code, out, err) = run(args, "", true);
        assert_eq!(code, 0, "{args:?}: {err}");
        assert_eq!(out, format!("{expected}\n"), "{args:?}");
    }
    let (code, _, err) = run(&["unit_out", "--words", r#"["5", "6"]"#], "", false);
    assert_eq!(code, 0, "{err}");
    assert!(err.contains("body ran with 5+6"), "{err}");
}

#[test]
fn outputs_json_result_debug_unit_and_file() {
    let (code, out, _) = run(&["checked", "--n", "4"], "", false);
    assert_eq!((code, out.as_str()), (0, "8\n"));
    let (code, out, err) = run(&["checked", "--n", "-4"], "", false);
    assert_eq!((code, out.as_str()), (1, ""));
    assert!(err.contains("error: negative: -4"), "{err}");
    let (code, out, _) = run(&["debug_out", "--word", "hi"], "", false);
    assert_eq!((code, out.as_str()), (0, "Opaque(\"hi\")\n"));
    let (code, out, err) = run(&["unit_out", "--words", r#"["a","b"]"#], "", false);
    assert_eq!((code, out.as_str()), (0, ""));
    assert!(err.contains("body ran with a+b"), "{err}");

    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("out.json");
    let args = ["add", "--n", "2", "--label", "o", "--outputs-file"];
    let (code, out, err) = run(&[&args[..], &[path.to_str().unwrap()]].concat(), "", true);
    assert_eq!((code, out.as_str()), (0, ""), "{err}");
    let written = std::fs::read_to_string(&path).unwrap();
    assert_eq!(written, "{\"total\":2,\"label\":\"o\"}\n");
}

/// Relaunched with the secret from the dotenv file: the child gets the inputs as the
/// parent read them (`--label 5` is the string "5") and prints the output, once.
#[test]
fn a_relaunched_task_gets_its_inputs_and_prints_once() {
    let root = tempfile::tempdir().unwrap();
    let dotenv = root.path().join("secrets.env");
    std::fs::write(&dotenv, format!("fixture-secret={VALUE}\n")).unwrap();
    for (label, shown) in [("r", "\"r\""), ("5", "\"5\"")] {
        let out = Command::new(fixtures())
            .args(["run", "add", "--n", "7", "--label", label])
            .env_remove("FIXTURE_SECRET")
            .env("FLYTE_SECRETS_FILE", &dotenv)
            .env("FLYTE_SECRETS_ROOT", root.path().join("mounts"))
            .output()
            .unwrap();
        let (stdout, stderr) = (
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr),
        );
        assert_eq!(out.status.code(), Some(0), "{stderr}");
        assert_eq!(stdout, format!("{{\"total\":7,\"label\":{shown}}}\n"));
        assert_eq!(
            stderr.matches("body ran, secret true").count(),
            1,
            "{stderr}"
        );
    }
}

/// No source holds the secret: a task that resolved it would exit 3, not 2.
#[test]
fn bad_inputs_stop_before_the_body_and_the_secrets() {
    let file = tempfile::NamedTempFile::new().unwrap();
    std::fs::write(file.path(), "[1, 2]").unwrap();
    let file = file.path().to_str().unwrap().to_owned();
    for (args, stdin, needles) in [
        (
            &["--label", "a"][..],
            "",
            &["missing input `n`", "`u32`"][..],
        ),
        (
            &["--n", "1"][..],
            "",
            &["missing input `label`", "`String`"][..],
        ),
        (
            &["--n", "1", "--label", "a", "--m", "2"][..],
            "",
            &["unknown input `m`", "`n: u32`"][..],
        ),
        (
            &["--inputs", r#"{"n": 1, "label": "a", "x": 0}"#][..],
            "",
            &["unknown input `x`"][..],
        ),
        (
            &["--n", "x", "--label", "a"][..],
            "",
            &["input `n`", "expected `u32`"][..],
        ),
        // Neither the JSON nor its text is a `u32`: the JSON's error.
        (
            &["--n", "5.5", "--label", "a"][..],
            "",
            &["input `n`", "expected `u32`", "floating point `5.5`"][..],
        ),
        (
            &["--inputs", r#"{"n": 1, "label": 2}"#][..],
            "",
            &["input `label`", "`String`"][..],
        ),
        (
            &["--n", "1", "--label", "a", "--scale", "\"s\""][..],
            "",
            &["input `scale`", "`Option<u32>`"][..],
        ),
        (
            &["--inputs", "{\"n\": "][..],
            "",
            &["--inputs is not a JSON object"][..],
        ),
        (
            &["--inputs-file", "-"][..],
            "nope",
            &["stdin is not a JSON object"][..],
        ),
        (
            &["--inputs-file", &file][..],
            "",
            &["not a JSON object"][..],
        ),
        (
            &["--inputs", r#"{"n": 1}"#, "--label", "a"][..],
            "",
            &["together"][..],
        ),
    ] {
        let args = [&["add"][..], args].concat();
        let (code, out, err) = run(&args, stdin, false);
        assert_eq!(code, EXIT_USAGE, "{args:?}: {err}");
        assert!(
            out.is_empty() && !err.contains("body ran"),
            "{args:?}: {err}"
        );
        for needle in needles {
            assert!(err.contains(needle), "{args:?}: no {needle:?} in {err}");
        }
    }
    // A per-input flag only: `--inputs` JSON is read as it is.
    let (code, _, err) = run(&["unit_out", "--words", "5"], "", false);
    assert_eq!(code, EXIT_USAGE, "{err}");
    assert!(
        err.contains("input `words`: expected `Vec<String>`") && err.contains("integer `5`"),
        "{err}"
    );
    assert!(!err.contains("body ran"), "{err}");
    let (code, _, err) = run(&["takes_args"], "", false);
    assert_eq!(code, EXIT_USAGE);
    assert!(
        err.contains("not all `serde::de::DeserializeOwned`"),
        "{err}"
    );
}

/// `BIN help`, `BIN run --help`, `BIN list -h`: the commands and every task's name, exit 0;
/// `BIN run` alone is a usage error with the same text.
#[test]
fn help_names_the_commands_and_the_tasks() {
    let help = |args: &[&str]| {
        let out = Command::new(fixtures()).args(args).output().unwrap();
        let text = |b: &[u8]| String::from_utf8_lossy(b).into_owned();
        (out.status.code(), text(&out.stdout), text(&out.stderr))
    };
    for args in [
        &["help"][..],
        &["run", "--help"],
        &["run", "-h"],
        &["list", "--help"],
    ] {
        let (code, out, err) = help(args);
        assert_eq!(code, Some(0), "{args:?}: {err}");
        for needle in [
            "run TASK",
            "run TASK --help",
            "list [--format json|proto]",
            "add",
            "env_task",
            "flagged",
        ] {
            assert!(out.contains(needle), "{args:?}: {needle:?} not in {out}");
        }
    }
    let (code, out, err) = help(&["run"]);
    assert_eq!(code, Some(EXIT_USAGE));
    assert!(
        out.is_empty() && err.contains("`run` needs a task") && err.contains("env_task"),
        "{err}"
    );
}

/// `BIN run TASK --help`: how to give each input, its type, whether it may be left out, and
/// where each secret lands, never its value; the body does not run and nothing is resolved.
/// For a task with an input named `help`, `--help` is that input's and `-h` asks.
#[test]
fn task_help_shows_inputs_and_secrets_without_running() {
    let (code, out, err) = run(&["add", "--help"], "", true);
    assert_eq!(code, 0, "{err}");
    for needle in [
        "usage: ",
        " run add --n VALUE --label VALUE [--scale VALUE]",
        "--inputs JSON",
        "-> Summary",
        "--n      u32\n",
        "--label  String\n",
        "--scale  Option<u32>, may be left out",
        "fixture-secret  env var FIXTURE_SECRET",
    ] {
        assert!(out.contains(needle), "{needle:?} not in {out}");
    }
    assert!(
        !err.contains("body ran") && !out.contains(VALUE),
        "{out}{err}"
    );
    // Help is given before the inputs are checked: a missing input is no error here.
    let (code, out, _) = run(&["add", "--n", "5", "-h"], "", false);
    assert_eq!(code, 0);
    assert!(out.contains("--label"), "{out}");

    let (code, out, _) = run(&["takes_args", "--help"], "", false);
    assert_eq!(code, 0);
    assert!(out.contains("cannot be run as its own process"), "{out}");

    let (code, out, err) = run(&["flagged", "--help", "true"], "", false);
    assert_eq!((code, out.trim()), (0, "false"), "{err}");
    let (code, out, _) = run(&["flagged", "-h"], "", false);
    assert_eq!(code, 0);
    assert!(out.contains("--help  bool"), "{out}");
}

#[test]
fn list_describes_inputs_output_and_why_not_runnable() {
    let out = Command::new(fixtures()).arg("list").output().unwrap();
    let list: TaskList = serde_json::from_slice(&out.stdout).unwrap();
    let task = |name: &str| list.tasks.iter().find(|t| t.name == name).unwrap();
    let add = task("add");
    assert!(add.runnable && add.why_not_runnable.is_none());
    let inputs: Vec<_> = add
        .inputs
        .iter()
        .map(|i| (i.name.as_str(), i.ty.as_str(), i.required))
        .collect();
    assert_eq!(
        inputs,
        [
            ("n", "u32", true),
            ("label", "String", true),
            ("scale", "Option<u32>", false)
        ]
    );
    assert_eq!(add.output, "Summary");
    assert_eq!(task("checked").output, "Result<i64, String>");
    assert_eq!(task("unit_out").output, "()");
    let takes_args = task("takes_args");
    assert!(!takes_args.runnable);
    assert!(
        takes_args
            .why_not_runnable
            .as_deref()
            .unwrap()
            .contains("_n: std::time::Instant"),
        "{takes_args:?}"
    );
}
