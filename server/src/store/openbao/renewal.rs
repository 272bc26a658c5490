//! Keeping the token alive. At start the store reads the token's own info
//! (`auth/token/lookup-self`: its TTL, whether it is renewable):
//!
//! - no TTL (a root or otherwise non-expiring token): nothing to do;
//! - renewable: a background task renews it (`auth/token/renew-self`) at about half its
//!   remaining TTL, until the store is dropped ([`Renewer`]); a failed renewal is logged and
//!   tried again sooner, a refused one (the token expired or was revoked) ends the task;
//! - not renewable: a warning at start with the time it expires.
//!
//! The client learns the expiry time ([`Client::set_expiry`]), so that a refusal after it
//! says the token expired and how to give a new one, not only "permission denied". The token
//! itself is in the answers of both calls: they are wiped, never logged.

use std::sync::{Arc, Weak};
use std::time::{Duration, SystemTime};

use reqwest::{Method, StatusCode};
use serde_json::json;
use zeroize::Zeroizing;

use super::client::Client;
use super::token::at;
use super::value;
use crate::store::StoreError;

/// Shortest wait between two renewals (for TTLs of a second or so).
const MIN_WAIT: Duration = Duration::from_millis(500);
/// Wait between tries of the first lookup while OpenBao is not serving.
const LOOKUP_RETRY: Duration = Duration::from_secs(5);

/// The background renewal of the token; dropping it stops it.
#[derive(Debug)]
pub(super) struct Renewer(tokio::task::AbortHandle);

impl Drop for Renewer {
    fn drop(&mut self) {
        self.0.abort();
    }
}

/// What the token says of itself.
#[derive(Debug, Clone, Copy)]
struct TokenInfo {
    /// Time left; zero for a token that does not expire.
    ttl: Duration,
    renewable: bool,
    /// The TTL it was made with (what a renewal asks for again).
    creation_ttl: Duration,
}

/// Looks the token up and, if it is renewable and expires, starts renewing it (on the current
/// runtime). A token that is not renewable is warned about here. OpenBao not serving yet is
/// not a failure: the task looks the token up once it serves.
pub(super) async fn start(client: &Arc<Client>) -> Option<Renewer> {
    let first = match lookup_self(client).await {
        Ok(Some(info)) => {
            if !note(client, &info) {
                return None;
            }
            Some(info)
        }
        Ok(None) => return None,
        Err(StoreError::Unavailable(_)) => None,
        Err(e) => {
            tracing::warn!(
                store = %client.server(),
                "cannot look the OpenBao token up ({e}): it is not renewed"
            );
            return None;
        }
    };
    let task = tokio::spawn(keep_renewed(Arc::downgrade(client), first));
    Some(Renewer(task.abort_handle()))
}

/// Takes note of the token's expiry; whether to renew it.
fn note(c: &Client, info: &TokenInfo) -> bool {
    if info.ttl.is_zero() {
        c.set_expiry(None);
        return false;
    }
    let expires = SystemTime::now() + info.ttl;
    c.set_expiry(Some(expires));
    if !info.renewable {
        tracing::warn!(
            store = %c.server(),
            "the OpenBao token is not renewable and expires at {} (in {} s): then every call \
             fails until flyte serve is given a new token (--store-token-file, BAO_TOKEN or \
             VAULT_TOKEN) and restarted; a renewable token is renewed as it goes",
            at(expires),
            info.ttl.as_secs()
        );
    }
    info.renewable
}

/// Renews the token at about half its remaining TTL until the store is gone, the token
/// reaches its max TTL or it is refused. `known`: `None` when OpenBao did not serve at start
/// (the token is looked up first).
async fn keep_renewed(client: Weak<Client>, known: Option<TokenInfo>) {
    let mut info = known;
    loop {
        let wait = match (&info, client.upgrade()) {
            (None, _) => LOOKUP_RETRY,
            (Some(_), Some(c)) => c
                .expiry()
                .and_then(|t| t.duration_since(SystemTime::now()).ok())
                .map_or(LOOKUP_RETRY, |left| (left / 2).max(MIN_WAIT)),
            (Some(_), None) => return,
        };
        tokio::time::sleep(wait).await;
        let Some(c) = client.upgrade() else {
            return;
        };
        let Some(known) = info else {
            match lookup_self(&c).await {
                Ok(Some(found)) if note(&c, &found) => info = Some(found),
                Ok(_) => return,
                Err(StoreError::Unavailable(_)) => {}
                Err(e) => {
                    tracing::warn!(
                        store = %c.server(),
                        "cannot look the OpenBao token up ({e}): it is not renewed"
                    );
                    return;
                }
            }
            continue;
        };
        match renew_self(&c, known.creation_ttl).await {
            Ok(Renewed::Yes(ttl)) => {
                let expires = SystemTime::now() + ttl;
                c.set_expiry(Some(expires));
                if ttl < known.creation_ttl {
                    tracing::warn!(
                        store = %c.server(),
                        "the OpenBao token reaches its max TTL at {}: it cannot be renewed past \
                         that; give flyte serve a new token (--store-token-file, BAO_TOKEN or \
                         VAULT_TOKEN) and restart it before then",
                        at(expires)
                    );
                    return;
                }
                tracing::debug!(store = %c.server(), "renewed the OpenBao token until {}", at(expires));
            }
            Ok(Renewed::Refused) => {
                tracing::error!(
                    store = %c.server(),
                    "OpenBao refused to renew the token: it expired or was revoked; give flyte \
                     serve a new token (--store-token-file, BAO_TOKEN or VAULT_TOKEN) and \
                     restart it"
                );
                return;
            }
            // Tried again at half the time left.
            Err(e) => tracing::warn!(
                store = %c.server(),
                "cannot renew the OpenBao token ({e}); trying again"
            ),
        }
    }
}

/// `auth/token/lookup-self`; `None` when the token's policy does not allow it (logged).
async fn lookup_self(c: &Client) -> Result<Option<TokenInfo>, StoreError> {
    let what = "the token lookup";
    let reply = c
        .call_raw(Method::GET, "auth/token/lookup-self", None, what)
        .await?;
    if reply.status == StatusCode::FORBIDDEN {
        tracing::warn!(
            store = %c.server(),
            "the token's policy does not allow `auth/token/lookup-self` (the `default` policy \
             does): its TTL is not known and it is not renewed"
        );
        return Ok(None);
    }
    if !reply.status.is_success() {
        return Err(c.unexpected(what, &reply));
    }
    let v = reply.json(c, what)?;
    let data = &v["data"];
    let secs = |key: &str| Duration::from_secs(data[key].as_u64().unwrap_or(0));
    let info = TokenInfo {
        ttl: secs("ttl"),
        renewable: data["renewable"].as_bool().unwrap_or(false),
        creation_ttl: secs("creation_ttl"),
    };
    // It holds the token (`id`).
    value::wipe_json(v);
    Ok(Some(info))
}

enum Renewed {
    /// Renewed: the TTL it has now.
    Yes(Duration),
    /// Refused (403): expired, revoked, or its policy does not allow the renewal.
    Refused,
}

/// `auth/token/renew-self`, asking for `increment` again.
async fn renew_self(c: &Client, increment: Duration) -> Result<Renewed, StoreError> {
    let what = "the token renewal";
    let body = if increment.is_zero() {
        json!({})
    } else {
        json!({ "increment": format!("{}s", increment.as_secs()) })
    };
    let bytes = Zeroizing::new(body.to_string().into_bytes());
    let reply = c
        .call_raw(
            Method::POST,
            "auth/token/renew-self",
            Some(("application/json", bytes)),
            what,
        )
        .await?;
    if reply.status == StatusCode::FORBIDDEN {
        return Ok(Renewed::Refused);
    }
    if !reply.status.is_success() {
        return Err(c.unexpected(what, &reply));
    }
    let v = reply.json(c, what)?;
    let ttl = v["auth"]["lease_duration"].as_u64();
    // It holds the token (`client_token`).
    value::wipe_json(v);
    let ttl = ttl.ok_or_else(|| c.answer(what, "no `auth.lease_duration`".into()))?;
    Ok(Renewed::Yes(Duration::from_secs(ttl)))
}
