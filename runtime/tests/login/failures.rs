//! What a person or the provider can do wrong: each is a clear error, no token in it, and
//! nothing written to the token store.

use std::sync::Arc;
use std::time::{Duration, Instant};

use flyte::remote::{AuthType, Error, MemoryTokenStore, TokenError};
use flyte_test_backends::needs;

use super::oidc_harness::{Browser, Choice, Idp, IdpOptions};
use super::*;

fn token_error(e: &Error) -> &TokenError {
    match unrouted(e) {
        Error::Token { source, .. } => source,
        other => panic!("not a token error: {other:?}"),
    }
}

#[needs(idp)]
#[tokio::test]
async fn consent_denied_and_device_aborted() {
    let idp = Idp::start(IdpOptions::default());
    let service = serve(&idp, |c| c).await;
    for flow in [AuthType::Pkce, AuthType::DeviceFlow] {
        let store = Arc::new(MemoryTokenStore::default());
        let c = client(&service, flow, &Person::new(Some(Choice::Deny)), &store)
            .build()
            .unwrap();
        let err = authorized(&c).await.unwrap_err();
        assert!(
            matches!(token_error(&err), TokenError::Denied { error, .. } if error == "access_denied"),
            "{flow}: {err:?}"
        );
        assert!(
            chain(&err).contains("refused at the identity provider"),
            "{}",
            chain(&err)
        );
        assert!(!stored(&store), "{flow}: nothing stored");
    }
}

#[needs(idp)]
#[tokio::test]
async fn an_expired_device_code_and_a_login_nobody_finishes() {
    let idp = Idp::start(IdpOptions {
        device_code_ttl: Some(3),
        ..Default::default()
    });
    let service = serve(&idp, |c| c).await;
    let store = Arc::new(MemoryTokenStore::default());
    let c = client(&service, AuthType::DeviceFlow, &Person::new(None), &store)
        .build()
        .unwrap();
    let err = c.login().await.unwrap_err();
    assert!(
        matches!(token_error(&err), TokenError::DeviceCodeExpired),
        "{err:?}"
    );
    assert!(chain(&err).contains("expired"), "{}", chain(&err));
    // The login failed, not the metadata lookup before it.
    assert!(
        err.to_string().starts_with("log in for ") && !chain(&err).contains("AuthMetadataService"),
        "{}",
        chain(&err)
    );
    let pkce = client(&service, AuthType::Pkce, &Person::new(None), &store)
        .login_timeout(Duration::from_secs(1))
        .build()
        .unwrap();
    let err = pkce.login().await.unwrap_err();
    assert!(
        matches!(token_error(&err), TokenError::LoginTimedOut { .. }),
        "{err:?}"
    );
    assert!(!stored(&store));
}

/// An attacker on this machine who sends the client's callback a forged `state` (once it saw
/// the redirect URI), then the person who logs in; `forge_only`: no person.
#[derive(Debug)]
struct Forger {
    forge_only: bool,
}

impl flyte::remote::LoginPrompt for Forger {
    fn open(&self, url: &str) {
        let parsed = reqwest::Url::parse(url).unwrap();
        let redirect = parsed
            .query_pairs()
            .find(|(k, _)| k == "redirect_uri")
            .unwrap()
            .1
            .into_owned();
        let (url, forge_only) = (url.to_owned(), self.forge_only);
        tokio::runtime::Handle::current().spawn(async move {
            for forged in [
                format!("{redirect}?code=forged-code&state=forged-state"),
                format!("{redirect}?code=forged-code"),
                format!("{redirect}?error=access_denied&state=forged-state"),
            ] {
                let resp = reqwest::get(&forged).await.unwrap();
                assert_eq!(resp.status(), 400, "{forged}");
            }
            if !forge_only {
                Browser::default().visit(&url, Choice::Approve).await;
            }
        });
    }
    fn device_code(&self, _: &flyte::remote::DeviceCode) {}
}

/// Security regression: forged callbacks used to end the login (`StateMismatch`), and the
/// real redirect then found the port closed.
#[needs(idp)]
#[tokio::test]
async fn a_forged_callback_is_ignored_and_the_real_one_logs_in() {
    let idp = Idp::start(IdpOptions::default());
    let service = serve(&idp, |c| c).await;
    let store = Arc::new(MemoryTokenStore::default());
    let c = client(&service, AuthType::Pkce, &Person::new(None), &store)
        .login_prompt(Arc::new(Forger { forge_only: false }))
        .build()
        .unwrap();
    let info = c.login().await.unwrap();
    assert_eq!(info.flow, AuthType::Pkce);
    assert!(stored(&store));
    authorized(&c).await.unwrap();
}

#[needs(idp)]
#[tokio::test]
async fn only_forged_callbacks_wait_for_the_deadline_and_exchange_nothing() {
    let idp = Idp::start(IdpOptions::default());
    let service = serve(&idp, |c| c).await;
    let store = Arc::new(MemoryTokenStore::default());
    let c = client(&service, AuthType::Pkce, &Person::new(None), &store)
        .login_prompt(Arc::new(Forger { forge_only: true }))
        .login_timeout(Duration::from_secs(2))
        .build()
        .unwrap();
    let err = c.login().await.unwrap_err();
    assert!(
        matches!(token_error(&err), TokenError::LoginTimedOut { .. }),
        "{err:?}"
    );
    assert!(!chain(&err).contains("forged-code"), "{}", chain(&err));
    assert!(!stored(&store));
}

#[needs(idp)]
#[tokio::test]
async fn slow_down_adds_five_seconds_to_the_interval() {
    let idp = Idp::start(IdpOptions {
        slow_down_polls: Some(1),
        ..Default::default()
    });
    let service = serve(&idp, |c| c).await;
    let store = Arc::new(MemoryTokenStore::default());
    // Nobody approves at first: the first poll is told to slow down.
    let c = client(&service, AuthType::DeviceFlow, &Person::new(None), &store)
        .login_timeout(Duration::from_secs(9))
        .build()
        .unwrap();
    let started = Instant::now();
    let err = c.login().await.unwrap_err();
    assert!(
        matches!(token_error(&err), TokenError::LoginTimedOut { .. }),
        "{err:?}"
    );
    let polls = idp.polls().await;
    assert!(polls.len() >= 2, "{polls:?}");
    let gap = polls[1] - polls[0];
    assert!(
        gap >= 6000,
        "1 s interval + 5 s after slow_down, got {gap} ms"
    );
    assert!(started.elapsed() < Duration::from_secs(12));
}

#[needs(idp)]
#[tokio::test]
async fn a_wrong_client_secret_and_the_provider_down() {
    let mut idp = Idp::start(IdpOptions::default());
    let service = serve(&idp, |c| c).await;
    let wrong = "wrong-secret-value-42";
    let cfg = |secret: &str| {
        flyte::Config::builder()
            .no_file_search()
            .no_env()
            .endpoint(service.server.url())
            .client_id(&idp.ci_client)
            .client_secret(secret)
            .build()
            .unwrap()
    };
    let store = Arc::new(MemoryTokenStore::default());
    let c = flyte::remote::ClientBuilder::from_config(cfg(wrong))
        .token_store(store.clone())
        .build()
        .unwrap();
    let err = authorized(&c).await.unwrap_err();
    let text = chain(&err);
    assert!(
        text.contains("invalid_client") && text.contains("/token"),
        "{text}"
    );
    assert!(!text.contains(wrong), "{text}");
    assert!(!stored(&store));

    // The provider goes away after the service learned where it is.
    let c = client(
        &service,
        AuthType::DeviceFlow,
        &Person::new(Some(Choice::Approve)),
        &store,
    )
    .build()
    .unwrap();
    idp.stop();
    let err = c.login().await.unwrap_err();
    let text = chain(&err);
    assert!(
        matches!(
            token_error(&err),
            TokenError::Http { .. } | TokenError::Discovery { .. }
        ),
        "{text}"
    );
    assert!(text.contains(&idp.issuer), "{text}");
    assert!(!stored(&store));
}

#[tokio::test]
async fn a_service_without_an_identity_provider_has_nothing_to_log_in_to() {
    let dir = private_dir();
    let server = flyte_server::Server::builder()
        .data_dir(dir.path())
        .listen("127.0.0.1:0".parse().unwrap())
        .env(|_| None)
        .tokens(flyte_server::TokenSet::parse("admin-token-0123456789 * all").unwrap())
        .build()
        .unwrap()
        .start()
        .await
        .unwrap();
    let store = Arc::new(MemoryTokenStore::default());
    let c = flyte::remote::Client::builder()
        .endpoint(&server.url())
        .token_store(store.clone())
        .login_on_unauthenticated(true)
        .max_retries(0)
        .build()
        .unwrap();
    let err = c.login().await.unwrap_err();
    assert!(
        matches!(token_error(&err), TokenError::NoIdentityProvider { .. }),
        "{err:?}"
    );
    // The automatic login finds nothing either: the call fails as unauthenticated.
    let err = c.get("k").await.unwrap_err();
    assert!(
        matches!(unrouted(&err), Error::Unauthenticated { .. }),
        "{err:?}"
    );
    server.shutdown().await.unwrap();
}

/// The device flow's first request goes to the device authorization endpoint: a refusal there
/// names that endpoint, not the token endpoint.
#[needs(idp)]
#[tokio::test]
async fn a_refusal_at_the_device_endpoint_names_it() {
    let idp = Idp::start(IdpOptions::default());
    let service = serve(&idp, |c| c).await;
    let store = Arc::new(MemoryTokenStore::default());
    // A confidential client, sent without its secret: the provider refuses it.
    let c = client(&service, AuthType::DeviceFlow, &Person::new(None), &store)
        .client_id(&idp.ci_client)
        .build()
        .unwrap();
    let err = c.login().await.unwrap_err();
    let text = chain(&err);
    assert!(
        text.contains("the device authorization endpoint http")
            && text.contains("/device/auth")
            && text.contains("refused: HTTP 4"),
        "{text}"
    );
    assert!(!text.contains("token endpoint"), "{text}");
    assert!(!stored(&store));
}
