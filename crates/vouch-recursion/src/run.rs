//! The keys of one run's recursion, built from its segments: a lift key per distinct segment
//! shape, the join key and the final key, and the key set of them all.
//!
//! The join and final circuits are laid out from any recursion proof (every one has the
//! recursion shape), so building them needs one lift first: of segment 0, under a placeholder
//! key root (the root is not known until the join key is). That template is kept for the final
//! key. The set is per run because lift keys are per segment shape (docs/recursion.md, "A
//! constant key set"); a verifier cannot trust it until the set is a constant.

use vouch_stark::field::PrimeCharacteristicRing;
use vouch_stark::Val;
use vouch_verifier::SegmentOod;

use crate::join::{JoinError, JoinKey};
use crate::keyset::{KeyDigest, KeySet};
use crate::lift::{LiftError, LiftKey};
use crate::node::Node;
use crate::segment::SegmentCircuit;

/// Why a run's keys could not be built or its segments aggregated.
#[derive(Debug, thiserror::Error)]
pub enum RunError {
    #[error("a run has at least one segment")]
    NoSegments,
    #[error(transparent)]
    Lift(#[from] LiftError),
    #[error(transparent)]
    Join(#[from] JoinError),
    #[error("the key set cannot be built: {0}")]
    Set(String),
}

/// The recursion keys of one run, and the set of their commitments.
pub struct RunKeys {
    pub lifts: Vec<LiftKey>,
    pub join: JoinKey,
    pub set: KeySet,
    /// A lift of segment 0 under a placeholder root: what the join and final circuits are laid
    /// out from.
    pub template: Node,
}

impl RunKeys {
    /// The keys for `segs` (plain segment proofs of one run, in order).
    pub fn for_segments(segs: &[SegmentOod]) -> Result<Self, RunError> {
        let first = segs.first().ok_or(RunError::NoSegments)?;
        let mut lifts: Vec<LiftKey> = Vec::new();
        for seg in segs {
            let shape = SegmentCircuit::shape_of(seg);
            if !lifts.iter().any(|k| k.circuit.shape() == shape) {
                lifts.push(LiftKey::for_segment(seg)?);
            }
        }
        let template = lifts[0].lift(first, &[Val::ZERO; 8])?;
        let join = JoinKey::new(&template)?;
        let mut keys: Vec<KeyDigest> = lifts.iter().map(LiftKey::digest).collect();
        keys.push(join.digest());
        let set = KeySet::new(&keys).map_err(RunError::Set)?;
        Ok(Self {
            lifts,
            join,
            set,
            template,
        })
    }

    /// The lift key of `seg`'s shape.
    pub fn lift_key(&self, seg: &SegmentOod) -> Result<&LiftKey, LiftError> {
        let shape = SegmentCircuit::shape_of(seg);
        self.lifts
            .iter()
            .find(|k| k.circuit.shape() == shape)
            .ok_or(LiftError::OtherShape)
    }

    /// Lift `seg` under the set's root.
    pub fn lift(&self, seg: &SegmentOod) -> Result<Node, LiftError> {
        self.lift_key(seg)?.lift(seg, &self.set.root())
    }

    /// Lift every segment and join the lifts into one proof of the run.
    pub fn aggregate(&self, segs: &[SegmentOod]) -> Result<Node, RunError> {
        let lifts = segs
            .iter()
            .map(|seg| self.lift(seg))
            .collect::<Result<Vec<_>, _>>()?;
        Ok(self.join.aggregate(&self.set, lifts)?)
    }
}
