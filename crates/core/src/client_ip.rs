//! Which address a request came from, for the audit log and login throttling: the TCP peer,
//! unless the peer is a reverse proxy this server trusts (config `trusted_proxies`), in which
//! case the address that proxy reports in `X-Forwarded-For`. Anyone can send that header, so it
//! counts only from a trusted peer; and since a proxy appends to what the client sent, the list
//! is read from the right: the first address not itself a trusted proxy is the client.

use std::fmt;
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr, SocketAddr};

/// Hops of `X-Forwarded-For` looked at, at most: no real proxy chain is longer, and the walk
/// stays bounded whatever a client sends.
pub const MAX_FORWARDED_HOPS: usize = 16;

/// One trusted network: an address and how many leading bits must match.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct IpNetwork {
    address: IpAddr,
    prefix_bits: u8,
}

impl IpNetwork {
    /// Parses `10.0.0.0/8`, `fd00::/8` or a single address (`127.0.0.1`, `::1`).
    pub fn parse(text: &str) -> Result<Self, String> {
        let text = text.trim();
        let (address, bits) = match text.split_once('/') {
            Some((address, bits)) => (address, Some(bits)),
            None => (text, None),
        };
        let address: IpAddr = address
            .parse()
            .map_err(|_| format!("{text:?} is not an IP address or CIDR network"))?;
        let address = address.to_canonical();
        let max_bits = if address.is_ipv4() { 32 } else { 128 };
        let prefix_bits = match bits {
            None => max_bits,
            Some(bits) => bits
                .parse::<u8>()
                .ok()
                .filter(|b| *b <= max_bits)
                .ok_or_else(|| format!("{text:?}: the prefix length must be 0 to {max_bits}"))?,
        };
        Ok(Self {
            address,
            prefix_bits,
        })
    }

    /// Returns true when `ip` is inside the network.
    pub fn contains(&self, ip: IpAddr) -> bool {
        match (self.address, ip.to_canonical()) {
            (IpAddr::V4(net), IpAddr::V4(ip)) => {
                let mask = u32::MAX
                    .checked_shl(32 - u32::from(self.prefix_bits))
                    .unwrap_or(0);
                u32::from(net) & mask == u32::from(ip) & mask
            }
            (IpAddr::V6(net), IpAddr::V6(ip)) => {
                let mask = u128::MAX
                    .checked_shl(128 - u32::from(self.prefix_bits))
                    .unwrap_or(0);
                u128::from(net) & mask == u128::from(ip) & mask
            }
            _ => false,
        }
    }
}

impl fmt::Display for IpNetwork {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}/{}", self.address, self.prefix_bits)
    }
}

/// The reverse proxies whose `X-Forwarded-For` is believed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TrustedProxies(Vec<IpNetwork>);

impl Default for TrustedProxies {
    /// The loopback addresses: a proxy on the same machine.
    fn default() -> Self {
        Self(vec![
            IpNetwork {
                address: IpAddr::V4(Ipv4Addr::LOCALHOST),
                prefix_bits: 32,
            },
            IpNetwork {
                address: IpAddr::V6(Ipv6Addr::LOCALHOST),
                prefix_bits: 128,
            },
        ])
    }
}

impl TrustedProxies {
    /// Parses a list of addresses and CIDR networks; an empty list trusts no proxy.
    pub fn parse<S: AsRef<str>>(items: &[S]) -> Result<Self, String> {
        items
            .iter()
            .map(|item| IpNetwork::parse(item.as_ref()))
            .collect::<Result<_, _>>()
            .map(Self)
    }

    pub fn contains(&self, ip: IpAddr) -> bool {
        self.0.iter().any(|net| net.contains(ip))
    }

    pub fn networks(&self) -> &[IpNetwork] {
        &self.0
    }
}

/// The client address of a request: `peer` (the TCP peer; `None` when unknown, which trusts
/// nothing) or, while the address at hand is a trusted proxy, the hop of `forwarded_for` (the
/// `X-Forwarded-For` values joined by commas) to its left. A hop that is not an address stops
/// the walk.
pub fn client_ip(
    peer: Option<IpAddr>,
    forwarded_for: Option<&str>,
    trusted: &TrustedProxies,
) -> Option<IpAddr> {
    let mut address = peer?.to_canonical();
    let Some(forwarded_for) = forwarded_for else {
        return Some(address);
    };
    for hop in forwarded_for.rsplit(',').take(MAX_FORWARDED_HOPS) {
        if !trusted.contains(address) {
            break;
        }
        match parse_hop(hop) {
            Some(hop) => address = hop,
            None => break,
        }
    }
    Some(address)
}

/// One `X-Forwarded-For` entry: an address, perhaps with a port (`203.0.113.7:5123`,
/// `[2001:db8::1]:443`), as some proxies write it.
fn parse_hop(hop: &str) -> Option<IpAddr> {
    let hop = hop.trim();
    hop.parse::<IpAddr>()
        .ok()
        .or_else(|| hop.parse::<SocketAddr>().ok().map(|s| s.ip()))
        .map(|ip| ip.to_canonical())
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn ip(text: &str) -> Option<IpAddr> {
        Some(text.parse().unwrap())
    }

    #[test]
    fn networks_parse_and_match() {
        let net = IpNetwork::parse("10.1.0.0/16").unwrap();
        assert!(net.contains("10.1.255.3".parse().unwrap()));
        assert!(!net.contains("10.2.0.1".parse().unwrap()));
        assert!(!net.contains("::1".parse().unwrap()));
        let v6 = IpNetwork::parse("fd00::/8").unwrap();
        assert!(v6.contains("fd12::7".parse().unwrap()));
        assert!(!v6.contains("fe80::1".parse().unwrap()));
        assert!(
            IpNetwork::parse("0.0.0.0/0")
                .unwrap()
                .contains("8.8.8.8".parse().unwrap())
        );
        let host = IpNetwork::parse(" 127.0.0.1 ").unwrap();
        assert_eq!(host.to_string(), "127.0.0.1/32");
        // An IPv4 peer seen on a dual-stack socket is the same address.
        assert!(host.contains("::ffff:127.0.0.1".parse().unwrap()));
        for bad in [
            "",
            "localhost",
            "10.0.0.0/33",
            "::/129",
            "10.0.0.0/x",
            "1.2.3",
        ] {
            assert!(IpNetwork::parse(bad).is_err(), "{bad:?}");
        }
    }

    #[test]
    fn forwarded_for_counts_only_from_a_trusted_peer() {
        let loopback = TrustedProxies::default();
        let xff = Some("203.0.113.9");
        // No peer known (tests through the router without a socket): nothing is trusted.
        assert_eq!(client_ip(None, xff, &loopback), None);
        // A client talking to us directly cannot choose its address.
        assert_eq!(
            client_ip(ip("198.51.100.4"), xff, &loopback),
            ip("198.51.100.4")
        );
        // A proxy on this machine reports the client.
        assert_eq!(
            client_ip(ip("127.0.0.1"), xff, &loopback),
            ip("203.0.113.9")
        );
        assert_eq!(client_ip(ip("::1"), xff, &loopback), ip("203.0.113.9"));
        assert_eq!(
            client_ip(ip("::ffff:127.0.0.1"), xff, &loopback),
            ip("203.0.113.9")
        );
        // Without the header, the proxy itself.
        assert_eq!(client_ip(ip("127.0.0.1"), None, &loopback), ip("127.0.0.1"));
        // Trusting nobody ignores the header even from loopback.
        let nobody = TrustedProxies::parse::<&str>(&[]).unwrap();
        assert_eq!(client_ip(ip("127.0.0.1"), xff, &nobody), ip("127.0.0.1"));
    }

    #[test]
    fn the_client_is_the_rightmost_address_not_a_trusted_proxy() {
        let trusted = TrustedProxies::parse(&["127.0.0.1", "10.0.0.0/8"]).unwrap();
        let peer = ip("127.0.0.1");
        // A client-sent (forged) first hop stays to the left of the address the proxy saw.
        assert_eq!(
            client_ip(peer, Some("1.2.3.4, 203.0.113.9"), &trusted),
            ip("203.0.113.9")
        );
        // Proxies in between are skipped.
        assert_eq!(
            client_ip(peer, Some("203.0.113.9, 10.0.0.5 ,10.0.0.6"), &trusted),
            ip("203.0.113.9")
        );
        // Ports are dropped; garbage stops the walk at the last proxy.
        assert_eq!(
            client_ip(peer, Some("[2001:db8::1]:443"), &trusted),
            ip("2001:db8::1")
        );
        assert_eq!(
            client_ip(peer, Some("203.0.113.9:5000"), &trusted),
            ip("203.0.113.9")
        );
        assert_eq!(
            client_ip(peer, Some("203.0.113.9, unknown"), &trusted),
            ip("127.0.0.1")
        );
        assert_eq!(
            client_ip(peer, Some("10.0.0.7"), &trusted),
            ip("10.0.0.7"),
            "a chain of only proxies ends at its first"
        );
    }

    proptest! {
        #[test]
        fn any_header_gives_the_peer_or_an_address_from_the_header(
            header in "(127\\.0\\.0\\.1|[0-9a-f:.\\[\\] ]{0,20}|.{0,20})(,(127\\.0\\.0\\.1|[0-9.: ]{0,16}|.{0,8})){0,20}",
            peer in prop_oneof![Just([127, 0, 0, 1]), any::<[u8; 4]>()],
        ) {
            let peer = IpAddr::from(peer);
            let got = client_ip(Some(peer), Some(&header), &TrustedProxies::default());
            let got = got.unwrap();
            let hops: Vec<IpAddr> = header.split(',').filter_map(parse_hop).collect();
            prop_assert!(got == peer || hops.contains(&got));
        }
    }
}
