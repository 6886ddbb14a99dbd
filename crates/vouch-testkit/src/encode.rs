//! RV32IM instruction encoding: the inverse of [`vouch_isa::decode`].
//!
//! [`encode`] turns an [`Instruction`] (with the immediate conventions `vouch-isa` documents)
//! into its 32-bit word. The format helpers ([`r_type`] … [`j_type`]) assemble raw fields, and
//! [`raw`] holds words vouch must reject (EBREAK, CSR accesses, compressed encodings…).

use vouch_isa::{Instruction, Opcode};

/// A register number, `0..32`.
pub type Reg = u8;

/// ABI register names.
pub mod reg {
    use super::Reg;

    pub const ZERO: Reg = 0;
    pub const RA: Reg = 1;
    pub const SP: Reg = 2;
    pub const GP: Reg = 3;
    pub const TP: Reg = 4;
    pub const T0: Reg = 5;
    pub const T1: Reg = 6;
    pub const T2: Reg = 7;
    pub const S0: Reg = 8;
    pub const S1: Reg = 9;
    pub const A0: Reg = 10;
    pub const A1: Reg = 11;
    pub const A2: Reg = 12;
    pub const A3: Reg = 13;
    pub const A4: Reg = 14;
    pub const A5: Reg = 15;
    pub const A6: Reg = 16;
    pub const A7: Reg = 17;
    pub const S2: Reg = 18;
    pub const S3: Reg = 19;
    pub const S4: Reg = 20;
    pub const S5: Reg = 21;
    pub const S6: Reg = 22;
    pub const S7: Reg = 23;
    pub const S8: Reg = 24;
    pub const S9: Reg = 25;
    pub const S10: Reg = 26;
    pub const S11: Reg = 27;
    pub const T3: Reg = 28;
    pub const T4: Reg = 29;
    pub const T5: Reg = 30;
    pub const T6: Reg = 31;
}

/// Major opcodes (bits 6..0).
pub mod major {
    pub const LOAD: u32 = 0x03;
    pub const MISC_MEM: u32 = 0x0f;
    pub const OP_IMM: u32 = 0x13;
    pub const AUIPC: u32 = 0x17;
    pub const STORE: u32 = 0x23;
    pub const OP: u32 = 0x33;
    pub const LUI: u32 = 0x37;
    pub const BRANCH: u32 = 0x63;
    pub const JALR: u32 = 0x67;
    pub const JAL: u32 = 0x6f;
    pub const SYSTEM: u32 = 0x73;
}

/// Words that are not RV32IM instructions vouch executes, for illegal-instruction tests.
pub mod raw {
    use super::{i_type, major, Reg};

    /// `ebreak`.
    pub const EBREAK: u32 = 0x0010_0073;
    /// `ecall`, for reference (legal).
    pub const ECALL: u32 = 0x0000_0073;
    /// `unimp` (`csrrw x0, cycle, x0`), what compilers emit for unreachable code.
    pub const UNIMP: u32 = 0xc000_1073;
    /// `mret`.
    pub const MRET: u32 = 0x3020_0073;
    /// `wfi`.
    pub const WFI: u32 = 0x1050_0073;
    /// `fence.i` (Zifencei).
    pub const FENCE_I: u32 = 0x0000_100f;
    /// The all-zero word (the spec defines it as illegal).
    pub const ZERO: u32 = 0;
    /// The all-ones word (reserved).
    pub const ONES: u32 = 0xffff_ffff;
    /// `c.li a0, 0` in the low half, as compilers emit for `riscv32imc` (low bits `01`).
    pub const C_LI: u32 = 0x0000_4501;
    /// `c.nop` followed by `c.nop`: two compressed instructions in one word.
    pub const C_NOP_PAIR: u32 = 0x0001_0001;

    /// A CSR instruction: `funct3` 1..=3 (register forms) or 5..=7 (immediate forms).
    pub fn csr(funct3: u32, rd: Reg, rs1_or_uimm: Reg, csr: u32) -> u32 {
        assert!(matches!(funct3, 1..=3 | 5..=7), "bad CSR funct3 {funct3}");
        assert!(csr < 4096, "CSR number {csr} out of range");
        let imm = (csr as i32) << 20 >> 20;
        i_type(imm, rs1_or_uimm, funct3, rd, major::SYSTEM)
    }

    /// `csrr rd, csr` (= `csrrs rd, csr, x0`).
    pub fn csrr(rd: Reg, csr: u32) -> u32 {
        self::csr(2, rd, 0, csr)
    }
}

fn check_reg(r: Reg) -> u32 {
    assert!(r < 32, "register x{r} does not exist");
    u32::from(r)
}

/// An R-type word.
pub fn r_type(funct7: u32, rs2: Reg, rs1: Reg, funct3: u32, rd: Reg, opcode: u32) -> u32 {
    (funct7 << 25)
        | (check_reg(rs2) << 20)
        | (check_reg(rs1) << 15)
        | (funct3 << 12)
        | (check_reg(rd) << 7)
        | opcode
}

/// An I-type word; `imm` must fit 12 signed bits.
pub fn i_type(imm: i32, rs1: Reg, funct3: u32, rd: Reg, opcode: u32) -> u32 {
    assert!(
        fits_signed(imm, 12),
        "I-type immediate {imm} does not fit 12 bits"
    );
    ((imm as u32) << 20) | (check_reg(rs1) << 15) | (funct3 << 12) | (check_reg(rd) << 7) | opcode
}

/// An S-type word; `imm` must fit 12 signed bits.
pub fn s_type(imm: i32, rs2: Reg, rs1: Reg, funct3: u32, opcode: u32) -> u32 {
    assert!(
        fits_signed(imm, 12),
        "S-type immediate {imm} does not fit 12 bits"
    );
    let imm = imm as u32;
    ((imm >> 5 & 0x7f) << 25)
        | (check_reg(rs2) << 20)
        | (check_reg(rs1) << 15)
        | (funct3 << 12)
        | ((imm & 0x1f) << 7)
        | opcode
}

/// A B-type word; `imm` must be even and fit 13 signed bits.
pub fn b_type(imm: i32, rs2: Reg, rs1: Reg, funct3: u32, opcode: u32) -> u32 {
    assert!(
        fits_signed(imm, 13) && imm % 2 == 0,
        "branch offset {imm} is odd or does not fit 13 bits"
    );
    let imm = imm as u32;
    ((imm >> 12 & 1) << 31)
        | ((imm >> 5 & 0x3f) << 25)
        | (check_reg(rs2) << 20)
        | (check_reg(rs1) << 15)
        | (funct3 << 12)
        | ((imm >> 1 & 0xf) << 8)
        | ((imm >> 11 & 1) << 7)
        | opcode
}

/// A U-type word; `imm` is the value of the upper 20 bits in place (low 12 bits zero).
pub fn u_type(imm: u32, rd: Reg, opcode: u32) -> u32 {
    assert!(
        imm & 0xfff == 0,
        "U-type immediate 0x{imm:x} has low bits set"
    );
    imm | (check_reg(rd) << 7) | opcode
}

/// A J-type word; `imm` must be even and fit 21 signed bits.
pub fn j_type(imm: i32, rd: Reg, opcode: u32) -> u32 {
    assert!(
        fits_signed(imm, 21) && imm % 2 == 0,
        "jump offset {imm} is odd or does not fit 21 bits"
    );
    let imm = imm as u32;
    ((imm >> 20 & 1) << 31)
        | ((imm >> 1 & 0x3ff) << 21)
        | ((imm >> 11 & 1) << 20)
        | (imm & 0xff000)
        | (check_reg(rd) << 7)
        | opcode
}

/// Whether `v` is representable as a `bits`-bit two's-complement number.
pub fn fits_signed(v: i32, bits: u32) -> bool {
    let half = 1i64 << (bits - 1);
    (-half..half).contains(&i64::from(v))
}

/// Why an [`Instruction`] has no encoding.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct EncodeError(pub String);

impl std::fmt::Display for EncodeError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for EncodeError {}

/// The canonical word for an instruction, so that `decode(encode(i)) == i` for every
/// instruction `decode` can produce.
///
/// `FENCE` encodes as `fence iorw, iorw`; `ECALL` as `0x00000073` whatever its register
/// fields. Panics if an immediate or register does not fit its field; see [`try_encode`].
pub fn encode(insn: Instruction) -> u32 {
    match try_encode(insn) {
        Ok(word) => word,
        Err(e) => panic!("cannot encode {insn:?}: {e}"),
    }
}

/// [`encode`], reporting unencodable operands as an error.
pub fn try_encode(insn: Instruction) -> Result<u32, EncodeError> {
    use Opcode::*;
    let Instruction {
        opcode,
        rd,
        rs1,
        rs2,
        imm,
    } = insn;
    if rd >= 32 || rs1 >= 32 || rs2 >= 32 {
        return Err(EncodeError(format!("register out of range in {insn:?}")));
    }
    let simm = imm as i32;
    let need = |ok: bool, what: &str| {
        if ok {
            Ok(())
        } else {
            Err(EncodeError(format!(
                "{what} 0x{imm:x} out of range for {opcode:?}"
            )))
        }
    };
    let word = match opcode {
        Add | Sub | Sll | Slt | Sltu | Xor | Srl | Sra | Or | And | Mul | Mulh | Mulhsu | Mulhu
        | Div | Divu | Rem | Remu => {
            let (funct7, funct3) = rr_funct(opcode);
            r_type(funct7, rs2, rs1, funct3, rd, major::OP)
        }
        Addi | Slti | Sltiu | Xori | Ori | Andi => {
            need(fits_signed(simm, 12), "immediate")?;
            let funct3 = match opcode {
                Addi => 0,
                Slti => 2,
                Sltiu => 3,
                Xori => 4,
                Ori => 6,
                _ => 7,
            };
            i_type(simm, rs1, funct3, rd, major::OP_IMM)
        }
        Slli | Srli | Srai => {
            need(imm < 32, "shift amount")?;
            let (funct7, funct3) = match opcode {
                Slli => (0x00, 1),
                Srli => (0x00, 5),
                _ => (0x20, 5),
            };
            r_type(funct7, imm as Reg, rs1, funct3, rd, major::OP_IMM)
        }
        Lb | Lh | Lw | Lbu | Lhu => {
            need(fits_signed(simm, 12), "offset")?;
            let funct3 = match opcode {
                Lb => 0,
                Lh => 1,
                Lw => 2,
                Lbu => 4,
                _ => 5,
            };
            i_type(simm, rs1, funct3, rd, major::LOAD)
        }
        Sb | Sh | Sw => {
            need(fits_signed(simm, 12), "offset")?;
            let funct3 = match opcode {
                Sb => 0,
                Sh => 1,
                _ => 2,
            };
            s_type(simm, rs2, rs1, funct3, major::STORE)
        }
        Beq | Bne | Blt | Bge | Bltu | Bgeu => {
            need(fits_signed(simm, 13) && simm % 2 == 0, "branch offset")?;
            let funct3 = match opcode {
                Beq => 0,
                Bne => 1,
                Blt => 4,
                Bge => 5,
                Bltu => 6,
                _ => 7,
            };
            b_type(simm, rs2, rs1, funct3, major::BRANCH)
        }
        Jal => {
            need(fits_signed(simm, 21) && simm % 2 == 0, "jump offset")?;
            j_type(simm, rd, major::JAL)
        }
        Jalr => {
            need(fits_signed(simm, 12), "offset")?;
            i_type(simm, rs1, 0, rd, major::JALR)
        }
        Lui | Auipc => {
            need(imm & 0xfff == 0, "upper immediate")?;
            let op = if opcode == Lui {
                major::LUI
            } else {
                major::AUIPC
            };
            u_type(imm, rd, op)
        }
        Fence => 0x0ff0_000f,
        Ecall => raw::ECALL,
    };
    Ok(word)
}

/// `(funct7, funct3)` of a register-register ALU opcode.
fn rr_funct(op: Opcode) -> (u32, u32) {
    use Opcode::*;
    match op {
        Add => (0x00, 0),
        Sub => (0x20, 0),
        Sll => (0x00, 1),
        Slt => (0x00, 2),
        Sltu => (0x00, 3),
        Xor => (0x00, 4),
        Srl => (0x00, 5),
        Sra => (0x20, 5),
        Or => (0x00, 6),
        And => (0x00, 7),
        Mul => (0x01, 0),
        Mulh => (0x01, 1),
        Mulhsu => (0x01, 2),
        Mulhu => (0x01, 3),
        Div => (0x01, 4),
        Divu => (0x01, 5),
        Rem => (0x01, 6),
        Remu => (0x01, 7),
        _ => unreachable!("{op:?} is not a register-register ALU opcode"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;
    use vouch_isa::{decode, DecodeError};

    /// An arbitrary instruction in the canonical form `decode` produces.
    fn any_instruction() -> impl Strategy<Value = Instruction> {
        (
            proptest::sample::select(Opcode::ALL.to_vec()),
            0u8..32,
            0u8..32,
            0u8..32,
            any::<u32>(),
        )
            .prop_map(|(op, rd, rs1, rs2, bits)| canonical(op, rd, rs1, rs2, bits))
    }

    /// Build the instruction `decode` would produce, taking operands from random bits.
    fn canonical(op: Opcode, rd: u8, rs1: u8, rs2: u8, bits: u32) -> Instruction {
        use Opcode::*;
        let sext = |b: u32, n: u32| (((b << (32 - n)) as i32) >> (32 - n)) as u32;
        match op {
            _ if op.alu_op().is_some() && !op.is_alu_imm() => Instruction::new(op, rd, rs1, rs2, 0),
            Slli | Srli | Srai => Instruction::new(op, rd, rs1, 0, bits & 31),
            _ if op.is_alu_imm() || op.load_width().is_some() || op == Jalr => {
                Instruction::new(op, rd, rs1, 0, sext(bits, 12))
            }
            _ if op.store_width().is_some() => Instruction::new(op, 0, rs1, rs2, sext(bits, 12)),
            _ if op.is_branch() => Instruction::new(op, 0, rs1, rs2, sext(bits & !1, 13)),
            Jal => Instruction::new(op, rd, 0, 0, sext(bits & !1, 21)),
            Lui | Auipc => Instruction::new(op, rd, 0, 0, bits & 0xffff_f000),
            Fence => Instruction::new(op, 0, 0, 0, 0),
            Ecall => Instruction::new(op, 10, 17, 10, 0),
            _ => unreachable!(),
        }
    }

    proptest! {
        #[test]
        fn encode_then_decode_is_identity(insn in any_instruction()) {
            let word = encode(insn);
            prop_assert_eq!(decode(word), Ok(insn), "word 0x{:08x}", word);
        }

        #[test]
        fn decode_then_encode_is_identity_on_canonical_words(word in any::<u32>()) {
            // FENCE and ECALL have one canonical word; every other legal word round-trips.
            if let Ok(insn) = decode(word) {
                if insn.opcode != Opcode::Fence {
                    prop_assert_eq!(encode(insn), word);
                }
            }
        }

        #[test]
        fn out_of_range_immediates_are_refused(imm in 2048i32..=i32::MAX) {
            let insn = Instruction::new(Opcode::Addi, 1, 1, 0, imm as u32);
            prop_assert!(try_encode(insn).is_err());
            let insn = Instruction::new(Opcode::Beq, 0, 1, 2, (imm | 1) as u32);
            prop_assert!(try_encode(insn).is_err());
        }
    }

    #[test]
    fn matches_gnu_assembler_vectors() {
        use reg::*;
        let cases: &[(Instruction, u32)] = &[
            (Instruction::new(Opcode::Addi, A0, A0, 0, 10), 0x00a5_0513),
            (Instruction::new(Opcode::Sub, A0, A0, A1, 0), 0x40b5_0533),
            (Instruction::new(Opcode::Div, A0, A0, A1, 0), 0x02b5_4533),
            (Instruction::new(Opcode::Srai, A1, A1, 0, 1), 0x4015_d593),
            (Instruction::new(Opcode::Lui, A0, 0, 0, 0x1000), 0x0000_1537),
            (
                Instruction::new(Opcode::Lw, A0, A0, 0, -4i32 as u32),
                0xffc5_2503,
            ),
            (Instruction::new(Opcode::Sw, 0, A0, A1, 4), 0x00b5_2223),
            (
                Instruction::new(Opcode::Bne, 0, A0, A1, -4i32 as u32),
                0xfeb5_1ee3,
            ),
            (Instruction::new(Opcode::Jal, RA, 0, 0, 8), 0x0080_00ef),
            (Instruction::new(Opcode::Jalr, 0, RA, 0, 0), 0x0000_8067),
        ];
        for &(insn, word) in cases {
            assert_eq!(encode(insn), word, "{insn:?}");
        }
    }

    #[test]
    fn raw_words_are_illegal() {
        for word in [
            raw::EBREAK,
            raw::UNIMP,
            raw::MRET,
            raw::WFI,
            raw::FENCE_I,
            raw::ZERO,
            raw::ONES,
            raw::C_LI,
            raw::C_NOP_PAIR,
            raw::csrr(reg::A0, 0xc00),
            raw::csr(5, reg::A0, 3, 0x300),
        ] {
            assert_eq!(
                decode(word),
                Err(DecodeError::Illegal(word)),
                "0x{word:08x}"
            );
        }
        assert_eq!(raw::csrr(reg::A0, 0x300), 0x3000_2573);
    }
}
