//! Open loopback mode: DNS-rebinding requests and other local users are refused; the
//! server's own user needs no token.

mod common;

use std::process::Command;

use common::*;
use flyte_idl::connect::Code;
use flyte_idl::*;
use flyte_test_backends::needs;

fn list_body() -> Vec<u8> {
    serde_json::to_vec(&ListSecretsRequest {
        organization: ORG.into(),
        project: "p".into(),
        domain: "d".into(),
        ..Default::default()
    })
    .unwrap()
}

#[tokio::test]
async fn rebinding_style_requests_are_refused() {
    let dir = private_tempdir();
    let server = start(dir.path()).await;
    let c = Client::new(server.addr()).json();
    for extra in [
        vec![("host", "evil.example")],
        vec![("host", "evil.example:8090")],
        vec![("origin", "http://evil.example")],
        vec![("host", "evil.example"), ("origin", "http://evil.example")],
        vec![("origin", "null")],
    ] {
        let (status, _, body) = c
            .raw(paths::LIST_SECRETS, "application/json", list_body(), &extra)
            .await;
        let err: flyte_idl::connect::ErrorBody = serde_json::from_slice(&body).unwrap();
        assert_eq!(
            (status, err.code),
            (403, Code::PermissionDenied),
            "{extra:?}"
        );
        assert!(err.message.contains("loopback"), "{}", err.message);
    }
    // Loopback names, with and without an origin, are served.
    let port = server.addr().port().to_string();
    for extra in [
        vec![("host", format!("localhost:{port}"))],
        vec![("origin", format!("http://127.0.0.1:{port}"))],
        vec![("host", "[::1]".to_owned())],
    ] {
        let extra: Vec<(&str, &str)> = extra.iter().map(|(k, v)| (*k, v.as_str())).collect();
        let (status, _, _) = c
            .raw(paths::LIST_SECRETS, "application/json", list_body(), &extra)
            .await;
        assert_eq!(status, 200, "{extra:?}");
    }
    server.shutdown().await.unwrap();
}

/// One POST with curl as `uid`, returning the HTTP status and body.
fn curl_as(uid: Option<u32>, url: &str, body: &str) -> (u16, String) {
    let mut cmd = Command::new("curl");
    cmd.args(["-s", "-o", "-", "-w", "\n%{http_code}", "-X", "POST"])
        .args([
            "-H",
            "content-type: application/json",
            "--data-binary",
            body,
            url,
        ]);
    if let Some(uid) = uid {
        std::os::unix::process::CommandExt::uid(&mut cmd, uid);
        std::os::unix::process::CommandExt::gid(&mut cmd, uid);
    }
    let out = cmd.output().expect("run curl");
    let text = String::from_utf8_lossy(&out.stdout).into_owned();
    let (body, status) = text.rsplit_once('\n').unwrap();
    (status.trim().parse().unwrap_or(0), body.to_owned())
}

#[needs(root)]
#[tokio::test]
async fn another_local_user_is_refused_and_the_owner_is_served() {
    let dir = private_tempdir();
    let server = start(dir.path()).await;
    let url = format!("{}{}", server.url(), paths::CREATE_SECRET);
    let body = r#"{"id":{"organization":"127","project":"p","domain":"d","name":"planted"},"secretSpec":{"stringValue":"attacker-value"}}"#;
    let (status, text) = tokio::task::spawn_blocking({
        let url = url.clone();
        move || curl_as(Some(65534), &url, body)
    })
    .await
    .unwrap();
    assert_eq!(status, 403, "{text}");
    assert!(
        text.contains("permission_denied")
            && text.contains("uid 65534")
            && text.contains("--tokens"),
        "{text}"
    );
    let c = Client::new(server.addr());
    assert_eq!(
        c.get(id("planted", "p", "d")).await.unwrap_err().code(),
        Code::NotFound
    );

    let (status, text) = tokio::task::spawn_blocking(move || curl_as(None, &url, body))
        .await
        .unwrap();
    assert_eq!(status, 200, "{text}");
    c.get(id("planted", "p", "d")).await.unwrap();
    server.shutdown().await.unwrap();
}
