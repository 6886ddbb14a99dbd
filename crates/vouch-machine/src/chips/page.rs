//! PLACEHOLDER: this continuation chip is being written; paged proofs are refused until then.

use vouch_stark::air::{Air, BaseAir, WindowAccess};
use vouch_stark::Val;

use crate::MachineBuilder;

/// The chip.
#[derive(Clone, Copy, Debug)]
pub struct PageChip;

impl BaseAir<Val> for PageChip {
    fn width(&self) -> usize {
        1
    }
}

impl<AB: MachineBuilder> Air<AB> for PageChip {
    fn eval(&self, b: &mut AB) {
        let x = b.main().current_slice()[0];
        b.assert_zero(x);
    }
}

/// The chip's table for one segment's paging witness; every Poseidon2 permutation input the
/// table looks up is appended to `perm_inputs`, in row order.
#[cfg(feature = "trace")]
pub fn generate_trace(
    witness: Option<&crate::paging::PagedWitness>,
    _counts: &mut crate::trace::LookupCounts,
    _perm_inputs: &mut Vec<[Val; 16]>,
) -> Result<vouch_stark::matrix::RowMajorMatrix<Val>, crate::trace::TraceError> {
    match witness {
        None => Ok(crate::trace::zero_matrix(crate::MIN_HEIGHT, 1)),
        Some(_) => Err(crate::trace::TraceError::Paging(
            "this chip is not implemented yet",
        )),
    }
}
