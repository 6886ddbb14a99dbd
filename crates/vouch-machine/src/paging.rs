//! Memory as a salted Merkle tree of pages: what continuations commit to between segments.
//!
//! See `docs/continuations.md`. This module is the native (outside the circuit) side: the
//! hashes, the tree the prover keeps across segments, and the witness one segment's page and
//! Merkle chips prove.

use std::collections::{BTreeSet, HashMap};

use vouch_stark::field::PrimeCharacteristicRing;
use vouch_stark::poseidon2::{permutation, Permutation, WIDTH};
use vouch_stark::Val;

/// A Poseidon2 digest: 8 field elements.
pub type Digest = [Val; 8];

pub use crate::paging_consts::{PAGE_WORDS, TREE_DEPTH};
/// The page holding the registers (slots 0..=32, memory-bus addresses 0..=32) and the pc.
pub const REGISTER_PAGE: u32 = 0;
/// The pc's slot in the register page, and its memory-bus address.
pub const PC_SLOT: u32 = 33;
/// Elements absorbed per permutation.
pub const RATE: usize = 8;
/// Sponge chunks per page: the salt, then 4 words (8 halves) per chunk.
pub const CHUNKS_PER_PAGE: usize = 1 + PAGE_WORDS / 4;

/// The page of a memory-bus address: RAM words by byte address / 256, registers and the pc in
/// page 0.
pub fn page_of(addr: u32) -> u32 {
    addr / 256
}

/// The 17 chunks a page's leaf absorbs: `salt`, then each group of 4 words as 8 16-bit halves
/// (low half first).
pub fn page_chunks(salt: &Digest, words: &[u32]) -> Vec<[Val; RATE]> {
    let mut chunks = vec![*salt];
    for group in words.chunks(4) {
        let mut c = [Val::ZERO; RATE];
        for (i, &w) in group.iter().enumerate() {
            c[2 * i] = Val::from_u32(w & 0xffff);
            c[2 * i + 1] = Val::from_u32(w >> 16);
        }
        chunks.push(c);
    }
    chunks
}

/// One sponge step: the permutation of `chunk ‖ capacity`.
pub fn absorb(chunk: &[Val; RATE], capacity: &[Val; WIDTH - RATE]) -> [Val; WIDTH] {
    let mut state = [Val::ZERO; WIDTH];
    state[..RATE].copy_from_slice(chunk);
    state[RATE..].copy_from_slice(capacity);
    permutation().permute_mut(&mut state);
    state
}

/// A page's leaf: the sponge (overwrite mode, zero initial state) of [`page_chunks`]; the
/// digest is the rate part of the final state.
pub fn leaf_hash(salt: &Digest, words: &[u32]) -> Digest {
    let mut capacity = [Val::ZERO; WIDTH - RATE];
    let mut state = [Val::ZERO; WIDTH];
    for chunk in page_chunks(salt, words) {
        state = absorb(&chunk, &capacity);
        capacity.copy_from_slice(&state[RATE..]);
    }
    first8(&state)
}

/// An internal node: the first 8 elements of the permutation of `left ‖ right`.
pub fn compress(left: &Digest, right: &Digest) -> Digest {
    let mut state = [Val::ZERO; WIDTH];
    state[..8].copy_from_slice(left);
    state[8..].copy_from_slice(right);
    permutation().permute_mut(&mut state);
    first8(&state)
}

fn first8(state: &[Val; WIDTH]) -> Digest {
    let mut d = [Val::ZERO; 8];
    d.copy_from_slice(&state[..8]);
    d
}

/// One page of a segment: its contents and salts going in and out.
#[derive(Clone, Debug, serde::Serialize, serde::Deserialize)]
pub struct PageWitness {
    pub index: u32,
    pub salt_in: Digest,
    pub salt_out: Digest,
    pub init: Vec<u32>,
    pub last: Vec<u32>,
    /// Timestamp of each word's last access in the segment (0 if untouched).
    pub last_ts: Vec<u32>,
    pub leaf_in: Digest,
    pub leaf_out: Digest,
}

/// A child of a Merkle node: its old and new hash, and whether it is on a touched path (then
/// its hashes come from the chip below; otherwise they are a witness with old = new).
#[derive(Clone, Copy, Debug, serde::Serialize, serde::Deserialize)]
pub struct ChildWitness {
    pub touched: bool,
    pub old: Digest,
    pub new: Digest,
}

/// One node on the union of the touched pages' paths, at `level` (1..=21) and `index`.
#[derive(Clone, Copy, Debug, serde::Serialize, serde::Deserialize)]
pub struct NodeWitness {
    pub level: u32,
    pub index: u32,
    pub left: ChildWitness,
    pub right: ChildWitness,
    pub old: Digest,
    pub new: Digest,
}

/// What one segment's page and Merkle chips prove: the pages it touched and the tree update.
#[derive(Clone, Debug, serde::Serialize, serde::Deserialize)]
pub struct PagedWitness {
    pub root_in: Digest,
    pub root_out: Digest,
    /// Sorted by page index.
    pub pages: Vec<PageWitness>,
    /// Sorted by level, then index.
    pub nodes: Vec<NodeWitness>,
}

/// One page going through a segment: index, words at the start, words at the end, last
/// access timestamps.
#[derive(Clone, Debug)]
pub struct PageUpdate {
    pub index: u32,
    pub init: Vec<u32>,
    pub last: Vec<u32>,
    pub last_ts: Vec<u32>,
}

impl PageUpdate {
    /// The pages one segment touched, from its record: the register page (registers, then the
    /// pc in slot [`PC_SLOT`], written at the end state's timestamp `4 (steps + 1)`) and every
    /// RAM page of the record.
    pub fn from_record(record: &vouch_executor::SegmentRecord) -> Vec<PageUpdate> {
        let regs = record.regs_init.len();
        let mut init = vec![0u32; PAGE_WORDS];
        let mut last = vec![0u32; PAGE_WORDS];
        let mut last_ts = vec![0u32; PAGE_WORDS];
        init[..regs].copy_from_slice(&record.regs_init);
        last[..regs].copy_from_slice(&record.regs_final);
        last_ts[..regs].copy_from_slice(&record.regs_final_ts);
        let pc = PC_SLOT as usize;
        init[pc] = record.start_pc;
        last[pc] = record.end_pc;
        last_ts[pc] = 4 * (record.steps.len() as u32 + 1);
        let mut pages = vec![PageUpdate {
            index: REGISTER_PAGE,
            init,
            last,
            last_ts,
        }];
        pages.extend(record.pages.iter().map(|p| PageUpdate {
            index: p.index,
            init: p.init.clone(),
            last: p.last.clone(),
            last_ts: p.last_ts.clone(),
        }));
        pages
    }
}

/// The prover's copy of the memory tree across segments.
#[derive(Clone, Debug)]
pub struct MemoryTree {
    /// Non-default nodes, by (level, index); level 0 holds the leaves.
    nodes: HashMap<(u32, u32), Digest>,
    /// Salt of every page written out so far (others: zero).
    salts: HashMap<u32, Digest>,
    /// The hash of an all-zero subtree at each level (leaf: zero salt, zero words).
    defaults: Vec<Digest>,
}

impl MemoryTree {
    /// The tree of an initial memory: `pages` (index, words) with zero salts, zero elsewhere.
    pub fn new(pages: &[(u32, Vec<u32>)]) -> Self {
        let zero_leaf = leaf_hash(&[Val::ZERO; 8], &[0; PAGE_WORDS]);
        let mut defaults = vec![zero_leaf];
        for l in 0..TREE_DEPTH as usize {
            defaults.push(compress(&defaults[l], &defaults[l]));
        }
        let mut tree = Self {
            nodes: HashMap::new(),
            salts: HashMap::new(),
            defaults,
        };
        let mut touched = BTreeSet::new();
        for (index, words) in pages {
            tree.nodes
                .insert((0, *index), leaf_hash(&[Val::ZERO; 8], words));
            touched.insert(*index);
        }
        for level in 1..=TREE_DEPTH {
            let parents: BTreeSet<u32> = touched.iter().map(|i| i / 2).collect();
            for &p in &parents {
                let h = compress(
                    &tree.node(level - 1, 2 * p),
                    &tree.node(level - 1, 2 * p + 1),
                );
                tree.nodes.insert((level, p), h);
            }
            touched = parents;
        }
        tree
    }

    /// The node at (`level`, `index`).
    pub fn node(&self, level: u32, index: u32) -> Digest {
        self.nodes
            .get(&(level, index))
            .copied()
            .unwrap_or(self.defaults[level as usize])
    }

    /// The root.
    pub fn root(&self) -> Digest {
        self.node(TREE_DEPTH, 0)
    }

    /// Apply one segment: page out every page in `pages` (sorted, distinct) with a fresh salt
    /// from `new_salt`, and return the witness the segment proof needs.
    ///
    /// Panics if a page's `init` is not what the tree holds: the record and the tree disagree,
    /// which only a prover bug can cause.
    pub fn update(
        &mut self,
        pages: Vec<PageUpdate>,
        mut new_salt: impl FnMut() -> Digest,
    ) -> PagedWitness {
        let root_in = self.root();
        let mut old: HashMap<(u32, u32), Digest> = HashMap::new();
        let mut witnesses = Vec::with_capacity(pages.len());
        let mut touched = BTreeSet::new();
        for page in pages {
            let salt_in = self
                .salts
                .get(&page.index)
                .copied()
                .unwrap_or([Val::ZERO; 8]);
            let leaf_in = leaf_hash(&salt_in, &page.init);
            assert_eq!(
                leaf_in,
                self.node(0, page.index),
                "page {} does not hold what the memory tree committed to",
                page.index
            );
            let salt_out = new_salt();
            let leaf_out = leaf_hash(&salt_out, &page.last);
            old.insert((0, page.index), leaf_in);
            self.nodes.insert((0, page.index), leaf_out);
            self.salts.insert(page.index, salt_out);
            touched.insert(page.index);
            witnesses.push(PageWitness {
                index: page.index,
                salt_in,
                salt_out,
                init: page.init,
                last: page.last,
                last_ts: page.last_ts,
                leaf_in,
                leaf_out,
            });
        }
        let mut nodes = Vec::new();
        for level in 1..=TREE_DEPTH {
            let parents: BTreeSet<u32> = touched.iter().map(|i| i / 2).collect();
            for &p in &parents {
                let child = |tree: &Self, i: u32| {
                    let new = tree.node(level - 1, i);
                    let is_touched = touched.contains(&i);
                    let old = if is_touched {
                        old[&(level - 1, i)]
                    } else {
                        new
                    };
                    ChildWitness {
                        touched: is_touched,
                        old,
                        new,
                    }
                };
                let (left, right) = (child(self, 2 * p), child(self, 2 * p + 1));
                let old_hash = compress(&left.old, &right.old);
                let new_hash = compress(&left.new, &right.new);
                old.insert((level, p), old_hash);
                self.nodes.insert((level, p), new_hash);
                nodes.push(NodeWitness {
                    level,
                    index: p,
                    left,
                    right,
                    old: old_hash,
                    new: new_hash,
                });
            }
            touched = parents;
        }
        let root_out = self.root();
        assert_eq!(
            old[&(TREE_DEPTH, 0)],
            root_in,
            "the tree update starts from the root"
        );
        PagedWitness {
            root_in,
            root_out,
            pages: witnesses,
            nodes,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn updates_chain_roots_and_match_a_rebuilt_tree() {
        let mut image = vec![0u32; PAGE_WORDS];
        image[3] = 0xdead_beef;
        let mut tree = MemoryTree::new(&[(300, image.clone())]);
        let root0 = tree.root();
        let mut last = image.clone();
        last[5] = 7;
        let w = tree.update(
            vec![PageUpdate {
                index: 300,
                init: image,
                last: last.clone(),
                last_ts: vec![0; 64],
            }],
            || [Val::ONE; 8],
        );
        assert_eq!(w.root_in, root0);
        assert_eq!(w.root_out, tree.root());
        assert_ne!(w.root_out, root0);
        assert_eq!(w.nodes.len(), TREE_DEPTH as usize, "one path");
        // Paging the same page in again requires its new contents and salt.
        let again = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
            tree.clone().update(
                vec![PageUpdate {
                    index: 300,
                    init: vec![0; 64],
                    last: vec![0; 64],
                    last_ts: vec![0; 64],
                }],
                || [Val::ONE; 8],
            )
        }));
        assert!(again.is_err(), "stale contents are refused");
        let w2 = tree.update(
            vec![
                PageUpdate {
                    index: 300,
                    init: last.clone(),
                    last: last.clone(),
                    last_ts: vec![0; 64],
                },
                PageUpdate {
                    index: 301,
                    init: vec![0; 64],
                    last: vec![1; 64],
                    last_ts: vec![0; 64],
                },
            ],
            || [Val::TWO; 8],
        );
        assert_eq!(w2.root_in, w.root_out);
        // Sibling pages share every node above level 1: 1 + 20 nodes.
        assert_eq!(w2.nodes.len(), TREE_DEPTH as usize);
    }
}
