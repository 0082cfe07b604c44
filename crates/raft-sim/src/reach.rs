//! Who can reach whom, and whether that makes a quorum: the one definition
//! the quorum panel, the partition sides, the scripts' `quorum-ok` and the
//! page all use.
//!
//! Raft needs messages to go both ways: a follower's vote or append
//! acknowledgement answers a request, so a link that is up in one direction
//! only is as good as cut. Two running members *talk* when both directed
//! links between them are up. Raft does not relay (apart from a follower
//! forwarding a proposal one hop), so what a member can do depends on whom it
//! talks to directly: a leader commits only if it talks to a quorum of
//! voters itself. The *sides* of the network are the connected components of
//! the talk relation (members linked by a chain of two-way links), so they
//! partition the running members; a side has a quorum when one of its voters
//! talks to a quorum of voters. With partitions made of groups, the two
//! views agree; they differ only on chains of links (a member in the middle
//! of a chain talks to both ends, which do not talk to each other).

use crate::network::Network;
use crate::NodeId;

/// Members a set of voters needs for a quorum, floor(n/2)+1.
pub fn quorum_size(voters: usize) -> usize {
    voters / 2 + 1
}

/// Failures a set of voters tolerates, floor((n-1)/2).
pub fn fault_tolerance(voters: usize) -> usize {
    voters.saturating_sub(1) / 2
}

/// Whether `a` and `b` can exchange messages: the links both ways are up (a
/// member always talks to itself). Whether they run is the caller's concern.
pub fn talk(net: &Network, a: NodeId, b: NodeId) -> bool {
    a == b || (net.link_up(a, b) && net.link_up(b, a))
}

/// The members of `running` that `from` talks to directly, itself included,
/// in the order of `running`; empty if `from` is not running.
pub fn reach(net: &Network, running: &[NodeId], from: NodeId) -> Vec<NodeId> {
    if !running.contains(&from) {
        return Vec::new();
    }
    running
        .iter()
        .copied()
        .filter(|&n| talk(net, from, n))
        .collect()
}

/// Whether `from` (running) talks directly to a quorum of `voters`, itself
/// included: then a leader there can be elected and commit.
pub fn talks_to_quorum(net: &Network, running: &[NodeId], voters: &[NodeId], from: NodeId) -> bool {
    let reached = reach(net, running, from);
    reached.iter().filter(|n| voters.contains(n)).count() >= quorum_size(voters.len())
}

/// One side of the network: running members joined by chains of two-way
/// links.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Side {
    /// Its members, in id order.
    pub members: Vec<NodeId>,
    /// How many of them vote.
    pub voters: usize,
    /// Whether a voter on this side talks to a quorum of all voters, so a
    /// leader here can be elected and commit.
    pub has_quorum: bool,
}

/// The sides of the network: the connected components of [`talk`] over the
/// running members, each with whether it holds a quorum of `voters`. Sides
/// come in the order of their lowest member.
pub fn sides(net: &Network, running: &[NodeId], voters: &[NodeId]) -> Vec<Side> {
    let mut running = running.to_vec();
    running.sort_unstable();
    let mut side_of: Vec<Option<usize>> = vec![None; running.len()];
    let mut sides = Vec::new();
    for start in 0..running.len() {
        if side_of[start].is_some() {
            continue;
        }
        let id = sides.len();
        side_of[start] = Some(id);
        let mut stack = vec![start];
        let mut members = Vec::new();
        while let Some(i) = stack.pop() {
            members.push(running[i]);
            for j in 0..running.len() {
                if side_of[j].is_none() && talk(net, running[i], running[j]) {
                    side_of[j] = Some(id);
                    stack.push(j);
                }
            }
        }
        members.sort_unstable();
        let has_quorum = (members.iter().filter(|n| voters.contains(n)))
            .any(|&v| talks_to_quorum(net, &running, voters, v));
        sides.push(Side {
            voters: members.iter().filter(|n| voters.contains(n)).count(),
            members,
            has_quorum,
        });
    }
    sides
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::network::NetConfig;

    fn net() -> Network {
        Network::new(NetConfig::default())
    }

    fn members(sides: &[Side]) -> Vec<Vec<NodeId>> {
        sides.iter().map(|s| s.members.clone()).collect()
    }

    #[test]
    fn quorum_and_tolerance() {
        assert_eq!((quorum_size(1), fault_tolerance(1)), (1, 0));
        assert_eq!((quorum_size(4), fault_tolerance(4)), (3, 1));
        assert_eq!((quorum_size(5), fault_tolerance(5)), (3, 2));
    }

    #[test]
    fn a_one_way_cut_stops_talk_both_ways() {
        let mut n = net();
        n.cut_oneway(1, 2);
        assert!(!talk(&n, 1, 2));
        assert!(!talk(&n, 2, 1));
        assert_eq!(reach(&n, &[1, 2, 3], 1), vec![1, 3]);
        assert_eq!(reach(&n, &[1, 2, 3], 2), vec![2, 3]);
    }

    #[test]
    fn a_member_that_is_not_running_reaches_no_one() {
        assert!(reach(&net(), &[1, 2], 3).is_empty());
        // And no one reaches it.
        assert_eq!(reach(&net(), &[1, 2], 1), vec![1, 2]);
    }

    #[test]
    fn groups_are_sides_and_the_majority_side_has_the_quorum() {
        let mut n = net();
        n.partition(&[1, 2, 3, 4, 5], &[vec![1, 2], vec![3, 4, 5]]);
        let s = sides(&n, &[1, 2, 3, 4, 5], &[1, 2, 3, 4, 5]);
        assert_eq!(members(&s), vec![vec![1, 2], vec![3, 4, 5]]);
        assert_eq!((s[0].voters, s[0].has_quorum), (2, false));
        assert_eq!((s[1].voters, s[1].has_quorum), (3, true));
    }

    #[test]
    fn a_chain_of_one_way_cuts_splits_where_no_link_works_both_ways() {
        // n1 -> n2 and n2 -> n3 cut, one way each: n2 talks to no one, while
        // n1 and n3 still talk.
        let mut n = net();
        n.cut_oneway(1, 2);
        n.cut_oneway(2, 3);
        let s = sides(&n, &[1, 2, 3], &[1, 2, 3]);
        assert_eq!(members(&s), vec![vec![1, 3], vec![2]]);
        assert!(s[0].has_quorum);
        assert!(!s[1].has_quorum);
    }

    #[test]
    fn a_side_joined_by_a_chain_has_no_quorum_when_no_voter_talks_to_one() {
        // Seven voters whose only two-way links form the chain
        // n1 - n2 - ... - n7: every other pair is cut in one direction only.
        // They are all one side, but no member talks to more than two others,
        // and a leader needs 4 of 7 itself: Raft does not relay.
        let ids: Vec<NodeId> = (1..=7).collect();
        let mut n = net();
        for a in 1..=7u64 {
            for b in a + 2..=7 {
                n.cut_oneway(a, b);
            }
        }
        let s = sides(&n, &ids, &ids);
        assert_eq!(members(&s), vec![ids.clone()]);
        assert_eq!(s[0].voters, 7);
        assert!(!s[0].has_quorum);
        assert_eq!(reach(&n, &ids, 4), vec![3, 4, 5]);
        // Heal one member's links and it talks to everyone: a quorum again.
        for b in 1..=7 {
            n.repair(4, b);
        }
        assert!(sides(&n, &ids, &ids)[0].has_quorum);
    }

    #[test]
    fn learners_join_sides_but_do_not_count_as_voters() {
        let mut n = net();
        n.isolate(1, &[1, 2, 3, 4]);
        let s = sides(&n, &[1, 2, 3, 4], &[1, 2, 3]);
        assert_eq!(members(&s), vec![vec![1], vec![2, 3, 4]]);
        assert_eq!((s[1].voters, s[1].has_quorum), (2, true));
        assert!(!s[0].has_quorum);
    }
}
