//! Example guest: reads `(count: u32, seed: u64)`, generates `count` pseudo-random `u32`s with
//! SplitMix64, sorts them and commits `(min, median, max, checksum)`: `u32`s and a `u64`
//! order-dependent hash of the sorted values. With `count = 0` all four are 0. The median of an
//! even count is the upper of the two middle values.
#![no_std]
#![no_main]

extern crate alloc;

use alloc::vec::Vec;

vouch_guest::entry!(main);

fn main() {
    let (count, seed): (u32, u64) = vouch_guest::read();
    let mut state = seed;
    let mut values: Vec<u32> = (0..count).map(|_| splitmix64(&mut state) as u32).collect();
    values.sort_unstable();
    vouch_guest::commit(&summary(&values));
}

/// SplitMix64: one step of the generator.
fn splitmix64(state: &mut u64) -> u64 {
    *state = state.wrapping_add(0x9e37_79b9_7f4a_7c15);
    let mut z = *state;
    z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
    z ^ (z >> 31)
}

/// `(min, median, max, checksum)` of sorted `values`.
fn summary(values: &[u32]) -> (u32, u32, u32, u64) {
    let min = values.first().copied().unwrap_or(0);
    let max = values.last().copied().unwrap_or(0);
    let median = values.get(values.len() / 2).copied().unwrap_or(0);
    let checksum = values.iter().fold(0u64, |h, &v| {
        h.wrapping_mul(0x0000_0100_0000_01b3)
            .wrapping_add(u64::from(v))
    });
    (min, median, max, checksum)
}
