//! The script's commands: for each, its usage line and its parser (one
//! file per group), and for those that are one cluster action the one place
//! where its member references become an [`Action`] (`action.rs`).
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
        /// First revision to report (`rev=R`; 0: from now on).
        start_revision: u64,
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

mod action;
mod clients;
mod faults;
mod membership;
mod messages;
mod script;

/// Every command, in the order a reader meets them.
fn specs() -> impl Iterator<Item = &'static Spec> {
    [
        script::SPECS,
        faults::SPECS,
        membership::SPECS,
        clients::SPECS,
        messages::SPECS,
    ]
    .into_iter()
    .flatten()
}

/// Every command's usage, in the order a reader meets them.
pub fn usage() -> impl Iterator<Item = &'static Usage> {
    specs().map(|s| &s.usage)
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
    out.push_str(
        "members: n3, leader (the current one), follower (the lowest-numbered running follower \
         not remembered under a name), $name (bound by remember)\n",
    );
    out
}

/// Parses one command line (not `cluster`). An error inside a known
/// command carries its usage line.
pub fn parse_command(l: &Line) -> Result<Command, ScriptError> {
    let t = &l.toks[0];
    let spec = specs()
        .find(|s| s.usage.name == t.text || s.usage.aliases.contains(&t.text))
        .ok_or_else(|| l.err(t.col, format!("unknown command '{}'", t.text)))?;
    (spec.parse)(l).map_err(|mut e| {
        e.message = format!("{} (usage: {})", e.message, spec.usage.usage);
        e
    })
}

/// The `within=` option from token `from` (default 10 s).
fn within(l: &Line, from: usize) -> Result<u64, ScriptError> {
    let mut within = 10_000;
    for (k, v) in l.options(from)? {
        match k {
            "within" => within = duration_tok(l, &v, "within")?,
            _ => return Err(l.err(v.col, format!("unknown option '{k}'"))),
        }
    }
    Ok(within)
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
