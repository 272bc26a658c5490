//! OpenBao (or Vault) KV v2 storage: `--store openbao://HOST:PORT/MOUNT` ([`address`]).
//!
//! OpenBao encrypts what it stores, so the server does not encrypt on top: this store gets
//! the plaintext form of values and keeps them readable to other Vault users ([`value`]), one
//! KV secret per Flyte secret at `flyte/ORG/PROJECT/DOMAIN/NAME` ([`paths`]), our type in its
//! `custom_metadata` and its `created_time` from the KV metadata. The token ([`token`]) comes
//! from `--store-token-file`, `BAO_TOKEN` or `VAULT_TOKEN`.
//!
//! - create: a write with check-and-set `cas: 0`, which OpenBao refuses when the secret
//!   exists: exactly one of concurrent creates wins, the others get `already_exists`;
//! - update: a write with `cas` = the version just read, so an update never brings back a
//!   secret deleted meanwhile (the write is refused, the update answers `not_found`);
//! - delete: the metadata delete (every version) (the writes: [`write`]; the reads:
//!   [`read`]);
//! - list: a LIST of the scope's folder after `after` (OpenBao's paginated LIST, the keys
//!   sorted and cut again here in byte order for servers that answer every key), then the
//!   metadata of each name on the page ([`list`]).
//!
//! At start ([`SecretStore::prepare`]) the mount is checked ([`mount_check`]), and a
//! renewable token with a TTL is renewed from then on ([`renewal`]).
//!
//! The value and our type are two writes (KV has no write of data and `custom_metadata` in
//! one request): the type follows the value at once, so until it lands a reader sees the
//! value with the type it had (or, right after a create, generic).

mod address;
mod client;
mod list;
mod mount_check;
mod paths;
mod read;
mod renewal;
mod token;
mod value;
mod write;

pub use address::OpenBaoAddress;
pub(crate) use token::resolve as resolve_token;

use std::path::Path;
use std::sync::{Arc, Mutex};

use super::{
    Found, ListedSecret, Rewrite, SecretStore, StoreError, StoreFuture, StoredMeta, StoredValue,
};
use crate::error::StartError;
use crate::scope::{Scope, SecretRef};
use client::Client;

/// A KV v2 mount of one OpenBao server.
#[derive(Debug)]
pub(crate) struct OpenBaoStore {
    client: Arc<Client>,
    /// The token's renewal, from [`SecretStore::prepare`]; stopped when the store drops.
    renewer: Mutex<Option<renewal::Renewer>>,
}

impl OpenBaoStore {
    pub(crate) fn new(
        address: &OpenBaoAddress,
        token: token::Token,
        ca_file: Option<&Path>,
    ) -> Result<OpenBaoStore, StartError> {
        Ok(OpenBaoStore {
            client: Arc::new(Client::new(address, token, ca_file)?),
            renewer: Mutex::new(None),
        })
    }
}

impl SecretStore for OpenBaoStore {
    fn describe(&self) -> String {
        format!(
            "{} (KV v2 mount `{}`)",
            self.client.server(),
            self.client.mount()
        )
    }

    fn meta<'a>(&'a self, secret: &'a SecretRef) -> StoreFuture<'a, Option<StoredMeta>> {
        Box::pin(async move {
            let m = read::kv_meta(&self.client, &paths::secret_path(secret)).await?;
            Ok(m.filter(|m| m.live).map(|m| m.meta))
        })
    }

    fn page<'a>(
        &'a self,
        scope: &'a Scope,
        after: &'a str,
        limit: usize,
    ) -> StoreFuture<'a, Vec<ListedSecret>> {
        Box::pin(list::page(&self.client, scope, after, limit))
    }

    fn insert(
        &self,
        secret: SecretRef,
        secret_type: i32,
        value: StoredValue,
    ) -> StoreFuture<'_, bool> {
        Box::pin(async move { write::insert(&self.client, &secret, secret_type, &value).await })
    }

    fn update(
        &self,
        secret: SecretRef,
        secret_type: i32,
        value: StoredValue,
    ) -> StoreFuture<'_, bool> {
        Box::pin(async move { write::update(&self.client, &secret, secret_type, &value).await })
    }

    fn delete(&self, secret: SecretRef) -> StoreFuture<'_, bool> {
        Box::pin(async move { write::delete(&self.client, &secret).await })
    }

    fn read_first(&self, candidates: Vec<SecretRef>) -> StoreFuture<'_, Option<Found>> {
        Box::pin(async move {
            for secret in candidates {
                if let Some((ty, value)) = read::read_one(&self.client, &secret).await? {
                    return Ok(Some((secret, ty, value)));
                }
            }
            Ok(None)
        })
    }

    fn prepare(&self, proposed: Vec<u8>) -> StoreFuture<'_, Vec<u8>> {
        Box::pin(async move {
            mount_check::check_mount(&self.client).await?;
            let renewer = renewal::start(&self.client).await;
            // A renewal started by an earlier call stops here.
            *self.renewer.lock().unwrap_or_else(|e| e.into_inner()) = renewer;
            Ok(proposed)
        })
    }

    fn reseal<'a>(&'a self, _: Rewrite<'a>, _: Vec<u8>) -> StoreFuture<'a, super::Resealed> {
        let msg = format!(
            "{} encrypts values itself: there is nothing to reseal (rotate OpenBao's own keys \
             with `bao operator rotate`)",
            self.describe()
        );
        Box::pin(std::future::ready(Err(StoreError::Reseal(msg))))
    }
}
