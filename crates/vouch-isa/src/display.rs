//! Disassembly in the GNU assembler's syntax with ABI register names.

use core::fmt;

use crate::{Instruction, Opcode};

/// ABI names of x0..x31.
pub const REG_NAMES: [&str; 32] = [
    "zero", "ra", "sp", "gp", "tp", "t0", "t1", "t2", "s0", "s1", "a0", "a1", "a2", "a3", "a4",
    "a5", "a6", "a7", "s2", "s3", "s4", "s5", "s6", "s7", "s8", "s9", "s10", "s11", "t3", "t4",
    "t5", "t6",
];

impl fmt::Display for Instruction {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let m = self.opcode.mnemonic();
        let r = |i: u8| REG_NAMES.get(usize::from(i)).copied().unwrap_or("zero");
        let simm = self.imm as i32;
        let op = self.opcode;
        if op == Opcode::Ecall || op == Opcode::Fence {
            write!(f, "{m}")
        } else if op.alu_op().is_some() && !op.is_alu_imm() {
            write!(f, "{m} {}, {}, {}", r(self.rd), r(self.rs1), r(self.rs2))
        } else if op.is_alu_imm() {
            write!(f, "{m} {}, {}, {simm}", r(self.rd), r(self.rs1))
        } else if op.load_width().is_some() || op == Opcode::Jalr {
            write!(f, "{m} {}, {simm}({})", r(self.rd), r(self.rs1))
        } else if op.store_width().is_some() {
            write!(f, "{m} {}, {simm}({})", r(self.rs2), r(self.rs1))
        } else if op.is_branch() {
            write!(f, "{m} {}, {}, {simm}", r(self.rs1), r(self.rs2))
        } else if op == Opcode::Jal {
            write!(f, "{m} {}, {simm}", r(self.rd))
        } else {
            // lui, auipc
            write!(f, "{m} {}, 0x{:x}", r(self.rd), self.imm >> 12)
        }
    }
}
