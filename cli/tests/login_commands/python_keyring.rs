//! One login for both SDKs, through the OS keyring: `flyte auth login` (device flow, driven
//! over real HTTP) and then the stock Python SDK manages secrets on
//! `flyte serve --tls-cert ... --oidc-issuer ...` without logging in; the Python SDK's
//! device-flow login and then `flyte` uses it; a refresh by either one and then the other uses
//! its tokens. Both meet on the Secret Service (gnome-keyring under `.ci/with-keyring.sh`,
//! which the Python `keyring` package picks there; the tests check it did), item service =
//! endpoint without scheme, username `tokens`.
//!
//! Before the last SDK runs, the identity provider is stopped: no login, refresh or device
//! code can succeed any more, so its calls succeeding proves it sent the tokens the other one
//! cached (the server checks them against the keys it fetched at start). No output shows a
//! token or the secret value.

use std::io::{BufRead, BufReader};
use std::path::Path;
use std::process::{Command, Stdio};

use flyte::remote::keyring::{Credentials, KeyringStore, Outcome};
use flyte_test_backends::needs;

use super::oidc_harness::{Browser, Choice, Idp, IdpOptions, USER};
use super::support::{self, Home, Serve, texts};
use super::{certs, drive};

const VALUE: &str = "keyring-interop-value-5813";
/// An access token the server refuses, put in the keyring next to a good refresh token: what
/// an expired one looks like to the clients, without waiting for it to expire.
const SPOILED: &str = "spoiled-access-token-3391";

/// `flyte serve` over TLS behind `idp`, advertising its public client (PKCE and device flow).
fn serve_tls(idp: &Idp, certs: &certs::TestCerts) -> Serve {
    Serve::start_with(&[
        "--tls-cert",
        certs.cert.to_str().unwrap(),
        "--tls-key",
        certs.key.to_str().unwrap(),
        "--oidc-issuer",
        &idp.issuer,
        "--oidc-audience",
        &idp.audience,
        "--oidc-client-id",
        &idp.pkce_client,
        "--oidc-scopes",
        "all",
    ])
}

/// The D-Bus session of this process (`.ci/with-keyring.sh`), for a child.
fn session_bus(cmd: &mut Command) -> &mut Command {
    for var in ["DBUS_SESSION_BUS_ADDRESS", "XDG_RUNTIME_DIR"] {
        if let Some(v) = std::env::var_os(var) {
            cmd.env(var, v);
        }
    }
    cmd
}

/// `flyte` for `endpoint` with the CA and the keyring on, the device flow configured.
fn flyte(home: &Home, endpoint: &str, ca: &Path) -> Command {
    let mut cmd = home.command(support::flyte_exe());
    cmd.env_remove("FLYTE_ADMIN_DISABLEKEYRING")
        .env("FLYTE_ADMIN_ENDPOINT", endpoint)
        .env("FLYTE_ADMIN_CACERTFILEPATH", ca)
        .env("FLYTE_ADMIN_AUTHTYPE", "DeviceFlow")
        .env("BROWSER", "false");
    session_bus(&mut cmd);
    cmd
}

/// Removes the endpoint's keyring item when dropped, so a failed test leaves none behind.
struct Forget<'a>(&'a str);

impl Drop for Forget<'_> {
    fn drop(&mut self) {
        let _ = KeyringStore::new().delete(self.0);
    }
}

/// What `tests/python/oidc_keyring.py` did.
struct PythonRun {
    ok: bool,
    /// How it ended, for the failure message (`ok` is its success).
    status: std::process::ExitStatus,
    /// Its JSON steps.
    steps: Vec<serde_json::Value>,
    /// The device-login URLs it printed (a login it started).
    logins: Vec<String>,
    stdout: String,
    stderr: String,
}

impl PythonRun {
    fn step(&self, name: &str) -> &serde_json::Value {
        self.steps
            .iter()
            .find(|s| s["step"] == name)
            .unwrap_or_else(|| panic!("no step {name}: {:?}\n{}", self.steps, self.stderr))
    }

    /// The `keyring` step: whether the keyring held a login before the SDK started. Checks
    /// that the SDK's keyring is the Secret Service, where `flyte` keeps its tokens.
    fn cached_at_start(&self) -> &serde_json::Value {
        let step = self.step("keyring");
        assert_eq!(
            step["backend"], "keyring.backends.SecretService",
            "the Python keyring package uses another backend here"
        );
        step
    }

    fn assert_not_shown(&self, needle: &str) {
        assert!(!self.stdout.contains(needle), "leaked on stdout");
        assert!(!self.stderr.contains(needle), "leaked on stderr");
    }
}

/// Runs the Python SDK's secret calls on `endpoint` with its own HOME (nothing shared with
/// `flyte` but the keyring). A device-login URL it prints is approved in the provider's pages
/// when `approve`, else only recorded.
fn python_sdk(endpoint: &str, ca: &Path, name: &str, mode: &str, approve: bool) -> PythonRun {
    let python = std::env::var_os("FLYTE_TEST_PYTHON").expect("checked by #[needs(python)]");
    let home = Home::new();
    let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("../tests/python/oidc_keyring.py");
    let mut cmd = Command::new(python);
    cmd.env_clear()
        .env("HOME", home.path())
        .env("PATH", std::env::var_os("PATH").unwrap_or_default())
        // rich must not wrap the login URL.
        .env("COLUMNS", "400")
        .env("INTEROP_VALUE", VALUE);
    session_bus(&mut cmd);
    let mut child = cmd
        .current_dir(home.path())
        .arg(&script)
        .arg(endpoint)
        .arg(ca)
        .args([name, mode])
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut stderr = child.stderr.take().unwrap();
    let stderr = std::thread::spawn(move || {
        let mut text = String::new();
        std::io::Read::read_to_string(&mut stderr, &mut text).map(|_| text)
    });
    let mut stdout = String::new();
    let mut steps: Vec<serde_json::Value> = Vec::new();
    let mut logins = Vec::new();
    let mut browsers = Vec::new();
    for line in BufReader::new(child.stdout.take().unwrap()).lines() {
        let line = line.unwrap();
        stdout.push_str(&line);
        stdout.push('\n');
        if let Some(u) = line.split_whitespace().find(|w| w.contains("user_code=")) {
            let url = u
                .trim_end_matches(|c: char| !c.is_alphanumeric())
                .to_owned();
            logins.push(url.clone());
            if !approve {
                // A login nobody approves would poll until the code expires.
                let _ = child.kill();
            } else {
                // Approve while the SDK polls.
                browsers.push(std::thread::spawn(move || {
                    let rt = tokio::runtime::Runtime::new().unwrap();
                    rt.block_on(Browser::default().visit(&url, Choice::Approve));
                }));
            }
        } else if line.starts_with('{') {
            steps.push(serde_json::from_str(&line).unwrap());
        }
    }
    let status = child.wait().unwrap();
    for b in browsers {
        b.join().unwrap();
    }
    // The SDK's background event loop (a daemon thread, joined for at most 1 s at exit) can
    // still be running when the interpreter shuts down; a death by a signal after the last
    // step is that, not a failure of what this file tests, which happened by then. (Once in
    // CI, under load: "done", then a failed exit, nothing on stderr.)
    let crashed_after_done = std::os::unix::process::ExitStatusExt::signal(&status).is_some()
        && steps.last().is_some_and(|s| s["step"] == "done");
    PythonRun {
        ok: status.success() || crashed_after_done,
        status,
        steps,
        logins,
        stdout,
        stderr: stderr.join().unwrap().unwrap(),
    }
}

/// Runs `cmd` (a `flyte` command that must not log in) to its end: success, stdout and
/// stderr. A login prompt kills it (a login nobody finishes would wait for minutes).
fn without_login(cmd: &mut Command) -> (bool, String, String) {
    let mut child = cmd
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut stderr = String::new();
    for line in BufReader::new(child.stderr.take().unwrap()).lines() {
        let line = line.unwrap();
        if line.contains("To log in") || line.contains("Open this link") {
            let _ = child.kill();
        }
        stderr.push_str(&line);
        stderr.push('\n');
    }
    let out = child.wait_with_output().unwrap();
    (
        out.status.success(),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        stderr,
    )
}

/// Panics when one of the cached tokens shows in `text`.
fn assert_no_token(keyring_tokens: &[String], text: &str) {
    for token in keyring_tokens {
        assert!(!text.contains(token.as_str()), "a cached token was shown");
    }
}

/// Replaces the cached access token with [`SPOILED`], keeping the refresh token; returns the
/// tokens as they were.
fn spoil(endpoint: &str) -> Vec<String> {
    let keyring = KeyringStore::new();
    let creds = keyring.retrieve(endpoint).expect("a cached login");
    let refresh = creds.refresh_token().expect("a cached refresh token");
    let spoiled = Credentials::new(endpoint, SPOILED).with_refresh_token(refresh);
    assert!(matches!(keyring.store(&spoiled), Outcome::Done));
    cached_tokens(endpoint)
        .into_iter()
        .filter(|t| t != SPOILED)
        .chain([creds.access_token().to_owned()])
        .collect()
}

/// The access and refresh token cached for `endpoint`, to look for in output.
fn cached_tokens(endpoint: &str) -> Vec<String> {
    let creds = KeyringStore::new()
        .retrieve(endpoint)
        .unwrap_or_else(|| panic!("nothing cached in the keyring for {endpoint}"));
    std::iter::once(creds.access_token())
        .chain(creds.refresh_token())
        .filter(|t| !t.is_empty())
        .map(ToOwned::to_owned)
        .collect()
}

#[needs(python, dbus, idp)]
#[test]
fn a_flyte_auth_login_is_used_by_the_python_sdk() {
    let mut idp = Idp::start(IdpOptions::default());
    let certs = certs::generate();
    let server = serve_tls(&idp, &certs);
    let endpoint = format!("dns:///localhost:{}", server.port());
    let _forget = Forget(&endpoint);
    let home = Home::new();
    assert!(
        KeyringStore::new().retrieve(&endpoint).is_none(),
        "a login for {endpoint} is cached already"
    );

    let (ok, stdout, stderr) = drive(
        flyte(&home, &endpoint, &certs.ca).args(["auth", "login"]),
        Choice::Approve,
    );
    assert!(ok, "{stdout}{stderr}");
    assert!(stderr.contains("To log in, open"), "{stderr}");
    assert!(
        stdout.contains(&format!("with DeviceFlow as {USER}"))
            && stdout.contains("Cached in the OS keyring (Secret Service")
            && stdout.contains("where the Python flyte CLI finds it too"),
        "{stdout}"
    );
    let tokens = cached_tokens(&endpoint);
    assert_no_token(&tokens, &stdout);
    assert_no_token(&tokens, &stderr);

    // From here on no login can succeed: the Python SDK's calls work only with the cached
    // tokens.
    idp.stop();
    let py = python_sdk(&endpoint, &certs.ca, "rust-login", "roundtrip", false);
    assert!(py.ok, "{}: {:?}\n{}", py.status, py.steps, py.stderr);
    assert!(
        py.logins.is_empty(),
        "the Python SDK started a device login: {:?}",
        py.logins
    );
    let keyring = py.cached_at_start();
    assert!(
        keyring["cached"] == true && keyring["refresh_token"] == true,
        "the Python SDK did not find flyte's login in the keyring: {keyring}"
    );
    assert_eq!(py.step("get")["name"], "rust-login");
    assert_eq!(py.step("get")["project"], "proj");
    assert_eq!(
        py.step("listall")["names"],
        serde_json::json!(["rust-login"])
    );
    py.step("done");
    for t in &tokens {
        py.assert_not_shown(t);
    }
    py.assert_not_shown(VALUE);
    // The SDK did not replace the tokens (it had no reason to refresh).
    assert_eq!(
        cached_tokens(&endpoint),
        tokens,
        "the cached tokens changed"
    );
}

#[needs(python, dbus, idp)]
#[test]
fn a_python_sdk_login_is_used_by_flyte() {
    let mut idp = Idp::start(IdpOptions::default());
    let certs = certs::generate();
    let server = serve_tls(&idp, &certs);
    let endpoint = format!("dns:///localhost:{}", server.port());
    let _forget = Forget(&endpoint);
    let home = Home::new();
    assert!(
        KeyringStore::new().retrieve(&endpoint).is_none(),
        "a login for {endpoint} is cached already"
    );

    let py = python_sdk(&endpoint, &certs.ca, "python-login", "create", true);
    assert!(py.ok, "{}: {:?}\n{}", py.status, py.steps, py.stderr);
    assert_eq!(py.logins.len(), 1, "one device login: {:?}", py.logins);
    assert_eq!(py.cached_at_start()["cached"], false);
    py.step("done");
    py.assert_not_shown(VALUE);
    let tokens = cached_tokens(&endpoint);
    for t in &tokens {
        py.assert_not_shown(t);
    }

    idp.stop();
    let mut shown = String::new();
    let mut run = |args: &[&str]| {
        let out = flyte(&home, &endpoint, &certs.ca)
            .args(args)
            .output()
            .unwrap();
        let (stdout, stderr) = texts(&out);
        assert!(out.status.success(), "flyte {args:?}: {stdout}{stderr}");
        assert!(
            !stderr.contains("To log in") && !stderr.contains("Open this link"),
            "flyte {args:?} started a login: {stderr}"
        );
        shown.push_str(&stdout);
        shown.push_str(&stderr);
        stdout
    };
    let status = run(&["auth", "status"]);
    assert!(
        status.contains("Cached tokens: yes (an access token, a refresh token)"),
        "{status}"
    );
    let got = run(&["get", "secret", "python-login", "-p", "proj", "-d", "dev"]);
    assert!(got.contains("python-login"), "{got}");
    run(&[
        "create",
        "secret",
        "flyte-made",
        "--value",
        VALUE,
        "-p",
        "proj",
        "-d",
        "dev",
    ]);
    let listed = run(&["get", "secret", "-p", "proj", "-d", "dev"]);
    assert!(
        listed.contains("python-login") && listed.contains("flyte-made"),
        "{listed}"
    );
    run(&[
        "delete",
        "secret",
        "python-login",
        "-p",
        "proj",
        "-d",
        "dev",
    ]);
    run(&["delete", "secret", "flyte-made", "-p", "proj", "-d", "dev"]);
    assert_eq!(
        cached_tokens(&endpoint),
        tokens,
        "the cached tokens changed"
    );

    // `flyte logout` removes the Python SDK's login.
    run(&["logout"]);
    assert!(KeyringStore::new().retrieve(&endpoint).is_none());
    assert_no_token(&tokens, &shown);
    assert!(!shown.contains(VALUE), "the value leaked");
}

/// The refresh token one SDK got is the one the other refreshes with (refresh tokens rotate:
/// a stale one is refused), and the tokens the refresh stored are what the first one uses.
#[needs(python, dbus, idp)]
#[test]
fn a_refresh_by_either_sdk_is_used_by_the_other() {
    let mut idp = Idp::start(IdpOptions::default());
    let certs = certs::generate();
    let server = serve_tls(&idp, &certs);
    let endpoint = format!("dns:///localhost:{}", server.port());
    let _forget = Forget(&endpoint);
    let home = Home::new();
    let (ok, stdout, stderr) = drive(
        flyte(&home, &endpoint, &certs.ca).args(["auth", "login"]),
        Choice::Approve,
    );
    assert!(ok, "{stdout}{stderr}");
    let mut shown = stdout + &stderr;
    let mut seen = cached_tokens(&endpoint);

    // The Python SDK is refused the spoiled token and refreshes with flyte's refresh token.
    seen.extend(spoil(&endpoint));
    let py = python_sdk(&endpoint, &certs.ca, "py-refreshed", "create", false);
    assert!(py.ok, "{}: {:?}\n{}", py.status, py.steps, py.stderr);
    assert!(py.logins.is_empty(), "a device login: {:?}", py.logins);
    assert_eq!(py.cached_at_start()["refresh_token"], true);
    shown.push_str(&py.stdout);
    shown.push_str(&py.stderr);
    // The access token it stored is new. Its refresh token is not checked here: whether
    // the provider rotated it is the provider's choice, and the next step (flyte refreshing
    // with whatever Python left) fails if Python left a stale one.
    let by_python = cached_tokens(&endpoint);
    assert!(
        by_python[0] != SPOILED && !seen.contains(&by_python[0]),
        "the Python SDK did not store the access token of its refresh"
    );
    seen.extend(by_python);

    // flyte is refused the spoiled token and refreshes with the Python SDK's refresh token.
    seen.extend(spoil(&endpoint));
    let (ok, stdout, stderr) = without_login(flyte(&home, &endpoint, &certs.ca).args([
        "get",
        "secret",
        "py-refreshed",
        "-p",
        "proj",
        "-d",
        "dev",
    ]));
    assert!(
        !stderr.contains("To log in"),
        "flyte started a login: {stderr}"
    );
    assert!(ok, "{stdout}{stderr}");
    assert!(stdout.contains("py-refreshed"), "{stdout}");
    shown.push_str(&stdout);
    shown.push_str(&stderr);
    let by_flyte = cached_tokens(&endpoint);
    assert!(
        !by_flyte.iter().any(|t| t == SPOILED || seen.contains(t)),
        "flyte did not store the tokens of its refresh"
    );
    seen.extend(by_flyte.clone());

    // What flyte's refresh stored is what the Python SDK sends: no provider needed.
    idp.stop();
    let py = python_sdk(&endpoint, &certs.ca, "after-refresh", "roundtrip", false);
    assert!(py.ok, "{}: {:?}\n{}", py.status, py.steps, py.stderr);
    assert!(py.logins.is_empty(), "a device login: {:?}", py.logins);
    py.step("done");
    assert_eq!(
        cached_tokens(&endpoint),
        by_flyte,
        "the cached tokens changed"
    );
    shown.push_str(&py.stdout);
    shown.push_str(&py.stderr);
    seen.push(SPOILED.to_owned());
    assert_no_token(&seen, &shown);
    assert!(!shown.contains(VALUE), "the value leaked");
}
