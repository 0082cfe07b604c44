//! The requests and answers of etcd's KV API (`etcdserverpb`'s
//! `RangeRequest`, `DeleteRangeRequest`, `TxnRequest`, `CompactionRequest`),
//! as plain data: what the console sends and prints, and what travels in
//! Raft entries for the writes among them.
//!
//! Field meanings and defaults follow etcd v3.4's `rpc.proto`; where etcd
//! says "0 means ..." so do these.

use serde::{Deserialize, Serialize};

use super::KeyValue;

/// Which keys a request covers, from its `key`: etcd's `range_end`, named.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum RangeEnd {
    /// The one key (etcd: empty `range_end`).
    #[default]
    Key,
    /// Every key starting with `key` (etcdctl `--prefix`: `range_end` is
    /// `key` with its last byte plus one; every key for an empty `key`).
    Prefix,
    /// Every key from `key` on (etcdctl `--from-key`: `range_end` "\0").
    FromKey,
    /// Keys in `[key, end)`, byte order (etcdctl's second argument).
    To(String),
}

impl RangeEnd {
    /// The range that starts at `key` in the trace's words: `key`, `key*`
    /// (a prefix), `key..` (from the key on) or `key..end`.
    pub fn show(&self, key: &str) -> String {
        match self {
            RangeEnd::Key => key.to_string(),
            RangeEnd::Prefix => format!("{key}*"),
            RangeEnd::FromKey => format!("{key}.."),
            RangeEnd::To(end) => format!("{key}..{end}"),
        }
    }

    /// Whether `k` falls in the range that starts at `key`.
    pub fn contains(&self, key: &str, k: &str) -> bool {
        match self {
            RangeEnd::Key => k == key,
            RangeEnd::Prefix => k.starts_with(key),
            RangeEnd::FromKey => k >= key,
            RangeEnd::To(end) => k >= key && k < end.as_str(),
        }
    }
}

/// What a range sorts by (etcd's `SortTarget`).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum SortTarget {
    /// The key (the order keys come in anyway).
    #[default]
    Key,
    /// The key's version.
    Version,
    /// Its create revision.
    Create,
    /// Its mod revision.
    Modify,
    /// Its value, byte order.
    Value,
}

/// Sort direction (etcd's `SortOrder`). As etcd's server does, `None` with a
/// target other than [`SortTarget::Key`] sorts ascending.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum SortOrder {
    /// No sorting: key order.
    #[default]
    None,
    /// Smallest first.
    Ascend,
    /// Largest first; ties stay in key order.
    Descend,
}

/// A read of one key or a range of keys (etcd's `RangeRequest`).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct RangeRequest {
    /// First key (or the one key).
    pub key: String,
    /// Where the range ends.
    pub end: RangeEnd,
    /// Read the store as of this revision; 0 reads the current one. A
    /// compacted revision fails with `Compacted`, one not reached yet with
    /// `FutureRevision`.
    pub revision: u64,
    /// Return at most this many keys (0: all); `more` says some were cut.
    pub limit: u64,
    /// Sort by.
    pub sort_target: SortTarget,
    /// Sort direction.
    pub sort_order: SortOrder,
    /// Leave the values out.
    pub keys_only: bool,
    /// Only count the keys.
    pub count_only: bool,
}

impl RangeRequest {
    /// A read of the one key `key` at the current revision.
    pub fn key(key: impl Into<String>) -> RangeRequest {
        RangeRequest {
            key: key.into(),
            ..Default::default()
        }
    }

    /// A read of every key under `prefix` at the current revision.
    pub fn prefix(prefix: impl Into<String>) -> RangeRequest {
        RangeRequest {
            key: prefix.into(),
            end: RangeEnd::Prefix,
            ..Default::default()
        }
    }
}

/// The answer to a [`RangeRequest`] (etcd's `RangeResponse`).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct RangeResponse {
    /// The store's current revision when it answered (the response header's
    /// revision), whatever revision was read.
    pub revision: u64,
    /// The keys, sorted and limited as asked (empty with `count_only`).
    pub kvs: Vec<KeyValue>,
    /// Whether `limit` left keys out.
    pub more: bool,
    /// How many keys the range holds, before `limit`.
    pub count: u64,
}

/// How a [`Compare`] compares (etcd's `Compare.CompareResult`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum CompareOp {
    /// `=`
    Equal,
    /// `>`
    Greater,
    /// `<`
    Less,
    /// `!=`
    NotEqual,
}

/// What a [`Compare`] looks at, and the value it compares with. A missing
/// key has version, create and mod revision 0; a value compare on a missing
/// key is always false (etcd cannot tell a missing value from an empty one).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum CompareTarget {
    /// The key's version.
    Version(i64),
    /// Its create revision.
    Create(i64),
    /// Its mod revision.
    Mod(i64),
    /// Its value, byte order.
    Value(String),
}

/// One condition of a transaction (etcd's `Compare`). Over a range, every
/// key in it must satisfy the condition.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Compare {
    /// The key (or first key).
    pub key: String,
    /// Where the range ends.
    #[serde(default)]
    pub end: RangeEnd,
    /// How to compare.
    pub op: CompareOp,
    /// What to compare.
    pub target: CompareTarget,
}

/// One operation of a transaction branch (etcd's `RequestOp`).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum TxnOp {
    /// Write a key.
    Put {
        /// Key to write.
        key: String,
        /// New value.
        value: String,
    },
    /// Read, as a [`RangeRequest`]; it sees the branch's earlier writes.
    Range(RangeRequest),
    /// Delete every key in a range.
    DeleteRange {
        /// First key (or the one key).
        key: String,
        /// Where the range ends.
        end: RangeEnd,
    },
}

impl TxnOp {
    /// Whether the op changes the store.
    pub fn is_write(&self) -> bool {
        !matches!(self, TxnOp::Range(_))
    }
}

/// A transaction (etcd's `TxnRequest`): if every compare holds, the
/// `success` ops run, otherwise the `failure` ops, all at one revision.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct TxnRequest {
    /// Conditions, all of which must hold.
    pub compare: Vec<Compare>,
    /// Ops run if they do.
    pub success: Vec<TxnOp>,
    /// Ops run if they do not.
    pub failure: Vec<TxnOp>,
}

impl TxnRequest {
    /// Whether no op of either branch writes: etcd answers such a
    /// transaction as a read, without a Raft entry.
    pub fn is_read_only(&self) -> bool {
        !self
            .success
            .iter()
            .chain(&self.failure)
            .any(TxnOp::is_write)
    }
}

/// The answer to one [`TxnOp`] (etcd's `ResponseOp`).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum TxnOpResponse {
    /// A put: the transaction's revision.
    Put {
        /// Store revision of the write.
        revision: u64,
    },
    /// A range.
    Range(RangeResponse),
    /// A delete range.
    DeleteRange {
        /// How many keys it deleted.
        deleted: u64,
        /// The transaction's revision (the previous one if nothing changed
        /// yet).
        revision: u64,
    },
}

/// The answer to a [`TxnRequest`] (etcd's `TxnResponse`).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct TxnResponse {
    /// Store revision after the transaction (one more than before if it
    /// changed anything, however many keys).
    pub revision: u64,
    /// Whether the compares held (the `success` branch ran).
    pub succeeded: bool,
    /// One answer per op of the branch that ran.
    pub responses: Vec<TxnOpResponse>,
}

/// Why the store refused a request, as etcd's `mvcc` package words it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, thiserror::Error)]
#[serde(tag = "error", rename_all = "snake_case")]
pub enum KvError {
    /// The revision asked for is older than the compacted revision (a read
    /// or a watch), or a compaction asked for a revision not newer than it.
    #[error("mvcc: required revision has been compacted")]
    Compacted {
        /// The store's compacted revision.
        compact_revision: u64,
    },
    /// The revision asked for is newer than the store's.
    #[error("mvcc: required revision is a future revision")]
    FutureRevision,
}
