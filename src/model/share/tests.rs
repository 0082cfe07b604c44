//! The share module's tests: replays land where the run was, the format
//! round-trips and stays short, and bad links spoil only themselves.

use super::format::MODES;
use super::*;
use crate::model::commands::{run, Cmd, ErrorAt, Target};
use crate::model::lesson::{LessonCmd, LessonState};
use crate::model::partition::Preset;
use crate::model::settings::PageSettings;
use crate::model::settings::Query;
use crate::model::sim::Sim;
use raft_sim::Lang;
use raft_sim::{Action, ClientOp, MemberChange, NetConfig, NodeId, PauseOn, ReadMode};

/// A small deterministic generator for the tests' choices.
struct Dice(u64);

impl Dice {
    fn next(&mut self) -> u64 {
        // xorshift64*
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_f491_4f6c_dd1d)
    }

    fn below(&mut self, n: u64) -> u64 {
        self.next() % n
    }

    fn chance(&mut self, pct: u64) -> bool {
        self.below(100) < pct
    }
}

/// Opens the run's share link as the page does, checking that nothing
/// was said about it.
fn reopen(s: &Sim) -> Sim {
    let query = s.share_query();
    let q = Query::parse(&query);
    assert_eq!(q.notice(), None, "{query}");
    let (sim, notice) = open(&Opening::from_query(&q));
    assert_eq!(notice, None, "{query}");
    sim
}

fn assert_same(a: &Sim, b: &Sim, what: &str) {
    assert_eq!(a.place(), b.place(), "{what}: {}", a.share_query());
    assert_eq!(
        a.cluster().trace().hash_hex(),
        b.cluster().trace().hash_hex(),
        "{what}: {}",
        a.share_query()
    );
    assert_eq!(a.run_log(), b.run_log(), "{what}");
    assert!(!b.playing(), "a shared run opens paused");
}

/// Time passing as frames of random sizes, the way the page runs it,
/// or as a plain advance (which a pause may cut short).
fn pass_time(s: &mut Sim, d: &mut Dice) {
    if d.chance(50) {
        s.set_speed([0.5, 1.0, 3.0, 20.0][d.below(4) as usize]);
        s.set_playing(true);
        for _ in 0..d.below(30) {
            s.advance_wall(1.0 + d.below(60) as f64 + 0.37);
        }
    } else {
        s.advance(d.below(1500));
    }
}

fn some_member(s: &Sim, d: &mut Dice) -> NodeId {
    let ids = s.cluster().member_ids();
    ids[d.below(ids.len() as u64) as usize]
}

/// One random command of the kinds the page's panels send.
fn some_command(s: &Sim, d: &mut Dice) -> Cmd {
    let node = some_member(s, d);
    let put = ClientOp::Put {
        key: format!("/registry/pods/default/p{}", d.below(5)),
        value: format!("v{}&=% ✓", d.below(100)),
    };
    let moment = PauseOn::ALL[d.below(4) as usize];
    match d.below(14) {
        0 => Cmd::Act(ErrorAt::Inspector, Action::Crash { node }),
        1 => Cmd::Act(ErrorAt::Inspector, Action::Restart { node }),
        2 => Cmd::Act(ErrorAt::Partition, Action::HealAll),
        3 => Cmd::Preset(Preset::LeaderAlone),
        4 => Cmd::Act(ErrorAt::Partition, Action::Isolate { node }),
        5 => Cmd::Client(Target::Leader, put, ReadMode::Linearizable),
        6 => Cmd::Client(
            Target::Member(node),
            ClientOp::Get {
                key: "/registry/pods/default/p1".into(),
            },
            MODES[d.below(3) as usize],
        ),
        7 => Cmd::Watch(Target::Member(node), "/registry/".into(), true),
        8 => Cmd::Traffic(["0", "20", "50", "200"][d.below(4) as usize].into()),
        9 => Cmd::PauseOn(moment, d.chance(70)),
        10 => Cmd::Step,
        11 => Cmd::Act(
            ErrorAt::Inspector,
            Action::Cut {
                from: node,
                to: some_member(s, d),
                both: d.chance(50),
            },
        ),
        12 => Cmd::Act(ErrorAt::Settings, Action::SetPreVote { on: d.chance(50) }),
        _ => Cmd::Act(ErrorAt::Inspector, Action::TransferLeader { to: node }),
    }
}

#[test]
fn random_runs_in_random_frames_replay_to_the_same_trace() {
    // Commands where a frame ended, and mid-millisecond ones (after a
    // pause or a step): both kinds of place must have been tried.
    let (mut settled, mut exact) = (0, 0);
    for seed in 1..=16u64 {
        let mut d = Dice(seed.wrapping_mul(0x9e37_79b9_7f4a_7c15));
        let settings = PageSettings {
            seed,
            members: 3 + d.below(3),
            loss_pct: [0.0, 0.0, 5.0][d.below(3) as usize],
            ..PageSettings::default()
        };
        let mut s = Sim::new(settings).unwrap();
        if d.chance(50) {
            run(&mut s, Cmd::PauseOn(PauseOn::LeaderChange, true));
            run(&mut s, Cmd::PauseOn(PauseOn::Commit, true));
        }
        for i in 0..25 {
            // Now and then a command right after the last one, a step
            // or a pause: often between two events of one millisecond.
            if d.chance(70) {
                pass_time(&mut s, &mut d);
            } else if d.chance(50) {
                run(&mut s, Cmd::Step);
            }
            let cmd = some_command(&s, &mut d);
            run(&mut s, cmd);
            if i % 8 == 7 {
                let again = reopen(&s);
                assert_same(&s, &again, &format!("seed {seed}, command {i}"));
            }
        }
        pass_time(&mut s, &mut d);
        let again = reopen(&s);
        assert_same(&s, &again, &format!("seed {seed}, at the end"));
        for (p, _) in &s.run_log().entries {
            *(if p.settled { &mut settled } else { &mut exact }) += 1;
        }
        // The replayed run goes on exactly as the first one.
        s.advance(777);
        let mut again = again;
        again.advance(777);
        assert_eq!(
            s.cluster().trace().hash(),
            again.cluster().trace().hash(),
            "seed {seed}, after"
        );
    }
    assert!(
        settled > 100 && exact > 20,
        "{settled} settled, {exact} exact"
    );
}

#[test]
fn a_lesson_with_next_back_solve_and_pauses_replays_to_the_same_trace() {
    for (seed, id) in (1..=12).zip(
        ["elections", "quorum", "split-brain", "two-leaders"]
            .iter()
            .cycle(),
    ) {
        let mut d = Dice(seed * 7919);
        let mut s = Sim::new(PageSettings::default()).unwrap();
        s.advance(300);
        run(&mut s, Cmd::Lesson(LessonCmd::Open(id.to_string())));
        if d.chance(50) {
            run(&mut s, Cmd::PauseOn(PauseOn::Commit, true));
        }
        for i in 0..40 {
            let state = s.frame().lesson.clone().map(|l| l.state);
            match state {
                Some(LessonState::StepDone) if d.chance(80) => {
                    run(&mut s, Cmd::Lesson(LessonCmd::Next))
                }
                Some(LessonState::Task) if d.chance(60) => {
                    run(&mut s, Cmd::Lesson(LessonCmd::Solve))
                }
                _ if d.chance(8) => run(&mut s, Cmd::Lesson(LessonCmd::Back)),
                _ if d.chance(8) => {
                    let cmd = some_command(&s, &mut d);
                    run(&mut s, cmd)
                }
                _ => pass_time(&mut s, &mut d),
            }
            if i % 10 == 9 {
                let again = reopen(&s);
                assert_same(&s, &again, &format!("{id} seed {seed}, move {i}"));
            }
        }
        if d.chance(30) {
            run(&mut s, Cmd::Lesson(LessonCmd::Leave));
            pass_time(&mut s, &mut d);
        }
        let again = reopen(&s);
        assert_same(&s, &again, &format!("{id} seed {seed}, at the end"));
    }
}

#[test]
fn a_new_cluster_starts_a_new_run() {
    let mut s = Sim::new(PageSettings::default()).unwrap();
    s.advance(2_000);
    run(
        &mut s,
        Cmd::Act(ErrorAt::Inspector, Action::Crash { node: 1 }),
    );
    run(&mut s, Cmd::Traffic("20".into()));
    run(&mut s, Cmd::PauseOn(PauseOn::LeaderChange, true));
    assert_eq!(s.run_log().entries.len(), 3);
    let settings = PageSettings {
        seed: 9,
        members: 3,
        ..PageSettings::default()
    };
    run(&mut s, Cmd::NewCluster(settings.clone()));
    let log = s.run_log();
    assert!(log.entries.is_empty());
    // What the new run starts with is kept from before.
    assert_eq!(log.start.settings, settings);
    assert_eq!(log.start.traffic, 20);
    assert_eq!(log.start.pause_on, vec![PauseOn::LeaderChange]);
    s.advance(3_000);
    let query = s.share_query();
    assert!(query.contains("seed=9&members=3"), "{query}");
    assert!(
        query.contains("traffic=20&pause-on=leader-change"),
        "{query}"
    );
    let again = reopen(&s);
    assert_same(&s, &again, "new cluster");
}

#[test]
fn the_kept_run_follows_each_command_and_the_running_clock() {
    use std::cell::RefCell;
    use std::rc::Rc;
    let kept = Rc::new(RefCell::new(Vec::<String>::new()));
    let mut s = Sim::new(PageSettings::default()).unwrap();
    let into = kept.clone();
    s.set_keeper(Some(Box::new(move |q: &str| {
        into.borrow_mut().push(q.to_string())
    })));
    s.advance(2_000);
    assert!(kept.borrow().is_empty());
    run(
        &mut s,
        Cmd::Act(ErrorAt::Inspector, Action::Crash { node: 2 }),
    );
    assert_eq!(kept.borrow().len(), 1);
    assert_eq!(kept.borrow()[0], s.share_query());
    // Every few seconds of wall time while it runs.
    s.set_speed(1.0);
    s.set_playing(true);
    for _ in 0..100 {
        s.advance_wall(50.0);
    }
    assert_eq!(kept.borrow().len(), 2);
    let last = kept.borrow().last().unwrap().clone();
    let (again, notice) = open(&Opening::from_query(&Query::parse(&last)));
    assert_eq!(notice, None);
    assert!(again.place().at_ms > 2_000);
    assert_eq!(again.run_log().entries.len(), 1);
    // Paused: nothing to keep.
    s.set_playing(false);
    for _ in 0..100 {
        s.advance_wall(50.0);
    }
    assert_eq!(kept.borrow().len(), 2);
    // A new cluster replaces the kept run with its own.
    let settings = PageSettings {
        seed: 77,
        ..PageSettings::default()
    };
    run(&mut s, Cmd::NewCluster(settings));
    let last = kept.borrow().last().unwrap().clone();
    assert!(
        last.contains("seed=77") && last.ends_with("run=1_0"),
        "{last}"
    );
}

#[test]
fn a_shared_run_is_short() {
    // 20 actions of the usual kinds over a minute, with traffic.
    let mut s = Sim::new(PageSettings::default()).unwrap();
    let mut d = Dice(42);
    let cmds = |s: &Sim, d: &mut Dice| {
        let node = some_member(s, d);
        match d.below(5) {
            0 => Cmd::Act(ErrorAt::Inspector, Action::Crash { node }),
            1 => Cmd::Act(ErrorAt::Inspector, Action::Restart { node }),
            2 => Cmd::Preset(Preset::LeaderAlone),
            3 => Cmd::Act(ErrorAt::Partition, Action::HealAll),
            _ => Cmd::Client(
                Target::Member(node),
                ClientOp::Put {
                    key: "/registry/pods/default/web".into(),
                    value: format!("v{}", d.below(10)),
                },
                ReadMode::Linearizable,
            ),
        }
    };
    run(&mut s, Cmd::Traffic("20".into()));
    for _ in 0..19 {
        s.advance(1_000 + d.below(4_000));
        let cmd = cmds(&s, &mut d);
        run(&mut s, cmd);
    }
    s.advance(2_000);
    let query = s.share_query();
    let run = query.split("run=").nth(1).unwrap();
    // The figure in the README's "Sharing a run".
    println!(
        "20 actions: run= is {} characters, the query {}",
        run.len(),
        query.len()
    );
    assert!(run.len() < 450, "{} characters: {run}", run.len());
    assert!(query.len() < 650, "{query}");
    assert_same(&s, &reopen(&s), "short");
}

#[test]
fn the_link_goes_to_the_full_playground() {
    let q = "?seed=1&run=1_0.0";
    let page = "https://x.org/raft/index.html";
    assert_eq!(share_url(page, "", q), format!("{page}{q}"));
    assert_eq!(
        share_url("https://x.org/raft/", "", q),
        "https://x.org/raft/?seed=1&run=1_0.0"
    );
    // An embed names the folder of the full playground.
    assert_eq!(
        share_url("https://docs.org/a.html", "https://x.org/raft/", q),
        "https://x.org/raft/?seed=1&run=1_0.0"
    );
    assert_eq!(
        share_url("", "https://x.org/raft", q),
        "https://x.org/raft/?seed=1&run=1_0.0"
    );
    assert_eq!(
        share_url("", "https://x.org/raft/embed.html?seed=2#a", q),
        "https://x.org/raft/embed.html?seed=1&run=1_0.0"
    );
}

#[test]
fn only_a_query_that_says_what_to_run_keeps_the_saved_run_away() {
    for q in ["", "?", "?lang=zh", "?speed=2&paused=on", "?view=full"] {
        assert!(!says_what_to_run(q), "{q}");
    }
    for q in [
        "?seed=3",
        "?lang=zh&members=3",
        "?lesson=quorum",
        "?run=1_0.0",
        "?pre%2Dvote=off",
        "?prevote=off",
    ] {
        assert!(says_what_to_run(q), "{q}");
    }
}

#[test]
fn every_action_reads_back_as_written() {
    let net = NetConfig {
        latency_ms: 40,
        jitter_ms: 7,
        loss: 0.1,
        duplicate: 1.0 / 3.0,
    };
    let text = "a.b_c~d/é 1";
    let actions = vec![
        Action::Crash { node: 1 },
        Action::Restart { node: 36 },
        Action::WipeAndRejoin { node: 2 },
        Action::Isolate { node: 3 },
        Action::Partition {
            groups: vec![vec![1, 2], vec![], vec![3, 40, 5]],
        },
        Action::PartitionOneway {
            from: vec![1],
            to: vec![2, 3],
        },
        Action::Cut {
            from: 1,
            to: 2,
            both: true,
        },
        Action::Repair {
            from: 2,
            to: 1,
            both: false,
        },
        Action::HealAll,
        Action::Hold { msg: 123_456 },
        Action::Release { msg: 7 },
        Action::Drop { msg: 0 },
        Action::HoldLink { from: 1, to: 2 },
        Action::ReleaseLink { from: 2, to: 1 },
        Action::SetNetwork { net },
        Action::SetPreVote { on: false },
        Action::SetCheckQuorum { on: true },
        Action::Client {
            client: 1,
            node: 2,
            op: ClientOp::Put {
                key: text.into(),
                value: String::new(),
            },
            mode: ReadMode::Linearizable,
        },
        Action::Client {
            client: 2,
            node: 1,
            op: ClientOp::Get { key: "/k".into() },
            mode: ReadMode::Lease,
        },
        Action::Client {
            client: 1,
            node: 1,
            op: ClientOp::Delete { key: "/k".into() },
            mode: ReadMode::Serializable,
        },
        Action::Client {
            client: 1,
            node: 1,
            op: ClientOp::Range { prefix: "".into() },
            mode: ReadMode::Serializable,
        },
        Action::Watch {
            node: 4,
            key: text.into(),
            prefix: true,
            start_revision: 0,
        },
        Action::Watch {
            node: 2,
            key: text.into(),
            prefix: false,
            start_revision: 17,
        },
        Action::Client {
            client: 2,
            node: 3,
            op: ClientOp::RangeRequest(raft_sim::kv::RangeRequest {
                revision: 5,
                limit: 2,
                sort_order: raft_sim::kv::SortOrder::Descend,
                ..raft_sim::kv::RangeRequest::prefix(text)
            }),
            mode: ReadMode::Serializable,
        },
        Action::Client {
            client: 2,
            node: 3,
            op: ClientOp::Compact { revision: 9 },
            mode: ReadMode::Linearizable,
        },
        Action::CancelWatch { watch: 3 },
        Action::ChangeMembership {
            changes: vec![(MemberChange::AddLearner, 6), (MemberChange::Remove, 1)],
        },
        Action::TransferLeader { to: 2 },
        Action::Campaign { node: 3 },
        Action::Compact { node: 4 },
    ];
    let mut entries: Vec<(Landing, Logged)> = actions
        .into_iter()
        .map(Logged::Act)
        .collect::<Vec<_>>()
        .into_iter()
        .chain([
            Logged::Step,
            Logged::PauseOn(vec![PauseOn::TwoLeaders, PauseOn::Commit]),
            Logged::PauseOn(vec![]),
            Logged::Traffic(200),
            Logged::Next,
            Logged::Back,
            Logged::Solve,
            Logged::Leave,
        ])
        .enumerate()
        .map(|(i, w)| {
            let i = i as u64;
            // Places that go back too (a lesson's Back).
            let at = Place {
                events: 1000 + i * 37 % 11 * 100,
                at_ms: 5000 + i * 13 % 7 * 1000,
                traffic: i / 3,
                settled: i.is_multiple_of(2),
            };
            (at.landing(), w)
        })
        .collect();
    entries.push((Landing::Settled(0), Logged::Step));
    let end = Landing::Exact(Place {
        events: 99_999,
        at_ms: 1,
        traffic: 5,
        settled: false,
    });
    let text = encode_run(&entries, end);
    let back = decode_run(&text).unwrap();
    assert_eq!(back.entries, entries, "{text}");
    assert_eq!(back.end, end);
    // Through a URL too: escaped, then parsed as the page does.
    let q = Query::parse(&format!("?run={}&seed=3", percent_encode(&text)));
    assert_eq!(q.extras.run.as_deref(), Some(text.as_str()));
    // An empty run is a version and a place.
    assert_eq!(encode_run(&[], Landing::Settled(0)), "1_0");
}

/// How fast a link opens: `cargo test --release -p raft-playground
/// replay_speed -- --ignored --nocapture` (the README's figure).
#[test]
#[ignore]
fn replay_speed() {
    let mut s = Sim::new(PageSettings::default()).unwrap();
    run(&mut s, Cmd::Traffic("20".into()));
    for i in 0..20 {
        s.advance(30_000);
        let node = 1 + i % 5;
        run(&mut s, Cmd::Act(ErrorAt::Inspector, Action::Crash { node }));
        s.advance(3_000);
        run(
            &mut s,
            Cmd::Act(ErrorAt::Inspector, Action::Restart { node }),
        );
    }
    let query = s.share_query();
    let began = std::time::Instant::now();
    let again = reopen(&s);
    let took = began.elapsed();
    assert_same(&s, &again, "speed");
    let events = s.place().events;
    println!(
        "replayed {events} events ({} virtual s) in {} ms: {:.2} µs an event; link {} characters",
        s.place().at_ms / 1000,
        took.as_millis(),
        took.as_secs_f64() * 1e6 / events as f64,
        query.len()
    );
}

fn notice_of(query: &str) -> (Sim, String) {
    let q = Query::parse(query);
    let (sim, notice) = open(&Opening::from_query(&q));
    let said = notice.map(|k| k.text(Lang::En)).unwrap_or_default();
    (sim, said)
}

#[test]
fn a_bad_run_spoils_only_itself() {
    let mut s = Sim::new(PageSettings {
        members: 3,
        seed: 4,
        ..PageSettings::default()
    })
    .unwrap();
    s.advance(1_000);
    run(
        &mut s,
        Cmd::Act(ErrorAt::Inspector, Action::Crash { node: 2 }),
    );
    s.advance(1_000);
    let good = s.share_query();
    let value = good.split("run=").nth(1).unwrap().to_string();
    let fresh = Sim::new(PageSettings {
        members: 3,
        seed: 4,
        ..PageSettings::default()
    })
    .unwrap();
    let cases = [
        // (run value, words the notice must have)
        ("", "version"),
        ("x_1.2", "version"),
        (
            "2_0.0",
            "newer playground (run format 2; this page reads up to 1)",
        ),
        ("99999999999999999999999_0.0", "version"),
        ("1_a.b.C", "action 1 cannot be read"),
        ("1_a.ZZ.1_0", "action 1 cannot be read"),
        ("1_a.C.1.2_0", "action 1 cannot be read"),
        ("1_a.C.1_0_x", "action 2 cannot be read"),
        ("1_a.PUT.1.1.0.5~ab_0", "action 1 cannot be read"),
        ("1_a.P.zzzzzz.1_0", "action 1 cannot be read"),
        ("1_0.5.-1", "action 1 cannot be read"),
        ("1_-5.C.1_0", "action 1 cannot be read"),
        // Events and time that do not go together.
        ("1_zzz.5.0", "did not reach action 1"),
        ("1_a.C.1_-1", "did not reach action 2"),
        ("1_0.zzzzzzz.0", "longer than"),
    ];
    let cut = &value[..value.len() - 3];
    let truncated = [(cut, "")];
    for (run, words) in cases.iter().chain(&truncated) {
        let query = good.replace(&value, run);
        let (sim, said) = notice_of(&query);
        assert!(said.contains("URL setting run="), "{run}: {said}");
        assert!(said.contains(words), "{run}: {said}");
        // The settings still apply: the page starts afresh on them.
        assert_eq!(sim.frame().settings.members, 3, "{run}");
        assert_eq!(sim.frame().settings.seed, 4, "{run}");
        assert_eq!(
            sim.cluster().trace().hash(),
            fresh.cluster().trace().hash(),
            "{run}"
        );
        assert!(sim.run_log().entries.is_empty());
    }
    // The notice is said in Chinese too.
    let q = Query::parse(&good.replace(&value, "7_0.0"));
    let (_, notice) = open(&Opening::from_query(&q));
    assert!(notice.unwrap().text(Lang::Zh).contains("更新版本"));
}

#[test]
fn the_link_carries_the_settings_and_sits_under_base() {
    let mut s = crate::model::sim::tests::sim(3);
    s.advance(700);
    let q = s.share_query();
    assert_eq!(Query::parse(&q).settings, s.frame().settings);
    assert!(q.contains("&run=1_"), "{q}");
    // An embed's link goes under its `base`, or beside the page without one.
    assert_eq!(
        share_url("./", "https://x.org/raft", "?a=1"),
        "https://x.org/raft/?a=1"
    );
    assert_eq!(share_url("./", "", "?a=1"), "./?a=1");
}
