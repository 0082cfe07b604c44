//! The events an instance sends its host, found by comparing each frame
//! drawn with the one before: a new leader (or none), the quorum lost or
//! regained, writes committed (one event per frame however many), a lesson
//! step reached.
//!
//! Sent as CustomEvents named `raft-leader-change`, `raft-quorum-lost`,
//! `raft-quorum-regained`, `raft-commit`, `raft-lesson-step`, bubbling and
//! composed (they leave the shadow root), with the fields below in
//! `detail`.

use serde::Serialize;

use crate::model::Frame;

/// Something the host may react to.
#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(untagged)]
pub enum Happened {
    /// `raft-leader-change`: the leader now (`null`: none) and its term.
    LeaderChange {
        /// The leader's id.
        leader: Option<u64>,
        /// The highest term.
        term: u64,
        /// Virtual time.
        #[serde(rename = "virtualMs")]
        virtual_ms: u64,
    },
    /// `raft-quorum-lost` / `raft-quorum-regained`.
    Quorum {
        /// Whether a quorum is available now.
        #[serde(skip)]
        available: bool,
        /// Virtual time.
        #[serde(rename = "virtualMs")]
        virtual_ms: u64,
    },
    /// `raft-commit`: the highest commit index now.
    Commit {
        /// The index.
        index: u64,
        /// Virtual time.
        #[serde(rename = "virtualMs")]
        virtual_ms: u64,
    },
    /// `raft-lesson-step`: the lesson and its step, from 1.
    LessonStep {
        /// The lesson's id.
        lesson: String,
        /// The step, from 1.
        step: usize,
    },
}

impl Happened {
    /// The CustomEvent's name.
    pub fn name(&self) -> &'static str {
        match self {
            Happened::LeaderChange { .. } => "raft-leader-change",
            Happened::Quorum {
                available: false, ..
            } => "raft-quorum-lost",
            Happened::Quorum { .. } => "raft-quorum-regained",
            Happened::Commit { .. } => "raft-commit",
            Happened::LessonStep { .. } => "raft-lesson-step",
        }
    }
}

/// What the last frame showed.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Watcher {
    seen: Option<Seen>,
}

#[derive(Clone, Debug, PartialEq)]
struct Seen {
    time: u64,
    leader: Option<u64>,
    quorum: bool,
    commit: u64,
    lesson: Option<(String, usize)>,
}

fn seen(frame: &Frame) -> Seen {
    let v = &frame.view;
    Seen {
        time: v.time,
        leader: v.leader,
        quorum: v.quorum.available,
        commit: v.members.iter().map(|m| m.commit).max().unwrap_or(0),
        lesson: frame.lesson.as_ref().map(|l| (l.id.clone(), l.step + 1)),
    }
}

/// Whether the entries in (`from`, `to`] that some member's log still
/// shows include a client's write (a leader's empty entry or a membership
/// change is not one).
fn writes_between(frame: &Frame, from: u64, to: u64) -> bool {
    frame.view.members.iter().any(|m| {
        m.log
            .iter()
            .any(|e| e.index > from && e.index <= to && e.op_id.is_some())
    })
}

impl Watcher {
    /// What changed since the last frame. The first frame only sets the
    /// scene (a new cluster, too: its clock went back), except for a
    /// lesson's first step, which is news.
    pub fn frame(&mut self, frame: &Frame) -> Vec<Happened> {
        let now = seen(frame);
        let before = self.seen.replace(now.clone());
        let virtual_ms = now.time;
        let Some(before) = before.filter(|b| b.time <= now.time) else {
            return now
                .lesson
                .map(|(lesson, step)| vec![Happened::LessonStep { lesson, step }])
                .unwrap_or_default();
        };
        let mut out = Vec::new();
        if now.leader != before.leader {
            out.push(Happened::LeaderChange {
                leader: now.leader,
                term: frame.view.members.iter().map(|m| m.term).max().unwrap_or(0),
                virtual_ms,
            });
        }
        if now.quorum != before.quorum {
            out.push(Happened::Quorum {
                available: now.quorum,
                virtual_ms,
            });
        }
        if now.commit > before.commit && writes_between(frame, before.commit, now.commit) {
            out.push(Happened::Commit {
                index: now.commit,
                virtual_ms,
            });
        }
        if now.lesson != before.lesson {
            if let Some((lesson, step)) = now.lesson {
                out.push(Happened::LessonStep { lesson, step });
            }
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::sim::tests::{run_until, sim};
    use crate::model::ErrorAt;
    use raft_sim::{Action, ClientOp, ReadMode};

    #[test]
    fn an_election_a_crash_and_a_write_are_news_once() {
        let mut s = sim(3);
        let mut w = Watcher::default();
        assert!(w.frame(&s.frame()).is_empty());
        run_until(&mut s, 10_000, |s| s.cluster().leader().is_some());
        let news = w.frame(&s.frame());
        let leader = s.cluster().leader().unwrap();
        assert!(
            matches!(news.as_slice(), [Happened::LeaderChange { leader: Some(l), .. }] if *l == leader),
            "{news:?}"
        );
        assert_eq!(news[0].name(), "raft-leader-change");
        // The leader's own empty entry committed, but no one wrote.
        s.advance(500);
        assert!(w.frame(&s.frame()).is_empty());
        let put = ClientOp::Put {
            key: "/a".into(),
            value: "1".into(),
        };
        s.client(leader, put, ReadMode::Linearizable).unwrap();
        s.advance(500);
        let news = w.frame(&s.frame());
        assert!(
            matches!(news.as_slice(), [Happened::Commit { .. }]),
            "{news:?}"
        );
        // Two of three down: the quorum is lost, and the leader goes.
        for n in (1..=3).filter(|&n| n != leader).take(2) {
            s.act(ErrorAt::Inspector, Action::Crash { node: n })
                .unwrap();
        }
        let news = w.frame(&s.frame());
        let names: Vec<_> = news.iter().map(Happened::name).collect();
        assert!(names.contains(&"raft-quorum-lost"), "{names:?}");
        let detail = serde_json::to_string(&news[news.len() - 1]).unwrap();
        assert!(detail.contains("virtualMs"), "{detail}");
    }

    #[test]
    fn a_lesson_step_is_news() {
        let mut s = sim(3);
        let mut w = Watcher::default();
        w.frame(&s.frame());
        s.open_lesson("quorum").unwrap();
        let news = w.frame(&s.frame());
        assert!(
            news.contains(&Happened::LessonStep {
                lesson: "quorum".into(),
                step: 1
            }),
            "{news:?}"
        );
    }
}
