//! The runtime of vouch guest programs, built for `riscv32im-unknown-none-elf`.
//!
//! A guest is a `#![no_std]`, `#![no_main]` binary crate that names its `main` with
//! [`entry!`]:
//!
//! ```ignore
//! #![no_std]
//! #![no_main]
//!
//! vouch_guest::entry!(main);
//!
//! fn main() {
//!     let n: u32 = vouch_guest::read();
//!     vouch_guest::commit(&(n * 2));
//! }
//! ```
//!
//! This crate provides what such a program needs and std would otherwise give:
//! - the entry point `_start` (stack and global pointer, heap set-up, then `main`, then
//!   [`exit`]`(0)`) and the linker script `vouch.ld` (placed on the link search path by the
//!   build script; guests link with `-C link-arg=-Tvouch.ld`);
//! - private input: [`read`], [`read_slice`], [`read_to_end`], [`input_remaining`];
//! - public output, the journal: [`commit`], [`commit_bytes`], and the SHA-256 digest of it
//!   that [`exit`] passes to the host;
//! - [`print!`], [`println!`], [`eprint!`], [`eprintln!`] to the host's stdout/stderr;
//! - a panic handler that reports `panicked at file:line:col:` and the message to the host;
//! - a global allocator (a bump allocator up to `vouch_abi::memory::HEAP_END`), so `alloc`
//!   (`Vec`, `String`, `Box`, …) works;
//! - [`syscall`], the raw `ECALL`s.
//!
//! Values passed with [`read`] and [`commit`] use vouch's one serde format,
//! `vouch_abi::codec` (bincode 2, legacy configuration), the same as `vouch_sdk::Input::write`
//! and `Journal::decode` on the host.
#![no_std]

#[cfg(not(target_arch = "riscv32"))]
compile_error!("vouch-guest runs inside the vouch zkVM only: build for riscv32im-unknown-none-elf");

extern crate alloc;

mod cell;
mod fmt;
mod heap;
mod input;
mod journal;
mod panic;
#[doc(hidden)]
pub mod print;
pub mod syscall;

pub use input::{input_remaining, read, read_slice, read_to_end};
pub use journal::{commit, commit_bytes, exit};

/// The number of cycles executed so far (low 32 bits), for measuring parts of a program.
/// A hint from the host: the proof does not attest it.
#[must_use]
pub fn cycle_count() -> u32 {
    syscall::cycle_count()
}

/// A random word from the host. The prover chooses it: it is neither secret from the prover
/// nor constrained by the proof, so it must not decide anything the proof should guarantee.
#[must_use]
pub fn random_u32() -> u32 {
    syscall::random_word()
}

/// Declare the guest's `main`: `vouch_guest::entry!(main);` with `fn main()` in the crate.
///
/// The runtime's `_start` calls it after setting up the stack and heap, and ends the program
/// with [`exit`]`(0)` when it returns. Leaving it out fails the link with
/// `undefined symbol: __vouch_main`.
#[macro_export]
macro_rules! entry {
    ($path:path) => {
        const _: () = {
            /// The guest's `main`, under the name the runtime's entry point calls.
            #[unsafe(no_mangle)]
            fn __vouch_main() {
                let main: fn() = $path;
                main()
            }
        };
    };
}

extern "Rust" {
    /// The guest's `main`, defined by [`entry!`].
    fn __vouch_main();
}

// The entry point. The global pointer is loaded with relaxation off (the assembler would
// otherwise turn `la gp` into an access relative to gp itself); the stack starts at the top
// of guest memory; then Rust takes over in `__vouch_start`, which never returns.
core::arch::global_asm!(
    ".pushsection .text._start, \"ax\", @progbits",
    ".globl _start",
    ".type _start, @function",
    "_start:",
    ".option push",
    ".option norelax",
    "la gp, __global_pointer$",
    ".option pop",
    "li sp, {stack_top}",
    "call {start}",
    ".size _start, . - _start",
    ".popsection",
    stack_top = const vouch_abi::memory::STACK_TOP,
    start = sym __vouch_start,
);

/// Set up the heap, run the guest's `main`, exit with code 0.
extern "C" fn __vouch_start() -> ! {
    heap::init();
    // SAFETY: `entry!` defines `__vouch_main` as a Rust-ABI `fn()` with this exact name; the
    // declaration above matches it.
    unsafe { __vouch_main() };
    exit(0)
}
