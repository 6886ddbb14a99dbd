//! FRI's arithmetic in the circuit: folding one query's row, as Plonky3's
//! `TwoAdicFriFolding::fold_row` ([`fold_row`]), and a query's reduced openings, as
//! `p3_fri::verifier::open_inputs` ([`query_point`], [`reduce_matrix`], [`powers`]). The FRI
//! transcript and the chain of folds over the commit phase are not here yet.
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

use vouch_stark::field::{Field, PrimeCharacteristicRing, TwoAdicField};
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

/// One matrix's contribution to a query's reduced opening, as `p3_fri::verifier::open_inputs`
/// computes it: for each opening point `z` with claimed values `p_k(z)`, and the opened row
/// `p_k(x)` at the query's point `x`,
/// `α^offset · (Σ_k α^k p_k(z) − Σ_k α^k p_k(x)) / (z − x)`, where `offset` runs over the
/// matrices and points of one height in commitment order (the caller keeps it per height, as
/// Plonky3's `ladder_offsets`). `Σ_k α^k p_k(z)` does not depend on the query: the caller
/// computes it once per point ([`claim_sum`]); the row's sum is computed once per matrix and
/// shared by its points, so a query costs two operations per opened column.
pub struct MatrixOpening<'a> {
    /// The opened row at the query point (base-field wires).
    pub row: &'a [Wire],
    /// Each opening point with its claimed values' [`claim_sum`].
    pub points: &'a [(Wire, Wire)],
}

/// `Σ_k α^k v_k` (`alpha_powers` holding at least `values.len()` powers from `α^0`).
pub fn claim_sum(cb: &mut CircuitBuilder, alpha_powers: &[Wire], values: &[Wire]) -> Wire {
    let mut sum = cb.zero();
    for (&a, &v) in alpha_powers.iter().zip(values) {
        let t = cb.mul(a, v);
        sum = cb.add(sum, t);
    }
    sum
}

/// The query point of a matrix of height `2^log_height`: `x = GENERATOR · g^{rev(i)}`, `i` the
/// query index reduced to that height (the caller passes the bits of
/// `index >> (log_max − log_height)`, least significant first).
pub fn query_point(cb: &mut CircuitBuilder, reduced_index_bits: &[Wire]) -> Wire {
    let g = Val::two_adic_generator(reduced_index_bits.len());
    let s = subgroup_start(cb, reduced_index_bits, g);
    let shift = cb.base_constant(Val::GENERATOR);
    cb.mul(shift, s)
}

/// Add `m`'s terms to `acc` (the reduced opening of its height) at query point `x`, with
/// `alpha_powers` (at least `offset + row width · points` of them); returns the new offset.
pub fn reduce_matrix(
    cb: &mut CircuitBuilder,
    acc: &mut Wire,
    x: Wire,
    alpha_powers: &[Wire],
    offset: usize,
    m: &MatrixOpening<'_>,
    label: &str,
) -> Result<usize, String> {
    let width = m.row.len();
    if alpha_powers.len() < offset + width * m.points.len() {
        return Err(format!("{label}: too few powers of α"));
    }
    let at_x = claim_sum(cb, alpha_powers, m.row);
    let mut offset = offset;
    for &(z, at_z) in m.points {
        let diff = cb.sub(at_z, at_x);
        let scaled = cb.mul(alpha_powers[offset], diff);
        let den = cb.sub(z, x);
        let q = cb.div(
            scaled,
            den,
            &format!("{label}: the opening point is not the query point"),
        );
        *acc = cb.add(*acc, q);
        offset += width;
    }
    Ok(offset)
}

/// `1, α, α², …` (`n` powers).
pub fn powers(cb: &mut CircuitBuilder, alpha: Wire, n: usize) -> Vec<Wire> {
    let mut out = Vec::with_capacity(n);
    let mut p = cb.one();
    for _ in 0..n {
        out.push(p);
        p = cb.mul(p, alpha);
    }
    out
}

#[cfg(test)]
mod reduce_tests {
    use vouch_stark::field::{BasedVectorSpace, Field};

    use super::*;

    /// Against the formula as `open_inputs` evaluates it natively, for two matrices of one
    /// height (the second's α powers start after the first's), each opened at two points.
    #[test]
    fn matches_the_native_reduction() {
        let mut seed = 11u64;
        let mut next = || {
            seed = seed
                .wrapping_mul(6364136223846793005)
                .wrapping_add(1442695040888963407);
            Val::from_u32((seed >> 33) as u32)
        };
        let ext = |next: &mut dyn FnMut() -> Val| Challenge::from_basis_coefficients_fn(|_| next());
        let log_height = 5;
        let index = 19usize;
        let widths = [3usize, 7];
        let alpha = ext(&mut next);
        let rows: Vec<Vec<Val>> = widths
            .iter()
            .map(|&w| (0..w).map(|_| next()).collect())
            .collect();
        let points: Vec<Vec<(Challenge, Vec<Challenge>)>> = widths
            .iter()
            .map(|&w| {
                (0..2)
                    .map(|_| (ext(&mut next), (0..w).map(|_| ext(&mut next)).collect()))
                    .collect()
            })
            .collect();
        // Native, as open_inputs: x = GENERATOR · g^{rev(index)}; offsets run across matrices
        // and points of the height.
        let rev = index.reverse_bits() >> (usize::BITS as usize - log_height);
        let x = Val::GENERATOR * Val::two_adic_generator(log_height).exp_u64(rev as u64);
        let pw: Vec<Challenge> = alpha.powers().take(40).collect();
        let mut expected = Challenge::ZERO;
        let mut off = 0;
        for (row, pts) in rows.iter().zip(&points) {
            for (z, vals) in pts {
                let at_z: Challenge = vals.iter().zip(&pw[off..]).map(|(&v, &a)| a * v).sum();
                let at_x: Challenge = row.iter().zip(&pw[off..]).map(|(&v, &a)| a * v).sum();
                expected += (at_z - at_x) * (*z - Challenge::from(x)).inverse();
                off += vals.len();
            }
        }

        let mut cb = CircuitBuilder::new();
        let bits = cb.inputs(log_height);
        let a = cb.input();
        let row_w: Vec<Vec<Wire>> = widths.iter().map(|&w| cb.inputs(w)).collect();
        let pt_w: Vec<Vec<(Wire, Vec<Wire>)>> = widths
            .iter()
            .map(|&w| (0..2).map(|_| (cb.input(), cb.inputs(w))).collect())
            .collect();
        let xw = query_point(&mut cb, &bits);
        let pws = powers(&mut cb, a, 20);
        let mut acc = cb.zero();
        let mut offset = 0;
        for (r, p) in row_w.iter().zip(&pt_w) {
            let p: Vec<(Wire, Wire)> = p
                .iter()
                .map(|(z, values)| (*z, claim_sum(&mut cb, &pws, values)))
                .collect();
            let m = MatrixOpening { row: r, points: &p };
            offset = reduce_matrix(&mut cb, &mut acc, xw, &pws, offset, &m, "reduce").unwrap();
        }
        assert_eq!(offset, 20);
        let c = cb.build();
        let mut inputs: Vec<Challenge> = (0..log_height)
            .map(|k| Challenge::from(Val::from_u32(((index >> k) & 1) as u32)))
            .collect();
        inputs.push(alpha);
        for r in &rows {
            inputs.extend(r.iter().map(|&v| Challenge::from(v)));
        }
        for pts in &points {
            for (z, vals) in pts {
                inputs.push(*z);
                inputs.extend(vals);
            }
        }
        let w = c.eval(&inputs).unwrap();
        assert_eq!(w[xw.0 as usize], Challenge::from(x));
        assert_eq!(w[acc.0 as usize], expected);
    }
}
