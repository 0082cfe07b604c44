//! How many records a cluster holds: the counts that must not grow with
//! the length of a run.

use super::Cluster;
use crate::footprint::Footprint;

impl Cluster {
    /// How many records the cluster holds, to see that none grows with the
    /// length of the run.
    pub fn footprint(&self) -> Footprint {
        let (checker_leaders, checker_persisted, checker_applied) = self.checker.sizes();
        let mut f = Footprint {
            history: self.history.len(),
            history_carried: self.history_carried.len(),
            checker_leaders,
            checker_persisted,
            checker_applied,
            trace_kept: self.trace.recent().len(),
            in_flight: self.net.in_flight().count(),
            watch_events: self.watches.values().map(|w| w.events.len()).sum(),
            ..Default::default()
        };
        for m in self.members.values() {
            let disk = m.disk();
            f.log_entries += disk.entries().len();
            f.snapshot_bytes += disk.snapshot_ref().data.len();
            if let Some(l) = m.live() {
                f.remembered_ops += l.kv().remembered_ops();
                f.pending_requests += l.pending_requests();
            }
        }
        f
    }
}
