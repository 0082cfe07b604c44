//! Raft Playground, the web app: a Yew page that runs the simulation core
//! (`raft-sim`) in the browser and lets the learner watch and break a live
//! Raft cluster.
//!
//! - [`model`]: the page's model (settings, the [`model::Sim`] driving the
//!   cluster, commands, the per-frame [`model::Frame`]); plain Rust, tested
//!   natively.
//! - [`ui`]: the function components that draw a frame and send commands.
//! - [`app`]: the root component and the animation loop.
//! - [`crash`]: the overlay a panic leaves instead of a dead page.
//! - [`i18n`]: the page's words in English and Chinese.

#![deny(missing_docs)]

pub mod app;
pub mod crash;
pub mod i18n;
pub mod model;
pub mod ui;

use wasm_bindgen::JsCast;

/// Mounts the playground into the element with id `app` (or the body),
/// reading settings from the page's query string.
pub fn start() {
    crash::install();
    let window = web_sys::window().expect("a page has a window");
    let document = window.document().expect("a page has a document");
    let query = window.location().search().unwrap_or_default();
    let browser_lang = window.navigator().language();
    let props = app::AppProps::from_query(&query, browser_lang.as_deref());
    let root = document
        .get_element_by_id("app")
        .or_else(|| document.body().map(|b| b.unchecked_into()))
        .expect("a page has a body");
    yew::Renderer::<app::App>::with_root_and_props(root, props).render();
}
