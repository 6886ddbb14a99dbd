//! Trace generation: from the executor's [`SegmentRecord`] to one trace matrix per chip.
//!
//! Steps are dispatched to chips by opcode; each chip fills its rows and counts the lookups it
//! makes into the shared tables (ROM, range, bytes), whose multiplicity columns are filled last.

mod counts;
pub mod menu;
mod repage;
mod shape;
mod tables;

use std::sync::Arc;

use vouch_executor::{Program, SegmentRecord, Step};
use vouch_isa::{Instruction, Opcode};
use vouch_stark::matrix::RowMajorMatrix;
use vouch_stark::par::*;
use vouch_stark::Val;

pub use counts::LookupCounts;
#[doc(hidden)]
pub use repage::{final_cell, page_cell, repage};
pub use tables::program_tables;

use crate::chips::{
    alu, bitwise, blind, branch, divrem, ecall, halt, jump, load, merkle, mul, page, poseidon2,
    segment, shift, store, upper,
};
use crate::gadgets::memory::MAX_SEGMENT_CYCLES;
use crate::machine::{ChipKind, ProgramTables};
use crate::paging::PagedWitness;
use crate::public::{SegmentEnd, SegmentStatement};

/// Why a segment's record cannot become a trace.
#[derive(Debug, thiserror::Error)]
pub enum TraceError {
    /// The segment is longer than the machine proves in one piece.
    #[error("segment of {0} cycles exceeds the largest provable segment (2^22 cycles)")]
    TooLong(usize),
    /// The record names a pc outside the ROM or an illegal instruction.
    #[error("the record executes no valid instruction at pc 0x{0:08x}")]
    BadInstruction(u32),
    /// An instruction the machine has no chip for yet.
    #[error("the prover cannot prove `{}` instructions yet", .0.mnemonic())]
    Unsupported(Opcode),
    /// The segment's paging witness could not be traced.
    #[error("memory paging: {0}")]
    Paging(&'static str),
    /// The traces cannot be padded to the requested shape.
    #[error("segment shape: {0}")]
    Shape(String),
}

/// A chip's generated trace and the lookups it made.
type ChipTrace = (ChipKind, RowMajorMatrix<Val>, LookupCounts);

/// One executed instruction, as a chip sees it.
#[derive(Clone, Copy, Debug)]
pub struct InstrEvent<'a> {
    pub clk: u32,
    pub step: &'a Step,
    /// The canonical instruction (see `vouch_isa::Instruction::canonical`).
    pub insn: Instruction,
}

/// A segment's traces, in `ChipKind::ALL` order, and the statement they prove.
#[derive(Debug)]
pub struct SegmentTraces {
    pub traces: Vec<RowMajorMatrix<Val>>,
    pub statement: SegmentStatement,
    /// Instruction rows per chip (0 for the tables that are not instruction chips).
    pub instruction_rows: Vec<usize>,
}

/// The instruction chip that proves `op` (`Ecall` for every ECALL, HALT included; `None`
/// for FENCE, which canonical code does not have: it runs as ADDI).
pub fn opcode_chip(op: Opcode) -> Option<ChipKind> {
    use Opcode::*;
    Some(match op {
        Add | Sub | Slt | Sltu => ChipKind::AluReg,
        Addi | Slti | Sltiu => ChipKind::AluImm,
        Xor | Or | And => ChipKind::BitwiseReg,
        Xori | Ori | Andi => ChipKind::BitwiseImm,
        Sll | Srl | Sra => ChipKind::ShiftReg,
        Slli | Srli | Srai => ChipKind::ShiftImm,
        Mul | Mulh | Mulhsu | Mulhu => ChipKind::Mul,
        Div | Divu | Rem | Remu => ChipKind::DivRem,
        Beq | Bne | Blt | Bge | Bltu | Bgeu => ChipKind::Branch,
        Jal | Jalr => ChipKind::Jump,
        Lui | Auipc => ChipKind::Upper,
        Lb | Lh | Lw | Lbu | Lhu => ChipKind::Load,
        Sb | Sh | Sw => ChipKind::Store,
        Ecall => ChipKind::Ecall,
        Fence => return None,
    })
}

/// The chip that proves `insn` (given the syscall number `a7` for ECALL).
fn chip_for(insn: &Instruction, a7: u32) -> Result<ChipKind, TraceError> {
    match opcode_chip(insn.opcode) {
        Some(ChipKind::Ecall) if a7 == vouch_abi::syscall::HALT => Ok(ChipKind::Halt),
        Some(kind) => Ok(kind),
        None => Err(TraceError::Unsupported(insn.opcode)),
    }
}

/// Build every chip's trace for one segment, paged in and out by `paging`.
pub fn generate(
    program: &Program,
    tables: &Arc<ProgramTables>,
    record: &SegmentRecord,
    journal_digest: [u8; 32],
    paging: &PagedWitness,
) -> Result<SegmentTraces, TraceError> {
    if record.steps.len() > MAX_SEGMENT_CYCLES {
        return Err(TraceError::TooLong(record.steps.len()));
    }
    // Dispatch steps to chips.
    let mut per_chip: Vec<Vec<InstrEvent<'_>>> = vec![Vec::new(); ChipKind::ALL.len()];
    for (i, step) in record.steps.iter().enumerate() {
        let insn = program
            .instruction_at(step.pc)
            .and_then(Result::ok)
            .ok_or(TraceError::BadInstruction(step.pc))?
            .canonical();
        let kind = chip_for(&insn, step.rs1_val)?;
        per_chip[kind.index()].push(InstrEvent {
            clk: i as u32 + 1,
            step,
            insn,
        });
    }

    let rom_base = program.code_base();
    let rom_len = tables.rom.len();
    let kinds = &ChipKind::ALL;
    // The pc's end state: the state after the last step (for a halted segment: HALT's own
    // state, which nothing consumes).
    let end_clk = record.steps.len() as u32 + 1;
    let segment_pcs = (record.start_pc, record.end_pc, end_clk);
    // The memory-tree chips first: the Poseidon2 table needs every permutation they look up.
    let mut perm_inputs = Vec::new();
    let mut tree_counts = LookupCounts::new(rom_base, rom_len);
    let page = page::generate_trace(Some(paging), &mut tree_counts, &mut perm_inputs)?;
    let merkle = merkle::generate_trace(Some(paging), &mut tree_counts, &mut perm_inputs)?;
    let p2 = poseidon2::generate_trace(&perm_inputs, &mut tree_counts)?;
    let tree_traces = vec![
        (ChipKind::Page, page),
        (ChipKind::Merkle, merkle),
        (ChipKind::Poseidon2, p2),
    ];
    // Instruction chips, in parallel, each with its own lookup counts.
    let generated: Vec<Result<ChipTrace, TraceError>> = kinds
        .par_iter()
        .filter_map(|&kind| {
            let mut counts = LookupCounts::new(rom_base, rom_len);
            let ev = &per_chip[kind.index()];
            let c = &mut counts;
            let trace = match kind {
                ChipKind::AluReg => alu::generate_trace(&alu::AluChip { imm: false }, ev, c),
                ChipKind::AluImm => alu::generate_trace(&alu::AluChip { imm: true }, ev, c),
                ChipKind::BitwiseReg => {
                    bitwise::generate_trace(&bitwise::BitwiseChip { imm: false }, ev, c)
                }
                ChipKind::BitwiseImm => {
                    bitwise::generate_trace(&bitwise::BitwiseChip { imm: true }, ev, c)
                }
                ChipKind::ShiftReg => {
                    shift::generate_trace(&shift::ShiftChip { imm: false }, ev, c)
                }
                ChipKind::ShiftImm => shift::generate_trace(&shift::ShiftChip { imm: true }, ev, c),
                ChipKind::Mul => mul::generate_trace(&mul::MulChip, ev, c),
                ChipKind::DivRem => divrem::generate_trace(&divrem::DivRemChip, ev, c),
                ChipKind::Branch => branch::generate_trace(&branch::BranchChip, ev, c),
                ChipKind::Jump => jump::generate_trace(&jump::JumpChip, ev, c),
                ChipKind::Upper => upper::generate_trace(&upper::UpperChip, ev, c),
                ChipKind::Load => load::generate_trace(&load::LoadChip, ev, c),
                ChipKind::Store => store::generate_trace(&store::StoreChip, ev, c),
                ChipKind::Ecall => ecall::generate_trace(&ecall::EcallChip, ev, c),
                ChipKind::Halt => Ok(halt::generate_trace(record, c)),
                ChipKind::Segment => Ok(segment::generate_trace(segment_pcs, c)),
                ChipKind::Program
                | ChipKind::Range16
                | ChipKind::Bytes
                | ChipKind::Poseidon2
                | ChipKind::Page
                | ChipKind::Merkle
                | ChipKind::Blind => return None,
            };
            Some(trace.map(|t| (kind, t, counts)))
        })
        .collect();

    let mut counts = tree_counts;
    let mut traces: Vec<Option<RowMajorMatrix<Val>>> = vec![None; kinds.len()];
    for (kind, trace) in tree_traces {
        traces[kind.index()] = Some(trace);
    }
    for result in generated {
        let (kind, trace, c) = result?;
        counts.merge(&c);
        traces[kind.index()] = Some(trace);
    }
    // The tables, from the counts.
    traces[ChipKind::Program.index()] = Some(counts.program_trace(tables));
    traces[ChipKind::Range16.index()] = Some(counts.range16_trace());
    traces[ChipKind::Bytes.index()] = Some(counts.bytes_trace());
    // Every table gets its blinding columns (zero: `blind::set_blinds` draws them for a
    // zero-knowledge proof), the sink one zero tuple per table.
    let mut traces: Vec<RowMajorMatrix<Val>> = traces
        .into_par_iter()
        .map(|t| blind::widen(t.unwrap_or_else(|| RowMajorMatrix::new(Vec::new(), 1))))
        .collect();
    traces[ChipKind::Blind.index()] = blind::sink_trace(&vec![
        [<Val as vouch_stark::field::PrimeCharacteristicRing>::ZERO;
            4];
        kinds.len()
    ]);

    let canonical = |d: &crate::paging::Digest| {
        d.map(|x| vouch_stark::field::PrimeField32::as_canonical_u32(&x))
    };
    let end = match record.halt {
        Some(h) => SegmentEnd::Halted {
            exit_code: h.exit_code,
            journal_digest,
        },
        None => SegmentEnd::Continues,
    };
    let statement =
        SegmentStatement::new(end, canonical(&paging.root_in), canonical(&paging.root_out));
    let instruction_rows = per_chip.iter().take(kinds.len()).map(Vec::len).collect();
    Ok(SegmentTraces {
        traces,
        statement,
        instruction_rows,
    })
}

/// A matrix of `height` zero rows of `width` columns, to be filled row by row.
pub(crate) fn zero_matrix(height: usize, width: usize) -> RowMajorMatrix<Val> {
    use vouch_stark::field::PrimeCharacteristicRing;
    RowMajorMatrix::new(vec![Val::ZERO; height * width], width)
}

/// Recompute the multiplicity columns of the ROM, range and byte tables from what the other
/// tables actually look up. Honest traces need no rebalancing; soundness tests use this after
/// tampering with a trace, so that the only inconsistency left is the one under test.
pub fn rebalance(
    machine: &crate::Machine,
    tables: &ProgramTables,
    traces: &mut [RowMajorMatrix<Val>],
    public_values: &[Vec<Val>],
) {
    use vouch_stark::field::PrimeCharacteristicRing;
    let queries = vouch_stark::debug::bus_queries(
        machine.airs(),
        traces,
        public_values,
        &[
            crate::bus::PROGRAM.name(),
            crate::bus::RANGE16.name(),
            crate::bus::BYTES.name(),
        ],
    );
    // The three tables' own columns are their multiplicities (then come the blinding
    // columns); `add(table, i, n)` adds `n` to the `i`-th multiplicity in row-major order.
    let (program, range, bytes) = (
        ChipKind::Program.index(),
        ChipKind::Range16.index(),
        ChipKind::Bytes.index(),
    );
    let own: Vec<usize> = machine.airs().iter().map(|a| a.chip_width()).collect();
    for t in [program, range, bytes] {
        let w = traces[t].width;
        for row in traces[t].values.chunks_exact_mut(w) {
            row[..own[t]].iter_mut().for_each(|v| *v = Val::ZERO);
        }
    }
    let mut add = |table: usize, i: usize, n: Val| {
        let w = traces[table].width;
        traces[table].values[i / own[table] * w + i % own[table]] += n;
    };
    for ((bus, tuple), n) in queries {
        let n = Val::from_u64(n);
        if bus == crate::bus::PROGRAM.name() {
            let hit = tables.rom.iter().position(|r| {
                let imm = r.imm.to_le_bytes().map(u32::from);
                [
                    r.pc, r.opcode, r.rd, r.rs1, r.rs2, imm[0], imm[1], imm[2], imm[3],
                ] == tuple[..]
            });
            if let Some(row) = hit {
                add(program, row, n);
            }
        } else if bus == crate::bus::RANGE16.name() {
            if let Some(&x) = tuple.first().filter(|&&x| x < 1 << 16) {
                add(range, x as usize, n);
            }
        } else if let [op, x, y, z] = tuple[..] {
            if op < 4 && x < 256 && y < 256 {
                let expected = match op {
                    crate::bus::BYTE_AND => x & y,
                    crate::bus::BYTE_OR => x | y,
                    crate::bus::BYTE_XOR => x ^ y,
                    _ => 0,
                };
                if z == expected {
                    add(bytes, ((x + 256 * y) * 4 + op) as usize, n);
                }
            }
        }
    }
}
