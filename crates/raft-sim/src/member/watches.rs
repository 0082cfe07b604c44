//! The watches a member serves: replaying the past from its store's
//! history when a watch starts (or resumes) at an earlier revision, the
//! changes it applies, and what a snapshot skipped over.

use serde::{Deserialize, Serialize};

use super::{Effects, Live, Member};
use crate::kv::{KvError, KvStore, WatchEvent};
use crate::trace::EventKind;
use crate::NodeId;

/// A watch on a key or a prefix, as the member serving it keeps it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Watch {
    /// Watch id.
    pub id: u64,
    /// Key, or prefix if `prefix` is set.
    pub key: String,
    /// Whether `key` is a prefix.
    pub prefix: bool,
    /// The first revision to report: 0 for changes after the store's
    /// current revision.
    pub start_revision: u64,
}

impl Watch {
    pub(super) fn matches(&self, key: &str) -> bool {
        if self.prefix {
            key.starts_with(&self.key)
        } else {
            key == self.key
        }
    }
}

/// Why a member could not start a watch.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum WatchRefusal {
    /// The member is not running.
    Down,
    /// The start revision is below the store's compacted revision; etcd
    /// cancels such a watch, saying the compacted revision.
    Compacted {
        /// The store's compacted revision.
        compact_revision: u64,
    },
}

/// A watch being served, with the first revision it still reports.
#[derive(Clone, Debug)]
pub(super) struct Served {
    pub(super) watch: Watch,
    /// Changes below this revision were reported (or predate the watch).
    pub(super) from: u64,
}

impl Member {
    /// Starts serving a watch: the changes from its start revision up to
    /// the store's go out at once (as [`EventKind::Watch`] events), later
    /// ones as the member applies them. Returns the first revision it will
    /// report live (the current revision + 1, or a future start revision it
    /// waits for).
    pub fn add_watch(&mut self, watch: Watch, fx: &mut Effects) -> Result<u64, WatchRefusal> {
        let id = self.id;
        let live = self.live.as_deref_mut().ok_or(WatchRefusal::Down)?;
        let current = live.kv.revision();
        let from = match watch.start_revision {
            0 => current + 1,
            r => r,
        };
        if from <= current {
            let past = replay(&live.kv, &watch, from).map_err(|e| match e {
                KvError::Compacted { compact_revision } => {
                    WatchRefusal::Compacted { compact_revision }
                }
                KvError::FutureRevision => unreachable!("replays only up to the store"),
            })?;
            for event in past {
                fx.events.push(EventKind::Watch {
                    watch: watch.id,
                    node: id,
                    event,
                });
            }
        }
        let from = from.max(current + 1);
        live.watches.push(Served { watch, from });
        Ok(from)
    }

    /// Stops serving a watch.
    pub fn cancel_watch(&mut self, id: u64) {
        if let Some(live) = self.live.as_deref_mut() {
            live.watches.retain(|w| w.watch.id != id);
        }
    }

    /// The watches this member serves.
    pub fn watches(&self) -> Vec<&Watch> {
        (self.live.iter())
            .flat_map(|l| l.watches.iter().map(|w| &w.watch))
            .collect()
    }
}

/// The changes a watch reports from `from` up to the store's revision.
fn replay(kv: &KvStore, watch: &Watch, from: u64) -> Result<Vec<WatchEvent>, KvError> {
    kv.events_since(from, |k| watch.matches(k))
}

impl Live {
    /// Reports one applied change to the watches it concerns.
    pub(super) fn notify_watches(&mut self, id: NodeId, ev: &WatchEvent, fx: &mut Effects) {
        let revision = ev.revision();
        for w in &mut self.watches {
            if revision >= w.from && w.watch.matches(&ev.kv.key) {
                fx.events.push(EventKind::Watch {
                    watch: w.watch.id,
                    node: id,
                    event: ev.clone(),
                });
            }
        }
    }

    /// After the store was replaced by a snapshot's: reports to each watch
    /// the changes the snapshot carried past it (from its history, as
    /// etcd's watchable store catches up its unsynced watchers), and
    /// cancels a watch whose next revision the snapshot compacted away.
    pub(super) fn catch_up_watches(&mut self, id: NodeId, fx: &mut Effects) {
        let current = self.kv.revision();
        let mut canceled = Vec::new();
        for w in &mut self.watches {
            if w.from > current {
                continue;
            }
            match replay(&self.kv, &w.watch, w.from) {
                Ok(events) => {
                    for event in events {
                        fx.events.push(EventKind::Watch {
                            watch: w.watch.id,
                            node: id,
                            event,
                        });
                    }
                    w.from = current + 1;
                }
                Err(KvError::Compacted { compact_revision }) => {
                    fx.events.push(EventKind::WatchCanceled {
                        watch: w.watch.id,
                        node: id,
                        compact_revision,
                    });
                    canceled.push(w.watch.id);
                }
                Err(KvError::FutureRevision) => {}
            }
        }
        self.watches.retain(|w| !canceled.contains(&w.watch.id));
    }
}
