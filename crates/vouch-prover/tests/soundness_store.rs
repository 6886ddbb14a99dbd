//! Store chip (SB, SH, SW): POSITIVE (honest proofs of every width and offset, store-then-load
//! chains and a random mix of loads and stores verify, and the executor agrees with an
//! independent model), NEGATIVE (each constraint group rejects a tampered trace).
//!
//! The programs use only ADDI/ADD, loads, stores and HALT, so that these tests do not depend
//! on other instruction chips.

mod common;

use common::*;
use vouch_isa::Opcode::{self, Lb, Lbu, Lh, Lhu, Lw, Sb, Sh, Sw};
use vouch_machine::chips::store::StoreCols;
use vouch_machine::gadgets::word::word_to_field;
use vouch_machine::ChipKind;
use vouch_prover::Tampering;
use vouch_stark::field::{Field, PrimeCharacteristicRing};
use vouch_stark::Val;
use vouch_testkit::random::SplitMix64;
use vouch_testkit::reg::*;

/// Distance of the second base register past the scratch words: accesses through it use
/// negative immediates.
const NEG_BASE: u32 = 2040;

fn prove_and_verify(m: &mut MemProgram) {
    let elf = m.finish();
    m.check_against_executor(&elf);
    let pk = key(&elf);
    prove(&pk, &[]).verify(pk.program_id()).unwrap();
}

/// Base register and immediate for `addr`: through s0 (positive) or s1 (negative).
fn via(m: &MemProgram, addr: u32, negative: bool) -> (u8, i32) {
    let base = if negative { S1 } else { S0 };
    (base, addr.wrapping_sub(m.regs[base as usize]) as i32)
}

/// Store `rd` to the next result word (through `s2`).
fn keep(m: &mut MemProgram, rd: u8, n: &mut i32) {
    m.store(Sw, rd, 4 * *n, S2);
    *n += 1;
}

// POSITIVE

#[test]
fn every_width_and_offset_with_loads_back_verifies() {
    let mut m = MemProgram::new();
    let values = m.data(&[0x8899_aabb, 0x7f80_ff01, 0xdead_beef, 0x0000_8000]);
    let scratch = m.data(&[0x1122_3344; 8]);
    let blank = m.data(&[0; 4]);
    let out = m.data(&[0; 64]);
    m.li(S0, scratch);
    m.li(S1, scratch + NEG_BASE);
    m.li(S2, out);
    m.li(S3, values);
    for (i, r) in [T0, T1, T2, T3].into_iter().enumerate() {
        m.load(Lw, r, 4 * i as i32, S3);
    }
    let mut n = 0;
    let mut neg = false;
    // SB at every offset of word 0, each from another register, loading back after each.
    for k in 0..4 {
        let (base, imm) = via(&m, scratch + k, neg);
        m.store(Sb, [T0, T1, T2, T3][k as usize], imm, base);
        neg = !neg;
        let (base, imm) = via(&m, scratch, neg);
        m.load(Lw, A2, imm, base);
        keep(&mut m, A2, &mut n);
        let (base, imm) = via(&m, scratch + k, neg);
        m.load(Lb, A3, imm, base);
        keep(&mut m, A3, &mut n);
    }
    // SH at both halves of words 1 and 2, loading the halves back signed and unsigned.
    for (w, k) in [(1, 0), (1, 2), (2, 2), (2, 0)] {
        let addr = scratch + 4 * w + k;
        let (base, imm) = via(&m, addr, neg);
        m.store(Sh, [T1, T3][(w + k) as usize % 2], imm, base);
        neg = !neg;
        for op in [Lh, Lhu] {
            let (base, imm) = via(&m, addr, neg);
            m.load(op, A4, imm, base);
            keep(&mut m, A4, &mut n);
        }
    }
    // SW, then bytes and halves over it: stores into the same word at different offsets.
    let (base, imm) = via(&m, scratch + 12, true);
    m.store(Sw, T2, imm, base);
    m.store(Sb, T0, 13 - 12 + imm, base);
    m.store(Sh, T1, 14 - 12 + imm, base);
    m.load(Lw, A5, imm, base);
    keep(&mut m, A5, &mut n);
    m.load(Lbu, A5, 15 - 12 + imm, base);
    keep(&mut m, A5, &mut n);
    // A word never written before (not in the image), and x0 as the source.
    let (base, imm) = via(&m, blank, false);
    m.store(Sb, T0, imm + 3, base);
    m.store(Sh, T3, imm + 6, base);
    m.store(Sw, T2, imm + 8, base);
    m.store(Sw, ZERO, imm + 12, base);
    m.store(Sb, ZERO, imm + 8, base);
    m.load(Lw, A6, imm, base);
    keep(&mut m, A6, &mut n);
    // The base register as the stored value.
    m.li(T6, blank + 12);
    m.store(Sw, T6, 0, T6);
    m.store(Sh, T6, 2, T6);
    assert_eq!(
        m.word(blank + 12),
        (blank + 12) << 16 | (blank + 12) & 0xffff
    );
    assert_eq!(m.word(blank), 0xbb00_0000);
    assert_eq!(m.word(blank + 4), 0x8000_0000);
    assert_eq!(m.word(blank + 8), 0xdead_be00);
    assert_eq!(m.word(scratch), 0x00ef_01bb);
    prove_and_verify(&mut m);
}

#[test]
fn random_loads_and_stores_verify() {
    let mut rng = SplitMix64::new(0x5707e);
    let mut m = MemProgram::new();
    let init: Vec<u32> = (0..32).map(|_| rng.interesting_u32()).collect();
    let scratch = m.data(&init);
    let pool = [
        T0, T1, T2, T3, T4, T5, T6, A2, A3, A4, A5, A6, S2, S3, S4, S5,
    ];
    let vals: Vec<u32> = pool.iter().map(|_| rng.interesting_u32()).collect();
    let values = m.data(&vals);
    m.li(S0, values);
    for (i, &r) in pool.iter().enumerate() {
        m.load(Lw, r, 4 * i as i32, S0);
    }
    m.li(S0, scratch);
    m.li(S1, scratch + NEG_BASE);
    const OPS: [(Opcode, u32); 8] = [
        (Lb, 1),
        (Lh, 2),
        (Lw, 4),
        (Lbu, 1),
        (Lhu, 2),
        (Sb, 1),
        (Sh, 2),
        (Sw, 4),
    ];
    for _ in 0..300 {
        let (op, width) = OPS[rng.below(OPS.len() as u32) as usize];
        let addr = scratch + 4 * rng.below(32) + width * rng.below(4 / width);
        let (base, imm) = via(&m, addr, rng.chance(1, 2));
        let reg = if rng.chance(1, 16) {
            ZERO
        } else {
            rng.pick(&pool)
        };
        if matches!(op, Sb | Sh | Sw) {
            m.store(op, reg, imm, base);
        } else {
            m.load(op, reg, imm, base);
        }
    }
    prove_and_verify(&mut m);
}

// NEGATIVE

/// The register whose cell the aliasing test writes, and its value.
const VICTIM: u8 = T1;
const VICTIM_VALUE: u32 = 0xcafe_f00d;
/// `0x0200_0004 - 2^32 ≡ 6 (mod p)`: register t1's cell (see soundness_load.rs).
const ALIAS_ADDR: u32 = 0x0200_0004;
/// The value every negative-test store writes.
const VALUE: u32 = 0xa5b6_c7d8;

/// A program with one store per tampering target, each the only access to its word.
struct Neg {
    elf: Vec<u8>,
    data: u32,
    /// `sb t2, 1(d)`: word d 0x1122_3344 → 0x1122_d844.
    sb: u32,
    /// `sh t2, 6(d)`: word d+4 0x5566_7788 → 0xc7d8_7788.
    sh: u32,
    /// `sw t2, 8(d)`.
    sw: u32,
    /// `sw t2, 8(s1)` with s1 = 0x0100_fffc: the low limb carries.
    carry: u32,
    /// `sw t2, 0(s4)` with s4 = `ALIAS_ADDR`.
    alias: u32,
}

/// The negative program's data words (in the image: the boundary chip's `init` of their cells
/// is 0, the image chip sends their initial state).
const DATA: [u32; 3] = [0x1122_3344, 0x5566_7788, 0x99aa_bbcc];

fn negative_program() -> Neg {
    let mut m = MemProgram::new();
    let data = m.data(&DATA);
    m.li(VICTIM, VICTIM_VALUE);
    m.li(S0, data);
    m.li(S1, 0x0100_fffc);
    m.li(S4, ALIAS_ADDR);
    m.li(T2, VALUE);
    let at = |m: &mut MemProgram, op: Opcode, imm: i32, base: u8| {
        let pc = m.asm.pc();
        m.store(op, T2, imm, base);
        pc
    };
    let sb = at(&mut m, Sb, 1, S0);
    let sh = at(&mut m, Sh, 6, S0);
    let sw = at(&mut m, Sw, 8, S0);
    let carry = at(&mut m, Sw, 8, S1);
    let alias = at(&mut m, Sw, 0, S4);
    assert_eq!(m.word(data), 0x1122_d844);
    assert_eq!(m.word(data + 4), 0xc7d8_7788);
    let elf = m.finish();
    m.check_against_executor(&elf);
    Neg {
        elf,
        data,
        sb,
        sh,
        sw,
        carry,
        alias,
    }
}

/// The store row at `pc`.
fn store_row<'a>(t: &'a mut Tampering<'_>, pc: u32) -> &'a mut StoreCols<Val> {
    let tr = trace(t, ChipKind::Store);
    let i = find_row(tr, |r: &StoreCols<Val>| {
        r.pc == f(pc) && r.is_sb + r.is_sh + r.is_sw == Val::ONE
    });
    row_mut(tr, i)
}

/// The memory timestamp of a store row.
fn mem_ts(r: &StoreCols<Val>) -> u32 {
    4 * val_u32(r.clk) + 2
}

/// Set the final value of word `addr`, so that its history matches a tampered store.
fn set_word(t: &mut Tampering<'_>, addr: u32, value: u32) {
    assert!(t.set_final(addr, value), "the word is paged in");
}

/// Indices of the store chip's constraints, in the order `StoreChip::eval` asserts them.
const REAL_BOOL: usize = 3;
/// `(addr_hi - GUARD_HI) * guard_inv = real`.
const GUARD: usize = 13;
const OFFSET_SUM: usize = 8;
const SW_ALIGNED: usize = 14;
/// `mask_i`, `src_i`, `new_i` for byte `i`.
const fn mask(i: usize) -> usize {
    16 + 3 * i
}
const fn src(i: usize) -> usize {
    17 + 3 * i
}
const fn new(i: usize) -> usize {
    18 + 3 * i
}
const RS1_ORDER: usize = 28;
const MEM_ORDER: usize = 30;

fn constraints(idx: &[usize]) -> Reason<'_> {
    Reason::Constraints(ChipKind::Store, idx)
}

/// Assert that `tamper` makes the proof of the negative program fail, and that the debug
/// check names `reason` (so the tampering isolates what it tests).
fn rejected(
    neg: &Neg,
    what: &str,
    reason: Reason<'_>,
    tamper: &(dyn Fn(&mut Tampering<'_>) + Sync),
) {
    assert_rejected_because(&neg.elf, &[], what, reason, tamper);
}

#[test]
fn honest_negative_program_verifies() {
    let neg = negative_program();
    let pk = key(&neg.elf);
    prove(&pk, &[]).verify(pk.program_id()).unwrap();
}

#[test]
fn byte_written_at_the_wrong_position_is_rejected() {
    let neg = negative_program();
    // sb writes 0xd8 into byte 2 instead of byte 1 (mask and source honest); the final memory
    // agrees with the tampered word, so only the merge relation objects.
    rejected(
        &neg,
        "wrong position",
        constraints(&[new(1), new(2)]),
        &|t| {
            let r = store_row(t, neg.sb);
            r.new = word_to_field(0x11d8_3344);
            set_word(t, neg.data, 0x11d8_3344);
        },
    );
}

#[test]
fn wrong_mask_is_rejected() {
    let neg = negative_program();
    // The same, with the mask consistently claiming byte 2: the mask relation objects.
    rejected(&neg, "wrong mask", constraints(&[mask(1), mask(2)]), &|t| {
        let r = store_row(t, neg.sb);
        r.mask = word_to_field(0x0001_0000);
        r.new = word_to_field(0x11d8_3344);
        set_word(t, neg.data, 0x11d8_3344);
    });
}

#[test]
fn wrong_source_byte_is_rejected() {
    let neg = negative_program();
    // sb stores b_1 (0xc7) instead of b_0 (0xd8).
    rejected(&neg, "wrong source byte", constraints(&[src(1)]), &|t| {
        let r = store_row(t, neg.sb);
        r.src[1] = f(0xc7);
        r.new[1] = f(0xc7);
        set_word(t, neg.data, 0x1122_c744);
    });
}

#[test]
fn non_byte_in_the_new_word_is_rejected() {
    let neg = negative_program();
    // sh writes 0xd8 + 256 and 0xc7 - 1 into bytes 2 and 3: the same integer word, but not
    // bytes. The final memory holds the same limbs.
    rejected(
        &neg,
        "non-byte limb",
        constraints(&[new(2), new(3)]),
        &|t| {
            let r = store_row(t, neg.sh);
            r.new[2] = f(0xd8 + 256);
            r.new[3] = f(0xc7 - 1);
            let limbs = r.new;
            assert!(t.set_final_limbs(neg.data + 4, limbs));
        },
    );
}

#[test]
fn two_opcode_flags_are_rejected() {
    let neg = negative_program();
    rejected(
        &neg,
        "two flags",
        constraints(&[
            REAL_BOOL,
            OFFSET_SUM,
            GUARD,
            SW_ALIGNED,
            mask(0),
            src(0),
            mask(1),
            src(1),
            mask(2),
            src(2),
            mask(3),
            src(3),
        ]),
        &|t| {
            store_row(t, neg.sb).is_sw = Val::ONE;
        },
    );
}

#[test]
fn padding_row_claiming_to_be_real_is_rejected() {
    let neg = negative_program();
    rejected(
        &neg,
        "padding row made real",
        // (The rs2 read's order check holds on a zero row: its slot, 1, is one past 0.)
        constraints(&[
            OFFSET_SUM,
            GUARD,
            SW_ALIGNED,
            mask(0),
            mask(1),
            mask(2),
            mask(3),
            RS1_ORDER,
            MEM_ORDER,
        ]),
        &|t| {
            let tr = trace(t, ChipKind::Store);
            let last = tr.values.len() / tr.width - 1;
            row_mut::<StoreCols<Val>>(tr, last).is_sw = Val::ONE;
        },
    );
}

#[test]
fn word_lo_out_of_range_is_rejected() {
    let neg = negative_program();
    // 0x0100_fffc + 8 without the low carry: same aligned address, word_lo = 0x4001.
    rejected(
        &neg,
        "word_lo >= 2^14",
        Reason::Bus("range16", Some(ChipKind::Store)),
        &|t| {
            let r = store_row(t, neg.carry);
            assert_eq!(r.addr.carry_lo, Val::ONE);
            r.addr.carry_lo = Val::ZERO;
            r.addr.word_lo = f(0x4001);
            r.addr.addr_hi -= Val::ONE;
            r.addr.guard_inv = (r.addr.addr_hi - f(vouch_machine::chips::load::GUARD_HI)).inverse();
        },
    );
}

#[test]
fn offset_flags_lying_is_rejected() {
    let neg = negative_program();
    // sb at d+1 claims offset 0 of the misaligned cell d+1 (word_lo = (4 word_lo + 1) / 4 in
    // the field): the store lands in a fresh cell and the real word d keeps its old value.
    // Only range16(word_lo) objects.
    rejected(
        &neg,
        "offset flags lying",
        Reason::Bus("range16", Some(ChipKind::Store)),
        &|t| {
            let r = store_row(t, neg.sb);
            let ts = mem_ts(r);
            let four_w = r.addr.word_lo * f(4) + Val::ONE;
            r.addr.word_lo = four_w * f(4).inverse();
            r.addr.offset = [Val::ONE, Val::ZERO, Val::ZERO, Val::ZERO];
            r.mask = word_to_field(0x0000_0001);
            r.new = word_to_field(VALUE & 0xff);
            set_write(&mut r.mem_write, 0, 0, ts);
            // The word d is left as it was; the misaligned cell d+1 the store writes has no
            // page to come from (so the memory bus objects as well).
            assert!(t.set_final(neg.data, DATA[0]));
            assert!(t.set_final_ts(neg.data, 0));
        },
    );
}

#[test]
fn misaligned_sw_is_rejected() {
    let neg = negative_program();
    // sw at d+8 claims offset 1 of the cell d+7. The SW alignment constraint fails; as for
    // loads, range16(word_lo) does too (vouch-machine's unit tests isolate alignment).
    rejected(&neg, "misaligned sw", constraints(&[SW_ALIGNED]), &|t| {
        let r = store_row(t, neg.sw);
        let ts = mem_ts(r);
        let four_w = r.addr.word_lo * f(4) - Val::ONE;
        r.addr.word_lo = four_w * f(4).inverse();
        r.addr.offset = [Val::ZERO, Val::ONE, Val::ZERO, Val::ZERO];
        set_write(&mut r.mem_write, 0, 0, ts);
        assert!(t.set_final(neg.data + 8, DATA[2]));
        assert!(t.set_final_ts(neg.data + 8, 0));
    });
}

#[test]
fn store_aliasing_a_register_is_rejected() {
    let neg = negative_program();
    // sw t2, 0(s4) with s4 = 0x0200_0004 claims the high carry 1, so the aligned address is
    // 0x0200_0004 - 2^32 ≡ 6 (mod p): the store overwrites register t1. Every relation and
    // the memory bus hold; only the range checks of addr_hi object.
    rejected(
        &neg,
        "store below 2^16",
        Reason::Bus("range16", Some(ChipKind::Store)),
        &|t| {
            let victim = u32::from(VICTIM);
            let victim_ts = t.final_ts(victim).expect("the register page is paged in");
            let r = store_row(t, neg.alias);
            let ts = mem_ts(r);
            assert_eq!(r.addr.carry_hi, Val::ZERO);
            r.addr.carry_hi = Val::ONE;
            r.addr.addr_hi -= f(1 << 16);
            r.addr.guard_inv = (r.addr.addr_hi - f(vouch_machine::chips::load::GUARD_HI)).inverse();
            assert_eq!(
                r.addr.addr_hi * f(1 << 16) + r.addr.word_lo * f(4),
                f(victim)
            );
            set_write(&mut r.mem_write, victim_ts, VICTIM_VALUE, ts);
            assert!(t.set_final(victim, VALUE));
            assert!(t.set_final_ts(victim, ts));
            // The RAM word keeps its initial value (the page was zero until this store).
            assert!(t.set_final(ALIAS_ADDR, 0));
            assert!(t.set_final_ts(ALIAS_ADDR, 0));
        },
    );
}

#[test]
fn rebalanced_untouched_trace_verifies() {
    // The harness itself (recomputing multiplicities) must not make honest proofs fail.
    let neg = negative_program();
    let pk = key(&neg.elf);
    verify_tampered(&pk, &[], &|_| {}).unwrap();
}
