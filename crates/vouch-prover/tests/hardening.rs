//! The verifier against hostile receipts that are expensive rather than false: receipts built
//! to make it spend memory or CPU far beyond what their size justifies, and keys assembled from
//! two programs. Each must be refused, and refused early.

mod common;

use std::time::Instant;

use common::*;
use vouch_prover::{ProveOptions, ProvingKey, Receipt, ReceiptProof, VerifyError};
use vouch_stark::batch::{OpenedValues, OpenedValuesWithLookups};
use vouch_testkit::Asm;
use vouch_verifier::{decode_budget, SegmentProof, DECODE_BYTES_PER_BYTE};

/// A program that exits with `exit` after a short loop of `n` iterations.
fn program(exit: u32, n: u32) -> Vec<u8> {
    use vouch_testkit::reg::*;
    let mut p = Asm::new();
    p.li(S0, 0).li(S1, n);
    let top = p.label_here();
    p.addi(S0, S0, 1).bltu(S0, S1, top);
    p.halt(exit);
    p.elf()
}

fn prove_with(pk: &ProvingKey, zk: bool, segment_cycles: u32) -> Receipt {
    let opts = ProveOptions {
        zk,
        segment_cycles,
        ..Default::default()
    };
    pk.prove(&[], &opts, &|_| {}).expect("honest proof").receipt
}

/// Honest receipts, with and without zero knowledge, one segment and several, decode within
/// the budget with room to spare: the budget does not refuse real receipts.
#[test]
fn honest_receipts_decode_well_within_the_budget() {
    let pk = key(&program(0, 3000));
    for (zk, segment_cycles) in [(false, 1 << 20), (true, 1 << 20), (true, 1 << 11)] {
        let bytes = prove_with(&pk, zk, segment_cycles).to_bytes().unwrap();
        let charge = Receipt::decoded_charge(&bytes).unwrap();
        let ratio = charge as f64 / bytes.len() as f64;
        eprintln!(
            "zk={zk} segments of {segment_cycles}: {} bytes decode into {charge} ({ratio:.2}x)",
            bytes.len()
        );
        assert!(
            2 * charge <= decode_budget(bytes.len()),
            "an honest receipt uses {ratio:.2}x of its size, the budget allows \
             {DECODE_BYTES_PER_BYTE}x: less than half of it is left"
        );
        let r = Receipt::from_bytes(&bytes).unwrap();
        r.verify(pk.program_id()).unwrap();
    }
}

/// The trust review's memory amplification: opened-value entries that are empty, a few bytes
/// each on the wire and hundreds in memory. Decoding stops when the budget is spent.
#[test]
fn empty_opened_value_entries_are_refused_by_the_decoder() {
    let pk = key(&program(0, 10));
    let mut receipt = prove_with(&pk, false, 1 << 20);
    let ReceiptProof::Plain(proof) = &mut receipt.proof.segments[0].proof else {
        unreachable!("a plain proof")
    };
    for _ in 0..500_000 {
        proof.opened_values.instances.push(OpenedValuesWithLookups {
            base_opened_values: OpenedValues {
                trace_local: Vec::new(),
                trace_next: None,
                preprocessed: None,
                quotient_chunks: Vec::new(),
                random: None,
            },
            permutation_local: Vec::new(),
            permutation_next: Vec::new(),
        });
    }
    let bytes = receipt.to_bytes().unwrap();
    drop(receipt);
    let charge = Receipt::decoded_charge(&bytes).unwrap();
    eprintln!(
        "{} bytes would decode into {charge} ({:.1}x)",
        bytes.len(),
        charge as f64 / bytes.len() as f64
    );
    assert!(
        charge > decode_budget(bytes.len()),
        "the hostile receipt must exceed the budget for this test to mean anything"
    );
    let t = Instant::now();
    match Receipt::from_bytes(&bytes) {
        Err(VerifyError::Decode(msg)) => {
            assert!(msg.contains("more memory than its size allows"), "{msg}");
        }
        Err(e) => panic!("refused for another reason: {e}"),
        Ok(_) => panic!("the amplifying receipt decoded"),
    }
    eprintln!("refused in {:?}", t.elapsed());
}

/// The trust review's CPU amplification: 65,536 stripped copies of one segment proof, every
/// root the initial root (so the chain of roots holds). The verifier builds its view of the
/// machine once and stops at the first failing segment, so rejecting costs about one segment's
/// check, not 65,536.
#[test]
fn many_stripped_segments_are_rejected_at_the_first() {
    let pk = key(&program(0, 10));
    let receipt = prove_with(&pk, false, 1 << 20);
    let mut stripped = Receipt::from_bytes(&receipt.to_bytes().unwrap()).unwrap();
    let ReceiptProof::Plain(proof) = &mut stripped.proof.segments[0].proof else {
        unreachable!("a plain proof")
    };
    proof.opened_values.instances.clear();
    proof.opening_proof.input_openings.clear();
    proof.opening_proof.commit_phase_openings.clear();
    let one = bincode::serde::encode_to_vec(
        &stripped.proof.segments[0].proof,
        bincode::config::standard(),
    )
    .unwrap();
    let root = pk.verifying_key().initial_root;
    stripped.proof.segments = (0..1 << 16)
        .map(|_| SegmentProof {
            root_in: root,
            root_out: root,
            proof: bincode::serde::decode_from_slice(&one, bincode::config::standard())
                .unwrap()
                .0,
        })
        .collect();
    let bytes = stripped.to_bytes().unwrap();
    drop(stripped);
    let t = Instant::now();
    let hostile = Receipt::from_bytes(&bytes).unwrap();
    let decoded = t.elapsed();
    match hostile.verify(pk.program_id()) {
        Err(VerifyError::InvalidSegment {
            segment, segments, ..
        }) => {
            assert_eq!(segments, 1 << 16);
            assert_eq!(segment, 0, "the first failing segment is reported");
        }
        Err(e) => panic!("refused for another reason: {e}"),
        Ok(()) => panic!("the stripped receipt verified"),
    }
    eprintln!(
        "{} bytes, 65,536 segments: decoded in {decoded:?}, rejected in {:?}",
        bytes.len(),
        t.elapsed()
    );
}

/// A key assembled from two programs: one program's verifying key (so its id) with another's
/// zero-knowledge commitment, or the reverse. Receipts of the other program must not verify
/// under the id, so the zero-knowledge key is bound to the verifying key.
#[test]
fn a_hybrid_key_verifies_no_receipt() {
    let pk_a = key(&program(0, 10));
    let pk_b = key(&program(1, 10));
    let a = prove_with(&pk_a, true, 1 << 20);
    let b = prove_with(&pk_b, true, 1 << 20);
    a.verify(pk_a.program_id()).unwrap();
    b.verify(pk_b.program_id()).unwrap();
    let reencode = |r: &Receipt| Receipt::from_bytes(&r.to_bytes().unwrap()).unwrap();

    // A's proof and zero-knowledge key under B's verifying key (so B's id).
    let mut hybrid = reencode(&a);
    hybrid.vk = pk_b.verifying_key().clone();
    hybrid.program_id = pk_b.program_id();
    hybrid.exit_code = 1;
    // (The chain of roots must start at B's initial root, or it is refused before the keys.)
    hybrid.proof.segments[0].root_in = pk_b.verifying_key().initial_root;
    match hybrid.verify(pk_b.program_id()) {
        Err(VerifyError::ZkKeyMismatch(_)) => {}
        other => panic!("A's zero-knowledge key under B's id: {other:?}"),
    }

    // B's proof under B's id, with A's zero-knowledge key.
    let mut hybrid = reencode(&b);
    hybrid.proof.zk_key = reencode(&a).proof.zk_key;
    match hybrid.verify(pk_b.program_id()) {
        Err(VerifyError::ZkKeyMismatch(_)) => {}
        other => panic!("B's receipt with A's zero-knowledge key: {other:?}"),
    }
}
