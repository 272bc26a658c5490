//! The environment the cache reads, through a lookup function so tests never write the
//! process environment.

/// The Python SDK's env var for the config key `admin.disableKeyring`.
pub const DISABLE_KEYRING_ENV: &str = "FLYTE_ADMIN_DISABLEKEYRING";

/// Parses a boolean flag: `true/1/yes/on` and `false/0/no/off`, case-insensitive, blanks
/// around ignored. Unlike the Python SDK, `"false"` is false.
pub(crate) fn parse_flag(value: &str) -> Option<bool> {
    match value.trim().to_ascii_lowercase().as_str() {
        "true" | "1" | "yes" | "on" => Some(true),
        "false" | "0" | "no" | "off" => Some(false),
        _ => None,
    }
}

/// Whether [`DISABLE_KEYRING_ENV`] disables the keyring. Unset or empty: no. A value that is
/// not a boolean disables it (the user meant to say something, and disabling writes nothing)
/// with a warning naming the variable and the accepted values.
pub(crate) fn disabled_by_env(lookup: &dyn Fn(&str) -> Option<String>) -> bool {
    let Some(value) = lookup(DISABLE_KEYRING_ENV) else {
        return false;
    };
    if value.trim().is_empty() {
        return false;
    }
    parse_flag(&value).unwrap_or_else(|| {
        tracing::warn!(
            "{DISABLE_KEYRING_ENV}={value:?} is not a boolean (true/1/yes/on or false/0/no/off); \
             treating it as true: the keyring is disabled"
        );
        true
    })
}

#[cfg(test)]
mod tests {
    use super::{DISABLE_KEYRING_ENV, disabled_by_env, parse_flag};

    #[test]
    fn flags() {
        for t in [
            "true", "TRUE", "True", "1", "yes", "Yes", "on", "ON", " true\n",
        ] {
            assert_eq!(parse_flag(t), Some(true), "{t:?}");
        }
        for f in [
            "false", "FALSE", "False", "0", "no", "NO", "off", "Off", " 0 ",
        ] {
            assert_eq!(parse_flag(f), Some(false), "{f:?}");
        }
        for x in ["", "2", "ture", "y", "enabled", "-1"] {
            assert_eq!(parse_flag(x), None, "{x:?}");
        }
    }

    #[test]
    fn env_var() {
        let with = |v: Option<&'static str>| {
            move |name: &str| {
                assert_eq!(name, DISABLE_KEYRING_ENV);
                v.map(str::to_owned)
            }
        };
        assert!(!disabled_by_env(&with(None)));
        assert!(!disabled_by_env(&with(Some(""))));
        // The Python SDK's bug: "false" counted as true. Not here.
        assert!(!disabled_by_env(&with(Some("false"))));
        assert!(!disabled_by_env(&with(Some("0"))));
        assert!(disabled_by_env(&with(Some("true"))));
        assert!(disabled_by_env(&with(Some("On"))));
        assert!(disabled_by_env(&with(Some("maybe"))));
    }
}
