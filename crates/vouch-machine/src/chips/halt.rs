//! `HALT`: the end of an execution, and its public outputs.
//!
//! Given a `HALT` ecall at `(pc, clk)` — the ROM's ECALL at pc, with `a7` = 0 — this chip reads
//! the exit code from `a0` and the journal digest's address from `a1`, reads the eight digest
//! words there, and binds exit code and digest to the public values. It consumes the execution
//! state and sends no successor: the execution ends here.
//!
//! Only row 0 can be real, and it is real exactly when the public value `HALTED` is 1; so a
//! segment that claims to halt must contain a HALT, and one that does not claim it cannot.
//! The digest pointer is checked word-aligned, with the whole digest `[ptr, ptr + 32)` inside
//! `[2^16, 2^29)` (so the eight reads stay in RAM and never alias registers) and outside the
//! stack guard, as the executor requires: the guard is one 64 KiB block and the digest spans
//! 32 bytes, so it meets the guard only if its first or last word's high limb is the guard's.

use core::borrow::Borrow;

use vouch_abi::reg::{A0, A1, A7};
use vouch_isa::Opcode;
use vouch_stark::air::{Air, AirBuilder, BaseAir, WindowAccess};
use vouch_stark::field::PrimeCharacteristicRing;
use vouch_stark::Val;

use crate::bus::{byte_pair, lookup_program, range16, receive_state, ProgramRow};
use crate::chips::load::assert_outside_guard;
use crate::columns::Word;
use crate::gadgets::memory::{eval_read, timestamp, ReadCols, SLOT_MEM, SLOT_RS1, SLOT_RS2};
use crate::gadgets::word::word_value;
use crate::impl_columns;
use crate::public::{EXIT_CODE, HALTED, JOURNAL_DIGEST};
use crate::MachineBuilder;

/// The HALT row.
#[repr(C)]
#[derive(Clone, Copy, Debug, Default)]
pub struct HaltCols<T> {
    pub is_real: T,
    pub pc: T,
    pub clk: T,
    /// `a0`: the exit code.
    pub exit_code: Word<T>,
    /// `a1`: address of the digest.
    pub ptr: Word<T>,
    /// `ptr[0] = 4 * ptr_q` with `ptr_q` a byte (so an integer, and `ptr[0]` then forces it
    /// below 64): the pointer is word-aligned.
    pub ptr_q: T,
    /// `ptr + 28 = 2^16 end_hi + end_lo`, both range-checked, `end_hi < 2^13`: the last digest
    /// word lies below 2^29.
    pub end_hi: T,
    pub end_lo: T,
    /// Inverses of `ptr_hi - GUARD_HI` and `end_hi - GUARD_HI` (`* inv = real`): neither the
    /// first nor the last digest word lies in the stack guard.
    pub ptr_guard_inv: T,
    pub end_guard_inv: T,
    pub digest: [Word<T>; 8],
    pub a7_read: ReadCols<T>,
    pub a0_read: ReadCols<T>,
    pub a1_read: ReadCols<T>,
    pub digest_reads: [ReadCols<T>; 8],
}
impl_columns!(HaltCols);

/// The HALT chip.
#[derive(Clone, Copy, Debug)]
pub struct HaltChip;

impl BaseAir<Val> for HaltChip {
    fn width(&self) -> usize {
        HaltCols::<Val>::WIDTH
    }

    fn main_next_row_columns(&self) -> Vec<usize> {
        vec![HaltCols::indices().is_real]
    }
}

impl<AB: MachineBuilder> Air<AB> for HaltChip {
    fn eval(&self, b: &mut AB) {
        let main = b.main();
        let local: HaltCols<AB::Var> = *main.current_slice().borrow();
        let next: &HaltCols<AB::Var> = main.next_slice().borrow();
        let next_is_real = next.is_real;
        let pv = b.public_values().to_vec();
        let real: AB::Expr = local.is_real.into();
        let c = |x: u32| AB::Expr::from_u32(x);

        // Only row 0 may be real, and it is iff the segment claims to halt.
        b.assert_bool(local.is_real);
        b.when_first_row().assert_eq(local.is_real, pv[HALTED]);
        b.when_transition().assert_zero(next_is_real);

        receive_state(b, local.pc.into(), local.clk.into(), real.clone());
        lookup_program(
            b,
            ProgramRow {
                pc: local.pc.into(),
                opcode: c(Opcode::Ecall as u32),
                rd: c(A0 as u32),
                rs1: c(A7 as u32),
                rs2: c(A0 as u32),
                imm: [c(0), c(0), c(0), c(0)],
            },
            real.clone(),
        );

        let clk: AB::Expr = local.clk.into();
        let zero = || AB::Expr::ZERO;
        // a7 = HALT = 0.
        eval_read(
            b,
            c(A7 as u32),
            [zero(), zero(), zero(), zero()],
            timestamp(clk.clone(), SLOT_RS1),
            &local.a7_read,
            real.clone(),
        );
        eval_read(
            b,
            c(A0 as u32),
            local.exit_code.map(Into::into),
            timestamp(clk.clone(), SLOT_RS2),
            &local.a0_read,
            real.clone(),
        );
        eval_read(
            b,
            c(A1 as u32),
            local.ptr.map(Into::into),
            timestamp(clk.clone(), SLOT_MEM),
            &local.a1_read,
            real.clone(),
        );

        // ptr word-aligned, 2^16 <= ptr < 2^29 (ptr_hi is an integer: two bytes).
        b.assert_zero(AB::Expr::from(local.ptr[0]) - AB::Expr::from(local.ptr_q) * c(4));
        let ptr_hi = AB::Expr::from(local.ptr[2]) + AB::Expr::from(local.ptr[3]) * c(256);
        range16(b, (ptr_hi.clone() - c(1)) * c(8), real.clone());
        range16(b, ptr_hi.clone() * c(8), real.clone());
        byte_pair(b, local.ptr_q.into(), zero(), real.clone());

        // The last word, ptr + 28 < 2^29: end_hi and end_lo are integers below 2^16, so the
        // equation holds over the integers (both sides < 2^30 < p), and end_hi * 8 < 2^16.
        let ptr: AB::Expr = word_value(&local.ptr);
        let end_hi: AB::Expr = local.end_hi.into();
        b.assert_zero(
            real.clone()
                * (ptr.clone() + c(28) - end_hi.clone() * c(1 << 16) - local.end_lo.into()),
        );
        range16(b, local.end_lo.into(), real.clone());
        range16(b, end_hi.clone(), real.clone());
        range16(b, end_hi.clone() * c(8), real.clone());

        // Outside the stack guard: the first and the last word's high limbs differ from it.
        assert_outside_guard(b, ptr_hi, local.ptr_guard_inv.into(), real.clone());
        assert_outside_guard(b, end_hi, local.end_guard_inv.into(), real.clone());

        for (k, (word, read)) in local
            .digest
            .iter()
            .zip(local.digest_reads.iter())
            .enumerate()
        {
            let addr = ptr.clone() + c(4 * k as u32);
            eval_read(
                b,
                addr,
                word.map(Into::into),
                timestamp(clk.clone(), SLOT_MEM),
                read,
                real.clone(),
            );
        }

        // Public outputs.
        for (i, byte) in local.exit_code.iter().enumerate() {
            b.assert_zero(real.clone() * (AB::Expr::from(*byte) - pv[EXIT_CODE + i].into()));
        }
        for (k, word) in local.digest.iter().enumerate() {
            for (i, byte) in word.iter().enumerate() {
                let expected: AB::Expr = pv[JOURNAL_DIGEST + 4 * k + i].into();
                b.assert_zero(real.clone() * (AB::Expr::from(*byte) - expected));
            }
        }
    }
}

#[cfg(feature = "trace")]
pub use trace::generate_trace;

#[cfg(feature = "trace")]
mod trace {
    use core::borrow::BorrowMut;

    use vouch_executor::SegmentRecord;
    use vouch_stark::field::PrimeCharacteristicRing;
    use vouch_stark::matrix::RowMajorMatrix;
    use vouch_stark::Val;

    use super::HaltCols;
    use crate::chips::load::guard_inverse;
    use crate::gadgets::memory::{SLOT_MEM, SLOT_RS1, SLOT_RS2};
    use crate::gadgets::word::word_to_field;
    use crate::machine::MIN_HEIGHT;
    use crate::trace::{zero_matrix, LookupCounts};

    /// The HALT table: row 0 holds the segment's HALT, if it has one.
    pub fn generate_trace(
        record: &SegmentRecord,
        counts: &mut LookupCounts,
    ) -> RowMajorMatrix<Val> {
        let width = HaltCols::<Val>::WIDTH;
        let mut trace = zero_matrix(MIN_HEIGHT, width);
        let (Some(halt), Some(step)) = (record.halt, record.steps.last()) else {
            return trace;
        };
        let f = Val::from_u32;
        let row: &mut HaltCols<Val> = trace.values[..width].borrow_mut();
        let clk = halt.clk;
        let ts = |slot: u32| 4 * clk + slot;
        row.is_real = Val::ONE;
        row.pc = f(step.pc);
        row.clk = f(clk);
        row.exit_code = word_to_field(halt.exit_code);
        row.ptr = word_to_field(halt.digest_addr);
        row.ptr_q = f((halt.digest_addr & 0xff) / 4);
        let ptr_hi = halt.digest_addr >> 16;
        let end = halt.digest_addr + 28;
        let (end_hi, end_lo) = (end >> 16, end & 0xffff);
        row.end_hi = f(end_hi);
        row.end_lo = f(end_lo);
        // The executor refuses a digest in the stack guard, so both differences are nonzero.
        row.ptr_guard_inv = guard_inverse(ptr_hi);
        row.end_guard_inv = guard_inverse(end_hi);
        for k in 0..8 {
            row.digest[k] = word_to_field(halt.digest[k]);
            row.digest_reads[k].populate(halt.prev_ts[k], ts(SLOT_MEM), counts);
        }
        row.a7_read.populate(step.rs1_prev_ts, ts(SLOT_RS1), counts);
        row.a0_read.populate(step.rs2_prev_ts, ts(SLOT_RS2), counts);
        row.a1_read.populate(halt.a1_prev_ts, ts(SLOT_MEM), counts);
        counts.program(step.pc);
        counts.range16(((halt.digest_addr >> 16) - 1) * 8);
        counts.range16((halt.digest_addr >> 16) * 8);
        counts.byte_pair((halt.digest_addr & 0xff) / 4, 0);
        counts.range16(end_lo);
        counts.range16(end_hi);
        counts.range16(end_hi * 8);
        trace
    }
}
