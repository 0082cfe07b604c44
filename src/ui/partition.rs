//! The partition editor: drag members (or click them, or use the keyboard)
//! into up to three groups, or pick a preset; heal everything at once.

use std::collections::BTreeMap;

use raft_sim::{Action, NodeId};
use web_sys::DragEvent;
use yew::prelude::*;

use super::{node, use_lang};

use crate::i18n::Key;

use crate::model::partition::{draft_of, groups_in_force, Preset};
use crate::model::{Cmd, ErrorAt, FrameRef};

const GROUPS: [&str; 3] = ["A", "B", "C"];

/// Properties of [`PartitionPanel`].
#[derive(Clone, PartialEq, Properties)]
pub struct PartitionPanelProps {
    /// The frame.
    pub frame: FrameRef,
    /// Commands.
    pub dispatch: Callback<Cmd>,
}

/// Groups from a draft: member → group number. Empty groups are left out.
pub fn groups(members: &[NodeId], draft: &BTreeMap<NodeId, usize>) -> Vec<Vec<NodeId>> {
    (0..GROUPS.len())
        .map(|g| {
            members
                .iter()
                .copied()
                .filter(|m| draft.get(m).copied().unwrap_or(0) == g)
                .collect::<Vec<_>>()
        })
        .filter(|g| !g.is_empty())
        .collect()
}

/// The partition panel.
#[component]
pub fn PartitionPanel(props: &PartitionPanelProps) -> Html {
    let lang = use_lang();
    let t = |k: Key| k.text(lang);
    // The user's moves, with the partition in force when they began: the
    // editor shows the partition in force until the user moves a member,
    // and starts again from it whenever it changes (a preset, heal all).
    let edited = use_state(|| None::<(Vec<Vec<NodeId>>, BTreeMap<NodeId, usize>)>);
    let in_force = groups_in_force(&props.frame.view);
    let draft = match &*edited {
        Some((base, moves)) if *base == in_force => moves.clone(),
        _ => draft_of(&in_force),
    };
    let members = props.frame.member_ids();
    let d = props.dispatch.clone();
    let move_to = {
        let (edited, draft) = (edited.clone(), draft.clone());
        Callback::from(move |(id, g): (NodeId, usize)| {
            let mut next = draft.clone();
            next.insert(id, g);
            edited.set(Some((in_force.clone(), next)));
        })
    };
    let apply = {
        let (draft, members, d) = (draft.clone(), members.clone(), d.clone());
        Callback::from(move |_: MouseEvent| {
            let gs = groups(&members, &draft);
            if gs.len() < 2 {
                d.emit(Cmd::Reject(ErrorAt::Partition, Key::TwoGroupsFirst));
            } else {
                d.emit(Cmd::Act(
                    ErrorAt::Partition,
                    Action::Partition { groups: gs },
                ));
            }
        })
    };
    let preset = |p: Preset, label: String| {
        let d = d.clone();
        let onclick = Callback::from(move |_: MouseEvent| d.emit(Cmd::Preset(p)));
        html! { <button type="button" {onclick}>{ label }</button> }
    };
    let heal = {
        let (d, edited) = (d.clone(), edited.clone());
        Callback::from(move |_: MouseEvent| {
            edited.set(None);
            d.emit(Cmd::Act(ErrorAt::Partition, Action::HealAll));
        })
    };
    let n = members.len();
    let error = match &props.frame.error {
        Some((ErrorAt::Partition, e)) => {
            html! { <p class="error" role="alert">{ t(e.clone()) }</p> }
        }
        _ => html! {},
    };
    html! {
        <section class="panel partition" aria-labelledby="partition-h">
            <h2 id="partition-h">{ t(Key::Partition) }</h2>
            <div class="presets">
                { preset(Preset::LeaderAlone, t(Key::LeaderAlone)) }
                { preset(Preset::Halves, format!("{} | {}", n / 2, n - n / 2)) }
                { preset(Preset::MinorityWithLeader, t(Key::MinorityWithLeader)) }
                <button type="button" class="heal" onclick={heal}>{ t(Key::HealAll) }</button>
            </div>
            <p class="note">{ t(Key::DragHint) }</p>
            <div class="groups">
                { for GROUPS.iter().enumerate().map(|(g, name)| {
                    let ondragover = Callback::from(|e: DragEvent| e.prevent_default());
                    let ondrop = {
                        let move_to = move_to.clone();
                        Callback::from(move |e: DragEvent| {
                            e.prevent_default();
                            let id = e.data_transfer().and_then(|t| t.get_data("text/plain").ok());
                            if let Some(id) = id.and_then(|s| s.parse::<NodeId>().ok()) {
                                move_to.emit((id, g));
                            }
                        })
                    };
                    html! {
                        <div class="group" {ondragover} {ondrop} data-group={*name}>
                            <span class="group-name">{ t(Key::Group(name.to_string())) }</span>
                            { for members.iter().filter(|m| draft.get(m).copied().unwrap_or(0) == g).map(|&m| {
                                let ondragstart = Callback::from(move |e: DragEvent| {
                                    if let Some(t) = e.data_transfer() {
                                        let _ = t.set_data("text/plain", &m.to_string());
                                    }
                                });
                                let onclick = {
                                    let move_to = move_to.clone();
                                    Callback::from(move |_: MouseEvent| move_to.emit((m, (g + 1) % GROUPS.len())))
                                };
                                html! {
                                    <button type="button" class="chip" draggable="true" {ondragstart} {onclick}
                                        aria-label={t(Key::ChipLabel(m, name.to_string(), GROUPS[(g + 1) % GROUPS.len()].to_string()))}>
                                        { node(m) }
                                    </button>
                                }
                            }) }
                        </div>
                    }
                }) }
            </div>
            <button type="button" class="apply" onclick={apply}>{ t(Key::ApplyPartition) }</button>
            { error }
        </section>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn draft_groups_skip_empty_ones_and_default_to_the_first() {
        let draft = BTreeMap::from([(2, 2), (3, 2)]);
        assert_eq!(groups(&[1, 2, 3, 4], &draft), vec![vec![1, 4], vec![2, 3]]);
        assert_eq!(groups(&[1, 2], &BTreeMap::new()), vec![vec![1, 2]]);
    }
}
