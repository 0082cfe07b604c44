//! How much a cluster holds: the count of every record that could grow with
//! the length of a run. The page runs for hours under client traffic, so
//! each of these must stay bounded; the tests and the measurement in
//! `tests/footprint.rs` read them.

use serde::{Deserialize, Serialize};

/// Record counts, summed over members where a member holds its own.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Footprint {
    /// Client requests kept in the history.
    pub history: usize,
    /// Writes dropped from the history kept for the linearizability check.
    pub history_carried: usize,
    /// Terms with a known leader (election safety).
    pub checker_leaders: usize,
    /// `(index, term)` records of persisted entries (log matching).
    pub checker_persisted: usize,
    /// Index records of applied entries (state machine safety).
    pub checker_applied: usize,
    /// Trace events kept for reading.
    pub trace_kept: usize,
    /// Messages in flight.
    pub in_flight: usize,
    /// Watch events kept.
    pub watch_events: usize,
    /// Log entries on the members' disks (after their snapshots).
    pub log_entries: usize,
    /// Op ids the members' stores remember to ignore repeated commands.
    pub remembered_ops: usize,
    /// Bytes of the members' snapshot data.
    pub snapshot_bytes: usize,
    /// Client requests waiting on members.
    pub pending_requests: usize,
}
