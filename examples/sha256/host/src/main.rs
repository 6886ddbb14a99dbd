//! Runs the sha256 guest: `cargo run -p sha256-host [-- TEXT]` prints the SHA-256 of TEXT
//! (default `abc`) as computed in the guest.

use std::path::Path;

use vouch_sdk::build::{build_guest, BuildOptions};
use vouch_sdk::{Input, Program};

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let text = std::env::args().nth(1).unwrap_or_else(|| "abc".to_string());
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
    let result = program.execute(Input::new().write_bytes(text.as_bytes()))?;
    let hex: String = result
        .journal
        .bytes
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect();
    println!("sha256({text:?}) = {hex} ({} cycles)", result.cycles);
    Ok(())
}
