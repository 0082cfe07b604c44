//! What a panic leaves on screen. A panic in wasm stops the whole module,
//! so the overlay is written straight into the DOM by the panic hook, from
//! a copy of the context (seed and recent actions) kept outside the
//! simulation, which may be borrowed when the panic happens.
//!
//! The overlay speaks the language of the playgrounds on the page, read
//! from their root elements' `lang` attribute (the components' context is
//! gone by then); when that is unknown, or playgrounds on one page differ,
//! it says everything in both languages. The playgrounds are found through
//! the [registry](crate::embed::registry) of mounted roots (a search of
//! the document would not see into the shadow roots of embedded ones),
//! and the overlay goes into the one that was running when the panic
//! happened, or over the whole page for the full page.

use std::cell::RefCell;

use crate::embed::registry;
use crate::i18n::{Key, Lang};
use crate::model::Sim;

thread_local! {
    static CONTEXT: RefCell<(u64, Vec<String>)> = const { RefCell::new((0, Vec::new())) };
}

/// Remembers the seed and recent actions for the overlay.
pub fn remember(sim: &Sim) {
    let seed = sim.cluster().config().seed;
    let actions: Vec<String> = sim.recent_actions().map(str::to_owned).collect();
    CONTEXT.with(|c| {
        if let Ok(mut c) = c.try_borrow_mut() {
            *c = (seed, actions);
        }
    });
}

/// `key` in `lang`, or in both languages when it is unknown.
fn say(key: Key, lang: Option<Lang>) -> String {
    match lang {
        Some(l) => key.text(l),
        None => format!("{} / {}", key.text(Lang::En), key.text(Lang::Zh)),
    }
}

/// The overlay's text for a panic `message`, in `lang` (both if `None`).
pub fn report(message: &str, lang: Option<Lang>) -> String {
    let (seed, actions) =
        CONTEXT.with(|c| c.try_borrow().map(|c| c.clone()).unwrap_or((0, Vec::new())));
    let actions: String = actions.iter().map(|a| format!("  {a}\n")).collect();
    let report = Key::CrashReport(message.into(), seed, actions);
    match lang {
        Some(l) => report.text(l),
        None => format!("{}\n\n{}", report.text(Lang::En), report.text(Lang::Zh)),
    }
}

/// The language of the playgrounds on the page, from their root
/// elements' `lang`; `None` if there is none, or they differ.
pub fn page_lang() -> Option<Lang> {
    let document = web_sys::window()?.document()?;
    let mut pages: Vec<web_sys::Element> = Vec::new();
    let mut add = |list: web_sys::NodeList| {
        pages.extend(
            (0..list.length())
                .filter_map(|i| list.item(i))
                .filter_map(|n| wasm_bindgen::JsCast::dyn_into::<web_sys::Element>(n).ok()),
        )
    };
    // Roots made outside `mount` (tests) are in the document; embedded
    // ones only in the registry.
    if let Ok(list) = document.query_selector_all(".page[lang]") {
        add(list);
    }
    for root in registry::roots() {
        if let Ok(list) = root.query_selector_all(".page[lang]") {
            add(list);
        }
    }
    let mut langs = pages
        .iter()
        .map(|e| e.get_attribute("lang").and_then(|l| Lang::parse(&l)));
    let first = langs.next()??;
    langs.all(|l| l == Some(first)).then_some(first)
}

/// What the panic hook does with a panic `message`: the overlay, in the
/// page's language.
pub fn overlay(message: &str) {
    let lang = page_lang();
    show(&report(message, lang), lang);
}

/// Installs the panic hook.
pub fn install() {
    std::panic::set_hook(Box::new(|info| overlay(&info.to_string())));
}

/// Puts the overlay with `text` on the page, its own words in `lang`
/// (both if `None`).
pub fn show(text: &str, lang: Option<Lang>) {
    let Some(document) = web_sys::window().and_then(|w| w.document()) else {
        return;
    };
    let Some(body) = document.body() else { return };
    let Ok(overlay) = document.create_element("div") else {
        return;
    };
    overlay.set_id("crash");
    // An embedded playground shows it over itself only; the full page
    // over the whole window.
    let parent: web_sys::Element = match registry::running_root() {
        Some(root) if !root.has_attribute(crate::PAGE_ATTRIBUTE) => {
            let _ = overlay.set_attribute("class", "in-instance");
            root
        }
        _ => body.into(),
    };
    let _ = overlay.set_attribute("role", "alertdialog");
    let _ = overlay.set_attribute("aria-label", &say(Key::CrashLabel, lang));
    if let Some(l) = lang {
        let _ = overlay.set_attribute("lang", l.code());
    }
    if let Ok(title) = document.create_element("h2") {
        title.set_text_content(Some(&say(Key::CrashTitle, lang)));
        let _ = overlay.append_child(&title);
    }
    if let Ok(pre) = document.create_element("pre") {
        pre.set_text_content(Some(text));
        let _ = overlay.append_child(&pre);
    }
    if let Ok(button) = document.create_element("button") {
        button.set_text_content(Some(&say(Key::Reload, lang)));
        let _ = button.set_attribute("onclick", "location.reload()");
        let _ = overlay.append_child(&button);
    }
    let _ = parent.append_child(&overlay);
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{ErrorAt, PageSettings};
    use raft_sim::Action;

    #[test]
    fn report_names_the_seed_and_recent_actions() {
        let mut sim = Sim::new(PageSettings {
            seed: 4242,
            ..PageSettings::default()
        })
        .unwrap();
        sim.act(ErrorAt::Inspector, Action::Crash { node: 2 })
            .unwrap();
        remember(&sim);
        let text = report("index out of bounds", Some(Lang::En));
        assert!(text.contains("index out of bounds"));
        assert!(text.contains("Seed: 4242"));
        assert!(text.contains("\"crash\""), "{text}");
        let zh = report("index out of bounds", Some(Lang::Zh));
        assert!(zh.contains("种子：4242"), "{zh}");
        // A page whose language is unknown gets both.
        let both = report("index out of bounds", None);
        assert!(both.contains("Seed: 4242") && both.contains("种子：4242"));
    }
}
