//! Differential check of the secret rules against the Python SDK (flyte 2.12.1).
//!
//! Over a generated list of keys, groups, env-var names and mounts, `flyte::Secret` and
//! Python's `flyte.Secret` must agree on accept or refuse, the env var, the normalised mount,
//! the message and `stable_hash`. Where we are stricter on purpose (the README lists these
//! rules), the case is checked to be refused by us with our own message.
//!
//! Each task's `flyteidl2.core.SecurityContext` (what a Flyte cluster reads to inject the
//! secrets) must be Python's `get_security_context` output for the same declarations, in
//! binary and in proto3 JSON (module `security_context`).
//!
//! Needs the Python SDK: `FLYTE_TEST_PYTHON` names the interpreter (CI sets it); without it
//! the tests are ignored (`cargo test` says why), except under `CI=true`, where they fail.

use std::io::Write;
use std::process::{Command, Stdio};

use flyte::Secret;
use flyte_test_backends::needs;
use serde_json::{Value, json};

const MOUNT: &str = "/etc/flyte/secrets";

#[derive(Clone, Debug)]
struct Case {
    key: String,
    group: Option<String>,
    mount: Option<String>,
    as_env_var: Option<String>,
}

#[derive(Debug, PartialEq)]
enum Outcome {
    Accepted {
        env_var: Option<String>,
        mount: Option<String>,
        hash: String,
    },
    Refused(String),
}

/// Where we refuse on purpose what Python accepts (or refuses with another message).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum Deliberate {
    /// `key = ""`: Python accepts it with a group or a mount, or refuses with an empty name.
    EmptyKey,
    /// `group = ""`: Python takes it for no group.
    EmptyGroup,
    /// Python silently drops the mount.
    MountWithEnvVar,
    /// `as_env_var = ""`: Python takes it for none and derives the name.
    EmptyEnvName,
    /// Python's `re.match` with `$` accepts `"X\n"`.
    TrailingNewline,
    /// A file secret whose key or group leaves the mount directory.
    EscapesMount,
    /// A file secret whose key or group starts with `.` (a hidden file).
    HiddenFile,
    /// An env var the loader reads (`LD_*`), every task process has (`PATH`, ...), the launch
    /// or a shell sets (`FLYTE_TASK_LAUNCHED`, `PWD`, ...).
    ReservedEnvName,
    /// Both refuse a name with a control or other unprintable character (`A\nB`), but we
    /// print it quoted and escaped, so that it cannot break the message's line or the
    /// terminal.
    ControlCharacter,
    /// Both refuse, but the name in the message is upper-cased with different Unicode tables
    /// (Rust 1.95: Unicode 16; Python 3.11: Unicode 14).
    UnicodeVersion,
}

impl Deliberate {
    /// The start of our message for such a case.
    fn our_message(self) -> &'static str {
        match self {
            Deliberate::EmptyKey => "Secret key must not be empty",
            Deliberate::EmptyGroup => "Secret group must not be empty",
            Deliberate::MountWithEnvVar => "Secret cannot have both `mount` and `as_env_var`",
            Deliberate::EmptyEnvName => "Invalid environment variable name: , must match",
            Deliberate::TrailingNewline | Deliberate::UnicodeVersion => {
                "Invalid environment variable name: "
            }
            Deliberate::ControlCharacter => "Invalid environment variable name: \"",
            Deliberate::EscapesMount | Deliberate::HiddenFile => "Secret ",
            Deliberate::ReservedEnvName => "Environment variable name ",
        }
    }
}

/// Follows the order of the checks: Python's two (mount, then env-var name) first, where
/// both must refuse alike, then the ones where we are stricter.
fn deliberate(c: &Case) -> Option<Deliberate> {
    let escapes = |s: &str| s == "." || s == ".." || s.contains(['/', '\0']);
    if c.mount
        .as_deref()
        .is_some_and(|m| flyte_spec::normalize_mount(m) != MOUNT)
    {
        return None;
    }
    if c.group.as_deref() == Some("") {
        return Some(Deliberate::EmptyGroup);
    }
    if c.as_env_var.as_deref() == Some("") {
        return Some(Deliberate::EmptyEnvName);
    }
    let env = match (&c.mount, &c.as_env_var) {
        (None, None) => Some(flyte_spec::default_env_name(&c.key, c.group.as_deref())),
        (_, Some(name)) => Some(name.clone()),
        (Some(_), None) => None,
    };
    if env.as_deref().is_some_and(|e| {
        e.strip_suffix('\n')
            .is_some_and(flyte_spec::is_valid_env_name)
    }) {
        return Some(Deliberate::TrailingNewline);
    }
    if env.is_some() && c.key.contains('\u{1c8a}') {
        return Some(Deliberate::UnicodeVersion);
    }
    let unprintable =
        |c: char| !matches!(c, '"' | '\'' | '\\') && c.escape_debug().nth(1).is_some();
    if env.as_deref().is_some_and(|e| e.contains(unprintable)) {
        return Some(Deliberate::ControlCharacter);
    }
    let derived_from_empty_key = c.key.is_empty() && c.as_env_var.is_none();
    if !derived_from_empty_key
        && env
            .as_deref()
            .is_some_and(|e| !flyte_spec::is_valid_env_name(e))
    {
        return None;
    }
    if env
        .as_deref()
        .is_some_and(|e| flyte_spec::reserved_env(e).is_some())
    {
        return Some(Deliberate::ReservedEnvName);
    }
    if c.key.is_empty() {
        return Some(Deliberate::EmptyKey);
    }
    if c.mount.is_some() && c.as_env_var.is_some() {
        return Some(Deliberate::MountWithEnvVar);
    }
    if c.mount.is_some() && (escapes(&c.key) || c.group.as_deref().is_some_and(escapes)) {
        return Some(Deliberate::EscapesMount);
    }
    let hidden = |s: &str| s.starts_with('.');
    if c.mount.is_some() && (hidden(&c.key) || c.group.as_deref().is_some_and(hidden)) {
        return Some(Deliberate::HiddenFile);
    }
    None
}

fn ours(c: &Case) -> Outcome {
    let mut builder = Secret::builder(c.key.clone());
    if let Some(group) = &c.group {
        builder = builder.group(group.clone());
    }
    if let Some(mount) = &c.mount {
        builder = builder.mount(mount.clone());
    }
    if let Some(name) = &c.as_env_var {
        builder = builder.as_env_var(name.clone());
    }
    match builder.build() {
        Ok(s) => Outcome::Accepted {
            env_var: s.env_var().map(str::to_owned),
            mount: s.mount().map(str::to_owned),
            hash: s.stable_hash(),
        },
        Err(e) => Outcome::Refused(e.to_string()),
    }
}

/// Runs every case through Python's `flyte.Secret`, the mount given as `mount_as`
/// (`"path"`: `pathlib.Path`, the declared type; `"str"`: a plain string).
fn python(interpreter: &str, cases: &[Case], mount_as: &str) -> Vec<Outcome> {
    let script = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/python/secret_rules.py");
    let input: Vec<Value> = cases
        .iter()
        .map(|c| json!({"key": c.key, "group": c.group, "mount": c.mount, "as_env_var": c.as_env_var, "mount_as": mount_as}))
        .collect();
    let mut child = Command::new(interpreter)
        .arg(script)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .unwrap_or_else(|e| panic!("cannot start {interpreter}: {e}"));
    let mut stdin = child.stdin.take().unwrap();
    let body = serde_json::to_vec(&input).unwrap();
    let writer = std::thread::spawn(move || stdin.write_all(&body));
    let output = child.wait_with_output().unwrap();
    writer.join().unwrap().unwrap();
    assert!(output.status.success(), "{script} failed");
    let results: Vec<Value> = serde_json::from_slice(&output.stdout).unwrap();
    assert_eq!(results.len(), cases.len());
    let text = |v: &Value| v.as_str().map(str::to_owned);
    results
        .iter()
        .map(|r| match r["ok"].as_bool() {
            Some(true) => Outcome::Accepted {
                env_var: text(&r["as_env_var"]),
                mount: text(&r["mount"]),
                hash: text(&r["hash"]).unwrap(),
            },
            _ => Outcome::Refused(text(&r["error"]).unwrap()),
        })
        .collect()
}

/// Strings of length 1 and 2 over `alphabet`, plus `extra`.
fn generated(alphabet: &[&str], extra: &[&str]) -> Vec<String> {
    let mut out: Vec<String> = alphabet.iter().map(|a| a.to_string()).collect();
    for a in alphabet {
        for b in alphabet {
            out.push(format!("{a}{b}"));
        }
    }
    out.extend(extra.iter().map(|e| e.to_string()));
    out.sort();
    out.dedup();
    out
}

fn cases() -> Vec<Case> {
    let keys = generated(
        &[
            "a", "Z", "-", "_", ".", "1", "é", "ß", "ſ", "ﬁ", " ", "/", "\n", "\0",
        ],
        &[
            "my-secret",
            "api-key",
            "MY_SECRET",
            "db.password",
            "1st",
            "token",
            "..",
            "",
            "\u{1c8a}",
            "ŉ",
            "x\n",
            "café",
            "path",
            "home",
        ],
    );
    let file_keys: Vec<String> = keys
        .iter()
        .filter(|k| k.chars().count() != 2)
        .cloned()
        .collect();
    let groups: Vec<Option<&str>> = vec![
        None,
        Some(""),
        Some("g"),
        Some("github"),
        Some("my-group"),
        Some("1"),
        Some("-"),
        Some("é"),
        Some("."),
        Some(".."),
        Some("a/b"),
    ];
    let env_names = generated(
        &["A", "a", "_", "1", "-", ".", "É", "\n", " "],
        &[
            "OPENAI_API_KEY",
            "_",
            "A1",
            "1A",
            "",
            "X\n",
            "my_var",
            "MY.KEY",
            "A\nB",
            "PATH",
            "LD_PRELOAD",
            "LC_ALL",
        ],
    );
    let mounts = [
        MOUNT,
        "/etc/flyte/secrets/",
        "/etc//flyte/./secrets",
        "///etc/flyte/secrets",
        "//etc/flyte/secrets",
        "/etc/flyte/secrets/.",
        "/etc/flyte/../flyte/secrets",
        "/etc/flyte",
        "/tmp",
        "etc/flyte/secrets",
        "",
        "/ETC/flyte/secrets",
        "/etc/flyte/secrets\n",
    ];
    let case = |key: &str, group: Option<&str>, mount: Option<&str>, env: Option<&str>| Case {
        key: key.to_owned(),
        group: group.map(str::to_owned),
        mount: mount.map(str::to_owned),
        as_env_var: env.map(str::to_owned),
    };
    let mut out = Vec::new();
    for key in &keys {
        for group in &groups {
            out.push(case(key, *group, None, None));
        }
    }
    for key in ["k", "my.key", "", "a/b"] {
        for group in [None, Some("g")] {
            for name in &env_names {
                out.push(case(key, group, None, Some(name)));
            }
        }
    }
    for key in &file_keys {
        for group in &groups {
            for mount in mounts {
                out.push(case(key, *group, Some(mount), None));
            }
        }
    }
    for mount in [MOUNT, "/etc/flyte/secrets/", "/tmp", ""] {
        for name in ["X", "Y_1", "bad-name", ""] {
            out.push(case("k", None, Some(mount), Some(name)));
        }
    }
    out
}

/// The Python interpreter (`FLYTE_TEST_PYTHON`, which `#[needs(python)]` checked).
fn interpreter() -> String {
    std::env::var("FLYTE_TEST_PYTHON").expect("checked by #[needs(python)]")
}

#[needs(python)]
#[test]
fn runtime_rules_match_the_python_sdk() {
    let interpreter = interpreter();
    let cases = cases();
    let theirs = python(&interpreter, &cases, "path");
    let mut mismatches = Vec::new();
    let mut deliberate_counts = std::collections::BTreeMap::<Deliberate, (usize, usize)>::new();
    let mut agreed = (0, 0);
    for (case, theirs) in cases.iter().zip(&theirs) {
        let ours = ours(case);
        match deliberate(case) {
            None if ours == *theirs => {
                if matches!(ours, Outcome::Accepted { .. }) {
                    agreed.0 += 1
                } else {
                    agreed.1 += 1
                }
            }
            None => mismatches.push(format!(
                "{case:?}\n  ours:   {ours:?}\n  python: {theirs:?}"
            )),
            Some(why) => {
                let ok = matches!(&ours, Outcome::Refused(m) if m.starts_with(why.our_message()));
                if !ok {
                    mismatches.push(format!(
                        "{case:?} ({why:?})\n  ours:   {ours:?}\n  python: {theirs:?}"
                    ));
                }
                if why == Deliberate::UnicodeVersion && !matches!(theirs, Outcome::Refused(_)) {
                    mismatches.push(format!(
                        "{case:?}: Python accepts a name we refuse\n  python: {theirs:?}"
                    ));
                }
                let entry = deliberate_counts.entry(why).or_default();
                entry.0 += 1;
                entry.1 += usize::from(matches!(theirs, Outcome::Accepted { .. }));
            }
        }
    }
    println!(
        "{} cases: {} accepted and {} refused alike",
        cases.len(),
        agreed.0,
        agreed.1
    );
    for (why, (n, python_accepts)) in &deliberate_counts {
        println!(
            "  deliberately stricter, {why:?}: {n} cases, {python_accepts} of them accepted by Python"
        );
    }
    assert!(
        mismatches.is_empty(),
        "{} cases differ from Python:\n{}",
        mismatches.len(),
        mismatches.join("\n")
    );
    // The comparison means something only if both sides accept and refuse plenty.
    assert!(agreed.0 > 500 && agreed.1 > 500, "{agreed:?}");
}

/// The SDK declares `mount: pathlib.Path` but does not convert a string: given a plain
/// string it compares it unnormalised (and takes `""` for no mount). We follow the declared
/// type, so with strings we accept exactly the spellings pathlib normalises to the mount.
#[needs(python)]
#[test]
fn string_mounts_differ_only_by_normalisation() {
    let interpreter = interpreter();
    let cases: Vec<Case> = cases()
        .into_iter()
        .filter(|c| c.mount.is_some() && deliberate(c).is_none())
        .collect();
    let theirs = python(&interpreter, &cases, "str");
    let mut unexpected = Vec::new();
    let mut normalised = 0;
    for (case, theirs) in cases.iter().zip(&theirs) {
        let ours = ours(case);
        let mount = case.mount.as_deref().unwrap();
        if ours == *theirs {
            continue;
        }
        let python_refuses_unnormalised = mount != MOUNT
            && flyte_spec::normalize_mount(mount) == MOUNT
            && *theirs
                == Outcome::Refused(format!(
                    "Only {MOUNT} is supported as secret mount path today."
                ));
        // `""` is falsy in Python: the request is taken as one without a mount, an env var.
        let python_ignores_empty = mount.is_empty()
            && match theirs {
                Outcome::Accepted { mount, env_var, .. } => mount.is_none() && env_var.is_some(),
                Outcome::Refused(m) => m.starts_with("Invalid environment variable name: "),
            };
        if python_refuses_unnormalised || python_ignores_empty {
            normalised += 1;
        } else {
            unexpected.push(format!(
                "{case:?}\n  ours:   {ours:?}\n  python: {theirs:?}"
            ));
        }
    }
    println!(
        "{} string-mount cases, {normalised} differ only by pathlib normalisation or \"\"",
        cases.len()
    );
    assert!(unexpected.is_empty(), "{}", unexpected.join("\n"));
    assert!(
        normalised > 0,
        "Python now normalises string mounts: update the README's rules and this test"
    );
}

#[path = "spec_python_diff/security_context.rs"]
mod security_context;
