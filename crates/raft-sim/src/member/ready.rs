//! The Ready loop: what a member does after every input, in the order
//! raft-rs 0.7 requires for synchronous storage.

use raft::prelude::{ConfState, Entry, EntryType, Message, Snapshot};

use super::requests::parse_read_ctx;
use super::{conf_change_of, entry_hash, short_entry, Effects, Live, RaftSettings};
use crate::client::{OpResult, Reply};
use crate::kv::{Command, KvStore, WriteOp, WriteOutcome, Written};
use crate::safety::EntryRecord;
use crate::trace::EventKind;
use crate::NodeId;

/// Queues a batch of messages from one Ready, ordered by receiver.
///
/// raft-rs walks its progress tracker, an Fx-hashed `HashMap`, to broadcast;
/// FxHash depends on the pointer width, so natively and in wasm32 the same
/// batch comes out in a different order. Messages of one batch to different
/// members are independent, so a stable sort by receiver (which keeps each
/// receiver's own order) makes the batch the same on every platform.
fn send_in_order(fx: &mut Effects, mut batch: Vec<Message>) {
    batch.sort_by_key(|m| m.to);
    fx.messages.extend(batch);
}

/// The client's answer to an applied write: what the store did, in the
/// words of the request that asked (a single-key delete says whether the
/// key existed; a delete range, how many keys went).
fn reply_of(op: &WriteOp, written: Written) -> Reply {
    match (op, written) {
        (WriteOp::Delete { .. }, Written::Delete { revision, deleted }) => Reply::Delete {
            revision,
            deleted: deleted > 0,
        },
        (_, Written::Delete { revision, deleted }) => Reply::DeleteRange { revision, deleted },
        (_, Written::Put { revision }) => Reply::Put { revision },
        (_, Written::Txn(t)) => Reply::Txn(t),
        (_, Written::Compact { revision }) => Reply::Compact { revision },
    }
}

/// A membership with its id lists sorted. raft-rs builds them from hash
/// sets, whose order differs between platforms.
fn normalized(mut cs: ConfState) -> ConfState {
    cs.voters.sort_unstable();
    cs.learners.sort_unstable();
    cs.voters_outgoing.sort_unstable();
    cs.learners_next.sort_unstable();
    cs
}

impl Live {
    /// The Ready loop, in the order raft-rs 0.7 documents for synchronous
    /// storage. The order matters: a vote or an append acknowledgement
    /// (the "persisted messages") must not leave before the hard state and
    /// entries they vouch for are on disk, or a crash could make a member
    /// break a promise it made.
    pub(super) fn handle_ready(&mut self, id: NodeId, s: &RaftSettings, fx: &mut Effects) {
        while self.raw.has_ready() {
            let mut rd = self.raw.ready();
            // 1. Messages that need no persistence (a leader's appends may
            //    go out before its own write: it counts itself only once
            //    persisted).
            send_in_order(fx, rd.take_messages());
            // 2. A snapshot from the leader replaces disk and store.
            if !rd.snapshot().is_empty() {
                self.install_snapshot(id, rd.snapshot().clone(), fx);
            }
            // 3. Apply what is committed; answer reads whose index is known.
            let committed = rd.take_committed_entries();
            self.apply_entries(id, committed, fx);
            for rs in rd.take_read_states() {
                if let Some((op_id, _)) = parse_read_ctx(&rs.request_ctx) {
                    if let Some(r) = self.reads.get_mut(&op_id) {
                        r.read_index.get_or_insert(rs.index);
                    }
                }
            }
            // 4. Persist new entries and the hard state.
            if !rd.entries().is_empty() {
                for e in rd.entries() {
                    fx.appended.push(EntryRecord {
                        node: id,
                        index: e.index,
                        term: e.term,
                        hash: entry_hash(e),
                    });
                }
                self.raw.mut_store().append(rd.entries());
            }
            if let Some(hs) = rd.hs() {
                let hs = hs.clone();
                self.record_vote(id, &hs, fx);
                self.raw.mut_store().set_hard_state(hs);
            }
            // 5. Now the messages that promise what was just persisted.
            send_in_order(fx, rd.take_persisted_messages());
            // 6. Advance; the light ready carries a commit index learned
            //    from our own persistence, more messages and entries.
            let mut light = self.raw.advance(rd);
            if let Some(commit) = light.commit_index() {
                self.raw.mut_store().set_commit(commit);
            }
            send_in_order(fx, light.take_messages());
            let committed = light.take_committed_entries();
            self.apply_entries(id, committed, fx);
            self.raw.advance_apply();
            self.answer_ready_reads(fx);
        }
        self.maybe_compact(id, s, fx);
    }

    fn install_snapshot(&mut self, id: NodeId, snap: Snapshot, fx: &mut Effects) {
        let meta = snap.get_metadata().clone();
        match KvStore::from_snapshot_data(&snap.data) {
            Ok(kv) => {
                self.kv = kv;
                self.catch_up_watches(id, fx);
            }
            Err(e) => fx.events.push(EventKind::Violation {
                property: "snapshot".into(),
                detail: format!("n{id} could not read snapshot data: {e}"),
            }),
        }
        self.applied = meta.index;
        self.conf_state = normalized(meta.get_conf_state().clone());
        self.raw.mut_store().apply_snapshot(snap);
        fx.events.push(EventKind::SnapshotInstalled {
            node: id,
            index: meta.index,
        });
        fx.conf_changes.push((meta.index, self.conf_state.clone()));
    }

    fn apply_entries(&mut self, id: NodeId, entries: Vec<Entry>, fx: &mut Effects) {
        for e in entries {
            if e.index <= self.applied {
                continue;
            }
            fx.applied.push(EntryRecord {
                node: id,
                index: e.index,
                term: e.term,
                hash: entry_hash(&e),
            });
            fx.events.push(EventKind::Applied {
                node: id,
                index: e.index,
                term: e.term,
                what: short_entry(&e),
            });
            match e.get_entry_type() {
                EntryType::EntryNormal => self.apply_command(id, &e, fx),
                EntryType::EntryConfChange | EntryType::EntryConfChangeV2 => {
                    if let Some(cc) = conf_change_of(&e) {
                        match self.raw.apply_conf_change(&cc).map(normalized) {
                            Ok(cs) => {
                                self.conf_state = cs.clone();
                                fx.events.push(EventKind::MembershipChanged {
                                    node: id,
                                    voters: cs.voters.clone(),
                                    outgoing: cs.voters_outgoing.clone(),
                                    learners: cs.learners.clone(),
                                });
                                fx.conf_changes.push((e.index, cs));
                            }
                            Err(err) => fx.events.push(EventKind::Note {
                                text: format!("n{id} rejected conf change #{}: {err}", e.index),
                            }),
                        }
                    }
                }
            }
            self.applied = e.index;
        }
    }

    fn apply_command(&mut self, id: NodeId, e: &Entry, fx: &mut Effects) {
        if e.data.is_empty() {
            return;
        }
        let Some(cmd) = Command::decode(&e.data) else {
            return;
        };
        let (outcome, events) = self.kv.apply(&cmd);
        for ev in &events {
            self.notify_watches(id, ev, fx);
        }
        let WriteOutcome::Applied(written) = outcome else {
            return;
        };
        if let Some(w) = self.writes.remove(&cmd.op_id) {
            let result = match written {
                Ok(written) => OpResult::Ok {
                    reply: reply_of(&w.op, written),
                },
                Err(e) => OpResult::Err { error: e.into() },
            };
            fx.completions.push((cmd.op_id, result));
        }
    }

    fn maybe_compact(&mut self, id: NodeId, s: &RaftSettings, fx: &mut Effects) {
        if self.raw.store().take_snapshot_wanted()
            && self.applied > self.raw.store().snapshot_index()
        {
            let _ = self.compact_applied(id, fx);
            return;
        }
        if s.snapshot_threshold == 0 {
            return;
        }
        if self.applied >= self.raw.store().snapshot_index() + s.snapshot_threshold {
            let _ = self.compact_applied(id, fx);
        }
    }

    /// Compacts exactly at the applied index: the snapshot must hold the
    /// store as of its index, and the applied store is the only one kept.
    pub(super) fn compact_applied(&mut self, id: NodeId, fx: &mut Effects) -> Result<u64, String> {
        let at = self.applied;
        let data = self.kv.to_snapshot_data();
        let cs = self.conf_state.clone();
        self.raw.mut_store().compact(at, cs, data)?;
        fx.events.push(EventKind::Compacted {
            node: id,
            index: at,
        });
        Ok(at)
    }
}
