//! A log entry in a few words: what the page's log rows and the `Applied`
//! trace event show.
//!
//! The trace records the English words (they are part of the trace hash),
//! so [`entry_words`] says them in another language when they are shown.
//! Writes stay as etcd writes them (`put /a=1`, `delete /a`), and a conf
//! change's list stays as raft-rs prints it.

use raft::prelude::{Entry, EntryType};

use super::conf_change_of;
use crate::kv::{Command, WriteOp};
use crate::lang::Lang;

/// The empty entry a new leader appends (Raft §8: it commits the entries
/// of earlier terms and lets the leader serve reads).
const LEADER_NO_OP: &str = "(leader no-op)";
/// An entry whose data does not decode as a command.
const UNKNOWN_DATA: &str = "(unknown data)";
/// A conf change, before its changes.
const CONF_CHANGE: &str = "conf change: ";
/// The conf change that leaves a joint configuration (no changes).
const LEAVE_JOINT: &str = "conf change: leave joint";
/// A conf change that does not decode.
const CONF_UNREADABLE: &str = "conf change (unreadable)";

/// The entry in a few English words.
pub(super) fn short_entry(e: &Entry) -> String {
    match e.get_entry_type() {
        EntryType::EntryNormal if e.data.is_empty() => LEADER_NO_OP.to_string(),
        EntryType::EntryNormal => match Command::decode(&e.data) {
            Some(c) => match c.op {
                WriteOp::Put { key, value } => format!("put {key}={value}"),
                WriteOp::Delete { key } => format!("delete {key}"),
                WriteOp::DeleteRange { key, end } => format!("delete {}", end.show(&key)),
                WriteOp::Txn(t) => format!(
                    "txn ({} if, {} then, {} else)",
                    t.compare.len(),
                    t.success.len(),
                    t.failure.len()
                ),
                WriteOp::Compact { revision } => format!("compact {revision}"),
            },
            None => UNKNOWN_DATA.to_string(),
        },
        EntryType::EntryConfChange | EntryType::EntryConfChangeV2 => match conf_change_of(e) {
            Some(cc) if cc.changes.is_empty() => LEAVE_JOINT.to_string(),
            Some(cc) => format!(
                "{CONF_CHANGE}{}",
                raft_proto::stringify_conf_change(&cc.changes)
            ),
            None => CONF_UNREADABLE.to_string(),
        },
    }
}

/// An entry's words from [`short_entry`] (`MemberView`'s and `Applied`'s
/// `what`) in `lang`.
pub fn entry_words(what: &str, lang: Lang) -> String {
    match lang {
        Lang::En => what.to_string(),
        Lang::Zh => match what {
            LEADER_NO_OP => "（领导者的空条目）".into(),
            UNKNOWN_DATA => "（无法解读的数据）".into(),
            LEAVE_JOINT => "成员变更：离开联合共识 (joint consensus)".into(),
            CONF_UNREADABLE => "成员变更（无法解读）".into(),
            _ => match what.strip_prefix(CONF_CHANGE) {
                Some(changes) => format!("成员变更：{changes}"),
                None => what.to_string(),
            },
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::action::{Action, MemberChange};
    use crate::cluster::{Cluster, ClusterConfig};

    #[test]
    fn the_fixed_words_of_entries_are_said_in_chinese() {
        let mut c = Cluster::new(ClusterConfig {
            members: 3,
            ..ClusterConfig::default()
        })
        .unwrap();
        c.advance_to(5_000);
        c.apply(Action::ChangeMembership {
            changes: vec![(MemberChange::AddLearner, 4)],
        })
        .unwrap();
        c.apply(Action::Client {
            client: 1,
            node: c.leader().unwrap(),
            op: crate::ClientOp::Put {
                key: "/a".into(),
                value: "1".into(),
            },
            mode: crate::ReadMode::Linearizable,
        })
        .unwrap();
        c.advance_to(8_000);
        let words: Vec<String> = (c.view(20).members.iter())
            .flat_map(|m| m.log.iter().map(|e| e.what.clone()))
            .collect();
        let has_cjk = |s: &str| s.chars().any(|c| ('\u{4e00}'..='\u{9fff}').contains(&c));
        assert!(words.iter().any(|w| w == LEADER_NO_OP), "{words:?}");
        assert!(
            words.iter().any(|w| w.starts_with(CONF_CHANGE)),
            "{words:?}"
        );
        for w in &words {
            assert_eq!(&entry_words(w, Lang::En), w);
            let zh = entry_words(w, Lang::Zh);
            // What stays in English is a write: etcd's verb and a key.
            assert!(has_cjk(&zh) || zh.starts_with("put "), "{w} -> {zh}");
        }
        for fixed in [UNKNOWN_DATA, LEAVE_JOINT, CONF_UNREADABLE] {
            assert!(has_cjk(&entry_words(fixed, Lang::Zh)), "{fixed}");
        }
    }
}
