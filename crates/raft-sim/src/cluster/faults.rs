//! Faults: crashes and restarts, partitions and cut links, held and
//! dropped messages, network conditions.

use super::Cluster;
use crate::action_error::ActionError;
use crate::network::{DropReason, NetConfig};
use crate::role::Role;
use crate::NodeId;

impl Cluster {
    /// Stops a member; its disk survives.
    pub(super) fn crash(&mut self, node: NodeId) -> Result<(), ActionError> {
        let m = self.existing(node)?;
        if !m.is_up() {
            return Err(ActionError::AlreadyDown { node });
        }
        self.fault(format!("crash n{node}"));
        self.stop_member(node, Role::Down);
        Ok(())
    }

    /// Starts a crashed member from its disk.
    pub(super) fn restart(&mut self, node: NodeId) -> Result<(), ActionError> {
        let m = self.existing(node)?;
        if m.is_removed() {
            return Err(ActionError::RestartRemoved { node });
        }
        if m.is_up() {
            return Err(ActionError::AlreadyRunning { node });
        }
        self.fault(format!("restart n{node}"));
        self.start_member(node);
        Ok(())
    }

    /// Cuts a member off from all others, both ways.
    pub(super) fn isolate(&mut self, node: NodeId) -> Result<(), ActionError> {
        self.existing(node)?;
        let ids = self.member_ids();
        self.net.isolate(node, &ids);
        self.fault(format!("isolate n{node}"));
        Ok(())
    }

    /// Splits the members into groups that cannot talk to each other;
    /// members in no group are isolated.
    pub(super) fn partition(&mut self, groups: &[Vec<NodeId>]) -> Result<(), ActionError> {
        for g in groups {
            for &n in g {
                self.existing(n)?;
            }
        }
        let ids = self.member_ids();
        self.net.partition(&ids, groups);
        let parts: Vec<String> = groups.iter().map(|g| format!("{g:?}")).collect();
        self.fault(format!("partition {}", parts.join(" | ")));
        Ok(())
    }

    /// Cuts every link from `from` members to `to` members (one way).
    pub(super) fn partition_oneway(
        &mut self,
        from: &[NodeId],
        to: &[NodeId],
    ) -> Result<(), ActionError> {
        for &n in from.iter().chain(to) {
            self.existing(n)?;
        }
        for &a in from {
            for &b in to {
                self.net.cut_oneway(a, b);
            }
        }
        self.fault(format!("partition one way {from:?} -> {to:?}"));
        Ok(())
    }

    /// Cuts one link, or both directions.
    pub(super) fn cut(&mut self, from: NodeId, to: NodeId, both: bool) -> Result<(), ActionError> {
        self.existing(from)?;
        self.existing(to)?;
        if both {
            self.net.cut(from, to);
            self.fault(format!("cut n{from} <-> n{to}"));
        } else {
            self.net.cut_oneway(from, to);
            self.fault(format!("cut n{from} -> n{to}"));
        }
        Ok(())
    }

    /// Restores one link, or both directions.
    pub(super) fn repair(&mut self, from: NodeId, to: NodeId, both: bool) {
        if both {
            self.net.repair(from, to);
            self.fault(format!("repair n{from} <-> n{to}"));
        } else {
            self.net.repair_oneway(from, to);
            self.fault(format!("repair n{from} -> n{to}"));
        }
    }

    /// Restores every link and releases every held message.
    pub(super) fn heal_all(&mut self) {
        self.net.heal_all();
        let released = self.net.release_all(self.now, &mut self.rng);
        self.reschedule(released);
        self.fault("heal all".into());
    }

    /// Holds one message in flight until released.
    pub(super) fn hold(&mut self, msg: u64) -> Result<(), ActionError> {
        if !self.net.hold(msg) {
            return Err(ActionError::NotInFlight { msg });
        }
        self.fault(format!("hold message {msg}"));
        Ok(())
    }

    pub(super) fn release(&mut self, msg: u64) -> Result<(), ActionError> {
        let r = self
            .net
            .release(msg, self.now, &mut self.rng)
            .ok_or(ActionError::NotHeld { msg })?;
        self.reschedule(vec![r]);
        self.fault(format!("release message {msg}"));
        Ok(())
    }

    pub(super) fn drop_message(&mut self, msg: u64) -> Result<(), ActionError> {
        let m = self
            .net
            .drop_message(msg)
            .ok_or(ActionError::NotInFlight { msg })?;
        self.message_lost(msg, m.from, m.to, m.kind, DropReason::Manual);
        Ok(())
    }

    /// Holds every message on a link until released.
    pub(super) fn hold_link(&mut self, from: NodeId, to: NodeId) {
        self.net.hold_link(from, to);
        self.fault(format!("hold link n{from} -> n{to}"));
    }

    /// Releases a held link and its messages.
    pub(super) fn release_link(&mut self, from: NodeId, to: NodeId) {
        let released = self.net.release_link(from, to, self.now, &mut self.rng);
        self.reschedule(released);
        self.fault(format!("release link n{from} -> n{to}"));
    }

    /// Changes latency, jitter, loss and duplication.
    pub(super) fn set_network(&mut self, net: NetConfig) -> Result<(), ActionError> {
        net.validate()?;
        self.fault(format!(
            "network: latency {}±{} ms, loss {}, duplicate {}",
            net.latency_ms, net.jitter_ms, net.loss, net.duplicate
        ));
        self.net.config = net.clone();
        self.config.net = net;
        Ok(())
    }
}
