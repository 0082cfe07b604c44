//! # raft-sim: real Raft members on a deterministic virtual network
//!
//! The simulation core of Raft Playground. Several members of a Raft
//! key-value store (raft-rs 0.7 `RawNode`s, each with an etcd-like KV state
//! machine) run on a virtual network under a virtual clock. Every random
//! choice comes from one seeded RNG, so the same seed and the same actions
//! give the same trace, natively and in the browser.
//!
//! ```
//! use raft_sim::{Cluster, ClusterConfig, Action, ClientOp, ReadMode, Role};
//!
//! let mut c = Cluster::new(ClusterConfig { seed: 7, members: 3, ..Default::default() }).unwrap();
//! // Let an election happen (election timeout is 1-2 s of virtual time).
//! assert!(c.run_until(5_000, |c| c.leader().is_some()));
//! let leader = c.leader().unwrap();
//!
//! // Write through a follower: raft forwards the proposal to the leader.
//! let follower = c.member_ids().into_iter().find(|&n| n != leader).unwrap();
//! let op = c.apply(Action::Client {
//!     client: 1,
//!     node: follower,
//!     op: ClientOp::Put { key: "/registry/pods/web".into(), value: "v1".into() },
//!     mode: ReadMode::Linearizable,
//! }).unwrap().unwrap();
//! let deadline = c.now() + 2_000;
//! assert!(c.run_until(deadline, |c| c.op(op).unwrap().is_ok()));
//!
//! // Crash the leader: the others elect a new one in a higher term.
//! let term = c.member(leader).unwrap().live().unwrap().term();
//! c.apply(Action::Crash { node: leader }).unwrap();
//! let deadline = c.now() + 5_000;
//! assert!(c.run_until(deadline, |c| c.leader().is_some()));
//! assert_eq!(c.role(leader), Some(Role::Down));
//! assert!(c.member(c.leader().unwrap()).unwrap().live().unwrap().term() > term);
//! assert!(c.violations().is_empty());
//! ```
//!
//! Layout: [`cluster`] owns everything and is driven by [`Action`]s
//! ([`action`]) and virtual time; [`member`] runs one RawNode's Ready loop
//! over its [`disk`]; [`network`] holds links and messages in flight, and
//! [`reach`] says who can talk to whom; [`kv`] is the state machine;
//! [`client`] the requests and history; [`trace`] the event stream (hashed
//! with [`hash`]); [`safety`] the online checkers and [`linearizability`]
//! the offline history check; [`view`] the picture the page draws;
//! [`scenario`] the script format and [`lesson`] the guided lessons built
//! on it; [`workload`] the CLI's steady client load
//! and chaos. No module depends on one that depends on it.

#![deny(missing_docs)]

pub mod action;
pub mod action_error;
pub mod client;
pub mod cluster;
pub mod console;
mod convergence;
pub mod deploy;
pub mod disk;
pub mod export;
pub mod footprint;
pub mod hash;
pub mod kv;
pub mod lang;
pub mod lesson;
pub mod linearizability;
pub mod member;
pub mod network;
pub mod pause;
pub mod reach;
pub mod recording;
pub mod rng;
pub mod role;
pub mod safety;
pub mod scenario;
pub mod trace;
pub mod view;
pub mod vocabulary;
pub mod why;
pub mod workload;

/// A member id: n1 is 1.
pub type NodeId = u64;

pub use action::{Action, MemberChange};
pub use action_error::ActionError;
pub use client::{ClientError, ClientOp, HistoryEntry, OpResult, ReadMode, Reply};
pub use cluster::{Cluster, ClusterConfig, Stats};
pub use footprint::Footprint;
pub use lang::{Lang, Text};
pub use lesson::{Lesson, LessonRun};
pub use linearizability::{check_linearizability, check_window, LinearizabilityReport};
pub use member::RaftSettings;
pub use network::{DropReason, MsgKind, NetConfig};
pub use pause::{Moment, PauseOn, PauseWatch, Paused};
pub use rng::SimRng;
pub use role::Role;
pub use safety::Violation;
pub use trace::{Event, EventKind, Trace};
pub use view::View;
pub use why::{CommitWait, Lag, ProposalDrop, ReadRefusal, VoteRefusal};
