//! The cluster: members, network, clock, event queue, trace and checkers,
//! owned in one place and driven by [`Action`]s and virtual time.
//!
//! Everything happens through the event queue, ordered by (virtual time,
//! sequence number): member ticks, message deliveries. Actions (from the
//! page, a script or the chaos nemesis) take effect at the current virtual
//! time. Given the same seed and the same actions at the same times, the
//! queue pops the same events in the same order, so the trace hash is the
//! same on every run and platform.

use std::cmp::Reverse;
use std::collections::{BTreeMap, BinaryHeap};

use raft::prelude::{ConfChangeSingle, ConfChangeType, ConfState};
use raft_proto::new_conf_change_single;
use serde::{Deserialize, Serialize};

use crate::check::{
    check_linearizability, check_window, LinearizabilityReport, SafetyChecker, Violation,
};
use crate::client::{ClientError, ClientOp, HistoryEntry, OpResult, ReadMode};
use crate::disk::Disk;
use crate::footprint::Footprint;
use crate::kv::{KvStore, WatchEvent, OP_WINDOW};
use crate::member::{
    conf_members, Effects, LogEntryView, Member, ProgressView, RaftSettings, Watch,
};
use crate::network::{DropReason, MsgKind, NetConfig, Network, SendOutcome};
use crate::rng::SimRng;
use crate::trace::{EventKind, Role, Trace};
use crate::NodeId;

/// Most voters a cluster may have.
pub const MAX_VOTERS: u64 = 9;
/// Highest member id (voters plus learners).
pub const MAX_NODE_ID: NodeId = 64;

/// How to build a cluster.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ClusterConfig {
    /// Seed for every random choice.
    pub seed: u64,
    /// Founding voters, n1..=nN.
    pub voters: u64,
    /// Founding learners, numbered after the voters.
    pub learners: u64,
    /// Raft settings.
    pub raft: RaftSettings,
    /// Network settings.
    pub net: NetConfig,
    /// How many recent trace events to keep for reading (the hash covers
    /// all of them); 0 keeps everything.
    pub trace_capacity: usize,
    /// Keep only the latest client requests, between this many and twice
    /// as many, for a run of hours (the page). `None` keeps the whole
    /// history, for checking a whole run (tests, scripts, the CLI). See
    /// [`Cluster::linearizability`] for what a window checks.
    #[serde(default)]
    pub history_limit: Option<usize>,
}

impl Default for ClusterConfig {
    fn default() -> Self {
        ClusterConfig {
            seed: 1,
            voters: 3,
            learners: 0,
            raft: RaftSettings::default(),
            net: NetConfig::default(),
            trace_capacity: 20_000,
            history_limit: None,
        }
    }
}

impl ClusterConfig {
    /// Checks the whole configuration, naming the bad setting.
    pub fn validate(&self) -> Result<(), String> {
        if self.voters == 0 || self.voters > MAX_VOTERS {
            return Err(format!(
                "a cluster has 1 to {MAX_VOTERS} voters, not {}",
                self.voters
            ));
        }
        if self.voters + self.learners > MAX_NODE_ID {
            return Err(format!("at most {MAX_NODE_ID} members in all"));
        }
        self.raft.validate()?;
        self.net.validate()
    }
}

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
pub enum Action {
    /// Stop a member; its disk survives.
    Crash {
        /// The member.
        node: NodeId,
    },
    /// Start a crashed member from its disk.
    Restart {
        /// The member.
        node: NodeId,
    },
    /// Member replacement, as etcd does it: the member loses its disk for
    /// good, is removed from the cluster, and a blank member with a new id
    /// joins in its place and catches up by snapshot. (A wiped member must
    /// not come back under its old id: a stale leader or candidate that
    /// still counts the old one could be handed promises the old disk made
    /// and the new one forgot.)
    WipeAndRejoin {
        /// The member.
        node: NodeId,
    },
    /// Cut a member off from all others, both ways.
    Isolate {
        /// The member.
        node: NodeId,
    },
    /// Split the members into groups that cannot talk to each other.
    Partition {
        /// The groups; members in none are isolated.
        groups: Vec<Vec<NodeId>>,
    },
    /// Cut every link from `from` members to `to` members (one way).
    PartitionOneway {
        /// Senders.
        from: Vec<NodeId>,
        /// Receivers.
        to: Vec<NodeId>,
    },
    /// Cut one link (`both`: in both directions).
    Cut {
        /// One end.
        from: NodeId,
        /// Other end.
        to: NodeId,
        /// Both directions.
        both: bool,
    },
    /// Restore one link (`both`: in both directions).
    Repair {
        /// One end.
        from: NodeId,
        /// Other end.
        to: NodeId,
        /// Both directions.
        both: bool,
    },
    /// Restore every link and release every held message.
    HealAll,
    /// Hold one message in flight.
    Hold {
        /// Message id.
        msg: u64,
    },
    /// Release one held message.
    Release {
        /// Message id.
        msg: u64,
    },
    /// Drop one message in flight.
    Drop {
        /// Message id.
        msg: u64,
    },
    /// Hold every message on a link until released.
    HoldLink {
        /// Sender.
        from: NodeId,
        /// Receiver.
        to: NodeId,
    },
    /// Release a held link and its messages.
    ReleaseLink {
        /// Sender.
        from: NodeId,
        /// Receiver.
        to: NodeId,
    },
    /// Change latency, jitter, loss and duplication.
    SetNetwork {
        /// New settings.
        net: NetConfig,
    },
    /// Turn PreVote on or off on every member.
    SetPreVote {
        /// On or off.
        on: bool,
    },
    /// Turn CheckQuorum on or off on every member.
    SetCheckQuorum {
        /// On or off.
        on: bool,
    },
    /// A client request to a member.
    Client {
        /// Client id (for the history).
        client: u64,
        /// Member to send it to.
        node: NodeId,
        /// The request.
        op: ClientOp,
        /// Read mode (ignored for writes).
        mode: ReadMode,
    },
    /// Watch a key (or a prefix) on a member.
    Watch {
        /// Member serving the watch.
        node: NodeId,
        /// Key or prefix.
        key: String,
        /// Whether `key` is a prefix.
        prefix: bool,
    },
    /// Cancel a watch.
    CancelWatch {
        /// Watch id.
        watch: u64,
    },
    /// Membership changes proposed together (more than one enters joint
    /// consensus, left automatically).
    ChangeMembership {
        /// The changes.
        changes: Vec<(MemberChange, NodeId)>,
    },
    /// Ask the leader to hand leadership to a member.
    TransferLeader {
        /// The new leader.
        to: NodeId,
    },
    /// Make a member start an election now.
    Campaign {
        /// The member.
        node: NodeId,
    },
    /// Compact a member's log into a snapshot now.
    Compact {
        /// The member.
        node: NodeId,
    },
}

/// Counters over a run.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Stats {
    /// Messages put on the network (duplicates count once).
    pub messages_sent: u64,
    /// Messages that reached their receiver.
    pub messages_delivered: u64,
    /// Messages lost for any reason.
    pub messages_dropped: u64,
    /// Times some member became leader.
    pub leader_changes: u64,
    /// Highest term any member reached.
    pub max_term: u64,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
enum Scheduled {
    Tick { node: NodeId, generation: u64 },
    Deliver { msg: u64 },
}

/// A watch and what it has seen.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct WatchView {
    /// Watch id.
    pub id: u64,
    /// Member serving it.
    pub node: NodeId,
    /// Key or prefix.
    pub key: String,
    /// Whether `key` is a prefix.
    pub prefix: bool,
    /// Events seen, oldest first.
    pub events: Vec<WatchEvent>,
    /// Whether the member serving it went down (the watch ended).
    pub ended: bool,
}

/// The simulation.
pub struct Cluster {
    config: ClusterConfig,
    now: u64,
    seq: u64,
    queue: BinaryHeap<Reverse<(u64, u64, Scheduled)>>,
    members: BTreeMap<NodeId, Member>,
    generation: BTreeMap<NodeId, u64>,
    net: Network,
    rng: SimRng,
    trace: Trace,
    checker: SafetyChecker,
    /// Requests in the order sent; op ids are consecutive, so the op id of
    /// the first one locates any other.
    history: Vec<HistoryEntry>,
    /// Writes dropped from the history that may have taken effect after the
    /// first request kept (see [`ClusterConfig::history_limit`]).
    history_carried: Vec<HistoryEntry>,
    history_dropped: u64,
    /// Op id of the newest write dropped from the history, answered before
    /// the first request kept: the stores took or refused for good every
    /// write [`OP_WINDOW`] op ids older than it.
    history_settled_op: u64,
    waiting: usize,
    next_op: u64,
    watches: BTreeMap<u64, WatchView>,
    next_watch: u64,
    conf: ConfState,
    conf_index: u64,
    /// A replacement under way: (old member, new member, as learner).
    replacing: Option<(NodeId, NodeId, bool)>,
    stats: Stats,
}

impl Cluster {
    /// Builds and starts a cluster.
    pub fn new(config: ClusterConfig) -> Result<Cluster, String> {
        config.validate()?;
        let voters: Vec<NodeId> = (1..=config.voters).collect();
        let learners: Vec<NodeId> = (config.voters + 1..=config.voters + config.learners).collect();
        let conf = ConfState {
            voters: voters.clone(),
            learners: learners.clone(),
            ..Default::default()
        };
        let mut cluster = Cluster {
            now: 0,
            seq: 0,
            queue: BinaryHeap::new(),
            members: BTreeMap::new(),
            generation: BTreeMap::new(),
            net: Network::new(config.net.clone()),
            rng: SimRng::new(config.seed),
            trace: Trace::new(config.trace_capacity),
            checker: SafetyChecker::new(),
            history: Vec::new(),
            history_carried: Vec::new(),
            history_dropped: 0,
            history_settled_op: 0,
            waiting: 0,
            next_op: 1,
            watches: BTreeMap::new(),
            next_watch: 1,
            conf: conf.clone(),
            conf_index: 1,
            replacing: None,
            stats: Stats::default(),
            config,
        };
        let empty = KvStore::new().to_snapshot_data();
        for &id in voters.iter().chain(&learners) {
            let disk = Disk::bootstrap(conf.clone(), empty.clone());
            cluster.members.insert(id, Member::new(id, disk));
            cluster.start_member(id);
        }
        Ok(cluster)
    }

    // ----- reading -----

    /// The configuration the cluster was built with (network and flags as
    /// changed since).
    pub fn config(&self) -> &ClusterConfig {
        &self.config
    }

    /// Current virtual time in ms.
    pub fn now(&self) -> u64 {
        self.now
    }

    /// The trace.
    pub fn trace(&self) -> &Trace {
        &self.trace
    }

    /// The client history (with a history limit, the latest requests).
    pub fn history(&self) -> &[HistoryEntry] {
        &self.history
    }

    /// How many requests a history limit dropped from the front.
    pub fn history_dropped(&self) -> u64 {
        self.history_dropped
    }

    /// Requests still waiting for an answer.
    pub fn waiting_requests(&self) -> usize {
        self.waiting
    }

    /// One history entry by op id (`None` once a history limit dropped it).
    pub fn op(&self, op_id: u64) -> Option<&HistoryEntry> {
        let first = self.history.first()?.op_id;
        let i = usize::try_from(op_id.checked_sub(first)?).ok()?;
        self.history.get(i)
    }

    /// How many records the cluster holds, to see that none grows with the
    /// length of the run.
    pub fn footprint(&self) -> Footprint {
        let (checker_leaders, checker_persisted, checker_applied) = self.checker.sizes();
        let mut f = Footprint {
            history: self.history.len(),
            history_carried: self.history_carried.len(),
            checker_leaders,
            checker_persisted,
            checker_applied,
            trace_kept: self.trace.recent().len(),
            in_flight: self.net.in_flight().count(),
            watch_events: self.watches.values().map(|w| w.events.len()).sum(),
            ..Default::default()
        };
        for m in self.members.values() {
            let disk = m.disk();
            f.log_entries += disk.entries().len();
            f.snapshot_bytes += disk.snapshot_ref().data.len();
            if let Some(l) = m.live() {
                f.remembered_ops += l.kv().remembered_ops();
                f.pending_requests += l.pending_requests();
            }
        }
        f
    }

    /// Run counters.
    pub fn stats(&self) -> &Stats {
        &self.stats
    }

    /// The network.
    pub fn network(&self) -> &Network {
        &self.net
    }

    /// Safety violations found so far.
    pub fn violations(&self) -> &[Violation] {
        self.checker.violations()
    }

    /// Checks the client history for linearizability now. Once a history
    /// limit has dropped requests, this checks the kept window (see
    /// [`check_window`]): the verdict then covers the requests kept, each
    /// key starting from whatever value it had.
    pub fn linearizability(&self) -> LinearizabilityReport {
        match self.history.first() {
            Some(first) if self.history_dropped > 0 => {
                let ops: Vec<HistoryEntry> = (self.history_carried.iter())
                    .chain(&self.history)
                    .cloned()
                    .collect();
                check_window(&ops, first.invoke)
            }
            _ => check_linearizability(&self.history),
        }
    }

    /// Member ids, in order (including down and removed ones).
    pub fn member_ids(&self) -> Vec<NodeId> {
        self.members.keys().copied().collect()
    }

    /// One member.
    pub fn member(&self, id: NodeId) -> Option<&Member> {
        self.members.get(&id)
    }

    /// The latest committed membership.
    pub fn membership(&self) -> &ConfState {
        &self.conf
    }

    /// Voters of the latest committed membership.
    pub fn voters(&self) -> Vec<NodeId> {
        let mut v = self.conf.voters.clone();
        v.sort_unstable();
        v
    }

    /// The leader with the highest term among running members, if any.
    pub fn leader(&self) -> Option<NodeId> {
        self.members
            .values()
            .filter_map(|m| m.live().map(|l| (m.id, l)))
            .filter(|(_, l)| l.role() == Role::Leader)
            .max_by_key(|(id, l)| (l.term(), Reverse(*id)))
            .map(|(id, _)| id)
    }

    /// Role of a member.
    pub fn role(&self, id: NodeId) -> Option<Role> {
        self.members.get(&id).map(Member::role)
    }

    /// Highest commit index of any running member.
    pub fn max_commit(&self) -> u64 {
        self.members
            .values()
            .filter_map(|m| m.live().map(|l| l.commit()))
            .max()
            .unwrap_or(0)
    }

    /// Highest index applied anywhere.
    pub fn max_applied(&self) -> u64 {
        self.checker.max_applied()
    }

    /// Watches and their events.
    pub fn watches(&self) -> impl Iterator<Item = &WatchView> {
        self.watches.values()
    }

    /// Whether a leader could be elected (or the current one can commit):
    /// some running voter reaches a quorum of voters, both ways.
    pub fn quorum_available(&self) -> bool {
        let voters = self.voters();
        let q = quorum_size(voters.len());
        voters.iter().any(|&v| self.reach(v, &voters) >= q)
    }

    /// Running voters that `from` can exchange messages with, itself
    /// included (0 if `from` is down).
    pub fn reach(&self, from: NodeId, voters: &[NodeId]) -> usize {
        if !self.is_running(from) {
            return 0;
        }
        voters
            .iter()
            .filter(|&&v| {
                v == from
                    || (self.is_running(v)
                        && self.net.link_up(from, v)
                        && self.net.link_up(v, from))
            })
            .count()
    }

    fn is_running(&self, id: NodeId) -> bool {
        self.members.get(&id).is_some_and(Member::is_up)
    }

    /// Time of the next queued event, if any.
    pub fn next_event_time(&self) -> Option<u64> {
        self.queue.peek().map(|Reverse((t, _, _))| *t)
    }

    // ----- driving -----

    /// Runs every event up to and including virtual time `t`.
    pub fn advance_to(&mut self, t: u64) {
        while let Some(&Reverse((at, _, _))) = self.queue.peek() {
            if at > t {
                break;
            }
            self.step_event();
        }
        self.now = self.now.max(t);
    }

    /// Runs for `ms` more virtual milliseconds.
    pub fn advance(&mut self, ms: u64) {
        self.advance_to(self.now + ms);
    }

    /// Runs events until `done` holds or `deadline` passes; returns whether
    /// it held. Checked before each event, so it stops right when it holds.
    pub fn run_until(&mut self, deadline: u64, mut done: impl FnMut(&Cluster) -> bool) -> bool {
        loop {
            if done(self) {
                return true;
            }
            match self.next_event_time() {
                Some(t) if t <= deadline => {
                    self.step_event();
                }
                _ => {
                    self.now = self.now.max(deadline);
                    return done(self);
                }
            }
        }
    }

    /// Runs the next event (the page's "step"). Returns false if none.
    pub fn step_event(&mut self) -> bool {
        let Some(Reverse((at, _, ev))) = self.queue.pop() else {
            return false;
        };
        self.now = self.now.max(at);
        match ev {
            Scheduled::Tick { node, generation } => {
                if self.generation.get(&node) != Some(&generation) {
                    return true; // A tick of an earlier incarnation.
                }
                let mut fx = Effects::default();
                if let Some(m) = self.members.get_mut(&node) {
                    m.tick(self.now, &self.config.raft, &mut self.rng, &mut fx);
                }
                self.route(fx);
                let next = self.now + self.config.raft.tick_ms;
                self.schedule(next, Scheduled::Tick { node, generation });
                self.drive_replacement();
            }
            Scheduled::Deliver { msg } => self.deliver(msg, at),
        }
        true
    }

    fn schedule(&mut self, at: u64, ev: Scheduled) {
        self.seq += 1;
        self.queue.push(Reverse((at, self.seq, ev)));
    }

    fn deliver(&mut self, id: u64, at: u64) {
        let Some(m) = self.net.take_due(id, at) else {
            return;
        };
        let reason = if let Some(r) = m.doomed {
            Some(r)
        } else if !self.net.link_up(m.from, m.to) {
            Some(DropReason::Partition)
        } else {
            match self.members.get(&m.to) {
                None => Some(DropReason::Removed),
                Some(t) if t.is_removed() => Some(DropReason::Removed),
                Some(t) if !t.is_up() => Some(DropReason::TargetDown),
                Some(_) => None,
            }
        };
        let mut fx = Effects::default();
        let s = &self.config.raft;
        if let Some(reason) = reason {
            self.stats.messages_dropped += 1;
            self.trace.push(
                self.now,
                EventKind::MessageDropped {
                    id,
                    from: m.from,
                    to: m.to,
                    kind: m.kind,
                    reason,
                },
            );
            if let Some(sender) = self.members.get_mut(&m.from) {
                if m.kind == MsgKind::Snapshot {
                    sender.report_snapshot(m.to, false, s, &mut self.rng, &mut fx);
                } else if matches!(reason, DropReason::Partition | DropReason::TargetDown) {
                    // The transport notices a broken connection (not a
                    // random loss) and tells Raft, as TiKV's does.
                    sender.report_unreachable(m.to, s, &mut self.rng, &mut fx);
                }
            }
        } else {
            self.stats.messages_delivered += 1;
            self.trace.push(
                self.now,
                EventKind::MessageDelivered {
                    id,
                    from: m.from,
                    to: m.to,
                    kind: m.kind,
                },
            );
            let is_snapshot = m.kind == MsgKind::Snapshot;
            let (from, to) = (m.from, m.to);
            if let Some(target) = self.members.get_mut(&to) {
                target.step(m.msg, s, &mut self.rng, &mut fx);
            }
            if is_snapshot {
                if let Some(sender) = self.members.get_mut(&from) {
                    sender.report_snapshot(to, true, s, &mut self.rng, &mut fx);
                }
            }
        }
        self.route(fx);
    }

    /// Sends, records and checks whatever a member step produced.
    fn route(&mut self, fx: Effects) {
        let now = self.now;
        let compacted = (fx.events.iter()).any(|e| matches!(e, EventKind::Compacted { .. }));
        for ev in fx.events {
            if let EventKind::RoleChanged { term, .. } = &ev {
                self.stats.max_term = self.stats.max_term.max(*term);
            }
            if let EventKind::Watch { watch, event, .. } = &ev {
                if let Some(w) = self.watches.get_mut(watch) {
                    w.events.push(event.clone());
                }
            }
            self.trace.push(now, ev);
        }
        for (node, index, term, hash) in fx.appended {
            let step = self.trace.len();
            if let Some(v) = self.checker.on_persist(node, index, term, hash, now, step) {
                self.trace_violation(v);
            }
        }
        for (node, index, term, hash) in fx.applied {
            let step = self.trace.len();
            if let Some(v) = self.checker.on_apply(node, index, term, hash, now, step) {
                self.trace_violation(v);
            }
        }
        if compacted {
            self.forget_settled();
        }
        for (node, term) in fx.new_leader {
            self.stats.leader_changes += 1;
            let step = self.trace.len();
            if let Some(v) = self.checker.on_leader(node, term, now, step) {
                self.trace_violation(v);
            }
            if let Some(live) = self.members.get(&node).and_then(Member::live) {
                let first = live.raw().raft.raft_log.first_index();
                let v =
                    self.checker
                        .on_leader_log(node, term, first, |i| live.term_at(i), now, step);
                if let Some(v) = v {
                    self.trace_violation(v);
                }
            }
        }
        for msg in fx.messages {
            self.send(msg);
        }
        for (index, cs) in fx.conf_changes {
            self.on_conf_change(index, cs);
        }
        for (op_id, result) in fx.completions {
            self.complete(op_id, result);
        }
    }

    /// Lets the safety checker forget the entries no member can persist or
    /// apply again: those at or below every running member's snapshot,
    /// except the log of a member that is down (it applies it again when it
    /// restarts).
    fn forget_settled(&mut self) {
        let kept = self.members.values().filter(|m| !m.is_removed());
        let settled = (kept.clone().filter(|m| m.is_up()))
            .map(|m| m.disk().snapshot_index())
            .min()
            .unwrap_or(0);
        let down: Vec<(u64, u64)> = (kept.filter(|m| !m.is_up()))
            .map(|m| (m.disk().snapshot_index(), m.disk().last()))
            .collect();
        let needed = |i: u64| down.iter().any(|&(snap, last)| snap < i && i <= last);
        self.checker.forget_settled(settled, needed);
    }

    fn trace_violation(&mut self, v: Violation) {
        self.trace.push(
            self.now,
            EventKind::Violation {
                property: v.property,
                detail: format!("{} (seed {}, step {})", v.detail, self.config.seed, v.step),
            },
        );
    }

    fn send(&mut self, msg: raft::prelude::Message) {
        let (from, to, term) = (msg.from, msg.to, msg.term);
        let kind = MsgKind::of(&msg);
        self.stats.messages_sent += 1;
        let (id, outcome) = self.net.send(msg, self.now, &mut self.rng);
        let deliver_at = self.net.get(id).map_or(self.now, |m| m.deliver_at);
        let sent = EventKind::MessageSent {
            id,
            from,
            to,
            kind,
            term,
            deliver_at,
        };
        self.trace.push(self.now, sent);
        match outcome {
            SendOutcome::Refused => {
                self.stats.messages_dropped += 1;
                let reason = DropReason::Partition;
                let dropped = EventKind::MessageDropped {
                    id,
                    from,
                    to,
                    kind,
                    reason,
                };
                self.trace.push(self.now, dropped);
                if kind == MsgKind::Snapshot {
                    self.snapshot_lost(from, to);
                }
            }
            SendOutcome::InFlight(deliveries) => {
                for (mid, at) in deliveries {
                    self.schedule(at, Scheduled::Deliver { msg: mid });
                }
            }
        }
    }

    /// A snapshot that never left (a cut link) or was dropped by hand: the
    /// sender's transport learns at once and tells Raft, as etcd's rafthttp
    /// does. Otherwise the leader keeps the follower in the Snapshot state,
    /// paused, and never sends it anything again.
    fn snapshot_lost(&mut self, from: NodeId, to: NodeId) {
        let mut fx = Effects::default();
        if let Some(sender) = self.members.get_mut(&from) {
            sender.report_snapshot(to, false, &self.config.raft, &mut self.rng, &mut fx);
        }
        self.route(fx);
    }

    fn complete(&mut self, op_id: u64, result: OpResult) {
        let first = self.history.first().map_or(0, |h| h.op_id);
        let Some(entry) = op_id
            .checked_sub(first)
            .and_then(|i| self.history.get_mut(usize::try_from(i).ok()?))
        else {
            return;
        };
        if entry.result.is_some() {
            return;
        }
        self.waiting -= 1;
        entry.complete = Some(self.now);
        entry.result = Some(result.clone());
        self.trace
            .push(self.now, EventKind::ClientComplete { op_id, result });
    }

    fn on_conf_change(&mut self, index: u64, cs: ConfState) {
        if index <= self.conf_index {
            return; // A member replaying an older change.
        }
        let before = conf_members(&self.conf);
        let after = conf_members(&cs);
        self.conf = cs;
        self.conf_index = index;
        for id in before.into_iter().filter(|id| !after.contains(id)) {
            if self.members.get(&id).is_some_and(|m| !m.is_removed()) {
                self.stop_member(id, Role::Removed);
            }
        }
    }

    /// Stops a member as `Role::Down` (crashed, disk kept) or
    /// `Role::Removed` (out of the cluster). Its ticks stop, and the requests
    /// it was serving fail.
    fn stop_member(&mut self, node: NodeId, role: Role) {
        let m = self.members.get_mut(&node).expect("caller checked");
        let pending = match role {
            Role::Down => m.crash(),
            _ => m.remove(),
        };
        self.generation.entry(node).and_modify(|g| *g += 1);
        self.trace.push(
            self.now,
            EventKind::RoleChanged {
                node,
                role,
                term: 0,
            },
        );
        self.fail_pending(node, pending);
    }

    fn fail_pending(&mut self, node: NodeId, ops: Vec<u64>) {
        for op_id in ops {
            self.complete(
                op_id,
                OpResult::Err {
                    error: ClientError::MemberCrashed { node },
                },
            );
        }
        for w in self.watches.values_mut().filter(|w| w.node == node) {
            w.ended = true;
        }
    }

    fn start_member(&mut self, id: NodeId) {
        let mut fx = Effects::default();
        let Some(m) = self.members.get_mut(&id) else {
            return;
        };
        m.start(&self.config.raft, &mut self.rng, &mut fx);
        let generation = {
            let g = self.generation.entry(id).or_insert(0);
            *g += 1;
            *g
        };
        // Members do not tick in lockstep: each starts at its own phase.
        let phase = self.rng.range_inclusive(1, self.config.raft.tick_ms);
        self.schedule(
            self.now + phase,
            Scheduled::Tick {
                node: id,
                generation,
            },
        );
        self.route(fx);
    }

    fn fault(&mut self, what: String) {
        self.trace.push(self.now, EventKind::Fault { what });
    }

    /// Adds a narration line to the trace.
    pub fn note(&mut self, text: impl Into<String>) {
        self.trace
            .push(self.now, EventKind::Note { text: text.into() });
    }

    // ----- actions -----

    /// Applies an action now. Returns the new op or watch id where there is
    /// one; errors say, in words, why the action is not possible.
    pub fn apply(&mut self, action: Action) -> Result<Option<u64>, String> {
        match action {
            Action::Crash { node } => {
                let m = self.existing(node)?;
                if !m.is_up() {
                    return Err(format!("n{node} is already down"));
                }
                self.fault(format!("crash n{node}"));
                self.stop_member(node, Role::Down);
            }
            Action::Restart { node } => {
                let m = self.existing(node)?;
                if m.is_removed() {
                    return Err(format!("n{node} is not a member; add it back instead"));
                }
                if m.is_up() {
                    return Err(format!("n{node} is already running"));
                }
                self.fault(format!("restart n{node}"));
                self.start_member(node);
            }
            Action::WipeAndRejoin { node } => {
                let m = self.existing(node)?;
                if m.is_removed() {
                    return Err(format!("n{node} is not a member"));
                }
                let voters = self.voters();
                if voters.contains(&node) && voters.len() < 3 {
                    // Removing the wiped voter must be committed by the
                    // others alone: with 2 voters that is impossible.
                    return Err(format!(
                        "with {} voters, the others cannot commit n{node}'s removal; \
                         replace a member of a cluster of 3 or more",
                        voters.len()
                    ));
                }
                if let Some((old, _, _)) = self.replacing {
                    // Losing a second disk before the first replacement is
                    // done could lose a quorum's worth of data for good.
                    return Err(format!(
                        "n{old} is still being replaced; replace one member at a time"
                    ));
                }
                let new = self.next_member_id()?;
                self.fault(format!("wipe n{node}; n{new} will replace it"));
                self.members.get_mut(&node).expect("exists").wipe_disk();
                self.stop_member(node, Role::Removed);
                let learner = self.conf.learners.contains(&node);
                self.replacing = Some((node, new, learner));
                self.drive_replacement();
            }
            Action::Isolate { node } => {
                self.existing(node)?;
                let ids = self.member_ids();
                self.net.isolate(node, &ids);
                self.fault(format!("isolate n{node}"));
            }
            Action::Partition { groups } => {
                for g in &groups {
                    for &n in g {
                        self.existing(n)?;
                    }
                }
                let ids = self.member_ids();
                self.net.partition(&ids, &groups);
                let parts: Vec<String> = groups.iter().map(|g| format!("{g:?}")).collect();
                self.fault(format!("partition {}", parts.join(" | ")));
            }
            Action::PartitionOneway { from, to } => {
                for &n in from.iter().chain(&to) {
                    self.existing(n)?;
                }
                for &a in &from {
                    for &b in &to {
                        self.net.cut_oneway(a, b);
                    }
                }
                self.fault(format!("partition one way {from:?} -> {to:?}"));
            }
            Action::Cut { from, to, both } => {
                self.existing(from)?;
                self.existing(to)?;
                if both {
                    self.net.cut(from, to);
                    self.fault(format!("cut n{from} <-> n{to}"));
                } else {
                    self.net.cut_oneway(from, to);
                    self.fault(format!("cut n{from} -> n{to}"));
                }
            }
            Action::Repair { from, to, both } => {
                if both {
                    self.net.repair(from, to);
                    self.fault(format!("repair n{from} <-> n{to}"));
                } else {
                    self.net.repair_oneway(from, to);
                    self.fault(format!("repair n{from} -> n{to}"));
                }
            }
            Action::HealAll => {
                self.net.heal_all();
                let released = self.net.release_all(self.now, &mut self.rng);
                self.reschedule(released);
                self.fault("heal all".into());
            }
            Action::Hold { msg } => {
                if !self.net.hold(msg) {
                    return Err(format!("message {msg} is not in flight"));
                }
                self.fault(format!("hold message {msg}"));
            }
            Action::Release { msg } => {
                let r = self
                    .net
                    .release(msg, self.now, &mut self.rng)
                    .ok_or_else(|| format!("message {msg} is not held"))?;
                self.reschedule(vec![r]);
                self.fault(format!("release message {msg}"));
            }
            Action::Drop { msg } => {
                let m = self
                    .net
                    .drop_message(msg)
                    .ok_or_else(|| format!("message {msg} is not in flight"))?;
                self.stats.messages_dropped += 1;
                self.trace.push(
                    self.now,
                    EventKind::MessageDropped {
                        id: msg,
                        from: m.from,
                        to: m.to,
                        kind: m.kind,
                        reason: DropReason::Manual,
                    },
                );
                if m.kind == MsgKind::Snapshot {
                    self.snapshot_lost(m.from, m.to);
                }
            }
            Action::HoldLink { from, to } => {
                self.net.hold_link(from, to);
                self.fault(format!("hold link n{from} -> n{to}"));
            }
            Action::ReleaseLink { from, to } => {
                let released = self.net.release_link(from, to, self.now, &mut self.rng);
                self.reschedule(released);
                self.fault(format!("release link n{from} -> n{to}"));
            }
            Action::SetNetwork { net } => {
                net.validate()?;
                self.fault(format!(
                    "network: latency {}±{} ms, loss {}, duplicate {}",
                    net.latency_ms, net.jitter_ms, net.loss, net.duplicate
                ));
                self.net.config = net.clone();
                self.config.net = net;
            }
            Action::SetPreVote { on } => {
                self.config.raft.pre_vote = on;
                self.set_flags();
                self.fault(format!("pre-vote {}", if on { "on" } else { "off" }));
            }
            Action::SetCheckQuorum { on } => {
                self.config.raft.check_quorum = on;
                self.set_flags();
                self.fault(format!("check-quorum {}", if on { "on" } else { "off" }));
            }
            Action::Client {
                client,
                node,
                op,
                mode,
            } => return Ok(Some(self.client_request(client, node, op, mode))),
            Action::Watch { node, key, prefix } => {
                let id = self.next_watch;
                let m = self.existing_mut(node)?;
                if !m.add_watch(Watch {
                    id,
                    key: key.clone(),
                    prefix,
                }) {
                    return Err(format!("n{node} is down"));
                }
                self.next_watch += 1;
                self.watches.insert(
                    id,
                    WatchView {
                        id,
                        node,
                        key,
                        prefix,
                        events: Vec::new(),
                        ended: false,
                    },
                );
                return Ok(Some(id));
            }
            Action::CancelWatch { watch } => {
                let w = self
                    .watches
                    .remove(&watch)
                    .ok_or_else(|| format!("no watch {watch}"))?;
                if let Some(m) = self.members.get_mut(&w.node) {
                    m.cancel_watch(watch);
                }
            }
            Action::ChangeMembership { changes } => self.change_membership(&changes)?,
            Action::TransferLeader { to } => {
                self.existing(to)?;
                let leader = self.leader().ok_or("there is no leader")?;
                if leader == to {
                    return Err(format!("n{to} already leads"));
                }
                let mut fx = Effects::default();
                let m = self.members.get_mut(&leader).expect("leader exists");
                m.transfer_leader(to, &self.config.raft, &mut self.rng, &mut fx)?;
                self.fault(format!("transfer leadership n{leader} -> n{to}"));
                self.route(fx);
            }
            Action::Campaign { node } => {
                let mut fx = Effects::default();
                let m = self.members.get_mut(&node);
                let m = m.ok_or_else(|| format!("there is no member n{node}"))?;
                if !m.is_up() {
                    return Err(format!("n{node} is down"));
                }
                m.campaign(&self.config.raft, &mut self.rng, &mut fx);
                self.fault(format!("n{node} campaigns"));
                self.route(fx);
            }
            Action::Compact { node } => {
                let mut fx = Effects::default();
                self.existing_mut(node)?.compact(&mut fx)?;
                self.route(fx);
            }
        }
        Ok(None)
    }

    fn existing(&self, node: NodeId) -> Result<&Member, String> {
        self.members
            .get(&node)
            .ok_or_else(|| format!("there is no member n{node}"))
    }

    fn existing_mut(&mut self, node: NodeId) -> Result<&mut Member, String> {
        self.members
            .get_mut(&node)
            .ok_or_else(|| format!("there is no member n{node}"))
    }

    fn reschedule(&mut self, deliveries: Vec<(u64, u64)>) {
        for (id, at) in deliveries {
            self.schedule(at, Scheduled::Deliver { msg: id });
        }
    }

    fn set_flags(&mut self) {
        let (pv, cq) = (self.config.raft.pre_vote, self.config.raft.check_quorum);
        for m in self.members.values_mut() {
            m.set_flags(pv, cq);
        }
    }

    fn client_request(&mut self, client: u64, node: NodeId, op: ClientOp, mode: ReadMode) -> u64 {
        let op_id = self.next_op;
        self.next_op += 1;
        let read_mode = (!op.is_write()).then_some(mode);
        self.trim_history();
        self.waiting += 1;
        self.history.push(HistoryEntry {
            op_id,
            client,
            node,
            op: op.clone(),
            mode: read_mode,
            invoke: self.now,
            complete: None,
            result: None,
        });
        self.trace.push(
            self.now,
            EventKind::ClientInvoke {
                op_id,
                client,
                node,
                op: op.clone(),
                mode: read_mode,
            },
        );
        if let Err(reason) = op.validate() {
            self.complete(
                op_id,
                OpResult::Err {
                    error: ClientError::Invalid { reason },
                },
            );
            return op_id;
        }
        let mut fx = Effects::default();
        match self.members.get_mut(&node) {
            Some(m) if !m.is_removed() => m.client_request(
                op_id,
                op,
                mode,
                self.now,
                &self.config.raft,
                &mut self.rng,
                &mut fx,
            ),
            _ => fx.completions.push((
                op_id,
                OpResult::Err {
                    error: ClientError::MemberDown { node },
                },
            )),
        }
        self.route(fx);
        op_id
    }

    /// With a history limit, drops the oldest answered requests once twice
    /// the limit are kept. A write that may have taken effect after the
    /// first request kept stays, apart, for the linearizability check.
    fn trim_history(&mut self) {
        let Some(limit) = self.config.history_limit else {
            return;
        };
        if self.history.len() < 2 * limit.max(1) {
            return;
        }
        let mut cut = self.history.len() - limit.max(1);
        if let Some(open) = self.history[..cut].iter().position(|h| h.result.is_none()) {
            cut = open;
        }
        let Some(first_kept) = self.history.get(cut).map(|h| h.invoke) else {
            return;
        };
        // A write answered before `first_kept` took effect before it; a
        // write with an unknown outcome may take effect any time, until a
        // write OP_WINDOW op ids newer was answered before `first_kept`.
        let settled = self.history[..cut]
            .iter()
            .filter(|h| h.op.is_write() && h.is_ok() && h.complete < Some(first_kept))
            .map(|h| h.op_id)
            .max()
            .unwrap_or(0);
        self.history_settled_op = self.history_settled_op.max(settled);
        let sealed = self.history_settled_op;
        let may_land_later = |h: &HistoryEntry| {
            h.op.is_write()
                && match &h.result {
                    Some(OpResult::Ok { .. }) => h.complete >= Some(first_kept),
                    Some(OpResult::Err { error }) => {
                        !error.is_definite() && h.op_id + OP_WINDOW >= sealed
                    }
                    None => true,
                }
        };
        self.history_carried.retain(may_land_later);
        let dropped: Vec<HistoryEntry> = self.history.drain(..cut).collect();
        self.history_carried
            .extend(dropped.into_iter().filter(may_land_later));
        self.history_dropped += cut as u64;
    }

    fn change_membership(&mut self, changes: &[(MemberChange, NodeId)]) -> Result<(), String> {
        if changes.is_empty() {
            return Err("no membership change given".into());
        }
        let current = conf_members(&self.conf);
        let mut singles: Vec<ConfChangeSingle> = Vec::new();
        let mut joining = Vec::new();
        for &(change, id) in changes {
            if id == 0 || id > MAX_NODE_ID {
                return Err(format!("member ids run from 1 to {MAX_NODE_ID}"));
            }
            if change != MemberChange::Remove
                && self.members.get(&id).is_some_and(Member::is_removed)
            {
                return Err(format!(
                    "n{id} was removed, and a member id is never reused (etcd refuses \
                     it too); add a new member instead"
                ));
            }
            let is_member = current.contains(&id);
            let ty = match change {
                MemberChange::AddVoter => {
                    if self.conf.voters.contains(&id) {
                        return Err(format!("n{id} is already a voter"));
                    }
                    if self.conf.voters.len() as u64 >= MAX_VOTERS {
                        return Err(format!("a cluster has at most {MAX_VOTERS} voters"));
                    }
                    ConfChangeType::AddNode
                }
                MemberChange::AddLearner => {
                    if is_member {
                        return Err(format!("n{id} is already a member"));
                    }
                    ConfChangeType::AddLearnerNode
                }
                MemberChange::Remove => {
                    if !is_member {
                        return Err(format!("n{id} is not a member"));
                    }
                    ConfChangeType::RemoveNode
                }
            };
            if !is_member && change != MemberChange::Remove {
                joining.push(id);
            }
            singles.push(new_conf_change_single(id, ty));
        }
        let leader = self
            .leader()
            .ok_or("there is no leader to propose the change")?;
        let mut fx = Effects::default();
        let m = self.members.get_mut(&leader).expect("leader exists");
        m.propose_conf_change(singles, &self.config.raft, &mut self.rng, &mut fx)?;
        let words: Vec<String> = changes
            .iter()
            .map(|(c, id)| format!("{c:?} n{id}").to_lowercase())
            .collect();
        self.fault(format!("membership: {}", words.join(", ")));
        self.route(fx);
        // A joining member starts blank and waits for the leader to reach it;
        // its first message from the leader brings the snapshot.
        for id in joining {
            // It may exist already, blank or catching up, from an earlier
            // proposal that was lost: then it keeps running as it is.
            if let std::collections::btree_map::Entry::Vacant(slot) = self.members.entry(id) {
                slot.insert(Member::new(id, Disk::empty()));
                self.start_member(id);
            }
        }
        Ok(())
    }

    /// The lowest id never used by any member.
    pub fn next_member_id(&self) -> Result<NodeId, String> {
        let next = self.members.keys().next_back().copied().unwrap_or(0) + 1;
        if next > MAX_NODE_ID {
            return Err(format!("all {MAX_NODE_ID} member ids are used up"));
        }
        Ok(next)
    }

    /// The replacement under way: (old member, new member).
    pub fn replacement(&self) -> Option<(NodeId, NodeId)> {
        self.replacing.map(|(old, new, _)| (old, new))
    }

    /// Moves a replacement along: first the old member's removal, then the
    /// new member's addition, each once a leader can take it.
    fn drive_replacement(&mut self) {
        let Some((old, new, learner)) = self.replacing else {
            return;
        };
        let old_in_conf = conf_members(&self.conf).contains(&old);
        let change = if old_in_conf {
            (MemberChange::Remove, old)
        } else if learner {
            (MemberChange::AddLearner, new)
        } else {
            (MemberChange::AddVoter, new)
        };
        // Fails quietly while there is no leader or a change is pending; the
        // next tick tries again. A proposal that is lost is proposed again
        // once the committed membership shows it did not happen.
        let new_in_conf = conf_members(&self.conf).contains(&new);
        if new_in_conf {
            self.replacing = None;
        } else {
            let _ = self.change_membership(&[change]);
        }
    }

    // ----- the view -----

    /// A plain snapshot of everything the page draws.
    pub fn view(&self, log_tail: usize) -> View {
        let voters = self.voters();
        let leader = self.leader();
        let members = self
            .members
            .values()
            .map(|m| {
                let disk = m.disk();
                let mut v = MemberView {
                    id: m.id,
                    role: m.role(),
                    voter: self.conf.voters.contains(&m.id)
                        || self.conf.voters_outgoing.contains(&m.id),
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
            .net
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
            time: self.now,
            seed: self.config.seed,
            members,
            messages,
            cut_links: self.net.cut_links().copied().collect(),
            leader,
            quorum: QuorumView {
                voters: voters.len(),
                quorum: quorum_size(voters.len()),
                tolerance: fault_tolerance(voters.len()),
                leader_reaches: reachable,
                available: self.quorum_available(),
            },
            stats: self.stats.clone(),
            trace_len: self.trace.len(),
            trace_hash: self.trace.hash_hex(),
            violations: self.violations().to_vec(),
        }
    }

    /// The KV contents of a running member.
    pub fn kv(&self, node: NodeId) -> Option<&KvStore> {
        self.members.get(&node)?.live().map(|l| l.kv())
    }
}

/// One member as drawn.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct MemberView {
    /// Id.
    pub id: NodeId,
    /// Role.
    pub role: Role,
    /// Whether it votes in the latest membership.
    pub voter: bool,
    /// Term.
    pub term: u64,
    /// Vote in this term (0: none).
    pub vote: NodeId,
    /// Commit index.
    pub commit: u64,
    /// Applied index.
    pub applied: u64,
    /// Last log index.
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
    /// KV revision.
    pub kv_revision: u64,
    /// KV size.
    pub kv_keys: usize,
}

/// One message in flight as drawn.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct MessageView {
    /// Id.
    pub id: u64,
    /// Sender.
    pub from: NodeId,
    /// Receiver.
    pub to: NodeId,
    /// Kind.
    pub kind: MsgKind,
    /// Term.
    pub term: u64,
    /// Log index (meaning depends on kind).
    pub index: u64,
    /// Term of `index`.
    pub log_term: u64,
    /// Sender's commit index.
    pub commit: u64,
    /// Entries carried.
    pub entries: u64,
    /// A rejection (for responses).
    pub reject: bool,
    /// Send time.
    pub sent_at: u64,
    /// Arrival (or loss) time.
    pub deliver_at: u64,
    /// Held.
    pub held: bool,
    /// Will be lost.
    pub lost: bool,
}

/// The quorum panel.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct QuorumView {
    /// Voters n.
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
pub struct View {
    /// Virtual time.
    pub time: u64,
    /// Seed.
    pub seed: u64,
    /// Members by id.
    pub members: Vec<MemberView>,
    /// Messages in flight.
    pub messages: Vec<MessageView>,
    /// Cut directed links.
    pub cut_links: Vec<(NodeId, NodeId)>,
    /// The leader (highest term), if any.
    pub leader: Option<NodeId>,
    /// Quorum panel.
    pub quorum: QuorumView,
    /// Counters.
    pub stats: Stats,
    /// Events so far.
    pub trace_len: u64,
    /// Trace hash.
    pub trace_hash: String,
    /// Violations found.
    pub violations: Vec<Violation>,
}

/// Members a set of voters needs for a quorum, floor(n/2)+1.
pub fn quorum_size(voters: usize) -> usize {
    voters / 2 + 1
}

/// Failures a set of voters tolerates, floor((n-1)/2).
pub fn fault_tolerance(voters: usize) -> usize {
    voters.saturating_sub(1) / 2
}
