//! `mount(root, host, options)`: one independent playground in `root`, its
//! events sent on `host`. The custom element, the iframe page and the full
//! page all start this way.

use std::cell::RefCell;
use std::rc::Rc;

use wasm_bindgen::prelude::*;
use web_sys::{CustomEvent, CustomEventInit, Element};

use crate::app::{start_sim, App};
use crate::crash;

use super::events::{Happened, Watcher};
use super::handle::{Handle, Inner};
use super::js::pairs_from_js;
use super::options::props_from_pairs;
use super::registry;
use super::shared::Shared;

/// Mounts a playground into `root` (an element, typically a div in
/// `host`'s shadow root), with `options` (a plain object of the URL's keys
/// plus `view`, `controls`, `base`; or a query string). Events are sent
/// on `host` (`root` if `host` is not an element). Throws if `root` is not
/// an element; bad option values only show a notice in the instance.
#[wasm_bindgen]
pub fn mount(root: JsValue, host: JsValue, options: JsValue) -> Result<Handle, JsError> {
    let root: Element = root
        .dyn_into()
        .map_err(|_| JsError::new("mount(root, host, options): root is not an element"))?;
    let host: Element = host.dyn_into().unwrap_or_else(|_| root.clone());
    crash::install();
    Ok(mount_pairs(&root, &host, pairs_from_js(&options)))
}

/// [`mount`] for Rust callers, with the options as text pairs. Unlike
/// `mount` it leaves the panic hook alone (tests keep their own).
pub fn mount_pairs(root: &Element, host: &Element, pairs: Vec<(String, String)>) -> Handle {
    let browser_lang = web_sys::window().and_then(|w| w.navigator().language());
    let mut props = props_from_pairs(&pairs, browser_lang.as_deref());
    let id = registry::register(root);
    registry::enter(id);
    let sim = start_sim(&props);
    let shared = Shared::new(id, sim, props.lang);
    let mut watcher = Watcher::default();
    let host = host.clone();
    shared.set_observer(Some(Box::new(move |frame| {
        for news in watcher.frame(frame) {
            send(&host, &news);
        }
    })));
    props.shared = Some(shared.clone());
    let app = yew::Renderer::<App>::with_root_and_props(root.clone(), props.clone()).render();
    Handle(Rc::new(RefCell::new(Inner {
        app: Some(app),
        shared,
        pairs,
        props,
        browser_lang,
    })))
}

/// Sends `news` on `host`: bubbling, and composed so that it leaves the
/// shadow root the instance lives in.
fn send(host: &Element, news: &Happened) {
    let init = CustomEventInit::new();
    init.set_bubbles(true);
    init.set_composed(true);
    let detail = serde_json::to_string(news)
        .ok()
        .and_then(|j| js_sys::JSON::parse(&j).ok())
        .unwrap_or(JsValue::NULL);
    init.set_detail(&detail);
    if let Ok(event) = CustomEvent::new_with_event_init_dict(news.name(), &init) {
        let _ = host.dispatch_event(&event);
    }
}
