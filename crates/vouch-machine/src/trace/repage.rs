//! Soundness-test support: keeping the memory tree consistent with a tampered final state.

use core::borrow::{Borrow, BorrowMut};
use std::collections::HashMap;

use vouch_stark::field::{PrimeCharacteristicRing, PrimeField32};
use vouch_stark::matrix::RowMajorMatrix;
use vouch_stark::poseidon2::{permutation, Permutation};
use vouch_stark::Val;

use crate::chips::merkle::MerkleCols;
use crate::chips::page::{sponge_input, PageCols, WORDS_PER_ROW};
use crate::chips::poseidon2;
use crate::columns::Word;
use crate::machine::ChipKind;
use crate::paging::PC_SLOT;
use crate::paging_consts::TREE_DEPTH;
use crate::public::SegmentStatement;
use crate::trace::LookupCounts;

/// Where cell `addr` (a register 0..=32, the pc 33, or a RAM word's byte address) sits in the
/// page table: its row and its word in the row, if the segment pages it in.
pub fn page_cell(page_trace: &RowMajorMatrix<Val>, addr: u32) -> Option<(usize, usize)> {
    let (page, slot) = if addr <= PC_SLOT {
        (0, addr)
    } else if addr.is_multiple_of(4) {
        (addr / 256, (addr % 256) / 4)
    } else {
        return None;
    };
    let width = page_trace.width;
    let rows: Vec<&PageCols<Val>> = page_trace
        .values
        .chunks_exact(width)
        .map(|r| r.borrow())
        .collect();
    let first = rows
        .iter()
        .position(|r| r.is_salt == Val::ONE && r.page == Val::from_u32(page))?;
    let row = first + 1 + slot as usize / WORDS_PER_ROW;
    Some((row, slot as usize % WORDS_PER_ROW))
}

/// The final state of cell `addr` in the page table (its value's limbs and timestamp).
#[allow(clippy::type_complexity)]
pub fn final_cell(
    page_trace: &mut RowMajorMatrix<Val>,
    addr: u32,
) -> Option<(&mut Word<Val>, &mut Val)> {
    let (row, i) = page_cell(page_trace, addr)?;
    let width = page_trace.width;
    let cols: &mut PageCols<Val> = page_trace.values[row * width..(row + 1) * width].borrow_mut();
    Some((&mut cols.last[i], &mut cols.last_ts[i]))
}

/// After a test changed final states (`last` words, `last_ts`) in the page table, recompute
/// everything that depends on them: the page-out sponges and the leaves they send, the new
/// hashes up the memory tree, the Poseidon2 table, and the statement's `root_out`. The
/// tampering under test is then the only inconsistency left. Honest traces are unchanged.
pub fn repage(traces: &mut [RowMajorMatrix<Val>], statement: &mut SegmentStatement) {
    let perm = permutation();
    let mut inputs: Vec<[Val; 16]> = Vec::new();
    let mut new_hash: HashMap<(u32, u32), [Val; 8]> = HashMap::new();

    let page = &mut traces[ChipKind::Page.index()];
    let width = page.width;
    let mut cap = [Val::ZERO; 8];
    for row in page.values.chunks_exact_mut(width) {
        let r: &mut PageCols<Val> = row.borrow_mut();
        if r.is_salt + r.is_word != Val::ONE {
            continue;
        }
        if r.is_salt == Val::ONE {
            cap = [Val::ZERO; 8];
        }
        inputs.push(sponge_input(&r.init, &r.sponge_in.capacity));
        let input = sponge_input(&r.last, &cap);
        inputs.push(input);
        r.sponge_out.capacity = cap;
        r.sponge_out.state = perm.permute(input);
        cap.copy_from_slice(&r.sponge_out.state[8..]);
        if r.is_last == Val::ONE {
            let mut leaf = [Val::ZERO; 8];
            leaf.copy_from_slice(&r.sponge_out.state[..8]);
            new_hash.insert((0, r.page.as_canonical_u32()), leaf);
        }
    }

    let merkle = &mut traces[ChipKind::Merkle.index()];
    let width = merkle.width;
    for row in merkle.values.chunks_exact_mut(width) {
        let r: &mut MerkleCols<Val> = row.borrow_mut();
        if r.is_real != Val::ONE {
            continue;
        }
        let (level, index) = (r.level.as_canonical_u32(), r.index.as_canonical_u32());
        for (bit, child) in [(0, &mut r.left), (1, &mut r.right)] {
            if child.touched == Val::ONE {
                if let Some(h) = new_hash.get(&(level - 1, 2 * index + bit)) {
                    child.new = *h;
                }
            }
        }
        let old = concat(&r.left.old, &r.right.old);
        let new = concat(&r.left.new, &r.right.new);
        inputs.push(old);
        inputs.push(new);
        r.new_state = perm.permute(new);
        let mut h = [Val::ZERO; 8];
        h.copy_from_slice(&r.new_state[..8]);
        new_hash.insert((level, index), h);
    }
    if let Some(root) = new_hash.get(&(TREE_DEPTH, 0)) {
        statement.root_out = root.map(|x| x.as_canonical_u32());
    }
    if let Ok(p2) = poseidon2::generate_trace(&inputs, &mut LookupCounts::new(0, 0)) {
        traces[ChipKind::Poseidon2.index()] = crate::chips::blind::widen(p2);
    }
}

fn concat(l: &[Val; 8], r: &[Val; 8]) -> [Val; 16] {
    let mut input = [Val::ZERO; 16];
    input[..8].copy_from_slice(l);
    input[8..].copy_from_slice(r);
    input
}
