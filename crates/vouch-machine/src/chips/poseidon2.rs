//! The Poseidon2 table: one width-16 KoalaBear Poseidon2 permutation per row.
//!
//! Given a row, this chip proves `output = Poseidon2(input)` for the permutation the rest of
//! vouch uses natively (`vouch_stark::poseidon2::permutation()`: Plonky3's KoalaBear constants,
//! 4 + 4 full rounds, 20 partial rounds, S-box `x^3`), and provides the entry
//! `(input[16], output[16])` on the `poseidon2` bus `mult` times. The page and Merkle chips look
//! their sponge and compression steps up here; the multiplicity is unconstrained, as in every
//! lookup table: an entry can only be provided for a true permutation, however often.
//!
//! ## Degree 2
//! Plonky3's `p3-poseidon2-air` evaluates a degree-3 S-box without auxiliary columns (its
//! `(SBOX_DEGREE, SBOX_REGISTERS) = (3, 0)`), which makes its round constraints degree 3, and
//! it has no `(3, 1)` configuration (it panics). A degree-3 constraint would put the quotient
//! outside the blowup-2 LDE once zero knowledge is added, so this chip keeps the same round
//! structure, constants and linear layers (`vouch_stark::poseidon2`) but commits the *square*
//! of every S-box input:
//! - full round: for each of the 16 lanes `x = state + rc`, column `sq = x^2` (degree 2), then
//!   `post = M_E (sq * x)` is checked lane by lane (degree 2) and becomes the next state;
//! - partial round: lane 0 only: `x = state_0 + rc`, `sq = x^2`, `post = sq * x` (degree 2);
//!   the internal linear layer keeps the state linear in the columns.
//!
//! Every state entering an S-box is therefore linear in the columns, every constraint has
//! degree 2, and the output (the last full round's `post`) is a column block, so the bus tuple
//! is linear. Cost: 16 + 8 * 32 + 20 * 2 + 1 = 313 columns per permutation.
//!
//! Padding rows permute the zero state (all-zero rows do not satisfy the rounds) with
//! multiplicity 0.

use core::borrow::Borrow;

use vouch_stark::air::{Air, BaseAir, WindowAccess};
use vouch_stark::poseidon2::{
    GenericPoseidon2LinearLayers, LinearLayers, HALF_FULL_ROUNDS, PARTIAL_ROUNDS,
    RC_EXTERNAL_FINAL, RC_EXTERNAL_INITIAL, RC_INTERNAL, WIDTH,
};
use vouch_stark::Val;

use crate::bus::POSEIDON2;
use crate::impl_columns;
use crate::MachineBuilder;

/// One full round: every lane goes through the S-box.
#[repr(C)]
#[derive(Clone, Copy, Debug)]
pub struct FullRoundCols<T> {
    /// `x^2` for each lane's S-box input `x = state + rc` (pinned by `sq = x * x`).
    pub sq: [T; WIDTH],
    /// The state after the round: `M_E (sq * x)` (pinned lane by lane).
    pub post: [T; WIDTH],
}

/// One partial round: lane 0 goes through the S-box.
#[repr(C)]
#[derive(Clone, Copy, Debug)]
pub struct PartialRoundCols<T> {
    /// `x^2` for lane 0's S-box input `x = state_0 + rc` (pinned by `sq = x * x`).
    pub sq: T,
    /// `x^3`, lane 0 after the S-box (pinned by `post = sq * x`); the internal linear layer
    /// then mixes it into the (linear) state.
    pub post: T,
}

/// One permutation.
#[repr(C)]
#[derive(Clone, Copy, Debug)]
pub struct Poseidon2Cols<T> {
    /// The permutation's input (free: it is what the row proves a permutation of).
    pub input: [T; WIDTH],
    /// The first half of the full rounds (after the initial external linear layer).
    pub beginning_full_rounds: [FullRoundCols<T>; HALF_FULL_ROUNDS],
    pub partial_rounds: [PartialRoundCols<T>; PARTIAL_ROUNDS],
    /// The second half; the last round's `post` is the output.
    pub ending_full_rounds: [FullRoundCols<T>; HALF_FULL_ROUNDS],
    /// How many times the entry is looked up (pinned by the bus balance only, as in every
    /// lookup table; 0 on padding rows).
    pub mult: T,
}
impl_columns!(Poseidon2Cols);

impl<T: Copy> Poseidon2Cols<T> {
    /// The permutation's output.
    pub fn output(&self) -> [T; WIDTH] {
        self.ending_full_rounds[HALF_FULL_ROUNDS - 1].post
    }
}

/// The Poseidon2 chip.
#[derive(Clone, Copy, Debug)]
pub struct Poseidon2Chip;

impl BaseAir<Val> for Poseidon2Chip {
    fn width(&self) -> usize {
        Poseidon2Cols::<Val>::WIDTH
    }

    fn main_next_row_columns(&self) -> Vec<usize> {
        Vec::new()
    }
}

impl<AB: MachineBuilder> Air<AB> for Poseidon2Chip {
    fn eval(&self, b: &mut AB) {
        let main = b.main();
        let row: &Poseidon2Cols<AB::Var> = main.current_slice().borrow();
        let c = |x: Val| AB::Expr::from(x);

        let mut state: [AB::Expr; WIDTH] = row.input.map(Into::into);
        LinearLayers::external_linear_layer(&mut state);
        let full_round = |b: &mut AB,
                          state: &mut [AB::Expr; WIDTH],
                          cols: &FullRoundCols<AB::Var>,
                          rc: &[Val; WIDTH]| {
            // Each lane: x = state + rc (linear), sq = x^2, S-box output sq * x (degree 2).
            let mut out: [AB::Expr; WIDTH] = core::array::from_fn(|i| {
                let x = state[i].clone() + c(rc[i]);
                b.assert_eq(cols.sq[i], x.clone() * x.clone());
                AB::Expr::from(cols.sq[i]) * x
            });
            LinearLayers::external_linear_layer(&mut out);
            for (&post, out) in cols.post.iter().zip(out) {
                b.assert_eq(post, out);
            }
            *state = cols.post.map(Into::into);
        };
        for (cols, rc) in row.beginning_full_rounds.iter().zip(&RC_EXTERNAL_INITIAL) {
            full_round(b, &mut state, cols, rc);
        }
        for (cols, &rc) in row.partial_rounds.iter().zip(&RC_INTERNAL) {
            let x = state[0].clone() + c(rc);
            b.assert_eq(cols.sq, x.clone() * x.clone());
            b.assert_eq(cols.post, AB::Expr::from(cols.sq) * x);
            state[0] = cols.post.into();
            LinearLayers::internal_linear_layer(&mut state);
        }
        for (cols, rc) in row.ending_full_rounds.iter().zip(&RC_EXTERNAL_FINAL) {
            full_round(b, &mut state, cols, rc);
        }

        let output = row.output();
        let tuple = row.input.iter().chain(output.iter()).copied();
        POSEIDON2.table_entry(b, tuple, row.mult);
    }
}

#[cfg(feature = "trace")]
pub use trace::generate_trace;

#[cfg(feature = "trace")]
mod trace {
    use core::borrow::BorrowMut;

    use vouch_stark::field::PrimeCharacteristicRing;
    use vouch_stark::matrix::RowMajorMatrix;
    use vouch_stark::par::*;
    use vouch_stark::poseidon2::{
        GenericPoseidon2LinearLayers, LinearLayers, RC_EXTERNAL_FINAL, RC_EXTERNAL_INITIAL,
        RC_INTERNAL, WIDTH,
    };
    use vouch_stark::Val;

    use super::{FullRoundCols, Poseidon2Cols};
    use crate::machine::padded_height;
    use crate::trace::{zero_matrix, LookupCounts, TraceError};

    /// Fill `cols` with the permutation of `input`, looked up `mult` times.
    fn populate(cols: &mut Poseidon2Cols<Val>, input: [Val; WIDTH], mult: Val) {
        fn full_round(state: &mut [Val; WIDTH], cols: &mut FullRoundCols<Val>, rc: &[Val; WIDTH]) {
            for i in 0..WIDTH {
                let x = state[i] + rc[i];
                cols.sq[i] = x * x;
                state[i] = cols.sq[i] * x;
            }
            LinearLayers::external_linear_layer(state);
            cols.post = *state;
        }
        cols.input = input;
        cols.mult = mult;
        let mut state = input;
        LinearLayers::external_linear_layer(&mut state);
        for (round, rc) in cols
            .beginning_full_rounds
            .iter_mut()
            .zip(&RC_EXTERNAL_INITIAL)
        {
            full_round(&mut state, round, rc);
        }
        for (round, &rc) in cols.partial_rounds.iter_mut().zip(&RC_INTERNAL) {
            let x = state[0] + rc;
            round.sq = x * x;
            round.post = round.sq * x;
            state[0] = round.post;
            LinearLayers::internal_linear_layer(&mut state);
        }
        for (round, rc) in cols.ending_full_rounds.iter_mut().zip(&RC_EXTERNAL_FINAL) {
            full_round(&mut state, round, rc);
        }
    }

    /// The Poseidon2 table: one row per permutation input in `inputs`, each provided once (an
    /// input looked up twice appears twice), padded with permutations of zero provided 0 times.
    pub fn generate_trace(
        inputs: &[[Val; 16]],
        _counts: &mut LookupCounts,
    ) -> Result<RowMajorMatrix<Val>, TraceError> {
        let width = Poseidon2Cols::<Val>::WIDTH;
        let height = padded_height(inputs.len());
        let mut padding = vec![Val::ZERO; width];
        populate(
            padding.as_mut_slice().borrow_mut(),
            [Val::ZERO; WIDTH],
            Val::ZERO,
        );
        let mut trace = zero_matrix(height, width);
        trace
            .values
            .par_chunks_exact_mut(width)
            .enumerate()
            .for_each(|(i, row)| match inputs.get(i) {
                Some(input) => populate(row.borrow_mut(), *input, Val::ONE),
                None => row.copy_from_slice(&padding),
            });
        Ok(trace)
    }
}

/// SANITY: the table against the native permutation, and its constraints.
#[cfg(all(test, feature = "trace"))]
mod tests {
    use core::borrow::{Borrow, BorrowMut};

    use vouch_stark::field::PrimeCharacteristicRing;
    use vouch_stark::poseidon2::{permutation, Permutation, WIDTH};
    use vouch_stark::Val;

    use super::{generate_trace, Poseidon2Chip, Poseidon2Cols};
    use crate::chips::load::tests::failing_constraints;
    use crate::trace::LookupCounts;
    use crate::MachineAir;

    /// Deterministic pseudo-random field elements (SplitMix64).
    fn inputs(n: usize, seed: u64) -> Vec<[Val; WIDTH]> {
        let mut s = seed;
        let mut next = move || {
            s = s.wrapping_add(0x9e37_79b9_7f4a_7c15);
            let mut z = s;
            z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
            z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
            Val::from_u64(z ^ (z >> 31))
        };
        (0..n).map(|_| core::array::from_fn(|_| next())).collect()
    }

    fn table(inputs: &[[Val; WIDTH]]) -> vouch_stark::matrix::RowMajorMatrix<Val> {
        generate_trace(inputs, &mut LookupCounts::new(0, 0)).unwrap_or_else(|e| panic!("{e}"))
    }

    #[test]
    fn rows_match_the_native_permutation_and_satisfy_the_constraints() {
        let mut ins = inputs(300, 7);
        ins.push([Val::ZERO; WIDTH]);
        ins.push([Val::NEG_ONE; WIDTH]);
        let t = table(&ins);
        assert_eq!(t.values.len() / t.width, 512, "padded to a power of two");
        let perm = permutation();
        for (i, row) in t.values.chunks_exact(t.width).enumerate() {
            let row: &Poseidon2Cols<Val> = row.borrow();
            let input = ins.get(i).copied().unwrap_or([Val::ZERO; WIDTH]);
            assert_eq!(row.input, input);
            assert_eq!(row.output(), perm.permute(input), "row {i}");
            let mult = if i < ins.len() { Val::ONE } else { Val::ZERO };
            assert_eq!(row.mult, mult, "row {i}");
        }
        assert_eq!(
            failing_constraints(MachineAir::Poseidon2(Poseidon2Chip), &t),
            None
        );
    }

    #[test]
    fn an_empty_table_is_padding_that_satisfies_the_constraints() {
        let t = table(&[]);
        assert_eq!(t.values.len() / t.width, crate::MIN_HEIGHT);
        assert_eq!(
            failing_constraints(MachineAir::Poseidon2(Poseidon2Chip), &t),
            None
        );
    }

    /// NEGATIVE: a wrong output, a wrong square and a wrong partial-round value each break
    /// the round that holds them.
    #[test]
    fn a_tampered_round_fails() {
        let ins = inputs(3, 1);
        let width = Poseidon2Cols::<Val>::WIDTH;
        type Tamper = fn(&mut Poseidon2Cols<Val>);
        let tampers: [(&str, Tamper); 4] = [
            ("output", |r| r.ending_full_rounds[3].post[5] += Val::ONE),
            ("full-round square", |r| {
                r.beginning_full_rounds[0].sq[0] += Val::ONE
            }),
            ("partial-round square", |r| {
                r.partial_rounds[7].sq += Val::ONE
            }),
            ("partial-round output", |r| {
                r.partial_rounds[19].post += Val::ONE
            }),
        ];
        for (what, tamper) in tampers {
            let mut t = table(&ins);
            tamper(t.values[width..2 * width].borrow_mut());
            assert!(
                failing_constraints(MachineAir::Poseidon2(Poseidon2Chip), &t).is_some(),
                "{what}"
            );
        }
    }
}
