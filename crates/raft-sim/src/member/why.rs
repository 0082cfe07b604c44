//! Why a member refused: each reason derived from the member's Raft state
//! right before it steps the request, in the order raft-rs 0.7's
//! `Raft::step` checks (src/raft.rs), so the event names the rule Raft
//! applied. Nothing here runs, or allocates, for a message that is not a
//! vote request, a rejected append, a dropped proposal or a leader's
//! CheckQuorum tick.

use raft::prelude::{Message, MessageType};
use raft::{StateRole, CAMPAIGN_TRANSFER};

use super::requests::{read_ctx, PendingRead};
use super::{Effects, Live};
use crate::kv::Command;
use crate::trace::EventKind;
use crate::why::{AppendGap, LogPos, ProposalDrop, ReadRefusal, VoteRefusal};
use crate::NodeId;

impl super::Member {
    /// What this member's log lacks or holds where the append `m` attaches,
    /// if raft-rs 0.7's `handle_append_entries` is about to reject it
    /// (its term is current, the previous entry is at or above the commit
    /// and does not match): `Err(last index)` when the log ends before
    /// `m.index`, `Ok(term)` of its own entry there otherwise. Costs two
    /// lookups in the log and allocates nothing.
    pub(crate) fn append_gap(&self, m: &Message) -> Option<Result<u64, u64>> {
        let r = &self.live.as_ref()?.raw.raft;
        let log = &r.raft_log;
        if m.get_msg_type() != MessageType::MsgAppend
            || m.term < r.term
            || m.index < log.committed
            || log.match_term(m.index, m.log_term)
        {
            return None;
        }
        match log.term(m.index) {
            Ok(t) if m.index <= log.last_index() => Some(Ok(t)),
            _ => Some(Err(log.last_index())),
        }
    }
}

impl Live {
    /// Steps a message from the network and records why Raft refused it,
    /// when it did.
    pub(super) fn step_explained(&mut self, msg: Message, fx: &mut Effects) {
        let id = self.raw.raft.id;
        match msg.get_msg_type() {
            t @ (MessageType::MsgRequestVote | MessageType::MsgRequestPreVote) => {
                let pre_vote = t == MessageType::MsgRequestPreVote;
                let (candidate, term) = (msg.from, msg.term);
                let refusal = self.judge_vote(&msg);
                let before = self.raw.raft.msgs.len();
                // Errors here are messages for a peer this member no longer
                // knows, or stale ones; Raft ignores them by design.
                let _ = self.raw.step(msg);
                self.check_vote_answer(before, candidate, pre_vote, refusal.as_ref());
                if let Some(reason) = refusal {
                    fx.events.push(EventKind::VoteRefused {
                        voter: id,
                        candidate,
                        pre_vote,
                        term,
                        reason,
                    });
                }
            }
            MessageType::MsgAppendResponse if msg.reject => {
                let (follower, index, hint_index, hint_term) =
                    (msg.from, msg.index, msg.reject_hint, msg.log_term);
                let before = self.next_index(follower);
                let _ = self.raw.step(msg);
                // raft-rs ignores a stale rejection; only one that makes the
                // leader back up is part of the story.
                if let (Some(b), Some(next)) = (before, self.next_index(follower)) {
                    if next < b {
                        fx.events.push(EventKind::AppendRejected {
                            leader: id,
                            follower,
                            index,
                            hint_index,
                            hint_term,
                            next,
                            // The cluster says which (it saw the follower
                            // reject: cluster/append_gap.rs).
                            gap: AppendGap::Unknown,
                        });
                    }
                }
            }
            MessageType::MsgPropose => {
                // Judged before the step, which consumes the message: the
                // request's id is decoded only for a proposal to be dropped.
                let drop = self.proposal_drop();
                let from = msg.from;
                let op_id = drop
                    .and(msg.entries.first())
                    .and_then(|e| Command::decode(&e.data))
                    .map(|c| c.op_id);
                let result = self.raw.step(msg);
                debug_assert_eq!(
                    drop.is_some(),
                    matches!(result, Err(raft::Error::ProposalDropped)),
                    "n{id} judged a forwarded proposal as {drop:?}"
                );
                if let Some(reason) = drop {
                    fx.events.push(EventKind::ProposalDropped {
                        node: id,
                        from,
                        op_id,
                        reason,
                    });
                }
            }
            _ => {
                let _ = self.raw.step(msg);
            }
        }
    }

    /// What raft-rs 0.7 does with a vote or pre-vote request, judged from
    /// the state before stepping it: `None` grants it.
    fn judge_vote(&self, m: &Message) -> Option<VoteRefusal> {
        let r = &self.raw.raft;
        let pre_vote = m.get_msg_type() == MessageType::MsgRequestPreVote;
        let (mut vote, mut leader) = (r.vote, r.leader_id);
        if m.term > r.term {
            // CheckQuorum's lease: a member that heard from a leader within
            // the (non-randomized) election timeout ignores the request,
            // unless a leader transfer asked for the election.
            let forced = m.context.as_ref() == CAMPAIGN_TRANSFER;
            let in_lease =
                r.check_quorum && r.leader_id != 0 && r.election_elapsed < r.election_timeout();
            if !forced && in_lease {
                return Some(VoteRefusal::LeaderLease {
                    leader: r.leader_id,
                    elapsed: r.election_elapsed as u64,
                    timeout: r.election_timeout() as u64,
                });
            }
            if !pre_vote {
                // It becomes a follower of the new term first: no vote, no
                // leader yet.
                (vote, leader) = (0, 0);
            }
        } else if m.term < r.term {
            return Some(VoteRefusal::StaleTerm { voter_term: r.term });
        }
        let can_vote =
            vote == m.from || (vote == 0 && leader == 0) || (pre_vote && m.term > r.term);
        if !can_vote {
            return Some(if vote != 0 {
                VoteRefusal::AlreadyVoted {
                    voted_for: vote,
                    term: r.term,
                }
            } else {
                VoteRefusal::HasLeader {
                    leader,
                    term: r.term,
                }
            });
        }
        // raft-rs also compares priorities when the logs are equal; every
        // member here has the default priority, so that never decides.
        let log = &r.raft_log;
        if !log.is_up_to_date(m.index, m.log_term) {
            return Some(VoteRefusal::LogBehind {
                candidate: LogPos {
                    term: m.log_term,
                    index: m.index,
                },
                voter: LogPos {
                    term: log.last_term(),
                    index: log.last_index(),
                },
            });
        }
        None
    }

    /// The judgement must agree with the answer raft-rs produced: a
    /// refusal with `reject` set, a grant without, and no answer at all for
    /// an ignored request. Checked in debug builds (every test), so a
    /// raft-rs rule this file does not know of fails the tests instead of
    /// putting a wrong reason on the page.
    fn check_vote_answer(
        &self,
        before: usize,
        candidate: NodeId,
        pre_vote: bool,
        refusal: Option<&VoteRefusal>,
    ) {
        if cfg!(debug_assertions) {
            let resp = if pre_vote {
                MessageType::MsgRequestPreVoteResponse
            } else {
                MessageType::MsgRequestVoteResponse
            };
            let answer = (self.raw.raft.msgs.get(before..).unwrap_or_default())
                .iter()
                .find(|m| m.to == candidate && m.get_msg_type() == resp)
                .map(|m| m.reject);
            let expected = match refusal {
                Some(r) if r.unanswered(pre_vote) => None,
                Some(_) => Some(true),
                None => Some(false),
            };
            assert_eq!(
                answer, expected,
                "n{} judged a vote request from n{candidate} as {refusal:?}",
                self.raw.raft.id
            );
        }
    }

    /// The next index a leader sends to `follower`.
    fn next_index(&self, follower: NodeId) -> Option<u64> {
        if self.raw.raft.state != StateRole::Leader {
            return None;
        }
        self.raw.raft.prs().get(follower).map(|p| p.next_idx)
    }

    /// Whether raft-rs 0.7 would drop a proposal given to this member now,
    /// and why: a leader drops proposals once removed or while it
    /// transfers leadership (the uncommitted-size limit, its third reason,
    /// is not set here); a follower when it knows no leader to forward to
    /// (forwarding is on); a candidate always.
    pub(super) fn proposal_drop(&self) -> Option<ProposalDrop> {
        let r = &self.raw.raft;
        match r.state {
            StateRole::Leader if r.prs().get(r.id).is_none() => Some(ProposalDrop::NotMember),
            StateRole::Leader => r
                .lead_transferee
                .map(|to| ProposalDrop::Transferring { to }),
            StateRole::Follower if r.leader_id != 0 => None,
            _ => Some(ProposalDrop::NoLeader { term: r.term }),
        }
    }

    /// Why a read timed out, from what it waited for.
    pub(super) fn read_refusal(&self, op_id: u64, read: &PendingRead) -> ReadRefusal {
        let r = &self.raw.raft;
        let voters = self.voters();
        match (read.requested_at, read.read_index) {
            (None, _) => ReadRefusal::NoLeader,
            (Some(_), Some(index)) => ReadRefusal::NotApplied {
                index,
                applied: self.applied,
            },
            (Some(_), None) if r.state == StateRole::Leader && !r.commit_to_current_term() => {
                ReadRefusal::NoCommitInTerm {
                    leader: r.id,
                    term: r.term,
                }
            }
            (Some(_), None) if r.state == StateRole::Leader => {
                let ctx = read_ctx(op_id, read.mode);
                let heard = (r.read_only.pending_read_index.get(&ctx))
                    .map(|s| voters.iter().filter(|v| s.acks.contains(v)).count() as u64);
                ReadRefusal::NotConfirmed {
                    leader: r.id,
                    heard,
                    voters: voters.len() as u64,
                }
            }
            (Some(_), None) => ReadRefusal::NotConfirmed {
                leader: read.asked,
                heard: None,
                voters: voters.len() as u64,
            },
        }
    }

    /// Voters of the configuration in force (both halves while joint).
    pub(super) fn voters(&self) -> Vec<NodeId> {
        let cs = &self.conf_state;
        let mut v: Vec<NodeId> = cs
            .voters
            .iter()
            .chain(&cs.voters_outgoing)
            .copied()
            .collect();
        v.sort_unstable();
        v.dedup();
        v
    }

    /// Whether the next tick runs CheckQuorum on this leader.
    pub(super) fn quorum_check_due(&self) -> bool {
        let r = &self.raw.raft;
        r.state == StateRole::Leader
            && r.check_quorum
            && r.election_elapsed + 1 >= r.election_timeout()
    }

    /// The voters this leader heard from since the last CheckQuorum, itself
    /// included (raft-rs forgets it during the check, so it is read first).
    pub(super) fn heard_voters(&self) -> Vec<NodeId> {
        let r = &self.raw.raft;
        let mut voters = self.voters();
        voters.retain(|&v| v == r.id || r.prs().get(v).is_some_and(|p| p.recent_active));
        voters
    }
}
