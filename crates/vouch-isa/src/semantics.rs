//! The exact value semantics of RV32IM, as plain functions.

use crate::{AluOp, Opcode};

/// Width of a memory access.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum MemWidth {
    Byte,
    Half,
    Word,
}

impl MemWidth {
    /// Size in bytes; also the required alignment.
    pub const fn bytes(self) -> u32 {
        match self {
            MemWidth::Byte => 1,
            MemWidth::Half => 2,
            MemWidth::Word => 4,
        }
    }
}

/// The result of an ALU operation on two 32-bit operands.
///
/// Shifts use the low 5 bits of `b`. Division follows the spec's table: `x / 0 = -1`
/// (all ones), `x % 0 = x`, and the signed overflow `i32::MIN / -1 = i32::MIN` with remainder 0.
#[inline(always)]
pub fn alu(op: AluOp, a: u32, b: u32) -> u32 {
    let (sa, sb) = (a as i32, b as i32);
    match op {
        AluOp::Add => a.wrapping_add(b),
        AluOp::Sub => a.wrapping_sub(b),
        AluOp::Sll => a << (b & 31),
        AluOp::Slt => u32::from(sa < sb),
        AluOp::Sltu => u32::from(a < b),
        AluOp::Xor => a ^ b,
        AluOp::Srl => a >> (b & 31),
        AluOp::Sra => (sa >> (b & 31)) as u32,
        AluOp::Or => a | b,
        AluOp::And => a & b,
        AluOp::Mul => a.wrapping_mul(b),
        AluOp::Mulh => ((i64::from(sa) * i64::from(sb)) >> 32) as u32,
        AluOp::Mulhsu => ((i64::from(sa) * i64::from(b)) >> 32) as u32,
        AluOp::Mulhu => ((u64::from(a) * u64::from(b)) >> 32) as u32,
        AluOp::Div => {
            if b == 0 {
                u32::MAX
            } else {
                sa.wrapping_div(sb) as u32
            }
        }
        AluOp::Divu => a.checked_div(b).unwrap_or(u32::MAX),
        AluOp::Rem => {
            if b == 0 {
                a
            } else {
                sa.wrapping_rem(sb) as u32
            }
        }
        AluOp::Remu => a.checked_rem(b).unwrap_or(a),
    }
}

/// Whether a conditional branch is taken. `false` for non-branch opcodes.
#[inline(always)]
pub fn branch_taken(op: Opcode, a: u32, b: u32) -> bool {
    match op {
        Opcode::Beq => a == b,
        Opcode::Bne => a != b,
        Opcode::Blt => (a as i32) < (b as i32),
        Opcode::Bge => (a as i32) >= (b as i32),
        Opcode::Bltu => a < b,
        Opcode::Bgeu => a >= b,
        _ => false,
    }
}

/// The register value of a load of `width` at byte address `addr`, given the aligned memory
/// word containing it. `addr` must be aligned to `width` (the caller traps otherwise).
#[inline(always)]
pub fn load_extend(width: MemWidth, signed: bool, word: u32, addr: u32) -> u32 {
    let shift = (addr & 3) * 8;
    let raw = word >> shift;
    match (width, signed) {
        (MemWidth::Byte, true) => raw as u8 as i8 as i32 as u32,
        (MemWidth::Byte, false) => raw & 0xff,
        (MemWidth::Half, true) => raw as u16 as i16 as i32 as u32,
        (MemWidth::Half, false) => raw & 0xffff,
        (MemWidth::Word, _) => word,
    }
}

/// The memory word after storing the low `width` bytes of `value` at byte address `addr`
/// into the aligned word `old`. `addr` must be aligned to `width`.
#[inline(always)]
pub fn store_merge(width: MemWidth, old: u32, value: u32, addr: u32) -> u32 {
    let shift = (addr & 3) * 8;
    let mask: u32 = match width {
        MemWidth::Byte => 0xff,
        MemWidth::Half => 0xffff,
        MemWidth::Word => return value,
    };
    (old & !(mask << shift)) | ((value & mask) << shift)
}

#[cfg(test)]
mod tests {
    use super::*;

    const MIN: u32 = i32::MIN as u32;
    const NEG1: u32 = u32::MAX;

    #[test]
    fn division_corner_cases_follow_the_spec() {
        assert_eq!(alu(AluOp::Div, 7, 0), NEG1);
        assert_eq!(alu(AluOp::Divu, 7, 0), NEG1);
        assert_eq!(alu(AluOp::Rem, 7, 0), 7);
        assert_eq!(alu(AluOp::Remu, 7, 0), 7);
        assert_eq!(alu(AluOp::Div, MIN, NEG1), MIN);
        assert_eq!(alu(AluOp::Rem, MIN, NEG1), 0);
        assert_eq!(alu(AluOp::Div, (-7i32) as u32, 2), (-3i32) as u32);
        assert_eq!(alu(AluOp::Rem, (-7i32) as u32, 2), (-1i32) as u32);
        assert_eq!(alu(AluOp::Divu, (-7i32) as u32, 2), 0x7fff_fffc);
    }

    #[test]
    fn multiply_high_variants() {
        assert_eq!(alu(AluOp::Mulh, NEG1, NEG1), 0);
        assert_eq!(alu(AluOp::Mulhu, NEG1, NEG1), 0xffff_fffe);
        assert_eq!(alu(AluOp::Mulhsu, NEG1, NEG1), NEG1);
        assert_eq!(alu(AluOp::Mulh, MIN, MIN), 0x4000_0000);
        assert_eq!(alu(AluOp::Mulhsu, MIN, NEG1), 0x8000_0000);
        assert_eq!(alu(AluOp::Mul, 0x1234_5678, 0x9abc_def0), 0x242d_2080);
    }

    #[test]
    fn shifts_use_low_five_bits() {
        assert_eq!(alu(AluOp::Sll, 1, 31), 0x8000_0000);
        assert_eq!(alu(AluOp::Sll, 1, 32), 1);
        assert_eq!(alu(AluOp::Srl, MIN, 31), 1);
        assert_eq!(alu(AluOp::Srl, MIN, 32), MIN);
        assert_eq!(alu(AluOp::Sra, MIN, 31), NEG1);
        assert_eq!(alu(AluOp::Sra, MIN, 63), NEG1);
    }

    #[test]
    fn comparisons_signed_and_unsigned() {
        assert_eq!(alu(AluOp::Slt, NEG1, 0), 1);
        assert_eq!(alu(AluOp::Sltu, NEG1, 0), 0);
        assert!(branch_taken(Opcode::Blt, MIN, 0));
        assert!(!branch_taken(Opcode::Bltu, MIN, 0));
        assert!(branch_taken(Opcode::Bge, 0, 0));
        assert!(branch_taken(Opcode::Bgeu, NEG1, 0));
    }

    #[test]
    fn loads_extend_and_stores_merge() {
        let w = 0x80ff_7f01;
        assert_eq!(load_extend(MemWidth::Byte, true, w, 0x100), 1);
        assert_eq!(load_extend(MemWidth::Byte, true, w, 0x102), NEG1);
        assert_eq!(load_extend(MemWidth::Byte, false, w, 0x102), 0xff);
        assert_eq!(load_extend(MemWidth::Half, true, w, 0x102), 0xffff_80ff);
        assert_eq!(load_extend(MemWidth::Half, false, w, 0x102), 0x80ff);
        assert_eq!(load_extend(MemWidth::Word, false, w, 0x100), w);
        assert_eq!(store_merge(MemWidth::Byte, w, 0xaabb, 0x101), 0x80ff_bb01);
        assert_eq!(
            store_merge(MemWidth::Half, w, 0xaabb_ccdd, 0x102),
            0xccdd_7f01
        );
        assert_eq!(store_merge(MemWidth::Word, w, 5, 0x100), 5);
    }
}
