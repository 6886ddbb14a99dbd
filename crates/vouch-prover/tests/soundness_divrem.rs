//! DIV chip (DIV, DIVU, REM, REMU): POSITIVE (honest proofs of corner-case and random
//! operands verify and prove the results `vouch_isa::alu` specifies), NEGATIVE (each
//! constraint group rejects a tampered trace), SANITY (the reference against `vouch_isa`).

mod common;

use common::*;
use vouch_isa::Opcode;
use vouch_machine::chips::divrem::{DivRemCols, LIMBS};
use vouch_machine::ChipKind;
use vouch_stark::field::{Field, PrimeCharacteristicRing, PrimeField32};
use vouch_stark::matrix::RowMajorMatrix;
use vouch_stark::Val;
use vouch_testkit::reg::*;
use vouch_testkit::Asm;

const OPS: [Opcode; 4] = [Opcode::Div, Opcode::Divu, Opcode::Rem, Opcode::Remu];

/// The specified result, computed independently of `vouch_isa`: 64-bit signed division
/// truncates like RISC-V, and `i32::MIN / -1` there is `2^31`, whose low word is `i32::MIN`.
fn reference(op: Opcode, a: u32, b: u32) -> u32 {
    let (sa, sb) = (i64::from(a as i32), i64::from(b as i32));
    match (op, b) {
        (Opcode::Div | Opcode::Divu, 0) => u32::MAX,
        (Opcode::Rem | Opcode::Remu, 0) => a,
        (Opcode::Div, _) => (sa / sb) as u32,
        (Opcode::Divu, _) => a / b,
        (Opcode::Rem, _) => (sa % sb) as u32,
        (Opcode::Remu, _) => a % b,
        _ => unreachable!("{op:?} is not a division"),
    }
}

const CORNERS: [u32; 24] = [
    0,
    1,
    2,
    3,
    7,
    0xffff_ffff, // -1
    0xffff_fffe, // -2
    0xffff_fffd, // -3
    0xffff_fff9, // -7
    0x8000_0000, // i32::MIN
    0x8000_0001,
    0x7fff_ffff, // i32::MAX
    0x7fff_fffe,
    0x0000_ffff,
    0x0001_0000,
    0x1234_5678,
    0x9abc_def0,
    0xdead_beef,
    100_000,
    100_000u32.wrapping_neg(),
    0x4000_0000,
    0xc000_0000,
    0x0000_0100,
    0x5555_5555,
];

// SANITY

#[test]
fn reference_matches_isa() {
    let mut rng = SplitMix(11);
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
    // Fixed vectors: the spec's table and the sign rules.
    let neg = |x: i32| x as u32;
    assert_eq!(reference(Opcode::Div, 7, 0), u32::MAX);
    assert_eq!(reference(Opcode::Divu, 7, 0), u32::MAX);
    assert_eq!(reference(Opcode::Rem, neg(-7), 0), neg(-7));
    assert_eq!(reference(Opcode::Remu, 7, 0), 7);
    assert_eq!(reference(Opcode::Div, 0x8000_0000, u32::MAX), 0x8000_0000);
    assert_eq!(reference(Opcode::Rem, 0x8000_0000, u32::MAX), 0);
    assert_eq!(reference(Opcode::Divu, 0x8000_0000, u32::MAX), 0);
    assert_eq!(reference(Opcode::Remu, 0x8000_0000, u32::MAX), 0x8000_0000);
    assert_eq!(reference(Opcode::Div, neg(-7), 2), neg(-3));
    assert_eq!(reference(Opcode::Rem, neg(-7), 2), neg(-1));
    assert_eq!(reference(Opcode::Div, 7, neg(-2)), neg(-3));
    assert_eq!(reference(Opcode::Rem, 7, neg(-2)), 1);
    assert_eq!(reference(Opcode::Div, neg(-7), neg(-2)), 3);
    assert_eq!(reference(Opcode::Rem, neg(-7), neg(-2)), neg(-1));
    assert_eq!(reference(Opcode::Divu, neg(-7), 2), 0x7fff_fffc);
}

// POSITIVE

#[test]
fn corner_cases_prove_and_match_isa() {
    let n = prove_all_pairs(&OPS, &CORNERS, &reference);
    assert!(n >= OPS.len() * CORNERS.len() * CORNERS.len());
}

#[test]
fn random_operands_prove_and_match_isa() {
    let mut rng = SplitMix(0x6469_765f_7365_6564);
    let mut values: Vec<u32> = (0..22).map(|_| rng.operand()).collect();
    // Exact divisions too: a random multiple of a random small divisor, both signs.
    let d = rng.operand() & 0xfff | 1;
    let m = (rng.operand() & 0x7ffff).wrapping_mul(d);
    values.extend([m, m.wrapping_neg()]);
    values[0] = d;
    prove_all_pairs(&OPS, &values, &reference);
}

// NEGATIVE

/// Operands: t0 = 100000, t1 = 7, t2 = -7, t3 = 2, t4 = 0, t5 = i32::MIN, t6 = -1, s0 = -2.
/// Results, which nothing reads again (then HALT):
///
/// | rd | op | operands | result |
/// |---|---|---|---|
/// | s2 | divu | t0, t1 | 14285 |
/// | s3 | remu | t0, t1 | 5 |
/// | s4 | div | t2, t3 | -3 |
/// | s5 | rem | t2, t3 | -1 |
/// | s6 | divu | t0, t4 | 0xffffffff |
/// | s7 | remu | t0, t4 | 100000 |
/// | s8 | div | t5, t6 | i32::MIN |
/// | s9 | rem | t5, t6 | 0 |
/// | s10 | div | t2, t4 | -1 |
/// | s11 | rem | t2, t4 | -7 |
/// | a2 | rem | t2, s0 | -1 |
/// | a3 | div | t2, s0 | 3 |
fn program() -> Vec<u8> {
    let mut p = Asm::new();
    for (r, v) in [
        (T0, 100_000),
        (T1, 7),
        (T2, -7i32 as u32),
        (T3, 2),
        (T4, 0),
        (T5, 0x8000_0000),
        (T6, u32::MAX),
        (S0, -2i32 as u32),
    ] {
        li_alu(&mut p, r, v);
    }
    p.divu(S2, T0, T1)
        .remu(S3, T0, T1)
        .div(S4, T2, T3)
        .rem(S5, T2, T3);
    p.divu(S6, T0, T4)
        .remu(S7, T0, T4)
        .div(S8, T5, T6)
        .rem(S9, T5, T6);
    p.div(S10, T2, T4)
        .rem(S11, T2, T4)
        .rem(A2, T2, S0)
        .div(A3, T2, S0);
    halt_alu(&mut p, 0);
    p.elf()
}

const RESULT_REGS: [u8; 12] = [S2, S3, S4, S5, S6, S7, S8, S9, S10, S11, A2, A3];

/// The row that writes `rd`.
fn row_of(tr: &mut RowMajorMatrix<Val>, rd: u8) -> &mut DivRemCols<Val> {
    let i = find_row(tr, |r: &DivRemCols<Val>| {
        r.rd == f(u32::from(rd)) && r.clk != Val::ZERO
    });
    row_mut(tr, i)
}

fn val(x: Val) -> u32 {
    x.as_canonical_u32()
}

fn word(w: [Val; 4]) -> u32 {
    w.iter().rev().fold(0, |acc, &x| acc << 8 | val(x))
}

/// Claim the quotient `q` and remainder `r`, with top bits and extension signs derived as an
/// honest prover would for the row's opcode and `is_overflow`, then [`refill`].
fn claim(row: &mut DivRemCols<Val>, q: u32, r: u32) -> u32 {
    let signed = row.is_div + row.is_rem;
    row.q = q.to_le_bytes().map(|x| f(u32::from(x)));
    row.r = r.to_le_bytes().map(|x| f(u32::from(x)));
    row.q_msb = f(q >> 31);
    row.r_msb = f(r >> 31);
    row.q_sign = signed * row.q_msb - row.is_overflow;
    row.r_sign = signed * row.r_msb;
    refill(row)
}

/// Recompute every column that follows from the row's flags, `a`, `b`, `q`, `r`, extension
/// signs and `is_overflow` (identity carries, the is-zero witness, `abs_b`, `abs_r`, `gap` and
/// their carries, the result) as an honest prover would, whether or not those inputs are
/// honest; where no honest value exists (a negative gap), fill limbs that satisfy the limb
/// relations but are not bytes. Returns the result word.
fn refill(row: &mut DivRemCols<Val>) -> u32 {
    let limbs = |w: [Val; 4], sign: Val| -> [i64; LIMBS] {
        core::array::from_fn(|i| {
            if i < 4 {
                i64::from(val(w[i]))
            } else {
                255 * i64::from(val(sign))
            }
        })
    };
    let (ql, bl) = (limbs(row.q, row.q_sign), limbs(row.b, row.b_sign));
    let (rl, al) = (limbs(row.r, row.r_sign), limbs(row.a, row.a_sign));
    let mut cin = 0i64;
    for k in 0..LIMBS {
        let total = (0..=k).map(|i| ql[i] * bl[k - i]).sum::<i64>() + rl[k] + cin - al[k];
        cin = total.div_euclid(256);
        row.carry[k] = Val::from_i64(cin);
    }

    let real = row.is_div + row.is_divu + row.is_rem + row.is_remu;
    let b_sum: Val = row.b.iter().copied().sum();
    row.b_inv = b_sum.try_inverse().unwrap_or(Val::ZERO);
    row.is_b_zero = real - b_sum * row.b_inv;

    // Negation adders: carries of `x + y` byte by byte.
    let carries = |x: u32, y: u32| -> [Val; 4] {
        let (xb, yb) = (x.to_le_bytes(), y.to_le_bytes());
        let mut c = 0u32;
        core::array::from_fn(|i| {
            c = (u32::from(xb[i]) + u32::from(yb[i]) + c) >> 8;
            f(c)
        })
    };
    let (b, r) = (word(row.b), word(row.r));
    let abs_b = if row.b_sign == Val::ONE {
        b.wrapping_neg()
    } else {
        b
    };
    row.abs_b = abs_b.to_le_bytes().map(|x| f(u32::from(x)));
    row.abs_b_carry = [Val::ZERO; 3];
    if row.b_sign == Val::ONE {
        row.abs_b_carry.copy_from_slice(&carries(abs_b, b)[..3]);
    }
    let abs_r = if row.a_sign == Val::ONE {
        r.wrapping_neg()
    } else {
        r
    };
    row.abs_r = abs_r.to_le_bytes().map(|x| f(u32::from(x)));
    row.abs_r_carry = if row.a_sign == Val::ONE {
        carries(abs_r, r)
    } else {
        [Val::ZERO; 4]
    };

    row.gap = [Val::ZERO; 4];
    row.gap_carry = [Val::ZERO; 3];
    if real - row.is_b_zero == Val::ONE {
        match abs_b.checked_sub(abs_r).and_then(|d| d.checked_sub(1)) {
            Some(gap) => {
                row.gap = gap.to_le_bytes().map(|x| f(u32::from(x)));
                // abs_r + gap + 1 = abs_b: the adder's carry-in is 1.
                let (rb, gb) = (abs_r.to_le_bytes(), gap.to_le_bytes());
                let mut cin = 1u32;
                for i in 0..3 {
                    cin = (u32::from(rb[i]) + u32::from(gb[i]) + cin) >> 8;
                    row.gap_carry[i] = f(cin);
                }
            }
            None => {
                // abs_r + gap + 1 = abs_b limb by limb with no carries: gap is not bytes.
                for i in 0..4 {
                    row.gap[i] = row.abs_b[i] - row.abs_r[i] - Val::from_bool(i == 0);
                }
            }
        }
    }

    let quot = row.is_div + row.is_divu;
    let rem = row.is_rem + row.is_remu;
    for i in 0..4 {
        row.res[i] = quot * row.q[i] + rem * row.r[i];
    }
    word(row.res)
}

/// Indices of `DivRemChip`'s constraints, in the order its `eval` asserts them (the debug
/// check names failures by index).
mod constraint {
    /// `real` (the sum of the flags) is boolean.
    pub const REAL_BOOL: usize = 4;
    /// `a_sign = signed * a_msb`; `r_sign = signed * r_msb`.
    pub const A_SIGN: usize = 9;
    pub const R_SIGN: usize = 11;
    /// `q_sign` is boolean; `q_sign = signed * q_msb - is_overflow`.
    pub const Q_SIGN_BOOL: usize = 13;
    pub const Q_SIGN: usize = 14;
    /// The identity's limb relation `k` is `IDENTITY + k`.
    pub const IDENTITY: usize = 15;
    /// `is_b_zero = real - (Σ b_i) b_inv`; `is_b_zero * Σ b_i = 0`.
    pub const IS_B_ZERO: usize = 23;
    pub const B_ZERO_SUM: usize = 24;
    /// `is_b_zero * is_overflow = 0`: a division by zero is never an overflow.
    pub const B_ZERO_NO_OVERFLOW: usize = 25;
    /// `is_b_zero * (q_i - 255) = 0` is `Q_ALL_ONES + i`.
    pub const Q_ALL_ONES: usize = 26;
    /// The gap adder's byte `i` is `GAP + i`.
    pub const GAP: usize = 53;
    /// The result's byte `i` is `RES + i`.
    pub const RES: usize = 60;
    /// The timestamp order of the `rs1` read and the `rd` write.
    pub const TS_RS1: usize = 64;
    pub const TS_RD: usize = 66;
}
use constraint::*;

const IDENTITY_ALL: [usize; 8] = [
    IDENTITY,
    IDENTITY + 1,
    IDENTITY + 2,
    IDENTITY + 3,
    IDENTITY + 4,
    IDENTITY + 5,
    IDENTITY + 6,
    IDENTITY + 7,
];
const Q_ALL_ONES_ALL: [usize; 4] = [Q_ALL_ONES, Q_ALL_ONES + 1, Q_ALL_ONES + 2, Q_ALL_ONES + 3];

fn set_last(t: &mut vouch_prover::Tampering<'_>, rd: u8, value: u32) {
    assert!(t.set_final(u32::from(rd), value));
}

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
fn refill_of_honest_rows_changes_nothing() {
    // The tests below rely on `claim`/`refill` recomputing exactly what the prover fills.
    let pk = key(&program());
    verify_tampered(&pk, &[], &|t| {
        for rd in RESULT_REGS {
            let row = row_of(trace(t, ChipKind::DivRem), rd);
            let before = *row;
            let (q, r) = (word(row.q), word(row.r));
            claim(row, q, r);
            assert_eq!(format!("{before:?}"), format!("{row:?}"), "row of x{rd}");
        }
    })
    .unwrap();
}

#[test]
fn wrong_result_is_rejected() {
    let elf = program();
    // divu: rd gets 14284 instead of 14285; the paged-out state agrees.
    assert_rejected_because(
        &elf,
        &[],
        "wrong result",
        Reason::Constraints(ChipKind::DivRem, &[RES]),
        &|t| {
            row_of(trace(t, ChipKind::DivRem), S2).res[0] -= Val::ONE;
            set_last(t, S2, 14284);
        },
    );
    // rem returns the quotient.
    assert_rejected_because(
        &elf,
        &[],
        "quotient for REM",
        Reason::Constraints(ChipKind::DivRem, &[RES]),
        &|t| {
            let row = row_of(trace(t, ChipKind::DivRem), S5);
            row.res = row.q;
            set_last(t, S5, -3i32 as u32);
        },
    );
}

#[test]
fn out_of_range_quotient_byte_is_rejected() {
    let elf = program();
    // remu 100000 % 7: q = 14285 = 0x37cd. Claim q = (0xcd + 256, 0x36, 0, 0), the same
    // integer: the identity holds (with carries adjusted) and the result r is unchanged; only
    // the byte check of q can object.
    assert_rejected_because(
        &elf,
        &[],
        "out-of-range quotient byte",
        Reason::Bus("bytes", Some(ChipKind::DivRem)),
        &|t| {
            let row = row_of(trace(t, ChipKind::DivRem), S3);
            assert_eq!(word(row.q), 14285);
            row.q[0] += f(256);
            row.q[1] -= Val::ONE;
            assert_eq!(refill(row), 5);
        },
    );
}

#[test]
fn out_of_range_abs_limb_is_rejected() {
    let elf = program();
    // rem -7 % -2: abs_b = 2 via 2 + 0xfffffffe = 2^32. Claim abs_b = (2 - 256, 1, 0, 0), the
    // same integer, with the first negation carry 0 and the first gap carry 1: every limb
    // relation holds; only the byte check of abs_b can object.
    assert_rejected_because(
        &elf,
        &[],
        "out-of-range |b| limb",
        Reason::Bus("bytes", Some(ChipKind::DivRem)),
        &|t| {
            let row = row_of(trace(t, ChipKind::DivRem), A2);
            assert_eq!((word(row.abs_b), word(row.abs_r), word(row.gap)), (2, 1, 0));
            assert_eq!(
                (row.abs_b_carry[0], row.gap_carry[0]),
                (Val::ONE, Val::ZERO)
            );
            row.abs_b[0] -= f(256);
            row.abs_b[1] += Val::ONE;
            row.abs_b_carry[0] = Val::ZERO;
            row.gap_carry[0] = Val::ONE;
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
        Reason::Constraints(ChipKind::DivRem, &[IDENTITY, IDENTITY + 1]),
        &|t| {
            row_of(trace(t, ChipKind::DivRem), S2).carry[0] += Val::ONE;
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
        Reason::Constraints(
            ChipKind::DivRem,
            &[
                REAL_BOOL,
                A_SIGN,
                R_SIGN,
                Q_SIGN,
                IS_B_ZERO,
                RES,
                RES + 1,
                RES + 2,
                RES + 3,
            ],
        ),
        &|t| {
            row_of(trace(t, ChipKind::DivRem), S4).is_rem = Val::ONE;
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
        Reason::Constraints(ChipKind::DivRem, &[IS_B_ZERO, GAP, TS_RS1, TS_RD]),
        &|t| {
            let tr = trace(t, ChipKind::DivRem);
            let last = tr.values.len() / tr.width - 1;
            row_mut::<DivRemCols<Val>>(tr, last).is_div = Val::ONE;
        },
    );
}

#[test]
fn wrong_sign_bit_is_rejected() {
    let elf = program();
    // div -7 / 2 with a read as 0xfffffff9 (a_msb = 0): an honest unsigned division of the
    // wrong operand (q = 0x7ffffffc, r = 1). Only the byte check of 2 (a_3 - 128 a_msb) objects.
    assert_rejected_because(
        &elf,
        &[],
        "wrong sign bit",
        Reason::Bus("bytes", Some(ChipKind::DivRem)),
        &|t| {
            let row = row_of(trace(t, ChipKind::DivRem), S4);
            row.a_msb = Val::ZERO;
            row.a_sign = Val::ZERO;
            let res = claim(row, 0x7fff_fffc, 1);
            assert_eq!(res, 0x7fff_fffc);
            set_last(t, S4, res);
        },
    );
    // The same division with the sign bit kept but the extension sign cleared.
    assert_rejected_because(
        &elf,
        &[],
        "extension sign not the sign bit",
        Reason::Constraints(ChipKind::DivRem, &[A_SIGN]),
        &|t| {
            let row = row_of(trace(t, ChipKind::DivRem), S4);
            row.a_sign = Val::ZERO;
            let res = claim(row, 0x7fff_fffc, 1);
            set_last(t, S4, res);
        },
    );
    // rem -7 % 2 with r = -1 read as non-negative (r_msb = r_sign = 0). No consistent witness
    // exists (R zero-extended breaks the identity's high limbs), so the identity rejects it
    // first; the byte check of 2 (r_3 - 128 r_msb) would too.
    assert_rejected_because(
        &elf,
        &[],
        "wrong remainder sign bit",
        Reason::Constraints(ChipKind::DivRem, &[IDENTITY + 4]),
        &|t| {
            let row = row_of(trace(t, ChipKind::DivRem), S5);
            row.r_msb = Val::ZERO;
            row.r_sign = Val::ZERO;
            refill(row);
        },
    );
}

#[test]
fn remainder_out_of_bounds_is_rejected() {
    let elf = program();
    // Each pair satisfies a = q b + r but not the remainder conditions.
    // divu 100000 / 7: (q - 1, r + b) = (14284, 12), r >= b.
    assert_rejected_because(
        &elf,
        &[],
        "unsigned r >= b",
        Reason::Bus("bytes", Some(ChipKind::DivRem)),
        &|t| {
            let row = row_of(trace(t, ChipKind::DivRem), S2);
            let res = claim(row, 14284, 12);
            set_last(t, S2, res);
        },
    );
    // div -7 / 2: (-4, 1), the remainder's sign differs from the dividend's.
    assert_rejected_because(
        &elf,
        &[],
        "signed r of the wrong sign",
        Reason::Bus("bytes", Some(ChipKind::DivRem)),
        &|t| {
            let row = row_of(trace(t, ChipKind::DivRem), S4);
            let res = claim(row, -4i32 as u32, 1);
            set_last(t, S4, res);
        },
    );
    // rem -7 % 2: (-2, -3), |r| >= |b|.
    assert_rejected_because(
        &elf,
        &[],
        "signed |r| >= |b|",
        Reason::Bus("bytes", Some(ChipKind::DivRem)),
        &|t| {
            let row = row_of(trace(t, ChipKind::DivRem), S5);
            let res = claim(row, -2i32 as u32, -3i32 as u32);
            set_last(t, S5, res);
        },
    );
    // rem -7 % -2: (4, 1), negative divisor, the remainder's sign differs from the dividend's.
    assert_rejected_because(
        &elf,
        &[],
        "negative divisor, r of the wrong sign",
        Reason::Bus("bytes", Some(ChipKind::DivRem)),
        &|t| {
            let row = row_of(trace(t, ChipKind::DivRem), A2);
            let res = claim(row, 4, 1);
            set_last(t, A2, res);
        },
    );
}

#[test]
fn wrong_division_by_zero_is_rejected() {
    let elf = program();
    // divu 100000 / 0 = 5: the identity holds for any q when b = 0; is_b_zero pins q.
    assert_rejected_because(
        &elf,
        &[],
        "x / 0 = 5",
        Reason::Constraints(ChipKind::DivRem, &Q_ALL_ONES_ALL),
        &|t| {
            let row = row_of(trace(t, ChipKind::DivRem), S6);
            let res = claim(row, 5, 100_000);
            set_last(t, S6, res);
        },
    );
    // The same, also claiming that b is not zero.
    assert_rejected_because(
        &elf,
        &[],
        "x / 0 = 5 with is_b_zero = 0",
        Reason::Constraints(ChipKind::DivRem, &[IS_B_ZERO, GAP, GAP + 1, GAP + 2]),
        &|t| {
            let row = row_of(trace(t, ChipKind::DivRem), S6);
            let res = claim(row, 5, 100_000);
            row.is_b_zero = Val::ZERO;
            set_last(t, S6, res);
        },
    );
    // remu 100000 % 0 = 0.
    assert_rejected_because(
        &elf,
        &[],
        "x % 0 = 0",
        Reason::Constraints(ChipKind::DivRem, &IDENTITY_ALL),
        &|t| {
            let row = row_of(trace(t, ChipKind::DivRem), S7);
            let res = claim(row, u32::MAX, 0);
            set_last(t, S7, res);
        },
    );
    // div -7 / 0 = 0 (signed).
    assert_rejected_because(
        &elf,
        &[],
        "signed x / 0 = 0",
        Reason::Constraints(ChipKind::DivRem, &Q_ALL_ONES_ALL),
        &|t| {
            let row = row_of(trace(t, ChipKind::DivRem), S10);
            let res = claim(row, 0, -7i32 as u32);
            set_last(t, S10, res);
        },
    );
    // divu 100000 / 7 claimed as a division by zero (q = 0xffffffff, r = a).
    assert_rejected_because(
        &elf,
        &[],
        "fake division by zero",
        Reason::Constraints(
            ChipKind::DivRem,
            &[
                IDENTITY,
                IDENTITY + 1,
                IDENTITY + 2,
                IDENTITY + 3,
                IDENTITY + 4,
                B_ZERO_SUM,
            ],
        ),
        &|t| {
            let row = row_of(trace(t, ChipKind::DivRem), S2);
            let res = claim(row, u32::MAX, 100_000);
            row.is_b_zero = Val::ONE;
            row.b_inv = Val::ZERO;
            // As a cheating prover would: the remainder bound's witness is pinned to zero
            // when `b = 0` is claimed.
            row.gap = [Val::ZERO; 4];
            row.gap_carry = [Val::ZERO; 3];
            set_last(t, S2, res);
        },
    );
}

#[test]
fn wrong_overflow_handling_is_rejected() {
    let elf = program();
    // div i32::MIN / -1 without the overflow flag: q sign-extended, no witness exists.
    assert_rejected_because(
        &elf,
        &[],
        "overflow flag cleared",
        Reason::Constraints(ChipKind::DivRem, &[IDENTITY + 4]),
        &|t| {
            let row = row_of(trace(t, ChipKind::DivRem), S8);
            assert_eq!(row.is_overflow, Val::ONE);
            row.is_overflow = Val::ZERO;
            claim(row, 0x8000_0000, 0);
        },
    );
    // rem i32::MIN % -1 = 1 with q = i32::MIN + 1: with the flag (q zero-extended) the
    // identity holds, (2^31 + 1)(-1) + 1 = -2^31, but |r| < |b| = 1 does not.
    assert_rejected_because(
        &elf,
        &[],
        "overflow with q = MIN + 1, r = 1",
        Reason::Bus("bytes", Some(ChipKind::DivRem)),
        &|t| {
            let row = row_of(trace(t, ChipKind::DivRem), S9);
            let res = claim(row, 0x8000_0001, 1);
            assert_eq!(res, 1);
            set_last(t, S9, res);
        },
    );
    // div -7 / 2 with the overflow flag set (q = -3 then reads as 2^32 - 3).
    assert_rejected_because(
        &elf,
        &[],
        "overflow flag on a normal division",
        Reason::Constraints(ChipKind::DivRem, &[IDENTITY + 4]),
        &|t| {
            let row = row_of(trace(t, ChipKind::DivRem), S4);
            row.is_overflow = Val::ONE;
            claim(row, -3i32 as u32, -1i32 as u32);
        },
    );
    // div -7 / 0 with the overflow flag set: q = all ones, r = a hold either way, and the flag
    // would only turn q's sign extension off (q_sign = 1 - 1 = 0). A don't-care cell: pinned.
    assert_rejected_because(
        &elf,
        &[],
        "overflow flag on a signed division by zero",
        Reason::Constraints(ChipKind::DivRem, &[B_ZERO_NO_OVERFLOW]),
        &|t| {
            let row = row_of(trace(t, ChipKind::DivRem), S10);
            assert_eq!(row.is_b_zero, Val::ONE);
            row.is_overflow = Val::ONE;
            claim(row, u32::MAX, -7i32 as u32);
        },
    );
    // divu 100000 / 7 with the overflow flag set (q_sign = -1 is not boolean).
    assert_rejected_because(
        &elf,
        &[],
        "overflow flag on an unsigned division",
        Reason::Constraints(ChipKind::DivRem, &[Q_SIGN_BOOL, IDENTITY + 7]),
        &|t| {
            let row = row_of(trace(t, ChipKind::DivRem), S2);
            row.is_overflow = Val::ONE;
            claim(row, 14285, 5);
        },
    );
}
