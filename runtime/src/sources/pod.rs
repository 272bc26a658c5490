//! Where a Flyte cluster puts a task's secrets in its container: the env-var names and file
//! paths of each secret injector of Flyte's admission webhook, and the three variables every
//! secret-injected pod carries.
//!
//! | injector | env-var secret | file secret |
//! |---|---|---|
//! | Embedded (Flyte 2 default) | `<env_var>`; without one `<prefix>UPPER(key)` | `<dir>/<file prefix><key>` |
//! | K8s (one Secret per group) | `UPPER(<prefix><group>_<key>)` and `<env_var>` | `<dir>/lower(group)/lower(key)` |
//! | Global | `UPPER(<prefix><group>_<key>)` | - |
//! | Vault agent | - | `<dir>/<group>/<key>` |
//! | AWS, GCP, Azure sidecars | - | `<dir>/lower(group)/lower(key)` |
//!
//! The K8s injector names a missing group after the md5 hex of the key. [`PodLayout`] lists
//! the candidates in this order (the declared name first), without duplicates.

use std::path::PathBuf;

use md5::{Digest, Md5};

use crate::secret::SecretDef;

/// Whether this process runs in a Flyte task pod: every one has `FLYTE_INTERNAL_EXECUTION_ID`
/// (the Python SDK's test too).
pub(crate) fn in_task_pod() -> bool {
    std::env::var_os(flyte_spec::EXECUTION_ID_VAR).is_some_and(|v| !v.is_empty())
}

/// `FLYTE_SECRETS_ENV_PREFIX`: the prefix of injected env-var names.
pub(crate) const ENV_PREFIX_VAR: &str = flyte_spec::ENV_PREFIX_VAR;
/// `FLYTE_SECRETS_DEFAULT_DIR`: the directory file secrets are mounted in.
pub(crate) const DEFAULT_DIR_VAR: &str = flyte_spec::DEFAULT_DIR_VAR;
/// `FLYTE_SECRETS_FILE_PREFIX`: the prefix of mounted file names (empty on Flyte 2).
pub(crate) const FILE_PREFIX_VAR: &str = flyte_spec::FILE_PREFIX_VAR;
/// The webhook's default env prefix.
pub(crate) const DEFAULT_ENV_PREFIX: &str = flyte_spec::DEFAULT_ENV_PREFIX;

/// The secret layout of one pod: the values of the three `FLYTE_SECRETS_*` variables.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PodLayout {
    /// `FLYTE_SECRETS_ENV_PREFIX`: the prefix of the env-var names injectors derive from the
    /// key and group (a declared env var has none).
    pub env_prefix: String,
    /// `FLYTE_SECRETS_DEFAULT_DIR`: the directory file secrets are mounted in.
    pub dir: PathBuf,
    /// `FLYTE_SECRETS_FILE_PREFIX`: the prefix of mounted file names (empty on Flyte 2).
    pub file_prefix: String,
}

impl Default for PodLayout {
    /// What the Flyte 2 webhook sets by default.
    fn default() -> Self {
        PodLayout {
            env_prefix: DEFAULT_ENV_PREFIX.to_owned(),
            dir: PathBuf::from(flyte_spec::MOUNT_PATH),
            file_prefix: String::new(),
        }
    }
}

impl PodLayout {
    /// From this process's `FLYTE_SECRETS_*` variables, the webhook's defaults for unset ones.
    pub fn from_env() -> Self {
        let var = |name| std::env::var(name).ok();
        let default = PodLayout::default();
        PodLayout {
            env_prefix: var(ENV_PREFIX_VAR).unwrap_or(default.env_prefix),
            dir: var(DEFAULT_DIR_VAR)
                .filter(|d| !d.is_empty())
                .map(PathBuf::from)
                .unwrap_or(default.dir),
            file_prefix: var(FILE_PREFIX_VAR).unwrap_or(default.file_prefix),
        }
    }

    /// The same layout with file secrets in `dir`.
    #[must_use]
    pub fn with_dir(mut self, dir: impl Into<PathBuf>) -> Self {
        self.dir = dir.into();
        self
    }

    /// The three variables as a pod carries them, for a launched task.
    pub fn vars(&self) -> [(&'static str, std::ffi::OsString); 3] {
        [
            (ENV_PREFIX_VAR, self.env_prefix.clone().into()),
            (DEFAULT_DIR_VAR, self.dir.clone().into_os_string()),
            (FILE_PREFIX_VAR, self.file_prefix.clone().into()),
        ]
    }

    /// The env-var names an env secret may be injected under, declared name first.
    pub fn env_names(&self, secret: &SecretDef<'_>) -> Vec<String> {
        let Some(declared) = secret.env_var() else {
            return Vec::new();
        };
        let prefix = &self.env_prefix;
        let group = secret
            .group
            .map(str::to_owned)
            .unwrap_or_else(|| md5_hex(secret.key));
        let names = [
            declared.to_owned(),
            format!("{prefix}{}", secret.key.to_uppercase()),
            format!("{prefix}{group}_{}", secret.key).to_uppercase(),
        ];
        dedup(names)
    }

    /// The paths a file secret may be mounted at, the default injector's first.
    pub fn file_paths(&self, secret: &SecretDef<'_>) -> Vec<PathBuf> {
        if secret.file_path().is_none() {
            return Vec::new();
        }
        let (dir, prefix, key) = (&self.dir, &self.file_prefix, secret.key);
        let lower_key = format!("{prefix}{}", key.to_lowercase());
        let mut paths = vec![dir.join(format!("{prefix}{key}"))];
        match secret.group {
            Some(group) => {
                paths.push(dir.join(group.to_lowercase()).join(&lower_key));
                paths.push(dir.join(group).join(format!("{prefix}{key}")));
            }
            None => {
                paths.push(dir.join(md5_hex(key)).join(&lower_key));
                paths.push(dir.join(&lower_key));
            }
        }
        dedup(paths)
    }
}

impl PodLayout {
    /// [`env_names`](Self::env_names) of `secret` as one of `task`'s secrets: without the
    /// fallbacks that another of them declares as its own env var, which hold that secret's
    /// value, not this one's.
    pub fn env_names_in_task(&self, secret: &SecretDef<'_>, task: &[SecretDef<'_>]) -> Vec<String> {
        let theirs: Vec<&str> = others(secret, task).filter_map(|o| o.env_var()).collect();
        keep_own(self.env_names(secret), |name| {
            theirs.contains(&name.as_str())
        })
    }

    /// [`file_paths`](Self::file_paths) of `secret` as one of `task`'s secrets: without the
    /// fallbacks that are another one's own file (`<dir>/<key>`), for the same reason.
    pub fn file_paths_in_task(
        &self,
        secret: &SecretDef<'_>,
        task: &[SecretDef<'_>],
    ) -> Vec<PathBuf> {
        let theirs: Vec<PathBuf> = others(secret, task)
            .filter_map(|o| self.file_paths(o).into_iter().next())
            .collect();
        keep_own(self.file_paths(secret), |path| theirs.contains(path))
    }
}

/// The secrets of `task` other than `secret`: another key or group (the same one declared
/// twice, as env and file, holds the same value wherever it lands).
fn others<'t, 'a>(
    secret: &SecretDef<'_>,
    task: &'t [SecretDef<'a>],
) -> impl Iterator<Item = &'t SecretDef<'a>> {
    let own = (secret.key, secret.group);
    task.iter().filter(move |o| (o.key, o.group) != own)
}

/// `candidates` with its first, the secret's own declared name, and the fallbacks that are not
/// `theirs`.
fn keep_own<T>(candidates: Vec<T>, theirs: impl Fn(&T) -> bool) -> Vec<T> {
    let mut kept = Vec::with_capacity(candidates.len());
    for (i, candidate) in candidates.into_iter().enumerate() {
        if i == 0 || !theirs(&candidate) {
            kept.push(candidate);
        }
    }
    kept
}

fn md5_hex(s: &str) -> String {
    hex::encode(Md5::digest(s.as_bytes()))
}

fn dedup<T: PartialEq>(items: impl IntoIterator<Item = T>) -> Vec<T> {
    let mut out = Vec::new();
    for item in items {
        if !out.contains(&item) {
            out.push(item);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn env(
        key: &'static str,
        group: Option<&'static str>,
        name: &'static str,
    ) -> SecretDef<'static> {
        SecretDef::env(key, group, name)
    }

    fn file(key: &'static str, group: Option<&'static str>) -> SecretDef<'static> {
        SecretDef::file(key, group, key)
    }

    #[test]
    fn env_names_of_every_injector() {
        let pod = PodLayout::default();
        assert_eq!(
            pod.env_names(&env("token", Some("github"), "GITHUB_TOKEN")),
            ["GITHUB_TOKEN", "_UNION_TOKEN", "_UNION_GITHUB_TOKEN"]
        );
        // Embedded without an env var keeps the `-`; K8s names a missing group by md5(key).
        assert_eq!(
            pod.env_names(&env("my-secret", None, "MY_SECRET")),
            [
                "MY_SECRET".to_owned(),
                "_UNION_MY-SECRET".to_owned(),
                format!("_UNION_{}_MY-SECRET", md5_hex("my-secret").to_uppercase()),
            ]
        );
        assert!(pod.env_names(&file("k", None)).is_empty());
    }

    #[test]
    fn a_fallback_that_is_another_secrets_own_name_is_left_out() {
        let pod = PodLayout::default().with_dir("/d");
        let token = env("token", None, "MY_TOKEN");
        let x = env("x", None, "_UNION_TOKEN");
        let task = [token, x];
        let names = pod.env_names_in_task(&token, &task);
        assert_eq!(names[0], "MY_TOKEN");
        assert!(!names.contains(&"_UNION_TOKEN".to_owned()), "{names:?}");
        assert_eq!(names.len(), pod.env_names(&token).len() - 1);
        // Its own name is kept, and so is the same secret declared twice.
        assert_eq!(pod.env_names_in_task(&x, &task), pod.env_names(&x));
        let again = env("token", None, "_UNION_TOKEN");
        assert_eq!(
            pod.env_names_in_task(&token, &[token, again]),
            pod.env_names(&token)
        );
        // Files: `Cfg`'s fallback `<dir>/cfg` is `cfg`'s own (a list the macro refuses, read
        // from another binary or built by hand).
        let (upper, lower) = (file("Cfg", None), file("cfg", None));
        let paths = pod.file_paths_in_task(&upper, &[upper, lower]);
        assert_eq!(paths[0], PathBuf::from("/d/Cfg"));
        assert!(!paths.contains(&PathBuf::from("/d/cfg")), "{paths:?}");
        assert_eq!(
            pod.file_paths_in_task(&lower, &[upper, lower])[0],
            PathBuf::from("/d/cfg")
        );
    }

    #[test]
    fn file_paths_of_every_injector() {
        let pod = PodLayout::default().with_dir("/d");
        let paths = pod.file_paths(&file("Cfg", Some("Team")));
        let shown: Vec<_> = paths.iter().map(|p| p.display().to_string()).collect();
        assert_eq!(shown, ["/d/Cfg", "/d/team/cfg", "/d/Team/Cfg"]);
        let paths = pod.file_paths(&file("cfg", None));
        assert_eq!(paths[0], PathBuf::from("/d/cfg"));
        assert_eq!(
            paths[1],
            PathBuf::from(format!("/d/{}/cfg", md5_hex("cfg")))
        );
        assert_eq!(paths.len(), 2, "`/d/cfg` is listed once");
        let prefixed = PodLayout {
            file_prefix: "p_".into(),
            ..PodLayout::default()
        };
        assert_eq!(
            prefixed.file_paths(&file("k", None))[0],
            PathBuf::from("/etc/flyte/secrets/p_k")
        );
    }
}
