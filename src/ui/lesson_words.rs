//! The words of the pause controls and the lesson panel, in English and
//! Chinese, in one place until they move into the page's tables
//! (`src/i18n/`): one variant per sentence, one `match` per language.

use raft_sim::Lang;

/// Something the pause controls or the lesson panel say.
#[derive(Clone, Debug, PartialEq)]
pub enum Say {
    /// Before the pause-on checkboxes.
    PauseOn,
    /// Tooltip of a pause-on checkbox.
    PauseOnHelp,
    /// The clock paused by itself: (virtual time, what happened).
    PausedAt(String, String),
    /// The lesson panel's heading with no lesson open.
    Lessons,
    /// Under it.
    LessonsIntro,
    /// (step, steps), from 1.
    StepOf(usize, usize),
    /// Before the task.
    YourTask,
    /// After a task done.
    TaskDone,
    /// Before the hint.
    Hint,
    /// Does the task for the learner.
    DoItForMe,
    /// Lesson navigation.
    Next,
    /// Lesson navigation.
    Back,
    /// Lesson navigation.
    Restart,
    /// Lesson navigation.
    Leave,
    /// The list of lessons while one is open.
    AllLessons,
    /// The step's commands are under way.
    Watching,
    /// The step waits for the learner.
    WaitingForYou,
    /// The step is done.
    StepDone,
    /// The last step is done.
    LessonDone,
    /// The lesson stopped: (why).
    LessonFailed(String),
}

impl Say {
    /// The text in `lang`.
    pub fn text(&self, lang: Lang) -> String {
        match lang {
            Lang::En => match self {
                Say::PauseOn => "pause on:".into(),
                Say::PauseOnHelp => "Stop the clock right after this happens".into(),
                Say::PausedAt(t, what) => format!("Paused at {t}: {what}"),
                Say::Lessons => "Lessons".into(),
                Say::LessonsIntro => {
                    "Guided lessons on a live cluster, step by step: watch, then do.".into()
                }
                Say::StepOf(k, n) => format!("Step {k} of {n}"),
                Say::YourTask => "Your task: ".into(),
                Say::TaskDone => "done".into(),
                Say::Hint => "Hint: ".into(),
                Say::DoItForMe => "Do it for me".into(),
                Say::Next => "Next".into(),
                Say::Back => "Back".into(),
                Say::Restart => "Restart".into(),
                Say::Leave => "Leave lesson".into(),
                Say::AllLessons => "All lessons".into(),
                Say::Watching => "Watch the cluster…".into(),
                Say::WaitingForYou => "Waiting for you.".into(),
                Say::StepDone => "Step done: press Next.".into(),
                Say::LessonDone => "Lesson complete.".into(),
                Say::LessonFailed(why) => format!("The lesson stopped: {why}"),
            },
            Lang::Zh => match self {
                Say::PauseOn => "暂停于：".into(),
                Say::PauseOnHelp => "发生时立即暂停时钟".into(),
                Say::PausedAt(t, what) => format!("已在 {t} 暂停：{what}"),
                Say::Lessons => "课程".into(),
                Say::LessonsIntro => "在一个真实运行的集群上一步步学习：先观察，再动手。".into(),
                Say::StepOf(k, n) => format!("第 {k} 步，共 {n} 步"),
                Say::YourTask => "你的任务：".into(),
                Say::TaskDone => "已完成".into(),
                Say::Hint => "提示：".into(),
                Say::DoItForMe => "替我完成".into(),
                Say::Next => "下一步".into(),
                Say::Back => "上一步".into(),
                Say::Restart => "重新开始".into(),
                Say::Leave => "退出课程".into(),
                Say::AllLessons => "全部课程".into(),
                Say::Watching => "请观察集群……".into(),
                Say::WaitingForYou => "等你动手。".into(),
                Say::StepDone => "本步完成：请点“下一步”。".into(),
                Say::LessonDone => "课程完成。".into(),
                Say::LessonFailed(why) => format!("课程中断：{why}"),
            },
        }
    }
}
