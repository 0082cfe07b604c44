//! The lesson panel: the list of lessons (each entry `data-lesson="ID"`),
//! and the lesson under way: its title, the step's narration and task in
//! the page's language, the hint after its wall time, progress, and next,
//! back, restart. The panel carries `data-lesson-step` (the step, from 1;
//! empty with no lesson), `data-lesson-open` (the lesson's id) and
//! `data-lesson-state` (`running`, `task`, `step-done`, `lesson-done`,
//! `failed`) for tests and embedders.

use gloo_timers::callback::Timeout;
use raft_sim::{Lang, Text};
use yew::prelude::*;

use super::controls::ControlsProps;
use crate::i18n::Key;
use crate::model::lesson::{catalog, LessonCmd, LessonState, LessonView, TaskView};
use crate::model::Cmd;

fn state_word(s: &LessonState) -> &'static str {
    match s {
        LessonState::Running => "running",
        LessonState::Task => "task",
        LessonState::StepDone => "step-done",
        LessonState::LessonDone => "lesson-done",
        LessonState::Failed(_) => "failed",
    }
}

/// The list of lessons, each a button that opens it.
fn lesson_list(
    lessons: &[(String, Text)],
    open: Option<&str>,
    lang: Lang,
    dispatch: &Callback<Cmd>,
) -> Html {
    html! {
        <ol class="lesson-list">
            { for lessons.iter().map(|(id, title)| {
                let onclick = {
                    let id = id.clone();
                    dispatch.reform(move |_: MouseEvent| Cmd::Lesson(LessonCmd::Open(id.clone())))
                };
                let current = (open == Some(id.as_str())).then_some("step");
                html! {
                    <li><button type="button" class="lesson-entry" data-lesson={id.clone()}
                        aria-current={current} {onclick}>{ title.get(lang) }</button></li>
                }
            }) }
        </ol>
    }
}

/// The step's task, with its hint once `hint_shown`.
fn task_box(task: &TaskView, hint_shown: bool, lang: Lang, dispatch: &Callback<Cmd>) -> Html {
    let solve = dispatch.reform(|_: MouseEvent| Cmd::Lesson(LessonCmd::Solve));
    html! {
        <div class={classes!("task", task.done.then_some("done"))} data-task-done={task.done.to_string()}>
            <p><strong>{ Key::LessonYourTask.text(lang) }</strong>{ task.text.get(lang) }
                if task.done { <span class="done-mark">{ " ✓ " }{ Key::LessonTaskDone.text(lang) }</span> }
            </p>
            if !task.done && hint_shown {
                if let Some(h) = &task.hint {
                    <p class="hint"><strong>{ Key::LessonHint.text(lang) }</strong>{ h.get(lang) }</p>
                }
            }
            if task.solvable {
                <button type="button" class="small solve" onclick={solve}>{ Key::LessonDoItForMe.text(lang) }</button>
            }
        </div>
    }
}

fn state_line(state: &LessonState, lang: Lang) -> Html {
    let text = match state {
        LessonState::Running => Key::LessonWatching,
        LessonState::Task => Key::LessonWaiting,
        LessonState::StepDone => Key::LessonStepDone,
        LessonState::LessonDone => Key::LessonDone,
        LessonState::Failed(why) => Key::LessonFailed(why.clone()),
    };
    let class = classes!(
        "lesson-state",
        matches!(state, LessonState::Failed(_)).then_some("error")
    );
    html! { <p {class} role="status">{ text.text(lang) }</p> }
}

fn open_lesson(l: &LessonView, hint_shown: bool, lang: Lang, d: &Callback<Cmd>) -> Html {
    let cmd = |c: LessonCmd| d.reform(move |_: MouseEvent| Cmd::Lesson(c.clone()));
    let next_ready = l.state == LessonState::StepDone;
    html! {
        <>
            <h2 id="lesson-h">{ l.title.get(lang) }</h2>
            <p class="progress-line">
                <span>{ Key::LessonStepOf(l.step + 1, l.steps).text(lang) }</span>
                <progress max={l.steps.to_string()} value={(l.step + 1).to_string()} aria-hidden="true" />
            </p>
            <p class="say">{ l.say.get(lang) }</p>
            if let Some(task) = &l.task { { task_box(task, hint_shown, lang, d) } }
            { state_line(&l.state, lang) }
            <div class="lesson-nav">
                <button type="button" onclick={cmd(LessonCmd::Back)}>{ Key::LessonBack.text(lang) }</button>
                <button type="button" class={classes!(next_ready.then_some("primary"))}
                    disabled={!next_ready} onclick={cmd(LessonCmd::Next)}>{ Key::LessonNext.text(lang) }</button>
                <button type="button" onclick={cmd(LessonCmd::Restart)}>{ Key::LessonRestart.text(lang) }</button>
                <button type="button" class="small" onclick={cmd(LessonCmd::Leave)}>{ Key::LessonLeave.text(lang) }</button>
            </div>
        </>
    }
}

/// The lesson panel.
#[component]
pub fn LessonPanel(props: &ControlsProps) -> Html {
    let lang = super::use_lang();
    let lessons = use_memo((), |_| catalog());
    let lesson = props.frame.lesson.as_ref();
    // The hint shows after its wall time, counted from when the step's
    // task first shows (paused or not: the learner is the one who waits).
    let hint_shown = use_state(|| false);
    let hint_key = lesson.and_then(|l| {
        let t = l.task.as_ref().filter(|t| !t.done && t.hint.is_some())?;
        Some((l.id.clone(), l.step, t.hint_after_ms))
    });
    {
        let hint_shown = hint_shown.clone();
        use_effect_with(hint_key, move |key| {
            hint_shown.set(false);
            let timer = key.as_ref().map(|(_, _, ms)| {
                let ms = u32::try_from(*ms).unwrap_or(u32::MAX);
                Timeout::new(ms, move || hint_shown.set(true))
            });
            move || drop(timer)
        });
    }
    let step = lesson.map(|l| (l.step + 1).to_string()).unwrap_or_default();
    let d = &props.dispatch;
    html! {
        <section class="panel lesson" aria-labelledby="lesson-h" data-lesson-step={step}
            data-lesson-open={lesson.map(|l| l.id.clone()).unwrap_or_default()}
            data-lesson-state={lesson.map(|l| state_word(&l.state)).unwrap_or_default()}>
            if let Some(l) = lesson {
                { open_lesson(l, *hint_shown, lang, d) }
                <details class="all-lessons">
                    <summary>{ Key::LessonAll.text(lang) }</summary>
                    { lesson_list(&lessons, Some(&l.id), lang, d) }
                </details>
            } else {
                <h2 id="lesson-h">{ Key::Lessons.text(lang) }</h2>
                <p class="note">{ Key::LessonsIntro.text(lang) }</p>
                { lesson_list(&lessons, None, lang, d) }
            }
        </section>
    }
}
