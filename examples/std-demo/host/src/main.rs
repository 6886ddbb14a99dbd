//! The std-demo example end to end: `cargo run --release -p std-demo-host [-- FILE]` builds the
//! std guest, runs it on the JSON order document in FILE (default: a sample), proves the run,
//! verifies the receipt and prints the report from the verified journal.

use std::time::Instant;

use std_demo_host::{program, Report, SAMPLE};
use vouch_sdk::{Input, Prover};

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let document = match std::env::args().nth(1) {
        Some(path) => {
            std::fs::read_to_string(&path).map_err(|e| format!("cannot read {path}: {e}"))?
        }
        None => SAMPLE.to_string(),
    };
    let program = program(false)?;
    // The guest reads the document from stdin: raw bytes, not an encoded value.
    let input = Input::new().write_bytes(document.as_bytes());

    let result = program.execute(&input)?;
    print!("{}", String::from_utf8_lossy(&result.stdout));
    println!("executed: {} cycles", result.cycles);

    let start = Instant::now();
    let receipt = Prover::new().prove(&program, &input)?;
    println!(
        "proved in {:.2} s: receipt of {} KiB (zero-knowledge)",
        start.elapsed().as_secs_f64(),
        receipt.to_bytes()?.len().div_ceil(1024)
    );
    receipt.verify(program.program_id()?)?;
    let report: Report = vouch_sdk::journal(&receipt).decode()?;
    println!("verified: {report:?}");
    Ok(())
}
