//! The buses that connect the chips, and the tuples they carry.
//!
//! | bus | kind | tuple | provider | users |
//! |---|---|---|---|---|
//! | `exec` | permutation | `(pc, clk)` | each instruction row sends its successor state | each instruction row receives its state; the segment chip sends the start and receives the end |
//! | `program` | lookup | `(pc, opcode, rd, rs1, rs2, imm0..imm3)` | the ROM (preprocessed) | every instruction row |
//! | `memory` | permutation | `(addr, v0..v3, ts)` | each access sends `(addr, new, ts)`; the image and boundary chips send initial values | each access receives `(addr, old, prev_ts)`; the boundary chip receives final values |
//! | `range16` | lookup | `(x)`, `x < 2^16` | the range table (preprocessed) | limb range checks |
//! | `bytes` | lookup | `(op, x, y, z)` | the byte table (preprocessed): op 0 checks two bytes, 1/2/3 give AND/OR/XOR | byte checks, bitwise ops |
//! | `poseidon2` | lookup | `(input[16], output[16])` | the Poseidon2 chip | page and Merkle chips (paged segments) |
//! | `merkle` | permutation | `(level, index, old[8], new[8])` | page chip (leaves), Merkle chip (parents) | Merkle chip (children), segment chip (root) |
//!
//! Addresses on the memory bus: registers x0..x31 and the sink are 0..=32; RAM words are
//! their byte address (a multiple of 4, at least `GUEST_MIN_ADDR`), so the two never meet.
//! Every tuple on a bus has the same width, as LogUp's fingerprint requires.

use vouch_stark::air::{Count, InteractionBuilder, LookupBus, PermutationCheckBus};
use vouch_stark::field::PrimeCharacteristicRing;

/// Execution states: `(pc, clk)`.
pub const EXEC: PermutationCheckBus<'static> = PermutationCheckBus::new("exec");
/// The program ROM.
pub const PROGRAM: LookupBus<'static> = LookupBus::new("program");
/// Offline memory checking of registers and RAM.
pub const MEMORY: PermutationCheckBus<'static> = PermutationCheckBus::new("memory");
/// 16-bit range checks.
pub const RANGE16: LookupBus<'static> = LookupBus::new("range16");
/// Byte pairs and bytewise AND/OR/XOR.
pub const BYTES: LookupBus<'static> = LookupBus::new("bytes");

/// Poseidon2 permutations: `(input[16], output[16])`, provided by the Poseidon2 chip.
pub const POSEIDON2: LookupBus<'static> = LookupBus::new("poseidon2");
/// Nodes of the memory tree in a paged segment: `(level, index, old[8], new[8])`. The page chip
/// sends the leaves (level 0), the Merkle chip receives children and sends parents, the
/// segment chip receives the root `(21, 0, ROOT_IN, ROOT_OUT)`.
pub const MERKLE: PermutationCheckBus<'static> = PermutationCheckBus::new("merkle");

/// `op` of a `bytes` tuple that only checks that `x` and `y` are bytes (`z = 0`).
pub const BYTE_RANGE: u32 = 0;
/// `op` of a `bytes` tuple with `z = x & y`.
pub const BYTE_AND: u32 = 1;
/// `op` of a `bytes` tuple with `z = x | y`.
pub const BYTE_OR: u32 = 2;
/// `op` of a `bytes` tuple with `z = x ^ y`.
pub const BYTE_XOR: u32 = 3;

/// A per-row multiplicity the AIR constrains to 0 or 1.
pub fn once<E>(e: E) -> Count<E> {
    Count::bounded(e, 1)
}

/// The program bus tuple of an instruction.
pub struct ProgramRow<E> {
    pub pc: E,
    pub opcode: E,
    pub rd: E,
    pub rs1: E,
    pub rs2: E,
    pub imm: [E; 4],
}

/// Look up the instruction at `pc` in the ROM, `mult` times (0 or 1).
pub fn lookup_program<AB: InteractionBuilder>(
    b: &mut AB,
    row: ProgramRow<AB::Expr>,
    mult: AB::Expr,
) {
    let [i0, i1, i2, i3] = row.imm;
    PROGRAM.lookup_key(
        b,
        [row.pc, row.opcode, row.rd, row.rs1, row.rs2, i0, i1, i2, i3],
        once(mult),
    );
}

/// Consume the execution state `(pc, clk)`.
pub fn receive_state<AB: InteractionBuilder>(
    b: &mut AB,
    pc: AB::Expr,
    clk: AB::Expr,
    mult: AB::Expr,
) {
    EXEC.receive(b, [pc, clk], once(mult));
}

/// Produce the execution state `(pc, clk)`.
pub fn send_state<AB: InteractionBuilder>(b: &mut AB, pc: AB::Expr, clk: AB::Expr, mult: AB::Expr) {
    EXEC.send(b, [pc, clk], once(mult));
}

/// Check `x < 2^16`.
pub fn range16<AB: InteractionBuilder>(b: &mut AB, x: AB::Expr, mult: AB::Expr) {
    RANGE16.lookup_key(b, [x], once(mult));
}

/// Check that `x` and `y` are bytes.
pub fn byte_pair<AB: InteractionBuilder>(b: &mut AB, x: AB::Expr, y: AB::Expr, mult: AB::Expr) {
    BYTES.lookup_key(
        b,
        [AB::Expr::from_u32(BYTE_RANGE), x, y, AB::Expr::ZERO],
        once(mult),
    );
}

/// Check `z = op(x, y)` for bytes `x`, `y` (which the lookup also range-checks).
pub fn byte_op<AB: InteractionBuilder>(
    b: &mut AB,
    op: AB::Expr,
    x: AB::Expr,
    y: AB::Expr,
    z: AB::Expr,
    mult: AB::Expr,
) {
    BYTES.lookup_key(b, [op, x, y, z], once(mult));
}

/// Check that every value in `bytes` is a byte, two per lookup.
pub fn bytes_checked<AB: InteractionBuilder>(b: &mut AB, bytes: &[AB::Expr], mult: AB::Expr) {
    for pair in bytes.chunks(2) {
        let second = pair.get(1).cloned().unwrap_or(AB::Expr::ZERO);
        byte_pair(b, pair[0].clone(), second, mult.clone());
    }
}
