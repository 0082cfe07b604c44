//! What an instance's root component shares with the code outside it (the
//! [`Handle`](super::handle::Handle)): the [`Sim`], a way to ask for a
//! redraw now, the frames it draws, and the count of its running animation
//! loops. Made by `mount` (and by the full page's start, the same path)
//! and handed to the [`App`](crate::app::App) in its properties; compared
//! by pointer.

use std::cell::{Cell, RefCell};
use std::rc::Rc;

use crate::i18n::Lang;
use crate::model::{Frame, Sim};

/// A callback the root component registers while it is mounted.
type Hook<T> = RefCell<Option<Box<dyn Fn(T)>>>;

/// What sees each frame drawn (the embedder's event watcher).
pub type Observer = Box<dyn FnMut(&Frame)>;

struct Inner {
    /// Which instance this is, for the crash overlay's registry.
    id: u32,
    sim: Rc<RefCell<Sim>>,
    /// Set by the root component while it is mounted: build a frame from
    /// the sim and draw it.
    redraw: Hook<()>,
    /// Set by the embedder: called with each frame drawn.
    observer: RefCell<Option<Observer>>,
    /// The language the instance speaks now (its switch may change it).
    lang: Cell<Lang>,
    /// Animation loops alive (their closures not yet dropped).
    loops: Rc<Cell<u32>>,
    /// How many times the sim was replaced from outside.
    generation: Cell<u32>,
}

/// The instance's shared state.
#[derive(Clone)]
pub struct Shared(Rc<Inner>);

impl PartialEq for Shared {
    fn eq(&self, other: &Shared) -> bool {
        Rc::ptr_eq(&self.0, &other.0)
    }
}

impl std::fmt::Debug for Shared {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Shared(instance {})", self.0.id)
    }
}

impl Shared {
    /// Shares `sim` for instance `id`, speaking `lang`.
    pub fn new(id: u32, sim: Sim, lang: Lang) -> Shared {
        Shared(Rc::new(Inner {
            id,
            sim: Rc::new(RefCell::new(sim)),
            redraw: RefCell::new(None),
            observer: RefCell::new(None),
            lang: Cell::new(lang),
            loops: Rc::new(Cell::new(0)),
            generation: Cell::new(0),
        }))
    }

    /// The instance's id.
    pub fn id(&self) -> u32 {
        self.0.id
    }

    /// The simulation.
    pub fn sim(&self) -> &Rc<RefCell<Sim>> {
        &self.0.sim
    }

    /// Replaces the simulation with a new one (a new cluster from new
    /// settings), keeping everyone's reference to the cell.
    pub fn replace_sim(&self, sim: Sim) {
        *self.0.sim.borrow_mut() = sim;
        self.0.generation.set(self.0.generation.get() + 1);
    }

    /// How many times [`Shared::replace_sim`] ran: forms that keep what was
    /// typed start afresh when it changes.
    pub fn generation(&self) -> u32 {
        self.0.generation.get()
    }

    /// Asks the root component to draw the sim as it is now (after a change
    /// made from outside it). Nothing happens once it is unmounted.
    pub fn redraw(&self) {
        // Taken out while it runs: the redraw may, through the observer,
        // call back into code that redraws again.
        let hook = self.0.redraw.borrow_mut().take();
        if let Some(f) = hook {
            f(());
            let mut slot = self.0.redraw.borrow_mut();
            if slot.is_none() {
                *slot = Some(f);
            }
        }
    }

    /// Registers the root component's redraw (`None` on unmount).
    pub fn set_redraw(&self, f: Option<Box<dyn Fn(())>>) {
        *self.0.redraw.borrow_mut() = f;
    }

    /// Registers what sees each frame drawn.
    pub fn set_observer(&self, f: Option<Observer>) {
        *self.0.observer.borrow_mut() = f;
    }

    /// Called by the root component with each frame it draws.
    pub fn observe(&self, frame: &Frame) {
        if let Ok(mut o) = self.0.observer.try_borrow_mut() {
            if let Some(f) = o.as_mut() {
                f(frame);
            }
        }
    }

    /// The language now.
    pub fn lang(&self) -> Lang {
        self.0.lang.get()
    }

    /// Notes the language the instance switched to.
    pub fn set_lang(&self, lang: Lang) {
        self.0.lang.set(lang);
    }

    /// A token that counts as a running loop until it is dropped (it lives
    /// in the loop's closure, so the count says whether the closure is
    /// really gone).
    pub fn loop_token(&self) -> LoopToken {
        let count = self.0.loops.clone();
        count.set(count.get() + 1);
        LoopToken(count)
    }

    /// Animation loops alive.
    pub fn running_loops(&self) -> u32 {
        self.0.loops.get()
    }
}

/// See [`Shared::loop_token`].
pub struct LoopToken(Rc<Cell<u32>>);

impl Drop for LoopToken {
    fn drop(&mut self) {
        self.0.set(self.0.get().saturating_sub(1));
    }
}
