//! Bearer tokens: API keys, a custom header, and the refresh-once logic against a wiremock
//! token endpoint (new tokens saved to the store; a refused refresh deletes them).

use std::sync::Arc;
use std::time::Duration;

use base64::Engine as _;
use flyte::remote::{Client, Error, MemoryTokenStore, StoredTokens, TokenStore};
use flyte_idl::{GetSecretResponse, Message, Secret, SecretIdentifier};
use wiremock::matchers::{body_string_contains, header, method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};
use zeroize::Zeroizing;

const GET: &str = "/flyteidl2.secret.SecretService/GetSecret";
const TOKEN: &str = "/oauth2/token";

fn ok_get() -> ResponseTemplate {
    let resp = GetSecretResponse {
        secret: Some(Secret {
            id: Some(SecretIdentifier {
                name: "k".into(),
                ..Default::default()
            }),
            secret_metadata: None,
        }),
    };
    ResponseTemplate::new(200).set_body_raw(resp.encode_to_vec(), "application/proto")
}

fn unauthenticated() -> ResponseTemplate {
    ResponseTemplate::new(401).set_body_raw(
        r#"{"code":"unauthenticated","message":"bad token"}"#,
        "application/json",
    )
}

fn tokens(access: &str, refresh: Option<&str>) -> StoredTokens {
    StoredTokens {
        access_token: Zeroizing::new(access.into()),
        refresh_token: refresh.map(|r| Zeroizing::new(r.into())),
    }
}

/// A service that accepts only `Bearer fresh-access`.
async fn service() -> MockServer {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path(GET))
        .and(header("authorization", "Bearer fresh-access"))
        .respond_with(ok_get())
        .mount(&server)
        .await;
    Mock::given(method("POST"))
        .and(path(GET))
        .respond_with(unauthenticated())
        .mount(&server)
        .await;
    server
}

fn client(server: &MockServer, store: Arc<MemoryTokenStore>) -> Client {
    Client::builder()
        .endpoint(&server.uri())
        .token_store(store)
        .token_url(format!("{}{TOKEN}", server.uri()))
        .client_id("my-cli")
        .max_retries(0)
        .build()
        .unwrap()
}

async fn hits(server: &MockServer, p: &str) -> Vec<wiremock::Request> {
    server
        .received_requests()
        .await
        .unwrap()
        .into_iter()
        .filter(|r| r.url.path() == p)
        .collect()
}

#[tokio::test]
async fn unauthenticated_refreshes_once_and_saves_the_new_tokens() {
    let server = service().await;
    Mock::given(method("POST"))
        .and(path(TOKEN))
        .and(body_string_contains("grant_type=refresh_token"))
        .and(body_string_contains("refresh_token=old-refresh"))
        .and(body_string_contains("client_id=my-cli"))
        .respond_with(ResponseTemplate::new(200).set_body_json(serde_json::json!({
            "access_token": "fresh-access", "refresh_token": "fresh-refresh", "expires_in": 3600
        })))
        .expect(1)
        .mount(&server)
        .await;
    let store = Arc::new(MemoryTokenStore::new(Some(tokens(
        "stale-access",
        Some("old-refresh"),
    ))));
    let c = client(&server, store.clone());
    assert_eq!(c.get("k").await.unwrap().name(), "k");
    assert_eq!(
        store.load(),
        Some(tokens("fresh-access", Some("fresh-refresh")))
    );
    let sent: Vec<_> = hits(&server, GET)
        .await
        .iter()
        .map(|r| r.headers["authorization"].to_str().unwrap().to_owned())
        .collect();
    assert_eq!(sent, ["Bearer stale-access", "Bearer fresh-access"]);

    // The next call uses the new token straight away.
    c.get("k").await.unwrap();
    assert_eq!(hits(&server, TOKEN).await.len(), 1);
}

#[tokio::test]
async fn concurrent_unauthenticated_calls_share_one_refresh() {
    let server = service().await;
    Mock::given(method("POST"))
        .and(path(TOKEN))
        .respond_with(
            ResponseTemplate::new(200)
                .set_body_json(serde_json::json!({"access_token": "fresh-access"}))
                .set_delay(Duration::from_millis(50)),
        )
        .mount(&server)
        .await;
    let store = Arc::new(MemoryTokenStore::new(Some(tokens(
        "stale-access",
        Some("old-refresh"),
    ))));
    let c = client(&server, store.clone());
    let calls = (0..8).map(|_| c.get("k"));
    for r in futures::future::join_all(calls).await {
        r.unwrap();
    }
    assert_eq!(hits(&server, TOKEN).await.len(), 1);
    // No refresh token in the answer: the old one is kept.
    assert_eq!(
        store.load(),
        Some(tokens("fresh-access", Some("old-refresh")))
    );
}

#[tokio::test]
async fn a_refused_refresh_deletes_the_stored_tokens() {
    let server = service().await;
    Mock::given(method("POST"))
        .and(path(TOKEN))
        .respond_with(
            ResponseTemplate::new(400).set_body_json(serde_json::json!({"error": "invalid_grant"})),
        )
        .mount(&server)
        .await;
    let store = Arc::new(MemoryTokenStore::new(Some(tokens(
        "stale-access",
        Some("old-refresh"),
    ))));
    let err = client(&server, store.clone()).get("k").await.unwrap_err();
    assert!(matches!(err, Error::Token { .. }), "{err:?}");
    let chain = format!(
        "{err} / {} / {err:?}",
        std::error::Error::source(&err).unwrap()
    );
    assert!(
        chain.contains("invalid_grant") && chain.contains(TOKEN),
        "{chain}"
    );
    assert!(
        !chain.contains("stale-access") && !chain.contains("old-refresh"),
        "{chain}"
    );
    assert_eq!(store.load(), None);
}

#[tokio::test]
async fn still_unauthenticated_after_the_refresh_is_an_error_without_a_second_refresh() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path(GET))
        .respond_with(unauthenticated())
        .mount(&server)
        .await;
    Mock::given(method("POST"))
        .and(path(TOKEN))
        .respond_with(
            ResponseTemplate::new(200)
                .set_body_json(serde_json::json!({"access_token": "also-bad"})),
        )
        .mount(&server)
        .await;
    let store = Arc::new(MemoryTokenStore::new(Some(tokens(
        "stale-access",
        Some("old-refresh"),
    ))));
    let err = client(&server, store).get("k").await.unwrap_err();
    assert!(matches!(err, Error::Unauthenticated { .. }), "{err:?}");
    assert!(
        err.to_string().contains("bad token") && err.to_string().contains("`k`"),
        "{err}"
    );
    assert_eq!(hits(&server, GET).await.len(), 2);
    assert_eq!(hits(&server, TOKEN).await.len(), 1);
}

#[tokio::test]
async fn without_a_refresh_token_nothing_is_refreshed() {
    let server = service().await;
    let store = Arc::new(MemoryTokenStore::new(Some(tokens("stale-access", None))));
    let err = client(&server, store).get("k").await.unwrap_err();
    assert!(matches!(err, Error::Unauthenticated { .. }), "{err:?}");
    assert!(hits(&server, TOKEN).await.is_empty());
}

#[tokio::test]
async fn the_token_endpoint_is_discovered_when_not_configured() {
    let server = service().await;
    Mock::given(method("GET"))
        .and(path("/.well-known/oauth-authorization-server"))
        .respond_with(ResponseTemplate::new(200).set_body_json(serde_json::json!({
            "issuer": server.uri(), "token_endpoint": format!("{}/custom/token", server.uri())
        })))
        .mount(&server)
        .await;
    Mock::given(method("POST"))
        .and(path("/custom/token"))
        .respond_with(
            ResponseTemplate::new(200)
                .set_body_json(serde_json::json!({"access_token": "fresh-access"})),
        )
        .expect(1)
        .mount(&server)
        .await;
    let store = Arc::new(MemoryTokenStore::new(Some(tokens("", Some("old-refresh")))));
    let c = Client::builder()
        .endpoint(&server.uri())
        .token_store(store)
        .max_retries(0)
        .build()
        .unwrap();
    c.get("k").await.unwrap();
    // Only a refresh token stored: the first request went without an auth header.
    assert!(
        hits(&server, GET).await[0]
            .headers
            .get("authorization")
            .is_none()
    );
}

#[tokio::test]
async fn a_plain_api_key_is_a_bearer_token_in_the_configured_header() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path(GET))
        .and(header("flyte-authorization", "Bearer plain-key"))
        .respond_with(ok_get())
        .expect(1)
        .mount(&server)
        .await;
    let c = Client::builder()
        .endpoint(&server.uri())
        .api_key("plain-key")
        .unwrap()
        .auth_header("flyte-authorization")
        .build()
        .unwrap();
    c.get("k").await.unwrap();
    assert!(!format!("{c:?}").contains("plain-key"));
}

#[tokio::test]
async fn an_app_credentials_api_key_uses_the_client_credentials_grant() {
    let server = MockServer::start().await;
    let key = base64::engine::general_purpose::STANDARD
        .encode(format!("{}:app-id:app+secret:acme", server.uri()));
    let basic = format!(
        "Basic {}",
        base64::engine::general_purpose::STANDARD.encode("app-id:app%2Bsecret")
    );
    Mock::given(method("POST"))
        .and(path(TOKEN))
        .and(header("authorization", basic.as_str()))
        .and(body_string_contains("grant_type=client_credentials"))
        .respond_with(
            ResponseTemplate::new(200)
                .set_body_json(serde_json::json!({"access_token": "fresh-access"})),
        )
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(method("POST"))
        .and(path(GET))
        .and(header("authorization", "Bearer fresh-access"))
        .respond_with(ok_get())
        .mount(&server)
        .await;
    let config = flyte::Config::builder()
        .no_env()
        .no_file_search()
        .api_key(key)
        .token_url(format!("{}{TOKEN}", server.uri()))
        .build()
        .unwrap();
    assert_eq!(config.org(), Some("acme"));
    let c = Client::new(&config).unwrap();
    assert_eq!(c.endpoint(), server.uri(), "the endpoint came from the key");
    c.get("k").await.unwrap();
    c.get("k").await.unwrap();
}
