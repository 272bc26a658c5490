//! The test identity provider itself: what the other tests rely on it to issue.

use base64::Engine as _;
use flyte_test_backends::needs;

use super::oidc_harness::{Browser, Choice, Idp, IdpOptions, USER};

fn payload(jwt: &str) -> serde_json::Value {
    let part = jwt.split('.').nth(1).unwrap();
    let bytes = base64::engine::general_purpose::URL_SAFE_NO_PAD
        .decode(part)
        .unwrap();
    serde_json::from_slice(&bytes).unwrap()
}

#[needs(idp)]
#[tokio::test]
async fn provider_issues_jwt_access_tokens_for_the_audience() {
    let idp = Idp::start(IdpOptions {
        groups: Some(format!(r#"{{"{USER}": ["admins"]}}"#)),
        ..Default::default()
    });
    let ci = payload(&idp.client_credentials_token().await);
    assert_eq!(ci["iss"], idp.issuer.as_str());
    assert_eq!(ci["aud"], idp.audience.as_str());
    assert_eq!(ci["client_id"], idp.ci_client.as_str());

    // The device flow, approved through the provider's own pages.
    let http = reqwest::Client::new();
    let start: serde_json::Value = http
        .post(format!("{}/device/auth", idp.issuer))
        .form(&[("client_id", idp.device_client.as_str()), ("scope", "all")])
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(start["interval"], 1);
    let (_, page) = Browser::default()
        .visit(
            start["verification_uri_complete"].as_str().unwrap(),
            Choice::Approve,
        )
        .await;
    assert!(page.contains("Sign-in Success"), "{page}");
    let tokens: serde_json::Value = http
        .post(idp.token_endpoint())
        .form(&[
            ("grant_type", "urn:ietf:params:oauth:grant-type:device_code"),
            ("device_code", start["device_code"].as_str().unwrap()),
            ("client_id", idp.device_client.as_str()),
        ])
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let user = payload(tokens["access_token"].as_str().unwrap());
    assert_eq!(user["sub"], USER);
    assert_eq!(user["aud"], idp.audience.as_str());
    assert_eq!(user["groups"], serde_json::json!(["admins"]));
    assert!(tokens["refresh_token"].is_string(), "{tokens}");
    assert_eq!(idp.polls().await.len(), 1);
}
