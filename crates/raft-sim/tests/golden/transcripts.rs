//! Every scenario script with its golden transcript, compiled in so that the
//! browser test can check them too (transcripts must be the same natively
//! and under wasm32). `tests/scenarios.rs` checks this list is complete.

macro_rules! scripts {
    ($($name:literal,)*) => {
        &[$((
            $name,
            include_str!(concat!("../scenarios/", $name, ".txt")),
            include_str!(concat!("../scenarios/", $name, ".out")),
        ),)*]
    };
}

/// `(name, script, golden transcript)` for every script.
pub const SCRIPTS: &[(&str, &str, &str)] = scripts!(
    "checkquorum",
    "compaction",
    "confchange-v1-add-single",
    "confchange-v1-remove-single",
    "confchange-v2-joint",
    "hold-release-drop",
    "lagging-commit",
    "leader-crash",
    "leader-transfer",
    "lease-read-stale",
    "lossy-network",
    "membership",
    "minority-leader",
    "no-prevote-rejoin",
    "one-way-cut",
    "prevote-rejoin",
    "quorum-loss",
    "slow-follower-after-compaction",
    "snapshot-catch-up",
    "stale-read",
    "watch",
);

/// The transcript a script gives now.
pub fn transcript_of(src: &str) -> String {
    let scenario = raft_sim::scenario::parse(src).expect("golden scripts parse");
    let (_, outcome) = raft_sim::scenario::run_script(&scenario).expect("cluster builds");
    raft_sim::scenario::transcript(&scenario, &outcome)
}
