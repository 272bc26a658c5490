//! The real Linux kernel keyutils backend: round trips within a process and across
//! processes, the item layout, legacy items, and a value too long for the kernel.
#![cfg(target_os = "linux")]

use crate::keyring_common;

use std::time::Duration;

use flyte::remote::keyring::{Backend, Credentials, KeyringError, KeyringStore, Lookup, Outcome};
use flyte_test_backends::needs;
use keyring_common::{CHILD_ENV, Cleanup, child_result, run_child, token, unique_endpoint};

fn keyutils() -> KeyringStore {
    KeyringStore::builder()
        .backend(Backend::Keyutils)
        .env(|_| None)
        .build()
}

/// The store used directly, bypassing our cache, to plant and inspect items. Joins a
/// session keyring first, as the cache does on its own thread (see auth/session.rs).
fn raw_entry(service: &str, user: &str) -> keyring_core::Entry {
    let _ = linux_keyutils::KeyRing::get_persistent(linux_keyutils::KeyRingIdentifier::Session);
    let store: std::sync::Arc<keyring_core::CredentialStore> =
        linux_keyutils_keyring_store::Store::new().unwrap();
    keyring_core::Entry::new_in_store(&store, service, user).unwrap()
}

#[test]
fn round_trip_in_process() {
    let ks = keyutils();
    let ep = unique_endpoint("ku-rt");
    let _cleanup = Cleanup(ks.clone(), ep.clone());
    let (access, refresh) = (token("access"), token("refresh"));
    assert!(
        ks.store(&Credentials::new(&ep, access.clone()).with_refresh_token(refresh.clone()))
            .is_done()
    );

    // The Python SDK's layout, as keyring-core's keyutils store names it.
    let svc = flyte::remote::keyring::strip_scheme(&ep);
    let raw = raw_entry(&svc, "tokens").get_password().unwrap();
    assert_eq!(
        raw,
        format!(r#"{{"access_token": "{access}", "refresh_token": "{refresh}"}}"#)
    );

    let got = ks.retrieve(&ep).expect("stored tokens are found");
    assert_eq!(got.access_token(), access);
    assert_eq!(got.refresh_token(), Some(refresh.as_str()));
    // Storing again replaces.
    assert!(ks.store(&Credentials::new(&ep, "second")).is_done());
    let got = ks.retrieve(&ep).unwrap();
    assert_eq!((got.access_token(), got.refresh_token()), ("second", None));

    assert!(ks.delete(&ep).is_done());
    assert!(matches!(ks.lookup(&ep), Lookup::Missing));
    assert!(matches!(
        raw_entry(&svc, "tokens").get_password(),
        Err(keyring_core::Error::NoEntry)
    ));
}

/// Child side of the cross-process tests: `retrieve:<endpoint>`, `store:<endpoint>` or
/// `delete:<endpoint>`; prints `RESULT <id>/<refresh>` for a retrieve.
#[test]
#[ignore = "run by the cross-process tests in a child process"]
fn child_role() {
    let role = std::env::var(CHILD_ENV).expect("run by a parent test");
    let (what, ep) = role.split_once(':').unwrap();
    let ks = keyutils();
    match what {
        "retrieve" => match ks.lookup(ep) {
            Lookup::Found(c) => println!("RESULT {}/{}", c.id(), c.refresh_token().unwrap_or("-")),
            other => println!("RESULT {other:?}"),
        },
        "store" => {
            let c = Credentials::new(ep, "child-access").with_refresh_token("child-refresh");
            assert!(ks.store(&c).is_done());
            println!("RESULT stored");
        }
        "delete" => {
            assert!(ks.delete(ep).is_done());
            println!("RESULT deleted");
        }
        other => panic!("unknown role {other}"),
    }
}

#[test]
fn store_here_retrieve_in_another_process_then_delete_there() {
    // A child inherits this process's session keyring (or, like this process, is given the
    // user's session keyring by the kernel), so it sees what this process stored.
    let ks = keyutils();
    let ep = unique_endpoint("ku-xproc");
    let _cleanup = Cleanup(ks.clone(), ep.clone());
    let creds = Credentials::new(&ep, token("access")).with_refresh_token("r-xproc");
    assert!(ks.store(&creds).is_done());

    let out = run_child(
        "keyring_keyutils::child_role",
        &[(CHILD_ENV, &format!("retrieve:{ep}"))],
        &[],
    );
    assert_eq!(child_result(&out), format!("{}/r-xproc", creds.id()));

    let out = run_child(
        "keyring_keyutils::child_role",
        &[(CHILD_ENV, &format!("delete:{ep}"))],
        &[],
    );
    assert_eq!(child_result(&out), "deleted");
    assert!(
        matches!(ks.lookup(&ep), Lookup::Missing),
        "deleted by the other process"
    );

    // And the other way round.
    let out = run_child(
        "keyring_keyutils::child_role",
        &[(CHILD_ENV, &format!("store:{ep}"))],
        &[],
    );
    assert_eq!(child_result(&out), "stored");
    let got = ks.retrieve(&ep).expect("stored by the other process");
    assert_eq!(got.access_token(), "child-access");
    assert!(ks.delete(&ep).is_done());
}

/// A process with a session keyring of its own (as under a login shell; here a fresh
/// anonymous one from `keyctl session -`) finds them too, through the persistent keyring.
#[needs(keyctl)]
#[test]
fn a_process_with_its_own_session_keyring_finds_them() {
    let ks = keyutils();
    let ep = unique_endpoint("ku-keyctl");
    let _cleanup = Cleanup(ks.clone(), ep.clone());
    let creds = Credentials::new(&ep, token("access")).with_refresh_token("r-keyctl");
    assert!(ks.store(&creds).is_done());

    let role = format!("retrieve:{ep}");
    let out = run_child(
        "keyring_keyutils::child_role",
        &[(CHILD_ENV, &role)],
        &["keyctl", "session", "-"],
    );
    assert_eq!(child_result(&out), format!("{}/r-keyctl", creds.id()));
}

#[test]
fn delete_removes_legacy_per_token_items() {
    let ks = keyutils();
    let ep = unique_endpoint("ku-legacy");
    let _cleanup = Cleanup(ks.clone(), ep.clone());
    let svc = flyte::remote::keyring::strip_scheme(&ep);
    for user in ["tokens", "access_token", "refresh_token"] {
        raw_entry(&svc, user).set_password("legacy").unwrap();
    }
    raw_entry(&svc, "unrelated").set_password("keep").unwrap();
    assert!(ks.delete(&ep).is_done());
    for user in ["tokens", "access_token", "refresh_token"] {
        let got = raw_entry(&svc, user).get_password();
        assert!(
            matches!(got, Err(keyring_core::Error::NoEntry)),
            "{user}: {got:?}"
        );
    }
    assert_eq!(raw_entry(&svc, "unrelated").get_password().unwrap(), "keep");
    raw_entry(&svc, "unrelated").delete_credential().unwrap();
}

#[test]
fn value_too_long_for_the_kernel_degrades() {
    // A user key's payload is capped at 32767 bytes by the kernel.
    let ks = keyutils();
    let ep = unique_endpoint("ku-long");
    let _cleanup = Cleanup(ks.clone(), ep.clone());
    assert!(ks.store(&Credentials::new(&ep, "short")).is_done());
    let huge = Credentials::new(&ep, "a".repeat(40_000));
    match ks.store(&huge) {
        Outcome::Failed(KeyringError::Rejected { .. } | KeyringError::TooLong { .. }) => {}
        other => panic!("expected a rejection, got {other:?}"),
    }
    // Nothing half-written: the previous tokens are still there, intact.
    assert_eq!(ks.retrieve(&ep).unwrap().access_token(), "short");
    assert!(ks.delete(&ep).is_done());
}

#[test]
fn corrupt_item_in_keyutils_gives_none() {
    let ks = keyutils();
    let ep = unique_endpoint("ku-corrupt");
    let _cleanup = Cleanup(ks.clone(), ep.clone());
    let svc = flyte::remote::keyring::strip_scheme(&ep);
    raw_entry(&svc, "tokens")
        .set_secret(b"{\"access_token\": \xff")
        .unwrap();
    assert!(matches!(
        ks.lookup(&ep),
        Lookup::Failed(KeyringError::Corrupt { .. })
    ));
    assert!(ks.retrieve(&ep).is_none());
    assert!(ks.delete(&ep).is_done());
}

#[test]
fn auto_without_dbus_uses_keyutils() {
    let auto = KeyringStore::builder()
        .env(|_| None)
        .timeout(Duration::from_secs(5))
        .build();
    let ep = unique_endpoint("ku-auto");
    let _cleanup = Cleanup(keyutils(), ep.clone());
    assert!(auto.store(&Credentials::new(&ep, "via-auto")).is_done());
    assert_eq!(keyutils().retrieve(&ep).unwrap().access_token(), "via-auto");
    assert!(auto.delete(&ep).is_done());
}
