//! PLACEHOLDER: this chip is being written; until then the trace generator refuses the
//! instructions it will prove, so no proof can rely on it.

use vouch_stark::air::{Air, BaseAir, WindowAccess};
use vouch_stark::Val;

use crate::MachineBuilder;

/// The chip.
#[derive(Clone, Copy, Debug)]
pub struct StoreChip;

impl BaseAir<Val> for StoreChip {
    fn width(&self) -> usize {
        1
    }
}

impl<AB: MachineBuilder> Air<AB> for StoreChip {
    fn eval(&self, b: &mut AB) {
        let x = b.main().current_slice()[0];
        b.assert_zero(x);
    }
}

/// The chip's trace for `events`.
#[cfg(feature = "trace")]
pub fn generate_trace(
    _chip: &StoreChip,
    events: &[crate::trace::InstrEvent<'_>],
    _counts: &mut crate::trace::LookupCounts,
) -> Result<vouch_stark::matrix::RowMajorMatrix<Val>, crate::trace::TraceError> {
    match events.first() {
        None => Ok(crate::trace::zero_matrix(crate::MIN_HEIGHT, 1)),
        Some(ev) => Err(crate::trace::TraceError::Unsupported(ev.insn.opcode)),
    }
}
