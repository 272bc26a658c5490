//! [`Secret`]: a secret request built at run time, checked by the same rules as `#[task]`.

use flyte_spec::{Request, SpecError, Target};
use sha2::{Digest, Sha256};

use crate::secret::{CoreSecret, SecretDef};

/// A secret request built at run time, for the dynamic cases `#[task(secrets = ...)]` cannot
/// express. The rules are those of the macro (one source of truth, `flyte-spec`), and an
/// invalid request is refused with the Python SDK's message.
///
/// ```
/// use flyte::Secret;
/// let s = Secret::builder("api-key").as_env_var("OPENAI_API_KEY").build().unwrap();
/// assert_eq!(s.env_var(), Some("OPENAI_API_KEY"));
/// assert_eq!(Secret::new("my-secret").unwrap().env_var(), Some("MY_SECRET"));
/// let err = Secret::new("my.key").unwrap_err();
/// assert_eq!(err.to_string(), "Invalid environment variable name: MY.KEY, must match ^[A-Z_][A-Z0-9_]*$");
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Secret {
    key: String,
    group: Option<String>,
    mount: Option<String>,
    as_env_var: Option<String>,
    target: Target,
}

/// Builder for [`Secret`]; `build` validates.
///
/// ```
/// use flyte::secret::{Secret, SecretBuilder, Target};
/// let b: SecretBuilder = Secret::builder("cert").mount("/etc/flyte/secrets");
/// let s = b.build().unwrap();
/// assert_eq!(s.target(), &Target::File { relative: "cert".into() });
/// let e: flyte::SpecError = Secret::new("my.key").unwrap_err();
/// assert!(!e.to_string().is_empty());
/// ```
#[derive(Debug, Clone, Default)]
#[must_use]
pub struct SecretBuilder {
    key: String,
    group: Option<String>,
    mount: Option<String>,
    as_env_var: Option<String>,
}

impl Secret {
    /// A request for `key` with the defaults, as Python's `Secret("key")`: the env var
    /// derived from the key.
    pub fn new(key: impl Into<String>) -> Result<Secret, SpecError> {
        Secret::builder(key).build()
    }

    /// Starts a request for `key`, to add `group`, `mount` or `as_env_var`.
    pub fn builder(key: impl Into<String>) -> SecretBuilder {
        SecretBuilder {
            key: key.into(),
            ..SecretBuilder::default()
        }
    }

    /// The name the secret is stored under.
    pub fn key(&self) -> &str {
        &self.key
    }

    /// The group, if one was given; part of the derived env-var name.
    pub fn group(&self) -> Option<&str> {
        self.group.as_deref()
    }

    /// The mount path as given (only `/etc/flyte/secrets` is accepted).
    pub fn mount(&self) -> Option<&str> {
        self.mount.as_deref()
    }

    /// The env var the secret lands in: given, or derived from group and key.
    pub fn env_var(&self) -> Option<&str> {
        self.target.env_var()
    }

    /// Where the secret lands.
    pub fn target(&self) -> &Target {
        &self.target
    }

    /// This request as a declared secret, the form `#[task]` records: key, group, and the
    /// env var or the file below the mount.
    pub fn as_def(&self) -> SecretDef<'_> {
        let group = self.group.as_deref();
        match &self.target {
            Target::Env(name) => SecretDef::env(&self.key, group, name),
            Target::File { relative } => SecretDef::file(&self.key, group, relative),
        }
    }

    /// The `flyteidl2.core.Secret` a Flyte cluster needs for this request, by the same rule
    /// as a declared secret ([`SecretDef::core_secret`]).
    ///
    /// ```
    /// use flyte::Secret;
    /// let s = Secret::builder("cfg").group("grp").mount("/etc/flyte/secrets").build().unwrap();
    /// assert_eq!(
    ///     serde_json::to_string(&s.core_secret()).unwrap(),
    ///     r#"{"group":"grp","key":"cfg","mountRequirement":"FILE"}"#
    /// );
    /// ```
    pub fn core_secret(&self) -> CoreSecret {
        self.as_def().core_secret()
    }

    /// The Python SDK's `Secret.stable_hash()`: sha256 hex of `key|group|mount|as_env_var`,
    /// absent fields as empty strings, where `as_env_var` is the derived name when the
    /// request names neither a mount nor an env var (Python fills it in at construction).
    pub fn stable_hash(&self) -> String {
        let parts = [
            self.key.as_str(),
            self.group.as_deref().unwrap_or(""),
            self.mount.as_deref().unwrap_or(""),
            self.target.env_var().unwrap_or(""),
        ];
        hex::encode(Sha256::digest(parts.join("|").as_bytes()))
    }
}

impl SecretBuilder {
    /// Puts the key in a group (Python's `group`): `GROUP_KEY` is then the derived env var.
    pub fn group(mut self, group: impl Into<String>) -> Self {
        self.group = Some(group.into());
        self
    }

    /// Makes it a file secret in `mount` instead of an env var; only `/etc/flyte/secrets` is
    /// accepted, and not together with `as_env_var`.
    pub fn mount(mut self, mount: impl Into<String>) -> Self {
        self.mount = Some(mount.into());
        self
    }

    /// Named after Python's field, hence `as_` on a builder method.
    #[allow(clippy::wrong_self_convention)]
    pub fn as_env_var(mut self, name: impl Into<String>) -> Self {
        self.as_env_var = Some(name.into());
        self
    }

    /// Validates the request. The error is the first rule broken, in the order the Python
    /// SDK checks, so its message is Python's for the same input.
    pub fn build(self) -> Result<Secret, SpecError> {
        let request = Request {
            key: &self.key,
            group: self.group.as_deref(),
            mount: self.mount.as_deref(),
            as_env_var: self.as_env_var.as_deref(),
        };
        let target = request
            .resolve()
            .map_err(|mut errors| errors.swap_remove(0))?;
        // Python stores the mount as a pathlib.Path, so its str() is the normalised form.
        let mount = self.mount.map(|m| flyte_spec::normalize_mount(&m));
        Ok(Secret {
            key: self.key,
            group: self.group,
            mount,
            as_env_var: self.as_env_var,
            target,
        })
    }
}

impl std::str::FromStr for Secret {
    type Err = SpecError;

    /// `"my-secret"` as in `secrets = "my-secret"`.
    fn from_str(key: &str) -> Result<Self, Self::Err> {
        Secret::new(key)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stable_hash_matches_python_layout() {
        let s = Secret::new("my-secret").unwrap();
        let expected = hex::encode(Sha256::digest(b"my-secret|||MY_SECRET"));
        assert_eq!(s.stable_hash(), expected);
        let f = Secret::builder("config")
            .mount("/etc/flyte/secrets/")
            .build()
            .unwrap();
        let expected = hex::encode(Sha256::digest(b"config||/etc/flyte/secrets|"));
        assert_eq!(f.stable_hash(), expected);
    }

    #[test]
    fn core_secret_follows_the_declared_rule() {
        use crate::secret::MountType;
        let env = Secret::builder("api-key").group("g").build().unwrap();
        let def = env.as_def();
        assert_eq!((def.env_var(), def.file_path()), (Some("G_API_KEY"), None));
        let c = env.core_secret();
        assert_eq!(c, def.core_secret());
        assert_eq!((c.group.as_str(), c.key.as_str()), ("g", "api-key"));
        assert_eq!(c.mount_requirement(), MountType::EnvVar);
        assert_eq!(c.env_var, "G_API_KEY");
        let file = Secret::builder("cfg")
            .mount("/etc/flyte/secrets")
            .build()
            .unwrap();
        assert!(file.as_def().file_path().is_some());
        let c = file.core_secret();
        assert_eq!(c.mount_requirement(), MountType::File);
        assert!(c.env_var.is_empty() && c.group.is_empty());
    }

    #[test]
    fn first_error_is_pythons() {
        let err = Secret::builder("k").mount("/tmp").build().unwrap_err();
        assert_eq!(
            err.to_string(),
            "Only /etc/flyte/secrets is supported as secret mount path today."
        );
    }
}
