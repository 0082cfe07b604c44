//! What a panic leaves on screen. A panic in wasm stops the whole module,
//! so the overlay is written straight into the DOM by the panic hook, from
//! a copy of the context (seed and recent actions) kept outside the
//! simulation, which may be borrowed when the panic happens.

use std::cell::RefCell;

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

/// The overlay's text for a panic `message`.
pub fn report(message: &str) -> String {
    let (seed, actions) =
        CONTEXT.with(|c| c.try_borrow().map(|c| c.clone()).unwrap_or((0, Vec::new())));
    let mut text = format!(
        "The simulation stopped because of a bug: {message}\n\n\
         Seed: {seed}\nRecent actions (oldest first):\n"
    );
    for a in &actions {
        text.push_str("  ");
        text.push_str(a);
        text.push('\n');
    }
    text.push_str("\nReload the page to start again. Please report this text with the bug.");
    text
}

/// Installs the panic hook.
pub fn install() {
    std::panic::set_hook(Box::new(|info| {
        let text = report(&info.to_string());
        show(&text);
    }));
}

/// Puts the overlay with `text` on the page.
pub fn show(text: &str) {
    let Some(document) = web_sys::window().and_then(|w| w.document()) else {
        return;
    };
    let Some(body) = document.body() else { return };
    let Ok(overlay) = document.create_element("div") else {
        return;
    };
    overlay.set_id("crash");
    let _ = overlay.set_attribute("role", "alertdialog");
    let _ = overlay.set_attribute("aria-label", "The simulation crashed");
    if let Ok(title) = document.create_element("h2") {
        title.set_text_content(Some("Something broke inside the simulation"));
        let _ = overlay.append_child(&title);
    }
    if let Ok(pre) = document.create_element("pre") {
        pre.set_text_content(Some(text));
        let _ = overlay.append_child(&pre);
    }
    if let Ok(button) = document.create_element("button") {
        button.set_text_content(Some("Reload"));
        let _ = button.set_attribute("onclick", "location.reload()");
        let _ = overlay.append_child(&button);
    }
    let _ = body.append_child(&overlay);
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
        let text = report("index out of bounds");
        assert!(text.contains("index out of bounds"));
        assert!(text.contains("Seed: 4242"));
        assert!(text.contains("\"crash\""), "{text}");
    }
}
