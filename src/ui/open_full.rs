//! The compact view's way out: "Open in the full playground", the same
//! run, whole, in a new tab.

use yew::prelude::*;

use super::use_lang;
use crate::i18n::Key;
use crate::model::share::share_url;
use crate::model::FrameRef;

/// The link's properties.
#[derive(Clone, PartialEq, Properties)]
pub struct OpenFullProps {
    /// The panels' copy of the frame: the link follows the run at the
    /// panels' pace (at most ten times a second), not every animation
    /// frame, since building it encodes the whole run.
    pub frame: FrameRef,
    /// The run's query at this moment.
    pub query: Callback<(), String>,
    /// The full playground's folder (an embed's `base`; empty: beside
    /// this page).
    pub base: String,
}

/// "Open in the full playground".
#[component]
pub fn OpenFull(props: &OpenFullProps) -> Html {
    let lang = use_lang();
    let t = |k: Key| k.text(lang);
    let href = share_url("./", &props.base, &props.query.emit(()));
    html! {
        <p class="open-full">
            <a href={href} target="_blank" rel="noopener" title={t(Key::OpenFullTitle)}>{ t(Key::OpenFull) }</a>
        </p>
    }
}
