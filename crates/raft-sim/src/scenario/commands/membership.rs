//! Membership changes, one at a time or joint.

use super::*;

pub(super) const SPECS: &[Spec] = &[
    spec(
        "add-voter",
        &[],
        "add-voter N",
        "propose adding N as a voter",
        |l| {
            Ok(Command::Membership(vec![(
                MemberChange::AddVoter,
                one_node(l)?,
            )]))
        },
    ),
    spec(
        "add-learner",
        &[],
        "add-learner N",
        "propose adding N as a learner",
        |l| {
            Ok(Command::Membership(vec![(
                MemberChange::AddLearner,
                one_node(l)?,
            )]))
        },
    ),
    spec(
        "promote",
        &[],
        "promote N",
        "propose making learner N a voter",
        |l| {
            Ok(Command::Membership(vec![(
                MemberChange::AddVoter,
                one_node(l)?,
            )]))
        },
    ),
    spec("remove", &[], "remove N", "propose removing N", |l| {
        Ok(Command::Membership(vec![(
            MemberChange::Remove,
            one_node(l)?,
        )]))
    }),
    spec(
        "joint",
        &[],
        "joint remove N add-voter M …",
        "several changes at once, by joint consensus",
        |l| {
            let mut changes = Vec::new();
            let mut i = 1;
            while i < l.toks.len() {
                let kind = &l.toks[i];
                let c = match kind.text {
                    "add-voter" | "promote" => MemberChange::AddVoter,
                    "add-learner" => MemberChange::AddLearner,
                    "remove" => MemberChange::Remove,
                    other => {
                        return Err(l.err(
                            kind.col,
                            format!(
                            "expected add-voter, add-learner, promote or remove, found '{other}'"
                        ),
                        ))
                    }
                };
                changes.push((c, l.node(i + 1)?));
                i += 2;
            }
            if changes.len() < 2 {
                return Err(l.err(l.toks[0].col, "joint takes two or more changes"));
            }
            Ok(Command::Membership(changes))
        },
    ),
];
