//! The raw syscalls: one `ECALL` each, as `docs/abi.md` specifies them.
//!
//! The number goes in `a7`, arguments in `a0..a2`, and the executor writes `a0` back on every
//! syscall (the result, or the first argument unchanged). Most programs want the typed API of
//! the crate root ([`crate::read`], [`crate::commit`], [`crate::exit`], …) instead: in
//! particular [`commit`] here does not update the journal digest that [`crate::exit`] passes to
//! `HALT`, so a program that calls it directly fails the executor's digest check.

use core::arch::asm;

use vouch_abi::syscall as nr;
pub use vouch_abi::syscall::{FD_STDERR, FD_STDOUT};

/// `HALT`: end execution with `code`, passing the SHA-256 digest of the journal.
///
/// The reference makes the digest word-aligned, as the ABI requires.
#[inline(always)]
pub fn halt(code: u32, journal_digest: &[u32; vouch_abi::JOURNAL_DIGEST_WORDS]) -> ! {
    // SAFETY: HALT only reads the 32 bytes behind `journal_digest`, a live, aligned reference,
    // and never returns; the asm touches no stack.
    unsafe {
        asm!(
            "ecall",
            in("a7") nr::HALT,
            in("a0") code,
            in("a1") journal_digest.as_ptr(),
            options(noreturn, nostack),
        )
    }
}

/// `READ_WORD`: the next 4 bytes of the private input, little-endian; bytes past the end of
/// the input read as zero.
#[inline(always)]
pub fn read_word() -> u32 {
    let word: u32;
    // SAFETY: READ_WORD touches no guest memory and only writes `a0`.
    unsafe {
        asm!(
            "ecall",
            in("a7") nr::READ_WORD,
            lateout("a0") word,
            options(nomem, nostack),
        )
    }
    word
}

/// `INPUT_REMAINING`: how many private-input bytes `READ_WORD` has not yet consumed.
#[inline(always)]
pub fn input_remaining() -> u32 {
    let left: u32;
    // SAFETY: INPUT_REMAINING touches no guest memory and only writes `a0`.
    unsafe {
        asm!(
            "ecall",
            in("a7") nr::INPUT_REMAINING,
            lateout("a0") left,
            options(nomem, nostack),
        )
    }
    left
}

/// `COMMIT`: append `bytes` to the journal. Does not update the journal digest; see the
/// module documentation.
#[inline(always)]
pub fn commit(bytes: &[u8]) {
    // SAFETY: COMMIT reads `bytes.len()` bytes at `bytes.as_ptr()`, a live slice, and writes
    // nothing but `a0` (declared clobbered).
    unsafe {
        asm!(
            "ecall",
            in("a7") nr::COMMIT,
            inlateout("a0") bytes.as_ptr() => _,
            in("a1") bytes.len(),
            options(readonly, nostack),
        )
    }
}

/// `WRITE`: write `bytes` to the host's stdout ([`FD_STDOUT`]) or stderr ([`FD_STDERR`]).
/// Any other `fd` stops execution with an error.
#[inline(always)]
pub fn write(fd: u32, bytes: &[u8]) {
    // SAFETY: WRITE reads `bytes.len()` bytes at `bytes.as_ptr()`, a live slice, and writes
    // nothing but `a0` (declared clobbered).
    unsafe {
        asm!(
            "ecall",
            in("a7") nr::WRITE,
            inlateout("a0") fd => _,
            in("a1") bytes.as_ptr(),
            in("a2") bytes.len(),
            options(readonly, nostack),
        )
    }
}

/// `PANIC`: stop execution with an error carrying `message` (which should name the location).
/// The host shows at most the first 64 KiB.
#[inline(always)]
pub fn panic(message: &str) -> ! {
    // SAFETY: PANIC reads `message.len()` bytes at `message.as_ptr()`, a live string, and
    // never returns.
    unsafe {
        asm!(
            "ecall",
            in("a7") nr::PANIC,
            in("a0") message.as_ptr(),
            in("a1") message.len(),
            options(noreturn, nostack),
        )
    }
}

/// `CYCLE_COUNT`: cycles executed so far (low 32 bits). A host hint for profiling; the proof
/// does not attest it.
#[inline(always)]
pub fn cycle_count() -> u32 {
    let cycles: u32;
    // SAFETY: CYCLE_COUNT touches no guest memory and only writes `a0`.
    unsafe {
        asm!(
            "ecall",
            in("a7") nr::CYCLE_COUNT,
            lateout("a0") cycles,
            options(nomem, nostack),
        )
    }
    cycles
}

/// `RANDOM_WORD`: a random word from the host. The prover chooses it: it is neither secret
/// from the prover nor constrained by the proof.
#[inline(always)]
pub fn random_word() -> u32 {
    let word: u32;
    // SAFETY: RANDOM_WORD touches no guest memory and only writes `a0`.
    unsafe {
        asm!(
            "ecall",
            in("a7") nr::RANDOM_WORD,
            lateout("a0") word,
            options(nomem, nostack),
        )
    }
    word
}
