//! Every RV32IM instruction, run through the executor on hand-assembled programs.
//!
//! SANITY: fixed vectors with the spec's corner cases, one small program each.
//! POSITIVE: random operands (proptest) against an independent model written here with
//! 64/128-bit arithmetic, not with `vouch_isa::alu`.

mod common;

use common::{final_regs, final_word, only_segment, run_ok};
use proptest::prelude::*;
use vouch_isa::Opcode;
use vouch_testkit::reg::*;
use vouch_testkit::{Asm, Reg};

const MIN: u32 = i32::MIN as u32;
const MAX: u32 = i32::MAX as u32;
const NEG1: u32 = u32::MAX;

fn neg(v: i32) -> u32 {
    v as u32
}

/// The spec's value of a register or immediate ALU operation (immediates already
/// sign-extended into `b`).
fn model(op: Opcode, a: u32, b: u32) -> u32 {
    use Opcode::*;
    let (sa, sb) = (i64::from(a as i32), i64::from(b as i32));
    let (ua, ub) = (u64::from(a), u64::from(b));
    let sh = b % 32;
    match op {
        Add | Addi => (ua + ub) as u32,
        Sub => ua.wrapping_sub(ub) as u32,
        Sll | Slli => (ua << sh) as u32,
        Slt | Slti => u32::from(sa < sb),
        Sltu | Sltiu => u32::from(ua < ub),
        Xor | Xori => a ^ b,
        Srl | Srli => (ua >> sh) as u32,
        Sra | Srai => (sa >> sh) as u32,
        Or | Ori => a | b,
        And | Andi => a & b,
        Mul => (ua * ub) as u32,
        Mulh => ((sa * sb) >> 32) as u32,
        Mulhsu => ((i128::from(sa) * i128::from(ub)) >> 32) as u32,
        Mulhu => ((ua * ub) >> 32) as u32,
        // In 64 bits, i32::MIN / -1 = 2^31, whose low 32 bits are i32::MIN, and the remainder
        // is 0: the spec's overflow results fall out without a special case.
        Div if b == 0 => u32::MAX,
        Div => (sa / sb) as u32,
        Divu if b == 0 => u32::MAX,
        Divu => (ua / ub) as u32,
        Rem | Remu if b == 0 => a,
        Rem => (sa % sb) as u32,
        Remu => (ua % ub) as u32,
        _ => unreachable!("{op:?} is not an ALU opcode"),
    }
}

const ALU_RR: [Opcode; 18] = [
    Opcode::Add,
    Opcode::Sub,
    Opcode::Sll,
    Opcode::Slt,
    Opcode::Sltu,
    Opcode::Xor,
    Opcode::Srl,
    Opcode::Sra,
    Opcode::Or,
    Opcode::And,
    Opcode::Mul,
    Opcode::Mulh,
    Opcode::Mulhsu,
    Opcode::Mulhu,
    Opcode::Div,
    Opcode::Divu,
    Opcode::Rem,
    Opcode::Remu,
];

const ALU_IMM: [Opcode; 9] = [
    Opcode::Addi,
    Opcode::Slti,
    Opcode::Sltiu,
    Opcode::Xori,
    Opcode::Ori,
    Opcode::Andi,
    Opcode::Slli,
    Opcode::Srli,
    Opcode::Srai,
];

/// Registers that hold results: none of t0/t1 (operands) or a0/a1/a7 (HALT).
const RESULT_REGS: [Reg; 27] = [
    GP, TP, T2, S0, S1, A2, A3, A4, A5, A6, S2, S3, S4, S5, S6, S7, S8, S9, S10, S11, T3, T4, T5,
    T6, RA, SP, ZERO,
];

/// `rd = a op b` with the operands in registers.
fn run_rr(op: Opcode, a: u32, b: u32) -> u32 {
    let mut p = Asm::new();
    p.li(T0, a).li(T1, b).alu(op, T2, T0, i32::from(T1)).halt(0);
    final_regs(&p)[usize::from(T2)]
}

/// `rd = a op imm`.
fn run_ri(op: Opcode, a: u32, imm: i32) -> u32 {
    let mut p = Asm::new();
    p.li(T0, a).alu(op, T2, T0, imm).halt(0);
    final_regs(&p)[usize::from(T2)]
}

// ---------------------------------------------------------------- SANITY: register ALU

#[test]
fn add_sub_wrap_around() {
    use Opcode::*;
    for (op, a, b, want) in [
        (Add, 1, 2, 3),
        (Add, MAX, 1, MIN),
        (Add, NEG1, 1, 0),
        (Add, MIN, MIN, 0),
        (Sub, 0, 1, NEG1),
        (Sub, MIN, 1, MAX),
        (Sub, 5, 7, neg(-2)),
        (Sub, MAX, NEG1, MIN),
    ] {
        assert_eq!(run_rr(op, a, b), want, "{op:?} {a:#x}, {b:#x}");
    }
}

#[test]
fn shifts_by_register_use_the_low_five_bits() {
    use Opcode::*;
    let x = 0x8000_0f01;
    for (op, amount, want) in [
        (Sll, 0, x),
        (Sll, 1, 0x0000_1e02),
        (Sll, 31, 0x8000_0000),
        (Sll, 32, x),
        (Sll, 33, 0x0000_1e02),
        (Sll, NEG1, 0x8000_0000),
        (Srl, 0, x),
        (Srl, 1, 0x4000_0780),
        (Srl, 31, 1),
        (Srl, 32, x),
        (Srl, 33, 0x4000_0780),
        (Srl, NEG1, 1),
        (Sra, 0, x),
        (Sra, 1, 0xc000_0780),
        (Sra, 31, NEG1),
        (Sra, 32, x),
        (Sra, 33, 0xc000_0780),
        (Sra, NEG1, NEG1),
    ] {
        assert_eq!(run_rr(op, x, amount), want, "{op:?} by {amount:#x}");
    }
    assert_eq!(
        run_rr(Sra, 0x7000_0000, 31),
        0,
        "positive values shift in zeros"
    );
}

#[test]
fn set_less_than_signed_and_unsigned_corners() {
    use Opcode::*;
    for (a, b, slt, sltu) in [
        (0, 0, 0, 0),
        (NEG1, 0, 1, 0),
        (0, NEG1, 0, 1),
        (MIN, MAX, 1, 0),
        (MAX, MIN, 0, 1),
        (MIN, MIN, 0, 0),
        (MIN, NEG1, 1, 1),
        (1, 2, 1, 1),
    ] {
        assert_eq!(run_rr(Slt, a, b), slt, "slt {a:#x}, {b:#x}");
        assert_eq!(run_rr(Sltu, a, b), sltu, "sltu {a:#x}, {b:#x}");
    }
}

#[test]
fn logic_operations() {
    use Opcode::*;
    let (a, b) = (0xf0f0_1234, 0x0ff0_ff00);
    assert_eq!(run_rr(Xor, a, b), 0xff00_ed34);
    assert_eq!(run_rr(Or, a, b), 0xfff0_ff34);
    assert_eq!(run_rr(And, a, b), 0x00f0_1200);
}

#[test]
fn multiply_corners() {
    use Opcode::*;
    for (op, a, b, want) in [
        (Mul, 0x1234_5678, 0x9abc_def0, 0x242d_2080),
        (Mul, NEG1, NEG1, 1),
        (Mul, MIN, NEG1, MIN),
        (Mul, MAX, MAX, 1),
        (Mulh, NEG1, NEG1, 0),
        (Mulh, MIN, MIN, 0x4000_0000),
        (Mulh, MIN, MAX, 0xc000_0000),
        (Mulh, MIN, NEG1, 0),
        (Mulh, MAX, MAX, 0x3fff_ffff),
        (Mulh, 2, 3, 0),
        (Mulh, neg(-2), 3, NEG1),
        (Mulhsu, NEG1, NEG1, NEG1),
        (Mulhsu, MIN, NEG1, 0x8000_0000),
        (Mulhsu, MAX, NEG1, 0x7fff_fffe),
        (Mulhsu, NEG1, 1, NEG1),
        (Mulhsu, 1, NEG1, 0),
        (Mulhu, NEG1, NEG1, 0xffff_fffe),
        (Mulhu, MIN, MIN, 0x4000_0000),
        (Mulhu, MIN, 2, 1),
        (Mulhu, 0xffff, 0x1_0001, 0),
    ] {
        assert_eq!(run_rr(op, a, b), want, "{op:?} {a:#x}, {b:#x}");
    }
}

#[test]
fn division_corners_follow_the_spec_table() {
    use Opcode::*;
    for (op, a, b, want) in [
        // Division by zero: quotient all ones, remainder the dividend.
        (Div, 7, 0, NEG1),
        (Div, MIN, 0, NEG1),
        (Div, 0, 0, NEG1),
        (Divu, 7, 0, NEG1),
        (Divu, 0, 0, NEG1),
        (Rem, 7, 0, 7),
        (Rem, MIN, 0, MIN),
        (Rem, neg(-5), 0, neg(-5)),
        (Remu, 7, 0, 7),
        (Remu, NEG1, 0, NEG1),
        // Signed overflow: i32::MIN / -1 = i32::MIN, remainder 0.
        (Div, MIN, NEG1, MIN),
        (Rem, MIN, NEG1, 0),
        (Divu, MIN, NEG1, 0),
        (Remu, MIN, NEG1, MIN),
        // Rounding toward zero; the remainder takes the dividend's sign.
        (Div, neg(-7), 2, neg(-3)),
        (Div, 7, neg(-2), neg(-3)),
        (Div, neg(-7), neg(-2), 3),
        (Rem, neg(-7), 2, neg(-1)),
        (Rem, 7, neg(-2), 1),
        (Rem, neg(-7), neg(-2), neg(-1)),
        (Divu, neg(-7), 2, 0x7fff_fffc),
        (Remu, neg(-7), 2, 1),
        (Div, MIN, 1, MIN),
        (Divu, NEG1, 1, NEG1),
        (Divu, 5, NEG1, 0),
        (Remu, 5, NEG1, 5),
    ] {
        assert_eq!(run_rr(op, a, b), want, "{op:?} {a:#x}, {b:#x}");
    }
}

#[test]
fn operand_registers_may_alias_the_destination() {
    let mut p = Asm::new();
    p.li(T0, 21).add(T0, T0, T0); // 42
    p.li(T1, 3).mul(T1, T1, T1); // 9
    p.li(T2, 100).sub(T2, T2, T2); // 0
    p.li(S0, 9).li(S1, 2).div(S1, S0, S1); // 4
    p.halt(0);
    let regs = final_regs(&p);
    assert_eq!(
        [regs[5], regs[6], regs[7], regs[9]],
        [42, 9, 0, 4],
        "t0, t1, t2, s1"
    );
}

// ---------------------------------------------------------------- SANITY: immediate ALU

#[test]
fn immediate_forms_sign_extend_the_immediate() {
    use Opcode::*;
    for (op, a, imm, want) in [
        (Addi, 1, -1, 0),
        (Addi, MAX, 1, MIN),
        (Addi, 0, -2048, neg(-2048)),
        (Addi, 0, 2047, 2047),
        (Slti, 0, -1, 0),
        (Slti, NEG1, 0, 1),
        (Slti, MIN, -2048, 1),
        (Sltiu, 0, -1, 1), // -1 sign-extends to 0xffffffff: every value but that is below
        (Sltiu, NEG1, -1, 0),
        (Sltiu, 0, 1, 1), // seqz
        (Sltiu, 5, 1, 0),
        (Xori, 0x1234_5678, -1, !0x1234_5678), // not
        (Xori, 0xff, 0x0f, 0xf0),
        (Ori, 0x1000, -2048, 0xffff_f800),
        (Andi, 0xffff_ffff, 0x7ff, 0x7ff),
        (Andi, 0x1234_5678, -16, 0x1234_5670),
    ] {
        assert_eq!(run_ri(op, a, imm), want, "{op:?} {a:#x}, {imm}");
    }
}

#[test]
fn shifts_by_immediate_zero_one_and_thirty_one() {
    use Opcode::*;
    let x = 0x8000_0f01;
    for (op, shamt, want) in [
        (Slli, 0, x),
        (Slli, 1, 0x0000_1e02),
        (Slli, 31, 0x8000_0000),
        (Srli, 0, x),
        (Srli, 1, 0x4000_0780),
        (Srli, 31, 1),
        (Srai, 0, x),
        (Srai, 1, 0xc000_0780),
        (Srai, 31, NEG1),
    ] {
        assert_eq!(run_ri(op, x, shamt), want, "{op:?} {shamt}");
    }
}

#[test]
fn writes_to_x0_are_discarded() {
    let mut p = Asm::new();
    let data = p.alloc_words(&[0xdead_beef]);
    p.addi(ZERO, ZERO, 5);
    p.add(T0, ZERO, ZERO); // must read 0
    p.lui(ZERO, 0xfffff);
    p.li(T1, data).lw(ZERO, 0, T1); // the load happens; its value is dropped
    p.mul(ZERO, T1, T1);
    p.auipc(ZERO, 1);
    let next = p.new_label();
    p.jal(ZERO, next).bind(next);
    p.addi(T2, ZERO, 0);
    p.halt(0);
    let exec = run_ok(&p);
    let seg = only_segment(&exec);
    assert_eq!(seg.regs_final[0], 0);
    assert_eq!(seg.regs_final[5], 0, "x0 read as zero after addi x0, x0, 5");
    assert_eq!(
        seg.regs_final[7], 0,
        "x0 read as zero after lui/lw/mul/auipc/jal into x0"
    );
    let load = seg.steps.iter().find(|s| s.mem.addr == data).unwrap();
    assert_eq!(
        (load.mem.value, load.rd_val),
        (0xdead_beef, 0xdead_beef),
        "lw x0 reads memory; the value goes to the sink register, not x0"
    );
    // Every step naming x0 as destination writes the sink register instead, so x0 keeps 0.
    // The last write to x0 was `jal x0, next`, whose link value lands in the sink.
    let jal_step = seg
        .steps
        .iter()
        .find(|s| {
            let w = p.words()[((s.pc - p.base()) / 4) as usize];
            vouch_isa::decode(w).unwrap().opcode == Opcode::Jal
        })
        .unwrap();
    assert_eq!(
        seg.regs_final[vouch_isa::REG_SINK as usize],
        jal_step.pc + 4
    );
    let words = p.words();
    for step in &seg.steps {
        let insn = vouch_isa::decode(words[((step.pc - p.base()) / 4) as usize]).unwrap();
        if insn.rd == 0 && insn.opcode.writes_rd() {
            assert_eq!(
                insn.canonical().rd,
                vouch_isa::REG_SINK,
                "step at {:#x} ({insn}) writes the sink",
                step.pc
            );
        }
    }
}

// ---------------------------------------------------------------- SANITY: loads and stores

/// Eight bytes covering every sign/zero-extension case.
const BYTES: [u8; 8] = [0x01, 0x7f, 0x80, 0xff, 0xfe, 0x00, 0x34, 0x92];

#[test]
fn loads_extend_bytes_and_halfwords_at_every_offset() {
    for (op, width) in [
        (Opcode::Lb, 1),
        (Opcode::Lbu, 1),
        (Opcode::Lh, 2),
        (Opcode::Lhu, 2),
        (Opcode::Lw, 4),
    ] {
        for offset in (0..8).step_by(width) {
            let mut p = Asm::new();
            let data = p.alloc_data(&BYTES);
            // Address once with a positive and once with a negative offset.
            p.li(T0, data).li(T1, data + 8);
            let load = |p: &mut Asm, rd, off, base| {
                p.insn(vouch_isa::Instruction::new(op, rd, base, 0, off as u32));
            };
            load(&mut p, T2, offset as i32, T0);
            load(&mut p, S0, offset as i32 - 8, T1);
            p.halt(0);
            let regs = final_regs(&p);
            let raw = &BYTES[offset..offset + width];
            let want = match op {
                Opcode::Lb => raw[0] as i8 as u32,
                Opcode::Lbu => u32::from(raw[0]),
                Opcode::Lh => i16::from_le_bytes([raw[0], raw[1]]) as u32,
                Opcode::Lhu => u32::from(u16::from_le_bytes([raw[0], raw[1]])),
                _ => u32::from_le_bytes([raw[0], raw[1], raw[2], raw[3]]),
            };
            assert_eq!(regs[7], want, "{op:?} at offset {offset}");
            assert_eq!(regs[8], want, "{op:?} at offset {offset} - 8");
        }
    }
}

#[test]
fn stores_merge_bytes_and_halfwords_at_every_offset() {
    let value = 0x1122_3344u32;
    for (op, width) in [(Opcode::Sb, 1), (Opcode::Sh, 2), (Opcode::Sw, 4)] {
        for offset in (0..8).step_by(width) {
            let mut p = Asm::new();
            let data = p.alloc_data(&BYTES);
            p.li(T0, data).li(T1, value);
            p.insn(vouch_isa::Instruction::new(op, 0, T0, T1, offset as u32));
            p.lw(S0, 0, T0).lw(S1, 4, T0);
            p.halt(0);
            let exec = run_ok(&p);
            let mut want = BYTES;
            want[offset..offset + width].copy_from_slice(&value.to_le_bytes()[..width]);
            let word = |i: usize| u32::from_le_bytes(want[i..i + 4].try_into().unwrap());
            let regs = only_segment(&exec).regs_final.clone();
            assert_eq!(regs[8], word(0), "{op:?} at {offset}: word 0 read back");
            assert_eq!(regs[9], word(4), "{op:?} at {offset}: word 1 read back");
            assert_eq!(final_word(&exec, data), Some(word(0)));
            assert_eq!(final_word(&exec, data + 4), Some(word(4)));
        }
    }
}

#[test]
fn stack_and_heap_edges_are_accessible() {
    use vouch_abi::memory::{GUEST_MIN_ADDR, HEAP_END, STACK_BOTTOM, STACK_TOP};
    let mut p = Asm::new();
    for (i, addr) in [
        HEAP_END - 4,
        STACK_BOTTOM,
        STACK_TOP - 4,
        GUEST_MIN_ADDR + 0x1000,
    ]
    .into_iter()
    .enumerate()
    {
        p.li(T0, addr).li(T1, 0x100 + i as u32).sw(T1, 0, T0);
        p.lw(S2 + i as Reg, 0, T0);
    }
    p.sw(T1, -4, SP); // sp starts at STACK_TOP
    p.halt(0);
    let regs = final_regs(&p);
    assert_eq!(regs[18..22], [0x100, 0x101, 0x102, 0x103]);
    assert_eq!(regs[2], STACK_TOP, "sp starts at STACK_TOP");
}

// ---------------------------------------------------------------- SANITY: control flow

fn branch_taken_spec(op: Opcode, a: u32, b: u32) -> bool {
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

/// 2 if the branch was taken, 1 if not; `backward` places the target before the branch.
fn run_branch(op: Opcode, a: u32, b: u32, backward: bool) -> u32 {
    let mut p = Asm::new();
    let (taken, done, test) = (p.new_label(), p.new_label(), p.new_label());
    p.li(T0, a).li(T1, b).li(T2, 0);
    if backward {
        p.j(test);
        p.bind(taken).li(T2, 2).j(done);
        p.bind(test).branch(op, T0, T1, taken);
        p.li(T2, 1);
    } else {
        p.branch(op, T0, T1, taken);
        p.li(T2, 1).j(done);
        p.bind(taken).li(T2, 2);
    }
    p.bind(done).halt(0);
    final_regs(&p)[7]
}

#[test]
fn branches_taken_and_not_taken_in_both_directions() {
    let pairs = [
        (0, 0),
        (1, 0),
        (0, 1),
        (NEG1, 0),
        (0, NEG1),
        (MIN, MAX),
        (MAX, MIN),
        (MIN, MIN),
        (NEG1, NEG1),
        (5, neg(-5)),
    ];
    for op in [
        Opcode::Beq,
        Opcode::Bne,
        Opcode::Blt,
        Opcode::Bge,
        Opcode::Bltu,
        Opcode::Bgeu,
    ] {
        let (mut taken, mut not_taken) = (0, 0);
        for (a, b) in pairs {
            let want = if branch_taken_spec(op, a, b) { 2 } else { 1 };
            if want == 2 {
                taken += 1;
            } else {
                not_taken += 1;
            }
            for backward in [false, true] {
                assert_eq!(
                    run_branch(op, a, b, backward),
                    want,
                    "{op:?} {a:#x}, {b:#x} (backward: {backward})"
                );
            }
        }
        assert!(taken > 0 && not_taken > 0, "{op:?} covers both outcomes");
    }
}

#[test]
fn jal_links_the_next_pc_forward_and_backward() {
    let mut p = Asm::new();
    let (fwd, back, done, next) = (p.new_label(), p.new_label(), p.new_label(), p.new_label());
    p.j(fwd); // +0
    p.bind(back).li(T2, 7).j(done); // +4, +8
    p.li(T2, 99); // +12: skipped
    p.bind(fwd).jal(RA, back); // +16: ra = +20, jumps backward
    p.li(T2, 98); // +20: never reached, `back` jumps to `done`
    p.bind(done).jal(T1, next); // a jump to the next instruction: t1 = pc + 4
    p.bind(next).halt(0);
    let regs = final_regs(&p);
    let base = p.base();
    assert_eq!(regs[1], base + 20, "ra = address after the jal");
    assert_eq!(regs[7], 7, "backward target ran, skipped code did not");
    assert_eq!(regs[6], p.addr_of(next).unwrap());
}

#[test]
fn jalr_links_clears_bit_zero_and_adds_the_offset() {
    let mut p = Asm::new();
    let (t1, t2, t3, t4, done) = (
        p.new_label(),
        p.new_label(),
        p.new_label(),
        p.new_label(),
        p.new_label(),
    );
    // Plain: jalr ra, 0(t0).
    p.la(T0, t1, 0);
    let site1 = p.pc();
    p.jalr(RA, 0, T0);
    p.li(S2, 99); // skipped
    p.bind(t1).li(S2, 1);
    // Bit 0 of the target is cleared.
    p.la(T0, t2, 1);
    let site2 = p.pc();
    p.jalr(S3, 0, T0);
    p.li(S4, 99); // skipped
    p.bind(t2).li(S4, 2);
    // A negative and a positive offset.
    p.la(T0, t3, 8);
    p.jalr(ZERO, -8, T0);
    p.li(S5, 99);
    p.bind(t3).li(S5, 3);
    p.la(T0, t4, -12);
    p.jalr(ZERO, 12, T0);
    p.li(S6, 99);
    p.bind(t4).li(S6, 4);
    // rd = rs1: the target is computed from the old value.
    p.la(T1, done, 0);
    let site5 = p.pc();
    p.jalr(T1, 0, T1);
    p.li(S7, 99);
    p.bind(done).halt(0);
    let regs = final_regs(&p);
    assert_eq!(regs[1], site1 + 4, "ra");
    assert_eq!(regs[19], site2 + 4, "s3");
    assert_eq!(
        regs[6],
        site5 + 4,
        "t1 = link, after jumping through its old value"
    );
    assert_eq!(
        [regs[18], regs[20], regs[21], regs[22]],
        [1, 2, 3, 4],
        "s2, s4..s6: targets ran, skipped code did not"
    );
    assert_eq!(regs[23], 0, "s7 skipped");
}

#[test]
fn lui_and_auipc() {
    let mut p = Asm::new();
    p.lui(T0, 0xfffff).lui(T1, 0).lui(T2, 0x80000);
    let at = p.pc();
    p.auipc(S0, 0).auipc(S1, 0xfffff).auipc(S2, 0x80000);
    p.halt(0);
    let regs = final_regs(&p);
    assert_eq!(regs[5..8], [0xffff_f000, 0, 0x8000_0000]);
    assert_eq!(regs[8], at);
    assert_eq!(
        regs[9],
        (at + 4).wrapping_add(0xffff_f000),
        "auipc wraps (pc - 4096)"
    );
    assert_eq!(regs[18], (at + 8).wrapping_add(0x8000_0000));
}

#[test]
fn fence_is_a_no_op() {
    let mut with = Asm::new();
    let mut without = Asm::new();
    for (p, fence) in [(&mut with, true), (&mut without, false)] {
        let d = p.alloc_words(&[5]);
        p.li(T0, d).li(T1, 6);
        if fence {
            p.fence();
        }
        p.sw(T1, 0, T0);
        if fence {
            p.fence();
        }
        p.lw(T2, 0, T0).halt(0);
    }
    let (a, b) = (run_ok(&with), run_ok(&without));
    let (sa, sb) = (only_segment(&a), only_segment(&b));
    assert_eq!(sa.regs_final, sb.regs_final);
    assert_eq!(sa.regs_final[7], 6);
    assert_eq!(a.cycles, b.cycles + 2, "a fence costs one cycle");
    let fences: Vec<_> = sa
        .steps
        .iter()
        .filter(|s| {
            let insn = with.instructions()[((s.pc - with.base()) / 4) as usize];
            insn.opcode == Opcode::Fence
        })
        .collect();
    assert_eq!(fences.len(), 2);
    for f in fences {
        assert_eq!(f.rd_val, 0);
        assert_eq!(f.mem, Default::default(), "no memory access");
    }
}

// ---------------------------------------------------------------- POSITIVE: random operands

fn any_operand() -> impl Strategy<Value = u32> {
    prop_oneof![
        3 => any::<u32>(),
        1 => proptest::sample::select(vec![0, 1, 2, 31, 32, 33, NEG1, MIN, MAX, MIN + 1, 0xffff]),
    ]
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(128))]

    #[test]
    fn register_alu_matches_the_model(a in any_operand(), b in any_operand()) {
        let mut p = Asm::new();
        p.li(T0, a).li(T1, b);
        for (op, rd) in ALU_RR.iter().zip(RESULT_REGS) {
            p.alu(*op, rd, T0, i32::from(T1));
        }
        p.halt(0);
        let regs = final_regs(&p);
        for (op, rd) in ALU_RR.iter().zip(RESULT_REGS) {
            let want = if rd == ZERO { 0 } else { model(*op, a, b) };
            prop_assert_eq!(regs[usize::from(rd)], want, "{:?} {:#x}, {:#x}", op, a, b);
        }
    }

    #[test]
    fn immediate_alu_matches_the_model(a in any_operand(), imm in -2048i32..2048, shamt in 0i32..32) {
        let mut p = Asm::new();
        p.li(T0, a);
        for (op, rd) in ALU_IMM.iter().zip(RESULT_REGS) {
            let is_shift = matches!(op, Opcode::Slli | Opcode::Srli | Opcode::Srai);
            p.alu(*op, rd, T0, if is_shift { shamt } else { imm });
        }
        p.halt(0);
        let regs = final_regs(&p);
        for (op, rd) in ALU_IMM.iter().zip(RESULT_REGS) {
            let is_shift = matches!(op, Opcode::Slli | Opcode::Srli | Opcode::Srai);
            let b = if is_shift { shamt as u32 } else { imm as u32 };
            prop_assert_eq!(regs[usize::from(rd)], model(*op, a, b), "{:?} {:#x}, {}", op, a, b as i32);
        }
    }

    #[test]
    fn branches_match_the_spec(a in any_operand(), b in any_operand(), same in any::<bool>()) {
        let b = if same { a } else { b };
        for op in [Opcode::Beq, Opcode::Bne, Opcode::Blt, Opcode::Bge, Opcode::Bltu, Opcode::Bgeu] {
            let want = if branch_taken_spec(op, a, b) { 2 } else { 1 };
            prop_assert_eq!(run_branch(op, a, b, false), want, "{:?} {:#x}, {:#x}", op, a, b);
        }
    }

    #[test]
    fn stored_words_load_back_with_every_width(v in any::<u32>(), slot in 0u32..16) {
        let mut p = Asm::new();
        let buf = p.alloc_zeroed(64);
        p.li(T0, buf + 4 * slot).li(T1, v).sw(T1, 0, T0);
        p.lb(S2, 0, T0).lbu(S3, 1, T0).lh(S4, 2, T0).lhu(S5, 0, T0).lw(S6, 0, T0);
        p.halt(0);
        let regs = final_regs(&p);
        let bytes = v.to_le_bytes();
        prop_assert_eq!(regs[18], bytes[0] as i8 as u32);
        prop_assert_eq!(regs[19], u32::from(bytes[1]));
        prop_assert_eq!(regs[20], (v >> 16) as u16 as i16 as u32);
        prop_assert_eq!(regs[21], v & 0xffff);
        prop_assert_eq!(regs[22], v);
    }
}
