//! The whole session as one JSON document: the setup, what was done with
//! its virtual time, the client history, and what it takes to rebuild the
//! run exactly, so that importing it gives the same run (the same trace
//! hash), natively (`raft-sim replay FILE`) and in the page.

use serde::{Deserialize, Serialize};

use crate::client::HistoryEntry;
use crate::cluster::{Cluster, ClusterConfig};
use crate::recording::{replay, Mark, Position, Recorded, Recording};

/// What `format` says in every session file.
pub const FORMAT: &str = "raft-playground-session";
/// The version this build writes and reads.
pub const VERSION: u64 = 1;

/// One thing done, with its virtual time (readable; the exact place is in
/// [`Replay`]).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct TimedAction {
    /// Virtual ms.
    pub at_ms: u64,
    /// An action or a narration note.
    pub what: Recorded,
}

/// How the run is rebuilt.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Replay {
    /// A cluster recorded from its start (`raft-sim run` and `script`):
    /// every action at its exact place, and where the run stopped.
    Recording {
        /// The recording.
        recording: Recording,
        /// Where the run was when the session was taken.
        end: Position,
    },
    /// The page's run: its settings and actions as a share link's query
    /// (see the README's "Sharing a run"), which the page replays with its
    /// own traffic generator.
    Page {
        /// The query, without `?`.
        query: String,
    },
}

/// A session.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Session {
    /// Always [`FORMAT`].
    pub format: String,
    /// [`VERSION`].
    pub version: u64,
    /// The cluster's configuration: seed, members, network, Raft settings.
    pub setup: ClusterConfig,
    /// What was done, in order.
    pub actions: Vec<TimedAction>,
    /// Virtual ms when the session was taken.
    pub end_ms: u64,
    /// The trace hash then: an import must reach the same.
    pub trace_hash: String,
    /// The client history (what [`super::jepsen`] and [`super::porcupine`]
    /// write out).
    pub history: Vec<HistoryEntry>,
    /// How to rebuild the run.
    pub replay: Replay,
}

impl Session {
    /// The session of a cluster recorded from its start.
    pub fn of_recorded(c: &Cluster) -> Result<Session, String> {
        let recording = c
            .recorded()
            .ok_or("this cluster was not recorded from its start")?
            .clone();
        let actions = timed(&recording);
        Ok(Session {
            format: FORMAT.into(),
            version: VERSION,
            setup: recording.config.clone(),
            actions,
            end_ms: c.now(),
            trace_hash: c.trace().hash_hex(),
            history: c.history().to_vec(),
            replay: Replay::Recording {
                recording,
                end: c.position(),
            },
        })
    }

    /// The page's session: `recording` holds the user's actions (for the
    /// readable list) when the page kept one; `query` rebuilds the run.
    pub fn of_page(c: &Cluster, actions: Vec<TimedAction>, query: String) -> Session {
        Session {
            format: FORMAT.into(),
            version: VERSION,
            setup: c.config().clone(),
            actions,
            end_ms: c.now(),
            trace_hash: c.trace().hash_hex(),
            history: c.history().to_vec(),
            replay: Replay::Page { query },
        }
    }

    /// The document on one line (what the page writes: the pretty
    /// printer's code would cost the page's wasm about its own size again).
    pub fn to_json(&self) -> String {
        serde_json::to_string(self).expect("a session serializes") + "\n"
    }

    /// The document, indented for readers (what `raft-sim` writes).
    pub fn to_json_pretty(&self) -> String {
        serde_json::to_string_pretty(self).expect("a session serializes") + "\n"
    }

    /// Reads a session; a bad document is named by line and column.
    pub fn parse(text: &str) -> Result<Session, String> {
        check_kind(text)?;
        serde_json::from_str(text).map_err(at)
    }

    /// Rebuilds a recorded run and checks that it is the same run.
    pub fn replay(&self) -> Result<Cluster, String> {
        let Replay::Recording { recording, end } = &self.replay else {
            return Err("this session is a page's run: open it in the page".into());
        };
        let until = Mark {
            entries: recording.entries.len(),
            at: *end,
        };
        let c = replay(recording, until)?;
        let hash = c.trace().hash_hex();
        if hash != self.trace_hash {
            return Err(format!(
                "the replayed run's trace hash is {hash}, the session says {}",
                self.trace_hash
            ));
        }
        Ok(c)
    }
}

/// What the page reads of a session to import it: the share query that
/// rebuilds its run, the trace hash the run must reach, and how many
/// actions it lists. The rest is skipped unread, which keeps the
/// deserializers of the history's types out of the page's wasm.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PageImport {
    /// The share link's query.
    pub query: String,
    /// [`Session::trace_hash`].
    pub trace_hash: String,
    /// How many actions the session lists.
    pub actions: usize,
}

impl PageImport {
    /// Reads a page's session; errors as [`Session::parse`]'s.
    pub fn parse(text: &str) -> Result<PageImport, String> {
        use serde::de::IgnoredAny;
        #[derive(Deserialize)]
        struct Head {
            trace_hash: String,
            actions: Vec<IgnoredAny>,
            replay: HeadReplay,
        }
        #[derive(Deserialize)]
        struct HeadReplay {
            kind: String,
            #[serde(default)]
            query: Option<String>,
        }
        check_kind(text)?;
        let head: Head = serde_json::from_str(text).map_err(at)?;
        match (head.replay.kind.as_str(), head.replay.query) {
            ("page", Some(query)) => Ok(PageImport {
                query,
                trace_hash: head.trace_hash,
                actions: head.actions.len(),
            }),
            ("recording", _) => Err(
                "it comes from raft-sim run or script: `raft-sim replay FILE` imports it".into(),
            ),
            (other, _) => Err(format!("unknown replay kind {other:?}")),
        }
    }
}

/// A JSON error with its place.
fn at(e: serde_json::Error) -> String {
    format!("line {}, column {}: {e}", e.line(), e.column())
}

/// Checks that `text` is a session this build reads, before its fields are
/// read (so that another file is named as such, not by its first odd field).
fn check_kind(text: &str) -> Result<(), String> {
    let value: serde_json::Value = serde_json::from_str(text).map_err(at)?;
    match value.get("format").and_then(|f| f.as_str()) {
        Some(FORMAT) => {}
        Some(other) => return Err(format!("this is a {other:?} file, not a {FORMAT}")),
        None => return Err(format!("no \"format\": {FORMAT:?}: not a session file")),
    }
    match value.get("version").and_then(|v| v.as_u64()) {
        Some(VERSION) => Ok(()),
        v => Err(format!("session version {v:?}; this build reads {VERSION}")),
    }
}

/// The readable list of a recording's entries.
pub fn timed(recording: &Recording) -> Vec<TimedAction> {
    (recording.entries.iter())
        .map(|e| TimedAction {
            at_ms: e.at.at_ms,
            what: e.what.clone(),
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::action::Action;
    use crate::client::{ClientOp, ReadMode};

    fn recorded_run() -> Cluster {
        let mut c = Cluster::new(ClusterConfig::default()).unwrap();
        c.set_recording(true);
        c.advance(2_000);
        let put = ClientOp::Put {
            key: "/a".into(),
            value: "1".into(),
        };
        c.apply(Action::Client {
            client: 1,
            node: 1,
            op: put,
            mode: ReadMode::Linearizable,
        })
        .unwrap();
        c.advance(300);
        c.apply(Action::Crash { node: 2 }).unwrap();
        c.advance(1_000);
        c
    }

    #[test]
    fn a_session_imports_back_to_the_same_run() {
        let c = recorded_run();
        let text = Session::of_recorded(&c).unwrap().to_json();
        let back = Session::parse(&text).unwrap();
        assert_eq!(back.actions.len(), 2);
        assert_eq!(back.actions[1].at_ms, 2_300);
        assert_eq!(back.history.len(), 1);
        let again = back.replay().unwrap();
        assert_eq!(again.trace().hash_hex(), c.trace().hash_hex());
        assert_eq!(again.now(), c.now());
    }

    #[test]
    fn a_changed_session_is_refused_with_the_reason() {
        let c = recorded_run();
        let mut s = Session::of_recorded(&c).unwrap();
        s.trace_hash = "0000000000000000".into();
        let Err(e) = Session::parse(&s.to_json()).unwrap().replay() else {
            panic!("a session with another trace hash imported");
        };
        assert!(e.contains("trace hash"), "{e}");
        let e = Session::parse(
            "{\n  \"format\": \"raft-playground-session\",\n  \"version\": 1,\n  \"setup\": 3\n}",
        )
        .unwrap_err();
        assert!(e.starts_with("line 4, column"), "{e}");
        let e = Session::parse("[1, 2").unwrap_err();
        assert!(e.starts_with("line 1, column 5"), "{e}");
        assert!(Session::parse("{\"format\": \"x\"}")
            .unwrap_err()
            .contains("not a raft-playground-session"));
    }
}
