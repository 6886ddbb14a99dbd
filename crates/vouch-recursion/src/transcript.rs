//! The batch-STARK transcript in the circuit, up to `ζ`: the challenges a segment proof's
//! out-of-domain check uses, derived from its commitments instead of taken as inputs.
//!
//! `p3-batch-stark`'s verifier transcript seeds the sponge with its domain separator (a
//! function of the batch's shape), then absorbs, in order: every table's degree bits (as an
//! extension element), the main commitment, every table's public values, the preprocessed
//! commitment; checks the lookup grind and draws the LogUp pair `(α_l, β)`; absorbs the
//! permutation commitment and every terminal and draws the folding challenge `α`; absorbs the
//! quotient (and, with zero knowledge, randomization) commitment; checks the out-of-domain
//! grind and draws `ζ`. Its pattern steps only validate the order; the sponge sees the values
//! alone, so [`batch_transcript`] absorbs the same values into a [`CircuitChallenger`].
//!
//! The LogUp challenges of a lookup on bus `i` are `(α_l + (i + 1) β^W, β)`, `W` the widest
//! tuple, as `p3-lookup`'s `Challenges` lays them out.
//!
//! The shape (seed, degree bits, pow difficulties, bus layout) is a constant of the circuit;
//! the commitments, public values, terminals and pow witnesses are wires.

use vouch_stark::field::PrimeCharacteristicRing;
use vouch_stark::ood::TranscriptData;
use vouch_stark::{Challenge, Val};

use crate::challenger::CircuitChallenger;
use crate::circuit::{CircuitBuilder, Wire};

/// The data wires the transcript absorbs (the shape's constants come from [`TranscriptData`]).
#[derive(Clone, Debug)]
pub struct TranscriptWires {
    pub main: Vec<Wire>,
    pub public_values: Vec<Vec<Wire>>,
    pub preprocessed: Option<Vec<Wire>>,
    pub lookup_pow_witness: Option<Wire>,
    pub permutation: Option<Vec<Wire>>,
    /// One extension wire per table with lookups, in table order.
    pub terminals: Vec<Wire>,
    pub quotient: Vec<Wire>,
    pub random: Option<Vec<Wire>>,
    pub ood_pow_witness: Wire,
}

/// What the transcript yields.
#[derive(Clone, Debug)]
pub struct Challenges {
    /// Per table, per lookup: `[bus offset, β]`.
    pub lookup: Vec<Vec<Wire>>,
    pub alpha: Wire,
    pub zeta: Wire,
    /// The sponge after `ζ`, where the opening argument continues.
    pub challenger: CircuitChallenger,
}

impl TranscriptWires {
    /// Inputs for everything `data` has (commitments, terminals, witnesses); the public values
    /// and the preprocessed commitment are given, as the caller wires them (the statement is
    /// shared with the constraint checks, and both are the circuit's public inputs).
    pub fn alloc(
        cb: &mut CircuitBuilder,
        data: &TranscriptData<Val>,
        public_values: Vec<Vec<Wire>>,
        preprocessed: Option<Vec<Wire>>,
        num_terminals: usize,
    ) -> Self {
        Self {
            main: cb.inputs(data.main.len()),
            public_values,
            preprocessed,
            lookup_pow_witness: data.lookup_pow_witness.map(|_| cb.input()),
            permutation: data.permutation.as_ref().map(|c| cb.inputs(c.len())),
            terminals: cb.inputs(num_terminals),
            quotient: cb.inputs(data.quotient.len()),
            random: data.random.as_ref().map(|c| cb.inputs(c.len())),
            ood_pow_witness: cb.input(),
        }
    }

    /// The input values for [`TranscriptWires::alloc`]'s wires, in allocation order (the
    /// public values and the preprocessed commitment are the caller's).
    pub fn values(data: &TranscriptData<Val>, terminals: &[Challenge]) -> Vec<Challenge> {
        let mut v: Vec<Challenge> = Vec::new();
        let base = |xs: &[Val]| xs.iter().map(|&x| Challenge::from(x)).collect::<Vec<_>>();
        v.extend(base(&data.main));
        if let Some(w) = data.lookup_pow_witness {
            v.push(w.into());
        }
        if let Some(c) = &data.permutation {
            v.extend(base(c));
        }
        v.extend(terminals);
        v.extend(base(&data.quotient));
        if let Some(c) = &data.random {
            v.extend(base(c));
        }
        v.push(data.ood_pow_witness.into());
        v
    }
}

/// Replay the transcript of a proof of `data`'s shape on `w`, up to `ζ`.
pub fn batch_transcript(
    cb: &mut CircuitBuilder,
    data: &TranscriptData<Val>,
    w: &TranscriptWires,
) -> Result<Challenges, String> {
    let mut ch = CircuitChallenger::new(cb);
    for &s in &data.seed {
        let c = cb.base_constant(s);
        ch.observe(cb, c);
    }
    for &bits in &data.degree_bits {
        // An extension element [bits, 0, 0, 0]: its four coefficients, all constants.
        let c = cb.base_constant(Val::from_usize(bits));
        let zero = cb.zero();
        ch.observe_all(cb, &[c, zero, zero, zero]);
    }
    ch.observe_all(cb, &w.main);
    for values in &w.public_values {
        ch.observe_all(cb, values);
    }
    if let Some(c) = &w.preprocessed {
        ch.observe_all(cb, c);
    }
    let has_lookups = data.num_buses > 0;
    let lookup = if has_lookups {
        let witness = w
            .lookup_pow_witness
            .ok_or("a batch with lookups needs a lookup grind witness")?;
        if data.lookup_pow_bits == 0 {
            cb.assert_zero(witness, "zero-difficulty grind witness is zero");
        }
        ch.check_witness(cb, data.lookup_pow_bits, witness);
        let alpha_l = ch.sample_ext(cb);
        let beta = ch.sample_ext(cb);
        // gamma = β^W; prefix_i = α_l + (i + 1) γ.
        let mut gamma = cb.one();
        for _ in 0..data.max_message_width {
            gamma = cb.mul(gamma, beta);
        }
        let mut prefixes = Vec::with_capacity(data.num_buses);
        let mut prefix = alpha_l;
        for _ in 0..data.num_buses {
            prefix = cb.add(prefix, gamma);
            prefixes.push(prefix);
        }
        data.bus_ids
            .iter()
            .map(|ids| {
                ids.iter()
                    .map(|&bus| Ok([*prefixes.get(bus).ok_or("a bus out of range")?, beta]))
                    .collect::<Result<Vec<[Wire; 2]>, String>>()
                    .map(|pairs| pairs.concat())
            })
            .collect::<Result<Vec<_>, String>>()?
    } else {
        data.bus_ids.iter().map(|_| Vec::new()).collect()
    };
    if let Some(c) = &w.permutation {
        ch.observe_all(cb, c);
    }
    for &t in &w.terminals {
        ch.observe_ext(cb, t);
    }
    let alpha = ch.sample_ext(cb);
    ch.observe_all(cb, &w.quotient);
    if let Some(c) = &w.random {
        ch.observe_all(cb, c);
    }
    if data.ood_pow_bits == 0 {
        cb.assert_zero(w.ood_pow_witness, "zero-difficulty grind witness is zero");
    }
    ch.check_witness(cb, data.ood_pow_bits, w.ood_pow_witness);
    let zeta = ch.sample_ext(cb);
    Ok(Challenges {
        lookup,
        alpha,
        zeta,
        challenger: ch,
    })
}
