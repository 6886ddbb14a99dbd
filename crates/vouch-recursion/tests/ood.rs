//! The segment OOD circuit against Plonky3's verifier, on real proofs: it accepts the openings
//! of an honest segment proof (with and without zero knowledge, one and several segments), and
//! rejects each kind of wrong input — a changed opening, quotient chunk, challenge, LogUp
//! terminal or public value — naming the table whose check fails.

use vouch_executor::Program;
use vouch_prover::{ProveOptions, ProvingKey, Receipt};
use vouch_recursion::circuit::CircuitError;
use vouch_recursion::segment::SegmentCircuit;
use vouch_stark::field::PrimeCharacteristicRing;
use vouch_stark::{Challenge, Val};
use vouch_testkit::reg::*;
use vouch_testkit::Asm;
use vouch_verifier::SegmentOod;

/// A program that exercises several chips (ALU, MUL, DIV, loads, stores, a branch loop, a
/// COMMIT) and halts with exit code 3.
fn program() -> Vec<u8> {
    let mut p = Asm::new();
    let data = p.alloc_zeroed(64);
    p.li(T0, data).li(T1, 7).li(T2, 0);
    let top = p.label_here();
    p.mul(T3, T1, T1)
        .add(T2, T2, T3)
        .sw(T2, 0, T0)
        .lw(T4, 0, T0)
        .divu(T5, T4, T1)
        .addi(T1, T1, -1);
    p.bne(T1, ZERO, top);
    p.commit(b"sums");
    p.halt_with_journal(3, b"sums");
    p.elf()
}

fn receipt(zk: bool, segment_cycles: u32) -> Receipt {
    let pk = ProvingKey::new(&Program::from_elf(&program()).unwrap()).unwrap();
    let opts = ProveOptions {
        zk,
        segment_cycles,
        ..Default::default()
    };
    let r = pk.prove(&[], &opts, &|_| {}).unwrap().receipt;
    r.verify(pk.program_id()).unwrap();
    r
}

fn check(seg: &SegmentOod) -> Result<(), CircuitError> {
    let c = SegmentCircuit::build(seg).expect("the machine's tables lower to a circuit");
    c.circuit
        .eval(&SegmentCircuit::inputs(&seg.public_values, &seg.ood))
        .map(|_| ())
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
    // cases change every entry; the accumulator, terminal and quotient always enter.
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
                Box::new(move |s| s.ood.instances[t].permutation_local[0] += one),
            ));
            cases.push((
                "LogUp terminal",
                Box::new(move |s| s.ood.instances[t].permutation_values[0] += one),
            ));
            cases.push((
                "set of LogUp challenges",
                Box::new(move |s| {
                    s.ood.instances[t]
                        .challenges
                        .iter_mut()
                        .for_each(|x| *x += one)
                }),
            ));
        }
        for (what, tamper) in cases {
            let mut seg = r.segment_ood(0).unwrap();
            tamper(&mut seg);
            let e = check(&seg).expect_err(&format!("table {t}: a changed {what} is accepted"));
            assert_eq!(failing_table(e), t, "{what}");
        }
    }

    // ζ and α are shared: some table rejects.
    let mut seg = r.segment_ood(0).unwrap();
    seg.ood.zeta += one;
    assert!(check(&seg).is_err(), "another ζ");
    let mut seg = r.segment_ood(0).unwrap();
    seg.ood.alpha += one;
    assert!(check(&seg).is_err(), "another α");

    // The statement's exit code (public value): the HALT table binds it.
    let halt = vouch_machine::ChipKind::Halt.index();
    let exit = vouch_machine::public::EXIT_CODE;
    let mut seg = r.segment_ood(0).unwrap();
    assert_eq!(seg.public_values[exit], Val::from_u32(3));
    seg.public_values[exit] = Val::from_u32(4);
    assert_eq!(failing_table(check(&seg).unwrap_err()), halt);
}
