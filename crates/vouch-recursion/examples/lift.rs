//! Measure the recursion: lifts of a run's segment proofs and their aggregation into one proof.
//!
//! `cargo run --release -p vouch-recursion --example lift -- [iterations] [segment_cycles]`
//! proves a loop of `iterations` (MUL, ADD, stores, loads; about 7 cycles each) in segments of
//! `segment_cycles`, builds the run's keys (`RunKeys`: a lift key per segment shape, a lift of
//! segment 0 as the join's template, the join key, the key set), then lifts every segment
//! under the set's root, joins them into one proof and wraps it in the final layer, printing each step's time and the sizes (run it under
//! `/usr/bin/time -v` for the peak memory).

use std::time::Instant;

use vouch_executor::Program;
use vouch_prover::{ProveOptions, ProvingKey};
use vouch_recursion::air::CircuitAir;
use vouch_recursion::final_layer::FinalKey;
use vouch_recursion::node::key_digest;
use vouch_recursion::run::RunKeys;
use vouch_stark::field::PrimeCharacteristicRing;
use vouch_stark::Val;

/// jemalloc, keeping the memory it frees and backing large buffers with transparent huge
/// pages. A proof allocates and frees gigabytes of trace and LDE buffers; with the system
/// allocator almost half of its CPU time went to the kernel's page faults (docs/recursion.md,
/// measured with `examples/lift.rs`: a 2^20-cycle segment proof 20 s -> 9 s, its lift 45 s ->
/// 32 s on 2 cores).
#[cfg(all(unix, not(target_env = "musl")))]
#[global_allocator]
static GLOBAL: tikv_jemallocator::Jemalloc = tikv_jemallocator::Jemalloc;

/// jemalloc's options, read at its start: huge pages, and never hand dirty pages back.
#[cfg(all(unix, not(target_env = "musl")))]
#[allow(non_upper_case_globals)]
#[export_name = "_rjem_malloc_conf"]
static malloc_conf: &[u8; 47] = b"thp:always,dirty_decay_ms:-1,muzzy_decay_ms:-1\0";
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
    let segs: Vec<_> = (0..receipt.proof.segments.len())
        .map(|i| receipt.segment_ood(i).unwrap())
        .collect();
    println!("native opening layouts: {:.2} s", t.elapsed().as_secs_f64());
    let t = Instant::now();
    let keys = RunKeys::for_segments(&segs).unwrap();
    println!(
        "{} lift keys, a lift of segment 0 (the join's template), the join key and the key set: \
         {:.2} s",
        keys.lifts.len(),
        t.elapsed().as_secs_f64()
    );
    for key in &keys.lifts {
        let (arith, consts, inputs, asserts) = key.circuit.circuit.counts();
        println!(
            "lift key: {} wires, {arith} operations, {consts} constants, {inputs} inputs, \
             {asserts} assertions, natural tables 2^{:?}",
            key.circuit.circuit.num_wires,
            CircuitAir::natural_log_heights(&key.circuit.circuit),
        );
    }
    let (join, set) = (&keys.join, &keys.set);
    let (arith, ..) = join.circuit.counts();
    println!(
        "join key: {} wires, {arith} operations, natural tables 2^{:?}",
        join.circuit.num_wires,
        CircuitAir::natural_log_heights(&join.circuit),
    );

    let t = Instant::now();
    let first = keys.lift(&segs[0]).unwrap();
    println!("lift proof: {:.2} s", t.elapsed().as_secs_f64());
    let bytes = bincode::serde::encode_to_vec(&first, bincode::config::standard()).unwrap();
    let t = Instant::now();
    first.verify_in(set).unwrap();
    println!(
        "lift proof: {} bytes, verified in {:.1} ms",
        bytes.len(),
        t.elapsed().as_secs_f64() * 1e3
    );
    let top = if segs.len() < 2 {
        first
    } else {
        let t = Instant::now();
        let mut lifts = vec![first];
        lifts.extend(segs[1..].iter().map(|seg| keys.lift(seg).unwrap()));
        println!(
            "{} more lifts: {:.2} s",
            lifts.len() - 1,
            t.elapsed().as_secs_f64()
        );
        let t = Instant::now();
        let top = join.aggregate(set, lifts).unwrap();
        println!(
            "{} joins: {:.2} s",
            segs.len() - 1,
            t.elapsed().as_secs_f64()
        );
        let bytes = bincode::serde::encode_to_vec(&top, bincode::config::standard()).unwrap();
        let t = Instant::now();
        top.verify_in(set).unwrap();
        println!(
            "aggregated proof: {} bytes, verified in {:.1} ms",
            bytes.len(),
            t.elapsed().as_secs_f64() * 1e3
        );
        top
    };

    let program = key_digest(&receipt.vk.commitment);
    let initial_root = receipt.vk.initial_root.map(Val::from_u32);
    let t = Instant::now();
    let final_key = FinalKey::new(set, &keys.template).unwrap();
    println!(
        "final key: {} wires, tables 2^{:?}, built and committed in {:.2} s",
        final_key.circuit.num_wires,
        final_key.log_heights,
        t.elapsed().as_secs_f64()
    );
    let t = Instant::now();
    let proof = final_key.prove(set, &top, &program, &initial_root).unwrap();
    println!(
        "final proof (zero knowledge): {:.2} s",
        t.elapsed().as_secs_f64()
    );
    let bytes = bincode::serde::encode_to_vec(&proof, bincode::config::standard()).unwrap();
    let t = Instant::now();
    final_key.verify(&proof).unwrap();
    println!(
        "final proof: {} bytes, verified in {:.1} ms",
        bytes.len(),
        t.elapsed().as_secs_f64() * 1e3
    );
}
