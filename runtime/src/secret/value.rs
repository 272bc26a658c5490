//! [`SecretValue`]: a secret's bytes, never printed, zeroed when the last copy is dropped.

use std::fmt;
use std::sync::Arc;

use zeroize::Zeroizing;

/// A secret's value. `Debug` prints `SecretValue([REDACTED])` (not even the length), there
/// is no `Display`, and the bytes are zeroed when the last clone is dropped. Read it with [`SecretValue::expose`] or [`SecretValue::expose_str`].
#[derive(Clone)]
pub struct SecretValue(Arc<Zeroizing<Vec<u8>>>);

impl SecretValue {
    /// Takes ownership of `bytes`; they are zeroed when the last clone is dropped (a copy
    /// the caller kept is not).
    pub fn new(bytes: impl Into<Vec<u8>>) -> Self {
        SecretValue(Arc::new(Zeroizing::new(bytes.into())))
    }

    /// The raw bytes. The name makes reads of the value easy to find in review.
    pub fn expose(&self) -> &[u8] {
        &self.0
    }

    /// The value as UTF-8, or `None` for a binary secret.
    pub fn expose_str(&self) -> Option<&str> {
        std::str::from_utf8(&self.0).ok()
    }

    /// The length in bytes (which `Debug` does not show).
    pub fn len(&self) -> usize {
        self.0.len()
    }

    /// Whether the value has no bytes.
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
}

impl From<String> for SecretValue {
    fn from(s: String) -> Self {
        SecretValue::new(s.into_bytes())
    }
}

impl From<&str> for SecretValue {
    fn from(s: &str) -> Self {
        SecretValue::new(s.as_bytes().to_vec())
    }
}

impl fmt::Debug for SecretValue {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("SecretValue([REDACTED])")
    }
}

impl PartialEq for SecretValue {
    /// Constant-time in the length of the shorter value, so comparing does not leak a prefix.
    fn eq(&self, other: &Self) -> bool {
        let (a, b) = (self.expose(), other.expose());
        a.len() == b.len() && a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
    }
}

impl Eq for SecretValue {}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn debug_is_redacted() {
        let v = SecretValue::from("hunter2-value");
        let shown = format!("{v:?} {v:#?}");
        assert!(!shown.contains("hunter2"), "{shown}");
        assert_eq!(v.expose_str(), Some("hunter2-value"));
    }
}
