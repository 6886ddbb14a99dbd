//! Randomness: every random byte a guest sees comes from the `RANDOM_WORD` syscall.
//!
//! The prover chooses these words. They are not secret from the prover and the proof does not
//! constrain them, so a guest must not let them decide anything a verifier relies on (use them
//! for things like hash-map seeds, randomized algorithms whose answer is checked, or blinding
//! that only hides something from third parties). A host may disable randomness
//! (`vouch run --no-random`); a guest that then asks for it stops with an error saying so.
//!
//! With the `getrandom` feature (on by default) this module registers the `getrandom`
//! backends, so that crates using `getrandom` 0.2, 0.3 or 0.4 (`rand`, `ahash`, `uuid`, …) work:
//! - 0.2: the `custom` feature and `register_custom_getrandom!`;
//! - 0.3 and 0.4: the custom backend, the `__getrandom_v03_custom` function, which those
//!   versions call when built with `--cfg getrandom_backend="custom"` (`vouch build` passes
//!   it). Both versions declare it with their own `Error`, a 4-byte non-zero integer; this
//!   definition uses 0.3's.
//!
//! Std guests also get randomness through std (`sys_rand`): std's `HashMap` seeds its hasher
//! from it, so iteration order differs from run to run (see `docs/std.md`).

use crate::syscall;

/// Fill `dest` with random bytes from the host (little-endian words from `RANDOM_WORD`).
pub fn fill_random(dest: &mut [u8]) {
    // SAFETY: `dest` is a live, writable slice of `dest.len()` bytes.
    unsafe { fill_random_raw(dest.as_mut_ptr(), dest.len()) }
}

/// Fill `len` bytes at `dest` with random bytes, writing each byte once and never reading.
///
/// # Safety
///
/// `dest` must be valid for writes of `len` bytes (they may be uninitialized).
pub(crate) unsafe fn fill_random_raw(dest: *mut u8, len: usize) {
    let mut done = 0;
    while done < len {
        let word = syscall::random_word().to_le_bytes();
        let n = (len - done).min(4);
        // SAFETY: `done + n <= len`, and the caller makes `dest .. dest + len` writable;
        // `word` is a local array, so the two do not overlap.
        unsafe { core::ptr::copy_nonoverlapping(word.as_ptr(), dest.add(done), n) };
        done += n;
    }
}

#[cfg(feature = "getrandom")]
mod backends {
    /// The `getrandom` 0.2 backend.
    fn getrandom_v02(dest: &mut [u8]) -> Result<(), getrandom02::Error> {
        super::fill_random(dest);
        Ok(())
    }

    getrandom02::register_custom_getrandom!(getrandom_v02);

    /// The `getrandom` 0.3 / 0.4 custom backend.
    ///
    /// # Safety
    ///
    /// `getrandom` passes a buffer valid for writes of `len` (possibly uninitialized) bytes.
    #[unsafe(no_mangle)]
    unsafe extern "Rust" fn __getrandom_v03_custom(
        dest: *mut u8,
        len: usize,
    ) -> Result<(), getrandom03::Error> {
        // SAFETY: the caller's contract is `fill_random_raw`'s.
        unsafe { super::fill_random_raw(dest, len) };
        Ok(())
    }
}
