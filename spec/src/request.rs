//! A secret request, where it lands (env var or file), and the checks across one task.

use std::fmt;

use crate::error::{Field, SpecError};
use crate::rules::{
    DEFAULT_ENV_PREFIX, MOUNT_PATH, default_env_name, is_valid_env_name, normalize_mount,
    reserved_env,
};

/// A secret request as written: `key`, optional `group`, `mount`, `as_env_var`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Request<'a> {
    /// The name the secret is stored under; must not be empty.
    pub key: &'a str,
    /// The group the key belongs to, if any; part of the derived env-var name.
    pub group: Option<&'a str>,
    /// The directory to mount the secret in as a file; only [`MOUNT_PATH`] is supported.
    pub mount: Option<&'a str>,
    /// The env-var name to use instead of the one derived from the key (and group).
    pub as_env_var: Option<&'a str>,
}

/// Where a valid request makes the secret available.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum Target {
    /// An environment variable of this name.
    Env(String),
    /// A file `<MOUNT_PATH>/<relative>`; `relative` is the key, as the default Flyte 2
    /// injector lays files out (the group is not part of the path).
    File {
        /// The path below [`MOUNT_PATH`]: the key.
        relative: String,
    },
}

impl Target {
    /// The env-var name, for an env target.
    pub fn env_var(&self) -> Option<&str> {
        match self {
            Target::Env(name) => Some(name),
            Target::File { .. } => None,
        }
    }

    /// The full path under the standard mount, for a file target.
    pub fn mount_path(&self) -> Option<String> {
        match self {
            Target::Env(_) => None,
            Target::File { relative } => Some(format!("{MOUNT_PATH}/{relative}")),
        }
    }
}

impl fmt::Display for Target {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Target::Env(name) => write!(f, "env var {name}"),
            Target::File { relative } => write!(f, "file {MOUNT_PATH}/{relative}"),
        }
    }
}

impl<'a> Request<'a> {
    /// A request for `key` with the defaults (env var named after the key).
    pub fn new(key: &'a str) -> Self {
        Request {
            key,
            group: None,
            mount: None,
            as_env_var: None,
        }
    }

    /// Checks every rule and says where the secret lands. All broken rules are returned,
    /// Python's own checks first in Python's order, so where Python refuses the input the
    /// first error carries Python's message.
    pub fn resolve(&self) -> Result<Target, Vec<SpecError>> {
        let mut errors = Vec::new();
        // Python's two checks first, in Python's order (mount, then env name), so the first
        // error carries Python's message wherever Python refuses the input too.
        if let Some(mount) = self.mount
            && normalize_mount(mount) != MOUNT_PATH
        {
            errors.push(SpecError::UnsupportedMount {
                mount: mount.to_owned(),
            });
        }
        // An empty group is refused (below Python's mount check, above everything else); like
        // Python, the env name is then derived as if there were no group, so the report does
        // not also blame a `_KEY` name the user never wrote.
        if self.group == Some("") {
            errors.push(SpecError::EmptyGroup);
        }
        let group = self.group.filter(|g| !g.is_empty());
        let env = match (self.mount, self.as_env_var) {
            (_, Some(name)) => Some((name.to_owned(), false)),
            (None, None) => Some((default_env_name(self.key, group), true)),
            (Some(_), None) => None,
        };
        if let Some((name, derived)) = &env {
            // An empty key gets its own, clearer error below; do not report it twice.
            let empty_key = *derived && self.key.is_empty();
            if !empty_key && !is_valid_env_name(name) {
                errors.push(SpecError::InvalidEnvName {
                    name: name.clone(),
                    derived: *derived,
                });
            } else if reserved_env(name).is_some() {
                errors.push(SpecError::ReservedEnvName {
                    name: name.clone(),
                    derived: *derived,
                });
            }
        }
        // Then the rules where we are stricter than Python.
        if self.key.is_empty() {
            errors.push(SpecError::EmptyKey);
        }
        if self.mount.is_some() && self.as_env_var.is_some() {
            errors.push(SpecError::MountWithEnvVar);
        }
        if self.mount.is_some() {
            for (field, value) in [(Field::Group, self.group), (Field::Key, Some(self.key))] {
                match value {
                    Some(v) if !v.is_empty() && escapes(v) => {
                        errors.push(SpecError::EscapesMount {
                            field,
                            value: v.to_owned(),
                        })
                    }
                    Some(v) if v.starts_with('.') => errors.push(SpecError::HiddenFile {
                        field,
                        value: v.to_owned(),
                    }),
                    _ => {}
                }
            }
        }
        if !errors.is_empty() {
            return Err(errors);
        }
        Ok(match env {
            Some((name, _)) => Target::Env(name),
            None => Target::File {
                relative: self.key.to_owned(),
            },
        })
    }
}

fn escapes(component: &str) -> bool {
    component == "." || component == ".." || component.contains(['/', '\0'])
}

/// One valid secret of a task, as [`check_task`] compares them.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Declared<'a> {
    /// The key, as in its [`Request`].
    pub key: &'a str,
    /// The group, as in its [`Request`].
    pub group: Option<&'a str>,
    /// Where it lands, as [`Request::resolve`] said.
    pub target: &'a Target,
}

/// Why two secrets of one task cannot both be delivered.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Clash {
    /// Both land on this env var or file.
    Target(Target),
    /// Same key, different groups: a Flyte cluster looks secrets up by key alone, so both
    /// would get the one value stored under this key.
    Key(String),
    /// Another key or group, equal to the other's once an injector of a Flyte cluster has
    /// changed its case (the README's injector table): there both land on `target`.
    Injected {
        /// Which injectors, and what they change, e.g. `the K8s and Global injectors, which
        /// upper-case <prefix><group>_<key>`.
        injectors: &'static str,
        /// The env var (with the default prefix) or file (below [`MOUNT_PATH`]) both land on.
        target: Target,
    },
}

/// Two secrets of one task that cannot both be delivered.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Conflict {
    /// Index of the earlier request.
    pub first: usize,
    /// Index of the later request, the one to report.
    pub second: usize,
    /// What the two have in common.
    pub clash: Clash,
}

impl fmt::Display for Conflict {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let (a, b) = (self.first + 1, self.second + 1);
        match &self.clash {
            Clash::Target(target) => {
                write!(
                    f,
                    "secrets #{a} and #{b} of this task both land on {target}"
                )
            }
            Clash::Key(key) => write!(
                f,
                "secrets #{a} and #{b} of this task share the key `{key}` in different groups; \
                 a Flyte cluster looks secrets up by key alone"
            ),
            Clash::Injected { injectors, target } => write!(
                f,
                "secrets #{a} and #{b} of this task both land on {target} under {injectors}"
            ),
        }
    }
}

/// Finds the secrets of one task that land on the same env var or file (as declared, or under
/// an injector that changes the case of the key and group), or that share a key across
/// groups. One conflict per later secret, naming the first earlier one it clashes with.
/// `None` entries (invalid secrets) are skipped.
pub fn check_task(secrets: &[Option<Declared<'_>>]) -> Vec<Conflict> {
    let mut conflicts = Vec::new();
    for (second, this) in secrets.iter().enumerate() {
        let Some(this) = this else { continue };
        let clash = secrets[..second]
            .iter()
            .enumerate()
            .find_map(|(first, other)| {
                let other = other.as_ref()?;
                if other.target == this.target {
                    Some((first, Clash::Target(this.target.clone())))
                } else if other.key == this.key && other.group != this.group {
                    Some((first, Clash::Key(this.key.to_owned())))
                } else {
                    // The same key and group is one secret, which may be delivered twice.
                    let (injectors, target) = case_folded(this)?;
                    let same = (other.key, other.group) == (this.key, this.group);
                    (!same && case_folded(other)? == (injectors, target.clone()))
                        .then_some((first, Clash::Injected { injectors, target }))
                }
            });
        if let Some((first, clash)) = clash {
            conflicts.push(Conflict {
                first,
                second,
                clash,
            });
        }
    }
    conflicts
}

/// Where a secret lands under the injectors that change the case of its key and group
/// (the README's "On a Flyte cluster" table), with which ones; `None` where none does. ASCII case: names a
/// cluster stores are ASCII (a secret service's `^[-a-zA-Z0-9_]+$`, a Kubernetes Secret's).
/// Left out: K8s's names for a secret without a group, which hold md5(key), so differ
/// whenever the keys do (and its env secrets also get their declared name).
fn case_folded(secret: &Declared<'_>) -> Option<(&'static str, Target)> {
    match (secret.target, secret.group) {
        // Global sets only this name (and needs a group); K8s sets it too.
        (Target::Env(_), Some(group)) => Some((
            "the Global and K8s injectors, which upper-case <prefix><group>_<key> \
             (prefix _UNION_ by default)",
            Target::Env(format!(
                "{DEFAULT_ENV_PREFIX}{}",
                format!("{group}_{}", secret.key).to_ascii_uppercase()
            )),
        )),
        (Target::Env(_), None) => None,
        (Target::File { .. }, Some(group)) => Some((
            "the K8s, AWS, GCP and Azure injectors, which lower-case the group and key",
            Target::File {
                relative: format!(
                    "{}/{}",
                    group.to_ascii_lowercase(),
                    secret.key.to_ascii_lowercase()
                ),
            },
        )),
        (Target::File { .. }, None) => Some((
            "the AWS, GCP and Azure injectors, which lower-case the key",
            Target::File {
                relative: secret.key.to_ascii_lowercase(),
            },
        )),
    }
}

#[cfg(test)]
mod tests;
