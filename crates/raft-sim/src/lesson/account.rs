//! A lesson told in text, as `raft-sim lesson ID` prints it: the title,
//! then for each step its narration, the task and hint, and what each
//! command found, with the story events (elections, votes, refusals,
//! commits, faults, requests) that led to it, in the lesson's language.

use crate::lang::Lang;
use crate::network::DropReason;
use crate::scenario::story_event;
use crate::trace::EventKind;

use super::run::{LessonRun, Poll};
use super::{Item, Lesson};

/// Runs a lesson natively and tells it in `lang`. Returns the text and
/// whether the lesson reached its end.
pub fn account(lesson: Lesson, lang: Lang) -> Result<(String, bool), String> {
    let zh = lang == Lang::Zh;
    let mut out = String::new();
    out.push_str(&format!("{} — {}\n", lesson.id, lesson.title.get(lang)));
    let c = &lesson.config;
    out.push_str(&if zh {
        format!("（{} 个成员，种子 {}）\n", c.members, c.seed)
    } else {
        format!("({} members, seed {})\n", c.members, c.seed)
    });
    let steps = lesson.steps.len();
    let mut run = LessonRun::new(lesson)?;
    loop {
        let first = run.outcomes().len();
        let trace_from = run.checkpoint().trace_len;
        let end = run.drive_step();
        tell_step(&run, lang, steps, first, trace_from, &mut out);
        match end {
            Poll::StepDone => {
                run.next_step();
            }
            Poll::LessonDone => {
                out.push_str(if zh {
                    "\n课程完成。\n"
                } else {
                    "\nLesson complete.\n"
                });
                return Ok((out, true));
            }
            Poll::Failed(f) => {
                out.push_str(&if zh {
                    format!(
                        "\n失败于第 {} 行第 {} 列：{}\n",
                        f.line, f.column, f.message
                    )
                } else {
                    format!("\nFAILED at line {}:{}: {}\n", f.line, f.column, f.message)
                });
                return Ok((out, false));
            }
            other => unreachable!("drive_step ends a step, not at {other:?}"),
        }
    }
}

fn tell_step(
    run: &LessonRun,
    lang: Lang,
    steps: usize,
    first: usize,
    mut trace_from: u64,
    out: &mut String,
) {
    let zh = lang == Lang::Zh;
    let step = run.step();
    let n = run.step_index() + 1;
    out.push_str(&if zh {
        format!("\n第 {n}/{steps} 步\n")
    } else {
        format!("\nStep {n}/{steps}\n")
    });
    out.push_str(&format!("  {}\n", run.say(lang)));
    for p in &step.pause_on {
        out.push_str(&if zh {
            format!("  [暂停于：{}]\n", p.label(lang))
        } else {
            format!("  [pauses on: {}]\n", p.label(lang))
        });
    }
    let task = step.items.iter().find_map(|i| match i {
        Item::Task(t) => Some(t),
        Item::Command { .. } => None,
    });
    let mut task_told = false;
    let trace = run.cluster().trace();
    for o in &run.outcomes()[first..] {
        if let Some(t) = task.filter(|t| !task_told && o.line >= t.line) {
            task_told = true;
            out.push_str(&if zh {
                format!("  任务：{}\n", run.text(&t.text, lang))
            } else {
                format!("  Task: {}\n", run.text(&t.text, lang))
            });
            if let Some(h) = &t.hint {
                let s = t.hint_after_ms / 1000;
                out.push_str(&if zh {
                    format!("  提示（{s} 秒后）：{}\n", run.text(h, lang))
                } else {
                    format!("  Hint (after {s} s): {}\n", run.text(h, lang))
                });
            }
        }
        for e in trace.since(trace_from).take_while(|e| e.seq < o.trace_len) {
            if told(&e.kind) {
                out.push_str(&format!(
                    "      {:>6} ms  {}\n",
                    e.time,
                    e.describe_in(lang)
                ));
            }
        }
        trace_from = trace_from.max(o.trace_len);
        out.push_str(&format!("  > {:<40} {}\n", o.text, o.words(lang)));
    }
    // A failed command has no outcome: show what happened while it waited,
    // the latest events if there were many.
    if run.failure().is_some() {
        let story: Vec<_> = trace.since(trace_from).filter(|e| told(&e.kind)).collect();
        for e in &story[story.len().saturating_sub(FAILURE_EVENTS)..] {
            out.push_str(&format!(
                "      {:>6} ms  {}\n",
                e.time,
                e.describe_in(lang)
            ));
        }
    }
}

/// Whether an account tells an event: the scripts' story, without the
/// messages lost to a cut link or a member that is down, which the fault
/// itself already says (a partition loses hundreds of them).
fn told(kind: &EventKind) -> bool {
    story_event(kind)
        && !matches!(
            kind,
            EventKind::MessageDropped {
                reason: DropReason::Partition | DropReason::TargetDown,
                ..
            }
        )
}

/// How many events before a failure the account shows.
const FAILURE_EVENTS: usize = 30;
