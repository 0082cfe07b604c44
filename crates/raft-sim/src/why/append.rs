//! Why a follower rejected an append: it lacks the entry the append follows
//! (often only because an earlier append is still on its way: jitter let a
//! later one overtake it), or it holds a different entry there (the logs
//! really differ). Judged by the simulation from the follower's log at the
//! moment it rejected, and the network at that moment (`cluster/append_gap.rs`).

use serde::{Deserialize, Serialize};

use crate::lang::Lang;
use crate::NodeId;

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
        /// An append carrying entry `last + 1` to the follower was still on
        /// the network: the rejected one overtook it.
        earlier_on_its_way: bool,
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
        match (self, lang) {
            (
                AppendGap::Missing {
                    last,
                    earlier_on_its_way: true,
                },
                Lang::En,
            ) => format!(
                "n{f} has no entry #{index} yet (its log ends at #{last}): an earlier append \
                 carrying #{} is still on its way and this one overtook it; nothing is wrong, \
                 n{l} resends from #{next}",
                last + 1
            ),
            (
                AppendGap::Missing {
                    last,
                    earlier_on_its_way: true,
                },
                Lang::Zh,
            ) => format!(
                "n{f} 还没有 #{index}（它的日志到 #{last} 为止）：携带 #{} 的更早一次追加还在路上，\
                 这一次先到了；并没有出错，n{l} 从 #{next} 开始重新发送",
                last + 1
            ),
            (
                AppendGap::Missing {
                    last,
                    earlier_on_its_way: false,
                },
                Lang::En,
            ) => format!(
                "n{f} has no entry #{index} (its log ends at #{last}) and no append carrying \
                 #{} is on its way to it (lost, or sent before n{l} knew n{f} lacked it); \
                 n{l} sends from #{next}",
                last + 1
            ),
            (
                AppendGap::Missing {
                    last,
                    earlier_on_its_way: false,
                },
                Lang::Zh,
            ) => format!(
                "n{f} 没有 #{index}（它的日志到 #{last} 为止），也没有携带 #{} 的追加正发往它\
                 （丢失了，或 n{l} 此前不知道它缺少这些条目）；n{l} 从 #{next} 开始发送",
                last + 1
            ),
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
