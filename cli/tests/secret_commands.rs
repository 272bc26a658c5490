//! `flyte create|get|update|delete secret` against a real `flyte serve` on 127.0.0.1:0.

use crate::support;
#[path = "secret_commands/values.rs"]
mod values;

use support::{Home, Serve, assert_not_shown, texts};

fn flyte(home: &Home, serve: &Serve) -> assert_cmd::Command {
    let mut cmd = home.flyte();
    cmd.args(["--endpoint", &serve.url]);
    cmd
}

/// A Flyte cluster refuses a project without a domain (nothing looks a secret up there): the
/// CLI says so before any call, as a usage error. Before, the secret was stored where no
/// task could find it.
#[test]
fn a_project_without_a_domain_is_refused_as_on_a_cluster() {
    let (home, serve) = (Home::new(), Serve::start());
    let value = "proj-only-v4lue";
    for args in [
        &["create", "secret", "proj-only", "--value", value][..],
        &["get", "secret"][..],
        &["delete", "secret", "proj-only"][..],
    ] {
        let out = flyte(&home, &serve)
            .args(args)
            .args(["-p", "myproj"])
            .output()
            .unwrap();
        let (stdout, err) = texts(&out);
        assert_eq!(out.status.code(), Some(2), "{args:?}: {err}");
        assert!(
            err.contains("project `myproj` needs a domain (-d/--domain)"),
            "{args:?}: {err}"
        );
        assert!(!stdout.contains(value) && !err.contains(value), "{err}");
    }
    assert_eq!(serve.read_value("proj-only", "", "").as_deref(), None);
    // With the domain it is stored.
    flyte(&home, &serve)
        .args(["create", "secret", "proj-only", "--value", value])
        .args(["-p", "myproj", "-d", "development"])
        .assert()
        .success();
    assert_eq!(
        serve
            .read_value("proj-only", "myproj", "development")
            .as_deref(),
        Some(value.as_bytes())
    );
}

#[test]
fn get_one_list_all_pages_and_json_parses() {
    let (home, serve) = (Home::new(), Serve::start());
    for i in 0..5 {
        flyte(&home, &serve)
            .args(["create", "secret", &format!("s{i}"), "--value", "v"])
            .assert()
            .success();
    }
    flyte(&home, &serve)
        .args([
            "create", "secret", "scoped", "--value", "v", "-p", "proj", "-d", "dev",
        ])
        .assert()
        .success();

    // All of the organization scope, two per page: every page is followed.
    let out = flyte(&home, &serve)
        .args(["get", "secret", "--page-size", "2", "-o", "json"])
        .output()
        .unwrap();
    assert!(out.status.success(), "{:?}", texts(&out));
    let list: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let mut names: Vec<&str> = list
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["id"]["name"].as_str().unwrap())
        .collect();
    names.sort();
    assert_eq!(
        names,
        ["s0", "s1", "s2", "s3", "s4"],
        "org scope only, all pages"
    );

    // json-raw: one line, same content.
    let out = flyte(&home, &serve)
        .args(["get", "secret", "-o", "json-raw", "--page-size", "3"])
        .output()
        .unwrap();
    let raw = String::from_utf8(out.stdout).unwrap();
    assert_eq!(raw.trim_end().lines().count(), 1);
    assert_eq!(
        serde_json::from_str::<serde_json::Value>(&raw)
            .unwrap()
            .as_array()
            .unwrap()
            .len(),
        5
    );

    // The project/domain scope holds only its own secret.
    let out = flyte(&home, &serve)
        .args(["get", "secret", "-p", "proj", "-d", "dev", "-o", "json"])
        .output()
        .unwrap();
    let list: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(list.as_array().unwrap().len(), 1);
    assert_eq!(list[0]["id"]["project"], "proj");
    assert_eq!(list[0]["id"]["domain"], "dev");

    // One secret: JSON by default, as the Python CLI.
    let out = flyte(&home, &serve)
        .args(["get", "secret", "s3"])
        .output()
        .unwrap();
    assert!(out.status.success());
    let one: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(one[0]["id"]["name"], "s3");
    assert!(
        one[0].get("secretSpec").is_none()
            && !String::from_utf8_lossy(&out.stdout).contains("value")
    );

    // Tables: the Python CLI's columns, "-" for an organization-wide secret's scope.
    let out = flyte(&home, &serve)
        .args(["get", "secret"])
        .output()
        .unwrap();
    let table = String::from_utf8(out.stdout).unwrap();
    for col in [
        "Project",
        "Domain",
        "Name",
        "Type",
        "Created_time",
        "Status",
        "Cluster_status",
    ] {
        assert!(table.contains(col), "{col} missing in\n{table}");
    }
    assert!(
        table.contains("│ s4 ") && table.contains("regular"),
        "{table}"
    );
    assert!(
        !table.contains('\x1b'),
        "no color when stdout is not a terminal"
    );
    let out = flyte(&home, &serve)
        .args(["get", "secret", "s1", "-o", "table-simple"])
        .output()
        .unwrap();
    let simple = String::from_utf8(out.stdout).unwrap();
    let lines: Vec<&str> = simple.lines().collect();
    assert_eq!(lines.len(), 2, "{simple}");
    let cells: Vec<&str> = lines[1].split_whitespace().collect();
    assert_eq!(cells[..4], ["-", "-", "s1", "regular"], "{simple}");
    assert_eq!(lines[0].split_whitespace().count(), 7, "{simple}");
}

#[test]
fn update_replaces_the_value_and_delete_removes_it() {
    let (home, serve) = (Home::new(), Serve::start());
    flyte(&home, &serve)
        .args(["create", "secret", "rotating", "--value", "old-v4lue"])
        .assert()
        .success();
    let out = flyte(&home, &serve)
        .args(["update", "secret", "rotating"])
        .write_stdin("new-v4lue\n")
        .output()
        .unwrap();
    assert!(out.status.success(), "{:?}", texts(&out));
    assert_not_shown(&out, "new-v4lue");
    assert_eq!(serve.read_value("rotating", "", "").unwrap(), b"new-v4lue");

    let out = flyte(&home, &serve)
        .args(["delete", "secret", "rotating"])
        .output()
        .unwrap();
    assert!(out.status.success());
    assert_eq!(texts(&out).0, "Successfully deleted secret rotating.\n");
    assert_eq!(serve.read_value("rotating", "", ""), None);

    // Scoped update and delete go to the scope named by -p/-d.
    flyte(&home, &serve)
        .args([
            "create", "secret", "sc", "--value", "a", "-p", "p", "-d", "d",
        ])
        .assert()
        .success();
    flyte(&home, &serve)
        .args([
            "update",
            "secret",
            "sc",
            "--value",
            "b",
            "--project",
            "p",
            "--domain",
            "d",
        ])
        .assert()
        .success();
    assert_eq!(serve.read_value("sc", "p", "d").unwrap(), b"b");
    let out = flyte(&home, &serve)
        .args(["delete", "secret", "sc"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1), "not in the organization scope");
    flyte(&home, &serve)
        .args(["delete", "secret", "sc", "-p", "p", "-d", "d"])
        .assert()
        .success();
}

#[test]
fn service_errors_name_the_secret_the_endpoint_and_the_fix() {
    let (home, serve) = (Home::new(), Serve::start());
    let out = flyte(&home, &serve)
        .args(["get", "secret", "missing-one"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let (stdout, err) = texts(&out);
    assert_eq!(stdout, "");
    assert!(
        err.contains("`missing-one`") && err.contains(&serve.url) && err.contains("not found"),
        "{err}"
    );
    assert!(
        err.contains("hint:") && err.contains("flyte get secret"),
        "{err}"
    );

    flyte(&home, &serve)
        .args(["create", "secret", "twice", "--value", "first-v4lue"])
        .assert()
        .success();
    let out = flyte(&home, &serve)
        .args(["create", "secret", "twice", "--value", "second-v4lue"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let (_, err) = texts(&out);
    assert!(
        err.contains("already exists") && err.contains("flyte update secret twice"),
        "{err}"
    );
    assert_not_shown(&out, "second-v4lue");
    assert_eq!(
        serve.read_value("twice", "", "").unwrap(),
        b"first-v4lue",
        "nothing overwritten"
    );

    let out = flyte(&home, &serve)
        .args(["update", "secret", "never-made", "--value", "x"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    assert!(texts(&out).1.contains("`never-made`"));

    let out = flyte(&home, &serve)
        .args(["create", "secret", "bad.name", "--value", "x"])
        .output()
        .unwrap();
    // Refused before the call (the service would refuse it too: `server/tests`).
    assert_eq!(out.status.code(), Some(2));
    let (_, err) = texts(&out);
    assert!(
        err.contains("bad.name") && err.contains("letters, digits"),
        "{err}"
    );
}

#[test]
fn org_flag_and_config_file_and_env_select_the_service() {
    let (home, serve) = (Home::new(), Serve::start());
    flyte(&home, &serve)
        .args(["--org", "acme", "create", "secret", "org-s", "--value", "x"])
        .assert()
        .success();
    let out = flyte(&home, &serve)
        .args(["--org", "acme", "get", "secret", "-o", "json"])
        .output()
        .unwrap();
    let list: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(list[0]["id"]["organization"], "acme");
    let out = flyte(&home, &serve)
        .args(["get", "secret", "-o", "json"])
        .output()
        .unwrap();
    assert_eq!(
        String::from_utf8_lossy(&out.stdout).trim(),
        "[]",
        "org `127` (from the endpoint) has none"
    );

    // The endpoint from a config file given with --config, then from the env var.
    let cfg = home.path().join("cfg.yaml");
    std::fs::write(
        &cfg,
        format!(
            "admin:\n  endpoint: {}\n  insecure: true\ntask:\n  org: acme\n",
            serve.url
        ),
    )
    .unwrap();
    let out = home
        .flyte()
        .args(["--config"])
        .arg(&cfg)
        .args(["get", "secret", "org-s"])
        .output()
        .unwrap();
    assert!(out.status.success(), "{:?}", texts(&out));
    let out = home
        .flyte()
        .env("FLYTE_ADMIN_ENDPOINT", &serve.url)
        .env("FLYTE_TASK_ORG", "acme")
        .args(["get", "secret", "org-s"])
        .output()
        .unwrap();
    assert!(out.status.success(), "{:?}", texts(&out));
    // The Python SDK's search path: ./.flyte/config.yaml in the working directory.
    std::fs::create_dir_all(home.path().join(".flyte")).unwrap();
    std::fs::copy(&cfg, home.path().join(".flyte/config.yaml")).unwrap();
    let out = home
        .flyte()
        .args(["get", "secret", "org-s", "-o", "table-simple"])
        .output()
        .unwrap();
    assert!(out.status.success(), "{:?}", texts(&out));
    assert!(texts(&out).0.contains("org-s"));
}

#[test]
fn tokens_mode_needs_a_key_and_says_how_to_log_in() {
    let home = Home::new();
    let tokens = home.path().join("tokens.txt");
    std::fs::write(&tokens, "cli-test-token-0123456789abcdef */*/* all\n").unwrap();
    std::fs::set_permissions(&tokens, std::os::unix::fs::PermissionsExt::from_mode(0o600)).unwrap();
    let serve = Serve::start_with(&["--tokens", tokens.to_str().unwrap()]);
    let out = flyte(&home, &serve)
        .args(["get", "secret"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let (_, err) = texts(&out);
    assert!(
        err.contains("unauthenticated") && err.contains(&serve.url),
        "{err}"
    );
    assert!(
        err.contains("FLYTE_API_KEY") && err.contains("log in"),
        "{err}"
    );
    assert!(
        err.contains("--endpoint flag"),
        "names where the endpoint came from: {err}"
    );

    let out = flyte(&home, &serve)
        .env("FLYTE_API_KEY", "cli-test-token-0123456789abcdef")
        .args(["create", "secret", "with-key", "--value", "k"])
        .output()
        .unwrap();
    assert!(out.status.success(), "{:?}", texts(&out));
    assert_not_shown(&out, "cli-test-token-0123456789abcdef");
}
