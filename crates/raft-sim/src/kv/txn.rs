//! Transactions, as etcd v3.4's server runs them (`etcdserver/apply.go`
//! `Txn`, `applyCompare`, `checkRange`): compares read the store as it is,
//! one branch runs, and whatever it changes shares one new revision.

use std::cmp::Ordering;

use super::request::{
    Compare, CompareOp, CompareTarget, KvError, RangeEnd, RangeRequest, TxnOp, TxnOpResponse,
    TxnRequest, TxnResponse,
};
use super::{KeyValue, KvStore, WatchEvent};

impl KvStore {
    /// Whether every compare holds now.
    fn compares_hold(&self, compares: &[Compare]) -> bool {
        compares.iter().all(|c| self.compare_holds(c))
    }

    /// One compare: every key in its range satisfies it; over no key, a
    /// value compare fails and the others compare with zero (a missing
    /// key's version and revisions are 0), as etcd's `applyCompare`.
    fn compare_holds(&self, c: &Compare) -> bool {
        let req = RangeRequest {
            key: c.key.clone(),
            end: c.end.clone(),
            ..Default::default()
        };
        let Ok(found) = self.range(&req) else {
            return false;
        };
        if found.kvs.is_empty() {
            if matches!(c.target, CompareTarget::Value(_)) {
                return false;
            }
            return compare_kv(c, &KeyValue::default());
        }
        found.kvs.iter().all(|kv| compare_kv(c, kv))
    }

    /// The branch a transaction takes, and the check etcd's `checkRange`
    /// makes before running it: a range at a compacted or future revision
    /// fails the whole transaction, which then changes nothing.
    fn branch<'a>(&self, req: &'a TxnRequest) -> Result<(bool, &'a [TxnOp]), KvError> {
        let succeeded = self.compares_hold(&req.compare);
        let ops = if succeeded {
            &req.success
        } else {
            &req.failure
        };
        for op in ops {
            if let TxnOp::Range(r) = op {
                if r.revision > self.revision {
                    return Err(KvError::FutureRevision);
                }
                if r.revision != 0 && r.revision < self.compact_revision {
                    return Err(KvError::Compacted {
                        compact_revision: self.compact_revision,
                    });
                }
            }
        }
        Ok((succeeded, ops))
    }

    /// Answers a transaction that writes nothing, without changing the
    /// store (etcd serves those as reads).
    pub fn txn_read_only(&self, req: &TxnRequest) -> Result<TxnResponse, KvError> {
        let (succeeded, ops) = self.branch(req)?;
        let mut responses = Vec::with_capacity(ops.len());
        for op in ops {
            match op {
                TxnOp::Range(r) => responses.push(TxnOpResponse::Range(self.range(r)?)),
                // Callers send only read-only transactions here
                // (`TxnRequest::is_read_only`); writes go through Raft.
                TxnOp::Put { .. } | TxnOp::DeleteRange { .. } => {}
            }
        }
        Ok(TxnResponse {
            revision: self.revision,
            succeeded,
            responses,
        })
    }

    /// Runs a transaction; its changes share the revision after the
    /// current one, and their watch events go to `events`.
    pub(super) fn apply_txn(
        &mut self,
        req: &TxnRequest,
        events: &mut Vec<WatchEvent>,
    ) -> Result<TxnResponse, KvError> {
        let (succeeded, ops) = self.branch(req)?;
        let begin = self.revision;
        let next = begin + 1;
        let mut responses = Vec::with_capacity(ops.len());
        for op in ops {
            let changed = !events.is_empty();
            responses.push(match op {
                TxnOp::Put { key, value } => {
                    self.put_at(next, key, value, events);
                    TxnOpResponse::Put { revision: next }
                }
                TxnOp::DeleteRange { key, end } => {
                    let deleted = self.delete_at(next, key, end, events);
                    let revision = if deleted > 0 || changed { next } else { begin };
                    TxnOpResponse::DeleteRange { deleted, revision }
                }
                TxnOp::Range(r) => {
                    let current = if changed { next } else { begin };
                    TxnOpResponse::Range(self.range_at(r, current)?)
                }
            });
        }
        if !events.is_empty() {
            self.revision = next;
        }
        Ok(TxnResponse {
            revision: self.revision,
            succeeded,
            responses,
        })
    }

    /// Writes one key at `revision` (as the next change of that revision).
    pub(super) fn put_at(
        &mut self,
        revision: u64,
        key: &str,
        value: &str,
        events: &mut Vec<WatchEvent>,
    ) {
        let sub = events.len() as u32;
        let h = self.keys.entry(key.to_string()).or_default();
        h.put(revision, sub, value.to_string());
        let v = h.latest().expect("just written");
        events.push(WatchEvent::put(v.event_kv(key)));
    }

    /// Deletes every existing key of a range at `revision`; how many.
    pub(super) fn delete_at(
        &mut self,
        revision: u64,
        key: &str,
        end: &RangeEnd,
        events: &mut Vec<WatchEvent>,
    ) -> u64 {
        let doomed: Vec<String> = self
            .keys_in(key, end)
            .filter(|(_, h)| h.is_live())
            .map(|(k, _)| k.clone())
            .collect();
        for k in &doomed {
            let sub = events.len() as u32;
            let h = self.keys.get_mut(k).expect("listed above");
            h.delete(revision, sub);
            let v = h.latest().expect("just deleted");
            events.push(WatchEvent::delete(v.event_kv(k)));
        }
        doomed.len() as u64
    }
}

/// etcd's `compareKV`.
fn compare_kv(c: &Compare, kv: &KeyValue) -> bool {
    let ord = match &c.target {
        CompareTarget::Value(v) => kv.value.as_bytes().cmp(v.as_bytes()),
        CompareTarget::Version(n) => (kv.version as i64).cmp(n),
        CompareTarget::Create(n) => (kv.create_revision as i64).cmp(n),
        CompareTarget::Mod(n) => (kv.mod_revision as i64).cmp(n),
    };
    match c.op {
        CompareOp::Equal => ord == Ordering::Equal,
        CompareOp::NotEqual => ord != Ordering::Equal,
        CompareOp::Greater => ord == Ordering::Greater,
        CompareOp::Less => ord == Ordering::Less,
    }
}
