//! The logs: a row per member, entries colored by term, with the commit and
//! applied positions marked and the compacted prefix shown as one block.

use raft_sim::Role;
use yew::prelude::*;

use super::{entry_words, node, term_color, use_lang};
use crate::i18n::Key;
use crate::model::FrameRef;

/// Properties of [`LogsPanel`].
#[derive(Clone, PartialEq, Properties)]
pub struct LogsPanelProps {
    /// The frame.
    pub frame: FrameRef,
}

/// The logs panel.
#[component]
pub fn LogsPanel(props: &LogsPanelProps) -> Html {
    let lang = use_lang();
    let t = |k: Key| k.text(lang);
    let view = &props.frame.view;
    html! {
        <section class="panel logs" aria-labelledby="logs-h">
            <h2 id="logs-h">{ t(Key::Logs) }</h2>
            <p class="legend note">
                <span class="entry sample applied">{ t(Key::Applied) }</span>
                <span class="entry sample committed">{ t(Key::Committed) }</span>
                <span class="entry sample uncommitted">{ t(Key::NotCommitted) }</span>
                <span class="entry sample snap">{ t(Key::SnapshotLegend) }</span>
                { t(Key::LogsNote) }
            </p>
            <div class="rows">
            { for view.members.iter().filter(|m| m.role != Role::Removed).map(|m| {
                let down = m.role == Role::Down;
                let first = m.log.first().map(|e| e.index);
                let gap = first.is_some_and(|f| f > m.snapshot_index + 1);
                html! {
                    <div class={classes!("row", m.role.as_str())} data-log-node={m.id.to_string()}
                        data-commit={m.commit.to_string()} data-last={m.last_index.to_string()}>
                        <span class="who">{ node(m.id) }<small>{ m.role.name(lang) }</small></span>
                        <div class="entries">
                            if down {
                                <span class="down-note">{ t(Key::DownDisk(m.last_index, m.commit)) }</span>
                            } else {
                                // Newest first in the DOM; the row is laid out
                                // right to left so that the newest entry is in
                                // view and older ones scroll in from the left.
                                { for m.log.iter().rev().map(|e| {
                                    let (state, said) = if e.index <= m.applied { ("applied", Key::Applied) }
                                        else if e.index <= m.commit { ("committed", Key::Committed) } else { ("uncommitted", Key::NotCommitted) };
                                    let what = entry_words(&e.what, lang);
                                    let why = (state == "uncommitted").then(|| props.frame.pending.iter()
                                        .find(|p| p.leader == m.id && p.index == e.index)
                                        .and_then(|p| p.wait.as_ref()))
                                        .flatten()
                                        .map(|w| format!("\n{}", w.describe(lang)))
                                        .unwrap_or_default();
                                    html! {
                                        <span key={e.index} class={classes!("entry", state, (e.index == m.commit).then_some("commit-mark"))}
                                            style={format!("--term: {}", term_color(e.term))}
                                            title={t(Key::EntryTitle(e.index, e.term, what.clone(), Box::new(said))) + &why}>
                                            <b>{ e.index }</b><i>{ what }</i>
                                        </span>
                                    }
                                }) }
                                if gap { <span class="gap" title={t(Key::OlderNotShown)}>{ "…" }</span> }
                                if m.snapshot_index > 0 {
                                    <span class="entry snap" title={t(Key::SnapTitle(m.snapshot_index))}>
                                        { t(Key::SnapBlock(m.snapshot_index)) }</span>
                                }
                            }
                        </div>
                    </div>
                }
            }) }
            </div>
        </section>
    }
}
