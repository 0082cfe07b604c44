//! An instance's options: the URL's setting keys (read by the same
//! [`Query`](crate::model::settings::Query) as the page's URL, from a query
//! string built of the pairs) plus `view`, `controls` and `base`.
//!
//! Options come as `(key, value)` text pairs: an element's attributes, or
//! the plain object given to `mount` (strings, numbers, booleans; see
//! `options_from_js`). Bad values spoil only themselves: each is named in a
//! notice the instance shows, and the rest apply.

use crate::app::AppProps;
use crate::i18n::Key;

use super::controls::{all_words, Controls};
use super::view::View;

/// Keys that are the embedder's, not the instance's: accepted without a
/// word (the loader handles `autoplay`).
const LOADER_KEYS: [&str; 1] = ["autoplay"];

/// The instance's starting properties for `pairs`; `browser_lang` as for
/// [`AppProps::from_query`].
pub fn props_from_pairs(pairs: &[(String, String)], browser_lang: Option<&str>) -> AppProps {
    let mut view = None;
    let mut controls = None;
    let mut base = None;
    let mut notices = Vec::new();
    let mut query = String::new();
    for (key, value) in pairs {
        match key.trim() {
            "view" => match View::parse(value) {
                Some(v) => view = Some(v),
                None => notices.push(Key::EmbedNoSuchView(
                    value.clone(),
                    View::ALL.map(View::word).join(", "),
                )),
            },
            "controls" => {
                let (set, bad) = Controls::parse(value);
                if !bad.is_empty() {
                    notices.push(Key::EmbedNoSuchControl(bad.join(", "), all_words()));
                }
                controls = Some(set);
            }
            "base" => base = Some(value.trim().to_string()),
            k if LOADER_KEYS.contains(&k) => {}
            k => {
                query.push(if query.is_empty() { '?' } else { '&' });
                query.push_str(&encode(k));
                query.push('=');
                query.push_str(&encode(value));
            }
        }
    }
    let mut props = AppProps::from_query(&query, browser_lang);
    let view = view.unwrap_or_default();
    props.view = view;
    props.controls = controls.unwrap_or_else(|| Controls::default_for(view));
    if let Some(b) = base {
        props.base = b;
    }
    if !notices.is_empty() {
        let mut all: Vec<Key> = match props.notice.take() {
            Some(Key::Notices(v)) => v,
            Some(one) => vec![one],
            None => Vec::new(),
        };
        all.extend(notices);
        props.notice = Some(if all.len() == 1 {
            all.remove(0)
        } else {
            Key::Notices(all)
        });
    }
    props
}

/// What changed between two sets of properties, for `Handle::set`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Change {
    /// Nothing.
    None,
    /// Only what an instance changes in place: language, speed, paused,
    /// traffic, view, controls, base.
    InPlace,
    /// Cluster settings, the lesson or the run: a new cluster.
    NewCluster,
}

/// What `next` changes compared with `now`.
pub fn change(now: &AppProps, next: &AppProps) -> Change {
    if now.settings != next.settings
        || now.lesson != next.lesson
        || now.pause_on != next.pause_on
        || now.run != next.run
    {
        Change::NewCluster
    } else if now == next {
        Change::None
    } else {
        Change::InPlace
    }
}

/// Merges `update` into `pairs`: a key given again takes its new value,
/// a key given as `None` (an attribute removed, `null` in JS) is dropped,
/// back to its default.
pub fn merge(pairs: &mut Vec<(String, String)>, update: Vec<(String, Option<String>)>) {
    for (k, v) in update {
        match (pairs.iter_mut().find(|(old, _)| *old == k), v) {
            (Some(p), Some(v)) => p.1 = v,
            (None, Some(v)) => pairs.push((k, v)),
            (_, None) => pairs.retain(|(old, _)| *old != k),
        }
    }
}

/// `%`-encodes what a query string value cannot carry as is.
fn encode(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for b in s.bytes() {
        match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' | b',' => {
                out.push(b as char)
            }
            _ => out.push_str(&format!("%{b:02X}")),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::embed::controls::Control;
    use crate::i18n::Lang;
    use crate::model::PageSettings;

    fn pairs(list: &[(&str, &str)]) -> Vec<(String, String)> {
        list.iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect()
    }

    fn notice(p: &AppProps) -> String {
        p.notice
            .as_ref()
            .map(|n| n.text(Lang::En))
            .unwrap_or_default()
    }

    #[test]
    fn the_url_keys_mean_what_they_mean_in_the_url() {
        let p = props_from_pairs(
            &pairs(&[
                ("members", "3"),
                ("seed", "7"),
                ("lang", "zh"),
                ("speed", "0.5"),
                ("paused", "true"),
                ("lesson", "quorum"),
                ("loss", "5%"),
                ("autoplay", "visible"),
            ]),
            None,
        );
        assert_eq!((p.settings.members, p.settings.seed), (3, 7));
        assert_eq!(p.settings.loss_pct, 5.0);
        assert_eq!((p.lang, p.speed, p.autoplay), (Lang::Zh, 0.5, false));
        assert_eq!(p.lesson.as_deref(), Some("quorum"));
        assert_eq!(p.notice, None, "{}", notice(&p));
        assert_eq!(p.view, View::Full);
        assert_eq!(p.controls, Controls::default_for(View::Full));
    }

    #[test]
    fn view_controls_and_base_are_read_and_bad_ones_named() {
        let p = props_from_pairs(
            &pairs(&[
                ("view", "cluster"),
                ("controls", "crash,partition,client"),
                ("base", "https://example.org/raft/"),
            ]),
            None,
        );
        assert_eq!(p.view, View::Cluster);
        assert!(p.controls.has(Control::Partition) && !p.controls.has(Control::Time));
        assert_eq!(p.base, "https://example.org/raft/");
        assert_eq!(p.notice, None);

        let p = props_from_pairs(
            &pairs(&[
                ("view", "tiny"),
                ("controls", "crash,teleport"),
                ("members", "3"),
            ]),
            None,
        );
        assert_eq!(p.view, View::Full);
        assert!(p.controls.has(Control::Crash) && !p.controls.has(Control::Events));
        assert_eq!(p.settings.members, 3);
        let n = notice(&p);
        assert!(n.contains("view=tiny") && n.contains("compact"), "{n}");
        assert!(n.contains("teleport") && n.contains("partition"), "{n}");
    }

    #[test]
    fn a_bad_setting_and_a_bad_view_are_both_named() {
        let p = props_from_pairs(&pairs(&[("members", "ten"), ("view", "huge")]), None);
        let n = notice(&p);
        assert!(n.contains("members=ten") && n.contains("view=huge"), "{n}");
    }

    #[test]
    fn values_with_query_characters_stay_whole() {
        let p = props_from_pairs(&pairs(&[("lesson", "a&b=c d"), ("seed", " 9")]), None);
        assert_eq!(p.lesson.as_deref(), Some("a&b=c d"));
        assert_eq!(p.settings.seed, 9);
    }

    #[test]
    fn a_settings_change_starts_a_new_cluster_and_the_rest_apply_in_place() {
        let some = |list: &[(&str, &str)]| {
            pairs(list)
                .into_iter()
                .map(|(k, v)| (k, Some(v)))
                .collect::<Vec<_>>()
        };
        let mut now = pairs(&[("members", "3"), ("lang", "en")]);
        let a = props_from_pairs(&now, None);
        merge(&mut now, some(&[("lang", "zh"), ("view", "compact")]));
        let b = props_from_pairs(&now, None);
        assert_eq!(change(&a, &b), Change::InPlace);
        assert_eq!(change(&b, &b.clone()), Change::None);
        merge(&mut now, some(&[("seed", "99")]));
        let c = props_from_pairs(&now, None);
        assert_eq!(change(&b, &c), Change::NewCluster);
        assert_eq!(now.len(), 4);
        // A removed attribute goes back to its default.
        merge(&mut now, vec![("members".into(), None)]);
        let d = props_from_pairs(&now, None);
        assert_eq!(d.settings.members, PageSettings::default().members);
        assert_eq!(now.len(), 3);
    }

    #[test]
    fn a_new_run_starts_a_new_cluster() {
        // `set({run})` replays the new run: in place, the instance went on
        // with the old one and only its properties said otherwise.
        let mut now = pairs(&[("members", "3"), ("seed", "4")]);
        let a = props_from_pairs(&now, None);
        merge(&mut now, vec![("run".into(), Some("1_2s.C.1_3c".into()))]);
        let b = props_from_pairs(&now, None);
        assert_eq!(b.run.as_deref(), Some("1_2s.C.1_3c"));
        assert_eq!(change(&a, &b), Change::NewCluster);
    }
}
