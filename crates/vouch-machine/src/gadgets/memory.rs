//! Register and memory accesses: the offline memory-checking argument, one access at a time.
//!
//! Every register or memory word is a cell `(addr, value, ts)` on the `memory` bus. An access
//! at timestamp `ts` *receives* the cell's current state `(addr, old, prev_ts)` and *sends*
//! `(addr, new, ts)` (a read sends back `old`). The image and boundary chips send each cell's
//! initial state at timestamp 0 and receive its final state. If the bus balances, then for
//! every address the states chain from the initial one to the final one, provided each access
//! also proves `prev_ts < ts`: without that, a read could consume a state written *later*.
//!
//! `prev_ts < ts` is proven as `ts - prev_ts - 1 = lo + 2^16 * hi` with `lo < 2^16` and
//! `256 * hi < 2^16` (two `range16` lookups). Timestamps are `4 * clk + slot`. Honest segments
//! have `clk <= MAX_SEGMENT_CYCLES = 2^22`, so every honest difference is below 2^24 + 8 and
//! the lookups can be satisfied (completeness).
//!
//! Soundness does not assume that bound; it needs every timestamp to be an integer below 2^30,
//! which the machine enforces by construction. The clocks are those of the execution bus: the
//! segment chip sends `(start_pc, 0)` and each instruction row receives `(pc, clk)` and sends
//! `(pc', clk + 1)`, so the received clocks form a path from 0 (a cycle would need p rows), and
//! each is an integer at most the number of instruction rows: 23 tables of at most
//! 2^`MAX_LOG_HEIGHT` = 2^22 rows (the verifier's limit) give `clk < 2^27`, `ts < 2^29 + 4`.
//! The pc cell's own timestamp `4 end_clk` is range-checked by the segment chip. Then the
//! lookups force `lo + 2^16 * hi` to be an integer in `[0, 2^24)`, `ts - prev_ts - 1` is an
//! integer in `(-2^30, 2^30)`, and the two agree modulo p > 2^30 + 2^24 only as integers, so
//! `prev_ts <= ts - 1`.

use vouch_stark::air::InteractionBuilder;
use vouch_stark::field::PrimeCharacteristicRing;

use crate::bus::{range16, MEMORY};
use crate::columns::Word;

/// Timestamp slot of the first register read (`rs1`).
pub const SLOT_RS1: u32 = 0;
/// Timestamp slot of the second register read (`rs2`).
pub const SLOT_RS2: u32 = 1;
/// Timestamp slot of the data memory access.
pub const SLOT_MEM: u32 = 2;
/// Timestamp slot of the register write (`rd`).
pub const SLOT_RD: u32 = 3;

/// Largest segment the machine proves, in cycles: keeps every timestamp below 2^24 + 8.
pub const MAX_SEGMENT_CYCLES: usize = vouch_abi::MAX_SEGMENT_CYCLES as usize;

/// The timestamp of an access at `slot` in the row with clock `clk`.
pub fn timestamp<E: PrimeCharacteristicRing>(clk: E, slot: u32) -> E {
    clk * E::from_u32(4) + E::from_u32(slot)
}

/// Columns of a read: the previous access's timestamp and the `prev_ts < ts` witness.
#[repr(C)]
#[derive(Clone, Copy, Debug, Default)]
pub struct ReadCols<T> {
    pub prev_ts: T,
    pub diff_lo: T,
    pub diff_hi: T,
}

/// Columns of a write: as a read, plus the value overwritten.
#[repr(C)]
#[derive(Clone, Copy, Debug, Default)]
pub struct WriteCols<T> {
    pub prev_ts: T,
    pub diff_lo: T,
    pub diff_hi: T,
    pub prev: Word<T>,
}

/// A read of `value` from `addr` at `ts`, performed `mult` (0 or 1) times.
///
/// Assumes: `mult` is boolean and of degree at most 1; `addr`, `ts` and `value` are linear.
/// Constrains: when `mult = 1`, `value` is the cell's current value (the bus) and
/// `cols.prev_ts < ts`.
pub fn eval_read<AB: InteractionBuilder>(
    b: &mut AB,
    addr: AB::Expr,
    value: [AB::Expr; 4],
    ts: AB::Expr,
    cols: &ReadCols<AB::Var>,
    mult: AB::Expr,
) {
    eval_access(
        b,
        addr,
        value.clone(),
        value,
        ts,
        cols.prev_ts,
        cols.diff_lo,
        cols.diff_hi,
        mult,
    );
}

/// A write of `value` to `addr` at `ts`, performed `mult` (0 or 1) times.
///
/// Assumes: as [`eval_read`]; the caller range-checks `value`'s bytes.
/// Constrains: when `mult = 1`, `cols.prev` is the cell's current value, which becomes
/// `value`, and `cols.prev_ts < ts`.
pub fn eval_write<AB: InteractionBuilder>(
    b: &mut AB,
    addr: AB::Expr,
    value: [AB::Expr; 4],
    ts: AB::Expr,
    cols: &WriteCols<AB::Var>,
    mult: AB::Expr,
) {
    let prev = cols.prev.map(Into::into);
    eval_access(
        b,
        addr,
        prev,
        value,
        ts,
        cols.prev_ts,
        cols.diff_lo,
        cols.diff_hi,
        mult,
    );
}

#[allow(clippy::too_many_arguments)]
fn eval_access<AB: InteractionBuilder>(
    b: &mut AB,
    addr: AB::Expr,
    old: [AB::Expr; 4],
    new: [AB::Expr; 4],
    ts: AB::Expr,
    prev_ts: AB::Var,
    diff_lo: AB::Var,
    diff_hi: AB::Var,
    mult: AB::Expr,
) {
    let [o0, o1, o2, o3] = old;
    let [n0, n1, n2, n3] = new;
    MEMORY.receive(
        b,
        [addr.clone(), o0, o1, o2, o3, prev_ts.into()],
        crate::bus::once(mult.clone()),
    );
    MEMORY.send(
        b,
        [addr, n0, n1, n2, n3, ts.clone()],
        crate::bus::once(mult.clone()),
    );
    eval_ts_order(b, prev_ts.into(), ts, diff_lo, diff_hi, mult);
}

/// `prev_ts < ts` when `mult = 1` (see the module docs for why this is sound).
pub fn eval_ts_order<AB: InteractionBuilder>(
    b: &mut AB,
    prev_ts: AB::Expr,
    ts: AB::Expr,
    diff_lo: AB::Var,
    diff_hi: AB::Var,
    mult: AB::Expr,
) {
    let diff = ts - prev_ts - AB::Expr::ONE;
    let limbs = diff_lo.into() + diff_hi.into() * AB::Expr::from_u32(1 << 16);
    b.assert_zero(mult.clone() * (diff - limbs));
    range16(b, diff_lo.into(), mult.clone());
    range16(b, diff_hi.into() * AB::Expr::from_u32(256), mult);
}

#[cfg(feature = "trace")]
mod populate {
    use vouch_stark::field::PrimeCharacteristicRing;
    use vouch_stark::Val;

    use super::{ReadCols, WriteCols};
    use crate::trace::LookupCounts;

    fn diff_limbs(prev_ts: u32, ts: u32, counts: &mut LookupCounts) -> (Val, Val) {
        assert!(prev_ts < ts, "timestamps must increase: {prev_ts} >= {ts}");
        let diff = ts - prev_ts - 1;
        assert!(diff < 1 << 24, "timestamp difference {diff} exceeds 2^24");
        let (lo, hi) = (diff & 0xffff, diff >> 16);
        counts.range16(lo);
        counts.range16(hi * 256);
        (Val::from_u32(lo), Val::from_u32(hi))
    }

    impl ReadCols<Val> {
        /// Fill a read at `ts` of a cell last accessed at `prev_ts`.
        pub fn populate(&mut self, prev_ts: u32, ts: u32, counts: &mut LookupCounts) {
            let (lo, hi) = diff_limbs(prev_ts, ts, counts);
            *self = ReadCols {
                prev_ts: Val::from_u32(prev_ts),
                diff_lo: lo,
                diff_hi: hi,
            };
        }
    }

    impl WriteCols<Val> {
        /// Fill a write at `ts` over `prev` of a cell last accessed at `prev_ts`.
        pub fn populate(&mut self, prev_ts: u32, prev: u32, ts: u32, counts: &mut LookupCounts) {
            let (lo, hi) = diff_limbs(prev_ts, ts, counts);
            *self = WriteCols {
                prev_ts: Val::from_u32(prev_ts),
                diff_lo: lo,
                diff_hi: hi,
                prev: crate::gadgets::word::word_to_field(prev),
            };
        }
    }
}
