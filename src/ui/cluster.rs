//! The cluster drawing: members on a ring, the links between them, and every
//! message in flight at its place between send and delivery.

use std::rc::Rc;

use raft_sim::view::{MemberView, MessageView};
use raft_sim::{NodeId, Role};
use yew::prelude::*;

use super::inspector::Selection;
use super::{kind_class, node, on_activate, term_color, LEGEND};
use crate::sim::{Snapshot, GHOST_MS};

const SIZE: f64 = 400.0;
const CENTER: f64 = SIZE / 2.0;
const RING: f64 = 140.0;
const NODE_R: f64 = 31.0;
const TIMER_R: f64 = 36.0;

/// Properties of [`ClusterView`].
#[derive(Clone, PartialEq, Properties)]
pub struct ClusterViewProps {
    /// The frame.
    pub snapshot: Rc<Snapshot>,
    /// What is selected.
    pub selection: Selection,
    /// Select something.
    pub select: Callback<Selection>,
    /// Draw messages still, at the middle of their link.
    pub reduced_motion: bool,
}

/// Where each drawn member sits.
pub fn layout(members: &[&MemberView]) -> Vec<(NodeId, f64, f64)> {
    let n = members.len().max(1) as f64;
    members
        .iter()
        .enumerate()
        .map(|(i, m)| {
            let a = std::f64::consts::TAU * i as f64 / n - std::f64::consts::FRAC_PI_2;
            let r = if members.len() == 1 { 0.0 } else { RING };
            (m.id, CENTER + r * a.cos(), CENTER + r * a.sin())
        })
        .collect()
}

/// The SVG cluster view.
#[component]
pub fn ClusterView(props: &ClusterViewProps) -> Html {
    let view = &props.snapshot.view;
    let drawn: Vec<&MemberView> = view
        .members
        .iter()
        .filter(|m| m.role != Role::Removed)
        .collect();
    let pos = layout(&drawn);
    let at = |id: NodeId| pos.iter().find(|p| p.0 == id).map(|p| (p.1, p.2));
    let cut = |a: NodeId, b: NodeId| view.cut_links.contains(&(a, b));

    let mut links = Vec::new();
    for (i, a) in pos.iter().enumerate() {
        for b in &pos[i + 1..] {
            let (ab, ba) = (cut(a.0, b.0), cut(b.0, a.0));
            let state = match (ab, ba) {
                (false, false) => "up",
                (true, true) => "cut",
                _ => "oneway",
            };
            let selected = props.selection == Selection::Link(a.0, b.0);
            let select = {
                let cb = props.select.clone();
                let (x, y) = (a.0, b.0);
                Callback::from(move |()| cb.emit(Selection::Link(x, y)))
            };
            let click = select.reform(|_: MouseEvent| ());
            let label = format!(
                "link {} – {}: {}",
                node(a.0),
                node(b.0),
                match state {
                    "up" => "up".to_string(),
                    "cut" => "cut both ways".to_string(),
                    _ if ab => format!("{} cannot reach {}", node(a.0), node(b.0)),
                    _ => format!("{} cannot reach {}", node(b.0), node(a.0)),
                }
            );
            // A one-way cut is marked with a cross near the receiver that
            // hears nothing.
            let blocked_end = match (ab, ba) {
                (true, false) => Some(lerp((a.1, a.2), (b.1, b.2), 0.75)),
                (false, true) => Some(lerp((a.1, a.2), (b.1, b.2), 0.25)),
                _ => None,
            };
            links.push(html! {
                <g class={classes!("link", state, selected.then_some("selected"))}
                    tabindex="0" role="button" aria-label={label.clone()}
                    data-link={format!("{}-{}", a.0, b.0)}
                    onclick={click} onkeydown={on_activate(select)}>
                    <title>{ label }</title>
                    <line class="hit" x1={f(a.1)} y1={f(a.2)} x2={f(b.1)} y2={f(b.2)} />
                    <line class="wire" x1={f(a.1)} y1={f(a.2)} x2={f(b.1)} y2={f(b.2)} />
                    if let Some((x, y)) = blocked_end {
                        <text class="blocked" x={f(x)} y={f(y + 5.0)} text-anchor="middle">{ "✕" }</text>
                    }
                </g>
            });
        }
    }

    let messages = view.messages.iter().filter_map(|m| {
        let (from, to) = (at(m.from)?, at(m.to)?);
        Some(message(m, from, to, view.time, props))
    });

    let ghosts = props.snapshot.ghosts.iter().filter_map(|g| {
        let (from, to) = (at(g.from)?, at(g.to)?);
        let (x, y) = along(from, to, 0.85);
        let age = view.time.saturating_sub(g.at) as f64 / GHOST_MS as f64;
        let (family, _) = kind_class(g.kind);
        Some(html! {
            <text class={classes!("ghost", family)} x={f(x)} y={f(y + 5.0)}
                text-anchor="middle" opacity={format!("{:.2}", (1.0 - age).clamp(0.0, 1.0))}>
                { "✕" }
            </text>
        })
    });

    let members = drawn
        .iter()
        .zip(&pos)
        .map(|(m, &(_, x, y))| member(m, x, y, view.leader == Some(m.id), props));

    html! {
        <figure class="cluster">
            <svg viewBox={format!("0 0 {SIZE} {SIZE}")} role="group"
                aria-label="Cluster members, links and messages in flight">
                <g class="links">{ for links }</g>
                <g class="ghosts">{ for ghosts }</g>
                <g class="members">{ for members }</g>
                <g class="messages">{ for messages }</g>
            </svg>
            <figcaption class="legend">
                { for LEGEND.iter().map(|(class, label)| html! {
                    <span class="key"><svg viewBox="0 0 12 12" aria-hidden="true">
                        <circle class={classes!("msg", *class)} cx="6" cy="6" r="4.5" />
                    </svg>{ *label }</span>
                }) }
                <span class="key"><svg viewBox="0 0 12 12" aria-hidden="true">
                    <circle class="msg append resp" cx="6" cy="6" r="4" />
                </svg>{ "hollow: response" }</span>
                <span class="key lost-key">{ "✕ lost" }</span>
            </figcaption>
        </figure>
    }
}

fn member(m: &MemberView, x: f64, y: f64, leader: bool, props: &ClusterViewProps) -> Html {
    let role = m.role.as_str();
    let selected = props.selection == Selection::Member(m.id);
    let select = {
        let cb = props.select.clone();
        let id = m.id;
        Callback::from(move |()| cb.emit(Selection::Member(id)))
    };
    let click = select.reform(|_: MouseEvent| ());
    let timer = matches!(
        m.role,
        Role::Follower | Role::Candidate | Role::PreCandidate | Role::Learner
    ) && m.election_timeout > 0;
    let circumference = std::f64::consts::TAU * TIMER_R;
    let left = 1.0 - (m.election_elapsed as f64 / m.election_timeout.max(1) as f64).min(1.0);
    let label = format!(
        "{}: {role}, term {}, commit {}, applied {}{}",
        node(m.id),
        m.term,
        m.commit,
        m.applied,
        if m.voter { "" } else { ", not a voter" }
    );
    html! {
        <g class={classes!("member", role, selected.then_some("selected"), leader.then_some("is-leader"))}
            data-node-id={m.id.to_string()} data-role={role} data-term={m.term.to_string()}
            transform={format!("translate({} {})", f(x), f(y))}
            tabindex="0" role="button" aria-label={label.clone()}
            onclick={click} onkeydown={on_activate(select)}>
            <title>{ label }</title>
            <circle class="body" r={f(NODE_R)} style={format!("--term: {}", term_color(m.term))} />
            if timer {
                <circle class="timer" r={f(TIMER_R)} transform="rotate(-90)"
                    stroke-dasharray={format!("{:.1} {:.1}", left * circumference, circumference)} />
            }
            <text class="name" y="-9" text-anchor="middle">{ node(m.id) }</text>
            <text class="role" y="4" text-anchor="middle">{ role }</text>
            <text class="nums" y="15" text-anchor="middle">{ format!("T{}", m.term) }</text>
            <text class="nums" y="25" text-anchor="middle">{ format!("c{} a{}", m.commit, m.applied) }</text>
        </g>
    }
}

fn message(
    m: &MessageView,
    from: (f64, f64),
    to: (f64, f64),
    now: u64,
    props: &ClusterViewProps,
) -> Html {
    let span = m.deliver_at.saturating_sub(m.sent_at).max(1) as f64;
    let progress = if m.held || props.reduced_motion {
        0.5
    } else {
        (now.saturating_sub(m.sent_at) as f64 / span).clamp(0.0, 1.0)
    };
    let (x, y) = along(from, to, progress);
    let (family, resp) = kind_class(m.kind);
    let selected = matches!(&props.selection, Selection::Message(s) if s.id == m.id);
    let select = {
        let cb = props.select.clone();
        let msg = m.clone();
        Callback::from(move |()| cb.emit(Selection::Message(msg.clone())))
    };
    let click = select.reform(|e: MouseEvent| e.stop_propagation());
    let label = format!(
        "{} {} → {} term {}",
        m.kind.raft_name(),
        node(m.from),
        node(m.to),
        m.term
    );
    html! {
        <g class={classes!("msg-g", selected.then_some("selected"))}
            transform={format!("translate({} {})", f(x), f(y))}
            data-msg-id={m.id.to_string()} onclick={click} onkeydown={on_activate(select)}
            tabindex="-1" role="button" aria-label={label.clone()}>
            <title>{ label }</title>
            <circle class="hit" r="9" />
            <circle class={classes!("msg", family, resp.then_some("resp"), m.lost.then_some("lost"), m.held.then_some("held"))} r="5" />
            if m.lost { <text class="lost-mark" y="3.5" text-anchor="middle">{ "✕" }</text> }
        </g>
    }
}

/// A point `t` of the way from member `a` to member `b`, between their
/// edges, shifted to the right of the direction of travel so that the two
/// directions of one link do not overlap.
fn along(a: (f64, f64), b: (f64, f64), t: f64) -> (f64, f64) {
    let (dx, dy) = (b.0 - a.0, b.1 - a.1);
    let len = (dx * dx + dy * dy).sqrt().max(1.0);
    let (ux, uy) = (dx / len, dy / len);
    let start = (a.0 + ux * NODE_R, a.1 + uy * NODE_R);
    let end = (b.0 - ux * NODE_R, b.1 - uy * NODE_R);
    let (x, y) = lerp(start, end, t);
    (x - uy * 5.0, y + ux * 5.0)
}

fn lerp(a: (f64, f64), b: (f64, f64), t: f64) -> (f64, f64) {
    (a.0 + (b.0 - a.0) * t, a.1 + (b.1 - a.1) * t)
}

fn f(v: f64) -> String {
    format!("{v:.1}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn messages_move_from_sender_edge_to_receiver_edge() {
        let (a, b) = ((0.0, 0.0), (100.0, 0.0));
        let start = along(a, b, 0.0);
        let end = along(a, b, 1.0);
        assert!((start.0 - NODE_R).abs() < 1e-9);
        assert!((end.0 - (100.0 - NODE_R)).abs() < 1e-9);
        // Left to right travel is drawn below the wire; right to left above.
        assert!(start.1 > 0.0);
        assert!(along(b, a, 0.5).1 < 0.0);
    }
}
