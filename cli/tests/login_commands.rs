//! `flyte auth login`, the login on a first `unauthenticated` answer, and `flyte auth status`
//! against a real `flyte serve --oidc-issuer` and identity provider (oidc-provider, see
//! tests/oidc). Tests marked `#[needs(idp)]` need node. No output ever shows a token or secret.

use crate::certs;
#[path = "../../tests/oidc/harness.rs"]
mod oidc_harness;
use crate::support;

#[path = "login_commands/cache_claims.rs"]
mod cache_claims;
#[path = "login_commands/python_keyring.rs"]
mod python_keyring;

use std::io::{BufRead, BufReader};
use std::process::Stdio;
use std::time::{Duration, Instant};

use flyte::remote::keyring::KeyringStore;
use flyte_test_backends::needs;
use oidc_harness::{Browser, Choice, Idp, IdpOptions, USER};
use support::{Home, Serve, assert_not_shown, texts};

fn rt() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .unwrap()
}

fn serve(idp: &Idp) -> Serve {
    Serve::start_with(&[
        "--oidc-issuer",
        &idp.issuer,
        "--oidc-audience",
        &idp.audience,
        "--oidc-client-id",
        &idp.pkce_client,
        "--oidc-redirect-uri",
        "http://127.0.0.1:0/callback",
        "--oidc-scopes",
        "all",
    ])
}

/// `flyte` with the keyring of this process (session bus, else the kernel keyring).
fn with_keyring(home: &Home) -> assert_cmd::Command {
    let mut cmd = home.flyte();
    cmd.env_remove("FLYTE_ADMIN_DISABLEKEYRING");
    for var in ["DBUS_SESSION_BUS_ADDRESS", "XDG_RUNTIME_DIR"] {
        if let Ok(v) = std::env::var(var) {
            cmd.env(var, v);
        }
    }
    cmd
}

#[needs(idp)]
#[test]
fn client_secret_login_status_and_calls() {
    let idp = Idp::start(IdpOptions::default());
    let server = serve(&idp);
    let home = Home::new();
    let ci = |cmd: &mut assert_cmd::Command| {
        cmd.env("FLYTE_ADMIN_ENDPOINT", &server.url)
            .env("FLYTE_ADMIN_CLIENTID", &idp.ci_client)
            .env("FLYTE_ADMIN_CLIENTSECRETENVVAR", "CI_SECRET")
            .env("CI_SECRET", &idp.client_secret);
    };
    let mut login = with_keyring(&home);
    ci(&mut login);
    let out = login.args(["auth", "login"]).output().unwrap();
    let (stdout, stderr) = texts(&out);
    assert!(out.status.success(), "{stdout}{stderr}");
    assert!(
        stdout.contains(&format!("with ClientSecret as {}", idp.ci_client))
            && stdout.contains("The token expires"),
        "{stdout}"
    );
    assert_not_shown(&out, &idp.client_secret);
    let keyring = KeyringStore::new();
    if let Some(creds) = keyring.retrieve(&server.url) {
        assert!(stdout.contains("Cached in the "), "{stdout}");
        assert_not_shown(&out, creds.access_token());
        let mut status = with_keyring(&home);
        ci(&mut status);
        let out = status.args(["auth", "status"]).output().unwrap();
        let (stdout, _) = texts(&out);
        assert!(
            stdout.contains("Login flow: ClientSecret (configured)")
                && stdout.contains(&format!("Identity: {}", idp.ci_client))
                && stdout.contains("Expires: ")
                && stdout.contains("(in "),
            "{stdout}"
        );
        assert_not_shown(&out, creds.access_token());
        let mut logout = with_keyring(&home);
        ci(&mut logout);
        assert!(logout.arg("logout").output().unwrap().status.success());
        assert!(keyring.retrieve(&server.url).is_none());
    } else {
        println!("no keyring backend here: the login was not cached");
    }
    // The secret commands get a token by themselves.
    let mut create = home.flyte();
    ci(&mut create);
    let out = create
        .args(["create", "secret", "ci-made", "--value", "the-value-123"])
        .output()
        .unwrap();
    assert!(out.status.success(), "{:?}", texts(&out));
    assert_not_shown(&out, &idp.client_secret);
    let mut get = home.flyte();
    ci(&mut get);
    let out = get.args(["get", "secret", "ci-made"]).output().unwrap();
    assert!(
        out.status.success() && texts(&out).0.contains("ci-made"),
        "{:?}",
        texts(&out)
    );
    assert_not_shown(&out, "the-value-123");
}

/// Runs `flyte ARGS` and drives the provider's pages from what it prints (the device code, or
/// the PKCE link when no browser opens).
fn interactive(
    home: &Home,
    server: &Serve,
    args: &[&str],
    choice: Choice,
) -> (bool, String, String) {
    drive(
        home.command(support::flyte_exe())
            .env("FLYTE_ADMIN_ENDPOINT", &server.url)
            .env("BROWSER", "false")
            .args(args),
        choice,
    )
}

/// Runs `cmd` (a `flyte` command that may log in) and drives the provider's pages from the
/// first URL it prints on stderr: whether it succeeded, its stdout and its stderr.
fn drive(cmd: &mut std::process::Command, choice: Choice) -> (bool, String, String) {
    let mut child = cmd
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut err = BufReader::new(child.stderr.take().unwrap());
    let mut seen = String::new();
    let mut line = String::new();
    let url = loop {
        line.clear();
        if err.read_line(&mut line).unwrap() == 0 {
            break None;
        }
        seen.push_str(&line);
        if let Some(u) = line.split_whitespace().find(|w| w.starts_with("http://")) {
            break Some(u.to_owned());
        }
    };
    if let Some(url) = url {
        rt().block_on(Browser::default().visit(&url, choice));
    }
    let mut rest = String::new();
    std::io::Read::read_to_string(&mut err, &mut rest).unwrap();
    seen.push_str(&rest);
    let out = child.wait_with_output().unwrap();
    (
        out.status.success(),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        seen,
    )
}

#[needs(idp)]
#[test]
fn the_first_unauthenticated_answer_logs_in() {
    let idp = Idp::start(IdpOptions::default());
    let server = serve(&idp);
    let home = Home::new();
    // The device flow (`headless`, the Python CLI's spelling): code printed, then the call.
    let (ok, stdout, stderr) = interactive(
        &home,
        &server,
        &["--auth-type", "headless", "get", "secret"],
        Choice::Approve,
    );
    assert!(ok, "{stdout}{stderr}");
    assert!(
        stderr.contains("To log in, open") && stderr.contains("enter the code"),
        "{stderr}"
    );
    // PKCE with no browser to open: the link is printed.
    let (ok, stdout, stderr) = interactive(
        &home,
        &server,
        &["--auth-type", "pkce", "auth", "login"],
        Choice::Approve,
    );
    assert!(ok, "{stdout}{stderr}");
    assert!(
        stderr.contains("Open this link in your browser"),
        "{stderr}"
    );
    assert!(stdout.contains(&format!("with Pkce as {USER}")), "{stdout}");
    assert!(
        stdout.contains("Not cached: the keyring is disabled"),
        "{stdout}"
    );
}

#[needs(idp)]
#[test]
fn browser_env_opens_the_login_page() {
    let idp = Idp::start(IdpOptions::default());
    let server = serve(&idp);
    let home = Home::new();
    let seen = home.path().join("opened-url");
    let browser = home.path().join("browser.sh");
    std::fs::write(
        &browser,
        format!("#!/bin/sh\nprintf '%s' \"$1\" > {}\n", seen.display()),
    )
    .unwrap();
    std::fs::set_permissions(
        &browser,
        std::os::unix::fs::PermissionsExt::from_mode(0o755),
    )
    .unwrap();
    let child = home
        .command(support::flyte_exe())
        .env("FLYTE_ADMIN_ENDPOINT", &server.url)
        .env("BROWSER", &browser)
        .args(["--auth-type", "Pkce", "auth", "login"])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let start = Instant::now();
    let url = loop {
        if let Ok(u) = std::fs::read_to_string(&seen).map(|u| u.trim().to_owned())
            && !u.is_empty()
        {
            break u;
        }
        assert!(
            start.elapsed() < Duration::from_secs(20),
            "the browser was not opened"
        );
        std::thread::sleep(Duration::from_millis(50));
    };
    assert!(url.contains("code_challenge_method=S256"), "{url}");
    rt().block_on(Browser::default().visit(&url, Choice::Approve));
    let out = child.wait_with_output().unwrap();
    let (stdout, stderr) = texts(&out);
    assert!(out.status.success(), "{stdout}{stderr}");
    assert!(
        stderr.contains("Opened the login page in your browser"),
        "{stderr}"
    );
    assert!(!stderr.contains("Open this link"), "{stderr}");
}

#[needs(idp)]
#[test]
fn a_refused_login_is_a_clear_error() {
    let idp = Idp::start(IdpOptions::default());
    let server = serve(&idp);
    let home = Home::new();
    let (ok, stdout, stderr) = interactive(
        &home,
        &server,
        &["--auth-type", "device-flow", "auth", "login"],
        Choice::Deny,
    );
    assert!(!ok, "{stdout}");
    assert!(
        stderr.contains("cannot log in to")
            && stderr.contains("access_denied")
            && stderr.contains("DeviceFlow"),
        "{stderr}"
    );
    // What failed is the login itself, not the AuthMetadataService lookup before it.
    assert!(
        stderr.contains("with DeviceFlow: login refused at the identity provider: access_denied"),
        "{stderr}"
    );
    assert!(!stderr.contains("ask AuthMetadataService"), "{stderr}");
}

/// No `$BROWSER`, no display, stderr not a terminal, stdin closed: a PKCE login (here the
/// default flow, since the client secret's variable is unset) fails at once, saying why and
/// what to configure, instead of printing a link nobody sees and waiting 5 minutes.
#[needs(idp)]
#[test]
fn pkce_with_nobody_to_log_in_fails_at_once() {
    let idp = Idp::start(IdpOptions::default());
    let server = serve(&idp);
    let home = Home::new();
    for args in [&["get", "secret"][..], &["auth", "login"]] {
        let start = Instant::now();
        let out = home
            .command(support::flyte_exe())
            .env("FLYTE_ADMIN_ENDPOINT", &server.url)
            .env("FLYTE_ADMIN_CLIENTID", &idp.ci_client)
            .env("FLYTE_ADMIN_CLIENTSECRETENVVAR", "S")
            .args(args)
            .stdin(Stdio::null())
            .output()
            .unwrap();
        let (stdout, stderr) = texts(&out);
        assert!(!out.status.success(), "{args:?}: {stdout}{stderr}");
        assert!(
            start.elapsed() < Duration::from_secs(30),
            "{args:?} waited {:?}",
            start.elapsed()
        );
        assert!(!stderr.contains("Open this link"), "{stderr}");
        for part in [
            "nobody can log in here",
            "no $BROWSER",
            "stderr is not a terminal",
            "ClientSecret",
            "ExternalCommand",
            "DeviceFlow",
            "FLYTE_API_KEY",
            "names $S, which is not set",
        ] {
            assert!(stderr.contains(part), "{args:?}: {part} in {stderr}");
        }
    }
}

#[test]
fn login_without_an_endpoint_with_an_api_key_or_without_an_identity_provider() {
    let home = Home::new();
    let out = home.flyte().args(["auth", "login"]).output().unwrap();
    assert_eq!(out.status.code(), Some(1));
    assert!(
        texts(&out).1.contains("no endpoint configured"),
        "{:?}",
        texts(&out)
    );

    let out = home
        .flyte()
        .env("FLYTE_API_KEY", "plain-key-value-0123")
        .args(["--endpoint", "http://127.0.0.1:9", "auth", "login"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    assert!(
        texts(&out).1.contains("FLYTE_API_KEY is set"),
        "{:?}",
        texts(&out)
    );
    assert_not_shown(&out, "plain-key-value-0123");

    let server = Serve::start();
    let out = home
        .flyte()
        .args(["--endpoint", &server.url, "auth", "login"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let (_, err) = texts(&out);
    assert!(err.contains("names no identity provider"), "{err}");

    let out = home
        .flyte()
        .args(["--auth-type", "oauth", "auth", "status"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(texts(&out).1.contains("device-flow"), "{:?}", texts(&out));
}

#[test]
fn status_names_the_flow() {
    let home = Home::new();
    let out = home
        .flyte()
        .env("FLYTE_ADMIN_AUTHTYPE", "DeviceFlow")
        .args(["--endpoint", "dns:///status-flow.invalid", "auth", "status"])
        .output()
        .unwrap();
    assert!(out.status.success());
    assert!(
        texts(&out)
            .0
            .contains("Login flow: DeviceFlow (configured)"),
        "{:?}",
        texts(&out)
    );
    let out = home
        .flyte()
        .args(["--endpoint", "dns:///status-flow.invalid", "auth", "status"])
        .output()
        .unwrap();
    assert!(
        texts(&out).0.contains("Login flow: Pkce (the default"),
        "{:?}",
        texts(&out)
    );
}

#[needs(idp)]
#[test]
fn serve_over_tls_with_an_identity_provider() {
    let idp = Idp::start(IdpOptions::default());
    let certs = certs::generate();
    let data = tempfile::Builder::new()
        .permissions(std::os::unix::fs::PermissionsExt::from_mode(0o700))
        .tempdir()
        .unwrap();
    let mut serve = std::process::Command::new(support::flyte_exe())
        .env_clear()
        .env("PATH", std::env::var("PATH").unwrap_or_default())
        .args(["serve", "--listen", "127.0.0.1:0", "--data-dir"])
        .arg(data.path())
        .arg("--tls-cert")
        .arg(&certs.cert)
        .arg("--tls-key")
        .arg(&certs.key)
        .args([
            "--oidc-issuer",
            &idp.issuer,
            "--oidc-audience",
            &idp.audience,
            "--oidc-scopes",
            "all",
        ])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut ready = String::new();
    BufReader::new(serve.stdout.take().unwrap())
        .read_line(&mut ready)
        .unwrap();
    assert!(
        ready.contains("https://127.0.0.1:") && ready.contains(&idp.issuer),
        "{ready}"
    );
    let port = ready
        .split("127.0.0.1:")
        .nth(1)
        .unwrap()
        .split(' ')
        .next()
        .unwrap()
        .to_owned();
    let home = Home::new();
    let out = home
        .flyte()
        .env("FLYTE_ADMIN_ENDPOINT", format!("dns:///localhost:{port}"))
        .env("FLYTE_ADMIN_CACERTFILEPATH", &certs.ca)
        .env("FLYTE_ADMIN_CLIENTID", &idp.ci_client)
        .env("FLYTE_ADMIN_CLIENTSECRETENVVAR", "CI_SECRET")
        .env("CI_SECRET", &idp.client_secret)
        .args(["create", "secret", "over-tls", "--value", "tls-value-778"])
        .output()
        .unwrap();
    assert!(out.status.success(), "{:?}", texts(&out));
    assert_not_shown(&out, &idp.client_secret);
    // Without the CA the certificate is refused, before any token is sent.
    let out = home
        .flyte()
        .env("FLYTE_ADMIN_ENDPOINT", format!("dns:///localhost:{port}"))
        .args(["get", "secret"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1), "{:?}", texts(&out));
    let _ = serve.kill();
    let _ = serve.wait();
    // The warning about the missing policy went to the log.
    let mut log = String::new();
    std::io::Read::read_to_string(&mut serve.stderr.take().unwrap(), &mut log).unwrap();
    assert!(log.contains("no --policy"), "{log}");
}
