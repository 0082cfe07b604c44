//! Runs that can be shared and kept: the [`RunLog`] of what the user did,
//! each command at its exact [`Place`], its compact URL form (the `run=`
//! key), and the replay that rebuilds the same run from it, event for
//! event (the same trace hash).
//!
//! A run starts from a [`Start`] (the settings or a lesson, the traffic
//! rate and the moments paused on); "new cluster", opening a lesson and
//! restarting it begin a new run. Everything after that which changes the
//! cluster or where the clock stops is a [`Logged`] command.
//!
//! # Why a place is three numbers
//! The time alone does not say where a command landed: a moment paused
//! on, a lesson's step ending, or a single step stop the clock between two
//! events of the same millisecond; and the traffic generator's write due
//! at that millisecond is sent only once all its events ran. So a place is
//! (events run, virtual ms, traffic writes sent), and the replay runs the
//! page's own machinery (traffic, lesson polls, pauses) with a cap that
//! stops it exactly there.
//!
//! Most commands land where a frame ended: every event of that
//! millisecond ran and every write due was sent ([`Place::settled`]).
//! There the time alone is enough (the replay runs until the clock is
//! settled at that time), so the link writes only the time, and the three
//! numbers only for the other places.
//!
//! # The format (version 1)
//! `run=1` then, per command, `_` and fields separated by `.`: the time as
//! the difference from the previous command's, then (for a place that is
//! not settled) the events run and the traffic writes sent, then an
//! upper-case code and its arguments. Numbers are base 36 (`-` for a
//! negative difference: a lesson's Back goes back in time); texts are
//! their length in characters, `~`, and the text; lists of members are ids
//! joined by `-`. The last entry is a place alone: where the run was when
//! it was shared. For example `1_2s.C.1_3c` is "crash n1 at 100 ms,
//! shared at 220 ms". Only `/` and `,` besides the URL-safe characters
//! are left unescaped, so keys such as `/registry/pods` stay readable.

use raft_sim::{Action, ClientOp, MemberChange, NetConfig, NodeId, PauseOn, ReadMode};

use super::settings::{PageSettings, DEFAULT_SPEED, SETTING_KEYS};
use super::sim::Sim;
use crate::i18n::Key;

/// The version of the `run=` format this page writes and reads.
pub const RUN_VERSION: u64 = 1;

/// Most events a replay runs: a link asking for more (a very long run,
/// or a made-up one) is refused rather than freezing the page.
pub const MAX_REPLAY_EVENTS: u64 = 500_000;

/// A place in a run: events run, virtual time, traffic writes sent.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Place {
    /// Events taken from the cluster's queue.
    pub events: u64,
    /// Virtual time, ms.
    pub at_ms: u64,
    /// Writes the traffic generator sent.
    pub traffic: u64,
    /// Whether every event up to this time ran and every traffic write
    /// due was sent: where a frame ends (a link needs only the time).
    pub settled: bool,
}

/// Where a replay must stop, as a link says it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Landing {
    /// At this time, once settled (see [`Place::settled`]).
    Settled(u64),
    /// Exactly this place.
    Exact(Place),
}

impl Place {
    /// How a link says this place.
    pub fn landing(self) -> Landing {
        if self.settled {
            Landing::Settled(self.at_ms)
        } else {
            Landing::Exact(self)
        }
    }

    fn at_ms(l: Landing) -> u64 {
        match l {
            Landing::Settled(t) => t,
            Landing::Exact(p) => p.at_ms,
        }
    }
}

/// A command of the user's that changes the run.
#[derive(Clone, Debug, PartialEq)]
pub enum Logged {
    /// An action on the cluster (a request or a partition preset is logged
    /// as the action it became: the member it went to, the groups).
    Act(Action),
    /// One event.
    Step,
    /// The moments to pause on from now.
    PauseOn(Vec<PauseOn>),
    /// The traffic rate from now.
    Traffic(u64),
    /// Lesson: next step.
    Next,
    /// Lesson: back a step.
    Back,
    /// Lesson: do it for me.
    Solve,
    /// Leave the lesson.
    Leave,
}

/// How a run starts.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Start {
    /// Cluster settings (a lesson brings its own).
    pub settings: PageSettings,
    /// A built-in lesson opened on it.
    pub lesson: Option<String>,
    /// Traffic rate.
    pub traffic: u64,
    /// Moments paused on.
    pub pause_on: Vec<PauseOn>,
}

/// The run so far: how it started and what the user did, in order.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct RunLog {
    /// How it started.
    pub start: Start,
    /// The commands, each at the place where it was given.
    pub entries: Vec<(Place, Logged)>,
}

impl RunLog {
    /// An empty run from `start`.
    pub fn new(start: Start) -> RunLog {
        RunLog {
            start,
            entries: Vec::new(),
        }
    }
}

impl Sim {
    /// Builds the run `start` describes. A lesson that does not exist is
    /// left out, and said in the returned notice.
    pub fn start(start: &Start) -> Result<(Sim, Option<Key>), Key> {
        let mut sim = Sim::new(start.settings.clone())?;
        let mut notice = None;
        if let Some(id) = &start.lesson {
            if let Err(e) = sim.open_lesson(id) {
                notice = Some(Key::UrlSetting("lesson".into(), id.clone(), Box::new(e)));
            }
        }
        sim.watch_for(&start.pause_on);
        if start.traffic > 0 {
            sim.start_traffic(start.traffic);
        }
        sim.run.start.pause_on = sim.pause_on().to_vec();
        sim.run.start.traffic = start.traffic;
        Ok((sim, notice))
    }

    /// The run so far.
    pub fn run_log(&self) -> &RunLog {
        &self.run
    }

    /// Logs a command at the current place.
    pub(super) fn log(&mut self, what: Logged) {
        let at = self.place();
        self.run.entries.push((at, what));
    }

    /// Begins a new run from this moment's cluster (just built).
    pub(super) fn restart_log(&mut self, lesson: Option<String>) {
        self.run = RunLog::new(Start {
            settings: self.settings.clone(),
            lesson,
            traffic: self.traffic(),
            pause_on: self.pause_on().to_vec(),
        });
    }

    /// Rebuilds a run: `start`, then each command at its place, then the
    /// clock to `end`. The result is the same run, event for event (the
    /// same trace hash), paused.
    pub fn replay(start: &Start, entries: &[(Landing, Logged)], end: Landing) -> Result<Sim, Key> {
        let (mut sim, _) = Sim::start(start)?;
        for (i, (at, what)) in entries.iter().enumerate() {
            sim.run_to_landing(*at, i + 1)?;
            sim.apply_logged(what.clone());
        }
        sim.run_to_landing(end, entries.len() + 1)?;
        sim.set_playing(false);
        Ok(sim)
    }

    /// Carries out a logged command as the page first did.
    fn apply_logged(&mut self, what: Logged) {
        use super::commands::ErrorAt;
        match what {
            Logged::Act(a) => {
                let _ = self.act(ErrorAt::Inspector, a);
                // An error shown then was the sharer's, not the viewer's.
                self.clear_error();
            }
            Logged::Step => self.step(),
            Logged::PauseOn(m) => self.set_pause_on(&m),
            Logged::Traffic(n) => self.set_traffic(n),
            Logged::Next => self.lesson_next(),
            Logged::Back => {
                let _ = self.lesson_back();
            }
            Logged::Solve => self.lesson_solve(),
            Logged::Leave => self.leave_lesson(),
        }
    }

    /// Runs the page's clock (traffic, lesson, pauses, as a frame does) to
    /// exactly `to`; the error names entry `n` if the run went elsewhere.
    fn run_to_landing(&mut self, to: Landing, n: usize) -> Result<(), Key> {
        let cap = match to {
            Landing::Exact(p) if p.events > MAX_REPLAY_EVENTS => {
                return Err(Key::RunTooLong(MAX_REPLAY_EVENTS))
            }
            Landing::Exact(p) => p,
            // No more events than any replay may run, to stop a made-up
            // time far ahead.
            Landing::Settled(at_ms) => Place {
                events: MAX_REPLAY_EVENTS,
                at_ms,
                traffic: u64::MAX,
                settled: true,
            },
        };
        let arrived = |here: Place| match to {
            Landing::Settled(t) => here.at_ms == t && here.settled,
            Landing::Exact(p) => {
                (here.events, here.at_ms, here.traffic) == (p.events, p.at_ms, p.traffic)
            }
        };
        self.cap = Some(cap);
        let mut stuck = 0;
        let result = loop {
            let here = self.place();
            if arrived(here) {
                break Ok(());
            }
            if here.events >= MAX_REPLAY_EVENTS {
                break Err(Key::RunTooLong(MAX_REPLAY_EVENTS));
            }
            if here.events > cap.events || here.at_ms > cap.at_ms || here.traffic > cap.traffic {
                break Err(Key::RunDiverged(n));
            }
            // A stop (a moment paused on) is passed as the user's Play did.
            self.advance(cap.at_ms - here.at_ms);
            if self.place() == here {
                stuck += 1;
                // Pausing twice at one place is possible (two moments in
                // one event); more means the run cannot get there.
                if stuck > 3 {
                    break Err(Key::RunDiverged(n));
                }
            } else {
                stuck = 0;
            }
        };
        self.cap = None;
        result
    }

    /// This run as a query string, `?seed=…&…&run=1_…`: what opens it in
    /// the playground again, at this moment, paused.
    pub fn share_query(&self) -> String {
        let start = &self.run.start;
        let mut pairs: Vec<(String, String)> = Vec::new();
        match &start.lesson {
            // A lesson brings its own cluster settings.
            Some(id) => pairs.push(("lesson".into(), id.clone())),
            None => {
                for k in SETTING_KEYS {
                    pairs.push((k.into(), start.settings.get(k)));
                }
            }
        }
        if start.traffic > 0 {
            pairs.push(("traffic".into(), start.traffic.to_string()));
        }
        if !start.pause_on.is_empty() {
            let words: Vec<&str> = start.pause_on.iter().map(|p| p.word()).collect();
            pairs.push(("pause-on".into(), words.join(",")));
        }
        if self.speed() != DEFAULT_SPEED {
            pairs.push(("speed".into(), self.speed().to_string()));
        }
        pairs.push(("paused".into(), "on".into()));
        let entries: Vec<(Landing, Logged)> = (self.run.entries.iter())
            .map(|(p, w)| (p.landing(), w.clone()))
            .collect();
        pairs.push(("run".into(), encode_run(&entries, self.place().landing())));
        let query: Vec<String> = pairs
            .iter()
            .map(|(k, v)| format!("{k}={}", percent_encode(v)))
            .collect();
        format!("?{}", query.join("&"))
    }
}

/// A shared run as read from `run=`: the commands and where it ended.
#[derive(Clone, Debug, PartialEq)]
pub struct SharedRun {
    /// The commands at their places.
    pub entries: Vec<(Landing, Logged)>,
    /// Where the run was when shared.
    pub end: Landing,
}

/// Writes the `run=` value (not yet escaped for a URL).
pub fn encode_run(entries: &[(Landing, Logged)], end: Landing) -> String {
    let mut out = RUN_VERSION.to_string();
    let mut prev_ms = 0;
    for (at, what) in entries
        .iter()
        .map(|(p, w)| (*p, Some(w)))
        .chain([(end, None)])
    {
        out.push('_');
        let mut w = Writer(Vec::new());
        let ms = Place::at_ms(at);
        w.num(ms as i64 - prev_ms as i64);
        if let Landing::Exact(p) = at {
            w.num(p.events as i64);
            w.num(p.traffic as i64);
        }
        if let Some(what) = what {
            write_logged(&mut w, what);
        }
        out.push_str(&w.0.join("."));
        prev_ms = ms;
    }
    out
}

/// Reads a `run=` value (already unescaped). Errors say what is wrong.
pub fn decode_run(text: &str) -> Result<SharedRun, Key> {
    let (version, rest) = text.split_once('_').unwrap_or((text, ""));
    let version = version.parse::<u64>().map_err(|_| Key::RunNoVersion)?;
    if version > RUN_VERSION {
        return Err(Key::RunNewerVersion(version, RUN_VERSION));
    }
    if version == 0 {
        return Err(Key::RunNoVersion);
    }
    let mut r = Reader {
        chars: rest.chars().collect(),
        at: 0,
    };
    let mut entries = Vec::new();
    let mut prev_ms: u64 = 0;
    loop {
        let n = entries.len() + 1;
        let bad = || Key::RunBadEntry(n);
        let mut nums = Vec::new();
        while r
            .peek()
            .is_some_and(|c| !c.is_ascii_uppercase() && c != '_')
        {
            nums.push(r.num().ok_or_else(bad)?);
        }
        let at_ms = |d: i64| prev_ms.checked_add_signed(d);
        let at = match nums.as_slice() {
            [d] => at_ms(*d).map(Landing::Settled),
            [d, events, traffic] => (|| {
                Some(Landing::Exact(Place {
                    at_ms: at_ms(*d)?,
                    events: u64::try_from(*events).ok()?,
                    traffic: u64::try_from(*traffic).ok()?,
                    settled: false,
                }))
            })(),
            _ => None,
        }
        .ok_or_else(bad)?;
        prev_ms = Place::at_ms(at);
        if r.peek().is_none() {
            return Ok(SharedRun { entries, end: at });
        }
        let what = read_logged(&mut r).ok_or_else(bad)?;
        if !r.entry_end() {
            return Err(bad());
        }
        entries.push((at, what));
    }
}

struct Writer(Vec<String>);

impl Writer {
    fn num(&mut self, n: i64) {
        let mut digits = Vec::new();
        let mut m = n.unsigned_abs();
        loop {
            digits.push(std::char::from_digit((m % 36) as u32, 36).unwrap_or('0'));
            m /= 36;
            if m == 0 {
                break;
            }
        }
        if n < 0 {
            digits.push('-');
        }
        self.0.push(digits.into_iter().rev().collect());
    }

    fn code(&mut self, c: &str) {
        self.0.push(c.into());
    }

    fn text(&mut self, t: &str) {
        let mut len = Writer(Vec::new());
        len.num(t.chars().count() as i64);
        self.0.push(format!("{}~{t}", len.0[0]));
    }

    fn ids(&mut self, ids: &[NodeId]) {
        let mut w = Writer(Vec::new());
        for &id in ids {
            w.num(id as i64);
        }
        self.0.push(w.0.join("-"));
    }

    fn flag(&mut self, on: bool) {
        self.num(on as i64);
    }
}

struct Reader {
    chars: Vec<char>,
    at: usize,
}

impl Reader {
    fn peek(&self) -> Option<char> {
        self.chars.get(self.at).copied()
    }

    /// Past a field's `.`, if there is one.
    fn field_end(&mut self) {
        if self.peek() == Some('.') {
            self.at += 1;
        }
    }

    /// At the end of an entry: past its `_`, or at the end.
    fn entry_end(&mut self) -> bool {
        match self.peek() {
            None => true,
            Some('_') => {
                self.at += 1;
                true
            }
            _ => false,
        }
    }

    fn digits(&mut self) -> Option<u64> {
        let from = self.at;
        while self
            .peek()
            .is_some_and(|c| c.is_ascii_digit() || c.is_ascii_lowercase())
        {
            self.at += 1;
        }
        let s: String = self.chars[from..self.at].iter().collect();
        u64::from_str_radix(&s, 36).ok()
    }

    fn num(&mut self) -> Option<i64> {
        let negative = self.peek() == Some('-');
        if negative {
            self.at += 1;
        }
        let n = i64::try_from(self.digits()?).ok()?;
        self.field_end();
        Some(if negative { -n } else { n })
    }

    fn unsigned(&mut self) -> Option<u64> {
        u64::try_from(self.num()?).ok()
    }

    fn code(&mut self) -> Option<String> {
        let from = self.at;
        while self.peek().is_some_and(|c| c.is_ascii_uppercase()) {
            self.at += 1;
        }
        let s: String = self.chars[from..self.at].iter().collect();
        self.field_end();
        (!s.is_empty()).then_some(s)
    }

    fn text(&mut self) -> Option<String> {
        let len = usize::try_from(self.digits()?).ok()?;
        if self.peek() != Some('~') {
            return None;
        }
        self.at += 1;
        let end = self.at.checked_add(len)?;
        let s: String = self.chars.get(self.at..end)?.iter().collect();
        self.at = end;
        self.field_end();
        Some(s)
    }

    fn ids(&mut self) -> Option<Vec<NodeId>> {
        let mut ids = Vec::new();
        while self.peek().is_some_and(|c| c.is_ascii_alphanumeric()) {
            ids.push(self.digits()?);
            if self.peek() == Some('-') {
                self.at += 1;
            }
        }
        self.field_end();
        Some(ids)
    }

    fn flag(&mut self) -> Option<bool> {
        match self.num()? {
            0 => Some(false),
            1 => Some(true),
            _ => None,
        }
    }

    fn node(&mut self) -> Option<NodeId> {
        self.unsigned()
    }
}

const MODES: [ReadMode; 3] = [
    ReadMode::Linearizable,
    ReadMode::Lease,
    ReadMode::Serializable,
];
const CHANGES: [MemberChange; 3] = [
    MemberChange::AddVoter,
    MemberChange::AddLearner,
    MemberChange::Remove,
];

fn index_of<T: PartialEq>(all: &[T], x: &T) -> i64 {
    all.iter().position(|y| y == x).unwrap_or(0) as i64
}

fn write_logged(w: &mut Writer, what: &Logged) {
    match what {
        Logged::Act(a) => write_action(w, a),
        Logged::Step => w.code("S"),
        Logged::PauseOn(moments) => {
            w.code("PO");
            let mask = (PauseOn::ALL.iter().enumerate())
                .filter(|(_, p)| moments.contains(p))
                .fold(0, |m, (i, _)| m | (1 << i));
            w.num(mask);
        }
        Logged::Traffic(n) => {
            w.code("TR");
            w.num(*n as i64);
        }
        Logged::Next => w.code("NX"),
        Logged::Back => w.code("BK"),
        Logged::Solve => w.code("SV"),
        Logged::Leave => w.code("LV"),
    }
}

fn write_action(w: &mut Writer, a: &Action) {
    let node = |w: &mut Writer, code: &str, n: NodeId| {
        w.code(code);
        w.num(n as i64);
    };
    match a {
        Action::Crash { node: n } => node(w, "C", *n),
        Action::Restart { node: n } => node(w, "R", *n),
        Action::WipeAndRejoin { node: n } => node(w, "W", *n),
        Action::Isolate { node: n } => node(w, "I", *n),
        Action::Campaign { node: n } => node(w, "CA", *n),
        Action::Compact { node: n } => node(w, "CO", *n),
        Action::TransferLeader { to } => node(w, "T", *to),
        Action::Hold { msg } => node(w, "HM", *msg),
        Action::Release { msg } => node(w, "RM", *msg),
        Action::Drop { msg } => node(w, "DM", *msg),
        Action::CancelWatch { watch } => node(w, "CW", *watch),
        Action::HealAll => w.code("H"),
        Action::Partition { groups } => {
            w.code("P");
            w.num(groups.len() as i64);
            for g in groups {
                w.ids(g);
            }
        }
        Action::PartitionOneway { from, to } => {
            w.code("O");
            w.ids(from);
            w.ids(to);
        }
        Action::Cut { from, to, both } | Action::Repair { from, to, both } => {
            w.code(if matches!(a, Action::Cut { .. }) {
                "X"
            } else {
                "Y"
            });
            w.num(*from as i64);
            w.num(*to as i64);
            w.flag(*both);
        }
        Action::HoldLink { from, to } | Action::ReleaseLink { from, to } => {
            w.code(if matches!(a, Action::HoldLink { .. }) {
                "HL"
            } else {
                "RL"
            });
            w.num(*from as i64);
            w.num(*to as i64);
        }
        Action::SetNetwork { net } => {
            w.code("N");
            w.num(net.latency_ms as i64);
            w.num(net.jitter_ms as i64);
            // Rust writes the shortest text that reads back the same f64.
            w.text(&net.loss.to_string());
            w.text(&net.duplicate.to_string());
        }
        Action::SetPreVote { on } => {
            w.code("V");
            w.flag(*on);
        }
        Action::SetCheckQuorum { on } => {
            w.code("Q");
            w.flag(*on);
        }
        Action::Client {
            client,
            node,
            op,
            mode,
        } => {
            w.code(match op {
                ClientOp::Put { .. } => "PUT",
                ClientOp::Get { .. } => "GET",
                ClientOp::Delete { .. } => "DEL",
                ClientOp::Range { .. } => "RNG",
            });
            w.num(*client as i64);
            w.num(*node as i64);
            w.num(index_of(&MODES, mode));
            match op {
                ClientOp::Put { key, value } => {
                    w.text(key);
                    w.text(value);
                }
                ClientOp::Get { key } | ClientOp::Delete { key } => w.text(key),
                ClientOp::Range { prefix } => w.text(prefix),
            }
        }
        Action::Watch { node, key, prefix } => {
            w.code("WA");
            w.num(*node as i64);
            w.flag(*prefix);
            w.text(key);
        }
        Action::ChangeMembership { changes } => {
            w.code("M");
            w.num(changes.len() as i64);
            for (change, node) in changes {
                w.num(index_of(&CHANGES, change));
                w.num(*node as i64);
            }
        }
    }
}

fn read_logged(r: &mut Reader) -> Option<Logged> {
    let code = r.code()?;
    let node = |r: &mut Reader| r.node();
    Some(match code.as_str() {
        "S" => Logged::Step,
        "PO" => {
            let mask = r.unsigned()?;
            if mask >> PauseOn::ALL.len() != 0 {
                return None;
            }
            let on = (PauseOn::ALL.iter().enumerate())
                .filter(|(i, _)| mask & (1 << i) != 0)
                .map(|(_, p)| *p)
                .collect();
            Logged::PauseOn(on)
        }
        "TR" => Logged::Traffic(r.unsigned()?),
        "NX" => Logged::Next,
        "BK" => Logged::Back,
        "SV" => Logged::Solve,
        "LV" => Logged::Leave,
        _ => Logged::Act(match code.as_str() {
            "C" => Action::Crash { node: node(r)? },
            "R" => Action::Restart { node: node(r)? },
            "W" => Action::WipeAndRejoin { node: node(r)? },
            "I" => Action::Isolate { node: node(r)? },
            "CA" => Action::Campaign { node: node(r)? },
            "CO" => Action::Compact { node: node(r)? },
            "T" => Action::TransferLeader { to: node(r)? },
            "HM" => Action::Hold { msg: r.unsigned()? },
            "RM" => Action::Release { msg: r.unsigned()? },
            "DM" => Action::Drop { msg: r.unsigned()? },
            "CW" => Action::CancelWatch {
                watch: r.unsigned()?,
            },
            "H" => Action::HealAll,
            "P" => {
                let n = r.unsigned()?;
                // Each group takes at least a character: a count larger
                // than what is left is made up.
                if n > r.chars.len() as u64 {
                    return None;
                }
                let groups = (0..n).map(|_| r.ids()).collect::<Option<_>>()?;
                Action::Partition { groups }
            }
            "O" => Action::PartitionOneway {
                from: r.ids()?,
                to: r.ids()?,
            },
            "X" | "Y" => {
                let (from, to, both) = (node(r)?, node(r)?, r.flag()?);
                if code == "X" {
                    Action::Cut { from, to, both }
                } else {
                    Action::Repair { from, to, both }
                }
            }
            "HL" | "RL" => {
                let (from, to) = (node(r)?, node(r)?);
                if code == "HL" {
                    Action::HoldLink { from, to }
                } else {
                    Action::ReleaseLink { from, to }
                }
            }
            "N" => Action::SetNetwork {
                net: NetConfig {
                    latency_ms: r.unsigned()?,
                    jitter_ms: r.unsigned()?,
                    loss: r.text()?.parse().ok()?,
                    duplicate: r.text()?.parse().ok()?,
                },
            },
            "V" => Action::SetPreVote { on: r.flag()? },
            "Q" => Action::SetCheckQuorum { on: r.flag()? },
            "PUT" | "GET" | "DEL" | "RNG" => {
                let client = r.unsigned()?;
                let node = node(r)?;
                let mode = *MODES.get(usize::try_from(r.unsigned()?).ok()?)?;
                let op = match code.as_str() {
                    "PUT" => ClientOp::Put {
                        key: r.text()?,
                        value: r.text()?,
                    },
                    "GET" => ClientOp::Get { key: r.text()? },
                    "DEL" => ClientOp::Delete { key: r.text()? },
                    _ => ClientOp::Range { prefix: r.text()? },
                };
                Action::Client {
                    client,
                    node,
                    op,
                    mode,
                }
            }
            "WA" => {
                let node = node(r)?;
                let prefix = r.flag()?;
                Action::Watch {
                    node,
                    key: r.text()?,
                    prefix,
                }
            }
            "M" => {
                let n = r.unsigned()?;
                if n > r.chars.len() as u64 {
                    return None;
                }
                let changes = (0..n)
                    .map(|_| {
                        let c = *CHANGES.get(usize::try_from(r.unsigned()?).ok()?)?;
                        Some((c, node(r)?))
                    })
                    .collect::<Option<_>>()?;
                Action::ChangeMembership { changes }
            }
            _ => return None,
        }),
    })
}

/// Escapes a query value: everything but the URL-safe characters, `/`
/// and `,`.
pub fn percent_encode(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for b in s.bytes() {
        if b.is_ascii_alphanumeric() || b"-._~/,".contains(&b) {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

/// The link the Share button gives: `base` (the full playground's folder
/// or page, as an embed knows it) or else this page (`page`, its address
/// without query or fragment), with the run's query.
pub fn share_url(page: &str, base: &str, query: &str) -> String {
    let to = if base.is_empty() { page } else { base };
    let to = to.split(['?', '#']).next().unwrap_or(to);
    if to.ends_with('/') || to.ends_with(".html") || to.is_empty() {
        format!("{to}{query}")
    } else {
        format!("{to}/{query}")
    }
}

/// Whether a query string says what to run (a setting, a lesson, a run),
/// rather than only how to show it (language, speed): a page opened with
/// none of these may restore the run it kept.
pub fn says_what_to_run(query: &str) -> bool {
    query
        .trim_start_matches('?')
        .split('&')
        .filter_map(|pair| pair.split('=').next())
        .map(super::settings::percent_decode)
        .any(|k| {
            matches!(k.as_str(), "lesson" | "run" | "traffic" | "pause-on")
                || super::settings::canonical_key(&k).is_some()
        })
}

/// Shortens a value for a notice that names it.
pub fn shorten(value: &str) -> String {
    const SHOWN: usize = 24;
    if value.chars().count() <= SHOWN {
        value.to_string()
    } else {
        let head: String = value.chars().take(SHOWN).collect();
        format!("{head}…")
    }
}

/// How the page opens: the settings and extras from its query string, and
/// a run to replay.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Opening {
    /// How the run starts.
    pub start: Start,
    /// A `run=` value (unescaped), still to be read.
    pub run: Option<String>,
}

/// Builds the page's simulation for `opening`: the start, then the shared
/// run replayed if there is one. Whatever cannot be used is said in the
/// returned notice and spoils only itself: a bad run leaves the start as
/// it is. Falls back to the default settings if even those fail.
pub fn open(opening: &Opening) -> (Sim, Option<Key>) {
    let (sim, mut notices) = match Sim::start(&opening.start) {
        Ok((sim, notice)) => (sim, notice.into_iter().collect::<Vec<_>>()),
        Err(e) => {
            let fallback = Start::default();
            let (sim, _) = Sim::start(&fallback).expect("the default settings are valid");
            (sim, vec![e])
        }
    };
    let mut sim = sim;
    if let Some(text) = &opening.run {
        let run = decode_run(text).and_then(|run| {
            let start = sim.run_log().start.clone();
            Sim::replay(&start, &run.entries, run.end)
        });
        match run {
            Ok(replayed) => sim = replayed,
            Err(e) => notices.push(Key::UrlSetting("run".into(), shorten(text), Box::new(e))),
        }
    }
    let notice = match notices.len() {
        0 => None,
        1 => notices.pop(),
        _ => Some(Key::Notices(notices)),
    };
    (sim, notice)
}

impl Opening {
    /// What a parsed query string asks the page to open.
    pub fn from_query(q: &super::settings::Query) -> Opening {
        Opening {
            start: Start {
                settings: q.settings.clone(),
                lesson: q.extras.lesson.clone(),
                traffic: q.extras.traffic.unwrap_or(0),
                pause_on: q.extras.pause_on.clone(),
            },
            run: q.extras.run.clone(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::commands::{run, Cmd, ErrorAt, Target};
    use crate::model::lesson::{LessonCmd, LessonState};
    use crate::model::partition::Preset;
    use crate::model::settings::Query;
    use raft_sim::Lang;

    /// A small deterministic generator for the tests' choices.
    struct Dice(u64);

    impl Dice {
        fn next(&mut self) -> u64 {
            // xorshift64*
            self.0 ^= self.0 >> 12;
            self.0 ^= self.0 << 25;
            self.0 ^= self.0 >> 27;
            self.0.wrapping_mul(0x2545_f491_4f6c_dd1d)
        }

        fn below(&mut self, n: u64) -> u64 {
            self.next() % n
        }

        fn chance(&mut self, pct: u64) -> bool {
            self.below(100) < pct
        }
    }

    /// Opens the run's share link as the page does, checking that nothing
    /// was said about it.
    fn reopen(s: &Sim) -> Sim {
        let query = s.share_query();
        let q = Query::parse(&query);
        assert_eq!(q.notice(), None, "{query}");
        let (sim, notice) = open(&Opening::from_query(&q));
        assert_eq!(notice, None, "{query}");
        sim
    }

    fn assert_same(a: &Sim, b: &Sim, what: &str) {
        assert_eq!(a.place(), b.place(), "{what}: {}", a.share_query());
        assert_eq!(
            a.cluster().trace().hash_hex(),
            b.cluster().trace().hash_hex(),
            "{what}: {}",
            a.share_query()
        );
        assert_eq!(a.run_log(), b.run_log(), "{what}");
        assert!(!b.playing(), "a shared run opens paused");
    }

    /// Time passing as frames of random sizes, the way the page runs it,
    /// or as a plain advance (which a pause may cut short).
    fn pass_time(s: &mut Sim, d: &mut Dice) {
        if d.chance(50) {
            s.set_speed([0.5, 1.0, 3.0, 20.0][d.below(4) as usize]);
            s.set_playing(true);
            for _ in 0..d.below(30) {
                s.advance_wall(1.0 + d.below(60) as f64 + 0.37);
            }
        } else {
            s.advance(d.below(1500));
        }
    }

    fn some_member(s: &Sim, d: &mut Dice) -> NodeId {
        let ids = s.cluster().member_ids();
        ids[d.below(ids.len() as u64) as usize]
    }

    /// One random command of the kinds the page's panels send.
    fn some_command(s: &Sim, d: &mut Dice) -> Cmd {
        let node = some_member(s, d);
        let put = ClientOp::Put {
            key: format!("/registry/pods/default/p{}", d.below(5)),
            value: format!("v{}&=% ✓", d.below(100)),
        };
        let moment = PauseOn::ALL[d.below(4) as usize];
        match d.below(14) {
            0 => Cmd::Act(ErrorAt::Inspector, Action::Crash { node }),
            1 => Cmd::Act(ErrorAt::Inspector, Action::Restart { node }),
            2 => Cmd::Act(ErrorAt::Partition, Action::HealAll),
            3 => Cmd::Preset(Preset::LeaderAlone),
            4 => Cmd::Act(ErrorAt::Partition, Action::Isolate { node }),
            5 => Cmd::Client(Target::Leader, put, ReadMode::Linearizable),
            6 => Cmd::Client(
                Target::Member(node),
                ClientOp::Get {
                    key: "/registry/pods/default/p1".into(),
                },
                MODES[d.below(3) as usize],
            ),
            7 => Cmd::Watch(Target::Member(node), "/registry/".into(), true),
            8 => Cmd::Traffic(["0", "20", "50", "200"][d.below(4) as usize].into()),
            9 => Cmd::PauseOn(moment, d.chance(70)),
            10 => Cmd::Step,
            11 => Cmd::Act(
                ErrorAt::Inspector,
                Action::Cut {
                    from: node,
                    to: some_member(s, d),
                    both: d.chance(50),
                },
            ),
            12 => Cmd::Act(ErrorAt::Settings, Action::SetPreVote { on: d.chance(50) }),
            _ => Cmd::Act(ErrorAt::Inspector, Action::TransferLeader { to: node }),
        }
    }

    #[test]
    fn random_runs_in_random_frames_replay_to_the_same_trace() {
        // Commands where a frame ended, and mid-millisecond ones (after a
        // pause or a step): both kinds of place must have been tried.
        let (mut settled, mut exact) = (0, 0);
        for seed in 1..=16u64 {
            let mut d = Dice(seed.wrapping_mul(0x9e37_79b9_7f4a_7c15));
            let settings = PageSettings {
                seed,
                members: 3 + d.below(3),
                loss_pct: [0.0, 0.0, 5.0][d.below(3) as usize],
                ..PageSettings::default()
            };
            let mut s = Sim::new(settings).unwrap();
            if d.chance(50) {
                run(&mut s, Cmd::PauseOn(PauseOn::LeaderChange, true));
                run(&mut s, Cmd::PauseOn(PauseOn::Commit, true));
            }
            for i in 0..25 {
                // Now and then a command right after the last one, a step
                // or a pause: often between two events of one millisecond.
                if d.chance(70) {
                    pass_time(&mut s, &mut d);
                } else if d.chance(50) {
                    run(&mut s, Cmd::Step);
                }
                let cmd = some_command(&s, &mut d);
                run(&mut s, cmd);
                if i % 8 == 7 {
                    let again = reopen(&s);
                    assert_same(&s, &again, &format!("seed {seed}, command {i}"));
                }
            }
            pass_time(&mut s, &mut d);
            let again = reopen(&s);
            assert_same(&s, &again, &format!("seed {seed}, at the end"));
            for (p, _) in &s.run_log().entries {
                *(if p.settled { &mut settled } else { &mut exact }) += 1;
            }
            // The replayed run goes on exactly as the first one.
            s.advance(777);
            let mut again = again;
            again.advance(777);
            assert_eq!(
                s.cluster().trace().hash(),
                again.cluster().trace().hash(),
                "seed {seed}, after"
            );
        }
        assert!(
            settled > 100 && exact > 20,
            "{settled} settled, {exact} exact"
        );
    }

    #[test]
    fn a_lesson_with_next_back_solve_and_pauses_replays_to_the_same_trace() {
        for (seed, id) in (1..=12).zip(
            ["elections", "quorum", "split-brain", "two-leaders"]
                .iter()
                .cycle(),
        ) {
            let mut d = Dice(seed * 7919);
            let mut s = Sim::new(PageSettings::default()).unwrap();
            s.advance(300);
            run(&mut s, Cmd::Lesson(LessonCmd::Open(id.to_string())));
            if d.chance(50) {
                run(&mut s, Cmd::PauseOn(PauseOn::Commit, true));
            }
            for i in 0..40 {
                let state = s.frame().lesson.clone().map(|l| l.state);
                match state {
                    Some(LessonState::StepDone) if d.chance(80) => {
                        run(&mut s, Cmd::Lesson(LessonCmd::Next))
                    }
                    Some(LessonState::Task) if d.chance(60) => {
                        run(&mut s, Cmd::Lesson(LessonCmd::Solve))
                    }
                    _ if d.chance(8) => run(&mut s, Cmd::Lesson(LessonCmd::Back)),
                    _ if d.chance(8) => {
                        let cmd = some_command(&s, &mut d);
                        run(&mut s, cmd)
                    }
                    _ => pass_time(&mut s, &mut d),
                }
                if i % 10 == 9 {
                    let again = reopen(&s);
                    assert_same(&s, &again, &format!("{id} seed {seed}, move {i}"));
                }
            }
            if d.chance(30) {
                run(&mut s, Cmd::Lesson(LessonCmd::Leave));
                pass_time(&mut s, &mut d);
            }
            let again = reopen(&s);
            assert_same(&s, &again, &format!("{id} seed {seed}, at the end"));
        }
    }

    #[test]
    fn a_new_cluster_starts_a_new_run() {
        let mut s = Sim::new(PageSettings::default()).unwrap();
        s.advance(2_000);
        run(
            &mut s,
            Cmd::Act(ErrorAt::Inspector, Action::Crash { node: 1 }),
        );
        run(&mut s, Cmd::Traffic("20".into()));
        run(&mut s, Cmd::PauseOn(PauseOn::LeaderChange, true));
        assert_eq!(s.run_log().entries.len(), 3);
        let settings = PageSettings {
            seed: 9,
            members: 3,
            ..PageSettings::default()
        };
        run(&mut s, Cmd::NewCluster(settings.clone()));
        let log = s.run_log();
        assert!(log.entries.is_empty());
        // What the new run starts with is kept from before.
        assert_eq!(log.start.settings, settings);
        assert_eq!(log.start.traffic, 20);
        assert_eq!(log.start.pause_on, vec![PauseOn::LeaderChange]);
        s.advance(3_000);
        let query = s.share_query();
        assert!(query.contains("seed=9&members=3"), "{query}");
        assert!(
            query.contains("traffic=20&pause-on=leader-change"),
            "{query}"
        );
        let again = reopen(&s);
        assert_same(&s, &again, "new cluster");
    }

    #[test]
    fn the_kept_run_follows_each_command_and_the_running_clock() {
        use std::cell::RefCell;
        use std::rc::Rc;
        let kept = Rc::new(RefCell::new(Vec::<String>::new()));
        let mut s = Sim::new(PageSettings::default()).unwrap();
        let into = kept.clone();
        s.set_keeper(Some(Box::new(move |q: &str| {
            into.borrow_mut().push(q.to_string())
        })));
        s.advance(2_000);
        assert!(kept.borrow().is_empty());
        run(
            &mut s,
            Cmd::Act(ErrorAt::Inspector, Action::Crash { node: 2 }),
        );
        assert_eq!(kept.borrow().len(), 1);
        assert_eq!(kept.borrow()[0], s.share_query());
        // Every few seconds of wall time while it runs.
        s.set_speed(1.0);
        s.set_playing(true);
        for _ in 0..100 {
            s.advance_wall(50.0);
        }
        assert_eq!(kept.borrow().len(), 2);
        let last = kept.borrow().last().unwrap().clone();
        let (again, notice) = open(&Opening::from_query(&Query::parse(&last)));
        assert_eq!(notice, None);
        assert!(again.place().at_ms > 2_000);
        assert_eq!(again.run_log().entries.len(), 1);
        // Paused: nothing to keep.
        s.set_playing(false);
        for _ in 0..100 {
            s.advance_wall(50.0);
        }
        assert_eq!(kept.borrow().len(), 2);
        // A new cluster replaces the kept run with its own.
        let settings = PageSettings {
            seed: 77,
            ..PageSettings::default()
        };
        run(&mut s, Cmd::NewCluster(settings));
        let last = kept.borrow().last().unwrap().clone();
        assert!(
            last.contains("seed=77") && last.ends_with("run=1_0"),
            "{last}"
        );
    }

    #[test]
    fn a_shared_run_is_short() {
        // 20 actions of the usual kinds over a minute, with traffic.
        let mut s = Sim::new(PageSettings::default()).unwrap();
        let mut d = Dice(42);
        let cmds = |s: &Sim, d: &mut Dice| {
            let node = some_member(s, d);
            match d.below(5) {
                0 => Cmd::Act(ErrorAt::Inspector, Action::Crash { node }),
                1 => Cmd::Act(ErrorAt::Inspector, Action::Restart { node }),
                2 => Cmd::Preset(Preset::LeaderAlone),
                3 => Cmd::Act(ErrorAt::Partition, Action::HealAll),
                _ => Cmd::Client(
                    Target::Member(node),
                    ClientOp::Put {
                        key: "/registry/pods/default/web".into(),
                        value: format!("v{}", d.below(10)),
                    },
                    ReadMode::Linearizable,
                ),
            }
        };
        run(&mut s, Cmd::Traffic("20".into()));
        for _ in 0..19 {
            s.advance(1_000 + d.below(4_000));
            let cmd = cmds(&s, &mut d);
            run(&mut s, cmd);
        }
        s.advance(2_000);
        let query = s.share_query();
        let run = query.split("run=").nth(1).unwrap();
        // The figure in the README's "Sharing a run".
        println!(
            "20 actions: run= is {} characters, the query {}",
            run.len(),
            query.len()
        );
        assert!(run.len() < 450, "{} characters: {run}", run.len());
        assert!(query.len() < 650, "{query}");
        assert_same(&s, &reopen(&s), "short");
    }

    #[test]
    fn the_link_goes_to_the_full_playground() {
        let q = "?seed=1&run=1_0.0";
        let page = "https://x.org/raft/index.html";
        assert_eq!(share_url(page, "", q), format!("{page}{q}"));
        assert_eq!(
            share_url("https://x.org/raft/", "", q),
            "https://x.org/raft/?seed=1&run=1_0.0"
        );
        // An embed names the folder of the full playground.
        assert_eq!(
            share_url("https://docs.org/a.html", "https://x.org/raft/", q),
            "https://x.org/raft/?seed=1&run=1_0.0"
        );
        assert_eq!(
            share_url("", "https://x.org/raft", q),
            "https://x.org/raft/?seed=1&run=1_0.0"
        );
        assert_eq!(
            share_url("", "https://x.org/raft/embed.html?seed=2#a", q),
            "https://x.org/raft/embed.html?seed=1&run=1_0.0"
        );
    }

    #[test]
    fn only_a_query_that_says_what_to_run_keeps_the_saved_run_away() {
        for q in ["", "?", "?lang=zh", "?speed=2&paused=on", "?view=full"] {
            assert!(!says_what_to_run(q), "{q}");
        }
        for q in [
            "?seed=3",
            "?lang=zh&members=3",
            "?lesson=quorum",
            "?run=1_0.0",
            "?pre%2Dvote=off",
            "?prevote=off",
        ] {
            assert!(says_what_to_run(q), "{q}");
        }
    }

    #[test]
    fn every_action_reads_back_as_written() {
        let net = NetConfig {
            latency_ms: 40,
            jitter_ms: 7,
            loss: 0.1,
            duplicate: 1.0 / 3.0,
        };
        let text = "a.b_c~d/é 1";
        let actions = vec![
            Action::Crash { node: 1 },
            Action::Restart { node: 36 },
            Action::WipeAndRejoin { node: 2 },
            Action::Isolate { node: 3 },
            Action::Partition {
                groups: vec![vec![1, 2], vec![], vec![3, 40, 5]],
            },
            Action::PartitionOneway {
                from: vec![1],
                to: vec![2, 3],
            },
            Action::Cut {
                from: 1,
                to: 2,
                both: true,
            },
            Action::Repair {
                from: 2,
                to: 1,
                both: false,
            },
            Action::HealAll,
            Action::Hold { msg: 123_456 },
            Action::Release { msg: 7 },
            Action::Drop { msg: 0 },
            Action::HoldLink { from: 1, to: 2 },
            Action::ReleaseLink { from: 2, to: 1 },
            Action::SetNetwork { net },
            Action::SetPreVote { on: false },
            Action::SetCheckQuorum { on: true },
            Action::Client {
                client: 1,
                node: 2,
                op: ClientOp::Put {
                    key: text.into(),
                    value: String::new(),
                },
                mode: ReadMode::Linearizable,
            },
            Action::Client {
                client: 2,
                node: 1,
                op: ClientOp::Get { key: "/k".into() },
                mode: ReadMode::Lease,
            },
            Action::Client {
                client: 1,
                node: 1,
                op: ClientOp::Delete { key: "/k".into() },
                mode: ReadMode::Serializable,
            },
            Action::Client {
                client: 1,
                node: 1,
                op: ClientOp::Range { prefix: "".into() },
                mode: ReadMode::Serializable,
            },
            Action::Watch {
                node: 4,
                key: text.into(),
                prefix: true,
            },
            Action::CancelWatch { watch: 3 },
            Action::ChangeMembership {
                changes: vec![(MemberChange::AddLearner, 6), (MemberChange::Remove, 1)],
            },
            Action::TransferLeader { to: 2 },
            Action::Campaign { node: 3 },
            Action::Compact { node: 4 },
        ];
        let mut entries: Vec<(Landing, Logged)> = actions
            .into_iter()
            .map(Logged::Act)
            .collect::<Vec<_>>()
            .into_iter()
            .chain([
                Logged::Step,
                Logged::PauseOn(vec![PauseOn::TwoLeaders, PauseOn::Commit]),
                Logged::PauseOn(vec![]),
                Logged::Traffic(200),
                Logged::Next,
                Logged::Back,
                Logged::Solve,
                Logged::Leave,
            ])
            .enumerate()
            .map(|(i, w)| {
                let i = i as u64;
                // Places that go back too (a lesson's Back).
                let at = Place {
                    events: 1000 + i * 37 % 11 * 100,
                    at_ms: 5000 + i * 13 % 7 * 1000,
                    traffic: i / 3,
                    settled: i.is_multiple_of(2),
                };
                (at.landing(), w)
            })
            .collect();
        entries.push((Landing::Settled(0), Logged::Step));
        let end = Landing::Exact(Place {
            events: 99_999,
            at_ms: 1,
            traffic: 5,
            settled: false,
        });
        let text = encode_run(&entries, end);
        let back = decode_run(&text).unwrap();
        assert_eq!(back.entries, entries, "{text}");
        assert_eq!(back.end, end);
        // Through a URL too: escaped, then parsed as the page does.
        let q = Query::parse(&format!("?run={}&seed=3", percent_encode(&text)));
        assert_eq!(q.extras.run.as_deref(), Some(text.as_str()));
        // An empty run is a version and a place.
        assert_eq!(encode_run(&[], Landing::Settled(0)), "1_0");
    }

    /// How fast a link opens: `cargo test --release -p raft-playground
    /// replay_speed -- --ignored --nocapture` (the README's figure).
    #[test]
    #[ignore]
    fn replay_speed() {
        let mut s = Sim::new(PageSettings::default()).unwrap();
        run(&mut s, Cmd::Traffic("20".into()));
        for i in 0..20 {
            s.advance(30_000);
            let node = 1 + i % 5;
            run(&mut s, Cmd::Act(ErrorAt::Inspector, Action::Crash { node }));
            s.advance(3_000);
            run(
                &mut s,
                Cmd::Act(ErrorAt::Inspector, Action::Restart { node }),
            );
        }
        let query = s.share_query();
        let began = std::time::Instant::now();
        let again = reopen(&s);
        let took = began.elapsed();
        assert_same(&s, &again, "speed");
        let events = s.place().events;
        println!(
            "replayed {events} events ({} virtual s) in {} ms: {:.2} µs an event; link {} characters",
            s.place().at_ms / 1000,
            took.as_millis(),
            took.as_secs_f64() * 1e6 / events as f64,
            query.len()
        );
    }

    fn notice_of(query: &str) -> (Sim, String) {
        let q = Query::parse(query);
        let (sim, notice) = open(&Opening::from_query(&q));
        let said = notice.map(|k| k.text(Lang::En)).unwrap_or_default();
        (sim, said)
    }

    #[test]
    fn a_bad_run_spoils_only_itself() {
        let mut s = Sim::new(PageSettings {
            members: 3,
            seed: 4,
            ..PageSettings::default()
        })
        .unwrap();
        s.advance(1_000);
        run(
            &mut s,
            Cmd::Act(ErrorAt::Inspector, Action::Crash { node: 2 }),
        );
        s.advance(1_000);
        let good = s.share_query();
        let value = good.split("run=").nth(1).unwrap().to_string();
        let fresh = Sim::new(PageSettings {
            members: 3,
            seed: 4,
            ..PageSettings::default()
        })
        .unwrap();
        let cases = [
            // (run value, words the notice must have)
            ("", "version"),
            ("x_1.2", "version"),
            (
                "2_0.0",
                "newer playground (run format 2; this page reads up to 1)",
            ),
            ("99999999999999999999999_0.0", "version"),
            ("1_a.b.C", "action 1 cannot be read"),
            ("1_a.ZZ.1_0", "action 1 cannot be read"),
            ("1_a.C.1.2_0", "action 1 cannot be read"),
            ("1_a.C.1_0_x", "action 2 cannot be read"),
            ("1_a.PUT.1.1.0.5~ab_0", "action 1 cannot be read"),
            ("1_a.P.zzzzzz.1_0", "action 1 cannot be read"),
            ("1_0.5.-1", "action 1 cannot be read"),
            ("1_-5.C.1_0", "action 1 cannot be read"),
            // Events and time that do not go together.
            ("1_zzz.5.0", "did not reach action 1"),
            ("1_a.C.1_-1", "did not reach action 2"),
            ("1_0.zzzzzzz.0", "longer than"),
        ];
        let cut = &value[..value.len() - 3];
        let truncated = [(cut, "")];
        for (run, words) in cases.iter().chain(&truncated) {
            let query = good.replace(&value, run);
            let (sim, said) = notice_of(&query);
            assert!(said.contains("URL setting run="), "{run}: {said}");
            assert!(said.contains(words), "{run}: {said}");
            // The settings still apply: the page starts afresh on them.
            assert_eq!(sim.frame().settings.members, 3, "{run}");
            assert_eq!(sim.frame().settings.seed, 4, "{run}");
            assert_eq!(
                sim.cluster().trace().hash(),
                fresh.cluster().trace().hash(),
                "{run}"
            );
            assert!(sim.run_log().entries.is_empty());
        }
        // The notice is said in Chinese too.
        let q = Query::parse(&good.replace(&value, "7_0.0"));
        let (_, notice) = open(&Opening::from_query(&q));
        assert!(notice.unwrap().text(Lang::Zh).contains("更新版本"));
    }
}
