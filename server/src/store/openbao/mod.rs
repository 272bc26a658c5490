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
//! - delete: the metadata delete (every version);
//! - list: a LIST of the scope's folder after `after` (OpenBao's paginated LIST, the keys
//!   sorted and cut again here in byte order for servers that answer every key), then the
//!   metadata of each name on the page.
//!
//! The value and our type are two writes (KV has no write of data and `custom_metadata` in
//! one request): the type follows the value at once, so until it lands a reader sees the
//! value with the type it had (or, right after a create, generic).

mod address;
mod client;
mod paths;
mod token;
mod value;

pub use address::OpenBaoAddress;
pub(crate) use token::resolve as resolve_token;

use std::path::Path;
use std::sync::Arc;

use flyte_idl::Timestamp;
use reqwest::{Method, StatusCode};
use serde_json::{Value, json};
use zeroize::Zeroizing;

use super::{
    Found, ListedSecret, Rewrite, SecretStore, StoreError, StoreFuture, StoredMeta, StoredValue,
};
use crate::error::StartError;
use crate::scope::{Scope, SecretRef};
use client::Client;

/// Tries of a write that lost a check-and-set race to another writer before giving up: each
/// round one of the racing writers wins, so this many writers of one secret at once all get
/// through.
const MAX_CAS_TRIES: usize = 32;

/// A short pause before try `n` (from 1) of a lost check-and-set race, growing with `n`, so
/// that racing writers spread out.
async fn back_off(n: usize) {
    tokio::time::sleep(std::time::Duration::from_millis(n.min(20) as u64)).await;
}
/// Metadata reads in flight at once while a page is filled.
const PAGE_FETCHES: usize = 16;
/// Most keys asked of one LIST.
const MAX_LIST_BATCH: usize = 1000;

/// A KV v2 mount of one OpenBao server.
#[derive(Debug)]
pub(crate) struct OpenBaoStore {
    client: Arc<Client>,
}

/// What the KV metadata says of a secret.
#[derive(Debug)]
struct KvMeta {
    current_version: u64,
    /// A current version that is neither deleted nor destroyed: the secret exists. Metadata
    /// without one (its versions deleted or destroyed by another tool, or metadata written
    /// before any value) is an absent secret.
    live: bool,
    meta: StoredMeta,
}

impl OpenBaoStore {
    pub(crate) fn new(
        address: &OpenBaoAddress,
        token: token::Token,
        ca_file: Option<&Path>,
    ) -> Result<OpenBaoStore, StartError> {
        Ok(OpenBaoStore {
            client: Arc::new(Client::new(address, token, ca_file)?),
        })
    }
}

fn data_path(c: &Client, path: &str) -> String {
    format!("{}/data/{path}", c.mount())
}

fn metadata_path(c: &Client, path: &str) -> String {
    format!("{}/metadata/{path}", c.mount())
}

/// The metadata of the secret at `path`; `None` when there is none.
async fn kv_meta(c: &Client, path: &str) -> Result<Option<KvMeta>, StoreError> {
    let what = "a metadata read";
    let reply = c
        .call(Method::GET, &metadata_path(c, path), None, what)
        .await?;
    match reply.status {
        StatusCode::NOT_FOUND => return Ok(None),
        s if s.is_success() => {}
        _ => return Err(c.unexpected(what, &reply)),
    }
    let v = reply.json(c, what)?;
    let data = &v["data"];
    let current_version = data["current_version"].as_u64().unwrap_or(0);
    let current = &data["versions"][current_version.to_string()];
    // A deletion time in the future (a mount's `delete_version_after`) is not a deletion yet.
    let deleted = match current["deletion_time"].as_str().unwrap_or("") {
        "" => false,
        t => Timestamp::parse_rfc3339(t).map_or(true, |t| t <= Timestamp::now()),
    };
    let live = current_version > 0
        && current.is_object()
        && !deleted
        && !current["destroyed"].as_bool().unwrap_or(false);
    let created = data["created_time"]
        .as_str()
        .and_then(|t| Timestamp::parse_rfc3339(t).ok())
        .ok_or_else(|| c.answer(what, "no valid created_time".into()))?;
    Ok(Some(KvMeta {
        current_version,
        live,
        meta: StoredMeta {
            secret_type: value::secret_type(data.get("custom_metadata")),
            created,
        },
    }))
}

/// Writes the value with check-and-set `cas`; `false` when the check failed (the secret
/// exists for `cas: 0`, or its version is no longer `cas`).
async fn write_data(
    c: &Client,
    path: &str,
    value: &StoredValue,
    cas: u64,
) -> Result<bool, StoreError> {
    let what = "a write";
    let body = value::write_body(value, cas).map_err(|reason| c.answer(what, reason))?;
    let reply = c
        .call(
            Method::POST,
            &data_path(c, path),
            Some(("application/json", body)),
            what,
        )
        .await?;
    if reply.status.is_success() {
        return Ok(true);
    }
    if reply.status == StatusCode::BAD_REQUEST && reply.errors().contains("check-and-set") {
        return Ok(false);
    }
    Err(c.unexpected(what, &reply))
}

/// Sets our type in the secret's `custom_metadata` (a merge patch: other keys and settings
/// stay). A secret deleted meanwhile stays deleted (PATCH does not create metadata).
async fn write_type(c: &Client, path: &str, secret_type: i32) -> Result<(), StoreError> {
    let what = "a metadata write";
    let body = json!({ "custom_metadata": { value::TYPE_KEY: secret_type.to_string() } });
    let bytes = Zeroizing::new(body.to_string().into_bytes());
    let reply = c
        .call(
            Method::PATCH,
            &metadata_path(c, path),
            Some(("application/merge-patch+json", bytes)),
            what,
        )
        .await?;
    match reply.status {
        s if s.is_success() => Ok(()),
        StatusCode::NOT_FOUND => Ok(()),
        _ => Err(c.unexpected(what, &reply)),
    }
}

fn contention(c: &Client) -> StoreError {
    StoreError::Unavailable(format!(
        "{}: the secret kept changing under {MAX_CAS_TRIES} tries of a check-and-set write; \
         retry",
        c.server()
    ))
}

async fn insert(
    c: &Client,
    secret: &SecretRef,
    secret_type: i32,
    value: &StoredValue,
) -> Result<bool, StoreError> {
    let path = paths::secret_path(secret);
    let mut cas = 0;
    for n in 0..MAX_CAS_TRIES {
        if n > 0 {
            back_off(n).await;
        }
        if write_data(c, &path, value, cas).await? {
            write_type(c, &path, secret_type).await?;
            return Ok(true);
        }
        match kv_meta(c, &path).await? {
            Some(m) if m.live => return Ok(false),
            // Metadata without a live version: an absent secret, replaced on its version.
            Some(m) => cas = m.current_version,
            None => cas = 0,
        }
    }
    Err(contention(c))
}

async fn update(
    c: &Client,
    secret: &SecretRef,
    secret_type: i32,
    value: &StoredValue,
) -> Result<bool, StoreError> {
    let path = paths::secret_path(secret);
    for n in 0..MAX_CAS_TRIES {
        if n > 0 {
            back_off(n).await;
        }
        let Some(m) = kv_meta(c, &path).await?.filter(|m| m.live) else {
            return Ok(false);
        };
        // On the version just read: refused if it was updated (read again) or deleted (then
        // the next read finds nothing) meanwhile.
        if write_data(c, &path, value, m.current_version).await? {
            if m.meta.secret_type != secret_type {
                write_type(c, &path, secret_type).await?;
            }
            return Ok(true);
        }
    }
    Err(contention(c))
}

async fn delete(c: &Client, secret: &SecretRef) -> Result<bool, StoreError> {
    let path = paths::secret_path(secret);
    let Some(m) = kv_meta(c, &path).await? else {
        return Ok(false);
    };
    let what = "a delete";
    let reply = c
        .call(Method::DELETE, &metadata_path(c, &path), None, what)
        .await?;
    if !reply.status.is_success() && reply.status != StatusCode::NOT_FOUND {
        return Err(c.unexpected(what, &reply));
    }
    Ok(m.live)
}

async fn read_one(
    c: &Client,
    secret: &SecretRef,
) -> Result<Option<(i32, StoredValue)>, StoreError> {
    let what = "a value read";
    let reply = c
        .call(
            Method::GET,
            &data_path(c, &paths::secret_path(secret)),
            None,
            what,
        )
        .await?;
    match reply.status {
        // Also a deleted or destroyed current version.
        StatusCode::NOT_FOUND => return Ok(None),
        s if s.is_success() => {}
        _ => return Err(c.unexpected(what, &reply)),
    }
    let v = reply.json(c, what)?;
    let found = match v["data"]["data"].as_object() {
        Some(data) => value::from_data(data).map(|stored| {
            let ty = value::secret_type(v["data"]["metadata"].get("custom_metadata"));
            (ty, stored)
        }),
        None => None,
    };
    value::wipe_json(v);
    match found {
        Some(f) => Ok(Some(f)),
        None => Err(c
            .answer(
                what,
                format!(
                    "{secret} holds neither `value` (a string) nor `binary` (base64): written \
                     by another tool?"
                ),
            )
            .into()),
    }
}

/// Up to `limit` keys of the folder `dir` after `after` (OpenBao's paginated LIST; a server
/// that ignores `after` and `limit`, as Vault does, answers every key, which the caller
/// filters the same way).
async fn list_keys(
    c: &Client,
    dir: &str,
    after: &str,
    limit: usize,
) -> Result<Vec<String>, StoreError> {
    let what = "a list";
    let url = format!(
        "{}?list=true&after={}&limit={limit}",
        metadata_path(c, dir),
        query_escape(after)
    );
    let reply = c.call(Method::GET, &url, None, what).await?;
    match reply.status {
        // No secret in the folder (or none after `after`).
        StatusCode::NOT_FOUND => return Ok(Vec::new()),
        s if s.is_success() => {}
        _ => return Err(c.unexpected(what, &reply)),
    }
    let v = reply.json(c, what)?;
    Ok(v["data"]["keys"]
        .as_array()
        .ok_or_else(|| c.answer(what, "no `keys`".into()))?
        .iter()
        .filter_map(Value::as_str)
        .map(str::to_owned)
        .collect())
}

/// Percent-encodes a query value.
fn query_escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for b in s.bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.' | b'~') {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

async fn page(
    c: &Arc<Client>,
    scope: &Scope,
    after: &str,
    limit: usize,
) -> Result<Vec<ListedSecret>, StoreError> {
    let dir = paths::scope_dir(scope);
    let mut out = Vec::with_capacity(limit.min(MAX_LIST_BATCH));
    let mut cursor = after.to_owned();
    while out.len() < limit {
        let ask = (limit - out.len()).clamp(PAGE_FETCHES, MAX_LIST_BATCH);
        let mut keys: Vec<String> = list_keys(c, &dir, &cursor, ask)
            .await?
            .into_iter()
            .filter(|k| k.as_bytes() > cursor.as_bytes())
            .collect();
        keys.sort_unstable();
        let Some(last) = keys.last().cloned() else {
            break;
        };
        let exhausted = keys.len() < ask;
        cursor = last;
        // Folders and keys other tools wrote that are not secret names are not ours.
        let names: Vec<String> = keys
            .into_iter()
            .filter(|k| crate::service::validate::check_name(k).is_ok())
            .collect();
        let mut names = names.into_iter().peekable();
        // Names whose metadata is gone or not live (deleted since the LIST) are skipped, and
        // the page is filled from the names after them.
        while out.len() < limit && names.peek().is_some() {
            let batch: Vec<String> = names
                .by_ref()
                .take((limit - out.len()).min(PAGE_FETCHES))
                .collect();
            let mut tasks = tokio::task::JoinSet::new();
            for (i, name) in batch.iter().enumerate() {
                let c = Arc::clone(c);
                let path = format!("{dir}{name}");
                tasks.spawn(async move { (i, kv_meta(&c, &path).await) });
            }
            let mut metas: Vec<Option<KvMeta>> = (0..batch.len()).map(|_| None).collect();
            while let Some(joined) = tasks.join_next().await {
                let (i, meta) = joined?;
                metas[i] = meta?;
            }
            for (name, meta) in batch.into_iter().zip(metas) {
                if let Some(m) = meta.filter(|m| m.live) {
                    out.push(ListedSecret { name, meta: m.meta });
                }
            }
        }
        if exhausted {
            break;
        }
    }
    Ok(out)
}

/// Checks the mount at start: it exists, is KV version 2, and the token may list it.
///
/// A sealed or unreachable OpenBao does not fail the start: the server starts, answers
/// `unavailable` (naming the address) and serves as soon as OpenBao is unsealed. When both
/// restart together (a reboot), OpenBao stays sealed until an operator unseals it; failing
/// here would need a supervisor to restart us after that, while serving `unavailable` lets
/// clients see why and retry. A wrong mount or a refused token is a configuration error and
/// fails the start.
async fn check_mount(c: &Client) -> Result<(), StoreError> {
    let what = "the mount check";
    let reply = match c
        .call_raw(
            Method::GET,
            &format!("sys/internal/ui/mounts/{}", c.mount()),
            None,
            what,
        )
        .await
    {
        Err(StoreError::Unavailable(why)) => {
            tracing::warn!(
                store = %c.server(),
                "{why}: starting anyway; calls answer `unavailable` until it serves"
            );
            return Ok(());
        }
        other => other?,
    };
    let fix = format!(
        "enable one with `bao secrets enable -path={} kv-v2`",
        c.mount()
    );
    // OpenBao answers 403 for a mount that does not exist too ("preflight capability check").
    if reply.status == StatusCode::FORBIDDEN && !reply.errors().contains("preflight") {
        return Err(c.denied(what));
    }
    if !reply.status.is_success() {
        return Err(c
            .mount_failure(format!(
                "no secrets engine is mounted at `{}`, or the token may not use it ({}); {fix}",
                c.mount(),
                reply.errors()
            ))
            .into());
    }
    let v = reply.json(c, what)?;
    let data = &v["data"];
    let kind = data["type"].as_str().unwrap_or("");
    let version = data["options"]["version"].as_str().unwrap_or("1");
    if kind != "kv" || version != "2" {
        return Err(c
            .mount_failure(format!(
                "the mount `{}` is {} (type `{kind}`), not KV version 2; {fix}",
                c.mount(),
                if kind == "kv" {
                    format!("KV version {version}")
                } else {
                    "not a KV engine".to_owned()
                }
            ))
            .into());
    }
    let mounted = data["path"].as_str().unwrap_or("").trim_end_matches('/');
    if !mounted.is_empty() && mounted != c.mount() {
        return Err(c
            .mount_failure(format!(
                "`{}` is inside the mount `{mounted}`: give the mount itself, e.g. \
                 openbao://HOST:PORT/{mounted}",
                c.mount()
            ))
            .into());
    }
    // The token may use the mount (a 403 here is a clear start error).
    let list = format!(
        "{}?list=true",
        metadata_path(c, &format!("{}/", paths::ROOT))
    );
    c.call(Method::GET, &list, None, "a list of the mount")
        .await?;
    Ok(())
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
            let m = kv_meta(&self.client, &paths::secret_path(secret)).await?;
            Ok(m.filter(|m| m.live).map(|m| m.meta))
        })
    }

    fn page<'a>(
        &'a self,
        scope: &'a Scope,
        after: &'a str,
        limit: usize,
    ) -> StoreFuture<'a, Vec<ListedSecret>> {
        Box::pin(page(&self.client, scope, after, limit))
    }

    fn insert(
        &self,
        secret: SecretRef,
        secret_type: i32,
        value: StoredValue,
    ) -> StoreFuture<'_, bool> {
        Box::pin(async move { insert(&self.client, &secret, secret_type, &value).await })
    }

    fn update(
        &self,
        secret: SecretRef,
        secret_type: i32,
        value: StoredValue,
    ) -> StoreFuture<'_, bool> {
        Box::pin(async move { update(&self.client, &secret, secret_type, &value).await })
    }

    fn delete(&self, secret: SecretRef) -> StoreFuture<'_, bool> {
        Box::pin(async move { delete(&self.client, &secret).await })
    }

    fn read_first(&self, candidates: Vec<SecretRef>) -> StoreFuture<'_, Option<Found>> {
        Box::pin(async move {
            for secret in candidates {
                if let Some((ty, value)) = read_one(&self.client, &secret).await? {
                    return Ok(Some((secret, ty, value)));
                }
            }
            Ok(None)
        })
    }

    fn prepare(&self, proposed: Vec<u8>) -> StoreFuture<'_, Vec<u8>> {
        Box::pin(async move {
            check_mount(&self.client).await?;
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

#[cfg(test)]
mod tests {
    use super::query_escape;

    #[test]
    fn list_cursors_are_escaped_in_the_query() {
        assert_eq!(query_escape("a-b_C.9~"), "a-b_C.9~");
        assert_eq!(query_escape("a&limit=1 #/"), "a%26limit%3D1%20%23%2F");
        assert_eq!(query_escape("é"), "%C3%A9");
        assert_eq!(query_escape(""), "");
    }
}
