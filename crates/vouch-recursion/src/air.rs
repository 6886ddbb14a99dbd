//! The circuit's tables: a [`Circuit`] and its wire values as a batch-STARK proof.
//!
//! Seven tables, joined by the `witness` bus (a LogUp lookup) and the `poseidon2` buses:
//!
//! - **witness**: row `r` holds wire `r`'s value `v[4]` (an extension element by its basis
//!   coefficients) and how many times it is read, `mult`. `index` starts at 0 and increases by
//!   one per row, so every wire has exactly one row and the table is a function from wire to
//!   value; it provides `(index, v)` `mult` times.
//! - **ops**: one row per operation that constrains something (`Const`, `Add`, `Sub`, `Mul`,
//!   `AssertZero`). The operation's kind, operand wires `a`, `b`, `out` and constant are
//!   *preprocessed* columns: they are the circuit, fixed by the verifying key, so the prover
//!   cannot change which operation a row performs or which wires it reads. The main columns
//!   are the operand values `va`, `vb`, `vout`, each looked up in the witness table, and the
//!   row's constraint ties them: `vout = va + vb`, `va - vb`, `va · vb` (in `F[X]/(X^4 - W)`),
//!   `c`, or `vout = 0` for an assertion.
//! - **poseidon2 calls** (width 16, and width 24): one row per `Poseidon2` (`Poseidon2Wide`)
//!   operation; its 32 (48) wires are preprocessed and read from the witness table as
//!   base-field elements (`(wire, v, 0, 0, 0)`), and `(state, output)` is looked up on the
//!   `poseidon2` (`poseidon2_24`) bus. A width-16 call may have a swap bit (a preprocessed
//!   flag and wire, the bit a main column read from the witness table, boolean, zero without
//!   the flag): the permuted state is the input with its halves exchanged when the bit is 1,
//!   `v_i + bit · (v_{i±8} − v_i)`, which is how a Merkle path puts the running digest on the
//!   side its index bit names without any ops rows.
//! - **poseidon2** (width 16, and width 24): the machine's Poseidon2 table
//!   (`vouch_machine::chips::poseidon2`), one proven permutation per row, providing
//!   `(input, output)` on that bus.
//! - **public**: row 0 holds the public inputs' values, equal to the proof's public values,
//!   and reads each from the witness table (`first` is 1 on row 0 and 0 below: a column, as a
//!   LogUp multiplicity cannot be the unnormalised `is_first_row`).
//!
//! Soundness: the lookups force every value an ops row uses to be the witness table's value of
//! that wire, so the ops rows evaluate the circuit on one assignment of wires; every constraint
//! of the circuit holds on it. `Input` and hinted-inverse wires appear in no ops row of their
//! own: they are the prover's free choice, as the circuit intends (a hinted inverse is
//! constrained by the `a · inv = 1` assertion next to it).

use core::borrow::Borrow;

use vouch_stark::air::WindowAccess;
use vouch_stark::air::{Air, AirBuilder, BaseAir, Count, InteractionBuilder, LookupBus};
use vouch_stark::field::{BasedVectorSpace, PrimeCharacteristicRing};
use vouch_stark::matrix::RowMajorMatrix;
use vouch_stark::{Challenge, Val};

use vouch_machine::bus::POSEIDON2;
use vouch_machine::chips::poseidon2::{Poseidon2Chip, Poseidon2Table, TABLE_16, TABLE_24};
use vouch_machine::padded_height;
use vouch_stark::poseidon2::{WIDTH, WIDTH_24};

use crate::circuit::{Circuit, Op, Wire};

/// Wire values: `(index, v0, v1, v2, v3)`.
pub const WITNESS: LookupBus<'static> = LookupBus::new("witness");

const D: usize = 4;
/// Smallest table height (log2).
pub const MIN_LOG_HEIGHT: usize = 3;

/// Main columns of the witness table.
#[repr(C)]
#[derive(Clone, Copy, Debug, Default)]
pub struct WitnessCols<T> {
    pub index: T,
    pub value: [T; D],
    pub mult: T,
}
const WITNESS_WIDTH: usize = core::mem::size_of::<WitnessCols<u8>>();

/// Preprocessed columns of the ops table: the circuit.
#[repr(C)]
#[derive(Clone, Copy, Debug, Default)]
pub struct OpFixed<T> {
    pub is_const: T,
    pub is_add: T,
    pub is_sub: T,
    pub is_mul: T,
    pub is_assert: T,
    pub a: T,
    pub b: T,
    pub out: T,
    pub constant: [T; D],
}
const FIXED_WIDTH: usize = core::mem::size_of::<OpFixed<u8>>();

/// Main columns of the ops table: the values the row reads.
#[repr(C)]
#[derive(Clone, Copy, Debug, Default)]
pub struct OpCols<T> {
    pub va: [T; D],
    pub vb: [T; D],
    pub vout: [T; D],
}
const OPS_WIDTH: usize = core::mem::size_of::<OpCols<u8>>();

macro_rules! borrow_cols {
    ($t:ident, $w:expr) => {
        impl<T> Borrow<$t<T>> for [T] {
            fn borrow(&self) -> &$t<T> {
                assert!(self.len() >= $w);
                // SAFETY: `$t<T>` is `repr(C)` with `$w` fields of type `T` (so its size is
                // `$w * size_of::<T>()` and its alignment `T`'s), and the slice holds at least
                // `$w` elements.
                unsafe { &*(self.as_ptr() as *const $t<T>) }
            }
        }
    };
}
borrow_cols!(WitnessCols, WITNESS_WIDTH);
borrow_cols!(OpFixed, FIXED_WIDTH);
borrow_cols!(OpCols, OPS_WIDTH);

/// The tables of a circuit, in proof order: witness, ops, width-16 calls and permutations,
/// width-24 calls and permutations, public.
#[derive(Clone, Debug)]
pub enum CircuitAir {
    Witness,
    Ops {
        fixed: RowMajorMatrix<Val>,
        /// `W` of the extension `F[X]/(X^4 - W)`.
        w: Val,
    },
    /// Calls of the permutation of `width`, looked up on `bus`.
    Poseidon2Calls {
        fixed: RowMajorMatrix<Val>,
        width: usize,
        bus: &'static str,
    },
    Poseidon2(Poseidon2Chip),
    Poseidon2Wide(Poseidon2Table<24>),
    Public {
        wires: Vec<u32>,
    },
}

/// Number of tables of every circuit.
pub const NUM_TABLES: usize = 7;

impl CircuitAir {
    /// The tables of `circuit` (the preprocessed columns are its operations).
    pub fn tables(circuit: &Circuit) -> Vec<CircuitAir> {
        let heights = Self::log_heights(circuit);
        let rows: Vec<OpFixed<Val>> = circuit.ops.iter().filter_map(fixed_row).collect();
        let mut values = vec![Val::ZERO; (1 << heights[1]) * FIXED_WIDTH];
        for (row, fixed) in values.chunks_exact_mut(FIXED_WIDTH).zip(&rows) {
            row.copy_from_slice(&fixed_values(fixed));
        }
        let calls_table = |width: usize, bus: &'static str, log_height: usize| {
            let calls = poseidon2_calls(circuit, width);
            let row_width = CALL_FIXED + 2 * width;
            let mut v = vec![Val::ZERO; (1 << log_height) * row_width];
            for (row, (wires, swap)) in v.chunks_exact_mut(row_width).zip(&calls) {
                row[0] = Val::ONE;
                if let Some(bit) = swap {
                    row[1] = Val::ONE;
                    row[2] = Val::from_u32(bit.0);
                }
                for (x, w) in row[CALL_FIXED..].iter_mut().zip(wires) {
                    *x = Val::from_u32(w.0);
                }
            }
            CircuitAir::Poseidon2Calls {
                fixed: RowMajorMatrix::new(v, row_width),
                width,
                bus,
            }
        };
        vec![
            CircuitAir::Witness,
            CircuitAir::Ops {
                fixed: RowMajorMatrix::new(values, FIXED_WIDTH),
                w: extension_w(),
            },
            calls_table(WIDTH, POSEIDON2.name(), heights[2]),
            CircuitAir::Poseidon2(Poseidon2Chip),
            calls_table(WIDTH_24, TABLE_24.bus, heights[4]),
            CircuitAir::Poseidon2Wide(TABLE_24),
            CircuitAir::Public {
                wires: circuit.public.iter().map(|w| w.0).collect(),
            },
        ]
    }

    /// The tables of every circuit with `num_public` public inputs on its first wires, without
    /// operations: what a verifier needs (constraints and preprocessed widths), the
    /// operations being the key's commitment.
    pub fn without_operations(num_public: usize) -> Vec<CircuitAir> {
        let calls = |width: usize, bus: &'static str| CircuitAir::Poseidon2Calls {
            fixed: RowMajorMatrix::new(Vec::new(), CALL_FIXED + 2 * width),
            width,
            bus,
        };
        vec![
            CircuitAir::Witness,
            CircuitAir::Ops {
                fixed: RowMajorMatrix::new(Vec::new(), FIXED_WIDTH),
                w: extension_w(),
            },
            calls(WIDTH, POSEIDON2.name()),
            CircuitAir::Poseidon2(Poseidon2Chip),
            calls(WIDTH_24, TABLE_24.bus),
            CircuitAir::Poseidon2Wide(TABLE_24),
            CircuitAir::Public {
                wires: (0..num_public as u32).collect(),
            },
        ]
    }

    /// Log heights of the tables of `circuit`, in table order: as small as its wires, operations
    /// and calls allow, and at least its `min_log_heights`.
    pub fn log_heights(circuit: &Circuit) -> Vec<usize> {
        let natural = Self::natural_log_heights(circuit);
        match circuit.min_log_heights.as_slice() {
            [] => natural,
            min => natural.iter().zip(min).map(|(&n, &m)| n.max(m)).collect(),
        }
    }

    /// Log heights of the tables of `circuit` without padding.
    pub fn natural_log_heights(circuit: &Circuit) -> Vec<usize> {
        let ops = circuit
            .ops
            .iter()
            .filter(|op| fixed_row(op).is_some())
            .count();
        let calls = poseidon2_calls(circuit, WIDTH).len();
        let wide = poseidon2_calls(circuit, WIDTH_24).len();
        [
            padded(circuit.num_wires),
            padded(ops),
            padded(calls),
            padded_height(calls),
            padded(wide),
            padded_height(wide),
            padded(1),
        ]
        .map(|h| h.trailing_zeros() as usize)
        .to_vec()
    }
}

impl Circuit {
    /// Prove this circuit in tables of (at least) `log_heights`, so that every circuit of one
    /// kind has one shape; an error names the first table the circuit does not fit.
    pub fn pad_to(&mut self, log_heights: &[usize]) -> Result<(), String> {
        if log_heights.len() != NUM_TABLES {
            return Err(format!(
                "{} heights for {NUM_TABLES} tables",
                log_heights.len()
            ));
        }
        let natural = CircuitAir::natural_log_heights(self);
        if let Some(i) = (0..NUM_TABLES).find(|&i| natural[i] > log_heights[i]) {
            return Err(format!(
                "table {i} needs 2^{} rows, the shape has 2^{}",
                natural[i], log_heights[i]
            ));
        }
        self.min_log_heights = log_heights.to_vec();
        Ok(())
    }
}

/// The preprocessed columns of a call row before its wires: `real`, `has_swap`, the swap
/// bit's wire.
const CALL_FIXED: usize = 3;

/// The permutation calls of `width`: each call's input wires, then its output wires, and its
/// swap bit.
fn poseidon2_calls(circuit: &Circuit, width: usize) -> Vec<(Vec<Wire>, Option<Wire>)> {
    circuit
        .ops
        .iter()
        .filter_map(|op| match op {
            Op::Poseidon2 {
                input,
                output,
                swap,
            } if width == WIDTH => Some((input.iter().chain(output).copied().collect(), *swap)),
            Op::Poseidon2Wide { input, output } if width == WIDTH_24 => {
                Some((input.iter().chain(output).copied().collect(), None))
            }
            _ => None,
        })
        .collect()
}

fn padded(rows: usize) -> usize {
    rows.next_power_of_two().max(1 << MIN_LOG_HEIGHT)
}

/// `X^4` in the challenge field, a base-field element: the extension's `W`.
fn extension_w() -> Val {
    let x = <Challenge as BasedVectorSpace<Val>>::ith_basis_element(1).expect("degree-4 extension");
    let x4 = x * x * x * x;
    <Challenge as BasedVectorSpace<Val>>::as_basis_coefficients_slice(&x4)[0]
}

fn coeffs(x: Challenge) -> [Val; D] {
    let s = <Challenge as BasedVectorSpace<Val>>::as_basis_coefficients_slice(&x);
    [s[0], s[1], s[2], s[3]]
}

fn fixed_row(op: &Op) -> Option<OpFixed<Val>> {
    let f = |w: Wire| Val::from_u32(w.0);
    let mut r = OpFixed::<Val>::default();
    match *op {
        Op::Const { out, value } => {
            r.is_const = Val::ONE;
            r.out = f(out);
            r.constant = coeffs(value);
        }
        Op::Add { a, b, out } => (r.is_add, r.a, r.b, r.out) = (Val::ONE, f(a), f(b), f(out)),
        Op::Sub { a, b, out } => (r.is_sub, r.a, r.b, r.out) = (Val::ONE, f(a), f(b), f(out)),
        Op::Mul { a, b, out } => (r.is_mul, r.a, r.b, r.out) = (Val::ONE, f(a), f(b), f(out)),
        Op::AssertZero { a, .. } => (r.is_assert, r.out) = (Val::ONE, f(a)),
        Op::Input { .. }
        | Op::HintInverse { .. }
        | Op::HintCoeffs { .. }
        | Op::HintBits { .. }
        | Op::Poseidon2 { .. }
        | Op::Poseidon2Wide { .. } => return None,
    }
    Some(r)
}

fn fixed_values(r: &OpFixed<Val>) -> [Val; FIXED_WIDTH] {
    let mut v = [Val::ZERO; FIXED_WIDTH];
    v[..8].copy_from_slice(&[
        r.is_const,
        r.is_add,
        r.is_sub,
        r.is_mul,
        r.is_assert,
        r.a,
        r.b,
        r.out,
    ]);
    v[8..].copy_from_slice(&r.constant);
    v
}

impl BaseAir<Val> for CircuitAir {
    fn width(&self) -> usize {
        match self {
            CircuitAir::Witness => WITNESS_WIDTH,
            CircuitAir::Ops { .. } => OPS_WIDTH,
            CircuitAir::Poseidon2Calls { width, .. } => 1 + 2 * width,
            CircuitAir::Poseidon2(chip) => chip.width(),
            CircuitAir::Poseidon2Wide(table) => table.width(),
            CircuitAir::Public { wires } => 1 + wires.len(),
        }
    }

    fn preprocessed_trace(&self) -> Option<RowMajorMatrix<Val>> {
        match self {
            CircuitAir::Ops { fixed, .. } | CircuitAir::Poseidon2Calls { fixed, .. } => {
                Some(fixed.clone())
            }
            _ => None,
        }
    }

    fn preprocessed_width(&self) -> usize {
        match self {
            CircuitAir::Ops { .. } => FIXED_WIDTH,
            CircuitAir::Poseidon2Calls { width, .. } => CALL_FIXED + 2 * width,
            _ => 0,
        }
    }

    fn num_public_values(&self) -> usize {
        match self {
            CircuitAir::Public { wires } => wires.len(),
            _ => 0,
        }
    }

    fn main_next_row_columns(&self) -> Vec<usize> {
        match self {
            CircuitAir::Witness | CircuitAir::Public { .. } => vec![0],
            _ => vec![],
        }
    }
}

impl<AB: AirBuilder<F = Val> + InteractionBuilder> Air<AB> for CircuitAir {
    fn eval(&self, b: &mut AB) {
        match self {
            CircuitAir::Witness => eval_witness(b),
            CircuitAir::Ops { w, .. } => eval_ops(b, *w),
            CircuitAir::Poseidon2Calls { bus, width, .. } => eval_calls(b, bus, *width),
            CircuitAir::Poseidon2(chip) => chip.eval(b),
            CircuitAir::Poseidon2Wide(table) => table.eval(b),
            CircuitAir::Public { wires } => eval_public(b, wires),
        }
    }
}

/// Read `value` (a base-field element) of `wire` from the witness table, `mult` times (0 or 1).
fn read_base<AB: InteractionBuilder>(b: &mut AB, wire: AB::Expr, value: AB::Expr, mult: AB::Expr) {
    let z = || AB::Expr::ZERO;
    WITNESS.lookup_key(b, [wire, value, z(), z(), z()], Count::bounded(mult, 1));
}

fn eval_calls<AB: AirBuilder<F = Val> + InteractionBuilder>(
    b: &mut AB,
    bus: &'static str,
    width: usize,
) {
    let fixed: Vec<AB::Var> = b.preprocessed().current_slice().to_vec();
    let main = b.main();
    let row: &[AB::Var] = main.current_slice();
    let (bit, values) = (row[0], &row[1..]);
    let real: AB::Expr = fixed[0].into();
    let has_swap: AB::Expr = fixed[1].into();
    // The swap bit: boolean, zero on a call without one, read from the witness table.
    b.assert_bool(bit);
    b.assert_zero((AB::Expr::ONE - has_swap.clone()) * bit);
    read_base(b, fixed[2].into(), bit.into(), has_swap);
    for (&wire, &v) in fixed[CALL_FIXED..].iter().zip(values) {
        read_base(b, wire.into(), v.into(), real.clone());
    }
    // The permuted state: the input with its halves exchanged when the bit is 1 (only
    // width-16 calls have a swap bit).
    let half = width / 2;
    let e = |x: AB::Var| -> AB::Expr { x.into() };
    let state = (0..width).map(|i| {
        if width == WIDTH {
            let partner = values[(i + half) % width];
            e(values[i]) + e(bit) * (e(partner) - e(values[i]))
        } else {
            e(values[i])
        }
    });
    let outputs = values[width..2 * width].iter().map(|&v| e(v));
    LookupBus::new(bus).lookup_key(b, state.chain(outputs), Count::bounded(real, 1));
}

fn eval_public<AB: AirBuilder<F = Val> + InteractionBuilder>(b: &mut AB, wires: &[u32]) {
    let main = b.main();
    let local: &[AB::Var] = main.current_slice();
    let next_first: AB::Var = main.next_slice()[0];
    let pv: Vec<AB::PublicVar> = b.public_values().to_vec();
    let first = local[0];
    b.when_first_row().assert_one(first);
    b.when_transition().assert_zero(next_first);
    for ((&wire, &v), p) in wires.iter().zip(&local[1..]).zip(pv) {
        b.when_first_row().assert_eq(v, p.into());
        read_base(b, AB::Expr::from_u32(wire), v.into(), first.into());
    }
}

fn eval_witness<AB: AirBuilder<F = Val> + InteractionBuilder>(b: &mut AB) {
    let main = b.main();
    let local: WitnessCols<AB::Var> = *main.current_slice().borrow();
    let next: WitnessCols<AB::Var> = *main.next_slice().borrow();
    b.when_first_row().assert_zero(local.index);
    b.when_transition()
        .assert_eq(next.index, AB::Expr::from(local.index) + AB::Expr::ONE);
    let tuple = core::iter::once(local.index.into()).chain(local.value.map(Into::into));
    WITNESS.table_entry::<AB, AB::Expr>(b, tuple, local.mult);
}

fn eval_ops<AB: AirBuilder<F = Val> + InteractionBuilder>(b: &mut AB, w: Val) {
    let fixed: OpFixed<AB::Var> = *b.preprocessed().current_slice().borrow();
    let main = b.main();
    let local: OpCols<AB::Var> = *main.current_slice().borrow();
    let e = |x: AB::Var| -> AB::Expr { x.into() };
    let (va, vb, vout) = (local.va.map(e), local.vb.map(e), local.vout.map(e));

    // The product in F[X]/(X^4 - W): (a b)_k = Σ_{i+j=k} a_i b_j + W Σ_{i+j=k+4} a_i b_j.
    let wx = AB::Expr::from(w);
    let product: [AB::Expr; D] = core::array::from_fn(|k| {
        let mut s = AB::Expr::ZERO;
        for (i, ai) in va.iter().enumerate() {
            for (j, bj) in vb.iter().enumerate() {
                if i + j == k {
                    s += ai.clone() * bj.clone();
                } else if i + j == k + D {
                    s += wx.clone() * ai.clone() * bj.clone();
                }
            }
        }
        s
    });
    for k in 0..D {
        let out = vout[k].clone();
        b.assert_zero(e(fixed.is_const) * (out.clone() - e(fixed.constant[k])));
        b.assert_zero(e(fixed.is_add) * (out.clone() - va[k].clone() - vb[k].clone()));
        b.assert_zero(e(fixed.is_sub) * (out.clone() - va[k].clone() + vb[k].clone()));
        b.assert_zero(e(fixed.is_mul) * (out.clone() - product[k].clone()));
        b.assert_zero(e(fixed.is_assert) * out);
    }

    // Reads: `a` and `b` by the arithmetic rows, `out` by every real row. The flags are
    // preprocessed and at most one is set per row (the circuit's encoding), so each count is 0
    // or 1.
    let arith = e(fixed.is_add) + e(fixed.is_sub) + e(fixed.is_mul);
    let any = arith.clone() + e(fixed.is_const) + e(fixed.is_assert);
    let read = |b: &mut AB, wire: AB::Var, v: [AB::Expr; D], mult: AB::Expr| {
        let tuple: Vec<AB::Expr> = core::iter::once(wire.into()).chain(v).collect();
        WITNESS.lookup_key(b, tuple, Count::bounded(mult, 1));
    };
    read(b, fixed.a, va, arith.clone());
    read(b, fixed.b, vb, arith);
    read(b, fixed.out, vout, any);
}

/// The main traces of `circuit`'s tables for the wire values `wires` (from
/// [`Circuit::eval`]), in table order.
pub fn traces(circuit: &Circuit, wires: &[Challenge]) -> Vec<RowMajorMatrix<Val>> {
    let heights: Vec<usize> = CircuitAir::log_heights(circuit)
        .iter()
        .map(|h| 1 << h)
        .collect();
    let mut mult = vec![0u32; circuit.num_wires];
    let value = |w: Wire| wires[w.0 as usize];

    let mut ops = vec![Val::ZERO; heights[1] * OPS_WIDTH];
    let mut rows = ops.chunks_exact_mut(OPS_WIDTH);
    for op in &circuit.ops {
        let (a, b, out) = match *op {
            Op::Const { out, .. } => (None, None, out),
            Op::Add { a, b, out } | Op::Sub { a, b, out } | Op::Mul { a, b, out } => {
                (Some(a), Some(b), out)
            }
            Op::AssertZero { a, .. } => (None, None, a),
            Op::Input { .. }
            | Op::HintInverse { .. }
            | Op::HintCoeffs { .. }
            | Op::HintBits { .. }
            | Op::Poseidon2 { .. }
            | Op::Poseidon2Wide { .. } => continue,
        };
        let row = rows.next().expect("the ops table has a row per operation");
        let mut put = |at: usize, wire: Wire| {
            row[at..at + D].copy_from_slice(&coeffs(value(wire)));
            mult[wire.0 as usize] += 1;
        };
        if let (Some(a), Some(b)) = (a, b) {
            put(0, a);
            put(D, b);
        }
        put(2 * D, out);
    }

    let mut calls_trace = |width: usize, height: usize| {
        let calls = poseidon2_calls(circuit, width);
        let row_width = 1 + 2 * width;
        let mut trace = vec![Val::ZERO; height * row_width];
        let mut inputs = Vec::with_capacity(calls.len());
        for (row, (wires, swap)) in trace.chunks_exact_mut(row_width).zip(&calls) {
            if let Some(bit) = swap {
                row[0] = coeffs(value(*bit))[0];
                mult[bit.0 as usize] += 1;
            }
            for (x, &w) in row[1..].iter_mut().zip(wires) {
                *x = coeffs(value(w))[0];
                mult[w.0 as usize] += 1;
            }
            let mut input = row[1..1 + width].to_vec();
            if row[0] == Val::ONE {
                input.rotate_left(width / 2);
            }
            inputs.push(input);
        }
        (RowMajorMatrix::new(trace, row_width), inputs)
    };
    let (call_trace, inputs) = calls_trace(WIDTH, heights[2]);
    let (wide_trace, wide_inputs) = calls_trace(WIDTH_24, heights[4]);
    let inputs: Vec<[Val; WIDTH]> = inputs
        .iter()
        .map(|i| core::array::from_fn(|k| i[k]))
        .collect();
    let wide_inputs: Vec<[Val; WIDTH_24]> = wide_inputs
        .iter()
        .map(|i| core::array::from_fn(|k| i[k]))
        .collect();
    let poseidon2 = TABLE_16.generate_with_height(&inputs, heights[3]);
    let poseidon2_wide = TABLE_24.generate_with_height(&wide_inputs, heights[5]);

    let mut public = vec![Val::ZERO; heights[6] * (1 + circuit.public.len())];
    public[0] = Val::ONE;
    for (x, &w) in public[1..].iter_mut().zip(&circuit.public) {
        *x = coeffs(value(w))[0];
        mult[w.0 as usize] += 1;
    }

    let mut witness = vec![Val::ZERO; heights[0] * WITNESS_WIDTH];
    for (r, row) in witness.chunks_exact_mut(WITNESS_WIDTH).enumerate() {
        row[0] = Val::from_usize(r);
        if let Some(&v) = wires.get(r) {
            row[1..1 + D].copy_from_slice(&coeffs(v));
            row[1 + D] = Val::from_u32(mult[r]);
        }
    }
    vec![
        RowMajorMatrix::new(witness, WITNESS_WIDTH),
        RowMajorMatrix::new(ops, OPS_WIDTH),
        call_trace,
        poseidon2,
        wide_trace,
        poseidon2_wide,
        RowMajorMatrix::new(public, 1 + circuit.public.len()),
    ]
}
