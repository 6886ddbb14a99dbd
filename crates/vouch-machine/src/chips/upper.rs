//! LUI and AUIPC.
//!
//! Given a row at `(pc, clk)` — the ROM's LUI or AUIPC at `pc`, whose immediate's four bytes
//! are the upper 20 bits in place — this chip writes `rd = imm` (LUI) or `rd = pc + imm mod
//! 2^32` (AUIPC) and moves to `(pc + 4, clk + 1)`. It reads no register.
//!
//! One byte-wise adder serves both: `res = pcb + imm mod 2^32`, where `pcb` are the bytes of
//! `pc` for AUIPC and zero for LUI, pinned by `Σ 256^i pcb_i = is_auipc · pc`. The bytes of
//! `pcb` are range-checked with `pcb_3 < 32` (a byte check of `8 pcb_3`), so `pcb` is an
//! integer below 2^29 < p and the field equation fixes it: the bytes of the integer `pc` (a
//! ROM address, below 2^29), or zero. Without the bound, the bytes of `pc + p` would satisfy
//! the same equation and give a wrong result. With carry bits `carry_i` (and `carry[-1] = 0`),
//! `pcb_i + imm_i + carry[i-1] = res_i + 256 carry_i` for each byte: `res` is byte-checked and
//! every term is a small integer, so the relations hold over the integers and `res` is the
//! 32-bit sum (the last carry, the overflow, is discarded). The immediate's bytes come from the
//! ROM and are bytes.

use core::borrow::Borrow;

use vouch_isa::Opcode;
use vouch_stark::air::{Air, BaseAir, WindowAccess};
use vouch_stark::field::PrimeCharacteristicRing;
use vouch_stark::Val;

use crate::bus::{byte_pair, bytes_checked, lookup_program, receive_state, send_state, ProgramRow};
use crate::columns::Word;
use crate::gadgets::memory::{eval_write, timestamp, WriteCols, SLOT_RD};
use crate::gadgets::word::word_value;
use crate::impl_columns;
use crate::MachineBuilder;

/// One LUI or AUIPC instruction.
#[repr(C)]
#[derive(Clone, Copy, Debug, Default)]
pub struct UpperCols<T> {
    /// Pinned by the ROM lookup and the `exec` receive.
    pub pc: T,
    /// Pinned by the `exec` receive.
    pub clk: T,
    /// Pinned by the ROM lookup.
    pub rd: T,
    /// One-hot opcode flags (boolean, sum boolean: the sum is `is_real`).
    pub is_lui: T,
    pub is_auipc: T,
    /// The immediate's bytes, pinned by the ROM lookup.
    pub imm: Word<T>,
    /// The bytes of `pc` (AUIPC) or zero (LUI): byte-checked, `pcb_3 < 32`, pinned by
    /// `Σ 256^i pcb_i = is_auipc · pc`.
    pub pcb: Word<T>,
    /// The adder's carries: boolean, pinned by the adder relations.
    pub carry: Word<T>,
    /// The value written to `rd`: byte-checked, pinned by the adder relations.
    pub res: Word<T>,
    pub rd_write: WriteCols<T>,
}
impl_columns!(UpperCols);

/// The LUI/AUIPC chip.
#[derive(Clone, Copy, Debug)]
pub struct UpperChip;

impl BaseAir<Val> for UpperChip {
    fn width(&self) -> usize {
        UpperCols::<Val>::WIDTH
    }

    fn main_next_row_columns(&self) -> Vec<usize> {
        Vec::new()
    }
}

impl<AB: MachineBuilder> Air<AB> for UpperChip {
    fn eval(&self, b: &mut AB) {
        let main = b.main();
        let row: UpperCols<AB::Var> = *main.current_slice().borrow();
        let c = |x: u32| AB::Expr::from_u32(x);
        let e = |v: AB::Var| -> AB::Expr { v.into() };

        // Flags: boolean, at most one set; `real` is their sum (0 on padding rows).
        b.assert_bool(row.is_lui);
        b.assert_bool(row.is_auipc);
        let real = e(row.is_lui) + e(row.is_auipc);
        b.assert_bool(real.clone());
        let opcode =
            e(row.is_lui) * c(Opcode::Lui as u32) + e(row.is_auipc) * c(Opcode::Auipc as u32);

        // pcb: the bytes of pc (AUIPC) or 0 (LUI); unique because pcb_3 < 32 (degree 2).
        b.assert_eq(
            word_value::<AB::Expr, _>(&row.pcb),
            e(row.is_auipc) * e(row.pc),
        );
        byte_pair(b, e(row.pcb[0]), e(row.pcb[1]), real.clone());
        byte_pair(b, e(row.pcb[2]), e(row.pcb[3]), real.clone());
        byte_pair(b, e(row.pcb[3]) * c(8), AB::Expr::ZERO, real.clone());

        // res = pcb + imm mod 2^32 (degree 1; all zero on padding).
        for i in 0..4 {
            b.assert_bool(row.carry[i]);
            let cin = if i == 0 {
                AB::Expr::ZERO
            } else {
                e(row.carry[i - 1])
            };
            b.assert_eq(
                e(row.pcb[i]) + e(row.imm[i]) + cin,
                e(row.res[i]) + e(row.carry[i]) * c(256),
            );
        }
        bytes_checked(b, &row.res.map(e), real.clone());

        // Write rd.
        let clk = e(row.clk);
        eval_write(
            b,
            e(row.rd),
            row.res.map(e),
            timestamp(clk.clone(), SLOT_RD),
            &row.rd_write,
            real.clone(),
        );

        // The instruction and the next state.
        lookup_program(
            b,
            ProgramRow {
                pc: e(row.pc),
                opcode,
                rd: e(row.rd),
                rs1: AB::Expr::ZERO,
                rs2: AB::Expr::ZERO,
                imm: row.imm.map(e),
            },
            real.clone(),
        );
        receive_state(b, e(row.pc), clk.clone(), real.clone());
        send_state(b, e(row.pc) + c(4), clk + AB::Expr::ONE, real);
    }
}

#[cfg(feature = "trace")]
pub use trace::generate_trace;

#[cfg(feature = "trace")]
mod trace {
    use core::borrow::BorrowMut;

    use vouch_isa::Opcode;
    use vouch_stark::field::PrimeCharacteristicRing;
    use vouch_stark::matrix::RowMajorMatrix;
    use vouch_stark::Val;

    use super::{UpperChip, UpperCols};
    use crate::gadgets::memory::SLOT_RD;
    use crate::gadgets::word::word_to_field;
    use crate::machine::padded_height;
    use crate::trace::{zero_matrix, InstrEvent, LookupCounts, TraceError};

    /// The LUI/AUIPC table for `events`.
    pub fn generate_trace(
        _chip: &UpperChip,
        events: &[InstrEvent<'_>],
        counts: &mut LookupCounts,
    ) -> Result<RowMajorMatrix<Val>, TraceError> {
        let width = UpperCols::<Val>::WIDTH;
        let mut trace = zero_matrix(padded_height(events.len()), width);
        for (ev, row) in events.iter().zip(trace.values.chunks_exact_mut(width)) {
            populate(ev, row.borrow_mut(), counts);
        }
        Ok(trace)
    }

    fn populate(ev: &InstrEvent<'_>, row: &mut UpperCols<Val>, counts: &mut LookupCounts) {
        let f = Val::from_u32;
        let (insn, step, clk) = (ev.insn, ev.step, ev.clk);
        let auipc = match insn.opcode {
            Opcode::Lui => false,
            Opcode::Auipc => true,
            op => unreachable!("{} dispatched to the LUI/AUIPC chip", op.mnemonic()),
        };
        row.pc = f(step.pc);
        row.clk = f(clk);
        row.rd = f(u32::from(insn.rd));
        row.is_lui = f(u32::from(!auipc));
        row.is_auipc = f(u32::from(auipc));
        row.imm = word_to_field(insn.imm);
        let base = if auipc { step.pc } else { 0 };
        debug_assert!(base < 1 << 29, "pc {:#x} outside the ROM range", step.pc);
        let res = base.wrapping_add(insn.imm);
        debug_assert_eq!(step.rd_val, res, "LUI/AUIPC result at pc {:#x}", step.pc);
        let (pb, ib) = (base.to_le_bytes(), insn.imm.to_le_bytes());
        let mut carry = [0u32; 4];
        let mut cin = 0u32;
        for i in 0..4 {
            carry[i] = (u32::from(pb[i]) + u32::from(ib[i]) + cin) >> 8;
            cin = carry[i];
        }
        row.pcb = word_to_field(base);
        row.carry = carry.map(f);
        row.res = word_to_field(res);

        let pb = pb.map(u32::from);
        counts.program(step.pc);
        counts.byte_pair(pb[0], pb[1]);
        counts.byte_pair(pb[2], pb[3]);
        counts.byte_pair(pb[3] * 8, 0);
        counts.bytes_checked(&res.to_le_bytes().map(u32::from));
        row.rd_write
            .populate(step.rd_prev_ts, step.rd_prev_val, 4 * clk + SLOT_RD, counts);
    }

    #[cfg(test)]
    mod tests {
        use core::borrow::Borrow;

        use vouch_executor::Step;
        use vouch_isa::Instruction;
        use vouch_stark::field::PrimeField32;

        use super::*;
        use crate::chips::branch::failing_constraints;
        use crate::MachineAir;

        #[test]
        fn rows_hold_the_specified_results_and_satisfy_the_constraints() -> Result<(), TraceError> {
            // pcs up to the top of the code range (pc_3 = 31).
            for pc in [0x1_0000u32, 0x1_0ffc, 0x1f7e_fffc] {
                let mut cases = Vec::new();
                for imm20 in [0u32, 1, 0x7ffff, 0x80000, 0xfffef, 0xfffff] {
                    for op in [Opcode::Lui, Opcode::Auipc] {
                        let imm = imm20 << 12;
                        let want = if op == Opcode::Auipc {
                            pc.wrapping_add(imm)
                        } else {
                            imm
                        };
                        cases.push((op, imm, want));
                    }
                }
                let steps: Vec<Step> = cases
                    .iter()
                    .map(|&(_, _, want)| Step {
                        pc,
                        rd_val: want,
                        ..Step::default()
                    })
                    .collect();
                let events: Vec<InstrEvent<'_>> = cases
                    .iter()
                    .zip(&steps)
                    .enumerate()
                    .map(|(i, (&(op, imm, _), step))| InstrEvent {
                        clk: i as u32 + 1,
                        step,
                        insn: Instruction::new(op, 5, 0, 0, imm),
                    })
                    .collect();
                let trace = generate_trace(&UpperChip, &events, &mut LookupCounts::new(pc, 1))?;
                let air = MachineAir::Upper(UpperChip);
                assert_eq!(failing_constraints(air, &trace), None);
                let width = UpperCols::<Val>::WIDTH;
                for (&(op, imm, want), row) in cases.iter().zip(trace.values.chunks_exact(width)) {
                    let row: &UpperCols<Val> = row.borrow();
                    let res = row
                        .res
                        .iter()
                        .rev()
                        .fold(0, |acc, x| acc << 8 | x.as_canonical_u32());
                    assert_eq!(res, want, "{op:?} at {pc:#x}, {imm:#x}");
                }
            }
            Ok(())
        }
    }
}
