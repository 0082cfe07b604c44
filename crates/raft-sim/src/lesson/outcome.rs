//! What each command of a lesson found, kept for `raft-sim lesson` and the
//! page, and said in both languages.

use serde::{Deserialize, Serialize};

use crate::lang::Lang;

/// One command run and what it found.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Outcome {
    /// The step, from 0.
    pub step: usize,
    /// Source line.
    pub line: usize,
    /// Source text of the command (for a task, `until …`).
    pub text: String,
    /// Virtual time when it finished.
    pub time: u64,
    /// How many trace events there were then (the events up to here are
    /// what led to it).
    pub trace_len: u64,
    /// What it found.
    pub found: Found,
}

/// What a command found.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum Found {
    /// A `run` let this much virtual time pass.
    Ran {
        /// Milliseconds.
        ms: u64,
    },
    /// A `wait`'s condition came true (with what a watch saw, if any).
    Held {
        /// `": 3 events: …"` or empty.
        evidence: String,
    },
    /// An `assert` held.
    Holds {
        /// As for `Held`.
        evidence: String,
    },
    /// The task's `until` came true.
    TaskDone,
    /// Any other command, in the script runner's words (English).
    Did {
        /// E.g. "sent as op 3", "$old is n2".
        words: String,
    },
}

impl Outcome {
    /// In plain words.
    pub fn words(&self, lang: Lang) -> String {
        let t = self.time;
        match (&self.found, lang) {
            (Found::Ran { ms }, Lang::En) => format!("ran {ms} ms"),
            (Found::Ran { ms }, Lang::Zh) => format!("运行了 {ms} ms"),
            (Found::Held { evidence }, Lang::En) => format!("true at {t} ms{evidence}"),
            (Found::Held { evidence }, Lang::Zh) => format!("在 {t} ms 时成立{evidence}"),
            (Found::Holds { evidence }, Lang::En) => format!("holds{evidence}"),
            (Found::Holds { evidence }, Lang::Zh) => format!("成立{evidence}"),
            (Found::TaskDone, Lang::En) => format!("task done at {t} ms"),
            (Found::TaskDone, Lang::Zh) => format!("任务在 {t} ms 时完成"),
            (Found::Did { words }, Lang::En) => words.clone(),
            (Found::Did { words }, Lang::Zh) => Self::did_zh(words),
        }
    }

    /// The runner's few phrases in Chinese; anything else as it is.
    fn did_zh(words: &str) -> String {
        if words == "ok" {
            return "完成".into();
        }
        if let Some(op) = words.strip_prefix("sent as op ") {
            return format!("已发送，请求编号 {op}");
        }
        if let Some((name, id)) = words.strip_prefix('$').and_then(|w| w.split_once(" is ")) {
            return format!("${name} 记为 {id}");
        }
        words.to_string()
    }
}
