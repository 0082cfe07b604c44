//! Guided lessons: a scenario script cut into steps, each with narration in
//! English and Chinese, commands the page performs while the clock runs, and
//! at most one task for the learner.
//!
//! ```text
//! # (a) Leaders and elections (comment lines: what the lesson shows)
//! lesson elections
//! title en: Leaders and elections
//! title zh: 领导者与选举
//! cluster members=5 seed=3
//!
//! step
//! say en: Five members start as followers ...
//! say zh: 五个成员都以跟随者身份启动……
//! pause-on leader-change
//! wait leader within=5s
//! remember leader as old
//!
//! step
//! say en: Crash the leader $old and watch the others elect a new one.
//! say zh: 让领导者 $old 崩溃，看其他成员选出新的领导者。
//! task en: Crash the leader.
//! task zh: 让领导者崩溃。
//! until role $old down
//! hint en: Click the member with the crown, then Crash.
//! hint zh: 点击带皇冠的成员，然后点“崩溃”。
//! hint-after 20s
//! solve crash $old
//! wait leader within=5s
//! ```
//!
//! The lines before the first `step` are the header: `lesson ID`, `title
//! en:` / `title zh:` and the `cluster` line of scripts. A step's narration
//! is all its `say` lines (both languages required); its body is script
//! commands ([`crate::scenario`]) and at most one task block (`task`,
//! `until`, `hint`, `hint-after`, `solve`; `until` and `solve` required).
//! Commands after the task run once the task is done. `$name` in narration
//! stands for the member remembered under that name.
//!
//! Layout: [`parse`](mod@parse) reads a lesson, [`catalog`] holds the built-in ones,
//! [`run`] runs one incrementally for the page (which owns the clock),
//! [`native`] drives one to its end without a learner (the CLI and tests),
//! [`outcome`] says what each command found, in both languages, and
//! [`account`](mod@account) tells a whole lesson in text (`raft-sim lesson ID`).

pub mod account;
pub mod catalog;
pub mod native;
pub mod outcome;
pub mod parse;
pub mod run;

use serde::{Deserialize, Serialize};

use crate::cluster::ClusterConfig;
use crate::lang::Text;
use crate::pause::PauseOn;
use crate::scenario::{Cond, Step};

pub use account::account;
pub use catalog::{all, find, ids, source, IDS};
pub use outcome::{Found, Outcome};
pub use parse::parse;
pub use run::{Checkpoint, LessonFailure, LessonRun, Poll};

/// A lesson: a cluster and the steps a learner goes through.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Lesson {
    /// Its id, one of [`IDS`] (the file name without `.txt`).
    pub id: String,
    /// Its title in both languages.
    pub title: Text,
    /// The opening comment lines: what the lesson shows, for developers.
    pub about: String,
    /// The cluster to build.
    pub config: ClusterConfig,
    /// The steps, in order; at least one.
    pub steps: Vec<LessonStep>,
}

/// One step: narration, the moments the page pauses on, and what happens.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct LessonStep {
    /// Line of its `step`, from 1.
    pub line: usize,
    /// The narration (may hold `$name`; see [`LessonRun::text`]).
    pub say: Text,
    /// The moments the page pauses on during this step (usually none or
    /// one).
    pub pause_on: Vec<PauseOn>,
    /// Commands and the task, in order.
    pub items: Vec<Item>,
}

impl LessonStep {
    /// The step's task, if it has one.
    pub fn task(&self) -> Option<&Task> {
        self.items.iter().find_map(|i| match i {
            Item::Task(t) => Some(t),
            Item::Command { .. } => None,
        })
    }
}

/// One thing a step does.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub enum Item {
    /// A script command.
    Command {
        /// The command with its line and text (its `say` fields are
        /// always empty: narration belongs to the lesson step).
        step: Step,
        /// The column where it starts, from 1.
        column: usize,
    },
    /// The learner's task.
    Task(Task),
}

impl Item {
    /// Its source line and column.
    pub fn at(&self) -> (usize, usize) {
        match self {
            Item::Command { step, column } => (step.line, *column),
            Item::Task(t) => (t.line, t.column),
        }
    }
}

/// What the learner is asked to do, and how the lesson notices it is done.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Task {
    /// Line of its first `task` line, from 1.
    pub line: usize,
    /// Column of that line's `task`, from 1.
    pub column: usize,
    /// What to do, in both languages.
    pub text: Text,
    /// The condition that says it is done (the syntax of `wait`).
    pub until: Cond,
    /// `until`'s source text (the condition), for messages.
    pub until_text: String,
    /// Line of `until`, from 1.
    pub until_line: usize,
    /// Column of `until`, from 1.
    pub until_column: usize,
    /// A hint, in both languages.
    pub hint: Option<Text>,
    /// Wall time, in the page, before the hint shows.
    pub hint_after_ms: u64,
    /// Commands that do the task for the learner (`raft-sim lesson` and
    /// the tests).
    pub solve: Vec<Step>,
}

/// How long a task waits for its `until` after its `solve`, natively.
pub const SOLVE_WITHIN_MS: u64 = 10_000;

/// How long the page waits before a hint shows when `hint-after` is not
/// given.
pub const DEFAULT_HINT_AFTER_MS: u64 = 20_000;
