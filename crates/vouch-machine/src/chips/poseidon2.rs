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

use vouch_stark::air::{Air, BaseAir, LookupBus, WindowAccess};
use vouch_stark::field::PrimeCharacteristicRing;
use vouch_stark::matrix::RowMajorMatrix;
use vouch_stark::poseidon2::{
    GenericPoseidon2LinearLayers, LinearLayers, HALF_FULL_ROUNDS, PARTIAL_ROUNDS,
    RC24_EXTERNAL_FINAL, RC24_EXTERNAL_INITIAL, RC24_INTERNAL, RC_EXTERNAL_FINAL,
    RC_EXTERNAL_INITIAL, RC_INTERNAL, WIDTH,
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
        TABLE_16.eval(b);
    }
}

/// A Poseidon2 table of width `W`: one permutation per row, in the layout of
/// [`Poseidon2Cols`] (input, the full rounds' `(sq, post)`, the partial rounds' `(sq, post)`,
/// the full rounds again, `mult`), providing `(input[W], output[W])` on `bus` `mult` times.
/// Width 16 is the machine's chip ([`TABLE_16`]); width 24 ([`TABLE_24`]) hashes Merkle
/// leaves, for the recursion circuit. Same degree-2 rounds as described above for both.
#[derive(Clone, Copy, Debug)]
pub struct Poseidon2Table<const W: usize> {
    pub initial: &'static [[Val; W]; HALF_FULL_ROUNDS],
    pub internal: &'static [Val],
    pub terminal: &'static [[Val; W]; HALF_FULL_ROUNDS],
    /// The bus it provides on.
    pub bus: &'static str,
}

impl<const W: usize> BaseAir<Val> for Poseidon2Table<W>
where
    LinearLayers: GenericPoseidon2LinearLayers<W>,
{
    fn width(&self) -> usize {
        Poseidon2Table::width(self)
    }

    fn main_next_row_columns(&self) -> Vec<usize> {
        Vec::new()
    }
}

impl<AB: MachineBuilder, const W: usize> Air<AB> for Poseidon2Table<W>
where
    LinearLayers: GenericPoseidon2LinearLayers<W>,
{
    fn eval(&self, b: &mut AB) {
        Poseidon2Table::eval(self, b);
    }
}

/// The width-16 permutation on the `poseidon2` bus: the machine's chip.
pub const TABLE_16: Poseidon2Table<16> = Poseidon2Table {
    initial: &RC_EXTERNAL_INITIAL,
    internal: &RC_INTERNAL,
    terminal: &RC_EXTERNAL_FINAL,
    bus: POSEIDON2.name(),
};

/// Width-24 permutations `(input[24], output[24])`, for hashing Merkle leaves in a circuit.
pub const POSEIDON2_24: LookupBus<'static> = LookupBus::new("poseidon2_24");

/// The width-24 permutation on the `poseidon2_24` bus.
pub const TABLE_24: Poseidon2Table<24> = Poseidon2Table {
    initial: &RC24_EXTERNAL_INITIAL,
    internal: &RC24_INTERNAL,
    terminal: &RC24_EXTERNAL_FINAL,
    bus: POSEIDON2_24.name(),
};

impl<const W: usize> Poseidon2Table<W>
where
    LinearLayers: GenericPoseidon2LinearLayers<W>,
{
    /// Columns per row.
    pub const fn width(&self) -> usize {
        W + 2 * HALF_FULL_ROUNDS * 2 * W + 2 * self.internal.len() + 1
    }

    /// Where the output (the last full round's `post`) starts in a row.
    pub const fn output_offset(&self) -> usize {
        self.width() - 1 - W
    }

    /// The rounds' constraints and the bus entry.
    pub fn eval<AB: MachineBuilder>(&self, b: &mut AB) {
        let main = b.main();
        let row: &[AB::Var] = main.current_slice();
        let c = |x: Val| AB::Expr::from(x);
        let mut at = W;
        let mut state: [AB::Expr; W] = core::array::from_fn(|i| row[i].into());
        LinearLayers::external_linear_layer(&mut state);
        let full_round = |b: &mut AB, state: &mut [AB::Expr; W], rc: &[Val; W], at: &mut usize| {
            let (sq, post) = (&row[*at..*at + W], &row[*at + W..*at + 2 * W]);
            // Each lane: x = state + rc (linear), sq = x^2, S-box output sq * x (degree 2).
            let mut out: [AB::Expr; W] = core::array::from_fn(|i| {
                let x = state[i].clone() + c(rc[i]);
                b.assert_eq(sq[i], x.clone() * x.clone());
                AB::Expr::from(sq[i]) * x
            });
            LinearLayers::external_linear_layer(&mut out);
            for (&p, out) in post.iter().zip(out) {
                b.assert_eq(p, out);
            }
            *state = core::array::from_fn(|i| post[i].into());
            *at += 2 * W;
        };
        for rc in self.initial {
            full_round(b, &mut state, rc, &mut at);
        }
        for &rc in self.internal {
            let (sq, post) = (row[at], row[at + 1]);
            let x = state[0].clone() + c(rc);
            b.assert_eq(sq, x.clone() * x.clone());
            b.assert_eq(post, AB::Expr::from(sq) * x);
            state[0] = post.into();
            LinearLayers::internal_linear_layer(&mut state);
            at += 2;
        }
        for rc in self.terminal {
            full_round(b, &mut state, rc, &mut at);
        }
        let out = self.output_offset();
        let tuple = row[..W].iter().chain(&row[out..out + W]).copied();
        LookupBus::new(self.bus).table_entry(b, tuple, row[self.width() - 1]);
    }

    /// Fill `row` (of [`Self::width`] columns) with the permutation of `input`, `mult` times.
    pub fn populate(&self, row: &mut [Val], input: [Val; W], mult: Val) {
        let mut at = W;
        row[..W].copy_from_slice(&input);
        let mut state = input;
        LinearLayers::external_linear_layer(&mut state);
        let full_round = |row: &mut [Val], state: &mut [Val; W], rc: &[Val; W], at: &mut usize| {
            for i in 0..W {
                let x = state[i] + rc[i];
                row[*at + i] = x * x;
                state[i] = row[*at + i] * x;
            }
            LinearLayers::external_linear_layer(state);
            row[*at + W..*at + 2 * W].copy_from_slice(state);
            *at += 2 * W;
        };
        for rc in self.initial {
            full_round(row, &mut state, rc, &mut at);
        }
        for &rc in self.internal {
            let x = state[0] + rc;
            row[at] = x * x;
            row[at + 1] = row[at] * x;
            state[0] = row[at + 1];
            LinearLayers::internal_linear_layer(&mut state);
            at += 2;
        }
        for rc in self.terminal {
            full_round(row, &mut state, rc, &mut at);
        }
        row[at] = mult;
    }

    /// The table for `inputs` (one row each, `mult` 1), padded to a power of two (at least
    /// [`crate::MIN_HEIGHT`]) with permutations of zero and `mult` 0.
    pub fn generate(&self, inputs: &[[Val; W]]) -> RowMajorMatrix<Val> {
        self.generate_with_height(inputs, crate::padded_height(inputs.len()))
    }

    /// As [`Self::generate`], padded to `height` rows (a power of two, at least as many as
    /// there are inputs: callers that fix a table's height, like the recursion's fixed shapes).
    pub fn generate_with_height(&self, inputs: &[[Val; W]], height: usize) -> RowMajorMatrix<Val> {
        use vouch_stark::par::*;
        debug_assert!(height.is_power_of_two() && height >= inputs.len());
        let width = self.width();
        let mut padding = vec![Val::ZERO; width];
        self.populate(&mut padding, [Val::ZERO; W], Val::ZERO);
        let mut values = vec![Val::ZERO; height * width];
        values
            .par_chunks_exact_mut(width)
            .enumerate()
            .for_each(|(i, row)| match inputs.get(i) {
                Some(input) => self.populate(row, *input, Val::ONE),
                None => row.copy_from_slice(&padding),
            });
        RowMajorMatrix::new(values, width)
    }
}

#[cfg(feature = "trace")]
pub use trace::generate_trace;

#[cfg(feature = "trace")]
mod trace {
    use vouch_stark::matrix::RowMajorMatrix;
    use vouch_stark::poseidon2::WIDTH;
    use vouch_stark::Val;

    use super::TABLE_16;
    use crate::trace::{LookupCounts, TraceError};

    pub fn generate_trace(
        inputs: &[[Val; WIDTH]],
        _counts: &mut LookupCounts,
    ) -> Result<RowMajorMatrix<Val>, TraceError> {
        Ok(TABLE_16.generate(inputs))
    }
}

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
    fn the_typed_columns_are_the_generic_layout() {
        assert_eq!(Poseidon2Cols::<Val>::WIDTH, super::TABLE_16.width());
        assert_eq!(super::TABLE_24.width(), 24 * 17 + 2 * 23 + 1);
    }

    /// The width-24 table: rows are the native width-24 permutation and satisfy the
    /// constraints; a changed output or partial-round square does not.
    #[test]
    fn the_width_24_table_matches_the_native_permutation() {
        use vouch_stark::poseidon2::permutation_24;
        let t24 = super::TABLE_24;
        let ins: Vec<[Val; 24]> = (0..5u32)
            .map(|k| core::array::from_fn(|i| Val::from_u32(k * 100 + i as u32)))
            .collect();
        let t = t24.generate(&ins);
        let perm = permutation_24();
        let out = t24.output_offset();
        for (row, input) in t.values.chunks_exact(t.width).zip(&ins) {
            assert_eq!(&row[..24], input);
            assert_eq!(row[out..out + 24], perm.permute(*input));
        }
        let failing = |t: &vouch_stark::matrix::RowMajorMatrix<Val>| {
            let r = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
                vouch_stark::debug::check_all(&[t24], core::slice::from_ref(t), &[vec![]]);
            }));
            let msg = r
                .err()
                .map(|e| e.downcast_ref::<String>().cloned().unwrap_or_default());
            msg.is_some_and(|m| m.contains("failed constraints"))
        };
        assert!(!failing(&t));
        // Output word 3; partial round 7's square (after the input and four full rounds).
        for at in [out + 3, 24 + 4 * 48 + 2 * 7] {
            let mut bad = t.clone();
            bad.values[t.width + at] += Val::ONE;
            assert!(failing(&bad), "column {at}");
        }
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
