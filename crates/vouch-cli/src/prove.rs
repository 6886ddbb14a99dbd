//! `vouch prove`, `vouch verify`, `vouch program-id`.

use std::io::IsTerminal;
use std::path::PathBuf;
use std::time::{Duration, Instant};

use clap::Args;
use vouch_sdk::{Phase, Program, ProgramId, ProveOptions, Prover, Receipt, MAX_RECEIPT_BYTES};
use vouch_succinct::receipt::{SuccinctOptions, SuccinctReceipt};

use crate::input::InputArgs;
use crate::Failure;

#[derive(Args)]
pub struct ProveArgs {
    /// The guest ELF executable.
    elf: PathBuf,
    #[command(flatten)]
    input: InputArgs,
    /// Where to write the receipt.
    #[arg(short, long)]
    output: PathBuf,
    /// Prove without zero knowledge (faster; the proof may reveal information about the
    /// private input). The receipt records which mode was used.
    #[arg(long)]
    no_zk: bool,
    /// Print one JSON object instead of text.
    #[arg(long)]
    json: bool,
    /// Stop after this many cycles.
    #[arg(long, default_value_t = vouch_sdk::ExecuteOptions::default().cycle_limit)]
    cycle_limit: u64,
    /// Refuse the guest random words: proving a guest that asks for randomness (getrandom,
    /// std's HashMap::new) fails.
    #[arg(long)]
    no_random: bool,
    /// Longest segment in cycles (at most 2^22): longer executions are proven segment by
    /// segment, in memory that depends on this number only.
    #[arg(long, default_value_t = ProveOptions::default().segment_cycles)]
    segment_cycles: u32,
    /// Segments to prove at the same time (each proof already uses every core; more jobs
    /// need more memory).
    #[arg(long, default_value_t = 1)]
    jobs: usize,
    /// The receipt: `composite` (one proof per segment) or `succinct` (one zero-knowledge
    /// proof of the whole run, the same size for any length; segments of at most 2^20
    /// cycles, programs of at most 2^16 instructions).
    #[arg(long, value_enum, default_value_t = Kind::Composite)]
    kind: Kind,
}

/// What `vouch prove` writes.
#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum Kind {
    Composite,
    Succinct,
}

#[derive(Args)]
pub struct VerifyArgs {
    /// The receipt file.
    receipt: PathBuf,
    /// The program's ELF (its id is computed from it).
    #[arg(
        long,
        conflicts_with = "program_id",
        required_unless_present = "program_id"
    )]
    program: Option<PathBuf>,
    /// The program's id, as hex.
    #[arg(long)]
    program_id: Option<String>,
    /// Print one JSON object instead of text.
    #[arg(long)]
    json: bool,
}

#[derive(Args)]
pub struct ProgramIdArgs {
    /// The guest ELF executable.
    elf: PathBuf,
}

pub fn prove(args: ProveArgs) -> Result<(), Failure> {
    let program = Program::load(&args.elf)?;
    let input = args.input.read()?;
    if args.kind == Kind::Succinct {
        return prove_succinct(&args, &program, &input);
    }
    let opts = ProveOptions {
        zk: !args.no_zk,
        cycle_limit: args.cycle_limit,
        segment_cycles: args.segment_cycles,
        jobs: args.jobs,
        ..ProveOptions::default()
    };
    let progress = ProgressDisplay::new(!args.json && std::io::stderr().is_terminal());
    let start = Instant::now();
    let info = Prover::with_options(opts)
        .with_random(!args.no_random)
        .prove_with_progress(&program, &input, &|p| progress.update(p));
    progress.finish();
    let info = info?;
    let total = start.elapsed();
    let bytes = info.receipt.to_bytes()?;
    std::fs::write(&args.output, &bytes)
        .map_err(|e| Failure(format!("cannot write {}: {e}", args.output.display())))?;
    let r = &info.receipt;
    let s = &info.stats;
    if args.json {
        let obj = serde_json::json!({
            "program_id": r.program_id.to_hex(),
            "journal_hex": hex::encode(&r.journal),
            "exit_code": r.exit_code,
            "cycles": s.cycles,
            "kind": "composite",
            "segments": r.proof.segments(),
            "zk": r.proof.is_zk(),
            "receipt_bytes": bytes.len(),
            "receipt": args.output.display().to_string(),
            "execute_seconds": s.execute.as_secs_f64(),
            "trace_seconds": s.trace.as_secs_f64(),
            "prove_seconds": s.prove.as_secs_f64(),
            "total_seconds": total.as_secs_f64(),
        });
        println!("{obj}");
    } else {
        println!("program id: {}", r.program_id);
        println!("journal: {}", hex::encode(&r.journal));
        println!("exit code: {}", r.exit_code);
        println!("cycles: {}", s.cycles);
        println!("segments: {}", r.proof.segments());
        println!(
            "receipt: {} ({}, {} KiB)",
            args.output.display(),
            if r.proof.is_zk() {
                "zero-knowledge"
            } else {
                "not zero-knowledge"
            },
            bytes.len().div_ceil(1024)
        );
        println!(
            "time: {} (execute {}, trace {}, prove {})",
            secs(total),
            secs(s.execute),
            secs(s.trace),
            secs(s.prove)
        );
    }
    Ok(())
}

/// `vouch prove --kind succinct`: segments, lifts, joins and the final proof.
fn prove_succinct(args: &ProveArgs, program: &Program, input: &[u8]) -> Result<(), Failure> {
    if args.no_zk {
        return Err(Failure(
            "--no-zk: a succinct receipt is always zero-knowledge (its final proof hides the \
             run); drop --no-zk or use --kind composite"
                .into(),
        ));
    }
    if args.no_random {
        // As `Prover::with_random(false)`: a run that refuses random words shows the guest
        // does not ask for any, and the proven run is then the same.
        program.execute_with(
            input,
            &vouch_sdk::ExecuteOptions {
                cycle_limit: args.cycle_limit,
                random: false,
                ..vouch_sdk::ExecuteOptions::default()
            },
        )?;
    }
    let opts = SuccinctOptions {
        segment_cycles: args.segment_cycles,
        cycle_limit: args.cycle_limit,
    };
    let elf = std::fs::read(&args.elf)
        .map_err(|e| Failure(format!("cannot read {}: {e}", args.elf.display())))?;
    let start = Instant::now();
    let show = !args.json && std::io::stderr().is_terminal();
    let (receipt, s) = vouch_succinct::receipt::prove_elf(&elf, input, &opts, &|what| {
        if show {
            eprintln!("{:>8.1} s  {what}", start.elapsed().as_secs_f64());
        }
    })?;
    let total = start.elapsed();
    let bytes = receipt.to_bytes()?;
    std::fs::write(&args.output, &bytes)
        .map_err(|e| Failure(format!("cannot write {}: {e}", args.output.display())))?;
    let id = program.program_id()?;
    if args.json {
        let obj = serde_json::json!({
            "program_id": id.to_hex(),
            "journal_hex": hex::encode(&receipt.journal),
            "exit_code": receipt.exit_code,
            "cycles": s.cycles,
            "kind": "succinct",
            "segments": s.segments,
            "zk": true,
            "receipt_bytes": bytes.len(),
            "receipt": args.output.display().to_string(),
            "segments_seconds": s.segment_proofs.as_secs_f64(),
            "lifts_seconds": s.lifts.as_secs_f64(),
            "joins_seconds": s.joins.as_secs_f64(),
            "final_seconds": s.final_proof.as_secs_f64(),
            "total_seconds": total.as_secs_f64(),
        });
        println!("{obj}");
    } else {
        println!("program id: {id}");
        println!("journal: {}", hex::encode(&receipt.journal));
        println!("exit code: {}", receipt.exit_code);
        println!("cycles: {}", s.cycles);
        println!("segments: {}", s.segments);
        println!(
            "receipt: {} (succinct, zero-knowledge, {} KiB)",
            args.output.display(),
            bytes.len().div_ceil(1024)
        );
        println!(
            "time: {} (segments {}, lifts {}, joins {}, final {})",
            secs(total),
            secs(s.segment_proofs),
            secs(s.lifts),
            secs(s.joins),
            secs(s.final_proof)
        );
    }
    Ok(())
}

/// What `vouch verify` reports of a receipt that verified.
struct Verified {
    journal: Vec<u8>,
    exit_code: u32,
    kind: &'static str,
    /// Segment proofs (composite receipts).
    segments: Option<usize>,
    zk: bool,
    took: Duration,
}

/// Verify `bytes` as the receipt kind its header names.
fn verify_bytes(bytes: &[u8], expected: ProgramId) -> Result<Verified, Failure> {
    if SuccinctReceipt::is_succinct(bytes) {
        let receipt = SuccinctReceipt::from_bytes(bytes)?;
        let start = Instant::now();
        receipt.verify(expected)?;
        return Ok(Verified {
            took: start.elapsed(),
            journal: receipt.journal,
            exit_code: receipt.exit_code,
            kind: "succinct",
            segments: None,
            zk: true,
        });
    }
    let receipt = Receipt::from_bytes(bytes)?;
    let start = Instant::now();
    receipt.verify(expected)?;
    Ok(Verified {
        took: start.elapsed(),
        segments: Some(receipt.proof.segments()),
        zk: receipt.proof.is_zk(),
        journal: receipt.journal,
        exit_code: receipt.exit_code,
        kind: "composite",
    })
}

pub fn verify(args: VerifyArgs) -> Result<(), Failure> {
    let expected = match (&args.program, &args.program_id) {
        (Some(elf), _) => Program::load(elf)?.program_id()?,
        (None, Some(hex)) => ProgramId::from_hex(hex)?,
        (None, None) => return Err(Failure("pass --program <elf> or --program-id <hex>".into())),
    };
    // The size first: a receipt larger than any the verifier accepts is not read at all.
    let cannot_read =
        |e: std::io::Error| Failure(format!("cannot read {}: {e}", args.receipt.display()));
    let len = std::fs::metadata(&args.receipt).map_err(cannot_read)?.len();
    if len > MAX_RECEIPT_BYTES as u64 {
        return Err(Failure(format!(
            "{} is {len} bytes, larger than any receipt ({MAX_RECEIPT_BYTES} bytes at most)",
            args.receipt.display()
        )));
    }
    let bytes = std::fs::read(&args.receipt).map_err(cannot_read)?;
    let v = verify_bytes(&bytes, expected)?;
    if args.json {
        let mut obj = serde_json::json!({
            "valid": true,
            "program_id": expected.to_hex(),
            "journal_hex": hex::encode(&v.journal),
            "exit_code": v.exit_code,
            "kind": v.kind,
            "zk": v.zk,
            "verify_seconds": v.took.as_secs_f64(),
        });
        if let Some(segments) = v.segments {
            obj["segments"] = segments.into();
        }
        println!("{obj}");
    } else {
        println!("verified: program {expected}");
        println!("journal: {}", hex::encode(&v.journal));
        println!("exit code: {}", v.exit_code);
        println!("kind: {}", v.kind);
        println!("zero-knowledge: {}", if v.zk { "yes" } else { "no" });
    }
    Ok(())
}

pub fn program_id(args: ProgramIdArgs) -> Result<(), Failure> {
    println!("{}", Program::load(&args.elf)?.program_id()?);
    Ok(())
}

fn secs(d: Duration) -> String {
    format!("{:.2} s", d.as_secs_f64())
}

/// Progress on stderr when it is a terminal: the phase, segments proven of total, cycles,
/// elapsed time and an estimate of the time left.
struct ProgressDisplay {
    bar: Option<indicatif::ProgressBar>,
}

impl ProgressDisplay {
    fn new(enabled: bool) -> Self {
        let bar = enabled.then(|| {
            let bar = indicatif::ProgressBar::new(1);
            let template = "{spinner} {msg} [{elapsed_precise}, eta {eta}] segments {pos}/{len}";
            if let Ok(style) = indicatif::ProgressStyle::with_template(template) {
                bar.set_style(style);
            }
            bar.enable_steady_tick(Duration::from_millis(120));
            bar
        });
        Self { bar }
    }

    fn update(&self, p: vouch_sdk::Progress) {
        let Some(bar) = &self.bar else { return };
        if p.segments > 0 {
            bar.set_length(p.segments as u64);
            bar.set_position(p.segment as u64);
        }
        let phase = match p.phase {
            Phase::Execute => "executing",
            Phase::Trace => "generating traces",
            Phase::Prove => "committing and proving",
        };
        if p.cycles > 0 {
            bar.set_message(format!("{} cycles: {phase}", p.cycles));
        } else {
            bar.set_message(phase);
        }
    }

    fn finish(&self) {
        if let Some(bar) = &self.bar {
            bar.finish_and_clear();
        }
    }
}
