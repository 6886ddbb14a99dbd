//! The segment's boundary on the execution bus.
//!
//! On its first row (and only there: `is_first` is 1 on row 0 and 0 after) this chip sends the
//! start state `(start_pc, 1)` and, unless the segment halts, receives the end state
//! `(end_pc, end_clk)`. Each instruction row receives one state and sends its successor with
//! the clock plus one (HALT sends none), so a balanced `exec` bus means the instruction rows
//! form exactly one chain of clocks 1, 2, 3, … from the start state to HALT or to the end
//! state: no instruction skipped, repeated or invented, and no row without a predecessor.
//!
//! Where the pc comes from:
//! - a whole execution in one proof (`PAGED` = 0): `start_pc` is the public value `START_PC`
//!   (the entry point) and the end state is public (`END_PC`, `END_CLK`);
//! - a continuation segment (`PAGED` = 1): the pc is private, held in memory cell `PC_SLOT`
//!   (33) of the register page. This chip receives that cell's initial state
//!   `(33, start_pc, 0)` — paged in from the memory tree — and sends its final state
//!   `(33, end_pc, 4 end_clk)`, which is paged out. `end_clk >= 2` because it must equal the
//!   clock some instruction row sent, so the final timestamp is after the initial one. The pc
//!   words are bytes (paged-in bytes are range-checked by the page chip; `end_pc`'s here) with
//!   top byte below 32, so their value as a field element is the pc itself.

use core::borrow::Borrow;

use vouch_stark::air::{Air, AirBuilder, BaseAir, WindowAccess};
use vouch_stark::field::PrimeCharacteristicRing;
use vouch_stark::Val;

use crate::bus::{byte_pair, once, receive_state, send_state, MEMORY, MERKLE};
use crate::columns::Word;
use crate::gadgets::word::word_value;
use crate::impl_columns;
use crate::public::{END_CLK, END_PC, HALTED, PAGED, ROOT_IN, ROOT_OUT, START_PC};
use crate::MachineBuilder;

/// Memory-bus address of the pc in a continuation segment (slot 33 of the register page).
pub const PC_CELL: u32 = 33;

/// The segment row.
#[repr(C)]
#[derive(Clone, Copy, Debug, Default)]
pub struct SegmentCols<T> {
    /// 1 on row 0 only.
    pub is_first: T,
    /// Paged: the pc at the start (received from cell 33). Zero otherwise.
    pub start_pc: Word<T>,
    /// Paged: the pc at the end (sent to cell 33; range-checked bytes). Zero otherwise.
    pub end_pc: Word<T>,
    /// Paged: the clock of the end state. Zero otherwise.
    pub end_clk: T,
}
impl_columns!(SegmentCols);

/// The segment chip.
#[derive(Clone, Copy, Debug)]
pub struct SegmentChip;

impl BaseAir<Val> for SegmentChip {
    fn width(&self) -> usize {
        SegmentCols::<Val>::WIDTH
    }

    fn main_next_row_columns(&self) -> Vec<usize> {
        vec![SegmentCols::indices().is_first]
    }
}

impl<AB: MachineBuilder> Air<AB> for SegmentChip {
    fn eval(&self, b: &mut AB) {
        let main = b.main();
        let row: SegmentCols<AB::Var> = *main.current_slice().borrow();
        let next: &SegmentCols<AB::Var> = main.next_slice().borrow();
        let next_is_first = next.is_first;
        let c = |x: u32| AB::Expr::from_u32(x);
        b.when_first_row().assert_one(row.is_first);
        b.when_transition().assert_zero(next_is_first);

        let pv = b.public_values().to_vec();
        let [start_pv, end_pc_pv, end_clk_pv, halted, paged]: [AB::Expr; 5] =
            [pv[START_PC], pv[END_PC], pv[END_CLK], pv[HALTED], pv[PAGED]].map(Into::into);
        let unpaged = AB::Expr::ONE - paged.clone();
        let first: AB::Expr = row.is_first.into();

        // The paged columns are zero in an unpaged proof.
        for x in row
            .start_pc
            .iter()
            .chain(row.end_pc.iter())
            .chain([&row.end_clk])
        {
            b.assert_zero(unpaged.clone() * AB::Expr::from(*x));
        }

        let start_pc =
            paged.clone() * word_value::<AB::Expr, _>(&row.start_pc) + unpaged.clone() * start_pv;
        let end_pc =
            paged.clone() * word_value::<AB::Expr, _>(&row.end_pc) + unpaged.clone() * end_pc_pv;
        let end_clk = paged.clone() * AB::Expr::from(row.end_clk) + unpaged * end_clk_pv;
        send_state(b, start_pc, AB::Expr::ONE, first.clone());
        receive_state(b, end_pc, end_clk, first.clone() * (AB::Expr::ONE - halted));

        // Paged: the memory tree's root goes from ROOT_IN to ROOT_OUT.
        let mult = first * paged;
        let mut root = vec![c(crate::paging_consts::TREE_DEPTH), AB::Expr::ZERO];
        root.extend((0..8).map(|i| pv[ROOT_IN + i].into()));
        root.extend((0..8).map(|i| pv[ROOT_OUT + i].into()));
        MERKLE.receive(b, root, once(mult.clone()));

        // Paged: the pc cell's initial and final states.
        let [s0, s1, s2, s3] = row.start_pc.map(Into::into);
        MEMORY.receive(
            b,
            [c(PC_CELL), s0, s1, s2, s3, AB::Expr::ZERO],
            once(mult.clone()),
        );
        let [e0, e1, e2, e3] = row.end_pc.map(Into::into);
        let end_ts = AB::Expr::from(row.end_clk) * c(4);
        MEMORY.send(b, [c(PC_CELL), e0, e1, e2, e3, end_ts], once(mult.clone()));
        byte_pair(b, row.end_pc[0].into(), row.end_pc[1].into(), mult.clone());
        byte_pair(b, row.end_pc[2].into(), row.end_pc[3].into(), mult.clone());
        byte_pair(
            b,
            AB::Expr::from(row.start_pc[3]) * c(8),
            AB::Expr::from(row.end_pc[3]) * c(8),
            mult,
        );
    }
}

/// The segment table: `is_first` = 1 on row 0; in a paged segment, the pcs and end clock.
#[cfg(feature = "trace")]
pub fn generate_trace(
    paged: Option<(u32, u32, u32)>,
    counts: &mut crate::trace::LookupCounts,
) -> vouch_stark::matrix::RowMajorMatrix<Val> {
    use core::borrow::BorrowMut;
    let width = SegmentCols::<Val>::WIDTH;
    let mut trace = crate::trace::zero_matrix(crate::machine::MIN_HEIGHT, width);
    let row: &mut SegmentCols<Val> = trace.values[..width].borrow_mut();
    row.is_first = Val::ONE;
    if let Some((start_pc, end_pc, end_clk)) = paged {
        row.start_pc = crate::gadgets::word::word_to_field(start_pc);
        row.end_pc = crate::gadgets::word::word_to_field(end_pc);
        row.end_clk = Val::from_u32(end_clk);
        let e = end_pc.to_le_bytes().map(u32::from);
        counts.byte_pair(e[0], e[1]);
        counts.byte_pair(e[2], e[3]);
        counts.byte_pair((start_pc >> 24) * 8, e[3] * 8);
    }
    trace
}
