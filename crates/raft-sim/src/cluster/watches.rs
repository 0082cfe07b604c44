//! Watches as the cluster keeps them: which member serves each, what it has
//! seen (the count of every event and only the latest ones, for readers:
//! the page, the scripts), and how a watch survives its member: like an
//! etcd client's, it reconnects to another running member and resumes at
//! the first revision it has not seen, so it skips nothing and repeats
//! nothing.

use serde::{Deserialize, Serialize};

use super::Cluster;
use crate::action_error::ActionError;
use crate::kv::WatchEvent;
use crate::member::{Effects, Watch, WatchRefusal};
use crate::trace::EventKind;
use crate::NodeId;

/// A watch and what it has seen.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct WatchView {
    /// Watch id.
    pub id: u64,
    /// Member serving it now (the last one, if it is waiting or ended).
    pub node: NodeId,
    /// Key or prefix.
    pub key: String,
    /// Whether `key` is a prefix.
    pub prefix: bool,
    /// The revision it was asked to start at (0: from its creation on).
    #[serde(default)]
    pub start_revision: u64,
    /// The first revision it has not seen: where it resumes if its member
    /// goes down.
    #[serde(default)]
    pub next_revision: u64,
    /// How many events the watch has seen in all.
    pub seen: u64,
    /// The latest events seen (at most [`WATCH_EVENTS_KEPT`]), oldest first.
    pub events: Vec<WatchEvent>,
    /// Whether the watch was canceled by the store (it reports nothing
    /// more); `compact_revision` says why.
    pub ended: bool,
    /// The compacted revision that canceled it: the revision it needed was
    /// older (etcd's `compact_revision` in a canceled watch response).
    #[serde(default)]
    pub compact_revision: Option<u64>,
    /// Its member went down and no member is running: it waits for one.
    #[serde(default)]
    pub waiting: bool,
}

/// How many of a watch's latest events a cluster keeps: a watch on a busy
/// prefix sees every write, and a long run with traffic must not grow
/// without bound. Counts stay exact in [`WatchView::seen`].
pub const WATCH_EVENTS_KEPT: usize = 200;

impl WatchView {
    fn record(&mut self, event: WatchEvent) {
        self.seen += 1;
        self.next_revision = self.next_revision.max(event.revision() + 1);
        if self.events.len() == WATCH_EVENTS_KEPT {
            self.events.remove(0);
        }
        self.events.push(event);
    }

    /// A copy with only the latest `n` events (a frame of the page shows a
    /// few; copying them all made frames slower the longer a watch ran).
    pub fn with_latest(&self, n: usize) -> WatchView {
        WatchView {
            events: self.events[self.events.len().saturating_sub(n)..].to_vec(),
            key: self.key.clone(),
            ..*self
        }
    }
}

impl Cluster {
    /// Starts a watch on `node`; returns its id. A start revision already
    /// compacted on that member gives a watch that is canceled at once, as
    /// etcd does.
    pub(super) fn watch(
        &mut self,
        node: NodeId,
        key: String,
        prefix: bool,
        start_revision: u64,
    ) -> Result<u64, ActionError> {
        let id = self.next_watch;
        self.existing_mut(node)?;
        self.watches.insert(
            id,
            WatchView {
                id,
                node,
                key: key.clone(),
                prefix,
                start_revision,
                next_revision: start_revision,
                seen: 0,
                events: Vec::new(),
                ended: false,
                compact_revision: None,
                waiting: false,
            },
        );
        let watch = Watch {
            id,
            key,
            prefix,
            start_revision,
        };
        if self.serve_watch(node, watch) == Err(WatchRefusal::Down) {
            self.watches.remove(&id);
            return Err(ActionError::Down { node });
        }
        self.next_watch += 1;
        Ok(id)
    }

    /// Hands a watch to a member, which replays what it asks for from its
    /// history; records where it now stands, or that it was canceled.
    fn serve_watch(&mut self, node: NodeId, watch: Watch) -> Result<(), WatchRefusal> {
        let id = watch.id;
        let mut fx = Effects::default();
        let m = self.members.get_mut(&node).ok_or(WatchRefusal::Down)?;
        if m.is_removed() {
            return Err(WatchRefusal::Down);
        }
        let served = m.add_watch(watch, &mut fx);
        if let Some(w) = self.watches.get_mut(&id) {
            w.node = node;
            w.waiting = false;
            if let Ok(from) = served {
                w.next_revision = w.next_revision.max(from);
            }
        }
        match served {
            Ok(_) => {}
            Err(WatchRefusal::Down) => return served.map(drop),
            Err(WatchRefusal::Compacted { compact_revision }) => {
                fx.events.push(EventKind::WatchCanceled {
                    watch: id,
                    node,
                    compact_revision,
                });
            }
        }
        // The replayed events go through `route`, which records them.
        self.route(fx);
        Ok(())
    }

    /// Notes what a member reported about a watch (see `route`).
    pub(super) fn watch_saw(&mut self, ev: &EventKind) {
        match ev {
            EventKind::Watch { watch, event, .. } => {
                if let Some(w) = self.watches.get_mut(watch) {
                    w.record(event.clone());
                }
            }
            EventKind::WatchCanceled {
                watch,
                compact_revision,
                ..
            } => {
                if let Some(w) = self.watches.get_mut(watch) {
                    w.ended = true;
                    w.compact_revision = Some(*compact_revision);
                }
            }
            _ => {}
        }
    }

    pub(super) fn cancel_watch(&mut self, watch: u64) -> Result<(), ActionError> {
        let w = self
            .watches
            .remove(&watch)
            .ok_or(ActionError::NoWatch { watch })?;
        if let Some(m) = self.members.get_mut(&w.node) {
            m.cancel_watch(watch);
        }
        Ok(())
    }

    /// `node` went down (crashed or removed): each watch it served moves to
    /// another running member, or waits for one.
    pub(super) fn move_watches(&mut self, node: NodeId) {
        let moving: Vec<u64> = (self.watches.values())
            .filter(|w| w.node == node && !w.ended && !w.waiting)
            .map(|w| w.id)
            .collect();
        for id in moving {
            self.reconnect(id, node);
        }
    }

    /// A member started: watches waiting for one reconnect.
    pub(super) fn resume_waiting_watches(&mut self) {
        let waiting: Vec<(u64, NodeId)> = (self.watches.values())
            .filter(|w| w.waiting)
            .map(|w| (w.id, w.node))
            .collect();
        for (id, from) in waiting {
            self.reconnect(id, from);
        }
    }

    /// Moves a watch from `from` (down) to the next running voter after it
    /// in id order, wrapping around: a fixed choice, so a run replays the
    /// same, that spreads a crashed member's watches no worse than a
    /// client's endpoint list does.
    fn reconnect(&mut self, id: u64, from: NodeId) {
        let Some(w) = self.watches.get(&id) else {
            return;
        };
        let watch = Watch {
            id,
            key: w.key.clone(),
            prefix: w.prefix,
            start_revision: w.next_revision,
        };
        let running: Vec<NodeId> = (self.members.iter())
            .filter(|(_, m)| m.live().is_some() && !m.is_removed())
            .map(|(&id, _)| id)
            .collect();
        // Voters first: etcd's learners refuse client requests, so a client
        // would not stay on one; a cluster of learners only is still
        // better served than not at all.
        let voters: Vec<NodeId> = (running.iter().copied())
            .filter(|n| self.conf.voters.contains(n) || self.conf.voters_outgoing.contains(n))
            .collect();
        let pool = if voters.is_empty() { &running } else { &voters };
        let to = (pool.iter().find(|&&n| n > from)).or(pool.first()).copied();
        let Some(to) = to else {
            let was_waiting = std::mem::replace(
                &mut self.watches.get_mut(&id).expect("looked up above").waiting,
                true,
            );
            if !was_waiting {
                self.trace
                    .push(self.now, EventKind::WatchWaiting { watch: id, from });
            }
            return;
        };
        self.trace.push(
            self.now,
            EventKind::WatchMoved {
                watch: id,
                from,
                to,
                resume_revision: watch.start_revision,
            },
        );
        let _ = self.serve_watch(to, watch);
    }
}
