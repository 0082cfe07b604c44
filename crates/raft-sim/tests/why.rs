//! The page says why: each kind of refusal becomes a trace event carrying
//! the rule Raft applied, the commit query names what an entry waits for,
//! and every event has Chinese words. (The scenario transcripts pin the
//! explanations of their stories; these tests reach the cases no story
//! shows.)
//!
//! The vote reasons are also checked, in every debug build, against the
//! answer raft-rs produced (member/why.rs); the sweep below exists to run
//! that check over every kind of refusal.

use std::collections::BTreeSet;

use raft_sim::scenario::{parse, run_script};
use raft_sim::why::{Lag, ProposalDrop, ReadRefusal, VoteRefusal};
use raft_sim::{
    Action, ClientOp, Cluster, ClusterConfig, EventKind, Lang, NodeId, ReadMode, Role, SimRng,
};

fn cluster(members: u64, seed: u64, pre_vote: bool, check_quorum: bool) -> Cluster {
    let mut cfg = ClusterConfig {
        seed,
        members,
        trace_capacity: 0,
        ..Default::default()
    };
    cfg.raft.pre_vote = pre_vote;
    cfg.raft.check_quorum = check_quorum;
    Cluster::new(cfg).unwrap()
}

fn elect(c: &mut Cluster) -> NodeId {
    let deadline = c.now() + 10_000;
    assert!(c.run_until(deadline, |c| c.leader().is_some()), "no leader");
    c.leader().unwrap()
}

fn send(c: &mut Cluster, node: NodeId, op: ClientOp, mode: ReadMode) -> u64 {
    let action = Action::Client {
        client: 0,
        node,
        op,
        mode,
    };
    c.apply(action).unwrap().unwrap()
}

fn put(key: &str) -> ClientOp {
    ClientOp::Put {
        key: key.into(),
        value: "v".into(),
    }
}

fn events(c: &Cluster) -> impl Iterator<Item = &EventKind> {
    c.trace().recent().map(|e| &e.kind)
}

/// Crashes, restarts, isolations, heals and forced campaigns at random:
/// enough churn for every vote rule to refuse someone.
fn churn(c: &mut Cluster, seed: u64, secs: u64) {
    let mut rng = SimRng::new(seed);
    let ids = c.member_ids();
    let end = c.now() + secs * 1000;
    while c.now() < end {
        let t = c.now() + 300;
        c.advance_to(t);
        let n = ids[rng.range_inclusive(0, ids.len() as u64 - 1) as usize];
        let _ = match rng.range_inclusive(0, 9) {
            0 => c.apply(Action::Crash { node: n }),
            1 | 2 => c.apply(Action::Restart { node: n }),
            3 => c.apply(Action::Isolate { node: n }),
            4 if rng.range_inclusive(0, 1) == 0 => {
                let m = ids[rng.range_inclusive(0, ids.len() as u64 - 1) as usize];
                c.apply(Action::Cut {
                    from: n,
                    to: m,
                    both: true,
                })
            }
            4 => c.apply(Action::HealAll),
            5 | 6 => c.apply(Action::Campaign { node: n }),
            _ => c.apply(Action::Client {
                client: 0,
                node: n,
                op: put("k"),
                mode: ReadMode::Linearizable,
            }),
        };
    }
}

#[test]
fn every_vote_rule_refuses_someone_and_agrees_with_raft_rs() {
    let mut seen = BTreeSet::new();
    for (pre_vote, check_quorum) in [(true, true), (false, true), (true, false), (false, false)] {
        for seed in 1..=6 {
            let mut c = cluster(5, seed, pre_vote, check_quorum);
            churn(&mut c, seed, 20);
            for e in events(&c) {
                if let EventKind::VoteRefused { reason, .. } = e {
                    seen.insert(match reason {
                        VoteRefusal::LogBehind { candidate, voter } => {
                            assert!(
                                (candidate.term, candidate.index) < (voter.term, voter.index),
                                "{reason:?}"
                            );
                            "log-behind"
                        }
                        VoteRefusal::AlreadyVoted { .. } => "already-voted",
                        VoteRefusal::HasLeader { .. } => "has-leader",
                        VoteRefusal::StaleTerm { .. } => "stale-term",
                        VoteRefusal::LeaderLease {
                            elapsed, timeout, ..
                        } => {
                            assert!(elapsed < timeout, "{reason:?}");
                            "leader-lease"
                        }
                    });
                }
            }
        }
    }
    // A voter that follows a leader it did not vote for needs a staged
    // story (below); churn does not make one.
    let all = ["already-voted", "leader-lease", "log-behind", "stale-term"];
    assert_eq!(seen, all.into_iter().collect(), "vote refusals seen");
}

#[test]
fn a_voter_following_a_leader_it_did_not_vote_for_refuses_that_term() {
    // PreVote on, CheckQuorum off: no lease, so only the vote rule decides.
    let mut c = cluster(5, 6, true, false);
    let old = elect(&mut c);
    c.advance(500); // Everyone holds the leader's first entry.
    let others: Vec<NodeId> = c.member_ids().into_iter().filter(|&n| n != old).collect();
    let (voter, late, new) = (others[0], others[1], others[2]);
    // `late` sleeps through the next election; `voter` is cut off during
    // it, so it never votes in that term.
    c.apply(Action::Crash { node: late }).unwrap();
    c.apply(Action::Isolate { node: voter }).unwrap();
    c.apply(Action::Campaign { node: new }).unwrap();
    let deadline = c.now() + 3_000;
    assert!(c.run_until(deadline, |c| c.leader() == Some(new)));
    let term = c.member(new).unwrap().live().unwrap().term();
    // Healed, `voter` follows the new leader without having voted.
    c.apply(Action::HealAll).unwrap();
    let deadline = c.now() + 2_000;
    assert!(c.run_until(deadline, |c| {
        let l = c.member(voter).unwrap().live().unwrap();
        l.leader() == new && l.term() == term
    }));
    // `late` comes back without hearing the leader and asks for `term`.
    c.apply(Action::Cut {
        from: new,
        to: late,
        both: true,
    })
    .unwrap();
    c.apply(Action::Restart { node: late }).unwrap();
    c.advance(4_000);
    let refusal = events(&c).find_map(|e| match e {
        EventKind::VoteRefused {
            voter: v,
            candidate,
            reason,
            ..
        } if *v == voter && *candidate == late => Some(reason.clone()),
        _ => None,
    });
    assert_eq!(refusal, Some(VoteRefusal::HasLeader { leader: new, term }));
}

#[test]
fn a_proposal_during_a_leader_transfer_is_dropped_and_says_so() {
    let mut c = cluster(3, 4, true, true);
    let leader = elect(&mut c);
    let to = c.member_ids().into_iter().find(|&n| n != leader).unwrap();
    // Hold everything to the transferee so the transfer stays pending.
    c.apply(Action::HoldLink { from: leader, to }).unwrap();
    c.apply(Action::TransferLeader { to }).unwrap();
    let op = send(&mut c, leader, put("k"), ReadMode::Linearizable);
    let dropped = events(&c).find_map(|e| match e {
        EventKind::ProposalDropped {
            node,
            op_id,
            reason,
            ..
        } if *op_id == Some(op) => Some((*node, *reason)),
        _ => None,
    });
    assert_eq!(
        dropped,
        Some((leader, ProposalDrop::Transferring { to })),
        "the leader drops the write while it hands over"
    );
}

#[test]
fn a_read_on_a_member_without_a_leader_says_it_had_none_to_ask() {
    let mut c = cluster(3, 9, true, true);
    let leader = elect(&mut c);
    for n in c.member_ids().into_iter().filter(|&n| n != leader) {
        c.apply(Action::Crash { node: n }).unwrap();
    }
    // CheckQuorum makes the lone leader step down within two timeouts.
    let deadline = c.now() + 3_000;
    assert!(c.run_until(deadline, |c| c.role(leader) != Some(Role::Leader)));
    let stepped = events(&c).any(|e| {
        matches!(e, EventKind::SteppedDown { node, heard, voters, .. }
            if *node == leader && heard == &vec![leader] && voters.len() == 3)
    });
    assert!(stepped, "the step-down names whom it heard from");
    let get = ClientOp::Get { key: "k".into() };
    let op = send(&mut c, leader, get, ReadMode::Linearizable);
    let deadline = c.now() + 5_000;
    assert!(c.run_until(deadline, |c| c.op(op).unwrap().result.is_some()));
    let reason = events(&c).find_map(|e| match e {
        EventKind::ReadRefused { op_id, reason, .. } if *op_id == op => Some(reason.clone()),
        _ => None,
    });
    assert_eq!(reason, Some(ReadRefusal::NoLeader));
}

#[test]
fn an_entry_waits_for_acknowledgements_from_voters_it_cannot_reach() {
    let mut c = cluster(5, 3, true, true);
    let leader = elect(&mut c);
    let others: Vec<NodeId> = c
        .member_ids()
        .into_iter()
        .filter(|&n| n != leader)
        .collect();
    // One follower keeps up, one is down, two are cut off from the leader.
    c.apply(Action::Crash { node: others[1] }).unwrap();
    for &n in &others[2..] {
        c.apply(Action::Cut {
            from: leader,
            to: n,
            both: true,
        })
        .unwrap();
    }
    send(&mut c, leader, put("k"), ReadMode::Linearizable);
    c.advance(300);
    let live = c.member(leader).unwrap().live().unwrap();
    assert_eq!(live.role(), Role::Leader, "CheckQuorum has not run yet");
    let index = live.last_index();
    let wait = c.commit_wait(leader, index).expect("not committed");
    assert_eq!(wait.acked, {
        let mut v = vec![leader, others[0]];
        v.sort();
        v
    });
    assert_eq!(wait.more, 1);
    assert_eq!(
        wait.missing,
        vec![
            (others[1], Lag::Down),
            (others[2], Lag::Unreachable),
            (others[3], Lag::Unreachable)
        ]
    );
    let words = wait.describe(Lang::En);
    assert!(
        words.starts_with(&format!("#{index} waits for 1 more acknowledgement")),
        "{words}"
    );
    assert!(
        words.contains(&format!(
            "n{} and n{} are unreachable",
            others[2], others[3]
        )),
        "{words}"
    );
    assert!(
        words.contains(&format!("n{} is down", others[1])),
        "{words}"
    );
    // Healed, it commits, and there is nothing left to explain.
    c.apply(Action::HealAll).unwrap();
    c.advance(500);
    assert_eq!(c.commit_wait(leader, index), None);
}

#[test]
fn every_event_has_chinese_words() {
    let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/scenarios");
    let mut kinds = BTreeSet::new();
    let mut check = |c: &Cluster| {
        for e in c.trace().recent() {
            if matches!(e.kind, EventKind::Note { .. } | EventKind::Violation { .. }) {
                continue; // Narration and checker details are written as given.
            }
            let (en, zh) = (e.describe_in(Lang::En), e.describe_in(Lang::Zh));
            assert_eq!(en, e.describe(), "describe() is the English");
            assert!(
                zh.chars().any(|ch| ('\u{4e00}'..='\u{9fff}').contains(&ch)),
                "no Chinese in {zh:?} (English: {en:?})"
            );
            let json = serde_json::to_value(&e.kind).unwrap();
            kinds.insert(json["type"].as_str().unwrap().to_string());
        }
    };
    let mut paths: Vec<_> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "txt"))
        .collect();
    paths.sort();
    for path in paths {
        let scenario = parse(&std::fs::read_to_string(&path).unwrap()).unwrap();
        let (runner, _) = run_script(&scenario).unwrap();
        check(&runner.cluster);
    }
    let mut c = cluster(5, 2, false, false);
    churn(&mut c, 2, 20);
    check(&c);
    for kind in [
        "vote_refused",
        "append_rejected",
        "proposal_dropped",
        "read_refused",
        "stepped_down",
        "stale_read",
        "fault",
        "message_dropped",
        "client_complete",
        "watch_moved",
        "watch_canceled",
    ] {
        assert!(kinds.contains(kind), "no {kind} event was checked");
    }
}
