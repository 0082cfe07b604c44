//! The etcdctl console as the page runs it: the core's
//! [`raft_sim::console::Console`] over the page's [`Sim`], and its
//! transcript.
//!
//! The console acts through the `Sim` (see [`SimHost`]), so every request
//! it sends and every fault it injects is logged like a click: a shared
//! link replays what the console did to the cluster. Its printed answers
//! are the console's own and are not replayed; the transcript starts
//! empty on a replayed run.

use std::collections::VecDeque;
use std::rc::Rc;

use raft_sim::console::{Console, ConsoleHost, Printed};
use raft_sim::deploy::Deployment;
use raft_sim::{Action, ActionError, Cluster, NodeId};

use super::sim::Sim;

/// Lines of transcript kept (older ones scroll away for good).
pub const TRANSCRIPT_LINES: usize = 400;

/// What a transcript line is.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum LineKind {
    /// What the learner typed (shown after a prompt).
    Typed,
    /// A line a `txn` reads after it (shown after `>`).
    Input,
    /// The command's standard output.
    Out,
    /// Its standard error (`Error: …`).
    Err,
}

/// One line of the console's transcript.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ConsoleLine {
    /// Typed, output or error.
    pub kind: LineKind,
    /// The text, without its newline.
    pub text: String,
    /// The member that served the answer this line belongs to.
    pub served_by: Option<NodeId>,
    /// Printed by a watch running in the background.
    pub watch: bool,
}

/// The console and its transcript (whose typed lines are also what the
/// arrow keys recall).
pub struct PageConsole {
    /// `None` only while a call into it runs (it borrows the `Sim`).
    console: Option<Console>,
    lines: VecDeque<ConsoleLine>,
    /// The transcript as the frame shares it, rebuilt only when it grew.
    shared: Rc<[ConsoleLine]>,
}

impl PageConsole {
    /// A console for a cluster of `members` (etcd-K names and the
    /// deployment panel's default addresses).
    pub fn new(deployment: Deployment) -> PageConsole {
        PageConsole {
            console: Some(Console::new(deployment)),
            lines: VecDeque::new(),
            shared: Rc::from(Vec::new()),
        }
    }

    /// The transcript, oldest first.
    pub fn lines(&self) -> Rc<[ConsoleLine]> {
        self.shared.clone()
    }

    /// Whether a command is still waiting for its answer.
    pub fn busy(&self) -> bool {
        self.console.as_ref().is_some_and(Console::busy)
    }

    /// Whether a `txn` is reading the lines after it.
    pub fn reading_txn(&self) -> bool {
        self.console.as_ref().is_some_and(Console::reading_txn)
    }

    fn push_typed(&mut self, line: &str, txn_input: bool) {
        if txn_input {
            self.lines.push_back(ConsoleLine {
                kind: LineKind::Input,
                text: line.trim().to_string(),
                served_by: None,
                watch: false,
            });
            return;
        }
        // The prompt already says `etcdctl`.
        let shown = line.trim().strip_prefix("etcdctl ").unwrap_or(line.trim());
        self.lines.push_back(ConsoleLine {
            kind: LineKind::Typed,
            text: shown.to_string(),
            served_by: None,
            watch: false,
        });
    }

    fn push_printed(&mut self, printed: Vec<Printed>) -> bool {
        let grew = !printed.is_empty();
        for p in printed {
            let kind = if p.stderr {
                LineKind::Err
            } else {
                LineKind::Out
            };
            for text in p.text.lines() {
                self.lines.push_back(ConsoleLine {
                    kind,
                    text: text.to_string(),
                    served_by: p.served_by,
                    watch: p.watch,
                });
            }
        }
        grew
    }

    fn share(&mut self) {
        while self.lines.len() > TRANSCRIPT_LINES {
            self.lines.pop_front();
        }
        self.shared = self.lines.iter().cloned().collect();
    }
}

/// The `Sim` as the console's host: it reads the cluster and acts through
/// the `Sim`, which logs each action for replay.
struct SimHost<'a>(&'a mut Sim);

impl ConsoleHost for SimHost<'_> {
    fn cluster(&self) -> &Cluster {
        self.0.cluster()
    }

    fn act(&mut self, action: Action) -> Result<Option<u64>, ActionError> {
        // The console prints a refusal itself; no panel shows it again.
        self.0.act_logged(action)
    }
}

impl Sim {
    /// Runs one line typed in the console.
    pub fn console_submit(&mut self, line: &str) {
        let Some(mut console) = self.console.console.take() else {
            return;
        };
        self.console.push_typed(line, console.reading_txn());
        let printed = console.submit(&mut SimHost(self), line);
        self.console.console = Some(console);
        self.console.push_printed(printed);
        self.console.share();
    }

    /// Lets the console see what happened since it last looked (answers,
    /// timeouts, watch events). Called after every change of the cluster.
    pub(super) fn poll_console(&mut self) {
        let Some(mut console) = self.console.console.take() else {
            return;
        };
        let printed = console.poll(&mut SimHost(self));
        self.console.console = Some(console);
        if self.console.push_printed(printed) {
            self.console.share();
        }
    }

    /// The console, for the frame.
    pub fn console(&self) -> &PageConsole {
        &self.console
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::settings::Query;
    use crate::model::share::{open, Opening};
    use crate::model::PageSettings;

    fn answers(sim: &Sim) -> Vec<(LineKind, String, Option<NodeId>)> {
        (sim.console().lines().iter())
            .map(|l| (l.kind, l.text.clone(), l.served_by))
            .collect()
    }

    /// A shared link to `sim`'s run rebuilds it event for event.
    fn replays_the_same(sim: &Sim) {
        let query = sim.share_query();
        let (back, notice) = open(&Opening::from_query(&Query::parse(&query)));
        assert_eq!(notice, None, "{query}");
        assert_eq!(
            back.cluster().trace().hash_hex(),
            sim.cluster().trace().hash_hex(),
            "{query}"
        );
    }

    fn elected() -> Sim {
        let mut sim = Sim::new(PageSettings::default()).expect("default settings build");
        sim.advance(5_000);
        assert!(sim.cluster().leader().is_some());
        sim
    }

    #[test]
    fn a_typed_put_is_answered_with_the_clock_and_names_its_member() {
        let mut sim = elected();
        sim.console_submit("etcdctl put /registry/pods/default/nginx running");
        assert!(sim.console().busy(), "a write waits for its commit");
        sim.advance(2_000);
        assert!(!sim.console().busy());
        let lines = answers(&sim);
        assert_eq!(lines[0].0, LineKind::Typed);
        let (kind, text, served_by) = &lines[1];
        assert_eq!((*kind, text.as_str()), (LineKind::Out, "OK"), "{lines:?}");
        assert_eq!(*served_by, Some(1), "the first endpoint, etcd-1, serves");

        sim.console_submit("get /registry/ --prefix --endpoints=http://192.168.0.102:2379");
        sim.advance(2_000);
        let lines = answers(&sim);
        let got: Vec<&str> = lines[3..].iter().map(|l| l.1.as_str()).collect();
        assert_eq!(
            got,
            ["/registry/pods/default/nginx", "running"],
            "{lines:?}"
        );
        assert!(lines[3..].iter().all(|l| l.2 == Some(3)), "{lines:?}");
    }

    #[test]
    fn the_console_acts_through_the_sim_so_a_shared_run_replays_it() {
        let mut sim = elected();
        sim.console_submit("put /a 1");
        sim.advance(1_500);
        sim.console_submit(".crash etcd-1");
        sim.advance(3_000);
        sim.console_submit("get /a --endpoints=http://192.168.0.101:2379 -w json");
        sim.advance(3_000);
        replays_the_same(&sim);
    }

    #[test]
    fn a_bad_line_is_answered_in_the_console_and_changes_nothing() {
        let mut sim = elected();
        let hash = sim.cluster().trace().hash_hex();
        sim.console_submit("get");
        let lines = answers(&sim);
        assert_eq!(lines.last().map(|l| l.0), Some(LineKind::Err), "{lines:?}");
        assert_eq!(sim.cluster().trace().hash_hex(), hash);
        assert_eq!(
            sim.frame().error,
            None,
            "no panel shows the console's errors"
        );
    }

    #[test]
    fn a_txn_reads_the_lines_after_it_and_a_watch_prints_in_the_background() {
        let mut sim = elected();
        sim.console_submit("put /a 1");
        sim.advance(1_500);
        sim.console_submit("watch /a");
        sim.console_submit("txn");
        assert!(sim.frame().console_txn, "the page shows the txn prompt");
        for line in [r#"value("/a") = "1""#, "", "put /a 2", "", ""] {
            sim.console_submit(line);
        }
        assert!(!sim.frame().console_txn, "the third blank line sent it");
        sim.advance(1_500);
        let lines = sim.console().lines();
        let inputs = lines.iter().filter(|l| l.kind == LineKind::Input).count();
        assert_eq!(inputs, 5, "{lines:?}");
        let answer: Vec<&str> = (lines.iter())
            .filter(|l| l.kind == LineKind::Out && !l.watch)
            .map(|l| l.text.as_str())
            .collect();
        assert_eq!(answer, ["OK", "SUCCESS", "", "OK"], "{lines:?}");
        let watched: Vec<&str> = (lines.iter())
            .filter(|l| l.watch)
            .map(|l| l.text.as_str())
            .collect();
        assert_eq!(watched, ["PUT", "/a", "2"], "{lines:?}");
    }

    #[test]
    fn membership_changes_and_a_moved_leader_from_the_console_replay() {
        let mut sim = elected();
        let k = sim.cluster().next_member_id().expect("ids left");
        sim.console_submit(&format!(
            "member add etcd-{k} --peer-urls=http://192.168.0.{}:2380 --learner",
            99 + k
        ));
        sim.advance(3_000);
        sim.console_submit("watch --prefix / --rev 1");
        sim.console_submit("txn");
        for line in ["", "put /b 1", "", ""] {
            sim.console_submit(line);
        }
        sim.advance(1_000);
        sim.console_submit(".cancel");
        let all = "--endpoints=http://192.168.0.100:2379,http://192.168.0.101:2379,http://192.168.0.102:2379";
        let leader = sim.cluster().leader().expect("a leader");
        let other = if leader == 2 { 3 } else { 2 };
        let id = raft_sim::deploy::Deployment::default().member_id(other);
        sim.console_submit(&format!("move-leader {id:x} {all}"));
        sim.advance(3_000);
        assert_eq!(sim.cluster().leader(), Some(other));
        let lines = sim.console().lines();
        assert!(
            lines
                .iter()
                .any(|l| l.text.starts_with("Leadership transferred from")),
            "{lines:?}"
        );
        assert!(
            sim.cluster().membership().learners.contains(&k),
            "{lines:?}"
        );
        replays_the_same(&sim);
    }
}
