//! The fibonacci guest against the same computation done natively.

use std::path::Path;
use std::sync::OnceLock;

use vouch_sdk::build::{build_guest, BuildOptions};
use vouch_sdk::{Input, Program};

/// The guest, built once for all tests in this file.
fn program() -> &'static Program {
    static PROGRAM: OnceLock<Program> = OnceLock::new();
    PROGRAM.get_or_init(|| {
        let root = Path::new(concat!(env!("CARGO_MANIFEST_DIR"), "/../../.."));
        let opts = BuildOptions {
            target_dir: Some(root.join("target/riscv-guests")),
            quiet: true,
            ..BuildOptions::default()
        };
        let elf = build_guest(
            Path::new(env!("CARGO_MANIFEST_DIR")).join("../guest"),
            &opts,
        )
        .expect("the fibonacci guest builds");
        Program::load(elf).expect("the fibonacci guest loads")
    })
}

fn fib(n: u32) -> u32 {
    let (mut a, mut b) = (0u32, 1u32);
    for _ in 0..n {
        (a, b) = (b, a.wrapping_add(b));
    }
    a
}

#[test]
fn fib_10_is_55() {
    let result = program()
        .execute(Input::new().write(&10u32).unwrap())
        .unwrap();
    assert_eq!(result.exit_code, 0);
    assert_eq!(result.journal.bytes, [55, 0, 0, 0]);
}

#[test]
fn matches_native_fibonacci() {
    for n in [0u32, 1, 2, 3, 20, 47, 48, 1000, 100_000] {
        let result = program().execute(Input::new().write(&n).unwrap()).unwrap();
        let got: u32 = result.journal.decode().unwrap();
        assert_eq!(got, fib(n), "fib({n})");
        eprintln!("fibonacci: n = {n}: {} cycles", result.cycles);
    }
}

#[test]
fn short_input_is_a_guest_panic() {
    let err = program()
        .execute(Input::new().write_bytes(&[1, 2]))
        .unwrap_err();
    let msg = err.to_string();
    assert!(
        msg.contains("vouch_guest::read: cannot decode input as u32"),
        "unexpected error: {msg}"
    );
}
