//! The golden output of a script, as etcd-io/raft's `testdata`: each step's
//! command, `----`, its outcome and the trace lines it produced in plain
//! words. `tests/scenarios.rs` keeps one beside each script (`NAME.out`)
//! and compares; `REWRITE=1` rewrites them.

use crate::network::MsgKind;
use crate::trace::EventKind;

use super::runner::ScriptOutcome;
use super::Scenario;

/// Whether an event belongs in a script's story. Out: heartbeats and their
/// responses (most of the traffic, saying only "still here"), every other
/// send and delivery (the effects they cause are events of their own), and
/// each entry's apply (its commit says it). In: elections and votes,
/// commits, snapshots, membership, drops, faults, client requests and
/// results, watch events, narration and violations; and the sends that are
/// a story by themselves: a snapshot and a leader's "campaign now".
pub fn story_event(kind: &EventKind) -> bool {
    match kind {
        EventKind::MessageSent { kind, .. } => {
            matches!(kind, MsgKind::Snapshot | MsgKind::TimeoutNow)
        }
        EventKind::MessageDelivered { .. } | EventKind::Applied { .. } => false,
        EventKind::MessageDropped { kind, .. } => {
            !matches!(kind, MsgKind::Heartbeat | MsgKind::HeartbeatResp)
        }
        _ => true,
    }
}

/// The golden text of a run: for each step its command, `----`, the
/// outcome, then the step's story events; then the verdict.
pub fn transcript(s: &Scenario, out: &ScriptOutcome) -> String {
    let mut t = String::new();
    for r in &out.steps {
        t.push_str(&format!("{}\n----\n{}\n", r.text, r.outcome));
        for e in &r.events {
            t.push_str(e);
            t.push('\n');
        }
        t.push('\n');
    }
    let verdict = match &out.failure {
        Some(f) => format!("FAILED at {f}"),
        None => "passed".to_string(),
    };
    t.push_str(&format!(
        "end\n----\n{verdict} ({} of {} steps)\n",
        out.steps.len(),
        s.steps.len()
    ));
    t
}
