//! From flags, env and config file to a ready client: [`Session`].

use std::fmt;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use flyte::config::{Config, ConfigError};
use flyte::remote::auth::KeyringStore;
use flyte::remote::{AccessToken, Client, ClientBuilder, StaticToken};

use crate::args::{GlobalArgs, ScopeArgs};
use crate::error::{CliError, ServiceError};
use crate::keyring_tokens::KeyringTokens;

/// Where the endpoint in use was set, for error messages.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum EndpointOrigin {
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
    pub fn what_to_change(&self) -> String {
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

/// The configuration for these flags: flags over env vars over the config file.
pub fn load_config(global: &GlobalArgs) -> Result<Config, ConfigError> {
    let mut b = Config::builder();
    if let Some(file) = &global.config {
        b = b.file(file);
    }
    if let Some(endpoint) = &global.endpoint {
        b = b.endpoint(endpoint.clone());
    }
    if global.insecure {
        b = b.insecure(true);
    }
    if let Some(org) = &global.org {
        b = b.org(org.clone());
    }
    b.build()
}

/// Where the configured endpoint came from, following the precedence of
/// [`flyte::config::ConfigBuilder::build`]: flag, env var, API key, file.
pub fn endpoint_origin(
    global: &GlobalArgs,
    config: &Config,
    env: &dyn Fn(&str) -> Option<String>,
) -> Option<EndpointOrigin> {
    config.endpoint()?;
    if global.endpoint.is_some() {
        return Some(EndpointOrigin::Flag);
    }
    if env("FLYTE_ADMIN_ENDPOINT").is_some_and(|v| !v.is_empty()) {
        return Some(EndpointOrigin::Env("FLYTE_ADMIN_ENDPOINT".into()));
    }
    if config.api_key().and_then(|k| k.app_credentials()).is_some() {
        return Some(EndpointOrigin::ApiKey);
    }
    Some(match config.source() {
        Some(path) => EndpointOrigin::File(path.to_owned()),
        // Unreachable in practice: an endpoint comes from one of the above.
        None => EndpointOrigin::Env("FLYTE_ADMIN_ENDPOINT".into()),
    })
}

/// The process environment, read (never written).
pub fn process_env(name: &str) -> Option<String> {
    std::env::var(name).ok()
}

/// A client for one command. With no endpoint configured it is the library's local default
/// ([`flyte::local`]): the `flyte serve` advertised in the data directory, or the service
/// started in-process for as long as the client lives.
#[derive(Debug)]
pub struct Session {
    pub client: Client,
    pub origin: EndpointOrigin,
}

/// What a session needs besides the global flags.
#[derive(Debug, Default)]
pub struct SessionOptions<'a> {
    pub scope: Option<&'a ScopeArgs>,
    /// The data directory of the local service (used with no endpoint, or on this machine for the inject
    /// token); default: the user's data directory.
    pub data_dir: Option<&'a Path>,
    /// Also authenticate the local service's inject extension (for `flyte run`).
    pub inject: bool,
}

impl Session {
    pub fn open(global: &GlobalArgs, opts: SessionOptions<'_>) -> Result<Session, CliError> {
        let config = load_config(global)?;
        let origin = endpoint_origin(global, &config, &process_env);
        let mut builder = ClientBuilder::from_config(config.clone());
        // The secret commands work in the organization scope unless -p/-d are given, as the
        // Python CLI: the config's task.project/task.domain do not apply.
        let scope = opts.scope.cloned().unwrap_or_default();
        builder = builder
            .project(scope.project.unwrap_or_default())
            .domain(scope.domain.unwrap_or_default());
        let configured = origin.is_some();
        if configured {
            builder = with_credentials(builder, &config, opts.inject, opts.data_dir)?;
        } else if let Some(dir) = opts.data_dir {
            builder = builder.local_data_dir(dir);
        }
        let client = builder.build().map_err(|error| match error {
            flyte::remote::Error::Local(e) => CliError::Local(e),
            error => CliError::from(ServiceError {
                error,
                origin: origin.clone().unwrap_or(EndpointOrigin::Flag),
                scope: String::new(),
            }),
        })?;
        let origin = match (origin, client.local_service()) {
            (Some(origin), _) => origin,
            (None, Some(local)) => EndpointOrigin::Local {
                dir: local.data_dir().to_owned(),
                serve_pid: local.attached(),
            },
            (None, None) => {
                return Err(CliError::NoEndpoint {
                    command: "this command",
                });
            }
        };
        tracing::debug!(endpoint = client.endpoint(), %origin, "secret service");
        Ok(Session { client, origin })
    }

    /// The scope calls are made in, for messages.
    pub fn scope(&self) -> String {
        let c = &self.client;
        match (c.project(), c.domain()) {
            (None, None) => format!("organization `{}` (organization-wide)", c.org()),
            (p, d) => format!(
                "organization `{}`, project `{}`, domain `{}`",
                c.org(),
                p.unwrap_or(""),
                d.unwrap_or("")
            ),
        }
    }

    /// Wraps a failed call with the endpoint's origin and the scope.
    pub fn fail(&self, error: flyte::remote::Error) -> CliError {
        CliError::from(ServiceError {
            error,
            origin: self.origin.clone(),
            scope: self.scope(),
        })
    }
}

/// Credentials for a configured endpoint: an API key is used by the client as is; else the
/// tokens cached in the OS keyring (the Python SDK's items), refreshed when refused. For
/// `flyte run` against a service on this machine, the local inject token.
fn with_credentials(
    builder: ClientBuilder,
    config: &Config,
    inject: bool,
    data_dir: Option<&Path>,
) -> Result<ClientBuilder, CliError> {
    if config.api_key().is_some() {
        return Ok(builder);
    }
    let endpoint = config.endpoint().expect("an origin implies an endpoint");
    // An explicitly named data directory: its inject token, for a service on this machine.
    // (The default directory's token is used by the client itself, and only for the `flyte
    // serve` that directory advertises.)
    if let Some(dir) = data_dir.filter(|_| inject && endpoint.is_loopback()) {
        let token =
            flyte_server::read_inject_token(dir).map_err(|source| CliError::InjectToken {
                dir: dir.to_owned(),
                source,
            })?;
        tracing::debug!(dir = %dir.display(), "using the local service's inject token");
        let token = Arc::new(StaticToken(AccessToken::new(token.expose())));
        return Ok(builder.token_source(token));
    }
    let keyring = KeyringStore::from_config(config.disable_keyring());
    if keyring.is_disabled() {
        return Ok(builder);
    }
    Ok(builder.token_store(Arc::new(KeyringTokens::new(keyring, endpoint.to_string()))))
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::Parser;

    fn global(args: &[&str]) -> GlobalArgs {
        let mut argv = vec!["flyte"];
        argv.extend_from_slice(args);
        argv.extend_from_slice(&["auth", "status"]);
        crate::args::Cli::parse_from(argv).global
    }

    fn config(
        endpoint: Option<&str>,
        file: Option<&Path>,
        env: &'static [(&'static str, &'static str)],
    ) -> Config {
        let mut b = Config::builder().no_file_search().env_lookup(move |k| {
            env.iter()
                .find(|(n, _)| *n == k)
                .map(|(_, v)| (*v).to_owned())
        });
        if let Some(e) = endpoint {
            b = b.endpoint(e);
        }
        if let Some(f) = file {
            b = b.file(f);
        }
        b.build().unwrap()
    }

    #[test]
    fn origin_follows_precedence() {
        let env = |vars: &'static [(&'static str, &'static str)]| {
            move |k: &str| {
                vars.iter()
                    .find(|(n, _)| *n == k)
                    .map(|(_, v)| (*v).to_owned())
            }
        };
        let none: &'static [(&str, &str)] = &[];
        let g = global(&["--endpoint", "http://h:1"]);
        assert_eq!(
            endpoint_origin(&g, &config(Some("http://h:1"), None, none), &env(none)),
            Some(EndpointOrigin::Flag)
        );

        const ENV: &[(&str, &str)] = &[("FLYTE_ADMIN_ENDPOINT", "dns:///from-env")];
        let g = global(&[]);
        assert_eq!(
            endpoint_origin(&g, &config(None, None, ENV), &env(ENV)),
            Some(EndpointOrigin::Env("FLYTE_ADMIN_ENDPOINT".into()))
        );

        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("config.yaml");
        std::fs::write(&file, "admin:\n  endpoint: dns:///from-file\n").unwrap();
        let c = config(None, Some(&file), none);
        assert_eq!(
            endpoint_origin(&g, &c, &env(none)),
            Some(EndpointOrigin::File(file.clone()))
        );
        assert!(
            EndpointOrigin::File(file.clone())
                .to_string()
                .contains(&file.display().to_string())
        );

        assert_eq!(
            endpoint_origin(&g, &config(None, None, none), &env(none)),
            None
        );
    }
}
