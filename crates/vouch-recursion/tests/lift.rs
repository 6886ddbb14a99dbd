//! Lifts of real segment proofs: the honest lift verifies under its segment's statement and
//! program commitment, and under no other; a lift of a corrupted segment proof (a changed
//! quotient opening, one FRI query's opened row changed), of a segment under another segment's
//! statement (the continuation-forgery class: segment 1's proof claimed with segment 0's
//! roots), and a lift checked under another shape's key are each rejected — the prover refuses
//! (the circuit is unsatisfied), and a proof of the unsatisfied assignment does not verify.
//! Every lift is proven in the one recursion shape, whatever its segment's.

mod common;

use vouch_recursion::keyset::KeyDigest;
use vouch_recursion::lift::{LiftError, LiftKey};
use vouch_recursion::node::{Node, KEY_ROOT, RECURSION_LOG_HEIGHTS};
use vouch_recursion::prove::{CircuitProofError, RecursionProof};
use vouch_stark::field::PrimeCharacteristicRing;
use vouch_stark::{Challenge, Val};
use vouch_verifier::SegmentOod;

/// A key root for the tests (a lift does not check its root).
const ROOT: KeyDigest = [Val::ONE; 8];

/// Prove the circuit on whatever `seg` gives, satisfied or not, as a cheating prover would.
fn forced(key: &LiftKey, seg: &SegmentOod) -> Node {
    let c = &key.circuit;
    let wires = c
        .circuit
        .eval_unchecked(&c.inputs_with(seg, &ROOT))
        .unwrap();
    let mut public_values = vouch_recursion::segment::SegmentCircuit::public_values(seg);
    public_values.extend(ROOT);
    Node {
        key: key.digest(),
        proof: RecursionProof {
            public_values,
            proof: key.key.prove_wires(&c.circuit, &wires).unwrap(),
        },
    }
}

fn unsatisfied(r: Result<Node, LiftError>, what: &str) {
    match r {
        Err(LiftError::Proof(CircuitProofError::Unsatisfied(e))) => println!("{what}: {e}"),
        Err(e) => panic!("{what}: {e}"),
        Ok(_) => panic!("{what}: lifted"),
    }
}

#[test]
fn a_lift_verifies_for_its_statement_only() {
    let r = common::receipt(false, 1 << 20);
    let seg = r.segment_ood(0).unwrap();
    let key = LiftKey::for_segment(&seg).unwrap();
    let mut lift = key.lift(&seg, &ROOT).unwrap();
    lift.verify().unwrap();
    let (arith, ..) = key.circuit.circuit.counts();
    println!(
        "lift circuit: {} wires, {arith} operations, tables 2^{:?}",
        key.circuit.circuit.num_wires, key.key.log_heights
    );
    assert_eq!(
        key.key.log_heights, RECURSION_LOG_HEIGHTS,
        "the recursion shape"
    );

    // Another statement or program for the same proof.
    let n = seg.public_values.len();
    for (what, at) in [
        ("exit code", vouch_machine::public::EXIT_CODE),
        ("root out", vouch_machine::public::ROOT_OUT + 3),
        ("root in", vouch_machine::public::ROOT_IN),
        ("journal digest", vouch_machine::public::JOURNAL_DIGEST + 31),
        ("program commitment", n + 2),
        ("key root", KEY_ROOT + 5),
    ] {
        lift.proof.public_values[at] += Val::ONE;
        assert!(lift.verify().is_err(), "another {what} verified");
        lift.proof.public_values[at] -= Val::ONE;
        lift.verify().unwrap();
    }

    // A corrupted segment proof: a quotient opening.
    let mut bad = r.segment_ood(0).unwrap();
    bad.ood.instances[4].quotient_chunks[0][0] += Challenge::ONE;
    unsatisfied(key.lift(&bad, &ROOT), "a changed quotient opening");
    assert!(forced(&key, &bad).verify().is_err());

    // One FRI query of the segment proof fails.
    let mut bad = r.segment_ood(0).unwrap();
    bad.opening.as_mut().unwrap().queries[7].rows[0][3][1] += Val::ONE;
    unsatisfied(key.lift(&bad, &ROOT), "a failing FRI query");
    assert!(forced(&key, &bad).verify().is_err());
}

#[test]
fn a_segment_cannot_be_lifted_for_another_segments_statement() {
    let r = common::receipt(false, 16);
    assert!(r.proof.segments.len() >= 3);
    let first = r.segment_ood(0).unwrap();
    let mut second = r.segment_ood(1).unwrap();
    let key = LiftKey::for_segment(&second).unwrap();
    key.lift(&second, &ROOT).unwrap().verify().unwrap();

    // Segment 1's proof claimed from segment 0's root in (the forgery that splices a segment
    // run from another state into a chain): the statement is absorbed by the transcript.
    second.public_values = first.public_values.clone();
    unsatisfied(
        key.lift(&second, &ROOT),
        "segment 1 under segment 0's statement",
    );
    assert!(forced(&key, &second).verify().is_err());

    // Under another shape's key (a longer run, whose tables are taller than the minimum
    // height this program's segments all have): no lift, and a lift does not verify under it.
    let longer = {
        use vouch_testkit::reg::*;
        let mut p = vouch_testkit::Asm::new();
        p.li(T1, 3000).li(T2, 0);
        let top = p.label_here();
        p.mul(T3, T1, T1).add(T2, T2, T3).addi(T1, T1, -1);
        p.bne(T1, ZERO, top);
        p.halt(0);
        let pk =
            vouch_prover::ProvingKey::new(&vouch_executor::Program::from_elf(&p.elf()).unwrap())
                .unwrap();
        let opts = vouch_prover::ProveOptions {
            zk: false,
            ..Default::default()
        };
        pk.prove(&[], &opts, &|_| {}).unwrap().receipt
    };
    let other = LiftKey::for_segment(&longer.segment_ood(0).unwrap()).unwrap();
    assert_ne!(other.circuit.shape(), key.circuit.shape());
    let honest = r.segment_ood(1).unwrap();
    assert!(matches!(
        other.lift(&honest, &ROOT),
        Err(LiftError::OtherShape)
    ));
    let mut proof = key.lift(&honest, &ROOT).unwrap();
    assert_ne!(other.digest(), key.digest());
    proof.key = other.digest();
    assert!(proof.verify().is_err(), "a lift verified under another key");
}

#[test]
fn a_zero_knowledge_segment_is_not_lifted() {
    let r = common::receipt(true, 1 << 20);
    let seg = r.segment_ood(0).unwrap();
    assert!(matches!(
        LiftKey::for_segment(&seg),
        Err(LiftError::NotPlain)
    ));
}
