//! Every trace event in plain words, in English and in Chinese: what the
//! page's event log shows and the golden transcripts print (in English).
//!
//! The English text of the events older than the explanations is frozen:
//! the scenario transcripts (`tests/scenarios/*.out`) print it, so any
//! change there shows up as a diff in what we tell learners.

use super::EventKind;
use crate::client::{OpResult, Reply};
use crate::kv::WatchEventKind;
use crate::lang::Lang;
use crate::member::entry_words;
use crate::network::DropReason;
use crate::reach::quorum_size;
use crate::role::Role;
use crate::why::{list, AppendGap};
use crate::NodeId;

impl EventKind {
    /// The event in plain words in `lang`.
    pub fn describe(&self, lang: Lang) -> String {
        match lang {
            Lang::En => self.english(),
            Lang::Zh => self.chinese(),
        }
    }

    fn english(&self) -> String {
        match self {
            EventKind::MessageSent {
                from,
                to,
                kind,
                term,
                ..
            } => {
                format!("n{from} → n{to} {} (term {term})", kind.raft_name())
            }
            EventKind::MessageDelivered { from, to, kind, .. } => {
                format!("n{from} → n{to} {} delivered", kind.raft_name())
            }
            EventKind::MessageDropped {
                from,
                to,
                kind,
                reason,
                ..
            } => format!(
                "n{from} → n{to} {} dropped: {}",
                kind.raft_name(),
                reason.as_str()
            ),
            EventKind::RoleChanged { node, role, term } => match role {
                Role::Down => format!("n{node} crashed"),
                Role::Removed => format!("n{node} left the cluster"),
                _ => format!("n{node} became {} in term {term}", role.as_str()),
            },
            EventKind::Voted {
                node,
                candidate,
                term,
            } => format!("n{node} voted for n{candidate} in term {term}"),
            EventKind::Committed { node, index } => {
                format!("n{node} commit index is now {index}")
            }
            EventKind::Applied {
                node, index, what, ..
            } => format!("n{node} applied #{index}: {what}"),
            EventKind::SnapshotInstalled { node, index } => {
                format!("n{node} installed a snapshot up to #{index}")
            }
            EventKind::Compacted { node, index } => {
                format!("n{node} compacted its log up to #{index}")
            }
            EventKind::MembershipChanged {
                node,
                voters,
                outgoing,
                learners,
            } => {
                let mut s = format!("n{node} now sees voters {}", ids(voters));
                if !outgoing.is_empty() {
                    s.push_str(&format!(" (joint with {})", ids(outgoing)));
                }
                if !learners.is_empty() {
                    s.push_str(&format!(", learners {}", ids(learners)));
                }
                s
            }
            EventKind::ClientInvoke {
                op_id,
                client,
                node,
                op,
                mode,
            } => {
                let mode = mode
                    .map(|m| format!(" [{}]", m.as_str()))
                    .unwrap_or_default();
                format!("client {client} → n{node}: {op}{mode} (op {op_id})")
            }
            EventKind::ClientComplete { op_id, result } => {
                format!("op {op_id}: {result}")
            }
            EventKind::Watch { watch, node, event } => format!(
                "watch {watch} on n{node}: {:?} {} @rev {}",
                event.kind, event.kv.key, event.revision()
            ),
            EventKind::WatchCanceled {
                watch,
                node,
                compact_revision,
            } => format!(
                "watch {watch} on n{node} canceled: the history before revision {compact_revision} is compacted"
            ),
            EventKind::WatchMoved {
                watch,
                from,
                to,
                resume_revision,
            } => format!(
                "watch {watch} lost n{from} (down or removed); reconnected to n{to}, resuming at revision {resume_revision}"
            ),
            EventKind::WatchWaiting { watch, from } => {
                format!("watch {watch} lost n{from} and no member is running; it waits for one")
            }
            EventKind::Fault { what } => format!("fault: {what}"),
            EventKind::Violation { property, detail } => {
                format!("VIOLATION {property}: {detail}")
            }
            EventKind::Note { text } => text.clone(),
            EventKind::VoteRefused {
                voter,
                candidate,
                pre_vote,
                term,
                reason,
            } => {
                let verb = if reason.unanswered(*pre_vote) {
                    "ignored"
                } else {
                    "refused"
                };
                let what = if *pre_vote { "pre-vote" } else { "vote" };
                format!(
                    "n{voter} {verb} n{candidate}'s {what} for term {term}: {}",
                    reason.words(*voter, *candidate, Lang::En)
                )
            }
            EventKind::AppendRejected {
                leader,
                follower,
                index,
                hint_index,
                hint_term,
                next,
                gap,
            } => match gap {
                AppendGap::Unknown => format!(
                    "n{follower} rejected n{leader}'s append after #{index} \
                     (n{follower} hints #{hint_index}, term {hint_term}), so n{leader} backs up \
                     to send from #{next}"
                ),
                _ => format!(
                    "n{follower} rejected n{leader}'s append after #{index}: {}",
                    gap.words(*leader, *follower, *index, *next, Lang::En)
                ),
            },
            EventKind::ProposalDropped {
                node,
                from,
                op_id,
                reason,
            } => {
                let what = match op_id {
                    Some(op) => format!("op {op}"),
                    None => "a proposal".to_string(),
                };
                let from = if from != node {
                    format!(" from n{from}")
                } else {
                    String::new()
                };
                format!(
                    "n{node} dropped {what}{from}: {}",
                    reason.words(*node, Lang::En)
                )
            }
            EventKind::ReadRefused {
                node,
                op_id,
                reason,
            } => format!(
                "op {op_id} on n{node} was not served: {}",
                reason.words(*node, Lang::En)
            ),
            EventKind::SteppedDown {
                node,
                term,
                heard,
                voters,
            } => format!(
                "n{node} stepped down in term {term} (CheckQuorum): heard from {} of {} voters \
                 in the last election timeout, itself included ({}); a quorum is {}",
                heard.len(),
                voters.len(),
                list(heard, Lang::En),
                quorum_size(voters.len())
            ),
            EventKind::StaleRead {
                op_id,
                node,
                mode,
                answered,
                newest,
            } => format!(
                "op {op_id} is stale: n{node} answered a {} read at revision {answered}, \
                 but a newer value (revision {newest}) was committed before the read began",
                mode.as_str()
            ),
        }
    }

    fn chinese(&self) -> String {
        match self {
            EventKind::MessageSent {
                from,
                to,
                kind,
                term,
                ..
            } => format!("n{from} → n{to} {}（任期 {term}）", kind.raft_name()),
            EventKind::MessageDelivered { from, to, kind, .. } => {
                format!("n{from} → n{to} {} 已送达", kind.raft_name())
            }
            EventKind::MessageDropped {
                from,
                to,
                kind,
                reason,
                ..
            } => format!(
                "n{from} → n{to} {} 丢失：{}",
                kind.raft_name(),
                drop_reason_zh(*reason)
            ),
            EventKind::RoleChanged { node, role, term } => match role {
                Role::Down => format!("n{node} 崩溃"),
                Role::Removed => format!("n{node} 离开了集群"),
                _ => format!("n{node} 在任期 {term} 成为{}", role.name(Lang::Zh)),
            },
            EventKind::Voted {
                node,
                candidate,
                term,
            } => format!("n{node} 在任期 {term} 投票给 n{candidate}"),
            EventKind::Committed { node, index } => {
                format!("n{node} 的提交索引（commit index）现在是 {index}")
            }
            EventKind::Applied {
                node, index, what, ..
            } => format!("n{node} 应用了 #{index}：{}", entry_words(what, Lang::Zh)),
            EventKind::SnapshotInstalled { node, index } => {
                format!("n{node} 安装了截至 #{index} 的快照")
            }
            EventKind::Compacted { node, index } => {
                format!("n{node} 把日志压缩到了 #{index}")
            }
            EventKind::MembershipChanged {
                node,
                voters,
                outgoing,
                learners,
            } => {
                let mut s = format!("n{node} 现在看到的投票成员：{}", ids(voters));
                if !outgoing.is_empty() {
                    s.push_str(&format!("（与 {} 联合共识）", ids(outgoing)));
                }
                if !learners.is_empty() {
                    s.push_str(&format!("，学习者：{}", ids(learners)));
                }
                s
            }
            EventKind::ClientInvoke {
                op_id,
                client,
                node,
                op,
                mode,
            } => {
                let mode = mode
                    .map(|m| format!(" [{}]", read_mode_zh(m)))
                    .unwrap_or_default();
                format!("客户端 {client} → n{node}：{op}{mode}（请求 {op_id}）")
            }
            EventKind::ClientComplete { op_id, result } => {
                format!("请求 {op_id}：{}", result_zh(result))
            }
            EventKind::Watch { watch, node, event } => {
                let kind = match event.kind {
                    WatchEventKind::Put => "写入（PUT）",
                    WatchEventKind::Delete => "删除（DELETE）",
                };
                format!(
                    "监听 {watch}（n{node}）：{kind} {}，修订版本 {}",
                    event.kv.key,
                    event.revision()
                )
            }
            EventKind::WatchCanceled {
                watch,
                node,
                compact_revision,
            } => format!(
                "监听 {watch}（n{node}）被取消：修订版本 {compact_revision} 之前的历史已被压缩"
            ),
            EventKind::WatchMoved {
                watch,
                from,
                to,
                resume_revision,
            } => format!(
                "监听 {watch} 失去了 n{from}（宕机或被移除）；重新连接到 n{to}，从修订版本 {resume_revision} 继续"
            ),
            EventKind::WatchWaiting { watch, from } => {
                format!("监听 {watch} 失去了 n{from}，且没有运行中的成员；等待成员恢复")
            }
            EventKind::Fault { what } => format!("故障：{}", fault_zh(what)),
            EventKind::Violation { property, detail } => {
                format!("违反安全性 {property}：{detail}")
            }
            EventKind::Note { text } => text.clone(),
            EventKind::VoteRefused {
                voter,
                candidate,
                pre_vote,
                term,
                reason,
            } => {
                let verb = if reason.unanswered(*pre_vote) {
                    "忽略了"
                } else {
                    "拒绝了"
                };
                let what = if *pre_vote {
                    "预投票（PreVote）请求"
                } else {
                    "投票请求"
                };
                format!(
                    "n{voter} {verb} n{candidate} 任期 {term} 的{what}：{}",
                    reason.words(*voter, *candidate, Lang::Zh)
                )
            }
            EventKind::AppendRejected {
                leader,
                follower,
                index,
                hint_index,
                hint_term,
                next,
                gap,
            } => match gap {
                AppendGap::Unknown => format!(
                    "n{follower} 拒绝了 n{leader} 在 #{index} 之后的日志追加\
                     （n{follower} 提示 #{hint_index}，任期 {hint_term}），\
                     所以 n{leader} 回退，从 #{next} 开始重新发送"
                ),
                _ => format!(
                    "n{follower} 拒绝了 n{leader} 在 #{index} 之后的日志追加：{}",
                    gap.words(*leader, *follower, *index, *next, Lang::Zh)
                ),
            },
            EventKind::ProposalDropped {
                node,
                from,
                op_id,
                reason,
            } => {
                let what = match op_id {
                    Some(op) => format!("请求 {op} 的提案"),
                    None => "一个提案".to_string(),
                };
                let from = if from != node {
                    format!("（来自 n{from}）")
                } else {
                    String::new()
                };
                format!(
                    "n{node} 丢弃了{what}{from}：{}",
                    reason.words(*node, Lang::Zh)
                )
            }
            EventKind::ReadRefused {
                node,
                op_id,
                reason,
            } => format!(
                "请求 {op_id} 在 n{node} 上没有得到服务：{}",
                reason.words(*node, Lang::Zh)
            ),
            EventKind::SteppedDown {
                node,
                term,
                heard,
                voters,
            } => format!(
                "n{node} 在任期 {term} 退位为跟随者（CheckQuorum）：上一个选举超时内，\
                 {} 个投票成员中只联系上 {} 个（含自己：{}），法定人数是 {}",
                voters.len(),
                heard.len(),
                list(heard, Lang::Zh),
                quorum_size(voters.len())
            ),
            EventKind::StaleRead {
                op_id,
                node,
                mode,
                answered,
                newest,
            } => format!(
                "请求 {op_id} 是过期读：n{node} 以{}在修订版本 {answered} 上作答，\
                 但读开始之前已经提交了更新的值（修订版本 {newest}）",
                read_mode_zh(*mode)
            ),
        }
    }
}

fn ids(v: &[NodeId]) -> String {
    let parts: Vec<String> = v.iter().map(|n| format!("n{n}")).collect();
    format!("[{}]", parts.join(", "))
}

fn drop_reason_zh(r: DropReason) -> &'static str {
    match r {
        DropReason::Partition => "网络分区",
        DropReason::TargetDown => "接收方已崩溃",
        DropReason::Loss => "网络丢包",
        DropReason::Manual => "被手动丢弃",
        DropReason::Removed => "接收方已被移除",
    }
}

fn read_mode_zh(m: crate::client::ReadMode) -> &'static str {
    use crate::client::ReadMode;
    match m {
        ReadMode::Linearizable => "线性一致读（ReadIndex）",
        ReadMode::Lease => "租约读（lease read）",
        ReadMode::Serializable => "串行化读（serializable read）",
    }
}

fn result_zh(r: &OpResult) -> String {
    match r {
        OpResult::Ok { reply } => match reply {
            Reply::Put { revision } => format!("成功，修订版本 {revision}"),
            Reply::Delete { revision, deleted } => {
                let what = if *deleted {
                    "已删除"
                } else {
                    "键不存在"
                };
                format!("{what}，修订版本 {revision}")
            }
            Reply::Get { kv: Some(kv), .. } => {
                format!(
                    "{}={}（修改于修订版本 {}）",
                    kv.key, kv.value, kv.mod_revision
                )
            }
            Reply::Get { kv: None, revision } => {
                format!("键不存在（修订版本 {revision}）")
            }
            Reply::Range { kvs, revision } => {
                format!("{} 个键（修订版本 {revision}）", kvs.len())
            }
            Reply::RangeResponse(r) => {
                format!("{} 个键（修订版本 {}）", r.count, r.revision)
            }
            Reply::DeleteRange { revision, deleted } => {
                format!("删除了 {deleted} 个键，修订版本 {revision}")
            }
            Reply::Txn(t) => {
                let branch = if t.succeeded {
                    "成功分支"
                } else {
                    "失败分支"
                };
                format!("事务（txn）执行{branch}，修订版本 {}", t.revision)
            }
            Reply::Compact { revision } => format!("已压缩历史，修订版本 {revision}"),
        },
        OpResult::Err { error } => format!("错误：{}", error.text(Lang::Zh)),
    }
}

/// A fault's description in Chinese. Faults are described where they are
/// made (cluster/faults.rs and neighbours) in a handful of fixed forms;
/// an unknown form stays in English.
fn fault_zh(what: &str) -> String {
    let rules: [(&str, &str, &str); 17] = [
        ("crash ", "", " 崩溃"),
        ("restart ", "重启 ", ""),
        ("isolate ", "隔离 ", ""),
        ("partition one way ", "单向网络分区 ", ""),
        ("partition ", "网络分区 ", ""),
        ("cut ", "切断链路 ", ""),
        ("repair ", "修复链路 ", ""),
        ("hold message ", "扣住消息 ", ""),
        ("release message ", "放行消息 ", ""),
        ("hold link ", "扣住链路 ", " 上的消息"),
        ("release link ", "放行链路 ", " 上的消息"),
        ("pre-vote ", "预投票（PreVote）", ""),
        ("check-quorum ", "CheckQuorum ", ""),
        ("transfer leadership ", "领导权转移（leader transfer）", ""),
        ("membership: ", "成员变更：", ""),
        ("wipe ", "清空磁盘并替换：", ""),
        ("network: ", "网络：", ""),
    ];
    if what == "heal all" {
        return "全部恢复".into();
    }
    if let Some(node) = what.strip_suffix(" campaigns") {
        return format!("{node} 发起选举");
    }
    for (prefix, before, after) in rules {
        if let Some(rest) = what.strip_prefix(prefix) {
            let rest = rest
                .replace(" on", "开启")
                .replace(" off", "关闭")
                .replace("; ", "；")
                .replace(" will replace it", " 将替代它")
                .replace("latency ", "延迟 ")
                .replace(", loss ", "，丢包 ")
                .replace(", duplicate ", "，重复 ");
            let rest = match rest.as_str() {
                "on" => "开启".to_string(),
                "off" => "关闭".to_string(),
                _ => rest,
            };
            return format!("{before}{rest}{after}");
        }
    }
    what.to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_fault_form_has_chinese_words() {
        for (en, zh) in [
            ("crash n3", "n3 崩溃"),
            ("heal all", "全部恢复"),
            ("partition [1] | [2, 3]", "网络分区 [1] | [2, 3]"),
            ("n2 campaigns", "n2 发起选举"),
            ("check-quorum off", "CheckQuorum 关闭"),
            ("pre-vote on", "预投票（PreVote）开启"),
            (
                "wipe n3; n6 will replace it",
                "清空磁盘并替换：n3；n6 将替代它",
            ),
            ("hold link n1 -> n2", "扣住链路 n1 -> n2 上的消息"),
        ] {
            assert_eq!(fault_zh(en), zh);
        }
    }
}
