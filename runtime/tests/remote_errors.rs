//! Each error kind, from the real server where it produces it. Messages name the secret and
//! the endpoint and never contain a value or a token.

use crate::remote_support;

use std::sync::Arc;
use std::time::Duration;

use flyte::config::Codec;
use flyte::config::ConfigError;
use flyte::remote::{Client, Code, Error, MemoryTokenStore, StoredTokens, TokenStore};
use wiremock::matchers::{method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};
use zeroize::Zeroizing;

const VALUE: &str = "v4lue-that-must-not-leak";
const WRITER: &str = "writer-token-0123456789";
const READER: &str = "reader-token-0123456789";

fn assert_clean(err: &Error, secret: &str, endpoint: &str) {
    let shown = format!("{err} | {err:?}");
    assert!(
        shown.contains(&format!("`{secret}`")),
        "names the secret: {shown}"
    );
    assert!(
        err.to_string().contains(endpoint),
        "names the endpoint: {shown}"
    );
    for leak in [VALUE, WRITER, READER] {
        assert!(!shown.contains(leak), "leaks {leak}: {shown}");
    }
}

#[tokio::test]
async fn server_errors_map_to_their_kinds_with_both_codecs() {
    let local = remote_support::start().await;
    for codec in [Codec::Proto, Codec::Json] {
        let c = local.client(codec).build().unwrap();
        let url = local.url();

        let err = c.get("missing").await.unwrap_err();
        assert!(matches!(err, Error::NotFound { .. }), "{err:?}");
        assert_eq!(err.code(), Some(Code::NotFound));
        assert_clean(&err, "missing", &url);

        let name = format!("dup-{codec:?}");
        c.create(&name, VALUE).await.unwrap();
        let err = c.create(&name, VALUE).await.unwrap_err();
        assert!(matches!(err, Error::AlreadyExists { .. }), "{err:?}");
        assert_clean(&err, &name, &url);

        let err = c.update("never-created", VALUE).await.unwrap_err();
        assert!(matches!(err, Error::NotFound { .. }), "{err:?}");

        let err = c.create("my.key", VALUE).await.unwrap_err();
        assert!(matches!(err, Error::InvalidArgument { .. }), "{err:?}");
        assert_clean(&err, "my.key", &url);
        assert!(
            err.to_string().contains("server:"),
            "carries the server's rule: {err}"
        );

        // The inject extension without its token.
        let err = c.read_value(&name).await.unwrap_err();
        assert!(matches!(err, Error::Unauthenticated { .. }), "{err:?}");
        assert_clean(&err, &name, &url);
    }
}

#[tokio::test]
async fn tokens_unauthenticated_and_permission_denied() {
    let tokens = format!("{WRITER} */*/* read,write\n{READER} */*/* read\n");
    let local = remote_support::start_with_tokens(&tokens).await;
    let url = local.url();
    let writer = local
        .client(Codec::Proto)
        .api_key(WRITER)
        .unwrap()
        .build()
        .unwrap();
    writer.create("guarded", VALUE).await.unwrap();

    // Without a valid token the first refusal is SelectCluster's, asked before the call.
    let anonymous = local.client(Codec::Proto).build().unwrap();
    let err = anonymous.get("guarded").await.unwrap_err();
    assert!(
        matches!(&err, Error::SelectCluster { source, .. } if matches!(**source, Error::Unauthenticated { .. })),
        "{err:?}"
    );
    assert_eq!(err.code(), Some(Code::Unauthenticated));
    assert_clean(&err, "guarded", &url);

    let wrong = local
        .client(Codec::Json)
        .api_key("wrong-token-0123456789")
        .unwrap()
        .build()
        .unwrap();
    let err = wrong.get("guarded").await.unwrap_err();
    assert_eq!(err.code(), Some(Code::Unauthenticated), "{err:?}");

    let reader = local
        .client(Codec::Json)
        .api_key(READER)
        .unwrap()
        .build()
        .unwrap();
    reader.get("guarded").await.unwrap();
    let err = reader.update("guarded", VALUE).await.unwrap_err();
    assert!(matches!(err, Error::PermissionDenied { .. }), "{err:?}");
    assert_clean(&err, "guarded", &url);
}

#[tokio::test]
async fn a_stale_token_is_refreshed_once_against_the_real_server() {
    let tokens = format!("{WRITER} */*/* all\n");
    let local = remote_support::start_with_tokens(&tokens).await;
    // The token endpoint is the only fake: the server has none.
    let idp = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/token"))
        .respond_with(
            ResponseTemplate::new(200)
                .set_body_json(serde_json::json!({"access_token": WRITER, "refresh_token": "r2"})),
        )
        .expect(1)
        .mount(&idp)
        .await;
    let store = Arc::new(MemoryTokenStore::new(Some(StoredTokens {
        access_token: Zeroizing::new("expired-token-0123456789".into()),
        refresh_token: Some(Zeroizing::new("r1".into())),
    })));
    let c = local
        .client(Codec::Proto)
        .token_store(store.clone())
        .token_url(format!("{}/token", idp.uri()))
        .build()
        .unwrap();
    c.create("after-refresh", VALUE).await.unwrap();
    c.get("after-refresh").await.unwrap();
    let saved = store.load().unwrap();
    assert_eq!(saved.access_token.as_str(), WRITER);
    assert_eq!(
        saved.refresh_token.as_deref().map(String::as_str),
        Some("r2")
    );
}

#[tokio::test]
async fn connection_refused_is_a_transport_error_after_bounded_retries() {
    let port = {
        let l = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        l.local_addr().unwrap().port()
    };
    let url = format!("http://127.0.0.1:{port}");
    let c = remote_support::builder(&url)
        .max_retries(2)
        .build()
        .unwrap();
    // SelectCluster, asked first, is what meets the refusal.
    let err = c.delete("gone").await.unwrap_err();
    assert!(
        matches!(&err, Error::SelectCluster { source, .. } if matches!(**source, Error::Transport { attempts: 3, .. })),
        "{err:?}"
    );
    assert_clean(&err, "gone", &url);
    assert!(std::error::Error::source(&err).is_some());
}

#[tokio::test]
async fn configuration_errors() {
    // No endpoint is the local default (tests in remote_ops/local_default.rs), not an error.
    let err = Client::builder()
        .endpoint("ftp://nope")
        .build()
        .unwrap_err();
    assert!(
        std::error::Error::source(&err)
            .unwrap()
            .to_string()
            .contains("`ftp://nope`"),
        "{err:?}"
    );

    let dir = tempfile::Builder::new()
        .permissions(<std::fs::Permissions as std::os::unix::fs::PermissionsExt>::from_mode(0o700))
        .tempdir()
        .unwrap();
    let bad_ca = dir.path().join("ca.pem");
    std::fs::write(&bad_ca, "not a certificate").unwrap();
    let err = Client::builder()
        .endpoint("https://example.com")
        .ca_cert_file_path(&bad_ca)
        .build()
        .unwrap_err();
    let source = std::error::Error::source(&err).unwrap().to_string();
    assert!(
        source.contains("ca.pem") && source.contains("admin.caCertFilePath"),
        "{source}"
    );

    let err = Client::builder()
        .endpoint("http://h:1")
        .auth_header("bad header")
        .build()
        .unwrap_err();
    assert!(
        format!("{err:?}").contains("admin.authorizationHeader"),
        "{err:?}"
    );

    let err = Client::builder().api_key("").unwrap_err();
    assert!(
        matches!(err, Error::Config(ConfigError::InvalidApiKey { .. })),
        "{err:?}"
    );
}

#[tokio::test]
async fn list_and_value_errors() {
    let local = remote_support::start().await;
    let c = local
        .client(Codec::Proto)
        .timeout(Duration::from_secs(5))
        .build()
        .unwrap();
    let reader = local
        .client(Codec::Proto)
        .api_key(local.inject_token())
        .unwrap()
        .build()
        .unwrap();
    let err = reader.read_value("absent").await.unwrap_err();
    assert!(matches!(err, Error::NotFound { .. }), "{err:?}");
    let mut list = c.listall(u32::MAX);
    let first = futures::StreamExt::next(&mut list)
        .await
        .unwrap()
        .unwrap_err();
    assert!(
        matches!(first, Error::InvalidRequest { .. }) && first.to_string().contains("page size"),
        "{first}"
    );
    assert!(
        futures::StreamExt::next(&mut list).await.is_none(),
        "ends after the error"
    );
}
