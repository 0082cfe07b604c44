//! The virtual network: links, faults, and every message in flight.
//!
//! A message put on the network becomes an [`InFlight`] object with an id, a
//! send time and a delivery time, so the page can draw it travelling and the
//! user can hold or drop it. Links are directed: cutting `a → b` leaves
//! `b → a` working, which is how one-way partitions are built. The fault
//! vocabulary follows turmoil and madsim: partition, partition_oneway,
//! repair, isolate, hold, release.

use std::collections::{BTreeMap, BTreeSet};

use raft::prelude::{Message, MessageType};
use serde::{Deserialize, Serialize};

use crate::rng::SimRng;
use crate::NodeId;

/// The kind of a Raft message, as drawn and filtered by the page.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum MsgKind {
    /// MsgRequestPreVote.
    PreVote,
    /// MsgRequestPreVoteResponse.
    PreVoteResp,
    /// MsgRequestVote.
    Vote,
    /// MsgRequestVoteResponse.
    VoteResp,
    /// MsgAppend.
    Append,
    /// MsgAppendResponse.
    AppendResp,
    /// MsgHeartbeat.
    Heartbeat,
    /// MsgHeartbeatResponse.
    HeartbeatResp,
    /// MsgSnapshot (InstallSnapshot).
    Snapshot,
    /// MsgReadIndex, forwarded by a follower to the leader.
    ReadIndex,
    /// MsgReadIndexResp.
    ReadIndexResp,
    /// MsgPropose, forwarded by a follower to the leader.
    Propose,
    /// MsgTimeoutNow (leader transfer).
    TimeoutNow,
    /// MsgTransferLeader, forwarded to the leader.
    TransferLeader,
    /// Anything else.
    Other,
}

impl MsgKind {
    /// The kind of `m`.
    pub fn of(m: &Message) -> MsgKind {
        match m.get_msg_type() {
            MessageType::MsgRequestPreVote => MsgKind::PreVote,
            MessageType::MsgRequestPreVoteResponse => MsgKind::PreVoteResp,
            MessageType::MsgRequestVote => MsgKind::Vote,
            MessageType::MsgRequestVoteResponse => MsgKind::VoteResp,
            MessageType::MsgAppend => MsgKind::Append,
            MessageType::MsgAppendResponse => MsgKind::AppendResp,
            MessageType::MsgHeartbeat => MsgKind::Heartbeat,
            MessageType::MsgHeartbeatResponse => MsgKind::HeartbeatResp,
            MessageType::MsgSnapshot => MsgKind::Snapshot,
            MessageType::MsgReadIndex => MsgKind::ReadIndex,
            MessageType::MsgReadIndexResp => MsgKind::ReadIndexResp,
            MessageType::MsgPropose => MsgKind::Propose,
            MessageType::MsgTimeoutNow => MsgKind::TimeoutNow,
            MessageType::MsgTransferLeader => MsgKind::TransferLeader,
            _ => MsgKind::Other,
        }
    }

    /// The raft-rs name, e.g. `MsgAppend`.
    pub fn raft_name(self) -> &'static str {
        match self {
            MsgKind::PreVote => "MsgRequestPreVote",
            MsgKind::PreVoteResp => "MsgRequestPreVoteResponse",
            MsgKind::Vote => "MsgRequestVote",
            MsgKind::VoteResp => "MsgRequestVoteResponse",
            MsgKind::Append => "MsgAppend",
            MsgKind::AppendResp => "MsgAppendResponse",
            MsgKind::Heartbeat => "MsgHeartbeat",
            MsgKind::HeartbeatResp => "MsgHeartbeatResponse",
            MsgKind::Snapshot => "MsgSnapshot",
            MsgKind::ReadIndex => "MsgReadIndex",
            MsgKind::ReadIndexResp => "MsgReadIndexResp",
            MsgKind::Propose => "MsgPropose",
            MsgKind::TimeoutNow => "MsgTimeoutNow",
            MsgKind::TransferLeader => "MsgTransferLeader",
            MsgKind::Other => "Msg",
        }
    }

    /// Parses the kebab-case name used in scripts (`append`, `vote`, ...).
    pub fn parse(s: &str) -> Option<MsgKind> {
        serde_json::from_value(serde_json::Value::String(s.to_string())).ok()
    }
}

/// Why a message never arrived.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum DropReason {
    /// The link was cut when it was sent or when it arrived.
    Partition,
    /// The receiver was down when it arrived.
    TargetDown,
    /// Random loss (the loss rate setting).
    Loss,
    /// The user dropped it.
    Manual,
    /// The receiver is no longer a member.
    Removed,
}

impl DropReason {
    /// Plain word for the event log.
    pub fn as_str(self) -> &'static str {
        match self {
            DropReason::Partition => "partition",
            DropReason::TargetDown => "receiver down",
            DropReason::Loss => "lost",
            DropReason::Manual => "dropped by hand",
            DropReason::Removed => "receiver removed",
        }
    }
}

/// Latency and failure rates of the network.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct NetConfig {
    /// Base one-way latency in virtual ms.
    pub latency_ms: u64,
    /// Extra latency drawn uniformly from `0..=jitter_ms`; jitter larger
    /// than the gap between two messages reorders them.
    pub jitter_ms: u64,
    /// Probability that a message is lost.
    pub loss: f64,
    /// Probability that a message is delivered twice.
    pub duplicate: f64,
}

impl Default for NetConfig {
    fn default() -> Self {
        NetConfig {
            latency_ms: 10,
            jitter_ms: 5,
            loss: 0.0,
            duplicate: 0.0,
        }
    }
}

impl NetConfig {
    /// Checks the settings, naming the bad one.
    pub fn validate(&self) -> Result<(), String> {
        if !(0.0..=1.0).contains(&self.loss) {
            return Err(format!("loss must be within 0..1, got {}", self.loss));
        }
        if !(0.0..=1.0).contains(&self.duplicate) {
            return Err(format!(
                "duplicate must be within 0..1, got {}",
                self.duplicate
            ));
        }
        if self.latency_ms > 60_000 || self.jitter_ms > 60_000 {
            return Err("latency and jitter must be at most 60000 ms".into());
        }
        Ok(())
    }
}

/// A message on the wire.
#[derive(Clone, Debug)]
pub struct InFlight {
    /// Network-wide message id.
    pub id: u64,
    /// Sender.
    pub from: NodeId,
    /// Receiver.
    pub to: NodeId,
    /// Kind, for drawing.
    pub kind: MsgKind,
    /// When it was sent.
    pub sent_at: u64,
    /// When it arrives (or, if doomed, when it is lost).
    pub deliver_at: u64,
    /// Held by the user or a held link: it waits until released.
    pub held: bool,
    /// Set when the message will be lost rather than delivered.
    pub doomed: Option<DropReason>,
    /// The Raft message itself.
    pub msg: Message,
}

/// What [`Network::send`] did with a message.
#[derive(Debug, PartialEq, Eq)]
pub enum SendOutcome {
    /// Dropped at once: the link is cut.
    Refused,
    /// In flight; schedule a delivery event for each `(id, time)` (two for a
    /// duplicated message, none for a held one).
    InFlight(Vec<(u64, u64)>),
}

/// Links, settings and messages in flight.
#[derive(Clone, Debug, Default)]
pub struct Network {
    /// Network settings.
    pub config: NetConfig,
    cut: BTreeSet<(NodeId, NodeId)>,
    held_links: BTreeSet<(NodeId, NodeId)>,
    in_flight: BTreeMap<u64, InFlight>,
    next_id: u64,
}

impl Network {
    /// A fully connected network.
    pub fn new(config: NetConfig) -> Self {
        Network {
            config,
            next_id: 1,
            ..Default::default()
        }
    }

    /// Whether `from → to` currently carries messages.
    pub fn link_up(&self, from: NodeId, to: NodeId) -> bool {
        !self.cut.contains(&(from, to))
    }

    /// Whether `from → to` holds its messages.
    pub fn link_held(&self, from: NodeId, to: NodeId) -> bool {
        self.held_links.contains(&(from, to))
    }

    /// Every cut directed link.
    pub fn cut_links(&self) -> impl Iterator<Item = &(NodeId, NodeId)> {
        self.cut.iter()
    }

    /// Cuts `from → to` only.
    pub fn cut_oneway(&mut self, from: NodeId, to: NodeId) {
        if from != to {
            self.cut.insert((from, to));
        }
    }

    /// Cuts both directions between `a` and `b`.
    pub fn cut(&mut self, a: NodeId, b: NodeId) {
        self.cut_oneway(a, b);
        self.cut_oneway(b, a);
    }

    /// Restores `from → to`.
    pub fn repair_oneway(&mut self, from: NodeId, to: NodeId) {
        self.cut.remove(&(from, to));
    }

    /// Restores both directions between `a` and `b`.
    pub fn repair(&mut self, a: NodeId, b: NodeId) {
        self.repair_oneway(a, b);
        self.repair_oneway(b, a);
    }

    /// Splits `members` into `groups`: links between groups are cut both
    /// ways, links within a group restored. Members in no group are isolated.
    pub fn partition(&mut self, members: &[NodeId], groups: &[Vec<NodeId>]) {
        let group_of = |n: NodeId| groups.iter().position(|g| g.contains(&n));
        for &a in members {
            for &b in members {
                if a == b {
                    continue;
                }
                match (group_of(a), group_of(b)) {
                    (Some(x), Some(y)) if x == y => self.repair_oneway(a, b),
                    _ => self.cut_oneway(a, b),
                }
            }
        }
    }

    /// Cuts `n` off from every other member, both ways.
    pub fn isolate(&mut self, n: NodeId, members: &[NodeId]) {
        for &m in members {
            self.cut(n, m);
        }
    }

    /// Restores every cut link. Held links and messages stay held (see
    /// [`Network::release_all`]).
    pub fn heal_all(&mut self) {
        self.cut.clear();
    }

    /// Holds `from → to`: messages sent on it wait until released.
    pub fn hold_link(&mut self, from: NodeId, to: NodeId) {
        self.held_links.insert((from, to));
    }

    /// Stops holding `from → to`; returns the messages it held, rescheduled
    /// to arrive `latency` after `now`.
    pub fn release_link(
        &mut self,
        from: NodeId,
        to: NodeId,
        now: u64,
        rng: &mut SimRng,
    ) -> Vec<(u64, u64)> {
        self.held_links.remove(&(from, to));
        let ids: Vec<u64> = self
            .in_flight
            .values()
            .filter(|m| m.held && m.from == from && m.to == to)
            .map(|m| m.id)
            .collect();
        ids.into_iter()
            .filter_map(|id| self.release(id, now, rng))
            .collect()
    }

    /// Releases every held message and link.
    pub fn release_all(&mut self, now: u64, rng: &mut SimRng) -> Vec<(u64, u64)> {
        self.held_links.clear();
        let ids: Vec<u64> = self
            .in_flight
            .values()
            .filter(|m| m.held)
            .map(|m| m.id)
            .collect();
        ids.into_iter()
            .filter_map(|id| self.release(id, now, rng))
            .collect()
    }

    fn latency(&self, rng: &mut SimRng) -> u64 {
        self.config.latency_ms + rng.range_inclusive(0, self.config.jitter_ms)
    }

    /// Puts `msg` from `from` to `to` on the wire at `now`.
    pub fn send(&mut self, msg: Message, now: u64, rng: &mut SimRng) -> (u64, SendOutcome) {
        let (from, to) = (msg.from, msg.to);
        let id = self.next_id;
        self.next_id += 1;
        if !self.link_up(from, to) {
            return (id, SendOutcome::Refused);
        }
        let held = self.link_held(from, to);
        let doomed = rng.chance(self.config.loss).then_some(DropReason::Loss);
        let latency = self.latency(rng);
        let mut deliveries = Vec::new();
        let deliver_at = if doomed.is_some() {
            // A lost message vanishes half way, so the page can show it.
            now + latency / 2
        } else {
            now + latency
        };
        let duplicate = doomed.is_none() && rng.chance(self.config.duplicate);
        let kind = MsgKind::of(&msg);
        if duplicate {
            let dup_id = self.next_id;
            self.next_id += 1;
            let dup_at = now + self.latency(rng);
            self.in_flight.insert(
                dup_id,
                InFlight {
                    id: dup_id,
                    from,
                    to,
                    kind,
                    sent_at: now,
                    deliver_at: dup_at,
                    held,
                    doomed: None,
                    msg: msg.clone(),
                },
            );
            if !held {
                deliveries.push((dup_id, dup_at));
            }
        }
        self.in_flight.insert(
            id,
            InFlight {
                id,
                from,
                to,
                kind,
                sent_at: now,
                deliver_at,
                held,
                doomed,
                msg,
            },
        );
        if !held {
            deliveries.insert(0, (id, deliver_at));
        }
        (id, SendOutcome::InFlight(deliveries))
    }

    /// Takes message `id` off the wire if its delivery event at `at` is
    /// still current (not held, not rescheduled, not dropped by hand).
    pub fn take_due(&mut self, id: u64, at: u64) -> Option<InFlight> {
        let due = self
            .in_flight
            .get(&id)
            .is_some_and(|m| !m.held && m.deliver_at == at);
        if due {
            self.in_flight.remove(&id)
        } else {
            None
        }
    }

    /// Holds one message in flight.
    pub fn hold(&mut self, id: u64) -> bool {
        match self.in_flight.get_mut(&id) {
            Some(m) => {
                m.held = true;
                true
            }
            None => false,
        }
    }

    /// Releases a held message; it arrives one latency from `now`.
    pub fn release(&mut self, id: u64, now: u64, rng: &mut SimRng) -> Option<(u64, u64)> {
        let latency = self.latency(rng);
        let m = self.in_flight.get_mut(&id)?;
        if !m.held {
            return None;
        }
        m.held = false;
        m.sent_at = now;
        m.deliver_at = now + latency;
        Some((id, m.deliver_at))
    }

    /// Removes a message from the wire (the user dropped it).
    pub fn drop_message(&mut self, id: u64) -> Option<InFlight> {
        self.in_flight.remove(&id)
    }

    /// One message in flight.
    pub fn get(&self, id: u64) -> Option<&InFlight> {
        self.in_flight.get(&id)
    }

    /// Every message in flight, by id.
    pub fn in_flight(&self) -> impl Iterator<Item = &InFlight> {
        self.in_flight.values()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn msg(from: NodeId, to: NodeId) -> Message {
        let mut m = Message {
            from,
            to,
            ..Default::default()
        };
        m.set_msg_type(MessageType::MsgHeartbeat);
        m
    }

    #[test]
    fn one_way_cut_blocks_one_direction() {
        let mut net = Network::new(NetConfig::default());
        let mut rng = SimRng::new(1);
        net.cut_oneway(1, 2);
        assert_eq!(net.send(msg(1, 2), 0, &mut rng).1, SendOutcome::Refused);
        assert!(matches!(
            net.send(msg(2, 1), 0, &mut rng).1,
            SendOutcome::InFlight(_)
        ));
    }

    #[test]
    fn partition_groups() {
        let mut net = Network::new(NetConfig::default());
        net.partition(&[1, 2, 3, 4, 5], &[vec![1, 2], vec![3, 4, 5]]);
        assert!(net.link_up(1, 2) && net.link_up(3, 5));
        assert!(!net.link_up(2, 3) && !net.link_up(5, 1));
        net.heal_all();
        assert!(net.link_up(2, 3));
    }

    #[test]
    fn held_messages_wait_for_release() {
        let mut net = Network::new(NetConfig::default());
        let mut rng = SimRng::new(1);
        let (id, out) = net.send(msg(1, 2), 0, &mut rng);
        let SendOutcome::InFlight(d) = out else {
            panic!()
        };
        assert!(net.hold(id));
        assert!(net.take_due(id, d[0].1).is_none());
        let (_, at) = net.release(id, 100, &mut rng).unwrap();
        assert!(at >= 110);
        assert!(net.take_due(id, at).is_some());
    }

    #[test]
    fn kinds_parse_from_script_names() {
        assert_eq!(MsgKind::parse("append"), Some(MsgKind::Append));
        assert_eq!(MsgKind::parse("pre-vote"), Some(MsgKind::PreVote));
        assert_eq!(MsgKind::parse("bogus"), None);
    }
}
