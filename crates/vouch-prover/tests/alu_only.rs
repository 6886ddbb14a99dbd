//! End to end on a hand-assembled program that needs only the ALU and HALT chips.

use vouch_executor::Program;
use vouch_prover::{ProveOptions, ProvingKey};
use vouch_testkit::reg::*;
use vouch_testkit::{empty_journal_digest, Asm, DATA_BASE};

/// Arithmetic, then HALT(7) with the empty journal's digest, using only ADD/SUB/SLT(U)(I)/ADDI.
fn program() -> Vec<u8> {
    let mut p = Asm::new();
    let digest = p.alloc_data(&empty_journal_digest());
    assert_eq!(digest, DATA_BASE);
    p.addi(T0, ZERO, 100)
        .addi(T1, ZERO, -3)
        .add(T2, T0, T1)
        .sub(S0, T1, T0)
        .slt(S1, T1, T0)
        .sltu(A2, T1, T0)
        .slti(A3, T1, 0)
        .sltiu(A4, T0, 101)
        .add(ZERO, T0, T0);
    // a1 = 2^24 by doubling.
    p.addi(A1, ZERO, 1);
    for _ in 0..24 {
        p.add(A1, A1, A1);
    }
    p.addi(A0, ZERO, 7).addi(A7, ZERO, 0).ecall();
    p.elf()
}

#[test]
fn proves_and_verifies_without_zk() {
    let program = Program::from_elf(&program()).unwrap();
    let pk = ProvingKey::new(&program).unwrap();
    let opts = ProveOptions {
        zk: false,
        ..Default::default()
    };
    let proven = pk.prove(&[], &opts, &|_| {}).unwrap();
    let receipt = proven.receipt;
    assert_eq!(receipt.exit_code, 7);
    receipt.verify(pk.program_id()).unwrap();

    // A different exit code is rejected.
    let mut bytes = receipt.to_bytes().unwrap();
    let mut tampered = vouch_prover::Receipt::from_bytes(&bytes).unwrap();
    tampered.exit_code = 8;
    assert!(tampered.verify(pk.program_id()).is_err());
    // Round trip.
    let back = vouch_prover::Receipt::from_bytes(&bytes).unwrap();
    back.verify(pk.program_id()).unwrap();
    bytes.truncate(bytes.len() / 2);
    assert!(vouch_prover::Receipt::from_bytes(&bytes).is_err());
}

#[test]
fn proves_and_verifies_with_zk() {
    let program = Program::from_elf(&program()).unwrap();
    let pk = ProvingKey::new(&program).unwrap();
    let proven = pk.prove(&[], &ProveOptions::default(), &|_| {}).unwrap();
    assert!(proven.receipt.proof.is_zk());
    proven.receipt.verify(pk.program_id()).unwrap();
}
