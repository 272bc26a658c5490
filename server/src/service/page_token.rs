//! ListSecrets continuation tokens: keyset pagination on the name.
//!
//! A token is base64url (no padding) of: version byte `1`, 8 bytes of SHA-256 over the scope
//! and the name, then the last name returned. The next page starts after that name, so a
//! secret that exists during the whole listing is returned exactly once, whatever is
//! inserted or deleted meanwhile. The checksum rejects corrupted tokens and tokens of
//! another scope.

use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use sha2::{Digest, Sha256};

use super::validate::check_name;
use crate::rpc_error::RpcError;
use crate::scope::Scope;

const VERSION: u8 = 1;

fn checksum(scope: &Scope, name: &str) -> [u8; 8] {
    let mut h = Sha256::new();
    h.update(b"flyte-list-token-v1");
    for part in [
        &scope.organization,
        &scope.project,
        &scope.domain,
        &name.to_owned(),
    ] {
        h.update((part.len() as u32).to_be_bytes());
        h.update(part.as_bytes());
    }
    let d = h.finalize();
    let mut out = [0u8; 8];
    out.copy_from_slice(&d[..8]);
    out
}

/// The token for the page after `last_name`.
pub(crate) fn encode(scope: &Scope, last_name: &str) -> String {
    let mut raw = Vec::with_capacity(9 + last_name.len());
    raw.push(VERSION);
    raw.extend_from_slice(&checksum(scope, last_name));
    raw.extend_from_slice(last_name.as_bytes());
    URL_SAFE_NO_PAD.encode(raw)
}

/// The name after which the page starts (`""` for an empty token: the first page).
pub(crate) fn decode(scope: &Scope, token: &str) -> Result<String, RpcError> {
    if token.is_empty() {
        return Ok(String::new());
    }
    let bad = |why: &str| {
        RpcError::invalid(format!(
            "invalid page token ({why}): pass the `token` of the previous ListSecrets response \
             for the same organization, project and domain, or an empty token for the first page"
        ))
    };
    let raw = URL_SAFE_NO_PAD
        .decode(token)
        .map_err(|_| bad("not base64url"))?;
    if raw.len() < 10 || raw[0] != VERSION {
        return Err(bad("unknown format"));
    }
    let name = std::str::from_utf8(&raw[9..]).map_err(|_| bad("unknown format"))?;
    check_name(name).map_err(|_| bad("unknown format"))?;
    if raw[1..9] != checksum(scope, name) {
        return Err(bad("checksum mismatch or another scope"));
    }
    Ok(name.to_owned())
}

#[cfg(test)]
mod proptests;

#[cfg(test)]
mod tests {
    use super::*;

    fn s(p: &str) -> Scope {
        Scope {
            organization: "o".into(),
            project: p.into(),
            domain: "d".into(),
        }
    }

    #[test]
    fn round_trip_and_rejections() {
        let t = encode(&s("p"), "db-password");
        assert_eq!(decode(&s("p"), &t).unwrap(), "db-password");
        assert_eq!(decode(&s("p"), "").unwrap(), "");
        assert!(
            decode(&s("q"), &t)
                .unwrap_err()
                .message
                .contains("another scope")
        );
        for garbage in ["!!!", "AAAA", "garbage-token", &t[..t.len() - 1]] {
            let e = decode(&s("p"), garbage).unwrap_err();
            assert!(
                e.message.starts_with("invalid page token"),
                "{garbage}: {}",
                e.message
            );
        }
    }
}
