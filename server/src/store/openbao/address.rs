//! The `--store` URL of an OpenBao (or Vault) KV v2 mount: [`OpenBaoAddress`].
//!
//! | form                              | transport                                          |
//! |-----------------------------------|----------------------------------------------------|
//! | `openbao://HOST[:PORT]/MOUNT`      | HTTPS, verified against the public roots built into the binary plus `--store-ca-file` |
//! | `openbao+http://HOST[:PORT]/MOUNT` | plain HTTP, only to a loopback host (`localhost`, 127.0.0.0/8, `[::1]`)     |
//!
//! `vault://` and `vault+http://` are the same forms. The port defaults to 8200. MOUNT is the
//! mount path of a KV v2 secrets engine: one or more `/`-separated segments of ASCII letters,
//! digits, `-`, `_` and `.` (no `.` or `..` segment). The URL holds no token, user, query or
//! fragment: the token comes from `BAO_TOKEN`, `VAULT_TOKEN` or `--store-token-file`.

use std::fmt;
use std::net::IpAddr;

use crate::store::StoreConfigError;

/// Default OpenBao (and Vault) API port.
const DEFAULT_PORT: u16 = 8200;

/// Where an OpenBao or Vault KV v2 mount is: parsed from `openbao://HOST:PORT/MOUNT` or
/// `openbao+http://HOST:PORT/MOUNT` (loopback hosts only); see [`StoreConfig`](crate::StoreConfig).
#[derive(Clone, PartialEq, Eq)]
pub struct OpenBaoAddress {
    https: bool,
    /// As written, IPv6 in brackets.
    host: String,
    port: u16,
    mount: String,
}

impl OpenBaoAddress {
    /// The API's base URL, e.g. `https://bao.internal:8200`.
    pub fn base_url(&self) -> String {
        let scheme = if self.https { "https" } else { "http" };
        format!("{scheme}://{}:{}", self.host, self.port)
    }

    /// The mount path of the KV v2 engine, without slashes around it, e.g. `secret`.
    pub fn mount(&self) -> &str {
        &self.mount
    }

    /// Whether the API is reached over HTTPS.
    pub fn is_https(&self) -> bool {
        self.https
    }

    /// Parses the part after the scheme; `None` when `input` has no OpenBao scheme.
    pub(crate) fn parse(input: &str) -> Option<Result<OpenBaoAddress, StoreConfigError>> {
        let (https, rest) = [
            ("openbao://", true),
            ("vault://", true),
            ("openbao+http://", false),
            ("vault+http://", false),
        ]
        .into_iter()
        .find_map(|(scheme, https)| input.strip_prefix(scheme).map(|rest| (https, rest)))?;
        let err = |reason: String| StoreConfigError {
            input: input.to_owned(),
            reason,
        };
        Some(parse_rest(https, rest).map_err(err))
    }
}

fn parse_rest(https: bool, rest: &str) -> Result<OpenBaoAddress, String> {
    const FORM: &str = "expected openbao://HOST:PORT/MOUNT (HTTPS) or openbao+http://HOST:PORT/MOUNT \
                        (plain HTTP, loopback only)";
    if rest.contains(['?', '#']) {
        return Err(format!("no query or fragment allowed; {FORM}"));
    }
    let (authority, mount) = rest
        .split_once('/')
        .ok_or_else(|| format!("no mount path; {FORM}"))?;
    if authority.contains('@') {
        return Err(
            "no user or token in the URL: the token comes from BAO_TOKEN, VAULT_TOKEN \
                    or --store-token-file"
                .into(),
        );
    }
    let (host, port) =
        split_host_port(authority).ok_or_else(|| format!("bad host or port; {FORM}"))?;
    let mount = mount.trim_end_matches('/');
    let segment_ok = |s: &str| {
        !s.is_empty()
            && s != "."
            && s != ".."
            && s.bytes()
                .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.'))
    };
    if !mount.split('/').all(segment_ok) {
        return Err(format!(
            "bad mount path `{mount}`: `/`-separated segments of ASCII letters, digits, `-`, `_` \
             and `.`; {FORM}"
        ));
    }
    if !https && !is_loopback(&host) {
        return Err(format!(
            "plain HTTP to the non-loopback host {host} would send the token in the clear: use \
             openbao://{authority}/{mount} (HTTPS)"
        ));
    }
    Ok(OpenBaoAddress {
        https,
        host,
        port,
        mount: mount.to_owned(),
    })
}

/// `HOST`, `HOST:PORT`, `[V6]` or `[V6]:PORT`; the host as it goes in a URL.
fn split_host_port(authority: &str) -> Option<(String, u16)> {
    let (host, port) = if let Some(rest) = authority.strip_prefix('[') {
        let (v6, after) = rest.split_once(']')?;
        v6.parse::<std::net::Ipv6Addr>().ok()?;
        let port = match after {
            "" => None,
            p => Some(p.strip_prefix(':')?),
        };
        (format!("[{v6}]"), port)
    } else {
        let (host, port) = match authority.split_once(':') {
            Some((h, p)) => (h, Some(p)),
            None => (authority, None),
        };
        let host_ok = !host.is_empty()
            && host
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'.'));
        if !host_ok {
            return None;
        }
        (host.to_ascii_lowercase(), port)
    };
    let port = match port {
        None => DEFAULT_PORT,
        Some(p) => p.parse().ok().filter(|&p| p != 0)?,
    };
    Some((host, port))
}

/// Loopback by its text alone (names other than `localhost` are not resolved).
fn is_loopback(host: &str) -> bool {
    let bare = host.trim_start_matches('[').trim_end_matches(']');
    host == "localhost" || bare.parse::<IpAddr>().is_ok_and(|ip| ip.is_loopback())
}

impl fmt::Display for OpenBaoAddress {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let scheme = if self.https {
            "openbao"
        } else {
            "openbao+http"
        };
        write!(f, "{scheme}://{}:{}/{}", self.host, self.port, self.mount)
    }
}

impl fmt::Debug for OpenBaoAddress {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "OpenBaoAddress({self})")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ok(s: &str) -> OpenBaoAddress {
        OpenBaoAddress::parse(s).unwrap().unwrap()
    }

    fn bad(s: &str) -> String {
        OpenBaoAddress::parse(s).unwrap().unwrap_err().reason
    }

    #[test]
    fn forms() {
        let a = ok("openbao://bao.internal:8201/secret");
        assert_eq!(a.base_url(), "https://bao.internal:8201");
        assert_eq!(a.mount(), "secret");
        assert!(a.is_https());
        assert_eq!(
            ok("vault://Vault.example/kv/").base_url(),
            "https://vault.example:8200"
        );
        assert_eq!(ok("openbao://h/team/kv-v2").mount(), "team/kv-v2");
        let p = ok("openbao+http://127.0.0.1:8200/secret");
        assert_eq!(p.base_url(), "http://127.0.0.1:8200");
        assert_eq!(ok("openbao+http://[::1]:9/m").base_url(), "http://[::1]:9");
        assert_eq!(
            ok("vault+http://localhost/m").base_url(),
            "http://localhost:8200"
        );
        assert_eq!(p.to_string(), "openbao+http://127.0.0.1:8200/secret");
        assert!(OpenBaoAddress::parse("sqlite").is_none());
        assert!(OpenBaoAddress::parse("postgres://x/y").is_none());
    }

    #[test]
    fn refusals() {
        assert!(bad("openbao+http://10.0.0.5:8200/secret").contains("in the clear"));
        assert!(bad("openbao+http://bao.internal/secret").contains("in the clear"));
        assert!(bad("openbao://tok@h/secret").contains("no user or token"));
        assert!(bad("openbao://h:8200").contains("no mount"));
        assert!(bad("openbao://h:8200/").contains("bad mount"));
        assert!(bad("openbao://h/a/../b").contains("bad mount"));
        assert!(bad("openbao://h/a b").contains("bad mount"));
        assert!(bad("openbao://h/a?x=1").contains("query"));
        assert!(bad("openbao://h:0/a").contains("port"));
        assert!(bad("openbao://h:99999/a").contains("port"));
        assert!(bad("openbao://[zz]/a").contains("host"));
        assert!(bad("openbao:///a").contains("host"));
    }
}
