//! How many lift keys a run needs: the distinct segment shapes (every table's log2 height) of
//! a guest's run, the data a menu of segment shapes would be designed from
//! (docs/recursion.md, "A constant key set").
//!
//! `cargo run --release -p vouch-recursion --example shapes -- <guest.elf> [input-file]
//! [segment_cycles]` proves the run without zero knowledge in segments of `segment_cycles`
//! (default 2^20) and prints each distinct shape with how many segments have it, and per table
//! the range of heights seen.

use std::collections::BTreeMap;

use vouch_executor::Program;
use vouch_prover::{ProveOptions, ProvingKey};
use vouch_verifier::ReceiptProof;

fn main() {
    let mut args = std::env::args().skip(1);
    let Some(elf) = args.next() else {
        eprintln!("usage: shapes <guest.elf> [input-file] [segment_cycles]");
        std::process::exit(2);
    };
    let input = match args.next() {
        Some(path) if path != "-" => std::fs::read(&path).expect("read the input file"),
        _ => Vec::new(),
    };
    let segment_cycles: u32 = args.next().map_or(1 << 20, |a| a.parse().expect("cycles"));
    let elf = std::fs::read(&elf).expect("read the ELF");
    let pk = ProvingKey::new(&Program::from_elf(&elf).expect("a guest ELF")).expect("a key");
    let opts = ProveOptions {
        zk: false,
        segment_cycles,
        ..Default::default()
    };
    let receipt = pk
        .prove(&input, &opts, &|_| {})
        .expect("the run proves")
        .receipt;
    let mut shapes: BTreeMap<Vec<usize>, usize> = BTreeMap::new();
    for seg in &receipt.proof.segments {
        if let ReceiptProof::Plain(p) = &seg.proof {
            *shapes.entry(p.degree_bits.clone()).or_default() += 1;
        }
    }
    let names: Vec<&str> = vouch_machine::ChipKind::ALL
        .iter()
        .map(|k| k.name())
        .collect();
    println!(
        "{} segments of up to {segment_cycles} cycles, {} distinct shapes (lift keys)",
        receipt.proof.segments.len(),
        shapes.len()
    );
    for (shape, count) in &shapes {
        println!("{count:>5} × {shape:?}");
    }
    for (i, name) in names.iter().enumerate() {
        let heights: Vec<usize> = shapes.keys().filter_map(|s| s.get(i).copied()).collect();
        let (lo, hi) = (heights.iter().min(), heights.iter().max());
        if let (Some(lo), Some(hi)) = (lo, hi) {
            if lo != hi {
                println!("  {name}: 2^{lo}..2^{hi}");
            }
        }
    }
}
