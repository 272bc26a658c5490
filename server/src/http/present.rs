//! Which of the optional request headers a request carries, from one walk over its header
//! names: most requests send none of them, and a `HeaderMap::get` of an absent name hashes
//! it and probes the map all the same (six such lookups per request before).

use axum::http::{HeaderMap, HeaderName, header};

// Header names as values: looked up by `&str`, each would be parsed again per request.
pub(crate) const CONNECT_TIMEOUT_MS: HeaderName = HeaderName::from_static("connect-timeout-ms");
pub(crate) const CONNECT_PROTOCOL_VERSION: HeaderName =
    HeaderName::from_static(flyte_idl::paths::CONNECT_PROTOCOL_VERSION_HEADER);
pub(crate) const FLYTE_AUTHORIZATION: HeaderName = HeaderName::from_static("flyte-authorization");

/// For each optional header, whether the request has it; only those are then looked up.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub(crate) struct Present {
    pub(crate) authorization: bool,
    pub(crate) flyte_authorization: bool,
    pub(crate) origin: bool,
    pub(crate) content_encoding: bool,
    pub(crate) connect_timeout_ms: bool,
    pub(crate) connect_protocol_version: bool,
}

impl Present {
    pub(crate) fn of(headers: &HeaderMap) -> Present {
        let mut p = Present::default();
        // `keys` gives each name once, however many values it has.
        for name in headers.keys() {
            let flag = if name == header::AUTHORIZATION {
                &mut p.authorization
            } else if name == header::ORIGIN {
                &mut p.origin
            } else if name == header::CONTENT_ENCODING {
                &mut p.content_encoding
            } else if name == FLYTE_AUTHORIZATION {
                &mut p.flyte_authorization
            } else if name == CONNECT_TIMEOUT_MS {
                &mut p.connect_timeout_ms
            } else if name == CONNECT_PROTOCOL_VERSION {
                &mut p.connect_protocol_version
            } else {
                continue;
            };
            *flag = true;
        }
        p
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use axum::http::HeaderValue;
    use proptest::prelude::*;
    use proptest::sample::select;

    const NAMES: &[&str] = &[
        "authorization",
        "flyte-authorization",
        "origin",
        "content-encoding",
        "connect-timeout-ms",
        "connect-protocol-version",
        "host",
        "content-type",
        "content-length",
        "accept-encoding",
        "x-authorization",
        "connect-timeout",
        "user-agent",
    ];

    proptest! {
        /// The same answers as `contains_key` for any set of headers, repeated or not.
        #[test]
        fn agrees_with_contains_key(names in proptest::collection::vec(select(NAMES), 0..12)) {
            let mut headers = HeaderMap::new();
            for n in &names {
                headers.append(HeaderName::from_static(n), HeaderValue::from_static("v"));
            }
            let p = Present::of(&headers);
            let has = |n: &HeaderName| headers.contains_key(n);
            prop_assert_eq!(p, Present {
                authorization: has(&header::AUTHORIZATION),
                flyte_authorization: has(&FLYTE_AUTHORIZATION),
                origin: has(&header::ORIGIN),
                content_encoding: has(&header::CONTENT_ENCODING),
                connect_timeout_ms: has(&CONNECT_TIMEOUT_MS),
                connect_protocol_version: has(&CONNECT_PROTOCOL_VERSION),
            });
        }
    }
}
