//! The join: two recursion proofs of adjacent pieces of one run verified in one recursion
//! proof, whose public values are the statement of the two pieces together.
//!
//! A recursion proof's public values (a lift's, or a join's) are a statement
//! (`SegmentStatement::to_field_elements`: halted, exit code, journal digest, root in, root
//! out) and the program's preprocessed commitment. The join circuit verifies the left and the
//! right proof ([`BatchVerifier`] over the recursion tables, each under its key's commitment,
//! a constant of the circuit) and asserts that they chain:
//! - the left piece did not halt (`halted = 0`: nothing runs after HALT);
//! - the left's root out is the right's root in (the memory the right piece starts from is
//!   the memory the left one ended with);
//! - both are of one program (equal preprocessed commitments).
//!
//! Its public values: root in from the left; halted, exit code, journal digest and root out
//! from the right; the program commitment. The left's exit code and journal digest are
//! dropped: only the run's last piece halts, and its are the run's.
//!
//! A join key is specialised to its children's keys and shapes, as a lift key is to its
//! segment's (docs/recursion.md, "Fixed shape").

use vouch_machine::public::{HALTED, NUM_PUBLIC_VALUES, ROOT_IN, ROOT_OUT};
use vouch_stark::{Challenge, Val};

use crate::air::CircuitAir;
use crate::batch::{BatchProofData, BatchVerifier};
use crate::circuit::{Circuit, CircuitBuilder, Wire};
use crate::prove::{verify, CircuitKey, CircuitProofError, CircuitProofOod, RecursionProof};

/// The public values of a lift or join proof: the statement, then the program commitment.
pub const NUM_RECURSION_PUBLIC_VALUES: usize = NUM_PUBLIC_VALUES + 8;

/// Why two proofs could not be joined.
#[derive(Debug, thiserror::Error)]
pub enum JoinError {
    #[error("a child proof does not verify under its key: {0}")]
    Child(CircuitProofError),
    #[error("the join circuit cannot be built: {0}")]
    Circuit(String),
    #[error("the proofs do not have this key's shape")]
    OtherShape,
    #[error(transparent)]
    Proof(#[from] CircuitProofError),
}

/// The table names of a recursion proof, for labels.
fn names(side: &str, airs: &[CircuitAir]) -> Vec<String> {
    airs.iter()
        .map(|a| {
            let t = match a {
                CircuitAir::Witness => "witness",
                CircuitAir::Ops { .. } => "ops",
                CircuitAir::Poseidon2Calls { .. } => "poseidon2 calls",
                CircuitAir::Poseidon2(_) => "poseidon2",
                CircuitAir::Poseidon2Wide(_) => "poseidon2 (width 24)",
                CircuitAir::Public { .. } => "public",
            };
            format!("{side} {t}")
        })
        .collect()
}

/// The circuit verifying one child, built into `cb`: its public values' wires and verifier.
fn child(
    cb: &mut CircuitBuilder,
    side: &str,
    key: &CircuitKey,
    data: &CircuitProofOod,
) -> Result<(Vec<Wire>, BatchVerifier), String> {
    let pv = cb.inputs(NUM_RECURSION_PUBLIC_VALUES);
    let public: Vec<Vec<Wire>> = key
        .airs
        .iter()
        .map(|a| match a {
            CircuitAir::Public { .. } => pv.clone(),
            _ => Vec::new(),
        })
        .collect();
    let commitment: Vec<Wire> = data
        .ood
        .transcript
        .preprocessed
        .as_ref()
        .ok_or("a recursion proof has a preprocessed commitment")?
        .iter()
        .map(|&c| cb.base_constant(c))
        .collect();
    let proof = BatchProofData {
        airs: &key.airs,
        lookups: &data.lookups,
        names: names(side, &key.airs),
        ood: &data.ood,
        opening: Some(&data.opening),
    };
    let v = BatchVerifier::build(cb, &proof, &public, Some(commitment))?;
    Ok((pv, v))
}

/// The circuit joining proofs under two keys, and its committed tables.
pub struct JoinKey {
    pub circuit: Circuit,
    left: BatchVerifier,
    right: BatchVerifier,
    pub key: CircuitKey,
}

impl JoinKey {
    /// The key joining proofs under `left` and `right` of the shapes of `l` and `r`.
    pub fn new(
        left: &CircuitKey,
        l: &RecursionProof,
        right: &CircuitKey,
        r: &RecursionProof,
    ) -> Result<Self, JoinError> {
        let dl = left.proof_ood(l).map_err(JoinError::Child)?;
        let dr = right.proof_ood(r).map_err(JoinError::Child)?;
        let mut cb = CircuitBuilder::new();
        let out: Vec<Wire> = (0..NUM_RECURSION_PUBLIC_VALUES)
            .map(|_| cb.public_input())
            .collect();
        let (pl, vl) = child(&mut cb, "left", left, &dl).map_err(JoinError::Circuit)?;
        let (pr, vr) = child(&mut cb, "right", right, &dr).map_err(JoinError::Circuit)?;
        cb.assert_zero(pl[HALTED], "join: the left piece does not halt");
        for i in 0..8 {
            cb.assert_eq(
                pl[ROOT_OUT + i],
                pr[ROOT_IN + i],
                "join: the left's root out is the right's root in",
            );
            cb.assert_eq(
                pl[NUM_PUBLIC_VALUES + i],
                pr[NUM_PUBLIC_VALUES + i],
                "join: one program",
            );
        }
        for (i, &o) in out.iter().enumerate() {
            let from = if (ROOT_IN..ROOT_IN + 8).contains(&i) || i >= NUM_PUBLIC_VALUES {
                pl[i]
            } else {
                pr[i]
            };
            cb.assert_eq(o, from, "join: the joined statement");
        }
        let circuit = cb.build();
        let key = CircuitKey::new(&circuit)?;
        Ok(Self {
            circuit,
            left: vl,
            right: vr,
            key,
        })
    }

    /// The joined statement of two chaining pieces (what the join proof's public values are).
    pub fn joined(l: &[Val], r: &[Val]) -> Vec<Val> {
        (0..NUM_RECURSION_PUBLIC_VALUES)
            .map(|i| {
                if (ROOT_IN..ROOT_IN + 8).contains(&i) || i >= NUM_PUBLIC_VALUES {
                    l[i]
                } else {
                    r[i]
                }
            })
            .collect()
    }

    /// The circuit's inputs for children `l` (under `left`) and `r` (under `right`).
    pub fn inputs(
        &self,
        left: &CircuitKey,
        l: &RecursionProof,
        right: &CircuitKey,
        r: &RecursionProof,
    ) -> Result<Vec<Challenge>, JoinError> {
        let dl = left.proof_ood(l).map_err(JoinError::Child)?;
        let dr = right.proof_ood(r).map_err(JoinError::Child)?;
        let base = |v: &[Val]| v.iter().map(|&x| Challenge::from(x)).collect::<Vec<_>>();
        if l.public_values.len() != NUM_RECURSION_PUBLIC_VALUES
            || r.public_values.len() != NUM_RECURSION_PUBLIC_VALUES
        {
            return Err(JoinError::OtherShape);
        }
        let mut v = base(&Self::joined(&l.public_values, &r.public_values));
        v.extend(base(&l.public_values));
        v.extend(self.left.values(&dl.ood, Some(&dl.opening)));
        v.extend(base(&r.public_values));
        v.extend(self.right.values(&dr.ood, Some(&dr.opening)));
        if v.len() != self.circuit.num_inputs {
            return Err(JoinError::OtherShape);
        }
        Ok(v)
    }

    /// Join `l` (under `left`) and `r` (under `right`): errors when a child does not verify or
    /// they do not chain (the circuit is unsatisfied).
    pub fn join(
        &self,
        left: &CircuitKey,
        l: &RecursionProof,
        right: &CircuitKey,
        r: &RecursionProof,
    ) -> Result<RecursionProof, JoinError> {
        let inputs = self.inputs(left, l, right, r)?;
        let proof = self.key.prove(&self.circuit, &inputs)?;
        Ok(RecursionProof {
            public_values: Self::joined(&l.public_values, &r.public_values),
            proof,
        })
    }

    /// Check a join proof under this key.
    pub fn verify(&self, join: &RecursionProof) -> Result<(), CircuitProofError> {
        verify(
            &self.key.airs,
            &self.key.log_heights,
            self.key.commitment(),
            &join.public_values,
            &join.proof,
        )
    }
}
