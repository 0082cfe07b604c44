//! Faults and repairs: members, links, partitions, network settings, PreVote
//! and CheckQuorum.

use super::*;

pub(super) const SPECS: &[Spec] = &[
    spec(
        "crash",
        &[],
        "crash N",
        "stop a member; its disk survives",
        |l| Ok(Command::Crash(one_node(l)?)),
    ),
    spec(
        "restart",
        &[],
        "restart N",
        "start a crashed member from its disk",
        |l| Ok(Command::Restart(one_node(l)?)),
    ),
    spec(
        "wipe",
        &[],
        "wipe N",
        "replace a member by a blank one with a new id",
        |l| Ok(Command::Wipe(one_node(l)?)),
    ),
    spec(
        "isolate",
        &[],
        "isolate N",
        "cut a member off from all others",
        |l| Ok(Command::Isolate(one_node(l)?)),
    ),
    spec(
        "campaign",
        &[],
        "campaign N",
        "make a member start an election now",
        |l| Ok(Command::Campaign(one_node(l)?)),
    ),
    spec(
        "compact",
        &[],
        "compact N",
        "compact a member's log into a snapshot now",
        |l| Ok(Command::Compact(one_node(l)?)),
    ),
    spec(
        "transfer-leader",
        &[],
        "transfer-leader N",
        "ask the leader to hand over to N",
        |l| Ok(Command::TransferLeader(one_node(l)?)),
    ),
    spec(
        "partition",
        &[],
        "partition A B | C D [| rest]",
        "split the members into groups",
        |l| {
            let mut groups: Vec<Vec<Option<NodeRef>>> = vec![Vec::new()];
            for tok in &l.toks[1..] {
                let g = groups.last_mut().expect("never empty");
                match tok.text {
                    "|" => groups.push(Vec::new()),
                    "rest" => g.push(None),
                    _ => g.push(Some(node_ref(l, tok)?)),
                }
            }
            if groups.len() < 2 || groups.iter().any(Vec::is_empty) {
                return Err(l.err(
                    l.toks[0].col,
                    "expected groups like 'n1 n2 | n3 n4 n5' (or '| rest')",
                ));
            }
            Ok(Command::Partition(groups))
        },
    ),
    spec(
        "partition-oneway",
        &[],
        "partition-oneway A B -> C D",
        "cut every link from A, B to C, D",
        |l| {
            let arrow = l
                .toks
                .iter()
                .position(|t| t.text == "->")
                .ok_or_else(|| l.err(l.end_col, "expected 'senders -> receivers'"))?;
            let nodes = |toks: &[Tok]| {
                toks.iter()
                    .map(|t| node_ref(l, t))
                    .collect::<Result<Vec<_>, _>>()
            };
            let from = nodes(&l.toks[1..arrow])?;
            let to = nodes(&l.toks[arrow + 1..])?;
            if from.is_empty() || to.is_empty() {
                return Err(l.err(l.toks[0].col, "expected members on both sides of '->'"));
            }
            Ok(Command::PartitionOneway(from, to))
        },
    ),
    spec(
        "cut",
        &[],
        "cut A B | cut A -> B",
        "cut one link, both ways or one way",
        |l| Ok(Command::Cut(link(l, true)?)),
    ),
    spec(
        "repair",
        &[],
        "repair A B | repair A -> B",
        "restore one link",
        |l| Ok(Command::Repair(link(l, true)?)),
    ),
    spec(
        "heal",
        &[],
        "heal",
        "restore every link and release every held message",
        |l| {
            l.no_more(1)?;
            Ok(Command::Heal)
        },
    ),
    spec(
        "hold-link",
        &[],
        "hold-link A -> B",
        "hold every message on a link until released",
        |l| Ok(Command::HoldLink(link(l, false)?)),
    ),
    spec(
        "release-link",
        &[],
        "release-link A -> B",
        "release a held link and its messages",
        |l| Ok(Command::ReleaseLink(link(l, false)?)),
    ),
    spec(
        "latency",
        &[],
        "latency MS",
        "base one-way latency (20, 20ms, 1s)",
        |l| Ok(Command::Latency(millis(l, one_value(l)?, "latency")?)),
    ),
    spec(
        "jitter",
        &[],
        "jitter MS",
        "extra random latency up to MS",
        |l| Ok(Command::Jitter(millis(l, one_value(l)?, "jitter")?)),
    ),
    spec(
        "loss",
        &[],
        "loss PCT",
        "lose this percentage of messages (10 or 10%)",
        |l| Ok(Command::Loss(percent(l, one_value(l)?, "loss")?)),
    ),
    spec(
        "duplicate",
        &["dup"],
        "duplicate PCT",
        "deliver this percentage of messages twice",
        |l| Ok(Command::Duplicate(percent(l, one_value(l)?, "duplicate")?)),
    ),
    spec(
        "pre-vote",
        &["prevote"],
        "pre-vote on|off",
        "turn PreVote on or off on every member",
        |l| Ok(Command::PreVote(on_off(l, one_value(l)?)?)),
    ),
    spec(
        "check-quorum",
        &["checkquorum"],
        "check-quorum on|off",
        "turn CheckQuorum on or off on every member",
        |l| Ok(Command::CheckQuorum(on_off(l, one_value(l)?)?)),
    ),
];

/// `A B`, `A <-> B` (both ways) or `A -> B` (one way, required when `both_ok` is false).
fn link(l: &Line, both_ok: bool) -> Result<Link, ScriptError> {
    let from = l.node(1)?;
    let t = l.tok(2, "'->', '<->' or a member")?;
    let (to, both, next) = match t.text {
        "->" => (l.node(3)?, false, 4),
        "<->" => (l.node(3)?, true, 4),
        _ => (node_ref(l, t)?, true, 3),
    };
    if both && !both_ok {
        return Err(l.err(l.toks[1].col, "this takes one direction: 'n1 -> n2'"));
    }
    l.no_more(next)?;
    Ok(Link { from, to, both })
}
