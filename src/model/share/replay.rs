//! Starting a run, logging the user's commands at their places, and the
//! replay that runs the page's own clock back to each place.

use super::{Landing, Logged, Place, RunLog, Start, MAX_REPLAY_EVENTS};
use crate::i18n::Key;
use crate::model::sim::Sim;

impl Sim {
    /// Builds the run `start` describes. A lesson that does not exist is
    /// left out, and said in the returned notice.
    pub fn start(start: &Start) -> Result<(Sim, Option<Key>), Key> {
        let mut sim = Sim::new(start.settings.clone())?;
        let mut notice = None;
        if let Some(id) = &start.lesson {
            if let Err(e) = sim.open_lesson(id) {
                notice = Some(Key::UrlSetting("lesson".into(), id.clone(), Box::new(e)));
            }
        }
        sim.watch_for(&start.pause_on);
        if start.traffic > 0 {
            sim.start_traffic(start.traffic);
        }
        sim.run.start.pause_on = sim.pause_on().to_vec();
        sim.run.start.traffic = start.traffic;
        Ok((sim, notice))
    }

    /// The run so far.
    pub fn run_log(&self) -> &RunLog {
        &self.run
    }

    /// Logs a command at the current place.
    pub(in crate::model) fn log(&mut self, what: Logged) {
        let at = self.place();
        self.run.entries.push((at, what));
    }

    /// Begins a new run from this moment's cluster (just built).
    pub(in crate::model) fn restart_log(&mut self, lesson: Option<String>) {
        self.run = RunLog::new(Start {
            settings: self.settings.clone(),
            lesson,
            traffic: self.traffic(),
            pause_on: self.pause_on().to_vec(),
        });
    }

    /// Rebuilds a run: `start`, then each command at its place, then the
    /// clock to `end`. The result is the same run, event for event (the
    /// same trace hash), paused.
    pub fn replay(start: &Start, entries: &[(Landing, Logged)], end: Landing) -> Result<Sim, Key> {
        let (mut sim, _) = Sim::start(start)?;
        for (i, (at, what)) in entries.iter().enumerate() {
            sim.run_to_landing(*at, i + 1)?;
            sim.apply_logged(what.clone());
        }
        sim.run_to_landing(end, entries.len() + 1)?;
        sim.set_playing(false);
        Ok(sim)
    }

    /// Carries out a logged command as the page first did.
    fn apply_logged(&mut self, what: Logged) {
        use crate::model::commands::ErrorAt;
        match what {
            Logged::Act(a) => {
                let _ = self.act(ErrorAt::Inspector, a);
                // An error shown then was the sharer's, not the viewer's.
                self.clear_error();
            }
            Logged::Step => self.step(),
            Logged::PauseOn(m) => self.set_pause_on(&m),
            Logged::Traffic(n) => self.set_traffic(n),
            Logged::Next => self.lesson_next(),
            Logged::Back => {
                let _ = self.lesson_back();
            }
            Logged::Solve => self.lesson_solve(),
            Logged::Leave => self.leave_lesson(),
        }
    }

    /// Runs the page's clock (traffic, lesson, pauses, as a frame does) to
    /// exactly `to`; the error names entry `n` if the run went elsewhere.
    fn run_to_landing(&mut self, to: Landing, n: usize) -> Result<(), Key> {
        let cap = match to {
            Landing::Exact(p) if p.events > MAX_REPLAY_EVENTS => {
                return Err(Key::RunTooLong(MAX_REPLAY_EVENTS))
            }
            Landing::Exact(p) => p,
            // No more events than any replay may run, to stop a made-up
            // time far ahead.
            Landing::Settled(at_ms) => Place {
                events: MAX_REPLAY_EVENTS,
                at_ms,
                traffic: u64::MAX,
                settled: true,
            },
        };
        let arrived = |here: Place| match to {
            Landing::Settled(t) => here.at_ms == t && here.settled,
            Landing::Exact(p) => {
                (here.events, here.at_ms, here.traffic) == (p.events, p.at_ms, p.traffic)
            }
        };
        self.cap = Some(cap);
        let mut stuck = 0;
        let result = loop {
            let here = self.place();
            if arrived(here) {
                break Ok(());
            }
            if here.events >= MAX_REPLAY_EVENTS {
                break Err(Key::RunTooLong(MAX_REPLAY_EVENTS));
            }
            if here.events > cap.events || here.at_ms > cap.at_ms || here.traffic > cap.traffic {
                break Err(Key::RunDiverged(n));
            }
            // A stop (a moment paused on) is passed as the user's Play did.
            self.advance(cap.at_ms - here.at_ms);
            if self.place() == here {
                stuck += 1;
                // Pausing twice at one place is possible (two moments in
                // one event); more means the run cannot get there.
                if stuck > 3 {
                    break Err(Key::RunDiverged(n));
                }
            } else {
                stuck = 0;
            }
        };
        self.cap = None;
        result
    }
}
