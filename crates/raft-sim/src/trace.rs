//! The trace: a typed stream of everything that happened, with a stable hash.
//!
//! The page's event log, the CLI's counters and the determinism tests all
//! read the trace. Its hash folds the JSON form of every event in order, so
//! two runs with the same seed and actions have the same hash on any
//! platform, and any difference at all (one message more, one tick later)
//! changes it.

use std::collections::VecDeque;

use serde::{Deserialize, Serialize};

use crate::client::{ClientOp, OpResult, ReadMode};
use crate::hash::{fnv1a_extend, FNV_OFFSET};
use crate::kv::WatchEvent;
use crate::lang::Lang;
use crate::network::{DropReason, MsgKind};
use crate::role::Role;
use crate::why::{AppendGap, ProposalDrop, ReadRefusal, VoteRefusal};
use crate::NodeId;

mod words;

/// What happened.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
#[allow(missing_docs)] // Fields without a comment are what their names say.
pub enum EventKind {
    /// A member put a message on the network.
    MessageSent {
        /// Network message id.
        id: u64,
        from: NodeId,
        to: NodeId,
        kind: MsgKind,
        /// Raft term carried by the message.
        term: u64,
        /// Delivery time, if it is not held or doomed.
        deliver_at: u64,
    },
    /// A message reached its receiver.
    MessageDelivered {
        /// Network message id.
        id: u64,
        from: NodeId,
        to: NodeId,
        kind: MsgKind,
    },
    /// A message was lost.
    MessageDropped {
        /// Network message id.
        id: u64,
        from: NodeId,
        to: NodeId,
        kind: MsgKind,
        reason: DropReason,
    },
    /// A member's role or term changed.
    RoleChanged {
        node: NodeId,
        role: Role,
        /// Its term now.
        term: u64,
    },
    /// A member persisted a vote.
    Voted {
        node: NodeId,
        /// The member voted for.
        candidate: NodeId,
        /// The term of the vote.
        term: u64,
    },
    /// A member learned a new commit index.
    Committed {
        node: NodeId,
        /// Its commit index.
        index: u64,
    },
    /// A member applied an entry to its KV.
    Applied {
        node: NodeId,
        index: u64,
        term: u64,
        /// Short description of the entry.
        what: String,
    },
    /// A member installed a snapshot received from the leader.
    SnapshotInstalled { node: NodeId, index: u64 },
    /// A member compacted its log into a snapshot.
    Compacted {
        node: NodeId,
        /// Last index folded into the snapshot.
        index: u64,
    },
    /// A member applied a membership change.
    MembershipChanged {
        /// The member that applied it.
        node: NodeId,
        /// Voters now.
        voters: Vec<NodeId>,
        /// Voters of the outgoing configuration while joint.
        outgoing: Vec<NodeId>,
        /// Learners now.
        learners: Vec<NodeId>,
    },
    /// A client sent a request.
    ClientInvoke {
        op_id: u64,
        client: u64,
        /// Member the request went to.
        node: NodeId,
        op: ClientOp,
        /// Read mode, for reads.
        mode: Option<ReadMode>,
    },
    /// A client request finished.
    ClientComplete { op_id: u64, result: OpResult },
    /// A watch saw a change.
    Watch {
        watch: u64,
        /// Member serving the watch.
        node: NodeId,
        event: WatchEvent,
    },
    /// A watch was canceled because the revision it needed next has been
    /// compacted (etcd cancels it with the compacted revision).
    WatchCanceled {
        watch: u64,
        /// Member that canceled it.
        node: NodeId,
        compact_revision: u64,
    },
    /// The member serving a watch went down, and the watch reconnected to
    /// another running member, resuming at the first revision it had not
    /// seen (an etcd client's watch does the same).
    WatchMoved {
        watch: u64,
        /// The member that went down.
        from: NodeId,
        /// The member serving it now.
        to: NodeId,
        /// The first revision it reports there.
        resume_revision: u64,
    },
    /// The member serving a watch went down and no member is running: the
    /// watch waits for one.
    WatchWaiting {
        watch: u64,
        /// The member that went down.
        from: NodeId,
    },
    /// A fault or repair was injected (by the user, a script or chaos).
    Fault {
        /// Plain description, e.g. `partition [1] | [2, 3]`.
        what: String,
    },
    /// A checker found a violated property.
    Violation { property: String, detail: String },
    /// A narration line from a scenario.
    Note { text: String },
    /// A member refused (or ignored) a vote or pre-vote request.
    VoteRefused {
        voter: NodeId,
        candidate: NodeId,
        /// A PreVote round's request, not a real vote.
        pre_vote: bool,
        /// The term the candidate asked for.
        term: u64,
        reason: VoteRefusal,
    },
    /// A follower rejected a leader's append because its log lacks the
    /// entry the append follows, or holds another term's entry there, and
    /// the leader backed up.
    AppendRejected {
        leader: NodeId,
        follower: NodeId,
        /// The index (of the entry before the appended ones) the follower
        /// does not hold with the leader's term.
        index: u64,
        /// The follower's hint: where its log may match.
        hint_index: u64,
        /// The term of the follower's entry at `hint_index`.
        hint_term: u64,
        /// Where the leader sends from now.
        next: u64,
        /// Which it was. Left out of the JSON, so of the hash: it is
        /// judged by the simulation, not by Raft, and adding it did not
        /// change what happened.
        #[serde(skip)]
        gap: AppendGap,
    },
    /// Raft dropped a proposal.
    ProposalDropped {
        /// The member that dropped it.
        node: NodeId,
        /// The member whose client proposed it (`node` unless forwarded).
        from: NodeId,
        /// The client request, if it carries one.
        op_id: Option<u64>,
        reason: ProposalDrop,
    },
    /// A read (ReadIndex or lease) timed out, and what it waited for.
    ReadRefused {
        node: NodeId,
        op_id: u64,
        reason: ReadRefusal,
    },
    /// A leader stepped down because CheckQuorum found that it had not
    /// heard from a quorum in the last election timeout.
    SteppedDown {
        node: NodeId,
        term: u64,
        /// Voters it heard from, itself included.
        heard: Vec<NodeId>,
        /// Every voter.
        voters: Vec<NodeId>,
    },
    /// A read answered with a value older than one committed before the
    /// read began.
    StaleRead {
        op_id: u64,
        node: NodeId,
        mode: ReadMode,
        /// The store revision the answer was read at.
        answered: u64,
        /// The newest store revision committed before the read began.
        newest: u64,
    },
}

/// One trace event at a virtual time.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Event {
    /// Position in the trace, from 0.
    pub seq: u64,
    /// Virtual time in milliseconds.
    pub time: u64,
    /// What happened.
    #[serde(flatten)]
    pub kind: EventKind,
}

impl Event {
    /// The event in plain English, e.g. "n3 became leader in term 4".
    pub fn describe(&self) -> String {
        self.kind.describe(Lang::En)
    }

    /// The event in plain words in `lang` ("n3 在任期 4 成为领导者").
    pub fn describe_in(&self, lang: Lang) -> String {
        self.kind.describe(lang)
    }
}

/// The recorded trace: a bounded window of recent events plus a hash and
/// counters over all of them.
#[derive(Clone, Debug)]
pub struct Trace {
    recent: VecDeque<Event>,
    capacity: usize,
    hash: u64,
    len: u64,
}

impl Trace {
    /// A trace that keeps the last `capacity` events for reading (the hash
    /// always covers every event).
    pub fn new(capacity: usize) -> Self {
        Trace {
            recent: VecDeque::new(),
            capacity,
            hash: FNV_OFFSET,
            len: 0,
        }
    }

    /// Appends an event at `time`.
    pub fn push(&mut self, time: u64, kind: EventKind) -> &Event {
        let event = Event {
            seq: self.len,
            time,
            kind,
        };
        let json = serde_json::to_vec(&event).expect("events always serialize");
        self.hash = fnv1a_extend(self.hash, &json);
        self.hash = fnv1a_extend(self.hash, b"\n");
        self.len += 1;
        if self.capacity > 0 && self.recent.len() == self.capacity {
            self.recent.pop_front();
        }
        self.recent.push_back(event);
        self.recent.back().expect("just pushed")
    }

    /// The hash of every event so far.
    pub fn hash(&self) -> u64 {
        self.hash
    }

    /// The hash as the 16-digit hex string the CLI and page show.
    pub fn hash_hex(&self) -> String {
        format!("{:016x}", self.hash)
    }

    /// How many events were recorded in all.
    pub fn len(&self) -> u64 {
        self.len
    }

    /// Whether nothing was recorded.
    pub fn is_empty(&self) -> bool {
        self.len == 0
    }

    /// The kept window of recent events, oldest first.
    pub fn recent(&self) -> impl DoubleEndedIterator<Item = &Event> + ExactSizeIterator {
        self.recent.iter()
    }

    /// Kept events with `seq >= from`, for incremental readers like the page.
    pub fn since(&self, from: u64) -> impl Iterator<Item = &Event> {
        // The window holds consecutive sequence numbers, so the first one
        // wanted is found by arithmetic; the page calls this every frame
        // on a window of thousands of events.
        let first = self.len - self.recent.len() as u64;
        let skip = from.saturating_sub(first).min(self.recent.len() as u64) as usize;
        self.recent.range(skip..)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn since_reads_only_the_kept_window_from_a_sequence_number() {
        let mut t = Trace::new(3);
        for i in 0..5 {
            t.push(
                i,
                EventKind::Note {
                    text: format!("{i}"),
                },
            );
        }
        let seqs = |from| t.since(from).map(|e| e.seq).collect::<Vec<_>>();
        assert_eq!(seqs(0), vec![2, 3, 4]);
        assert_eq!(seqs(3), vec![3, 4]);
        assert_eq!(seqs(5), Vec::<u64>::new());
        assert_eq!(seqs(99), Vec::<u64>::new());
    }
}
