//! Detects which test backends this machine has and emits `missing_<backend>` for each one
//! that is absent, unless `CI=true` (CI must run every test, so there nothing is missing and a
//! test whose backend is absent fails). Runs again only when an input it read changes: the
//! environment variables below, or a program it found on PATH.

use std::env;
use std::ffi::OsString;
use std::path::PathBuf;

/// Every backend `#[needs(..)]` knows; keep in step with `BACKENDS` in src/lib.rs.
const ALL: [&str; 7] = [
    "python",
    "dbus",
    "root",
    "gnome_keyring",
    "secret_tool",
    "keyctl",
    "script",
];

/// The backends that are programs, and the programs each needs on PATH.
const PROGRAMS: [(&str, &[&str]); 4] = [
    (
        "gnome_keyring",
        &["dbus-run-session", "gnome-keyring-daemon"],
    ),
    ("secret_tool", &["secret-tool"]),
    ("keyctl", &["keyctl"]),
    ("script", &["script"]),
];

fn main() {
    println!("cargo::rerun-if-changed=build.rs");
    for backend in ALL {
        println!("cargo::rustc-check-cfg=cfg(missing_{backend})");
    }
    if var("CI").is_some_and(|v| v == "true") {
        return;
    }
    let mut missing = Vec::new();
    if var("FLYTE_TEST_PYTHON").is_none_or(|v| v.is_empty()) {
        missing.push("python");
    }
    if !dbus_session() {
        missing.push("dbus");
    }
    if !root() {
        missing.push("root");
    }
    let path = var("PATH").unwrap_or_default();
    for (backend, programs) in PROGRAMS {
        // Each program, so that all found ones are watched.
        let found: Vec<bool> = programs.iter().map(|p| on_path(&path, p)).collect();
        if found.contains(&false) {
            missing.push(backend);
        }
    }
    for backend in missing {
        println!("cargo::rustc-cfg=missing_{backend}");
    }
}

/// The variable's value, and tells cargo to run this script again when it changes.
fn var(name: &str) -> Option<OsString> {
    println!("cargo::rerun-if-env-changed={name}");
    env::var_os(name)
}

/// A D-Bus session bus is configured, as the tests' own check has it. `.ci/with-keyring.sh`
/// sets `FLYTE_IN_DBUS_SESSION=1` for the private session it starts; there the bus address,
/// new on every run, is not read, since tracking it would rebuild the tests each time.
fn dbus_session() -> bool {
    var("FLYTE_IN_DBUS_SESSION").is_some_and(|v| v == "1")
        || var("DBUS_SESSION_BUS_ADDRESS").is_some_and(|v| !v.is_empty())
}

/// Whether this build runs as root (the tests run as the same user). No variable holds the
/// uid: the ones that change with the user (`su`, `sudo`) are watched instead.
fn root() -> bool {
    for name in ["USER", "HOME", "SUDO_UID"] {
        var(name);
    }
    euid_is_root()
}

#[cfg(target_os = "linux")]
fn euid_is_root() -> bool {
    use std::os::unix::fs::MetadataExt as _;
    // /proc/self belongs to the process's effective uid.
    std::fs::metadata("/proc/self").is_ok_and(|m| m.uid() == 0)
}

#[cfg(all(unix, not(target_os = "linux")))]
fn euid_is_root() -> bool {
    std::process::Command::new("id")
        .arg("-u")
        .output()
        .is_ok_and(|o| o.stdout.trim_ascii() == b"0")
}

#[cfg(not(unix))]
fn euid_is_root() -> bool {
    false
}

/// Whether `program` is a file in a PATH directory; a found one is watched (an uninstall or
/// upgrade re-detects). One not found is not: cargo would run this script on every build.
fn on_path(path: &OsString, program: &str) -> bool {
    let found: Option<PathBuf> = env::split_paths(path)
        .map(|dir| dir.join(program))
        .find(|p| p.is_file());
    if let Some(p) = &found {
        println!("cargo::rerun-if-changed={}", p.display());
    }
    found.is_some()
}
