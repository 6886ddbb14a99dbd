//! Measure one lift: a plain segment proof verified inside a recursion proof.
//!
//! `cargo run --release -p vouch-recursion --example lift -- [iterations] [segment_cycles]`
//! proves a loop of `iterations` (MUL, ADD, stores, loads; about 7 cycles each) in segments of
//! `segment_cycles`, then builds segment 0's verification circuit and proves it with the
//! recursion tables, printing each step's time and the sizes (run it under `/usr/bin/time -v`
//! for the peak memory).

use std::time::Instant;

use vouch_executor::Program;
use vouch_prover::{ProveOptions, ProvingKey};
use vouch_recursion::lift::LiftKey;
use vouch_testkit::reg::*;
use vouch_testkit::Asm;

fn main() {
    let mut args = std::env::args().skip(1);
    let iterations: u32 = args
        .next()
        .map_or(100_000, |a| a.parse().expect("iterations"));
    let segment_cycles: u32 = args.next().map_or(1 << 20, |a| a.parse().expect("cycles"));

    let mut p = Asm::new();
    let data = p.alloc_zeroed(64);
    p.li(T0, data).li(T1, iterations).li(T2, 0);
    let top = p.label_here();
    p.mul(T3, T1, T1)
        .add(T2, T2, T3)
        .sw(T2, 0, T0)
        .lw(T4, 0, T0)
        .addi(T1, T1, -1);
    p.bne(T1, ZERO, top);
    p.halt(0);
    let pk = ProvingKey::new(&Program::from_elf(&p.elf()).unwrap()).unwrap();
    let opts = ProveOptions {
        zk: false,
        segment_cycles,
        ..Default::default()
    };
    let t = Instant::now();
    let proven = pk.prove(&[], &opts, &|_| {}).unwrap();
    let receipt = proven.receipt;
    println!(
        "segments: {} of up to {segment_cycles} cycles, proven (plain) in {:.2} s",
        receipt.proof.segments.len(),
        t.elapsed().as_secs_f64()
    );

    let t = Instant::now();
    let seg = receipt.segment_ood(0).unwrap();
    println!("native opening layout: {:.2} s", t.elapsed().as_secs_f64());
    let t = Instant::now();
    let key = LiftKey::for_segment(&seg).unwrap();
    let (arith, consts, inputs, asserts) = key.circuit.circuit.counts();
    println!(
        "lift key: {} wires, {arith} operations, {consts} constants, {inputs} inputs, {asserts} \
         assertions, tables 2^{:?}, built and committed in {:.2} s",
        key.circuit.circuit.num_wires,
        key.key.log_heights,
        t.elapsed().as_secs_f64()
    );
    let t = Instant::now();
    let lift = key.lift(&seg).unwrap();
    println!("lift proof: {:.2} s", t.elapsed().as_secs_f64());
    let bytes = bincode::serde::encode_to_vec(&lift.proof, bincode::config::standard()).unwrap();
    let t = Instant::now();
    key.verify(&lift).unwrap();
    println!(
        "lift proof: {} bytes, verified in {:.1} ms",
        bytes.len(),
        t.elapsed().as_secs_f64() * 1e3
    );
}
