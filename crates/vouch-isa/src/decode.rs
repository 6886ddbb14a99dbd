//! Instruction decoding (RISC-V unprivileged spec, chapter 2 "RV32I" and chapter 13 "M").

use crate::{Instruction, Opcode};

/// Why a word is not an RV32IM instruction vouch executes.
#[derive(Clone, Copy, Debug, PartialEq, Eq, thiserror::Error)]
pub enum DecodeError {
    /// A reserved, privileged, compressed or otherwise unsupported encoding.
    #[error("illegal instruction 0x{0:08x}")]
    Illegal(u32),
}

const OP_LOAD: u32 = 0x03;
const OP_MISC_MEM: u32 = 0x0f;
const OP_IMM: u32 = 0x13;
const OP_AUIPC: u32 = 0x17;
const OP_STORE: u32 = 0x23;
const OP_REG: u32 = 0x33;
const OP_LUI: u32 = 0x37;
const OP_BRANCH: u32 = 0x63;
const OP_JALR: u32 = 0x67;
const OP_JAL: u32 = 0x6f;
const OP_SYSTEM: u32 = 0x73;

/// The ECALL encoding; every other SYSTEM word (EBREAK, CSR*, WFI, MRET…) is illegal.
const ECALL_WORD: u32 = 0x0000_0073;

#[inline(always)]
fn rd(w: u32) -> u8 {
    ((w >> 7) & 31) as u8
}
#[inline(always)]
fn rs1(w: u32) -> u8 {
    ((w >> 15) & 31) as u8
}
#[inline(always)]
fn rs2(w: u32) -> u8 {
    ((w >> 20) & 31) as u8
}
#[inline(always)]
fn funct3(w: u32) -> u32 {
    (w >> 12) & 7
}
#[inline(always)]
fn funct7(w: u32) -> u32 {
    w >> 25
}
#[inline(always)]
fn imm_i(w: u32) -> u32 {
    ((w as i32) >> 20) as u32
}
#[inline(always)]
fn imm_s(w: u32) -> u32 {
    ((((w as i32) >> 25) << 5) as u32) | ((w >> 7) & 31)
}
#[inline(always)]
fn imm_b(w: u32) -> u32 {
    let sign = (((w as i32) >> 31) as u32) << 12;
    sign | ((w & 0x80) << 4) | ((w >> 20) & 0x7e0) | ((w >> 7) & 0x1e)
}
#[inline(always)]
fn imm_u(w: u32) -> u32 {
    w & 0xffff_f000
}
#[inline(always)]
fn imm_j(w: u32) -> u32 {
    let sign = (((w as i32) >> 31) as u32) << 20;
    sign | (w & 0x000f_f000) | ((w >> 9) & 0x800) | ((w >> 20) & 0x7fe)
}

/// Decode one 32-bit instruction word.
///
/// Fails with [`DecodeError::Illegal`] for anything outside RV32IM (see the crate docs).
pub fn decode(word: u32) -> Result<Instruction, DecodeError> {
    use Opcode::*;
    let illegal = Err(DecodeError::Illegal(word));
    // Compressed (16-bit) encodings have low bits != 0b11.
    if word & 3 != 3 {
        return illegal;
    }
    let (d, s1, s2) = (rd(word), rs1(word), rs2(word));
    let insn = match word & 0x7f {
        OP_LUI => Instruction::new(Lui, d, 0, 0, imm_u(word)),
        OP_AUIPC => Instruction::new(Auipc, d, 0, 0, imm_u(word)),
        OP_JAL => Instruction::new(Jal, d, 0, 0, imm_j(word)),
        OP_JALR if funct3(word) == 0 => Instruction::new(Jalr, d, s1, 0, imm_i(word)),
        OP_BRANCH => {
            let op = match funct3(word) {
                0 => Beq,
                1 => Bne,
                4 => Blt,
                5 => Bge,
                6 => Bltu,
                7 => Bgeu,
                _ => return illegal,
            };
            Instruction::new(op, 0, s1, s2, imm_b(word))
        }
        OP_LOAD => {
            let op = match funct3(word) {
                0 => Lb,
                1 => Lh,
                2 => Lw,
                4 => Lbu,
                5 => Lhu,
                _ => return illegal,
            };
            Instruction::new(op, d, s1, 0, imm_i(word))
        }
        OP_STORE => {
            let op = match funct3(word) {
                0 => Sb,
                1 => Sh,
                2 => Sw,
                _ => return illegal,
            };
            Instruction::new(op, 0, s1, s2, imm_s(word))
        }
        OP_IMM => {
            let f7 = funct7(word);
            let shamt = u32::from(s2);
            let (op, imm) = match funct3(word) {
                0 => (Addi, imm_i(word)),
                2 => (Slti, imm_i(word)),
                3 => (Sltiu, imm_i(word)),
                4 => (Xori, imm_i(word)),
                6 => (Ori, imm_i(word)),
                7 => (Andi, imm_i(word)),
                // RV32: shamt[5] (bit 25) must be zero, which the funct7 tests include.
                1 if f7 == 0 => (Slli, shamt),
                5 if f7 == 0 => (Srli, shamt),
                5 if f7 == 0x20 => (Srai, shamt),
                _ => return illegal,
            };
            Instruction::new(op, d, s1, 0, imm)
        }
        OP_REG => {
            let op = match (funct7(word), funct3(word)) {
                (0x00, 0) => Add,
                (0x20, 0) => Sub,
                (0x00, 1) => Sll,
                (0x00, 2) => Slt,
                (0x00, 3) => Sltu,
                (0x00, 4) => Xor,
                (0x00, 5) => Srl,
                (0x20, 5) => Sra,
                (0x00, 6) => Or,
                (0x00, 7) => And,
                (0x01, 0) => Mul,
                (0x01, 1) => Mulh,
                (0x01, 2) => Mulhsu,
                (0x01, 3) => Mulhu,
                (0x01, 4) => Div,
                (0x01, 5) => Divu,
                (0x01, 6) => Rem,
                (0x01, 7) => Remu,
                _ => return illegal,
            };
            Instruction::new(op, d, s1, s2, 0)
        }
        // FENCE (funct3 = 0); its fm/pred/succ/rs1/rd fields do not change the meaning of a
        // single-hart machine. FENCE.I (Zifencei) and other MISC-MEM encodings are illegal.
        OP_MISC_MEM if funct3(word) == 0 => Instruction::new(Fence, 0, 0, 0, 0),
        OP_SYSTEM if word == ECALL_WORD => Instruction::new(
            Ecall,
            vouch_abi_regs::A0,
            vouch_abi_regs::A7,
            vouch_abi_regs::A0,
            0,
        ),
        _ => return illegal,
    };
    Ok(insn)
}

/// Register numbers ECALL is decoded with (`a7` = syscall number, `a0` = argument/result).
/// Kept here rather than depending on `vouch-abi`, so the ISA crate stands alone.
mod vouch_abi_regs {
    pub const A0: u8 = 10;
    pub const A7: u8 = 17;
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn decodes_fixed_vectors() {
        // Encodings from the GNU assembler.
        let cases: &[(u32, Instruction)] = &[
            (0x00a5_0513, Instruction::new(Opcode::Addi, 10, 10, 0, 10)), // addi a0,a0,10
            (
                0xfff0_0293,
                Instruction::new(Opcode::Addi, 5, 0, 0, u32::MAX),
            ), // li t0,-1
            (0x40b5_0533, Instruction::new(Opcode::Sub, 10, 10, 11, 0)),  // sub a0,a0,a1
            (0x02b5_4533, Instruction::new(Opcode::Div, 10, 10, 11, 0)),  // div a0,a0,a1
            (0x4015_d593, Instruction::new(Opcode::Srai, 11, 11, 0, 1)),  // srai a1,a1,1
            (0x0000_1537, Instruction::new(Opcode::Lui, 10, 0, 0, 0x1000)), // lui a0,1
            (
                0xffc5_2503,
                Instruction::new(Opcode::Lw, 10, 10, 0, (-4i32) as u32),
            ), // lw a0,-4(a0)
            (0x00b5_2223, Instruction::new(Opcode::Sw, 0, 10, 11, 4)),    // sw a1,4(a0)
            (
                0xfeb5_1ee3,
                Instruction::new(Opcode::Bne, 0, 10, 11, (-4i32) as u32),
            ), // bne a0,a1,-4
            (0x0080_00ef, Instruction::new(Opcode::Jal, 1, 0, 0, 8)),     // jal ra,8
            (0x0000_8067, Instruction::new(Opcode::Jalr, 0, 1, 0, 0)),    // ret
            (0x0ff0_000f, Instruction::new(Opcode::Fence, 0, 0, 0, 0)),   // fence
            (0x0000_0073, Instruction::new(Opcode::Ecall, 10, 17, 10, 0)), // ecall
        ];
        for &(word, want) in cases {
            assert_eq!(decode(word), Ok(want), "word 0x{word:08x}");
        }
    }

    #[test]
    fn rejects_illegal_encodings() {
        for word in [
            0x0010_0073, // ebreak
            0xc000_1073, // unimp (csrrw x0, cycle, x0)
            0x3000_2573, // csrr a0, mstatus
            0x3020_0073, // mret
            0x0000_100f, // fence.i
            0x0000_0000, // all zero
            0xffff_ffff, // all one
            0x0000_4501, // c.li a0,0 (compressed)
            0x0205_9513, // slli a0,a1,32 (shamt[5] set)
            0x8005_5513, // srli with funct7 = 0x40
            0x00b5_3023, // sd (RV64)
            0x0005_3503, // ld (RV64)
            0x02b5_053b, // mulw (RV64)
            0x0000_2067, // jalr with funct3 = 2
        ] {
            assert_eq!(
                decode(word),
                Err(DecodeError::Illegal(word)),
                "0x{word:08x}"
            );
        }
    }

    #[test]
    fn immediates_sign_extend() {
        // beq x0,x0,-4096 (most negative B immediate)
        assert_eq!(decode(0x8000_0063).unwrap().imm, (-4096i32) as u32);
        // jal x0,-1048576 (most negative J immediate)
        assert_eq!(decode(0x8000_006f).unwrap().imm, (-1048576i32) as u32);
        // sw x0,-2048(x0)
        assert_eq!(decode(0x8000_2023).unwrap().imm, (-2048i32) as u32);
        // lui x1, 0xfffff
        assert_eq!(decode(0xffff_f0b7).unwrap().imm, 0xffff_f000);
    }
}

#[cfg(test)]
mod canonical_tests {
    use crate::{Instruction, Opcode, REG_SINK};

    #[test]
    fn writes_to_x0_go_to_the_sink() {
        let add = Instruction::new(Opcode::Add, 0, 1, 2, 0).canonical();
        assert_eq!(add.rd, REG_SINK);
        let jal = Instruction::new(Opcode::Jal, 0, 0, 0, 8).canonical();
        assert_eq!(jal.rd, REG_SINK);
        let sw = Instruction::new(Opcode::Sw, 0, 1, 2, 4).canonical();
        assert_eq!(sw.rd, 0, "stores write no register");
        let fence = Instruction::new(Opcode::Fence, 0, 0, 0, 0).canonical();
        assert_eq!(fence, Instruction::new(Opcode::Addi, REG_SINK, 0, 0, 0));
        let addi = Instruction::new(Opcode::Addi, 5, 1, 0, 3).canonical();
        assert_eq!(addi.rd, 5);
    }

    #[test]
    fn access_patterns() {
        assert!(Opcode::Add.reads_rs2() && Opcode::Add.writes_rd());
        assert!(!Opcode::Addi.reads_rs2());
        assert!(Opcode::Sw.reads_rs2() && !Opcode::Sw.writes_rd());
        assert!(!Opcode::Jal.reads_rs1() && !Opcode::Lui.reads_rs1());
        assert!(Opcode::Jalr.reads_rs1() && !Opcode::Jalr.reads_rs2());
        assert!(
            Opcode::Ecall.reads_rs1() && Opcode::Ecall.reads_rs2() && Opcode::Ecall.writes_rd()
        );
    }
}
