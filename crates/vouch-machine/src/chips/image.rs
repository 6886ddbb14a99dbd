//! The initial state: registers and the program's memory image.
//!
//! Given as preprocessed columns `(addr, v0..v3, is_real)` — the 33 registers at addresses
//! 0..=32 (all zero but `sp` = `STACK_TOP`) and every non-zero word of the ELF's loaded
//! segments, sorted by address — this chip sends each cell's initial state `(addr, v, 0)` on the
//! `memory` bus in the execution's first segment (public value `FIRST_SEGMENT`). The boundary
//! chip receives every such cell's final state, so an image word cannot be left out, and
//! initialising it a second time (as a zero word) would leave the bus unbalanced.
//!
//! The single main column is constrained to zero: the table has no witness.

use std::sync::Arc;

use vouch_stark::air::{Air, BaseAir, WindowAccess};
use vouch_stark::field::PrimeCharacteristicRing;
use vouch_stark::matrix::RowMajorMatrix;
use vouch_stark::Val;

use crate::bus::{once, MEMORY};
use crate::machine::{padded_height, ProgramTables};
use crate::public::{FIRST_SEGMENT, PAGED};
use crate::MachineBuilder;

/// Preprocessed columns: addr, v0..v3, is_real.
pub const PREPROCESSED_WIDTH: usize = 6;

/// The image chip; holds the image when used for proving.
#[derive(Clone, Debug)]
pub struct ImageChip {
    tables: Option<Arc<ProgramTables>>,
    height: usize,
}

impl ImageChip {
    /// An image chip for `tables`, or (for the verifier) just its height.
    pub fn new(tables: Option<Arc<ProgramTables>>, height: Option<usize>) -> Self {
        let height = match (&tables, height) {
            (Some(t), _) => padded_height(t.image.len()),
            (None, Some(h)) => h,
            (None, None) => padded_height(0),
        };
        Self { tables, height }
    }

    /// The table's height.
    pub fn height(&self) -> usize {
        self.height
    }
}

impl BaseAir<Val> for ImageChip {
    fn width(&self) -> usize {
        1
    }

    fn preprocessed_width(&self) -> usize {
        PREPROCESSED_WIDTH
    }

    fn preprocessed_trace(&self) -> Option<RowMajorMatrix<Val>> {
        let tables = self.tables.as_ref()?;
        let mut values = Vec::with_capacity(self.height * PREPROCESSED_WIDTH);
        for &(addr, v) in &tables.image {
            values.push(Val::from_u32(addr));
            values.extend(v.to_le_bytes().map(Val::from_u8));
            values.push(Val::ONE);
        }
        values.resize(self.height * PREPROCESSED_WIDTH, Val::ZERO);
        Some(RowMajorMatrix::new(values, PREPROCESSED_WIDTH))
    }

    fn main_next_row_columns(&self) -> Vec<usize> {
        Vec::new()
    }

    fn preprocessed_next_row_columns(&self) -> Vec<usize> {
        Vec::new()
    }
}

impl<AB: MachineBuilder> Air<AB> for ImageChip {
    fn eval(&self, b: &mut AB) {
        let dummy = b.main().current_slice()[0];
        b.assert_zero(dummy);
        let p = b.preprocessed().current_slice().to_vec();
        let pv = b.public_values().to_vec();
        // Only in the first segment of an unpaged proof (a paged segment pages the image in
        // from the memory tree's initial root instead).
        let first: AB::Expr = pv[FIRST_SEGMENT].into();
        let unpaged = AB::Expr::ONE - pv[PAGED].into();
        let mult = AB::Expr::from(p[5]) * first * unpaged;
        MEMORY.send(
            b,
            [
                p[0].into(),
                p[1].into(),
                p[2].into(),
                p[3].into(),
                p[4].into(),
                AB::Expr::ZERO,
            ],
            once(mult),
        );
    }
}
