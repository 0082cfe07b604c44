//! How the simulated cluster would be deployed as real etcd: each member's
//! name, addresses and the ids etcd would give it.
//!
//! Member nK is `etcd-K`, at `192.168.0.(99+K)` by default (the material's
//! 192.168.0.100–102), with its client URL on port 2379 and its peer URL on
//! 2380. Tests that run real etcd on loopback give every member its own
//! URLs instead.
//!
//! Ids are computed exactly as etcd 3.4 computes them
//! (`etcdserver/api/membership/member.go` and `cluster.go`), so that the
//! console prints the ids real etcd prints for the same URLs and token:
//! a founding member's id is the first 8 bytes (big-endian) of the SHA-1
//! of its sorted peer URLs joined, then the cluster token; a member added
//! later (`member add`) hashes its peer URLs, no token, and the time in
//! seconds; the cluster id is the SHA-1 of the sorted member ids.
//!
//! The files a real deployment needs come from the same addresses:
//! [`conf`] (each member's etcd.conf), [`systemd`] (the unit), [`compose`]
//! (docker-compose, the alternative), [`tls`] (the certificate files) and
//! [`commands`] (start, check, and the membership changes made on screen).

use std::collections::BTreeMap;

use sha1::{Digest, Sha1};

pub mod commands;
pub mod compose;
pub mod conf;
pub mod systemd;
pub mod tls;

use crate::NodeId;

/// etcd's default client port.
pub const CLIENT_PORT: u16 = 2379;
/// etcd's default peer port.
pub const PEER_PORT: u16 = 2380;
/// The cluster token the material uses (`ETCD_INITIAL_CLUSTER_TOKEN`).
pub const DEFAULT_TOKEN: &str = "etcd-cluster";

/// One member's URLs, when they are given explicitly.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Urls {
    /// Where clients reach it (`--advertise-client-urls`).
    pub client: String,
    /// Where the other members reach it (`--initial-advertise-peer-urls`).
    pub peer: String,
}

/// Names, addresses and ids of the members as real etcd would have them.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Deployment {
    /// Host per member, where it is not the default.
    pub hosts: BTreeMap<NodeId, String>,
    /// Explicit URLs per member (they win over the host).
    pub urls: BTreeMap<NodeId, Urls>,
    /// Whether clients and peers speak TLS (https URLs).
    pub tls: bool,
    /// `ETCD_INITIAL_CLUSTER_TOKEN`.
    pub token: String,
}

impl Default for Deployment {
    fn default() -> Deployment {
        Deployment {
            hosts: BTreeMap::new(),
            urls: BTreeMap::new(),
            tls: false,
            token: DEFAULT_TOKEN.into(),
        }
    }
}

impl Deployment {
    /// The etcd name of member `node`.
    pub fn name(node: NodeId) -> String {
        format!("etcd-{node}")
    }

    /// The member an etcd name stands for (`etcd-2`, or `n2`).
    pub fn node_named(name: &str) -> Option<NodeId> {
        let n = (name.strip_prefix("etcd-"))
            .or_else(|| name.strip_prefix('n'))?
            .parse()
            .ok()?;
        (n > 0).then_some(n)
    }

    /// The host of member `node`.
    pub fn host(&self, node: NodeId) -> String {
        match self.hosts.get(&node) {
            Some(h) => h.clone(),
            None => format!("192.168.0.{}", 99 + node),
        }
    }

    fn scheme(&self) -> &'static str {
        if self.tls {
            "https"
        } else {
            "http"
        }
    }

    /// The client URL of member `node`.
    pub fn client_url(&self, node: NodeId) -> String {
        match self.urls.get(&node) {
            Some(u) => u.client.clone(),
            None => format!("{}://{}:{CLIENT_PORT}", self.scheme(), self.host(node)),
        }
    }

    /// The peer URL of member `node`.
    pub fn peer_url(&self, node: NodeId) -> String {
        match self.urls.get(&node) {
            Some(u) => u.peer.clone(),
            None => format!("{}://{}:{PEER_PORT}", self.scheme(), self.host(node)),
        }
    }

    /// The member among `members` an `--endpoints` value names: its client
    /// URL, with or without the scheme (etcdctl accepts `host:port`).
    pub fn node_at(&self, endpoint: &str, members: &[NodeId]) -> Option<NodeId> {
        let bare = |u: &str| -> String {
            let u = u.trim_end_matches('/');
            u.split_once("://").map_or(u, |(_, rest)| rest).to_string()
        };
        let wanted = bare(endpoint);
        (members.iter().copied()).find(|&n| bare(&self.client_url(n)) == wanted)
    }

    /// etcd's id for a founding member.
    pub fn member_id(&self, node: NodeId) -> u64 {
        id_of(&[self.peer_url(node)], &self.token, None)
    }

    /// etcd's id for a member added by `member add` at `unix_secs`.
    pub fn added_member_id(&self, node: NodeId, unix_secs: u64) -> u64 {
        id_of(&[self.peer_url(node)], "", Some(unix_secs))
    }

    /// etcd's cluster id, from its founding members' ids.
    pub fn cluster_id(&self, founders: &[NodeId]) -> u64 {
        let mut ids: Vec<u64> = founders.iter().map(|&n| self.member_id(n)).collect();
        ids.sort_unstable();
        let bytes: Vec<u8> = ids.iter().flat_map(|id| id.to_be_bytes()).collect();
        first_8(&bytes)
    }
}

/// Whether `host` can stand in a URL as a host: a name or an IPv4 address,
/// nothing that would break the URL or the files it is written into.
pub fn valid_host(host: &str) -> bool {
    !host.is_empty()
        && host.len() <= 253
        && host
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '.' || c == '-')
        && !host.starts_with(['.', '-'])
}

/// `membership.NewMember`'s id: SHA-1 of the sorted peer URLs joined, the
/// cluster name (token) and, for a member added at run time, the time.
fn id_of(peer_urls: &[String], token: &str, unix_secs: Option<u64>) -> u64 {
    let mut urls = peer_urls.to_vec();
    urls.sort();
    let mut b = urls.concat().into_bytes();
    b.extend_from_slice(token.as_bytes());
    if let Some(t) = unix_secs {
        b.extend_from_slice(t.to_string().as_bytes());
    }
    first_8(&b)
}

fn first_8(bytes: &[u8]) -> u64 {
    let hash = Sha1::digest(bytes);
    u64::from_be_bytes(hash[..8].try_into().expect("SHA-1 has 20 bytes"))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The loopback cluster of `tests/etcd/record.sh`.
    fn recorded() -> Deployment {
        let mut d = Deployment::default();
        for k in 1..=4 {
            let urls = Urls {
                client: format!("http://127.0.0.1:4338{k}"),
                peer: format!("http://127.0.0.1:4339{k}"),
            };
            d.urls.insert(k, urls);
        }
        d
    }

    #[test]
    fn ids_are_the_ones_real_etcd_printed() {
        // From tests/etcd/cluster.txt and kv.txt (etcd 3.4.23).
        let d = recorded();
        assert_eq!(format!("{:x}", d.member_id(1)), "91a0bec74f5b3f56");
        assert_eq!(format!("{:x}", d.member_id(2)), "4cbfe8da7846e2dd");
        assert_eq!(format!("{:x}", d.member_id(3)), "9a1e597b0e1318b9");
        assert_eq!(d.member_id(1), 10493596895012405078);
        assert_eq!(d.cluster_id(&[1, 2, 3]), 6798800082867857262);
    }

    #[test]
    fn names_and_addresses_follow_the_material() {
        let d = Deployment::default();
        assert_eq!(Deployment::name(2), "etcd-2");
        assert_eq!(d.client_url(1), "http://192.168.0.100:2379");
        assert_eq!(d.peer_url(3), "http://192.168.0.102:2380");
        let tls = Deployment {
            tls: true,
            ..Deployment::default()
        };
        assert_eq!(tls.client_url(2), "https://192.168.0.101:2379");
        assert_eq!(Deployment::node_named("etcd-3"), Some(3));
        assert_eq!(Deployment::node_named("n2"), Some(2));
        assert_eq!(Deployment::node_named("etcd-0"), None);
        assert_eq!(Deployment::node_named("etcd"), None);
    }

    #[test]
    fn hosts_are_names_or_addresses_that_fit_in_a_url() {
        assert!(valid_host("192.168.0.100"));
        assert!(valid_host("etcd-1.example.com"));
        for bad in ["", "a b", "10.0.0.1:2379", "http://x", "a,b", "-x", "é"] {
            assert!(!valid_host(bad), "{bad:?}");
        }
    }

    #[test]
    fn endpoints_are_found_with_or_without_their_scheme() {
        let d = Deployment::default();
        let members = [1, 2, 3];
        assert_eq!(d.node_at("http://192.168.0.101:2379", &members), Some(2));
        assert_eq!(d.node_at("192.168.0.102:2379", &members), Some(3));
        assert_eq!(d.node_at("192.168.0.102:2380", &members), None);
        assert_eq!(d.node_at("http://192.168.0.103:2379", &members), None);
    }
}
