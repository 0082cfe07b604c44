//! History and session: downloads of the client history for outside
//! checkers and of the whole session, and a session's import (see
//! [`crate::model::session`] and the README's "History formats").

use raft_sim::export::HistoryFormat;
use wasm_bindgen::closure::Closure;
use wasm_bindgen::JsCast;
use web_sys::{Blob, BlobPropertyBag, FileReader, HtmlAnchorElement, HtmlInputElement, Url};
use yew::prelude::*;

use super::use_lang;
use crate::i18n::Key;
use crate::model::commands::ErrorAt;
use crate::model::{Cmd, FrameRef};

/// Properties of [`DownloadsPanel`].
#[derive(Clone, PartialEq, Properties)]
pub struct DownloadsProps {
    /// The frame (for an import's error).
    pub frame: FrameRef,
    /// Commands.
    pub dispatch: Callback<Cmd>,
    /// A file's text, asked for when its button is pressed.
    pub export: Callback<HistoryFormat, String>,
}

/// The panel.
#[component]
pub fn DownloadsPanel(props: &DownloadsProps) -> Html {
    let lang = use_lang();
    let t = |k: Key| k.text(lang);
    let button = |format: HistoryFormat, label: Key| {
        let export = props.export.clone();
        let onclick = Callback::from(move |_: MouseEvent| {
            let text = export.emit(format);
            download(format.file_name(), &text);
        });
        html! {
            <button type="button" data-format={format.as_str()} {onclick}>{ t(label) }</button>
        }
    };
    let onchange = {
        let dispatch = props.dispatch.clone();
        Callback::from(move |e: Event| {
            let Some(input) = e.target_dyn_into::<HtmlInputElement>() else {
                return;
            };
            if let Some(file) = input.files().and_then(|f| f.get(0)) {
                read(&file, dispatch.clone());
            }
            // Choosing the same file again imports it again.
            input.set_value("");
        })
    };
    let error = match &props.frame.error {
        Some((ErrorAt::Session, e)) => Some(e.clone()),
        _ => None,
    };
    html! {
        <section class="panel downloads" aria-labelledby="downloads-h">
            <h2 id="downloads-h">{ t(Key::DownloadsTitle) }</h2>
            <p class="note">{ t(Key::DownloadsNote) }</p>
            <div class="download-buttons">
                { button(HistoryFormat::Jepsen, Key::DownloadJepsen) }
                { button(HistoryFormat::Porcupine, Key::DownloadPorcupine) }
                { button(HistoryFormat::Session, Key::DownloadSession) }
            </div>
            <label class="import">
                <span>{ t(Key::ImportSession) }</span>
                <input id="session-import" type="file" accept=".json,application/json" {onchange} />
            </label>
            if let Some(e) = error { <p class="error" role="alert">{ t(e) }</p> }
        </section>
    }
}

/// Saves `text` as a file named `name` through a temporary link.
fn download(name: &str, text: &str) {
    let parts = js_sys::Array::of1(&text.into());
    let options = BlobPropertyBag::new();
    options.set_type("application/json");
    let Ok(blob) = Blob::new_with_str_sequence_and_options(&parts, &options) else {
        return;
    };
    let Ok(url) = Url::create_object_url_with_blob(&blob) else {
        return;
    };
    let document = web_sys::window().and_then(|w| w.document());
    if let Some(a) = document
        .and_then(|d| d.create_element("a").ok())
        .and_then(|a| a.dyn_into::<HtmlAnchorElement>().ok())
    {
        a.set_href(&url);
        a.set_download(name);
        a.click();
    }
    let _ = Url::revoke_object_url(&url);
}

/// Reads a chosen file and imports its text.
fn read(file: &web_sys::File, dispatch: Callback<Cmd>) {
    let Ok(reader) = FileReader::new() else {
        return;
    };
    let r = reader.clone();
    let onload = Closure::once_into_js(move || {
        let text = r
            .result()
            .ok()
            .and_then(|v| v.as_string())
            .unwrap_or_default();
        dispatch.emit(Cmd::ImportSession(text));
    });
    reader.set_onload(Some(onload.unchecked_ref()));
    let _ = reader.read_as_text(file);
}
