//! Test guest: reads `n: u32`, prints a line, and panics when `n` is odd (a guest bug the
//! host must report with this message and this file's line); commits `n` otherwise.
#![no_std]
#![no_main]

vouch_guest::entry!(main);

fn main() {
    let n: u32 = vouch_guest::read();
    vouch_guest::println!("checking {n}");
    if n % 2 == 1 {
        panic!("odd input {n} is not allowed");
    }
    vouch_guest::commit(&n);
}
