//! SLL, SRL, SRA and their immediate forms SLLI, SRLI, SRAI.
//!
//! Given an instruction row at `(pc, clk)`, this chip proves `rd = a << s`, `a >> s` (logical)
//! or `a >>s s` (arithmetic), where `a` is `rs1`'s value and `s` the low five bits of `b`,
//! `rs2`'s value (register table) or the immediate (immediate table, where the ROM's immediate
//! is the shift amount itself), then moves to `(pc + 4, clk + 1)`.
//!
//! # How
//! `s = r + 8 k` is split into a bit shift `r < 8` and a byte shift `k < 4`:
//! `b_0 = s_0 + 2 s_1 + 4 s_2 + 8 k + 32 t` with boolean `s_j`, `k` given by one-hot flags and
//! `t` a byte.
//!
//! *Bit shift.* A multiplier `mul` is `2^r` for a left shift and `2^(8 - r)` for a right
//! shift, and every byte of `a` is split as `a_i * mul = lo_i + 256 hi_i` with bytes `lo_i`,
//! `hi_i`. Then
//! - left: `lo_i = (a_i << r) mod 256` has its low `r` bits clear and `hi_i = a_i >> (8 - r)`
//!   is below `2^r`, so `x_i = lo_i + hi_(i-1)` (with `hi_(-1) = 0`) is byte `i` of
//!   `a << r`, with no carry: the two terms have disjoint bits;
//! - right: `hi_i = a_i >> r` is below `2^(8 - r)` and `lo_i = (a_i mod 2^r) << (8 - r)` is a
//!   multiple of `2^(8 - r)` below 256, so `y_i = hi_i + lo_(i+1)` is byte `i` of `a >> r` for
//!   `i < 3`; the top byte is `y_3 = hi_3 + neg * (256 - 2^(8 - r))`, where `neg` is the sign
//!   of `a` for SRA (0 otherwise): the `r` vacated top bits are copies of the sign. For `r = 0`
//!   the split gives `lo_i = 0`, `hi_i = a_i` and no fill, as it should.
//!
//! *Byte shift.* The result byte `j` is `x_(j-k)` (left, 0 where `j < k`) or `y_(j+k)` (right,
//! `255 * neg` where `j + k > 3`), selected by the one-hot flags of `k`, which come in a left
//! and a right set so that the selection is a degree-2 sum of flag times linear term.
//!
//! # Why it is sound
//! All quantities are small integers, far below p (KoalaBear, about 2^31):
//! - `a` and `b` are bytes (memory reads are bytes by induction; ROM immediates are bytes);
//! - the `s_j` and byte-shift flags are boolean and exactly one byte-shift flag is set on a real
//!   row, so `r + 8k` is an integer in `[0, 32)`; `t` is looked up as a byte, so
//!   `r + 8k + 32t < 2^13`; equal in the field to the byte `b_0`, it is equal as integers,
//!   which forces `t < 8` and `r + 8k = b_0 mod 32` (a unique decomposition). The byte check
//!   must be on `t` itself: checking only `32 t` would admit `t = y / 32` in the field for any
//!   byte `y`, i.e. any `b_0 - (r + 8k)`, so any shift amount;
//! - `mul` is `m = 2^r` or its partner `256 / m` (`m * m_right = 256` with `m` in `[1, 128]`
//!   has the unique solution `2^(8-r)`), so `a_i * mul < 2^16`; `lo_i`, `hi_i` are looked up as
//!   bytes, so `lo_i + 256 hi_i < 2^16` too, and the split is the integer one, unique;
//! - the sign: `2 (a_3 - 128 msb)` is looked up as a byte, which for a byte `a_3` and boolean
//!   `msb` holds only when `a_3 - 128 msb` is in `[0, 128)` (its other candidate values,
//!   `p - 128 .. p - 1`, double to large field elements), i.e. `msb` is `a_3`'s top bit;
//! - every result byte is then one of `x_i`, `y_i`, `255 neg` or 0, each a byte by the bit
//!   arguments above, so `res` needs no separate range check: the constraints fix it to the
//!   true result, which is a byte.
//!
//! Degree: every constraint is of degree at most 2; `m` (a product of three factors) is built in
//! two steps through `m01`, and `mul` (a flag times a multiplier) is its own column so that
//! `a_i * mul` stays quadratic.

use core::borrow::Borrow;

use vouch_isa::Opcode;
use vouch_stark::air::{Air, BaseAir, WindowAccess};
use vouch_stark::field::PrimeCharacteristicRing;
use vouch_stark::Val;

use crate::bus::byte_pair;
use crate::columns::Word;
use crate::gadgets::memory::{ReadCols, WriteCols};
use crate::gadgets::register_op::register_op;
use crate::impl_columns;
use crate::MachineBuilder;

/// One shift instruction. Padding rows are all zero.
#[repr(C)]
#[derive(Clone, Copy, Debug, Default)]
pub struct ShiftCols<T> {
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
    /// SLL/SLLI. The three opcode flags are one-hot: each boolean with a boolean sum
    /// (`real`); which one is set is pinned by the ROM lookup, whose opcode they build.
    pub is_sll: T,
    /// SRL/SRLI (see `is_sll`).
    pub is_srl: T,
    /// SRA/SRAI (see `is_sll`).
    pub is_sra: T,
    /// `rs1`'s value: pinned by the `rs1` read (bytes by induction).
    pub a: Word<T>,
    /// `rs2`'s value (pinned by the `rs2` read) or the immediate (pinned by the ROM lookup).
    /// Only `b[0]` enters the shift.
    pub b: Word<T>,
    /// The value written to `rd`: pinned by the result constraints (one per byte).
    pub res: Word<T>,
    /// Bits of the bit shift `r = s_0 + 2 s_1 + 4 s_2`: boolean, pinned by the decomposition
    /// of `b[0]`.
    pub bit: [T; 3],
    /// `b[0] >> 5`: pinned by the decomposition of `b[0]` and the byte check of `t`.
    pub t: T,
    /// Left shifts: one-hot flags of the byte shift `k` (`shl_byte[k] = 1`), boolean, summing
    /// to `is_sll`; pinned by the decomposition of `b[0]`.
    pub shl_byte: [T; 4],
    /// Right shifts: as `shl_byte`, summing to `is_srl + is_sra`.
    pub shr_byte: [T; 4],
    /// `(real + s_0)(real + 3 s_1)`: `2^(s_0 + 2 s_1)` on a real row.
    pub m01: T,
    /// `m01 (1 + 15 s_2)`: `2^r` on a real row.
    pub m: T,
    /// `m * m_right = 256 real`: `2^(8 - r)` on a real row (on a padding row `m = 0` leaves it
    /// free, and unused: `mul = 0` there).
    pub m_right: T,
    /// `is_sll * m + (is_srl + is_sra) * m_right`: the multiplier of the byte splits.
    pub mul: T,
    /// Low bytes of the splits `a_i * mul = lo_i + 256 hi_i`: pinned by that relation and
    /// the byte check of `(lo_i, hi_i)`.
    pub lo: Word<T>,
    /// High bytes of the splits (see `lo`).
    pub hi: Word<T>,
    /// The top bit of `a`: boolean, pinned by the byte check of `2 (a_3 - 128 msb)`.
    pub msb: T,
    /// `is_sra * msb`: the fill bit of an arithmetic shift.
    pub neg: T,
    /// `hi_3 + neg (256 - mul)`: the top byte of `a >> r` (arithmetic for SRA).
    pub top: T,
    /// The `rs1` read's timestamp witness (see `gadgets::memory`).
    pub rs1_read: ReadCols<T>,
    /// The `rs2` read's timestamp witness (register table); constrained to 0 in the immediate
    /// table.
    pub rs2_read: ReadCols<T>,
    /// The `rd` write's timestamp witness and the overwritten value.
    pub rd_write: WriteCols<T>,
}
impl_columns!(ShiftCols);

/// The shift chip, for the register forms or the immediate forms.
#[derive(Clone, Copy, Debug)]
pub struct ShiftChip {
    /// Immediate forms (no `rs2` read) rather than register forms.
    pub imm: bool,
}

impl ShiftChip {
    /// The opcodes of `(is_sll, is_srl, is_sra)` in this table.
    pub fn opcodes(&self) -> [Opcode; 3] {
        if self.imm {
            [Opcode::Slli, Opcode::Srli, Opcode::Srai]
        } else {
            [Opcode::Sll, Opcode::Srl, Opcode::Sra]
        }
    }
}

impl BaseAir<Val> for ShiftChip {
    fn width(&self) -> usize {
        ShiftCols::<Val>::WIDTH
    }

    fn main_next_row_columns(&self) -> Vec<usize> {
        Vec::new()
    }
}

impl<AB: MachineBuilder> Air<AB> for ShiftChip {
    fn eval(&self, b: &mut AB) {
        let main = b.main();
        let row: ShiftCols<AB::Var> = *main.current_slice().borrow();
        let c = |x: u32| AB::Expr::from_u32(x);
        let e = |v: AB::Var| -> AB::Expr { v.into() };

        // Flags: each boolean and their sum `real` boolean, so at most one is set; `real` is 1
        // exactly on rows that prove an instruction, and every interaction below has
        // multiplicity `real` (0 on the all-zero padding rows).
        let flags = [row.is_sll, row.is_srl, row.is_sra];
        for f in flags {
            b.assert_bool(f);
        }
        let real: AB::Expr = flags.iter().map(|&f| e(f)).sum();
        b.assert_bool(real.clone());
        let opcode: AB::Expr = flags
            .iter()
            .zip(self.opcodes())
            .map(|(&f, op)| e(f) * c(op as u32))
            .sum();
        let left = e(row.is_sll);
        let right = e(row.is_srl) + e(row.is_sra);

        // The shift amount: b_0 = s_0 + 2 s_1 + 4 s_2 + 8 k + 32 t. The bits and the byte-shift
        // flags are boolean; the left flags sum to `is_sll` and the right ones to
        // `is_srl + is_sra`, so on a real row exactly one byte-shift flag is set, in the set of
        // the row's direction, and `k = Σ k (shl_byte[k] + shr_byte[k])` is the byte shift.
        // With `t` a byte (looked up below) the relation is one between small integers (see
        // the module docs), which fixes `r`, `k` and `t < 8`.
        for s in row.bit {
            b.assert_bool(s);
        }
        for f in row.shl_byte.into_iter().chain(row.shr_byte) {
            b.assert_bool(f);
        }
        b.assert_eq(
            row.shl_byte.iter().map(|&f| e(f)).sum::<AB::Expr>(),
            left.clone(),
        );
        b.assert_eq(
            row.shr_byte.iter().map(|&f| e(f)).sum::<AB::Expr>(),
            right.clone(),
        );
        let k: AB::Expr = (1..4)
            .map(|j| (e(row.shl_byte[j]) + e(row.shr_byte[j])) * c(j as u32))
            .sum();
        let [s0, s1, s2] = row.bit.map(e);
        b.assert_eq(
            row.b[0],
            s0.clone() + s1.clone() * c(2) + s2.clone() * c(4) + k * c(8) + e(row.t) * c(32),
        );

        // The multipliers. On a real row `m01 = (1 + s_0)(1 + 3 s_1) = 2^(s_0 + 2 s_1)` and
        // `m = m01 (1 + 15 s_2) = 2^r`, a non-zero integer in [1, 128], so `m_right = 256 / m
        // = 2^(8 - r)` is the unique solution of `m * m_right = 256`. (`real` instead of 1 in
        // `m01` keeps the all-zero padding row a solution.) `mul` picks the direction's one.
        b.assert_eq(row.m01, (real.clone() + s0) * (real.clone() + s1 * c(3)));
        b.assert_eq(row.m, e(row.m01) * (AB::Expr::ONE + s2 * c(15)));
        b.assert_eq(e(row.m) * e(row.m_right), real.clone() * c(256));
        b.assert_eq(row.mul, left * e(row.m) + right * e(row.m_right));

        // Byte splits: a_i * mul = lo_i + 256 hi_i with lo_i, hi_i bytes. Both sides are
        // integers below 2^16 (a_i a byte, mul at most 256), so this is the integer split.
        for i in 0..4 {
            b.assert_eq(
                e(row.a[i]) * e(row.mul),
                e(row.lo[i]) + e(row.hi[i]) * c(256),
            );
            byte_pair(b, e(row.lo[i]), e(row.hi[i]), real.clone());
        }

        // The sign of `a` (msb boolean, `a_3 - 128 msb` in [0, 128)) and the byte check of `t`,
        // in one lookup. `neg` is the sign on SRA rows and 0 on the others.
        b.assert_bool(row.msb);
        byte_pair(
            b,
            e(row.t),
            (e(row.a[3]) - e(row.msb) * c(128)) * c(2),
            real.clone(),
        );
        b.assert_eq(row.neg, e(row.is_sra) * e(row.msb));
        // The top byte of `a >> r` (arithmetic when neg = 1): the vacated r top bits,
        // 256 - 2^(8 - r) = 256 - mul on a right-shift row, are filled with the sign.
        b.assert_eq(row.top, e(row.hi[3]) + e(row.neg) * (c(256) - e(row.mul)));

        // The result: byte j is x_(j-k) for a left shift, y_(j+k) for a right shift (see the
        // module docs), selected by the byte-shift flags (degree 2: flag times linear term).
        let x = |i: usize| -> AB::Expr {
            // Byte i of a << r.
            if i == 0 {
                e(row.lo[0])
            } else {
                e(row.lo[i]) + e(row.hi[i - 1])
            }
        };
        let y = |i: usize| -> AB::Expr {
            // Byte i of a >> r (arithmetic for SRA), and the sign fill beyond the top.
            match i {
                0..=2 => e(row.hi[i]) + e(row.lo[i + 1]),
                3 => e(row.top),
                _ => e(row.neg) * c(255),
            }
        };
        for j in 0..4 {
            let mut expected = AB::Expr::ZERO;
            for kk in 0..4 {
                if kk <= j {
                    expected += e(row.shl_byte[kk]) * x(j - kk);
                }
                expected += e(row.shr_byte[kk]) * y(j + kk);
            }
            b.assert_eq(row.res[j], expected);
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

    use super::{ShiftChip, ShiftCols};
    use crate::gadgets::register_op::populate_register_accesses;
    use crate::gadgets::word::word_to_field;
    use crate::machine::padded_height;
    use crate::trace::{zero_matrix, InstrEvent, LookupCounts, TraceError};

    /// The shift table for `events`.
    pub fn generate_trace(
        chip: &ShiftChip,
        events: &[InstrEvent<'_>],
        counts: &mut LookupCounts,
    ) -> Result<RowMajorMatrix<Val>, TraceError> {
        let width = ShiftCols::<Val>::WIDTH;
        let mut trace = zero_matrix(padded_height(events.len()), width);
        for (ev, row) in events.iter().zip(trace.values.chunks_exact_mut(width)) {
            let row: &mut ShiftCols<Val> = row.borrow_mut();
            populate(*chip, ev, row, counts);
        }
        Ok(trace)
    }

    /// The result the constraints compute from the witness values, as plain integers; it
    /// must be the executor's (checked in debug builds).
    fn constrained_result(
        left: bool,
        k: usize,
        lo: [u32; 4],
        hi: [u32; 4],
        top: u32,
        neg: u32,
    ) -> u32 {
        let bytes: [u32; 4] = core::array::from_fn(|j| {
            if left {
                match j.checked_sub(k) {
                    Some(0) => lo[0],
                    Some(i) => lo[i] + hi[i - 1],
                    None => 0,
                }
            } else {
                match j + k {
                    i @ 0..=2 => hi[i] + lo[i + 1],
                    3 => top,
                    _ => 255 * neg,
                }
            }
        });
        debug_assert!(
            bytes.iter().all(|&x| x < 256),
            "shift result bytes {bytes:?}"
        );
        u32::from_le_bytes(bytes.map(|x| x as u8))
    }

    fn populate(
        chip: ShiftChip,
        ev: &InstrEvent<'_>,
        row: &mut ShiftCols<Val>,
        counts: &mut LookupCounts,
    ) {
        let f = Val::from_u32;
        let (insn, step, clk) = (ev.insn, ev.step, ev.clk);
        let which = match insn.opcode {
            Opcode::Sll | Opcode::Slli => 0,
            Opcode::Srl | Opcode::Srli => 1,
            Opcode::Sra | Opcode::Srai => 2,
            op => unreachable!("{} dispatched to the shift chip", op.mnemonic()),
        };
        debug_assert_eq!(
            insn.opcode.is_alu_imm(),
            chip.imm,
            "shift table of {:?}",
            insn.opcode
        );
        let left = which == 0;
        row.pc = f(step.pc);
        row.clk = f(clk);
        row.rd = f(u32::from(insn.rd));
        row.rs1 = f(u32::from(insn.rs1));
        row.rs2 = f(u32::from(insn.rs2));
        let flags = [&mut row.is_sll, &mut row.is_srl, &mut row.is_sra];
        for (j, flag) in flags.into_iter().enumerate() {
            *flag = f(u32::from(j == which));
        }

        let a = step.rs1_val;
        let b = if chip.imm { insn.imm } else { step.rs2_val };
        row.a = word_to_field(a);
        row.b = word_to_field(b);

        // The shift amount.
        let b0 = b & 0xff;
        let (r, k, t) = (b0 & 7, ((b0 >> 3) & 3) as usize, b0 >> 5);
        row.bit = [r & 1, (r >> 1) & 1, (r >> 2) & 1].map(f);
        row.t = f(t);
        let flags = if left {
            &mut row.shl_byte
        } else {
            &mut row.shr_byte
        };
        flags[k] = Val::ONE;

        // The multipliers.
        let m = 1u32 << r;
        let m_right = 256 >> r;
        let mul = if left { m } else { m_right };
        row.m01 = f(1 << (r & 3));
        row.m = f(m);
        row.m_right = f(m_right);
        row.mul = f(mul);

        // The byte splits, the sign and the top byte of a right shift.
        let a_bytes = a.to_le_bytes().map(u32::from);
        let lo = a_bytes.map(|x| (x * mul) & 0xff);
        let hi = a_bytes.map(|x| (x * mul) >> 8);
        let msb = a >> 31;
        let neg = u32::from(which == 2) * msb;
        let top = hi[3] + neg * (256 - mul);
        row.lo = lo.map(f);
        row.hi = hi.map(f);
        row.msb = f(msb);
        row.neg = f(neg);
        row.top = f(top);

        debug_assert_eq!(
            step.rd_val,
            constrained_result(left, k, lo, hi, top, neg),
            "shift result at pc {:#x}",
            step.pc
        );
        row.res = word_to_field(step.rd_val);
        for i in 0..4 {
            counts.byte_pair(lo[i], hi[i]);
        }
        counts.byte_pair(t, 2 * (a_bytes[3] & 0x7f));
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
