//! LB, LH, LW, LBU, LHU, and the effective-address gadget shared with the store chip.
//!
//! Given a load row at `(pc, clk)`, this chip proves: `rs1` holds `a`; the effective address
//! `addr = a + imm (mod 2^32)` lies in RAM, `2^16 <= addr < 2^29`, and is aligned to the
//! access width; the aligned word `w` at `addr - addr mod 4` is the memory's current value
//! (read at slot `SLOT_MEM`); `rd` receives the byte, half or word of `w` at `addr mod 4`,
//! sign- or zero-extended; the machine moves to `(pc + 4, clk + 1)`.
//!
//! # The address ([`AddressCols`], [`eval_address`])
//! `a + imm` is added in two 16-bit limbs with carries `c0`, `c1` (booleans):
//!
//! ```text
//!   a0 + 256 a1 + imm0 + 256 imm1      = 4 word_lo + k + 2^16 c0     (k = Σ j·offset_j)
//!   a2 + 256 a3 + imm2 + 256 imm3 + c0 = addr_hi + 2^16 c1           (c1 dropped: mod 2^32)
//! ```
//!
//! with `offset` one-hot (`Σ offset_j = real`) and four `range16` lookups:
//! `word_lo`, `4 word_lo`, `8 (addr_hi - 1)` and `8 addr_hi`. The aligned address put on the
//! memory bus is the field element `2^16 addr_hi + 4 word_lo`.
//!
//! Why this is sound. The `a_i` are bytes (read from the register bus, whose values are bytes
//! by induction) and the `imm_i` are bytes (the ROM lookup fixes them). `range16(word_lo)`
//! makes `word_lo` an integer below 2^16; then `4 word_lo` is an integer below 2^18 < p and
//! `range16(4 word_lo)` bounds it by 2^16, so `word_lo < 2^14`. Both lookups are needed: the
//! scaled check alone is *not* sound, because 4 is invertible mod p — `4 word_lo = 5` holds
//! for `word_lo = 5/4`, which would let a row claim offset 0 for an address that is 1 mod 4 and
//! read the misaligned, never-initialised cell `addr`; the boundary chip accepts any distinct
//! address below 2^29, so only this chip can insist on alignment. Each side of the low relation
//! is now an integer below 2^18, so it holds over the integers, and since `4 word_lo + k <
//! 2^16` it is the unique split of the low limb: `4 word_lo + k = addr mod 2^16`, `c0` its
//! carry. The high relation makes `addr_hi = L + c0 - 2^16 c1` an integer in
//! `[-2^16, 2^17)`; for such an integer `h`, `8 h` and `8 (h - 1)` are below 2^16 in the field
//! only if they are so as integers (a negative one wraps to above `p - 2^20`), so the two
//! lookups give `1 <= addr_hi < 2^13`, and then `addr_hi` is the high limb of `a + imm mod
//! 2^32` with `c1` its carry. Hence `2^16 addr_hi + 4 word_lo + k = addr` exactly, with
//! `2^16 <= addr < 2^29` and `k = addr mod 4`.
//!
//! The lower bound is essential: registers are the memory cells 0..=32, and an address below
//! 2^16 could alias one — not only through a small `a + imm`, but also by setting `c1 = 1`
//! where the true carry is 0, which subtracts 2^32 ≡ 2^25 - 2 (mod p) from the address and
//! turns e.g. RAM address `0x0200_0004` into register cell 6; then `addr_hi` is "negative" and
//! only its range check objects. The upper bound keeps addresses in guest memory (the
//! executor stops on anything at or above `0x2000_0000`).
//!
//! The stack guard `[HEAP_END, STACK_BOTTOM)` is checked too: it is exactly the 64 KiB block
//! whose high limb is `GUARD_HI`, and `(addr_hi - GUARD_HI) * guard_inv = real` has no
//! solution for an address in it. So a proof shows what the executor enforces: an execution
//! that touched the guard (a stack overflow to the executor) cannot be proven. The store chip
//! and HALT's digest reads make the same check.
//!
//! # The value
//! Alignment: LW needs `offset_0`, LH/LHU need `offset_0 + offset_2 = 1`. The selected byte is
//! `Σ offset_j w_j`, the selected half `offset_0 (w0, w1) + offset_2 (w2, w3)` (columns, as
//! they are degree 2). For LB/LH the sign bit `s` of the top byte `t` (the byte, or the half's
//! high byte) is proven by `2 (t - 128 s)` being a byte: `t - 128 s` is an integer in
//! `(-128, 256)`, and in `[0, 128)` exactly when `s = [t >= 128]`. The result is
//! `(byte, 255 s, 255 s, 255 s)` (LB), `(byte, 0, 0, 0)` (LBU), `(h0, h1, 255 s, 255 s)` (LH),
//! `(h0, h1, 0, 0)` (LHU) or `w` (LW). Its bytes need no range check: each is a byte of `w`
//! (read from the memory bus, bytes by induction), 0 or 255.

use core::borrow::Borrow;

use vouch_isa::Opcode;
use vouch_stark::air::{Air, BaseAir, WindowAccess};
use vouch_stark::field::{Field, PrimeCharacteristicRing};
use vouch_stark::Val;

use crate::bus::{byte_pair, lookup_program, range16, receive_state, send_state, ProgramRow};
use crate::columns::Word;
use crate::gadgets::memory::{
    eval_read, eval_write, timestamp, ReadCols, WriteCols, SLOT_MEM, SLOT_RD, SLOT_RS1,
};
use crate::impl_columns;
use crate::MachineBuilder;

/// The effective address of a load or store (see the module docs for the soundness argument).
#[repr(C)]
#[derive(Clone, Copy, Debug, Default)]
pub struct AddressCols<T> {
    /// Carry out of the low limb of `base + imm`: boolean; pinned by the low adder relation.
    pub carry_lo: T,
    /// Carry out of the high limb (the 2^32 wrap-around, dropped): boolean; pinned by the high
    /// adder relation once `addr_hi` is range-checked.
    pub carry_hi: T,
    /// Bits 2..16 of the address: `range16(word_lo)` and `range16(4 word_lo)`.
    pub word_lo: T,
    /// One-hot `addr mod 4` (all zero on padding rows): boolean, `Σ = real`; fixed by the low
    /// adder relation.
    pub offset: [T; 4],
    /// Bits 16..32 of the address: `range16(8 (addr_hi - 1))` and `range16(8 addr_hi)`, so
    /// `1 <= addr_hi < 2^13`; pinned by the high adder relation.
    pub addr_hi: T,
    /// Inverse of `addr_hi - GUARD_HI`: `(addr_hi - GUARD_HI) * guard_inv = real`, so a real
    /// access never lies in the stack guard, exactly as the executor requires.
    pub guard_inv: T,
}

/// The stack guard `[HEAP_END, STACK_BOTTOM)` is exactly the 64 KiB block with this high limb.
pub const GUARD_HI: u32 = vouch_abi::memory::HEAP_END >> 16;

/// `(hi - GUARD_HI) * inv = real`: when `real` is 1, the 64 KiB block with high limb `hi` is not
/// the stack guard (no `inv` exists for `hi = GUARD_HI`). Loads, stores and HALT's digest use it.
pub fn assert_outside_guard<AB: MachineBuilder>(
    b: &mut AB,
    hi: AB::Expr,
    inv: AB::Expr,
    real: AB::Expr,
) {
    b.assert_eq((hi - AB::Expr::from_u32(GUARD_HI)) * inv, real);
}

/// The witness of [`assert_outside_guard`] for the block `hi` (zero for the guard itself,
/// which no honest trace holds).
pub fn guard_inverse(hi: u32) -> Val {
    (Val::from_u32(hi) - Val::from_u32(GUARD_HI))
        .try_inverse()
        .unwrap_or(Val::ZERO)
}
const _: () = assert!(
    vouch_abi::memory::HEAP_END.is_multiple_of(1 << 16)
        && vouch_abi::memory::STACK_BOTTOM - vouch_abi::memory::HEAP_END == 1 << 16
);

/// The effective address `base + imm (mod 2^32)`; returns the aligned address
/// `addr - addr mod 4` as a field element.
///
/// Assumes: `base` and `imm` hold bytes; `real` is boolean, of degree at most 1, and 0 on
/// padding rows (which are all zero).
/// Constrains: when `real = 1`, `2^16 <= addr < 2^29` and `cols.offset` is one-hot at
/// `addr mod 4`. An all-zero padding row satisfies every constraint and makes no lookup.
pub fn eval_address<AB: MachineBuilder>(
    b: &mut AB,
    base: &Word<AB::Var>,
    imm: &Word<AB::Var>,
    cols: &AddressCols<AB::Var>,
    real: AB::Expr,
) -> AB::Expr {
    let c = |x: u32| AB::Expr::from_u32(x);
    let e = |v: AB::Var| -> AB::Expr { v.into() };

    // One-hot offset, real rows only.
    for f in cols.offset {
        b.assert_bool(f);
    }
    let offset_sum: AB::Expr = cols.offset.iter().map(|&f| e(f)).sum();
    b.assert_eq(offset_sum, real.clone());
    let k: AB::Expr = cols
        .offset
        .iter()
        .enumerate()
        .map(|(j, &f)| e(f) * c(j as u32))
        .sum();

    // The two-limb adder.
    b.assert_bool(cols.carry_lo);
    b.assert_bool(cols.carry_hi);
    let limb = |w: &Word<AB::Var>, i: usize| e(w[i]) + e(w[i + 1]) * c(256);
    b.assert_eq(
        limb(base, 0) + limb(imm, 0),
        e(cols.word_lo) * c(4) + k + e(cols.carry_lo) * c(1 << 16),
    );
    b.assert_eq(
        limb(base, 2) + limb(imm, 2) + e(cols.carry_lo),
        e(cols.addr_hi) + e(cols.carry_hi) * c(1 << 16),
    );

    // word_lo < 2^14 (an integer: both checks), 1 <= addr_hi < 2^13.
    range16(b, e(cols.word_lo), real.clone());
    range16(b, e(cols.word_lo) * c(4), real.clone());
    range16(b, (e(cols.addr_hi) - c(1)) * c(8), real.clone());
    range16(b, e(cols.addr_hi) * c(8), real.clone());
    // Not in the stack guard: addr_hi != GUARD_HI on real rows (padding rows: 0 = 0).
    assert_outside_guard(b, e(cols.addr_hi), e(cols.guard_inv), real);

    e(cols.addr_hi) * c(1 << 16) + e(cols.word_lo) * c(4)
}

/// One load.
#[repr(C)]
#[derive(Clone, Copy, Debug, Default)]
pub struct LoadCols<T> {
    /// Received on the `exec` bus and looked up in the ROM.
    pub pc: T,
    /// Received on the `exec` bus; fixes the timestamps.
    pub clk: T,
    /// Destination register (the sink for x0): looked up in the ROM.
    pub rd: T,
    /// Base register: looked up in the ROM.
    pub rs1: T,
    /// One-hot opcode flags (all zero on padding rows): boolean, at most one set; the ROM
    /// lookup fixes which.
    pub is_lb: T,
    pub is_lh: T,
    pub is_lw: T,
    pub is_lbu: T,
    pub is_lhu: T,
    /// `rs1`'s value: the register read.
    pub a: Word<T>,
    /// The immediate's bytes: the ROM lookup.
    pub imm: Word<T>,
    /// `a + imm`: the address gadget.
    pub addr: AddressCols<T>,
    /// The aligned memory word: the memory read.
    pub word: Word<T>,
    /// `Σ offset_j word_j`.
    pub byte: T,
    /// `offset_0 (word_0, word_1) + offset_2 (word_2, word_3)`.
    pub half: [T; 2],
    /// The byte whose top bit is the sign: `is_lb byte + is_lh half_1`.
    pub top: T,
    /// Sign bit of `top` for LB/LH (byte-pair lookup of `2 (top - 128 sign)`), else 0.
    pub sign: T,
    /// The value written to `rd`: one constraint per byte.
    pub res: Word<T>,
    /// Witnesses of the accesses (`gadgets::memory`: the previous timestamps are pinned by the
    /// memory bus, the difference limbs by the ordering relation and their range checks).
    pub rs1_read: ReadCols<T>,
    pub mem_read: ReadCols<T>,
    /// Also holds `rd`'s previous value, pinned by the memory bus.
    pub rd_write: WriteCols<T>,
}
impl_columns!(LoadCols);

/// Number of columns of the load table.
pub const NUM_LOAD_COLS: usize = LoadCols::<u8>::WIDTH;

/// The load chip.
#[derive(Clone, Copy, Debug)]
pub struct LoadChip;

impl LoadChip {
    /// The opcodes of `(is_lb, is_lh, is_lw, is_lbu, is_lhu)`.
    pub const OPCODES: [Opcode; 5] = [Opcode::Lb, Opcode::Lh, Opcode::Lw, Opcode::Lbu, Opcode::Lhu];
}

impl BaseAir<Val> for LoadChip {
    fn width(&self) -> usize {
        NUM_LOAD_COLS
    }

    fn main_next_row_columns(&self) -> Vec<usize> {
        Vec::new()
    }
}

impl<AB: MachineBuilder> Air<AB> for LoadChip {
    fn eval(&self, b: &mut AB) {
        let main = b.main();
        let row: LoadCols<AB::Var> = *main.current_slice().borrow();
        let c = |x: u32| AB::Expr::from_u32(x);
        let e = |v: AB::Var| -> AB::Expr { v.into() };

        // Flags: boolean, at most one set; `real` is their sum.
        let flags = [row.is_lb, row.is_lh, row.is_lw, row.is_lbu, row.is_lhu];
        for f in flags {
            b.assert_bool(f);
        }
        let real: AB::Expr = flags.iter().map(|&f| e(f)).sum();
        b.assert_bool(real.clone());
        let opcode: AB::Expr = flags
            .iter()
            .zip(LoadChip::OPCODES)
            .map(|(&f, op)| e(f) * c(op as u32))
            .sum();

        // The address, and alignment to the access width.
        let aligned = eval_address(b, &row.a, &row.imm, &row.addr, real.clone());
        let [o0, o1, o2, o3] = row.addr.offset.map(e);
        b.assert_zero(e(row.is_lw) * (AB::Expr::ONE - o0.clone()));
        let is_half = e(row.is_lh) + e(row.is_lhu);
        b.assert_zero(is_half.clone() * (o1.clone() + o3.clone()));

        // The selected byte and half of the word.
        let w = row.word.map(e);
        b.assert_eq(
            row.byte,
            o0.clone() * w[0].clone()
                + o1 * w[1].clone()
                + o2.clone() * w[2].clone()
                + o3 * w[3].clone(),
        );
        b.assert_eq(
            row.half[0],
            o0.clone() * w[0].clone() + o2.clone() * w[2].clone(),
        );
        b.assert_eq(row.half[1], o0 * w[1].clone() + o2 * w[3].clone());

        // The sign of LB/LH: 2 (top - 128 sign) is a byte. 0 for the other loads.
        let signed = e(row.is_lb) + e(row.is_lh);
        b.assert_eq(
            row.top,
            e(row.is_lb) * e(row.byte) + e(row.is_lh) * e(row.half[1]),
        );
        b.assert_bool(row.sign);
        b.assert_zero(e(row.sign) * (AB::Expr::ONE - signed.clone()));
        byte_pair(
            b,
            (e(row.top) - e(row.sign) * c(128)) * c(2),
            AB::Expr::ZERO,
            signed,
        );

        // The result.
        let is_byte = e(row.is_lb) + e(row.is_lbu);
        let ext = e(row.sign) * c(255);
        b.assert_eq(
            row.res[0],
            is_byte * e(row.byte) + is_half.clone() * e(row.half[0]) + e(row.is_lw) * w[0].clone(),
        );
        b.assert_eq(
            row.res[1],
            e(row.is_lb) * ext.clone() + is_half * e(row.half[1]) + e(row.is_lw) * w[1].clone(),
        );
        for (&res, w) in row.res[2..].iter().zip(&w[2..]) {
            b.assert_eq(res, ext.clone() + e(row.is_lw) * w.clone());
        }

        // Register read, memory read, register write.
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
            aligned,
            w,
            timestamp(clk.clone(), SLOT_MEM),
            &row.mem_read,
            real.clone(),
        );
        eval_write(
            b,
            e(row.rd),
            row.res.map(e),
            timestamp(clk.clone(), SLOT_RD),
            &row.rd_write,
            real.clone(),
        );

        // The instruction and the next state.
        lookup_program(
            b,
            ProgramRow {
                pc: e(row.pc),
                opcode,
                rd: e(row.rd),
                rs1: e(row.rs1),
                rs2: AB::Expr::ZERO,
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

    use super::{AddressCols, LoadChip, LoadCols};
    use crate::gadgets::memory::{SLOT_MEM, SLOT_RD, SLOT_RS1};
    use crate::gadgets::word::word_to_field;
    use crate::machine::padded_height;
    use crate::trace::{zero_matrix, InstrEvent, LookupCounts, TraceError};

    impl AddressCols<Val> {
        /// Fill the address `base + imm (mod 2^32)` and count its lookups; returns the address.
        ///
        /// Panics if the address is outside `[2^16, 2^29)`: the executor stops on such an
        /// access, so a record that holds one is a bug.
        pub fn populate(&mut self, base: u32, imm: u32, counts: &mut LookupCounts) -> u32 {
            let f = Val::from_u32;
            let addr = base.wrapping_add(imm);
            assert!(
                (1 << 16..1 << 29).contains(&addr),
                "load/store address 0x{addr:08x} outside guest memory in the record"
            );
            let carry_lo = ((base & 0xffff) + (imm & 0xffff)) >> 16;
            let carry_hi = ((base >> 16) + (imm >> 16) + carry_lo) >> 16;
            let (word_lo, addr_hi) = ((addr & 0xffff) >> 2, addr >> 16);
            self.carry_lo = f(carry_lo);
            self.carry_hi = f(carry_hi);
            self.word_lo = f(word_lo);
            self.offset = core::array::from_fn(|j| f(u32::from(addr & 3 == j as u32)));
            self.addr_hi = f(addr_hi);
            assert_ne!(
                addr_hi,
                super::GUARD_HI,
                "access to the stack guard in the record"
            );
            self.guard_inv = super::guard_inverse(addr_hi);
            counts.range16(word_lo);
            counts.range16(word_lo * 4);
            counts.range16((addr_hi - 1) * 8);
            counts.range16(addr_hi * 8);
            addr
        }
    }

    /// The load table for `events`.
    pub fn generate_trace(
        _chip: &LoadChip,
        events: &[InstrEvent<'_>],
        counts: &mut LookupCounts,
    ) -> Result<RowMajorMatrix<Val>, TraceError> {
        let width = LoadCols::<Val>::WIDTH;
        let mut trace = zero_matrix(padded_height(events.len()), width);
        for (ev, row) in events.iter().zip(trace.values.chunks_exact_mut(width)) {
            let row: &mut LoadCols<Val> = row.borrow_mut();
            populate(ev, row, counts);
        }
        Ok(trace)
    }

    fn populate(ev: &InstrEvent<'_>, row: &mut LoadCols<Val>, counts: &mut LookupCounts) {
        let f = Val::from_u32;
        let (insn, step, clk) = (ev.insn, ev.step, ev.clk);
        let ts = |slot: u32| 4 * clk + slot;
        let op = insn.opcode;
        let flag = |o: Opcode| u32::from(op == o);
        assert!(
            LoadChip::OPCODES.contains(&op),
            "{} dispatched to the load chip",
            op.mnemonic()
        );
        row.pc = f(step.pc);
        row.clk = f(clk);
        row.rd = f(u32::from(insn.rd));
        row.rs1 = f(u32::from(insn.rs1));
        row.is_lb = f(flag(Opcode::Lb));
        row.is_lh = f(flag(Opcode::Lh));
        row.is_lw = f(flag(Opcode::Lw));
        row.is_lbu = f(flag(Opcode::Lbu));
        row.is_lhu = f(flag(Opcode::Lhu));
        row.a = word_to_field(step.rs1_val);
        row.imm = word_to_field(insn.imm);
        let addr = row.addr.populate(step.rs1_val, insn.imm, counts);
        debug_assert_eq!(
            step.mem.addr,
            addr & !3,
            "load address at pc {:#x}",
            step.pc
        );

        // The word and the parts of it the constraints select (by the formulas, for every
        // opcode: LW rows still fill `byte` and `half`).
        let word = step.mem.value;
        let w = word.to_le_bytes().map(u32::from);
        let k = (addr & 3) as usize;
        let byte = w[k];
        let half = match k {
            0 => [w[0], w[1]],
            2 => [w[2], w[3]],
            _ => [0, 0],
        };
        let top = flag(Opcode::Lb) * byte + flag(Opcode::Lh) * half[1];
        let sign = top >> 7;
        row.word = word_to_field(word);
        row.byte = f(byte);
        row.half = half.map(f);
        row.top = f(top);
        row.sign = f(sign);
        let ext = 255 * sign;
        let res = match op {
            Opcode::Lb => [byte, ext, ext, ext],
            Opcode::Lbu => [byte, 0, 0, 0],
            Opcode::Lh => [half[0], half[1], ext, ext],
            Opcode::Lhu => [half[0], half[1], 0, 0],
            _ => w,
        };
        let res = u32::from_le_bytes(res.map(|x| x as u8));
        debug_assert_eq!(res, step.rd_val, "load result at pc {:#x}", step.pc);
        row.res = word_to_field(res);

        counts.program(step.pc);
        if matches!(op, Opcode::Lb | Opcode::Lh) {
            counts.byte_pair((top - 128 * sign) * 2, 0);
        }
        row.rs1_read
            .populate(step.rs1_prev_ts, ts(SLOT_RS1), counts);
        row.mem_read
            .populate(step.mem.prev_ts, ts(SLOT_MEM), counts);
        row.rd_write
            .populate(step.rd_prev_ts, step.rd_prev_val, ts(SLOT_RD), counts);
    }
}

/// SANITY: the constraints on single rows built by the trace generator, which fills rows by
/// the constraints' formulas and does not itself insist on alignment. The alignment rules
/// cannot be isolated end to end (an execution with a misaligned access never reaches the
/// prover), so they are checked here: a misaligned row that is otherwise consistent fails
/// exactly the alignment constraint.
#[cfg(all(test, feature = "trace"))]
pub(crate) mod tests {
    use vouch_executor::{MemoryAccess, Step};
    use vouch_isa::{Instruction, Opcode};
    use vouch_stark::matrix::RowMajorMatrix;
    use vouch_stark::Val;

    use super::{generate_trace, LoadChip};
    use crate::trace::{InstrEvent, LookupCounts};
    use crate::MachineAir;

    /// Index of the LW alignment constraint in `LoadChip::eval`'s order.
    const LW_ALIGNED: usize = 16;
    /// Index of the LH/LHU alignment constraint.
    const HALF_ALIGNED: usize = 17;

    /// The failing constraints of the first failing row of a one-table `air` (its buses
    /// cannot balance alone, which the check reports after the constraints), or `None`.
    pub(crate) fn failing_constraints(
        air: MachineAir,
        trace: &RowMajorMatrix<Val>,
    ) -> Option<String> {
        crate::chips::branch::failing_constraints(air, trace)
    }

    /// What the row's constraints make `op` return for `word` at offset `k` (for misaligned
    /// halves: 0, as the half columns select nothing).
    fn formula(op: Opcode, word: u32, k: usize) -> u32 {
        let w = word.to_le_bytes();
        let half = match k {
            0 => u32::from(u16::from_le_bytes([w[0], w[1]])),
            2 => u32::from(u16::from_le_bytes([w[2], w[3]])),
            _ => 0,
        };
        match op {
            Opcode::Lb => w[k] as i8 as u32,
            Opcode::Lbu => u32::from(w[k]),
            Opcode::Lh => half as u16 as i16 as u32,
            Opcode::Lhu => half,
            _ => word,
        }
    }

    /// The load table with the single row `op x5, imm(x6)`, x6 = `base`, reading `word`.
    fn table(op: Opcode, base: u32, imm: u32, word: u32) -> RowMajorMatrix<Val> {
        let addr = base.wrapping_add(imm);
        let step = Step {
            pc: 0x1_0000,
            rs1_val: base,
            rd_val: formula(op, word, (addr & 3) as usize),
            rs1_prev_ts: 1,
            rd_prev_ts: 2,
            mem: MemoryAccess {
                addr: addr & !3,
                value: word,
                prev_value: word,
                prev_ts: 3,
            },
            ..Default::default()
        };
        let ev = InstrEvent {
            clk: 1,
            step: &step,
            insn: Instruction::new(op, 5, 6, 0, imm),
        };
        generate_trace(&LoadChip, &[ev], &mut LookupCounts::new(0x1_0000, 1))
            .unwrap_or_else(|e| panic!("{e}"))
    }

    #[test]
    fn aligned_loads_satisfy_the_constraints() {
        for word in [0xff80_7f00, 0x8000_7fff, 0x1234_5678] {
            for (op, k) in [
                (Opcode::Lb, 0),
                (Opcode::Lb, 3),
                (Opcode::Lbu, 1),
                (Opcode::Lbu, 2),
                (Opcode::Lh, 0),
                (Opcode::Lh, 2),
                (Opcode::Lhu, 2),
                (Opcode::Lw, 0),
            ] {
                // Negative immediate with a carry out of both limbs.
                let t = table(op, 0x0100_0010 + k, (-16i32) as u32, word);
                assert_eq!(
                    failing_constraints(MachineAir::Load(LoadChip), &t),
                    None,
                    "{op:?} at offset {k}"
                );
            }
        }
    }

    #[test]
    fn misaligned_loads_fail_only_the_alignment_constraint() {
        let word = 0x8000_ff7f;
        for k in 1..4 {
            let t = table(Opcode::Lw, 0x0100_0000, k, word);
            assert_eq!(
                failing_constraints(MachineAir::Load(LoadChip), &t).as_deref(),
                Some(format!("[#{LW_ALIGNED}]").as_str()),
                "lw at offset {k}"
            );
        }
        for op in [Opcode::Lh, Opcode::Lhu] {
            for k in [1, 3] {
                let t = table(op, 0x0100_0000, k, word);
                assert_eq!(
                    failing_constraints(MachineAir::Load(LoadChip), &t).as_deref(),
                    Some(format!("[#{HALF_ALIGNED}]").as_str()),
                    "{op:?} at offset {k}"
                );
            }
        }
    }
}
