//! The differential test: one etcdctl script run against a real etcd 3.4
//! cluster (three members on loopback, static bootstrap) and through
//! `raft-sim console` given the same URLs, with faults (members stopped
//! with SIGSTOP there, crashed here) until quorum is lost and after they
//! come back. The outputs must be equal after normalizing only what
//! differs by nature: times ("took = …") and etcdctl's JSON log lines on
//! stderr, which the console does not reproduce.
//!
//! etcd comes from Debian (`scripts/setup.sh etcd` installs it when it is
//! missing). Every process started here is killed when the test ends,
//! also when it fails.

use std::io::Write;
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use raft_sim::console::command::words;

/// Client port of etcd-K is CLIENT_BASE + K, its peer port PEER_BASE + K
/// (this test's own range; `tests/etcd/record.sh` uses 4338K/4339K).
const CLIENT_BASE: u16 = 43480;
const PEER_BASE: u16 = 43490;
const MEMBERS: u16 = 3;

fn client_url(k: u16) -> String {
    format!("http://127.0.0.1:{}", CLIENT_BASE + k)
}

fn peer_url(k: u16) -> String {
    format!("http://127.0.0.1:{}", PEER_BASE + k)
}

/// A real etcd cluster; dropping it kills every member and removes their
/// data.
struct RealEtcd {
    members: Vec<Child>,
    dir: PathBuf,
}

impl RealEtcd {
    fn start() -> RealEtcd {
        ensure_etcd();
        let dir = std::env::temp_dir().join(format!("raft-sim-etcd-diff-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).unwrap();
        let initial: Vec<String> = (1..=MEMBERS)
            .map(|k| format!("etcd-{k}={}", peer_url(k)))
            .collect();
        let mut cluster = RealEtcd {
            members: Vec::new(),
            dir,
        };
        for k in 1..=MEMBERS {
            // The ETCD_* variables are what `EnvironmentFile=` gives etcd
            // under systemd.
            let log = std::fs::File::create(cluster.dir.join(format!("etcd-{k}.log"))).unwrap();
            let child = Command::new("etcd")
                .env_clear()
                .env("ETCD_NAME", format!("etcd-{k}"))
                .env("ETCD_DATA_DIR", cluster.dir.join(format!("etcd-{k}")))
                .env("ETCD_LISTEN_PEER_URLS", peer_url(k))
                .env("ETCD_LISTEN_CLIENT_URLS", client_url(k))
                .env("ETCD_INITIAL_ADVERTISE_PEER_URLS", peer_url(k))
                .env("ETCD_ADVERTISE_CLIENT_URLS", client_url(k))
                .env("ETCD_INITIAL_CLUSTER", initial.join(","))
                .env("ETCD_INITIAL_CLUSTER_TOKEN", "etcd-cluster")
                .env("ETCD_INITIAL_CLUSTER_STATE", "new")
                .stdout(Stdio::null())
                .stderr(log)
                .spawn()
                .expect("etcd starts");
            cluster.members.push(child);
        }
        cluster.wait_healthy();
        cluster
    }

    fn wait_healthy(&self) {
        let all: Vec<String> = (1..=MEMBERS).map(client_url).collect();
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

    /// Sends a signal to etcd-K.
    fn signal(&self, k: u16, sig: &str) {
        let pid = self.members[usize::from(k - 1)].id().to_string();
        let ok = Command::new("kill").args([sig, &pid]).status().unwrap();
        assert!(ok.success(), "kill {sig} {pid}");
    }
}

impl Drop for RealEtcd {
    fn drop(&mut self) {
        for m in &mut self.members {
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
    if have("etcd") && have("etcdctl") {
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

/// What a script printed, all of its commands together.
#[derive(Debug, Default, PartialEq, Eq)]
struct Printed {
    stdout: String,
    stderr: String,
}

/// Runs the script on the real cluster: etcdctl for etcdctl lines (against
/// etcd-1 unless the line names `--endpoints`), and for the console's own
/// commands what they stand for: `.crash` stops a member (SIGSTOP: it
/// neither answers nor loses anything), `.restart` lets it go on.
fn real(cluster: &RealEtcd, script: &[&str], timeout: &str) -> Printed {
    let mut p = Printed::default();
    for line in script {
        let w = words(line).unwrap();
        match w.first().map(String::as_str) {
            Some(".crash") => cluster.signal(member(&w[1]), "-STOP"),
            Some(".restart") => cluster.signal(member(&w[1]), "-CONT"),
            Some(".wait") => {
                std::thread::sleep(Duration::from_millis(
                    w[1].trim_end_matches("ms").parse().unwrap(),
                ));
                // Members let go after SIGSTOP need an election, which on
                // a loaded machine can outlast the wait; the simulated
                // clock's is deterministic. Compare once both are whole.
                cluster.wait_healthy();
            }
            _ => {
                let mut cmd = Command::new("etcdctl");
                cmd.arg(format!("--command-timeout={timeout}"));
                if !line.contains("--endpoints") {
                    cmd.arg(format!("--endpoints={}", client_url(1)));
                }
                let out = cmd.args(&w).output().unwrap();
                p.stdout.push_str(&String::from_utf8_lossy(&out.stdout));
                p.stderr.push_str(&String::from_utf8_lossy(&out.stderr));
            }
        }
    }
    p.stderr = normalize(&p.stderr);
    p
}

fn member(name: &str) -> u16 {
    name.strip_prefix("etcd-").unwrap().parse().unwrap()
}

/// Runs the script through `raft-sim console` with the real cluster's URLs.
fn simulated(script: &[&str], timeout: &str) -> Printed {
    let clients: Vec<String> = (1..=MEMBERS).map(client_url).collect();
    let peers: Vec<String> = (1..=MEMBERS).map(peer_url).collect();
    let mut child = Command::new(env!("CARGO_BIN_EXE_raft-sim"))
        .args(["console", "--command-timeout", timeout])
        .args(["--client-urls", &clients.join(",")])
        .args(["--peer-urls", &peers.join(",")])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let input: String = script.iter().map(|l| format!("{l}\n")).collect();
    child
        .stdin
        .take()
        .unwrap()
        .write_all(input.as_bytes())
        .unwrap();
    let out = child.wait_with_output().unwrap();
    Printed {
        stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
        stderr: normalize(&String::from_utf8_lossy(&out.stderr)),
    }
}

/// Leaves out etcdctl's JSON log lines and the measured times, and says
/// a timeout one way: etcdctl passes its deadline to the server, so when
/// a request times out the two race, and real etcd prints the client's
/// "context deadline exceeded", the server's "etcdserver: request timed
/// out", or the server's deadline wrapped by gRPC ("rpc error: code =
/// Unknown desc = context deadline exceeded"); all three were seen for the
/// same script (etcd also has "request timed out, possibly due to previous
/// leader failure"). The console, whose client and server share one
/// clock, always says the first.
fn normalize(stderr: &str) -> String {
    stderr
        .lines()
        .filter(|l| !l.starts_with("{\"level\":"))
        .map(|l| {
            let timeout = l.contains("deadline exceeded") || l.contains("request timed out");
            if l.starts_with("Error: ") && timeout {
                "Error: context deadline exceeded"
            } else {
                l
            }
        })
        .map(|l| match l.split_once("took = ") {
            Some((head, _)) => format!("{head}took = T\n"),
            None => format!("{l}\n"),
        })
        .collect()
}

/// Line by line, where the two differ.
fn diff(what: &str, real: &str, sim: &str) -> String {
    let (r, s): (Vec<&str>, Vec<&str>) = (real.lines().collect(), sim.lines().collect());
    let mut out = format!("{what} differs (real etcd | raft-sim console):\n");
    for i in 0..r.len().max(s.len()) {
        let (a, b) = (
            r.get(i).copied().unwrap_or("<none>"),
            s.get(i).copied().unwrap_or("<none>"),
        );
        let mark = if a == b { "  " } else { "! " };
        out.push_str(&format!("{mark}{a}\n{mark}{b}\n"));
    }
    out
}

#[test]
fn the_console_says_what_real_etcd_says_in_calm_and_with_quorum_lost() {
    let cluster = RealEtcd::start();
    // Calm: every etcdctl command the console speaks, in its formats.
    let calm = [
        "put foo bar".to_string(),
        "put foo baz -w json".into(),
        "get foo -w json".into(),
        "get foo --rev=2".into(),
        "put /registry/pods/default/nginx running".into(),
        "put /registry/pods/default/redis '{\"kind\":\"Pod\"}'".into(),
        "put /registry/configmaps/kube-system/coredns cm".into(),
        "get /registry/ --prefix".into(),
        "get /registry/pods/ --prefix --keys-only".into(),
        "get /registry/ --prefix --print-value-only".into(),
        "get --from-key /registry/pods/ -w fields".into(),
        "get /registry/ --prefix --limit=1 -w json".into(),
        "get /registry/ --prefix --sort-by=MODIFY --order=DESCEND --keys-only".into(),
        "get a z".into(),
        "del /registry/pods/default/redis".into(),
        "del nothing -w json".into(),
        "del /registry/ --prefix -w fields".into(),
        "get foo --rev=100".into(),
        format!("get foo --consistency=s --endpoints={}", client_url(3)),
        "member list".into(),
        "member list -w json".into(),
        "member list -w table".into(),
        "member list -w fields".into(),
    ];
    // Faults: two of three members stopped, then back.
    let faults = [
        "put k v1",
        ".crash etcd-2",
        ".crash etcd-3",
        "put k v2",
        "get k",
        "get k --consistency=s",
        ".restart etcd-2",
        ".restart etcd-3",
        ".wait 3000ms",
        "put k v3",
        "get k --print-value-only",
    ];
    let script: Vec<&str> = (calm.iter().map(String::as_str)).chain(faults).collect();
    let started = Instant::now();
    let real = real(&cluster, &script, "2s");
    let sim = simulated(&script, "2s");
    drop(cluster);
    eprintln!("both runs took {:?}", started.elapsed());
    assert!(real.stdout.contains("OK\n"), "the real side ran: {real:?}");
    assert!(
        real.stderr.contains("Error: context deadline exceeded"),
        "quorum was lost on the real side: {real:?}"
    );
    assert!(
        real.stdout == sim.stdout,
        "{}",
        diff("stdout", &real.stdout, &sim.stdout)
    );
    assert!(
        real.stderr == sim.stderr,
        "{}",
        diff("stderr", &real.stderr, &sim.stderr)
    );
}
