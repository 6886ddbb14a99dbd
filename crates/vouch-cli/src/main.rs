//! `vouch`: create, build, run, prove and verify guest programs.
//!
//! Every failure prints one line, `error: <reason>`, on stderr and exits with status 1.

mod bench;
mod input;
mod new;
mod prove;
mod run;

use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Args, Parser, Subcommand};

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
pub static malloc_conf: &[u8; 47] = b"thp:always,dirty_decay_ms:-1,muzzy_decay_ms:-1\0";

#[derive(Parser)]
#[command(
    name = "vouch",
    version,
    about = "A zero-knowledge virtual machine for RISC-V programs"
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Create a new project: a host crate and a guest crate.
    New(new::NewArgs),
    /// Build a guest crate into a RISC-V ELF and print its path.
    Build(BuildArgs),
    /// Execute a guest ELF (no proof): print its journal, exit code and cycle count.
    Run(run::RunArgs),
    /// Execute a guest ELF and prove it: write a receipt.
    Prove(prove::ProveArgs),
    /// Check a receipt against a program; print its journal.
    Verify(prove::VerifyArgs),
    /// Print a program's id (the hash of its verifying key).
    ProgramId(prove::ProgramIdArgs),
    /// Benchmark the prover on the example guests (run from a source checkout, release build).
    Bench(bench::BenchArgs),
    /// One benchmark measurement (used by `vouch bench`).
    #[command(hide = true)]
    BenchOne(bench::BenchOneArgs),
}

#[derive(Args)]
struct BuildArgs {
    /// The guest crate's directory.
    #[arg(default_value = ".")]
    guest_dir: PathBuf,
    /// Cargo target directory for the guest build.
    #[arg(long)]
    target_dir: Option<PathBuf>,
    /// Build the guest in debug mode (slow guests).
    #[arg(long)]
    debug: bool,
}

/// A user-facing failure: one line.
pub struct Failure(String);

impl<E: std::fmt::Display> From<E> for Failure {
    fn from(e: E) -> Self {
        Failure(e.to_string())
    }
}

fn main() -> ExitCode {
    // A panic is a bug in vouch, not the user's mistake: say so in one line, no backtrace.
    std::panic::set_hook(Box::new(|info| {
        eprintln!("error: internal error in vouch (please report it): {info}");
    }));
    let cli = Cli::parse();
    let result = match cli.command {
        Command::New(args) => new::run(args),
        Command::Build(args) => build(args),
        Command::Run(args) => run::run(args),
        Command::Prove(args) => prove::prove(args),
        Command::Verify(args) => prove::verify(args),
        Command::ProgramId(args) => prove::program_id(args),
        Command::Bench(args) => bench::bench(args),
        Command::BenchOne(args) => bench::bench_one(args),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(Failure(msg)) => {
            eprintln!("error: {}", one_line(&msg));
            ExitCode::FAILURE
        }
    }
}

fn build(args: BuildArgs) -> Result<(), Failure> {
    let opts = vouch_sdk::build::BuildOptions {
        target_dir: args.target_dir,
        debug: args.debug,
        ..Default::default()
    };
    let elf = vouch_sdk::build::build_guest(&args.guest_dir, &opts)?;
    println!("{}", elf.display());
    Ok(())
}

/// Collapse a multi-line message (e.g. a guest panic) into one line.
fn one_line(msg: &str) -> String {
    msg.split('\n')
        .map(str::trim)
        .filter(|l| !l.is_empty())
        .collect::<Vec<_>>()
        .join(" ")
}
