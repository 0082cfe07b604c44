//! Linearizability of the client history, checked after the fact.
//!
//! The history is split by key: a register per key, searched Wing–Gong style
//! with memoization (as Porcupine does).

use std::collections::{BTreeMap, BTreeSet, HashSet};

use serde::{Deserialize, Serialize};

use crate::client::{ClientOp, HistoryEntry, OpResult, ReadMode, Reply};
use crate::kv::{RangeEnd, RangeRequest, RangeResponse, TxnOp, TxnOpResponse};

/// The verdict on a history.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct LinearizabilityReport {
    /// No key's history is non-linearizable (searches that hit the budget
    /// count as linearizable and are listed in `undecided`).
    pub linearizable: bool,
    /// Keys checked.
    pub keys: usize,
    /// Operations checked.
    pub ops: usize,
    /// Keys whose search ran out of budget.
    pub undecided: Vec<String>,
    /// One line per non-linearizable key.
    pub failures: Vec<String>,
}

#[derive(Clone, Debug)]
enum Kind {
    Write(Option<u32>),
    Read(Option<u32>),
}

#[derive(Clone, Debug)]
struct LinOp {
    op_id: u64,
    call: u64,
    ret: u64,
    definite: bool,
    kind: Kind,
}

/// Search steps allowed per key before giving up on a verdict.
pub const SEARCH_BUDGET: u64 = 2_000_000;

/// Checks that the history is linearizable as a map of registers.
///
/// What is checked: writes (committed, or failed with an unknown outcome,
/// which may take effect at any time after they were sent, or never) and
/// linearizable (ReadIndex) reads. Serializable reads are allowed to be
/// stale and are left out, and so are lease reads: raft-rs's lease is not
/// bounded by time, so an old leader that has not noticed it was deposed
/// serves stale lease reads (see [`check_with_modes`] to judge them too). A
/// range read counts as a read of every key under its prefix that the
/// history writes, which checks each key's view of it.
///
/// etcd's richer requests are checked the same way, key by key: a delete
/// range writes "absent" to every key in it, a transaction's branch that
/// ran (or, when its outcome is unknown, every write of both branches, each
/// of which may or may not have happened) counts as its writes and reads.
/// A projection of a linearizable history on one key is linearizable, so
/// this never fails a correct history; it does not see anomalies that only
/// show across keys (a transaction torn in half), nor does it check
/// transaction compares. Reads at a past revision, counts and keys-only
/// reads are not judged, and a read cut by `limit` vouches only for the
/// keys it returned.
pub fn check_linearizability(history: &[HistoryEntry]) -> LinearizabilityReport {
    check_with_modes(history, &[ReadMode::Linearizable])
}

/// Like [`check_linearizability`], counting reads of the given modes only.
pub fn check_with_modes(history: &[HistoryEntry], modes: &[ReadMode]) -> LinearizabilityReport {
    check_from(history, modes, None)
}

/// Checks a window of a longer history: the requests sent from virtual time
/// `cut` on, plus the writes sent before it that may have taken effect
/// after it (answered at or after `cut`, or with an unknown outcome). Every
/// key starts from an unknown value, which the writes sent before `cut`
/// leave unknown as long as no request of the window has been placed (a
/// write that was dropped from the window may sit between them). So a
/// linearizable history always passes, and a stale read at the start of
/// the window may go unnoticed.
pub fn check_window(history: &[HistoryEntry], cut: u64) -> LinearizabilityReport {
    check_from(history, &[ReadMode::Linearizable], Some(cut))
}

fn check_from(
    history: &[HistoryEntry],
    modes: &[ReadMode],
    cut: Option<u64>,
) -> LinearizabilityReport {
    let mut values: BTreeMap<String, u32> = BTreeMap::new();
    let mut intern = |v: &str| {
        let n = values.len() as u32;
        *values.entry(v.to_string()).or_insert(n)
    };
    let written: BTreeSet<String> = history.iter().flat_map(|h| keys_written(&h.op)).collect();
    // The written keys in a range: a key never written is absent
    // throughout, so reads and deletes of it say nothing.
    let in_range = |key: &str, end: &RangeEnd| -> Vec<String> {
        (written.iter())
            .filter(|k| end.contains(key, k))
            .cloned()
            .collect()
    };

    let mut per_key: BTreeMap<String, Vec<LinOp>> = BTreeMap::new();
    for h in history {
        let outcome = match &h.result {
            Some(OpResult::Ok { reply }) => Some(reply),
            Some(OpResult::Err { error }) if error.is_definite() => continue,
            _ => None,
        };
        let ret = match outcome {
            Some(_) => h.complete.unwrap_or(u64::MAX),
            None => u64::MAX,
        };
        let mut push = |key: &str, kind: Kind, definite: bool| {
            per_key.entry(key.to_string()).or_default().push(LinOp {
                op_id: h.op_id,
                call: h.invoke,
                ret,
                definite,
                kind,
            });
        };
        let judged = h.mode.is_some_and(|m| modes.contains(&m));
        match (&h.op, outcome) {
            (ClientOp::Put { key, value }, o) => {
                push(key, Kind::Write(Some(intern(value))), o.is_some())
            }
            (ClientOp::Delete { key }, o) => push(key, Kind::Write(None), o.is_some()),
            // Deleting a key that does not exist leaves it absent, so a
            // delete range is a write of "absent" to every key in it.
            (ClientOp::DeleteRange { key, end }, o) => {
                for k in in_range(key, end) {
                    push(&k, Kind::Write(None), o.is_some());
                }
            }
            // A transaction whose outcome is unknown may have run either
            // branch, or none: each of their writes may have happened.
            (ClientOp::Txn(t), None) => {
                for op in t.success.iter().chain(&t.failure) {
                    match op {
                        TxnOp::Put { key, value } => {
                            push(key, Kind::Write(Some(intern(value))), false)
                        }
                        TxnOp::DeleteRange { key, end } => {
                            for k in in_range(key, end) {
                                push(&k, Kind::Write(None), false);
                            }
                        }
                        TxnOp::Range(_) => {}
                    }
                }
            }
            // The branch that ran: its writes, and its reads (a writing
            // transaction went through the log, so its reads are
            // linearizable; a read-only one is judged by its mode).
            (ClientOp::Txn(t), Some(Reply::Txn(resp))) => {
                let ops = if resp.succeeded {
                    &t.success
                } else {
                    &t.failure
                };
                let reads_judged = !t.is_read_only() || judged;
                for (op, answer) in ops.iter().zip(&resp.responses) {
                    match (op, answer) {
                        (TxnOp::Put { key, value }, _) => {
                            push(key, Kind::Write(Some(intern(value))), true)
                        }
                        (TxnOp::DeleteRange { key, end }, _) => {
                            for k in in_range(key, end) {
                                push(&k, Kind::Write(None), true);
                            }
                        }
                        (TxnOp::Range(r), TxnOpResponse::Range(answer)) if reads_judged => {
                            for (k, v) in range_reads(r, answer, &in_range) {
                                let v = v.map(|v| intern(&v));
                                push(&k, Kind::Read(v), true);
                            }
                        }
                        _ => {}
                    }
                }
            }
            (_, None) => {} // A failed read says nothing.
            (_, Some(_)) if !judged => {}
            (ClientOp::Get { key }, Some(Reply::Get { kv, .. })) => {
                let v = kv.as_ref().map(|kv| intern(&kv.value));
                push(key, Kind::Read(v), true);
            }
            (ClientOp::Range { prefix }, Some(Reply::Range { kvs, .. })) => {
                for key in written.iter().filter(|k| k.starts_with(prefix.as_str())) {
                    let v = kvs
                        .iter()
                        .find(|kv| &kv.key == key)
                        .map(|kv| intern(&kv.value));
                    push(key, Kind::Read(v), true);
                }
            }
            (ClientOp::RangeRequest(r), Some(Reply::RangeResponse(answer))) => {
                for (k, v) in range_reads(r, answer, &in_range) {
                    let v = v.map(|v| intern(&v));
                    push(&k, Kind::Read(v), true);
                }
            }
            _ => {}
        }
    }

    let mut report = LinearizabilityReport {
        linearizable: true,
        keys: per_key.len(),
        ops: per_key.values().map(Vec::len).sum(),
        undecided: Vec::new(),
        failures: Vec::new(),
    };
    for (key, mut ops) in per_key {
        ops.sort_by_key(|o| (o.call, o.op_id));
        let mut search = Search::new(&ops, cut);
        match search.run() {
            Some(true) => {}
            Some(false) => {
                report.linearizable = false;
                report.failures.push(search.explain(&key));
            }
            None => report.undecided.push(key),
        }
    }
    report
}

/// The keys a request may write (for the set of keys the history writes).
fn keys_written(op: &ClientOp) -> Vec<String> {
    match op {
        ClientOp::Put { key, .. } | ClientOp::Delete { key } => vec![key.clone()],
        ClientOp::Txn(t) => (t.success.iter().chain(&t.failure))
            .filter_map(|op| match op {
                TxnOp::Put { key, .. } => Some(key.clone()),
                _ => None,
            })
            .collect(),
        _ => Vec::new(),
    }
}

/// What a range read says about each written key in it: its value, or
/// absent. A read of the past (`revision` set) says nothing about the
/// present, nor do counts and keys without values; a read cut by `limit`
/// vouches only for the keys it returned.
fn range_reads(
    r: &RangeRequest,
    answer: &RangeResponse,
    in_range: &dyn Fn(&str, &RangeEnd) -> Vec<String>,
) -> Vec<(String, Option<String>)> {
    if r.revision != 0 || r.keys_only || r.count_only {
        return Vec::new();
    }
    in_range(&r.key, &r.end)
        .into_iter()
        .filter_map(|k| {
            let found = answer.kvs.iter().find(|kv| kv.key == k);
            match found {
                Some(kv) => Some((k, Some(kv.value.clone()))),
                None if !answer.more => Some((k, None)),
                None => None,
            }
        })
        .collect()
}

/// The register's value before a window's first request: anything.
const UNKNOWN: Option<u32> = Some(u32::MAX);

struct Search<'a> {
    ops: &'a [LinOp],
    cut: Option<u64>,
    seen: HashSet<(Vec<u64>, Option<u32>)>,
    steps: u64,
    deepest: usize,
    stuck: Option<usize>,
}

impl<'a> Search<'a> {
    fn new(ops: &'a [LinOp], cut: Option<u64>) -> Self {
        Search {
            ops,
            cut,
            seen: HashSet::new(),
            steps: 0,
            deepest: 0,
            stuck: None,
        }
    }

    /// `Some(verdict)`, or `None` when the budget ran out.
    fn run(&mut self) -> Option<bool> {
        let words = self.ops.len().div_ceil(64);
        let mut done = vec![0u64; words];
        let start = if self.cut.is_some() { UNKNOWN } else { None };
        self.dfs(&mut done, 0, start)
    }

    fn is_done(done: &[u64], i: usize) -> bool {
        done[i / 64] & (1 << (i % 64)) != 0
    }

    fn dfs(&mut self, done: &mut Vec<u64>, count: usize, state: Option<u32>) -> Option<bool> {
        self.steps += 1;
        if self.steps > SEARCH_BUDGET {
            return None;
        }
        // Finished when every op with a known outcome is placed; ops with an
        // unknown outcome may stay unplaced (they never took effect).
        let pending_definite = (0..self.ops.len())
            .filter(|&i| self.ops[i].definite && !Self::is_done(done, i))
            .count();
        if pending_definite == 0 {
            return Some(true);
        }
        if !self.seen.insert((done.clone(), state)) {
            return Some(false);
        }
        if count >= self.deepest {
            self.deepest = count;
            self.stuck =
                (0..self.ops.len()).find(|&i| self.ops[i].definite && !Self::is_done(done, i));
        }
        // An op may go next only if no unplaced op returned before it was
        // called.
        let min_ret = (0..self.ops.len())
            .filter(|&i| !Self::is_done(done, i))
            .map(|i| self.ops[i].ret)
            .min()
            .unwrap_or(u64::MAX);
        for i in 0..self.ops.len() {
            if Self::is_done(done, i) {
                continue;
            }
            let op = &self.ops[i];
            if op.call > min_ret {
                break; // Sorted by call time: no later op can go next.
            }
            let before_cut = self.cut.is_some_and(|c| op.call < c);
            let next = match op.kind {
                Kind::Write(_) if state == UNKNOWN && before_cut => UNKNOWN,
                Kind::Write(v) => v,
                Kind::Read(v) if v == state || state == UNKNOWN => v,
                Kind::Read(_) => continue,
            };
            done[i / 64] |= 1 << (i % 64);
            let r = self.dfs(done, count + 1, next);
            done[i / 64] &= !(1 << (i % 64));
            match r {
                Some(true) => return Some(true),
                None => return None,
                Some(false) => {}
            }
        }
        Some(false)
    }

    fn explain(&self, key: &str) -> String {
        match self.stuck.map(|i| &self.ops[i]) {
            Some(op) => {
                let what = match op.kind {
                    Kind::Read(_) => "read",
                    Kind::Write(_) => "write",
                };
                format!(
                    "key {key}: {} ops; no order explains the {what} of op {} (sent at {} ms)",
                    self.ops.len(),
                    op.op_id,
                    op.call
                )
            }
            None => format!("key {key}: {} ops cannot be ordered", self.ops.len()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::client::ClientError;
    use crate::kv::KeyValue;

    fn entry(
        op_id: u64,
        op: ClientOp,
        invoke: u64,
        complete: u64,
        result: OpResult,
    ) -> HistoryEntry {
        let mode = (!op.is_write()).then_some(ReadMode::Linearizable);
        HistoryEntry {
            op_id,
            client: 0,
            node: 1,
            op,
            mode,
            invoke,
            complete: Some(complete),
            result: Some(result),
            stale: None,
        }
    }

    fn put(op_id: u64, v: &str, a: u64, b: u64) -> HistoryEntry {
        entry(
            op_id,
            ClientOp::Put {
                key: "k".into(),
                value: v.into(),
            },
            a,
            b,
            OpResult::Ok {
                reply: Reply::Put { revision: op_id },
            },
        )
    }

    fn get(op_id: u64, v: Option<&str>, a: u64, b: u64) -> HistoryEntry {
        let kv = v.map(|v| KeyValue {
            key: "k".into(),
            value: v.into(),
            create_revision: 1,
            mod_revision: 1,
            version: 1,
        });
        entry(
            op_id,
            ClientOp::Get { key: "k".into() },
            a,
            b,
            OpResult::Ok {
                reply: Reply::Get { kv, revision: 1 },
            },
        )
    }

    #[test]
    fn a_window_starts_from_any_value_and_still_catches_stale_reads() {
        // Cut at 100: the value written before it is unknown, and a write
        // sent before the cut and answered after it may land late.
        let window = vec![
            put(5, "late", 90, 130),
            get(6, Some("old"), 100, 110),
            get(7, Some("late"), 140, 150),
        ];
        assert!(check_window(&window, 100).linearizable);
        assert!(!check_linearizability(&window).linearizable);
        let stale = vec![
            get(6, Some("old"), 100, 110),
            put(7, "new", 120, 130),
            get(8, Some("old"), 140, 150),
        ];
        assert!(!check_window(&stale, 100).linearizable);
    }

    #[test]
    fn sequential_history_is_linearizable() {
        let h = vec![
            put(1, "a", 0, 10),
            get(2, Some("a"), 11, 20),
            put(3, "b", 21, 30),
        ];
        assert!(check_linearizability(&h).linearizable);
    }

    #[test]
    fn stale_read_after_a_completed_write_is_caught() {
        let h = vec![
            put(1, "a", 0, 10),
            put(2, "b", 11, 20),
            get(3, Some("a"), 21, 30),
        ];
        let r = check_linearizability(&h);
        assert!(!r.linearizable);
        assert!(r.failures[0].contains("key k"), "{:?}", r.failures);
    }

    #[test]
    fn concurrent_ops_may_go_either_way() {
        let h = vec![
            put(1, "a", 0, 50),
            get(2, Some("a"), 10, 20),
            get(3, None, 5, 8),
        ];
        assert!(check_linearizability(&h).linearizable);
    }

    #[test]
    fn an_unknown_write_may_take_effect_late_or_never() {
        let mut lost = put(1, "x", 0, 0);
        lost.complete = Some(100);
        lost.result = Some(OpResult::Err {
            error: ClientError::Timeout {
                waiting_for: "commit".into(),
            },
        });
        let h1 = vec![lost.clone(), get(2, Some("x"), 500, 510)];
        assert!(check_linearizability(&h1).linearizable);
        let h2 = vec![lost, get(2, None, 500, 510)];
        assert!(check_linearizability(&h2).linearizable);
    }

    #[test]
    fn lease_reads_are_judged_only_when_asked() {
        let mut stale = get(3, Some("a"), 21, 30);
        stale.mode = Some(ReadMode::Lease);
        let h = vec![put(1, "a", 0, 10), put(2, "b", 11, 20), stale];
        assert!(check_linearizability(&h).linearizable);
        let both = [ReadMode::Linearizable, ReadMode::Lease];
        assert!(!check_with_modes(&h, &both).linearizable);
    }

    fn op(op_id: u64, op: ClientOp, a: u64, b: u64, reply: Reply) -> HistoryEntry {
        entry(op_id, op, a, b, OpResult::Ok { reply })
    }

    fn kv(key: &str, value: &str) -> KeyValue {
        KeyValue {
            key: key.into(),
            value: value.into(),
            create_revision: 2,
            mod_revision: 2,
            version: 1,
        }
    }

    fn put_key(op_id: u64, key: &str, v: &str, a: u64, b: u64) -> HistoryEntry {
        let p = ClientOp::Put {
            key: key.into(),
            value: v.into(),
        };
        op(op_id, p, a, b, Reply::Put { revision: op_id })
    }

    fn range(
        op_id: u64,
        r: RangeRequest,
        kvs: Vec<KeyValue>,
        more: bool,
        a: u64,
        b: u64,
    ) -> HistoryEntry {
        let count = kvs.len() as u64 + u64::from(more);
        let answer = RangeResponse {
            revision: 9,
            kvs,
            more,
            count,
        };
        op(
            op_id,
            ClientOp::RangeRequest(r),
            a,
            b,
            Reply::RangeResponse(answer),
        )
    }

    #[test]
    fn a_delete_range_is_a_delete_of_each_key_in_it() {
        let del = op(
            3,
            ClientOp::DeleteRange {
                key: "/p/".into(),
                end: RangeEnd::Prefix,
            },
            20,
            30,
            Reply::DeleteRange {
                revision: 4,
                deleted: 2,
            },
        );
        let base = vec![
            put_key(1, "/p/a", "1", 0, 10),
            put_key(2, "/p/b", "2", 0, 10),
            del,
        ];
        let mut gone = base.clone();
        gone.push(range(4, RangeRequest::prefix("/p/"), vec![], false, 40, 50));
        assert!(check_linearizability(&gone).linearizable);
        let mut stale = base;
        stale.push(range(
            4,
            RangeRequest::key("/p/b"),
            vec![kv("/p/b", "2")],
            false,
            40,
            50,
        ));
        let r = check_linearizability(&stale);
        assert!(!r.linearizable);
        assert!(r.failures[0].contains("/p/b"), "{:?}", r.failures);
    }

    fn txn_put(key: &str, v: &str) -> TxnOp {
        TxnOp::Put {
            key: key.into(),
            value: v.into(),
        }
    }

    #[test]
    fn a_transaction_counts_as_the_branch_that_ran() {
        let t = crate::kv::TxnRequest {
            compare: vec![],
            success: vec![txn_put("a", "yes"), TxnOp::Range(RangeRequest::key("b"))],
            failure: vec![txn_put("a", "no")],
        };
        let answer = |b: Option<&str>| crate::kv::TxnResponse {
            revision: 5,
            succeeded: true,
            responses: vec![
                TxnOpResponse::Put { revision: 5 },
                TxnOpResponse::Range(RangeResponse {
                    revision: 5,
                    kvs: b.map(|v| kv("b", v)).into_iter().collect(),
                    more: false,
                    count: u64::from(b.is_some()),
                }),
            ],
        };
        let txn = |b| op(2, ClientOp::Txn(t.clone()), 20, 30, Reply::Txn(answer(b)));
        let get_a = |v: &str| range(3, RangeRequest::key("a"), vec![kv("a", v)], false, 40, 50);
        let ok = vec![put_key(1, "b", "1", 0, 10), txn(Some("1")), get_a("yes")];
        assert!(check_linearizability(&ok).linearizable);
        // The failure branch did not run; nor can its read miss b.
        let wrong_branch = vec![put_key(1, "b", "1", 0, 10), txn(Some("1")), get_a("no")];
        assert!(!check_linearizability(&wrong_branch).linearizable);
        let missed = vec![put_key(1, "b", "1", 0, 10), txn(None), get_a("yes")];
        assert!(!check_linearizability(&missed).linearizable);
        // With its outcome unknown, either branch may have run.
        let mut unknown = op(
            2,
            ClientOp::Txn(t.clone()),
            20,
            30,
            Reply::Txn(answer(None)),
        );
        unknown.result = Some(OpResult::Err {
            error: ClientError::Timeout {
                waiting_for: "commit".into(),
            },
        });
        let h = vec![put_key(1, "b", "1", 0, 10), unknown, get_a("no")];
        assert!(check_linearizability(&h).linearizable);
    }

    #[test]
    fn reads_of_the_past_and_cut_reads_judge_only_what_they_can() {
        let old = RangeRequest {
            revision: 2,
            ..RangeRequest::key("k")
        };
        let h = vec![
            put_key(1, "k", "a", 0, 10),
            put_key(2, "k", "b", 11, 20),
            range(3, old, vec![kv("k", "a")], false, 21, 30),
        ];
        assert!(check_linearizability(&h).linearizable);
        // Limited to one key, the read says nothing about the second.
        let limited = RangeRequest {
            limit: 1,
            ..RangeRequest::prefix("k")
        };
        let h = vec![
            put_key(1, "k1", "a", 0, 10),
            put_key(2, "k2", "b", 0, 10),
            range(3, limited.clone(), vec![kv("k1", "a")], true, 21, 30),
        ];
        assert!(check_linearizability(&h).linearizable);
        let h = vec![
            put_key(1, "k1", "a", 0, 10),
            put_key(2, "k2", "b", 0, 10),
            range(3, limited, vec![kv("k1", "a")], false, 21, 30),
        ];
        assert!(!check_linearizability(&h).linearizable, "k2 went missing");
    }

    #[test]
    fn serializable_reads_are_not_judged() {
        let mut stale = get(3, Some("a"), 21, 30);
        stale.mode = Some(ReadMode::Serializable);
        let h = vec![put(1, "a", 0, 10), put(2, "b", 11, 20), stale];
        assert!(check_linearizability(&h).linearizable);
    }
}
