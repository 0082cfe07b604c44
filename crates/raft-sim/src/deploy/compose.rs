//! A docker-compose file as the alternative to systemd: one service per
//! member, each with the `ETCD_*` variables of its etcd.conf (the same
//! cluster, token and URLs), on the hosts' addresses through host
//! networking, so that the URLs in every file stay the same.

use super::conf::read_env;
use super::{tls, Deployment};
use crate::NodeId;

/// The image of the etcd version the playground speaks for.
pub const IMAGE: &str = "quay.io/coreos/etcd:v3.4.23";

impl Deployment {
    /// docker-compose.yml for `members` (run on their hosts: each service
    /// listens on its own host's address).
    pub fn compose(&self, members: &[NodeId]) -> String {
        let mut s = String::from(
            "# One service per member; run each on its own host\n\
             # (docker compose up -d etcd-1 on 192.168.0.100, and so on).\n\
             services:\n",
        );
        for &n in members {
            let name = Deployment::name(n);
            s.push_str(&format!(
                "  {name}:\n    image: {IMAGE}\n    network_mode: host\n"
            ));
            s.push_str("    restart: on-failure\n");
            s.push_str("    command: [\"/usr/local/bin/etcd\"");
            if self.tls {
                for flag in tls::server_flags() {
                    s.push_str(&format!(", \"{flag}\""));
                }
            }
            s.push_str("]\n    environment:\n");
            for (k, v) in read_env(&self.etcd_conf(n, members, false)) {
                let v = if k == "ETCD_DATA_DIR" {
                    "/etcd-data".to_string()
                } else {
                    v
                };
                s.push_str(&format!("      {k}: \"{v}\"\n"));
            }
            s.push_str(&format!("    volumes:\n      - {name}-data:/etcd-data\n"));
            if self.tls {
                s.push_str(&format!("      - {}:{}:ro\n", tls::PKI_DIR, tls::PKI_DIR));
            }
        }
        s.push_str("volumes:\n");
        for &n in members {
            s.push_str(&format!("  {}-data:\n", Deployment::name(n)));
        }
        s
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_service_carries_its_members_variables() {
        let d = Deployment::default();
        let text = d.compose(&[1, 2, 3]);
        assert_eq!(
            text.matches("image: quay.io/coreos/etcd:v3.4.23").count(),
            3
        );
        assert!(text.contains("      ETCD_NAME: \"etcd-2\"\n"), "{text}");
        assert!(text.contains("      ETCD_ADVERTISE_CLIENT_URLS: \"http://192.168.0.102:2379\"\n"));
        assert_eq!(text.matches("ETCD_INITIAL_CLUSTER: \"etcd-1=").count(), 3);
    }
}
