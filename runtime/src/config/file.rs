//! Finding and reading the Python SDK's YAML config file.

use std::path::{Path, PathBuf};

use serde_norway::Value;

use super::error::ConfigError;
use super::keys::{FLYTECTL_CONFIG_ENV, Key, Raw, UCTL_CONFIG_ENV};
use super::origin::Origin;

/// What the search looks at, so tests can point it anywhere.
pub(crate) struct SearchInputs<'a> {
    pub explicit: Option<&'a Path>,
    pub cwd: Option<&'a Path>,
    pub home: Option<&'a Path>,
    pub env: &'a dyn Fn(&str) -> Option<String>,
}

/// Finds the config file, in the Python SDK's order:
/// 1. an explicit path (must exist);
/// 2. `./.flyte/config.yaml`;
/// 3. `.flyte/config.yaml` at the root of the git work tree holding the working directory;
/// 4. `$UCTL_CONFIG`, then `$FLYTECTL_CONFIG` (must exist when set);
/// 5. `~/.union/config.yaml`, then `~/.flyte/config.yaml`.
///
/// `Ok(None)` when there is none.
pub(crate) fn search(inputs: &SearchInputs<'_>) -> Result<Option<PathBuf>, ConfigError> {
    if let Some(path) = inputs.explicit {
        return must_exist(path, "the explicit config path").map(Some);
    }
    if let Some(cwd) = inputs.cwd {
        let local = cwd.join(".flyte").join("config.yaml");
        if local.is_file() {
            return Ok(Some(local));
        }
        if let Some(root) = git_root(cwd) {
            let at_root = root.join(".flyte").join("config.yaml");
            if at_root.is_file() {
                return Ok(Some(at_root));
            }
        }
    }
    for var in [UCTL_CONFIG_ENV, FLYTECTL_CONFIG_ENV] {
        if let Some(path) = (inputs.env)(var).filter(|v| !v.is_empty()) {
            let path = PathBuf::from(path);
            let path = match (path.is_relative(), inputs.cwd) {
                (true, Some(cwd)) => cwd.join(path),
                _ => path,
            };
            return must_exist(&path, &format!("${var}")).map(Some);
        }
    }
    if let Some(home) = inputs.home {
        for dir in [".union", ".flyte"] {
            let path = home.join(dir).join("config.yaml");
            if path.is_file() {
                return Ok(Some(path));
            }
        }
    }
    Ok(None)
}

fn must_exist(path: &Path, from: &str) -> Result<PathBuf, ConfigError> {
    if path.is_file() {
        Ok(path.to_owned())
    } else {
        Err(ConfigError::FileNotFound {
            path: path.to_owned(),
            from: from.to_owned(),
        })
    }
}

/// The nearest directory at or above `dir` holding `.git` (a directory, or a file for a
/// worktree or submodule). Python runs `git rev-parse --show-toplevel`; walking up finds the
/// same root without a subprocess.
fn git_root(dir: &Path) -> Option<&Path> {
    dir.ancestors().find(|d| d.join(".git").exists())
}

/// A parsed config file.
#[derive(Debug)]
pub(crate) struct ConfigFile {
    path: PathBuf,
    doc: Value,
}

impl ConfigFile {
    pub(crate) fn read(path: &Path) -> Result<Self, ConfigError> {
        let text = std::fs::read_to_string(path).map_err(|source| ConfigError::Read {
            path: path.to_owned(),
            source,
        })?;
        let doc: Value = if text.trim().is_empty() {
            Value::Null
        } else {
            serde_norway::from_str(&text).map_err(|source| ConfigError::Parse {
                path: path.to_owned(),
                source,
            })?
        };
        Ok(ConfigFile {
            path: path.to_owned(),
            doc,
        })
    }

    pub(crate) fn path(&self) -> &Path {
        &self.path
    }

    /// The value at `key`. Null and empty strings count as absent, as in the Python SDK;
    /// a mapping or a list where a scalar belongs is an error.
    pub(crate) fn get(&self, key: Key) -> Result<Option<Raw>, ConfigError> {
        let mut node = &self.doc;
        for part in key.path() {
            match node.get(part) {
                Some(next) => node = next,
                None => return Ok(None),
            }
        }
        let value = match node {
            Value::Null => return Ok(None),
            Value::Bool(b) => b.to_string(),
            Value::Number(n) => n.to_string(),
            Value::String(s) if s.is_empty() => return Ok(None),
            Value::String(s) => s.clone(),
            Value::Sequence(_) | Value::Mapping(_) | Value::Tagged(_) => {
                return Err(ConfigError::InvalidValue {
                    key: key.0,
                    origin: Origin::File(self.path.clone()),
                    value: "(a YAML list or mapping)".to_owned(),
                    expected: "a single value",
                });
            }
        };
        Ok(Some(Raw {
            value,
            origin: Origin::File(self.path.clone()),
        }))
    }

    /// A list at `key`: a YAML sequence of scalars (`admin.command: [gcloud, auth, ...]`), or
    /// one string read as [`parse_list`](super::auth::parse_list) reads an env var.
    pub(crate) fn get_list(&self, key: Key) -> Result<Option<Vec<String>>, ConfigError> {
        let mut node = &self.doc;
        for part in key.path() {
            match node.get(part) {
                Some(next) => node = next,
                None => return Ok(None),
            }
        }
        let invalid = || ConfigError::InvalidValue {
            key: key.0,
            origin: Origin::File(self.path.clone()),
            value: "(a YAML mapping or nested list)".to_owned(),
            expected: "a list of strings",
        };
        let scalar = |v: &Value| match v {
            Value::String(s) => Some(s.clone()),
            Value::Bool(b) => Some(b.to_string()),
            Value::Number(n) => Some(n.to_string()),
            _ => None,
        };
        match node {
            Value::Null => Ok(None),
            Value::Sequence(items) => {
                let list: Option<Vec<String>> = items.iter().map(scalar).collect();
                list.map(Some).ok_or_else(invalid)
            }
            Value::String(s) if s.is_empty() => Ok(None),
            Value::String(s) => super::auth::parse_list(s).map(Some).ok_or_else(invalid),
            _ => Err(invalid()),
        }
    }
}
