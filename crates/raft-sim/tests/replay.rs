//! Replay: a recorded run rebuilt from its configuration and actions is the
//! same run, event for event, at every mark (the lesson page's "back").

use raft_sim::recording::{replay, Mark};
use raft_sim::scenario::{parse, Runner};
use raft_sim::{Action, ClientOp, Cluster, ClusterConfig, NetConfig, ReadMode};

fn put(node: u64, key: &str, value: &str) -> Action {
    Action::Client {
        client: 1,
        node,
        op: ClientOp::Put {
            key: key.into(),
            value: value.into(),
        },
        mode: ReadMode::Linearizable,
    }
}

#[test]
fn a_run_with_faults_and_requests_replays_to_the_same_hash_at_every_mark() {
    let mut c = Cluster::new(ClusterConfig {
        seed: 21,
        members: 5,
        net: NetConfig {
            loss: 0.02,
            ..NetConfig::default()
        },
        ..Default::default()
    })
    .unwrap();
    c.set_recording(true);
    let mut marks: Vec<(Mark, u64)> = vec![(c.mark(), c.trace().hash())];
    assert!(c.run_until(5_000, |c| c.leader().is_some()));
    // An action between two events of one millisecond.
    let leader = c.leader().unwrap();
    c.apply(put(leader, "/a", "1")).unwrap();
    marks.push((c.mark(), c.trace().hash()));
    c.advance(700);
    c.apply(Action::Crash { node: leader }).unwrap();
    c.note("the leader crashed");
    assert!(c.apply(Action::Crash { node: leader }).is_err());
    marks.push((c.mark(), c.trace().hash()));
    let deadline = c.now() + 5_000;
    assert!(c.run_until(deadline, |c| c.leader().is_some()));
    let second = c.leader().unwrap();
    c.apply(Action::Partition {
        groups: vec![vec![second, leader], vec![]],
    })
    .unwrap();
    c.apply(put(second, "/b", "2")).unwrap();
    c.step_event();
    c.step_event();
    marks.push((c.mark(), c.trace().hash()));
    c.advance(2_500);
    c.apply(Action::Restart { node: leader }).unwrap();
    c.apply(Action::HealAll).unwrap();
    c.advance(3_000);
    marks.push((c.mark(), c.trace().hash()));

    let rec = c.recorded().unwrap();
    for (mark, hash) in &marks {
        let r = replay(rec, *mark).unwrap();
        assert_eq!(r.trace().hash(), *hash, "at {mark:?}");
        assert_eq!(r.now(), mark.at.at_ms);
        assert_eq!(r.recorded().unwrap().entries, rec.entries[..mark.entries]);
    }

    // A replayed cluster goes on exactly as the first did.
    let (mark, _) = marks[2];
    let mut r = replay(rec, mark).unwrap();
    for e in &rec.entries[mark.entries..] {
        let deadline = e.at.at_ms;
        r.run_until(deadline, |r| r.position() >= e.at);
        match &e.what {
            raft_sim::recording::Recorded::Action(a) => {
                let _ = r.apply(a.clone());
            }
            raft_sim::recording::Recorded::Note(t) => r.note(t.clone()),
        }
    }
    r.advance_to(c.now());
    assert_eq!(r.trace().hash(), c.trace().hash());
}

#[test]
fn scenario_scripts_replay_to_their_final_hash() {
    // Scripts act between events (after each `wait`) and narrate (notes
    // are in the hash too).
    for name in ["minority-leader", "stale-read", "membership", "watch"] {
        let path = format!("{}/tests/scenarios/{name}.txt", env!("CARGO_MANIFEST_DIR"));
        let s = parse(&std::fs::read_to_string(path).unwrap()).unwrap();
        let mut r = Runner::new(&s).unwrap();
        r.cluster.set_recording(true);
        let mut marks = Vec::new();
        for step in &s.steps {
            marks.push((r.cluster.mark(), r.cluster.trace().hash()));
            r.run_step(step).unwrap();
        }
        marks.push((r.cluster.mark(), r.cluster.trace().hash()));
        let rec = r.cluster.recorded().unwrap();
        for (mark, hash) in marks {
            let c = replay(rec, mark).unwrap();
            assert_eq!(c.trace().hash(), hash, "{name} at {mark:?}");
        }
    }
}
