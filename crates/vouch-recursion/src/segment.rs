//! The out-of-domain checks of a whole segment proof as one circuit.
//!
//! One circuit input per public value of the segment statement (shared by every table, as the
//! machine's tables all read the same statement), `ζ` and `α`, then each table's openings. The
//! circuit accepts exactly when every table's constraints agree with its quotient at `ζ`,
//! which is the last step of `verify_batch` (the transcript and the openings' FRI proof are
//! not in the circuit yet: see the crate docs).

use vouch_stark::ood::Ood;
use vouch_stark::{Challenge, Val};
use vouch_verifier::SegmentOod;

use crate::circuit::{Circuit, CircuitBuilder};
use crate::constraints::{check_table, TableShape, TableWires};

/// A segment's out-of-domain circuit, and how to lay out its inputs.
#[derive(Debug)]
pub struct SegmentCircuit {
    pub circuit: Circuit,
    pub shapes: Vec<TableShape>,
    pub num_public_values: usize,
}

impl SegmentCircuit {
    /// Build the circuit for the shape of `seg` (its table heights, widths and domains).
    pub fn build(seg: &SegmentOod) -> Result<Self, String> {
        let airs = seg.machine.airs();
        if airs.len() != seg.ood.instances.len() || airs.len() != seg.lookups.len() {
            return Err("tables, openings and lookups disagree in number".into());
        }
        let mut cb = CircuitBuilder::new();
        let public = cb.inputs(seg.public_values.len());
        let zeta = cb.input();
        let alpha = cb.input();
        let mut shapes = Vec::with_capacity(airs.len());
        for (i, ((air, inst), lookups)) in airs
            .iter()
            .zip(&seg.ood.instances)
            .zip(&seg.lookups)
            .enumerate()
        {
            let shape = TableShape::of(air, inst);
            let wires = TableWires::alloc(&mut cb, &shape);
            let name = vouch_machine::ChipKind::ALL
                .get(i)
                .map_or("?", |k| k.name());
            let label = format!("table {i} ({name})");
            check_table(
                &mut cb, air, lookups, &shape, &wires, &public, zeta, alpha, &label,
            )?;
            shapes.push(shape);
        }
        Ok(Self {
            circuit: cb.build(),
            shapes,
            num_public_values: seg.public_values.len(),
        })
    }

    /// The circuit's inputs for `seg` (which must have this circuit's shape).
    pub fn inputs(public_values: &[Val], ood: &Ood<Val, Challenge>) -> Vec<Challenge> {
        let mut v: Vec<Challenge> = public_values.iter().map(|&x| x.into()).collect();
        v.push(ood.zeta);
        v.push(ood.alpha);
        for inst in &ood.instances {
            v.extend(TableWires::values(inst));
        }
        v
    }
}
