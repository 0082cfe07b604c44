//! Membership: changes proposed to the leader, their effect once
//! committed, and member replacement (a wiped member replaced by a new id).

use raft::prelude::{ConfChangeSingle, ConfChangeType, ConfState};
use raft_proto::new_conf_change_single;

use super::{Cluster, MAX_NODE_ID, MAX_VOTERS};
use crate::action::MemberChange;
use crate::action_error::ActionError;
use crate::disk::Disk;
use crate::member::{conf_members, Ctx, Effects, Member};
use crate::role::Role;
use crate::NodeId;

/// A member replacement under way.
#[derive(Clone, Copy, Debug)]
pub(super) struct Replacement {
    /// The wiped member, removed first.
    old: NodeId,
    /// Its successor, added once `old` is out.
    new: NodeId,
    /// Whether `old` was a learner (so `new` joins as one).
    learner: bool,
}

impl Cluster {
    /// Proposes membership changes together (more than one enters joint
    /// consensus); joining members start blank.
    pub(super) fn change_membership(
        &mut self,
        changes: &[(MemberChange, NodeId)],
    ) -> Result<(), ActionError> {
        if changes.is_empty() {
            return Err(ActionError::NoChange);
        }
        let current = conf_members(&self.conf);
        let mut singles: Vec<ConfChangeSingle> = Vec::new();
        let mut joining = Vec::new();
        for &(change, id) in changes {
            if id == 0 || id > MAX_NODE_ID {
                return Err(ActionError::IdOutOfRange);
            }
            if change != MemberChange::Remove
                && self.members.get(&id).is_some_and(Member::is_removed)
            {
                return Err(ActionError::IdNeverReused { node: id });
            }
            let is_member = current.contains(&id);
            let ty = match change {
                MemberChange::AddVoter => {
                    if self.conf.voters.contains(&id) {
                        return Err(ActionError::AlreadyVoter { node: id });
                    }
                    if self.conf.voters.len() as u64 >= MAX_VOTERS {
                        return Err(ActionError::TooManyVoters);
                    }
                    ConfChangeType::AddNode
                }
                MemberChange::AddLearner => {
                    if is_member {
                        return Err(ActionError::AlreadyMember { node: id });
                    }
                    ConfChangeType::AddLearnerNode
                }
                MemberChange::Remove => {
                    if !is_member {
                        return Err(ActionError::NotMember { node: id });
                    }
                    ConfChangeType::RemoveNode
                }
            };
            if !is_member && change != MemberChange::Remove {
                joining.push(id);
            }
            singles.push(new_conf_change_single(id, ty));
        }
        let leader = self.leader().ok_or(ActionError::NoLeaderForChange)?;
        let mut fx = Effects::default();
        let m = self.members.get_mut(&leader).expect("leader exists");
        m.propose_conf_change(
            singles,
            &mut Ctx {
                settings: &self.config.raft,
                rng: &mut self.rng,
                fx: &mut fx,
            },
        )?;
        let words: Vec<String> = changes
            .iter()
            .map(|(c, id)| format!("{c:?} n{id}").to_lowercase())
            .collect();
        self.fault(format!("membership: {}", words.join(", ")));
        self.route(fx);
        // A joining member starts blank and waits for the leader to reach it;
        // its first message from the leader brings the snapshot.
        for id in joining {
            // It may exist already, blank or catching up, from an earlier
            // proposal that was lost: then it keeps running as it is.
            if let std::collections::btree_map::Entry::Vacant(slot) = self.members.entry(id) {
                slot.insert(Member::new(id, Disk::empty()));
                self.start_member(id);
            }
        }
        Ok(())
    }

    /// The lowest id never used by any member.
    pub fn next_member_id(&self) -> Result<NodeId, ActionError> {
        let next = self.members.keys().next_back().copied().unwrap_or(0) + 1;
        if next > MAX_NODE_ID {
            return Err(ActionError::IdsUsedUp);
        }
        Ok(next)
    }

    /// The replacement under way: (old member, new member).
    pub fn replacement(&self) -> Option<(NodeId, NodeId)> {
        self.replacing.map(|r| (r.old, r.new))
    }

    /// Moves a replacement along: first the old member's removal, then the
    /// new member's addition, each once a leader can take it.
    pub(super) fn drive_replacement(&mut self) {
        let Some(Replacement { old, new, learner }) = self.replacing else {
            return;
        };
        let old_in_conf = conf_members(&self.conf).contains(&old);
        let change = if old_in_conf {
            (MemberChange::Remove, old)
        } else if learner {
            (MemberChange::AddLearner, new)
        } else {
            (MemberChange::AddVoter, new)
        };
        // Fails quietly while there is no leader or a change is pending; the
        // next tick tries again. A proposal that is lost is proposed again
        // once the committed membership shows it did not happen.
        let new_in_conf = conf_members(&self.conf).contains(&new);
        if new_in_conf {
            self.replacing = None;
        } else {
            let _ = self.change_membership(&[change]);
        }
    }

    /// Takes note of a committed membership; members it dropped stop.
    pub(super) fn on_conf_change(&mut self, index: u64, cs: ConfState) {
        if index <= self.conf_index {
            return; // A member replaying an older change.
        }
        let before = conf_members(&self.conf);
        let after = conf_members(&cs);
        self.conf = cs;
        self.conf_index = index;
        for id in before.into_iter().filter(|id| !after.contains(id)) {
            if self.members.get(&id).is_some_and(|m| !m.is_removed()) {
                self.stop_member(id, Role::Removed);
            }
        }
    }

    /// Member replacement, as etcd does it: see [`crate::Action::WipeAndRejoin`].
    pub(super) fn wipe_and_rejoin(&mut self, node: NodeId) -> Result<(), ActionError> {
        let m = self.existing(node)?;
        if m.is_removed() {
            return Err(ActionError::NotMember { node });
        }
        let voters = self.voters();
        if voters.contains(&node) && voters.len() < 3 {
            // Removing the wiped voter must be committed by the
            // others alone: with 2 voters that is impossible.
            return Err(ActionError::ReplaceTooFew {
                voters: voters.len(),
                node,
            });
        }
        if let Some(Replacement { old, .. }) = self.replacing {
            // Losing a second disk before the first replacement is
            // done could lose a quorum's worth of data for good.
            return Err(ActionError::StillReplacing { old });
        }
        let new = self.next_member_id()?;
        self.fault(format!("wipe n{node}; n{new} will replace it"));
        self.members.get_mut(&node).expect("exists").wipe_disk();
        self.stop_member(node, Role::Removed);
        let learner = self.conf.learners.contains(&node);
        self.replacing = Some(Replacement {
            old: node,
            new,
            learner,
        });
        self.drive_replacement();
        Ok(())
    }
}
