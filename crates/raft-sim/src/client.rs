//! Client requests, their results, and the history the linearizability
//! checker reads.

use std::fmt;

use serde::{Deserialize, Serialize};

use crate::hash::{fnv1a_extend, FNV_OFFSET};
use crate::kv::{
    KeyValue, KvError, KvStore, RangeEnd, RangeRequest, RangeResponse, TxnOp, TxnRequest,
    TxnResponse,
};
use crate::NodeId;

/// Largest accepted key, in bytes (etcd's default request limit is 1.5 MiB;
/// a teaching cluster keeps entries small enough to draw).
pub const MAX_KEY_BYTES: usize = 256;
/// Largest accepted value, in bytes.
pub const MAX_VALUE_BYTES: usize = 1024;

/// How a read decides it is allowed to answer, as etcd's `--consistency`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum ReadMode {
    /// ReadIndex (raft-rs `ReadOnlyOption::Safe`): the leader confirms with a
    /// heartbeat round to a quorum that it still leads, then the serving
    /// member waits until it has applied the leader's commit index.
    Linearizable,
    /// Lease read (raft-rs `ReadOnlyOption::LeaseBased`): the leader trusts
    /// that no other leader can exist yet and skips the heartbeat round.
    /// Correct only while clocks and timeouts behave; needs CheckQuorum.
    Lease,
    /// Answered from the serving member's own store at once. Always
    /// available, possibly stale.
    Serializable,
}

impl ReadMode {
    /// The word used in scripts and the page.
    pub fn as_str(self) -> &'static str {
        match self {
            ReadMode::Linearizable => "linearizable",
            ReadMode::Lease => "lease",
            ReadMode::Serializable => "serializable",
        }
    }

    /// Parses [`ReadMode::as_str`] (and `readindex`, `l`, `s`).
    pub fn parse(s: &str) -> Option<ReadMode> {
        Some(match s {
            "linearizable" | "readindex" | "read-index" | "l" => ReadMode::Linearizable,
            "lease" => ReadMode::Lease,
            "serializable" | "s" => ReadMode::Serializable,
            _ => return None,
        })
    }
}

/// A client request.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "op", rename_all = "snake_case")]
#[allow(missing_docs)] // Fields without a comment are what their names say.
pub enum ClientOp {
    /// Write `value` at `key`.
    Put { key: String, value: String },
    /// Read one key.
    Get { key: String },
    /// Delete one key.
    Delete { key: String },
    /// Read every key under a prefix.
    Range {
        /// Prefix (`""` for all keys).
        prefix: String,
    },
    /// A read with all of etcd's options (a range, a revision, sorting,
    /// limits): what `etcdctl get` sends.
    RangeRequest(RangeRequest),
    /// Delete every key of a range at one revision (`etcdctl del`).
    DeleteRange { key: String, end: RangeEnd },
    /// A transaction (`etcdctl txn`). One that writes goes through the log;
    /// one that only reads is a read, answered in the request's read mode.
    Txn(TxnRequest),
    /// Compact the store's history up to `revision` (`etcdctl compaction`);
    /// a write, so every member compacts at the same point of the log.
    Compact { revision: u64 },
}

impl ClientOp {
    /// Whether the op changes the store (goes through the log).
    pub fn is_write(&self) -> bool {
        match self {
            ClientOp::Put { .. }
            | ClientOp::Delete { .. }
            | ClientOp::DeleteRange { .. }
            | ClientOp::Compact { .. } => true,
            ClientOp::Txn(t) => !t.is_read_only(),
            ClientOp::Get { .. } | ClientOp::Range { .. } | ClientOp::RangeRequest(_) => false,
        }
    }

    /// Checks the request as the user typed it.
    pub fn validate(&self) -> Result<(), String> {
        match self {
            ClientOp::Put { key, value } => check_put(key, value),
            ClientOp::Get { key } | ClientOp::Delete { key } => check_key(key),
            ClientOp::Range { prefix } => {
                if prefix.len() > MAX_KEY_BYTES {
                    return Err(format!("prefix is longer than {MAX_KEY_BYTES} bytes"));
                }
                Ok(())
            }
            ClientOp::RangeRequest(r) => check_range(&r.key, &r.end),
            ClientOp::DeleteRange { key, end } => check_range(key, end),
            ClientOp::Txn(t) => check_txn(t),
            ClientOp::Compact { .. } => Ok(()),
        }
    }
}

fn check_key(key: &str) -> Result<(), String> {
    if key.is_empty() {
        return Err("key must not be empty".into());
    }
    if key.len() > MAX_KEY_BYTES {
        return Err(format!(
            "key is {} bytes; the limit is {MAX_KEY_BYTES}",
            key.len()
        ));
    }
    Ok(())
}

fn check_put(key: &str, value: &str) -> Result<(), String> {
    if value.len() > MAX_VALUE_BYTES {
        return Err(format!(
            "value is {} bytes; the limit is {MAX_VALUE_BYTES}",
            value.len()
        ));
    }
    check_key(key)
}

/// A range may start at the empty key when it runs to the end or covers a
/// prefix (etcd's `get "" --prefix`, `--from-key ""`).
fn check_range(key: &str, end: &RangeEnd) -> Result<(), String> {
    match end {
        RangeEnd::Prefix | RangeEnd::FromKey if key.is_empty() => Ok(()),
        RangeEnd::To(e) if e.len() > MAX_KEY_BYTES => Err(format!(
            "range end is {} bytes; the limit is {MAX_KEY_BYTES}",
            e.len()
        )),
        _ => check_key(key),
    }
}

/// etcd's own checks (`v3rpc/key.go` `checkTxnRequest`, `checkIntervals`):
/// every key valid, and no key written twice in one branch (a put beside
/// another put or a delete of the same key).
fn check_txn(t: &TxnRequest) -> Result<(), String> {
    for c in &t.compare {
        check_range(&c.key, &c.end)?;
    }
    for branch in [&t.success, &t.failure] {
        let mut puts: Vec<&str> = Vec::new();
        for op in branch {
            match op {
                TxnOp::Put { key, value } => {
                    check_put(key, value)?;
                    if puts.contains(&key.as_str()) {
                        return Err(DUPLICATE_KEY.into());
                    }
                    puts.push(key);
                }
                TxnOp::Range(r) => check_range(&r.key, &r.end)?,
                TxnOp::DeleteRange { key, end } => check_range(key, end)?,
            }
        }
        for op in branch {
            if let TxnOp::DeleteRange { key, end } = op {
                if puts.iter().any(|p| end.contains(key, p)) {
                    return Err(DUPLICATE_KEY.into());
                }
            }
        }
    }
    Ok(())
}

/// etcd's words for a transaction that writes a key twice
/// (`rpctypes.ErrGRPCDuplicateKey`).
pub const DUPLICATE_KEY: &str = "duplicate key given in txn request";

impl fmt::Display for ClientOp {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ClientOp::Put { key, value } => write!(f, "put {key}={value}"),
            ClientOp::Get { key } => write!(f, "get {key}"),
            ClientOp::Delete { key } => write!(f, "delete {key}"),
            ClientOp::Range { prefix } => write!(f, "range {prefix}*"),
            ClientOp::RangeRequest(r) => {
                write!(f, "get {}", r.end.show(&r.key))?;
                if r.revision != 0 {
                    write!(f, " @rev {}", r.revision)?;
                }
                Ok(())
            }
            ClientOp::DeleteRange { key, end } => write!(f, "delete {}", end.show(key)),
            ClientOp::Txn(t) => write!(
                f,
                "txn ({} if, {} then, {} else)",
                t.compare.len(),
                t.success.len(),
                t.failure.len()
            ),
            ClientOp::Compact { revision } => write!(f, "compact {revision}"),
        }
    }
}

/// Why a request failed. Callers match on it (a definite failure or an
/// unknown outcome); its message is what the page and the CLI show.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, thiserror::Error)]
#[serde(tag = "error", rename_all = "snake_case")]
#[allow(missing_docs)] // Fields without a comment are what their names say.
pub enum ClientError {
    /// The request itself is bad; it was never sent.
    #[error("invalid request: {reason}")]
    Invalid {
        /// What is wrong.
        reason: String,
    },
    /// The chosen member is down or no longer a member; nothing was sent.
    #[error("n{node} is down")]
    MemberDown { node: NodeId },
    /// The member crashed while the request was pending; a write may or may
    /// not have been committed.
    #[error("n{node} crashed before answering (outcome unknown)")]
    MemberCrashed { node: NodeId },
    /// Lease reads need CheckQuorum (the leader must step down when it loses
    /// its quorum, or its lease means nothing).
    #[error("lease reads need CheckQuorum turned on")]
    LeaseNeedsCheckQuorum,
    /// No answer within the client timeout; a write may or may not have
    /// been committed.
    #[error("request timed out waiting for {waiting_for}")]
    Timeout {
        /// What the member was still waiting for.
        waiting_for: String,
    },
    /// The revision asked for (a read's, a compaction's) has been
    /// compacted: etcd's `ErrCompacted`.
    #[error("mvcc: required revision has been compacted")]
    Compacted {
        /// The store's compacted revision.
        compact_revision: u64,
    },
    /// The revision asked for is newer than the serving member's store:
    /// etcd's `ErrFutureRev`.
    #[error("mvcc: required revision is a future revision")]
    FutureRevision,
}

impl From<KvError> for ClientError {
    fn from(e: KvError) -> Self {
        match e {
            KvError::Compacted { compact_revision } => ClientError::Compacted { compact_revision },
            KvError::FutureRevision => ClientError::FutureRevision,
        }
    }
}

impl ClientError {
    /// Whether the request certainly had no effect. Writes that failed
    /// otherwise are "indeterminate": they may still commit later, and the
    /// linearizability checker treats them so.
    pub fn is_definite(&self) -> bool {
        matches!(
            self,
            ClientError::Invalid { .. }
                | ClientError::MemberDown { .. }
                | ClientError::LeaseNeedsCheckQuorum
                // The store refused it, on every member alike.
                | ClientError::Compacted { .. }
                | ClientError::FutureRevision
        )
    }
}

/// A successful answer.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "reply", rename_all = "snake_case")]
pub enum Reply {
    /// A put was committed and applied at `revision`.
    Put {
        /// Store revision of the write.
        revision: u64,
    },
    /// A delete was committed; `deleted` says whether the key existed.
    Delete {
        /// Store revision after the delete.
        revision: u64,
        /// Whether a key was removed.
        deleted: bool,
    },
    /// A get: the key, if present.
    Get {
        /// The key's value and revisions.
        kv: Option<KeyValue>,
        /// The store revision the read saw.
        revision: u64,
    },
    /// A range: every key under the prefix.
    Range {
        /// The keys in order.
        kvs: Vec<KeyValue>,
        /// The store revision the read saw.
        revision: u64,
    },
    /// The answer to a [`ClientOp::RangeRequest`].
    RangeResponse(RangeResponse),
    /// A delete range was committed.
    DeleteRange {
        /// Store revision after it (unchanged if it deleted nothing).
        revision: u64,
        /// How many keys it deleted.
        deleted: u64,
    },
    /// A transaction's answer.
    Txn(TxnResponse),
    /// A compaction was committed.
    Compact {
        /// The store's revision (compaction does not change it).
        revision: u64,
    },
}

/// How a request ended.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "status", rename_all = "snake_case")]
#[allow(missing_docs)] // Fields without a comment are what their names say.
pub enum OpResult {
    /// Answered.
    Ok { reply: Reply },
    /// Failed.
    Err { error: ClientError },
}

impl fmt::Display for OpResult {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            OpResult::Ok { reply } => match reply {
                Reply::Put { revision } => write!(f, "ok, revision {revision}"),
                Reply::Delete { revision, deleted } => {
                    let what = if *deleted { "deleted" } else { "not found" };
                    write!(f, "{what}, revision {revision}")
                }
                Reply::Get { kv: Some(kv), .. } => {
                    write!(f, "{}={} (mod rev {})", kv.key, kv.value, kv.mod_revision)
                }
                Reply::Get { kv: None, revision } => {
                    write!(f, "not found (at revision {revision})")
                }
                Reply::Range { kvs, revision } => {
                    let keys = if kvs.len() == 1 { "key" } else { "keys" };
                    write!(f, "{} {keys} (at revision {revision})", kvs.len())
                }
                Reply::RangeResponse(r) => {
                    let keys = if r.count == 1 { "key" } else { "keys" };
                    write!(f, "{} {keys} (at revision {})", r.count, r.revision)
                }
                Reply::DeleteRange { revision, deleted } => {
                    write!(f, "deleted {deleted}, revision {revision}")
                }
                Reply::Txn(t) => {
                    let branch = if t.succeeded { "success" } else { "failure" };
                    write!(f, "txn {branch}, revision {}", t.revision)
                }
                Reply::Compact { revision } => write!(f, "compacted, revision {revision}"),
            },
            OpResult::Err { error } => write!(f, "error: {error}"),
        }
    }
}

/// One client operation as the checker sees it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct HistoryEntry {
    /// Operation id.
    pub op_id: u64,
    /// Client id.
    pub client: u64,
    /// Member the request went to.
    pub node: NodeId,
    /// The request.
    pub op: ClientOp,
    /// Read mode (reads only).
    pub mode: Option<ReadMode>,
    /// Virtual time the request was sent.
    pub invoke: u64,
    /// Virtual time it finished; `None` while pending.
    pub complete: Option<u64>,
    /// Its result; `None` while pending.
    pub result: Option<OpResult>,
    /// Set on a read, whatever its mode, whose answer is older than a
    /// value committed before it began.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub stale: Option<Staleness>,
}

impl HistoryEntry {
    /// Whether the request finished successfully.
    pub fn is_ok(&self) -> bool {
        matches!(self.result, Some(OpResult::Ok { .. }))
    }

    /// Latency in virtual ms, once finished.
    pub fn latency(&self) -> Option<u64> {
        self.complete.map(|c| c - self.invoke)
    }
}

/// A read's answer older than a value committed before the read began.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Staleness {
    /// The store revision the answer was read at.
    pub answered: u64,
    /// The store revision of the newest value committed before the read
    /// began.
    pub newest: u64,
}

/// What a read's answer must not be older than: the keys it reads as the
/// most advanced store held them when the read began.
///
/// Members apply an entry in the same Ready as they learn it is committed,
/// so the most advanced running store holds everything committed so far
/// (except what only a crashed leader knew was committed). Store
/// revisions grow with the log, so an answer that differs from that store
/// on the keys read, at a lower revision, missed a committed write: it is
/// stale. One that differs at a higher revision saw a later write, which
/// is allowed.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ReadFloor {
    revision: u64,
    seen: u64,
}

impl ReadFloor {
    /// The floor of a read of `op`, from the most advanced store (`None`
    /// for a write).
    pub fn of(op: &ClientOp, kv: &KvStore) -> Option<ReadFloor> {
        let seen = match op {
            ClientOp::Get { key } => fingerprint(kv.get(key).as_ref()),
            ClientOp::Range { prefix } => fingerprint(&kv.scan(prefix)),
            // A read of the past or a count says nothing about staleness.
            ClientOp::RangeRequest(r) if r.revision == 0 && !r.count_only => {
                fingerprint(&kv.range(r).ok()?.kvs)
            }
            _ => return None,
        };
        Some(ReadFloor {
            revision: kv.revision(),
            seen,
        })
    }

    /// Whether `reply` is older than the floor.
    pub fn judge(&self, reply: &Reply) -> Option<Staleness> {
        let (seen, answered) = match reply {
            Reply::Get { kv, revision } => (fingerprint(kv.as_ref()), *revision),
            Reply::Range { kvs, revision } => (fingerprint(kvs), *revision),
            Reply::RangeResponse(r) => (fingerprint(&r.kvs), r.revision),
            _ => return None,
        };
        (seen != self.seen && answered < self.revision).then_some(Staleness {
            answered,
            newest: self.revision,
        })
    }
}

/// Which versions of which keys a read saw: equal fingerprints, same
/// answer (a key's mod revision names the write that set it).
fn fingerprint<'a>(kvs: impl IntoIterator<Item = &'a KeyValue>) -> u64 {
    kvs.into_iter().fold(FNV_OFFSET, |h, kv| {
        let h = fnv1a_extend(h, kv.key.as_bytes());
        fnv1a_extend(h, &kv.mod_revision.to_le_bytes())
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn validation_names_the_problem() {
        let empty = ClientOp::Get { key: String::new() };
        assert_eq!(empty.validate().unwrap_err(), "key must not be empty");
        let big = ClientOp::Put {
            key: "k".into(),
            value: "x".repeat(MAX_VALUE_BYTES + 1),
        };
        assert!(big.validate().unwrap_err().contains("limit"));
        assert!(ClientOp::Range { prefix: "".into() }.validate().is_ok());
    }

    #[test]
    fn a_range_counts_its_keys_in_words() {
        let kv = |key: &str| KeyValue {
            key: key.into(),
            value: "v".into(),
            create_revision: 2,
            mod_revision: 2,
            version: 1,
        };
        let range = |kvs: Vec<KeyValue>| OpResult::Ok {
            reply: Reply::Range { kvs, revision: 3 },
        };
        assert_eq!(range(vec![kv("/a")]).to_string(), "1 key (at revision 3)");
        assert_eq!(
            range(vec![kv("/a"), kv("/b")]).to_string(),
            "2 keys (at revision 3)"
        );
        assert_eq!(range(vec![]).to_string(), "0 keys (at revision 3)");
    }

    #[test]
    fn a_read_is_stale_only_if_it_missed_a_write_committed_before_it_began() {
        use crate::kv::{Command, WriteOp};
        let put = |kv: &mut KvStore, op_id, key: &str, value: &str| {
            kv.apply(&Command {
                op_id,
                op: WriteOp::Put {
                    key: key.into(),
                    value: value.into(),
                },
            });
        };
        let get = |kv: &KvStore, key: &str| Reply::Get {
            kv: kv.get(key),
            revision: kv.revision(),
        };
        let mut old = KvStore::new();
        put(&mut old, 1, "k", "v1");
        put(&mut old, 2, "other", "x");
        let mut newest = old.clone();
        put(&mut newest, 3, "k", "v2");
        let read_k = ClientOp::Get { key: "k".into() };
        let floor = ReadFloor::of(&read_k, &newest).expect("a read");
        // The old store missed k=v2: stale, whatever the revision numbers.
        assert_eq!(
            floor.judge(&get(&old, "k")),
            Some(Staleness {
                answered: 3,
                newest: 4
            })
        );
        assert_eq!(floor.judge(&get(&newest, "k")), None);
        // A write after the read began may or may not be seen.
        let mut later = newest.clone();
        put(&mut later, 4, "k", "v3");
        assert_eq!(floor.judge(&get(&later, "k")), None);
        // An older store that agrees on the key read is not stale.
        let read_other = ClientOp::Get {
            key: "other".into(),
        };
        let floor = ReadFloor::of(&read_other, &newest).expect("a read");
        assert_eq!(floor.judge(&get(&old, "other")), None);
        // A range is compared key by key.
        let range = ClientOp::Range { prefix: "".into() };
        let floor = ReadFloor::of(&range, &newest).expect("a read");
        let answer = Reply::Range {
            kvs: old.scan(""),
            revision: old.revision(),
        };
        assert!(floor.judge(&answer).is_some());
    }

    #[test]
    fn read_modes_parse() {
        assert_eq!(ReadMode::parse("lease"), Some(ReadMode::Lease));
        assert_eq!(ReadMode::parse("readindex"), Some(ReadMode::Linearizable));
        assert_eq!(ReadMode::parse("quick"), None);
    }
}
