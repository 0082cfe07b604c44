//! Reading a lesson: the header, then `step` blocks of narration, pause-on
//! moments, script commands and at most one task. Commands and conditions
//! are the script's own ([`crate::scenario`]); every error names its line
//! and column.

use crate::cluster::ClusterConfig;
use crate::lang::{Lang, Text};
use crate::pause::PauseOn;
use crate::scenario::commands::parse_command;
use crate::scenario::conditions::parse_cond;
use crate::scenario::parse::{duration_tok, parse_cluster, tokenize, Line};
use crate::scenario::{Command, Cond, ScriptError, Step};

use super::{Item, Lesson, LessonStep, Task, DEFAULT_HINT_AFTER_MS, IDS};

/// Parses a lesson.
pub fn parse(src: &str) -> Result<Lesson, ScriptError> {
    let mut p = Parser::default();
    for (i, raw) in src.lines().enumerate() {
        p.line(i + 1, raw)?;
    }
    p.finish()
}

/// Words that start a line of text in one language (`say en: …`).
const TEXT_WORDS: [&str; 4] = ["say", "title", "task", "hint"];

#[derive(Default)]
struct Parser {
    about: Vec<String>,
    /// Set by the first line that is not a comment.
    started: bool,
    id: Option<String>,
    title: Texts,
    config: Option<ClusterConfig>,
    steps: Vec<LessonStep>,
    step: Option<StepDraft>,
}

/// Text being gathered in both languages, each from one or more lines.
#[derive(Default)]
struct Texts {
    en: Option<String>,
    zh: Option<String>,
}

impl Texts {
    fn add(&mut self, lang: Lang, text: &str) {
        let slot = match lang {
            Lang::En => &mut self.en,
            Lang::Zh => &mut self.zh,
        };
        match slot {
            Some(s) => {
                // Chinese runs on without spaces between sentences.
                if lang == Lang::En {
                    s.push(' ');
                }
                s.push_str(text);
            }
            None => *slot = Some(text.to_string()),
        }
    }

    fn is_empty(&self) -> bool {
        self.en.is_none() && self.zh.is_none()
    }

    /// Both languages, or an error naming the missing one.
    fn both(self, at: (usize, usize), word: &str) -> Result<Text, ScriptError> {
        match (self.en, self.zh) {
            (Some(en), Some(zh)) => Ok(Text { en, zh }),
            (None, _) => Err(err(at, format!("'{word} en:' is missing (English text)"))),
            (_, None) => Err(err(at, format!("'{word} zh:' is missing (Chinese text)"))),
        }
    }
}

struct StepDraft {
    line: usize,
    column: usize,
    say: Texts,
    pause_on: Vec<PauseOn>,
    items: Vec<Item>,
    task: Option<TaskDraft>,
    /// Where the task goes among the items.
    task_at: usize,
    /// A command came after the task: the task's own lines are over.
    past_task: bool,
}

struct TaskDraft {
    line: usize,
    column: usize,
    text: Texts,
    until: Option<(Cond, String, usize, usize)>,
    hint: Texts,
    hint_at: (usize, usize),
    hint_after: Option<(u64, usize, usize)>,
    solve: Vec<Step>,
}

fn err(at: (usize, usize), message: impl Into<String>) -> ScriptError {
    ScriptError {
        line: at.0,
        column: at.1,
        message: message.into(),
    }
}

/// The line without a trailing comment. In text lines a comment starts
/// at `#` after a space and before a space or the end (`say en: … # note`),
/// so that `#` inside prose (`C#`, `#5`) stays.
fn strip_text_comment(text: &str) -> &str {
    let bytes = text.as_bytes();
    for (i, &b) in bytes.iter().enumerate() {
        if b == b'#'
            && i > 0
            && bytes[i - 1].is_ascii_whitespace()
            && bytes.get(i + 1).is_none_or(|c| c.is_ascii_whitespace())
        {
            return text[..i].trim_end();
        }
    }
    text
}

/// The source text of a command line without its comment, for reports.
fn code_text(line: &Line, raw: &str) -> String {
    let start = line.toks.first().map_or(0, |t| t.col - 1);
    let end = raw
        .char_indices()
        .scan(false, |quoted, (i, c)| {
            if c == '"' {
                *quoted = !*quoted;
            }
            Some((i, c, *quoted))
        })
        .find(|&(_, c, quoted)| c == '#' && !quoted)
        .map_or(raw.len(), |(i, _, _)| i);
    let byte_start = raw.char_indices().nth(start).map_or(raw.len(), |(i, _)| i);
    raw[byte_start.min(end)..end].trim().to_string()
}

/// Commands that let virtual time pass: in a lesson only the step itself
/// may run them (the page paces them), never `solve` or `expect-error`.
fn lets_time_pass(c: &Command) -> bool {
    match c {
        Command::Run(_) | Command::Wait(..) | Command::HoldMsg(..) => true,
        Command::ExpectError(inner) => lets_time_pass(inner),
        _ => false,
    }
}

impl Parser {
    fn line(&mut self, no: usize, raw: &str) -> Result<(), ScriptError> {
        let trimmed = raw.trim();
        if trimmed.is_empty() {
            return Ok(());
        }
        let indent = raw.chars().take_while(|c| c.is_whitespace()).count();
        let col = indent + 1;
        if let Some(c) = trimmed.strip_prefix('#') {
            if !self.started {
                self.about.push(c.trim().to_string());
            }
            return Ok(());
        }
        self.started = true;
        let word = trimmed.split_whitespace().next().unwrap_or("");
        if TEXT_WORDS.contains(&word) {
            let rest = trimmed[word.len()..].trim_start();
            let rest_col = col + trimmed.chars().count() - rest.chars().count();
            let (lang, text) = if let Some(t) = rest.strip_prefix("en:") {
                (Lang::En, t)
            } else if let Some(t) = rest.strip_prefix("zh:") {
                (Lang::Zh, t)
            } else {
                return Err(err(
                    (no, rest_col),
                    format!("expected '{word} en: text' or '{word} zh: text'"),
                ));
            };
            let text = strip_text_comment(text.trim());
            if text.is_empty() {
                return Err(err(
                    (no, rest_col + 3),
                    format!("'{word} {}:' has no text", lang.code()),
                ));
            }
            return self.text_line((no, col), word, lang, text);
        }
        let line = tokenize(no, raw)?;
        let Some(first) = line.toks.first() else {
            return Ok(());
        };
        let at = (no, first.col);
        match first.text {
            "lesson" => {
                self.header_only(at, "lesson")?;
                if self.id.is_some() {
                    return Err(err(at, "'lesson' may appear only once"));
                }
                let id = line.tok(1, "a lesson id")?;
                line.no_more(2)?;
                if !IDS.contains(&id.text) {
                    return Err(line.err(
                        id.col,
                        format!(
                            "unknown lesson id '{}' (known: {})",
                            id.text,
                            IDS.join(", ")
                        ),
                    ));
                }
                self.id = Some(id.text.to_string());
            }
            "cluster" => {
                self.header_only(at, "cluster")?;
                if self.config.is_some() {
                    return Err(err(at, "'cluster' may appear only once"));
                }
                self.config = Some(parse_cluster(&line)?);
            }
            "step" => {
                line.no_more(1)?;
                self.close_step()?;
                if self.steps.is_empty() {
                    self.check_header(at)?;
                }
                self.step = Some(StepDraft {
                    line: no,
                    column: first.col,
                    say: Texts::default(),
                    pause_on: Vec::new(),
                    items: Vec::new(),
                    task: None,
                    task_at: 0,
                    past_task: false,
                });
            }
            "pause-on" => {
                let step = self.in_step(at, "pause-on")?;
                let w = line.tok(1, "a moment to pause on")?;
                line.no_more(2)?;
                let p = PauseOn::parse(w.text).ok_or_else(|| {
                    let words: Vec<&str> = PauseOn::ALL.iter().map(|p| p.word()).collect();
                    line.err(
                        w.col,
                        format!("unknown moment '{}' (pause-on {})", w.text, words.join("|")),
                    )
                })?;
                if !step.pause_on.contains(&p) {
                    step.pause_on.push(p);
                }
            }
            "until" => {
                let task = self.in_task(at, "until")?;
                if task.until.is_some() {
                    return Err(err(at, "a task has one 'until'"));
                }
                let (cond, next) = parse_cond(&line, 1).map_err(|mut e| {
                    e.message = format!("{} (usage: until CONDITION)", e.message);
                    e
                })?;
                line.no_more(next)?;
                let text = code_text(&line, raw);
                let text = text["until".len()..].trim().to_string();
                task.until = Some((cond, text, no, first.col));
            }
            "hint-after" => {
                let task = self.in_task(at, "hint-after")?;
                let ms = duration_tok(&line, line.tok(1, "a duration like 20s")?, "hint-after")?;
                line.no_more(2)?;
                task.hint_after = Some((ms, no, first.col));
            }
            "solve" => {
                let task = self.in_task(at, "solve")?;
                let inner = line.tail();
                if inner.toks.is_empty() {
                    return Err(line.err(line.end_col, "expected a command (usage: solve COMMAND)"));
                }
                let command = parse_command(&inner)?;
                if lets_time_pass(&command) {
                    return Err(line.err(
                        inner.toks[0].col,
                        format!(
                            "solve does what the learner does, which takes no time: '{}' lets time pass",
                            inner.toks[0].text
                        ),
                    ));
                }
                let text = code_text(&inner, raw);
                task.solve.push(Step {
                    line: no,
                    text,
                    command,
                    say_en: None,
                    say_zh: None,
                });
            }
            _ => {
                let command = parse_command(&line)?;
                if let Command::ExpectError(inner) = &command {
                    if lets_time_pass(inner) {
                        return Err(err(
                            at,
                            "in a lesson, expect-error takes a command that takes no time",
                        ));
                    }
                }
                let step = self.in_step(at, "a command")?;
                if step.task.is_some() {
                    step.past_task = true;
                }
                step.items.push(Item::Command {
                    step: Step {
                        line: no,
                        text: code_text(&line, raw),
                        command,
                        say_en: None,
                        say_zh: None,
                    },
                    column: first.col,
                });
            }
        }
        Ok(())
    }

    fn text_line(
        &mut self,
        at: (usize, usize),
        word: &str,
        lang: Lang,
        text: &str,
    ) -> Result<(), ScriptError> {
        match word {
            "title" => {
                self.header_only(at, "title")?;
                self.title.add(lang, text);
            }
            "say" => self.in_step(at, "say")?.say.add(lang, text),
            "task" => {
                let step = self.in_step(at, "task")?;
                if step.past_task {
                    return Err(err(
                        at,
                        "a step has at most one task, and its lines go together",
                    ));
                }
                let at_item = step.items.len();
                let task = step.task.get_or_insert_with(|| TaskDraft {
                    line: at.0,
                    column: at.1,
                    text: Texts::default(),
                    until: None,
                    hint: Texts::default(),
                    hint_at: at,
                    hint_after: None,
                    solve: Vec::new(),
                });
                if task.text.is_empty() {
                    step.task_at = at_item;
                }
                task.text.add(lang, text);
            }
            _ => {
                let task = self.in_task(at, "hint")?;
                if task.hint.is_empty() {
                    task.hint_at = at;
                }
                task.hint.add(lang, text);
            }
        }
        Ok(())
    }

    fn header_only(&self, at: (usize, usize), what: &str) -> Result<(), ScriptError> {
        if self.step.is_some() {
            return Err(err(
                at,
                format!("'{what}' belongs to the header, before the first 'step'"),
            ));
        }
        Ok(())
    }

    fn in_step(&mut self, at: (usize, usize), what: &str) -> Result<&mut StepDraft, ScriptError> {
        self.step.as_mut().ok_or_else(|| {
            err(
                at,
                format!("{what} belongs inside a step: start one with 'step'"),
            )
        })
    }

    fn in_task(&mut self, at: (usize, usize), what: &str) -> Result<&mut TaskDraft, ScriptError> {
        let step = self.in_step(at, what)?;
        if step.past_task {
            return Err(err(
                at,
                format!("'{what}' belongs to the task, whose lines go together before the commands that follow it"),
            ));
        }
        step.task
            .as_mut()
            .ok_or_else(|| err(at, format!("'{what}' needs a task above it ('task en: …')")))
    }

    fn check_header(&self, at: (usize, usize)) -> Result<(), ScriptError> {
        if self.id.is_none() {
            return Err(err(at, "a lesson starts with 'lesson ID'"));
        }
        if self.title.en.is_none() || self.title.zh.is_none() {
            return Err(err(
                at,
                "a lesson needs 'title en:' and 'title zh:' before its first step",
            ));
        }
        if self.config.is_none() {
            return Err(err(
                at,
                "a lesson needs a 'cluster' line before its first step",
            ));
        }
        Ok(())
    }

    fn close_step(&mut self) -> Result<(), ScriptError> {
        let Some(d) = self.step.take() else {
            return Ok(());
        };
        let at = (d.line, d.column);
        let say = d.say.both(at, "say").map_err(|mut e| {
            e.message = format!(
                "this step has no narration in both languages: {}",
                e.message
            );
            e
        })?;
        let mut items = d.items;
        if let Some(t) = d.task {
            let task_at = (t.line, t.column);
            let text = t.text.both(task_at, "task")?;
            let (until, until_text, until_line, until_column) = t.until.ok_or_else(|| {
                err(
                    task_at,
                    "a task needs 'until CONDITION' (how the lesson notices it is done)",
                )
            })?;
            if t.solve.is_empty() {
                return Err(err(
                    task_at,
                    "a task needs 'solve COMMAND' (what the tests and raft-sim lesson do for the learner)",
                ));
            }
            let hint = if t.hint.is_empty() {
                if let Some((_, l, c)) = t.hint_after {
                    return Err(err((l, c), "'hint-after' needs a hint ('hint en: …')"));
                }
                None
            } else {
                Some(t.hint.both(t.hint_at, "hint")?)
            };
            items.insert(
                d.task_at,
                Item::Task(Task {
                    line: t.line,
                    column: t.column,
                    text,
                    until,
                    until_text,
                    until_line,
                    until_column,
                    hint,
                    hint_after_ms: t.hint_after.map_or(DEFAULT_HINT_AFTER_MS, |h| h.0),
                    solve: t.solve,
                }),
            );
        }
        self.steps.push(LessonStep {
            line: d.line,
            say,
            pause_on: d.pause_on,
            items,
        });
        Ok(())
    }

    fn finish(mut self) -> Result<Lesson, ScriptError> {
        self.close_step()?;
        let end = (1, 1);
        if self.steps.is_empty() {
            self.check_header(end)?;
            return Err(err(end, "a lesson needs at least one 'step'"));
        }
        Ok(Lesson {
            id: self.id.expect("checked at the first step"),
            title: self.title.both(end, "title")?,
            about: self.about.join(" ").trim().to_string(),
            config: self.config.expect("checked at the first step"),
            steps: self.steps,
        })
    }
}
