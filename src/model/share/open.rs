//! How the page opens: the start its query string describes, and a shared
//! run replayed on it; what cannot be used is named in a notice.

use super::{decode_run, Start};
use crate::i18n::Key;
use crate::model::sim::Sim;

/// Shortens a value for a notice that names it.
pub fn shorten(value: &str) -> String {
    const SHOWN: usize = 24;
    if value.chars().count() <= SHOWN {
        value.to_string()
    } else {
        let head: String = value.chars().take(SHOWN).collect();
        format!("{head}…")
    }
}

/// How the page opens: the settings and extras from its query string, and
/// a run to replay.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Opening {
    /// How the run starts.
    pub start: Start,
    /// A `run=` value (unescaped), still to be read.
    pub run: Option<String>,
}

/// Builds the page's simulation for `opening`: the start, then the shared
/// run replayed if there is one. Whatever cannot be used is said in the
/// returned notice and spoils only itself: a bad run leaves the start as
/// it is. Falls back to the default settings if even those fail.
pub fn open(opening: &Opening) -> (Sim, Option<Key>) {
    let (sim, mut notices) = match Sim::start(&opening.start) {
        Ok((sim, notice)) => (sim, notice.into_iter().collect::<Vec<_>>()),
        Err(e) => {
            let fallback = Start::default();
            let (sim, _) = Sim::start(&fallback).expect("the default settings are valid");
            (sim, vec![e])
        }
    };
    let mut sim = sim;
    if let Some(text) = &opening.run {
        let run = decode_run(text).and_then(|run| {
            let start = sim.run_log().start.clone();
            Sim::replay(&start, &run.entries, run.end)
        });
        match run {
            Ok(replayed) => sim = replayed,
            Err(e) => notices.push(Key::UrlSetting("run".into(), shorten(text), Box::new(e))),
        }
    }
    let notice = match notices.len() {
        0 => None,
        1 => notices.pop(),
        _ => Some(Key::Notices(notices)),
    };
    (sim, notice)
}

impl Opening {
    /// What a parsed query string asks the page to open.
    pub fn from_query(q: &crate::model::settings::Query) -> Opening {
        Opening {
            start: Start {
                settings: q.settings.clone(),
                lesson: q.extras.lesson.clone(),
                traffic: q.extras.traffic.unwrap_or(0),
                pause_on: q.extras.pause_on.clone(),
            },
            run: q.extras.run.clone(),
        }
    }
}
