//! MUL chip (MUL, MULH, MULHSU, MULHU): POSITIVE (honest proofs of corner-case and random
//! operands verify and prove the results `vouch_isa::alu` specifies), NEGATIVE (each
//! constraint group rejects a tampered trace), SANITY (the reference against `vouch_isa`).

mod common;

use common::*;
use vouch_isa::Opcode;
use vouch_machine::chips::mul::{MulCols, LIMBS};
use vouch_machine::ChipKind;
use vouch_stark::field::{PrimeCharacteristicRing, PrimeField32};
use vouch_stark::matrix::RowMajorMatrix;
use vouch_stark::Val;
use vouch_testkit::reg::*;
use vouch_testkit::Asm;

const OPS: [Opcode; 4] = [Opcode::Mul, Opcode::Mulh, Opcode::Mulhsu, Opcode::Mulhu];

/// The specified result, computed independently of `vouch_isa` (128-bit products).
fn reference(op: Opcode, a: u32, b: u32) -> u32 {
    let (sa, sb) = (i128::from(a as i32), i128::from(b as i32));
    let (ua, ub) = (i128::from(a), i128::from(b));
    let product = match op {
        Opcode::Mul | Opcode::Mulhu => ua * ub,
        Opcode::Mulh => sa * sb,
        Opcode::Mulhsu => sa * ub,
        _ => unreachable!("{op:?} is not a multiplication"),
    };
    if op == Opcode::Mul {
        product as u32
    } else {
        (product >> 32) as u32
    }
}

const CORNERS: [u32; 24] = [
    0,
    1,
    2,
    3,
    0xffff_ffff, // -1
    0xffff_fffe, // -2
    0xffff_fffd, // -3
    0x8000_0000, // i32::MIN
    0x8000_0001,
    0x7fff_ffff, // i32::MAX
    0x7fff_fffe,
    0x0000_00ff,
    0x0000_0100,
    0x0000_ffff,
    0x0001_0000,
    0x00ff_ffff,
    0xff00_0000,
    0xffff_0000,
    0x1234_5678,
    0x9abc_def0,
    0xdead_beef,
    0x0000_0305,
    0x4000_0000,
    0xc000_0000,
];

// SANITY

#[test]
fn reference_matches_isa() {
    let mut rng = SplitMix(7);
    let mut values = CORNERS.to_vec();
    values.extend((0..64).map(|_| rng.operand()));
    for &a in &values {
        for &b in &values {
            for op in OPS {
                let isa = vouch_isa::alu(op.alu_op().unwrap(), a, b);
                assert_eq!(reference(op, a, b), isa, "{op:?} {a:#x} {b:#x}");
            }
        }
    }
    // Fixed vectors.
    assert_eq!(
        reference(Opcode::Mulhsu, 0xffff_ffff, 0xffff_ffff),
        0xffff_ffff
    );
    assert_eq!(
        reference(Opcode::Mulhsu, 0x8000_0000, 0xffff_ffff),
        0x8000_0000
    );
    assert_eq!(
        reference(Opcode::Mulh, 0x8000_0000, 0x8000_0000),
        0x4000_0000
    );
    assert_eq!(
        reference(Opcode::Mulhu, 0xffff_ffff, 0xffff_ffff),
        0xffff_fffe
    );
    assert_eq!(
        reference(Opcode::Mul, 0x1234_5678, 0x9abc_def0),
        0x242d_2080
    );
}

// POSITIVE

#[test]
fn corner_cases_prove_and_match_isa() {
    let n = prove_all_pairs(&OPS, &CORNERS, &reference);
    assert!(n >= OPS.len() * CORNERS.len() * CORNERS.len());
}

#[test]
fn random_operands_prove_and_match_isa() {
    let mut rng = SplitMix(0x6d75_6c5f_7365_6564);
    let values: Vec<u32> = (0..24).map(|_| rng.operand()).collect();
    prove_all_pairs(&OPS, &values, &reference);
}

// NEGATIVE

const A: u32 = 0xffff_fffd; // -3
const B: u32 = 773; // 0x305

/// `t0 = -3`, `t1 = 773`, then `s2..s5 = mul, mulh, mulhsu, mulhu (t0, t1)`, whose results
/// nothing reads again, then HALT.
fn program() -> Vec<u8> {
    let mut p = Asm::new();
    li_alu(&mut p, T0, A);
    li_alu(&mut p, T1, B);
    p.mul(S2, T0, T1)
        .mulh(S3, T0, T1)
        .mulhsu(S4, T0, T1)
        .mulhu(S5, T0, T1);
    halt_alu(&mut p, 0);
    p.elf()
}

/// The row that writes `rd`.
fn row_of(tr: &mut RowMajorMatrix<Val>, rd: u8) -> &mut MulCols<Val> {
    let i = find_row(tr, |r: &MulCols<Val>| {
        r.rd == f(u32::from(rd)) && r.rs1 == f(u32::from(T0))
    });
    row_mut(tr, i)
}

fn val(x: Val) -> u32 {
    x.as_canonical_u32()
}

/// Recompute the product bytes, carries and result from the row's `a`, `b`, extension signs
/// and flags, as an honest prover would for those (possibly wrong) signs. Returns the result.
fn refill(r: &mut MulCols<Val>) -> u32 {
    let limbs = |w: [Val; 4], sign: Val| -> [u64; LIMBS] {
        core::array::from_fn(|i| {
            if i < 4 {
                u64::from(val(w[i]))
            } else {
                255 * u64::from(val(sign))
            }
        })
    };
    let (al, bl) = (limbs(r.a, r.a_sign), limbs(r.b, r.b_sign));
    let mut cin = 0u64;
    for k in 0..LIMBS {
        let total = (0..=k).map(|i| al[i] * bl[k - i]).sum::<u64>() + cin;
        r.p[k] = f((total & 0xff) as u32);
        cin = total >> 8;
        r.carry[k] = f(cin as u32);
    }
    let from = if r.is_mul == Val::ONE { 0 } else { 4 };
    let res: [Val; 4] = core::array::from_fn(|i| r.p[from + i]);
    r.res = res;
    res.iter().rev().fold(0, |acc, &x| acc << 8 | val(x))
}

/// Indices of `MulChip`'s constraints, in the order its `eval` asserts them (the debug
/// check names failures by index).
mod constraint {
    /// `real` (the sum of the flags) is boolean.
    pub const REAL_BOOL: usize = 4;
    /// `a_sign = a_msb * (is_mulh + is_mulhsu)`.
    pub const A_SIGN: usize = 7;
    /// The limb relation of product byte `k` is `LIMB + k`.
    pub const LIMB: usize = 9;
    /// The result's byte `i` is `RES + i`.
    pub const RES: usize = 17;
    /// The timestamp order of the `rs1` read and the `rd` write.
    pub const TS_RS1: usize = 21;
    pub const TS_RD: usize = 23;
}
use constraint::*;

#[test]
fn honest_proof_verifies() {
    let pk = key(&program());
    prove(&pk, &[]).verify(pk.program_id()).unwrap();
}

#[test]
fn rebalanced_untouched_trace_verifies() {
    // The harness itself (recomputing multiplicities) must not make honest proofs fail, or the
    // negative tests would prove nothing.
    let pk = key(&program());
    verify_tampered(&pk, &[], &|_| {}).unwrap();
}

#[test]
fn refill_of_an_honest_row_changes_nothing() {
    // The tests below rely on `refill` recomputing exactly what the prover fills.
    let pk = key(&program());
    verify_tampered(&pk, &[], &|t| {
        for rd in [S2, S3, S4, S5] {
            let r = row_of(trace(t, ChipKind::Mul), rd);
            let before = *r;
            refill(r);
            assert_eq!(format!("{before:?}"), format!("{r:?}"));
        }
    })
    .unwrap();
}

#[test]
fn wrong_result_is_rejected() {
    let elf = program();
    // mul: rd gets 0xfffff6f0 instead of 0xfffff6f1; the paged-out state agrees.
    assert_rejected_because(
        &elf,
        &[],
        "wrong result",
        Reason::Constraints(ChipKind::Mul, &[RES]),
        &|t| {
            let r = row_of(trace(t, ChipKind::Mul), S2);
            r.res[0] -= Val::ONE;
            assert!(t.set_final(u32::from(S2), 0xffff_f6f0));
        },
    );
}

#[test]
fn high_word_for_mul_is_rejected() {
    let elf = program();
    // mul returns the product's high word (what mulh returns) instead of the low word.
    assert_rejected_because(
        &elf,
        &[],
        "high word for MUL",
        Reason::Constraints(ChipKind::Mul, &[RES, RES + 1, RES + 2, RES + 3]),
        &|t| {
            let r = row_of(trace(t, ChipKind::Mul), S2);
            r.res = [r.p[4], r.p[5], r.p[6], r.p[7]];
            assert!(t.set_final(u32::from(S2), 0xffff_ffff));
        },
    );
}

#[test]
fn consistent_wrong_product_is_rejected() {
    let elf = program();
    // p_0 and the result both one less: the first limb relation fails.
    assert_rejected_because(
        &elf,
        &[],
        "wrong product byte",
        Reason::Constraints(ChipKind::Mul, &[LIMB]),
        &|t| {
            let r = row_of(trace(t, ChipKind::Mul), S2);
            r.p[0] -= Val::ONE;
            r.res[0] -= Val::ONE;
            assert!(t.set_final(u32::from(S2), 0xffff_f6f0));
        },
    );
}

#[test]
fn wrong_carry_is_rejected() {
    let elf = program();
    assert_rejected_because(
        &elf,
        &[],
        "wrong carry",
        Reason::Constraints(ChipKind::Mul, &[LIMB + 2, LIMB + 3]),
        &|t| {
            row_of(trace(t, ChipKind::Mul), S2).carry[2] += Val::ONE;
        },
    );
}

#[test]
fn out_of_range_product_byte_is_rejected() {
    let elf = program();
    // mulhu: the product's low word is 0xfffff6f1, with 0xfd * 0x05 = 1265 = 0xf1 + 256 * 4.
    // Move 256 from p_1 into p_0: p_0 = 0xf1 + 256, carry_0 = 3, p_1 = 0xf5. Every limb
    // relation still holds and the result (p_4..p_7) is unchanged; only the byte check of p
    // can object.
    assert_rejected_because(
        &elf,
        &[],
        "out-of-range product byte",
        Reason::Bus("bytes", Some(ChipKind::Mul)),
        &|t| {
            let r = row_of(trace(t, ChipKind::Mul), S5);
            assert_eq!((r.p[0], r.p[1], r.carry[0]), (f(0xf1), f(0xf6), f(4)));
            r.p[0] += f(256);
            r.carry[0] -= Val::ONE;
            r.p[1] -= Val::ONE;
        },
    );
}

#[test]
fn out_of_range_result_byte_is_rejected() {
    let elf = program();
    // mul: the same limb shift where p_0, p_1 are result limbs: the register receives the
    // limbs (0xf1 + 256, 0xf5, 0xff, 0xff), the same integer as the honest result but not
    // bytes (the paged-out state agrees).
    assert_rejected_because(
        &elf,
        &[],
        "out-of-range result byte",
        Reason::Bus("bytes", Some(ChipKind::Mul)),
        &|t| {
            let r = row_of(trace(t, ChipKind::Mul), S2);
            r.p[0] += f(256);
            r.carry[0] -= Val::ONE;
            r.p[1] -= Val::ONE;
            r.res[0] += f(256);
            r.res[1] -= Val::ONE;
            let res = r.res;
            assert!(t.set_final_limbs(u32::from(S2), res));
        },
    );
}

#[test]
fn two_selectors_are_rejected() {
    let elf = program();
    assert_rejected_because(
        &elf,
        &[],
        "two selectors",
        // mul and mulhu: `real = 2`, and res_i = p_i + p_{i+4} fails where p_{i+4} != 0.
        Reason::Constraints(ChipKind::Mul, &[REAL_BOOL, RES, RES + 1]),
        &|t| {
            row_of(trace(t, ChipKind::Mul), S2).is_mulhu = Val::ONE;
        },
    );
}

#[test]
fn padding_row_claiming_to_be_real_is_rejected() {
    let elf = program();
    assert_rejected_because(
        &elf,
        &[],
        "padding row made real",
        Reason::Constraints(ChipKind::Mul, &[TS_RS1, TS_RD]),
        &|t| {
            let tr = trace(t, ChipKind::Mul);
            let last = tr.values.len() / tr.width - 1;
            row_mut::<MulCols<Val>>(tr, last).is_mul = Val::ONE;
        },
    );
}

#[test]
fn wrong_sign_bit_is_rejected() {
    let elf = program();
    // mulh with a = -3 read as 0xfffffffd (a_msb = 0): an honest product of the wrong operand
    // (high word 772 instead of -1). Only the byte check of 2 (a_3 - 128 a_msb) objects.
    assert_rejected_because(
        &elf,
        &[],
        "wrong sign bit",
        Reason::Bus("bytes", Some(ChipKind::Mul)),
        &|t| {
            let r = row_of(trace(t, ChipKind::Mul), S3);
            r.a_msb = Val::ZERO;
            r.a_sign = Val::ZERO;
            let res = refill(r);
            assert_eq!(res, 772);
            assert!(t.set_final(u32::from(S3), res));
        },
    );
}

#[test]
fn wrong_extension_sign_is_rejected() {
    let elf = program();
    // mulhu computed as mulhsu (a sign-extended although the opcode reads it unsigned).
    assert_rejected_because(
        &elf,
        &[],
        "sign extension for MULHU",
        Reason::Constraints(ChipKind::Mul, &[A_SIGN]),
        &|t| {
            let r = row_of(trace(t, ChipKind::Mul), S5);
            r.a_sign = Val::ONE;
            let res = refill(r);
            assert_eq!(res, 0xffff_ffff);
            assert!(t.set_final(u32::from(S5), res));
        },
    );
    // mulh computed as mulhu (no sign extension at all, but the sign bits kept).
    assert_rejected_because(
        &elf,
        &[],
        "no sign extension for MULH",
        Reason::Constraints(ChipKind::Mul, &[A_SIGN]),
        &|t| {
            let r = row_of(trace(t, ChipKind::Mul), S3);
            r.a_sign = Val::ZERO;
            let res = refill(r);
            assert!(t.set_final(u32::from(S3), res));
        },
    );
}
