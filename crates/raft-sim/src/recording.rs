//! A cluster's session as its action log, and replay: every [`Action`]
//! applied to a cluster (and every narration note, which the trace hash
//! covers too), each with the exact place in the run where it landed, so
//! that the deterministic core can recompute any earlier state. A lesson's
//! "back" is a replay from the lesson's start to the start of the previous
//! step.
//!
//! Recording is opt-in ([`Cluster::set_recording`]): a page left running for
//! hours with traffic would otherwise keep every request it ever sent.
//!
//! The place of an action is a [`Position`]: how many events the cluster
//! had taken from its queue, and the virtual time. The time alone is not
//! enough: a script's `wait` stops between two events of the same
//! millisecond, and an action there sees a different cluster than one
//! after the whole millisecond ran.

use serde::{Deserialize, Serialize};

use crate::action::Action;
use crate::cluster::{Cluster, ClusterConfig};

/// A place in a run: the events taken from the queue so far, and the
/// virtual time (which can be later than the last event's).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
pub struct Position {
    /// Events taken from the queue.
    pub events: u64,
    /// Virtual time, ms.
    pub at_ms: u64,
}

/// What was done to the cluster.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub enum Recorded {
    /// An action, applied (whether or not the cluster accepted it: a
    /// refused action is refused again on replay).
    Action(Action),
    /// A narration line added to the trace.
    Note(String),
}

/// One recorded action with its place.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Entry {
    /// Where in the run it was applied.
    pub at: Position,
    /// What was applied.
    pub what: Recorded,
}

/// A place in a recorded run that a replay can return to: how many
/// recorded entries came before it, and its position. (Two entries can
/// share a position, so the count says which of them belong before it.)
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Mark {
    /// Recorded entries before the mark.
    pub entries: usize,
    /// Position of the mark.
    pub at: Position,
}

/// Everything applied to a cluster since recording began.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Recording {
    /// The configuration the cluster had when recording began.
    pub config: ClusterConfig,
    /// Trace events recorded before recording began (those of building
    /// the cluster): a replay checks that it starts from the same place.
    pub start_trace_len: u64,
    /// Where recording began.
    pub start: Position,
    /// The actions and notes, in the order applied.
    pub entries: Vec<Entry>,
}

impl Cluster {
    /// The current place in the run.
    pub fn position(&self) -> Position {
        Position {
            events: self.events_run,
            at_ms: self.now(),
        }
    }

    /// Starts recording every action and note from now on (forgetting an
    /// earlier recording), or stops and forgets it. A recording can be
    /// replayed only if it started before anything happened to the
    /// cluster: right after [`Cluster::new`].
    pub fn set_recording(&mut self, on: bool) {
        self.recording = on.then(|| Recording {
            config: self.config().clone(),
            start_trace_len: self.trace().len(),
            start: self.position(),
            entries: Vec::new(),
        });
    }

    /// The recording, if on.
    pub fn recorded(&self) -> Option<&Recording> {
        self.recording.as_ref()
    }

    /// The current place, for [`replay`] to return to later.
    pub fn mark(&self) -> Mark {
        Mark {
            entries: self.recording.as_ref().map_or(0, |r| r.entries.len()),
            at: self.position(),
        }
    }

    /// Notes one applied action or note, if recording.
    pub(crate) fn record(&mut self, what: impl FnOnce() -> Recorded) {
        let at = self.position();
        if let Some(r) = &mut self.recording {
            r.entries.push(Entry { at, what: what() });
        }
    }

    /// Runs events up to a recorded position: the events before it, then
    /// the clock to its time. Fails if the run does not get there exactly
    /// (it diverged from the recorded one).
    fn run_to(&mut self, at: Position) -> Result<(), String> {
        while self.events_run < at.events {
            if !self.step_event() {
                return Err(format!(
                    "replay: the queue ran dry after {} events, before {}",
                    self.events_run, at.events
                ));
            }
        }
        // Past the last event the recorded clock moved on with no event
        // due until then; between two events of one millisecond it did not
        // move, and advancing would run the rest of that millisecond.
        if self.now() < at.at_ms {
            self.advance_to(at.at_ms);
        }
        if self.position() == at {
            Ok(())
        } else {
            Err(format!(
                "replay diverged: at {:?}, the recording was at {at:?}",
                self.position()
            ))
        }
    }
}

/// Rebuilds the recorded cluster as it was at `until`: a new cluster from
/// the recording's configuration, each recorded entry before the mark
/// applied at its place, then the clock run to the mark. The result is the
/// same cluster, event for event (the same trace hash), and it records on
/// from there with the entries it replayed.
pub fn replay(recording: &Recording, until: Mark) -> Result<Cluster, String> {
    let mut c = Cluster::new(recording.config.clone())?;
    if recording.start != c.position() || recording.start_trace_len != c.trace().len() {
        return Err("replay: the recording began after the cluster had changed".into());
    }
    c.set_recording(true);
    for e in recording.entries.iter().take(until.entries) {
        c.run_to(e.at)?;
        match &e.what {
            Recorded::Action(a) => {
                // A refused action was refused the first time too.
                let _ = c.apply(a.clone());
            }
            Recorded::Note(text) => c.note(text.clone()),
        }
    }
    c.run_to(until.at)?;
    Ok(c)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_recording_knows_each_action_and_where_it_landed() {
        let mut c = Cluster::new(ClusterConfig::default()).unwrap();
        c.set_recording(true);
        c.advance(500);
        c.apply(Action::Crash { node: 1 }).unwrap();
        assert!(c.apply(Action::Crash { node: 1 }).is_err());
        c.note("hello");
        let r = c.recorded().unwrap();
        assert_eq!(r.entries.len(), 3);
        assert_eq!(r.entries[0].at.at_ms, 500);
        assert!(r.entries[0].at.events > 0);
        assert_eq!(r.entries[1].at, r.entries[0].at);
        assert_eq!(r.entries[2].what, Recorded::Note("hello".into()));
        assert_eq!(c.mark().entries, 3);
        c.set_recording(false);
        c.apply(Action::HealAll).unwrap();
        assert!(c.recorded().is_none());
    }

    #[test]
    fn a_recording_begun_late_does_not_replay() {
        let mut c = Cluster::new(ClusterConfig::default()).unwrap();
        c.advance(100);
        c.set_recording(true);
        let mark = c.mark();
        assert!(replay(c.recorded().unwrap(), mark).is_err());
    }
}
