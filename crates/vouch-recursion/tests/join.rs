//! Joins of real lift proofs: two adjacent segments of a continuation join into a proof of
//! the joined statement, which verifies for that statement only; a join of non-adjacent
//! segments, of a halted segment followed by another, and of segments of two programs are
//! each refused (the circuit names the chaining check that fails), and a proof of the
//! unsatisfied assignment does not verify.

mod common;

use vouch_recursion::join::{JoinError, JoinKey};
use vouch_recursion::lift::{LiftKey, LiftProof};
use vouch_recursion::prove::{CircuitKey, CircuitProofError, RecursionProof};
use vouch_stark::field::PrimeCharacteristicRing;
use vouch_stark::Val;

fn lift(seg: &vouch_verifier::SegmentOod) -> (LiftKey, LiftProof) {
    let key = LiftKey::for_segment(seg).unwrap();
    let proof = key.lift(seg).unwrap();
    (key, proof)
}

/// The chaining checks an unsatisfied join trips (evaluating without stopping).
fn failed_checks(
    join: &JoinKey,
    (lk, l): (&CircuitKey, &RecursionProof),
    (rk, r): (&CircuitKey, &RecursionProof),
) -> Vec<String> {
    let inputs = join.inputs(lk, l, rk, r).unwrap();
    let wires = join.circuit.eval_unchecked(&inputs).unwrap();
    join.circuit
        .failed_assertions(&wires)
        .into_iter()
        .filter(|l| l.starts_with("join:"))
        .collect()
}

fn refused(r: Result<RecursionProof, JoinError>, what: &str) {
    match r {
        Err(JoinError::Proof(CircuitProofError::Unsatisfied(e))) => println!("{what}: {e}"),
        Err(e) => panic!("{what}: {e}"),
        Ok(_) => panic!("{what}: joined"),
    }
}

#[test]
fn adjacent_segments_join_and_others_do_not() {
    let receipt = common::receipt(false, 16);
    let n = receipt.proof.segments.len();
    assert!(n >= 3, "{n} segments");
    let segs: Vec<_> = [0, 1, 2, n - 1]
        .iter()
        .map(|&i| receipt.segment_ood(i).unwrap())
        .collect();
    let lifts: Vec<(LiftKey, LiftProof)> = segs.iter().map(lift).collect();
    let k = |i: usize| &lifts[i].0.key;
    let p = |i: usize| &lifts[i].1;

    let t = std::time::Instant::now();
    let join = JoinKey::new(k(0), p(0), k(1), p(1)).unwrap();
    let proof = join.join(k(0), p(0), k(1), p(1)).unwrap();
    let (arith, ..) = join.circuit.counts();
    println!(
        "join circuit: {} wires, {arith} operations, tables 2^{:?}; key and proof in {:.1} s",
        join.circuit.num_wires,
        join.key.log_heights,
        t.elapsed().as_secs_f64()
    );
    join.verify(&proof).unwrap();
    // The joined statement: segment 0's root in, segment 1's root out.
    use vouch_machine::public::{ROOT_IN, ROOT_OUT};
    assert_eq!(
        proof.public_values[ROOT_IN..ROOT_IN + 8],
        p(0).public_values[ROOT_IN..ROOT_IN + 8]
    );
    assert_eq!(
        proof.public_values[ROOT_OUT..ROOT_OUT + 8],
        p(1).public_values[ROOT_OUT..ROOT_OUT + 8]
    );
    let mut other = proof;
    other.public_values[ROOT_IN] += Val::ONE;
    assert!(join.verify(&other).is_err(), "another root in verified");

    // Segments 0 and 2 (1 skipped), under a join of their keys.
    let skip = JoinKey::new(k(0), p(0), k(2), p(2)).unwrap();
    refused(skip.join(k(0), p(0), k(2), p(2)), "non-adjacent segments");
    assert_eq!(
        failed_checks(&skip, (k(0), p(0)), (k(2), p(2))),
        ["join: the left's root out is the right's root in"]
    );

    // The halted last segment followed by segment 1.
    let after_halt = JoinKey::new(k(3), p(3), k(1), p(1)).unwrap();
    refused(
        after_halt.join(k(3), p(3), k(1), p(1)),
        "a halted segment first",
    );
    let failed = failed_checks(&after_halt, (k(3), p(3)), (k(1), p(1)));
    assert!(
        failed.contains(&"join: the left piece does not halt".to_string()),
        "{failed:?}"
    );

    // Segment 0 followed by segment 1 of another program (same code, another exit code: another
    // ROM, so another preprocessed commitment).
    let other_program = {
        use vouch_prover::{ProveOptions, ProvingKey};
        let elf = common::program_with_exit(4);
        let pk = ProvingKey::new(&vouch_executor::Program::from_elf(&elf).unwrap()).unwrap();
        let opts = ProveOptions {
            zk: false,
            segment_cycles: 16,
            ..Default::default()
        };
        pk.prove(&[], &opts, &|_| {}).unwrap().receipt
    };
    let (kb, pb) = lift(&other_program.segment_ood(1).unwrap());
    let two = JoinKey::new(k(0), p(0), &kb.key, &pb).unwrap();
    let failed = failed_checks(&two, (k(0), p(0)), (&kb.key, &pb));
    assert!(
        failed.contains(&"join: one program".to_string()),
        "{failed:?}"
    );

    // A forced proof of the non-adjacent join does not verify.
    let inputs = skip.inputs(k(0), p(0), k(2), p(2)).unwrap();
    let wires = skip.circuit.eval_unchecked(&inputs).unwrap();
    let proof = RecursionProof {
        public_values: JoinKey::joined(&p(0).public_values, &p(2).public_values),
        proof: skip.key.prove_wires(&skip.circuit, &wires).unwrap(),
    };
    assert!(skip.verify(&proof).is_err(), "a forced join verified");
}
