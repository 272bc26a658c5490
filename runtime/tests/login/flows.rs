//! Each flow logs in and the calls go through: PKCE (browser + loopback callback), device
//! flow, client secret, external command.

use std::sync::Arc;

use flyte::remote::{AuthType, MemoryTokenStore, TokenInfo, TokenStore};
use flyte_test_backends::needs;

use super::oidc_harness::{Choice, Idp, IdpOptions, USER};
use super::*;

#[needs(idp)]
#[tokio::test]
async fn pkce_logs_in_on_the_first_unauthenticated_answer() {
    let idp = Idp::start(IdpOptions::default());
    let service = serve(&idp, |c| c).await;
    let person = Person::new(Some(Choice::Approve));
    let store = Arc::new(MemoryTokenStore::default());
    let c = client(&service, AuthType::Pkce, &person, &store)
        .build()
        .unwrap();
    authorized(&c).await.unwrap();
    let url = person.shown.lock().unwrap()[0].clone();
    for part in [
        "code_challenge_method=S256",
        "code_challenge=",
        "state=",
        "response_type=code",
        &format!("client_id={}", idp.pkce_client),
        "redirect_uri=http%3A%2F%2F127.0.0.1%3A",
        "scope=all",
    ] {
        assert!(url.contains(part), "{part} in {url}");
    }
    assert!(!url.contains("%3A0%2F"), "the real port is sent: {url}");
    let tokens = store.load().unwrap();
    assert!(tokens.refresh_token.is_some());
    let info = TokenInfo::peek(&tokens.access_token).unwrap();
    assert_eq!(info.subject.as_deref(), Some(USER));
    // Logged in once: the next calls use the stored token.
    authorized(&c).await.unwrap();
    assert_eq!(person.shown.lock().unwrap().len(), 1);
}

#[needs(idp)]
#[tokio::test]
async fn device_flow_explicit_login() {
    let idp = Idp::start(IdpOptions::default());
    let service = serve(&idp, |c| c).await;
    let person = Person::new(Some(Choice::Approve));
    let store = Arc::new(MemoryTokenStore::default());
    let c = client(&service, AuthType::DeviceFlow, &person, &store)
        .client_id(&idp.device_client)
        .build()
        .unwrap();
    let info = c.login().await.unwrap();
    assert_eq!(info.flow, AuthType::DeviceFlow);
    assert_eq!(
        info.token.identity().as_deref(),
        Some(&*format!("{USER} (client {})", idp.device_client))
    );
    assert!(info.expires_at.is_some() && info.refresh_token && info.stored);
    let code = person.codes.lock().unwrap()[0].clone();
    assert!(code.verification_uri.starts_with(&idp.issuer), "{code:?}");
    assert!(!code.user_code.is_empty());
    authorized(&c).await.unwrap();
    let shown = format!("{info:?}");
    assert!(
        !shown.contains(store.load().unwrap().access_token.as_str()),
        "{shown}"
    );
}

#[needs(idp)]
#[tokio::test]
async fn client_secret_from_an_env_var_or_a_file() {
    let idp = Idp::start(IdpOptions::default());
    let service = serve(&idp, |c| c).await;
    let dir = private_dir();
    let secret_file = dir.path().join("secret");
    std::fs::write(&secret_file, format!("{}\n", idp.client_secret)).unwrap();
    let secret = idp.client_secret.clone();
    let by_env = flyte::Config::builder()
        .no_file_search()
        .env_lookup(move |k| match k {
            "FLYTE_ADMIN_ENDPOINT" => None,
            "FLYTE_ADMIN_CLIENTSECRETENVVAR" => Some("MY_CI_SECRET".into()),
            "MY_CI_SECRET" => Some(secret.clone()),
            _ => None,
        })
        .endpoint(service.server.url())
        .client_id(&idp.ci_client)
        .build()
        .unwrap();
    let by_file = flyte::Config::builder()
        .no_file_search()
        .no_env()
        .endpoint(service.server.url())
        .client_id(&idp.ci_client)
        .build()
        .unwrap();
    assert_eq!(
        by_env.auth_type(),
        AuthType::ClientSecret,
        "a secret selects ClientSecret"
    );
    assert_eq!(by_file.auth_type(), AuthType::Pkce);
    let file_cfg = format!(
        "admin:\n  endpoint: {}\n  clientId: {}\n  clientSecretLocation: {}\n  authType: ClientSecret\n",
        service.server.url(),
        idp.ci_client,
        secret_file.display()
    );
    let cfg_path = dir.path().join("config.yaml");
    std::fs::write(&cfg_path, file_cfg).unwrap();
    let by_file = flyte::Config::builder()
        .no_env()
        .file(&cfg_path)
        .build()
        .unwrap();
    assert!(!format!("{by_env:?} {by_file:?}").contains(&idp.client_secret));
    for cfg in [by_env, by_file] {
        let store = Arc::new(MemoryTokenStore::default());
        let c = flyte::remote::ClientBuilder::from_config(cfg)
            .token_store(store.clone())
            .project("p")
            .domain("d")
            .build()
            .unwrap();
        authorized(&c).await.unwrap();
        let info = TokenInfo::peek(&store.load().unwrap().access_token).unwrap();
        assert_eq!(info.client_id.as_deref(), Some(idp.ci_client.as_str()));
    }
}

#[needs(idp)]
#[tokio::test]
async fn external_command_prints_the_token() {
    let idp = Idp::start(IdpOptions::default());
    let service = serve(&idp, |c| c).await;
    let token = idp.client_credentials_token().await;
    let store = Arc::new(MemoryTokenStore::default());
    let c = client(
        &service,
        AuthType::ExternalCommand,
        &Person::new(None),
        &store,
    )
    .build()
    .unwrap();
    // No command configured: says which key to set.
    let err = c.login().await.unwrap_err();
    assert!(chain(&err).contains("admin.command"), "{}", chain(&err));
    let cfg = flyte::Config::builder()
        .no_file_search()
        .no_env()
        .endpoint(service.server.url())
        .auth_type(AuthType::ExternalCommand)
        .command(vec!["sh".into(), "-c".into(), format!("echo '{token}'")])
        .build()
        .unwrap();
    let c = flyte::remote::ClientBuilder::from_config(cfg)
        .token_store(store.clone())
        .build()
        .unwrap();
    authorized(&c).await.unwrap();
    assert_eq!(store.load().unwrap().access_token.as_str(), token);
}
