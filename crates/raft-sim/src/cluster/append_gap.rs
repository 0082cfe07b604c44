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
use crate::why::AppendGap;
use crate::NodeId;

/// Rejections noted by (leader, follower, index rejected), until the
/// leader backs up. A follower may reject several appends before the first
/// answer arrives; the leader backs up for one and ignores the rest as
/// stale, so notes at or below the one explained are dropped with it and
/// the map is capped.
pub(super) type Gaps = std::collections::BTreeMap<(NodeId, NodeId, u64), AppendGap>;

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
    let gap = match found {
        Ok(follower_term) => AppendGap::Differs {
            follower_term,
            leader_term: m.msg.log_term,
        },
        Err(last) => AppendGap::Missing {
            last,
            earlier_on_its_way: net.in_flight().any(|o| {
                o.from == m.from
                    && o.to == m.to
                    && o.kind == MsgKind::Append
                    && o.doomed.is_none()
                    && o.msg.index <= last
                    && o.msg.index + o.msg.entries.len() as u64 > last
            }),
        },
    };
    if gaps.len() >= KEPT {
        gaps.pop_first();
    }
    gaps.insert((m.from, m.to, m.msg.index), gap);
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
        if let Some(g) = gaps.remove(&(*leader, *follower, *index)) {
            *gap = g;
        }
        let link = (*leader, *follower);
        gaps.retain(|&(l, f, i), _| (l, f) != link || i > *index);
    }
}
