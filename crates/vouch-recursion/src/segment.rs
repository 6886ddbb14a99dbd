//! A segment proof's transcript and out-of-domain checks as one circuit.
//!
//! Inputs, in order: the segment statement (the circuit's *public* inputs, shared by every
//! table, as the machine's tables all read the same statement), each table's openings and
//! terminal, then what the transcript absorbs (commitments, grind witnesses). The circuit
//! replays the transcript on them ([`crate::transcript`]) to draw the LogUp challenges, `α`
//! and `ζ`, and accepts exactly when every table's constraints agree with its quotient at
//! `ζ`. That is `verify_batch` minus the opening proof: the openings are not yet tied to the
//! commitments (FRI is the next step: see docs/recursion.md), so this circuit alone does not
//! verify a segment.

use vouch_stark::ood::Ood;
use vouch_stark::{Challenge, Val};
use vouch_verifier::SegmentOod;

use crate::circuit::{Circuit, CircuitBuilder, Wire};
use crate::constraints::{check_table, TableShape, TableWires};
use crate::transcript::{batch_transcript, TranscriptWires};

/// A segment's circuit, and how to lay out its inputs.
#[derive(Debug)]
pub struct SegmentCircuit {
    pub circuit: Circuit,
    pub shapes: Vec<TableShape>,
    pub num_public_values: usize,
    /// The challenges the circuit draws (for tests against the native transcript).
    pub zeta: Wire,
    pub alpha: Wire,
}

impl SegmentCircuit {
    /// Build the circuit for the shape of `seg` (its table heights, widths and domains).
    pub fn build(seg: &SegmentOod) -> Result<Self, String> {
        let airs = seg.machine.airs();
        let ood = &seg.ood;
        if airs.len() != ood.instances.len() || airs.len() != seg.lookups.len() {
            return Err("tables, openings and lookups disagree in number".into());
        }
        let mut cb = CircuitBuilder::new();
        let public: Vec<_> = (0..seg.public_values.len())
            .map(|_| cb.public_input())
            .collect();
        let shapes: Vec<TableShape> = airs
            .iter()
            .zip(&ood.instances)
            .map(|(air, inst)| TableShape::of(air, inst))
            .collect();
        let mut tables: Vec<TableWires> = shapes
            .iter()
            .map(|shape| TableWires::alloc(&mut cb, shape))
            .collect();
        let terminals: Vec<_> = tables
            .iter()
            .flat_map(|t| t.permutation_values.iter().copied())
            .collect();
        let tw = TranscriptWires::alloc(
            &mut cb,
            &ood.transcript,
            vec![public.clone(); airs.len()],
            terminals.len(),
        );
        // The terminals the transcript absorbs are the tables' own.
        for (&a, &b) in tw.terminals.iter().zip(&terminals) {
            cb.assert_eq(a, b, "the transcript absorbs the tables' terminals");
        }
        let challenges = batch_transcript(&mut cb, &ood.transcript, &tw)?;
        for (i, ((air, shape), lookups)) in airs.iter().zip(&shapes).zip(&seg.lookups).enumerate() {
            let name = vouch_machine::ChipKind::ALL
                .get(i)
                .map_or("?", |k| k.name());
            let label = format!("table {i} ({name})");
            tables[i].challenges = challenges.lookup.get(i).cloned().unwrap_or_default();
            check_table(
                &mut cb,
                air,
                lookups,
                shape,
                &tables[i],
                &public,
                challenges.zeta,
                challenges.alpha,
                &label,
            )?;
        }
        Ok(Self {
            circuit: cb.build(),
            shapes,
            num_public_values: seg.public_values.len(),
            zeta: challenges.zeta,
            alpha: challenges.alpha,
        })
    }

    /// The circuit's inputs for `seg` (which must have this circuit's shape).
    pub fn inputs(public_values: &[Val], ood: &Ood<Val, Challenge>) -> Vec<Challenge> {
        let mut v: Vec<Challenge> = public_values.iter().map(|&x| x.into()).collect();
        for inst in &ood.instances {
            v.extend(TableWires::values(inst));
        }
        let terminals: Vec<Challenge> = ood
            .instances
            .iter()
            .flat_map(|i| i.permutation_values.iter().copied())
            .collect();
        v.extend(TranscriptWires::values(&ood.transcript, &terminals));
        v
    }
}
