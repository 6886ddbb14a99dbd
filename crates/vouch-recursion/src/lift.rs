//! The lift: one plain segment proof verified inside a recursion proof whose public values are
//! the segment's statement (halted, exit code, journal digest, root in, root out) and the
//! program's preprocessed commitment.
//!
//! The lift circuit ([`SegmentCircuit`]) is specialised to the segment's *shape* (its tables'
//! heights, the ROM's height, the opening argument's schedule): [`LiftKey::for_segment`] builds
//! the circuit and commits to it. Segments of one shape share a key; a lift proof verifies only
//! under the key of its segment's shape. One key for every shape is the next step
//! (docs/recursion.md, "Fixed shape").

use vouch_verifier::SegmentOod;

use crate::prove::{verify, CircuitKey, CircuitProofError, RecursionProof};
use crate::segment::SegmentCircuit;

/// Why a segment could not be lifted.
#[derive(Debug, thiserror::Error)]
pub enum LiftError {
    #[error("the segment proof is zero-knowledge: lifts verify plain segment proofs")]
    NotPlain,
    #[error("the segment's verification circuit cannot be built: {0}")]
    Circuit(String),
    #[error("the segment does not have this key's shape")]
    OtherShape,
    #[error(transparent)]
    Proof(#[from] CircuitProofError),
}

/// The circuit verifying segments of one shape, and its committed tables.
pub struct LiftKey {
    pub circuit: SegmentCircuit,
    pub key: CircuitKey,
}

impl core::fmt::Debug for LiftKey {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.debug_struct("LiftKey")
            .field("wires", &self.circuit.circuit.num_wires)
            .field("key", &self.key)
            .finish()
    }
}

/// A recursion proof that a segment proof verifies: its public values are the segment's
/// statement (`SegmentStatement::to_field_elements`), then the program's preprocessed
/// commitment.
pub type LiftProof = RecursionProof;

impl LiftKey {
    /// The key of `seg`'s shape.
    pub fn for_segment(seg: &SegmentOod) -> Result<Self, LiftError> {
        if seg.opening.is_none() {
            return Err(LiftError::NotPlain);
        }
        let circuit = SegmentCircuit::build(seg).map_err(LiftError::Circuit)?;
        let key = CircuitKey::new(&circuit.circuit)?;
        Ok(Self { circuit, key })
    }

    /// Prove that `seg` verifies. Errors when it does not (its circuit is unsatisfied) or has
    /// another shape.
    pub fn lift(&self, seg: &SegmentOod) -> Result<LiftProof, LiftError> {
        if SegmentCircuit::shape_of(seg) != self.circuit.shape() {
            return Err(LiftError::OtherShape);
        }
        let inputs = self.circuit.inputs(seg);
        let proof = self.key.prove(&self.circuit.circuit, &inputs)?;
        Ok(LiftProof {
            public_values: SegmentCircuit::public_values(seg),
            proof,
        })
    }

    /// Check a lift proof under this key.
    pub fn verify(&self, lift: &LiftProof) -> Result<(), CircuitProofError> {
        verify(
            &self.key.airs,
            &self.key.log_heights,
            self.key.commitment(),
            &lift.public_values,
            &lift.proof,
        )
    }
}
