//! A member's client requests: writes waiting to commit, reads waiting for
//! their read index, retries and timeouts, and the answers.

use std::collections::BTreeMap;

use raft::ReadOnlyOption;

use super::{Ctx, Effects, Live, Member, RaftSettings};
use crate::client::{ClientError, ClientOp, OpResult, ReadMode, Reply};
use crate::kv::{Command, RangeRequest, WriteOp};
use crate::trace::EventKind;
use crate::why::ProposalDrop;
use crate::NodeId;

/// A write waiting to be committed and applied.
#[derive(Clone, Debug)]
pub(super) struct PendingWrite {
    pub(super) op: WriteOp,
    pub(super) deadline: u64,
    /// Tick count at the last proposal; `None` if not proposed yet.
    pub(super) proposed_at: Option<u64>,
    /// Why Raft dropped its last proposal, if it did: said once per
    /// reason, not on every retry.
    pub(super) dropped: Option<ProposalDrop>,
}

/// A linearizable or lease read waiting for its read index or for the
/// member to apply up to it.
#[derive(Clone, Debug)]
pub(super) struct PendingRead {
    pub(super) op: ClientOp,
    pub(super) mode: ReadMode,
    pub(super) deadline: u64,
    pub(super) requested_at: Option<u64>,
    pub(super) read_index: Option<u64>,
    /// The leader it last asked for a read index.
    pub(super) asked: NodeId,
}

/// Encodes a read request context: op id and read mode. The leader reads the
/// mode from it to answer each request as it asked.
pub(super) fn read_ctx(op_id: u64, mode: ReadMode) -> Vec<u8> {
    let mut ctx = op_id.to_le_bytes().to_vec();
    ctx.push(match mode {
        ReadMode::Lease => 1,
        _ => 0,
    });
    ctx
}

pub(super) fn parse_read_ctx(ctx: &[u8]) -> Option<(u64, ReadMode)> {
    if ctx.len() != 9 {
        return None;
    }
    let op_id = u64::from_le_bytes(ctx[..8].try_into().ok()?);
    let mode = if ctx[8] == 1 {
        ReadMode::Lease
    } else {
        ReadMode::Linearizable
    };
    Some((op_id, mode))
}

/// The log entry a write request becomes; a read comes back as it was.
fn write_op(op: ClientOp) -> Result<WriteOp, ClientOp> {
    Ok(match op {
        ClientOp::Put { key, value } => WriteOp::Put { key, value },
        ClientOp::Delete { key } => WriteOp::Delete { key },
        ClientOp::DeleteRange { key, end } => WriteOp::DeleteRange { key, end },
        ClientOp::Compact { revision } => WriteOp::Compact { revision },
        ClientOp::Txn(t) if !t.is_read_only() => WriteOp::Txn(t),
        read => return Err(read),
    })
}

/// The ids of the pending requests that satisfy `pred`, in order.
fn ids_where<T>(pending: &BTreeMap<u64, T>, pred: impl Fn(&T) -> bool) -> Vec<u64> {
    pending
        .iter()
        .filter(|(_, p)| pred(p))
        .map(|(id, _)| *id)
        .collect()
}

fn timed_out(id: u64, waiting_for: String) -> (u64, OpResult) {
    let error = ClientError::Timeout { waiting_for };
    (id, OpResult::Err { error })
}

impl Member {
    /// Accepts a client request; the answer comes later in
    /// [`Effects::completions`] (at once for serializable reads).
    pub fn client_request(
        &mut self,
        op_id: u64,
        op: ClientOp,
        mode: ReadMode,
        now: u64,
        ctx: &mut Ctx,
    ) {
        let deadline = now + ctx.settings.request_timeout_ms;
        let done = self.with_live(ctx, |live, fx| match write_op(op) {
            Ok(op) => {
                live.writes.insert(
                    op_id,
                    PendingWrite {
                        op,
                        deadline,
                        proposed_at: None,
                        dropped: None,
                    },
                );
                live.try_propose(op_id, fx);
            }
            Err(read) => match mode {
                ReadMode::Serializable => {
                    fx.completions.push((op_id, live.answer_read(&read)));
                }
                ReadMode::Lease if !live.raw.raft.check_quorum => {
                    fx.completions.push((
                        op_id,
                        OpResult::Err {
                            error: ClientError::LeaseNeedsCheckQuorum,
                        },
                    ));
                }
                mode => {
                    live.reads.insert(
                        op_id,
                        PendingRead {
                            op: read,
                            mode,
                            deadline,
                            requested_at: None,
                            read_index: None,
                            asked: 0,
                        },
                    );
                    live.try_read_index(op_id);
                }
            },
        });
        if done.is_none() {
            ctx.fx.completions.push((
                op_id,
                OpResult::Err {
                    error: ClientError::MemberDown { node: self.id },
                },
            ));
        }
    }
}

impl Live {
    pub(super) fn set_read_option(&mut self, mode: Option<ReadMode>) {
        self.raw.raft.read_only.option = match mode {
            Some(ReadMode::Lease) => ReadOnlyOption::LeaseBased,
            _ => ReadOnlyOption::Safe,
        };
    }

    fn try_propose(&mut self, op_id: u64, fx: &mut Effects) {
        if self.raw.raft.leader_id == 0 {
            // Retried on a later tick, once a leader is known. raft-rs
            // would drop it for the same reason.
            let reason = ProposalDrop::NoLeader {
                term: self.raw.raft.term,
            };
            self.note_dropped(op_id, reason, fx);
            return;
        }
        let Some(w) = self.writes.get_mut(&op_id) else {
            return;
        };
        let cmd = Command {
            op_id,
            op: w.op.clone(),
        };
        w.proposed_at = Some(self.ticks);
        // A follower forwards the proposal to the leader as MsgPropose. If
        // it is lost, the retry below proposes again; the store ignores the
        // second copy by op id.
        let drop = self.proposal_drop();
        let result = self.raw.propose(Vec::new(), cmd.encode());
        debug_assert_eq!(
            drop.is_some(),
            matches!(result, Err(raft::Error::ProposalDropped)),
            "op {op_id}: judged the proposal as {drop:?}"
        );
        match drop {
            Some(reason) => self.note_dropped(op_id, reason, fx),
            None => {
                if let Some(w) = self.writes.get_mut(&op_id) {
                    w.dropped = None;
                }
            }
        }
    }

    /// Records that Raft dropped a write's proposal, once per reason.
    fn note_dropped(&mut self, op_id: u64, reason: ProposalDrop, fx: &mut Effects) {
        let node = self.raw.raft.id;
        let Some(w) = self.writes.get_mut(&op_id) else {
            return;
        };
        if w.dropped != Some(reason) {
            w.dropped = Some(reason);
            fx.events.push(EventKind::ProposalDropped {
                node,
                from: node,
                op_id: Some(op_id),
                reason,
            });
        }
    }

    fn try_read_index(&mut self, op_id: u64) {
        if self.raw.raft.leader_id == 0 {
            return;
        }
        let Some(r) = self.reads.get_mut(&op_id) else {
            return;
        };
        r.requested_at = Some(self.ticks);
        r.asked = self.raw.raft.leader_id;
        let mode = r.mode;
        self.set_read_option(Some(mode));
        self.raw.read_index(read_ctx(op_id, mode));
        self.set_read_option(None);
    }

    pub(super) fn retry_and_expire(&mut self, now: u64, s: &RaftSettings, fx: &mut Effects) {
        let retry_after = s.election_tick;
        let ticks = self.ticks;
        let due = |at: Option<u64>| at.is_none_or(|t| ticks >= t + retry_after);

        for id in ids_where(&self.writes, |w| now >= w.deadline) {
            let w = self.writes.remove(&id).expect("listed above");
            let waiting_for = if w.proposed_at.is_none() {
                "a leader to propose to".to_string()
            } else {
                "the write to commit (no quorum?)".to_string()
            };
            fx.completions.push(timed_out(id, waiting_for));
        }
        for id in ids_where(&self.reads, |r| now >= r.deadline) {
            let r = self.reads.remove(&id).expect("listed above");
            fx.events.push(EventKind::ReadRefused {
                node: self.raw.raft.id,
                op_id: id,
                reason: self.read_refusal(id, &r),
            });
            let waiting_for = match (r.requested_at, r.read_index) {
                (None, _) => "a leader to ask for a read index".to_string(),
                (Some(_), None) => "the leader to confirm its leadership".to_string(),
                (Some(_), Some(i)) => format!("this member to apply up to #{i}"),
            };
            fx.completions.push(timed_out(id, waiting_for));
        }

        for id in ids_where(&self.writes, |w| due(w.proposed_at)) {
            self.try_propose(id, fx);
        }
        for id in ids_where(&self.reads, |r| {
            r.read_index.is_none() && due(r.requested_at)
        }) {
            self.try_read_index(id);
        }
    }
    /// Answers a read from this member's store, every kind through
    /// [`KvStore::range`](crate::kv::KvStore::range).
    fn answer_read(&self, op: &ClientOp) -> OpResult {
        let kv = &self.kv;
        let reply = match op {
            ClientOp::Get { key } => {
                kv.range(&RangeRequest::key(key.as_str()))
                    .map(|r| Reply::Get {
                        kv: r.kvs.into_iter().next(),
                        revision: r.revision,
                    })
            }
            ClientOp::Range { prefix } => {
                (kv.range(&RangeRequest::prefix(prefix.as_str()))).map(|r| Reply::Range {
                    kvs: r.kvs,
                    revision: r.revision,
                })
            }
            ClientOp::RangeRequest(req) => kv.range(req).map(Reply::RangeResponse),
            ClientOp::Txn(t) => kv.txn_read_only(t).map(Reply::Txn),
            _ => unreachable!("only reads are answered here"),
        };
        match reply {
            Ok(reply) => OpResult::Ok { reply },
            Err(e) => OpResult::Err { error: e.into() },
        }
    }

    pub(super) fn answer_ready_reads(&mut self, fx: &mut Effects) {
        let ready: Vec<u64> = self
            .reads
            .iter()
            .filter(|(_, r)| r.read_index.is_some_and(|i| i <= self.applied))
            .map(|(id, _)| *id)
            .collect();
        for id in ready {
            let r = self.reads.remove(&id).expect("listed above");
            fx.completions.push((id, self.answer_read(&r.op)));
        }
    }
}
