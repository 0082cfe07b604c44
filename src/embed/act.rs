//! `act(line)`: one command of the scenario-script language (the core's
//! parser, the same words as the lessons and the CLI: `crash n1`,
//! `partition n1 n2 | rest`, `heal`, `put leader /a 1`, `run 2s`) carried
//! out on an instance's [`Sim`], as the user's action.
//!
//! Outside a script there are no remembered names: `leader` and
//! `follower` name members as they are now, `$name` is an error. Commands
//! that only make sense in a script (`wait`, `assert`, `remember`, message
//! labels) are refused with the list of those that work.

use std::fmt;

use raft_sim::scenario::commands::parse_command;
use raft_sim::scenario::parse::tokenize;
use raft_sim::scenario::{Command, Names};
use raft_sim::{Action, Lang};

use crate::model::{ErrorAt, Sim};

/// Why a line was not carried out.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ActError {
    /// The column (from 1) the problem is at, when it is in the line.
    pub column: Option<usize>,
    /// What is wrong.
    pub message: String,
}

impl fmt::Display for ActError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.column {
            Some(c) => write!(f, "column {c}: {}", self.message),
            None => f.write_str(&self.message),
        }
    }
}

/// The commands `act` carries out, for the refusal of the others.
const WORKS: &str = "crash, restart, wipe, isolate, campaign, compact, transfer-leader, \
                     partition, partition-oneway, cut, repair, heal, hold-link, release-link, \
                     latency, jitter, loss, duplicate, pre-vote, check-quorum, add-voter, \
                     add-learner, promote, remove, joint, put, get, delete, range, watch, run";

/// Carries out `line` on `sim`.
pub fn act(sim: &mut Sim, line: &str) -> Result<(), ActError> {
    let at = |column: usize, message: String| ActError {
        column: Some(column),
        message,
    };
    let l = tokenize(1, line).map_err(|e| at(e.column, e.message))?;
    let Some(first) = l.toks.first() else {
        return Err(at(1, format!("expected a command ({WORKS})")));
    };
    let command = parse_command(&l).map_err(|e| at(e.column, e.message))?;
    // A member reference that names nobody now (`leader` with no leader)
    // is the first such word's fault.
    let ref_col = l
        .toks
        .iter()
        .find(|t| t.text == "leader" || t.text == "follower" || t.text.starts_with('$'))
        .map_or(first.col, |t| t.col);
    let names = Names::default();
    let refused = |e: String| at(ref_col, e);
    let action = command.action_in(sim.cluster(), &names).map_err(refused)?;
    let applied = match (action, &command) {
        (Some(action), _) => sim.act(ErrorAt::Inspector, action).map(drop),
        (None, Command::Run(ms)) => {
            sim.advance(*ms);
            Ok(())
        }
        (None, Command::Request { node, op, mode, .. }) => {
            let node = names.resolve(sim.cluster(), node).map_err(refused)?;
            return sim
                .client(node, op.clone(), *mode)
                .map(drop)
                .map_err(|k| ActError {
                    column: None,
                    message: k.text(Lang::En),
                });
        }
        (
            None,
            Command::Watch {
                node,
                key,
                prefix,
                start_revision,
                ..
            },
        ) => {
            let node = names.resolve(sim.cluster(), node).map_err(refused)?;
            let watch = Action::Watch {
                node,
                key: key.clone(),
                prefix: *prefix,
                start_revision: *start_revision,
            };
            sim.act(ErrorAt::Watch, watch).map(drop)
        }
        (None, _) => {
            return Err(at(
                first.col,
                format!(
                    "'{}' works only in a script; act() takes one of: {WORKS}",
                    first.text
                ),
            ))
        }
    };
    applied.map_err(|e| ActError {
        column: None,
        message: e.text(Lang::En),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::sim::tests::{run_until, sim};
    use raft_sim::Role;

    #[test]
    fn a_line_crashes_partitions_heals_and_writes() {
        let mut s = sim(5);
        act(&mut s, "crash n1").unwrap();
        assert_eq!(s.cluster().role(1), Some(Role::Down));
        act(&mut s, "restart n1").unwrap();
        run_until(&mut s, 10_000, |s| s.cluster().leader().is_some());
        let leader = s.cluster().leader().unwrap();
        act(&mut s, "partition leader | rest").unwrap();
        assert!(!s.frame().view.cut_links.is_empty());
        act(&mut s, "heal").unwrap();
        assert!(s.frame().view.cut_links.is_empty());
        act(&mut s, &format!("put n{leader} /a 1")).unwrap();
        let before = s.cluster().now();
        act(&mut s, "run 2s").unwrap();
        assert_eq!(s.cluster().now(), before + 2_000);
        assert!(s.frame().requests[0].is_ok());
    }

    #[test]
    fn errors_name_the_column() {
        let mut s = sim(3);
        let e = act(&mut s, "crash nine").unwrap_err();
        assert_eq!(e.column, Some(7), "{e}");
        assert!(e.to_string().starts_with("column 7: "), "{e}");
        let e = act(&mut s, "  explode n1").unwrap_err();
        assert_eq!(e.column, Some(3), "{e}");
        assert!(e.message.contains("unknown command"), "{e}");
        let e = act(&mut s, "").unwrap_err();
        assert_eq!(e.column, Some(1));
        // No leader yet: the word `leader` is at fault.
        let e = act(&mut s, "isolate leader").unwrap_err();
        assert_eq!(e.column, Some(9), "{e}");
        let e = act(&mut s, "wait leader within=5s").unwrap_err();
        assert!(e.message.contains("only in a script"), "{e}");
        // The cluster's refusal has no column: the line was fine.
        act(&mut s, "crash n2").unwrap();
        let e = act(&mut s, "crash n2").unwrap_err();
        assert_eq!(e.column, None, "{e}");
        assert!(e.message.contains("n2"), "{e}");
    }
}
