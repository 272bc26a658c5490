//! Shared by the keyring_* tests: a fault-injecting keyring-core store, unique endpoints,
//! the Python helper, and running this test binary as a child. Which tests need Python or a
//! D-Bus session is said by `#[needs(..)]` (flyte_test_backends) on each.
#![allow(dead_code)]

use std::collections::HashMap;
use std::path::PathBuf;
use std::process::{Command, Output};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Condvar, Mutex};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use keyring_core::api::{CredentialApi, CredentialStoreApi};
use keyring_core::{Credential, Entry, Error};

/// What the next operations of a [`FaultStore`] do.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Fault {
    /// Work as an in-memory store.
    None,
    /// Block until [`FaultStore::release`] (a hung D-Bus call, an unanswered prompt).
    Hang,
    /// A locked keyring / access denied.
    Locked,
    /// Values over 64 bytes are refused as too long (as Windows does over 2560).
    TooLong,
    /// The platform fails (D-Bus connection lost).
    PlatformFailure,
    /// The store panics.
    Panic,
}

#[derive(Debug, Default)]
struct Shared {
    items: Mutex<HashMap<(String, String), Vec<u8>>>,
    fault: Mutex<Option<Fault>>,
    calls: AtomicUsize,
    released: Mutex<bool>,
    wake: Condvar,
}

impl Shared {
    /// Counts the call and applies the fault.
    fn enter(&self, value_len: Option<usize>) -> Result<(), Error> {
        self.calls.fetch_add(1, Ordering::SeqCst);
        let fault = self.fault.lock().unwrap().unwrap_or(Fault::None);
        match fault {
            Fault::None => Ok(()),
            Fault::Hang => {
                let mut released = self.released.lock().unwrap();
                while !*released {
                    released = self.wake.wait(released).unwrap();
                }
                Ok(())
            }
            Fault::Locked => Err(Error::NoStorageAccess("collection is locked".into())),
            Fault::TooLong if value_len.is_some_and(|n| n > 64) => {
                Err(Error::TooLong("password".into(), 64))
            }
            Fault::TooLong => Ok(()),
            Fault::PlatformFailure => Err(Error::PlatformFailure("connection lost".into())),
            Fault::Panic => panic!("fault store panics on purpose"),
        }
    }
}

/// An in-memory keyring-core store that counts every call and fails on demand.
#[derive(Debug, Default)]
pub(crate) struct FaultStore {
    shared: Arc<Shared>,
}

impl FaultStore {
    pub(crate) fn new() -> Arc<Self> {
        Arc::new(FaultStore::default())
    }

    pub(crate) fn set_fault(&self, fault: Fault) {
        *self.shared.fault.lock().unwrap() = Some(fault);
    }

    /// Calls that reached the store (entry builds and credential operations).
    pub(crate) fn calls(&self) -> usize {
        self.shared.calls.load(Ordering::SeqCst)
    }

    /// Wakes every hung call, now and later.
    pub(crate) fn release(&self) {
        *self.shared.released.lock().unwrap() = true;
        self.shared.wake.notify_all();
    }

    pub(crate) fn raw(&self, service: &str, user: &str) -> Option<Vec<u8>> {
        self.shared
            .items
            .lock()
            .unwrap()
            .get(&(service.into(), user.into()))
            .cloned()
    }

    pub(crate) fn put_raw(&self, service: &str, user: &str, bytes: &[u8]) {
        self.shared
            .items
            .lock()
            .unwrap()
            .insert((service.into(), user.into()), bytes.to_vec());
    }

    pub(crate) fn keys(&self) -> Vec<(String, String)> {
        let mut keys: Vec<_> = self.shared.items.lock().unwrap().keys().cloned().collect();
        keys.sort();
        keys
    }
}

#[derive(Debug)]
struct FaultCred {
    shared: Arc<Shared>,
    key: (String, String),
}

impl CredentialApi for FaultCred {
    fn set_secret(&self, secret: &[u8]) -> keyring_core::Result<()> {
        self.shared.enter(Some(secret.len()))?;
        self.shared
            .items
            .lock()
            .unwrap()
            .insert(self.key.clone(), secret.to_vec());
        Ok(())
    }

    fn get_secret(&self) -> keyring_core::Result<Vec<u8>> {
        self.shared.enter(None)?;
        self.shared
            .items
            .lock()
            .unwrap()
            .get(&self.key)
            .cloned()
            .ok_or(Error::NoEntry)
    }

    fn delete_credential(&self) -> keyring_core::Result<()> {
        self.shared.enter(None)?;
        self.shared
            .items
            .lock()
            .unwrap()
            .remove(&self.key)
            .map(|_| ())
            .ok_or(Error::NoEntry)
    }

    fn get_credential(&self) -> keyring_core::Result<Option<Arc<Credential>>> {
        self.get_secret().map(|_| None)
    }

    fn get_specifiers(&self) -> Option<(String, String)> {
        Some(self.key.clone())
    }

    fn as_any(&self) -> &dyn std::any::Any {
        self
    }
}

impl CredentialStoreApi for FaultStore {
    fn vendor(&self) -> String {
        "flyte keyring tests: fault store".into()
    }

    fn id(&self) -> String {
        format!("{:p}", Arc::as_ptr(&self.shared))
    }

    fn build(
        &self,
        service: &str,
        user: &str,
        _modifiers: Option<&HashMap<&str, &str>>,
    ) -> keyring_core::Result<Entry> {
        self.shared.calls.fetch_add(1, Ordering::SeqCst);
        let cred = FaultCred {
            shared: Arc::clone(&self.shared),
            key: (service.into(), user.into()),
        };
        Ok(Entry::new_with_credential(Arc::new(cred)))
    }

    fn as_any(&self) -> &dyn std::any::Any {
        self
    }
}

/// The bound the fault tests give each call.
pub(crate) const SHORT: Duration = Duration::from_millis(300);

/// A cache on `store`, bounded by [`SHORT`], reading no environment.
pub(crate) fn fault_keyring(store: &Arc<FaultStore>) -> flyte::remote::keyring::KeyringStore {
    flyte::remote::keyring::KeyringStore::builder()
        .backend(flyte::remote::keyring::Backend::Store(store.clone()))
        .timeout(SHORT)
        .env(|_| None)
        .build()
}

/// An endpoint no other test (or earlier run) uses: `dns:///flyte-test-<tag>-<pid>-<ns>.example`.
pub(crate) fn unique_endpoint(tag: &str) -> String {
    let nanos = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .unwrap()
        .as_nanos();
    format!(
        "dns:///flyte-test-{tag}-{}-{nanos}.example",
        std::process::id()
    )
}

/// A token value that is easy to search for in output.
pub(crate) fn token(kind: &str) -> String {
    let nanos = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .unwrap()
        .subsec_nanos();
    format!("tok-{kind}-{nanos:09}-{}", std::process::id())
}

/// The Python interpreter for interop tests (`FLYTE_TEST_PYTHON`, which `#[needs(python)]`
/// checked).
pub(crate) fn python() -> PathBuf {
    PathBuf::from(std::env::var_os("FLYTE_TEST_PYTHON").expect("checked by #[needs(python)]"))
}

/// The repo's tests/python/keyring_sdk.py.
pub(crate) fn sdk_script() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../tests/python/keyring_sdk.py")
}

/// Runs the Python helper with `args`, feeding `stdin`; panics with its stderr on failure.
pub(crate) fn run_python(python: &PathBuf, args: &[&str], stdin: &str) -> String {
    use std::io::Write;
    let mut child = Command::new(python)
        .arg(sdk_script())
        .args(args)
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .expect("start python");
    child
        .stdin
        .take()
        .unwrap()
        .write_all(stdin.as_bytes())
        .unwrap();
    let out = child.wait_with_output().unwrap();
    assert!(
        out.status.success(),
        "python {args:?} failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).unwrap()
}

/// Env var telling a child copy of this test binary what to do.
pub(crate) const CHILD_ENV: &str = "FLYTE_KEYRING_TEST_CHILD";

/// Runs the `#[ignore]`d test `name` (its path in the binary, `module::test`) of this same
/// binary in a new process, with `env`.
pub(crate) fn run_child(name: &str, env: &[(&str, &str)], wrapper: &[&str]) -> Output {
    let exe = std::env::current_exe().unwrap();
    let mut cmd = match wrapper.split_first() {
        Some((program, args)) => {
            let mut c = Command::new(program);
            c.args(args).arg(exe);
            c
        }
        None => Command::new(exe),
    };
    cmd.args([
        "--exact",
        name,
        "--ignored",
        "--nocapture",
        "--test-threads=1",
    ]);
    for (k, v) in env {
        cmd.env(k, v);
    }
    let out = cmd.output().expect("start child test process");
    assert!(
        out.status.success(),
        "child {name} failed:\n{}\n{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    out
}

/// The value the child printed as `RESULT <value>`.
pub(crate) fn child_result(out: &Output) -> String {
    let stdout = String::from_utf8_lossy(&out.stdout);
    stdout
        .lines()
        .find_map(|l| l.split_once("RESULT ").map(|(_, r)| r))
        .unwrap_or_else(|| panic!("child printed no RESULT line:\n{stdout}"))
        .to_owned()
}

/// Waits for `f` to hold, up to 10 s (the bound the tests allow any keyring call).
pub(crate) fn within_10s<T>(what: &str, f: impl FnOnce() -> T + Send + 'static) -> T
where
    T: Send + 'static,
{
    let (tx, rx) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        let _ = tx.send(f());
    });
    rx.recv_timeout(Duration::from_secs(10))
        .unwrap_or_else(|_| panic!("{what} did not return within 10 s"))
}

/// Deletes an endpoint's tokens when dropped, so a failing test leaves nothing behind
/// (Secret Service items persist on disk; keyutils ones until reboot).
pub(crate) struct Cleanup(pub flyte::remote::keyring::KeyringStore, pub String);

impl Drop for Cleanup {
    fn drop(&mut self) {
        let _ = self.0.delete(&self.1);
    }
}
