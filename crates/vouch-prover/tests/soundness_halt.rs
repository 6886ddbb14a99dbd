//! HALT's digest pointer: POSITIVE (digests at the corners of guest memory, including one that
//! crosses a 64 KiB block and ones just outside the stack guard, are proven), NEGATIVE (a digest
//! that starts or ends in the stack guard, or runs past the top of guest memory, is rejected by
//! the constraint that forbids it).

mod common;

use common::*;
use vouch_abi::memory::{GUEST_MAX_ADDR, HEAP_END, STACK_BOTTOM};
use vouch_machine::chips::halt::HaltCols;
use vouch_machine::gadgets::word::word_to_field;
use vouch_machine::ChipKind;
use vouch_prover::Tampering;
use vouch_stark::field::{Field, PrimeCharacteristicRing};
use vouch_stark::Val;
use vouch_testkit::reg::*;
use vouch_testkit::{empty_journal_digest, Asm};

/// Indices of the HALT chip's constraints, in the order `HaltChip::eval` asserts them.
const PTR_GUARD: usize = 8;
const END_GUARD: usize = 9;

/// A program that writes the empty journal's digest at `addr` and halts pointing there.
fn program(addr: u32) -> Vec<u8> {
    let mut p = Asm::new();
    p.li(T0, addr);
    for (k, word) in empty_journal_digest().chunks_exact(4).enumerate() {
        p.li(T1, u32::from_le_bytes(word.try_into().unwrap()));
        p.sw(T1, 4 * k as i32, T0);
    }
    p.halt_with_digest_at(0, addr);
    p.elf()
}

/// Point the HALT row at `addr` (all its pointer witnesses consistent with it; a guard
/// inverse that does not exist is left 0). The register and memory reads then disagree with
/// the bus, but the constraint under test is the first failure.
fn point_halt_at(t: &mut Tampering<'_>, addr: u32) {
    let r = row_mut::<HaltCols<Val>>(trace(t, ChipKind::Halt), 0);
    r.ptr = word_to_field(addr);
    r.ptr_q = f((addr & 0xff) / 4);
    let end = addr.wrapping_add(28);
    r.end_hi = f(end >> 16);
    r.end_lo = f(end & 0xffff);
    let guard = |hi: u32| (f(hi) - f(vouch_machine::chips::load::GUARD_HI)).try_inverse();
    r.ptr_guard_inv = guard(addr >> 16).unwrap_or(Val::ZERO);
    r.end_guard_inv = guard(end >> 16).unwrap_or(Val::ZERO);
}

#[test]
fn digests_at_the_corners_of_memory_verify() {
    for addr in [
        0x0002_fff0,         // crosses a 64 KiB block
        HEAP_END - 32,       // the last heap words, right below the guard
        STACK_BOTTOM,        // the first stack words, right above it
        GUEST_MAX_ADDR - 32, // the top of guest memory
    ] {
        let pk = key(&program(addr));
        let receipt = prove(&pk, &[]);
        receipt.verify(pk.program_id()).unwrap();
        assert_eq!((receipt.exit_code, receipt.journal.len()), (0, 0));
    }
}

#[test]
fn digest_starting_in_the_stack_guard_is_rejected() {
    assert_rejected_because(
        &program(HEAP_END - 32),
        &[],
        "digest at HEAP_END",
        Reason::Constraints(ChipKind::Halt, &[PTR_GUARD, END_GUARD]),
        &|t| point_halt_at(t, HEAP_END),
    );
}

#[test]
fn digest_ending_in_the_stack_guard_is_rejected() {
    // The first word is the heap's last but three; the last word is the guard's third.
    assert_rejected_because(
        &program(HEAP_END - 32),
        &[],
        "digest at HEAP_END - 16",
        Reason::Constraints(ChipKind::Halt, &[END_GUARD]),
        &|t| point_halt_at(t, HEAP_END - 16),
    );
}

#[test]
fn digest_past_the_top_of_memory_is_rejected() {
    // ptr itself is below 2^29; ptr + 28 is not, so end_hi = 2^13 fails its range check.
    assert_rejected_because(
        &program(GUEST_MAX_ADDR - 32),
        &[],
        "digest at 2^29 - 16",
        Reason::Bus("range16", Some(ChipKind::Halt)),
        &|t| point_halt_at(t, GUEST_MAX_ADDR - 16),
    );
}
