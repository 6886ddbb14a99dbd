//! `ExecOptions::random`: the host may refuse to give a guest random words.

mod common;

use common::{run_with, TEST_CYCLE_LIMIT};
use vouch_abi::syscall;
use vouch_executor::{ExecError, ExecOptions};
use vouch_testkit::{reg, Asm};

fn options(random: bool) -> ExecOptions {
    ExecOptions {
        cycle_limit: TEST_CYCLE_LIMIT,
        random,
        ..ExecOptions::default()
    }
}

#[test]
fn random_words_are_given_by_default() {
    assert!(ExecOptions::default().random);
    let mut p = Asm::new();
    p.syscall(syscall::RANDOM_WORD).halt(0);
    let exec = run_with(&p, Vec::new(), options(true)).unwrap();
    assert_eq!(exec.exit_code, 0);
}

#[test]
fn refused_randomness_stops_the_guest_at_the_ecall() {
    let mut p = Asm::new();
    p.li(reg::A0, 5);
    let at = p.pc();
    p.syscall(syscall::RANDOM_WORD).halt(0);
    let err = run_with(&p, Vec::new(), options(false)).unwrap_err();
    // `syscall` loads a7 first; the ECALL follows.
    let ExecError::RandomDisabled { pc } = err else {
        panic!("unexpected error: {err}")
    };
    assert!(pc > at, "pc 0x{pc:08x}");
    assert!(err.to_string().contains("--no-random"), "{err}");
}

#[test]
fn programs_without_randomness_run_when_it_is_refused() {
    let mut p = Asm::new();
    p.syscall(syscall::CYCLE_COUNT).halt(3);
    let exec = run_with(&p, Vec::new(), options(false)).unwrap();
    assert_eq!(exec.exit_code, 3);
}
