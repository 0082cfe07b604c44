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

    fn flag(&mut self, property: &str, detail: String, time: u64, step: u64) -> Violation {
        let v = Violation {
            property: property.into(),
            detail,
            time,
            step,
        };
        self.violations.push(v.clone());
        v
    }

    /// Election safety: at most one leader per term.
    pub fn on_leader(
        &mut self,
        node: NodeId,
        term: u64,
        time: u64,
        step: u64,
    ) -> Option<Violation> {
        match self.leaders.get(&term) {
            Some(&other) if other != node => Some(self.flag(
                "election-safety",
                format!("n{node} and n{other} both became leader in term {term}"),
                time,
                step,
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
    pub fn on_persist(
        &mut self,
        node: NodeId,
        index: u64,
        term: u64,
        hash: u64,
        time: u64,
        step: u64,
    ) -> Option<Violation> {
        match self.persisted.get(&(index, term)) {
            Some(&h) if h != hash => Some(self.flag(
                "log-matching",
                format!("n{node} persisted a different entry at index {index}, term {term}"),
                time,
                step,
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
    pub fn on_apply(
        &mut self,
        node: NodeId,
        index: u64,
        term: u64,
        hash: u64,
        time: u64,
        step: u64,
    ) -> Option<Violation> {
        match self.applied.get(&index) {
            Some(&(t, h)) if (t, h) != (term, hash) => Some(self.flag(
                "state-machine-safety",
                format!(
                    "n{node} applied an entry of term {term} at index {index}, \
                     another member applied one of term {t}"
                ),
                time,
                step,
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
        time: u64,
        step: u64,
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
                time,
                step,
            )
        })
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
        assert!(c.on_leader(1, 5, 0, 0).is_none());
        assert!(c.on_leader(1, 5, 0, 0).is_none());
        assert!(c.on_leader(2, 5, 0, 0).is_some());
        assert_eq!(c.violations()[0].property, "election-safety");
    }

    #[test]
    fn state_machine_safety_flags_divergent_applies() {
        let mut c = SafetyChecker::new();
        assert!(c.on_apply(1, 7, 2, 99, 0, 0).is_none());
        assert!(c.on_apply(2, 7, 2, 99, 0, 0).is_none());
        assert!(c.on_apply(3, 7, 3, 12, 0, 0).is_some());
    }
}
