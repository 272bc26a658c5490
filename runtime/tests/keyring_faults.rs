//! The keyring cache against a fault-injecting store: the item layout, every degrade path
//! (corrupt item, locked, too long, platform failure, panic, hang, no backend) and the time
//! bound.

use crate::keyring_common;

use std::time::Duration;

use flyte::remote::keyring::{Backend, Credentials, KeyringError, KeyringStore, Lookup, Outcome};
use keyring_common::{
    Fault, FaultStore, SHORT, fault_keyring as keyring, token, unique_endpoint, within_10s,
};

fn service(endpoint: &str) -> String {
    flyte::remote::keyring::strip_scheme(endpoint)
}

#[test]
fn round_trip_in_python_layout() {
    let fs = FaultStore::new();
    let ks = keyring(&fs);
    let ep = unique_endpoint("layout");
    let (access, refresh) = (token("access"), token("refresh"));
    let creds = Credentials::new(&ep, access.clone())
        .with_refresh_token(refresh.clone())
        .with_expires_in(60);
    assert!(ks.store(&creds).is_done());

    // service = endpoint without scheme, username "tokens", secret = Python's json.dumps.
    let svc = service(&ep);
    assert!(!svc.starts_with("dns:") && svc.starts_with("flyte-test-layout"));
    let raw = fs.raw(&svc, "tokens").expect("tokens item");
    let expected = format!(r#"{{"access_token": "{access}", "refresh_token": "{refresh}"}}"#);
    assert_eq!(String::from_utf8(raw).unwrap(), expected);
    assert_eq!(fs.keys(), vec![(svc.clone(), "tokens".to_owned())]);

    // Found under every spelling of the endpoint.
    for spelling in [ep.clone(), svc.clone(), format!("https://{svc}")] {
        let got = ks.retrieve(&spelling).expect("found");
        assert_eq!(got.access_token(), access);
        assert_eq!(got.refresh_token(), Some(refresh.as_str()));
        assert_eq!(got.for_endpoint(), svc);
        assert_eq!(got.id(), creds.id());
        assert_eq!(
            got.expires_in(),
            None,
            "expires_in is not stored, as in Python"
        );
    }

    // A path is part of the name, as in the Python SDK: `https://x/p` is item `x/p`.
    assert!(matches!(
        ks.lookup(&format!("https://{svc}/p")),
        Lookup::Missing
    ));
    assert_eq!(service(&format!("https://{svc}/p")), format!("{svc}/p"));

    assert!(ks.delete(&ep).is_done());
    assert!(matches!(ks.lookup(&ep), Lookup::Missing));
    assert!(fs.keys().is_empty());
}

#[test]
fn no_refresh_token_is_stored_as_null() {
    let fs = FaultStore::new();
    let ks = keyring(&fs);
    let ep = unique_endpoint("norefresh");
    assert!(ks.store(&Credentials::new(&ep, "a1")).is_done());
    let raw = fs.raw(&service(&ep), "tokens").unwrap();
    assert_eq!(raw, br#"{"access_token": "a1", "refresh_token": null}"#);
    assert_eq!(ks.retrieve(&ep).unwrap().refresh_token(), None);
}

#[test]
fn refresh_only_item_gives_empty_access_token() {
    let fs = FaultStore::new();
    let ks = keyring(&fs);
    let ep = unique_endpoint("refreshonly");
    fs.put_raw(
        &service(&ep),
        "tokens",
        br#"{"access_token": null, "refresh_token": "r9"}"#,
    );
    let got = ks
        .retrieve(&ep)
        .expect("a refresh token alone is still credentials");
    assert_eq!(got.access_token(), "");
    assert_eq!(got.refresh_token(), Some("r9"));
    assert_eq!(got.id(), "");
}

#[test]
fn delete_removes_legacy_items_and_nothing_else() {
    let fs = FaultStore::new();
    let ks = keyring(&fs);
    let (ep, other) = (unique_endpoint("legacy"), unique_endpoint("other"));
    let svc = service(&ep);
    for user in ["tokens", "access_token", "refresh_token"] {
        fs.put_raw(&svc, user, b"x");
    }
    fs.put_raw(&svc, "someone-else", b"keep");
    fs.put_raw(&service(&other), "tokens", b"keep");
    assert!(ks.delete(&ep).is_done());
    assert_eq!(
        fs.keys(),
        vec![
            (svc.clone(), "someone-else".to_owned()),
            (service(&other), "tokens".to_owned())
        ]
    );
    // Deleting what is not there is fine.
    assert!(ks.delete(&ep).is_done());
}

#[test]
fn corrupt_items_give_none() {
    let fs = FaultStore::new();
    let ks = keyring(&fs);
    let ep = unique_endpoint("corrupt");
    for bad in [
        &b"not json at all"[..],
        b"\xff\xfe\x00garbage",
        br#"["a", "b"]"#,
        br#"{"access_token": 5, "refresh_token": "r"}"#,
        br#"{"access_token": "", "refresh_token": ""}"#,
        br#"{}"#,
        br#"{"access_token": "trunc"#,
        b"",
    ] {
        fs.put_raw(&service(&ep), "tokens", bad);
        let what = String::from_utf8_lossy(bad).into_owned();
        assert!(
            matches!(ks.lookup(&ep), Lookup::Failed(KeyringError::Corrupt { .. })),
            "{what:?}"
        );
        assert!(ks.retrieve(&ep).is_none(), "{what:?}");
    }
    // A good store replaces the corrupt item.
    assert!(ks.store(&Credentials::new(&ep, "fresh")).is_done());
    assert_eq!(ks.retrieve(&ep).unwrap().access_token(), "fresh");
}

#[test]
fn locked_keyring_degrades() {
    let fs = FaultStore::new();
    let ks = keyring(&fs);
    let ep = unique_endpoint("locked");
    assert!(ks.store(&Credentials::new(&ep, "old")).is_done());
    fs.set_fault(Fault::Locked);
    let got = ks.store(&Credentials::new(&ep, "new"));
    let Outcome::Failed(e @ KeyringError::Locked { .. }) = &got else {
        panic!("{got:?}");
    };
    let cause = std::error::Error::source(e).map(ToString::to_string);
    assert_eq!(cause.as_deref(), Some("collection is locked"));
    assert!(matches!(
        ks.lookup(&ep),
        Lookup::Failed(KeyringError::Locked { .. })
    ));
    assert!(ks.retrieve(&ep).is_none());
    assert!(matches!(
        ks.delete(&ep),
        Outcome::Failed(KeyringError::Locked { .. })
    ));
    fs.set_fault(Fault::None);
    assert_eq!(
        ks.retrieve(&ep).unwrap().access_token(),
        "old",
        "nothing was half-written"
    );
}

#[test]
fn too_long_value_degrades() {
    let fs = FaultStore::new();
    let ks = keyring(&fs);
    let ep = unique_endpoint("toolong");
    fs.set_fault(Fault::TooLong);
    let long = Credentials::new(&ep, "a".repeat(500)).with_refresh_token("r".repeat(500));
    let got = ks.store(&long);
    assert!(
        matches!(got, Outcome::Failed(KeyringError::TooLong { limit: 64 })),
        "{got:?}"
    );
    assert!(matches!(ks.lookup(&ep), Lookup::Missing));
    // Short tokens still fit.
    assert!(ks.store(&Credentials::new(&ep, "s")).is_done());
}

#[test]
fn platform_failure_degrades_and_recovers() {
    let fs = FaultStore::new();
    let ks = keyring(&fs);
    let ep = unique_endpoint("platform");
    fs.set_fault(Fault::PlatformFailure);
    let got = ks.store(&Credentials::new(&ep, "a"));
    let Outcome::Failed(e @ KeyringError::Platform { .. }) = &got else {
        panic!("{got:?}");
    };
    // The platform's own error is the source, not text folded into the message.
    assert_eq!(e.to_string(), "the keyring backend failed");
    let cause = std::error::Error::source(e).map(ToString::to_string);
    assert_eq!(cause.as_deref(), Some("connection lost"));
    assert!(ks.retrieve(&ep).is_none());
    fs.set_fault(Fault::None);
    assert!(ks.store(&Credentials::new(&ep, "a")).is_done());
    assert!(ks.retrieve(&ep).is_some());
}

#[test]
fn panicking_backend_is_contained() {
    let fs = FaultStore::new();
    let ks = KeyringStore::builder()
        .backend(Backend::Store(fs.clone()))
        .timeout(Duration::from_secs(5)) // the panic hook may print a backtrace first
        .env(|_| None)
        .build();
    let ep = unique_endpoint("panic");
    fs.set_fault(Fault::Panic);
    assert!(matches!(
        ks.store(&Credentials::new(&ep, "a")),
        Outcome::Failed(KeyringError::Panicked)
    ));
    assert!(ks.retrieve(&ep).is_none());
    fs.set_fault(Fault::None);
    assert!(
        ks.store(&Credentials::new(&ep, "a")).is_done(),
        "the keyring thread survived"
    );
}

#[test]
fn hung_backend_is_abandoned_then_calls_fail_fast_then_recover() {
    let fs = FaultStore::new();
    let ks = keyring(&fs);
    let ep = unique_endpoint("hang");
    fs.set_fault(Fault::Hang);
    let (ks2, ep2) = (ks.clone(), ep.clone());
    let got = within_10s("retrieve on a hung backend", move || ks2.lookup(&ep2));
    assert!(
        matches!(got, Lookup::Failed(KeyringError::TimedOut(t)) if t == SHORT),
        "{got:?}"
    );

    // While the backend stays hung, nothing queues behind it.
    let (ks2, ep2) = (ks.clone(), ep.clone());
    let got = within_10s("store while hung", move || {
        ks2.store(&Credentials::new(&ep2, "a"))
    });
    assert!(
        matches!(got, Outcome::Failed(KeyringError::Stalled)),
        "{got:?}"
    );
    let (ks2, ep2) = (ks.clone(), ep.clone());
    assert!(matches!(
        within_10s("delete while hung", move || ks2.delete(&ep2)),
        Outcome::Failed(_)
    ));

    // The backend wakes up: later calls work again.
    fs.set_fault(Fault::None);
    fs.release();
    let mut done = false;
    for _ in 0..100 {
        if ks.store(&Credentials::new(&ep, "after")).is_done() {
            done = true;
            break;
        }
        std::thread::sleep(Duration::from_millis(20));
    }
    assert!(done, "the keyring recovers once the backend answers");
    assert_eq!(ks.retrieve(&ep).unwrap().access_token(), "after");
}

#[test]
fn default_bound_is_two_seconds() {
    let fs = FaultStore::new();
    let ks = KeyringStore::builder()
        .backend(Backend::Store(fs.clone()))
        .env(|_| None)
        .build();
    fs.set_fault(Fault::Hang);
    let got = within_10s("retrieve with the default bound", move || {
        ks.lookup("dns:///x")
    });
    assert!(
        matches!(got, Lookup::Failed(KeyringError::TimedOut(t)) if t == Duration::from_secs(2)),
        "{got:?}"
    );
    fs.release();
}

#[test]
fn explicit_backend_missing_on_this_platform_degrades() {
    let ep = unique_endpoint("nobackend");
    #[cfg(target_os = "linux")]
    let missing = [Backend::MacosKeychain, Backend::WindowsCredentialManager];
    #[cfg(target_os = "macos")]
    let missing = [Backend::Keyutils, Backend::WindowsCredentialManager];
    #[cfg(target_os = "windows")]
    let missing = [Backend::Keyutils, Backend::MacosKeychain];
    for backend in missing {
        let ks = KeyringStore::builder()
            .backend(backend.clone())
            .env(|_| None)
            .build();
        assert!(
            matches!(
                ks.store(&Credentials::new(&ep, "a")),
                Outcome::Failed(KeyringError::Unsupported { .. })
            ),
            "{backend:?}"
        );
        assert!(ks.retrieve(&ep).is_none());
        assert!(!ks.delete(&ep).is_done());
    }
}

/// No D-Bus session configured: choosing the Secret Service explicitly degrades at once.
#[cfg(target_os = "linux")]
#[test]
fn secret_service_without_dbus_degrades() {
    let ks = KeyringStore::builder()
        .backend(Backend::SecretService)
        .env(|_| None)
        .build();
    let ep = unique_endpoint("nodbus");
    let got = ks.store(&Credentials::new(&ep, "a"));
    assert!(
        matches!(got, Outcome::Failed(KeyringError::NoBackend { .. })),
        "{got:?}"
    );
    assert!(matches!(
        ks.lookup(&ep),
        Lookup::Failed(KeyringError::NoBackend { .. })
    ));
}
