//! A member's role, as the page, the scripts and the trace name it.

use serde::{Deserialize, Serialize};

/// A member's role as the page shows it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Role {
    /// Follows a leader (or waits for one).
    Follower,
    /// Runs a PreVote round: asks whether it could win before bumping its term.
    PreCandidate,
    /// Asks for votes in a new term.
    Candidate,
    /// Leads its term.
    Leader,
    /// Receives the log but does not vote.
    Learner,
    /// Crashed; its disk is kept.
    Down,
    /// Removed from the cluster (or wiped and waiting to rejoin).
    Removed,
}

impl Role {
    /// The lower-case word used in scripts, the page and `data-role`.
    pub fn as_str(self) -> &'static str {
        match self {
            Role::Follower => "follower",
            Role::PreCandidate => "pre-candidate",
            Role::Candidate => "candidate",
            Role::Leader => "leader",
            Role::Learner => "learner",
            Role::Down => "down",
            Role::Removed => "removed",
        }
    }

    /// Parses [`Role::as_str`].
    pub fn parse(s: &str) -> Option<Role> {
        Some(match s {
            "follower" => Role::Follower,
            "pre-candidate" | "precandidate" => Role::PreCandidate,
            "candidate" => Role::Candidate,
            "leader" => Role::Leader,
            "learner" => Role::Learner,
            "down" => Role::Down,
            "removed" => Role::Removed,
            _ => return None,
        })
    }
}
