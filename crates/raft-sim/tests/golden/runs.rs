//! The runs whose trace hashes are pinned in `traces.txt`, shared by the
//! native and the browser determinism tests.

use raft_sim::scenario::{parse, run_script};
use raft_sim::workload::{run, Faults, RunConfig};

const GOLDEN: &str = include_str!("traces.txt");

const SCRIPTS: [(&str, &str); 4] = [
    (
        "minority-leader.txt",
        include_str!("../scenarios/minority-leader.txt"),
    ),
    (
        "membership.txt",
        include_str!("../scenarios/membership.txt"),
    ),
    (
        "stale-read.txt",
        include_str!("../scenarios/stale-read.txt"),
    ),
    (
        "snapshot-catch-up.txt",
        include_str!("../scenarios/snapshot-catch-up.txt"),
    ),
];

/// `(run name, expected hash)` pairs from the golden file.
pub fn golden() -> Vec<(String, String)> {
    GOLDEN
        .lines()
        .filter(|l| !l.trim().is_empty() && !l.starts_with('#'))
        .map(|l| {
            let (name, hash) = l.rsplit_once(' ').expect("'name hash' lines");
            (name.to_string(), hash.to_string())
        })
        .collect()
}

/// The trace hash of a named run: a script file name, or
/// `chaos seed=S secs=T nodes=N`.
pub fn hash_of(name: &str) -> String {
    if let Some(src) = SCRIPTS.iter().find(|(n, _)| *n == name).map(|(_, s)| s) {
        let scenario = parse(src).expect("golden scripts parse");
        let (runner, outcome) = run_script(&scenario).expect("cluster builds");
        assert_eq!(outcome.failure, None, "{name}");
        return runner.cluster.trace().hash_hex();
    }
    let mut cfg = RunConfig {
        faults: Faults::Chaos,
        ..Default::default()
    };
    for part in name.split_whitespace().skip(1) {
        let (k, v) = part.split_once('=').expect("key=value");
        let v: u64 = v.parse().expect("a number");
        match k {
            "seed" => cfg.seed = v,
            "secs" => cfg.secs = v,
            "nodes" | "members" => cfg.members = v,
            _ => panic!("unknown golden run option {k}"),
        }
    }
    run(&cfg).expect("valid run").trace_hash
}
