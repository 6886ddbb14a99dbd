//! The byte table: for every pair of bytes `(x, y)` (preprocessed), provides on the `bytes`
//! bus `(0, x, y, 0)` (a range check of two bytes), `(1, x, y, x & y)`, `(2, x, y, x | y)` and
//! `(3, x, y, x ^ y)`, each with its own unconstrained multiplicity column.

use vouch_stark::air::{Air, BaseAir, WindowAccess};
use vouch_stark::field::PrimeCharacteristicRing;
use vouch_stark::matrix::RowMajorMatrix;
use vouch_stark::Val;

use crate::bus::{BYTES, BYTE_AND, BYTE_OR, BYTE_RANGE, BYTE_XOR};
use crate::MachineBuilder;

/// Rows: one per pair of bytes, row `x + 256 * y`.
pub const HEIGHT: usize = 1 << 16;

/// The byte table.
#[derive(Clone, Copy, Debug)]
pub struct BytesChip;

impl BaseAir<Val> for BytesChip {
    fn width(&self) -> usize {
        4
    }

    fn preprocessed_width(&self) -> usize {
        5
    }

    fn preprocessed_trace(&self) -> Option<RowMajorMatrix<Val>> {
        let mut values = Vec::with_capacity(HEIGHT * 5);
        for i in 0..HEIGHT as u32 {
            let (x, y) = (i & 0xff, i >> 8);
            values.extend([x, y, x & y, x | y, x ^ y].map(Val::from_u32));
        }
        Some(RowMajorMatrix::new(values, 5))
    }

    fn main_next_row_columns(&self) -> Vec<usize> {
        Vec::new()
    }

    fn preprocessed_next_row_columns(&self) -> Vec<usize> {
        Vec::new()
    }
}

impl<AB: MachineBuilder> Air<AB> for BytesChip {
    fn eval(&self, b: &mut AB) {
        let m = b.main().current_slice().to_vec();
        let p = b.preprocessed().current_slice().to_vec();
        let (x, y) = (p[0], p[1]);
        let op = |c: u32| AB::Expr::from_u32(c);
        BYTES.table_entry(
            b,
            [op(BYTE_RANGE), x.into(), y.into(), AB::Expr::ZERO],
            m[0],
        );
        BYTES.table_entry(b, [op(BYTE_AND), x.into(), y.into(), p[2].into()], m[1]);
        BYTES.table_entry(b, [op(BYTE_OR), x.into(), y.into(), p[3].into()], m[2]);
        BYTES.table_entry(b, [op(BYTE_XOR), x.into(), y.into(), p[4].into()], m[3]);
    }
}
