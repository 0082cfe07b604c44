//! Embedding: one playground per element, as many as a page wants, each
//! with its own [`Sim`](crate::model::Sim), language, clock and animation
//! loop. The JS API (`mount`, [`Handle`]) wraps the same
//! [`App`](crate::app::App) the full page uses.
//!
//! - [`view`]: how much an instance shows (`full`, `compact`, `cluster`).
//! - [`controls`]: which panels and buttons show (the one list of names).
//! - [`options`]: options (attributes, a JS object) into properties.
//! - [`js`]: options read from JS values.
//! - [`shared`]: what the root component shares with the outside.
//! - [`mount`](mod@mount): the `mount` export.
//! - [`handle`]: the [`Handle`] it returns.
//! - [`act`](mod@act): `act(line)`, one script command.
//! - [`state`](mod@state): `state()`.
//! - [`events`]: the CustomEvents, found from frame to frame.
//! - [`registry`]: the mounted roots, for the crash overlay.

pub mod act;
pub mod controls;
pub mod events;
pub mod handle;
pub mod js;
pub mod mount;
pub mod options;
pub mod registry;
pub mod shared;
pub mod state;
pub mod view;

pub use handle::Handle;
pub use mount::{mount, mount_pairs};
