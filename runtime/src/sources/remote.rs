//! The secret service as a [`SecretSource`]: values read through the local service's inject
//! call ([`crate::remote::Client::read_value`]).
//!
//! The service stores flat names: a secret is looked up by its key, a grouped one as
//! `<group>-<key>` (its key alone could collide across groups).

use std::sync::Arc;

use super::{Found, SecretSource};
use crate::Error;
use crate::remote::{self, blocking};
use crate::task::SecretDef;

/// One service, through the given client.
#[derive(Debug, Clone)]
pub struct ServiceSource {
    client: blocking::Client,
}

impl ServiceSource {
    pub fn new(client: remote::Client) -> Self {
        ServiceSource {
            client: blocking::Client::new(client),
        }
    }
}

/// The name a declared secret has on the service.
pub fn service_name(secret: &SecretDef<'_>) -> String {
    match secret.group {
        Some(group) => format!("{group}-{}", secret.key),
        None => secret.key.to_owned(),
    }
}

impl SecretSource for ServiceSource {
    fn fetch(&self, secret: &SecretDef<'_>) -> Result<Option<Found>, Error> {
        let name = service_name(secret);
        match self.client.read_value(&name) {
            Ok(value) => Ok(Some(Found::Value(value))),
            Err(remote::Error::NotFound { .. }) => Ok(None),
            Err(e) => Err(Error::Source {
                source_name: format!("secret service {}", self.client.0.endpoint()),
                secret: name,
                message: e.to_string(),
            }),
        }
    }

    fn looked_at(&self, secret: &SecretDef<'_>) -> String {
        format!(
            "secret service {} (secret {})",
            self.client.0.endpoint(),
            service_name(secret)
        )
    }
}

/// The service set with [`crate::init`], looked up at each fetch so a later `init` counts.
#[derive(Debug, Clone, Copy)]
pub(crate) struct ConfiguredService;

impl SecretSource for ConfiguredService {
    fn fetch(&self, secret: &SecretDef<'_>) -> Result<Option<Found>, Error> {
        match remote::client() {
            Ok(client) => ServiceSource::new(client).fetch(secret),
            Err(_) => Ok(None),
        }
    }

    fn looked_at(&self, secret: &SecretDef<'_>) -> String {
        match remote::client() {
            Ok(client) => ServiceSource::new(client).looked_at(secret),
            Err(_) => "secret service (none configured: flyte::init with an endpoint)".to_owned(),
        }
    }
}

pub(crate) fn configured() -> Option<Arc<dyn SecretSource>> {
    Some(Arc::new(ConfiguredService))
}
