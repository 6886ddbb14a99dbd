//! The machine: its chips in a fixed order, as one AIR type for the batch prover.

use std::sync::Arc;

use vouch_stark::air::{Air, AirBuilder, BaseAir, InteractionBuilder};
use vouch_stark::matrix::RowMajorMatrix;
use vouch_stark::Val;

use crate::chips::{
    alu, bitwise, blind, branch, bytes, divrem, ecall, halt, jump, load, merkle, mul, page,
    poseidon2, program, range, segment, shift, store, upper,
};

/// An AIR builder the machine's chips can evaluate against.
pub trait MachineBuilder: AirBuilder<F = Val> + InteractionBuilder {}
impl<T: AirBuilder<F = Val> + InteractionBuilder> MachineBuilder for T {}

/// One row of the program ROM, in the canonical form the chips look up.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct RomRow {
    pub pc: u32,
    /// `vouch_isa::Opcode as u32`, or [`program::INVALID_OPCODE`] for an illegal word.
    pub opcode: u32,
    pub rd: u32,
    pub rs1: u32,
    pub rs2: u32,
    pub imm: u32,
}

/// What fixes a program: its ROM (preprocessed, so the verifying key commits to it) and its
/// initial state (registers, image, entry point), which the verifying key fixes as the root
/// of the initial memory tree.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ProgramTables {
    /// The ROM, one row per code word, in address order.
    pub rom: Vec<RomRow>,
    /// Initial values of registers (addresses 0..=32) and of the non-zero image words, sorted
    /// by address.
    pub image: Vec<(u32, u32)>,
    /// The entry point.
    pub entry: u32,
}

/// The chips, in the order they appear in every proof. The verifier relies on this order:
/// a proof with a table missing, added or moved does not verify.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum ChipKind {
    Program,
    Segment,
    Range16,
    Bytes,
    AluReg,
    AluImm,
    BitwiseReg,
    BitwiseImm,
    ShiftReg,
    ShiftImm,
    Mul,
    DivRem,
    Branch,
    Jump,
    Upper,
    Load,
    Store,
    Ecall,
    Halt,
    Poseidon2,
    Page,
    Merkle,
    /// Receives every table's blinding tuple (`chips::blind`).
    Blind,
}

impl ChipKind {
    /// Every chip, in proof order.
    pub const ALL: [ChipKind; 23] = [
        ChipKind::Program,
        ChipKind::Segment,
        ChipKind::Range16,
        ChipKind::Bytes,
        ChipKind::AluReg,
        ChipKind::AluImm,
        ChipKind::BitwiseReg,
        ChipKind::BitwiseImm,
        ChipKind::ShiftReg,
        ChipKind::ShiftImm,
        ChipKind::Mul,
        ChipKind::DivRem,
        ChipKind::Branch,
        ChipKind::Jump,
        ChipKind::Upper,
        ChipKind::Load,
        ChipKind::Store,
        ChipKind::Ecall,
        ChipKind::Halt,
        ChipKind::Poseidon2,
        ChipKind::Page,
        ChipKind::Merkle,
        ChipKind::Blind,
    ];

    /// A short name for reports.
    pub fn name(self) -> &'static str {
        match self {
            ChipKind::Program => "program",
            ChipKind::Segment => "segment",
            ChipKind::Range16 => "range16",
            ChipKind::Bytes => "bytes",
            ChipKind::AluReg => "alu",
            ChipKind::AluImm => "alu-imm",
            ChipKind::BitwiseReg => "bitwise",
            ChipKind::BitwiseImm => "bitwise-imm",
            ChipKind::ShiftReg => "shift",
            ChipKind::ShiftImm => "shift-imm",
            ChipKind::Mul => "mul",
            ChipKind::DivRem => "divrem",
            ChipKind::Branch => "branch",
            ChipKind::Jump => "jump",
            ChipKind::Upper => "lui-auipc",
            ChipKind::Load => "load",
            ChipKind::Store => "store",
            ChipKind::Ecall => "ecall",
            ChipKind::Halt => "halt",
            ChipKind::Poseidon2 => "poseidon2",
            ChipKind::Page => "page",
            ChipKind::Merkle => "merkle",
            ChipKind::Blind => "blind",
        }
    }

    /// Position in the proof (the declaration order is the proof order).
    pub fn index(self) -> usize {
        self as usize
    }
}

/// One chip as an AIR. All chips share this type so that one batch proof holds them all.
#[derive(Clone, Debug)]
pub enum MachineAir {
    Program(program::ProgramChip),
    Segment(segment::SegmentChip),
    Range16(range::Range16Chip),
    Bytes(bytes::BytesChip),
    Alu(alu::AluChip),
    Bitwise(bitwise::BitwiseChip),
    Shift(shift::ShiftChip),
    Mul(mul::MulChip),
    DivRem(divrem::DivRemChip),
    Branch(branch::BranchChip),
    Jump(jump::JumpChip),
    Upper(upper::UpperChip),
    Load(load::LoadChip),
    Store(store::StoreChip),
    Ecall(ecall::EcallChip),
    Halt(halt::HaltChip),
    Poseidon2(poseidon2::Poseidon2Chip),
    Page(page::PageChip),
    Merkle(merkle::MerkleChip),
    Blind(blind::BlindSinkChip),
}

macro_rules! dispatch {
    ($self:expr, $chip:ident => $body:expr) => {
        match $self {
            MachineAir::Program($chip) => $body,
            MachineAir::Segment($chip) => $body,
            MachineAir::Range16($chip) => $body,
            MachineAir::Bytes($chip) => $body,
            MachineAir::Alu($chip) => $body,
            MachineAir::Bitwise($chip) => $body,
            MachineAir::Shift($chip) => $body,
            MachineAir::Mul($chip) => $body,
            MachineAir::DivRem($chip) => $body,
            MachineAir::Branch($chip) => $body,
            MachineAir::Jump($chip) => $body,
            MachineAir::Upper($chip) => $body,
            MachineAir::Load($chip) => $body,
            MachineAir::Store($chip) => $body,
            MachineAir::Ecall($chip) => $body,
            MachineAir::Halt($chip) => $body,
            MachineAir::Poseidon2($chip) => $body,
            MachineAir::Page($chip) => $body,
            MachineAir::Merkle($chip) => $body,
            MachineAir::Blind($chip) => $body,
        }
    };
}

impl BaseAir<Val> for MachineAir {
    /// The chip's columns, then the [`blind::BLIND_WIDTH`] blinding columns.
    fn width(&self) -> usize {
        self.chip_width() + blind::BLIND_WIDTH
    }

    fn preprocessed_trace(&self) -> Option<RowMajorMatrix<Val>> {
        dispatch!(self, c => BaseAir::<Val>::preprocessed_trace(c))
    }

    fn preprocessed_width(&self) -> usize {
        dispatch!(self, c => BaseAir::<Val>::preprocessed_width(c))
    }

    /// The chip's (the blinding columns never read the next row).
    fn main_next_row_columns(&self) -> Vec<usize> {
        dispatch!(self, c => BaseAir::<Val>::main_next_row_columns(c))
    }

    fn preprocessed_next_row_columns(&self) -> Vec<usize> {
        dispatch!(self, c => BaseAir::<Val>::preprocessed_next_row_columns(c))
    }

    fn num_public_values(&self) -> usize {
        crate::public::NUM_PUBLIC_VALUES
    }
}

impl MachineAir {
    /// Width of the chip's own row (the first columns of its table).
    pub fn chip_width(&self) -> usize {
        dispatch!(self, c => BaseAir::<Val>::width(c))
    }

    /// The chip's constraints and interactions alone, without the blinding columns (for tests
    /// that check a few tables on their own: the blind bus balances only over all of them).
    pub fn eval_chip<AB: MachineBuilder>(&self, builder: &mut AB) {
        dispatch!(self, c => Air::<AB>::eval(c, builder));
    }
}

impl<AB: MachineBuilder> Air<AB> for MachineAir {
    fn eval(&self, builder: &mut AB) {
        self.eval_chip(builder);
        blind::eval_blind(builder, self.chip_width());
    }
}

/// The machine for one program: its chips, in [`ChipKind::ALL`] order.
#[derive(Clone, Debug)]
pub struct Machine {
    airs: Vec<MachineAir>,
}

impl Machine {
    /// The machine with the program's preprocessed tables, as the prover (and key generation)
    /// needs it.
    pub fn new(tables: Arc<ProgramTables>) -> Self {
        Self::build(Some(tables), None)
    }

    /// The machine as the verifier needs it: constraints and widths, no table contents. The
    /// height of the ROM comes from the verifying key.
    pub fn for_verifier(rom_rows: usize) -> Self {
        Self::build(None, Some(rom_rows))
    }

    fn build(tables: Option<Arc<ProgramTables>>, rom_rows: Option<usize>) -> Self {
        let airs = ChipKind::ALL
            .iter()
            .map(|kind| match kind {
                ChipKind::Program => {
                    MachineAir::Program(program::ProgramChip::new(tables.clone(), rom_rows))
                }
                ChipKind::Segment => MachineAir::Segment(segment::SegmentChip),
                ChipKind::Range16 => MachineAir::Range16(range::Range16Chip),
                ChipKind::Bytes => MachineAir::Bytes(bytes::BytesChip),
                ChipKind::AluReg => MachineAir::Alu(alu::AluChip { imm: false }),
                ChipKind::AluImm => MachineAir::Alu(alu::AluChip { imm: true }),
                ChipKind::BitwiseReg => MachineAir::Bitwise(bitwise::BitwiseChip { imm: false }),
                ChipKind::BitwiseImm => MachineAir::Bitwise(bitwise::BitwiseChip { imm: true }),
                ChipKind::ShiftReg => MachineAir::Shift(shift::ShiftChip { imm: false }),
                ChipKind::ShiftImm => MachineAir::Shift(shift::ShiftChip { imm: true }),
                ChipKind::Mul => MachineAir::Mul(mul::MulChip),
                ChipKind::DivRem => MachineAir::DivRem(divrem::DivRemChip),
                ChipKind::Branch => MachineAir::Branch(branch::BranchChip),
                ChipKind::Jump => MachineAir::Jump(jump::JumpChip),
                ChipKind::Upper => MachineAir::Upper(upper::UpperChip),
                ChipKind::Load => MachineAir::Load(load::LoadChip),
                ChipKind::Store => MachineAir::Store(store::StoreChip),
                ChipKind::Ecall => MachineAir::Ecall(ecall::EcallChip),
                ChipKind::Halt => MachineAir::Halt(halt::HaltChip),
                ChipKind::Poseidon2 => MachineAir::Poseidon2(poseidon2::Poseidon2Chip),
                ChipKind::Page => MachineAir::Page(page::PageChip),
                ChipKind::Merkle => MachineAir::Merkle(merkle::MerkleChip),
                ChipKind::Blind => MachineAir::Blind(blind::BlindSinkChip),
            })
            .collect();
        Self { airs }
    }

    /// The chips' AIRs, in proof order.
    pub fn airs(&self) -> &[MachineAir] {
        &self.airs
    }

    /// Trace heights of the preprocessed tables whose height is fixed by the program or the
    /// machine (`None` for chips whose height the execution chooses).
    pub fn fixed_heights(&self) -> Vec<Option<usize>> {
        self.airs
            .iter()
            .map(|air| match air {
                MachineAir::Program(c) => Some(c.height()),
                MachineAir::Range16(_) => Some(range::HEIGHT),
                MachineAir::Bytes(_) => Some(bytes::HEIGHT),
                MachineAir::Blind(_) => Some(MIN_HEIGHT),
                _ => None,
            })
            .collect()
    }
}

/// The smallest trace height the machine uses for any table: the zero-knowledge PCS needs at
/// least `2 * (4 + queries)` rows to hide a table, and tiny tables cost nothing.
pub const MIN_HEIGHT: usize = 1 << MIN_LOG_HEIGHT;

/// log2 of [`MIN_HEIGHT`].
pub const MIN_LOG_HEIGHT: usize = 8;

/// The height of a table with `rows` rows: the next power of two, at least [`MIN_HEIGHT`].
pub fn padded_height(rows: usize) -> usize {
    rows.next_power_of_two().max(MIN_HEIGHT)
}

/// The log2 heights a ROM table comes in. Recursion keys are made per segment shape, the
/// ROM's height included, so every height a ROM may have multiplies the keys a constant key
/// set needs, and a ROM height unlike the other tables' adds to the lift circuit (each
/// distinct height in a segment costs it ~40k wires; `trace::menu`). The ROM is 10 columns
/// wide (one main, nine preprocessed), so even powers from 2^14 cost at most 4x a small table
/// (2^14 rows: 164k cells; a 2^18-row ROM: 2.6M, against ~80M in a 2^20-cycle segment).
pub const ROM_LOG_HEIGHTS: [usize; 5] = [14, 16, 18, 20, 22];

/// The height of a ROM of `rows` instructions: the smallest of [`ROM_LOG_HEIGHTS`] that holds
/// it (a larger ROM gets the next power of two, which the verifier then refuses).
pub fn rom_height(rows: usize) -> usize {
    let h = padded_height(rows);
    ROM_LOG_HEIGHTS
        .iter()
        .map(|&l| 1usize << l)
        .find(|&q| q >= h)
        .unwrap_or(h)
}
