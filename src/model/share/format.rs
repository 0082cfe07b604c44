//! The `run=` value (format version 1, see the module above): the
//! commands at their places, written compactly and read back.

use raft_sim::{Action, ClientOp, MemberChange, NetConfig, NodeId, PauseOn, ReadMode};

use super::{Landing, Logged, Place, RUN_VERSION};
use crate::i18n::Key;

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

pub(super) const MODES: [ReadMode; 3] = [
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
                // etcd's richer requests (the console's): their JSON, which
                // carries every option and grows with them.
                _ => "OPJ",
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
                op => w.text(&serde_json::to_string(op).unwrap_or_default()),
            }
        }
        Action::Watch {
            node,
            key,
            prefix,
            start_revision,
        } => {
            // A watch from a past revision adds the revision under its own
            // code, so that links made before it existed read the same.
            w.code(if *start_revision == 0 { "WA" } else { "WR" });
            w.num(*node as i64);
            w.flag(*prefix);
            w.text(key);
            if *start_revision != 0 {
                w.num(*start_revision as i64);
            }
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
            "PUT" | "GET" | "DEL" | "RNG" | "OPJ" => {
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
                    "OPJ" => serde_json::from_str(&r.text()?).ok()?,
                    _ => ClientOp::Range { prefix: r.text()? },
                };
                Action::Client {
                    client,
                    node,
                    op,
                    mode,
                }
            }
            "WA" | "WR" => {
                let node = node(r)?;
                let prefix = r.flag()?;
                let key = r.text()?;
                let start_revision = if code == "WR" { r.unsigned()? } else { 0 };
                Action::Watch {
                    node,
                    key,
                    prefix,
                    start_revision,
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
