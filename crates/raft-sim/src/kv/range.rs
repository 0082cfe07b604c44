//! Reads: every read the store answers goes through [`KvStore::range`], at
//! the current revision or a past one, sorted and limited as etcd v3.4's
//! server does (`etcdserver/apply.go` `Range`, `mvcc/kvstore_txn.go`
//! `rangeKeys`).

use std::cmp::Ordering;
use std::ops::Bound;

use super::history::KeyHistory;
use super::request::{KvError, RangeEnd, RangeRequest, RangeResponse, SortOrder, SortTarget};
use super::{KeyValue, KvStore};

impl KvStore {
    /// Answers a range request.
    ///
    /// As etcd: a revision below the compacted one fails with
    /// [`KvError::Compacted`] (the compacted revision itself can still be
    /// read), one above the current with [`KvError::FutureRevision`]; the
    /// answer's `revision` is the store's current one whatever was read;
    /// `count` counts the whole range, before `limit`.
    pub fn range(&self, req: &RangeRequest) -> Result<RangeResponse, KvError> {
        self.range_at(req, self.revision)
    }

    /// [`KvStore::range`] as if the store were at `current` (a
    /// transaction's reads see its own earlier writes, one revision ahead).
    pub(super) fn range_at(
        &self,
        req: &RangeRequest,
        current: u64,
    ) -> Result<RangeResponse, KvError> {
        let at = match req.revision {
            0 => current,
            r if r > current => return Err(KvError::FutureRevision),
            r => r,
        };
        if at < self.compact_revision {
            return Err(KvError::Compacted {
                compact_revision: self.compact_revision,
            });
        }
        let found = self.keys_in(&req.key, &req.end).filter_map(|(k, h)| {
            let v = h.at(at)?;
            Some((k, v))
        });
        if req.count_only {
            return Ok(RangeResponse {
                revision: current,
                kvs: Vec::new(),
                more: false,
                count: found.count() as u64,
            });
        }
        let mut kvs: Vec<KeyValue> = found.filter_map(|(k, v)| v.key_value(k)).collect();
        let count = kvs.len() as u64;
        sort(&mut kvs, req.sort_target, req.sort_order);
        let more = req.limit > 0 && count > req.limit;
        if more {
            kvs.truncate(req.limit as usize);
        }
        if req.keys_only {
            for kv in &mut kvs {
                kv.value.clear();
            }
        }
        Ok(RangeResponse {
            revision: current,
            kvs,
            more,
            count,
        })
    }

    /// The histories of the keys a range covers, in key order (keys deleted
    /// and not yet compacted away included).
    pub(super) fn keys_in<'a>(
        &'a self,
        key: &'a str,
        end: &'a RangeEnd,
    ) -> Box<dyn Iterator<Item = (&'a String, &'a KeyHistory)> + 'a> {
        match end {
            RangeEnd::Key => Box::new(self.keys.get_key_value(key).into_iter()),
            RangeEnd::Prefix => Box::new(
                (self
                    .keys
                    .range::<str, _>((Bound::Included(key), Bound::Unbounded)))
                .take_while(move |(k, _)| k.starts_with(key)),
            ),
            RangeEnd::FromKey => Box::new(
                self.keys
                    .range::<str, _>((Bound::Included(key), Bound::Unbounded)),
            ),
            RangeEnd::To(end) if end.as_str() > key => Box::new(
                self.keys
                    .range::<str, _>((Bound::Included(key), Bound::Excluded(end.as_str()))),
            ),
            RangeEnd::To(_) => Box::new(std::iter::empty()),
        }
    }
}

/// Sorts as etcd's server: keys come in key order; a target other than the
/// key with no order sorts ascending; a descending sort keeps ties in key
/// order (Go's `sort.Reverse` over a stable sort of few items does).
fn sort(kvs: &mut [KeyValue], target: SortTarget, order: SortOrder) {
    let order = match (target, order) {
        (SortTarget::Key, SortOrder::None) => return,
        (_, SortOrder::None) => SortOrder::Ascend,
        (_, o) => o,
    };
    let cmp = |a: &KeyValue, b: &KeyValue| -> Ordering {
        match target {
            SortTarget::Key => a.key.cmp(&b.key),
            SortTarget::Version => a.version.cmp(&b.version),
            SortTarget::Create => a.create_revision.cmp(&b.create_revision),
            SortTarget::Modify => a.mod_revision.cmp(&b.mod_revision),
            SortTarget::Value => a.value.as_bytes().cmp(b.value.as_bytes()),
        }
    };
    match order {
        SortOrder::Descend => kvs.sort_by(|a, b| cmp(b, a)),
        _ => kvs.sort_by(cmp),
    }
}
