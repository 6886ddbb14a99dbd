//! Runs the fibonacci guest: `cargo run -p fibonacci-host [-- N]` prints `fib(N) mod 2^32`.

use std::path::Path;

use vouch_sdk::build::{build_guest, BuildOptions};
use vouch_sdk::{Input, Program};

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
    let result = program.execute(Input::new().write(&n)?)?;
    let fib: u32 = result.journal.decode()?;
    println!("fib({n}) mod 2^32 = {fib} ({} cycles)", result.cycles);
    Ok(())
}
