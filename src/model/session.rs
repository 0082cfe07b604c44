//! The page's history and session downloads, and a session's import: the
//! three forms of `raft_sim::export`, written from the running [`Sim`].
//!
//! The page's session rebuilds its run from the share link's query (the
//! settings and every command at its place, replayed with the page's own
//! traffic generator); its `actions` list the same commands with their
//! virtual times for readers. An import must reach the trace hash the
//! session names, or it changes nothing.

use raft_sim::export::session::{PageImport, Session, TimedAction};
use raft_sim::export::{jepsen, porcupine, HistoryFormat};
use raft_sim::recording::Recorded;

use super::commands::ErrorAt;
use super::settings::Query;
use super::share::{open, Logged, Opening};
use super::sim::Sim;
use crate::i18n::Key;

impl Sim {
    /// The client history, or the whole session, as a file's text.
    pub fn export(&self, format: HistoryFormat) -> String {
        let history = self.cluster().history();
        match format {
            HistoryFormat::Jepsen => jepsen::write(history),
            HistoryFormat::Porcupine => porcupine::write(history),
            HistoryFormat::Session => self.session().to_json(),
        }
    }

    fn session(&self) -> Session {
        let actions = (self.run_log().entries.iter())
            .map(|(place, logged)| TimedAction {
                at_ms: place.at_ms,
                what: match logged {
                    Logged::Act(a) => Recorded::Action(a.clone()),
                    other => Recorded::Note(format!("{other:?}")),
                },
            })
            .collect();
        Session::of_page(self.cluster(), actions, self.share_query())
    }

    /// Replaces the run with a session's (paused where it was taken), or
    /// says why not where the import was chosen and changes nothing.
    pub fn import_session(&mut self, text: &str) -> Result<(), Key> {
        let fail = |sim: &mut Sim, why: String| {
            let key = Key::SessionImportFailed(why);
            sim.reject(ErrorAt::Session, key.clone());
            Err(key)
        };
        let session = match PageImport::parse(text) {
            Ok(s) => s,
            Err(e) => return fail(self, e),
        };
        let query = &session.query;
        let (mut fresh, notice) = open(&Opening::from_query(&Query::parse(query)));
        if let Some(n) = notice {
            return fail(self, n.text(crate::i18n::Lang::En));
        }
        let hash = fresh.cluster().trace().hash_hex();
        if hash != session.trace_hash {
            return fail(
                self,
                format!(
                    "its run replays to trace {hash}, not the {} it names",
                    session.trace_hash
                ),
            );
        }
        fresh.set_playing(false);
        fresh.set_keeper(self.take_keeper());
        fresh.set_notice(Some(Key::SessionImported(
            session.actions as u64,
            fresh.cluster().now(),
        )));
        *self = fresh;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::PageSettings;
    use raft_sim::{Action, ClientOp, ReadMode};

    fn a_run() -> Sim {
        let mut sim = Sim::new(PageSettings::default()).expect("default settings build");
        sim.advance(3_000);
        let put = ClientOp::Put {
            key: "/a".into(),
            value: "1".into(),
        };
        sim.client(1, put, ReadMode::Linearizable).unwrap();
        sim.advance(500);
        sim.act(ErrorAt::Inspector, Action::Crash { node: 2 })
            .unwrap();
        sim.advance(1_000);
        sim
    }

    #[test]
    fn a_downloaded_session_imports_back_to_the_same_run() {
        let sim = a_run();
        let text = sim.export(HistoryFormat::Session);
        let mut other = Sim::new(PageSettings::default()).unwrap();
        other.import_session(&text).expect("it imports");
        assert_eq!(
            other.cluster().trace().hash_hex(),
            sim.cluster().trace().hash_hex()
        );
        assert_eq!(other.cluster().now(), sim.cluster().now());
        assert!(matches!(other.notice(), Some(Key::SessionImported(2, _))));
        let lines = sim.export(HistoryFormat::Jepsen);
        assert!(
            lines
                .lines()
                .any(|l| l.contains("\"type\":\"ok\"") && l.contains("\"/a\"")),
            "{lines}"
        );
        assert!(sim
            .export(HistoryFormat::Porcupine)
            .starts_with("[\n{\"ClientId\":"));
    }

    #[test]
    fn a_bad_file_is_refused_where_it_was_chosen_and_the_run_goes_on() {
        let mut sim = a_run();
        let hash = sim.cluster().trace().hash_hex();
        let e = sim
            .import_session("{\"format\": \"raft-playground-session\",")
            .unwrap_err();
        assert!(
            matches!(&e, Key::SessionImportFailed(why) if why.starts_with("line 1, column")),
            "{e:?}"
        );
        assert_eq!(
            sim.frame().error.as_ref().map(|(at, _)| *at),
            Some(ErrorAt::Session)
        );
        let changed = sim
            .export(HistoryFormat::Session)
            .replace(&hash, "0123456789abcdef");
        assert!(sim.import_session(&changed).is_err());
        assert_eq!(sim.cluster().trace().hash_hex(), hash, "nothing changed");
    }
}
