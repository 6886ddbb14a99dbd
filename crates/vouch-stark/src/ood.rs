//! What a verifier checks at the out-of-domain point, laid out for a verifier that runs
//! inside a proof.
//!
//! `verify_batch` replays the transcript, checks the openings with FRI and then, per table,
//! evaluates the AIR's constraints at `ζ` from the opened values and compares them with the
//! quotient. The recursion circuit does the same arithmetic in a trace; it needs the same
//! inputs (the challenges, the openings) and the same constants (the domains). [`instances`]
//! computes them natively from a proof, for the recursion prover's witness and for tests
//! that check the circuit against Plonky3's verifier.

use p3_air::symbolic::{AirLayout, SymbolicExpressionExt};
use p3_air::Air;
use p3_batch_stark::symbolic::get_log_num_quotient_chunks_for_domain;
use p3_batch_stark::verifier::commitments_with_opening_points;
use p3_batch_stark::StarkGenericConfig;
use p3_batch_stark::{BatchProof, CommonData};
use p3_challenger::{CanObserve, GrindingChallenger};
use p3_commit::{Pcs, PolynomialSpace};
use p3_field::{
    Algebra, BasedVectorSpace, ExtensionField, PrimeCharacteristicRing, PrimeField64, TwoAdicField,
};
use p3_lookup::{InteractionSymbolicBuilder, LogUpGadget};
use p3_lookup::{Kind as LookupKind, Lookups};
use p3_symmetric::MerkleCap;
use p3_uni_stark::Val as ValOf;

type Commitment<SC> = <<SC as StarkGenericConfig>::Pcs as Pcs<
    <SC as StarkGenericConfig>::Challenge,
    <SC as StarkGenericConfig>::Challenger,
>>::Commitment;

/// A domain of the proof: the coset `shift · <g>` of size `2^log_size`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Coset<F> {
    pub shift: F,
    pub log_size: usize,
}

/// The per-table numbers `commitments_with_opening_points` needs (derived from the proof's
/// degree bits as `verify_batch` derives them).
pub(crate) struct Domains<D> {
    pub(crate) trace_domains: Vec<D>,
    pub(crate) preprocessed_widths: Vec<usize>,
    pub(crate) log_chunks: Vec<usize>,
}

type DomainOf<SC> = <<SC as StarkGenericConfig>::Pcs as Pcs<
    <SC as StarkGenericConfig>::Challenge,
    <SC as StarkGenericConfig>::Challenger,
>>::Domain;

type Claims<SC> = Vec<
    p3_commit::CommitmentWithOpeningPoints<
        <SC as StarkGenericConfig>::Challenge,
        Commitment<SC>,
        DomainOf<SC>,
    >,
>;

pub(crate) fn domains<SC, A>(
    config: &SC,
    airs: &[A],
    common: &CommonData<SC>,
    proof: &BatchProof<SC>,
) -> Result<Domains<DomainOf<SC>>, String>
where
    SC: StarkGenericConfig,
    ValOf<SC>: PrimeField64,
    SymbolicExpressionExt<ValOf<SC>, SC::Challenge>: Algebra<SC::Challenge>,
    A: Air<InteractionSymbolicBuilder<ValOf<SC>, SC::Challenge>>,
{
    let pcs = config.pcs();
    let is_zk = config.is_zk();
    let gadget = LogUpGadget::new();
    let (_, preprocessed_widths) = crate::replay::batch_shape(config, airs, common);
    let mut trace_domains = Vec::with_capacity(airs.len());
    let mut log_chunks = Vec::with_capacity(airs.len());
    for (i, air) in airs.iter().enumerate() {
        let bits = proof
            .degree_bits
            .get(i)
            .and_then(|b| b.checked_sub(is_zk))
            .filter(|&b| b < 28)
            .ok_or("a table height out of range")?;
        let domain = pcs.natural_domain_for_degree(1 << bits);
        let layout = AirLayout {
            preprocessed_width: preprocessed_widths[i],
            main_width: air.width(),
            num_public_values: air.num_public_values(),
            num_periodic_columns: air.num_periodic_columns(),
            ..Default::default()
        };
        log_chunks.push(get_log_num_quotient_chunks_for_domain::<
            _,
            SC::Challenge,
            A,
            _,
        >(
            air, layout, domain, &common.lookups[i], is_zk, &gadget
        ));
        trace_domains.push(domain);
    }
    Ok(Domains {
        trace_domains,
        preprocessed_widths,
        log_chunks,
    })
}

/// The opening argument's claims at `zeta` (commitments, matrices, points, values) and
/// each table's quotient-chunk domains, as `verify_batch` builds them.
#[allow(clippy::type_complexity)]
pub(crate) fn claims<SC, A>(
    d: &Domains<DomainOf<SC>>,
    config: &SC,
    airs: &[A],
    common: &CommonData<SC>,
    proof: &BatchProof<SC>,
    zeta: SC::Challenge,
) -> Result<(Claims<SC>, Vec<Vec<DomainOf<SC>>>, Option<usize>), String>
where
    SC: StarkGenericConfig,
    A: p3_air::BaseAir<ValOf<SC>>,
{
    commitments_with_opening_points(
        config,
        airs,
        zeta,
        &proof.commitments,
        &proof.opened_values,
        common,
        &proof.degree_bits,
        &d.preprocessed_widths,
        &d.log_chunks,
    )
    .map_err(|e| format!("{e:?}"))
}

/// Replay `proof`'s transcript up to `ζ`: the LogUp challenges, `α`, `ζ`, and the sponge
/// after `ζ` (where the opening argument continues).
#[allow(clippy::type_complexity)]
pub(crate) fn to_zeta<SC, A>(
    config: &SC,
    airs: &[A],
    common: &CommonData<SC>,
    proof: &BatchProof<SC>,
    public_values: &[Vec<ValOf<SC>>],
) -> Result<
    (
        Vec<Vec<SC::Challenge>>,
        SC::Challenge,
        SC::Challenge,
        SC::Challenger,
    ),
    String,
>
where
    SC: StarkGenericConfig,
    ValOf<SC>: PrimeField64,
    SymbolicExpressionExt<ValOf<SC>, SC::Challenge>: Algebra<SC::Challenge>,
    A: Air<InteractionSymbolicBuilder<ValOf<SC>, SC::Challenge>>,
    SC::Challenge: BasedVectorSpace<ValOf<SC>>,
    SC::Challenger: GrindingChallenger<Witness = ValOf<SC>> + Clone,
{
    crate::replay::replay_lookups(config, airs, common, proof, public_values, |t, c| {
        let terminals: Vec<SC::Challenge> = proof
            .lookup_terminals
            .iter()
            .flatten()
            .map(|t| t.0)
            .collect();
        let alpha = t.permutation_phase(proof.commitments.permutation.clone(), &terminals);
        t.quotient_phase(
            proof.commitments.quotient_chunks.clone(),
            proof.commitments.random.clone(),
        );
        let zeta = t
            .ood_phase(proof.ood_pow_witness)
            .map_err(|e| format!("{e:?}"))?;
        let after = t.delegate(|ch| ch.clone());
        Ok((c, alpha, zeta, after))
    })
}

impl<F: TwoAdicField> Coset<F> {
    /// A two-adic coset domain: its first point is the shift.
    fn of<D: PolynomialSpace<Val = F>>(d: &D) -> Self {
        Self {
            shift: d.first_point(),
            log_size: d.size().trailing_zeros() as usize,
        }
    }
}

/// One table's out-of-domain check: `fold_α(constraints(openings)) = quotient(ζ) · Z_H(ζ)`.
#[derive(Clone, Debug)]
pub struct OodInstance<F, EF> {
    /// The trace domain (without the zero-knowledge doubling).
    pub trace_domain: Coset<F>,
    /// The domains of the quotient chunks, in commitment order.
    pub quotient_domains: Vec<Coset<F>>,
    pub trace_local: Vec<EF>,
    /// Zeros when the AIR never reads the next row (as `verify_batch` substitutes).
    pub trace_next: Vec<EF>,
    pub preprocessed_local: Vec<EF>,
    pub preprocessed_next: Vec<EF>,
    /// The permutation (LogUp) columns, as extension elements.
    pub permutation_local: Vec<EF>,
    pub permutation_next: Vec<EF>,
    /// The permutation columns as committed (base-field columns, `D` per extension column)
    /// and opened: what the opening argument claims; `permutation_*` recomposes them.
    pub permutation_local_flat: Vec<EF>,
    pub permutation_next_flat: Vec<EF>,
    /// Each quotient chunk's opening, as `DIMENSION` basis coefficients.
    pub quotient_chunks: Vec<Vec<EF>>,
    /// This table's LogUp challenges.
    pub challenges: Vec<EF>,
    /// This table's LogUp terminal (empty without lookups).
    pub permutation_values: Vec<EF>,
}

/// The transcript's challenges and every table's out-of-domain inputs.
#[derive(Clone, Debug)]
pub struct Ood<F, EF> {
    pub alpha: EF,
    pub zeta: EF,
    pub instances: Vec<OodInstance<F, EF>>,
    /// What the transcript absorbs before `ζ`, for a verifier that replays it in a circuit.
    pub transcript: TranscriptData<F>,
}

/// Everything the batch transcript absorbs up to `ζ`, as base-field elements, and how the
/// LogUp challenges are laid out. Commitments are given as the elements the challenger
/// observes (a Merkle cap's digests).
#[derive(Clone, Debug)]
pub struct TranscriptData<F> {
    /// The domain separator's seed (a function of the batch's shape only).
    pub seed: Vec<F>,
    pub degree_bits: Vec<usize>,
    pub main: Vec<F>,
    pub public_values: Vec<Vec<F>>,
    pub preprocessed: Option<Vec<F>>,
    pub lookup_pow_bits: usize,
    pub lookup_pow_witness: Option<F>,
    pub permutation: Option<Vec<F>>,
    pub quotient: Vec<F>,
    pub random: Option<Vec<F>>,
    pub ood_pow_bits: usize,
    pub ood_pow_witness: F,
    /// Per table, per lookup: the bus it runs on (global lookups of one name share one).
    pub bus_ids: Vec<Vec<usize>>,
    /// The widest tuple on any bus (the bus offset is `β^width` apart).
    pub max_message_width: usize,
    pub num_buses: usize,
}

/// A challenger that only records what it observes: the elements a commitment or the domain
/// separator's seed puts into the sponge.
#[derive(Clone, Debug, Default)]
pub struct Recorder<F>(pub Vec<F>);

impl<F: Copy> CanObserve<F> for Recorder<F> {
    fn observe(&mut self, value: F) {
        self.0.push(value);
    }
}

impl<F: Copy, const N: usize> CanObserve<MerkleCap<F, [F; N]>> for Recorder<F> {
    fn observe(&mut self, cap: MerkleCap<F, [F; N]>) {
        for digest in cap.roots() {
            self.0.extend_from_slice(digest);
        }
    }
}

/// What observing `value` puts into the sponge.
pub(crate) fn recorded<F: Copy, T>(value: T) -> Vec<F>
where
    Recorder<F>: CanObserve<T>,
{
    let mut r = Recorder(Vec::new());
    r.observe(value);
    r.0
}

/// Bus ids as `p3-batch-stark` lays the LogUp challenges out: one bus per global name (in
/// order of first appearance), one per local lookup. Returns the ids, the widest tuple and the
/// number of buses.
fn bus_layout<F: p3_field::Field>(lookups: &[Lookups<F>]) -> (Vec<Vec<usize>>, usize, usize) {
    let mut global: std::collections::HashMap<String, usize> = Default::default();
    let (mut next, mut width) = (0usize, 1usize);
    let ids = lookups
        .iter()
        .map(|table| {
            table
                .iter()
                .map(|l| {
                    width = width.max(l.elements.first().map_or(0, Vec::len));
                    match &l.kind {
                        LookupKind::Global(name) => {
                            *global.entry(name.clone()).or_insert_with(|| {
                                next += 1;
                                next - 1
                            })
                        }
                        LookupKind::Local => {
                            next += 1;
                            next - 1
                        }
                    }
                })
                .collect()
        })
        .collect();
    (ids, width, next)
}

/// Replay `proof`'s transcript as `verify_batch` does (without checking the openings) and
/// collect, per table, what the constraint check at `ζ` uses. `proof` is assumed to have the
/// shape the verifier accepts; a malformed one gives an error, never a panic.
pub fn instances<SC, A>(
    config: &SC,
    airs: &[A],
    common: &CommonData<SC>,
    proof: &BatchProof<SC>,
    public_values: &[Vec<ValOf<SC>>],
) -> Result<Ood<ValOf<SC>, SC::Challenge>, String>
where
    SC: StarkGenericConfig,
    ValOf<SC>: PrimeField64 + TwoAdicField,
    SymbolicExpressionExt<ValOf<SC>, SC::Challenge>: Algebra<SC::Challenge>,
    A: Air<InteractionSymbolicBuilder<ValOf<SC>, SC::Challenge>>,
    SC::Challenge: BasedVectorSpace<ValOf<SC>>,
    SC::Challenger: GrindingChallenger<Witness = ValOf<SC>> + Clone,
    Recorder<ValOf<SC>>: CanObserve<Commitment<SC>>,
{
    let n = airs.len();
    let opened = &proof.opened_values.instances;
    if proof.degree_bits.len() != n || opened.len() != n || public_values.len() != n {
        return Err("tables, proof and public values disagree in number".into());
    }
    let domains = domains(config, airs, common, proof)?;
    let (challenges, alpha, zeta, _) = to_zeta(config, airs, common, proof, public_values)?;
    let (_, quotient_domains, _) = claims(&domains, config, airs, common, proof, zeta)?;

    let d = <SC::Challenge as BasedVectorSpace<ValOf<SC>>>::DIMENSION;
    let recompose = |flat: &[SC::Challenge]| -> Vec<SC::Challenge> {
        flat.chunks_exact(d)
            .filter_map(<SC::Challenge as ExtensionField<ValOf<SC>>>::from_ext_basis_coefficients)
            .collect()
    };
    let instances = (0..n)
        .map(|i| {
            let o = &opened[i];
            let base = &o.base_opened_values;
            let width = airs[i].width();
            let pre_w = domains.preprocessed_widths[i];
            OodInstance {
                trace_domain: Coset::of(&domains.trace_domains[i]),
                quotient_domains: quotient_domains[i].iter().map(Coset::of).collect(),
                trace_local: base.trace_local.clone(),
                trace_next: base
                    .trace_next
                    .clone()
                    .unwrap_or_else(|| vec![SC::Challenge::ZERO; width]),
                preprocessed_local: base.preprocessed_local().unwrap_or(&[]).to_vec(),
                preprocessed_next: base
                    .preprocessed_next()
                    .map(<[_]>::to_vec)
                    .unwrap_or_else(|| vec![SC::Challenge::ZERO; pre_w]),
                permutation_local: recompose(&o.permutation_local),
                permutation_next: recompose(&o.permutation_next),
                permutation_local_flat: o.permutation_local.clone(),
                permutation_next_flat: o.permutation_next.clone(),
                quotient_chunks: base.quotient_chunks.clone(),
                challenges: challenges[i].clone(),
                permutation_values: proof.lookup_terminals[i].iter().map(|t| t.0).collect(),
            }
        })
        .collect();
    let (shape, _) = crate::replay::batch_shape(config, airs, common);
    let mut seed = Recorder(Vec::new());
    shape
        .domain_separator::<ValOf<SC>, SC::Challenge>()
        .seed(&mut seed);
    let (bus_ids, max_message_width, num_buses) = bus_layout(&common.lookups);
    let c = &proof.commitments;
    let transcript = TranscriptData {
        seed: seed.0,
        degree_bits: proof.degree_bits.clone(),
        main: recorded(c.main.clone()),
        public_values: public_values.to_vec(),
        preprocessed: common
            .preprocessed
            .as_ref()
            .map(|g| recorded(g.commitment.clone())),
        lookup_pow_bits: config.lookup_proof_of_work_bits(),
        lookup_pow_witness: proof.lookup_pow_witness,
        permutation: c.permutation.clone().map(recorded),
        quotient: recorded(c.quotient_chunks.clone()),
        random: c.random.clone().map(recorded),
        ood_pow_bits: config.ood_proof_of_work_bits(),
        ood_pow_witness: proof.ood_pow_witness,
        bus_ids,
        max_message_width,
        num_buses,
    };
    Ok(Ood {
        alpha,
        zeta,
        instances,
        transcript,
    })
}

impl<F: TwoAdicField> Coset<F> {
    /// The vanishing polynomial at `x`: `Z(x) = (x / shift)^(2^log_size) - 1`.
    pub fn vanishing_at<EF: p3_field::ExtensionField<F>>(&self, x: EF) -> EF {
        (x * self.shift.inverse()).exp_power_of_2(self.log_size) - EF::ONE
    }

    /// The subgroup's generator `g` (the domain is `shift · <g>`).
    pub fn generator(&self) -> F {
        F::two_adic_generator(self.log_size)
    }
}
