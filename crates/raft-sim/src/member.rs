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
    HardState, Message, MessageType, Snapshot,
};
use raft::{Config, RawNode, ReadOnlyOption, SnapshotStatus, StateRole};
use serde::{Deserialize, Serialize};
use slog::o;

use crate::client::{ClientError, ClientOp, OpResult, ReadMode, Reply};
use crate::disk::Disk;
use crate::hash::fnv1a;
use crate::kv::{Command, KvStore, WatchEvent, WriteOp, WriteOutcome};
use crate::rng::SimRng;
use crate::role::Role;
use crate::safety::EntryRecord;
use crate::trace::EventKind;
use crate::NodeId;

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

/// A write waiting to be committed and applied.
#[derive(Clone, Debug)]
struct PendingWrite {
    op: WriteOp,
    deadline: u64,
    /// Tick count at the last proposal; `None` if not proposed yet.
    proposed_at: Option<u64>,
}

/// A linearizable or lease read waiting for its read index or for the
/// member to apply up to it.
#[derive(Clone, Debug)]
struct PendingRead {
    op: ClientOp,
    mode: ReadMode,
    deadline: u64,
    requested_at: Option<u64>,
    read_index: Option<u64>,
}

/// A watch on a key or a prefix.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Watch {
    /// Watch id.
    pub id: u64,
    /// Key, or prefix if `prefix` is set.
    pub key: String,
    /// Whether `key` is a prefix.
    pub prefix: bool,
}

impl Watch {
    fn matches(&self, key: &str) -> bool {
        if self.prefix {
            key.starts_with(&self.key)
        } else {
            key == self.key
        }
    }
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
    watches: Vec<Watch>,
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

/// Encodes a read request context: op id and read mode. The leader reads the
/// mode from it to answer each request as it asked.
fn read_ctx(op_id: u64, mode: ReadMode) -> Vec<u8> {
    let mut ctx = op_id.to_le_bytes().to_vec();
    ctx.push(match mode {
        ReadMode::Lease => 1,
        _ => 0,
    });
    ctx
}

fn parse_read_ctx(ctx: &[u8]) -> Option<(u64, ReadMode)> {
    if ctx.len() != 9 {
        return None;
    }
    let op_id = u64::from_le_bytes(ctx[..8].try_into().ok()?);
    let mode = if ctx[8] == 1 {
        ReadMode::Lease
    } else {
        ReadMode::Linearizable
    };
    Some((op_id, mode))
}

/// Queues a batch of messages from one Ready, ordered by receiver.
///
/// raft-rs walks its progress tracker, an Fx-hashed `HashMap`, to broadcast;
/// FxHash depends on the pointer width, so natively and in wasm32 the same
/// batch comes out in a different order. Messages of one batch to different
/// members are independent, so a stable sort by receiver (which keeps each
/// receiver's own order) makes the batch the same on every platform.
fn send_in_order(fx: &mut Effects, mut batch: Vec<Message>) {
    batch.sort_by_key(|m| m.to);
    fx.messages.extend(batch);
}

/// A membership with its id lists sorted. raft-rs builds them from hash
/// sets, whose order differs between platforms.
fn normalized(mut cs: ConfState) -> ConfState {
    cs.voters.sort_unstable();
    cs.learners.sort_unstable();
    cs.voters_outgoing.sort_unstable();
    cs.learners_next.sort_unstable();
    cs
}

/// The ids of the pending requests that satisfy `pred`, in order.
fn ids_where<T>(pending: &BTreeMap<u64, T>, pred: impl Fn(&T) -> bool) -> Vec<u64> {
    pending
        .iter()
        .filter(|(_, p)| pred(p))
        .map(|(id, _)| *id)
        .collect()
}

fn timed_out(id: u64, waiting_for: String) -> (u64, OpResult) {
    let error = ClientError::Timeout { waiting_for };
    (id, OpResult::Err { error })
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

fn short_entry(e: &Entry) -> String {
    match e.get_entry_type() {
        EntryType::EntryNormal if e.data.is_empty() => "(leader no-op)".to_string(),
        EntryType::EntryNormal => match Command::decode(&e.data) {
            Some(c) => match c.op {
                WriteOp::Put { key, value } => format!("put {key}={value}"),
                WriteOp::Delete { key } => format!("delete {key}"),
            },
            None => "(unknown data)".to_string(),
        },
        EntryType::EntryConfChange | EntryType::EntryConfChangeV2 => match conf_change_of(e) {
            Some(cc) if cc.changes.is_empty() => "conf change: leave joint".to_string(),
            Some(cc) => format!(
                "conf change: {}",
                raft_proto::stringify_conf_change(&cc.changes)
            ),
            None => "conf change (unreadable)".to_string(),
        },
    }
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

    /// Watches served by this member.
    pub fn watches(&self) -> &[Watch] {
        &self.watches
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
        self.with_live(ctx, |live, fx| {
            live.ticks += 1;
            live.raw.tick();
            live.retry_and_expire(now, s, fx);
        });
    }

    /// Delivers a message from the network.
    pub fn step(&mut self, msg: Message, ctx: &mut Ctx) {
        self.with_live(ctx, |live, _| {
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
                // Errors here are messages for a peer this member no longer
                // knows, or stale ones; Raft ignores them by design.
                let _ = live.raw.step(msg);
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

    /// Accepts a client request; the answer comes later in
    /// [`Effects::completions`] (at once for serializable reads).
    pub fn client_request(
        &mut self,
        op_id: u64,
        op: ClientOp,
        mode: ReadMode,
        now: u64,
        ctx: &mut Ctx,
    ) {
        let deadline = now + ctx.settings.request_timeout_ms;
        let done = self.with_live(ctx, |live, fx| match op {
            ClientOp::Put { key, value } => {
                live.writes.insert(
                    op_id,
                    PendingWrite {
                        op: WriteOp::Put { key, value },
                        deadline,
                        proposed_at: None,
                    },
                );
                live.try_propose(op_id);
            }
            ClientOp::Delete { key } => {
                live.writes.insert(
                    op_id,
                    PendingWrite {
                        op: WriteOp::Delete { key },
                        deadline,
                        proposed_at: None,
                    },
                );
                live.try_propose(op_id);
            }
            read => match mode {
                ReadMode::Serializable => {
                    fx.completions.push((op_id, live.answer_read(&read)));
                }
                ReadMode::Lease if !live.raw.raft.check_quorum => {
                    fx.completions.push((
                        op_id,
                        OpResult::Err {
                            error: ClientError::LeaseNeedsCheckQuorum,
                        },
                    ));
                }
                mode => {
                    live.reads.insert(
                        op_id,
                        PendingRead {
                            op: read,
                            mode,
                            deadline,
                            requested_at: None,
                            read_index: None,
                        },
                    );
                    live.try_read_index(op_id);
                }
            },
        });
        if done.is_none() {
            ctx.fx.completions.push((
                op_id,
                OpResult::Err {
                    error: ClientError::MemberDown { node: self.id },
                },
            ));
        }
    }

    /// Starts watching a key or prefix on this member.
    pub fn add_watch(&mut self, watch: Watch) -> bool {
        match self.live.as_deref_mut() {
            Some(live) => {
                live.watches.push(watch);
                true
            }
            None => false,
        }
    }

    /// Cancels a watch.
    pub fn cancel_watch(&mut self, id: u64) {
        if let Some(live) = self.live.as_deref_mut() {
            live.watches.retain(|w| w.id != id);
        }
    }

    /// Starts an election now (as if the election timer fired).
    pub fn campaign(&mut self, ctx: &mut Ctx) -> bool {
        self.with_live(ctx, |live, _| live.raw.campaign().is_ok())
            .unwrap_or(false)
    }

    /// Asks this member, which must lead, to hand leadership to `to`.
    pub fn transfer_leader(&mut self, to: NodeId, ctx: &mut Ctx) -> Result<(), String> {
        let id = self.id;
        self.with_live(ctx, |live, _| {
            if live.raw.raft.state != StateRole::Leader {
                return Err(format!("n{id} is not the leader"));
            }
            live.raw.transfer_leader(to);
            Ok(())
        })
        .unwrap_or_else(|| Err(format!("n{id} is down")))
    }

    /// Proposes a membership change on this member, which must lead.
    pub fn propose_conf_change(
        &mut self,
        changes: Vec<ConfChangeSingle>,
        ctx: &mut Ctx,
    ) -> Result<(), String> {
        let id = self.id;
        self.with_live(ctx, |live, _| {
            if live.raw.raft.state != StateRole::Leader {
                return Err(format!("n{id} is not the leader"));
            }
            if live.raw.raft.has_pending_conf() {
                return Err("another membership change is still being applied".into());
            }
            let mut cc = ConfChangeV2::default();
            cc.set_transition(ConfChangeTransition::Auto);
            cc.set_changes(changes.into());
            live.raw
                .propose_conf_change(Vec::new(), cc)
                .map_err(|e| format!("proposal refused: {e}"))
        })
        .unwrap_or_else(|| Err(format!("n{id} is down")))
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

impl Live {
    fn set_read_option(&mut self, mode: Option<ReadMode>) {
        self.raw.raft.read_only.option = match mode {
            Some(ReadMode::Lease) => ReadOnlyOption::LeaseBased,
            _ => ReadOnlyOption::Safe,
        };
    }

    fn try_propose(&mut self, op_id: u64) {
        if self.raw.raft.leader_id == 0 {
            return; // Retried on a later tick, once a leader is known.
        }
        let Some(w) = self.writes.get_mut(&op_id) else {
            return;
        };
        let cmd = Command {
            op_id,
            op: w.op.clone(),
        };
        w.proposed_at = Some(self.ticks);
        // A follower forwards the proposal to the leader as MsgPropose. If
        // it is lost, the retry below proposes again; the store ignores the
        // second copy by op id.
        let _ = self.raw.propose(Vec::new(), cmd.encode());
    }

    fn try_read_index(&mut self, op_id: u64) {
        if self.raw.raft.leader_id == 0 {
            return;
        }
        let Some(r) = self.reads.get_mut(&op_id) else {
            return;
        };
        r.requested_at = Some(self.ticks);
        let mode = r.mode;
        self.set_read_option(Some(mode));
        self.raw.read_index(read_ctx(op_id, mode));
        self.set_read_option(None);
    }

    fn retry_and_expire(&mut self, now: u64, s: &RaftSettings, fx: &mut Effects) {
        let retry_after = s.election_tick;
        let ticks = self.ticks;
        let due = |at: Option<u64>| at.is_none_or(|t| ticks >= t + retry_after);

        for id in ids_where(&self.writes, |w| now >= w.deadline) {
            let w = self.writes.remove(&id).expect("listed above");
            let waiting_for = if w.proposed_at.is_none() {
                "a leader to propose to".to_string()
            } else {
                "the write to commit (no quorum?)".to_string()
            };
            fx.completions.push(timed_out(id, waiting_for));
        }
        for id in ids_where(&self.reads, |r| now >= r.deadline) {
            let r = self.reads.remove(&id).expect("listed above");
            let waiting_for = match (r.requested_at, r.read_index) {
                (None, _) => "a leader to ask for a read index".to_string(),
                (Some(_), None) => "the leader to confirm its leadership".to_string(),
                (Some(_), Some(i)) => format!("this member to apply up to #{i}"),
            };
            fx.completions.push(timed_out(id, waiting_for));
        }

        for id in ids_where(&self.writes, |w| due(w.proposed_at)) {
            self.try_propose(id);
        }
        for id in ids_where(&self.reads, |r| {
            r.read_index.is_none() && due(r.requested_at)
        }) {
            self.try_read_index(id);
        }
    }
    fn answer_read(&self, op: &ClientOp) -> OpResult {
        let revision = self.kv.revision();
        let reply = match op {
            ClientOp::Get { key } => Reply::Get {
                kv: self.kv.get(key).cloned(),
                revision,
            },
            ClientOp::Range { prefix } => Reply::Range {
                kvs: self.kv.range(prefix),
                revision,
            },
            _ => unreachable!("only reads are answered here"),
        };
        OpResult::Ok { reply }
    }

    fn answer_ready_reads(&mut self, fx: &mut Effects) {
        let ready: Vec<u64> = self
            .reads
            .iter()
            .filter(|(_, r)| r.read_index.is_some_and(|i| i <= self.applied))
            .map(|(id, _)| *id)
            .collect();
        for id in ready {
            let r = self.reads.remove(&id).expect("listed above");
            fx.completions.push((id, self.answer_read(&r.op)));
        }
    }

    /// The Ready loop, in the order raft-rs 0.7 documents for synchronous
    /// storage. The order matters: a vote or an append acknowledgement
    /// (the "persisted messages") must not leave before the hard state and
    /// entries they vouch for are on disk, or a crash could make a member
    /// break a promise it made.
    fn handle_ready(&mut self, id: NodeId, s: &RaftSettings, fx: &mut Effects) {
        while self.raw.has_ready() {
            let mut rd = self.raw.ready();
            // 1. Messages that need no persistence (a leader's appends may
            //    go out before its own write: it counts itself only once
            //    persisted).
            send_in_order(fx, rd.take_messages());
            // 2. A snapshot from the leader replaces disk and store.
            if !rd.snapshot().is_empty() {
                self.install_snapshot(id, rd.snapshot().clone(), fx);
            }
            // 3. Apply what is committed; answer reads whose index is known.
            let committed = rd.take_committed_entries();
            self.apply_entries(id, committed, fx);
            for rs in rd.take_read_states() {
                if let Some((op_id, _)) = parse_read_ctx(&rs.request_ctx) {
                    if let Some(r) = self.reads.get_mut(&op_id) {
                        r.read_index.get_or_insert(rs.index);
                    }
                }
            }
            // 4. Persist new entries and the hard state.
            if !rd.entries().is_empty() {
                for e in rd.entries() {
                    fx.appended.push(EntryRecord {
                        node: id,
                        index: e.index,
                        term: e.term,
                        hash: entry_hash(e),
                    });
                }
                self.raw.mut_store().append(rd.entries());
            }
            if let Some(hs) = rd.hs() {
                let hs = hs.clone();
                self.record_vote(id, &hs, fx);
                self.raw.mut_store().set_hard_state(hs);
            }
            // 5. Now the messages that promise what was just persisted.
            send_in_order(fx, rd.take_persisted_messages());
            // 6. Advance; the light ready carries a commit index learned
            //    from our own persistence, more messages and entries.
            let mut light = self.raw.advance(rd);
            if let Some(commit) = light.commit_index() {
                self.raw.mut_store().set_commit(commit);
            }
            send_in_order(fx, light.take_messages());
            let committed = light.take_committed_entries();
            self.apply_entries(id, committed, fx);
            self.raw.advance_apply();
            self.answer_ready_reads(fx);
        }
        self.maybe_compact(id, s, fx);
    }

    fn install_snapshot(&mut self, id: NodeId, snap: Snapshot, fx: &mut Effects) {
        let meta = snap.get_metadata().clone();
        match KvStore::from_snapshot_data(&snap.data) {
            Ok(kv) => self.kv = kv,
            Err(e) => fx.events.push(EventKind::Violation {
                property: "snapshot".into(),
                detail: format!("n{id} could not read snapshot data: {e}"),
            }),
        }
        self.applied = meta.index;
        self.conf_state = normalized(meta.get_conf_state().clone());
        self.raw.mut_store().apply_snapshot(snap);
        fx.events.push(EventKind::SnapshotInstalled {
            node: id,
            index: meta.index,
        });
        fx.conf_changes.push((meta.index, self.conf_state.clone()));
    }

    fn apply_entries(&mut self, id: NodeId, entries: Vec<Entry>, fx: &mut Effects) {
        for e in entries {
            if e.index <= self.applied {
                continue;
            }
            fx.applied.push(EntryRecord {
                node: id,
                index: e.index,
                term: e.term,
                hash: entry_hash(&e),
            });
            fx.events.push(EventKind::Applied {
                node: id,
                index: e.index,
                term: e.term,
                what: short_entry(&e),
            });
            match e.get_entry_type() {
                EntryType::EntryNormal => self.apply_command(id, &e, fx),
                EntryType::EntryConfChange | EntryType::EntryConfChangeV2 => {
                    if let Some(cc) = conf_change_of(&e) {
                        match self.raw.apply_conf_change(&cc).map(normalized) {
                            Ok(cs) => {
                                self.conf_state = cs.clone();
                                fx.events.push(EventKind::MembershipChanged {
                                    node: id,
                                    voters: cs.voters.clone(),
                                    outgoing: cs.voters_outgoing.clone(),
                                    learners: cs.learners.clone(),
                                });
                                fx.conf_changes.push((e.index, cs));
                            }
                            Err(err) => fx.events.push(EventKind::Note {
                                text: format!("n{id} rejected conf change #{}: {err}", e.index),
                            }),
                        }
                    }
                }
            }
            self.applied = e.index;
        }
    }

    fn apply_command(&mut self, id: NodeId, e: &Entry, fx: &mut Effects) {
        if e.data.is_empty() {
            return;
        }
        let Some(cmd) = Command::decode(&e.data) else {
            return;
        };
        let (outcome, event) = self.kv.apply(&cmd);
        if let Some(ev) = event {
            self.notify_watches(id, ev, fx);
        }
        let WriteOutcome::Applied { revision, existed } = outcome else {
            return;
        };
        if let Some(w) = self.writes.remove(&cmd.op_id) {
            let reply = match w.op {
                WriteOp::Put { .. } => Reply::Put { revision },
                WriteOp::Delete { .. } => Reply::Delete {
                    revision,
                    deleted: existed,
                },
            };
            fx.completions.push((cmd.op_id, OpResult::Ok { reply }));
        }
    }

    fn notify_watches(&self, id: NodeId, ev: WatchEvent, fx: &mut Effects) {
        for w in self.watches.iter().filter(|w| w.matches(&ev.key)) {
            fx.events.push(EventKind::Watch {
                watch: w.id,
                node: id,
                event: ev.clone(),
            });
        }
    }

    fn maybe_compact(&mut self, id: NodeId, s: &RaftSettings, fx: &mut Effects) {
        if self.raw.store().take_snapshot_wanted()
            && self.applied > self.raw.store().snapshot_index()
        {
            let _ = self.compact_applied(id, fx);
            return;
        }
        if s.snapshot_threshold == 0 {
            return;
        }
        if self.applied >= self.raw.store().snapshot_index() + s.snapshot_threshold {
            let _ = self.compact_applied(id, fx);
        }
    }

    /// Compacts exactly at the applied index: the snapshot must hold the
    /// store as of its index, and the applied store is the only one kept.
    fn compact_applied(&mut self, id: NodeId, fx: &mut Effects) -> Result<u64, String> {
        let at = self.applied;
        let data = self.kv.to_snapshot_data();
        let cs = self.conf_state.clone();
        self.raw.mut_store().compact(at, cs, data)?;
        fx.events.push(EventKind::Compacted {
            node: id,
            index: at,
        });
        Ok(at)
    }
}
