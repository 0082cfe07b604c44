//! What a long run with client traffic holds: every record that could grow
//! with the length of the run stays bounded (the page runs for hours).

use raft_sim::{Action, ClientOp, Cluster, ClusterConfig, Footprint, ReadMode, Role};

/// A cluster under the page's background load: `per_sec` writes per virtual
/// second to the leader, over 16 keys. Calls `each` every `every_ms`.
fn run_with_traffic(
    config: ClusterConfig,
    per_sec: u64,
    total_ms: u64,
    every_ms: u64,
    mut each: impl FnMut(u64, &Cluster),
) -> Cluster {
    let mut c = Cluster::new(config).unwrap();
    let gap = (1000 / per_sec).max(1);
    let mut n = 0u64;
    let mut next_report = every_ms;
    while c.now() < total_ms {
        c.advance(gap);
        let target = c.leader().or_else(|| {
            c.member_ids()
                .into_iter()
                .find(|&id| !matches!(c.role(id), Some(Role::Down | Role::Removed)))
        });
        if let Some(node) = target {
            n += 1;
            c.apply(Action::Client {
                client: 99,
                node,
                op: ClientOp::Put {
                    key: format!("/registry/pods/default/load-{}", n % 16),
                    value: format!("v{n}"),
                },
                mode: ReadMode::Linearizable,
            })
            .unwrap();
        }
        if c.now() >= next_report {
            each(c.now(), &c);
            next_report += every_ms;
        }
    }
    c
}

/// The window the page keeps.
const PAGE_HISTORY: usize = 2_000;

fn print_row(t: u64, f: &Footprint) {
    println!(
        "{:>5} s  history {:>7}+{:<4} leaders {:>3}  persisted {:>7}  applied {:>7}  trace {:>6}  \
         in-flight {:>4}  watch {:>3}  log {:>5}  ops {:>8}  snapshot bytes {:>9}  pending {:>4}",
        t / 1000,
        f.history,
        f.history_carried,
        f.checker_leaders,
        f.checker_persisted,
        f.checker_applied,
        f.trace_kept,
        f.in_flight,
        f.watch_events,
        f.log_entries,
        f.remembered_ops,
        f.snapshot_bytes,
        f.pending_requests,
    );
}

/// The measurement behind the bound: 9 members, 100 writes per virtual
/// second, one virtual hour, counts every 5 virtual minutes. Run with
/// `cargo test --release -p raft-sim --test footprint -- --ignored --nocapture`.
#[test]
#[ignore = "a measurement: one virtual hour, about a minute in release"]
fn measure_one_virtual_hour_with_traffic() {
    let config = ClusterConfig {
        seed: 5,
        members: 9,
        history_limit: Some(PAGE_HISTORY),
        ..Default::default()
    };
    run_with_traffic(config, 100, 3_600_000, 300_000, |t, c| {
        print_row(t, &c.footprint())
    });
}

#[test]
fn twenty_virtual_minutes_of_traffic_stay_within_bounds() {
    // 12,000 writes: the stores' op windows, the checker and the history
    // each fill up in the first ten minutes and then stay flat.
    let config = ClusterConfig {
        seed: 3,
        members: 3,
        history_limit: Some(PAGE_HISTORY),
        ..Default::default()
    };
    let mut at_ten = None;
    let c = run_with_traffic(config, 10, 1_200_000, 600_000, |t, c| {
        if t <= 600_000 {
            at_ten = Some(c.footprint());
        }
    });
    let (ten, twenty) = (at_ten.unwrap(), c.footprint());
    print_row(600_000, &ten);
    print_row(c.now(), &twenty);
    let grown = |a: usize, b: usize| b > a + a / 10 + 100;
    for (name, a, b) in [
        ("history", ten.history, twenty.history),
        (
            "carried writes",
            ten.history_carried,
            twenty.history_carried,
        ),
        ("persisted", ten.checker_persisted, twenty.checker_persisted),
        ("applied", ten.checker_applied, twenty.checker_applied),
        ("op ids", ten.remembered_ops, twenty.remembered_ops),
        ("log entries", ten.log_entries, twenty.log_entries),
    ] {
        assert!(!grown(a, b), "{name} grew from {a} to {b}");
    }
    let window = raft_sim::kv::OP_WINDOW as usize + 1;
    assert!(twenty.history <= 2 * PAGE_HISTORY);
    assert!(twenty.remembered_ops <= 3 * window);
    // Each snapshot holds the op window, a few bytes per op id, and the
    // store's history: at most RETAINED_REVISIONS and a tenth, some 15
    // bytes a version with these short values (40 is generous).
    let retained = raft_sim::kv::RETAINED_REVISIONS as usize * 11 / 10 + 16;
    assert!(twenty.snapshot_bytes <= 3 * (8 * window + 40 * retained + 4096));
    assert!(c.violations().is_empty());
    // The window the page keeps still checks as linearizable.
    assert!(c.history_dropped() > 6_000);
    let first_kept = c.history()[0].op_id;
    assert!(c.op(first_kept - 1).is_none() && c.op(first_kept).is_some());
    let waiting = c.history().iter().filter(|h| h.result.is_none()).count();
    assert_eq!(c.waiting_requests(), waiting);
    assert!(c.linearizability().linearizable);
}

#[test]
fn a_watch_counts_every_event_but_keeps_only_the_latest() {
    // A prefix watch on a busy prefix sees every write; before the bound it
    // kept them all, for as long as the page ran.
    let mut c = Cluster::new(ClusterConfig {
        members: 3,
        seed: 4,
        ..Default::default()
    })
    .unwrap();
    assert!(c.run_until(10_000, |c| c.leader().is_some()));
    let leader = c.leader().unwrap();
    c.apply(Action::Watch {
        node: leader,
        key: "/registry/".into(),
        prefix: true,
        start_revision: 0,
    })
    .unwrap();
    for n in 0..1_000u64 {
        c.apply(Action::Client {
            client: 99,
            node: leader,
            op: ClientOp::Put {
                key: format!("/registry/pods/default/load-{}", n % 16),
                value: format!("v{n}"),
            },
            mode: ReadMode::Linearizable,
        })
        .unwrap();
        c.advance(20);
    }
    c.advance(2_000);
    let w = c.watches().next().unwrap();
    assert_eq!(w.seen, 1_000);
    assert_eq!(w.events.len(), raft_sim::cluster::WATCH_EVENTS_KEPT);
    assert_eq!(w.events.last().unwrap().kv.value, "v999");
    assert!(c.footprint().watch_events <= raft_sim::cluster::WATCH_EVENTS_KEPT);
}
