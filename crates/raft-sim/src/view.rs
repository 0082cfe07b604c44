//! The view: a plain, serializable picture of the cluster for the page to
//! draw, built on demand from the cluster's state.

use serde::{Deserialize, Serialize};

use crate::cluster::{Cluster, Stats};
use crate::member::{LogEntryView, ProgressView};
use crate::network::MsgKind;
use crate::reach::{fault_tolerance, quorum_size};
use crate::role::Role;
use crate::safety::Violation;
use crate::NodeId;

impl Cluster {
    /// A plain snapshot of everything the page draws.
    pub fn view(&self, log_tail: usize) -> View {
        let voters = self.voters();
        let leader = self.leader();
        let conf = self.membership();
        let members = self
            .members()
            .map(|m| {
                let disk = m.disk();
                let mut v = MemberView {
                    id: m.id,
                    role: m.role(),
                    voter: conf.voters.contains(&m.id) || conf.voters_outgoing.contains(&m.id),
                    term: disk.hard_state().term,
                    vote: disk.hard_state().vote,
                    commit: disk.hard_state().commit,
                    applied: 0,
                    last_index: disk.last(),
                    snapshot_index: disk.snapshot_index(),
                    known_leader: 0,
                    election_elapsed: 0,
                    election_timeout: 0,
                    log: Vec::new(),
                    progress: Vec::new(),
                    kv_revision: 0,
                    kv_keys: 0,
                };
                if let Some(l) = m.live() {
                    v.term = l.term();
                    v.commit = l.commit();
                    v.applied = l.applied();
                    v.last_index = l.last_index();
                    v.known_leader = l.leader();
                    (v.election_elapsed, v.election_timeout) = l.election_timer();
                    v.log = l.log_view(log_tail);
                    v.progress = l.progress();
                    v.kv_revision = l.kv().revision();
                    v.kv_keys = l.kv().len();
                }
                v
            })
            .collect();
        let messages = self
            .network()
            .in_flight()
            .map(|m| MessageView {
                id: m.id,
                from: m.from,
                to: m.to,
                kind: m.kind,
                term: m.msg.term,
                index: m.msg.index,
                log_term: m.msg.log_term,
                commit: m.msg.commit,
                entries: m.msg.entries.len() as u64,
                reject: m.msg.reject,
                sent_at: m.sent_at,
                deliver_at: m.deliver_at,
                held: m.held,
                lost: m.doomed.is_some(),
            })
            .collect();
        let reachable = leader.map(|l| self.reach(l, &voters)).unwrap_or(0);
        View {
            time: self.now(),
            seed: self.config().seed,
            members,
            messages,
            cut_links: self.network().cut_links().copied().collect(),
            leader,
            quorum: QuorumView {
                voters: voters.len(),
                quorum: quorum_size(voters.len()),
                tolerance: fault_tolerance(voters.len()),
                leader_reaches: reachable,
                available: self.quorum_available(),
            },
            stats: self.stats().clone(),
            trace_len: self.trace().len(),
            trace_hash: self.trace().hash_hex(),
            violations: self.violations().to_vec(),
        }
    }
}

/// One member as drawn.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[allow(missing_docs)] // Fields without a comment are what their names say.
pub struct MemberView {
    pub id: NodeId,
    pub role: Role,
    /// Whether it votes in the latest membership.
    pub voter: bool,
    pub term: u64,
    /// Vote in this term (0: none).
    pub vote: NodeId,
    pub commit: u64,
    pub applied: u64,
    pub last_index: u64,
    /// Index of its snapshot (the compacted prefix).
    pub snapshot_index: u64,
    /// The leader it follows (0: none).
    pub known_leader: NodeId,
    /// Election timer: ticks elapsed.
    pub election_elapsed: u64,
    /// Election timer: ticks until it fires.
    pub election_timeout: u64,
    /// The tail of its log.
    pub log: Vec<LogEntryView>,
    /// Replication progress (leaders only).
    pub progress: Vec<ProgressView>,
    pub kv_revision: u64,
    /// Keys in its store.
    pub kv_keys: usize,
}

/// One message in flight as drawn.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[allow(missing_docs)] // Fields without a comment are what their names say.
pub struct MessageView {
    pub id: u64,
    pub from: NodeId,
    pub to: NodeId,
    pub kind: MsgKind,
    pub term: u64,
    /// Log index (meaning depends on kind).
    pub index: u64,
    /// Term of the entry at `index`.
    pub log_term: u64,
    /// Sender's commit index.
    pub commit: u64,
    pub entries: u64,
    /// A rejection (for responses).
    pub reject: bool,
    pub sent_at: u64,
    /// Arrival (or loss) time.
    pub deliver_at: u64,
    pub held: bool,
    /// Will be lost (drawn dashed).
    pub lost: bool,
}

/// The quorum panel.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[allow(missing_docs)] // Fields without a comment are what their names say.
pub struct QuorumView {
    pub voters: usize,
    /// floor(n/2)+1.
    pub quorum: usize,
    /// floor((n-1)/2).
    pub tolerance: usize,
    /// Voters the leader reaches both ways now, itself included.
    pub leader_reaches: usize,
    /// Whether some voter reaches a quorum (writes can commit).
    pub available: bool,
}

/// Everything the page needs for one frame.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[allow(missing_docs)] // Fields without a comment are what their names say.
pub struct View {
    pub time: u64,
    pub seed: u64,
    pub members: Vec<MemberView>,
    pub messages: Vec<MessageView>,
    /// Cut directed links.
    pub cut_links: Vec<(NodeId, NodeId)>,
    /// The leader (highest term), if any.
    pub leader: Option<NodeId>,
    pub quorum: QuorumView,
    pub stats: Stats,
    pub trace_len: u64,
    pub trace_hash: String,
    pub violations: Vec<Violation>,
}
