//! The sources `BIN run` resolves a relaunched task's secrets with: what `flyte run` reads
//! ([`Config::load`]: the Python SDK's config file and the `FLYTE_*` env vars), because no
//! code runs before `#[flyte::main]` to call [`crate::init`]. With no endpoint configured, the
//! service is the local default ([`crate::local`]), as for `flyte run`.

use std::sync::OnceLock;

use crate::Config;
use crate::remote;
use crate::secret::SecretDef;
use crate::sources::remote::ServiceSource;
use crate::sources::{DotenvSource, Found, ProcessSource, Resolver, SecretSource};

/// The process, the configured dotenv file, then the configured service. A config that cannot
/// be read is an error naming the file or variable.
pub(crate) fn resolver() -> Result<Resolver, String> {
    let config = Config::load().map_err(|e| crate::error::chain(&e))?;
    let resolver = Resolver::new()
        .with(ProcessSource::from_env())
        .with(DotenvSource::new(config.secrets_file()));
    if config.endpoint().is_none() {
        // In a task pod, a local service would be a new, empty one in the pod's home.
        if crate::sources::in_task_pod() {
            return Ok(resolver.with(Unconfigured { in_pod: true }));
        }
        if cfg!(not(feature = "local")) {
            return Ok(resolver.with(Unconfigured { in_pod: false }));
        }
    }
    Ok(resolver.with(LazyService {
        config,
        service: OnceLock::new(),
    }))
}

/// The service, opened when a secret is first asked of it: a task whose secrets all come
/// from the process or the dotenv file starts no local service.
#[derive(Debug)]
struct LazyService {
    config: Config,
    service: OnceLock<Result<ServiceSource, String>>,
}

impl LazyService {
    fn service(&self) -> &Result<ServiceSource, String> {
        self.service.get_or_init(|| {
            let client = remote::Client::new(&self.config).map_err(|e| {
                let from = self
                    .config
                    .source()
                    .map(|p| format!(" (config file {})", p.display()))
                    .unwrap_or_default();
                format!(
                    "cannot use the secret service{from}: {}",
                    crate::error::chain(&e)
                )
            })?;
            Ok(ServiceSource::new(client))
        })
    }
}

impl SecretSource for LazyService {
    fn fetch(&self, secret: &SecretDef<'_>) -> Result<Option<Found>, crate::Error> {
        match self.service() {
            Ok(service) => service.fetch(secret),
            Err(message) => Err(crate::Error::Source {
                source_name: "secret service".to_owned(),
                secret: secret.display_name(),
                source: message.clone().into(),
            }),
        }
    }

    fn looked_at(&self, secret: &SecretDef<'_>) -> String {
        match self.service.get() {
            Some(Ok(service)) => service.looked_at(secret),
            _ => match self.config.endpoint() {
                Some(e) => format!("secret service at {e} (secret `{}`)", secret.key),
                None => format!("the local secret service (secret `{}`)", secret.key),
            },
        }
    }
}

/// No endpoint is configured and there is no local default (compiled out, or in a task pod):
/// finds nothing, and the report says how to configure one.
#[derive(Debug)]
struct Unconfigured {
    in_pod: bool,
}

/// How `BIN run` is pointed at a secret service, for the missing-secrets report.
const HOW_TO_CONFIGURE: &str = "secret service (none configured: set \
    FLYTE_ADMIN_ENDPOINT, or admin.endpoint in the config file ~/.flyte/config.yaml or \
    $FLYTECTL_CONFIG, or run the task with `flyte run BINARY TASK`)";

/// The same in a task pod, which has no local service.
const HOW_TO_CONFIGURE_IN_POD: &str = "secret service (none configured in this task pod, \
    which has no local one: the platform sets _U_EP_OVERRIDE, or set FLYTE_ADMIN_ENDPOINT or \
    $FLYTECTL_CONFIG)";

impl SecretSource for Unconfigured {
    fn fetch(&self, _: &SecretDef<'_>) -> Result<Option<Found>, crate::Error> {
        Ok(None)
    }

    fn looked_at(&self, _: &SecretDef<'_>) -> String {
        match self.in_pod {
            true => HOW_TO_CONFIGURE_IN_POD.to_owned(),
            false => HOW_TO_CONFIGURE.to_owned(),
        }
    }
}
