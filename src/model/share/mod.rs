//! Runs that can be shared and kept: the [`RunLog`] of what the user did,
//! each command at its exact [`Place`], its compact URL form (the `run=`
//! key), and the replay that rebuilds the same run from it, event for
//! event (the same trace hash).
//!
//! A run starts from a [`Start`] (the settings or a lesson, the traffic
//! rate and the moments paused on); "new cluster", opening a lesson and
//! restarting it begin a new run. Everything after that which changes the
//! cluster or where the clock stops is a [`Logged`] command.
//!
//! # Why a place is three numbers
//! The time alone does not say where a command landed: a moment paused
//! on, a lesson's step ending, or a single step stop the clock between two
//! events of the same millisecond; and the traffic generator's write due
//! at that millisecond is sent only once all its events ran. So a place is
//! (events run, virtual ms, traffic writes sent), and the replay runs the
//! page's own machinery (traffic, lesson polls, pauses) with a cap that
//! stops it exactly there.
//!
//! Most commands land where a frame ended: every event of that
//! millisecond ran and every write due was sent ([`Place::settled`]).
//! There the time alone is enough (the replay runs until the clock is
//! settled at that time), so the link writes only the time, and the three
//! numbers only for the other places.
//!
//! # The format (version 1)
//! `run=1` then, per command, `_` and fields separated by `.`: the time as
//! the difference from the previous command's, then (for a place that is
//! not settled) the events run and the traffic writes sent, then an
//! upper-case code and its arguments. Numbers are base 36 (`-` for a
//! negative difference: a lesson's Back goes back in time); texts are
//! their length in characters, `~`, and the text; lists of members are ids
//! joined by `-`. The last entry is a place alone: where the run was when
//! it was shared. For example `1_2s.C.1_3c` is "crash n1 at 100 ms,
//! shared at 220 ms". Only `/` and `,` besides the URL-safe characters
//! are left unescaped, so keys such as `/registry/pods` stay readable.
//!
//! The parts:
//! - [`replay`]: starting a run, logging commands, and the replay;
//! - [`format`]: the `run=` value, written and read;
//! - [`link`]: the whole query and the link the Share button gives;
//! - [`open`]: how the page opens, a shared run included.

mod format;
mod link;
mod open;
mod replay;

pub use format::{decode_run, encode_run, SharedRun};
pub use link::{percent_encode, says_what_to_run, share_url};
pub use open::{open, shorten, Opening};

use raft_sim::{Action, PauseOn};

use super::settings::PageSettings;

/// The version of the `run=` format this page writes and reads.
pub const RUN_VERSION: u64 = 1;

/// Most events a replay runs: a link asking for more (a very long run,
/// or a made-up one) is refused rather than freezing the page.
pub const MAX_REPLAY_EVENTS: u64 = 500_000;

/// A place in a run: events run, virtual time, traffic writes sent.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Place {
    /// Events taken from the cluster's queue.
    pub events: u64,
    /// Virtual time, ms.
    pub at_ms: u64,
    /// Writes the traffic generator sent.
    pub traffic: u64,
    /// Whether every event up to this time ran and every traffic write
    /// due was sent: where a frame ends (a link needs only the time).
    pub settled: bool,
}

/// Where a replay must stop, as a link says it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Landing {
    /// At this time, once settled (see [`Place::settled`]).
    Settled(u64),
    /// Exactly this place.
    Exact(Place),
}

impl Place {
    /// How a link says this place.
    pub fn landing(self) -> Landing {
        if self.settled {
            Landing::Settled(self.at_ms)
        } else {
            Landing::Exact(self)
        }
    }

    fn at_ms(l: Landing) -> u64 {
        match l {
            Landing::Settled(t) => t,
            Landing::Exact(p) => p.at_ms,
        }
    }
}

/// A command of the user's that changes the run.
#[derive(Clone, Debug, PartialEq)]
pub enum Logged {
    /// An action on the cluster (a request or a partition preset is logged
    /// as the action it became: the member it went to, the groups).
    Act(Action),
    /// One event.
    Step,
    /// The moments to pause on from now.
    PauseOn(Vec<PauseOn>),
    /// The traffic rate from now.
    Traffic(u64),
    /// Lesson: next step.
    Next,
    /// Lesson: back a step.
    Back,
    /// Lesson: do it for me.
    Solve,
    /// Leave the lesson.
    Leave,
}

/// How a run starts.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Start {
    /// Cluster settings (a lesson brings its own).
    pub settings: PageSettings,
    /// A built-in lesson opened on it.
    pub lesson: Option<String>,
    /// Traffic rate.
    pub traffic: u64,
    /// Moments paused on.
    pub pause_on: Vec<PauseOn>,
}

/// The run so far: how it started and what the user did, in order.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct RunLog {
    /// How it started.
    pub start: Start,
    /// The commands, each at the place where it was given.
    pub entries: Vec<(Place, Logged)>,
}

impl RunLog {
    /// An empty run from `start`.
    pub fn new(start: Start) -> RunLog {
        RunLog {
            start,
            entries: Vec::new(),
        }
    }
}

#[cfg(test)]
mod tests;
