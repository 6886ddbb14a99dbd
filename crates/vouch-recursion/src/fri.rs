//! FRI's arithmetic in the circuit (first piece): folding one query's row, as Plonky3's
//! `TwoAdicFriFolding::fold_row`.
//!
//! A FRI round of arity `n = 2^k` folds, at query index `i` of a codeword of height
//! `2^log_height`, the `n` evaluations `y_j` at the points `x_j = s · ω^{rev_k(j)}`, where
//! `s = g^{rev(i)}` (`g` generating the subgroup of order `2^(log_height + k)`, `rev` over
//! `log_height` bits) and `ω` generates the `n`-th roots of unity: the result is the
//! interpolating polynomial of degree `< n` evaluated at `β`. Natively Plonky3 uses a
//! closed form for `n = 2` and barycentric interpolation otherwise; the value is the same
//! polynomial evaluation, so the circuit uses one formula for every arity:
//! `p(β) = (β^n − s^n) / (n s^n) · Σ_j y_j x_j / (β − x_j)` (the weights of the coset of
//! `n`-th roots, `Π_{i≠j} (x_j − x_i) = n s^n / x_j`).
//!
//! The query index arrives as bits (least significant first, from the transcript), so `s` is a
//! product of selected constants. `β = x_j` has no inverse: the circuit then rejects, an event
//! of probability `n / |EF|` for an honest proof.

use vouch_stark::field::{PrimeCharacteristicRing, TwoAdicField};
use vouch_stark::{Challenge, Val};

use crate::circuit::{CircuitBuilder, Wire};

/// `g^{rev(i)}` for the index `i` with `bits` (least significant first): bit `k` of `i` is bit
/// `log_height − 1 − k` of `rev(i)`, so it selects the factor `g^{2^(log_height − 1 − k)}`.
pub fn subgroup_start(cb: &mut CircuitBuilder, bits: &[Wire], g: Val) -> Wire {
    let n = bits.len();
    let one = cb.one();
    let mut acc = one;
    for (k, &bit) in bits.iter().enumerate() {
        let c = g.exp_power_of_2(n - 1 - k);
        let c_minus_one = cb.base_constant(c - Val::ONE);
        let t = cb.mul(bit, c_minus_one);
        let factor = cb.add(one, t);
        acc = cb.mul(acc, factor);
    }
    acc
}

/// Fold the `2^log_arity` evaluations `evals` of the query with index bits `index_bits`
/// (`log_height` of them) at `beta`.
pub fn fold_row(
    cb: &mut CircuitBuilder,
    index_bits: &[Wire],
    log_arity: usize,
    beta: Wire,
    evals: &[Wire],
    label: &str,
) -> Wire {
    let log_height = index_bits.len();
    let n = 1usize << log_arity;
    assert_eq!(evals.len(), n, "{label}: {n} evaluations expected");
    let g = Val::two_adic_generator(log_height + log_arity);
    let s = subgroup_start(cb, index_bits, g);
    let omega = Val::two_adic_generator(log_arity);
    // s^n and β^n.
    let s_n = cb.exp_power_of_2(s, log_arity);
    let beta_n = cb.exp_power_of_2(beta, log_arity);
    let mut sum = cb.zero();
    for (j, &y) in evals.iter().enumerate() {
        let rev = reverse_bits(j, log_arity);
        let w = cb.base_constant(omega.exp_u64(rev as u64));
        let x = cb.mul(s, w);
        let d = cb.sub(beta, x);
        let t = cb.mul(y, x);
        let q = cb.div(t, d, &format!("{label}: β is not a folding point"));
        sum = cb.add(sum, q);
    }
    let num = cb.sub(beta_n, s_n);
    let n_const = cb.constant(Challenge::from(Val::from_usize(n)));
    let den = cb.mul(n_const, s_n);
    let scale = cb.div(num, den, &format!("{label}: the coset is not degenerate"));
    cb.mul(scale, sum)
}

fn reverse_bits(x: usize, bits: usize) -> usize {
    if bits == 0 {
        0
    } else {
        x.reverse_bits() >> (usize::BITS as usize - bits)
    }
}

#[cfg(test)]
mod tests {
    use core::marker::PhantomData;

    use vouch_stark::field::BasedVectorSpace;
    use vouch_stark::fri::{FriFoldingStrategy, TwoAdicFriFolding};

    use super::*;

    fn ext(seed: &mut u64) -> Challenge {
        Challenge::from_basis_coefficients_fn(|_| {
            *seed = seed
                .wrapping_mul(6364136223846793005)
                .wrapping_add(1442695040888963407);
            Val::from_u32((*seed >> 33) as u32)
        })
    }

    /// Against Plonky3's `fold_row` for arities 2, 4, 8 at every index of small heights.
    #[test]
    fn matches_the_native_fold() {
        let folding = TwoAdicFriFolding::<(), ()>(PhantomData);
        let mut seed = 3;
        for log_arity in 1..=3 {
            for log_height in 0..5 {
                for index in 0..(1usize << log_height) {
                    let beta = ext(&mut seed);
                    let evals: Vec<Challenge> =
                        (0..1 << log_arity).map(|_| ext(&mut seed)).collect();
                    let expected = FriFoldingStrategy::<Val, Challenge>::fold_row(
                        &folding,
                        index,
                        log_height,
                        log_arity,
                        beta,
                        evals.iter().copied(),
                    );
                    let mut cb = CircuitBuilder::new();
                    let bits = cb.inputs(log_height);
                    let b = cb.input();
                    let ys = cb.inputs(1 << log_arity);
                    let out = fold_row(&mut cb, &bits, log_arity, b, &ys, "fold");
                    let c = cb.build();
                    let mut inputs: Vec<Challenge> = (0..log_height)
                        .map(|k| Challenge::from(Val::from_u32(((index >> k) & 1) as u32)))
                        .collect();
                    inputs.push(beta);
                    inputs.extend(&evals);
                    let w = c.eval(&inputs).unwrap();
                    assert_eq!(
                        w[out.0 as usize], expected,
                        "arity 2^{log_arity}, height 2^{log_height}, index {index}"
                    );
                }
            }
        }
    }
}
