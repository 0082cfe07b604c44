//! One definition of "converged", used by scripts (`wait converged`) and by
//! the CLI's runs (the convergence check after healing).

use crate::cluster::Cluster;
use crate::member::conf_members;

impl Cluster {
    /// Converged: every member of the committed membership (voters and
    /// learners, both halves of a joint configuration) is running and has
    /// applied the same number of entries to the same store. The error says
    /// who is down or how the members differ.
    pub fn converged(&self) -> Result<(), String> {
        let mut states = Vec::new();
        for n in conf_members(self.membership()) {
            match self.member(n).and_then(|m| m.live()) {
                Some(l) => states.push((n, l.applied(), l.kv().content_hash())),
                None => return Err(format!("n{n} is a member but not running")),
            }
        }
        let Some(&(_, applied, store)) = states.first() else {
            return Err("the cluster has no members".into());
        };
        if states.iter().all(|&(_, a, s)| (a, s) == (applied, store)) {
            return Ok(());
        }
        let detail: Vec<String> = states
            .iter()
            .map(|(n, a, s)| format!("n{n} applied {a} store {s:016x}"))
            .collect();
        Err(format!("members differ: {}", detail.join(", ")))
    }
}
