//! [`SecretDef`]: one declared secret with where it lands, as `#[task]` records it and as
//! sources are asked for it.

use std::path::{Path, PathBuf};

use flyte_idl::core::{Secret as CoreSecret, SecurityContext, secret::MountType};
use serde::Serialize;

/// Where a declared secret lands in the task's process.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub enum Landing<'a> {
    /// An env var, by name.
    #[serde(rename = "env_var")]
    Env(&'a str),
    /// A file, by its path below the mount dir (`key`).
    #[serde(rename = "file")]
    File(&'a str),
}

/// One declared secret, with where it lands already worked out by the macro. Borrowed so the
/// same type describes a task of this binary (`'static`) and one read from another binary's
/// `list` output. Sources ([`SecretSource`](crate::sources::SecretSource)) are asked for it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct SecretDef<'a> {
    /// The key: the name the secret is stored under.
    pub key: &'a str,
    /// The group, if declared (part of the display name and the default env var name).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub group: Option<&'a str>,
    /// Where it lands.
    #[serde(flatten)]
    pub target: Landing<'a>,
}

impl<'a> SecretDef<'a> {
    /// An env-var secret.
    pub const fn env(key: &'a str, group: Option<&'a str>, env_var: &'a str) -> Self {
        SecretDef {
            key,
            group,
            target: Landing::Env(env_var),
        }
    }

    /// A file secret; `file` is its path below the mount dir.
    pub const fn file(key: &'a str, group: Option<&'a str>, file: &'a str) -> Self {
        SecretDef {
            key,
            group,
            target: Landing::File(file),
        }
    }

    /// The env var, for an env secret.
    pub fn env_var(&self) -> Option<&'a str> {
        match self.target {
            Landing::Env(name) => Some(name),
            Landing::File(_) => None,
        }
    }

    /// The path below the mount dir, for a file secret.
    pub fn file_path(&self) -> Option<&'a str> {
        match self.target {
            Landing::File(rel) => Some(rel),
            Landing::Env(_) => None,
        }
    }

    /// `key` or `group/key`, how a secret is named in messages and in the dotenv file
    /// lookup.
    pub fn display_name(&self) -> String {
        flyte_spec::display_name(self.key, self.group)
    }

    /// The file below `mount_root` for a file secret.
    pub fn path_under(&self, mount_root: &Path) -> Option<PathBuf> {
        self.file_path().map(|rel| mount_root.join(rel))
    }

    /// The `flyteidl2.core.Secret` a Flyte cluster needs to inject this secret, as the
    /// Python SDK's `get_security_context` builds it: `group` (empty when none), `key`,
    /// `mount_requirement` `ENV_VAR` with `env_var` set for an env secret, else `FILE` with
    /// `env_var` empty. `group_version` stays empty. Where below the mount a file secret
    /// lands is the cluster's business, so the file's path is not sent.
    pub fn core_secret(&self) -> CoreSecret {
        let (mount, env_var) = match self.target {
            // Python tests `if secret.as_env_var`, so an empty name means a file.
            Landing::Env(name) if !name.is_empty() => (MountType::EnvVar, name.to_owned()),
            _ => (MountType::File, String::new()),
        };
        CoreSecret {
            group: self.group.unwrap_or_default().to_owned(),
            group_version: String::new(),
            key: self.key.to_owned(),
            mount_requirement: mount.into(),
            env_var,
        }
    }
}

/// The `flyteidl2.core.SecurityContext` of a task with these secrets, in declaration
/// order: what a task template carries so a cluster injects them (only `secrets` is set).
/// A task without secrets gets the empty message, which a cluster reads as no secrets.
///
/// ```
/// use flyte::secret::{SecretDef, security_context};
///
/// let sc = security_context(&[SecretDef::env("my-secret", None, "MY_SECRET")]);
/// assert_eq!(
///     serde_json::to_string(&sc).unwrap(),
///     r#"{"secrets":[{"key":"my-secret","mountRequirement":"ENV_VAR","envVar":"MY_SECRET"}]}"#
/// );
/// ```
pub fn security_context<'s, 'a: 's>(
    secrets: impl IntoIterator<Item = &'s SecretDef<'a>>,
) -> SecurityContext {
    SecurityContext {
        secrets: secrets.into_iter().map(SecretDef::core_secret).collect(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn serializes_as_the_list_output_names_it() {
        let env = SecretDef::env("k", Some("g"), "G_K");
        assert_eq!(
            serde_json::to_string(&env).unwrap(),
            r#"{"key":"k","group":"g","env_var":"G_K"}"#
        );
        let file = SecretDef::file("cfg", None, "cfg");
        assert_eq!(
            serde_json::to_string(&file).unwrap(),
            r#"{"key":"cfg","file":"cfg"}"#
        );
        assert_eq!((file.env_var(), file.file_path()), (None, Some("cfg")));
    }
}
