//! The built-in lessons: files in `crates/raft-sim/lessons/<id>.txt`,
//! compiled in so that the page and the CLI carry them.

use super::{parse, Lesson};

/// Every lesson id, in the order the lesson list shows them. A lesson file
/// must use one of these (its file name is its id).
pub const IDS: [&str; 10] = [
    "elections",
    "replication",
    "quorum",
    "split-brain",
    "two-leaders",
    "kubernetes",
    "membership",
    "snapshots",
    "deployment",
    "prevote",
];

/// The lesson files present, by id (a test checks this against the
/// folder). Their order does not matter: [`all`] follows [`IDS`].
const FILES: &[(&str, &str)] = &[
    ("elections", include_str!("../../lessons/elections.txt")),
    ("replication", include_str!("../../lessons/replication.txt")),
    ("quorum", include_str!("../../lessons/quorum.txt")),
    ("split-brain", include_str!("../../lessons/split-brain.txt")),
    ("two-leaders", include_str!("../../lessons/two-leaders.txt")),
    ("kubernetes", include_str!("../../lessons/kubernetes.txt")),
    ("membership", include_str!("../../lessons/membership.txt")),
    ("snapshots", include_str!("../../lessons/snapshots.txt")),
    ("deployment", include_str!("../../lessons/deployment.txt")),
    ("prevote", include_str!("../../lessons/prevote.txt")),
];

/// The source text of a built-in lesson.
pub fn source(id: &str) -> Option<&'static str> {
    FILES.iter().find(|(i, _)| *i == id).map(|(_, s)| *s)
}

/// Every built-in lesson, in list order. A built-in lesson that does not
/// parse is a bug the tests catch, so this panics naming it.
pub fn all() -> Vec<Lesson> {
    IDS.iter().filter_map(|id| find(id)).collect()
}

/// The built-in lesson with this id.
pub fn find(id: &str) -> Option<Lesson> {
    let src = source(id)?;
    let lesson = parse(src).unwrap_or_else(|e| panic!("lessons/{id}.txt: {e}"));
    assert_eq!(lesson.id, id, "lessons/{id}.txt names another lesson");
    Some(lesson)
}

/// The ids of the built-in lessons present, in list order.
pub fn ids() -> impl Iterator<Item = &'static str> {
    IDS.into_iter().filter(|id| source(id).is_some())
}
