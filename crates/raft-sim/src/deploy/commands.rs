//! The commands around the files: start the members, check the cluster
//! with etcdctl, and repeat on the real cluster the membership changes made
//! in the playground (member add, then start the new member with
//! `ETCD_INITIAL_CLUSTER_STATE="existing"`; member promote; member remove).

use super::conf::CONF_PATH;
use super::{tls, Deployment};
use crate::cluster::Cluster;
use crate::role::Role;
use crate::NodeId;

/// The membership of the cluster on screen against the one it started with.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Plan {
    /// The founding members (static bootstrap).
    pub founders: Vec<NodeId>,
    /// Members added since, in id order, with whether each is a learner now.
    pub added: Vec<(NodeId, bool)>,
    /// Founders (or added members) removed since.
    pub removed: Vec<NodeId>,
}

impl Plan {
    /// The plan of a cluster: founders from its configuration, the rest
    /// from its latest membership.
    pub fn of(c: &Cluster) -> Plan {
        let founders: Vec<NodeId> = (1..=c.config().members).collect();
        let conf = c.membership();
        let in_conf = |n: &NodeId| conf.voters.contains(n) || conf.learners.contains(n);
        let mut plan = Plan {
            founders,
            ..Plan::default()
        };
        for n in c.member_ids() {
            let gone = c.role(n) == Some(Role::Removed) || !in_conf(&n);
            if n > c.config().members && !gone {
                plan.added.push((n, conf.learners.contains(&n)));
            }
            if gone {
                plan.removed.push(n);
            }
        }
        plan
    }

    /// Every member a file names: the founders, then those added since
    /// (ids above the founders'), in id order.
    pub fn named(&self) -> Vec<NodeId> {
        (self.founders.iter().copied())
            .chain(self.added.iter().map(|a| a.0))
            .collect()
    }

    /// The members once every step ran.
    pub fn members(&self) -> Vec<NodeId> {
        let mut m: Vec<NodeId> = (self.founders.iter().copied())
            .chain(self.added.iter().map(|a| a.0))
            .filter(|n| !self.removed.contains(n))
            .collect();
        m.sort_unstable();
        m
    }
}

impl Deployment {
    /// `etcdctl` with the TLS flags and every member of `members` as an
    /// endpoint.
    pub fn etcdctl(&self, members: &[NodeId]) -> String {
        let eps: Vec<String> = members.iter().map(|&n| self.client_url(n)).collect();
        let tls = if self.tls {
            format!(" {}", tls::etcdctl_flags())
        } else {
            String::new()
        };
        format!("etcdctl{tls} --endpoints={}", eps.join(","))
    }

    /// The checks of a deployed cluster: every member healthy, their status
    /// and the member list.
    pub fn check_commands(&self, members: &[NodeId]) -> String {
        let ctl = self.etcdctl(members);
        format!(
            "# All healthy means the cluster is deployed.\n\
             {ctl} endpoint health\n\
             {ctl} endpoint status -w table\n\
             {ctl} member list -w table\n"
        )
    }

    /// Member `node`'s etcd.conf as `plan` deploys it: a founder bootstraps
    /// the founding cluster; a member added later joins the cluster as it
    /// was when it joined (the founders and the members added up to it:
    /// [`Deployment::change_commands`] adds before it removes).
    pub fn member_conf(&self, plan: &Plan, node: NodeId) -> String {
        match plan.added.iter().position(|a| a.0 == node) {
            Some(i) => {
                let mut then = plan.founders.clone();
                then.extend(plan.added[..=i].iter().map(|a| a.0));
                self.etcd_conf(node, &then, true)
            }
            None => self.etcd_conf(node, &plan.founders, false),
        }
    }

    /// Everything to run, in order: start the founders, check them, then
    /// the membership changes.
    pub fn commands(&self, plan: &Plan) -> String {
        let hosts: Vec<String> = plan.founders.iter().map(|&n| self.host(n)).collect();
        format!(
            "# On each founding member ({}), with its etcd.conf and the unit in place:\n{}\n{}\n{}",
            hosts.join(", "),
            Deployment::systemd_start(),
            self.check_commands(&plan.founders),
            self.change_commands(plan)
        )
    }

    /// The steps that make a real cluster, started from the founders,
    /// reach the membership on screen, in an order that keeps a quorum:
    /// additions first, each started before the next; then removals.
    pub fn change_commands(&self, plan: &Plan) -> String {
        let mut now: Vec<NodeId> = plan.founders.clone();
        let mut s = String::new();
        if plan.added.is_empty() && plan.removed.is_empty() {
            s.push_str("# The membership has not changed since the cluster started.\n");
        }
        for &(n, learner) in &plan.added {
            now.push(n);
            let ctl = self.etcdctl(&now[..now.len() - 1]);
            let flag = if learner { " --learner" } else { "" };
            let name = Deployment::name(n);
            s.push_str(&format!(
                "# {name} joins: announce it (etcd takes this only when every member has\n\
                 # been connected for 5 s), then start it on {} with this {CONF_PATH}:\n\
                 {ctl} member add {name} --peer-urls={}{flag}\n",
                self.host(n),
                self.peer_url(n)
            ));
            for line in self.member_conf(plan, n).lines() {
                s.push_str(&format!("#   {line}\n"));
            }
            s.push_str(Deployment::systemd_start());
            if learner {
                s.push_str(
                    "# It stays a learner; once it has caught up, `member promote ID`\n\
                     # (the ID member add printed) makes it a voter.\n",
                );
            }
        }
        for &n in &plan.removed {
            now.retain(|&m| m != n);
            let id = if plan.founders.contains(&n) {
                format!("{:x}", self.member_id(n))
            } else {
                "ID".into()
            };
            s.push_str(&format!(
                "# {} leaves (then stop it: systemctl disable --now etcd):\n{} member remove {id}\n",
                Deployment::name(n),
                self.etcdctl(&now)
            ));
        }
        s
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::action::{Action, MemberChange};
    use crate::cluster::ClusterConfig;

    #[test]
    fn the_plan_follows_the_membership_on_screen() {
        let mut c = Cluster::new(ClusterConfig::default()).unwrap();
        c.advance(3_000);
        let change = |changes| Action::ChangeMembership { changes };
        c.apply(change(vec![(MemberChange::AddLearner, 4)]))
            .unwrap();
        c.advance(2_000);
        c.apply(change(vec![(MemberChange::Remove, 2)])).unwrap();
        c.advance(2_000);
        let plan = Plan::of(&c);
        assert_eq!(plan.founders, [1, 2, 3]);
        assert_eq!(plan.added, [(4, true)]);
        assert_eq!(plan.removed, [2]);
        assert_eq!(plan.members(), [1, 3, 4]);
        let d = Deployment::default();
        let text = d.change_commands(&plan);
        assert!(
            text.contains("member add etcd-4 --peer-urls=http://192.168.0.103:2380 --learner"),
            "{text}"
        );
        assert!(text.contains("#   ETCD_INITIAL_CLUSTER=\"etcd-1=http://192.168.0.100:2380,etcd-2=http://192.168.0.101:2380,etcd-3=http://192.168.0.102:2380,etcd-4=http://192.168.0.103:2380\""), "{text}");
        assert!(
            text.contains(&format!("member remove {:x}", d.member_id(2))),
            "{text}"
        );
    }

    #[test]
    fn checks_name_every_member_and_tls_adds_the_client_pair() {
        let d = Deployment {
            tls: true,
            ..Deployment::default()
        };
        let text = d.check_commands(&[1, 2, 3]);
        assert!(text.contains("etcdctl --cacert=/etc/etcd/pki/ca.pem --cert=/etc/etcd/pki/client.pem --key=/etc/etcd/pki/client-key.pem --endpoints=https://192.168.0.100:2379,https://192.168.0.101:2379,https://192.168.0.102:2379 endpoint health"), "{text}");
    }
}
