//! Continuations: long executions proven segment by segment, chained by memory-tree roots.
//! POSITIVE: multi-segment receipts verify (with and without zero knowledge) and carry the
//! same journal as a plain run. NEGATIVE: every way of recombining segments is rejected with a
//! specific error.

mod common;

use common::*;
use vouch_prover::{ProveOptions, ProvingKey, Receipt, VerifyError};
use vouch_testkit::reg::*;
use vouch_testkit::Asm;

/// A loop over `words` words of a buffer spread over several pages: each iteration stores a
/// running sum and reloads the previous word; commits the final sum and exits with `exit`.
fn program(words: u32, exit: u32) -> Vec<u8> {
    let mut p = Asm::new();
    let buf = p.alloc_zeroed(4 * words as usize);
    p.li(S0, buf).li(S1, words).li(T0, 0).li(T1, 0);
    let top = p.label_here();
    p.add(T0, T0, T1).addi(T0, T0, 3);
    p.slli(T2, T1, 2)
        .add(T2, T2, S0)
        .sw(T0, 0, T2)
        .lw(T3, 0, T2)
        .add(T0, T0, T3);
    p.addi(T1, T1, 1);
    p.bltu(T1, S1, top);
    // Commit the sum (4 bytes at the buffer's start) and halt with the matching digest.
    p.sw(T0, 0, S0);
    let journal_addr = buf;
    p.li(A0, journal_addr)
        .li(A1, 4)
        .syscall(vouch_abi::syscall::COMMIT);
    let sum = expected_sum(words);
    p.halt_with_journal(exit, &sum.to_le_bytes());
    p.elf()
}

fn expected_sum(words: u32) -> u32 {
    let mut t0: u32 = 0;
    for i in 0..words {
        t0 = t0.wrapping_add(i).wrapping_add(3);
        t0 = t0.wrapping_add(t0);
    }
    t0
}

const SEGMENT: u32 = 1 << 12;

fn opts(zk: bool) -> ProveOptions {
    ProveOptions {
        zk,
        segment_cycles: SEGMENT,
        ..Default::default()
    }
}

fn prove_segments(pk: &ProvingKey, zk: bool) -> Receipt {
    pk.prove(&[], &opts(zk), &|_| {})
        .expect("segmented proof")
        .receipt
}

fn segments(r: &mut Receipt) -> &mut Vec<vouch_verifier::SegmentProof> {
    &mut r.proof.segments
}

fn reencode(r: &Receipt) -> Receipt {
    Receipt::from_bytes(&r.to_bytes().unwrap()).unwrap()
}

// POSITIVE

#[test]
fn a_long_run_is_proven_in_segments_and_verifies() {
    let pk = key(&program(3000, 5));
    let mut r = prove_segments(&pk, false);
    let n = segments(&mut r).len();
    assert!(n >= 5, "{n} segments");
    assert_eq!(r.exit_code, 5);
    assert_eq!(r.journal, expected_sum(3000).to_le_bytes());
    reencode(&r).verify(pk.program_id()).unwrap();
}

#[test]
fn segments_with_zero_knowledge_verify() {
    let pk = key(&program(1200, 0));
    let r = prove_segments(&pk, true);
    assert!(r.proof.is_zk() && r.proof.segments() > 1);
    reencode(&r).verify(pk.program_id()).unwrap();
}

#[test]
fn a_short_run_is_one_segment() {
    let pk = key(&program(10, 0));
    let mut r = prove_segments(&pk, false);
    assert_eq!(segments(&mut r).len(), 1);
    assert_eq!(segments(&mut r)[0].root_in, pk.verifying_key().initial_root);
    r.verify(pk.program_id()).unwrap();
}

// NEGATIVE

fn expect_broken(r: &Receipt, id: vouch_prover::ProgramId, what: &str) {
    match r.verify(id) {
        Err(VerifyError::BrokenChain { .. }) => {}
        other => panic!("{what}: expected a broken chain, got {other:?}"),
    }
}

fn expect_invalid_segment(r: &Receipt, id: vouch_prover::ProgramId, what: &str) {
    match r.verify(id) {
        Err(VerifyError::InvalidSegment { .. }) => {}
        other => panic!("{what}: expected an invalid segment, got {other:?}"),
    }
}

#[test]
fn reordered_dropped_or_duplicated_segments_are_rejected() {
    let pk = key(&program(3000, 5));
    let id = pk.program_id();
    let honest = prove_segments(&pk, false);

    let mut r = reencode(&honest);
    segments(&mut r).swap(1, 2);
    expect_broken(&r, id, "reordered");

    let mut r = reencode(&honest);
    segments(&mut r).remove(2);
    expect_broken(&r, id, "dropped");

    let mut r = reencode(&honest);
    let s = segments(&mut r);
    let copy = Receipt::from_bytes(&honest.to_bytes().unwrap()).unwrap();
    let mut c = copy.proof.segments;
    s.insert(2, c.remove(1));
    expect_broken(&r, id, "duplicated");

    let mut r = reencode(&honest);
    segments(&mut r).remove(0);
    expect_broken(&r, id, "first segment dropped");
}

#[test]
fn a_run_whose_last_segment_does_not_halt_is_rejected() {
    let pk = key(&program(3000, 5));
    let mut r = prove_segments(&pk, false);
    segments(&mut r).pop();
    expect_invalid_segment(&r, pk.program_id(), "truncated run");
}

#[test]
fn a_changed_boundary_state_is_rejected() {
    // Change the root between segments 1 and 2 consistently on both sides: the chain holds,
    // but neither proof was made for that root.
    let pk = key(&program(3000, 5));
    let mut r = prove_segments(&pk, false);
    let s = segments(&mut r);
    s[1].root_out[0] ^= 1;
    s[2].root_in[0] ^= 1;
    expect_invalid_segment(&r, pk.program_id(), "boundary state changed");
}

#[test]
fn segments_from_another_run_or_program_are_rejected() {
    let pk = key(&program(3000, 5));
    let id = pk.program_id();
    let mut ours = prove_segments(&pk, false);
    // Another program (different loop length): its segments start from another initial root.
    let other = key(&program(2500, 5));
    let mut theirs = prove_segments(&other, false);
    let foreign = segments(&mut theirs).remove(1);
    segments(&mut ours)[1] = foreign;
    expect_broken(&ours, id, "segment from another program");
    // Its whole receipt relabelled as ours: the key no longer hashes to the id.
    let mut relabelled = prove_segments(&other, false);
    relabelled.program_id = id;
    assert!(matches!(
        relabelled.verify(id),
        Err(VerifyError::KeyMismatch)
    ));
}

#[test]
fn a_tampered_page_in_is_rejected() {
    // Page a different value into memory in segment 2: with the page hash left as it was, the
    // leaf no longer matches and the tree update fails.
    use vouch_machine::ChipKind;
    let pk = key(&program(3000, 5));
    let opts = opts(false);
    let proven = pk
        .prove_tampered(&[], &opts, true, &|t| {
            if t.segment == 2 {
                let tr = trace(t, ChipKind::Page);
                // Flip one value in the middle of the first page's rows.
                let w = tr.width;
                tr.values[3 * w + w / 2] += vouch_stark::Val::from_u32(1);
            }
        })
        .expect("a proof of the tampered trace");
    expect_invalid_segment(&proven.receipt, pk.program_id(), "tampered page");
}

use vouch_stark::field::PrimeCharacteristicRing;

#[test]
fn segments_proven_in_parallel_verify() {
    let pk = key(&program(1500, 1));
    let opts = ProveOptions {
        jobs: 2,
        ..opts(false)
    };
    let r = pk
        .prove(&[], &opts, &|_| {})
        .expect("parallel segments")
        .receipt;
    assert!(r.proof.segments() > 2);
    r.verify(pk.program_id()).unwrap();
}

#[test]
fn segment_jobs_are_self_contained_values() {
    // Cut the execution into jobs, send each through bytes (as to another machine), prove
    // them in reverse order, and assemble: the receipt verifies.
    let pk = key(&program(1500, 1));
    let opts = opts(false);
    let (_, segments) = pk.count_segments(&[], &opts).unwrap();
    assert!(segments > 2);
    let mut wire: Vec<Vec<u8>> = Vec::new();
    let exec = pk
        .segment_jobs(&[], &opts, segments, |job| {
            wire.push(bincode::serde::encode_to_vec(&job, bincode::config::standard()).unwrap());
            Ok(())
        })
        .unwrap();
    let mut proven: Vec<(usize, vouch_prover::ProvenSegment)> = wire
        .iter()
        .rev()
        .map(|bytes| {
            let (job, _): (vouch_prover::SegmentJob, usize) =
                bincode::serde::decode_from_slice(bytes, bincode::config::standard()).unwrap();
            (job.index, pk.prove_segment(&job).unwrap())
        })
        .collect();
    proven.sort_by_key(|p| p.0);
    let receipt = pk
        .assemble(&exec, proven.into_iter().map(|p| p.1).collect())
        .unwrap();
    assert_eq!(receipt.proof.segments(), segments);
    reencode(&receipt).verify(pk.program_id()).unwrap();
}
