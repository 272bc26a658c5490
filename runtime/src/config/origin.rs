//! [`Origin`]: where a configuration value came from.

use std::path::PathBuf;

/// Where a configuration value came from, for error messages.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum Origin {
    /// An environment variable, by name.
    Env(String),
    /// A config file, by path.
    File(PathBuf),
    /// An explicit builder argument.
    Builder,
}

impl std::fmt::Display for Origin {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Origin::Env(name) => write!(f, "env var {name}"),
            Origin::File(path) => write!(f, "config file {}", path.display()),
            Origin::Builder => f.write_str("builder argument"),
        }
    }
}
