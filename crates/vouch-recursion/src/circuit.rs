//! An arithmetic circuit over the challenge field: the program a verifier inside a proof runs.
//!
//! A circuit is a list of operations on *wires*, each wire holding one element of the degree-4
//! extension `EF` (base-field values are embedded). Operations are in topological order: every
//! operand is defined before it is used, so [`Circuit::eval`] runs them in one pass.
//!
//! - `Const`, `Input`: a wire's value is a constant of the circuit, or the `i`-th input
//!   (the witness the recursion prover supplies: openings, challenges, hints of the verifier).
//! - `Add`, `Sub`, `Mul`: field arithmetic.
//! - Hints, values the prover computes and the circuit then checks: `HintInverse` (`1 / a`;
//!   [`CircuitBuilder::inverse`] pairs it with the assertion `a · inv = 1`), `HintCoeffs` (the
//!   four basis coefficients of `a`; paired with `a = Σ e_k c_k`), `HintBits` (the 31 bits of
//!   a base-field `a`; paired with booleanity, recomposition and canonicity). On its own a hint
//!   constrains nothing: the assertions next to it are what make it sound.
//! - `Poseidon2`: 16 base-field wires in, 16 out: the width-16 permutation vouch hashes with
//!   (Merkle compression, the transcript's sponge); `Poseidon2Wide`, the same at width 24
//!   (Merkle leaves). Their inputs must be base-field elements.
//! - `AssertZero`: the one kind of check. A circuit *accepts* its inputs when every assertion
//!   holds.
//!
//! Some inputs are *public*: the proof of the circuit exposes their values as its public
//! values (a lift's segment statement), all of them base-field elements.
//!
//! The builder deduplicates constants. Proving a circuit (its tables on a witness bus) is the
//! job of `crate::air`; this module only defines and evaluates it.

use std::collections::HashMap;

use vouch_stark::field::{BasedVectorSpace, Field, PrimeCharacteristicRing, PrimeField32};
use vouch_stark::poseidon2::{permutation, permutation_24, Permutation, WIDTH, WIDTH_24};
use vouch_stark::{Challenge, Val};

/// Bits of a canonical base-field element (p < 2^31).
pub const BITS: usize = 31;

/// A wire: an index into the circuit's values.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Wire(pub u32);

impl Wire {
    fn index(self) -> usize {
        self.0 as usize
    }
}

/// One operation. `out` is the wire it defines.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Op {
    Const {
        out: Wire,
        value: Challenge,
    },
    Input {
        out: Wire,
        index: usize,
    },
    Add {
        a: Wire,
        b: Wire,
        out: Wire,
    },
    Sub {
        a: Wire,
        b: Wire,
        out: Wire,
    },
    Mul {
        a: Wire,
        b: Wire,
        out: Wire,
    },
    HintInverse {
        a: Wire,
        out: Wire,
    },
    HintCoeffs {
        a: Wire,
        out: [Wire; 4],
    },
    HintBits {
        a: Wire,
        out: [Wire; BITS],
    },
    /// The width-16 permutation. With `swap`, a boolean wire, the permuted state is `input`
    /// with its two halves exchanged when the bit is 1 (a Merkle compression whose running
    /// digest is on either side, without circuit operations to order the halves).
    Poseidon2 {
        input: [Wire; WIDTH],
        output: [Wire; WIDTH],
        swap: Option<Wire>,
    },
    /// The width-24 permutation (Merkle leaves are hashed with it).
    Poseidon2Wide {
        input: [Wire; WIDTH_24],
        output: [Wire; WIDTH_24],
    },
    AssertZero {
        a: Wire,
        label: u32,
    },
}

/// Why a circuit rejects its inputs.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum CircuitError {
    #[error("{expected} inputs expected, {got} given")]
    InputCount { expected: usize, got: usize },
    #[error("assertion `{label}` (operation {op}) fails")]
    Assertion { op: usize, label: String },
    #[error("operation {op}: {what} is not a base-field element")]
    NotBase { op: usize, what: &'static str },
}

/// A finished circuit.
#[derive(Clone, Debug)]
pub struct Circuit {
    pub ops: Vec<Op>,
    pub num_wires: usize,
    pub num_inputs: usize,
    /// The public inputs, in the order of the proof's public values.
    pub public: Vec<Wire>,
    /// Names of the assertions, indexed by their `label`.
    pub labels: Vec<String>,
    /// Smallest log2 height of each table (empty: each as small as the circuit allows); set
    /// by `Circuit::pad_to` so that circuits of one kind prove in one shape.
    pub min_log_heights: Vec<usize>,
}

impl Circuit {
    /// Run the circuit on `inputs`: every wire's value, or the first assertion that fails.
    pub fn eval(&self, inputs: &[Challenge]) -> Result<Vec<Challenge>, CircuitError> {
        self.run(inputs, true, &HashMap::new())
    }

    /// As [`Circuit::eval`], with some hint wires set to the given values instead of what an
    /// honest prover computes (what a cheating prover may choose): tests of a gadget's checks.
    pub fn eval_with_hints(
        &self,
        inputs: &[Challenge],
        hints: &HashMap<Wire, Challenge>,
    ) -> Result<Vec<Challenge>, CircuitError> {
        self.run(inputs, true, hints)
    }

    /// Every wire's value, whether or not the assertions hold (for tests that prove an
    /// unsatisfying assignment and expect the proof to be rejected).
    pub fn eval_unchecked(&self, inputs: &[Challenge]) -> Result<Vec<Challenge>, CircuitError> {
        self.run(inputs, false, &HashMap::new())
    }

    fn run(
        &self,
        inputs: &[Challenge],
        check: bool,
        hints: &HashMap<Wire, Challenge>,
    ) -> Result<Vec<Challenge>, CircuitError> {
        if inputs.len() != self.num_inputs {
            return Err(CircuitError::InputCount {
                expected: self.num_inputs,
                got: inputs.len(),
            });
        }
        let mut w = vec![Challenge::ZERO; self.num_wires];
        for (i, op) in self.ops.iter().enumerate() {
            let hinted: &[Wire] = match op {
                Op::HintInverse { out, .. } => core::slice::from_ref(out),
                Op::HintCoeffs { out, .. } => out,
                Op::HintBits { out, .. } => out,
                _ => &[],
            };
            match *op {
                Op::Const { out, value } => w[out.index()] = value,
                Op::Input { out, index } => w[out.index()] = inputs[index],
                Op::Add { a, b, out } => w[out.index()] = w[a.index()] + w[b.index()],
                Op::Sub { a, b, out } => w[out.index()] = w[a.index()] - w[b.index()],
                Op::Mul { a, b, out } => w[out.index()] = w[a.index()] * w[b.index()],
                // Zero has no inverse: the paired assertion `a · inv = 1` then fails.
                Op::HintInverse { a, out } => {
                    w[out.index()] = w[a.index()].try_inverse().unwrap_or(Challenge::ZERO)
                }
                Op::HintCoeffs { a, out } => {
                    let c = <Challenge as BasedVectorSpace<Val>>::as_basis_coefficients_slice(
                        &w[a.index()],
                    )
                    .to_vec();
                    for (o, x) in out.into_iter().zip(c) {
                        w[o.index()] = x.into();
                    }
                }
                Op::HintBits { a, out } => {
                    let x = <Challenge as BasedVectorSpace<Val>>::as_basis_coefficients_slice(
                        &w[a.index()],
                    )[0]
                    .as_canonical_u32();
                    for (k, o) in out.into_iter().enumerate() {
                        w[o.index()] = Challenge::from(Val::from_u32((x >> k) & 1));
                    }
                }
                Op::Poseidon2 {
                    input,
                    output,
                    swap,
                } => {
                    let state = permute_wires(&w, input, swap, i)?;
                    for (x, wire) in state.into_iter().zip(output) {
                        w[wire.index()] = x.into();
                    }
                }
                Op::Poseidon2Wide { input, output } => {
                    let state = permute_wires_24(&w, input, i)?;
                    for (x, wire) in state.into_iter().zip(output) {
                        w[wire.index()] = x.into();
                    }
                }
                Op::AssertZero { a, label } => {
                    if check && w[a.index()] != Challenge::ZERO {
                        return Err(CircuitError::Assertion {
                            op: i,
                            label: self.labels[label as usize].clone(),
                        });
                    }
                }
            }
            for h in hinted {
                if let Some(&x) = hints.get(h) {
                    w[h.index()] = x;
                }
            }
        }
        for &p in &self.public {
            if base(w[p.index()]).is_none() {
                return Err(CircuitError::NotBase {
                    op: self.ops.len(),
                    what: "a public input",
                });
            }
        }
        Ok(w)
    }

    /// Check a given assignment of wires against every operation (hints and inputs are free),
    /// as the circuit's tables do: the first operation it breaks, named.
    pub fn check(&self, w: &[Challenge]) -> Result<(), CircuitError> {
        if w.len() != self.num_wires {
            return Err(CircuitError::InputCount {
                expected: self.num_wires,
                got: w.len(),
            });
        }
        let broken = |op: usize, label: &str| {
            Err(CircuitError::Assertion {
                op,
                label: label.to_string(),
            })
        };
        let v = |x: Wire| w[x.index()];
        for (i, op) in self.ops.iter().enumerate() {
            match *op {
                Op::Const { out, value } if v(out) != value => return broken(i, "constant"),
                Op::Add { a, b, out } if v(out) != v(a) + v(b) => return broken(i, "add"),
                Op::Sub { a, b, out } if v(out) != v(a) - v(b) => return broken(i, "sub"),
                Op::Mul { a, b, out } if v(out) != v(a) * v(b) => return broken(i, "mul"),
                Op::AssertZero { a, label } if v(a) != Challenge::ZERO => {
                    return broken(i, &self.labels[label as usize])
                }
                Op::Poseidon2 {
                    input,
                    output,
                    swap,
                } => {
                    let state = permute_wires(w, input, swap, i)?;
                    if output.map(v) != state.map(Challenge::from) {
                        return broken(i, "poseidon2");
                    }
                }
                Op::Poseidon2Wide { input, output } => {
                    let state = permute_wires_24(w, input, i)?;
                    if output.map(v) != state.map(Challenge::from) {
                        return broken(i, "poseidon2 (width 24)");
                    }
                }
                _ => {}
            }
        }
        Ok(())
    }

    /// The label of every assertion that `w` (from [`Circuit::eval_unchecked`]) breaks, in
    /// operation order, each once: which checks a wrong input trips, not only the first.
    pub fn failed_assertions(&self, w: &[Challenge]) -> Vec<String> {
        let mut seen = vec![false; self.labels.len()];
        let mut out = Vec::new();
        for op in &self.ops {
            if let Op::AssertZero { a, label } = *op {
                let l = label as usize;
                if w.get(a.index()).is_some_and(|x| *x != Challenge::ZERO) && !seen[l] {
                    seen[l] = true;
                    out.push(self.labels[l].clone());
                }
            }
        }
        out
    }

    /// The public values of an evaluation (`wires` from [`Circuit::eval`]): each public
    /// wire's first basis coefficient (its value, for the base-field elements `eval` admits;
    /// the proof's public table checks that the other coefficients are zero).
    pub fn public_values(&self, wires: &[Challenge]) -> Vec<Val> {
        self.public
            .iter()
            .map(|p| {
                <Challenge as BasedVectorSpace<Val>>::as_basis_coefficients_slice(&wires[p.index()])
                    [0]
            })
            .collect()
    }

    /// How many operations of each kind: `(arithmetic, constants, inputs, assertions)`.
    pub fn counts(&self) -> (usize, usize, usize, usize) {
        let mut c = (0, 0, 0, 0);
        for op in &self.ops {
            match op {
                Op::Const { .. } => c.1 += 1,
                Op::Poseidon2 { .. } | Op::Poseidon2Wide { .. } => c.0 += 1,
                Op::Input { .. } => c.2 += 1,
                Op::AssertZero { .. } => c.3 += 1,
                _ => c.0 += 1,
            }
        }
        c
    }
}

/// The values of `input` (operation `op`), which must be base-field elements.
fn base_values<const W: usize>(
    w: &[Challenge],
    input: [Wire; W],
    op: usize,
) -> Result<[Val; W], CircuitError> {
    let mut state = [Val::ZERO; W];
    for (x, wire) in state.iter_mut().zip(input) {
        *x = base(w[wire.index()]).ok_or(CircuitError::NotBase {
            op,
            what: "a Poseidon2 input",
        })?;
    }
    Ok(state)
}

/// The width-16 permutation of the values of `input`, its halves exchanged when `swap`'s
/// value is 1 (it must be 0 or 1).
fn permute_wires(
    w: &[Challenge],
    input: [Wire; WIDTH],
    swap: Option<Wire>,
    op: usize,
) -> Result<[Val; WIDTH], CircuitError> {
    let mut state = base_values(w, input, op)?;
    if let Some(bit) = swap {
        match base(w[bit.index()]) {
            Some(b) if b == Val::ZERO => {}
            Some(b) if b == Val::ONE => state.rotate_left(WIDTH / 2),
            _ => {
                return Err(CircuitError::NotBase {
                    op,
                    what: "a swap bit (0 or 1)",
                })
            }
        }
    }
    permutation().permute_mut(&mut state);
    Ok(state)
}

/// The width-24 permutation of the values of `input`.
fn permute_wires_24(
    w: &[Challenge],
    input: [Wire; WIDTH_24],
    op: usize,
) -> Result<[Val; WIDTH_24], CircuitError> {
    let mut state = base_values(w, input, op)?;
    permutation_24().permute_mut(&mut state);
    Ok(state)
}

/// `x` as a base-field element, if it is one.
pub fn base(x: Challenge) -> Option<Val> {
    let c = <Challenge as BasedVectorSpace<Val>>::as_basis_coefficients_slice(&x);
    c[1..].iter().all(|&y| y == Val::ZERO).then_some(c[0])
}

/// Builds a [`Circuit`] operation by operation.
#[derive(Debug, Default)]
pub struct CircuitBuilder {
    ops: Vec<Op>,
    num_wires: u32,
    num_inputs: usize,
    consts: HashMap<Challenge, Wire>,
    public: Vec<Wire>,
    labels: Vec<String>,
    label_ids: HashMap<String, u32>,
}

impl CircuitBuilder {
    pub fn new() -> Self {
        Self::default()
    }

    /// How many operations have been emitted so far.
    pub fn num_ops(&self) -> usize {
        self.ops.len()
    }

    fn fresh(&mut self) -> Wire {
        let w = Wire(self.num_wires);
        self.num_wires += 1;
        w
    }

    /// A new input wire (the next input index).
    pub fn input(&mut self) -> Wire {
        let out = self.fresh();
        self.ops.push(Op::Input {
            out,
            index: self.num_inputs,
        });
        self.num_inputs += 1;
        out
    }

    /// A new public input: an input whose value the circuit's proof publishes (a base-field
    /// element).
    pub fn public_input(&mut self) -> Wire {
        let w = self.input();
        self.public.push(w);
        w
    }

    /// The Poseidon2 permutation of 16 base-field wires.
    pub fn poseidon2(&mut self, input: [Wire; WIDTH]) -> [Wire; WIDTH] {
        let output = core::array::from_fn(|_| self.fresh());
        self.ops.push(Op::Poseidon2 {
            input,
            output,
            swap: None,
        });
        output
    }

    /// The width-16 permutation of `left ‖ right`, or of `right ‖ left` when the boolean wire
    /// `bit` is 1 (the caller asserts booleanity; the call table checks it again).
    pub fn poseidon2_swapped(
        &mut self,
        bit: Wire,
        left: [Wire; WIDTH / 2],
        right: [Wire; WIDTH / 2],
    ) -> [Wire; WIDTH] {
        let input = core::array::from_fn(|i| {
            if i < WIDTH / 2 {
                left[i]
            } else {
                right[i - WIDTH / 2]
            }
        });
        let output = core::array::from_fn(|_| self.fresh());
        self.ops.push(Op::Poseidon2 {
            input,
            output,
            swap: Some(bit),
        });
        output
    }

    /// The width-24 Poseidon2 permutation of 24 base-field wires.
    pub fn poseidon2_24(&mut self, input: [Wire; WIDTH_24]) -> [Wire; WIDTH_24] {
        let output = core::array::from_fn(|_| self.fresh());
        self.ops.push(Op::Poseidon2Wide { input, output });
        output
    }

    /// `n` new input wires.
    pub fn inputs(&mut self, n: usize) -> Vec<Wire> {
        (0..n).map(|_| self.input()).collect()
    }

    /// The constant `value` (one wire per distinct constant).
    pub fn constant(&mut self, value: Challenge) -> Wire {
        if let Some(&w) = self.consts.get(&value) {
            return w;
        }
        let out = self.fresh();
        self.ops.push(Op::Const { out, value });
        self.consts.insert(value, out);
        out
    }

    /// A base-field constant.
    pub fn base_constant(&mut self, value: Val) -> Wire {
        self.constant(Challenge::from(value))
    }

    pub fn zero(&mut self) -> Wire {
        self.constant(Challenge::ZERO)
    }

    pub fn one(&mut self) -> Wire {
        self.constant(Challenge::ONE)
    }

    pub fn add(&mut self, a: Wire, b: Wire) -> Wire {
        let out = self.fresh();
        self.ops.push(Op::Add { a, b, out });
        out
    }

    pub fn sub(&mut self, a: Wire, b: Wire) -> Wire {
        let out = self.fresh();
        self.ops.push(Op::Sub { a, b, out });
        out
    }

    pub fn mul(&mut self, a: Wire, b: Wire) -> Wire {
        let out = self.fresh();
        self.ops.push(Op::Mul { a, b, out });
        out
    }

    pub fn neg(&mut self, a: Wire) -> Wire {
        let zero = self.zero();
        self.sub(zero, a)
    }

    /// `a^(2^k)` by `k` squarings.
    pub fn exp_power_of_2(&mut self, a: Wire, k: usize) -> Wire {
        (0..k).fold(a, |x, _| self.mul(x, x))
    }

    /// `1 / a`, with the assertion `a · inv = 1` (so the circuit rejects `a = 0`).
    pub fn inverse(&mut self, a: Wire, label: &str) -> Wire {
        let out = self.fresh();
        self.ops.push(Op::HintInverse { a, out });
        let product = self.mul(a, out);
        let one = self.one();
        self.assert_eq(product, one, label);
        out
    }

    /// The four basis coefficients of `a` (`a = Σ e_k c_k` asserted). That they are base-field
    /// elements is not checked here: where it matters they enter a Poseidon2 call or the
    /// public table, which read them as base-field elements.
    pub fn coefficients(&mut self, a: Wire, label: &str) -> [Wire; 4] {
        let out: [Wire; 4] = core::array::from_fn(|_| self.fresh());
        self.ops.push(Op::HintCoeffs { a, out });
        let sum = self.from_coefficients(&out);
        self.assert_eq(sum, a, label);
        out
    }

    /// The extension element with basis coefficients `c`: `Σ e_k c_k`.
    pub fn from_coefficients(&mut self, c: &[Wire]) -> Wire {
        assert_eq!(c.len(), 4, "a degree-4 extension has four coefficients");
        let mut sum = self.zero();
        for (k, &x) in c.iter().enumerate() {
            let e = <Challenge as BasedVectorSpace<Val>>::ith_basis_element(k)
                .expect("a degree-4 extension");
            let e = self.constant(e);
            let t = self.mul(x, e);
            sum = self.add(sum, t);
        }
        sum
    }

    /// The canonical bits of a base-field `a`, least significant first: each asserted boolean,
    /// `Σ 2^k b_k = a`, and the canonical form (`p = 2^31 - 2^24 + 1`, so when bits 24..30 are
    /// all one, bits 0..23 are all zero), so that the bits are the integer `a`, not `a + p`.
    pub fn bits(&mut self, a: Wire, label: &str) -> [Wire; BITS] {
        let out: [Wire; BITS] = core::array::from_fn(|_| self.fresh());
        self.ops.push(Op::HintBits { a, out });
        let one = self.one();
        let mut sum = self.zero();
        for (k, &b) in out.iter().enumerate() {
            let b1 = self.sub(b, one);
            let sq = self.mul(b, b1);
            self.assert_zero(sq, label);
            let pow = self.base_constant(Val::from_u32(1 << k));
            let t = self.mul(b, pow);
            sum = self.add(sum, t);
        }
        self.assert_eq(sum, a, label);
        // all_high = Π_{k≥24} b_k; low = Σ_{k<24} b_k (at most 24, no wrap); all_high · low = 0.
        let mut all_high = one;
        for &b in &out[24..] {
            all_high = self.mul(all_high, b);
        }
        let mut low = self.zero();
        for &b in &out[..24] {
            low = self.add(low, b);
        }
        let t = self.mul(all_high, low);
        self.assert_zero(t, &format!("{label}: canonical"));
        out
    }

    /// `a / b` (rejects `b = 0`).
    pub fn div(&mut self, a: Wire, b: Wire, label: &str) -> Wire {
        let inv = self.inverse(b, label);
        self.mul(a, inv)
    }

    /// Assert `a = 0`; `label` names the check in errors.
    pub fn assert_zero(&mut self, a: Wire, label: &str) {
        let next = self.labels.len() as u32;
        let id = *self.label_ids.entry(label.to_string()).or_insert(next);
        if id == next {
            self.labels.push(label.to_string());
        }
        self.ops.push(Op::AssertZero { a, label: id });
    }

    /// Assert `a = b`.
    pub fn assert_eq(&mut self, a: Wire, b: Wire, label: &str) {
        let d = self.sub(a, b);
        self.assert_zero(d, label);
    }

    pub fn build(self) -> Circuit {
        Circuit {
            ops: self.ops,
            num_wires: self.num_wires as usize,
            num_inputs: self.num_inputs,
            public: self.public,
            labels: self.labels,
            min_log_heights: Vec::new(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ef(x: u32) -> Challenge {
        Challenge::from(Val::from_u32(x))
    }

    #[test]
    fn arithmetic_and_assertions() {
        let mut b = CircuitBuilder::new();
        let [x, y] = [b.input(), b.input()];
        let s = b.add(x, y);
        let p = b.mul(s, x);
        let q = b.div(p, y, "y is invertible");
        let expected = b.input();
        b.assert_eq(q, expected, "result");
        let c = b.build();
        // (3 + 4) * 3 / 4 = 21/4.
        let r = ef(21) * ef(4).inverse();
        assert!(c.eval(&[ef(3), ef(4), r]).is_ok());
        assert_eq!(
            c.eval(&[ef(3), ef(4), r + ef(1)]).unwrap_err(),
            CircuitError::Assertion {
                op: c.ops.len() - 1,
                label: "result".into()
            }
        );
        // y = 0 has no inverse: the inverse's own check fails first.
        let err = c.eval(&[ef(3), ef(0), ef(0)]).unwrap_err();
        assert!(matches!(err, CircuitError::Assertion { label, .. } if label == "y is invertible"));
        assert!(matches!(
            c.eval(&[ef(1)]),
            Err(CircuitError::InputCount {
                expected: 3,
                got: 1
            })
        ));
    }

    #[test]
    fn poseidon2_matches_the_native_permutation() {
        let mut b = CircuitBuilder::new();
        let input: [Wire; WIDTH] = core::array::from_fn(|_| b.input());
        let out = b.poseidon2(input);
        let c = b.build();
        let values: [Val; WIDTH] = core::array::from_fn(|i| Val::from_u32(i as u32 * 7 + 1));
        let w = c.eval(&values.map(Challenge::from)).unwrap();
        let mut expected = values;
        permutation().permute_mut(&mut expected);
        assert_eq!(out.map(|o| w[o.index()]), expected.map(Challenge::from));
        // An extension element cannot enter the permutation.
        let mut bad = values.map(Challenge::from);
        bad[3] = <Challenge as BasedVectorSpace<Val>>::ith_basis_element(1).unwrap();
        assert!(matches!(c.eval(&bad), Err(CircuitError::NotBase { .. })));
    }

    #[test]
    fn coefficient_hints_are_checked() {
        let mut b = CircuitBuilder::new();
        let x = b.input();
        let c = b.coefficients(x, "decomposes");
        let circuit = b.build();
        let v = <Challenge as BasedVectorSpace<Val>>::from_basis_coefficients_fn(|k| {
            Val::from_u32(10 + k as u32)
        });
        let w = circuit.eval(&[v]).unwrap();
        assert_eq!(c.map(|c| w[c.index()]), [10, 11, 12, 13].map(ef));
        // Swapped coefficients: another element, rejected.
        let hints = [(c[0], ef(11)), (c[1], ef(10))].into_iter().collect();
        assert!(circuit.eval_with_hints(&[v], &hints).is_err());
    }

    #[test]
    fn constants_are_shared() {
        let mut b = CircuitBuilder::new();
        let (one, again) = (b.one(), b.constant(Challenge::ONE));
        assert_eq!(one, again);
        assert_eq!(b.build().counts().1, 1);
    }
}
