//! The cluster drawing: members on a ring, the links between them, and every
//! message in flight at its place between send and delivery.

use std::sync::atomic::{AtomicUsize, Ordering};

use raft_sim::view::{MemberView, MessageView};
use raft_sim::{NodeId, Role};
use yew::prelude::*;

use super::inspector::Selection;
use super::{kind_class, node, on_activate, term_color, use_lang, LEGEND};
use crate::i18n::{Key, Lang};
use crate::model::frame::GHOST_MS;
use crate::model::FrameRef;

const SIZE: f64 = 400.0;
const CENTER: f64 = SIZE / 2.0;
/// A member's radius when there is room; the labels are designed for it.
const MAX_NODE_R: f64 = 44.0;
/// Below this a member's words are too small to read; more members than
/// about fifteen then overlap rather than shrink further.
const MIN_NODE_R: f64 = 18.0;
/// The election-timer ring sits this far outside the member's circle.
const TIMER_GAP: f64 = 5.0;
/// Space kept between the timer rings of neighbours.
const MARGIN: f64 = 10.0;
/// Space kept between a timer ring and the edge of the drawing.
const EDGE: f64 = 6.0;
/// Space kept between a label and its circle, on each side.
const LABEL_PAD: f64 = 3.0;

/// Properties of [`ClusterView`].
#[derive(Clone, PartialEq, Properties)]
pub struct ClusterViewProps {
    /// The frame.
    pub frame: FrameRef,
    /// What is selected.
    pub selection: Selection,
    /// Select something.
    pub select: Callback<Selection>,
    /// Draw messages still, at the middle of their link.
    pub reduced_motion: bool,
}

/// How big the ring and the members are for a number of drawn members.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Geometry {
    /// Distance of each member's center from the drawing's center.
    pub ring: f64,
    /// A member's radius.
    pub node_r: f64,
}

impl Geometry {
    /// The largest members that fit: neighbours on the ring stay `MARGIN`
    /// apart (timer rings included) and the ring stays inside the drawing.
    pub fn for_members(n: usize) -> Geometry {
        if n <= 1 {
            return Geometry {
                ring: 0.0,
                node_r: MAX_NODE_R,
            };
        }
        // Neighbours are 2·ring·sin(π/n) apart, and ring = CENTER − r −
        // TIMER_GAP − EDGE; solve for the r at which they are 2(r +
        // TIMER_GAP) + MARGIN apart.
        let s = (std::f64::consts::PI / n as f64).sin();
        let fit =
            (2.0 * s * (CENTER - TIMER_GAP - EDGE) - 2.0 * TIMER_GAP - MARGIN) / (2.0 + 2.0 * s);
        let node_r = fit.clamp(MIN_NODE_R, MAX_NODE_R);
        Geometry {
            ring: CENTER - node_r - TIMER_GAP - EDGE,
            node_r,
        }
    }

    /// The election-timer ring's radius.
    pub fn timer_r(self) -> f64 {
        self.node_r + TIMER_GAP
    }
}

/// Where each drawn member sits.
pub fn layout(members: &[NodeId]) -> Vec<(NodeId, f64, f64)> {
    let n = members.len().max(1) as f64;
    let ring = Geometry::for_members(members.len()).ring;
    members
        .iter()
        .enumerate()
        .map(|(i, &id)| {
            let a = std::f64::consts::TAU * i as f64 / n - std::f64::consts::FRAC_PI_2;
            (id, CENTER + ring * a.cos(), CENTER + ring * a.sin())
        })
        .collect()
}

/// One line of words inside a member's circle.
#[derive(Clone, Debug, PartialEq)]
pub struct Label {
    /// CSS class: `name`, `role` or `nums`.
    pub class: &'static str,
    /// The words.
    pub text: String,
    /// Baseline, relative to the circle's center.
    pub y: f64,
    /// Font size in drawing units.
    pub font: f64,
}

/// Width of a character in ems, on the wide side of common sans-serif
/// fonts (DejaVu Sans digits are 0.64 em), so that an estimate that fits
/// also fits on screen.
const EM_PER_CHAR: f64 = 0.64;
/// The bold name is wider.
const EM_PER_BOLD_CHAR: f64 = 0.72;

/// The largest font size, at most `base`, at which `text` fits on the line
/// with baseline `y` inside a circle of radius `r` (`em`: width of one
/// character in ems).
pub fn fit_font(text: &str, base: f64, y: f64, r: f64, em: f64) -> f64 {
    let ems = text_ems(text, em).max(em);
    let mut font = base;
    // The room depends on the font (a smaller line reaches less far from
    // the center), so shrink a few times until it fits.
    for _ in 0..8 {
        let room = chord(y, font, r) - 2.0 * LABEL_PAD;
        let width = ems * font;
        if width <= room {
            break;
        }
        font *= (room / width).max(0.1);
    }
    font
}

/// Width of `text` in ems, each character `em` wide except CJK ones,
/// which are a full em (跟随者 is three ems; "follower" about five).
pub fn text_ems(text: &str, em: f64) -> f64 {
    text.chars()
        .map(|c| {
            if crate::i18n::has_cjk(c.encode_utf8(&mut [0; 4])) {
                1.0
            } else {
                em
            }
        })
        .sum()
}

/// Width of the circle of radius `r` across a line of text of size `font`
/// with baseline `y`, at whichever of its top and bottom is farther from
/// the center.
fn chord(y: f64, font: f64, r: f64) -> f64 {
    let (top, bottom) = (y - 0.75 * font, y + 0.25 * font);
    let d = top.abs().max(bottom.abs()).min(r);
    2.0 * (r * r - d * d).sqrt()
}

/// The words inside a member of radius `r`: name, role, term, and commit
/// and applied index, each shrunk as needed to stay inside the circle.
pub fn labels(m: &MemberView, r: f64, lang: Lang) -> Vec<Label> {
    label_lines(m.id, m.role, m.term, (m.commit, m.applied), r, lang)
}

fn label_lines(
    id: NodeId,
    role: Role,
    term: u64,
    (commit, applied): (u64, u64),
    r: f64,
    lang: Lang,
) -> Vec<Label> {
    let k = r / MAX_NODE_R;
    let line = |class: &'static str, text: String, base: f64, y: f64, em: f64| {
        let (base, y) = (base * k, y * k);
        Label {
            font: fit_font(&text, base, y, r, em),
            class,
            text,
            y,
        }
    };
    vec![
        line("name", node(id), 16.0, -15.0, EM_PER_BOLD_CHAR),
        line("role", role.name(lang).to_string(), 11.0, 0.0, EM_PER_CHAR),
        line("nums", format!("T{term}"), 10.0, 13.0, EM_PER_CHAR),
        line(
            "nums",
            format!("c{commit} a{applied}"),
            10.0,
            25.0,
            EM_PER_CHAR,
        ),
    ]
}

/// The area links may be drawn in: the whole drawing minus a disc around
/// each member (an even-odd path). Links that pass a member on the ring
/// go under it, as if drawn first, though members come first in the DOM.
/// A clip also keeps those parts of a link from taking a member's clicks.
pub fn links_clip(pos: &[(NodeId, f64, f64)], r: f64) -> String {
    let mut d = format!("M0 0H{SIZE}V{SIZE}H0Z");
    for &(_, x, y) in pos {
        d.push_str(&format!(
            "M{} {}a{r:.1} {r:.1} 0 1 0 {:.1} 0a{r:.1} {r:.1} 0 1 0 {:.1} 0Z",
            f(x - r),
            f(y),
            2.0 * r,
            -2.0 * r
        ));
    }
    d
}

/// Gives each drawing its own clip-path id (a page may hold several).
static NEXT_CLIP: AtomicUsize = AtomicUsize::new(0);

/// The SVG cluster view.
#[component]
pub fn ClusterView(props: &ClusterViewProps) -> Html {
    let lang = use_lang();
    let t = |k: Key| k.text(lang);
    let view = &props.frame.view;
    let drawn: Vec<&MemberView> = view
        .members
        .iter()
        .filter(|m| m.role != Role::Removed)
        .collect();
    let pos = layout(&drawn.iter().map(|m| m.id).collect::<Vec<_>>());
    let geo = Geometry::for_members(drawn.len());
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
            let label = t(match state {
                "up" => Key::LinkUp(a.0, b.0),
                "cut" => Key::LinkCut(a.0, b.0),
                _ if ab => Key::LinkOneWay(a.0, b.0, a.0, b.0),
                _ => Key::LinkOneWay(a.0, b.0, b.0, a.0),
            });
            // A one-way cut is marked with a cross near the receiver that
            // hears nothing.
            // Wires run between the timer rings, so that no link lies under
            // a member: members come first in the DOM (and in the Tab
            // order) yet nothing of a link is drawn over one.
            let (ea, eb) = edges((a.1, a.2), (b.1, b.2), geo.timer_r() + 2.0);
            let blocked_end = match (ab, ba) {
                (true, false) => Some(lerp(ea, eb, 0.8)),
                (false, true) => Some(lerp(ea, eb, 0.2)),
                _ => None,
            };
            links.push(html! {
                <g class={classes!("link", state, selected.then_some("selected"))}
                    tabindex="0" role="button" aria-label={label.clone()}
                    data-link={format!("{}-{}", a.0, b.0)}
                    onclick={click} onkeydown={on_activate(select)}>
                    <title>{ label }</title>
                    <line class="hit" x1={f(ea.0)} y1={f(ea.1)} x2={f(eb.0)} y2={f(eb.1)} />
                    <line class="wire" x1={f(ea.0)} y1={f(ea.1)} x2={f(eb.0)} y2={f(eb.1)} />
                    if let Some((x, y)) = blocked_end {
                        <text class="blocked" x={f(x)} y={f(y + 5.0)} text-anchor="middle">{ "✕" }</text>
                    }
                </g>
            });
        }
    }

    let messages = view.messages.iter().filter_map(|m| {
        let (from, to) = (at(m.from)?, at(m.to)?);
        Some(message(m, from, to, geo, view.time, props, lang))
    });

    let ghosts = props.frame.ghosts.iter().filter_map(|g| {
        let (from, to) = (at(g.from)?, at(g.to)?);
        let (x, y) = along(from, to, 0.85, geo.node_r);
        let age = view.time.saturating_sub(g.at) as f64 / GHOST_MS as f64;
        let (family, _) = kind_class(g.kind);
        Some(html! {
            <text class={classes!("ghost", family)} x={f(x)} y={f(y + 5.0)}
                text-anchor="middle" opacity={format!("{:.2}", (1.0 - age).clamp(0.0, 1.0))}>
                { "✕" }
            </text>
        })
    });

    let clip_id = use_state(|| format!("links-clip-{}", NEXT_CLIP.fetch_add(1, Ordering::Relaxed)));
    let clip = links_clip(&pos, geo.timer_r() + 1.5);

    let members = drawn
        .iter()
        .zip(&pos)
        .map(|(m, &(_, x, y))| member(m, (x, y), geo, view.leader == Some(m.id), props, lang));

    // Escape on the selected member, link or message closes its card.
    let escape = {
        let (select, open) = (props.select.clone(), props.selection != Selection::None);
        Callback::from(move |e: KeyboardEvent| {
            if open && e.key() == "Escape" {
                select.emit(Selection::None)
            }
        })
    };

    html! {
        <figure class="cluster">
            <svg viewBox={format!("0 0 {SIZE} {SIZE}")} role="group"
                aria-label={t(Key::DrawingLabel)} onkeydown={escape}>
                // Members first: Tab reaches them before the links.
                <g class="members">{ for members }</g>
                <defs><clipPath id={(*clip_id).clone()}>
                    <path d={clip} clip-rule="evenodd" />
                </clipPath></defs>
                <g class="links" clip-path={format!("url(#{})", *clip_id)}>{ for links }</g>
                <g class="ghosts">{ for ghosts }</g>
                <g class="messages">{ for messages }</g>
            </svg>
            <figcaption class="legend">
                { for LEGEND.iter().map(|(class, label)| html! {
                    <span class="key"><svg viewBox="0 0 12 12" aria-hidden="true">
                        <circle class={classes!("msg", *class)} cx="6" cy="6" r="4.5" />
                    </svg>{ t(label.clone()) }</span>
                }) }
                <span class="key"><svg viewBox="0 0 12 12" aria-hidden="true">
                    <circle class="msg append resp" cx="6" cy="6" r="4" />
                </svg>{ t(Key::HollowResponse) }</span>
                <span class="key lost-key">{ t(Key::LostMark) }</span>
            </figcaption>
        </figure>
    }
}

fn member(
    m: &MemberView,
    (x, y): (f64, f64),
    geo: Geometry,
    leader: bool,
    props: &ClusterViewProps,
    lang: Lang,
) -> Html {
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
    let circumference = std::f64::consts::TAU * geo.timer_r();
    let left = 1.0 - (m.election_elapsed as f64 / m.election_timeout.max(1) as f64).min(1.0);
    let label = Key::MemberLabel(
        m.id,
        m.role.name(lang).into(),
        m.term,
        m.commit,
        m.applied,
        m.voter,
    )
    .text(lang);
    html! {
        <g class={classes!("member", role, selected.then_some("selected"), leader.then_some("is-leader"))}
            data-node-id={m.id.to_string()} data-role={role} data-term={m.term.to_string()}
            transform={format!("translate({} {})", f(x), f(y))}
            tabindex="0" role="button" aria-label={label.clone()}
            onclick={click} onkeydown={on_activate(select)}>
            <title>{ label }</title>
            <circle class="body" r={f(geo.node_r)} style={format!("--term: {}", term_color(m.term))} />
            if timer {
                <circle class="timer" r={f(geo.timer_r())} transform="rotate(-90)"
                    stroke-dasharray={format!("{:.1} {:.1}", left * circumference, circumference)} />
            }
            { for labels(m, geo.node_r, lang).into_iter().map(|l| html! {
                <text class={l.class} y={f(l.y)} font-size={f(l.font)} text-anchor="middle">{ l.text }</text>
            }) }
        </g>
    }
}

fn message(
    m: &MessageView,
    from: (f64, f64),
    to: (f64, f64),
    geo: Geometry,
    now: u64,
    props: &ClusterViewProps,
    lang: Lang,
) -> Html {
    let span = m.deliver_at.saturating_sub(m.sent_at).max(1) as f64;
    let progress = if m.held || props.reduced_motion {
        0.5
    } else {
        (now.saturating_sub(m.sent_at) as f64 / span).clamp(0.0, 1.0)
    };
    let (x, y) = along(from, to, progress, geo.node_r);
    let (family, resp) = kind_class(m.kind);
    let selected = matches!(&props.selection, Selection::Message(s) if s.id == m.id);
    let select = {
        let cb = props.select.clone();
        let msg = m.clone();
        Callback::from(move |()| cb.emit(Selection::Message(msg.clone())))
    };
    let click = select.reform(|e: MouseEvent| e.stop_propagation());
    let label = Key::MessageLabel(m.kind.raft_name().into(), m.from, m.to, m.term).text(lang);
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

/// Where the line between the centers `a` and `b` crosses the circles of
/// radius `r` around them.
fn edges(a: (f64, f64), b: (f64, f64), r: f64) -> ((f64, f64), (f64, f64)) {
    let (dx, dy) = (b.0 - a.0, b.1 - a.1);
    let len = (dx * dx + dy * dy).sqrt().max(1.0);
    let (ux, uy) = (dx / len, dy / len);
    ((a.0 + ux * r, a.1 + uy * r), (b.0 - ux * r, b.1 - uy * r))
}

/// A point `t` of the way from member `a` to member `b` (of radius `r`),
/// between their edges, shifted to the right of the direction of travel so
/// that the two directions of one link do not overlap.
fn along(a: (f64, f64), b: (f64, f64), t: f64, r: f64) -> (f64, f64) {
    let (start, end) = edges(a, b, r);
    let (x, y) = lerp(start, end, t);
    let len = ((b.0 - a.0).powi(2) + (b.1 - a.1).powi(2)).sqrt().max(1.0);
    let (ux, uy) = ((b.0 - a.0) / len, (b.1 - a.1) / len);
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
        let r = 30.0;
        let start = along(a, b, 0.0, r);
        let end = along(a, b, 1.0, r);
        assert!((start.0 - r).abs() < 1e-9);
        assert!((end.0 - (100.0 - r)).abs() < 1e-9);
        // Left to right travel is drawn below the wire; right to left above.
        assert!(start.1 > 0.0);
        assert!(along(b, a, 0.5, r).1 < 0.0);
    }

    #[test]
    fn members_never_touch_and_stay_inside_the_drawing() {
        for n in 1..=12 {
            let pos = layout(&(1..=n as NodeId).collect::<Vec<_>>());
            let geo = Geometry::for_members(n);
            // Timer rings included, with a margin between neighbours.
            let outer = geo.timer_r() + 1.5;
            for (i, a) in pos.iter().enumerate() {
                assert!(
                    a.1 - outer >= 0.0 && a.1 + outer <= SIZE,
                    "{n} members: x {}",
                    a.1
                );
                assert!(
                    a.2 - outer >= 0.0 && a.2 + outer <= SIZE,
                    "{n} members: y {}",
                    a.2
                );
                for b in &pos[i + 1..] {
                    let d = ((a.1 - b.1).powi(2) + (a.2 - b.2).powi(2)).sqrt();
                    assert!(
                        d >= 2.0 * outer + 6.0,
                        "{n} members: n{} and n{} are {d:.1} apart, circles {:.1} across",
                        a.0,
                        b.0,
                        2.0 * outer
                    );
                }
            }
        }
        // Members get smaller only when they must.
        assert_eq!(Geometry::for_members(5).node_r, MAX_NODE_R);
        assert!(Geometry::for_members(9).node_r < MAX_NODE_R);
    }

    #[test]
    fn the_links_clip_leaves_out_a_disc_per_member() {
        let pos = layout(&[1, 2, 3]);
        let d = links_clip(&pos, 50.0);
        assert!(d.starts_with("M0 0H400V400H0Z"));
        // One closed disc (two arcs) per member, starting at its left edge.
        assert_eq!(d.matches('Z').count(), 4);
        assert_eq!(d.matches('a').count(), 6);
        assert!(d.contains(&format!("M{} {}a50.0", f(pos[0].1 - 50.0), f(pos[0].2))));
    }

    #[test]
    fn every_label_fits_inside_its_member() {
        let roles = [
            "follower",
            "pre-candidate",
            "candidate",
            "leader",
            "learner",
            "down",
        ];
        for n in 1..=12 {
            let r = Geometry::for_members(n).node_r;
            for (role, lang) in roles.iter().flat_map(|r| Lang::ALL.map(|l| (r, l))) {
                let role = Role::parse(role).unwrap();
                // Large numbers, as after a long run with traffic.
                for l in label_lines(9, role, 123, (12_345, 12_345), r, lang) {
                    let em = if l.class == "name" {
                        EM_PER_BOLD_CHAR
                    } else {
                        EM_PER_CHAR
                    };
                    let width = text_ems(&l.text, em) * l.font;
                    let room = chord(l.y, l.font, r);
                    assert!(
                        width <= room,
                        "{n} members: {:?} is {width:.1} wide, room {room:.1}",
                        l.text
                    );
                    // Still readable: never below 60% of the designed size.
                    assert!(
                        l.font >= 6.0 * r / MAX_NODE_R,
                        "{n} members: {:?} at {:.1}",
                        l.text,
                        l.font
                    );
                }
            }
            // Labels are stacked top to bottom without touching.
            let ls = label_lines(9, Role::PreCandidate, 1, (1, 1), r, Lang::En);
            for w in ls.windows(2) {
                assert!(
                    w[1].y - 0.75 * w[1].font >= w[0].y + 0.2 * w[0].font - 0.5,
                    "{n}: {w:?}"
                );
            }
        }
    }
}
