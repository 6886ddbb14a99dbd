//! The register side of an ALU-type instruction, `rd = op(rs1, rs2)` or `rd = op(rs1, imm)`:
//! what the ALU, bitwise, shift, multiply and divide chips share around their own arithmetic.
//!
//! A row of such a chip reads `rs1` (slot 0) and, in the register form, `rs2` (slot 1), writes
//! `rd` (slot 3), looks its instruction up in the program ROM at `pc`, and moves the execution
//! from `(pc, clk)` to `(pc + 4, clk + 1)`. In the immediate form the second operand is the
//! ROM's immediate: `rs2` and its read columns are unused and pinned to zero, so no prover can
//! hide a value in them.

use vouch_stark::field::PrimeCharacteristicRing;

use crate::bus::{lookup_program, receive_state, send_state, ProgramRow};
use crate::columns::Word;
use crate::gadgets::memory::{
    eval_read, eval_write, timestamp, ReadCols, WriteCols, SLOT_RD, SLOT_RS1, SLOT_RS2,
};
use crate::MachineBuilder;

/// The columns of one ALU-type row that [`RegisterOp::eval`] constrains, borrowed from the
/// chip's row.
pub struct RegisterOp<'a, V> {
    pub pc: V,
    pub clk: V,
    pub rd: V,
    pub rs1: V,
    /// `rs2` in the register form; pinned to 0 in the immediate form.
    pub rs2: V,
    /// `rs1`'s value.
    pub a: &'a Word<V>,
    /// `rs2`'s value, or the immediate (whose bytes the ROM lookup fixes).
    pub b: &'a Word<V>,
    /// The value written to `rd`.
    pub res: &'a Word<V>,
    pub rs1_read: &'a ReadCols<V>,
    pub rs2_read: &'a ReadCols<V>,
    pub rd_write: &'a WriteCols<V>,
}

/// The [`RegisterOp`] of a chip row whose columns carry its field names (`pc`, `clk`, `rd`,
/// `rs1`, `rs2`, `a`, `b`, `res`, `rs1_read`, `rs2_read`, `rd_write`).
macro_rules! register_op {
    ($row:expr) => {
        $crate::gadgets::register_op::RegisterOp {
            pc: $row.pc,
            clk: $row.clk,
            rd: $row.rd,
            rs1: $row.rs1,
            rs2: $row.rs2,
            a: &$row.a,
            b: &$row.b,
            res: &$row.res,
            rs1_read: &$row.rs1_read,
            rs2_read: &$row.rs2_read,
            rd_write: &$row.rd_write,
        }
    };
}
pub(crate) use register_op;

impl<V: Copy> RegisterOp<'_, V> {
    /// Assumes: `real` is boolean and of degree at most 1 (0 on padding rows); `opcode` is the
    /// row's opcode number, of degree at most 1; the chip range-checks `res`'s bytes.
    ///
    /// Constrains, when `real = 1`: `a` is `rs1`'s current value and `b` is `rs2`'s (register
    /// form) or the ROM's immediate (immediate form); `res` becomes `rd`'s value; the ROM holds
    /// `(opcode, rd, rs1, rs2, imm)` at `pc`; the execution bus moves from `(pc, clk)` to
    /// `(pc + 4, clk + 1)`. In the immediate form, on every row: `rs2` and `rs2_read` are 0.
    pub fn eval<AB: MachineBuilder<Var = V>>(
        &self,
        builder: &mut AB,
        imm: bool,
        opcode: AB::Expr,
        real: AB::Expr,
    ) {
        let e = |v: V| -> AB::Expr { v.into() };
        let clk = e(self.clk);
        eval_read(
            builder,
            e(self.rs1),
            self.a.map(e),
            timestamp(clk.clone(), SLOT_RS1),
            self.rs1_read,
            real.clone(),
        );
        if imm {
            builder.assert_zero(self.rs2);
            builder.assert_zero(self.rs2_read.prev_ts);
            builder.assert_zero(self.rs2_read.diff_lo);
            builder.assert_zero(self.rs2_read.diff_hi);
        } else {
            eval_read(
                builder,
                e(self.rs2),
                self.b.map(e),
                timestamp(clk.clone(), SLOT_RS2),
                self.rs2_read,
                real.clone(),
            );
        }
        eval_write(
            builder,
            e(self.rd),
            self.res.map(e),
            timestamp(clk.clone(), SLOT_RD),
            self.rd_write,
            real.clone(),
        );

        // In the immediate form `b` is the ROM's immediate and `rs2` is 0; in the register
        // form the ROM's immediate is 0.
        let (rs2, imm) = if imm {
            (AB::Expr::ZERO, self.b.map(e))
        } else {
            (e(self.rs2), core::array::from_fn(|_| AB::Expr::ZERO))
        };
        lookup_program(
            builder,
            ProgramRow {
                pc: e(self.pc),
                opcode,
                rd: e(self.rd),
                rs1: e(self.rs1),
                rs2,
                imm,
            },
            real.clone(),
        );
        receive_state(builder, e(self.pc), clk.clone(), real.clone());
        send_state(
            builder,
            e(self.pc) + AB::Expr::from_u32(4),
            clk + AB::Expr::ONE,
            real,
        );
    }
}

#[cfg(feature = "trace")]
pub use populate::populate_register_accesses;

#[cfg(feature = "trace")]
mod populate {
    use vouch_stark::Val;

    use crate::gadgets::memory::{ReadCols, WriteCols, SLOT_RD, SLOT_RS1, SLOT_RS2};
    use crate::trace::{InstrEvent, LookupCounts};

    /// Fill the memory-checking witnesses of an ALU-type row's register accesses (no `rs2`
    /// read in the immediate form: its columns stay 0) and count its ROM lookup.
    pub fn populate_register_accesses(
        ev: &InstrEvent<'_>,
        imm: bool,
        rs1_read: &mut ReadCols<Val>,
        rs2_read: &mut ReadCols<Val>,
        rd_write: &mut WriteCols<Val>,
        counts: &mut LookupCounts,
    ) {
        let (step, ts) = (ev.step, |slot: u32| 4 * ev.clk + slot);
        counts.program(step.pc);
        rs1_read.populate(step.rs1_prev_ts, ts(SLOT_RS1), counts);
        if !imm {
            rs2_read.populate(step.rs2_prev_ts, ts(SLOT_RS2), counts);
        }
        rd_write.populate(step.rd_prev_ts, step.rd_prev_val, ts(SLOT_RD), counts);
    }
}
