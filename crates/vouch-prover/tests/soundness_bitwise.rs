//! Bitwise chip (XOR, OR, AND, XORI, ORI, ANDI): POSITIVE (corner-case and random operands are
//! computed as `vouch_isa::alu` says, and proven), NEGATIVE (each constraint group rejects a
//! tampered trace), SANITY (fixed vectors).

mod common;

use common::*;
use vouch_isa::{alu, Opcode};
use vouch_machine::chips::bitwise::BitwiseCols;
use vouch_machine::ChipKind;
use vouch_prover::Tampering;
use vouch_stark::field::PrimeCharacteristicRing;
use vouch_stark::Val;
use vouch_testkit::random::SplitMix64;
use vouch_testkit::reg::*;
use vouch_testkit::{Asm, Reg};

/// Every opcode on corner-case and seeded random operands.
fn positive_program() -> (Vec<u8>, Vec<Expect>) {
    use Opcode::*;
    let mut p = Asm::new();
    let mut ex = Vec::new();
    let mut rng = SplitMix64::new(0xb17_5eed);
    let corners = [
        (0, 0),
        (0xffff_ffff, 0),
        (0xffff_ffff, 0xffff_ffff),
        (0xaaaa_aaaa, 0x5555_5555),
        (0xaaaa_aaaa, 0xaaaa_aaaa),
        (0x8000_0000, 0x7fff_ffff),
        (0x1234_5678, 0x0f0f_f0f0),
    ];
    let randoms: Vec<(u32, u32)> = (0..10).map(|_| (rng.next_u32(), rng.next_u32())).collect();
    // 12-bit immediates: corners (sign extension included) and random ones.
    let mut imms: Vec<i32> = vec![0, -1, 2047, -2048, 0x555, -0x556, 0xff, 0x80];
    imms.extend((0..4).map(|_| rng.range(-2048, 2048)));
    for (n, &(a, b)) in corners.iter().chain(&randoms).enumerate() {
        li_alu(&mut p, T0, a);
        li_alu(&mut p, T1, b);
        for (op, rd) in [(Xor, S2), (Or, S3), (And, S4)] {
            emit(&mut p, &mut ex, op, rd, T0, i32::from(T1), a, b);
        }
        // Register forms with x0 and with rs1 = rs2, and to x0 (the sink).
        if n == 0 {
            emit(&mut p, &mut ex, Xor, S5, T1, i32::from(ZERO), b, 0);
            emit(&mut p, &mut ex, And, S5, T1, i32::from(T1), b, b);
            emit(&mut p, &mut ex, Or, ZERO, T0, i32::from(T1), a, b);
        }
        // Immediate forms: two immediates per value, cycling through the list.
        for imm in [imms[(2 * n) % imms.len()], imms[(2 * n + 1) % imms.len()]] {
            for (op, rd) in [(Xori, S5), (Ori, S6), (Andi, S7)] {
                emit(&mut p, &mut ex, op, rd, T0, imm, a, imm as u32);
            }
        }
    }
    halt_alu(&mut p, 0);
    (p.elf(), ex)
}

/// `t0 = 0x0f0f_1234`, `t1 = 0x00ff_80f0`, one instruction of each opcode into s2..s7 (which
/// nothing reads again), then HALT.
fn program() -> Vec<u8> {
    let mut p = Asm::new();
    li_alu(&mut p, T0, A);
    li_alu(&mut p, T1, B);
    p.xor(S2, T0, T1).or(S3, T0, T1).and(S4, T0, T1);
    p.xori(S5, T0, IMM).ori(S6, T0, IMM).andi(S7, T0, IMM);
    halt_alu(&mut p, 0);
    p.elf()
}

const A: u32 = 0x0f0f_1234;
const B: u32 = 0x00ff_80f0;
/// Sign-extends to 0xffff_f8f1.
const IMM: i32 = -0x70f;

/// The row of `kind` that writes `rd`.
fn row_writing<'a>(t: &'a mut Tampering<'_>, kind: ChipKind, rd: Reg) -> &'a mut BitwiseCols<Val> {
    let tr = trace(t, kind);
    let i = find_row(tr, |r: &BitwiseCols<Val>| {
        r.rd == f(u32::from(rd)) && r.is_xor + r.is_or + r.is_and == Val::ONE
    });
    row_mut(tr, i)
}

/// Make the paged-out final value of register `rd` the (possibly non-byte) field elements
/// `last`, so that the memory bus agrees with a tampered write.
fn set_last_raw(t: &mut Tampering<'_>, rd: Reg, last: [Val; 4]) {
    assert!(t.set_final_limbs(u32::from(rd), last), "register paged in");
}

// POSITIVE

#[test]
fn every_opcode_computes_and_proves() {
    let (elf, expects) = positive_program();
    check_results(&elf, &expects);
    let pk = key(&elf);
    prove(&pk, &[]).verify(pk.program_id()).unwrap();
}

#[test]
fn rebalanced_untouched_trace_verifies() {
    // The harness itself (recomputing multiplicities) must not make honest proofs fail, or the
    // negative tests below would prove nothing.
    let pk = key(&program());
    verify_tampered(&pk, &[], &|_| {}).unwrap();
}

// NEGATIVE

#[test]
fn wrong_result_is_rejected() {
    let pk = key(&program());
    // xor: flip a bit of the low byte; the paged-out state agrees, so only the byte-op lookup objects.
    assert_rejected(&pk, &[], "wrong result", &|t| {
        let r = row_writing(t, ChipKind::BitwiseReg, S2);
        let want = A ^ B ^ 1;
        r.res[0] = f(want & 0xff);
        assert!(t.set_final(u32::from(S2), want));
    });
}

#[test]
fn wrong_immediate_result_is_rejected() {
    let pk = key(&program());
    // andi: a result byte of OR instead of AND.
    assert_rejected(&pk, &[], "wrong immediate result", &|t| {
        let r = row_writing(t, ChipKind::BitwiseImm, S7);
        let want = (A & IMM as u32) & !0xff_u32 | (A | IMM as u32) & 0xff;
        r.res[0] = f(want & 0xff);
        assert!(t.set_final(u32::from(S7), want));
    });
}

#[test]
fn out_of_range_limb_is_rejected() {
    let pk = key(&program());
    // or: res_0 + 256 and res_1 - 1 is the same word value (and the paged-out state records exactly
    // these field elements); only the byte range of the lookup can object.
    assert_rejected(&pk, &[], "out-of-range result byte", &|t| {
        let want = A | B;
        assert!(want >> 8 & 0xff > 0);
        let r = row_writing(t, ChipKind::BitwiseReg, S3);
        r.res[0] += f(256);
        r.res[1] -= Val::ONE;
        let res = r.res;
        set_last_raw(t, S3, res);
    });
}

#[test]
fn two_selectors_are_rejected() {
    let pk = key(&program());
    assert_rejected(&pk, &[], "two selectors", &|t| {
        row_writing(t, ChipKind::BitwiseReg, S2).is_or = Val::ONE;
    });
}

#[test]
fn wrong_operation_flag_is_rejected() {
    let pk = key(&program());
    // xor row claims OR and writes a | b: every byte lookup holds, the ROM lookup does not.
    assert_rejected(&pk, &[], "OR flag on an XOR instruction", &|t| {
        let r = row_writing(t, ChipKind::BitwiseReg, S2);
        r.is_xor = Val::ZERO;
        r.is_or = Val::ONE;
        r.res = (A | B).to_le_bytes().map(|x| f(u32::from(x)));
        assert!(t.set_final(u32::from(S2), A | B));
    });
}

#[test]
fn wrong_immediate_is_rejected() {
    let pk = key(&program());
    // xori with another immediate (and its consistent result): only the ROM lookup objects.
    assert_rejected(&pk, &[], "wrong immediate", &|t| {
        let imm = IMM as u32 ^ 0x100;
        let r = row_writing(t, ChipKind::BitwiseImm, S5);
        r.b = imm.to_le_bytes().map(|x| f(u32::from(x)));
        r.res = (A ^ imm).to_le_bytes().map(|x| f(u32::from(x)));
        assert!(t.set_final(u32::from(S5), A ^ imm));
    });
}

#[test]
fn padding_row_claiming_to_be_real_is_rejected() {
    let pk = key(&program());
    assert_rejected(&pk, &[], "padding row made real", &|t| {
        let tr = trace(t, ChipKind::BitwiseReg);
        let last = tr.values.len() / tr.width - 1;
        row_mut::<BitwiseCols<Val>>(tr, last).is_and = Val::ONE;
    });
}

#[test]
fn immediate_table_rs2_is_pinned() {
    let pk = key(&program());
    assert_rejected(&pk, &[], "rs2 set in the immediate table", &|t| {
        row_writing(t, ChipKind::BitwiseImm, S6).rs2 = f(u32::from(T1));
    });
}

// SANITY

#[test]
fn fixed_vectors() {
    use vouch_isa::AluOp::*;
    assert_eq!(alu(Xor, 0xaaaa_aaaa, 0x5555_5555), 0xffff_ffff);
    assert_eq!(alu(Or, 0xf0f0_0000, 0x0000_0f0f), 0xf0f0_0f0f);
    assert_eq!(alu(And, 0x1234_5678, 0x0f0f_f0f0), 0x0204_5070);
    assert_eq!(alu(Xor, A, IMM as u32), 0xf0f0_eac5);
}
