//! The runtime of vouch guest programs, built for `riscv32im-unknown-none-elf` (no_std guests)
//! or `riscv32im-risc0-zkvm-elf` (guests with the standard library: the `std` feature).
//!
//! A no_std guest is a `#![no_std]`, `#![no_main]` binary crate that names its `main` with
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
//! A std guest (this crate's `std` feature) is an ordinary Rust program with `fn main()`;
//! `std::println!`, `Vec`, `HashMap`, `std::io::stdin()` (the private input) work, and
//! [`read`]/[`commit`] are used as in no_std guests. See `docs/std.md`.
//!
//! This crate provides what such a program needs and std would otherwise give:
//! - the entry point `_start` (stack and global pointer, heap set-up, then `main`, then
//!   [`exit`]`(0)`, or the code std's `main` returns) and the linker script `vouch.ld` (placed
//!   on the link search path by the build script; guests link with `-C link-arg=-Tvouch.ld`);
//! - private input: [`read`], [`read_slice`], [`read_to_end`], [`input_remaining`];
//! - public output, the journal: [`commit`], [`commit_bytes`], and the SHA-256 digest of it
//!   that [`exit`] passes to the host;
//! - [`print!`], [`println!`], [`eprint!`], [`eprintln!`] to the host's stdout/stderr;
//! - a panic handler (std: a panic hook) that reports `panicked at file:line:col:` and the
//!   message to the host;
//! - a global allocator (a bump allocator up to `vouch_abi::memory::HEAP_END`), so `alloc`
//!   (`Vec`, `String`, `Box`, …) works;
//! - randomness from the prover ([`random_u32`], [`fill_random`], and `getrandom` 0.2 / 0.3
//!   backends with the `getrandom` feature, on by default);
//! - with `std`: the `sys_*` functions that Rust's zkvm standard library calls;
//! - [`syscall`], the raw `ECALL`s.
//!
//! Values passed with [`read`] and [`commit`] use vouch's one serde format,
//! `vouch_abi::codec` (bincode 2, legacy configuration), the same as `vouch_sdk::Input::write`
//! and `Journal::decode` on the host.
#![cfg_attr(not(feature = "std"), no_std)]

#[cfg(not(target_arch = "riscv32"))]
compile_error!("vouch-guest runs inside the vouch zkVM only: build for riscv32im-unknown-none-elf");

#[cfg(all(feature = "std", not(target_os = "zkvm")))]
compile_error!(
    "vouch-guest's `std` feature needs the riscv32im-risc0-zkvm-elf target and nightly \
     -Zbuild-std: build the guest with `vouch build` (or vouch_sdk::build::build_guest)"
);

#[cfg(all(not(feature = "std"), target_os = "zkvm"))]
compile_error!(
    "riscv32im-risc0-zkvm-elf is the target of std guests: enable vouch-guest's `std` feature \
     (or build a no_std guest for riscv32im-unknown-none-elf)"
);

extern crate alloc;

#[cfg(feature = "std")]
mod atomic;
mod cell;
mod fmt;
mod heap;
mod input;
mod journal;
mod panic;
#[doc(hidden)]
pub mod print;
mod random;
#[cfg(feature = "std")]
mod std_abi;
pub mod syscall;

pub use input::{input_remaining, read, read_slice, read_to_end};
pub use journal::{commit, commit_bytes, exit};
pub use random::fill_random;

/// The number of cycles executed so far (low 32 bits), for measuring parts of a program.
/// A hint from the host: the proof does not attest it.
#[must_use]
pub fn cycle_count() -> u32 {
    syscall::cycle_count()
}

/// A random word from the host. The prover chooses it: it is neither secret from the prover
/// nor constrained by the proof, so it must not decide anything the proof should guarantee.
/// When the host disables randomness (`vouch run --no-random`), the run stops with an error.
#[must_use]
pub fn random_u32() -> u32 {
    syscall::random_word()
}

/// Declare the guest's `main`: `vouch_guest::entry!(main);` with `fn main()` in the crate.
///
/// The runtime's `_start` calls it after setting up the stack and heap, and ends the program
/// with [`exit`]`(0)` when it returns. Leaving it out fails the link with
/// `undefined symbol: __vouch_main`.
#[cfg(not(feature = "std"))]
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

/// Declare the guest's `main` in a `#![no_main]` std guest: `vouch_guest::entry!(main);`.
///
/// Std guests do not need this: an ordinary `fn main()` (without `#![no_main]`) is the entry,
/// and may return `()`, `Result` or `std::process::ExitCode` as on any platform. With
/// `#![no_main]`, this macro defines the C `main` symbol the runtime's `_start` calls; the
/// program then exits with code 0 when `main` returns.
#[cfg(feature = "std")]
#[macro_export]
macro_rules! entry {
    ($path:path) => {
        const _: () = {
            /// The C `main` the runtime's entry point calls (named otherwise here, so that
            /// `$path` may be `main`).
            #[unsafe(export_name = "main")]
            extern "C" fn __vouch_c_main(_argc: i32, _argv: *const *const u8) -> i32 {
                let main: fn() = $path;
                main();
                0
            }
        };
    };
}

#[cfg(not(feature = "std"))]
extern "Rust" {
    /// The guest's `main`, defined by [`entry!`].
    fn __vouch_main();
}

#[cfg(feature = "std")]
extern "C" {
    /// The program's C `main`: generated by rustc for an ordinary `fn main()` (it runs std's
    /// runtime set-up, the user's `main`, std's clean-up, and returns the exit code), or
    /// defined by [`entry!`] in a `#![no_main]` guest.
    fn main(argc: i32, argv: *const *const u8) -> i32;
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
#[cfg(not(feature = "std"))]
extern "C" fn __vouch_start() -> ! {
    heap::init();
    // SAFETY: `entry!` defines `__vouch_main` as a Rust-ABI `fn()` with this exact name; the
    // declaration above matches it.
    unsafe { __vouch_main() };
    exit(0)
}

/// Set up the heap and the panic hook, run the program's C `main` (std's runtime and the
/// user's `main`), exit with the code it returns.
#[cfg(feature = "std")]
extern "C" fn __vouch_start() -> ! {
    heap::init();
    panic::install_hook();
    // SAFETY: `main` is the C entry point rustc generates for a binary crate (or `entry!`
    // defines): `int main(int argc, char **argv)`. No arguments are passed (argc 0, a null
    // argv), which std's zkvm runtime ignores: it asks for arguments through `sys_argc`.
    let code = unsafe { main(0, core::ptr::null()) };
    // Exit codes are 32-bit words in the ABI: a negative `i32` keeps its bit pattern.
    exit(code as u32)
}
