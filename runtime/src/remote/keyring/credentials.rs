//! OAuth2 tokens for one endpoint.

use std::fmt;

use md5::{Digest, Md5};
use zeroize::Zeroizing;

use super::endpoint::strip_scheme;

/// OAuth2 tokens for one endpoint, as the Python SDK's `Credentials`.
///
/// The tokens are secrets: `Debug` shows `<redacted>`, there is no `Display`, and the
/// memory is zeroed on drop. `for_endpoint` is kept scheme-stripped (the keyring service
/// name); `id` is the md5 hex of the access token (empty when the access token is), as in
/// the Python SDK.
#[derive(Clone)]
pub struct Credentials {
    access_token: Zeroizing<String>,
    refresh_token: Option<Zeroizing<String>>,
    for_endpoint: String,
    expires_in: Option<u64>,
    id: String,
}

impl Credentials {
    /// Tokens for `endpoint` (`dns:///x`, `https://x` and `x` are all `x`; a path is kept, `https://x/p` is `x/p`).
    pub fn new(endpoint: &str, access_token: impl Into<String>) -> Self {
        let access_token = Zeroizing::new(access_token.into());
        let id = if access_token.is_empty() {
            String::new()
        } else {
            hex::encode(Md5::digest(access_token.as_bytes()))
        };
        Credentials {
            access_token,
            refresh_token: None,
            for_endpoint: strip_scheme(endpoint),
            expires_in: None,
            id,
        }
    }

    /// With a refresh token. An empty one counts as none.
    pub fn with_refresh_token(mut self, refresh_token: impl Into<String>) -> Self {
        let token = Zeroizing::new(refresh_token.into());
        self.refresh_token = (!token.is_empty()).then_some(token);
        self
    }

    /// With the lifetime the token endpoint gave, in seconds. Not stored in the keyring
    /// (the Python SDK does not either), so retrieved credentials have none.
    pub fn with_expires_in(mut self, seconds: u64) -> Self {
        self.expires_in = Some(seconds);
        self
    }

    /// The access token; `""` when only a refresh token was stored.
    pub fn access_token(&self) -> &str {
        &self.access_token
    }

    /// The refresh token, if any.
    pub fn refresh_token(&self) -> Option<&str> {
        self.refresh_token.as_deref().map(String::as_str)
    }

    /// The endpoint, scheme stripped: the keyring service name.
    pub fn for_endpoint(&self) -> &str {
        &self.for_endpoint
    }

    /// Seconds until the access token expires, as given at login.
    pub fn expires_in(&self) -> Option<u64> {
        self.expires_in
    }

    /// md5 hex of the access token, `""` for an empty one.
    pub fn id(&self) -> &str {
        &self.id
    }
}

impl fmt::Debug for Credentials {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Credentials")
            .field("access_token", &"<redacted>")
            .field(
                "refresh_token",
                &self.refresh_token.as_ref().map(|_| "<redacted>"),
            )
            .field("for_endpoint", &self.for_endpoint)
            .field("expires_in", &self.expires_in)
            .field("id", &self.id)
            .finish()
    }
}

#[cfg(test)]
mod tests {
    use super::Credentials;

    #[test]
    fn id_is_md5_hex_of_access_token() {
        // md5("acc1"), as computed by the Python SDK (hashlib.md5(b"acc1").hexdigest()).
        let c = Credentials::new("dns:///probe.example", "acc1");
        assert_eq!(c.id(), "26ccb31f47082833a6c256c78c54ce77");
        assert_eq!(c.for_endpoint(), "probe.example");
        assert_eq!(Credentials::new("x", "").id(), "");
    }

    #[test]
    fn debug_is_redacted() {
        let c =
            Credentials::new("https://h/p", "sekrit-access").with_refresh_token("sekrit-refresh");
        let dbg = format!("{c:?} {c:#?}");
        assert!(!dbg.contains("sekrit"), "{dbg}");
        assert!(dbg.contains("<redacted>") && dbg.contains("h/p"), "{dbg}");
    }

    #[test]
    fn empty_refresh_token_is_none() {
        let c = Credentials::new("x", "a").with_refresh_token("");
        assert_eq!(c.refresh_token(), None);
        let c = c.with_refresh_token("r").with_expires_in(3600);
        assert_eq!(c.refresh_token(), Some("r"));
        assert_eq!(c.expires_in(), Some(3600));
    }
}
