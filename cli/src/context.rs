//! From flags, env and config file to a ready client: [`Session`].

use std::path::Path;
use std::sync::Arc;

use flyte::config::{Config, ConfigError};
use flyte::remote::{AccessToken, Client, ClientBuilder, StaticToken};

use crate::args::{GlobalArgs, ScopeArgs};
use crate::error::{CliError, ServiceError};
pub(crate) use crate::origin::EndpointOrigin;

/// The configuration for these flags: flags over env vars over the config file.
pub(crate) fn load_config(global: &GlobalArgs) -> Result<Config, ConfigError> {
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
    if let Some(flow) = global.auth_type {
        b = b.auth_type(flow);
    }
    b.build()
}

/// A client for one command. With no endpoint configured it is the library's local default
/// ([`flyte::local`]): the `flyte serve` advertised in the data directory, or the service
/// started in-process for as long as the client lives.
#[derive(Debug)]
pub(crate) struct Session {
    pub client: Client,
    pub origin: EndpointOrigin,
    /// Calls carry an API key (FLYTE_API_KEY).
    pub api_key: bool,
}

/// What a session needs besides the global flags.
#[derive(Debug, Default)]
pub(crate) struct SessionOptions<'a> {
    pub scope: Option<&'a ScopeArgs>,
    /// The data directory of the local service (used with no endpoint, or on this machine for the inject
    /// token); default: the user's data directory.
    pub data_dir: Option<&'a Path>,
    /// Also authenticate the local service's inject extension (for `flyte run`).
    pub inject: bool,
}

impl Session {
    pub(crate) fn open(global: &GlobalArgs, opts: SessionOptions<'_>) -> Result<Session, CliError> {
        let config = load_config(global)?;
        let origin = config.endpoint_origin().map(EndpointOrigin::from);
        let mut builder = ClientBuilder::from_config(config.clone());
        // The secret commands work in the organization scope unless -p/-d are given, as the
        // Python CLI: the config's task.project/task.domain do not apply.
        let scope = opts.scope.cloned().unwrap_or_default();
        scope.check()?;
        builder = builder
            .project(scope.project.unwrap_or_default())
            .domain(scope.domain.unwrap_or_default());
        let configured = origin.is_some();
        if configured {
            // As the Python CLI: an `unauthenticated` answer that a refresh cannot fix runs
            // the login flow.
            builder = builder.login_on_unauthenticated(true);
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
                scoped: false,
                api_key: config.api_key().is_some(),
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
        let api_key = configured && config.api_key().is_some();
        Ok(Session {
            client,
            origin,
            api_key,
        })
    }

    /// The scope calls are made in, for messages; parts not given are left out.
    pub(crate) fn scope(&self) -> String {
        let c = &self.client;
        let mut words = format!("organization `{}`", c.org());
        if let Some(p) = c.project() {
            words.push_str(&format!(", project `{p}`"));
        }
        if let Some(d) = c.domain() {
            words.push_str(&format!(", domain `{d}`"));
        }
        if c.project().is_none() && c.domain().is_none() {
            words.push_str(" (organization-wide)");
        }
        words
    }

    /// Wraps a failed call with the endpoint's origin and the scope.
    pub(crate) fn fail(&self, error: flyte::remote::Error) -> CliError {
        CliError::from(ServiceError {
            error,
            origin: self.origin.clone(),
            scope: self.scope(),
            scoped: self.client.project().is_some() && self.client.domain().is_some(),
            api_key: self.api_key,
        })
    }
}

/// Credentials for a configured endpoint, beyond what the client does itself (an API key,
/// the keyring's tokens, the advertised local service's inject token): for `flyte run
/// --data-dir DIR` against a service on this machine, DIR's inject token.
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
    // Else the client's default: the OS keyring's tokens for the endpoint (the Python SDK's
    // items), refreshed when refused.
    Ok(builder)
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

    #[test]
    fn flags_are_builder_arguments_and_win() {
        let config = load_config(&global(&["--endpoint", "http://h:1", "--org", "o"])).unwrap();
        assert_eq!(config.endpoint().unwrap().to_string(), "http://h:1");
        assert_eq!(config.org(), Some("o"));
        assert_eq!(
            config.endpoint_origin().map(EndpointOrigin::from),
            Some(EndpointOrigin::Flag)
        );
    }
}
