//! DIV, DIVU, REM, REMU (register forms).
//!
//! Given an instruction row at `(pc, clk)` with `a = rs1`, `b = rs2`, this chip proves that
//! `rd` receives the quotient (DIV, DIVU) or the remainder (REM, REMU) of `a / b`, signed
//! (DIV, REM) or unsigned (DIVU, REMU), with the RISC-V corner cases: `a / 0 = 0xffffffff`
//! and `a % 0 = a`; signed overflow `i32::MIN / -1 = i32::MIN` and `i32::MIN % -1 = 0`; then
//! moves to `(pc + 4, clk + 1)`.
//!
//! # The witness
//! The row holds a quotient `q` and a remainder `r` (four checked bytes each) and proves:
//!
//! 1. **The product identity.** `Q * B + R = A (mod 2^64)`, where `A`, `B`, `Q`, `R` are `a`,
//!    `b`, `q`, `r` extended to eight byte limbs with `255 * x_sign`: `x_sign` is the value's
//!    top bit (`x_msb`) for the signed operations and 0 for the unsigned ones, except that
//!    `q_sign = q_msb - 1 = 0` when the overflow flag `is_overflow` is set (`q_sign =
//!    signed * q_msb - is_overflow`, with `q_sign` and `is_overflow` boolean). For `k = 0..7`:
//!    `Σ_{i+j=k} Q_i B_j + R_k + carry_{k-1} = A_k + 256 carry_k`, carries range-checked
//!    below 2^16 (the multiplication chip's argument; see `chips::mul`).
//! 2. **Division by zero.** `is_b_zero = [b = 0]` (an is-zero witness over `Σ b_i`, which is
//!    zero exactly when every byte is), and then `q = 0xffffffff` byte by byte.
//! 3. **The remainder bound** when `b ≠ 0`: `abs_r < abs_b`, where `abs_b = |b|` (`-b mod
//!    2^32` when `b_sign`, else `b`) and `abs_r = -r mod 2^32` when **`a_sign`** is set, else
//!    `r`; both by byte adders. `abs_b - abs_r - 1 = gap` is proven with `gap` a checked
//!    word and no carry out of the top byte.
//!
//! Using `a`'s sign to negate `r` merges the two conditions of signed division: `|r| < |b|`
//! and "`r = 0` or `sign(r) = sign(a)`" (see below). Finally `res = q` (DIV, DIVU) or `res = r`
//! (REM, REMU), whose bytes are checked.
//!
//! # Why it is sound
//! *Integers, not field elements.* Every limb relation (identity, negations, gap) has both
//! sides in `[0, 2^24)` once the bytes, booleans and `range16` carries are checked (identity:
//! left `≤ 8 * 255^2 + 255 + 2^16 < 2^20`, right `≤ 255 + 256 (2^16 - 1) < 2^24`; adders:
//! both sides `≤ 512`), far below p ≈ 2^31, so each holds over the integers and the weighted
//! sums give the word identities stated above. Honest carries fit: the identity's are
//! non-negative and below `(k + 1) * 256 <= 2048` (as in `chips::mul`, plus the `R_k`
//! term). The top-bit witnesses `x_msb` are proven by the byte check of
//! `2 * (x_3 - 128 x_msb)` (see `chips::mul`), `x_3` being a byte (memory bus or range check).
//!
//! Write `sa`, `sb`, `sq`, `sr` for the values as the operation reads them (two's complement
//! for DIV/REM, plain for DIVU/REMU).
//!
//! - **`b = 0`.** `is_b_zero = 1` forces `q = 0xffffffff`. `B = 0`, so the identity reads
//!   `R = A (mod 2^64)`: the low words give `r = a`. Both are the specified results. (The
//!   remainder bound is off, `nz = real - is_b_zero = 0`; `is_overflow` is pinned to 0, so
//!   `q_sign = signed`.)
//! - **Unsigned, `b ≠ 0`.** All signs are 0, and `q_sign = -is_overflow` boolean forces
//!   `is_overflow = 0`. `abs_b = b`, `abs_r = r`, so `r < b`. The identity holds mod 2^64 and
//!   `q b + r - a ∈ (-2^32, 2^64 - 2^32]`, so `a = q b + r` over the integers with `0 <= r < b`:
//!   `q`, `r` are the quotient and remainder.
//! - **Signed, `b ≠ 0`: the remainder.** `abs_b = |sb| ∈ [1, 2^31]`, so `abs_r < 2^31`. If
//!   `a ≥ 0` then `r = abs_r`, i.e. `0 <= sr < |sb|`. If `a < 0` then `r = -abs_r mod 2^32`,
//!   which is 0 or in `(2^31, 2^32)`, i.e. `sr = -abs_r ∈ (-|sb|, 0]`. Either way `|sr| < |sb|`
//!   and `sr = 0` or `sign(sr) = sign(sa)`.
//! - **Signed, `b ≠ 0`, `is_overflow = 0`.** `Q` is `q` sign-extended, and
//!   `|sq sb + sr - sa| <= 2^62 + 2^32 < 2^64`, so `sa = sq sb + sr` over the integers. With the
//!   remainder conditions, `(sq, sr)` is the truncated quotient and remainder, which is
//!   unique. For `(a, b) = (i32::MIN, -1)` that quotient is `2^31`, not a 32-bit signed value:
//!   no witness exists, so an honest prover must set the flag.
//! - **Signed, `b ≠ 0`, `is_overflow = 1`.** `q_sign = q_msb - 1` boolean forces `q_msb = 1`,
//!   `q_sign = 0`: `Q = q` zero-extended, `q ∈ [2^31, 2^32)`. `|q sb + sr - sa| < 2^63 + 2^32`,
//!   so `q sb = sa - sr` over the integers. Since `sr = 0` or `sr` has `sa`'s sign,
//!   `|sa - sr| <= max(|sa|, |sr|) <= 2^31`, so `2^31 |sb| <= q |sb| <= 2^31`: `|sb| = 1`,
//!   `q = 2^31`, `|sa - sr| = 2^31`; `|sr| < 1` gives `sr = 0`, so `sa = -2^31` and `sb = -1`.
//!   That is exactly the overflow case, with `q = 0x80000000 = i32::MIN` and `r = 0`, the
//!   specified results. (No equality witness for `a = 0x80000000`, `b = 0xffffffff` is
//!   needed: the flag cannot be set anywhere else, except when `b = 0`, where it changes
//!   nothing.)
//!
//! The result is `q` or `r` by the one-hot flags, the flags are tied to the instruction at
//! `pc` by the ROM lookup of `Σ flag * opcode`, and the register write is checked bytes.
//! All constraints have degree ≤ 2: flag × sign products are the columns `a_sign`, `b_sign`,
//! `q_sign`, `r_sign`, and every other product is one column (or linear expression) times
//! another.

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

/// Number of byte limbs of the extended values in the product identity.
pub const LIMBS: usize = 8;

/// One division or remainder. Padding rows are all zero.
#[repr(C)]
#[derive(Clone, Copy, Debug, Default)]
pub struct DivRemCols<T> {
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
    pub is_div: T,
    pub is_divu: T,
    pub is_rem: T,
    pub is_remu: T,
    /// The dividend, `rs1`'s value: pinned by the `rs1` read (bytes by induction).
    pub a: Word<T>,
    /// The divisor, `rs2`'s value: pinned by the `rs2` read.
    pub b: Word<T>,
    /// The quotient: checked bytes, pinned by the identity, the remainder bound and (when
    /// `b = 0`) `is_b_zero * (q_i - 255) = 0`.
    pub q: Word<T>,
    /// The remainder: checked bytes, pinned by the identity and the remainder bound.
    pub r: Word<T>,
    /// The value written to `rd`: `q` or `r` by the flags (constrained equal).
    pub res: Word<T>,
    /// Top bits of `a`, `b`, `q`, `r`: boolean, each pinned by the byte check of
    /// `2 * (x_3 - 128 x_msb)`.
    pub a_msb: T,
    pub b_msb: T,
    pub q_msb: T,
    pub r_msb: T,
    /// `signed * a_msb` (constrained equal): `a`'s extension sign, and whether `r` is negated
    /// into `abs_r`.
    pub a_sign: T,
    /// `signed * b_msb` (constrained equal): `b`'s extension sign, and whether `b` is negated
    /// into `abs_b`.
    pub b_sign: T,
    /// `signed * q_msb - is_overflow` (constrained equal, and boolean): `q`'s extension sign.
    pub q_sign: T,
    /// `signed * r_msb` (constrained equal): `r`'s extension sign.
    pub r_sign: T,
    /// Signed overflow (`i32::MIN / -1`): boolean, and only satisfiable there or when
    /// `b = 0` (where it has no effect); see the module docs.
    pub is_overflow: T,
    /// The product identity's carries: range-checked below 2^16, pinned by the identity.
    pub carry: [T; LIMBS],
    /// `[b = 0]` on real rows: `is_b_zero = real - (Σ b_i) b_inv` and `is_b_zero Σ b_i = 0`.
    pub is_b_zero: T,
    /// The inverse of `Σ b_i` when it is non-zero (the is-zero witness; 0 otherwise).
    pub b_inv: T,
    /// `|b|`: `b`, or `-b mod 2^32` when `b_sign` (byte adder `abs_b + b = 2^32`); checked
    /// bytes.
    pub abs_b: Word<T>,
    /// Carries of the adder `abs_b + b = 2^32` (boolean; the top carry is 1, not a column).
    pub abs_b_carry: [T; 3],
    /// `r`, or `-r mod 2^32` when `a_sign` (byte adder `abs_r + r = 2^32 * abs_r_carry_3`);
    /// checked bytes.
    pub abs_r: Word<T>,
    /// Carries of the adder `abs_r + r` (boolean; the top one is 0 exactly when `r = 0`).
    pub abs_r_carry: [T; 4],
    /// `abs_b - abs_r - 1` when `b ≠ 0` (adder `abs_r + gap + 1 = abs_b`, gated by `nz`);
    /// checked bytes when `b ≠ 0`, otherwise unused (0).
    pub gap: Word<T>,
    /// Carries of the adder `abs_r + gap + 1 = abs_b` (boolean; no carry leaves the top
    /// byte, which is what makes `gap >= 0`).
    pub gap_carry: [T; 3],
    /// The `rs1` read's timestamp witness (see `gadgets::memory`).
    pub rs1_read: ReadCols<T>,
    /// The `rs2` read's timestamp witness.
    pub rs2_read: ReadCols<T>,
    /// The `rd` write's timestamp witness and the overwritten value.
    pub rd_write: WriteCols<T>,
}
impl_columns!(DivRemCols);

/// The division chip.
#[derive(Clone, Copy, Debug)]
pub struct DivRemChip;

impl DivRemChip {
    /// The opcodes of `(is_div, is_divu, is_rem, is_remu)`.
    pub const OPCODES: [Opcode; 4] = [Opcode::Div, Opcode::Divu, Opcode::Rem, Opcode::Remu];
}

impl BaseAir<Val> for DivRemChip {
    fn width(&self) -> usize {
        DivRemCols::<Val>::WIDTH
    }

    fn main_next_row_columns(&self) -> Vec<usize> {
        Vec::new()
    }
}

impl<AB: MachineBuilder> Air<AB> for DivRemChip {
    fn eval(&self, b: &mut AB) {
        let main = b.main();
        let row: DivRemCols<AB::Var> = *main.current_slice().borrow();
        let c = |x: u32| AB::Expr::from_u32(x);
        let e = |v: AB::Var| -> AB::Expr { v.into() };

        // Flags: boolean, at most one set; `real` is their sum, so padding rows (all zero)
        // make no interaction. `signed` and `quot` are then boolean too.
        let flags = [row.is_div, row.is_divu, row.is_rem, row.is_remu];
        for f in flags {
            b.assert_bool(f);
        }
        let real: AB::Expr = flags.iter().map(|&f| e(f)).sum();
        b.assert_bool(real.clone());
        let opcode: AB::Expr = flags
            .iter()
            .zip(DivRemChip::OPCODES)
            .map(|(&f, op)| e(f) * c(op as u32))
            .sum();
        let signed = e(row.is_div) + e(row.is_rem);
        let quot = e(row.is_div) + e(row.is_divu);
        let rem = e(row.is_rem) + e(row.is_remu);

        // `q` and `r` are bytes.
        let qr: Vec<AB::Expr> = row.q.iter().chain(&row.r).map(|&x| e(x)).collect();
        bytes_checked(b, &qr, real.clone());

        // Top bits (byte check of the low seven bits, doubled: see `chips::mul`) and the
        // extension signs. `q_sign` differs from `signed * q_msb` only by the overflow flag.
        for msb in [row.a_msb, row.b_msb, row.q_msb, row.r_msb] {
            b.assert_bool(msb);
        }
        let low7x2 = |x3: AB::Var, msb: AB::Var| (e(x3) - e(msb) * c(128)) * c(2);
        byte_pair(
            b,
            low7x2(row.a[3], row.a_msb),
            low7x2(row.b[3], row.b_msb),
            real.clone(),
        );
        byte_pair(
            b,
            low7x2(row.q[3], row.q_msb),
            low7x2(row.r[3], row.r_msb),
            real.clone(),
        );
        b.assert_eq(row.a_sign, signed.clone() * e(row.a_msb));
        b.assert_eq(row.b_sign, signed.clone() * e(row.b_msb));
        b.assert_eq(row.r_sign, signed.clone() * e(row.r_msb));
        b.assert_bool(row.is_overflow);
        b.assert_bool(row.q_sign);
        b.assert_eq(row.q_sign, signed * e(row.q_msb) - e(row.is_overflow));

        // The product identity `Q * B + R = A (mod 2^64)` over extended limbs (degree 2; no
        // wrap-around, see the module docs).
        let limbs = |w: &Word<AB::Var>, sign: AB::Var| -> [AB::Expr; LIMBS] {
            core::array::from_fn(|i| if i < 4 { e(w[i]) } else { e(sign) * c(255) })
        };
        let ql = limbs(&row.q, row.q_sign);
        let bl = limbs(&row.b, row.b_sign);
        let rl = limbs(&row.r, row.r_sign);
        let al = limbs(&row.a, row.a_sign);
        for k in 0..LIMBS {
            let mut lhs: AB::Expr = (0..=k).map(|i| ql[i].clone() * bl[k - i].clone()).sum();
            lhs += rl[k].clone();
            if k > 0 {
                lhs += e(row.carry[k - 1]);
            }
            b.assert_eq(lhs, al[k].clone() + e(row.carry[k]) * c(256));
        }
        for carry in row.carry {
            range16(b, e(carry), real.clone());
        }

        // Division by zero: `is_b_zero = [b = 0]` on real rows (Σ b_i < 1020 < p is zero
        // exactly when b is), 0 on padding rows; then `q = 0xffffffff`.
        let b_sum: AB::Expr = row.b.iter().map(|&x| e(x)).sum();
        b.assert_eq(row.is_b_zero, real.clone() - b_sum.clone() * e(row.b_inv));
        b.assert_zero(e(row.is_b_zero) * b_sum);
        // Dividing by zero is never an overflow: pins `(is_overflow, q_sign)` to `(0, signed)`
        // there, where both `(0, 1)` and `(1, 0)` would otherwise satisfy `q_sign`'s equation.
        b.assert_zero(e(row.is_b_zero) * e(row.is_overflow));
        for i in 0..4 {
            b.assert_zero(e(row.is_b_zero) * (e(row.q[i]) - c(255)));
        }

        // `abs_b`: `b` when `b_sign = 0`; otherwise `abs_b + b = 2^32` (`b_sign = 1` means
        // `b >= 2^31`, so the top carry is 1).
        for i in 0..4 {
            let cin = if i == 0 {
                AB::Expr::ZERO
            } else {
                e(row.abs_b_carry[i - 1])
            };
            let cout = if i == 3 { c(1) } else { e(row.abs_b_carry[i]) };
            b.assert_zero(e(row.b_sign) * (e(row.abs_b[i]) + e(row.b[i]) + cin - cout * c(256)));
            b.assert_zero((AB::Expr::ONE - e(row.b_sign)) * (e(row.abs_b[i]) - e(row.b[i])));
        }
        for carry in row.abs_b_carry {
            b.assert_bool(carry);
        }

        // `abs_r`: `r` when `a_sign = 0`; otherwise `abs_r + r = 2^32 * abs_r_carry_3`, i.e.
        // `abs_r = -r mod 2^32`.
        for i in 0..4 {
            let cin = if i == 0 {
                AB::Expr::ZERO
            } else {
                e(row.abs_r_carry[i - 1])
            };
            let cout = e(row.abs_r_carry[i]) * c(256);
            b.assert_zero(e(row.a_sign) * (e(row.abs_r[i]) + e(row.r[i]) + cin - cout));
            b.assert_zero((AB::Expr::ONE - e(row.a_sign)) * (e(row.abs_r[i]) - e(row.r[i])));
        }
        for carry in row.abs_r_carry {
            b.assert_bool(carry);
        }
        let abs: Vec<AB::Expr> = row.abs_b.iter().chain(&row.abs_r).map(|&x| e(x)).collect();
        bytes_checked(b, &abs, real.clone());

        // The remainder bound when `b ≠ 0`: `abs_r + gap + 1 = abs_b` with no carry out of the
        // top byte and `gap` checked bytes, so `abs_r < abs_b`. `nz` is boolean on real rows
        // and 0 on padding rows (there `is_b_zero = -(Σ b_i) b_inv` with
        // `is_b_zero Σ b_i = 0`, so `is_b_zero = 0`).
        let nz = real.clone() - e(row.is_b_zero);
        for i in 0..4 {
            let cin = if i == 0 {
                AB::Expr::ONE
            } else {
                e(row.gap_carry[i - 1])
            };
            let cout = if i == 3 {
                AB::Expr::ZERO
            } else {
                e(row.gap_carry[i]) * c(256)
            };
            let rel = e(row.abs_r[i]) + e(row.gap[i]) + cin - e(row.abs_b[i]) - cout;
            b.assert_zero(nz.clone() * rel);
        }
        for carry in row.gap_carry {
            b.assert_bool(carry);
        }
        bytes_checked(b, &row.gap.map(e), nz);

        // The result: `q` or `r`.
        for i in 0..4 {
            b.assert_eq(
                row.res[i],
                quot.clone() * e(row.q[i]) + rem.clone() * e(row.r[i]),
            );
        }

        // Registers, the ROM lookup and the next state.
        register_op!(row).eval(b, false, opcode, real);

        // Witnesses that mean nothing on a row are pinned to zero there, so that no cell is
        // free (last, so that the constraint numbers above stay put): the carries of a
        // negation not taken, and `b_inv`, `gap` and its carries when `b = 0`.
        for carry in row.abs_b_carry {
            b.assert_zero((AB::Expr::ONE - e(row.b_sign)) * e(carry));
        }
        for carry in row.abs_r_carry {
            b.assert_zero((AB::Expr::ONE - e(row.a_sign)) * e(carry));
        }
        b.assert_zero(e(row.is_b_zero) * e(row.b_inv));
        for x in row.gap.iter().chain(&row.gap_carry) {
            b.assert_zero(e(row.is_b_zero) * e(*x));
        }
    }
}

#[cfg(feature = "trace")]
pub use trace::generate_trace;

#[cfg(feature = "trace")]
mod trace {
    use core::borrow::BorrowMut;

    use vouch_isa::Opcode;
    use vouch_stark::field::{Field, PrimeCharacteristicRing};
    use vouch_stark::matrix::RowMajorMatrix;
    use vouch_stark::Val;

    use super::{DivRemChip, DivRemCols, LIMBS};
    use crate::gadgets::register_op::populate_register_accesses;
    use crate::gadgets::word::word_to_field;
    use crate::machine::padded_height;
    use crate::trace::{zero_matrix, InstrEvent, LookupCounts, TraceError};

    /// The division table for `events`.
    pub fn generate_trace(
        _chip: &DivRemChip,
        events: &[InstrEvent<'_>],
        counts: &mut LookupCounts,
    ) -> Result<RowMajorMatrix<Val>, TraceError> {
        let width = DivRemCols::<Val>::WIDTH;
        let mut trace = zero_matrix(padded_height(events.len()), width);
        for (ev, row) in events.iter().zip(trace.values.chunks_exact_mut(width)) {
            let row: &mut DivRemCols<Val> = row.borrow_mut();
            populate(ev, row, counts);
        }
        Ok(trace)
    }

    /// The eight limbs of `x` extended with `sign`.
    fn limbs(x: u32, sign: bool) -> [i64; LIMBS] {
        let bytes = x.to_le_bytes();
        core::array::from_fn(|i| {
            if i < 4 {
                i64::from(bytes[i])
            } else {
                255 * i64::from(sign)
            }
        })
    }

    /// The quotient, remainder and overflow flag of `op(a, b)`, as the chip witnesses them.
    fn divide(signed: bool, a: u32, b: u32) -> (u32, u32, bool) {
        if b == 0 {
            (u32::MAX, a, false)
        } else if signed && a == 0x8000_0000 && b == u32::MAX {
            (a, 0, true)
        } else if signed {
            let (sa, sb) = (a as i32, b as i32);
            ((sa / sb) as u32, (sa % sb) as u32, false)
        } else {
            (a / b, a % b, false)
        }
    }

    /// Carries (as many as `N`) of the byte adder `x + y + cin0 = z + 256 * carry`, limb by
    /// limb, where `x`, `y`, `z` are little-endian bytes.
    fn adder_carries<const N: usize>(x: [u8; 4], y: [u8; 4], cin0: u32, z: [u8; 4]) -> [u32; N] {
        let mut carries = [0u32; N];
        let mut cin = cin0;
        for i in 0..4 {
            let total = u32::from(x[i]) + u32::from(y[i]) + cin;
            debug_assert_eq!(total & 0xff, u32::from(z[i]), "adder byte {i}");
            cin = total >> 8;
            if i < N {
                carries[i] = cin;
            }
        }
        carries
    }

    fn populate(ev: &InstrEvent<'_>, row: &mut DivRemCols<Val>, counts: &mut LookupCounts) {
        let f = Val::from_u32;
        let (insn, step, clk) = (ev.insn, ev.step, ev.clk);
        row.pc = f(step.pc);
        row.clk = f(clk);
        row.rd = f(u32::from(insn.rd));
        row.rs1 = f(u32::from(insn.rs1));
        row.rs2 = f(u32::from(insn.rs2));
        let flag = match insn.opcode {
            Opcode::Div => &mut row.is_div,
            Opcode::Divu => &mut row.is_divu,
            Opcode::Rem => &mut row.is_rem,
            Opcode::Remu => &mut row.is_remu,
            op => unreachable!("{} dispatched to the DIV chip", op.mnemonic()),
        };
        *flag = Val::ONE;
        let signed = matches!(insn.opcode, Opcode::Div | Opcode::Rem);
        let (a, b) = (step.rs1_val, step.rs2_val);
        let (q, r, overflow) = divide(signed, a, b);
        let res = if matches!(insn.opcode, Opcode::Div | Opcode::Divu) {
            q
        } else {
            r
        };
        debug_assert_eq!(res, step.rd_val, "DIV chip result at pc {:#x}", step.pc);
        row.a = word_to_field(a);
        row.b = word_to_field(b);
        row.q = word_to_field(q);
        row.r = word_to_field(r);
        row.res = word_to_field(res);

        let msb = |x: u32| x >> 31 == 1;
        row.a_msb = Val::from_bool(msb(a));
        row.b_msb = Val::from_bool(msb(b));
        row.q_msb = Val::from_bool(msb(q));
        row.r_msb = Val::from_bool(msb(r));
        let a_sign = signed && msb(a);
        let b_sign = signed && msb(b);
        let q_sign = signed && msb(q) && !overflow;
        let r_sign = signed && msb(r);
        row.a_sign = Val::from_bool(a_sign);
        row.b_sign = Val::from_bool(b_sign);
        row.q_sign = Val::from_bool(q_sign);
        row.r_sign = Val::from_bool(r_sign);
        row.is_overflow = Val::from_bool(overflow);

        // The product identity's carries.
        let (ql, bl) = (limbs(q, q_sign), limbs(b, b_sign));
        let (rl, al) = (limbs(r, r_sign), limbs(a, a_sign));
        let mut carry = [0u32; LIMBS];
        let mut cin = 0i64;
        for k in 0..LIMBS {
            let total: i64 = (0..=k).map(|i| ql[i] * bl[k - i]).sum::<i64>() + rl[k] + cin - al[k];
            assert!(
                total >= 0 && total % 256 == 0,
                "division identity limb {k}: {total}"
            );
            cin = total / 256;
            assert!(cin < 1 << 16, "division carry {cin} out of range");
            carry[k] = cin as u32;
        }
        row.carry = carry.map(f);

        // Division by zero.
        let b_sum: u32 = b.to_le_bytes().iter().map(|&x| u32::from(x)).sum();
        row.is_b_zero = Val::from_bool(b == 0);
        row.b_inv = f(b_sum).try_inverse().unwrap_or(Val::ZERO);

        // |b| and ±r.
        let abs_b = if b_sign { b.wrapping_neg() } else { b };
        let abs_r = if a_sign { r.wrapping_neg() } else { r };
        row.abs_b = word_to_field(abs_b);
        row.abs_r = word_to_field(abs_r);
        if b_sign {
            let cb: [u32; 3] = adder_carries(abs_b.to_le_bytes(), b.to_le_bytes(), 0, [0; 4]);
            row.abs_b_carry = cb.map(f);
        }
        if a_sign {
            let cr: [u32; 4] = adder_carries(abs_r.to_le_bytes(), r.to_le_bytes(), 0, [0; 4]);
            row.abs_r_carry = cr.map(f);
        }

        // The remainder bound.
        let gap = if b != 0 {
            assert!(abs_r < abs_b, "remainder bound at pc {:#x}", step.pc);
            let gap = abs_b - abs_r - 1;
            let cg: [u32; 3] = adder_carries(
                abs_r.to_le_bytes(),
                gap.to_le_bytes(),
                1,
                abs_b.to_le_bytes(),
            );
            row.gap = word_to_field(gap);
            row.gap_carry = cg.map(f);
            Some(gap)
        } else {
            None
        };
        let qr: Vec<u32> = q
            .to_le_bytes()
            .iter()
            .chain(&r.to_le_bytes())
            .map(|&x| u32::from(x))
            .collect();
        counts.bytes_checked(&qr);
        let low7x2 = |x: u32| ((x >> 24) & 0x7f) * 2;
        counts.byte_pair(low7x2(a), low7x2(b));
        counts.byte_pair(low7x2(q), low7x2(r));
        for &x in &carry {
            counts.range16(x);
        }
        let abs: Vec<u32> = abs_b
            .to_le_bytes()
            .iter()
            .chain(&abs_r.to_le_bytes())
            .map(|&x| u32::from(x))
            .collect();
        counts.bytes_checked(&abs);
        if let Some(gap) = gap {
            counts.bytes_checked(&gap.to_le_bytes().map(u32::from));
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

        const OPS: [Opcode; 4] = [Opcode::Div, Opcode::Divu, Opcode::Rem, Opcode::Remu];

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
            let mut row = DivRemCols::<Val>::default();
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
