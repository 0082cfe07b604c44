//! Why an entry is not committed yet: whose acknowledgements a leader has,
//! how many more it needs, and what keeps each missing voter from giving
//! one (down, unreachable, or behind).

use serde::{Deserialize, Serialize};

use crate::cluster::Cluster;
use crate::lang::Lang;
use crate::reach::{quorum_size, talk};
use crate::role::Role;
use crate::NodeId;

use super::list;

/// What keeps a voter from acknowledging an entry.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "lag", rename_all = "snake_case")]
pub enum Lag {
    /// It is not running.
    Down,
    /// It runs, but the link to or from the leader is cut.
    Unreachable,
    /// It runs and talks to the leader, but its log does not hold the
    /// entry yet (in flight, or catching up).
    Behind {
        /// The highest index the leader knows it holds.
        matched: u64,
    },
}

/// Why an entry on a leader is not committed yet.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct CommitWait {
    /// The leader holding the entry.
    pub leader: NodeId,
    /// The leader's term.
    pub leader_term: u64,
    /// The entry's index.
    pub index: u64,
    /// The entry's term.
    pub term: u64,
    /// Voters whose log holds it, the leader included.
    pub acked: Vec<NodeId>,
    /// Every voter (both configurations while joint).
    pub voters: Vec<NodeId>,
    /// Acknowledgements still missing for a quorum (while joint, of the
    /// configuration that lacks more).
    pub more: usize,
    /// The voters that have not acknowledged it, and why.
    pub missing: Vec<(NodeId, Lag)>,
}

impl CommitWait {
    /// A quorum holds it, but it is from an older term: Raft commits an
    /// earlier term's entry only by committing one of the leader's own
    /// term after it, never by counting its copies.
    pub fn waits_for_own_term(&self) -> bool {
        self.more == 0 && self.term < self.leader_term
    }

    /// In plain words: "#12 waits for 1 more acknowledgement (2 of 5 voters
    /// have it, a quorum is 3); n4 and n5 are unreachable".
    pub fn describe(&self, lang: Lang) -> String {
        let (index, leader) = (self.index, self.leader);
        let quorum = quorum_size(self.voters.len());
        let have = self.acked.len();
        let all = self.voters.len();
        let mut s = match (lang, self.waits_for_own_term()) {
            (Lang::En, true) => format!(
                "#{index} is on a quorum but comes from term {}: n{leader} commits it only \
                 together with an entry of its own term {}",
                self.term, self.leader_term
            ),
            (Lang::Zh, true) => format!(
                "#{index} 已复制到法定人数，但它来自任期 {}：n{leader} 只有在提交自己任期 {} 的条目时\
                 才会一并提交它",
                self.term, self.leader_term
            ),
            (Lang::En, false) => {
                let plural = if self.more == 1 { "" } else { "s" };
                format!(
                    "#{index} waits for {} more acknowledgement{plural} \
                     ({have} of {all} voters have it, a quorum is {quorum})",
                    self.more
                )
            }
            (Lang::Zh, false) => format!(
                "#{index} 还需要 {} 个确认（{all} 个投票成员中 {have} 个已有，法定人数是 {quorum}）",
                self.more
            ),
        };
        let group = |want: fn(&Lag) -> bool| -> Vec<NodeId> {
            (self.missing.iter())
                .filter(|(_, l)| want(l))
                .map(|(n, _)| *n)
                .collect()
        };
        let unreachable = group(|l| *l == Lag::Unreachable);
        let down = group(|l| *l == Lag::Down);
        let behind: Vec<(NodeId, u64)> = (self.missing.iter())
            .filter_map(|(n, l)| match l {
                Lag::Behind { matched } => Some((*n, *matched)),
                _ => None,
            })
            .collect();
        let mut parts = Vec::new();
        let is_are = |v: &[NodeId]| if v.len() == 1 { "is" } else { "are" };
        if !unreachable.is_empty() {
            parts.push(match lang {
                Lang::En => format!(
                    "{} {} unreachable",
                    list(&unreachable, lang),
                    is_are(&unreachable)
                ),
                Lang::Zh => format!("{} 不可达", list(&unreachable, lang)),
            });
        }
        if !down.is_empty() {
            parts.push(match lang {
                Lang::En => format!("{} {} down", list(&down, lang), is_are(&down)),
                Lang::Zh => format!("{} 已崩溃", list(&down, lang)),
            });
        }
        for (n, matched) in behind {
            parts.push(match lang {
                Lang::En => format!("n{n} has it up to #{matched} so far"),
                Lang::Zh => format!("n{n} 目前只到 #{matched}"),
            });
        }
        if !parts.is_empty() {
            match lang {
                Lang::En => {
                    s.push_str("; ");
                    s.push_str(&parts.join(", "));
                }
                Lang::Zh => {
                    s.push('；');
                    s.push_str(&parts.join("，"));
                }
            }
        }
        s
    }
}

impl Cluster {
    /// Why the entry at `index` on `leader` is not committed yet; `None`
    /// when `leader` does not lead, has no such entry, or has committed it.
    pub fn commit_wait(&self, leader: NodeId, index: u64) -> Option<CommitWait> {
        let live = self.member(leader)?.live()?;
        if live.role() != Role::Leader || index <= live.commit() || index > live.last_index() {
            return None;
        }
        let raft = &live.raw().raft;
        let cs = live.conf_state();
        let holds =
            |v: NodeId| v == leader || raft.prs().get(v).is_some_and(|p| p.matched >= index);
        let lacking = |half: &[NodeId]| {
            let have = half.iter().filter(|&&v| holds(v)).count();
            quorum_size(half.len()).saturating_sub(have)
        };
        let mut more = lacking(&cs.voters);
        if !cs.voters_outgoing.is_empty() {
            more = more.max(lacking(&cs.voters_outgoing));
        }
        let mut voters: Vec<NodeId> = cs
            .voters
            .iter()
            .chain(&cs.voters_outgoing)
            .copied()
            .collect();
        voters.sort_unstable();
        voters.dedup();
        let (acked, waiting): (Vec<NodeId>, Vec<NodeId>) = voters.iter().partition(|&&v| holds(v));
        let missing = waiting
            .into_iter()
            .map(|v| {
                let up = self.member(v).is_some_and(|m| m.is_up());
                let lag = if !up {
                    Lag::Down
                } else if !talk(self.network(), leader, v) {
                    Lag::Unreachable
                } else {
                    Lag::Behind {
                        matched: raft.prs().get(v).map_or(0, |p| p.matched),
                    }
                };
                (v, lag)
            })
            .collect();
        Some(CommitWait {
            leader,
            leader_term: live.term(),
            index,
            term: live.term_at(index)?,
            acked,
            voters,
            more,
            missing,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_issues_sentence() {
        let w = CommitWait {
            leader: 1,
            leader_term: 2,
            index: 12,
            term: 2,
            acked: vec![1, 2],
            voters: vec![1, 2, 3, 4, 5],
            more: 1,
            missing: vec![
                (3, Lag::Behind { matched: 9 }),
                (4, Lag::Unreachable),
                (5, Lag::Unreachable),
            ],
        };
        assert_eq!(
            w.describe(Lang::En),
            "#12 waits for 1 more acknowledgement (2 of 5 voters have it, a quorum is 3); \
             n4 and n5 are unreachable, n3 has it up to #9 so far"
        );
        let old = CommitWait {
            term: 1,
            more: 0,
            acked: vec![1, 2, 3],
            missing: vec![(4, Lag::Down), (5, Lag::Down)],
            ..w.clone()
        };
        assert!(old.waits_for_own_term() && !w.waits_for_own_term());
        assert_eq!(
            old.describe(Lang::En),
            "#12 is on a quorum but comes from term 1: n1 commits it only together with an \
             entry of its own term 2; n4 and n5 are down"
        );
        assert_eq!(
            w.describe(Lang::Zh),
            "#12 还需要 1 个确认（5 个投票成员中 2 个已有，法定人数是 3）；n4、n5 不可达，n3 目前只到 #9"
        );
    }
}
