//! The cluster commands' answers: `member list`, `endpoint status` and
//! `endpoint health` as etcdctl 3.4 prints them, from the members'
//! state (no request goes through Raft but health's read).

use super::command::Format;
use super::membership::started;
use super::print::{self, human_bytes, table, Header};
use super::{err, out, Console, Printed, Waiting, ETCD_VERSION};
use crate::cluster::Cluster;
use crate::deploy::Deployment;
use crate::NodeId;

impl Console {
    pub(super) fn member_list(&self, c: &Cluster, node: NodeId, format: Format) -> String {
        let d = &self.deployment;
        let learners = &c.membership().learners;
        // An unstarted member has published no name or client URL yet.
        let rows: Vec<(u64, &str, String, String, String, bool)> = self
            .by_id(&self.members(c))
            .into_iter()
            .map(|n| {
                let up = started(c, n);
                (
                    self.id(n),
                    if up { "started" } else { "unstarted" },
                    if up {
                        Deployment::name(n)
                    } else {
                        String::new()
                    },
                    d.peer_url(n),
                    if up { d.client_url(n) } else { String::new() },
                    learners.contains(&n),
                )
            })
            .collect();
        let h = Header {
            revision: 0,
            ..self.header(c, node, 0)
        };
        match format {
            Format::Simple => rows
                .iter()
                .map(|(id, status, name, peer, client, learner)| {
                    format!("{id:x}, {status}, {name}, {peer}, {client}, {learner}\n")
                })
                .collect(),
            Format::Json => {
                let members: Vec<String> = (self.by_id(&self.members(c)).into_iter())
                    .map(|n| self.member_json(c, n))
                    .collect();
                format!(
                    "{{\"header\":{},\"members\":[{}]}}\n",
                    h.json(),
                    members.join(",")
                )
            }
            Format::Fields => {
                let mut s = h.fields();
                for (id, _, name, peer, client, learner) in &rows {
                    s.push_str(&format!(
                        "\"ID\" : {id}\n\"Name\" : {}\n\"PeerURL\" : {}\n\"ClientURL\" : {}\n\"IsLearner\" : {learner}\n\n",
                        print::go_quote(name),
                        print::go_quote(peer),
                        print::go_quote(client)
                    ));
                }
                s
            }
            Format::Table => {
                let cells: Vec<Vec<String>> = rows
                    .iter()
                    .map(|(id, status, name, peer, client, learner)| {
                        vec![
                            format!("{id:x}"),
                            status.to_string(),
                            name.clone(),
                            peer.clone(),
                            client.clone(),
                            learner.to_string(),
                        ]
                    })
                    .collect();
                let header = [
                    "ID",
                    "STATUS",
                    "NAME",
                    "PEER ADDRS",
                    "CLIENT ADDRS",
                    "IS LEARNER",
                ];
                table(&header, &cells, &[true; 6])
            }
        }
    }

    /// One member as `member list -w json` shows it (an unstarted one
    /// without name and client URLs).
    pub(super) fn member_json(&self, c: &Cluster, n: NodeId) -> String {
        let d = &self.deployment;
        let mut m = format!("{{\"ID\":{}", self.id(n));
        if started(c, n) {
            m.push_str(&format!(",\"name\":\"{}\"", Deployment::name(n)));
        }
        m.push_str(&format!(",\"peerURLs\":[\"{}\"]", d.peer_url(n)));
        if started(c, n) {
            m.push_str(&format!(",\"clientURLs\":[\"{}\"]", d.client_url(n)));
        }
        if c.membership().learners.contains(&n) {
            m.push_str(",\"isLearner\":true");
        }
        m + "}"
    }

    pub(super) fn status(&mut self, c: &Cluster, nodes: &[NodeId], format: Format) -> Vec<Printed> {
        let d = &self.deployment;
        let mut rows = Vec::new();
        let mut failed = Vec::new();
        for &n in nodes {
            let Some(live) = c.member(n).and_then(|m| m.live()) else {
                failed.push(n);
                continue;
            };
            let kv = live.kv();
            // bbolt's file: 20 kB empty, growing in 4 KiB pages with the
            // store's history (an estimate; etcd's exact size depends on
            // its B+tree, and the differential test ignores it).
            let bytes = kv.revision() * 64 + kv.len() as u64 * 64;
            let db = 20_480 + bytes.div_ceil(4096) * 4096 + 4096;
            rows.push((
                n,
                self.header(c, n, kv.revision()),
                db,
                live.leader(),
                c.membership().learners.contains(&n),
                live.last_index(),
                live.term(),
                live.applied(),
            ));
        }
        let url = |n: NodeId| d.client_url(n);
        let text = match format {
            Format::Simple => rows
                .iter()
                .map(|(n, _, db, leader, learner, index, term, applied)| {
                    format!(
                        "{}, {:x}, {ETCD_VERSION}, {}, {}, {learner}, {term}, {index}, {applied}, \n",
                        url(*n),
                        self.id(*n),
                        human_bytes(*db),
                        leader == n
                    )
                })
                .collect(),
            Format::Json => {
                let items: Vec<String> = rows
                    .iter()
                    .map(|(n, h, db, leader, learner, index, term, applied)| {
                        let leader_id = if *leader == 0 { 0 } else { self.id(*leader) };
                        let mut s = format!(
                            "{{\"Endpoint\":\"{}\",\"Status\":{{\"header\":{},\"version\":\"{ETCD_VERSION}\",\"dbSize\":{db}",
                            url(*n),
                            h.json()
                        );
                        if leader_id > 0 {
                            s.push_str(&format!(",\"leader\":{leader_id}"));
                        }
                        s.push_str(&format!(",\"raftIndex\":{index},\"raftTerm\":{term},\"raftAppliedIndex\":{applied},\"dbSizeInUse\":{db}"));
                        if *learner {
                            s.push_str(",\"isLearner\":true");
                        }
                        s + "}}"
                    })
                    .collect();
                format!("[{}]\n", items.join(","))
            }
            Format::Fields => rows
                .iter()
                .map(|(n, h, db, leader, learner, index, term, applied)| {
                    let leader_id = if *leader == 0 { 0 } else { self.id(*leader) };
                    format!(
                        "{}\"Version\" : \"{ETCD_VERSION}\"\n\"DBSize\" : {db}\n\"Leader\" : {leader_id}\n\"IsLearner\" : {learner}\n\"RaftIndex\" : {index}\n\"RaftTerm\" : {term}\n\"RaftAppliedIndex\" : {applied}\n\"Errors\" : []\n\"Endpoint\" : \"{}\"\n\n",
                        h.fields(),
                        url(*n)
                    )
                })
                .collect(),
            Format::Table => {
                let cells: Vec<Vec<String>> = rows
                    .iter()
                    .map(|(n, _, db, leader, learner, index, term, applied)| {
                        vec![
                            url(*n),
                            format!("{:x}", self.id(*n)),
                            ETCD_VERSION.into(),
                            human_bytes(*db),
                            (leader == n).to_string(),
                            learner.to_string(),
                            term.to_string(),
                            index.to_string(),
                            applied.to_string(),
                            String::new(),
                        ]
                    })
                    .collect();
                let header = [
                    "ENDPOINT",
                    "ID",
                    "VERSION",
                    "DB SIZE",
                    "IS LEADER",
                    "IS LEARNER",
                    "RAFT TERM",
                    "RAFT INDEX",
                    "RAFT APPLIED INDEX",
                    "ERRORS",
                ];
                table(&header, &cells, &[true; 10])
            }
        };
        let served = nodes.first().copied();
        let mut printed = Vec::new();
        for n in &failed {
            printed.push(Printed {
                text: format!(
                    "Failed to get the status of endpoint {} (context deadline exceeded)\n",
                    url(*n)
                ),
                stderr: true,
                served_by: Some(*n),
                watch: false,
            });
        }
        if !rows.is_empty() {
            printed.push(out(text, served));
        }
        if failed.is_empty() {
            return self.done(printed, 0);
        }
        let at = c.now() + self.timeout(c);
        self.waiting = Some(Waiting::Until {
            at,
            printed,
            exit: 1,
        });
        Vec::new()
    }

    pub(super) fn health(
        &mut self,
        done: &[(NodeId, Option<String>, u64)],
        format: Format,
    ) -> Vec<Printed> {
        let d = &self.deployment;
        let mut order: Vec<&(NodeId, Option<String>, u64)> = done.iter().collect();
        order.sort_by_key(|(_, _, took)| *took);
        let unhealthy = done.iter().any(|(_, f, _)| f.is_some());
        let mut printed = Vec::new();
        match format {
            Format::Json => {
                let items: Vec<String> = order
                    .iter()
                    .map(|(n, f, took)| {
                        let mut s = format!(
                            "{{\"endpoint\":\"{}\",\"health\":{},\"took\":\"{}\"",
                            d.client_url(*n),
                            f.is_none(),
                            go_duration(*took)
                        );
                        if let Some(e) = f {
                            s.push_str(&format!(
                                ",\"error\":{}",
                                serde_json::Value::from(e.as_str())
                            ));
                        }
                        s + "}"
                    })
                    .collect();
                printed.push(out(format!("[{}]\n", items.join(",")), None));
            }
            Format::Table => {
                let cells: Vec<Vec<String>> = order
                    .iter()
                    .map(|(n, f, took)| {
                        vec![
                            d.client_url(*n),
                            f.is_none().to_string(),
                            go_duration(*took),
                            f.clone().unwrap_or_default(),
                        ]
                    })
                    .collect();
                printed.push(out(
                    table(&["ENDPOINT", "HEALTH", "TOOK", "ERROR"], &cells, &[true; 4]),
                    None,
                ));
            }
            Format::Simple | Format::Fields => {
                for (n, f, took) in order {
                    let text = match f {
                        None => format!(
                            "{} is healthy: successfully committed proposal: took = {}\n",
                            d.client_url(*n),
                            go_duration(*took)
                        ),
                        Some(e) => format!(
                            "{} is unhealthy: failed to commit proposal: {e}\n",
                            d.client_url(*n)
                        ),
                    };
                    printed.push(Printed {
                        text,
                        stderr: true,
                        served_by: Some(*n),
                        watch: false,
                    });
                }
            }
        }
        if unhealthy {
            printed.push(err("unhealthy cluster".into(), None));
            return self.done(printed, 1);
        }
        self.done(printed, 0)
    }
}

/// Go's `time.Duration.String()` for whole virtual milliseconds.
fn go_duration(ms: u64) -> String {
    match ms {
        0 => "0s".into(),
        ms if ms < 1000 => format!("{ms}ms"),
        ms if ms % 1000 == 0 => format!("{}s", ms / 1000),
        ms => format!("{}s", (ms as f64 / 1000.0)),
    }
}
