//! Tokens already validated, by SHA-256 digest: a request with a known token costs a hash and
//! a lookup instead of a signature check. An entry is used until the token's `exp` (plus the
//! leeway) and at most [`RECHECK`], after which the token is verified again (keys rotate).

use std::collections::HashMap;
use std::sync::Mutex;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use sha2::{Digest, Sha256};
use tokio::time::Instant;

use crate::auth::policy::Principal;

/// Entries beyond this many are dropped (expired ones first).
const CAPACITY: usize = 4096;
/// The longest an entry is trusted without verifying the token again.
const RECHECK: Duration = Duration::from_secs(60);

struct Entry {
    principal: Principal,
    exp: u64,
    added: Instant,
}

#[derive(Default)]
pub(crate) struct TokenCache {
    entries: Mutex<HashMap<[u8; 32], Entry>>,
}

fn now() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_secs())
}

impl TokenCache {
    pub(crate) fn get(&self, token: &str, leeway: Duration) -> Option<Principal> {
        let key: [u8; 32] = Sha256::digest(token.as_bytes()).into();
        let mut entries = self.entries.lock().unwrap_or_else(|p| p.into_inner());
        let entry = entries.get(&key)?;
        if entry.added.elapsed() >= RECHECK || now() > entry.exp.saturating_add(leeway.as_secs()) {
            entries.remove(&key);
            return None;
        }
        Some(entry.principal.clone())
    }

    pub(crate) fn put(&self, token: &str, principal: Principal, exp: u64) {
        let key: [u8; 32] = Sha256::digest(token.as_bytes()).into();
        let mut entries = self.entries.lock().unwrap_or_else(|p| p.into_inner());
        if entries.len() >= CAPACITY {
            let t = now();
            entries.retain(|_, e| e.exp > t && e.added.elapsed() < RECHECK);
            if entries.len() >= CAPACITY {
                entries.clear();
            }
        }
        entries.insert(
            key,
            Entry {
                principal,
                exp,
                added: Instant::now(),
            },
        );
    }
}
