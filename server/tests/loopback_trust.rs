//! Open loopback mode: DNS-rebinding requests and other local users are refused; the
//! server's own user needs no token.

use crate::common;

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

/// One raw HTTP/1.1 request: `target` and the header lines as written, so repeated and
/// absolute-form forms reach the server exactly as sent. Returns the status and body.
async fn raw_http1(addr: std::net::SocketAddr, target: &str, headers: &str) -> (u16, String) {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let body = list_body();
    let mut tcp = tokio::net::TcpStream::connect(addr).await.unwrap();
    let head = format!(
        "POST {target} HTTP/1.1\r\n{headers}content-type: application/json\r\n\
         connection: close\r\ncontent-length: {}\r\n\r\n",
        body.len()
    );
    tcp.write_all(head.as_bytes()).await.unwrap();
    tcp.write_all(&body).await.unwrap();
    let mut answer = String::new();
    tcp.read_to_string(&mut answer).await.unwrap();
    let status = answer[9..12].parse().unwrap();
    let body = answer.split_once("\r\n\r\n").unwrap().1.to_owned();
    (status, body)
}

#[tokio::test]
async fn repeated_hosts_and_absolute_targets_are_checked() {
    let dir = private_tempdir();
    let server = start(dir.path()).await;
    let addr = server.addr();
    let path = paths::LIST_SECRETS;
    let absolute = |host: &str| format!("http://{host}{path}");
    for (target, headers, want, says) in [
        (
            path.to_owned(),
            "host: localhost\r\nhost: evil.example\r\n".to_owned(),
            (400, Code::InvalidArgument),
            "more than one Host",
        ),
        (
            path.to_owned(),
            "host: evil.example\r\nhost: localhost\r\n".to_owned(),
            (400, Code::InvalidArgument),
            "more than one Host",
        ),
        (
            absolute("evil.example"),
            format!("host: {addr}\r\n"),
            (400, Code::InvalidArgument),
            "must agree",
        ),
        (
            absolute("evil.example"),
            "host: evil.example\r\n".to_owned(),
            (403, Code::PermissionDenied),
            "not a loopback name",
        ),
        (
            absolute("evil.example"),
            String::new(),
            (403, Code::PermissionDenied),
            "not a loopback name",
        ),
    ] {
        let (status, body) = raw_http1(addr, &target, &headers).await;
        let err: flyte_idl::connect::ErrorBody = serde_json::from_str(&body).unwrap();
        assert_eq!((status, err.code), want, "{target} {headers:?}: {body}");
        assert!(err.message.contains(says), "{}", err.message);
    }
    // A loopback absolute target with the same Host is served.
    let (status, body) = raw_http1(
        addr,
        &absolute(&addr.to_string()),
        &format!("host: {addr}\r\n"),
    )
    .await;
    assert_eq!(status, 200, "{body}");
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
