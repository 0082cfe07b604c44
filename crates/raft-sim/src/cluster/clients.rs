//! Client requests and watches, as they enter the cluster.

use super::{Cluster, WatchView};
use crate::client::{ClientError, ClientOp, HistoryEntry, OpResult, ReadMode};
use crate::kv::OP_WINDOW;
use crate::member::{Ctx, Effects, Watch};
use crate::trace::EventKind;
use crate::NodeId;

impl Cluster {
    /// Records a client request in the history and hands it to `node`;
    /// returns its op id. An invalid request fails at once.
    pub(super) fn client_request(
        &mut self,
        client: u64,
        node: NodeId,
        op: ClientOp,
        mode: ReadMode,
    ) -> u64 {
        let op_id = self.next_op;
        self.next_op += 1;
        let read_mode = (!op.is_write()).then_some(mode);
        self.trim_history();
        self.waiting += 1;
        self.history.push(HistoryEntry {
            op_id,
            client,
            node,
            op: op.clone(),
            mode: read_mode,
            invoke: self.now,
            complete: None,
            result: None,
        });
        self.trace.push(
            self.now,
            EventKind::ClientInvoke {
                op_id,
                client,
                node,
                op: op.clone(),
                mode: read_mode,
            },
        );
        if let Err(reason) = op.validate() {
            self.complete(
                op_id,
                OpResult::Err {
                    error: ClientError::Invalid { reason },
                },
            );
            return op_id;
        }
        let mut fx = Effects::default();
        match self.members.get_mut(&node) {
            Some(m) if !m.is_removed() => m.client_request(
                op_id,
                op,
                mode,
                self.now,
                &mut Ctx {
                    settings: &self.config.raft,
                    rng: &mut self.rng,
                    fx: &mut fx,
                },
            ),
            _ => fx.completions.push((
                op_id,
                OpResult::Err {
                    error: ClientError::MemberDown { node },
                },
            )),
        }
        self.route(fx);
        op_id
    }

    /// With a history limit, drops the oldest answered requests once twice
    /// the limit are kept. A write that may have taken effect after the
    /// first request kept stays, apart, for the linearizability check.
    fn trim_history(&mut self) {
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

    /// Starts a watch on `node`; returns its id.
    pub(super) fn watch(&mut self, node: NodeId, key: String, prefix: bool) -> Result<u64, String> {
        let id = self.next_watch;
        let m = self.existing_mut(node)?;
        if !m.add_watch(Watch {
            id,
            key: key.clone(),
            prefix,
        }) {
            return Err(format!("n{node} is down"));
        }
        self.next_watch += 1;
        self.watches.insert(
            id,
            WatchView {
                id,
                node,
                key,
                prefix,
                events: Vec::new(),
                ended: false,
            },
        );
        Ok(id)
    }

    pub(super) fn cancel_watch(&mut self, watch: u64) -> Result<(), String> {
        let w = self
            .watches
            .remove(&watch)
            .ok_or_else(|| format!("no watch {watch}"))?;
        if let Some(m) = self.members.get_mut(&w.node) {
            m.cancel_watch(watch);
        }
        Ok(())
    }
}
