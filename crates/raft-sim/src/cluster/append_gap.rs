//! Which kind of append rejection the leader just backed up for. raft-rs
//! tells the leader only the follower's hint, which looks the same whether
//! the logs really differ or the follower merely has not received an
//! earlier append yet (jitter delivers appends out of order, so with the
//! page's default links most rejections are of that harmless kind). The
//! simulation sees both sides: it notes, when a follower is about to reject,
//! what its log lacked or held and whether an earlier append was still on
//! the network, and puts that on the leader's `AppendRejected` event.

use crate::member::Member;
use crate::network::{InFlight, MsgKind, Network};
use crate::trace::EventKind;
use crate::why::{AppendGap, Carrier};
use crate::NodeId;

use std::collections::BTreeMap;

/// Rejections noted until their leaders back up, and the entries of the
/// latest append each link's follower rejected for lacking an entry.
#[derive(Default)]
pub(super) struct Gaps {
    /// By (leader, follower, index rejected). A follower may reject several
    /// appends before the first answer arrives; the leader backs up for some
    /// (in any order) and ignores the rest as stale, whose notes stay until
    /// the cap drops them or a new rejection at that index replaces them.
    noted: BTreeMap<(NodeId, NodeId, u64), AppendGap>,
    /// By (leader, follower): first and last index of the entries that the
    /// latest append rejected for a missing entry carried.
    discarded: BTreeMap<(NodeId, NodeId), (u64, u64)>,
}

/// More notes than any run leaves waiting at once.
const KEPT: usize = 256;

/// Notes why `target` is about to reject the append `m`, if it is.
/// Nothing is allocated unless it rejects.
pub(super) fn note(gaps: &mut Gaps, target: &Member, m: &InFlight, net: &Network) {
    if m.kind != MsgKind::Append {
        return;
    }
    let Some(found) = target.append_gap(&m.msg) else {
        return;
    };
    let link = (m.from, m.to);
    let gap = match found {
        Ok(follower_term) => AppendGap::Differs {
            follower_term,
            leader_term: m.msg.log_term,
        },
        Err(last) => {
            let carries = |o: &InFlight| {
                o.msg.index <= last && o.msg.index + o.msg.entries.len() as u64 > last
            };
            let on_its_way = net.in_flight().any(|o| {
                (o.from, o.to) == link
                    && o.kind == MsgKind::Append
                    && o.doomed.is_none()
                    && carries(o)
            });
            let rejected = (gaps.discarded.get(&link))
                .is_some_and(|&(first, end)| first <= last + 1 && last < end);
            if let (Some(first), Some(end)) = (m.msg.entries.first(), m.msg.entries.last()) {
                gaps.discarded.insert(link, (first.index, end.index));
            }
            let carrier = if on_its_way {
                Carrier::OnItsWay
            } else if rejected {
                Carrier::RejectedEarly
            } else {
                Carrier::None
            };
            AppendGap::Missing { last, carrier }
        }
    };
    if gaps.noted.len() >= KEPT {
        gaps.noted.pop_first();
    }
    gaps.noted.insert((m.from, m.to, m.msg.index), gap);
}

/// Fills in why, on a leader's `AppendRejected` event, from the note taken
/// when the follower rejected.
pub(super) fn explain(gaps: &mut Gaps, ev: &mut EventKind) {
    if let EventKind::AppendRejected {
        leader,
        follower,
        index,
        gap,
        ..
    } = ev
    {
        if let Some(g) = gaps.noted.remove(&(*leader, *follower, *index)) {
            *gap = g;
        }
    }
}
