//! LUI/AUIPC chip: POSITIVE (LUI of all-ones and high patterns, AUIPC with positive, negative
//! and wrapping immediates, into registers and x0, proven and cross-checked with the
//! executor), NEGATIVE (each constraint group rejects a tampered trace).

mod common;

use common::*;
use vouch_machine::chips::upper::UpperCols;
use vouch_machine::ChipKind;
use vouch_prover::Tampering;
use vouch_stark::field::{PrimeCharacteristicRing, PrimeField32};
use vouch_stark::Val;
use vouch_testkit::reg::*;
use vouch_testkit::Asm;

const ACC: u8 = T4;
const TMP: u8 = T5;

// POSITIVE

#[test]
fn lui_and_auipc_on_corner_immediates_are_proven() {
    let imms = [
        0xfffff, 0x80000, 0x7ffff, 0x00001, 0, 0x12345, 0xabcde, 0xffff0, 0xfffef, 0xffffe,
    ];
    let mut p = Asm::new();
    p.li(ACC, 0);
    let mut acc = 0u32;
    for (k, &imm20) in imms.iter().enumerate() {
        // Alternate destination registers (x0, the sink, comes after the loop).
        let rd = [S2, S3, A0][k % 3];
        p.lui(rd, imm20);
        emit_checksum_step(&mut p, ACC, rd, TMP);
        acc = checksum_step(acc, imm20 << 12);
        let pc = p.pc();
        p.auipc(rd, imm20);
        emit_checksum_step(&mut p, ACC, rd, TMP);
        acc = checksum_step(acc, pc.wrapping_add(imm20 << 12));
    }
    p.lui(ZERO, 0xfffff).auipc(ZERO, 0x80000);
    // AUIPC into the register it then adds to (rd also read later), twice.
    let pc = p.pc();
    p.auipc(S4, 0xfffff).auipc(S5, 1).add(S4, S4, S5);
    emit_checksum_step(&mut p, ACC, S4, TMP);
    acc = checksum_step(
        acc,
        pc.wrapping_add(0xffff_f000).wrapping_add(pc + 4 + 0x1000),
    );
    p.mv(A0, ACC);
    halt_exit_in_a0(&mut p, &[]);
    let elf = p.elf();

    assert_eq!(execute(&elf, &[]).exit_code, acc, "the executor's checksum");
    let pk = key(&elf);
    let receipt = prove(&pk, &[]);
    receipt.verify(pk.program_id()).unwrap();
    assert_eq!(receipt.exit_code, acc, "the proven checksum");
}

// NEGATIVE

/// Indices of `UpperChip::eval`'s constraints, in the order it asserts them, that the
/// negative tests expect to fail.
mod constraint {
    pub const TWO_FLAGS: usize = 2;
    pub const PC_BYTES: usize = 3;
    pub const ADD_BYTE_0: usize = 5;
    pub const ADD_BYTE_1: usize = 7;
}

/// `lui s2, 0xfffff`, `auipc s3, 0x80000`, neither read again, then HALT.
fn program() -> Vec<u8> {
    let mut p = Asm::new();
    p.lui(S2, 0xfffff).auipc(S3, 0x80000);
    p.halt(0);
    p.elf()
}

fn upper_row<'a>(t: &'a mut Tampering<'_>, rd: u8) -> &'a mut UpperCols<Val> {
    let tr = trace(t, ChipKind::Upper);
    let i = find_row(tr, |r: &UpperCols<Val>| {
        r.rd == f(u32::from(rd)) && r.is_lui + r.is_auipc == Val::ONE
    });
    row_mut::<UpperCols<Val>>(tr, i)
}

fn rejected(what: &str, reason: Reason<'_>, tamper: &(dyn Fn(&mut Tampering<'_>) + Sync)) {
    assert_rejected_because(&program(), &[], what, reason, tamper);
}

fn constraints(idx: &[usize]) -> Reason<'_> {
    Reason::Constraints(ChipKind::Upper, idx)
}

/// Overwrite the adder's inputs `pcb` with the bytes of `base` (mod 2^32) and recompute its
/// carries and result honestly; returns the result.
fn readd(r: &mut UpperCols<Val>, base: u32) -> u32 {
    let imm = u32::from_le_bytes(r.imm.map(|b| b.as_canonical_u32() as u8));
    let res = base.wrapping_add(imm);
    let (pb, ib) = (base.to_le_bytes(), imm.to_le_bytes());
    let mut cin = 0;
    for i in 0..4 {
        cin = (u32::from(pb[i]) + u32::from(ib[i]) + cin) >> 8;
        r.carry[i] = f(cin);
    }
    r.pcb = pb.map(|b| f(u32::from(b)));
    r.res = res.to_le_bytes().map(|b| f(u32::from(b)));
    res
}

/// KoalaBear's modulus.
const P: u32 = 0x7f00_0001;

#[test]
fn honest_proof_verifies() {
    let pk = key(&program());
    prove(&pk, &[]).verify(pk.program_id()).unwrap();
}

#[test]
fn rebalanced_untouched_trace_verifies() {
    let pk = key(&program());
    verify_tampered(&pk, &[], &|_| {}).unwrap();
}

#[test]
fn wrong_lui_result_is_rejected() {
    rejected(
        "LUI result + 1",
        constraints(&[constraint::ADD_BYTE_0]),
        &|t| {
            upper_row(t, S2).res[0] += Val::ONE;
            assert!(t.set_final(u32::from(S2), 0xffff_f001));
        },
    );
}

#[test]
fn wrong_auipc_result_is_rejected() {
    rejected(
        "AUIPC result + 256",
        constraints(&[constraint::ADD_BYTE_1]),
        &|t| {
            let r = upper_row(t, S3);
            r.res[1] += Val::ONE;
            let v = r.pc.as_canonical_u32().wrapping_add(0x8000_0000) + 256;
            assert!(t.set_final(u32::from(S3), v));
        },
    );
}

#[test]
fn aliased_pc_bytes_are_rejected() {
    // AUIPC adding the bytes of pc + p (the same field element as pc, top byte 127): the
    // decomposition and the adder hold, and s3 gets pc + p + imm; only the bound pcb_3 < 32
    // objects.
    rejected(
        "pcb = pc + p",
        Reason::Bus("bytes", Some(ChipKind::Upper)),
        &|t| {
            let r = upper_row(t, S3);
            let res = readd(r, r.pc.as_canonical_u32() + P);
            assert!(t.set_final(u32::from(S3), res));
        },
    );
}

#[test]
fn pc_added_by_lui_is_rejected() {
    // LUI computing pc + imm with consistent bytes and carries: pcb must be 0 on LUI rows.
    rejected("LUI adds pc", constraints(&[constraint::PC_BYTES]), &|t| {
        let r = upper_row(t, S2);
        let res = readd(r, r.pc.as_canonical_u32());
        assert!(t.set_final(u32::from(S2), res));
    });
}

#[test]
fn out_of_range_result_limb_is_rejected() {
    // LUI 0xfffff000 written as limbs (0, -16, 0, 0) with carries (0, 1, 1, 1): every adder
    // relation holds in the field; only the byte check of res objects.
    let limbs = [Val::ZERO, -f(16), Val::ZERO, Val::ZERO];
    rejected(
        "res_1 = -16",
        Reason::Bus("bytes", Some(ChipKind::Upper)),
        &|t| {
            let r = upper_row(t, S2);
            r.res = limbs;
            r.carry = [Val::ZERO, Val::ONE, Val::ONE, Val::ONE];
            assert!(t.set_final_limbs(u32::from(S2), limbs));
        },
    );
}

#[test]
fn two_selectors_are_rejected() {
    // LUI and AUIPC at once: the flag sum is 2, and pcb (0) is no longer is_auipc · pc.
    let reason = constraints(&[constraint::TWO_FLAGS, constraint::PC_BYTES]);
    rejected("LUI and AUIPC flags", reason, &|t| {
        upper_row(t, S2).is_auipc = Val::ONE;
    });
}

#[test]
fn padding_row_claiming_to_be_real_is_rejected() {
    // A padding row made into `lui x0, 0` at pc 0, clock 1, satisfying every constraint of the
    // chip: the ROM has no LUI at pc 0.
    rejected(
        "padding row made real",
        Reason::Bus("program", Some(ChipKind::Upper)),
        &|t| {
            let tr = trace(t, ChipKind::Upper);
            let last = tr.values.len() / tr.width - 1;
            let r = row_mut::<UpperCols<Val>>(tr, last);
            r.is_lui = Val::ONE;
            r.clk = Val::ONE;
            r.rd_write.diff_lo = f(6); // ts 7 > prev_ts 0
        },
    );
}
