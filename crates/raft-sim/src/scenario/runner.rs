//! Running a script: one run function per command that is not a single
//! cluster action (the others go through [`Command::action`]), labels and
//! names, and the report of each step with the trace it produced.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use crate::client::HistoryEntry;
use crate::cluster::{Action, Cluster, WatchView};
use crate::role::Role;
use crate::NodeId;

use super::commands::{Command, MsgFilter};
use super::conditions::Cond;
use super::transcript::story_event;
use super::{NodeRef, Scenario, Step};

/// What a label names.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Labelled {
    Op(u64),
    Watch(u64),
    Msg(u64),
}

/// Runs a scenario step by step, keeping labels and names.
pub struct Runner {
    /// The cluster under test.
    pub cluster: Cluster,
    names: Names,
}

/// A runner's labels and remembered names, without the cluster: what a
/// lesson keeps at each step's start so that going back can rebuild the
/// cluster by replay and put the names back as they were.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Names {
    labels: BTreeMap<String, Labelled>,
    vars: BTreeMap<String, NodeId>,
}

impl Names {
    /// The member `$name` stands for, if it was remembered.
    pub fn var(&self, name: &str) -> Option<NodeId> {
        self.vars.get(name).copied()
    }

    /// The member a reference names now in `cluster`. With no names
    /// (`Names::default()`), this is how a single command line typed
    /// outside a script (the embedding API's `act`) finds its members.
    pub fn resolve(&self, cluster: &Cluster, r: &NodeRef) -> Result<NodeId, String> {
        match r {
            NodeRef::Id(n) => Ok(*n),
            NodeRef::Leader => cluster
                .leader()
                .ok_or_else(|| "there is no leader now".to_string()),
            NodeRef::Follower => cluster
                .member_ids()
                .into_iter()
                .filter(|n| !self.vars.values().any(|v| v == n))
                .find(|&n| cluster.role(n) == Some(Role::Follower))
                .ok_or_else(|| "there is no follower that is not remembered under a name".into()),
            NodeRef::Var(v) => self
                .vars
                .get(v)
                .copied()
                .ok_or_else(|| format!("${v} was never remembered")),
        }
    }

    /// A partition's groups with `rest` (`None`) standing for every member
    /// named in no group.
    pub fn partition_groups(
        &self,
        cluster: &Cluster,
        groups: &[Vec<Option<NodeRef>>],
    ) -> Result<Vec<Vec<NodeId>>, String> {
        let mut resolved: Vec<Vec<NodeId>> = Vec::new();
        for g in groups {
            resolved.push(
                g.iter()
                    .flatten()
                    .map(|n| self.resolve(cluster, n))
                    .collect::<Result<_, _>>()?,
            );
        }
        let named: Vec<NodeId> = resolved.iter().flatten().copied().collect();
        for (g, ids) in groups.iter().zip(resolved.iter_mut()) {
            if g.iter().any(Option::is_none) {
                ids.extend(
                    cluster
                        .member_ids()
                        .into_iter()
                        .filter(|n| !named.contains(n)),
                );
            }
        }
        Ok(resolved)
    }

    fn label(&self, label: &str) -> Result<Labelled, String> {
        self.labels
            .get(label)
            .copied()
            .ok_or_else(|| format!("nothing is labelled '{label}'"))
    }

    /// The message id a label names.
    pub fn message(&self, label: &str) -> Result<u64, String> {
        match self.label(label)? {
            Labelled::Msg(id) => Ok(id),
            _ => Err(format!("'{label}' is not a message")),
        }
    }
}

impl Runner {
    /// Builds the scenario's cluster.
    pub fn new(s: &Scenario) -> Result<Runner, String> {
        let mut cluster = Cluster::new(s.config.clone())?;
        // A script is short: its run is recorded, so that it can be kept
        // as a session (`raft-sim script FILE --history-format session`).
        cluster.set_recording(true);
        Ok(Runner::on(cluster))
    }

    /// A runner with no names yet, on a cluster built elsewhere (a lesson
    /// in the page, whose cluster the page built).
    pub fn on(cluster: Cluster) -> Runner {
        Runner {
            cluster,
            names: Names::default(),
        }
    }

    /// The labels and remembered names as they are now.
    pub fn names(&self) -> Names {
        self.names.clone()
    }

    /// Puts back labels and names taken by [`Runner::names`].
    pub fn set_names(&mut self, names: Names) {
        self.names = names;
    }

    /// The member `$name` stands for, if it was remembered.
    pub fn var(&self, name: &str) -> Option<NodeId> {
        self.names.var(name)
    }

    /// The member a reference names now.
    pub fn resolve(&self, r: &NodeRef) -> Result<NodeId, String> {
        self.names.resolve(&self.cluster, r)
    }

    /// A partition's groups with `rest` (`None`) standing for every member
    /// named in no group.
    pub fn partition_groups(
        &self,
        groups: &[Vec<Option<NodeRef>>],
    ) -> Result<Vec<Vec<NodeId>>, String> {
        self.names.partition_groups(&self.cluster, groups)
    }

    fn label(&self, label: &str) -> Result<Labelled, String> {
        self.names.label(label)
    }

    /// Whether a label names this request: the script sent it itself.
    pub fn labels_op(&self, op_id: u64) -> bool {
        self.names
            .labels
            .values()
            .any(|l| *l == Labelled::Op(op_id))
    }

    /// The request a label names.
    pub fn op(&self, label: &str) -> Result<&HistoryEntry, String> {
        match self.label(label)? {
            Labelled::Op(id) => self
                .cluster
                .op(id)
                .ok_or_else(|| format!("request '{label}' is unknown")),
            _ => Err(format!("'{label}' is not a request")),
        }
    }

    /// The watch a label names.
    pub fn watch(&self, label: &str) -> Result<&WatchView, String> {
        match self.label(label)? {
            Labelled::Watch(id) => self
                .cluster
                .watches()
                .find(|w| w.id == id)
                .ok_or_else(|| format!("watch '{label}' is unknown")),
            _ => Err(format!("'{label}' is not a watch")),
        }
    }

    /// The message id a label names.
    pub fn message(&self, label: &str) -> Result<u64, String> {
        self.names.message(label)
    }

    /// The cluster and the names, for [`Command::action_in`].
    pub fn parts(&self) -> (&Cluster, &Names) {
        (&self.cluster, &self.names)
    }

    /// Runs one step. An error is a failed assertion or an impossible
    /// action, in words.
    pub fn run_step(&mut self, step: &Step) -> Result<String, String> {
        if let Some(s) = &step.say_en {
            self.cluster.note(s.clone());
        }
        self.run_command(&step.command)
    }

    fn run_command(&mut self, c: &Command) -> Result<String, String> {
        if let Some(action) = c.action(self)? {
            self.cluster.apply(action)?;
            return Ok("ok".into());
        }
        match c {
            Command::Run(ms) => self.run(*ms),
            Command::Wait(c, within) => self.wait(c, *within),
            Command::Assert(c) => self.assert(c),
            Command::Remember(n, name) => self.remember(n, name),
            Command::ExpectError(c) => self.expect_error(c),
            Command::Request {
                node,
                op,
                mode,
                label,
            } => {
                let node = self.resolve(node)?;
                let id = self
                    .cluster
                    .apply(Action::Client {
                        client: 0,
                        node,
                        op: op.clone(),
                        mode: *mode,
                    })?
                    .ok_or("a client action returns its op id")?;
                if let Some(l) = label {
                    self.names.labels.insert(l.clone(), Labelled::Op(id));
                }
                Ok(format!("sent as op {id}"))
            }
            Command::Watch {
                node,
                key,
                prefix,
                start_revision,
                label,
            } => {
                let node = self.resolve(node)?;
                let id = self
                    .cluster
                    .apply(Action::Watch {
                        node,
                        key: key.clone(),
                        prefix: *prefix,
                        start_revision: *start_revision,
                    })?
                    .ok_or("a watch returns its id")?;
                self.names.labels.insert(label.clone(), Labelled::Watch(id));
                Ok(format!("watch {id} on n{node}"))
            }
            Command::Drop(filter) => self.drop_matching(filter),
            Command::HoldMsg(filter, label, within) => self.hold_next(filter, label, *within),
            _ => unreachable!("every other command is one action"),
        }
    }

    fn run(&mut self, ms: u64) -> Result<String, String> {
        self.cluster.advance(ms);
        Ok(format!("ran {ms} ms"))
    }

    /// Runs event by event until `done` gives something or `within` ms
    /// pass. Conditions read labels and names, so they are checked between
    /// events.
    fn run_until<T>(
        &mut self,
        within: u64,
        mut done: impl FnMut(&Runner) -> Result<Option<T>, String>,
    ) -> Result<Option<T>, String> {
        let deadline = self.cluster.now() + within;
        loop {
            if let Some(t) = done(self)? {
                return Ok(Some(t));
            }
            match self.cluster.next_event_time() {
                Some(t) if t <= deadline => {
                    self.cluster.step_event();
                }
                _ => {
                    self.cluster.advance_to(deadline);
                    return done(self);
                }
            }
        }
    }

    fn wait(&mut self, c: &Cond, within: u64) -> Result<String, String> {
        let held = self.run_until(within, |r| Ok(r.holds(c)?.then_some(())))?;
        match held {
            Some(()) => Ok(format!(
                "held at {} ms{}",
                self.cluster.now(),
                self.evidence(c)
            )),
            None => Err(format!(
                "still not true after {within} ms: {}",
                self.describe(c)
            )),
        }
    }

    fn assert(&mut self, c: &Cond) -> Result<String, String> {
        if self.holds(c)? {
            Ok(format!("holds{}", self.evidence(c)))
        } else {
            Err(format!("assertion failed: {}", self.describe(c)))
        }
    }

    /// What a condition that held saw, where that is worth keeping in the
    /// golden output (a watch's events).
    pub fn evidence(&self, c: &Cond) -> String {
        match c {
            Cond::Events(..) | Cond::WatchCanceled(_) | Cond::WatchOn(..) => {
                format!(": {}", self.describe(c))
            }
            _ => String::new(),
        }
    }

    fn remember(&mut self, n: &NodeRef, name: &str) -> Result<String, String> {
        let id = self.resolve(n)?;
        self.names.vars.insert(name.to_string(), id);
        Ok(format!("${name} is n{id}"))
    }

    fn expect_error(&mut self, c: &Command) -> Result<String, String> {
        match self.run_command(c) {
            Ok(outcome) => Err(format!("expected an error, but it went through: {outcome}")),
            Err(e) => Ok(format!("refused as expected: {e}")),
        }
    }

    fn matching(&self, f: &MsgFilter) -> Result<Vec<u64>, String> {
        let from = f.from.as_ref().map(|n| self.resolve(n)).transpose()?;
        let to = f.to.as_ref().map(|n| self.resolve(n)).transpose()?;
        Ok(self
            .cluster
            .network()
            .in_flight()
            .filter(|m| f.kind.is_none_or(|k| m.kind == k))
            .filter(|m| from.is_none_or(|n| m.from == n))
            .filter(|m| to.is_none_or(|n| m.to == n))
            .map(|m| m.id)
            .collect())
    }

    fn drop_matching(&mut self, f: &MsgFilter) -> Result<String, String> {
        let ids = self.matching(f)?;
        for id in &ids {
            self.cluster.apply(Action::Drop { msg: *id })?;
        }
        Ok(format!("dropped {} messages", ids.len()))
    }

    fn hold_next(&mut self, f: &MsgFilter, label: &str, within: u64) -> Result<String, String> {
        let id = self
            .run_until(within, |r| r.next_to_hold(f))?
            .ok_or_else(|| format!("no matching message was sent within {within} ms"))?;
        self.hold(id, label)
    }

    /// The first message in flight that `hold-msg` with this filter would
    /// pick now (not held already, not doomed to be lost).
    pub fn next_to_hold(&self, f: &MsgFilter) -> Result<Option<u64>, String> {
        Ok(self.matching(f)?.into_iter().find(|&id| {
            self.cluster
                .network()
                .get(id)
                .is_some_and(|m| !m.held && m.doomed.is_none())
        }))
    }

    /// Holds a message and labels it, as `hold-msg` does once it found one.
    pub fn hold(&mut self, id: u64, label: &str) -> Result<String, String> {
        self.cluster.apply(Action::Hold { msg: id })?;
        self.names
            .labels
            .insert(label.to_string(), Labelled::Msg(id));
        let m = self
            .cluster
            .network()
            .get(id)
            .ok_or("a held message stays")?;
        Ok(format!(
            "holding message {id}: n{} → n{} {}",
            m.from,
            m.to,
            m.kind.raft_name()
        ))
    }
}

/// What happened at one step, for printing and for the page.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct StepReport {
    /// Source line.
    pub line: usize,
    /// Source text.
    pub text: String,
    /// Virtual time after the step.
    pub time: u64,
    /// What it did or found, in words.
    pub outcome: String,
    /// The step's trace in plain words, without the heartbeat chatter
    /// (see [`story_event`]), each line starting with its virtual time.
    pub events: Vec<String>,
}

/// The result of running a whole script.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ScriptOutcome {
    /// One report per step run.
    pub steps: Vec<StepReport>,
    /// The first failure, if any, as "line N: ...".
    pub failure: Option<String>,
}

/// Runs every step, stopping at the first failure; safety violations found
/// along the way fail the script too.
pub fn run_script(s: &Scenario) -> Result<(Runner, ScriptOutcome), String> {
    let mut runner = Runner::new(s)?;
    let mut out = ScriptOutcome {
        steps: Vec::new(),
        failure: None,
    };
    for step in &s.steps {
        let first = runner.cluster.trace().len();
        let r = runner.run_step(step);
        let trace = runner.cluster.trace();
        let mut events = Vec::new();
        let kept_from = trace.len() - trace.recent().len() as u64;
        if kept_from > first {
            events.push(format!("({} events not kept)", kept_from - first));
        }
        events.extend(
            trace
                .since(first)
                .filter(|e| story_event(&e.kind))
                .map(|e| format!("{:>6} ms  {}", e.time, e.describe())),
        );
        let time = runner.cluster.now();
        let failed = r.is_err();
        let outcome = r.unwrap_or_else(|e| {
            out.failure = Some(format!("line {}: {e}", step.line));
            format!("FAILED: {e}")
        });
        out.steps.push(StepReport {
            line: step.line,
            text: step.text.clone(),
            time,
            outcome,
            events,
        });
        if failed {
            break;
        }
    }
    if out.failure.is_none() {
        if let Some(v) = runner.cluster.violations().first() {
            out.failure = Some(format!("{}: {} (step {})", v.property, v.detail, v.step));
        }
    }
    Ok((runner, out))
}
