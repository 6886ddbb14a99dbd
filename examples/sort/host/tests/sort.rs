//! The sort guest against the same computation done natively (the generator and summary are
//! copied from the guest).

use std::path::Path;
use std::sync::OnceLock;

use vouch_sdk::build::{build_guest, BuildOptions};
use vouch_sdk::{Input, Program};

/// The guest, built once for all tests in this file.
fn program() -> &'static Program {
    static PROGRAM: OnceLock<Program> = OnceLock::new();
    PROGRAM.get_or_init(|| {
        let root = Path::new(concat!(env!("CARGO_MANIFEST_DIR"), "/../../.."));
        let opts = BuildOptions {
            target_dir: Some(root.join("target/riscv-guests")),
            quiet: true,
            ..BuildOptions::default()
        };
        let elf = build_guest(
            Path::new(env!("CARGO_MANIFEST_DIR")).join("../guest"),
            &opts,
        )
        .expect("the sort guest builds");
        Program::load(elf).expect("the sort guest loads")
    })
}

fn splitmix64(state: &mut u64) -> u64 {
    *state = state.wrapping_add(0x9e37_79b9_7f4a_7c15);
    let mut z = *state;
    z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
    z ^ (z >> 31)
}

fn native(count: u32, seed: u64) -> (u32, u32, u32, u64) {
    let mut state = seed;
    let mut values: Vec<u32> = (0..count).map(|_| splitmix64(&mut state) as u32).collect();
    values.sort_unstable();
    let min = values.first().copied().unwrap_or(0);
    let max = values.last().copied().unwrap_or(0);
    let median = values.get(values.len() / 2).copied().unwrap_or(0);
    let checksum = values.iter().fold(0u64, |h, &v| {
        h.wrapping_mul(0x0000_0100_0000_01b3)
            .wrapping_add(u64::from(v))
    });
    (min, median, max, checksum)
}

fn check(count: u32, seed: u64) {
    let result = program()
        .execute(Input::new().write(&(count, seed)).unwrap())
        .unwrap();
    assert_eq!(result.exit_code, 0);
    let got: (u32, u32, u32, u64) = result.journal.decode().unwrap();
    assert_eq!(got, native(count, seed), "count {count}, seed {seed}");
    eprintln!("sort: {count} values: {} cycles", result.cycles);
}

#[test]
fn small_counts() {
    for (count, seed) in [(0, 1), (1, 2), (2, 3), (3, 4), (1000, 5)] {
        check(count, seed);
    }
}

#[test]
fn hundred_thousand_values() {
    check(100_000, 0x5eed);
}
