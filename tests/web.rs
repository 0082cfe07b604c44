//! The page's components in headless Chromium (wasm-bindgen-test): render a
//! seeded cluster, click things, and check what the DOM shows, through the
//! same data attributes the end-to-end test and embedders rely on.
#![cfg(target_arch = "wasm32")]

use gloo_timers::future::TimeoutFuture;
use raft_playground::app::{App, AppProps};
use raft_playground::model::PageSettings;
use wasm_bindgen::JsCast;
use wasm_bindgen_test::*;
use web_sys::{Element, HtmlElement, HtmlInputElement};

wasm_bindgen_test_configure!(run_in_browser);

fn mount(settings: PageSettings, autoplay: bool, speed: f64) -> Element {
    let document = web_sys::window().unwrap().document().unwrap();
    let root = document.create_element("div").unwrap();
    document.body().unwrap().append_child(&root).unwrap();
    let props = AppProps {
        settings,
        speed,
        autoplay,
        traffic: 0,
        notice: None,
        lang: Default::default(),
        pause_on: Vec::new(),
        lesson: None,
        ..AppProps::default()
    };
    yew::Renderer::<App>::with_root_and_props(root.clone(), props).render();
    root
}

fn settings(members: u64, seed: u64) -> PageSettings {
    PageSettings {
        members,
        seed,
        ..PageSettings::default()
    }
}

fn find(root: &Element, selector: &str) -> Element {
    root.query_selector(selector)
        .unwrap()
        .unwrap_or_else(|| panic!("nothing matches {selector}"))
}

fn attr(root: &Element, selector: &str, name: &str) -> String {
    find(root, selector).get_attribute(name).unwrap_or_default()
}

/// A bubbling click, which is what Yew listens for (also on SVG elements).
fn click(el: &Element) {
    let init = web_sys::MouseEventInit::new();
    init.set_bubbles(true);
    let ev = web_sys::MouseEvent::new_with_mouse_event_init_dict("click", &init).unwrap();
    el.dispatch_event(&ev).unwrap();
}

fn button(root: &Element, text: &str) -> HtmlElement {
    let all = root.query_selector_all("button").unwrap();
    (0..all.length())
        .filter_map(|i| all.item(i))
        .map(|n| n.unchecked_into::<HtmlElement>())
        .find(|b| b.text_content().unwrap_or_default().trim() == text)
        .unwrap_or_else(|| panic!("no button {text:?}"))
}

async fn settle() {
    yew::scheduler::flush().await;
}

async fn wait_for(what: &str, mut done: impl FnMut() -> bool) {
    for _ in 0..200 {
        settle().await;
        if done() {
            return;
        }
        TimeoutFuture::new(25).await;
    }
    panic!("timed out waiting for {what}");
}

#[wasm_bindgen_test]
async fn renders_a_seeded_cluster_and_crash_changes_its_state() {
    let root = mount(settings(3, 7), false, 1.0);
    settle().await;
    let members = root.query_selector_all("[data-node-id]").unwrap();
    assert_eq!(members.length(), 3);
    assert_eq!(attr(&root, "[data-node-id='2']", "data-role"), "follower");
    assert_eq!(attr(&root, "[data-node-id='2']", "data-term"), "1");
    assert_eq!(find(&root, "#leader").text_content().unwrap(), "");
    assert_eq!(attr(&root, "[data-quorum]", "data-quorum"), "ok");

    // Select n2, crash it: it is drawn down, the quorum survives one loss.
    click(&find(&root, "[data-node-id='2']"));
    settle().await;
    assert!(find(&root, ".inspector h3")
        .text_content()
        .unwrap()
        .starts_with("n2"));
    button(&root, "Crash").click();
    settle().await;
    assert_eq!(attr(&root, "[data-node-id='2']", "data-role"), "down");
    assert_eq!(attr(&root, "[data-quorum]", "data-quorum"), "ok");

    // A second crash leaves one of three: no quorum, and the panel says so.
    click(&find(&root, "[data-node-id='3']"));
    settle().await;
    button(&root, "Crash").click();
    settle().await;
    assert_eq!(attr(&root, "[data-quorum]", "data-quorum"), "lost");
    let verdict = find(&root, ".verdict").text_content().unwrap();
    assert!(
        verdict.contains("Quorum lost: writes cannot commit"),
        "{verdict}"
    );

    // Restart is offered for a down member and brings it back.
    button(&root, "Restart").click();
    settle().await;
    assert_eq!(attr(&root, "[data-node-id='3']", "data-role"), "follower");
    assert_eq!(attr(&root, "[data-quorum]", "data-quorum"), "ok");
}

#[wasm_bindgen_test]
async fn playing_elects_a_leader_that_the_page_names() {
    let root = mount(settings(5, 3), true, 20.0);
    wait_for("a leader", || {
        !find(&root, "#leader").text_content().unwrap().is_empty()
    })
    .await;
    let id = find(&root, "#leader").text_content().unwrap();
    assert_eq!(
        attr(&root, &format!("[data-node-id='{id}']"), "data-role"),
        "leader"
    );
    // Pausing stops virtual time.
    button(&root, "Pause").click();
    settle().await;
    let t = find(&root, "#virtual-time").text_content().unwrap();
    TimeoutFuture::new(150).await;
    settle().await;
    assert_eq!(find(&root, "#virtual-time").text_content().unwrap(), t);
}

/// Fires a bubbling event of type `kind` (Yew's handlers are delegated).
fn fire(el: &Element, kind: &str) {
    let init = web_sys::EventInit::new();
    init.set_bubbles(true);
    let ev = web_sys::Event::new_with_event_init_dict(kind, &init).unwrap();
    el.dispatch_event(&ev).unwrap();
}

#[wasm_bindgen_test]
async fn bad_client_input_is_reported_next_to_the_form() {
    let root = mount(settings(3, 1), false, 1.0);
    settle().await;
    // No leader yet and "send to the leader": the error says so.
    button(&root, "Send").click();
    settle().await;
    let error = find(&root, ".client .error").text_content().unwrap();
    assert!(error.contains("no leader"), "{error}");

    // Send to n1 with an empty key: the error names the key, and nothing
    // reaches the cluster (no request row).
    // The last select of the form is "send to".
    let selects = root.query_selector_all(".request select").unwrap();
    let target: Element = selects.item(selects.length() - 1).unwrap().unchecked_into();
    target
        .unchecked_ref::<web_sys::HtmlSelectElement>()
        .set_value("1");
    fire(&target, "change");
    let key: HtmlInputElement = find(&root, ".request .grow input").unchecked_into();
    key.set_value("");
    fire(&key, "input");
    settle().await;
    button(&root, "Send").click();
    settle().await;
    let error = find(&root, ".client .error").text_content().unwrap();
    assert!(error.contains("key"), "{error}");
    assert!(root
        .query_selector(".results tr[data-op-id]")
        .unwrap()
        .is_none());
}

#[wasm_bindgen_test]
async fn the_url_notice_can_be_dismissed() {
    let document = web_sys::window().unwrap().document().unwrap();
    let root = document.create_element("div").unwrap();
    document.body().unwrap().append_child(&root).unwrap();
    let props = AppProps::from_query("?speed=0&members=3", None);
    yew::Renderer::<App>::with_root_and_props(root.clone(), props).render();
    settle().await;
    let notice = find(&root, ".notice").text_content().unwrap();
    assert!(notice.contains("speed=0"), "{notice}");
    button(&root, "Dismiss").click();
    settle().await;
    assert!(root.query_selector(".notice").unwrap().is_none());
}

#[wasm_bindgen_test]
async fn a_crash_leaves_an_overlay_with_the_seed_and_recent_actions() {
    let root = mount(settings(3, 99), false, 1.0);
    settle().await;
    click(&find(&root, "[data-node-id='1']"));
    settle().await;
    button(&root, "Isolate").click();
    settle().await;
    // What the panic hook does, minus the panic (which would end the test).
    raft_playground::crash::overlay("boom");
    let document = web_sys::window().unwrap().document().unwrap();
    let overlay = document.get_element_by_id("crash").expect("overlay shown");
    let text = overlay.text_content().unwrap();
    assert!(text.contains("boom"), "{text}");
    assert!(text.contains("Seed: 99"), "{text}");
    assert!(text.contains("isolate"), "{text}");
    overlay.remove();
}

#[wasm_bindgen_test]
async fn tab_reaches_the_members_before_the_links() {
    let root = mount(settings(9, 1), false, 1.0);
    settle().await;
    let all = root
        .query_selector_all(".cluster svg [tabindex='0']")
        .unwrap();
    let order: Vec<String> = (0..all.length())
        .filter_map(|i| all.item(i))
        .map(|n| n.unchecked_into::<Element>())
        .map(|e| match e.get_attribute("data-node-id") {
            Some(id) => format!("n{id}"),
            None => "link".into(),
        })
        .collect();
    assert_eq!(order.len(), 9 + 36, "{order:?}");
    assert!(
        order[..9].iter().all(|o| o != "link"),
        "members first: {order:?}"
    );
}

/// The focused element, if any besides the body.
fn focused() -> Option<Element> {
    let document = web_sys::window().unwrap().document().unwrap();
    document.active_element().filter(|a| {
        Some(a)
            != document
                .body()
                .map(|b| b.unchecked_into::<Element>())
                .as_ref()
    })
}

fn press(el: &Element, key: &str) {
    let init = web_sys::KeyboardEventInit::new();
    init.set_bubbles(true);
    init.set_key(key);
    let ev = web_sys::KeyboardEvent::new_with_keyboard_event_init_dict("keydown", &init).unwrap();
    el.dispatch_event(&ev).unwrap();
}

#[wasm_bindgen_test]
async fn after_crash_the_focus_stays_in_the_card() {
    let root = mount(settings(3, 5), false, 1.0);
    settle().await;
    click(&find(&root, "[data-node-id='2']"));
    settle().await;
    // As a keyboard user would: focus Crash and press it. The button is
    // disabled once the member is down.
    let crash = button(&root, "Crash");
    crash.focus().unwrap();
    crash.click();
    settle().await;
    // Chromium moves the focus off a disabled button at its next rendering
    // step: wait for a few frames.
    TimeoutFuture::new(100).await;
    assert_eq!(attr(&root, "[data-node-id='2']", "data-role"), "down");
    let at = focused().expect("the focus fell to the page's body");
    assert!(
        !at.matches(":disabled").unwrap(),
        "focus stays on a disabled button"
    );
    assert!(
        find(&root, ".inspector").contains(Some(&at)),
        "focus is on {:?}",
        at.outer_html()
    );
}

#[wasm_bindgen_test]
async fn escape_closes_the_card_and_returns_to_the_member() {
    let root = mount(settings(3, 5), false, 1.0);
    settle().await;
    click(&find(&root, "[data-node-id='3']"));
    settle().await;
    let isolate = button(&root, "Isolate");
    isolate.focus().unwrap();
    press(&isolate, "Escape");
    settle().await;
    assert!(root.query_selector(".inspector.hint").unwrap().is_some());
    let at = focused().expect("the focus fell to the page's body");
    assert_eq!(at.get_attribute("data-node-id").as_deref(), Some("3"));

    // Escape on the member in the drawing closes its card too.
    click(&find(&root, "[data-node-id='3']"));
    settle().await;
    assert!(root.query_selector(".inspector.hint").unwrap().is_none());
    press(&find(&root, "[data-node-id='3']"), "Escape");
    settle().await;
    assert!(root.query_selector(".inspector.hint").unwrap().is_some());
}

#[wasm_bindgen_test]
async fn the_value_limit_holds_while_typing() {
    let root = mount(settings(3, 2), false, 1.0);
    settle().await;
    let inputs = root.query_selector_all(".request .grow input").unwrap();
    let value: HtmlInputElement = inputs.item(1).unwrap().unchecked_into();
    assert_eq!(
        value.get_attribute("maxlength").as_deref(),
        Some(raft_sim::client::MAX_VALUE_BYTES.to_string().as_str())
    );
    // Under maxlength in characters, over the limit in bytes: the error
    // shows as soon as it is typed, before Send.
    value.set_value(&"é".repeat(600));
    fire(&value, "input");
    settle().await;
    let note = find(&root, "#value-note");
    assert!(note
        .get_attribute("class")
        .unwrap_or_default()
        .contains("error"));
    let text = note.text_content().unwrap();
    assert!(text.contains("1200 bytes"), "{text}");
}

#[wasm_bindgen_test]
async fn switching_the_language_keeps_the_simulation_running_as_it_is() {
    let root = mount(settings(5, 3), true, 20.0);
    wait_for("a leader", || {
        !find(&root, "#leader").text_content().unwrap().is_empty()
    })
    .await;
    assert_eq!(attr(&root, ".page", "lang"), "en");
    let leader = find(&root, "#leader").text_content().unwrap();
    let term = attr(&root, &format!("[data-node-id='{leader}']"), "data-term");
    let clock = || {
        let t = find(&root, "#virtual-time").text_content().unwrap();
        t.trim_end_matches(" s").parse::<f64>().unwrap()
    };
    let before = clock();

    let pick = find(&root, ".lang-pick");
    pick.unchecked_ref::<web_sys::HtmlSelectElement>()
        .set_value("zh");
    fire(&pick, "change");
    settle().await;
    assert_eq!(attr(&root, ".page", "lang"), "zh");
    assert_eq!(find(&root, ".settings h2").text_content().unwrap(), "设置");
    // The same cluster, still running: a rebuilt one would start again
    // at 0 s without a leader.
    wait_for("the clock to move on", || clock() > before + 0.5).await;
    assert_eq!(find(&root, "#leader").text_content().unwrap(), leader);
    assert_eq!(
        attr(&root, &format!("[data-node-id='{leader}']"), "data-term"),
        term
    );
    assert_eq!(
        attr(&root, &format!("[data-node-id='{leader}']"), "data-role"),
        "leader"
    );
}

#[wasm_bindgen_test]
async fn a_pause_on_checkbox_stops_the_clock_at_the_election_and_says_why() {
    let root = mount(settings(5, 3), false, 20.0);
    settle().await;
    let boxes = root.query_selector_all("[data-pause-on]").unwrap();
    assert_eq!(boxes.length(), 4);
    click(&find(&root, "[data-pause-on='leader-change']"));
    settle().await;
    assert!(find(&root, "[data-pause-on='leader-change']")
        .unchecked_into::<HtmlInputElement>()
        .checked());
    button(&root, "Play").click();
    wait_for("the pause on the new leader", || {
        root.query_selector("#pause-reason").unwrap().is_some()
    })
    .await;
    let leader = find(&root, "#leader").text_content().unwrap();
    let reason = find(&root, "#pause-reason").text_content().unwrap();
    assert!(
        reason.contains(&format!("n{leader} became leader")),
        "{reason}"
    );
    assert_eq!(
        attr(&root, "#pause-reason", "data-paused-on"),
        "leader-change"
    );
    // The clock stays where the moment happened.
    let t = find(&root, "#virtual-time").text_content().unwrap();
    TimeoutFuture::new(150).await;
    settle().await;
    assert_eq!(find(&root, "#virtual-time").text_content().unwrap(), t);
    button(&root, "Play").click();
    settle().await;
    assert!(root.query_selector("#pause-reason").unwrap().is_none());
}

#[wasm_bindgen_test]
async fn the_lesson_list_opens_a_lesson_and_shows_its_first_step() {
    let root = mount(settings(3, 7), false, 1.0);
    settle().await;
    assert_eq!(attr(&root, ".lesson", "data-lesson-step"), "");
    click(&find(&root, "[data-lesson='elections']"));
    settle().await;
    assert_eq!(attr(&root, ".lesson", "data-lesson-open"), "elections");
    assert_eq!(attr(&root, ".lesson", "data-lesson-step"), "1");
    // The lesson's own cluster: five members.
    assert_eq!(
        root.query_selector_all("[data-node-id]").unwrap().length(),
        5
    );
    let say = find(&root, ".lesson .say").text_content().unwrap();
    assert!(say.starts_with("Five members"), "{say}");
    button(&root, "Leave lesson").click();
    settle().await;
    assert_eq!(attr(&root, ".lesson", "data-lesson-step"), "");
}

// --- Embedding (src/embed): instances mounted by `mount` into shadow roots,
// as the custom element does, driven through their `Handle`.

mod embedded {
    use super::*;
    use raft_playground::embed::{mount_pairs, Handle};
    use std::cell::RefCell;
    use std::rc::Rc;
    use wasm_bindgen::closure::Closure;
    use wasm_bindgen::JsValue;

    /// A host element in the document with an open shadow root, and the
    /// div inside it that an instance mounts into.
    fn shadow_host() -> (Element, Element) {
        let document = web_sys::window().unwrap().document().unwrap();
        let host = document.create_element("div").unwrap();
        document.body().unwrap().append_child(&host).unwrap();
        let shadow = host
            .attach_shadow(&web_sys::ShadowRootInit::new(web_sys::ShadowRootMode::Open))
            .unwrap();
        let root = document.create_element("div").unwrap();
        shadow.append_child(&root).unwrap();
        (host, root)
    }

    fn embed(options: &[(&str, &str)]) -> (Element, Element, Handle) {
        let (host, root) = shadow_host();
        let pairs = options
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect();
        let handle = mount_pairs(&root, &host, pairs);
        (host, root, handle)
    }

    fn get(obj: &JsValue, key: &str) -> JsValue {
        js_sys::Reflect::get(obj, &key.into()).unwrap()
    }

    #[wasm_bindgen_test]
    async fn two_instances_in_shadow_roots_elect_their_own_leaders_on_their_own_clocks() {
        // Speed 5, not more: a debug build on a loaded machine spends long
        // frames advancing two clusters 2 s at a time, and the test outlived
        // the runner's time limit once at speed 20.
        let (_, a_root, a) = embed(&[("members", "3"), ("seed", "3"), ("speed", "5")]);
        let (_, b_root, b) = embed(&[("members", "5"), ("seed", "11"), ("speed", "5")]);
        wait_for("two leaders", || {
            a.snapshot().leader.is_some() && b.snapshot().leader.is_some()
        })
        .await;
        // Each draws its own cluster, inside its own shadow root.
        assert_eq!(
            a_root
                .query_selector_all("[data-node-id]")
                .unwrap()
                .length(),
            3
        );
        assert_eq!(
            b_root
                .query_selector_all("[data-node-id]")
                .unwrap()
                .length(),
            5
        );
        let leader = a.snapshot().leader.unwrap().to_string();
        wait_for("a's drawing names its leader", || {
            find(&a_root, "#leader").text_content().unwrap() == leader
        })
        .await;
        assert_ne!(a.snapshot().trace_hash, b.snapshot().trace_hash);
        // Pausing one leaves the other's clock running.
        a.pause();
        let (ta, tb) = (a.snapshot().virtual_ms, b.snapshot().virtual_ms);
        TimeoutFuture::new(200).await;
        settle().await;
        assert_eq!(a.snapshot().virtual_ms, ta);
        assert!(b.snapshot().virtual_ms > tb);
        assert!(!a.snapshot().playing && b.snapshot().playing);
        a.destroy();
        b.destroy();
    }

    #[wasm_bindgen_test]
    async fn clicks_inside_a_shadow_root_reach_the_components() {
        let (_, root, h) = embed(&[("members", "3"), ("seed", "7"), ("paused", "on")]);
        settle().await;
        click(&find(&root, "[data-node-id='2']"));
        settle().await;
        assert!(find(&root, ".inspector h3")
            .text_content()
            .unwrap()
            .starts_with("n2"));
        button(&root, "Crash").click();
        settle().await;
        assert_eq!(attr(&root, "[data-node-id='2']", "data-role"), "down");
        assert_eq!(h.snapshot().members[1].role, "down");
        h.destroy();
    }

    #[wasm_bindgen_test]
    async fn act_changes_the_cluster_and_a_bad_line_throws_naming_the_column() {
        let (_, root, h) = embed(&[("members", "3"), ("seed", "7"), ("paused", "on")]);
        settle().await;
        h.act("crash n1").unwrap();
        assert_eq!(h.snapshot().members[0].role, "down");
        settle().await;
        assert_eq!(attr(&root, "[data-node-id='1']", "data-role"), "down");
        let err: JsValue = h.act("crash nine").unwrap_err().into();
        let message = String::from(err.dyn_into::<js_sys::Error>().unwrap().message());
        assert!(message.contains("column 7"), "{message}");
        h.destroy();
    }

    #[wasm_bindgen_test]
    async fn state_has_the_documented_fields() {
        let (_, _, h) = embed(&[
            ("members", "3"),
            ("seed", "7"),
            ("paused", "on"),
            ("lang", "zh"),
        ]);
        settle().await;
        let s = h.state();
        assert_eq!(get(&s, "virtualMs").as_f64(), Some(0.0));
        assert_eq!(get(&s, "traceHash").as_string().unwrap().len(), 16);
        assert!(get(&s, "leader").is_null());
        assert_eq!(get(&s, "term").as_f64(), Some(1.0));
        assert_eq!(get(&s, "playing").as_bool(), Some(false));
        assert_eq!(get(&s, "quorum").as_bool(), Some(true));
        assert_eq!(get(&s, "lang").as_string().as_deref(), Some("zh"));
        assert!(get(&s, "lesson").is_null() && get(&s, "lessonStep").is_null());
        let members: js_sys::Array = get(&s, "members").dyn_into().unwrap();
        assert_eq!(members.length(), 3);
        let first = members.get(0);
        assert_eq!(get(&first, "id").as_f64(), Some(1.0));
        assert_eq!(get(&first, "role").as_string().as_deref(), Some("follower"));
        // The founding configuration is entry 1, committed from the start.
        assert_eq!(get(&first, "commit").as_f64(), Some(1.0));
        assert_eq!(get(&first, "term").as_f64(), Some(1.0));
        h.destroy();
    }

    #[wasm_bindgen_test]
    async fn set_switches_the_language_in_place_and_new_settings_make_a_new_cluster() {
        let (_, root, h) = embed(&[("members", "3"), ("seed", "7"), ("paused", "on")]);
        settle().await;
        h.act("crash n2").unwrap();
        let lang = js_sys::Object::new();
        js_sys::Reflect::set(&lang, &"lang".into(), &"zh".into()).unwrap();
        h.set(lang.into());
        settle().await;
        assert_eq!(attr(&root, ".page", "lang"), "zh");
        assert_eq!(h.snapshot().lang, "zh");
        // In place: the crashed member is still down.
        assert_eq!(h.snapshot().members[1].role, "down");
        h.set_pairs(vec![("members".into(), "5".into())]);
        settle().await;
        assert_eq!(
            root.query_selector_all("[data-node-id]").unwrap().length(),
            5
        );
        assert_eq!(h.snapshot().members[1].role, "follower");
        // The settings form shows the new cluster's settings.
        let members: HtmlInputElement = find(&root, "#set-members").dyn_into().unwrap();
        assert_eq!(members.value(), "5");
        assert_eq!(attr(&root, ".page", "lang"), "zh");
        h.destroy();
    }

    #[wasm_bindgen_test]
    async fn views_and_controls_choose_what_shows_and_bad_names_get_a_notice() {
        let (_, root, h) = embed(&[
            ("view", "compact"),
            ("controls", "partition,teleport"),
            ("base", "https://example.org/raft/"),
            ("seed", "5"),
        ]);
        settle().await;
        assert_eq!(attr(&root, ".page", "data-view"), "compact");
        assert!(root
            .query_selector(".panel.partition, .partition")
            .unwrap()
            .is_some());
        assert!(root.query_selector("[data-quorum]").unwrap().is_none());
        assert!(root.query_selector("#virtual-time").unwrap().is_some());
        let href = attr(&root, ".open-full a", "href");
        assert!(href.starts_with("https://example.org/raft/?"), "{href}");
        assert!(href.contains("seed=5"), "{href}");
        let notice = find(&root, ".notice").text_content().unwrap();
        assert!(notice.contains("teleport"), "{notice}");
        h.set_pairs(vec![
            ("view".into(), "cluster".into()),
            ("controls".into(), "".into()),
        ]);
        settle().await;
        assert_eq!(attr(&root, ".page", "data-view"), "cluster");
        assert!(root.query_selector("#virtual-time").unwrap().is_none());
        assert!(root.query_selector(".inspector").unwrap().is_none());
        assert_eq!(
            root.query_selector_all("[data-node-id]").unwrap().length(),
            5
        );
        h.destroy();
    }

    #[wasm_bindgen_test]
    async fn destroy_empties_the_root_and_drops_the_animation_loop() {
        let (_, root, h) = embed(&[("members", "3"), ("seed", "2"), ("speed", "10")]);
        wait_for("time to run", || h.snapshot().virtual_ms > 0).await;
        let shared = h.shared();
        assert_eq!(shared.running_loops(), 1);
        h.destroy();
        settle().await;
        assert_eq!(root.child_element_count(), 0);
        // The loop's closure is gone, not merely told to stop at its next
        // frame, and the clock stays where it was.
        assert_eq!(shared.running_loops(), 0);
        let t = h.snapshot().virtual_ms;
        TimeoutFuture::new(150).await;
        settle().await;
        assert_eq!(h.snapshot().virtual_ms, t);
        assert!(h.destroyed());
        h.destroy();
    }

    #[wasm_bindgen_test]
    async fn events_reach_the_host_and_bubble_out_of_it() {
        let (host, _, h) = embed(&[("members", "3"), ("seed", "4"), ("speed", "5")]);
        let seen: Rc<RefCell<Vec<JsValue>>> = Rc::default();
        let on_leader = {
            let seen = seen.clone();
            Closure::<dyn FnMut(web_sys::CustomEvent)>::new(move |e: web_sys::CustomEvent| {
                seen.borrow_mut().push(e.detail())
            })
        };
        // Listened for on the body: the event bubbles up from the host.
        let body = web_sys::window()
            .unwrap()
            .document()
            .unwrap()
            .body()
            .unwrap();
        body.add_event_listener_with_callback(
            "raft-leader-change",
            on_leader.as_ref().unchecked_ref(),
        )
        .unwrap();
        wait_for("a leader-change event", || !seen.borrow().is_empty()).await;
        let detail = seen.borrow()[0].clone();
        let leader = get(&detail, "leader").as_f64().unwrap() as u64;
        assert!(get(&detail, "virtualMs").as_f64().unwrap() > 0.0);
        assert_eq!(Some(leader), h.snapshot().leader.or(Some(leader)));
        // A quorum lost by hand is news too.
        let lost: Rc<RefCell<u32>> = Rc::default();
        let on_lost = {
            let lost = lost.clone();
            Closure::<dyn FnMut(web_sys::CustomEvent)>::new(move |_| *lost.borrow_mut() += 1)
        };
        host.add_event_listener_with_callback("raft-quorum-lost", on_lost.as_ref().unchecked_ref())
            .unwrap();
        h.pause();
        let others: Vec<u64> = (1..=3).filter(|&n| n != leader).collect();
        for n in others {
            h.act(&format!("crash n{n}")).unwrap();
        }
        wait_for("a quorum-lost event", || *lost.borrow() == 1).await;
        body.remove_event_listener_with_callback(
            "raft-leader-change",
            on_leader.as_ref().unchecked_ref(),
        )
        .unwrap();
        h.destroy();
    }

    #[wasm_bindgen_test]
    async fn a_panic_in_an_instance_shows_the_overlay_in_that_instance() {
        let (_, other_root, other) = embed(&[("members", "3"), ("seed", "1"), ("paused", "on")]);
        let (_, root, h) = embed(&[("members", "3"), ("seed", "77"), ("paused", "on")]);
        settle().await;
        other.act("crash n3").unwrap();
        h.act("isolate n1").unwrap();
        // What the panic hook does, minus the panic: the overlay goes into
        // the instance that ran last, inside its shadow root.
        raft_playground::crash::overlay("boom");
        let overlay = find(&root, "#crash.in-instance");
        let text = overlay.text_content().unwrap();
        assert!(text.contains("boom") && text.contains("77"), "{text}");
        assert!(text.contains("isolate"), "{text}");
        assert!(other_root.query_selector("#crash").unwrap().is_none());
        overlay.remove();
        other.destroy();
        h.destroy();
    }

    #[wasm_bindgen_test]
    async fn play_right_after_mount_runs_the_clock() {
        // Before the first render.
        let (_, _, a) = embed(&[
            ("members", "3"),
            ("seed", "8"),
            ("paused", "on"),
            ("speed", "10"),
        ]);
        a.play();
        // After the first render, and once more after its effects.
        let (_, _, b) = embed(&[
            ("members", "3"),
            ("seed", "8"),
            ("paused", "on"),
            ("speed", "10"),
        ]);
        settle().await;
        b.play();
        wait_for("both clocks to run", || {
            a.snapshot().virtual_ms > 0 && b.snapshot().virtual_ms > 0
        })
        .await;
        a.destroy();
        b.destroy();
    }
}

/// Mounts the page as a link opens it.
fn mount_query(query: &str) -> Element {
    let document = web_sys::window().unwrap().document().unwrap();
    let root = document.create_element("div").unwrap();
    document.body().unwrap().append_child(&root).unwrap();
    let props = AppProps::from_query(query, None);
    yew::Renderer::<App>::with_root_and_props(root.clone(), props).render();
    root
}

#[wasm_bindgen_test]
async fn a_share_link_opens_on_the_same_trace_hash() {
    use raft_playground::model::{run, Cmd, ErrorAt, Sim};
    use raft_sim::{Action, PauseOn};
    // A run made here, as the page would: time, a crash, traffic, a pause.
    let mut sim = Sim::new(settings(5, 21)).unwrap();
    sim.advance(1_500);
    let leader = sim.cluster().leader().expect("a leader after 1.5 s");
    run(&mut sim, Cmd::Traffic("20".into()));
    sim.advance(700);
    run(
        &mut sim,
        Cmd::Act(ErrorAt::Inspector, Action::Crash { node: leader }),
    );
    run(&mut sim, Cmd::PauseOn(PauseOn::LeaderChange, true));
    sim.advance(3_000);
    let hash = sim.cluster().trace().hash_hex();
    let query = sim.share_query();
    let root = mount_query(&query);
    settle().await;
    let page = find(&root, ".page");
    assert_eq!(
        page.get_attribute("data-trace-hash").unwrap(),
        hash,
        "{query}"
    );
    assert_eq!(
        page.get_attribute("data-virtual-ms").unwrap(),
        sim.cluster().now().to_string()
    );
    // It opens paused at the shared moment, with nothing to complain about.
    assert!(root.query_selector(".notice").unwrap().is_none());
    TimeoutFuture::new(100).await;
    settle().await;
    assert_eq!(attr(&root, ".page", "data-trace-hash"), hash);
    // Its own Share button gives the same run back.
    button(&root, "Share").click();
    settle().await;
    let link = find(&root, ".share-link input")
        .unchecked_into::<HtmlInputElement>()
        .value();
    assert!(link.ends_with(&query), "{link}");
}

#[wasm_bindgen_test]
async fn a_bad_run_in_the_link_is_named_and_the_settings_still_apply() {
    let root = mount_query("?members=3&seed=4&paused=on&run=9_0.0");
    settle().await;
    let notice = find(&root, ".notice").text_content().unwrap();
    assert!(notice.contains("URL setting run=9_0.0"), "{notice}");
    assert!(notice.contains("newer playground"), "{notice}");
    assert_eq!(
        root.query_selector_all("[data-node-id]").unwrap().length(),
        3
    );
    assert_eq!(attr(&root, ".page", "data-virtual-ms"), "0");
}

#[wasm_bindgen_test]
async fn the_kept_run_reopens_when_the_address_says_nothing_of_what_to_run() {
    use raft_playground::model::{run, Cmd, ErrorAt, Sim};
    use raft_playground::storage;
    use raft_sim::Action;
    let mut sim = Sim::new(settings(3, 8)).unwrap();
    sim.set_keeper(Some(storage::keeper()));
    sim.advance(2_000);
    run(
        &mut sim,
        Cmd::Act(ErrorAt::Inspector, Action::Crash { node: 1 }),
    );
    sim.advance(500);
    sim.keep();
    let (query, restored) = storage::page_query("?lang=zh");
    assert!(restored);
    assert!(query.ends_with("&lang=zh"), "{query}");
    let root = mount_query(&query);
    settle().await;
    assert_eq!(
        attr(&root, ".page", "data-trace-hash"),
        sim.cluster().trace().hash_hex()
    );
    // An address with settings of its own keeps the kept run away.
    let (query, restored) = storage::page_query("?seed=3");
    assert!(!restored);
    assert_eq!(query, "?seed=3");
}

/// Types `line` into the console and submits it, as a learner does.
fn type_in_console(root: &Element, line: &str) {
    let input: HtmlInputElement = find(root, "#console-in").unchecked_into();
    input.set_value(line);
    fire(&input, "input");
    button(root, "Run").click();
}

#[wasm_bindgen_test]
async fn the_console_answers_as_etcdctl_under_the_member_that_served_and_recalls_lines() {
    let root = mount(settings(3, 1), true, 20.0);
    wait_for("an election's time", || {
        attr(&root, ".page", "data-virtual-ms")
            .parse::<u64>()
            .unwrap_or(0)
            > 3_000
    })
    .await;
    type_in_console(&root, "put /registry/pods/default/nginx running");
    wait_for("the put's OK", || {
        find(&root, "#console-out")
            .text_content()
            .unwrap_or_default()
            .contains("OK")
    })
    .await;
    type_in_console(
        &root,
        "get /registry/ --prefix --endpoints=192.168.0.102:2379",
    );
    // OK, then the key and its value.
    wait_for("the get's answer", || {
        root.query_selector_all(".console-out .cl.out")
            .unwrap()
            .length()
            == 3
    })
    .await;
    let served = root.query_selector_all(".console-out .served").unwrap();
    let last: Element = served.item(served.length() - 1).unwrap().unchecked_into();
    assert_eq!(last.get_attribute("data-served-by").as_deref(), Some("3"));
    assert!(last.text_content().unwrap().contains("etcd-3"));

    // ↑ brings back the last line typed, ↑ again the one before.
    let input: HtmlInputElement = find(&root, "#console-in").unchecked_into();
    for _ in 0..2 {
        let init = web_sys::KeyboardEventInit::new();
        init.set_key("ArrowUp");
        init.set_bubbles(true);
        let ev =
            web_sys::KeyboardEvent::new_with_keyboard_event_init_dict("keydown", &init).unwrap();
        input.dispatch_event(&ev).unwrap();
        settle().await;
    }
    assert_eq!(input.value(), "put /registry/pods/default/nginx running");
}
