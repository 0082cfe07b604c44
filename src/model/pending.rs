//! Entries a leader appended and has not committed, with who acknowledged
//! them: what the quorum panel lists while a write waits for a majority.

use raft_sim::reach::quorum_size;
use raft_sim::why::CommitWait;
use raft_sim::{NodeId, Role, View};

/// An entry a leader appended and has not committed: who acknowledged it,
/// who it still waits for.
#[derive(Clone, Debug, PartialEq)]
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
    /// Later copies of the same client request (re-proposed after an
    /// election timeout without a commit), not shown as requests of their
    /// own.
    pub retries: usize,
    /// Why it is not committed yet, as the core explains it (filled in by
    /// [`Sim::frame`](super::sim::Sim::frame), which has the cluster).
    pub wait: Option<CommitWait>,
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
        let first = out.len();
        for e in leader.log.iter().filter(|e| e.index > leader.commit) {
            // A member proposes a request again when it sees no commit
            // within an election timeout; each copy gets its own index but
            // carries the same op id. Count them on the first copy.
            if let Some(op) = e.op_id {
                let seen = leader.log.iter().position(|x| x.op_id == Some(op));
                let earlier = out[first..]
                    .iter_mut()
                    .find(|p: &&mut Pending| seen.is_some_and(|i| leader.log[i].index == p.index));
                if let Some(p) = earlier {
                    p.retries += 1;
                    continue;
                }
            }
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
                retries: 0,
                wait: None,
            });
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::commands::ErrorAt;
    use crate::model::partition::Preset;
    use crate::model::sim::tests::{run_until, sim};
    use raft_sim::{Action, ClientOp, ReadMode};

    #[test]
    fn retries_of_one_request_are_listed_once() {
        // Without CheckQuorum the cut-off leader keeps leading, and keeps
        // its uncommitted entries in view.
        let mut s = sim(3);
        s.act(ErrorAt::Settings, Action::SetCheckQuorum { on: false })
            .unwrap();
        run_until(&mut s, 10_000, |s| s.cluster().leader().is_some());
        let old = s.cluster().leader().unwrap();
        let groups = s.preset(Preset::LeaderAlone).unwrap();
        s.act(ErrorAt::Partition, Action::Partition { groups })
            .unwrap();
        let put = ClientOp::Put {
            key: "/registry/pods/a".into(),
            value: "1".into(),
        };
        s.client(old, put, ReadMode::Linearizable).unwrap();
        // Long enough for the member to propose it again a few times (once
        // per election timeout without a commit).
        s.advance(3_500);
        let frame = s.frame();
        let puts: Vec<&Pending> = frame
            .pending
            .iter()
            .filter(|p| p.leader == old && p.what.starts_with("put"))
            .collect();
        assert_eq!(puts.len(), 1, "{puts:#?}");
        assert!(puts[0].retries >= 1, "{puts:#?}");
    }
}
