//! The client history: every request and its answer, as the
//! linearizability check reads it, kept whole or as a window.

use super::Cluster;
use crate::client::{HistoryEntry, OpResult};
use crate::kv::OP_WINDOW;
use crate::linearizability::{check_linearizability, check_window, LinearizabilityReport};
use crate::trace::EventKind;

impl Cluster {
    /// The client history (with a history limit, the latest requests).
    pub fn history(&self) -> &[HistoryEntry] {
        &self.history
    }

    /// How many requests a history limit dropped from the front.
    pub fn history_dropped(&self) -> u64 {
        self.history_dropped
    }

    /// Requests still waiting for an answer.
    pub fn waiting_requests(&self) -> usize {
        self.waiting
    }

    /// One history entry by op id (`None` once a history limit dropped it).
    pub fn op(&self, op_id: u64) -> Option<&HistoryEntry> {
        let first = self.history.first()?.op_id;
        let i = usize::try_from(op_id.checked_sub(first)?).ok()?;
        self.history.get(i)
    }

    /// Checks the client history for linearizability now. Once a history
    /// limit has dropped requests, this checks the kept window (see
    /// [`check_window`]): the verdict then covers the requests kept, each
    /// key starting from whatever value it had.
    pub fn linearizability(&self) -> LinearizabilityReport {
        match self.history.first() {
            Some(first) if self.history_dropped > 0 => {
                let ops: Vec<HistoryEntry> = (self.history_carried.iter())
                    .chain(&self.history)
                    .cloned()
                    .collect();
                check_window(&ops, first.invoke)
            }
            _ => check_linearizability(&self.history),
        }
    }

    pub(super) fn complete(&mut self, op_id: u64, result: OpResult) {
        let first = self.history.first().map_or(0, |h| h.op_id);
        let Some(entry) = op_id
            .checked_sub(first)
            .and_then(|i| self.history.get_mut(usize::try_from(i).ok()?))
        else {
            return;
        };
        if entry.result.is_some() {
            return;
        }
        self.waiting -= 1;
        entry.complete = Some(self.now);
        let stale = match (self.read_floors.remove(&op_id), &result) {
            (Some(floor), OpResult::Ok { reply }) => floor.judge(reply),
            _ => None,
        };
        entry.stale = stale;
        entry.result = Some(result.clone());
        let (node, mode) = (entry.node, entry.mode);
        self.trace
            .push(self.now, EventKind::ClientComplete { op_id, result });
        if let (Some(s), Some(mode)) = (stale, mode) {
            let event = EventKind::StaleRead {
                op_id,
                node,
                mode,
                answered: s.answered,
                newest: s.newest,
            };
            self.trace.push(self.now, event);
        }
    }

    /// With a history limit, drops the oldest answered requests once twice
    /// the limit are kept. A write that may have taken effect after the
    /// first request kept stays, apart, for the linearizability check.
    pub(super) fn trim_history(&mut self) {
        let Some(limit) = self.config.history_limit else {
            return;
        };
        if self.history.len() < 2 * limit.max(1) {
            return;
        }
        let mut cut = self.history.len() - limit.max(1);
        if let Some(open) = self.history[..cut].iter().position(|h| h.result.is_none()) {
            cut = open;
        }
        let Some(first_kept) = self.history.get(cut).map(|h| h.invoke) else {
            return;
        };
        // A write answered before `first_kept` took effect before it; a
        // write with an unknown outcome may take effect any time, until a
        // write OP_WINDOW op ids newer was answered before `first_kept`.
        let settled = self.history[..cut]
            .iter()
            .filter(|h| h.op.is_write() && h.is_ok() && h.complete < Some(first_kept))
            .map(|h| h.op_id)
            .max()
            .unwrap_or(0);
        self.history_settled_op = self.history_settled_op.max(settled);
        let sealed = self.history_settled_op;
        let may_land_later = |h: &HistoryEntry| {
            h.op.is_write()
                && match &h.result {
                    Some(OpResult::Ok { .. }) => h.complete >= Some(first_kept),
                    Some(OpResult::Err { error }) => {
                        !error.is_definite() && h.op_id + OP_WINDOW >= sealed
                    }
                    None => true,
                }
        };
        self.history_carried.retain(may_land_later);
        let dropped: Vec<HistoryEntry> = self.history.drain(..cut).collect();
        self.history_carried
            .extend(dropped.into_iter().filter(may_land_later));
        self.history_dropped += cut as u64;
    }
}
