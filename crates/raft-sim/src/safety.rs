//! Raft's safety properties, watched continuously.
//!
//! The cluster feeds the checker after every member step: new leaders,
//! entries persisted, entries applied. A broken property becomes a
//! [`Violation`] naming the virtual time and the trace step.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use crate::NodeId;

/// A broken property, with where to find it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Violation {
    /// Property name: `election-safety`, `log-matching`,
    /// `leader-completeness`, `state-machine-safety`, `linearizability`,
    /// `progress`, `convergence`.
    pub property: String,
    /// What was seen.
    pub detail: String,
    /// Virtual time it was detected.
    pub time: u64,
    /// Trace position at detection (the step).
    pub step: u64,
}

/// An entry a member persisted or applied, as the checkers compare it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct EntryRecord {
    /// The member that persisted or applied it.
    pub node: NodeId,
    /// Log index.
    pub index: u64,
    /// The term it was proposed in.
    pub term: u64,
    /// FNV-1a of its type and data: equal hashes, same entry.
    pub hash: u64,
}

/// When a check ran: virtual time and trace step, for the violation.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Moment {
    /// Virtual time in ms.
    pub time: u64,
    /// Trace position (events so far).
    pub step: u64,
}

/// Watches Raft's safety properties as the run goes.
#[derive(Clone, Debug, Default)]
pub struct SafetyChecker {
    leaders: BTreeMap<u64, NodeId>,
    /// `(index, term) → entry hash` of every entry any member persisted.
    persisted: BTreeMap<(u64, u64), u64>,
    /// `index → (term, hash)` of every entry any member applied.
    applied: BTreeMap<u64, (u64, u64)>,
    violations: Vec<Violation>,
}

impl SafetyChecker {
    /// A checker that has seen nothing.
    pub fn new() -> Self {
        Self::default()
    }

    /// Violations found so far.
    pub fn violations(&self) -> &[Violation] {
        &self.violations
    }

    fn flag(&mut self, property: &str, detail: String, at: Moment) -> Violation {
        let v = Violation {
            property: property.into(),
            detail,
            time: at.time,
            step: at.step,
        };
        self.violations.push(v.clone());
        v
    }

    /// Election safety: at most one leader per term.
    pub fn on_leader(&mut self, node: NodeId, term: u64, at: Moment) -> Option<Violation> {
        match self.leaders.get(&term) {
            Some(&other) if other != node => Some(self.flag(
                "election-safety",
                format!("n{node} and n{other} both became leader in term {term}"),
                at,
            )),
            Some(_) => None,
            None => {
                self.leaders.insert(term, node);
                None
            }
        }
    }

    /// Log matching: two entries with the same index and term are the same
    /// entry. (Checked for every entry ever persisted, this gives the whole
    /// property by induction, since raft-rs only appends after checking the
    /// previous index and term.)
    pub fn on_persist(&mut self, e: EntryRecord, at: Moment) -> Option<Violation> {
        let EntryRecord {
            node,
            index,
            term,
            hash,
        } = e;
        match self.persisted.get(&(index, term)) {
            Some(&h) if h != hash => Some(self.flag(
                "log-matching",
                format!("n{node} persisted a different entry at index {index}, term {term}"),
                at,
            )),
            Some(_) => None,
            None => {
                self.persisted.insert((index, term), hash);
                None
            }
        }
    }

    /// State machine safety: no two members apply different entries at the
    /// same index.
    pub fn on_apply(&mut self, e: EntryRecord, at: Moment) -> Option<Violation> {
        let EntryRecord {
            node,
            index,
            term,
            hash,
        } = e;
        match self.applied.get(&index) {
            Some(&(t, h)) if (t, h) != (term, hash) => Some(self.flag(
                "state-machine-safety",
                format!(
                    "n{node} applied an entry of term {term} at index {index}, \
                     another member applied one of term {t}"
                ),
                at,
            )),
            Some(_) => None,
            None => {
                self.applied.insert(index, (term, hash));
                None
            }
        }
    }

    /// Leader completeness: a new leader's log holds every entry committed
    /// before its term. `term_at(i)` is the leader's term for index `i`
    /// (`None` if it lacks it); `first` is its first index not compacted.
    pub fn on_leader_log(
        &mut self,
        node: NodeId,
        term: u64,
        first: u64,
        term_at: impl Fn(u64) -> Option<u64>,
        at: Moment,
    ) -> Option<Violation> {
        let missing = self
            .applied
            .range(first..)
            .find(|(i, (t, _))| *t < term && term_at(**i) != Some(*t))
            .map(|(i, (t, _))| (*i, *t));
        missing.map(|(i, t)| {
            self.flag(
                "leader-completeness",
                format!(
                    "n{node} became leader in term {term} without committed entry #{i} (term {t})"
                ),
                at,
            )
        })
    }

    /// Forgets the entries below index `settled` except those `needed`
    /// still wants: no member can persist or apply them again (each one's
    /// log starts above its snapshot), except a member that is down, which
    /// applies its log again when it restarts. So the checks stay whole
    /// while memory stays bounded over a long run.
    pub fn forget_settled(&mut self, settled: u64, needed: impl Fn(u64) -> bool) {
        let mut old = std::mem::take(&mut self.applied);
        self.applied = old.split_off(&settled);
        old.retain(|&i, _| needed(i));
        self.applied.append(&mut old);
        let mut old = std::mem::take(&mut self.persisted);
        self.persisted = old.split_off(&(settled, 0));
        old.retain(|&(i, _), _| needed(i));
        self.persisted.append(&mut old);
    }

    /// Records kept: (leaders, persisted entries, applied entries).
    pub fn sizes(&self) -> (usize, usize, usize) {
        (self.leaders.len(), self.persisted.len(), self.applied.len())
    }

    /// Highest index any member applied.
    pub fn max_applied(&self) -> u64 {
        self.applied.keys().next_back().copied().unwrap_or(0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn election_safety_flags_two_leaders_in_a_term() {
        let mut c = SafetyChecker::new();
        let at = Moment { time: 0, step: 0 };
        assert!(c.on_leader(1, 5, at).is_none());
        assert!(c.on_leader(1, 5, at).is_none());
        assert!(c.on_leader(2, 5, at).is_some());
        assert_eq!(c.violations()[0].property, "election-safety");
    }

    #[test]
    fn state_machine_safety_flags_divergent_applies() {
        let mut c = SafetyChecker::new();
        let at = Moment { time: 0, step: 0 };
        let e = |node, term, hash| EntryRecord {
            node,
            index: 7,
            term,
            hash,
        };
        assert!(c.on_apply(e(1, 2, 99), at).is_none());
        assert!(c.on_apply(e(2, 2, 99), at).is_none());
        assert!(c.on_apply(e(3, 3, 12), at).is_some());
    }
}
