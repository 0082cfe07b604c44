//! The event log's lines: the trace in plain words, by category, with
//! message traffic kept apart so that it cannot push the rest out.

use std::collections::VecDeque;

use raft_sim::{Event, EventKind, Lang};

const EVENT_LINES: usize = 400;
const MESSAGE_LINES: usize = 200;

/// A line of the event log.
#[derive(Clone, Debug, PartialEq)]
pub struct LogLine {
    /// Trace position.
    pub seq: u64,
    /// Virtual time.
    pub time: u64,
    /// Category, for the filter.
    pub cat: Category,
    /// What happened; said in a language by [`LogLine::text`].
    pub kind: EventKind,
}

impl LogLine {
    /// The line in plain words in `lang` (the core's words for its
    /// events).
    pub fn text(&self, lang: Lang) -> String {
        self.kind.describe(lang)
    }

    /// Whether this line tells why Raft refused something, or why a leader
    /// stepped down, involving `node`.
    pub fn why_about(&self, node: u64) -> bool {
        match &self.kind {
            EventKind::VoteRefused {
                voter, candidate, ..
            } => *voter == node || *candidate == node,
            EventKind::AppendRejected {
                leader, follower, ..
            } => *leader == node || *follower == node,
            EventKind::ProposalDropped { node: n, from, .. } => *n == node || *from == node,
            EventKind::ReadRefused { node: n, .. } | EventKind::SteppedDown { node: n, .. } => {
                *n == node
            }
            _ => false,
        }
    }
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
            EventKind::RoleChanged { .. }
            | EventKind::Voted { .. }
            | EventKind::VoteRefused { .. }
            | EventKind::SteppedDown { .. } => Category::Election,
            EventKind::AppendRejected { .. } => Category::Log,
            EventKind::Committed { .. }
            | EventKind::Applied { .. }
            | EventKind::SnapshotInstalled { .. }
            | EventKind::Compacted { .. } => Category::Log,
            EventKind::MembershipChanged { .. } => Category::Membership,
            EventKind::ClientInvoke { .. }
            | EventKind::ClientComplete { .. }
            | EventKind::Watch { .. }
            | EventKind::WatchCanceled { .. }
            | EventKind::WatchMoved { .. }
            | EventKind::WatchWaiting { .. }
            | EventKind::ProposalDropped { .. }
            | EventKind::ReadRefused { .. }
            | EventKind::StaleRead { .. } => Category::Client,
            EventKind::Fault { .. } | EventKind::Violation { .. } | EventKind::Note { .. } => {
                Category::Fault
            }
        }
    }
}

/// The recent lines: up to 400 of every category but messages, and up to
/// 200 message sends and deliveries, which come a hundred times as often.
#[derive(Clone, Debug, Default)]
pub struct EventLines {
    events: VecDeque<LogLine>,
    message_events: VecDeque<LogLine>,
}

impl EventLines {
    /// Adds the line for a trace event, dropping the oldest of its kind
    /// past the limit.
    pub fn push(&mut self, e: &Event) {
        let cat = Category::of(&e.kind);
        let line = LogLine {
            seq: e.seq,
            time: e.time,
            cat,
            kind: e.kind.clone(),
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

    /// All lines kept, oldest first.
    pub fn lines(&self) -> Vec<LogLine> {
        let mut out = Vec::with_capacity(self.events.len() + self.message_events.len());
        merge_by_seq(&self.events, &self.message_events, &mut out);
        out
    }
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
