//! The primitive rules: env-var names and the mount path.

/// The only mount path Flyte supports today.
pub const MOUNT_PATH: &str = "/etc/flyte/secrets";

/// The pattern every env-var name must match (Python's regex, quoted in messages).
pub const ENV_NAME_PATTERN: &str = "^[A-Z_][A-Z0-9_]*$";

/// `^[A-Z_][A-Z0-9_]*$`, anchored at both ends: unlike Python's `re.match`, a trailing
/// newline is refused.
pub fn is_valid_env_name(name: &str) -> bool {
    let mut bytes = name.bytes();
    match bytes.next() {
        Some(b'A'..=b'Z' | b'_') => bytes.all(|b| matches!(b, b'A'..=b'Z' | b'0'..=b'9' | b'_')),
        _ => false,
    }
}

/// The env vars a task run as its own process gets from its launcher, when set: a small
/// base, the runtime's own file-secret root, and what a Flyte pod carries about its execution.
/// A name ending in `*` is a prefix. A secret cannot land on one of them: the name is already
/// set where the task runs, so the secret would be shadowed by (or shadow) the process's own.
pub const INHERITED_ENV: &[&str] = &[
    // base
    "PATH",
    "HOME",
    "USER",
    "LANG",
    "LC_*",
    "TZ",
    "TMPDIR",
    "TERM",
    // where tasks called in-process inside the task put their file secrets (a path, no value)
    "FLYTE_SECRETS_ROOT",
    // a Flyte pod's execution variables
    "FLYTE_INTERNAL_EXECUTION_ID",
    "FLYTE_INTERNAL_EXECUTION_PROJECT",
    "FLYTE_INTERNAL_EXECUTION_DOMAIN",
    "FLYTE_INTERNAL_TASK_PROJECT",
    "FLYTE_INTERNAL_TASK_DOMAIN",
    "FLYTE_INTERNAL_TASK_NAME",
    "FLYTE_INTERNAL_TASK_VERSION",
    "ACTION_NAME",
    "RUN_NAME",
    "_U_ORG_NAME",
];

/// Whether `name` is in [`INHERITED_ENV`].
pub fn is_inherited_env(name: &str) -> bool {
    INHERITED_ENV.iter().any(|p| match p.strip_suffix('*') {
        Some(prefix) => name.starts_with(prefix),
        None => name == *p,
    })
}

/// Whether `name` is read by the dynamic loader (`LD_*`, `DYLD_*`): a secret there would be
/// taken as a library to load, before the task's own code runs.
pub fn is_loader_env(name: &str) -> bool {
    name.starts_with("LD_") || name.starts_with("DYLD_")
}

/// The env-var name the Python SDK derives when neither `mount` nor `as_env_var` is given:
/// `group_key` (or `key`), `-` replaced by `_`, then upper-cased (Unicode upper-casing, as
/// Python's `str.upper`). The result still has to pass [`is_valid_env_name`].
pub fn default_env_name(key: &str, group: Option<&str>) -> String {
    let joined = match group {
        Some(group) => format!("{group}_{key}"),
        None => key.to_owned(),
    };
    joined.replace('-', "_").to_uppercase()
}

/// Normalises a mount path the way Python's `pathlib.PurePosixPath` does before the SDK
/// compares it (`/etc/flyte/secrets/` and `/etc//flyte/./secrets` become `/etc/flyte/secrets`),
/// so we accept exactly what the Python SDK accepts.
pub fn normalize_mount(mount: &str) -> String {
    // POSIX keeps exactly two leading slashes; one or three-plus collapse to one.
    let lead = if mount.starts_with("//") && !mount.starts_with("///") {
        "//"
    } else if mount.starts_with('/') {
        "/"
    } else {
        ""
    };
    let parts: Vec<&str> = mount
        .split('/')
        .filter(|p| !p.is_empty() && *p != ".")
        .collect();
    let joined = format!("{lead}{}", parts.join("/"));
    if joined.is_empty() {
        ".".to_owned()
    } else {
        joined
    }
}

/// How a secret is named in messages and dotenv entries: `key`, or `group/key`.
pub fn display_name(key: &str, group: Option<&str>) -> String {
    match group {
        Some(group) => format!("{group}/{key}"),
        None => key.to_owned(),
    }
}

/// The name a secret service holds a secret under: its key (a Flyte cluster's injector looks
/// secrets up by key only; the group is not part of the name).
pub fn service_name(key: &str) -> &str {
    key
}

/// The name earlier releases stored a grouped secret under, `<group>-<key>`; still read, last
/// and with a warning, for one release.
pub fn legacy_service_name(key: &str, group: &str) -> String {
    format!("{group}-{key}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn env_names() {
        for ok in ["_", "A1", "MY_SECRET", "_X", "ABC_123"] {
            assert!(is_valid_env_name(ok), "{ok:?} should be valid");
        }
        for bad in [
            "",
            "1ST",
            "lower",
            "MY-SECRET",
            "MY.KEY",
            "X\n",
            "É",
            "A B",
            " A",
        ] {
            assert!(!is_valid_env_name(bad), "{bad:?} should be invalid");
        }
    }

    #[test]
    fn derived_names() {
        assert_eq!(default_env_name("my-secret", None), "MY_SECRET");
        assert_eq!(default_env_name("k", Some("g")), "G_K");
        assert_eq!(default_env_name("token", Some("git-hub")), "GIT_HUB_TOKEN");
        // Python's str.upper maps these non-ASCII letters to ASCII; so do we.
        assert_eq!(default_env_name("ſecret", None), "SECRET");
        assert_eq!(default_env_name("straße", None), "STRASSE");
    }

    #[test]
    fn mount_normalisation() {
        assert_eq!(normalize_mount("/etc/flyte/secrets"), MOUNT_PATH);
        assert_eq!(normalize_mount("/etc/flyte/secrets/"), MOUNT_PATH);
        assert_eq!(normalize_mount("/etc//flyte/./secrets"), MOUNT_PATH);
        assert_eq!(normalize_mount("///etc/flyte/secrets"), MOUNT_PATH);
        assert_eq!(
            normalize_mount("//etc/flyte/secrets"),
            "//etc/flyte/secrets"
        );
        assert_eq!(
            normalize_mount("/etc/flyte/../flyte/secrets"),
            "/etc/flyte/../flyte/secrets"
        );
        assert_eq!(normalize_mount(""), ".");
    }
}
