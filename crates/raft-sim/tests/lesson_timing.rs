//! Every lesson still shows what it says when the learner takes their time.
//!
//! In the page the clock keeps running while the learner reads a task and
//! finds the button, and perhaps between steps, so the cluster a lesson's
//! later commands meet depends on when the learner acted. The native test
//! (tests/lessons.rs) solves each task at once; this one waits first, for
//! several think times, so that a lesson relying on a moment that passes
//! (a role that changes again, a store not yet caught up) fails here.

use raft_sim::lesson::{all, LessonRun, Poll};

/// Runs a lesson as a slow learner would: `think` ms of virtual time pass
/// before each task is done, `between` ms between steps.
fn drive_slowly(run: &mut LessonRun, think: u64, between: u64) -> Poll {
    loop {
        let poll = run.poll();
        if run.let_time_pass(&poll) {
            continue;
        }
        match poll {
            Poll::Task { .. } => {
                run.cluster_mut().advance(think);
                let until = run.task().expect("a task is waiting").until.clone();
                // A task its lesson already finished for the learner is
                // noticed by the next poll; otherwise do it now.
                if run.runner().holds(&until) != Ok(true) {
                    if let Err(f) = run.solve() {
                        return Poll::Failed(f);
                    }
                }
            }
            Poll::StepDone => {
                run.cluster_mut().advance(between);
                run.next_step();
            }
            end => return end,
        }
    }
}

#[test]
fn every_lesson_holds_for_a_slow_learner() {
    let mut failures = Vec::new();
    for lesson in all() {
        for (think, between) in [(300, 0), (2_500, 1_000), (7_000, 0), (13_000, 3_000)] {
            let id = lesson.id.clone();
            let mut run = LessonRun::new(lesson.clone()).unwrap();
            if let Poll::Failed(f) = drive_slowly(&mut run, think, between) {
                failures.push(format!(
                    "{id} (think {think} ms, between {between} ms): {f}"
                ));
            }
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}
