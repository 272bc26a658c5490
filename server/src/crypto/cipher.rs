//! XChaCha20-Poly1305 sealing of secret values, with the scope, name and type bound as
//! associated data so a ciphertext cannot be moved to another secret's row.

use chacha20poly1305::aead::{Aead, AeadCore, KeyInit, OsRng, Payload};
use chacha20poly1305::{XChaCha20Poly1305, XNonce};
use zeroize::Zeroizing;

use crate::scope::SecretRef;

const NONCE_LEN: usize = 24;

/// The cipher holding the data key.
pub(crate) struct Cipher {
    aead: XChaCha20Poly1305,
}

impl std::fmt::Debug for Cipher {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Cipher(<key redacted>)")
    }
}

/// A sealed value as stored: `nonce (24 bytes) || ciphertext || tag (16 bytes)`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct SealedValue(pub(crate) Vec<u8>);

impl Cipher {
    pub(crate) fn new(key: &[u8; 32]) -> Self {
        Cipher {
            aead: XChaCha20Poly1305::new(key.into()),
        }
    }

    /// Seals `plaintext` with a fresh random nonce.
    pub(crate) fn seal(&self, ad: &[u8], plaintext: &[u8]) -> SealedValue {
        let nonce = XChaCha20Poly1305::generate_nonce(&mut OsRng);
        let ct = self
            .aead
            .encrypt(
                &nonce,
                Payload {
                    msg: plaintext,
                    aad: ad,
                },
            )
            .expect("XChaCha20-Poly1305 encryption cannot fail for in-memory buffers");
        let mut out = Vec::with_capacity(NONCE_LEN + ct.len());
        out.extend_from_slice(&nonce);
        out.extend_from_slice(&ct);
        SealedValue(out)
    }

    /// Opens a sealed value; `None` when it was tampered with or sealed for other data.
    pub(crate) fn open(&self, ad: &[u8], sealed: &[u8]) -> Option<Zeroizing<Vec<u8>>> {
        if sealed.len() < NONCE_LEN {
            return None;
        }
        let (nonce, ct) = sealed.split_at(NONCE_LEN);
        self.aead
            .decrypt(XNonce::from_slice(nonce), Payload { msg: ct, aad: ad })
            .ok()
            .map(Zeroizing::new)
    }
}

/// Associated data and text of the key check a store keeps: a value sealed under the current
/// key, so that a server started with another key refuses to start instead of failing every
/// read.
const KEY_CHECK_AD: &[u8] = b"flyte-key-check-v1";
const KEY_CHECK_TEXT: &[u8] = b"flyte-server key check";

/// The keys a server holds: the first seals, every one opens (key rotation: a new key is put
/// first, the old ones stay until `flyte serve reseal` has rewritten every value).
pub(crate) struct KeyRing {
    ciphers: Vec<Cipher>,
}

impl std::fmt::Debug for KeyRing {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "KeyRing(<{} keys redacted>)", self.ciphers.len())
    }
}

/// Which key of the ring opened something.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum WhichKey {
    Current,
    Older,
}

impl KeyRing {
    /// A ring of `keys`, the first one current.
    pub(crate) fn new(keys: &[zeroize::Zeroizing<[u8; 32]>]) -> Self {
        assert!(!keys.is_empty(), "a key ring holds at least one key");
        KeyRing {
            ciphers: keys.iter().map(|k| Cipher::new(k)).collect(),
        }
    }

    /// Seals under the current key.
    pub(crate) fn seal(&self, ad: &[u8], plaintext: &[u8]) -> SealedValue {
        self.ciphers[0].seal(ad, plaintext)
    }

    /// Opens with whichever key sealed it; `None` when none does (tampered, or a key that is
    /// not in the ring).
    pub(crate) fn open(&self, ad: &[u8], sealed: &[u8]) -> Option<(Zeroizing<Vec<u8>>, WhichKey)> {
        self.ciphers.iter().enumerate().find_map(|(i, c)| {
            c.open(ad, sealed).map(|p| {
                let which = if i == 0 {
                    WhichKey::Current
                } else {
                    WhichKey::Older
                };
                (p, which)
            })
        })
    }

    /// A fresh key check under the current key.
    pub(crate) fn key_check(&self) -> Vec<u8> {
        self.seal(KEY_CHECK_AD, KEY_CHECK_TEXT).0
    }

    /// Which key, if any, sealed the stored key check `stored`.
    pub(crate) fn opens_check(&self, stored: &[u8]) -> Option<WhichKey> {
        self.open(KEY_CHECK_AD, stored)
            .filter(|(p, _)| p[..] == *KEY_CHECK_TEXT)
            .map(|(_, which)| which)
    }
}

/// Associated data of a secret's value: a version label, then each of organization, project,
/// domain and name length-prefixed, then the type.
pub(crate) fn value_ad(secret: &SecretRef, secret_type: i32) -> Vec<u8> {
    let s = &secret.scope;
    let mut ad = Vec::with_capacity(32 + s.organization.len() + s.project.len() + s.domain.len());
    ad.extend_from_slice(b"flyte-secret-value-v1");
    for part in [&s.organization, &s.project, &s.domain, &secret.name] {
        ad.extend_from_slice(&(part.len() as u32).to_be_bytes());
        ad.extend_from_slice(part.as_bytes());
    }
    ad.extend_from_slice(&secret_type.to_be_bytes());
    ad
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::scope::Scope;

    fn r(org: &str, project: &str, name: &str) -> SecretRef {
        SecretRef {
            scope: Scope {
                organization: org.into(),
                project: project.into(),
                domain: "d".into(),
            },
            name: name.into(),
        }
    }

    #[test]
    fn seal_open_and_binding() {
        let c = Cipher::new(&[1; 32]);
        let ad = value_ad(&r("o", "p", "n"), 0);
        let a = c.seal(&ad, b"value");
        let b = c.seal(&ad, b"value");
        assert_ne!(a, b, "nonces must differ");
        assert!(!a.0.windows(5).any(|w| w == b"value"));
        assert_eq!(c.open(&ad, &a.0).unwrap().as_slice(), b"value");
        // Another name, scope, type or key does not open it.
        assert!(c.open(&value_ad(&r("o", "p", "m"), 0), &a.0).is_none());
        assert!(c.open(&value_ad(&r("o", "q", "n"), 0), &a.0).is_none());
        assert!(c.open(&value_ad(&r("o", "p", "n"), 1), &a.0).is_none());
        assert!(Cipher::new(&[2; 32]).open(&ad, &a.0).is_none());
        // Length prefixes keep ("ab","c") and ("a","bc") apart.
        assert_ne!(
            value_ad(&r("ab", "c", "n"), 0),
            value_ad(&r("a", "bc", "n"), 0)
        );
        let mut t = a.0.clone();
        *t.last_mut().unwrap() ^= 1;
        assert!(c.open(&ad, &t).is_none());
        assert!(c.open(&ad, &[0; 10]).is_none());
    }

    #[test]
    fn a_ring_seals_with_its_first_key_and_opens_with_any() {
        let k = |b: u8| zeroize::Zeroizing::new([b; 32]);
        let old = KeyRing::new(&[k(1)]);
        let rotated = KeyRing::new(&[k(2), k(1)]);
        let ad = value_ad(&r("o", "p", "n"), 0);
        let sealed_old = old.seal(&ad, b"value");
        let (p, which) = rotated.open(&ad, &sealed_old.0).unwrap();
        assert_eq!((p.as_slice(), which), (&b"value"[..], WhichKey::Older));
        let sealed_new = rotated.seal(&ad, b"value");
        assert_eq!(
            rotated.open(&ad, &sealed_new.0).unwrap().1,
            WhichKey::Current
        );
        assert!(
            old.open(&ad, &sealed_new.0).is_none(),
            "sealed under the new key"
        );
        assert_eq!(rotated.opens_check(&old.key_check()), Some(WhichKey::Older));
        assert_eq!(old.opens_check(&old.key_check()), Some(WhichKey::Current));
        assert_eq!(KeyRing::new(&[k(3)]).opens_check(&old.key_check()), None);
        // A value sealed under the check's AD is not a key check, and vice versa.
        assert_eq!(old.opens_check(&old.seal(KEY_CHECK_AD, b"other").0), None);
    }
}
