//! `member add`, `member remove`, `member promote` and `move-leader`, as
//! etcdctl 3.4 sends and prints them (`member_command.go`,
//! `move_leader_command.go`). Each answers once the serving member has
//! applied the change (etcd's server does the same), or fails at the
//! command timeout.
//!
//! Where the playground differs from etcd, and why:
//! - A member added here starts at once (the playground has no separate
//!   process to start), blank, and shows as `unstarted` in `member list`
//!   until the leader's snapshot reaches it. So adding a voter does not
//!   raise the quorum over a member that is not running yet, as it would in
//!   etcd until the new member is started.
//! - Its name is `etcd-K` for the next id K, which the console asks for.
//! - Its id is etcd's formula for an added member with the virtual time
//!   since [`ADD_EPOCH_SECS`], so it is deterministic.

use std::collections::BTreeMap;

use super::command::{Format, Line, LineError, EXIT_BAD_ARGS, EXIT_BAD_FEATURE};
use super::{out, running, Console, ConsoleHost, Printed, Waiting};
use crate::action::{Action, MemberChange};
use crate::action_error::ActionError;
use crate::cluster::Cluster;
use crate::deploy::{Deployment, Urls};
use crate::role::Role;
use crate::NodeId;

/// The Unix time that virtual time 0 stands for in added members' ids
/// (2026-01-01T00:00:00Z).
pub const ADD_EPOCH_SECS: u64 = 1_767_225_600;

/// etcd's `HealthInterval`: how long a member must have been connected to
/// every voter before it takes a `member add`.
pub const HEALTH_INTERVAL_MS: u64 = 5_000;

/// What a membership command waits to see applied.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum Change {
    Added { node: NodeId },
    Removed { node: NodeId },
    Promoted { node: NodeId },
}

impl Console {
    /// etcd's id of member `node`: founders' from their URLs and the token,
    /// added members' from the time they were added.
    pub(super) fn id(&self, node: NodeId) -> u64 {
        match self.added.get(&node) {
            Some(&id) => id,
            None => self.deployment.member_id(node),
        }
    }

    /// The member whose etcd id is `id`, among the members.
    fn node_with_id(&self, c: &Cluster, id: u64) -> Option<NodeId> {
        self.members(c).into_iter().find(|&n| self.id(n) == id)
    }

    pub(super) fn member_add(
        &mut self,
        host: &mut dyn ConsoleHost,
        serving: NodeId,
        name: &str,
        peer_url: &str,
        learner: bool,
        line: Line,
    ) -> Vec<Printed> {
        let c = host.cluster();
        let node = match c.next_member_id() {
            Ok(n) => n,
            Err(e) => return self.fail(LineError::exit(1, e.to_string()), None),
        };
        if name != Deployment::name(node) {
            return self.fail(
                LineError::exit(
                    1,
                    format!(
                        "the console names a new member after its id: this one is {}",
                        Deployment::name(node)
                    ),
                ),
                None,
            );
        }
        if (self.members(c).into_iter()).any(|n| self.deployment.peer_url(n) == peer_url) {
            return self.fail(
                LineError::exit(1, "etcdserver: Peer URLs already exists"),
                Some(serving),
            );
        }
        // etcd's strict reconfiguration check (`mayAddMember`): the serving
        // member must have been connected to every voting member for the
        // last 5 s (`HealthInterval`). The console sees connections now and
        // the cluster's age, not how long each link has been up.
        let voters = c.voters();
        let connected = voters.iter().all(|&v| running(c, v))
            && c.reach(serving, &voters) == voters.len()
            && c.now() >= HEALTH_INTERVAL_MS;
        if running(c, serving) && !connected {
            return self.fail(
                LineError::exit(1, "etcdserver: unhealthy cluster"),
                Some(serving),
            );
        }
        let change = if learner {
            MemberChange::AddLearner
        } else {
            MemberChange::AddVoter
        };
        let sent = c.now();
        if !running(c, serving) {
            return self.deadline(c, serving, Vec::new());
        }
        if peer_url != self.deployment.peer_url(node) {
            let client = self.deployment.client_url(node);
            let urls = Urls {
                client,
                peer: peer_url.to_string(),
            };
            self.deployment.urls.insert(node, urls);
        }
        let id = self
            .deployment
            .added_member_id(node, ADD_EPOCH_SECS + sent / 1000);
        self.added.insert(node, id);
        let acted = host.act(Action::ChangeMembership {
            changes: vec![(change, node)],
        });
        self.conf_sent(host, acted, serving, Change::Added { node }, line, sent)
    }

    /// The member `id` names, asked of `serving` at `sent`; or the answer
    /// etcd gives when `serving` is down or knows no such member.
    fn member_asked(
        &mut self,
        c: &Cluster,
        serving: NodeId,
        id: u64,
    ) -> Result<NodeId, Vec<Printed>> {
        if !running(c, serving) {
            return Err(self.deadline(c, serving, Vec::new()));
        }
        self.node_with_id(c, id).ok_or_else(|| {
            self.fail(
                LineError::exit(1, "etcdserver: member not found"),
                Some(serving),
            )
        })
    }

    pub(super) fn member_remove(
        &mut self,
        host: &mut dyn ConsoleHost,
        serving: NodeId,
        id: u64,
        line: Line,
    ) -> Vec<Printed> {
        let c = host.cluster();
        let sent = c.now();
        let node = match self.member_asked(c, serving, id) {
            Ok(n) => n,
            Err(printed) => return printed,
        };
        let acted = host.act(Action::ChangeMembership {
            changes: vec![(MemberChange::Remove, node)],
        });
        self.conf_sent(host, acted, serving, Change::Removed { node }, line, sent)
    }

    pub(super) fn member_promote(
        &mut self,
        host: &mut dyn ConsoleHost,
        serving: NodeId,
        id: u64,
        line: Line,
    ) -> Vec<Printed> {
        let c = host.cluster();
        let sent = c.now();
        let node = match self.member_asked(c, serving, id) {
            Ok(n) => n,
            Err(printed) => return printed,
        };
        if !c.membership().learners.contains(&node) {
            return self.fail(
                LineError::exit(1, "etcdserver: can only promote a learner member"),
                Some(serving),
            );
        }
        // etcd's `isLearnerReady`: the learner has 90% of the leader's log.
        let ready = c.leader().is_some_and(|leader| {
            let p = (c.member(leader).and_then(|m| m.live())).map_or(Vec::new(), |l| l.progress());
            let matched = |n| p.iter().find(|p| p.node == n).map_or(0, |p| p.matched);
            matched(node) as f64 >= matched(leader) as f64 * 0.9
        });
        if !ready {
            return self.fail(
                LineError::exit(
                    1,
                    "etcdserver: can only promote a learner member which is in sync with leader",
                ),
                Some(serving),
            );
        }
        let acted = host.act(Action::ChangeMembership {
            changes: vec![(MemberChange::AddVoter, node)],
        });
        self.conf_sent(host, acted, serving, Change::Promoted { node }, line, sent)
    }

    fn conf_sent(
        &mut self,
        host: &mut dyn ConsoleHost,
        acted: Result<Option<u64>, ActionError>,
        serving: NodeId,
        change: Change,
        line: Line,
        sent: u64,
    ) -> Vec<Printed> {
        match acted {
            Ok(_) => {}
            // etcd's server waits for a leader until the deadline.
            Err(ActionError::NoLeaderForChange) => {
                return self.deadline(host.cluster(), serving, Vec::new())
            }
            Err(e) => return self.fail(LineError::exit(1, e.to_string()), Some(serving)),
        }
        self.waiting = Some(Waiting::Conf {
            serving,
            change,
            line,
            sent,
        });
        self.poll(host)
    }

    /// A membership command's answer once `serving` applied it.
    pub(super) fn conf_poll(
        &mut self,
        c: &Cluster,
        serving: NodeId,
        change: Change,
        line: Line,
        sent: u64,
    ) -> Vec<Printed> {
        let applied = c.member(serving).and_then(|m| m.live()).is_some_and(|l| {
            let cs = l.conf_state();
            match change {
                Change::Added { node } => cs.voters.contains(&node) || cs.learners.contains(&node),
                Change::Removed { node } => {
                    !cs.voters.contains(&node) && !cs.learners.contains(&node)
                }
                Change::Promoted { node } => cs.voters.contains(&node),
            }
        });
        if !applied {
            if c.now() >= sent + self.timeout(c) {
                return self.fail(
                    LineError::exit(1, "context deadline exceeded"),
                    Some(serving),
                );
            }
            self.waiting = Some(Waiting::Conf {
                serving,
                change,
                line,
                sent,
            });
            return Vec::new();
        }
        let cluster = self.cluster_id(c);
        let h = self.header(c, serving, 0);
        let (text, member) = match (change, line.format) {
            (_, Format::Table) => {
                return self.fail(
                    LineError::exit(EXIT_BAD_FEATURE, "table not supported as output format"),
                    Some(serving),
                )
            }
            (_, Format::Fields) => {
                return self.fail(
                    LineError::exit(
                        EXIT_BAD_FEATURE,
                        "the console prints membership changes as simple or json only",
                    ),
                    Some(serving),
                )
            }
            (Change::Added { node }, Format::Simple) => {
                let mut s = format!(
                    "Member {:>16x} added to cluster {cluster:>16x}\n\n",
                    self.id(node)
                );
                let conf: Vec<String> = (self.by_id(&self.members(c)).into_iter())
                    .map(|n| {
                        let name = if n == node || started(c, n) {
                            Deployment::name(n)
                        } else {
                            String::new()
                        };
                        format!("{name}={}", self.deployment.peer_url(n))
                    })
                    .collect();
                s.push_str(&format!("ETCD_NAME=\"{}\"\n", Deployment::name(node)));
                s.push_str(&format!("ETCD_INITIAL_CLUSTER=\"{}\"\n", conf.join(",")));
                s.push_str(&format!(
                    "ETCD_INITIAL_ADVERTISE_PEER_URLS=\"{}\"\n",
                    self.deployment.peer_url(node)
                ));
                s.push_str("ETCD_INITIAL_CLUSTER_STATE=\"existing\"\n");
                (s, None)
            }
            (Change::Removed { node }, Format::Simple) => (
                format!(
                    "Member {:>16x} removed from cluster {cluster:>16x}\n",
                    self.id(node)
                ),
                None,
            ),
            (Change::Promoted { node }, Format::Simple) => (
                format!(
                    "Member {:>16x} promoted in cluster {cluster:>16x}\n",
                    self.id(node)
                ),
                None,
            ),
            (Change::Added { node }, Format::Json) => (String::new(), Some(node)),
            (_, Format::Json) => (String::new(), None),
        };
        if line.format == Format::Json {
            let members: Vec<String> = (self.by_id(&self.members(c)).into_iter())
                .map(|n| self.member_json(c, n))
                .collect();
            let mut s = format!("{{\"header\":{}", h.json());
            if let Some(n) = member {
                s.push_str(&format!(",\"member\":{}", self.member_json(c, n)));
            }
            s.push_str(&format!(",\"members\":[{}]}}\n", members.join(",")));
            return self.done(vec![out(s, serving)], 0);
        }
        self.done(vec![out(text, serving)], 0)
    }

    /// `move-leader ID`: etcdctl asks each endpoint's status until it finds
    /// the leader, and sends the transfer there.
    pub(super) fn move_leader(
        &mut self,
        host: &mut dyn ConsoleHost,
        endpoints: &[NodeId],
        given: &[String],
        target: u64,
    ) -> Vec<Printed> {
        let c = host.cluster();
        let sent = c.now();
        let mut leader = None;
        for &n in endpoints {
            let Some(live) = c.member(n).and_then(|m| m.live()) else {
                return self.deadline(c, n, Vec::new());
            };
            if live.role() == Role::Leader {
                leader = Some(n);
                break;
            }
        }
        let Some(leader) = leader else {
            let eps = if given.is_empty() {
                vec![self.deployment.client_url(endpoints[0])]
            } else {
                given.to_vec()
            };
            return self.fail(
                LineError::exit(
                    EXIT_BAD_ARGS,
                    format!("no leader endpoint given at [{}]", eps.join(" ")),
                ),
                None,
            );
        };
        let Some(to) = self.node_with_id(c, target) else {
            return self.fail(
                LineError::exit(1, "etcdserver: bad leader transferee"),
                Some(leader),
            );
        };
        if to != leader {
            if let Err(e) = host.act(Action::TransferLeader { to }) {
                return self.fail(LineError::exit(1, e.to_string()), Some(leader));
            }
        }
        self.waiting = Some(Waiting::Transfer {
            from: leader,
            to,
            sent,
        });
        self.poll(host)
    }

    pub(super) fn transfer_poll(
        &mut self,
        c: &Cluster,
        from: NodeId,
        to: NodeId,
        sent: u64,
    ) -> Vec<Printed> {
        if c.leader() == Some(to) {
            let text = format!(
                "Leadership transferred from {:x} to {:x}\n",
                self.id(from),
                self.id(to)
            );
            return self.done(vec![out(text, from)], 0);
        }
        if c.now() >= sent + self.timeout(c) {
            return self.fail(
                LineError::exit(
                    1,
                    "etcdserver: request timed out, leader transfer took too long",
                ),
                Some(from),
            );
        }
        self.waiting = Some(Waiting::Transfer { from, to, sent });
        Vec::new()
    }
}

/// Whether a member has started as etcd means it: it has applied entries
/// (a blank member waits for the leader's snapshot).
pub(super) fn started(c: &Cluster, n: NodeId) -> bool {
    c.member(n)
        .is_some_and(|m| m.role() == Role::Down || m.live().is_some_and(|l| l.applied() > 0))
}

/// Ids of members the console added, by member.
pub(super) type Added = BTreeMap<NodeId, u64>;
