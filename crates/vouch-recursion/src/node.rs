//! A recursion proof as aggregation passes it on: the proof, the key it is proven under, and
//! the one shape every lift and join proof has.
//!
//! Every recursion proof (a lift's or a join's) is proven in tables of
//! [`RECURSION_LOG_HEIGHTS`] and has [`NUM_RECURSION_PUBLIC_VALUES`] public values, on the
//! circuit's first wires, laid out as
//! - the statement (`SegmentStatement::to_field_elements`: halted, exit code, journal digest,
//!   root in, root out), `0..NUM_PUBLIC_VALUES`;
//! - the program's preprocessed commitment, at [`PROGRAM`];
//! - the root of the key set the proof's children were checked against, at [`KEY_ROOT`].
//!
//! So one circuit verifies a recursion proof under *any* key: the key enters only through its
//! commitment (the ops table's preprocessed columns), and [`recursion_airs`] are the tables of
//! every recursion circuit without their operations. That is what lets a join take its
//! children's keys as inputs ([`crate::keyset`]) and be one key for every depth.

use vouch_machine::public::NUM_PUBLIC_VALUES;
use vouch_stark::keys::verifier_common;
use vouch_stark::ood;
use vouch_stark::opening::opening;
use vouch_stark::{plain_config, SecurityReport, StarkShape, ValCommitment};

use crate::air::{CircuitAir, NUM_TABLES};
use crate::keyset::{KeyDigest, KeySet};
use crate::merkle::DIGEST;
use crate::prove::{
    public_values_per_table, verify, CircuitProofError, CircuitProofOod, RecursionProof,
    RECURSION_PARAMS,
};

/// log2 heights of every recursion proof's tables (witness, ops, width-16 calls and
/// permutations, width-24 calls and permutations, public). A join of two proofs of this shape
/// must fit in it (the join is the largest circuit; a lift of a 2^22-cycle segment, the
/// largest, fits with room to spare); building a circuit that does not fit is an error.
pub const RECURSION_LOG_HEIGHTS: [usize; NUM_TABLES] = [21, 20, 15, 15, 15, 15, 3];

/// Where a recursion proof's public values hold the program's preprocessed commitment.
pub const PROGRAM: usize = NUM_PUBLIC_VALUES;
/// Where a recursion proof's public values hold the key set's root.
pub const KEY_ROOT: usize = PROGRAM + DIGEST;
/// Number of public values of every recursion proof.
pub const NUM_RECURSION_PUBLIC_VALUES: usize = KEY_ROOT + DIGEST;

/// The tables of every recursion circuit, with no operations (what verifying needs: the
/// constraints and the preprocessed widths; the operations are the key's commitment).
pub fn recursion_airs() -> Vec<CircuitAir> {
    CircuitAir::without_operations(NUM_RECURSION_PUBLIC_VALUES)
}

/// The conjectured security of a recursion proof, computed from the recursion tables'
/// constraints and buses at the recursion shape's tallest table and [`RECURSION_PARAMS`] (what
/// every lift and join proof is checked with).
pub fn security() -> (StarkShape, SecurityReport) {
    let max = RECURSION_LOG_HEIGHTS.iter().copied().max().unwrap_or(0);
    let shape = StarkShape::of_airs(&plain_config(&RECURSION_PARAMS), &recursion_airs(), max);
    (shape, SecurityReport::compute(&RECURSION_PARAMS, &shape))
}

/// A key's commitment as a key-tree leaf.
pub fn key_digest(commitment: &ValCommitment) -> KeyDigest {
    commitment.roots()[0]
}

/// A recursion proof and the commitment of the key it is proven under.
#[derive(serde::Serialize, serde::Deserialize)]
pub struct Node {
    pub key: KeyDigest,
    pub proof: RecursionProof,
}

impl core::fmt::Debug for Node {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.debug_struct("Node")
            .field("key", &self.key)
            .field("public_values", &self.proof.public_values)
            .finish_non_exhaustive()
    }
}

impl Node {
    /// The commitment `verify_batch` checks against.
    fn commitment(&self) -> ValCommitment {
        ValCommitment::from(vec![self.key])
    }

    /// Check the proof under its key (not whether the key is one to trust: that is the key
    /// root's job, [`crate::keyset`]).
    pub fn verify(&self) -> Result<(), CircuitProofError> {
        verify(
            &recursion_airs(),
            &RECURSION_LOG_HEIGHTS,
            self.commitment(),
            &self.proof.public_values,
            &self.proof.proof,
        )
    }

    /// Check the proof as the top of an aggregation trusting the keys of `set`: its key is in
    /// the set, it carries the set's root (so every proof below it was checked under keys of
    /// the set), and it verifies under its key.
    pub fn verify_in(&self, set: &KeySet) -> Result<(), CircuitProofError> {
        if !set.contains(&self.key) {
            return Err(CircuitProofError::Verify(
                "the proof's key is not in the key set".into(),
            ));
        }
        if self.key_root() != set.root() {
            return Err(CircuitProofError::Verify(
                "the proof carries another key set's root".into(),
            ));
        }
        self.verify()
    }

    /// Verify the proof and replay its openings for a circuit that verifies it.
    pub fn ood(&self) -> Result<CircuitProofOod, CircuitProofError> {
        self.verify()?;
        let airs = recursion_airs();
        let config = plain_config(&RECURSION_PARAMS);
        let common = verifier_common(&config, &airs, &RECURSION_LOG_HEIGHTS, self.commitment());
        let pv = public_values_per_table(&airs, &self.proof.public_values);
        let ood = ood::instances(&config, &airs, &common, &self.proof.proof, &pv)
            .map_err(CircuitProofError::Verify)?;
        let opening = opening(&RECURSION_PARAMS, &airs, &common, &self.proof.proof, &pv)
            .map_err(CircuitProofError::Verify)?;
        Ok(CircuitProofOod {
            lookups: common.lookups,
            ood,
            opening,
        })
    }

    /// The key root the proof carries.
    pub fn key_root(&self) -> KeyDigest {
        let pv = &self.proof.public_values;
        core::array::from_fn(|i| pv.get(KEY_ROOT + i).copied().unwrap_or_default())
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn recursion_proofs_reach_100_bits() {
        let (shape, report) = super::security();
        eprintln!("{shape:?}\n  -> {report:?}");
        // The shape is the real one: the width-24 call table's bus carries 48-element tuples.
        assert!(shape.max_tuple_width > 48, "{shape:?}");
        assert!(report.bits >= 100, "{report:?}");
    }
}
