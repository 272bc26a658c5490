//! Writes of one secret, each decided by KV v2's check-and-set: create with `cas: 0`,
//! update on the version just read, so concurrent writers never overwrite each other
//! unseen and an update never brings back a deleted secret; delete is the metadata delete.

use reqwest::{Method, StatusCode};
use serde_json::json;
use zeroize::Zeroizing;

use super::client::Client;
use super::read::{data_path, kv_meta, metadata_path};
use super::{paths, value};
use crate::scope::SecretRef;
use crate::store::{StoreError, StoredValue};

/// Tries of a write that lost a check-and-set race to another writer before giving up: each
/// round one of the racing writers wins, so this many writers of one secret at once all get
/// through.
const MAX_CAS_TRIES: usize = 32;

/// A short pause before try `n` (from 1) of a lost check-and-set race, growing with `n`, so
/// that racing writers spread out.
async fn back_off(n: usize) {
    tokio::time::sleep(std::time::Duration::from_millis(n.min(20) as u64)).await;
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

pub(super) async fn insert(
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

pub(super) async fn update(
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

pub(super) async fn delete(c: &Client, secret: &SecretRef) -> Result<bool, StoreError> {
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
