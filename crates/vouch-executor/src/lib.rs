//! The vouch executor: RV32IM programs in, results and execution records out.
//!
//! - [`Program::from_elf`] loads a 32-bit RISC-V executable, checks it against the memory map
//!   of `vouch-abi`, and predecodes its code into a ROM.
//! - [`Executor`] interprets the program. With recording off it is a fast interpreter;
//!   with recording on it also produces, per segment, the [`SegmentRecord`] the prover turns
//!   into a trace: one [`Step`] per executed instruction, with the previous timestamp and value
//!   of every register and memory access (the offline memory-checking witness).
//!
//! The executor knows nothing of fields or proofs.
#![deny(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod error;
mod exec;
mod memory;
mod profile;
mod program;
mod record;

pub use error::{AccessKind, ElfError, ExecError};
pub use exec::{BetweenSegments, ExecOptions, Execution, Executor, DEFAULT_CYCLE_LIMIT};
pub use exec::{
    SegmentBudget, SegmentLimit, BUDGET_CLASSES, DEFAULT_SEGMENT_CYCLES, MAX_SEGMENT_CYCLES,
};
pub use memory::Memory;
pub use profile::{FunctionProfile, Profile};
pub use program::{Program, Symbol};
pub use record::{
    HaltEvent, MemoryAccess, PageRecord, SegmentRecord, Step, TouchedWord, PAGE_WORDS,
};
