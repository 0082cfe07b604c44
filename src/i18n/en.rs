//! The page in English: one arm per [`Key`].

use super::Key;

/// `key` in English.
pub(super) fn text(key: &Key) -> String {
    match key {
        // The header.
        Key::Title => "Raft Playground".into(),
        Key::Leader => "Leader: ".into(),
        Key::NoLeader => "none".into(),
        Key::TermIs(t) => format!(" · term {t}"),
        Key::Language => "Language".into(),
        Key::Dismiss => "Dismiss".into(),
    }
}
