//! Scenario scripts: one small text format for tests, the CLI and the
//! page's guided lessons.
//!
//! A script reads like a story, one command per line, `#` starting a
//! comment. It opens with `cluster`, then drives time, faults, clients and
//! membership, waits for conditions and asserts them. `say en: …` and
//! `say zh: …` lines narrate the step that follows them.
//!
//! ```text
//! # A leader cut off with a minority cannot commit; the majority moves on.
//! cluster voters=5 seed=7
//! wait leader within=5s
//! remember leader as old
//! say en: Cut the leader off together with one follower.
//! say zh: 把领导者和一个跟随者一起隔离出去。
//! partition $old n1 | rest
//! put $old /registry/pods/a v1 as stuck
//! wait leader-not $old within=5s
//! assert failed stuck
//! ```
//!
//! Node references: `n3`, `leader` (the current leader; an error if there
//! is none), `$name` (bound by `remember`). In a partition, `rest` stands
//! for every member not named in another group. Durations: `250ms`, `2s`.
//! Every error names its line and column; no input makes the parser panic.

use std::collections::BTreeMap;
use std::fmt;

use serde::{Deserialize, Serialize};

use crate::client::{ClientOp, OpResult, ReadMode, Reply};
use crate::cluster::{Action, Cluster, ClusterConfig, MemberChange};
use crate::member::conf_members;
use crate::network::MsgKind;
use crate::role::Role;
use crate::NodeId;

/// A script error, at a line and column (both from 1).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ScriptError {
    /// Line, from 1.
    pub line: usize,
    /// Column, from 1.
    pub column: usize,
    /// What is wrong.
    pub message: String,
}

impl fmt::Display for ScriptError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "line {}, column {}: {}",
            self.line, self.column, self.message
        )
    }
}

impl std::error::Error for ScriptError {}

/// A reference to a member.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum NodeRef {
    /// A fixed id.
    Id(NodeId),
    /// The current leader.
    Leader,
    /// A name bound by `remember`.
    Var(String),
}

/// A condition for `wait` and `assert`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum Cond {
    /// Some member leads.
    Leader,
    /// No member leads.
    NoLeader,
    /// A leader exists and it is not this member.
    LeaderNot(NodeRef),
    /// This member leads.
    LeaderIs(NodeRef),
    /// A member has a role.
    Role(NodeRef, Role),
    /// No quorum of voters can talk to each other.
    QuorumLost,
    /// Some voter reaches a quorum.
    QuorumOk,
    /// A member's commit index is at least this.
    CommitAtLeast(NodeRef, u64),
    /// A member's term is at least this.
    TermAtLeast(NodeRef, u64),
    /// Every running member of the cluster has applied the same store.
    Converged,
    /// A labelled request finished successfully.
    Ok(String),
    /// A labelled request failed.
    Failed(String),
    /// A labelled request finished either way.
    Done(String),
    /// A labelled read returned this value (`None`: key absent).
    Result(String, Option<String>),
    /// A member's applied store holds this value (`None`: absent).
    Value(NodeRef, String, Option<String>),
    /// A member is in the committed membership as voter.
    Voter(NodeRef),
    /// A member is not in the committed membership.
    NotMember(NodeRef),
    /// The client history is linearizable.
    Linearizable,
    /// No safety property was violated.
    Safe,
}

/// What one line does.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub enum Command {
    /// Advance virtual time.
    Run(u64),
    /// Run until the condition holds, failing after `within` ms.
    Wait(Cond, u64),
    /// Fail unless the condition holds now.
    Assert(Cond),
    /// Bind a name to a member (resolved now).
    Remember(NodeRef, String),
    /// A fault or other action on members and network.
    Do(ActionTemplate),
    /// A client request, optionally labelled.
    Request {
        /// Member to send it to.
        node: NodeRef,
        /// The request.
        op: ClientOp,
        /// Read mode.
        mode: ReadMode,
        /// Label for later conditions.
        label: Option<String>,
    },
    /// Drop every message in flight that matches.
    DropMessages {
        /// Only this kind.
        kind: Option<MsgKind>,
        /// Only from this member.
        from: Option<NodeRef>,
        /// Only to this member.
        to: Option<NodeRef>,
    },
}

/// An [`Action`] whose members are still references.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub enum ActionTemplate {
    /// A member action.
    Node(NodeAction, NodeRef),
    /// A partition into groups (`rest` is `None` in a group list).
    Partition(Vec<Vec<Option<NodeRef>>>),
    /// A one-way cut between sets.
    Oneway(Vec<NodeRef>, Vec<NodeRef>),
    /// Cut or repair a link.
    Link {
        /// Cut (true) or repair.
        cut: bool,
        /// Sender.
        from: NodeRef,
        /// Receiver.
        to: NodeRef,
        /// Both directions.
        both: bool,
    },
    /// Hold or release a link.
    HoldLink {
        /// Hold (true) or release.
        hold: bool,
        /// Sender.
        from: NodeRef,
        /// Receiver.
        to: NodeRef,
    },
    /// Membership changes proposed together.
    Membership(Vec<(MemberChange, NodeRef)>),
    /// Change one network setting, keeping the others as they are then.
    Network(NetSetting, f64),
    /// A plain action with no member references.
    Plain(Action),
}

/// One network setting a script can change.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum NetSetting {
    /// Base latency, ms.
    Latency,
    /// Jitter, ms.
    Jitter,
    /// Loss probability.
    Loss,
    /// Duplication probability.
    Duplicate,
}

/// Actions on one member.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum NodeAction {
    /// Crash.
    Crash,
    /// Restart.
    Restart,
    /// Wipe and replace.
    Wipe,
    /// Isolate.
    Isolate,
    /// Transfer leadership to it.
    TransferTo,
    /// Start an election on it.
    Campaign,
    /// Compact its log.
    Compact,
}

/// One parsed line with its narration.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Step {
    /// Source line, from 1.
    pub line: usize,
    /// The source text of the command.
    pub text: String,
    /// The command.
    pub command: Command,
    /// English narration (from preceding `say en:` lines).
    pub say_en: Option<String>,
    /// Chinese narration (from preceding `say zh:` lines).
    pub say_zh: Option<String>,
}

/// A parsed script.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Scenario {
    /// The first comment lines: what the script is about.
    pub title: String,
    /// The cluster to build.
    pub config: ClusterConfig,
    /// The steps, in order.
    pub steps: Vec<Step>,
}

struct Tok<'a> {
    text: &'a str,
    col: usize,
}

struct Line<'a> {
    no: usize,
    toks: Vec<Tok<'a>>,
    end_col: usize,
}

impl<'a> Line<'a> {
    fn err(&self, col: usize, msg: impl Into<String>) -> ScriptError {
        ScriptError {
            line: self.no,
            column: col,
            message: msg.into(),
        }
    }

    fn tok(&self, i: usize, what: &str) -> Result<&Tok<'a>, ScriptError> {
        self.toks
            .get(i)
            .ok_or_else(|| self.err(self.end_col, format!("expected {what}")))
    }
}

fn tokenize(no: usize, line: &str) -> Result<Line<'_>, ScriptError> {
    let mut toks = Vec::new();
    let mut chars = line.char_indices().peekable();
    while let Some(&(i, c)) = chars.peek() {
        if c == '#' {
            break;
        }
        if c.is_whitespace() {
            chars.next();
            continue;
        }
        let col = line[..i].chars().count() + 1;
        if c == '"' {
            chars.next();
            let start = i + 1;
            let mut end = None;
            for (j, d) in chars.by_ref() {
                if d == '"' {
                    end = Some(j);
                    break;
                }
            }
            let end = end.ok_or(ScriptError {
                line: no,
                column: col,
                message: "unterminated quote".into(),
            })?;
            toks.push(Tok {
                text: &line[start..end],
                col,
            });
            continue;
        }
        let start = i;
        let mut end = line.len();
        while let Some(&(j, d)) = chars.peek() {
            if d.is_whitespace() {
                end = j;
                break;
            }
            chars.next();
        }
        toks.push(Tok {
            text: &line[start..end],
            col,
        });
    }
    Ok(Line {
        no,
        toks,
        end_col: line.chars().count() + 1,
    })
}

fn parse_duration(t: &Tok) -> Option<u64> {
    let s = t.text;
    if let Some(n) = s.strip_suffix("ms") {
        return n.parse().ok();
    }
    if let Some(n) = s.strip_suffix('s') {
        return n.parse::<u64>().ok().and_then(|v| v.checked_mul(1000));
    }
    None
}

fn node_ref(l: &Line, t: &Tok) -> Result<NodeRef, ScriptError> {
    let s = t.text;
    if s == "leader" {
        return Ok(NodeRef::Leader);
    }
    if let Some(v) = s.strip_prefix('$') {
        if !v.is_empty() {
            return Ok(NodeRef::Var(v.to_string()));
        }
    }
    if let Some(n) = s.strip_prefix('n') {
        if let Ok(id) = n.parse::<NodeId>() {
            if id >= 1 {
                return Ok(NodeRef::Id(id));
            }
        }
    }
    Err(l.err(
        t.col,
        format!("expected a member (n1, leader or $name), found '{s}'"),
    ))
}

fn on_off(l: &Line, t: &Tok) -> Result<bool, ScriptError> {
    match t.text {
        "on" => Ok(true),
        "off" => Ok(false),
        other => Err(l.err(t.col, format!("expected on or off, found '{other}'"))),
    }
}

fn number<T: std::str::FromStr>(
    l: &Line,
    t: &Tok,
    text: &str,
    what: &str,
) -> Result<T, ScriptError> {
    text.parse()
        .map_err(|_| l.err(t.col, format!("{what} must be a number, found '{text}'")))
}

/// `key=value` options after position `from`.
fn options<'a>(
    l: &'a Line,
    from: usize,
) -> Result<Vec<(&'a str, &'a str, &'a Tok<'a>)>, ScriptError> {
    l.toks
        .iter()
        .skip(from)
        .map(|t| match t.text.split_once('=') {
            Some((k, v)) if !k.is_empty() => Ok((k, v, t)),
            _ => Err(l.err(t.col, format!("expected key=value, found '{}'", t.text))),
        })
        .collect()
}

fn no_more(l: &Line, n: usize) -> Result<(), ScriptError> {
    match l.toks.get(n) {
        Some(t) => Err(l.err(t.col, format!("unexpected '{}'", t.text))),
        None => Ok(()),
    }
}

/// Parses a script.
pub fn parse(src: &str) -> Result<Scenario, ScriptError> {
    let mut title = Vec::new();
    let mut in_title = true;
    let mut config: Option<ClusterConfig> = None;
    let mut steps = Vec::new();
    let mut say_en: Option<String> = None;
    let mut say_zh: Option<String> = None;
    for (i, raw) in src.lines().enumerate() {
        let no = i + 1;
        let trimmed = raw.trim();
        if let Some(c) = trimmed.strip_prefix('#') {
            if in_title {
                title.push(c.trim().to_string());
            }
            continue;
        }
        if trimmed.is_empty() {
            continue;
        }
        in_title = false;
        if let Some(rest) = trimmed.strip_prefix("say ") {
            let rest = rest.trim_start();
            let (slot, text) = if let Some(t) = rest.strip_prefix("en:") {
                (&mut say_en, t)
            } else if let Some(t) = rest.strip_prefix("zh:") {
                (&mut say_zh, t)
            } else {
                let col = raw.find("say").unwrap_or(0) + 5;
                return Err(ScriptError {
                    line: no,
                    column: col,
                    message: "expected 'say en: text' or 'say zh: text'".into(),
                });
            };
            let text = text.trim();
            match slot {
                Some(s) => {
                    s.push(' ');
                    s.push_str(text);
                }
                None => *slot = Some(text.to_string()),
            }
            continue;
        }
        let line = tokenize(no, raw)?;
        let Some(first) = line.toks.first() else {
            continue;
        };
        if first.text == "cluster" {
            if config.is_some() {
                return Err(line.err(first.col, "'cluster' may appear only once"));
            }
            if !steps.is_empty() {
                return Err(line.err(first.col, "'cluster' must come before any other command"));
            }
            config = Some(parse_cluster(&line)?);
            continue;
        }
        if config.is_none() {
            return Err(line.err(first.col, "a script starts with 'cluster'"));
        }
        let command = parse_command(&line)?;
        steps.push(Step {
            line: no,
            text: trimmed.to_string(),
            command,
            say_en: say_en.take(),
            say_zh: say_zh.take(),
        });
    }
    let config = config.ok_or(ScriptError {
        line: 1,
        column: 1,
        message: "a script starts with 'cluster'".into(),
    })?;
    Ok(Scenario {
        title: title.join(" ").trim().to_string(),
        config,
        steps,
    })
}

fn parse_cluster(l: &Line) -> Result<ClusterConfig, ScriptError> {
    let mut c = ClusterConfig {
        trace_capacity: 5_000,
        ..Default::default()
    };
    for (k, v, t) in options(l, 1)? {
        match k {
            "voters" => c.voters = number(l, t, v, k)?,
            "learners" => c.learners = number(l, t, v, k)?,
            "seed" => c.seed = number(l, t, v, k)?,
            "pre-vote" => {
                c.raft.pre_vote = on_off(
                    l,
                    &Tok {
                        text: v,
                        col: t.col,
                    },
                )?
            }
            "check-quorum" => {
                c.raft.check_quorum = on_off(
                    l,
                    &Tok {
                        text: v,
                        col: t.col,
                    },
                )?
            }
            "tick-ms" => c.raft.tick_ms = number(l, t, v, k)?,
            "election-tick" => c.raft.election_tick = number(l, t, v, k)?,
            "heartbeat-tick" => c.raft.heartbeat_tick = number(l, t, v, k)?,
            "snapshot-threshold" => c.raft.snapshot_threshold = number(l, t, v, k)?,
            "timeout" => {
                c.raft.request_timeout_ms = parse_duration(&Tok {
                    text: v,
                    col: t.col,
                })
                .ok_or_else(|| {
                    l.err(
                        t.col,
                        format!("timeout takes a duration like 2s, not '{v}'"),
                    )
                })?
            }
            "latency" => c.net.latency_ms = number(l, t, v, k)?,
            "jitter" => c.net.jitter_ms = number(l, t, v, k)?,
            "loss" => c.net.loss = number(l, t, v, k)?,
            "duplicate" => c.net.duplicate = number(l, t, v, k)?,
            _ => return Err(l.err(t.col, format!("unknown cluster setting '{k}'"))),
        }
    }
    c.validate().map_err(|e| l.err(l.toks[0].col, e))?;
    Ok(c)
}

fn parse_within(l: &Line, from: usize) -> Result<u64, ScriptError> {
    let mut within = 10_000;
    for (k, v, t) in options(l, from)? {
        match k {
            "within" => {
                within = parse_duration(&Tok {
                    text: v,
                    col: t.col,
                })
                .ok_or_else(|| {
                    l.err(t.col, format!("within takes a duration like 5s, not '{v}'"))
                })?
            }
            _ => return Err(l.err(t.col, format!("unknown option '{k}'"))),
        }
    }
    Ok(within)
}

/// Parses a condition starting at token `i`; returns it and the next index.
fn parse_cond(l: &Line, i: usize) -> Result<(Cond, usize), ScriptError> {
    let t = l.tok(i, "a condition")?;
    let need_num = |j: usize, what: &str| -> Result<u64, ScriptError> {
        let t = l.tok(j, what)?;
        number(l, t, t.text, what)
    };
    Ok(match t.text {
        "leader" => (Cond::Leader, i + 1),
        "no-leader" => (Cond::NoLeader, i + 1),
        "leader-not" => (
            Cond::LeaderNot(node_ref(l, l.tok(i + 1, "a member")?)?),
            i + 2,
        ),
        "leader-is" => (
            Cond::LeaderIs(node_ref(l, l.tok(i + 1, "a member")?)?),
            i + 2,
        ),
        "role" => {
            let n = node_ref(l, l.tok(i + 1, "a member")?)?;
            let rt = l.tok(i + 2, "a role")?;
            let role = Role::parse(rt.text).ok_or_else(|| {
                l.err(
                    rt.col,
                    format!(
                        "unknown role '{}' (follower, pre-candidate, candidate, leader, learner, down, removed)",
                        rt.text
                    ),
                )
            })?;
            (Cond::Role(n, role), i + 3)
        }
        "quorum-lost" => (Cond::QuorumLost, i + 1),
        "quorum-ok" => (Cond::QuorumOk, i + 1),
        "commit" | "term" => {
            let n = node_ref(l, l.tok(i + 1, "a member")?)?;
            let op = l.tok(i + 2, "'>='")?;
            if op.text != ">=" {
                return Err(l.err(op.col, format!("expected '>=', found '{}'", op.text)));
            }
            let v = need_num(i + 3, "a number")?;
            let c = if t.text == "commit" {
                Cond::CommitAtLeast(n, v)
            } else {
                Cond::TermAtLeast(n, v)
            };
            (c, i + 4)
        }
        "converged" => (Cond::Converged, i + 1),
        "ok" | "failed" | "done" => {
            let label = l.tok(i + 1, "a request label")?.text.to_string();
            let c = match t.text {
                "ok" => Cond::Ok(label),
                "failed" => Cond::Failed(label),
                _ => Cond::Done(label),
            };
            (c, i + 2)
        }
        "result" => {
            let label = l.tok(i + 1, "a request label")?.text.to_string();
            let (v, next) = parse_expected_value(l, i + 2)?;
            (Cond::Result(label, v), next)
        }
        "value" => {
            let n = node_ref(l, l.tok(i + 1, "a member")?)?;
            let key = l.tok(i + 2, "a key")?.text.to_string();
            let (v, next) = parse_expected_value(l, i + 3)?;
            (Cond::Value(n, key, v), next)
        }
        "voter" => (Cond::Voter(node_ref(l, l.tok(i + 1, "a member")?)?), i + 2),
        "not-member" => (
            Cond::NotMember(node_ref(l, l.tok(i + 1, "a member")?)?),
            i + 2,
        ),
        "linearizable" => (Cond::Linearizable, i + 1),
        "safe" => (Cond::Safe, i + 1),
        other => return Err(l.err(t.col, format!("unknown condition '{other}'"))),
    })
}

fn parse_expected_value(l: &Line, i: usize) -> Result<(Option<String>, usize), ScriptError> {
    let t = l.tok(i, "'= value' or 'absent'")?;
    match t.text {
        "absent" => Ok((None, i + 1)),
        "=" => Ok((Some(l.tok(i + 1, "a value")?.text.to_string()), i + 2)),
        other => Err(l.err(
            t.col,
            format!("expected '= value' or 'absent', found '{other}'"),
        )),
    }
}

fn parse_link(l: &Line, i: usize) -> Result<(NodeRef, NodeRef, bool, usize), ScriptError> {
    let a = node_ref(l, l.tok(i, "a member")?)?;
    let t = l.tok(i + 1, "'->', '<->' or a member")?;
    match t.text {
        "->" => Ok((a, node_ref(l, l.tok(i + 2, "a member")?)?, false, i + 3)),
        "<->" => Ok((a, node_ref(l, l.tok(i + 2, "a member")?)?, true, i + 3)),
        _ => Ok((a, node_ref(l, t)?, true, i + 2)),
    }
}

fn parse_command(l: &Line) -> Result<Command, ScriptError> {
    let t = &l.toks[0];
    let node_at = |i: usize| -> Result<NodeRef, ScriptError> { node_ref(l, l.tok(i, "a member")?) };
    let node_cmd = |a: NodeAction| -> Result<Command, ScriptError> {
        let n = node_at(1)?;
        no_more(l, 2)?;
        Ok(Command::Do(ActionTemplate::Node(a, n)))
    };
    let cmd = match t.text {
        "run" => {
            let d = l.tok(1, "a duration like 2s")?;
            let ms = parse_duration(d).ok_or_else(|| {
                l.err(
                    d.col,
                    format!("expected a duration like 500ms or 2s, found '{}'", d.text),
                )
            })?;
            no_more(l, 2)?;
            Command::Run(ms)
        }
        "wait" => {
            let (c, next) = parse_cond(l, 1)?;
            Command::Wait(c, parse_within(l, next)?)
        }
        "assert" => {
            let (c, next) = parse_cond(l, 1)?;
            no_more(l, next)?;
            Command::Assert(c)
        }
        "remember" => {
            let n = node_at(1)?;
            let as_tok = l.tok(2, "'as'")?;
            if as_tok.text != "as" {
                return Err(l.err(
                    as_tok.col,
                    format!("expected 'as', found '{}'", as_tok.text),
                ));
            }
            let name = l.tok(3, "a name")?;
            no_more(l, 4)?;
            Command::Remember(n, name.text.trim_start_matches('$').to_string())
        }
        "crash" => node_cmd(NodeAction::Crash)?,
        "restart" => node_cmd(NodeAction::Restart)?,
        "wipe" => node_cmd(NodeAction::Wipe)?,
        "isolate" => node_cmd(NodeAction::Isolate)?,
        "transfer-leader" => node_cmd(NodeAction::TransferTo)?,
        "campaign" => node_cmd(NodeAction::Campaign)?,
        "compact" => node_cmd(NodeAction::Compact)?,
        "heal" => {
            no_more(l, 1)?;
            Command::Do(ActionTemplate::Plain(Action::HealAll))
        }
        "partition" => {
            let mut groups: Vec<Vec<Option<NodeRef>>> = vec![Vec::new()];
            for tok in &l.toks[1..] {
                match tok.text {
                    "|" => groups.push(Vec::new()),
                    "rest" => groups.last_mut().expect("non-empty").push(None),
                    _ => groups
                        .last_mut()
                        .expect("non-empty")
                        .push(Some(node_ref(l, tok)?)),
                }
            }
            if groups.len() < 2 || groups.iter().any(Vec::is_empty) {
                return Err(l.err(
                    t.col,
                    "expected groups like 'n1 n2 | n3 n4 n5' (or '| rest')",
                ));
            }
            Command::Do(ActionTemplate::Partition(groups))
        }
        "partition-oneway" => {
            let arrow = l
                .toks
                .iter()
                .position(|t| t.text == "->")
                .ok_or_else(|| l.err(l.end_col, "expected 'senders -> receivers'"))?;
            let from = l.toks[1..arrow]
                .iter()
                .map(|t| node_ref(l, t))
                .collect::<Result<Vec<_>, _>>()?;
            let to = l.toks[arrow + 1..]
                .iter()
                .map(|t| node_ref(l, t))
                .collect::<Result<Vec<_>, _>>()?;
            if from.is_empty() || to.is_empty() {
                return Err(l.err(t.col, "expected members on both sides of '->'"));
            }
            Command::Do(ActionTemplate::Oneway(from, to))
        }
        "cut" | "repair" => {
            let (from, to, both, next) = parse_link(l, 1)?;
            no_more(l, next)?;
            Command::Do(ActionTemplate::Link {
                cut: t.text == "cut",
                from,
                to,
                both,
            })
        }
        "hold-link" | "release-link" => {
            let (from, to, both, next) = parse_link(l, 1)?;
            if both {
                return Err(l.err(
                    l.toks[1].col,
                    "hold and release take one direction: 'n1 -> n2'",
                ));
            }
            no_more(l, next)?;
            Command::Do(ActionTemplate::HoldLink {
                hold: t.text == "hold-link",
                from,
                to,
            })
        }
        "loss" | "duplicate" | "latency" | "jitter" => {
            let v = l.tok(1, "a number")?;
            no_more(l, 2)?;
            let value: f64 = number(l, v, v.text, t.text)?;
            if value < 0.0 || !value.is_finite() {
                return Err(l.err(v.col, "must not be negative"));
            }
            let setting = match t.text {
                "loss" => NetSetting::Loss,
                "duplicate" => NetSetting::Duplicate,
                "latency" => NetSetting::Latency,
                _ => NetSetting::Jitter,
            };
            Command::Do(ActionTemplate::Network(setting, value))
        }
        "pre-vote" | "check-quorum" => {
            let on = on_off(l, l.tok(1, "on or off")?)?;
            no_more(l, 2)?;
            Command::Do(ActionTemplate::Plain(if t.text == "pre-vote" {
                Action::SetPreVote { on }
            } else {
                Action::SetCheckQuorum { on }
            }))
        }
        "add-voter" | "add-learner" | "promote" | "remove" => {
            let n = node_at(1)?;
            no_more(l, 2)?;
            let c = match t.text {
                "add-voter" | "promote" => MemberChange::AddVoter,
                "add-learner" => MemberChange::AddLearner,
                _ => MemberChange::Remove,
            };
            Command::Do(ActionTemplate::Membership(vec![(c, n)]))
        }
        "joint" => {
            // joint add-voter n4 remove n1 ...
            let mut changes = Vec::new();
            let mut i = 1;
            while i < l.toks.len() {
                let kind = &l.toks[i];
                let c = match kind.text {
                    "add-voter" | "promote" => MemberChange::AddVoter,
                    "add-learner" => MemberChange::AddLearner,
                    "remove" => MemberChange::Remove,
                    other => {
                        return Err(l.err(
                            kind.col,
                            format!(
                            "expected add-voter, add-learner, promote or remove, found '{other}'"
                        ),
                        ))
                    }
                };
                changes.push((c, node_at(i + 1)?));
                i += 2;
            }
            if changes.len() < 2 {
                return Err(l.err(t.col, "joint takes two or more changes"));
            }
            Command::Do(ActionTemplate::Membership(changes))
        }
        "put" | "get" | "delete" | "range" => parse_request(l)?,
        "drop" => {
            let mut kind = None;
            let mut from = None;
            let mut to = None;
            for (k, v, tok) in options(l, 1)? {
                let vt = Tok {
                    text: v,
                    col: tok.col,
                };
                match k {
                    "kind" => {
                        kind = Some(MsgKind::parse(v).ok_or_else(|| {
                            l.err(tok.col, format!("unknown message kind '{v}' (append, heartbeat, vote, pre-vote, ...)"))
                        })?)
                    }
                    "from" => from = Some(node_ref(l, &vt)?),
                    "to" => to = Some(node_ref(l, &vt)?),
                    _ => return Err(l.err(tok.col, format!("unknown option '{k}'"))),
                }
            }
            Command::DropMessages { kind, from, to }
        }
        other => return Err(l.err(t.col, format!("unknown command '{other}'"))),
    };
    Ok(cmd)
}

fn parse_request(l: &Line) -> Result<Command, ScriptError> {
    let verb = &l.toks[0];
    let node = node_ref(l, l.tok(1, "a member")?)?;
    let key = l.tok(2, "a key")?.text.to_string();
    let mut i = 3;
    let op = match verb.text {
        "put" => {
            let v = l.tok(3, "a value")?.text.to_string();
            i = 4;
            ClientOp::Put { key, value: v }
        }
        "get" => ClientOp::Get { key },
        "delete" => ClientOp::Delete { key },
        _ => ClientOp::Range { prefix: key },
    };
    let mut mode = ReadMode::Linearizable;
    let mut label = None;
    while i < l.toks.len() {
        let t = &l.toks[i];
        if t.text == "as" {
            label = Some(l.tok(i + 1, "a label")?.text.to_string());
            i += 2;
            continue;
        }
        match t.text.split_once('=') {
            Some(("mode", m)) if !op.is_write() => {
                mode = ReadMode::parse(m).ok_or_else(|| {
                    l.err(
                        t.col,
                        format!("unknown read mode '{m}' (linearizable, lease, serializable)"),
                    )
                })?;
            }
            _ => return Err(l.err(t.col, format!("unexpected '{}'", t.text))),
        }
        i += 1;
    }
    if let Err(e) = op.validate() {
        return Err(l.err(l.toks[2].col, e));
    }
    Ok(Command::Request {
        node,
        op,
        mode,
        label,
    })
}

/// What happened at one step, for printing and for the page.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct StepReport {
    /// Source line.
    pub line: usize,
    /// Source text.
    pub text: String,
    /// Virtual time after the step.
    pub time: u64,
    /// What it did or found, in words.
    pub outcome: String,
}

/// Runs a scenario step by step, keeping labels and names.
pub struct Runner {
    /// The cluster under test.
    pub cluster: Cluster,
    labels: BTreeMap<String, u64>,
    vars: BTreeMap<String, NodeId>,
}

impl Runner {
    /// Builds the scenario's cluster.
    pub fn new(s: &Scenario) -> Result<Runner, String> {
        Ok(Runner {
            cluster: Cluster::new(s.config.clone())?,
            labels: BTreeMap::new(),
            vars: BTreeMap::new(),
        })
    }

    fn resolve(&self, r: &NodeRef) -> Result<NodeId, String> {
        match r {
            NodeRef::Id(n) => Ok(*n),
            NodeRef::Leader => self
                .cluster
                .leader()
                .ok_or_else(|| "there is no leader now".to_string()),
            NodeRef::Var(v) => self
                .vars
                .get(v)
                .copied()
                .ok_or_else(|| format!("${v} was never remembered")),
        }
    }

    fn op_of(&self, label: &str) -> Result<&crate::client::HistoryEntry, String> {
        let id = self
            .labels
            .get(label)
            .ok_or_else(|| format!("no request is labelled '{label}'"))?;
        self.cluster
            .op(*id)
            .ok_or_else(|| format!("request '{label}' is unknown"))
    }

    /// Whether a condition holds now.
    pub fn holds(&self, c: &Cond) -> Result<bool, String> {
        let cl = &self.cluster;
        Ok(match c {
            Cond::Leader => cl.leader().is_some(),
            Cond::NoLeader => cl.leader().is_none(),
            Cond::LeaderNot(n) => {
                let n = self.resolve(n)?;
                cl.leader().is_some_and(|l| l != n)
            }
            Cond::LeaderIs(n) => cl.leader() == Some(self.resolve(n)?),
            Cond::Role(n, role) => cl.role(self.resolve(n)?) == Some(*role),
            Cond::QuorumLost => !cl.quorum_available(),
            Cond::QuorumOk => cl.quorum_available(),
            Cond::CommitAtLeast(n, v) => {
                let n = self.resolve(n)?;
                cl.member(n)
                    .and_then(|m| m.live())
                    .is_some_and(|l| l.commit() >= *v)
            }
            Cond::TermAtLeast(n, v) => {
                let n = self.resolve(n)?;
                cl.member(n)
                    .and_then(|m| m.live())
                    .is_some_and(|l| l.term() >= *v)
            }
            Cond::Converged => {
                let mut stores = conf_members(cl.membership()).into_iter().map(|n| {
                    cl.member(n)
                        .and_then(|m| m.live())
                        .map(|l| (l.applied(), l.kv().content_hash()))
                });
                match stores.next() {
                    Some(Some(first)) => stores.all(|s| s == Some(first)),
                    _ => false,
                }
            }
            Cond::Ok(label) => self.op_of(label)?.is_ok(),
            Cond::Failed(label) => {
                let h = self.op_of(label)?;
                h.result.is_some() && !h.is_ok()
            }
            Cond::Done(label) => self.op_of(label)?.result.is_some(),
            Cond::Result(label, want) => {
                let got = match &self.op_of(label)?.result {
                    Some(OpResult::Ok {
                        reply: Reply::Get { kv, .. },
                    }) => kv.as_ref().map(|kv| kv.value.clone()),
                    _ => return Ok(false),
                };
                &got == want
            }
            Cond::Value(n, key, want) => {
                let n = self.resolve(n)?;
                match cl.kv(n) {
                    Some(kv) => kv.get(key).map(|kv| &kv.value) == want.as_ref(),
                    None => false,
                }
            }
            Cond::Voter(n) => cl.membership().voters.contains(&self.resolve(n)?),
            Cond::NotMember(n) => !conf_members(cl.membership()).contains(&self.resolve(n)?),
            Cond::Linearizable => cl.linearizability().linearizable,
            Cond::Safe => cl.violations().is_empty(),
        })
    }

    fn describe(&self, c: &Cond) -> String {
        match c {
            Cond::Result(label, _) => match self.op_of(label).ok().and_then(|h| h.result.clone()) {
                Some(r) => format!("request '{label}' returned {r}"),
                None => format!("request '{label}' has not finished"),
            },
            Cond::Ok(label) | Cond::Failed(label) | Cond::Done(label) => {
                match self.op_of(label).ok().and_then(|h| h.result.clone()) {
                    Some(r) => format!("request '{label}': {r}"),
                    None => format!("request '{label}' has not finished"),
                }
            }
            Cond::Linearizable => self.cluster.linearizability().failures.join("; "),
            Cond::Safe => self
                .cluster
                .violations()
                .iter()
                .map(|v| format!("{}: {}", v.property, v.detail))
                .collect::<Vec<_>>()
                .join("; "),
            _ => {
                let leader = self
                    .cluster
                    .leader()
                    .map(|l| format!("n{l}"))
                    .unwrap_or("none".into());
                let roles: Vec<String> = self
                    .cluster
                    .member_ids()
                    .into_iter()
                    .map(|n| {
                        format!(
                            "n{n} {}",
                            self.cluster.role(n).map(Role::as_str).unwrap_or("?")
                        )
                    })
                    .collect();
                format!("leader {leader}; {}", roles.join(", "))
            }
        }
    }

    /// Runs one step. An error is a failed assertion or an impossible
    /// action, in words.
    pub fn run_step(&mut self, step: &Step) -> Result<String, String> {
        if let Some(s) = &step.say_en {
            self.cluster.note(s.clone());
        }
        match &step.command {
            Command::Run(ms) => {
                self.cluster.advance(*ms);
                Ok(format!("ran {ms} ms"))
            }
            Command::Wait(c, within) => {
                let deadline = self.cluster.now() + within;
                // Conditions read labels and names, so check between events.
                loop {
                    match self.holds(c) {
                        Ok(true) => return Ok(format!("held at {} ms", self.cluster.now())),
                        Ok(false) => {}
                        Err(e) => return Err(e),
                    }
                    match self.cluster.next_event_time() {
                        Some(t) if t <= deadline => {
                            self.cluster.step_event();
                        }
                        _ => {
                            self.cluster.advance_to(deadline);
                            return if self.holds(c)? {
                                Ok(format!("held at {} ms", self.cluster.now()))
                            } else {
                                Err(format!(
                                    "still not true after {within} ms: {}",
                                    self.describe(c)
                                ))
                            };
                        }
                    }
                }
            }
            Command::Assert(c) => {
                if self.holds(c)? {
                    Ok("holds".into())
                } else {
                    Err(format!("assertion failed: {}", self.describe(c)))
                }
            }
            Command::Remember(n, name) => {
                let id = self.resolve(n)?;
                self.vars.insert(name.clone(), id);
                Ok(format!("${name} is n{id}"))
            }
            Command::Do(t) => {
                let action = self.instantiate(t)?;
                self.cluster.apply(action)?;
                Ok("done".into())
            }
            Command::Request {
                node,
                op,
                mode,
                label,
            } => {
                let node = self.resolve(node)?;
                let id = self
                    .cluster
                    .apply(Action::Client {
                        client: 0,
                        node,
                        op: op.clone(),
                        mode: *mode,
                    })?
                    .expect("a client action returns its op id");
                if let Some(l) = label {
                    self.labels.insert(l.clone(), id);
                }
                Ok(format!("sent as op {id}"))
            }
            Command::DropMessages { kind, from, to } => {
                let from = from.as_ref().map(|n| self.resolve(n)).transpose()?;
                let to = to.as_ref().map(|n| self.resolve(n)).transpose()?;
                let ids: Vec<u64> = self
                    .cluster
                    .network()
                    .in_flight()
                    .filter(|m| kind.is_none_or(|k| m.kind == k))
                    .filter(|m| from.is_none_or(|f| m.from == f))
                    .filter(|m| to.is_none_or(|t| m.to == t))
                    .map(|m| m.id)
                    .collect();
                for id in &ids {
                    self.cluster.apply(Action::Drop { msg: *id })?;
                }
                Ok(format!("dropped {} messages", ids.len()))
            }
        }
    }

    fn instantiate(&self, t: &ActionTemplate) -> Result<Action, String> {
        Ok(match t {
            ActionTemplate::Node(a, n) => {
                let node = self.resolve(n)?;
                match a {
                    NodeAction::Crash => Action::Crash { node },
                    NodeAction::Restart => Action::Restart { node },
                    NodeAction::Wipe => Action::WipeAndRejoin { node },
                    NodeAction::Isolate => Action::Isolate { node },
                    NodeAction::TransferTo => Action::TransferLeader { to: node },
                    NodeAction::Campaign => Action::Campaign { node },
                    NodeAction::Compact => Action::Compact { node },
                }
            }
            ActionTemplate::Partition(groups) => {
                let mut named = Vec::new();
                let mut resolved: Vec<Vec<NodeId>> = Vec::new();
                for g in groups {
                    let mut ids = Vec::new();
                    for n in g.iter().flatten() {
                        let id = self.resolve(n)?;
                        ids.push(id);
                        named.push(id);
                    }
                    resolved.push(ids);
                }
                for (g, ids) in groups.iter().zip(resolved.iter_mut()) {
                    if g.iter().any(Option::is_none) {
                        ids.extend(
                            self.cluster
                                .member_ids()
                                .into_iter()
                                .filter(|n| !named.contains(n)),
                        );
                    }
                }
                Action::Partition { groups: resolved }
            }
            ActionTemplate::Oneway(from, to) => Action::PartitionOneway {
                from: from
                    .iter()
                    .map(|n| self.resolve(n))
                    .collect::<Result<_, _>>()?,
                to: to
                    .iter()
                    .map(|n| self.resolve(n))
                    .collect::<Result<_, _>>()?,
            },
            ActionTemplate::Link {
                cut,
                from,
                to,
                both,
            } => {
                let (from, to, both) = (self.resolve(from)?, self.resolve(to)?, *both);
                if *cut {
                    Action::Cut { from, to, both }
                } else {
                    Action::Repair { from, to, both }
                }
            }
            ActionTemplate::HoldLink { hold, from, to } => {
                let (from, to) = (self.resolve(from)?, self.resolve(to)?);
                if *hold {
                    Action::HoldLink { from, to }
                } else {
                    Action::ReleaseLink { from, to }
                }
            }
            ActionTemplate::Membership(changes) => Action::ChangeMembership {
                changes: changes
                    .iter()
                    .map(|(c, n)| self.resolve(n).map(|id| (*c, id)))
                    .collect::<Result<_, _>>()?,
            },
            ActionTemplate::Network(setting, value) => {
                // Only the named setting changes; the others keep their value.
                let mut net = self.cluster.config().net.clone();
                match setting {
                    NetSetting::Latency => net.latency_ms = *value as u64,
                    NetSetting::Jitter => net.jitter_ms = *value as u64,
                    NetSetting::Loss => net.loss = *value,
                    NetSetting::Duplicate => net.duplicate = *value,
                }
                Action::SetNetwork { net }
            }
            ActionTemplate::Plain(a) => a.clone(),
        })
    }
}

/// The result of running a whole script.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ScriptOutcome {
    /// One report per step run.
    pub steps: Vec<StepReport>,
    /// The first failure, if any, as "line N: ...".
    pub failure: Option<String>,
}

/// Runs every step, stopping at the first failure; safety violations found
/// along the way fail the script too.
pub fn run_script(s: &Scenario) -> Result<(Runner, ScriptOutcome), String> {
    let mut runner = Runner::new(s)?;
    let mut out = ScriptOutcome {
        steps: Vec::new(),
        failure: None,
    };
    for step in &s.steps {
        let r = runner.run_step(step);
        let time = runner.cluster.now();
        match r {
            Ok(outcome) => out.steps.push(StepReport {
                line: step.line,
                text: step.text.clone(),
                time,
                outcome,
            }),
            Err(e) => {
                out.steps.push(StepReport {
                    line: step.line,
                    text: step.text.clone(),
                    time,
                    outcome: format!("FAILED: {e}"),
                });
                out.failure = Some(format!("line {}: {e}", step.line));
                break;
            }
        }
    }
    if out.failure.is_none() {
        if let Some(v) = runner.cluster.violations().first() {
            out.failure = Some(format!("{}: {} (step {})", v.property, v.detail, v.step));
        }
    }
    Ok((runner, out))
}
