//! The card under the drawing: what the selected member, message or link
//! is, and what can be done to it.

use raft_sim::view::MessageView;
use raft_sim::{Action, MemberChange, NodeId, Role};
use wasm_bindgen::JsCast;
use yew::prelude::*;

use super::{node, time, use_lang};

use crate::i18n::{Key, Lang};

use crate::model::{membership, Cmd, ErrorAt, Frame, FrameRef};

/// What the user clicked in the drawing.
#[derive(Clone, Debug, PartialEq)]
pub enum Selection {
    /// Nothing.
    None,
    /// A member.
    Member(NodeId),
    /// A message, as it was when clicked (it may have arrived since).
    Message(MessageView),
    /// The link between two members (lower id first).
    Link(NodeId, NodeId),
}

/// Properties of [`Inspector`].
#[derive(Clone, PartialEq, Properties)]
pub struct InspectorProps {
    /// The frame.
    pub frame: FrameRef,
    /// What is selected.
    pub selection: Selection,
    /// Change the selection.
    pub select: Callback<Selection>,
    /// Commands.
    pub dispatch: Callback<Cmd>,
}

fn button(label: String, dispatch: &Callback<Cmd>, action: Action, enabled: bool) -> Html {
    let d = dispatch.clone();
    let onclick =
        Callback::from(move |_: MouseEvent| d.emit(Cmd::Act(ErrorAt::Inspector, action.clone())));
    html! { <button type="button" {onclick} disabled={!enabled}>{ label }</button> }
}

/// Moves the keyboard focus to what `selection` names in the drawing (a
/// message to its link), so that closing the card does not drop the focus
/// to the page's body.
fn focus_in_drawing(card: &NodeRef, selection: &Selection) {
    let selector = match selection {
        Selection::None => return,
        Selection::Member(id) => format!(".cluster [data-node-id='{id}']"),
        Selection::Link(a, b) => format!(".cluster [data-link='{a}-{b}']"),
        Selection::Message(m) => {
            format!(
                ".cluster [data-link='{}-{}']",
                m.from.min(m.to),
                m.from.max(m.to)
            )
        }
    };
    // The drawing beside this card (a page may hold more than one).
    let el = card
        .cast::<web_sys::Element>()
        .and_then(|c| c.parent_element())
        .and_then(|stage| stage.query_selector(&selector).ok().flatten())
        .and_then(|e| e.dyn_into::<web_sys::SvgElement>().ok());
    if let Some(el) = el {
        let _ = el.focus();
    }
}

/// Whether the keyboard focus is nowhere in particular (on the body), or
/// about to be: Chromium moves the focus off a disabled button to the body
/// at its next rendering step. Asked of the card's own root: inside a
/// shadow root (an embedded playground) the document's active element is
/// the host, and the shadow root's is the one that counts (none when the
/// focus fell out of it).
fn focus_lost(card: &NodeRef) -> bool {
    let Some(el) = card.cast::<web_sys::Element>() else {
        return false;
    };
    let active = match el.get_root_node().dyn_into::<web_sys::ShadowRoot>() {
        Ok(shadow) => shadow.active_element(),
        Err(_) => {
            let Some(doc) = web_sys::window().and_then(|w| w.document()) else {
                return false;
            };
            let body = doc.body();
            doc.active_element().filter(|a| {
                body.as_ref()
                    .is_none_or(|b| a != b.unchecked_ref::<web_sys::Element>())
            })
        }
    };
    match active {
        None => true,
        Some(a) => a.matches(":disabled").unwrap_or(false),
    }
}

/// The inspector card.
#[component]
pub fn Inspector(props: &InspectorProps) -> Html {
    let lang = use_lang();
    let t = |k: Key| k.text(lang);
    let frame = &props.frame;
    let card = use_node_ref();
    // Set by the card's buttons: an action can disable the button that was
    // pressed (Crash on a member that is now down) or replace it, and the
    // focus would then fall to the page's body.
    let refocus = use_mut_ref(|| false);
    {
        let (refocus, card) = (refocus.clone(), card.clone());
        use_effect(move || {
            if std::mem::take(&mut *refocus.borrow_mut()) && focus_lost(&card) {
                if let Some(el) = card.cast::<web_sys::HtmlElement>() {
                    let _ = el.focus();
                }
            }
        });
    }
    let dispatch = {
        let (d, refocus) = (props.dispatch.clone(), refocus.clone());
        Callback::from(move |cmd: Cmd| {
            *refocus.borrow_mut() = true;
            d.emit(cmd)
        })
    };
    let select = {
        let (s, refocus) = (props.select.clone(), refocus.clone());
        Callback::from(move |sel: Selection| {
            *refocus.borrow_mut() = true;
            s.emit(sel)
        })
    };
    let close = {
        let (s, selection, card) = (props.select.clone(), props.selection.clone(), card.clone());
        Callback::from(move |_: MouseEvent| {
            focus_in_drawing(&card, &selection);
            s.emit(Selection::None)
        })
    };
    // Escape closes the card, from anywhere inside it.
    let escape = {
        let (s, selection, card) = (props.select.clone(), props.selection.clone(), card.clone());
        Callback::from(move |e: KeyboardEvent| {
            if e.key() == "Escape" {
                e.prevent_default();
                focus_in_drawing(&card, &selection);
                s.emit(Selection::None)
            }
        })
    };
    let error = match &frame.error {
        Some((ErrorAt::Inspector, e)) => {
            html! { <p class="error" role="alert">{ t(e.clone()) }</p> }
        }
        _ => html! {},
    };
    let body = match &props.selection {
        Selection::None => {
            return html! {
                <div class="inspector hint" ref={card}>
                    <p>{ t(Key::InspectHint) }</p>
                </div>
            }
        }
        Selection::Member(id) => member_card(*id, frame, &dispatch, lang),
        Selection::Message(m) => message_card(m, frame, &dispatch, lang),
        Selection::Link(a, b) => link_card(*a, *b, frame, (&dispatch, &select), lang),
    };
    html! {
        <div class="inspector" aria-live="polite" ref={card} tabindex="-1" onkeydown={escape}>
            <button type="button" class="close" aria-label={t(Key::Close)} onclick={close}>{ "×" }</button>
            { body }
            { error }
        </div>
    }
}

/// raft-rs's state of a follower's progress, as the leader's table shows
/// it (`ProgressView::state`).
fn progress_state(state: &str, lang: Lang) -> String {
    let key = match state {
        "probe" => Key::ProgressProbe,
        "replicate" => Key::ProgressReplicate,
        "snapshot" => Key::ProgressSnapshot,
        other => return other.into(),
    };
    key.text(lang)
}

/// Refusals and step-downs a member's card lists.
const WHY_SHOWN: usize = 3;

fn member_card(id: NodeId, frame: &Frame, d: &Callback<Cmd>, lang: Lang) -> Html {
    let t = |k: Key| k.text(lang);
    let Some(m) = frame.view.members.iter().find(|m| m.id == id) else {
        return html! { <p>{ t(Key::Gone(id)) }</p> };
    };
    let up = !matches!(m.role, Role::Down | Role::Removed);
    let removed = m.role == Role::Removed;
    let is_leader = m.role == Role::Leader;
    let replaced = frame
        .replacement
        .map(|(old, new)| t(Key::BeingReplaced(old, new)));
    // Why Raft refused something here lately (votes, appends, proposals,
    // reads) or made it step down, newest first, from the event log.
    let why: Vec<_> = frame
        .events
        .iter()
        .rev()
        .filter(|l| l.why_about(id))
        .take(WHY_SHOWN)
        .collect();
    html! {
        <>
            <h3>{ format!("{} · {}", node(id), m.role.name(lang)) }</h3>
            <dl class="facts">
                <dt>{ t(Key::Term) }</dt><dd>{ m.term }</dd>
                <dt>{ t(Key::VotedFor) }</dt><dd>{ if m.vote == 0 { "—".into() } else { node(m.vote) } }</dd>
                <dt>{ t(Key::Follows) }</dt><dd>{ if m.known_leader == 0 { "—".into() } else { node(m.known_leader) } }</dd>
                <dt>{ t(Key::Log) }</dt><dd>{ t(Key::LogFacts(m.last_index, m.commit, m.applied, m.snapshot_index)) }</dd>
                <dt>{ t(Key::Voter) }</dt><dd>{ if m.voter { t(Key::Yes) } else { t(Key::NoLearner) } }</dd>
                <dt>{ t(Key::Kv) }</dt><dd>{ t(Key::KvFacts(m.kv_keys, m.kv_revision)) }</dd>
            </dl>
            if !m.progress.is_empty() {
                <table class="progress">
                    <caption>{ t(Key::ProgressCaption) }</caption>
                    <thead><tr><th>{ t(Key::ColMember) }</th><th>{ t(Key::ColMatched) }</th><th>{ t(Key::ColNext) }</th><th>{ t(Key::ColState) }</th><th>{ t(Key::ColActive) }</th></tr></thead>
                    <tbody>{ for m.progress.iter().map(|p| html! {
                        <tr><td>{ node(p.node) }</td><td>{ p.matched }</td><td>{ p.next }</td>
                            <td>{ progress_state(&p.state, lang) }</td><td>{ if p.recent_active { t(Key::Yes) } else { t(Key::No) } }</td></tr>
                    }) }</tbody>
                </table>
            }
            if let Some(r) = replaced { <p class="note">{ r }</p> }
            <div class="actions">
                { button(t(Key::Crash), d, Action::Crash { node: id }, up) }
                { button(t(Key::Restart), d, Action::Restart { node: id }, m.role == Role::Down) }
                { button(t(Key::WipeReplace), d, Action::WipeAndRejoin { node: id }, !removed) }
                { button(t(Key::Isolate), d, Action::Isolate { node: id }, !removed) }
                { button(t(Key::TransferHere), d, Action::TransferLeader { to: id }, up && !is_leader) }
                { button(t(Key::CampaignNow), d, Action::Campaign { node: id }, up && !is_leader) }
                { button(t(Key::CompactLog), d, Action::Compact { node: id }, up) }
                if m.voter {
                    { button(t(Key::RemoveMember), d, membership(MemberChange::Remove, id), !removed) }
                } else {
                    { button(t(Key::PromoteVoter), d, membership(MemberChange::AddVoter, id), !removed) }
                }
            </div>
            if m.role == Role::Down {
                <p class="note">{ t(Key::DiskSurvives) }</p>
            }
            if !why.is_empty() {
                <h4>{ t(Key::WhyLately) }</h4>
                <ul class="why">
                    { for why.iter().map(|l| html! {
                        <li><time>{ time(l.time) }</time>{ " " }{ l.text(lang) }</li>
                    }) }
                </ul>
            }
        </>
    }
}

fn message_card(m: &MessageView, frame: &Frame, d: &Callback<Cmd>, lang: Lang) -> Html {
    let t = |k: Key| k.text(lang);
    let live = frame.view.messages.iter().find(|x| x.id == m.id);
    let shown = live.unwrap_or(m);
    let status = t(match live {
        None => Key::ArrivedOrLost,
        Some(x) if x.held => Key::HeldInFlight,
        Some(x) if x.lost => Key::LostAt(time(x.deliver_at)),
        Some(x) => Key::ArrivesAt(time(x.deliver_at)),
    });
    html! {
        <>
            <h3>{ format!("{} #{}", shown.kind.raft_name(), shown.id) }</h3>
            <dl class="facts">
                <dt>{ t(Key::FromTo) }</dt><dd>{ format!("{} → {}", node(shown.from), node(shown.to)) }</dd>
                <dt>{ t(Key::Term) }</dt><dd>{ shown.term }</dd>
                <dt>{ t(Key::Index) }</dt><dd>{ t(Key::IndexLogTerm(shown.index, shown.log_term)) }</dd>
                <dt>{ t(Key::Commit) }</dt><dd>{ shown.commit }</dd>
                <dt>{ t(Key::Entries) }</dt><dd>{ shown.entries }</dd>
                <dt>{ t(Key::Reject) }</dt><dd>{ if shown.reject { t(Key::Yes) } else { t(Key::No) } }</dd>
                <dt>{ t(Key::Sent) }</dt><dd>{ time(shown.sent_at) }</dd>
                <dt>{ t(Key::Status) }</dt><dd>{ status }</dd>
            </dl>
            <div class="actions">
                { button(t(Key::DropIt), d, Action::Drop { msg: m.id }, live.is_some()) }
                { button(t(Key::HoldIt), d, Action::Hold { msg: m.id }, live.is_some_and(|x| !x.held && !x.lost)) }
                { button(t(Key::ReleaseIt), d, Action::Release { msg: m.id }, live.is_some_and(|x| x.held)) }
            </div>
            <p class="note">{ t(Key::PauseTip) }</p>
        </>
    }
}

fn link_card(
    a: NodeId,
    b: NodeId,
    frame: &Frame,
    (d, select): (&Callback<Cmd>, &Callback<Selection>),
    lang: Lang,
) -> Html {
    let t = |k: Key| k.text(lang);
    // The messages on this link, so that they can be reached by keyboard
    // too (the moving dots are for the mouse).
    let on_link: Vec<&MessageView> = frame
        .view
        .messages
        .iter()
        .filter(|m| (m.from, m.to) == (a, b) || (m.from, m.to) == (b, a))
        .collect();
    let cut = |x, y| frame.view.cut_links.contains(&(x, y));
    let dir = |x: NodeId, y: NodeId| t(Key::LinkDirection(x, y, cut(x, y)));
    let cut_one = |x, y| Action::Cut {
        from: x,
        to: y,
        both: false,
    };
    html! {
        <>
            <h3>{ t(Key::LinkTitle(a, b)) }</h3>
            <ul class="dirs"><li>{ dir(a, b) }</li><li>{ dir(b, a) }</li></ul>
            <div class="actions">
                { button(t(Key::CutBoth), d, Action::Cut { from: a, to: b, both: true }, !(cut(a, b) && cut(b, a))) }
                { button(t(Key::CutOneWay(a, b)), d, cut_one(a, b), !cut(a, b)) }
                { button(t(Key::CutOneWay(b, a)), d, cut_one(b, a), !cut(b, a)) }
                { button(t(Key::HealBoth), d, Action::Repair { from: a, to: b, both: true }, cut(a, b) || cut(b, a)) }
            </div>
            <p class="note">{ t(Key::OneWayNote) }</p>
            <h4>{ t(Key::InFlightOnLink(on_link.len())) }</h4>
            <ul class="on-link">
                { for on_link.iter().take(12).map(|m| {
                    let (s, m) = (select.clone(), (*m).clone());
                    let label = t(Key::MessageOnLink(m.kind.raft_name().to_string(), m.from, m.to, m.term, m.lost, m.held));
                    let onclick = Callback::from(move |_: MouseEvent| s.emit(Selection::Message(m.clone())));
                    html! { <li><button type="button" class="small" {onclick}>{ label }</button></li> }
                }) }
            </ul>
        </>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn one_key_is_singular() {
        let kv = |keys, rev| Key::KvFacts(keys, rev).text(Lang::En);
        assert_eq!(kv(1, 4), "1 key, revision 4");
        assert_eq!(kv(0, 1), "0 keys, revision 1");
        assert_eq!(kv(2, 9), "2 keys, revision 9");
    }
}
