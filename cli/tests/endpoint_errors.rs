//! An unreachable endpoint: exit 1, and the message names the endpoint and where it was set
//! (flag, env var, config file, API key).

use crate::support;

use support::{Home, texts};

/// A loopback port with nothing listening.
fn closed_port_url() -> String {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    drop(listener);
    format!("http://127.0.0.1:{port}")
}

fn assert_unreachable(out: std::process::Output, url: &str, origin: &[&str]) {
    let (stdout, err) = texts(&out);
    assert_eq!(out.status.code(), Some(1), "{err}");
    assert_eq!(stdout, "");
    assert!(err.contains(url), "endpoint `{url}` not named: {err}");
    assert!(err.contains("connection failed"), "{err}");
    for o in origin {
        assert!(err.contains(o), "origin `{o}` not named: {err}");
    }
}

#[test]
fn unreachable_from_flag() {
    let (home, url) = (Home::new(), closed_port_url());
    let out = home
        .flyte()
        .args(["--endpoint", &url, "get", "secret"])
        .output()
        .unwrap();
    assert_unreachable(out, &url, &["the --endpoint flag", "change --endpoint"]);
}

#[test]
fn unreachable_from_env_var() {
    let (home, url) = (Home::new(), closed_port_url());
    let out = home
        .flyte()
        .env("FLYTE_ADMIN_ENDPOINT", &url)
        .env("FLYTE_ADMIN_MAXRETRIES", "0")
        .args(["create", "secret", "x", "--value", "unsent-v4lue"])
        .output()
        .unwrap();
    support::assert_not_shown(&out, "unsent-v4lue");
    assert_unreachable(out, &url, &["env var FLYTE_ADMIN_ENDPOINT", "`x`"]);
}

#[test]
fn unreachable_from_config_file() {
    let (home, url) = (Home::new(), closed_port_url());
    let cfg = home.path().join("my-config.yaml");
    std::fs::write(
        &cfg,
        format!("admin:\n  endpoint: {url}\n  maxRetries: 0\n"),
    )
    .unwrap();
    let out = home
        .flyte()
        .arg("-c")
        .arg(&cfg)
        .args(["delete", "secret", "gone"])
        .output()
        .unwrap();
    assert_unreachable(
        out,
        &url,
        &[&cfg.display().to_string(), "admin.endpoint", "`gone`"],
    );

    // Found by the search (~/.flyte/config.yaml), not named on the command line.
    std::fs::create_dir_all(home.path().join(".flyte")).unwrap();
    let found = home.path().join(".flyte").join("config.yaml");
    std::fs::rename(&cfg, &found).unwrap();
    let out = home
        .flyte()
        .args(["get", "secret", "one"])
        .output()
        .unwrap();
    assert_unreachable(out, &url, &[&found.display().to_string()]);
}

#[test]
fn unreachable_from_api_key() {
    use base64::Engine as _;
    let (home, url) = (Home::new(), closed_port_url());
    // The Python SDK's encoded app credentials: endpoint:client_id:client_secret:org.
    let key =
        base64::engine::general_purpose::STANDARD.encode(format!("{url}:app:s3cr3t-cl1ent:acme"));
    let out = home
        .flyte()
        .env("FLYTE_API_KEY", &key)
        .env("FLYTE_ADMIN_MAXRETRIES", "0")
        .args(["get", "secret"])
        .output()
        .unwrap();
    support::assert_not_shown(&out, "s3cr3t-cl1ent");
    let (_, err) = texts(&out);
    assert_eq!(out.status.code(), Some(1), "{err}");
    assert!(err.contains("FLYTE_API_KEY") && err.contains(&url), "{err}");
}

#[test]
fn broken_config_is_an_error_naming_the_file() {
    let home = Home::new();
    let cfg = home.path().join("bad.yaml");
    std::fs::write(&cfg, "admin:\n  insecure: maybe\n").unwrap();
    let out = home
        .flyte()
        .arg("--config")
        .arg(&cfg)
        .args(["get", "secret"])
        .output()
        .unwrap();
    let (_, err) = texts(&out);
    assert_eq!(out.status.code(), Some(1), "{err}");
    assert!(
        err.contains("admin.insecure") && err.contains("bad.yaml") && err.contains("maybe"),
        "{err}"
    );
    let out = home
        .flyte()
        .args(["--endpoint", "ftp://x", "get", "secret"])
        .output()
        .unwrap();
    let (_, err) = texts(&out);
    assert_eq!(out.status.code(), Some(1), "{err}");
    assert!(
        err.contains("ftp://x") && err.contains("unsupported scheme"),
        "{err}"
    );
}

/// A cluster endpoint that SelectCluster named was set by no flag or file: the hint says
/// where it came from (the control plane's answer), and names the flag only for that.
#[test]
fn unreachable_cluster_endpoint_names_select_cluster() {
    let (home, routed) = (Home::new(), closed_port_url());
    let plane = support::Serve::start_with(&["--cluster-endpoint", &routed]);
    let out = home
        .flyte()
        .args(["--endpoint", &plane.url, "get", "secret", "x"])
        .output()
        .unwrap();
    let (_, err) = texts(&out);
    assert_eq!(out.status.code(), Some(1), "{err}");
    let hint = err
        .split("hint: ")
        .nth(1)
        .unwrap_or_else(|| panic!("{err}"));
    assert!(
        hint.contains(&format!("the endpoint {routed} was named by SelectCluster"))
            && hint.contains("the --endpoint flag"),
        "{hint}"
    );
    assert!(
        !hint.contains("(cluster endpoint from SelectCluster) was set by"),
        "{hint}"
    );
}
