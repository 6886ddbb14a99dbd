//! The program ROM.
//!
//! Given the program's code as preprocessed columns — one row per code word with its
//! canonical decoding `(pc, opcode, rd, rs1, rs2, imm bytes)` — this chip provides every row
//! on the `program` bus, `mult` times. Every instruction row of every other chip looks up its
//! `(pc, instruction)` here, so an executed instruction is exactly the ROM's word at its pc:
//! the verifying key commits to the preprocessed columns, so the ROM is the program's.
//!
//! Illegal words and padding rows carry [`INVALID_OPCODE`], which no chip ever looks up.
//! `mult` is unconstrained: LogUp with a provided multiplicity shows every lookup hits a row,
//! whatever the prover claims the counts are, as long as the total number of lookups stays
//! below p (checked by the batch prover and verifier from the table heights).

use std::sync::Arc;

use vouch_stark::air::{Air, BaseAir, WindowAccess};
use vouch_stark::field::PrimeCharacteristicRing;
use vouch_stark::matrix::RowMajorMatrix;
use vouch_stark::Val;

use crate::bus::PROGRAM;
use crate::machine::{rom_height, ProgramTables};
use crate::MachineBuilder;

/// Opcode of ROM rows that hold no executable instruction.
pub const INVALID_OPCODE: u32 = 255;

/// Preprocessed columns: pc, opcode, rd, rs1, rs2, imm0..imm3.
pub const PREPROCESSED_WIDTH: usize = 9;

/// The ROM chip; holds the ROM itself when used for proving.
#[derive(Clone, Debug)]
pub struct ProgramChip {
    tables: Option<Arc<ProgramTables>>,
    height: usize,
}

impl ProgramChip {
    /// A ROM chip for `tables`, or (for the verifier) just its height.
    pub fn new(tables: Option<Arc<ProgramTables>>, height: Option<usize>) -> Self {
        let height = match (&tables, height) {
            (Some(t), _) => rom_height(t.rom.len()),
            (None, Some(h)) => h,
            (None, None) => rom_height(0),
        };
        Self { tables, height }
    }

    /// The table's height.
    pub fn height(&self) -> usize {
        self.height
    }
}

impl BaseAir<Val> for ProgramChip {
    fn width(&self) -> usize {
        1
    }

    fn preprocessed_width(&self) -> usize {
        PREPROCESSED_WIDTH
    }

    fn preprocessed_trace(&self) -> Option<RowMajorMatrix<Val>> {
        let tables = self.tables.as_ref()?;
        let mut values = Vec::with_capacity(self.height * PREPROCESSED_WIDTH);
        let f = Val::from_u32;
        for row in &tables.rom {
            let imm = row.imm.to_le_bytes();
            values.extend([f(row.pc), f(row.opcode), f(row.rd), f(row.rs1), f(row.rs2)]);
            values.extend(imm.map(|b| f(u32::from(b))));
        }
        for _ in tables.rom.len()..self.height {
            values.extend([Val::ZERO, f(INVALID_OPCODE)]);
            values.extend([Val::ZERO; PREPROCESSED_WIDTH - 2]);
        }
        Some(RowMajorMatrix::new(values, PREPROCESSED_WIDTH))
    }

    fn main_next_row_columns(&self) -> Vec<usize> {
        Vec::new()
    }

    fn preprocessed_next_row_columns(&self) -> Vec<usize> {
        Vec::new()
    }
}

impl<AB: MachineBuilder> Air<AB> for ProgramChip {
    fn eval(&self, b: &mut AB) {
        let main = b.main();
        let mult = main.current_slice()[0];
        let prep = b.preprocessed().current_slice().to_vec();
        let key: Vec<AB::Expr> = prep.into_iter().map(Into::into).collect();
        PROGRAM.table_entry(b, key, mult);
    }
}
