//! The lesson under way, as the page runs it.
//!
//! A lesson ([`raft_sim::lesson`]) owns its cluster through its
//! [`LessonRun`]; the page keeps that cluster in [`Driven`], which reads as
//! the cluster either way, so the rest of the [`Sim`] does not care whether
//! a lesson is open. Between frames the page advances the clock as usual
//! and polls the lesson: a `run` lets time pass up to its end, a `wait` and
//! a task let it pass one event at a time (a condition true for a moment is
//! seen, as a script sees it), all at the learner's speed. A step's
//! `pause-on` moments are watched for while it runs, with the learner's own.
//! When a step is done the clock stops until the learner presses Next.
//!
//! Back is a replay: the lesson's cluster records every action (the
//! script's and the learner's) with its place in the run, and each step's
//! start is a [`Mark`]; going back rebuilds the cluster from the lesson's
//! start up to the previous step's mark, event for event.

use std::ops::{Deref, DerefMut};

use raft_sim::lesson::{self, LessonRun, Poll};
use raft_sim::recording::{replay, Mark};
use raft_sim::{ActionError, Cluster, ClusterConfig, Lang, PauseOn, Text};

use super::log_lines::EventLines;
use super::settings::PageSettings;
use super::share::Logged;
use super::sim::Sim;
use crate::i18n::Key;

/// The page's cluster: on its own, or inside the lesson that drives it.
/// Either way it reads as the cluster.
#[allow(clippy::large_enum_variant)] // One per page; a Box would only add a hop.
pub enum Driven {
    /// No lesson.
    Free(Cluster),
    /// A lesson under way.
    Lesson(Box<Guide>),
}

impl Driven {
    /// The lesson under way.
    pub fn lesson(&self) -> Option<&Guide> {
        match self {
            Driven::Free(_) => None,
            Driven::Lesson(g) => Some(g),
        }
    }

    fn lesson_mut(&mut self) -> Option<&mut Guide> {
        match self {
            Driven::Free(_) => None,
            Driven::Lesson(g) => Some(g),
        }
    }
}

impl Deref for Driven {
    type Target = Cluster;

    fn deref(&self) -> &Cluster {
        match self {
            Driven::Free(c) => c,
            Driven::Lesson(g) => g.run.cluster(),
        }
    }
}

impl DerefMut for Driven {
    fn deref_mut(&mut self) -> &mut Cluster {
        match self {
            Driven::Free(c) => c,
            Driven::Lesson(g) => g.run.cluster_mut(),
        }
    }
}

/// A lesson being run by the page.
pub struct Guide {
    run: LessonRun,
    /// Where each step started, by step index, with the trace hash then.
    starts: Vec<(Mark, u64)>,
    /// What the lesson waited for at the last poll.
    poll: Poll,
}

impl Guide {
    fn new(lesson: raft_sim::Lesson) -> Result<Guide, Key> {
        let mut cluster = Cluster::new(lesson.config.clone()).map_err(internal)?;
        // From its first event, so that any step can be replayed.
        cluster.set_recording(true);
        let start = (cluster.mark(), cluster.trace().hash());
        Ok(Guide {
            run: LessonRun::on(lesson, cluster),
            starts: vec![start],
            poll: Poll::Time { line: 0, until: 0 },
        })
    }

    /// The lesson run.
    pub fn run(&self) -> &LessonRun {
        &self.run
    }

    /// The trace hash at each step's start so far, by step index.
    pub fn start_hashes(&self) -> Vec<u64> {
        self.starts.iter().map(|(_, h)| *h).collect()
    }

    /// The moments the current step pauses on.
    pub fn step_pause_on(&self) -> &[PauseOn] {
        &self.run.step().pause_on
    }

    /// What the panel shows.
    pub fn view(&self) -> LessonView {
        let both = |t: &Text| Text::new(self.run.text(t, Lang::En), self.run.text(t, Lang::Zh));
        let lesson = self.run.lesson();
        let task = self.run.task().map(|t| TaskView {
            text: both(&t.text),
            hint: t.hint.as_ref().map(both),
            hint_after_ms: t.hint_after_ms,
            done: self.run.task_done(),
            solvable: matches!(self.poll, Poll::Task { .. }),
        });
        LessonView {
            id: lesson.id.clone(),
            title: lesson.title.clone(),
            step: self.run.step_index(),
            steps: lesson.steps.len(),
            say: both(&self.run.step().say),
            task,
            state: match &self.poll {
                Poll::Time { .. } | Poll::Condition { .. } => LessonState::Running,
                Poll::Task { .. } => LessonState::Task,
                Poll::StepDone => LessonState::StepDone,
                Poll::LessonDone => LessonState::LessonDone,
                Poll::Failed(f) => LessonState::Failed(f.to_string()),
            },
        }
    }
}

/// Where the lesson stands, for the panel.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum LessonState {
    /// The step's commands are under way (time passes).
    Running,
    /// The step waits for the learner's task.
    Task,
    /// The step is done: Next goes on.
    StepDone,
    /// The last step is done.
    LessonDone,
    /// A command failed (a bug in the lesson, or the learner took the
    /// cluster somewhere the lesson did not expect).
    Failed(String),
}

/// The learner's task as the panel shows it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TaskView {
    /// What to do, `$names` replaced.
    pub text: Text,
    /// The hint, shown after [`TaskView::hint_after_ms`] of wall time.
    pub hint: Option<Text>,
    /// Wall time before the hint shows, ms.
    pub hint_after_ms: u64,
    /// Whether it is done.
    pub done: bool,
    /// Whether the lesson waits for it now ("do it for me" works).
    pub solvable: bool,
}

/// The lesson under way, as the panel shows it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LessonView {
    /// Its id.
    pub id: String,
    /// Its title.
    pub title: Text,
    /// The current step, from 0.
    pub step: usize,
    /// How many steps.
    pub steps: usize,
    /// The step's narration, `$names` replaced.
    pub say: Text,
    /// The step's task, if any.
    pub task: Option<TaskView>,
    /// Where it stands.
    pub state: LessonState,
}

/// What cannot go wrong unless the page has a bug (a replay that does not
/// reach its mark), said as the core says it.
fn internal(e: impl Into<String>) -> Key {
    Key::Refused(ActionError::Other(e.into()))
}

/// Page settings that describe a lesson's cluster (for the settings panel
/// and "new cluster" from there).
pub fn settings_of(c: &ClusterConfig) -> PageSettings {
    PageSettings {
        seed: c.seed,
        members: c.members,
        latency_ms: c.net.latency_ms,
        jitter_ms: c.net.jitter_ms,
        loss_pct: c.net.loss * 100.0,
        dup_pct: c.net.duplicate * 100.0,
        pre_vote: c.raft.pre_vote,
        check_quorum: c.raft.check_quorum,
        election_tick: c.raft.election_tick,
        heartbeat_tick: c.raft.heartbeat_tick,
    }
}

/// The built-in lessons, in list order: (id, title).
pub fn catalog() -> Vec<(String, Text)> {
    lesson::all().into_iter().map(|l| (l.id, l.title)).collect()
}

impl Sim {
    /// Opens a built-in lesson on a new cluster; the clock runs.
    pub fn open_lesson(&mut self, id: &str) -> Result<(), Key> {
        let lesson = lesson::find(id).ok_or_else(|| {
            let ids: Vec<&str> = lesson::ids().collect();
            Key::NoSuchLesson(id.to_string(), ids.join(", "))
        })?;
        self.start_lesson(lesson)
    }

    /// Starts a lesson (built-in or not) on a new cluster; the clock runs.
    pub fn start_lesson(&mut self, lesson: raft_sim::Lesson) -> Result<(), Key> {
        let id = lesson.id.clone();
        let guide = Guide::new(lesson)?;
        let mut fresh = Sim::new(settings_of(&guide.run.lesson().config))?;
        fresh.cluster = Driven::Lesson(Box::new(guide));
        fresh.lines = EventLines::default();
        fresh.next_seq = 0;
        self.replace(fresh);
        self.record(format!("lesson {id}"));
        self.set_playing(true);
        self.watch_moments();
        self.collect_events();
        // A link to the run opens the lesson and replays from there.
        self.restart_log(Some(id));
        Ok(())
    }

    /// The lesson under way.
    pub fn lesson(&self) -> Option<&Guide> {
        self.cluster.lesson()
    }

    /// Leaves the lesson; the cluster stays, on its own (and stops
    /// recording).
    pub fn leave_lesson(&mut self) {
        if self.cluster.lesson().is_none() {
            return;
        }
        self.log(Logged::Leave);
        // Taking the lesson out needs something in its place for a moment:
        // a cluster of one member costs one RawNode.
        let one = ClusterConfig {
            members: 1,
            ..ClusterConfig::default()
        };
        let stand_in = Cluster::new(one).expect("a cluster of one is valid");
        if let Driven::Lesson(g) = std::mem::replace(&mut self.cluster, Driven::Free(stand_in)) {
            self.cluster = Driven::Free(g.run.into_cluster());
        }
        self.cluster.set_recording(false);
        self.record("left the lesson".into());
        self.watch_moments();
    }

    /// Goes on to the next step, if the current one is done.
    pub fn lesson_next(&mut self) {
        if self.cluster.lesson().is_none() {
            return;
        }
        self.log(Logged::Next);
        let Some(g) = self.cluster.lesson_mut() else {
            return;
        };
        if g.run.next_step() {
            let c = g.run.cluster();
            g.starts.push((c.mark(), c.trace().hash()));
            g.poll = Poll::Time { line: 0, until: 0 };
            self.record("lesson: next step".into());
            self.set_playing(true);
            self.watch_moments();
        }
    }

    /// Goes back to the start of the previous step (of the first, from the
    /// first) by replaying the lesson's recording up to it.
    pub fn lesson_back(&mut self) -> Result<(), Key> {
        if self.cluster.lesson().is_none() {
            return Ok(());
        }
        self.log(Logged::Back);
        let Some(g) = self.cluster.lesson_mut() else {
            return Ok(());
        };
        let k = g.run.step_index().saturating_sub(1);
        let (mark, _) = g.starts[k];
        let rec =
            (g.run.cluster().recorded()).ok_or_else(|| internal("the lesson was not recorded"))?;
        let cluster = replay(rec, mark).map_err(internal)?;
        let checkpoint = g.run.checkpoints()[k].clone();
        g.run.restore(&checkpoint, cluster);
        g.starts.truncate(k + 1);
        g.poll = Poll::Time { line: 0, until: 0 };
        // The page's records of the abandoned run go; the log is read again
        // from the replayed trace.
        self.lines = EventLines::default();
        self.next_seq = 0;
        self.ghosts.clear();
        let cluster = &self.cluster;
        self.user_ops.retain(|&op| cluster.op(op).is_some());
        self.traffic_next = self.cluster.now();
        self.record(format!("lesson: back to step {}", k + 1));
        self.set_playing(true);
        self.watch_moments();
        self.collect_events();
        Ok(())
    }

    /// Starts the lesson again from its first step.
    pub fn lesson_restart(&mut self) -> Result<(), Key> {
        let Some(id) = self.cluster.lesson().map(|g| g.run.lesson().id.clone()) else {
            return Ok(());
        };
        let lesson = self.cluster.lesson().map(|g| g.run.lesson().clone());
        match lesson {
            Some(l) if l.id == id => self.start_lesson(l),
            _ => Ok(()),
        }
    }

    /// Does the current task for the learner (its `solve` commands).
    pub fn lesson_solve(&mut self) {
        if self.cluster.lesson().is_none() {
            return;
        }
        self.log(Logged::Solve);
        let Some(g) = self.cluster.lesson_mut() else {
            return;
        };
        if let Err(f) = g.run.solve() {
            g.poll = Poll::Failed(f);
        }
        self.record("lesson: do it for me".into());
        self.check_moments();
        self.poll_lesson();
        self.collect_events();
    }

    /// Lets the lesson run every command that can run now (it never moves
    /// the clock); pauses if one of them caused a moment watched for, or
    /// if the step is done.
    pub(super) fn poll_lesson(&mut self) {
        if let Some(g) = self.cluster.lesson_mut() {
            g.poll = g.run.poll();
            if g.poll == Poll::StepDone {
                self.set_playing(false);
            }
            self.check_moments();
        }
    }

    /// Runs the clock to `t` as the lesson asks, polling it as it goes;
    /// false if a moment paused the clock.
    pub(super) fn run_lesson_to(&mut self, t: u64) -> bool {
        loop {
            let Some(g) = self.cluster.lesson_mut() else {
                return self.run_free_to(t);
            };
            g.poll = g.run.poll();
            let poll = g.poll.clone();
            if let Some(p) = self.watch.check(&self.cluster) {
                self.pause_for(p);
                return false;
            }
            let limit = match poll {
                Poll::Time { until, .. } => {
                    let stop = until.min(t);
                    if !self.run_free_to(stop) {
                        self.poll_lesson();
                        return false;
                    }
                    if stop == t {
                        return true;
                    }
                    continue;
                }
                Poll::Condition { deadline, .. } => deadline.min(t),
                Poll::Task { .. } => t,
                // The clock waits for the learner to read the step and
                // press Next: the next step begins where this one ended,
                // as it does when the lesson runs natively, however long
                // the learner reads.
                Poll::StepDone => {
                    self.set_playing(false);
                    return false;
                }
                Poll::LessonDone | Poll::Failed(_) => return self.run_free_to(t),
            };
            // A condition is looked at after every event.
            match self.cluster.next_event_time() {
                Some(e) if e <= limit => {
                    // A replay stops exactly where the learner acted.
                    if self.capped() {
                        return false;
                    }
                    self.cluster.step_event();
                    if let Some(p) = self.watch.check(&self.cluster) {
                        self.pause_for(p);
                        self.poll_lesson();
                        return false;
                    }
                }
                _ => {
                    self.cluster.advance_to(limit);
                    if limit == t {
                        return true;
                    }
                }
            }
        }
    }
}

/// What the lesson panel asks for.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum LessonCmd {
    /// Open a lesson by id.
    Open(String),
    /// Go on to the next step.
    Next,
    /// Back to the previous step's start.
    Back,
    /// From the first step again.
    Restart,
    /// Do the task for the learner.
    Solve,
    /// Leave the lesson; the cluster stays.
    Leave,
}

/// Carries out a lesson command; what goes wrong shows as the notice.
pub fn run_lesson_cmd(sim: &mut Sim, cmd: LessonCmd) {
    let result = match cmd {
        LessonCmd::Open(id) => sim.open_lesson(&id),
        LessonCmd::Back => sim.lesson_back(),
        LessonCmd::Restart => sim.lesson_restart(),
        LessonCmd::Next => {
            sim.lesson_next();
            Ok(())
        }
        LessonCmd::Solve => {
            sim.lesson_solve();
            Ok(())
        }
        LessonCmd::Leave => {
            sim.leave_lesson();
            Ok(())
        }
    };
    if let Err(e) = result {
        sim.set_notice(Some(e));
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::commands::ErrorAt;
    use crate::model::sim::tests::sim;
    use raft_sim::{Action, Role};

    /// Three steps: a wait that ends between two events, a task the
    /// learner does, then a write; each step starts somewhere else.
    const LESSON: &str = "\
lesson quorum
title en: Back and forth
title zh: 来回
cluster members=3 seed=5

step
say en: A leader is elected.
say zh: 选出一个领导者。
pause-on leader-change
wait leader within=5s
remember leader as old

step
say en: $old leads. Crash it.
say zh: $old 是领导者。让它崩溃。
task en: Crash $old.
task zh: 让 $old 崩溃。
until role $old down
hint en: Click $old, then Crash.
hint zh: 点击 $old，然后点“崩溃”。
hint-after 5s
solve crash $old
wait leader within=5s

step
say en: The new leader takes a write.
say zh: 新领导者接受一次写入。
put leader /registry/pods/default/web v1 as w
wait ok w within=3s
";

    fn lesson_sim() -> Sim {
        let mut s = sim(3);
        s.start_lesson(lesson::parse(LESSON).unwrap()).unwrap();
        s
    }

    /// Frames of 50 ms at 1×, as the page runs them, until `done` (the
    /// clock may pause itself on the way: then nothing moves).
    fn frames(s: &mut Sim, n: usize, done: impl Fn(&Sim) -> bool) -> bool {
        s.set_speed(1.0);
        for _ in 0..n {
            if done(s) {
                return true;
            }
            s.advance_wall(50.0);
        }
        done(s)
    }

    fn state(s: &Sim) -> LessonState {
        s.frame().lesson.clone().unwrap().state
    }

    fn hash(s: &Sim) -> u64 {
        s.cluster().trace().hash()
    }

    #[test]
    fn a_lesson_runs_with_the_learner_doing_its_task() {
        let mut s = lesson_sim();
        // The first step pauses the page on the election.
        assert!(frames(&mut s, 200, |s| !s.playing()));
        let paused = s.paused().cloned().unwrap();
        assert_eq!(paused.on, PauseOn::LeaderChange);
        // The lesson saw it too: the step is done, $old remembered.
        assert_eq!(state(&s), LessonState::StepDone);
        let old = s.cluster().leader().unwrap();
        s.lesson_next();
        let view = s.frame().lesson.clone().unwrap();
        assert_eq!((view.step, view.steps), (1, 3));
        assert!(
            view.say.en.starts_with(&format!("n{old} leads")),
            "{view:?}"
        );
        assert!(
            view.say.zh.starts_with(&format!("n{old} 是领导者")),
            "{view:?}"
        );
        assert!(frames(&mut s, 10, |s| state(s) == LessonState::Task));
        let task = s.frame().lesson.clone().unwrap().task.unwrap();
        assert!(!task.done && task.solvable);
        assert_eq!(task.hint_after_ms, 5_000);
        assert_eq!(task.hint.unwrap().en, format!("Click n{old}, then Crash."));
        // The learner crashes the leader from the member's card.
        s.act(ErrorAt::Inspector, Action::Crash { node: old })
            .unwrap();
        let view = s.frame().lesson.clone().unwrap();
        assert!(view.task.unwrap().done);
        assert_eq!(view.state, LessonState::Running);
        assert!(frames(&mut s, 200, |s| state(s) == LessonState::StepDone));
        assert_eq!(s.cluster().role(old), Some(Role::Down));
        s.lesson_next();
        assert!(frames(&mut s, 200, |s| state(s) == LessonState::LessonDone));
        // The learner's action went through the lesson's recording.
        let rec = s.cluster().recorded().unwrap();
        let crash = raft_sim::recording::Recorded::Action(Action::Crash { node: old });
        assert!(rec.entries.iter().any(|e| e.what == crash));
    }

    #[test]
    fn back_returns_to_the_previous_step_start_with_the_same_trace_hash() {
        let mut s = lesson_sim();
        assert!(frames(&mut s, 200, |s| state(s) == LessonState::StepDone));
        s.lesson_next();
        s.set_traffic(20);
        assert!(frames(&mut s, 20, |s| state(s) == LessonState::Task));
        frames(&mut s, 7, |_| false);
        s.lesson_solve();
        assert!(frames(&mut s, 200, |s| state(s) == LessonState::StepDone));
        s.lesson_next();
        let starts = s.lesson().unwrap().start_hashes();
        assert_eq!(starts.len(), 3);
        assert!(frames(&mut s, 200, |s| state(s) == LessonState::LessonDone));

        // From the third step back to the second's start: the same run,
        // event for event, as when the second step first started.
        s.lesson_back().unwrap();
        assert_eq!(s.frame().lesson.clone().unwrap().step, 1);
        assert_eq!(hash(&s), starts[1]);
        // The step runs again from there: the task waits for the learner.
        assert!(frames(&mut s, 20, |s| state(s) == LessonState::Task));
        // Back again (from the second step) to the first one's start.
        s.lesson_back().unwrap();
        assert_eq!(hash(&s), starts[0]);
        assert_eq!(s.frame().lesson.clone().unwrap().step, 0);
        // The event log was read again from the replayed trace.
        assert!(s.frame().events.len() < 50);
    }

    #[test]
    fn restart_begins_the_lesson_again_on_the_same_cluster() {
        let mut s = lesson_sim();
        let start = hash(&s);
        assert!(frames(&mut s, 200, |s| state(s) == LessonState::StepDone));
        s.lesson_next();
        s.lesson_restart().unwrap();
        assert_eq!(s.frame().lesson.clone().unwrap().step, 0);
        assert_eq!(hash(&s), start);
        assert!(s.playing());
    }

    #[test]
    fn a_bad_lesson_id_is_named_and_the_page_stays_as_it_was() {
        let mut s = sim(3);
        s.advance(500);
        let err = s.open_lesson("breakfast").unwrap_err().text(Lang::En);
        assert!(
            err.contains("breakfast") && err.contains("elections"),
            "{err}"
        );
        assert!(s.lesson().is_none());
        assert_eq!(s.cluster().now(), 500);
    }

    #[test]
    fn leaving_a_lesson_keeps_its_cluster_and_stops_recording() {
        let mut s = lesson_sim();
        assert!(frames(&mut s, 200, |s| state(s) == LessonState::StepDone));
        let (now, h) = (s.cluster().now(), hash(&s));
        s.leave_lesson();
        assert!(s.lesson().is_none());
        assert_eq!((s.cluster().now(), hash(&s)), (now, h));
        assert!(s.cluster().recorded().is_none());
        assert_eq!(s.frame().lesson, None);
    }

    #[test]
    fn every_built_in_lesson_runs_to_its_end_in_the_page() {
        // The page's way: frames of wall time, the learner pressing Play
        // after each pause, "do it for me" for each task, Next after each
        // step. (The native runner, `raft-sim lesson --all`, drives the
        // clock its own way; this checks the page's.)
        let mut failures = Vec::new();
        for id in lesson::ids() {
            let mut s = sim(3);
            s.open_lesson(id).unwrap();
            s.set_speed(20.0);
            let mut moves = 0;
            loop {
                moves += 1;
                assert!(moves < 20_000, "{id}: no end");
                match state(&s) {
                    LessonState::LessonDone => break,
                    LessonState::Failed(why) => {
                        failures.push(format!("{id}: {why}"));
                        break;
                    }
                    LessonState::StepDone => s.lesson_next(),
                    LessonState::Task
                        if s.frame().lesson.clone().unwrap().task.unwrap().solvable =>
                    {
                        s.lesson_solve()
                    }
                    _ if !s.playing() => s.set_playing(true),
                    _ => {
                        s.advance_wall(50.0);
                    }
                }
            }
            assert!(s.cluster().violations().is_empty(), "{id}");
        }
        assert!(
            failures.is_empty(),
            "failed in the page:\n{}",
            failures.join("\n")
        );
    }

    #[test]
    fn the_built_in_elections_lesson_opens_with_its_settings() {
        let mut s = sim(3);
        s.open_lesson("elections").unwrap();
        let frame = s.frame();
        let l = frame.lesson.clone().unwrap();
        assert_eq!((l.id.as_str(), l.step), ("elections", 0));
        assert_eq!(frame.settings.members, 5);
        assert!(!l.say.zh.is_empty());
    }
}
