//! Every Connect error a client can provoke (auth errors are in auth.rs), with its status
//! and a message naming the input and the rule.

use crate::common;

use common::*;
use flyte_idl::connect::Code;
use flyte_idl::*;
use futures::StreamExt as _;

fn assert_fails(r: Result<impl std::fmt::Debug, Failure>, code: Code, status: u16, needle: &str) {
    let f = r.expect_err("expected a failure");
    assert_eq!(f.code(), code, "{f:?}");
    assert_eq!(f.status, status);
    assert!(
        f.body.message.contains(needle),
        "message {:?} lacks {needle:?}",
        f.body.message
    );
}

#[tokio::test]
async fn invalid_arguments_name_the_input_and_rule() {
    let dir = private_tempdir();
    let server = start(dir.path()).await;
    for c in [
        Client::new(server.addr()),
        Client::new(server.addr()).json(),
    ] {
        for bad in ["my.key", "", "a/b", "sp ace", &"n".repeat(254)] {
            assert_fails(
                c.create_str(pid(bad), "v").await,
                Code::InvalidArgument,
                400,
                "1 to 253 characters",
            );
            assert_fails(
                c.get(pid(bad)).await,
                Code::InvalidArgument,
                400,
                "invalid secret name",
            );
        }
        // Missing id, missing spec, missing value, unknown type.
        let no_id = CreateSecretRequest {
            id: None,
            secret_spec: None,
        };
        assert_fails(
            c.call::<_, CreateSecretResponse>(paths::CREATE_SECRET, &no_id)
                .await,
            Code::InvalidArgument,
            400,
            "`id` is required",
        );
        let no_spec = CreateSecretRequest {
            id: Some(pid("k")),
            secret_spec: None,
        };
        assert_fails(
            c.call::<_, CreateSecretResponse>(paths::CREATE_SECRET, &no_spec)
                .await,
            Code::InvalidArgument,
            400,
            "`secret_spec` is required",
        );
        let no_value = CreateSecretRequest {
            id: Some(pid("k")),
            secret_spec: Some(SecretSpec::default()),
        };
        assert_fails(
            c.call::<_, CreateSecretResponse>(paths::CREATE_SECRET, &no_value)
                .await,
            Code::InvalidArgument,
            400,
            "string_value or binary_value",
        );
        let bad_type = CreateSecretRequest {
            id: Some(pid("k")),
            secret_spec: Some(SecretSpec {
                value: Some(secret_spec::Value::StringValue("v".into())),
                r#type: 7,
            }),
        };
        assert_fails(
            c.call::<_, CreateSecretResponse>(paths::CREATE_SECRET, &bad_type)
                .await,
            Code::InvalidArgument,
            400,
            "secret_spec.type 7",
        );
        assert_fails(
            c.list_page(PROJ, -1, "").await,
            Code::InvalidArgument,
            400,
            "limit -1",
        );
        assert_fails(
            c.list_page(PROJ, 10, "garbage").await,
            Code::InvalidArgument,
            400,
            "invalid page token",
        );
        let long_org = id("k", &"p".repeat(300), "dev");
        assert_fails(
            c.get(long_org).await,
            Code::InvalidArgument,
            400,
            "invalid project",
        );
        // Nothing was stored by any of these.
        assert!(c.list_all(PROJ, 0).await.is_empty());
    }
    server.shutdown().await.unwrap();
}

#[tokio::test]
async fn malformed_bodies_are_invalid_arguments_without_echoing_values() {
    let dir = private_tempdir();
    let server = start(dir.path()).await;
    let c = Client::new(server.addr());
    let (status, _, body) = c
        .raw(
            paths::CREATE_SECRET,
            "application/proto",
            vec![0xff, 0xff, 0xff],
            &[],
        )
        .await;
    assert_eq!(status, 400);
    assert!(String::from_utf8_lossy(&body).contains("invalid_argument"));
    for (body, needle) in [
        (&br#"{"id": "#[..], "line 1"),
        (&b"[]"[..], "expected a JSON object"),
        (&b""[..], "expected a JSON object"),
        (&br#"{"id":{"name":"k"},"secretSpec":{"stringValue":"TOPSECRET-1","binaryValue":"VE9QU0VDUkVU"}}"#[..], "malformed"),
        (&br#"{"id":{"name":"k"},"secretSpec":{"binaryValue":"TOPSECRET-2%%"}}"#[..], "malformed"),
    ] {
        let (status, _, resp) = c.raw(paths::CREATE_SECRET, "application/json", body.to_vec(), &[]).await;
        let text = String::from_utf8_lossy(&resp);
        assert_eq!(status, 400, "{text}");
        assert!(text.contains(needle), "{text}");
        assert!(!text.contains("TOPSECRET"), "error echoes the value: {text}");
    }
    // Non-sensitive requests keep serde's detail.
    let (_, _, resp) = c
        .raw(
            paths::LIST_SECRETS,
            "application/json",
            br#"{"limit":"ten"}"#.to_vec(),
            &[],
        )
        .await;
    assert!(String::from_utf8_lossy(&resp).contains("not an integer"));
    let (status, _, resp) = c
        .raw(
            paths::CREATE_SECRET,
            "application/json",
            b"not gzip".to_vec(),
            &[("content-encoding", "gzip")],
        )
        .await;
    assert_eq!(status, 400);
    assert!(String::from_utf8_lossy(&resp).contains("not valid gzip"));
    server.shutdown().await.unwrap();
}

#[tokio::test]
async fn resource_exhausted_for_large_bodies_and_gzip_bombs() {
    let dir = private_tempdir();
    let server = builder(dir.path())
        .max_body_bytes(64 * 1024)
        .build()
        .unwrap()
        .start()
        .await
        .unwrap();
    let c = Client::new(server.addr());
    let big = "x".repeat(70 * 1024);
    assert_fails(
        c.create_str(pid("big"), &big).await,
        Code::ResourceExhausted,
        429,
        "limit of 65536 bytes",
    );
    // Just under the limit works.
    c.create_str(pid("fits"), &"y".repeat(60 * 1024))
        .await
        .unwrap();
    // Small on the wire, huge decompressed: refused after limit + 1 bytes.
    let mut gz = Client::new(server.addr());
    gz.gzip_request = true;
    let bomb = CreateSecretRequest {
        id: Some(pid("bomb")),
        secret_spec: Some(SecretSpec {
            value: Some(secret_spec::Value::StringValue("z".repeat(16 << 20))),
            r#type: 0,
        }),
    };
    let r = gz
        .call::<_, CreateSecretResponse>(paths::CREATE_SECRET, &bomb)
        .await;
    assert_fails(r, Code::ResourceExhausted, 429, "decompressed request body");
    // Chunked body without content-length is counted too.
    let chunks = vec![vec![b'a'; 40 * 1024], vec![b'b'; 40 * 1024]];
    let stream = futures::stream::iter(chunks.into_iter().map(Ok::<_, std::io::Error>));
    let resp = c
        .http
        .post(format!("{}{}", c.base, paths::CREATE_SECRET))
        .header("content-type", "application/proto")
        .body(reqwest::Body::wrap_stream(stream))
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), 429);
    assert!(c.get(pid("bomb")).await.is_err() && c.get(pid("big")).await.is_err());
    server.shutdown().await.unwrap();
}

#[tokio::test]
async fn unimplemented_for_unknown_methods_and_encodings() {
    let dir = private_tempdir();
    let server = start(dir.path()).await;
    let c = Client::new(server.addr());
    for path in [
        "/flyteidl2.secret.SecretService/RotateSecret",
        "/nope",
        "/flyteidl2.task.TaskService/CreateTask",
    ] {
        let (status, _, body) = c.raw(path, "application/proto", vec![], &[]).await;
        assert_eq!(status, 501, "{path}");
        let e: connect::ErrorBody = serde_json::from_slice(&body).unwrap();
        assert_eq!(e.code, Code::Unimplemented);
        assert!(e.message.contains(path));
    }
    let (status, _, body) = c
        .raw(
            paths::GET_SECRET,
            "application/proto",
            vec![],
            &[("content-encoding", "br")],
        )
        .await;
    assert_eq!(status, 501);
    assert!(String::from_utf8_lossy(&body).contains("content-encoding `br`"));
    // Another verb on a method's path is the router's 405, which names the verb allowed.
    for path in [paths::GET_SECRET, paths::CREATE_SECRET] {
        let resp = c
            .http
            .get(format!("{}{}", c.base, path))
            .send()
            .await
            .unwrap();
        assert_eq!(resp.status(), 405, "{path}");
        assert_eq!(resp.headers()["allow"], "POST", "{path}");
    }
    // A method's answer states its length, as the router's answers did.
    let (status, headers, body) = c
        .raw(paths::GET_SECRET, "application/proto", vec![], &[])
        .await;
    assert_eq!(status, 400);
    assert_eq!(headers["content-length"], body.len().to_string());
    server.shutdown().await.unwrap();
}

#[tokio::test]
async fn deadline_exceeded_when_connect_timeout_passes() {
    let dir = private_tempdir();
    let server = start(dir.path()).await;
    let c = Client::new(server.addr());
    // A body that arrives slower than the 50 ms deadline.
    let body = GetSecretRequest {
        id: Some(pid("slow")),
        include_system_secrets: false,
    }
    .encode_to_vec();
    let (head, tail) = body.split_at(3);
    let chunks = vec![head.to_vec(), tail.to_vec()];
    let stream =
        futures::stream::iter(chunks.into_iter().enumerate()).then(|(i, chunk)| async move {
            if i == 1 {
                tokio::time::sleep(std::time::Duration::from_millis(500)).await;
            }
            Ok::<_, std::io::Error>(chunk)
        });
    let resp = c
        .http
        .post(format!("{}{}", c.base, paths::GET_SECRET))
        .header("content-type", "application/proto")
        .header("connect-timeout-ms", "50")
        .body(reqwest::Body::wrap_stream(stream))
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), 504);
    let e: connect::ErrorBody = serde_json::from_slice(&resp.bytes().await.unwrap()).unwrap();
    assert_eq!(e.code, Code::DeadlineExceeded);
    server.shutdown().await.unwrap();
}
