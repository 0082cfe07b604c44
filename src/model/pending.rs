//! Entries a leader appended and has not committed, with who acknowledged
//! them: what the quorum panel lists while a write waits for a majority.

use raft_sim::reach::quorum_size;
use raft_sim::{NodeId, Role, View};

/// An entry a leader appended and has not committed: who acknowledged it,
/// who it still waits for.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Pending {
    /// The leader holding it.
    pub leader: NodeId,
    /// Log index.
    pub index: u64,
    /// Term.
    pub term: u64,
    /// What it is.
    pub what: String,
    /// Voters whose log holds it (the leader included).
    pub acked: Vec<NodeId>,
    /// Voters that have not acknowledged it.
    pub missing: Vec<NodeId>,
    /// Acknowledgements it needs.
    pub needed: usize,
}

/// Entries each leader holds above its commit index, with the voters that
/// have (and have not) acknowledged them.
pub fn pending_entries(view: &View) -> Vec<Pending> {
    let voters: Vec<NodeId> = view
        .members
        .iter()
        .filter(|m| m.voter)
        .map(|m| m.id)
        .collect();
    let needed = quorum_size(voters.len());
    let mut out = Vec::new();
    for leader in view.members.iter().filter(|m| m.role == Role::Leader) {
        for e in leader.log.iter().filter(|e| e.index > leader.commit) {
            let (acked, missing): (Vec<NodeId>, Vec<NodeId>) = voters.iter().partition(|&&v| {
                v == leader.id
                    || leader
                        .progress
                        .iter()
                        .any(|p| p.node == v && p.matched >= e.index)
            });
            out.push(Pending {
                leader: leader.id,
                index: e.index,
                term: e.term,
                what: e.what.clone(),
                acked,
                missing,
                needed,
            });
        }
    }
    out
}
