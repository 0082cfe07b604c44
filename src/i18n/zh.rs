//! The page in Simplified Chinese: one arm per [`Key`]. Terms follow the
//! project's glossary (领导者, 任期 (term), 法定人数 (quorum)…); numbers and
//! member ids stay ASCII; sentences use full-width punctuation.

use super::Key;

/// `key` in Chinese.
pub(super) fn text(key: &Key) -> String {
    match key {
        // The header.
        Key::Title => "Raft 演练场".into(),
        Key::Leader => "领导者：".into(),
        Key::NoLeader => "无".into(),
        Key::TermIs(t) => format!(" · 任期 {t}"),
        Key::Language => "语言".into(),
        Key::Dismiss => "关闭".into(),
    }
}
