//! ALU chip: POSITIVE (the honest proof verifies), NEGATIVE (each constraint group rejects a
//! tampered trace).

mod common;

use common::*;
use vouch_machine::chips::alu::AluCols;
use vouch_machine::ChipKind;
use vouch_stark::field::PrimeCharacteristicRing;
use vouch_stark::Val;
use vouch_testkit::reg::*;
use vouch_testkit::{empty_journal_digest, Asm};

/// `add s2, t0, t1` with t0 = 200, t1 = 100, whose result nothing reads again, then HALT.
fn program() -> Vec<u8> {
    let mut p = Asm::new();
    p.alloc_data(&empty_journal_digest());
    p.addi(T0, ZERO, 200)
        .addi(T1, ZERO, 100)
        .add(S2, T0, T1)
        .slt(S3, T1, T0);
    p.addi(A1, ZERO, 1);
    for _ in 0..24 {
        p.add(A1, A1, A1);
    }
    p.addi(A0, ZERO, 0).addi(A7, ZERO, 0).ecall();
    p.elf()
}

fn is_add_row(r: &AluCols<Val>, a0: u32) -> bool {
    r.is_add == Val::ONE && r.a[0] == f(a0) && r.rd == f(u32::from(S2))
}

// POSITIVE

#[test]
fn honest_proof_verifies() {
    let pk = key(&program());
    prove(&pk, &[]).verify(pk.program_id()).unwrap();
}

// NEGATIVE

#[test]
fn wrong_result_is_rejected() {
    let pk = key(&program());
    // rd gets 301 instead of 300; the paged-out state agrees, so only the ALU constraint can object.
    assert_rejected(&pk, &[], "wrong result", &|t| {
        let tr = trace(t, ChipKind::AluReg);
        let i = find_row(tr, |r: &AluCols<Val>| is_add_row(r, 200));
        row_mut::<AluCols<Val>>(tr, i).res[0] += Val::ONE;
        assert!(t.set_final(u32::from(S2), 301));
    });
}

#[test]
fn consistent_wrong_sum_is_rejected() {
    let pk = key(&program());
    // sum and res both 301: the adder relation fails.
    assert_rejected(&pk, &[], "wrong sum", &|t| {
        let tr = trace(t, ChipKind::AluReg);
        let i = find_row(tr, |r: &AluCols<Val>| is_add_row(r, 200));
        let r = row_mut::<AluCols<Val>>(tr, i);
        r.res[0] += Val::ONE;
        r.sum[0] += Val::ONE;
        assert!(t.set_final(u32::from(S2), 301));
    });
}

#[test]
fn out_of_range_limb_is_rejected() {
    let pk = key(&program());
    // 200 + 100 = 300 = 44 + 256: claim sum_0 = 300 with no carry. The adder relation holds
    // over the field; only the byte check of `sum` can object. res keeps its honest bytes
    // through res_0 = 300? No: res must equal sum, so res_0 = 300 and res_1 = 0 too, which the
    // paged-out state then records.
    assert_rejected(&pk, &[], "out-of-range limb", &|t| {
        let tr = trace(t, ChipKind::AluReg);
        let i = find_row(tr, |r: &AluCols<Val>| is_add_row(r, 200));
        let r = row_mut::<AluCols<Val>>(tr, i);
        r.sum[0] = f(300);
        r.sum[1] = f(0);
        r.carry[0] = f(0);
        r.res[0] = f(300);
        r.res[1] = f(0);
        assert!(t.set_final_limbs(u32::from(S2), [f(300), f(0), f(0), f(0)]));
    });
}

#[test]
fn two_selectors_are_rejected() {
    let pk = key(&program());
    assert_rejected(&pk, &[], "two selectors", &|t| {
        let tr = trace(t, ChipKind::AluReg);
        let i = find_row(tr, |r: &AluCols<Val>| is_add_row(r, 200));
        row_mut::<AluCols<Val>>(tr, i).is_sub = Val::ONE;
    });
}

#[test]
fn padding_row_claiming_to_be_real_is_rejected() {
    let pk = key(&program());
    assert_rejected(&pk, &[], "padding row made real", &|t| {
        let tr = trace(t, ChipKind::AluReg);
        let last = tr.values.len() / tr.width - 1;
        row_mut::<AluCols<Val>>(tr, last).is_add = Val::ONE;
    });
}

#[test]
fn wrong_signed_comparison_is_rejected() {
    let pk = key(&program());
    // slt s3, t1, t0 (100 < 200 = 1): flip the sign bit witness of a.
    assert_rejected(&pk, &[], "wrong sign bit", &|t| {
        let tr = trace(t, ChipKind::AluReg);
        let i = find_row(tr, |r: &AluCols<Val>| r.is_slt == Val::ONE);
        let r = row_mut::<AluCols<Val>>(tr, i);
        r.a_msb = Val::ONE;
        r.sign_differ = Val::ONE;
        r.slt = Val::ZERO;
        r.res[0] = Val::ZERO;
        assert!(t.set_final(u32::from(S3), 0));
    });
}

#[test]
fn rebalanced_untouched_trace_verifies() {
    // The harness itself (recomputing multiplicities) must not make honest proofs fail, or the
    // negative tests above would prove nothing.
    let pk = key(&program());
    verify_tampered(&pk, &[], &|_| {}).unwrap();
}
