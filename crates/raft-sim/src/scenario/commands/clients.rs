//! Client requests and watches.

use super::*;
use crate::kv::RangeRequest;
use crate::scenario::parse::number;

pub(super) const SPECS: &[Spec] = &[
    spec(
        "put",
        &[],
        "put N KEY VALUE [as L]",
        "write a key through member N",
        request,
    ),
    spec(
        "get",
        &[],
        "get N KEY [mode=linearizable|lease|serializable] [rev=R] [as L]",
        "read a key (as the store was at revision R, if given)",
        request,
    ),
    spec(
        "delete",
        &[],
        "delete N KEY [as L]",
        "delete a key",
        request,
    ),
    spec(
        "range",
        &[],
        "range N PREFIX [mode=…] [as L]",
        "read every key under a prefix",
        request,
    ),
    spec(
        "compaction",
        &[],
        "compaction N REV [as L]",
        "compact the store's history up to revision REV (etcdctl compaction; a write through the log)",
        |l| {
            let node = l.node(1)?;
            let revision = number(l, l.tok(2, "a revision")?, "a revision")?;
            let (label, next) = match l.toks.get(3) {
                Some(_) => {
                    let (name, next) = label_at(l, 3)?;
                    (Some(name), next)
                }
                None => (None, 3),
            };
            l.no_more(next)?;
            Ok(Command::Request {
                node,
                op: ClientOp::Compact { revision },
                mode: ReadMode::Linearizable,
                label,
            })
        },
    ),
    spec(
        "watch",
        &[],
        "watch N KEY [prefix] [rev=R] as L",
        "watch a key (or a prefix) on member N, from revision R if given",
        |l| {
            let node = l.node(1)?;
            let key = l.tok(2, "a key")?;
            if key.text.trim().is_empty() {
                return Err(l.err(key.col, "key must not be empty"));
            }
            let mut i = 3;
            let prefix = l.toks.get(i).is_some_and(|t| t.text == "prefix");
            i += usize::from(prefix);
            let mut start_revision = 0;
            if let Some(t) = l.toks.get(i).filter(|t| t.text.starts_with("rev=")) {
                start_revision = t.text["rev=".len()..]
                    .parse()
                    .map_err(|_| l.err(t.col + 4, "rev= needs a revision number"))?;
                i += 1;
            }
            let (label, next) = label_at(l, i)?;
            l.no_more(next)?;
            Ok(Command::Watch {
                node,
                key: key.text.to_string(),
                prefix,
                start_revision,
                label,
            })
        },
    ),
];

fn request(l: &Line) -> Result<Command, ScriptError> {
    let verb = &l.toks[0];
    let node = l.node(1)?;
    let key = l.tok(2, "a key")?.text.to_string();
    let mut i = 3;
    let mut op = match verb.text {
        "put" => {
            let v = l.tok(3, "a value")?.text.to_string();
            i = 4;
            ClientOp::Put { key, value: v }
        }
        "get" => ClientOp::Get { key },
        "delete" => ClientOp::Delete { key },
        _ => ClientOp::Range { prefix: key },
    };
    let mut mode = ReadMode::Linearizable;
    let mut label = None;
    while i < l.toks.len() {
        let t = &l.toks[i];
        if t.text == "as" {
            let (name, next) = label_at(l, i)?;
            label = Some(name);
            i = next;
            continue;
        }
        match t.text.split_once('=') {
            Some(("rev", r)) if matches!(op, ClientOp::Get { .. }) => {
                let revision = r
                    .parse()
                    .map_err(|_| l.err(t.col + 4, "rev= needs a revision number"))?;
                let ClientOp::Get { key } = op else {
                    unreachable!("matched above")
                };
                op = ClientOp::RangeRequest(RangeRequest {
                    revision,
                    ..RangeRequest::key(key)
                });
            }
            Some(("mode", m)) if !op.is_write() => {
                mode = ReadMode::parse(m).ok_or_else(|| {
                    l.err(
                        t.col,
                        format!("unknown read mode '{m}' (linearizable, lease, serializable)"),
                    )
                })?;
            }
            _ => return Err(l.err(t.col, format!("unexpected '{}'", t.text))),
        }
        i += 1;
    }
    if let Err(e) = op.validate() {
        return Err(l.err(l.toks[2].col, e));
    }
    Ok(Command::Request {
        node,
        op,
        mode,
        label,
    })
}
