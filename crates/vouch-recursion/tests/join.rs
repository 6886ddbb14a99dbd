//! Joins and aggregation of real lift proofs under one join key and a key set.
//!
//! A whole run (several segments) aggregates into one proof of the run's statement (the first
//! segment's root in, the last one's root out, halt and exit code) under the join key, which
//! checks as the top of the set and under no other set. Refused, each by the circuit check
//! that names it: a join of non-adjacent segments, of a halted segment followed by another, of
//! segments of two programs, of a child whose key is not in the set (a changed path), and of a
//! child that carries another key root; a forced proof of an unsatisfied join does not verify.
//! The aggregated run then goes through the final layer (zero knowledge), with its own
//! refusals and the terminal distinguisher of docs/zk.md.

mod common;

use sha2::Digest;
use vouch_machine::public::{EXIT_CODE, HALTED, ROOT_IN, ROOT_OUT};
use vouch_recursion::final_layer::{
    FinalError, FinalKey, FinalProof, FINAL_EXIT_CODE, FINAL_INITIAL_ROOT, FINAL_JOURNAL_DIGEST,
    FINAL_PROGRAM,
};
use vouch_recursion::join::{JoinError, JoinKey};
use vouch_recursion::keyset::KeySet;
use vouch_recursion::node::{Node, NUM_RECURSION_PUBLIC_VALUES};
use vouch_recursion::prove::{CircuitProofError, RecursionProof};
use vouch_recursion::run::RunKeys;
use vouch_stark::field::PrimeCharacteristicRing;
use vouch_stark::{Challenge, Val};

/// The chaining checks an unsatisfied join trips (evaluating without stopping).
fn failed_checks(join: &JoinKey, inputs: &[Challenge]) -> Vec<String> {
    let wires = join.circuit.eval_unchecked(inputs).unwrap();
    join.circuit
        .failed_assertions(&wires)
        .into_iter()
        .filter(|l| l.starts_with("join:"))
        .collect()
}

fn refused(r: Result<Node, JoinError>, what: &str) {
    match r {
        Err(JoinError::Proof(CircuitProofError::Unsatisfied(e))) => println!("{what}: {e}"),
        Err(e) => panic!("{what}: {e}"),
        Ok(_) => panic!("{what}: joined"),
    }
}

#[test]
fn a_run_aggregates_into_one_proof_and_bad_joins_are_refused() {
    let receipt = common::receipt(false, 24);
    let n = receipt.proof.segments.len();
    assert!(n >= 3, "{n} segments");
    let segs: Vec<_> = (0..n).map(|i| receipt.segment_ood(i).unwrap()).collect();
    // The run's keys: a lift key per segment shape (segment 0 and the last may differ from
    // the middle ones), the join key laid out from a lift of segment 0, and their set.
    let t = std::time::Instant::now();
    let keys = RunKeys::for_segments(&segs).unwrap();
    let (join, set, template) = (&keys.join, &keys.set, &keys.template);
    let (arith, ..) = join.circuit.counts();
    println!(
        "{} lift keys; join circuit: {} wires, {arith} operations, tables 2^{:?}; keys in {:.1} s",
        keys.lifts.len(),
        join.circuit.num_wires,
        join.key.log_heights,
        t.elapsed().as_secs_f64()
    );
    let lifts: Vec<Node> = segs.iter().map(|seg| keys.lift(seg).unwrap()).collect();
    let root = set.root();

    // Segments 0 and 2 (1 skipped).
    let skip = join.inputs(set, &lifts[0], &lifts[2]).unwrap();
    assert_eq!(
        failed_checks(join, &skip),
        ["join: the left's root out is the right's root in"]
    );
    refused(
        join.join(set, &lifts[0], &lifts[2]),
        "non-adjacent segments",
    );
    // A forced proof of it does not verify.
    let wires = join.circuit.eval_unchecked(&skip).unwrap();
    let forced = Node {
        key: join.digest(),
        proof: RecursionProof {
            public_values: JoinKey::joined(
                &lifts[0].proof.public_values,
                &lifts[2].proof.public_values,
            ),
            proof: join.key.prove_wires(&join.circuit, &wires).unwrap(),
        },
    };
    assert!(forced.verify().is_err(), "a forced join verified");

    // The halted last segment followed by segment 1.
    let failed = failed_checks(join, &join.inputs(set, &lifts[n - 1], &lifts[1]).unwrap());
    assert!(
        failed.contains(&"join: the left piece does not halt".to_string()),
        "{failed:?}"
    );

    // Segment 0 followed by segment 1 of another program (same code, another exit code: another
    // ROM, so another preprocessed commitment; the same shape, so the same lift key).
    let other_program = {
        use vouch_prover::{ProveOptions, ProvingKey};
        let elf = common::program_with_exit(4);
        let pk = ProvingKey::new(&vouch_executor::Program::from_elf(&elf).unwrap()).unwrap();
        let opts = ProveOptions {
            zk: false,
            segment_cycles: 24,
            ..Default::default()
        };
        pk.prove(&[], &opts, &|_| {}).unwrap().receipt
    };
    let other = keys
        .lift_key(&segs[1])
        .unwrap()
        .lift(&other_program.segment_ood(1).unwrap(), &root)
        .unwrap();
    let failed = failed_checks(join, &join.inputs(set, &lifts[0], &other).unwrap());
    assert!(
        failed.contains(&"join: one program".to_string()),
        "{failed:?}"
    );

    // A child under a key outside the set: the path is refused.
    let mut inputs = join.inputs(set, &lifts[0], &lifts[1]).unwrap();
    assert!(failed_checks(join, &inputs).is_empty());
    let first_bit = 2 * NUM_RECURSION_PUBLIC_VALUES + 8;
    inputs[first_bit] = Challenge::ONE - inputs[first_bit];
    assert_eq!(
        failed_checks(join, &inputs),
        ["join: the left key is in the key set"]
    );
    let without = KeySet::new(&[join.digest()]).unwrap();
    assert!(matches!(
        join.inputs(&without, &lifts[0], &lifts[1]),
        Err(JoinError::UnknownKey)
    ));

    // A child carrying another key root (lifted under a set it was never checked against).
    let stray = keys
        .lift_key(&segs[1])
        .unwrap()
        .lift(&segs[1], &[Val::ONE; 8])
        .unwrap();
    let failed = failed_checks(join, &join.inputs(set, &lifts[0], &stray).unwrap());
    assert_eq!(failed, ["join: the right child carries the key root"]);

    // The whole run, in one proof.
    let t = std::time::Instant::now();
    let first = lifts[0].proof.public_values.clone();
    let last = lifts[n - 1].proof.public_values.clone();
    let last_lift = copy(&lifts[n - 1]);
    let first_lift = copy(&lifts[0]);
    let top = join.aggregate(set, lifts).unwrap();
    println!(
        "{n} segments aggregated ({} joins) in {:.1} s",
        n - 1,
        t.elapsed().as_secs_f64()
    );
    top.verify_in(set).unwrap();
    let pv = &top.proof.public_values;
    assert_eq!(pv[ROOT_IN..ROOT_IN + 8], first[ROOT_IN..ROOT_IN + 8]);
    assert_eq!(pv[ROOT_OUT..ROOT_OUT + 8], last[ROOT_OUT..ROOT_OUT + 8]);
    assert_eq!(pv[HALTED], Val::ONE);
    assert_eq!(pv[EXIT_CODE], Val::from_u32(3));
    assert_eq!(top.key, join.digest());
    let other_set = KeySet::new(&[join.digest()]).unwrap();
    assert!(
        top.verify_in(&other_set).is_err(),
        "verified in another set"
    );
    let mut changed = copy(&top);
    changed.proof.public_values[EXIT_CODE] = Val::from_u32(4);
    assert!(
        changed.verify_in(set).is_err(),
        "another exit code verified"
    );

    final_layer(&receipt, set, template, &top, (&first_lift, &last_lift));
}

/// A copy of `node` (a batch proof is not `Clone`; it round-trips through bincode).
fn copy(node: &Node) -> Node {
    let bytes = bincode::serde::encode_to_vec(node, bincode::config::standard()).unwrap();
    bincode::serde::decode_from_slice(&bytes, bincode::config::standard())
        .unwrap()
        .0
}

/// The final layer over the aggregated run: a zero-knowledge proof of (program, initial root,
/// exit code, journal digest) only, refused for a run that does not halt or does not start at
/// the program's initial root; another exit code, journal digest, program or initial root
/// does not verify; and its LogUp terminals give nothing to a verifier who knows the whole
/// witness, while without the blinding they would.
fn final_layer(
    receipt: &vouch_prover::Receipt,
    set: &KeySet,
    template: &Node,
    top: &Node,
    (first_lift, last_lift): (&Node, &Node),
) {
    let program = vouch_recursion::node::key_digest(&receipt.vk.commitment);
    let initial_root = receipt.vk.initial_root.map(Val::from_u32);
    let t = std::time::Instant::now();
    let key = FinalKey::new(set, template).unwrap();
    println!(
        "final circuit: {} wires, tables 2^{:?}, built and committed in {:.1} s",
        key.circuit.num_wires,
        key.log_heights,
        t.elapsed().as_secs_f64()
    );
    let t = std::time::Instant::now();
    let proof = key.prove(set, top, &program, &initial_root).unwrap();
    let bytes = bincode::serde::encode_to_vec(&proof, bincode::config::standard()).unwrap();
    println!(
        "final proof: {:.1} s, {} bytes, degree bits {:?}",
        t.elapsed().as_secs_f64(),
        bytes.len(),
        proof.proof.degree_bits
    );
    key.verify(&proof).unwrap();
    let pv = &proof.public_values;
    assert_eq!(
        pv[FINAL_EXIT_CODE..FINAL_EXIT_CODE + 4],
        [Val::from_u32(3), Val::ZERO, Val::ZERO, Val::ZERO]
    );
    let digest: [u8; 32] = sha2::Sha256::digest(&receipt.journal).into();
    let digest: Vec<Val> = digest.iter().map(|&b| Val::from_u32(b.into())).collect();
    assert_eq!(pv[FINAL_JOURNAL_DIGEST..], digest[..]);

    // Another exit code, journal digest, program commitment or initial root.
    for (what, at) in [
        ("exit code", FINAL_EXIT_CODE),
        ("journal digest", FINAL_JOURNAL_DIGEST + 7),
        ("program", FINAL_PROGRAM + 1),
        ("initial root", FINAL_INITIAL_ROOT + 4),
    ] {
        let (mut other, _): (FinalProof, _) =
            bincode::serde::decode_from_slice(&bytes, bincode::config::standard()).unwrap();
        other.public_values[at] += Val::ONE;
        assert!(key.verify(&other).is_err(), "another {what} verified");
    }

    // The last segment alone halts but starts mid-run; segment 0 alone starts at the initial
    // root but does not halt.
    let failed = |node: &Node| -> Vec<String> {
        let inputs = key.inputs(set, node, &program, &initial_root).unwrap();
        let wires = key.circuit.eval_unchecked(&inputs).unwrap();
        key.circuit
            .failed_assertions(&wires)
            .into_iter()
            .filter(|l| l.starts_with("final:"))
            .collect()
    };
    assert_eq!(
        failed(last_lift),
        ["final: the run starts at the program's initial root"]
    );
    assert!(matches!(
        key.prove(set, last_lift, &program, &initial_root),
        Err(FinalError::Unsatisfied(_))
    ));
    assert_eq!(failed(first_lift), ["final: the run halts"]);

    // The distinguisher: replay the transcript to the LogUp challenges and count the tables
    // whose terminal a candidate witness reproduces (blinding tuples zero, as a guesser who
    // does not know them must assume).
    let reproduced = |proof: &FinalProof, candidate: &Node| -> usize {
        let inputs = key.inputs(set, candidate, &program, &initial_root).unwrap();
        let wires = key.circuit.eval_unchecked(&inputs).unwrap();
        let traces = key.traces(&wires, || [Val::ZERO; 4]);
        let config = vouch_stark::zk_keygen_config(&vouch_recursion::prove::RECURSION_PARAMS);
        let common = vouch_stark::keys::verifier_common(
            &config,
            &key.airs,
            &key.log_heights,
            key.commitment(),
        );
        let pv: Vec<Vec<Val>> = key
            .airs
            .iter()
            .map(|a| {
                if vouch_stark::air::BaseAir::<Val>::num_public_values(a) > 0 {
                    proof.public_values.clone()
                } else {
                    Vec::new()
                }
            })
            .collect();
        vouch_stark::replay::terminals(&config, &key.airs, &common, &proof.proof, &pv, &traces)
            .unwrap()
            .iter()
            .filter(|(published, recomputed)| published.is_some() && published == recomputed)
            .count()
    };
    let unblinded = key
        .prove_blinded(set, top, &program, &initial_root, false)
        .unwrap();
    key.verify(&unblinded).unwrap();
    let (right, wrong) = (
        reproduced(&unblinded, top),
        reproduced(&unblinded, last_lift),
    );
    println!("without blinding: the witness reproduces {right} terminals, another {wrong}");
    assert!(
        right > wrong,
        "the distinguisher fails even without blinding"
    );
    let (right, wrong) = (reproduced(&proof, top), reproduced(&proof, last_lift));
    println!("with blinding: the witness reproduces {right} terminals, another {wrong}");
    assert_eq!((right, wrong), (0, 0), "a terminal reproduced");
}
