//! The pause-on controls, as a debugger's breakpoints: the clock stops by
//! itself right after a new leader, two leaders at once, quorum lost or a
//! committed write, and the page says what happened and when.

use raft_sim::PauseOn;
use yew::prelude::*;

use super::controls::ControlsProps;
use super::{checked_of, time};
use crate::i18n::Key;
use crate::model::Cmd;

/// The pause-on checkboxes and why the clock last paused.
#[component]
pub fn PauseControls(props: &ControlsProps) -> Html {
    let lang = super::use_lang();
    let frame = &props.frame;
    html! {
        <div class="pause-bar">
            <div class="pause-on" role="group" aria-label={Key::PauseOnLabel.text(lang)}>
                <span class="note">{ Key::PauseOnLabel.text(lang) }</span>
                { for PauseOn::ALL.into_iter().map(|p| {
                    let onchange = props.dispatch.reform(move |e: Event| Cmd::PauseOn(p, checked_of(&e)));
                    html! {
                        <label title={Key::PauseOnHelp.text(lang)}>
                            <input type="checkbox" data-pause-on={p.word()}
                                checked={frame.pause_on.contains(&p)} {onchange} />
                            { p.label(lang) }
                        </label>
                    }
                }) }
            </div>
            if let Some(p) = &frame.paused {
                <p class="paused-at" id="pause-reason" role="status" data-paused-on={p.on.word()}>
                    { Key::PausedAt(time(p.at_ms), p.detail.describe(lang)).text(lang) }
                </p>
            }
        </div>
    }
}
