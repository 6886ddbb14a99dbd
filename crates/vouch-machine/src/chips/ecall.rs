//! Every syscall the prover accepts except `HALT`: READ_WORD, INPUT_REMAINING, COMMIT, WRITE,
//! CYCLE_COUNT and RANDOM_WORD.
//!
//! Given an ECALL row at `(pc, clk)` — the ROM's ECALL at `pc`, always `(rd, rs1, rs2) = (a0,
//! a7, a0)` — this chip proves that `a7` holds the number of the flagged syscall, writes the
//! syscall's result to `a0`, and moves to `(pc + 4, clk + 1)`.
//!
//! **Which syscall.** One flag per accepted syscall; exactly one is set on a real row. `a7` is
//! read (slot 0) with the value `(Σ flag_k · number_k, 0, 0, 0)`, so the memory bus only
//! balances if `a7` really holds the flagged number. `HALT` (0) has its own chip and `PANIC`
//! (5) cannot be proven: neither has a flag, so an ECALL with `a7` = 0, 5 or any unknown
//! number has no row here.
//!
//! **a0.** `a0` is read and written in one access at the `rd` slot: it receives `a0`'s
//! current value (`a0_access.prev`, the syscall's argument) and sends the result `res`. That
//! is a read followed by a write with nothing in between, without a separate `rs2` access.
//! - READ_WORD, INPUT_REMAINING, CYCLE_COUNT, RANDOM_WORD return a host-supplied value, which
//!   the proof does not constrain (docs/abi.md: the private input, and hints): `res` is any
//!   word, byte-checked so that the register holds bytes as every chip assumes.
//! - COMMIT and WRITE leave `a0` unchanged: `res = prev`.
//!
//! **Why COMMIT needs nothing else.** The journal is public through the digest that `HALT`
//! reads from guest memory and binds to the public values; the guest computes that digest
//! over the bytes it commits, by instructions the other chips prove. The verifier hashes the
//! journal it is given and compares. So the bytes a COMMIT names are bound by the proven
//! computation of the digest, not by this row; a prover that reports a different journal
//! fails the verifier's digest comparison. WRITE's output is host-side and not bound at all.

use core::borrow::Borrow;

use vouch_abi::reg::{A0, A7};
use vouch_abi::syscall;
use vouch_isa::Opcode;
use vouch_stark::air::{Air, BaseAir, WindowAccess};
use vouch_stark::field::PrimeCharacteristicRing;
use vouch_stark::Val;

use crate::bus::{bytes_checked, lookup_program, receive_state, send_state, ProgramRow};
use crate::columns::Word;
use crate::gadgets::memory::{
    eval_read, eval_write, timestamp, ReadCols, WriteCols, SLOT_RD, SLOT_RS1,
};
use crate::impl_columns;
use crate::MachineBuilder;

/// The syscall numbers of the one-hot flags, in [`EcallCols`] order.
pub const SYSCALLS: [u32; 6] = [
    syscall::READ_WORD,
    syscall::INPUT_REMAINING,
    syscall::COMMIT,
    syscall::WRITE,
    syscall::CYCLE_COUNT,
    syscall::RANDOM_WORD,
];

/// One ECALL (not HALT).
#[repr(C)]
#[derive(Clone, Copy, Debug, Default)]
pub struct EcallCols<T> {
    /// Pinned by the ROM lookup and the `exec` receive.
    pub pc: T,
    /// Pinned by the `exec` receive.
    pub clk: T,
    /// One-hot syscall flags (boolean, sum boolean: the sum is `is_real`); their combination
    /// is `a7`'s value, pinned by the `a7` read.
    pub is_read_word: T,
    pub is_input_remaining: T,
    pub is_commit: T,
    pub is_write: T,
    pub is_cycle_count: T,
    pub is_random_word: T,
    /// The value written to `a0`: byte-checked; equal to `a0_access.prev` for COMMIT and
    /// WRITE, the host's (unconstrained) answer otherwise.
    pub res: Word<T>,
    pub a7_read: ReadCols<T>,
    /// `a0`'s access: `prev` is the argument `a0` (pinned by the memory bus), `res` the new
    /// value.
    pub a0_access: WriteCols<T>,
}
impl_columns!(EcallCols);

/// The ECALL chip.
#[derive(Clone, Copy, Debug)]
pub struct EcallChip;

impl BaseAir<Val> for EcallChip {
    fn width(&self) -> usize {
        EcallCols::<Val>::WIDTH
    }

    fn main_next_row_columns(&self) -> Vec<usize> {
        Vec::new()
    }
}

impl<AB: MachineBuilder> Air<AB> for EcallChip {
    fn eval(&self, b: &mut AB) {
        let main = b.main();
        let row: EcallCols<AB::Var> = *main.current_slice().borrow();
        let c = |x: u32| AB::Expr::from_u32(x);
        let e = |v: AB::Var| -> AB::Expr { v.into() };

        // Flags: boolean, at most one set; `real` is their sum (0 on padding rows).
        let flags = [
            row.is_read_word,
            row.is_input_remaining,
            row.is_commit,
            row.is_write,
            row.is_cycle_count,
            row.is_random_word,
        ];
        for f in flags {
            b.assert_bool(f);
        }
        let real: AB::Expr = flags.iter().map(|&f| e(f)).sum();
        b.assert_bool(real.clone());

        // a7 = the flagged syscall number.
        let number: AB::Expr = flags.iter().zip(SYSCALLS).map(|(&f, n)| e(f) * c(n)).sum();
        let clk = e(row.clk);
        let zero = || AB::Expr::ZERO;
        eval_read(
            b,
            c(A7 as u32),
            [number, zero(), zero(), zero()],
            timestamp(clk.clone(), SLOT_RS1),
            &row.a7_read,
            real.clone(),
        );

        // a0: COMMIT and WRITE leave it unchanged (degree 2); the others write a hint.
        let keeps = e(row.is_commit) + e(row.is_write);
        for i in 0..4 {
            b.assert_zero(keeps.clone() * (e(row.res[i]) - e(row.a0_access.prev[i])));
        }
        bytes_checked(b, &row.res.map(e), real.clone());
        eval_write(
            b,
            c(A0 as u32),
            row.res.map(e),
            timestamp(clk.clone(), SLOT_RD),
            &row.a0_access,
            real.clone(),
        );

        // The instruction and the next state.
        lookup_program(
            b,
            ProgramRow {
                pc: e(row.pc),
                opcode: c(Opcode::Ecall as u32),
                rd: c(A0 as u32),
                rs1: c(A7 as u32),
                rs2: c(A0 as u32),
                imm: [zero(), zero(), zero(), zero()],
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

    use vouch_stark::field::PrimeCharacteristicRing;
    use vouch_stark::matrix::RowMajorMatrix;
    use vouch_stark::Val;

    use super::{EcallChip, EcallCols, SYSCALLS};
    use crate::gadgets::memory::{SLOT_RD, SLOT_RS1};
    use crate::gadgets::word::word_to_field;
    use crate::machine::padded_height;
    use crate::trace::{zero_matrix, InstrEvent, LookupCounts, TraceError};

    /// The ECALL table for `events` (every ECALL but HALT).
    pub fn generate_trace(
        _chip: &EcallChip,
        events: &[InstrEvent<'_>],
        counts: &mut LookupCounts,
    ) -> Result<RowMajorMatrix<Val>, TraceError> {
        let width = EcallCols::<Val>::WIDTH;
        let mut trace = zero_matrix(padded_height(events.len()), width);
        for (ev, row) in events.iter().zip(trace.values.chunks_exact_mut(width)) {
            populate(ev, row.borrow_mut(), counts)?;
        }
        Ok(trace)
    }

    fn populate(
        ev: &InstrEvent<'_>,
        row: &mut EcallCols<Val>,
        counts: &mut LookupCounts,
    ) -> Result<(), TraceError> {
        let f = Val::from_u32;
        let (step, clk) = (ev.step, ev.clk);
        // a7 is read as rs1. PANIC and unknown numbers never reach a record that ends (the
        // executor stops with an error); refuse them all the same rather than emit a row that
        // cannot satisfy the constraints.
        let k = SYSCALLS
            .iter()
            .position(|&n| n == step.rs1_val)
            .ok_or(TraceError::BadInstruction(step.pc))?;
        let flags = [
            &mut row.is_read_word,
            &mut row.is_input_remaining,
            &mut row.is_commit,
            &mut row.is_write,
            &mut row.is_cycle_count,
            &mut row.is_random_word,
        ];
        for (i, flag) in flags.into_iter().enumerate() {
            *flag = f(u32::from(i == k));
        }
        row.pc = f(step.pc);
        row.clk = f(clk);
        row.res = word_to_field(step.rd_val);
        // a0 is read (slot 1) and written (slot 3) by the executor's record; the chip makes it
        // one access at slot 3 over the value before the read.
        debug_assert_eq!(step.rd_prev_val, step.rs2_val, "a0 at pc {:#x}", step.pc);
        row.a7_read
            .populate(step.rs1_prev_ts, 4 * clk + SLOT_RS1, counts);
        row.a0_access
            .populate(step.rs2_prev_ts, step.rs2_val, 4 * clk + SLOT_RD, counts);

        counts.program(step.pc);
        counts.bytes_checked(&step.rd_val.to_le_bytes().map(u32::from));
        Ok(())
    }

    #[cfg(test)]
    mod tests {
        use core::borrow::Borrow;

        use vouch_abi::syscall;
        use vouch_executor::Step;
        use vouch_isa::{Instruction, Opcode};

        use super::*;
        use crate::chips::branch::failing_constraints;
        use crate::MachineAir;

        fn table(numbers: &[u32]) -> Result<RowMajorMatrix<Val>, TraceError> {
            // COMMIT and WRITE return a0 (7); the others a hint (0xdead_beef).
            let steps: Vec<Step> = numbers
                .iter()
                .map(|&n| Step {
                    pc: 0x1000,
                    rs1_val: n,
                    rs2_val: 7,
                    rd_prev_val: 7,
                    rd_val: if n == syscall::COMMIT || n == syscall::WRITE {
                        7
                    } else {
                        0xdead_beef
                    },
                    ..Step::default()
                })
                .collect();
            let events: Vec<InstrEvent<'_>> = steps
                .iter()
                .enumerate()
                .map(|(i, step)| InstrEvent {
                    clk: i as u32 + 1,
                    step,
                    insn: Instruction::new(Opcode::Ecall, 10, 17, 10, 0),
                })
                .collect();
            generate_trace(&EcallChip, &events, &mut LookupCounts::new(0x1000, 1))
        }

        #[test]
        fn each_accepted_syscall_sets_its_flag_and_satisfies_the_constraints(
        ) -> Result<(), TraceError> {
            let trace = table(&SYSCALLS)?;
            assert_eq!(
                failing_constraints(MachineAir::Ecall(EcallChip), &trace),
                None
            );
            let width = EcallCols::<Val>::WIDTH;
            for (k, row) in trace
                .values
                .chunks_exact(width)
                .take(SYSCALLS.len())
                .enumerate()
            {
                let row: &EcallCols<Val> = row.borrow();
                let flags = [
                    row.is_read_word,
                    row.is_input_remaining,
                    row.is_commit,
                    row.is_write,
                    row.is_cycle_count,
                    row.is_random_word,
                ];
                for (i, flag) in flags.into_iter().enumerate() {
                    assert_eq!(flag, Val::from_bool(i == k), "syscall {}", SYSCALLS[k]);
                }
            }
            Ok(())
        }

        #[test]
        fn halt_panic_and_unknown_numbers_are_refused() {
            for n in [syscall::HALT, syscall::PANIC, 8, 0x100, u32::MAX] {
                let refused = matches!(table(&[n]), Err(TraceError::BadInstruction(0x1000)));
                assert!(refused, "syscall {n}");
            }
        }
    }
}
