//! BEQ, BNE, BLT, BGE, BLTU, BGEU.
//!
//! Given a branch row at `(pc, clk)` — the ROM's instruction at `pc`, with its 13-bit signed
//! offset `imm` — this chip reads `a = rs1` and `b = rs2`, proves whether the branch is taken,
//! and moves to `(pc + imm, clk + 1)` if it is, `(pc + 4, clk + 1)` if not. It writes no
//! register.
//!
//! **Comparison.** One byte-wise subtraction serves every condition: with `diff` a 4-byte
//! witness and `borrow` four bits, for each byte `i` (with `borrow[-1] = 0`)
//! `diff_i + b_i + borrow[i-1] = a_i + 256 borrow_i`. `a` and `b` are bytes (every value on the
//! memory bus is), `diff`'s bytes are range-checked and the borrows are bits, so each relation
//! is an equation between integers below 2^10 and holds over the integers: `diff = a - b mod
//! 2^32` and `borrow_3 = [a <u b]`, uniquely.
//! - `a = b` iff `diff = 0` iff `s = Σ diff_i = 0` (a sum of four bytes is below p, so it is
//!   zero only if every byte is). `ne = [s ≠ 0]` is pinned by the is-zero pair
//!   `ne = s · s_inv` and `s · (1 - ne) = 0`: if `s = 0` the first gives `ne = 0`; if not, the
//!   second gives `ne = 1` (and then `s_inv = 1/s`; `(1 - ne) s_inv = 0` pins `s_inv = 0` when
//!   `s = 0`).
//! - `a <s b` is `borrow_3 xor sign(a) xor sign(b)`, as in the ALU: the sign bits are proven by
//!   `a_3 - 128 a_msb` and `b_3 - 128 b_msb` lying in `[0, 128)` (a byte-pair lookup of their
//!   doubles, made on every real row so that the sign bits are pinned on every row).
//!
//! **Taken.** `taken` is the flag-selected condition, `is_beq (1 - ne) + is_bne ne + is_blt lt
//! + is_bge (1 - lt) + is_bltu ltu + is_bgeu (1 - ltu)` (degree 2; flags are one-hot).
//!
//! **Next pc.** `next_pc = pc + 4 + taken (imm - 4)`, with the immediate as a signed field
//! element (see [`signed_imm`]). The sum needs no range check: `pc` is a ROM address below
//! 2^29 and `|imm| ≤ 4096`, so `pc + imm` is either the integer target or, if negative, a
//! field element at least `p - 2^12 > 2^29`, which no ROM row holds; the next instruction row
//! must look its pc up in the ROM, so only the true target can be consumed.

use core::borrow::Borrow;

use vouch_isa::Opcode;
use vouch_stark::air::{Air, BaseAir, WindowAccess};
use vouch_stark::field::{Field, PrimeCharacteristicRing};
use vouch_stark::Val;

use crate::bus::{byte_pair, bytes_checked, lookup_program, receive_state, send_state, ProgramRow};
use crate::columns::Word;
use crate::gadgets::memory::{eval_read, timestamp, ReadCols, SLOT_RS1, SLOT_RS2};
use crate::impl_columns;
use crate::MachineBuilder;

/// The opcodes of the one-hot flags, in [`BranchCols`] order.
pub const OPCODES: [Opcode; 6] = [
    Opcode::Beq,
    Opcode::Bne,
    Opcode::Blt,
    Opcode::Bge,
    Opcode::Bltu,
    Opcode::Bgeu,
];

/// One branch instruction.
#[repr(C)]
#[derive(Clone, Copy, Debug, Default)]
pub struct BranchCols<T> {
    /// Pinned by the ROM lookup and the `exec` receive.
    pub pc: T,
    /// Pinned by the `exec` receive.
    pub clk: T,
    /// Register numbers, pinned by the ROM lookup.
    pub rs1: T,
    pub rs2: T,
    /// One-hot opcode flags (boolean, sum boolean: the sum is `is_real`); the ROM lookup's
    /// opcode is their combination.
    pub is_beq: T,
    pub is_bne: T,
    pub is_blt: T,
    pub is_bge: T,
    pub is_bltu: T,
    pub is_bgeu: T,
    /// The offset's bytes (sign-extended 13-bit value), pinned by the ROM lookup.
    pub imm: Word<T>,
    /// `rs1`'s and `rs2`'s values, pinned by the memory reads.
    pub a: Word<T>,
    pub b: Word<T>,
    /// `a - b mod 2^32`: byte-checked, pinned by the subtraction relations.
    pub diff: Word<T>,
    /// The subtraction's borrows: boolean, pinned by the subtraction relations;
    /// `borrow[3] = [a <u b]`.
    pub borrow: Word<T>,
    /// Sign bits of `a` and `b`: boolean, pinned by the byte-pair lookup of
    /// `2 (a_3 - 128 a_msb)` and `2 (b_3 - 128 b_msb)`.
    pub a_msb: T,
    pub b_msb: T,
    /// `a_msb xor b_msb` (constrained equal to it).
    pub sign_differ: T,
    /// `borrow[3] xor sign_differ`: `[a <s b]` (constrained equal to it).
    pub lt: T,
    /// Inverse of `Σ diff_i` when that is non-zero (pinned by `ne = s · diff_sum_inv` with
    /// `ne = 1`), else 0 (pinned by `(1 - ne) diff_sum_inv = 0`).
    pub diff_sum_inv: T,
    /// `[a ≠ b]`, pinned by the is-zero pair.
    pub ne: T,
    /// Whether the branch is taken: constrained equal to the flag-selected condition.
    pub taken: T,
    /// The pc sent on the `exec` bus: constrained to `pc + 4 + taken (imm - 4)`.
    pub next_pc: T,
    pub rs1_read: ReadCols<T>,
    pub rs2_read: ReadCols<T>,
}
impl_columns!(BranchCols);

/// The branch chip.
#[derive(Clone, Copy, Debug)]
pub struct BranchChip;

/// The value of a sign-extended immediate as a field element, from its ROM bytes.
///
/// Assumes the top byte `imm_3` is 0 or 255 and is the sign extension (true of the ROM's
/// immediates of branches, JAL, JALR and I-type instructions). Then the signed value is
/// `imm_0 + 2^8 imm_1 + 2^16 imm_2 + 2^24 imm_3 - 2^32 (imm_3 / 255)`
/// `= imm_0 + 2^8 imm_1 + 2^16 imm_2 - 2^24 (imm_3 / 255)`, linear in the bytes.
pub fn signed_imm<E, V>(imm: &Word<V>) -> E
where
    E: PrimeCharacteristicRing + From<Val>,
    V: Into<E> + Copy,
{
    let top = -(Val::from_u32(1 << 24) * Val::from_u32(255).inverse());
    imm[0].into()
        + imm[1].into() * E::from_u32(1 << 8)
        + imm[2].into() * E::from_u32(1 << 16)
        + imm[3].into() * E::from(top)
}

impl BaseAir<Val> for BranchChip {
    fn width(&self) -> usize {
        BranchCols::<Val>::WIDTH
    }

    fn main_next_row_columns(&self) -> Vec<usize> {
        Vec::new()
    }
}

impl<AB: MachineBuilder> Air<AB> for BranchChip {
    fn eval(&self, b: &mut AB) {
        let main = b.main();
        let row: BranchCols<AB::Var> = *main.current_slice().borrow();
        let c = |x: u32| AB::Expr::from_u32(x);
        let e = |v: AB::Var| -> AB::Expr { v.into() };
        let one = || AB::Expr::ONE;

        // Flags: boolean, at most one set; `real` is their sum. Padding rows have none set,
        // so every multiplicity below is 0 there.
        let flags = [
            row.is_beq,
            row.is_bne,
            row.is_blt,
            row.is_bge,
            row.is_bltu,
            row.is_bgeu,
        ];
        for f in flags {
            b.assert_bool(f);
        }
        let real: AB::Expr = flags.iter().map(|&f| e(f)).sum();
        b.assert_bool(real.clone());
        let opcode: AB::Expr = flags
            .iter()
            .zip(OPCODES)
            .map(|(&f, op)| e(f) * c(op as u32))
            .sum();

        // diff = a - b mod 2^32, borrow[3] = [a <u b] (degree 1; all zero on padding).
        for i in 0..4 {
            b.assert_bool(row.borrow[i]);
            let bin = if i == 0 {
                AB::Expr::ZERO
            } else {
                e(row.borrow[i - 1])
            };
            b.assert_eq(
                e(row.diff[i]) + e(row.b[i]) + bin,
                e(row.a[i]) + e(row.borrow[i]) * c(256),
            );
        }
        bytes_checked(b, &row.diff.map(e), real.clone());

        // ne = [a != b]: the is-zero pair on s = Σ diff_i (degree 2).
        let s: AB::Expr = row.diff.iter().map(|&d| e(d)).sum();
        b.assert_eq(row.ne, s.clone() * e(row.diff_sum_inv));
        b.assert_zero(s * (one() - e(row.ne)));
        b.assert_zero((one() - e(row.ne)) * e(row.diff_sum_inv));

        // lt = [a <s b] = borrow[3] xor sign(a) xor sign(b) (degree 2). The sign bits are
        // checked on every real row, so that they are pinned everywhere.
        b.assert_bool(row.a_msb);
        b.assert_bool(row.b_msb);
        let two = || c(2);
        b.assert_eq(
            row.sign_differ,
            e(row.a_msb) + e(row.b_msb) - two() * e(row.a_msb) * e(row.b_msb),
        );
        let ltu = e(row.borrow[3]);
        b.assert_eq(
            row.lt,
            ltu.clone() + e(row.sign_differ) - two() * ltu.clone() * e(row.sign_differ),
        );
        byte_pair(
            b,
            (e(row.a[3]) - e(row.a_msb) * c(128)) * two(),
            (e(row.b[3]) - e(row.b_msb) * c(128)) * two(),
            real.clone(),
        );

        // taken: the flagged condition (degree 2; 0 on padding).
        let cond = e(row.is_beq) * (one() - e(row.ne))
            + e(row.is_bne) * e(row.ne)
            + e(row.is_blt) * e(row.lt)
            + e(row.is_bge) * (one() - e(row.lt))
            + e(row.is_bltu) * ltu.clone()
            + e(row.is_bgeu) * (one() - ltu);
        b.assert_eq(row.taken, cond);

        // next_pc = pc + 4 + taken (imm - 4) on real rows; next_pc = pc on padding, where it
        // is never sent (degree 2).
        let imm: AB::Expr = signed_imm(&row.imm);
        b.assert_eq(
            row.next_pc,
            e(row.pc) + real.clone() * c(4) + e(row.taken) * (imm - c(4)),
        );

        // Registers: read rs1 and rs2.
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
        send_state(b, e(row.next_pc), clk + one(), real);
    }
}

/// Test helper: the failing constraints of the first failing row of `air`'s `trace`, checked
/// on its own, or `None` if every row satisfies every constraint. (A table's buses cannot
/// balance on their own; the check reports that after the constraints, and this returns
/// `None` then.)
#[cfg(all(test, feature = "trace"))]
pub(crate) fn failing_constraints(
    air: crate::MachineAir,
    trace: &vouch_stark::matrix::RowMajorMatrix<Val>,
) -> Option<String> {
    let pv = vec![Val::ZERO; crate::public::NUM_PUBLIC_VALUES];
    // A chip's own trace gets the blinding columns every table has.
    let trace = if trace.width == air.chip_width() {
        crate::chips::blind::widen(trace.clone())
    } else {
        trace.clone()
    };
    let result = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
        vouch_stark::debug::check_all(&[air], core::slice::from_ref(&trace), &[pv]);
    }));
    let msg = result.err().map(|e| {
        e.downcast_ref::<String>()
            .cloned()
            .or_else(|| e.downcast_ref::<&str>().map(|s| s.to_string()))
            .unwrap_or_default()
    })?;
    let (_, failed) = msg.split_once("failed constraints = ")?;
    Some(failed.to_string())
}

#[cfg(feature = "trace")]
pub use trace::generate_trace;

#[cfg(feature = "trace")]
mod trace {
    use core::borrow::BorrowMut;

    use vouch_isa::branch_taken;
    use vouch_stark::field::{Field, PrimeCharacteristicRing};
    use vouch_stark::matrix::RowMajorMatrix;
    use vouch_stark::Val;

    use super::{BranchChip, BranchCols, OPCODES};
    use crate::gadgets::memory::{SLOT_RS1, SLOT_RS2};
    use crate::gadgets::word::word_to_field;
    use crate::machine::padded_height;
    use crate::trace::{zero_matrix, InstrEvent, LookupCounts, TraceError};

    /// The branch table for `events`.
    pub fn generate_trace(
        _chip: &BranchChip,
        events: &[InstrEvent<'_>],
        counts: &mut LookupCounts,
    ) -> Result<RowMajorMatrix<Val>, TraceError> {
        let width = BranchCols::<Val>::WIDTH;
        let mut trace = zero_matrix(padded_height(events.len()), width);
        for (ev, row) in events.iter().zip(trace.values.chunks_exact_mut(width)) {
            populate(ev, row.borrow_mut(), counts);
        }
        Ok(trace)
    }

    fn populate(ev: &InstrEvent<'_>, row: &mut BranchCols<Val>, counts: &mut LookupCounts) {
        let f = Val::from_u32;
        let (insn, step, clk) = (ev.insn, ev.step, ev.clk);
        let k = OPCODES
            .iter()
            .position(|&op| op == insn.opcode)
            .unwrap_or_else(|| {
                unreachable!("{} dispatched to the branch chip", insn.opcode.mnemonic())
            });
        let flags = [
            &mut row.is_beq,
            &mut row.is_bne,
            &mut row.is_blt,
            &mut row.is_bge,
            &mut row.is_bltu,
            &mut row.is_bgeu,
        ];
        for (i, flag) in flags.into_iter().enumerate() {
            *flag = f(u32::from(i == k));
        }
        row.pc = f(step.pc);
        row.clk = f(clk);
        row.rs1 = f(u32::from(insn.rs1));
        row.rs2 = f(u32::from(insn.rs2));
        row.imm = word_to_field(insn.imm);

        let (a, b) = (step.rs1_val, step.rs2_val);
        let diff = a.wrapping_sub(b);
        let (ab, bb, db) = (a.to_le_bytes(), b.to_le_bytes(), diff.to_le_bytes());
        let mut borrow = [0u32; 4];
        let mut bin = 0u32;
        for i in 0..4 {
            // diff_i + b_i + borrow[i-1] = a_i + 256 borrow_i.
            borrow[i] = (u32::from(db[i]) + u32::from(bb[i]) + bin) >> 8;
            bin = borrow[i];
        }
        row.a = word_to_field(a);
        row.b = word_to_field(b);
        row.diff = word_to_field(diff);
        row.borrow = borrow.map(f);
        let (a_msb, b_msb) = (a >> 31, b >> 31);
        row.a_msb = f(a_msb);
        row.b_msb = f(b_msb);
        let sign_differ = a_msb ^ b_msb;
        row.sign_differ = f(sign_differ);
        row.lt = f(borrow[3] ^ sign_differ);
        let s: u32 = db.iter().map(|&d| u32::from(d)).sum();
        row.diff_sum_inv = f(s).try_inverse().unwrap_or(Val::ZERO);
        row.ne = f(u32::from(s != 0));
        let taken = branch_taken(insn.opcode, a, b);
        row.taken = f(u32::from(taken));
        let next = if taken {
            step.pc.wrapping_add(insn.imm)
        } else {
            step.pc + 4
        };
        row.next_pc = f(next);
        debug_assert_eq!(
            borrow[3] == 1,
            a < b,
            "unsigned comparison at pc {:#x}",
            step.pc
        );
        debug_assert_eq!(
            borrow[3] ^ sign_differ == 1,
            (a as i32) < (b as i32),
            "signed comparison at pc {:#x}",
            step.pc
        );

        counts.program(step.pc);
        counts.bytes_checked(&db.map(u32::from));
        counts.byte_pair(u32::from(ab[3] & 0x7f) * 2, u32::from(bb[3] & 0x7f) * 2);
        row.rs1_read
            .populate(step.rs1_prev_ts, 4 * clk + SLOT_RS1, counts);
        row.rs2_read
            .populate(step.rs2_prev_ts, 4 * clk + SLOT_RS2, counts);
    }

    #[cfg(test)]
    mod tests {
        use core::borrow::Borrow;

        use vouch_executor::Step;
        use vouch_isa::{Instruction, Opcode};
        use vouch_stark::field::PrimeField32;

        use super::super::{failing_constraints, signed_imm};
        use super::*;
        use crate::MachineAir;

        const CORNERS: [u32; 10] = [
            0,
            1,
            2,
            0x7f,
            0x100,
            0x7fff_ffff,
            0x8000_0000,
            0x8000_0001,
            0xffff_fffe,
            0xffff_ffff,
        ];

        #[test]
        fn corner_rows_take_the_specified_branch_and_satisfy_the_constraints(
        ) -> Result<(), TraceError> {
            let mut cases = Vec::new();
            for a in CORNERS {
                for b in CORNERS {
                    for op in OPCODES {
                        for imm in [4u32, (-16i32) as u32, 4094] {
                            cases.push((op, a, b, imm));
                        }
                    }
                }
            }
            let steps: Vec<Step> = cases
                .iter()
                .map(|&(_, a, b, _)| Step {
                    pc: 0x2000,
                    rs1_val: a,
                    rs2_val: b,
                    ..Step::default()
                })
                .collect();
            let events: Vec<InstrEvent<'_>> = cases
                .iter()
                .zip(&steps)
                .enumerate()
                .map(|(i, (&(op, _, _, imm), step))| InstrEvent {
                    clk: i as u32 + 1,
                    step,
                    insn: Instruction::new(op, 0, 5, 6, imm),
                })
                .collect();
            let trace = generate_trace(&BranchChip, &events, &mut LookupCounts::new(0x2000, 1))?;
            assert_eq!(
                failing_constraints(MachineAir::Branch(BranchChip), &trace),
                None
            );
            let width = BranchCols::<Val>::WIDTH;
            for (&(op, a, b, imm), row) in cases.iter().zip(trace.values.chunks_exact(width)) {
                let row: &BranchCols<Val> = row.borrow();
                let taken = branch_taken(op, a, b);
                let next = if taken {
                    0x2000u32.wrapping_add(imm)
                } else {
                    0x2004
                };
                assert_eq!(row.taken, Val::from_bool(taken), "{op:?} {a:#x} {b:#x}");
                assert_eq!(row.next_pc, Val::from_u32(next), "{op:?} {a:#x} {b:#x}");
            }
            Ok(())
        }

        #[test]
        fn a_wrong_outcome_fails_the_taken_constraint() -> Result<(), TraceError> {
            let step = Step {
                pc: 0x2000,
                rs1_val: 3,
                rs2_val: 3,
                ..Step::default()
            };
            let ev = InstrEvent {
                clk: 1,
                step: &step,
                insn: Instruction::new(Opcode::Beq, 0, 5, 6, 4),
            };
            let mut trace = generate_trace(&BranchChip, &[ev], &mut LookupCounts::new(0x2000, 1))?;
            let row: &mut BranchCols<Val> = trace.values[..BranchCols::<Val>::WIDTH].borrow_mut();
            row.taken = Val::ZERO;
            assert_eq!(
                failing_constraints(MachineAir::Branch(BranchChip), &trace).as_deref(),
                Some("[#22]")
            );
            Ok(())
        }

        #[test]
        fn signed_immediates_evaluate_to_their_value() {
            let imms = [
                0i32,
                4,
                -4,
                4094,
                -4096,
                2047,
                -2048,
                1 << 19,
                -(1 << 20),
                -1,
            ];
            for imm in imms {
                let bytes = (imm as u32).to_le_bytes().map(Val::from_u8);
                let v: Val = signed_imm(&bytes);
                let want = if imm < 0 {
                    -Val::from_u32(imm.unsigned_abs())
                } else {
                    Val::from_u32(imm as u32)
                };
                assert_eq!(v, want, "{imm}");
                // A negative offset from a pc below 2^29 never lands below 2^29 again.
                assert!(imm >= 0 || v.as_canonical_u32() > 1 << 29);
            }
        }
    }
}
