//! Client requests, as they enter the cluster.

use super::Cluster;
use crate::client::{ClientError, ClientOp, HistoryEntry, OpResult, ReadFloor, ReadMode};
use crate::kv::KvStore;
use crate::member::{Ctx, Effects, Member};
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
            stale: None,
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
        if let Some(floor) = self.newest_store().and_then(|kv| ReadFloor::of(&op, kv)) {
            self.read_floors.insert(op_id, floor);
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

    /// The store of the running member that applied the most: it holds
    /// every value committed so far (see [`ReadFloor`]).
    fn newest_store(&self) -> Option<&KvStore> {
        (self.members.values())
            .filter_map(Member::live)
            .max_by_key(|l| l.applied())
            .map(|l| l.kv())
    }
}
