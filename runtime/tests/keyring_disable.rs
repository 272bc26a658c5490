//! The disable switches (env var, config, per call): a disabled keyring never reaches the
//! backend, sync or async; `false` means false.

use crate::keyring_common;

use flyte::remote::keyring::{
    Backend, Credentials, DISABLE_KEYRING_ENV, KeyringStore, Lookup, Outcome,
};
use keyring_common::{FaultStore, SHORT, unique_endpoint};

/// Every way of disabling: no call reaches the backend.
#[test]
fn disabled_never_touches_the_backend() {
    let fs = FaultStore::new();
    let ep = unique_endpoint("disabled");
    let creds = Credentials::new(&ep, "a").with_refresh_token("r");
    let env_true =
        |v: &'static str| move |name: &str| (name == DISABLE_KEYRING_ENV).then(|| v.to_owned());
    let base = || {
        KeyringStore::builder()
            .backend(Backend::Store(fs.clone()))
            .timeout(SHORT)
    };
    let stores = [
        ("env true", base().env(env_true("true")).build()),
        ("env YES", base().env(env_true("YES")).build()),
        ("env 1", base().env(env_true("1")).build()),
        ("env not a boolean", base().env(env_true("sure")).build()),
        ("config", base().env(|_| None).disabled(true).build()),
        ("per call", base().env(|_| None).build().disabled_if(true)),
        (
            "per call cannot re-enable",
            base().env(env_true("on")).build().disabled_if(false),
        ),
    ];
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    for (why, ks) in &stores {
        assert!(ks.is_disabled(), "{why}");
        assert!(matches!(ks.store(&creds), Outcome::Disabled), "{why}");
        assert!(matches!(ks.lookup(&ep), Lookup::Disabled), "{why}");
        assert!(ks.retrieve(&ep).is_none(), "{why}");
        assert!(matches!(ks.delete(&ep), Outcome::Disabled), "{why}");
        rt.block_on(async {
            assert!(
                matches!(ks.store_async(&creds).await, Outcome::Disabled),
                "{why}"
            );
            assert!(ks.retrieve_async(&ep).await.is_none(), "{why}");
            assert!(
                matches!(ks.delete_async(&ep).await, Outcome::Disabled),
                "{why}"
            );
        });
    }
    assert_eq!(fs.calls(), 0, "a disabled keyring reached the backend");

    // And the same store, enabled ("false" is false, unlike the Python SDK), does reach it.
    for value in ["false", "0", "no", "OFF", ""] {
        let ks = base().env(env_true(value)).build();
        assert!(!ks.is_disabled(), "{value:?}");
        assert!(ks.store(&creds).is_done(), "{value:?}");
    }
    assert!(fs.calls() > 0);
}
