//! The instances mounted on this page, for what must reach all of them
//! from outside any one: the panic hook (a panic stops the whole wasm
//! module, so the overlay goes into the instance that was running, and
//! speaks the language of the instances), which cannot search the
//! document for them because shadow roots hide them.
//!
//! This is the one piece of state kept per page rather than per instance,
//! and it holds only each instance's root element: the instances
//! themselves share nothing.

use std::cell::{Cell, RefCell};

use web_sys::Element;

thread_local! {
    static ROOTS: RefCell<Vec<(u32, Element)>> = const { RefCell::new(Vec::new()) };
    static NEXT: Cell<u32> = const { Cell::new(1) };
    static RUNNING: Cell<Option<u32>> = const { Cell::new(None) };
}

/// A new instance's id, its root registered.
pub fn register(root: &Element) -> u32 {
    let id = NEXT.with(|n| {
        let id = n.get();
        n.set(id + 1);
        id
    });
    ROOTS.with(|r| r.borrow_mut().push((id, root.clone())));
    id
}

/// Forgets an instance (it was destroyed).
pub fn unregister(id: u32) {
    ROOTS.with(|r| r.borrow_mut().retain(|(i, _)| *i != id));
    RUNNING.with(|c| {
        if c.get() == Some(id) {
            c.set(None);
        }
    });
}

/// Notes that instance `id`'s code is running now (a frame, a command, a
/// call from outside), so that a panic is shown in it.
pub fn enter(id: u32) {
    RUNNING.with(|c| c.set(Some(id)));
}

/// The root of the instance that ran last, if it is still mounted.
pub fn running_root() -> Option<Element> {
    let id = RUNNING.with(Cell::get)?;
    ROOTS.with(|r| {
        r.try_borrow()
            .ok()?
            .iter()
            .find(|(i, _)| *i == id)
            .map(|(_, e)| e.clone())
    })
}

/// Every mounted instance's root.
pub fn roots() -> Vec<Element> {
    ROOTS.with(|r| {
        r.try_borrow()
            .map(|r| r.iter().map(|(_, e)| e.clone()).collect())
            .unwrap_or_default()
    })
}
