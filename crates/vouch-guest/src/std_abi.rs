//! The platform functions Rust's standard library calls on `target_os = "zkvm"`, implemented
//! on vouch's syscalls (std guests only).
//!
//! Rust's `riscv32im-risc0-zkvm-elf` std declares these `sys_*` functions in
//! `library/std/src/sys/pal/zkvm/abi.rs` (RISC Zero's platform crate defines them for RISC
//! Zero; this module does for vouch). What each one does here, and where it differs from RISC
//! Zero's meaning, is listed in `docs/std.md`. In short: stdin is the private input,
//! stdout/stderr go to the host, file descriptor 3 is the journal, randomness comes from the
//! prover, there are no arguments and no environment variables, and anything else stops the
//! guest with a message that names the function.

use core::fmt::Write;

use crate::fmt::StackBuf;
use crate::syscall::{self, FD_STDERR, FD_STDOUT};

/// Standard input: the private input.
const FD_STDIN: u32 = 0;
/// RISC Zero's journal file descriptor: writes append to the journal.
const FD_JOURNAL: u32 = 3;

/// Stop the guest: `function` cannot do what was asked.
#[cold]
fn unsupported(function: &str, what: core::fmt::Arguments<'_>) -> ! {
    let mut msg = StackBuf::<256>::new();
    let _ = write!(
        msg,
        "{function}: {what} is not supported by vouch's std runtime"
    );
    syscall::panic(msg.as_str())
}

/// A byte slice from a pointer and length passed by std; empty when `len` is 0 (std may then
/// pass a dangling pointer).
///
/// # Safety
///
/// When `len > 0`, `ptr` must be valid for reads of `len` bytes for `'a`.
unsafe fn bytes<'a>(ptr: *const u8, len: usize) -> &'a [u8] {
    if len == 0 {
        &[]
    } else {
        // SAFETY: the caller's contract.
        unsafe { core::slice::from_raw_parts(ptr, len) }
    }
}

/// End the program. RISC Zero's `sys_halt` takes the journal digest in registers; here the
/// runtime computes it, so this is `vouch_guest::exit(0)`. Std does not call it.
#[unsafe(no_mangle)]
pub extern "C" fn sys_halt() {
    crate::exit(0)
}

/// RISC Zero's public-output registers: vouch has none (its public outputs are the exit code
/// and the journal).
#[unsafe(no_mangle)]
pub extern "C" fn sys_output(output_id: u32, _output_value: u32) {
    unsupported("sys_output", format_args!("output register {output_id}"))
}

/// RISC Zero's SHA-256 accelerator: vouch has no SHA-256 precompile yet (use the `sha2` crate).
#[unsafe(no_mangle)]
pub extern "C" fn sys_sha_compress(
    _out_state: *mut [u32; 8],
    _in_state: *const [u32; 8],
    _block1_ptr: *const [u32; 8],
    _block2_ptr: *const [u32; 8],
) {
    unsupported("sys_sha_compress", format_args!("the SHA-256 accelerator"))
}

/// RISC Zero's SHA-256 accelerator: vouch has no SHA-256 precompile yet (use the `sha2` crate).
#[unsafe(no_mangle)]
pub extern "C" fn sys_sha_buffer(
    _out_state: *mut [u32; 8],
    _in_state: *const [u32; 8],
    _buf: *const u8,
    _count: u32,
) {
    unsupported("sys_sha_buffer", format_args!("the SHA-256 accelerator"))
}

/// Fill `words` words at `recv_buf` with prover-chosen random words (`RANDOM_WORD`). Std's
/// `HashMap` seeds and `std::random` use this.
///
/// # Safety
///
/// `recv_buf` must be valid for writes of `words` words.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn sys_rand(recv_buf: *mut u32, words: usize) {
    // SAFETY: `words` words are `4 * words` bytes; the caller makes them writable.
    unsafe { crate::random::fill_random_raw(recv_buf.cast(), words * 4) }
}

/// Stop with a panic message. Std's `panic_abort` calls this with the panic's payload (no
/// location) when the program replaced the runtime's panic hook.
///
/// # Safety
///
/// `msg_ptr` must be valid for reads of `len` bytes.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn sys_panic(msg_ptr: *const u8, len: usize) -> ! {
    // SAFETY: the caller's contract.
    let msg = unsafe { bytes(msg_ptr, len) };
    syscall::panic(core::str::from_utf8(msg).unwrap_or("panicked (message is not UTF-8)"))
}

/// A log line: to the host's stderr.
///
/// # Safety
///
/// `msg_ptr` must be valid for reads of `len` bytes.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn sys_log(msg_ptr: *const u8, len: usize) {
    // SAFETY: the caller's contract.
    let msg = unsafe { bytes(msg_ptr, len) };
    syscall::write(FD_STDERR, msg);
    syscall::write(FD_STDERR, b"\n");
}

/// Cycles so far (a host hint, not proven).
#[unsafe(no_mangle)]
pub extern "C" fn sys_cycle_count() -> usize {
    syscall::cycle_count() as usize
}

/// Read up to `nrequested` bytes from `fd` into `recv_buf`; returns how many were read, 0 at
/// the end. Only stdin (0), the private input, can be read: the same stream as
/// `vouch_guest::read`.
///
/// # Safety
///
/// `recv_buf` must be valid for writes of `nrequested` bytes.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn sys_read(fd: u32, recv_buf: *mut u8, nrequested: usize) -> usize {
    if fd != FD_STDIN {
        unsupported("sys_read", format_args!("reading file descriptor {fd}"))
    }
    if nrequested == 0 {
        return 0;
    }
    // std may pass uninitialized memory: clear it so that it can be viewed as `&mut [u8]`.
    // SAFETY: the caller makes `nrequested` bytes at `recv_buf` writable.
    let buf = unsafe {
        core::ptr::write_bytes(recv_buf, 0, nrequested);
        core::slice::from_raw_parts_mut(recv_buf, nrequested)
    };
    crate::input::read_some(buf)
}

/// Write `nbytes` at `write_buf` to `fd`: 1 stdout, 2 stderr (to the host, not proven), 3 the
/// journal (as `vouch_guest::commit_bytes`, so it is covered by the digest `HALT` carries).
///
/// # Safety
///
/// `write_buf` must be valid for reads of `nbytes` bytes.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn sys_write(fd: u32, write_buf: *const u8, nbytes: usize) {
    // SAFETY: the caller's contract.
    let buf = unsafe { bytes(write_buf, nbytes) };
    match fd {
        FD_STDOUT | FD_STDERR => syscall::write(fd, buf),
        FD_JOURNAL => crate::commit_bytes(buf),
        _ => unsupported("sys_write", format_args!("writing file descriptor {fd}")),
    }
}

/// Environment variables: a guest has none (its only input is the private input), so every
/// variable is unset: `std::env::var` returns `Err(NotPresent)`.
#[unsafe(no_mangle)]
pub extern "C" fn sys_getenv(
    _recv_buf: *mut u32,
    _words: usize,
    _varname: *const u8,
    _varname_len: usize,
) -> usize {
    usize::MAX
}

/// Command-line arguments: a guest has none, so `std::env::args()` is empty.
#[unsafe(no_mangle)]
pub extern "C" fn sys_argc() -> usize {
    0
}

/// Never called: there are no arguments ([`sys_argc`] is 0).
#[unsafe(no_mangle)]
pub extern "C" fn sys_argv(_out_words: *mut u32, _out_nwords: usize, arg_index: usize) -> usize {
    unsupported("sys_argv", format_args!("argument {arg_index}"))
}

/// `nwords` words from the heap (never null: the guest stops when the heap is exhausted).
#[unsafe(no_mangle)]
pub extern "C" fn sys_alloc_words(nwords: usize) -> *mut u32 {
    crate::heap::alloc_raw(nwords.saturating_mul(4), 4).cast()
}

/// `nbytes` bytes aligned to `align` from the heap, for `std::alloc::System` (the program's
/// global allocator is the runtime's, which uses the same heap). Never null: the guest stops
/// when the heap is exhausted.
#[unsafe(no_mangle)]
pub extern "C" fn sys_alloc_aligned(nbytes: usize, align: usize) -> *mut u8 {
    crate::heap::alloc_raw(nbytes, align)
}
