//! The Merkle gadget against Plonky3's `MerkleTreeMmcs` (vouch's commitment scheme): openings
//! of committed matrices of mixed heights verify in the circuit exactly when they verify
//! natively, and the circuit's tables prove it.

use vouch_recursion::circuit::{Circuit, CircuitBuilder, Wire};
use vouch_recursion::merkle::{verify_batch, Digest};
use vouch_recursion::prove::{verify, CircuitKey};
use vouch_stark::field::PrimeCharacteristicRing;
use vouch_stark::matrix::RowMajorMatrix;
use vouch_stark::mmcs::{BatchOpeningRef, Dimensions, Mmcs};
use vouch_stark::{plain_mmcs, Challenge, Val};

/// Matrices of heights 16, 16, 8, 2 and 1 (widths 3, 21, 16, 5, 40) with pseudo-random entries.
fn matrices() -> Vec<RowMajorMatrix<Val>> {
    let mut x = 1u32;
    [(16, 3), (16, 21), (8, 16), (2, 5), (1, 40)]
        .iter()
        .map(|&(h, w)| {
            let values = (0..h * w)
                .map(|_| {
                    x = x.wrapping_mul(1_103_515_245).wrapping_add(12_345);
                    Val::from_u32(x >> 1)
                })
                .collect();
            RowMajorMatrix::new(values, w)
        })
        .collect()
}

struct Opening {
    commitment: [Val; 8],
    dims: Vec<Dimensions>,
    rows: Vec<Vec<Val>>,
    index: usize,
    siblings: Vec<[Val; 8]>,
}

fn open(index: usize) -> Opening {
    let mmcs = plain_mmcs(0);
    let mats = matrices();
    let dims: Vec<Dimensions> = mats
        .iter()
        .map(|m| Dimensions {
            width: m.width,
            height: m.values.len() / m.width,
        })
        .collect();
    let (commitment, data) = mmcs.commit(mats);
    let opening = mmcs.open_batch(index, &data);
    mmcs.verify_batch(&commitment, &dims, index, BatchOpeningRef::from(&opening))
        .expect("the native opening verifies");
    Opening {
        commitment: commitment[0],
        dims,
        rows: opening.opened_values,
        index,
        siblings: opening.opening_proof,
    }
}

/// The circuit of one opening of this shape; inputs: commitment, rows, index bits, siblings.
fn circuit(o: &Opening) -> Circuit {
    let mut cb = CircuitBuilder::new();
    let commitment: Digest = core::array::from_fn(|_| cb.input());
    let rows: Vec<Vec<Wire>> = o.dims.iter().map(|d| cb.inputs(d.width)).collect();
    let levels = o.siblings.len();
    let bits: Vec<Wire> = cb.inputs(levels);
    for &b in &bits {
        let one = cb.one();
        let b1 = cb.sub(b, one);
        let sq = cb.mul(b, b1);
        cb.assert_zero(sq, "index bit is boolean");
    }
    let siblings: Vec<Digest> = (0..levels)
        .map(|_| core::array::from_fn(|_| cb.input()))
        .collect();
    let heights: Vec<usize> = o.dims.iter().map(|d| d.height).collect();
    verify_batch(
        &mut cb,
        &commitment,
        &heights,
        &rows,
        &bits,
        &siblings,
        "opening",
    )
    .unwrap();
    cb.build()
}

fn inputs(o: &Opening) -> Vec<Challenge> {
    let mut v: Vec<Challenge> = o.commitment.iter().map(|&x| x.into()).collect();
    for r in &o.rows {
        v.extend(r.iter().map(|&x| Challenge::from(x)));
    }
    let levels = o.siblings.len();
    v.extend((0..levels).map(|k| Challenge::from(Val::from_u32(((o.index >> k) & 1) as u32))));
    for s in &o.siblings {
        v.extend(s.iter().map(|&x| Challenge::from(x)));
    }
    v
}

#[test]
fn honest_openings_verify_at_every_index() {
    for index in 0..16 {
        let o = open(index);
        let c = circuit(&o);
        c.eval(&inputs(&o))
            .unwrap_or_else(|e| panic!("index {index}: {e}"));
    }
}

#[test]
fn wrong_openings_are_rejected() {
    let o = open(5);
    let c = circuit(&o);
    let honest = inputs(&o);
    let n_rows: usize = o.dims.iter().map(|d| d.width).sum();
    let levels = o.siblings.len();
    // Every single input changed by one: a commitment element, any opened value (of every
    // matrix, the shorter ones included), an index bit (flipped), any sibling element.
    for k in 0..honest.len() {
        let mut bad = honest.clone();
        let is_bit = (8 + n_rows..8 + n_rows + levels).contains(&k);
        if is_bit {
            bad[k] = Challenge::ONE - bad[k];
        } else {
            bad[k] += Challenge::ONE;
        }
        assert!(c.eval(&bad).is_err(), "input {k} changed and accepted");
    }
    // The opening at another index under the same commitment is not this index's.
    let other = open(6);
    let mut bad = inputs(&other);
    for k in 0..levels {
        bad[8 + n_rows + k] = Challenge::from(Val::from_u32(((5 >> k) & 1) as u32));
    }
    assert!(
        c.eval(&bad).is_err(),
        "index 6's rows and path accepted for index 5"
    );
}

#[test]
fn an_opening_is_proven_with_the_circuit_tables() {
    let o = open(11);
    let c = circuit(&o);
    let key = CircuitKey::new(&c).unwrap();
    let proof = key.prove(&c, &inputs(&o)).unwrap();
    verify(&key.airs, &key.log_heights, key.commitment(), &[], &proof).unwrap();
    // A sibling changed (evaluated without stopping): the proof does not verify.
    let mut bad = inputs(&o);
    let last = bad.len() - 1;
    bad[last] += Challenge::ONE;
    let wires = c.eval_unchecked(&bad).unwrap();
    let proof = key.prove_wires(&c, &wires).unwrap();
    assert!(verify(&key.airs, &key.log_heights, key.commitment(), &[], &proof).is_err());
}
