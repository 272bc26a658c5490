//! Listing a scope: pages of OpenBao's paginated LIST of the scope's folder, cut again here
//! in byte order, then the metadata of each name on the page, fetched a few at a time.

use std::sync::Arc;

use reqwest::{Method, StatusCode};
use serde_json::Value;

use super::client::Client;
use super::paths;
use super::read::{KvMeta, kv_meta, metadata_path};
use crate::scope::Scope;
use crate::store::{ListedSecret, StoreError};

/// Metadata reads in flight at once while a page is filled.
const PAGE_FETCHES: usize = 16;
/// Most keys asked of one LIST.
const MAX_LIST_BATCH: usize = 1000;

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

pub(super) async fn page(
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
            .filter(|k| flyte_spec::is_storable_name(k))
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
