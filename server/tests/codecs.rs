//! Both codecs on every RPC, gzip both ways, HTTP/2 cleartext, protocol headers.

use crate::common;

use common::*;
use flyte_idl::*;
use serde_json::json;

async fn exercise_every_rpc(c: &Client, prefix: &str) {
    let a = pid(&format!("{prefix}-a"));
    c.create_str(a.clone(), "value-one").await.unwrap();
    c.create(
        pid(&format!("{prefix}-b")),
        secret_spec::Value::BinaryValue(vec![0, 159, 146, 150]),
        SecretType::Generic,
    )
    .await
    .unwrap();
    let got = c.get(a.clone()).await.unwrap();
    assert_eq!(got.id.as_ref().unwrap(), &a);
    let md = got.secret_metadata.unwrap();
    assert_eq!(md.r#type(), SecretType::Generic);
    let status = md.secret_status.unwrap();
    assert_eq!(status.overall_status(), OverallStatus::FullyPresent);
    assert_eq!(status.cluster_status.len(), 1);
    assert_eq!(
        status.cluster_status[0].presence_status(),
        SecretPresenceStatus::Present
    );
    assert_eq!(
        status.cluster_status[0].cluster.as_ref().unwrap().name,
        "local"
    );
    let created = md.created_time.unwrap();
    let age = std::time::SystemTime::now()
        .duration_since(created.try_into().unwrap())
        .unwrap();
    assert!(age.as_secs() < 60, "created_time is now-ish: {created}");

    c.update_str(a.clone(), "value-two").await.unwrap();
    let names = c.list_all(PROJ, 0).await;
    assert!(names.contains(&format!("{prefix}-a")) && names.contains(&format!("{prefix}-b")));
    let _: SelectClusterResponse = c
        .call(paths::SELECT_CLUSTER, &SelectClusterRequest::default())
        .await
        .unwrap();
    c.delete(a.clone()).await.unwrap();
    assert_eq!(c.get(a).await.unwrap_err().code(), connect::Code::NotFound);
}

#[tokio::test]
async fn proto_and_json_codecs_serve_every_rpc() {
    let dir = private_tempdir();
    let server = start(dir.path()).await;
    exercise_every_rpc(&Client::new(server.addr()), "proto").await;
    exercise_every_rpc(&Client::new(server.addr()).json(), "json").await;
    // What one codec wrote, the other reads.
    let p = Client::new(server.addr());
    let j = Client::new(server.addr()).json();
    p.create_str(pid("cross"), "v").await.unwrap();
    assert_eq!(j.get(pid("cross")).await.unwrap().id.unwrap().name, "cross");
    server.shutdown().await.unwrap();
}

#[tokio::test]
async fn json_accepts_snake_case_and_enum_numbers_and_answers_camel_case() {
    let dir = private_tempdir();
    let server = start(dir.path()).await;
    let c = Client::new(server.addr());
    let body = json!({"id": {"name": "snake", "organization": ORG},
                      "secret_spec": {"string_value": "v", "type": 1}});
    let (status, _, _) = c
        .raw(
            paths::CREATE_SECRET,
            "application/json",
            serde_json::to_vec(&body).unwrap(),
            &[],
        )
        .await;
    assert_eq!(status, 200);
    let body =
        json!({"id": {"name": "snake", "organization": ORG}, "include_system_secrets": false});
    let (status, headers, bytes) = c
        .raw(
            paths::GET_SECRET,
            "application/json; charset=utf-8",
            serde_json::to_vec(&body).unwrap(),
            &[],
        )
        .await;
    assert_eq!(status, 200);
    assert_eq!(headers["content-type"], "application/json");
    let v: serde_json::Value = serde_json::from_slice(&bytes).unwrap();
    assert_eq!(
        v["secret"]["secretMetadata"]["type"],
        "SECRET_TYPE_IMAGE_PULL_SECRET"
    );
    assert_eq!(
        v["secret"]["secretMetadata"]["secretStatus"]["overallStatus"],
        "FULLY_PRESENT"
    );
    assert!(
        v["secret"]["secretMetadata"]["createdTime"]
            .as_str()
            .unwrap()
            .ends_with('Z')
    );
    assert!(v["secret"].get("secret_metadata").is_none());
    server.shutdown().await.unwrap();
}

#[tokio::test]
async fn gzip_requests_and_responses() {
    let dir = private_tempdir();
    let server = builder(dir.path())
        .compress_min_bytes(0)
        .build()
        .unwrap()
        .start()
        .await
        .unwrap();
    for codec in [Codec::Proto, Codec::Json] {
        let mut c = Client::new(server.addr());
        c.codec = codec;
        c.gzip_request = true;
        c.accept_gzip = true;
        exercise_every_rpc(&c, &format!("gz-{codec:?}").to_lowercase()).await;
        // The response really is gzip-encoded when accepted...
        let req = GetSecretRequest {
            id: Some(pid(&format!("gz-{codec:?}-b").to_lowercase())),
            include_system_secrets: false,
        };
        let (ct, body) = match codec {
            Codec::Proto => ("application/proto", req.encode_to_vec()),
            Codec::Json => ("application/json", serde_json::to_vec(&req).unwrap()),
        };
        let (status, headers, _) = c.raw(paths::GET_SECRET, ct, body.clone(), &[]).await;
        assert_eq!(status, 200);
        assert_eq!(headers["content-encoding"], "gzip");
        // ...and not when not accepted.
        c.accept_gzip = false;
        let (_, headers, _) = c.raw(paths::GET_SECRET, ct, body, &[]).await;
        assert!(headers.get("content-encoding").is_none());
    }
    server.shutdown().await.unwrap();
}

#[tokio::test]
async fn small_responses_are_not_gzipped_by_default_but_large_ones_are() {
    let dir = private_tempdir();
    let server = start(dir.path()).await;
    let mut c = Client::new(server.addr());
    c.accept_gzip = true;
    for i in 0..40 {
        c.create_str(pid(&format!("many-{i:02}")), "v")
            .await
            .unwrap();
    }
    let small = GetSecretRequest {
        id: Some(pid("many-00")),
        include_system_secrets: false,
    };
    let (_, headers, _) = c
        .raw(
            paths::GET_SECRET,
            "application/proto",
            small.encode_to_vec(),
            &[],
        )
        .await;
    assert!(headers.get("content-encoding").is_none());
    let list = ListSecretsRequest {
        organization: ORG.into(),
        project: "proj".into(),
        domain: "dev".into(),
        ..Default::default()
    };
    let (status, headers, body) = c
        .raw(
            paths::LIST_SECRETS,
            "application/proto",
            list.encode_to_vec(),
            &[],
        )
        .await;
    assert_eq!(status, 200);
    assert_eq!(headers["content-encoding"], "gzip");
    assert_eq!(
        ListSecretsResponse::decode(body.as_slice())
            .unwrap()
            .secrets
            .len(),
        40
    );
    server.shutdown().await.unwrap();
}

#[tokio::test]
async fn http2_cleartext_with_prior_knowledge() {
    let dir = private_tempdir();
    let server = start(dir.path()).await;
    let mut c = Client::new(server.addr());
    c.http = reqwest::Client::builder()
        .http2_prior_knowledge()
        .build()
        .unwrap();
    exercise_every_rpc(&c, "h2").await;
    let resp = c
        .http
        .post(format!("{}{}", c.base, paths::GET_SECRET))
        .header("content-type", "application/proto")
        .body(
            GetSecretRequest {
                id: Some(pid("h2-b")),
                include_system_secrets: false,
            }
            .encode_to_vec(),
        )
        .send()
        .await
        .unwrap();
    assert_eq!(resp.version(), reqwest::Version::HTTP_2);
    assert_eq!(resp.status(), 200);
    // Errors too.
    c.codec = Codec::Json;
    assert_eq!(c.get(pid("absent")).await.unwrap_err().status, 404);
    server.shutdown().await.unwrap();
}

#[tokio::test]
async fn protocol_header_checks() {
    let dir = private_tempdir();
    let server = start(dir.path()).await;
    let c = Client::new(server.addr());
    let body = GetSecretRequest {
        id: Some(pid("x")),
        include_system_secrets: false,
    }
    .encode_to_vec();
    // Unknown content type: plain 415, as Connect servers answer.
    let (status, _, _) = c
        .raw(paths::GET_SECRET, "text/plain", body.clone(), &[])
        .await;
    assert_eq!(status, 415);
    let (status, _, bytes) = c
        .raw(
            paths::GET_SECRET,
            "application/proto",
            body.clone(),
            &[("connect-protocol-version", "2")],
        )
        .await;
    assert_eq!(status, 400, "{}", String::from_utf8_lossy(&bytes));
    let (status, _, bytes) = c
        .raw(
            paths::GET_SECRET,
            "application/proto",
            body.clone(),
            &[("connect-timeout-ms", "soon")],
        )
        .await;
    assert_eq!(status, 400);
    assert!(String::from_utf8_lossy(&bytes).contains("connect-timeout-ms"));
    // A generous deadline is fine.
    let (status, _, _) = c
        .raw(
            paths::GET_SECRET,
            "application/proto",
            body,
            &[("connect-timeout-ms", "5000")],
        )
        .await;
    assert_eq!(status, 404);
    // Without the optional protocol-version header the call works as well.
    let resp = c
        .http
        .post(format!("{}{}", c.base, paths::SELECT_CLUSTER))
        .header("content-type", "application/proto")
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), 200);
    server.shutdown().await.unwrap();
}
