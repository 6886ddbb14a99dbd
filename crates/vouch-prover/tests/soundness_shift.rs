//! Shift chip (SLL, SRL, SRA, SLLI, SRLI, SRAI): POSITIVE (corner-case and random operands are
//! computed as `vouch_isa::alu` says, and proven), NEGATIVE (each constraint group rejects a
//! tampered trace, which is otherwise made consistent so that only the group under test can
//! object), SANITY (fixed vectors).

mod common;

use common::*;
use vouch_isa::{alu, AluOp, Opcode};
use vouch_machine::chips::shift::ShiftCols;
use vouch_machine::ChipKind;
use vouch_prover::Tampering;
use vouch_stark::field::{Field, PrimeCharacteristicRing, PrimeField32};
use vouch_stark::Val;
use vouch_testkit::random::SplitMix64;
use vouch_testkit::reg::*;
use vouch_testkit::{Asm, Reg};

/// Every opcode on corner-case values and amounts (including register amounts of 32 and more,
/// of which only the low five bits count) and on seeded random operands.
fn positive_program() -> (Vec<u8>, Vec<Expect>) {
    use Opcode::*;
    let mut p = Asm::new();
    let mut ex = Vec::new();
    // Register shift amounts, each set once with ADDI (12-bit immediates, sign-extended).
    let amounts: [(Reg, i32); 13] = [
        (S0, 0),
        (S1, 1),
        (S2, 7),
        (S3, 8),
        (S4, 15),
        (S5, 16),
        (S6, 24),
        (S7, 31),
        (S8, 32),
        (S9, 37),
        (S10, -31),   // 0xffff_ffe1: b_0 = 0xe1, shift 1, t = 7
        (S11, 0x100), // b_0 = 0, upper bytes set: shift 0
        (T3, 63),
    ];
    for &(r, v) in &amounts {
        p.addi(r, ZERO, v);
    }
    let values = [
        0,
        1,
        0x8000_0000,
        0xffff_ffff,
        0x7fff_ffff,
        0xaaaa_aaaa,
        0x5555_5555,
        0x8765_4321,
        0x1234_5678,
    ];
    for &a in &values {
        li_alu(&mut p, T0, a);
        for &(r, v) in &amounts {
            for (op, rd) in [(Sll, A2), (Srl, A3), (Sra, A4)] {
                emit(&mut p, &mut ex, op, rd, T0, i32::from(r), a, v as u32);
            }
        }
        // Every immediate amount: every bit shift r with every byte shift k.
        for shamt in 0..32 {
            for (op, rd) in [(Slli, A2), (Srli, A3), (Srai, A4)] {
                emit(&mut p, &mut ex, op, rd, T0, shamt, a, shamt as u32);
            }
        }
    }
    // Random operands and amounts.
    let mut rng = SplitMix64::new(0x5_41f7);
    let (mut a, mut b) = (0, 0);
    for _ in 0..12 {
        let shamt;
        (a, b, shamt) = (rng.next_u32(), rng.next_u32(), rng.below(32));
        li_alu(&mut p, T0, a);
        li_alu(&mut p, T1, b);
        for (op, rd) in [(Sll, A2), (Srl, A3), (Sra, A4)] {
            emit(&mut p, &mut ex, op, rd, T0, i32::from(T1), a, b);
        }
        for (op, rd) in [(Slli, A2), (Srli, A3), (Srai, A4)] {
            emit(&mut p, &mut ex, op, rd, T0, shamt as i32, a, shamt);
        }
    }
    // rs1 = rs2, and a write to x0 (the sink).
    emit(&mut p, &mut ex, Sll, A5, T1, i32::from(T1), b, b);
    emit(&mut p, &mut ex, Sra, ZERO, T0, i32::from(S1), a, 1);
    halt_alu(&mut p, 0);
    (p.elf(), ex)
}

/// `a = 0x8765_4321` (negative) in t0, then one shift per tamper target into s2..s7 (which
/// nothing reads again), then HALT.
fn program() -> Vec<u8> {
    let mut p = Asm::new();
    li_alu(&mut p, T0, A);
    p.addi(T1, ZERO, 12).addi(T2, ZERO, 1);
    // Shift by 12: k = 1, r = 4.
    p.sll(S2, T0, T1).srl(S3, T0, T1).sra(S4, T0, T1);
    // Shift by 1: k = 0, r = 1.
    p.srl(S5, T0, T2);
    // Shift by 2, immediate.
    p.slli(S6, T0, 2);
    halt_alu(&mut p, 0);
    p.elf()
}

const A: u32 = 0x8765_4321;

/// The shift row (of either table) that writes `rd`.
fn row_writing<'a>(t: &'a mut Tampering<'_>, kind: ChipKind, rd: Reg) -> &'a mut ShiftCols<Val> {
    let tr = trace(t, kind);
    let i = find_row(tr, |r: &ShiftCols<Val>| {
        r.rd == f(u32::from(rd)) && r.is_sll + r.is_srl + r.is_sra == Val::ONE
    });
    row_mut(tr, i)
}

/// Make the paged-out final value of register `rd` the (possibly non-byte) field elements
/// `last`, so that the memory bus agrees with a tampered write.
fn set_last_raw(t: &mut Tampering<'_>, rd: Reg, last: [Val; 4]) {
    assert!(t.set_final_limbs(u32::from(rd), last), "register paged in");
}

// Refilling a tampered row. Each stage recomputes, in the field, the columns the constraints
// derive from earlier ones, so that a test can change one witness and keep every constraint
// but the one under test satisfied.

/// `m01`, `m`, `m_right`, `mul` from the flags and shift bits.
fn fill_multipliers(r: &mut ShiftCols<Val>) {
    let real = r.is_sll + r.is_srl + r.is_sra;
    let [s0, s1, s2] = r.bit;
    r.m01 = (real + s0) * (real + s1 * f(3));
    r.m = r.m01 * (Val::ONE + s2 * f(15));
    r.m_right = real * f(256) * r.m.inverse();
    r.mul = r.is_sll * r.m + (r.is_srl + r.is_sra) * r.m_right;
}

/// `lo`, `hi`: the integer split of `a_i * mul` (which must be a small integer).
fn fill_splits(r: &mut ShiftCols<Val>) {
    for i in 0..4 {
        let v = (r.a[i] * r.mul).as_canonical_u32();
        assert!(v < 1 << 16, "a_i * mul = {v} is not a small integer");
        r.lo[i] = f(v & 0xff);
        r.hi[i] = f(v >> 8);
    }
}

/// `top` and `res` from the splits, `neg`, `mul` and the byte-shift flags (as the
/// constraints compute them), and the paged-out final value of the row's `rd` to match.
fn fill_result(t: &mut Tampering<'_>, kind: ChipKind, rd: Reg) {
    let r = row_writing(t, kind, rd);
    r.top = r.hi[3] + r.neg * (f(256) - r.mul);
    let x = |i: usize| {
        if i == 0 {
            r.lo[0]
        } else {
            r.lo[i] + r.hi[i - 1]
        }
    };
    let y = |i: usize| match i {
        0..=2 => r.hi[i] + r.lo[i + 1],
        3 => r.top,
        _ => r.neg * f(255),
    };
    let res: [Val; 4] = core::array::from_fn(|j| {
        let mut v = Val::ZERO;
        for k in 0..4 {
            if k <= j {
                v += r.shl_byte[k] * x(j - k);
            }
            v += r.shr_byte[k] * y(j + k);
        }
        v
    });
    r.res = res;
    set_last_raw(t, rd, res);
}

/// The bytes of a word, as field elements.
fn bytes(x: u32) -> [Val; 4] {
    x.to_le_bytes().map(|b| f(u32::from(b)))
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
    // negative tests below would prove nothing. `fill_*` on an untouched row changes nothing.
    let pk = key(&program());
    verify_tampered(&pk, &[], &|t| {
        for (kind, rd) in [(ChipKind::ShiftReg, S4), (ChipKind::ShiftImm, S6)] {
            let r = row_writing(t, kind, rd);
            let before = *r;
            fill_multipliers(r);
            fill_splits(r);
            fill_result(t, kind, rd);
            let after = *row_writing(t, kind, rd);
            assert_eq!(format!("{before:?}"), format!("{after:?}"));
        }
    })
    .unwrap();
}

// NEGATIVE

#[test]
fn wrong_result_is_rejected() {
    let pk = key(&program());
    // sll by 12: the low byte is 0; claim 1 (the paged-out state agrees).
    assert_rejected(&pk, &[], "wrong result", &|t| {
        let r = row_writing(t, ChipKind::ShiftReg, S2);
        assert_eq!(r.res[0], Val::ZERO);
        r.res[0] = Val::ONE;
        let res = r.res;
        set_last_raw(t, S2, res);
    });
}

#[test]
fn out_of_range_limb_is_rejected() {
    let pk = key(&program());
    // srl by 1: split a_1 * 128 as (lo_1 + 256) + 256 (hi_1 - 1). The result then has
    // res_0 + 256 and res_1 - 1, the same word value; only the byte check of lo/hi objects.
    assert_rejected(&pk, &[], "out-of-range lo/hi", &|t| {
        let r = row_writing(t, ChipKind::ShiftReg, S5);
        assert_eq!(r.mul, f(128));
        r.lo[1] += f(256);
        r.hi[1] -= Val::ONE;
        fill_result(t, ChipKind::ShiftReg, S5);
    });
}

#[test]
fn two_selectors_are_rejected() {
    let pk = key(&program());
    assert_rejected(&pk, &[], "two selectors", &|t| {
        row_writing(t, ChipKind::ShiftReg, S2).is_srl = Val::ONE;
    });
}

#[test]
fn padding_row_claiming_to_be_real_is_rejected() {
    let pk = key(&program());
    assert_rejected(&pk, &[], "padding row made real", &|t| {
        let tr = trace(t, ChipKind::ShiftReg);
        let last = tr.values.len() / tr.width - 1;
        row_mut::<ShiftCols<Val>>(tr, last).is_sll = Val::ONE;
    });
}

#[test]
fn shift_amount_with_non_byte_t_is_rejected() {
    let pk = key(&program());
    // srl by b_0 = 1, claimed as a shift by 0 with t = 1/32 (so that 32 t = 1 and the
    // decomposition of b_0 holds in the field; note 32 t is a byte, t is not). The result is
    // then a itself; only the byte check of t objects.
    assert_rejected(&pk, &[], "t not a byte", &|t| {
        let r = row_writing(t, ChipKind::ShiftReg, S5);
        assert_eq!(r.bit[0], Val::ONE);
        r.bit[0] = Val::ZERO;
        r.t = f(32).inverse();
        fill_multipliers(r);
        fill_splits(r);
        fill_result(t, ChipKind::ShiftReg, S5);
        assert_eq!(row_writing(t, ChipKind::ShiftReg, S5).res, bytes(A));
    });
}

#[test]
fn byte_shift_not_matching_b0_is_rejected() {
    let pk = key(&program());
    // sra by 12 (k = 1) claimed as k = 0 (shift by 4): t absorbs the difference, 8 / 32.
    assert_rejected(&pk, &[], "wrong byte shift", &|t| {
        let r = row_writing(t, ChipKind::ShiftReg, S4);
        assert_eq!(r.shr_byte[1], Val::ONE);
        r.shr_byte = [Val::ONE, Val::ZERO, Val::ZERO, Val::ZERO];
        r.t = f(8) * f(32).inverse();
        fill_result(t, ChipKind::ShiftReg, S4);
        let want = ((A as i32) >> 4) as u32;
        assert_eq!(row_writing(t, ChipKind::ShiftReg, S4).res, bytes(want));
    });
}

#[test]
fn non_boolean_shift_bit_is_rejected() {
    let pk = key(&program());
    // slli by 2 (s_1 = 1) claimed as s_0 = 2: b_0 still decomposes, m = 3, and the result is
    // "a << log2(3)", i.e. 3 a byte-wise; only the booleanity of s_0 objects.
    assert_rejected(&pk, &[], "non-boolean shift bit", &|t| {
        let r = row_writing(t, ChipKind::ShiftImm, S6);
        assert_eq!(r.bit, [Val::ZERO, Val::ONE, Val::ZERO]);
        r.bit = [f(2), Val::ZERO, Val::ZERO];
        fill_multipliers(r);
        assert_eq!(r.mul, f(3));
        fill_splits(r);
        fill_result(t, ChipKind::ShiftImm, S6);
    });
}

#[test]
fn wrong_bit_multiplier_is_rejected() {
    let pk = key(&program());
    // sll by 12 (r = 4, m = 16) with m = 8 and m_right = 32 (so m * m_right = 256 holds):
    // only m = m01 (1 + 15 s_2) objects.
    assert_rejected(&pk, &[], "wrong m", &|t| {
        let r = row_writing(t, ChipKind::ShiftReg, S2);
        assert_eq!(r.m, f(16));
        r.m = f(8);
        r.m_right = f(32);
        r.mul = f(8);
        fill_splits(r);
        fill_result(t, ChipKind::ShiftReg, S2);
    });
}

#[test]
fn wrong_right_multiplier_is_rejected() {
    let pk = key(&program());
    // srl by 12 (r = 4): mul = m_right = 16 claimed as 64 (a shift by 2 bits): only
    // m * m_right = 256 objects.
    assert_rejected(&pk, &[], "wrong m_right", &|t| {
        let r = row_writing(t, ChipKind::ShiftReg, S3);
        assert_eq!(r.m_right, f(16));
        r.m_right = f(64);
        r.mul = f(64);
        fill_splits(r);
        fill_result(t, ChipKind::ShiftReg, S3);
    });
}

#[test]
fn wrong_direction_is_rejected() {
    let pk = key(&program());
    // srl by 12 using the left byte-shift flag (a left-shift selection with the right
    // multiplier): only the sums of the byte-shift flags object.
    assert_rejected(&pk, &[], "byte shift in the wrong direction", &|t| {
        let r = row_writing(t, ChipKind::ShiftReg, S3);
        r.shr_byte[1] = Val::ZERO;
        r.shl_byte[1] = Val::ONE;
        fill_result(t, ChipKind::ShiftReg, S3);
    });
}

#[test]
fn wrong_sign_is_rejected() {
    let pk = key(&program());
    // sra of a negative value claimed with msb = 0: the result is the logical shift; only the
    // sign check of a_3 objects.
    assert_rejected(&pk, &[], "wrong sign for SRA", &|t| {
        let r = row_writing(t, ChipKind::ShiftReg, S4);
        assert_eq!(r.msb, Val::ONE);
        r.msb = Val::ZERO;
        r.neg = Val::ZERO;
        fill_result(t, ChipKind::ShiftReg, S4);
        assert_eq!(row_writing(t, ChipKind::ShiftReg, S4).res, bytes(A >> 12));
    });
}

#[test]
fn sign_fill_on_logical_shift_is_rejected() {
    let pk = key(&program());
    // srl of a negative value filled with the sign (an arithmetic shift): only
    // neg = is_sra * msb objects.
    assert_rejected(&pk, &[], "sign fill on SRL", &|t| {
        let r = row_writing(t, ChipKind::ShiftReg, S3);
        r.neg = Val::ONE;
        fill_result(t, ChipKind::ShiftReg, S3);
        let want = ((A as i32) >> 12) as u32;
        assert_eq!(row_writing(t, ChipKind::ShiftReg, S3).res, bytes(want));
    });
}

#[test]
fn wrong_immediate_is_rejected() {
    let pk = key(&program());
    // slli by 2 claimed as slli by 3, consistently: only the ROM lookup objects.
    assert_rejected(&pk, &[], "wrong shift immediate", &|t| {
        let r = row_writing(t, ChipKind::ShiftImm, S6);
        r.b[0] = f(3);
        r.bit = [Val::ONE, Val::ONE, Val::ZERO];
        fill_multipliers(r);
        fill_splits(r);
        fill_result(t, ChipKind::ShiftImm, S6);
        assert_eq!(row_writing(t, ChipKind::ShiftImm, S6).res, bytes(A << 3));
    });
}

#[test]
fn immediate_table_rs2_is_pinned() {
    let pk = key(&program());
    assert_rejected(&pk, &[], "rs2 set in the immediate table", &|t| {
        row_writing(t, ChipKind::ShiftImm, S6).rs2 = f(u32::from(T1));
    });
}

// SANITY

#[test]
fn fixed_vectors() {
    use AluOp::*;
    assert_eq!(alu(Sll, 0x8765_4321, 12), 0x5432_1000);
    assert_eq!(alu(Srl, 0x8765_4321, 12), 0x0008_7654);
    assert_eq!(alu(Sra, 0x8765_4321, 12), 0xfff8_7654);
    assert_eq!(alu(Sra, 0x8000_0000, 31), 0xffff_ffff);
    assert_eq!(alu(Srl, 0x8000_0000, 63), 1);
    assert_eq!(alu(Sll, 1, 0xffff_ffe1), 2);
    assert_eq!(alu(Sra, 0x7fff_ffff, 30), 1);
}
