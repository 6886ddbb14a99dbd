//! Prove an ELF once and print Plonky3's span timings (a profiling aid for prover work).
//!
//! `cargo run --release -p vouch-prover --example profile -- <elf> <input-hex> [--no-zk]`

use tracing_subscriber::prelude::*;
use vouch_executor::Program;
use vouch_prover::{ProveOptions, ProvingKey};

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let elf = std::fs::read(&args[1]).expect("read ELF");
    let input = hex_decode(args.get(2).map(String::as_str).unwrap_or(""));
    let zk = !args.iter().any(|a| a == "--no-zk");
    tracing_subscriber::registry()
        .with(tracing_subscriber::EnvFilter::new("info"))
        .with(tracing_forest::ForestLayer::default())
        .init();
    let program = Program::from_elf(&elf).expect("load ELF");
    let pk = ProvingKey::new(&program).expect("keys");
    let opts = ProveOptions {
        zk,
        ..Default::default()
    };
    let proven = pk.prove(&input, &opts, &|_| {}).expect("prove");
    let s = &proven.stats;
    eprintln!(
        "cycles {} execute {:?} trace {:?} prove {:?}",
        s.cycles, s.execute, s.trace, s.prove
    );
    for t in &s.tables {
        eprintln!(
            "  {:16} rows {:8} height {:8} main {:3} aux {:3}",
            t.name, t.rows, t.height, t.width, t.aux_width
        );
    }
    eprintln!("cells per cycle: {:.0}", s.cells_per_cycle());
}

fn hex_decode(s: &str) -> Vec<u8> {
    (0..s.len() / 2)
        .map(|i| u8::from_str_radix(&s[2 * i..2 * i + 2], 16).expect("hex"))
        .collect()
}
