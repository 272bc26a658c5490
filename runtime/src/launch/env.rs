//! The environment a launched task starts with: a Flyte pod's, not the launcher's.

use std::ffi::{OsStr, OsString};

/// The launcher's variables a launched task (and `BIN list`) gets, when set: a small base, the
/// runtime's own file-secret root, and what a Flyte pod carries about its execution. A name
/// ending in `*` is a prefix. Everything else, credentials such as `FLYTE_API_KEY` included,
/// stays with the launcher unless asked for ([`super::Launcher::env`], `flyte run --env`).
/// No secret may land on one of them (the rule is `flyte-spec`'s, which holds the list).
pub const INHERITED_ENV: &[&str] = flyte_spec::INHERITED_ENV;

/// Whether `name` is in [`INHERITED_ENV`].
pub(crate) fn is_inherited(name: &OsStr) -> bool {
    name.to_str().is_some_and(flyte_spec::is_inherited_env)
}

/// The launcher's variables of [`INHERITED_ENV`].
pub(crate) fn inherited() -> impl Iterator<Item = (OsString, OsString)> {
    std::env::vars_os().filter(|(k, _)| is_inherited(k))
}

/// The longest `NAME=value` string (with its NUL) Linux passes to a program (MAX_ARG_STRLEN,
/// 32 pages). Other systems limit only the whole environment.
const MAX_ENV_STRING: usize = 32 * 4096;

/// Why secret `shown`'s `value` cannot be the env var `name`, if it cannot: the spawn would
/// fail with only "nul byte found in provided data" or "Argument list too long".
pub(crate) fn unfit_for_env(shown: &str, name: &str, value: &[u8]) -> Option<String> {
    if value.contains(&0) {
        return Some(format!(
            "secret `{shown}` holds a NUL byte, which an env var ({name}) cannot carry; \
             declare it as a file secret (`mount`) instead"
        ));
    }
    if cfg!(target_os = "linux") && name.len() + value.len() + 2 > MAX_ENV_STRING {
        return Some(format!(
            "secret `{shown}` is {} bytes, more than an env var ({name}) can carry ({} KiB \
             with its name); declare it as a file secret (`mount`) instead",
            value.len(),
            MAX_ENV_STRING / 1024
        ));
    }
    None
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
