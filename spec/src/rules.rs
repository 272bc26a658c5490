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

/// `FLYTE_SECRETS_ENV_PREFIX`: the prefix of injected env-var names (a Flyte pod's webhook
/// sets it, and so does a launch).
pub const ENV_PREFIX_VAR: &str = "FLYTE_SECRETS_ENV_PREFIX";
/// The value of [`ENV_PREFIX_VAR`] that Flyte's webhook sets by default.
pub const DEFAULT_ENV_PREFIX: &str = "_UNION_";
/// `FLYTE_SECRETS_DEFAULT_DIR`: the directory file secrets are mounted in.
pub const DEFAULT_DIR_VAR: &str = "FLYTE_SECRETS_DEFAULT_DIR";
/// `FLYTE_SECRETS_FILE_PREFIX`: the prefix of mounted file names (empty on Flyte 2).
pub const FILE_PREFIX_VAR: &str = "FLYTE_SECRETS_FILE_PREFIX";
/// `FLYTE_SECRETS_ROOT`: where file secrets go when the standard directory is not used.
pub const SECRETS_ROOT_VAR: &str = "FLYTE_SECRETS_ROOT";
/// `FLYTE_TASK_LAUNCHED`: set in a launched task, which then reports a missing secret instead
/// of launching itself again.
pub const LAUNCHED_VAR: &str = "FLYTE_TASK_LAUNCHED";
/// `FLYTE_TASK_RUN_ID`: a launched task's run, which tells its own files from other runs'.
pub const RUN_ID_VAR: &str = "FLYTE_TASK_RUN_ID";

/// `FLYTE_INTERNAL_EXECUTION_ID`: set in every Flyte task pod, so its presence tells a
/// process it runs on a cluster (the Python SDK's test too).
pub const EXECUTION_ID_VAR: &str = "FLYTE_INTERNAL_EXECUTION_ID";
/// `FLYTE_INTERNAL_EXECUTION_PROJECT`: the project of a pod's execution.
pub const EXECUTION_PROJECT_VAR: &str = "FLYTE_INTERNAL_EXECUTION_PROJECT";
/// `FLYTE_INTERNAL_EXECUTION_DOMAIN`: the domain of a pod's execution.
pub const EXECUTION_DOMAIN_VAR: &str = "FLYTE_INTERNAL_EXECUTION_DOMAIN";
/// `_U_ORG_NAME`: the organization of a pod's execution.
pub const ORG_NAME_VAR: &str = "_U_ORG_NAME";

/// The env vars a launch sets for the task itself (`BIN run`, `flyte run`, and on a cluster
/// the pod's webhook for the first three): a secret there would be overwritten.
pub const LAUNCH_SET_ENV: &[&str] = &[
    ENV_PREFIX_VAR,
    DEFAULT_DIR_VAR,
    FILE_PREFIX_VAR,
    LAUNCHED_VAR,
    RUN_ID_VAR,
];

/// The env vars a POSIX shell sets in every process it starts: a secret there would be
/// shadowed by the shell's value whenever a task is started from one.
pub const SHELL_SET_ENV: &[&str] = &["PWD", "OLDPWD", "SHLVL", "_"];

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
    SECRETS_ROOT_VAR,
    // a Flyte pod's execution variables
    EXECUTION_ID_VAR,
    EXECUTION_PROJECT_VAR,
    EXECUTION_DOMAIN_VAR,
    "FLYTE_INTERNAL_TASK_PROJECT",
    "FLYTE_INTERNAL_TASK_DOMAIN",
    "FLYTE_INTERNAL_TASK_NAME",
    "FLYTE_INTERNAL_TASK_VERSION",
    "ACTION_NAME",
    "RUN_NAME",
    ORG_NAME_VAR,
];

/// Whether `name` is in [`INHERITED_ENV`].
pub fn is_inherited_env(name: &str) -> bool {
    INHERITED_ENV.iter().any(|p| match p.strip_suffix('*') {
        Some(prefix) => name.starts_with(prefix),
        None => name == *p,
    })
}

/// Why `name` cannot hold a secret, or `None` when it can: the rule of
/// [`SpecError::ReservedEnvName`](crate::SpecError::ReservedEnvName).
pub fn reserved_env(name: &str) -> Option<&'static str> {
    if is_loader_env(name) {
        Some("the dynamic loader reads it before the task runs")
    } else if is_inherited_env(name) {
        Some("every task process already has it, so the secret would never be read there")
    } else if LAUNCH_SET_ENV.contains(&name) {
        Some("the launch sets it for every task (where its secrets are), over the secret")
    } else if SHELL_SET_ENV.contains(&name) {
        Some("a shell sets it in every process it starts, over the secret")
    } else {
        None
    }
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

/// The longest name a secret service stores (the longest Kubernetes object name).
pub const SERVICE_NAME_MAX_LEN: usize = 253;

/// The names a secret service stores, as stated in messages: Flyte's own rule
/// (`SecretIdentifier.name` carries the protovalidate pattern `^[-a-zA-Z0-9_]+$` in
/// flyteidl2), plus the length cap.
pub const SERVICE_NAME_RULE: &str =
    "1 to 253 characters of ASCII letters, digits, `-` and `_` (Flyte's pattern ^[-a-zA-Z0-9_]+$)";

/// Whether a secret service can store a secret named `name` ([`SERVICE_NAME_RULE`]).
pub fn is_storable_name(name: &str) -> bool {
    !name.is_empty()
        && name.len() <= SERVICE_NAME_MAX_LEN
        && name
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
}

/// `BIN run TASK --inputs JSON`: all inputs as one JSON object.
pub const INPUTS_FLAG: &str = "inputs";
/// `BIN run TASK --inputs-file PATH` (`-`: stdin).
pub const INPUTS_FILE_FLAG: &str = "inputs-file";
/// `BIN run TASK --outputs-file PATH`: the output as JSON there.
pub const OUTPUTS_FILE_FLAG: &str = "outputs-file";
/// `BIN run TASK --check-inputs ...`: print the checked inputs, run nothing (for launchers).
pub const CHECK_INPUTS_FLAG: &str = "check-inputs";

/// The options `BIN run TASK` takes for itself, not for an input (its parser matches these
/// constants): a task parameter of one of these names (`_` for `-`) can be given only inside
/// the `--inputs` JSON, so `#[task]` warns about it.
pub const RUNNER_FLAGS: &[&str] = &[
    INPUTS_FLAG,
    INPUTS_FILE_FLAG,
    OUTPUTS_FILE_FLAG,
    CHECK_INPUTS_FLAG,
];

/// The runner option a task parameter named `param` would collide with (`--outputs-file` for
/// `outputs_file`), if any.
pub fn runner_flag(param: &str) -> Option<&'static str> {
    RUNNER_FLAGS.iter().copied().find(|flag| {
        flag.len() == param.len()
            && flag
                .bytes()
                .zip(param.bytes())
                .all(|(f, p)| f == p || (f == b'-' && p == b'_'))
    })
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
    fn runner_flags_are_matched_with_underscores() {
        assert_eq!(runner_flag("outputs_file"), Some("outputs-file"));
        assert_eq!(runner_flag("inputs"), Some("inputs"));
        assert_eq!(runner_flag("check_inputs"), Some("check-inputs"));
        assert_eq!(runner_flag("outputs-file"), Some("outputs-file"));
        for other in ["input", "inputs_", "outputs", "help", "inputs_files"] {
            assert_eq!(runner_flag(other), None, "{other}");
        }
    }

    #[test]
    fn reserved_env_names() {
        for name in [
            "LD_PRELOAD",
            "DYLD_INSERT_LIBRARIES",
            "PATH",
            "LC_ALL",
            "FLYTE_INTERNAL_EXECUTION_ID",
            "FLYTE_SECRETS_ROOT",
            "FLYTE_TASK_LAUNCHED",
            "FLYTE_TASK_RUN_ID",
            "FLYTE_SECRETS_DEFAULT_DIR",
            "FLYTE_SECRETS_ENV_PREFIX",
            "FLYTE_SECRETS_FILE_PREFIX",
            "PWD",
            "OLDPWD",
            "SHLVL",
            "_",
        ] {
            assert!(reserved_env(name).is_some(), "{name} should be reserved");
        }
        for name in ["MY_SECRET", "PWD_FILE", "_X", "FLYTE_API_KEY", "PATHS"] {
            assert_eq!(reserved_env(name), None, "{name}");
        }
    }

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
