//! Why a follower rejected an append: it lacks the entry the append follows
//! (often only because an earlier append is still on its way: jitter let a
//! later one overtake it), or it holds a different entry there (the logs
//! really differ). Judged by the simulation from the follower's log at the
//! moment it rejected, and the network at that moment (`cluster/append_gap.rs`).

use serde::{Deserialize, Serialize};

use crate::lang::Lang;
use crate::NodeId;

/// What became of the append carrying the first entry a follower lacked.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Carrier {
    /// Still on the network: the rejected append overtook it.
    OnItsWay,
    /// It too arrived before the one it follows and was rejected for that,
    /// so the entry waits for the leader to resend it.
    RejectedEarly,
    /// None seen: lost, or never sent to this follower (a new leader first
    /// sends from its own last entry; the follower was away or new).
    None,
}

/// What the follower's log lacked or held where the append attached.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "gap", rename_all = "snake_case")]
pub enum AppendGap {
    /// Not known (an event read back from JSON: the trace's JSON and hash
    /// leave this out, so old hashes still hold).
    #[default]
    Unknown,
    /// The follower's log ends before the append's previous entry.
    Missing {
        /// The follower's last index.
        last: u64,
        /// What became of the append that carried entry `last + 1`.
        carrier: Carrier,
    },
    /// The follower has an entry at the append's previous index, from
    /// another term than the leader's.
    Differs {
        /// Term of the follower's entry there.
        follower_term: u64,
        /// Term of the leader's entry there.
        leader_term: u64,
    },
}

impl AppendGap {
    /// Why `follower` rejected `leader`'s append after entry `index`, and
    /// where the leader sends from now (`next`).
    pub fn words(
        &self,
        leader: NodeId,
        follower: NodeId,
        index: u64,
        next: u64,
        lang: Lang,
    ) -> String {
        let (l, f) = (leader, follower);
        match (*self, lang) {
            (AppendGap::Missing { last, carrier }, Lang::En) => {
                let k = last + 1;
                let why = match carrier {
                    Carrier::OnItsWay => format!(
                        "an earlier append carrying #{k} is still on its way and this one \
                         overtook it; nothing is wrong"
                    ),
                    Carrier::RejectedEarly => format!(
                        "the append carrying #{k} also overtook the one before it and was \
                         rejected for that; nothing is wrong"
                    ),
                    Carrier::None => format!(
                        "no append carrying #{k} is on its way to it (lost, or never sent \
                         to n{f})"
                    ),
                };
                format!(
                    "n{f} has no entry #{index} yet (its log ends at #{last}): {why}; \
                     n{l} sends again from #{next}"
                )
            }
            (AppendGap::Missing { last, carrier }, Lang::Zh) => {
                let k = last + 1;
                let why = match carrier {
                    Carrier::OnItsWay => {
                        format!("携带 #{k} 的更早一次追加还在路上，这一次先到了；并没有出错")
                    }
                    Carrier::RejectedEarly => format!(
                        "携带 #{k} 的那次追加也比它前面的一次先到，因此同样被拒绝；并没有出错"
                    ),
                    Carrier::None => {
                        format!("也没有携带 #{k} 的追加正发往它（丢失了，或从未发给 n{f}）")
                    }
                };
                format!(
                    "n{f} 还没有 #{index}（它的日志到 #{last} 为止）：{why}；\
                     n{l} 从 #{next} 开始重新发送"
                )
            }
            (
                AppendGap::Differs {
                    follower_term,
                    leader_term,
                },
                Lang::En,
            ) => format!(
                "the logs differ at #{index}: n{f}'s entry there is from term {follower_term}, \
                 n{l}'s from term {leader_term}; n{l} backs up to send from #{next}"
            ),
            (
                AppendGap::Differs {
                    follower_term,
                    leader_term,
                },
                Lang::Zh,
            ) => format!(
                "两者的日志在 #{index} 处不一致：n{f} 在那里的条目来自任期 {follower_term}，\
                 n{l} 的来自任期 {leader_term}；n{l} 回退，从 #{next} 开始发送"
            ),
            (AppendGap::Unknown, _) => unreachable!("callers word Unknown themselves"),
        }
    }
}
