//! JAL and JALR.
//!
//! Given a jump row at `(pc, clk)` — the ROM's instruction at `pc` with its signed immediate —
//! this chip writes the link `pc + 4` to `rd` and moves to `(target, clk + 1)`, where the
//! target is `pc + imm` (JAL) or `(rs1 + imm) mod 2^32` with bit 0 cleared (JALR).
//!
//! **Link.** `rd` receives four bytes `link` with `Σ 256^i link_i = pc + 4`. The bytes are
//! range-checked and `link_3 < 32` (a byte check of `8 link_3`), so the word is an integer
//! below 2^29 < p and the field equation fixes it: it is the integer `pc + 4`. Without the
//! bound on `link_3`, `pc + 4 + p` (a different word) would satisfy the same equation.
//!
//! **JAL target.** `pc + imm` as a field element, with the immediate's signed value (see
//! [`super::branch::signed_imm`]). `pc` is a ROM address below 2^29 and `|imm| ≤ 2^20`, so
//! the sum is the integer target or, when negative, a field element at least `p - 2^20 > 2^29`
//! that no ROM row holds. No range check is needed: the next instruction row looks its pc up
//! in the ROM.
//!
//! **JALR target.** The 32-bit sum `a + imm` (with `a` = `rs1`'s bytes and the immediate's
//! four ROM bytes, i.e. its value mod 2^32) is computed with two 16-bit limbs:
//! - low:  `2 half0 + bit0 + 256 byte1 + 2^16 carry_lo = a_0 + 256 a_1 + imm_0 + 256 imm_1`
//! - high: `target_hi + 2^16 carry_hi = a_2 + 256 a_3 + imm_2 + 256 imm_3 + carry_lo`
//!
//! with `bit0`, `carry_lo`, `carry_hi` bits, `half0 < 128` and `byte1 < 256` (one byte-pair
//! lookup of `(half0, 2 half0)` and one of `byte1`) and `8 target_hi < 2^16`. Each side is an
//! integer below 2^17, so both equations hold over the integers and fix every witness: `bit0`
//! is bit 0 of the sum (the low equation's parity alone forces that; `half0 < 128` makes the
//! decomposition unique), and the target `2 half0 + 256 byte1 + 2^16 target_hi` is the sum
//! with bit 0 cleared. The check `8 target_hi < 2^16` is what makes `target_hi` an integer (the
//! right-hand side minus `2^16 carry_hi` is an integer in `(-2^16, 2^17)`; eight times it is
//! below 2^16 in the field only if it is an integer in `[0, 2^13)`), and it proves the target
//! below 2^29, so the target is turned into a field element without wrapping around p. Without
//! it a register holding `2p + t` (a valid 32-bit value, far outside the code) would let a
//! JALR land on the ROM address `t`.
//!
//! On JAL rows the JALR-only columns (`a`, the adder's witnesses, the `rs1` read) are
//! constrained to zero, so that every column is pinned on every real row.

use core::borrow::Borrow;

use vouch_isa::Opcode;
use vouch_stark::air::{Air, BaseAir, WindowAccess};
use vouch_stark::field::PrimeCharacteristicRing;
use vouch_stark::Val;

use super::branch::signed_imm;
use crate::bus::{byte_pair, lookup_program, range16, receive_state, send_state, ProgramRow};
use crate::columns::Word;
use crate::gadgets::memory::{
    eval_read, eval_write, timestamp, ReadCols, WriteCols, SLOT_RD, SLOT_RS1,
};
use crate::gadgets::word::word_value;
use crate::impl_columns;
use crate::MachineBuilder;

/// One jump instruction.
#[repr(C)]
#[derive(Clone, Copy, Debug, Default)]
pub struct JumpCols<T> {
    /// Pinned by the ROM lookup and the `exec` receive.
    pub pc: T,
    /// Pinned by the `exec` receive.
    pub clk: T,
    /// Register numbers, pinned by the ROM lookup (`rs1 = 0` for JAL).
    pub rd: T,
    pub rs1: T,
    /// One-hot opcode flags (boolean, sum boolean: the sum is `is_real`).
    pub is_jal: T,
    pub is_jalr: T,
    /// The immediate's bytes, pinned by the ROM lookup.
    pub imm: Word<T>,
    /// `rs1`'s value (JALR), pinned by the memory read; zero on JAL rows.
    pub a: Word<T>,
    /// `pc + 4`, written to `rd`: byte-checked, `link_3 < 32`, pinned by `Σ 256^i link_i =
    /// pc + 4`.
    pub link: Word<T>,
    /// JALR: bits 1..8 of the target (`target_0 = 2 half0`), below 128; pinned by the low
    /// adder equation and the lookup of `(half0, 2 half0)`. Zero on JAL rows.
    pub half0: T,
    /// JALR: byte 1 of the target, byte-checked; pinned by the low adder equation. Zero on JAL
    /// rows.
    pub byte1: T,
    /// JALR: bit 0 of `rs1 + imm`, which the jump clears; boolean, pinned by the low adder
    /// equation. Zero on JAL rows.
    pub bit0: T,
    /// JALR: the carry out of the low 16 bits; boolean, pinned by the low adder equation.
    /// Zero on JAL rows.
    pub carry_lo: T,
    /// JALR: the carry out of bit 31 (discarded: the sum is mod 2^32); boolean, pinned by the
    /// high adder equation. Zero on JAL rows.
    pub carry_hi: T,
    /// JALR: the target's high 16 bits, below 2^13 (`range16` of `8 target_hi`), pinned by
    /// the high adder equation. Zero on JAL rows.
    pub target_hi: T,
    /// The pc sent on the `exec` bus, constrained to the target.
    pub next_pc: T,
    /// The `rs1` read (JALR only; zero on JAL rows).
    pub rs1_read: ReadCols<T>,
    pub rd_write: WriteCols<T>,
}
impl_columns!(JumpCols);

/// The jump chip.
#[derive(Clone, Copy, Debug)]
pub struct JumpChip;

impl BaseAir<Val> for JumpChip {
    fn width(&self) -> usize {
        JumpCols::<Val>::WIDTH
    }

    fn main_next_row_columns(&self) -> Vec<usize> {
        Vec::new()
    }
}

impl<AB: MachineBuilder> Air<AB> for JumpChip {
    fn eval(&self, b: &mut AB) {
        let main = b.main();
        let row: JumpCols<AB::Var> = *main.current_slice().borrow();
        let c = |x: u32| AB::Expr::from_u32(x);
        let e = |v: AB::Var| -> AB::Expr { v.into() };

        // Flags: boolean, at most one set; `real` is their sum (0 on padding rows).
        b.assert_bool(row.is_jal);
        b.assert_bool(row.is_jalr);
        let real = e(row.is_jal) + e(row.is_jalr);
        b.assert_bool(real.clone());
        let opcode =
            e(row.is_jal) * c(Opcode::Jal as u32) + e(row.is_jalr) * c(Opcode::Jalr as u32);

        // The link: the bytes of the integer pc + 4 (pc + 4 < 2^29, link_3 < 32).
        b.assert_eq(
            word_value::<AB::Expr, _>(&row.link),
            e(row.pc) + real.clone() * c(4),
        );
        byte_pair(b, e(row.link[0]), e(row.link[1]), real.clone());
        byte_pair(b, e(row.link[2]), e(row.link[3]), real.clone());
        byte_pair(b, e(row.link[3]) * c(8), e(row.byte1), real.clone());

        // JALR's adder (see the module docs), gated by is_jalr (degree 2).
        for bit in [row.bit0, row.carry_lo, row.carry_hi] {
            b.assert_bool(bit);
        }
        let jalr = e(row.is_jalr);
        let low = e(row.half0) * c(2)
            + e(row.bit0)
            + e(row.byte1) * c(256)
            + e(row.carry_lo) * c(1 << 16);
        let low_in = e(row.a[0]) + e(row.a[1]) * c(256) + e(row.imm[0]) + e(row.imm[1]) * c(256);
        b.assert_zero(jalr.clone() * (low - low_in));
        let high = e(row.target_hi) + e(row.carry_hi) * c(1 << 16);
        let high_in = e(row.a[2])
            + e(row.a[3]) * c(256)
            + e(row.imm[2])
            + e(row.imm[3]) * c(256)
            + e(row.carry_lo);
        b.assert_zero(jalr.clone() * (high - high_in));
        byte_pair(b, e(row.half0), e(row.half0) * c(2), real.clone());
        range16(b, e(row.target_hi) * c(8), real.clone());

        // JALR-only columns are zero on JAL rows.
        let jalr_only = [
            row.a[0],
            row.a[1],
            row.a[2],
            row.a[3],
            row.half0,
            row.byte1,
            row.bit0,
            row.carry_lo,
            row.carry_hi,
            row.target_hi,
            row.rs1_read.prev_ts,
            row.rs1_read.diff_lo,
            row.rs1_read.diff_hi,
        ];
        for x in jalr_only {
            b.assert_zero(e(row.is_jal) * e(x));
        }

        // The target (degree 2; 0 on padding).
        let jal_target = e(row.pc) + signed_imm::<AB::Expr, _>(&row.imm);
        let jalr_target =
            e(row.half0) * c(2) + e(row.byte1) * c(256) + e(row.target_hi) * c(1 << 16);
        b.assert_eq(row.next_pc, e(row.is_jal) * jal_target + jalr * jalr_target);

        // Registers: JALR reads rs1; both write the link to rd.
        let clk = e(row.clk);
        eval_read(
            b,
            e(row.rs1),
            row.a.map(e),
            timestamp(clk.clone(), SLOT_RS1),
            &row.rs1_read,
            e(row.is_jalr),
        );
        eval_write(
            b,
            e(row.rd),
            row.link.map(e),
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
                rs1: e(row.rs1),
                rs2: AB::Expr::ZERO,
                imm: row.imm.map(e),
            },
            real.clone(),
        );
        receive_state(b, e(row.pc), clk.clone(), real.clone());
        send_state(b, e(row.next_pc), clk + AB::Expr::ONE, real);
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

    use super::{JumpChip, JumpCols};
    use crate::gadgets::memory::{SLOT_RD, SLOT_RS1};
    use crate::gadgets::word::word_to_field;
    use crate::machine::padded_height;
    use crate::trace::{zero_matrix, InstrEvent, LookupCounts, TraceError};

    /// The jump table for `events`.
    pub fn generate_trace(
        _chip: &JumpChip,
        events: &[InstrEvent<'_>],
        counts: &mut LookupCounts,
    ) -> Result<RowMajorMatrix<Val>, TraceError> {
        let width = JumpCols::<Val>::WIDTH;
        let mut trace = zero_matrix(padded_height(events.len()), width);
        for (ev, row) in events.iter().zip(trace.values.chunks_exact_mut(width)) {
            populate(ev, row.borrow_mut(), counts);
        }
        Ok(trace)
    }

    fn populate(ev: &InstrEvent<'_>, row: &mut JumpCols<Val>, counts: &mut LookupCounts) {
        let f = Val::from_u32;
        let (insn, step, clk) = (ev.insn, ev.step, ev.clk);
        let jalr = match insn.opcode {
            Opcode::Jal => false,
            Opcode::Jalr => true,
            op => unreachable!("{} dispatched to the jump chip", op.mnemonic()),
        };
        row.pc = f(step.pc);
        row.clk = f(clk);
        row.rd = f(u32::from(insn.rd));
        row.rs1 = f(u32::from(insn.rs1));
        row.is_jal = f(u32::from(!jalr));
        row.is_jalr = f(u32::from(jalr));
        row.imm = word_to_field(insn.imm);
        let link = step.pc + 4;
        debug_assert_eq!(step.rd_val, link, "link at pc {:#x}", step.pc);
        debug_assert!(link < 1 << 29, "pc {:#x} outside the ROM range", step.pc);
        row.link = word_to_field(link);
        let lb = link.to_le_bytes().map(u32::from);

        let (half0, byte1, target_hi) = if jalr {
            let a = step.rs1_val;
            let sum = a.wrapping_add(insn.imm);
            let target = sum & !1;
            let carry_lo = ((a & 0xffff) + (insn.imm & 0xffff)) >> 16;
            let carry_hi = ((a >> 16) + (insn.imm >> 16) + carry_lo) >> 16;
            row.a = word_to_field(a);
            row.bit0 = f(sum & 1);
            row.carry_lo = f(carry_lo);
            row.carry_hi = f(carry_hi);
            // The executor only reaches a proof with a target in the code, below 2^29.
            debug_assert!(
                target < 1 << 29,
                "JALR target {target:#x} at pc {:#x}",
                step.pc
            );
            let parts = ((target & 0xff) >> 1, (target >> 8) & 0xff, target >> 16);
            row.rs1_read
                .populate(step.rs1_prev_ts, 4 * clk + SLOT_RS1, counts);
            row.next_pc = f(target);
            parts
        } else {
            row.next_pc = f(step.pc.wrapping_add(insn.imm));
            (0, 0, 0)
        };
        row.half0 = f(half0);
        row.byte1 = f(byte1);
        row.target_hi = f(target_hi);

        counts.program(step.pc);
        counts.byte_pair(lb[0], lb[1]);
        counts.byte_pair(lb[2], lb[3]);
        counts.byte_pair(lb[3] * 8, byte1);
        counts.byte_pair(half0, half0 * 2);
        counts.range16(target_hi * 8);
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

        fn u(v: Val) -> u32 {
            v.as_canonical_u32()
        }

        #[test]
        fn rows_hold_link_and_target_and_satisfy_the_constraints() -> Result<(), TraceError> {
            // (opcode, rs1 value, imm, target)
            let mut cases = Vec::new();
            let targets: [u32; 5] = [0x1_0000, 0x1_0004, 0x1_fffc, 0x1f7e_fffc, 0x1fff_fffc];
            for target in targets {
                for imm in [0i32, 1, -1, 2047, -2048, 5, -7] {
                    for bit0 in [0, 1] {
                        let a = (target + bit0).wrapping_sub(imm as u32);
                        cases.push((Opcode::Jalr, a, imm as u32, target));
                    }
                }
                let imm = target.wrapping_sub(0x2000);
                if imm.wrapping_add(1 << 20) < 1 << 21 {
                    cases.push((Opcode::Jal, 0, imm, target));
                }
            }
            cases.push((Opcode::Jal, 0, (-0x1000i32) as u32, 0x1000));
            let steps: Vec<Step> = cases
                .iter()
                .map(|&(op, a, _, _)| Step {
                    pc: 0x2000,
                    rs1_val: if op == Opcode::Jalr { a } else { 0 },
                    rd_val: 0x2004,
                    ..Step::default()
                })
                .collect();
            let events: Vec<InstrEvent<'_>> = cases
                .iter()
                .zip(&steps)
                .enumerate()
                .map(|(i, (&(op, _, imm, _), step))| InstrEvent {
                    clk: i as u32 + 1,
                    step,
                    insn: Instruction::new(op, 1, if op == Opcode::Jalr { 5 } else { 0 }, 0, imm),
                })
                .collect();
            let trace = generate_trace(&JumpChip, &events, &mut LookupCounts::new(0x2000, 1))?;
            assert_eq!(
                failing_constraints(MachineAir::Jump(JumpChip), &trace),
                None
            );
            let width = JumpCols::<Val>::WIDTH;
            for (&(op, a, imm, target), row) in cases.iter().zip(trace.values.chunks_exact(width)) {
                let row: &JumpCols<Val> = row.borrow();
                assert_eq!(u(row.next_pc), target, "{op:?} {a:#x} + {imm:#x}");
                assert_eq!(row.link.map(u), [4, 0x20, 0, 0]);
                if op == Opcode::Jalr {
                    assert_eq!(u(row.bit0), a.wrapping_add(imm) & 1);
                }
            }
            Ok(())
        }
    }
}
