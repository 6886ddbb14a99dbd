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

use crate::{Challenge, PlainConfig, ZkConfig};

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

/// A proof that two commitments to a program's preprocessed tables — the plain one (which the
/// program id names) and the hiding one (which zero-knowledge proofs are checked against) —
/// commit to the same tables.
///
/// The hiding PCS commits a preprocessed column `t` of height `h` as the polynomial of degree
/// below `2h` that is `t` on the even points of the size-`2h` domain and 0 on the odd ones:
/// `P_zk(X) = P_plain(X) (1 + X^h) / 2`, where `P_plain` (degree below `h`) interpolates `t`
/// on the size-`h` domain. Both commitments are opened at one point `z` drawn after both are
/// fixed, and every column must satisfy that identity there. Two distinct polynomials of degree
/// below `2h` agree at a random point of the degree-4 extension with probability at most
/// `2h / |EF|`, so (with the soundness of both PCS openings) the ZK commitment holds the plain
/// commitment's tables: a key cannot pair one program's ZK commitment with another's plain
/// one.
#[derive(Clone, serde::Serialize, serde::Deserialize)]
pub struct KeyBinding {
    plain_values: Vec<Vec<Challenge>>,
    plain_proof: PcsProofOf<PlainConfig>,
    zk_values: Vec<Vec<Challenge>>,
    zk_proof: PcsProofOf<ZkConfig>,
}

/// The PCS opening proof type of a configuration.
pub type PcsProofOf<SC> = <<SC as StarkGenericConfig>::Pcs as Pcs<
    <SC as StarkGenericConfig>::Challenge,
    <SC as StarkGenericConfig>::Challenger,
>>::Proof;

/// Why a [`KeyBinding`] does not hold.
#[derive(Debug, thiserror::Error)]
pub enum KeyBindingError {
    #[error("a key has no preprocessed tables")]
    NoPreprocessedTables,
    #[error("the binding opens {got} tables, the machine has {expected}")]
    Shape { expected: usize, got: usize },
    #[error("the plain commitment's opening does not verify: {0}")]
    PlainOpening(String),
    #[error("the zero-knowledge commitment's opening does not verify: {0}")]
    ZkOpening(String),
    #[error("the two commitments hold different tables")]
    Mismatch,
    #[error("proof system error: {0}")]
    Prover(String),
}

/// Width and log2 height of each preprocessed table, in commitment order.
pub type PreprocessedShape = Vec<(usize, usize)>;

/// The shapes of a configuration's preprocessed tables (log heights before ZK padding).
pub fn preprocessed_shape<SC: StarkGenericConfig>(common: &CommonData<SC>) -> PreprocessedShape {
    let Some(pre) = &common.preprocessed else {
        return Vec::new();
    };
    let is_zk = common_is_zk::<SC>();
    pre.matrix_to_instance
        .iter()
        .filter_map(|&i| pre.instances.get(i).and_then(Option::as_ref))
        .map(|m| (m.width, m.degree_bits - is_zk))
        .collect()
}

fn common_is_zk<SC: StarkGenericConfig>() -> usize {
    usize::from(<SC::Pcs as p3_commit::UnivariateStarkPcs<SC::Challenge, SC::Challenger>>::ZK)
}

/// The point both openings are taken at: drawn after both commitments and the shape.
fn binding_challenger(
    plain: &CommitmentOf<PlainConfig>,
    zk: &CommitmentOf<ZkConfig>,
    shape: &[(usize, usize)],
) -> (crate::Challenger, Challenge) {
    use p3_challenger::{CanObserve, FieldChallenger};
    use p3_field::PrimeCharacteristicRing;
    let mut ch = crate::Challenger::new(crate::poseidon2::permutation());
    for b in b"vouch.key-binding.v1" {
        ch.observe(crate::Val::from_u8(*b));
    }
    ch.observe(crate::Val::from_usize(shape.len()));
    for &(w, h) in shape {
        ch.observe(crate::Val::from_usize(w));
        ch.observe(crate::Val::from_usize(h));
    }
    ch.observe(plain.clone());
    ch.observe(zk.clone());
    let z: Challenge = ch.sample_algebra_element();
    (ch, z)
}

/// `(1 + z^h) / 2`: the factor between a column's plain and hiding polynomials at `z`.
fn zk_factor(z: Challenge, log_height: usize) -> Challenge {
    use p3_field::{Field, PrimeCharacteristicRing};
    (Challenge::ONE + z.exp_power_of_2(log_height)) * Challenge::TWO.inverse()
}

/// Prove that the plain and zero-knowledge prover data commit to the same preprocessed tables.
pub fn prove_key_binding(
    plain: &ProverData<PlainConfig>,
    zk: &ProverData<ZkConfig>,
) -> Result<KeyBinding, KeyBindingError> {
    let (Some(p), Some(z)) = (&plain.common.preprocessed, &zk.common.preprocessed) else {
        return Err(KeyBindingError::NoPreprocessedTables);
    };
    let (Some(p_data), Some(z_data)) = (
        &plain.prover_only.preprocessed_prover_data,
        &zk.prover_only.preprocessed_prover_data,
    ) else {
        return Err(KeyBindingError::NoPreprocessedTables);
    };
    let shape = preprocessed_shape(&plain.common);
    if preprocessed_shape(&zk.common) != shape {
        return Err(KeyBindingError::Mismatch);
    }
    let (ch, point) = binding_challenger(&p.commitment, &z.commitment, &shape);
    let points = vec![vec![point]; shape.len()];
    let plain_cfg = crate::plain_config(&crate::PARAMS);
    let zk_cfg = crate::zk_keygen_config(&crate::PARAMS);
    let (plain_values, plain_proof) = plain_cfg
        .pcs()
        .open(vec![(p_data, points.clone()).into()], &mut ch.clone())
        .map_err(|e| KeyBindingError::Prover(format!("{e:?}")))?;
    let (zk_values, zk_proof) = p3_commit::UnivariateStarkPcs::open_with_preprocessing(
        zk_cfg.pcs(),
        vec![(z_data, points).into()],
        &mut ch.clone(),
        Some(0),
    )
    .map_err(|e| KeyBindingError::Prover(format!("{e:?}")))?;
    let flatten = |v: p3_commit::OpenedValues<Challenge>| -> Vec<Vec<Challenge>> {
        v.into_iter()
            .flatten()
            .map(|m| m.into_iter().flatten().collect())
            .collect()
    };
    Ok(KeyBinding {
        plain_values: flatten(plain_values),
        plain_proof,
        zk_values: flatten(zk_values),
        zk_proof,
    })
}

/// Check that `plain` and `zk` commit to the same preprocessed tables of shape `shape`.
pub fn verify_key_binding(
    plain: &CommitmentOf<PlainConfig>,
    zk: &CommitmentOf<ZkConfig>,
    shape: &[(usize, usize)],
    binding: &KeyBinding,
) -> Result<(), KeyBindingError> {
    let n = shape.len();
    for values in [&binding.plain_values, &binding.zk_values] {
        if values.len() != n {
            return Err(KeyBindingError::Shape {
                expected: n,
                got: values.len(),
            });
        }
        if values.iter().zip(shape).any(|(v, &(w, _))| v.len() != w) {
            return Err(KeyBindingError::Mismatch);
        }
    }
    let (ch, point) = binding_challenger(plain, zk, shape);
    // The identity first: it is cheap and needs no opening.
    for ((p, z), &(_, log_h)) in binding
        .plain_values
        .iter()
        .zip(&binding.zk_values)
        .zip(shape)
    {
        let factor = zk_factor(point, log_h);
        if p.iter().zip(z).any(|(&p, &z)| p * factor != z) {
            return Err(KeyBindingError::Mismatch);
        }
    }
    let plain_cfg = crate::plain_config(&crate::PARAMS);
    let zk_cfg = crate::zk_keygen_config(&crate::PARAMS);
    let plain_round = p3_commit::CommitmentOpening::from((
        plain.clone(),
        shape
            .iter()
            .zip(&binding.plain_values)
            .map(|(&(_, log_h), v)| {
                let domain = Pcs::<Challenge, crate::Challenger>::natural_domain_for_degree(
                    plain_cfg.pcs(),
                    1 << log_h,
                );
                (domain, vec![(point, v.clone())])
            })
            .collect::<Vec<_>>(),
    ));
    plain_cfg
        .pcs()
        .verify(vec![plain_round], &binding.plain_proof, &mut ch.clone())
        .map_err(|e| KeyBindingError::PlainOpening(format!("{e:?}")))?;
    let zk_round = p3_commit::CommitmentOpening::from((
        zk.clone(),
        shape
            .iter()
            .zip(&binding.zk_values)
            .map(|(&(_, log_h), v)| {
                let domain = Pcs::<Challenge, crate::Challenger>::natural_domain_for_degree(
                    zk_cfg.pcs(),
                    1 << (log_h + 1),
                );
                (domain, vec![(point, v.clone())])
            })
            .collect::<Vec<_>>(),
    ));
    p3_commit::UnivariateStarkPcs::verify_with_preprocessing(
        zk_cfg.pcs(),
        vec![zk_round],
        &binding.zk_proof,
        &mut ch.clone(),
        Some(0),
    )
    .map_err(|e| KeyBindingError::ZkOpening(format!("{e:?}")))
}
