//! The process-wide client set by [`init`], and the free functions that use it
//! ([`Secret::create`], [`Secret::get`], ...).

use std::sync::RwLock;

use super::client::Client;
use super::client::SecretList;
use super::error::Error;
use super::secret::{SecretData, SecretType, StoredSecret};
use crate::config::{Config, ConfigError};

struct Global {
    config: Config,
    /// Built by `init` when the config names an endpoint; else on first use, since the local
    /// default may start a service that a program using only local sources never needs.
    client: Option<Client>,
}

static GLOBAL: RwLock<Option<Global>> = RwLock::new(None);

/// Sets the process-wide configuration and the client the free functions
/// ([`Secret::create`], ...) and the secret-service source use. Calling it again replaces
/// both. With no endpoint in `config`, the client is the local default
/// ([`crate::local`]), made on first use.
///
/// ```no_run
/// # fn main() -> Result<(), Box<dyn std::error::Error>> {
/// flyte::init(flyte::Config::load()?)?;
/// # Ok(()) }
/// ```
pub fn init(config: Config) -> Result<(), Error> {
    let client = match config.endpoint() {
        Some(_) => Some(Client::new(&config)?),
        None => None,
    };
    *GLOBAL.write().unwrap_or_else(|p| p.into_inner()) = Some(Global { config, client });
    Ok(())
}

/// The client set by [`init`] ([`Error::NotInitialized`] before `init`). With no endpoint
/// configured: the local default, or [`ConfigError::MissingEndpoint`] when this crate is
/// built without its `local` feature.
pub fn client() -> Result<Client, Error> {
    if let Some(global) = GLOBAL.read().unwrap_or_else(|p| p.into_inner()).as_ref() {
        if let Some(c) = &global.client {
            return Ok(c.clone());
        }
    } else {
        return Err(Error::NotInitialized);
    }
    let mut guard = GLOBAL.write().unwrap_or_else(|p| p.into_inner());
    let global = guard.as_mut().ok_or(Error::NotInitialized)?;
    if let Some(c) = &global.client {
        return Ok(c.clone());
    }
    if cfg!(not(feature = "local")) {
        return Err(ConfigError::MissingEndpoint.into());
    }
    let client = Client::new(&global.config)?;
    global.client = Some(client.clone());
    Ok(client)
}

/// The configuration given to [`init`], if it was called.
pub fn config() -> Option<Config> {
    GLOBAL
        .read()
        .unwrap_or_else(|p| p.into_inner())
        .as_ref()
        .map(|g| g.config.clone())
}

/// The Python SDK's `flyte.remote.Secret` class methods, on the client set by [`init`]:
/// `Secret::create(name, value).await`, `Secret::get(name)`, `Secret::listall(limit)`, ...
/// (for blocking code, [`blocking::Secret`](super::blocking::Secret)). What `get` and
/// `listall` give is a [`StoredSecret`].
#[derive(Debug)]
#[non_exhaustive]
pub struct Secret;

impl Secret {
    /// Creates a `regular` secret from text or bytes.
    pub async fn create(name: &str, value: impl Into<SecretData>) -> Result<(), Error> {
        client()?.create(name, value).await
    }

    /// Creates a secret of the given type.
    pub async fn create_with(
        name: &str,
        value: impl Into<SecretData>,
        ty: SecretType,
    ) -> Result<(), Error> {
        client()?.create_with(name, value, ty).await
    }

    /// A secret's metadata.
    pub async fn get(name: &str) -> Result<StoredSecret, Error> {
        client()?.get(name).await
    }

    /// Every secret of the configured scope, `limit` per page, as a lazy stream.
    pub fn listall(limit: u32) -> SecretList {
        match client() {
            Ok(c) => c.listall(limit),
            Err(e) => SecretList::failed(e, limit),
        }
    }

    /// Replaces a secret's value.
    pub async fn update(name: &str, value: impl Into<SecretData>) -> Result<(), Error> {
        client()?.update(name, value).await
    }

    /// Replaces a secret's value and type.
    pub async fn update_with(
        name: &str,
        value: impl Into<SecretData>,
        ty: SecretType,
    ) -> Result<(), Error> {
        client()?.update_with(name, value, ty).await
    }

    /// Deletes a secret.
    pub async fn delete(name: &str) -> Result<(), Error> {
        client()?.delete(name).await
    }
}
