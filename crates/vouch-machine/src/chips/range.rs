//! The 16-bit range table: provides every `x < 2^16` on the `range16` bus (preprocessed),
//! with an unconstrained multiplicity column (see the program chip for why that is sound).

use vouch_stark::air::{Air, BaseAir, WindowAccess};
use vouch_stark::field::PrimeCharacteristicRing;
use vouch_stark::matrix::RowMajorMatrix;
use vouch_stark::Val;

use crate::bus::RANGE16;
use crate::MachineBuilder;

/// Rows: one per 16-bit value.
pub const HEIGHT: usize = 1 << 16;

/// The range table.
#[derive(Clone, Copy, Debug)]
pub struct Range16Chip;

impl BaseAir<Val> for Range16Chip {
    fn width(&self) -> usize {
        1
    }

    fn preprocessed_width(&self) -> usize {
        1
    }

    fn preprocessed_trace(&self) -> Option<RowMajorMatrix<Val>> {
        Some(RowMajorMatrix::new(
            (0..HEIGHT as u32).map(Val::from_u32).collect(),
            1,
        ))
    }

    fn main_next_row_columns(&self) -> Vec<usize> {
        Vec::new()
    }

    fn preprocessed_next_row_columns(&self) -> Vec<usize> {
        Vec::new()
    }
}

impl<AB: MachineBuilder> Air<AB> for Range16Chip {
    fn eval(&self, b: &mut AB) {
        let mult = b.main().current_slice()[0];
        let x = b.preprocessed().current_slice()[0];
        RANGE16.table_entry(b, [x], mult);
    }
}
