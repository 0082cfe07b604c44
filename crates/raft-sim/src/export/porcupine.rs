//! Porcupine's form: a JSON array of `porcupine.Operation`s,
//! `{"ClientId":1,"Input":{…},"Call":10000000,"Output":{…},"Return":20000000}`,
//! with `Input` `{"f","key","value"}` and `Output` `{"value"}` as in the
//! Jepsen form ([`super::jepsen`]) and times in virtual nanoseconds.
//!
//! Porcupine needs every operation to return. Following etcd's own
//! robustness tests: an operation that certainly had no effect (`fail`, or
//! a read that failed) is left out; a write whose effect is unknown (timed
//! out, its member crashed, or still open) returns at `i64::MAX`, so that
//! it may take effect at any time after its call, with `Output`
//! `{"unknown":true}`; a read still open is left out.

use serde::{Deserialize, Serialize};

use super::{completion, f_of, invoke_value, key_of, ok_value, NANOS_PER_MS};
use crate::client::{HistoryEntry, OpResult};

/// When an operation of unknown outcome returns: never.
pub const NEVER: i64 = i64::MAX;

/// What an operation asked.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Input {
    /// See the Jepsen form.
    pub f: String,
    /// The key, if any.
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub key: Option<String>,
    /// A write's value, a txn's request; null for reads.
    pub value: serde_json::Value,
}

/// What it got.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Output {
    /// What a read saw, a write's value, a delete's count.
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub value: Option<serde_json::Value>,
    /// The outcome is unknown (it returns at [`NEVER`]).
    #[serde(skip_serializing_if = "std::ops::Not::not", default)]
    pub unknown: bool,
}

/// One `porcupine.Operation`.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct Operation {
    /// The client.
    pub client_id: u64,
    /// What it asked.
    pub input: Input,
    /// When it was sent, virtual ns.
    pub call: i64,
    /// What it got.
    pub output: Output,
    /// When it returned, virtual ns ([`NEVER`]: unknown).
    #[serde(rename = "Return")]
    pub ret: i64,
}

fn nanos(ms: u64) -> i64 {
    i64::try_from(ms.saturating_mul(NANOS_PER_MS)).unwrap_or(NEVER)
}

/// The operations Porcupine checks, in call order.
pub fn operations(history: &[HistoryEntry]) -> Vec<Operation> {
    let mut ops = Vec::new();
    for h in history {
        let input = Input {
            f: f_of(&h.op).into(),
            key: key_of(&h.op).map(str::to_string),
            value: invoke_value(&h.op),
        };
        let (output, ret) = match (&h.result, completion(h)) {
            (Some(OpResult::Ok { reply }), _) => (
                Output {
                    value: Some(ok_value(&h.op, reply)),
                    unknown: false,
                },
                nanos(h.complete.unwrap_or(h.invoke)),
            ),
            (_, "fail") => continue,
            // Open or failed reads changed nothing.
            _ if !h.op.is_write() => continue,
            _ => (
                Output {
                    value: None,
                    unknown: true,
                },
                NEVER,
            ),
        };
        ops.push(Operation {
            client_id: h.client,
            input,
            call: nanos(h.invoke),
            output,
            ret,
        });
    }
    ops.sort_by_key(|o| o.call);
    ops
}

/// The operations as a JSON array, one per line.
pub fn write(history: &[HistoryEntry]) -> String {
    let lines: Vec<String> = operations(history)
        .iter()
        .map(|o| serde_json::to_string(o).expect("an operation serializes"))
        .collect();
    format!("[\n{}\n]\n", lines.join(",\n"))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::client::{ClientError, ClientOp, ReadMode, Reply};

    #[test]
    fn unknown_writes_never_return_and_failures_are_left_out() {
        let put = |v: &str| ClientOp::Put {
            key: "k".into(),
            value: v.into(),
        };
        let h = |op_id, op, invoke, complete, result| HistoryEntry {
            op_id,
            client: 7,
            node: 2,
            op,
            mode: Some(ReadMode::Linearizable),
            invoke,
            complete,
            result,
            stale: None,
        };
        let history = [
            h(
                0,
                put("a"),
                1,
                Some(3),
                Some(OpResult::Ok {
                    reply: Reply::Put { revision: 2 },
                }),
            ),
            h(
                1,
                put("b"),
                4,
                Some(9),
                Some(OpResult::Err {
                    error: ClientError::MemberCrashed { node: 2 },
                }),
            ),
            h(
                2,
                put("c"),
                5,
                Some(6),
                Some(OpResult::Err {
                    error: ClientError::MemberDown { node: 2 },
                }),
            ),
            h(3, ClientOp::Get { key: "k".into() }, 10, None, None),
        ];
        let text = write(&history);
        let ops: Vec<serde_json::Value> = serde_json::from_str(&text).unwrap();
        assert_eq!(ops.len(), 2, "{text}");
        assert_eq!(
            ops[0],
            serde_json::json!({"ClientId":7,"Input":{"f":"write","key":"k","value":"a"},"Call":1_000_000,"Output":{"value":"a"},"Return":3_000_000})
        );
        assert_eq!(ops[1]["Return"], NEVER);
        assert_eq!(ops[1]["Output"], serde_json::json!({"unknown": true}));
    }
}
