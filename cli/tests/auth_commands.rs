//! `flyte auth status` and `flyte logout`: the OAuth2 tokens cached in the OS keyring, in the
//! Python SDK's layout. Tokens are never printed. Each test uses an endpoint of its own, so
//! nothing of a real login is read or removed.

use crate::support;

use flyte::remote::keyring::{Credentials, KeyringStore, Outcome};
use flyte_test_backends::needs;
use support::{Home, texts};

/// `flyte` with the keyring enabled and the session bus (if any) of this process.
fn flyte_with_keyring(home: &Home) -> assert_cmd::Command {
    let mut cmd = home.flyte();
    cmd.env_remove("FLYTE_ADMIN_DISABLEKEYRING");
    for var in ["DBUS_SESSION_BUS_ADDRESS", "XDG_RUNTIME_DIR"] {
        if let Ok(v) = std::env::var(var) {
            cmd.env(var, v);
        }
    }
    cmd
}

fn unique_endpoint(tag: &str) -> String {
    format!("dns:///flyte-cli-test-{tag}-{}.invalid", std::process::id())
}

#[test]
fn no_endpoint_configured() {
    let home = Home::new();
    let out = home.flyte().args(["auth", "status"]).output().unwrap();
    assert!(out.status.success());
    assert!(
        texts(&out).0.contains("none configured"),
        "{:?}",
        texts(&out)
    );
    let out = home.flyte().arg("logout").output().unwrap();
    assert_eq!(out.status.code(), Some(1));
    let (_, err) = texts(&out);
    assert!(
        err.contains("no endpoint configured") && err.contains("--endpoint"),
        "{err}"
    );
}

#[test]
fn disabled_keyring_is_reported_and_touches_nothing() {
    let home = Home::new();
    let endpoint = unique_endpoint("disabled");
    let out = home
        .flyte()
        .args(["--endpoint", &endpoint, "auth", "status"])
        .output()
        .unwrap();
    assert!(out.status.success());
    let (stdout, _) = texts(&out);
    assert!(
        stdout.contains(&endpoint)
            && stdout.contains("the --endpoint flag")
            && stdout.contains("disabled"),
        "{stdout}"
    );
    let out = home
        .flyte()
        .args(["logout", "--endpoint", &endpoint])
        .output()
        .unwrap();
    assert!(out.status.success());
    assert!(texts(&out).0.contains("disabled"));
    // The config key disables it as well.
    let cfg = home.path().join("c.yaml");
    std::fs::write(
        &cfg,
        format!("admin:\n  endpoint: {endpoint}\n  disableKeyring: true\n"),
    )
    .unwrap();
    let out = flyte_with_keyring(&home)
        .arg("--config")
        .arg(&cfg)
        .args(["auth", "status"])
        .output()
        .unwrap();
    let (stdout, _) = texts(&out);
    assert!(
        stdout.contains("disabled") && stdout.contains(&cfg.display().to_string()),
        "{stdout}"
    );
}

#[test]
fn status_shows_cached_tokens_and_logout_removes_them() {
    let home = Home::new();
    let endpoint = unique_endpoint("cached");
    let keyring = KeyringStore::builder().disabled(false).build();
    let creds =
        Credentials::new(&endpoint, "acc3ss-t0ken-xyz").with_refresh_token("refr3sh-t0ken-xyz");
    // The kernel keyring (keyutils) is always there on Linux, as the runtime's keyring tests
    // assume; with a D-Bus session, the Secret Service.
    match keyring.store(&creds) {
        Outcome::Done => {}
        other => panic!("no usable OS keyring here: {other:?}"),
    }
    let out = flyte_with_keyring(&home)
        .args(["--endpoint", &endpoint, "auth", "status"])
        .output()
        .unwrap();
    assert!(out.status.success(), "{:?}", texts(&out));
    support::assert_not_shown(&out, "acc3ss-t0ken");
    support::assert_not_shown(&out, "refr3sh-t0ken");
    let (stdout, _) = texts(&out);
    assert!(
        stdout.contains("Cached tokens: yes (an access token, a refresh token)"),
        "{stdout}"
    );

    let out = flyte_with_keyring(&home)
        .args(["logout", "--endpoint", &endpoint])
        .output()
        .unwrap();
    assert!(out.status.success(), "{:?}", texts(&out));
    assert!(texts(&out).0.contains("Logged out"));
    assert!(keyring.retrieve(&endpoint).is_none(), "the tokens are gone");

    let out = flyte_with_keyring(&home)
        .args(["--endpoint", &endpoint, "auth", "status"])
        .output()
        .unwrap();
    assert!(
        texts(&out).0.contains("Cached tokens: none"),
        "{:?}",
        texts(&out)
    );
}

/// The Python keyring package has no kernel keyring backend: both sides meet on the Secret
/// Service.
#[needs(python, dbus)]
#[test]
fn a_python_login_is_seen_and_logged_out() {
    let python = std::env::var("FLYTE_TEST_PYTHON").expect("checked by #[needs(python)]");
    let home = Home::new();
    let host = format!("flyte-cli-py-{}.invalid", std::process::id());
    let set = std::process::Command::new(&python)
        .args(["-c", "import json,sys,keyring; keyring.set_password(sys.argv[1], 'tokens', json.dumps({'access_token': 'py-acc3ss', 'refresh_token': 'py-refr3sh'}))", &host])
        .output()
        .unwrap();
    assert!(
        set.status.success(),
        "the Python keyring has no usable backend here: {}",
        String::from_utf8_lossy(&set.stderr)
            .lines()
            .last()
            .unwrap_or("")
    );
    let endpoint = format!("dns:///{host}");
    let out = flyte_with_keyring(&home)
        .args(["--endpoint", &endpoint, "auth", "status"])
        .output()
        .unwrap();
    support::assert_not_shown(&out, "py-acc3ss");
    support::assert_not_shown(&out, "py-refr3sh");
    let status = texts(&out).0;
    if !status.contains("Cached tokens: yes") {
        // Python and flyte see different backends: clean up, then fail.
        let _ = std::process::Command::new(&python)
            .args([
                "-c",
                "import sys,keyring; keyring.delete_password(sys.argv[1], 'tokens')",
                &host,
            ])
            .output();
        panic!("the Python keyring backend is not the one flyte uses here: {status}");
    }
    flyte_with_keyring(&home)
        .args(["logout", "--endpoint", &endpoint])
        .assert()
        .success();
    let get = std::process::Command::new(&python)
        .args([
            "-c",
            "import sys,keyring; print(keyring.get_password(sys.argv[1], 'tokens'))",
            &host,
        ])
        .output()
        .unwrap();
    assert_eq!(
        String::from_utf8_lossy(&get.stdout).trim(),
        "None",
        "flyte logout removed the Python login"
    );
}
