//! [`Global`]: mutable state in a `static`, for a program with one thread and no interrupts.

use core::cell::UnsafeCell;

/// A value in a `static` that the runtime mutates through [`Global::with`].
pub(crate) struct Global<T>(UnsafeCell<T>);

// SAFETY: a vouch guest runs on one hart with no threads and no interrupts, so a `Global` is
// never accessed from two threads; exclusive access within the one thread is up to the
// callers of `with` (see its contract).
unsafe impl<T> Sync for Global<T> {}

impl<T> Global<T> {
    pub(crate) const fn new(value: T) -> Self {
        Self(UnsafeCell::new(value))
    }

    /// Run `f` with exclusive access to the value.
    ///
    /// # Safety
    ///
    /// `f` must not access this same `Global` (directly or through anything it calls), so that
    /// the `&mut T` it gets is the only reference to the value while it runs. Callers keep `f`
    /// short and never call user code from it.
    #[inline]
    pub(crate) unsafe fn with<R>(&self, f: impl FnOnce(&mut T) -> R) -> R {
        // SAFETY: single-threaded (see the `Sync` impl), and the caller promises `f` does not
        // re-enter this `Global`, so no other reference to the value exists while `f` runs.
        f(unsafe { &mut *self.0.get() })
    }
}
