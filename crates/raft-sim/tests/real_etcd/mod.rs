//! A real etcd 3.4 cluster on loopback for the tests that hold the
//! simulation to real etcd: members started as processes configured by
//! `ETCD_*` variables (what a systemd `EnvironmentFile=` gives etcd), and
//! every one of them killed, and its data removed, when the cluster is
//! dropped, also when the test fails.
//!
//! etcd comes from Debian (`scripts/setup.sh etcd` installs it when it is
//! missing). Each test file uses its own ports, all below 32768: Linux
//! gives outgoing connections ports from 32768 up, and a member's long-lived
//! peer connection once took the port etcd-4 was to listen on (CI saw
//! "bind: address already in use").

// Each test file compiles this module and uses part of it.
#![allow(dead_code)]

use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

/// The cluster token the material uses.
pub const TOKEN: &str = "etcd-cluster";

/// A real etcd cluster.
pub struct RealEtcd {
    /// Running members: (K of etcd-K, process).
    members: Vec<(u16, Child)>,
    /// Data directories and logs.
    pub dir: PathBuf,
    /// etcd-K's client port is `client_base + K`, its peer port `peer_base + K`.
    client_base: u16,
    peer_base: u16,
}

impl RealEtcd {
    /// No member yet; `tag` names its temporary directory.
    pub fn empty(tag: &str, client_base: u16, peer_base: u16) -> RealEtcd {
        ensure_etcd();
        let dir = std::env::temp_dir().join(format!("raft-sim-{tag}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).unwrap();
        RealEtcd {
            members: Vec::new(),
            dir,
            client_base,
            peer_base,
        }
    }

    /// etcd-1..etcd-`members` by static bootstrap, healthy.
    pub fn start(tag: &str, client_base: u16, peer_base: u16, members: u16) -> RealEtcd {
        let mut cluster = RealEtcd::empty(tag, client_base, peer_base);
        let initial = cluster.initial_cluster(1..=members);
        for k in 1..=members {
            let env = cluster.member_env(k, "new", &initial);
            cluster.spawn(k, &env);
        }
        cluster.wait_healthy();
        cluster
    }

    /// etcd-K's client URL.
    pub fn client_url(&self, k: u16) -> String {
        format!("http://127.0.0.1:{}", self.client_base + k)
    }

    /// etcd-K's peer URL.
    pub fn peer_url(&self, k: u16) -> String {
        format!("http://127.0.0.1:{}", self.peer_base + k)
    }

    /// `ETCD_INITIAL_CLUSTER` for members `ks`.
    pub fn initial_cluster(&self, ks: impl IntoIterator<Item = u16>) -> String {
        let parts: Vec<String> = (ks.into_iter())
            .map(|k| format!("etcd-{k}={}", self.peer_url(k)))
            .collect();
        parts.join(",")
    }

    /// etcd-K's variables, joining as `state` (new or existing).
    pub fn member_env(&self, k: u16, state: &str, initial: &str) -> Vec<(String, String)> {
        let data = self.dir.join(format!("etcd-{k}"));
        [
            ("ETCD_NAME", format!("etcd-{k}")),
            ("ETCD_DATA_DIR", data.display().to_string()),
            ("ETCD_LISTEN_PEER_URLS", self.peer_url(k)),
            ("ETCD_LISTEN_CLIENT_URLS", self.client_url(k)),
            ("ETCD_INITIAL_ADVERTISE_PEER_URLS", self.peer_url(k)),
            ("ETCD_ADVERTISE_CLIENT_URLS", self.client_url(k)),
            ("ETCD_INITIAL_CLUSTER", initial.to_string()),
            ("ETCD_INITIAL_CLUSTER_TOKEN", TOKEN.to_string()),
            ("ETCD_INITIAL_CLUSTER_STATE", state.to_string()),
        ]
        .into_iter()
        .map(|(k, v)| (k.to_string(), v))
        .collect()
    }

    /// Starts etcd-K with exactly these variables (its log in `dir`).
    pub fn spawn(&mut self, k: u16, env: &[(String, String)]) {
        self.spawn_with_args(k, env, &[]);
    }

    /// Starts etcd-K with these variables and command-line flags.
    pub fn spawn_with_args(&mut self, k: u16, env: &[(String, String)], args: &[String]) {
        let log = std::fs::File::create(self.dir.join(format!("etcd-{k}.log"))).unwrap();
        let child = Command::new("etcd")
            .args(args)
            .env_clear()
            .envs(env.iter().map(|(k, v)| (k, v)))
            .stdout(Stdio::null())
            .stderr(log)
            .spawn()
            .expect("etcd starts");
        self.members.push((k, child));
    }

    /// Starts a member that joins a running cluster, and starts it again
    /// (from an empty data directory) if it exits while joining, as the
    /// generated unit's `Restart=on-failure` would: a joining member asks
    /// the others for the membership, and one that has not applied the
    /// `member add` yet makes it give up.
    pub fn spawn_joining(&mut self, k: u16, env: &[(String, String)]) {
        self.spawn(k, env);
        for _ in 0..5 {
            std::thread::sleep(Duration::from_millis(1500));
            if !self.exited().iter().any(|(m, _)| *m == k) {
                return;
            }
            self.members.retain(|(m, _)| *m != k);
            let data = env.iter().find(|(name, _)| name == "ETCD_DATA_DIR");
            if let Some((_, dir)) = data {
                let _ = std::fs::remove_dir_all(dir);
            }
            self.spawn(k, env);
        }
    }

    /// Waits until every running member answers `endpoint health`.
    pub fn wait_healthy(&self) {
        let all: Vec<String> = self
            .members
            .iter()
            .map(|(k, _)| self.client_url(*k))
            .collect();
        let deadline = Instant::now() + Duration::from_secs(20);
        while Instant::now() < deadline {
            let out = Command::new("etcdctl")
                .arg(format!("--endpoints={}", all.join(",")))
                .args(["endpoint", "health"])
                .output()
                .unwrap();
            if out.status.success() {
                return;
            }
            std::thread::sleep(Duration::from_millis(200));
        }
        panic!("the real cluster did not become healthy");
    }

    /// Waits until `member list` shows no unstarted member and members
    /// `voters` answer `endpoint health` (a learner does not serve it).
    pub fn wait_started(&mut self, voters: impl IntoIterator<Item = u16>) {
        let eps: Vec<String> = voters.into_iter().map(|k| self.client_url(k)).collect();
        let deadline = Instant::now() + Duration::from_secs(40);
        while Instant::now() < deadline {
            let ctl = |args: &[&str]| {
                Command::new("etcdctl")
                    .arg(format!("--endpoints={}", eps.join(",")))
                    .args(args)
                    .output()
                    .unwrap()
            };
            let list = ctl(&["member", "list"]);
            let started = !String::from_utf8_lossy(&list.stdout).contains("unstarted");
            if started && ctl(&["endpoint", "health"]).status.success() {
                return;
            }
            std::thread::sleep(Duration::from_millis(200));
        }
        panic!(
            "the real cluster's members did not all start; exited: {:?}",
            self.exited()
        );
    }

    /// Members whose process has ended, with its status.
    pub fn exited(&mut self) -> Vec<(u16, String)> {
        (self.members.iter_mut())
            .filter_map(|(k, c)| match c.try_wait() {
                Ok(Some(status)) => Some((*k, status.to_string())),
                _ => None,
            })
            .collect()
    }

    /// Sends a signal to etcd-K (`-STOP`, `-CONT`).
    pub fn signal(&self, k: u16, sig: &str) {
        let (_, child) = (self.members.iter())
            .find(|(m, _)| *m == k)
            .expect("etcd-K runs");
        let pid = child.id().to_string();
        let ok = Command::new("kill").args([sig, &pid]).status().unwrap();
        assert!(ok.success(), "kill {sig} {pid}");
    }
}

impl Drop for RealEtcd {
    fn drop(&mut self) {
        if std::thread::panicking() {
            // The members' own words, for a failure on a machine we cannot see.
            for (k, _) in &self.members {
                let log = std::fs::read_to_string(self.dir.join(format!("etcd-{k}.log")))
                    .unwrap_or_default();
                let tail: Vec<&str> = log.lines().rev().take(12).collect();
                eprintln!("--- etcd-{k}'s log, last lines:");
                for l in tail.iter().rev() {
                    eprintln!("{l}");
                }
            }
        }
        for (_, m) in &mut self.members {
            let _ = Command::new("kill")
                .args(["-CONT", &m.id().to_string()])
                .status();
            let _ = m.kill();
            let _ = m.wait();
        }
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}

/// Installs etcd from Debian once, when it is missing.
fn ensure_etcd() {
    let have = |c: &str| Command::new(c).arg("--version").output().is_ok();
    if have("etcd") && have("etcdctl") && have("openssl") {
        return;
    }
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../..");
    let ok = Command::new("bash")
        .arg(root.join("scripts/setup.sh"))
        .arg("etcd")
        .status()
        .expect("bash runs");
    assert!(ok.success(), "scripts/setup.sh etcd failed");
}
