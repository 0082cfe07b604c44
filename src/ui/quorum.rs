//! The quorum panel: how many voters, how many make a quorum, how many may
//! fail, and, when no quorum can form, what is stuck waiting.

use raft_sim::view::QuorumView;
use raft_sim::{MemberChange, NodeId};
use yew::prelude::*;

use super::{count, node};

use crate::model::{membership, Cmd, ErrorAt, FrameRef};

/// Properties of [`QuorumPanel`].
#[derive(Clone, PartialEq, Properties)]
pub struct QuorumPanelProps {
    /// The frame.
    pub frame: FrameRef,
    /// Commands.
    pub dispatch: Callback<Cmd>,
}

fn names(ids: &[u64]) -> String {
    if ids.is_empty() {
        return "nobody".into();
    }
    ids.iter().map(|&i| node(i)).collect::<Vec<_>>().join(", ")
}

/// How many voters the leader reaches, as a count out of all voters
/// ("5 of 5"), or a dash without a leader.
pub fn reach_text(q: &QuorumView, leader: Option<NodeId>) -> String {
    match leader {
        Some(_) => format!("{} of {}", q.leader_reaches, q.voters),
        None => "—".into(),
    }
}

/// The verdict under the numbers, when a quorum is available: whether
/// writes can commit now or what must happen first.
pub fn available_text(q: &QuorumView, leader: Option<NodeId>) -> String {
    match leader {
        Some(l) if q.leader_reaches >= q.quorum => format!(
            "Quorum available: the leader {} reaches {} of {} voters; quorum is {}, so writes can commit.",
            node(l),
            q.leader_reaches,
            q.voters,
            q.quorum
        ),
        Some(l) => format!(
            "Quorum available, but the leader {} reaches only {} of {} voters (quorum is {}): the majority must elect a new leader before writes can commit.",
            node(l),
            q.leader_reaches,
            q.voters,
            q.quorum
        ),
        None => format!(
            "Quorum available, but there is no leader: an election is needed first (quorum is {} of {} voters), then writes can commit.",
            q.quorum, q.voters
        ),
    }
}

/// The quorum panel. `data-quorum` is `ok` while some voter reaches a
/// quorum (writes can commit) and `lost` otherwise.
#[component]
pub fn QuorumPanel(props: &QuorumPanelProps) -> Html {
    let frame = &props.frame;
    let q = &frame.view.quorum;
    let state = if q.available { "ok" } else { "lost" };
    let partitioned = frame.sides.len() > 1;
    let add = |change: MemberChange, label: &str| match &frame.next_member {
        Ok(id) => {
            let (d, id) = (props.dispatch.clone(), *id);
            let onclick = Callback::from(move |_: MouseEvent| {
                d.emit(Cmd::Act(ErrorAt::Membership, membership(change, id)))
            });
            html! { <button type="button" class="small" {onclick}>{ format!("{label} {}", node(id)) }</button> }
        }
        Err(_) => html! {},
    };
    let membership_error = match &frame.error {
        Some((ErrorAt::Membership, e)) => html! { <p class="error" role="alert">{ e }</p> },
        _ => match &frame.next_member {
            Err(e) => html! { <p class="note">{ e }</p> },
            Ok(_) => html! {},
        },
    };
    html! {
        <section class={classes!("panel", "quorum", state)} data-quorum={state} aria-labelledby="quorum-h">
            <h2 id="quorum-h">{ "Quorum" }</h2>
            <dl class="numbers">
                <div><dt>{ "voters n" }</dt><dd data-q="voters">{ q.voters }</dd></div>
                <div><dt>{ "quorum ⌊n/2⌋+1" }</dt><dd data-q="quorum">{ q.quorum }</dd></div>
                <div><dt>{ "tolerates ⌊(n−1)/2⌋" }</dt><dd data-q="tolerance">{ q.tolerance }</dd></div>
                <div><dt>{ "leader reaches" }</dt><dd data-q="reaches">{ reach_text(q, frame.view.leader) }</dd></div>
            </dl>
            if q.available {
                <p class="verdict ok">{ available_text(q, frame.view.leader) }</p>
            } else {
                <p class="verdict lost" role="alert"><strong>{ "Quorum lost: writes cannot commit." }</strong>
                    { format!(" No group of running, connected voters reaches {} of {}. Reads that need the leader (ReadIndex) wait too; serializable reads still answer, possibly stale.", q.quorum, q.voters) }</p>
            }
            if partitioned || !q.available {
                <ul class="sides" aria-label="Sides of the network">
                    { for frame.sides.iter().map(|s| {
                        let state = if s.has_quorum { "ok" } else { "lost" };
                        let leaders = s.leaders.iter().map(|&(l, t)| format!("{} (term {t})", node(l))).collect::<Vec<_>>().join(", ");
                        html! {
                            <li class={classes!("net-side", state)} data-side-quorum={state}
                                data-side={s.members.iter().map(u64::to_string).collect::<Vec<_>>().join(",")}>
                                <strong>{ names(&s.members) }</strong>
                                { format!(": {}, ", count(s.voters, "voter", "voters")) }
                                { if s.has_quorum { "has a quorum" } else { "no quorum" } }
                                if !leaders.is_empty() {
                                    { format!("; leader {leaders}") }
                                    if !s.has_quorum { <em>{ frame.stale_leader_note() }</em> }
                                }
                            </li>
                        }
                    }) }
                </ul>
            }
            if !frame.pending.is_empty() {
                <h3>{ "Uncommitted proposals" }</h3>
                <ul class="pending">
                    { for frame.pending.iter().take(5).map(|p| html! {
                        <li>
                            { format!("#{} (term {}) on leader {}: {}{} — acknowledged by {}; ", p.index, p.term, node(p.leader), p.what,
                                if p.retries > 0 { format!(" (retried {}×)", p.retries) } else { String::new() }, names(&p.acked)) }
                            <strong>{ format!("waiting for {} (needs {} of {})", names(&p.missing), p.needed, p.acked.len() + p.missing.len()) }</strong>
                        </li>
                    }) }
                    if frame.pending.len() > 5 { <li>{ format!("… and {} more", frame.pending.len() - 5) }</li> }
                </ul>
            }
            <div class="membership" role="group" aria-label="Change membership">
                <span class="note">{ "Membership: " }</span>
                { add(MemberChange::AddVoter, "add voter") }
                { add(MemberChange::AddLearner, "add learner") }
                <span class="note">{ " (remove or promote one by clicking it)" }</span>
            </div>
            { membership_error }
            if frame.waiting_requests > 0 {
                <p class="note">{ format!("{} waiting for an answer; each fails after the request timeout.", count(frame.waiting_requests, "client request", "client requests")) }</p>
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
        assert_eq!(reach_text(&five(5), Some(2)), "5 of 5");
        assert_eq!(reach_text(&five(0), None), "—");
        let text = available_text(&five(5), Some(2));
        assert!(
            text.contains("the leader n2 reaches 5 of 5 voters; quorum is 3"),
            "{text}"
        );
    }

    #[test]
    fn no_leader_means_an_election_comes_before_writes() {
        let text = available_text(&five(0), None);
        assert!(text.contains("no leader"), "{text}");
        assert!(text.contains("election is needed first"), "{text}");
        // A leader cut off from the majority cannot commit either.
        let text = available_text(&five(2), Some(1));
        assert!(text.contains("reaches only 2 of 5"), "{text}");
        assert!(!text.contains("so writes can commit"), "{text}");
    }
}
