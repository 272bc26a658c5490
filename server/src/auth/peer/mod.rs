//! Who is at the other end of a loopback TCP connection: the owner of the peer's socket, the
//! one whose local address is the connection's remote address and whose remote address is
//! the server's. Asked of the kernel by netlink socket diagnostics ([`diag`], one exact
//! query); where that is not possible, read from the socket table (`/proc/net/tcp` and
//! `/proc/net/tcp6`), where each line lists a socket's local and remote address and its
//! owner's uid.

#[cfg(target_os = "linux")]
mod diag;

use std::net::{IpAddr, Ipv4Addr, Ipv6Addr, SocketAddr};

/// What the kernel says about a connection's peer, read once at accept.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Peer {
    /// The peer's socket belongs to this uid.
    Uid(u32),
    /// The socket table is readable but has no entry for the peer (not local, or gone).
    Unknown,
    /// No socket table on this system (not Linux, or `/proc` not mounted).
    Unavailable,
}

/// Looks the peer of the connection `server` <- `remote` up. Blocking (reads `/proc`).
pub(crate) fn identify(server: SocketAddr, remote: SocketAddr) -> Peer {
    #[cfg(target_os = "linux")]
    if let Some(diag::Found::Uid(uid)) = diag::lookup(remote, server) {
        return Peer::Uid(uid);
    }
    // Netlink unavailable, or no socket by that exact pair (e.g. a v4-mapped address on a v6
    // socket): the whole table.
    let mut readable = false;
    for table in ["/proc/net/tcp", "/proc/net/tcp6"] {
        let Ok(text) = std::fs::read_to_string(table) else {
            continue;
        };
        readable = true;
        if let Some(uid) = find(&text, remote, server) {
            return Peer::Uid(uid);
        }
    }
    if readable {
        Peer::Unknown
    } else {
        Peer::Unavailable
    }
}

/// The uid of the socket with local address `local` and remote address `remote` in one
/// socket table.
fn find(table: &str, local: SocketAddr, remote: SocketAddr) -> Option<u32> {
    let same = |a: SocketAddr, b: SocketAddr| {
        a.port() == b.port() && a.ip().to_canonical() == b.ip().to_canonical()
    };
    table.lines().skip(1).find_map(|line| {
        let mut fields = line.split_whitespace();
        let l = parse_addr(fields.nth(1)?)?;
        let r = parse_addr(fields.next()?)?;
        if !same(l, local) || !same(r, remote) {
            return None;
        }
        // After local and remote: st, tx_queue:rx_queue, tr:tm->when, retrnsmt, uid.
        fields.nth(4)?.parse().ok()
    })
}

/// `0100007F:1F90` (IPv4) or 32 hex digits `:PORT` (IPv6): the address is printed as 32-bit
/// words in host byte order, the port as a number.
fn parse_addr(text: &str) -> Option<SocketAddr> {
    let (addr, port) = text.split_once(':')?;
    let port = u16::from_str_radix(port, 16).ok()?;
    let word = |i: usize| -> Option<[u8; 4]> {
        let hex = addr.get(i * 8..i * 8 + 8)?;
        Some(u32::from_str_radix(hex, 16).ok()?.to_ne_bytes())
    };
    let ip = match addr.len() {
        8 => IpAddr::V4(Ipv4Addr::from(word(0)?)),
        32 => {
            let mut bytes = [0u8; 16];
            for i in 0..4 {
                bytes[i * 4..i * 4 + 4].copy_from_slice(&word(i)?);
            }
            IpAddr::V6(Ipv6Addr::from(bytes))
        }
        _ => return None,
    };
    Some(SocketAddr::new(ip, port))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[cfg(target_endian = "little")]
    #[test]
    fn finds_the_peer_line() {
        let table = "  sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode\n\
   0: 0100007F:1F90 00000000:0000 0A 00000000:00000000 00:00000000 00000000     0        0 1 1 0 100 0 0 10 0\n\
   1: 0100007F:D431 0100007F:1F90 01 00000000:00000000 00:00000000 00000000 65534        0 2 1 0 20 4 30 10 -1\n\
   2: 0100007F:1F90 0100007F:D431 01 00000000:00000000 00:00000000 00000000     0        0 3 1 0 20 4 30 10 -1\n";
        let server: SocketAddr = "127.0.0.1:8080".parse().unwrap();
        let client: SocketAddr = "127.0.0.1:54321".parse().unwrap();
        assert_eq!(find(table, client, server), Some(65534));
        assert_eq!(find(table, server, client), Some(0));
        let mapped: SocketAddr = "[::ffff:127.0.0.1]:54321".parse().unwrap();
        assert_eq!(find(table, mapped, server), Some(65534));
        let six = "00000000000000000000000001000000:1F90";
        assert_eq!(parse_addr(six), Some("[::1]:8080".parse().unwrap()));
    }

    #[test]
    fn identifies_a_real_connection_as_this_process() {
        let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        let server = listener.local_addr().unwrap();
        let _client = std::net::TcpStream::connect(server).unwrap();
        let (_conn, remote) = listener.accept().unwrap();
        match identify(server, remote) {
            Peer::Uid(uid) => assert_eq!(uid, crate::private::server_uid()),
            Peer::Unavailable if cfg!(target_os = "linux") => panic!("/proc/net/tcp unreadable"),
            Peer::Unavailable => {}
            Peer::Unknown => panic!("the socket table has no entry for {remote}"),
        }
    }
}
