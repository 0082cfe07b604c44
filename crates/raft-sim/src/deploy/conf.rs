//! A member's `/etc/etcd/etcd.conf`, in the material's two parts, as a
//! systemd `EnvironmentFile=` reads it (etcd takes every `ETCD_*` variable
//! as the flag of the same name).
//!
//! The client URLs listen on the member's address and on loopback (the
//! material's "https plus http": etcdctl on the member itself needs no
//! certificate); only the member's address is advertised. Every member's
//! file names the same `ETCD_INITIAL_CLUSTER` (the material's text has a
//! slip there; ours must agree everywhere).

use super::Deployment;
use crate::NodeId;

/// Where etcd keeps its data (Debian's and the material's default).
pub const DATA_DIR: &str = "/var/lib/etcd/default.etcd";
/// Where the file goes.
pub const CONF_PATH: &str = "/etc/etcd/etcd.conf";
/// The plain loopback listener beside the member's own address.
pub const LOCAL_CLIENT_URL: &str = "http://127.0.0.1:2379";

impl Deployment {
    /// `ETCD_INITIAL_CLUSTER` for `members`: name=peer URL, in id order.
    pub fn initial_cluster(&self, members: &[NodeId]) -> String {
        let parts: Vec<String> = members
            .iter()
            .map(|&n| format!("{}={}", Deployment::name(n), self.peer_url(n)))
            .collect();
        parts.join(",")
    }

    /// Member `node`'s etcd.conf; `members` are those `ETCD_INITIAL_CLUSTER`
    /// lists, `existing` for a member that joins a running cluster.
    pub fn etcd_conf(&self, node: NodeId, members: &[NodeId], existing: bool) -> String {
        let state = if existing { "existing" } else { "new" };
        let client = self.client_url(node);
        [
            "#[Member]".to_string(),
            format!("ETCD_NAME=\"{}\"", Deployment::name(node)),
            format!("ETCD_DATA_DIR=\"{DATA_DIR}\""),
            format!("ETCD_LISTEN_PEER_URLS=\"{}\"", self.peer_url(node)),
            format!("ETCD_LISTEN_CLIENT_URLS=\"{client},{LOCAL_CLIENT_URL}\""),
            String::new(),
            "#[Clustering]".into(),
            format!(
                "ETCD_INITIAL_ADVERTISE_PEER_URLS=\"{}\"",
                self.peer_url(node)
            ),
            format!("ETCD_ADVERTISE_CLIENT_URLS=\"{client}\""),
            format!("ETCD_INITIAL_CLUSTER=\"{}\"", self.initial_cluster(members)),
            format!("ETCD_INITIAL_CLUSTER_TOKEN=\"{}\"", self.token),
            format!("ETCD_INITIAL_CLUSTER_STATE=\"{state}\""),
        ]
        .iter()
        .map(|l| format!("{l}\n"))
        .collect()
    }
}

/// The variables of an environment file, as systemd reads one: `KEY=VALUE`
/// lines, `#` comments and blank lines skipped, surrounding double quotes
/// removed.
pub fn read_env(text: &str) -> Vec<(String, String)> {
    text.lines()
        .map(str::trim)
        .filter(|l| !l.is_empty() && !l.starts_with('#'))
        .filter_map(|l| {
            let (k, v) = l.split_once('=')?;
            let v = v.trim();
            let v = v
                .strip_prefix('"')
                .and_then(|v| v.strip_suffix('"'))
                .unwrap_or(v);
            Some((k.trim().to_string(), v.to_string()))
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_member_names_the_same_cluster_and_its_own_urls() {
        let d = Deployment::default();
        let members = [1, 2, 3];
        let initial = "etcd-1=http://192.168.0.100:2380,etcd-2=http://192.168.0.101:2380,etcd-3=http://192.168.0.102:2380";
        for n in members {
            let env = read_env(&d.etcd_conf(n, &members, false));
            let get = |k: &str| {
                env.iter()
                    .find(|(key, _)| key == k)
                    .map(|(_, v)| v.as_str())
            };
            assert_eq!(get("ETCD_NAME"), Some(format!("etcd-{n}").as_str()));
            assert_eq!(get("ETCD_INITIAL_CLUSTER"), Some(initial));
            assert_eq!(
                get("ETCD_INITIAL_ADVERTISE_PEER_URLS"),
                Some(d.peer_url(n).as_str())
            );
            assert_eq!(
                get("ETCD_ADVERTISE_CLIENT_URLS"),
                Some(d.client_url(n).as_str())
            );
            assert_eq!(get("ETCD_INITIAL_CLUSTER_STATE"), Some("new"));
            assert_eq!(get("ETCD_INITIAL_CLUSTER_TOKEN"), Some("etcd-cluster"));
            assert_eq!(env.len(), 9);
        }
        let tls = Deployment {
            tls: true,
            ..Deployment::default()
        };
        let text = tls.etcd_conf(4, &[1, 2, 3, 4], true);
        assert!(
            text.contains(
                "ETCD_LISTEN_CLIENT_URLS=\"https://192.168.0.103:2379,http://127.0.0.1:2379\""
            ),
            "{text}"
        );
        assert!(text.contains("ETCD_INITIAL_CLUSTER_STATE=\"existing\""));
        assert!(
            !text.contains("http://192.168.0"),
            "TLS: every member URL is https: {text}"
        );
    }
}
