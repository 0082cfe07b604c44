//! Raft Playground, the web app: a Yew page that runs the simulation core
//! (`raft-sim`) in the browser and lets the learner watch and break a live
//! Raft cluster.
//!
//! - [`model`]: the page's model (settings, the [`model::Sim`] driving the
//!   cluster, commands, the per-frame [`model::Frame`]); plain Rust, tested
//!   natively.
//! - [`ui`]: the function components that draw a frame and send commands.
//! - [`app`]: the root component and the animation loop.
//! - [`embed`]: mounting instances (the JS API `mount`, its `Handle`,
//!   options, events); the full page is mounted the same way.
//! - [`crash`]: the overlay a panic leaves instead of a dead page.
//! - [`i18n`]: the page's words in English and Chinese.
//! - [`storage`]: the full page's run kept across a reload.

#![deny(missing_docs)]

pub mod app;
pub mod crash;
pub mod embed;
pub mod i18n;
pub mod model;
pub mod storage;
pub mod ui;

/// The element the full page mounts into: `<div data-raft-playground-page>`
/// (index.html). A documentation page that loads the module for its
/// `<raft-playground>` elements has none, and gets no full page.
pub const PAGE_ATTRIBUTE: &str = "data-raft-playground-page";

/// The wasm's start: mounts the full playground into the element marked
/// [`PAGE_ATTRIBUTE`], with the settings of the page's query string, if
/// there is such an element; otherwise nothing.
pub fn start() {
    crash::install();
    let Some(window) = web_sys::window() else {
        return;
    };
    let Some(root) = window.document().and_then(|d| {
        d.query_selector(&format!("[{PAGE_ATTRIBUTE}]"))
            .ok()
            .flatten()
    }) else {
        return;
    };
    let query = window.location().search().unwrap_or_default();
    // The full page comes back to the run it kept, unless its address
    // says what to run; and keeps its run from now on.
    let (query, restored) = storage::page_query(&query);
    let pairs = embed::js::pairs_from_js(&query.into());
    let handle = embed::mount_pairs(&root, &root, pairs);
    storage::keep(&mut handle.shared().sim().borrow_mut(), restored);
    handle.shared().redraw();
    // The handle is not needed: the page lives as long as the document
    // (dropping it leaves the app mounted).
    drop(handle);
}
