//! The opening argument in the segment circuit, on real plain proofs: an honest segment's
//! whole verification (transcript, every table at `ζ`, FRI) is accepted, for every segment of
//! a continuation; each part of the opening proof, changed, is rejected by the check that
//! owns it — a query's opened row or Merkle sibling (the input commitment's path), a value of
//! a commit-phase group (that round's path), the final polynomial, a commit-phase commitment
//! and the query grind (the transcript) — and a claimed value changed on the wires both the
//! out-of-domain check and FRI read is caught by FRI as well as by its table.

use vouch_recursion::circuit::CircuitError;
use vouch_recursion::segment::SegmentCircuit;
use vouch_stark::field::PrimeCharacteristicRing;
use vouch_stark::{Challenge, Val};
use vouch_verifier::SegmentOod;

mod common;

/// A plain receipt (the recursion's inner proofs are plain).
fn receipt(segment_cycles: u32) -> vouch_prover::Receipt {
    common::receipt(false, segment_cycles)
}

fn eval(seg: &SegmentOod) -> Result<(), CircuitError> {
    let c = SegmentCircuit::build(seg).expect("a plain segment lowers to a circuit");
    assert!(
        c.opening.is_some(),
        "a plain proof's circuit checks its opening"
    );
    c.circuit.eval(&c.inputs(seg)).map(|_| ())
}

fn rejected_by(seg: &SegmentOod, what: &str) -> String {
    match eval(seg) {
        Ok(()) => panic!("a changed {what} is accepted"),
        Err(CircuitError::Assertion { label, .. }) => label,
        Err(e) => panic!("{what}: {e}"),
    }
}

#[test]
fn honest_segments_are_verified_in_the_circuit() {
    let r = receipt(1 << 20);
    let seg = r.segment_ood(0).unwrap();
    let c = SegmentCircuit::build(&seg).unwrap();
    let (arith, consts, inputs, asserts) = c.circuit.counts();
    println!(
        "segment verification circuit: {} wires, {arith} arithmetic (Poseidon2 included), \
         {consts} constants, {inputs} inputs, {asserts} assertions; {} queries, schedule {:?}",
        c.circuit.num_wires,
        c.opening.as_ref().unwrap().params.num_queries,
        c.opening.as_ref().unwrap().params.log_arities,
    );
    eval(&seg).unwrap();

    let r = receipt(16);
    let n = r.proof.segments.len();
    assert!(n >= 3, "{n} segments");
    for i in 0..n {
        eval(&r.segment_ood(i).unwrap()).unwrap_or_else(|e| panic!("segment {i}: {e}"));
    }
}

/// A change to a segment's opening proof.
type Tamper = Box<dyn Fn(&mut SegmentOod)>;

fn op(s: &mut SegmentOod) -> &mut vouch_stark::opening::Opening {
    s.opening.as_mut().unwrap()
}

#[test]
fn a_changed_opening_proof_is_rejected_where_it_is_checked() {
    let r = receipt(1 << 20);
    let one = Val::ONE;
    let cases: Vec<(&str, &str, Tamper)> = vec![
        (
            "opened row of query 0",
            "query 0, input commitment 0: the path reaches the commitment",
            Box::new(move |s| op(s).queries[0].rows[0][0][0] += one),
        ),
        (
            "opened row of the last query, quotient commitment",
            "input commitment 1: the path reaches the commitment",
            Box::new(move |s| {
                let q = op(s).queries.last_mut().unwrap();
                q.rows[1][0][0] += one;
            }),
        ),
        (
            "Merkle sibling of query 3",
            "query 3, input commitment 0: the path reaches the commitment",
            Box::new(move |s| op(s).queries[3].paths[0][2][5] += one),
        ),
        (
            "commit-phase group value of query 1",
            "query 1, round 0",
            Box::new(move |s| {
                // Every entry of the group but one is a sibling; changing them all changes
                // one the fold does not pin to the running value.
                for y in op(s).queries[1].round_rows[0].iter_mut() {
                    *y += Challenge::ONE;
                }
            }),
        ),
        (
            "commit-phase path of query 2, last round",
            "query 2, round",
            Box::new(move |s| {
                let q = &mut op(s).queries[2];
                let last = q.round_paths.len() - 1;
                q.round_paths[last][0][0] += one;
            }),
        ),
    ];
    for (what, expected, tamper) in cases {
        let mut seg = r.segment_ood(0).unwrap();
        tamper(&mut seg);
        let label = rejected_by(&seg, what);
        assert!(
            label.contains(expected),
            "{what}: rejected by '{label}', expected '{expected}'"
        );
    }

    // What the FRI transcript absorbs: other challenges, so the honest openings no longer fit
    // (or the grind fails).
    let transcript_cases: Vec<(&str, Tamper)> = vec![
        (
            "final polynomial",
            Box::new(|s| op(s).final_poly[0] += Challenge::ONE),
        ),
        (
            "commit-phase commitment",
            Box::new(move |s| op(s).commit_phase_commits[0][0] += one),
        ),
        (
            "query grind witness",
            Box::new(move |s| op(s).query_pow_witness += one),
        ),
        (
            "batch grind witness",
            Box::new(move |s| op(s).batch_pow_witness += one),
        ),
    ];
    for (what, tamper) in transcript_cases {
        let mut seg = r.segment_ood(0).unwrap();
        tamper(&mut seg);
        let label = rejected_by(&seg, what);
        println!("{what}: rejected by {label}");
    }
}

/// A claimed value enters both the table's check at `ζ` and the opening argument (they share
/// the wire): changing it trips both, so FRI binds the claims on its own.
#[test]
fn a_changed_claim_is_caught_by_fri_as_well() {
    let r = receipt(1 << 20);
    let mut seg = r.segment_ood(0).unwrap();
    seg.ood.instances[2].trace_local[0] += Challenge::ONE;
    let c = SegmentCircuit::build(&seg).unwrap();
    let wires = c.circuit.eval_unchecked(&c.inputs(&seg)).unwrap();
    let failed = c.circuit.failed_assertions(&wires);
    assert!(
        failed.iter().any(|l| l.starts_with("table 2 ")),
        "the table's check: {failed:?}"
    );
    assert!(
        failed.iter().any(|l| l.starts_with("query ")),
        "FRI: {failed:?}"
    );
}
