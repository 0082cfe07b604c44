//! The client history and the whole session in forms that outside tools
//! read (documented field by field in the README, "History formats"):
//!
//! - [`jepsen`]: Jepsen-style JSON lines, one per invocation and one per
//!   completion, as Knossos and Elle read histories;
//! - [`porcupine`]: Porcupine's `Operation` records (client, input, call,
//!   output, return);
//! - [`session`]: the setup, the user's actions with their virtual times,
//!   and the history, which imports back to the same run.
//!
//! Times are virtual: nanoseconds are the simulation's milliseconds times
//! 1 000 000, so the order of events is exact and reproducible.

pub mod jepsen;
pub mod porcupine;
pub mod session;

use crate::client::{ClientOp, HistoryEntry, OpResult, Reply};

/// Nanoseconds of a virtual millisecond.
pub const NANOS_PER_MS: u64 = 1_000_000;

/// The three forms, for `--history-format` and the page's buttons.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum HistoryFormat {
    /// Jepsen-style JSON lines.
    Jepsen,
    /// Porcupine operations (a JSON array).
    Porcupine,
    /// The whole session (JSON).
    Session,
}

impl HistoryFormat {
    /// Every form, in the order the page offers them.
    pub const ALL: [HistoryFormat; 3] = [
        HistoryFormat::Jepsen,
        HistoryFormat::Porcupine,
        HistoryFormat::Session,
    ];

    /// The word for it (`--history-format WORD`).
    pub fn as_str(self) -> &'static str {
        match self {
            HistoryFormat::Jepsen => "jepsen",
            HistoryFormat::Porcupine => "porcupine",
            HistoryFormat::Session => "session",
        }
    }

    /// The form a word names.
    pub fn parse(word: &str) -> Option<HistoryFormat> {
        HistoryFormat::ALL.into_iter().find(|f| f.as_str() == word)
    }

    /// A file name for a download.
    pub fn file_name(self) -> &'static str {
        match self {
            HistoryFormat::Jepsen => "history.jepsen.jsonl",
            HistoryFormat::Porcupine => "history.porcupine.json",
            HistoryFormat::Session => "session.json",
        }
    }
}

/// What an operation is, in the words the checkers' models use: `write`
/// (put), `read` (a get of one key), `delete`, and etcd's own `range`,
/// `delete-range`, `txn` and `compact`.
fn f_of(op: &ClientOp) -> &'static str {
    match op {
        ClientOp::Put { .. } => "write",
        ClientOp::Get { .. } => "read",
        ClientOp::RangeRequest(r) if r.end == crate::kv::RangeEnd::Key => "read",
        ClientOp::Delete { .. } => "delete",
        ClientOp::Range { .. } | ClientOp::RangeRequest(_) => "range",
        ClientOp::DeleteRange { .. } => "delete-range",
        ClientOp::Txn(_) => "txn",
        ClientOp::Compact { .. } => "compact",
    }
}

/// The key an operation is about (the first key of a range).
fn key_of(op: &ClientOp) -> Option<&str> {
    match op {
        ClientOp::Put { key, .. }
        | ClientOp::Get { key }
        | ClientOp::Delete { key }
        | ClientOp::DeleteRange { key, .. } => Some(key),
        ClientOp::Range { prefix } => Some(prefix),
        ClientOp::RangeRequest(r) => Some(&r.key),
        ClientOp::Txn(_) | ClientOp::Compact { .. } => None,
    }
}

/// The value an operation carries when it is invoked: a write's value,
/// the request of a txn or a compaction, nothing for reads.
fn invoke_value(op: &ClientOp) -> serde_json::Value {
    match op {
        ClientOp::Put { value, .. } => value.as_str().into(),
        ClientOp::Txn(t) => serde_json::to_value(t).unwrap_or_default(),
        ClientOp::Compact { revision } => (*revision).into(),
        _ => serde_json::Value::Null,
    }
}

/// The value an operation completed with: what a read saw (a key's value
/// or null; for a range, an object of key to value), a write's value, a
/// delete's count, a txn's response.
fn ok_value(op: &ClientOp, reply: &Reply) -> serde_json::Value {
    use serde_json::Value;
    let kvs = |kvs: &[crate::kv::KeyValue]| -> Value {
        Value::Object(
            kvs.iter()
                .map(|kv| (kv.key.clone(), Value::from(kv.value.as_str())))
                .collect(),
        )
    };
    match (op, reply) {
        (ClientOp::Put { value, .. }, _) => value.as_str().into(),
        (_, Reply::Get { kv, .. }) => kv
            .as_ref()
            .map_or(Value::Null, |kv| kv.value.as_str().into()),
        (ClientOp::RangeRequest(r), Reply::RangeResponse(resp))
            if r.end == crate::kv::RangeEnd::Key =>
        {
            resp.kvs
                .first()
                .map_or(Value::Null, |kv| kv.value.as_str().into())
        }
        (_, Reply::RangeResponse(resp)) => kvs(&resp.kvs),
        (_, Reply::Range { kvs: found, .. }) => kvs(found),
        (_, Reply::Delete { deleted, .. }) => u64::from(*deleted).into(),
        (_, Reply::DeleteRange { deleted, .. }) => (*deleted).into(),
        (_, Reply::Txn(t)) => serde_json::to_value(t).unwrap_or_default(),
        (_, Reply::Compact { .. } | Reply::Put { .. }) => invoke_value(op),
    }
}

/// How an operation ended, as Jepsen types it: `ok`, `fail` when it
/// certainly had no effect, `info` when its effect is unknown (a write that
/// timed out or whose member crashed may still commit) or it never ended.
fn completion(entry: &HistoryEntry) -> &'static str {
    match &entry.result {
        Some(OpResult::Ok { .. }) => "ok",
        Some(OpResult::Err { error }) if error.is_definite() => "fail",
        // A read that failed changed nothing either way.
        Some(OpResult::Err { .. }) if !entry.op.is_write() => "fail",
        _ => "info",
    }
}
