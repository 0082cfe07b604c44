//! The differential tests: etcdctl scripts run against a real etcd 3.4
//! cluster (three members on loopback, static bootstrap) and through the
//! console given the same URLs. The outputs must be equal after
//! normalizing only what differs by nature: times ("took = …"), etcdctl's
//! JSON log lines on stderr, which the console does not reproduce, and
//! what each test names.
//!
//! 1. put/get/del, member list and endpoint commands through `raft-sim
//!    console`, with faults (members stopped with SIGSTOP there, crashed
//!    here) until quorum is lost and after they come back.
//! 2. txn, compaction, watch from a past revision, member add (the new
//!    member started from what etcdctl printed), promote, remove and
//!    move-leader, through the console in this process.
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
/// (this test's own range, below Linux's ephemeral ports: see
/// `real_etcd`).
const CLIENT_BASE: u16 = 23480;
const PEER_BASE: u16 = 23490;
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

/// The second cluster's ports (etcd-4 joins it).
const CLIENT_BASE_2: u16 = 23460;
const PEER_BASE_2: u16 = 23470;

/// The line that stands for "the id `member add` printed" in a script:
/// each side substitutes its own (etcd draws it from the wall clock).
const NEW_ID: &str = "$NEW";

/// The id in `Member 8e9e05c52164694d added to cluster …`.
fn added_id(stdout: &str) -> Option<String> {
    let rest = stdout.split("Member ").nth(1)?;
    let (id, tail) = rest.split_once(' ')?;
    tail.starts_with("added").then(|| id.trim().to_string())
}

/// Runs a script on the real cluster, as [`real`] does, and also: a `txn`
/// line's following lines (the script item holds them) go to etcdctl's
/// stdin; `watch` runs etcdctl in the background until `.cancel`, which
/// stops it with SIGTERM and prints what it printed; `member add` also
/// starts the new member from the variables etcdctl printed, as an
/// operator would.
fn real_2(cluster: &mut RealEtcd, script: &[&str], timeout: &str) -> (Printed, String) {
    let mut p = Printed::default();
    let mut new_id = String::new();
    let mut watches = Vec::new();
    for item in script {
        let (line, stdin) = item.split_once('\n').unwrap_or((item, ""));
        let line = line.replace(NEW_ID, &new_id);
        let w = words(&line).unwrap();
        let etcdctl = |w: &[String]| {
            let mut cmd = Command::new("etcdctl");
            cmd.arg(format!("--command-timeout={timeout}"));
            if !line.contains("--endpoints") {
                cmd.arg(format!("--endpoints={}", cluster.client_url(1)));
            }
            cmd.args(w);
            cmd
        };
        match w.first().map(String::as_str) {
            Some(".wait") => {
                std::thread::sleep(Duration::from_millis(
                    w[1].trim_end_matches("ms").parse().unwrap(),
                ));
                cluster.wait_started(1..=MEMBERS);
            }
            Some(".cancel") => {
                std::thread::sleep(Duration::from_millis(500));
                for child in watches.drain(..) {
                    let child: std::process::Child = child;
                    let _ = Command::new("kill")
                        .args(["-TERM", &child.id().to_string()])
                        .status();
                    let out = child.wait_with_output().unwrap();
                    p.stdout.push_str(&String::from_utf8_lossy(&out.stdout));
                    p.stderr.push_str(&String::from_utf8_lossy(&out.stderr));
                }
            }
            Some("watch") => {
                let child = etcdctl(&w)
                    .stdout(Stdio::piped())
                    .stderr(Stdio::piped())
                    .spawn()
                    .unwrap();
                watches.push(child);
            }
            _ => {
                let mut child = etcdctl(&w)
                    .stdin(Stdio::piped())
                    .stdout(Stdio::piped())
                    .stderr(Stdio::piped())
                    .spawn()
                    .unwrap();
                // The input is written and closed (end of file) before the
                // output is read.
                {
                    let mut input = child.stdin.take().unwrap();
                    if !stdin.is_empty() {
                        input.write_all(format!("{stdin}\n").as_bytes()).unwrap();
                    }
                }
                let out = child.wait_with_output().unwrap();
                let stdout = String::from_utf8_lossy(&out.stdout).into_owned();
                if let Some(id) = added_id(&stdout) {
                    new_id = id;
                    let var = |name: &str| {
                        let at = stdout.find(&format!("{name}=\"")).unwrap() + name.len() + 2;
                        stdout[at..].split('"').next().unwrap().to_string()
                    };
                    let k: u16 = var("ETCD_NAME")
                        .trim_start_matches("etcd-")
                        .parse()
                        .unwrap();
                    let env = cluster.member_env(k, "existing", &var("ETCD_INITIAL_CLUSTER"));
                    cluster.spawn_joining(k, &env);
                }
                p.stdout.push_str(&stdout);
                p.stderr.push_str(&String::from_utf8_lossy(&out.stderr));
            }
        }
    }
    p.stderr = normalize(&p.stderr);
    (p, new_id)
}

/// Runs the same script through the console in this process, so that
/// `$NEW` can stand for the id the console gave the added member.
fn simulated_2(cluster: &RealEtcd, script: &[&str], timeout_ms: u64) -> (Printed, String) {
    use raft_sim::cluster::{Cluster, ClusterConfig};
    use raft_sim::console::Console;
    use raft_sim::deploy::{Deployment, Urls};
    use raft_sim::member::RaftSettings;

    let mut deployment = Deployment::default();
    for k in 1..=MEMBERS + 1 {
        let urls = Urls {
            client: cluster.client_url(k),
            peer: cluster.peer_url(k),
        };
        deployment.urls.insert(u64::from(k), urls);
    }
    let config = ClusterConfig {
        seed: 1,
        members: u64::from(MEMBERS),
        raft: RaftSettings {
            request_timeout_ms: timeout_ms,
            ..RaftSettings::default()
        },
        ..ClusterConfig::default()
    };
    let mut c = Cluster::new(config).unwrap();
    let mut console = Console::new(deployment);
    let mut p = Printed::default();
    let mut new_id = String::new();
    for item in script {
        let mut printed = Vec::new();
        for (i, line) in item.split('\n').enumerate() {
            let line = if i == 0 {
                line.replace(NEW_ID, &new_id)
            } else {
                line.to_string()
            };
            printed.extend(console.submit(&mut c, &line));
            while console.busy() {
                c.advance(1);
                printed.extend(console.poll(&mut c));
            }
        }
        for x in printed {
            if let Some(id) = added_id(&x.text) {
                new_id = id;
            }
            let to = if x.stderr {
                &mut p.stderr
            } else {
                &mut p.stdout
            };
            to.push_str(&x.text);
        }
    }
    p.stderr = normalize(&p.stderr);
    (p, new_id)
}

/// What differs by nature between the two sides of the second script:
/// the added member's id (etcd draws it from the wall clock) and the
/// member that led before `move-leader` (the first election is random).
fn normalize_2(text: &str, new_id: &str) -> String {
    let text = if new_id.is_empty() {
        text.to_string()
    } else {
        text.replace(new_id, "NEW")
    };
    // etcd lists members by id, and the added member's id differs, so
    // its place does too: rows of one listing are compared in sorted order.
    let row = |l: &str| {
        let l = l.trim_start_matches("| ");
        l.starts_with("NEW") || l.get(16..18).is_some_and(|sep| sep == ", " || sep == " |")
    };
    let mut out = String::new();
    let mut rows: Vec<String> = Vec::new();
    for l in text.lines() {
        if row(l) {
            rows.push(format!("{l}\n"));
            continue;
        }
        rows.sort();
        out.extend(rows.drain(..));
        let l = match l.strip_prefix("Leadership transferred from ") {
            Some(rest) => format!(
                "Leadership transferred from L to {}",
                rest.split(" to ").nth(1).unwrap_or_default()
            ),
            None => match l.strip_prefix("ETCD_INITIAL_CLUSTER=") {
                Some(list) => {
                    let mut members: Vec<&str> = list.trim_matches('"').split(',').collect();
                    members.sort_unstable();
                    format!("ETCD_INITIAL_CLUSTER=\"{}\"", members.join(","))
                }
                None => l.to_string(),
            },
        };
        out.push_str(&l);
        out.push('\n');
    }
    rows.sort();
    out.extend(rows);
    out
}

#[test]
fn txn_compaction_watch_and_membership_changes_say_what_real_etcd_says() {
    let mut cluster = RealEtcd::start("etcd-diff-2", CLIENT_BASE_2, PEER_BASE_2, MEMBERS);
    let all: Vec<String> = (1..=MEMBERS).map(|k| cluster.client_url(k)).collect();
    let all = format!("--endpoints={}", all.join(","));
    let etcd_2 = raft_sim::deploy::Deployment {
        urls: (1..=MEMBERS)
            .map(|k| {
                let urls = raft_sim::deploy::Urls {
                    client: cluster.client_url(k),
                    peer: cluster.peer_url(k),
                };
                (u64::from(k), urls)
            })
            .collect(),
        ..Default::default()
    }
    .member_id(2);
    let add = format!(
        "member add etcd-4 --peer-urls={} --learner",
        cluster.peer_url(4)
    );
    let move_leader = format!("move-leader {etcd_2:x} {all}");
    let status = format!("endpoint status {all} -w table");
    let script: Vec<&str> = vec![
        "put /t/a 1",
        "put /t/b 2",
        "txn\nvalue(\"/t/a\") = \"1\"\n\nput /t/a 10\nget /t/ --prefix\ndel /t/b\n\nput /t/a fail\n\n",
        "txn -w json\nmod(\"/t/a\") > \"100\"\nversion(\"/t/b\") = \"0\"\n\nput /t/c yes\n\nget /t/a\nput /t/c no\n\n",
        "txn -w fields\ncreate(\"/t/c\") != \"0\"\n\ndel /t/ --prefix\nget /t/a\n\n\n",
        "txn\nbogus compare\n\n\n",
        "txn\nvalue(\"/t/a\") = \"1\"\n\nfrob x\n\n",
        "put /t/d 4",
        "watch --prefix /t/ --rev 3",
        ".cancel",
        "watch /t/a --rev 2 -w json",
        ".cancel",
        "compaction 5",
        "compaction 5",
        "compaction 100",
        "get /t/a --rev 4",
        "watch /t/ --prefix --rev 2",
        ".cancel",
        // etcd takes a member add only once the member has been connected to
        // every voter for 5 s (the console too; not compared here, as when
        // the real cluster reaches this line depends on the machine's load).
        ".wait 5000ms",
        &add,
        ".wait 2000ms",
        "member list",
        "member promote $NEW",
        "member list -w table",
        &move_leader,
        &status,
        "member remove $NEW",
        "member list",
        "member remove $NEW",
    ];
    let started = Instant::now();
    let (real, real_id) = real_2(&mut cluster, &script, "3s");
    let (sim, sim_id) = simulated_2(&cluster, &script, 3_000);
    drop(cluster);
    eprintln!("both runs took {:?}", started.elapsed());
    assert!(
        !real_id.is_empty() && !sim_id.is_empty(),
        "both added etcd-4"
    );
    let (real_out, sim_out) = (
        normalize_2(&real.stdout, &real_id),
        normalize_2(&sim.stdout, &sim_id),
    );
    let (real_err, sim_err) = (
        normalize_2(&real.stderr, &real_id),
        normalize_2(&sim.stderr, &sim_id),
    );
    assert!(real_out.contains("SUCCESS"), "the real side ran: {real:?}");
    // endpoint status: raft indexes and DB size differ by nature (see the
    // first test), and so does the term: when the first election already
    // chose etcd-2, move-leader keeps the term; compare the rest.
    let masked = |t: &str| -> String {
        t.lines()
            .map(|l| {
                let cells: Vec<&str> = l.split('|').collect();
                if cells.len() == 12 && !l.contains("ENDPOINT") {
                    let mut c: Vec<String> = cells.iter().map(|s| s.to_string()).collect();
                    for i in [4, 7, 8, 9] {
                        c[i] = " ~ ".into();
                    }
                    c.join("|") + "\n"
                } else if l.starts_with('+') && l.matches('+').count() == 11 {
                    "+rule+\n".into()
                } else {
                    format!("{l}\n")
                }
            })
            .collect()
    };
    let (real_out, sim_out) = (masked(&real_out), masked(&sim_out));
    assert!(
        real_out == sim_out,
        "{}",
        diff("stdout", &real_out, &sim_out)
    );
    assert!(
        real_err == sim_err,
        "{}",
        diff("stderr", &real_err, &sim_err)
    );
}
