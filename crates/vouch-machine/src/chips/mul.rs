//! MUL, MULH, MULHSU, MULHU (register forms).
//!
//! Given an instruction row at `(pc, clk)` with `a = rs1`, `b = rs2`, this chip proves that
//! `rd` receives the low word of `a * b` (MUL) or the high word of the 64-bit product of `a`
//! and `b` read as signed × signed (MULH), signed × unsigned (MULHSU) or unsigned × unsigned
//! (MULHU), then moves to `(pc + 4, clk + 1)`.
//!
//! # The product
//! Each operand is extended to eight byte limbs: `A = (a_0, a_1, a_2, a_3, e_a, e_a, e_a, e_a)`
//! with `e_a = 255 * a_sign`, where `a_sign` is `a`'s top bit when the operation reads `a` as
//! signed (MULH, MULHSU) and 0 otherwise; the same for `B` with `b_sign` (signed for MULH
//! only). As 64-bit numbers, `A` and `B` are `a` and `b` sign- or zero-extended, so the low 64
//! bits of `A * B` are the two's-complement encoding of the exact product (which fits: it lies
//! in `(-2^63, 2^64)`), and its high word is what MULH/MULHSU/MULHU return. MUL's low word does
//! not depend on the extension (it uses no sign: `a_sign = b_sign = 0`).
//!
//! The product bytes `p_0..p_7` and carries `carry_0..carry_7` satisfy, for `k = 0..7`
//! (with `carry_{-1} = 0`),
//!
//! ```text
//! Σ_{i+j=k} A_i B_j + carry_{k-1} = p_k + 256 carry_k          (degree 2)
//! ```
//!
//! Products with `i + j >= 8` are multiples of 2^64 and are left out: only `A * B mod 2^64`
//! matters. The `p_k` are range-checked as bytes and the carries with `range16`.
//!
//! # Why it is sound
//! - *No wrap-around.* Every `A_i`, `B_j` is in `[0, 255]` (`a`, `b` are bytes by induction on
//!   the memory bus; extension limbs are `0` or `255` since the signs are boolean), a column
//!   sum has at most 8 products, and `carry_{k-1} < 2^16` by its range check. So the left side
//!   is an integer in `[0, 8 * 255^2 + 2^16) ⊂ [0, 2^20)` and the right side one in
//!   `[0, 255 + 256 * (2^16 - 1)] ⊂ [0, 2^24)`; both are below p ≈ 2^31, so equality in the
//!   field is equality of integers. Summing the relations times `256^k` gives
//!   `Σ_{i+j<=7} 256^{i+j} A_i B_j = Σ p_k 256^k + 2^64 carry_7`, hence
//!   `Σ p_k 256^k = A * B mod 2^64`, and the bytes `p_k` are exactly that residue's bytes.
//! - *Honest carries fit.* With `S_k` the left-hand sides' weighted partial sums,
//!   `carry_k = floor(S_k / 256^{k+1}) < (k + 1) * 256 <= 2048 < 2^16`, and it is non-negative,
//!   so an honest trace always passes the range checks.
//! - *Signs.* `a_msb` is proven to be `a`'s top bit by the byte check of
//!   `2 * (a_3 - 128 a_msb)`: with `a_3` a byte and `a_msb` boolean, that value is an even
//!   number in `[0, 254]` only if `a_msb = [a_3 >= 128]` (otherwise it is `2 a_3 >= 256` or
//!   `2 (a_3 - 128) < 0`, i.e. `≥ p - 256` in the field). The same lookup checks `b_msb`. Then
//!   `a_sign = a_msb * (is_mulh + is_mulhsu)` and `b_sign = b_msb * is_mulh` are columns
//!   (degree 2 definitions) so that the limb products stay of degree 2.
//! - *The result.* `res_i = is_mul * p_i + (is_mulh + is_mulhsu + is_mulhu) * p_{i+4}`; on a
//!   real row exactly one flag is set, so `res` is the right word, and its bytes are checked
//!   bytes `p_k` (the register write needs no further range check).
//! - *The instruction.* The flags are one-hot with boolean sum `real`; the opcode looked up in
//!   the ROM is `Σ flag * opcode`, which ties the flags to the instruction at `pc`.

use core::borrow::Borrow;

use vouch_isa::Opcode;
use vouch_stark::air::{Air, BaseAir, WindowAccess};
use vouch_stark::field::PrimeCharacteristicRing;
use vouch_stark::Val;

use crate::bus::{byte_pair, bytes_checked, range16};
use crate::columns::Word;
use crate::gadgets::memory::{ReadCols, WriteCols};
use crate::gadgets::register_op::register_op;
use crate::impl_columns;
use crate::MachineBuilder;

/// Number of byte limbs of the extended operands and of the product.
pub const LIMBS: usize = 8;

/// One multiplication. Padding rows are all zero.
#[repr(C)]
#[derive(Clone, Copy, Debug, Default)]
pub struct MulCols<T> {
    /// The instruction's address: pinned by the ROM lookup and the `exec` receive.
    pub pc: T,
    /// The clock: pinned by the `exec` receive.
    pub clk: T,
    /// Destination register: pinned by the ROM lookup.
    pub rd: T,
    /// First source register: pinned by the ROM lookup.
    pub rs1: T,
    /// Second source register: pinned by the ROM lookup.
    pub rs2: T,
    /// One-hot opcode flags, each boolean with boolean sum `real`; pinned to the instruction
    /// at `pc` by the ROM lookup of `Σ flag * opcode`.
    pub is_mul: T,
    pub is_mulh: T,
    pub is_mulhsu: T,
    pub is_mulhu: T,
    /// `rs1`'s value: pinned by the `rs1` read (bytes by induction on the memory bus).
    pub a: Word<T>,
    /// `rs2`'s value: pinned by the `rs2` read.
    pub b: Word<T>,
    /// `a`'s top bit: boolean, pinned by the byte check of `2 * (a_3 - 128 a_msb)`.
    pub a_msb: T,
    /// `b`'s top bit: boolean, pinned by the byte check of `2 * (b_3 - 128 b_msb)`.
    pub b_msb: T,
    /// Whether `a` is extended with ones: `a_msb * (is_mulh + is_mulhsu)` (constrained equal).
    pub a_sign: T,
    /// Whether `b` is extended with ones: `b_msb * is_mulh` (constrained equal).
    pub b_sign: T,
    /// The product's bytes, `A * B mod 2^64`: pinned by the limb relations and byte checks.
    pub p: [T; LIMBS],
    /// The limb relations' carries: range-checked below 2^16, pinned by the relations.
    pub carry: [T; LIMBS],
    /// The value written to `rd`: `p_0..p_3` (MUL) or `p_4..p_7`, constrained equal.
    pub res: Word<T>,
    /// The `rs1` read's timestamp witness (see `gadgets::memory`).
    pub rs1_read: ReadCols<T>,
    /// The `rs2` read's timestamp witness.
    pub rs2_read: ReadCols<T>,
    /// The `rd` write's timestamp witness and the overwritten value.
    pub rd_write: WriteCols<T>,
}
impl_columns!(MulCols);

/// The multiplication chip.
#[derive(Clone, Copy, Debug)]
pub struct MulChip;

impl MulChip {
    /// The opcodes of `(is_mul, is_mulh, is_mulhsu, is_mulhu)`.
    pub const OPCODES: [Opcode; 4] = [Opcode::Mul, Opcode::Mulh, Opcode::Mulhsu, Opcode::Mulhu];
}

impl BaseAir<Val> for MulChip {
    fn width(&self) -> usize {
        MulCols::<Val>::WIDTH
    }

    fn main_next_row_columns(&self) -> Vec<usize> {
        Vec::new()
    }
}

impl<AB: MachineBuilder> Air<AB> for MulChip {
    fn eval(&self, b: &mut AB) {
        let main = b.main();
        let row: MulCols<AB::Var> = *main.current_slice().borrow();
        let c = |x: u32| AB::Expr::from_u32(x);
        let e = |v: AB::Var| -> AB::Expr { v.into() };

        // Flags: boolean, at most one set; `real` is their sum, so padding rows (all zero)
        // make no interaction.
        let flags = [row.is_mul, row.is_mulh, row.is_mulhsu, row.is_mulhu];
        for f in flags {
            b.assert_bool(f);
        }
        let real: AB::Expr = flags.iter().map(|&f| e(f)).sum();
        b.assert_bool(real.clone());
        let opcode: AB::Expr = flags
            .iter()
            .zip(MulChip::OPCODES)
            .map(|(&f, op)| e(f) * c(op as u32))
            .sum();

        // Signs: `a_msb`, `b_msb` are the top bits (byte check of the low seven bits,
        // doubled; see the module docs), and the extension signs follow the opcode.
        b.assert_bool(row.a_msb);
        b.assert_bool(row.b_msb);
        byte_pair(
            b,
            (e(row.a[3]) - e(row.a_msb) * c(128)) * c(2),
            (e(row.b[3]) - e(row.b_msb) * c(128)) * c(2),
            real.clone(),
        );
        b.assert_eq(
            row.a_sign,
            e(row.a_msb) * (e(row.is_mulh) + e(row.is_mulhsu)),
        );
        b.assert_eq(row.b_sign, e(row.b_msb) * e(row.is_mulh));

        // The product, limb by limb (degree 2; no wrap-around, see the module docs).
        let limbs = |w: &Word<AB::Var>, sign: AB::Var| -> [AB::Expr; LIMBS] {
            core::array::from_fn(|i| if i < 4 { e(w[i]) } else { e(sign) * c(255) })
        };
        let (al, bl) = (limbs(&row.a, row.a_sign), limbs(&row.b, row.b_sign));
        for k in 0..LIMBS {
            let mut lhs: AB::Expr = (0..=k).map(|i| al[i].clone() * bl[k - i].clone()).sum();
            if k > 0 {
                lhs += e(row.carry[k - 1]);
            }
            b.assert_eq(lhs, e(row.p[k]) + e(row.carry[k]) * c(256));
        }
        bytes_checked(b, &row.p.map(e), real.clone());
        for carry in row.carry {
            range16(b, e(carry), real.clone());
        }

        // The result: the low or the high word of the product.
        let high = e(row.is_mulh) + e(row.is_mulhsu) + e(row.is_mulhu);
        for i in 0..4 {
            b.assert_eq(
                row.res[i],
                e(row.is_mul) * e(row.p[i]) + high.clone() * e(row.p[i + 4]),
            );
        }

        // Registers, the ROM lookup and the next state.
        register_op!(row).eval(b, false, opcode, real);
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

    use super::{MulChip, MulCols, LIMBS};
    use crate::gadgets::register_op::populate_register_accesses;
    use crate::gadgets::word::word_to_field;
    use crate::machine::padded_height;
    use crate::trace::{zero_matrix, InstrEvent, LookupCounts, TraceError};

    /// The multiplication table for `events`.
    pub fn generate_trace(
        _chip: &MulChip,
        events: &[InstrEvent<'_>],
        counts: &mut LookupCounts,
    ) -> Result<RowMajorMatrix<Val>, TraceError> {
        let width = MulCols::<Val>::WIDTH;
        let mut trace = zero_matrix(padded_height(events.len()), width);
        for (ev, row) in events.iter().zip(trace.values.chunks_exact_mut(width)) {
            let row: &mut MulCols<Val> = row.borrow_mut();
            populate(ev, row, counts);
        }
        Ok(trace)
    }

    /// The eight limbs of `x` extended with `sign`.
    fn limbs(x: u32, sign: bool) -> [u64; LIMBS] {
        let bytes = x.to_le_bytes();
        core::array::from_fn(|i| {
            if i < 4 {
                u64::from(bytes[i])
            } else {
                255 * u64::from(sign)
            }
        })
    }

    fn populate(ev: &InstrEvent<'_>, row: &mut MulCols<Val>, counts: &mut LookupCounts) {
        let f = Val::from_u32;
        let (insn, step, clk) = (ev.insn, ev.step, ev.clk);
        row.pc = f(step.pc);
        row.clk = f(clk);
        row.rd = f(u32::from(insn.rd));
        row.rs1 = f(u32::from(insn.rs1));
        row.rs2 = f(u32::from(insn.rs2));
        let flag = match insn.opcode {
            Opcode::Mul => &mut row.is_mul,
            Opcode::Mulh => &mut row.is_mulh,
            Opcode::Mulhsu => &mut row.is_mulhsu,
            Opcode::Mulhu => &mut row.is_mulhu,
            op => unreachable!("{} dispatched to the MUL chip", op.mnemonic()),
        };
        *flag = Val::ONE;
        let (a, b) = (step.rs1_val, step.rs2_val);
        let (a_msb, b_msb) = (a >> 31 == 1, b >> 31 == 1);
        let a_sign = a_msb && matches!(insn.opcode, Opcode::Mulh | Opcode::Mulhsu);
        let b_sign = b_msb && insn.opcode == Opcode::Mulh;
        row.a = word_to_field(a);
        row.b = word_to_field(b);
        row.a_msb = Val::from_bool(a_msb);
        row.b_msb = Val::from_bool(b_msb);
        row.a_sign = Val::from_bool(a_sign);
        row.b_sign = Val::from_bool(b_sign);

        let (al, bl) = (limbs(a, a_sign), limbs(b, b_sign));
        let mut p = [0u32; LIMBS];
        let mut carry = [0u32; LIMBS];
        let mut cin = 0u64;
        for k in 0..LIMBS {
            let total: u64 = (0..=k).map(|i| al[i] * bl[k - i]).sum::<u64>() + cin;
            p[k] = (total & 0xff) as u32;
            cin = total >> 8;
            assert!(cin < 1 << 16, "product carry {cin} out of range");
            carry[k] = cin as u32;
        }
        row.p = p.map(f);
        row.carry = carry.map(f);
        let product = p.iter().rev().fold(0u64, |acc, &x| acc << 8 | u64::from(x));
        let res = if insn.opcode == Opcode::Mul {
            product as u32
        } else {
            (product >> 32) as u32
        };
        debug_assert_eq!(res, step.rd_val, "MUL chip result at pc {:#x}", step.pc);
        row.res = word_to_field(res);
        counts.byte_pair(((a >> 24) & 0x7f) * 2, ((b >> 24) & 0x7f) * 2);
        counts.bytes_checked(&p);
        for &x in &carry {
            counts.range16(x);
        }
        populate_register_accesses(
            ev,
            false,
            &mut row.rs1_read,
            &mut row.rs2_read,
            &mut row.rd_write,
            counts,
        );
    }

    #[cfg(test)]
    mod tests {
        use proptest::prelude::*;
        use vouch_executor::Step;
        use vouch_isa::{Instruction, Opcode};
        use vouch_stark::field::PrimeField32;

        use super::*;

        const OPS: [Opcode; 4] = [Opcode::Mul, Opcode::Mulh, Opcode::Mulhsu, Opcode::Mulhu];

        /// The specified result of `op(a, b)`.
        fn spec(op: Opcode, a: u32, b: u32) -> u32 {
            let Some(alu_op) = op.alu_op() else {
                unreachable!("{op:?} computes")
            };
            vouch_isa::alu(alu_op, a, b)
        }

        /// Fill one row for `op(a, b)` (the trace filler asserts its own carry and range
        /// invariants) and return the result it writes.
        fn fill(op: Opcode, a: u32, b: u32) -> u32 {
            let step = Step {
                rs1_val: a,
                rs2_val: b,
                rd_val: spec(op, a, b),
                ..Step::default()
            };
            let ev = InstrEvent {
                clk: 1,
                step: &step,
                insn: Instruction::new(op, 5, 6, 7, 0),
            };
            let mut row = MulCols::<Val>::default();
            let mut counts = LookupCounts::new(0, 1);
            populate(&ev, &mut row, &mut counts);
            row.res
                .iter()
                .rev()
                .fold(0, |acc, x| acc << 8 | x.as_canonical_u32())
        }

        const CORNERS: [u32; 16] = [
            0,
            1,
            2,
            7,
            0x7f,
            0x80,
            0xff,
            0x100,
            0x7fff_ffff,
            0x8000_0000,
            0x8000_0001,
            0xffff_fff9,
            0xffff_fffe,
            0xffff_ffff,
            0x1234_5678,
            0xdead_beef,
        ];

        #[test]
        fn corner_rows_hold_the_specified_results() {
            for a in CORNERS {
                for b in CORNERS {
                    for op in OPS {
                        assert_eq!(fill(op, a, b), spec(op, a, b));
                    }
                }
            }
        }

        proptest! {
            #[test]
            fn random_rows_hold_the_specified_results(a: u32, b: u32, small in 0u32..8) {
                for (x, y) in [(a, b), (a, small), (small, b), (a, small.wrapping_neg())] {
                    for op in OPS {
                        prop_assert_eq!(fill(op, x, y), spec(op, x, y));
                    }
                }
            }
        }
    }
}
