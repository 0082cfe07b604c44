//! The simulation as the page runs it: owns the [`Cluster`], turns
//! wall-clock frames into virtual time, remembers what the user did, and
//! builds the [`Frame`] the components draw.
//!
//! Nothing here touches the browser, so all of it is tested natively. The
//! cluster itself stays deterministic: the only inputs are the settings
//! (seed included) and the actions, in order, at their virtual times. Wall
//! time only decides *how far* to advance, never *what* happens.

use std::collections::VecDeque;

use raft_sim::deploy::Deployment;
use raft_sim::kv::KeyValue;
use raft_sim::{
    Action, ActionError, ClientError, ClientOp, Cluster, EventKind, NodeId, PauseOn, PauseWatch,
    Paused, ReadMode, Role,
};

use super::commands::ErrorAt;
use super::console::PageConsole;
use super::frame::{Frame, FrameRef, Ghost, GHOST_MS};
use super::lesson::Driven;
use super::log_lines::EventLines;
use super::partition::{preset_groups, sides, Preset};
use super::pending::pending_entries;
use super::settings::{
    settings_line, PageSettings, DEFAULT_SPEED, MAX_SPEED, MAX_TRAFFIC, MIN_SPEED,
};
use super::share::{Logged, Place, RunLog};
use super::speed_meter::SpeedMeter;
use crate::i18n::Key;

/// Most virtual time one frame may advance; a slow frame (or a tab that
/// wakes up) loses time rather than freezing the page to catch up.
pub const MAX_FRAME_VIRTUAL_MS: f64 = 2_000.0;
/// Longest wall-clock gap one frame accounts for: after a hidden tab or a
/// long pause the simulation continues instead of jumping ahead.
pub const MAX_FRAME_WALL_MS: f64 = 100.0;
/// Log entries per member the log panel shows.
pub const LOG_TAIL: usize = 24;
/// Client id the page uses for the user's own requests.
pub const USER_CLIENT: u64 = 1;
/// Client id of the traffic generator.
pub const TRAFFIC_CLIENT: u64 = 2;

const RECENT_ACTIONS: usize = 30;
const USER_OPS: usize = 30;
/// Events per watch a frame copies (the client panel shows the last six).
pub const WATCH_EVENTS: usize = 20;

/// The simulation as the page runs it.
pub struct Sim {
    /// The cluster, on its own or inside the lesson driving it.
    pub(super) cluster: Driven,
    pub(super) settings: PageSettings,
    playing: bool,
    speed: f64,
    carry: f64,
    meter: SpeedMeter,
    traffic: u64,
    pub(super) traffic_next: u64,
    traffic_count: u64,
    pub(super) next_seq: u64,
    pub(super) lines: EventLines,
    pub(super) ghosts: VecDeque<Ghost>,
    actions: VecDeque<String>,
    pub(super) user_ops: VecDeque<u64>,
    error: Option<(ErrorAt, Key)>,
    notice: Option<Key>,
    /// The moments the user asked the clock to pause on.
    pause_on: Vec<PauseOn>,
    /// Watches for them (and for the lesson step's moment).
    pub(super) watch: PauseWatch,
    /// Why the clock paused by itself, until it runs again.
    paused: Option<Paused>,
    /// What the user did since this run started, each at its place: what
    /// a shared link or the saved session replays.
    pub(super) run: RunLog,
    /// While replaying: the place not to go past (events, time, traffic
    /// writes), so that the replay stops exactly where the user acted.
    pub(super) cap: Option<Place>,
    /// Where the full page keeps the run (its share query) across a
    /// reload; embeds and tests keep nothing.
    keeper: Option<Keeper>,
    /// Wall time since the run was last kept, ms.
    unkept_ms: f64,
    /// The etcdctl console and its transcript.
    pub(super) console: PageConsole,
}

/// Something that keeps a run's share query (the browser's local storage).
pub type Keeper = Box<dyn FnMut(&str)>;

/// Wall time between two saves of a running page's run.
pub const KEEP_EVERY_MS: f64 = 3_000.0;

impl Sim {
    /// A running cluster built from `settings`.
    pub fn new(settings: PageSettings) -> Result<Sim, Key> {
        let cluster =
            Cluster::new(settings.config()?).map_err(|e| Key::Refused(ActionError::Other(e)))?;
        let watch = PauseWatch::new(&cluster, &[]);
        let mut sim = Sim {
            cluster: Driven::Free(cluster),
            settings,
            playing: true,
            speed: DEFAULT_SPEED,
            carry: 0.0,
            meter: SpeedMeter::default(),
            traffic: 0,
            traffic_next: 0,
            traffic_count: 0,
            next_seq: 0,
            lines: EventLines::default(),
            ghosts: VecDeque::new(),
            actions: VecDeque::new(),
            user_ops: VecDeque::new(),
            error: None,
            notice: None,
            pause_on: Vec::new(),
            watch,
            paused: None,
            run: RunLog::default(),
            cap: None,
            keeper: None,
            unkept_ms: 0.0,
            console: PageConsole::new(Deployment::default()),
        };
        sim.run.start.settings = sim.settings.clone();
        sim.record(format!("new cluster {}", settings_line(&sim.settings)));
        sim.collect_events();
        Ok(sim)
    }

    /// The cluster.
    pub fn cluster(&self) -> &Cluster {
        &self.cluster
    }

    /// Builds a new cluster for the same page: what a new cluster or a
    /// lesson keeps of the old one (speed, traffic, moments paused on,
    /// the recent actions).
    pub(super) fn replace(&mut self, mut fresh: Sim) {
        fresh.playing = self.playing;
        fresh.speed = self.speed;
        fresh.traffic = self.traffic;
        fresh.watch_for(&self.pause_on);
        fresh.keeper = self.keeper.take();
        // The crash overlay's "recent actions" run across rebuilds.
        let mut actions = std::mem::take(&mut self.actions);
        actions.append(&mut fresh.actions);
        fresh.actions = actions;
        fresh.trim_actions();
        *self = fresh;
    }

    /// Keeps the run with `keeper` from now on: after each command (see
    /// [`super::commands::run`]) and every [`KEEP_EVERY_MS`] of wall time
    /// while it runs.
    pub fn set_keeper(&mut self, keeper: Option<Keeper>) {
        self.keeper = keeper;
    }

    /// Hands the keeper over (to a run that replaces this one).
    pub(super) fn take_keeper(&mut self) -> Option<Keeper> {
        self.keeper.take()
    }

    /// Hands the run's share query to the keeper, if any.
    pub fn keep(&mut self) {
        self.unkept_ms = 0.0;
        if self.keeper.is_some() {
            let query = self.share_query();
            if let Some(k) = &mut self.keeper {
                k(&query);
            }
        }
    }

    /// Writes per virtual second from the traffic generator (0: off).
    pub fn traffic(&self) -> u64 {
        self.traffic
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
        if on {
            self.paused = None;
        }
        self.playing = on;
        self.carry = 0.0;
        self.meter.reset();
    }

    /// Sets the speed, clamped to [`MIN_SPEED`]..=[`MAX_SPEED`].
    pub fn set_speed(&mut self, speed: f64) {
        if speed.is_finite() {
            self.speed = speed.clamp(MIN_SPEED, MAX_SPEED);
            self.meter.reset();
        }
    }

    /// Starts (or stops, with 0) steady client writes to the leader.
    pub fn set_traffic(&mut self, per_sec: u64) {
        self.log(Logged::Traffic(per_sec));
        self.start_traffic(per_sec);
    }

    /// [`Sim::set_traffic`] as part of how the run starts (not logged).
    pub(super) fn start_traffic(&mut self, per_sec: u64) {
        self.traffic = per_sec.min(MAX_TRAFFIC);
        self.traffic_next = self.cluster.now();
        self.record(format!("traffic {}/s", self.traffic));
    }

    /// Replaces the cluster with a new one built from `settings`.
    pub fn rebuild(&mut self, settings: PageSettings) -> Result<(), Key> {
        match Sim::new(settings) {
            Ok(fresh) => {
                self.replace(fresh);
                // The run (and a link to it) starts from the new cluster.
                self.restart_log(None);
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
    pub fn advance_wall(&mut self, wall_ms: f64) -> bool {
        if !self.playing || !wall_ms.is_finite() || wall_ms <= 0.0 {
            return false;
        }
        self.unkept_ms += wall_ms;
        if self.unkept_ms >= KEEP_EVERY_MS {
            self.keep();
        }
        let counted = wall_ms.min(MAX_FRAME_WALL_MS);
        let want = (counted * self.speed + self.carry).min(MAX_FRAME_VIRTUAL_MS);
        let whole = want.floor();
        self.carry = want - whole;
        self.meter.frame(wall_ms, whole);
        if whole < 1.0 {
            return false;
        }
        self.advance(whole as u64);
        true
    }

    /// Advances virtual time by `ms`, with the traffic generator, unless
    /// a moment paused on comes first: then time stops right after it.
    pub fn advance(&mut self, ms: u64) {
        let target = self.cluster.now() + ms;
        while self.traffic > 0 && self.traffic_next <= target {
            // A replay sends no more writes than the run had sent.
            if self.cap.is_some_and(|c| self.traffic_count >= c.traffic) {
                break;
            }
            let at = self.traffic_next.max(self.cluster.now());
            if !self.run_to(at) {
                return self.collect_events();
            }
            self.send_traffic();
            self.traffic_next = at + (1000 / self.traffic).max(1);
        }
        self.run_to(target);
        self.collect_events();
    }

    /// Runs the clock to `t` (as the lesson under way asks, if any); false
    /// if a moment paused it on the way.
    fn run_to(&mut self, t: u64) -> bool {
        if self.cluster.lesson().is_some() {
            return self.run_lesson_to(t);
        }
        self.run_free_to(t)
    }

    /// Runs the clock to `t` with no lesson; false if a moment paused it
    /// (or a replay reached its cap).
    pub(super) fn run_free_to(&mut self, t: u64) -> bool {
        let paused = match self.cap {
            Some(_) => match self.run_capped(t) {
                Ok(reached) => {
                    if !reached {
                        return false;
                    }
                    None
                }
                Err(p) => Some(p),
            },
            None => self.cluster.run_until_pause(t, &mut self.watch),
        };
        match paused {
            Some(p) => {
                self.pause_for(p);
                false
            }
            None => true,
        }
    }

    /// [`Cluster::run_until_pause`], but taking no more events than the
    /// replay's cap: Ok(false) if that stopped it before `t`.
    fn run_capped(&mut self, t: u64) -> Result<bool, Paused> {
        loop {
            if let Some(p) = self.watch.check(&self.cluster) {
                return Err(p);
            }
            match self.cluster.next_event_time() {
                Some(e) if e <= t => {
                    if self.capped() {
                        return Ok(false);
                    }
                    self.cluster.step_event();
                }
                _ => {
                    self.cluster.advance_to(t);
                    return Ok(true);
                }
            }
        }
    }

    /// Whether a replay has run all the events it may.
    pub(super) fn capped(&self) -> bool {
        self.cap
            .is_some_and(|c| self.cluster.position().events >= c.events)
    }

    /// Where the run is: the cluster's position and the traffic writes
    /// sent (two places with the same events and time can differ in
    /// whether a write due then was sent yet).
    pub fn place(&self) -> Place {
        let p = self.cluster.position();
        let now = self.cluster.now();
        Place {
            events: p.events,
            at_ms: p.at_ms,
            traffic: self.traffic_count,
            settled: self.cluster.next_event_time().is_none_or(|e| e > now)
                && (self.traffic == 0 || self.traffic_next > now),
        }
    }

    /// Runs the next event (whatever it is) and stops.
    pub fn step(&mut self) {
        self.log(Logged::Step);
        self.cluster.step_event();
        self.check_moments();
        self.poll_lesson();
        self.collect_events();
    }

    /// The moments the user pauses on.
    pub fn pause_on(&self) -> &[PauseOn] {
        &self.pause_on
    }

    /// Pauses on `moments` from now on (outside lessons and in them).
    pub fn set_pause_on(&mut self, moments: &[PauseOn]) {
        self.watch_for(moments);
        self.log(Logged::PauseOn(self.pause_on.clone()));
    }

    /// [`Sim::set_pause_on`] as part of how the run starts (not logged).
    pub(super) fn watch_for(&mut self, moments: &[PauseOn]) {
        self.pause_on = PauseOn::ALL
            .into_iter()
            .filter(|p| moments.contains(p))
            .collect();
        self.watch_moments();
    }

    /// Watches for the user's moments and the lesson step's.
    pub(super) fn watch_moments(&mut self) {
        let mut moments = self.pause_on.clone();
        moments.extend(self.cluster.lesson().map_or(&[][..], |g| g.step_pause_on()));
        self.watch.set(&self.cluster, &moments);
    }

    /// Why the clock last paused by itself, while it stays paused.
    pub fn paused(&self) -> Option<&Paused> {
        self.paused.as_ref()
    }

    /// Pauses if an action (or a step) just caused a moment paused on.
    pub(super) fn check_moments(&mut self) {
        if let Some(p) = self.watch.check(&self.cluster) {
            self.pause_for(p);
        }
    }

    pub(super) fn pause_for(&mut self, p: Paused) {
        self.record(format!("paused on {} at {} ms", p.on.word(), p.at_ms));
        self.set_playing(false);
        self.paused = Some(p);
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
    pub fn act(&mut self, at: ErrorAt, action: Action) -> Result<Option<u64>, ActionError> {
        let result = self.act_logged(action);
        match &result {
            Ok(_) => self.error = None,
            Err(e) => self.error = Some((at, Key::Refused(e.clone()))),
        }
        result
    }

    /// Applies and logs a user action, wherever it came from (a panel, the
    /// console); the caller shows a refusal where it belongs.
    pub(super) fn act_logged(&mut self, action: Action) -> Result<Option<u64>, ActionError> {
        self.log(Logged::Act(action.clone()));
        self.record(action_line(&action));
        let result = self.cluster.apply(action.clone());
        match &result {
            Ok(op) => {
                // These two apply at once, so the settings the frame shows
                // (and the quorum panel's notes) must follow them.
                match action {
                    Action::SetPreVote { on } => self.settings.pre_vote = on,
                    Action::SetCheckQuorum { on } => self.settings.check_quorum = on,
                    _ => {}
                }
                if let (Some(op), Action::Client { .. }) = (op, &action) {
                    self.user_ops.push_back(*op);
                    if self.user_ops.len() > USER_OPS {
                        self.user_ops.pop_front();
                    }
                }
            }
            Err(e) => self.record(format!("  refused: {e}")),
        }
        self.check_moments();
        // A learner's action may be the task the lesson waits for.
        self.poll_lesson();
        self.collect_events();
        result
    }

    /// Shows an error found before anything reached the cluster (a form
    /// that did not parse).
    pub fn reject(&mut self, at: ErrorAt, message: Key) {
        self.error = Some((at, message));
    }

    /// Shows a notice above the page (what was wrong with the URL) until
    /// the user dismisses it.
    pub fn set_notice(&mut self, notice: Option<Key>) {
        self.notice = notice;
    }

    /// The notice above the page, if any.
    pub fn notice(&self) -> Option<&Key> {
        self.notice.as_ref()
    }

    /// Clears the error if it belongs to `at`.
    pub fn clear_error_at(&mut self, at: ErrorAt) {
        if self.error.as_ref().is_some_and(|(a, _)| *a == at) {
            self.error = None;
        }
    }

    /// Clears the error shown by a panel.
    pub fn clear_error(&mut self) {
        self.error = None;
    }

    /// A client request as typed in the client panel: checked first, then
    /// sent to `node`.
    pub fn client(&mut self, node: NodeId, op: ClientOp, mode: ReadMode) -> Result<u64, Key> {
        if let Err(e) = check_typed(&op) {
            self.reject(ErrorAt::Client, e.clone());
            return Err(e);
        }
        let action = Action::Client {
            client: USER_CLIENT,
            node,
            op,
            mode,
        };
        self.act(ErrorAt::Client, action)
            .map_err(Key::Refused)?
            .ok_or(Key::NotAccepted)
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
    pub fn preset(&self, preset: Preset) -> Result<Vec<Vec<NodeId>>, Key> {
        preset_groups(preset, self.members(), self.cluster.leader())
    }

    pub(super) fn collect_events(&mut self) {
        let now = self.cluster.now();
        for e in self.cluster.trace().since(self.next_seq) {
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
            self.lines.push(e);
        }
        self.next_seq = self.cluster.trace().len();
        self.poll_console();
        while self
            .ghosts
            .front()
            .is_some_and(|g| g.at + GHOST_MS < now || self.ghosts.len() > 200)
        {
            self.ghosts.pop_front();
        }
    }

    pub(super) fn record(&mut self, line: String) {
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
        self.cluster.kv(node).map(|kv| kv.scan(""))
    }

    /// The picture of this moment, for the components.
    pub fn frame(&self) -> FrameRef {
        let view = self.cluster.view(LOG_TAIL);
        let sides = sides(&self.cluster, &view);
        let lesson = self.cluster.lesson().map(|g| g.view());
        let mut pending = pending_entries(&view);
        for p in &mut pending {
            p.wait = self.cluster.commit_wait(p.leader, p.index);
        }
        let requests = self
            .user_ops
            .iter()
            .rev()
            .filter_map(|&id| self.cluster.op(id).cloned())
            .collect();
        FrameRef::new(Frame {
            ghosts: self.ghosts.iter().cloned().collect(),
            sides,
            pending,
            waiting_requests: self.cluster.waiting_requests(),
            requests,
            // A watch keeps every event it saw; copying them all into each
            // frame made frames slower the longer a watch ran under traffic.
            watches: self
                .cluster
                .watches()
                .map(|w| w.with_latest(WATCH_EVENTS))
                .collect(),
            events: self.lines.lines(),
            playing: self.playing,
            pause_on: self.pause_on.clone(),
            lesson,
            paused: self.paused.clone(),
            speed: self.speed,
            reached_speed: self.meter.speed(),
            traffic: self.traffic,
            settings: self.settings.clone(),
            error: self.error.clone(),
            notice: self.notice.clone(),
            replacement: self.cluster.replacement(),
            next_member: self.cluster.next_member_id(),
            stores: self
                .members()
                .into_iter()
                .map(|id| (id, self.kv(id)))
                .collect(),
            trace_hash: self.cluster.trace().hash_hex(),
            console: self.console.lines(),
            console_busy: self.console.busy(),
            console_txn: self.console.reading_txn(),
            deploy_plan: raft_sim::deploy::commands::Plan::of(&self.cluster),
            view,
        })
    }
}

/// What the core checks, and one more thing a person types by mistake: a
/// key of only spaces (valid for etcd, but never meant, and invisible in
/// the store's table).
pub fn check_typed(op: &ClientOp) -> Result<(), Key> {
    op.validate()
        .map_err(|reason| Key::Failed(ClientError::Invalid { reason }))?;
    match op {
        ClientOp::Put { key, .. } | ClientOp::Get { key } | ClientOp::Delete { key }
            if key.trim().is_empty() =>
        {
            Err(Key::KeyOnlySpaces)
        }
        ClientOp::Range { prefix } if !prefix.is_empty() && prefix.trim().is_empty() => {
            Err(Key::PrefixOnlySpaces)
        }
        _ => Ok(()),
    }
}

fn action_line(a: &Action) -> String {
    serde_json::to_string(a).unwrap_or_else(|_| format!("{a:?}"))
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use crate::model::log_lines::Category;
    use crate::model::settings::HISTORY_LIMIT;

    pub(crate) fn sim(members: u64) -> Sim {
        Sim::new(PageSettings {
            members,
            ..PageSettings::default()
        })
        .unwrap()
    }

    pub(crate) fn run_until(s: &mut Sim, ms: u64, done: impl Fn(&Sim) -> bool) {
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
            s.advance_wall(16.0);
        }
        // 160 wall ms at half speed; the fraction carries over.
        assert_eq!(s.cluster().now(), 80);
        s.set_playing(false);
        assert!(!s.advance_wall(1000.0));
        assert_eq!(s.cluster().now(), 80);
        s.set_playing(true);
        s.set_speed(100.0);
        s.advance_wall(1000.0);
        assert_eq!(s.cluster().now(), 80 + MAX_FRAME_VIRTUAL_MS as u64);
    }

    #[test]
    fn the_frame_tells_the_speed_really_reached() {
        // Slow frames at 100×: each advances at most 2 s of virtual time,
        // so 133 ms frames reach about 15×, and the frame says so.
        let mut s = sim(3);
        s.set_speed(100.0);
        for _ in 0..8 {
            s.advance_wall(133.0);
        }
        let reached = s.frame().reached_speed.unwrap();
        assert!((reached - 15.0).abs() < 0.1, "{reached}");
        s.set_playing(false);
        assert_eq!(s.frame().reached_speed, None);
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
                s.advance_wall(f);
            }
            s.cluster().trace().hash_hex()
        };
        // Frame lengths do not matter, only the virtual time reached.
        let a = run(&[16.0; 250]);
        let b = run(&[40.0; 100]);
        assert_eq!(a, b);
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
        assert!(err.text(raft_sim::Lang::En).contains("key"), "{err:?}");
        assert_eq!(s.frame().error, Some((ErrorAt::Client, err)));
        // Nothing reached the cluster.
        assert!(s.cluster().history().is_empty());
    }

    #[test]
    fn a_key_of_only_spaces_is_refused_where_it_was_typed() {
        let mut s = sim(3);
        for op in [
            ClientOp::Put {
                key: "   ".into(),
                value: "x".into(),
            },
            ClientOp::Get { key: " ".into() },
            ClientOp::Delete { key: "\t".into() },
            ClientOp::Range {
                prefix: "  ".into(),
            },
        ] {
            let err = s.client(1, op, ReadMode::Linearizable).unwrap_err();
            assert!(err.text(raft_sim::Lang::En).contains("spaces"), "{err:?}");
            assert_eq!(s.frame().error, Some((ErrorAt::Client, err)));
        }
        assert!(s.cluster().history().is_empty());
        // An empty prefix still means every key.
        s.client(
            1,
            ClientOp::Range { prefix: "".into() },
            ReadMode::Serializable,
        )
        .unwrap();
    }

    #[test]
    fn what_the_page_keeps_per_request_stays_bounded_under_traffic() {
        let mut s = sim(3);
        run_until(&mut s, 10_000, |s| s.cluster().leader().is_some());
        let leader = s.cluster().leader().unwrap();
        s.act(
            ErrorAt::Watch,
            Action::Watch {
                node: leader,
                key: "/registry/".into(),
                prefix: true,
                start_revision: 0,
            },
        )
        .unwrap();
        s.set_traffic(MAX_TRAFFIC);
        for i in 0..100 {
            let op = ClientOp::Get {
                key: format!("/k{i}"),
            };
            s.client(leader, op, ReadMode::Serializable).unwrap();
        }
        s.advance(5_000);
        let frame = s.frame();
        assert!(frame.requests.len() <= USER_OPS);
        assert!(frame.events.len() <= 600, "{}", frame.events.len());
        assert!(frame.ghosts.len() <= 200);
        assert!(s.recent_actions().count() <= RECENT_ACTIONS);
        // The watch saw every write, but a frame copies only its latest
        // events (the panel shows six), not all of them on every frame.
        assert!(frame.watches[0].events.len() <= WATCH_EVENTS);
        assert!(s.cluster().watches().next().unwrap().seen > 500);
    }

    #[test]
    fn the_client_history_is_a_window_under_traffic() {
        let mut s = sim(3);
        run_until(&mut s, 10_000, |s| s.cluster().leader().is_some());
        s.set_traffic(MAX_TRAFFIC);
        // 200 writes a second: 5,000 requests, more than twice the window.
        s.advance(25_000);
        let kept = s.cluster().history().len();
        assert!(kept <= 2 * HISTORY_LIMIT, "{kept} requests kept");
        assert!(s.cluster().history_dropped() > 0);
        let frame = s.frame();
        assert!(frame.waiting_requests < 100, "{}", frame.waiting_requests);
    }

    #[test]
    fn refused_actions_land_in_the_recent_actions() {
        let mut s = sim(3);
        let err = s
            .act(ErrorAt::Inspector, Action::Restart { node: 1 })
            .unwrap_err();
        assert_eq!(
            s.frame().error,
            Some((ErrorAt::Inspector, Key::Refused(err.clone())))
        );
        let recent: Vec<&str> = s.recent_actions().collect();
        assert!(recent.iter().any(|l| l.contains("restart")), "{recent:?}");
        let err = err.to_string();
        assert!(recent.iter().any(|l| l.contains(&err)), "{recent:?}");
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
        let frame = s.frame();
        assert!(frame.events.iter().any(|l| l.cat == Category::Log));
        assert!(frame.events.windows(2).all(|w| w[0].seq < w[1].seq));
    }

    #[test]
    fn a_cut_off_leader_says_why_it_steps_down_and_why_its_write_waits() {
        let mut s = sim(5);
        run_until(&mut s, 10_000, |s| s.cluster().leader().is_some());
        let old = s.cluster().leader().unwrap();
        s.act(ErrorAt::Partition, Action::Isolate { node: old })
            .unwrap();
        let put = ClientOp::Put {
            key: "/a".into(),
            value: "1".into(),
        };
        s.client(old, put, ReadMode::Linearizable).unwrap();
        s.advance(100);
        // The write waits on the old leader, and the panel can say why.
        let frame = s.frame();
        let p = frame.pending.iter().find(|p| p.leader == old).unwrap();
        let why = p.wait.as_ref().expect("the core explains the wait");
        assert!(why.describe(raft_sim::Lang::En).contains("unreachable"));
        // CheckQuorum makes it step down; its card finds the reason.
        let stepped = |s: &Sim| {
            s.frame()
                .events
                .iter()
                .any(|l| l.why_about(old) && matches!(l.kind, EventKind::SteppedDown { .. }))
        };
        run_until(&mut s, 10_000, stepped);
        assert!(stepped(&s));
        let frame = s.frame();
        let line = (frame.events.iter())
            .find(|l| matches!(l.kind, EventKind::SteppedDown { .. }))
            .unwrap();
        assert!(
            line.text(raft_sim::Lang::Zh).contains("CheckQuorum"),
            "{}",
            line.text(raft_sim::Lang::Zh)
        );
        // Lines about other members are not this one's.
        assert!(frame
            .events
            .iter()
            .filter(|l| l.why_about(old))
            .all(|l| l.text(raft_sim::Lang::En).contains(&format!("n{old}"))));
    }
}
