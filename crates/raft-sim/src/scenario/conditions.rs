//! What `wait` and `assert` test: each condition's syntax, its parser, and
//! how the runner checks and explains it.

use serde::{Deserialize, Serialize};

use crate::client::{ClientOp, HistoryEntry, OpResult, ReadMode, Reply};
use crate::cluster::WatchView;
use crate::kv::WatchEventKind;
use crate::member::conf_members;
use crate::role::Role;
use crate::trace::EventKind;

use super::parse::{number, on_off, Line};
use super::runner::Runner;
use super::sides::{parse_sides, Groups};
use super::{NodeRef, ScriptError};

/// The conditions' syntax, one a line, for errors and `--help`.
pub const USAGE: &[&str] = &[
    "leader | no-leader | leader-is N | leader-not N",
    "role N follower|pre-candidate|candidate|leader|learner|down|removed",
    "quorum-ok | quorum-lost | commit N >=|=|<= I|M (M: another member's) | term N >=|=|<= T",
    "converged (every member runs and has applied the same entries to the same store)",
    "ok L | failed L | done L | result L = V | result L absent",
    "stale L | fresh L (a finished read older / not older than a value committed before it began)",
    "value N KEY = V | value N KEY absent | voter N | not-member N | joint | not-joint",
    "events L = COUNT | watch-canceled L | watch-on L N (a watch's events; canceled by compaction; the member serving it)",
    "msg M held|in-flight|delivered|dropped (a message picked by hold-msg)",
    "linearizable | safe",
    "two-leaders (two running members both believe they lead) | minority N (N runs on a side without a quorum)",
    "quorum-size >=|=|<= Q (of the committed voters) | snapshot N >=|=|<= I (index its log is compacted to)",
    "pre-vote on|off | check-quorum on|off (the cluster's setting now)",
    "request N|any put|get|delete|range KEY [mode=M] [sent|done|ok|failed|stale|fresh|= V|absent] (the latest such request without a label: the learner's; default sent)",
    "sides A B | C D [| rest] (the running members are split into exactly these groups)",
    "watching KEY [prefix] [>=|=|<= COUNT] (some running watch on KEY, with how many events it saw)",
    "same-term N M (both run in the same term: a rejoining member did not raise it)",
    "not CONDITION (holds when the condition does not)",
];

/// Where a labelled message is.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum MsgState {
    /// On the network, waiting for a release.
    Held,
    /// On the network, on its way.
    InFlight,
    /// Reached its receiver.
    Delivered,
    /// Lost.
    Dropped,
}

impl MsgState {
    /// The word scripts use.
    pub fn as_str(self) -> &'static str {
        match self {
            MsgState::Held => "held",
            MsgState::InFlight => "in-flight",
            MsgState::Delivered => "delivered",
            MsgState::Dropped => "dropped",
        }
    }

    fn parse(s: &str) -> Option<MsgState> {
        [
            MsgState::Held,
            MsgState::InFlight,
            MsgState::Delivered,
            MsgState::Dropped,
        ]
        .into_iter()
        .find(|m| m.as_str() == s)
    }
}

/// How `commit` and `term` compare.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum Cmp {
    /// `>=`
    AtLeast,
    /// `=`
    Equal,
    /// `<=`
    AtMost,
}

impl Cmp {
    fn test(self, got: u64, want: u64) -> bool {
        match self {
            Cmp::AtLeast => got >= want,
            Cmp::Equal => got == want,
            Cmp::AtMost => got <= want,
        }
    }
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
    /// A member's commit index compared with a number.
    Commit(NodeRef, Cmp, u64),
    /// A member's term compared with a number.
    Term(NodeRef, Cmp, u64),
    /// A member's commit index compared with another member's (both
    /// running): "caught up with the leader" without knowing the index,
    /// which in a lesson depends on what the learner did.
    CommitWith(NodeRef, Cmp, NodeRef),
    /// See [`crate::Cluster::converged`].
    Converged,
    /// A labelled request finished successfully.
    Ok(String),
    /// A labelled request failed.
    Failed(String),
    /// A labelled request finished either way.
    Done(String),
    /// A labelled read answered with a value older than one committed
    /// before it began.
    Stale(String),
    /// A labelled read answered, and not stale.
    Fresh(String),
    /// A labelled read returned this value (`None`: key absent).
    Result(String, Option<String>),
    /// A member's applied store holds this value (`None`: absent).
    Value(NodeRef, String, Option<String>),
    /// A member is in the committed membership as voter.
    Voter(NodeRef),
    /// A member is not in the committed membership.
    NotMember(NodeRef),
    /// The committed membership is joint (old and new voters both decide).
    Joint,
    /// The committed membership is not joint.
    NotJoint,
    /// A labelled watch has seen exactly this many events.
    Events(String, u64),
    /// A labelled watch was canceled (the history it needed is compacted).
    WatchCanceled(String),
    /// A labelled watch is served by this member now.
    WatchOn(String, NodeRef),
    /// A labelled message is in this state.
    Msg(String, MsgState),
    /// The client history is linearizable.
    Linearizable,
    /// No safety property was violated.
    Safe,
    /// Two running members both believe they lead (the old one has not yet
    /// heard of the new term).
    TwoLeaders,
    /// A member runs on a side of the network without a quorum.
    Minority(NodeRef),
    /// The quorum of the committed voters, floor(n/2)+1, compared.
    QuorumSize(Cmp, u64),
    /// The index a member's log is compacted to (its snapshot), compared.
    Snapshot(NodeRef, Cmp, u64),
    /// The cluster's PreVote setting now.
    PreVote(bool),
    /// The cluster's CheckQuorum setting now.
    CheckQuorum(bool),
    /// The latest client request that matches is in a state. A learner's
    /// requests from the page carry no label, so lessons find them by what
    /// they asked; requests the script labelled are its own and skipped.
    Request(RequestMatch, RequestState),
    /// The network splits the running members into exactly these groups.
    Sides(Groups),
    /// Some running watch on a key (or prefix) whose count of events seen
    /// compares (`None`: any count). A learner's watch from the page has no
    /// label, so lessons find it by what it watches.
    Watching {
        /// The key or prefix.
        key: String,
        /// Whether it watches a prefix.
        prefix: bool,
        /// Events seen, compared.
        seen: Option<(Cmp, u64)>,
    },
    /// Both members run, in the same term. A lesson compares terms this way
    /// because the term reached in the page depends on when the learner
    /// acted.
    SameTerm(NodeRef, NodeRef),
    /// The condition does not hold.
    Not(Box<Cond>),
}

/// Which client requests a `request` condition looks at.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct RequestMatch {
    /// The member it was sent to; `None` for any member.
    pub node: Option<NodeRef>,
    /// `put`, `get`, `delete` or `range`.
    pub verb: String,
    /// The key (the prefix for `range`).
    pub key: String,
    /// The read mode; `None` for any.
    pub mode: Option<ReadMode>,
}

/// What a `request` condition asks of the latest matching request.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum RequestState {
    /// It was sent (it may still be pending).
    Sent,
    /// It finished either way.
    Done,
    /// It finished successfully.
    Ok,
    /// It failed.
    Failed,
    /// A get returned this value (`None`: key absent).
    Value(Option<String>),
    /// A read answered with something older than a value committed before
    /// it began (see [`crate::client::Staleness`]).
    Stale,
    /// A read answered, and not stale.
    Fresh,
}

const VERBS: [&str; 4] = ["put", "get", "delete", "range"];

fn op_matches(op: &ClientOp, verb: &str, key: &str) -> bool {
    match op {
        ClientOp::Put { key: k, .. } => verb == "put" && k == key,
        ClientOp::Get { key: k } => verb == "get" && k == key,
        ClientOp::Delete { key: k } => verb == "delete" && k == key,
        ClientOp::Range { prefix } => verb == "range" && prefix == key,
        _ => false,
    }
}

/// Parses a condition starting at token `i`; returns it and the next index.
pub fn parse_cond(l: &Line, i: usize) -> Result<(Cond, usize), ScriptError> {
    let t = l.tok(i, "a condition")?;
    let label =
        |j: usize| -> Result<String, ScriptError> { Ok(l.tok(j, "a label")?.text.to_string()) };
    Ok(match t.text {
        "leader" => (Cond::Leader, i + 1),
        "no-leader" => (Cond::NoLeader, i + 1),
        "leader-not" => (Cond::LeaderNot(l.node(i + 1)?), i + 2),
        "leader-is" => (Cond::LeaderIs(l.node(i + 1)?), i + 2),
        "role" => {
            let n = l.node(i + 1)?;
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
            let n = l.node(i + 1)?;
            let cmp = cmp_op(l, i + 2)?;
            let vt = l.tok(i + 3, "a number")?;
            let c = match (t.text, vt.text.starts_with(|c: char| c.is_ascii_digit())) {
                ("commit", false) => Cond::CommitWith(n, cmp, l.node(i + 3)?),
                ("commit", true) => Cond::Commit(n, cmp, number(l, vt, "a number")?),
                _ => Cond::Term(n, cmp, number(l, vt, "a number")?),
            };
            (c, i + 4)
        }
        "converged" => (Cond::Converged, i + 1),
        "ok" => (Cond::Ok(label(i + 1)?), i + 2),
        "failed" => (Cond::Failed(label(i + 1)?), i + 2),
        "stale" => (Cond::Stale(label(i + 1)?), i + 2),
        "fresh" => (Cond::Fresh(label(i + 1)?), i + 2),
        "done" => (Cond::Done(label(i + 1)?), i + 2),
        "result" => {
            let (v, next) = expected_value(l, i + 2)?;
            (Cond::Result(label(i + 1)?, v), next)
        }
        "value" => {
            let n = l.node(i + 1)?;
            let key = l.tok(i + 2, "a key")?.text.to_string();
            let (v, next) = expected_value(l, i + 3)?;
            (Cond::Value(n, key, v), next)
        }
        "voter" => (Cond::Voter(l.node(i + 1)?), i + 2),
        "not-member" => (Cond::NotMember(l.node(i + 1)?), i + 2),
        "joint" => (Cond::Joint, i + 1),
        "not-joint" => (Cond::NotJoint, i + 1),
        "events" => {
            let eq = l.tok(i + 2, "'='")?;
            if eq.text != "=" {
                return Err(l.err(eq.col, format!("expected '=', found '{}'", eq.text)));
            }
            let n = number(l, l.tok(i + 3, "a count")?, "a count")?;
            (Cond::Events(label(i + 1)?, n), i + 4)
        }
        "watch-canceled" => (Cond::WatchCanceled(label(i + 1)?), i + 2),
        "watch-on" => (Cond::WatchOn(label(i + 1)?, l.node(i + 2)?), i + 3),
        "msg" => {
            let st = l.tok(i + 2, "held, in-flight, delivered or dropped")?;
            let state = MsgState::parse(st.text).ok_or_else(|| {
                l.err(
                    st.col,
                    format!(
                        "unknown message state '{}' (held, in-flight, delivered, dropped)",
                        st.text
                    ),
                )
            })?;
            (Cond::Msg(label(i + 1)?, state), i + 3)
        }
        "linearizable" => (Cond::Linearizable, i + 1),
        "safe" => (Cond::Safe, i + 1),
        "two-leaders" => (Cond::TwoLeaders, i + 1),
        "minority" => (Cond::Minority(l.node(i + 1)?), i + 2),
        "quorum-size" => {
            let (cmp, v) = comparison(l, i + 1)?;
            (Cond::QuorumSize(cmp, v), i + 3)
        }
        "snapshot" => {
            let n = l.node(i + 1)?;
            let (cmp, v) = comparison(l, i + 2)?;
            (Cond::Snapshot(n, cmp, v), i + 4)
        }
        "pre-vote" => (Cond::PreVote(on_off(l, l.tok(i + 1, "on or off")?)?), i + 2),
        "check-quorum" => (
            Cond::CheckQuorum(on_off(l, l.tok(i + 1, "on or off")?)?),
            i + 2,
        ),
        "request" => parse_request(l, i + 1)?,
        "sides" => {
            let (groups, next) = parse_sides(l, i + 1)?;
            (Cond::Sides(groups), next)
        }
        "same-term" => (Cond::SameTerm(l.node(i + 1)?, l.node(i + 2)?), i + 3),
        "watching" => {
            let key = l.tok(i + 1, "a key")?.text.to_string();
            let prefix = l.toks.get(i + 2).is_some_and(|t| t.text == "prefix");
            let mut next = if prefix { i + 3 } else { i + 2 };
            let mut seen = None;
            if l.toks
                .get(next)
                .is_some_and(|t| matches!(t.text, ">=" | "=" | "<="))
            {
                seen = Some(comparison(l, next)?);
                next += 2;
            }
            (Cond::Watching { key, prefix, seen }, next)
        }
        "not" => {
            // One `not` is all a condition needs; refusing a chain also
            // keeps the parser's recursion one level deep.
            if let Some(t) = l.toks.get(i + 1).filter(|t| t.text == "not") {
                return Err(l.err(t.col, "'not not' is the condition itself"));
            }
            let (c, next) = parse_cond(l, i + 1)?;
            (Cond::Not(Box::new(c)), next)
        }
        other => {
            return Err(l.err(
                t.col,
                format!("unknown condition '{other}' (see raft-sim script --help)"),
            ))
        }
    })
}

/// `>=|=|<=` at token `i`.
fn cmp_op(l: &Line, i: usize) -> Result<Cmp, ScriptError> {
    let op = l.tok(i, "'>=', '=' or '<='")?;
    match op.text {
        ">=" => Ok(Cmp::AtLeast),
        "=" => Ok(Cmp::Equal),
        "<=" => Ok(Cmp::AtMost),
        other => Err(l.err(
            op.col,
            format!("expected '>=', '=' or '<=', found '{other}'"),
        )),
    }
}

/// `>=|=|<= NUMBER` at token `i`.
fn comparison(l: &Line, i: usize) -> Result<(Cmp, u64), ScriptError> {
    let cmp = cmp_op(l, i)?;
    Ok((cmp, number(l, l.tok(i + 1, "a number")?, "a number")?))
}

/// `N|any VERB KEY [mode=M] [STATE]` from token `i`.
fn parse_request(l: &Line, i: usize) -> Result<(Cond, usize), ScriptError> {
    let node = match l.tok(i, "a member or 'any'")?.text {
        "any" => None,
        _ => Some(l.node(i)?),
    };
    let v = l.tok(i + 1, "put, get, delete or range")?;
    if !VERBS.contains(&v.text) {
        return Err(l.err(
            v.col,
            format!("expected put, get, delete or range, found '{}'", v.text),
        ));
    }
    let key = l.tok(i + 2, "a key")?.text.to_string();
    let mut next = i + 3;
    let mut mode = None;
    if let Some(m) = l.toks.get(next).and_then(|t| t.text.strip_prefix("mode=")) {
        let col = l.toks[next].col;
        mode = Some(ReadMode::parse(m).ok_or_else(|| {
            l.err(
                col,
                format!("unknown read mode '{m}' (linearizable, lease, serializable)"),
            )
        })?);
        next += 1;
    }
    let m = RequestMatch {
        node,
        verb: v.text.to_string(),
        key,
        mode,
    };
    let (state, next) = match l.toks.get(next).map(|t| t.text) {
        Some("sent") => (RequestState::Sent, next + 1),
        Some("done") => (RequestState::Done, next + 1),
        Some("ok") => (RequestState::Ok, next + 1),
        Some("failed") => (RequestState::Failed, next + 1),
        Some("stale") => (RequestState::Stale, next + 1),
        Some("fresh") => (RequestState::Fresh, next + 1),
        Some("absent") | Some("=") => {
            let (value, after) = expected_value(l, next)?;
            (RequestState::Value(value), after)
        }
        _ => (RequestState::Sent, next),
    };
    Ok((Cond::Request(m, state), next))
}

fn expected_value(l: &Line, i: usize) -> Result<(Option<String>, usize), ScriptError> {
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

impl Runner {
    /// Whether a condition holds now.
    pub fn holds(&self, c: &Cond) -> Result<bool, String> {
        let cl = &self.cluster;
        let live = |n: &NodeRef| -> Result<_, String> {
            Ok(cl.member(self.resolve(n)?).and_then(|m| m.live()))
        };
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
            Cond::Commit(n, cmp, v) => live(n)?.is_some_and(|l| cmp.test(l.commit(), *v)),
            Cond::Term(n, cmp, v) => live(n)?.is_some_and(|l| cmp.test(l.term(), *v)),
            Cond::CommitWith(n, cmp, m) => match (live(n)?, live(m)?) {
                (Some(a), Some(b)) => cmp.test(a.commit(), b.commit()),
                _ => false,
            },
            Cond::Converged => cl.converged().is_ok(),
            Cond::Ok(label) => self.op(label)?.is_ok(),
            Cond::Failed(label) => {
                let h = self.op(label)?;
                h.result.is_some() && !h.is_ok()
            }
            Cond::Done(label) => self.op(label)?.result.is_some(),
            Cond::Stale(label) => self.op(label)?.stale.is_some(),
            Cond::Fresh(label) => {
                let h = self.op(label)?;
                h.is_ok() && h.stale.is_none()
            }
            Cond::Result(label, want) => match &self.op(label)?.result {
                Some(OpResult::Ok {
                    reply: Reply::Get { kv, .. },
                }) => &kv.as_ref().map(|kv| kv.value.clone()) == want,
                // A read at a revision (`get N KEY rev=R`): its one key.
                Some(OpResult::Ok {
                    reply: Reply::RangeResponse(r),
                }) => &r.kvs.first().map(|kv| kv.value.clone()) == want,
                _ => false,
            },
            Cond::Value(n, key, want) => match cl.kv(self.resolve(n)?) {
                Some(kv) => kv.get(key).map(|kv| kv.value) == *want,
                None => false,
            },
            Cond::Voter(n) => cl.membership().voters.contains(&self.resolve(n)?),
            Cond::NotMember(n) => !conf_members(cl.membership()).contains(&self.resolve(n)?),
            Cond::Joint => !cl.membership().voters_outgoing.is_empty(),
            Cond::NotJoint => cl.membership().voters_outgoing.is_empty(),
            Cond::Events(label, n) => self.watch(label)?.seen == *n,
            Cond::WatchCanceled(label) => self.watch(label)?.ended,
            Cond::WatchOn(label, n) => {
                let w = self.watch(label)?;
                !w.ended && !w.waiting && w.node == self.resolve(n)?
            }
            Cond::Msg(label, want) => self.msg_state(label)? == Some(*want),
            Cond::Linearizable => cl.linearizability().linearizable,
            Cond::Safe => cl.violations().is_empty(),
            Cond::TwoLeaders => {
                cl.members()
                    .filter_map(|m| m.live())
                    .filter(|l| l.role() == Role::Leader)
                    .count()
                    >= 2
            }
            Cond::Minority(n) => {
                let n = self.resolve(n)?;
                cl.sides()
                    .iter()
                    .any(|s| s.members.contains(&n) && !s.has_quorum)
            }
            Cond::QuorumSize(cmp, q) => {
                cmp.test(crate::reach::quorum_size(cl.voters().len()) as u64, *q)
            }
            Cond::Snapshot(n, cmp, i) => cl
                .member(self.resolve(n)?)
                .is_some_and(|m| cmp.test(m.disk().snapshot_index(), *i)),
            Cond::PreVote(on) => cl.config().raft.pre_vote == *on,
            Cond::CheckQuorum(on) => cl.config().raft.check_quorum == *on,
            Cond::Not(c) => !self.holds(c)?,
            Cond::Sides(groups) => self.sides_are(groups)?,
            Cond::SameTerm(a, b) => match (live(a)?, live(b)?) {
                (Some(a), Some(b)) => a.term() == b.term(),
                _ => false,
            },
            Cond::Watching { key, prefix, seen } => (cl.watches())
                .filter(|w| &w.key == key && w.prefix == *prefix && !w.ended && !w.waiting)
                .any(|w| seen.is_none_or(|(cmp, n)| cmp.test(w.seen, n))),
            Cond::Request(m, state) => match self.latest_request(m)? {
                None => false,
                Some(h) => match state {
                    RequestState::Sent => true,
                    RequestState::Done => h.result.is_some(),
                    RequestState::Ok => h.is_ok(),
                    RequestState::Failed => h.result.is_some() && !h.is_ok(),
                    RequestState::Stale => h.stale.is_some(),
                    RequestState::Fresh => h.is_ok() && h.stale.is_none(),
                    RequestState::Value(want) => match &h.result {
                        Some(OpResult::Ok {
                            reply: Reply::Get { kv, .. },
                        }) => &kv.as_ref().map(|kv| kv.value.clone()) == want,
                        _ => false,
                    },
                },
            },
        })
    }

    /// What a watch saw, in words.
    fn describe_watch(&self, w: &WatchView) -> String {
        let seen: Vec<String> = w
            .events
            .iter()
            .map(|e| match e.kind {
                WatchEventKind::Put => {
                    format!("put {} = {} (rev {})", e.kv.key, e.kv.value, e.revision())
                }
                WatchEventKind::Delete => format!("delete {} (rev {})", e.kv.key, e.revision()),
            })
            .collect();
        let state = match (w.compact_revision, w.waiting) {
            (Some(rev), _) => format!("; canceled (compacted at revision {rev})"),
            (None, true) => format!("; waiting (n{} is down)", w.node),
            (None, false) => format!("; on n{}", w.node),
        };
        format!("{} events: {}{state}", w.seen, seen.join(", "))
    }

    /// The latest request in the client history that `m` matches, among
    /// those the script did not label: a lesson's own requests (sent `as`
    /// a label) must not complete a task that waits for the learner's.
    pub fn latest_request(&self, m: &RequestMatch) -> Result<Option<&HistoryEntry>, String> {
        let node = m.node.as_ref().map(|n| self.resolve(n)).transpose()?;
        Ok(self.cluster.history().iter().rev().find(|h| {
            !self.labels_op(h.op_id)
                && node.is_none_or(|n| h.node == n)
                && m.mode.is_none_or(|mode| h.mode == Some(mode))
                && op_matches(&h.op, &m.verb, &m.key)
        }))
    }

    /// Where a labelled message is; `None` if it left the network and the
    /// kept trace no longer says how.
    pub fn msg_state(&self, label: &str) -> Result<Option<MsgState>, String> {
        let id = self.message(label)?;
        if let Some(m) = self.cluster.network().get(id) {
            return Ok(Some(if m.held {
                MsgState::Held
            } else {
                MsgState::InFlight
            }));
        }
        Ok(self
            .cluster
            .trace()
            .recent()
            .rev()
            .find_map(|e| match e.kind {
                EventKind::MessageDelivered { id: i, .. } if i == id => Some(MsgState::Delivered),
                EventKind::MessageDropped { id: i, .. } if i == id => Some(MsgState::Dropped),
                _ => None,
            }))
    }

    fn term_and_commit(&self, n: &NodeRef) -> String {
        match self
            .resolve(n)
            .map(|id| (id, self.cluster.member(id).and_then(|m| m.live())))
        {
            Ok((id, Some(l))) => format!(
                "n{id} is in term {} with commit index {}",
                l.term(),
                l.commit()
            ),
            Ok((id, None)) => format!("n{id} is not running"),
            Err(e) => e,
        }
    }

    /// What a condition found, in words: why it does not hold, or for a
    /// watch, what it saw.
    pub fn describe(&self, c: &Cond) -> String {
        let finished =
            |label: &str, what: &str| match self.op(label).ok().and_then(|h| h.result.clone()) {
                Some(r) => format!("request '{label}' {what}{r}"),
                None => format!("request '{label}' has not finished"),
            };
        match c {
            Cond::Result(label, _) => finished(label, "returned "),
            Cond::Ok(label) | Cond::Failed(label) | Cond::Done(label) => finished(label, ": "),
            Cond::Stale(label) | Cond::Fresh(label) => match self.op(label).map(|h| h.stale) {
                Ok(Some(s)) => format!(
                    "request '{label}' is stale: read at revision {}, {} was committed before it began",
                    s.answered, s.newest
                ),
                Ok(None) => finished(label, "is not stale: "),
                Err(e) => e,
            },
            Cond::Commit(n, ..) | Cond::Term(n, ..) => self.term_and_commit(n),
            Cond::CommitWith(n, _, m) => {
                format!("{}; {}", self.term_and_commit(n), self.term_and_commit(m))
            }
            Cond::Converged => match self.cluster.converged() {
                Ok(()) => "converged".into(),
                Err(e) => e,
            },
            Cond::Watching { key, prefix, .. } => {
                let seen: Vec<String> = (self.cluster.watches())
                    .filter(|w| &w.key == key && w.prefix == *prefix && !w.ended && !w.waiting)
                    .map(|w| self.describe_watch(w))
                    .collect();
                match seen.is_empty() {
                    true => format!("no running watch on {key}"),
                    false => seen.join("; "),
                }
            }
            Cond::Events(label, _) | Cond::WatchCanceled(label) | Cond::WatchOn(label, _) => match self.watch(label) {
                Ok(w) => self.describe_watch(w),
                Err(e) => e,
            },
            Cond::Msg(label, _) => match self.msg_state(label) {
                Ok(Some(s)) => format!("message '{label}' is {}", s.as_str()),
                Ok(None) => format!("message '{label}' left the network"),
                Err(e) => e,
            },
            Cond::Not(c) => format!("it holds: {}", self.describe(c)),
            Cond::SameTerm(a, b) => {
                let term = |n: &NodeRef| match self.resolve(n) {
                    Ok(id) => match self.cluster.member(id).and_then(|m| m.live()) {
                        Some(l) => format!("n{id} is in term {}", l.term()),
                        None => format!("n{id} is not running"),
                    },
                    Err(e) => e,
                };
                format!("{}, {}", term(a), term(b))
            }
            Cond::Request(m, _) => match self.latest_request(m) {
                Ok(Some(h)) => match &h.result {
                    Some(r) => format!(
                        "the latest {} {} to n{} returned {r}",
                        m.verb, m.key, h.node
                    ),
                    None => format!(
                        "the latest {} {} to n{} has not finished",
                        m.verb, m.key, h.node
                    ),
                },
                Ok(None) => format!("no {} of {} was sent there", m.verb, m.key),
                Err(e) => e,
            },
            Cond::Sides(_) => self.describe_sides(),
            Cond::Snapshot(n, ..) => match self.resolve(n) {
                Ok(id) => match self.cluster.member(id) {
                    Some(m) => format!("n{id}'s log is compacted to {}", m.disk().snapshot_index()),
                    None => format!("n{id} is not a member"),
                },
                Err(e) => e,
            },
            Cond::QuorumSize(..) => {
                let v = self.cluster.voters().len();
                format!("{v} voters, quorum {}", crate::reach::quorum_size(v))
            }
            Cond::PreVote(_) | Cond::CheckQuorum(_) => {
                let r = &self.cluster.config().raft;
                format!("pre-vote {}, check-quorum {}", r.pre_vote, r.check_quorum)
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
}
