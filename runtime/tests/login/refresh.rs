//! After `unauthenticated`: one refresh with the stored refresh token; a refused refresh
//! deletes the stored tokens, then a login runs when allowed.

use std::sync::Arc;

use flyte::remote::{AuthType, Error, MemoryTokenStore, StoredTokens, TokenStore};
use flyte_test_backends::needs;
use zeroize::Zeroizing;

use super::oidc_harness::{Choice, Idp, IdpOptions};
use super::*;

#[needs(idp)]
#[tokio::test]
async fn a_stale_token_is_refreshed_once_and_a_refused_refresh_deletes() {
    let idp = Idp::start(IdpOptions::default());
    let service = serve(&idp, |c| c).await;
    let store = Arc::new(MemoryTokenStore::default());
    let login = client(
        &service,
        AuthType::DeviceFlow,
        &Person::new(Some(Choice::Approve)),
        &store,
    )
    .build()
    .unwrap();
    login.login().await.unwrap();
    let good = store.load().unwrap();

    // An access token the service refuses, with a good refresh token: refreshed.
    store.save(&StoredTokens {
        access_token: Zeroizing::new("stale-access-token".into()),
        refresh_token: good.refresh_token.clone(),
    });
    let person = Person::new(None);
    let c = client(&service, AuthType::DeviceFlow, &person, &store)
        .login_on_unauthenticated(false)
        .build()
        .unwrap();
    authorized(&c).await.unwrap();
    let fresh = store.load().unwrap();
    assert_ne!(fresh.access_token.as_str(), "stale-access-token");
    assert!(
        person.codes.lock().unwrap().is_empty(),
        "no login was needed"
    );

    // A refresh token the provider refuses: the stored tokens are deleted.
    store.save(&StoredTokens {
        access_token: Zeroizing::new("stale-access-token".into()),
        refresh_token: Some(Zeroizing::new("revoked-refresh-token".into())),
    });
    let c = client(&service, AuthType::DeviceFlow, &Person::new(None), &store)
        .login_on_unauthenticated(false)
        .build()
        .unwrap();
    let err = authorized(&c).await.unwrap_err();
    assert!(matches!(unrouted(&err), Error::Token { .. }), "{err:?}");
    let text = chain(&err);
    assert!(text.contains("invalid_grant"), "{text}");
    assert!(
        !text.contains("revoked-refresh-token") && !text.contains("stale-access"),
        "{text}"
    );
    assert!(!stored(&store));

    // Same, with logins allowed: the refused refresh is followed by a login.
    store.save(&StoredTokens {
        access_token: Zeroizing::new("stale-access-token".into()),
        refresh_token: Some(Zeroizing::new("revoked-refresh-token".into())),
    });
    let person = Person::new(Some(Choice::Approve));
    let c = client(&service, AuthType::DeviceFlow, &person, &store)
        .build()
        .unwrap();
    authorized(&c).await.unwrap();
    assert_eq!(person.codes.lock().unwrap().len(), 1);
    assert!(store.load().unwrap().refresh_token.is_some());
}
