//! Commands about the script itself: time, conditions, names, refusals.

use super::*;

pub(super) const SPECS: &[Spec] = &[
    spec(
        "run",
        &[],
        "run DURATION",
        "advance virtual time (500ms, 2s)",
        |l| {
            let ms = duration_tok(l, l.tok(1, "a duration like 2s")?, "run")?;
            l.no_more(2)?;
            Ok(Command::Run(ms))
        },
    ),
    spec(
        "wait",
        &[],
        "wait CONDITION [within=10s]",
        "run until the condition holds",
        |l| {
            let (c, next) = conditions::parse_cond(l, 1)?;
            Ok(Command::Wait(c, within(l, next)?))
        },
    ),
    spec(
        "assert",
        &[],
        "assert CONDITION",
        "fail unless the condition holds now",
        |l| {
            let (c, next) = conditions::parse_cond(l, 1)?;
            l.no_more(next)?;
            Ok(Command::Assert(c))
        },
    ),
    spec(
        "remember",
        &[],
        "remember N as NAME",
        "bind $NAME to the member N is now",
        |l| {
            let n = l.node(1)?;
            let (name, next) = label_at(l, 2)?;
            l.no_more(next)?;
            Ok(Command::Remember(n, name))
        },
    ),
    spec(
        "expect-error",
        &[],
        "expect-error COMMAND",
        "the command must be refused",
        |l| {
            let inner = l.tail();
            if inner.toks.is_empty() {
                return Err(l.err(l.end_col, "expected a command"));
            }
            Ok(Command::ExpectError(Box::new(parse_command(&inner)?)))
        },
    ),
];
