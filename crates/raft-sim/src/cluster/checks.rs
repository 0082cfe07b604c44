//! Feeding the safety checkers: when, and what they may forget.

use super::Cluster;
use crate::safety::{Moment, Violation};
use crate::trace::EventKind;

impl Cluster {
    /// Now, for the checkers: the virtual time and the trace step.
    pub(super) fn moment(&self) -> Moment {
        Moment {
            time: self.now,
            step: self.trace.len(),
        }
    }

    /// Lets the safety checker forget the entries no member can persist or
    /// apply again: those at or below every running member's snapshot,
    /// except the log of a member that is down (it applies it again when it
    /// restarts).
    pub(super) fn forget_settled(&mut self) {
        let kept = self.members.values().filter(|m| !m.is_removed());
        let settled = (kept.clone().filter(|m| m.is_up()))
            .map(|m| m.disk().snapshot_index())
            .min()
            .unwrap_or(0);
        let down: Vec<(u64, u64)> = (kept.filter(|m| !m.is_up()))
            .map(|m| (m.disk().snapshot_index(), m.disk().last()))
            .collect();
        let needed = |i: u64| down.iter().any(|&(snap, last)| snap < i && i <= last);
        self.checker.forget_settled(settled, needed);
    }

    pub(super) fn trace_violation(&mut self, v: Violation) {
        self.trace.push(
            self.now,
            EventKind::Violation {
                property: v.property,
                detail: format!("{} (seed {}, step {})", v.detail, self.config.seed, v.step),
            },
        );
    }
}
