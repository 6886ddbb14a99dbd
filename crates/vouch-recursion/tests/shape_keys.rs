//! A lift key is a function of a segment's shape alone: two different programs whose segments
//! are padded to one shape get the same lift key, and either's key lifts the other's segment
//! (with that segment's own program commitment in the lift's statement). This is what lets a
//! fixed set of keys, made once from shapes, serve every program; a segment of another shape
//! is refused.

mod common;

use vouch_executor::Program;
use vouch_prover::{Padding, ProveOptions, ProvingKey, Receipt};
use vouch_recursion::keyset::KeyDigest;
use vouch_recursion::lift::{LiftError, LiftKey};
use vouch_recursion::segment::SegmentCircuit;
use vouch_stark::field::PrimeCharacteristicRing;
use vouch_stark::Val;
use vouch_testkit::reg::*;
use vouch_testkit::Asm;

const ROOT: KeyDigest = [Val::ONE; 8];

/// A program unlike `common::program`: shifts, bitwise operations, a jump and byte stores.
fn other_program() -> Vec<u8> {
    let mut p = Asm::new();
    let data = p.alloc_zeroed(256);
    p.li(S0, data).li(T0, 0x1234_5678).li(T1, 300);
    let top = p.label_here();
    p.srli(T2, T0, 3)
        .xor(T0, T0, T2)
        .slli(T3, T0, 5)
        .or(T0, T0, T3)
        .andi(T4, T1, 0xff)
        .add(T4, T4, S0)
        .sb(T0, 0, T4)
        .addi(T1, T1, -1);
    p.bne(T1, ZERO, top);
    p.commit(b"bits");
    p.halt_with_journal(9, b"bits");
    p.elf()
}

fn key(elf: &[u8]) -> ProvingKey {
    ProvingKey::new(&Program::from_elf(elf).unwrap()).unwrap()
}

fn opts(padding: Padding) -> ProveOptions {
    ProveOptions {
        zk: false,
        padding,
        ..Default::default()
    }
}

fn natural(pk: &ProvingKey) -> Vec<usize> {
    pk.segment_log_heights(&[], &opts(Padding::Natural))
        .unwrap()
        .remove(0)
}

fn prove(pk: &ProvingKey, padding: Padding) -> Receipt {
    let r = pk.prove(&[], &opts(padding), &|_| {}).unwrap().receipt;
    r.verify(pk.program_id()).unwrap();
    r
}

#[test]
fn one_lift_key_serves_every_program_of_its_shape() {
    let (a, b) = (key(&common::program()), key(&other_program()));
    let (na, nb) = (natural(&a), natural(&b));
    assert_ne!(na, nb, "the programs' natural shapes differ");
    let shape: Vec<usize> = na.iter().zip(&nb).map(|(x, y)| *x.max(y)).collect();
    let shape_of_both = shape.clone();
    let (ra, rb) = (
        prove(&a, Padding::To(shape.clone())),
        prove(&b, Padding::To(shape)),
    );
    let (sa, sb) = (ra.segment_ood(0).unwrap(), rb.segment_ood(0).unwrap());
    assert_eq!(SegmentCircuit::shape_of(&sa), SegmentCircuit::shape_of(&sb));

    let key_a = LiftKey::for_segment(&sa).unwrap();
    let key_b = LiftKey::for_segment(&sb).unwrap();
    assert_eq!(key_a.digest(), key_b.digest(), "one shape, one key");

    // A's key lifts B's segment, for B's statement and program commitment.
    let lift = key_a.lift(&sb, &ROOT).unwrap();
    lift.verify().unwrap();
    assert_eq!(lift.key, key_a.digest());
    let commitment = sb.public_values.len()..sb.public_values.len() + 8;
    assert_eq!(
        lift.proof.public_values[commitment.clone()],
        SegmentCircuit::public_values(&sb)[commitment.clone()],
    );
    assert_ne!(
        lift.proof.public_values[commitment.clone()],
        SegmentCircuit::public_values(&sa)[commitment],
        "the programs' commitments differ"
    );
    let exit = vouch_machine::public::EXIT_CODE;
    assert_eq!(lift.proof.public_values[exit], Val::from_u32(9));

    // A's segment at its natural shape (smaller than the padded one) is not its key's to lift.
    assert_ne!(na, shape_of_both);
    let natural_a = prove(&a, Padding::Natural).segment_ood(0).unwrap();
    assert!(matches!(
        key_b.lift(&natural_a, &ROOT),
        Err(LiftError::OtherShape)
    ));
}
