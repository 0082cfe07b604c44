//! The one place where a command that is a single cluster action resolves
//! its member references and becomes an [`Action`].

use super::*;
use crate::cluster::Cluster;
use crate::scenario::Names;

impl Command {
    /// The cluster action this command is, with its members resolved now;
    /// `None` for commands that are not one action (time, conditions,
    /// names, requests, watches and picking messages, which the runner
    /// does itself).
    pub fn action(&self, r: &Runner) -> Result<Option<Action>, String> {
        let (cluster, names) = r.parts();
        self.action_in(cluster, names)
    }

    /// [`Command::action`] on a cluster and names held elsewhere: a single
    /// line typed outside a script (the page's embedding API) resolves its
    /// members with `Names::default()`.
    pub fn action_in(&self, cluster: &Cluster, names: &Names) -> Result<Option<Action>, String> {
        let node = |n: &NodeRef| names.resolve(cluster, n);
        let nodes = |ns: &[NodeRef]| {
            ns.iter()
                .map(|n| names.resolve(cluster, n))
                .collect::<Result<Vec<_>, _>>()
        };
        let net = || cluster.config().net.clone();
        Ok(Some(match self {
            Command::Crash(n) => Action::Crash { node: node(n)? },
            Command::Restart(n) => Action::Restart { node: node(n)? },
            Command::Wipe(n) => Action::WipeAndRejoin { node: node(n)? },
            Command::Isolate(n) => Action::Isolate { node: node(n)? },
            Command::Campaign(n) => Action::Campaign { node: node(n)? },
            Command::Compact(n) => Action::Compact { node: node(n)? },
            Command::TransferLeader(n) => Action::TransferLeader { to: node(n)? },
            Command::Partition(groups) => Action::Partition {
                groups: names.partition_groups(cluster, groups)?,
            },
            Command::PartitionOneway(from, to) => Action::PartitionOneway {
                from: nodes(from)?,
                to: nodes(to)?,
            },
            Command::Cut(Link { from, to, both }) => Action::Cut {
                from: node(from)?,
                to: node(to)?,
                both: *both,
            },
            Command::Repair(Link { from, to, both }) => Action::Repair {
                from: node(from)?,
                to: node(to)?,
                both: *both,
            },
            Command::Heal => Action::HealAll,
            Command::HoldLink(Link { from, to, .. }) => Action::HoldLink {
                from: node(from)?,
                to: node(to)?,
            },
            Command::ReleaseLink(Link { from, to, .. }) => Action::ReleaseLink {
                from: node(from)?,
                to: node(to)?,
            },
            // Each network command changes only its own setting.
            Command::Latency(ms) => Action::SetNetwork {
                net: crate::NetConfig {
                    latency_ms: *ms,
                    ..net()
                },
            },
            Command::Jitter(ms) => Action::SetNetwork {
                net: crate::NetConfig {
                    jitter_ms: *ms,
                    ..net()
                },
            },
            Command::Loss(p) => Action::SetNetwork {
                net: crate::NetConfig { loss: *p, ..net() },
            },
            Command::Duplicate(p) => Action::SetNetwork {
                net: crate::NetConfig {
                    duplicate: *p,
                    ..net()
                },
            },
            Command::PreVote(on) => Action::SetPreVote { on: *on },
            Command::CheckQuorum(on) => Action::SetCheckQuorum { on: *on },
            Command::Membership(changes) => Action::ChangeMembership {
                changes: changes
                    .iter()
                    .map(|(c, n)| node(n).map(|id| (*c, id)))
                    .collect::<Result<_, _>>()?,
            },
            Command::ReleaseMsg(label) => Action::Release {
                msg: names.message(label)?,
            },
            Command::DropMsg(label) => Action::Drop {
                msg: names.message(label)?,
            },
            Command::Run(_)
            | Command::Wait(..)
            | Command::Assert(_)
            | Command::Remember(..)
            | Command::ExpectError(_)
            | Command::Request { .. }
            | Command::Watch { .. }
            | Command::Drop(_)
            | Command::HoldMsg(..) => return Ok(None),
        }))
    }
}
