//! The open loopback mode's rules: requests must be addressed to a loopback name (a web page
//! using DNS rebinding sends its own `Host` and `Origin`), and the connection must come from
//! the server's own user (or root), as the kernel reports it (see [`super::peer`]).

use axum::http::{Uri, header};
use flyte_idl::connect::Code;

use super::peer::Peer;
use crate::headers::Headers;
use crate::rpc_error::RpcError;

/// Refuses a `Host`, a target's authority (HTTP/1 absolute form, HTTP/2 `:authority`) or an
/// `Origin` that is not a loopback name or address; also several `Host`s, or a `Host` the
/// authority contradicts, since parts of a stack may each read another of them.
pub(crate) fn check_addressed_to_loopback(headers: Headers<'_>, uri: &Uri) -> Result<(), RpcError> {
    let mut hosts = headers.map().get_all(header::HOST).iter();
    let host = hosts.next().map(|v| v.to_str().unwrap_or("<non-ASCII>"));
    if hosts.next().is_some() {
        return Err(RpcError::new(
            Code::InvalidArgument,
            "the request has more than one Host header: it must name exactly one host",
        ));
    }
    let authority = uri.authority().map(|a| a.as_str());
    if let (Some(h), Some(a)) = (host, authority)
        && !h.eq_ignore_ascii_case(a)
    {
        return Err(RpcError::new(
            Code::InvalidArgument,
            format!(
                "the request target names `{}` but its Host header `{}`: they must agree",
                shown(a),
                shown(h)
            ),
        ));
    }
    // No Host at all (HTTP/1.0) cannot come from a browser, which always sends one.
    if let Some(host) = host.or(authority)
        && !is_loopback_authority(host)
    {
        return Err(refused("Host", host));
    }
    if let Some(origin) = headers.origin() {
        let text = origin.to_str().unwrap_or("<non-ASCII>");
        let ok = text.parse::<Uri>().ok().is_some_and(|u| {
            matches!(u.scheme_str(), Some("http" | "https"))
                && u.authority()
                    .is_some_and(|a| is_loopback_authority(a.as_str()))
                && u.path_and_query()
                    .is_none_or(|p| p.as_str() == "/" || p.as_str().is_empty())
        });
        if !ok {
            return Err(refused("Origin", text));
        }
    }
    Ok(())
}

/// A client's text as messages quote it: cut, so a long header does not fill the log.
fn shown(value: &str) -> String {
    value.chars().take(100).collect()
}

fn refused(header: &str, value: &str) -> RpcError {
    let shown = shown(value);
    RpcError::new(
        Code::PermissionDenied,
        format!(
            "{header} `{shown}` is not a loopback name: without --tokens this server answers \
             only requests addressed to localhost, 127.0.0.0/8 or [::1] (any port), so a web \
             page cannot reach it through DNS rebinding"
        ),
    )
}

/// `localhost`, `127.x.y.z` or `[::1]`, each with an optional port.
fn is_loopback_authority(text: &str) -> bool {
    // What clients send, checked without the allocation of a parsed `Authority`; anything
    // else takes the full parse below.
    let (host, port) = text.rsplit_once(':').unwrap_or((text, ""));
    let port_ok = !text.ends_with(':')
        && (port.is_empty()
            || (port.len() <= 5
                && port.bytes().all(|b| b.is_ascii_digit())
                && port.parse::<u16>().is_ok()));
    if port_ok && (host == "127.0.0.1" || host == "[::1]" || host.eq_ignore_ascii_case("localhost"))
    {
        return true;
    }
    let Ok(authority) = text.parse::<axum::http::uri::Authority>() else {
        return false;
    };
    if authority.as_str().contains('@') {
        return false;
    }
    let host = authority.host();
    if host.eq_ignore_ascii_case("localhost") {
        return true;
    }
    let bare = host
        .strip_prefix('[')
        .and_then(|h| h.strip_suffix(']'))
        .unwrap_or(host);
    bare.parse::<std::net::IpAddr>()
        .is_ok_and(|ip| ip.to_canonical().is_loopback())
}

/// What a connection's peer may do without the inject token.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Standing {
    /// The server's user or root: the whole Flyte API.
    Owner,
    /// Unidentifiable because the system has no socket table: reads only.
    ReadOnly,
}

/// Applies the peer rule; the inject token (readable only by the server's user) also proves
/// ownership.
pub(crate) fn standing(peer: Option<Peer>, inject: bool) -> Result<Standing, RpcError> {
    let me = crate::private::server_uid();
    match peer {
        _ if inject => Ok(Standing::Owner),
        Some(Peer::Uid(uid)) if uid == me || uid == 0 => Ok(Standing::Owner),
        Some(Peer::Unavailable) => Ok(Standing::ReadOnly),
        Some(Peer::Uid(uid)) => Err(RpcError::new(
            Code::PermissionDenied,
            format!(
                "this connection belongs to uid {uid}: without --tokens the server serves only \
                 the user running it (uid {me}) and root; connect as that user, or start the \
                 server with --tokens FILE"
            ),
        )),
        Some(Peer::Unknown) | None => Err(RpcError::new(
            Code::PermissionDenied,
            format!(
                "the kernel's socket table does not show who opened this connection: without \
                 --tokens the server serves only the user running it (uid {me}) and root"
            ),
        )),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn loopback_authorities() {
        for ok in [
            "localhost",
            "LocalHost:8090",
            "127.0.0.1",
            "127.1.2.3:1",
            "[::1]:8090",
            "[::1]",
            "127.0.0.1:65535",
        ] {
            assert!(is_loopback_authority(ok), "{ok}");
        }
        for bad in [
            "evil.example",
            "evil.example:8090",
            "localhost.evil.example",
            "127.0.0.1.evil.example",
            "10.0.0.1:8090",
            "[::2]:1",
            "user@127.0.0.1",
            "",
            "127.0.0.1:80:80",
        ] {
            assert!(!is_loopback_authority(bad), "{bad}");
        }
    }
}
