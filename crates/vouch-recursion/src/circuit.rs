//! An arithmetic circuit over the challenge field: the program a verifier inside a proof runs.
//!
//! A circuit is a list of operations on *wires*, each wire holding one element of the degree-4
//! extension `EF` (base-field values are embedded). Operations are in topological order: every
//! operand is defined before it is used, so [`Circuit::eval`] runs them in one pass.
//!
//! - `Const`, `Input`: a wire's value is a constant of the circuit, or the `i`-th input
//!   (the witness the recursion prover supplies: openings, challenges, hints of the verifier).
//! - `Add`, `Sub`, `Mul`: field arithmetic.
//! - `HintInverse`: a wire holding `1 / a`, computed by the prover. On its own it constrains
//!   nothing; [`CircuitBuilder::inverse`] pairs it with the assertion `a · inv = 1`, which is
//!   what makes it sound (and fails for `a = 0`).
//! - `AssertZero`: the one kind of check. A circuit *accepts* its inputs when every assertion
//!   holds.
//!
//! The builder deduplicates constants. Proving a circuit (its tables on a witness bus) is the
//! job of `crate::air`; this module only defines and evaluates it.

use std::collections::HashMap;

use vouch_stark::field::{Field, PrimeCharacteristicRing};
use vouch_stark::{Challenge, Val};

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
    Const { out: Wire, value: Challenge },
    Input { out: Wire, index: usize },
    Add { a: Wire, b: Wire, out: Wire },
    Sub { a: Wire, b: Wire, out: Wire },
    Mul { a: Wire, b: Wire, out: Wire },
    HintInverse { a: Wire, out: Wire },
    AssertZero { a: Wire, label: u32 },
}

/// Why a circuit rejects its inputs.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum CircuitError {
    #[error("{expected} inputs expected, {got} given")]
    InputCount { expected: usize, got: usize },
    #[error("assertion `{label}` (operation {op}) fails")]
    Assertion { op: usize, label: String },
}

/// A finished circuit.
#[derive(Clone, Debug)]
pub struct Circuit {
    pub ops: Vec<Op>,
    pub num_wires: usize,
    pub num_inputs: usize,
    /// Names of the assertions, indexed by their `label`.
    pub labels: Vec<String>,
}

impl Circuit {
    /// Run the circuit on `inputs`: every wire's value, or the first assertion that fails.
    pub fn eval(&self, inputs: &[Challenge]) -> Result<Vec<Challenge>, CircuitError> {
        self.run(inputs, true)
    }

    /// Every wire's value, whether or not the assertions hold (for tests that prove an
    /// unsatisfying assignment and expect the proof to be rejected).
    pub fn eval_unchecked(&self, inputs: &[Challenge]) -> Result<Vec<Challenge>, CircuitError> {
        self.run(inputs, false)
    }

    fn run(&self, inputs: &[Challenge], check: bool) -> Result<Vec<Challenge>, CircuitError> {
        if inputs.len() != self.num_inputs {
            return Err(CircuitError::InputCount {
                expected: self.num_inputs,
                got: inputs.len(),
            });
        }
        let mut w = vec![Challenge::ZERO; self.num_wires];
        for (i, op) in self.ops.iter().enumerate() {
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
                Op::AssertZero { a, label } => {
                    if check && w[a.index()] != Challenge::ZERO {
                        return Err(CircuitError::Assertion {
                            op: i,
                            label: self.labels[label as usize].clone(),
                        });
                    }
                }
            }
        }
        Ok(w)
    }

    /// How many operations of each kind: `(arithmetic, constants, inputs, assertions)`.
    pub fn counts(&self) -> (usize, usize, usize, usize) {
        let mut c = (0, 0, 0, 0);
        for op in &self.ops {
            match op {
                Op::Const { .. } => c.1 += 1,
                Op::Input { .. } => c.2 += 1,
                Op::AssertZero { .. } => c.3 += 1,
                _ => c.0 += 1,
            }
        }
        c
    }
}

/// Builds a [`Circuit`] operation by operation.
#[derive(Debug, Default)]
pub struct CircuitBuilder {
    ops: Vec<Op>,
    num_wires: u32,
    num_inputs: usize,
    consts: HashMap<Challenge, Wire>,
    labels: Vec<String>,
    label_ids: HashMap<String, u32>,
}

impl CircuitBuilder {
    pub fn new() -> Self {
        Self::default()
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
            labels: self.labels,
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
    fn constants_are_shared() {
        let mut b = CircuitBuilder::new();
        let (one, again) = (b.one(), b.constant(Challenge::ONE));
        assert_eq!(one, again);
        assert_eq!(b.build().counts().1, 1);
    }
}
