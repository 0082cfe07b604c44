//! Which panels and buttons an instance shows (`controls=`): the one list
//! of their names, and the defaults of each view.
//!
//! | name       | what shows                                                     |
//! |------------|----------------------------------------------------------------|
//! | `time`     | play, pause, step, speed and the virtual clock                 |
//! | `crash`    | the card under the drawing: click a member to crash, restart, isolate it (also messages and links) |
//! | `partition`| the partition editor and its presets                           |
//! | `client`   | the client panel: put, get, delete, range, watch, members' stores|
//! | `settings` | the settings form and "new cluster", traffic                   |
//! | `lesson`   | the lesson panel                                               |
//! | `quorum`   | the quorum panel                                               |
//! | `pause-on` | the "pause on" moments                                         |
//! | `events`   | the event log                                                  |
//! | `logs`     | the members' logs                                              |
//! | `lang`     | the language switch                                            |
//! | `share`    | the Share button                                               |
//!
//! `all` stands for every control, `none` for none. A missing `controls`
//! means the view's default: `full` shows all, `compact` shows `crash`,
//! `quorum`, `lang` and `share` (time controls are always in its header),
//! `cluster` shows none.

use super::view::View;

/// One control the embedder can show or hide.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Control {
    /// Play, pause, step, speed, clock.
    Time,
    /// The inspector card (crash, restart, isolate…).
    Crash,
    /// The partition editor.
    Partition,
    /// The client panel.
    Client,
    /// The settings form.
    Settings,
    /// The lesson panel.
    Lesson,
    /// The quorum panel.
    Quorum,
    /// The pause-on moments.
    PauseOn,
    /// The event log.
    Events,
    /// The logs panel.
    Logs,
    /// The language switch.
    Lang,
    /// The Share button.
    Share,
    /// The etcdctl console.
    Console,
    /// History and session downloads, and a session's import.
    Downloads,
    /// The real deployment's files.
    Deploy,
}

impl Control {
    /// Every control, in the table's order.
    pub const ALL: [Control; 15] = [
        Control::Time,
        Control::Crash,
        Control::Partition,
        Control::Client,
        Control::Settings,
        Control::Lesson,
        Control::Quorum,
        Control::PauseOn,
        Control::Events,
        Control::Logs,
        Control::Lang,
        Control::Share,
        Control::Console,
        Control::Downloads,
        Control::Deploy,
    ];

    /// Its name in `controls=`.
    pub fn word(self) -> &'static str {
        match self {
            Control::Time => "time",
            Control::Crash => "crash",
            Control::Partition => "partition",
            Control::Client => "client",
            Control::Settings => "settings",
            Control::Lesson => "lesson",
            Control::Quorum => "quorum",
            Control::PauseOn => "pause-on",
            Control::Events => "events",
            Control::Logs => "logs",
            Control::Lang => "lang",
            Control::Share => "share",
            Control::Console => "console",
            Control::Downloads => "downloads",
            Control::Deploy => "deploy",
        }
    }

    /// The control a name stands for (a few natural aliases too).
    pub fn parse(word: &str) -> Option<Control> {
        let w = word.trim().to_ascii_lowercase();
        let w = match w.as_str() {
            "inspector" => "crash",
            "language" => "lang",
            "event-log" | "log" => "events",
            "clock" => "time",
            other => other,
        };
        Control::ALL.into_iter().find(|c| c.word() == w)
    }
}

/// The set of controls an instance shows.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Controls(Vec<Control>);

/// Every control (the full page's default).
impl Default for Controls {
    fn default() -> Controls {
        Controls::default_for(View::Full)
    }
}

impl Controls {
    /// The controls a view shows when none are named.
    pub fn default_for(view: View) -> Controls {
        match view {
            View::Full => Controls(Control::ALL.to_vec()),
            View::Compact => Controls(vec![
                Control::Crash,
                Control::Quorum,
                Control::Lang,
                Control::Share,
            ]),
            View::Cluster => Controls(Vec::new()),
        }
    }

    /// Controls from a comma (or space) separated list, and the words
    /// that name none. `all` and `none` stand for what they say.
    pub fn parse(list: &str) -> (Controls, Vec<String>) {
        let (mut set, mut bad) = (Vec::new(), Vec::new());
        for word in list
            .split([',', ' '])
            .map(str::trim)
            .filter(|w| !w.is_empty())
        {
            match word {
                "all" => set.extend(Control::ALL),
                "none" => {}
                _ => match Control::parse(word) {
                    Some(c) => set.push(c),
                    None => bad.push(word.to_string()),
                },
            }
        }
        set.sort();
        set.dedup();
        (Controls(set), bad)
    }

    /// Whether `c` shows.
    pub fn has(&self, c: Control) -> bool {
        self.0.contains(&c)
    }

    /// The names, comma separated, in the table's order.
    pub fn words(&self) -> String {
        self.0
            .iter()
            .map(|c| c.word())
            .collect::<Vec<_>>()
            .join(",")
    }
}

/// Every control's name, comma separated, for the notices.
pub fn all_words() -> String {
    Control::ALL.map(Control::word).join(", ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_list_names_controls_and_the_unknown_words_are_kept_for_a_notice() {
        let (c, bad) = Controls::parse("crash, partition,client,breakfast,,crash");
        assert_eq!(c.words(), "crash,partition,client");
        assert_eq!(bad, ["breakfast"]);
        let (all, bad) = Controls::parse("all");
        assert_eq!(all, Controls::default_for(View::Full));
        assert!(bad.is_empty());
        let (none, _) = Controls::parse("none");
        assert!(!none.has(Control::Time));
        for c in Control::ALL {
            assert_eq!(Control::parse(c.word()), Some(c));
        }
        assert_eq!(Control::parse("Inspector"), Some(Control::Crash));
    }

    #[test]
    fn each_view_has_its_default_controls() {
        assert!(Controls::default_for(View::Full).has(Control::Events));
        assert!(Controls::default_for(View::Compact).has(Control::Crash));
        assert!(!Controls::default_for(View::Compact).has(Control::Events));
        assert!(Controls::default_for(View::Compact).has(Control::Share));
        assert_eq!(Controls::default_for(View::Cluster).words(), "");
    }
}
