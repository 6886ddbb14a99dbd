//! A segment proof's verification as one circuit: [`crate::batch::BatchVerifier`] over the
//! machine's tables, with the segment's statement and the program's preprocessed commitment as
//! the circuit's public inputs (the statement is every table's public values, as the machine's
//! tables all read the same statement; the commitment is what ties the segment to a program
//! id, `hash(vk)`).

use vouch_stark::{Challenge, Val};
use vouch_verifier::SegmentOod;

use crate::batch::{BatchProofData, BatchVerifier};
use crate::circuit::{Circuit, CircuitBuilder, Wire};
use crate::constraints::TableShape;
use crate::opening::OpeningShape;

/// A segment's circuit, and how to lay out its inputs.
#[derive(Debug)]
pub struct SegmentCircuit {
    pub circuit: Circuit,
    pub shapes: Vec<TableShape>,
    /// The opening argument's shape, when the circuit checks it (plain proofs).
    pub opening: Option<OpeningShape>,
    pub num_public_values: usize,
    /// Public inputs after the program's commitment that the circuit leaves free.
    pub extra: usize,
    seed: Vec<Val>,
    verifier: BatchVerifier,
    /// The challenges the circuit draws (for tests against the native transcript).
    pub zeta: Wire,
    pub alpha: Wire,
}

/// What a segment's circuit is specialised to: its tables' shapes, its opening argument's and
/// its transcript's seed (a function of the batch's shape). Segments of one shape share a
/// circuit.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SegmentShape {
    pub tables: Vec<TableShape>,
    pub opening: Option<OpeningShape>,
    pub seed: Vec<Val>,
}

/// The machine's table names, for the labels of their checks.
fn names(n: usize) -> Vec<String> {
    (0..n)
        .map(|i| {
            vouch_machine::ChipKind::ALL
                .get(i)
                .map_or("?", |k| k.name())
                .to_string()
        })
        .collect()
}

impl SegmentCircuit {
    /// Build the circuit for the shape of `seg` (its table heights, widths and domains).
    pub fn build(seg: &SegmentOod) -> Result<Self, String> {
        Self::build_with(seg, 0)
    }

    /// As [`Self::build`], with `extra` more public inputs after the program's commitment,
    /// which the circuit does not constrain (the lift's key root, which only a join checks).
    pub fn build_with(seg: &SegmentOod, extra: usize) -> Result<Self, String> {
        let airs = seg.machine.airs();
        let mut cb = CircuitBuilder::new();
        let public: Vec<_> = (0..seg.public_values.len())
            .map(|_| cb.public_input())
            .collect();
        let program: Option<Vec<Wire>> = seg
            .ood
            .transcript
            .preprocessed
            .as_ref()
            .map(|c| c.iter().map(|_| cb.public_input()).collect());
        for _ in 0..extra {
            cb.public_input();
        }
        let data = BatchProofData {
            airs,
            lookups: &seg.lookups,
            names: names(airs.len()),
            ood: &seg.ood,
            opening: seg.opening.as_ref(),
        };
        let verifier = BatchVerifier::build(&mut cb, &data, &vec![public; airs.len()], program)?;
        Ok(Self {
            circuit: cb.build(),
            shapes: verifier.shapes.clone(),
            opening: verifier.opening.clone(),
            num_public_values: seg.public_values.len(),
            extra,
            seed: seg.ood.transcript.seed.clone(),
            zeta: verifier.zeta,
            alpha: verifier.alpha,
            verifier,
        })
    }

    /// The shape of `seg`, without building its circuit.
    pub fn shape_of(seg: &SegmentOod) -> SegmentShape {
        SegmentShape {
            tables: seg
                .machine
                .airs()
                .iter()
                .zip(&seg.ood.instances)
                .map(|(air, inst)| TableShape::of(air, inst))
                .collect(),
            opening: seg.opening.as_ref().map(OpeningShape::of),
            seed: seg.ood.transcript.seed.clone(),
        }
    }

    /// The shape this circuit verifies.
    pub fn shape(&self) -> SegmentShape {
        SegmentShape {
            tables: self.shapes.clone(),
            opening: self.opening.clone(),
            seed: self.seed.clone(),
        }
    }

    /// The circuit's public inputs for `seg`: the segment's statement, then the program's
    /// preprocessed commitment.
    pub fn public_values(seg: &SegmentOod) -> Vec<Val> {
        let mut v = seg.public_values.clone();
        v.extend(seg.ood.transcript.preprocessed.iter().flatten());
        v
    }

    /// The circuit's inputs for `seg` (which must have this circuit's shape).
    pub fn inputs(&self, seg: &SegmentOod) -> Vec<Challenge> {
        self.inputs_with(seg, &[])
    }

    /// The circuit's inputs for `seg`, with `extra` as the free public inputs (as many as the
    /// circuit has).
    pub fn inputs_with(&self, seg: &SegmentOod, extra: &[Val]) -> Vec<Challenge> {
        assert_eq!(extra.len(), self.extra, "the circuit's free public inputs");
        let mut v: Vec<Challenge> = Self::public_values(seg)
            .into_iter()
            .chain(extra.iter().copied())
            .map(Challenge::from)
            .collect();
        v.extend(self.verifier.values(&seg.ood, seg.opening.as_ref()));
        v
    }
}
