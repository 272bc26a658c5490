//! The hint under an error points at the actual cause: TLS trust and TLS/plaintext mismatches
//! against a real `flyte serve` over TLS (a CA made per test), a refused API key, an endpoint
//! that is not a Flyte secret service, and the scope and page-token messages.

use crate::certs;
use crate::support;

use support::fake::{Fake, Reply};
use support::{Home, Serve, texts};

/// `flyte ARGS` as a failure: exit 1, and stderr.
fn fails(home: &Home, args: &[&str], env: &[(&str, &str)]) -> String {
    let mut cmd = home.flyte();
    cmd.env("FLYTE_ADMIN_MAXRETRIES", "0");
    for (k, v) in env {
        cmd.env(k, v);
    }
    let out = cmd.args(args).output().unwrap();
    let (_, err) = texts(&out);
    assert_eq!(out.status.code(), Some(1), "{err}");
    err
}

fn hint(err: &str) -> &str {
    err.split("\n  hint: ")
        .nth(1)
        .unwrap_or_else(|| panic!("no hint: {err}"))
}

fn serve_tls(certs: &certs::TestCerts) -> Serve {
    Serve::start_with(&[
        "--tls-cert",
        certs.cert.to_str().unwrap(),
        "--tls-key",
        certs.key.to_str().unwrap(),
    ])
}

#[test]
fn an_untrusted_ca_points_at_ca_cert_file_path() {
    let certs = certs::generate();
    let (home, serve) = (Home::new(), serve_tls(&certs));
    assert!(serve.url.starts_with("https://"), "{}", serve.url);
    let err = fails(&home, &["--endpoint", &serve.url, "get", "secret"], &[]);
    let hint = hint(&err);
    assert!(
        hint.contains("admin.caCertFilePath") && hint.contains("admin.insecureSkipVerify"),
        "{err}"
    );
    assert!(!hint.contains("flyte auth login"), "{err}");
    // With the CA configured it works.
    let cfg = home.path().join("ca.yaml");
    std::fs::write(
        &cfg,
        format!("admin:\n  caCertFilePath: {}\n", certs.ca.display()),
    )
    .unwrap();
    let out = home
        .flyte()
        .arg("-c")
        .arg(&cfg)
        .args(["--endpoint", &serve.url, "get", "secret"])
        .output()
        .unwrap();
    assert!(out.status.success(), "{:?}", texts(&out));
}

#[test]
fn tls_to_a_plaintext_service_says_insecure() {
    let (home, serve) = (Home::new(), Serve::start());
    let https = serve.url.replace("http://", "https://");
    let err = fails(&home, &["--endpoint", &https, "get", "secret"], &[]);
    let hint = hint(&err);
    assert!(
        hint.contains("answered in plaintext, not TLS")
            && hint.contains("--insecure (admin.insecure: true)"),
        "{err}"
    );
    assert!(!hint.contains("check that the service is running"), "{err}");
}

#[test]
fn insecure_to_a_tls_service_says_it_speaks_tls() {
    let certs = certs::generate();
    let (home, serve) = (Home::new(), serve_tls(&certs));
    let endpoint = format!("127.0.0.1:{}", serve.port());
    let err = fails(
        &home,
        &["--endpoint", &endpoint, "--insecure", "get", "secret"],
        &[],
    );
    let hint = hint(&err);
    assert!(
        hint.contains("speaks TLS") && hint.contains("drop --insecure (admin.insecure: false)"),
        "{err}"
    );
    assert!(!hint.contains("check that the service is running"), "{err}");
}

#[test]
fn a_refused_api_key_says_so() {
    let home = Home::new();
    let tokens = home.path().join("tokens.txt");
    std::fs::write(&tokens, "right-token-0123456789abcdef */*/* all\n").unwrap();
    std::fs::set_permissions(&tokens, std::os::unix::fs::PermissionsExt::from_mode(0o600)).unwrap();
    let serve = Serve::start_with(&["--tokens", tokens.to_str().unwrap()]);
    let err = fails(
        &home,
        &["--endpoint", &serve.url, "get", "secret"],
        &[("FLYTE_API_KEY", "wrong-token-0123456789abcdef")],
    );
    let hint = hint(&err);
    assert!(
        hint.contains("refused the API key in FLYTE_API_KEY") && hint.contains("check"),
        "{err}"
    );
    assert!(!hint.contains("or set FLYTE_API_KEY"), "{err}");
    assert!(!err.contains("wrong-token-0123456789abcdef"), "{err}");
}

/// `python3 -m http.server` answers a POST with an HTML 501 page.
#[test]
fn a_web_server_is_not_a_flyte_secret_service() {
    let fake = Fake::start(|_| Reply {
        status: 501,
        content_type: "text/html;charset=utf-8",
        body: b"<html><body>Error code: 501</body></html>".to_vec(),
    });
    let home = Home::new();
    let err = fails(&home, &["--endpoint", &fake.url, "get", "secret", "x"], &[]);
    assert!(err.contains("HTTP 501"), "{err}");
    assert!(
        hint(&err).contains("the endpoint does not look like a Flyte secret service"),
        "{err}"
    );
}

#[test]
fn a_repeated_page_token_is_named_plainly() {
    let fake = Fake::start(|path| {
        if path.ends_with("/ListSecrets") {
            Reply {
                status: 200,
                content_type: "application/json",
                body: br#"{"token":"again"}"#.to_vec(),
            }
        } else {
            Reply::not_found()
        }
    });
    let home = Home::new();
    let err = fails(&home, &["--endpoint", &fake.url, "get", "secret"], &[]);
    assert!(
        err.contains("the server answered an empty page with the page token it was sent"),
        "{err}"
    );
    assert!(!err.contains("response lacks"), "{err}");
}

#[test]
fn scope_words_leave_out_parts_not_given_and_the_hint_fits_the_flags() {
    let (home, serve) = (Home::new(), Serve::start());
    let err = fails(
        &home,
        &[
            "--endpoint",
            &serve.url,
            "get",
            "secret",
            "nope",
            "-d",
            "development",
        ],
        &[],
    );
    assert!(
        err.contains("organization `127`, domain `development`") && !err.contains("project ``"),
        "{err}"
    );
    assert!(hint(&err).contains("needs -p and -d"), "{err}");

    let err = fails(
        &home,
        &[
            "--endpoint",
            &serve.url,
            "get",
            "secret",
            "nope",
            "-p",
            "proj",
            "-d",
            "development",
        ],
        &[],
    );
    assert!(
        err.contains("organization `127`, project `proj`, domain `development`"),
        "{err}"
    );
    assert!(!hint(&err).contains("needs -p and -d"), "{err}");
}

/// An unreachable identity provider is only a warning at start, so the ready line shows.
#[test]
fn serve_counts_one_policy_entry_in_the_singular() {
    use std::io::{BufRead, BufReader};
    let home = Home::new();
    let policy = home.path().join("policy.txt");
    std::fs::write(&policy, "sub=alice */*/* all\n").unwrap();
    std::fs::set_permissions(&policy, std::os::unix::fs::PermissionsExt::from_mode(0o600)).unwrap();
    let data = home.path().join("data-dir");
    std::fs::create_dir(&data).unwrap();
    std::fs::set_permissions(&data, std::os::unix::fs::PermissionsExt::from_mode(0o700)).unwrap();
    let closed = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let issuer = format!("http://127.0.0.1:{}", closed.local_addr().unwrap().port());
    drop(closed);
    let mut child = home
        .command(support::flyte_exe())
        .args(["serve", "--listen", "127.0.0.1:0", "--data-dir"])
        .arg(&data)
        .args([
            "--oidc-issuer",
            &issuer,
            "--oidc-audience",
            "aud",
            "--policy",
        ])
        .arg(&policy)
        .stdin(std::process::Stdio::null())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::null())
        .spawn()
        .unwrap();
    let mut ready = String::new();
    BufReader::new(child.stdout.take().unwrap())
        .read_line(&mut ready)
        .unwrap();
    let _ = child.kill();
    let _ = child.wait();
    assert!(
        ready.contains("policy of 1 entry,") || ready.contains("policy of 1 entry)"),
        "{ready}"
    );
}
