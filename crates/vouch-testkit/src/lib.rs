//! Test support for vouch: build RV32IM programs by hand or at random, as ELF files.
//!
//! - [`encode`](mod@encode): instruction words from [`vouch_isa::Instruction`]s (the inverse
//!   of [`vouch_isa::decode`]), the raw format helpers, and [`raw`] words vouch must reject.
//! - [`Asm`]: an assembler with labels, pseudo-instructions (`li`, `la`, `mv`, `j`…), a data
//!   area, and the vouch syscall sequences (`HALT` with the journal digest, `COMMIT`…).
//! - [`elf`]: an ELF32 writer ([`ElfBuilder`]) whose every header field can be set wrong.
//! - [`random`]: seeded random programs that print their registers and memory, in a Linux
//!   variant (for `qemu-riscv32`) and a vouch variant, for differential tests.
//!
//! Test code: it panics on misuse (an unbound label, an immediate out of range).

pub mod asm;
pub mod elf;
pub mod encode;
pub mod random;

pub use asm::{empty_journal_digest, journal_digest, Asm, Label, CODE_BASE, DATA_BASE};
pub use elf::{ElfBuilder, Section, Segment};
pub use encode::{encode, raw, reg, try_encode, Reg};
