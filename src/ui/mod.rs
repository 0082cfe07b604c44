//! The page's function components. Each takes the frame's
//! [`Frame`](crate::model::Frame) and, when it can change something, the
//! root's command callback.

pub mod client;
pub mod cluster;
pub mod console;
pub mod controls;
pub mod deploy;
pub mod downloads;
pub mod events;
pub mod inspector;
pub mod lesson;
pub mod logs;
pub mod open_full;
pub mod partition;
pub mod pause;
pub mod quorum;
pub mod share;

use raft_sim::{MsgKind, NodeId};
use web_sys::{HtmlInputElement, HtmlSelectElement};
use yew::prelude::*;

use crate::i18n::{Key, Lang};

/// The language of the playground this component is in (provided by the
/// root, [`crate::app::App`]); English outside one.
#[hook]
pub fn use_lang() -> Lang {
    use_context::<Lang>().unwrap_or_default()
}

/// A color per term, so that entries and members of one term match.
pub fn term_color(term: u64) -> String {
    // Golden-angle hues keep neighbouring terms apart.
    let hue = (term * 137 + 200) % 360;
    format!("hsl({hue} 65% 55%)")
}

/// The legend family of a message kind (its color) and whether it is a
/// response (drawn hollow).
pub fn kind_class(kind: MsgKind) -> (&'static str, bool) {
    match kind {
        MsgKind::PreVote => ("pre-vote", false),
        MsgKind::PreVoteResp => ("pre-vote", true),
        MsgKind::Vote => ("vote", false),
        MsgKind::VoteResp => ("vote", true),
        MsgKind::Append | MsgKind::Propose => ("append", false),
        MsgKind::AppendResp => ("append", true),
        MsgKind::Heartbeat => ("heartbeat", false),
        MsgKind::HeartbeatResp => ("heartbeat", true),
        MsgKind::Snapshot => ("snapshot", false),
        MsgKind::ReadIndex => ("read-index", false),
        MsgKind::ReadIndexResp => ("read-index", true),
        MsgKind::TimeoutNow | MsgKind::TransferLeader | MsgKind::Other => ("other", false),
    }
}

/// Message kinds grouped for the legend: (class, label).
pub const LEGEND: [(&str, Key); 7] = [
    ("pre-vote", Key::LegendPreVote),
    ("vote", Key::LegendVote),
    ("append", Key::LegendAppend),
    ("heartbeat", Key::LegendHeartbeat),
    ("snapshot", Key::LegendSnapshot),
    ("read-index", Key::LegendReadIndex),
    ("other", Key::LegendOther),
];

/// "n3".
pub fn node(id: NodeId) -> String {
    format!("n{id}")
}

/// What separates the items of a list of members: "n1, n2" or "n1、n2".
pub fn list_sep(lang: Lang) -> &'static str {
    match lang {
        Lang::En => ", ",
        Lang::Zh => "、",
    }
}

/// A log entry's words (`MemberView`'s `what`) in `lang`, as the core
/// says them.
pub use raft_sim::member::entry_words;

/// Longest run of characters left without a place to break a line.
const LONGEST_UNBROKEN: usize = 20;

/// `text` cut where a line may break: after each `/` (keys are paths) and
/// inside runs longer than [`LONGEST_UNBROKEN`] (a value of a thousand
/// x's). Table cells break only there or at spaces, never inside a word.
pub fn break_points(text: &str) -> Vec<String> {
    let mut parts = vec![String::new()];
    let mut run = 0;
    for c in text.chars() {
        let last = parts.last_mut().expect("parts starts non-empty");
        last.push(c);
        run = if c.is_whitespace() { 0 } else { run + 1 };
        if c == '/' || run >= LONGEST_UNBROKEN {
            parts.push(String::new());
            run = 0;
        }
    }
    parts.retain(|p| !p.is_empty());
    parts
}

/// `text` with a `<wbr>` at each of its [`break_points`].
pub fn breakable(text: &str) -> Html {
    let parts = break_points(text);
    let last = parts.len().saturating_sub(1);
    html! {
        { for parts.into_iter().enumerate().map(|(i, p)| html! {
            <>{ p }if i < last { <wbr /> }</>
        }) }
    }
}

/// Virtual time as seconds with milliseconds, "12.345 s".
pub fn time(ms: u64) -> String {
    format!("{}.{:03} s", ms / 1000, ms % 1000)
}

/// The value of the input or select an event came from.
pub fn value_of(e: &Event) -> String {
    if let Some(i) = e.target_dyn_into::<HtmlInputElement>() {
        return i.value();
    }
    if let Some(s) = e.target_dyn_into::<HtmlSelectElement>() {
        return s.value();
    }
    String::new()
}

/// The checked state of the checkbox an event came from.
pub fn checked_of(e: &Event) -> bool {
    e.target_dyn_into::<HtmlInputElement>()
        .is_some_and(|i| i.checked())
}

/// Enter or space on a focusable SVG element acts as a click.
pub fn on_activate(cb: Callback<()>) -> Callback<KeyboardEvent> {
    Callback::from(move |e: KeyboardEvent| {
        if e.key() == "Enter" || e.key() == " " {
            e.prevent_default();
            cb.emit(());
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lines_break_after_slashes_and_inside_long_runs_only() {
        assert_eq!(break_points("Running"), ["Running"]);
        assert_eq!(break_points("n3"), ["n3"]);
        assert_eq!(
            break_points("/registry/pods/web-0"),
            ["/", "registry/", "pods/", "web-0"]
        );
        let long = "x".repeat(45);
        let parts = break_points(&long);
        assert_eq!(parts.len(), 3);
        assert!(parts.iter().all(|p| p.chars().count() <= LONGEST_UNBROKEN));
        assert_eq!(parts.concat(), long);
        // Words between spaces are never cut.
        assert_eq!(break_points("put /a = Running"), ["put /", "a = Running"]);
        assert!(break_points("").is_empty());
    }
}
