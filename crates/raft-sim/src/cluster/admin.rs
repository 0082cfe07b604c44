//! What an operator asks of Raft itself: PreVote and CheckQuorum, leader
//! transfer, a campaign, a log compaction.

use super::Cluster;
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
    pub(super) fn transfer_leader(&mut self, to: NodeId) -> Result<(), String> {
        self.existing(to)?;
        let leader = self.leader().ok_or("there is no leader")?;
        if leader == to {
            return Err(format!("n{to} already leads"));
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
    pub(super) fn campaign(&mut self, node: NodeId) -> Result<(), String> {
        let mut fx = Effects::default();
        let m = self.members.get_mut(&node);
        let m = m.ok_or_else(|| format!("there is no member n{node}"))?;
        if !m.is_up() {
            return Err(format!("n{node} is down"));
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
    pub(super) fn compact(&mut self, node: NodeId) -> Result<(), String> {
        let mut fx = Effects::default();
        self.existing_mut(node)?.compact(&mut fx)?;
        self.route(fx);
        Ok(())
    }
}
