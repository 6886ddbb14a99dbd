//! Proving circuits with their tables: an honest evaluation verifies; an assignment that breaks
//! any kind of operation, a wrong permutation output, a flipped or non-boolean swap bit and a
//! proof checked against another circuit's key are each rejected. (Proofs of the segment
//! verification circuit: tests/lift.rs.)

use vouch_recursion::circuit::{Circuit, CircuitBuilder, Op};
use vouch_recursion::prove::{verify, CircuitKey};
use vouch_stark::field::{BasedVectorSpace, Field, PrimeCharacteristicRing};
use vouch_stark::{Challenge, Val};

fn ef(x: u32) -> Challenge {
    Challenge::from(Val::from_u32(x))
}

/// `(x + y) · x / y - z = 0`, with a constant folded in: every kind of operation.
fn small() -> Circuit {
    let mut b = CircuitBuilder::new();
    let [x, y, z] = [b.input(), b.input(), b.input()];
    let s = b.add(x, y);
    let seven = b.base_constant(Val::from_u32(7));
    let s = b.sub(s, seven);
    let s = b.add(s, seven);
    let p = b.mul(s, x);
    let q = b.div(p, y, "y invertible");
    b.assert_eq(q, z, "result");
    b.build()
}

fn inputs() -> Vec<Challenge> {
    let (x, y) = (
        ef(3) + <Challenge as BasedVectorSpace<Val>>::ith_basis_element(2).unwrap(),
        ef(5),
    );
    vec![x, y, (x + y) * x * y.inverse()]
}

type Proof = vouch_stark::batch::BatchProof<vouch_stark::PlainConfig>;

fn check_public(key: &CircuitKey, public: &[Val], proof: &Proof) -> bool {
    verify(&key.airs, &key.log_heights, key.commitment(), public, proof).is_ok()
}

fn check(key: &CircuitKey, proof: &Proof) -> bool {
    check_public(key, &[], proof)
}

#[test]
fn honest_evaluation_verifies() {
    let c = small();
    let key = CircuitKey::new(&c).unwrap();
    let proof = key.prove(&c, &inputs()).unwrap();
    assert!(check(&key, &proof));
}

#[test]
fn unsatisfying_assignments_are_rejected() {
    let c = small();
    let key = CircuitKey::new(&c).unwrap();
    let honest = c.eval(&inputs()).unwrap();
    // Change the output wire of each kind of operation (keeping everything else), one at a
    // time: the row's constraint (or, for an assertion, the asserted zero) fails.
    let mut kinds_seen = std::collections::BTreeSet::new();
    for op in &c.ops {
        let (kind, wire) = match *op {
            Op::Const { out, .. } => ("const", out),
            Op::Add { out, .. } => ("add", out),
            Op::Sub { out, .. } => ("sub", out),
            Op::Mul { out, .. } => ("mul", out),
            Op::AssertZero { a, .. } => ("assert", a),
            Op::Input { .. }
            | Op::HintInverse { .. }
            | Op::HintCoeffs { .. }
            | Op::HintBits { .. }
            | Op::Poseidon2 { .. }
            | Op::Poseidon2Wide { .. } => continue,
        };
        let mut wires = honest.clone();
        wires[wire.0 as usize] += Challenge::ONE;
        let proof = key.prove_wires(&c, &wires).unwrap();
        assert!(!check(&key, &proof), "a wrong {kind} output verified");
        kinds_seen.insert(kind);
    }
    assert_eq!(kinds_seen.len(), 5, "{kinds_seen:?}");
}

#[test]
fn a_proof_does_not_verify_against_another_circuit() {
    let c = small();
    let key = CircuitKey::new(&c).unwrap();
    let proof = key.prove(&c, &inputs()).unwrap();
    // The same shape, one constant changed: another circuit, another commitment.
    let mut other = c.clone();
    for op in &mut other.ops {
        if let Op::Const { value, .. } = op {
            if *value == ef(7) {
                *value = ef(8);
            }
        }
    }
    let other_key = CircuitKey::new(&other).unwrap();
    assert_ne!(other_key.commitment(), key.commitment());
    assert!(!check(&other_key, &proof));
}

/// A circuit with public inputs and Poseidon2 calls: `h = Poseidon2(x)[0..8]` chained twice,
/// the chain's start public. The honest proof verifies under its public values only; a wrong
/// permutation output, a public value the wires disagree with, and an extension element where
/// a base element belongs are each rejected.
#[test]
fn public_inputs_and_poseidon2_are_proven() {
    use vouch_stark::poseidon2::WIDTH;
    let mut b = CircuitBuilder::new();
    let start: Vec<_> = (0..8).map(|_| b.public_input()).collect();
    let zero = b.zero();
    let mut state: [_; WIDTH] = core::array::from_fn(|i| if i < 8 { start[i] } else { zero });
    for _ in 0..2 {
        let out = b.poseidon2(state);
        state = core::array::from_fn(|i| if i < 8 { out[i] } else { zero });
    }
    // The end is also public: a 16-value statement.
    for &s in &state[..8] {
        let p = b.public_input();
        b.assert_eq(s, p, "end of the chain");
    }
    let c = b.build();
    let key = CircuitKey::new(&c).unwrap();

    let start_values: Vec<Val> = (1..=8).map(Val::from_u32).collect();
    let end = {
        use vouch_stark::poseidon2::{permutation, Permutation};
        let mut s = [Val::ZERO; WIDTH];
        s[..8].copy_from_slice(&start_values);
        for _ in 0..2 {
            permutation().permute_mut(&mut s);
            s[8..].fill(Val::ZERO);
        }
        s[..8].to_vec()
    };
    let public: Vec<Val> = start_values.iter().chain(&end).copied().collect();
    let inputs: Vec<Challenge> = public.iter().map(|&x| x.into()).collect();
    let wires = c.eval(&inputs).unwrap();
    assert_eq!(c.public_values(&wires), public);
    let proof = key.prove(&c, &inputs).unwrap();
    assert!(check_public(&key, &public, &proof));

    // Another statement for the same proof.
    let mut other = public.clone();
    other[0] += Val::ONE;
    assert!(!check_public(&key, &other, &proof));

    // The first permutation's output word 3 changed (downstream wires left as they were): no
    // Poseidon2 row provides the call's `(input, output)`.
    let Op::Poseidon2 { output, .. } = c
        .ops
        .iter()
        .find(|op| matches!(op, Op::Poseidon2 { .. }))
        .copied()
        .unwrap()
    else {
        unreachable!()
    };
    let mut bad = wires.clone();
    bad[output[3].0 as usize] += Challenge::ONE;
    let proof = key.prove_wires(&c, &bad).unwrap();
    assert!(
        !check_public(&key, &public, &proof),
        "a wrong permutation output verified"
    );

    // A public input that is an extension element with the published value as its first
    // coefficient: the public table reads `(wire, value, 0, 0, 0)`, the witness disagrees.
    let mut bad = wires.clone();
    bad[start[0].0 as usize] += <Challenge as BasedVectorSpace<Val>>::ith_basis_element(1).unwrap();
    let proof = key.prove_wires(&c, &bad).unwrap();
    assert!(
        !check_public(&key, &public, &proof),
        "an extension public input verified"
    );
}

/// A compression with a swap bit (a Merkle level): the honest assignment verifies for either
/// bit, and flipping the bit's wire while keeping the permutation's output (the output of the
/// other order) gives a proof that does not: the call table permutes the state the bit names.
#[test]
fn a_swap_bit_decides_the_permuted_order() {
    let mut b = CircuitBuilder::new();
    let bit = b.input();
    let left: [_; 8] = core::array::from_fn(|_| b.input());
    let right: [_; 8] = core::array::from_fn(|_| b.input());
    let out = b.poseidon2_swapped(bit, left, right);
    let digest: Vec<_> = (0..8).map(|_| b.public_input()).collect();
    for (&o, &d) in out.iter().zip(&digest) {
        b.assert_eq(o, d, "digest");
    }
    let c = b.build();
    let key = CircuitKey::new(&c).unwrap();
    let halves: Vec<Val> = (1..=16).map(Val::from_u32).collect();
    for swapped in [false, true] {
        use vouch_stark::poseidon2::{permutation, Permutation};
        let mut state: [Val; 16] = core::array::from_fn(|i| halves[i]);
        if swapped {
            state.rotate_left(8);
        }
        permutation().permute_mut(&mut state);
        let public = state[..8].to_vec();
        let mut inputs = vec![ef(u32::from(swapped))];
        inputs.extend(halves.iter().map(|&x| Challenge::from(x)));
        inputs.extend(public.iter().map(|&x| Challenge::from(x)));
        let wires = c.eval(&inputs).unwrap();
        let proof = key.prove_wires(&c, &wires).unwrap();
        assert!(check_public(&key, &public, &proof), "swapped = {swapped}");

        let mut flipped = wires.clone();
        flipped[bit.0 as usize] = ef(u32::from(!swapped));
        let proof = key.prove_wires(&c, &flipped).unwrap();
        assert!(
            !check_public(&key, &public, &proof),
            "swapped = {swapped}: the other order's output verified"
        );
    }

    // A bit of 2 with every wire consistent with the state it would name,
    // `v_i + 2 (v_{i±8} − v_i)`: no proof verifies (the call table asserts the bit boolean;
    // the trace generator's permutation table does not hold that state either, so this does
    // not isolate the booleanity constraint).
    use vouch_stark::poseidon2::{permutation, Permutation};
    let mut state: [Val; 16] =
        core::array::from_fn(|i| halves[i] + Val::TWO * (halves[(i + 8) % 16] - halves[i]));
    permutation().permute_mut(&mut state);
    let mut inputs = vec![ef(1)];
    inputs.extend(halves.iter().map(|&x| Challenge::from(x)));
    inputs.extend(state[..8].iter().map(|&x| Challenge::from(x)));
    let mut wires = c.eval_unchecked(&inputs).unwrap();
    wires[bit.0 as usize] = ef(2);
    for (o, &x) in out.iter().zip(&state) {
        wires[o.0 as usize] = Challenge::from(x);
    }
    assert!(
        c.check(&wires).is_err(),
        "the circuit itself rejects the bit"
    );
    let proof = key.prove_wires(&c, &wires).unwrap();
    assert!(
        !check_public(&key, &state[..8], &proof),
        "a non-boolean swap bit verified"
    );
}
