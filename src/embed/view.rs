//! How much of the playground an instance shows: the whole page, a compact
//! frame, or the cluster drawing alone.

/// The layout of one instance (`view=` in the URL, the element's
/// attribute, the `mount` option).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum View {
    /// Today's page: every panel the controls allow.
    #[default]
    Full,
    /// A header (leader, term, time controls), the drawing, the chosen
    /// controls and a link to the full playground with the same run.
    Compact,
    /// The drawing alone, plus the chosen controls.
    Cluster,
}

impl View {
    /// Every view, in the order the notices list them.
    pub const ALL: [View; 3] = [View::Full, View::Compact, View::Cluster];

    /// The view's name, as written in an attribute or a URL.
    pub fn word(self) -> &'static str {
        match self {
            View::Full => "full",
            View::Compact => "compact",
            View::Cluster => "cluster",
        }
    }

    /// The view a name stands for (`cluster-only` is what the issue calls
    /// the drawing alone).
    pub fn parse(word: &str) -> Option<View> {
        match word.trim().to_ascii_lowercase().as_str() {
            "full" | "page" => Some(View::Full),
            "compact" => Some(View::Compact),
            "cluster" | "cluster-only" => Some(View::Cluster),
            _ => None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_view_reads_back_from_its_word() {
        for v in View::ALL {
            assert_eq!(View::parse(v.word()), Some(v));
        }
        assert_eq!(View::parse(" Compact "), Some(View::Compact));
        assert_eq!(View::parse("tiny"), None);
    }
}
