//! The root component: owns the [`Sim`], runs the animation loop, and hands
//! the components' commands to [`model::run`](crate::model::run).

use std::cell::RefCell;
use std::rc::Rc;

use wasm_bindgen::closure::Closure;
use wasm_bindgen::JsCast;
use yew::prelude::*;

use raft_sim::PauseOn;

use crate::crash;
use crate::i18n::{Key, Lang};
use crate::model::settings::{Query, DEFAULT_SPEED};
use crate::model::{self, Cmd, FrameRef, PageSettings, Sim};
use crate::ui::client::ClientPanel;
use crate::ui::cluster::ClusterView;
use crate::ui::controls::{SettingsPanel, TimeControls};
use crate::ui::events::EventLog;
use crate::ui::inspector::{Inspector, Selection};
use crate::ui::lesson::LessonPanel;
use crate::ui::logs::LogsPanel;
use crate::ui::partition::PartitionPanel;
use crate::ui::pause::PauseControls;
use crate::ui::quorum::QuorumPanel;

/// The root's properties: how to start.
#[derive(Clone, Debug, PartialEq, Properties)]
pub struct AppProps {
    /// Cluster settings.
    pub settings: PageSettings,
    /// Start speed.
    #[prop_or(DEFAULT_SPEED)]
    pub speed: f64,
    /// Start running (tests start paused and step by hand).
    #[prop_or(true)]
    pub autoplay: bool,
    /// Start the traffic generator.
    #[prop_or(0)]
    pub traffic: u64,
    /// A problem with the query string, shown above the page.
    #[prop_or_default]
    pub notice: Option<Key>,
    /// The language the page starts in (the header switch changes it).
    #[prop_or_default]
    pub lang: Lang,
    /// Moments the clock pauses on by itself.
    #[prop_or_default]
    pub pause_on: Vec<PauseOn>,
    /// A lesson to open (`?lesson=elections`).
    #[prop_or_default]
    pub lesson: Option<String>,
}

impl AppProps {
    /// Properties from a query string such as `?members=3&seed=9&paused=on`
    /// and the browser's language (`navigator.language`): `?lang=` wins,
    /// then the browser's language if the page speaks it, then English.
    pub fn from_query(query: &str, browser_lang: Option<&str>) -> AppProps {
        let q = Query::parse(query);
        AppProps {
            lang: q
                .extras
                .lang
                .or_else(|| browser_lang.and_then(Lang::parse))
                .unwrap_or_default(),
            speed: q.extras.speed.unwrap_or(DEFAULT_SPEED),
            autoplay: !q.extras.paused,
            traffic: q.extras.traffic.unwrap_or(0),
            notice: q.notice(),
            pause_on: q.extras.pause_on.clone(),
            lesson: q.extras.lesson.clone(),
            settings: q.settings,
        }
    }
}

fn start_sim(props: &AppProps) -> Sim {
    let mut sim = Sim::new(props.settings.clone())
        .or_else(|_| Sim::new(PageSettings::default()))
        .expect("the default settings are valid");
    let mut notice = props.notice.clone();
    if let Some(id) = &props.lesson {
        // A bad lesson id spoils only itself: the page opens without one.
        if let Err(e) = sim.open_lesson(id) {
            let e = Key::UrlSetting("lesson".into(), id.clone(), Box::new(e));
            notice = Some(match notice {
                Some(n) => Key::Notices(vec![n, e]),
                None => e,
            });
        }
    }
    sim.set_speed(props.speed);
    sim.set_playing(props.autoplay);
    sim.set_notice(notice);
    sim.set_pause_on(&props.pause_on);
    if props.traffic > 0 {
        sim.set_traffic(props.traffic);
    }
    crash::remember(&sim);
    sim
}

/// How often the text panels follow the simulation while it runs.
const PANEL_INTERVAL_MS: f64 = 100.0;

/// The playground.
#[component]
pub fn App(props: &AppProps) -> Html {
    let sim = use_mut_ref(|| start_sim(props));
    // Two copies of the frame: the drawing, the clock and the inspector
    // follow every animation frame; the text-heavy panels refresh at most
    // every PANEL_INTERVAL_MS (and at once after any command), which keeps
    // the browser's layout work per frame small. Both are `FrameRef`s,
    // compared by pointer: a panel whose copy did not change is skipped
    // without comparing two whole frames field by field.
    let drawing = use_state(|| sim.borrow().frame());
    let panels = use_state(|| (*drawing).clone());
    let selection = use_state(|| Selection::None);
    let reduced_motion = use_memo((), |_| prefers_reduced_motion());
    // The language of this playground (not of the whole page: several may
    // share one), handed to every component by context. Changing it only
    // re-renders; the simulation runs on untouched.
    let lang = use_state(|| props.lang);
    let t = |k: Key| k.text(*lang);
    let choose_lang = {
        let lang = lang.clone();
        Callback::from(move |e: Event| {
            if let Some(l) = Lang::parse(&crate::ui::value_of(&e)) {
                lang.set(l);
            }
        })
    };

    let dispatch = {
        let sim = sim.clone();
        let (setter, panels) = (drawing.setter(), panels.setter());
        Callback::from(move |cmd: Cmd| {
            model::run(&mut sim.borrow_mut(), cmd);
            crash::remember(&sim.borrow());
            let frame = sim.borrow().frame();
            panels.set(frame.clone());
            setter.set(frame);
        })
    };
    let select = {
        let selection = selection.clone();
        let dispatch = dispatch.clone();
        Callback::from(move |s: Selection| {
            dispatch.emit(Cmd::ClearError);
            selection.set(s)
        })
    };

    // The animation loop: runs only while playing; requestAnimationFrame
    // does not fire in a hidden tab, so nothing runs there either.
    {
        let sim = sim.clone();
        let setters = (drawing.setter(), panels.setter());
        use_effect_with(drawing.playing, move |&playing| {
            let handle = playing.then(|| animate(sim, setters));
            move || {
                if let Some(h) = handle {
                    h.stop();
                }
            }
        });
    }

    let frame = (*drawing).clone();
    let slow = (*panels).clone();
    let leader = frame.view.leader.map(|l| l.to_string()).unwrap_or_default();
    html! {
        <ContextProvider<Lang> context={*lang}>
        <div class="page" lang={lang.code()}>
            <header class="top">
                <h1>{ t(Key::Title) }</h1>
                <p class="status" aria-live="polite">
                    <span>{ t(Key::Leader) }</span>
                    <strong class="leader-badge">
                        if !leader.is_empty() { { "n" } }
                        <span id="leader">{ leader.clone() }</span>
                        if leader.is_empty() { <span class="none">{ t(Key::NoLeader) }</span> }
                    </strong>
                    <span class="sep">{ t(Key::TermIs(frame.view.members.iter().map(|m| m.term).max().unwrap_or(0))) }</span>
                </p>
                <TimeControls frame={frame.clone()} dispatch={dispatch.clone()}>
                    <select class="lang-pick" aria-label={t(Key::Language)} onchange={choose_lang}>
                        { for Lang::ALL.iter().map(|l| html! {
                            <option value={l.code()} selected={*l == *lang} lang={l.code()}>{ l.own_name() }</option>
                        }) }
                    </select>
                </TimeControls>
            </header>
            <PauseControls frame={frame.clone()} dispatch={dispatch.clone()} />
            if let Some(notice) = &frame.notice {
                <p class="notice" role="status">{ t(notice.clone()) }
                    <button type="button" class="small dismiss"
                        onclick={dispatch.reform(|_: MouseEvent| Cmd::DismissNotice)}>{ t(Key::Dismiss) }</button>
                </p>
            }
            if !frame.view.violations.is_empty() {
                <p class="violation" role="alert">
                    { t(Key::SafetyViolation(frame.view.seed,
                        frame.view.violations.iter().map(|v| format!("{v:?}")).collect::<Vec<_>>().join("; "))) }
                </p>
            }
            <main class="grid">
                // First: every new cluster starts here (folded by default).
                <SettingsPanel frame={slow.clone()} dispatch={dispatch.clone()} />
                <section class="panel stage" aria-label={t(Key::ClusterRegion)}>
                    <ClusterView frame={frame.clone()} selection={(*selection).clone()}
                        select={select.clone()} reduced_motion={*reduced_motion} />
                    <Inspector frame={frame.clone()} selection={(*selection).clone()}
                        select={select.clone()} dispatch={dispatch.clone()} />
                </section>
                <div class="side">
                    <LessonPanel frame={slow.clone()} dispatch={dispatch.clone()} />
                    <QuorumPanel frame={slow.clone()} dispatch={dispatch.clone()} />
                    <PartitionPanel frame={slow.clone()} dispatch={dispatch.clone()} />
                </div>
                <ClientPanel frame={slow.clone()} dispatch={dispatch.clone()} />
                <LogsPanel frame={slow.clone()} />
                <EventLog frame={slow.clone()} />
            </main>
        </div>
        </ContextProvider<Lang>>
    }
}

fn prefers_reduced_motion() -> bool {
    web_sys::window()
        .and_then(|w| {
            w.match_media("(prefers-reduced-motion: reduce)")
                .ok()
                .flatten()
        })
        .is_some_and(|m| m.matches())
}

/// A running animation loop.
struct Loop {
    stopped: Rc<RefCell<bool>>,
}

impl Loop {
    fn stop(self) {
        *self.stopped.borrow_mut() = true;
    }
}

type FrameFn = Closure<dyn FnMut(f64)>;

type FrameSetter = UseStateSetter<FrameRef>;

fn animate(sim: Rc<RefCell<Sim>>, (setter, panels): (FrameSetter, FrameSetter)) -> Loop {
    let stopped = Rc::new(RefCell::new(false));
    let frame: Rc<RefCell<Option<FrameFn>>> = Rc::new(RefCell::new(None));
    let last: Rc<RefCell<Option<f64>>> = Rc::new(RefCell::new(None));
    let mut panels_at = f64::NEG_INFINITY;
    let again = frame.clone();
    let halt = stopped.clone();
    *frame.borrow_mut() = Some(Closure::new(move |now: f64| {
        if *halt.borrow() {
            // Break the closure's reference to itself so it can be freed.
            again.borrow_mut().take();
            return;
        }
        let prev = last.borrow_mut().replace(now);
        let dt = prev.map_or(0.0, |p| (now - p).max(0.0));
        let moved = sim.borrow_mut().advance_wall(dt);
        if moved {
            let picture = sim.borrow().frame();
            // A frame that paused the clock by itself (a moment paused on)
            // is the last one for a while: the panels must show it.
            if now - panels_at >= PANEL_INTERVAL_MS || !picture.playing {
                panels_at = now;
                panels.set(picture.clone());
            }
            setter.set(picture);
        }
        request_frame(&again);
    }));
    request_frame(&frame);
    Loop { stopped }
}

fn request_frame(frame: &Rc<RefCell<Option<FrameFn>>>) {
    if let (Some(w), Some(f)) = (web_sys::window(), frame.borrow().as_ref()) {
        let _ = w.request_animation_frame(f.as_ref().unchecked_ref());
    }
}
