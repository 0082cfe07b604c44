//! Single messages: drop what is in flight, or pick the next one to hold,
//! release or drop.

use super::*;

pub(super) const SPECS: &[Spec] = &[
    spec(
        "drop",
        &[],
        "drop [kind=K] [from=N] [to=N]",
        "drop every message in flight that matches",
        |l| Ok(Command::Drop(msg_filter(l, 1..l.toks.len())?)),
    ),
    spec(
        "hold-msg",
        &[],
        "hold-msg [kind=K] [from=N] [to=N] as M [within=10s]",
        "hold the next matching message",
        |l| {
            let at = l
                .toks
                .iter()
                .position(|t| t.text == "as")
                .ok_or_else(|| l.err(l.end_col, "expected 'as M'"))?;
            let filter = msg_filter(l, 1..at)?;
            let (label, next) = label_at(l, at)?;
            Ok(Command::HoldMsg(filter, label, within(l, next)?))
        },
    ),
    spec(
        "release-msg",
        &[],
        "release-msg M",
        "deliver a held message",
        |l| Ok(Command::ReleaseMsg(one_value(l)?.text.to_string())),
    ),
    spec(
        "drop-msg",
        &[],
        "drop-msg M",
        "drop a labelled message",
        |l| Ok(Command::DropMsg(one_value(l)?.text.to_string())),
    ),
];

/// `kind=`, `from=`, `to=` options in tokens `toks`.
fn msg_filter(l: &Line, toks: std::ops::Range<usize>) -> Result<MsgFilter, ScriptError> {
    let mut f = MsgFilter::default();
    for t in &l.toks[toks] {
        let Some((k, v)) = t.text.split_once('=') else {
            return Err(l.err(t.col, format!("expected key=value, found '{}'", t.text)));
        };
        let v = Tok {
            text: v,
            col: t.col,
        };
        match k {
            "kind" => {
                f.kind = Some(MsgKind::parse(v.text).ok_or_else(|| {
                    l.err(
                        v.col,
                        format!(
                            "unknown message kind '{}' (append, heartbeat, vote, pre-vote, snapshot, ...)",
                            v.text
                        ),
                    )
                })?)
            }
            "from" => f.from = Some(node_ref(l, &v)?),
            "to" => f.to = Some(node_ref(l, &v)?),
            _ => return Err(l.err(t.col, format!("unknown option '{k}'"))),
        }
    }
    Ok(f)
}
