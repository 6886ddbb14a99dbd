//! The opening argument of a plain (non-hiding) batch proof, laid out for a verifier that runs
//! inside a proof.
//!
//! After `ζ`, `verify_batch` hands the sponge to the PCS: it absorbs every claimed evaluation
//! (commitment, matrix, point order), checks the batch grind and draws the batching challenge;
//! FRI then absorbs each commit-phase commitment (grind, folding challenge `β`), the final
//! polynomial, checks the query grind and draws the query indices. Each query opens every
//! input commitment at its index (one row per matrix), folds through the commit phase and
//! lands on the final polynomial. Plonky3 ships the Merkle openings of all queries as one
//! *pruned* multiproof per commitment; a circuit checks one path per query, so [`opening`]
//! restores every query's full path (`restore_and_recompute_paths`) and every round's full row
//! (`fold_query`'s collectors), after verifying the whole opening natively.
//!
//! Only the plain configuration: inner proofs of the recursion are not zero-knowledge (the
//! hiding PCS's salts and random codewords would only add columns to open).

use p3_air::Air;
use p3_batch_stark::{BatchProof, CommonData, StarkGenericConfig};
use p3_commit::UnivariateStarkPcs;
use p3_field::BasedVectorSpace;
use p3_fri::verifier::{fold_query, open_inputs};
use p3_fri::{
    fold_schedule, FriShape, PcsShape, PcsVerifierTranscript, TwoAdicFriFoldingForMmcs,
    VerifierTranscript,
};
use p3_lookup::InteractionSymbolicBuilder;
use p3_matrix::Dimensions;
use p3_util::log2_strict_usize;

use crate::ood::{self, Recorder};
use crate::{plain_config, plain_fri_params, Challenge, Challenger, Params, PlainConfig, Val};

/// A Merkle digest.
pub type Digest = [Val; 8];

/// The numbers that fix an opening argument's shape (from the parameters and the heights).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct OpeningParams {
    pub log_blowup: usize,
    pub num_queries: usize,
    pub log_final_poly_len: usize,
    pub batch_pow_bits: usize,
    pub commit_pow_bits: usize,
    pub query_pow_bits: usize,
    /// The FRI folding schedule: one log-arity per commit round.
    pub log_arities: Vec<usize>,
    /// log2 of the tallest committed codeword (the query indices' width).
    pub log_max_height: usize,
}

/// One committed matrix's claims: its codeword height and each opening point with the claimed
/// values of every column there.
#[derive(Clone, Debug)]
pub struct MatrixClaim {
    /// log2 of the committed (low-degree extended) height.
    pub log_height: usize,
    pub points: Vec<(Challenge, Vec<Challenge>)>,
}

/// One commitment's claims, its matrices in commitment order.
#[derive(Clone, Debug)]
pub struct BatchClaim {
    pub commitment: Digest,
    pub matrices: Vec<MatrixClaim>,
}

/// What one query opens: a row of every input matrix and a row of every commit-phase codeword,
/// each with its full authentication path (sibling digests, leaf level first).
#[derive(Clone, Debug)]
pub struct QueryOpening {
    /// The query index (over the tallest codeword).
    pub index: usize,
    /// Per input commitment, the opened row of each matrix.
    pub rows: Vec<Vec<Vec<Val>>>,
    pub paths: Vec<Vec<Digest>>,
    /// Per commit round, the whole group of `arity` evaluations the query's fold reads.
    pub round_rows: Vec<Vec<Challenge>>,
    pub round_paths: Vec<Vec<Digest>>,
}

/// A plain proof's opening argument, every value a circuit reads.
#[derive(Clone, Debug)]
pub struct Opening {
    /// What the PCS's and FRI's domain separators put into the sponge.
    pub pcs_seed: Vec<Val>,
    pub fri_seed: Vec<Val>,
    pub params: OpeningParams,
    pub claims: Vec<BatchClaim>,
    pub batch_pow_witness: Val,
    pub commit_phase_commits: Vec<Digest>,
    pub commit_pow_witnesses: Vec<Val>,
    pub final_poly: Vec<Challenge>,
    pub query_pow_witness: Val,
    pub queries: Vec<QueryOpening>,
    /// The batching challenge and the folding challenges, as the native verifier draws them.
    pub alpha: Challenge,
    pub betas: Vec<Challenge>,
}

/// A commitment as one digest (cap height 0), as the sponge observes it.
fn digest_of(c: &crate::ValCommitment) -> Result<Digest, String> {
    ood::recorded::<Val, _>(c.clone())
        .try_into()
        .map_err(|_| "a commitment is not one digest (cap height 0)".into())
}

/// Verify `proof`'s opening argument natively (as `verify_batch` does, under `p`'s plain
/// configuration) and lay it out per query. Errors when the proof does not verify.
pub fn opening<A>(
    p: &Params,
    airs: &[A],
    common: &CommonData<PlainConfig>,
    proof: &BatchProof<PlainConfig>,
    public_values: &[Vec<Val>],
) -> Result<Opening, String>
where
    A: Air<InteractionSymbolicBuilder<Val, Challenge>>,
{
    let config = plain_config(p);
    let fri = plain_fri_params(p);
    let mmcs = crate::plain_mmcs(p.cap_height);
    let domains = ood::domains(&config, airs, common, proof)?;
    let (_, _, zeta, challenger) = ood::to_zeta(&config, airs, common, proof, public_values)?;
    let (claims, _, preprocessed_index) =
        ood::claims(&domains, &config, airs, common, proof, zeta)?;
    let fp = &proof.opening_proof;

    // The whole opening, natively: every replay below then sees a proof of the right shape.
    let pcs = config.pcs();
    pcs.verify_with_preprocessing(
        claims.clone(),
        fp,
        &mut challenger.clone(),
        preprocessed_index,
    )
    .map_err(|e| format!("the opening argument does not verify: {e:?}"))?;

    let mut log_heights: Vec<usize> = claims
        .iter()
        .flat_map(|c| c.matrices.iter())
        .map(|m| log2_strict_usize(m.domain.size()) + p.log_blowup)
        .collect();
    log_heights.sort_unstable_by(|a, b| b.cmp(a));
    log_heights.dedup();
    let log_max_height = log_heights[0];
    let log_final_height = p.log_blowup + p.log_final_poly_len;
    let log_arities = fold_schedule(&log_heights, log_final_height, p.max_log_arity);

    // The transcript after ζ, with both seeds recorded.
    let pcs_shape = PcsShape::from_claims(&fri, &claims);
    let mut pcs_seed = Recorder(Vec::new());
    pcs_shape
        .domain_separator::<Val, Challenge>()
        .seed(&mut pcs_seed);
    let fri_shape = FriShape::with_schedule(&fri, log_arities.clone(), log_max_height);
    let mut fri_seed = Recorder(Vec::new());
    fri_shape
        .domain_separator::<Val, Challenge>()
        .seed(&mut fri_seed);
    let mut ch: Challenger = challenger;
    let mut t = PcsVerifierTranscript::<Challenger, Val, Challenge>::new(&mut ch, pcs_shape);
    t.claimed_openings(&claims).map_err(|e| format!("{e}"))?;
    let alpha = t
        .batch_phase(Some(fp.batch_pow_witness))
        .map_err(|e| format!("{e}"))?;
    let fri_run = t.delegate(|c| {
        let mut ft = VerifierTranscript::<Challenger, Val, Challenge>::new(c, fri_shape);
        let betas = ft.commit_rounds(&fp.commit_phase_commits, &fp.commit_pow_witnesses)?;
        let indices = ft.query_phase(&fp.final_poly, Some(fp.query_pow_witness))?;
        ft.finish();
        Ok::<_, p3_fri::TranscriptFailure>((betas, indices))
    });
    t.finish();
    let (betas, indices) = fri_run.map_err(|e| format!("{e:?}"))?;

    // Each query's reduced openings and fold chain, with the rows every round reads.
    let reduced = open_inputs(
        &fri,
        log_max_height,
        &indices,
        &fp.input_openings,
        alpha,
        &mmcs,
        &claims,
    )
    .map_err(|e| format!("{e:?}"))?;
    let folding: TwoAdicFriFoldingForMmcs<Val, crate::ValMmcs> =
        p3_fri::TwoAdicFriFolding(core::marker::PhantomData);
    let rounds = log_arities.len();
    let mut group_indices: Vec<Vec<usize>> = vec![Vec::new(); rounds];
    let mut round_rows: Vec<Vec<Vec<Vec<Challenge>>>> = vec![Vec::new(); rounds];
    for (q, (&index, ro)) in indices.iter().zip(reduced).enumerate() {
        let mut i = index;
        let _final_value = fold_query::<_, Val, Challenge, crate::ChallengeMmcs>(
            &folding,
            q,
            &mut i,
            &betas,
            &log_arities,
            &fp.commit_phase_openings,
            ro,
            log_max_height,
            log_final_height,
            &mut group_indices,
            &mut round_rows,
        )
        .map_err(|e| format!("{e:?}"))?;
    }

    // Full authentication paths, per input commitment and per commit round.
    let mut input_paths: Vec<Vec<Vec<Digest>>> = Vec::with_capacity(claims.len());
    for (claim, batch) in claims.iter().zip(&fp.input_openings) {
        let dims: Vec<Dimensions> = claim
            .matrices
            .iter()
            .map(|m| Dimensions {
                width: m.points.first().map_or(0, |pt| pt.values.len()),
                height: m.domain.size() << p.log_blowup,
            })
            .collect();
        let batch_log_max = dims
            .iter()
            .map(|d| log2_strict_usize(d.height))
            .max()
            .ok_or("a commitment with no matrices")?;
        let reduced: Vec<usize> = indices
            .iter()
            .map(|&i| i >> (log_max_height - batch_log_max))
            .collect();
        let paths = mmcs
            .restore_and_recompute_paths(
                &dims,
                &reduced,
                &batch.opened_values,
                &batch.opening_proof,
            )
            .map_err(|e| format!("{e:?}"))?;
        input_paths.push(paths.into_iter().map(|p| p.siblings).collect());
    }
    let mut commit_paths: Vec<Vec<Vec<Digest>>> = Vec::with_capacity(rounds);
    let mut log_height = log_max_height;
    for (r, &log_arity) in log_arities.iter().enumerate() {
        log_height -= log_arity;
        let dims = [Dimensions {
            width: (1 << log_arity) * <Challenge as BasedVectorSpace<Val>>::DIMENSION,
            height: 1 << log_height,
        }];
        let rows: Vec<Vec<Vec<Val>>> = round_rows[r]
            .iter()
            .map(|q| vec![Challenge::flatten_to_base(q[0].clone())])
            .collect();
        let paths = mmcs
            .restore_and_recompute_paths(
                &dims,
                &group_indices[r],
                &rows,
                &fp.commit_phase_openings[r].opening_proof,
            )
            .map_err(|e| format!("{e:?}"))?;
        commit_paths.push(paths.into_iter().map(|p| p.siblings).collect());
    }

    let queries = indices
        .iter()
        .enumerate()
        .map(|(q, &index)| QueryOpening {
            index,
            rows: fp
                .input_openings
                .iter()
                .map(|b| b.opened_values[q].clone())
                .collect(),
            paths: input_paths.iter().map(|b| b[q].clone()).collect(),
            round_rows: round_rows.iter().map(|r| r[q][0].clone()).collect(),
            round_paths: commit_paths.iter().map(|r| r[q].clone()).collect(),
        })
        .collect();
    let claims = claims
        .iter()
        .map(|c| {
            Ok(BatchClaim {
                commitment: digest_of(&c.commitment)?,
                matrices: c
                    .matrices
                    .iter()
                    .map(|m| MatrixClaim {
                        log_height: log2_strict_usize(m.domain.size()) + p.log_blowup,
                        points: m
                            .points
                            .iter()
                            .map(|pt| (pt.point, pt.values.clone()))
                            .collect(),
                    })
                    .collect(),
            })
        })
        .collect::<Result<Vec<_>, String>>()?;
    Ok(Opening {
        pcs_seed: pcs_seed.0,
        fri_seed: fri_seed.0,
        params: OpeningParams {
            log_blowup: p.log_blowup,
            num_queries: p.num_queries,
            log_final_poly_len: p.log_final_poly_len,
            batch_pow_bits: p.batch_pow_bits,
            commit_pow_bits: p.commit_pow_bits,
            query_pow_bits: p.query_pow_bits,
            log_arities,
            log_max_height,
        },
        claims,
        batch_pow_witness: fp.batch_pow_witness,
        commit_phase_commits: fp
            .commit_phase_commits
            .iter()
            .map(digest_of)
            .collect::<Result<_, _>>()?,
        commit_pow_witnesses: fp.commit_pow_witnesses.clone(),
        final_poly: fp.final_poly.clone(),
        query_pow_witness: fp.query_pow_witness,
        queries,
        alpha,
        betas,
    })
}
