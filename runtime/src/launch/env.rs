//! The environment a launched task starts with: a Flyte pod's, not the launcher's.

use std::ffi::{OsStr, OsString};

/// The launcher's variables a launched task (and `BIN list`) gets, when set: a small base, the
/// runtime's own file-secret root, and what a Flyte pod carries about its execution. A name
/// ending in `*` is a prefix. Everything else, credentials such as `FLYTE_API_KEY` included,
/// stays with the launcher unless asked for ([`super::Launcher::env`], `flyte run --env`).
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
pub fn is_inherited(name: &OsStr) -> bool {
    let Some(name) = name.to_str() else {
        return false;
    };
    INHERITED_ENV.iter().any(|p| match p.strip_suffix('*') {
        Some(prefix) => name.starts_with(prefix),
        None => name == *p,
    })
}

/// The launcher's variables of [`INHERITED_ENV`].
pub(crate) fn inherited() -> impl Iterator<Item = (OsString, OsString)> {
    std::env::vars_os().filter(|(k, _)| is_inherited(k))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_the_listed_names_are_inherited() {
        for yes in [
            "PATH",
            "LC_ALL",
            "LC_CTYPE",
            "RUN_NAME",
            "FLYTE_INTERNAL_TASK_NAME",
        ] {
            assert!(is_inherited(OsStr::new(yes)), "{yes}");
        }
        for no in [
            "FLYTE_API_KEY",
            "FLYTE_SERVER_TOKENS",
            "LD_PRELOAD",
            "PATHX",
            "LC",
        ] {
            assert!(!is_inherited(OsStr::new(no)), "{no}");
        }
    }
}
