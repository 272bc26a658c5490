//! The blocking-friendly form: a server on its own thread and runtime, driven from sync code.

use flyte_idl::*;
use flyte_server::Server;

fn blocking_get(url: &str, name: &str) -> reqwest::StatusCode {
    let req = GetSecretRequest {
        id: Some(SecretIdentifier {
            name: name.into(),
            organization: "o".into(),
            ..Default::default()
        }),
        include_system_secrets: false,
    };
    reqwest::blocking::Client::new()
        .post(format!("{url}{}", paths::GET_SECRET))
        .header("content-type", "application/proto")
        .body(req.encode_to_vec())
        .send()
        .unwrap()
        .status()
}

#[test]
fn background_server_serves_sync_callers_and_stops() {
    let dir = tempfile::Builder::new()
        .permissions(std::os::unix::fs::PermissionsExt::from_mode(0o700))
        .tempdir()
        .unwrap();
    let server = Server::builder()
        .data_dir(dir.path())
        .listen("127.0.0.1:0".parse().unwrap())
        .env(|_| None)
        .build()
        .unwrap()
        .start_background()
        .unwrap();
    let url = server.url();
    assert!(server.ready_line().contains(&url));
    let create = CreateSecretRequest {
        id: Some(SecretIdentifier {
            name: "bg".into(),
            organization: "o".into(),
            ..Default::default()
        }),
        secret_spec: Some(SecretSpec {
            value: Some(secret_spec::Value::StringValue("v".into())),
            r#type: 0,
        }),
    };
    let resp = reqwest::blocking::Client::new()
        .post(format!("{url}{}", paths::CREATE_SECRET))
        .header("content-type", "application/json")
        .body(serde_json::to_vec(&create).unwrap())
        .send()
        .unwrap();
    assert_eq!(resp.status(), 200);
    assert_eq!(blocking_get(&url, "bg"), 200);
    assert_eq!(blocking_get(&url, "nope"), 404);
    let addr = server.addr();
    server.shutdown();
    assert!(
        std::net::TcpStream::connect(addr).is_err(),
        "stopped listening"
    );

    // Dropping also stops it; a second server then reuses the data.
    let again = Server::builder()
        .data_dir(dir.path())
        .listen("127.0.0.1:0".parse().unwrap())
        .env(|_| None);
    let again = again.build().unwrap().start_background().unwrap();
    assert_eq!(blocking_get(&again.url(), "bg"), 200);
    drop(again);
}

#[test]
fn background_start_errors_are_returned() {
    let dir = tempfile::Builder::new()
        .permissions(std::os::unix::fs::PermissionsExt::from_mode(0o700))
        .tempdir()
        .unwrap();
    let taken = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let err = Server::builder()
        .data_dir(dir.path())
        .listen(taken.local_addr().unwrap())
        .env(|_| None)
        .build()
        .unwrap()
        .start_background()
        .unwrap_err();
    assert!(
        matches!(err, flyte_server::StartError::Bind { .. }),
        "{err}"
    );
}
