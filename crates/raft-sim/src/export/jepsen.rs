//! Jepsen-style history: JSON lines, one object per invocation and one
//! per completion, in time order, as Jepsen writes `history.edn` (here as
//! JSON) and Knossos and Elle read it:
//!
//! `{"index":0,"type":"invoke","process":1,"f":"write","key":"/a","value":"1","time":500000000,"node":1}`
//!
//! - `process`: the client. Jepsen never reuses a process whose operation
//!   ended `info` (it may still be running), so such a client continues as
//!   process `client + k × stride`, `stride` being one more than the
//!   largest client id and `k` how many of its operations ended `info`.
//! - `type`: `invoke`, then `ok`, `fail` (certainly no effect) or `info`
//!   (unknown; also for requests still open when the history was taken).
//! - `f`, `key`, `value`: see [`super::f_of`]; an invocation of a read has
//!   value null, its completion the value read (null: no such key).
//! - `time`: virtual nanoseconds; `node`: the member the request went to;
//!   `error` on `fail` and `info`: why.

use serde::{Deserialize, Serialize};

use super::{completion, f_of, invoke_value, key_of, ok_value, NANOS_PER_MS};
use crate::client::{HistoryEntry, OpResult};
use crate::NodeId;

/// One line.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Event {
    /// Position in the history.
    pub index: u64,
    /// `invoke`, `ok`, `fail` or `info`.
    #[serde(rename = "type")]
    pub kind: String,
    /// The client, as Jepsen numbers processes.
    pub process: u64,
    /// What the operation does.
    pub f: String,
    /// The key (the first key of a range; absent for txn and compact).
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub key: Option<String>,
    /// See the module's comment.
    pub value: serde_json::Value,
    /// Virtual nanoseconds.
    pub time: u64,
    /// The member the request went to.
    pub node: NodeId,
    /// Why it failed or is unknown.
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub error: Option<String>,
}

/// The history as events, in time order (an invocation before the
/// completions of the same instant: it cannot complete what it starts).
pub fn events(history: &[HistoryEntry]) -> Vec<Event> {
    let stride = history.iter().map(|h| h.client).max().unwrap_or(0) + 1;
    let mut infos: std::collections::BTreeMap<u64, u64> = Default::default();
    // (time, 0 invoke / 1 completion, op order, event)
    let mut out: Vec<(u64, u8, usize, Event)> = Vec::new();
    for (i, h) in history.iter().enumerate() {
        let process = h.client + infos.get(&h.client).copied().unwrap_or(0) * stride;
        let f = f_of(&h.op).to_string();
        let key = key_of(&h.op).map(str::to_string);
        let invoke = Event {
            index: 0,
            kind: "invoke".into(),
            process,
            f: f.clone(),
            key: key.clone(),
            value: invoke_value(&h.op),
            time: h.invoke * NANOS_PER_MS,
            node: h.node,
            error: None,
        };
        out.push((h.invoke, 0, i, invoke));
        let kind = completion(h);
        if kind == "info" {
            *infos.entry(h.client).or_default() += 1;
        }
        let (value, error) = match &h.result {
            Some(OpResult::Ok { reply }) => (ok_value(&h.op, reply), None),
            Some(OpResult::Err { error }) => (invoke_value(&h.op), Some(error.to_string())),
            None => (
                invoke_value(&h.op),
                Some("no answer when the history was taken".into()),
            ),
        };
        // An open request completes, as Jepsen's would at the end of a
        // test, with `info` at the end of the history.
        let at = h.complete.unwrap_or(u64::MAX / NANOS_PER_MS);
        let done = Event {
            index: 0,
            kind: kind.into(),
            process,
            f,
            key,
            value,
            time: at.saturating_mul(NANOS_PER_MS),
            node: h.node,
            error,
        };
        out.push((at, 1, i, done));
    }
    out.sort_by_key(|(t, phase, i, _)| (*t, *phase, *i));
    (out.into_iter().enumerate())
        .map(|(n, (.., mut e))| {
            e.index = n as u64;
            e
        })
        .collect()
}

/// The history as JSON lines.
pub fn write(history: &[HistoryEntry]) -> String {
    let mut s = String::new();
    for e in events(history) {
        s.push_str(&serde_json::to_string(&e).expect("an event serializes"));
        s.push('\n');
    }
    s
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::client::{ClientError, ClientOp, ReadMode, Reply};
    use crate::kv::KeyValue;

    fn entry(
        op_id: u64,
        client: u64,
        op: ClientOp,
        invoke: u64,
        end: Option<(u64, OpResult)>,
    ) -> HistoryEntry {
        HistoryEntry {
            op_id,
            client,
            node: 1,
            op,
            mode: Some(ReadMode::Linearizable),
            invoke,
            complete: end.as_ref().map(|e| e.0),
            result: end.map(|e| e.1),
            stale: None,
        }
    }

    #[test]
    fn writes_reads_and_unknown_outcomes_as_jepsen_types_them() {
        let put = ClientOp::Put {
            key: "/a".into(),
            value: "1".into(),
        };
        let get = ClientOp::Get { key: "/a".into() };
        let kv = KeyValue {
            key: "/a".into(),
            value: "1".into(),
            ..KeyValue::default()
        };
        let timeout = ClientError::Timeout {
            waiting_for: "commit".into(),
        };
        let history = [
            entry(
                0,
                1,
                put.clone(),
                10,
                Some((
                    20,
                    OpResult::Ok {
                        reply: Reply::Put { revision: 2 },
                    },
                )),
            ),
            entry(
                1,
                2,
                get,
                15,
                Some((
                    25,
                    OpResult::Ok {
                        reply: Reply::Get {
                            kv: Some(kv),
                            revision: 2,
                        },
                    },
                )),
            ),
            entry(
                2,
                1,
                put.clone(),
                30,
                Some((90, OpResult::Err { error: timeout })),
            ),
            entry(3, 1, put, 95, None),
        ];
        let text = write(&history);
        let lines: Vec<serde_json::Value> = text
            .lines()
            .map(|l| serde_json::from_str(l).unwrap())
            .collect();
        assert_eq!(lines.len(), 8);
        assert_eq!(
            lines[0],
            serde_json::json!({"index":0,"type":"invoke","process":1,"f":"write","key":"/a","value":"1","time":10_000_000,"node":1})
        );
        assert_eq!(
            lines[1]["type"], "invoke",
            "the read starts before the write ends"
        );
        assert_eq!(
            (lines[2]["type"].as_str(), lines[2]["f"].as_str()),
            (Some("ok"), Some("write"))
        );
        assert_eq!(
            lines[3]["value"], "1",
            "the read's completion carries what it read"
        );
        assert_eq!(
            lines[5]["type"], "info",
            "a timed-out write may still commit"
        );
        assert_eq!(
            lines[6]["process"], 4,
            "client 1 goes on as a new process after an info"
        );
        assert_eq!(
            lines[7]["type"], "info",
            "an open request ends the history as info"
        );
    }
}
