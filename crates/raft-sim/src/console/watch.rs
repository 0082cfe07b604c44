//! `etcdctl watch` run in the background: its events are printed as they
//! come while other commands run, as with `etcdctl watch … &` in a shell,
//! until `.cancel` (Ctrl-C). The watch is the cluster's own
//! ([`crate::action::Action::Watch`]), so it moves to another member when
//! its member goes down, as etcdctl's client does.
//!
//! etcd sends the changes a watch replays from `--rev` in one response, then
//! one response per revision; the JSON and fields printers show those
//! responses, so the console groups events the same way.

use std::fmt::Write;

use super::command::Format;
use super::print::{self, go_quote};
use super::{err, out, Console, Printed};
use crate::cluster::{Cluster, WatchView};
use crate::kv::{WatchEvent, WatchEventKind};

/// A watch the console started and prints.
#[derive(Clone, Debug)]
pub(super) struct Background {
    /// The cluster's watch id.
    pub(super) id: u64,
    pub(super) format: Format,
    /// How many of its events are printed.
    pub(super) shown: u64,
    /// The store's revision when it started: events up to it are the
    /// replay, sent as one response.
    pub(super) replay_to: u64,
}

impl Console {
    /// Prints what the background watches saw since the last call, and
    /// drops those the server canceled (etcdctl exits 5 for them).
    pub(super) fn watch_output(&mut self, c: &Cluster) -> Vec<Printed> {
        let mut printed = Vec::new();
        let mut keep = Vec::new();
        for mut b in std::mem::take(&mut self.watches) {
            let Some(w) = c.watches().find(|w| w.id == b.id) else {
                continue;
            };
            let fresh = w.seen.saturating_sub(b.shown) as usize;
            // A watch keeps its latest events only; more than that between
            // two polls cannot happen while the console polls every frame.
            let fresh = &w.events[w.events.len().saturating_sub(fresh)..];
            b.shown = w.seen;
            let mut batch: Vec<&WatchEvent> = Vec::new();
            for e in fresh {
                let same = batch.last().is_none_or(|last| {
                    last.revision() == e.revision()
                        || (last.revision() <= b.replay_to && e.revision() <= b.replay_to)
                });
                if !same {
                    printed.push(self.response(c, w, &batch, &b));
                    batch.clear();
                }
                batch.push(e);
            }
            if !batch.is_empty() {
                printed.push(self.response(c, w, &batch, &b));
            }
            if w.ended {
                // etcdctl's `printWatchCh`: the reason on stderr, then the
                // canceled response (empty but for its header), then it exits.
                printed.push(Printed {
                    text: "watch was canceled (etcdserver: mvcc: required revision has been compacted)\n"
                        .into(),
                    stderr: true,
                    served_by: Some(w.node),
                    watch: true,
                });
                let h = self.header(c, w.node, 0);
                let compacted = w.compact_revision.unwrap_or(0);
                match b.format {
                    Format::Json => printed.push(out(
                        format!(
                            "{{\"Header\":{},\"Events\":[],\"CompactRevision\":{compacted},\"Canceled\":true,\"Created\":false}}\n",
                            h.json()
                        ),
                        w.node,
                    )),
                    Format::Fields => printed.push(out(h.fields(), w.node)),
                    Format::Simple | Format::Table => {}
                }
                printed.push(err("watch is canceled by the server".into(), Some(w.node)));
                self.exit = 5;
                continue;
            }
            keep.push(b);
        }
        self.watches = keep;
        for p in &mut printed {
            p.watch = true;
        }
        printed
    }

    /// One watch response in the watch's format.
    fn response(
        &self,
        c: &Cluster,
        w: &WatchView,
        events: &[&WatchEvent],
        b: &Background,
    ) -> Printed {
        let last = events.last().map_or(0, |e| e.revision());
        // The replay's response carries the revision the watch started at.
        let revision = if last <= b.replay_to {
            b.replay_to
        } else {
            last
        };
        let h = self.header(c, w.node, revision);
        let mut s = String::new();
        match b.format {
            Format::Json => {
                let evs: Vec<String> = events
                    .iter()
                    .map(|e| {
                        let ty = if e.kind == WatchEventKind::Delete {
                            "\"type\":1,"
                        } else {
                            ""
                        };
                        format!("{{{ty}\"kv\":{}}}", print::kv_json(&e.kv))
                    })
                    .collect();
                let _ = writeln!(
                    s,
                    "{{\"Header\":{},\"Events\":[{}],\"CompactRevision\":0,\"Canceled\":false,\"Created\":false}}",
                    h.json(),
                    evs.join(",")
                );
            }
            Format::Fields => {
                s.push_str(&h.fields());
                for e in events {
                    let _ = writeln!(s, "\"Type\" : {}", word(e.kind));
                    let _ = writeln!(s, "\"Key\" : {}", go_quote(&e.kv.key));
                    let _ = writeln!(s, "\"CreateRevision\" : {}", e.kv.create_revision);
                    let _ = writeln!(s, "\"ModRevision\" : {}", e.kv.mod_revision);
                    let _ = writeln!(s, "\"Version\" : {}", e.kv.version);
                    let _ = writeln!(s, "\"Value\" : {}", go_quote(&e.kv.value));
                    s.push_str("\"Lease\" : 0\n");
                }
            }
            Format::Simple | Format::Table => {
                for e in events {
                    let _ = writeln!(s, "{}\n{}\n{}", word(e.kind), e.kv.key, e.kv.value);
                }
            }
        }
        out(s, w.node)
    }
}

/// The word etcdctl prints for an event's type (mvccpb's enum names).
fn word(kind: WatchEventKind) -> &'static str {
    match kind {
        WatchEventKind::Put => "PUT",
        WatchEventKind::Delete => "DELETE",
    }
}
