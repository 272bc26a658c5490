//! `flyte run BINARY TASK`: a task binary (cli/tests/fixtures/task_fixture.rs) gets the
//! secrets created with `flyte create secret`, from a real `flyte serve`.

#[path = "run_task/check.rs"]
mod check;
#[path = "run_task/env.rs"]
mod env;
#[path = "run_task/io.rs"]
mod io;
#[path = "run_task/signals.rs"]
mod signals;
use crate::support;

use support::{Home, Serve, task_fixture, texts};

/// `flyte --endpoint URL`, showing secret values in task output: most tests here check
/// which value reached the task (`run_masks_values_in_the_task_output` checks masking).
fn flyte(home: &Home, serve: &Serve) -> assert_cmd::Command {
    let mut cmd = home.flyte();
    cmd.args(["--endpoint", &serve.url])
        .env("FLYTE_NO_MASKING", "1");
    cmd
}

/// `flyte create secret NAME --value VALUE SCOPE...` against `serve`.
fn create(home: &Home, serve: &Serve, name: &str, value: &str, scope: &[&str]) {
    flyte(home, serve)
        .args(["create", "secret", name, "--value", value])
        .args(scope)
        .assert()
        .success();
}

/// `flyte run FIXTURE TASK` against `serve`, reading its inject token from its data dir.
fn run(home: &Home, serve: &Serve, task: &str, extra: &[&str]) -> std::process::Output {
    flyte(home, serve)
        .arg("run")
        .arg(task_fixture())
        .arg(task)
        .arg("--data-dir")
        .arg(serve.data_dir.path())
        .args(extra)
        .output()
        .unwrap()
}

#[test]
fn env_and_file_secrets_created_by_the_cli_reach_the_task() {
    let (home, serve) = (Home::new(), Serve::start());
    flyte(&home, &serve)
        .args(["create", "secret", "cli-fixture-secret"])
        .write_stdin("env-v4lue\n")
        .assert()
        .success();
    flyte(&home, &serve)
        .args([
            "create",
            "secret",
            "cli-fixture-file",
            "--value",
            "file-v4lue",
        ])
        .assert()
        .success();

    let out = run(&home, &serve, "env_task", &[]);
    assert!(out.status.success(), "{:?}", texts(&out));
    assert_eq!(texts(&out).0, "CLI_FIXTURE_SECRET=env-v4lue\n");

    let out = run(&home, &serve, "file_task", &[]);
    assert!(out.status.success(), "{:?}", texts(&out));
    assert_eq!(texts(&out).0, "FILE=file-v4lue\n");

    // The task's exit code is passed on.
    let out = run(&home, &serve, "exit_seven", &[]);
    assert_eq!(out.status.code(), Some(7), "{:?}", texts(&out));
}

/// A task runs where the config says (task.project, task.domain), as with the Python SDK, so
/// a project-scoped secret reaches it without flags; a project alone is a usage error.
#[test]
fn the_task_runs_in_the_configs_project_and_domain() {
    let (home, serve) = (Home::new(), Serve::start());
    let pd = ["-p", "proj", "-d", "dev"];
    create(&home, &serve, "cli-fixture-secret", "proj-v4lue", &pd);
    let mut cmd = flyte(&home, &serve);
    cmd.env("FLYTE_TASK_PROJECT", "proj")
        .env("FLYTE_TASK_DOMAIN", "dev")
        .args(["run"])
        .arg(task_fixture())
        .args(["env_task", "--data-dir"])
        .arg(serve.data_dir.path());
    let out = cmd.output().unwrap();
    assert!(out.status.success(), "{:?}", texts(&out));
    assert_eq!(texts(&out).0, "CLI_FIXTURE_SECRET=proj-v4lue\n");

    let out = run(&home, &serve, "env_task", &["-p", "proj"]);
    let (stdout, err) = texts(&out);
    assert_eq!(out.status.code(), Some(2), "{err}");
    assert_eq!(stdout, "");
    assert!(err.contains("project `proj` needs a domain"), "{err}");
}

#[test]
fn run_masks_values_in_the_task_output() {
    let (home, serve) = (Home::new(), Serve::start());
    let value = "masked-v4lue-0d2f";
    create(&home, &serve, "cli-fixture-secret", value, &[]);
    let run = |extra: &[&str]| {
        flyte(&home, &serve)
            .env_remove("FLYTE_NO_MASKING")
            .arg("run")
            .arg(task_fixture())
            .arg("masked_task")
            .arg("--data-dir")
            .arg(serve.data_dir.path())
            .args(extra)
            .output()
            .unwrap()
    };
    let out = run(&[]);
    assert!(out.status.success(), "{:?}", texts(&out));
    let m = "<secret:cli-fixture-secret>";
    assert_eq!(
        texts(&out),
        (
            format!("out {m} ok\nsplit {m} ok\nend {m}"),
            format!("err {m} ok\n")
        )
    );
    support::assert_not_shown(&out, value);

    let out = run(&["--no-masking"]);
    assert!(out.status.success(), "{:?}", texts(&out));
    assert_eq!(
        texts(&out),
        (
            format!("out {value} ok\nsplit {value} ok\nend {value}"),
            format!("err {value} ok\n")
        )
    );
}

#[test]
fn inject_token_from_env_data_dir_and_from_an_api_key() {
    let (home, serve) = (Home::new(), Serve::start());
    flyte(&home, &serve)
        .args([
            "create",
            "secret",
            "cli-fixture-secret",
            "--value",
            "via-env-dir",
        ])
        .assert()
        .success();
    let out = flyte(&home, &serve)
        .env("FLYTE_SERVER_DATA_DIR", serve.data_dir.path())
        .arg("run")
        .arg(task_fixture())
        .arg("env_task")
        .output()
        .unwrap();
    assert!(out.status.success(), "{:?}", texts(&out));
    assert_eq!(texts(&out).0, "CLI_FIXTURE_SECRET=via-env-dir\n");

    // A service with bearer tokens: the API key needs the inject right.
    let tokens = home.path().join("tokens");
    std::fs::write(&tokens, "writer-token-0123456789abcdef */*/* read,write\ninject-token-0123456789abcdef */*/* inject\n").unwrap();
    std::fs::set_permissions(&tokens, std::os::unix::fs::PermissionsExt::from_mode(0o600)).unwrap();
    let secured = Serve::start_with(&["--tokens", tokens.to_str().unwrap()]);
    flyte(&home, &secured)
        .env("FLYTE_API_KEY", "writer-token-0123456789abcdef")
        .args([
            "create",
            "secret",
            "cli-fixture-secret",
            "--value",
            "via-api-key",
        ])
        .assert()
        .success();
    let run_with = |key: &str| {
        flyte(&home, &secured)
            .env("FLYTE_API_KEY", key)
            .arg("run")
            .arg(task_fixture())
            .arg("env_task")
            .output()
            .unwrap()
    };
    let out = run_with("inject-token-0123456789abcdef");
    assert!(out.status.success(), "{:?}", texts(&out));
    assert_eq!(texts(&out).0, "CLI_FIXTURE_SECRET=via-api-key\n");
    let out = run_with("writer-token-0123456789abcdef");
    assert_eq!(out.status.code(), Some(3));
    let (stdout, err) = texts(&out);
    assert_eq!(stdout, "", "the task did not start");
    assert!(
        err.contains("permission denied") && err.contains("inject"),
        "{err}"
    );
}

#[test]
fn process_env_and_dotenv_come_before_the_service() {
    let (home, serve) = (Home::new(), Serve::start());
    flyte(&home, &serve)
        .args([
            "create",
            "secret",
            "cli-fixture-secret",
            "--value",
            "from-service",
        ])
        .assert()
        .success();
    let out = flyte(&home, &serve)
        .env("CLI_FIXTURE_SECRET", "from-env")
        .arg("run")
        .arg(task_fixture())
        .arg("env_task")
        .output()
        .unwrap();
    assert_eq!(texts(&out).0, "CLI_FIXTURE_SECRET=from-env\n");
    std::fs::create_dir_all(home.path().join(".flyte")).unwrap();
    std::fs::write(
        home.path().join(".flyte/secrets.env"),
        "cli-fixture-secret=from-dotenv\n",
    )
    .unwrap();
    let out = run(&home, &serve, "env_task", &[]);
    assert_eq!(texts(&out).0, "CLI_FIXTURE_SECRET=from-dotenv\n");
}

#[test]
fn project_scope_then_domain_then_organization_fallback() {
    let (home, serve) = (Home::new(), Serve::start());
    flyte(&home, &serve)
        .args([
            "create",
            "secret",
            "cli-fixture-secret",
            "--value",
            "org-wide",
        ])
        .assert()
        .success();
    let out = run(&home, &serve, "env_task", &["-p", "proj", "-d", "dev"]);
    assert_eq!(
        texts(&out).0,
        "CLI_FIXTURE_SECRET=org-wide\n",
        "{:?}",
        texts(&out)
    );
    // The domain's comes between them, as on a cluster (it was skipped once).
    flyte(&home, &serve)
        .args([
            "create",
            "secret",
            "cli-fixture-secret",
            "--value",
            "domain",
        ])
        .args(["-d", "dev"])
        .assert()
        .success();
    let out = run(&home, &serve, "env_task", &["-p", "proj", "-d", "dev"]);
    assert_eq!(texts(&out).0, "CLI_FIXTURE_SECRET=domain\n");
    flyte(&home, &serve)
        .args([
            "create",
            "secret",
            "cli-fixture-secret",
            "--value",
            "scoped",
            "-p",
            "proj",
            "-d",
            "dev",
        ])
        .assert()
        .success();
    let out = run(&home, &serve, "env_task", &["-p", "proj", "-d", "dev"]);
    assert_eq!(texts(&out).0, "CLI_FIXTURE_SECRET=scoped\n");
}

#[test]
fn missing_secret_lists_every_place_and_the_task_does_not_start() {
    let (home, serve) = (Home::new(), Serve::start());
    let out = run(&home, &serve, "file_task", &[]);
    assert_eq!(out.status.code(), Some(3));
    let (stdout, err) = texts(&out);
    assert_eq!(stdout, "", "the task body did not run");
    assert!(
        err.contains("`cli-fixture-file`") && err.contains("not found"),
        "{err}"
    );
    assert!(
        err.contains("/etc/flyte/secrets/cli-fixture-file") || err.contains("file "),
        "{err}"
    );
    assert!(
        err.contains("dotenv file") && err.contains(&serve.url) && err.contains("--endpoint flag"),
        "{err}"
    );
    // One line per secret and one for the fix, as the task binary prints it: not `\n` shown
    // as two characters.
    assert!(
        err.contains("not found\n  - `cli-fixture-file`, looked in: ") && err.contains("\n  fix: "),
        "{err}"
    );
    assert!(!err.contains("\\n"), "{err}");
}

#[test]
fn run_errors() {
    let (home, serve) = (Home::new(), Serve::start());
    let out = run(&home, &serve, "no_such_task", &[]);
    assert_eq!(out.status.code(), Some(2));
    let (_, err) = texts(&out);
    assert!(
        err.contains("no_such_task") && err.contains("env_task"),
        "lists the tasks: {err}"
    );

    let out = flyte(&home, &serve)
        .args(["run", "/nonexistent/binary", "t"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let err = texts(&out).1;
    assert!(err.contains("/nonexistent/binary"), "{err}");
    assert!(
        err.contains("No such file") && !err.contains("`*`"),
        "{err}"
    );

    // The service is down: the error names it and where it was configured.
    let url = serve.url.clone();
    drop(serve);
    let out = home
        .flyte()
        .env("FLYTE_ADMIN_ENDPOINT", &url)
        .env("FLYTE_ADMIN_MAXRETRIES", "0")
        .arg("run")
        .arg(task_fixture())
        .arg("env_task")
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(3));
    let (stdout, err) = texts(&out);
    assert_eq!(stdout, "");
    assert!(
        err.contains(&url)
            && err.contains("FLYTE_ADMIN_ENDPOINT")
            && err.contains("cli-fixture-secret"),
        "{err}"
    );

    // An explicit --data-dir without an inject token is an error naming the directory.
    let serve = Serve::start();
    let empty = tempfile::tempdir().unwrap();
    let out = flyte(&home, &serve)
        .arg("run")
        .arg(task_fixture())
        .arg("env_task")
        .arg("--data-dir")
        .arg(empty.path())
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(3));
    let (_, err) = texts(&out);
    assert!(
        err.contains("inject token") && err.contains(&empty.path().display().to_string()),
        "{err}"
    );
}

#[test]
fn a_binary_whose_list_never_ends_fails_fast() {
    let home = Home::new();
    let started = std::time::Instant::now();
    let out = home
        .flyte()
        .args(["run", "/usr/bin/yes", "t"])
        .output()
        .unwrap();
    let (stdout, err) = texts(&out);
    assert_eq!(out.status.code(), Some(2), "{err}");
    assert_eq!(stdout, "");
    assert!(
        err.contains("/usr/bin/yes list` printed more than 1024 KiB"),
        "{err}"
    );
    assert!(started.elapsed() < std::time::Duration::from_secs(5));
}
