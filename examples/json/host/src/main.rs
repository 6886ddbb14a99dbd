//! Runs the json guest: `cargo run -p json-host [-- DOCUMENT POINTER]` prints the JSON value
//! at POINTER in DOCUMENT as found by the guest.

use std::path::Path;

use vouch_sdk::build::{build_guest, BuildOptions};
use vouch_sdk::{Input, Program};

const SAMPLE: &str = r#"{"name":"vouch","isa":{"base":"RV32I","extensions":["M"]},"stars":42}"#;

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let mut args = std::env::args().skip(1);
    let document = args.next().unwrap_or_else(|| SAMPLE.to_string());
    let pointer = args
        .next()
        .unwrap_or_else(|| "/isa/extensions/0".to_string());
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
    let result = program.execute(Input::new().write(&(&document, &pointer))?)?;
    let found: Option<String> = result.journal.decode()?;
    match found {
        Some(value) => println!("{pointer:?} -> {value} ({} cycles)", result.cycles),
        None => println!("{pointer:?} -> nothing there ({} cycles)", result.cycles),
    }
    Ok(())
}
