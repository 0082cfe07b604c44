//! The link from an embedded instance to the full playground: `base` (the
//! folder the playground is served from) and the run's share query.

use crate::model::settings::SETTING_KEYS;
use crate::model::Sim;

/// The query that opens this run in the full playground.
///
/// Until the share helper's `Sim::share_query` (settings and every action,
/// replayed to the same trace hash) lands, this carries the settings only.
pub fn share_query(sim: &Sim) -> String {
    let s = &sim.frame().settings;
    let pairs: Vec<String> = SETTING_KEYS
        .iter()
        .map(|k| format!("{k}={}", s.get(k).replace('%', "%25")))
        .collect();
    format!("?{}", pairs.join("&"))
}

/// The full playground's address for `query`, under `base` (`./` when the
/// embedder gave none: the iframe page sits beside the playground).
pub fn full_link(base: &str, query: &str) -> String {
    let base = if base.is_empty() { "./" } else { base };
    let sep = if base.ends_with('/') { "" } else { "/" };
    format!("{base}{sep}{query}")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::settings::Query;
    use crate::model::sim::tests::sim;

    #[test]
    fn the_link_carries_the_settings_and_sits_under_base() {
        let s = sim(3);
        let q = share_query(&s);
        assert_eq!(Query::parse(&q).settings, s.frame().settings);
        assert_eq!(
            full_link("https://x.org/raft", "?a=1"),
            "https://x.org/raft/?a=1"
        );
        assert_eq!(full_link("", "?a=1"), "./?a=1");
    }
}
