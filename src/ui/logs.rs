//! The logs: a row per member, entries colored by term, with the commit and
//! applied positions marked and the compacted prefix shown as one block.

use raft_sim::Role;
use yew::prelude::*;

use super::{node, term_color};
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
    let view = &props.frame.view;
    html! {
        <section class="panel logs" aria-labelledby="logs-h">
            <h2 id="logs-h">{ "Logs" }</h2>
            <p class="legend note">
                <span class="entry sample applied">{ "applied" }</span>
                <span class="entry sample committed">{ "committed" }</span>
                <span class="entry sample uncommitted">{ "not committed" }</span>
                <span class="entry sample snap">{ "snapshot" }</span>
                { " Color = term. The thick bar follows the commit index." }
            </p>
            <div class="rows">
            { for view.members.iter().filter(|m| m.role != Role::Removed).map(|m| {
                let down = m.role == Role::Down;
                let first = m.log.first().map(|e| e.index);
                let gap = first.is_some_and(|f| f > m.snapshot_index + 1);
                html! {
                    <div class={classes!("row", m.role.as_str())} data-log-node={m.id.to_string()}
                        data-commit={m.commit.to_string()} data-last={m.last_index.to_string()}>
                        <span class="who">{ node(m.id) }<small>{ m.role.as_str() }</small></span>
                        <div class="entries">
                            if down {
                                <span class="down-note">{ format!("down — disk keeps #{} (commit {})", m.last_index, m.commit) }</span>
                            } else {
                                // Newest first in the DOM; the row is laid out
                                // right to left so that the newest entry is in
                                // view and older ones scroll in from the left.
                                { for m.log.iter().rev().map(|e| {
                                    let state = if e.index <= m.applied { "applied" }
                                        else if e.index <= m.commit { "committed" } else { "uncommitted" };
                                    html! {
                                        <span key={e.index} class={classes!("entry", state, (e.index == m.commit).then_some("commit-mark"))}
                                            style={format!("--term: {}", term_color(e.term))}
                                            title={format!("#{} term {}: {} ({state})", e.index, e.term, e.what)}>
                                            <b>{ e.index }</b><i>{ &e.what }</i>
                                        </span>
                                    }
                                }) }
                                if gap { <span class="gap" title="older entries not shown">{ "…" }</span> }
                                if m.snapshot_index > 0 {
                                    <span class="entry snap" title={format!("entries up to #{} compacted into a snapshot", m.snapshot_index)}>
                                        { format!("snap ≤{}", m.snapshot_index) }</span>
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
