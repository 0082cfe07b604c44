//! The moments the simulation can pause on by itself, as a debugger stops
//! at a breakpoint: a lesson's step names the moment it is about, and the
//! page offers the same list outside lessons.
//!
//! [`PauseOn`] names the moments; a [`PauseWatch`] notices them as events
//! happen, from the new trace events (a role change, a fault, a membership
//! change, an entry applied for the first time), so that checking after
//! every event costs next to nothing: the members are looked at only when
//! such an event says something may have changed.
//! [`Cluster::run_until_pause`] runs the clock until a deadline or the
//! first moment watched for, stopping right after the event that caused it.

use serde::{Deserialize, Serialize};

use crate::cluster::Cluster;
use crate::lang::{Lang, Text};
use crate::reach;
use crate::role::Role;
use crate::trace::EventKind;
use crate::NodeId;

/// A moment worth stopping the clock for.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum PauseOn {
    /// A member becomes leader (a new term's leader, or the first one).
    LeaderChange,
    /// Two members both believe they lead (in different terms): the old
    /// leader has not yet heard of the new one.
    TwoLeaders,
    /// The voters that can reach each other no longer make a quorum
    /// anywhere.
    QuorumLost,
    /// A client's write is committed.
    Commit,
}

impl PauseOn {
    /// Every moment, in the order the page lists them.
    pub const ALL: [PauseOn; 4] = [
        PauseOn::LeaderChange,
        PauseOn::TwoLeaders,
        PauseOn::QuorumLost,
        PauseOn::Commit,
    ];

    /// The word scripts and URLs use (`pause-on two-leaders`).
    pub fn word(self) -> &'static str {
        match self {
            PauseOn::LeaderChange => "leader-change",
            PauseOn::TwoLeaders => "two-leaders",
            PauseOn::QuorumLost => "quorum-lost",
            PauseOn::Commit => "commit",
        }
    }

    /// Reads a word written by [`PauseOn::word`].
    pub fn parse(word: &str) -> Option<PauseOn> {
        PauseOn::ALL.into_iter().find(|p| p.word() == word)
    }

    /// What the page calls it, in `lang`.
    pub fn label(self, lang: Lang) -> &'static str {
        match lang {
            Lang::En => match self {
                PauseOn::LeaderChange => "a new leader",
                PauseOn::TwoLeaders => "two leaders at once",
                PauseOn::QuorumLost => "quorum lost",
                PauseOn::Commit => "a write committed",
            },
            Lang::Zh => match self {
                PauseOn::LeaderChange => "选出新领导者",
                PauseOn::TwoLeaders => "同时存在两个领导者",
                PauseOn::QuorumLost => "失去法定人数",
                PauseOn::Commit => "写入已提交",
            },
        }
    }

    /// Both labels, for places that keep text in both languages.
    pub fn text(self) -> Text {
        Text::new(self.label(Lang::En), self.label(Lang::Zh))
    }
}

/// What happened at a moment, for the page to say.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum Moment {
    /// `node` became leader in `term`.
    NewLeader {
        /// The new leader.
        node: NodeId,
        /// Its term.
        term: u64,
    },
    /// `node` became leader in `term` while `old` still believes it leads
    /// in `old_term`.
    TwoLeaders {
        /// The new leader.
        node: NodeId,
        /// Its term.
        term: u64,
        /// The leader that has not heard of it yet.
        old: NodeId,
        /// The old leader's term.
        old_term: u64,
    },
    /// No voter talks to a quorum of voters any more.
    QuorumLost {
        /// Voters in the membership.
        voters: usize,
        /// Voters a quorum needs.
        needed: usize,
        /// Most voters any running voter talks to, itself included.
        best: usize,
    },
    /// A client's write was committed: `node`, the first to apply it (the
    /// leader), applied entry `index`.
    Committed {
        /// The member that applied it first.
        node: NodeId,
        /// Log index.
        index: u64,
        /// The entry, e.g. `put /registry/pods/web=v1`.
        what: String,
    },
}

impl Moment {
    /// The moment in plain words, in `lang`.
    pub fn describe(&self, lang: Lang) -> String {
        match (lang, self) {
            (Lang::En, Moment::NewLeader { node, term }) => {
                format!("n{node} became leader in term {term}")
            }
            (Lang::Zh, Moment::NewLeader { node, term }) => {
                format!("n{node} 在任期 {term} 成为领导者")
            }
            (
                Lang::En,
                Moment::TwoLeaders {
                    node,
                    term,
                    old,
                    old_term,
                },
            ) => format!(
                "n{node} became leader in term {term} while n{old} still believes it leads in term {old_term}"
            ),
            (
                Lang::Zh,
                Moment::TwoLeaders {
                    node,
                    term,
                    old,
                    old_term,
                },
            ) => format!(
                "n{node} 在任期 {term} 成为领导者，而 n{old} 仍以为自己是任期 {old_term} 的领导者"
            ),
            (
                Lang::En,
                Moment::QuorumLost {
                    voters,
                    needed,
                    best,
                },
            ) => format!(
                "quorum lost: a quorum is {needed} of {voters} voters, and at most {best} can talk to each other"
            ),
            (
                Lang::Zh,
                Moment::QuorumLost {
                    voters,
                    needed,
                    best,
                },
            ) => format!(
                "失去法定人数：{voters} 个投票成员的法定人数是 {needed}，而最多只有 {best} 个能互相通信"
            ),
            (Lang::En, Moment::Committed { node, index, what }) => {
                format!("n{node} committed entry {index}: {what}")
            }
            (Lang::Zh, Moment::Committed { node, index, what }) => {
                format!("n{node} 提交了日志条目 {index}：{what}")
            }
        }
    }
}

/// Why the clock stopped by itself.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Paused {
    /// The moment watched for.
    pub on: PauseOn,
    /// Virtual time, ms.
    pub at_ms: u64,
    /// What happened.
    pub detail: Moment,
}

/// Notices the moments of a set as they happen. It reads the trace
/// incrementally and remembers what it needs to see an edge (whether a
/// quorum was available, the highest index applied anywhere), so it must
/// see every change: check it after each event and each action, as
/// [`Cluster::run_until_pause`] does, or [`PauseWatch::resync`] it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PauseWatch {
    on: Vec<PauseOn>,
    /// Trace events read so far.
    seen: u64,
    quorum: bool,
    applied: u64,
    /// The last moment reported and its time.
    last: Option<(PauseOn, u64)>,
}

impl PauseWatch {
    /// A watch for `on`, starting from the cluster as it is.
    pub fn new(cluster: &Cluster, on: &[PauseOn]) -> PauseWatch {
        let mut w = PauseWatch {
            on: Vec::new(),
            seen: 0,
            quorum: true,
            applied: 0,
            last: None,
        };
        w.set(cluster, on);
        w
    }

    /// The moments watched for, in [`PauseOn::ALL`]'s order.
    pub fn moments(&self) -> &[PauseOn] {
        &self.on
    }

    /// Whether `p` is watched for.
    pub fn watches(&self, p: PauseOn) -> bool {
        self.on.contains(&p)
    }

    /// Watches for `on` from now on.
    pub fn set(&mut self, cluster: &Cluster, on: &[PauseOn]) {
        self.on = PauseOn::ALL
            .into_iter()
            .filter(|p| on.contains(p))
            .collect();
        self.resync(cluster);
    }

    /// Forgets what happened since the last check: the cluster as it is
    /// now is the starting point (after a replay, or after the cluster ran
    /// without the watch).
    pub fn resync(&mut self, cluster: &Cluster) {
        self.seen = cluster.trace().len();
        self.quorum = cluster.quorum_available();
        self.applied = cluster.max_applied();
    }

    /// The first moment watched for among the trace events since the last
    /// check, if any. It stops reading right after the event that showed
    /// the moment, so a second moment in the same step is reported by the
    /// next check; but not the same moment again in the same millisecond
    /// (a leader commits several entries at once, for instance a write and
    /// the copies of it a follower proposed again): the clock would stop
    /// again without moving.
    pub fn check(&mut self, cluster: &Cluster) -> Option<Paused> {
        if self.on.is_empty() {
            self.seen = cluster.trace().len();
            return None;
        }
        let trace = cluster.trace();
        let mut found = None;
        for e in trace.since(self.seen) {
            self.seen = e.seq + 1;
            if let Some((on, detail)) = self.moment(cluster, &e.kind) {
                if self.last == Some((on, e.time)) {
                    continue;
                }
                self.last = Some((on, e.time));
                found = Some(Paused {
                    on,
                    at_ms: e.time,
                    detail,
                });
                break;
            }
        }
        if found.is_none() {
            self.seen = trace.len();
        }
        found
    }

    /// The moment one event shows, if watched for. The state an edge needs
    /// is updated whether or not its moment is watched.
    fn moment(&mut self, cluster: &Cluster, kind: &EventKind) -> Option<(PauseOn, Moment)> {
        match kind {
            EventKind::RoleChanged {
                node,
                role: Role::Leader,
                term,
            } => {
                let (node, term) = (*node, *term);
                let old = (self.watches(PauseOn::TwoLeaders))
                    .then(|| other_leader(cluster, node))
                    .flatten();
                if let Some((old, old_term)) = old {
                    let m = Moment::TwoLeaders {
                        node,
                        term,
                        old,
                        old_term,
                    };
                    return Some((PauseOn::TwoLeaders, m));
                }
                (self.watches(PauseOn::LeaderChange))
                    .then_some((PauseOn::LeaderChange, Moment::NewLeader { node, term }))
            }
            EventKind::RoleChanged { .. }
            | EventKind::Fault { .. }
            | EventKind::MembershipChanged { .. }
            | EventKind::SnapshotInstalled { .. } => {
                // What decides the quorum (who runs, the links, the
                // voters) changes only with these events.
                let was = self.quorum;
                self.quorum = cluster.quorum_available();
                (was && !self.quorum && self.watches(PauseOn::QuorumLost))
                    .then(|| (PauseOn::QuorumLost, quorum_lost(cluster)))
            }
            EventKind::Applied {
                node, index, what, ..
            } if *index > self.applied => {
                // The first member to apply an entry is the leader that
                // committed it; the others learn of the commit from it.
                self.applied = *index;
                (self.watches(PauseOn::Commit) && is_client_write(what)).then(|| {
                    let m = Moment::Committed {
                        node: *node,
                        index: *index,
                        what: what.clone(),
                    };
                    (PauseOn::Commit, m)
                })
            }
            _ => None,
        }
    }
}

/// Whether an applied entry's description is a client's write, as
/// `Event::describe` words entries (`put k=v`, `delete k`), not a leader's
/// no-op or a membership change.
fn is_client_write(what: &str) -> bool {
    what.starts_with("put ") || what.starts_with("delete ")
}

/// Another running member that believes it leads, with its term.
fn other_leader(cluster: &Cluster, new: NodeId) -> Option<(NodeId, u64)> {
    cluster
        .members()
        .filter(|m| m.id != new)
        .filter_map(|m| m.live().map(|l| (m.id, l)))
        .find(|(_, l)| l.role() == Role::Leader)
        .map(|(id, l)| (id, l.term()))
}

fn quorum_lost(cluster: &Cluster) -> Moment {
    let voters = cluster.voters();
    // A member that is down reaches no one.
    let best = (voters.iter())
        .map(|&v| cluster.reach(v, &voters))
        .max()
        .unwrap_or(0);
    Moment::QuorumLost {
        voters: voters.len(),
        needed: reach::quorum_size(voters.len()),
        best,
    }
}

impl Cluster {
    /// Runs events until `deadline` or the first moment `watch` watches
    /// for, whichever comes first, and returns that moment. It stops right
    /// after the event that caused it, with the clock at that event's time;
    /// otherwise the clock reaches `deadline`. A moment caused by an action
    /// since the last check is returned at once, before any event runs.
    pub fn run_until_pause(&mut self, deadline: u64, watch: &mut PauseWatch) -> Option<Paused> {
        if watch.on.is_empty() {
            self.advance_to(deadline);
            watch.seen = self.trace().len();
            return None;
        }
        loop {
            if let Some(p) = watch.check(self) {
                return Some(p);
            }
            match self.next_event_time() {
                Some(t) if t <= deadline => {
                    self.step_event();
                }
                _ => {
                    self.advance_to(deadline);
                    return None;
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn words_read_back() {
        for p in PauseOn::ALL {
            assert_eq!(PauseOn::parse(p.word()), Some(p));
        }
        assert_eq!(PauseOn::parse("leader"), None);
    }
}
