//! The etcdctl console: a line to type etcdctl commands into, and the
//! transcript of what etcdctl printed, each answer under the member that
//! served it. ↑ and ↓ recall the lines typed before.

use web_sys::{HtmlElement, KeyboardEvent};
use yew::prelude::*;

use super::{use_lang, value_of};
use crate::i18n::Key;
use crate::model::console::{ConsoleLine, LineKind};
use crate::model::{Cmd, FrameRef};

/// Properties of [`ConsolePanel`].
#[derive(Clone, PartialEq, Properties)]
pub struct ConsolePanelProps {
    /// The frame.
    pub frame: FrameRef,
    /// Commands.
    pub dispatch: Callback<Cmd>,
}

/// Where ↑/↓ is in the typed lines: `None` while editing a new line.
fn recall(typed: &[&str], at: Option<usize>, up: bool) -> Option<usize> {
    let last = typed.len().checked_sub(1)?;
    match (at, up) {
        (None, true) => Some(last),
        (Some(i), true) => Some(i.saturating_sub(1)),
        (Some(i), false) if i < last => Some(i + 1),
        _ => None,
    }
}

/// The console panel.
#[component]
pub fn ConsolePanel(props: &ConsolePanelProps) -> Html {
    let lang = use_lang();
    let t = |k: Key| k.text(lang);
    let input = use_state(String::new);
    let at = use_state(|| None::<usize>);
    let out = use_node_ref();
    let lines = props.frame.console.clone();

    // Keep the newest answer in view as the transcript grows.
    {
        let out = out.clone();
        use_effect_with(lines.len(), move |_| {
            if let Some(el) = out.cast::<HtmlElement>() {
                el.set_scroll_top(el.scroll_height());
            }
        });
    }

    let txn = props.frame.console_txn;
    let typed: Vec<&str> = (lines.iter())
        .filter(|l| l.kind == LineKind::Typed)
        .map(|l| l.text.as_str())
        .collect();
    let onkeydown = {
        let typed: Vec<String> = typed.iter().map(|s| s.to_string()).collect();
        let (input, at) = (input.clone(), at.clone());
        Callback::from(move |e: KeyboardEvent| {
            let up = match e.key().as_str() {
                "ArrowUp" => true,
                "ArrowDown" => false,
                _ => return,
            };
            e.prevent_default();
            let refs: Vec<&str> = typed.iter().map(String::as_str).collect();
            let next = recall(&refs, *at, up);
            input.set(next.map(|i| typed[i].clone()).unwrap_or_default());
            at.set(next);
        })
    };
    let oninput = {
        let (input, at) = (input.clone(), at.clone());
        Callback::from(move |e: InputEvent| {
            input.set(value_of(&e));
            at.set(None);
        })
    };
    let onsubmit = {
        let (input, at, dispatch) = (input.clone(), at.clone(), props.dispatch.clone());
        Callback::from(move |e: SubmitEvent| {
            e.prevent_default();
            // A txn's blank lines end its parts; elsewhere a blank line
            // does nothing.
            if input.trim().is_empty() && !txn {
                return;
            }
            dispatch.emit(Cmd::Console((*input).clone()));
            input.set(String::new());
            at.set(None);
        })
    };

    html! {
        <section class="panel console" aria-labelledby="console-h">
            <h2 id="console-h">{ t(Key::ConsoleTitle) }</h2>
            <p class="note">{ t(Key::ConsoleNote) }</p>
            <div class="console-out" ref={out} role="log" aria-live="polite" id="console-out">
                if lines.is_empty() {
                    <p class="note">{ t(Key::ConsoleEmpty) }</p>
                }
                { for lines.iter().enumerate().map(|(i, l)| {
                    // An answer is named once, above its first line.
                    let named = !typed_line(l) && l.served_by.is_some()
                        && (i == 0 || !same_answer(&lines[i - 1], l));
                    html! { <>
                        if named {
                            <div class="served" data-served-by={l.served_by.map(|n| n.to_string())}>
                                { t(Key::ConsoleServedBy(l.served_by.unwrap_or_default())) }
                            </div>
                        }
                        { line_html(l) }
                    </> }
                }) }
                if props.frame.console_busy {
                    <p class="note waiting">{ t(Key::ConsoleWaiting) }</p>
                }
                if txn {
                    <p class="note txn-hint">{ t(Key::ConsoleTxnHint) }</p>
                }
            </div>
            <form class="console-line" {onsubmit}>
                <label for="console-in" translate="no">{ if txn { ">" } else { "$ etcdctl" } }</label>
                <input id="console-in" type="text" autocomplete="off" spellcheck="false"
                    aria-label={t(Key::ConsoleInput)} value={(*input).clone()} {oninput} {onkeydown} />
                <button type="submit">{ t(Key::ConsoleRun) }</button>
            </form>
        </section>
    }
}

/// Whether the learner typed the line (a command, or a txn's line).
fn typed_line(l: &ConsoleLine) -> bool {
    matches!(l.kind, LineKind::Typed | LineKind::Input)
}

/// Whether two consecutive lines belong to the same answer.
fn same_answer(prev: &ConsoleLine, l: &ConsoleLine) -> bool {
    !typed_line(prev) && prev.served_by == l.served_by && prev.watch == l.watch
}

fn line_html(l: &ConsoleLine) -> Html {
    let class = classes!(
        "cl",
        match l.kind {
            LineKind::Typed => "typed",
            LineKind::Input => "typed input",
            LineKind::Out => "out",
            LineKind::Err => "err",
        },
        l.watch.then_some("from-watch")
    );
    html! {
        // etcdctl's words are program text: not translated.
        <div {class} translate="no">
            if l.kind == LineKind::Typed { <span class="prompt">{ "$ etcdctl " }</span> }
            if l.kind == LineKind::Input { <span class="prompt">{ "> " }</span> }
            { &l.text }
        </div>
    }
}

#[cfg(test)]
mod tests {
    use super::recall;

    #[test]
    fn arrows_walk_the_typed_lines_and_come_back_to_a_new_line() {
        let typed = ["put a 1", "get a", "del a"];
        let up = |at| recall(&typed, at, true);
        let down = |at| recall(&typed, at, false);
        assert_eq!(up(None), Some(2));
        assert_eq!(up(Some(2)), Some(1));
        assert_eq!(up(Some(0)), Some(0), "stays at the oldest");
        assert_eq!(down(Some(1)), Some(2));
        assert_eq!(down(Some(2)), None, "past the newest: a new line");
        assert_eq!(down(None), None);
        assert_eq!(recall(&[], None, true), None);
    }
}
