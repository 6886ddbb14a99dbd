//! Segment shapes: a segment proven with its tables padded to a larger shape (what a menu of
//! recursion keys needs) verifies and carries the same statement; padding to a smaller shape or
//! changing a table whose height is fixed is refused; a run proven at the menu's shapes is cut
//! by the menu's budget and every segment has a menu shape.

mod common;

use common::*;
use vouch_machine::trace::menu::Menu;
use vouch_prover::{Padding, ProveError, ProveOptions, ReceiptProof};
use vouch_testkit::reg::*;
use vouch_testkit::Asm;

/// A loop of loads, stores, ALU and branches over a few pages; commits 4 bytes and halts.
fn program() -> Vec<u8> {
    let mut p = Asm::new();
    let buf = p.alloc_zeroed(4 * 600);
    p.li(S0, buf).li(S1, 600).li(T0, 0).li(T1, 0);
    let top = p.label_here();
    p.slli(T2, T1, 2)
        .add(T2, T2, S0)
        .sw(T1, 0, T2)
        .lw(T3, 0, T2)
        .add(T0, T0, T3)
        .mul(T0, T0, T1);
    p.addi(T1, T1, 1);
    p.bltu(T1, S1, top);
    p.sw(T0, 0, S0);
    p.li(A0, buf).li(A1, 4).syscall(vouch_abi::syscall::COMMIT);
    let mut t0: u32 = 0;
    for i in 0..600u32 {
        t0 = t0.wrapping_add(i).wrapping_mul(i);
    }
    p.halt_with_journal(7, &t0.to_le_bytes());
    p.elf()
}

fn opts(padding: Padding) -> ProveOptions {
    ProveOptions {
        zk: false,
        padding,
        ..Default::default()
    }
}

fn degree_bits(proof: &ReceiptProof) -> Vec<usize> {
    match proof {
        ReceiptProof::Plain(p) => p.degree_bits.clone(),
        ReceiptProof::Zk(p) => p.degree_bits.clone(),
    }
}

/// The natural shape, and the one with every table that can grow one log height taller.
fn shapes(pk: &vouch_prover::ProvingKey) -> (Vec<usize>, Vec<usize>) {
    let natural = pk
        .segment_log_heights(&[], &opts(Padding::Natural))
        .expect("trace generation")
        .remove(0);
    let fixed = pk.machine().fixed_heights();
    let taller = natural
        .iter()
        .zip(&fixed)
        .map(|(&h, f)| if f.is_some() { h } else { h + 1 })
        .collect();
    (natural, taller)
}

#[test]
fn a_segment_padded_to_a_taller_shape_verifies() {
    let pk = key(&program());
    let (natural, taller) = shapes(&pk);
    assert!(taller.iter().zip(&natural).filter(|(t, n)| t > n).count() >= 15);
    for zk in [false, true] {
        let o = ProveOptions {
            zk,
            ..opts(Padding::To(taller.clone()))
        };
        let receipt = pk.prove(&[], &o, &|_| {}).expect("padded proof").receipt;
        assert_eq!(receipt.proof.segments.len(), 1);
        let bits = degree_bits(&receipt.proof.segments[0].proof);
        // A zero-knowledge proof doubles every table for its blinding rows.
        let expect: Vec<usize> = taller.iter().map(|&h| h + usize::from(zk)).collect();
        assert_eq!(bits, expect, "the proof has the requested shape (zk: {zk})");
        receipt
            .verify(pk.program_id())
            .expect("a padded segment verifies");
        assert_eq!(receipt.exit_code, 7);
    }
}

#[test]
fn padding_to_a_smaller_shape_or_a_fixed_table_is_refused() {
    let pk = key(&program());
    let (natural, _) = shapes(&pk);
    let fixed = pk.machine().fixed_heights();
    let grows = |i: usize| fixed[i].is_none();
    let shrink = natural
        .iter()
        .position(|&h| h > 8)
        .expect("a table taller than 2^8");
    let mut smaller = natural.clone();
    smaller[shrink] -= 1;
    let fixed_table = (0..natural.len())
        .find(|&i| !grows(i))
        .expect("a fixed table");
    let mut fixed_taller = natural.clone();
    fixed_taller[fixed_table] += 1;
    let mut short = natural.clone();
    short.pop();
    for (shape, what) in [
        (smaller, "more than the shape"),
        (fixed_taller, "is fixed"),
        (short, "a shape of"),
    ] {
        match pk.prove(&[], &opts(Padding::To(shape)), &|_| {}) {
            Err(e @ ProveError::Trace(_)) => {
                assert!(e.to_string().contains(what), "{e} (expected: {what})")
            }
            Err(e) => panic!("refused for another reason: {e}"),
            Ok(_) => panic!("a segment was proven at a shape it does not fit ({what})"),
        }
    }
}

/// Three passes of stores and loads over 64 pages: more pages than a 2^12-cycle segment of the
/// menu may touch (15).
fn paging_program() -> Vec<u8> {
    let mut p = Asm::new();
    let buf = p.alloc_zeroed(256 * 64);
    p.li(S2, 3).li(T0, 1);
    let pass = p.label_here();
    p.li(S0, buf).li(T1, 64);
    let top = p.label_here();
    p.lw(T3, 0, S0)
        .add(T0, T0, T3)
        .mul(T0, T0, T1)
        .sw(T0, 0, S0)
        .addi(S0, S0, 256)
        .addi(T1, T1, -1);
    p.bne(T1, ZERO, top);
    p.addi(S2, S2, -1);
    p.bne(S2, ZERO, pass);
    p.li(S0, buf).sw(T0, 0, S0);
    p.li(A0, buf).li(A1, 4).syscall(vouch_abi::syscall::COMMIT);
    let mut mem = [0u32; 64];
    let mut t0: u32 = 1;
    for _ in 0..3 {
        for (i, w) in mem.iter_mut().enumerate() {
            t0 = t0.wrapping_add(*w).wrapping_mul(64 - i as u32);
            *w = t0;
        }
    }
    p.halt_with_journal(0, &t0.to_le_bytes());
    p.elf()
}

#[test]
fn a_run_proven_at_the_menu_has_menu_shapes_and_verifies() {
    let pk = key(&paging_program());
    let o = ProveOptions {
        segment_cycles: 1 << 12,
        ..opts(Padding::Menu)
    };
    let proven = pk
        .prove(&[], &o, &|_| {})
        .expect("proof at the menu's shapes");
    let receipt = proven.receipt;
    receipt
        .verify(pk.program_id())
        .expect("the receipt verifies");
    let shapes = Menu::new(pk.machine(), 1 << 12).unwrap().shapes();
    let segments = receipt.proof.segments.len();
    for (i, seg) in receipt.proof.segments.iter().enumerate() {
        let bits = degree_bits(&seg.proof);
        assert!(
            shapes.contains(&bits),
            "segment {i}: {bits:?} is not on the menu"
        );
    }
    // 192 pages touched, at most 15 per segment: the budget, not the cycles, cut the run.
    assert!(segments >= 192 / 15, "{segments} segments");
    assert_eq!(
        proven.stats.segments, segments,
        "the segment count is known up front"
    );
    // The same run at natural shapes: fewer segments (only cycles cut it).
    let natural = pk
        .prove(
            &[],
            &ProveOptions {
                segment_cycles: 1 << 12,
                ..opts(Padding::Natural)
            },
            &|_| {},
        )
        .unwrap()
        .receipt;
    assert!(natural.proof.segments.len() < segments);
    assert_eq!(natural.journal, receipt.journal);
    // A segment size the menu has no shapes for is refused before proving.
    let odd = ProveOptions {
        segment_cycles: 1 << 13,
        ..opts(Padding::Menu)
    };
    match pk.prove(&[], &odd, &|_| {}) {
        Err(e) => assert!(e.to_string().contains("no menu"), "{e}"),
        Ok(_) => panic!("proven at a segment size without a menu"),
    }
}
