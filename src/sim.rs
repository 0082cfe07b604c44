//! The page's side of the simulation: owns the [`Cluster`], turns wall-clock
//! frames into virtual time, remembers what the user did, and prepares the
//! plain [`Snapshot`] the components draw.
//!
//! Nothing here touches the browser, so all of it is tested natively. The
//! cluster itself stays deterministic: the only inputs are the settings
//! (seed included) and the actions, in order, at their virtual times. Wall
//! time only decides *how far* to advance, never *what* happens.

use std::collections::VecDeque;
use std::rc::Rc;

use raft_sim::cluster::WatchView;
use raft_sim::kv::KeyValue;
use raft_sim::reach::quorum_size;
use raft_sim::view::MemberView;
use raft_sim::{
    Action, ClientOp, Cluster, ClusterConfig, EventKind, HistoryEntry, MemberChange, MsgKind,
    NetConfig, NodeId, RaftSettings, ReadMode, Role, View,
};
use serde::{Deserialize, Serialize};

/// Slowest and fastest speeds, in virtual seconds per wall second.
pub const MIN_SPEED: f64 = 0.01;
/// See [`MIN_SPEED`].
pub const MAX_SPEED: f64 = 100.0;
/// Most virtual time one frame may advance; a slow frame (or a tab that
/// wakes up) loses time rather than freezing the page to catch up.
pub const MAX_FRAME_VIRTUAL_MS: f64 = 2_000.0;
/// Log entries per member the log panel shows.
pub const LOG_TAIL: usize = 24;
/// Client id the page uses for the user's own requests.
pub const USER_CLIENT: u64 = 1;
/// Client id of the traffic generator.
pub const TRAFFIC_CLIENT: u64 = 2;
/// How long a lost message stays drawn where it was lost, in virtual ms.
pub const GHOST_MS: u64 = 400;

const EVENT_LINES: usize = 400;
const MESSAGE_LINES: usize = 200;
const RECENT_ACTIONS: usize = 30;
const USER_OPS: usize = 30;

/// What the settings panel edits; "new cluster" builds from it.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct PageSettings {
    /// Seed for every random choice.
    pub seed: u64,
    /// Founding voters, 1 to 9.
    pub members: u64,
    /// One-way latency, virtual ms.
    pub latency_ms: u64,
    /// Extra random latency, virtual ms.
    pub jitter_ms: u64,
    /// Loss, percent.
    pub loss_pct: f64,
    /// Duplication, percent.
    pub dup_pct: f64,
    /// PreVote.
    pub pre_vote: bool,
    /// CheckQuorum.
    pub check_quorum: bool,
    /// Election timeout in ticks.
    pub election_tick: u64,
    /// Heartbeat interval in ticks.
    pub heartbeat_tick: u64,
}

impl Default for PageSettings {
    fn default() -> Self {
        // etcd's timing (100 ms ticks, 10-tick election timeout), with a
        // slower network than the core's default so that messages are
        // visible on their way at the page's default speed.
        PageSettings {
            seed: 1,
            members: 5,
            latency_ms: 40,
            jitter_ms: 20,
            loss_pct: 0.0,
            dup_pct: 0.0,
            pre_vote: true,
            check_quorum: true,
            election_tick: 10,
            heartbeat_tick: 1,
        }
    }
}

impl PageSettings {
    /// The network part.
    pub fn net(&self) -> NetConfig {
        NetConfig {
            latency_ms: self.latency_ms,
            jitter_ms: self.jitter_ms,
            loss: self.loss_pct / 100.0,
            duplicate: self.dup_pct / 100.0,
        }
    }

    /// The cluster these settings describe, checked.
    pub fn config(&self) -> Result<ClusterConfig, String> {
        if !(1..=raft_sim::cluster::MAX_VOTERS).contains(&self.members) {
            return Err(format!(
                "members must be 1 to {}, not {}",
                raft_sim::cluster::MAX_VOTERS,
                self.members
            ));
        }
        let config = ClusterConfig {
            seed: self.seed,
            voters: self.members,
            learners: 0,
            raft: RaftSettings {
                election_tick: self.election_tick,
                heartbeat_tick: self.heartbeat_tick,
                pre_vote: self.pre_vote,
                check_quorum: self.check_quorum,
                ..RaftSettings::default()
            },
            net: self.net(),
            trace_capacity: 20_000,
            history_limit: None,
        };
        config.validate()?;
        Ok(config)
    }

    /// Reads settings from a query string such as `?members=3&seed=7`
    /// (what an embedding iframe passes). Unknown keys are ignored; a bad
    /// value is an error naming the key.
    pub fn from_query(query: &str) -> Result<(PageSettings, QueryExtras), String> {
        let mut s = PageSettings::default();
        let mut extras = QueryExtras::default();
        for pair in query.trim_start_matches('?').split('&') {
            if pair.is_empty() {
                continue;
            }
            let (key, value) = pair.split_once('=').unwrap_or((pair, ""));
            let bad = |what: String| format!("URL setting {key}={value}: {what}");
            match key {
                "speed" => {
                    let speed = value
                        .parse::<f64>()
                        .ok()
                        .filter(|v| v.is_finite())
                        .ok_or_else(|| bad("not a number".into()))?;
                    extras.speed = Some(speed.clamp(MIN_SPEED, MAX_SPEED));
                }
                "paused" => extras.paused = parse_flag(value).map_err(bad)?,
                "traffic" => extras.traffic = Some(parse_int(value).map_err(bad)?.min(MAX_TRAFFIC)),
                _ if SETTING_KEYS.contains(&key) => s.set(key, value).map_err(bad)?,
                _ => {}
            }
        }
        s.config()?;
        Ok((s, extras))
    }

    /// One numeric setting as text, for the settings form's fields (the
    /// two flags are checkboxes there).
    pub fn get(&self, key: &str) -> String {
        match key {
            "seed" => self.seed.to_string(),
            "members" => self.members.to_string(),
            "latency" => self.latency_ms.to_string(),
            "jitter" => self.jitter_ms.to_string(),
            "loss" => self.loss_pct.to_string(),
            "dup" => self.dup_pct.to_string(),
            "election" => self.election_tick.to_string(),
            "heartbeat" => self.heartbeat_tick.to_string(),
            _ => String::new(),
        }
    }

    /// Sets one setting (a key of [`SETTING_KEYS`]) from text, as typed in
    /// the form or the URL; the error says what is wrong with the value.
    pub fn set(&mut self, key: &str, value: &str) -> Result<(), String> {
        let v = value.trim();
        let pct = || {
            v.parse::<f64>()
                .ok()
                .filter(|p| (0.0..=100.0).contains(p))
                .ok_or_else(|| format!("“{v}” is not a percentage from 0 to 100"))
        };
        match key {
            "seed" => self.seed = parse_int(v)?,
            "members" => {
                let n = parse_int(v)?;
                if !(1..=raft_sim::cluster::MAX_VOTERS).contains(&n) {
                    return Err(format!("1 to {} members", raft_sim::cluster::MAX_VOTERS));
                }
                self.members = n;
            }
            "latency" => self.latency_ms = parse_int(v)?,
            "jitter" => self.jitter_ms = parse_int(v)?,
            "loss" => self.loss_pct = pct()?,
            "dup" => self.dup_pct = pct()?,
            "prevote" => self.pre_vote = parse_flag(v)?,
            "checkquorum" => self.check_quorum = parse_flag(v)?,
            "election" => self.election_tick = parse_int(v)?,
            "heartbeat" => self.heartbeat_tick = parse_int(v)?,
            _ => return Err(format!("unknown setting {key}")),
        }
        Ok(())
    }
}

/// The keys of [`PageSettings::get`] and [`PageSettings::set`], as used in
/// URLs and by the settings form.
pub const SETTING_KEYS: [&str; 10] = [
    "seed",
    "members",
    "latency",
    "jitter",
    "loss",
    "dup",
    "prevote",
    "checkquorum",
    "election",
    "heartbeat",
];

fn parse_int(v: &str) -> Result<u64, String> {
    v.parse::<u64>().map_err(|_| {
        if v.is_empty() {
            "enter a whole number".to_string()
        } else {
            format!("“{v}” is not a whole number")
        }
    })
}

fn parse_flag(v: &str) -> Result<bool, String> {
    match v {
        "1" | "true" | "on" => Ok(true),
        "0" | "false" | "off" => Ok(false),
        _ => Err(format!("“{v}”: use on or off")),
    }
}

/// Page options from the query string that are not cluster settings.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct QueryExtras {
    /// Start speed.
    pub speed: Option<f64>,
    /// Start paused.
    pub paused: bool,
    /// Start the traffic generator at this many writes per virtual second.
    pub traffic: Option<u64>,
}

/// Most writes per virtual second the traffic generator sends.
pub const MAX_TRAFFIC: u64 = 200;

/// Where an error belongs on the page, so it is shown next to the control
/// that caused it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ErrorAt {
    /// The member, link or message inspector.
    Inspector,
    /// The partition editor.
    Partition,
    /// The client form.
    Client,
    /// The watch form.
    Watch,
    /// The settings form.
    Settings,
    /// Membership buttons.
    Membership,
}

/// A line of the event log.
#[derive(Clone, Debug, PartialEq)]
pub struct LogLine {
    /// Trace position.
    pub seq: u64,
    /// Virtual time.
    pub time: u64,
    /// Category, for the filter.
    pub cat: Category,
    /// Plain words.
    pub text: String,
}

/// Event log categories.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Category {
    /// Roles, terms, votes.
    Election,
    /// Messages sent and delivered.
    Message,
    /// Messages lost.
    Drop,
    /// Commits, applies, snapshots.
    Log,
    /// Client requests and watches.
    Client,
    /// Membership changes.
    Membership,
    /// Faults, notes and safety violations.
    Fault,
}

impl Category {
    /// Every category, in filter order.
    pub const ALL: [Category; 7] = [
        Category::Election,
        Category::Log,
        Category::Client,
        Category::Membership,
        Category::Fault,
        Category::Drop,
        Category::Message,
    ];

    /// Label for the filter.
    pub fn label(self) -> &'static str {
        match self {
            Category::Election => "elections",
            Category::Message => "messages",
            Category::Drop => "drops",
            Category::Log => "commits",
            Category::Client => "clients",
            Category::Membership => "membership",
            Category::Fault => "faults",
        }
    }

    fn of(kind: &EventKind) -> Category {
        match kind {
            EventKind::MessageSent { .. } | EventKind::MessageDelivered { .. } => Category::Message,
            EventKind::MessageDropped { .. } => Category::Drop,
            EventKind::RoleChanged { .. } | EventKind::Voted { .. } => Category::Election,
            EventKind::Committed { .. }
            | EventKind::Applied { .. }
            | EventKind::SnapshotInstalled { .. }
            | EventKind::Compacted { .. } => Category::Log,
            EventKind::MembershipChanged { .. } => Category::Membership,
            EventKind::ClientInvoke { .. }
            | EventKind::ClientComplete { .. }
            | EventKind::Watch { .. } => Category::Client,
            EventKind::Fault { .. } | EventKind::Violation { .. } | EventKind::Note { .. } => {
                Category::Fault
            }
        }
    }
}

/// A message lost recently, drawn where it was lost for a moment.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Ghost {
    /// Message id.
    pub id: u64,
    /// Sender.
    pub from: NodeId,
    /// Receiver.
    pub to: NodeId,
    /// Kind.
    pub kind: MsgKind,
    /// Virtual time it was lost.
    pub at: u64,
}

/// Members that can all talk to each other both ways (a side of a
/// partition), as the quorum panel shows it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Side {
    /// Running members on this side.
    pub members: Vec<NodeId>,
    /// How many of them vote.
    pub voters: usize,
    /// Whether they are a quorum of all voters.
    pub has_quorum: bool,
    /// Leaders on this side (a stale one may linger until CheckQuorum).
    pub leaders: Vec<(NodeId, u64)>,
}

/// An entry a leader appended and has not committed: who acknowledged it,
/// who it still waits for.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Pending {
    /// The leader holding it.
    pub leader: NodeId,
    /// Log index.
    pub index: u64,
    /// Term.
    pub term: u64,
    /// What it is.
    pub what: String,
    /// Voters whose log holds it (the leader included).
    pub acked: Vec<NodeId>,
    /// Voters that have not acknowledged it.
    pub missing: Vec<NodeId>,
    /// Acknowledgements it needs.
    pub needed: usize,
}

/// Everything the components draw for one frame.
#[derive(Clone, Debug, PartialEq)]
pub struct Snapshot {
    /// The cluster view.
    pub view: View,
    /// Lost messages to draw.
    pub ghosts: Vec<Ghost>,
    /// Partition sides.
    pub sides: Vec<Side>,
    /// Uncommitted entries on leaders.
    pub pending: Vec<Pending>,
    /// Client requests still waiting for an answer.
    pub waiting_requests: usize,
    /// The user's recent requests, newest first.
    pub requests: Vec<HistoryEntry>,
    /// Watches.
    pub watches: Vec<WatchView>,
    /// Event log lines (oldest first), all categories.
    pub events: Vec<LogLine>,
    /// Playing or paused.
    pub playing: bool,
    /// Speed, virtual seconds per wall second.
    pub speed: f64,
    /// Writes per virtual second from the traffic generator (0: off).
    pub traffic: u64,
    /// Settings the cluster was built from.
    pub settings: PageSettings,
    /// The latest error and where it belongs.
    pub error: Option<(ErrorAt, String)>,
    /// A membership replacement under way (old, new).
    pub replacement: Option<(NodeId, NodeId)>,
    /// The id a new member would get, or why none can be added.
    pub next_member: Result<NodeId, String>,
    /// Each member's KV contents, in id order (`None`: down).
    pub stores: Vec<(NodeId, Option<Vec<KeyValue>>)>,
}

impl Snapshot {
    /// Members that exist (not removed), in id order.
    pub fn member_ids(&self) -> Vec<NodeId> {
        self.stores.iter().map(|(id, _)| *id).collect()
    }
}

/// The simulation as the page runs it.
pub struct Sim {
    cluster: Cluster,
    settings: PageSettings,
    playing: bool,
    speed: f64,
    carry: f64,
    traffic: u64,
    traffic_next: u64,
    traffic_count: u64,
    next_seq: u64,
    events: VecDeque<LogLine>,
    message_events: VecDeque<LogLine>,
    ghosts: VecDeque<Ghost>,
    actions: VecDeque<String>,
    user_ops: VecDeque<u64>,
    error: Option<(ErrorAt, String)>,
    /// History entries before this index have all finished (requests
    /// finish roughly in order, so counting the waiting ones from here
    /// stays cheap as the history grows).
    open_from: usize,
}

impl Sim {
    /// A running cluster built from `settings`.
    pub fn new(settings: PageSettings) -> Result<Sim, String> {
        let cluster = Cluster::new(settings.config()?)?;
        let mut sim = Sim {
            cluster,
            settings,
            playing: true,
            speed: 0.5,
            carry: 0.0,
            traffic: 0,
            traffic_next: 0,
            traffic_count: 0,
            next_seq: 0,
            events: VecDeque::new(),
            message_events: VecDeque::new(),
            ghosts: VecDeque::new(),
            actions: VecDeque::new(),
            user_ops: VecDeque::new(),
            error: None,
            open_from: 0,
        };
        sim.record(format!("new cluster {}", settings_line(&sim.settings)));
        sim.collect_events();
        Ok(sim)
    }

    /// The cluster.
    pub fn cluster(&self) -> &Cluster {
        &self.cluster
    }

    /// Whether time runs.
    pub fn playing(&self) -> bool {
        self.playing
    }

    /// Speed in virtual seconds per wall second.
    pub fn speed(&self) -> f64 {
        self.speed
    }

    /// The last things the user did, oldest first (for the crash overlay).
    pub fn recent_actions(&self) -> impl Iterator<Item = &str> {
        self.actions.iter().map(String::as_str)
    }

    /// Play or pause.
    pub fn set_playing(&mut self, on: bool) {
        self.playing = on;
        self.carry = 0.0;
    }

    /// Sets the speed, clamped to [`MIN_SPEED`]..=[`MAX_SPEED`].
    pub fn set_speed(&mut self, speed: f64) {
        if speed.is_finite() {
            self.speed = speed.clamp(MIN_SPEED, MAX_SPEED);
        }
    }

    /// Starts (or stops, with 0) steady client writes to the leader.
    pub fn set_traffic(&mut self, per_sec: u64) {
        self.traffic = per_sec.min(MAX_TRAFFIC);
        self.traffic_next = self.cluster.now();
        self.record(format!("traffic {}/s", self.traffic));
    }

    /// Replaces the cluster with a new one built from `settings`.
    pub fn rebuild(&mut self, settings: PageSettings) -> Result<(), String> {
        match Sim::new(settings) {
            Ok(mut fresh) => {
                fresh.playing = self.playing;
                fresh.speed = self.speed;
                fresh.traffic = self.traffic;
                // The crash overlay's "recent actions" run across rebuilds.
                let mut actions = std::mem::take(&mut self.actions);
                actions.append(&mut fresh.actions);
                fresh.actions = actions;
                fresh.trim_actions();
                *self = fresh;
                Ok(())
            }
            Err(e) => {
                self.error = Some((ErrorAt::Settings, e.clone()));
                Err(e)
            }
        }
    }

    /// Advances virtual time for a frame that lasted `wall_ms`; returns
    /// whether anything moved.
    pub fn frame(&mut self, wall_ms: f64) -> bool {
        if !self.playing || !wall_ms.is_finite() || wall_ms <= 0.0 {
            return false;
        }
        let want = (wall_ms * self.speed + self.carry).min(MAX_FRAME_VIRTUAL_MS);
        let whole = want.floor();
        self.carry = want - whole;
        if whole < 1.0 {
            return false;
        }
        self.advance(whole as u64);
        true
    }

    /// Advances virtual time by `ms`, with the traffic generator.
    pub fn advance(&mut self, ms: u64) {
        let target = self.cluster.now() + ms;
        while self.traffic > 0 && self.traffic_next <= target {
            let at = self.traffic_next.max(self.cluster.now());
            self.cluster.advance_to(at);
            self.send_traffic();
            self.traffic_next = at + (1000 / self.traffic).max(1);
        }
        self.cluster.advance_to(target);
        self.collect_events();
    }

    /// Runs the next event (whatever it is) and stops.
    pub fn step(&mut self) {
        self.cluster.step_event();
        self.collect_events();
    }

    fn send_traffic(&mut self) {
        let Some(node) = self.cluster.leader().or_else(|| self.any_running()) else {
            return;
        };
        self.traffic_count += 1;
        let n = self.traffic_count;
        let op = ClientOp::Put {
            key: format!("/registry/pods/default/load-{}", n % 16),
            value: format!("v{n}"),
        };
        let _ = self.cluster.apply(Action::Client {
            client: TRAFFIC_CLIENT,
            node,
            op,
            mode: ReadMode::Linearizable,
        });
    }

    fn any_running(&self) -> Option<NodeId> {
        self.cluster
            .member_ids()
            .into_iter()
            .find(|&id| !matches!(self.cluster.role(id), Some(Role::Down | Role::Removed)))
    }

    /// Applies a user action; an error is remembered for the panel `at`.
    pub fn act(&mut self, at: ErrorAt, action: Action) -> Result<Option<u64>, String> {
        self.record(action_line(&action));
        let result = self.cluster.apply(action.clone());
        match &result {
            Ok(op) => {
                self.error = None;
                if let (Some(op), Action::Client { .. }) = (op, &action) {
                    self.user_ops.push_back(*op);
                    if self.user_ops.len() > USER_OPS {
                        self.user_ops.pop_front();
                    }
                }
            }
            Err(e) => {
                self.record(format!("  refused: {e}"));
                self.error = Some((at, e.clone()));
            }
        }
        self.collect_events();
        result
    }

    /// Shows an error found before anything reached the cluster (a form
    /// that did not parse).
    pub fn reject(&mut self, at: ErrorAt, message: impl Into<String>) {
        self.error = Some((at, message.into()));
    }

    /// Clears the error shown by a panel.
    pub fn clear_error(&mut self) {
        self.error = None;
    }

    /// A client request as typed in the client panel: checked first, then
    /// sent to `node`.
    pub fn client(&mut self, node: NodeId, op: ClientOp, mode: ReadMode) -> Result<u64, String> {
        if let Err(e) = op.validate() {
            self.reject(ErrorAt::Client, e.clone());
            return Err(e);
        }
        let action = Action::Client {
            client: USER_CLIENT,
            node,
            op,
            mode,
        };
        self.act(ErrorAt::Client, action)?
            .ok_or_else(|| "the request was not accepted".to_string())
    }

    /// Members that exist (not removed), in id order.
    pub fn members(&self) -> Vec<NodeId> {
        self.cluster
            .member_ids()
            .into_iter()
            .filter(|&id| self.cluster.role(id) != Some(Role::Removed))
            .collect()
    }

    /// The groups a partition preset stands for, or why it does not apply.
    pub fn preset(&self, preset: Preset) -> Result<Vec<Vec<NodeId>>, String> {
        let members = self.members();
        let n = members.len();
        if n < 2 {
            return Err("a partition needs at least two members".into());
        }
        let leader = self.cluster.leader();
        match preset {
            Preset::LeaderAlone => {
                let l = leader.ok_or("there is no leader right now")?;
                let rest: Vec<NodeId> = members.into_iter().filter(|&m| m != l).collect();
                Ok(vec![vec![l], rest])
            }
            Preset::Halves => {
                let (a, b) = members.split_at(n / 2);
                Ok(vec![a.to_vec(), b.to_vec()])
            }
            Preset::MinorityWithLeader => {
                let l = leader.ok_or("there is no leader right now")?;
                // The largest group that is still short of a quorum.
                let minority = (quorum_size(n) - 1).max(1);
                let mut a = vec![l];
                let mut b = Vec::new();
                for m in members.into_iter().filter(|&m| m != l) {
                    if a.len() < minority {
                        a.push(m);
                    } else {
                        b.push(m);
                    }
                }
                a.sort_unstable();
                Ok(vec![a, b])
            }
        }
    }

    fn collect_events(&mut self) {
        let now = self.cluster.now();
        for e in self.cluster.trace().since(self.next_seq) {
            let cat = Category::of(&e.kind);
            if let EventKind::MessageDropped {
                id, from, to, kind, ..
            } = e.kind
            {
                self.ghosts.push_back(Ghost {
                    id,
                    from,
                    to,
                    kind,
                    at: e.time,
                });
            }
            let line = LogLine {
                seq: e.seq,
                time: e.time,
                cat,
                text: e.describe(),
            };
            let (lines, cap) = if cat == Category::Message {
                (&mut self.message_events, MESSAGE_LINES)
            } else {
                (&mut self.events, EVENT_LINES)
            };
            lines.push_back(line);
            if lines.len() > cap {
                lines.pop_front();
            }
        }
        self.next_seq = self.cluster.trace().len();
        let history = self.cluster.history();
        while history
            .get(self.open_from)
            .is_some_and(|h| h.complete.is_some())
        {
            self.open_from += 1;
        }
        while self
            .ghosts
            .front()
            .is_some_and(|g| g.at + GHOST_MS < now || self.ghosts.len() > 200)
        {
            self.ghosts.pop_front();
        }
    }

    fn record(&mut self, line: String) {
        let t = self.cluster.now();
        self.actions.push_back(format!("t={t}ms {line}"));
        self.trim_actions();
    }

    fn trim_actions(&mut self) {
        while self.actions.len() > RECENT_ACTIONS {
            self.actions.pop_front();
        }
    }

    /// The KV contents of a running member.
    pub fn kv(&self, node: NodeId) -> Option<Vec<KeyValue>> {
        self.cluster.kv(node).map(|kv| kv.range(""))
    }

    /// The frame's snapshot.
    pub fn snapshot(&self) -> Rc<Snapshot> {
        let view = self.cluster.view(LOG_TAIL);
        let sides = self.sides(&view);
        let pending = pending_entries(&view);
        let history = &self.cluster.history()[self.open_from..];
        let requests = self
            .user_ops
            .iter()
            .rev()
            .filter_map(|&id| self.cluster.op(id).cloned())
            .collect();
        let mut events: Vec<LogLine> = Vec::with_capacity(self.events.len() + 64);
        merge_by_seq(&self.events, &self.message_events, &mut events);
        Rc::new(Snapshot {
            ghosts: self.ghosts.iter().cloned().collect(),
            sides,
            pending,
            waiting_requests: history.iter().filter(|h| h.complete.is_none()).count(),
            requests,
            watches: self.cluster.watches().cloned().collect(),
            events,
            playing: self.playing,
            speed: self.speed,
            traffic: self.traffic,
            settings: self.settings.clone(),
            error: self.error.clone(),
            replacement: self.cluster.replacement(),
            next_member: self.cluster.next_member_id(),
            stores: self
                .members()
                .into_iter()
                .map(|id| (id, self.kv(id)))
                .collect(),
            view,
        })
    }

    /// Running members grouped by who can exchange messages with whom,
    /// both ways, directly or through others (connected components): the
    /// sides of a partition. A one-way cut alone does not split a side.
    fn sides(&self, view: &View) -> Vec<Side> {
        let net = self.cluster.network();
        let voters = self.cluster.voters();
        let up: Vec<&MemberView> = view
            .members
            .iter()
            .filter(|m| !matches!(m.role, Role::Down | Role::Removed))
            .collect();
        let mut side_of: Vec<Option<usize>> = vec![None; up.len()];
        let mut sides: Vec<Side> = Vec::new();
        for start in 0..up.len() {
            if side_of[start].is_some() {
                continue;
            }
            let id = sides.len();
            let mut side = Side {
                members: Vec::new(),
                voters: 0,
                has_quorum: false,
                leaders: Vec::new(),
            };
            let mut stack = vec![start];
            side_of[start] = Some(id);
            while let Some(i) = stack.pop() {
                let m = up[i];
                side.members.push(m.id);
                side.voters += usize::from(voters.contains(&m.id));
                if m.role == Role::Leader {
                    side.leaders.push((m.id, m.term));
                }
                for (j, o) in up.iter().enumerate() {
                    if side_of[j].is_none() && net.link_up(m.id, o.id) && net.link_up(o.id, m.id) {
                        side_of[j] = Some(id);
                        stack.push(j);
                    }
                }
            }
            side.members.sort_unstable();
            side.leaders.sort_unstable();
            side.has_quorum = side.voters >= view.quorum.quorum;
            sides.push(side);
        }
        sides
    }
}

/// The partition presets.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Preset {
    /// The leader on its own.
    LeaderAlone,
    /// Two halves, the smaller first ("2 | 3" with five members).
    Halves,
    /// The leader with as many others as still fall short of a quorum.
    MinorityWithLeader,
}

fn merge_by_seq(a: &VecDeque<LogLine>, b: &VecDeque<LogLine>, out: &mut Vec<LogLine>) {
    let (mut i, mut j) = (a.iter().peekable(), b.iter().peekable());
    loop {
        let next = match (i.peek(), j.peek()) {
            (Some(x), Some(y)) if x.seq <= y.seq => i.next(),
            (Some(_), Some(_)) => j.next(),
            (Some(_), None) => i.next(),
            (None, Some(_)) => j.next(),
            (None, None) => break,
        };
        out.extend(next.cloned());
    }
}

/// Entries each leader holds above its commit index, with the voters that
/// have (and have not) acknowledged them.
pub fn pending_entries(view: &View) -> Vec<Pending> {
    let voters: Vec<NodeId> = view
        .members
        .iter()
        .filter(|m| m.voter)
        .map(|m| m.id)
        .collect();
    let needed = quorum_size(voters.len());
    let mut out = Vec::new();
    for leader in view.members.iter().filter(|m| m.role == Role::Leader) {
        for e in leader.log.iter().filter(|e| e.index > leader.commit) {
            let (acked, missing): (Vec<NodeId>, Vec<NodeId>) = voters.iter().partition(|&&v| {
                v == leader.id
                    || leader
                        .progress
                        .iter()
                        .any(|p| p.node == v && p.matched >= e.index)
            });
            out.push(Pending {
                leader: leader.id,
                index: e.index,
                term: e.term,
                what: e.what.clone(),
                acked,
                missing,
                needed,
            });
        }
    }
    out
}

fn settings_line(s: &PageSettings) -> String {
    format!(
        "seed={} members={} latency={}ms jitter={}ms loss={}% dup={}% prevote={} checkquorum={} election={} heartbeat={}",
        s.seed,
        s.members,
        s.latency_ms,
        s.jitter_ms,
        s.loss_pct,
        s.dup_pct,
        s.pre_vote,
        s.check_quorum,
        s.election_tick,
        s.heartbeat_tick
    )
}

fn action_line(a: &Action) -> String {
    serde_json::to_string(a).unwrap_or_else(|_| format!("{a:?}"))
}

/// Membership change buttons.
pub fn membership(change: MemberChange, node: NodeId) -> Action {
    Action::ChangeMembership {
        changes: vec![(change, node)],
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sim(members: u64) -> Sim {
        Sim::new(PageSettings {
            members,
            ..PageSettings::default()
        })
        .unwrap()
    }

    fn run_until(s: &mut Sim, ms: u64, done: impl Fn(&Sim) -> bool) {
        let end = s.cluster().now() + ms;
        while s.cluster().now() < end {
            s.advance(50);
            if done(s) {
                return;
            }
        }
        panic!("condition not reached in {ms} virtual ms");
    }

    #[test]
    fn frames_advance_by_wall_time_times_speed() {
        let mut s = sim(3);
        s.set_speed(0.5);
        for _ in 0..10 {
            s.frame(16.0);
        }
        // 160 wall ms at half speed; the fraction carries over.
        assert_eq!(s.cluster().now(), 80);
        s.set_playing(false);
        assert!(!s.frame(1000.0));
        assert_eq!(s.cluster().now(), 80);
        s.set_playing(true);
        s.set_speed(100.0);
        s.frame(1000.0);
        assert_eq!(s.cluster().now(), 80 + MAX_FRAME_VIRTUAL_MS as u64);
    }

    #[test]
    fn speed_is_clamped() {
        let mut s = sim(1);
        s.set_speed(1e9);
        assert_eq!(s.speed(), MAX_SPEED);
        s.set_speed(0.0);
        assert_eq!(s.speed(), MIN_SPEED);
        s.set_speed(f64::NAN);
        assert_eq!(s.speed(), MIN_SPEED);
    }

    #[test]
    fn same_settings_and_frames_give_the_same_trace() {
        let run = |frames: &[f64]| {
            let mut s = sim(5);
            s.set_speed(3.0);
            s.set_traffic(20);
            for &f in frames {
                s.frame(f);
            }
            s.cluster().trace().hash_hex()
        };
        // Frame lengths do not matter, only the virtual time reached.
        let a = run(&[16.0; 250]);
        let b = run(&[40.0; 100]);
        assert_eq!(a, b);
    }

    #[test]
    fn presets_split_around_the_leader() {
        let mut s = sim(5);
        run_until(&mut s, 10_000, |s| s.cluster().leader().is_some());
        let l = s.cluster().leader().unwrap();
        let alone = s.preset(Preset::LeaderAlone).unwrap();
        assert_eq!(alone[0], vec![l]);
        assert_eq!(alone[1].len(), 4);
        let halves = s.preset(Preset::Halves).unwrap();
        assert_eq!((halves[0].len(), halves[1].len()), (2, 3));
        let minority = s.preset(Preset::MinorityWithLeader).unwrap();
        assert!(minority[0].contains(&l));
        assert_eq!((minority[0].len(), minority[1].len()), (2, 3));
    }

    #[test]
    fn leader_alone_loses_quorum_on_its_side_and_lists_what_it_waits_for() {
        let mut s = sim(3);
        run_until(&mut s, 10_000, |s| s.cluster().leader().is_some());
        let old = s.cluster().leader().unwrap();
        let groups = s.preset(Preset::LeaderAlone).unwrap();
        s.act(ErrorAt::Partition, Action::Partition { groups })
            .unwrap();
        s.client(
            old,
            ClientOp::Put {
                key: "/registry/pods/a".into(),
                value: "1".into(),
            },
            ReadMode::Linearizable,
        )
        .unwrap();
        s.advance(200);
        let snap = s.snapshot();
        let side = snap.sides.iter().find(|x| x.members == vec![old]).unwrap();
        assert!(!side.has_quorum);
        let p = snap.pending.iter().find(|p| p.leader == old).unwrap();
        assert_eq!(p.acked, vec![old]);
        assert_eq!(p.missing.len(), 2);
        assert_eq!(p.needed, 2);
        run_until(&mut s, 10_000, |s| {
            s.cluster().leader().is_some_and(|l| l != old)
        });
        let snap = s.snapshot();
        let other = snap
            .sides
            .iter()
            .find(|x| !x.members.contains(&old))
            .unwrap();
        assert!(other.has_quorum);
        assert_eq!(snap.view.quorum.quorum, 2);
    }

    #[test]
    fn a_one_way_cut_does_not_split_a_side_but_a_partition_does() {
        let mut s = sim(5);
        s.act(
            ErrorAt::Inspector,
            Action::Cut {
                from: 1,
                to: 2,
                both: false,
            },
        )
        .unwrap();
        let sides = s.snapshot().sides.clone();
        assert_eq!(sides.len(), 1);
        assert_eq!(sides[0].members, vec![1, 2, 3, 4, 5]);
        s.act(
            ErrorAt::Partition,
            Action::Partition {
                groups: vec![vec![1, 2], vec![3, 4, 5]],
            },
        )
        .unwrap();
        s.act(ErrorAt::Inspector, Action::Crash { node: 5 })
            .unwrap();
        let snap = s.snapshot();
        let got: Vec<(Vec<NodeId>, usize, bool)> = snap
            .sides
            .iter()
            .map(|x| (x.members.clone(), x.voters, x.has_quorum))
            .collect();
        assert_eq!(got, vec![(vec![1, 2], 2, false), (vec![3, 4], 2, false)]);
        assert!(!snap.view.quorum.available);
    }

    #[test]
    fn bad_client_input_is_reported_where_it_was_typed() {
        let mut s = sim(3);
        let err = s
            .client(
                1,
                ClientOp::Put {
                    key: String::new(),
                    value: "x".into(),
                },
                ReadMode::Linearizable,
            )
            .unwrap_err();
        assert!(err.contains("key"), "{err}");
        assert_eq!(s.snapshot().error, Some((ErrorAt::Client, err)));
        // Nothing reached the cluster.
        assert!(s.cluster().history().is_empty());
    }

    #[test]
    fn refused_actions_land_in_the_recent_actions() {
        let mut s = sim(3);
        let err = s
            .act(ErrorAt::Inspector, Action::Restart { node: 1 })
            .unwrap_err();
        assert_eq!(s.snapshot().error, Some((ErrorAt::Inspector, err.clone())));
        let recent: Vec<&str> = s.recent_actions().collect();
        assert!(recent.iter().any(|l| l.contains("restart")), "{recent:?}");
        assert!(recent.iter().any(|l| l.contains(&err)), "{recent:?}");
    }

    #[test]
    fn query_settings_parse_and_name_the_bad_key() {
        let (s, x) = PageSettings::from_query("?members=9&seed=7&speed=2&traffic=50").unwrap();
        assert_eq!((s.members, s.seed), (9, 7));
        assert_eq!((x.speed, x.traffic), (Some(2.0), Some(50)));
        let e = PageSettings::from_query("members=ten").unwrap_err();
        assert!(e.contains("members=ten"), "{e}");
        let e = PageSettings::from_query("members=12").unwrap_err();
        assert!(e.contains("members"), "{e}");
    }

    #[test]
    fn traffic_writes_commit_and_show_as_log_events() {
        let mut s = sim(3);
        run_until(&mut s, 10_000, |s| s.cluster().leader().is_some());
        s.set_traffic(50);
        s.advance(1_000);
        let done = s
            .cluster()
            .history()
            .iter()
            .filter(|h| h.client == TRAFFIC_CLIENT && h.is_ok())
            .count();
        assert!(done >= 40, "only {done} traffic writes finished");
        let snap = s.snapshot();
        assert!(snap.events.iter().any(|l| l.cat == Category::Log));
        assert!(snap.events.windows(2).all(|w| w[0].seq < w[1].seq));
    }
}
