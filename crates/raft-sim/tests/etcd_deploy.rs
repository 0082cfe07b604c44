//! The deployment panel's files start a real cluster: each member's
//! generated etcd.conf (read as systemd's `EnvironmentFile=` reads it) and
//! the unit's `ExecStart` flags start real etcd 3.4, the generated etcdctl
//! checks pass, and the generated steps for a member added on screen
//! (`member add`, then its etcd.conf with `ETCD_INITIAL_CLUSTER_STATE=
//! "existing"`) make it join. Then the same with TLS, certificates signed
//! by openssl.
//!
//! The files name the material's hosts (192.168.0.100…) and ports; the
//! test runs every member on this machine, so it rewrites each address to
//! a loopback port of its own, drops the extra loopback listener on 2379
//! (one port per machine), and moves the data and certificate directories
//! under a temporary one. Nothing else is changed.

use std::path::Path;
use std::process::Command;
use std::time::{Duration, Instant};

use raft_sim::console::command::words;
use raft_sim::deploy::commands::Plan;
use raft_sim::deploy::conf::{read_env, DATA_DIR, LOCAL_CLIENT_URL};
use raft_sim::deploy::systemd::exec_args;
use raft_sim::deploy::{tls, Deployment, Urls};

mod real_etcd;
use real_etcd::RealEtcd;

/// The generated text as it must be on one machine.
fn on_loopback(text: &str, dir: &Path, client_base: u16, peer_base: u16, k: u16) -> String {
    let mut t = text.replace(&format!(",{LOCAL_CLIENT_URL}"), "");
    for m in 1..=9u16 {
        let host = format!("192.168.0.{}", 99 + m);
        t = t
            .replace(
                &format!("{host}:2379"),
                &format!("127.0.0.1:{}", client_base + m),
            )
            .replace(
                &format!("{host}:2380"),
                &format!("127.0.0.1:{}", peer_base + m),
            );
    }
    t.replace(
        DATA_DIR,
        &dir.join(format!("etcd-{k}")).display().to_string(),
    )
    .replace(tls::PKI_DIR, &dir.join("pki").display().to_string())
}

/// The same addresses as the loopback rewrite, for the ids etcd prints.
fn loopback_deployment(client_base: u16, peer_base: u16, tls: bool) -> Deployment {
    let scheme = if tls { "https" } else { "http" };
    let mut d = Deployment {
        tls,
        ..Deployment::default()
    };
    for k in 1..=4u16 {
        let urls = Urls {
            client: format!("{scheme}://127.0.0.1:{}", client_base + k),
            peer: format!("{scheme}://127.0.0.1:{}", peer_base + k),
        };
        d.urls.insert(u64::from(k), urls);
    }
    d
}

/// Runs one generated etcdctl line: (success, stdout + stderr).
fn run(line: &str) -> (bool, String) {
    let w = words(line).unwrap();
    assert_eq!(w[0], "etcdctl", "{line}");
    let out = Command::new("etcdctl").args(&w[1..]).output().unwrap();
    let text = format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    (out.status.success(), text)
}

/// The generated lines that run etcdctl (comments and systemctl left out).
fn etcdctl_lines(text: &str) -> Vec<String> {
    (text.lines())
        .filter(|l| l.starts_with("etcdctl"))
        .map(str::to_string)
        .collect()
}

/// Runs `line` until it succeeds and `ok` holds for what it printed.
fn until(line: &str, ok: impl Fn(&str) -> bool, what: &str) -> String {
    let deadline = Instant::now() + Duration::from_secs(25);
    loop {
        let (success, text) = run(line);
        if success && ok(&text) {
            return text;
        }
        assert!(Instant::now() < deadline, "{what}: {line}\n{text}");
        std::thread::sleep(Duration::from_millis(250));
    }
}

/// Starts the founders from their generated files.
fn start(cluster: &mut RealEtcd, d: &Deployment, client_base: u16, peer_base: u16) {
    let dir = cluster.dir.clone();
    let unit = on_loopback(&d.systemd_unit(), &dir, client_base, peer_base, 0);
    for k in 1..=3u16 {
        let conf = d.etcd_conf(u64::from(k), &[1, 2, 3], false);
        let env = read_env(&on_loopback(&conf, &dir, client_base, peer_base, k));
        cluster.spawn_with_args(k, &env, &exec_args(&unit));
    }
}

#[test]
fn the_generated_files_start_a_real_cluster_and_add_a_member_to_it() {
    let (cb, pb) = (24380, 24390);
    let d = Deployment::default();
    let mut cluster = RealEtcd::empty("etcd-deploy", cb, pb);
    start(&mut cluster, &d, cb, pb);
    let started = Instant::now();
    let dir = cluster.dir.clone();
    let checks = etcdctl_lines(&on_loopback(&d.check_commands(&[1, 2, 3]), &dir, cb, pb, 0));
    assert_eq!(checks.len(), 3, "{checks:?}");
    let health = until(
        &checks[0],
        |t| t.matches("is healthy").count() == 3,
        "endpoint health",
    );
    assert!(!health.contains("unhealthy"), "{health}");
    until(
        &checks[1],
        |t| (t.lines()).any(|l| l.split('|').nth(5).map(str::trim) == Some("true")),
        "endpoint status shows a leader",
    );
    let ids = loopback_deployment(cb, pb, false);
    let list = until(
        &checks[2],
        |t| t.matches("started").count() == 3,
        "member list",
    );
    for k in 1..=3 {
        let row = format!("| {:x} | started | etcd-{k} |", ids.member_id(k));
        assert!(list.contains(&row), "{row} in\n{list}");
    }

    // etcd-4 added on screen: the generated steps, as shown.
    let plan = Plan {
        founders: vec![1, 2, 3],
        added: vec![(4, false)],
        removed: Vec::new(),
    };
    let steps = on_loopback(&d.change_commands(&plan), &dir, cb, pb, 4);
    let conf: String = (steps.lines())
        .filter_map(|l| l.strip_prefix("#   "))
        .map(|l| format!("{l}\n"))
        .collect();
    assert!(
        conf.contains("ETCD_INITIAL_CLUSTER_STATE=\"existing\""),
        "{steps}"
    );
    // etcd takes a member add once every member has been connected 5 s.
    std::thread::sleep(Duration::from_secs(6).saturating_sub(started.elapsed()));
    let add = etcdctl_lines(&steps);
    assert_eq!(add.len(), 1, "{steps}");
    let added = until(&add[0], |t| t.contains("added to cluster"), "member add");
    cluster.spawn_joining(4, &read_env(&conf));
    let four = etcdctl_lines(&on_loopback(
        &d.check_commands(&[1, 2, 3, 4]),
        &dir,
        cb,
        pb,
        0,
    ));
    let list = until(
        &four[2],
        |t| t.matches("| started |").count() == 4,
        "etcd-4 started",
    );
    assert!(list.contains("| etcd-4 |"), "{added}\n{list}");
    until(
        &four[0],
        |t| t.matches("is healthy").count() == 4,
        "four healthy",
    );
}

/// A CA and one certificate for 127.0.0.1, used as every pair.
fn certificates(pki: &Path) {
    std::fs::create_dir_all(pki).unwrap();
    let sh = format!(
        "set -e; cd '{}'
         openssl req -x509 -newkey rsa:2048 -nodes -keyout ca-key.pem -out ca.pem -days 2 -subj /CN=etcd-ca 2>/dev/null
         openssl req -newkey rsa:2048 -nodes -keyout server-key.pem -out server.csr -subj /CN=etcd 2>/dev/null
         printf 'subjectAltName=IP:127.0.0.1\\nextendedKeyUsage=serverAuth,clientAuth\\n' > ext.cnf
         openssl x509 -req -in server.csr -CA ca.pem -CAkey ca-key.pem -CAcreateserial -out server.pem -days 2 -extfile ext.cnf 2>/dev/null
         for p in peer client; do cp server.pem $p.pem; cp server-key.pem $p-key.pem; done",
        pki.display()
    );
    let ok = Command::new("sh").args(["-c", &sh]).status().unwrap();
    assert!(ok.success(), "openssl made the certificates");
}

#[test]
fn with_tls_the_generated_files_and_checks_speak_https() {
    let (cb, pb) = (24400, 24410);
    let d = Deployment {
        tls: true,
        ..Deployment::default()
    };
    let mut cluster = RealEtcd::empty("etcd-deploy-tls", cb, pb);
    let dir = cluster.dir.clone();
    // The certificates first: the members read them as they start.
    certificates(&dir.join("pki"));
    start(&mut cluster, &d, cb, pb);
    let checks = etcdctl_lines(&on_loopback(&d.check_commands(&[1, 2, 3]), &dir, cb, pb, 0));
    assert!(checks[0].contains("--cacert="), "{checks:?}");
    let health = until(
        &checks[0],
        |t| t.matches("is healthy").count() == 3,
        "endpoint health over TLS",
    );
    assert!(
        health.contains("https://127.0.0.1:24401 is healthy"),
        "{health}"
    );
    let ids = loopback_deployment(cb, pb, true);
    let list = until(
        &checks[2],
        |t| t.matches("started").count() == 3,
        "member list over TLS",
    );
    assert!(
        list.contains(&format!("| {:x} | started | etcd-1 |", ids.member_id(1))),
        "{list}"
    );
    // Without the client certificate the members refuse.
    let (ok, text) = run(&format!(
        "etcdctl --endpoints=https://127.0.0.1:{} --command-timeout=2s endpoint health",
        cb + 1
    ));
    assert!(!ok, "a client without a certificate was let in: {text}");
}
