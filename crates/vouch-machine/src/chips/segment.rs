//! The segment's boundary on the execution bus, and the pc between segments.
//!
//! Given the memory-tree roots `ROOT_IN` and `ROOT_OUT` (public values), this chip proves
//! that the segment's execution starts at the pc the tree holds and, unless the segment halts,
//! ends at the pc it writes back:
//!
//! - On its first row (and only there: `is_first` is 1 on row 0 and 0 after, every other
//!   column is 0 on the other rows) it sends the start state `(start_pc, 1)` and, unless the
//!   segment halts, receives the end state `(end_pc, end_clk)`. Each instruction row receives
//!   one state and sends its successor with the clock plus one (HALT sends none), so a
//!   balanced `exec` bus means the instruction rows form exactly one chain of clocks 1, 2, 3,
//!   … from the start state to HALT or to the end state: no instruction skipped, repeated or
//!   invented, and no row without a predecessor.
//! - The pc lives in memory cell `PC_CELL` (33) of the register page. This chip receives that
//!   cell's initial state `(33, start_pc, 0)` — paged in from the memory tree — and sends its
//!   final state `(33, end_pc, 4 end_clk)`, which is paged out. The pc words are bytes
//!   (paged-in bytes are range-checked by the page chip; `end_pc`'s here) with top byte below
//!   32, so their value as a field element is the pc itself.
//! - It consumes the root of the tree update, `(21, 0, ROOT_IN, ROOT_OUT)`, on the `merkle`
//!   bus: the page and Merkle chips prove that update (`docs/continuations.md`).
//!
//! ## Why the pc cell is sound
//! Like every other access (`gadgets::memory`), the pc cell's final write is ordered after its
//! read: `4 end_clk - 4 - 1 = lo + 2^16 hi` with `lo < 2^16`, `256 hi < 2^16` (two `range16`
//! lookups), so `4 end_clk` is an integer in `[5, 2^24 + 5)`, never 0. Without it, a segment
//! could write the cell back as it read it (`end_pc = start_pc`, `end_clk = 0`): its read and
//! write would cancel on the memory bus, the page chip's own initial and final states of cell
//! 33 would cancel too, and `start_pc` would be tied to nothing — the halting segment (which
//! receives no end state on the `exec` bus) could then resume at any code address with the true
//! registers and memory. With the check, the write `(33, end_pc, 4 end_clk)` cannot meet the
//! read `(33, start_pc, 0)`; the only other state of cell 33 at timestamp 0 is the one the page
//! chip pages in, and no other chip touches cell 33 (registers are 0..=32, RAM is at 2^16 and
//! above), so `start_pc` is the paged-in pc.
//!
//! The same check gives `end_clk >= 2`: a segment executes at least one instruction. In a
//! segment that does not halt, `(end_pc, end_clk)` is the state after its last instruction
//! (the `exec` bus); in the halting segment nothing follows, and the pc written back is the
//! prover's (honestly: the HALT's state, `end_clk` = its clock plus one). A non-final segment
//! may end at a pc that is not code: then no instruction of the next segment can look its pc up
//! in the ROM, the next segment is empty, which the check forbids, and no receipt can be
//! completed from it. So a receipt can only continue from real code addresses.

use core::borrow::Borrow;

use vouch_stark::air::{Air, AirBuilder, BaseAir, WindowAccess};
use vouch_stark::field::PrimeCharacteristicRing;
use vouch_stark::Val;

use crate::bus::{byte_pair, once, receive_state, send_state, MEMORY, MERKLE};
use crate::columns::Word;
use crate::gadgets::memory::eval_ts_order;
use crate::gadgets::word::word_value;
use crate::impl_columns;
use crate::public::{HALTED, ROOT_IN, ROOT_OUT};
use crate::MachineBuilder;

/// Memory-bus address of the pc in a continuation segment (slot 33 of the register page).
pub const PC_CELL: u32 = 33;

/// The segment row.
#[repr(C)]
#[derive(Clone, Copy, Debug, Default)]
pub struct SegmentCols<T> {
    /// 1 on row 0 only.
    pub is_first: T,
    /// The pc at the start (received from cell 33).
    pub start_pc: Word<T>,
    /// The pc at the end (sent to cell 33; range-checked bytes).
    pub end_pc: Word<T>,
    /// The clock of the end state (the `exec` bus unless halted; the pc cell's timestamp).
    pub end_clk: T,
    /// `4 end_clk - 5 = end_lo + 2^16 end_hi`, `end_lo < 2^16` and `256 end_hi < 2^16`
    /// (`range16`): the pc cell is written after it is read, `end_clk >= 2`.
    pub end_lo: T,
    pub end_hi: T,
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
        let halted: AB::Expr = pv[HALTED].into();
        let first: AB::Expr = row.is_first.into();

        // Only row 0 holds anything.
        for x in row.start_pc.iter().chain(row.end_pc.iter()).chain([
            &row.end_clk,
            &row.end_lo,
            &row.end_hi,
        ]) {
            b.assert_zero((AB::Expr::ONE - first.clone()) * AB::Expr::from(*x));
        }

        let start_pc = word_value::<AB::Expr, _>(&row.start_pc);
        let end_pc = word_value::<AB::Expr, _>(&row.end_pc);
        let end_clk = AB::Expr::from(row.end_clk);
        send_state(b, start_pc, AB::Expr::ONE, first.clone());
        receive_state(b, end_pc, end_clk, first.clone() * (AB::Expr::ONE - halted));

        // The memory tree's root goes from ROOT_IN to ROOT_OUT.
        let mult = first;
        let mut root = vec![c(crate::paging_consts::TREE_DEPTH), AB::Expr::ZERO];
        root.extend((0..8).map(|i| pv[ROOT_IN + i].into()));
        root.extend((0..8).map(|i| pv[ROOT_OUT + i].into()));
        MERKLE.receive(b, root, once(mult.clone()));

        // The pc cell's initial and final states.
        let [s0, s1, s2, s3] = row.start_pc.map(Into::into);
        MEMORY.receive(
            b,
            [c(PC_CELL), s0, s1, s2, s3, AB::Expr::ZERO],
            once(mult.clone()),
        );
        let [e0, e1, e2, e3] = row.end_pc.map(Into::into);
        let end_ts = AB::Expr::from(row.end_clk) * c(4);
        MEMORY.send(
            b,
            [c(PC_CELL), e0, e1, e2, e3, end_ts.clone()],
            once(mult.clone()),
        );
        // The write is after the read, and after clock 1: 4 end_clk > 4 (module docs).
        eval_ts_order(b, c(4), end_ts, row.end_lo, row.end_hi, mult.clone());
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

/// The segment table: `is_first` = 1 on row 0, with the segment's pcs and end clock.
#[cfg(feature = "trace")]
pub fn generate_trace(
    (start_pc, end_pc, end_clk): (u32, u32, u32),
    counts: &mut crate::trace::LookupCounts,
) -> vouch_stark::matrix::RowMajorMatrix<Val> {
    use core::borrow::BorrowMut;
    let width = SegmentCols::<Val>::WIDTH;
    let mut trace = crate::trace::zero_matrix(crate::machine::MIN_HEIGHT, width);
    let row: &mut SegmentCols<Val> = trace.values[..width].borrow_mut();
    row.is_first = Val::ONE;
    row.start_pc = crate::gadgets::word::word_to_field(start_pc);
    row.end_pc = crate::gadgets::word::word_to_field(end_pc);
    row.end_clk = Val::from_u32(end_clk);
    let diff = (4 * end_clk).saturating_sub(5);
    row.end_lo = Val::from_u32(diff & 0xffff);
    row.end_hi = Val::from_u32(diff >> 16);
    counts.range16(diff & 0xffff);
    counts.range16((diff >> 16) * 256);
    let e = end_pc.to_le_bytes().map(u32::from);
    counts.byte_pair(e[0], e[1]);
    counts.byte_pair(e[2], e[3]);
    counts.byte_pair((start_pc >> 24) * 8, e[3] * 8);
    trace
}
