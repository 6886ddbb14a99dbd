//! `vouch bench`: prover benchmarks on the example guests.
//!
//! Each measurement runs in a child process (`vouch bench-one`), so that its peak memory is its
//! own. Build with `--release` (the default profile for `cargo run --release -p vouch-cli`).

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Instant;

use clap::Args;
use vouch_sdk::{Input, Program, ProveOptions, Prover};

use crate::Failure;

#[derive(Args)]
pub struct BenchArgs {
    /// Only the smallest Fibonacci and SHA-256 workloads.
    #[arg(long)]
    quick: bool,
    /// Which proof modes to measure.
    #[arg(long, value_parser = ["on", "off", "both"], default_value = "both")]
    zk: String,
    /// Also prove long Fibonacci runs, 2^22 and 2^24 cycles (4 and 16 segments of the default
    /// size; about 3 and 12 minutes with zero knowledge on two cores).
    #[arg(long)]
    large: bool,
    /// Prove Fibonacci at about 2^K cycles instead of the default sizes (repeatable), e.g.
    /// `--fib 26` for a 64-segment run.
    #[arg(long = "fib", value_name = "K", value_parser = clap::value_parser!(u32).range(12..=30))]
    fib: Vec<u32>,
    /// Longest segment, in cycles (default: the prover's).
    #[arg(long)]
    segment_cycles: Option<u32>,
    /// Segments proven at the same time.
    #[arg(long, default_value_t = 1)]
    jobs: usize,
    /// Print one JSON object per measurement instead of a table.
    #[arg(long)]
    json: bool,
    /// Also prove each Fibonacci workload as a succinct receipt (the `zk` column says `suc`;
    /// at least ~75 s each on two cores).
    #[arg(long)]
    succinct: bool,
}

#[derive(Args)]
pub struct BenchOneArgs {
    elf: PathBuf,
    input_hex: String,
    #[arg(long)]
    no_zk: bool,
    #[arg(long)]
    segment_cycles: Option<u32>,
    #[arg(long, default_value_t = 1)]
    jobs: usize,
    /// Prove a succinct receipt.
    #[arg(long)]
    succinct: bool,
}

/// One workload: a name, a guest and its input.
struct Workload {
    name: String,
    guest: &'static str,
    input: Vec<u8>,
}

/// Fibonacci's input for about `2^log_cycles` cycles (about 5 cycles per iteration after a
/// fixed ~5.1k for start-up and the journal digest).
fn fib_input(log_cycles: u32) -> Result<Vec<u8>, Failure> {
    let n = ((1u64 << log_cycles).saturating_sub(5136) / 5) as u32;
    Ok(Input::new().write(&n)?.as_bytes().to_vec())
}

pub fn bench(args: BenchArgs) -> Result<(), Failure> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../..");
    let mut workloads = Vec::new();
    let mut logs: Vec<u32> = match (args.fib.is_empty(), args.quick) {
        (false, _) => args.fib.clone(),
        (true, true) => vec![16],
        (true, false) => vec![16, 18, 20],
    };
    if args.large {
        logs.extend([22, 24]);
    }
    for k in logs {
        workloads.push(Workload {
            name: format!("fibonacci 2^{k}"),
            guest: "fibonacci",
            input: fib_input(k)?,
        });
    }
    if args.fib.is_empty() {
        workloads.push(Workload {
            name: "sha256 1 KiB".into(),
            guest: "sha256",
            input: vec![0x5a; 1024],
        });
    }
    // (zero knowledge, succinct)
    let mut modes: Vec<(bool, bool)> = match args.zk.as_str() {
        "on" => vec![(true, false)],
        "off" => vec![(false, false)],
        _ => vec![(true, false), (false, false)],
    };
    if args.succinct {
        modes.push((true, true));
    }
    let exe = std::env::current_exe()
        .map_err(|e| Failure(format!("cannot find the vouch binary: {e}")))?;
    if !args.json {
        println!(
            "vouch bench: {} cores, SIMD packing {}, {} build",
            std::thread::available_parallelism().map_or(1, |n| n.get()),
            vouch_stark::packing(),
            if cfg!(debug_assertions) {
                "DEBUG (numbers meaningless)"
            } else {
                "release"
            }
        );
        println!(
            "{:<16} {:>3} {:>10} {:>4} {:>9} {:>10} {:>9} {:>9} {:>9} {:>10}",
            "workload",
            "zk",
            "cycles",
            "segs",
            "prove s",
            "cycles/s",
            "peak RSS",
            "proof",
            "verify",
            "cells/cyc"
        );
    }
    for w in &workloads {
        let opts = vouch_sdk::build::BuildOptions {
            target_dir: Some(root.join("target/riscv-guests")),
            quiet: true,
            ..Default::default()
        };
        let elf = vouch_sdk::build::build_guest(
            root.join("examples").join(w.guest).join("guest"),
            &opts,
        )?;
        for &(zk, succinct) in &modes {
            if succinct && w.guest != "fibonacci" {
                continue;
            }
            let mut cmd = Command::new(&exe);
            cmd.arg("bench-one").arg(&elf).arg(hex::encode(&w.input));
            if !zk {
                cmd.arg("--no-zk");
            }
            if succinct {
                cmd.arg("--succinct");
            }
            if let Some(cycles) = args.segment_cycles {
                cmd.arg("--segment-cycles").arg(cycles.to_string());
            }
            cmd.arg("--jobs").arg(args.jobs.to_string());
            let out = cmd
                .output()
                .map_err(|e| Failure(format!("cannot run {}: {e}", exe.display())))?;
            if !out.status.success() {
                return Err(Failure(format!(
                    "{} ({}): {}",
                    w.name,
                    match (zk, succinct) {
                        (_, true) => "succinct",
                        (true, _) => "zk",
                        _ => "no zk",
                    },
                    String::from_utf8_lossy(&out.stderr).trim()
                )));
            }
            let line = String::from_utf8_lossy(&out.stdout);
            let v: serde_json::Value = serde_json::from_str(line.trim())?;
            if args.json {
                let mut v = v;
                v["workload"] = w.name.clone().into();
                println!("{v}");
                continue;
            }
            let f = |k: &str| v[k].as_f64().unwrap_or(0.0);
            println!(
                "{:<16} {:>3} {:>10} {:>4} {:>9.2} {:>10.0} {:>7.2} G {:>6} KiB {:>6.1} ms {:>10.0}",
                w.name,
                match (zk, succinct) {
                    (_, true) => "suc",
                    (true, _) => "on",
                    _ => "off",
                },
                f("cycles"),
                f("segments"),
                f("prove_seconds"),
                f("cycles") / f("prove_seconds").max(1e-9),
                f("peak_rss_bytes") / (1u64 << 30) as f64,
                (f("proof_bytes") / 1024.0).ceil(),
                f("verify_ms"),
                f("cells_per_cycle"),
            );
        }
    }
    Ok(())
}

/// Prove once, verify (median of five), report as one JSON line.
pub fn bench_one(args: BenchOneArgs) -> Result<(), Failure> {
    if args.succinct {
        return bench_one_succinct(&args);
    }
    let program = Program::load(&args.elf)?;
    let input = hex::decode(&args.input_hex)?;
    program.program_id()?; // key generation is not part of proving time
    let defaults = ProveOptions::default();
    let opts = ProveOptions {
        zk: !args.no_zk,
        segment_cycles: args.segment_cycles.unwrap_or(defaults.segment_cycles),
        jobs: args.jobs,
        ..defaults
    };
    let segment_cycles = opts.segment_cycles;
    let start = Instant::now();
    let info = Prover::with_options(opts).prove_with_progress(&program, &input, &|_| {})?;
    let prove = start.elapsed();
    let bytes = info.receipt.to_bytes()?;
    let id = program.program_id()?;
    let mut verify_ms = Vec::new();
    for _ in 0..5 {
        let receipt = vouch_sdk::Receipt::from_bytes(&bytes)?;
        let t = Instant::now();
        receipt.verify(id)?;
        verify_ms.push(t.elapsed().as_secs_f64() * 1e3);
    }
    verify_ms.sort_by(f64::total_cmp);
    let obj = serde_json::json!({
        "kind": "composite",
        "cycles": info.stats.cycles,
        "segments": info.stats.segments,
        "segment_cycles": segment_cycles,
        "zk": !args.no_zk,
        "prove_seconds": prove.as_secs_f64(),
        "execute_seconds": info.stats.execute.as_secs_f64(),
        "trace_seconds": info.stats.trace.as_secs_f64(),
        "proof_bytes": bytes.len(),
        "verify_ms": verify_ms[2],
        "peak_rss_bytes": peak_rss_bytes(),
        "cells_per_cycle": info.stats.cells_per_cycle(),
        "packing": vouch_stark::packing(),
        "tables": info.stats.tables.iter().map(|t| serde_json::json!({
            "chip": t.name, "rows": t.rows, "height": t.height, "main": t.width, "logup": t.aux_width,
        })).collect::<Vec<_>>(),
    });
    println!("{obj}");
    Ok(())
}

/// As [`bench_one`], for a succinct receipt: the time split by layer, no table statistics.
fn bench_one_succinct(args: &BenchOneArgs) -> Result<(), Failure> {
    use vouch_succinct::receipt::{prove_elf, SuccinctOptions, SuccinctReceipt};
    let program = Program::load(&args.elf)?;
    let id = program.program_id()?;
    let elf = std::fs::read(&args.elf)
        .map_err(|e| Failure(format!("cannot read {}: {e}", args.elf.display())))?;
    let input = hex::decode(&args.input_hex)?;
    let opts = SuccinctOptions {
        segment_cycles: args
            .segment_cycles
            .unwrap_or(SuccinctOptions::default().segment_cycles),
        ..SuccinctOptions::default()
    };
    let start = Instant::now();
    let (receipt, s) = prove_elf(&elf, &input, &opts, &|_| {})?;
    let prove = start.elapsed();
    let bytes = receipt.to_bytes()?;
    let mut verify_ms = Vec::new();
    for _ in 0..5 {
        let receipt = SuccinctReceipt::from_bytes(&bytes)?;
        let t = Instant::now();
        receipt.verify(id)?;
        verify_ms.push(t.elapsed().as_secs_f64() * 1e3);
    }
    verify_ms.sort_by(f64::total_cmp);
    let obj = serde_json::json!({
        "kind": "succinct",
        "cycles": s.cycles,
        "segments": s.segments,
        "segment_cycles": opts.segment_cycles,
        "zk": true,
        "prove_seconds": prove.as_secs_f64(),
        "segments_seconds": s.segment_proofs.as_secs_f64(),
        "lifts_seconds": s.lifts.as_secs_f64(),
        "joins_seconds": s.joins.as_secs_f64(),
        "final_seconds": s.final_proof.as_secs_f64(),
        "proof_bytes": bytes.len(),
        "verify_ms": verify_ms[2],
        "peak_rss_bytes": peak_rss_bytes(),
        "packing": vouch_stark::packing(),
    });
    println!("{obj}");
    Ok(())
}

/// This process's peak resident memory (Linux `VmHWM`), 0 where unknown.
fn peak_rss_bytes() -> u64 {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with("VmHWM:"))
                .and_then(|l| l.split_whitespace().nth(1))
                .and_then(|kb| kb.parse::<u64>().ok())
        })
        .map_or(0, |kb| kb * 1024)
}
