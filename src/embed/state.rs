//! `state()`: a plain snapshot of an instance for the embedder (and tests),
//! with the field names of the JS API.

use serde::Serialize;

use crate::i18n::Lang;
use crate::model::Sim;

/// One member.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct MemberState {
    /// Its id.
    pub id: u64,
    /// `leader`, `follower`, `candidate`, `pre-candidate`, `learner`,
    /// `down`, `removed` (as `data-role` in the drawing).
    pub role: &'static str,
    /// Its term.
    pub term: u64,
    /// Its commit index.
    pub commit: u64,
}

/// An instance as it is now.
#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct State {
    /// Virtual time, ms.
    pub virtual_ms: u64,
    /// The trace's hash (hex), as the root's `data-trace-hash`.
    pub trace_hash: String,
    /// The leader's id, if any.
    pub leader: Option<u64>,
    /// The highest term.
    pub term: u64,
    /// Whether time runs.
    pub playing: bool,
    /// Whether some voter reaches a quorum (writes can commit).
    pub quorum: bool,
    /// `en` or `zh`.
    pub lang: &'static str,
    /// The lesson open, if any.
    pub lesson: Option<String>,
    /// Its step, from 1.
    pub lesson_step: Option<usize>,
    /// The members, in id order.
    pub members: Vec<MemberState>,
}

/// The state of `sim`, speaking `lang`.
pub fn state(sim: &Sim, lang: Lang) -> State {
    let cluster = sim.cluster();
    // One log entry per member: the state needs none, and `view` wants one.
    let view = cluster.view(1);
    let lesson = sim.lesson().map(|g| g.view());
    State {
        virtual_ms: view.time,
        trace_hash: view.trace_hash.clone(),
        leader: view.leader,
        term: view.members.iter().map(|m| m.term).max().unwrap_or(0),
        playing: sim.playing(),
        quorum: view.quorum.available,
        lang: lang.code(),
        lesson_step: lesson.as_ref().map(|l| l.step + 1),
        lesson: lesson.map(|l| l.id),
        members: view
            .members
            .iter()
            .map(|m| MemberState {
                id: m.id,
                role: m.role.as_str(),
                term: m.term,
                commit: m.commit,
            })
            .collect(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::sim::tests::sim;

    #[test]
    fn the_state_names_its_fields_as_the_js_api_does() {
        let s = sim(3);
        let json = serde_json::to_value(state(&s, Lang::Zh)).unwrap();
        for key in [
            "virtualMs",
            "traceHash",
            "leader",
            "term",
            "playing",
            "quorum",
            "lang",
            "lesson",
            "lessonStep",
            "members",
        ] {
            assert!(json.get(key).is_some(), "{key} missing: {json}");
        }
        assert_eq!(json["lang"], "zh");
        assert_eq!(json["members"][0]["role"], "follower");
        assert_eq!(json["members"].as_array().unwrap().len(), 3);
    }
}
