//! The fibonacci example end to end: `cargo run --release -p fibonacci-host [-- N]` builds the
//! guest, runs it, proves the run (with zero knowledge), verifies the receipt and prints
//! `fib(N) mod 2^32` from the verified journal.

use std::path::Path;
use std::time::Instant;

use vouch_sdk::build::{build_guest, BuildOptions};
use vouch_sdk::{Input, Program, Prover};

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let n: u32 = match std::env::args().nth(1) {
        Some(arg) => arg
            .parse()
            .map_err(|e| format!("N must be a number below 2^32, not {arg:?}: {e}"))?,
        None => 10,
    };
    let root = Path::new(concat!(env!("CARGO_MANIFEST_DIR"), "/../../.."));
    let opts = BuildOptions {
        target_dir: Some(root.join("target/riscv-guests")),
        ..BuildOptions::default()
    };
    let elf = build_guest(
        Path::new(env!("CARGO_MANIFEST_DIR")).join("../guest"),
        &opts,
    )?;
    let program = Program::load(&elf)?;
    let input = Input::new().write(&n)?;

    let result = program.execute(&input)?;
    println!("executed: {} cycles", result.cycles);

    let start = Instant::now();
    let receipt = Prover::new().prove(&program, &input)?;
    let bytes = receipt.to_bytes()?;
    println!(
        "proved in {:.2} s: receipt of {} KiB (zero-knowledge)",
        start.elapsed().as_secs_f64(),
        bytes.len().div_ceil(1024)
    );

    let start = Instant::now();
    let program_id = program.program_id()?;
    receipt.verify(program_id)?;
    println!(
        "verified in {:.1} ms against program {program_id}",
        start.elapsed().as_secs_f64() * 1e3
    );
    let fib: u32 = vouch_sdk::journal(&receipt).decode()?;
    println!("fib({n}) mod 2^32 = {fib}");
    Ok(())
}
