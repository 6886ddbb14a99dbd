//! The Fiat–Shamir sponge in the circuit: Plonky3's `DuplexChallenger<KoalaBear, Poseidon2-16,
//! 16, 8>` (vouch's `Challenger`), operation for operation, on wires.
//!
//! The native challenger keeps a 16-element state, an input buffer and an output buffer:
//! `observe` pushes a base element (duplexing when 8 are buffered), `sample` pops the output
//! buffer from its end (duplexing first if inputs are pending or outputs are exhausted), and a
//! duplexing overwrites the rate with the buffered inputs, zeroes the rest of the rate, adds
//! the number absorbed to `state[8]` (only when something was absorbed), permutes and refills
//! the outputs. The same steps here emit Poseidon2 calls; the buffers are bookkeeping at
//! circuit-building time, so the circuit is a straight line of permutations.
//!
//! Observed wires must be base-field elements: every one enters a Poseidon2 call, whose table
//! reads its inputs as base-field elements, so an extension value in their place makes the
//! circuit unsatisfiable rather than changing the transcript.

use vouch_stark::field::PrimeCharacteristicRing;
use vouch_stark::poseidon2::WIDTH;
use vouch_stark::Val;

use crate::circuit::{CircuitBuilder, Wire, BITS};

/// The sponge's rate.
pub const RATE: usize = 8;

/// A duplex sponge on wires, in step with the native `DuplexChallenger`.
#[derive(Clone, Debug)]
pub struct CircuitChallenger {
    state: [Wire; WIDTH],
    input: Vec<Wire>,
    output: Vec<Wire>,
}

impl CircuitChallenger {
    /// The initial (all-zero) state.
    pub fn new(cb: &mut CircuitBuilder) -> Self {
        let zero = cb.zero();
        Self {
            state: [zero; WIDTH],
            input: Vec::new(),
            output: Vec::new(),
        }
    }

    fn duplexing(&mut self, cb: &mut CircuitBuilder) {
        let n = self.input.len();
        debug_assert!(n <= RATE);
        for (slot, w) in self.state.iter_mut().zip(self.input.drain(..)) {
            *slot = w;
        }
        if n > 0 {
            let zero = cb.zero();
            self.state[n..RATE].fill(zero);
            let tag = cb.base_constant(Val::from_u32(n as u32));
            self.state[RATE] = cb.add(self.state[RATE], tag);
        }
        self.state = cb.poseidon2(self.state);
        self.output.clear();
        self.output.extend_from_slice(&self.state[..RATE]);
    }

    /// Absorb a base-field wire.
    pub fn observe(&mut self, cb: &mut CircuitBuilder, w: Wire) {
        self.output.clear();
        self.input.push(w);
        if self.input.len() == RATE {
            self.duplexing(cb);
        }
    }

    /// Absorb several base-field wires.
    pub fn observe_all(&mut self, cb: &mut CircuitBuilder, ws: &[Wire]) {
        for &w in ws {
            self.observe(cb, w);
        }
    }

    /// Absorb an extension-field wire by its four basis coefficients (as the native
    /// challenger observes an extension element).
    pub fn observe_ext(&mut self, cb: &mut CircuitBuilder, w: Wire) {
        let c = cb.coefficients(w, "observed extension element decomposes");
        self.observe_all(cb, &c);
    }

    /// Squeeze a base-field element.
    pub fn sample(&mut self, cb: &mut CircuitBuilder) -> Wire {
        if !self.input.is_empty() || self.output.is_empty() {
            self.duplexing(cb);
        }
        self.output.pop().expect("a duplexing refills the outputs")
    }

    /// Squeeze an extension element: four base samples, coefficient 0 first.
    pub fn sample_ext(&mut self, cb: &mut CircuitBuilder) -> Wire {
        let c: [Wire; 4] = core::array::from_fn(|_| self.sample(cb));
        cb.from_coefficients(&c)
    }

    /// Squeeze `bits` random bits (the low bits of one sample), least significant first.
    pub fn sample_bits(&mut self, cb: &mut CircuitBuilder, bits: usize) -> Vec<Wire> {
        assert!(bits < BITS, "at most 30 bits from one sample");
        let s = self.sample(cb);
        cb.bits(s, "sampled element decomposes into bits")[..bits].to_vec()
    }

    /// The proof-of-work check: absorb `witness`, then the next `bits` sampled bits must all be
    /// zero (nothing is absorbed when `bits` is 0, as natively).
    pub fn check_witness(&mut self, cb: &mut CircuitBuilder, bits: usize, witness: Wire) {
        if bits == 0 {
            return;
        }
        self.observe(cb, witness);
        for b in self.sample_bits(cb, bits) {
            cb.assert_zero(b, "proof-of-work witness meets its difficulty");
        }
    }
}

#[cfg(test)]
mod tests {
    use vouch_stark::field::BasedVectorSpace;
    use vouch_stark::poseidon2::permutation;
    use vouch_stark::{Challenge, Challenger};

    use super::*;
    use crate::circuit::CircuitError;

    /// One step of a random transcript.
    #[derive(Clone, Copy, Debug)]
    enum Step {
        Observe(Val),
        ObserveExt(Challenge),
        Sample,
        SampleExt,
        SampleBits(usize),
    }

    fn lcg(seed: &mut u64) -> u32 {
        *seed = seed
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        (*seed >> 33) as u32
    }

    fn random_steps(seed: &mut u64, n: usize) -> Vec<Step> {
        (0..n)
            .map(|_| {
                let v = Val::from_u32(lcg(seed) % 0x7f00_0001);
                match lcg(seed) % 6 {
                    0 | 1 => Step::Observe(v),
                    2 => Step::ObserveExt(Challenge::from_basis_coefficients_fn(|k| {
                        v + Val::from_u32(k as u32)
                    })),
                    3 => Step::Sample,
                    4 => Step::SampleExt,
                    _ => Step::SampleBits(1 + (lcg(seed) % 30) as usize),
                }
            })
            .collect()
    }

    /// Run `steps` natively and in a circuit (observed values as inputs) and compare every
    /// sampled value.
    #[test]
    fn matches_the_native_challenger() {
        use vouch_stark::challenger::{CanObserve, CanSample, CanSampleBits, FieldChallenger};
        let mut seed = 7;
        for round in 0..20 {
            let steps = random_steps(&mut seed, 1 + round * 3);
            let mut native = Challenger::new(permutation());
            let mut expected = Vec::new();
            let mut cb = CircuitBuilder::new();
            let mut ch = CircuitChallenger::new(&mut cb);
            let mut inputs = Vec::new();
            let mut outputs = Vec::new();
            for &step in &steps {
                match step {
                    Step::Observe(v) => {
                        native.observe(v);
                        let w = cb.input();
                        inputs.push(Challenge::from(v));
                        ch.observe(&mut cb, w);
                    }
                    Step::ObserveExt(x) => {
                        native.observe_algebra_element(x);
                        let w = cb.input();
                        inputs.push(x);
                        ch.observe_ext(&mut cb, w);
                    }
                    Step::Sample => {
                        let v: Val = native.sample();
                        expected.push(vec![Challenge::from(v)]);
                        outputs.push(vec![ch.sample(&mut cb)]);
                    }
                    Step::SampleExt => {
                        let v: Challenge = native.sample_algebra_element();
                        expected.push(vec![v]);
                        outputs.push(vec![ch.sample_ext(&mut cb)]);
                    }
                    Step::SampleBits(bits) => {
                        let v = native.sample_bits(bits);
                        expected.push(
                            (0..bits)
                                .map(|k| Challenge::from(Val::from_u32(((v >> k) & 1) as u32)))
                                .collect(),
                        );
                        outputs.push(ch.sample_bits(&mut cb, bits));
                    }
                }
            }
            let c = cb.build();
            let w = c.eval(&inputs).unwrap();
            let got: Vec<Vec<Challenge>> = outputs
                .iter()
                .map(|o| o.iter().map(|x| w[x.0 as usize]).collect())
                .collect();
            assert_eq!(got, expected, "round {round}: {steps:?}");
        }
    }

    #[test]
    fn proof_of_work_matches_the_native_check() {
        use vouch_stark::challenger::{CanObserve, GrindingChallenger};
        let mut native = Challenger::new(permutation());
        native.observe(Val::from_u32(42));
        let witness = native.clone().grind(8);
        assert!(native.clone().check_witness(8, witness));
        let circuit = |w: Val| {
            let mut cb = CircuitBuilder::new();
            let mut ch = CircuitChallenger::new(&mut cb);
            let start = cb.base_constant(Val::from_u32(42));
            ch.observe(&mut cb, start);
            let input = cb.input();
            ch.check_witness(&mut cb, 8, input);
            cb.build().eval(&[w.into()]).is_ok()
        };
        assert!(circuit(witness));
        // A witness the native check refuses is refused by the circuit too.
        let bad = (1..100u32)
            .map(|d| witness + Val::from_u32(d))
            .find(|&w| !native.clone().check_witness(8, w))
            .unwrap();
        assert!(!circuit(bad));
    }

    #[test]
    fn non_canonical_bits_are_rejected() {
        // x = 5 claimed as the bits of the integer 5 + p (bits 24..30 set, low bits 6):
        // booleanity and the sum hold, the canonicity check does not.
        let mut cb = CircuitBuilder::new();
        let x = cb.input();
        let bits = cb.bits(x, "bits");
        let c = cb.build();
        let five = [Challenge::from(Val::from_u32(5))];
        assert!(c.eval(&five).is_ok());
        let n = 5u32 + 0x7f00_0001;
        let hints = bits
            .iter()
            .enumerate()
            .map(|(k, &b)| (b, Challenge::from(Val::from_u32((n >> k) & 1))))
            .collect();
        let w = c.eval_unchecked(&five).unwrap();
        assert!(c.check(&w).is_ok());
        match c.eval_with_hints(&five, &hints) {
            Err(CircuitError::Assertion { label, .. }) => assert_eq!(label, "bits: canonical"),
            other => panic!("non-canonical bits accepted: {other:?}"),
        }
        // Bits of another value fail the recomposition.
        let hints = bits
            .iter()
            .enumerate()
            .map(|(k, &b)| (b, Challenge::from(Val::from_u32((6 >> k) & 1))))
            .collect();
        assert!(c.eval_with_hints(&five, &hints).is_err());
    }
}
