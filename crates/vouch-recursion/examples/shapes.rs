//! How many lift keys a run needs: the distinct segment shapes (every table's log2 height) of
//! a guest's run, the data a menu of segment shapes is designed from (docs/recursion.md, "A
//! constant key set").
//!
//! `cargo run --release -p vouch-recursion --example shapes -- <guest.elf> [input-file]
//! [segment_cycles]` generates every segment's traces (it proves nothing) in segments of
//! `segment_cycles` (default 2^20) and prints each distinct shape with how many segments have
//! it and its main-trace cells (Σ width × height, what proving time follows), then per table
//! its width and the range of heights seen.

use std::collections::BTreeMap;

use vouch_executor::Program;
use vouch_prover::{ProveOptions, ProvingKey};
use vouch_stark::air::BaseAir;

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
    let heights = pk
        .segment_log_heights(&input, &opts)
        .expect("the run's traces");
    let widths: Vec<usize> = pk.machine().airs().iter().map(|a| a.width()).collect();
    let cells = |shape: &[usize]| -> usize {
        shape.iter().zip(&widths).map(|(&h, &w)| w << h).sum()
    };
    let mut shapes: BTreeMap<Vec<usize>, usize> = BTreeMap::new();
    for shape in &heights {
        *shapes.entry(shape.clone()).or_default() += 1;
    }
    println!(
        "{} segments of up to {segment_cycles} cycles, {} distinct shapes (lift keys)",
        heights.len(),
        shapes.len()
    );
    for (shape, count) in &shapes {
        println!("{count:>5} × {shape:?} {:.1}M cells", cells(shape) as f64 / 1e6);
    }
    for (i, kind) in vouch_machine::ChipKind::ALL.iter().enumerate() {
        let seen: Vec<usize> = shapes.keys().filter_map(|s| s.get(i).copied()).collect();
        if let (Some(lo), Some(hi)) = (seen.iter().min(), seen.iter().max()) {
            println!("  {:>10} width {:>4}: 2^{lo}..2^{hi}", kind.name(), widths[i]);
        }
    }
}
