//! The set of recursion keys a join accepts its children under: a Merkle tree of key
//! commitments whose root every recursion proof carries as a public value.
//!
//! A join circuit cannot hold its children's keys as constants and still be one key: a join of
//! joins would have to contain its own commitment. So a child's key commitment is a private
//! input of the join, proven to be a leaf of the tree whose root is the join's public value
//! `key root` (a path of [`KEY_TREE_DEPTH`] width-16 compressions, the index bits choosing the
//! side, as in the machine's Merkle openings), and both children must carry that same root.
//! Whoever checks the top proof compares its root with the root of the keys it trusts
//! ([`KeySet::root`]); by induction every proof below was verified under a key of that set,
//! each key an honest lift or join circuit.
//!
//! Empty leaves are the zero digest: a proof under the zero commitment would need a circuit
//! whose preprocessed tables commit to zero, a Poseidon2 preimage.

use vouch_stark::field::PrimeCharacteristicRing;
use vouch_stark::poseidon2::{permutation, Permutation, WIDTH};
use vouch_stark::Val;

use crate::circuit::{CircuitBuilder, Wire};
use crate::merkle::{Digest, DIGEST};

/// Depth of the key tree: room for 2^16 keys (a menu of segment shapes' lift keys, and the
/// joins), for 16 compressions per child.
pub const KEY_TREE_DEPTH: usize = 16;

/// A key commitment, or a node of the key tree.
pub type KeyDigest = [Val; DIGEST];

/// The two-to-one compression of the key tree (the machine's Merkle compression).
pub fn compress(left: &KeyDigest, right: &KeyDigest) -> KeyDigest {
    let mut state: [Val; WIDTH] = core::array::from_fn(|i| {
        if i < DIGEST {
            left[i]
        } else {
            right[i - DIGEST]
        }
    });
    permutation().permute_mut(&mut state);
    core::array::from_fn(|i| state[i])
}

/// The keys a join accepts, as a Merkle tree of depth [`KEY_TREE_DEPTH`].
#[derive(Clone, Debug)]
pub struct KeySet {
    keys: Vec<KeyDigest>,
    /// `levels[0]` the leaves, `levels[d]` the nodes `d` levels up (only the non-empty part).
    levels: Vec<Vec<KeyDigest>>,
    /// The digest of an empty subtree of each height.
    empty: Vec<KeyDigest>,
}

/// A key's membership in a [`KeySet`]: its index's bits (leaf level first) and siblings.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct KeyPath {
    pub bits: Vec<bool>,
    pub siblings: Vec<KeyDigest>,
}

impl KeySet {
    /// The tree of `keys` (duplicates kept once, in first-seen order). Errors when there are
    /// more than the tree holds.
    pub fn new(keys: &[KeyDigest]) -> Result<Self, String> {
        let mut unique: Vec<KeyDigest> = Vec::new();
        for k in keys {
            if !unique.contains(k) {
                unique.push(*k);
            }
        }
        if unique.len() > 1 << KEY_TREE_DEPTH {
            return Err(format!(
                "{} keys, the key tree holds {}",
                unique.len(),
                1usize << KEY_TREE_DEPTH
            ));
        }
        let mut empty = vec![[Val::ZERO; DIGEST]];
        for d in 0..KEY_TREE_DEPTH {
            empty.push(compress(&empty[d], &empty[d]));
        }
        let mut levels = vec![unique.clone()];
        for d in 0..KEY_TREE_DEPTH {
            let below = &levels[d];
            let level = below
                .chunks(2)
                .map(|pair| compress(&pair[0], pair.get(1).unwrap_or(&empty[d])))
                .collect();
            levels.push(level);
        }
        Ok(Self {
            keys: unique,
            levels,
            empty,
        })
    }

    /// The root every recursion proof under this set carries.
    pub fn root(&self) -> KeyDigest {
        self.levels[KEY_TREE_DEPTH]
            .first()
            .copied()
            .unwrap_or(self.empty[KEY_TREE_DEPTH])
    }

    /// Whether `key` is in the set.
    pub fn contains(&self, key: &KeyDigest) -> bool {
        self.keys.contains(key)
    }

    /// The path of `key`, if it is in the set.
    pub fn path(&self, key: &KeyDigest) -> Option<KeyPath> {
        let mut index = self.keys.iter().position(|k| k == key)?;
        let mut bits = Vec::with_capacity(KEY_TREE_DEPTH);
        let mut siblings = Vec::with_capacity(KEY_TREE_DEPTH);
        for d in 0..KEY_TREE_DEPTH {
            bits.push(index & 1 == 1);
            let sibling = self.levels[d].get(index ^ 1).unwrap_or(&self.empty[d]);
            siblings.push(*sibling);
            index >>= 1;
        }
        Some(KeyPath { bits, siblings })
    }
}

impl KeyPath {
    /// The root this path leads to from `key` (what the circuit computes).
    pub fn root(&self, key: &KeyDigest) -> KeyDigest {
        let mut node = *key;
        for (&bit, sibling) in self.bits.iter().zip(&self.siblings) {
            node = if bit {
                compress(sibling, &node)
            } else {
                compress(&node, sibling)
            };
        }
        node
    }

    /// The path as circuit inputs: the bits, then the siblings.
    pub fn values(&self) -> Vec<Val> {
        let mut v: Vec<Val> = self.bits.iter().map(|&b| Val::from_bool(b)).collect();
        v.extend(self.siblings.iter().flatten());
        v
    }
}

/// Assert in the circuit that `key` is a leaf of the tree with root `root`: the path's bits and
/// siblings are allocated as inputs ([`KeyPath::values`]' order). The bits are swap bits of the
/// width-16 call table, which checks that they are boolean.
pub fn assert_member(cb: &mut CircuitBuilder, key: Digest, root: &[Wire], label: &str) {
    let bits = cb.inputs(KEY_TREE_DEPTH);
    let siblings: Vec<Digest> = (0..KEY_TREE_DEPTH)
        .map(|_| core::array::from_fn(|_| cb.input()))
        .collect();
    let mut node = key;
    for (&bit, sibling) in bits.iter().zip(&siblings) {
        let out = cb.poseidon2_swapped(bit, node, *sibling);
        node = core::array::from_fn(|i| out[i]);
    }
    for (&n, &r) in node.iter().zip(root) {
        cb.assert_eq(n, r, label);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn key(i: u32) -> KeyDigest {
        core::array::from_fn(|k| Val::from_u32(i * 100 + k as u32 + 1))
    }

    #[test]
    fn paths_lead_to_the_root_and_only_members_have_one() {
        let keys: Vec<KeyDigest> = (0..5).map(key).collect();
        let set = KeySet::new(&keys).unwrap();
        for k in &keys {
            let path = set.path(k).unwrap();
            assert_eq!(path.root(k), set.root());
            // The path of one key does not lead another to the root.
            assert_ne!(path.root(&key(9)), set.root());
        }
        assert!(set.path(&key(9)).is_none());
        assert_ne!(KeySet::new(&keys[..4]).unwrap().root(), set.root());
    }

    #[test]
    fn the_circuit_accepts_a_member_and_refuses_another_key() {
        let keys: Vec<KeyDigest> = (0..3).map(key).collect();
        let set = KeySet::new(&keys).unwrap();
        let mut cb = CircuitBuilder::new();
        let k: Digest = core::array::from_fn(|_| cb.input());
        let root: Vec<Wire> = (0..DIGEST).map(|_| cb.input()).collect();
        assert_member(&mut cb, k, &root, "member");
        let circuit = cb.build();
        let run = |leaf: &KeyDigest, path: &KeyPath| {
            let mut v: Vec<Val> = leaf.to_vec();
            v.extend(set.root());
            v.extend(path.values());
            let v: Vec<_> = v.into_iter().map(vouch_stark::Challenge::from).collect();
            circuit.eval(&v)
        };
        let path = set.path(&keys[2]).unwrap();
        run(&keys[2], &path).unwrap();
        assert!(run(&key(7), &path).is_err(), "a non-member accepted");
        let mut flipped = path.clone();
        flipped.bits[0] = !flipped.bits[0];
        assert!(run(&keys[2], &flipped).is_err(), "a flipped bit accepted");
    }
}
