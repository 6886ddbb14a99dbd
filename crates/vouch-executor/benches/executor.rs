//! Executor throughput: instructions per second on the fibonacci and sha256 example guests,
//! with recording off (the plain interpreter) and on (one `Step` per instruction, segments
//! handed to a sink that drops them, as a prover pipeline would consume them).
//!
//! ```text
//! cargo bench -p vouch-executor --bench executor            # default sizes, 5 runs each
//! cargo bench -p vouch-executor --bench executor -- --quick # small sizes, 1 run (smoke test)
//! cargo bench -p vouch-executor --bench executor -- --runs 9
//! ```
//!
//! Prints one row per workload and mode: cycles, median wall time, median instructions/s.
//! The guests are built with cargo into `target/riscv-guests`, in release and with the flags of
//! `vouch build` (not through `vouch-sdk`, which would make the executor's dev-dependencies
//! include the prover). Host build flags come from the bench profile (release with debug info)
//! and `.cargo/config.toml` (`-C target-cpu=native`). Needs the guest target:
//! `rustup target add riscv32im-unknown-none-elf`.

use std::path::Path;
use std::process::Command;
use std::time::{Duration, Instant};

use vouch_executor::{ExecOptions, Executor, Program, SegmentRecord};

/// One benchmark workload: a guest and its input.
struct Workload {
    name: String,
    program: Program,
    input: Vec<u8>,
}

/// Command-line options (cargo passes `--bench`, which is ignored).
struct Args {
    runs: usize,
    quick: bool,
}

fn parse_args() -> Args {
    let mut args = Args {
        runs: 5,
        quick: false,
    };
    let mut it = std::env::args().skip(1);
    while let Some(arg) = it.next() {
        match arg.as_str() {
            "--quick" => {
                args.quick = true;
                args.runs = 1;
            }
            "--runs" => match it.next().and_then(|n| n.parse().ok()) {
                Some(n) if n > 0 => args.runs = n,
                _ => {
                    eprintln!("error: --runs needs a positive number");
                    std::process::exit(2);
                }
            },
            _ => {} // `--bench` and libtest's flags
        }
    }
    args
}

/// Build `examples/<example>/guest` as `vouch build` does and load it.
fn build(example: &str) -> Program {
    let root = Path::new(concat!(env!("CARGO_MANIFEST_DIR"), "/../.."));
    let target_dir = root.join("target/riscv-guests");
    let manifest = root.join("examples").join(example).join("guest/Cargo.toml");
    let cargo = std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into());
    let status = Command::new(cargo)
        .args([
            "build",
            "--release",
            "--quiet",
            "--target",
            "riscv32im-unknown-none-elf",
        ])
        .arg("--manifest-path")
        .arg(&manifest)
        .arg("--target-dir")
        .arg(&target_dir)
        // vouch's linker script and getrandom backend, as in `vouch_sdk::build::guest_rustflags`.
        .env(
            "CARGO_ENCODED_RUSTFLAGS",
            "-C\x1flink-arg=-Tvouch.ld\x1f--cfg\x1fgetrandom_backend=\"custom\"",
        )
        .status()
        .unwrap_or_else(|e| panic!("cannot run cargo: {e}"));
    assert!(status.success(), "building the {example} guest failed");
    let elf = target_dir.join(format!(
        "riscv32im-unknown-none-elf/release/{example}-guest"
    ));
    let bytes = std::fs::read(&elf).unwrap_or_else(|e| panic!("{}: {e}", elf.display()));
    Program::from_elf(&bytes).unwrap_or_else(|e| panic!("{}: {e}", elf.display()))
}

fn workloads(quick: bool) -> Vec<Workload> {
    let fib_n: u32 = if quick { 100_000 } else { 20_000_000 };
    let sha_bytes: usize = if quick { 64 << 10 } else { 4 << 20 };
    // Deterministic pseudo-random bytes, so that runs are comparable.
    let mut x: u32 = 0x9e37_79b9;
    let data: Vec<u8> = (0..sha_bytes)
        .map(|_| {
            x ^= x << 13;
            x ^= x >> 17;
            x ^= x << 5;
            x as u8
        })
        .collect();
    vec![
        Workload {
            name: format!("fibonacci n={fib_n}"),
            program: build("fibonacci"),
            input: fib_n.to_le_bytes().to_vec(),
        },
        Workload {
            name: format!("sha256 {} KiB", sha_bytes >> 10),
            program: build("sha256"),
            input: data,
        },
    ]
}

/// Run once; returns (cycles, wall time). Segment records are dropped as they are produced,
/// so that recording costs what it costs a streaming prover, without holding every step.
fn run_once(w: &Workload, record: bool) -> (u64, Duration) {
    let opts = ExecOptions {
        record,
        cycle_limit: u64::MAX,
        ..ExecOptions::default()
    };
    let start = Instant::now();
    let exec = Executor::new(&w.program, w.input.clone(), opts)
        .run_with_segments(|seg: SegmentRecord| {
            std::hint::black_box(seg);
            Ok::<(), vouch_executor::ExecError>(())
        })
        .unwrap_or_else(|e| panic!("{} failed: {e}", w.name));
    let elapsed = start.elapsed();
    assert_eq!(
        exec.exit_code, 0,
        "{} exited with {}",
        w.name, exec.exit_code
    );
    (exec.cycles, elapsed)
}

fn median(mut xs: Vec<f64>) -> f64 {
    xs.sort_by(f64::total_cmp);
    let n = xs.len();
    if n % 2 == 1 {
        xs[n / 2]
    } else {
        (xs[n / 2 - 1] + xs[n / 2]) / 2.0
    }
}

fn main() {
    let args = parse_args();
    let workloads = workloads(args.quick);
    println!(
        "vouch executor throughput: median of {} run(s); host: {} ({})",
        args.runs,
        std::env::consts::ARCH,
        if cfg!(debug_assertions) {
            "debug build: numbers are meaningless"
        } else {
            "optimised build"
        }
    );
    println!();
    println!(
        "{:<24} {:<10} {:>14} {:>10} {:>14}",
        "workload", "recording", "cycles", "time", "instr/s"
    );
    for w in &workloads {
        for record in [false, true] {
            let mut secs = Vec::with_capacity(args.runs);
            let mut cycles = 0;
            for _ in 0..args.runs {
                let (c, t) = run_once(w, record);
                cycles = c;
                secs.push(t.as_secs_f64());
            }
            let t = median(secs);
            println!(
                "{:<24} {:<10} {:>14} {:>9.3}s {:>12.1} M",
                w.name,
                if record { "on" } else { "off" },
                cycles,
                t,
                cycles as f64 / t / 1e6
            );
        }
    }
}
