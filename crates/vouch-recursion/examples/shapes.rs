//! How many lift keys a run needs: the distinct segment shapes (every table's log2 height) of
//! a guest's run, the data a menu of segment shapes is designed from (docs/recursion.md, "A
//! constant key set").
//!
//! `cargo run --release -p vouch-recursion --example shapes -- <guest.elf> [input-file]
//! [segment_cycles]` generates every segment's traces (it proves nothing) in segments of
//! `segment_cycles` (default 2^20) and prints each distinct shape with how many segments have
//! it and its main-trace cells (Σ width × height, what proving time follows), then per table
//! its width and the range of heights seen. Then the same run cut by the menu's budget
//! (`vouch_machine::trace::menu`): its segments, and the cells of the menu shapes they are
//! padded to against their natural cells.

use std::collections::BTreeMap;

use vouch_executor::Program;
use vouch_machine::trace::menu::Menu;
use vouch_prover::{Padding, ProveOptions, ProvingKey};
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
    let cells =
        |shape: &[usize]| -> usize { shape.iter().zip(&widths).map(|(&h, &w)| w << h).sum() };
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
        println!(
            "{count:>5} × {shape:?} {:.1}M cells",
            cells(shape) as f64 / 1e6
        );
    }
    for (i, kind) in vouch_machine::ChipKind::ALL.iter().enumerate() {
        let seen: Vec<usize> = shapes.keys().filter_map(|s| s.get(i).copied()).collect();
        if let (Some(lo), Some(hi)) = (seen.iter().min(), seen.iter().max()) {
            println!(
                "  {:>10} width {:>4}: 2^{lo}..2^{hi}",
                kind.name(),
                widths[i]
            );
        }
    }

    let Ok(menu) = Menu::new(pk.machine(), segment_cycles) else {
        println!("no menu for segments of {segment_cycles} cycles");
        return;
    };
    let menu_opts = ProveOptions {
        padding: Padding::Menu,
        ..opts
    };
    let cut = pk
        .segment_log_heights(&input, &menu_opts)
        .expect("the run's traces, cut by the menu");
    let (mut natural, mut padded) = (0usize, 0usize);
    let mut picked: BTreeMap<Vec<usize>, usize> = BTreeMap::new();
    for shape in &cut {
        let pick = menu.pick(shape).expect("a menu shape");
        natural += cells(shape);
        padded += menu.cells(&pick);
        *picked.entry(pick).or_default() += 1;
    }
    println!(
        "menu: {} segments ({} without it), {} menu shapes used, cells {:.1}M padded from \
         {:.1}M natural ({:.2}x; {:.2}x the run's natural cells without the menu)",
        cut.len(),
        heights.len(),
        picked.len(),
        padded as f64 / 1e6,
        natural as f64 / 1e6,
        padded as f64 / natural as f64,
        padded as f64 / heights.iter().map(|s| cells(s)).sum::<usize>() as f64,
    );
    for (shape, count) in &picked {
        println!(
            "{count:>5} × {shape:?} {:.1}M cells",
            menu.cells(shape) as f64 / 1e6
        );
    }
}
