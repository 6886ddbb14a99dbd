//! The lift: one plain segment proof verified inside a recursion proof whose public values are
//! the segment's statement (halted, exit code, journal digest, root in, root out), the
//! program's preprocessed commitment and a key root (`crate::node`'s layout).
//!
//! The lift circuit ([`SegmentCircuit`]) is specialised to the segment's *shape* (its tables'
//! heights, the ROM's height, the opening argument's schedule): [`LiftKey::for_segment`] builds
//! the circuit and commits to it. Segments of one shape share a key; a lift proof verifies only
//! under the key of its segment's shape. Every lift circuit is padded to the one recursion
//! shape (`RECURSION_LOG_HEIGHTS`), so a join verifies a lift like any recursion proof.
//!
//! The key root is a free public input of the lift: a lift has no children, and the join that
//! takes a lift as a child requires the root to be its own and the lift's key to be in the tree.

use vouch_machine::public::NUM_PUBLIC_VALUES;
use vouch_verifier::SegmentOod;

use crate::keyset::KeyDigest;
use crate::merkle::DIGEST;
use crate::node::{key_digest, Node, NUM_RECURSION_PUBLIC_VALUES, RECURSION_LOG_HEIGHTS};
use crate::prove::{CircuitKey, CircuitProofError, RecursionProof};
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

impl LiftKey {
    /// The key of `seg`'s shape.
    pub fn for_segment(seg: &SegmentOod) -> Result<Self, LiftError> {
        if seg.opening.is_none() {
            return Err(LiftError::NotPlain);
        }
        if seg.public_values.len() != NUM_PUBLIC_VALUES {
            return Err(LiftError::Circuit(format!(
                "{} statement values, a segment has {NUM_PUBLIC_VALUES}",
                seg.public_values.len()
            )));
        }
        let mut circuit = SegmentCircuit::build_with(seg, DIGEST).map_err(LiftError::Circuit)?;
        let public: Vec<u32> = circuit.circuit.public.iter().map(|w| w.0).collect();
        if public != (0..NUM_RECURSION_PUBLIC_VALUES as u32).collect::<Vec<_>>() {
            return Err(LiftError::Circuit(
                "the public values are not the circuit's first wires".into(),
            ));
        }
        circuit
            .circuit
            .pad_to(&RECURSION_LOG_HEIGHTS)
            .map_err(|e| {
                LiftError::Circuit(format!("the lift does not fit the recursion shape: {e}"))
            })?;
        let key = CircuitKey::new(&circuit.circuit)?;
        Ok(Self { circuit, key })
    }

    /// The key's commitment, as a key-tree leaf.
    pub fn digest(&self) -> KeyDigest {
        key_digest(&self.key.commitment())
    }

    /// Prove that `seg` verifies, with `key_root` as the proof's key root. Errors when it does
    /// not (its circuit is unsatisfied) or has another shape.
    pub fn lift(&self, seg: &SegmentOod, key_root: &KeyDigest) -> Result<Node, LiftError> {
        if SegmentCircuit::shape_of(seg) != self.circuit.shape() {
            return Err(LiftError::OtherShape);
        }
        let inputs = self.circuit.inputs_with(seg, key_root);
        let proof = self.key.prove(&self.circuit.circuit, &inputs)?;
        let mut public_values = SegmentCircuit::public_values(seg);
        public_values.extend(key_root);
        Ok(Node {
            key: self.digest(),
            proof: RecursionProof {
                public_values,
                proof,
            },
        })
    }
}
