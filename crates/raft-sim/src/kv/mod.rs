//! The etcd-like key-value state machine each member applies committed
//! entries to.
//!
//! Like etcd's MVCC store it keeps one global revision that every change
//! bumps (an empty store is at revision 1, so the first write is revision
//! 2), and per key the revision that created it, the revision that last
//! changed it and how many times it was written since creation. It keeps
//! every version since its compacted revision ([`history`]), so it can
//! answer a read at a past revision and replay changes to a watch that
//! starts in the past. Committed write commands travel in Raft entry data
//! as JSON ([`Command`]). Reads are answered straight from the store by the
//! member (see `member.rs` for how each read mode decides *when* it may
//! read), all through [`KvStore::range`].

mod history;
mod range;
mod request;
mod snapshot;
mod txn;

use std::collections::{BTreeMap, BTreeSet};

use serde::{Deserialize, Serialize};

use crate::hash::{fnv1a, fnv1a_extend};
use history::KeyHistory;
pub use request::{
    Compare, CompareOp, CompareTarget, KvError, RangeEnd, RangeRequest, RangeResponse, SortOrder,
    SortTarget, TxnOp, TxnOpResponse, TxnRequest, TxnResponse,
};
pub use snapshot::SnapshotError;

/// One key with its value and etcd's bookkeeping revisions (etcd's
/// `mvccpb.KeyValue`, without leases).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct KeyValue {
    /// The key, for example `/registry/pods/default/web-0`.
    pub key: String,
    /// The stored value.
    pub value: String,
    /// Revision of the put that created the key.
    pub create_revision: u64,
    /// Revision of the last put to the key.
    pub mod_revision: u64,
    /// Number of puts since the key was created (1 after the first put).
    pub version: u64,
}

/// A change to the store, the payload of a normal Raft entry.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum WriteOp {
    /// Set `key` to `value`.
    Put {
        /// Key to write.
        key: String,
        /// New value.
        value: String,
    },
    /// Remove `key` if present.
    Delete {
        /// Key to remove.
        key: String,
    },
    /// Remove every key of a range, all at one revision.
    DeleteRange {
        /// First key (or the one key).
        key: String,
        /// Where the range ends.
        end: RangeEnd,
    },
    /// A transaction that writes.
    Txn(TxnRequest),
    /// Forget the history before `revision` (etcd's compaction, a write
    /// so that every member compacts at the same point of its log).
    Compact {
        /// The new compacted revision.
        revision: u64,
    },
}

/// What goes into a Raft entry: the write plus the id of the client request
/// that asked for it.
///
/// The id lets the proposing member answer its client when the entry is
/// applied, and lets every member ignore a second copy of the same request
/// (a duplicated `MsgPropose`), as the Raft thesis (§6.3) recommends.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Command {
    /// The client operation id, unique within a simulation.
    pub op_id: u64,
    /// The change.
    pub op: WriteOp,
}

impl Command {
    /// JSON bytes for entry data.
    pub fn encode(&self) -> Vec<u8> {
        serde_json::to_vec(self).expect("a Command always serializes")
    }

    /// Parses entry data; `None` for data that is not a command.
    pub fn decode(data: &[u8]) -> Option<Command> {
        serde_json::from_slice(data).ok()
    }
}

/// What an applied write did.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum Written {
    /// A put, at `revision`.
    Put {
        /// Store revision of the write.
        revision: u64,
    },
    /// A delete or delete range: how many keys went, and the store
    /// revision after it (unchanged when none did, as in etcd).
    Delete {
        /// Store revision after the delete.
        revision: u64,
        /// How many keys it removed.
        deleted: u64,
    },
    /// A transaction.
    Txn(TxnResponse),
    /// A compaction; `revision` is the store's current revision.
    Compact {
        /// Store revision (compaction does not change it).
        revision: u64,
    },
}

/// The outcome of applying a command.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum WriteOutcome {
    /// The command ran: what it did, or why the store refused it (a
    /// compaction of a compacted revision, a transaction reading one); a
    /// refused command changed nothing, on every member alike.
    Applied(Result<Written, KvError>),
    /// This op id was applied before, or is too old to tell (see
    /// [`OP_WINDOW`]); nothing changed.
    Duplicate,
}

/// How many op ids below the newest applied one a store remembers. A
/// command can be proposed more than once (a duplicated `MsgPropose`, a
/// retry), so the store ignores an op id it has applied; to keep that memory
/// bounded (the Raft thesis's client sessions expire too), it refuses any
/// command more than this many op ids older than the newest it applied. Op
/// ids grow by one per client request, so a refused command's request was
/// followed by this many others before it committed: long after its client
/// gave up (3 s by default), which leaves its outcome unknown, as a timeout
/// does. The decision depends only on the commands applied before, so every
/// member takes the same one.
pub const OP_WINDOW: u64 = 5_000;

/// How many revisions of history a store keeps. A page runs for hours, so
/// the history must be bounded: when a write leaves the store holding more
/// than this plus a tenth, it compacts itself to its revision minus this,
/// as etcd does with `--auto-compaction-mode=revision
/// --auto-compaction-retention=1000` (etcd checks every five minutes; here
/// the check is on apply, so every member compacts at the same point of
/// its log). The tenth of slack makes compaction an occasional step
/// rather than work on every write.
pub const RETAINED_REVISIONS: u64 = 1_000;

/// Whether a watch event is a put or a delete.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum WatchEventKind {
    /// The key was written.
    Put,
    /// The key was deleted.
    Delete,
}

/// A change seen by a watch, as etcd streams them (`mvccpb.Event`).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct WatchEvent {
    /// Put or delete.
    pub kind: WatchEventKind,
    /// The key after the change; for a delete, as etcd sends it: the key
    /// and its mod revision (the delete's), the rest empty.
    pub kv: KeyValue,
}

impl WatchEvent {
    /// A put of `kv`.
    pub fn put(kv: KeyValue) -> WatchEvent {
        WatchEvent {
            kind: WatchEventKind::Put,
            kv,
        }
    }

    /// A delete; `kv` as etcd sends it (key and mod revision).
    pub fn delete(kv: KeyValue) -> WatchEvent {
        WatchEvent {
            kind: WatchEventKind::Delete,
            kv,
        }
    }

    /// The store revision of the change.
    pub fn revision(&self) -> u64 {
        self.kv.mod_revision
    }
}

/// The store itself.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct KvStore {
    revision: u64,
    /// Reads below this revision fail; 0 before any compaction.
    #[serde(default)]
    compact_revision: u64,
    /// Whether any compaction happened: etcd starts "compacted at -1", so
    /// a first compaction at 0 is allowed once.
    #[serde(default)]
    compacted: bool,
    /// Every key with its versions since `compact_revision`; a key deleted
    /// before it is gone.
    keys: BTreeMap<String, KeyHistory>,
    /// Op ids applied, those within [`OP_WINDOW`] of the newest.
    applied_ops: BTreeSet<u64>,
}

impl Default for KvStore {
    fn default() -> Self {
        KvStore {
            revision: 1,
            compact_revision: 0,
            compacted: false,
            keys: BTreeMap::new(),
            applied_ops: BTreeSet::new(),
        }
    }
}

impl KvStore {
    /// An empty store at revision 1, as an empty etcd cluster is.
    pub fn new() -> Self {
        Self::default()
    }

    /// The current global revision.
    pub fn revision(&self) -> u64 {
        self.revision
    }

    /// The compacted revision: reads at revisions below it fail (0 before
    /// any compaction).
    pub fn compact_revision(&self) -> u64 {
        self.compact_revision
    }

    /// The number of keys.
    pub fn len(&self) -> usize {
        self.keys.values().filter(|h| h.is_live()).count()
    }

    /// Whether the store holds no keys.
    pub fn is_empty(&self) -> bool {
        !self.keys.values().any(KeyHistory::is_live)
    }

    /// How many op ids the store remembers (to ignore repeated commands).
    pub fn remembered_ops(&self) -> usize {
        self.applied_ops.len()
    }

    /// How many versions of keys the store keeps (its history, bounded by
    /// [`RETAINED_REVISIONS`]).
    pub fn versions_kept(&self) -> usize {
        self.keys.values().map(|h| h.versions.len()).sum()
    }

    /// One key as it is now.
    pub fn get(&self, key: &str) -> Option<KeyValue> {
        self.keys.get(key)?.latest()?.key_value(key)
    }

    /// Every key starting with `prefix`, as it is now, in key order (`""`
    /// means all).
    pub fn scan(&self, prefix: &str) -> Vec<KeyValue> {
        (self.range(&RangeRequest::prefix(prefix)))
            .map(|r| r.kvs)
            .unwrap_or_default()
    }

    /// The changes to keys matching `matches` from revision `from` on, in
    /// the order they were made; fails if `from` is below the compacted
    /// revision (etcd cancels such a watch).
    pub fn events_since(
        &self,
        from: u64,
        matches: impl Fn(&str) -> bool,
    ) -> Result<Vec<WatchEvent>, KvError> {
        if from < self.compact_revision {
            return Err(KvError::Compacted {
                compact_revision: self.compact_revision,
            });
        }
        let mut found: Vec<(u64, u32, WatchEvent)> = Vec::new();
        for (key, h) in self.keys.iter().filter(|(k, _)| matches(k)) {
            let n = h.versions.partition_point(|v| v.revision < from);
            for v in &h.versions[n..] {
                let kv = v.event_kv(key);
                let ev = if v.value.is_some() {
                    WatchEvent::put(kv)
                } else {
                    WatchEvent::delete(kv)
                };
                found.push((v.revision, v.sub, ev));
            }
        }
        found.sort_by_key(|(r, s, _)| (*r, *s));
        Ok(found.into_iter().map(|(_, _, ev)| ev).collect())
    }

    /// Applies a committed command, returning its outcome and the watch
    /// events it produced, in order (none for a duplicate, a refused
    /// command or a delete of a missing key, which, as in etcd, does not
    /// bump the revision).
    pub fn apply(&mut self, cmd: &Command) -> (WriteOutcome, Vec<WatchEvent>) {
        let newest = self.applied_ops.last().copied().unwrap_or(0);
        if cmd.op_id + OP_WINDOW < newest || !self.applied_ops.insert(cmd.op_id) {
            return (WriteOutcome::Duplicate, Vec::new());
        }
        let newest = newest.max(cmd.op_id);
        while self
            .applied_ops
            .first()
            .is_some_and(|&old| old + OP_WINDOW < newest)
        {
            self.applied_ops.pop_first();
        }
        let mut events = Vec::new();
        let next = self.revision + 1;
        let written = match &cmd.op {
            WriteOp::Put { key, value } => {
                self.put_at(next, key, value, &mut events);
                Ok(Written::Put { revision: next })
            }
            WriteOp::Delete { key } => Ok(self.delete_range(key, &RangeEnd::Key, &mut events)),
            WriteOp::DeleteRange { key, end } => Ok(self.delete_range(key, end, &mut events)),
            WriteOp::Txn(req) => self.apply_txn(req, &mut events).map(Written::Txn),
            WriteOp::Compact { revision } => self.compact(*revision).map(|()| Written::Compact {
                revision: self.revision,
            }),
        };
        if !events.is_empty() {
            self.revision = next;
        }
        self.auto_compact();
        (WriteOutcome::Applied(written), events)
    }

    fn delete_range(&mut self, key: &str, end: &RangeEnd, events: &mut Vec<WatchEvent>) -> Written {
        let deleted = self.delete_at(self.revision + 1, key, end, events);
        let revision = self.revision + u64::from(deleted > 0);
        Written::Delete { revision, deleted }
    }

    /// Compacts the history to `revision`, as etcd's `updateCompactRev`:
    /// not above the current revision, and only forward.
    pub fn compact(&mut self, revision: u64) -> Result<(), KvError> {
        if self.compacted && revision <= self.compact_revision {
            return Err(KvError::Compacted {
                compact_revision: self.compact_revision,
            });
        }
        if revision > self.revision {
            return Err(KvError::FutureRevision);
        }
        self.compact_revision = revision;
        self.compacted = true;
        self.keys.retain(|_, h| h.compact(revision));
        Ok(())
    }

    /// See [`RETAINED_REVISIONS`].
    fn auto_compact(&mut self) {
        if self.revision - self.compact_revision > RETAINED_REVISIONS + RETAINED_REVISIONS / 10 {
            let _ = self.compact(self.revision - RETAINED_REVISIONS);
        }
    }

    /// A stable hash of the current contents (revision, compacted revision,
    /// each existing key with its value and revisions), used to see whether
    /// members agree; it runs in every convergence check, so it hashes the
    /// current state only, not the history behind it (which the same
    /// applied log makes the same).
    pub fn content_hash(&self) -> u64 {
        let mut h = fnv1a(&self.revision.to_le_bytes());
        h = fnv1a_extend(h, &self.compact_revision.to_le_bytes());
        h = fnv1a_extend(h, &[u8::from(self.compacted)]);
        let current = (self.keys.iter()).filter_map(|(k, h)| Some((k, h.latest()?)));
        for (key, v) in current {
            let Some(value) = &v.value else { continue };
            h = fnv1a_extend(h, &(key.len() as u64).to_le_bytes());
            h = fnv1a_extend(h, key.as_bytes());
            h = fnv1a_extend(h, &(value.len() as u64).to_le_bytes());
            h = fnv1a_extend(h, value.as_bytes());
            for n in [v.create_revision, v.revision, v.version] {
                h = fnv1a_extend(h, &n.to_le_bytes());
            }
        }
        h
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn put(op_id: u64, key: &str, value: &str) -> Command {
        cmd(
            op_id,
            WriteOp::Put {
                key: key.into(),
                value: value.into(),
            },
        )
    }

    fn cmd(op_id: u64, op: WriteOp) -> Command {
        Command { op_id, op }
    }

    fn written(kv: &mut KvStore, c: Command) -> Result<Written, KvError> {
        match kv.apply(&c).0 {
            WriteOutcome::Applied(w) => w,
            WriteOutcome::Duplicate => panic!("op {} is a duplicate", c.op_id),
        }
    }

    fn keys(r: &RangeResponse) -> Vec<&str> {
        r.kvs.iter().map(|kv| kv.key.as_str()).collect()
    }

    #[test]
    fn revisions_follow_etcd() {
        let mut kv = KvStore::new();
        assert_eq!(kv.revision(), 1, "an empty etcd is at revision 1");
        kv.apply(&put(1, "/registry/pods/a", "v1"));
        kv.apply(&put(2, "/registry/pods/b", "v1"));
        kv.apply(&put(3, "/registry/pods/a", "v2"));
        let a = kv.get("/registry/pods/a").unwrap();
        assert_eq!((a.create_revision, a.mod_revision, a.version), (2, 4, 2));
        assert_eq!(kv.revision(), 4);

        // Deleting a missing key changes nothing, like etcd.
        let missing = cmd(
            4,
            WriteOp::Delete {
                key: "/nope".into(),
            },
        );
        let (out, ev) = kv.apply(&missing);
        assert_eq!(
            out,
            WriteOutcome::Applied(Ok(Written::Delete {
                revision: 4,
                deleted: 0
            }))
        );
        assert!(ev.is_empty());

        let del = cmd(
            5,
            WriteOp::Delete {
                key: "/registry/pods/a".into(),
            },
        );
        let (_, ev) = kv.apply(&del);
        assert_eq!(ev.len(), 1);
        assert_eq!(ev[0].kind, WatchEventKind::Delete);
        // A delete event carries the key and its revision, as etcd's.
        assert_eq!(
            ev[0].kv,
            KeyValue {
                key: "/registry/pods/a".into(),
                mod_revision: 5,
                ..Default::default()
            }
        );
        // Re-creating starts a new version history.
        kv.apply(&put(6, "/registry/pods/a", "v3"));
        let a = kv.get("/registry/pods/a").unwrap();
        assert_eq!((a.create_revision, a.version), (6, 1));
    }

    #[test]
    fn duplicate_op_ids_apply_once() {
        let mut kv = KvStore::new();
        kv.apply(&put(1, "k", "a"));
        kv.apply(&put(2, "k", "b"));
        let (out, ev) = kv.apply(&put(1, "k", "a"));
        assert_eq!(out, WriteOutcome::Duplicate);
        assert!(ev.is_empty());
        assert_eq!(kv.get("k").unwrap().value, "b");
    }

    #[test]
    fn op_ids_are_remembered_within_a_window() {
        let mut kv = KvStore::new();
        kv.apply(&put(10, "k", "a"));
        kv.apply(&put(OP_WINDOW + 10, "k", "b"));
        assert_eq!(kv.remembered_ops(), 2);
        // Op 10 is just within the window: still known as applied.
        assert_eq!(kv.apply(&put(10, "k", "a")).0, WriteOutcome::Duplicate);
        kv.apply(&put(OP_WINDOW + 12, "k", "c"));
        assert_eq!(kv.remembered_ops(), 2, "op 10 is forgotten");
        // Forgotten, yet never applied again; nor is an op as old that was
        // never applied. A newer one still is.
        assert_eq!(kv.apply(&put(10, "k", "a")).0, WriteOutcome::Duplicate);
        assert_eq!(kv.apply(&put(11, "k", "x")).0, WriteOutcome::Duplicate);
        assert_eq!(kv.get("k").unwrap().value, "c");
        assert_ne!(kv.apply(&put(12, "k", "d")).0, WriteOutcome::Duplicate);
        assert_eq!(kv.remembered_ops(), 3);
    }

    #[test]
    fn range_by_prefix_and_snapshot_round_trip() {
        let mut kv = KvStore::new();
        kv.apply(&put(1, "/registry/pods/a", "1"));
        kv.apply(&put(2, "/registry/pods/b", "2"));
        kv.apply(&put(3, "/registry/services/a", "3"));
        kv.apply(&put(4, "/registry/podsx", "4"));
        let pods: Vec<_> = kv
            .scan("/registry/pods/")
            .into_iter()
            .map(|k| k.key)
            .collect();
        assert_eq!(pods, vec!["/registry/pods/a", "/registry/pods/b"]);
        assert_eq!(kv.scan("").len(), 4);
        kv.apply(&put(5, "/registry/pods/a", "1b"));

        let back = KvStore::from_snapshot_data(&kv.to_snapshot_data()).unwrap();
        assert_eq!(back, kv);
        assert_eq!(back.content_hash(), kv.content_hash());
        // The history travels too: a member that catches up by snapshot
        // answers a read of the past.
        let past = RangeRequest {
            revision: 2,
            ..RangeRequest::key("/registry/pods/a")
        };
        assert_eq!(back.range(&past).unwrap().kvs[0].value, "1");
    }

    #[test]
    fn content_hash_tells_different_contents_apart() {
        let mut a = KvStore::new();
        let mut b = KvStore::new();
        assert_eq!(a.content_hash(), b.content_hash());
        a.apply(&put(1, "k", "v"));
        assert_ne!(a.content_hash(), b.content_hash());
        b.apply(&put(1, "k", "w"));
        assert_ne!(a.content_hash(), b.content_hash());
        let mut c = KvStore::new();
        c.apply(&put(1, "k", "v"));
        assert_eq!(a.content_hash(), c.content_hash());
    }

    /// etcd's documented example: put foo bar, put foo1 bar1, put foo2
    /// bar2, put foo bar_new, then reads at each revision.
    fn foo_store() -> KvStore {
        let mut kv = KvStore::new();
        kv.apply(&put(1, "foo", "bar")); // 2
        kv.apply(&put(2, "foo1", "bar1")); // 3
        kv.apply(&put(3, "foo2", "bar2")); // 4
        kv.apply(&put(4, "foo", "bar_new")); // 5
        kv
    }

    #[test]
    fn a_read_at_a_past_revision_sees_the_store_as_it_was() {
        let kv = foo_store();
        let at = |rev: u64, key: &str| {
            let r = kv
                .range(&RangeRequest {
                    revision: rev,
                    ..RangeRequest::prefix(key)
                })
                .unwrap();
            assert_eq!(r.revision, 5, "the header is the current revision");
            r.kvs
                .iter()
                .map(|kv| format!("{}={}", kv.key, kv.value))
                .collect::<Vec<_>>()
        };
        assert_eq!(at(1, "foo"), Vec::<String>::new());
        assert_eq!(at(2, "foo"), vec!["foo=bar"]);
        assert_eq!(at(4, "foo"), vec!["foo=bar", "foo1=bar1", "foo2=bar2"]);
        assert_eq!(at(5, "foo"), vec!["foo=bar_new", "foo1=bar1", "foo2=bar2"]);
        assert_eq!(at(0, "foo"), at(5, "foo"));
        assert_eq!(
            kv.range(&RangeRequest {
                revision: 6,
                ..RangeRequest::key("foo")
            }),
            Err(KvError::FutureRevision)
        );
        // A past version keeps its own revisions.
        let old = kv
            .range(&RangeRequest {
                revision: 4,
                ..RangeRequest::key("foo")
            })
            .unwrap();
        let foo = &old.kvs[0];
        assert_eq!(
            (foo.create_revision, foo.mod_revision, foo.version),
            (2, 2, 1)
        );
    }

    #[test]
    fn a_deleted_key_is_absent_after_and_present_before() {
        let mut kv = foo_store();
        kv.apply(&cmd(5, WriteOp::Delete { key: "foo".into() })); // 6
        let at = |rev| {
            kv.range(&RangeRequest {
                revision: rev,
                ..RangeRequest::key("foo")
            })
            .unwrap()
            .count
        };
        assert_eq!((at(5), at(6)), (1, 0));
    }

    #[test]
    fn ranges_sort_limit_and_count_as_etcd() {
        let kv = foo_store();
        let all = RangeRequest::prefix("foo");
        let r = kv
            .range(&RangeRequest {
                limit: 2,
                ..all.clone()
            })
            .unwrap();
        assert_eq!((keys(&r), r.more, r.count), (vec!["foo", "foo1"], true, 3));
        let r = kv
            .range(&RangeRequest {
                limit: 3,
                ..all.clone()
            })
            .unwrap();
        assert!(!r.more);
        // Sorting by mod revision, descending: foo changed last.
        let r = kv
            .range(&RangeRequest {
                sort_target: SortTarget::Modify,
                sort_order: SortOrder::Descend,
                limit: 1,
                ..all.clone()
            })
            .unwrap();
        assert_eq!(keys(&r), vec!["foo"]);
        // A target with no order sorts ascending (etcd's server rule).
        let r = kv
            .range(&RangeRequest {
                sort_target: SortTarget::Modify,
                ..all.clone()
            })
            .unwrap();
        assert_eq!(keys(&r), vec!["foo1", "foo2", "foo"]);
        let r = kv
            .range(&RangeRequest {
                sort_order: SortOrder::Descend,
                ..all.clone()
            })
            .unwrap();
        assert_eq!(keys(&r), vec!["foo2", "foo1", "foo"]);
        // Ties keep key order when descending (versions: foo 2, others 1).
        let r = kv
            .range(&RangeRequest {
                sort_target: SortTarget::Version,
                sort_order: SortOrder::Descend,
                ..all.clone()
            })
            .unwrap();
        assert_eq!(keys(&r), vec!["foo", "foo1", "foo2"]);
        let r = kv
            .range(&RangeRequest {
                keys_only: true,
                ..all.clone()
            })
            .unwrap();
        assert!(r
            .kvs
            .iter()
            .all(|kv| kv.value.is_empty() && kv.mod_revision > 0));
        let r = kv
            .range(&RangeRequest {
                count_only: true,
                ..all.clone()
            })
            .unwrap();
        assert_eq!((r.kvs.len(), r.count), (0, 3));
        // --from-key and [key, end).
        let from = RangeRequest {
            key: "foo1".into(),
            end: RangeEnd::FromKey,
            ..Default::default()
        };
        assert_eq!(keys(&kv.range(&from).unwrap()), vec!["foo1", "foo2"]);
        let to = RangeRequest {
            key: "foo".into(),
            end: RangeEnd::To("foo2".into()),
            ..Default::default()
        };
        assert_eq!(keys(&kv.range(&to).unwrap()), vec!["foo", "foo1"]);
        let backwards = RangeRequest {
            key: "foo2".into(),
            end: RangeEnd::To("foo".into()),
            ..Default::default()
        };
        assert_eq!(kv.range(&backwards).unwrap().count, 0);
    }

    #[test]
    fn compaction_forgets_the_past_as_etcd() {
        let mut kv = foo_store();
        assert_eq!(
            written(&mut kv, cmd(9, WriteOp::Compact { revision: 4 })),
            Ok(Written::Compact { revision: 5 })
        );
        assert_eq!(kv.revision(), 5, "compaction is not a change");
        let at = |kv: &KvStore, rev| {
            kv.range(&RangeRequest {
                revision: rev,
                ..RangeRequest::prefix("foo")
            })
        };
        assert_eq!(
            at(&kv, 3),
            Err(KvError::Compacted {
                compact_revision: 4
            })
        );
        // The compacted revision itself can still be read.
        assert_eq!(at(&kv, 4).unwrap().count, 3);
        assert_eq!(at(&kv, 4).unwrap().kvs[0].value, "bar");
        // Compacting again at or below it fails; so does the future.
        let mut fresh = KvStore::new();
        assert_eq!(fresh.compact(0), Ok(()), "etcd allows 0 once");
        assert_eq!(
            fresh.compact(0),
            Err(KvError::Compacted {
                compact_revision: 0
            })
        );
        assert_eq!(
            written(&mut kv, cmd(10, WriteOp::Compact { revision: 4 })),
            Err(KvError::Compacted {
                compact_revision: 4
            })
        );
        assert_eq!(
            written(&mut kv, cmd(11, WriteOp::Compact { revision: 6 })),
            Err(KvError::FutureRevision)
        );
        // A watch from before the compacted revision is refused; from it on,
        // it replays.
        assert_eq!(
            kv.events_since(3, |_| true),
            Err(KvError::Compacted {
                compact_revision: 4
            })
        );
        let evs = kv.events_since(4, |_| true).unwrap();
        let revs: Vec<u64> = evs.iter().map(WatchEvent::revision).collect();
        assert_eq!(revs, vec![4, 5]);
        // A key deleted before the compacted revision is gone entirely.
        kv.apply(&cmd(12, WriteOp::Delete { key: "foo1".into() })); // 6
        kv.apply(&put(13, "x", "1")); // 7
        kv.compact(7).unwrap();
        assert!(!kv.keys.contains_key("foo1"));
        assert_eq!(at(&kv, 7).unwrap().count, 2);
    }

    #[test]
    fn the_history_stays_bounded() {
        let mut kv = KvStore::new();
        for n in 1..=3 * RETAINED_REVISIONS {
            kv.apply(&put(n, &format!("k{}", n % 7), "v"));
        }
        let held = kv.revision() - kv.compact_revision();
        assert!(
            held <= RETAINED_REVISIONS + RETAINED_REVISIONS / 10,
            "{held}"
        );
        assert!(held >= RETAINED_REVISIONS);
        // One version per revision held, the compacted one included, plus
        // at most one older version per key.
        assert!(kv.versions_kept() as u64 <= held + 1 + 7);
        let oldest = RangeRequest {
            revision: kv.compact_revision(),
            ..RangeRequest::prefix("k")
        };
        assert_eq!(kv.range(&oldest).unwrap().count, 7);
    }

    #[test]
    fn a_delete_range_takes_one_revision_for_all_its_keys() {
        let mut kv = foo_store();
        let del = WriteOp::DeleteRange {
            key: "foo".into(),
            end: RangeEnd::Prefix,
        };
        assert_eq!(
            written(&mut kv, cmd(5, del.clone())),
            Ok(Written::Delete {
                revision: 6,
                deleted: 3
            })
        );
        assert!(kv.is_empty());
        let evs = kv.events_since(6, |_| true).unwrap();
        let got: Vec<_> = evs
            .iter()
            .map(|e| (e.kv.key.as_str(), e.revision()))
            .collect();
        assert_eq!(got, vec![("foo", 6), ("foo1", 6), ("foo2", 6)]);
        // Nothing left to delete: no new revision.
        assert_eq!(
            written(&mut kv, cmd(6, del)),
            Ok(Written::Delete {
                revision: 6,
                deleted: 0
            })
        );
    }

    fn txn(compare: Vec<Compare>, success: Vec<TxnOp>, failure: Vec<TxnOp>) -> WriteOp {
        WriteOp::Txn(TxnRequest {
            compare,
            success,
            failure,
        })
    }

    fn put_op(key: &str, value: &str) -> TxnOp {
        TxnOp::Put {
            key: key.into(),
            value: value.into(),
        }
    }

    fn cmp(key: &str, op: CompareOp, target: CompareTarget) -> Compare {
        Compare {
            key: key.into(),
            end: RangeEnd::Key,
            op,
            target,
        }
    }

    #[test]
    fn a_transaction_runs_one_branch_at_one_revision() {
        let mut kv = foo_store();
        let t = txn(
            vec![cmp(
                "foo",
                CompareOp::Equal,
                CompareTarget::Value("bar_new".into()),
            )],
            vec![
                put_op("a", "1"),
                put_op("b", "2"),
                TxnOp::Range(RangeRequest::key("a")),
                TxnOp::DeleteRange {
                    key: "foo1".into(),
                    end: RangeEnd::Key,
                },
            ],
            vec![put_op("failed", "yes")],
        );
        let Ok(Written::Txn(resp)) = written(&mut kv, cmd(5, t)) else {
            panic!("a txn answers a txn");
        };
        assert!(resp.succeeded);
        assert_eq!(resp.revision, 6);
        assert_eq!(kv.revision(), 6);
        assert_eq!(resp.responses[0], TxnOpResponse::Put { revision: 6 });
        let TxnOpResponse::Range(r) = &resp.responses[2] else {
            panic!("a range answers a range");
        };
        // A read in a transaction sees the transaction's earlier writes.
        assert_eq!((r.kvs[0].value.as_str(), r.revision), ("1", 6));
        assert_eq!(
            resp.responses[3],
            TxnOpResponse::DeleteRange {
                deleted: 1,
                revision: 6
            }
        );
        assert_eq!(kv.get("b").unwrap().mod_revision, 6);
        assert!(kv.get("failed").is_none());
        // Events in the order the transaction made them.
        let evs = kv.events_since(6, |_| true).unwrap();
        let got: Vec<_> = evs.iter().map(|e| e.kv.key.as_str()).collect();
        assert_eq!(got, vec!["a", "b", "foo1"]);
    }

    #[test]
    fn compares_follow_etcd() {
        let kv = foo_store();
        let holds = |c: Compare| {
            kv.txn_read_only(&TxnRequest {
                compare: vec![c],
                ..Default::default()
            })
            .unwrap()
            .succeeded
        };
        use CompareOp::*;
        use CompareTarget::*;
        assert!(holds(cmp("foo", Equal, Version(2))));
        assert!(holds(cmp("foo", Greater, Mod(4))));
        assert!(holds(cmp("foo", Equal, Create(2))));
        assert!(holds(cmp("foo", Less, Value("bar_z".into()))));
        assert!(holds(cmp("foo", NotEqual, Value("bar".into()))));
        // A missing key has version and revisions 0, and no value at all.
        assert!(holds(cmp("nope", Equal, Version(0))));
        assert!(holds(cmp("nope", Equal, Create(0))));
        assert!(!holds(cmp("nope", Equal, Value(String::new()))));
        assert!(!holds(cmp("nope", NotEqual, Value("x".into()))));
        // Over a range, every key must satisfy it.
        let range = |op, target| Compare {
            key: "foo".into(),
            end: RangeEnd::Prefix,
            op,
            target,
        };
        assert!(holds(range(Greater, Create(1))));
        assert!(!holds(range(Equal, Version(1))));
    }

    #[test]
    fn a_transaction_that_changes_nothing_keeps_the_revision() {
        let mut kv = foo_store();
        let t = txn(
            vec![cmp("foo", CompareOp::Equal, CompareTarget::Version(9))],
            vec![put_op("a", "1")],
            vec![TxnOp::DeleteRange {
                key: "nope".into(),
                end: RangeEnd::Key,
            }],
        );
        let Ok(Written::Txn(resp)) = written(&mut kv, cmd(5, t)) else {
            panic!("a txn answers a txn");
        };
        assert!(!resp.succeeded);
        assert_eq!(resp.revision, 5);
        assert_eq!(
            resp.responses,
            vec![TxnOpResponse::DeleteRange {
                deleted: 0,
                revision: 5
            }]
        );
        assert_eq!(kv.revision(), 5);
    }

    #[test]
    fn a_transaction_reading_a_compacted_revision_changes_nothing() {
        let mut kv = foo_store();
        kv.compact(4).unwrap();
        let t = txn(
            vec![],
            vec![
                put_op("a", "1"),
                TxnOp::Range(RangeRequest {
                    revision: 3,
                    ..RangeRequest::key("foo")
                }),
            ],
            vec![],
        );
        assert_eq!(
            written(&mut kv, cmd(5, t)),
            Err(KvError::Compacted {
                compact_revision: 4
            })
        );
        assert!(kv.get("a").is_none());
        assert_eq!(kv.revision(), 5);
    }
}
