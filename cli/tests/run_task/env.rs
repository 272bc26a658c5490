//! The environment a task starts with: a pod's, plus what `--env` asks for, never a name the
//! launch sets itself.

use super::support::{Home, assert_not_shown, task_fixture, texts};

#[test]
fn run_gives_the_task_a_pods_environment_and_the_asked_for_variables() {
    let home = Home::new();
    // The secret is in this command's environment: no service is needed.
    let out = home
        .flyte()
        .env("CLI_FIXTURE_SECRET", "env-names-v4lue")
        .env("FLYTE_API_KEY", "api-key-must-not-leak-0123456789")
        .env("FLYTE_SERVER_TOKENS", "/tokens/must-not-leak")
        .env("SOME_ARBITRARY_VAR", "x")
        .env("PICKED_PASS", "passed-value")
        .env("FLYTE_INTERNAL_TASK_NAME", "env_names")
        .arg("run")
        .arg(task_fixture())
        .arg("env_names")
        .args(["--env", "PICKED_SET=set-value", "--env", "PICKED_PASS"])
        .args(["-e", "PICKED_UNSET"])
        .output()
        .unwrap();
    let (stdout, err) = texts(&out);
    assert!(out.status.success(), "{err}");
    let names: Vec<&str> = stdout
        .lines()
        .filter_map(|l| l.strip_prefix("ENV "))
        .collect();
    for absent in [
        "FLYTE_API_KEY",
        "FLYTE_SERVER_TOKENS",
        "SOME_ARBITRARY_VAR",
        "XDG_DATA_HOME",
        "FLYTE_ADMIN_DISABLEKEYRING",
    ] {
        assert!(!names.contains(&absent), "{absent} leaked: {names:?}");
    }
    assert!(
        !names.iter().any(|n| n.starts_with("PICKED_UNSET")),
        "{names:?}"
    );
    for present in [
        "PATH",
        "HOME",
        "CLI_FIXTURE_SECRET",
        "FLYTE_INTERNAL_TASK_NAME",
        "FLYTE_TASK_LAUNCHED",
        "PICKED_SET=set-value",
        "PICKED_PASS=passed-value",
    ] {
        assert!(names.contains(&present), "{present} missing: {names:?}");
    }
    assert_not_shown(&out, "env-names-v4lue");
    assert_not_shown(&out, "must-not-leak");
}

#[test]
fn an_env_var_the_launch_would_overwrite_is_refused_before_anything_runs() {
    let home = Home::new();
    for (given, rule) in [
        (
            "CLI_FIXTURE_SECRET=other-v4lue-given",
            "the task's secret `cli-fixture-secret`",
        ),
        (
            "FLYTE_SECRETS_DEFAULT_DIR=/other-v4lue-given",
            "the launch sets it",
        ),
    ] {
        let out = home
            .flyte()
            .env("CLI_FIXTURE_SECRET", "env-names-v4lue")
            .arg("run")
            .arg(task_fixture())
            .arg("env_names")
            .args(["--env", given])
            .output()
            .unwrap();
        let (stdout, err) = texts(&out);
        // A mistake in the command line, as a refused input is.
        assert_eq!(out.status.code(), Some(2), "{err}");
        let name = given.split('=').next().unwrap();
        assert!(
            err.contains(&format!("`{name}`")) && err.contains(rule),
            "{err}"
        );
        assert!(!stdout.contains("ENV "), "the task ran: {stdout}");
        assert_not_shown(&out, "env-names-v4lue");
        assert_not_shown(&out, "other-v4lue-given");
    }
}
