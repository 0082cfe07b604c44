//! Scenario scripts: one small text format for tests, the CLI and the
//! page's guided lessons, read the way etcd-io/raft's `testdata` reads.
//!
//! A script reads like a story, one command per line, `#` starting a
//! comment. It opens with a sentence of intent in comments, then `cluster`,
//! then drives time, faults, clients and membership, waits for conditions
//! and asserts them. `say en: …` and `say zh: …` lines narrate the step that
//! follows them.
//!
//! ```text
//! # A leader cut off with a minority cannot commit; the majority moves on.
//! cluster members=5 seed=7
//! wait leader within=5s
//! remember leader as old
//! say en: Cut the leader off together with one follower.
//! say zh: 把领导者和一个跟随者一起隔离出去。
//! partition $old n1 | rest
//! put $old /registry/pods/a v1 as stuck
//! wait leader-not $old within=5s
//! assert failed stuck
//! ```
//!
//! Member references: `n3`, `leader` (the current leader; an error if there
//! is none), `follower` (the lowest-numbered running follower not
//! remembered under a name), `$name` (bound by `remember`). In a partition, `rest` stands
//! for every member not named in another group. Durations: `250ms`, `2s`.
//! Loss and duplication are percentages (`loss 10` or `loss 10%`).
//! Every error names its line and column; no input makes the parser panic.
//!
//! Layout: [`parse`](mod@parse) reads lines into tokens and values, [`commands`] holds
//! each command's usage line, parser and the one place it becomes a cluster
//! [`Action`](crate::Action), [`conditions`] what `wait` and `assert` test,
//! [`runner`] runs the steps, and [`transcript`](mod@transcript) writes the golden output
//! (step outcomes and the trace in plain words) kept beside each script.

pub mod commands;
pub mod conditions;
pub mod parse;
pub mod runner;
pub mod sides;
pub mod transcript;

use std::fmt;

use serde::{Deserialize, Serialize};

use crate::cluster::ClusterConfig;
use crate::NodeId;

pub use commands::{help, usage, Command, Link, MsgFilter, Usage};
pub use conditions::{Cmp, Cond, MsgState, RequestMatch, RequestState};
pub use parse::parse;
pub use runner::{run_script, Names, Runner, ScriptOutcome, StepReport};
pub use transcript::{story_event, transcript};

/// A script error, at a line and column (both from 1).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ScriptError {
    /// Line, from 1.
    pub line: usize,
    /// Column, from 1.
    pub column: usize,
    /// What is wrong.
    pub message: String,
}

impl fmt::Display for ScriptError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "line {}, column {}: {}",
            self.line, self.column, self.message
        )
    }
}

impl std::error::Error for ScriptError {}

/// A reference to a member, resolved when its step runs.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum NodeRef {
    /// A fixed id.
    Id(NodeId),
    /// The current leader.
    Leader,
    /// The lowest-numbered running follower not remembered under a name:
    /// lessons name members by what they are, not by number, because
    /// which member leads depends on when the learner acted
    /// (`remember follower as a`, then `remember follower as b` is another).
    Follower,
    /// A name bound by `remember`.
    Var(String),
}

/// One parsed line with its narration.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Step {
    /// Source line, from 1.
    pub line: usize,
    /// The source text of the command.
    pub text: String,
    /// The command.
    pub command: Command,
    /// English narration (from preceding `say en:` lines).
    pub say_en: Option<String>,
    /// Chinese narration (from preceding `say zh:` lines).
    pub say_zh: Option<String>,
}

/// A parsed script.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Scenario {
    /// The first comment lines: what the script is about.
    pub title: String,
    /// The cluster to build.
    pub config: ClusterConfig,
    /// The steps, in order.
    pub steps: Vec<Step>,
}
