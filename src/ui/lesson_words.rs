//! The words of the pause controls and the lesson panel, in English and
//! Chinese, in one place until they move into the page's tables
//! (`src/i18n/`): one variant per sentence, one `match` per language.

use raft_sim::Lang;

/// Something the pause controls or the lesson panel say.
#[derive(Clone, Debug, PartialEq)]
pub enum Say {
    /// Before the pause-on checkboxes.
    PauseOn,
    /// Tooltip of a pause-on checkbox.
    PauseOnHelp,
    /// The clock paused by itself: (virtual time, what happened).
    PausedAt(String, String),
}

impl Say {
    /// The text in `lang`.
    pub fn text(&self, lang: Lang) -> String {
        match lang {
            Lang::En => match self {
                Say::PauseOn => "pause on:".into(),
                Say::PauseOnHelp => "Stop the clock right after this happens".into(),
                Say::PausedAt(t, what) => format!("Paused at {t}: {what}"),
            },
            Lang::Zh => match self {
                Say::PauseOn => "暂停于：".into(),
                Say::PauseOnHelp => "发生时立即暂停时钟".into(),
                Say::PausedAt(t, what) => format!("已在 {t} 暂停：{what}"),
            },
        }
    }
}
