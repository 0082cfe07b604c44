//! The properties the course teaches, checked on the real cluster, that
//! need many seeds or loops. The stories (leader transfer, a one-way cut,
//! holding and dropping one message, watches) are scripts under
//! tests/scenarios/ with golden transcripts.

use raft_sim::workload::{run, Faults, RunConfig};
use raft_sim::{Action, ClientOp, Cluster, ClusterConfig, MemberChange, NodeId, ReadMode, Role};

fn cluster(members: u64, seed: u64) -> Cluster {
    Cluster::new(ClusterConfig {
        seed,
        members,
        ..Default::default()
    })
    .unwrap()
}

fn elect(c: &mut Cluster) -> NodeId {
    let deadline = c.now() + 10_000;
    assert!(c.run_until(deadline, |c| c.leader().is_some()), "no leader");
    c.leader().unwrap()
}

/// Sends a write to the current leader (or n1) and reports whether it
/// committed within `ms`.
fn write_commits(c: &mut Cluster, key: &str, ms: u64) -> bool {
    let target = c
        .leader()
        .or_else(|| {
            c.member_ids()
                .into_iter()
                .find(|&n| c.member(n).unwrap().is_up())
        })
        .unwrap();
    let op = c
        .apply(Action::Client {
            client: 0,
            node: target,
            op: ClientOp::Put {
                key: key.into(),
                value: "v".into(),
            },
            mode: ReadMode::Linearizable,
        })
        .unwrap()
        .unwrap();
    let deadline = c.now() + ms;
    c.run_until(deadline, |c| c.op(op).unwrap().result.is_some());
    c.op(op).unwrap().is_ok()
}

#[test]
fn clusters_tolerate_a_minority_down_and_stop_with_a_majority_down() {
    // quorum = n/2+1: 3, 5, 7 tolerate 1, 2, 3 failures; 4 tolerates 1.
    for (n, tolerated) in [(3, 1), (4, 1), (5, 2), (7, 3)] {
        let mut c = cluster(n, 100 + n);
        let leader = elect(&mut c);
        assert!(write_commits(&mut c, "before", 3_000), "n={n}");
        // Crash followers first, then the leader: elections must still work.
        let mut victims: Vec<NodeId> = c
            .member_ids()
            .into_iter()
            .filter(|&m| m != leader)
            .collect();
        victims.push(leader);
        for &v in &victims[..tolerated as usize] {
            c.apply(Action::Crash { node: v }).unwrap();
        }
        elect(&mut c);
        assert!(c.quorum_available(), "n={n}");
        assert!(
            write_commits(&mut c, "tolerated", 5_000),
            "n={n} with {tolerated} down"
        );

        c.apply(Action::Crash {
            node: victims[tolerated as usize],
        })
        .unwrap();
        assert!(!c.quorum_available(), "n={n}");
        c.advance(3_000);
        assert!(
            !write_commits(&mut c, "lost", 5_000),
            "n={n} committed without quorum"
        );
        assert!(c.violations().is_empty());
    }
}

#[test]
fn same_seed_same_trace_different_seed_different_trace() {
    let cfg = |seed| RunConfig {
        seed,
        secs: 15,
        faults: Faults::Chaos,
        ..Default::default()
    };
    let a = run(&cfg(9)).unwrap();
    let b = run(&cfg(9)).unwrap();
    let c = run(&cfg(10)).unwrap();
    assert_eq!(a.trace_hash, b.trace_hash);
    assert_eq!(a.trace_events, b.trace_events);
    assert_ne!(a.trace_hash, c.trace_hash);
}

/// Chaos runs of `members` voters for `seeds`; each failure names the seed
/// to rerun: `raft-sim run --seed S --members M --secs T --faults chaos
/// --events 300`.
fn chaos_failures(members: u64, secs: u64, seeds: std::ops::RangeInclusive<u64>) -> Vec<String> {
    let mut failures = Vec::new();
    for seed in seeds {
        let r = run(&RunConfig {
            seed,
            members,
            secs,
            faults: Faults::Chaos,
            ..Default::default()
        })
        .unwrap();
        if !r.passed() {
            failures.push(format!(
                "seed {seed}: {:?} {:?}",
                r.safety_violations, r.linearizability_failures
            ));
        }
        assert!(r.client_ops_ok > 0, "seed {seed} served nothing");
    }
    failures
}

#[test]
fn chaos_sweep_finds_no_violation() {
    // 200 seeds of crashes, partitions (one-way too), loss, duplication and
    // membership changes.
    let failures = chaos_failures(3, 20, 1..=200);
    assert!(failures.is_empty(), "{failures:#?}");
}

#[test]
fn a_leader_resends_a_snapshot_refused_by_a_cut_link() {
    // Seed 5237, 9 voters: at 22,740 ms the leader n8's MsgSnapshot to n3
    // met a cut link. Nobody told n8's Raft, so n3's progress stayed in the
    // Snapshot state, paused, and n8 never sent n3 anything again after the
    // heal: n3 stayed at applied 200 while the others reached 293.
    let r = run(&RunConfig {
        seed: 5237,
        members: 9,
        secs: 40,
        faults: Faults::Chaos,
        ..Default::default()
    })
    .unwrap();
    assert!(r.passed(), "{:?}", r.safety_violations);
}

#[test]
fn a_leader_resends_a_snapshot_dropped_by_hand() {
    let mut c = Cluster::new(ClusterConfig {
        seed: 71,
        members: 3,
        raft: raft_sim::RaftSettings {
            snapshot_threshold: 5,
            ..Default::default()
        },
        ..Default::default()
    })
    .unwrap();
    let leader = elect(&mut c);
    let behind = c.member_ids().into_iter().find(|&n| n != leader).unwrap();
    c.apply(Action::Crash { node: behind }).unwrap();
    for i in 0..12 {
        assert!(write_commits(&mut c, &format!("k{i}"), 3_000));
    }
    c.apply(Action::Restart { node: behind }).unwrap();
    let snapshot = |c: &Cluster| {
        c.network()
            .in_flight()
            .find(|m| m.kind == raft_sim::MsgKind::Snapshot && m.to == behind)
            .map(|m| m.id)
    };
    let deadline = c.now() + 5_000;
    assert!(c.run_until(deadline, |c| snapshot(c).is_some()));
    c.apply(Action::Drop {
        msg: snapshot(&c).unwrap(),
    })
    .unwrap();
    let caught_up = |c: &Cluster| {
        let applied = |n| c.member(n).unwrap().live().unwrap().applied();
        applied(behind) == applied(leader)
    };
    let deadline = c.now() + 5_000;
    assert!(
        c.run_until(deadline, caught_up),
        "n{behind} never caught up"
    );
}

#[test]
fn chaos_with_nine_voters_finds_no_violation() {
    // Nine voters make more one-sided partitions and more snapshots in
    // flight than the 3-voter sweep above (seed 5237 was found this way).
    // A longer sweep: `raft-sim sweep --seeds 1000 --members 9 --secs 40
    // --faults chaos`.
    let failures = chaos_failures(9, 40, 1..=5);
    assert!(failures.is_empty(), "{failures:#?}");
}

#[test]
fn members_join_and_leave_while_writes_continue() {
    let mut c = cluster(3, 77);
    elect(&mut c);
    let mut ops = Vec::new();
    let steps: [(MemberChange, NodeId); 4] = [
        (MemberChange::AddLearner, 4),
        (MemberChange::AddVoter, 4),
        (MemberChange::Remove, 1),
        (MemberChange::AddVoter, 5),
    ];
    for (i, (change, node)) in steps.into_iter().enumerate() {
        // Keep writing through every running member while membership moves.
        for round in 0..20 {
            let targets: Vec<NodeId> = c
                .member_ids()
                .into_iter()
                .filter(|&n| c.member(n).unwrap().is_up())
                .collect();
            let node_for_write = targets[round % targets.len()];
            let op = c
                .apply(Action::Client {
                    client: round as u64 % 3,
                    node: node_for_write,
                    op: ClientOp::Put {
                        key: format!("/registry/k{}", round % 4),
                        value: format!("{i}-{round}"),
                    },
                    mode: ReadMode::Linearizable,
                })
                .unwrap()
                .unwrap();
            ops.push(op);
            if round == 5 {
                let deadline = c.now() + 5_000;
                assert!(c.run_until(deadline, |c| c.leader().is_some()));
                c.apply(Action::ChangeMembership {
                    changes: vec![(change, node)],
                })
                .unwrap_or_else(|e| panic!("{change:?} n{node}: {e}"));
            }
            c.advance(30);
        }
        let deadline = c.now() + 5_000;
        let done = |c: &Cluster| match change {
            MemberChange::AddLearner => c.membership().learners.contains(&node),
            MemberChange::AddVoter => c.membership().voters.contains(&node),
            MemberChange::Remove => !c.membership().voters.contains(&node),
        };
        assert!(
            c.run_until(deadline, done),
            "{change:?} n{node} never applied"
        );
    }
    c.advance(3_000);
    assert_eq!(c.voters(), vec![2, 3, 4, 5]);
    assert_eq!(c.role(1), Some(Role::Removed));
    let ok = ops.iter().filter(|&&o| c.op(o).unwrap().is_ok()).count();
    assert!(
        ok >= ops.len() * 9 / 10,
        "{ok} of {} writes committed",
        ops.len()
    );
    // Every voter ends with the same store.
    let hashes: Vec<u64> = c
        .voters()
        .iter()
        .map(|&n| c.kv(n).unwrap().content_hash())
        .collect();
    assert!(hashes.windows(2).all(|w| w[0] == w[1]), "{hashes:?}");
    assert!(c.violations().is_empty(), "{:?}", c.violations());
    assert!(c.linearizability().linearizable);
}

#[test]
fn a_wiped_member_is_replaced_by_a_new_one_that_catches_up_by_snapshot() {
    let mut cfg = ClusterConfig {
        seed: 8,
        members: 3,
        ..Default::default()
    };
    cfg.raft.snapshot_threshold = 5;
    let mut c = Cluster::new(cfg).unwrap();
    elect(&mut c);
    for i in 0..12 {
        assert!(write_commits(&mut c, &format!("k{i}"), 3_000));
    }
    c.apply(Action::WipeAndRejoin { node: 2 }).unwrap();
    assert_eq!(c.replacement(), Some((2, 4)));
    let deadline = c.now() + 10_000;
    assert!(c.run_until(deadline, |c| c.replacement().is_none()
        && c.voters() == vec![1, 3, 4]));
    let deadline = c.now() + 5_000;
    assert!(c.run_until(deadline, |c| c.kv(4).is_some_and(|kv| kv.len() == 12)));
    let installed = c.trace().recent().any(|e| {
        matches!(
            e.kind,
            raft_sim::EventKind::SnapshotInstalled { node: 4, .. }
        )
    });
    assert!(installed, "n4 should have caught up by snapshot");
    // The old id is never reused.
    let again = c.apply(Action::ChangeMembership {
        changes: vec![(MemberChange::AddVoter, 2)],
    });
    assert!(again.unwrap_err().to_string().contains("never reused"));
}
