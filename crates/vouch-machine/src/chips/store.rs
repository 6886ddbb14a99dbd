//! SB, SH, SW.
//!
//! Given a store row at `(pc, clk)`, this chip proves: `rs1` holds the base `a` and `rs2` the
//! value `b`; the effective address `addr = a + imm (mod 2^32)` lies in RAM,
//! `2^16 <= addr < 2^29`, and is aligned to the access width (the address gadget of the load
//! chip, [`eval_address`], whose docs give the soundness argument, including why the lower
//! bound keeps stores away from the register cells); the aligned word at `addr - addr mod 4`
//! changes from `old` to `new` (a write at slot `SLOT_MEM`), where `new` is `old` with the
//! low byte (SB), the low half (SH) or all (SW) of `b` written at `addr mod 4`; the machine
//! moves to `(pc + 4, clk + 1)`. A store writes no register.
//!
//! # The merge
//! With the one-hot offset `o` and opcode flags, two sets of degree-2 columns describe the
//! store byte by byte:
//!
//! ```text
//!   mask_i = is_sw + is_sh · (o_0 for i in {0, 1}, o_2 for i in {2, 3}) + is_sb · o_i
//!   src_i  = is_sw · b_i + is_sh · b_(i mod 2) + is_sb · b_0
//!   new_i  = old_i + mask_i · (src_i - old_i)
//! ```
//!
//! Alignment: SW needs `o_0`, SH needs `o_0 + o_2 = 1`. On a real row exactly one flag and one
//! offset are set, so each `mask_i` is one of its terms' values, 0 or 1: byte `i` is written
//! exactly when it lies in the stored width at the offset. Hence each `new_i` is either
//! `old_i`, a byte of the memory word (read from the memory bus: bytes by induction), or
//! `src_i`, a byte of `b` (read from the register bus: bytes by induction). So the new word's
//! bytes need no range check, as the memory gadget requires of written values. `new` is a
//! column word because bus tuples must be linear.

use core::borrow::Borrow;

use vouch_isa::Opcode;
use vouch_stark::air::{Air, BaseAir, WindowAccess};
use vouch_stark::field::PrimeCharacteristicRing;
use vouch_stark::Val;

use super::load::{eval_address, AddressCols};
use crate::bus::{lookup_program, receive_state, send_state, ProgramRow};
use crate::columns::Word;
use crate::gadgets::memory::{
    eval_read, eval_write, timestamp, ReadCols, WriteCols, SLOT_MEM, SLOT_RS1, SLOT_RS2,
};
use crate::impl_columns;
use crate::MachineBuilder;

/// One store.
#[repr(C)]
#[derive(Clone, Copy, Debug, Default)]
pub struct StoreCols<T> {
    /// Received on the `exec` bus and looked up in the ROM.
    pub pc: T,
    /// Received on the `exec` bus; fixes the timestamps.
    pub clk: T,
    /// Base register: looked up in the ROM.
    pub rs1: T,
    /// Source register: looked up in the ROM.
    pub rs2: T,
    /// One-hot opcode flags (all zero on padding rows): boolean, at most one set; the ROM
    /// lookup fixes which.
    pub is_sb: T,
    pub is_sh: T,
    pub is_sw: T,
    /// `rs1`'s value (the base): the register read.
    pub a: Word<T>,
    /// `rs2`'s value (stored): the register read.
    pub b: Word<T>,
    /// The immediate's bytes: the ROM lookup.
    pub imm: Word<T>,
    /// `a + imm`: the address gadget.
    pub addr: AddressCols<T>,
    /// Which bytes of the word are written: one constraint per byte.
    pub mask: Word<T>,
    /// The byte of `b` that goes to each byte of the word: one constraint per byte.
    pub src: Word<T>,
    /// The word after the store: one constraint per byte.
    pub new: Word<T>,
    /// Witnesses of the accesses (`gadgets::memory`: the previous timestamps are pinned by the
    /// memory bus, the difference limbs by the ordering relation and their range checks).
    pub rs1_read: ReadCols<T>,
    pub rs2_read: ReadCols<T>,
    /// The memory write; `mem_write.prev` is the word before the store (pinned by the bus).
    pub mem_write: WriteCols<T>,
}
impl_columns!(StoreCols);

/// Number of columns of the store table.
pub const NUM_STORE_COLS: usize = StoreCols::<u8>::WIDTH;

/// The store chip.
#[derive(Clone, Copy, Debug)]
pub struct StoreChip;

impl StoreChip {
    /// The opcodes of `(is_sb, is_sh, is_sw)`.
    pub const OPCODES: [Opcode; 3] = [Opcode::Sb, Opcode::Sh, Opcode::Sw];
}

impl BaseAir<Val> for StoreChip {
    fn width(&self) -> usize {
        NUM_STORE_COLS
    }

    fn main_next_row_columns(&self) -> Vec<usize> {
        Vec::new()
    }
}

impl<AB: MachineBuilder> Air<AB> for StoreChip {
    fn eval(&self, b: &mut AB) {
        let main = b.main();
        let row: StoreCols<AB::Var> = *main.current_slice().borrow();
        let c = |x: u32| AB::Expr::from_u32(x);
        let e = |v: AB::Var| -> AB::Expr { v.into() };

        // Flags: boolean, at most one set; `real` is their sum.
        let flags = [row.is_sb, row.is_sh, row.is_sw];
        for f in flags {
            b.assert_bool(f);
        }
        let real: AB::Expr = flags.iter().map(|&f| e(f)).sum();
        b.assert_bool(real.clone());
        let opcode: AB::Expr = flags
            .iter()
            .zip(StoreChip::OPCODES)
            .map(|(&f, op)| e(f) * c(op as u32))
            .sum();

        // The address, and alignment to the access width.
        let aligned = eval_address(b, &row.a, &row.imm, &row.addr, real.clone());
        let o = row.addr.offset.map(e);
        b.assert_zero(e(row.is_sw) * (AB::Expr::ONE - o[0].clone()));
        b.assert_zero(e(row.is_sh) * (o[1].clone() + o[3].clone()));

        // The merge (see the module docs for why `new` holds bytes).
        let (sb, sh, sw) = (e(row.is_sb), e(row.is_sh), e(row.is_sw));
        let old = row.mem_write.prev.map(e);
        for i in 0..4 {
            let half_offset = if i < 2 { o[0].clone() } else { o[2].clone() };
            b.assert_eq(
                row.mask[i],
                sw.clone() + sh.clone() * half_offset + sb.clone() * o[i].clone(),
            );
            b.assert_eq(
                row.src[i],
                sw.clone() * e(row.b[i]) + sh.clone() * e(row.b[i % 2]) + sb.clone() * e(row.b[0]),
            );
            b.assert_eq(
                row.new[i],
                old[i].clone() + e(row.mask[i]) * (e(row.src[i]) - old[i].clone()),
            );
        }

        // Register reads, memory write.
        let clk = e(row.clk);
        eval_read(
            b,
            e(row.rs1),
            row.a.map(e),
            timestamp(clk.clone(), SLOT_RS1),
            &row.rs1_read,
            real.clone(),
        );
        eval_read(
            b,
            e(row.rs2),
            row.b.map(e),
            timestamp(clk.clone(), SLOT_RS2),
            &row.rs2_read,
            real.clone(),
        );
        eval_write(
            b,
            aligned,
            row.new.map(e),
            timestamp(clk.clone(), SLOT_MEM),
            &row.mem_write,
            real.clone(),
        );

        // The instruction and the next state.
        lookup_program(
            b,
            ProgramRow {
                pc: e(row.pc),
                opcode,
                rd: AB::Expr::ZERO,
                rs1: e(row.rs1),
                rs2: e(row.rs2),
                imm: row.imm.map(e),
            },
            real.clone(),
        );
        receive_state(b, e(row.pc), clk.clone(), real.clone());
        send_state(b, e(row.pc) + c(4), clk + c(1), real);
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

    use super::{StoreChip, StoreCols};
    use crate::gadgets::memory::{SLOT_MEM, SLOT_RS1, SLOT_RS2};
    use crate::gadgets::word::word_to_field;
    use crate::machine::padded_height;
    use crate::trace::{zero_matrix, InstrEvent, LookupCounts, TraceError};

    /// The store table for `events`.
    pub fn generate_trace(
        _chip: &StoreChip,
        events: &[InstrEvent<'_>],
        counts: &mut LookupCounts,
    ) -> Result<RowMajorMatrix<Val>, TraceError> {
        let width = StoreCols::<Val>::WIDTH;
        let mut trace = zero_matrix(padded_height(events.len()), width);
        for (ev, row) in events.iter().zip(trace.values.chunks_exact_mut(width)) {
            let row: &mut StoreCols<Val> = row.borrow_mut();
            populate(ev, row, counts);
        }
        Ok(trace)
    }

    fn populate(ev: &InstrEvent<'_>, row: &mut StoreCols<Val>, counts: &mut LookupCounts) {
        let f = Val::from_u32;
        let (insn, step, clk) = (ev.insn, ev.step, ev.clk);
        let ts = |slot: u32| 4 * clk + slot;
        let op = insn.opcode;
        let flag = |o: Opcode| u32::from(op == o);
        assert!(
            StoreChip::OPCODES.contains(&op),
            "{} dispatched to the store chip",
            op.mnemonic()
        );
        let (sb, sh, sw) = (flag(Opcode::Sb), flag(Opcode::Sh), flag(Opcode::Sw));
        row.pc = f(step.pc);
        row.clk = f(clk);
        row.rs1 = f(u32::from(insn.rs1));
        row.rs2 = f(u32::from(insn.rs2));
        row.is_sb = f(sb);
        row.is_sh = f(sh);
        row.is_sw = f(sw);
        row.a = word_to_field(step.rs1_val);
        row.b = word_to_field(step.rs2_val);
        row.imm = word_to_field(insn.imm);
        let addr = row.addr.populate(step.rs1_val, insn.imm, counts);
        debug_assert_eq!(
            step.mem.addr,
            addr & !3,
            "store address at pc {:#x}",
            step.pc
        );

        // The merge, by the constraints' formulas.
        let k = (addr & 3) as usize;
        let o = |j: usize| u32::from(k == j);
        let b = step.rs2_val.to_le_bytes().map(u32::from);
        let old = step.mem.prev_value.to_le_bytes().map(u32::from);
        let mut new = [0u32; 4];
        for i in 0..4 {
            let mask = sw + sh * o(if i < 2 { 0 } else { 2 }) + sb * o(i);
            let src = sw * b[i] + sh * b[i % 2] + sb * b[0];
            new[i] = if mask == 1 { src } else { old[i] };
            row.mask[i] = f(mask);
            row.src[i] = f(src);
            row.new[i] = f(new[i]);
        }
        debug_assert_eq!(
            u32::from_le_bytes(new.map(|x| x as u8)),
            step.mem.value,
            "stored word at pc {:#x}",
            step.pc
        );

        counts.program(step.pc);
        row.rs1_read
            .populate(step.rs1_prev_ts, ts(SLOT_RS1), counts);
        row.rs2_read
            .populate(step.rs2_prev_ts, ts(SLOT_RS2), counts);
        row.mem_write
            .populate(step.mem.prev_ts, step.mem.prev_value, ts(SLOT_MEM), counts);
    }
}

/// SANITY: the constraints on single rows built by the trace generator (see the load chip's
/// unit tests for why alignment is checked here).
#[cfg(all(test, feature = "trace"))]
mod tests {
    use vouch_executor::{MemoryAccess, Step};
    use vouch_isa::{Instruction, Opcode};
    use vouch_stark::matrix::RowMajorMatrix;
    use vouch_stark::Val;

    use super::{generate_trace, StoreChip};
    use crate::chips::load::tests::failing_constraints;
    use crate::trace::{InstrEvent, LookupCounts};
    use crate::MachineAir;

    /// Index of the SW alignment constraint in `StoreChip::eval`'s order.
    const SW_ALIGNED: usize = 14;
    /// Index of the SH alignment constraint.
    const SH_ALIGNED: usize = 15;

    /// What the row's constraints make the new word (for a misaligned SH: unchanged, as the
    /// mask selects nothing).
    fn formula(op: Opcode, old: u32, value: u32, k: usize) -> u32 {
        let (mut w, v) = (old.to_le_bytes(), value.to_le_bytes());
        match op {
            Opcode::Sb => w[k] = v[0],
            Opcode::Sh if matches!(k, 0 | 2) => w[k..k + 2].copy_from_slice(&v[..2]),
            Opcode::Sh => {}
            _ => w = v,
        }
        u32::from_le_bytes(w)
    }

    /// The store table with the single row `op x7, imm(x6)`, x6 = `base`, over `old`.
    fn table(op: Opcode, base: u32, imm: u32, old: u32, value: u32) -> RowMajorMatrix<Val> {
        let addr = base.wrapping_add(imm);
        let new = formula(op, old, value, (addr & 3) as usize);
        let step = Step {
            pc: 0x1_0000,
            rs1_val: base,
            rs2_val: value,
            rs1_prev_ts: 1,
            rs2_prev_ts: 2,
            mem: MemoryAccess {
                addr: addr & !3,
                value: new,
                prev_value: old,
                prev_ts: 3,
            },
            ..Default::default()
        };
        let ev = InstrEvent {
            clk: 1,
            step: &step,
            insn: Instruction::new(op, 0, 6, 7, imm),
        };
        generate_trace(&StoreChip, &[ev], &mut LookupCounts::new(0x1_0000, 1))
            .unwrap_or_else(|e| panic!("{e}"))
    }

    #[test]
    fn aligned_stores_satisfy_the_constraints() {
        for (op, k) in [
            (Opcode::Sb, 0),
            (Opcode::Sb, 1),
            (Opcode::Sb, 2),
            (Opcode::Sb, 3),
            (Opcode::Sh, 0),
            (Opcode::Sh, 2),
            (Opcode::Sw, 0),
        ] {
            let t = table(
                op,
                0x0100_0010 + k,
                (-16i32) as u32,
                0x1122_3344,
                0xa5b6_c7d8,
            );
            assert_eq!(
                failing_constraints(MachineAir::Store(StoreChip), &t),
                None,
                "{op:?} at {k}"
            );
        }
    }

    #[test]
    fn misaligned_stores_fail_only_the_alignment_constraint() {
        for k in 1..4 {
            let t = table(Opcode::Sw, 0x0100_0000, k, 0x1122_3344, 0xa5b6_c7d8);
            assert_eq!(
                failing_constraints(MachineAir::Store(StoreChip), &t).as_deref(),
                Some(format!("[#{SW_ALIGNED}]").as_str()),
                "sw at offset {k}"
            );
        }
        for k in [1, 3] {
            let t = table(Opcode::Sh, 0x0100_0000, k, 0x1122_3344, 0xa5b6_c7d8);
            assert_eq!(
                failing_constraints(MachineAir::Store(StoreChip), &t).as_deref(),
                Some(format!("[#{SH_ALIGNED}]").as_str()),
                "sh at offset {k}"
            );
        }
    }
}
