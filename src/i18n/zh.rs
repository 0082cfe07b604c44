//! The page in Simplified Chinese: one arm per [`Key`]. Terms follow the
//! project's glossary (领导者, 任期 (term), 法定人数 (quorum)…); numbers and
//! member ids stay ASCII; sentences use full-width punctuation.

use std::borrow::Cow;

use super::Key;

/// Text with values, owned.
macro_rules! f {
    ($($t:tt)*) => {
        Cow::Owned(format!($($t)*))
    };
}

/// "n3".
fn n(id: &u64) -> String {
    format!("n{id}")
}

fn on_off(on: &bool) -> &'static str {
    if *on {
        "开"
    } else {
        "关"
    }
}

/// `key` in Chinese.
pub(super) fn text(key: &Key) -> Cow<'static, str> {
    match key {
        // The header and the page around the panels.
        Key::Title => "Raft 演练场".into(),
        Key::Leader => "领导者：".into(),
        Key::NoLeader => "无".into(),
        Key::TermIs(t) => f!(" · 任期 {t}"),
        Key::Language => "语言".into(),
        Key::Dismiss => "关闭".into(),
        Key::ClusterRegion => "集群".into(),
        Key::SafetyViolation(seed, what) => f!("违反安全性（种子 {seed}）：{what}"),
        Key::Notices(all) => all.iter().map(text).collect::<Vec<_>>().join("。").into(),

        // Time controls.
        Key::TimeGroup => "时间".into(),
        Key::Play => "运行".into(),
        Key::Pause => "暂停".into(),
        Key::Step => "单步".into(),
        Key::StepTitle => "执行下一个事件（一次 tick 或一次消息送达）后暂停".into(),
        Key::Speed => "速度 ".into(),
        Key::RunningAt(speed) => f!("实际 {speed}"),
        Key::RunningAtTitle => "每帧最多推进 2 秒虚拟时间，而这个集群的每一帧都很慢：\
             模拟跟不上所设的速度。"
            .into(),
        Key::VirtualTime => "虚拟时间".into(),

        // Settings.
        Key::Settings => "设置".into(),
        Key::SettingsSummary(members, seed, latency, jitter, loss, pv, cq) => f!(
            "{members} 个成员，种子 {seed}，延迟 {latency} ± {jitter} ms，丢包 {loss}%，\
             预投票 (PreVote) {}，CheckQuorum {}",
            on_off(pv),
            on_off(cq)
        ),
        Key::FieldMembers => "成员数（1–9）".into(),
        Key::FieldSeed => "随机种子".into(),
        Key::FieldLatency => "延迟 ms".into(),
        Key::FieldJitter => "抖动 ms".into(),
        Key::FieldLoss => "丢包 %".into(),
        Key::FieldDuplicate => "重复 %".into(),
        Key::FieldElectionTick => "选举超时 tick 数".into(),
        Key::FieldHeartbeatTick => "心跳间隔 tick 数".into(),
        Key::PreVoteFlag => " 预投票 (PreVote)".into(),
        Key::CheckQuorumFlag => " CheckQuorum".into(),
        Key::FlagsNote => "（这两项立即生效；其余设置在点“新建集群”后生效）".into(),
        Key::NewCluster => "新建集群".into(),
        Key::RunningCluster(seed, members) => {
            f!(" 当前：种子 {seed}，{members} 个成员")
        }
        Key::TrafficLabel => "后台写入（每虚拟秒）".into(),
        Key::Set => "设定".into(),
        Key::TrafficNow(n) => f!(" 当前 {n}/s"),
        Key::FixMarked => "请先改正标出的设置".into(),

        // What is wrong with a setting.
        Key::NotPercent(v) => f!("“{v}”不是 0 到 100 之间的百分比"),
        Key::MembersRange => "成员数为 1 到 9".into(),
        Key::MembersNot(n) => f!("成员数须为 1 到 9，而不是 {n}"),
        Key::EnterWholeNumber => "请输入一个整数".into(),
        Key::NotWholeNumber(v) => f!("“{v}”不是整数"),
        Key::UseOnOff(v) => f!("“{v}”：请用 on 或 off"),
        Key::UnknownSetting(k) => f!("未知的设置 {k}"),
        Key::TrafficRange => "后台写入：请输入每秒写入次数，0 到 200".into(),
        Key::LatencyTooLong => "延迟和抖动最多 60000 ms".into(),
        Key::HeartbeatAtLeastOne => "心跳间隔至少为 1 个 tick".into(),
        Key::ElectionAfterHeartbeat(e, h) => {
            f!("选举超时 tick 数（{e}）必须大于心跳间隔 tick 数（{h}）")
        }
        Key::ElectionTooLong => "选举超时最多 1000 个 tick".into(),
        Key::UrlSetting(k, v, what) => f!("URL 参数 {k}={v}：{}", text(what)),
        Key::UrlSettingUsing(k, v, what, used) => {
            f!("URL 参数 {k}={v}：{}；改用 {used}", text(what))
        }
        Key::SpeedRange => "速度须在 0.01 到 100 之间；改用 0.5".into(),
        Key::TrafficCapped => "每秒最多 200 次写入；改用 200".into(),
        Key::UseEnOrZh => "请用 en 或 zh；改用浏览器的语言".into(),
        Key::NoSuchMoment(bad, all) => f!("没有名为 {bad} 的时刻；可用 {all}"),
        Key::NoSuchLesson(id, all) => f!("没有名为“{id}”的课程；现有课程：{all}"),

        // The quorum panel.
        Key::Quorum => "法定人数 (quorum)".into(),
        Key::VotersN => "投票成员数 n".into(),
        Key::QuorumFormula => "法定人数 ⌊n/2⌋+1".into(),
        Key::Tolerates => "可容忍故障 ⌊(n−1)/2⌋".into(),
        Key::LeaderReaches => "领导者可达".into(),
        Key::ReachOf(r, v) => f!("{r} / {v}"),
        Key::QuorumOk(l, r, v, q) => f!(
            "法定人数可用：领导者 {} 能连通 {v} 个投票成员中的 {r} 个；法定人数为 {q}，\
             所以写入可以提交。",
            n(l)
        ),
        Key::QuorumFar(l, r, v, q) => f!(
            "法定人数可用，但领导者 {} 只能连通 {v} 个投票成员中的 {r} 个（法定人数为 \
             {q}）：多数派必须先选出新的领导者，写入才能提交。",
            n(l)
        ),
        Key::QuorumNoLeader(q, v) => f!(
            "法定人数可用，但没有领导者：需要先进行选举（法定人数为 {v} 个投票成员中的 \
             {q} 个），之后写入才能提交。"
        ),
        Key::QuorumLost => "法定人数丢失：写入无法提交。".into(),
        Key::QuorumLostWhy(q, v) => f!(
            "没有哪一组运行中且互相连通的投票成员能达到 {v} 个中的 {q} 个。需要领导者的\
             读（线性一致读 (ReadIndex)）也会等待；串行化读仍会回答，但结果可能是旧的。"
        ),
        Key::SidesLabel => "网络分区的各侧".into(),
        Key::Nobody => "没有成员".into(),
        Key::SideVoters(v, quorum) => f!(
            "：{v} 个投票成员，{}",
            if *quorum {
                "拥有法定人数"
            } else {
                "没有法定人数"
            }
        ),
        Key::SideLeaders(leaders) => f!("；领导者 {leaders}"),
        Key::LeaderInTerm(l, t) => f!("{}（任期 {t}）", n(l)),
        Key::StaleCheckQuorum => "（已过时：它无法提交；CheckQuorum 发现它收不到法定人数的\
             回应后，它会在一个选举超时内退位）"
            .into(),
        Key::StaleNoCheckQuorum => "（已过时：它无法提交；CheckQuorum 关闭时，它会一直自认为\
             领导者，直到分区恢复后得知更高的任期）"
            .into(),
        Key::Uncommitted => "未提交的提议".into(),
        Key::PendingEntry(index, term, leader, what, retries, acked) => f!(
            "#{index}（任期 {term}）在领导者 {} 上：{what}{} — 已确认：{acked}；",
            n(leader),
            if *retries > 0 {
                format!("（重试 {retries} 次）")
            } else {
                String::new()
            }
        ),
        Key::PendingWaits(missing, needed, of) => {
            f!("等待 {missing}（需要 {of} 个中的 {needed} 个确认）")
        }
        Key::AndMore(more) => f!("……还有 {more} 条"),
        Key::MembershipGroup => "成员变更".into(),
        Key::MembershipLabel => "成员变更：".into(),
        Key::AddVoter(id) => f!("添加投票成员 {}", n(id)),
        Key::AddLearner(id) => f!("添加学习者 {}", n(id)),
        Key::MembershipHint => "（点击某个成员可将其移除或提升）".into(),
        Key::WaitingRequests(r) => {
            f!("{r} 个客户端请求在等待回复；每个请求超时后都会失败。")
        }

        // The partition panel.
        Key::Partition => "网络分区".into(),
        Key::LeaderAlone => "孤立领导者".into(),
        Key::MinorityWithLeader => "领导者在少数派".into(),
        Key::HealAll => "全部恢复".into(),
        Key::DragHint => "也可以把成员拖到不同的组（点击成员会把它移到下一组），然后应用。".into(),
        Key::Group(g) => f!("{g} 组"),
        Key::ChipLabel(m, g, next) => {
            f!("{} 在 {g} 组；按下移到 {next} 组", n(m))
        }
        Key::ApplyPartition => "应用分区".into(),
        Key::TwoGroupsFirst => "请先把成员分到至少两个组（拖动，或点击移动）".into(),
        Key::NeedTwoMembers => "网络分区至少需要两个成员".into(),
        Key::NoLeaderNow => "当前没有领导者".into(),

        // The inspector: a member.
        Key::InspectHint => {
            "点击一个成员、一条链路或一条消息（或聚焦后按 Enter）来查看它，并制造故障。".into()
        }
        Key::Close => "关闭".into(),
        Key::Gone(m) => f!("{} 已不存在。", n(m)),
        Key::BeingReplaced(old, new) => f!("{} 正在被 {} 替换", n(old), n(new)),
        Key::Term => "任期".into(),
        Key::VotedFor => "投票给".into(),
        Key::Follows => "跟随".into(),
        Key::Log => "日志".into(),
        Key::LogFacts(last, commit, applied, snap) => {
            f!("最后 #{last}，已提交 #{commit}，已应用 #{applied}，快照 #{snap}")
        }
        Key::Voter => "投票成员".into(),
        Key::Yes => "是".into(),
        Key::No => "否".into(),
        Key::NoLearner => "否（学习者）".into(),
        Key::Kv => "键值存储".into(),
        Key::KvFacts(keys, rev) => f!("{keys} 个键，修订版本 {rev}"),
        Key::ProgressCaption => "该领导者所知的各成员复制进度".into(),
        Key::ColMember => "成员".into(),
        Key::ColMatched => "已匹配".into(),
        Key::ColNext => "下一个".into(),
        Key::ColState => "状态".into(),
        Key::ColActive => "活跃".into(),
        Key::ProgressProbe => "探测 (probe)".into(),
        Key::ProgressReplicate => "复制 (replicate)".into(),
        Key::ProgressSnapshot => "快照 (snapshot)".into(),
        Key::Crash => "崩溃".into(),
        Key::Restart => "重启".into(),
        Key::WipeReplace => "清空磁盘并替换".into(),
        Key::Isolate => "隔离".into(),
        Key::TransferHere => "把领导权转移到这里".into(),
        Key::CampaignNow => "立即发起选举".into(),
        Key::CompactLog => "压缩日志".into(),
        Key::RemoveMember => "移出集群".into(),
        Key::PromoteVoter => "提升为投票成员".into(),
        Key::WhyLately => "最近的原因".into(),
        Key::DiskSurvives => "崩溃后磁盘仍在：重启后它会带着自己的日志重新加入。".into(),
        // The inspector: a message.
        Key::ArrivedOrLost => "已送达或已丢失".into(),
        Key::HeldInFlight => "在途中被扣留".into(),
        Key::LostAt(t) => f!("传输中，将在 {t} 丢失"),
        Key::ArrivesAt(t) => f!("传输中，将在 {t} 送达"),
        Key::FromTo => "发送方 → 接收方".into(),
        Key::Index => "索引".into(),
        Key::IndexLogTerm(i, t) => f!("{i}（日志任期 {t}）"),
        Key::Commit => "提交索引".into(),
        Key::Entries => "日志条目数".into(),
        Key::Reject => "拒绝".into(),
        Key::Sent => "发送时间".into(),
        Key::Status => "状态".into(),
        Key::DropIt => "丢弃".into(),
        Key::HoldIt => "扣留".into(),
        Key::ReleaseIt => "放行".into(),
        Key::PauseTip => "提示：先暂停，再慢慢点击消息。".into(),
        // The inspector: a link.
        Key::LinkTitle(a, b) => f!("链路 {} – {}", n(a), n(b)),
        Key::LinkDirection(a, b, cut) => {
            f!(
                "{} → {}：{}",
                n(a),
                n(b),
                if *cut { "已切断" } else { "连通" }
            )
        }
        Key::CutBoth => "双向切断".into(),
        Key::CutOneWay(a, b) => f!("只切断 {} → {}", n(a), n(b)),
        Key::HealBoth => "双向恢复".into(),
        Key::OneWayNote => "单向切断就是非对称网络故障的样子：一方能收到，另一方收不到。".into(),
        Key::InFlightOnLink(k) => f!("这条链路上传输中的消息：{k}"),
        Key::MessageOnLink(kind, from, to, term, lost, held) => f!(
            "{kind} {} → {} 任期 {term}{}",
            n(from),
            n(to),
            if *lost {
                "（将丢失）"
            } else if *held {
                "（已扣留）"
            } else {
                ""
            }
        ),

        // The drawing.
        Key::DrawingLabel => "集群成员、链路和传输中的消息".into(),
        Key::LinkUp(a, b) => f!("链路 {} – {}：连通", n(a), n(b)),
        Key::LinkCut(a, b) => f!("链路 {} – {}：双向切断", n(a), n(b)),
        Key::LinkOneWay(a, b, from, to) => {
            f!("链路 {} – {}：{} 无法到达 {}", n(a), n(b), n(from), n(to))
        }
        Key::MemberLabel(m, role, term, commit, applied, voter) => f!(
            "{}：{role}，任期 {term}，已提交 {commit}，已应用 {applied}{}",
            n(m),
            if *voter { "" } else { "，非投票成员" }
        ),
        Key::MessageLabel(kind, from, to, term) => {
            f!("{kind} {} → {} 任期 {term}", n(from), n(to))
        }
        Key::LegendPreVote => "预投票".into(),
        Key::LegendVote => "投票".into(),
        Key::LegendAppend => "追加日志".into(),
        Key::LegendHeartbeat => "心跳".into(),
        Key::LegendSnapshot => "快照".into(),
        Key::LegendReadIndex => "读索引".into(),
        Key::LegendOther => "其他".into(),
        Key::HollowResponse => "空心：响应".into(),
        Key::LostMark => "✕ 丢失".into(),

        // The client panel.
        Key::Client => "客户端".into(),
        Key::Request => "请求".into(),
        Key::OpPut => "写入 (put)".into(),
        Key::OpGet => "读取 (get)".into(),
        Key::OpDelete => "删除 (delete)".into(),
        Key::OpRange => "范围读 (range)".into(),
        Key::Prefix => "前缀".into(),
        Key::KeyField => "键".into(),
        Key::ValueField => "值".into(),
        Key::ReadModeField => "读模式".into(),
        Key::ModeLinearizable => "线性一致读 (ReadIndex)".into(),
        Key::ModeLease => "租约读 (lease read)".into(),
        Key::ModeSerializable => "串行化读（本地）".into(),
        Key::ShortLinearizable => "（线性一致读）".into(),
        Key::ShortLease => "（租约读）".into(),
        Key::ShortSerializable => "（串行化读）".into(),
        Key::SendTo => "发送给".into(),
        Key::TheLeader => "领导者".into(),
        Key::Send => "发送".into(),
        Key::ValueTooBig(bytes, limit) => f!("值有 {bytes} 字节；上限是 {limit}"),
        Key::ValueBytes(bytes, limit) => f!("{bytes} / {limit} 字节"),
        Key::ResultsCaption => "你的请求，最新的在前".into(),
        Key::ColRequest => "请求".into(),
        Key::ColTo => "发往".into(),
        Key::ColResult => "结果".into(),
        Key::ColLatency => "延迟".into(),
        Key::Waiting => "等待中…".into(),
        Key::NoRequests => "还没有请求。试试写入一个键，然后让领导者崩溃，再写入一次。".into(),
        Key::Ms(ms) => f!("{ms} ms"),
        Key::ResultPut(rev) => f!("成功，修订版本 {rev}"),
        Key::ResultDeleted(rev) => f!("已删除，修订版本 {rev}"),
        Key::ResultNothingDeleted(rev) => f!("键不存在，修订版本 {rev}"),
        Key::ResultGet(k, v, rev) => f!("{k}={v}（修改版本 {rev}）"),
        Key::ResultGetNone(rev) => f!("键不存在（修订版本 {rev}）"),
        Key::RangeHead(keys, rev) => f!(
            "{keys} 个键，修订版本 {rev}{}",
            if *keys == 0 { "" } else { "：" }
        ),
        Key::Failed(e) => e.text(raft_sim::Lang::Zh).into(),
        Key::StaleRead(answered, newest) => {
            f!("过期读：回答来自修订版本 {answered}，但读请求开始前已提交到修订版本 {newest}")
        }
        Key::ResultError(e) => f!("错误：{}", e.text(raft_sim::Lang::Zh)),
        Key::UnknownRequest(op) => f!("未知请求“{op}”"),
        Key::UnknownMode(mode) => f!("未知读模式“{mode}”"),
        Key::TargetNotMember(t) => f!("目标“{t}”不是成员"),
        Key::KeyOnlySpaces => "键只有空格：请输入一个键".into(),
        Key::PrefixOnlySpaces => "前缀只有空格：请输入前缀，或留空以读取所有键".into(),
        Key::NoLeaderPickMember => "当前没有领导者：请选择一个成员来发送".into(),
        Key::NotAccepted => "请求未被接受".into(),
        Key::EnterWatchKey => "请输入要监听的键（或勾选“前缀”监听所有键）".into(),
        Key::Watch => "监听 (watch)".into(),
        Key::WatchKeyLabel => "要监听的键或前缀".into(),
        Key::PrefixBox => " 前缀".into(),
        Key::WatchButton => "监听".into(),
        Key::WatchOnNote => " 在“发送给”所选的成员上".into(),
        Key::WatchTitle(id, m, key, prefix) => f!(
            "监听 #{id}，在 {} 上：{key}{}",
            n(m),
            if *prefix { "*" } else { "" }
        ),
        Key::Cancel => "取消".into(),
        Key::NoEventsYet => "还没有事件".into(),
        Key::WatchEvent(rev, delete, key, value) => f!(
            "修订版本 {rev} {} {key} {value}",
            if *delete { "删除" } else { "写入" }
        ),
        Key::EachStore => "各成员的存储".into(),
        Key::StoreGroup => "选择要查看其存储的成员".into(),
        Key::StoreDown => "该成员已宕机；重启时它的存储会从磁盘恢复。".into(),
        Key::EmptyStore => "存储为空。".into(),
        Key::PickMember => "请选择一个成员。".into(),
        Key::ColKey => "键".into(),
        Key::ColValue => "值".into(),
        Key::ColModRev => "修改版本".into(),
        Key::ColVersion => "版本".into(),

        // The logs panel.
        Key::Logs => "日志".into(),
        Key::Applied => "已应用".into(),
        Key::Committed => "已提交".into(),
        Key::NotCommitted => "未提交".into(),
        Key::SnapshotLegend => "快照".into(),
        Key::LogsNote => " 颜色表示任期。粗竖线标出提交索引。".into(),
        Key::DownDisk(last, commit) => {
            f!("宕机 — 磁盘保留到 #{last}（已提交 {commit}）")
        }
        Key::EntryTitle(i, t, what, state) => {
            f!("#{i} 任期 {t}：{what}（{}）", text(state))
        }
        Key::OlderNotShown => "更早的日志条目未显示".into(),
        Key::SnapTitle(i) => f!("#{i} 及之前的日志条目已压缩进快照"),
        Key::SnapBlock(i) => f!("快照 ≤{i}"),

        // The event log.
        Key::EventLog => "事件日志".into(),
        Key::ShowEvents => "显示的事件".into(),
        Key::CatElections => "选举".into(),
        Key::CatMessages => "消息".into(),
        Key::CatDrops => "丢包".into(),
        Key::CatCommits => "提交".into(),
        Key::CatClients => "客户端".into(),
        Key::CatMembership => "成员变更".into(),
        Key::CatFaults => "故障".into(),
        Key::FilterPlaceholder => "筛选：n3、领导者、MsgVote…".into(),
        Key::FilterLabel => "按文字筛选事件".into(),

        // Errors from the core.
        Key::Refused(e) => e.text(raft_sim::Lang::Zh).into(),

        // The crash overlay.
        Key::CrashTitle => "模拟内部出错了".into(),
        Key::CrashLabel => "模拟已崩溃".into(),
        Key::Reload => "重新加载".into(),
        Key::CrashReport(message, seed, actions) => f!(
            "模拟因程序错误而停止：{message}\n\n种子：{seed}\n最近的操作（从旧到新）：\n\
             {actions}\n重新加载页面即可重新开始。报告这个错误时请附上这段文字。"
        ),

        // The pause-on controls and the lesson panel.
        Key::PauseOnLabel => "暂停于：".into(),
        Key::PauseOnHelp => "发生时立即暂停时钟".into(),
        Key::PausedAt(t, what) => f!("已在 {t} 暂停：{what}"),
        Key::Lessons => "课程".into(),
        Key::LessonsIntro => "在一个真实运行的集群上一步步学习：先观察，再动手。".into(),
        Key::LessonStepOf(k, n) => f!("第 {k} 步，共 {n} 步"),
        Key::LessonYourTask => "你的任务：".into(),
        Key::LessonTaskDone => "已完成".into(),
        Key::LessonHint => "提示：".into(),
        Key::LessonDoItForMe => "替我完成".into(),
        Key::LessonNext => "下一步".into(),
        Key::LessonBack => "上一步".into(),
        Key::LessonRestart => "重新开始".into(),
        Key::LessonLeave => "退出课程".into(),
        Key::LessonAll => "全部课程".into(),
        Key::LessonWatching => "请观察集群……".into(),
        Key::LessonWaiting => "等你动手。".into(),
        Key::LessonStepDone => "本步完成：请点“下一步”。".into(),
        Key::LessonDone => "课程完成。".into(),
        Key::LessonFailed(why) => f!("课程中断：{why}"),

        // 页眉中指向文章的链接。
        Key::ArticleLink => "文章：etcd 为什么没有脑裂".into(),
        Key::EmbedNoSuchView(v, all) => f!("view={v}：没有这种视图（可用：{all}），按默认显示"),
        Key::EmbedNoSuchControl(bad, all) => {
            f!("controls：没有名为 {bad} 的控件（可用的控件：{all}）")
        }
        Key::OpenFull => "在完整的演练场中打开".into(),
        Key::OpenFullTitle => "在新标签页中打开同一次运行，显示全部面板".into(),
        // Sharing a run.
        Key::RunNoVersion => "开头没有版本号；已忽略这段运行记录".into(),
        Key::RunNewerVersion(v, ours) => f!(
            "由更新版本的演示生成（记录格式 {v}；本页只能读到 {ours}）；已忽略运行记录，其余设置照常生效"
        ),
        Key::RunBadEntry(n) => f!("第 {n} 个操作无法读取；已忽略运行记录，其余设置照常生效"),
        Key::RunDiverged(n) => {
            f!("重放没能在链接所说的位置到达第 {n} 个操作；已忽略运行记录，其余设置照常生效")
        }
        Key::RunTooLong(max) => f!("运行记录超过 {max} 个事件，太长，无法重放；已忽略"),
        Key::Share => "分享".into(),
        Key::ShareTitle => "指向这次运行的链接：打开后停在此刻，轨迹完全相同".into(),
        Key::ShareLinkLabel => "这次运行的链接".into(),
        Key::ShareCopied => "已复制。".into(),
        Key::ShareCopyByHand => "请选中链接后手动复制。".into(),
        Key::RestoredRun => "已恢复上次的运行（保存在本浏览器中）。点“新建集群”可重新开始。".into(),
        Key::ResultDeletedCount(n, rev) => f!("删除了 {n} 个键，修订版本 {rev}"),
        Key::ResultTxn(held, rev) => f!(
            "事务：{}，修订版本 {rev}",
            if *held {
                "比较条件成立（执行了成功分支）"
            } else {
                "比较条件不成立（执行了失败分支）"
            }
        ),
        Key::ResultCompacted(rev) => f!("历史已压缩，修订版本 {rev}"),
        Key::WatchCanceledAt(rev) => f!(" 已取消：所需的历史已被压缩（压缩到修订版本 {rev}）"),
        Key::WatchWaiting => " 等待中：所在成员宕机，且没有其他运行中的成员".into(),
        Key::WatchFromRev(rev) => f!("（从修订版本 {rev} 开始）"),
        Key::RangeCounted(n, rev) => f!("计数：{n} 个键，修订版本 {rev}"),
        Key::ConsoleTitle => "etcdctl 控制台".into(),
        Key::DeployTitle => "真实部署".into(),
        Key::DeployNote => "这个集群若用真实的 etcd 3.4 运行，按资料中的静态启动方式：每个成员的 /etc/etcd/etcd.conf、systemd 单元（或 docker-compose），以及启动、检查集群并重做这里的成员变更的命令。成员 nK 即 etcd-K；其 ID 就是 etcd 将打印的 ID。".into(),
        Key::DeployHost(n) => f!("etcd-{n} 的主机"),
        Key::DeployTls => "TLS（客户端与节点间证书，同资料）".into(),
        Key::DeployFile => "文件".into(),
        Key::DeployFileConf(n) => f!("etcd-{n} 的 etcd.conf"),
        Key::DeployFileUnit => "systemd 单元".into(),
        Key::DeployFileCompose => "docker-compose.yml（代替 systemd）".into(),
        Key::DeployFileCommands => "命令：启动、检查、成员变更".into(),
        Key::DeployBadHost(h) => f!("“{h}”不是主机名或地址；文件中此成员沿用默认地址。"),
        Key::DownloadsTitle => "历史与会话".into(),
        Key::DownloadsNote => "下载客户端历史，交给外部检查器（Jepsen 风格的 JSON 行，供 Knossos 或 Elle 使用；或 Porcupine 的操作格式），或下载整个会话（设置、每个操作及其虚拟时间、历史），以后在这里导入：它会重放出同一次运行。".into(),
        Key::DownloadJepsen => "Jepsen 历史（.jsonl）".into(),
        Key::DownloadPorcupine => "Porcupine 历史（.json）".into(),
        Key::DownloadSession => "会话（.json）".into(),
        Key::ImportSession => "导入会话".into(),
        Key::SessionImportFailed(why) => f!("会话未导入：{why}"),
        Key::SessionImported(n, ms) => f!("会话已导入：重放了 {n} 个操作，到 {ms} 毫秒；已在此暂停。"),
        Key::ConsoleTxnHint => "txn 会读取接下来的几行：比较条件，一个空行，条件成立时执行的操作，一个空行，条件不成立时执行的操作，再一个空行即发送事务。".into(),
        Key::ConsoleNote => "像在命令行里一样输入 etcdctl 3.4 命令（put、get、del、txn、compaction、watch、member list/add/remove/promote、move-leader、endpoint health、endpoint status）；命令发往这个集群，回答就是 etcdctl 会打印的内容。watch 在后台运行，直到 .cancel。.help 列出控制台自己的故障命令（.crash etcd-1、.heal …）。↑ 和 ↓ 可调出输入过的命令。".into(),
        Key::ConsoleServedBy(n) => f!("由 etcd-{n}（n{n}）应答"),
        Key::ConsoleRun => "运行".into(),
        Key::ConsoleWaiting => "等待回答…".into(),
        Key::ConsoleInput => "etcdctl 命令".into(),
        Key::ConsoleEmpty => "试试：put /registry/pods/default/nginx running，然后 get /registry/ --prefix -w json".into(),
    }
}
