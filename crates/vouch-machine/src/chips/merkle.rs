//! The Merkle chip: the memory tree's update in a continuation segment.
//!
//! Given the leaves `(0, page, L_in, L_out)` the page chip sends and the root
//! `(21, 0, ROOT_IN, ROOT_OUT)` the segment chip receives (public values), this chip proves
//! that `ROOT_IN` is the root of a depth-21 tree in which each paged page sits at its leaf
//! position with leaf `L_in`, and `ROOT_OUT` the root of the same tree with those leaves
//! replaced by `L_out` and nothing else changed.
//!
//! One row per node on the union of the touched pages' paths, at `level` 1..=21 and `index`.
//! It receives each *touched* child `(level - 1, 2 index + b, old, new)` (`b` = 0 left, 1 right)
//! from the row or page below, takes an untouched child's hash as a witness with `old = new`,
//! looks up the two compressions `old_state = Poseidon2(left.old ‖ right.old)` and
//! `new_state = Poseidon2(left.new ‖ right.new)` (the node's hashes are their first 8
//! elements, `paging::compress`) and sends `(level, index, old, new)` to its parent.
//!
//! ## Why the rows form one tree
//! Every `merkle` tuple carries its position. Levels of Merkle rows are integers in 1..=21 (a
//! byte-pair lookup of `(level - 1, 21 - level)`), page leaves are at level 0, and a row at
//! level `l` receives only at level `l - 1`. On a balanced bus the tuples sent at each level
//! are exactly those received there. Top down:
//! - level 21 is received once, by the segment chip, at index 0: exactly one Merkle row sits
//!   at level 21, index 0, with hashes `(ROOT_IN, ROOT_OUT)`;
//! - if the rows at level `l` have distinct indices `i < 2^(21-l)`, their receives at level
//!   `l - 1` are at distinct positions `2i + b < 2^(22-l)` (each at most once: the touched flags
//!   are boolean and 0 on padding rows), so the tuples sent at level `l - 1`, by Merkle rows or
//!   (level 0) by the page chip, are at distinct valid positions too, each with the hashes its
//!   parent used.
//!
//! So each node is produced once and consumed once, children sit at distinct positions, levels
//! strictly increase towards the root, and no page is paged in twice. Each node's old and new
//! hash is the compression of its children's (an untouched child's are equal), hence, by
//! collision resistance of Poseidon2, `ROOT_IN` opens at every touched leaf to the page chip's
//! `L_in` and at every untouched subtree to the hash the tree holds, and `ROOT_OUT` is that tree
//! with the touched leaves replaced. No range check on `index` is needed: the induction fixes
//! every index from the root's.

use core::borrow::Borrow;

use vouch_stark::air::{Air, BaseAir, WindowAccess};
use vouch_stark::field::PrimeCharacteristicRing;
use vouch_stark::Val;

use crate::bus::{byte_pair, once, MERKLE, POSEIDON2};
use crate::impl_columns;
use crate::paging_consts::TREE_DEPTH;
use crate::MachineBuilder;

/// A child of a node.
#[repr(C)]
#[derive(Clone, Copy, Debug, Default)]
pub struct ChildCols<T> {
    /// 1 if the child is on a touched path: its hashes are received from below (boolean, 0 on
    /// padding rows). Otherwise its hashes are a witness with `old = new`.
    pub touched: T,
    /// The child's hash before the segment (the receive, or the witness; the compression).
    pub old: [T; 8],
    /// The child's hash after the segment (the receive, or `= old` when untouched).
    pub new: [T; 8],
}

/// One node of the tree update.
#[repr(C)]
#[derive(Clone, Copy, Debug, Default)]
pub struct MerkleCols<T> {
    /// 1 on real rows (boolean).
    pub is_real: T,
    /// The node's level, 1 (parent of leaves) ..= 21 (root): the byte-pair range check.
    pub level: T,
    /// The node's index at its level, fixed by its parent's receive (see the module docs).
    pub index: T,
    pub left: ChildCols<T>,
    pub right: ChildCols<T>,
    /// `Poseidon2(left.old ‖ right.old)` (the lookup); the node's old hash is `[0..8]`.
    pub old_state: [T; 16],
    /// `Poseidon2(left.new ‖ right.new)` (the lookup); the node's new hash is `[0..8]`.
    pub new_state: [T; 16],
}
impl_columns!(MerkleCols);

/// The Merkle chip.
#[derive(Clone, Copy, Debug)]
pub struct MerkleChip;

impl BaseAir<Val> for MerkleChip {
    fn width(&self) -> usize {
        MerkleCols::<Val>::WIDTH
    }

    fn main_next_row_columns(&self) -> Vec<usize> {
        Vec::new()
    }
}

impl<AB: MachineBuilder> Air<AB> for MerkleChip {
    fn eval(&self, b: &mut AB) {
        let main = b.main();
        let row: &MerkleCols<AB::Var> = main.current_slice().borrow();
        let row = *row;
        let c = |x: u32| AB::Expr::from_u32(x);
        let e = |v: AB::Var| -> AB::Expr { v.into() };
        let real = e(row.is_real);

        b.assert_bool(row.is_real);
        // level in 1..=21.
        byte_pair(
            b,
            e(row.level) - c(1),
            c(TREE_DEPTH) - e(row.level),
            real.clone(),
        );

        for (bit, child) in [(0, &row.left), (1, &row.right)] {
            // Touched only on a real row; an untouched child does not change.
            b.assert_bool(child.touched);
            b.assert_zero(e(child.touched) * (c(1) - real.clone()));
            for j in 0..8 {
                b.assert_zero((c(1) - e(child.touched)) * (e(child.new[j]) - e(child.old[j])));
            }
            let mut tuple = vec![e(row.level) - c(1), e(row.index) * c(2) + c(bit)];
            tuple.extend(child.old.map(e));
            tuple.extend(child.new.map(e));
            MERKLE.receive(b, tuple, once(e(child.touched)));
        }

        // The two compressions.
        for (l, r, state) in [
            (&row.left.old, &row.right.old, &row.old_state),
            (&row.left.new, &row.right.new, &row.new_state),
        ] {
            let tuple = l.iter().chain(r).chain(state).map(|&v| e(v));
            POSEIDON2.lookup_key(b, tuple, once(real.clone()));
        }

        // The node, to its parent (or, at level 21, to the segment chip's root check).
        let mut node = vec![e(row.level), e(row.index)];
        node.extend(row.old_state[..8].iter().map(|&v| e(v)));
        node.extend(row.new_state[..8].iter().map(|&v| e(v)));
        MERKLE.send(b, node, once(real));
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
    use vouch_stark::poseidon2::{permutation, Permutation};
    use vouch_stark::Val;

    use super::{ChildCols, MerkleCols};
    use crate::machine::padded_height;
    use crate::paging::{ChildWitness, Digest, NodeWitness, PagedWitness, TREE_DEPTH};
    use crate::trace::{zero_matrix, LookupCounts, TraceError};

    /// The Merkle table of a segment's paging witness: one row per node, in the witness's
    /// order. Both compression inputs of every row are appended to `perm_inputs`, in row order
    /// (old, then new).
    pub fn generate_trace(
        witness: Option<&PagedWitness>,
        counts: &mut LookupCounts,
        perm_inputs: &mut Vec<[Val; 16]>,
    ) -> Result<RowMajorMatrix<Val>, TraceError> {
        let nodes: &[NodeWitness] = witness.map_or(&[], |w| &w.nodes);
        for node in nodes {
            if !(1..=TREE_DEPTH).contains(&node.level)
                || node.index >> (TREE_DEPTH - node.level) != 0
            {
                return Err(TraceError::Paging("a Merkle node outside the tree"));
            }
            counts.byte_pair(node.level - 1, TREE_DEPTH - node.level);
        }
        let width = MerkleCols::<Val>::WIDTH;
        let mut trace = zero_matrix(padded_height(nodes.len()), width);
        let inputs: Vec<[[Val; 16]; 2]> = trace
            .values
            .par_chunks_exact_mut(width)
            .zip(nodes.par_iter())
            .map(|(row, node)| fill_node(row.borrow_mut(), node))
            .collect();
        for [old, new] in inputs {
            perm_inputs.push(old);
            perm_inputs.push(new);
        }
        Ok(trace)
    }

    fn fill_node(row: &mut MerkleCols<Val>, node: &NodeWitness) -> [[Val; 16]; 2] {
        let child = |w: &ChildWitness| ChildCols {
            touched: Val::from_bool(w.touched),
            old: w.old,
            new: w.new,
        };
        let concat = |l: &Digest, r: &Digest| {
            let mut input = [Val::ZERO; 16];
            input[..8].copy_from_slice(l);
            input[8..].copy_from_slice(r);
            input
        };
        let perm = permutation();
        let old = concat(&node.left.old, &node.right.old);
        let new = concat(&node.left.new, &node.right.new);
        *row = MerkleCols {
            is_real: Val::ONE,
            level: Val::from_u32(node.level),
            index: Val::from_u32(node.index),
            left: child(&node.left),
            right: child(&node.right),
            old_state: perm.permute(old),
            new_state: perm.permute(new),
        };
        [old, new]
    }
}

/// SANITY: the rows against the native tree update; the honest table satisfies the
/// constraints (the buses are checked with their counterparts in `tests/paging.rs`).
#[cfg(all(test, feature = "trace"))]
mod tests {
    use core::borrow::Borrow;

    use vouch_stark::field::PrimeCharacteristicRing;
    use vouch_stark::Val;

    use super::{generate_trace, MerkleChip, MerkleCols};
    use crate::chips::load::tests::failing_constraints;
    use crate::paging::{MemoryTree, PageUpdate, PAGE_WORDS, TREE_DEPTH};
    use crate::trace::LookupCounts;
    use crate::MachineAir;

    #[test]
    fn rows_are_the_native_nodes() {
        let mut tree = MemoryTree::new(&[(0, vec![1; PAGE_WORDS]), (256, vec![2; PAGE_WORDS])]);
        let update = |index: u32, init: u32| PageUpdate {
            index,
            init: vec![init; PAGE_WORDS],
            last: vec![9; PAGE_WORDS],
            last_ts: vec![4; PAGE_WORDS],
        };
        let witness = tree.update(vec![update(0, 1), update(256, 2), update(257, 0)], || {
            [Val::ONE; 8]
        });
        // Two paths that meet at level 9 (pages 0 and 256 = 2^8), siblings 256/257.
        assert_eq!(witness.nodes.len(), 8 + TREE_DEPTH as usize);
        let mut inputs = Vec::new();
        let t = generate_trace(Some(&witness), &mut LookupCounts::new(0, 0), &mut inputs)
            .unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(inputs.len(), 2 * witness.nodes.len());
        for (row, node) in t.values.chunks_exact(t.width).zip(&witness.nodes) {
            let row: &MerkleCols<Val> = row.borrow();
            assert_eq!(row.level, Val::from_u32(node.level));
            assert_eq!(row.index, Val::from_u32(node.index));
            assert_eq!(row.old_state[..8], node.old[..]);
            assert_eq!(row.new_state[..8], node.new[..]);
            assert_eq!(row.left.touched, Val::from_bool(node.left.touched));
            assert_eq!(row.right.touched, Val::from_bool(node.right.touched));
        }
        let root: &MerkleCols<Val> =
            t.values[(witness.nodes.len() - 1) * t.width..][..t.width].borrow();
        assert_eq!(root.new_state[..8], tree.root()[..]);
        assert_eq!(
            failing_constraints(MachineAir::Merkle(MerkleChip), &t),
            None
        );
    }
}
