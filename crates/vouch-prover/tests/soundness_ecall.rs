//! ECALL chip (every syscall but HALT): POSITIVE (READ_WORD with an input, INPUT_REMAINING,
//! COMMIT with the matching HALT digest, WRITE, CYCLE_COUNT, RANDOM_WORD, proven and
//! cross-checked with the executor), NEGATIVE (each constraint group rejects a tampered
//! trace).

mod common;

use common::*;
use vouch_abi::syscall::{COMMIT, CYCLE_COUNT, INPUT_REMAINING, RANDOM_WORD, READ_WORD, WRITE};
use vouch_machine::chips::ecall::EcallCols;
use vouch_machine::chips::halt::HaltCols;
use vouch_machine::ChipKind;
use vouch_prover::{ProveOptions, Tampering};
use vouch_stark::field::{PrimeCharacteristicRing, PrimeField32};
use vouch_stark::Val;
use vouch_testkit::reg::*;
use vouch_testkit::{Asm, CODE_BASE};

const ACC: u8 = T4;
const TMP: u8 = T5;

// POSITIVE

#[test]
fn every_syscall_is_proven() {
    let input: Vec<u8> = (1..=10).collect();
    let (chunk1, chunk2) = (b"hello, ".as_slice(), b"journal".as_slice());
    let message = b"to stdout\n";
    let mut p = Asm::new();
    p.li(ACC, 0);
    let mut acc = 0u32;
    let mut fold = |p: &mut Asm, expected: u32| {
        emit_checksum_step(p, ACC, A0, TMP);
        acc = checksum_step(acc, expected);
    };
    // The private input: 10 bytes read as 3 words (the last zero-padded), then past the end.
    p.syscall(INPUT_REMAINING);
    fold(&mut p, 10);
    p.syscall(READ_WORD);
    fold(&mut p, 0x0403_0201);
    p.syscall(READ_WORD);
    fold(&mut p, 0x0807_0605);
    p.syscall(INPUT_REMAINING);
    fold(&mut p, 2);
    p.syscall(READ_WORD);
    fold(&mut p, 0x0000_0a09);
    p.syscall(READ_WORD);
    fold(&mut p, 0);
    p.syscall(INPUT_REMAINING);
    fold(&mut p, 0);
    // WRITE to stdout and stderr: a0 (the fd) is unchanged.
    let msg = p.alloc_data(message);
    p.write(1, msg, message.len() as u32);
    fold(&mut p, 1);
    p.write(2, msg, 3);
    fold(&mut p, 2);
    // COMMIT twice: a0 (the pointer) is unchanged; the journal is their concatenation.
    for chunk in [chunk1, chunk2] {
        let addr = p.alloc_data(chunk);
        p.li(A0, addr).li(A1, chunk.len() as u32).syscall(COMMIT);
        fold(&mut p, addr);
    }
    // CYCLE_COUNT: the code so far is straight-line, so it is the ECALL's index.
    p.li(A7, CYCLE_COUNT);
    let cycles = (p.pc() - CODE_BASE) / 4;
    p.ecall();
    fold(&mut p, cycles);
    // RANDOM_WORD: any value; only that it is a word the proof covers.
    p.syscall(RANDOM_WORD).add(T0, A0, A0);
    p.mv(A0, ACC);
    let journal = [chunk1, chunk2].concat();
    halt_exit_in_a0(&mut p, &journal);
    let elf = p.elf();

    let exec = execute(&elf, &input);
    assert_eq!(exec.exit_code, acc, "the executor's checksum");
    assert_eq!(exec.journal, journal);
    let pk = key(&elf);
    let opts = ProveOptions {
        zk: false,
        ..Default::default()
    };
    let proven = pk.prove(&input, &opts, &|_| {}).expect("honest proof");
    assert_eq!(proven.stdout, message);
    assert_eq!(proven.stderr, &message[..3]);
    let receipt = proven.receipt;
    receipt.verify(pk.program_id()).unwrap();
    assert_eq!(receipt.exit_code, acc, "the proven checksum");
    assert_eq!(receipt.journal, journal, "the proven journal");
}

// NEGATIVE

/// Indices of `EcallChip::eval`'s constraints, in the order it asserts them, that the
/// negative tests expect to fail.
mod constraint {
    pub const TWO_FLAGS: usize = 6;
    /// `(is_commit + is_write) (res_i - prev_i) = 0` for bytes 0..4.
    pub const KEEPS_A0: [usize; 4] = [8, 9, 10, 11];
}

const INPUT: [u8; 8] = [1, 2, 3, 4, 5, 6, 7, 8];
const JOURNAL: &[u8] = b"committed";

/// READ_WORD twice, CYCLE_COUNT, RANDOM_WORD, INPUT_REMAINING, then COMMIT and WRITE (the
/// one named `last` second), then HALT with exit code a0: what `last` left there (COMMIT's
/// pointer or WRITE's fd, 1). Returns the ELF and that exit code.
fn program(last: u32) -> (Vec<u8>, u32) {
    let mut p = Asm::new();
    for n in [
        READ_WORD,
        READ_WORD,
        CYCLE_COUNT,
        RANDOM_WORD,
        INPUT_REMAINING,
    ] {
        p.syscall(n);
    }
    let journal = p.alloc_data(JOURNAL);
    let msg = p.alloc_data(b"written");
    let mut exit = 0;
    for n in [COMMIT, WRITE]
        .into_iter()
        .filter(|&n| n != last)
        .chain([last])
    {
        if n == COMMIT {
            p.li(A0, journal)
                .li(A1, JOURNAL.len() as u32)
                .syscall(COMMIT);
            exit = journal;
        } else {
            p.write(1, msg, 7);
            exit = 1;
        }
    }
    halt_exit_in_a0(&mut p, JOURNAL);
    (p.elf(), exit)
}

fn ecall_row<'a>(
    t: &'a mut Tampering<'_>,
    is: fn(&EcallCols<Val>) -> Val,
) -> &'a mut EcallCols<Val> {
    let tr = trace(t, ChipKind::Ecall);
    let i = find_row(tr, |r: &EcallCols<Val>| is(r) == Val::ONE);
    row_mut::<EcallCols<Val>>(tr, i)
}

fn rejected(what: &str, reason: Reason<'_>, tamper: &(dyn Fn(&mut Tampering<'_>) + Sync)) {
    assert_rejected_because(&program(WRITE).0, &INPUT, what, reason, tamper);
}

fn constraints(idx: &[usize]) -> Reason<'_> {
    Reason::Constraints(ChipKind::Ecall, idx)
}

/// Change the value the last syscall leaves in a0 (HALT's exit code) by one, keeping the
/// memory bus and the public exit code consistent with it.
fn bump_final_a0(t: &mut Tampering<'_>, is: fn(&EcallCols<Val>) -> Val, exit: u32) {
    ecall_row(t, is).res[0] += Val::ONE;
    row_mut::<HaltCols<Val>>(trace(t, ChipKind::Halt), 0).exit_code[0] += Val::ONE;
    t.statement.set_exit_code(exit + 1);
    assert!(t.set_final(u32::from(A0), exit + 1));
}

#[test]
fn honest_proofs_verify() {
    for last in [COMMIT, WRITE] {
        let (elf, exit) = program(last);
        let pk = key(&elf);
        let receipt = prove(&pk, &INPUT);
        receipt.verify(pk.program_id()).unwrap();
        assert_eq!(
            (receipt.exit_code, receipt.journal.as_slice()),
            (exit, JOURNAL)
        );
    }
}

#[test]
fn rebalanced_untouched_trace_verifies() {
    let pk = key(&program(WRITE).0);
    verify_tampered(&pk, &INPUT, &|_| {}).unwrap();
}

#[test]
fn syscall_number_mismatch_is_rejected() {
    // The READ_WORD row claims CYCLE_COUNT: its a7 read says 6, the register holds 1 (the
    // checker may name either side of the mismatch).
    rejected(
        "READ_WORD claimed as CYCLE_COUNT",
        Reason::Bus("memory", None),
        &|t| {
            let r = ecall_row(t, |r| r.is_read_word);
            r.is_read_word = Val::ZERO;
            r.is_cycle_count = Val::ONE;
        },
    );
    // The CYCLE_COUNT row claims READ_WORD: its a7 read says 1, the register holds 6.
    rejected(
        "CYCLE_COUNT claimed as READ_WORD",
        Reason::Bus("memory", None),
        &|t| {
            let r = ecall_row(t, |r| r.is_cycle_count);
            r.is_cycle_count = Val::ZERO;
            r.is_read_word = Val::ONE;
        },
    );
}

#[test]
fn commit_changing_a0_is_rejected() {
    let (elf, exit) = program(COMMIT);
    let reason = constraints(&constraint::KEEPS_A0[..1]);
    assert_rejected_because(&elf, &INPUT, "COMMIT returns pointer + 1", reason, &|t| {
        bump_final_a0(t, |r| r.is_commit, exit);
    });
}

#[test]
fn write_changing_a0_is_rejected() {
    let (elf, exit) = program(WRITE);
    let reason = constraints(&constraint::KEEPS_A0[..1]);
    assert_rejected_because(&elf, &INPUT, "WRITE returns fd + 1", reason, &|t| {
        bump_final_a0(t, |r| r.is_write, exit);
    });
}

#[test]
fn out_of_range_hint_byte_is_rejected() {
    // The first READ_WORD's 0x04030201 written as limbs (1 + 256, 2 - 1, 3, 4): the same
    // integer, not bytes. The second READ_WORD overwrites a0, so its `prev` (the memory bus's
    // old value) follows; only the byte check of the hint objects.
    rejected(
        "hint limb 257",
        Reason::Bus("bytes", Some(ChipKind::Ecall)),
        &|t| {
            let tr = trace(t, ChipKind::Ecall);
            let [first, second] = [0, 1].map(|k| {
                let rows = tr.values.chunks_exact(tr.width).enumerate();
                let is_read_word = |(_, r): &(usize, &[Val])| {
                    let r: &EcallCols<Val> = core::borrow::Borrow::borrow(*r);
                    r.is_read_word == Val::ONE
                };
                rows.filter(is_read_word)
                    .nth(k)
                    .expect("two READ_WORD rows")
                    .0
            });
            let limbs = {
                let r = row_mut::<EcallCols<Val>>(tr, first);
                assert_eq!(r.res.map(|b| b.as_canonical_u32()), [1, 2, 3, 4]);
                r.res[0] += f(256);
                r.res[1] -= Val::ONE;
                r.res
            };
            row_mut::<EcallCols<Val>>(tr, second).a0_access.prev = limbs;
        },
    );
}

#[test]
fn two_selectors_are_rejected() {
    // READ_WORD and COMMIT at once: the flag sum is 2, and COMMIT's "a0 unchanged" fails on
    // every byte of the word read.
    let mut idx = vec![constraint::TWO_FLAGS];
    idx.extend(constraint::KEEPS_A0);
    rejected("READ_WORD and COMMIT flags", constraints(&idx), &|t| {
        ecall_row(t, |r| r.is_read_word).is_commit = Val::ONE;
    });
}

#[test]
fn padding_row_claiming_to_be_real_is_rejected() {
    // A padding row made into RANDOM_WORD at pc 0, clock 1, satisfying every constraint of the
    // chip: the ROM has no ECALL at pc 0.
    rejected(
        "padding row made real",
        Reason::Bus("program", Some(ChipKind::Ecall)),
        &|t| {
            let tr = trace(t, ChipKind::Ecall);
            let last = tr.values.len() / tr.width - 1;
            let r = row_mut::<EcallCols<Val>>(tr, last);
            r.is_random_word = Val::ONE;
            r.clk = Val::ONE;
            r.a7_read.diff_lo = f(3); // ts 4 > prev_ts 0
            r.a0_access.diff_lo = f(6); // ts 7 > prev_ts 0
        },
    );
}
