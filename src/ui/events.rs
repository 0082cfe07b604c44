//! The event log: the trace in plain words, filterable by kind and text.

use std::collections::BTreeSet;

use yew::prelude::*;

use super::{checked_of, time, use_lang, value_of};
use crate::i18n::Key;
use crate::model::log_lines::Category;
use crate::model::FrameRef;

/// Properties of [`EventLog`].
#[derive(Clone, PartialEq, Properties)]
pub struct EventLogProps {
    /// The frame.
    pub frame: FrameRef,
}

const SHOWN: usize = 80;

/// A category's name in the filter ([`Category::label`] stays its class).
fn category_name(c: Category) -> Key {
    match c {
        Category::Election => Key::CatElections,
        Category::Message => Key::CatMessages,
        Category::Drop => Key::CatDrops,
        Category::Log => Key::CatCommits,
        Category::Client => Key::CatClients,
        Category::Membership => Key::CatMembership,
        Category::Fault => Key::CatFaults,
    }
}

/// The event log, newest first.
#[component]
pub fn EventLog(props: &EventLogProps) -> Html {
    let lang = use_lang();
    let t = |k: Key| k.text(lang);
    let hidden = use_state(|| BTreeSet::from([Category::Message]));
    let text = use_state(String::new);
    let needle = text.to_lowercase();
    let lines = props
        .frame
        .events
        .iter()
        .rev()
        .filter(|l| !hidden.contains(&l.cat))
        .filter(|l| needle.is_empty() || l.text(lang).to_lowercase().contains(&needle))
        .take(SHOWN);
    let on_text = {
        let text = text.clone();
        Callback::from(move |e: InputEvent| text.set(value_of(&e)))
    };
    html! {
        <section class="panel events" aria-labelledby="events-h">
            <h2 id="events-h">{ t(Key::EventLog) }</h2>
            <div class="filters" role="group" aria-label={t(Key::ShowEvents)}>
                { for Category::ALL.iter().map(|&c| {
                    let onchange = {
                        let hidden = hidden.clone();
                        Callback::from(move |e: Event| {
                            let mut next = (*hidden).clone();
                            if checked_of(&e) { next.remove(&c); } else { next.insert(c); }
                            hidden.set(next);
                        })
                    };
                    html! {
                        <label class={classes!("cat", format!("cat-{}", c.label()))}>
                            <input type="checkbox" checked={!hidden.contains(&c)} {onchange} />
                            { t(category_name(c)) }
                        </label>
                    }
                }) }
                <input type="search" class="grep" placeholder={t(Key::FilterPlaceholder)}
                    aria-label={t(Key::FilterLabel)} value={(*text).clone()} oninput={on_text} />
            </div>
            <ol class="lines" aria-live="off">
                { for lines.map(|l| html! {
                    <li class={format!("cat-{}", l.cat.label())} key={l.seq}>
                        <time>{ time(l.time) }</time>{ l.text(lang) }
                    </li>
                }) }
            </ol>
        </section>
    }
}
