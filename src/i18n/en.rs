//! The page in English: one arm per [`Key`].

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

/// A count with its noun: "1 key", "2 keys".
fn count(n: usize, one: &str, many: &str) -> String {
    format!("{n} {}", if n == 1 { one } else { many })
}

fn on_off(on: &bool) -> &'static str {
    if *on {
        "on"
    } else {
        "off"
    }
}

/// `key` in English.
pub(super) fn text(key: &Key) -> Cow<'static, str> {
    match key {
        // The header and the page around the panels.
        Key::Title => "Raft Playground".into(),
        Key::Leader => "Leader: ".into(),
        Key::NoLeader => "none".into(),
        Key::TermIs(t) => f!(" · term {t}"),
        Key::Language => "Language".into(),
        Key::Dismiss => "Dismiss".into(),
        Key::ClusterRegion => "Cluster".into(),
        Key::SafetyViolation(seed, what) => f!("Safety violation (seed {seed}): {what}"),
        Key::Notices(all) => all.iter().map(text).collect::<Vec<_>>().join(". ").into(),

        // Time controls.
        Key::TimeGroup => "Time".into(),
        Key::Play => "Play".into(),
        Key::Pause => "Pause".into(),
        Key::Step => "Step".into(),
        Key::StepTitle => "Run the next event (a tick or a delivery) and pause".into(),
        Key::Speed => "speed ".into(),
        Key::RunningAt(speed) => f!("running at {speed}"),
        Key::RunningAtTitle => "Each frame advances at most 2 s of virtual time, and this \
             cluster's frames are slow: the simulation cannot keep up with the speed asked for."
            .into(),
        Key::VirtualTime => "virtual time".into(),

        // Settings.
        Key::Settings => "Settings".into(),
        Key::SettingsSummary(members, seed, latency, jitter, loss, pv, cq) => f!(
            "{members} members, seed {seed}, latency {latency} ± {jitter} ms, loss {loss}%, \
             PreVote {}, CheckQuorum {}",
            on_off(pv),
            on_off(cq)
        ),
        Key::FieldMembers => "members (1–9)".into(),
        Key::FieldSeed => "seed".into(),
        Key::FieldLatency => "latency ms".into(),
        Key::FieldJitter => "jitter ms".into(),
        Key::FieldLoss => "loss %".into(),
        Key::FieldDuplicate => "duplication %".into(),
        Key::FieldElectionTick => "election ticks".into(),
        Key::FieldHeartbeatTick => "heartbeat ticks".into(),
        Key::PreVoteFlag => " PreVote".into(),
        Key::CheckQuorumFlag => " CheckQuorum".into(),
        Key::FlagsNote => "(these two apply at once; the rest on “new cluster”)".into(),
        Key::NewCluster => "New cluster".into(),
        Key::RunningCluster(seed, members) => f!(" running: seed {seed}, {members} members"),
        Key::TrafficLabel => "background writes per virtual second".into(),
        Key::Set => "Set".into(),
        Key::TrafficNow(n) => f!(" now {n}/s"),
        Key::FixMarked => "fix the marked settings first".into(),

        // What is wrong with a setting.
        Key::NotPercent(v) => f!("“{v}” is not a percentage from 0 to 100"),
        Key::MembersRange => "1 to 9 members".into(),
        Key::MembersNot(n) => f!("members must be 1 to 9, not {n}"),
        Key::EnterWholeNumber => "enter a whole number".into(),
        Key::NotWholeNumber(v) => f!("“{v}” is not a whole number"),
        Key::UseOnOff(v) => f!("“{v}”: use on or off"),
        Key::UnknownSetting(k) => f!("unknown setting {k}"),
        Key::TrafficRange => "traffic: enter writes per second, 0 to 200".into(),
        Key::LatencyTooLong => "latency and jitter must be at most 60000 ms".into(),
        Key::HeartbeatAtLeastOne => "heartbeat ticks must be at least 1".into(),
        Key::ElectionAfterHeartbeat(e, h) => {
            f!("election ticks ({e}) must be greater than heartbeat ticks ({h})")
        }
        Key::ElectionTooLong => "election ticks must be at most 1000".into(),
        Key::UrlSetting(k, v, what) => f!("URL setting {k}={v}: {}", text(what)),
        Key::UrlSettingUsing(k, v, what, used) => {
            f!("URL setting {k}={v}: {}; using {used}", text(what))
        }
        Key::SpeedRange => "speed must be from 0.01 to 100; using 0.5".into(),
        Key::TrafficCapped => "at most 200 writes per second; using 200".into(),
        Key::UseEnOrZh => "use en or zh; using the browser's language".into(),
        Key::NoSuchMoment(bad, all) => f!("no moment called {bad}; use {all}"),
        Key::NoSuchLesson(id, all) => f!("there is no lesson “{id}”; the lessons are {all}"),

        // The quorum panel.
        Key::Quorum => "Quorum".into(),
        Key::VotersN => "voters n".into(),
        Key::QuorumFormula => "quorum ⌊n/2⌋+1".into(),
        Key::Tolerates => "tolerates ⌊(n−1)/2⌋".into(),
        Key::LeaderReaches => "leader reaches".into(),
        Key::ReachOf(r, v) => f!("{r} of {v}"),
        Key::QuorumOk(l, r, v, q) => f!(
            "Quorum available: the leader {} reaches {r} of {v} voters; quorum is {q}, so \
             writes can commit.",
            n(l)
        ),
        Key::QuorumFar(l, r, v, q) => f!(
            "Quorum available, but the leader {} reaches only {r} of {v} voters (quorum is \
             {q}): the majority must elect a new leader before writes can commit.",
            n(l)
        ),
        Key::QuorumNoLeader(q, v) => f!(
            "Quorum available, but there is no leader: an election is needed first (quorum \
             is {q} of {v} voters), then writes can commit."
        ),
        Key::QuorumLost => "Quorum lost: writes cannot commit.".into(),
        Key::QuorumLostWhy(q, v) => f!(
            " No group of running, connected voters reaches {q} of {v}. Reads that need the \
             leader (ReadIndex) wait too; serializable reads still answer, possibly stale."
        ),
        Key::SidesLabel => "Sides of the network".into(),
        Key::Nobody => "nobody".into(),
        Key::SideVoters(v, quorum) => f!(
            ": {}, {}",
            count(*v, "voter", "voters"),
            if *quorum { "has a quorum" } else { "no quorum" }
        ),
        Key::SideLeaders(leaders) => f!("; leader {leaders}"),
        Key::LeaderInTerm(l, t) => f!("{} (term {t})", n(l)),
        Key::StaleCheckQuorum => " (stale: it cannot commit, and steps down within an election \
             timeout, once CheckQuorum notices it no longer hears from a quorum)"
            .into(),
        Key::StaleNoCheckQuorum => " (stale: it cannot commit; with CheckQuorum off it stays \
             leader until it hears of a higher term, after the partition heals)"
            .into(),
        Key::Uncommitted => "Uncommitted proposals".into(),
        Key::PendingEntry(index, term, leader, what, retries, acked) => f!(
            "#{index} (term {term}) on leader {}: {what}{} — acknowledged by {acked}; ",
            n(leader),
            if *retries > 0 {
                format!(" (retried {retries}×)")
            } else {
                String::new()
            }
        ),
        Key::PendingWaits(missing, needed, of) => {
            f!("waiting for {missing} (needs {needed} of {of})")
        }
        Key::AndMore(more) => f!("… and {more} more"),
        Key::MembershipGroup => "Change membership".into(),
        Key::MembershipLabel => "Membership: ".into(),
        Key::AddVoter(id) => f!("add voter {}", n(id)),
        Key::AddLearner(id) => f!("add learner {}", n(id)),
        Key::MembershipHint => " (remove or promote one by clicking it)".into(),
        Key::WaitingRequests(r) => f!(
            "{} waiting for an answer; each fails after the request timeout.",
            count(*r, "client request", "client requests")
        ),

        // The partition panel.
        Key::Partition => "Partition".into(),
        Key::LeaderAlone => "Leader alone".into(),
        Key::MinorityWithLeader => "Minority with the leader".into(),
        Key::HealAll => "Heal all".into(),
        Key::DragHint => "Or drag members between groups (click a member to move it to the \
             next group), then apply."
            .into(),
        Key::Group(g) => f!("group {g}"),
        Key::ChipLabel(m, g, next) => {
            f!("{} in group {g}; press to move to group {next}", n(m))
        }
        Key::ApplyPartition => "Apply partition".into(),
        Key::TwoGroupsFirst => {
            "put members in at least two groups first (drag them, or click to move)".into()
        }
        Key::NeedTwoMembers => "a partition needs at least two members".into(),
        Key::NoLeaderNow => "there is no leader right now".into(),

        // The inspector: a member.
        Key::InspectHint => "Click a member, a link or a message (or focus it and press Enter) \
             to inspect it and break things."
            .into(),
        Key::Close => "Close".into(),
        Key::Gone(m) => f!("{} is gone.", n(m)),
        Key::BeingReplaced(old, new) => f!("{} is being replaced by {}", n(old), n(new)),
        Key::Term => "term".into(),
        Key::VotedFor => "voted for".into(),
        Key::Follows => "follows".into(),
        Key::Log => "log".into(),
        Key::LogFacts(last, commit, applied, snap) => {
            f!("last #{last}, commit #{commit}, applied #{applied}, snapshot #{snap}")
        }
        Key::Voter => "voter".into(),
        Key::Yes => "yes".into(),
        Key::No => "no".into(),
        Key::NoLearner => "no (learner)".into(),
        Key::Kv => "KV".into(),
        Key::KvFacts(keys, rev) => f!("{}, revision {rev}", count(*keys, "key", "keys")),
        Key::ProgressCaption => "What this leader knows of each member".into(),
        Key::ColMember => "member".into(),
        Key::ColMatched => "matched".into(),
        Key::ColNext => "next".into(),
        Key::ColState => "state".into(),
        Key::ColActive => "active".into(),
        Key::ProgressProbe => "probe".into(),
        Key::ProgressReplicate => "replicate".into(),
        Key::ProgressSnapshot => "snapshot".into(),
        Key::Crash => "Crash".into(),
        Key::Restart => "Restart".into(),
        Key::WipeReplace => "Wipe disk & replace".into(),
        Key::Isolate => "Isolate".into(),
        Key::TransferHere => "Transfer leadership here".into(),
        Key::CampaignNow => "Campaign now".into(),
        Key::CompactLog => "Compact log".into(),
        Key::RemoveMember => "Remove from cluster".into(),
        Key::PromoteVoter => "Promote to voter".into(),
        Key::WhyLately => "Why, lately".into(),
        Key::DiskSurvives => {
            "Its disk survives the crash: restart it and it rejoins with its log.".into()
        }
        // The inspector: a message.
        Key::ArrivedOrLost => "arrived or lost".into(),
        Key::HeldInFlight => "held in flight".into(),
        Key::LostAt(t) => f!("in flight, will be lost at {t}"),
        Key::ArrivesAt(t) => f!("in flight, arrives at {t}"),
        Key::FromTo => "from → to".into(),
        Key::Index => "index".into(),
        Key::IndexLogTerm(i, t) => f!("{i} (log term {t})"),
        Key::Commit => "commit".into(),
        Key::Entries => "entries".into(),
        Key::Reject => "reject".into(),
        Key::Sent => "sent".into(),
        Key::Status => "status".into(),
        Key::DropIt => "Drop it".into(),
        Key::HoldIt => "Hold it".into(),
        Key::ReleaseIt => "Release it".into(),
        Key::PauseTip => "Tip: pause first, then click messages at leisure.".into(),
        // The inspector: a link.
        Key::LinkTitle(a, b) => f!("Link {} – {}", n(a), n(b)),
        Key::LinkDirection(a, b, cut) => {
            f!("{} → {}: {}", n(a), n(b), if *cut { "cut" } else { "up" })
        }
        Key::CutBoth => "Cut both ways".into(),
        Key::CutOneWay(a, b) => f!("Cut {} → {} only", n(a), n(b)),
        Key::HealBoth => "Heal both ways".into(),
        Key::OneWayNote => "A one-way cut is how asymmetric network faults look: one side \
             hears, the other does not."
            .into(),
        Key::InFlightOnLink(k) => f!("In flight on this link: {k}"),
        Key::MessageOnLink(kind, from, to, term, lost, held) => f!(
            "{kind} {} → {} term {term}{}",
            n(from),
            n(to),
            if *lost {
                " (will be lost)"
            } else if *held {
                " (held)"
            } else {
                ""
            }
        ),

        // The drawing.
        Key::DrawingLabel => "Cluster members, links and messages in flight".into(),
        Key::LinkUp(a, b) => f!("link {} – {}: up", n(a), n(b)),
        Key::LinkCut(a, b) => f!("link {} – {}: cut both ways", n(a), n(b)),
        Key::LinkOneWay(a, b, from, to) => {
            f!(
                "link {} – {}: {} cannot reach {}",
                n(a),
                n(b),
                n(from),
                n(to)
            )
        }
        Key::MemberLabel(m, role, term, commit, applied, voter) => f!(
            "{}: {role}, term {term}, commit {commit}, applied {applied}{}",
            n(m),
            if *voter { "" } else { ", not a voter" }
        ),
        Key::MessageLabel(kind, from, to, term) => {
            f!("{kind} {} → {} term {term}", n(from), n(to))
        }
        Key::LegendPreVote => "pre-vote".into(),
        Key::LegendVote => "vote".into(),
        Key::LegendAppend => "append".into(),
        Key::LegendHeartbeat => "heartbeat".into(),
        Key::LegendSnapshot => "snapshot".into(),
        Key::LegendReadIndex => "read index".into(),
        Key::LegendOther => "other".into(),
        Key::HollowResponse => "hollow: response".into(),
        Key::LostMark => "✕ lost".into(),

        // The client panel.
        Key::Client => "Client".into(),
        Key::Request => "request".into(),
        Key::OpPut => "put".into(),
        Key::OpGet => "get".into(),
        Key::OpDelete => "delete".into(),
        Key::OpRange => "range".into(),
        Key::Prefix => "prefix".into(),
        Key::KeyField => "key".into(),
        Key::ValueField => "value".into(),
        Key::ReadModeField => "read mode".into(),
        Key::ModeLinearizable => "linearizable (ReadIndex)".into(),
        Key::ModeLease => "lease".into(),
        Key::ModeSerializable => "serializable (local)".into(),
        Key::ShortLinearizable => " (linearizable)".into(),
        Key::ShortLease => " (lease)".into(),
        Key::ShortSerializable => " (serializable)".into(),
        Key::SendTo => "send to".into(),
        Key::TheLeader => "the leader".into(),
        Key::Send => "Send".into(),
        Key::ValueTooBig(bytes, limit) => f!("value is {bytes} bytes; the limit is {limit}"),
        Key::ValueBytes(bytes, limit) => f!("{bytes} of {limit} bytes"),
        Key::ResultsCaption => "Your requests, newest first".into(),
        Key::ColRequest => "request".into(),
        Key::ColTo => "to".into(),
        Key::ColResult => "result".into(),
        Key::ColLatency => "latency".into(),
        Key::Waiting => "waiting…".into(),
        Key::NoRequests => {
            "No requests yet. Try a put, then crash the leader and put again.".into()
        }
        Key::Ms(ms) => f!("{ms} ms"),
        Key::ResultPut(rev) => f!("ok, revision {rev}"),
        Key::ResultDeleted(rev) => f!("deleted, revision {rev}"),
        Key::ResultNothingDeleted(rev) => f!("not found, revision {rev}"),
        Key::ResultGet(k, v, rev) => f!("{k}={v} (mod rev {rev})"),
        Key::ResultGetNone(rev) => f!("not found (at revision {rev})"),
        Key::RangeHead(keys, rev) => f!(
            "{} at revision {rev}{}",
            count(*keys, "key", "keys"),
            if *keys == 0 { "" } else { ":" }
        ),
        Key::Failed(e) => e.text(raft_sim::Lang::En).into(),
        Key::StaleRead(answered, newest) => f!(
            "stale: answered at revision {answered}, but revision {newest} was committed \
             before the read began"
        ),
        Key::ResultError(e) => f!("error: {}", e.text(raft_sim::Lang::En)),
        Key::UnknownRequest(op) => f!("unknown request “{op}”"),
        Key::UnknownMode(mode) => f!("unknown read mode “{mode}”"),
        Key::TargetNotMember(t) => f!("target “{t}” is not a member"),
        Key::KeyOnlySpaces => "the key is only spaces: type a key".into(),
        Key::PrefixOnlySpaces => {
            "the prefix is only spaces: type a prefix, or leave it empty for every key".into()
        }
        Key::NoLeaderPickMember => "there is no leader right now: pick a member to send to".into(),
        Key::NotAccepted => "the request was not accepted".into(),
        Key::EnterWatchKey => "enter a key to watch (or tick prefix for all keys)".into(),
        Key::Watch => "Watch".into(),
        Key::WatchKeyLabel => "key or prefix to watch".into(),
        Key::PrefixBox => " prefix".into(),
        Key::WatchButton => "Watch".into(),
        Key::WatchOnNote => " on the member chosen in “send to”".into(),
        Key::WatchTitle(id, m, key, prefix) => f!(
            "watch #{id} on {}: {key}{}",
            n(m),
            if *prefix { "*" } else { "" }
        ),
        Key::Cancel => "cancel".into(),
        Key::NoEventsYet => "no events yet".into(),
        Key::WatchEvent(rev, delete, key, value) => f!(
            "rev {rev} {} {key} {value}",
            if *delete { "Delete" } else { "Put" }
        ),
        Key::EachStore => "Each member's store".into(),
        Key::StoreGroup => "Member whose store to show".into(),
        Key::StoreDown => {
            "This member is down; its store comes back from its disk on restart.".into()
        }
        Key::EmptyStore => "Empty store.".into(),
        Key::PickMember => "Pick a member.".into(),
        Key::ColKey => "key".into(),
        Key::ColValue => "value".into(),
        Key::ColModRev => "mod rev".into(),
        Key::ColVersion => "version".into(),

        // The logs panel.
        Key::Logs => "Logs".into(),
        Key::Applied => "applied".into(),
        Key::Committed => "committed".into(),
        Key::NotCommitted => "not committed".into(),
        Key::SnapshotLegend => "snapshot".into(),
        Key::LogsNote => " Color = term. The thick bar follows the commit index.".into(),
        Key::DownDisk(last, commit) => f!("down — disk keeps #{last} (commit {commit})"),
        Key::EntryTitle(i, t, what, state) => f!("#{i} term {t}: {what} ({})", text(state)),
        Key::OlderNotShown => "older entries not shown".into(),
        Key::SnapTitle(i) => f!("entries up to #{i} compacted into a snapshot"),
        Key::SnapBlock(i) => f!("snap ≤{i}"),

        // The event log.
        Key::EventLog => "Event log".into(),
        Key::ShowEvents => "Show events".into(),
        Key::CatElections => "elections".into(),
        Key::CatMessages => "messages".into(),
        Key::CatDrops => "drops".into(),
        Key::CatCommits => "commits".into(),
        Key::CatClients => "clients".into(),
        Key::CatMembership => "membership".into(),
        Key::CatFaults => "faults".into(),
        Key::FilterPlaceholder => "filter: n3, leader, dropped…".into(),
        Key::FilterLabel => "Filter events by text".into(),

        // Errors from the core.
        Key::Refused(e) => e.text(raft_sim::Lang::En).into(),

        // The crash overlay.
        Key::CrashTitle => "Something broke inside the simulation".into(),
        Key::CrashLabel => "The simulation crashed".into(),
        Key::Reload => "Reload".into(),
        Key::CrashReport(message, seed, actions) => f!(
            "The simulation stopped because of a bug: {message}\n\nSeed: {seed}\nRecent \
             actions (oldest first):\n{actions}\nReload the page to start again. Please \
             report this text with the bug."
        ),

        // The pause-on controls and the lesson panel.
        Key::PauseOnLabel => "pause on:".into(),
        Key::PauseOnHelp => "Stop the clock right after this happens".into(),
        Key::PausedAt(t, what) => f!("Paused at {t}: {what}"),
        Key::Lessons => "Lessons".into(),
        Key::LessonsIntro => {
            "Guided lessons on a live cluster, step by step: watch, then do.".into()
        }
        Key::LessonStepOf(k, n) => f!("Step {k} of {n}"),
        Key::LessonYourTask => "Your task: ".into(),
        Key::LessonTaskDone => "done".into(),
        Key::LessonHint => "Hint: ".into(),
        Key::LessonDoItForMe => "Do it for me".into(),
        Key::LessonNext => "Next".into(),
        Key::LessonBack => "Back".into(),
        Key::LessonRestart => "Restart".into(),
        Key::LessonLeave => "Leave lesson".into(),
        Key::LessonAll => "All lessons".into(),
        Key::LessonWatching => "Watch the cluster…".into(),
        Key::LessonWaiting => "Waiting for you.".into(),
        Key::LessonStepDone => "Step done: press Next.".into(),
        Key::LessonDone => "Lesson complete.".into(),
        Key::LessonFailed(why) => f!("The lesson stopped: {why}"),

        // The header's link to the article.
        Key::ArticleLink => "Article: why etcd has no split-brain".into(),
        Key::EmbedNoSuchView(v, all) => {
            f!("view={v}: there is no such view (use one of {all}); showing the default")
        }
        Key::EmbedNoSuchControl(bad, all) => {
            f!("controls: no control is called {bad} (the controls: {all})")
        }
        Key::OpenFull => "Open in the full playground".into(),
        Key::OpenFullTitle => "The same run, with every panel, in a new tab".into(),
        // Sharing a run.
        Key::RunNoVersion => "it does not start with a version number; the run is left out".into(),
        Key::RunNewerVersion(v, ours) => f!(
            "made by a newer playground (run format {v}; this page reads up to {ours}); \
             the run is left out, the settings apply"
        ),
        Key::RunBadEntry(n) => {
            f!("action {n} cannot be read; the run is left out, the settings apply")
        }
        Key::RunDiverged(n) => f!(
            "the replay did not reach action {n} where the link says; the run is left \
             out, the settings apply"
        ),
        Key::RunTooLong(max) => {
            f!("the run is longer than {max} events, too long to replay; it is left out")
        }
        Key::Share => "Share".into(),
        Key::ShareTitle => {
            "A link to this run: it opens at this moment, with the same trace".into()
        }
        Key::ShareLinkLabel => "Link to this run".into(),
        Key::ShareCopied => "Copied.".into(),
        Key::ShareCopyByHand => "Select the link and copy it.".into(),
        Key::RestoredRun => {
            "Your last run was restored (saved in this browser). New cluster starts afresh.".into()
        }
        Key::ResultDeletedCount(n, rev) => {
            f!(
                "deleted {}, revision {rev}",
                count(*n as usize, "key", "keys")
            )
        }
        Key::ResultTxn(held, rev) => f!(
            "transaction: {}, revision {rev}",
            if *held {
                "the compares held (success ops ran)"
            } else {
                "the compares failed (failure ops ran)"
            }
        ),
        Key::ResultCompacted(rev) => f!("history compacted, revision {rev}"),
        Key::WatchCanceledAt(rev) => {
            f!(" canceled: the history it needed is compacted (up to revision {rev})")
        }
        Key::WatchWaiting => " waiting: its member is down and no other is running".into(),
        Key::WatchFromRev(rev) => f!(" (from revision {rev})"),
        Key::RangeCounted(n, rev) => {
            f!(
                "counted {} at revision {rev}",
                count(*n as usize, "key", "keys")
            )
        }
        Key::ConsoleTitle => "etcdctl console".into(),
        Key::DeployTitle => "The real deployment".into(),
        Key::DeployNote => "This cluster as real etcd 3.4 would run it, by static bootstrap as in the material: each member's /etc/etcd/etcd.conf, the systemd unit (or docker-compose), and the commands that start and check it and repeat the membership changes made here. Member nK is etcd-K; its ids are the ones etcd will print.".into(),
        Key::DeployHost(n) => f!("Host of etcd-{n}"),
        Key::DeployTls => "TLS (client and peer certificates, as in the material)".into(),
        Key::DeployFile => "File".into(),
        Key::DeployFileConf(n) => f!("etcd.conf of etcd-{n}"),
        Key::DeployFileUnit => "systemd unit".into(),
        Key::DeployFileCompose => "docker-compose.yml (instead of systemd)".into(),
        Key::DeployFileCommands => "Commands: start, check, membership changes".into(),
        Key::DeployBadHost(h) => f!("\"{h}\" is not a host name or address; the files keep the default for this member."),
        Key::DownloadsTitle => "History and session".into(),
        Key::DownloadsNote => "Download the client history for an outside checker (Jepsen-style JSON lines for Knossos or Elle; Porcupine's operations), or the whole session (settings, every action with its virtual time, the history) to import here later: it replays to the same run.".into(),
        Key::DownloadJepsen => "Jepsen history (.jsonl)".into(),
        Key::DownloadPorcupine => "Porcupine history (.json)".into(),
        Key::DownloadSession => "Session (.json)".into(),
        Key::ImportSession => "Import a session".into(),
        Key::SessionImportFailed(why) => f!("This session was not imported: {why}"),
        Key::SessionImported(n, ms) => f!("Session imported: {n} actions replayed to {ms} ms; paused there."),
        Key::ConsoleTxnHint => "txn reads the next lines: the compares, a blank line, the ops to run if they hold, a blank line, the ops to run if not, and a blank line to send it.".into(),
        Key::ConsoleNote => "Type etcdctl 3.4 commands (put, get, del, txn, compaction, watch, member list/add/remove/promote, move-leader, endpoint health, endpoint status) as at a shell; they go to this cluster, and the answers are what etcdctl prints. A watch runs in the background until .cancel. .help lists the console's own commands for faults (.crash etcd-1, .heal …). ↑ and ↓ recall what you typed.".into(),
        Key::ConsoleServedBy(n) => f!("served by etcd-{n} (n{n})"),
        Key::ConsoleRun => "Run".into(),
        Key::ConsoleWaiting => "waiting for the answer…".into(),
        Key::ConsoleInput => "etcdctl command".into(),
        Key::ConsoleEmpty => "Try: put /registry/pods/default/nginx running, then get /registry/ --prefix -w json".into(),
    }
}
