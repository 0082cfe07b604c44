//! The moments the simulation can pause on by itself, as a debugger stops
//! at a breakpoint: a lesson's step names the moment it is about, and the
//! page offers the same list outside lessons.
//!
//! This file names the moments; noticing them as events happen is built on
//! top of it.

use serde::{Deserialize, Serialize};

use crate::lang::{Lang, Text};

/// A moment worth stopping the clock for.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum PauseOn {
    /// A member becomes leader (a new term's leader, or the first one).
    LeaderChange,
    /// Two members both believe they lead (in different terms): the old
    /// leader has not yet heard of the new one.
    TwoLeaders,
    /// The voters that can reach each other no longer make a quorum
    /// anywhere.
    QuorumLost,
    /// A client's write is committed.
    Commit,
}

impl PauseOn {
    /// Every moment, in the order the page lists them.
    pub const ALL: [PauseOn; 4] = [
        PauseOn::LeaderChange,
        PauseOn::TwoLeaders,
        PauseOn::QuorumLost,
        PauseOn::Commit,
    ];

    /// The word scripts and URLs use (`pause-on two-leaders`).
    pub fn word(self) -> &'static str {
        match self {
            PauseOn::LeaderChange => "leader-change",
            PauseOn::TwoLeaders => "two-leaders",
            PauseOn::QuorumLost => "quorum-lost",
            PauseOn::Commit => "commit",
        }
    }

    /// Reads a word written by [`PauseOn::word`].
    pub fn parse(word: &str) -> Option<PauseOn> {
        PauseOn::ALL.into_iter().find(|p| p.word() == word)
    }

    /// What the page calls it, in `lang`.
    pub fn label(self, lang: Lang) -> &'static str {
        match lang {
            Lang::En => match self {
                PauseOn::LeaderChange => "a new leader",
                PauseOn::TwoLeaders => "two leaders at once",
                PauseOn::QuorumLost => "quorum lost",
                PauseOn::Commit => "a write committed",
            },
            Lang::Zh => match self {
                PauseOn::LeaderChange => "选出新领导者",
                PauseOn::TwoLeaders => "同时存在两个领导者",
                PauseOn::QuorumLost => "失去法定人数",
                PauseOn::Commit => "写入已提交",
            },
        }
    }

    /// Both labels, for places that keep text in both languages.
    pub fn text(self) -> Text {
        Text::new(self.label(Lang::En), self.label(Lang::Zh))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn words_read_back() {
        for p in PauseOn::ALL {
            assert_eq!(PauseOn::parse(p.word()), Some(p));
        }
        assert_eq!(PauseOn::parse("leader"), None);
    }
}
