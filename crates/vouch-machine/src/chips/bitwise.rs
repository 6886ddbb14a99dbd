//! XOR, OR, AND and their immediate forms XORI, ORI, ANDI.
//!
//! Given an instruction row at `(pc, clk)`, this chip proves `rd = op(rs1, b)` where `b` is
//! `rs2`'s value (register table) or the immediate (immediate table), then moves to
//! `(pc + 4, clk + 1)`.
//!
//! Each result byte comes from one lookup `(op, a_i, b_i, res_i)` into the byte table, which
//! holds exactly the tuples `(op, x, y, op(x, y))` for bytes `x`, `y` and `op` = AND, OR or
//! XOR (and `(0, x, y, 0)` range checks). `op` is a linear combination of the one-hot opcode
//! flags, so on a real row it is one of AND/OR/XOR, the one the ROM lookup ties to the
//! instruction's opcode (the same flags build the opcode). A tuple in the table has bytes in
//! every position, so the lookup also proves that `res_i` is a byte (as every register write
//! must be) and that `a_i`, `b_i` are bytes: no further range check is needed.
//!
//! Sound because `res` is fixed byte by byte by the table, `a` by the memory bus (the `rs1`
//! read), `b` by the memory bus (`rs2` read) or by the ROM (the immediate's bytes), and `op` by
//! the flags, which the ROM lookup fixes to the instruction at `pc`.

use core::borrow::Borrow;

use vouch_isa::Opcode;
use vouch_stark::air::{Air, BaseAir, WindowAccess};
use vouch_stark::field::PrimeCharacteristicRing;
use vouch_stark::Val;

use crate::bus::{byte_op, BYTE_AND, BYTE_OR, BYTE_XOR};
use crate::columns::Word;
use crate::gadgets::memory::{ReadCols, WriteCols};
use crate::gadgets::register_op::register_op;
use crate::impl_columns;
use crate::MachineBuilder;

/// One bitwise instruction. Padding rows are all zero.
#[repr(C)]
#[derive(Clone, Copy, Debug, Default)]
pub struct BitwiseCols<T> {
    /// The instruction's address: pinned by the ROM lookup and the `exec` receive.
    pub pc: T,
    /// The clock: pinned by the `exec` receive.
    pub clk: T,
    /// Destination register: pinned by the ROM lookup.
    pub rd: T,
    /// First source register: pinned by the ROM lookup.
    pub rs1: T,
    /// Second source register: pinned by the ROM lookup (register table); constrained to 0 in
    /// the immediate table.
    pub rs2: T,
    /// XOR/XORI. The three opcode flags are one-hot: each boolean with a boolean sum
    /// (`real`); which one is set is pinned by the ROM lookup, whose opcode they build.
    pub is_xor: T,
    /// OR/ORI (see `is_xor`).
    pub is_or: T,
    /// AND/ANDI (see `is_xor`).
    pub is_and: T,
    /// `rs1`'s value: pinned by the `rs1` read on the memory bus (bytes by induction).
    pub a: Word<T>,
    /// `rs2`'s value (pinned by the `rs2` read) or the immediate (pinned by the ROM lookup).
    pub b: Word<T>,
    /// The value written to `rd`: pinned byte by byte by the `bytes` lookups
    /// `(op, a_i, b_i, res_i)`.
    pub res: Word<T>,
    /// The `rs1` read's timestamp witness (see `gadgets::memory`).
    pub rs1_read: ReadCols<T>,
    /// The `rs2` read's timestamp witness (register table); constrained to 0 in the immediate
    /// table.
    pub rs2_read: ReadCols<T>,
    /// The `rd` write's timestamp witness and the overwritten value.
    pub rd_write: WriteCols<T>,
}
impl_columns!(BitwiseCols);

/// The bitwise chip, for the register forms or the immediate forms.
#[derive(Clone, Copy, Debug)]
pub struct BitwiseChip {
    /// Immediate forms (no `rs2` read) rather than register forms.
    pub imm: bool,
}

impl BitwiseChip {
    /// The opcodes of `(is_xor, is_or, is_and)` in this table.
    pub fn opcodes(&self) -> [Opcode; 3] {
        if self.imm {
            [Opcode::Xori, Opcode::Ori, Opcode::Andi]
        } else {
            [Opcode::Xor, Opcode::Or, Opcode::And]
        }
    }
}

/// The byte-table operations of `(is_xor, is_or, is_and)`.
const BYTE_OPS: [u32; 3] = [BYTE_XOR, BYTE_OR, BYTE_AND];

impl BaseAir<Val> for BitwiseChip {
    fn width(&self) -> usize {
        BitwiseCols::<Val>::WIDTH
    }

    fn main_next_row_columns(&self) -> Vec<usize> {
        Vec::new()
    }
}

impl<AB: MachineBuilder> Air<AB> for BitwiseChip {
    fn eval(&self, b: &mut AB) {
        let main = b.main();
        let row: BitwiseCols<AB::Var> = *main.current_slice().borrow();
        let c = |x: u32| AB::Expr::from_u32(x);
        let e = |v: AB::Var| -> AB::Expr { v.into() };

        // Flags: each boolean and their sum `real` boolean, so at most one is set; `real` is 1
        // exactly on rows that prove an instruction, and every interaction below has
        // multiplicity `real` (0 on the all-zero padding rows).
        let flags = [row.is_xor, row.is_or, row.is_and];
        for f in flags {
            b.assert_bool(f);
        }
        let real: AB::Expr = flags.iter().map(|&f| e(f)).sum();
        b.assert_bool(real.clone());
        // The opcode and the byte operation, both linear in the flags: on a real row the ROM
        // lookup fixes the flag, hence the byte operation.
        let opcode: AB::Expr = flags
            .iter()
            .zip(self.opcodes())
            .map(|(&f, op)| e(f) * c(op as u32))
            .sum();
        let op: AB::Expr = flags.iter().zip(BYTE_OPS).map(|(&f, o)| e(f) * c(o)).sum();

        // The result, byte by byte: `res_i = op(a_i, b_i)`, and all three are bytes.
        for i in 0..4 {
            byte_op(
                b,
                op.clone(),
                e(row.a[i]),
                e(row.b[i]),
                e(row.res[i]),
                real.clone(),
            );
        }

        // Registers, the ROM lookup and the next state.
        register_op!(row).eval(b, self.imm, opcode, real);
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

    use super::{BitwiseChip, BitwiseCols, BYTE_OPS};
    use crate::gadgets::register_op::populate_register_accesses;
    use crate::gadgets::word::word_to_field;
    use crate::machine::padded_height;
    use crate::trace::{zero_matrix, InstrEvent, LookupCounts, TraceError};

    /// The bitwise table for `events`.
    pub fn generate_trace(
        chip: &BitwiseChip,
        events: &[InstrEvent<'_>],
        counts: &mut LookupCounts,
    ) -> Result<RowMajorMatrix<Val>, TraceError> {
        let width = BitwiseCols::<Val>::WIDTH;
        let mut trace = zero_matrix(padded_height(events.len()), width);
        for (ev, row) in events.iter().zip(trace.values.chunks_exact_mut(width)) {
            let row: &mut BitwiseCols<Val> = row.borrow_mut();
            populate(*chip, ev, row, counts);
        }
        Ok(trace)
    }

    fn populate(
        chip: BitwiseChip,
        ev: &InstrEvent<'_>,
        row: &mut BitwiseCols<Val>,
        counts: &mut LookupCounts,
    ) {
        let f = Val::from_u32;
        let (insn, step, clk) = (ev.insn, ev.step, ev.clk);
        let which = match insn.opcode {
            Opcode::Xor | Opcode::Xori => 0,
            Opcode::Or | Opcode::Ori => 1,
            Opcode::And | Opcode::Andi => 2,
            op => unreachable!("{} dispatched to the bitwise chip", op.mnemonic()),
        };
        debug_assert_eq!(
            insn.opcode.is_alu_imm(),
            chip.imm,
            "bitwise table of {:?}",
            insn.opcode
        );
        row.pc = f(step.pc);
        row.clk = f(clk);
        row.rd = f(u32::from(insn.rd));
        row.rs1 = f(u32::from(insn.rs1));
        row.rs2 = f(u32::from(insn.rs2));
        let flags = [&mut row.is_xor, &mut row.is_or, &mut row.is_and];
        for (k, flag) in flags.into_iter().enumerate() {
            *flag = f(u32::from(k == which));
        }
        let a = step.rs1_val;
        let b = if chip.imm { insn.imm } else { step.rs2_val };
        debug_assert_eq!(
            step.rd_val,
            [a ^ b, a | b, a & b][which],
            "bitwise result at pc {:#x}",
            step.pc
        );
        row.a = word_to_field(a);
        row.b = word_to_field(b);
        row.res = word_to_field(step.rd_val);
        for (x, y) in a.to_le_bytes().into_iter().zip(b.to_le_bytes()) {
            counts.byte_op(BYTE_OPS[which], u32::from(x), u32::from(y));
        }
        populate_register_accesses(
            ev,
            chip.imm,
            &mut row.rs1_read,
            &mut row.rs2_read,
            &mut row.rd_write,
            counts,
        );
    }
}
