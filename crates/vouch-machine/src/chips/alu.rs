//! ADD, SUB, SLT, SLTU and their immediate forms ADDI, SLTI, SLTIU (FENCE runs as ADDI).
//!
//! Given an instruction row at `(pc, clk)`, this chip proves `rd = op(rs1, b)` where `b` is
//! `rs2`'s value (register table) or the immediate (immediate table), then moves to
//! `(pc + 4, clk + 1)`.
//!
//! One byte-wise adder serves every operation. With `sum` a 4-byte witness and `carry` its four
//! carry bits, for each byte `i` (with `carry[-1] = 0`):
//! - ADD:            `a_i + b_i + carry[i-1] = sum_i + 256 carry_i`   (sum = a + b mod 2^32)
//! - SUB, SLT, SLTU: `sum_i + b_i + carry[i-1] = a_i + 256 carry_i`   (sum = a - b mod 2^32)
//!
//! `sum`'s bytes are range-checked, so each relation holds over the integers and fixes `sum` and
//! the carries uniquely. In the second form the final carry is 1 exactly when `a < b`
//! (unsigned): that is SLTU. For SLT, `a <s b` is `(a <u b) xor sign(a) xor sign(b)`; the sign
//! bits are proven by `a_3 - 128 a_msb` and `b_3 - 128 b_msb` being below 128 (a byte-pair
//! lookup of their doubles).

use core::borrow::Borrow;

use vouch_isa::Opcode;
use vouch_stark::air::{Air, BaseAir, WindowAccess};
use vouch_stark::field::PrimeCharacteristicRing;
use vouch_stark::Val;

use crate::bus::{byte_pair, bytes_checked};
use crate::columns::Word;
use crate::gadgets::memory::{ReadCols, WriteCols};
use crate::gadgets::register_op::register_op;
use crate::impl_columns;
use crate::MachineBuilder;

/// One ALU instruction.
#[repr(C)]
#[derive(Clone, Copy, Debug, Default)]
pub struct AluCols<T> {
    pub pc: T,
    pub clk: T,
    pub rd: T,
    pub rs1: T,
    /// `rs2` in the register table; unused (0) in the immediate table.
    pub rs2: T,
    /// One-hot opcode flags (ADDI/SLTI/SLTIU in the immediate table; no SUBI exists).
    pub is_add: T,
    pub is_sub: T,
    pub is_slt: T,
    pub is_sltu: T,
    /// `rs1`'s value.
    pub a: Word<T>,
    /// `rs2`'s value, or the immediate (whose bytes the ROM lookup fixes).
    pub b: Word<T>,
    /// The adder's witness: `a + b` or `a - b`.
    pub sum: Word<T>,
    pub carry: Word<T>,
    /// The value written to `rd`.
    pub res: Word<T>,
    pub a_msb: T,
    pub b_msb: T,
    /// `a_msb xor b_msb`.
    pub sign_differ: T,
    /// `carry_3 xor sign_differ`: signed less-than.
    pub slt: T,
    pub rs1_read: ReadCols<T>,
    pub rs2_read: ReadCols<T>,
    pub rd_write: WriteCols<T>,
}
impl_columns!(AluCols);

/// The ALU chip, for the register forms or the immediate forms.
#[derive(Clone, Copy, Debug)]
pub struct AluChip {
    pub imm: bool,
}

impl AluChip {
    /// The opcodes of `(is_add, is_sub, is_slt, is_sltu)` in this table (SUB has none in the
    /// immediate table).
    pub fn opcodes(&self) -> [Option<Opcode>; 4] {
        if self.imm {
            [
                Some(Opcode::Addi),
                None,
                Some(Opcode::Slti),
                Some(Opcode::Sltiu),
            ]
        } else {
            [
                Some(Opcode::Add),
                Some(Opcode::Sub),
                Some(Opcode::Slt),
                Some(Opcode::Sltu),
            ]
        }
    }
}

impl BaseAir<Val> for AluChip {
    fn width(&self) -> usize {
        AluCols::<Val>::WIDTH
    }

    fn main_next_row_columns(&self) -> Vec<usize> {
        Vec::new()
    }
}

impl<AB: MachineBuilder> Air<AB> for AluChip {
    fn eval(&self, b: &mut AB) {
        let main = b.main();
        let row: AluCols<AB::Var> = *main.current_slice().borrow();
        let c = |x: u32| AB::Expr::from_u32(x);
        let e = |v: AB::Var| -> AB::Expr { v.into() };

        // Flags: boolean, at most one set; `real` is their sum.
        let flags = [row.is_add, row.is_sub, row.is_slt, row.is_sltu];
        for f in flags {
            b.assert_bool(f);
        }
        let real: AB::Expr = flags.iter().map(|&f| e(f)).sum();
        b.assert_bool(real.clone());
        let opcodes = self.opcodes();
        if opcodes[1].is_none() {
            b.assert_zero(row.is_sub);
        }
        let opcode: AB::Expr = flags
            .iter()
            .zip(opcodes)
            .map(|(&f, op)| e(f) * c(op.map_or(0, |o| o as u32)))
            .sum();

        // The adder.
        let add = e(row.is_add);
        let subish = e(row.is_sub) + e(row.is_slt) + e(row.is_sltu);
        for i in 0..4 {
            b.assert_bool(row.carry[i]);
            let cin = if i == 0 {
                AB::Expr::ZERO
            } else {
                e(row.carry[i - 1])
            };
            let cout = e(row.carry[i]) * c(256);
            let add_rel = e(row.a[i]) + e(row.b[i]) + cin.clone() - e(row.sum[i]) - cout.clone();
            let sub_rel = e(row.sum[i]) + e(row.b[i]) + cin - e(row.a[i]) - cout;
            b.assert_zero(add.clone() * add_rel + subish.clone() * sub_rel);
        }
        bytes_checked(b, &row.sum.map(e), real.clone());

        // The result.
        let arith = e(row.is_add) + e(row.is_sub);
        let cmp = e(row.is_slt) + e(row.is_sltu);
        for i in 0..4 {
            b.assert_zero(arith.clone() * (e(row.res[i]) - e(row.sum[i])));
            if i > 0 {
                b.assert_zero(cmp.clone() * e(row.res[i]));
            }
        }
        b.assert_zero(e(row.is_sltu) * (e(row.res[0]) - e(row.carry[3])));
        b.assert_bool(row.a_msb);
        b.assert_bool(row.b_msb);
        // The sign bits mean something only for SLT; elsewhere they are 0, which pins
        // `sign_differ` to 0 and `slt` to `carry_3` too.
        let not_slt = AB::Expr::ONE - e(row.is_slt);
        b.assert_zero(not_slt.clone() * e(row.a_msb));
        b.assert_zero(not_slt * e(row.b_msb));
        let two = c(2);
        b.assert_eq(
            row.sign_differ,
            e(row.a_msb) + e(row.b_msb) - two.clone() * e(row.a_msb) * e(row.b_msb),
        );
        b.assert_eq(
            row.slt,
            e(row.carry[3]) + e(row.sign_differ)
                - two.clone() * e(row.carry[3]) * e(row.sign_differ),
        );
        b.assert_zero(e(row.is_slt) * (e(row.res[0]) - e(row.slt)));
        byte_pair(
            b,
            (e(row.a[3]) - e(row.a_msb) * c(128)) * two.clone(),
            (e(row.b[3]) - e(row.b_msb) * c(128)) * two,
            e(row.is_slt),
        );

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

    use super::{AluChip, AluCols};
    use crate::gadgets::register_op::populate_register_accesses;
    use crate::gadgets::word::word_to_field;
    use crate::machine::padded_height;
    use crate::trace::{zero_matrix, InstrEvent, LookupCounts, TraceError};

    /// The ALU table for `events`.
    pub fn generate_trace(
        chip: &AluChip,
        events: &[InstrEvent<'_>],
        counts: &mut LookupCounts,
    ) -> Result<RowMajorMatrix<Val>, TraceError> {
        let width = AluCols::<Val>::WIDTH;
        let mut trace = zero_matrix(padded_height(events.len()), width);
        for (ev, row) in events.iter().zip(trace.values.chunks_exact_mut(width)) {
            let row: &mut AluCols<Val> = row.borrow_mut();
            populate(*chip, ev, row, counts);
        }
        Ok(trace)
    }

    fn populate(
        chip: AluChip,
        ev: &InstrEvent<'_>,
        row: &mut AluCols<Val>,
        counts: &mut LookupCounts,
    ) {
        let f = Val::from_u32;
        let (insn, step, clk) = (ev.insn, ev.step, ev.clk);
        row.pc = f(step.pc);
        row.clk = f(clk);
        row.rd = f(u32::from(insn.rd));
        row.rs1 = f(u32::from(insn.rs1));
        row.rs2 = if chip.imm {
            Val::ZERO
        } else {
            f(u32::from(insn.rs2))
        };
        let (is_add, is_sub, is_slt, is_sltu) = match insn.opcode {
            Opcode::Add | Opcode::Addi => (1, 0, 0, 0),
            Opcode::Sub => (0, 1, 0, 0),
            Opcode::Slt | Opcode::Slti => (0, 0, 1, 0),
            Opcode::Sltu | Opcode::Sltiu => (0, 0, 0, 1),
            op => unreachable!("{} dispatched to the ALU chip", op.mnemonic()),
        };
        row.is_add = f(is_add);
        row.is_sub = f(is_sub);
        row.is_slt = f(is_slt);
        row.is_sltu = f(is_sltu);
        let a = step.rs1_val;
        let b = if chip.imm { insn.imm } else { step.rs2_val };
        let sum = if is_add == 1 {
            a.wrapping_add(b)
        } else {
            a.wrapping_sub(b)
        };
        let (ab, bb, sb) = (a.to_le_bytes(), b.to_le_bytes(), sum.to_le_bytes());
        let mut carry = [0u32; 4];
        let mut cin = 0u32;
        for i in 0..4 {
            let total = if is_add == 1 {
                u32::from(ab[i]) + u32::from(bb[i]) + cin
            } else {
                u32::from(sb[i]) + u32::from(bb[i]) + cin
            };
            carry[i] = total >> 8;
            cin = carry[i];
        }
        row.a = word_to_field(a);
        row.b = word_to_field(b);
        row.sum = word_to_field(sum);
        row.carry = carry.map(f);
        row.res = word_to_field(step.rd_val);
        // Sign bits on SLT rows only (0 elsewhere, as the AIR pins them).
        let (a_msb, b_msb) = (a >> 31 & is_slt, b >> 31 & is_slt);
        row.a_msb = f(a_msb);
        row.b_msb = f(b_msb);
        let sign_differ = a_msb ^ b_msb;
        row.sign_differ = f(sign_differ);
        row.slt = f(carry[3] ^ sign_differ);
        debug_assert_eq!(
            step.rd_val,
            if is_add + is_sub == 1 {
                sum
            } else if is_sltu == 1 {
                carry[3]
            } else {
                carry[3] ^ sign_differ
            },
            "ALU result at pc {:#x}",
            step.pc
        );

        counts.bytes_checked(&sb.map(u32::from));
        if is_slt == 1 {
            counts.byte_pair(u32::from(ab[3] & 0x7f) * 2, u32::from(bb[3] & 0x7f) * 2);
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
