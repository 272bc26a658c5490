//! What `flyte auth login` says of the cache: "Cached" only when the keyring store succeeded,
//! and "the Python flyte CLI finds it too" only on a backend Python's `keyring` reads.

use std::process::Stdio;

use flyte_test_backends::needs;

use super::oidc_harness::{Idp, IdpOptions};
use super::serve;
use super::support::{self, Home, Serve, assert_not_shown};

/// `flyte -v auth login` with the client-secret flow, the keyring on, run by `wrap` (a shell
/// script ending in `exec "$0" "$@"`, under `dbus-run-session`) when given: success, stdout,
/// stderr.
fn ci_login(
    home: &Home,
    server: &Serve,
    idp: &Idp,
    wrap: Option<&str>,
    env: &[(&str, &str)],
    args: &[&str],
) -> (bool, String, String) {
    let mut cmd = match wrap {
        Some(script) => {
            let mut cmd = home.command("dbus-run-session");
            cmd.args(["--", "sh", "-c", script])
                .arg(support::flyte_exe());
            cmd
        }
        None => home.command(support::flyte_exe()),
    };
    cmd.env_remove("FLYTE_ADMIN_DISABLEKEYRING")
        .env("FLYTE_ADMIN_ENDPOINT", &server.url)
        .env("FLYTE_ADMIN_CLIENTID", &idp.ci_client)
        .env("FLYTE_ADMIN_CLIENTSECRETENVVAR", "CI_SECRET")
        .env("CI_SECRET", &idp.client_secret)
        .stdin(Stdio::null());
    for (k, v) in env {
        cmd.env(k, v);
    }
    let out = cmd.args(args).output().unwrap();
    assert_not_shown(&out, &idp.client_secret);
    let (stdout, stderr) = (
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    );
    (out.status.success(), stdout, stderr)
}

/// A D-Bus session bus that accepts connections and never answers: the store fails (after
/// its bound), and the login says it was not cached instead of claiming it was.
#[needs(idp)]
#[test]
fn a_cache_that_failed_is_not_claimed() {
    let idp = Idp::start(IdpOptions::default());
    let server = serve(&idp);
    let home = Home::new();
    let socket = home.path().join("silent-bus");
    let listener = std::os::unix::net::UnixListener::bind(&socket).unwrap();
    std::thread::spawn(move || {
        let mut held = Vec::new();
        for s in listener.incoming() {
            held.push(s);
        }
    });
    let bus = format!("unix:path={}", socket.display());
    let (ok, stdout, stderr) = ci_login(
        &home,
        &server,
        &idp,
        None,
        &[("DBUS_SESSION_BUS_ADDRESS", &bus)],
        &["-v", "auth", "login"],
    );
    assert!(ok, "{stdout}{stderr}");
    assert!(stdout.contains("Logged in to"), "{stdout}");
    assert!(!stdout.contains("Cached"), "{stdout}");
    assert!(
        stdout.contains("Not cached: the OS keyring failed: "),
        "{stdout}"
    );
    let line = stdout
        .lines()
        .find(|l| l.starts_with("Not cached"))
        .unwrap();
    assert!(!line.contains("Python"), "{line}");
}

/// On the kernel keyring (no D-Bus session) the token is cached for this CLI only: Python's
/// keyring has no keyutils backend, so the output must not promise it.
#[needs(idp, keyctl)]
#[test]
fn a_kernel_keyring_cache_is_this_cli_only() {
    let idp = Idp::start(IdpOptions::default());
    let server = serve(&idp);
    let home = Home::new();
    let (ok, stdout, stderr) = ci_login(&home, &server, &idp, None, &[], &["auth", "login"]);
    assert!(ok, "{stdout}{stderr}");
    let (logged_out, ..) = ci_login(&home, &server, &idp, None, &[], &["logout"]);
    assert!(logged_out);
    assert!(
        stdout.contains("Cached in the kernel keyring (keyutils, item `127.0.0.1:")
            && stdout.contains("this CLI only"),
        "{stdout}"
    );
    assert!(!stdout.contains("Python flyte CLI finds it"), "{stdout}");
}

/// On the Secret Service (a gnome-keyring in its own D-Bus session) the Python CLI finds it.
#[needs(idp, gnome_keyring)]
#[test]
fn a_secret_service_cache_is_shared_with_python() {
    let idp = Idp::start(IdpOptions::default());
    let server = serve(&idp);
    let home = Home::new();
    // As runtime/tests/keyring_secret_service.rs: an unlocked login keyring, then wait until
    // the daemon owns its bus name.
    let script = "eval \"$(printf pw | gnome-keyring-daemon --unlock --components=secrets)\" \
        >/dev/null 2>&1; for _ in $(seq 1 100); do dbus-send --session --print-reply \
        --dest=org.freedesktop.DBus /org/freedesktop/DBus org.freedesktop.DBus.NameHasOwner \
        string:org.freedesktop.secrets 2>/dev/null | grep -q 'boolean true' && break; \
        sleep 0.1; done; exec \"$0\" \"$@\"";
    let (ok, stdout, stderr) =
        ci_login(&home, &server, &idp, Some(script), &[], &["auth", "login"]);
    assert!(ok, "{stdout}{stderr}");
    assert!(
        stdout.contains("Cached in the OS keyring (Secret Service, item `127.0.0.1:")
            && stdout.contains("where the Python flyte CLI finds it too"),
        "{stdout}"
    );
}
