//! The etcd-like key-value state machine each member applies committed
//! entries to.
//!
//! Like etcd's MVCC store it keeps one global revision that every change
//! bumps, and per key the revision that created it, the revision that last
//! changed it and how many times it was written since creation. Committed
//! write commands travel in Raft entry data as JSON ([`Command`]). Reads are
//! answered straight from the store by the member (see `member.rs` for how
//! each read mode decides *when* it may read).

use std::collections::{BTreeMap, BTreeSet};

use serde::{Deserialize, Serialize};

use crate::hash::fnv1a;

/// One key with its value and etcd's bookkeeping revisions.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
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
}

impl WriteOp {
    /// The single key this write touches.
    pub fn key(&self) -> &str {
        match self {
            WriteOp::Put { key, .. } | WriteOp::Delete { key } => key,
        }
    }
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

/// The outcome of applying a write.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum WriteOutcome {
    /// The write changed the store; the store is now at `revision`.
    Applied {
        /// Store revision after the write.
        revision: u64,
        /// For a delete: whether the key existed.
        existed: bool,
    },
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

/// Whether a watch event is a put or a delete.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum WatchEventKind {
    /// The key was written.
    Put,
    /// The key was deleted.
    Delete,
}

/// A change seen by a watch, as etcd streams them.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct WatchEvent {
    /// Put or delete.
    pub kind: WatchEventKind,
    /// The key that changed.
    pub key: String,
    /// The new value (empty for a delete).
    pub value: String,
    /// The store revision of the change.
    pub revision: u64,
}

/// The store itself.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct KvStore {
    revision: u64,
    data: BTreeMap<String, KeyValue>,
    /// Op ids applied, those within [`OP_WINDOW`] of the newest.
    applied_ops: BTreeSet<u64>,
}

impl KvStore {
    /// An empty store at revision 0.
    pub fn new() -> Self {
        Self::default()
    }

    /// The current global revision.
    pub fn revision(&self) -> u64 {
        self.revision
    }

    /// The number of keys.
    pub fn len(&self) -> usize {
        self.data.len()
    }

    /// Whether the store holds no keys.
    pub fn is_empty(&self) -> bool {
        self.data.is_empty()
    }

    /// How many op ids the store remembers (to ignore repeated commands).
    pub fn remembered_ops(&self) -> usize {
        self.applied_ops.len()
    }

    /// One key.
    pub fn get(&self, key: &str) -> Option<&KeyValue> {
        self.data.get(key)
    }

    /// Every key starting with `prefix`, in key order (`""` means all).
    pub fn range(&self, prefix: &str) -> Vec<KeyValue> {
        self.data
            .range(prefix.to_string()..)
            .take_while(|(k, _)| k.starts_with(prefix))
            .map(|(_, v)| v.clone())
            .collect()
    }

    /// Applies a committed command, returning its outcome and the watch
    /// event it produced (none for a duplicate or a delete of a missing key,
    /// which, as in etcd, does not bump the revision).
    pub fn apply(&mut self, cmd: &Command) -> (WriteOutcome, Option<WatchEvent>) {
        let newest = self.applied_ops.last().copied().unwrap_or(0);
        if cmd.op_id + OP_WINDOW < newest || !self.applied_ops.insert(cmd.op_id) {
            return (WriteOutcome::Duplicate, None);
        }
        let newest = newest.max(cmd.op_id);
        while self
            .applied_ops
            .first()
            .is_some_and(|&old| old + OP_WINDOW < newest)
        {
            self.applied_ops.pop_first();
        }
        match &cmd.op {
            WriteOp::Put { key, value } => {
                self.revision += 1;
                let revision = self.revision;
                let kv = self.data.entry(key.clone()).or_insert_with(|| KeyValue {
                    key: key.clone(),
                    value: String::new(),
                    create_revision: revision,
                    mod_revision: revision,
                    version: 0,
                });
                kv.value = value.clone();
                kv.mod_revision = revision;
                kv.version += 1;
                let event = WatchEvent {
                    kind: WatchEventKind::Put,
                    key: key.clone(),
                    value: value.clone(),
                    revision,
                };
                (
                    WriteOutcome::Applied {
                        revision,
                        existed: true,
                    },
                    Some(event),
                )
            }
            WriteOp::Delete { key } => {
                if self.data.remove(key).is_none() {
                    return (
                        WriteOutcome::Applied {
                            revision: self.revision,
                            existed: false,
                        },
                        None,
                    );
                }
                self.revision += 1;
                let event = WatchEvent {
                    kind: WatchEventKind::Delete,
                    key: key.clone(),
                    value: String::new(),
                    revision: self.revision,
                };
                (
                    WriteOutcome::Applied {
                        revision: self.revision,
                        existed: true,
                    },
                    Some(event),
                )
            }
        }
    }

    /// Serialized form for a Raft snapshot.
    pub fn to_snapshot_data(&self) -> Vec<u8> {
        serde_json::to_vec(self).expect("a KvStore always serializes")
    }

    /// Rebuilds a store from snapshot data; empty data is an empty store.
    pub fn from_snapshot_data(data: &[u8]) -> Result<KvStore, serde_json::Error> {
        if data.is_empty() {
            return Ok(KvStore::new());
        }
        serde_json::from_slice(data)
    }

    /// A stable hash of the contents (keys, values, revisions), used to see
    /// whether members agree.
    pub fn content_hash(&self) -> u64 {
        fnv1a(&self.to_snapshot_data())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn put(op_id: u64, key: &str, value: &str) -> Command {
        Command {
            op_id,
            op: WriteOp::Put {
                key: key.into(),
                value: value.into(),
            },
        }
    }

    #[test]
    fn revisions_follow_etcd() {
        let mut kv = KvStore::new();
        kv.apply(&put(1, "/registry/pods/a", "v1"));
        kv.apply(&put(2, "/registry/pods/b", "v1"));
        kv.apply(&put(3, "/registry/pods/a", "v2"));
        let a = kv.get("/registry/pods/a").unwrap();
        assert_eq!((a.create_revision, a.mod_revision, a.version), (1, 3, 2));
        assert_eq!(kv.revision(), 3);

        // Deleting a missing key changes nothing, like etcd.
        let missing = Command {
            op_id: 4,
            op: WriteOp::Delete {
                key: "/nope".into(),
            },
        };
        let (out, ev) = kv.apply(&missing);
        assert_eq!(
            out,
            WriteOutcome::Applied {
                revision: 3,
                existed: false
            }
        );
        assert!(ev.is_none());

        let del = Command {
            op_id: 5,
            op: WriteOp::Delete {
                key: "/registry/pods/a".into(),
            },
        };
        let (_, ev) = kv.apply(&del);
        assert_eq!(ev.unwrap().revision, 4);
        // Re-creating starts a new version history.
        kv.apply(&put(6, "/registry/pods/a", "v3"));
        let a = kv.get("/registry/pods/a").unwrap();
        assert_eq!((a.create_revision, a.version), (5, 1));
    }

    #[test]
    fn duplicate_op_ids_apply_once() {
        let mut kv = KvStore::new();
        kv.apply(&put(1, "k", "a"));
        kv.apply(&put(2, "k", "b"));
        let (out, ev) = kv.apply(&put(1, "k", "a"));
        assert_eq!(out, WriteOutcome::Duplicate);
        assert!(ev.is_none());
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
            .range("/registry/pods/")
            .into_iter()
            .map(|k| k.key)
            .collect();
        assert_eq!(pods, vec!["/registry/pods/a", "/registry/pods/b"]);
        assert_eq!(kv.range("").len(), 4);

        let back = KvStore::from_snapshot_data(&kv.to_snapshot_data()).unwrap();
        assert_eq!(back, kv);
        assert_eq!(back.content_hash(), kv.content_hash());
    }
}
