//! What anyone holding a proof can recompute from it: the transcript's LogUp challenges, and
//! from them the LogUp terminal a candidate trace would have.
//!
//! This is the attack `docs/zk.md` defends against. A verifier who guesses the private input
//! can rebuild every table's trace, and if the published terminals were plain sums over the
//! real rows, the guess that reproduces them is the secret. The zero-knowledge tests run it
//! against real receipts: it must single out the input of a proof without zero knowledge
//! (so the test is not vacuous) and must not for a zero-knowledge one.

use p3_air::symbolic::SymbolicExpressionExt;
use p3_air::{Air, BaseAir};
use p3_batch_stark::StarkGenericConfig;
use p3_batch_stark::{BatchProof, BatchShape, BatchVerifierTranscript, CommonData};
use p3_challenger::GrindingChallenger;
use p3_commit::{Pcs, UnivariateStarkPcs};
use p3_field::{Algebra, BasedVectorSpace, PrimeField64};
use p3_lookup::{InteractionSymbolicBuilder, LogUpGadget, LookupProtocol};
use p3_matrix::dense::RowMajorMatrix;
use p3_uni_stark::Val as ValOf;

/// Each table's published terminal (`None` for a table without lookups) next to the terminal
/// `traces` give under the challenges `proof`'s transcript yields, in table order.
pub type TerminalPairs<EF> = Vec<(Option<EF>, Option<EF>)>;

/// Replay `proof`'s transcript up to the LogUp challenges, as the verifier does, and compute
/// the terminal of every table of `traces` under them.
pub fn terminals<SC, A>(
    config: &SC,
    airs: &[A],
    common: &CommonData<SC>,
    proof: &BatchProof<SC>,
    public_values: &[Vec<ValOf<SC>>],
    traces: &[RowMajorMatrix<ValOf<SC>>],
) -> Result<TerminalPairs<SC::Challenge>, String>
where
    SC: StarkGenericConfig,
    ValOf<SC>: PrimeField64,
    SymbolicExpressionExt<ValOf<SC>, SC::Challenge>: Algebra<SC::Challenge>,
    A: Air<InteractionSymbolicBuilder<ValOf<SC>, SC::Challenge>>,
    SC::Challenge: BasedVectorSpace<ValOf<SC>>,
    SC::Challenger: GrindingChallenger<Witness = ValOf<SC>>,
{
    let n = airs.len();
    if traces.len() != n || public_values.len() != n || proof.lookup_terminals.len() != n {
        return Err("tables, traces and proof disagree in number".into());
    }
    let gadget = LogUpGadget::new();
    let challenges = replay_lookups(config, airs, common, proof, public_values, |_, c| Ok(c))?;
    Ok((0..n)
        .map(|i| {
            let published = proof.lookup_terminals[i].as_ref().map(|t| t.0);
            let recomputed = if common.lookups[i].is_empty() {
                None
            } else {
                let (_, t) = gadget.generate_permutation::<ValOf<SC>, SC::Challenge>(
                    &traces[i],
                    &airs[i].preprocessed_trace(),
                    &public_values[i],
                    &common.lookups[i],
                    &challenges[i],
                );
                t.map(|t| t.0)
            };
            (published, recomputed)
        })
        .collect())
}

/// The transcript's description of a batch (as `verify_batch` builds it) and each table's
/// preprocessed width.
pub fn batch_shape<SC, A>(
    config: &SC,
    airs: &[A],
    common: &CommonData<SC>,
) -> (BatchShape, Vec<usize>)
where
    SC: StarkGenericConfig,
    A: BaseAir<ValOf<SC>>,
{
    let preprocessed_widths: Vec<usize> = (0..airs.len())
        .map(|i| {
            common
                .preprocessed
                .as_ref()
                .and_then(|g| g.instances.get(i)?.as_ref().map(|m| m.width))
                .unwrap_or(0)
        })
        .collect();
    let shape = BatchShape {
        trace_widths: airs.iter().map(BaseAir::width).collect(),
        public_value_counts: airs.iter().map(BaseAir::num_public_values).collect(),
        preprocessed_widths: preprocessed_widths.clone(),
        has_preprocessed_commitment: common.preprocessed.is_some(),
        num_lookup_instances: common.lookups.iter().filter(|l| !l.is_empty()).count(),
        lookup_pow_bits: config.lookup_proof_of_work_bits(),
        has_randomization_commitment: <SC::Pcs as UnivariateStarkPcs<
            SC::Challenge,
            SC::Challenger,
        >>::ZK,
        ood_pow_bits: config.ood_proof_of_work_bits(),
    };
    (shape, preprocessed_widths)
}

/// The verifier's transcript of a batch proof under `SC`.
pub(crate) type Transcript<'a, SC> = BatchVerifierTranscript<
    'a,
    <SC as StarkGenericConfig>::Challenger,
    ValOf<SC>,
    <SC as StarkGenericConfig>::Challenge,
    <<SC as StarkGenericConfig>::Pcs as Pcs<
        <SC as StarkGenericConfig>::Challenge,
        <SC as StarkGenericConfig>::Challenger,
    >>::Commitment,
>;

/// Replay `proof`'s transcript up to the LogUp challenges, then hand the transcript and the
/// challenges (per table) to `rest`. The transcript is released afterwards whatever `rest`
/// did, so an error never turns into the driver's panic on an unfinished replay.
pub(crate) fn replay_lookups<SC, A, R>(
    config: &SC,
    airs: &[A],
    common: &CommonData<SC>,
    proof: &BatchProof<SC>,
    public_values: &[Vec<ValOf<SC>>],
    rest: impl FnOnce(&mut Transcript<'_, SC>, Vec<Vec<SC::Challenge>>) -> Result<R, String>,
) -> Result<R, String>
where
    SC: StarkGenericConfig,
    ValOf<SC>: PrimeField64,
    SymbolicExpressionExt<ValOf<SC>, SC::Challenge>: Algebra<SC::Challenge>,
    A: Air<InteractionSymbolicBuilder<ValOf<SC>, SC::Challenge>>,
    SC::Challenge: BasedVectorSpace<ValOf<SC>>,
    SC::Challenger: GrindingChallenger<Witness = ValOf<SC>>,
{
    let (shape, _) = batch_shape(config, airs, common);
    let gadget = LogUpGadget::new();
    let mut challenger = config.initialise_challenger();
    let mut transcript = Transcript::<SC>::new(&mut challenger, shape);
    transcript.instance_bindings(&proof.degree_bits);
    transcript.main_phase(proof.commitments.main.clone(), public_values);
    transcript.preprocessed_phase(common.preprocessed.as_ref().map(|g| g.commitment.clone()));
    let result = match transcript.lookup_phase(&common.lookups, &gadget, proof.lookup_pow_witness) {
        Ok(challenges) => rest(&mut transcript, challenges),
        Err(e) => Err(format!("{e:?}")),
    };
    transcript.abort();
    result
}
