//! PLACEHOLDER: this continuation chip is being written; paged proofs are refused until then.

use vouch_stark::air::{Air, BaseAir, WindowAccess};
use vouch_stark::Val;

use crate::MachineBuilder;

/// The chip.
#[derive(Clone, Copy, Debug)]
pub struct Poseidon2Chip;

impl BaseAir<Val> for Poseidon2Chip {
    fn width(&self) -> usize {
        1
    }
}

impl<AB: MachineBuilder> Air<AB> for Poseidon2Chip {
    fn eval(&self, b: &mut AB) {
        let x = b.main().current_slice()[0];
        b.assert_zero(x);
    }
}

/// The Poseidon2 table: one row per permutation input in `inputs` (looked up once each).
#[cfg(feature = "trace")]
pub fn generate_trace(
    inputs: &[[Val; 16]],
    _counts: &mut crate::trace::LookupCounts,
) -> Result<vouch_stark::matrix::RowMajorMatrix<Val>, crate::trace::TraceError> {
    if inputs.is_empty() {
        Ok(crate::trace::zero_matrix(crate::MIN_HEIGHT, 1))
    } else {
        Err(crate::trace::TraceError::Paging(
            "the Poseidon2 chip is not implemented yet",
        ))
    }
}
