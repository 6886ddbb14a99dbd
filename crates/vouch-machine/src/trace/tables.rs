//! The program-specific tables, from a loaded program.

use vouch_executor::Program;
use vouch_isa::NUM_REGS;

use crate::chips::program::INVALID_OPCODE;
use crate::machine::{ProgramTables, RomRow};

/// The ROM (canonical instructions) and initial state (registers, then image words) of
/// `program`.
pub fn program_tables(program: &Program) -> ProgramTables {
    let rom = program
        .canonical()
        .iter()
        .enumerate()
        .map(|(i, insn)| {
            let pc = program.code_base() + 4 * i as u32;
            match insn {
                Ok(insn) => RomRow {
                    pc,
                    opcode: insn.opcode as u32,
                    rd: u32::from(insn.rd),
                    rs1: u32::from(insn.rs1),
                    rs2: u32::from(insn.rs2),
                    imm: insn.imm,
                },
                Err(_) => RomRow {
                    pc,
                    opcode: INVALID_OPCODE,
                    rd: 0,
                    rs1: 0,
                    rs2: 0,
                    imm: 0,
                },
            }
        })
        .collect();
    let mut image: Vec<(u32, u32)> = (0..NUM_REGS as u32)
        .map(|r| {
            let v = if r as usize == vouch_abi::reg::SP {
                vouch_abi::memory::STACK_TOP
            } else {
                0
            };
            (r, v)
        })
        .collect();
    image.extend_from_slice(program.image());
    ProgramTables {
        rom,
        image,
        entry: program.entry(),
    }
}
