//! Append rejections say which kind they are: on the page's default links
//! (40 ms ± 20 ms) appends overtake each other and followers reject the
//! early ones although nothing differs; the words must say so, and the
//! logs-differ words must appear only where the logs differ.

use raft_sim::why::{AppendGap, Carrier};
use raft_sim::{Action, ClientOp, Cluster, ClusterConfig, EventKind, Lang, ReadMode};

#[test]
fn reordered_appends_are_told_as_early_not_as_differing_logs() {
    let mut cfg = ClusterConfig {
        seed: 1,
        members: 5,
        trace_capacity: 100_000,
        ..Default::default()
    };
    cfg.net.latency_ms = 40;
    cfg.net.jitter_ms = 20;
    let mut c = Cluster::new(cfg).unwrap();
    let (mut early, mut differs) = (0, 0);
    // A write every 20 ms to the leader: appends follow each other closer
    // than the jitter, as under the CLI's and the page's workloads.
    for i in 0..500 {
        let deadline = c.now() + 20;
        c.run_until(deadline, |_| false);
        if let Some(node) = c.leader() {
            let op = ClientOp::Put {
                key: format!("k{}", i % 7),
                value: "v".into(),
            };
            let mode = ReadMode::Linearizable;
            c.apply(Action::Client {
                client: 0,
                node,
                op,
                mode,
            })
            .unwrap();
        }
    }
    {
        for e in c.trace().recent() {
            if let EventKind::AppendRejected { gap, .. } = &e.kind {
                let en = e.kind.describe(Lang::En);
                let zh = e.kind.describe(Lang::Zh);
                match gap {
                    AppendGap::Missing {
                        carrier: Carrier::OnItsWay | Carrier::RejectedEarly,
                        ..
                    } => {
                        early += 1;
                        assert!(
                            en.contains("nothing is wrong") && !en.contains("differ"),
                            "{en}"
                        );
                        assert!(zh.contains("并没有出错"), "{zh}");
                    }
                    AppendGap::Differs { .. } => differs += 1,
                    _ => {}
                }
            }
        }
    }
    assert!(early > 0, "no reordered append was rejected");
    assert_eq!(differs, 0, "healthy links: no log differs");
}

fn rejected(gap: AppendGap) -> EventKind {
    EventKind::AppendRejected {
        leader: 1,
        follower: 3,
        index: 12,
        hint_index: 12,
        hint_term: 2,
        next: 12,
        gap,
    }
}

#[test]
fn differing_logs_name_both_terms_in_both_languages() {
    let ev = rejected(AppendGap::Differs {
        follower_term: 2,
        leader_term: 3,
    });
    assert_eq!(
        ev.describe(Lang::En),
        "n3 rejected n1's append after #12: the logs differ at #12: n3's entry there is from \
         term 2, n1's from term 3; n1 backs up to send from #12"
    );
    assert!(ev.describe(Lang::Zh).contains("不一致"));
}

#[test]
fn a_missing_entry_nobody_is_bringing_is_not_called_early_or_differing() {
    let ev = rejected(AppendGap::Missing {
        last: 9,
        carrier: Carrier::None,
    });
    let en = ev.describe(Lang::En);
    assert!(
        en.contains("has no entry #12 yet (its log ends at #9)"),
        "{en}"
    );
    assert!(
        !en.contains("differ") && !en.contains("nothing is wrong"),
        "{en}"
    );
}

#[test]
fn the_kind_stays_out_of_the_json_so_trace_hashes_hold() {
    let json = serde_json::to_string(&rejected(AppendGap::Differs {
        follower_term: 2,
        leader_term: 3,
    }))
    .unwrap();
    assert!(!json.contains("gap") && !json.contains("differs"), "{json}");
    // Read back, it no longer knows which kind it was, and says only what
    // Raft said, not that the logs differ.
    let back: EventKind = serde_json::from_str(&json).unwrap();
    let en = back.describe(Lang::En);
    assert!(!en.contains("differ"), "{en}");
}
