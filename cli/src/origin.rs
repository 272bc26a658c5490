//! [`EndpointOrigin`]: where the endpoint in use was set, for messages and hints.

use std::fmt;
use std::path::PathBuf;

use flyte::config::Origin;

/// Where the endpoint in use was set, for error messages.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub(crate) enum EndpointOrigin {
    /// `--endpoint`.
    Flag,
    /// `FLYTE_ADMIN_ENDPOINT` (or another env var, by name).
    Env(String),
    /// The endpoint inside the app credentials of `FLYTE_API_KEY`.
    ApiKey,
    /// A config file.
    File(PathBuf),
    /// None configured: the local service in this data directory, served by the `flyte
    /// serve` with this pid, or else started for this command.
    Local {
        dir: PathBuf,
        serve_pid: Option<u32>,
    },
}

impl fmt::Display for EndpointOrigin {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            EndpointOrigin::Flag => f.write_str("the --endpoint flag"),
            EndpointOrigin::Env(name) => write!(f, "env var {name}"),
            EndpointOrigin::ApiKey => f.write_str("the app credentials in env var FLYTE_API_KEY"),
            EndpointOrigin::File(p) => write!(f, "config file {} (admin.endpoint)", p.display()),
            EndpointOrigin::Local { dir, serve_pid } => {
                write!(
                    f,
                    "the default (no endpoint configured): the local secret service in {}",
                    dir.display()
                )?;
                match serve_pid {
                    Some(pid) => write!(f, ", served by flyte serve (pid {pid})"),
                    None => f.write_str(", started for this command"),
                }
            }
        }
    }
}

impl EndpointOrigin {
    /// What to edit to point elsewhere.
    pub(crate) fn what_to_change(&self) -> String {
        match self {
            EndpointOrigin::Flag => "--endpoint".into(),
            EndpointOrigin::Env(name) => name.clone(),
            EndpointOrigin::ApiKey => {
                "FLYTE_API_KEY, or set FLYTE_ADMIN_ENDPOINT / --endpoint".into()
            }
            EndpointOrigin::File(p) => {
                format!("admin.endpoint in {} (or pass --endpoint)", p.display())
            }
            EndpointOrigin::Local { .. } => "--endpoint to use another service".into(),
        }
    }
}

impl From<&Origin> for EndpointOrigin {
    /// The CLI's builder arguments are its flags; the app credentials' endpoint is
    /// recorded as coming from `FLYTE_API_KEY`.
    fn from(origin: &Origin) -> Self {
        match origin {
            Origin::Env(name) if name == "FLYTE_API_KEY" => EndpointOrigin::ApiKey,
            Origin::Env(name) => EndpointOrigin::Env(name.clone()),
            Origin::File(path) => EndpointOrigin::File(path.clone()),
            _ => EndpointOrigin::Flag,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn origin(
        env: &'static [(&'static str, &'static str)],
        args: impl FnOnce(flyte::config::ConfigBuilder) -> flyte::config::ConfigBuilder,
    ) -> Option<EndpointOrigin> {
        let b = flyte::Config::builder()
            .no_file_search()
            .env_lookup(move |k| {
                env.iter()
                    .find(|(n, _)| *n == k)
                    .map(|(_, v)| (*v).to_owned())
            });
        args(b)
            .build()
            .unwrap()
            .endpoint_origin()
            .map(EndpointOrigin::from)
    }

    #[test]
    fn origin_follows_the_config_precedence() {
        const ENV: &[(&str, &str)] = &[("FLYTE_ADMIN_ENDPOINT", "dns:///from-env")];
        assert_eq!(
            origin(ENV, |b| b.endpoint("http://h:1")),
            Some(EndpointOrigin::Flag)
        );
        assert_eq!(
            origin(ENV, |b| b),
            Some(EndpointOrigin::Env("FLYTE_ADMIN_ENDPOINT".into()))
        );
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("config.yaml");
        std::fs::write(&file, "admin:\n  endpoint: dns:///from-file\n").unwrap();
        let f = file.clone();
        assert_eq!(
            origin(&[], move |b| b.file(f)),
            Some(EndpointOrigin::File(file.clone()))
        );
        assert!(
            EndpointOrigin::File(file.clone())
                .to_string()
                .contains(&file.display().to_string())
        );
        assert_eq!(origin(&[], |b| b), None);
    }
}
