//! Batch runs for the CLI, the benchmark and the chaos sweep: a steady
//! client workload and, optionally, a chaos nemesis.
//!
//! Chaos (as Jepsen's and turmoil's nemeses) crashes and restarts members,
//! partitions the network (including one-way), adds loss and duplication,
//! transfers leadership and changes membership. For the last part of a run
//! everything is healed, and the run must then show progress (writes
//! commit again) and convergence (every member ends with the same store).

use serde::{Deserialize, Serialize};

use crate::client::{ClientOp, ReadMode};
use crate::cluster::{Action, Cluster, ClusterConfig, MemberChange};
use crate::linearizability::check_with_modes;
use crate::member::conf_members;
use crate::network::MsgKind;
use crate::network::NetConfig;
use crate::rng::SimRng;
use crate::role::Role;
use crate::safety::Violation;
use crate::trace::EventKind;
use crate::NodeId;

/// Which faults a run injects.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Faults {
    /// A healthy network and no crashes.
    None,
    /// Random crashes, restarts, partitions, loss, duplication and
    /// membership changes; healed for the last 40% of the run.
    Chaos,
}

/// A batch run.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[allow(missing_docs)] // Fields without a comment are what their names say.
pub struct RunConfig {
    pub seed: u64,
    /// Founding voting members.
    pub members: u64,
    /// Virtual seconds to run.
    pub secs: u64,
    pub faults: Faults,
    pub pre_vote: bool,
    pub check_quorum: bool,
    pub clients: u64,
    /// Only writes (for the benchmark's steady write load).
    pub writes_only: bool,
    /// How many of the last trace events to keep for printing.
    pub keep_events: usize,
    /// Network conditions; chaos changes them and heals back to these.
    pub net: NetConfig,
}

impl Default for RunConfig {
    fn default() -> Self {
        RunConfig {
            seed: 1,
            members: 3,
            secs: 30,
            faults: Faults::None,
            pre_vote: true,
            check_quorum: true,
            clients: 3,
            writes_only: false,
            keep_events: 200,
            net: NetConfig::default(),
        }
    }
}

/// What a run found; the CLI prints it as JSON.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[allow(missing_docs)] // Fields without a comment are what their names say.
pub struct RunReport {
    pub seed: u64,
    /// Voting members at the start.
    pub members: u64,
    pub virtual_ms: u64,
    pub trace_hash: String,
    pub trace_events: u64,
    pub messages_sent: u64,
    pub messages_delivered: u64,
    pub messages_dropped: u64,
    pub leader_changes: u64,
    pub max_term: u64,
    pub committed_index: u64,
    /// Client requests answered successfully.
    pub client_ops_ok: u64,
    /// Client requests that failed.
    pub client_ops_failed: u64,
    /// Safety violations, plus progress and convergence failures.
    pub safety_violations: Vec<Violation>,
    /// Whether the client history is linearizable.
    pub linearizable: bool,
    /// Non-linearizable keys, explained.
    pub linearizability_failures: Vec<String>,
    /// Keys whose linearizability search ran out of budget.
    pub linearizability_undecided: Vec<String>,
    /// Whether the history stays linearizable with lease reads counted too.
    /// It need not: raft-rs's lease is not bounded by time, so a deposed
    /// leader that has not noticed yet can serve a stale lease read.
    pub lease_reads_linearizable: bool,
    /// The last trace events in plain words (not in the JSON).
    #[serde(skip)]
    pub last_events: Vec<String>,
}

impl RunReport {
    /// Whether the run found nothing wrong.
    pub fn passed(&self) -> bool {
        self.safety_violations.is_empty() && self.linearizable
    }
}

const KEYS: u64 = 6;

#[derive(Clone, Copy)]
enum ClientState {
    Idle { next_at: u64 },
    Waiting { op: u64 },
}

/// Runs a batch and reports on it.
pub fn run(cfg: &RunConfig) -> Result<RunReport, String> {
    run_recorded(cfg, false).map(|(report, _)| report)
}

/// Runs a batch, reports on it, and hands back the cluster as it ended
/// (`record`: with every action recorded, for a session export).
pub fn run_recorded(cfg: &RunConfig, record: bool) -> Result<(RunReport, Cluster), String> {
    if cfg.secs == 0 {
        return Err("--secs must be at least 1".into());
    }
    let mut cc = ClusterConfig {
        seed: cfg.seed,
        members: cfg.members,
        net: cfg.net.clone(),
        // Heartbeat traffic is left out of the printed events, so keep more.
        trace_capacity: cfg.keep_events.saturating_mul(20).max(1),
        ..Default::default()
    };
    cc.raft.pre_vote = cfg.pre_vote;
    cc.raft.check_quorum = cfg.check_quorum;
    cc.raft.snapshot_threshold = 100;
    let mut cluster = Cluster::new(cc)?;
    cluster.set_recording(record);

    let end = cfg.secs * 1000;
    let chaos = cfg.faults == Faults::Chaos;
    let heal_at = if chaos { end * 6 / 10 } else { 0 };
    let quiet = (end / 10).max(2_000).min(end / 2);
    let workload_end = end - quiet;

    let mut load_rng = SimRng::new(cfg.seed ^ 0x10AD_10AD_10AD_10AD);
    let mut chaos_rng = SimRng::new(cfg.seed ^ 0xC4A0_5C4A_05C4_A05C);
    let mut clients: Vec<ClientState> = (0..cfg.clients)
        .map(|_| ClientState::Idle { next_at: 1_000 })
        .collect();
    let mut next_fault = 1_500 + chaos_rng.below(1_000);
    let mut healed = !chaos;
    let mut next_readd = 0;
    let mut counter = 0u64;

    let step = 5;
    let mut t = 0;
    while t < end {
        t = (t + step).min(end);
        cluster.advance_to(t);

        if chaos && !healed && t >= next_fault {
            nemesis(&mut cluster, &mut chaos_rng, cfg.members as usize);
            next_fault = t + 300 + chaos_rng.below(1_200);
        }
        if chaos && !healed && t >= heal_at {
            heal(&mut cluster, cfg.members as usize, &cfg.net);
            healed = true;
        }
        if healed && chaos && t >= next_readd {
            restore_voters(&mut cluster, cfg.members as usize);
            next_readd = t + 500;
        }

        for (i, state) in clients.iter_mut().enumerate() {
            match *state {
                ClientState::Waiting { op } => {
                    if cluster.op(op).is_some_and(|h| h.result.is_some()) {
                        *state = ClientState::Idle {
                            next_at: t + load_rng.range_inclusive(0, 40),
                        };
                    }
                }
                ClientState::Idle { next_at } if t >= next_at && t < workload_end => {
                    counter += 1;
                    let (op, mode) = next_op(&mut load_rng, cfg, counter, i as u64);
                    let node = pick_target(&cluster, &mut load_rng);
                    let action = Action::Client {
                        client: i as u64,
                        node,
                        op,
                        mode,
                    };
                    if let Ok(Some(op)) = cluster.apply(action) {
                        *state = ClientState::Waiting { op };
                    }
                }
                ClientState::Idle { .. } => {}
            }
        }
    }

    let mut violations: Vec<Violation> = cluster.violations().to_vec();
    if chaos {
        check_progress(&cluster, heal_at, workload_end, &mut violations);
        check_convergence(&cluster, &mut violations);
    }
    let lin = cluster.linearizability();
    let with_lease = if lin.linearizable {
        check_with_modes(
            cluster.history(),
            &[ReadMode::Linearizable, ReadMode::Lease],
        )
        .linearizable
    } else {
        false
    };
    let stats = cluster.stats();
    let (ok, failed) =
        cluster
            .history()
            .iter()
            .fold((0, 0), |(ok, failed), h| match (&h.result, h.is_ok()) {
                (Some(_), true) => (ok + 1, failed),
                (Some(_), false) => (ok, failed + 1),
                (None, _) => (ok, failed),
            });
    let report = RunReport {
        seed: cfg.seed,
        members: cfg.members,
        virtual_ms: cluster.now(),
        trace_hash: cluster.trace().hash_hex(),
        trace_events: cluster.trace().len(),
        messages_sent: stats.messages_sent,
        messages_delivered: stats.messages_delivered,
        messages_dropped: stats.messages_dropped,
        leader_changes: stats.leader_changes,
        max_term: stats.max_term,
        committed_index: cluster.max_commit(),
        client_ops_ok: ok,
        client_ops_failed: failed,
        safety_violations: violations,
        linearizable: lin.linearizable,
        linearizability_failures: lin.failures,
        linearizability_undecided: lin.undecided,
        lease_reads_linearizable: with_lease,
        last_events: last_events(&cluster, cfg.keep_events),
    };
    Ok((report, cluster))
}

fn next_op(rng: &mut SimRng, cfg: &RunConfig, counter: u64, client: u64) -> (ClientOp, ReadMode) {
    let key = format!("/registry/pods/default/p{}", rng.below(KEYS));
    let value = format!("c{client}-v{counter}");
    let roll = if cfg.writes_only { 0 } else { rng.below(100) };
    let mode = match rng.below(3) {
        0 => ReadMode::Linearizable,
        1 if cfg.check_quorum => ReadMode::Lease,
        1 => ReadMode::Linearizable,
        _ => ReadMode::Serializable,
    };
    let op = match roll {
        0..=44 => ClientOp::Put { key, value },
        45..=79 => ClientOp::Get { key },
        80..=89 => ClientOp::Delete { key },
        _ => ClientOp::Range {
            prefix: "/registry/pods/".into(),
        },
    };
    (op, mode)
}

fn pick_target(cluster: &Cluster, rng: &mut SimRng) -> NodeId {
    let up = cluster.running();
    let pool = if up.is_empty() {
        cluster.member_ids()
    } else {
        up
    };
    *rng.pick(&pool).expect("a cluster has members")
}

fn nemesis(cluster: &mut Cluster, rng: &mut SimRng, voters: usize) {
    let members = cluster.member_ids();
    let up = cluster.running();
    let down: Vec<NodeId> = members
        .iter()
        .copied()
        .filter(|&n| cluster.role(n) == Some(Role::Down))
        .collect();
    let any = *rng.pick(&members).expect("members");
    // Failed actions (no leader for a membership change, say) are part of
    // chaos: they are simply skipped.
    let _ = match rng.below(12) {
        0 | 1 if up.len() > 1 => cluster.apply(Action::Crash {
            node: *rng.pick(&up).expect("up"),
        }),
        2 | 3 if !down.is_empty() => cluster.apply(Action::Restart {
            node: *rng.pick(&down).expect("down"),
        }),
        4 => {
            let mut a = Vec::new();
            let mut b = Vec::new();
            for &n in &members {
                if rng.chance(0.5) {
                    a.push(n)
                } else {
                    b.push(n)
                }
            }
            cluster.apply(Action::Partition { groups: vec![a, b] })
        }
        5 => {
            let from: Vec<NodeId> = members
                .iter()
                .copied()
                .filter(|_| rng.chance(0.4))
                .collect();
            let to: Vec<NodeId> = members
                .iter()
                .copied()
                .filter(|_| rng.chance(0.5))
                .collect();
            cluster.apply(Action::PartitionOneway { from, to })
        }
        6 => cluster.apply(Action::Isolate { node: any }),
        7 => cluster.apply(Action::HealAll),
        8 => cluster.apply(Action::SetNetwork {
            net: NetConfig {
                loss: rng.below(20) as f64 / 100.0,
                duplicate: rng.below(10) as f64 / 100.0,
                jitter_ms: rng.range_inclusive(0, 30),
                ..NetConfig::default()
            },
        }),
        9 => cluster.apply(Action::TransferLeader { to: any }),
        10 => {
            let voters = cluster.voters();
            if voters.len() > 3 && rng.chance(0.5) {
                cluster.apply(Action::ChangeMembership {
                    changes: vec![(MemberChange::Remove, *rng.pick(&voters).expect("voters"))],
                })
            } else {
                cluster.apply(Action::WipeAndRejoin { node: any })
            }
        }
        _ => {
            restore_voters(cluster, voters);
            Ok(None)
        }
    };
}

fn heal(cluster: &mut Cluster, voters: usize, net: &NetConfig) {
    let _ = cluster.apply(Action::HealAll);
    let _ = cluster.apply(Action::SetNetwork { net: net.clone() });
    for n in cluster.member_ids() {
        if cluster.role(n) == Some(Role::Down) {
            let _ = cluster.apply(Action::Restart { node: n });
        }
    }
    restore_voters(cluster, voters);
}

/// Brings the voter count back to where it started with new members (a
/// removed id is never reused).
fn restore_voters(cluster: &mut Cluster, voters: usize) {
    if cluster.voters().len() >= voters || cluster.replacement().is_some() {
        return;
    }
    // A member added earlier whose proposal was lost is added again first.
    let waiting = cluster.member_ids().into_iter().find(|&n| {
        cluster.member(n).is_some_and(|m| !m.is_removed())
            && !conf_members(cluster.membership()).contains(&n)
    });
    let Some(n) = waiting.or_else(|| cluster.next_member_id().ok()) else {
        return;
    };
    let _ = cluster.apply(Action::ChangeMembership {
        changes: vec![(MemberChange::AddVoter, n)],
    });
}

fn check_progress(cluster: &Cluster, heal_at: u64, until: u64, out: &mut Vec<Violation>) {
    let progressed = cluster
        .history()
        .iter()
        .any(|h| h.op.is_write() && h.invoke >= heal_at && h.is_ok());
    if !progressed {
        out.push(Violation {
            property: "progress".into(),
            detail: format!("no write committed between the heal at {heal_at} ms and {until} ms"),
            time: cluster.now(),
            step: cluster.trace().len(),
        });
    }
}

fn check_convergence(cluster: &Cluster, out: &mut Vec<Violation>) {
    if let Err(detail) = cluster.converged() {
        out.push(Violation {
            property: "convergence".into(),
            detail: format!("after healing: {detail}"),
            time: cluster.now(),
            step: cluster.trace().len(),
        });
    }
}

/// The last `n` events in words, without heartbeats and their responses
/// (which are most of the traffic and say little).
fn last_events(cluster: &Cluster, n: usize) -> Vec<String> {
    let mut lines: Vec<String> = cluster
        .trace()
        .recent()
        .rev()
        .filter(|e| !is_heartbeat(&e.kind))
        .take(n)
        .map(|e| format!("{:>7} ms  {}", e.time, e.describe()))
        .collect();
    lines.reverse();
    lines
}

fn is_heartbeat(kind: &EventKind) -> bool {
    let k = match kind {
        EventKind::MessageSent { kind, .. }
        | EventKind::MessageDelivered { kind, .. }
        | EventKind::MessageDropped { kind, .. } => *kind,
        _ => return false,
    };
    matches!(k, MsgKind::Heartbeat | MsgKind::HeartbeatResp)
}
