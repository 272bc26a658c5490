//! Reads of one secret: its KV metadata ([`kv_meta`]: version, liveness, our type, the
//! creation time) and its value ([`read_one`]).

use flyte_idl::Timestamp;
use reqwest::{Method, StatusCode};

use super::client::Client;
use super::{paths, value};
use crate::scope::SecretRef;
use crate::store::{StoreError, StoredMeta, StoredValue};

/// What the KV metadata says of a secret.
#[derive(Debug)]
pub(super) struct KvMeta {
    pub(super) current_version: u64,
    /// A current version that is neither deleted nor destroyed: the secret exists. Metadata
    /// without one (its versions deleted or destroyed by another tool, or metadata written
    /// before any value) is an absent secret.
    pub(super) live: bool,
    pub(super) meta: StoredMeta,
}

pub(super) fn data_path(c: &Client, path: &str) -> String {
    format!("{}/data/{path}", c.mount())
}

pub(super) fn metadata_path(c: &Client, path: &str) -> String {
    format!("{}/metadata/{path}", c.mount())
}

/// The metadata of the secret at `path`; `None` when there is none.
pub(super) async fn kv_meta(c: &Client, path: &str) -> Result<Option<KvMeta>, StoreError> {
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

pub(super) async fn read_one(
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
