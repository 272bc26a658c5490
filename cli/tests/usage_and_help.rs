//! Usage errors exit 2 and say what is wrong; help has examples; completions are generated.
//! None of these needs a service: a usage error is caught before anything starts.

use crate::support;

use support::{Home, texts};

fn usage_error(home: &Home, args: &[&str], expect: &[&str]) {
    let out = home.flyte().args(args).write_stdin("").output().unwrap();
    let (stdout, err) = texts(&out);
    assert_eq!(out.status.code(), Some(2), "flyte {args:?}: {err}");
    assert_eq!(stdout, "", "flyte {args:?}");
    for e in expect {
        assert!(err.contains(e), "flyte {args:?}: `{e}` not in: {err}");
    }
    // Nothing was started: the embedded default would have created the data dir.
    assert!(
        !home.default_data_dir().exists(),
        "flyte {args:?} started the local service"
    );
}

#[test]
fn flag_rules_are_usage_errors() {
    let home = Home::new();
    usage_error(&home, &["create", "secret"], &["NAME"]);
    usage_error(
        &home,
        &[
            "create",
            "secret",
            "x",
            "--value",
            "v",
            "--from-file",
            "/etc/hostname",
        ],
        &["--value", "--from-file"],
    );
    usage_error(
        &home,
        &["create", "secret", "x", "--from-file", "/nonexistent/file"],
        &["/nonexistent/file", "does not exist"],
    );
    usage_error(
        &home,
        &["create", "secret", "x", "--type", "secret"],
        &["--type", "regular", "image_pull"],
    );
    usage_error(
        &home,
        &["create", "secret", "x", "--from-docker-config"],
        &["--type image_pull"],
    );
    usage_error(
        &home,
        &["create", "secret", "x", "--registry", "ghcr.io"],
        &["--type image_pull"],
    );
    usage_error(
        &home,
        &[
            "create",
            "secret",
            "x",
            "--type",
            "image_pull",
            "--docker-config-path",
            "/etc/hostname",
        ],
        &["--from-docker-config"],
    );
    usage_error(
        &home,
        &[
            "create",
            "secret",
            "x",
            "--type",
            "image_pull",
            "--registries",
            "a,b",
        ],
        &["--from-docker-config"],
    );
    usage_error(
        &home,
        &[
            "create",
            "secret",
            "x",
            "--type",
            "image_pull",
            "--username",
            "u",
        ],
        &["--registry"],
    );
    usage_error(
        &home,
        &[
            "create",
            "secret",
            "x",
            "--type",
            "image_pull",
            "--from-docker-config",
            "--registry",
            "r",
        ],
        &["--registry"],
    );
    usage_error(
        &home,
        &[
            "create",
            "secret",
            "x",
            "--type",
            "image_pull",
            "--registry",
            "r",
            "-p",
            "proj",
        ],
        &["Project and domain must not be set when creating an image pull secret."],
    );
    usage_error(
        &home,
        &["update", "secret", "x", "--type", "image_pull", "-d", "dev"],
        &["Project and domain"],
    );
    usage_error(&home, &["get", "secret", "-o", "yaml"], &["yaml", "json"]);
    usage_error(
        &home,
        &["get", "secret", "--page-size", "0"],
        &["--page-size"],
    );
    usage_error(&home, &["delete", "secret"], &["NAME"]);
    // A name no secret service stores, caught before the local service is started: every
    // command that takes one names it and the rule.
    let long = "n".repeat(254);
    for name in ["", "my.key", "a/b", "bad name", long.as_str()] {
        for command in ["create", "update", "get", "delete"] {
            let mut args = vec![command, "secret", name];
            if matches!(command, "create" | "update") {
                args.extend(["--value", "v4lue-n0t-sh0wn"]);
            }
            usage_error(
                &home,
                &args,
                &[&format!("{name:?}"), "letters, digits, `-` and `_`", "253"],
            );
        }
    }
    usage_error(
        &home,
        &["--config", "/nonexistent/config.yaml", "get", "secret"],
        &["/nonexistent/config.yaml"],
    );
    usage_error(&home, &["run", "only-a-binary"], &["TASK"]);
    usage_error(&home, &["frobnicate"], &["frobnicate"]);
    usage_error(&home, &["completion", "tcsh"], &["tcsh"]);
    usage_error(&home, &[], &["Usage"]);
}

#[test]
fn help_has_examples_and_exits_0() {
    let home = Home::new();
    for (args, example) in [
        (&["--help"][..], "flyte create secret db-password"),
        (
            &["create", "secret", "--help"],
            "--from-docker-config --registries ghcr.io,docker.io",
        ),
        (&["get", "secret", "--help"], "flyte get secret -o json"),
        (
            &["update", "secret", "--help"],
            "flyte update secret my-secret",
        ),
        (
            &["delete", "secret", "--help"],
            "flyte delete secret my-secret",
        ),
        (&["run", "--help"], "flyte run ./"),
        (&["logout", "--help"], "flyte logout --endpoint"),
        (&["auth", "status", "--help"], "flyte auth status"),
        (&["completion", "--help"], "flyte completion bash"),
        (&["serve", "--help"], "--listen"),
    ] {
        let out = home.flyte().args(args).output().unwrap();
        assert_eq!(out.status.code(), Some(0), "{args:?}");
        let help = texts(&out).0;
        assert!(
            help.contains(example),
            "{args:?}: `{example}` not in\n{help}"
        );
    }
    // The Python CLI's flags are all there.
    let help = texts(
        &home
            .flyte()
            .args(["create", "secret", "--help"])
            .output()
            .unwrap(),
    )
    .0;
    for flag in [
        "--value",
        "--from-file",
        "--type",
        "--from-docker-config",
        "--docker-config-path",
        "--registries",
        "--registry",
        "--username",
        "--project",
        "--domain",
    ] {
        assert!(help.contains(flag), "{flag}");
    }
    let out = home.flyte().arg("--version").output().unwrap();
    let version = texts(&out).0;
    assert!(out.status.success() && version.starts_with("flyte "));
    assert!(version.contains("(flyte-rs, Rust)"), "{version}");
}

#[test]
fn completion_into_a_closed_pipe_does_not_panic() {
    let home = Home::new();
    // The reader is closed before the child starts: every write fails with EPIPE.
    let (reader, writer) = std::io::pipe().unwrap();
    drop(reader);
    let out = home
        .command(support::flyte_exe())
        .args(["completion", "bash"])
        .stdout(writer)
        .stderr(std::process::Stdio::piped())
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(!stderr.contains("panicked"), "{stderr}");
    assert!(out.status.success(), "{:?}: {stderr}", out.status);
}

#[test]
fn completions_for_each_shell() {
    let home = Home::new();
    for (shell, marker) in [
        ("bash", "complete -F"),
        ("zsh", "#compdef flyte"),
        ("fish", "complete -c flyte"),
    ] {
        let out = home.flyte().args(["completion", shell]).output().unwrap();
        assert!(out.status.success(), "{shell}");
        let script = texts(&out).0;
        assert!(script.contains(marker), "{shell}: {marker}");
        assert!(
            script.contains("from-docker-config"),
            "{shell}: subcommand flags completed"
        );
    }
    // The bash script is valid bash.
    let script = home.path().join("flyte.bash");
    std::fs::write(
        &script,
        home.flyte()
            .args(["completion", "bash"])
            .output()
            .unwrap()
            .stdout,
    )
    .unwrap();
    let status = std::process::Command::new("bash")
        .arg("-n")
        .arg(&script)
        .status()
        .unwrap();
    assert!(status.success());
}
