//! Merkle openings in the circuit: `MerkleTreeMmcs::verify_batch` of vouch's commitments
//! (binary tree, cap height 0, matrices of power-of-two heights), on wires.
//!
//! Natively, the leaf digest is the width-24 sponge (`PaddingFreeSponge<Poseidon2-24, 24, 16,
//! 8>`) over the opened rows of the tallest matrices, in commitment order; each level compresses
//! `(left, right)` with the width-16 permutation truncated to 8 (`TruncatedPermutation`), the
//! index's low bit choosing which side the running digest is on; where the height halves to a
//! shorter matrices' height, the digest is compressed once more with the sponge of their rows;
//! the last digest must be the commitment. [`verify_batch`] emits exactly that.

use vouch_stark::poseidon2::{WIDTH, WIDTH_24};

use crate::circuit::{CircuitBuilder, Wire};

/// Digest length.
pub const DIGEST: usize = 8;
/// The leaf sponge's rate.
const LEAF_RATE: usize = 16;

/// A digest of wires.
pub type Digest = [Wire; DIGEST];

/// The leaf hash of `rows` (concatenated): the width-24 overwrite sponge, rate 16, without
/// padding, as `PaddingFreeSponge` (a last partial block overwrites only its prefix of the
/// rate; an empty input hashes to zeros).
pub fn hash_rows(cb: &mut CircuitBuilder, rows: &[&[Wire]]) -> Digest {
    let zero = cb.zero();
    let mut state = [zero; WIDTH_24];
    let input: Vec<Wire> = rows.iter().flat_map(|r| r.iter().copied()).collect();
    for block in input.chunks(LEAF_RATE) {
        state[..block.len()].copy_from_slice(block);
        state = cb.poseidon2_24(state);
    }
    core::array::from_fn(|i| state[i])
}

/// The two-to-one compression: the width-16 permutation of `left ‖ right`, truncated.
pub fn compress(cb: &mut CircuitBuilder, left: Digest, right: Digest) -> Digest {
    let input: [Wire; WIDTH] = core::array::from_fn(|i| {
        if i < DIGEST {
            left[i]
        } else {
            right[i - DIGEST]
        }
    });
    let out = cb.poseidon2(input);
    core::array::from_fn(|i| out[i])
}

/// Check that `rows[i]` (a row of a matrix of height `heights[i]`) are the rows at the index
/// whose bits (least significant first) are `index_bits`, under `commitment`, with the
/// authentication path `siblings` (one digest per level, leaf level first). Errors on a shape
/// the circuit does not support (heights not powers of two, or bits and siblings that do not
/// match the tallest height).
pub fn verify_batch(
    cb: &mut CircuitBuilder,
    commitment: &Digest,
    heights: &[usize],
    rows: &[Vec<Wire>],
    index_bits: &[Wire],
    siblings: &[Digest],
    label: &str,
) -> Result<(), String> {
    if heights.is_empty() || heights.len() != rows.len() {
        return Err(format!(
            "{label}: {} heights for {} rows",
            heights.len(),
            rows.len()
        ));
    }
    if heights.iter().any(|h| !h.is_power_of_two()) {
        return Err(format!("{label}: heights must be powers of two"));
    }
    let max = *heights.iter().max().expect("non-empty");
    let levels = max.trailing_zeros() as usize;
    if index_bits.len() != levels || siblings.len() != levels {
        return Err(format!(
            "{label}: a tree of height {max} needs {levels} index bits and siblings"
        ));
    }
    // Tallest first, commitment order within a height (a stable sort, as natively).
    let mut order_by_height: Vec<usize> = (0..heights.len()).collect();
    order_by_height.sort_by_key(|&i| core::cmp::Reverse(heights[i]));
    let group = |h: usize| -> Vec<&[Wire]> {
        order_by_height
            .iter()
            .filter(|&&i| heights[i] == h)
            .map(|&i| rows[i].as_slice())
            .collect()
    };
    let mut digest = hash_rows(cb, &group(max));
    let mut height = max;
    for (bit, sibling) in index_bits.iter().zip(siblings) {
        // (digest, sibling) when the bit is 0, (sibling, digest) when it is 1: the call
        // table exchanges the halves.
        let out = cb.poseidon2_swapped(*bit, digest, *sibling);
        digest = core::array::from_fn(|i| out[i]);
        height /= 2;
        let shorter = group(height);
        if !shorter.is_empty() {
            let h = hash_rows(cb, &shorter);
            digest = compress(cb, digest, h);
        }
    }
    for (d, c) in digest.iter().zip(commitment) {
        cb.assert_eq(*d, *c, &format!("{label}: the path reaches the commitment"));
    }
    Ok(())
}
