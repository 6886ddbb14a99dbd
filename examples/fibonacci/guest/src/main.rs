//! Example guest: reads `n: u32` and commits `fib(n) mod 2^32` as a `u32`.
#![no_std]
#![no_main]

vouch_guest::entry!(main);

fn main() {
    let n: u32 = vouch_guest::read();
    vouch_guest::commit(&fibonacci(n));
}

/// `fib(n) mod 2^32`, with `fib(0) = 0` and `fib(1) = 1`.
fn fibonacci(n: u32) -> u32 {
    let (mut a, mut b) = (0u32, 1u32);
    for _ in 0..n {
        (a, b) = (b, a.wrapping_add(b));
    }
    a
}
