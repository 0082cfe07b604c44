//! [`Handle`]: what `mount` returns, the embedder's remote control of one
//! instance (`play`, `pause`, `act`, `state`, `set`, `share`, `destroy`).

use std::cell::RefCell;
use std::rc::Rc;

use wasm_bindgen::prelude::*;
use yew::AppHandle;

use crate::app::{start_sim, App, AppProps};
use crate::crash;
use crate::model::share::share_url;
use crate::model::{self, Cmd};

use super::act::act;
use super::js::updates_from_js;
use super::options::{change, merge, props_from_pairs, Change};
use super::registry;
use super::shared::Shared;
use super::state::{state, State};

pub(super) struct Inner {
    pub(super) app: Option<AppHandle<App>>,
    pub(super) shared: Shared,
    /// The options as given so far (a later `set` merges into them).
    pub(super) pairs: Vec<(String, String)>,
    /// The properties the root has now.
    pub(super) props: AppProps,
    pub(super) browser_lang: Option<String>,
}

/// One mounted playground.
#[wasm_bindgen]
pub struct Handle(pub(super) Rc<RefCell<Inner>>);

impl Handle {
    /// The shared simulation (Rust callers and tests).
    pub fn shared(&self) -> Shared {
        self.0.borrow().shared.clone()
    }

    /// The state as a Rust value.
    pub fn snapshot(&self) -> State {
        let shared = self.shared();
        let sim = shared.sim().borrow();
        state(&sim, shared.lang())
    }

    /// Whether [`Handle::destroy`] ran.
    pub fn destroyed(&self) -> bool {
        self.0.borrow().app.is_none()
    }

    /// Runs `f` on the sim as instance code, then redraws.
    fn with_sim<T>(&self, f: impl FnOnce(&mut model::Sim) -> T) -> T {
        let shared = self.shared();
        registry::enter(shared.id());
        let out = {
            let mut sim = shared.sim().borrow_mut();
            let out = f(&mut sim);
            crash::remember(&sim);
            out
        };
        shared.redraw();
        out
    }

    /// [`Handle::act`] with the error as a Rust value.
    pub fn act_line(&self, line: &str) -> Result<(), super::act::ActError> {
        self.with_sim(|sim| act(sim, line))
    }

    /// [`Handle::set`] from text pairs.
    pub fn set_pairs(&self, update: Vec<(String, String)>) {
        self.set_updates(update.into_iter().map(|(k, v)| (k, Some(v))).collect())
    }

    /// [`Handle::set`] from text pairs; `None` removes a key.
    pub fn set_updates(&self, update: Vec<(String, Option<String>)>) {
        let mut inner = self.0.borrow_mut();
        if inner.app.is_none() {
            return;
        }
        let mut pairs = inner.pairs.clone();
        merge(&mut pairs, update);
        let mut next = props_from_pairs(&pairs, inner.browser_lang.as_deref());
        next.shared = Some(inner.shared.clone());
        let now = inner.props.clone();
        inner.pairs = pairs;
        let shared = inner.shared.clone();
        registry::enter(shared.id());
        match change(&now, &next) {
            Change::None => return,
            Change::NewCluster => shared.replace_sim(start_sim(&next)),
            Change::InPlace => {
                let mut sim = shared.sim().borrow_mut();
                if next.speed != now.speed {
                    model::run(&mut sim, Cmd::Speed(next.speed));
                }
                if next.autoplay != now.autoplay {
                    model::run(&mut sim, Cmd::Play(next.autoplay));
                }
                if next.traffic != now.traffic {
                    sim.set_traffic(next.traffic);
                }
                if next.notice != now.notice {
                    sim.set_notice(next.notice.clone());
                }
            }
        }
        inner.props = next.clone();
        if let Some(app) = inner.app.as_mut() {
            app.update(next);
        }
        drop(inner);
        shared.redraw();
    }
}

#[wasm_bindgen]
impl Handle {
    /// Lets time run.
    pub fn play(&self) {
        self.with_sim(|sim| model::run(sim, Cmd::Play(true)));
    }

    /// Stops time.
    pub fn pause(&self) {
        self.with_sim(|sim| model::run(sim, Cmd::Play(false)));
    }

    /// Carries out one scenario-script command (`crash n1`, `partition n1
    /// n2 | rest`, `heal`, `put leader /a 1`, `run 2s`). Throws an Error
    /// whose message names the column of what is wrong, or the cluster's
    /// refusal.
    pub fn act(&self, line: &str) -> Result<(), JsError> {
        self.act_line(line)
            .map_err(|e| JsError::new(&format!("act({line:?}): {e}")))
    }

    /// A plain object: `{ virtualMs, traceHash, leader, term, playing,
    /// quorum, lang, lesson, lessonStep, members: [{ id, role, term,
    /// commit }] }`.
    pub fn state(&self) -> JsValue {
        let json = serde_json::to_string(&self.snapshot()).unwrap_or_else(|_| "null".into());
        js_sys::JSON::parse(&json).unwrap_or(JsValue::NULL)
    }

    /// Changes options (as attributes change): `lang`, `speed`, `paused`,
    /// `traffic`, `view`, `controls`, `base` in place; cluster settings,
    /// `lesson` or `pause-on` start a new cluster. A key set to `null` or
    /// `undefined` (a removed attribute) goes back to its default.
    pub fn set(&self, options: JsValue) {
        self.set_updates(updates_from_js(&options));
    }

    /// The address of the full playground with this run.
    pub fn share(&self) -> String {
        let inner = self.0.borrow();
        let sim = inner.shared.sim().borrow();
        share_url("./", &inner.props.base, &sim.share_query())
    }

    /// Unmounts: the root is emptied, the animation loop stops, no event
    /// is sent any more. Calling it again does nothing.
    pub fn destroy(&self) {
        let mut inner = self.0.borrow_mut();
        let Some(app) = inner.app.take() else { return };
        inner.shared.set_observer(None);
        registry::unregister(inner.shared.id());
        drop(inner);
        // Yew runs the effects' cleanups (the animation loop's among them)
        // and empties the root at its next scheduler run, a microtask away.
        app.destroy();
    }
}
