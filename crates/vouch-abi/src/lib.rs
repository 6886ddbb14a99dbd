//! The guest ABI of vouch: what a RISC-V guest program and the host agree on.
//!
//! This crate is shared by the guest runtime (built for `riscv32im-unknown-none-elf`), the
//! executor and the prover. It holds constants only, so that both sides read one source of
//! truth. `docs/abi.md` is the prose version of this file; keep them in step.
#![no_std]

/// Syscall numbers, passed in register `a7` (x17) to `ECALL`.
///
/// Arguments are in `a0..a6`; a result, where a syscall has one, comes back in `a0`.
pub mod syscall {
    /// End execution. `a0` = exit code, `a1` = word-aligned pointer to the 32-byte SHA-256
    /// digest of the journal. The exit code and digest become public values of the proof.
    pub const HALT: u32 = 0;
    /// Next word (4 bytes, little-endian) of the private input in `a0`; bytes past the end of
    /// the input read as zero. The value is supplied by the host and is not constrained by
    /// the proof: it is the program's private input.
    pub const READ_WORD: u32 = 1;
    /// Number of private input bytes not yet consumed by `READ_WORD`, in `a0`.
    /// Like `READ_WORD`, a host-supplied value.
    pub const INPUT_REMAINING: u32 = 2;
    /// Append `a1` bytes at address `a0` to the journal (the public output). The journal is
    /// bound to the proof through the digest passed to `HALT`, which the guest computes.
    pub const COMMIT: u32 = 3;
    /// Write `a2` bytes at address `a1` to host file descriptor `a0` (1 = stdout, 2 = stderr).
    pub const WRITE: u32 = 4;
    /// Abort with a message: `a0` = pointer, `a1` = length of a UTF-8 message that includes
    /// the panic location. Execution ends with an error; it cannot be proven.
    pub const PANIC: u32 = 5;
    /// The number of cycles executed so far (low 32 bits) in `a0`. A host-supplied hint for
    /// profiling: the proof does not attest its value.
    pub const CYCLE_COUNT: u32 = 6;
    /// A random word from the host in `a0`, for `getrandom`. Chosen by the prover, so it is
    /// not secret from the prover and not constrained by the proof.
    pub const RANDOM_WORD: u32 = 7;

    /// File descriptor of the host's standard output for [`WRITE`].
    pub const FD_STDOUT: u32 = 1;
    /// File descriptor of the host's standard error for [`WRITE`].
    pub const FD_STDERR: u32 = 2;
}

/// Register numbers used by the ABI.
pub mod reg {
    /// Stack pointer.
    pub const SP: usize = 2;
    /// Global pointer.
    pub const GP: usize = 3;
    /// First argument and return value.
    pub const A0: usize = 10;
    /// Second argument.
    pub const A1: usize = 11;
    /// Third argument.
    pub const A2: usize = 12;
    /// Syscall number.
    pub const A7: usize = 17;
}

/// The guest's memory map. Every address a guest may touch lies in
/// `[GUEST_MIN_ADDR, GUEST_MAX_ADDR)`; everything else is an error.
///
/// ```text
/// 0x0000_0000 .. 0x0001_0000   reserved: never mapped (null-pointer guard); in proofs the
///                              32 registers live at word addresses 0..32 of this range
/// 0x0001_0000 .. _end          program image: .text, .rodata, .data, .bss (from the ELF)
/// _end        .. HEAP_END      heap (grows up)
/// HEAP_END    .. STACK_BOTTOM  guard: any access is reported as a stack overflow
/// STACK_BOTTOM.. STACK_TOP     stack (grows down from STACK_TOP)
/// ```
pub mod memory {
    /// Lowest address a guest may access; also where the linker places `.text`.
    pub const GUEST_MIN_ADDR: u32 = 0x0001_0000;
    /// One past the highest address a guest may access (512 MiB). Addresses below 2^29 fit
    /// a KoalaBear field element with room to spare, which the prover relies on.
    pub const GUEST_MAX_ADDR: u32 = 0x2000_0000;
    /// Initial stack pointer; the stack grows down from here.
    pub const STACK_TOP: u32 = GUEST_MAX_ADDR;
    /// Size of the stack region.
    pub const STACK_SIZE: u32 = 8 << 20;
    /// Lowest stack address.
    pub const STACK_BOTTOM: u32 = STACK_TOP - STACK_SIZE;
    /// Size of the unmapped guard between heap and stack.
    pub const STACK_GUARD_SIZE: u32 = 64 << 10;
    /// One past the highest heap address.
    pub const HEAP_END: u32 = STACK_BOTTOM - STACK_GUARD_SIZE;
    /// Size of a memory page, the unit the executor allocates on touch.
    pub const PAGE_SIZE: u32 = 4096;
}

/// Longest segment, in cycles, that the executor records and the machine proves: keeps every
/// timestamp `4 * clk + slot` below 2^24 + 8 (the range the memory argument's ordering check
/// covers). One source for the executor, the machine and the prover.
pub const MAX_SEGMENT_CYCLES: u32 = 1 << 22;

/// Length of the journal digest passed to `HALT`, in bytes (SHA-256).
pub const JOURNAL_DIGEST_BYTES: usize = 32;
/// Length of the journal digest in 32-bit words.
pub const JOURNAL_DIGEST_WORDS: usize = JOURNAL_DIGEST_BYTES / 4;

#[cfg(test)]
mod tests {
    use super::memory::*;

    #[test]
    fn memory_map_is_ordered_and_page_aligned() {
        let bounds = [GUEST_MIN_ADDR, HEAP_END, STACK_BOTTOM, STACK_TOP];
        assert!(bounds.windows(2).all(|w| w[0] < w[1]));
        assert!(bounds.iter().all(|b| b % PAGE_SIZE == 0));
        assert_eq!(STACK_TOP, GUEST_MAX_ADDR);
    }
}

/// The one serialization format of guest inputs and journals: bincode 2's legacy
/// configuration (little-endian, fixed-width integers, `u64` length prefixes), through serde.
///
/// A `u32` is therefore its 4 little-endian bytes, a `Vec<u8>` an 8-byte length and the bytes.
#[cfg(feature = "codec")]
pub mod codec {
    extern crate alloc;
    use alloc::vec::Vec;

    pub use bincode;
    pub use bincode::error::{DecodeError, EncodeError};

    /// The bincode configuration both sides use.
    pub const CONFIG: bincode::config::Configuration<
        bincode::config::LittleEndian,
        bincode::config::Fixint,
        bincode::config::NoLimit,
    > = bincode::config::legacy();

    /// Encode a value.
    pub fn encode<T: serde::Serialize + ?Sized>(value: &T) -> Result<Vec<u8>, EncodeError> {
        bincode::serde::encode_to_vec(value, CONFIG)
    }

    /// Decode a value that must use all of `bytes`.
    pub fn decode<T: serde::de::DeserializeOwned>(bytes: &[u8]) -> Result<T, DecodeError> {
        let (value, used) = bincode::serde::decode_from_slice(bytes, CONFIG)?;
        if used != bytes.len() {
            return Err(DecodeError::OtherString(alloc::format!(
                "{} trailing bytes after the value",
                bytes.len() - used
            )));
        }
        Ok(value)
    }

    #[cfg(test)]
    mod tests {
        #[test]
        fn u32_is_four_little_endian_bytes() {
            assert_eq!(super::encode(&55u32).unwrap(), [55, 0, 0, 0]);
            assert_eq!(super::decode::<u32>(&[55, 0, 0, 0]).unwrap(), 55);
            assert!(super::decode::<u32>(&[55, 0, 0, 0, 1]).is_err());
        }
    }
}
