//! Client requests and watches.

use super::*;

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
        "get N KEY [mode=linearizable|lease|serializable] [as L]",
        "read a key",
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
        "watch",
        &[],
        "watch N KEY [prefix] as L",
        "watch a key (or a prefix) on member N",
        |l| {
            let node = l.node(1)?;
            let key = l.tok(2, "a key")?;
            if key.text.trim().is_empty() {
                return Err(l.err(key.col, "key must not be empty"));
            }
            let prefix = l.toks.get(3).is_some_and(|t| t.text == "prefix");
            let (label, next) = label_at(l, if prefix { 4 } else { 3 })?;
            l.no_more(next)?;
            Ok(Command::Watch {
                node,
                key: key.text.to_string(),
                prefix,
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
    let op = match verb.text {
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
