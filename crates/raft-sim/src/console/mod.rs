//! An etcdctl 3.4 console over the simulated cluster: command lines as
//! typed at a shell, answered with what etcdctl prints (see
//! `tests/etcd/*.txt`, recorded from real etcdctl), byte for byte apart
//! from times and the DB size.
//!
//! The console never moves the clock: [`Console::submit`] sends a line's
//! requests, and [`Console::poll`], called after the clock moved, prints
//! the answers that came. Natively `raft-sim console` advances the clock
//! between polls until the command is done; the page lets its own clock
//! run. It acts only through a [`ConsoleHost`], so the page can log every
//! action for replay.
//!
//! Member nK is `etcd-K` at the [`Deployment`]'s URLs; ids are etcd's.
//! What is not reproduced: etcdctl's JSON log lines on stderr (zap
//! warnings with timestamps) and its usage text after a bad flag.

use crate::action::Action;
use crate::action_error::ActionError;
use crate::client::{ClientError, ClientOp, OpResult, ReadMode, Reply};
use crate::cluster::Cluster;
use crate::deploy::Deployment;
use crate::kv::RangeRequest;
use crate::role::Role;
use crate::NodeId;

mod cluster;
pub mod command;
pub mod drive;
mod membership;
pub mod print;
mod txn;
mod watch;

use command::{Command, Fault, Format, Line, LineError, DOT_USAGE, EXIT_BAD_FEATURE};
use membership::{Added, Change};
use print::Header;
use txn::TxnInput;
use watch::Background;

pub use membership::ADD_EPOCH_SECS;

/// Client id of the console's requests in the history.
pub const CONSOLE_CLIENT: u64 = 3;
/// The etcd version the console speaks for.
pub const ETCD_VERSION: &str = "3.4.23";

/// What the console needs of whoever runs the cluster.
pub trait ConsoleHost {
    /// The cluster, to read.
    fn cluster(&self) -> &Cluster;
    /// Applies an action (the page logs it for replay).
    fn act(&mut self, action: Action) -> Result<Option<u64>, ActionError>;
}

impl ConsoleHost for Cluster {
    fn cluster(&self) -> &Cluster {
        self
    }

    fn act(&mut self, action: Action) -> Result<Option<u64>, ActionError> {
        self.apply(action)
    }
}

/// Some printed text.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Printed {
    /// The text, newlines included.
    pub text: String,
    /// Standard error (`Error: …`) rather than standard output.
    pub stderr: bool,
    /// The member that served the answer.
    pub served_by: Option<NodeId>,
    /// Printed by a watch running in the background, not by the command
    /// that was typed last.
    pub watch: bool,
}

/// A command waiting for its answer.
#[derive(Clone, Debug)]
enum Waiting {
    /// One request: put, get, del.
    Request {
        op_id: u64,
        node: NodeId,
        line: Line,
        sent: u64,
    },
    /// `endpoint health`: one read per endpoint, printed as they finish.
    Health {
        checks: Vec<(NodeId, u64)>,
        format: Format,
        sent: u64,
        done: Vec<(NodeId, Option<String>, u64)>,
    },
    /// A membership change, until the serving member applied it.
    Conf {
        serving: NodeId,
        change: Change,
        line: Line,
        sent: u64,
    },
    /// `move-leader`, until the new leader leads.
    Transfer { from: NodeId, to: NodeId, sent: u64 },
    /// An answer that etcdctl gives only when its deadline passes.
    Until {
        at: u64,
        printed: Vec<Printed>,
        exit: i32,
    },
}

/// The console.
pub struct Console {
    deployment: Deployment,
    waiting: Option<Waiting>,
    /// A `txn` whose lines are being read, with its line and member.
    reading: Option<(TxnInput, Line, NodeId)>,
    /// Watches running in the background.
    watches: Vec<Background>,
    /// Ids of the members the console added.
    added: Added,
    exit: i32,
}

impl Console {
    /// A console speaking for `deployment`'s members.
    pub fn new(deployment: Deployment) -> Console {
        Console {
            deployment,
            waiting: None,
            reading: None,
            watches: Vec::new(),
            added: Added::new(),
            exit: 0,
        }
    }

    /// Whether a command waits for its answer (the next line must wait).
    pub fn busy(&self) -> bool {
        self.waiting.is_some()
    }

    /// Whether the console is reading a `txn`'s lines (the page shows a
    /// continuation prompt).
    pub fn reading_txn(&self) -> bool {
        self.reading.is_some()
    }

    /// etcdctl's exit status of the last command that finished.
    pub fn exit_status(&self) -> i32 {
        self.exit
    }

    /// Reads one line and starts it; prints at once what needs no waiting.
    pub fn submit(&mut self, host: &mut dyn ConsoleHost, line: &str) -> Vec<Printed> {
        if let Some((mut input, txn_line, node)) = self.reading.take() {
            return match input.feed(line) {
                Ok(false) => {
                    self.reading = Some((input, txn_line, node));
                    Vec::new()
                }
                Ok(true) => {
                    let op = ClientOp::Txn(input.req);
                    self.request(host, node, op, ReadMode::Linearizable, txn_line)
                }
                Err(e) => self.fail(e, None),
            };
        }
        let line = match command::parse(line) {
            Ok(Some(line)) => line,
            Ok(None) => return Vec::new(),
            Err(e) => return self.fail(e, None),
        };
        let members = self.members(host.cluster());
        let chosen: Result<Vec<NodeId>, LineError> = if line.endpoints.is_empty() {
            Ok(members.first().copied().into_iter().collect())
        } else {
            (line.endpoints.iter())
                .map(|e| {
                    self.deployment.node_at(e, &members).ok_or_else(|| LineError {
                        message: format!(
                            "no member of this cluster listens at {e} (member list shows their client URLs)"
                        ),
                        exit: 1,
                    })
                })
                .collect()
        };
        let endpoints = match chosen {
            Ok(e) => e,
            Err(e) => return self.fail(e, None),
        };
        let node = endpoints[0];
        let now = host.cluster().now();
        match &line.command {
            Command::Put { key, value } => {
                let op = ClientOp::Put {
                    key: key.clone(),
                    value: value.clone(),
                };
                self.request(host, node, op, ReadMode::Linearizable, line)
            }
            Command::Get {
                req, serializable, ..
            } => {
                let mode = if *serializable {
                    ReadMode::Serializable
                } else {
                    ReadMode::Linearizable
                };
                let op = ClientOp::RangeRequest(req.clone());
                self.request(host, node, op, mode, line)
            }
            Command::Del { key, end } => {
                let op = ClientOp::DeleteRange {
                    key: key.clone(),
                    end: end.clone(),
                };
                self.request(host, node, op, ReadMode::Linearizable, line)
            }
            Command::Txn => {
                self.reading = Some((TxnInput::default(), line, node));
                Vec::new()
            }
            Command::Compaction { revision } => {
                let op = ClientOp::Compact {
                    revision: *revision,
                };
                self.request(host, node, op, ReadMode::Linearizable, line)
            }
            &Command::Watch {
                ref key,
                prefix,
                revision,
            } => {
                let c = host.cluster();
                if !running(c, node) {
                    return self.deadline(c, node, Vec::new());
                }
                let replay_to = c
                    .member(node)
                    .and_then(|m| m.live())
                    .map_or(0, |l| l.kv().revision());
                let action = Action::Watch {
                    node,
                    key: key.clone(),
                    prefix,
                    start_revision: revision,
                };
                match host.act(action) {
                    Ok(Some(id)) => {
                        self.watches.push(Background {
                            id,
                            format: line.format,
                            shown: 0,
                            replay_to,
                        });
                        let printed = self.watch_output(host.cluster());
                        self.done(printed, 0)
                    }
                    Ok(None) => Vec::new(),
                    Err(e) => self.fail(LineError::exit(1, e.to_string()), Some(node)),
                }
            }
            Command::MemberAdd {
                name,
                peer_url,
                learner,
            } => {
                let (name, peer_url, learner) = (name.clone(), peer_url.clone(), *learner);
                self.member_add(host, node, &name, &peer_url, learner, line)
            }
            &Command::MemberRemove { id } => self.member_remove(host, node, id, line),
            &Command::MemberPromote { id } => self.member_promote(host, node, id, line),
            &Command::MoveLeader { id } => {
                let given = line.endpoints.clone();
                self.move_leader(host, &endpoints, &given, id)
            }
            Command::Cancel => {
                for b in std::mem::take(&mut self.watches) {
                    // A watch the server canceled is gone already.
                    let _ = host.act(Action::CancelWatch { watch: b.id });
                }
                self.done(Vec::new(), 0)
            }
            Command::MemberList => {
                let c = host.cluster();
                if !running(c, node) {
                    return self.deadline(c, node, Vec::new());
                }
                let text = self.member_list(c, node, line.format);
                self.done(vec![out(text, node)], 0)
            }
            Command::EndpointStatus { cluster } => {
                let c = host.cluster();
                let nodes = if *cluster {
                    self.by_id(&members)
                } else {
                    endpoints
                };
                self.status(c, &nodes, line.format)
            }
            Command::EndpointHealth { cluster } => {
                let nodes = if *cluster {
                    self.by_id(&members)
                } else {
                    endpoints
                };
                let mut checks = Vec::new();
                for n in nodes {
                    let op = ClientOp::RangeRequest(RangeRequest::key("health"));
                    if let Ok(Some(op_id)) = host.act(Action::Client {
                        client: CONSOLE_CLIENT,
                        node: n,
                        op,
                        mode: ReadMode::Linearizable,
                    }) {
                        checks.push((n, op_id));
                    }
                }
                self.waiting = Some(Waiting::Health {
                    checks,
                    format: line.format,
                    sent: now,
                    done: Vec::new(),
                });
                self.poll(host)
            }
            Command::Fault { what, name } => {
                let Some(n) = Deployment::node_named(name).filter(|n| members.contains(n)) else {
                    return self.fail(
                        LineError {
                            message: format!(
                                "no member named {name} (member list shows their names)"
                            ),
                            exit: 1,
                        },
                        None,
                    );
                };
                let action = match what {
                    Fault::Crash => Action::Crash { node: n },
                    Fault::Restart => Action::Restart { node: n },
                    Fault::Isolate => Action::Isolate { node: n },
                };
                self.acted(host.act(action))
            }
            Command::Heal => self.acted(host.act(Action::HealAll)),
            Command::Wait(ms) => {
                self.waiting = Some(Waiting::Until {
                    at: now + ms,
                    printed: Vec::new(),
                    exit: 0,
                });
                Vec::new()
            }
            Command::Help => {
                let mut text = String::from(
                    "etcdctl commands: put, get, del, txn, compaction, watch, member list/add/remove/promote,\n\
                     move-leader, endpoint health, endpoint status (flags as etcdctl 3.4's;\n\
                     --endpoints picks the member that serves). txn reads the lines after it:\n\
                     compares, a blank line, success ops, a blank line, failure ops, a blank line.\n\
                     watch runs in the background until .cancel.\n\
                     The console's own commands:\n",
                );
                for (c, what) in DOT_USAGE {
                    text.push_str(&format!("  {c:<16} {what}\n"));
                }
                self.done(vec![out(text, None)], 0)
            }
        }
    }

    /// The input ended: a `txn` still being read fails as etcdctl's does
    /// when its stdin ends early.
    pub fn end_of_input(&mut self) -> Vec<Printed> {
        match self.reading.take() {
            Some(_) => self.fail(LineError::exit(command::EXIT_INVALID_INPUT, "EOF"), None),
            None => Vec::new(),
        }
    }

    /// Prints what finished since the last call (call after the clock moved).
    pub fn poll(&mut self, host: &mut dyn ConsoleHost) -> Vec<Printed> {
        let c = host.cluster();
        let exit = self.exit;
        let mut printed = self.watch_output(c);
        if self.waiting.is_some() {
            // A watch canceled while a command runs does not decide the
            // command's exit status.
            self.exit = exit;
        }
        printed.extend(self.poll_command(host));
        printed
    }

    fn poll_command(&mut self, host: &mut dyn ConsoleHost) -> Vec<Printed> {
        let c = host.cluster();
        let now = c.now();
        match self.waiting.take() {
            None => Vec::new(),
            Some(Waiting::Conf {
                serving,
                change,
                line,
                sent,
            }) => self.conf_poll(c, serving, change, line, sent),
            Some(Waiting::Transfer { from, to, sent }) => self.transfer_poll(c, from, to, sent),
            Some(Waiting::Until { at, printed, exit }) => {
                if now >= at {
                    self.done(printed, exit)
                } else {
                    self.waiting = Some(Waiting::Until { at, printed, exit });
                    Vec::new()
                }
            }
            Some(Waiting::Request {
                op_id,
                node,
                line,
                sent,
            }) => match c.op(op_id).and_then(|h| h.result.clone()) {
                None => {
                    self.waiting = Some(Waiting::Request {
                        op_id,
                        node,
                        line,
                        sent,
                    });
                    Vec::new()
                }
                Some(OpResult::Ok { reply }) => {
                    let header = self.header(c, node, revision_of(&reply));
                    match self.answer(&line, &header, &reply) {
                        Ok(text) => self.done(vec![out(text, node)], 0),
                        Err(e) => self.fail(e, Some(node)),
                    }
                }
                Some(OpResult::Err { error }) => {
                    let e = LineError {
                        message: etcd_words(&error),
                        exit: 1,
                    };
                    // etcdctl waits for its deadline before it gives up on
                    // a member it cannot reach.
                    let at = sent + self.timeout(c);
                    let printed = vec![err(e.message.clone(), Some(node))];
                    if matches!(error, ClientError::MemberDown { .. }) && now < at {
                        self.waiting = Some(Waiting::Until {
                            at,
                            printed,
                            exit: 1,
                        });
                        return Vec::new();
                    }
                    self.done(printed, 1)
                }
            },
            Some(Waiting::Health {
                checks,
                format,
                sent,
                mut done,
            }) => {
                for &(n, op_id) in &checks {
                    if done.iter().any(|d| d.0 == n) {
                        continue;
                    }
                    if let Some(h) = c.op(op_id).filter(|h| h.result.is_some()) {
                        let took = h.complete.unwrap_or(now).saturating_sub(sent);
                        let failure = (!h.is_ok()).then(|| match &h.result {
                            Some(OpResult::Err { error }) => etcd_words(error),
                            _ => String::new(),
                        });
                        done.push((n, failure, took));
                    }
                }
                if done.len() < checks.len() {
                    self.waiting = Some(Waiting::Health {
                        checks,
                        format,
                        sent,
                        done,
                    });
                    return Vec::new();
                }
                self.health(&done, format)
            }
        }
    }

    fn request(
        &mut self,
        host: &mut dyn ConsoleHost,
        node: NodeId,
        op: ClientOp,
        mode: ReadMode,
        line: Line,
    ) -> Vec<Printed> {
        let sent = host.cluster().now();
        match host.act(Action::Client {
            client: CONSOLE_CLIENT,
            node,
            op,
            mode,
        }) {
            Ok(Some(op_id)) => {
                self.waiting = Some(Waiting::Request {
                    op_id,
                    node,
                    line,
                    sent,
                });
                self.poll(host)
            }
            Ok(None) => Vec::new(),
            Err(e) => self.fail(
                LineError {
                    message: e.to_string(),
                    exit: 1,
                },
                Some(node),
            ),
        }
    }

    fn answer(&self, line: &Line, h: &Header, reply: &Reply) -> Result<String, LineError> {
        if let Command::Compaction { revision } = &line.command {
            // etcdctl prints the revision it asked for, in every format.
            return Ok(format!("compacted revision {revision}\n"));
        }
        if line.format == Format::Table {
            // etcdctl sends the request first and fails only to print it:
            // the write is done.
            return Err(LineError {
                message: "table not supported as output format".into(),
                exit: EXIT_BAD_FEATURE,
            });
        }
        let json = line.format == Format::Json;
        let fields = line.format == Format::Fields;
        Ok(match (&line.command, reply) {
            (Command::Put { .. }, _) => {
                if json {
                    format!("{{\"header\":{}}}\n", h.json())
                } else if fields {
                    h.fields()
                } else {
                    "OK\n".into()
                }
            }
            (
                Command::Get {
                    print_value_only, ..
                },
                Reply::RangeResponse(r),
            ) => print::get(h, r, json, fields, *print_value_only),
            (Command::Txn, Reply::Txn(t)) => txn::print(h, t, line.format),
            (Command::Del { .. }, Reply::DeleteRange { deleted, .. }) => {
                if json {
                    let mut s = format!("{{\"header\":{}", h.json());
                    if *deleted > 0 {
                        s.push_str(&format!(",\"deleted\":{deleted}"));
                    }
                    s + "}\n"
                } else if fields {
                    format!("{}\"Deleted\" : {deleted}\n", h.fields())
                } else {
                    format!("{deleted}\n")
                }
            }
            (_, other) => {
                return Err(LineError {
                    message: format!("unexpected answer {other:?}"),
                    exit: 1,
                })
            }
        })
    }

    fn header(&self, c: &Cluster, node: NodeId, revision: u64) -> Header {
        Header {
            cluster_id: self.cluster_id(c),
            member_id: self.id(node),
            revision,
            raft_term: c
                .member(node)
                .and_then(|m| m.live())
                .map_or(0, |l| l.term()),
        }
    }

    fn cluster_id(&self, c: &Cluster) -> u64 {
        let founders: Vec<NodeId> = (1..=c.config().members).collect();
        self.deployment.cluster_id(&founders)
    }

    /// The members (not removed), in id order.
    fn members(&self, c: &Cluster) -> Vec<NodeId> {
        (c.member_ids().into_iter())
            .filter(|&n| c.role(n) != Some(Role::Removed))
            .collect()
    }

    /// Members in etcd's order: by etcd id.
    fn by_id(&self, members: &[NodeId]) -> Vec<NodeId> {
        let mut m = members.to_vec();
        m.sort_by_key(|&n| self.id(n));
        m
    }

    fn timeout(&self, c: &Cluster) -> u64 {
        c.config().raft.request_timeout_ms
    }

    /// etcdctl gives up on a member it cannot reach at its deadline.
    fn deadline(&mut self, c: &Cluster, node: NodeId, mut printed: Vec<Printed>) -> Vec<Printed> {
        printed.push(err("context deadline exceeded".into(), Some(node)));
        self.waiting = Some(Waiting::Until {
            at: c.now() + self.timeout(c),
            printed,
            exit: 1,
        });
        Vec::new()
    }

    fn acted(&mut self, result: Result<Option<u64>, ActionError>) -> Vec<Printed> {
        match result {
            Ok(_) => self.done(Vec::new(), 0),
            Err(e) => self.fail(
                LineError {
                    message: e.to_string(),
                    exit: 1,
                },
                None,
            ),
        }
    }

    fn done(&mut self, printed: Vec<Printed>, exit: i32) -> Vec<Printed> {
        self.exit = exit;
        printed
    }

    fn fail(&mut self, e: LineError, node: Option<NodeId>) -> Vec<Printed> {
        self.exit = e.exit;
        vec![err(e.message, node)]
    }
}

fn running(c: &Cluster, node: NodeId) -> bool {
    c.member(node).is_some_and(|m| m.live().is_some())
}

fn out(text: String, served_by: impl Into<Option<NodeId>>) -> Printed {
    Printed {
        text,
        stderr: false,
        served_by: served_by.into(),
        watch: false,
    }
}

fn err(message: String, served_by: Option<NodeId>) -> Printed {
    Printed {
        text: format!("Error: {message}\n"),
        stderr: true,
        served_by,
        watch: false,
    }
}

fn revision_of(reply: &Reply) -> u64 {
    match reply {
        Reply::Put { revision }
        | Reply::Delete { revision, .. }
        | Reply::DeleteRange { revision, .. }
        | Reply::Compact { revision }
        | Reply::Get { revision, .. }
        | Reply::Range { revision, .. } => *revision,
        Reply::RangeResponse(r) => r.revision,
        Reply::Txn(t) => t.revision,
    }
}

/// What etcdctl says for a failed request.
fn etcd_words(error: &ClientError) -> String {
    match error {
        ClientError::Timeout { .. }
        | ClientError::MemberCrashed { .. }
        | ClientError::MemberDown { .. } => "context deadline exceeded".into(),
        ClientError::Compacted { .. } | ClientError::FutureRevision => {
            format!("etcdserver: {error}")
        }
        ClientError::Invalid { reason } if reason.contains("empty") => {
            "etcdserver: key is not provided".into()
        }
        ClientError::Invalid { reason } if reason.contains("duplicate") => {
            format!("etcdserver: {reason}")
        }
        ClientError::Invalid { .. } => "etcdserver: request is too large".into(),
        ClientError::LeaseNeedsCheckQuorum => error.to_string(),
    }
}
