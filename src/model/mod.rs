//! The page's model: everything the page knows and does, without the
//! browser, so all of it is tested natively. Components import from here,
//! never from the root component.
//!
//! - [`settings`]: what the settings form edits and the URL carries.
//! - [`sim`]: [`Sim`], the cluster as the page runs it: time, traffic,
//!   the user's actions.
//! - [`commands`]: what components ask for ([`Cmd`]) and [`run`].
//! - [`frame`]: the per-frame picture the components draw ([`Frame`]).
//! - [`partition`]: presets and the sides of a partition.
//! - [`pending`]: uncommitted entries and who they wait for.
//! - [`log_lines`]: the event log's lines and categories.
//! - [`console`]: the etcdctl console over the `Sim`, and its transcript.
//! - [`share`]: the run as a log of commands, its `run=` form, replay.
//! - [`lesson`]: the lesson under way, driven between frames; back by
//!   replay.

pub mod commands;
pub mod console;
pub mod frame;
pub mod lesson;
pub mod log_lines;
pub mod partition;
pub mod pending;
pub mod session;
pub mod settings;
pub mod share;
pub mod sim;
pub mod speed_meter;

pub use commands::{membership, run, Cmd, ErrorAt, Target};
pub use frame::{Frame, FrameRef};
pub use settings::PageSettings;
pub use sim::Sim;
