//! Runs the sort guest: `cargo run -p sort-host [-- COUNT [SEED]]` sorts COUNT (default
//! 100000) pseudo-random numbers in the guest and prints the summary it committed.

use std::path::Path;

use vouch_sdk::build::{build_guest, BuildOptions};
use vouch_sdk::{Input, Program};

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let mut args = std::env::args().skip(1);
    let count: u32 = match args.next() {
        Some(arg) => arg
            .parse()
            .map_err(|e| format!("COUNT must be a number below 2^32, not {arg:?}: {e}"))?,
        None => 100_000,
    };
    let seed: u64 = match args.next() {
        Some(arg) => arg
            .parse()
            .map_err(|e| format!("SEED must be a number below 2^64, not {arg:?}: {e}"))?,
        None => 2024,
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
    let result = program.execute(Input::new().write(&(count, seed))?)?;
    let (min, median, max, checksum): (u32, u32, u32, u64) = result.journal.decode()?;
    println!(
        "{count} values (seed {seed}): min {min}, median {median}, max {max}, \
         checksum {checksum:#018x} ({} cycles)",
        result.cycles
    );
    Ok(())
}
