//! The page chip: paging memory in from the tree and out to it (continuation segments).
//!
//! Given the leaves `(0, page, L_in, L_out)` that the Merkle chip consumes, this chip proves,
//! for every page the segment touches, that
//! - `L_in` is the leaf of the page's 64 initial words with the salt `salt_in`, and each word
//!   is sent on the `memory` bus as its cell's initial state `(addr, init, 0)`;
//! - `L_out` is the leaf of the words received from the `memory` bus as final states
//!   `(addr, last, last_ts)`, with a salt `salt_out` of the prover's choosing;
//!
//! where `addr` is the cell of slot `s` of the page: `s` itself for the register page 0 (slots
//! 0..=32 are the registers, slot 33 the pc, the rest unused), `256 page + 4 s` for a RAM page.
//! Leaves are `paging::leaf_hash`: the Poseidon2 sponge (overwrite mode, rate 8, zero initial
//! capacity) of `salt ‖ w_0.lo, w_0.hi, …, w_63.lo, w_63.hi`, the digest being the rate part
//! of the last state.
//!
//! ## Layout
//! A page is 17 consecutive rows: a *salt row* absorbing the two salts, then 16 *word rows*
//! absorbing 4 words each (slots `4(k-1) .. 4k` on word row `k`). Every row runs one step of
//! both sponges (page-in over `init`, page-out over `last`): two `poseidon2` lookups
//! `(chunk ‖ capacity) → state`. The salt shares the word columns: on a salt row the salt's
//! element `2i` sits in byte 0 of word `i` and element `2i + 1` in byte 2, bytes 1 and 3 are 0,
//! so a chunk is `(b0 + 256 b1, b2 + 256 b3)` per word on every row, linear in the columns.
//!
//! ## Why it is sound
//! - *Structure.* `next.is_word = is_salt + is_word - is_last` on every transition, the first
//!   row is not a word row and the last row is not a salt row or a non-last word row: so word
//!   rows come in runs that start right after a salt row and continue until a row with
//!   `is_last`. Page index and kind are constant along a run. The address starts at
//!   `base - 4 stride` on the salt row and grows by `4 stride` per word row; `is_last` requires
//!   `addr = base + 60 stride`, which (`stride` ∈ {1, 4}) happens on the 16th word row only. So
//!   every page is exactly salt row + 16 word rows covering its 64 slots once each.
//! - *Kind.* `is_reg` is boolean, `is_reg * page = 0` and `real (1 - is_reg) = page * page_inv`:
//!   a real row has `is_reg = 1` exactly when `page = 0`. So `base = 256 page` and the stride
//!   `4 - 3 is_reg` are the true ones, and addresses are `slot` on page 0 and `256 page + 4 slot`
//!   otherwise: distinct for distinct (page, slot) as long as `page < 2^21` (then `addr < 2^29`),
//!   which the Merkle chip's tree guarantees (it consumes leaves only at the 2^21 leaf
//!   positions, each once).
//! - *Sponges.* The salt row absorbs with zero capacity; each word row's capacity is the
//!   previous row's output capacity (transition constraints); the leaf sent on the last row is
//!   the rate part of the last state. The chunks are the 16-bit halves of the words, and the
//!   initial words' bytes are range-checked here (8 byte-pair lookups per word row): the tree
//!   binds only the halves, so unchecked bytes could alias (`b0 + 256 b1` has many non-byte
//!   solutions). Final words come from the `memory` bus, where every value is bytes by
//!   induction (every sender range-checks what it sends).
//! - *Memory.* Every cell of a paged-in page gets its initial state here, once; final states
//!   are received once per cell. With the tree's distinctness of pages this is the memory
//!   boundary of `docs/machine.md` (the boundary chip's role in an unpaged proof): every
//!   address is initialised exactly once, so with `prev_ts < ts` on every access, reads return
//!   the last value written or the paged-in one.

use core::borrow::Borrow;

use vouch_stark::air::{Air, AirBuilder, BaseAir, WindowAccess};
use vouch_stark::field::PrimeCharacteristicRing;
use vouch_stark::Val;

use crate::bus::{bytes_checked, once, MEMORY, MERKLE, POSEIDON2};
use crate::columns::Word;
use crate::impl_columns;
use crate::MachineBuilder;

/// Rows per page: the salt row and 16 word rows.
pub const ROWS_PER_PAGE: usize = 17;
/// Words absorbed per word row.
pub const WORDS_PER_ROW: usize = 4;

/// One sponge step: `state = Poseidon2(chunk ‖ capacity)`.
#[repr(C)]
#[derive(Clone, Copy, Debug, Default)]
pub struct SpongeCols<T> {
    /// The capacity absorbed with the chunk: 0 on a salt row, the previous row's
    /// `state[8..16]` on a word row (transition constraints).
    pub capacity: [T; 8],
    /// The permutation's output (the `poseidon2` lookup). On a page's last row `state[0..8]`
    /// is the leaf.
    pub state: [T; 16],
}

/// One row of a page: its salt row or one of its 16 word rows.
#[repr(C)]
#[derive(Clone, Copy, Debug, Default)]
pub struct PageCols<T> {
    /// The page's index, constant on its rows (transition); the leaf's position.
    pub page: T,
    /// 1 on the register page's rows: boolean, `is_reg * page = 0`, and `page_inv` forces it to
    /// 1 when `page = 0`; constant on a page's rows (transition).
    pub is_reg: T,
    /// `1 / page` on a RAM page's real rows (`real (1 - is_reg) = page * page_inv`); 0 on the
    /// register page (`is_reg * page_inv = 0`).
    pub page_inv: T,
    /// 1 on a page's first row (boolean).
    pub is_salt: T,
    /// 1 on its 16 word rows (boolean; `is_salt + is_word` boolean; the transition rule).
    pub is_word: T,
    /// 1 on its last word row (boolean, only on a word row, only at the page's last address).
    pub is_last: T,
    /// Memory-bus address of the row's first cell: `base + 4 stride (k - 1)` on word row `k`,
    /// `base - 4 stride` on the salt row (the salt-row constraint, then `+ 4 stride` per row).
    pub addr: T,
    /// Word rows: the initial words (range-checked bytes) sent on the memory bus and absorbed
    /// by the page-in sponge. Salt row: `salt_in` (elements `2i`, `2i + 1` in bytes 0 and 2 of
    /// word `i`, bytes 1 and 3 pinned to 0), pinned by the leaf.
    pub init: [Word<T>; WORDS_PER_ROW],
    /// Word rows: the final words received from the memory bus, absorbed by the page-out
    /// sponge. Salt row: `salt_out`, laid out as `init` (free: the prover's random salt).
    pub last: [Word<T>; WORDS_PER_ROW],
    /// Word rows: timestamps of the final states (the memory bus). Salt row: 0.
    pub last_ts: [T; WORDS_PER_ROW],
    /// The page-in sponge (over `salt_in` and `init`).
    pub sponge_in: SpongeCols<T>,
    /// The page-out sponge (over `salt_out` and `last`).
    pub sponge_out: SpongeCols<T>,
}
impl_columns!(PageCols);

/// The page chip.
#[derive(Clone, Copy, Debug)]
pub struct PageChip;

impl BaseAir<Val> for PageChip {
    fn width(&self) -> usize {
        PageCols::<Val>::WIDTH
    }

    fn main_next_row_columns(&self) -> Vec<usize> {
        let i = PageCols::indices();
        let mut cols = vec![i.page, i.is_reg, i.is_word, i.addr];
        cols.extend(i.sponge_in.capacity);
        cols.extend(i.sponge_out.capacity);
        cols.sort_unstable();
        cols
    }
}

/// The sponge chunk of a row: two 16-bit halves per word (on a salt row, the salt).
fn chunk<AB: MachineBuilder>(words: &[Word<AB::Var>; WORDS_PER_ROW]) -> Vec<AB::Expr> {
    let c256 = AB::Expr::from_u32(256);
    words
        .iter()
        .flat_map(|w| {
            [
                AB::Expr::from(w[0]) + c256.clone() * w[1],
                AB::Expr::from(w[2]) + c256.clone() * w[3],
            ]
        })
        .collect()
}

impl<AB: MachineBuilder> Air<AB> for PageChip {
    fn eval(&self, b: &mut AB) {
        let main = b.main();
        let local: &PageCols<AB::Var> = main.current_slice().borrow();
        let next: &PageCols<AB::Var> = main.next_slice().borrow();
        let (local, next) = (*local, *next);
        let c = |x: u32| AB::Expr::from_u32(x);
        let e = |v: AB::Var| -> AB::Expr { v.into() };

        // Row kinds.
        b.assert_bool(local.is_salt);
        b.assert_bool(local.is_word);
        b.assert_bool(local.is_last);
        let real = e(local.is_salt) + e(local.is_word);
        b.assert_bool(real.clone());
        b.assert_zero(e(local.is_last) * (c(1) - e(local.is_word)));

        // Page kind: is_reg = 1 exactly on real rows of page 0.
        b.assert_bool(local.is_reg);
        b.assert_zero(e(local.is_reg) * e(local.page));
        b.assert_zero(e(local.is_reg) * e(local.page_inv));
        b.assert_eq(
            real.clone() * (c(1) - e(local.is_reg)),
            e(local.page) * e(local.page_inv),
        );
        // Cell stride: 1 on the register page, 4 (bytes) on a RAM page.
        let stride = c(4) - c(3) * e(local.is_reg);

        // Structure: a salt row or a non-last word row is followed by a word row, and only
        // those are; the first row has no predecessor and the last row no successor.
        b.when_transition()
            .assert_eq(next.is_word, real.clone() - e(local.is_last));
        b.when_first_row().assert_zero(local.is_word);
        b.when_last_row()
            .assert_zero(real.clone() - e(local.is_last));
        // Along a page: same index and kind, next address.
        let next_word = e(next.is_word);
        b.when_transition()
            .assert_zero(next_word.clone() * (e(next.page) - e(local.page)));
        b.when_transition()
            .assert_zero(next_word.clone() * (e(next.is_reg) - e(local.is_reg)));
        b.when_transition().assert_zero(
            next_word.clone() * (e(next.addr) - e(local.addr) - c(4) * stride.clone()),
        );
        // The salt row starts one group before slot 0; the last word row holds slots 60..63.
        let base = c(256) * e(local.page);
        b.assert_zero(e(local.is_salt) * (e(local.addr) - base.clone() + c(4) * stride.clone()));
        b.assert_zero(e(local.is_last) * (e(local.addr) - base - c(60) * stride.clone()));

        // Salt row: bytes 1 and 3 of each word hold nothing, no timestamps.
        for w in local.init.iter().chain(local.last.iter()) {
            b.assert_zero(e(local.is_salt) * e(w[1]));
            b.assert_zero(e(local.is_salt) * e(w[3]));
        }
        for ts in local.last_ts {
            b.assert_zero(e(local.is_salt) * e(ts));
        }

        // Sponges: zero capacity on the salt row, chained capacity on word rows, one
        // permutation per row each.
        for (words, sponge, next_sponge) in [
            (&local.init, &local.sponge_in, &next.sponge_in),
            (&local.last, &local.sponge_out, &next.sponge_out),
        ] {
            for j in 0..8 {
                b.assert_zero(e(local.is_salt) * e(sponge.capacity[j]));
                b.when_transition().assert_zero(
                    next_word.clone() * (e(next_sponge.capacity[j]) - e(sponge.state[8 + j])),
                );
            }
            let mut tuple = chunk::<AB>(words);
            tuple.extend(sponge.capacity.map(e));
            tuple.extend(sponge.state.map(e));
            POSEIDON2.lookup_key(b, tuple, once(real.clone()));
        }

        // Memory: each cell's initial state out, its final state in.
        let word = e(local.is_word);
        for i in 0..WORDS_PER_ROW {
            let addr = e(local.addr) + c(i as u32) * stride.clone();
            let [i0, i1, i2, i3] = local.init[i].map(e);
            MEMORY.send(
                b,
                [addr.clone(), i0, i1, i2, i3, AB::Expr::ZERO],
                once(word.clone()),
            );
            let [l0, l1, l2, l3] = local.last[i].map(e);
            MEMORY.receive(
                b,
                [addr, l0, l1, l2, l3, e(local.last_ts[i])],
                once(word.clone()),
            );
        }
        let init_bytes: Vec<AB::Expr> = local.init.iter().flatten().map(|&v| e(v)).collect();
        bytes_checked(b, &init_bytes, word);

        // The leaf, on the last row.
        let mut leaf = vec![AB::Expr::ZERO, e(local.page)];
        leaf.extend(local.sponge_in.state[..8].iter().map(|&v| e(v)));
        leaf.extend(local.sponge_out.state[..8].iter().map(|&v| e(v)));
        MERKLE.send(b, leaf, once(e(local.is_last)));
    }
}

#[cfg(feature = "trace")]
pub use trace::generate_trace;
#[cfg(feature = "trace")]
pub(crate) use trace::sponge_input;

#[cfg(feature = "trace")]
mod trace {
    use core::borrow::BorrowMut;

    use vouch_stark::field::{Field, PrimeCharacteristicRing};
    use vouch_stark::matrix::RowMajorMatrix;
    use vouch_stark::par::*;
    use vouch_stark::poseidon2::{permutation, Permutation};
    use vouch_stark::{Perm, Val};

    use super::{PageCols, SpongeCols, ROWS_PER_PAGE, WORDS_PER_ROW};
    use crate::gadgets::word::word_to_field;
    use crate::machine::padded_height;
    use crate::paging::{PageWitness, PagedWitness, PAGE_WORDS, TREE_DEPTH};
    use crate::trace::{zero_matrix, LookupCounts, TraceError};

    /// The page table of a segment's paging witness: 17 rows per page, in the witness's order.
    /// Every permutation input the table looks up is appended to `perm_inputs`, in row order
    /// (page-in sponge, then page-out sponge).
    pub fn generate_trace(
        witness: Option<&PagedWitness>,
        counts: &mut LookupCounts,
        perm_inputs: &mut Vec<[Val; 16]>,
    ) -> Result<RowMajorMatrix<Val>, TraceError> {
        let width = PageCols::<Val>::WIDTH;
        let pages: &[PageWitness] = witness.map_or(&[], |w| &w.pages);
        for page in pages {
            if page.index >= 1 << TREE_DEPTH {
                return Err(TraceError::Paging("page index outside the memory tree"));
            }
            if page.init.len() != PAGE_WORDS
                || page.last.len() != PAGE_WORDS
                || page.last_ts.len() != PAGE_WORDS
            {
                return Err(TraceError::Paging("a page does not hold 64 words"));
            }
        }
        // 17 n is never a power of two (n > 0), so at least one padding row follows the last
        // page, as the constraints require.
        let mut trace = zero_matrix(padded_height(ROWS_PER_PAGE * pages.len()), width);
        let inputs: Vec<Vec<[Val; 16]>> = trace
            .values
            .par_chunks_mut(ROWS_PER_PAGE * width)
            .zip(pages.par_iter())
            .map(|(rows, page)| fill_page(rows, page))
            .collect();
        for page_inputs in inputs {
            perm_inputs.extend(page_inputs);
        }
        for page in pages {
            let bytes: Vec<u32> = page
                .init
                .iter()
                .flat_map(|w| w.to_le_bytes().map(u32::from))
                .collect();
            counts.bytes_checked(&bytes);
        }
        Ok(trace)
    }

    /// Fill one page's 17 rows; returns the permutation inputs they look up.
    fn fill_page(rows: &mut [Val], page: &PageWitness) -> Vec<[Val; 16]> {
        let width = PageCols::<Val>::WIDTH;
        let perm = permutation();
        let is_reg = page.index == 0;
        let stride: u32 = if is_reg { 1 } else { 4 };
        let base = 256 * page.index;
        let mut inputs = Vec::with_capacity(2 * ROWS_PER_PAGE);
        let mut cap_in = [Val::ZERO; 8];
        let mut cap_out = [Val::ZERO; 8];
        for (k, row) in rows.chunks_exact_mut(width).enumerate() {
            let row: &mut PageCols<Val> = row.borrow_mut();
            row.page = Val::from_u32(page.index);
            row.is_reg = Val::from_bool(is_reg);
            row.page_inv = if is_reg {
                Val::ZERO
            } else {
                Val::from_u32(page.index).inverse()
            };
            // Word row k holds slots 4(k-1)..4k; the salt row (k = 0) sits one group before.
            row.addr = Val::from_u32(base + 4 * stride * k as u32) - Val::from_u32(4 * stride);
            if k == 0 {
                row.is_salt = Val::ONE;
                for i in 0..WORDS_PER_ROW {
                    row.init[i] = salt_word(&page.salt_in, i);
                    row.last[i] = salt_word(&page.salt_out, i);
                }
            } else {
                row.is_word = Val::ONE;
                row.is_last = Val::from_bool(k == ROWS_PER_PAGE - 1);
                for i in 0..WORDS_PER_ROW {
                    let slot = WORDS_PER_ROW * (k - 1) + i;
                    row.init[i] = word_to_field(page.init[slot]);
                    row.last[i] = word_to_field(page.last[slot]);
                    row.last_ts[i] = Val::from_u32(page.last_ts[slot]);
                }
            }
            inputs.push(absorb(&perm, &mut row.sponge_in, &row.init, &mut cap_in));
            inputs.push(absorb(&perm, &mut row.sponge_out, &row.last, &mut cap_out));
        }
        inputs
    }

    /// Word `i` of a salt row: salt elements `2i` and `2i + 1` in bytes 0 and 2.
    fn salt_word(salt: &[Val; 8], i: usize) -> [Val; 4] {
        [salt[2 * i], Val::ZERO, salt[2 * i + 1], Val::ZERO]
    }

    /// A sponge step's input: the row's words as 16-bit halves, then the capacity.
    pub(crate) fn sponge_input(
        words: &[[Val; 4]; WORDS_PER_ROW],
        capacity: &[Val; 8],
    ) -> [Val; 16] {
        let c256 = Val::from_u32(256);
        let mut input = [Val::ZERO; 16];
        for (i, w) in words.iter().enumerate() {
            input[2 * i] = w[0] + c256 * w[1];
            input[2 * i + 1] = w[2] + c256 * w[3];
        }
        input[8..].copy_from_slice(capacity);
        input
    }

    /// One sponge step over the row's words; `capacity` goes from this row's to the next's.
    fn absorb(
        perm: &Perm,
        cols: &mut SpongeCols<Val>,
        words: &[[Val; 4]; WORDS_PER_ROW],
        capacity: &mut [Val; 8],
    ) -> [Val; 16] {
        let input = sponge_input(words, capacity);
        cols.capacity = *capacity;
        cols.state = perm.permute(input);
        capacity.copy_from_slice(&cols.state[8..]);
        input
    }
}

/// SANITY: the table against the native leaf hash and the address map; the honest table
/// satisfies the constraints (the buses are checked with their counterparts in
/// `tests/paging.rs`).
#[cfg(all(test, feature = "trace"))]
mod tests {
    use core::borrow::Borrow;

    use vouch_stark::field::PrimeCharacteristicRing;
    use vouch_stark::Val;

    use super::{generate_trace, PageChip, PageCols, ROWS_PER_PAGE};
    use crate::chips::load::tests::failing_constraints;
    use crate::paging::{MemoryTree, PageUpdate, PAGE_WORDS};
    use crate::trace::LookupCounts;
    use crate::MachineAir;

    fn words(seed: u32) -> Vec<u32> {
        (0..PAGE_WORDS as u32)
            .map(|i| (i + seed).wrapping_mul(0x9e37_79b9).rotate_left(seed % 32))
            .collect()
    }

    #[test]
    fn rows_hash_to_the_native_leaves_at_the_right_addresses() {
        let (regs, ram) = (words(1), words(2));
        let mut tree = MemoryTree::new(&[(0, regs.clone()), (300, ram.clone())]);
        let (last_regs, last_ram) = (words(3), words(4));
        let witness = tree.update(
            vec![
                PageUpdate {
                    index: 0,
                    init: regs,
                    last: last_regs,
                    last_ts: (0..PAGE_WORDS as u32).map(|i| 4 * i + 8).collect(),
                },
                PageUpdate {
                    index: 300,
                    init: ram,
                    last: last_ram,
                    last_ts: vec![12; PAGE_WORDS],
                },
            ],
            || [Val::from_u32(7); 8],
        );
        let mut counts = LookupCounts::new(0, 0);
        let mut inputs = Vec::new();
        let t = generate_trace(Some(&witness), &mut counts, &mut inputs)
            .unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(inputs.len(), 2 * 2 * ROWS_PER_PAGE);
        let rows: Vec<&PageCols<Val>> =
            t.values.chunks_exact(t.width).map(|r| r.borrow()).collect();
        for (n, page) in witness.pages.iter().enumerate() {
            let last = rows[ROWS_PER_PAGE * n + ROWS_PER_PAGE - 1];
            assert_eq!(last.is_last, Val::ONE);
            assert_eq!(last.sponge_in.state[..8], page.leaf_in[..]);
            assert_eq!(last.sponge_out.state[..8], page.leaf_out[..]);
            let stride = if page.index == 0 { 1 } else { 4 };
            for k in 1..ROWS_PER_PAGE {
                let row = rows[ROWS_PER_PAGE * n + k];
                let slot = 4 * (k as u32 - 1);
                assert_eq!(row.addr, Val::from_u32(256 * page.index + stride * slot));
            }
        }
        assert!(rows[2 * ROWS_PER_PAGE..]
            .iter()
            .all(|r| r.is_salt == Val::ZERO && r.is_word == Val::ZERO));
        assert_eq!(failing_constraints(MachineAir::Page(PageChip), &t), None);
    }

    #[test]
    fn an_empty_table_satisfies_the_constraints() {
        let t = generate_trace(None, &mut LookupCounts::new(0, 0), &mut Vec::new())
            .unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(failing_constraints(MachineAir::Page(PageChip), &t), None);
    }
}
