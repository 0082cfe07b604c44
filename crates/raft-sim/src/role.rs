//! A member's role, as the page, the scripts and the trace name it.

use serde::{Deserialize, Serialize};

use crate::lang::Lang;

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

    /// Every role.
    pub const ALL: [Role; 7] = [
        Role::Follower,
        Role::PreCandidate,
        Role::Candidate,
        Role::Leader,
        Role::Learner,
        Role::Down,
        Role::Removed,
    ];

    /// The role's name for a reader of `lang` (the page's drawing and
    /// cards); [`Role::as_str`] stays the word of scripts and `data-role`.
    pub fn name(self, lang: Lang) -> &'static str {
        match lang {
            Lang::En => self.as_str(),
            Lang::Zh => match self {
                Role::Follower => "跟随者",
                Role::PreCandidate => "预候选人",
                Role::Candidate => "候选人",
                Role::Leader => "领导者",
                Role::Learner => "学习者",
                Role::Down => "宕机",
                Role::Removed => "已移除",
            },
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_role_has_a_word_in_each_language_and_parses_back() {
        for r in Role::ALL {
            assert_eq!(Role::parse(r.as_str()), Some(r));
            assert_eq!(r.name(Lang::En), r.as_str());
            assert!(r.name(Lang::Zh).chars().all(|c| !c.is_ascii()), "{r:?}");
        }
    }
}
