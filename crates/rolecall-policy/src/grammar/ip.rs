//! `IpAddress` / `NotIpAddress` values (docs/DECISIONS.md R7, docs/SEMANTICS.md §3.4).
//!
//! An IPv4 or IPv6 address in Rust `std::net` syntax, optionally followed by
//! `/prefix` (decimal digits, 0-32 for IPv4, 0-128 for IPv6). No prefix means
//! a single address (/32 or /128). Host bits may be set: `10.0.0.1/8` is the
//! network `10.0.0.0/8`. An IPv4 network never contains an IPv6 address and
//! vice versa (`::ffff:a.b.c.d` is IPv6).

use std::net::IpAddr;

use nom::bytes::complete::{take_till, take_while1};
use nom::character::complete::char;
use nom::combinator::{all_consuming, opt};
use nom::sequence::preceded;
use nom::Parser;

use super::PResult;

/// An IP network: an address and a prefix length.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct IpNetwork {
    // INVARIANT (prefix in range): `prefix` <= 32 for IPv4 and <= 128 for
    // IPv6; kept by `parse_ip_network`, the only constructor.
    addr: IpAddr,
    prefix: u8,
}

impl IpNetwork {
    /// The address as written (host bits kept).
    pub fn addr(&self) -> IpAddr {
        self.addr
    }

    /// The prefix length.
    pub fn prefix(&self) -> u8 {
        self.prefix
    }

    /// Whether `addr` is in this network. Address families never mix.
    pub fn contains(&self, addr: IpAddr) -> bool {
        match (self.addr, addr) {
            (IpAddr::V4(net), IpAddr::V4(a)) => {
                let mask = u32::MAX
                    .checked_shl(32 - u32::from(self.prefix))
                    .unwrap_or(0);
                u32::from(net) & mask == u32::from(a) & mask
            }
            (IpAddr::V6(net), IpAddr::V6(a)) => {
                let mask = u128::MAX
                    .checked_shl(128 - u32::from(self.prefix))
                    .unwrap_or(0);
                u128::from(net) & mask == u128::from(a) & mask
            }
            _ => false,
        }
    }
}

impl std::fmt::Display for IpNetwork {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}/{}", self.addr, self.prefix)
    }
}

/// Why an IP value does not parse.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
#[error("{kind} (at byte {offset})")]
pub struct IpError {
    /// Byte offset of the offending part (the address or the prefix).
    pub offset: usize,
    /// What is wrong.
    pub kind: IpErrorKind,
}

/// The kinds of [`IpError`].
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum IpErrorKind {
    /// The part before `/` is not an IPv4 or IPv6 address.
    #[error("expected an IPv4 or IPv6 address")]
    Address,
    /// The part after `/` is not decimal digits.
    #[error("expected a prefix length after `/`")]
    Prefix,
    /// The prefix is longer than the address (over 32 or 128).
    #[error("prefix length {prefix} is longer than the address ({max} bits)")]
    PrefixTooLong {
        /// The prefix as written (`u32::MAX` when even larger).
        prefix: u32,
        /// 32 or 128.
        max: u8,
    },
}

fn network(i: &str) -> PResult<'_, (&str, Option<&str>)> {
    all_consuming((
        take_till(|c| c == '/'),
        opt(preceded(
            char('/'),
            take_while1(|c: char| c.is_ascii_digit()),
        )),
    ))
    .parse(i)
}

/// Parses an `IpAddress` value.
///
/// ```
/// use rolecall_policy::grammar::ip::parse_ip_network;
/// let net = parse_ip_network("203.0.113.7/24").unwrap();
/// assert!(net.contains("203.0.113.200".parse().unwrap()));
/// assert!(!net.contains("::ffff:203.0.113.7".parse().unwrap()));
/// assert_eq!(parse_ip_network("2001:db8::1").unwrap().prefix(), 128);
/// ```
pub fn parse_ip_network(s: &str) -> Result<IpNetwork, IpError> {
    let err = |offset, kind| IpError { offset, kind };
    let (addr_text, prefix_text) = match network(s) {
        Ok((_, parts)) => parts,
        // Only the prefix part can fail: a `/` not followed by digits only.
        Err(_) => {
            let slash = s.find('/').unwrap_or(s.len());
            return Err(err(slash + 1, IpErrorKind::Prefix));
        }
    };
    let addr: IpAddr = addr_text
        .parse()
        .map_err(|_| err(0, IpErrorKind::Address))?;
    let max: u8 = if addr.is_ipv4() { 32 } else { 128 };
    let prefix = match prefix_text {
        None => max,
        Some(p) => {
            let at = addr_text.len() + 1;
            // Digits only, so parsing fails only on overflow.
            let n: u32 = p.parse().unwrap_or(u32::MAX);
            match u8::try_from(n) {
                Ok(n) if n <= max => n,
                _ => return Err(err(at, IpErrorKind::PrefixTooLong { prefix: n, max })),
            }
        }
    };
    Ok(IpNetwork { addr, prefix })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ip(s: &str) -> IpAddr {
        s.parse().unwrap()
    }

    #[test]
    fn networks() {
        let n = parse_ip_network("10.1.2.3/8").unwrap();
        assert_eq!((n.addr(), n.prefix()), (ip("10.1.2.3"), 8));
        assert!(n.contains(ip("10.255.0.1")));
        assert!(!n.contains(ip("11.0.0.0")));
        let all = parse_ip_network("0.0.0.0/0").unwrap();
        assert!(all.contains(ip("255.255.255.255")));
        assert!(!all.contains(ip("::1")));
        let all6 = parse_ip_network("::/0").unwrap();
        assert!(all6.contains(ip("::ffff:1.2.3.4")));
        assert!(!all6.contains(ip("1.2.3.4")));
        let host = parse_ip_network("192.0.2.1").unwrap();
        assert_eq!(host.prefix(), 32);
        assert!(host.contains(ip("192.0.2.1")));
        assert!(!host.contains(ip("192.0.2.2")));
        let v6 = parse_ip_network("2001:db8::/32").unwrap();
        assert!(v6.contains(ip("2001:db8:ffff::1")));
        assert!(!v6.contains(ip("2001:db9::")));
        assert_eq!(parse_ip_network("1.2.3.4/032").unwrap().prefix(), 32);
        assert_eq!(parse_ip_network("::1/128").unwrap().to_string(), "::1/128");
    }

    #[test]
    fn malformed() {
        use IpErrorKind::*;
        for (s, offset, kind) in [
            ("", 0, Address),
            ("1.2.3", 0, Address),
            ("1.2.3.4 ", 0, Address),
            ("01.2.3.4", 0, Address),
            ("[::1]", 0, Address),
            ("1.2.3.4/", 8, Prefix),
            ("1.2.3.4/+8", 8, Prefix),
            ("1.2.3.4/8/8", 8, Prefix),
            ("1.2.3.4/ 8", 8, Prefix),
            (
                "1.2.3.4/33",
                8,
                PrefixTooLong {
                    prefix: 33,
                    max: 32,
                },
            ),
            (
                "::/129",
                3,
                PrefixTooLong {
                    prefix: 129,
                    max: 128,
                },
            ),
            (
                "::/99999999999",
                3,
                PrefixTooLong {
                    prefix: u32::MAX,
                    max: 128,
                },
            ),
        ] {
            let e = parse_ip_network(s).unwrap_err();
            assert_eq!((e.offset, &e.kind), (offset, &kind), "{s:?}");
        }
    }
}
