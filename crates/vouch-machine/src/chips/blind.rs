//! Blinding of the LogUp terminals: what keeps the buses from revealing the execution.
//!
//! The batch proof publishes, for every table, its *terminal*: the sum over its rows of
//! `m / (prefix(bus) − Σ_k β^k t_k)` for every tuple `t` it sends (`m > 0`) or receives
//! (`m < 0`). Without blinding this is a deterministic function of the trace and the
//! challenges, and the challenges are public (transcript replay): a verifier who guesses the
//! private input can rebuild the traces and compare terminals (`docs/zk.md`).
//!
//! So every table carries the [`BlindCols`] columns `on, r[0..4]`, appended after its own.
//! On row 0 (`on = 1`) it sends `r` on the [`BLIND`] bus; where `on = 0`, `r` is pinned to
//! zero (see [`eval_blind`]). The [`BlindSinkChip`] receives all of them. In a zero-knowledge
//! proof the prover draws each table's `r` uniformly from `F^4`; then `Σ_k β^k r_k` is
//! uniform in the degree-4 extension (whenever `1, β, β², β³` are a basis, i.e. β lies in
//! no proper subfield: all but `p²` of the `p⁴` challenges) and so is `1/(prefix − Σ β^k r_k)`
//! on the nonzero elements: each table's terminal is its true sum plus an independent
//! uniform mask. The sink's terminal is minus the sum of the others (all terminals add to
//! zero), so it adds nothing. In a proof without zero knowledge `r = 0`.
//!
//! Soundness is untouched: the blind tuples live on their own bus, whose prefix separates
//! them from every other bus's fingerprints, and they are committed with the main trace
//! before the challenges are drawn, so they cannot be chosen to cancel an imbalance
//! elsewhere. The blind bus itself must balance, which costs an honest prover nothing.

use core::borrow::Borrow;

use vouch_stark::air::{Air, AirBuilder, BaseAir, PermutationCheckBus, WindowAccess};
use vouch_stark::field::PrimeCharacteristicRing;
use vouch_stark::Val;

use crate::bus::once;
use crate::impl_columns;
use crate::MachineBuilder;

/// Columns every table appends: [`BlindCols`].
pub const BLIND_WIDTH: usize = BlindCols::<u8>::WIDTH;

/// The blinding tuples `(r0, r1, r2, r3)`: one sent by every table (row 0), all received by
/// the sink.
pub const BLIND: PermutationCheckBus<'static> = PermutationCheckBus::new("blind");

/// The columns every table appends after its own.
#[repr(C)]
#[derive(Clone, Copy, Debug, Default)]
pub struct BlindCols<T> {
    /// The multiplicity of the send: boolean, 1 on row 0 (honestly 0 on every other row).
    /// (The AIR's `is_first_row` selector cannot serve: outside the trace domain it is the
    /// unnormalised Lagrange polynomial, `n` on row 0, which as a multiplicity would count
    /// the tuple `n` times in the constraints but once in the running sum.)
    pub on: T,
    /// The tuple sent where `on = 1`; zero wherever `on = 0`.
    pub r: [T; 4],
}
impl_columns!(BlindCols);

/// Indices of the blinding columns of a table whose chip has `chip_width` columns.
pub fn blind_columns(chip_width: usize) -> core::ops::Range<usize> {
    chip_width..chip_width + BLIND_WIDTH
}

/// Constrain the blinding columns of a table whose chip has `chip_width` columns: `on` is
/// boolean and 1 on row 0, `r` is zero wherever `on` is 0, and every row with `on = 1` sends
/// `r` on the blind bus. The current row only, so a table that reads no next row still opens
/// at one point. A prover may set `on` on more rows, but every tuple it sends must then be
/// received by the sink too: more blinding, and nothing the proof claims changes.
pub fn eval_blind<AB: MachineBuilder>(b: &mut AB, chip_width: usize) {
    let main = b.main();
    let local: BlindCols<AB::Var> = *main.current_slice()[blind_columns(chip_width)].borrow();
    b.when_first_row().assert_one(local.on);
    b.assert_bool(local.on);
    let off = AB::Expr::ONE - local.on;
    for &x in &local.r {
        b.when(off.clone()).assert_zero(x);
    }
    BLIND.send(b, local.r.map(Into::into), once(local.on.into()));
}

/// A row of the sink.
#[repr(C)]
#[derive(Clone, Copy, Debug, Default)]
pub struct BlindSinkCols<T> {
    /// 1 on the rows that receive a table's tuple.
    pub is_real: T,
    /// The tuple received (zero on the other rows).
    pub r: [T; 4],
}
impl_columns!(BlindSinkCols);

/// The sink of the blinding tuples: one real row per table of the machine.
#[derive(Clone, Copy, Debug)]
pub struct BlindSinkChip;

impl BaseAir<Val> for BlindSinkChip {
    fn width(&self) -> usize {
        BlindSinkCols::<Val>::WIDTH
    }

    fn main_next_row_columns(&self) -> Vec<usize> {
        Vec::new()
    }
}

impl<AB: MachineBuilder> Air<AB> for BlindSinkChip {
    fn eval(&self, b: &mut AB) {
        let main = b.main();
        let row: BlindSinkCols<AB::Var> = *main.current_slice().borrow();
        b.assert_bool(row.is_real);
        let padding = AB::Expr::ONE - row.is_real;
        for &x in &row.r {
            b.when(padding.clone()).assert_zero(x);
        }
        BLIND.receive(b, row.r.map(Into::into), once(row.is_real.into()));
    }
}

#[cfg(feature = "trace")]
pub use trace::*;

#[cfg(feature = "trace")]
mod trace {
    use super::*;
    use core::borrow::BorrowMut;

    use vouch_stark::matrix::RowMajorMatrix;

    use crate::machine::{ChipKind, MIN_HEIGHT};

    /// `trace` with the blinding columns appended: `on` on row 0, zero tuple.
    pub fn widen(trace: RowMajorMatrix<Val>) -> RowMajorMatrix<Val> {
        let w = trace.width;
        let height = trace.values.len() / w.max(1);
        let mut values = Vec::with_capacity(height * (w + BLIND_WIDTH));
        for (i, row) in trace.values.chunks_exact(w).enumerate() {
            values.extend_from_slice(row);
            let on = Val::from_bool(i == 0);
            values.extend_from_slice(&[on, Val::ZERO, Val::ZERO, Val::ZERO, Val::ZERO]);
        }
        RowMajorMatrix::new(values, w + BLIND_WIDTH)
    }

    /// The sink's trace (its own blinding columns included, zero tuple) receiving `tuples`,
    /// one per table.
    pub fn sink_trace(tuples: &[[Val; 4]]) -> RowMajorMatrix<Val> {
        let width = BlindSinkCols::<Val>::WIDTH;
        let mut trace = crate::trace::zero_matrix(MIN_HEIGHT.max(tuples.len()), width);
        for (row, t) in trace.values.chunks_exact_mut(width).zip(tuples) {
            let cols: &mut BlindSinkCols<Val> = row.borrow_mut();
            cols.is_real = Val::ONE;
            cols.r = *t;
        }
        widen(trace)
    }

    /// Give every table of `traces` (widened, in `ChipKind::ALL` order) the blinding tuple
    /// `draw()` on row 0, and rebuild the sink to receive them.
    pub fn set_blinds(traces: &mut [RowMajorMatrix<Val>], mut draw: impl FnMut() -> [Val; 4]) {
        let sink = ChipKind::Blind.index();
        let set = |t: &mut RowMajorMatrix<Val>, tuple: [Val; 4]| {
            let w = t.width;
            let cols: &mut BlindCols<Val> = t.values[w - BLIND_WIDTH..w].borrow_mut();
            cols.r = tuple;
        };
        let tuples: Vec<[Val; 4]> = traces
            .iter_mut()
            .map(|t| {
                let tuple = draw();
                set(t, tuple);
                tuple
            })
            .collect();
        let mut fresh = sink_trace(&tuples);
        set(&mut fresh, tuples[sink]);
        traces[sink] = fresh;
    }
}
