//! vouch's RV32IM machine: the tables ("chips") whose constraints together prove an execution,
//! and the buses between them.
//!
//! Given the program ROM and initial memory image (preprocessed, hence fixed by the verifying
//! key) and the public values of a segment, the chips prove that some execution of the program
//! ran from `start_pc` and either halted with the public exit code and journal digest, or
//! stopped at `(end_pc, end_clk)`. Each chip proves one family of instructions or one part
//! of the memory argument; see `docs/machine.md` for the whole picture and each chip's module
//! docs for what it proves and why its constraints are sound.
//!
//! Every constraint has degree at most 2 and every bus tuple is linear in the columns. That
//! keeps the quotient inside the trace's low-degree extension at blowup 2 even with zero
//! knowledge (which adds one to the effective degree), which is what keeps ZK proving cheap.
//!
//! The `trace` feature adds trace generation from the executor's record; without it the crate
//! holds constraints only, which is what the verifier uses.
#![deny(clippy::unwrap_used, clippy::expect_used)]

pub mod bus;
pub mod chips;
pub mod columns;
pub mod gadgets;
mod machine;
#[cfg(feature = "trace")]
pub mod paging;
pub mod public;

/// Memory-tree constants the constraints need (the tree itself is `paging`, trace side).
pub mod paging_consts {
    /// Depth of the page tree.
    pub const TREE_DEPTH: u32 = 21;
    /// Words per page.
    pub const PAGE_WORDS: usize = 64;
}
#[cfg(feature = "trace")]
pub mod trace;

pub use machine::{
    padded_height, rom_height, ChipKind, Machine, MachineAir, MachineBuilder, ProgramTables,
    RomRow, MIN_HEIGHT, MIN_LOG_HEIGHT,
};
