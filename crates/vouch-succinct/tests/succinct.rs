//! The constant key set and succinct receipts.
//! POSITIVE: the committed key file parses, its root is its keys', and the keys rebuilt here
//! (the cheapest lift keys and the join key) are the committed ones; a two-segment run proves
//! as a succinct receipt that verifies, before and after a round trip through bytes.
//! NEGATIVE: another program id, exit code or journal; a statement changed in the receipt and
//! in the proof's public values alike (the final proof no longer verifies); flipped bytes.

use vouch_executor::Program;
use vouch_prover::ProvingKey;
use vouch_recursion::join::JoinKey;
use vouch_recursion::lift::LiftKey;
use vouch_stark::field::PrimeCharacteristicRing;
use vouch_stark::Val;
use vouch_succinct::keys::{committed, keyed_shapes, KeyFile};
use vouch_succinct::receipt::{prove, SuccinctOptions, SuccinctReceipt, MAX_SUCCINCT_BYTES};
use vouch_succinct::template::template_segment;
use vouch_succinct::SuccinctError;
use vouch_testkit::reg::*;
use vouch_testkit::Asm;

#[test]
fn the_committed_keys_are_what_keygen_makes() {
    let keys = committed().expect("keys.txt parses");
    let shapes = keyed_shapes().unwrap();
    let listed: Vec<Vec<usize>> = keys.lifts.iter().map(|(s, _)| s.clone()).collect();
    assert_eq!(listed, shapes, "the file lists every keyed shape, in order");
    // The cheapest shapes' lift keys, rebuilt from the template.
    for (shape, digest) in keys.lifts.iter().take(2) {
        let seg = template_segment(shape).unwrap();
        let key = LiftKey::for_segment(&seg).unwrap();
        assert_eq!(&key.digest(), digest, "the lift key of {shape:?}");
        if shape == &shapes[0] {
            let template = key.lift(&seg, &[Val::ZERO; 8]).unwrap();
            assert_eq!(JoinKey::new(&template).unwrap().digest(), keys.join);
        }
    }
    // The file's root line is checked against its keys.
    let text = keys.render().unwrap();
    let last = text.lines().last().unwrap().to_string();
    let mut changed = last.clone();
    let flip = if changed.ends_with('0') { "1" } else { "0" };
    changed.replace_range(changed.len() - 1.., flip);
    assert!(KeyFile::parse(&text.replace(&last, &changed)).is_err());
    assert_eq!(&KeyFile::parse(&text).unwrap(), keys);
}

/// A loop of ALU operations, loads and stores of about 6k cycles: two 2^12-cycle segments.
fn program(exit: u32) -> Vec<u8> {
    let mut p = Asm::new();
    let buf = p.alloc_zeroed(64);
    p.li(S0, buf).li(T1, 1000).li(T0, 1);
    let top = p.label_here();
    p.add(T0, T0, T1)
        .sw(T0, 0, S0)
        .lw(T2, 0, S0)
        .xor(T0, T0, T2);
    p.addi(T1, T1, -1);
    p.bne(T1, ZERO, top);
    p.commit(b"done");
    p.halt_with_journal(exit, b"done");
    p.elf()
}

fn rejected(r: Result<(), SuccinctError>, what: &str) {
    match r {
        Err(SuccinctError::Rejected(why)) => println!("{what}: {why}"),
        Err(e) => panic!("{what}: rejected for another reason: {e}"),
        Ok(()) => panic!("{what}: accepted"),
    }
}

#[test]
fn a_run_proves_as_one_succinct_receipt() {
    let pk = ProvingKey::new(&Program::from_elf(&program(5)).unwrap()).unwrap();
    let opts = SuccinctOptions {
        segment_cycles: 1 << 12,
        ..Default::default()
    };
    let (receipt, stats) = prove(&pk, &[], &opts, &|what| eprintln!("{what}")).unwrap();
    eprintln!("{stats:?}");
    assert_eq!(stats.segments, 2, "two segments");
    let id = pk.program_id();
    receipt.verify(id).expect("the succinct receipt verifies");
    assert_eq!(
        (receipt.exit_code, receipt.journal.as_slice()),
        (5, &b"done"[..])
    );

    let bytes = receipt.to_bytes().unwrap();
    eprintln!("succinct receipt: {} bytes", bytes.len());
    let back = SuccinctReceipt::from_bytes(&bytes).unwrap();
    back.verify(id).unwrap();

    let other = ProvingKey::new(&Program::from_elf(&program(6)).unwrap()).unwrap();
    rejected(receipt.verify(other.program_id()), "another program");
    let mut r = SuccinctReceipt::from_bytes(&bytes).unwrap();
    r.exit_code = 6;
    rejected(r.verify(id), "another exit code");
    let mut r = SuccinctReceipt::from_bytes(&bytes).unwrap();
    r.journal = b"dome".to_vec();
    rejected(r.verify(id), "another journal");
    // The statement changed in the proof's public values as well: the proof itself fails.
    let mut r = SuccinctReceipt::from_bytes(&bytes).unwrap();
    r.exit_code = 6;
    let at = vouch_recursion::final_layer::FINAL_EXIT_CODE;
    r.proof.public_values[at] = Val::from_u32(6);
    rejected(r.verify(id), "a proof claimed for another exit code");

    // Flipped bytes: decoding fails or the receipt is rejected, never accepted.
    for at in (0..bytes.len()).step_by(bytes.len() / 97 + 1) {
        let mut b = bytes.clone();
        b[at] ^= 0x10;
        if let Ok(r) = SuccinctReceipt::from_bytes(&b) {
            assert!(r.verify(id).is_err(), "byte {at} flipped and accepted");
        }
    }
}

/// Hostile bytes are refused before any proof work, whatever lengths they claim.
#[test]
fn hostile_bytes_are_refused() {
    let header = |version: u32| {
        let mut b = b"VOUCHSUC".to_vec();
        b.extend_from_slice(&version.to_le_bytes());
        b
    };
    let mut huge_length = header(1);
    // The version, the key's version and ROM height, then its commitment's list of roots
    // claiming 2^62 entries (a bincode varint).
    huge_length.extend_from_slice(&[1, 1, 14, 0xfd]);
    huge_length.extend_from_slice(&(1u64 << 62).to_le_bytes());
    for (bytes, what) in [
        (vec![0u8; MAX_SUCCINCT_BYTES + 1], "over the size limit"),
        (b"VOUCHRCT".to_vec(), "another magic"),
        (header(7), "another version"),
        (header(1), "a header alone"),
        (huge_length, "a huge claimed length"),
    ] {
        match SuccinctReceipt::from_bytes(&bytes) {
            Err(SuccinctError::Rejected(why)) => println!("{what}: {why}"),
            Err(e) => panic!("{what}: {e}"),
            Ok(_) => panic!("{what}: decoded"),
        }
    }
}
