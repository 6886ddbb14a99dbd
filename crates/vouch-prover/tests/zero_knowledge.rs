//! Zero knowledge against the distinguisher of the trust review: from a receipt alone, guess
//! the private input, rebuild the traces, replay the transcript's LogUp challenges and compare
//! every table's LogUp terminal with the published one (`docs/zk.md`).
//!
//! The guest reads a PIN and commits only `pin < 10000`: every PIN below 10000 gives the same
//! journal (`01`), exit code and cycle count, and so the same table heights. Against a receipt
//! without zero knowledge the distinguisher singles the PIN out among the guesses (the test is
//! not vacuous); against a zero-knowledge receipt no guess, the true one included, reproduces
//! a single table's terminal.

mod common;

use std::sync::Arc;

use vouch_executor::Program;
use vouch_prover::{ProveOptions, ProvingKey, Receipt};
use vouch_testkit::reg::*;
use vouch_testkit::Asm;

/// The secret.
const PIN: u32 = 4321;

/// The guesses: the PIN among others, all below 10000.
const GUESSES: [u32; 8] = [0, 1, 1234, 4320, PIN, 4322, 9998, 9999];

/// READ_WORD the PIN, commit the byte `pin < 10000`, halt with exit code 0.
fn pin_checker() -> Vec<u8> {
    let mut p = Asm::new();
    let buf = p.alloc_zeroed(4);
    p.syscall(vouch_abi::syscall::READ_WORD);
    p.li(T2, 10_000).sltu(T0, A0, T2);
    p.li(T1, buf).sb(T0, 0, T1);
    p.li(A0, buf).li(A1, 1).syscall(vouch_abi::syscall::COMMIT);
    p.halt_with_journal(0, &[1]);
    p.elf()
}

/// The traces an attacker rebuilds for `guess`: an honest run of the public program on it
/// (with its own memory-tree salts, which it cannot know).
fn traces_for(
    pk: &ProvingKey,
    program: &Program,
    guess: u32,
) -> Vec<vouch_stark::matrix::RowMajorMatrix<vouch_stark::Val>> {
    let tables = Arc::new(vouch_machine::trace::program_tables(program));
    let opts = ProveOptions {
        zk: false,
        ..Default::default()
    };
    let input = guess.to_le_bytes();
    let mut jobs = Vec::new();
    let exec = pk
        .segment_jobs(&input, &opts, 1, |job| {
            jobs.push(job);
            Ok(())
        })
        .expect("the guess runs");
    assert_eq!(jobs.len(), 1, "one segment");
    let job = &jobs[0];
    vouch_machine::trace::generate(
        program,
        &tables,
        &job.record,
        exec.journal_digest,
        &job.paging,
    )
    .expect("traces")
    .traces
}

/// For each guess, the tables whose published terminal its traces reproduce.
fn matching_tables(pk: &ProvingKey, program: &Program, receipt: &Receipt) -> Vec<Vec<usize>> {
    let machine =
        vouch_machine::Machine::new(Arc::new(vouch_machine::trace::program_tables(program)));
    GUESSES
        .iter()
        .map(|&guess| {
            let traces = traces_for(pk, program, guess);
            receipt
                .replay_terminals(&machine, 0, &traces)
                .expect("the transcript replays")
                .iter()
                .enumerate()
                .filter(|(_, (published, recomputed))| {
                    published.is_some() && published == recomputed
                })
                .map(|(i, _)| i)
                .collect()
        })
        .collect()
}

fn prove(pk: &ProvingKey, zk: bool) -> Receipt {
    let opts = ProveOptions {
        zk,
        ..Default::default()
    };
    let receipt = pk
        .prove(&PIN.to_le_bytes(), &opts, &|_| {})
        .expect("honest proof")
        .receipt;
    receipt
        .verify(pk.program_id())
        .expect("honest receipt verifies");
    assert_eq!(receipt.journal, [1]);
    receipt
}

#[test]
fn terminals_single_out_the_pin_without_zero_knowledge() {
    let elf = pin_checker();
    let program = Program::from_elf(&elf).expect("loads");
    let pk = common::key(&elf);
    let receipt = prove(&pk, false);
    let matches = matching_tables(&pk, &program, &receipt);
    let pin = GUESSES
        .iter()
        .position(|&g| g == PIN)
        .expect("PIN among the guesses");
    let best = matches[pin].len();
    for (i, m) in matches.iter().enumerate() {
        if i != pin {
            assert!(
                m.len() < best,
                "guess {} matches {} tables, the PIN {best}",
                GUESSES[i],
                m.len()
            );
        }
    }
    eprintln!(
        "without zero knowledge the PIN reproduces {best} tables' terminals, the best wrong \
         guess {}",
        matches
            .iter()
            .enumerate()
            .filter(|(i, _)| *i != pin)
            .map(|(_, m)| m.len())
            .max()
            .unwrap_or(0)
    );
}

#[test]
fn terminals_reveal_nothing_with_zero_knowledge() {
    let elf = pin_checker();
    let program = Program::from_elf(&elf).expect("loads");
    let pk = common::key(&elf);
    let receipt = prove(&pk, true);
    let matches = matching_tables(&pk, &program, &receipt);
    for (guess, m) in GUESSES.iter().zip(&matches) {
        assert!(
            m.is_empty(),
            "guess {guess} reproduces the terminals of tables {m:?} of a zero-knowledge receipt"
        );
    }
}
