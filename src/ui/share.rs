//! The Share button: a link to this run at this moment (the settings and
//! every command with its place, see [`crate::model::share`]), shown in a
//! read-only field and copied to the clipboard when the browser allows.
//! A copy that fails (no permission, an insecure page) is not an error:
//! the field stays for copying by hand.

use wasm_bindgen::prelude::*;
use yew::prelude::*;

use super::use_lang;
use crate::i18n::Key;
use crate::model::share::share_url;

#[wasm_bindgen]
extern "C" {
    /// A promise, as far as this file needs one.
    type Thenable;
    #[wasm_bindgen(method, js_name = then)]
    fn then(this: &Thenable, done: &JsValue, failed: &JsValue);
    #[wasm_bindgen(catch, js_namespace = ["navigator", "clipboard"], js_name = writeText)]
    fn write_text(text: &str) -> Result<Thenable, JsValue>;
}

/// The Share button's properties.
#[derive(Clone, PartialEq, Properties)]
pub struct ShareProps {
    /// The run's query at this moment ([`Sim::share_query`](crate::model::Sim::share_query)),
    /// asked for when the button is pressed rather than built every frame.
    pub query: Callback<(), String>,
    /// The full playground's address (an embed's `base`); empty: this page.
    #[prop_or_default]
    pub base: String,
}

/// Whether the link reached the clipboard.
#[derive(Clone, Copy, PartialEq)]
enum Copy {
    Trying,
    Done,
    Failed,
}

/// The Share button and, once pressed, the link.
#[component]
pub fn ShareButton(props: &ShareProps) -> Html {
    let lang = use_lang();
    let t = |k: Key| k.text(lang);
    let link = use_state(|| None::<String>);
    let copy = use_state(|| Copy::Trying);
    let onclick = {
        let (link, copy) = (link.clone(), copy.clone());
        let (query, base) = (props.query.clone(), props.base.clone());
        Callback::from(move |_: MouseEvent| {
            let query = query.emit(());
            let page = web_sys::window()
                .and_then(|w| {
                    let l = w.location();
                    Some(format!("{}{}", l.origin().ok()?, l.pathname().ok()?))
                })
                .unwrap_or_default();
            let url = share_url(&page, &base, &query);
            copy.set(Copy::Trying);
            try_copy(&url, copy.setter());
            link.set(Some(url));
        })
    };
    let select_all = Callback::from(|e: FocusEvent| {
        if let Some(input) = e.target_dyn_into::<web_sys::HtmlInputElement>() {
            input.select();
        }
    });
    html! {
        <span class="share">
            <button type="button" class="share-button" title={t(Key::ShareTitle)} {onclick}>
                { t(Key::Share) }
            </button>
            if let Some(url) = &*link {
                <label class="share-link">
                    <span class="share-label">{ t(Key::ShareLinkLabel) }</span>
                    <input type="text" readonly=true value={url.clone()} onfocus={select_all} />
                </label>
                <span class="share-note" role="status">
                    { match *copy {
                        Copy::Trying => String::new(),
                        Copy::Done => t(Key::ShareCopied),
                        Copy::Failed => t(Key::ShareCopyByHand),
                    } }
                </span>
            }
        </span>
    }
}

/// Writes `url` to the clipboard; says how it went through `said`.
fn try_copy(url: &str, said: UseStateSetter<Copy>) {
    let Ok(promise) = write_text(url) else {
        said.set(Copy::Failed);
        return;
    };
    // One function for both outcomes, so that the one called frees it:
    // the promise resolves with nothing, or rejects with an error.
    let settle = Closure::once_into_js(move |result: JsValue| {
        said.set(if result.is_undefined() {
            Copy::Done
        } else {
            Copy::Failed
        });
    });
    promise.then(&settle, &settle);
}
