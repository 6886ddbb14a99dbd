//! Branch chip: POSITIVE (every branch taken and not taken, forward and backward, on corner and
//! random operands, and loops, proven and cross-checked with the executor), NEGATIVE (each
//! constraint group rejects a tampered trace).

mod common;

use common::*;
use vouch_isa::Opcode;
use vouch_machine::chips::branch::BranchCols;
use vouch_machine::ChipKind;
use vouch_stark::field::{Field, PrimeCharacteristicRing};
use vouch_stark::Val;
use vouch_testkit::reg::*;
use vouch_testkit::Asm;

const BRANCHES: [Opcode; 6] = [
    Opcode::Beq,
    Opcode::Bne,
    Opcode::Blt,
    Opcode::Bge,
    Opcode::Bltu,
    Opcode::Bgeu,
];

/// The branch condition, written out independently of the executor.
fn taken(op: Opcode, a: u32, b: u32) -> bool {
    match op {
        Opcode::Beq => a == b,
        Opcode::Bne => a != b,
        Opcode::Blt => (a as i32) < (b as i32),
        Opcode::Bge => (a as i32) >= (b as i32),
        Opcode::Bltu => a < b,
        Opcode::Bgeu => a >= b,
        _ => unreachable!(),
    }
}

// POSITIVE

/// Registers holding the corner values; `MARK`, `ACC`, `TMP` are the path marker, checksum
/// and scratch; `X`, `Y` hold random operands.
const VALUE_REGS: [u8; 8] = [T0, T1, T2, S0, S1, S2, S3, S4];
const MARK: u8 = T3;
const ACC: u8 = T4;
const TMP: u8 = T5;
const X: u8 = S5;
const Y: u8 = S6;

/// `op r1, r2` whose taken and fall-through paths set `MARK` to 2 and 1, then fold `MARK`
/// into the checksum. Backward: the taken path lies before the branch.
fn branch_case(p: &mut Asm, op: Opcode, r1: u8, r2: u8, backward: bool) {
    let done = p.new_label();
    if backward {
        let (setup, back) = (p.new_label(), p.new_label());
        p.jal(ZERO, setup);
        p.bind(back);
        p.addi(MARK, ZERO, 2).jal(ZERO, done);
        p.bind(setup);
        p.branch(op, r1, r2, back);
        p.addi(MARK, ZERO, 1);
    } else {
        let target = p.new_label();
        p.branch(op, r1, r2, target);
        p.addi(MARK, ZERO, 1).jal(ZERO, done);
        p.bind(target);
        p.addi(MARK, ZERO, 2);
    }
    p.bind(done);
    emit_checksum_step(p, ACC, MARK, TMP);
}

/// Loops closed by each kind of backward branch; returns the checksum they leave.
fn loops(p: &mut Asm, mut acc: u32) -> u32 {
    let (i, lim) = (X, Y);
    // BNE: i = 10 down to 1.
    p.li(i, 10);
    let top = p.label_here();
    emit_checksum_step(p, ACC, i, TMP);
    p.addi(i, i, -1).bne(i, ZERO, top);
    for v in (1..=10).rev() {
        acc = checksum_step(acc, v);
    }
    // BLT: i = -3 up to 1 (signed).
    p.li(i, -3i32 as u32).li(lim, 2);
    let top = p.label_here();
    emit_checksum_step(p, ACC, i, TMP);
    p.addi(i, i, 1).blt(i, lim, top);
    for v in -3i32..2 {
        acc = checksum_step(acc, v as u32);
    }
    // BGE: i = 3 down to -2 (signed).
    p.li(i, 3).li(lim, -2i32 as u32);
    let top = p.label_here();
    emit_checksum_step(p, ACC, i, TMP);
    p.addi(i, i, -1).bge(i, lim, top);
    for v in (-2i32..=3).rev() {
        acc = checksum_step(acc, v as u32);
    }
    // BLTU: i = 0xffff_fff0, 0xffff_fff4, 0xffff_fff8 (below 0xffff_fffc, unsigned).
    p.li(i, 0xffff_fff0).li(lim, 0xffff_fffc);
    let top = p.label_here();
    emit_checksum_step(p, ACC, i, TMP);
    p.addi(i, i, 4).bltu(i, lim, top);
    for v in [0xffff_fff0, 0xffff_fff4, 0xffff_fff8] {
        acc = checksum_step(acc, v);
    }
    // BGEU: i = 5 down to 1 (i >= 1 unsigned; 0 ends it).
    p.li(i, 5).li(lim, 1);
    let top = p.label_here();
    emit_checksum_step(p, ACC, i, TMP);
    p.addi(i, i, -1).bgeu(i, lim, top);
    for v in (1..=5).rev() {
        acc = checksum_step(acc, v);
    }
    // BEQ: i = 0, 1, 2 while (i < 3) == 1.
    p.li(i, 0).li(lim, 1);
    let top = p.label_here();
    emit_checksum_step(p, ACC, i, TMP);
    p.addi(i, i, 1).slti(MARK, i, 3).beq(MARK, lim, top);
    for v in 0..3 {
        acc = checksum_step(acc, v);
    }
    acc
}

#[test]
fn every_branch_on_corner_and_random_operands_is_proven() {
    let values = [
        0,
        1,
        u32::MAX,
        u32::MAX - 1,
        i32::MAX as u32,
        i32::MIN as u32,
        0x8000_0001,
        0x0100_0000,
    ];
    let mut p = Asm::new();
    for (&v, &r) in values.iter().zip(&VALUE_REGS) {
        p.li(r, v);
    }
    p.li(ACC, 0);
    let mut acc = 0u32;
    let mut cases = 0;
    let mut check = |p: &mut Asm, op, (r1, a), (r2, b), backward, acc: &mut u32| {
        branch_case(p, op, r1, r2, backward);
        *acc = checksum_step(*acc, if taken(op, a, b) { 2 } else { 1 });
        cases += 1;
    };
    for backward in [false, true] {
        for (&a, &ra) in values.iter().zip(&VALUE_REGS) {
            for (&b, &rb) in values.iter().zip(&VALUE_REGS) {
                for op in BRANCHES {
                    check(&mut p, op, (ra, a), (rb, b), backward, &mut acc);
                }
            }
        }
    }
    // Random operands: uniform, and pairs that differ in a single byte.
    let mut rng = SplitMix(0xb7a7c4);
    for k in 0..24 {
        let a = rng.operand();
        let b = if k % 2 == 0 {
            rng.operand()
        } else {
            a ^ ((rng.operand() & 0xff) << (8 * (k / 2 % 4)))
        };
        p.li(X, a).li(Y, b);
        for op in BRANCHES {
            check(&mut p, op, (X, a), (Y, b), k % 3 == 0, &mut acc);
        }
    }
    assert!(cases >= 2 * 64 * 6);
    let acc = loops(&mut p, acc);
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

/// Indices of `BranchChip::eval`'s constraints, in the order it asserts them, that the
/// negative tests expect to fail.
mod constraint {
    pub const TWO_FLAGS: usize = 6;
    pub const SUB_BYTE_0: usize = 8;
    pub const NE_IS_S_TIMES_INV: usize = 15;
    pub const S_ZERO_UNLESS_NE: usize = 16;
    pub const INV_ZERO_UNLESS_NE: usize = 17;
    pub const TAKEN: usize = 22;
    pub const NEXT_PC: usize = 23;
}

/// Branches whose taken target is the next instruction (so `taken` can change without
/// changing `next_pc`), then a BGE that skips one instruction, then HALT.
fn program() -> Vec<u8> {
    let mut p = Asm::new();
    p.li(T0, 5).li(T1, 5).li(T2, 7).li(T3, u32::MAX);
    p.branch_offset(Opcode::Beq, T0, T1, 4); // 5 == 5: taken
    p.branch_offset(Opcode::Bne, T0, T2, 4); // 5 != 7: taken
    p.branch_offset(Opcode::Bltu, T0, T2, 4); // 5 <u 7: taken
    p.branch_offset(Opcode::Blt, T3, T0, 4); // -1 <s 5: taken
    let skip = p.new_label();
    p.bge(T0, T1, skip); // 5 >= 5: taken, skips the next instruction
    p.addi(S0, S0, 1);
    p.bind(skip);
    p.halt(0);
    p.elf()
}

/// The first branch row whose flag `is` selects.
fn branch_row<'a>(
    t: &'a mut vouch_prover::Tampering<'_>,
    is: fn(&BranchCols<Val>) -> Val,
) -> &'a mut BranchCols<Val> {
    let tr = trace(t, ChipKind::Branch);
    let i = find_row(tr, |r: &BranchCols<Val>| is(r) == Val::ONE);
    row_mut::<BranchCols<Val>>(tr, i)
}

fn rejected(
    what: &str,
    reason: Reason<'_>,
    tamper: &(dyn Fn(&mut vouch_prover::Tampering<'_>) + Sync),
) {
    assert_rejected_because(&program(), &[], what, reason, tamper);
}

fn constraints(idx: &[usize]) -> Reason<'_> {
    Reason::Constraints(ChipKind::Branch, idx)
}

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
fn flipped_taken_with_unchanged_next_pc_is_rejected() {
    // Branches to pc + 4: both outcomes continue at pc + 4, so next_pc and the exec chain still
    // agree; only the comparison (taken = the flagged condition) can object.
    rejected(
        "BEQ claimed not taken",
        constraints(&[constraint::TAKEN]),
        &|t| {
            branch_row(t, |r| r.is_beq).taken = Val::ZERO;
        },
    );
    rejected(
        "BLTU claimed not taken",
        constraints(&[constraint::TAKEN]),
        &|t| {
            branch_row(t, |r| r.is_bltu).taken = Val::ZERO;
        },
    );
}

#[test]
fn flipped_taken_on_a_real_branch_is_rejected() {
    // BGE that skips an instruction: flip taken alone (next_pc no longer matches either) ...
    let both = [constraint::TAKEN, constraint::NEXT_PC];
    rejected("taken flipped", constraints(&both), &|t| {
        branch_row(t, |r| r.is_bge).taken = Val::ZERO;
    });
    // ... or with next_pc = pc + 4, consistent with the claim (the exec chain breaks too).
    rejected(
        "taken and next_pc flipped",
        constraints(&[constraint::TAKEN]),
        &|t| {
            let r = branch_row(t, |r| r.is_bge);
            r.taken = Val::ZERO;
            r.next_pc = r.pc + f(4);
        },
    );
}

#[test]
fn wrong_equality_witness_is_rejected() {
    // 5 == 5 claimed unequal: ne = s * s_inv = 0 whatever s_inv is.
    let reason = constraints(&[constraint::NE_IS_S_TIMES_INV]);
    rejected("equal operands claimed unequal", reason, &|t| {
        let r = branch_row(t, |r| r.is_beq);
        r.ne = Val::ONE;
        r.diff_sum_inv = Val::ONE;
        r.taken = Val::ZERO;
    });
    // 5 != 7 claimed equal: s (1 - ne) = s != 0.
    let reason = constraints(&[constraint::S_ZERO_UNLESS_NE]);
    rejected("unequal operands claimed equal", reason, &|t| {
        let r = branch_row(t, |r| r.is_bne);
        r.ne = Val::ZERO;
        r.diff_sum_inv = Val::ZERO;
        r.taken = Val::ZERO;
    });
    // The inverse witness is pinned to 0 when s = 0.
    let reason = constraints(&[constraint::INV_ZERO_UNLESS_NE]);
    rejected("spare inverse witness", reason, &|t| {
        branch_row(t, |r| r.is_beq).diff_sum_inv = Val::ONE;
    });
}

#[test]
fn consistent_wrong_difference_is_rejected() {
    // 5 != 7 with diff = 0 and no borrows: the equality witnesses, lt and taken agree with
    // it; only the subtraction of the low bytes (0 + 7 != 5) objects.
    rejected(
        "zero difference of unequal operands",
        constraints(&[constraint::SUB_BYTE_0]),
        &|t| {
            let r = branch_row(t, |r| r.is_bne);
            r.diff = [Val::ZERO; 4];
            r.borrow = [Val::ZERO; 4];
            r.lt = Val::ZERO;
            r.ne = Val::ZERO;
            r.diff_sum_inv = Val::ZERO;
            r.taken = Val::ZERO;
        },
    );
}

#[test]
fn out_of_range_difference_limb_is_rejected() {
    // 5 - 7 with diff_0 = -2 and no borrows: every subtraction relation holds in the field and
    // says 5 >=u 7 (taken = 0, next_pc unchanged since the target is pc + 4); only the byte
    // check of diff can object.
    rejected(
        "diff_0 = -2",
        Reason::Bus("bytes", Some(ChipKind::Branch)),
        &|t| {
            let r = branch_row(t, |r| r.is_bltu);
            r.diff = [-f(2), Val::ZERO, Val::ZERO, Val::ZERO];
            r.borrow = [Val::ZERO; 4];
            r.diff_sum_inv = (-f(2)).inverse();
            r.lt = Val::ZERO;
            r.taken = Val::ZERO;
        },
    );
}

#[test]
fn wrong_sign_bit_is_rejected() {
    // BLT -1, 5: claim -1 is non-negative, so the signed comparison reads as unsigned (false);
    // only the sign-bit lookup (2 (a_3 - 128 a_msb) = 510 is no byte) can object.
    rejected(
        "wrong sign bit",
        Reason::Bus("bytes", Some(ChipKind::Branch)),
        &|t| {
            let r = branch_row(t, |r| r.is_blt);
            r.a_msb = Val::ZERO;
            r.sign_differ = Val::ZERO;
            r.lt = Val::ZERO;
            r.taken = Val::ZERO;
        },
    );
}

#[test]
fn two_selectors_are_rejected() {
    // The flag sum is 2 (and next_pc's constraint, scaled by it, fails too).
    let reason = constraints(&[constraint::TWO_FLAGS, constraint::NEXT_PC]);
    rejected("BEQ and BNE flags", reason, &|t| {
        branch_row(t, |r| r.is_beq).is_bne = Val::ONE;
    });
}

#[test]
fn padding_row_claiming_to_be_real_is_rejected() {
    // A padding row made into a BGEU 0, 0 at clock 1 that satisfies every constraint of the
    // chip: the ROM has no branch at pc 0 (and nothing sent the state (0, 1)).
    rejected(
        "padding row made real",
        Reason::Bus("program", Some(ChipKind::Branch)),
        &|t| {
            let tr = trace(t, ChipKind::Branch);
            let last = tr.values.len() / tr.width - 1;
            let r = row_mut::<BranchCols<Val>>(tr, last);
            r.is_bgeu = Val::ONE;
            r.taken = Val::ONE; // 0 >=u 0; next_pc = 0 + 4 + (0 - 4) = 0
            r.clk = Val::ONE;
            r.rs1_read.diff_lo = f(3); // ts 4 > prev_ts 0
            r.rs2_read.diff_lo = f(4); // ts 5 > prev_ts 0
        },
    );
}
