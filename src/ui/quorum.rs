//! The quorum panel: how many voters, how many make a quorum, how many may
//! fail, and, when no quorum can form, what is stuck waiting.

use raft_sim::view::QuorumView;
use raft_sim::{MemberChange, NodeId};
use yew::prelude::*;

use super::{entry_words, list_sep, node, use_lang};

use crate::i18n::{Key, Lang};

use crate::model::{membership, Cmd, ErrorAt, FrameRef};

/// Properties of [`QuorumPanel`].
#[derive(Clone, PartialEq, Properties)]
pub struct QuorumPanelProps {
    /// The frame.
    pub frame: FrameRef,
    /// Commands.
    pub dispatch: Callback<Cmd>,
}

fn names(ids: &[u64], lang: Lang) -> String {
    if ids.is_empty() {
        return Key::Nobody.text(lang);
    }
    ids.iter()
        .map(|&i| node(i))
        .collect::<Vec<_>>()
        .join(list_sep(lang))
}

/// How many voters the leader reaches, as a count out of all voters
/// ("5 of 5"), or a dash without a leader.
pub fn reach_text(q: &QuorumView, leader: Option<NodeId>, lang: Lang) -> String {
    match leader {
        Some(_) => Key::ReachOf(q.leader_reaches, q.voters).text(lang),
        None => "—".into(),
    }
}

/// The verdict under the numbers, when a quorum is available: whether
/// writes can commit now or what must happen first.
pub fn available_text(q: &QuorumView, leader: Option<NodeId>) -> Key {
    match leader {
        Some(l) if q.leader_reaches >= q.quorum => {
            Key::QuorumOk(l, q.leader_reaches, q.voters, q.quorum)
        }
        Some(l) => Key::QuorumFar(l, q.leader_reaches, q.voters, q.quorum),
        None => Key::QuorumNoLeader(q.quorum, q.voters),
    }
}

/// The quorum panel. `data-quorum` is `ok` while some voter reaches a
/// quorum (writes can commit) and `lost` otherwise.
#[component]
pub fn QuorumPanel(props: &QuorumPanelProps) -> Html {
    let lang = use_lang();
    let t = |k: Key| k.text(lang);
    let frame = &props.frame;
    let q = &frame.view.quorum;
    let state = if q.available { "ok" } else { "lost" };
    let partitioned = frame.sides.len() > 1;
    let add = |change: MemberChange, label: fn(NodeId) -> Key| match &frame.next_member {
        Ok(id) => {
            let (d, id) = (props.dispatch.clone(), *id);
            let onclick = Callback::from(move |_: MouseEvent| {
                d.emit(Cmd::Act(ErrorAt::Membership, membership(change, id)))
            });
            html! { <button type="button" class="small" {onclick}>{ t(label(id)) }</button> }
        }
        Err(_) => html! {},
    };
    let membership_error = match &frame.error {
        Some((ErrorAt::Membership, e)) => {
            html! { <p class="error" role="alert">{ t(e.clone()) }</p> }
        }
        _ => match &frame.next_member {
            Err(e) => html! { <p class="note">{ e.text(lang) }</p> },
            Ok(_) => html! {},
        },
    };
    html! {
        <section class={classes!("panel", "quorum", state)} data-quorum={state} aria-labelledby="quorum-h">
            <h2 id="quorum-h">{ t(Key::Quorum) }</h2>
            <dl class="numbers">
                <div><dt>{ t(Key::VotersN) }</dt><dd data-q="voters">{ q.voters }</dd></div>
                <div><dt>{ t(Key::QuorumFormula) }</dt><dd data-q="quorum">{ q.quorum }</dd></div>
                <div><dt>{ t(Key::Tolerates) }</dt><dd data-q="tolerance">{ q.tolerance }</dd></div>
                <div><dt>{ t(Key::LeaderReaches) }</dt><dd data-q="reaches">{ reach_text(q, frame.view.leader, lang) }</dd></div>
            </dl>
            if q.available {
                <p class="verdict ok">{ t(available_text(q, frame.view.leader)) }</p>
            } else {
                <p class="verdict lost" role="alert"><strong>{ t(Key::QuorumLost) }</strong>
                    { t(Key::QuorumLostWhy(q.quorum, q.voters)) }</p>
            }
            if partitioned || !q.available {
                <ul class="sides" aria-label={t(Key::SidesLabel)}>
                    { for frame.sides.iter().map(|s| {
                        let state = if s.has_quorum { "ok" } else { "lost" };
                        let leaders = s.leaders.iter().map(|&(l, term)| t(Key::LeaderInTerm(l, term))).collect::<Vec<_>>().join(list_sep(lang));
                        html! {
                            <li class={classes!("net-side", state)} data-side-quorum={state}
                                data-side={s.members.iter().map(u64::to_string).collect::<Vec<_>>().join(",")}>
                                <strong>{ names(&s.members, lang) }</strong>
                                { t(Key::SideVoters(s.voters, s.has_quorum)) }
                                if !leaders.is_empty() {
                                    { t(Key::SideLeaders(leaders)) }
                                    if !s.has_quorum { <em>{ t(frame.stale_leader_note()) }</em> }
                                }
                            </li>
                        }
                    }) }
                </ul>
            }
            if !frame.pending.is_empty() {
                <h3>{ t(Key::Uncommitted) }</h3>
                <ul class="pending">
                    { for frame.pending.iter().take(5).map(|p| html! {
                        <li>
                            { t(Key::PendingEntry(p.index, p.term, p.leader, entry_words(&p.what, lang), p.retries, names(&p.acked, lang))) }
                            <strong>{ match &p.wait {
                                Some(w) => w.describe(lang),
                                None => t(Key::PendingWaits(names(&p.missing, lang), p.needed, p.acked.len() + p.missing.len())),
                            } }</strong>
                        </li>
                    }) }
                    if frame.pending.len() > 5 { <li>{ t(Key::AndMore(frame.pending.len() - 5)) }</li> }
                </ul>
            }
            <div class="membership" role="group" aria-label={t(Key::MembershipGroup)}>
                <span class="note">{ t(Key::MembershipLabel) }</span>
                { add(MemberChange::AddVoter, Key::AddVoter) }
                { add(MemberChange::AddLearner, Key::AddLearner) }
                <span class="note">{ t(Key::MembershipHint) }</span>
            </div>
            { membership_error }
            if frame.waiting_requests > 0 {
                <p class="note">{ t(Key::WaitingRequests(frame.waiting_requests)) }</p>
            }
        </section>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn five(reaches: usize) -> QuorumView {
        QuorumView {
            voters: 5,
            quorum: 3,
            tolerance: 2,
            leader_reaches: reaches,
            available: true,
        }
    }

    #[test]
    fn reach_reads_as_a_count_of_voters_not_a_fraction() {
        assert_eq!(reach_text(&five(5), Some(2), Lang::En), "5 of 5");
        assert_eq!(reach_text(&five(0), None, Lang::En), "—");
        let text = available_text(&five(5), Some(2)).text(Lang::En);
        assert!(
            text.contains("the leader n2 reaches 5 of 5 voters; quorum is 3"),
            "{text}"
        );
    }

    #[test]
    fn no_leader_means_an_election_comes_before_writes() {
        let text = available_text(&five(0), None).text(Lang::En);
        assert!(text.contains("no leader"), "{text}");
        assert!(text.contains("election is needed first"), "{text}");
        // A leader cut off from the majority cannot commit either.
        let text = available_text(&five(2), Some(1)).text(Lang::En);
        assert!(text.contains("reaches only 2 of 5"), "{text}");
        assert!(!text.contains("so writes can commit"), "{text}");
    }
}
