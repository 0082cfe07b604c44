//! `etcdctl txn` in its non-interactive form (`txn_command.go`): after the
//! `txn` line come the compares, a blank line, the ops run on success, a
//! blank line, the ops run on failure and a blank line, as etcdctl reads
//! them from stdin; then the transaction is sent, and its answer printed
//! as etcdctl's printers print a `TxnResponse`.

use std::fmt::Write;

use super::command::{self, Command, Format, LineError, EXIT_INVALID_INPUT};
use super::print::{self, go_quote, Header};
use crate::kv::TxnResponse;
use crate::kv::{Compare, CompareOp, CompareTarget, RangeEnd, TxnOp, TxnOpResponse, TxnRequest};

/// A transaction being read, line by line.
#[derive(Clone, Debug, Default)]
pub(super) struct TxnInput {
    /// 0: compares, 1: success ops, 2: failure ops.
    part: usize,
    /// What was read so far.
    pub(super) req: TxnRequest,
}

impl TxnInput {
    /// Reads one line of the transaction; `Ok(true)` once the blank line
    /// after the failure ops ends it.
    pub(super) fn feed(&mut self, line: &str) -> Result<bool, LineError> {
        // etcdctl trims every line, and a blank one ends the part.
        let line = line.trim();
        if line.is_empty() {
            self.part += 1;
            return Ok(self.part == 3);
        }
        match self.part {
            0 => self.req.compare.push(compare(line)?),
            1 => self.req.success.push(op(line)?),
            _ => self.req.failure.push(op(line)?),
        }
        Ok(false)
    }
}

fn invalid(message: String) -> LineError {
    LineError::exit(EXIT_INVALID_INPUT, message)
}

/// One compare, as etcdctl's `parseCompare`: `TARGET("key") OP "value"`
/// with TARGET one of ver(sion), c(reate), m(od), val(ue). (etcdctl has a
/// `lease` target too; the store keeps no leases.)
fn compare(line: &str) -> Result<Compare, LineError> {
    let Some((target, rest)) = line.split_once('(') else {
        return Err(invalid(format!("malformed comparison: {line}")));
    };
    // Go's Sscanf("%q) %s %q"): a quoted key, `)`, the op, a quoted value.
    let (mut key, mut op, mut value) = (String::new(), String::new(), String::new());
    let scanned = (|| {
        let (k, rest) = quoted(rest)?;
        key = k;
        let rest = rest.strip_prefix(')')?.trim_start();
        let end = rest.find(char::is_whitespace)?;
        op = rest[..end].to_string();
        let (v, _) = quoted(rest[end..].trim_start())?;
        value = v;
        Some(())
    })();
    if scanned.is_none() {
        return Err(invalid(format!(
            "malformed comparison: {line}; got {target}({}) {op} {}",
            go_quote(&key),
            go_quote(&value)
        )));
    }
    let op = match op.as_str() {
        "=" | "==" => CompareOp::Equal,
        "!=" => CompareOp::NotEqual,
        ">" => CompareOp::Greater,
        "<" => CompareOp::Less,
        // etcdctl panics here; the console says why instead.
        other => {
            return Err(invalid(format!(
                "malformed comparison: {line} (unknown operator {other}; use = != > <)"
            )))
        }
    };
    let number = || {
        value
            .parse::<i64>()
            .map_err(|_| invalid(format!("invalid txn compare request: {line}")))
    };
    let target = match target {
        "ver" | "version" => CompareTarget::Version(number()?),
        "c" | "create" => CompareTarget::Create(number()?),
        "m" | "mod" => CompareTarget::Mod(number()?),
        "val" | "value" => CompareTarget::Value(value.clone()),
        "lease" => {
            return Err(invalid(format!(
                "malformed comparison: {line} (the console's store has no leases)"
            )))
        }
        other => {
            return Err(invalid(format!(
                "malformed comparison: {line} (unknown target {other})"
            )))
        }
    };
    Ok(Compare {
        key,
        end: RangeEnd::Key,
        op,
        target,
    })
}

/// A Go double-quoted string at the start of `s`, and what follows it.
fn quoted(s: &str) -> Option<(String, &str)> {
    let mut chars = s.strip_prefix('"')?.char_indices();
    let mut out = String::new();
    while let Some((i, c)) = chars.next() {
        match c {
            '"' => return Some((out, &s[i + 2..])),
            '\\' => match chars.next()?.1 {
                'n' => out.push('\n'),
                't' => out.push('\t'),
                c @ ('"' | '\\') => out.push(c),
                _ => return None,
            },
            c => out.push(c),
        }
    }
    None
}

/// One op, as etcdctl's `parseRequestUnion`: a put, get or del line with
/// its own flags (not the global ones).
fn op(line: &str) -> Result<TxnOp, LineError> {
    let bad = || invalid(format!("invalid txn request: {line}"));
    if command::words(line).map_or(0, |w| w.len()) < 2 {
        return Err(invalid(format!("invalid txn compare request: {line}")));
    }
    let parsed = command::parse(line).map_err(|_| bad())?.ok_or_else(bad)?;
    if !parsed.endpoints.is_empty() || parsed.format != Format::Simple {
        return Err(bad());
    }
    match parsed.command {
        Command::Put { key, value } => Ok(TxnOp::Put { key, value }),
        Command::Get { req, .. } => Ok(TxnOp::Range(req)),
        Command::Del { key, end } => Ok(TxnOp::DeleteRange { key, end }),
        _ => Err(bad()),
    }
}

/// The answer in `format` (not table: etcdctl cannot print a txn as one).
pub(super) fn print(h: &Header, r: &TxnResponse, format: Format) -> String {
    // The ops' own headers carry only the revision.
    let inner = |revision| Header {
        cluster_id: 0,
        member_id: 0,
        revision,
        raft_term: 0,
    };
    let mut s = String::new();
    match format {
        Format::Json => {
            let _ = write!(s, "{{\"header\":{}", h.json());
            if r.succeeded {
                s.push_str(",\"succeeded\":true");
            }
            let ops: Vec<String> = r
                .responses
                .iter()
                .map(|o| match o {
                    TxnOpResponse::Put { revision } => format!(
                        "{{\"Response\":{{\"ResponsePut\":{{\"header\":{}}}}}}}",
                        inner(*revision).json()
                    ),
                    TxnOpResponse::Range(g) => {
                        let body = print::get(&inner(g.revision), g, true, false, false);
                        format!("{{\"Response\":{{\"ResponseRange\":{}}}}}", body.trim_end())
                    }
                    TxnOpResponse::DeleteRange { deleted, revision } => {
                        let mut d = format!("{{\"header\":{}", inner(*revision).json());
                        if *deleted > 0 {
                            let _ = write!(d, ",\"deleted\":{deleted}");
                        }
                        format!("{{\"Response\":{{\"ResponseDeleteRange\":{d}}}}}}}")
                    }
                })
                .collect();
            if !ops.is_empty() {
                let _ = write!(s, ",\"responses\":[{}]", ops.join(","));
            }
            s.push_str("}\n");
        }
        Format::Fields => {
            s.push_str(&h.fields());
            let _ = writeln!(s, "\"Succeeded\" : {}", r.succeeded);
            for o in &r.responses {
                match o {
                    TxnOpResponse::Put { revision } => s.push_str(&inner(*revision).fields()),
                    TxnOpResponse::Range(g) => {
                        s.push_str(&print::get(&inner(g.revision), g, false, true, false))
                    }
                    TxnOpResponse::DeleteRange { deleted, revision } => {
                        s.push_str(&inner(*revision).fields());
                        let _ = writeln!(s, "\"Deleted\" : {deleted}");
                    }
                }
            }
        }
        Format::Simple | Format::Table => {
            s.push_str(if r.succeeded {
                "SUCCESS\n"
            } else {
                "FAILURE\n"
            });
            for o in &r.responses {
                s.push('\n');
                match o {
                    TxnOpResponse::Put { .. } => s.push_str("OK\n"),
                    TxnOpResponse::Range(g) => s.push_str(&print::get(h, g, false, false, false)),
                    TxnOpResponse::DeleteRange { deleted, .. } => {
                        let _ = writeln!(s, "{deleted}");
                    }
                }
            }
        }
    }
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn compares_read_as_etcdctl_reads_them() {
        let c = compare(r#"value("t1") = "v1""#).unwrap();
        assert_eq!((c.key.as_str(), c.op), ("t1", CompareOp::Equal));
        assert_eq!(c.target, CompareTarget::Value("v1".into()));
        let c = compare(r#"mod("t2") != "0""#).unwrap();
        assert_eq!(
            (c.op, c.target),
            (CompareOp::NotEqual, CompareTarget::Mod(0))
        );
        assert_eq!(
            compare("bogus compare").unwrap_err().message,
            "malformed comparison: bogus compare"
        );
        assert_eq!(compare("bogus compare").unwrap_err().exit, 3);
        assert_eq!(
            compare(r#"size("a") = "1""#).unwrap_err().message,
            r#"malformed comparison: size("a") = "1" (unknown target size)"#
        );
        assert_eq!(
            compare(r#"version("a") = "x""#).unwrap_err().message,
            r#"invalid txn compare request: version("a") = "x""#
        );
    }

    #[test]
    fn ops_are_put_get_del_lines_without_global_flags() {
        assert_eq!(
            op("put t2 ok").unwrap(),
            TxnOp::Put {
                key: "t2".into(),
                value: "ok".into()
            }
        );
        assert!(matches!(op("get --prefix t"), Ok(TxnOp::Range(_))));
        assert_eq!(
            op("get t4 -w json").unwrap_err().message,
            "invalid txn request: get t4 -w json"
        );
        assert_eq!(
            op("frob x").unwrap_err().message,
            "invalid txn request: frob x"
        );
        assert_eq!(
            op("get").unwrap_err().message,
            "invalid txn compare request: get"
        );
    }

    #[test]
    fn a_txn_ends_at_the_third_blank_line() {
        let mut t = TxnInput::default();
        for line in [r#"value("a") = "1""#, "", "put a 2", "get a", ""] {
            assert!(!t.feed(line).unwrap());
        }
        assert!(t.feed("  ").unwrap());
        assert_eq!((t.req.compare.len(), t.req.success.len()), (1, 2));
        assert!(t.req.failure.is_empty());
    }
}
