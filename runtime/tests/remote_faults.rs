//! Faults the real server does not produce, injected with wiremock or a raw socket: garbage
//! and oversized bodies, gateway pages, stalls, gzip answers, repeated page tokens, and
//! SelectCluster answering `unimplemented` or failing.

#[path = "remote_faults/idle_close.rs"]
mod idle_close;

use std::io::Write as _;
use std::time::{Duration, Instant};

use flyte::remote::{Client, Code, Error};
use flyte_idl::{GetSecretResponse, ListSecretsResponse, Message, Secret, SecretIdentifier};
use futures::StreamExt;
use wiremock::matchers::{method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

const GET: &str = "/flyteidl2.secret.SecretService/GetSecret";
const CREATE: &str = "/flyteidl2.secret.SecretService/CreateSecret";
const LIST: &str = "/flyteidl2.secret.SecretService/ListSecrets";
const SELECT: &str = "/flyteidl2.cluster.ClusterService/SelectCluster";

/// SelectCluster answers "this endpoint", ahead of any catch-all mock mounted later.
async fn no_routing(server: &MockServer) {
    Mock::given(method("POST"))
        .and(path(SELECT))
        .respond_with(proto(Vec::new()))
        .mount(server)
        .await;
}

fn client(uri: &str) -> Client {
    Client::builder()
        .endpoint(uri)
        .max_retries(2)
        .base_backoff(Duration::from_millis(1))
        .timeout(Duration::from_secs(5))
        .build()
        .unwrap()
}

fn proto(body: Vec<u8>) -> ResponseTemplate {
    ResponseTemplate::new(200).set_body_raw(body, "application/proto")
}

async fn requests_to(server: &MockServer, p: &str) -> usize {
    server
        .received_requests()
        .await
        .unwrap()
        .iter()
        .filter(|r| r.url.path() == p)
        .count()
}

#[tokio::test]
async fn garbage_proto_body_is_a_decode_error_naming_secret_and_endpoint() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path(GET))
        .respond_with(proto(vec![0xff, 0xff, 0xff, 0x07]))
        .mount(&server)
        .await;
    let err = client(&server.uri()).get("db-password").await.unwrap_err();
    assert!(matches!(err, Error::Decode { .. }), "{err:?}");
    let msg = err.to_string();
    assert!(
        msg.contains("`db-password`") && msg.contains(&server.uri()),
        "{msg}"
    );
    assert!(std::error::Error::source(&err).is_some());
    assert_eq!(
        requests_to(&server, GET).await,
        1,
        "a decode error is not retried"
    );
}

#[tokio::test]
async fn html_with_200_is_refused_by_content_type() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path(GET))
        .respond_with(ResponseTemplate::new(200).set_body_raw("<html>login</html>", "text/html"))
        .mount(&server)
        .await;
    let err = client(&server.uri()).get("x").await.unwrap_err();
    let source = std::error::Error::source(&err).unwrap().to_string();
    assert!(source.contains("text/html"), "{source}");
}

#[tokio::test]
async fn gateway_pages_map_by_status_and_only_idempotent_calls_retry() {
    let server = MockServer::start().await;
    no_routing(&server).await;
    Mock::given(method("POST"))
        .respond_with(
            ResponseTemplate::new(503).set_body_raw("<h1>Service Unavailable</h1>", "text/html"),
        )
        .mount(&server)
        .await;
    let c = client(&server.uri());
    let err = c.get("k").await.unwrap_err();
    assert!(
        matches!(err, Error::Unavailable { attempts: 3, .. }),
        "{err:?}"
    );
    assert_eq!(
        requests_to(&server, GET).await,
        3,
        "first attempt + 2 retries"
    );

    let err = c.create("k", "v4lue-never-shown").await.unwrap_err();
    assert!(
        matches!(err, Error::Unavailable { attempts: 1, .. }),
        "{err:?}"
    );
    assert_eq!(
        requests_to(&server, CREATE).await,
        1,
        "create is not retried after it was sent"
    );
    assert!(!format!("{err} {err:?}").contains("v4lue-never-shown"));
}

#[tokio::test]
async fn connect_errors_with_unknown_codes_and_odd_statuses() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path(GET))
        .respond_with(ResponseTemplate::new(429).set_body_raw(
            r#"{"code":"resource_exhausted","message":"slow down"}"#,
            "application/json",
        ))
        .mount(&server)
        .await;
    Mock::given(method("POST"))
        .and(path(CREATE))
        .respond_with(
            ResponseTemplate::new(500)
                .set_body_raw(r#"{"code":"brand_new_code"}"#, "application/json"),
        )
        .mount(&server)
        .await;
    let c = client(&server.uri());
    let err = c.get("k").await.unwrap_err();
    assert!(
        matches!(
            err,
            Error::Server {
                code: Code::ResourceExhausted,
                ..
            }
        ),
        "{err:?}"
    );
    assert!(err.to_string().contains("slow down"), "{err}");
    let err = c.create("k", "v").await.unwrap_err();
    assert_eq!(err.code(), Some(Code::Unknown), "{err:?}");
}

#[tokio::test]
async fn gzip_responses_are_inflated() {
    let server = MockServer::start().await;
    let resp = GetSecretResponse {
        secret: Some(Secret {
            id: Some(SecretIdentifier {
                name: "zipped".into(),
                ..Default::default()
            }),
            secret_metadata: None,
        }),
    };
    let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
    gz.write_all(&resp.encode_to_vec()).unwrap();
    Mock::given(method("POST"))
        .and(path(GET))
        .respond_with(proto(gz.finish().unwrap()).insert_header("content-encoding", "gzip"))
        .mount(&server)
        .await;
    let s = client(&server.uri()).get("zipped").await.unwrap();
    assert_eq!(s.name(), "zipped");
    let req = &server.received_requests().await.unwrap()[0];
    assert_eq!(req.headers["accept-encoding"], "gzip");
    assert_eq!(req.headers["connect-protocol-version"], "1");
}

#[tokio::test]
async fn a_stalled_server_times_out_with_retries_bounded() {
    // Accepts connections and never answers, except SelectCluster (404: no routing).
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move {
        while let Ok((sock, _)) = listener.accept().await {
            tokio::spawn(stall_unless_select_cluster(sock));
        }
    });
    let c = Client::builder()
        .endpoint(&format!("http://{addr}"))
        .timeout(Duration::from_millis(300))
        .max_retries(1)
        .base_backoff(Duration::from_millis(1))
        .build()
        .unwrap();
    let start = Instant::now();
    let err = c.get("slow").await.unwrap_err();
    let took = start.elapsed();
    assert!(matches!(err, Error::Timeout { attempts: 2, .. }), "{err:?}");
    assert!(
        err.to_string().contains("`slow`") && err.to_string().contains(&addr.to_string()),
        "{err}"
    );
    assert!(
        took >= Duration::from_millis(600) && took < Duration::from_secs(5),
        "{took:?}"
    );

    // Create is not retried after a timeout: the server may have stored it.
    let err = c.create("slow", "v").await.unwrap_err();
    assert!(matches!(err, Error::Timeout { attempts: 1, .. }), "{err:?}");
}

#[tokio::test]
async fn the_call_timeout_bounds_every_attempt_and_backoff() {
    assert!(flyte::Config::default().call_timeout() <= Duration::from_secs(15));
    // Accepts and never answers anything, SelectCluster included.
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move {
        let mut held = Vec::new();
        while let Ok((sock, _)) = listener.accept().await {
            held.push(sock);
        }
    });
    // Default per-attempt timeout (30 s) and retries: only the call timeout can end this.
    let c = Client::builder()
        .endpoint(&format!("http://{addr}"))
        .call_timeout(Duration::from_millis(400))
        .build()
        .unwrap();
    let start = Instant::now();
    let err = c.get("slow").await.unwrap_err();
    let took = start.elapsed();
    assert!(took < Duration::from_secs(3), "{took:?}: {err}");
    let mut chain = err.to_string();
    let mut src = std::error::Error::source(&err);
    while let Some(e) = src {
        chain = format!("{chain}: {e}");
        src = e.source();
    }
    assert!(chain.contains("400ms"), "{chain}");

    // Past SelectCluster, the call itself is bounded the same way.
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move {
        while let Ok((sock, _)) = listener.accept().await {
            tokio::spawn(stall_unless_select_cluster(sock));
        }
    });
    let c = Client::builder()
        .endpoint(&format!("http://{addr}"))
        .call_timeout(Duration::from_millis(400))
        .build()
        .unwrap();
    let start = Instant::now();
    let err = c.get("slow").await.unwrap_err();
    assert!(start.elapsed() < Duration::from_secs(3), "{err}");
    assert!(
        matches!(err, Error::Timeout { after, .. } if after == Duration::from_millis(400)),
        "{err:?}"
    );
}

#[tokio::test]
async fn a_wiremock_delay_times_out_too() {
    let server = MockServer::start().await;
    no_routing(&server).await;
    Mock::given(method("POST"))
        .respond_with(proto(Vec::new()).set_delay(Duration::from_secs(10)))
        .mount(&server)
        .await;
    let c = Client::builder()
        .endpoint(&server.uri())
        .timeout(Duration::from_millis(200))
        .max_retries(0)
        .build()
        .unwrap();
    let err = c.delete("k").await.unwrap_err();
    assert!(matches!(err, Error::Timeout { attempts: 1, .. }), "{err:?}");
    assert_eq!(err.code(), Some(Code::DeadlineExceeded));
}

#[tokio::test]
async fn oversized_answers_are_refused() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path(GET))
        .respond_with(proto(vec![0u8; 65 * 1024 * 1024]))
        .mount(&server)
        .await;
    let err = client(&server.uri()).get("big").await.unwrap_err();
    assert!(
        std::error::Error::source(&err)
            .unwrap()
            .to_string()
            .contains("larger than"),
        "{err:?}"
    );
}

#[tokio::test]
async fn a_server_repeating_its_page_token_does_not_loop_forever() {
    let server = MockServer::start().await;
    let page = ListSecretsResponse {
        token: "same".into(),
        ..Default::default()
    };
    Mock::given(method("POST"))
        .and(path(LIST))
        .respond_with(proto(page.encode_to_vec()))
        .mount(&server)
        .await;
    let items: Vec<_> = client(&server.uri()).listall(10).collect().await;
    assert_eq!(items.len(), 1, "one error, then the end");
    assert!(items[0].is_err());
    assert_eq!(requests_to(&server, LIST).await, 2);
}

#[tokio::test]
async fn long_server_messages_are_cut() {
    let server = MockServer::start().await;
    let body = serde_json::json!({"code": "internal", "message": "é".repeat(2000)});
    Mock::given(method("POST"))
        .and(path(GET))
        .respond_with(ResponseTemplate::new(500).set_body_raw(body.to_string(), "application/json"))
        .mount(&server)
        .await;
    let err = client(&server.uri()).get("k").await.unwrap_err();
    let msg = err.to_string();
    assert!(
        msg.len() < 700 && msg.ends_with("...)"),
        "{} bytes: {msg}",
        msg.len()
    );
}

/// Reads one request; answers SelectCluster with a bare 404 and closes, holds anything else
/// open without answering.
async fn stall_unless_select_cluster(mut sock: tokio::net::TcpStream) {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let mut buf = Vec::new();
    let mut chunk = [0u8; 4096];
    let head = loop {
        match sock.read(&mut chunk).await {
            Ok(0) | Err(_) => return,
            Ok(n) => buf.extend_from_slice(&chunk[..n]),
        }
        let Some(end) = buf.windows(4).position(|w| w == b"\r\n\r\n") else {
            continue;
        };
        let head = String::from_utf8_lossy(&buf[..end]).to_ascii_lowercase();
        let len: usize = head
            .lines()
            .find_map(|l| l.strip_prefix("content-length:"))
            .and_then(|v| v.trim().parse().ok())
            .unwrap_or(0);
        if buf.len() >= end + 4 + len {
            break head;
        }
    };
    if head.contains("selectcluster") {
        let _ = sock
            .write_all(b"HTTP/1.1 404 Not Found\r\ncontent-length: 0\r\nconnection: close\r\n\r\n")
            .await;
        let _ = sock.shutdown().await;
    } else {
        std::future::pending::<()>().await;
    }
}

#[tokio::test]
async fn select_cluster_unimplemented_means_no_routing_and_is_asked_once() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path(SELECT))
        .respond_with(ResponseTemplate::new(501).set_body_raw(
            r#"{"code":"unimplemented","message":"no ClusterService here"}"#,
            "application/json",
        ))
        .mount(&server)
        .await;
    let resp = GetSecretResponse {
        secret: Some(Secret {
            id: Some(SecretIdentifier {
                name: "k".into(),
                ..Default::default()
            }),
            secret_metadata: None,
        }),
    };
    Mock::given(method("POST"))
        .and(path(GET))
        .respond_with(proto(resp.encode_to_vec()))
        .mount(&server)
        .await;
    let c = client(&server.uri());
    c.get("k").await.unwrap();
    c.with_scope(Some("p"), Some("d")).get("k").await.unwrap();
    c.get("k").await.unwrap();
    assert_eq!(requests_to(&server, GET).await, 3);
    assert_eq!(
        requests_to(&server, SELECT).await,
        2,
        "once per resource (organization, then project), the answer cached"
    );
}

#[tokio::test]
async fn a_failing_select_cluster_is_not_cached() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path(SELECT))
        .respond_with(ResponseTemplate::new(500).set_body_raw(
            r#"{"code":"internal","message":"boom"}"#,
            "application/json",
        ))
        .up_to_n_times(1)
        .mount(&server)
        .await;
    no_routing(&server).await;
    Mock::given(method("POST"))
        .and(path(CREATE))
        .respond_with(proto(Vec::new()))
        .mount(&server)
        .await;
    let c = client(&server.uri());
    let err = c.create("k", "v4lue-never-shown").await.unwrap_err();
    let msg = err.to_string();
    assert!(matches!(err, Error::SelectCluster { .. }), "{err:?}");
    assert!(
        msg.contains("SelectCluster")
            && msg.contains("organization `127`")
            && msg.contains(&server.uri()),
        "{msg}"
    );
    assert_eq!(err.code(), Some(Code::Internal));
    assert!(!format!("{err} {err:?}").contains("v4lue-never-shown"));
    assert_eq!(requests_to(&server, CREATE).await, 0, "nothing was sent");
    c.create("k", "v").await.unwrap();
    assert_eq!(
        requests_to(&server, SELECT).await,
        2,
        "asked again after the failure"
    );
}
