//! The link from an embedded instance to the full playground: `base` (the
//! folder the playground is served from) and the run's share query.

use crate::model::Sim;

/// The query that opens this run in the full playground: the settings
/// and every command, replayed there to the same trace hash, paused
/// ([`Sim::share_query`]).
pub fn share_query(sim: &Sim) -> String {
    sim.share_query()
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
        let mut s = sim(3);
        s.advance(700);
        let q = share_query(&s);
        assert_eq!(Query::parse(&q).settings, s.frame().settings);
        assert!(q.contains("&run=1_"), "{q}");
        assert_eq!(
            full_link("https://x.org/raft", "?a=1"),
            "https://x.org/raft/?a=1"
        );
        assert_eq!(full_link("", "?a=1"), "./?a=1");
    }
}
