//! What a watch has seen, as the cluster keeps it for readers (the page,
//! the scripts): the count of every event and only the latest ones.

use serde::{Deserialize, Serialize};

use crate::kv::WatchEvent;
use crate::NodeId;

/// A watch and what it has seen.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct WatchView {
    /// Watch id.
    pub id: u64,
    /// Member serving it.
    pub node: NodeId,
    /// Key or prefix.
    pub key: String,
    /// Whether `key` is a prefix.
    pub prefix: bool,
    /// How many events the watch has seen in all.
    pub seen: u64,
    /// The latest events seen (at most [`WATCH_EVENTS_KEPT`]), oldest first.
    pub events: Vec<WatchEvent>,
    /// Whether the member serving it went down (the watch ended).
    pub ended: bool,
}

/// How many of a watch's latest events a cluster keeps: a watch on a busy
/// prefix sees every write, and a long run with traffic must not grow
/// without bound. Counts stay exact in [`WatchView::seen`].
pub const WATCH_EVENTS_KEPT: usize = 200;

impl WatchView {
    pub(super) fn record(&mut self, event: WatchEvent) {
        self.seen += 1;
        if self.events.len() == WATCH_EVENTS_KEPT {
            self.events.remove(0);
        }
        self.events.push(event);
    }
}
