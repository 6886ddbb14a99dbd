//! The execution record: what the prover needs to build a trace without re-executing.
//!
//! Timestamps follow one convention, shared with the prover's memory argument. In a segment,
//! the `i`-th step (0-based) runs at clock `clk = i + 1` and performs its accesses at
//! `4 * clk + slot`, with slot 0 = read `rs1`, 1 = read `rs2`, 2 = memory (load, store, or
//! HALT's digest reads), 3 = write `rd`. Timestamp 0 means "initial value of the segment".
//! A step accesses exactly the registers its canonical instruction uses
//! (`Opcode::reads_rs1/reads_rs2/writes_rd`); the fields of an access a step does not make are
//! zero. Writes to x0 go to the sink register 32 (`vouch_isa::REG_SINK`), so x0 is never
//! written. `HALT` reads `a7` (slot 0), `a0` (slot 1), `a1` and the digest (slot 2), and writes
//! nothing.

use serde::{Deserialize, Serialize};

/// Timestamp slot of the `rs1` read.
pub const SLOT_RS1: u32 = 0;
/// Timestamp slot of the `rs2` read.
pub const SLOT_RS2: u32 = 1;
/// Timestamp slot of the data memory access.
pub const SLOT_MEM: u32 = 2;
/// Timestamp slot of the `rd` write.
pub const SLOT_RD: u32 = 3;

/// The timestamp of an access at `slot` in the step with clock `clk`.
#[inline(always)]
pub const fn timestamp(clk: u32, slot: u32) -> u32 {
    4 * clk + slot
}

/// A data memory access of one step, on the aligned word containing the address.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct MemoryAccess {
    /// Word-aligned address (0 when the step made no memory access).
    pub addr: u32,
    /// The word after the access (equal to `prev_value` for loads).
    pub value: u32,
    /// The word before the access.
    pub prev_value: u32,
    /// Timestamp of the previous access to this word in the segment, 0 if none.
    pub prev_ts: u32,
}

/// One executed instruction.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Step {
    pub pc: u32,
    pub rs1_val: u32,
    pub rs2_val: u32,
    /// The value written to `rd` (which is the sink register when the instruction names x0).
    pub rd_val: u32,
    pub rs1_prev_ts: u32,
    pub rs2_prev_ts: u32,
    pub rd_prev_ts: u32,
    /// The value `rd` held before this step.
    pub rd_prev_val: u32,
    pub mem: MemoryAccess,
}

/// The `HALT` syscall: the exit code and the eight digest words it read from memory.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct HaltEvent {
    /// Clock of the HALT step.
    pub clk: u32,
    pub exit_code: u32,
    /// Word-aligned address of the journal digest.
    pub digest_addr: u32,
    /// The digest words, as read from memory (little-endian words of the SHA-256 digest).
    pub digest: [u32; 8],
    /// Previous-access timestamps of the eight digest words.
    pub prev_ts: [u32; 8],
    /// Previous-access timestamp of `a1` (read at slot 2).
    pub a1_prev_ts: u32,
}

/// A memory word accessed in a segment: its value at the start and the end of the segment.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct TouchedWord {
    pub addr: u32,
    pub init: u32,
    pub last: u32,
    /// Timestamp of the last access in the segment.
    pub last_ts: u32,
}

/// Words per memory page: the unit in which continuations commit to memory (256 bytes).
pub const PAGE_WORDS: usize = 64;

/// A RAM page the segment touched: all its words at the start and the end of the segment.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct PageRecord {
    /// Page number: byte address / 256.
    pub index: u32,
    /// The page's `PAGE_WORDS` words at the start of the segment.
    pub init: Vec<u32>,
    /// The page's words at the end of the segment.
    pub last: Vec<u32>,
    /// Timestamp of each word's last access in the segment (0 if untouched).
    pub last_ts: Vec<u32>,
}

/// Everything the prover needs to prove one segment of an execution.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct SegmentRecord {
    /// Position of this segment in the execution, from 0.
    pub index: u32,
    /// Cycles executed before this segment.
    pub start_cycle: u64,
    /// pc of the first step.
    pub start_pc: u32,
    /// pc after the last step (the next segment's `start_pc`); for a halted segment, the pc
    /// of the HALT instruction.
    pub end_pc: u32,
    pub steps: Vec<Step>,
    /// Present only in the last segment, which ends in `HALT`.
    pub halt: Option<HaltEvent>,
    /// Registers at the start of the segment (`NUM_REGS` entries: x0..x31 and the sink).
    pub regs_init: Vec<u32>,
    /// Registers at the end of the segment.
    pub regs_final: Vec<u32>,
    /// Timestamp of each register's last access in the segment (0 if none).
    pub regs_final_ts: Vec<u32>,
    /// Every memory word the segment accessed, sorted by address.
    pub touched: Vec<TouchedWord>,
    /// Every RAM page holding a touched word, sorted by index.
    pub pages: Vec<PageRecord>,
}
