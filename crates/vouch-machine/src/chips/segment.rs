//! The segment's boundary on the execution bus.
//!
//! On its first row (and only there: `is_first` is 1 on row 0 and 0 after) this chip sends the
//! start state `(START_PC, 1)` and, unless the segment halts, receives the end state
//! `(END_PC, END_CLK)`, all public values. Each instruction row receives one state and sends its
//! successor with the clock plus one (HALT sends none), so a balanced `exec` bus means the
//! instruction rows form exactly one chain of clocks 1, 2, 3, … from the start state to HALT or
//! to the end state: no instruction skipped, repeated or invented, and no row without a
//! predecessor.

use vouch_stark::air::{Air, AirBuilder, BaseAir, WindowAccess};
use vouch_stark::field::PrimeCharacteristicRing;
use vouch_stark::Val;

use crate::bus::{receive_state, send_state};
use crate::public::{END_CLK, END_PC, HALTED, START_PC};
use crate::MachineBuilder;

/// The segment chip: one column, `is_first`.
#[derive(Clone, Copy, Debug)]
pub struct SegmentChip;

impl BaseAir<Val> for SegmentChip {
    fn width(&self) -> usize {
        1
    }
}

impl<AB: MachineBuilder> Air<AB> for SegmentChip {
    fn eval(&self, b: &mut AB) {
        let main = b.main();
        let is_first = main.current_slice()[0];
        let next_is_first = main.next_slice()[0];
        b.when_first_row().assert_one(is_first);
        b.when_transition().assert_zero(next_is_first);
        let pv = b.public_values().to_vec();
        let [start_pc, end_pc, end_clk, halted]: [AB::Expr; 4] =
            [pv[START_PC], pv[END_PC], pv[END_CLK], pv[HALTED]].map(Into::into);
        send_state(b, start_pc, AB::Expr::ONE, is_first.into());
        let not_halted = AB::Expr::ONE - halted;
        receive_state(b, end_pc, end_clk, AB::Expr::from(is_first) * not_halted);
    }
}

/// The segment table: `is_first` = 1 on row 0.
#[cfg(feature = "trace")]
pub fn generate_trace() -> vouch_stark::matrix::RowMajorMatrix<Val> {
    let mut values = vec![Val::ZERO; crate::machine::MIN_HEIGHT];
    values[0] = Val::ONE;
    vouch_stark::matrix::RowMajorMatrix::new(values, 1)
}
