//! A request's headers, with which of the optional ones it carries found in one walk over
//! its header names: most requests send none of them, and a `HeaderMap::get` of an absent
//! name hashes it and probes the map all the same (six such lookups per request before).
//! Only [`Headers`] reads the optional headers, so the flags always belong to its map.

use axum::http::{HeaderMap, HeaderName, HeaderValue, header};

// Header names as values: looked up by `&str`, each would be parsed again per request.
const CONNECT_TIMEOUT_MS: HeaderName = HeaderName::from_static("connect-timeout-ms");
const CONNECT_PROTOCOL_VERSION: HeaderName =
    HeaderName::from_static(flyte_idl::paths::CONNECT_PROTOCOL_VERSION_HEADER);
const FLYTE_AUTHORIZATION: HeaderName = HeaderName::from_static("flyte-authorization");

/// A request's header map, and for each optional header whether the map has it: an
/// accessor looks its header up only then.
#[derive(Clone, Copy)]
pub(crate) struct Headers<'a> {
    map: &'a HeaderMap,
    present: Present,
}

impl<'a> Headers<'a> {
    pub(crate) fn new(map: &'a HeaderMap) -> Self {
        Headers {
            map,
            present: Present::of(map),
        }
    }

    /// The whole map, for the headers looked up on every request (`content-type`, `host`,
    /// ...) and a name known only at run time.
    pub(crate) fn map(&self) -> &'a HeaderMap {
        self.map
    }

    // Each optional header's first value, as `HeaderMap::get` gives it; absent, no lookup.

    pub(crate) fn authorization(&self) -> Option<&'a HeaderValue> {
        self.optional(self.present.authorization, &header::AUTHORIZATION)
    }

    pub(crate) fn flyte_authorization(&self) -> Option<&'a HeaderValue> {
        self.optional(self.present.flyte_authorization, &FLYTE_AUTHORIZATION)
    }

    pub(crate) fn origin(&self) -> Option<&'a HeaderValue> {
        self.optional(self.present.origin, &header::ORIGIN)
    }

    pub(crate) fn content_encoding(&self) -> Option<&'a HeaderValue> {
        self.optional(self.present.content_encoding, &header::CONTENT_ENCODING)
    }

    pub(crate) fn connect_timeout_ms(&self) -> Option<&'a HeaderValue> {
        self.optional(self.present.connect_timeout_ms, &CONNECT_TIMEOUT_MS)
    }

    pub(crate) fn connect_protocol_version(&self) -> Option<&'a HeaderValue> {
        self.optional(
            self.present.connect_protocol_version,
            &CONNECT_PROTOCOL_VERSION,
        )
    }

    fn optional(&self, present: bool, name: &HeaderName) -> Option<&'a HeaderValue> {
        if present { self.map.get(name) } else { None }
    }
}

/// For each optional header, whether the request has it.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
struct Present {
    authorization: bool,
    flyte_authorization: bool,
    origin: bool,
    content_encoding: bool,
    connect_timeout_ms: bool,
    connect_protocol_version: bool,
}

impl Present {
    fn of(headers: &HeaderMap) -> Present {
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
        /// The same answers as `contains_key` and `get` for any set of headers, repeated or
        /// not.
        #[test]
        fn agrees_with_contains_key(names in proptest::collection::vec(select(NAMES), 0..12)) {
            let mut map = HeaderMap::new();
            // Values told apart, so that an accessor answering another header's value fails.
            for (i, n) in names.iter().enumerate() {
                map.append(HeaderName::from_static(n), HeaderValue::from(i));
            }
            let h = Headers::new(&map);
            let has = |n: &HeaderName| map.contains_key(n);
            prop_assert_eq!(h.present, Present {
                authorization: has(&header::AUTHORIZATION),
                flyte_authorization: has(&FLYTE_AUTHORIZATION),
                origin: has(&header::ORIGIN),
                content_encoding: has(&header::CONTENT_ENCODING),
                connect_timeout_ms: has(&CONNECT_TIMEOUT_MS),
                connect_protocol_version: has(&CONNECT_PROTOCOL_VERSION),
            });
            prop_assert_eq!(h.authorization(), map.get(header::AUTHORIZATION));
            prop_assert_eq!(h.flyte_authorization(), map.get("flyte-authorization"));
            prop_assert_eq!(h.origin(), map.get(header::ORIGIN));
            prop_assert_eq!(h.content_encoding(), map.get(header::CONTENT_ENCODING));
            prop_assert_eq!(h.connect_timeout_ms(), map.get("connect-timeout-ms"));
            prop_assert_eq!(h.connect_protocol_version(), map.get("connect-protocol-version"));
            prop_assert!(std::ptr::eq(h.map(), &map));
        }
    }
}
