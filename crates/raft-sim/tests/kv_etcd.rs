//! The KV as etcd counts it, on the real cluster: compaction goes through
//! the log to every member, a watch survives the members that serve it
//! without skipping or repeating a change, and etcd's richer requests
//! (delete ranges, transactions, limited reads, compactions) under faults
//! leave a history the linearizability checker accepts.

use raft_sim::kv::{
    Compare, CompareOp, CompareTarget, RangeEnd, RangeRequest, TxnOp, TxnRequest, WatchEvent,
};
use raft_sim::{
    Action, ClientError, ClientOp, Cluster, ClusterConfig, EventKind, NodeId, OpResult, ReadMode,
    Reply,
};

fn cluster(members: u64, seed: u64) -> Cluster {
    let mut c = Cluster::new(ClusterConfig {
        seed,
        members,
        ..Default::default()
    })
    .unwrap();
    assert!(c.run_until(10_000, |c| c.leader().is_some()), "no leader");
    c
}

/// The leader, or some running member.
fn target(c: &Cluster) -> NodeId {
    c.leader()
        .or_else(|| (c.member_ids().into_iter()).find(|&n| c.member(n).unwrap().live().is_some()))
        .expect("a running member")
}

fn send(c: &mut Cluster, node: NodeId, op: ClientOp, mode: ReadMode) -> u64 {
    c.apply(Action::Client {
        client: 0,
        node,
        op,
        mode,
    })
    .unwrap()
    .unwrap()
}

fn wait(c: &mut Cluster, op: u64) -> OpResult {
    let deadline = c.now() + 5_000;
    c.run_until(deadline, |c| c.op(op).unwrap().result.is_some());
    c.op(op).unwrap().result.clone().expect("answered")
}

fn put(c: &mut Cluster, key: &str, value: &str) -> OpResult {
    let node = target(c);
    let op = ClientOp::Put {
        key: key.into(),
        value: value.into(),
    };
    let id = send(c, node, op, ReadMode::Linearizable);
    wait(c, id)
}

#[test]
fn compaction_reaches_every_member_through_the_log() {
    let mut c = cluster(3, 21);
    for v in ["1", "2", "3", "4"] {
        assert!(matches!(put(&mut c, "/k", v), OpResult::Ok { .. }));
    }
    // n1 is down when the compaction commits; it learns of it on restart,
    // from the log like any other write.
    let leader = c.leader().unwrap();
    let down = (c.member_ids().into_iter()).find(|&n| n != leader).unwrap();
    c.apply(Action::Crash { node: down }).unwrap();
    let id = send(
        &mut c,
        leader,
        ClientOp::Compact { revision: 4 },
        ReadMode::Linearizable,
    );
    assert_eq!(
        wait(&mut c, id),
        OpResult::Ok {
            reply: Reply::Compact { revision: 5 }
        }
    );
    c.apply(Action::Restart { node: down }).unwrap();
    let deadline = c.now() + 5_000;
    assert!(c.run_until(deadline, |c| c.converged().is_ok()));
    for n in c.member_ids() {
        let kv = c.kv(n).unwrap();
        assert_eq!(kv.compact_revision(), 4, "n{n}");
        let at = |rev| {
            kv.range(&RangeRequest {
                revision: rev,
                ..RangeRequest::key("/k")
            })
        };
        assert!(at(3).is_err(), "n{n} still reads revision 3");
        assert_eq!(at(4).unwrap().kvs[0].value, "3", "n{n}");
        // A serializable read at a compacted revision fails as etcd's.
        let old = ClientOp::RangeRequest(RangeRequest {
            revision: 2,
            ..RangeRequest::key("/k")
        });
        let id = send(&mut c, n, old, ReadMode::Serializable);
        assert_eq!(
            c.op(id).unwrap().result,
            Some(OpResult::Err {
                error: ClientError::Compacted {
                    compact_revision: 4
                }
            })
        );
    }
}

/// Every change under `prefix` a store holds from `from` on.
fn changes(c: &Cluster, node: NodeId, prefix: &str, from: u64) -> Vec<WatchEvent> {
    (c.kv(node).unwrap())
        .events_since(from, |k| k.starts_with(prefix))
        .unwrap()
}

#[test]
fn a_watch_survives_its_members_and_skips_and_repeats_nothing() {
    for seed in [3, 8, 13] {
        let mut c = cluster(5, seed);
        let leader = c.leader().unwrap();
        let follower = (c.member_ids().into_iter()).find(|&n| n != leader).unwrap();
        let from = c.kv(follower).unwrap().revision() + 1;
        let watch = c
            .apply(Action::Watch {
                node: follower,
                key: "/w/".into(),
                prefix: true,
                start_revision: 0,
            })
            .unwrap()
            .unwrap();
        let mut crashed = Vec::new();
        for i in 0..120u64 {
            let node = target(&c);
            let op = if i % 17 == 16 {
                ClientOp::DeleteRange {
                    key: "/w/".into(),
                    end: RangeEnd::Prefix,
                }
            } else {
                ClientOp::Put {
                    key: format!("/w/k{}", i % 5),
                    value: format!("v{i}"),
                }
            };
            send(&mut c, node, op, ReadMode::Linearizable);
            if i % 7 == 0 {
                send(
                    &mut c,
                    node,
                    ClientOp::Put {
                        key: "/elsewhere".into(),
                        value: format!("{i}"),
                    },
                    ReadMode::Linearizable,
                );
            }
            // Crash whichever member serves the watch now, twice; later
            // bring them back.
            if i == 30 || i == 60 {
                let serving = c.watches().find(|w| w.id == watch).unwrap().node;
                c.apply(Action::Crash { node: serving }).unwrap();
                crashed.push(serving);
            }
            if i == 90 {
                for &n in &crashed {
                    c.apply(Action::Restart { node: n }).unwrap();
                }
            }
            c.advance(25);
        }
        let deadline = c.now() + 10_000;
        assert!(
            c.run_until(deadline, |c| c.converged().is_ok()),
            "seed {seed}"
        );
        c.advance(1_000);
        let w = c.watches().find(|w| w.id == watch).unwrap().clone();
        let want = changes(&c, w.node, "/w/", from);
        assert!(want.len() > 100, "seed {seed}: only {} changes", want.len());
        assert_eq!(w.seen, want.len() as u64, "seed {seed}: seen");
        let kept = &want[want.len() - w.events.len()..];
        assert_eq!(w.events, kept, "seed {seed}: a change skipped or repeated");
        let moves = (c.trace().since(0))
            .filter(|e| matches!(e.kind, EventKind::WatchMoved { watch: id, .. } if id == watch))
            .count();
        assert_eq!(moves, 2, "seed {seed}");
    }
}

#[test]
fn a_watch_with_no_member_running_waits_for_one() {
    let mut c = cluster(3, 5);
    let leader = c.leader().unwrap();
    let watch = c
        .apply(Action::Watch {
            node: leader,
            key: "/k".into(),
            prefix: false,
            start_revision: 0,
        })
        .unwrap()
        .unwrap();
    put(&mut c, "/k", "1");
    for n in c.member_ids() {
        c.apply(Action::Crash { node: n }).unwrap();
    }
    assert!(c.watches().next().unwrap().waiting);
    c.apply(Action::Restart { node: 2 }).unwrap();
    let w = c.watches().next().unwrap();
    assert!(!w.waiting);
    assert_eq!(w.node, 2);
    for n in [1, 3] {
        c.apply(Action::Restart { node: n }).unwrap();
    }
    assert!(c.run_until(c.now() + 10_000, |c| c.leader().is_some()));
    put(&mut c, "/k", "2");
    c.advance(1_000);
    let w = c.watches().find(|w| w.id == watch).unwrap();
    let values: Vec<&str> = w.events.iter().map(|e| e.kv.value.as_str()).collect();
    assert_eq!(values, vec!["1", "2"]);
}

/// A small deterministic generator (the test's own, so the cluster's
/// seeded one is not disturbed).
struct Lcg(u64);

impl Lcg {
    fn next(&mut self, n: u64) -> u64 {
        self.0 = self
            .0
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        (self.0 >> 33) % n
    }
}

fn random_op(r: &mut Lcg, i: u64) -> (ClientOp, ReadMode) {
    let key = |r: &mut Lcg| format!("/r/{}", r.next(8));
    let mode = ReadMode::Linearizable;
    let op = match r.next(9) {
        0 | 1 => ClientOp::Put {
            key: key(r),
            value: format!("v{i}"),
        },
        2 => ClientOp::Delete { key: key(r) },
        3 => ClientOp::DeleteRange {
            key: "/r/".into(),
            end: RangeEnd::To(format!("/r/{}", 1 + r.next(2))),
        },
        4 => ClientOp::Txn(TxnRequest {
            compare: vec![Compare {
                key: key(r),
                end: RangeEnd::Key,
                op: CompareOp::Greater,
                target: CompareTarget::Version(r.next(3) as i64),
            }],
            success: vec![
                TxnOp::Put {
                    key: key(r),
                    value: format!("t{i}"),
                },
                TxnOp::Range(RangeRequest::prefix("/r/")),
            ],
            failure: vec![
                TxnOp::DeleteRange {
                    key: key(r),
                    end: RangeEnd::Key,
                },
                TxnOp::Put {
                    key: key(r),
                    value: format!("f{i}"),
                },
            ],
        }),
        5 => ClientOp::RangeRequest(RangeRequest {
            limit: 1 + r.next(3),
            ..RangeRequest::prefix("/r/")
        }),
        6 => ClientOp::Txn(TxnRequest {
            success: vec![TxnOp::Range(RangeRequest::prefix("/r/"))],
            ..Default::default()
        }),
        7 => ClientOp::Get { key: key(r) },
        _ => ClientOp::Compact {
            revision: 1 + r.next(2 * i + 1),
        },
    };
    (op, mode)
}

#[test]
fn etcd_requests_under_faults_stay_linearizable() {
    for seed in 1..=8 {
        let mut c = cluster(3, 40 + seed);
        let mut r = Lcg(seed);
        let ids = c.member_ids();
        for i in 0..240u64 {
            let (op, mode) = random_op(&mut r, i);
            // Mostly to the leader, some to any member: requests to a cut-off
            // member time out with an unknown outcome, and each one of
            // those multiplies the orders the checker must try.
            let node = match r.next(4) {
                0 => ids[r.next(ids.len() as u64) as usize],
                _ => target(&c),
            };
            if c.member(node).unwrap().live().is_some() {
                // A client that waits a little for each answer: requests
                // overlap while members are down, but not dozens at once
                // (the checker's search grows with how many overlap).
                let id = send(&mut c, node, op, mode);
                let deadline = c.now() + 300;
                c.run_until(deadline, |c| c.op(id).unwrap().result.is_some());
            }
            match i % 80 {
                10 => {
                    let victim = ids[r.next(3) as usize];
                    let _ = c.apply(Action::Crash { node: victim });
                }
                30 => {
                    for &n in &ids {
                        let _ = c.apply(Action::Restart { node: n });
                    }
                }
                40 => {
                    let victim = ids[r.next(3) as usize];
                    let _ = c.apply(Action::Isolate { node: victim });
                }
                50 => {
                    let _ = c.apply(Action::HealAll);
                }
                _ => {}
            }
            c.advance(10 + r.next(40));
        }
        c.advance(10_000);
        let report = c.linearizability();
        assert!(report.linearizable, "seed {seed}: {:?}", report.failures);
        // Decided, not given up on: the check really ran.
        assert!(
            report.undecided.is_empty(),
            "seed {seed}: {:?}",
            report.undecided
        );
        assert!(report.ops > 200, "seed {seed}: {} ops checked", report.ops);
        assert!(c.violations().is_empty(), "seed {seed}");
        let kinds = |f: fn(&ClientOp) -> bool| c.history().iter().filter(|h| f(&h.op)).count();
        assert!(kinds(|op| matches!(op, ClientOp::Txn(_))) > 20);
        let compacted = c.history().iter().any(|h| {
            matches!(
                h.result,
                Some(OpResult::Ok {
                    reply: Reply::Compact { .. }
                })
            )
        });
        assert!(compacted, "seed {seed}: no compaction succeeded");
    }
}

/// A watch on a member that falls behind and catches up by snapshot: the
/// changes the snapshot jumped over are replayed from the history it
/// carries, or, if that history was compacted past the watch, the watch is
/// canceled with the compacted revision (etcd's watchable store does the
/// same with the watchers a restore leaves behind).
fn behind_by_snapshot(compact: bool) -> (Cluster, u64, NodeId, u64) {
    let mut c = cluster(3, 17);
    let leader = c.leader().unwrap();
    let f = (c.member_ids().into_iter()).find(|&n| n != leader).unwrap();
    let from = c.kv(f).unwrap().revision() + 1;
    let watch = c
        .apply(Action::Watch {
            node: f,
            key: "/s/".into(),
            prefix: true,
            start_revision: 0,
        })
        .unwrap()
        .unwrap();
    c.apply(Action::Isolate { node: f }).unwrap();
    for i in 0..20 {
        assert!(matches!(
            put(&mut c, &format!("/s/{}", i % 3), &format!("{i}")),
            OpResult::Ok { .. }
        ));
    }
    if compact {
        let rev = c.kv(leader).unwrap().revision();
        let id = send(
            &mut c,
            leader,
            ClientOp::Compact { revision: rev },
            ReadMode::Linearizable,
        );
        assert!(matches!(wait(&mut c, id), OpResult::Ok { .. }));
    }
    c.apply(Action::Compact { node: leader }).unwrap();
    c.apply(Action::HealAll).unwrap();
    let deadline = c.now() + 10_000;
    assert!(c.run_until(deadline, |c| c.converged().is_ok()));
    c.advance(500);
    let installed = (c.trace().since(0))
        .any(|e| matches!(e.kind, EventKind::SnapshotInstalled { node, .. } if node == f));
    assert!(installed, "n{f} caught up without a snapshot");
    (c, watch, f, from)
}

#[test]
fn a_snapshot_replays_what_it_skipped_to_the_watches_there() {
    let (c, watch, f, from) = behind_by_snapshot(false);
    let w = c.watches().find(|w| w.id == watch).unwrap();
    assert_eq!(w.node, f);
    assert_eq!(w.seen, 20);
    assert_eq!(w.events, changes(&c, f, "/s/", from));
}

#[test]
fn a_snapshot_compacted_past_a_watch_cancels_it() {
    let (c, watch, _, _) = behind_by_snapshot(true);
    let w = c.watches().find(|w| w.id == watch).unwrap();
    assert!(w.ended);
    assert_eq!(
        w.compact_revision,
        Some(c.kv(1).unwrap().compact_revision())
    );
    assert_eq!(w.seen, 0);
}

#[test]
fn a_watch_leaves_a_removed_member_too() {
    let mut c = cluster(3, 9);
    let leader = c.leader().unwrap();
    let other = (c.member_ids().into_iter()).find(|&n| n != leader).unwrap();
    let watch = c
        .apply(Action::Watch {
            node: other,
            key: "/k".into(),
            prefix: false,
            start_revision: 0,
        })
        .unwrap()
        .unwrap();
    c.apply(Action::ChangeMembership {
        changes: vec![(raft_sim::MemberChange::Remove, other)],
    })
    .unwrap();
    let deadline = c.now() + 5_000;
    assert!(c.run_until(deadline, |c| c.watches().next().unwrap().node != other));
    put(&mut c, "/k", "after");
    c.advance(500);
    let w = c.watches().find(|w| w.id == watch).unwrap();
    assert_eq!(w.seen, 1);
    assert_eq!(w.events[0].kv.value, "after");
}

#[test]
fn a_watch_moves_to_a_voter_not_a_learner() {
    let mut c = cluster(3, 9);
    c.apply(Action::ChangeMembership {
        changes: vec![(raft_sim::MemberChange::AddLearner, 4)],
    })
    .unwrap();
    let deadline = c.now() + 5_000;
    assert!(c.run_until(deadline, |c| c.membership().learners.contains(&4)));
    assert!(c.member(4).unwrap().live().is_some(), "the learner runs");
    c.apply(Action::Watch {
        node: 3,
        key: "/k".into(),
        prefix: false,
        start_revision: 0,
    })
    .unwrap();
    c.apply(Action::Crash { node: 3 }).unwrap();
    // The next member after n3 is the learner n4; etcd's learners refuse
    // client requests, so the watch wraps around to n1.
    assert_eq!(c.watches().next().unwrap().node, 1);
}
