//! What the components ask for ([`Cmd`]), where an error belongs
//! ([`ErrorAt`]), and [`run`], which carries a command out on the [`Sim`].
//! The root component only passes commands through, so this is tested
//! natively like the rest of the model.

use raft_sim::{Action, ClientOp, MemberChange, NodeId, PauseOn, ReadMode};

use super::lesson::{run_lesson_cmd, LessonCmd};
use super::partition::Preset;
use super::settings::{parse_traffic, PageSettings};
use super::sim::Sim;
use crate::i18n::Key;

/// Where an error belongs on the page, so it is shown next to the control
/// that caused it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ErrorAt {
    /// The member, link or message inspector.
    Inspector,
    /// The partition editor.
    Partition,
    /// The client form.
    Client,
    /// The watch form.
    Watch,
    /// The settings form.
    Settings,
    /// The traffic rate.
    Traffic,
    /// Membership buttons.
    Membership,
    /// The session import.
    Session,
}

/// Where a request goes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Target {
    /// Whoever leads when the command runs. The panels show a frame up to
    /// 100 ms old, so "the leader" is looked up in the live cluster, not in
    /// the panel's frame.
    Leader,
    /// This member.
    Member(NodeId),
}

/// What the components ask the root to do.
#[derive(Clone, Debug, PartialEq)]
pub enum Cmd {
    /// Apply an action; an error shows at the given panel.
    Act(ErrorAt, Action),
    /// A client request from the client panel.
    Client(Target, ClientOp, ReadMode),
    /// Watch a key (or a prefix) on a member.
    Watch(Target, String, bool),
    /// A form error found before anything was sent.
    Reject(ErrorAt, Key),
    /// Forget the error shown.
    ClearError,
    /// Hide the notice above the page.
    DismissNotice,
    /// Apply a partition preset.
    Preset(Preset),
    /// Play or pause.
    Play(bool),
    /// Run one event.
    Step,
    /// Pause, or stop pausing, on a moment.
    PauseOn(PauseOn, bool),
    /// Something the lesson panel asks for.
    Lesson(LessonCmd),
    /// Set the speed.
    Speed(f64),
    /// Traffic generator rate as typed (writes per virtual second, 0: off).
    Traffic(String),
    /// Forget the error shown, if it is at this place (the value there was
    /// corrected).
    ClearErrorAt(ErrorAt),
    /// Build a new cluster.
    NewCluster(PageSettings),
    /// A line typed in the etcdctl console.
    Console(String),
    /// Replace the run with an imported session's (the file's text).
    ImportSession(String),
}

/// Carries out a command. Errors are not returned: the [`Sim`] keeps them
/// for the panel named by their [`ErrorAt`], and the next frame shows them.
/// The run is kept after each (the full page survives a reload).
pub fn run(sim: &mut Sim, cmd: Cmd) {
    carry_out(sim, cmd);
    sim.keep();
}

fn carry_out(sim: &mut Sim, cmd: Cmd) {
    match cmd {
        Cmd::Act(at, action) => {
            let _ = sim.act(at, action);
        }
        Cmd::Client(target, op, mode) => {
            if let Some(node) = resolve(sim, target, ErrorAt::Client) {
                let _ = sim.client(node, op, mode);
            }
        }
        Cmd::Watch(target, key, prefix) => {
            if let Some(node) = resolve(sim, target, ErrorAt::Watch) {
                let _ = sim.act(
                    ErrorAt::Watch,
                    Action::Watch {
                        node,
                        key,
                        prefix,
                        start_revision: 0,
                    },
                );
            }
        }
        Cmd::Reject(at, e) => sim.reject(at, e),
        Cmd::ClearError => sim.clear_error(),
        Cmd::DismissNotice => sim.set_notice(None),
        Cmd::Preset(p) => match sim.preset(p) {
            Ok(groups) => {
                let _ = sim.act(ErrorAt::Partition, Action::Partition { groups });
            }
            Err(e) => sim.reject(ErrorAt::Partition, e),
        },
        Cmd::Play(on) => sim.set_playing(on),
        Cmd::Step => {
            sim.set_playing(false);
            sim.step();
        }
        Cmd::Speed(s) => sim.set_speed(s),
        Cmd::Lesson(c) => run_lesson_cmd(sim, c),
        Cmd::PauseOn(moment, on) => {
            let mut moments = sim.pause_on().to_vec();
            moments.retain(|&m| m != moment);
            if on {
                moments.push(moment);
            }
            sim.set_pause_on(&moments);
        }
        Cmd::Traffic(text) => match parse_traffic(&text) {
            Ok(n) => {
                sim.set_traffic(n);
                sim.clear_error_at(ErrorAt::Traffic);
            }
            Err(e) => sim.reject(ErrorAt::Traffic, e),
        },
        Cmd::ClearErrorAt(at) => sim.clear_error_at(at),
        Cmd::Console(line) => sim.console_submit(&line),
        Cmd::ImportSession(text) => {
            let _ = sim.import_session(&text);
        }
        Cmd::NewCluster(settings) => {
            let _ = sim.rebuild(settings);
        }
    }
}

/// The member a request goes to now, or `None` after showing why there is
/// none at `at`.
fn resolve(sim: &mut Sim, target: Target, at: ErrorAt) -> Option<NodeId> {
    match target {
        Target::Member(node) => Some(node),
        Target::Leader => {
            let leader = sim.cluster().leader();
            if leader.is_none() {
                sim.reject(at, Key::NoLeaderPickMember);
            }
            leader
        }
    }
}

/// Membership change buttons.
pub fn membership(change: MemberChange, node: NodeId) -> Action {
    Action::ChangeMembership {
        changes: vec![(change, node)],
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::sim::tests::{run_until, sim};
    use raft_sim::PauseOn;

    #[test]
    fn a_preset_partitions_around_the_live_leader_or_says_why_not() {
        let mut s = sim(5);
        run(&mut s, Cmd::Preset(Preset::LeaderAlone));
        assert_eq!(
            s.frame().error,
            Some((ErrorAt::Partition, Key::NoLeaderNow))
        );
        run_until(&mut s, 10_000, |s| s.cluster().leader().is_some());
        let l = s.cluster().leader().unwrap();
        run(&mut s, Cmd::Preset(Preset::LeaderAlone));
        let frame = s.frame();
        assert_eq!(frame.error, None);
        assert!(frame.sides.iter().any(|side| side.members == vec![l]));
    }

    #[test]
    fn the_url_notice_can_be_dismissed() {
        let mut s = sim(3);
        s.set_notice(Some(Key::UrlSetting(
            "speed".into(),
            "0".into(),
            Box::new(Key::SpeedRange),
        )));
        assert!(s.frame().notice.is_some());
        run(&mut s, Cmd::DismissNotice);
        assert_eq!(s.frame().notice, None);
    }

    #[test]
    fn a_traffic_error_goes_once_the_value_is_fixed() {
        let mut s = sim(3);
        run(&mut s, Cmd::Traffic("lots".into()));
        assert!(matches!(s.frame().error, Some((ErrorAt::Traffic, _))));
        run(&mut s, Cmd::Traffic("20".into()));
        assert_eq!(s.frame().error, None);
        assert_eq!(s.frame().traffic, 20);
        // Typing a valid value clears it too, and only a traffic error.
        run(&mut s, Cmd::Traffic("999".into()));
        assert_eq!(s.frame().traffic, 20);
        run(&mut s, Cmd::ClearErrorAt(ErrorAt::Traffic));
        assert_eq!(s.frame().error, None);
        s.reject(ErrorAt::Client, Key::KeyOnlySpaces);
        run(&mut s, Cmd::ClearErrorAt(ErrorAt::Traffic));
        assert!(s.frame().error.is_some());
    }

    #[test]
    fn the_leader_is_looked_up_when_the_request_runs_not_in_an_old_frame() {
        let mut s = sim(3);
        let put = ClientOp::Put {
            key: "/a".into(),
            value: "1".into(),
        };
        run(
            &mut s,
            Cmd::Client(Target::Leader, put.clone(), ReadMode::Linearizable),
        );
        let error = s.frame().error.clone().unwrap();
        assert_eq!(error.0, ErrorAt::Client);
        assert_eq!(error.1, Key::NoLeaderPickMember);
        // The panel still shows that frame when a leader appears.
        let stale = s.frame();
        run_until(&mut s, 10_000, |s| s.cluster().leader().is_some());
        assert_eq!(stale.view.leader, None);
        let leader = s.cluster().leader().unwrap();
        run(
            &mut s,
            Cmd::Client(Target::Leader, put, ReadMode::Linearizable),
        );
        assert_eq!(s.frame().error, None);
        assert_eq!(s.frame().requests[0].node, leader);
        run(
            &mut s,
            Cmd::Watch(Target::Leader, "/registry/".into(), true),
        );
        assert_eq!(s.frame().error, None);
        assert_eq!(s.frame().watches[0].node, leader);
    }

    #[test]
    fn step_pauses_and_runs_one_event() {
        let mut s = sim(3);
        let before = s.cluster().now();
        run(&mut s, Cmd::Step);
        assert!(!s.playing());
        assert!(s.cluster().now() > before);
    }

    #[test]
    fn a_membership_button_adds_the_next_member() {
        let mut s = sim(3);
        run_until(&mut s, 10_000, |s| s.cluster().leader().is_some());
        let id = s.frame().next_member.clone().unwrap();
        run(
            &mut s,
            Cmd::Act(
                ErrorAt::Membership,
                membership(MemberChange::AddLearner, id),
            ),
        );
        assert_eq!(s.frame().error, None);
        run_until(&mut s, 10_000, |s| s.members().contains(&id));
    }

    #[test]
    fn the_clock_pauses_itself_on_a_moment_and_says_which() {
        let mut s = sim(5);
        run(&mut s, Cmd::PauseOn(PauseOn::LeaderChange, true));
        run(&mut s, Cmd::PauseOn(PauseOn::QuorumLost, true));
        assert_eq!(s.pause_on(), [PauseOn::LeaderChange, PauseOn::QuorumLost]);
        s.set_speed(10.0);
        for _ in 0..100 {
            s.advance_wall(50.0);
        }
        let frame = s.frame();
        assert!(!frame.playing);
        let paused = frame.paused.clone().expect("paused on the election");
        assert_eq!(paused.on, PauseOn::LeaderChange);
        assert_eq!(s.cluster().now(), paused.at_ms);
        assert!(s.cluster().leader().is_some());
        // Running again forgets why it paused.
        run(&mut s, Cmd::Play(true));
        assert_eq!(s.frame().paused, None);
        run(&mut s, Cmd::PauseOn(PauseOn::LeaderChange, false));
        // A user's action that loses the quorum pauses too.
        for node in [1, 2, 3] {
            run(&mut s, Cmd::Act(ErrorAt::Inspector, Action::Crash { node }));
        }
        assert!(!s.playing());
        assert_eq!(s.paused().map(|p| p.on), Some(PauseOn::QuorumLost));
    }

    #[test]
    fn pausing_on_a_commit_stops_between_traffic_writes() {
        let mut s = sim(3);
        run_until(&mut s, 10_000, |s| s.cluster().leader().is_some());
        run(&mut s, Cmd::PauseOn(PauseOn::Commit, true));
        s.set_traffic(20);
        s.advance(5_000);
        let paused = s.frame().paused.clone().expect("a traffic write commits");
        assert_eq!(paused.on, PauseOn::Commit);
        assert_eq!(s.cluster().now(), paused.at_ms);
        assert!(s.cluster().now() < 1_000 + paused.at_ms);
    }
}
