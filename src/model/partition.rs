//! Partitions as the page shows and makes them: the presets, and the
//! sides of the network (who can talk to whom both ways).

use std::collections::BTreeMap;

use raft_sim::reach::quorum_size;
use raft_sim::{Cluster, NodeId, Role, View};

use crate::i18n::Key;

/// Members that can all talk to each other both ways (a side of a
/// partition), as the quorum panel shows it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Side {
    /// Running members on this side.
    pub members: Vec<NodeId>,
    /// How many of them vote.
    pub voters: usize,
    /// Whether a voter here talks to a quorum of all voters.
    pub has_quorum: bool,
    /// Leaders on this side (a stale one may linger until CheckQuorum).
    pub leaders: Vec<(NodeId, u64)>,
}

/// The partition presets.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Preset {
    /// The leader on its own.
    LeaderAlone,
    /// Two halves, the smaller first ("2 | 3" with five members).
    Halves,
    /// The leader with as many others as still fall short of a quorum.
    MinorityWithLeader,
}

/// The groups a partition preset stands for among `members` (in id order),
/// or why it does not apply.
pub fn preset_groups(
    preset: Preset,
    members: Vec<NodeId>,
    leader: Option<NodeId>,
) -> Result<Vec<Vec<NodeId>>, Key> {
    let n = members.len();
    if n < 2 {
        return Err(Key::NeedTwoMembers);
    }
    match preset {
        Preset::LeaderAlone => {
            let l = leader.ok_or(Key::NoLeaderNow)?;
            let rest: Vec<NodeId> = members.into_iter().filter(|&m| m != l).collect();
            Ok(vec![vec![l], rest])
        }
        Preset::Halves => {
            let (a, b) = members.split_at(n / 2);
            Ok(vec![a.to_vec(), b.to_vec()])
        }
        Preset::MinorityWithLeader => {
            let l = leader.ok_or(Key::NoLeaderNow)?;
            // The largest group that is still short of a quorum.
            let minority = (quorum_size(n) - 1).max(1);
            let mut a = vec![l];
            let mut b = Vec::new();
            for m in members.into_iter().filter(|&m| m != l) {
                if a.len() < minority {
                    a.push(m);
                } else {
                    b.push(m);
                }
            }
            a.sort_unstable();
            Ok(vec![a, b])
        }
    }
}

/// How many groups the partition editor offers.
pub const EDITOR_GROUPS: usize = 3;

/// The partition in force as the editor's groups: members (down ones too,
/// removed ones not) joined when the links between them are up both ways,
/// directly or through others; in id order, at most [`EDITOR_GROUPS`]
/// groups (any further ones join the last).
pub fn groups_in_force(view: &View) -> Vec<Vec<NodeId>> {
    let ids: Vec<NodeId> = view
        .members
        .iter()
        .filter(|m| m.role != Role::Removed)
        .map(|m| m.id)
        .collect();
    let up = |a: NodeId, b: NodeId| {
        !view.cut_links.contains(&(a, b)) && !view.cut_links.contains(&(b, a))
    };
    let mut groups: Vec<Vec<NodeId>> = Vec::new();
    let mut placed: Vec<NodeId> = Vec::new();
    for &start in &ids {
        if placed.contains(&start) {
            continue;
        }
        let mut group = vec![start];
        placed.push(start);
        let mut i = 0;
        while i < group.len() {
            let m = group[i];
            for &o in &ids {
                if !placed.contains(&o) && up(m, o) {
                    placed.push(o);
                    group.push(o);
                }
            }
            i += 1;
        }
        group.sort_unstable();
        groups.push(group);
    }
    if groups.len() > EDITOR_GROUPS {
        let rest: Vec<NodeId> = groups.drain(EDITOR_GROUPS..).flatten().collect();
        groups[EDITOR_GROUPS - 1].extend(rest);
        groups[EDITOR_GROUPS - 1].sort_unstable();
    }
    groups
}

/// The editor's draft (member → group number) for some groups.
pub fn draft_of(groups: &[Vec<NodeId>]) -> BTreeMap<NodeId, usize> {
    groups
        .iter()
        .enumerate()
        .flat_map(|(g, members)| members.iter().map(move |&m| (m, g)))
        .collect()
}

/// The sides of the network as the quorum panel shows them: the core's one
/// definition ([`reach::sides`]: running members joined by chains of
/// two-way links, a quorum when one voter talks to a quorum of voters
/// directly), with the leaders on each side. A one-way cut alone does not
/// split a side.
pub fn sides(cluster: &Cluster, view: &View) -> Vec<Side> {
    cluster
        .sides()
        .into_iter()
        .map(|side| {
            let leaders = view
                .members
                .iter()
                .filter(|m| m.role == Role::Leader && side.members.contains(&m.id))
                .map(|m| (m.id, m.term))
                .collect();
            Side {
                members: side.members,
                voters: side.voters,
                has_quorum: side.has_quorum,
                leaders,
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::commands::{run, Cmd, ErrorAt};
    use crate::model::sim::tests::{run_until, sim};
    use raft_sim::{Action, ClientOp, ReadMode};

    #[test]
    fn presets_split_around_the_leader() {
        let mut s = sim(5);
        run_until(&mut s, 10_000, |s| s.cluster().leader().is_some());
        let l = s.cluster().leader().unwrap();
        let alone = s.preset(Preset::LeaderAlone).unwrap();
        assert_eq!(alone[0], vec![l]);
        assert_eq!(alone[1].len(), 4);
        let halves = s.preset(Preset::Halves).unwrap();
        assert_eq!((halves[0].len(), halves[1].len()), (2, 3));
        let minority = s.preset(Preset::MinorityWithLeader).unwrap();
        assert!(minority[0].contains(&l));
        assert_eq!((minority[0].len(), minority[1].len()), (2, 3));
    }

    #[test]
    fn leader_alone_loses_quorum_on_its_side_and_lists_what_it_waits_for() {
        let mut s = sim(3);
        run_until(&mut s, 10_000, |s| s.cluster().leader().is_some());
        let old = s.cluster().leader().unwrap();
        let groups = s.preset(Preset::LeaderAlone).unwrap();
        s.act(ErrorAt::Partition, Action::Partition { groups })
            .unwrap();
        s.client(
            old,
            ClientOp::Put {
                key: "/registry/pods/a".into(),
                value: "1".into(),
            },
            ReadMode::Linearizable,
        )
        .unwrap();
        s.advance(200);
        let frame = s.frame();
        let side = frame.sides.iter().find(|x| x.members == vec![old]).unwrap();
        assert!(!side.has_quorum);
        let p = frame.pending.iter().find(|p| p.leader == old).unwrap();
        assert_eq!(p.acked, vec![old]);
        assert_eq!(p.missing.len(), 2);
        assert_eq!(p.needed, 2);
        run_until(&mut s, 10_000, |s| {
            s.cluster().leader().is_some_and(|l| l != old)
        });
        let frame = s.frame();
        let other = frame
            .sides
            .iter()
            .find(|x| !x.members.contains(&old))
            .unwrap();
        assert!(other.has_quorum);
        assert_eq!(frame.view.quorum.quorum, 2);
    }

    #[test]
    fn the_stale_leader_note_follows_the_check_quorum_in_force() {
        let mut s = sim(3);
        run_until(&mut s, 10_000, |s| s.cluster().leader().is_some());
        let en = |k: Key| k.text(raft_sim::Lang::En);
        assert!(en(s.frame().stale_leader_note()).contains("CheckQuorum notices"));
        s.act(ErrorAt::Settings, Action::SetCheckQuorum { on: false })
            .unwrap();
        let groups = s.preset(Preset::LeaderAlone).unwrap();
        s.act(ErrorAt::Partition, Action::Partition { groups })
            .unwrap();
        s.advance(5_000);
        let frame = s.frame();
        // The old leader is still leading on its own side, and the note
        // does not promise that it steps down.
        assert!(frame
            .sides
            .iter()
            .any(|side| !side.has_quorum && !side.leaders.is_empty()));
        let note = en(frame.stale_leader_note());
        assert!(!note.contains("CheckQuorum notices"), "{note}");
        assert!(note.contains("stays leader"), "{note}");
    }

    #[test]
    fn the_editor_starts_from_the_partition_in_force() {
        let mut s = sim(5);
        let all = groups_in_force(&s.frame().view);
        assert_eq!(all, vec![vec![1, 2, 3, 4, 5]]);
        run(&mut s, Cmd::Preset(Preset::Halves));
        s.act(ErrorAt::Inspector, Action::Crash { node: 4 })
            .unwrap();
        let groups = groups_in_force(&s.frame().view);
        assert_eq!(groups, vec![vec![1, 2], vec![3, 4, 5]]);
        let draft = draft_of(&groups);
        assert_eq!(draft[&2], 0);
        assert_eq!(draft[&4], 1);
        // Isolating every member gives five groups; the editor has three.
        s.act(
            ErrorAt::Partition,
            Action::Partition {
                groups: vec![vec![1], vec![2], vec![3], vec![4], vec![5]],
            },
        )
        .unwrap();
        let groups = groups_in_force(&s.frame().view);
        assert_eq!(groups, vec![vec![1], vec![2], vec![3, 4, 5]]);
    }

    #[test]
    fn a_chain_of_links_is_one_side_without_a_quorum() {
        // n1 - n2 - ... - n7, only neighbours linked: one side, but nobody
        // talks to 4 voters directly, so no leader can commit. Counting the
        // side's voters (the page's old rule) said it had a quorum.
        let mut s = sim(7);
        for a in 1..=7u64 {
            for b in a + 2..=7 {
                s.act(
                    ErrorAt::Inspector,
                    Action::Cut {
                        from: a,
                        to: b,
                        both: true,
                    },
                )
                .unwrap();
            }
        }
        let frame = s.frame();
        assert_eq!(frame.sides.len(), 1);
        assert_eq!(frame.sides[0].voters, 7);
        assert!(!frame.sides[0].has_quorum);
        assert_eq!(frame.sides[0].has_quorum, frame.view.quorum.available);
    }

    #[test]
    fn a_one_way_cut_does_not_split_a_side_but_a_partition_does() {
        let mut s = sim(5);
        s.act(
            ErrorAt::Inspector,
            Action::Cut {
                from: 1,
                to: 2,
                both: false,
            },
        )
        .unwrap();
        let sides = s.frame().sides.clone();
        assert_eq!(sides.len(), 1);
        assert_eq!(sides[0].members, vec![1, 2, 3, 4, 5]);
        s.act(
            ErrorAt::Partition,
            Action::Partition {
                groups: vec![vec![1, 2], vec![3, 4, 5]],
            },
        )
        .unwrap();
        s.act(ErrorAt::Inspector, Action::Crash { node: 5 })
            .unwrap();
        let frame = s.frame();
        let got: Vec<(Vec<NodeId>, usize, bool)> = frame
            .sides
            .iter()
            .map(|x| (x.members.clone(), x.voters, x.has_quorum))
            .collect();
        assert_eq!(got, vec![(vec![1, 2], 2, false), (vec![3, 4], 2, false)]);
        assert!(!frame.view.quorum.available);
    }
}
