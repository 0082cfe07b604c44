//! The page's own words, in English and Simplified Chinese.
//!
//! Every string the page shows (headings, buttons, tooltips, aria-labels,
//! placeholders, notices, errors) is a [`Key`]; [`Key::text`] says it in a
//! [`Lang`]. Each language is one `match` over all keys (`en.rs`, `zh.rs`),
//! so a key without a translation does not compile, and the test below
//! checks that none is blank or left in English.
//!
//! Text with values (counts, member ids, terms) is a variant carrying them,
//! so each language orders the words itself; components never glue pieces
//! of sentences together.
//!
//! Words made by the core (event words, refusals, client errors) are said
//! by the core in both languages next to their definitions (`raft_sim`'s
//! `Lang`); a key may carry such a value and hand it the language.
//!
//! To add text: add a variant in its panel's group below, then its English
//! in `en.rs` and its Chinese in `zh.rs` (the compiler lists what is
//! missing). Chinese follows the terms in the project's glossary (领导者,
//! 任期 (term), 法定人数 (quorum), 线性一致读 (ReadIndex)…), with
//! full-width punctuation.

mod en;
mod zh;

pub use raft_sim::Lang;

/// A value for each payload type, so that the tests can say every key.
pub trait Sample {
    /// Some value of the type.
    fn sample() -> Self;
}

impl Sample for u64 {
    fn sample() -> Self {
        3
    }
}

impl Sample for usize {
    fn sample() -> Self {
        2
    }
}

impl Sample for f64 {
    fn sample() -> Self {
        1.5
    }
}

impl Sample for String {
    fn sample() -> Self {
        "x".into()
    }
}

impl Sample for Lang {
    fn sample() -> Self {
        Lang::Zh
    }
}

impl Sample for Box<Key> {
    fn sample() -> Self {
        Box::new(Key::Title)
    }
}

impl Sample for Vec<Key> {
    fn sample() -> Self {
        vec![Key::Title, Key::Title]
    }
}

/// Declares [`Key`] and [`Key::samples`] from one list, so that the
/// samples cannot miss a key.
macro_rules! keys {
    ($( $(#[$doc:meta])* $name:ident $(( $($ty:ty),+ ))? ,)*) => {
        /// Something the page says. Variants with values document them in
        /// order; the names say the rest.
        #[derive(Clone, Debug, PartialEq)]
        #[allow(missing_docs)]
        pub enum Key {
            $( $(#[$doc])* $name $(( $($ty),+ ))? ,)*
        }

        impl Key {
            /// Every key, with sample values.
            pub fn samples() -> Vec<Key> {
                vec![ $( Key::$name $(( $(<$ty as Sample>::sample()),+ ))? ,)* ]
            }
        }
    };
}

keys! {
    // The header.
    Title,
    Leader,
    NoLeader,
    /// (term)
    TermIs(u64),
    Language,
    Dismiss,
}

impl Key {
    /// The text in `lang`.
    pub fn text(&self, lang: Lang) -> String {
        match lang {
            Lang::En => en::text(self),
            Lang::Zh => zh::text(self),
        }
    }
}

/// Keys whose Chinese is the same as the English on purpose: names and
/// terms Chinese writers keep as they are.
pub const SAME_IN_BOTH: &[&str] = &[];

/// Whether `s` has a CJK ideograph.
pub fn has_cjk(s: &str) -> bool {
    s.chars()
        .any(|c| ('\u{4e00}'..='\u{9fff}').contains(&c) || ('\u{3400}'..='\u{4dbf}').contains(&c))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_key_is_said_in_both_languages() {
        for key in Key::samples() {
            let (en, zh) = (key.text(Lang::En), key.text(Lang::Zh));
            assert!(!en.trim().is_empty(), "{key:?} has no English");
            assert!(!zh.trim().is_empty(), "{key:?} has no Chinese");
            assert!(!has_cjk(&en), "{key:?}'s English has Chinese: {en}");
            let name = format!("{key:?}");
            let name = name.split('(').next().unwrap_or_default();
            if !SAME_IN_BOTH.contains(&name) {
                assert!(has_cjk(&zh), "{key:?} is not translated: {zh}");
            }
        }
    }
}
