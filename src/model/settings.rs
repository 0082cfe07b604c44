//! What the settings form edits and the URL carries: [`PageSettings`], the
//! page-only options ([`QueryExtras`]), and the parsing of both.
//!
//! One name per setting, shared with the scripts and the CLI: `members`,
//! `seed`, `latency`, `jitter` (ms), `loss` and `duplicate` (percent, a
//! trailing `%` allowed), `pre-vote`, `check-quorum` (on|off),
//! `election-tick`, `heartbeat-tick`; page-only `speed`, `paused`,
//! `traffic`, `run` (a shared run, [`super::share`]). Older spellings stay accepted as aliases.

use raft_sim::cluster::MAX_VOTERS;
use raft_sim::{ClusterConfig, NetConfig, RaftSettings};

use crate::i18n::Key;
use serde::{Deserialize, Serialize};

/// Slowest and fastest speeds, in virtual seconds per wall second.
pub const MIN_SPEED: f64 = 0.01;
/// See [`MIN_SPEED`].
pub const MAX_SPEED: f64 = 100.0;
/// Client requests the page's cluster keeps (between this many and twice
/// as many): enough for the user's recent requests and a checked window,
/// without growing for as long as the page runs with traffic.
pub const HISTORY_LIMIT: usize = 2_000;
/// The speed the page starts at.
pub const DEFAULT_SPEED: f64 = 0.5;

/// What the settings panel edits; "new cluster" builds from it.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct PageSettings {
    /// Seed for every random choice.
    pub seed: u64,
    /// Founding voters, 1 to 9.
    pub members: u64,
    /// One-way latency, virtual ms.
    pub latency_ms: u64,
    /// Extra random latency, virtual ms.
    pub jitter_ms: u64,
    /// Loss, percent.
    pub loss_pct: f64,
    /// Duplication, percent.
    pub dup_pct: f64,
    /// PreVote.
    pub pre_vote: bool,
    /// CheckQuorum.
    pub check_quorum: bool,
    /// Election timeout in ticks.
    pub election_tick: u64,
    /// Heartbeat interval in ticks.
    pub heartbeat_tick: u64,
}

impl Default for PageSettings {
    fn default() -> Self {
        // etcd's timing (100 ms ticks, 10-tick election timeout), with a
        // slower network than the core's default so that messages are
        // visible on their way at the page's default speed.
        PageSettings {
            seed: 1,
            members: 5,
            latency_ms: 40,
            jitter_ms: 20,
            loss_pct: 0.0,
            dup_pct: 0.0,
            pre_vote: true,
            check_quorum: true,
            election_tick: 10,
            heartbeat_tick: 1,
        }
    }
}

impl PageSettings {
    /// The network part.
    pub fn net(&self) -> NetConfig {
        NetConfig {
            latency_ms: self.latency_ms,
            jitter_ms: self.jitter_ms,
            loss: self.loss_pct / 100.0,
            duplicate: self.dup_pct / 100.0,
        }
    }

    /// The cluster these settings describe, checked. The page checks
    /// every limit the form or the URL can reach itself, so that each
    /// error can be said in the learner's language; the core's own check
    /// stays as a backstop.
    pub fn config(&self) -> Result<ClusterConfig, Key> {
        if !(1..=MAX_VOTERS).contains(&self.members) {
            return Err(Key::MembersNot(self.members));
        }
        if self.latency_ms > 60_000 || self.jitter_ms > 60_000 {
            return Err(Key::LatencyTooLong);
        }
        if self.heartbeat_tick == 0 {
            return Err(Key::HeartbeatAtLeastOne);
        }
        if self.election_tick <= self.heartbeat_tick {
            return Err(Key::ElectionAfterHeartbeat(
                self.election_tick,
                self.heartbeat_tick,
            ));
        }
        if self.election_tick > 1000 {
            return Err(Key::ElectionTooLong);
        }
        let config = ClusterConfig {
            seed: self.seed,
            members: self.members,
            learners: 0,
            raft: RaftSettings {
                election_tick: self.election_tick,
                heartbeat_tick: self.heartbeat_tick,
                pre_vote: self.pre_vote,
                check_quorum: self.check_quorum,
                ..RaftSettings::default()
            },
            net: self.net(),
            trace_capacity: 20_000,
            history_limit: Some(HISTORY_LIMIT),
        };
        config
            .validate()
            .map_err(|e| Key::Refused(raft_sim::ActionError::Other(e)))?;
        Ok(config)
    }

    /// One setting as text, for the settings form's fields (the two flags
    /// are checkboxes there); aliases are accepted.
    pub fn get(&self, key: &str) -> String {
        match canonical_key(key) {
            Some("seed") => self.seed.to_string(),
            Some("members") => self.members.to_string(),
            Some("latency") => self.latency_ms.to_string(),
            Some("jitter") => self.jitter_ms.to_string(),
            Some("loss") => self.loss_pct.to_string(),
            Some("duplicate") => self.dup_pct.to_string(),
            Some("pre-vote") => on_off(self.pre_vote).into(),
            Some("check-quorum") => on_off(self.check_quorum).into(),
            Some("election-tick") => self.election_tick.to_string(),
            Some("heartbeat-tick") => self.heartbeat_tick.to_string(),
            _ => String::new(),
        }
    }

    /// Sets one setting (a key of [`SETTING_KEYS`] or an alias) from text,
    /// as typed in the form or the URL; the error says what is wrong with
    /// the value.
    pub fn set(&mut self, key: &str, value: &str) -> Result<(), Key> {
        let v = value.trim();
        let pct = || {
            v.strip_suffix('%')
                .unwrap_or(v)
                .trim()
                .parse::<f64>()
                .ok()
                .filter(|p| (0.0..=100.0).contains(p))
                .ok_or_else(|| Key::NotPercent(v.into()))
        };
        match canonical_key(key) {
            Some("seed") => self.seed = parse_int(v)?,
            Some("members") => {
                let n = parse_int(v)?;
                if !(1..=MAX_VOTERS).contains(&n) {
                    return Err(Key::MembersRange);
                }
                self.members = n;
            }
            Some("latency") => self.latency_ms = parse_int(v)?,
            Some("jitter") => self.jitter_ms = parse_int(v)?,
            Some("loss") => self.loss_pct = pct()?,
            Some("duplicate") => self.dup_pct = pct()?,
            Some("pre-vote") => self.pre_vote = parse_flag(v)?,
            Some("check-quorum") => self.check_quorum = parse_flag(v)?,
            Some("election-tick") => self.election_tick = parse_int(v)?,
            Some("heartbeat-tick") => self.heartbeat_tick = parse_int(v)?,
            _ => return Err(Key::UnknownSetting(key.into())),
        }
        Ok(())
    }
}

fn on_off(on: bool) -> &'static str {
    if on {
        "on"
    } else {
        "off"
    }
}

/// The keys of [`PageSettings::get`] and [`PageSettings::set`], as used in
/// URLs and by the settings form.
pub const SETTING_KEYS: [&str; 10] = [
    "seed",
    "members",
    "latency",
    "jitter",
    "loss",
    "duplicate",
    "pre-vote",
    "check-quorum",
    "election-tick",
    "heartbeat-tick",
];

/// The one name of a setting, for a name or one of its aliases.
pub fn canonical_key(key: &str) -> Option<&'static str> {
    let key = raft_sim::vocabulary::canonical_setting(key);
    SETTING_KEYS.iter().copied().find(|&k| k == key)
}

fn parse_int(v: &str) -> Result<u64, Key> {
    v.parse::<u64>().map_err(|_| {
        if v.is_empty() {
            Key::EnterWholeNumber
        } else {
            Key::NotWholeNumber(v.into())
        }
    })
}

fn parse_flag(v: &str) -> Result<bool, Key> {
    match v {
        "1" | "true" | "on" => Ok(true),
        "0" | "false" | "off" => Ok(false),
        _ => Err(Key::UseOnOff(v.into())),
    }
}

/// The traffic rate as typed in the settings panel.
pub fn parse_traffic(v: &str) -> Result<u64, Key> {
    match v.trim().parse::<u64>() {
        Ok(n) if n <= MAX_TRAFFIC => Ok(n),
        _ => Err(Key::TrafficRange),
    }
}

/// Page options from the query string that are not cluster settings.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct QueryExtras {
    /// Start speed.
    pub speed: Option<f64>,
    /// Start paused.
    pub paused: bool,
    /// Start the traffic generator at this many writes per virtual second.
    pub traffic: Option<u64>,
    /// The language asked for (`lang=zh`, `lang=en`, or a tag like `zh-CN`).
    pub lang: Option<raft_sim::Lang>,
    /// Moments to pause on (`pause-on=two-leaders,quorum-lost`).
    pub pause_on: Vec<raft_sim::PauseOn>,
    /// A lesson to open (`lesson=elections`); a bad id is named by the
    /// page once it tries to open it.
    pub lesson: Option<String>,
    /// A shared run to replay (`run=1_…`, see [`super::share`]); read
    /// when the page opens, so that a bad one spoils only itself.
    pub run: Option<String>,
}

/// What a query string asked for: the settings and page options, and a
/// notice for what could not be used.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Query {
    /// Cluster settings.
    pub settings: PageSettings,
    /// Page options.
    pub extras: QueryExtras,
    /// What was wrong, naming the key.
    pub notices: Vec<Key>,
}

impl Query {
    /// Reads a query string such as `?members=3&seed=7` (what an embedding
    /// iframe passes). Unknown keys are ignored. A bad value is left out and
    /// named in a notice, with the value used instead; the others apply.
    pub fn parse(query: &str) -> Query {
        let mut q = Query::default();
        let mut cluster_pairs = Vec::new();
        for pair in query.trim_start_matches('?').split('&') {
            if pair.is_empty() {
                continue;
            }
            let (key, value) = pair.split_once('=').unwrap_or((pair, ""));
            let (key, value) = (percent_decode(key), percent_decode(value));
            let bad = |what: Key| Key::UrlSetting(key.clone(), value.clone(), Box::new(what));
            match key.as_str() {
                // Clamping would turn speed=0 (maybe meant as "paused") or
                // speed=-5 into 0.01× without a word.
                "speed" => match value.parse::<f64>() {
                    Ok(speed) if (MIN_SPEED..=MAX_SPEED).contains(&speed) => {
                        q.extras.speed = Some(speed)
                    }
                    _ => q.notices.push(bad(Key::SpeedRange)),
                },
                "lang" => match raft_sim::Lang::parse(&value) {
                    Some(l) => q.extras.lang = Some(l),
                    None => q.notices.push(bad(Key::UseEnOrZh)),
                },
                "pause-on" => {
                    let (moments, bad_words) = parse_pause_on(&value);
                    q.extras.pause_on = moments;
                    if !bad_words.is_empty() {
                        q.notices.push(bad(Key::NoSuchMoment(
                            bad_words.join(", "),
                            raft_sim::PauseOn::ALL.map(|p| p.word()).join(", "),
                        )));
                    }
                }
                "lesson" => q.extras.lesson = Some(value.clone()),
                "run" => q.extras.run = Some(value.clone()),
                "paused" => match parse_flag(&value) {
                    Ok(p) => q.extras.paused = p,
                    Err(e) => q.notices.push(bad(e)),
                },
                "traffic" => match parse_int(&value) {
                    Ok(n) if n > MAX_TRAFFIC => {
                        q.notices.push(bad(Key::TrafficCapped));
                        q.extras.traffic = Some(MAX_TRAFFIC);
                    }
                    Ok(n) => q.extras.traffic = Some(n),
                    Err(e) => q.notices.push(bad(e)),
                },
                k if canonical_key(k).is_some() => cluster_pairs.push((key, value)),
                _ => {}
            }
        }
        // Each value is tried on settings that are valid so far, and kept
        // only if they stay valid (latency=99999999 parses but is too
        // long). Values refused in the first round are tried once more
        // after the others, because some limits relate two settings (the
        // heartbeat must be shorter than the election timeout).
        let mut refused = Vec::new();
        for round in 0..2 {
            let todo: Vec<(String, String)> = if round == 0 {
                std::mem::take(&mut cluster_pairs)
            } else {
                std::mem::take(&mut refused)
                    .into_iter()
                    .map(|(pair, _)| pair)
                    .collect()
            };
            for (key, value) in todo {
                let mut next = q.settings.clone();
                match next
                    .set(&key, &value)
                    .and_then(|()| next.config().map(drop))
                {
                    Ok(()) => q.settings = next,
                    Err(e) => refused.push(((key, value), e)),
                }
            }
        }
        for ((key, value), e) in refused {
            let used = q.settings.get(&key);
            q.notices
                .push(Key::UrlSettingUsing(key, value, Box::new(e), used));
        }
        q
    }

    /// The notices as one line for the page, or `None` if all was well.
    pub fn notice(&self) -> Option<Key> {
        match self.notices.as_slice() {
            [] => None,
            [one] => Some(one.clone()),
            all => Some(Key::Notices(all.to_vec())),
        }
    }
}

/// Moments to pause on from a comma-separated list of their words, and
/// the words that name none.
pub fn parse_pause_on(list: &str) -> (Vec<raft_sim::PauseOn>, Vec<String>) {
    let (mut moments, mut bad) = (Vec::new(), Vec::new());
    for word in list.split(',').map(str::trim).filter(|w| !w.is_empty()) {
        match raft_sim::PauseOn::parse(word) {
            Some(p) if !moments.contains(&p) => moments.push(p),
            Some(_) => {}
            None => bad.push(word.to_string()),
        }
    }
    (moments, bad)
}

/// Decodes `%XX` escapes (as UTF-8) and `+` as a space, as browsers
/// encode query strings. A malformed escape is kept as written.
pub fn percent_decode(s: &str) -> String {
    let hex = |b: Option<&u8>| b.and_then(|&b| (b as char).to_digit(16));
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'+' => out.push(b' '),
            b'%' => match (hex(bytes.get(i + 1)), hex(bytes.get(i + 2))) {
                (Some(hi), Some(lo)) => {
                    out.push((hi * 16 + lo) as u8);
                    i += 2;
                }
                _ => out.push(b'%'),
            },
            b => out.push(b),
        }
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// Most writes per virtual second the traffic generator sends.
pub const MAX_TRAFFIC: u64 = 200;

/// The settings as one line, for the recent actions.
pub fn settings_line(s: &PageSettings) -> String {
    format!(
        "seed={} members={} latency={}ms jitter={}ms loss={}% duplicate={}% pre-vote={} check-quorum={} election-tick={} heartbeat-tick={}",
        s.seed,
        s.members,
        s.latency_ms,
        s.jitter_ms,
        s.loss_pct,
        s.dup_pct,
        s.pre_vote,
        s.check_quorum,
        s.election_tick,
        s.heartbeat_tick
    )
}

/// Reads the settings form's text into settings; errors are per field.
pub fn parse_settings(
    base: &PageSettings,
    text: &[(String, String)],
) -> Result<PageSettings, Vec<(String, Key)>> {
    let mut s = base.clone();
    let mut errors = Vec::new();
    for (key, value) in text {
        if let Err(e) = s.set(key, value) {
            errors.push((key.clone(), e));
        }
    }
    if errors.is_empty() {
        if let Err(e) = s.config() {
            errors.push(("form".into(), e));
        }
    }
    if errors.is_empty() {
        Ok(s)
    } else {
        Err(errors)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use raft_sim::Lang;

    /// A notice as the page shows it in English.
    fn said(q: &Query) -> Option<String> {
        q.notice().map(|k| k.text(Lang::En))
    }

    #[test]
    fn query_settings_parse_and_name_the_bad_key() {
        let q = Query::parse("?members=9&seed=7&speed=2&traffic=50");
        assert_eq!((q.settings.members, q.settings.seed), (9, 7));
        assert_eq!((q.extras.speed, q.extras.traffic), (Some(2.0), Some(50)));
        assert_eq!(said(&q), None);
        let e = said(&Query::parse("members=ten")).unwrap();
        assert!(e.contains("members=ten"), "{e}");
        let e = said(&Query::parse("members=12")).unwrap();
        assert!(e.contains("members"), "{e}");
    }

    #[test]
    fn one_name_per_setting_and_the_old_names_as_aliases() {
        let url = "members=3&latency=20&jitter=5&loss=5%&duplicate=2\
                   &pre-vote=off&check-quorum=off&election-tick=20&heartbeat-tick=2";
        let old = "members=3&latency=20&jitter=5&loss=5&dup=2\
                   &prevote=off&checkquorum=off&election=20&heartbeat=2";
        let (a, b) = (Query::parse(url), Query::parse(old));
        assert_eq!((said(&a), said(&b)), (None, None));
        let (a, b) = (a.settings, b.settings);
        assert_eq!(a, b);
        assert_eq!((a.loss_pct, a.dup_pct), (5.0, 2.0));
        assert_eq!((a.pre_vote, a.check_quorum), (false, false));
        assert_eq!((a.election_tick, a.heartbeat_tick), (20, 2));
        // The form shows each field under its one name.
        for key in SETTING_KEYS {
            assert!(!a.get(key).is_empty(), "{key}");
        }
        assert_eq!(a.get("duplicate"), a.get("dup"));
    }

    #[test]
    fn a_bad_url_value_is_named_and_the_good_ones_still_apply() {
        let q = Query::parse("?members=9&latency=99999999&seed=7");
        assert_eq!((q.settings.members, q.settings.seed), (9, 7));
        assert_eq!(q.settings.latency_ms, PageSettings::default().latency_ms);
        let notice = said(&q).unwrap();
        assert!(notice.contains("latency=99999999"), "{notice}");
        assert!(!notice.contains("members"), "{notice}");
        // Limits that relate two settings do not depend on their order.
        let q = Query::parse("?heartbeat-tick=20&election-tick=30");
        assert_eq!(
            (q.settings.heartbeat_tick, q.settings.election_tick),
            (20, 30)
        );
        assert_eq!(said(&q), None);
        let q = Query::parse("?members=ten&paused=on");
        assert!(q.extras.paused);
        assert!(said(&q).unwrap().contains("members=ten"));
    }

    #[test]
    fn a_speed_out_of_range_is_refused_with_a_notice() {
        for bad in ["0", "-5", "1000", "fast"] {
            let q = Query::parse(&format!("?speed={bad}&members=3"));
            assert_eq!(q.extras.speed, None, "speed={bad}");
            assert_eq!(q.settings.members, 3);
            let notice = said(&q).unwrap_or_default();
            assert!(notice.contains(&format!("speed={bad}")), "{notice}");
        }
        assert_eq!(Query::parse("?speed=0.01").extras.speed, Some(MIN_SPEED));
    }

    #[test]
    fn url_keys_and_values_are_percent_decoded() {
        let q = Query::parse("?members=%35&check%2Dquorum=off&loss=5%25&seed=+7");
        assert_eq!(said(&q), None);
        assert_eq!(q.settings.members, 5);
        assert!(!q.settings.check_quorum);
        assert_eq!(q.settings.loss_pct, 5.0);
        assert_eq!(q.settings.seed, 7);
        assert_eq!(percent_decode("a%2"), "a%2");
        assert_eq!(percent_decode("%E2%9C%93"), "✓");
    }

    #[test]
    fn the_url_names_a_language_and_a_bad_one_spoils_only_itself() {
        assert_eq!(Query::parse("?lang=zh").extras.lang, Some(Lang::Zh));
        assert_eq!(Query::parse("?lang=en").extras.lang, Some(Lang::En));
        assert_eq!(Query::parse("?lang=zh-CN").extras.lang, Some(Lang::Zh));
        let q = Query::parse("?lang=klingon&members=3");
        assert_eq!(q.extras.lang, None);
        assert_eq!(q.settings.members, 3);
        assert!(said(&q).unwrap().contains("lang=klingon"));
    }

    #[test]
    fn the_words_name_the_limits_in_force() {
        let en = |k: Key| k.text(Lang::En);
        assert!(en(Key::SpeedRange).contains(&format!("{MIN_SPEED} to {MAX_SPEED}")));
        assert!(en(Key::SpeedRange).contains(&format!("using {DEFAULT_SPEED}")));
        assert!(en(Key::TrafficCapped).contains(&MAX_TRAFFIC.to_string()));
        assert!(en(Key::TrafficRange).contains(&format!("0 to {MAX_TRAFFIC}")));
        assert!(en(Key::MembersRange).contains(&format!("1 to {MAX_VOTERS}")));
    }

    #[test]
    fn the_url_names_moments_to_pause_on_and_a_bad_one_spoils_only_itself() {
        use raft_sim::PauseOn;
        let q = Query::parse("?pause-on=two-leaders,quorum-lost&members=3");
        assert_eq!(
            q.extras.pause_on,
            vec![PauseOn::TwoLeaders, PauseOn::QuorumLost]
        );
        assert_eq!(q.notice(), None);
        let q = Query::parse("?pause-on=commit,breakfast&members=3");
        assert_eq!(q.extras.pause_on, vec![PauseOn::Commit]);
        assert_eq!(q.settings.members, 3);
        let notice = said(&q).unwrap();
        assert!(notice.contains("breakfast"), "{notice}");
        assert!(notice.contains("leader-change"), "{notice}");
    }

    #[test]
    fn too_much_traffic_in_the_url_is_capped_with_a_notice() {
        let q = Query::parse("?traffic=999999");
        assert_eq!(q.extras.traffic, Some(MAX_TRAFFIC));
        let notice = said(&q).unwrap_or_default();
        assert!(notice.contains("traffic=999999"), "{notice}");
        assert!(notice.contains(&MAX_TRAFFIC.to_string()), "{notice}");
        assert_eq!(said(&Query::parse("?traffic=50")), None);
    }

    #[test]
    fn settings_errors_name_the_field() {
        let base = PageSettings::default();
        let text = |k: &str, v: &str| vec![(k.to_string(), v.to_string())];
        let e = parse_settings(&base, &text("members", "twelve")).unwrap_err();
        assert_eq!(e[0].0, "members");
        assert!(e[0].1.text(Lang::En).contains("twelve"));
        let e = parse_settings(&base, &text("loss", "150")).unwrap_err();
        assert_eq!(e[0].0, "loss");
        let e = parse_settings(&base, &text("members", "10")).unwrap_err();
        assert_eq!(e[0].0, "members");
        let ok = parse_settings(&base, &text("members", " 7 ")).unwrap();
        assert_eq!(ok.members, 7);
    }
}
