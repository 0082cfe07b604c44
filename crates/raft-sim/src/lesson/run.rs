//! Running a lesson a little at a time, for a page that owns the clock.
//!
//! [`LessonRun::poll`] performs every command that can run now and says what
//! the lesson waits for: virtual time (`run`), a condition with a deadline
//! (`wait`, `hold-msg`), the learner (a task), the step's end or the
//! lesson's end, or a failure. It never moves the clock: between polls the
//! page (or [`LessonRun::drive_step`], natively) runs the cluster, at most
//! up to the time or deadline it was given, and one event at a time while a
//! condition is awaited so that a condition true only for a moment is seen,
//! as a script sees it.
//!
//! Going back is by replay: the simulation is deterministic, so the page
//! rebuilds the cluster from the lesson's start up to a step's start time
//! and puts back the labels and names of that moment from the step's
//! [`Checkpoint`] ([`LessonRun::restore`]).

use serde::{Deserialize, Serialize};

use crate::cluster::Cluster;
use crate::lang::{Lang, Text};
use crate::scenario::{Command, Names, Runner, Step};

use super::outcome::{Found, Outcome};
use super::{Item, Lesson, LessonStep, Task, SOLVE_WITHIN_MS};

/// What a lesson waits for after a poll.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum Poll {
    /// A `run`: let virtual time pass up to `until` (and no further before
    /// the next poll).
    Time {
        /// Line of the command.
        line: usize,
        /// The virtual time it ends at.
        until: u64,
    },
    /// A `wait` (or `hold-msg`, or a solved task's `until`): let time pass,
    /// an event at a time, until the condition holds; it fails once
    /// `deadline` passes without it.
    Condition {
        /// Line of the command.
        line: usize,
        /// The virtual time it fails at.
        deadline: u64,
    },
    /// The learner's task (see [`LessonRun::task`]): the clock runs at the
    /// learner's pace until its `until` holds.
    Task {
        /// Line of the task.
        line: usize,
        /// The virtual time it was first shown.
        since: u64,
    },
    /// The step is done; [`LessonRun::next_step`] goes on.
    StepDone,
    /// The last step is done.
    LessonDone,
    /// A command failed (or a safety property was violated).
    Failed(LessonFailure),
}

/// Where and why a lesson failed.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct LessonFailure {
    /// Line, from 1.
    pub line: usize,
    /// Column, from 1.
    pub column: usize,
    /// Why, in words.
    pub message: String,
}

impl std::fmt::Display for LessonFailure {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "line {}:{}: {}", self.line, self.column, self.message)
    }
}

/// The state at a step's start, enough to come back to it: the cluster is
/// rebuilt by replay up to `time`, the names come from here.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Checkpoint {
    /// The step, from 0.
    pub step: usize,
    /// The virtual time it started at.
    pub time: u64,
    /// How many trace events there were then.
    pub trace_len: u64,
    names: Names,
}

/// What the command under way has started.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Pending {
    None,
    Run { until: u64 },
    Wait { deadline: u64 },
    Task { since: u64, solved_at: Option<u64> },
}

/// A lesson being run.
pub struct LessonRun {
    lesson: Lesson,
    runner: Runner,
    step: usize,
    /// The next item of the step to run.
    pos: usize,
    pending: Pending,
    failure: Option<LessonFailure>,
    checkpoints: Vec<Checkpoint>,
    outcomes: Vec<Outcome>,
}

impl LessonRun {
    /// Starts a lesson on a new cluster built from its `cluster` line.
    pub fn new(lesson: Lesson) -> Result<LessonRun, String> {
        let cluster = Cluster::new(lesson.config.clone())?;
        Ok(LessonRun::on(lesson, cluster))
    }

    /// Starts a lesson on a cluster built elsewhere (by the page, from the
    /// lesson's config).
    pub fn on(lesson: Lesson, cluster: Cluster) -> LessonRun {
        let mut run = LessonRun {
            lesson,
            runner: Runner::on(cluster),
            step: 0,
            pos: 0,
            pending: Pending::None,
            failure: None,
            checkpoints: Vec::new(),
            outcomes: Vec::new(),
        };
        run.checkpoints.push(run.checkpoint_now());
        run
    }

    // ----- reading -----

    /// The lesson.
    pub fn lesson(&self) -> &Lesson {
        &self.lesson
    }

    /// The current step's index, from 0.
    pub fn step_index(&self) -> usize {
        self.step
    }

    /// The current step.
    pub fn step(&self) -> &LessonStep {
        &self.lesson.steps[self.step]
    }

    /// The current step's task, if it has one.
    pub fn task(&self) -> Option<&Task> {
        self.step().task()
    }

    /// Whether the current step's task is done.
    pub fn task_done(&self) -> bool {
        let step = self.step();
        step.items
            .iter()
            .position(|i| matches!(i, Item::Task(_)))
            .is_some_and(|at| self.pos > at)
    }

    /// The cluster.
    pub fn cluster(&self) -> &Cluster {
        &self.runner.cluster
    }

    /// The cluster, to drive it and to apply the learner's actions.
    pub fn cluster_mut(&mut self) -> &mut Cluster {
        &mut self.runner.cluster
    }

    /// The cluster, when the lesson is left.
    pub fn into_cluster(self) -> Cluster {
        self.runner.cluster
    }

    /// The script runner (conditions, labels, names).
    pub fn runner(&self) -> &Runner {
        &self.runner
    }

    /// What every command run so far found, in order.
    pub fn outcomes(&self) -> &[Outcome] {
        &self.outcomes
    }

    /// The failure, if the lesson failed.
    pub fn failure(&self) -> Option<&LessonFailure> {
        self.failure.as_ref()
    }

    /// Text with each `$name` replaced by the member remembered under that
    /// name (`$old` → `n4`); a name not remembered yet stays as written.
    pub fn text(&self, t: &Text, lang: Lang) -> String {
        substitute(t.get(lang), |name| self.runner.var(name))
    }

    /// The current step's narration.
    pub fn say(&self, lang: Lang) -> String {
        self.text(&self.step().say, lang)
    }

    // ----- going back -----

    /// The state at the current step's start.
    pub fn checkpoint(&self) -> &Checkpoint {
        &self.checkpoints[self.step]
    }

    /// One checkpoint per step started so far, by step index.
    pub fn checkpoints(&self) -> &[Checkpoint] {
        &self.checkpoints
    }

    /// Goes back to a step's start: `cluster` is the lesson's cluster
    /// replayed up to `checkpoint.time` (the page's recording does that),
    /// the names are put back, and the steps after it are forgotten.
    pub fn restore(&mut self, checkpoint: &Checkpoint, cluster: Cluster) {
        self.runner.cluster = cluster;
        self.runner.set_names(checkpoint.names.clone());
        self.step = checkpoint.step;
        self.pos = 0;
        self.pending = Pending::None;
        self.failure = None;
        self.checkpoints.truncate(checkpoint.step);
        self.checkpoints.push(checkpoint.clone());
        let t = checkpoint.time;
        self.outcomes
            .retain(|o| o.step < checkpoint.step && o.time <= t);
    }

    fn checkpoint_now(&self) -> Checkpoint {
        Checkpoint {
            step: self.step,
            time: self.runner.cluster.now(),
            trace_len: self.runner.cluster.trace().len(),
            names: self.runner.names(),
        }
    }

    // ----- running -----

    /// Goes on to the next step if the current one is done. Returns whether
    /// it did.
    pub fn next_step(&mut self) -> bool {
        if self.poll() != Poll::StepDone {
            return false;
        }
        self.step += 1;
        self.pos = 0;
        self.pending = Pending::None;
        self.checkpoints.push(self.checkpoint_now());
        true
    }

    /// Runs every command that can run now and says what the lesson waits
    /// for. Never moves the clock.
    pub fn poll(&mut self) -> Poll {
        loop {
            if let Some(f) = &self.failure {
                return Poll::Failed(f.clone());
            }
            let step = &self.lesson.steps[self.step];
            let step_line = step.line;
            let Some(item) = step.items.get(self.pos).cloned() else {
                if let Some(v) = self.runner.cluster.violations().first() {
                    let message = format!("safety violation: {}: {}", v.property, v.detail);
                    self.fail((step_line, 1), message);
                    continue;
                }
                return if self.step + 1 < self.lesson.steps.len() {
                    Poll::StepDone
                } else {
                    Poll::LessonDone
                };
            };
            if let Some(v) = self.runner.cluster.violations().first() {
                let message = format!("safety violation: {}: {}", v.property, v.detail);
                self.fail(item.at(), message);
                continue;
            }
            let waiting = match &item {
                Item::Command { step, column } => self.command(step, *column),
                Item::Task(task) => self.task_poll(task),
            };
            if let Some(p) = waiting {
                return p;
            }
        }
    }

    /// Performs the current task's `solve` commands for the learner (the
    /// CLI, the tests, or a "do it for me" button). From then on the task's
    /// `until` must hold within [`SOLVE_WITHIN_MS`] of virtual time.
    pub fn solve(&mut self) -> Result<(), LessonFailure> {
        let Some(Item::Task(task)) = self.step().items.get(self.pos).cloned() else {
            return Ok(());
        };
        let Pending::Task {
            since,
            solved_at: None,
        } = self.pending
        else {
            return Ok(());
        };
        for s in &task.solve {
            let r = self.runner.run_step(s);
            self.record(s, |words| Found::Did { words }, r, (s.line, 1))?;
        }
        self.pending = Pending::Task {
            since,
            solved_at: Some(self.runner.cluster.now()),
        };
        Ok(())
    }

    /// Fails the lesson at a line and column (the native driver's own
    /// checks) and returns the failure.
    pub(super) fn fail_now(&mut self, at: (usize, usize), message: String) -> Poll {
        self.fail(at, message);
        self.poll()
    }

    fn note(&mut self, line: usize, text: String, found: Found) {
        let c = &self.runner.cluster;
        self.outcomes.push(Outcome {
            step: self.step,
            line,
            text,
            time: c.now(),
            trace_len: c.trace().len(),
            found,
        });
    }

    fn fail(&mut self, at: (usize, usize), message: String) {
        self.failure = Some(LessonFailure {
            line: at.0,
            column: at.1,
            message,
        });
    }

    /// Notes what a command found, or fails the lesson with its error.
    fn record(
        &mut self,
        s: &Step,
        found: impl FnOnce(String) -> Found,
        r: Result<String, String>,
        at: (usize, usize),
    ) -> Result<(), LessonFailure> {
        match r {
            Ok(words) => {
                self.note(s.line, s.text.clone(), found(words));
                Ok(())
            }
            Err(e) => {
                self.fail(at, e);
                Err(self.failure.clone().expect("just set"))
            }
        }
    }

    /// Whether every event due at or before `t` has run (the clock may
    /// stand at `t` with events of that very time still queued).
    fn settled_at(&self, t: u64) -> bool {
        let c = &self.runner.cluster;
        c.now() >= t && c.next_event_time().is_none_or(|e| e > t)
    }

    fn done_with_item(&mut self) {
        self.pos += 1;
        self.pending = Pending::None;
    }

    /// Runs one command as far as it goes now; `Some` if it waits.
    fn command(&mut self, s: &Step, column: usize) -> Option<Poll> {
        let at = (s.line, column);
        let now = self.runner.cluster.now();
        match &s.command {
            Command::Run(ms) => {
                let until = match self.pending {
                    Pending::Run { until } => until,
                    _ => now + ms,
                };
                if self.settled_at(until) {
                    let ms = *ms;
                    self.note(s.line, s.text.clone(), Found::Ran { ms });
                    self.done_with_item();
                    return None;
                }
                self.pending = Pending::Run { until };
                Some(Poll::Time {
                    line: s.line,
                    until,
                })
            }
            Command::Wait(c, within) => {
                let deadline = self.deadline(now + within);
                match self.runner.holds(c) {
                    Err(e) => {
                        self.fail(at, e);
                        None
                    }
                    Ok(true) => {
                        let evidence = self.runner.evidence(c);
                        self.note(s.line, s.text.clone(), Found::Held { evidence });
                        self.done_with_item();
                        None
                    }
                    Ok(false) if self.settled_at(deadline) => {
                        let why = self.runner.describe(c);
                        self.fail(at, format!("still not true after {within} ms: {why}"));
                        None
                    }
                    Ok(false) => Some(self.waiting(s.line, deadline)),
                }
            }
            Command::HoldMsg(f, label, within) => {
                let deadline = self.deadline(now + within);
                match self.runner.next_to_hold(f) {
                    Err(e) => {
                        self.fail(at, e);
                        None
                    }
                    Ok(Some(id)) => {
                        let r = self.runner.hold(id, label);
                        if self.record(s, |words| Found::Did { words }, r, at).is_ok() {
                            self.done_with_item();
                        }
                        None
                    }
                    Ok(None) if self.settled_at(deadline) => {
                        self.fail(
                            at,
                            format!("no matching message was sent within {within} ms"),
                        );
                        None
                    }
                    Ok(None) => Some(self.waiting(s.line, deadline)),
                }
            }
            _ => {
                match self.runner.run_step(s) {
                    Ok(words) => {
                        let found = match &s.command {
                            Command::Assert(c) => Found::Holds {
                                evidence: self.runner.evidence(c),
                            },
                            _ => Found::Did { words },
                        };
                        self.note(s.line, s.text.clone(), found);
                        self.done_with_item();
                    }
                    Err(e) => self.fail(at, e),
                }
                None
            }
        }
    }

    /// The deadline of the wait under way, or a new one.
    fn deadline(&self, new: u64) -> u64 {
        match self.pending {
            Pending::Wait { deadline } => deadline,
            _ => new,
        }
    }

    fn waiting(&mut self, line: usize, deadline: u64) -> Poll {
        self.pending = Pending::Wait { deadline };
        Poll::Condition { line, deadline }
    }

    /// The task: shown at the first poll that reaches it, done at a later
    /// poll that finds its `until` true.
    fn task_poll(&mut self, t: &Task) -> Option<Poll> {
        let now = self.runner.cluster.now();
        let Pending::Task { since, solved_at } = self.pending else {
            self.pending = Pending::Task {
                since: now,
                solved_at: None,
            };
            return Some(Poll::Task {
                line: t.line,
                since: now,
            });
        };
        let at = (t.until_line, t.until_column);
        match self.runner.holds(&t.until) {
            Err(e) => {
                self.fail(at, e);
                None
            }
            Ok(true) => {
                self.note(
                    t.until_line,
                    format!("until {}", t.until_text),
                    Found::TaskDone,
                );
                self.done_with_item();
                None
            }
            Ok(false) => match solved_at {
                None => Some(Poll::Task {
                    line: t.line,
                    since,
                }),
                Some(solved) => {
                    let deadline = solved + SOLVE_WITHIN_MS;
                    if self.settled_at(deadline) {
                        let why = self.runner.describe(&t.until);
                        self.fail(
                            at,
                            format!(
                                "the task's 'until {}' still does not hold {SOLVE_WITHIN_MS} ms after its solve: {why}",
                                t.until_text
                            ),
                        );
                        None
                    } else {
                        Some(Poll::Condition {
                            line: t.until_line,
                            deadline,
                        })
                    }
                }
            },
        }
    }
}

/// Replaces `$name` (ASCII letters, digits, `_`) by what `lookup` gives.
fn substitute(text: &str, lookup: impl Fn(&str) -> Option<u64>) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(i) = rest.find('$') {
        out.push_str(&rest[..i]);
        let after = &rest[i + 1..];
        let len = after
            .find(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
            .unwrap_or(after.len());
        let name = &after[..len];
        match lookup(name).filter(|_| !name.is_empty()) {
            Some(id) => out.push_str(&format!("n{id}")),
            None => {
                out.push('$');
                out.push_str(name);
            }
        }
        rest = &after[len..];
    }
    out.push_str(rest);
    out
}

#[cfg(test)]
mod tests {
    use super::substitute;

    #[test]
    fn names_become_members_and_unknown_names_stay() {
        let look = |n: &str| (n == "old").then_some(4);
        assert_eq!(substitute("$old崩溃了", look), "n4崩溃了");
        assert_eq!(
            substitute("leader $old, not $new.", look),
            "leader n4, not $new."
        );
        assert_eq!(substitute("costs $ 5", look), "costs $ 5");
        assert_eq!(substitute("$", look), "$");
    }
}
