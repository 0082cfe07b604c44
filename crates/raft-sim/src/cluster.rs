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

use raft::prelude::ConfState;
use serde::{Deserialize, Serialize};

use crate::action_error::ActionError;
use crate::client::{ClientError, HistoryEntry, OpResult, ReadFloor};
use crate::disk::Disk;
use crate::kv::KvStore;
use crate::member::{Ctx, Effects, Member, RaftSettings};
use crate::network::{DropReason, MsgKind, NetConfig, Network, SendOutcome};
use crate::reach::{self, Side};
use crate::recording::{Recorded, Recording};
use crate::rng::SimRng;
use crate::role::Role;
use crate::safety::{SafetyChecker, Violation};
use crate::trace::{EventKind, Trace};
use crate::NodeId;

pub use crate::action::{Action, MemberChange};

mod admin;
mod append_gap;
mod checks;
mod clients;
mod faults;
mod footprint;
mod history;
mod membership;
mod watches;

use membership::Replacement;
pub use watches::{WatchView, WATCH_EVENTS_KEPT};

/// Most voters a cluster may have.
pub const MAX_VOTERS: u64 = 9;
/// Highest member id (voters plus learners).
pub const MAX_NODE_ID: NodeId = 64;

/// How to build a cluster.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ClusterConfig {
    /// Seed for every random choice.
    pub seed: u64,
    /// Founding voting members, n1..=nN (`members` in the URL, scripts and
    /// the CLI).
    #[serde(alias = "voters")]
    pub members: u64,
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
            members: 3,
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
        if self.members == 0 || self.members > MAX_VOTERS {
            return Err(format!(
                "a cluster has 1 to {MAX_VOTERS} voters, not {}",
                self.members
            ));
        }
        if self.members + self.learners > MAX_NODE_ID {
            return Err(format!("at most {MAX_NODE_ID} members in all"));
        }
        self.raft.validate()?;
        self.net.validate()
    }
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
    /// What each read in progress must not be older than.
    read_floors: BTreeMap<u64, ReadFloor>,
    waiting: usize,
    next_op: u64,
    watches: BTreeMap<u64, WatchView>,
    next_watch: u64,
    conf: ConfState,
    conf_index: u64,
    replacing: Option<Replacement>,
    stats: Stats,
    /// Events taken from the queue so far: with the virtual time, the exact
    /// place in the run where an action lands (see [`crate::recording`]).
    pub(crate) events_run: u64,
    /// Every action and note with its place, when asked for (lessons).
    pub(crate) recording: Option<Recording>,
    /// Why followers rejected appends, until their leaders back up.
    append_gaps: append_gap::Gaps,
}

impl Cluster {
    /// Builds and starts a cluster.
    pub fn new(config: ClusterConfig) -> Result<Cluster, String> {
        config.validate()?;
        let voters: Vec<NodeId> = (1..=config.members).collect();
        let learners: Vec<NodeId> =
            (config.members + 1..=config.members + config.learners).collect();
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
            read_floors: BTreeMap::new(),
            waiting: 0,
            next_op: 1,
            watches: BTreeMap::new(),
            next_watch: 1,
            conf: conf.clone(),
            conf_index: 1,
            replacing: None,
            stats: Stats::default(),
            events_run: 0,
            recording: None,
            append_gaps: Default::default(),
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

    /// Member ids, in order (including down and removed ones).
    pub fn member_ids(&self) -> Vec<NodeId> {
        self.members.keys().copied().collect()
    }

    /// One member.
    pub fn member(&self, id: NodeId) -> Option<&Member> {
        self.members.get(&id)
    }

    /// Every member, by id (including down and removed ones).
    pub fn members(&self) -> impl Iterator<Item = &Member> {
        self.members.values()
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
    /// some running voter talks to a quorum of voters (see [`crate::reach`]).
    pub fn quorum_available(&self) -> bool {
        let (voters, running) = (self.voters(), self.running());
        (voters.iter()).any(|&v| reach::talks_to_quorum(&self.net, &running, &voters, v))
    }

    /// How many of `voters` the member `from` talks to directly, both ways,
    /// itself included (0 if `from` is down).
    pub fn reach(&self, from: NodeId, voters: &[NodeId]) -> usize {
        reach::reach(&self.net, &self.running(), from)
            .iter()
            .filter(|n| voters.contains(n))
            .count()
    }

    /// The sides of the network over the running members (see
    /// [`crate::reach::sides`]), each with whether it holds a quorum of the
    /// current voters.
    pub fn sides(&self) -> Vec<Side> {
        reach::sides(&self.net, &self.running(), &self.voters())
    }

    /// Ids of the running members.
    pub fn running(&self) -> Vec<NodeId> {
        self.members
            .values()
            .filter(|m| m.is_up())
            .map(|m| m.id)
            .collect()
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
        self.events_run += 1;
        self.now = self.now.max(at);
        match ev {
            Scheduled::Tick { node, generation } => {
                if self.generation.get(&node) != Some(&generation) {
                    return true; // A tick of an earlier incarnation.
                }
                let mut fx = Effects::default();
                if let Some(m) = self.members.get_mut(&node) {
                    let mut ctx = Ctx {
                        settings: &self.config.raft,
                        rng: &mut self.rng,
                        fx: &mut fx,
                    };
                    m.tick(self.now, &mut ctx);
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
        if let Some(reason) = reason {
            self.message_lost(id, m.from, m.to, m.kind, reason);
            let broken = matches!(reason, DropReason::Partition | DropReason::TargetDown);
            if m.kind != MsgKind::Snapshot && broken {
                // The transport notices a broken connection (not a random
                // loss) and tells Raft, as TiKV's does.
                let mut fx = Effects::default();
                if let Some(sender) = self.members.get_mut(&m.from) {
                    let mut ctx = Ctx {
                        settings: &self.config.raft,
                        rng: &mut self.rng,
                        fx: &mut fx,
                    };
                    sender.report_unreachable(m.to, &mut ctx);
                }
                self.route(fx);
            }
            return;
        }
        if let Some(target) = self.members.get(&m.to) {
            append_gap::note(&mut self.append_gaps, target, &m, &self.net);
        }
        let mut fx = Effects::default();
        let mut ctx = Ctx {
            settings: &self.config.raft,
            rng: &mut self.rng,
            fx: &mut fx,
        };
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
            target.step(m.msg, &mut ctx);
        }
        if is_snapshot {
            if let Some(sender) = self.members.get_mut(&from) {
                sender.report_snapshot(to, true, &mut ctx);
            }
        }
        self.route(fx);
    }

    /// Sends, records and checks whatever a member step produced.
    fn route(&mut self, fx: Effects) {
        let now = self.now;
        let compacted = (fx.events.iter()).any(|e| matches!(e, EventKind::Compacted { .. }));
        for mut ev in fx.events {
            append_gap::explain(&mut self.append_gaps, &mut ev);
            if let EventKind::RoleChanged { term, .. } = &ev {
                self.stats.max_term = self.stats.max_term.max(*term);
            }
            self.watch_saw(&ev);
            self.trace.push(now, ev);
        }
        for e in fx.appended {
            let at = self.moment();
            if let Some(v) = self.checker.on_persist(e, at) {
                self.trace_violation(v);
            }
        }
        for e in fx.applied {
            let at = self.moment();
            if let Some(v) = self.checker.on_apply(e, at) {
                self.trace_violation(v);
            }
        }
        if compacted {
            self.forget_settled();
        }
        for (node, term) in fx.new_leader {
            self.stats.leader_changes += 1;
            let at = self.moment();
            if let Some(v) = self.checker.on_leader(node, term, at) {
                self.trace_violation(v);
            }
            if let Some(live) = self.members.get(&node).and_then(Member::live) {
                let first = live.raw().raft.raft_log.first_index();
                let v = self
                    .checker
                    .on_leader_log(node, term, first, |i| live.term_at(i), at);
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
            SendOutcome::Refused => self.message_lost(id, from, to, kind, DropReason::Partition),
            SendOutcome::InFlight(deliveries) => {
                for (mid, at) in deliveries {
                    self.schedule(at, Scheduled::Deliver { msg: mid });
                }
            }
        }
    }

    /// A message that will not arrive, whether a cut link refused it at
    /// send time, it was dropped on its way, or the user dropped it: counted
    /// and traced. A lost snapshot is reported to the sender's Raft, as
    /// etcd's rafthttp does, whichever way it was lost: raft-rs keeps the
    /// follower paused in the Snapshot state until told, and would never
    /// send it anything again.
    fn message_lost(
        &mut self,
        id: u64,
        from: NodeId,
        to: NodeId,
        kind: MsgKind,
        reason: DropReason,
    ) {
        self.stats.messages_dropped += 1;
        let dropped = EventKind::MessageDropped {
            id,
            from,
            to,
            kind,
            reason,
        };
        self.trace.push(self.now, dropped);
        if kind != MsgKind::Snapshot {
            return;
        }
        let mut fx = Effects::default();
        if let Some(sender) = self.members.get_mut(&from) {
            let mut ctx = Ctx {
                settings: &self.config.raft,
                rng: &mut self.rng,
                fx: &mut fx,
            };
            sender.report_snapshot(to, false, &mut ctx);
        }
        self.route(fx);
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
        self.move_watches(node);
    }

    fn start_member(&mut self, id: NodeId) {
        let mut fx = Effects::default();
        let Some(m) = self.members.get_mut(&id) else {
            return;
        };
        m.start(&mut Ctx {
            settings: &self.config.raft,
            rng: &mut self.rng,
            fx: &mut fx,
        });
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
        self.resume_waiting_watches();
    }

    fn fault(&mut self, what: String) {
        self.trace.push(self.now, EventKind::Fault { what });
    }

    /// Adds a narration line to the trace.
    pub fn note(&mut self, text: impl Into<String>) {
        let text = text.into();
        self.record(|| Recorded::Note(text.clone()));
        self.trace.push(self.now, EventKind::Note { text });
    }

    // ----- actions -----

    /// Applies an action now. Returns the new op or watch id where there is
    /// one; errors say, in words, why the action is not possible.
    ///
    /// The one way in for changes: each action has its method, private so
    /// that everything that happens to a cluster is an [`Action`].
    pub fn apply(&mut self, action: Action) -> Result<Option<u64>, ActionError> {
        self.record(|| Recorded::Action(action.clone()));
        match action {
            Action::Crash { node } => self.crash(node)?,
            Action::Restart { node } => self.restart(node)?,
            Action::WipeAndRejoin { node } => self.wipe_and_rejoin(node)?,
            Action::Isolate { node } => self.isolate(node)?,
            Action::Partition { groups } => self.partition(&groups)?,
            Action::PartitionOneway { from, to } => self.partition_oneway(&from, &to)?,
            Action::Cut { from, to, both } => self.cut(from, to, both)?,
            Action::Repair { from, to, both } => self.repair(from, to, both),
            Action::HealAll => self.heal_all(),
            Action::Hold { msg } => self.hold(msg)?,
            Action::Release { msg } => self.release(msg)?,
            Action::Drop { msg } => self.drop_message(msg)?,
            Action::HoldLink { from, to } => self.hold_link(from, to),
            Action::ReleaseLink { from, to } => self.release_link(from, to),
            Action::SetNetwork { net } => self.set_network(net)?,
            Action::SetPreVote { on } => self.set_pre_vote(on),
            Action::SetCheckQuorum { on } => self.set_check_quorum(on),
            Action::Client {
                client,
                node,
                op,
                mode,
            } => return Ok(Some(self.client_request(client, node, op, mode))),
            Action::Watch {
                node,
                key,
                prefix,
                start_revision,
            } => return self.watch(node, key, prefix, start_revision).map(Some),
            Action::CancelWatch { watch } => self.cancel_watch(watch)?,
            Action::ChangeMembership { changes } => self.change_membership(&changes)?,
            Action::TransferLeader { to } => self.transfer_leader(to)?,
            Action::Campaign { node } => self.campaign(node)?,
            Action::Compact { node } => self.compact(node)?,
        }
        Ok(None)
    }

    fn existing(&self, node: NodeId) -> Result<&Member, ActionError> {
        self.members
            .get(&node)
            .ok_or(ActionError::NoSuchMember { node })
    }

    fn existing_mut(&mut self, node: NodeId) -> Result<&mut Member, ActionError> {
        self.members
            .get_mut(&node)
            .ok_or(ActionError::NoSuchMember { node })
    }

    fn reschedule(&mut self, deliveries: Vec<(u64, u64)>) {
        for (id, at) in deliveries {
            self.schedule(at, Scheduled::Deliver { msg: id });
        }
    }

    /// The KV contents of a running member.
    pub fn kv(&self, node: NodeId) -> Option<&KvStore> {
        self.members.get(&node)?.live().map(|l| l.kv())
    }
}
