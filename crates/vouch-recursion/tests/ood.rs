//! The segment OOD circuit against Plonky3's verifier, on real proofs: it accepts the openings
//! of an honest segment proof (with and without zero knowledge, one and several segments), and
//! rejects each kind of wrong input — a changed opening, quotient chunk, LogUp accumulator or
//! terminal, public value (naming the table whose check fails), commitment or grind witness
//! (which the circuit's own transcript absorbs). Its transcript draws the native `ζ` and `α`.

use vouch_recursion::circuit::CircuitError;
use vouch_recursion::segment::SegmentCircuit;
use vouch_stark::field::PrimeCharacteristicRing;
use vouch_stark::{Challenge, Val};
use vouch_verifier::SegmentOod;

mod common;
use common::receipt;

fn check(seg: &SegmentOod) -> Result<(), CircuitError> {
    let c = SegmentCircuit::build(seg).expect("the machine's tables lower to a circuit");
    let w = c.circuit.eval(&c.inputs(seg))?;
    // The circuit's transcript draws the native transcript's challenges.
    assert_eq!(
        (w[c.zeta.0 as usize], w[c.alpha.0 as usize]),
        (seg.ood.zeta, seg.ood.alpha)
    );
    Ok(())
}

/// The table index an assertion label names (`table i (name): ...`).
fn failing_table(e: CircuitError) -> usize {
    let CircuitError::Assertion { label, .. } = e else {
        panic!("expected a failed assertion, got {e:?}");
    };
    label
        .strip_prefix("table ")
        .and_then(|s| s.split_whitespace().next())
        .and_then(|s| s.parse().ok())
        .unwrap_or_else(|| panic!("label names no table: {label}"))
}

#[test]
fn honest_segment_openings_are_accepted() {
    for zk in [false, true] {
        let r = receipt(zk, 1 << 20);
        let seg = r.segment_ood(0).unwrap();
        check(&seg).unwrap_or_else(|e| panic!("zk = {zk}: {e}"));
    }
}

#[test]
fn every_segment_of_a_continuation_is_accepted() {
    let r = receipt(false, 16);
    let n = r.proof.segments.len();
    assert!(n >= 3, "{n} segments");
    for i in 0..n {
        check(&r.segment_ood(i).unwrap()).unwrap_or_else(|e| panic!("segment {i}: {e}"));
    }
}

/// A change to a segment's OOD inputs.
type Tamper = Box<dyn Fn(&mut SegmentOod)>;

#[test]
fn wrong_inputs_are_rejected_in_the_right_table() {
    let r = receipt(false, 1 << 20);
    let honest = r.segment_ood(0).unwrap();
    let one = Challenge::ONE;
    let tables = honest.ood.instances.len();

    // Each table's inputs, changed: rejected, and by that table's check. A single opening
    // can enter a table's identity at ζ with coefficient zero (a lookup whose multiplicity is
    // zero on every row has an identically zero fraction column, so its tuple's openings do
    // not matter there; the opening proof is what pins them), so the trace and challenge
    // cases change every entry; the accumulator and quotient always enter. (A terminal is
    // absorbed by the transcript too, so changing one changes every challenge: below.)
    for t in 0..tables {
        let mut cases: Vec<(&str, Tamper)> = vec![
            (
                "row of trace openings",
                Box::new(move |s| {
                    s.ood.instances[t]
                        .trace_local
                        .iter_mut()
                        .for_each(|x| *x += one)
                }),
            ),
            (
                "quotient chunk",
                Box::new(move |s| s.ood.instances[t].quotient_chunks[0][0] += one),
            ),
        ];
        if !honest.ood.instances[t].permutation_local.is_empty() {
            cases.push((
                "LogUp accumulator",
                Box::new(move |s| s.ood.instances[t].permutation_local_flat[0] += one),
            ));
        }
        for (what, tamper) in cases {
            let mut seg = r.segment_ood(0).unwrap();
            tamper(&mut seg);
            let e = check(&seg).expect_err(&format!("table {t}: a changed {what} is accepted"));
            assert_eq!(failing_table(e), t, "{what}");
        }
    }

    // What the transcript absorbs: another commitment or grind witness gives other
    // challenges (or fails the grind), and the honest openings no longer fit.
    let transcript_cases: Vec<(&str, Tamper)> = vec![
        (
            "main commitment",
            Box::new(|s| s.ood.transcript.main[0] += Val::ONE),
        ),
        (
            "quotient commitment",
            Box::new(|s| s.ood.transcript.quotient[7] += Val::ONE),
        ),
        (
            "permutation commitment",
            Box::new(|s| s.ood.transcript.permutation.as_mut().unwrap()[3] += Val::ONE),
        ),
        (
            "lookup grind witness",
            Box::new(|s| *s.ood.transcript.lookup_pow_witness.as_mut().unwrap() += Val::ONE),
        ),
        (
            "out-of-domain grind witness",
            Box::new(|s| s.ood.transcript.ood_pow_witness += Val::ONE),
        ),
        (
            "LogUp terminal (absorbed before α)",
            Box::new(|s| s.ood.instances[4].permutation_values[0] += Challenge::ONE),
        ),
        // The statement is absorbed too (and HALT's table binds the exit code).
        (
            "exit code",
            Box::new(|s| s.public_values[vouch_machine::public::EXIT_CODE] += Val::ONE),
        ),
    ];
    for (what, tamper) in transcript_cases {
        let mut seg = r.segment_ood(0).unwrap();
        tamper(&mut seg);
        let c = SegmentCircuit::build(&seg).unwrap();
        let e = c
            .circuit
            .eval(&c.inputs(&seg))
            .expect_err(&format!("a changed {what} is accepted"));
        println!("{what}: {e}");
    }

    // The honest exit code is the statement's.
    let seg = r.segment_ood(0).unwrap();
    assert_eq!(
        seg.public_values[vouch_machine::public::EXIT_CODE],
        Val::from_u32(3)
    );
}
