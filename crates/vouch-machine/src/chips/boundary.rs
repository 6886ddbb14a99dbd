//! The memory boundary: every cell a segment touches, with its initial and final state.
//!
//! One row per cell (registers 0..=32 and RAM words), sorted by strictly increasing address.
//! Each real row receives the cell's final state `(addr, last, last_ts)` from the `memory` bus,
//! and sends its initial state `(addr, init, 0)` unless the image chip already does
//! (`from_image`). In the first segment a cell not in the image starts at zero.
//!
//! Why this makes the memory argument sound: on a balanced bus, for every address the number of
//! initial states sent equals the number of final states received (each access receives one
//! state and sends one). Final states come only from this table, whose addresses are distinct —
//! strictly increasing, each below 2^29 + 2^16 and each step below 2^29 + 2^16, all checked with `range16`
//! lookups, so no sequence can wrap around p — hence every address is initialised exactly once:
//! from the image or here, never both, never twice. With `prev_ts < ts` on every access (see
//! `gadgets::memory`), each read then returns the last value written, or the initial value.

use vouch_stark::air::{Air, AirBuilder, BaseAir, WindowAccess};
use vouch_stark::field::PrimeCharacteristicRing;
use vouch_stark::Val;

use crate::bus::{once, range16, MEMORY};
use crate::columns::Word;
use crate::impl_columns;
use crate::public::{FIRST_SEGMENT, PAGED};
use crate::MachineBuilder;

/// One touched cell.
#[repr(C)]
#[derive(Clone, Copy, Debug, Default)]
pub struct BoundaryCols<T> {
    /// Register number (0..=32) or RAM word address. Constrained to an integer below
    /// 2^29 + 2^16 by `range16` on `addr - 2^16 * addr_hi` and `8 * addr_hi` (`addr_hi` may be a
    /// multiple of 1/8, which only moves `addr` by multiples of 2^13); a bound well below p is
    /// all distinctness needs.
    pub addr: T,
    pub addr_hi: T,
    /// Value at the start of the segment (sent unless `from_image`; then 0).
    pub init: Word<T>,
    /// Value at the end of the segment (received with `last_ts`).
    pub last: Word<T>,
    /// Timestamp of the last access in the segment (0 if none).
    pub last_ts: T,
    /// Boolean; real rows come first.
    pub is_real: T,
    /// Boolean, only on real rows of the first segment: the image chip sends the initial state.
    pub from_image: T,
    /// `addr - previous addr - 1 = diff_lo + 2^16 * diff_hi`, range-checked below 2^29.
    pub diff_lo: T,
    pub diff_hi: T,
}
impl_columns!(BoundaryCols);

/// The boundary chip.
#[derive(Clone, Copy, Debug)]
pub struct BoundaryChip;

impl BaseAir<Val> for BoundaryChip {
    fn width(&self) -> usize {
        BoundaryCols::<Val>::WIDTH
    }

    fn main_next_row_columns(&self) -> Vec<usize> {
        // Read on the next row: the address step and the real-rows-first order.
        let i = BoundaryCols::indices();
        vec![i.addr, i.is_real, i.diff_lo, i.diff_hi]
    }
}

impl<AB: MachineBuilder> Air<AB> for BoundaryChip {
    fn eval(&self, b: &mut AB) {
        let main = b.main();
        let local: &BoundaryCols<AB::Var> = main.current_slice().borrow();
        let next: &BoundaryCols<AB::Var> = main.next_slice().borrow();
        let (local, next) = (*local, *next);
        let one = AB::Expr::ONE;
        let first: AB::Expr = b.public_values()[FIRST_SEGMENT].into();

        b.assert_bool(local.is_real);
        b.assert_bool(local.from_image);
        b.assert_zero(AB::Expr::from(local.from_image) * (one.clone() - local.is_real));
        b.assert_zero(AB::Expr::from(local.from_image) * (one.clone() - first.clone()));
        // A paged segment keeps its boundary in the page chip instead.
        let paged: AB::Expr = b.public_values()[PAGED].into();
        b.assert_zero(AB::Expr::from(local.is_real) * paged);
        // Real rows first.
        b.when_transition()
            .assert_zero((one.clone() - local.is_real) * next.is_real);
        // Strictly increasing addresses: next.addr - addr - 1 = next.diff (< 2^29).
        let step = AB::Expr::from(next.addr) - local.addr - one.clone();
        let diff = AB::Expr::from(next.diff_lo)
            + AB::Expr::from(next.diff_hi) * AB::Expr::from_u32(1 << 16);
        b.when_transition()
            .assert_zero(AB::Expr::from(next.is_real) * (step - diff));
        let real: AB::Expr = local.is_real.into();
        range16(b, local.diff_lo.into(), real.clone());
        range16(
            b,
            AB::Expr::from(local.diff_hi) * AB::Expr::from_u32(8),
            real.clone(),
        );
        // addr < 2^29.
        let addr_lo = AB::Expr::from(local.addr)
            - AB::Expr::from(local.addr_hi) * AB::Expr::from_u32(1 << 16);
        range16(b, addr_lo, real.clone());
        range16(
            b,
            AB::Expr::from(local.addr_hi) * AB::Expr::from_u32(8),
            real.clone(),
        );

        // In the first segment, cells outside the image start at zero.
        let own_init = real.clone() - local.from_image;
        for v in local.init {
            b.assert_zero(first.clone() * own_init.clone() * v);
        }
        let [i0, i1, i2, i3] = local.init.map(Into::into);
        MEMORY.send(
            b,
            [local.addr.into(), i0, i1, i2, i3, AB::Expr::ZERO],
            once(own_init),
        );
        let [l0, l1, l2, l3] = local.last.map(Into::into);
        MEMORY.receive(
            b,
            [local.addr.into(), l0, l1, l2, l3, local.last_ts.into()],
            once(real),
        );

        // Cells that mean nothing are pinned to zero (last, so that the constraint numbers
        // above stay put): `init` of a cell the image initialises (the image chip sends its
        // state), and the first row's address difference (it has no predecessor).
        for v in local.init {
            b.assert_zero(AB::Expr::from(local.from_image) * v);
        }
        b.when_first_row().assert_zero(local.diff_lo);
        b.when_first_row().assert_zero(local.diff_hi);
    }
}

use core::borrow::Borrow;

#[cfg(feature = "trace")]
pub use trace::generate_trace;

#[cfg(feature = "trace")]
mod trace {
    use core::borrow::BorrowMut;

    use vouch_executor::SegmentRecord;
    use vouch_stark::field::PrimeCharacteristicRing;
    use vouch_stark::matrix::RowMajorMatrix;
    use vouch_stark::Val;

    use super::BoundaryCols;
    use crate::gadgets::word::word_to_field;
    use crate::machine::{padded_height, ProgramTables};
    use crate::trace::{zero_matrix, LookupCounts};

    struct Cell {
        addr: u32,
        init: u32,
        last: u32,
        last_ts: u32,
        from_image: bool,
    }

    /// The boundary table: registers, touched words and (first segment) image words.
    pub fn generate_trace(
        tables: &ProgramTables,
        record: &SegmentRecord,
        counts: &mut LookupCounts,
    ) -> RowMajorMatrix<Val> {
        let first = record.index == 0;
        let mut cells: Vec<Cell> = (0..record.regs_init.len())
            .map(|r| Cell {
                addr: r as u32,
                init: record.regs_init[r],
                last: record.regs_final[r],
                last_ts: record.regs_final_ts[r],
                from_image: first,
            })
            .collect();
        // Merge the touched words with (in the first segment) the image words, by address.
        let image: &[(u32, u32)] = if first {
            let regs = record.regs_init.len();
            &tables.image[regs.min(tables.image.len())..]
        } else {
            &[]
        };
        let (mut t, mut i) = (0, 0);
        let touched = &record.touched;
        while t < touched.len() || i < image.len() {
            let ta = touched.get(t).map_or(u32::MAX, |w| w.addr);
            let ia = image.get(i).map_or(u32::MAX, |w| w.0);
            if ta <= ia {
                let w = touched[t];
                cells.push(Cell {
                    addr: w.addr,
                    init: w.init,
                    last: w.last,
                    last_ts: w.last_ts,
                    from_image: ta == ia,
                });
                t += 1;
                if ta == ia {
                    i += 1;
                }
            } else {
                let (addr, v) = image[i];
                cells.push(Cell {
                    addr,
                    init: v,
                    last: v,
                    last_ts: 0,
                    from_image: true,
                });
                i += 1;
            }
        }

        let width = BoundaryCols::<Val>::WIDTH;
        let mut trace = zero_matrix(padded_height(cells.len()), width);
        let f = Val::from_u32;
        let mut prev_addr: Option<u32> = None;
        for (cell, row) in cells.iter().zip(trace.values.chunks_exact_mut(width)) {
            let row: &mut BoundaryCols<Val> = row.borrow_mut();
            row.addr = f(cell.addr);
            row.addr_hi = f(cell.addr >> 16);
            // The image chip sends an image cell's initial state; this row's `init` is 0.
            row.init = word_to_field(if cell.from_image { 0 } else { cell.init });
            row.last = word_to_field(cell.last);
            row.last_ts = f(cell.last_ts);
            row.is_real = Val::ONE;
            row.from_image = f(u32::from(cell.from_image));
            let diff = prev_addr.map_or(0, |p| cell.addr - p - 1);
            row.diff_lo = f(diff & 0xffff);
            row.diff_hi = f(diff >> 16);
            counts.range16(diff & 0xffff);
            counts.range16((diff >> 16) * 8);
            counts.range16(cell.addr & 0xffff);
            counts.range16((cell.addr >> 16) * 8);
            prev_addr = Some(cell.addr);
        }
        trace
    }
}

/// Set the final value of cell `addr` in a boundary trace (soundness tests use this to keep
/// the memory bus consistent with a value they tampered with). Returns whether the cell
/// exists.
#[cfg(feature = "trace")]
pub fn set_last(
    trace: &mut vouch_stark::matrix::RowMajorMatrix<Val>,
    addr: u32,
    value: u32,
) -> bool {
    use core::borrow::BorrowMut;
    let width = BoundaryCols::<Val>::WIDTH;
    for row in trace.values.chunks_exact_mut(width) {
        let row: &mut BoundaryCols<Val> = row.borrow_mut();
        if row.is_real == Val::ONE && row.addr == Val::from_u32(addr) {
            row.last = crate::gadgets::word::word_to_field(value);
            return true;
        }
    }
    false
}
