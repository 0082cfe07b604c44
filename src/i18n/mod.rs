//! The page's own words, in English and Simplified Chinese.
//!
//! Every string the page shows (headings, buttons, tooltips, aria-labels,
//! placeholders, notices, errors) is a [`Key`]; [`Key::text`] says it in a
//! [`Lang`]. Each language is one `match` over all keys (`en.rs`, `zh.rs`),
//! so a key without a translation does not compile, and the test below
//! checks that none is blank or left in English.
//!
//! Text with values (counts, member ids, terms) is a variant carrying them,
//! so each language orders the words itself; components never glue pieces
//! of sentences together.
//!
//! Words made by the core (event words, refusals, client errors) are said
//! by the core in both languages next to their definitions (`raft_sim`'s
//! `Lang`); a key may carry such a value and hand it the language.
//!
//! To add text: add a variant in its panel's group below, then its English
//! in `en.rs` and its Chinese in `zh.rs` (the compiler lists what is
//! missing). Chinese follows the terms in the project's glossary (领导者,
//! 任期 (term), 法定人数 (quorum), 线性一致读 (ReadIndex)…), with
//! full-width punctuation.

mod en;
mod zh;

pub use raft_sim::Lang;

/// A value for each payload type, so that the tests can say every key.
pub trait Sample {
    /// Some value of the type.
    fn sample() -> Self;
}

impl Sample for u64 {
    fn sample() -> Self {
        3
    }
}

impl Sample for usize {
    fn sample() -> Self {
        2
    }
}

impl Sample for f64 {
    fn sample() -> Self {
        1.5
    }
}

impl Sample for String {
    fn sample() -> Self {
        "x".into()
    }
}

impl Sample for bool {
    fn sample() -> Self {
        true
    }
}

impl Sample for raft_sim::ActionError {
    fn sample() -> Self {
        raft_sim::ActionError::AlreadyDown { node: 2 }
    }
}

impl Sample for raft_sim::ClientError {
    fn sample() -> Self {
        raft_sim::ClientError::LeaseNeedsCheckQuorum
    }
}

impl Sample for Lang {
    fn sample() -> Self {
        Lang::Zh
    }
}

impl Sample for Box<Key> {
    fn sample() -> Self {
        Box::new(Key::Title)
    }
}

impl Sample for Vec<Key> {
    fn sample() -> Self {
        vec![Key::Title, Key::Title]
    }
}

/// Declares [`Key`] and [`Key::samples`] from one list, so that the
/// samples cannot miss a key.
macro_rules! keys {
    ($( $(#[$doc:meta])* $name:ident $(( $($ty:ty),+ ))? ,)*) => {
        /// Something the page says. Variants with values document them in
        /// order; the names say the rest.
        #[derive(Clone, PartialEq)]
        #[allow(missing_docs)]
        pub enum Key {
            $( $(#[$doc])* $name $(( $($ty),+ ))? ,)*
        }

        impl Key {
            /// Every key, with sample values.
            pub fn samples() -> Vec<Key> {
                vec![ $( Key::$name $(( $(<$ty as Sample>::sample()),+ ))? ,)* ]
            }

            /// The variant's name, for the tests' allow-list.
            #[cfg(test)]
            fn name(&self) -> &'static str {
                match self {
                    $( Key::$name { .. } => stringify!($name), )*
                }
            }
        }
    };
}

keys! {
    // The header and the page around the panels.
    Title,
    Leader,
    NoLeader,
    /// (term)
    TermIs(u64),
    Language,
    Dismiss,
    ClusterRegion,
    /// (seed, the violations)
    SafetyViolation(u64, String),
    /// Several notices in one line.
    Notices(Vec<Key>),

    // Time controls.
    TimeGroup,
    Play,
    Pause,
    Step,
    StepTitle,
    Speed,
    /// (the speed, "15×")
    RunningAt(String),
    RunningAtTitle,
    VirtualTime,

    // Settings.
    Settings,
    /// (members, seed, latency, jitter, loss %, PreVote, CheckQuorum)
    SettingsSummary(u64, u64, u64, u64, f64, bool, bool),
    FieldMembers,
    FieldSeed,
    FieldLatency,
    FieldJitter,
    FieldLoss,
    FieldDuplicate,
    FieldElectionTick,
    FieldHeartbeatTick,
    PreVoteFlag,
    CheckQuorumFlag,
    FlagsNote,
    NewCluster,
    /// (seed, members)
    RunningCluster(u64, u64),
    TrafficLabel,
    Set,
    /// (writes per second)
    TrafficNow(u64),
    FixMarked,

    // What is wrong with a setting (the form and the URL).
    /// (the value typed)
    NotPercent(String),
    MembersRange,
    /// (the number of members asked for)
    MembersNot(u64),
    EnterWholeNumber,
    /// (the value typed)
    NotWholeNumber(String),
    /// (the value typed)
    UseOnOff(String),
    /// (the setting's name)
    UnknownSetting(String),
    TrafficRange,
    LatencyTooLong,
    HeartbeatAtLeastOne,
    /// (election ticks, heartbeat ticks)
    ElectionAfterHeartbeat(u64, u64),
    ElectionTooLong,
    /// (key, value, what is wrong)
    UrlSetting(String, String, Box<Key>),
    /// (key, value, what is wrong, the value used instead)
    UrlSettingUsing(String, String, Box<Key>, String),
    SpeedRange,
    TrafficCapped,
    UseEnOrZh,
    /// (the words that name no moment, the moments' words)
    NoSuchMoment(String, String),
    /// (the id asked for, the lessons' ids)
    NoSuchLesson(String, String),

    // The quorum panel.
    Quorum,
    VotersN,
    QuorumFormula,
    Tolerates,
    LeaderReaches,
    /// (voters reached, voters)
    ReachOf(usize, usize),
    /// (leader, voters it reaches, voters, quorum)
    QuorumOk(u64, usize, usize, usize),
    /// (leader, voters it reaches, voters, quorum)
    QuorumFar(u64, usize, usize, usize),
    /// (quorum, voters)
    QuorumNoLeader(usize, usize),
    QuorumLost,
    /// (quorum, voters)
    QuorumLostWhy(usize, usize),
    SidesLabel,
    Nobody,
    /// (voters on the side, whether it has a quorum)
    SideVoters(usize, bool),
    /// (the leaders, "n1 (term 3)")
    SideLeaders(String),
    /// (leader, term)
    LeaderInTerm(u64, u64),
    StaleCheckQuorum,
    StaleNoCheckQuorum,
    Uncommitted,
    /// (index, term, leader, what, retries, who acknowledged it)
    PendingEntry(u64, u64, u64, String, usize, String),
    /// (whom it waits for, acknowledgements needed, voters)
    PendingWaits(String, usize, usize),
    /// (how many more)
    AndMore(usize),
    MembershipGroup,
    MembershipLabel,
    /// (the new member)
    AddVoter(u64),
    /// (the new member)
    AddLearner(u64),
    MembershipHint,
    /// (requests)
    WaitingRequests(usize),

    // The partition panel.
    Partition,
    LeaderAlone,
    MinorityWithLeader,
    HealAll,
    DragHint,
    /// (group name)
    Group(String),
    /// (member, its group, the next group)
    ChipLabel(u64, String, String),
    ApplyPartition,
    TwoGroupsFirst,
    NeedTwoMembers,
    NoLeaderNow,

    // The inspector: a member.
    InspectHint,
    Close,
    /// (member)
    Gone(u64),
    /// (old member, new member)
    BeingReplaced(u64, u64),
    Term,
    VotedFor,
    Follows,
    Log,
    /// (last index, commit, applied, snapshot)
    LogFacts(u64, u64, u64, u64),
    Voter,
    Yes,
    No,
    NoLearner,
    Kv,
    /// (keys, revision)
    KvFacts(usize, u64),
    ProgressCaption,
    ColMember,
    ColMatched,
    ColNext,
    ColState,
    ColActive,
    ProgressProbe,
    ProgressReplicate,
    ProgressSnapshot,
    Crash,
    Restart,
    WipeReplace,
    Isolate,
    TransferHere,
    CampaignNow,
    CompactLog,
    RemoveMember,
    PromoteVoter,
    DiskSurvives,
    /// Heading of the member's latest refusals and step-downs.
    WhyLately,
    // The inspector: a message.
    ArrivedOrLost,
    HeldInFlight,
    /// (virtual time)
    LostAt(String),
    /// (virtual time)
    ArrivesAt(String),
    FromTo,
    Index,
    /// (index, log term)
    IndexLogTerm(u64, u64),
    Commit,
    Entries,
    Reject,
    Sent,
    Status,
    DropIt,
    HoldIt,
    ReleaseIt,
    PauseTip,
    // The inspector: a link.
    /// (one end, the other)
    LinkTitle(u64, u64),
    /// (from, to, cut)
    LinkDirection(u64, u64, bool),
    CutBoth,
    /// (from, to)
    CutOneWay(u64, u64),
    HealBoth,
    OneWayNote,
    /// (messages)
    InFlightOnLink(usize),
    /// (kind, from, to, term, will be lost, held)
    MessageOnLink(String, u64, u64, u64, bool, bool),

    // The drawing.
    DrawingLabel,
    /// (one end, the other)
    LinkUp(u64, u64),
    /// (one end, the other)
    LinkCut(u64, u64),
    /// (one end, the other, the member that cannot reach, the one it cannot reach)
    LinkOneWay(u64, u64, u64, u64),
    /// (member, role, term, commit, applied, voter)
    MemberLabel(u64, String, u64, u64, u64, bool),
    /// (kind, from, to, term)
    MessageLabel(String, u64, u64, u64),
    LegendPreVote,
    LegendVote,
    LegendAppend,
    LegendHeartbeat,
    LegendSnapshot,
    LegendReadIndex,
    LegendOther,
    HollowResponse,
    LostMark,

    // The client panel.
    Client,
    Request,
    OpPut,
    OpGet,
    OpDelete,
    OpRange,
    Prefix,
    KeyField,
    ValueField,
    ReadModeField,
    ModeLinearizable,
    ModeLease,
    ModeSerializable,
    ShortLinearizable,
    ShortLease,
    ShortSerializable,
    SendTo,
    TheLeader,
    Send,
    /// (bytes, limit)
    ValueTooBig(usize, usize),
    /// (bytes, limit)
    ValueBytes(usize, usize),
    ResultsCaption,
    ColRequest,
    ColTo,
    ColResult,
    ColLatency,
    Waiting,
    NoRequests,
    /// (milliseconds)
    Ms(u64),
    /// (revision)
    ResultPut(u64),
    /// (revision)
    ResultDeleted(u64),
    /// (revision)
    ResultNothingDeleted(u64),
    /// (key, value, mod revision)
    ResultGet(String, String, u64),
    /// (revision)
    ResultGetNone(u64),
    /// (keys, revision)
    RangeHead(usize, u64),
    /// The request was refused before it was sent.
    Failed(raft_sim::ClientError),
    /// The request failed (a result in the table).
    ResultError(raft_sim::ClientError),
    /// (revision the answer was read at, newest revision committed before
    /// the read began)
    StaleRead(u64, u64),
    /// (what was chosen)
    UnknownRequest(String),
    /// (what was chosen)
    UnknownMode(String),
    /// (what was chosen)
    TargetNotMember(String),
    KeyOnlySpaces,
    PrefixOnlySpaces,
    NoLeaderPickMember,
    NotAccepted,
    EnterWatchKey,
    Watch,
    WatchKeyLabel,
    PrefixBox,
    WatchButton,
    WatchOnNote,
    /// (watch id, member, key, prefix)
    WatchTitle(u64, u64, String, bool),
    Cancel,
    NoEventsYet,
    /// (revision, a delete, key, value)
    WatchEvent(u64, bool, String, String),
    EachStore,
    StoreGroup,
    StoreDown,
    EmptyStore,
    PickMember,
    ColKey,
    ColValue,
    ColModRev,
    ColVersion,

    // The logs panel.
    Logs,
    Applied,
    Committed,
    NotCommitted,
    SnapshotLegend,
    LogsNote,
    /// (last index on disk, commit)
    DownDisk(u64, u64),
    /// (index, term, what, its state)
    EntryTitle(u64, u64, String, Box<Key>),
    OlderNotShown,
    /// (snapshot index)
    SnapTitle(u64),
    /// (snapshot index)
    SnapBlock(u64),

    // The event log.
    EventLog,
    ShowEvents,
    CatElections,
    CatMessages,
    CatDrops,
    CatCommits,
    CatClients,
    CatMembership,
    CatFaults,
    FilterPlaceholder,
    FilterLabel,

    // Errors from the core.
    /// An action the cluster refused.
    Refused(raft_sim::ActionError),

    // The crash overlay (also said in both languages when the page's
    // language cannot be found).
    CrashTitle,
    CrashLabel,
    Reload,
    /// (the panic, seed, recent actions one a line)
    CrashReport(String, u64, String),

    // The pause-on controls (the moments' own names come from the core).
    /// Before the pause-on checkboxes.
    PauseOnLabel,
    /// Tooltip of a pause-on checkbox.
    PauseOnHelp,
    /// The clock paused by itself: (virtual time, what happened).
    PausedAt(String, String),
    // The lesson panel.
    /// The heading with no lesson open.
    Lessons,
    /// Under it.
    LessonsIntro,
    /// (step, steps), from 1.
    LessonStepOf(usize, usize),
    /// Before the task.
    LessonYourTask,
    /// After a task done.
    LessonTaskDone,
    /// Before the hint.
    LessonHint,
    /// Does the task for the learner.
    LessonDoItForMe,
    /// Lesson navigation.
    LessonNext,
    /// Lesson navigation.
    LessonBack,
    /// Lesson navigation.
    LessonRestart,
    /// Lesson navigation.
    LessonLeave,
    /// The list of lessons while one is open.
    LessonAll,
    /// The step's commands are under way.
    LessonWatching,
    /// The step waits for the learner.
    LessonWaiting,
    /// The step is done.
    LessonStepDone,
    /// The last step is done.
    LessonDone,
    /// The lesson stopped: (why).
    LessonFailed(String),

    // The header's link to the article (docs/index.html).
    ArticleLink,
    // Embedding (src/embed): notices about the element's options, and the
    // compact view's link.
    /// (the value given, the views' names)
    EmbedNoSuchView(String, String),
    /// (the words that name no control, the controls' names)
    EmbedNoSuchControl(String, String),
    OpenFull,
    OpenFullTitle,
    // Sharing a run.
    /// `run=` has no version number first.
    RunNoVersion,
    /// (the link's version, the page's)
    RunNewerVersion(u64, u64),
    /// (which entry, from 1)
    RunBadEntry(usize),
    /// (the entry where the replay went elsewhere, from 1)
    RunDiverged(usize),
    /// (most events a replay runs)
    RunTooLong(u64),
    Share,
    ShareTitle,
    ShareLinkLabel,
    ShareCopied,
    ShareCopyByHand,
    /// The page opened on the run saved in this browser.
    RestoredRun,

    // The KV as etcd counts (client panel).
    /// (keys deleted, revision)
    ResultDeletedCount(u64, u64),
    /// (the compares held, revision)
    ResultTxn(bool, u64),
    /// (revision)
    ResultCompacted(u64),
    /// (compacted revision)
    WatchCanceledAt(u64),
    WatchWaiting,
    /// (start revision)
    WatchFromRev(u64),
    /// (keys counted, revision): a count-only read.
    RangeCounted(u64, u64),
    // The etcdctl console.
    ConsoleTitle,
    // The real deployment.
    DeployTitle,
    DeployNote,
    /// (member id)
    DeployHost(u64),
    DeployTls,
    DeployFile,
    /// (member id)
    DeployFileConf(u64),
    DeployFileUnit,
    DeployFileCompose,
    DeployFileCommands,
    /// (what was typed)
    DeployBadHost(String),
    // History and session downloads.
    DownloadsTitle,
    DownloadsNote,
    DownloadJepsen,
    DownloadPorcupine,
    DownloadSession,
    ImportSession,
    /// (why)
    SessionImportFailed(String),
    /// (actions, virtual ms)
    SessionImported(u64, u64),
    /// What a txn's following lines are (shown while it is being read).
    ConsoleTxnHint,
    ConsoleNote,
    /// (member id)
    ConsoleServedBy(u64),
    ConsoleRun,
    ConsoleWaiting,
    ConsoleInput,
    ConsoleEmpty,
}

/// A key shows as its English words (a derived `Debug` would carry every
/// variant's name into the page's wasm).
impl std::fmt::Debug for Key {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Key({:?})", self.text(Lang::En))
    }
}

impl Key {
    /// The text in `lang`.
    pub fn text(&self, lang: Lang) -> String {
        match lang {
            Lang::En => en::text(self),
            Lang::Zh => zh::text(self),
        }
        .into_owned()
    }
}

/// Keys whose Chinese is the same as the English on purpose: names and
/// terms Chinese writers keep as they are.
pub const SAME_IN_BOTH: &[&str] = &[
    // A switch named by its raft-rs name in both languages.
    "CheckQuorumFlag",
    // Numbers and units only.
    "ReachOf",
    "Ms",
];

/// Whether `s` has a CJK ideograph.
pub fn has_cjk(s: &str) -> bool {
    s.chars()
        .any(|c| ('\u{4e00}'..='\u{9fff}').contains(&c) || ('\u{3400}'..='\u{4dbf}').contains(&c))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_key_is_said_in_both_languages() {
        for key in Key::samples() {
            let (en, zh) = (key.text(Lang::En), key.text(Lang::Zh));
            assert!(!en.trim().is_empty(), "{key:?} has no English");
            assert!(!zh.trim().is_empty(), "{key:?} has no Chinese");
            assert!(!has_cjk(&en), "{key:?}'s English has Chinese: {en}");
            if !SAME_IN_BOTH.contains(&key.name()) {
                assert!(has_cjk(&zh), "{key:?} is not translated: {zh}");
            }
        }
    }
}
