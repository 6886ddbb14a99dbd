//! A batch proof's verification on wires, for any AIRs: a segment proof (the machine's tables)
//! or a recursion proof (the circuit's own tables), as many as a circuit needs.
//!
//! [`BatchVerifier::build`] takes the wires of every table's public values and of the
//! preprocessed commitment from the caller (inputs, public inputs or constants: the caller
//! decides what the proof is about), allocates the proof's own inputs — each table's openings
//! and terminal, what the transcript absorbs (commitments, grind witnesses), then, for a plain
//! proof, the opening proof — and emits the checks: the transcript ([`crate::transcript`])
//! draws the LogUp challenges, `α` and `ζ`; every table's constraints must agree with its
//! quotient at `ζ` ([`crate::constraints`]); for a plain proof the opening argument
//! ([`crate::opening`]) is checked on the *same* claimed-value wires. That is all of
//! `verify_batch`. For a zero-knowledge proof (no native opening) the opening argument is
//! left out and the circuit alone does not verify the proof: the recursion's inner proofs are
//! plain.
//!
//! The claims follow `commitments_with_opening_points`' order: the main trace of every table
//! (at `ζ`, and at `ζ·g` when the AIR reads a next row), every table's quotient chunks (at
//! `ζ`), the preprocessed traces (tables that have them), the permutation traces (tables with
//! lookups, at `ζ` and `ζ·g`, as committed: `D` base columns per extension column). The
//! layout is checked against the native claims when the circuit is built.

use vouch_stark::air::{Air, BaseAir};
use vouch_stark::batch::InteractionSymbolicBuilder;
use vouch_stark::ood::Ood;
use vouch_stark::opening::{BatchClaim, Opening};
use vouch_stark::symbolic::Lookups;
use vouch_stark::{Challenge, Val};

use crate::circuit::{CircuitBuilder, Wire};
use crate::constraints::{check_table, TableShape, TableWires};
use crate::merkle::Digest;
use crate::opening::{
    verify_opening, BatchClaimWires, MatrixClaimWires, OpeningShape, OpeningWires,
};
use crate::transcript::{batch_transcript, TranscriptWires};

/// A batch proof as the circuit reads it: its tables, their lookups, and its openings replayed
/// natively (`vouch_stark::ood`, `vouch_stark::opening`).
pub struct BatchProofData<'a, A> {
    pub airs: &'a [A],
    pub lookups: &'a [Lookups<Val>],
    /// A name per table, for the labels of its checks.
    pub names: Vec<String>,
    pub ood: &'a Ood<Val, Challenge>,
    pub opening: Option<&'a Opening>,
}

/// The shape one verification was built for, and the challenges it draws.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct BatchVerifier {
    pub shapes: Vec<TableShape>,
    /// The opening argument's shape, when the circuit checks it (plain proofs).
    pub opening: Option<OpeningShape>,
    pub zeta: Wire,
    pub alpha: Wire,
}

impl BatchVerifier {
    /// Emit the verification of a proof of `data`'s shape, with table `i`'s public values on
    /// `public[i]` and the preprocessed commitment on `preprocessed`.
    pub fn build<A>(
        cb: &mut CircuitBuilder,
        data: &BatchProofData<'_, A>,
        public: &[Vec<Wire>],
        preprocessed: Option<Vec<Wire>>,
    ) -> Result<Self, String>
    where
        A: Air<InteractionSymbolicBuilder<Val, Challenge>> + BaseAir<Val>,
    {
        let (airs, ood) = (data.airs, data.ood);
        let n = airs.len();
        if ood.instances.len() != n || data.lookups.len() != n || public.len() != n {
            return Err("tables, openings, lookups and public values disagree in number".into());
        }
        if preprocessed.as_ref().map(Vec::len) != ood.transcript.preprocessed.as_ref().map(Vec::len)
        {
            return Err("the preprocessed commitment is not wired as the proof has it".into());
        }
        let shapes: Vec<TableShape> = airs
            .iter()
            .zip(&ood.instances)
            .map(|(air, inst)| TableShape::of(air, inst))
            .collect();
        let mut tables: Vec<TableWires> = shapes
            .iter()
            .map(|shape| TableWires::alloc(cb, shape))
            .collect();
        let terminals: Vec<_> = tables
            .iter()
            .flat_map(|t| t.permutation_values.iter().copied())
            .collect();
        let tw = TranscriptWires::alloc(
            cb,
            &ood.transcript,
            public.to_vec(),
            preprocessed,
            terminals.len(),
        );
        // The terminals the transcript absorbs are the tables' own.
        for (&a, &b) in tw.terminals.iter().zip(&terminals) {
            cb.assert_eq(a, b, "the transcript absorbs the tables' terminals");
        }
        let challenges = batch_transcript(cb, &ood.transcript, &tw)?;
        let mut sponge = challenges.challenger.clone();
        for (i, ((air, shape), lookups)) in airs.iter().zip(&shapes).zip(data.lookups).enumerate() {
            let name = data.names.get(i).map_or("?", String::as_str);
            let label = format!("table {i} ({name})");
            tables[i].challenges = challenges.lookup.get(i).cloned().unwrap_or_default();
            check_table(
                cb,
                air,
                lookups,
                shape,
                &tables[i],
                &public[i],
                challenges.zeta,
                challenges.alpha,
                &label,
            )?;
        }
        let opening = match data.opening {
            Some(native) => {
                let shape = OpeningShape::of(native);
                let claims = claims(
                    cb,
                    &shapes,
                    &tables,
                    &tw,
                    challenges.zeta,
                    native.params.log_blowup,
                )?;
                same_layout(&claims, &native.claims)?;
                let w = OpeningWires::alloc(cb, &shape, &claims);
                verify_opening(cb, &mut sponge, &shape, &claims, &w)?;
                Some(shape)
            }
            None => None,
        };
        Ok(Self {
            shapes,
            opening,
            zeta: challenges.zeta,
            alpha: challenges.alpha,
        })
    }

    /// The values of the inputs [`BatchVerifier::build`] allocated, in allocation order.
    pub fn values(&self, ood: &Ood<Val, Challenge>, opening: Option<&Opening>) -> Vec<Challenge> {
        let mut v = Vec::new();
        for (shape, inst) in self.shapes.iter().zip(&ood.instances) {
            v.extend(TableWires::values(shape, inst));
        }
        let terminals: Vec<Challenge> = ood
            .instances
            .iter()
            .flat_map(|i| i.permutation_values.iter().copied())
            .collect();
        v.extend(TranscriptWires::values(&ood.transcript, &terminals));
        if let (Some(_), Some(opening)) = (&self.opening, opening) {
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
