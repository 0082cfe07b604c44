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
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use raft_sim::console::command::words;

mod real_etcd;
use real_etcd::RealEtcd;

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
    let cluster = RealEtcd::start("etcd-diff", CLIENT_BASE, PEER_BASE, MEMBERS);
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
