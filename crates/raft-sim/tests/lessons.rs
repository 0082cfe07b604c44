//! Every built-in lesson runs natively to its end with its checks passing,
//! the learner's tasks done by their `solve` commands; the lesson format's
//! errors name line and column; the incremental runner the page uses never
//! moves the clock by itself, and going back to a step's start gives the
//! same run as going through it.

use std::collections::BTreeSet;

use raft_sim::lesson::{self, Item, Lesson, LessonRun, Poll};
use raft_sim::scenario::Command;
use raft_sim::Lang;

fn drive(l: Lesson) -> LessonRun {
    let mut run = LessonRun::new(l).expect("cluster builds");
    run.drive();
    run
}

/// The names a lesson remembers anywhere.
fn remembered(l: &Lesson) -> BTreeSet<String> {
    l.steps
        .iter()
        .flat_map(|s| &s.items)
        .filter_map(|i| match i {
            Item::Command { step, .. } => match &step.command {
                Command::Remember(_, name) => Some(name.clone()),
                _ => None,
            },
            Item::Task(_) => None,
        })
        .collect()
}

fn has_chinese(s: &str) -> bool {
    s.chars().any(|c| ('\u{4e00}'..='\u{9fff}').contains(&c))
}

#[test]
fn every_lesson_runs_to_its_end_with_the_tasks_solved() {
    let lessons = lesson::all();
    assert!(!lessons.is_empty());
    for l in lessons {
        let id = l.id.clone();
        let names = remembered(&l);
        let mut run = LessonRun::new(l).expect("cluster builds");
        loop {
            let end = run.drive_step();
            // Narration shown in the page at the step's end must not show
            // a `$name` the lesson meant to fill in.
            let step = run.step().clone();
            let mut texts = vec![step.say.clone()];
            if let Some(t) = step.task() {
                texts.push(t.text.clone());
                texts.extend(t.hint.clone());
            }
            for t in &texts {
                assert!(
                    has_chinese(&t.zh),
                    "{id}: Chinese text without Chinese: {}",
                    t.zh
                );
                for lang in Lang::ALL {
                    let shown = run.text(t, lang);
                    for n in &names {
                        assert!(
                            !shown.contains(&format!("${n}")),
                            "{id} step {}: ${n} is not known yet in: {shown}",
                            run.step_index() + 1
                        );
                    }
                }
            }
            match end {
                Poll::StepDone => assert!(run.next_step()),
                Poll::LessonDone => break,
                Poll::Failed(f) => panic!("lesson {id} failed at {f}"),
                other => panic!("{id}: drive_step stopped at {other:?}"),
            }
        }
        let c = run.cluster();
        assert!(c.violations().is_empty(), "{id}: {:?}", c.violations());
        assert!(c.linearizability().linearizable, "{id}: not linearizable");
    }
}

#[test]
fn the_lesson_folder_and_the_list_agree() {
    let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/lessons");
    let mut files: Vec<String> = std::fs::read_dir(dir)
        .expect("lessons folder")
        .map(|e| e.expect("entry").path())
        .filter(|p| p.extension().is_some_and(|e| e == "txt"))
        .map(|p| p.file_stem().unwrap().to_string_lossy().into_owned())
        .collect();
    files.sort();
    let mut listed: Vec<String> = lesson::ids().map(String::from).collect();
    listed.sort();
    assert_eq!(
        files, listed,
        "every file in lessons/ is listed in lesson/catalog.rs, and only those"
    );
    for id in lesson::ids() {
        let src = std::fs::read_to_string(format!("{dir}/{id}.txt")).unwrap();
        assert_eq!(lesson::source(id), Some(src.as_str()));
        assert_eq!(lesson::find(id).unwrap().id, id);
    }
    let order: Vec<String> = lesson::all().into_iter().map(|l| l.id).collect();
    let want: Vec<&str> = lesson::IDS
        .into_iter()
        .filter(|id| files.iter().any(|f| f == id))
        .collect();
    assert_eq!(order, want, "all() follows the list order");
}

const HEADER: &str = "lesson elections\ntitle en: T\ntitle zh: 标题\ncluster members=3 seed=1\n";

fn error_of(body: &str) -> (usize, usize, String) {
    let src = format!("{HEADER}{body}");
    let e = lesson::parse(&src).expect_err("an error");
    (e.line, e.column, e.message)
}

#[test]
fn errors_name_line_and_column() {
    let say = "step\nsay en: a\nsay zh: 甲\n";
    let cases: &[(&str, (usize, usize), &str)] = &[
        ("step\nsay en: only English\nwait leader\n", (5, 1), "'say zh:' is missing"),
        ("step\nsay zh: 只有中文\n", (5, 1), "'say en:' is missing"),
        ("step\n  say fr: non\n", (6, 7), "expected 'say en: text'"),
        ("wait leader\n", (5, 1), "inside a step"),
        (&format!("{say}task en: Crash it.\ntask zh: 崩溃。\nsolve crash n1\n"), (8, 1), "needs 'until"),
        (&format!("{say}task en: Crash it.\ntask zh: 崩溃。\nuntil role n1 down\n"), (8, 1), "needs 'solve"),
        (&format!("{say}task en: Crash it.\nuntil role n1 down\nsolve crash n1\n"), (8, 1), "'task zh:' is missing"),
        (&format!("{say}until role n1 down\n"), (8, 1), "needs a task above it"),
        (&format!("{say}task en: a\ntask zh: 甲\nuntil role n1 sleepy\nsolve crash n1\n"), (10, 15), "unknown role"),
        (&format!("{say}task en: a\ntask zh: 甲\nuntil leader\nsolve wait leader\n"), (11, 7), "takes no time"),
        (&format!("{say}task en: a\ntask zh: 甲\nuntil leader\nsolve crash\n"), (11, 12), "expected a member"),
        (&format!("{say}task en: a\ntask zh: 甲\nuntil leader\nsolve crash n1\nrun 1s\ntask en: b\n"), (13, 1), "at most one task"),
        (&format!("{say}task en: a\ntask zh: 甲\nuntil leader\nsolve crash n1\nrun 1s\nsolve crash n2\n"), (13, 1), "lines go together"),
        (&format!("{say}task en: a\ntask zh: 甲\nuntil leader\nsolve crash n1\nhint-after 5s\n"), (12, 1), "needs a hint"),
        (&format!("{say}pause-on lunch\n"), (8, 10), "unknown moment"),
        (&format!("{say}crash n1 n2\n"), (8, 10), "unexpected 'n2'"),
        (&format!("{say}title en: again\n"), (8, 1), "header"),
        (&format!("{say}expect-error wait leader\n"), (8, 1), "takes no time"),
    ];
    for (body, at, msg) in cases {
        let (line, col, message) = error_of(body);
        assert_eq!((line, col), *at, "{body:?}: {message}");
        assert!(message.contains(msg), "{body:?}: {message}");
    }
    let e = lesson::parse("lesson nonsense\n").unwrap_err();
    assert_eq!((e.line, e.column), (1, 8));
    assert!(e.message.contains("unknown lesson id 'nonsense'") && e.message.contains("elections"));
    let e = lesson::parse("title en: x\ntitle zh: 甲\ncluster members=3\nstep\n").unwrap_err();
    assert_eq!((e.line, e.column), (4, 1));
    assert!(e.message.contains("lesson ID"), "{}", e.message);
    let e = lesson::parse(HEADER).unwrap_err();
    assert!(e.message.contains("at least one 'step'"), "{}", e.message);
}

#[test]
fn a_lesson_file_reads_into_steps_items_and_a_task() {
    let l = lesson::parse(&format!(
        "# about it\n{HEADER}\nstep\nsay en: One. # a note\nsay en: Two.\nsay zh: 一。\nsay zh: 二。\npause-on leader-change\nwait leader within=5s\nremember leader as old\n\nstep\nsay en: Crash $old.\nsay zh: 让 $old 崩溃。\nrun 100ms\ntask en: Crash the leader.\ntask zh: 让领导者崩溃。\nuntil role $old down\nhint en: Click it.\nhint zh: 点击它。\nhint-after 5s\nsolve crash $old\nwait leader within=5s\n"
    ))
    .unwrap();
    assert_eq!(l.about, "about it");
    assert_eq!(l.title.zh, "标题");
    assert_eq!(l.steps.len(), 2);
    assert_eq!(l.steps[0].say.en, "One. Two.");
    assert_eq!(l.steps[0].say.zh, "一。二。");
    assert_eq!(l.steps[0].pause_on, vec![raft_sim::PauseOn::LeaderChange]);
    let s = &l.steps[1];
    assert_eq!(s.items.len(), 3, "run, the task, wait");
    assert!(matches!(s.items[1], Item::Task(_)));
    let t = s.task().unwrap();
    assert_eq!(t.hint_after_ms, 5000);
    assert_eq!(t.until_text, "role $old down");
    assert_eq!(t.solve.len(), 1);
    assert_eq!(t.solve[0].text, "crash $old");
}

fn inline(body: &str) -> Lesson {
    lesson::parse(&format!("{HEADER}{body}")).unwrap_or_else(|e| panic!("{e}"))
}

#[test]
fn a_task_whose_until_does_not_follow_from_its_solve_fails_the_lesson() {
    let l = inline(
        "step\nsay en: a\nsay zh: 甲\nwait leader within=5s\nremember leader as old\ntask en: Crash a follower.\ntask zh: 让一个跟随者崩溃。\nuntil role $old down\nsolve crash n9\n",
    );
    // n9 does not exist: the solve itself fails, at its line.
    let f = match drive(l).poll() {
        Poll::Failed(f) => f,
        other => panic!("{other:?}"),
    };
    assert_eq!(f.line, 13);
    assert!(f.message.contains("no member n9"), "{}", f.message);

    let l = inline(
        "step\nsay en: a\nsay zh: 甲\nwait leader within=5s\nremember leader as old\ntask en: Crash the leader.\ntask zh: 让领导者崩溃。\nuntil role $old down\nsolve isolate $old\n",
    );
    let mut run = drive(l);
    let f = match run.poll() {
        Poll::Failed(f) => f,
        other => panic!("{other:?}"),
    };
    assert_eq!((f.line, f.column), (12, 1), "the until line");
    assert!(
        f.message
            .contains("'until role $old down' still does not hold 10000 ms after its solve"),
        "{}",
        f.message
    );
    // It gave the solve its 10 s of virtual time.
    assert!(run.cluster().now() >= 10_000);
}

#[test]
fn a_task_already_done_before_the_learner_acts_fails_natively() {
    let l = inline(
        "step\nsay en: a\nsay zh: 甲\ntask en: Wait for a leader.\ntask zh: 等待领导者。\nuntil no-leader\nsolve crash n1\n",
    );
    match drive(l).poll() {
        Poll::Failed(f) => {
            assert_eq!(f.line, 8);
            assert!(
                f.message.contains("before the learner acts"),
                "{}",
                f.message
            );
        }
        other => panic!("{other:?}"),
    }
}

#[test]
fn poll_never_moves_the_clock() {
    let l = inline(
        "step\nsay en: a\nsay zh: 甲\nrun 300ms\nwait leader within=5s\nremember leader as old\ntask en: Crash it.\ntask zh: 让它崩溃。\nuntil role $old down\nsolve crash $old\nwait leader within=5s\n",
    );
    let mut run = LessonRun::new(l).unwrap();
    let before = (run.cluster().now(), run.cluster().trace().len());
    assert_eq!(
        run.poll(),
        Poll::Time {
            line: 8,
            until: 300
        }
    );
    assert_eq!(
        run.poll(),
        Poll::Time {
            line: 8,
            until: 300
        }
    );
    assert_eq!((run.cluster().now(), run.cluster().trace().len()), before);
    run.cluster_mut().advance_to(300);
    let deadline = match run.poll() {
        Poll::Condition { line: 9, deadline } => deadline,
        other => panic!("{other:?}"),
    };
    assert_eq!(deadline, 5300);
    let t = run.cluster().now();
    assert_eq!(run.poll(), Poll::Condition { line: 9, deadline });
    assert_eq!(run.cluster().now(), t);
    // The page runs the clock; a leader appears and the task is shown.
    while !matches!(run.poll(), Poll::Task { .. }) {
        run.cluster_mut().step_event();
    }
    let since = run.cluster().now();
    assert_eq!(run.poll(), Poll::Task { line: 11, since });
    run.cluster_mut().advance(1000);
    assert_eq!(
        run.poll(),
        Poll::Task { line: 11, since },
        "the learner has not acted"
    );
    assert!(!run.task_done());
    // The learner crashes the leader by hand.
    let old = run.runner().var("old").unwrap();
    run.cluster_mut()
        .apply(raft_sim::Action::Crash { node: old })
        .unwrap();
    assert!(matches!(run.poll(), Poll::Condition { line: 15, .. }));
    assert!(run.task_done());
    assert_eq!(run.say(Lang::En), "a");
}

#[test]
fn going_back_to_a_steps_start_replays_to_the_same_run() {
    for l in lesson::all().into_iter().filter(|l| l.steps.len() >= 2) {
        // Straight through.
        let mut whole = drive(l.clone());
        assert_eq!(whole.poll(), Poll::LessonDone, "{}", l.id);
        let hash = whole.cluster().trace().hash();

        // Through to the end, then back to the start of step 2, with the
        // cluster rebuilt by running a fresh copy up to that step's start.
        let mut run = drive(l.clone());
        let cp = run.checkpoints()[1].clone();
        let mut replay = LessonRun::new(l.clone()).unwrap();
        assert_eq!(replay.drive_step(), Poll::StepDone);
        assert!(replay.next_step());
        assert_eq!(replay.checkpoint(), &cp);
        run.restore(&cp, replay.into_cluster());
        assert_eq!(run.step_index(), 1);
        assert_eq!(run.cluster().now(), cp.time);
        assert_eq!(run.drive(), Poll::LessonDone);
        assert_eq!(run.cluster().trace().hash(), hash, "{}", l.id);
        assert_eq!(run.outcomes(), whole.outcomes(), "{}", l.id);
    }
}

#[test]
fn follower_names_unnamed_followers_and_commits_compare_between_members() {
    use raft_sim::scenario::{parse, run_script};
    let script = "cluster members=3 seed=5\nwait leader within=5s\nremember leader as l\n\
        remember follower as a\nremember follower as b\nexpect-error remember follower as c\n\
        assert same-term $a $l\nassert commit $a <= $l\n\
        crash $a\nput $l /k v as w\nwait ok w within=2s\nwait commit $b = $l within=1s\n\
        expect-error assert commit $a = $l\nrestart $a\nwait commit $a >= $l within=2s\n";
    let s = parse(script).unwrap();
    let (runner, out) = run_script(&s).unwrap();
    assert_eq!(out.failure, None, "{:#?}", out.steps);
    let (l, a, b) = (runner.var("l"), runner.var("a"), runner.var("b"));
    assert!(a.is_some() && b.is_some() && a != b && a != l && b != l);
    assert!(a < b, "the lowest-numbered first");
}
