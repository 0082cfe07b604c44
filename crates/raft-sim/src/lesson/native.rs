//! Running a lesson without a learner: the CLI and the tests drive the
//! clock as the page would and perform each task through its `solve`.

use super::run::{LessonRun, Poll};

impl LessonRun {
    /// Runs the current step to its end natively: time passes up to each
    /// `run`'s end, one event at a time while a condition is awaited, and
    /// a task is done by its `solve` commands (after checking that it was
    /// not done already, which would leave the learner nothing to do).
    /// Returns `StepDone`, `LessonDone` or `Failed`.
    pub fn drive_step(&mut self) -> Poll {
        loop {
            let poll = self.poll();
            if self.let_time_pass(&poll) {
                continue;
            }
            match poll {
                Poll::Task { .. } => {
                    let task = self.task().expect("a task is waiting").clone();
                    if self.runner().holds(&task.until) == Ok(true) {
                        return self.fail_now(
                            (task.line, task.column),
                            format!(
                                "the task is done before the learner acts: 'until {}' already holds",
                                task.until_text
                            ),
                        );
                    }
                    if let Err(f) = self.solve() {
                        return Poll::Failed(f);
                    }
                }
                done => return done,
            }
        }
    }

    /// Lets virtual time pass for what `poll` waits on, as the page's clock
    /// would: up to a `run`'s end, or one event (at most to the deadline)
    /// while a condition is awaited. False when `poll` waits on no time.
    pub fn let_time_pass(&mut self, poll: &Poll) -> bool {
        match *poll {
            Poll::Time { until, .. } => self.cluster_mut().advance_to(until),
            Poll::Condition { deadline, .. } => {
                let c = self.cluster_mut();
                match c.next_event_time() {
                    Some(t) if t <= deadline => {
                        c.step_event();
                    }
                    _ => c.advance_to(deadline),
                }
            }
            _ => return false,
        }
        true
    }

    /// Runs every remaining step natively; returns `LessonDone` or
    /// `Failed`.
    pub fn drive(&mut self) -> Poll {
        loop {
            match self.drive_step() {
                Poll::StepDone => {
                    self.next_step();
                }
                end => return end,
            }
        }
    }
}
