//! Receipt-level soundness: every way of changing an honest receipt is rejected with a
//! specific error, and the verifier never panics on corrupted bytes.

mod common;

use common::*;
use vouch_machine::chips::halt::HaltCols;
use vouch_machine::ChipKind;
use vouch_prover::{ProvingKey, Receipt, ReceiptProof, VerifyError};
use vouch_stark::Val;
use vouch_testkit::reg::*;
use vouch_testkit::Asm;

/// A tiny program (ALU + HALT) exiting with `exit`.
fn program(exit: u32) -> Vec<u8> {
    let mut p = Asm::new();
    p.addi(T0, ZERO, 5).addi(T1, T0, 6).add(T2, T0, T1);
    halt_alu(&mut p, exit);
    p.elf()
}

fn setup() -> (ProvingKey, Receipt) {
    let pk = key(&program(3));
    let receipt = prove(&pk, &[]);
    (pk, receipt)
}

fn reencode(r: &Receipt) -> Receipt {
    Receipt::from_bytes(&r.to_bytes().unwrap()).unwrap()
}

#[test]
fn honest_receipt_verifies_after_a_round_trip() {
    let (pk, r) = setup();
    reencode(&r).verify(pk.program_id()).unwrap();
}

#[test]
fn tampered_journal_is_rejected() {
    let (pk, mut r) = setup();
    r.journal = vec![1];
    assert!(matches!(
        r.verify(pk.program_id()),
        Err(VerifyError::InvalidSegment { .. })
    ));
}

#[test]
fn tampered_exit_code_is_rejected() {
    let (pk, mut r) = setup();
    r.exit_code = 0;
    assert!(matches!(
        r.verify(pk.program_id()),
        Err(VerifyError::InvalidSegment { .. })
    ));
}

#[test]
fn another_programs_id_is_rejected() {
    let (pk, r) = setup();
    let other = key(&program(4)).program_id();
    assert_ne!(other, pk.program_id());
    // Verifying against another program fails on the id itself…
    assert!(matches!(
        r.verify(other),
        Err(VerifyError::WrongProgram { .. })
    ));
    // …and relabelling the receipt does not help: its key no longer hashes to the id.
    let mut relabelled = reencode(&r);
    relabelled.program_id = other;
    assert!(matches!(
        relabelled.verify(other),
        Err(VerifyError::KeyMismatch)
    ));
}

#[test]
fn receipt_from_another_program_is_rejected() {
    // Program 4's honest receipt, presented with program 3's key and id: the proof was made
    // against the other program's ROM and starts from its initial root, so it fails.
    let (pk3, _) = setup();
    let pk4 = key(&program(4));
    let mut r = prove(&pk4, &[]);
    r.program_id = pk3.program_id();
    r.vk = pk3.verifying_key().clone();
    assert!(matches!(
        r.verify(pk3.program_id()),
        Err(VerifyError::BrokenChain { .. })
    ));
    // With the chain's first root made program 3's, the proof itself fails.
    r.proof.segments[0].root_in = pk3.verifying_key().initial_root;
    assert!(matches!(
        r.verify(pk3.program_id()),
        Err(VerifyError::InvalidSegment { .. })
    ));
}

#[test]
fn omitted_duplicated_or_reordered_tables_are_rejected() {
    let (pk, r) = setup();
    let id = pk.program_id();
    let edit = |f: &dyn Fn(&mut vouch_stark::batch::BatchProof<vouch_stark::PlainConfig>)| {
        let mut r = reencode(&r);
        let ReceiptProof::Plain(proof) = &mut r.proof.segments[0].proof else {
            unreachable!("proved without zk")
        };
        f(proof);
        r.verify(id)
    };
    // Omit the last table (HALT).
    let omitted = edit(&|p| {
        p.degree_bits.pop();
        p.opened_values.instances.pop();
        p.lookup_terminals.pop();
    });
    assert!(
        matches!(omitted, Err(VerifyError::InvalidSegment { .. })),
        "{omitted:?}"
    );
    // Duplicate a table.
    let duplicated = edit(&|p| {
        let n = p.degree_bits.len();
        p.degree_bits.push(p.degree_bits[n - 1]);
        let last = p.opened_values.instances.pop().unwrap();
        let copy = bincode::serde::decode_from_slice(
            &bincode::serde::encode_to_vec(&last, bincode::config::standard()).unwrap(),
            bincode::config::standard(),
        )
        .unwrap()
        .0;
        p.opened_values.instances.push(last);
        p.opened_values.instances.push(copy);
        p.lookup_terminals.push(p.lookup_terminals[n - 1]);
    });
    assert!(
        matches!(duplicated, Err(VerifyError::InvalidSegment { .. })),
        "{duplicated:?}"
    );
    // Swap two tables of the same height and width class (the two ALU tables).
    let (a, b) = (ChipKind::AluReg.index(), ChipKind::AluImm.index());
    let swapped = edit(&|p| {
        p.degree_bits.swap(a, b);
        p.opened_values.instances.swap(a, b);
        p.lookup_terminals.swap(a, b);
    });
    assert!(
        matches!(swapped, Err(VerifyError::InvalidSegment { .. })),
        "{swapped:?}"
    );
}

#[test]
fn an_execution_that_does_not_halt_is_rejected() {
    // Prove the execution as a segment that stops just *before* HALT: the HALT row is removed,
    // the final states of the cells HALT read go back to their previous accesses, and the
    // segment ends at HALT's state (the pc cell written at its clock). That is a consistent
    // proof of an unfinished execution (checked below: every constraint and bus holds for a
    // segment that continues), and the verifier must still reject it because it requires a
    // complete execution.
    let elf = program(3);
    let pk = key(&elf);
    let tables = std::sync::Arc::new(vouch_machine::trace::program_tables(
        &vouch_executor::Program::from_elf(&elf).unwrap(),
    ));
    let machine = vouch_machine::Machine::new(tables.clone());
    let result = verify_tampered(&pk, &[], &|t| {
        let halt = *row_mut::<HaltCols<Val>>(trace(t, ChipKind::Halt), 0);
        let ptr = word_u32(&halt.ptr);
        let mut rewind = vec![
            (17u32, halt.a7_read.prev_ts),
            (10, halt.a0_read.prev_ts),
            (11, halt.a1_read.prev_ts),
        ];
        for (k, read) in halt.digest_reads.iter().enumerate() {
            rewind.push((ptr + 4 * k as u32, read.prev_ts));
        }
        for (addr, prev_ts) in rewind {
            assert!(t.set_final_ts(addr, val_u32(prev_ts)));
        }
        *row_mut::<HaltCols<Val>>(trace(t, ChipKind::Halt), 0) = HaltCols::default();
        set_segment_end(t, val_u32(halt.pc), val_u32(halt.clk));
        t.statement.end = vouch_machine::public::SegmentEnd::Continues;
        // The unfinished segment is internally consistent.
        let mut traces = t.traces.clone();
        let mut statement = *t.statement;
        vouch_machine::trace::repage(&mut traces, &mut statement);
        let pv = vec![statement.to_field_elements(); traces.len()];
        vouch_machine::trace::rebalance(&machine, &tables, &mut traces, &pv);
        vouch_stark::debug::check_all(machine.airs(), &traces, &pv);
    });
    assert!(
        matches!(result, Err(VerifyError::InvalidSegment { .. })),
        "{result:?}"
    );
}

#[test]
fn corrupted_bytes_never_verify_and_never_panic() {
    let (pk, r) = setup();
    let id = pk.program_id();
    let bytes = r.to_bytes().unwrap();
    // Flip one bit at positions spread over the whole receipt.
    let step = (bytes.len() / 97).max(1);
    let mut rejected = 0;
    for pos in (0..bytes.len()).step_by(step) {
        let mut b = bytes.clone();
        b[pos] ^= 1 << (pos % 8);
        match Receipt::from_bytes(&b) {
            Err(_) => rejected += 1,
            Ok(r) => {
                assert!(
                    r.verify(id).is_err(),
                    "a receipt with bit {pos} flipped verified"
                );
                rejected += 1;
            }
        }
    }
    assert!(rejected > 90);
    // Truncations and garbage.
    for len in [0, 7, 12, 100, bytes.len() / 2, bytes.len() - 1] {
        assert!(
            Receipt::from_bytes(&bytes[..len]).is_err(),
            "truncated to {len}"
        );
    }
    let mut long = bytes.clone();
    long.push(0);
    assert!(Receipt::from_bytes(&long).is_err(), "trailing byte");
}
