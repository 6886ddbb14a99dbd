//! The opening argument in the circuit: the PCS and FRI transcript after `ζ`, every query's
//! Merkle openings of the input commitments, its reduced openings, its fold chain through the
//! commit phase (each round's row authenticated against that round's commitment) and the
//! final polynomial. With the out-of-domain check ([`crate::constraints`]) on the same claimed
//! values, this is the whole of `verify_batch` for a plain proof.
//!
//! What Plonky3's verifier does, and where it is here:
//! - `PcsVerifierTranscript`: the PCS domain separator's seed, every claimed value (commitment,
//!   matrix, point order), the batch grind, the batching challenge `α` — [`verify_opening`];
//! - `verify_fri`'s transcript: FRI's seed, per round the commitment, the grind and `β`, the
//!   final polynomial, the query grind and the indices (`log_max_height` bits each, drawn as
//!   canonical bits of one sample); a zero-difficulty witness must be zero, as
//!   `check_canonical_pow_witnesses` pins it;
//! - `open_inputs`: each input commitment's rows at the index shifted to its tallest height,
//!   through [`crate::merkle::verify_batch`]; the reduced openings per height
//!   ([`crate::fri::reduce_matrix`]);
//! - `fold_query` and the commit-phase check: per round, the group of `arity` evaluations (a
//!   hint) must hold the running value at the index's low bits, is folded with `β`
//!   ([`crate::fri::fold_row`]) and is opened under the round's commitment (the extension
//!   values flattened to their coefficients, as `ExtensionMmcs` commits them); the reduced
//!   opening of the height reached is added with `β^arity`;
//! - the last value must be the final polynomial at the query's point.
//!
//! The shape (heights, widths, schedule, difficulties, seeds) is a constant of the circuit;
//! a proof of another shape is rejected when the circuit is built, never half-checked.

use std::collections::BTreeMap;

use vouch_stark::field::TwoAdicField;
use vouch_stark::opening::{Opening, OpeningParams};
use vouch_stark::{Challenge, Val};

use crate::challenger::CircuitChallenger;
use crate::circuit::{CircuitBuilder, Wire};
use crate::fri::{
    claim_sum, fold_row, powers, query_point, reduce_matrix, subgroup_start, MatrixOpening,
};
use crate::merkle::{self, Digest};

/// One matrix's claims on wires: its committed height and each point with its values.
#[derive(Clone, Debug)]
pub struct MatrixClaimWires {
    pub log_height: usize,
    pub points: Vec<(Wire, Vec<Wire>)>,
}

/// One commitment's claims on wires.
#[derive(Clone, Debug)]
pub struct BatchClaimWires {
    pub commitment: Digest,
    pub matrices: Vec<MatrixClaimWires>,
}

/// What one query opens, on wires (laid out as [`vouch_stark::opening::QueryOpening`]).
#[derive(Clone, Debug)]
pub struct QueryWires {
    pub rows: Vec<Vec<Vec<Wire>>>,
    pub paths: Vec<Vec<Digest>>,
    pub round_rows: Vec<Vec<Wire>>,
    pub round_paths: Vec<Vec<Digest>>,
}

/// The opening proof's inputs (everything but the claims, which the caller wires).
#[derive(Clone, Debug)]
pub struct OpeningWires {
    pub batch_pow_witness: Wire,
    pub commit_phase_commits: Vec<Digest>,
    pub commit_pow_witnesses: Vec<Wire>,
    pub final_poly: Vec<Wire>,
    pub query_pow_witness: Wire,
    pub queries: Vec<QueryWires>,
}

/// The constants an opening circuit is specialised to: the parameters, the schedule and the
/// domain separators' seeds.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct OpeningShape {
    pub params: OpeningParams,
    pub pcs_seed: Vec<Val>,
    pub fri_seed: Vec<Val>,
}

impl OpeningShape {
    pub fn of(opening: &Opening) -> Self {
        Self {
            params: opening.params.clone(),
            pcs_seed: opening.pcs_seed.clone(),
            fri_seed: opening.fri_seed.clone(),
        }
    }
}

fn digest_inputs(cb: &mut CircuitBuilder) -> Digest {
    core::array::from_fn(|_| cb.input())
}

/// The Merkle depth of a commitment whose tallest matrix has `log_height`.
fn batch_log_max(batch: &BatchClaimWires) -> usize {
    batch
        .matrices
        .iter()
        .map(|m| m.log_height)
        .max()
        .unwrap_or(0)
}

impl OpeningWires {
    /// Inputs for an opening proof of `shape` over `claims`.
    pub fn alloc(
        cb: &mut CircuitBuilder,
        shape: &OpeningShape,
        claims: &[BatchClaimWires],
    ) -> Self {
        let p = &shape.params;
        let batch_pow_witness = cb.input();
        let commit_phase_commits = p.log_arities.iter().map(|_| digest_inputs(cb)).collect();
        let commit_pow_witnesses = cb.inputs(p.log_arities.len());
        let final_poly = cb.inputs(1 << p.log_final_poly_len);
        let query_pow_witness = cb.input();
        let queries = (0..p.num_queries)
            .map(|_| {
                let rows = claims
                    .iter()
                    .map(|b| {
                        b.matrices
                            .iter()
                            .map(|m| cb.inputs(m.points.first().map_or(0, |pt| pt.1.len())))
                            .collect()
                    })
                    .collect();
                let paths = claims
                    .iter()
                    .map(|b| (0..batch_log_max(b)).map(|_| digest_inputs(cb)).collect())
                    .collect();
                let mut log_height = p.log_max_height;
                let mut round_rows = Vec::new();
                let mut round_paths = Vec::new();
                for &k in &p.log_arities {
                    log_height -= k;
                    round_rows.push(cb.inputs(1 << k));
                    round_paths.push((0..log_height).map(|_| digest_inputs(cb)).collect());
                }
                QueryWires {
                    rows,
                    paths,
                    round_rows,
                    round_paths,
                }
            })
            .collect();
        Self {
            batch_pow_witness,
            commit_phase_commits,
            commit_pow_witnesses,
            final_poly,
            query_pow_witness,
            queries,
        }
    }

    /// The input values for [`OpeningWires::alloc`]'s wires, in allocation order.
    pub fn values(opening: &Opening) -> Vec<Challenge> {
        let b = |x: &Val| Challenge::from(*x);
        let mut v: Vec<Challenge> = vec![b(&opening.batch_pow_witness)];
        for c in &opening.commit_phase_commits {
            v.extend(c.iter().map(b));
        }
        v.extend(opening.commit_pow_witnesses.iter().map(b));
        v.extend(&opening.final_poly);
        v.push(b(&opening.query_pow_witness));
        for q in &opening.queries {
            for batch in &q.rows {
                for row in batch {
                    v.extend(row.iter().map(b));
                }
            }
            for path in &q.paths {
                for d in path {
                    v.extend(d.iter().map(b));
                }
            }
            for (row, path) in q.round_rows.iter().zip(&q.round_paths) {
                v.extend(row);
                for d in path {
                    v.extend(d.iter().map(b));
                }
            }
        }
        v
    }
}

/// The grind of one phase: a zero difficulty pins the witness to zero.
fn grind(cb: &mut CircuitBuilder, ch: &mut CircuitChallenger, bits: usize, w: Wire, what: &str) {
    if bits == 0 {
        cb.assert_zero(
            w,
            &format!("{what}: a zero-difficulty grind witness is zero"),
        );
    } else {
        ch.check_witness(cb, bits, w);
    }
}

/// `Π_t (bit_t or 1 − bit_t)`: 1 exactly when the (boolean) `bits` spell `j`.
fn equals(cb: &mut CircuitBuilder, bits: &[Wire], j: usize) -> Wire {
    let one = cb.one();
    let mut acc = one;
    for (t, &b) in bits.iter().enumerate() {
        let f = if (j >> t) & 1 == 1 { b } else { cb.sub(one, b) };
        acc = cb.mul(acc, f);
    }
    acc
}

/// Check the opening argument of `shape` over `claims` with the proof `w`, continuing the
/// sponge `ch` from after `ζ`. Errors (at build time) when the claims do not have the shape.
pub fn verify_opening(
    cb: &mut CircuitBuilder,
    ch: &mut CircuitChallenger,
    shape: &OpeningShape,
    claims: &[BatchClaimWires],
    w: &OpeningWires,
) -> Result<(), String> {
    let p = &shape.params;
    // Shape: the heights the schedule was derived from, the final height.
    let mut heights: Vec<usize> = claims
        .iter()
        .flat_map(|b| b.matrices.iter().map(|m| m.log_height))
        .collect();
    heights.sort_unstable_by(|a, b| b.cmp(a));
    heights.dedup();
    if heights.first() != Some(&p.log_max_height) {
        return Err("the claims' tallest codeword is not the shape's".into());
    }
    let log_final_height = p.log_blowup + p.log_final_poly_len;
    let folded: usize = p.log_arities.iter().sum();
    if p.log_max_height != log_final_height + folded {
        return Err("the folding schedule does not reach the final height".into());
    }
    if w.queries.len() != p.num_queries || w.commit_phase_commits.len() != p.log_arities.len() {
        return Err("the opening proof's wires do not have the shape".into());
    }
    let mut reached = vec![p.log_max_height];
    let mut h = p.log_max_height;
    for &k in &p.log_arities {
        h -= k;
        reached.push(h);
    }
    if heights.iter().any(|h| !reached.contains(h)) {
        return Err("a committed height is never reached by the fold".into());
    }

    // The PCS transcript.
    for &s in &shape.pcs_seed {
        let c = cb.base_constant(s);
        ch.observe(cb, c);
    }
    for batch in claims {
        for m in &batch.matrices {
            for (_, values) in &m.points {
                for &v in values {
                    ch.observe_ext(cb, v);
                }
            }
        }
    }
    grind(cb, ch, p.batch_pow_bits, w.batch_pow_witness, "batch grind");
    let alpha = ch.sample_ext(cb);

    // FRI's transcript.
    for &s in &shape.fri_seed {
        let c = cb.base_constant(s);
        ch.observe(cb, c);
    }
    let mut betas = Vec::with_capacity(p.log_arities.len());
    for (commit, &witness) in w.commit_phase_commits.iter().zip(&w.commit_pow_witnesses) {
        ch.observe_all(cb, commit);
        grind(cb, ch, p.commit_pow_bits, witness, "commit-phase grind");
        betas.push(ch.sample_ext(cb));
    }
    for &c in &w.final_poly {
        ch.observe_ext(cb, c);
    }
    grind(cb, ch, p.query_pow_bits, w.query_pow_witness, "query grind");
    let indices: Vec<Vec<Wire>> = (0..p.num_queries)
        .map(|_| ch.sample_bits(cb, p.log_max_height))
        .collect();

    // α's powers: the longest ladder over one height.
    let mut ladder: BTreeMap<usize, usize> = BTreeMap::new();
    for batch in claims {
        for m in &batch.matrices {
            *ladder.entry(m.log_height).or_default() +=
                m.points.iter().map(|(_, v)| v.len()).sum::<usize>();
        }
    }
    let alpha_powers = powers(cb, alpha, ladder.values().copied().max().unwrap_or(0));
    // Σ_k α^k p_k(z) per point: the same for every query.
    let claim_sums: Vec<Vec<Vec<(Wire, Wire)>>> = claims
        .iter()
        .map(|batch| {
            batch
                .matrices
                .iter()
                .map(|m| {
                    m.points
                        .iter()
                        .map(|(z, values)| (*z, claim_sum(cb, &alpha_powers, values)))
                        .collect()
                })
                .collect()
        })
        .collect();
    let g_final = Val::two_adic_generator(log_final_height);

    for (q, (bits, qw)) in indices.iter().zip(&w.queries).enumerate() {
        let label = format!("query {q}");
        // The input openings and the reduced openings per height.
        let mut reduced: BTreeMap<usize, Wire> = BTreeMap::new();
        let mut offsets: BTreeMap<usize, usize> = BTreeMap::new();
        let mut points: BTreeMap<usize, Wire> = BTreeMap::new();
        for (b, batch) in claims.iter().enumerate() {
            let log_max = batch_log_max(batch);
            let heights: Vec<usize> = batch.matrices.iter().map(|m| 1 << m.log_height).collect();
            merkle::verify_batch(
                cb,
                &batch.commitment,
                &heights,
                &qw.rows[b],
                &bits[p.log_max_height - log_max..],
                &qw.paths[b],
                &format!("{label}, input commitment {b}"),
            )?;
            for ((m, row), sums) in batch.matrices.iter().zip(&qw.rows[b]).zip(&claim_sums[b]) {
                if row.len() != m.points.first().map_or(0, |pt| pt.1.len()) {
                    return Err(format!("{label}: a row of another width than its claims"));
                }
                let lh = m.log_height;
                let x = *points
                    .entry(lh)
                    .or_insert_with(|| query_point(cb, &bits[p.log_max_height - lh..]));
                let zero = cb.zero();
                let acc = reduced.entry(lh).or_insert(zero);
                let off = offsets.entry(lh).or_default();
                let opening = MatrixOpening { row, points: sums };
                *off = reduce_matrix(cb, acc, x, &alpha_powers, *off, &opening, &label)?;
            }
        }

        // The fold chain.
        let mut value = reduced[&p.log_max_height];
        let mut index: &[Wire] = bits;
        let mut log_height = p.log_max_height;
        for (r, &k) in p.log_arities.iter().enumerate() {
            let row = &qw.round_rows[r];
            let (low, high) = index.split_at(k);
            let mut at_index = cb.zero();
            for (j, &y) in row.iter().enumerate() {
                let sel = equals(cb, low, j);
                let t = cb.mul(sel, y);
                at_index = cb.add(at_index, t);
            }
            cb.assert_eq(
                at_index,
                value,
                &format!("{label}, round {r}: the group holds the folded value"),
            );
            index = high;
            log_height -= k;
            let round_label = format!("{label}, round {r}");
            value = fold_row(cb, index, k, betas[r], row, &round_label);
            let flat: Vec<Wire> = row
                .iter()
                .flat_map(|&y| cb.coefficients(y, &format!("{round_label}: coefficients")))
                .collect();
            merkle::verify_batch(
                cb,
                &w.commit_phase_commits[r],
                &[1 << log_height],
                &[flat],
                index,
                &qw.round_paths[r],
                &round_label,
            )?;
            if let Some(&ro) = reduced.get(&log_height) {
                let beta_pow = cb.exp_power_of_2(betas[r], k);
                let t = cb.mul(beta_pow, ro);
                value = cb.add(value, t);
            }
        }

        // The final polynomial at x = g_final^{rev(index)}.
        let x = subgroup_start(cb, index, g_final);
        let mut eval = cb.zero();
        for &c in w.final_poly.iter().rev() {
            let t = cb.mul(eval, x);
            eval = cb.add(t, c);
        }
        cb.assert_eq(
            eval,
            value,
            &format!("{label}: the fold ends on the final polynomial"),
        );
    }
    Ok(())
}
