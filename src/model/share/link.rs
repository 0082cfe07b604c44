//! The whole query that opens a run again (settings, extras and `run=`),
//! and the link the Share button gives.

use super::{encode_run, Landing, Logged};
use crate::model::settings::{DEFAULT_SPEED, SETTING_KEYS};
use crate::model::sim::Sim;

impl Sim {
    /// This run as a query string, `?seed=…&…&run=1_…`: what opens it in
    /// the playground again, at this moment, paused.
    pub fn share_query(&self) -> String {
        let start = &self.run.start;
        let mut pairs: Vec<(String, String)> = Vec::new();
        match &start.lesson {
            // A lesson brings its own cluster settings.
            Some(id) => pairs.push(("lesson".into(), id.clone())),
            None => {
                for k in SETTING_KEYS {
                    pairs.push((k.into(), start.settings.get(k)));
                }
            }
        }
        if start.traffic > 0 {
            pairs.push(("traffic".into(), start.traffic.to_string()));
        }
        if !start.pause_on.is_empty() {
            let words: Vec<&str> = start.pause_on.iter().map(|p| p.word()).collect();
            pairs.push(("pause-on".into(), words.join(",")));
        }
        if self.speed() != DEFAULT_SPEED {
            pairs.push(("speed".into(), self.speed().to_string()));
        }
        pairs.push(("paused".into(), "on".into()));
        let entries: Vec<(Landing, Logged)> = (self.run.entries.iter())
            .map(|(p, w)| (p.landing(), w.clone()))
            .collect();
        pairs.push(("run".into(), encode_run(&entries, self.place().landing())));
        let query: Vec<String> = pairs
            .iter()
            .map(|(k, v)| format!("{k}={}", percent_encode(v)))
            .collect();
        format!("?{}", query.join("&"))
    }
}

/// Escapes a query value: everything but the URL-safe characters, `/`
/// and `,`.
pub fn percent_encode(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for b in s.bytes() {
        if b.is_ascii_alphanumeric() || b"-._~/,".contains(&b) {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

/// The link the Share button gives: `base` (the full playground's folder
/// or page, as an embed knows it) or else this page (`page`, its address
/// without query or fragment), with the run's query.
pub fn share_url(page: &str, base: &str, query: &str) -> String {
    let to = if base.is_empty() { page } else { base };
    let to = to.split(['?', '#']).next().unwrap_or(to);
    if to.ends_with('/') || to.ends_with(".html") || to.is_empty() {
        format!("{to}{query}")
    } else {
        format!("{to}/{query}")
    }
}

/// Whether a query string says what to run (a setting, a lesson, a run),
/// rather than only how to show it (language, speed): a page opened with
/// none of these may restore the run it kept.
pub fn says_what_to_run(query: &str) -> bool {
    query
        .trim_start_matches('?')
        .split('&')
        .filter_map(|pair| pair.split('=').next())
        .map(crate::model::settings::percent_decode)
        .any(|k| {
            matches!(k.as_str(), "lesson" | "run" | "traffic" | "pause-on")
                || crate::model::settings::canonical_key(&k).is_some()
        })
}
