//! Actions: everything a user, a script or the chaos nemesis does to the
//! cluster. They are plain data, so a session can be kept as a list of them.

use serde::{Deserialize, Serialize};

use crate::client::{ClientOp, ReadMode};
use crate::network::NetConfig;
use crate::NodeId;

/// One membership change, as in etcd's `member add/promote/remove`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum MemberChange {
    /// Add a voter (or promote a learner).
    AddVoter,
    /// Add a learner.
    AddLearner,
    /// Remove a member.
    Remove,
}

/// Something a user, script or nemesis does to the cluster.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(tag = "action", rename_all = "snake_case")]
#[allow(missing_docs)] // Fields without a comment are what their names say.
pub enum Action {
    /// Stop a member; its disk survives.
    Crash { node: NodeId },
    /// Start a crashed member from its disk.
    Restart { node: NodeId },
    /// Member replacement, as etcd does it: the member loses its disk for
    /// good, is removed from the cluster, and a blank member with a new id
    /// joins in its place and catches up by snapshot. (A wiped member must
    /// not come back under its old id: a stale leader or candidate that
    /// still counts the old one could be handed promises the old disk made
    /// and the new one forgot.)
    WipeAndRejoin { node: NodeId },
    /// Cut a member off from all others, both ways.
    Isolate { node: NodeId },
    /// Split the members into groups that cannot talk to each other.
    Partition {
        /// The groups; members in none are isolated.
        groups: Vec<Vec<NodeId>>,
    },
    /// Cut every link from `from` members to `to` members (one way).
    PartitionOneway { from: Vec<NodeId>, to: Vec<NodeId> },
    /// Cut one link (`both`: in both directions).
    Cut {
        from: NodeId,
        to: NodeId,
        both: bool,
    },
    /// Restore one link (`both`: in both directions).
    Repair {
        from: NodeId,
        to: NodeId,
        both: bool,
    },
    /// Restore every link and release every held message.
    HealAll,
    /// Hold one message in flight.
    Hold { msg: u64 },
    /// Release one held message.
    Release { msg: u64 },
    /// Drop one message in flight.
    Drop { msg: u64 },
    /// Hold every message on a link until released.
    HoldLink { from: NodeId, to: NodeId },
    /// Release a held link and its messages.
    ReleaseLink { from: NodeId, to: NodeId },
    /// Change latency, jitter, loss and duplication.
    SetNetwork { net: NetConfig },
    /// Turn PreVote on or off on every member.
    SetPreVote { on: bool },
    /// Turn CheckQuorum on or off on every member.
    SetCheckQuorum { on: bool },
    /// A client request to a member.
    Client {
        /// Client id (for the history).
        client: u64,
        /// Member to send it to.
        node: NodeId,
        op: ClientOp,
        /// Read mode (ignored for writes).
        mode: ReadMode,
    },
    /// Watch a key (or a prefix) on a member. If that member goes down,
    /// the watch moves to another running one and resumes where it was,
    /// as an etcd client's watch does.
    Watch {
        /// Member serving the watch.
        node: NodeId,
        /// Key or prefix.
        key: String,
        /// Whether `key` is a prefix.
        prefix: bool,
        /// The first revision to report (`etcdctl watch --rev`): changes
        /// from it on are replayed from the member's history; 0 reports
        /// changes from now on. A compacted revision cancels the watch,
        /// as in etcd.
        #[serde(default)]
        start_revision: u64,
    },
    /// Cancel a watch.
    CancelWatch { watch: u64 },
    /// Membership changes proposed together (more than one enters joint
    /// consensus, left automatically).
    ChangeMembership {
        changes: Vec<(MemberChange, NodeId)>,
    },
    /// Ask the leader to hand leadership to a member.
    TransferLeader {
        /// The new leader.
        to: NodeId,
    },
    /// Make a member start an election now.
    Campaign { node: NodeId },
    /// Compact a member's log into a snapshot now.
    Compact { node: NodeId },
}
