//! The per-frame picture: everything the components draw, built by
//! [`Sim::frame`](super::sim::Sim::frame) after each change.

use std::ops::Deref;
use std::rc::Rc;

use raft_sim::cluster::WatchView;
use raft_sim::kv::KeyValue;
use raft_sim::{ActionError, HistoryEntry, MsgKind, NodeId, PauseOn, Paused, View};

use super::commands::ErrorAt;
use super::console::ConsoleLine;
use super::lesson::LessonView;
use super::log_lines::LogLine;
use super::partition::Side;
use super::pending::Pending;
use super::settings::PageSettings;
use crate::i18n::Key;
use raft_sim::deploy::commands::Plan;

/// How long a lost message stays drawn where it was lost, in virtual ms.
pub const GHOST_MS: u64 = 400;

/// A message lost recently, drawn where it was lost for a moment.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Ghost {
    /// Message id.
    pub id: u64,
    /// Sender.
    pub from: NodeId,
    /// Receiver.
    pub to: NodeId,
    /// Kind.
    pub kind: MsgKind,
    /// Virtual time it was lost.
    pub at: u64,
}

/// Everything the components draw for one frame.
#[derive(Clone, Debug, PartialEq)]
pub struct Frame {
    /// The cluster view.
    pub view: View,
    /// Lost messages to draw.
    pub ghosts: Vec<Ghost>,
    /// Partition sides.
    pub sides: Vec<Side>,
    /// Uncommitted entries on leaders.
    pub pending: Vec<Pending>,
    /// Client requests still waiting for an answer.
    pub waiting_requests: usize,
    /// The user's recent requests, newest first.
    pub requests: Vec<HistoryEntry>,
    /// Watches.
    pub watches: Vec<WatchView>,
    /// Event log lines (oldest first), all categories.
    pub events: Vec<LogLine>,
    /// Playing or paused.
    pub playing: bool,
    /// The moments the user pauses on.
    pub pause_on: Vec<PauseOn>,
    /// Why the clock paused by itself, while it stays paused.
    pub paused: Option<Paused>,
    /// The lesson under way, if any.
    pub lesson: Option<LessonView>,
    /// Speed, virtual seconds per wall second.
    pub speed: f64,
    /// The speed really reached over the last second of wall time (see
    /// [`super::speed_meter`]); `None` while paused or not yet measured.
    pub reached_speed: Option<f64>,
    /// Writes per virtual second from the traffic generator (0: off).
    pub traffic: u64,
    /// Settings the cluster was built from.
    pub settings: PageSettings,
    /// The latest error and where it belongs.
    pub error: Option<(ErrorAt, Key)>,
    /// A notice above the page (what was wrong with the URL).
    pub notice: Option<Key>,
    /// A membership replacement under way (old, new).
    pub replacement: Option<(NodeId, NodeId)>,
    /// The id a new member would get, or why none can be added.
    pub next_member: Result<NodeId, ActionError>,
    /// Each member's KV contents, in id order (`None`: down).
    pub stores: Vec<(NodeId, Option<Vec<KeyValue>>)>,
    /// The trace hash, 16 hex digits (the page root's `data-trace-hash`:
    /// the core keeps the hash as it goes, so this costs a `format!`).
    pub trace_hash: String,
    /// The etcdctl console's transcript (shared, not copied, per frame).
    pub console: Rc<[ConsoleLine]>,
    /// Whether a console command is still waiting for its answer.
    pub console_busy: bool,
    /// Whether the console's `txn` is reading the lines after it.
    pub console_txn: bool,
    /// The membership against the founders, for the deployment panel.
    pub deploy_plan: Plan,
}

impl Frame {
    /// What happens to a leader cut off from a quorum, under the CheckQuorum
    /// setting in force: with it, the leader steps down after an election
    /// timeout without hearing from a quorum; without it, nothing on its
    /// side tells it, and it leads until a message from a higher term
    /// reaches it (once the partition heals).
    pub fn stale_leader_note(&self) -> Key {
        if self.settings.check_quorum {
            Key::StaleCheckQuorum
        } else {
            Key::StaleNoCheckQuorum
        }
    }

    /// Members that exist (not removed), in id order.
    pub fn member_ids(&self) -> Vec<NodeId> {
        self.stores.iter().map(|(id, _)| *id).collect()
    }
}

/// A [`Frame`] shared by the components, compared by pointer.
///
/// Yew compares a component's old and new properties before every render
/// to decide whether to render it again. `Rc<Frame>` compares the frames
/// field by field (the view, hundreds of event lines, every store), and
/// the animation loop asks for that on each frame for every panel. A new
/// frame is built after every change and never modified, so "same
/// allocation" is exactly "same frame", and a pointer compare is enough.
#[derive(Clone, Debug)]
pub struct FrameRef(Rc<Frame>);

impl FrameRef {
    /// Shares `frame`.
    pub fn new(frame: Frame) -> FrameRef {
        FrameRef(Rc::new(frame))
    }
}

impl PartialEq for FrameRef {
    fn eq(&self, other: &FrameRef) -> bool {
        Rc::ptr_eq(&self.0, &other.0)
    }
}

impl Deref for FrameRef {
    type Target = Frame;

    fn deref(&self) -> &Frame {
        &self.0
    }
}
