//! The stock Python SDK against `flyte serve --tls-cert ... --oidc-issuer ...`: it discovers
//! the identity provider through AuthMetadataService, logs in (client secret, device flow),
//! and manages secrets. Needs FLYTE_TEST_PYTHON naming an interpreter with `flyte` and the
//! identity provider (`#[needs(python, idp)]`).

use std::io::{BufRead, BufReader};
use std::path::Path;
use std::process::{Command, Stdio};

use flyte_test_backends::needs;

use super::certs;
use super::oidc_harness::{Browser, Choice, Idp, IdpOptions};
use super::private_dir;

#[needs(python, idp)]
#[tokio::test(flavor = "multi_thread")]
async fn python_sdk_logs_in_over_tls_and_manages_secrets() {
    let python = std::env::var_os("FLYTE_TEST_PYTHON").expect("checked by #[needs(python)]");
    let idp = Idp::start(IdpOptions::default());
    let certs = certs::generate();
    let dir = private_dir();
    let server = super::oidc_builder(dir.path(), &idp)
        .tls(&certs.cert, &certs.key)
        .build()
        .unwrap()
        .start()
        .await
        .unwrap();
    let endpoint = format!("dns:///localhost:{}", server.addr().port());
    let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("../tests/python/oidc_interop.py");
    for (flow, prefix) in [("ClientSecret", "py-cs"), ("DeviceFlow", "py-dev")] {
        let home = private_dir();
        let mut child = Command::new(&python)
            .env_clear()
            .env("HOME", home.path())
            .env("PATH", std::env::var_os("PATH").unwrap_or_default())
            // rich must not wrap the login URL.
            .env("COLUMNS", "400")
            .env("INTEROP_CLIENT_ID", &idp.ci_client)
            .env("INTEROP_CLIENT_SECRET", &idp.client_secret)
            .current_dir(home.path())
            .arg(&script)
            .args([endpoint.as_str(), certs.ca.to_str().unwrap(), flow, prefix])
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        let stdout = child.stdout.take().unwrap();
        let lines = tokio::task::spawn_blocking(move || {
            let mut steps = Vec::new();
            let mut urls = Vec::new();
            for line in BufReader::new(stdout).lines() {
                let line = line.unwrap();
                if let Some(u) = line.split_whitespace().find(|w| w.contains("user_code=")) {
                    // Drive the login page while the SDK polls.
                    let url = u
                        .trim_end_matches(|c: char| !c.is_alphanumeric())
                        .to_owned();
                    urls.push(url.clone());
                    std::thread::spawn(move || {
                        let rt = tokio::runtime::Runtime::new().unwrap();
                        rt.block_on(Browser::default().visit(&url, Choice::Approve));
                    });
                } else if line.starts_with('{') {
                    steps.push(serde_json::from_str::<serde_json::Value>(&line).unwrap());
                }
            }
            (steps, urls)
        });
        let out = tokio::task::spawn_blocking(move || child.wait_with_output())
            .await
            .unwrap()
            .unwrap();
        let (steps, urls) = lines.await.unwrap();
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert!(out.status.success(), "{flow}: {steps:?}\n{stderr}");
        assert!(
            !stderr.contains(&idp.client_secret),
            "{flow}: the secret leaked"
        );
        assert_eq!(
            urls.len(),
            usize::from(flow == "DeviceFlow"),
            "{flow}: {urls:?}"
        );
        assert_eq!(steps[0]["name"], format!("{prefix}-one"), "{steps:?}");
        assert_eq!(
            steps[1]["names"],
            serde_json::json!([format!("{prefix}-one")])
        );
        assert_eq!(steps.last().unwrap()["step"], "done");
    }
    server.shutdown().await.unwrap();
}
