//! The script's commands: for each, its usage line, its parser, and (for
//! those that are one cluster action) the one place where its member
//! references become an [`Action`].
//!
//! A parsed command keeps member references (`leader`, `$old`) as written;
//! they are resolved when the step runs, through [`Command::action`] for
//! actions and the runner's own function for everything else.

use serde::{Deserialize, Serialize};

use crate::client::{ClientOp, ReadMode};
use crate::cluster::{Action, MemberChange};
use crate::network::MsgKind;

use super::conditions::{self, Cond};
use super::parse::{
    duration_tok, label_at, millis, node_ref, on_off, percent, Line, Tok, CLUSTER_USAGE,
};
use super::runner::Runner;
use super::{NodeRef, ScriptError};

/// Which messages a `drop` or `hold-msg` picks; `None` matches any.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct MsgFilter {
    /// Only this kind.
    pub kind: Option<MsgKind>,
    /// Only from this member.
    pub from: Option<NodeRef>,
    /// Only to this member.
    pub to: Option<NodeRef>,
}

/// One link between two members.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Link {
    /// Sender (one end when `both`).
    pub from: NodeRef,
    /// Receiver (the other end when `both`).
    pub to: NodeRef,
    /// Both directions.
    pub both: bool,
}

/// What one line does. Each variant is one script command (see [`usage`]).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub enum Command {
    /// `run`: advance virtual time, in ms.
    Run(u64),
    /// `wait`: run until the condition holds, failing after `within` ms.
    Wait(Cond, u64),
    /// `assert`: fail unless the condition holds now.
    Assert(Cond),
    /// `remember`: bind a name to a member (resolved now).
    Remember(NodeRef, String),
    /// `expect-error`: the command must be refused.
    ExpectError(Box<Command>),
    /// `crash`.
    Crash(NodeRef),
    /// `restart`.
    Restart(NodeRef),
    /// `wipe`: member replacement.
    Wipe(NodeRef),
    /// `isolate`.
    Isolate(NodeRef),
    /// `campaign`.
    Campaign(NodeRef),
    /// `compact`.
    Compact(NodeRef),
    /// `transfer-leader`.
    TransferLeader(NodeRef),
    /// `partition`: groups; `None` stands for `rest`.
    Partition(Vec<Vec<Option<NodeRef>>>),
    /// `partition-oneway`: senders, receivers.
    PartitionOneway(Vec<NodeRef>, Vec<NodeRef>),
    /// `cut`.
    Cut(Link),
    /// `repair`.
    Repair(Link),
    /// `heal`.
    Heal,
    /// `hold-link`.
    HoldLink(Link),
    /// `release-link`.
    ReleaseLink(Link),
    /// `latency`, ms.
    Latency(u64),
    /// `jitter`, ms.
    Jitter(u64),
    /// `loss`, as a fraction.
    Loss(f64),
    /// `duplicate`, as a fraction.
    Duplicate(f64),
    /// `pre-vote`.
    PreVote(bool),
    /// `check-quorum`.
    CheckQuorum(bool),
    /// `add-voter`, `add-learner`, `promote`, `remove`, `joint`.
    Membership(Vec<(MemberChange, NodeRef)>),
    /// `put`, `get`, `delete`, `range`.
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
    /// `watch`.
    Watch {
        /// Member serving the watch.
        node: NodeRef,
        /// Key or prefix.
        key: String,
        /// Whether `key` is a prefix.
        prefix: bool,
        /// Label for `events` conditions.
        label: String,
    },
    /// `drop`: every message in flight that matches.
    Drop(MsgFilter),
    /// `hold-msg`: hold the next message that matches, waiting up to `within` ms.
    HoldMsg(MsgFilter, String, u64),
    /// `release-msg`.
    ReleaseMsg(String),
    /// `drop-msg`.
    DropMsg(String),
}

/// One command's name, syntax and meaning.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
pub struct Usage {
    /// The command word.
    pub name: &'static str,
    /// Other accepted spellings.
    pub aliases: &'static [&'static str],
    /// Its syntax, e.g. `crash N`.
    pub usage: &'static str,
    /// What it does, in a few words.
    pub about: &'static str,
}

struct Spec {
    usage: Usage,
    parse: fn(&Line) -> Result<Command, ScriptError>,
}

const fn spec(
    name: &'static str,
    aliases: &'static [&'static str],
    usage: &'static str,
    about: &'static str,
    parse: fn(&Line) -> Result<Command, ScriptError>,
) -> Spec {
    Spec {
        usage: Usage {
            name,
            aliases,
            usage,
            about,
        },
        parse,
    }
}

const COMMANDS: &[Spec] = &[
    spec("run", &[], "run DURATION", "advance virtual time (500ms, 2s)", |l| {
        let ms = duration_tok(l, l.tok(1, "a duration like 2s")?, "run")?;
        l.no_more(2)?;
        Ok(Command::Run(ms))
    }),
    spec("wait", &[], "wait CONDITION [within=10s]", "run until the condition holds", |l| {
        let (c, next) = conditions::parse_cond(l, 1)?;
        let mut within = 10_000;
        for (k, v) in l.options(next)? {
            match k {
                "within" => within = duration_tok(l, &v, "within")?,
                _ => return Err(l.err(v.col, format!("unknown option '{k}'"))),
            }
        }
        Ok(Command::Wait(c, within))
    }),
    spec("assert", &[], "assert CONDITION", "fail unless the condition holds now", |l| {
        let (c, next) = conditions::parse_cond(l, 1)?;
        l.no_more(next)?;
        Ok(Command::Assert(c))
    }),
    spec("remember", &[], "remember N as NAME", "bind $NAME to the member N is now", |l| {
        let n = l.node(1)?;
        let (name, next) = label_at(l, 2)?;
        l.no_more(next)?;
        Ok(Command::Remember(n, name))
    }),
    spec("expect-error", &[], "expect-error COMMAND", "the command must be refused", |l| {
        let inner = l.tail();
        if inner.toks.is_empty() {
            return Err(l.err(l.end_col, "expected a command"));
        }
        Ok(Command::ExpectError(Box::new(parse_command(&inner)?)))
    }),
    spec("crash", &[], "crash N", "stop a member; its disk survives", |l| {
        Ok(Command::Crash(one_node(l)?))
    }),
    spec("restart", &[], "restart N", "start a crashed member from its disk", |l| {
        Ok(Command::Restart(one_node(l)?))
    }),
    spec("wipe", &[], "wipe N", "replace a member by a blank one with a new id", |l| {
        Ok(Command::Wipe(one_node(l)?))
    }),
    spec("isolate", &[], "isolate N", "cut a member off from all others", |l| {
        Ok(Command::Isolate(one_node(l)?))
    }),
    spec("campaign", &[], "campaign N", "make a member start an election now", |l| {
        Ok(Command::Campaign(one_node(l)?))
    }),
    spec("compact", &[], "compact N", "compact a member's log into a snapshot now", |l| {
        Ok(Command::Compact(one_node(l)?))
    }),
    spec("transfer-leader", &[], "transfer-leader N", "ask the leader to hand over to N", |l| {
        Ok(Command::TransferLeader(one_node(l)?))
    }),
    spec("partition", &[], "partition A B | C D [| rest]", "split the members into groups", |l| {
        let mut groups: Vec<Vec<Option<NodeRef>>> = vec![Vec::new()];
        for tok in &l.toks[1..] {
            let g = groups.last_mut().expect("never empty");
            match tok.text {
                "|" => groups.push(Vec::new()),
                "rest" => g.push(None),
                _ => g.push(Some(node_ref(l, tok)?)),
            }
        }
        if groups.len() < 2 || groups.iter().any(Vec::is_empty) {
            return Err(l.err(l.toks[0].col, "expected groups like 'n1 n2 | n3 n4 n5' (or '| rest')"));
        }
        Ok(Command::Partition(groups))
    }),
    spec("partition-oneway", &[], "partition-oneway A B -> C D", "cut every link from A, B to C, D", |l| {
        let arrow = l
            .toks
            .iter()
            .position(|t| t.text == "->")
            .ok_or_else(|| l.err(l.end_col, "expected 'senders -> receivers'"))?;
        let nodes = |toks: &[Tok]| toks.iter().map(|t| node_ref(l, t)).collect::<Result<Vec<_>, _>>();
        let from = nodes(&l.toks[1..arrow])?;
        let to = nodes(&l.toks[arrow + 1..])?;
        if from.is_empty() || to.is_empty() {
            return Err(l.err(l.toks[0].col, "expected members on both sides of '->'"));
        }
        Ok(Command::PartitionOneway(from, to))
    }),
    spec("cut", &[], "cut A B | cut A -> B", "cut one link, both ways or one way", |l| {
        Ok(Command::Cut(link(l, true)?))
    }),
    spec("repair", &[], "repair A B | repair A -> B", "restore one link", |l| {
        Ok(Command::Repair(link(l, true)?))
    }),
    spec("heal", &[], "heal", "restore every link and release every held message", |l| {
        l.no_more(1)?;
        Ok(Command::Heal)
    }),
    spec("hold-link", &[], "hold-link A -> B", "hold every message on a link until released", |l| {
        Ok(Command::HoldLink(link(l, false)?))
    }),
    spec("release-link", &[], "release-link A -> B", "release a held link and its messages", |l| {
        Ok(Command::ReleaseLink(link(l, false)?))
    }),
    spec("latency", &[], "latency MS", "base one-way latency (20, 20ms, 1s)", |l| {
        Ok(Command::Latency(millis(l, one_value(l)?, "latency")?))
    }),
    spec("jitter", &[], "jitter MS", "extra random latency up to MS", |l| {
        Ok(Command::Jitter(millis(l, one_value(l)?, "jitter")?))
    }),
    spec("loss", &[], "loss PCT", "lose this percentage of messages (10 or 10%)", |l| {
        Ok(Command::Loss(percent(l, one_value(l)?, "loss")?))
    }),
    spec("duplicate", &["dup"], "duplicate PCT", "deliver this percentage of messages twice", |l| {
        Ok(Command::Duplicate(percent(l, one_value(l)?, "duplicate")?))
    }),
    spec("pre-vote", &["prevote"], "pre-vote on|off", "turn PreVote on or off on every member", |l| {
        Ok(Command::PreVote(on_off(l, one_value(l)?)?))
    }),
    spec("check-quorum", &["checkquorum"], "check-quorum on|off", "turn CheckQuorum on or off on every member", |l| {
        Ok(Command::CheckQuorum(on_off(l, one_value(l)?)?))
    }),
    spec("add-voter", &[], "add-voter N", "propose adding N as a voter", |l| {
        Ok(Command::Membership(vec![(MemberChange::AddVoter, one_node(l)?)]))
    }),
    spec("add-learner", &[], "add-learner N", "propose adding N as a learner", |l| {
        Ok(Command::Membership(vec![(MemberChange::AddLearner, one_node(l)?)]))
    }),
    spec("promote", &[], "promote N", "propose making learner N a voter", |l| {
        Ok(Command::Membership(vec![(MemberChange::AddVoter, one_node(l)?)]))
    }),
    spec("remove", &[], "remove N", "propose removing N", |l| {
        Ok(Command::Membership(vec![(MemberChange::Remove, one_node(l)?)]))
    }),
    spec("joint", &[], "joint remove N add-voter M …", "several changes at once, by joint consensus", |l| {
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
                        format!("expected add-voter, add-learner, promote or remove, found '{other}'"),
                    ))
                }
            };
            changes.push((c, l.node(i + 1)?));
            i += 2;
        }
        if changes.len() < 2 {
            return Err(l.err(l.toks[0].col, "joint takes two or more changes"));
        }
        Ok(Command::Membership(changes))
    }),
    spec("put", &[], "put N KEY VALUE [as L]", "write a key through member N", request),
    spec("get", &[], "get N KEY [mode=linearizable|lease|serializable] [as L]", "read a key", request),
    spec("delete", &[], "delete N KEY [as L]", "delete a key", request),
    spec("range", &[], "range N PREFIX [mode=…] [as L]", "read every key under a prefix", request),
    spec("watch", &[], "watch N KEY [prefix] as L", "watch a key (or a prefix) on member N", |l| {
        let node = l.node(1)?;
        let key = l.tok(2, "a key")?;
        if key.text.trim().is_empty() {
            return Err(l.err(key.col, "key must not be empty"));
        }
        let prefix = l.toks.get(3).is_some_and(|t| t.text == "prefix");
        let (label, next) = label_at(l, if prefix { 4 } else { 3 })?;
        l.no_more(next)?;
        Ok(Command::Watch {
            node,
            key: key.text.to_string(),
            prefix,
            label,
        })
    }),
    spec("drop", &[], "drop [kind=K] [from=N] [to=N]", "drop every message in flight that matches", |l| {
        let (filter, rest) = msg_filter(l, 1)?;
        if let Some((_, t)) = rest.first() {
            return Err(l.err(t.col, format!("unknown option '{}'", t.text)));
        }
        Ok(Command::Drop(filter))
    }),
    spec("hold-msg", &[], "hold-msg [kind=K] [from=N] [to=N] as M [within=10s]", "hold the next matching message", |l| {
        let at = l
            .toks
            .iter()
            .position(|t| t.text == "as")
            .ok_or_else(|| l.err(l.end_col, "expected 'as M'"))?;
        let (filter, _) = msg_filter(&Line { toks: l.toks[..at].to_vec(), ..l.clone() }, 1)
            .and_then(|(f, rest)| match rest.first() {
                Some((_, t)) => Err(l.err(t.col, format!("unknown option '{}'", t.text))),
                None => Ok((f, ())),
            })?;
        let (label, next) = label_at(l, at)?;
        let mut within = 10_000;
        for (k, v) in l.options(next)? {
            match k {
                "within" => within = duration_tok(l, &v, "within")?,
                _ => return Err(l.err(v.col, format!("unknown option '{k}'"))),
            }
        }
        Ok(Command::HoldMsg(filter, label, within))
    }),
    spec("release-msg", &[], "release-msg M", "deliver a held message", |l| {
        Ok(Command::ReleaseMsg(one_value(l)?.text.to_string()))
    }),
    spec("drop-msg", &[], "drop-msg M", "drop a labelled message", |l| {
        Ok(Command::DropMsg(one_value(l)?.text.to_string()))
    }),
];

/// Every command's usage, in the order a reader meets them.
pub fn usage() -> impl Iterator<Item = &'static Usage> {
    COMMANDS.iter().map(|s| &s.usage)
}

/// The whole script language in lines, for `raft-sim script --help`.
pub fn help() -> String {
    let mut out = format!("{CLUSTER_USAGE}\n");
    for u in usage() {
        let aliases = if u.aliases.is_empty() {
            String::new()
        } else {
            format!(" (also {})", u.aliases.join(", "))
        };
        out.push_str(&format!("{:<58} {}{aliases}\n", u.usage, u.about));
    }
    out.push_str("conditions:\n");
    for c in conditions::USAGE {
        out.push_str(&format!("  {c}\n"));
    }
    out.push_str("members: n3, leader (the current one), $name (bound by remember)\n");
    out
}

/// Parses one command line (not `cluster`). An error inside a known
/// command carries its usage line.
pub fn parse_command(l: &Line) -> Result<Command, ScriptError> {
    let t = &l.toks[0];
    let spec = COMMANDS
        .iter()
        .find(|s| s.usage.name == t.text || s.usage.aliases.contains(&t.text))
        .ok_or_else(|| l.err(t.col, format!("unknown command '{}'", t.text)))?;
    (spec.parse)(l).map_err(|mut e| {
        e.message = format!("{} (usage: {})", e.message, spec.usage.usage);
        e
    })
}

fn one_node(l: &Line) -> Result<NodeRef, ScriptError> {
    let n = l.node(1)?;
    l.no_more(2)?;
    Ok(n)
}

fn one_value<'a>(l: &'a Line) -> Result<&'a Tok<'a>, ScriptError> {
    let v = l.tok(1, "a value")?;
    l.no_more(2)?;
    Ok(v)
}

/// `A B`, `A <-> B` (both ways) or `A -> B` (one way, required when `both_ok` is false).
fn link(l: &Line, both_ok: bool) -> Result<Link, ScriptError> {
    let from = l.node(1)?;
    let t = l.tok(2, "'->', '<->' or a member")?;
    let (to, both, next) = match t.text {
        "->" => (l.node(3)?, false, 4),
        "<->" => (l.node(3)?, true, 4),
        _ => (node_ref(l, t)?, true, 3),
    };
    if both && !both_ok {
        return Err(l.err(l.toks[1].col, "this takes one direction: 'n1 -> n2'"));
    }
    l.no_more(next)?;
    Ok(Link { from, to, both })
}

/// `kind=`, `from=`, `to=` options from token `from`; the other options are
/// returned for the caller.
fn msg_filter<'a>(
    l: &Line<'a>,
    from: usize,
) -> Result<(MsgFilter, Vec<(&'a str, Tok<'a>)>), ScriptError> {
    let mut f = MsgFilter::default();
    let mut rest = Vec::new();
    for (k, v) in l.options(from)? {
        match k {
            "kind" => {
                f.kind = Some(MsgKind::parse(v.text).ok_or_else(|| {
                    l.err(
                        v.col,
                        format!(
                            "unknown message kind '{}' (append, heartbeat, vote, pre-vote, snapshot, ...)",
                            v.text
                        ),
                    )
                })?)
            }
            "from" => f.from = Some(node_ref(l, &v)?),
            "to" => f.to = Some(node_ref(l, &v)?),
            _ => rest.push((k, v)),
        }
    }
    Ok((f, rest))
}

fn request(l: &Line) -> Result<Command, ScriptError> {
    let verb = &l.toks[0];
    let node = l.node(1)?;
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
            let (name, next) = label_at(l, i)?;
            label = Some(name);
            i = next;
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

impl Command {
    /// The cluster action this command is, with its members resolved now;
    /// `None` for commands that are not one action (time, conditions,
    /// names, requests, watches and picking messages, which the runner
    /// does itself).
    pub fn action(&self, r: &Runner) -> Result<Option<Action>, String> {
        let node = |n: &NodeRef| r.resolve(n);
        let nodes = |ns: &[NodeRef]| ns.iter().map(|n| r.resolve(n)).collect::<Result<Vec<_>, _>>();
        let net = || r.cluster.config().net.clone();
        Ok(Some(match self {
            Command::Crash(n) => Action::Crash { node: node(n)? },
            Command::Restart(n) => Action::Restart { node: node(n)? },
            Command::Wipe(n) => Action::WipeAndRejoin { node: node(n)? },
            Command::Isolate(n) => Action::Isolate { node: node(n)? },
            Command::Campaign(n) => Action::Campaign { node: node(n)? },
            Command::Compact(n) => Action::Compact { node: node(n)? },
            Command::TransferLeader(n) => Action::TransferLeader { to: node(n)? },
            Command::Partition(groups) => Action::Partition {
                groups: r.partition_groups(groups)?,
            },
            Command::PartitionOneway(from, to) => Action::PartitionOneway {
                from: nodes(from)?,
                to: nodes(to)?,
            },
            Command::Cut(Link { from, to, both }) => Action::Cut {
                from: node(from)?,
                to: node(to)?,
                both: *both,
            },
            Command::Repair(Link { from, to, both }) => Action::Repair {
                from: node(from)?,
                to: node(to)?,
                both: *both,
            },
            Command::Heal => Action::HealAll,
            Command::HoldLink(Link { from, to, .. }) => Action::HoldLink {
                from: node(from)?,
                to: node(to)?,
            },
            Command::ReleaseLink(Link { from, to, .. }) => Action::ReleaseLink {
                from: node(from)?,
                to: node(to)?,
            },
            // Each network command changes only its own setting.
            Command::Latency(ms) => Action::SetNetwork {
                net: crate::NetConfig {
                    latency_ms: *ms,
                    ..net()
                },
            },
            Command::Jitter(ms) => Action::SetNetwork {
                net: crate::NetConfig {
                    jitter_ms: *ms,
                    ..net()
                },
            },
            Command::Loss(p) => Action::SetNetwork {
                net: crate::NetConfig { loss: *p, ..net() },
            },
            Command::Duplicate(p) => Action::SetNetwork {
                net: crate::NetConfig {
                    duplicate: *p,
                    ..net()
                },
            },
            Command::PreVote(on) => Action::SetPreVote { on: *on },
            Command::CheckQuorum(on) => Action::SetCheckQuorum { on: *on },
            Command::Membership(changes) => Action::ChangeMembership {
                changes: changes
                    .iter()
                    .map(|(c, n)| node(n).map(|id| (*c, id)))
                    .collect::<Result<_, _>>()?,
            },
            Command::ReleaseMsg(label) => Action::Release {
                msg: r.message(label)?,
            },
            Command::DropMsg(label) => Action::Drop {
                msg: r.message(label)?,
            },
            Command::Run(_)
            | Command::Wait(..)
            | Command::Assert(_)
            | Command::Remember(..)
            | Command::ExpectError(_)
            | Command::Request { .. }
            | Command::Watch { .. }
            | Command::Drop(_)
            | Command::HoldMsg(..) => return Ok(None),
        }))
    }
}
