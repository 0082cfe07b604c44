//! Why Raft refused something, as data: the rule raft-rs applied and the
//! facts it applied it to, so the page and the event log can say it in
//! plain words, in English and in Chinese.
//!
//! The member derives each reason from its own state when it steps the
//! request (see `member/why.rs`), in the order raft-rs 0.7 checks them, so
//! the reason is the one Raft acted on, not a guess made afterwards.

use serde::{Deserialize, Serialize};

use crate::lang::Lang;
use crate::NodeId;

mod append;
mod commit;

pub use append::{AppendGap, Carrier};
pub use commit::{CommitWait, Lag};

/// The last entry of a log: what a vote compares.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct LogPos {
    /// Term of the last entry.
    pub term: u64,
    /// Index of the last entry.
    pub index: u64,
}

/// Why a member did not grant a vote or a pre-vote.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "rule", rename_all = "snake_case")]
pub enum VoteRefusal {
    /// The candidate's log is behind the voter's (Raft's election
    /// restriction: compare last term, then last index).
    LogBehind {
        /// The candidate's last entry.
        candidate: LogPos,
        /// The voter's last entry.
        voter: LogPos,
    },
    /// The voter already voted for another candidate in this term.
    AlreadyVoted {
        /// Whom it voted for.
        voted_for: NodeId,
        /// The term of that vote.
        term: u64,
    },
    /// The voter has not voted but already follows a leader of this term.
    HasLeader {
        /// The leader it follows.
        leader: NodeId,
        /// Their term.
        term: u64,
    },
    /// The request carries a term older than the voter's.
    StaleTerm {
        /// The voter's term.
        voter_term: u64,
    },
    /// CheckQuorum's lease: the voter heard from a leader within the
    /// election timeout (or leads itself), so it ignores the request and
    /// does not answer at all.
    LeaderLease {
        /// The leader it heard from (itself if it leads).
        leader: NodeId,
        /// Ticks since it last heard from that leader.
        elapsed: u64,
        /// The election timeout in ticks.
        timeout: u64,
    },
}

impl VoteRefusal {
    /// Whether raft-rs sends no answer at all for this refusal (the
    /// candidate then just waits for its election timeout).
    pub fn unanswered(&self, pre_vote: bool) -> bool {
        match self {
            VoteRefusal::LeaderLease { .. } => true,
            // raft-rs answers a stale pre-vote (so an old pre-candidate
            // learns the term) but ignores a stale vote request.
            VoteRefusal::StaleTerm { .. } => !pre_vote,
            _ => false,
        }
    }

    /// The reason in words, after "n3 refused n5 …: ".
    pub fn words(&self, voter: NodeId, candidate: NodeId, lang: Lang) -> String {
        match lang {
            Lang::En => match self {
                VoteRefusal::LogBehind { candidate: c, voter: v } => format!(
                    "n{candidate}'s log (term {}, index {}) is behind n{voter}'s (term {}, index {})",
                    c.term, c.index, v.term, v.index
                ),
                VoteRefusal::AlreadyVoted { voted_for, term } => {
                    format!("already voted for n{voted_for} in term {term}")
                }
                VoteRefusal::HasLeader { leader, term } => {
                    format!("n{voter} already follows leader n{leader} in term {term}")
                }
                VoteRefusal::StaleTerm { voter_term } => {
                    format!("the request's term is older than n{voter}'s term {voter_term}")
                }
                VoteRefusal::LeaderLease { leader, .. } if *leader == voter => format!(
                    "n{voter} leads and still has a quorum's lease (CheckQuorum), so it does not answer"
                ),
                VoteRefusal::LeaderLease {
                    leader,
                    elapsed,
                    timeout,
                } => format!(
                    "n{voter} heard from leader n{leader} {elapsed} ticks ago, within the \
                     election timeout of {timeout} ticks (CheckQuorum), so it does not answer"
                ),
            },
            Lang::Zh => match self {
                VoteRefusal::LogBehind { candidate: c, voter: v } => format!(
                    "n{candidate} 的日志（任期 {}，索引 {}）落后于 n{voter} 的日志（任期 {}，索引 {}）",
                    c.term, c.index, v.term, v.index
                ),
                VoteRefusal::AlreadyVoted { voted_for, term } => {
                    format!("n{voter} 在任期 {term} 已经投票给 n{voted_for}")
                }
                VoteRefusal::HasLeader { leader, term } => {
                    format!("n{voter} 在任期 {term} 已经跟随领导者 n{leader}")
                }
                VoteRefusal::StaleTerm { voter_term } => {
                    format!("请求的任期比 n{voter} 的任期 {voter_term} 旧")
                }
                VoteRefusal::LeaderLease { leader, .. } if *leader == voter => {
                    format!("n{voter} 是领导者，租约仍然有效（CheckQuorum），所以不回应")
                }
                VoteRefusal::LeaderLease {
                    leader,
                    elapsed,
                    timeout,
                } => format!(
                    "n{voter} 在 {elapsed} 个 tick 前收到过领导者 n{leader} 的消息，\
                     仍在 {timeout} 个 tick 的选举超时之内（CheckQuorum），所以不回应"
                ),
            },
        }
    }
}

/// Why Raft dropped a proposal (raft-rs `ProposalDropped`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "rule", rename_all = "snake_case")]
pub enum ProposalDrop {
    /// The member knows no leader to forward it to (a follower between
    /// leaders, or a candidate).
    NoLeader {
        /// The member's term.
        term: u64,
    },
    /// The leader is handing leadership over and takes no new entries.
    Transferring {
        /// The member it hands over to.
        to: NodeId,
    },
    /// The leader was removed from the configuration.
    NotMember,
}

impl ProposalDrop {
    /// The reason in words.
    pub fn words(&self, node: NodeId, lang: Lang) -> String {
        match lang {
            Lang::En => match self {
                ProposalDrop::NoLeader { term } => {
                    format!("n{node} knows no leader in term {term}")
                }
                ProposalDrop::Transferring { to } => {
                    format!("n{node} is transferring leadership to n{to}")
                }
                ProposalDrop::NotMember => format!("n{node} is no longer a member"),
            },
            Lang::Zh => match self {
                ProposalDrop::NoLeader { term } => {
                    format!("n{node} 在任期 {term} 不知道领导者是谁")
                }
                ProposalDrop::Transferring { to } => {
                    format!("n{node} 正在把领导权转移（leader transfer）给 n{to}")
                }
                ProposalDrop::NotMember => format!("n{node} 已经不是成员"),
            },
        }
    }
}

/// Why a read (ReadIndex or lease) was not answered in time.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "rule", rename_all = "snake_case")]
pub enum ReadRefusal {
    /// The member never knew a leader to ask for a read index (raft-rs
    /// drops a ReadIndex request without one).
    NoLeader,
    /// The leader's heartbeat round for this read was not confirmed by a
    /// quorum: it cannot know it still leads.
    NotConfirmed {
        /// The leader that asked (this member, if it still leads).
        leader: NodeId,
        /// Voters that confirmed, the leader included; `None` when the
        /// member no longer leads and so no longer knows.
        heard: Option<u64>,
        /// Voters in all.
        voters: u64,
    },
    /// A new leader answers reads only after it committed an entry of its
    /// own term (until then its commit index may be behind).
    NoCommitInTerm {
        /// The leader.
        leader: NodeId,
        /// Its term.
        term: u64,
    },
    /// The read index is known, but the member has not applied up to it.
    NotApplied {
        /// The read index.
        index: u64,
        /// The member's applied index.
        applied: u64,
    },
}

impl ReadRefusal {
    /// The reason in words.
    pub fn words(&self, node: NodeId, lang: Lang) -> String {
        match lang {
            Lang::En => match self {
                ReadRefusal::NoLeader => {
                    format!("n{node} knew no leader to ask for a read index")
                }
                ReadRefusal::NotConfirmed {
                    leader,
                    heard: Some(h),
                    voters,
                } => format!(
                    "n{leader} could not confirm it still leads ({h} of {voters} voters \
                     answered its ReadIndex heartbeat; a quorum is {})",
                    crate::reach::quorum_size(*voters as usize)
                ),
                ReadRefusal::NotConfirmed { leader, .. } => format!(
                    "n{leader} never had its leadership confirmed by a quorum for this ReadIndex"
                ),
                ReadRefusal::NoCommitInTerm { leader, term } => format!(
                    "n{leader} has not yet committed an entry of its term {term}, \
                     so it does not serve reads"
                ),
                ReadRefusal::NotApplied { index, applied } => {
                    format!("n{node} has applied up to #{applied}, not yet the read index #{index}")
                }
            },
            Lang::Zh => match self {
                ReadRefusal::NoLeader => {
                    format!("n{node} 不知道领导者是谁，无法获取读索引（ReadIndex）")
                }
                ReadRefusal::NotConfirmed {
                    leader,
                    heard: Some(h),
                    voters,
                } => format!(
                    "n{leader} 无法确认自己仍是领导者（{voters} 个投票成员中只有 {h} 个回应了 \
                     ReadIndex 心跳，法定人数是 {}）",
                    crate::reach::quorum_size(*voters as usize)
                ),
                ReadRefusal::NotConfirmed { leader, .. } => {
                    format!("n{leader} 的领导者身份始终没有得到法定人数确认（ReadIndex）")
                }
                ReadRefusal::NoCommitInTerm { leader, term } => {
                    format!("n{leader} 还没有提交自己任期 {term} 的日志条目，因此不处理读请求")
                }
                ReadRefusal::NotApplied { index, applied } => {
                    format!("n{node} 只应用到 #{applied}，还没有到读索引 #{index}")
                }
            },
        }
    }
}

/// Member ids as "n4 and n5" / "n4、n5".
pub fn list(ids: &[NodeId], lang: Lang) -> String {
    let names: Vec<String> = ids.iter().map(|n| format!("n{n}")).collect();
    match lang {
        Lang::En => match names.split_last() {
            None => String::new(),
            Some((last, [])) => last.clone(),
            Some((last, rest)) => format!("{} and {last}", rest.join(", ")),
        },
        Lang::Zh => names.join("、"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_issues_sentences_come_out_in_both_languages() {
        let r = VoteRefusal::LogBehind {
            candidate: LogPos { term: 3, index: 7 },
            voter: LogPos { term: 4, index: 9 },
        };
        assert_eq!(
            r.words(3, 5, Lang::En),
            "n5's log (term 3, index 7) is behind n3's (term 4, index 9)"
        );
        assert_eq!(
            r.words(3, 5, Lang::Zh),
            "n5 的日志（任期 3，索引 7）落后于 n3 的日志（任期 4，索引 9）"
        );
        let r = VoteRefusal::AlreadyVoted {
            voted_for: 2,
            term: 4,
        };
        assert_eq!(r.words(3, 5, Lang::En), "already voted for n2 in term 4");
        assert_eq!(list(&[4, 5], Lang::En), "n4 and n5");
        assert_eq!(list(&[1, 4, 5], Lang::En), "n1, n4 and n5");
        assert_eq!(list(&[4, 5], Lang::Zh), "n4、n5");
    }
}
