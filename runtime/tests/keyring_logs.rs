//! No token in any log line, error message or Debug output: every path is run with a
//! TRACE-level subscriber (and the `log` bridge, for keyring-core's own logs) writing into a
//! buffer, which is then searched for the token values used.

mod keyring_common;

use std::io::Write;
use std::sync::{Arc, Mutex, OnceLock};
use std::time::Duration;

use flyte::remote::keyring::{Backend, Credentials, KeyringStore};
use keyring_common::{Cleanup, Fault, FaultStore, token, unique_endpoint};

#[derive(Clone)]
struct Buffer(Arc<Mutex<Vec<u8>>>);

impl Write for Buffer {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0.lock().unwrap().extend_from_slice(buf);
        Ok(buf.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

/// The process-wide capture (a global subscriber, so the keyring thread's logs land too).
fn captured() -> &'static Buffer {
    static BUF: OnceLock<Buffer> = OnceLock::new();
    BUF.get_or_init(|| {
        let buf = Buffer(Arc::new(Mutex::new(Vec::new())));
        let writer = buf.clone();
        tracing_subscriber::fmt()
            .with_max_level(tracing::Level::TRACE)
            .with_ansi(false)
            .with_writer(move || writer.clone())
            .try_init()
            .expect("the only subscriber in this test binary");
        buf
    })
}

fn logs() -> String {
    String::from_utf8_lossy(&captured().0.lock().unwrap()).into_owned()
}

fn assert_no_tokens(text: &str, tokens: &[&str]) {
    for t in tokens {
        assert!(!text.contains(t), "token {t:?} leaked into:\n{text}");
    }
}

#[test]
fn no_token_in_logs_on_any_path() {
    captured();
    let fs = FaultStore::new();
    let ks = KeyringStore::builder()
        .backend(Backend::Store(fs.clone()))
        .timeout(Duration::from_millis(300))
        .env(|_| None)
        .build();
    let ep = unique_endpoint("logs");
    let (access, refresh) = (token("logaccess"), token("logrefresh"));
    let creds = Credentials::new(&ep, access.clone()).with_refresh_token(refresh.clone());
    let mut shown = Vec::new();

    // Success paths.
    shown.push(format!("{:?}", ks.store(&creds)));
    shown.push(format!("{:?}", ks.lookup(&ep)));
    // Every failure path, for store, lookup and delete.
    for fault in [
        Fault::Locked,
        Fault::TooLong,
        Fault::PlatformFailure,
        Fault::Hang,
    ] {
        fs.set_fault(fault);
        shown.push(format!(
            "{:?} {:?} {:?}",
            ks.store(&creds),
            ks.lookup(&ep),
            ks.delete(&ep)
        ));
    }
    fs.release();
    fs.set_fault(Fault::None);
    // A corrupt item that contains the tokens but is not the JSON.
    fs.put_raw(
        &flyte::remote::keyring::strip_scheme(&ep),
        "tokens",
        format!("[\"{access}\", \"{refresh}\"]").as_bytes(),
    );
    let corrupt = ks.lookup(&ep);
    if let flyte::remote::keyring::Lookup::Failed(e) = &corrupt {
        shown.push(e.to_string());
    }
    shown.push(format!("{corrupt:?}"));
    shown.push(format!("{:?}", ks.disabled_if(true).store(&creds)));
    shown.push(format!("{creds:?} {creds:#?}"));

    let logs = logs();
    assert_no_tokens(&logs, &[&access, &refresh]);
    assert_no_tokens(&shown.join("\n"), &[&access, &refresh]);
    // The paths did log (so the search above searched something).
    assert!(
        logs.contains("failed to cache tokens in the keyring"),
        "{logs}"
    );
    assert!(logs.contains("WARN"), "{logs}");
    assert!(logs.contains("tokens found in the keyring"), "{logs}");
    // Skipped (fail fast) when an earlier hung call still holds the backend thread.
    assert!(
        logs.contains("not the tokens JSON") || logs.contains("still hung in the backend"),
        "{logs}"
    );
    // The hang path: the first hung call times out; a call made while a backend thread is
    // still hung (this test's or a parallel one's) fails fast instead. Either was logged.
    assert!(
        logs.contains("did not answer within") || logs.contains("still hung in the backend"),
        "{logs}"
    );
}

#[cfg(target_os = "linux")]
#[test]
fn no_token_in_logs_with_keyutils() {
    no_token_in_logs_with_real_backend("keyutils", Backend::Keyutils);
}

#[cfg(target_os = "linux")]
#[flyte_test_backends::needs(dbus)]
#[test]
fn no_token_in_logs_with_the_secret_service() {
    no_token_in_logs_with_real_backend("secret service", Backend::SecretService);
}

#[cfg(target_os = "linux")]
fn no_token_in_logs_with_real_backend(name: &str, backend: Backend) {
    captured();
    let (access, refresh) = (token("realaccess"), token("realrefresh"));
    // Scoped: the cleanup runs before the logs are searched.
    {
        let ks = KeyringStore::builder().backend(backend).build();
        let ep = unique_endpoint("reallogs");
        let _cleanup = Cleanup(ks.clone(), ep.clone());
        let creds = Credentials::new(&ep, access.clone()).with_refresh_token(refresh.clone());
        assert!(ks.store(&creds).is_done(), "{name}");
        assert_eq!(ks.retrieve(&ep).unwrap().access_token(), access, "{name}");
        // Too long for keyutils; fine for the Secret Service. Either way, no token logged.
        let _ = ks.store(&Credentials::new(
            &ep,
            format!("{access}{}", "x".repeat(40_000)),
        ));
        assert!(ks.delete(&ep).is_done(), "{name}");
    }
    let logs = logs();
    assert_no_tokens(&logs, &[&access, &refresh]);
    assert!(logs.contains("keyring backend opened"), "{logs}");
}
