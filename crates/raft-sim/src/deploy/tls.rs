//! The TLS files of the material's deployment: one client-server pair and
//! one peer pair per member, signed by one CA, and the client pair etcdctl
//! uses. Paths are where the generated configuration expects them.

/// Where the certificates live on each member.
pub const PKI_DIR: &str = "/etc/etcd/pki";
/// The CA that signed every certificate.
pub const CA: &str = "/etc/etcd/pki/ca.pem";
/// The member's client-server certificate and key.
pub const SERVER_CERT: &str = "/etc/etcd/pki/server.pem";
/// See [`SERVER_CERT`].
pub const SERVER_KEY: &str = "/etc/etcd/pki/server-key.pem";
/// The member's peer certificate and key.
pub const PEER_CERT: &str = "/etc/etcd/pki/peer.pem";
/// See [`PEER_CERT`].
pub const PEER_KEY: &str = "/etc/etcd/pki/peer-key.pem";
/// etcdctl's client certificate and key.
pub const CLIENT_CERT: &str = "/etc/etcd/pki/client.pem";
/// See [`CLIENT_CERT`].
pub const CLIENT_KEY: &str = "/etc/etcd/pki/client-key.pem";

/// etcd's flags for both pairs, as the material's unit passes them.
pub fn server_flags() -> Vec<String> {
    [
        ("--cert-file", SERVER_CERT),
        ("--key-file", SERVER_KEY),
        ("--trusted-ca-file", CA),
        ("--peer-cert-file", PEER_CERT),
        ("--peer-key-file", PEER_KEY),
        ("--peer-trusted-ca-file", CA),
    ]
    .iter()
    .map(|(flag, path)| format!("{flag}={path}"))
    .chain([
        "--client-cert-auth".into(),
        "--peer-client-cert-auth".into(),
    ])
    .collect()
}

/// etcdctl's flags to speak TLS to the members.
pub fn etcdctl_flags() -> String {
    format!("--cacert={CA} --cert={CLIENT_CERT} --key={CLIENT_KEY}")
}
