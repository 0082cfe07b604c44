//! The moments the clock pauses on by itself: each is noticed right after
//! the event that caused it (or the action), once per edge, and watching
//! for them does not change the run.

use raft_sim::pause::Moment;
use raft_sim::scenario::{parse, Runner, Scenario};
use raft_sim::{Action, ClientOp, Cluster, ClusterConfig, PauseOn, PauseWatch, ReadMode, Role};

fn script(name: &str) -> Scenario {
    let path = format!("{}/tests/scenarios/{name}.txt", env!("CARGO_MANIFEST_DIR"));
    parse(&std::fs::read_to_string(path).unwrap()).unwrap()
}

/// The script's cluster after its steps up to and including the first
/// whose text starts with `last`.
fn run_through(s: &Scenario, last: &str) -> Runner {
    let mut r = Runner::new(s).unwrap();
    for step in &s.steps {
        r.run_step(step).unwrap();
        if step.text.starts_with(last) {
            return r;
        }
    }
    panic!("no step {last}");
}

fn five(seed: u64) -> Cluster {
    Cluster::new(ClusterConfig {
        seed,
        members: 5,
        ..Default::default()
    })
    .unwrap()
}

fn elect(c: &mut Cluster) -> u64 {
    let deadline = c.now() + 10_000;
    assert!(c.run_until(deadline, |c| c.leader().is_some()));
    c.leader().unwrap()
}

#[test]
fn a_new_leader_pauses_the_clock_right_after_the_election() {
    let mut c = five(11);
    let mut w = PauseWatch::new(&c, &[PauseOn::LeaderChange]);
    let p = c
        .run_until_pause(10_000, &mut w)
        .expect("a leader is elected");
    let Moment::NewLeader { node, term } = p.detail else {
        panic!("{p:?}");
    };
    assert_eq!(p.on, PauseOn::LeaderChange);
    assert_eq!(c.leader(), Some(node));
    assert_eq!(c.now(), p.at_ms);
    assert!(term >= 2);
    assert!(p.detail.describe(raft_sim::Lang::Zh).contains("领导者"));
    // Exactly where a run that checks for a leader between events stops.
    let mut other = five(11);
    assert!(other.run_until(10_000, |c| c.leader().is_some()));
    assert_eq!(other.trace().hash(), c.trace().hash());
    assert_eq!(other.now(), c.now());
    // The same moment is not reported twice: the next stop is later.
    let again = c.run_until_pause(c.now() + 3_000, &mut w);
    assert!(
        again.as_ref().is_none_or(|q| q.at_ms > p.at_ms),
        "{again:?}"
    );
}

#[test]
fn two_leaders_at_once_in_the_minority_leader_story() {
    // The old leader is cut off with one follower; the majority elects a
    // new leader (at 2339 ms in the golden transcript) while the old one
    // still believes it leads, until CheckQuorum deposes it at 3137 ms.
    let s = script("minority-leader");
    let mut r = run_through(&s, "partition");
    let old = r
        .resolve(&raft_sim::scenario::NodeRef::Var("old".into()))
        .unwrap();
    let c = &mut r.cluster;
    let mut w = PauseWatch::new(c, &[PauseOn::LeaderChange, PauseOn::TwoLeaders]);
    let p = c.run_until_pause(c.now() + 5_000, &mut w).unwrap();
    let Moment::TwoLeaders {
        node,
        term,
        old: stale,
        old_term,
    } = p.detail
    else {
        panic!("{p:?}");
    };
    assert_eq!((p.on, p.at_ms, stale), (PauseOn::TwoLeaders, 2339, old));
    assert!(term > old_term);
    assert_eq!(c.role(node), Some(Role::Leader));
    assert_eq!(c.role(old), Some(Role::Leader));
    assert!(p
        .detail
        .describe(raft_sim::Lang::En)
        .contains("still believes"));

    // Watching only for a new leader, the same event is a leader change.
    let mut r = run_through(&s, "partition");
    let c = &mut r.cluster;
    let mut w = PauseWatch::new(c, &[PauseOn::LeaderChange]);
    let p = c.run_until_pause(c.now() + 5_000, &mut w).unwrap();
    assert_eq!((p.on, p.at_ms), (PauseOn::LeaderChange, 2339));
}

#[test]
fn two_leaders_in_the_stale_read_story() {
    // Without CheckQuorum the isolated leader never steps down.
    let s = script("stale-read");
    let mut r = run_through(&s, "isolate");
    let c = &mut r.cluster;
    let mut w = PauseWatch::new(c, &[PauseOn::TwoLeaders]);
    let p = c.run_until_pause(c.now() + 5_000, &mut w).unwrap();
    assert_eq!(p.on, PauseOn::TwoLeaders);
    let leaders = c
        .member_ids()
        .into_iter()
        .filter(|&n| c.role(n) == Some(Role::Leader))
        .count();
    assert_eq!(leaders, 2);
}

#[test]
fn quorum_lost_is_noticed_on_the_edge_whether_an_action_or_nothing_caused_it() {
    let mut c = five(3);
    let leader = elect(&mut c);
    let mut w = PauseWatch::new(&c, &[PauseOn::QuorumLost]);
    let others: Vec<u64> = c
        .member_ids()
        .into_iter()
        .filter(|&n| n != leader)
        .collect();
    for &n in &others[..2] {
        c.apply(Action::Crash { node: n }).unwrap();
        assert_eq!(w.check(&c), None, "5 members tolerate 2 down");
    }
    c.apply(Action::Crash { node: others[2] }).unwrap();
    // Not checked after the action: the run stops before any event.
    let before = c.position();
    let p = c.run_until_pause(c.now() + 1_000, &mut w).unwrap();
    assert_eq!(c.position(), before);
    assert_eq!(p.on, PauseOn::QuorumLost);
    assert_eq!(
        p.detail,
        Moment::QuorumLost {
            voters: 5,
            needed: 3,
            best: 2
        }
    );
    // Still lost: no second pause.
    assert_eq!(c.run_until_pause(c.now() + 3_000, &mut w), None);
    // Back, and lost again by a partition this time.
    c.apply(Action::Restart { node: others[2] }).unwrap();
    assert_eq!(w.check(&c), None);
    c.apply(Action::Partition {
        groups: vec![vec![leader, others[2]], vec![others[3]]],
    })
    .unwrap();
    assert_eq!(w.check(&c).map(|p| p.on), Some(PauseOn::QuorumLost));
}

#[test]
fn a_committed_write_pauses_at_the_leader_before_the_follower_answers() {
    let mut c = five(5);
    // The leader's own no-op entry is not a client's write.
    let mut w = PauseWatch::new(&c, &[PauseOn::Commit]);
    assert_eq!(c.run_until_pause(5_000, &mut w), None);
    let leader = c.leader().unwrap();
    let follower = c.member_ids().into_iter().find(|&n| n != leader).unwrap();
    let op = c
        .apply(Action::Client {
            client: 1,
            node: follower,
            op: ClientOp::Put {
                key: "/registry/pods/default/web".into(),
                value: "v1".into(),
            },
            mode: ReadMode::Linearizable,
        })
        .unwrap()
        .unwrap();
    let p = c.run_until_pause(c.now() + 2_000, &mut w).unwrap();
    let Moment::Committed { node, what, .. } = &p.detail else {
        panic!("{p:?}");
    };
    assert_eq!(*node, leader);
    assert!(what.contains("/registry/pods/default/web"), "{what}");
    assert!(
        !c.op(op).unwrap().is_ok(),
        "the follower has not answered yet"
    );
    let deadline = c.now() + 1_000;
    assert!(c.run_until(deadline, |c| c.op(op).unwrap().is_ok()));
}

#[test]
fn writes_committed_together_pause_the_clock_once() {
    let mut c = five(5);
    let leader = elect(&mut c);
    let mut w = PauseWatch::new(&c, &[PauseOn::Commit]);
    for v in ["v1", "v2", "v3"] {
        c.apply(Action::Client {
            client: 1,
            node: leader,
            op: ClientOp::Put {
                key: "/k".into(),
                value: v.into(),
            },
            mode: ReadMode::Linearizable,
        })
        .unwrap();
    }
    let first = c.run_until_pause(c.now() + 2_000, &mut w).unwrap();
    let Moment::Committed { index, .. } = first.detail else {
        panic!("{first:?}");
    };
    // The three entries commit with the same acknowledgements; the next
    // pause, if any, is at a later time.
    let deadline = c.now() + 2_000;
    let next = c.run_until_pause(deadline, &mut w);
    assert!(
        next.as_ref().is_none_or(|p| p.at_ms > first.at_ms),
        "{next:?}"
    );
    assert!(c.max_applied() >= index + 2);
}

#[test]
fn watching_for_moments_does_not_change_the_run() {
    let run = |watch: bool| {
        let mut c = five(9);
        let mut w = PauseWatch::new(&c, &PauseOn::ALL);
        let mut pauses = 0;
        for t in (500..=12_000).step_by(500) {
            if t == 4_000 {
                let l = c.leader().unwrap();
                c.apply(Action::Isolate { node: l }).unwrap();
            }
            if t == 8_000 {
                c.apply(Action::HealAll).unwrap();
            }
            if watch {
                while c.run_until_pause(t, &mut w).is_some() {
                    pauses += 1;
                }
            } else {
                c.advance_to(t);
            }
        }
        (c.trace().hash(), pauses)
    };
    let (watched, pauses) = run(true);
    assert!(pauses >= 2, "{pauses}");
    assert_eq!(watched, run(false).0);
}
