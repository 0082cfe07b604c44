//! The full page's run kept in the browser's local storage, so that a
//! reload comes back to the same run (the same trace hash), not to a new
//! cluster. What is kept is the run's share query
//! ([`Sim::share_query`](crate::model::Sim::share_query)); restoring it is
//! opening that link.
//!
//! Local storage may be missing or throw (a private window, a sandboxed
//! frame, a full quota): then nothing is kept and the page works as
//! before. The calls are bound here with `catch`, so that even reaching
//! `localStorage` happens inside a try.

use wasm_bindgen::prelude::*;

use crate::i18n::Key;
use crate::model::share::says_what_to_run;
use crate::model::sim::Keeper;
use crate::model::Sim;

/// The storage key.
const KEY: &str = "raft-playground.run";

#[wasm_bindgen]
extern "C" {
    #[wasm_bindgen(catch, js_namespace = localStorage, js_name = getItem)]
    fn get_item(key: &str) -> Result<Option<String>, JsValue>;
    #[wasm_bindgen(catch, js_namespace = localStorage, js_name = setItem)]
    fn set_item(key: &str, value: &str) -> Result<(), JsValue>;
}

/// The run kept, if any (and if storage can be read).
pub fn load() -> Option<String> {
    get_item(KEY).ok().flatten().filter(|q| q.starts_with('?'))
}

/// Keeps `query`; a failure (no storage, full) is ignored.
pub fn save(query: &str) {
    let _ = set_item(KEY, query);
}

/// What keeps the full page's run.
pub fn keeper() -> Keeper {
    Box::new(save)
}

/// Makes `sim` (the full page's) keep its run from now on; if it was
/// `restored` from storage, the notice says so.
pub fn keep(sim: &mut Sim, restored: bool) {
    sim.set_keeper(Some(keeper()));
    if restored {
        let notice = match sim.notice().cloned() {
            Some(Key::Notices(mut all)) => {
                all.insert(0, Key::RestoredRun);
                Key::Notices(all)
            }
            Some(n) => Key::Notices(vec![Key::RestoredRun, n]),
            None => Key::RestoredRun,
        };
        sim.set_notice(Some(notice));
    }
}

/// The query the full page opens with: its own if it says what to run,
/// else the kept run's with the page's own keys after it (a `lang` or a
/// `speed` in the address still counts). The flag says whether the kept
/// run was used.
pub fn page_query(own: &str) -> (String, bool) {
    if says_what_to_run(own) {
        return (own.to_string(), false);
    }
    match load() {
        Some(kept) => {
            let rest = own.trim_start_matches('?');
            let query = if rest.is_empty() {
                kept
            } else {
                format!("{kept}&{rest}")
            };
            (query, true)
        }
        None => (own.to_string(), false),
    }
}
