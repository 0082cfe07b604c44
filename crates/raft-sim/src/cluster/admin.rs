//! What an operator asks of Raft itself: PreVote and CheckQuorum, leader
//! transfer, a campaign, a log compaction.

use super::Cluster;
use crate::action_error::ActionError;
use crate::member::{Ctx, Effects};
use crate::NodeId;

impl Cluster {
    /// Turns PreVote on or off on every member.
    pub(super) fn set_pre_vote(&mut self, on: bool) {
        self.config.raft.pre_vote = on;
        self.set_flags();
        self.fault(format!("pre-vote {}", if on { "on" } else { "off" }));
    }

    /// Turns CheckQuorum on or off on every member.
    pub(super) fn set_check_quorum(&mut self, on: bool) {
        self.config.raft.check_quorum = on;
        self.set_flags();
        self.fault(format!("check-quorum {}", if on { "on" } else { "off" }));
    }

    fn set_flags(&mut self) {
        let (pv, cq) = (self.config.raft.pre_vote, self.config.raft.check_quorum);
        for m in self.members.values_mut() {
            m.set_flags(pv, cq);
        }
    }

    /// Asks the leader to hand leadership to `to`.
    pub(super) fn transfer_leader(&mut self, to: NodeId) -> Result<(), ActionError> {
        self.existing(to)?;
        let leader = self.leader().ok_or(ActionError::NoLeader)?;
        if leader == to {
            return Err(ActionError::AlreadyLeads { node: to });
        }
        let mut fx = Effects::default();
        let m = self.members.get_mut(&leader).expect("leader exists");
        m.transfer_leader(
            to,
            &mut Ctx {
                settings: &self.config.raft,
                rng: &mut self.rng,
                fx: &mut fx,
            },
        )?;
        self.fault(format!("transfer leadership n{leader} -> n{to}"));
        self.route(fx);
        Ok(())
    }

    /// Makes a member start an election now.
    pub(super) fn campaign(&mut self, node: NodeId) -> Result<(), ActionError> {
        let mut fx = Effects::default();
        let m = self.members.get_mut(&node);
        let m = m.ok_or(ActionError::NoSuchMember { node })?;
        if !m.is_up() {
            return Err(ActionError::Down { node });
        }
        m.campaign(&mut Ctx {
            settings: &self.config.raft,
            rng: &mut self.rng,
            fx: &mut fx,
        });
        self.fault(format!("n{node} campaigns"));
        self.route(fx);
        Ok(())
    }

    /// Compacts a member's log into a snapshot now.
    pub(super) fn compact(&mut self, node: NodeId) -> Result<(), ActionError> {
        let mut fx = Effects::default();
        let m = self.existing_mut(node)?;
        let Some(applied) = m.live().map(|l| l.applied()) else {
            return Err(ActionError::Down { node });
        };
        // Compaction is at the applied index, and a snapshot never passes
        // it: a second Compact finds the snapshot exactly there.
        m.compact(&mut fx).map_err(|e| {
            let again = ActionError::AlreadyCompacted {
                index: applied,
                snapshot: applied,
            };
            if e == again.to_string() {
                again
            } else {
                ActionError::Other(e)
            }
        })?;
        self.route(fx);
        Ok(())
    }
}
