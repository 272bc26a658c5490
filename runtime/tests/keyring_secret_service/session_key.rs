//! Security regression: the key of the encrypted Secret Service session.
//!
//! The session's AES key comes from a Diffie-Hellman exchange whose public keys cross the
//! session bus, where any process that may monitor the bus reads them. The D-Bus client
//! (`dbus-secret-service`, vendored) drew its private key from `fastrand`, whose per-thread
//! state is SipHash with fixed keys of the monotonic clock and the thread id. The attack: read
//! the client's public key off the bus, then try the clock readings around the process's start
//! (`/proc/PID/stat` gives it) until one gives that public key; the private key then yields
//! the session key, and every token of the session is read in clear.
//!
//! The replay, without the search: two sessions opened from one `fastrand` state (what two
//! guesses of the same clock reading are) send the same public key when the key follows that
//! state. With the key from the OS's random source they differ.

use std::io::{BufRead, BufReader};
use std::process::{Child, Command, Stdio};
use std::sync::mpsc;
use std::time::Duration;

use flyte_test_backends::needs;

/// The public keys of the sessions opened while it runs, as `dbus-monitor` shows them.
struct Monitor {
    child: Child,
    keys: mpsc::Receiver<Vec<u8>>,
}

impl Monitor {
    fn start() -> Monitor {
        let mut child = Command::new("dbus-monitor")
            .args([
                "--session",
                "type='method_call',interface='org.freedesktop.Secret.Service',member='OpenSession'",
            ])
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .expect("dbus-monitor starts");
        let (ready_tx, ready) = mpsc::channel();
        let (tx, keys) = mpsc::channel();
        let lines = BufReader::new(child.stdout.take().unwrap()).lines();
        std::thread::spawn(move || {
            let (mut in_call, mut key) = (false, None::<Vec<u8>>);
            for line in lines.map_while(Result::ok) {
                // The bus tells the monitor it lost its name once monitoring has begun.
                if line.contains("member=NameLost") {
                    let _ = ready_tx.send(());
                }
                if line.contains("member=OpenSession") {
                    in_call = true;
                } else if in_call && line.contains("array of bytes [") {
                    key = Some(Vec::new());
                } else if let Some(bytes) = key.as_mut() {
                    if line.trim() == "]" {
                        let _ = tx.send(key.take().unwrap());
                        in_call = false;
                    } else {
                        bytes.extend(
                            line.split_whitespace()
                                .map(|b| u8::from_str_radix(b, 16).expect("a hex byte")),
                        );
                    }
                }
            }
        });
        ready
            .recv_timeout(Duration::from_secs(10))
            .expect("dbus-monitor did not begin monitoring the session bus");
        Monitor { child, keys }
    }

    fn next_key(&self) -> Vec<u8> {
        self.keys
            .recv_timeout(Duration::from_secs(10))
            .expect("an OpenSession with a DH public key on the bus")
    }
}

impl Drop for Monitor {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Opens an encrypted session, as the keyring store does for each `KeyringStore`, on a thread
/// whose `fastrand` state is `seed`.
fn open_session_from(seed: u64) {
    std::thread::spawn(move || {
        fastrand::seed(seed);
        dbus_secret_service_keyring_store::Store::new().expect("an encrypted session");
    })
    .join()
    .unwrap();
}

#[needs(dbus, dbus_monitor)]
#[test]
fn the_session_key_is_not_a_function_of_a_guessable_prng_state() {
    let monitor = Monitor::start();
    open_session_from(0x5eed);
    let first = monitor.next_key();
    open_session_from(0x5eed);
    let second = monitor.next_key();
    // 1024-bit public keys, as the dh-ietf1024 algorithm sends them.
    assert!(first.len() > 100 && second.len() > 100, "{first:?}");
    assert_ne!(
        first, second,
        "two sessions opened from one fastrand state sent the same DH public key: the private \
         key follows a PRNG seeded from the clock, which a reader of the bus can search"
    );
}
