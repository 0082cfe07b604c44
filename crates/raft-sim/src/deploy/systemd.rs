//! The systemd unit that runs a member, as the material's: `Type=notify`
//! (etcd tells systemd when it has joined), the configuration from
//! `/etc/etcd/etcd.conf`, restarted on failure, and with TLS the material's
//! two certificate pairs on the command line.

use super::conf::CONF_PATH;
use super::{tls, Deployment};

/// Where the unit goes.
pub const UNIT_PATH: &str = "/etc/systemd/system/etcd.service";

impl Deployment {
    /// The unit (the same on every member: each one's etcd.conf differs).
    pub fn systemd_unit(&self) -> String {
        let mut exec = String::from("/usr/bin/etcd");
        if self.tls {
            for flag in tls::server_flags() {
                exec.push_str(" \\\n  ");
                exec.push_str(&flag);
            }
        }
        format!(
            "[Unit]\n\
             Description=etcd key-value store\n\
             Documentation=https://etcd.io/docs/v3.4/\n\
             After=network-online.target\n\
             Wants=network-online.target\n\
             \n\
             [Service]\n\
             Type=notify\n\
             EnvironmentFile={CONF_PATH}\n\
             ExecStart={exec}\n\
             Restart=on-failure\n\
             RestartSec=5\n\
             LimitNOFILE=65536\n\
             \n\
             [Install]\n\
             WantedBy=multi-user.target\n"
        )
    }

    /// What to run on every member once its files are in place (the first
    /// one waits until a quorum has started).
    pub fn systemd_start() -> &'static str {
        "systemctl daemon-reload\nsystemctl enable --now etcd\n"
    }
}

/// The arguments of a unit's `ExecStart=` after the program, its
/// continuation lines joined (for tests that start etcd as systemd would).
pub fn exec_args(unit: &str) -> Vec<String> {
    let joined = unit.replace("\\\n", " ");
    let line = joined
        .lines()
        .find_map(|l| l.strip_prefix("ExecStart="))
        .unwrap_or_default();
    line.split_whitespace()
        .skip(1)
        .map(str::to_string)
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_unit_reads_the_conf_and_passes_the_certificates_only_with_tls() {
        let plain = Deployment::default().systemd_unit();
        assert!(
            plain.contains(
                "Type=notify\nEnvironmentFile=/etc/etcd/etcd.conf\nExecStart=/usr/bin/etcd\n"
            ),
            "{plain}"
        );
        assert!(exec_args(&plain).is_empty());
        let tls = Deployment {
            tls: true,
            ..Deployment::default()
        }
        .systemd_unit();
        let args = exec_args(&tls);
        assert_eq!(args.len(), 8, "{args:?}");
        assert!(args.contains(&"--peer-trusted-ca-file=/etc/etcd/pki/ca.pem".to_string()));
    }
}
