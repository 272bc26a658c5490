//! Detects which test backends this machine has and emits `missing_<backend>` for each one
//! that is absent, unless `CI=true` (CI must run every test, so there nothing is missing and a
//! test whose backend is absent fails). Runs again only when an input it read changes: the
//! environment variables below, or a program it found on PATH.

use std::env;
use std::ffi::OsString;
use std::path::PathBuf;

/// Every backend `#[needs(..)]` knows; keep in step with `BACKENDS` in src/lib.rs.
const ALL: [&str; 11] = [
    "python",
    "dbus",
    "root",
    "gnome_keyring",
    "secret_tool",
    "dbus_monitor",
    "keyctl",
    "script",
    "idp",
    "postgres",
    "openbao",
];

/// The backends that are programs, and the programs each needs on PATH.
const PROGRAMS: [(&str, &[&str]); 5] = [
    (
        "gnome_keyring",
        &["dbus-run-session", "gnome-keyring-daemon"],
    ),
    ("secret_tool", &["secret-tool"]),
    ("dbus_monitor", &["dbus-monitor"]),
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
    if !idp(&path) {
        missing.push("idp");
    }
    let postgres = match var("FLYTE_TEST_PG_BIN") {
        Some(dir) => ["initdb", "pg_ctl"]
            .iter()
            .all(|p| watched_file(&PathBuf::from(&dir).join(p))),
        None => on_path(&path, "initdb") & on_path(&path, "pg_ctl"),
    };
    if !postgres {
        missing.push("postgres");
    }
    let openbao = match var("FLYTE_TEST_BAO") {
        Some(bao) => watched_file(&PathBuf::from(bao)),
        None => on_path(&path, "bao"),
    };
    if !openbao {
        missing.push("openbao");
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

/// Whether `path` is a file; a found one is watched, as in [`on_path`].
fn watched_file(path: &std::path::Path) -> bool {
    let found = path.is_file();
    if found {
        println!("cargo::rerun-if-changed={}", path.display());
    }
    found
}

/// Node (`FLYTE_TEST_NODE`, else on PATH) and the identity provider's packages in
/// tests/oidc/node_modules. While they are missing, tests/oidc itself is watched (a few
/// files), so that `npm ci` there re-runs this script.
fn idp(path: &OsString) -> bool {
    let node = match var("FLYTE_TEST_NODE") {
        Some(node) => watched_file(&PathBuf::from(node)),
        None => on_path(path, "node"),
    };
    let root = PathBuf::from(env::var_os("CARGO_MANIFEST_DIR").unwrap_or_default());
    let oidc = root.join("../tests/oidc");
    let package = oidc.join("node_modules/oidc-provider/package.json");
    let installed = watched_file(&package);
    if !installed {
        println!("cargo::rerun-if-changed={}", oidc.display());
    }
    node && installed
}
