//! Why the cluster refused an action, as a value: the page says it in the
//! learner's language, while scripts, the CLI and the golden transcripts
//! keep the English `Display` they always printed.
//!
//! Also here: [`ClientError::text`], a client error in either language
//! (its `Display`, which the trace and the CLI use, stays in `client.rs`).

use crate::client::ClientError;
use crate::cluster::{MAX_NODE_ID, MAX_VOTERS};
use crate::lang::Lang;
use crate::NodeId;

/// An action the cluster refused, and why.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[allow(missing_docs)] // Fields are what their names say.
pub enum ActionError {
    #[error("there is no member n{node}")]
    NoSuchMember { node: NodeId },
    #[error("n{node} is already down")]
    AlreadyDown { node: NodeId },
    #[error("n{node} is not a member; add it back instead")]
    RestartRemoved { node: NodeId },
    #[error("n{node} is already running")]
    AlreadyRunning { node: NodeId },
    #[error("n{node} is down")]
    Down { node: NodeId },
    #[error("message {msg} is not in flight")]
    NotInFlight { msg: u64 },
    #[error("message {msg} is not held")]
    NotHeld { msg: u64 },
    #[error("there is no leader")]
    NoLeader,
    #[error("there is no leader to propose the change")]
    NoLeaderForChange,
    #[error("n{node} is not the leader")]
    NotLeader { node: NodeId },
    #[error("n{node} already leads")]
    AlreadyLeads { node: NodeId },
    #[error("no watch {watch}")]
    NoWatch { watch: u64 },
    #[error("no membership change given")]
    NoChange,
    #[error("member ids run from 1 to {MAX_NODE_ID}")]
    IdOutOfRange,
    #[error(
        "n{node} was removed, and a member id is never reused (etcd refuses \
         it too); add a new member instead"
    )]
    IdNeverReused { node: NodeId },
    #[error("n{node} is already a voter")]
    AlreadyVoter { node: NodeId },
    #[error("a cluster has at most {MAX_VOTERS} voters")]
    TooManyVoters,
    #[error("n{node} is already a member")]
    AlreadyMember { node: NodeId },
    #[error("n{node} is not a member")]
    NotMember { node: NodeId },
    #[error("another membership change is still being applied")]
    ChangePending,
    #[error("all {MAX_NODE_ID} member ids are used up")]
    IdsUsedUp,
    #[error(
        "with {voters} voters, the others cannot commit n{node}'s removal; \
         replace a member of a cluster of 3 or more"
    )]
    ReplaceTooFew { voters: usize, node: NodeId },
    #[error("n{old} is still being replaced; replace one member at a time")]
    StillReplacing { old: NodeId },
    #[error("index {index} is already compacted (snapshot at {snapshot})")]
    AlreadyCompacted { index: u64, snapshot: u64 },
    /// Refusals no learner can cause from the page (bad network settings
    /// from a script, raft-rs refusing a proposal), in English only.
    #[error("{0}")]
    Other(String),
}

impl From<String> for ActionError {
    fn from(s: String) -> ActionError {
        ActionError::Other(s)
    }
}

impl From<&str> for ActionError {
    fn from(s: &str) -> ActionError {
        ActionError::Other(s.into())
    }
}

impl From<ActionError> for String {
    fn from(e: ActionError) -> String {
        e.to_string()
    }
}

impl ActionError {
    /// The refusal in `lang`.
    pub fn text(&self, lang: Lang) -> String {
        match lang {
            Lang::En => self.to_string(),
            Lang::Zh => self.zh(),
        }
    }

    fn zh(&self) -> String {
        use ActionError::*;
        match self {
            NoSuchMember { node } => format!("没有成员 n{node}"),
            AlreadyDown { node } => format!("n{node} 已经宕机"),
            RestartRemoved { node } => {
                format!("n{node} 已不是成员，无法重启；请把它重新加入集群")
            }
            AlreadyRunning { node } => format!("n{node} 已在运行"),
            Down { node } => format!("n{node} 已宕机"),
            NotInFlight { msg } => format!("消息 {msg} 已不在传输中"),
            NotHeld { msg } => format!("消息 {msg} 没有被扣留"),
            NoLeader => "当前没有领导者".into(),
            NoLeaderForChange => "当前没有领导者，无法提议成员变更".into(),
            NotLeader { node } => format!("n{node} 不是领导者"),
            AlreadyLeads { node } => format!("n{node} 已经是领导者"),
            NoWatch { watch } => format!("没有编号为 {watch} 的监听"),
            NoChange => "没有给出成员变更".into(),
            IdOutOfRange => format!("成员 ID 的范围是 1 到 {MAX_NODE_ID}"),
            IdNeverReused { node } => format!(
                "n{node} 已被移除，成员 ID 不会被重复使用（etcd 同样拒绝）；请添加一个新成员"
            ),
            AlreadyVoter { node } => format!("n{node} 已经是投票成员"),
            TooManyVoters => format!("一个集群最多有 {MAX_VOTERS} 个投票成员"),
            AlreadyMember { node } => format!("n{node} 已经是成员"),
            NotMember { node } => format!("n{node} 不是成员"),
            ChangePending => "上一个成员变更还在应用中".into(),
            IdsUsedUp => format!("{MAX_NODE_ID} 个成员 ID 已全部用完"),
            ReplaceTooFew { voters, node } => format!(
                "只有 {voters} 个投票成员时，其余成员无法提交移除 n{node} 的变更；\
                 只能在 3 个或更多成员的集群中替换成员"
            ),
            StillReplacing { old } => {
                format!("n{old} 仍在替换中；一次只替换一个成员")
            }
            AlreadyCompacted { index, snapshot } => {
                format!("索引 {index} 已被压缩（快照位于 {snapshot}）")
            }
            Other(s) => s.clone(),
        }
    }

    /// One of each refusal, for tests of the words.
    pub fn samples() -> Vec<ActionError> {
        use ActionError::*;
        vec![
            NoSuchMember { node: 7 },
            AlreadyDown { node: 2 },
            RestartRemoved { node: 2 },
            AlreadyRunning { node: 2 },
            Down { node: 2 },
            NotInFlight { msg: 9 },
            NotHeld { msg: 9 },
            NoLeader,
            NoLeaderForChange,
            NotLeader { node: 2 },
            AlreadyLeads { node: 2 },
            NoWatch { watch: 1 },
            NoChange,
            IdOutOfRange,
            IdNeverReused { node: 2 },
            AlreadyVoter { node: 2 },
            TooManyVoters,
            AlreadyMember { node: 2 },
            NotMember { node: 2 },
            ChangePending,
            IdsUsedUp,
            ReplaceTooFew { voters: 2, node: 1 },
            StillReplacing { old: 2 },
            AlreadyCompacted {
                index: 4,
                snapshot: 4,
            },
        ]
    }
}

impl ClientError {
    /// The error in `lang`. English is the `Display` the trace and the CLI
    /// use.
    pub fn text(&self, lang: Lang) -> String {
        match lang {
            Lang::En => self.to_string(),
            Lang::Zh => match self {
                ClientError::Invalid { reason } => format!("无效请求：{}", invalid_zh(reason)),
                ClientError::MemberDown { node } => format!("n{node} 已宕机"),
                ClientError::MemberCrashed { node } => {
                    format!("n{node} 在回复前崩溃（结果未知）")
                }
                ClientError::LeaseNeedsCheckQuorum => {
                    "租约读 (lease read) 需要开启 CheckQuorum".into()
                }
                ClientError::Timeout { waiting_for } => {
                    format!("请求超时，仍在等待{}", waiting_zh(waiting_for))
                }
                // etcd's own words, as etcdctl prints them in any language.
                ClientError::Compacted { .. } | ClientError::FutureRevision => self.to_string(),
            },
        }
    }
}

/// What a timed-out request waited for (the words `member/requests.rs`
/// writes), in Chinese.
fn waiting_zh(waiting_for: &str) -> String {
    match waiting_for {
        "a leader to propose to" => "一个可以接受提议的领导者".into(),
        "the write to commit (no quorum?)" => "写入被提交（没有法定人数？）".into(),
        "a leader to ask for a read index" => "一个可以请求读索引的领导者".into(),
        "the leader to confirm its leadership" => "领导者确认自己的领导地位".into(),
        "commit" => "提交".into(),
        other => match other
            .strip_prefix("this member to apply up to #")
            .and_then(|i| i.parse::<u64>().ok())
        {
            Some(i) => format!("本成员应用到 #{i}"),
            None => other.into(),
        },
    }
}

/// Why a request is invalid (the words of `ClientOp::validate`), in
/// Chinese.
fn invalid_zh(reason: &str) -> String {
    if reason == "key must not be empty" {
        return "键不能为空".into();
    }
    let num = |prefix: &str, suffix: &str| {
        reason
            .strip_prefix(prefix)
            .and_then(|r| r.strip_suffix(suffix))
            .and_then(|n| n.parse::<usize>().ok())
    };
    if let Some(n) = num("prefix is longer than ", " bytes") {
        return format!("前缀超过 {n} 字节");
    }
    for (what, zh) in [("value", "值"), ("key", "键")] {
        if let Some((size, limit)) = reason
            .strip_prefix(&format!("{what} is "))
            .and_then(|r| r.split_once(" bytes; the limit is "))
        {
            return format!("{zh}有 {size} 字节，上限是 {limit}");
        }
    }
    reason.into()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::client::{ClientOp, MAX_KEY_BYTES, MAX_VALUE_BYTES};

    fn has_cjk(s: &str) -> bool {
        s.chars().any(|c| ('\u{4e00}'..='\u{9fff}').contains(&c))
    }

    #[test]
    fn every_refusal_is_said_in_both_languages() {
        for e in ActionError::samples() {
            assert_eq!(e.text(Lang::En), e.to_string());
            assert!(has_cjk(&e.text(Lang::Zh)), "{e:?}: {}", e.text(Lang::Zh));
        }
        // The English is what scripts and the CLI always printed.
        assert_eq!(
            ActionError::AlreadyLeads { node: 4 }.to_string(),
            "n4 already leads"
        );
    }

    #[test]
    fn every_client_error_is_said_in_both_languages() {
        let long = "k".repeat(MAX_KEY_BYTES + 1);
        let invalid = [
            ClientOp::Put {
                key: String::new(),
                value: "v".into(),
            },
            ClientOp::Put {
                key: "k".into(),
                value: "v".repeat(MAX_VALUE_BYTES + 1),
            },
            ClientOp::Get { key: long.clone() },
            ClientOp::Range { prefix: long },
        ]
        .map(|op| ClientError::Invalid {
            reason: op.validate().unwrap_err(),
        });
        let waits = [
            "a leader to propose to",
            "the write to commit (no quorum?)",
            "a leader to ask for a read index",
            "the leader to confirm its leadership",
            "this member to apply up to #12",
        ]
        .map(|w| ClientError::Timeout {
            waiting_for: w.into(),
        });
        let others = [
            ClientError::MemberDown { node: 2 },
            ClientError::MemberCrashed { node: 2 },
            ClientError::LeaseNeedsCheckQuorum,
        ];
        for e in invalid.iter().chain(&waits).chain(&others) {
            let zh = e.text(Lang::Zh);
            assert!(has_cjk(&zh), "{e:?}: {zh}");
            // No English sentence left behind, only terms and numbers.
            let english = zh
                .split(|c: char| !c.is_ascii_alphabetic())
                .filter(|w| w.len() > 2 && !["CheckQuorum", "lease", "read"].contains(w))
                .collect::<Vec<_>>();
            assert!(english.is_empty(), "{e:?}: {zh}");
        }
    }
}
