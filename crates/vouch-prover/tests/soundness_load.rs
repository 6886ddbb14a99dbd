//! Load chip (LB, LH, LW, LBU, LHU): POSITIVE (honest proofs of every width, offset and
//! extension corner verify, and the executor agrees with an independent model), NEGATIVE (each
//! constraint group rejects a tampered trace).
//!
//! The programs use only ADDI/ADD, loads, stores and HALT, so that these tests do not depend
//! on other instruction chips.

mod common;

use common::*;
use vouch_isa::Opcode::{self, Lb, Lbu, Lh, Lhu, Lw, Sw};
use vouch_machine::chips::load::LoadCols;
use vouch_machine::ChipKind;
use vouch_prover::Tampering;
use vouch_stark::field::{Field, PrimeCharacteristicRing};
use vouch_stark::Val;
use vouch_testkit::random::SplitMix64;
use vouch_testkit::reg::*;

/// Every load of `word`'s bytes and halves that is aligned: `(opcode, offset)`.
const CASES: [(Opcode, u32); 13] = [
    (Lb, 0),
    (Lb, 1),
    (Lb, 2),
    (Lb, 3),
    (Lbu, 0),
    (Lbu, 1),
    (Lbu, 2),
    (Lbu, 3),
    (Lh, 0),
    (Lh, 2),
    (Lhu, 0),
    (Lhu, 2),
    (Lw, 0),
];

/// Words whose bytes and halves are the extension corners 0x7f/0x80/0xff, 0x7fff/0x8000/0xffff.
const CORNERS: [u32; 5] = [
    0xff80_7f00,
    0x8000_7fff,
    0x7fff_ffff,
    0xffff_8000,
    0x1234_5678,
];

/// Distance of the second base register past the data: loads through it use negative
/// immediates.
const NEG_BASE: u32 = 2044;

fn prove_and_verify(m: &mut MemProgram) {
    let elf = m.finish();
    m.check_against_executor(&elf);
    let pk = key(&elf);
    prove(&pk, &[]).verify(pk.program_id()).unwrap();
}

/// Store `rd` to the next result word (through `s2`), so that every loaded value ends up in
/// memory where the model and the executor can be compared.
fn keep(m: &mut MemProgram, rd: u8, n: &mut i32) {
    m.store(Sw, rd, 4 * *n, S2);
    *n += 1;
}

// POSITIVE

#[test]
fn every_width_offset_and_extension_corner_verifies() {
    let mut m = MemProgram::new();
    let data = m.data(&CORNERS);
    let out = m.data(&[0; 80]);
    m.li(S0, data);
    m.li(S1, data + NEG_BASE);
    m.li(S2, out);
    let mut n = 0;
    for (i, _) in CORNERS.iter().enumerate() {
        for (j, &(op, k)) in CASES.iter().enumerate() {
            let addr = data + 4 * i as u32 + k;
            // Alternate positive and negative immediates.
            let (base, imm) = if (i + j) % 2 == 0 {
                (S0, (addr - data) as i32)
            } else {
                (S1, addr as i32 - (data + NEG_BASE) as i32)
            };
            m.load(op, T0, imm, base);
            keep(&mut m, T0, &mut n);
        }
    }
    // Spot checks of the model itself.
    assert_eq!(m.regs[T0 as usize], 0x1234_5678);
    // A word nothing ever wrote (not in the image): zero at every width.
    let blank = data + 0xff0 - (data + NEG_BASE);
    for (op, k) in [(Lw, 0), (Lb, 1), (Lhu, 2), (Lh, 0)] {
        assert_eq!(m.load(op, T1, blank as i32 + k, S1), 0);
        keep(&mut m, T1, &mut n);
    }
    // Loads into x0 (the sink), and one whose destination is its base.
    m.load(Lw, ZERO, 4, S0);
    m.load(Lb, ZERO, 2, S0);
    m.li(T6, data + 4);
    assert_eq!(m.load(Lbu, T6, 3, T6), 0x80);
    keep(&mut m, T6, &mut n);
    prove_and_verify(&mut m);
}

#[test]
fn corner_values_are_extended_as_the_spec_says() {
    // SANITY for the model the other tests trust: fixed vectors.
    let mut m = MemProgram::new();
    let d = m.data(&[0x8000_7fff, 0xff80_7f00]);
    m.li(S0, d);
    let expect = [
        (Lh, 0, 0x0000_7fff),
        (Lh, 2, 0xffff_8000),
        (Lhu, 2, 0x0000_8000),
        (Lb, 1, 0x0000_007f),
        (Lb, 3, 0xffff_ff80),
        (Lbu, 3, 0x0000_0080),
        (Lb, 7, 0xffff_ffff),
        (Lbu, 7, 0x0000_00ff),
        (Lh, 6, 0xffff_ff80),
        (Lhu, 4, 0x0000_7f00),
        (Lw, 4, 0xff80_7f00),
    ];
    for (op, imm, value) in expect {
        assert_eq!(m.load(op, T0, imm, S0), value, "{op:?} {imm}");
    }
    let elf = m.finish();
    m.check_against_executor(&elf);
}

#[test]
fn random_loads_verify() {
    let mut rng = SplitMix64::new(0x10ad);
    let mut m = MemProgram::new();
    let words: Vec<u32> = (0..32).map(|_| rng.interesting_u32()).collect();
    let data = m.data(&words);
    let out = m.data(&[0; 160]);
    m.li(S0, data);
    m.li(S1, data + NEG_BASE);
    m.li(S2, out);
    let dests = [T0, T1, T2, T3, T4, T5, T6, A2, A3, A4, A5, ZERO];
    let mut n = 0;
    for _ in 0..150 {
        let (op, k) = CASES[rng.below(CASES.len() as u32) as usize];
        let addr = data + 4 * rng.below(32) + k;
        let (base, imm) = if rng.chance(1, 2) {
            (S0, (addr - data) as i32)
        } else {
            (S1, addr as i32 - (data + NEG_BASE) as i32)
        };
        let rd = rng.pick(&dests);
        m.load(op, rd, imm, base);
        keep(&mut m, rd, &mut n);
    }
    prove_and_verify(&mut m);
}

// NEGATIVE

/// The register whose cell the aliasing test reads, and its value.
const VICTIM: u8 = T1;
const VICTIM_VALUE: u32 = 0xcafe_f00d;
/// A RAM address congruent to register cell 6 (`VICTIM`) plus 2^32 modulo p: with the high
/// carry claimed as 1, the aligned address becomes `0x0200_0004 - 2^32 ≡ 6 (mod p)`.
const ALIAS_ADDR: u32 = 0x0200_0004;

/// A program with one load per tampering target; every destination register is never read
/// again, and most loads are the only access to their word, so tampering can keep the memory
/// bus balanced with the paged-out final states alone.
struct Neg {
    elf: Vec<u8>,
    data: u32,
    /// `lw t2, 0(d)`: 0x1234_5678.
    lw: u32,
    /// `lb t3, 7(d)`: byte 0x80, negative.
    lb_neg: u32,
    /// `lb t4, 4(d)`: byte 0x7f, positive.
    lb_pos: u32,
    /// `lh t5, 4(d)`: half 0xff7f, negative.
    lh_neg: u32,
    /// `lbu t6, 9(d)`: byte 0x22 at offset 1, the only access to word d+8.
    lbu: u32,
    /// `lw s2, 8(s1)` with s1 = 0x0100_fffc: the low limb carries.
    carry: u32,
    /// `lw s5, 0(s4)` with s4 = `ALIAS_ADDR`.
    alias: u32,
    /// `lw s6, 12(d)`: the only access to word d+12.
    lw_last: u32,
}

fn negative_program() -> Neg {
    let mut m = MemProgram::new();
    let data = m.data(&[0x1234_5678, 0x8000_ff7f, 0x4433_2211, 0x8877_6655]);
    m.li(VICTIM, VICTIM_VALUE);
    m.li(S0, data);
    m.li(S1, 0x0100_fffc);
    m.li(S4, ALIAS_ADDR);
    let at = |m: &mut MemProgram, op: Opcode, rd: u8, imm: i32, base: u8| {
        let pc = m.asm.pc();
        m.load(op, rd, imm, base);
        pc
    };
    let lw = at(&mut m, Lw, T2, 0, S0);
    let lb_neg = at(&mut m, Lb, T3, 7, S0);
    let lb_pos = at(&mut m, Lb, T4, 4, S0);
    let lh_neg = at(&mut m, Lh, T5, 4, S0);
    let lbu = at(&mut m, Lbu, T6, 9, S0);
    let carry = at(&mut m, Lw, S2, 8, S1);
    let alias = at(&mut m, Lw, S5, 0, S4);
    let lw_last = at(&mut m, Lw, S6, 12, S0);
    assert_eq!(m.regs[T3 as usize], 0xffff_ff80);
    assert_eq!(m.regs[T5 as usize], 0xffff_ff7f);
    let elf = m.finish();
    m.check_against_executor(&elf);
    Neg {
        elf,
        data,
        lw,
        lb_neg,
        lb_pos,
        lh_neg,
        lbu,
        carry,
        alias,
        lw_last,
    }
}

/// The load row at `pc`.
fn load_row<'a>(t: &'a mut Tampering<'_>, pc: u32) -> &'a mut LoadCols<Val> {
    let tr = trace(t, ChipKind::Load);
    let i = find_row(tr, |r: &LoadCols<Val>| {
        r.pc == f(pc) && r.is_lb + r.is_lh + r.is_lw + r.is_lbu + r.is_lhu == Val::ONE
    });
    row_mut(tr, i)
}

/// The memory timestamp of a load row.
fn mem_ts(r: &LoadCols<Val>) -> u32 {
    4 * val_u32(r.clk) + 2
}

/// Set `rd`'s final value, so that the register's history matches a tampered result.
fn set_rd(t: &mut Tampering<'_>, rd: u8, value: u32) {
    assert!(t.set_final(u32::from(rd), value));
}

/// Indices of the load chip's constraints, in the order `LoadChip::eval` asserts them.
const REAL_BOOL: usize = 5;
/// `(addr_hi - GUARD_HI) * guard_inv = real`.
const GUARD: usize = 15;
const OFFSET_SUM: usize = 10;
const LW_ALIGNED: usize = 16;
const BYTE: usize = 18;
const RES_0: usize = 24;
const RS1_ORDER: usize = 28;
const MEM_ORDER: usize = 29;
const RD_ORDER: usize = 30;

fn constraints(idx: &[usize]) -> Reason<'_> {
    Reason::Constraints(ChipKind::Load, idx)
}

/// Assert that `tamper` makes the proof of the negative program fail, and that the debug
/// check names `reason` (so the tampering isolates what it tests).
fn rejected(
    neg: &Neg,
    what: &str,
    reason: Reason<'_>,
    tamper: &(dyn Fn(&mut Tampering<'_>) + Sync),
) {
    assert_rejected_because(&neg.elf, &[], what, reason, tamper);
}

#[test]
fn honest_negative_program_verifies() {
    let neg = negative_program();
    let pk = key(&neg.elf);
    prove(&pk, &[]).verify(pk.program_id()).unwrap();
}

#[test]
fn wrong_loaded_value_is_rejected() {
    let neg = negative_program();
    rejected(&neg, "wrong loaded value", constraints(&[RES_0]), &|t| {
        load_row(t, neg.lw).res[0] += Val::ONE;
        set_rd(t, T2, 0x1234_5679);
    });
}

#[test]
fn wrong_selected_byte_is_rejected() {
    let neg = negative_program();
    // lbu at offset 1 returns byte 0 (0x11) instead of byte 1 (0x22).
    rejected(&neg, "wrong selected byte", constraints(&[BYTE]), &|t| {
        let r = load_row(t, neg.lbu);
        r.byte = r.word[0];
        r.res[0] = r.word[0];
        set_rd(t, T6, 0x11);
    });
}

#[test]
fn negative_byte_claimed_positive_is_rejected() {
    let neg = negative_program();
    // lb of 0x80 zero-extended: the sign check 2 (0x80 - 0) = 256 is not a byte.
    rejected(
        &neg,
        "0x80 claimed positive",
        Reason::Bus("bytes", Some(ChipKind::Load)),
        &|t| {
            let r = load_row(t, neg.lb_neg);
            r.sign = Val::ZERO;
            r.res = [f(0x80), f(0), f(0), f(0)];
            set_rd(t, T3, 0x80);
        },
    );
}

#[test]
fn positive_byte_claimed_negative_is_rejected() {
    let neg = negative_program();
    // lb of 0x7f sign-extended as if negative: 2 (0x7f - 128) < 0.
    rejected(
        &neg,
        "0x7f claimed negative",
        Reason::Bus("bytes", Some(ChipKind::Load)),
        &|t| {
            let r = load_row(t, neg.lb_pos);
            r.sign = Val::ONE;
            r.res = [f(0x7f), f(0xff), f(0xff), f(0xff)];
            set_rd(t, T4, 0xffff_ff7f);
        },
    );
}

#[test]
fn negative_half_claimed_positive_is_rejected() {
    let neg = negative_program();
    rejected(
        &neg,
        "0xff7f claimed positive",
        Reason::Bus("bytes", Some(ChipKind::Load)),
        &|t| {
            let r = load_row(t, neg.lh_neg);
            r.sign = Val::ZERO;
            r.res = [f(0x7f), f(0xff), f(0), f(0)];
            set_rd(t, T5, 0xff7f);
        },
    );
}

#[test]
fn two_opcode_flags_are_rejected() {
    let neg = negative_program();
    rejected(
        &neg,
        "two flags",
        constraints(&[REAL_BOOL, OFFSET_SUM, GUARD, RES_0]),
        &|t| {
            load_row(t, neg.lw).is_lbu = Val::ONE;
        },
    );
}

#[test]
fn opcode_other_than_the_roms_is_rejected() {
    let neg = negative_program();
    // The lb of 0x80 claims to be an lbu, consistently: only the ROM lookup can object.
    rejected(
        &neg,
        "lb claimed lbu",
        Reason::Bus("program", Some(ChipKind::Load)),
        &|t| {
            let r = load_row(t, neg.lb_neg);
            r.is_lb = Val::ZERO;
            r.is_lbu = Val::ONE;
            r.top = Val::ZERO;
            r.sign = Val::ZERO;
            r.res = [f(0x80), f(0), f(0), f(0)];
            set_rd(t, T3, 0x80);
        },
    );
}

#[test]
fn padding_row_claiming_to_be_real_is_rejected() {
    let neg = negative_program();
    rejected(
        &neg,
        "padding row made real",
        constraints(&[
            OFFSET_SUM, GUARD, LW_ALIGNED, RS1_ORDER, MEM_ORDER, RD_ORDER,
        ]),
        &|t| {
            let tr = trace(t, ChipKind::Load);
            let last = tr.values.len() / tr.width - 1;
            row_mut::<LoadCols<Val>>(tr, last).is_lw = Val::ONE;
        },
    );
}

#[test]
fn word_lo_out_of_range_is_rejected() {
    let neg = negative_program();
    // 0x0100_fffc + 8: claim no carry out of the low limb, with word_lo = 0x10004 / 4 and
    // addr_hi one less. Both adder relations hold and the aligned address is unchanged (so the
    // memory bus is untouched); only range16(4 word_lo) = range16(0x10004) objects.
    rejected(
        &neg,
        "word_lo >= 2^14",
        Reason::Bus("range16", Some(ChipKind::Load)),
        &|t| {
            let r = load_row(t, neg.carry);
            assert_eq!(r.addr.carry_lo, Val::ONE);
            r.addr.carry_lo = Val::ZERO;
            r.addr.word_lo = f(0x4001);
            r.addr.addr_hi -= Val::ONE;
            r.addr.guard_inv = (r.addr.addr_hi - f(vouch_machine::chips::load::GUARD_HI)).inverse();
        },
    );
}

#[test]
fn offset_flags_lying_is_rejected() {
    let neg = negative_program();
    // lbu at d+9 (offset 1) claims offset 0 with word_lo = (4 word_lo + 1) / 4 in the field,
    // reading the misaligned cell d+9. The adder relations and range16(4 word_lo) =
    // range16(9) hold: range16(word_lo) — the check a scaled-only design would lack — objects.
    // (So does the memory bus: pages hold aligned words only, so no state of d+9 exists.)
    rejected(
        &neg,
        "offset flags lying",
        Reason::Bus("range16", Some(ChipKind::Load)),
        &|t| {
            let r = load_row(t, neg.lbu);
            let ts = mem_ts(r);
            let four_w = r.addr.word_lo * f(4) + Val::ONE;
            r.addr.word_lo = four_w * f(4).inverse();
            r.addr.offset = [Val::ONE, Val::ZERO, Val::ZERO, Val::ZERO];
            r.word = [Val::ZERO; 4];
            r.byte = Val::ZERO;
            r.half = [Val::ZERO; 2];
            r.res = [Val::ZERO; 4];
            set_read(&mut r.mem_read, 0, ts);
            set_rd(t, T6, 0);
            assert!(t.set_final_ts(neg.data + 8, 0));
        },
    );
}

#[test]
fn misaligned_lw_is_rejected() {
    let neg = negative_program();
    // lw at d+12 claims offset 1 of the cell d+11: the LW alignment constraint fails. End to
    // end, range16(word_lo) fails too: with every other check intact, an aligned address
    // admits no other offset, and an execution with a misaligned LW never reaches the prover
    // (the executor stops). vouch-machine's unit tests check the alignment constraints alone
    // on consistent misaligned rows.
    rejected(&neg, "misaligned lw", constraints(&[LW_ALIGNED]), &|t| {
        let r = load_row(t, neg.lw_last);
        let ts = mem_ts(r);
        let four_w = r.addr.word_lo * f(4) - Val::ONE;
        r.addr.word_lo = four_w * f(4).inverse();
        r.addr.offset = [Val::ZERO, Val::ONE, Val::ZERO, Val::ZERO];
        r.word = [Val::ZERO; 4];
        r.byte = Val::ZERO;
        r.half = [Val::ZERO; 2];
        r.res = [Val::ZERO; 4];
        set_read(&mut r.mem_read, 0, ts);
        set_rd(t, S6, 0);
        assert!(t.set_final_ts(neg.data + 12, 0));
    });
}

#[test]
fn address_aliasing_a_register_is_rejected() {
    let neg = negative_program();
    // lw s5, 0(s4) with s4 = 0x0200_0004 claims the high carry 1: addr_hi = 0x200 - 2^16 and
    // the aligned address 2^16 addr_hi + 4 = 0x0200_0004 - 2^32 ≡ 6 (mod p), register t1's
    // cell. The load reads t1 (inserted into t1's history), the RAM word is left untouched;
    // every relation and the memory bus hold, and only the range checks of addr_hi object.
    rejected(
        &neg,
        "address below 2^16",
        Reason::Bus("range16", Some(ChipKind::Load)),
        &|t| {
            let victim = u32::from(VICTIM);
            let victim_ts = t.final_ts(victim).expect("the register page is paged in");
            let r = load_row(t, neg.alias);
            let ts = mem_ts(r);
            assert_eq!(r.addr.carry_hi, Val::ZERO);
            r.addr.carry_hi = Val::ONE;
            r.addr.addr_hi -= f(1 << 16);
            r.addr.guard_inv = (r.addr.addr_hi - f(vouch_machine::chips::load::GUARD_HI)).inverse();
            let aliased = r.addr.addr_hi * f(1 << 16) + r.addr.word_lo * f(4);
            assert_eq!(aliased, f(victim));
            let value = vouch_machine::gadgets::word::word_to_field(VICTIM_VALUE);
            r.word = value;
            r.byte = value[0];
            r.half = [value[0], value[1]];
            r.res = value;
            set_read(&mut r.mem_read, victim_ts, ts);
            set_rd(t, S5, VICTIM_VALUE);
            assert!(t.set_final_ts(victim, ts));
            assert!(t.set_final_ts(ALIAS_ADDR, 0));
        },
    );
}

#[test]
fn rebalanced_untouched_trace_verifies() {
    // The harness itself (recomputing multiplicities) must not make honest proofs fail.
    let neg = negative_program();
    let pk = key(&neg.elf);
    verify_tampered(&pk, &[], &|_| {}).unwrap();
}

#[test]
fn paging_helpers_keep_an_honest_trace_valid() {
    // The tampering helpers must not break anything by themselves: rewriting a final state
    // with its own value and timestamp recomputes the page-out, the tree and the Poseidon2
    // table, and the proof still verifies.
    let neg = negative_program();
    let pk = key(&neg.elf);
    verify_tampered(&pk, &[], &|t| {
        let ts = t.final_ts(neg.data + 4).expect("the data page is paged in");
        assert!(t.set_final_ts(neg.data + 4, ts));
        assert!(t.set_final(u32::from(T2), 0x1234_5678));
    })
    .unwrap();
}
