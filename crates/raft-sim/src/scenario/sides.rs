//! The `sides` condition: the network is split into exactly these groups.
//!
//! A lesson's task "partition the cluster into 2 | 3" must notice that
//! partition and no other: `minority n2` also holds when the learner drags
//! n2 alone into a group, and the steps after the task, which name n1 as
//! n2's companion, would then fail or tell a false story.

use crate::NodeId;

use super::parse::{node_ref, Line};
use super::runner::Runner;
use super::{NodeRef, ScriptError};

/// Groups as a script writes them: `n1 n2 | rest`, `None` standing for
/// `rest`.
pub type Groups = Vec<Vec<Option<NodeRef>>>;

/// `A B | C D [| rest]` from token `i`, up to the end of the line or a
/// `key=value` option such as `within=5s`.
pub fn parse_sides(l: &Line, i: usize) -> Result<(Groups, usize), ScriptError> {
    let mut groups: Groups = vec![Vec::new()];
    let mut next = i;
    while let Some(tok) = l.toks.get(next).filter(|t| !t.text.contains('=')) {
        let g = groups.last_mut().expect("never empty");
        match tok.text {
            "|" => groups.push(Vec::new()),
            "rest" => g.push(None),
            _ => g.push(Some(node_ref(l, tok)?)),
        }
        next += 1;
    }
    if groups.len() < 2 || groups.iter().any(Vec::is_empty) {
        let col = l.toks.get(i).map_or(l.toks[0].col, |t| t.col);
        return Err(l.err(col, "expected groups like 'n1 n2 | n3 n4 n5' (or '| rest')"));
    }
    Ok((groups, next))
}

impl Runner {
    /// The running members of each group, sorted, empty groups left out:
    /// what [`crate::Cluster::sides`] gives when the network is split
    /// exactly so (a down member is on no side).
    fn wanted_sides(&self, groups: &Groups) -> Result<Vec<Vec<NodeId>>, String> {
        let running = self.cluster.running();
        let mut want: Vec<Vec<NodeId>> = self
            .partition_groups(groups)?
            .into_iter()
            .map(|mut g| {
                g.retain(|n| running.contains(n));
                g.sort_unstable();
                g.dedup();
                g
            })
            .filter(|g| !g.is_empty())
            .collect();
        want.sort();
        Ok(want)
    }

    fn sides_now(&self) -> Vec<Vec<NodeId>> {
        let mut now: Vec<Vec<NodeId>> = self
            .cluster
            .sides()
            .into_iter()
            .map(|s| s.members)
            .collect();
        now.sort();
        now
    }

    /// Whether the network's sides are exactly these groups.
    pub fn sides_are(&self, groups: &Groups) -> Result<bool, String> {
        Ok(self.sides_now() == self.wanted_sides(groups)?)
    }

    /// The sides as they are now, in words.
    pub fn describe_sides(&self) -> String {
        let sides: Vec<String> = self
            .sides_now()
            .iter()
            .map(|s| {
                s.iter()
                    .map(|n| format!("n{n}"))
                    .collect::<Vec<_>>()
                    .join(" ")
            })
            .collect();
        format!("the sides are {}", sides.join(" | "))
    }
}
