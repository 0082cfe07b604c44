//! One console line read as etcdctl reads its arguments: shell words,
//! global flags, the command and its flags; or one of the console's own
//! dot-commands for faults.

use crate::kv::{RangeEnd, RangeRequest, SortOrder, SortTarget};

/// etcdctl's `-w` formats the console prints.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Format {
    /// The default.
    Simple,
    /// `-w json`.
    Json,
    /// `-w table`.
    Table,
    /// `-w fields`.
    Fields,
}

/// What a line asks for.
#[derive(Clone, Debug, PartialEq)]
#[allow(missing_docs)] // Fields without a comment are what their names say.
pub enum Command {
    /// `put KEY VALUE`.
    Put { key: String, value: String },
    /// `get KEY [RANGE_END]` with its flags; `serializable` for `--consistency=s`.
    Get {
        req: RangeRequest,
        serializable: bool,
        print_value_only: bool,
    },
    /// `del KEY [RANGE_END]`, `--prefix`, `--from-key`.
    Del { key: String, end: RangeEnd },
    /// `txn`: its compares and ops come on the lines after it, as etcdctl
    /// reads them from stdin (see `txn.rs`).
    Txn,
    /// `compaction REV` (`--physical` changes nothing here).
    Compaction { revision: u64 },
    /// `watch KEY` or `watch --prefix KEY`, from `--rev` on: it runs in the
    /// background until `.cancel`, as `etcdctl watch … &` would.
    Watch {
        key: String,
        prefix: bool,
        revision: u64,
    },
    /// `member list`.
    MemberList,
    /// `member add NAME --peer-urls=URL [--learner]`.
    MemberAdd {
        name: String,
        peer_url: String,
        learner: bool,
    },
    /// `member remove ID` (hex).
    MemberRemove { id: u64 },
    /// `member promote ID` (hex).
    MemberPromote { id: u64 },
    /// `move-leader ID` (hex).
    MoveLeader { id: u64 },
    /// `endpoint health` (`--cluster`: every member).
    EndpointHealth { cluster: bool },
    /// `endpoint status` (`--cluster`: every member).
    EndpointStatus { cluster: bool },
    /// `.crash NAME`, `.restart NAME`, `.isolate NAME`.
    Fault { what: Fault, name: String },
    /// `.heal`.
    Heal,
    /// `.cancel`: stops the watches running in the background (Ctrl-C).
    Cancel,
    /// `.wait DURATION` (ms).
    Wait(u64),
    /// `.help`.
    Help,
}

/// A fault on one member.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Fault {
    /// Stop it (its disk survives): SIGKILL for real etcd.
    Crash,
    /// Start it again from its disk.
    Restart,
    /// Cut it off from every other member.
    Isolate,
}

/// A line read: the command with the global flags that apply to it.
#[derive(Clone, Debug, PartialEq)]
pub struct Line {
    /// What to do.
    pub command: Command,
    /// `--endpoints`, as given (empty: the default, the first member).
    pub endpoints: Vec<String>,
    /// `-w`.
    pub format: Format,
}

/// Why a line could not be read, as etcdctl says it (`Error: …` on
/// stderr, with its exit status), or with the column for the console's
/// own syntax.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LineError {
    /// The message after `Error: `.
    pub message: String,
    /// etcdctl's exit status.
    pub exit: i32,
}

/// etcdctl's `ExitBadArgs`.
pub const EXIT_BAD_ARGS: i32 = 128;
/// etcdctl's `ExitInvalidInput` (a bad txn line).
pub const EXIT_INVALID_INPUT: i32 = 3;
/// etcdctl's `ExitBadFeature` (a format a command cannot print).
pub const EXIT_BAD_FEATURE: i32 = 4;

impl LineError {
    fn args(message: impl Into<String>) -> LineError {
        LineError {
            message: message.into(),
            exit: 1,
        }
    }

    /// An error with etcdctl's exit status `exit`.
    pub fn exit(exit: i32, message: impl Into<String>) -> LineError {
        LineError {
            message: message.into(),
            exit,
        }
    }
}

/// Splits a line into words as a POSIX shell would (quotes, backslashes);
/// an unclosed quote names its column (1-based).
pub fn words(line: &str) -> Result<Vec<String>, LineError> {
    let mut out = Vec::new();
    let mut word: Option<String> = None;
    let mut chars = line.char_indices().peekable();
    while let Some((at, c)) = chars.next() {
        match c {
            ' ' | '\t' => {
                if let Some(w) = word.take() {
                    out.push(w);
                }
            }
            '\'' | '"' => {
                let w = word.get_or_insert_with(String::new);
                let mut closed = false;
                while let Some((_, d)) = chars.next() {
                    if d == c {
                        closed = true;
                        break;
                    }
                    if c == '"' && d == '\\' {
                        if let Some(&(_, e)) = chars.peek() {
                            if matches!(e, '"' | '\\' | '$' | '`') {
                                w.push(e);
                                chars.next();
                                continue;
                            }
                        }
                    }
                    w.push(d);
                }
                if !closed {
                    let column = line[..at].chars().count() + 1;
                    return Err(LineError::args(format!("unclosed {c} at column {column}")));
                }
            }
            '\\' => {
                if let Some((_, d)) = chars.next() {
                    word.get_or_insert_with(String::new).push(d);
                }
            }
            c => word.get_or_insert_with(String::new).push(c),
        }
    }
    out.extend(word);
    Ok(out)
}

/// Flags etcdctl accepts everywhere that change nothing here (TLS files,
/// timeouts the console does not model).
const IGNORED_GLOBALS: [&str; 7] = [
    "--cacert",
    "--cert",
    "--key",
    "--dial-timeout",
    "--command-timeout",
    "--keepalive-time",
    "--keepalive-timeout",
];

/// Reads one line (without its comment). `Ok(None)` for a blank line.
pub fn parse(line: &str) -> Result<Option<Line>, LineError> {
    let trimmed = line.trim();
    if trimmed.is_empty() || trimmed.starts_with('#') {
        return Ok(None);
    }
    let mut ws = words(trimmed)?;
    if ws.first().map(String::as_str) == Some("etcdctl") {
        ws.remove(0);
    }
    if ws.is_empty() {
        return Ok(None);
    }
    if ws[0].starts_with('.') {
        return dot(&ws).map(|command| {
            Some(Line {
                command,
                endpoints: Vec::new(),
                format: Format::Simple,
            })
        });
    }
    let mut endpoints = Vec::new();
    let mut format = Format::Simple;
    let mut flags: Vec<(String, Option<String>)> = Vec::new();
    let mut args: Vec<String> = Vec::new();
    let mut i = 0;
    while i < ws.len() {
        let w = &ws[i];
        i += 1;
        if w == "--" {
            args.extend(ws[i..].iter().cloned());
            break;
        }
        if !w.starts_with('-') || w == "-" {
            args.push(w.clone());
            continue;
        }
        let (name, inline) = match w.split_once('=') {
            Some((n, v)) => (n.to_string(), Some(v.to_string())),
            None => (w.clone(), None),
        };
        let name = if name == "-w" {
            "--write-out".to_string()
        } else {
            name
        };
        let takes_value = matches!(
            name.as_str(),
            "--write-out"
                | "--endpoints"
                | "--limit"
                | "--rev"
                | "--consistency"
                | "--sort-by"
                | "--order"
                | "--peer-urls"
        ) || IGNORED_GLOBALS.contains(&name.as_str());
        let value = if takes_value && inline.is_none() {
            let v = ws
                .get(i)
                .cloned()
                .ok_or_else(|| LineError::args(format!("flag needs an argument: {name}")))?;
            i += 1;
            Some(v)
        } else {
            inline
        };
        match name.as_str() {
            "--write-out" => {
                format = match value.as_deref() {
                    Some("simple") => Format::Simple,
                    Some("json") => Format::Json,
                    Some("table") => Format::Table,
                    Some("fields") => Format::Fields,
                    Some(other) => {
                        return Err(LineError {
                            message: format!("unknown output format {other:?}"),
                            exit: 4,
                        })
                    }
                    None => unreachable!("takes a value"),
                }
            }
            "--endpoints" => {
                endpoints = (value.unwrap_or_default().split(','))
                    .filter(|e| !e.is_empty())
                    .map(str::to_string)
                    .collect();
            }
            n if IGNORED_GLOBALS.contains(&n) => {}
            _ => flags.push((name, value)),
        }
    }
    let command = command(&args, &flags)?;
    Ok(Some(Line {
        command,
        endpoints,
        format,
    }))
}

fn flag<'a>(
    flags: &'a [(String, Option<String>)],
    name: &str,
) -> Option<&'a (String, Option<String>)> {
    flags.iter().find(|(n, _)| n == name)
}

/// A boolean flag: `--prefix`, `--prefix=true`.
fn switch(flags: &[(String, Option<String>)], name: &str) -> Result<bool, LineError> {
    match flag(flags, name) {
        None => Ok(false),
        Some((_, None)) => Ok(true),
        Some((_, Some(v))) => match v.as_str() {
            "true" | "1" => Ok(true),
            "false" | "0" => Ok(false),
            _ => Err(LineError::args(format!(
                "invalid argument {v:?} for \"{name}\" flag: strconv.ParseBool: parsing {v:?}: invalid syntax"
            ))),
        },
    }
}

fn number(flags: &[(String, Option<String>)], name: &str) -> Result<u64, LineError> {
    match flag(flags, name) {
        None => Ok(0),
        Some((_, v)) => {
            let v = v.clone().unwrap_or_default();
            v.parse().map_err(|_| {
                LineError::args(format!(
                    "invalid argument {v:?} for \"{name}\" flag: strconv.ParseInt: parsing {v:?}: invalid syntax"
                ))
            })
        }
    }
}

/// Rejects flags the command does not know, as etcdctl (cobra) does.
fn only(flags: &[(String, Option<String>)], known: &[&str]) -> Result<(), LineError> {
    match flags.iter().find(|(n, _)| !known.contains(&n.as_str())) {
        Some((n, _)) => Err(LineError::args(format!("unknown flag: {n}"))),
        None => Ok(()),
    }
}

fn command(args: &[String], flags: &[(String, Option<String>)]) -> Result<Command, LineError> {
    let a: Vec<&str> = args.iter().map(String::as_str).collect();
    match a.as_slice() {
        ["put", rest @ ..] => {
            only(flags, &[])?;
            match rest {
                [key, value] => Ok(Command::Put {
                    key: key.to_string(),
                    value: value.to_string(),
                }),
                [] => Err(LineError::args(
                    "put command needs 1 argument and input from stdin or 2 arguments",
                )),
                [_] => Err(LineError::args(
                    "put command needs 1 argument and input from stdin or 2 arguments",
                )),
                _ => Err(LineError::args(
                    "put command needs 1 argument and input from stdin or 2 arguments",
                )),
            }
        }
        ["get", rest @ ..] => {
            only(
                flags,
                &[
                    "--prefix",
                    "--from-key",
                    "--keys-only",
                    "--print-value-only",
                    "--limit",
                    "--rev",
                    "--consistency",
                    "--sort-by",
                    "--order",
                ],
            )?;
            let (key, end) = range_args("get", rest, flags)?;
            let serializable = match flag(flags, "--consistency").and_then(|(_, v)| v.as_deref()) {
                None | Some("l") => false,
                Some("s") => true,
                Some(other) => {
                    return Err(LineError::args(format!(
                        "unknown consistency flag {other:?}"
                    )))
                }
            };
            let sort_order = match flag(flags, "--order").and_then(|(_, v)| v.as_deref()) {
                None | Some("") => SortOrder::None,
                Some(o) => match o.to_ascii_uppercase().as_str() {
                    "ASCEND" => SortOrder::Ascend,
                    "DESCEND" => SortOrder::Descend,
                    _ => return Err(LineError::args(format!("bad sort order {o:?}"))),
                },
            };
            let sort_target = match flag(flags, "--sort-by").and_then(|(_, v)| v.as_deref()) {
                None | Some("") => SortTarget::Key,
                Some(t) => match t.to_ascii_uppercase().as_str() {
                    "KEY" => SortTarget::Key,
                    "VERSION" => SortTarget::Version,
                    "CREATE" => SortTarget::Create,
                    "MODIFY" => SortTarget::Modify,
                    "VALUE" => SortTarget::Value,
                    _ => return Err(LineError::args(format!("bad sort target {t:?}"))),
                },
            };
            // etcdctl: a sort target with no order sorts ascending.
            let sort_order = match (sort_order, flag(flags, "--sort-by").is_some()) {
                (SortOrder::None, true) => SortOrder::Ascend,
                (o, _) => o,
            };
            Ok(Command::Get {
                req: RangeRequest {
                    key,
                    end,
                    revision: number(flags, "--rev")?,
                    limit: number(flags, "--limit")?,
                    sort_target,
                    sort_order,
                    keys_only: switch(flags, "--keys-only")?,
                    count_only: false,
                },
                serializable,
                print_value_only: switch(flags, "--print-value-only")?,
            })
        }
        ["del", rest @ ..] => {
            only(flags, &["--prefix", "--from-key"])?;
            let (key, end) = range_args("del", rest, flags)?;
            Ok(Command::Del { key, end })
        }
        ["txn", rest @ ..] => {
            only(flags, &[])?;
            if !rest.is_empty() {
                return Err(LineError::exit(
                    EXIT_BAD_ARGS,
                    "txn command does not accept argument",
                ));
            }
            Ok(Command::Txn)
        }
        ["compaction", rest @ ..] => {
            only(flags, &["--physical"])?;
            switch(flags, "--physical")?;
            match rest {
                [rev] => rev
                    .parse()
                    .map(|revision| Command::Compaction { revision })
                    .map_err(|_| {
                        LineError::args(format!(
                            "strconv.ParseInt: parsing {}: invalid syntax",
                            super::print::go_quote(rev)
                        ))
                    }),
                _ => Err(LineError::exit(
                    EXIT_BAD_ARGS,
                    "compaction command needs 1 argument",
                )),
            }
        }
        ["watch", rest @ ..] => {
            only(flags, &["--prefix", "--rev"])?;
            let prefix = switch(flags, "--prefix")?;
            let key = match rest {
                [key] => key.to_string(),
                [] if prefix => String::new(),
                [] => {
                    return Err(LineError::exit(
                        EXIT_BAD_ARGS,
                        "watch in non-interactive mode requires one or two argument as key or prefix, with range end",
                    ))
                }
                [_, _] => {
                    return Err(LineError::args(
                        "the console watches one key or one prefix (--prefix), not a range",
                    ))
                }
                _ => {
                    return Err(LineError::exit(EXIT_BAD_ARGS, "bad number of arguments"))
                }
            };
            Ok(Command::Watch {
                key,
                prefix,
                revision: number(flags, "--rev")?,
            })
        }
        ["member", "list"] => {
            only(flags, &[])?;
            Ok(Command::MemberList)
        }
        ["member", "add", rest @ ..] => {
            only(flags, &["--peer-urls", "--learner"])?;
            let name = match rest {
                [] => return Err(LineError::exit(EXIT_BAD_ARGS, "member name not provided")),
                [name] => name.to_string(),
                _ => {
                    let mut e = String::from("too many arguments");
                    for s in rest.iter().filter(|s| s.to_lowercase().starts_with("http")) {
                        e.push_str(&format!(", did you mean --peer-urls={s}"));
                    }
                    return Err(LineError::exit(EXIT_BAD_ARGS, e));
                }
            };
            let peer_url = match flag(flags, "--peer-urls").and_then(|(_, v)| v.clone()) {
                Some(u) if !u.is_empty() => u,
                _ => {
                    return Err(LineError::exit(
                        EXIT_BAD_ARGS,
                        "member peer urls not provided",
                    ))
                }
            };
            if peer_url.contains(',') {
                return Err(LineError::args(
                    "the console gives each member one peer URL",
                ));
            }
            Ok(Command::MemberAdd {
                name,
                peer_url,
                learner: switch(flags, "--learner")?,
            })
        }
        ["member", verb @ ("remove" | "promote"), rest @ ..] => {
            only(flags, &[])?;
            let id = match rest {
                [id] => u64::from_str_radix(id, 16).map_err(|_| {
                    LineError::exit(
                        EXIT_BAD_ARGS,
                        format!(
                            "bad member ID arg (strconv.ParseUint: parsing {}: invalid syntax), expecting ID in Hex",
                            super::print::go_quote(id)
                        ),
                    )
                })?,
                _ => return Err(LineError::exit(EXIT_BAD_ARGS, "member ID is not provided")),
            };
            Ok(if *verb == "remove" {
                Command::MemberRemove { id }
            } else {
                Command::MemberPromote { id }
            })
        }
        ["move-leader", rest @ ..] => {
            only(flags, &[])?;
            match rest {
                [id] => u64::from_str_radix(id, 16)
                    .map(|id| Command::MoveLeader { id })
                    .map_err(|_| {
                        LineError::exit(
                            EXIT_BAD_ARGS,
                            format!(
                                "strconv.ParseUint: parsing {}: invalid syntax",
                                super::print::go_quote(id)
                            ),
                        )
                    }),
                _ => Err(LineError::exit(
                    EXIT_BAD_ARGS,
                    "move-leader command needs 1 argument",
                )),
            }
        }
        ["endpoint", "health"] => {
            only(flags, &["--cluster"])?;
            Ok(Command::EndpointHealth {
                cluster: switch(flags, "--cluster")?,
            })
        }
        ["endpoint", "status"] => {
            only(flags, &["--cluster"])?;
            Ok(Command::EndpointStatus {
                cluster: switch(flags, "--cluster")?,
            })
        }
        [] => Err(LineError::args("no command (try .help)")),
        [other, ..] => Err(LineError::args(format!(
            "the console does not know the command {other:?} (.help lists what it knows)"
        ))),
    }
}

/// `KEY [RANGE_END]` with `--prefix` / `--from-key`.
fn range_args(
    cmd: &str,
    rest: &[&str],
    flags: &[(String, Option<String>)],
) -> Result<(String, RangeEnd), LineError> {
    let prefix = switch(flags, "--prefix")?;
    let from_key = switch(flags, "--from-key")?;
    if prefix && from_key {
        return Err(LineError::args(
            "`--prefix` and `--from-key` cannot be set at the same time, choose one",
        ));
    }
    let (key, end) = match rest {
        [] if prefix || from_key => (String::new(), None),
        [key] => (key.to_string(), None),
        [key, end] => (key.to_string(), Some(end.to_string())),
        _ if cmd == "get" => {
            return Err(LineError::args(
                "get command needs one argument as key and an optional argument as range_end",
            ))
        }
        _ => {
            return Err(LineError::args(
                "del command needs one argument as key and an optional argument as range_end",
            ))
        }
    };
    let end = match (end, prefix, from_key) {
        (Some(_), true, _) => {
            return Err(LineError::args(
                "too many arguments, only accept one argument when `--prefix` is set.",
            ))
        }
        (Some(_), _, true) => {
            return Err(LineError::args(
                "too many arguments, only accept one argument when `--from-key` is set.",
            ))
        }
        (Some(e), false, false) => RangeEnd::To(e),
        (None, true, _) => RangeEnd::Prefix,
        (None, _, true) => RangeEnd::FromKey,
        (None, false, false) => RangeEnd::Key,
    };
    Ok((key, end))
}

fn dot(ws: &[String]) -> Result<Command, LineError> {
    let a: Vec<&str> = ws.iter().map(String::as_str).collect();
    let fault = |what, name: &str| {
        Ok(Command::Fault {
            what,
            name: name.to_string(),
        })
    };
    match a.as_slice() {
        [".crash", name] => fault(Fault::Crash, name),
        [".restart", name] => fault(Fault::Restart, name),
        [".isolate", name] => fault(Fault::Isolate, name),
        [".heal"] => Ok(Command::Heal),
        [".cancel"] => Ok(Command::Cancel),
        [".help"] => Ok(Command::Help),
        [".wait", d] => parse_ms(d).map(Command::Wait).ok_or_else(|| {
            LineError::args(format!(
                ".wait takes a duration such as 2s or 500ms, not {d:?}"
            ))
        }),
        [cmd, ..]
            if DOT_USAGE
                .iter()
                .any(|(c, _)| c.split(' ').next() == Some(*cmd)) =>
        {
            let usage = DOT_USAGE
                .iter()
                .find(|(c, _)| c.split(' ').next() == Some(*cmd))
                .map(|(c, _)| *c)
                .unwrap_or_default();
            Err(LineError::args(format!("usage: {usage}")))
        }
        [cmd, ..] => Err(LineError::args(format!(
            "unknown console command {cmd} (.help lists them)"
        ))),
        [] => unreachable!("a dot-command has a word"),
    }
}

/// `2s`, `500ms`, `1.5s`.
fn parse_ms(d: &str) -> Option<u64> {
    if let Some(ms) = d.strip_suffix("ms") {
        return ms.parse().ok();
    }
    let s: f64 = d.strip_suffix('s')?.parse().ok()?;
    (s.is_finite() && s >= 0.0).then(|| (s * 1000.0).round() as u64)
}

/// The console's own commands, for `.help`.
pub const DOT_USAGE: [(&str, &str); 7] = [
    (
        ".crash NAME",
        "stop a member (etcd-2 or n2); its disk survives",
    ),
    (".restart NAME", "start a stopped member from its disk"),
    (".isolate NAME", "cut a member off from every other member"),
    (".heal", "restore every link"),
    (
        ".cancel",
        "stop the watches running in the background (Ctrl-C)",
    ),
    (".wait DURATION", "let virtual time pass (2s, 500ms)"),
    (".help", "this list"),
];

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn words_follow_the_shell() {
        assert_eq!(
            words(r#"put "key with space" 'v "q"' a\ b"#).unwrap(),
            ["put", "key with space", "v \"q\"", "a b"]
        );
        let err = words("put 'open").unwrap_err();
        assert_eq!(err.message, "unclosed ' at column 5");
    }

    #[test]
    fn lines_read_as_etcdctl_reads_them() {
        let l = parse("etcdctl --endpoints=http://192.168.0.101:2379 get /a --prefix -w json")
            .unwrap()
            .unwrap();
        assert_eq!(l.endpoints, ["http://192.168.0.101:2379"]);
        assert_eq!(l.format, Format::Json);
        match l.command {
            Command::Get { req, .. } => {
                assert_eq!((req.key.as_str(), req.end), ("/a", RangeEnd::Prefix))
            }
            other => panic!("{other:?}"),
        }
        assert_eq!(parse("  # a comment").unwrap(), None);
        assert_eq!(parse("").unwrap(), None);
        assert_eq!(
            parse("get foo --count-only").unwrap_err().message,
            "unknown flag: --count-only"
        );
        assert_eq!(
            parse("put a 1 -w table").unwrap().unwrap().format,
            Format::Table
        );
        assert_eq!(parse("get a -w yaml").unwrap_err().exit, 4);
        assert_eq!(
            parse(".wait soon").unwrap_err().message,
            ".wait takes a duration such as 2s or 500ms, not \"soon\""
        );
        assert_eq!(
            parse(".wait 1.5s").unwrap().unwrap().command,
            Command::Wait(1500)
        );
        assert_eq!(parse(".crash").unwrap_err().message, "usage: .crash NAME");
    }
}
