//! What can be wrong with a secret request, with the message and the fix.

use std::fmt;

use crate::rules::{ENV_NAME_PATTERN, MOUNT_PATH};

/// The argument of `Secret(...)` an error is about, so the macro can point at its literal.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Field {
    /// `key`: the name the secret is stored under.
    Key,
    /// `group`: the optional group the key belongs to.
    Group,
    /// `mount`: the directory a file secret lands in.
    Mount,
    /// `as_env_var`: the env-var name an env secret lands on.
    AsEnvVar,
}

impl Field {
    /// The argument's name as written in `Secret(...)`.
    pub fn name(self) -> &'static str {
        match self {
            Field::Key => "key",
            Field::Group => "group",
            Field::Mount => "mount",
            Field::AsEnvVar => "as_env_var",
        }
    }
}

/// One broken rule of one secret request.
///
/// Where Python has a message for the same input, [`fmt::Display`] prints Python's words
/// exactly; [`SpecError::help`] adds how to fix it.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum SpecError {
    /// `key = ""`. Python accepts it and fails later; nothing can be looked up under "".
    EmptyKey,
    /// `group = ""`. Python silently treats it as no group.
    EmptyGroup,
    /// An env-var name, given or derived, that does not match [`ENV_NAME_PATTERN`].
    InvalidEnvName {
        /// The name that does not match.
        name: String,
        /// `true` when the name was derived from the key (and group), `false` when it was
        /// given as `as_env_var`.
        derived: bool,
    },
    /// A valid env-var name, given or derived, that cannot hold a secret
    /// ([`reserved_env`](crate::reserved_env)): a loader variable (`LD_*`, `DYLD_*`), one every
    /// task process already has ([`INHERITED_ENV`](crate::INHERITED_ENV)), one the launch sets
    /// ([`LAUNCH_SET_ENV`](crate::LAUNCH_SET_ENV)) or a shell does
    /// ([`SHELL_SET_ENV`](crate::SHELL_SET_ENV)). Python accepts it.
    ReservedEnvName {
        /// The name.
        name: String,
        /// `true` when the name was derived from the key (and group).
        derived: bool,
    },
    /// A mount path other than [`MOUNT_PATH`].
    UnsupportedMount {
        /// The mount path as written.
        mount: String,
    },
    /// `mount` together with `as_env_var`. Python silently drops the mount.
    MountWithEnvVar,
    /// A key or group of a file secret that would leave the mount directory.
    EscapesMount {
        /// Which of the two it is: [`Field::Key`] or [`Field::Group`].
        field: Field,
        /// The key or group as written.
        value: String,
    },
    /// A key or group of a file secret that starts with `.`: a hidden name in the mount
    /// directory, where the launcher keeps its own state (`.flyte-runs`), and one no Flyte
    /// secret service stores (names match `^[-a-zA-Z0-9_]+$`). Python accepts it.
    HiddenFile {
        /// Which of the two it is: [`Field::Key`] or [`Field::Group`].
        field: Field,
        /// The key or group as written.
        value: String,
    },
}

impl SpecError {
    /// The argument whose literal is at fault.
    pub fn field(&self) -> Field {
        match self {
            SpecError::EmptyKey => Field::Key,
            SpecError::EmptyGroup => Field::Group,
            SpecError::InvalidEnvName { derived: true, .. } => Field::Key,
            SpecError::InvalidEnvName { derived: false, .. } => Field::AsEnvVar,
            SpecError::ReservedEnvName { derived: true, .. } => Field::Key,
            SpecError::ReservedEnvName { derived: false, .. } => Field::AsEnvVar,
            SpecError::UnsupportedMount { .. } => Field::Mount,
            SpecError::MountWithEnvVar => Field::AsEnvVar,
            SpecError::EscapesMount { field, .. } | SpecError::HiddenFile { field, .. } => *field,
        }
    }

    /// How to fix it, in one sentence.
    pub fn help(&self) -> String {
        match self {
            SpecError::EmptyKey => "give the name the secret is stored under".into(),
            SpecError::EmptyGroup => "remove `group` or give it a name".into(),
            SpecError::InvalidEnvName { derived: true, .. } => {
                "the name is derived from the key (and group): `-` becomes `_`, then upper case; \
                 set `as_env_var = \"...\"` to a valid name, or use `mount` for a file"
                    .into()
            }
            SpecError::InvalidEnvName {
                derived: false,
                name,
            } if name.is_empty() => {
                "`as_env_var` is empty: remove it to get the name derived from the key, or \
                 give upper-case ASCII letters, digits and `_`"
                    .into()
            }
            SpecError::InvalidEnvName { derived: false, .. } => {
                "use upper-case ASCII letters, digits and `_`, not starting with a digit".into()
            }
            SpecError::ReservedEnvName { derived, .. } => format!(
                "{}set `as_env_var = \"...\"` to a name of its own, such as `MY_APP_TOKEN`, or use \
                 `mount` for a file",
                if *derived {
                    "the name is derived from the key (and group): "
                } else {
                    ""
                }
            ),
            SpecError::UnsupportedMount { .. } => format!("use `mount = \"{MOUNT_PATH}\"`"),
            SpecError::MountWithEnvVar => {
                "a secret is either a file (`mount`) or an env var (`as_env_var`): remove one"
                    .into()
            }
            SpecError::EscapesMount { field, .. } => format!(
                "a file secret lands at {MOUNT_PATH}/key, or {MOUNT_PATH}/group/key under some \
                 cluster injectors: the {} must not be `.`, `..`, or hold `/` or NUL",
                field.name()
            ),
            SpecError::HiddenFile { field, .. } => format!(
                "drop the leading `.`: the launcher keeps its own state in hidden names of \
                 {MOUNT_PATH}, and a Flyte secret service stores no {} with a `.`",
                field.name()
            ),
        }
    }
}

impl fmt::Display for SpecError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            SpecError::EmptyKey => f.write_str("Secret key must not be empty"),
            SpecError::EmptyGroup => f.write_str("Secret group must not be empty"),
            SpecError::InvalidEnvName { name, .. } => write!(
                f,
                "Invalid environment variable name: {}, must match {ENV_NAME_PATTERN}",
                Shown(name)
            ),
            SpecError::ReservedEnvName { name, .. } => write!(
                f,
                "Environment variable name {name} is reserved: {}",
                crate::reserved_env(name).unwrap_or("it cannot hold a secret")
            ),
            SpecError::UnsupportedMount { .. } => write!(
                f,
                "Only {MOUNT_PATH} is supported as secret mount path today."
            ),
            SpecError::MountWithEnvVar => {
                f.write_str("Secret cannot have both `mount` and `as_env_var`")
            }
            SpecError::EscapesMount { field, value } => write!(
                f,
                "Secret {} {value:?} would escape the mount directory {MOUNT_PATH}",
                field.name()
            ),
            SpecError::HiddenFile { field, value } => write!(
                f,
                "Secret {} {value:?} would be a hidden file in the mount directory {MOUNT_PATH}",
                field.name()
            ),
        }
    }
}

impl std::error::Error for SpecError {}

/// A name as Python prints it, unless it holds a character Rust's `{:?}` escapes besides
/// quotes and backslashes (a newline, an escape sequence, a right-to-left override), which
/// would break the message's line, the terminal, or the order it reads in: then quoted and
/// escaped.
struct Shown<'a>(&'a str);

fn unprintable(c: char) -> bool {
    !matches!(c, '"' | '\'' | '\\') && c.escape_debug().nth(1).is_some()
}

impl fmt::Display for Shown<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.0.chars().any(unprintable) {
            true => write!(f, "{:?}", self.0),
            false => f.write_str(self.0),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_control_character_in_a_name_is_escaped() {
        let shown = |name: &str| {
            SpecError::InvalidEnvName {
                name: name.into(),
                derived: false,
            }
            .to_string()
        };
        assert_eq!(
            shown("X\n\u{1b}[2J"),
            format!(
                "Invalid environment variable name: \"X\\n\\u{{1b}}[2J\", must match {ENV_NAME_PATTERN}"
            )
        );
        assert!(shown("LD_\u{202e}X").contains(r#""LD_\u{202e}X""#));
        // Python's text otherwise, unquoted.
        assert!(shown("ÄPFEL").contains(": ÄPFEL, must"));
        assert_eq!(
            shown("my-var"),
            format!("Invalid environment variable name: my-var, must match {ENV_NAME_PATTERN}")
        );
    }
}
