//! Preprocessed data: committing to it (key generation) and describing it to the verifier.

use p3_air::symbolic::{AirLayout, SymbolicExpressionExt};
use p3_air::{Air, BaseAir};
use p3_batch_stark::common::{GlobalPreprocessed, PreprocessedInstanceMeta};
use p3_batch_stark::{CommonData, ProverData, ProvingError, StarkGenericConfig};
use p3_commit::{Pcs, PolynomialSpace};
use p3_field::Algebra;
use p3_lookup::logup::LogUpGadget;
use p3_lookup::{InteractionSymbolicBuilder, Lookups};
use p3_uni_stark::{PcsProverError, Val as ValOf};

/// The commitment type of a configuration.
pub type CommitmentOf<SC> = <<SC as StarkGenericConfig>::Pcs as Pcs<
    <SC as StarkGenericConfig>::Challenge,
    <SC as StarkGenericConfig>::Challenger,
>>::Commitment;

/// Commit to the AIRs' preprocessed traces. `log_heights[i]` is table `i`'s log height before
/// zero-knowledge padding; it must be exact for tables with preprocessed columns and is
/// ignored otherwise.
pub fn preprocess<SC, A>(
    config: &SC,
    airs: &[A],
    log_heights: &[usize],
) -> Result<ProverData<SC>, ProvingError<PcsProverError<SC>>>
where
    SC: StarkGenericConfig,
    SymbolicExpressionExt<ValOf<SC>, SC::Challenge>: Algebra<SC::Challenge>,
    A: Air<InteractionSymbolicBuilder<ValOf<SC>, SC::Challenge>>,
{
    let ext: Vec<usize> = log_heights.iter().map(|h| h + config.is_zk()).collect();
    ProverData::from_airs_and_degrees(config, airs, &ext)
}

/// The data a verifier needs about the AIRs: the preprocessed commitment with each table's
/// shape, and the lookups, derived exactly as [`preprocess`] derives them.
pub fn verifier_common<SC, A>(
    config: &SC,
    airs: &[A],
    log_heights: &[usize],
    commitment: CommitmentOf<SC>,
) -> CommonData<SC>
where
    SC: StarkGenericConfig,
    SymbolicExpressionExt<ValOf<SC>, SC::Challenge>: Algebra<SC::Challenge>,
    A: Air<InteractionSymbolicBuilder<ValOf<SC>, SC::Challenge>>,
{
    let is_zk = config.is_zk();
    let mut instances = Vec::with_capacity(airs.len());
    let mut matrix_to_instance = Vec::new();
    for (i, air) in airs.iter().enumerate() {
        let width = BaseAir::<ValOf<SC>>::preprocessed_width(air);
        if width == 0 {
            instances.push(None);
            continue;
        }
        instances.push(Some(PreprocessedInstanceMeta {
            matrix_index: matrix_to_instance.len(),
            width,
            degree_bits: log_heights[i] + is_zk,
        }));
        matrix_to_instance.push(i);
    }
    let preprocessed = (!matrix_to_instance.is_empty()).then_some(GlobalPreprocessed {
        commitment,
        instances,
        matrix_to_instance,
    });
    CommonData::new(preprocessed, lookups(config, airs, log_heights))
}

/// The AIRs' lookups, packed as `ProverData::from_airs_and_degrees` packs them (no budget
/// overrides).
pub fn lookups<SC, A>(config: &SC, airs: &[A], log_heights: &[usize]) -> Vec<Lookups<ValOf<SC>>>
where
    SC: StarkGenericConfig,
    SymbolicExpressionExt<ValOf<SC>, SC::Challenge>: Algebra<SC::Challenge>,
    A: Air<InteractionSymbolicBuilder<ValOf<SC>, SC::Challenge>>,
{
    let pcs = config.pcs();
    let is_zk = config.is_zk();
    let gadget = LogUpGadget::new();
    airs.iter()
        .zip(log_heights)
        .map(|(air, &log_h)| {
            let domain = pcs.natural_domain_for_degree(1 << log_h);
            let unpacked = Lookups::<ValOf<SC>>::from_air::<SC::Challenge, A>(air);
            let log_chunks = p3_batch_stark::symbolic::get_log_num_quotient_chunks_for_domain::<
                _,
                SC::Challenge,
                A,
                _,
            >(
                air,
                AirLayout::from_air(air),
                domain,
                &unpacked,
                is_zk,
                &gadget,
            );
            let budget = (1usize << log_chunks) + 1 - is_zk;
            unpacked.pack_same_bus_with_degree(budget, |lookup| {
                gadget
                    .constraint_degree_with_transition(lookup, domain.transition_degree_multiple())
            })
        })
        .collect()
}
