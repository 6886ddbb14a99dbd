//! Jump chip (JAL, JALR): POSITIVE (forward and backward jumps, JALR with odd targets and
//! negative immediates, links into x0 and into the base register, proven and cross-checked
//! with the executor), NEGATIVE (each constraint group rejects a tampered trace).

mod common;

use common::*;
use vouch_machine::chips::ecall::EcallCols;
use vouch_machine::chips::halt::HaltCols;
use vouch_machine::chips::jump::JumpCols;
use vouch_machine::ChipKind;
use vouch_prover::Tampering;
use vouch_stark::field::{Field, PrimeCharacteristicRing, PrimeField32};
use vouch_stark::Val;
use vouch_testkit::reg::*;
use vouch_testkit::Asm;

const ACC: u8 = T4;
const TMP: u8 = T5;
/// An instruction every jump must skip: it would change the checksum.
fn poison(p: &mut Asm) {
    p.addi(ACC, ACC, 999);
}

// POSITIVE

/// `jal`/`jalr` forward or backward to a label, linking into `rd`; the landing code folds
/// `rd` into the checksum (unless `rd` is x0). `jalr` takes its base from `la base, target,
/// addend` and adds `imm`: `addend + imm` is 0 or 1 (bit 0, which JALR clears). Returns the
/// link address.
fn jump_case(p: &mut Asm, jalr: Option<(u8, i32, i32)>, rd: u8, backward: bool) -> u32 {
    let emit = |p: &mut Asm, target| -> u32 {
        if let Some((base, addend, imm)) = jalr {
            p.la(base, target, addend);
            let link = p.pc() + 4;
            p.jalr(rd, imm, base);
            link
        } else {
            let link = p.pc() + 4;
            p.jal(rd, target);
            link
        }
    };
    let land = |p: &mut Asm| {
        if rd != ZERO {
            emit_checksum_step(p, ACC, rd, TMP);
        }
    };
    if backward {
        let (setup, back, done) = (p.new_label(), p.new_label(), p.new_label());
        p.jal(ZERO, setup);
        poison(p);
        p.bind(back);
        land(p);
        p.jal(ZERO, done);
        poison(p);
        p.bind(setup);
        let link = emit(p, back);
        poison(p);
        p.bind(done);
        link
    } else {
        let target = p.new_label();
        let link = emit(p, target);
        poison(p);
        poison(p);
        p.bind(target);
        land(p);
        link
    }
}

#[test]
fn jumps_forward_backward_odd_and_negative_are_proven() {
    let mut p = Asm::new();
    p.li(ACC, 0);
    let mut acc = 0u32;
    let mut cases = Vec::new();
    for backward in [false, true] {
        // JAL, linking into ra, s2, and x0 (the sink).
        for rd in [RA, S2, ZERO] {
            cases.push((None, rd, backward));
        }
        // JALR: (addend, imm) with target = la + addend + imm, bit 0 possibly set.
        for (addend, imm) in [
            (0, 0),
            (1, 0),
            (9, -8),
            (-2047, 2047),
            (-2046, 2047),
            (2048, -2048),
            (2049, -2048),
            (4, -4),
            (-4, 5),
        ] {
            cases.push((Some((T0, addend, imm)), RA, backward));
        }
        // JALR into x0, and with rd = rs1 (the link overwrites the base after the read).
        cases.push((Some((T0, 1, 0)), ZERO, backward));
        cases.push((Some((T1, 0, 0)), T1, backward));
        cases.push((Some((T1, 3, -2)), T1, backward));
    }
    for (jalr, rd, backward) in cases {
        let link = jump_case(&mut p, jalr, rd, backward);
        if rd != ZERO {
            acc = checksum_step(acc, link);
        }
    }
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

/// Indices of `JumpChip::eval`'s constraints, in the order it asserts them, that the
/// negative tests expect to fail.
mod constraint {
    pub const TWO_FLAGS: usize = 2;
    pub const LINK: usize = 3;
    pub const LOW_ADDER: usize = 7;
    /// `is_jal · target_hi = 0`.
    pub const JAL_TARGET_HI_ZERO: usize = 18;
    pub const NEXT_PC: usize = 22;
    pub const RS1_TS_ORDER: usize = 23;
}

/// 64 NOPs (so that the code reaches past 0x1_0100), `jal ra` (forward by 4), a JALR to an odd address (bit 0 cleared), READ_WORD into a0 (the
/// input: the address of the third jump's target), `jalr s3, 0(a0)`, then HALT with exit
/// code a0. Returns the ELF and that target address.
fn program() -> (Vec<u8>, u32) {
    let mut p = Asm::new();
    for _ in 0..64 {
        p.nop();
    }
    let l1 = p.new_label();
    p.jal(RA, l1);
    p.bind(l1);
    let l2 = p.new_label();
    p.la(T0, l2, 1);
    p.jalr(S2, 0, T0);
    p.bind(l2);
    p.syscall(vouch_abi::syscall::READ_WORD);
    p.jalr(S3, 0, A0);
    let l3 = p.label_here();
    halt_exit_in_a0(&mut p, &[]);
    let target = p.addr_of(l3).expect("bound");
    (p.elf(), target)
}

fn input() -> Vec<u8> {
    program().1.to_le_bytes().to_vec()
}

/// The first jump row that `pick` selects.
fn jump_row<'a>(
    t: &'a mut Tampering<'_>,
    pick: fn(&JumpCols<Val>) -> bool,
) -> &'a mut JumpCols<Val> {
    let tr = trace(t, ChipKind::Jump);
    let i = find_row(tr, |r: &JumpCols<Val>| pick(r));
    row_mut::<JumpCols<Val>>(tr, i)
}

fn is_jal(r: &JumpCols<Val>) -> bool {
    r.is_jal == Val::ONE
}
fn is_odd_jalr(r: &JumpCols<Val>) -> bool {
    r.is_jalr == Val::ONE && r.bit0 == Val::ONE
}
fn is_hint_jalr(r: &JumpCols<Val>) -> bool {
    r.is_jalr == Val::ONE && r.rs1 == f(u32::from(A0))
}

fn rejected(what: &str, reason: Reason<'_>, tamper: &(dyn Fn(&mut Tampering<'_>) + Sync)) {
    assert_rejected_because(&program().0, &input(), what, reason, tamper);
}

fn constraints(idx: &[usize]) -> Reason<'_> {
    Reason::Constraints(ChipKind::Jump, idx)
}

fn value(v: Val) -> u32 {
    v.as_canonical_u32()
}

/// KoalaBear's modulus.
const P: u32 = 0x7f00_0001;

#[test]
fn honest_proof_verifies() {
    let (elf, target) = program();
    let pk = key(&elf);
    let receipt = prove(&pk, &input());
    receipt.verify(pk.program_id()).unwrap();
    assert_eq!(receipt.exit_code, target);
}

#[test]
fn rebalanced_untouched_trace_verifies() {
    let pk = key(&program().0);
    verify_tampered(&pk, &input(), &|_| {}).unwrap();
}

#[test]
fn wrong_link_is_rejected() {
    // ra = pc + 5, recorded as ra's final value: only the link equation objects.
    rejected("link + 1", constraints(&[constraint::LINK]), &|t| {
        let r = jump_row(t, is_jal);
        r.link[0] += Val::ONE;
        let link = value(r.pc) + 5;
        assert!(t.set_final(u32::from(RA), link));
    });
}

#[test]
fn aliased_link_is_rejected() {
    // ra = pc + 4 + p: the same field element as pc + 4, a different word (top byte 127). Only
    // the bound link_3 < 32 (a byte check of 8 link_3) objects.
    rejected(
        "link + p",
        Reason::Bus("bytes", Some(ChipKind::Jump)),
        &|t| {
            let r = jump_row(t, is_jal);
            let alias = value(r.pc) + 4 + P;
            r.link = alias.to_le_bytes().map(|b| f(u32::from(b)));
            assert!(t.set_final(u32::from(RA), alias));
        },
    );
}

#[test]
fn jalr_bit0_not_cleared_is_rejected() {
    // rs1 + imm is odd: claiming bit 0 is 0 breaks the low adder equation ...
    rejected(
        "bit0 = 0 on an odd sum",
        constraints(&[constraint::LOW_ADDER]),
        &|t| {
            jump_row(t, is_odd_jalr).bit0 = Val::ZERO;
        },
    );
    // ... and keeping bit 0 in the target (half0 + 1/2, target + 1) needs a half0 that is no
    // byte (and the exec chain breaks: the next row is at the even target).
    assert_rejected(&key(&program().0), &input(), "target keeps bit 0", &|t| {
        let r = jump_row(t, is_odd_jalr);
        r.bit0 = Val::ZERO;
        r.half0 += f(2).inverse();
        r.next_pc += Val::ONE;
    });
}

#[test]
fn jalr_target_low_byte_out_of_range_is_rejected() {
    // The same target with its low 16 bits written as 2 (half0 + 128) + 256 (byte1 - 1): the
    // adder equation and next_pc are unchanged and both are bytes, but 2 half0 is not.
    rejected(
        "half0 + 128",
        Reason::Bus("bytes", Some(ChipKind::Jump)),
        &|t| {
            let r = jump_row(t, is_hint_jalr);
            assert!(r.byte1 != Val::ZERO && value(r.half0) < 128);
            r.half0 += f(128);
            r.byte1 -= Val::ONE;
        },
    );
}

#[test]
fn jalr_target_beyond_2_29_is_rejected() {
    // a0 comes from READ_WORD, which the proof does not constrain: claim it held T + 2p, not
    // T. Then rs1 + 0 = T + 2p is a 32-bit value above 2^29 whose field element is T, the
    // honest target: the exec chain, every memory access (a0's final value and HALT's exit
    // code follow the claim) and every adder equation agree. Only the bound on the target's
    // high limb (range16 of 8 target_hi) objects.
    rejected(
        "JALR to T + 2p",
        Reason::Bus("range16", Some(ChipKind::Jump)),
        &|t| {
            let alias = program().1 + 2 * P;
            let bytes = alias.to_le_bytes().map(|b| f(u32::from(b)));
            let tr = trace(t, ChipKind::Ecall);
            let i = find_row(tr, |r: &EcallCols<Val>| r.is_read_word == Val::ONE);
            row_mut::<EcallCols<Val>>(tr, i).res = bytes;
            let r = jump_row(t, is_hint_jalr);
            assert_eq!(r.next_pc, f(alias), "the alias is the same field element");
            r.a = bytes;
            r.half0 = f((alias & 0xff) >> 1);
            r.byte1 = f((alias >> 8) & 0xff);
            r.target_hi = f(alias >> 16);
            r.bit0 = Val::ZERO;
            r.carry_lo = Val::ZERO;
            r.carry_hi = Val::ZERO;
            row_mut::<HaltCols<Val>>(trace(t, ChipKind::Halt), 0).exit_code = bytes;
            t.statement.set_exit_code(alias);
            assert!(t.set_final(u32::from(A0), alias));
        },
    );
}

#[test]
fn jalr_witness_on_a_jal_row_is_rejected() {
    rejected(
        "target_hi on a JAL row",
        constraints(&[constraint::JAL_TARGET_HI_ZERO]),
        &|t| {
            jump_row(t, is_jal).target_hi = Val::ONE;
        },
    );
}

#[test]
fn wrong_jal_target_is_rejected() {
    rejected("JAL to pc + 8", constraints(&[constraint::NEXT_PC]), &|t| {
        jump_row(t, is_jal).next_pc += f(4);
    });
}

#[test]
fn two_selectors_are_rejected() {
    // JAL and JALR at once: the flag sum is 2 (and everything scaled by it fails too).
    let reason = constraints(&[
        constraint::TWO_FLAGS,
        constraint::LINK,
        constraint::LOW_ADDER,
        constraint::RS1_TS_ORDER,
    ]);
    rejected("JAL and JALR flags", reason, &|t| {
        jump_row(t, is_jal).is_jalr = Val::ONE;
    });
}

#[test]
fn padding_row_claiming_to_be_real_is_rejected() {
    // A padding row made into a JAL at pc 0, clock 1, with link 4 and target 0, which satisfies
    // every constraint of the chip: the ROM has no JAL at pc 0.
    rejected(
        "padding row made real",
        Reason::Bus("program", Some(ChipKind::Jump)),
        &|t| {
            let tr = trace(t, ChipKind::Jump);
            let last = tr.values.len() / tr.width - 1;
            let r = row_mut::<JumpCols<Val>>(tr, last);
            r.is_jal = Val::ONE;
            r.clk = Val::ONE;
            r.link[0] = f(4);
            r.rd_write.diff_lo = f(6); // ts 7 > prev_ts 0
        },
    );
}
