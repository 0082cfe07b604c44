//! Reading a script: lines into tokens, tokens into values (members,
//! durations, percentages, on/off, `key=value` options), and the whole
//! script into a [`Scenario`]. Each command's own syntax lives with the
//! command in [`super::commands`].

use crate::cluster::ClusterConfig;
use crate::vocabulary::canonical_setting;
use crate::NodeId;

use super::commands;
use super::{NodeRef, Scenario, ScriptError, Step};

/// How many trace events a script's cluster keeps for reading: enough for
/// every step's transcript (the hash covers all events whatever this is).
const SCRIPT_TRACE_CAPACITY: usize = 200_000;

/// One token and the column (from 1) where it starts.
#[derive(Clone, Debug)]
pub struct Tok<'a> {
    /// The text, without quotes.
    pub text: &'a str,
    /// Column, from 1.
    pub col: usize,
}

/// One tokenized line.
#[derive(Clone, Debug)]
pub struct Line<'a> {
    /// Line number, from 1.
    pub no: usize,
    /// The tokens; comments are gone.
    pub toks: Vec<Tok<'a>>,
    /// The column just past the end, for "expected …" errors.
    pub end_col: usize,
}

impl<'a> Line<'a> {
    /// An error at a column of this line.
    pub fn err(&self, col: usize, msg: impl Into<String>) -> ScriptError {
        ScriptError {
            line: self.no,
            column: col,
            message: msg.into(),
        }
    }

    /// Token `i`, or an error saying what was expected there.
    pub fn tok(&self, i: usize, what: &str) -> Result<&Tok<'a>, ScriptError> {
        self.toks
            .get(i)
            .ok_or_else(|| self.err(self.end_col, format!("expected {what}")))
    }

    /// The same line without its first token (for `expect-error CMD`).
    pub fn tail(&self) -> Line<'a> {
        Line {
            no: self.no,
            toks: self.toks.iter().skip(1).cloned().collect(),
            end_col: self.end_col,
        }
    }

    /// An error unless the line ends at token `n`.
    pub fn no_more(&self, n: usize) -> Result<(), ScriptError> {
        match self.toks.get(n) {
            Some(t) => Err(self.err(t.col, format!("unexpected '{}'", t.text))),
            None => Ok(()),
        }
    }

    /// The member at token `i`.
    pub fn node(&self, i: usize) -> Result<NodeRef, ScriptError> {
        node_ref(self, self.tok(i, "a member")?)
    }

    /// `key=value` options from token `from` on.
    pub fn options(&self, from: usize) -> Result<Vec<(&'a str, Tok<'a>)>, ScriptError> {
        self.toks
            .iter()
            .skip(from)
            .map(|t| match t.text.split_once('=') {
                Some((k, v)) if !k.is_empty() => Ok((
                    k,
                    Tok {
                        text: v,
                        col: t.col,
                    },
                )),
                _ => Err(self.err(t.col, format!("expected key=value, found '{}'", t.text))),
            })
            .collect()
    }
}

/// Splits a line into tokens; `"…"` quotes a token with spaces, `#` starts
/// a comment.
pub fn tokenize(no: usize, line: &str) -> Result<Line<'_>, ScriptError> {
    let mut toks = Vec::new();
    let mut chars = line.char_indices().peekable();
    while let Some(&(i, c)) = chars.peek() {
        if c == '#' {
            break;
        }
        if c.is_whitespace() {
            chars.next();
            continue;
        }
        let col = line[..i].chars().count() + 1;
        if c == '"' {
            chars.next();
            let start = i + 1;
            let end = chars
                .by_ref()
                .find(|&(_, d)| d == '"')
                .map(|(j, _)| j)
                .ok_or(ScriptError {
                    line: no,
                    column: col,
                    message: "unterminated quote".into(),
                })?;
            toks.push(Tok {
                text: &line[start..end],
                col,
            });
            continue;
        }
        let mut end = line.len();
        while let Some(&(j, d)) = chars.peek() {
            if d.is_whitespace() {
                end = j;
                break;
            }
            chars.next();
        }
        toks.push(Tok {
            text: &line[i..end],
            col,
        });
    }
    Ok(Line {
        no,
        toks,
        end_col: line.chars().count() + 1,
    })
}

/// `250ms` or `2s`, in milliseconds.
pub fn duration(s: &str) -> Option<u64> {
    if let Some(n) = s.strip_suffix("ms") {
        return n.parse().ok();
    }
    let n = s.strip_suffix('s')?;
    n.parse::<u64>().ok()?.checked_mul(1000)
}

/// A duration token, or an error naming what it is for.
pub fn duration_tok(l: &Line, t: &Tok, what: &str) -> Result<u64, ScriptError> {
    duration(t.text).ok_or_else(|| {
        l.err(
            t.col,
            format!("{what} takes a duration like 500ms or 2s, not '{}'", t.text),
        )
    })
}

/// Milliseconds written as a bare number or a duration (`20`, `20ms`, `1s`).
pub fn millis(l: &Line, t: &Tok, what: &str) -> Result<u64, ScriptError> {
    t.text
        .parse()
        .ok()
        .or_else(|| duration(t.text))
        .ok_or_else(|| {
            l.err(
                t.col,
                format!(
                    "{what} takes milliseconds like 20, 20ms or 1s, not '{}'",
                    t.text
                ),
            )
        })
}

/// A percentage (`10`, `10%`, `0.5`) as a fraction. The decimal point is
/// moved in the text, so `loss 20` gives exactly the `0.2` a fraction
/// written by hand gave, on every platform.
pub fn percent(l: &Line, t: &Tok, what: &str) -> Result<f64, ScriptError> {
    let bad = || {
        l.err(
            t.col,
            format!(
                "{what} is a percentage from 0 to 100 like 10 or 2.5%, not '{}'",
                t.text
            ),
        )
    };
    let s = t.text.strip_suffix('%').unwrap_or(t.text);
    let (int, frac) = s.split_once('.').unwrap_or((s, ""));
    let digits = |d: &str| d.bytes().all(|b| b.is_ascii_digit());
    if int.is_empty() || !digits(int) || !digits(frac) || int.len() > 3 {
        return Err(bad());
    }
    let all = format!("{int}{frac}");
    let point = int.len() as isize - 2;
    let text = if point <= 0 {
        format!("0.{}{all}", "0".repeat(point.unsigned_abs()))
    } else {
        format!("{}.{}", &all[..point as usize], &all[point as usize..])
    };
    let value: f64 = text.parse().map_err(|_| bad())?;
    if value > 1.0 {
        return Err(bad());
    }
    Ok(value)
}

/// `n3`, `leader`, `follower` or `$name`.
pub fn node_ref(l: &Line, t: &Tok) -> Result<NodeRef, ScriptError> {
    let s = t.text;
    if s == "leader" {
        return Ok(NodeRef::Leader);
    }
    if s == "follower" {
        return Ok(NodeRef::Follower);
    }
    if let Some(v) = s.strip_prefix('$').filter(|v| !v.is_empty()) {
        return Ok(NodeRef::Var(v.to_string()));
    }
    if let Some(id) = s
        .strip_prefix('n')
        .and_then(|n| n.parse::<NodeId>().ok())
        .filter(|&id| id >= 1)
    {
        return Ok(NodeRef::Id(id));
    }
    Err(l.err(
        t.col,
        format!("expected a member (n1, leader, follower or $name), found '{s}'"),
    ))
}

/// `on` or `off`.
pub fn on_off(l: &Line, t: &Tok) -> Result<bool, ScriptError> {
    match t.text {
        "on" => Ok(true),
        "off" => Ok(false),
        other => Err(l.err(t.col, format!("expected on or off, found '{other}'"))),
    }
}

/// A number of any parseable type.
pub fn number<T: std::str::FromStr>(l: &Line, t: &Tok, what: &str) -> Result<T, ScriptError> {
    t.text.parse().map_err(|_| {
        l.err(
            t.col,
            format!("{what} must be a number, found '{}'", t.text),
        )
    })
}

/// A label after `as` at token `i`; returns it and the next index.
pub fn label_at(l: &Line, i: usize) -> Result<(String, usize), ScriptError> {
    let as_tok = l.tok(i, "'as LABEL'")?;
    if as_tok.text != "as" {
        return Err(l.err(
            as_tok.col,
            format!("expected 'as', found '{}'", as_tok.text),
        ));
    }
    let name = l.tok(i + 1, "a label")?;
    Ok((name.text.trim_start_matches('$').to_string(), i + 2))
}

/// Parses a script.
pub fn parse(src: &str) -> Result<Scenario, ScriptError> {
    let mut title = Vec::new();
    let mut in_title = true;
    let mut config: Option<ClusterConfig> = None;
    let mut steps = Vec::new();
    let mut say_en: Option<String> = None;
    let mut say_zh: Option<String> = None;
    for (i, raw) in src.lines().enumerate() {
        let no = i + 1;
        let trimmed = raw.trim();
        if let Some(c) = trimmed.strip_prefix('#') {
            if in_title {
                title.push(c.trim().to_string());
            }
            continue;
        }
        if trimmed.is_empty() {
            continue;
        }
        in_title = false;
        if let Some(rest) = trimmed.strip_prefix("say ") {
            let rest = rest.trim_start();
            let (slot, text) = if let Some(t) = rest.strip_prefix("en:") {
                (&mut say_en, t)
            } else if let Some(t) = rest.strip_prefix("zh:") {
                (&mut say_zh, t)
            } else {
                let col = raw.find("say").unwrap_or(0) + 5;
                return Err(ScriptError {
                    line: no,
                    column: col,
                    message: "expected 'say en: text' or 'say zh: text'".into(),
                });
            };
            let text = text.trim();
            match slot {
                Some(s) => {
                    s.push(' ');
                    s.push_str(text);
                }
                None => *slot = Some(text.to_string()),
            }
            continue;
        }
        let line = tokenize(no, raw)?;
        let Some(first) = line.toks.first() else {
            continue;
        };
        if first.text == "cluster" {
            if config.is_some() {
                return Err(line.err(first.col, "'cluster' may appear only once"));
            }
            if !steps.is_empty() {
                return Err(line.err(first.col, "'cluster' must come before any other command"));
            }
            config = Some(parse_cluster(&line)?);
            continue;
        }
        if config.is_none() {
            return Err(line.err(first.col, "a script starts with 'cluster'"));
        }
        steps.push(Step {
            line: no,
            text: trimmed.to_string(),
            command: commands::parse_command(&line)?,
            say_en: say_en.take(),
            say_zh: say_zh.take(),
        });
    }
    let config = config.ok_or(ScriptError {
        line: 1,
        column: 1,
        message: "a script starts with 'cluster'".into(),
    })?;
    Ok(Scenario {
        title: title.join(" ").trim().to_string(),
        config,
        steps,
    })
}

/// The `cluster` line's usage, for errors and `raft-sim script --help`.
pub const CLUSTER_USAGE: &str = "cluster members=N [learners=N] [seed=N] [pre-vote=on|off] \
[check-quorum=on|off] [tick-ms=N] [election-tick=N] [heartbeat-tick=N] [snapshot-threshold=N] \
[timeout=3s] [latency=MS] [jitter=MS] [loss=PCT] [duplicate=PCT]";

/// Parses a `cluster` line (scripts and lessons share it).
pub fn parse_cluster(l: &Line) -> Result<ClusterConfig, ScriptError> {
    let mut c = ClusterConfig {
        trace_capacity: SCRIPT_TRACE_CAPACITY,
        ..Default::default()
    };
    for (k, v) in l.options(1)? {
        let t = &v;
        match canonical_setting(k) {
            "members" => c.members = number(l, t, k)?,
            "learners" => c.learners = number(l, t, k)?,
            "seed" => c.seed = number(l, t, k)?,
            "pre-vote" => c.raft.pre_vote = on_off(l, t)?,
            "check-quorum" => c.raft.check_quorum = on_off(l, t)?,
            "tick-ms" => c.raft.tick_ms = millis(l, t, k)?,
            "election-tick" => c.raft.election_tick = number(l, t, k)?,
            "heartbeat-tick" => c.raft.heartbeat_tick = number(l, t, k)?,
            "snapshot-threshold" => c.raft.snapshot_threshold = number(l, t, k)?,
            "timeout" => c.raft.request_timeout_ms = duration_tok(l, t, k)?,
            "latency" => c.net.latency_ms = millis(l, t, k)?,
            "jitter" => c.net.jitter_ms = millis(l, t, k)?,
            "loss" => c.net.loss = percent(l, t, k)?,
            "duplicate" => c.net.duplicate = percent(l, t, k)?,
            _ => {
                return Err(l.err(
                    t.col,
                    format!("unknown cluster setting '{k}' (usage: {CLUSTER_USAGE})"),
                ))
            }
        }
    }
    c.validate().map_err(|e| l.err(l.toks[0].col, e))?;
    Ok(c)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pct(s: &str) -> Result<f64, ScriptError> {
        let l = tokenize(1, s).unwrap();
        percent(&l, &l.toks[0], "loss")
    }

    #[test]
    fn percentages_give_the_fraction_written_by_hand() {
        assert_eq!(pct("20").unwrap(), 0.2);
        assert_eq!(pct("20%").unwrap(), 0.2);
        assert_eq!(pct("5").unwrap(), 0.05);
        assert_eq!(pct("12.3").unwrap(), 0.123);
        assert_eq!(pct("0.5").unwrap(), 0.005);
        assert_eq!(pct("100").unwrap(), 1.0);
        assert_eq!(pct("0").unwrap(), 0.0);
        for bad in ["101", "-1", "1e2", "%", ".5", "x", "5.5.5"] {
            assert!(pct(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn durations_and_milliseconds() {
        assert_eq!(duration("250ms"), Some(250));
        assert_eq!(duration("2s"), Some(2000));
        assert_eq!(duration("2"), None);
        let l = tokenize(1, "20 20ms 1s soon").unwrap();
        assert_eq!(millis(&l, &l.toks[0], "latency").unwrap(), 20);
        assert_eq!(millis(&l, &l.toks[1], "latency").unwrap(), 20);
        assert_eq!(millis(&l, &l.toks[2], "latency").unwrap(), 1000);
        assert!(millis(&l, &l.toks[3], "latency").is_err());
    }

    #[test]
    fn old_and_new_setting_names_build_the_same_cluster() {
        let a = parse("cluster voters=5 prevote=on checkquorum=on election=12 dup=10\n").unwrap();
        let b =
            parse("cluster members=5 pre-vote=on check-quorum=on election-tick=12 duplicate=10%\n")
                .unwrap();
        assert_eq!(a.config, b.config);
        assert_eq!(b.config.net.duplicate, 0.1);
    }
}
