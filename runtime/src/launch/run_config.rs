//! The sources `BIN run` resolves a relaunched task's secrets with: what `flyte run` reads
//! ([`Config::load`]: the Python SDK's config file and the `FLYTE_*` env vars), because no
//! code runs before `#[flyte::main]` to call [`crate::init`].

use crate::Config;
use crate::remote;
use crate::sources::remote::ServiceSource;
use crate::sources::{DotenvSource, Found, ProcessSource, Resolver, SecretSource};
use crate::task::SecretDef;

/// The process, the configured dotenv file, then the configured service (when an endpoint
/// is set). A config that cannot be read or used is an error naming the file or variable.
pub(crate) fn resolver() -> Result<Resolver, String> {
    let config = Config::load().map_err(|e| chain(&e))?;
    let resolver = Resolver::new()
        .with(ProcessSource::from_env())
        .with(DotenvSource::new(config.secrets_file()));
    if config.endpoint().is_none() {
        return Ok(resolver.with(Unconfigured));
    }
    let client = remote::Client::new(&config).map_err(|e| {
        let from = config
            .source()
            .map(|p| format!(" (config file {})", p.display()))
            .unwrap_or_default();
        format!(
            "cannot use the configured secret service{from}: {}",
            chain(&e)
        )
    })?;
    Ok(resolver.with(ServiceSource::new(client)))
}

/// An error and its causes on one line.
fn chain(e: &dyn std::error::Error) -> String {
    let mut text = e.to_string();
    let mut cause = e.source();
    while let Some(c) = cause {
        text.push_str(": ");
        text.push_str(&c.to_string());
        cause = c.source();
    }
    text
}

/// No endpoint is configured: finds nothing, and the report says how to configure one.
#[derive(Debug)]
struct Unconfigured;

/// How `BIN run` is pointed at a secret service, for the missing-secrets report.
const HOW_TO_CONFIGURE: &str = "secret service (none configured: set \
    FLYTE_ADMIN_ENDPOINT, or admin.endpoint in the config file ~/.flyte/config.yaml or \
    $FLYTECTL_CONFIG, or run the task with `flyte run BINARY TASK`)";

impl SecretSource for Unconfigured {
    fn fetch(&self, _: &SecretDef<'_>) -> Result<Option<Found>, crate::Error> {
        Ok(None)
    }

    fn looked_at(&self, _: &SecretDef<'_>) -> String {
        HOW_TO_CONFIGURE.to_owned()
    }
}
