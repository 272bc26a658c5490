//! The peer's uid from the kernel's socket diagnostics (netlink `NETLINK_SOCK_DIAG`, what `ss`
//! uses): one exact query by address pair. Reading `/proc/net/tcp` instead walks the whole
//! socket table (every hash bucket), which took milliseconds of CPU per connection on a
//! machine with many sockets. The two messages are encoded by hand: `netlink-packet-sock-diag`
//! and its companions would add several crates for one fixed request and one field read.

use std::net::{IpAddr, SocketAddr};

use rustix::net::{
    AddressFamily, RecvFlags, SendFlags, SocketFlags, SocketType, netlink, recv, sendto,
    socket_with,
};

const SOCK_DIAG_BY_FAMILY: u16 = 20;
const NLM_F_REQUEST: u16 = 1;
const NLMSG_ERROR: u16 = 2;
const IPPROTO_TCP: u8 = 6;
const AF_INET: u8 = 2;
const AF_INET6: u8 = 10;
const ENOENT: i32 = 2;
/// `struct nlmsghdr`.
const HEADER: usize = 16;
/// `struct inet_diag_req_v2` with its `inet_diag_sockid`.
const REQUEST: usize = 56;
/// Offset of `idiag_uid` in `struct inet_diag_msg` (family, state, timer, retrans, the
/// 48-byte sockid, expires, rqueue, wqueue).
const UID_AT: usize = 4 + 48 + 12;

/// What the lookup found.
#[derive(Debug, PartialEq, Eq)]
pub(super) enum Found {
    Uid(u32),
    /// The kernel has no such socket.
    NoSocket,
}

/// The uid of the TCP socket whose local address is `local` and remote address `remote`;
/// `None` when netlink cannot be used here (the caller falls back to the socket table).
pub(super) fn lookup(local: SocketAddr, remote: SocketAddr) -> Option<Found> {
    let (family, src, dst) = match (local.ip().to_canonical(), remote.ip().to_canonical()) {
        (IpAddr::V4(l), IpAddr::V4(r)) => {
            let pad = |o: [u8; 4]| {
                let mut a = [0u8; 16];
                a[..4].copy_from_slice(&o);
                a
            };
            (AF_INET, pad(l.octets()), pad(r.octets()))
        }
        (l, r) => {
            let v6 = |ip: IpAddr| match ip {
                IpAddr::V4(v4) => v4.to_ipv6_mapped().octets(),
                IpAddr::V6(v6) => v6.octets(),
            };
            (AF_INET6, v6(l), v6(r))
        }
    };
    let mut msg = Vec::with_capacity(HEADER + REQUEST);
    msg.extend_from_slice(&((HEADER + REQUEST) as u32).to_ne_bytes());
    msg.extend_from_slice(&SOCK_DIAG_BY_FAMILY.to_ne_bytes());
    msg.extend_from_slice(&NLM_F_REQUEST.to_ne_bytes());
    msg.extend_from_slice(&1u32.to_ne_bytes()); // sequence number
    msg.extend_from_slice(&0u32.to_ne_bytes()); // port id: the kernel
    msg.extend_from_slice(&[family, IPPROTO_TCP, 0, 0]);
    msg.extend_from_slice(&u32::MAX.to_ne_bytes()); // every TCP state
    msg.extend_from_slice(&local.port().to_be_bytes());
    msg.extend_from_slice(&remote.port().to_be_bytes());
    msg.extend_from_slice(&src);
    msg.extend_from_slice(&dst);
    msg.extend_from_slice(&0u32.to_ne_bytes()); // any interface
    msg.extend_from_slice(&[0xff; 8]); // INET_DIAG_NOCOOKIE
    debug_assert_eq!(msg.len(), HEADER + REQUEST);

    let fd = socket_with(
        AddressFamily::NETLINK,
        SocketType::DGRAM,
        SocketFlags::CLOEXEC,
        Some(netlink::SOCK_DIAG),
    )
    .ok()?;
    sendto(
        &fd,
        &msg,
        SendFlags::empty(),
        &netlink::SocketAddrNetlink::new(0, 0),
    )
    .ok()?;
    let mut answer = [0u8; 512];
    let (n, _) = recv(&fd, &mut answer, RecvFlags::empty()).ok()?;
    parse(&answer[..n.min(answer.len())])
}

fn parse(answer: &[u8]) -> Option<Found> {
    let u16_at = |i: usize| Some(u16::from_ne_bytes(answer.get(i..i + 2)?.try_into().ok()?));
    let u32_at = |i: usize| Some(u32::from_ne_bytes(answer.get(i..i + 4)?.try_into().ok()?));
    match u16_at(4)? {
        SOCK_DIAG_BY_FAMILY => u32_at(HEADER + UID_AT).map(Found::Uid),
        NLMSG_ERROR => {
            let errno = -(u32_at(HEADER)? as i32);
            (errno == ENOENT).then_some(Found::NoSocket)
        }
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_both_ends_of_a_real_connection_and_not_a_made_up_one() {
        let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        let server = listener.local_addr().unwrap();
        let client = std::net::TcpStream::connect(server).unwrap();
        let (_conn, remote) = listener.accept().unwrap();
        assert_eq!(remote, client.local_addr().unwrap());
        let uid = crate::private::server_uid();
        assert_eq!(lookup(remote, server), Some(Found::Uid(uid)));
        assert_eq!(lookup(server, remote), Some(Found::Uid(uid)));
        let nobody: SocketAddr = "127.0.0.1:9".parse().unwrap();
        assert_eq!(lookup(nobody, server), Some(Found::NoSocket));
    }

    #[test]
    fn answers_it_does_not_understand_are_none() {
        assert_eq!(parse(&[]), None);
        assert_eq!(parse(&[0; 8]), None);
        let mut short = vec![0u8; HEADER];
        short[4..6].copy_from_slice(&SOCK_DIAG_BY_FAMILY.to_ne_bytes());
        assert_eq!(parse(&short), None, "no room for the uid");
        let mut eperm = vec![0u8; HEADER + 4];
        eperm[4..6].copy_from_slice(&NLMSG_ERROR.to_ne_bytes());
        eperm[HEADER..].copy_from_slice(&(-1i32).to_ne_bytes());
        assert_eq!(parse(&eperm), None, "an error other than ENOENT: fall back");
    }
}
