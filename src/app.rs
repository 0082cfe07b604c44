//! The root component: draws the [`Sim`] it shares with the code outside
//! it ([`Shared`]), runs the animation loop, and hands the components'
//! commands to [`model::run`](crate::model::run).
//!
//! The same component is the full page, the compact frame and the drawing
//! alone ([`View`]), showing the panels its [`Controls`] name. The full
//! page and every embedded instance are made the same way, by
//! [`crate::embed::mount`].

use std::cell::{Cell, RefCell};
use std::rc::Rc;

use wasm_bindgen::closure::Closure;
use wasm_bindgen::JsCast;
use yew::prelude::*;

use raft_sim::PauseOn;

use crate::crash;
use crate::embed::controls::{Control, Controls};
use crate::embed::registry;
use crate::embed::shared::{LoopToken, Shared};
use crate::embed::view::View;
use crate::i18n::{Key, Lang};
use crate::model::settings::{Query, DEFAULT_SPEED};
use crate::model::share::{self, Opening, Start};
use crate::model::{self, Cmd, FrameRef, PageSettings, Sim};
use crate::ui::client::ClientPanel;
use crate::ui::cluster::ClusterView;
use crate::ui::console::ConsolePanel;
use crate::ui::controls::{SettingsPanel, TimeControls};
use crate::ui::deploy::DeployPanel;
use crate::ui::downloads::DownloadsPanel;
use crate::ui::events::EventLog;
use crate::ui::inspector::{Inspector, Selection};
use crate::ui::lesson::LessonPanel;
use crate::ui::logs::LogsPanel;
use crate::ui::open_full::OpenFull;
use crate::ui::partition::PartitionPanel;
use crate::ui::pause::PauseControls;
use crate::ui::quorum::QuorumPanel;
use crate::ui::share::ShareButton;

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
    /// How much to show.
    #[prop_or_default]
    pub view: View,
    /// Which panels and buttons show.
    #[prop_or_default]
    pub controls: Controls,
    /// Where the full playground is served (for "open in the full
    /// playground").
    #[prop_or_default]
    pub base: String,
    /// The simulation shared with the code outside (made by `mount`); a
    /// root made without one makes its own.
    #[prop_or_default]
    pub shared: Option<Shared>,
    /// A shared run to replay (`?run=1_…`, see [`crate::model::share`]).
    #[prop_or_default]
    pub run: Option<String>,
}

impl Default for AppProps {
    fn default() -> AppProps {
        AppProps {
            settings: PageSettings::default(),
            speed: DEFAULT_SPEED,
            autoplay: true,
            traffic: 0,
            notice: None,
            lang: Lang::default(),
            pause_on: Vec::new(),
            lesson: None,
            view: View::default(),
            controls: Controls::default(),
            base: String::new(),
            shared: None,
            run: None,
        }
    }
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
            run: q.extras.run.clone(),
            settings: q.settings,
            ..AppProps::default()
        }
    }
}

/// The simulation `props` ask for: the cluster, the lesson, speed, play,
/// the moments paused on, traffic and the notice for what was wrong.
pub fn start_sim(props: &AppProps) -> Sim {
    // The model builds it (lesson, moments, traffic, a shared run
    // replayed), so that what a link opens is tested natively.
    let opening = Opening {
        start: Start {
            settings: props.settings.clone(),
            lesson: props.lesson.clone(),
            traffic: props.traffic,
            pause_on: props.pause_on.clone(),
        },
        run: props.run.clone(),
    };
    let (mut sim, run_notice) = share::open(&opening);
    let notice = match (props.notice.clone(), run_notice) {
        (Some(a), Some(b)) => Some(Key::Notices(vec![a, b])),
        (a, b) => a.or(b),
    };
    sim.set_speed(props.speed);
    sim.set_playing(props.autoplay);
    sim.set_notice(notice);
    crash::remember(&sim);
    sim
}

/// How often the text panels follow the simulation while it runs.
const PANEL_INTERVAL_MS: f64 = 100.0;

/// The playground.
#[component]
pub fn App(props: &AppProps) -> Html {
    let shared = use_memo((), |_| {
        props
            .shared
            .clone()
            .unwrap_or_else(|| Shared::new(0, start_sim(props), props.lang))
    });
    let shared = (*shared).clone();
    let sim = shared.sim().clone();
    // The run's share query, built when a link is asked for (Share, the
    // compact view's way out), not in every frame.
    let share_query = use_memo((), {
        let sim = sim.clone();
        move |_| Callback::from(move |()| sim.borrow().share_query())
    });
    // A download's text, built when its button is pressed.
    let export = use_memo((), {
        let sim = sim.clone();
        move |_| Callback::from(move |format| sim.borrow().export(format))
    });
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
    // re-renders; the simulation runs on untouched. The embedder may set
    // it too (a changed `lang` attribute).
    let lang = use_state_eq(|| props.lang);
    {
        let lang = lang.clone();
        use_effect_with(props.lang, move |l| lang.set(*l));
    }
    shared.set_lang(*lang);
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
        let shared = shared.clone();
        let (setter, panels) = (drawing.setter(), panels.setter());
        Callback::from(move |cmd: Cmd| {
            registry::enter(shared.id());
            let sim = shared.sim();
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

    // "Redraw now", for changes made from outside (the embedding API);
    // unregistered when the root goes.
    {
        let shared = shared.clone();
        let (setter, panels) = (drawing.setter(), panels.setter());
        use_effect_with((), move |_| {
            let sim = shared.sim().clone();
            shared.set_redraw(Some(Box::new(move |()| {
                let frame = sim.borrow().frame();
                panels.set(frame.clone());
                setter.set(frame);
            })));
            // A change made between the first render and now (a play()
            // right after mount, while Yew had rendered but not yet run
            // its effects) found no hook: draw what the sim says now, or
            // the drawing stays paused with the sim playing.
            shared.redraw();
            move || shared.set_redraw(None)
        });
    }
    // Each frame drawn is shown to the embedder (its events come from
    // comparing frames).
    {
        let shared = shared.clone();
        use_effect_with(drawing.clone(), move |frame| shared.observe(frame));
    }

    // The animation loop: runs only while playing; requestAnimationFrame
    // does not fire in a hidden tab, so nothing runs there either.
    {
        let shared = shared.clone();
        let setters = (drawing.setter(), panels.setter());
        use_effect_with(drawing.playing, move |&playing| {
            let handle = playing.then(|| animate(&shared, setters));
            move || {
                if let Some(h) = handle {
                    h.stop();
                }
            }
        });
    }

    let frame = (*drawing).clone();
    let slow = (*panels).clone();
    let view = props.view;
    let has = |c: Control| props.controls.has(c);
    let leader = frame.view.leader.map(|l| l.to_string()).unwrap_or_default();
    let lang_pick = has(Control::Lang).then(|| html! {
        <select class="lang-pick" aria-label={t(Key::Language)} onchange={choose_lang}>
            { for Lang::ALL.iter().map(|l| html! {
                <option value={l.code()} selected={*l == *lang} lang={l.code()}>{ l.own_name() }</option>
            }) }
        </select>
    });
    let time_controls = html! {
        <TimeControls frame={frame.clone()} dispatch={dispatch.clone()}>
            if has(Control::Share) {
                <ShareButton query={(*share_query).clone()} base={props.base.clone()} />
            }
            { lang_pick.clone().unwrap_or_default() }
        </TimeControls>
    };
    let status = html! {
        <p class="status" aria-live="polite">
            <span>{ t(Key::Leader) }</span>
            <strong class="leader-badge">
                if !leader.is_empty() { { "n" } }
                <span id="leader">{ leader.clone() }</span>
                if leader.is_empty() { <span class="none">{ t(Key::NoLeader) }</span> }
            </strong>
            <span class="sep">{ t(Key::TermIs(frame.view.members.iter().map(|m| m.term).max().unwrap_or(0))) }</span>
        </p>
    };
    let header = match view {
        View::Full => html! { <>
            <header class="top">
                <h1>{ t(Key::Title) }</h1>
                { status }
                if has(Control::Time) { { time_controls } } else { { lang_pick.unwrap_or_default() } }
            </header>
            // The article, in this playground's language (the full page
            // only: an embed already sits in a text), under the sticky
            // header: in it, the link took a row of a phone's screen.
            <p class="article-line">
                <a class="article-link" href={format!("docs/index.html?lang={}", lang.code())}>{ t(Key::ArticleLink) }</a>
            </p>
        </> },
        // The compact frame always has its clock: a run nobody can pause
        // is no teaching tool.
        View::Compact => html! {
            <header class="top compact-top">
                { status }
                { time_controls }
            </header>
        },
        View::Cluster => html! {
            if has(Control::Time) {
                <header class="top cluster-top">{ time_controls }</header>
            } else if let Some(pick) = lang_pick {
                <header class="top cluster-top">{ pick }</header>
            }
        },
    };
    let notices = html! {
        <>
            if has(Control::PauseOn) {
                <PauseControls frame={frame.clone()} dispatch={dispatch.clone()} />
            }
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
        </>
    };
    let stage = html! {
        <section class="panel stage" aria-label={t(Key::ClusterRegion)}>
            <ClusterView frame={frame.clone()} selection={(*selection).clone()}
                select={select.clone()} reduced_motion={*reduced_motion} />
            if has(Control::Crash) {
                <Inspector frame={frame.clone()} selection={(*selection).clone()}
                    select={select.clone()} dispatch={dispatch.clone()} />
            }
        </section>
    };
    let side = has(Control::Lesson) || has(Control::Quorum) || has(Control::Partition);
    let body = html! {
        <main class="grid">
            // First: every new cluster starts here (folded by default).
            // Its fields keep what was typed: a cluster replaced from
            // outside (the embedder's `set`) starts them afresh.
            if has(Control::Settings) {
                <SettingsPanel key={shared.generation()} frame={slow.clone()} dispatch={dispatch.clone()} />
            }
            { stage }
            if side {
                <div class="side">
                    if has(Control::Lesson) { <LessonPanel frame={slow.clone()} dispatch={dispatch.clone()} /> }
                    if has(Control::Quorum) { <QuorumPanel frame={slow.clone()} dispatch={dispatch.clone()} /> }
                    if has(Control::Partition) { <PartitionPanel frame={slow.clone()} dispatch={dispatch.clone()} /> }
                </div>
            }
            if has(Control::Client) { <ClientPanel frame={slow.clone()} dispatch={dispatch.clone()} /> }
            if has(Control::Logs) { <LogsPanel frame={slow.clone()} /> }
            if has(Control::Console) { <ConsolePanel frame={slow.clone()} dispatch={dispatch.clone()} /> }
            if has(Control::Deploy) { <DeployPanel frame={slow.clone()} /> }
            if has(Control::Downloads) { <DownloadsPanel frame={slow.clone()} dispatch={dispatch.clone()} export={(*export).clone()} /> }
            if has(Control::Events) { <EventLog frame={slow.clone()} /> }
        </main>
    };
    // The way out of a compact frame: the same run, whole.
    let open_full = (view == View::Compact).then(|| {
        html! { <OpenFull frame={slow.clone()} query={(*share_query).clone()} base={props.base.clone()} /> }
    });
    html! {
        <ContextProvider<Lang> context={*lang}>
        <div class={classes!("page", format!("view-{}", view.word()))} lang={lang.code()}
            data-view={view.word()} data-controls={props.controls.words()}
            data-trace-hash={frame.trace_hash.clone()} data-virtual-ms={frame.view.time.to_string()}>
            { header }
            { notices }
            { body }
            { open_full.unwrap_or_default() }
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
    /// The frame callback; taking it out drops it (and its token).
    frame: Rc<RefCell<Option<FrameFn>>>,
    /// The frame requested and not yet run.
    request: Rc<Cell<Option<i32>>>,
}

impl Loop {
    /// Cancels the frame requested and drops the callback now, rather than
    /// at its next frame: a destroyed instance leaves nothing behind.
    fn stop(self) {
        if let (Some(w), Some(id)) = (web_sys::window(), self.request.take()) {
            let _ = w.cancel_animation_frame(id);
        }
        // If this runs inside the callback itself (a frame that paused the
        // clock), wasm-bindgen frees it once that call returns.
        self.frame.borrow_mut().take();
    }
}

type FrameFn = Closure<dyn FnMut(f64)>;

type FrameSetter = UseStateSetter<FrameRef>;

fn animate(shared: &Shared, (setter, panels): (FrameSetter, FrameSetter)) -> Loop {
    let frame: Rc<RefCell<Option<FrameFn>>> = Rc::new(RefCell::new(None));
    let request: Rc<Cell<Option<i32>>> = Rc::new(Cell::new(None));
    let mut last: Option<f64> = None;
    let mut panels_at = f64::NEG_INFINITY;
    let (again, requested) = (frame.clone(), request.clone());
    let (sim, id) = (shared.sim().clone(), shared.id());
    let token: LoopToken = shared.loop_token();
    *frame.borrow_mut() = Some(Closure::new(move |now: f64| {
        let _alive = &token;
        requested.set(None);
        registry::enter(id);
        let prev = last.replace(now);
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
        request_frame(&again, &requested);
    }));
    request_frame(&frame, &request);
    Loop { frame, request }
}

fn request_frame(frame: &Rc<RefCell<Option<FrameFn>>>, request: &Cell<Option<i32>>) {
    if let (Some(w), Some(f)) = (web_sys::window(), frame.borrow().as_ref()) {
        request.set(w.request_animation_frame(f.as_ref().unchecked_ref()).ok());
    }
}
