//! RV32IM, decoded.
//!
//! [`decode`] turns a 32-bit instruction word into an [`Instruction`]: an [`Opcode`] plus its
//! register indices and sign-extended immediate. [`alu`] and the branch/load helpers give the
//! exact semantics of the unprivileged spec, so the executor and the prover's trace
//! generation compute the same values from one definition.
//!
//! Only the base integer set and the M extension are accepted: FENCE decodes (and executes as
//! a no-op), ECALL decodes; EBREAK, CSR instructions, compressed encodings and every reserved
//! encoding are [`DecodeError::Illegal`].
#![no_std]

mod decode;
pub mod display;
mod semantics;

pub use decode::{decode, DecodeError};
pub use semantics::{alu, branch_taken, load_extend, store_merge, MemWidth};

/// Every RV32IM operation vouch executes.
///
/// Register-register and register-immediate forms are distinct opcodes so that the executor's
/// dispatch needs no second test; [`Opcode::alu_op`] maps both to the same ALU operation.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
#[repr(u8)]
pub enum Opcode {
    Add,
    Sub,
    Sll,
    Slt,
    Sltu,
    Xor,
    Srl,
    Sra,
    Or,
    And,
    Mul,
    Mulh,
    Mulhsu,
    Mulhu,
    Div,
    Divu,
    Rem,
    Remu,
    Addi,
    Slti,
    Sltiu,
    Xori,
    Ori,
    Andi,
    Slli,
    Srli,
    Srai,
    Lb,
    Lh,
    Lw,
    Lbu,
    Lhu,
    Sb,
    Sh,
    Sw,
    Beq,
    Bne,
    Blt,
    Bge,
    Bltu,
    Bgeu,
    Jal,
    Jalr,
    Lui,
    Auipc,
    Fence,
    Ecall,
}

/// The register that instructions with destination x0 write to in vouch's machine.
///
/// RISC-V discards writes to x0. vouch's executor and prover instead send them to this extra,
/// never-read register, so that x0 itself is never written and always reads as zero: no
/// instruction needs a special case for `rd = x0`.
pub const REG_SINK: u8 = 32;

/// Registers in vouch's machine: x0..x31 and [`REG_SINK`].
pub const NUM_REGS: usize = 33;

/// The arithmetic and logic operations, shared by the register and immediate forms.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum AluOp {
    Add,
    Sub,
    Sll,
    Slt,
    Sltu,
    Xor,
    Srl,
    Sra,
    Or,
    And,
    Mul,
    Mulh,
    Mulhsu,
    Mulhu,
    Div,
    Divu,
    Rem,
    Remu,
}

impl Opcode {
    /// All opcodes, in declaration order.
    pub const ALL: [Opcode; 47] = [
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
        Opcode::Addi,
        Opcode::Slti,
        Opcode::Sltiu,
        Opcode::Xori,
        Opcode::Ori,
        Opcode::Andi,
        Opcode::Slli,
        Opcode::Srli,
        Opcode::Srai,
        Opcode::Lb,
        Opcode::Lh,
        Opcode::Lw,
        Opcode::Lbu,
        Opcode::Lhu,
        Opcode::Sb,
        Opcode::Sh,
        Opcode::Sw,
        Opcode::Beq,
        Opcode::Bne,
        Opcode::Blt,
        Opcode::Bge,
        Opcode::Bltu,
        Opcode::Bgeu,
        Opcode::Jal,
        Opcode::Jalr,
        Opcode::Lui,
        Opcode::Auipc,
        Opcode::Fence,
        Opcode::Ecall,
    ];

    /// The ALU operation this opcode performs, for register and immediate ALU forms.
    pub const fn alu_op(self) -> Option<AluOp> {
        Some(match self {
            Opcode::Add | Opcode::Addi => AluOp::Add,
            Opcode::Sub => AluOp::Sub,
            Opcode::Sll | Opcode::Slli => AluOp::Sll,
            Opcode::Slt | Opcode::Slti => AluOp::Slt,
            Opcode::Sltu | Opcode::Sltiu => AluOp::Sltu,
            Opcode::Xor | Opcode::Xori => AluOp::Xor,
            Opcode::Srl | Opcode::Srli => AluOp::Srl,
            Opcode::Sra | Opcode::Srai => AluOp::Sra,
            Opcode::Or | Opcode::Ori => AluOp::Or,
            Opcode::And | Opcode::Andi => AluOp::And,
            Opcode::Mul => AluOp::Mul,
            Opcode::Mulh => AluOp::Mulh,
            Opcode::Mulhsu => AluOp::Mulhsu,
            Opcode::Mulhu => AluOp::Mulhu,
            Opcode::Div => AluOp::Div,
            Opcode::Divu => AluOp::Divu,
            Opcode::Rem => AluOp::Rem,
            Opcode::Remu => AluOp::Remu,
            _ => return None,
        })
    }

    /// Whether the second ALU operand is the immediate rather than `rs2`.
    pub const fn is_alu_imm(self) -> bool {
        matches!(
            self,
            Opcode::Addi
                | Opcode::Slti
                | Opcode::Sltiu
                | Opcode::Xori
                | Opcode::Ori
                | Opcode::Andi
                | Opcode::Slli
                | Opcode::Srli
                | Opcode::Srai
        )
    }

    /// Width and signedness of a load, `None` for other opcodes.
    pub const fn load_width(self) -> Option<(MemWidth, bool)> {
        Some(match self {
            Opcode::Lb => (MemWidth::Byte, true),
            Opcode::Lh => (MemWidth::Half, true),
            Opcode::Lw => (MemWidth::Word, false),
            Opcode::Lbu => (MemWidth::Byte, false),
            Opcode::Lhu => (MemWidth::Half, false),
            _ => return None,
        })
    }

    /// Width of a store, `None` for other opcodes.
    pub const fn store_width(self) -> Option<MemWidth> {
        Some(match self {
            Opcode::Sb => MemWidth::Byte,
            Opcode::Sh => MemWidth::Half,
            Opcode::Sw => MemWidth::Word,
            _ => return None,
        })
    }

    /// Whether the instruction reads register `rs1` (ECALL reads `a7` this way).
    pub const fn reads_rs1(self) -> bool {
        !matches!(
            self,
            Opcode::Jal | Opcode::Lui | Opcode::Auipc | Opcode::Fence
        )
    }

    /// Whether the instruction reads register `rs2` (ECALL reads `a0` this way).
    pub const fn reads_rs2(self) -> bool {
        (self.alu_op().is_some() && !self.is_alu_imm())
            || self.store_width().is_some()
            || self.is_branch()
            || matches!(self, Opcode::Ecall)
    }

    /// Whether the instruction writes register `rd` (ECALL writes `a0`, except `HALT`,
    /// which ends execution).
    pub const fn writes_rd(self) -> bool {
        !(self.store_width().is_some() || self.is_branch() || matches!(self, Opcode::Fence))
    }

    /// Whether this is a conditional branch.
    pub const fn is_branch(self) -> bool {
        matches!(
            self,
            Opcode::Beq | Opcode::Bne | Opcode::Blt | Opcode::Bge | Opcode::Bltu | Opcode::Bgeu
        )
    }

    /// The assembler mnemonic.
    pub const fn mnemonic(self) -> &'static str {
        match self {
            Opcode::Add => "add",
            Opcode::Sub => "sub",
            Opcode::Sll => "sll",
            Opcode::Slt => "slt",
            Opcode::Sltu => "sltu",
            Opcode::Xor => "xor",
            Opcode::Srl => "srl",
            Opcode::Sra => "sra",
            Opcode::Or => "or",
            Opcode::And => "and",
            Opcode::Mul => "mul",
            Opcode::Mulh => "mulh",
            Opcode::Mulhsu => "mulhsu",
            Opcode::Mulhu => "mulhu",
            Opcode::Div => "div",
            Opcode::Divu => "divu",
            Opcode::Rem => "rem",
            Opcode::Remu => "remu",
            Opcode::Addi => "addi",
            Opcode::Slti => "slti",
            Opcode::Sltiu => "sltiu",
            Opcode::Xori => "xori",
            Opcode::Ori => "ori",
            Opcode::Andi => "andi",
            Opcode::Slli => "slli",
            Opcode::Srli => "srli",
            Opcode::Srai => "srai",
            Opcode::Lb => "lb",
            Opcode::Lh => "lh",
            Opcode::Lw => "lw",
            Opcode::Lbu => "lbu",
            Opcode::Lhu => "lhu",
            Opcode::Sb => "sb",
            Opcode::Sh => "sh",
            Opcode::Sw => "sw",
            Opcode::Beq => "beq",
            Opcode::Bne => "bne",
            Opcode::Blt => "blt",
            Opcode::Bge => "bge",
            Opcode::Bltu => "bltu",
            Opcode::Bgeu => "bgeu",
            Opcode::Jal => "jal",
            Opcode::Jalr => "jalr",
            Opcode::Lui => "lui",
            Opcode::Auipc => "auipc",
            Opcode::Fence => "fence",
            Opcode::Ecall => "ecall",
        }
    }
}

/// One decoded instruction.
///
/// Fields an opcode does not use are zero: `rd` of stores and branches, `rs2` of
/// immediate forms, `imm` of register forms. `imm` holds the immediate already shifted and
/// sign-extended as the spec defines it (for `LUI`/`AUIPC`, the upper 20 bits in place; for
/// shifts by immediate, the 5-bit shift amount). `ECALL` reads `a7` as `rs1` and `a0` as
/// `rs2`, and writes `a0` as `rd`, which is how vouch's syscalls use the register file.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct Instruction {
    pub opcode: Opcode,
    pub rd: u8,
    pub rs1: u8,
    pub rs2: u8,
    pub imm: u32,
}

impl Instruction {
    /// The form vouch's executor and prover run: writes to x0 go to [`REG_SINK`], and FENCE
    /// becomes `addi sink, x0, 0` (a no-op that reads x0), so that every instruction is
    /// proven by an arithmetic, memory, control or syscall chip.
    pub const fn canonical(self) -> Self {
        match self.opcode {
            Opcode::Fence => Instruction::new(Opcode::Addi, REG_SINK, 0, 0, 0),
            op if op.writes_rd() && self.rd == 0 => Instruction {
                rd: REG_SINK,
                ..self
            },
            _ => self,
        }
    }

    /// An instruction with the given opcode and operands.
    pub const fn new(opcode: Opcode, rd: u8, rs1: u8, rs2: u8, imm: u32) -> Self {
        Self {
            opcode,
            rd,
            rs1,
            rs2,
            imm,
        }
    }
}
