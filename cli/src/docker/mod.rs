//! Image pull secrets: the dockerconfigjson the Python CLI builds
//! (`flyte._utils.docker_credentials` in flyte 2.12.1), byte for byte.

mod pyjson;

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

use base64::Engine as _;
use zeroize::Zeroizing;

use pyjson::{Json, object};

/// Why no dockerconfigjson could be built. Never contains a credential.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub(crate) enum DockerError {
    #[error("cannot read the Docker config file {}", path.display())]
    Read {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    #[error("the Docker config file {} is not valid JSON", path.display())]
    Parse {
        path: PathBuf,
        #[source]
        source: serde_json::Error,
    },
    #[error("no home directory to find ~/.docker/config.json in; pass --docker-config-path")]
    NoHome,
    #[error("No registries found in Docker config and none specified")]
    NoRegistries,
    #[error("No credentials could be extracted for registries: {}", .0.join(", "))]
    NoCredentials(Vec<String>),
}

/// What locating the Docker config reads from the environment.
#[derive(Debug, Clone, Default)]
pub(crate) struct DockerEnv {
    /// `$DOCKER_CONFIG`: the directory holding `config.json`.
    pub docker_config: Option<String>,
    /// The home directory for `~/.docker/config.json`.
    pub home: Option<PathBuf>,
}

impl DockerEnv {
    pub(crate) fn from_process() -> Self {
        DockerEnv {
            docker_config: std::env::var("DOCKER_CONFIG").ok(),
            home: dirs::home_dir(),
        }
    }

    /// `--docker-config-path`, else `$DOCKER_CONFIG/config.json`, else `~/.docker/config.json`.
    fn config_path(&self, explicit: Option<&Path>) -> Result<PathBuf, DockerError> {
        if let Some(p) = explicit {
            return Ok(expand_home(p, self.home.as_deref()));
        }
        if let Some(dir) = self.docker_config.as_deref().filter(|d| !d.is_empty()) {
            return Ok(PathBuf::from(dir).join("config.json"));
        }
        self.home
            .as_ref()
            .map(|h| h.join(".docker").join("config.json"))
            .ok_or(DockerError::NoHome)
    }
}

fn expand_home(p: &Path, home: Option<&Path>) -> PathBuf {
    match (p.strip_prefix("~"), home) {
        (Ok(rest), Some(home)) => home.join(rest),
        _ => p.to_owned(),
    }
}

/// Asks a Docker credential helper (`docker-credential-NAME get`) for a registry's login.
pub(crate) trait CredentialHelper {
    /// `(username, secret)`, or `None` when the helper failed (already logged).
    fn get(&self, helper: &str, registry: &str) -> Option<(String, Zeroizing<String>)>;
}

/// Runs `docker-credential-NAME get` from `PATH`, the registry on its stdin, as Docker does.
#[derive(Debug, Default)]
pub(crate) struct HelperProgram;

impl CredentialHelper for HelperProgram {
    fn get(&self, helper: &str, registry: &str) -> Option<(String, Zeroizing<String>)> {
        let program = format!("docker-credential-{helper}");
        let child = Command::new(&program)
            .arg("get")
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn();
        let mut child = match child {
            Ok(c) => c,
            Err(e) => {
                tracing::error!("Credential helper {program} not found in PATH ({e})");
                return None;
            }
        };
        if let Some(mut stdin) = child.stdin.take() {
            let _ = stdin.write_all(registry.as_bytes());
        }
        let out = match child.wait_with_output() {
            Ok(o) => o,
            Err(e) => {
                tracing::error!("Error getting credentials from {program}: {e}");
                return None;
            }
        };
        let stdout = Zeroizing::new(out.stdout);
        if !out.status.success() {
            tracing::error!(
                "Credential helper error: {program} exited with {}: {}",
                out.status,
                String::from_utf8_lossy(&out.stderr).trim()
            );
            return None;
        }
        #[derive(serde::Deserialize)]
        struct Creds {
            #[serde(rename = "Username")]
            username: Option<String>,
            #[serde(rename = "Secret")]
            secret: Option<String>,
        }
        match serde_json::from_slice::<Creds>(&stdout) {
            Ok(Creds {
                username: Some(u),
                secret: Some(s),
            }) => Some((u, Zeroizing::new(s))),
            Ok(Creds { secret, .. }) => {
                drop(secret.map(Zeroizing::new));
                tracing::error!(
                    "Error getting credentials: {program} answered without Username and Secret"
                );
                None
            }
            Err(e) => {
                tracing::error!("Error getting credentials: {program} did not answer JSON: {e}");
                None
            }
        }
    }
}

/// `create_dockerconfigjson_from_config`: the `auths` of the given registries (default: all
/// in the config, in file order), each taken from its `auth` entry or, failing that, from the
/// registry's credential helper (`credHelpers`, else `credsStore`).
pub(crate) fn from_docker_config(
    registries: Option<&[String]>,
    config_path: Option<&Path>,
    env: &DockerEnv,
    helpers: &dyn CredentialHelper,
) -> Result<Zeroizing<String>, DockerError> {
    let path = env.config_path(config_path)?;
    let text = Zeroizing::new(std::fs::read(&path).map_err(|source| DockerError::Read {
        path: path.clone(),
        source,
    })?);
    let config: Json =
        serde_json::from_slice(&text).map_err(|source| DockerError::Parse { path, source })?;
    let empty = Json::Object(Vec::new());
    let auths = config.get("auths").unwrap_or(&empty);
    let targets: Vec<String> = match registries {
        Some(r) if !r.is_empty() => r.to_vec(),
        _ => match auths {
            Json::Object(members) => members.iter().map(|(k, _)| k.clone()).collect(),
            _ => Vec::new(),
        },
    };
    if targets.is_empty() {
        return Err(DockerError::NoRegistries);
    }
    let mut out: Vec<(String, Json)> = Vec::new();
    for registry in &targets {
        let direct = auths
            .get(registry)
            .and_then(|r| r.get("auth"))
            .filter(|a| a.truthy());
        if let Some(auth) = direct {
            out.push((
                registry.clone(),
                object(vec![("auth".into(), auth.clone())]),
            ));
            continue;
        }
        let Some(helper) = credential_helper(&config, registry) else {
            tracing::warn!("No credentials found for {registry}");
            continue;
        };
        match helpers.get(&helper, registry) {
            Some((user, secret)) => {
                let auth = encode_auth(&user, &secret);
                out.push((
                    registry.clone(),
                    object(vec![("auth".into(), Json::String(auth.to_string()))]),
                ));
            }
            None => tracing::warn!(
                "Could not retrieve credentials for {registry} from credential helper"
            ),
        }
    }
    if out.is_empty() {
        return Err(DockerError::NoCredentials(targets));
    }
    Ok(object(vec![("auths".into(), object(out))]).dumps())
}

/// `credHelpers[registry]`, else `credsStore`.
fn credential_helper(config: &Json, registry: &str) -> Option<String> {
    if let Some(h) = config.get("credHelpers").and_then(|h| h.get(registry)) {
        return h.as_str().map(str::to_owned);
    }
    config
        .get("credsStore")
        .and_then(Json::as_str)
        .map(str::to_owned)
}

/// `create_dockerconfigjson_from_credentials`.
pub(crate) fn from_credentials(
    registry: &str,
    username: &str,
    password: &str,
) -> Zeroizing<String> {
    let auth = encode_auth(username, password);
    let entry = object(vec![("auth".into(), Json::String(auth.to_string()))]);
    object(vec![(
        "auths".into(),
        object(vec![(registry.to_owned(), entry)]),
    )])
    .dumps()
}

fn encode_auth(username: &str, password: &str) -> Zeroizing<String> {
    let plain = Zeroizing::new(format!("{username}:{password}"));
    Zeroizing::new(base64::engine::general_purpose::STANDARD.encode(plain.as_bytes()))
}

#[cfg(test)]
mod tests {
    use super::*;

    struct FakeHelper;
    impl CredentialHelper for FakeHelper {
        fn get(&self, helper: &str, registry: &str) -> Option<(String, Zeroizing<String>)> {
            (helper == "good")
                .then(|| (format!("user-{registry}"), Zeroizing::new("pw".to_owned())))
        }
    }

    fn write_config(text: &str) -> (tempfile::TempDir, PathBuf) {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("config.json");
        std::fs::write(&path, text).unwrap();
        (dir, path)
    }

    #[test]
    fn credentials_form() {
        // Python: create_dockerconfigjson_from_credentials("ghcr.io", "me", "pa:ss")
        assert_eq!(
            from_credentials("ghcr.io", "me", "pa:ss").as_str(),
            r#"{"auths": {"ghcr.io": {"auth": "bWU6cGE6c3M="}}}"#
        );
    }

    #[test]
    fn config_form_keeps_order_uses_helpers_and_skips_missing() {
        let (_d, path) = write_config(
            r#"{"auths": {"z.io": {"auth": "ZGlyZWN0"}, "a.io": {}, "h.io": {"auth": ""}},
                "credHelpers": {"h.io": "good", "a.io": "bad"}}"#,
        );
        let env = DockerEnv::default();
        let all = from_docker_config(None, Some(&path), &env, &FakeHelper).unwrap();
        // a.io: its helper fails, so it is left out (with a warning), as in Python.
        assert_eq!(
            all.as_str(),
            r#"{"auths": {"z.io": {"auth": "ZGlyZWN0"}, "h.io": {"auth": "dXNlci1oLmlvOnB3"}}}"#
        );
        let some =
            from_docker_config(Some(&["h.io".into()]), Some(&path), &env, &FakeHelper).unwrap();
        assert_eq!(
            some.as_str(),
            r#"{"auths": {"h.io": {"auth": "dXNlci1oLmlvOnB3"}}}"#
        );
        let err = from_docker_config(
            Some(&["a.io".into(), "nope.io".into()]),
            Some(&path),
            &env,
            &FakeHelper,
        )
        .unwrap_err();
        assert_eq!(
            err.to_string(),
            "No credentials could be extracted for registries: a.io, nope.io"
        );
    }

    #[test]
    fn config_location_and_errors() {
        let (dir, _path) = write_config(r#"{"auths": {}}"#);
        let env = DockerEnv {
            docker_config: Some(dir.path().display().to_string()),
            home: None,
        };
        let err = from_docker_config(None, None, &env, &FakeHelper).unwrap_err();
        assert!(matches!(err, DockerError::NoRegistries), "{err}");
        let home = DockerEnv {
            docker_config: None,
            home: Some(dir.path().to_owned()),
        };
        let err = from_docker_config(None, None, &home, &FakeHelper).unwrap_err();
        let shown = err.to_string();
        assert!(shown.contains(".docker/config.json"), "{shown}");
        let (_d, bad) = write_config("{not json");
        let err = from_docker_config(None, Some(&bad), &env, &FakeHelper).unwrap_err();
        assert!(matches!(err, DockerError::Parse { .. }), "{err}");
    }
}
