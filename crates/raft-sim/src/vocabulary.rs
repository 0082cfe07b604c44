//! One name per setting wherever a user types it: the page's URL and
//! settings form, a script's `cluster` line, the CLI's flags. Older
//! spellings stay accepted; each place maps them here, so they cannot drift
//! apart (the page once refused `voters=`, which scripts accepted).

/// The one name of a setting, for its name or an older spelling.
pub fn canonical_setting(name: &str) -> &str {
    match name {
        "voters" | "nodes" => "members",
        "dup" => "duplicate",
        "prevote" => "pre-vote",
        "checkquorum" => "check-quorum",
        "election" => "election-tick",
        "heartbeat" => "heartbeat-tick",
        "snapshot-count" => "snapshot-threshold",
        other => other,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn old_spellings_map_to_one_name_and_names_to_themselves() {
        assert_eq!(canonical_setting("voters"), "members");
        assert_eq!(canonical_setting("nodes"), "members");
        assert_eq!(canonical_setting("dup"), "duplicate");
        assert_eq!(canonical_setting("checkquorum"), "check-quorum");
        assert_eq!(canonical_setting("members"), "members");
        assert_eq!(canonical_setting("latency"), "latency");
    }
}
