//! One cluster member: a raft-rs `RawNode` over its [`Disk`], the KV store it
//! applies committed entries to, and the client requests it is serving.
//!
//! Every input (tick, message, proposal, read) is fed to the RawNode first,
//! and then the Ready loop (`Live::handle_ready`) runs the Ready loop in the order raft-rs
//! requires. The member never talks to another member directly: whatever it
//! sends goes into [`Effects::messages`] and the cluster puts it on the
//! virtual network.

use std::collections::BTreeMap;

use protobuf::Message as _;
use raft::prelude::{
    ConfChange, ConfChangeSingle, ConfChangeTransition, ConfChangeV2, ConfState, Entry, EntryType,
    HardState, Message, MessageType,
};
use raft::{Config, RawNode, ReadOnlyOption, SnapshotStatus, StateRole};
use serde::{Deserialize, Serialize};
use slog::o;

use crate::action_error::ActionError;
use crate::client::OpResult;
use crate::disk::Disk;
use crate::hash::fnv1a;
use crate::kv::{Command, KvStore};
use crate::rng::SimRng;
use crate::role::Role;
use crate::safety::EntryRecord;
use crate::trace::EventKind;
use crate::NodeId;

mod entry;
mod ready;
mod requests;
mod watches;
mod why;

pub use entry::entry_words;
use entry::short_entry;
pub use watches::{Watch, WatchRefusal};

use requests::{parse_read_ctx, PendingRead, PendingWrite};

/// Raft settings shared by every member.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct RaftSettings {
    /// Virtual milliseconds per Raft tick.
    pub tick_ms: u64,
    /// Ticks without hearing from a leader before a follower campaigns; the
    /// actual timeout is drawn from `election_tick..2*election_tick`.
    pub election_tick: u64,
    /// Ticks between leader heartbeats.
    pub heartbeat_tick: u64,
    /// Run a PreVote round before a real election (etcd `--pre-vote`).
    pub pre_vote: bool,
    /// A leader that has not heard from a quorum for an election timeout
    /// steps down, and followers ignore vote requests while they hear from
    /// a leader.
    pub check_quorum: bool,
    /// Compact the log once this many applied entries follow the snapshot
    /// (etcd `--snapshot-count`); 0 turns automatic compaction off.
    pub snapshot_threshold: u64,
    /// Virtual milliseconds a client request may wait before it fails.
    pub request_timeout_ms: u64,
}

impl Default for RaftSettings {
    fn default() -> Self {
        // etcd's defaults: 100 ms heartbeat, 1000 ms election timeout.
        RaftSettings {
            tick_ms: 100,
            election_tick: 10,
            heartbeat_tick: 1,
            pre_vote: true,
            check_quorum: true,
            snapshot_threshold: 200,
            request_timeout_ms: 3000,
        }
    }
}

impl RaftSettings {
    /// Checks the settings, naming the bad one.
    pub fn validate(&self) -> Result<(), String> {
        if self.tick_ms == 0 {
            return Err("tick must be at least 1 ms".into());
        }
        if self.heartbeat_tick == 0 {
            return Err("heartbeat ticks must be at least 1".into());
        }
        if self.election_tick <= self.heartbeat_tick {
            return Err(format!(
                "election ticks ({}) must be greater than heartbeat ticks ({})",
                self.election_tick, self.heartbeat_tick
            ));
        }
        if self.election_tick > 1000 {
            return Err("election ticks must be at most 1000".into());
        }
        if self.request_timeout_ms == 0 {
            return Err("request timeout must be positive".into());
        }
        Ok(())
    }

    fn raft_config(&self, id: NodeId, applied: u64) -> Config {
        Config {
            id,
            election_tick: self.election_tick as usize,
            heartbeat_tick: self.heartbeat_tick as usize,
            applied,
            max_size_per_msg: 16 * 1024,
            max_inflight_msgs: 64,
            check_quorum: self.check_quorum,
            pre_vote: self.pre_vote,
            read_only_option: ReadOnlyOption::Safe,
            ..Default::default()
        }
    }
}

/// Everything one input into a member produced, for the cluster to route.
#[derive(Debug, Default)]
pub struct Effects {
    /// Messages to put on the network.
    pub messages: Vec<Message>,
    /// Trace events.
    pub events: Vec<EventKind>,
    /// Client requests that finished.
    pub completions: Vec<(u64, OpResult)>,
    /// Entries applied, for the safety checkers.
    pub applied: Vec<EntryRecord>,
    /// Entries persisted, for the safety checkers.
    pub appended: Vec<EntryRecord>,
    /// Membership changes applied: `(entry index, new conf)`.
    pub conf_changes: Vec<(u64, ConfState)>,
    /// `(node, term)` when a member became leader.
    pub new_leader: Vec<(NodeId, u64)>,
}

/// What every input into a member needs from the cluster: the Raft
/// settings, the cluster's one RNG (for election timeouts), and where to put
/// what the input produced.
pub struct Ctx<'a> {
    /// Raft settings shared by all members.
    pub settings: &'a RaftSettings,
    /// The cluster's seeded RNG.
    pub rng: &'a mut SimRng,
    /// Collects messages, events and the rest for the cluster to route.
    pub fx: &'a mut Effects,
}

/// The volatile state of a running member; dropped on crash.
pub struct Live {
    raw: RawNode<Disk>,
    kv: KvStore,
    applied: u64,
    conf_state: ConfState,
    ticks: u64,
    writes: BTreeMap<u64, PendingWrite>,
    reads: BTreeMap<u64, PendingRead>,
    watches: Vec<watches::Served>,
    seen_role: Role,
    seen_term: u64,
    seen_vote: (u64, u64),
    seen_commit: u64,
}

/// A member: running with its volatile state, or down with only its disk.
pub struct Member {
    /// The member's id (n1 is 1).
    pub id: NodeId,
    live: Option<Box<Live>>,
    disk: Option<Disk>,
    removed: bool,
}

/// Hash identifying an entry's contents for the safety checkers.
pub fn entry_hash(e: &Entry) -> u64 {
    let mut bytes = vec![e.get_entry_type() as u8];
    bytes.extend_from_slice(&e.data);
    fnv1a(&bytes)
}

/// Every member id named by a configuration.
pub fn conf_members(cs: &ConfState) -> Vec<NodeId> {
    let mut ids: Vec<NodeId> = cs
        .voters
        .iter()
        .chain(&cs.voters_outgoing)
        .chain(&cs.learners)
        .chain(&cs.learners_next)
        .copied()
        .collect();
    ids.sort_unstable();
    ids.dedup();
    ids
}

fn conf_change_of(e: &Entry) -> Option<ConfChangeV2> {
    match e.get_entry_type() {
        EntryType::EntryConfChange => {
            let cc = ConfChange::parse_from_bytes(&e.data).ok()?;
            Some(raft_proto::ConfChangeI::into_v2(cc))
        }
        EntryType::EntryConfChangeV2 => ConfChangeV2::parse_from_bytes(&e.data).ok(),
        EntryType::EntryNormal => None,
    }
}

/// One entry of a member's log as the page draws it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct LogEntryView {
    /// Index.
    pub index: u64,
    /// Term.
    pub term: u64,
    /// Short description.
    pub what: String,
    /// The client request it carries (a retried request appears once per
    /// proposal, with the same id).
    pub op_id: Option<u64>,
}

/// What the leader knows of a follower's replication.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ProgressView {
    /// The follower.
    pub node: NodeId,
    /// Highest index known to be replicated there.
    pub matched: u64,
    /// Next index to send.
    pub next: u64,
    /// Heard from it since the last CheckQuorum round.
    pub recent_active: bool,
    /// `probe`, `replicate` or `snapshot`.
    pub state: String,
}

impl Member {
    /// A founding member starting from a bootstrapped disk.
    pub fn new(id: NodeId, disk: Disk) -> Self {
        Member {
            id,
            live: None,
            disk: Some(disk),
            removed: false,
        }
    }

    /// Whether the member is running.
    pub fn is_up(&self) -> bool {
        self.live.is_some()
    }

    /// Whether the member was removed from the cluster (or wiped).
    pub fn is_removed(&self) -> bool {
        self.removed
    }

    /// The running state, if up.
    pub fn live(&self) -> Option<&Live> {
        self.live.as_deref()
    }

    /// The member's disk, whether it is up or down.
    pub fn disk(&self) -> &Disk {
        match &self.live {
            Some(l) => l.raw.store(),
            None => self.disk.as_ref().expect("a down member keeps its disk"),
        }
    }

    /// Role as the page shows it.
    pub fn role(&self) -> Role {
        if self.removed {
            return Role::Removed;
        }
        match &self.live {
            Some(l) => l.role(),
            None => Role::Down,
        }
    }

    /// Starts the member from its disk. Volatile state starts empty: the KV
    /// is rebuilt from the disk's snapshot and by re-applying the log.
    pub fn start(&mut self, ctx: &mut Ctx) {
        if self.live.is_some() {
            return;
        }
        let disk = self.disk.take().expect("a down member keeps its disk");
        let snap = disk.snapshot_ref().get_metadata().clone();
        let kv = KvStore::from_snapshot_data(&disk.snapshot_ref().data).unwrap_or_default();
        let config = ctx.settings.raft_config(self.id, snap.index);
        let logger = slog::Logger::root(slog::Discard, o!());
        let raw = RawNode::new(&config, disk, &logger).expect("settings were validated");
        let mut live = Live {
            raw,
            kv,
            applied: snap.index,
            conf_state: snap.get_conf_state().clone(),
            ticks: 0,
            writes: BTreeMap::new(),
            reads: BTreeMap::new(),
            watches: Vec::new(),
            seen_role: Role::Down,
            seen_term: 0,
            seen_vote: (0, 0),
            seen_commit: snap.index,
        };
        live.seen_vote = (live.raw.raft.term, live.raw.raft.vote);
        live.observe(self.id, ctx.settings, ctx.rng, ctx.fx);
        self.live = Some(Box::new(live));
        self.removed = false;
    }

    /// Crashes the member: its volatile state is gone, its disk stays.
    /// Returns the ids of the client requests it was serving.
    pub fn crash(&mut self) -> Vec<u64> {
        let Some(live) = self.live.take() else {
            return Vec::new();
        };
        let pending = live.pending_ops();
        self.disk = Some(live.raw.store().clone());
        pending
    }

    /// Erases the member's disk for good, as if it were lost. The cluster
    /// stops and removes the member right after; a new member replaces it.
    pub fn wipe_disk(&mut self) {
        match self.live.as_deref_mut() {
            Some(live) => *live.raw.mut_store() = Disk::empty(),
            None => self.disk = Some(Disk::empty()),
        }
    }

    /// Marks the member as removed and stops it.
    pub fn remove(&mut self) -> Vec<u64> {
        let pending = self.crash();
        self.removed = true;
        pending
    }
}

impl Live {
    /// The RawNode, for read-only inspection.
    pub fn raw(&self) -> &RawNode<Disk> {
        &self.raw
    }

    /// The applied KV store.
    pub fn kv(&self) -> &KvStore {
        &self.kv
    }

    /// Client requests waiting here (writes to apply, reads to answer).
    pub fn pending_requests(&self) -> usize {
        self.writes.len() + self.reads.len()
    }

    /// The applied index.
    pub fn applied(&self) -> u64 {
        self.applied
    }

    /// Membership as of the applied index.
    pub fn conf_state(&self) -> &ConfState {
        &self.conf_state
    }

    /// The member's current term.
    pub fn term(&self) -> u64 {
        self.raw.raft.term
    }

    /// The leader this member believes in (0 if none).
    pub fn leader(&self) -> NodeId {
        self.raw.raft.leader_id
    }

    /// The commit index.
    pub fn commit(&self) -> u64 {
        self.raw.raft.raft_log.committed
    }

    /// Last index in the log (persisted or not).
    pub fn last_index(&self) -> u64 {
        self.raw.raft.raft_log.last_index()
    }

    /// Term of the entry at `index` in this member's log, if it has it.
    pub fn term_at(&self, index: u64) -> Option<u64> {
        self.raw.raft.raft_log.term(index).ok()
    }

    /// Election timer: (ticks elapsed, randomized timeout in ticks).
    pub fn election_timer(&self) -> (u64, u64) {
        (
            self.raw.raft.election_elapsed as u64,
            self.raw.raft.randomized_election_timeout() as u64,
        )
    }

    /// The role as the page shows it.
    pub fn role(&self) -> Role {
        match self.raw.raft.state {
            StateRole::Leader => Role::Leader,
            StateRole::Candidate => Role::Candidate,
            StateRole::PreCandidate => Role::PreCandidate,
            StateRole::Follower => {
                let id = self.raw.raft.id;
                let cs = &self.conf_state;
                if cs.learners.contains(&id) || cs.learners_next.contains(&id) {
                    Role::Learner
                } else {
                    Role::Follower
                }
            }
        }
    }

    /// The log as drawn: entries after the snapshot, persisted or not.
    pub fn log_view(&self, max: usize) -> Vec<LogEntryView> {
        let log = &self.raw.raft.raft_log;
        let first = log.first_index();
        let last = log.last_index();
        let from = first.max(last.saturating_sub(max as u64 - 1).max(1));
        let ents = if from <= last {
            log.slice(from, last + 1, None, raft::GetEntriesContext::empty(false))
                .unwrap_or_default()
        } else {
            Vec::new()
        };
        ents.iter()
            .map(|e| LogEntryView {
                index: e.index,
                term: e.term,
                what: short_entry(e),
                op_id: (e.get_entry_type() == EntryType::EntryNormal)
                    .then(|| Command::decode(&e.data).map(|c| c.op_id))
                    .flatten(),
            })
            .collect()
    }

    /// The leader's view of each follower, by id.
    pub fn progress(&self) -> Vec<ProgressView> {
        if self.raw.raft.state != StateRole::Leader {
            return Vec::new();
        }
        let mut v: Vec<ProgressView> = self
            .raw
            .raft
            .prs()
            .iter()
            .map(|(id, pr)| ProgressView {
                node: *id,
                matched: pr.matched,
                next: pr.next_idx,
                recent_active: pr.recent_active,
                state: format!("{:?}", pr.state).to_lowercase(),
            })
            .collect();
        v.sort_by_key(|p| p.node);
        v
    }

    fn pending_ops(&self) -> Vec<u64> {
        self.writes
            .keys()
            .chain(self.reads.keys())
            .copied()
            .collect()
    }

    /// Records role, term, vote and commit changes and, whenever raft-rs may
    /// have re-drawn its randomized election timeout (it does so from
    /// `thread_rng` on every role or term change), draws it again from the
    /// simulation's seeded RNG so runs stay reproducible.
    fn observe(&mut self, id: NodeId, s: &RaftSettings, rng: &mut SimRng, fx: &mut Effects) {
        let role = self.role();
        let term = self.raw.raft.term;
        if role != self.seen_role || term != self.seen_term {
            let timeout = rng.range_inclusive(s.election_tick, 2 * s.election_tick - 1);
            self.raw
                .raft
                .set_randomized_election_timeout(timeout as usize);
            fx.events.push(EventKind::RoleChanged {
                node: id,
                role,
                term,
            });
            if role == Role::Leader {
                fx.new_leader.push((id, term));
            }
            self.seen_role = role;
            self.seen_term = term;
        }
        let commit = self.commit();
        if commit > self.seen_commit {
            fx.events.push(EventKind::Committed {
                node: id,
                index: commit,
            });
            self.seen_commit = commit;
        }
    }

    fn record_vote(&mut self, id: NodeId, hs: &HardState, fx: &mut Effects) {
        if hs.vote != 0 && (hs.term, hs.vote) != self.seen_vote {
            fx.events.push(EventKind::Voted {
                node: id,
                candidate: hs.vote,
                term: hs.term,
            });
        }
        self.seen_vote = (hs.term, hs.vote);
    }
}

impl Member {
    fn with_live<R>(
        &mut self,
        ctx: &mut Ctx,
        input: impl FnOnce(&mut Live, &mut Effects) -> R,
    ) -> Option<R> {
        let id = self.id;
        let (s, rng, fx) = (ctx.settings, &mut *ctx.rng, &mut *ctx.fx);
        let live = self.live.as_deref_mut()?;
        let r = input(live, fx);
        live.observe(id, s, rng, fx);
        live.handle_ready(id, s, fx);
        live.observe(id, s, rng, fx);
        Some(r)
    }

    /// One Raft tick, then retries and timeouts of waiting requests.
    pub fn tick(&mut self, now: u64, ctx: &mut Ctx) {
        let s = ctx.settings;
        let id = self.id;
        self.with_live(ctx, |live, fx| {
            live.ticks += 1;
            // CheckQuorum forgets whom the leader heard from as it checks,
            // so the tick that runs it reads them first.
            let heard = live.quorum_check_due().then(|| live.heard_voters());
            live.raw.tick();
            if let Some(heard) = heard {
                if live.raw.raft.state != StateRole::Leader {
                    fx.events.push(EventKind::SteppedDown {
                        node: id,
                        term: live.raw.raft.term,
                        heard,
                        voters: live.voters(),
                    });
                }
            }
            live.retry_and_expire(now, s, fx);
        });
    }

    /// Delivers a message from the network.
    pub fn step(&mut self, msg: Message, ctx: &mut Ctx) {
        self.with_live(ctx, |live, fx| {
            if msg.get_msg_type() == MessageType::MsgReadIndex {
                // The read mode travels in the request context; the leader
                // serves each read the way it asked.
                let mode = msg
                    .entries
                    .first()
                    .and_then(|e| parse_read_ctx(&e.data))
                    .map(|(_, m)| m);
                live.set_read_option(mode);
                let _ = live.raw.step(msg);
                live.set_read_option(None);
            } else {
                live.step_explained(msg, fx);
            }
        });
    }

    /// Tells the leader how sending a snapshot to `to` went.
    pub fn report_snapshot(&mut self, to: NodeId, ok: bool, ctx: &mut Ctx) {
        self.with_live(ctx, |live, _| {
            let status = if ok {
                SnapshotStatus::Finish
            } else {
                SnapshotStatus::Failure
            };
            live.raw.report_snapshot(to, status);
        });
    }

    /// Tells the sender that `to` could not be reached.
    pub fn report_unreachable(&mut self, to: NodeId, ctx: &mut Ctx) {
        self.with_live(ctx, |live, _| live.raw.report_unreachable(to));
    }

    /// Starts an election now (as if the election timer fired).
    pub fn campaign(&mut self, ctx: &mut Ctx) -> bool {
        self.with_live(ctx, |live, _| live.raw.campaign().is_ok())
            .unwrap_or(false)
    }

    /// Asks this member, which must lead, to hand leadership to `to`.
    pub fn transfer_leader(&mut self, to: NodeId, ctx: &mut Ctx) -> Result<(), ActionError> {
        let id = self.id;
        self.with_live(ctx, |live, _| {
            if live.raw.raft.state != StateRole::Leader {
                return Err(ActionError::NotLeader { node: id });
            }
            live.raw.transfer_leader(to);
            Ok(())
        })
        .unwrap_or(Err(ActionError::Down { node: id }))
    }

    /// Proposes a membership change on this member, which must lead.
    pub fn propose_conf_change(
        &mut self,
        changes: Vec<ConfChangeSingle>,
        ctx: &mut Ctx,
    ) -> Result<(), ActionError> {
        let id = self.id;
        self.with_live(ctx, |live, _| {
            if live.raw.raft.state != StateRole::Leader {
                return Err(ActionError::NotLeader { node: id });
            }
            if live.raw.raft.has_pending_conf() {
                return Err(ActionError::ChangePending);
            }
            let mut cc = ConfChangeV2::default();
            cc.set_transition(ConfChangeTransition::Auto);
            cc.set_changes(changes.into());
            live.raw
                .propose_conf_change(Vec::new(), cc)
                .map_err(|e| ActionError::Other(format!("proposal refused: {e}")))
        })
        .unwrap_or(Err(ActionError::Down { node: id }))
    }

    /// Folds the applied prefix of the log into a snapshot now.
    pub fn compact(&mut self, fx: &mut Effects) -> Result<u64, String> {
        let id = self.id;
        let live = self
            .live
            .as_deref_mut()
            .ok_or_else(|| format!("n{id} is down"))?;
        live.compact_applied(id, fx)
    }

    /// Turns PreVote and CheckQuorum on or off while running.
    pub fn set_flags(&mut self, pre_vote: bool, check_quorum: bool) {
        if let Some(live) = self.live.as_deref_mut() {
            live.raw.raft.pre_vote = pre_vote;
            live.raw.raft.set_check_quorum(check_quorum);
        }
    }
}
