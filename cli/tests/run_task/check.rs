//! `flyte check BINARY [TASK...]` against a real `flyte serve`: the fixture's `check_task`
//! declares `cli-check-pd`, `cli-check-domain`, `cli-check-org` and `cli-check-token` in group
//! `cli-check-gh`; `check_missing_task` declares `cli-check-org` and `cli-check-absent`.

use super::support::{Home, Serve, task_fixture, texts};
use super::{create, flyte};

/// `flyte check FIXTURE ARGS` against `serve`.
fn check(home: &Home, serve: &Serve, args: &[&str]) -> std::process::Output {
    flyte(home, serve)
        .arg("check")
        .arg(task_fixture())
        .args(args)
        .output()
        .unwrap()
}

/// The report line of secret `label` (after the status column) in `stdout`.
fn line_of<'a>(stdout: &'a str, label: &str) -> &'a str {
    stdout
        .lines()
        .find(|l| {
            let rest = l.trim_start().split_once(' ').map_or("", |(_, r)| r);
            rest.trim_start().starts_with(&format!("{label} "))
        })
        .unwrap_or_else(|| panic!("no line for `{label}` in:\n{stdout}"))
}

const CHECK_VALUES: [&str; 5] = [
    "pd-v4lue-91",
    "dom-v4lue-92",
    "org-v4lue-93",
    "tok-v4lue-94",
    "old-v4lue-95",
];

fn assert_no_values(out: &std::process::Output) {
    for v in CHECK_VALUES {
        super::support::assert_not_shown(out, v);
    }
}

#[test]
fn check_finds_secrets_in_each_scope_a_cluster_looks_in() {
    let (home, serve) = (Home::new(), Serve::start());
    let pd = ["-p", "proj", "-d", "dev"];
    create(&home, &serve, "cli-check-pd", CHECK_VALUES[0], &pd);
    create(
        &home,
        &serve,
        "cli-check-domain",
        CHECK_VALUES[1],
        &["-d", "dev"],
    );
    create(&home, &serve, "cli-check-org", CHECK_VALUES[2], &[]);
    // A grouped secret is looked up by its key.
    create(&home, &serve, "cli-check-token", CHECK_VALUES[3], &pd);

    let out = check(&home, &serve, &["check_task", "-p", "proj", "-d", "dev"]);
    assert_no_values(&out);
    let (stdout, err) = texts(&out);
    assert_eq!(out.status.code(), Some(0), "{stdout}\n{err}");
    assert!(stdout.contains("task check_task"), "{stdout}");
    assert!(
        !stdout.contains("task env_task"),
        "only the named task: {stdout}"
    );
    let pd_line = line_of(&stdout, "cli-check-pd");
    assert!(
        pd_line.trim_start().starts_with("ok ")
            && pd_line.contains("found in project `proj`, domain `dev`"),
        "{pd_line}"
    );
    let dom = line_of(&stdout, "cli-check-domain");
    assert!(
        dom.trim_start().starts_with("ok ")
            && dom.contains("found in domain `dev`")
            && !dom.contains("project `proj`"),
        "found by the domain fallback: {dom}"
    );
    let org = line_of(&stdout, "cli-check-org");
    assert!(
        org.trim_start().starts_with("ok ") && org.contains("found organization-wide"),
        "{org}"
    );
    let tok = line_of(&stdout, "cli-check-token (cli-check-gh)");
    assert!(
        tok.trim_start().starts_with("ok ")
            && tok.contains("found in project `proj`, domain `dev`")
            && tok.contains("(secret `cli-check-token`)"),
        "{tok}"
    );
    assert!(
        stdout.trim_end().ends_with("4 secrets found, 0 missing"),
        "{stdout}"
    );

    // The scope from the config's env vars instead of the flags: the same answer.
    let out = flyte(&home, &serve)
        .env("FLYTE_TASK_PROJECT", "proj")
        .env("FLYTE_TASK_DOMAIN", "dev")
        .arg("check")
        .arg(task_fixture())
        .arg("check_task")
        .output()
        .unwrap();
    assert_no_values(&out);
    assert_eq!(out.status.code(), Some(0), "{:?}", texts(&out));

    // Machine-readable.
    let out = check(
        &home,
        &serve,
        &["check_task", "-p", "proj", "-d", "dev", "-o", "json"],
    );
    assert_no_values(&out);
    assert_eq!(out.status.code(), Some(0), "{:?}", texts(&out));
    let doc: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(doc["found"], 4);
    assert_eq!(doc["missing"], 0);
    let secrets = &doc["tasks"][0]["secrets"];
    assert_eq!(doc["tasks"][0]["task"], "check_task");
    let by_key = |k: &str| {
        secrets
            .as_array()
            .unwrap()
            .iter()
            .find(|s| s["key"] == k)
            .unwrap_or_else(|| panic!("no {k} in {secrets}"))
            .clone()
    };
    let dom = by_key("cli-check-domain");
    assert_eq!(dom["status"], "found");
    assert_eq!(dom["found"]["domain"], "dev");
    assert_eq!(dom["found"]["project"], serde_json::Value::Null);
    assert_eq!(
        by_key("cli-check-org")["found"]["domain"],
        serde_json::Value::Null
    );
    let tok = by_key("cli-check-token");
    assert_eq!(tok["group"], "cli-check-gh");
    assert_eq!(tok["found"]["name"], "cli-check-token");
    assert_eq!(tok["found"]["project"], "proj");

    // Without the project and domain only organization-wide counts: the others are missing.
    let out = check(&home, &serve, &["check_task"]);
    assert_no_values(&out);
    let (stdout, _) = texts(&out);
    assert_eq!(out.status.code(), Some(1), "{stdout}");
    assert!(
        line_of(&stdout, "cli-check-pd")
            .trim_start()
            .starts_with("MISSING"),
        "{stdout}"
    );
    assert!(
        stdout.trim_end().ends_with("1 secret found, 3 missing"),
        "{stdout}"
    );
}

#[test]
fn check_reports_missing_secrets_and_old_group_key_names() {
    let (home, serve) = (Home::new(), Serve::start());
    let pd = ["-p", "proj", "-d", "dev"];
    create(&home, &serve, "cli-check-org", CHECK_VALUES[2], &[]);
    // The old name of the grouped secret, which a cluster does not read.
    create(
        &home,
        &serve,
        "cli-check-gh-cli-check-token",
        CHECK_VALUES[4],
        &pd,
    );

    let out = check(
        &home,
        &serve,
        &[
            "check_task",
            "check_missing_task",
            "-p",
            "proj",
            "-d",
            "dev",
        ],
    );
    assert_no_values(&out);
    let (stdout, err) = texts(&out);
    assert_eq!(out.status.code(), Some(1), "{stdout}\n{err}");
    assert!(
        stdout.contains("task check_task") && stdout.contains("task check_missing_task"),
        "{stdout}"
    );
    let absent = line_of(&stdout, "cli-check-absent");
    assert!(absent.trim_start().starts_with("MISSING"), "{absent}");
    let at = |place: &str| {
        absent
            .find(place)
            .unwrap_or_else(|| panic!("`{place}` not in: {absent}"))
    };
    let (pd_at, dom_at, org_at) = (
        at("looked in: secret `cli-check-absent` (project `proj`, domain `dev`"),
        at("then secret `cli-check-absent` (domain `dev`"),
        at("then secret `cli-check-absent` (organization-wide"),
    );
    assert!(pd_at < dom_at && dom_at < org_at, "in order: {absent}");
    assert!(
        absent.ends_with("fix: flyte create secret cli-check-absent -p proj -d dev"),
        "{absent}"
    );
    let tok = line_of(&stdout, "cli-check-token (cli-check-gh)");
    assert!(tok.trim_start().starts_with("MISSING"), "{tok}");
    assert!(
        tok.contains("old name `cli-check-gh-cli-check-token`")
            && tok.contains("store it under `cli-check-token`")
            && tok.contains("flyte create secret cli-check-token -p proj -d dev"),
        "{tok}"
    );
    // check_task: only the org one; check_missing_task: the org one, not the absent one.
    assert!(
        stdout.trim_end().ends_with("2 secrets found, 4 missing"),
        "{stdout}"
    );

    let out = check(
        &home,
        &serve,
        &["check_task", "-p", "proj", "-d", "dev", "-o", "json"],
    );
    assert_no_values(&out);
    assert_eq!(out.status.code(), Some(1));
    let doc: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let tok = doc["tasks"][0]["secrets"]
        .as_array()
        .unwrap()
        .iter()
        .find(|s| s["key"] == "cli-check-token")
        .unwrap()
        .clone();
    assert_eq!(tok["status"], "missing");
    assert_eq!(
        tok["found_under_old_name"]["name"],
        "cli-check-gh-cli-check-token"
    );
    assert_eq!(tok["looked_in"].as_array().unwrap().len(), 4);
    assert_eq!(
        tok["fix"],
        "flyte create secret cli-check-token -p proj -d dev"
    );

    // Following the fix makes it found.
    create(&home, &serve, "cli-check-token", CHECK_VALUES[3], &pd);
    let out = check(&home, &serve, &["check_task", "-p", "proj", "-d", "dev"]);
    assert_no_values(&out);
    let (stdout, _) = texts(&out);
    assert!(
        line_of(&stdout, "cli-check-token (cli-check-gh)")
            .trim_start()
            .starts_with("ok "),
        "{stdout}"
    );

    // No task named: every task of the binary.
    let out = check(&home, &serve, &[]);
    assert_no_values(&out);
    let (stdout, _) = texts(&out);
    assert_eq!(out.status.code(), Some(1));
    // A name the service refuses is one line of the report, not the end of the check.
    let tasks = [
        "env_task",
        "file_task",
        "check_task",
        "check_missing_task",
        "check_refused_task",
    ];
    for task in tasks {
        assert!(
            stdout.contains(&format!("task {task}\n")),
            "{task}: {stdout}"
        );
    }
    let line = line_of(&stdout, "cli.check.dotted");
    assert!(
        line.trim_start().starts_with("REFUSED ") && line.contains("invalid secret name"),
        "{stdout}"
    );

    let out = check(&home, &serve, &["check_refused_task", "-o", "json"]);
    assert_eq!(out.status.code(), Some(1));
    let doc: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let secrets = &doc["tasks"][0]["secrets"];
    assert_eq!(secrets[0]["status"], "found", "{doc}");
    assert_eq!(secrets[1]["status"], "refused", "{doc}");
    assert!(
        secrets[1]["refused"]
            .as_str()
            .is_some_and(|s| s.contains("invalid secret name")),
        "{doc}"
    );
}

#[test]
fn check_usage_errors_exit_2_before_asking_the_service() {
    let home = Home::new();
    // Nothing listens here: a usage error must come before any call.
    let url = {
        let l = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        format!("http://127.0.0.1:{}", l.local_addr().unwrap().port())
    };
    let run_check = |args: &[&std::ffi::OsStr]| {
        home.flyte()
            .args(["--endpoint", &url, "check"])
            .args(args)
            .output()
            .unwrap()
    };
    let fixture = task_fixture();
    let out = run_check(&[fixture.as_os_str(), "no_such_task".as_ref()]);
    let (stdout, err) = texts(&out);
    assert_eq!(out.status.code(), Some(2), "{err}");
    assert_eq!(stdout, "");
    assert!(
        err.contains("no task `no_such_task`") && err.contains("check_task"),
        "names the task and lists the known ones: {err}"
    );
    assert!(!err.contains("connection failed"), "{err}");

    // A program that is no task binary.
    let script = home.path().join("not-tasks.sh");
    std::fs::write(&script, "#!/bin/sh\necho hello\n").unwrap();
    use std::os::unix::fs::PermissionsExt as _;
    std::fs::set_permissions(&script, std::fs::Permissions::from_mode(0o755)).unwrap();
    let out = run_check(&[script.as_os_str()]);
    let (stdout, err) = texts(&out);
    assert_eq!(out.status.code(), Some(2), "{err}");
    assert_eq!(stdout, "");
    assert!(
        err.contains(&format!("{} is not a flyte task binary", script.display()))
            && err.contains("#[flyte::main]"),
        "{err}"
    );

    // A file that cannot be run at all.
    let text = home.path().join("notes.txt");
    std::fs::write(&text, "hello\n").unwrap();
    let out = run_check(&[text.as_os_str()]);
    let (_, err) = texts(&out);
    assert_eq!(out.status.code(), Some(2), "{err}");
    assert!(err.contains("is not a flyte task binary"), "{err}");

    // A project without a domain: a cluster has no such scope.
    let out = run_check(&[fixture.as_os_str(), "-p".as_ref(), "proj".as_ref()]);
    let (_, err) = texts(&out);
    assert_eq!(out.status.code(), Some(2), "{err}");
    assert!(
        err.contains("project `proj` needs a domain (-d/--domain)"),
        "{err}"
    );

    // A bad flag is clap's usage error.
    let out = run_check(&[fixture.as_os_str(), "-o".as_ref(), "yaml".as_ref()]);
    assert_eq!(out.status.code(), Some(2));
}

#[test]
fn check_with_the_service_down_or_refusing() {
    let (home, serve) = (Home::new(), Serve::start());
    create(&home, &serve, "cli-check-org", CHECK_VALUES[2], &[]);
    let url = serve.url.clone();
    drop(serve);
    let out = home
        .flyte()
        .args(["--endpoint", &url, "check"])
        .arg(task_fixture())
        .arg("check_missing_task")
        .output()
        .unwrap();
    assert_no_values(&out);
    let (stdout, err) = texts(&out);
    assert_eq!(out.status.code(), Some(1), "{err}");
    assert_eq!(stdout, "", "no partial report");
    assert!(
        err.contains(&url) && err.contains("connection failed") && err.contains("--endpoint"),
        "names the endpoint, the cause and where it was set: {err}"
    );

    // A service with bearer tokens: no token, then a token without the read right.
    let tokens = home.path().join("tokens");
    std::fs::write(
        &tokens,
        "writer-token-0123456789abcdef */*/* read,write\ninject-token-0123456789abcdef */*/* inject\n",
    )
    .unwrap();
    std::fs::set_permissions(&tokens, std::os::unix::fs::PermissionsExt::from_mode(0o600)).unwrap();
    let secured = Serve::start_with(&["--tokens", tokens.to_str().unwrap()]);
    flyte(&home, &secured)
        .env("FLYTE_API_KEY", "writer-token-0123456789abcdef")
        .args([
            "create",
            "secret",
            "cli-check-org",
            "--value",
            CHECK_VALUES[2],
        ])
        .assert()
        .success();
    let check_with = |key: Option<&str>| {
        let mut cmd = flyte(&home, &secured);
        if let Some(key) = key {
            cmd.env("FLYTE_API_KEY", key);
        }
        cmd.arg("check")
            .arg(task_fixture())
            .arg("check_missing_task")
            .output()
            .unwrap()
    };
    let out = check_with(None);
    assert_no_values(&out);
    let (stdout, err) = texts(&out);
    assert_eq!(out.status.code(), Some(1), "{err}");
    assert_eq!(stdout, "");
    assert!(
        err.contains(&secured.url) && err.contains("unauthenticated"),
        "{err}"
    );
    let out = check_with(Some("inject-token-0123456789abcdef"));
    assert_no_values(&out);
    let (stdout, err) = texts(&out);
    assert_eq!(out.status.code(), Some(1), "{err}");
    assert_eq!(stdout, "");
    assert!(
        err.contains(&secured.url) && err.contains("permission denied"),
        "{err}"
    );
    // With the read right it works (and reports the absent one).
    let out = check_with(Some("writer-token-0123456789abcdef"));
    assert_no_values(&out);
    let (stdout, _) = texts(&out);
    assert_eq!(out.status.code(), Some(1));
    assert!(
        line_of(&stdout, "cli-check-org")
            .trim_start()
            .starts_with("ok ")
            && line_of(&stdout, "cli-check-absent")
                .trim_start()
                .starts_with("MISSING"),
        "{stdout}"
    );
}
