//! A segment proof's verification as one circuit.
//!
//! Inputs, in order: the segment statement and the program's preprocessed commitment (the
//! circuit's *public* inputs; the statement is shared by every table, as the machine's tables
//! all read the same statement), each table's openings and
//! terminal, what the transcript absorbs (commitments, grind witnesses), then, for a plain
//! proof, the opening proof. The circuit replays the transcript on them
//! ([`crate::transcript`]) to draw the LogUp challenges, `α` and `ζ`, checks that every
//! table's constraints agree with its quotient at `ζ`, and, for a plain proof, checks the
//! opening argument ([`crate::opening`]) on the *same* claimed-value wires: that is all of
//! `verify_batch`. For a zero-knowledge proof (`SegmentOod::opening` is `None`) the opening
//! argument is left out, and the circuit alone does not verify the segment: the recursion's
//! inner proofs are plain.
//!
//! The claims follow `commitments_with_opening_points`' order: the main trace of every table
//! (at `ζ`, and at `ζ·g` when the AIR reads a next row), every table's quotient chunks (at
//! `ζ`), the preprocessed traces (tables that have them), the permutation traces (tables with
//! lookups, at `ζ` and `ζ·g`, as committed: `D` base columns per extension column). The
//! layout is checked against the native claims when the circuit is built.

use vouch_stark::ood::Ood;
use vouch_stark::{Challenge, Val};
use vouch_verifier::SegmentOod;

use vouch_stark::opening::BatchClaim;

use crate::circuit::{Circuit, CircuitBuilder, Wire};
use crate::constraints::{check_table, TableShape, TableWires};
use crate::merkle::Digest;
use crate::opening::{
    verify_opening, BatchClaimWires, MatrixClaimWires, OpeningShape, OpeningWires,
};
use crate::transcript::{batch_transcript, TranscriptWires};

/// A segment's circuit, and how to lay out its inputs.
#[derive(Debug)]
pub struct SegmentCircuit {
    pub circuit: Circuit,
    pub shapes: Vec<TableShape>,
    /// The opening argument's shape, when the circuit checks it (plain proofs).
    pub opening: Option<OpeningShape>,
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
        // The program's preprocessed commitment (its ROM and fixed tables) is public too: it is
        // what ties the segment to a program id (`hash(vk)`).
        let program: Option<Vec<Wire>> = ood
            .transcript
            .preprocessed
            .as_ref()
            .map(|c| c.iter().map(|_| cb.public_input()).collect());
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
            program,
            terminals.len(),
        );
        // The terminals the transcript absorbs are the tables' own.
        for (&a, &b) in tw.terminals.iter().zip(&terminals) {
            cb.assert_eq(a, b, "the transcript absorbs the tables' terminals");
        }
        let challenges = batch_transcript(&mut cb, &ood.transcript, &tw)?;
        let mut sponge = challenges.challenger.clone();
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
        let opening = match &seg.opening {
            Some(native) => {
                let shape = OpeningShape::of(native);
                let claims = claims(
                    &mut cb,
                    &shapes,
                    &tables,
                    &tw,
                    challenges.zeta,
                    native.params.log_blowup,
                )?;
                same_layout(&claims, &native.claims)?;
                let w = OpeningWires::alloc(&mut cb, &shape, &claims);
                verify_opening(&mut cb, &mut sponge, &shape, &claims, &w)?;
                Some(shape)
            }
            None => None,
        };
        Ok(Self {
            circuit: cb.build(),
            shapes,
            opening,
            num_public_values: seg.public_values.len(),
            zeta: challenges.zeta,
            alpha: challenges.alpha,
        })
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
        let ood: &Ood<Val, Challenge> = &seg.ood;
        let mut v: Vec<Challenge> = Self::public_values(seg)
            .into_iter()
            .map(Challenge::from)
            .collect();
        for (shape, inst) in self.shapes.iter().zip(&ood.instances) {
            v.extend(TableWires::values(shape, inst));
        }
        let terminals: Vec<Challenge> = ood
            .instances
            .iter()
            .flat_map(|i| i.permutation_values.iter().copied())
            .collect();
        v.extend(TranscriptWires::values(&ood.transcript, &terminals));
        if let (Some(_), Some(opening)) = (&self.opening, &seg.opening) {
            v.extend(OpeningWires::values(opening));
        }
        v
    }
}

fn digest(ws: &[Wire]) -> Result<Digest, String> {
    ws.try_into()
        .map_err(|_| "a commitment is not one digest".to_string())
}

/// The opening argument's claims on the tables' wires, in `commitments_with_opening_points`'
/// order (plain proofs: no randomization commitment).
fn claims(
    cb: &mut CircuitBuilder,
    shapes: &[TableShape],
    tables: &[TableWires],
    tw: &TranscriptWires,
    zeta: Wire,
    log_blowup: usize,
) -> Result<Vec<BatchClaimWires>, String> {
    if tw.random.is_some() {
        return Err("a zero-knowledge proof's opening argument is not checked".into());
    }
    let next: Vec<Wire> = shapes
        .iter()
        .map(|s| {
            let g = cb.base_constant(s.trace_domain.generator());
            cb.mul(zeta, g)
        })
        .collect();
    let trace_height = |s: &TableShape| s.trace_domain.log_size + log_blowup;
    let mut out = Vec::new();
    out.push(BatchClaimWires {
        commitment: digest(&tw.main)?,
        matrices: shapes
            .iter()
            .zip(tables)
            .zip(&next)
            .map(|((s, t), &zn)| {
                trace_matrix(
                    trace_height(s),
                    zeta,
                    &t.trace_local,
                    (s.main_next, zn),
                    &t.trace_next,
                )
            })
            .collect(),
    });
    out.push(BatchClaimWires {
        commitment: digest(&tw.quotient)?,
        matrices: shapes
            .iter()
            .zip(tables)
            .flat_map(|(s, t)| {
                s.quotient_domains
                    .iter()
                    .zip(&t.quotient_chunks)
                    .map(move |(d, chunk)| MatrixClaimWires {
                        log_height: d.log_size + log_blowup,
                        points: vec![(zeta, chunk.to_vec())],
                    })
            })
            .collect(),
    });
    if let Some(c) = &tw.preprocessed {
        out.push(BatchClaimWires {
            commitment: digest(c)?,
            matrices: shapes
                .iter()
                .zip(tables)
                .zip(&next)
                .filter(|((s, _), _)| s.preprocessed_width > 0)
                .map(|((s, t), &zn)| {
                    let next = (s.preprocessed_next, zn);
                    let h = trace_height(s);
                    trace_matrix(h, zeta, &t.preprocessed_local, next, &t.preprocessed_next)
                })
                .collect(),
        });
    }
    if let Some(c) = &tw.permutation {
        out.push(BatchClaimWires {
            commitment: digest(c)?,
            matrices: shapes
                .iter()
                .zip(tables)
                .zip(&next)
                .filter(|((s, _), _)| s.permutation_width > 0)
                .map(|((s, t), &zn)| MatrixClaimWires {
                    log_height: trace_height(s),
                    points: vec![
                        (zeta, t.permutation_local_flat.clone()),
                        (zn, t.permutation_next_flat.clone()),
                    ],
                })
                .collect(),
        });
    }
    Ok(out)
}

/// A trace's claims: its row at `ζ`, and at `ζ·g` when the proof opens the next row.
fn trace_matrix(
    log_height: usize,
    zeta: Wire,
    local: &[Wire],
    (opens_next, zeta_next): (bool, Wire),
    next: &[Wire],
) -> MatrixClaimWires {
    let mut points = vec![(zeta, local.to_vec())];
    if opens_next {
        points.push((zeta_next, next.to_vec()));
    }
    MatrixClaimWires { log_height, points }
}

/// The circuit's claims have the native claims' layout: commitments, matrices (heights),
/// points and widths, in order.
fn same_layout(circuit: &[BatchClaimWires], native: &[BatchClaim]) -> Result<(), String> {
    let layout_c: Vec<Vec<(usize, Vec<usize>)>> = circuit
        .iter()
        .map(|b| {
            b.matrices
                .iter()
                .map(|m| (m.log_height, m.points.iter().map(|p| p.1.len()).collect()))
                .collect()
        })
        .collect();
    let layout_n: Vec<Vec<(usize, Vec<usize>)>> = native
        .iter()
        .map(|b| {
            b.matrices
                .iter()
                .map(|m| (m.log_height, m.points.iter().map(|p| p.1.len()).collect()))
                .collect()
        })
        .collect();
    if layout_c != layout_n {
        return Err(format!(
            "the circuit's opening claims {layout_c:?} are not the proof's {layout_n:?}"
        ));
    }
    Ok(())
}
