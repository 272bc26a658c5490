//! [`Endpoint`]: the service address in any of the forms the Python SDK accepts.

use std::fmt;

use super::error::ConfigError;

/// The scheme an endpoint was written with.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum Scheme {
    /// `dns:///host:port` (the gRPC form flytectl writes) or a bare `host:port`: TLS unless
    /// `admin.insecure` is set.
    Dns,
    /// `https://host`: TLS unless `admin.insecure` is set (as in the Python SDK).
    Https,
    /// `http://host:port`: plaintext.
    Http,
}

/// The secret service address: `dns:///host:port`, `https://host`, `http://host:port` or a
/// bare `host:port`, optionally followed by a path prefix.
#[derive(Clone, PartialEq, Eq)]
pub struct Endpoint {
    scheme: Scheme,
    /// `host` or `host:port`.
    authority: String,
    /// Path prefix without a trailing slash, `""` for none.
    prefix: String,
}

impl Endpoint {
    /// Parses an endpoint string; surrounding whitespace and a trailing `/` are ignored.
    pub fn parse(s: &str) -> Result<Self, ConfigError> {
        let invalid = |reason| ConfigError::InvalidEndpoint {
            endpoint: s.to_owned(),
            reason,
        };
        let trimmed = s.trim();
        let (scheme, rest) = if let Some(rest) = trimmed.strip_prefix("dns:///") {
            (Scheme::Dns, rest)
        } else if let Some(rest) = trimmed.strip_prefix("https://") {
            (Scheme::Https, rest)
        } else if let Some(rest) = trimmed.strip_prefix("http://") {
            (Scheme::Http, rest)
        } else if trimmed.contains("://") {
            return Err(invalid("has an unsupported scheme"));
        } else {
            (Scheme::Dns, trimmed)
        };
        let rest = rest.trim_end_matches('/');
        let (authority, prefix) = match rest.find('/') {
            Some(i) => (&rest[..i], &rest[i..]),
            None => (rest, ""),
        };
        if authority.is_empty() {
            return Err(invalid("has no host"));
        }
        if authority.contains(|c: char| c.is_whitespace() || c == '@' || c == '?' || c == '#') {
            return Err(invalid("has a malformed host"));
        }
        if let Some((host, port)) = split_port(authority) {
            if host.is_empty() {
                return Err(invalid("has no host"));
            }
            if port.parse::<u16>().is_err() {
                return Err(invalid("has a port that is not a number from 0 to 65535"));
            }
        }
        Ok(Endpoint {
            scheme,
            authority: authority.to_owned(),
            prefix: prefix.to_owned(),
        })
    }

    /// The scheme it was written with; a bare `host:port` is [`Scheme::Dns`].
    pub fn scheme(&self) -> Scheme {
        self.scheme
    }

    /// `host` or `host:port`.
    pub fn authority(&self) -> &str {
        &self.authority
    }

    /// The host without the port.
    pub fn host(&self) -> &str {
        split_port(&self.authority).map_or(self.authority.as_str(), |(h, _)| h)
    }

    /// The port, when the endpoint names one.
    pub fn port(&self) -> Option<u16> {
        split_port(&self.authority).and_then(|(_, p)| p.parse().ok())
    }

    /// Whether the host is this machine (`localhost`, `127.0.0.0/8`, `::1`).
    pub fn is_loopback(&self) -> bool {
        let host = self.host().trim_start_matches('[').trim_end_matches(']');
        host == "localhost"
            || host
                .parse::<std::net::IpAddr>()
                .is_ok_and(|ip| ip.is_loopback())
    }

    /// Whether requests go over plaintext HTTP: `insecure` set, or an `http://` endpoint.
    pub fn is_plaintext(&self, insecure: bool) -> bool {
        insecure || self.scheme == Scheme::Http
    }

    /// The base URL requests are made against, e.g. `https://host:443/prefix`.
    pub fn base_url(&self, insecure: bool) -> String {
        let scheme = if self.is_plaintext(insecure) {
            "http"
        } else {
            "https"
        };
        format!("{scheme}://{}{}", self.authority, self.prefix)
    }

    /// The organization the Python SDK derives when none is configured: the first label
    /// of the host when it has more than two (`myorg.example.com` gives `myorg`,
    /// `127.0.0.1:8090` gives `127`), else none (`localhost:8090`, `example.com`).
    pub fn derived_org(&self) -> Option<&str> {
        // Python splits `host:port` on dots, port included; the first label is the same.
        let labels: Vec<&str> = self.authority.split('.').collect();
        (labels.len() > 2)
            .then(|| labels[0])
            .filter(|l| !l.is_empty())
    }
}

/// Splits `host:port`; IPv6 literals are written `[::1]:port`.
fn split_port(authority: &str) -> Option<(&str, &str)> {
    if authority.starts_with('[') {
        let end = authority.find(']')?;
        return authority[end + 1..]
            .strip_prefix(':')
            .map(|p| (&authority[..=end], p));
    }
    authority.rsplit_once(':')
}

impl fmt::Display for Endpoint {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let scheme = match self.scheme {
            Scheme::Dns => "dns:///",
            Scheme::Https => "https://",
            Scheme::Http => "http://",
        };
        write!(f, "{scheme}{}{}", self.authority, self.prefix)
    }
}

impl fmt::Debug for Endpoint {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Endpoint({self})")
    }
}

impl std::str::FromStr for Endpoint {
    type Err = ConfigError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Endpoint::parse(s)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn accepts_every_documented_form() {
        let cases = [
            (
                "dns:///flyte.example.com:443",
                false,
                "https://flyte.example.com:443",
            ),
            ("dns:///localhost:8090", true, "http://localhost:8090"),
            (
                "https://flyte.example.com",
                false,
                "https://flyte.example.com",
            ),
            (
                "https://flyte.example.com/",
                false,
                "https://flyte.example.com",
            ),
            ("http://127.0.0.1:8090", false, "http://127.0.0.1:8090"),
            ("localhost:8090", false, "https://localhost:8090"),
            ("localhost:8090", true, "http://localhost:8090"),
            ("https://example.com/api/", false, "https://example.com/api"),
            ("[::1]:8090", true, "http://[::1]:8090"),
        ];
        for (input, insecure, url) in cases {
            let e = Endpoint::parse(input).unwrap();
            assert_eq!(e.base_url(insecure), url, "{input}");
        }
    }

    #[test]
    fn refuses_bad_forms_naming_the_input() {
        for bad in [
            "",
            "dns:///",
            "ftp://host",
            "https://:80",
            "host:port",
            "host:99999",
            "a b:1",
        ] {
            let err = Endpoint::parse(bad).unwrap_err().to_string();
            assert!(err.contains(&format!("`{bad}`")), "{err}");
        }
    }

    #[test]
    fn org_is_derived_like_the_python_sdk() {
        let org = |s: &str| Endpoint::parse(s).unwrap().derived_org().map(str::to_owned);
        assert_eq!(org("dns:///127.0.0.1:8090").as_deref(), Some("127"));
        assert_eq!(
            org("https://myorg.cloud.example.com").as_deref(),
            Some("myorg")
        );
        assert_eq!(org("localhost:8090"), None);
        assert_eq!(org("https://example.com"), None);
    }

    #[test]
    fn host_strips_the_port() {
        assert_eq!(
            Endpoint::parse("http://h.example:80").unwrap().host(),
            "h.example"
        );
        assert_eq!(Endpoint::parse("[::1]:80").unwrap().host(), "[::1]");
        assert_eq!(Endpoint::parse("https://h").unwrap().host(), "h");
    }
}
