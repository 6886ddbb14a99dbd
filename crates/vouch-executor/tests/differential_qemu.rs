//! Differential test against an independent RV32IM implementation: `qemu-riscv32`.
//!
//! Each seed gives a random program (see `vouch_testkit::random`) that initialises every
//! register, runs ~200 random instructions of every kind, then prints its scratch memory and
//! registers. The Linux variant runs under `qemu-riscv32` (Debian package `qemu-user`); the
//! vouch variant, identical up to its exit sequence, runs in the executor. Their outputs must
//! be equal byte for byte.
//!
//! `QEMU_RISCV32` overrides the emulator's path; `VOUCH_DIFF_SEED=N` runs only seed N;
//! `VOUCH_DIFF_PROGRAMS=N` changes the number of programs.
#![cfg(unix)]

use std::io::ErrorKind;
use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};
use std::process::Command;

use vouch_executor::{ExecOptions, Executor, Program};
use vouch_testkit::random::{
    describe_dump_difference, Exit, RandomConfig, RandomProgram, DUMP_LEN,
};

const DEFAULT_PROGRAMS: u64 = 300;
const FIRST_SEED: u64 = 0x766f_7563_6800_0000;

fn qemu_path() -> String {
    std::env::var("QEMU_RISCV32").unwrap_or_else(|_| "qemu-riscv32".to_string())
}

fn work_dir() -> PathBuf {
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join("differential-qemu");
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

/// Write an executable file (qemu-user refuses files without an execute bit).
fn write_executable(path: &Path, bytes: &[u8]) {
    std::fs::write(path, bytes).unwrap();
    std::fs::set_permissions(path, std::fs::Permissions::from_mode(0o755)).unwrap();
}

/// Run an ELF under qemu and return its standard output; it must exit with status 0.
fn run_qemu(path: &Path) -> Result<Vec<u8>, String> {
    let qemu = qemu_path();
    let out = match Command::new(&qemu).arg(path).output() {
        Ok(out) => out,
        Err(e) if e.kind() == ErrorKind::NotFound => panic!(
            "`{qemu}` was not found. This test compares the executor with qemu's RV32IM \
             emulator: install it with `apt-get install qemu-user` (Debian/Ubuntu; the \
             binary is qemu-riscv32), or point QEMU_RISCV32 at one."
        ),
        Err(e) => panic!("could not run `{qemu}`: {e}"),
    };
    if !out.status.success() {
        return Err(format!(
            "{qemu} failed ({}): {}{}",
            out.status,
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        ));
    }
    Ok(out.stdout)
}

/// Run the vouch variant in the executor; return what it wrote to stdout and its cycles.
fn run_vouch(elf: &[u8]) -> Result<(Vec<u8>, u64), String> {
    let program = Program::from_elf(elf).map_err(|e| format!("vouch refused the ELF: {e}"))?;
    let opts = ExecOptions {
        cycle_limit: 1_000_000,
        ..ExecOptions::default()
    };
    let exec = Executor::new(&program, Vec::new(), opts)
        .run()
        .map_err(|e| format!("vouch stopped: {e}"))?;
    if exec.exit_code != 0 {
        return Err(format!("vouch exit code {}", exec.exit_code));
    }
    Ok((exec.stdout, exec.cycles))
}

/// Compare one seed; on a difference, keep both ELFs and return a report.
fn compare(seed: u64, config: &RandomConfig, dir: &Path) -> Result<u64, String> {
    let program = RandomProgram::generate(seed, config);
    let linux_elf = program.elf(Exit::Linux);
    let vouch_elf = program.elf(Exit::Vouch);
    let linux_path = dir.join(format!("seed-{seed:#x}-linux.elf"));
    write_executable(&linux_path, &linux_elf);
    let outcome = run_qemu(&linux_path).and_then(|expected| {
        let (actual, cycles) = run_vouch(&vouch_elf)?;
        match describe_dump_difference(program.scratch, ("qemu", &expected), ("vouch", &actual)) {
            None => Ok(cycles),
            Some(diff) => Err(diff),
        }
    });
    match outcome {
        Ok(cycles) => {
            let _ = std::fs::remove_file(&linux_path);
            Ok(cycles)
        }
        Err(diff) => {
            let vouch_path = dir.join(format!("seed-{seed:#x}-vouch.elf"));
            write_executable(&vouch_path, &vouch_elf);
            Err(format!(
                "seed {seed:#x}: {diff}\n  ELFs kept: {} and {}\n  rerun: VOUCH_DIFF_SEED={seed:#x} \
                 cargo test -p vouch-executor --test differential_qemu\n{}",
                linux_path.display(),
                vouch_path.display(),
                program.asm(Exit::Vouch).listing()
            ))
        }
    }
}

fn parse_u64(s: &str) -> u64 {
    match s.strip_prefix("0x") {
        Some(hex) => u64::from_str_radix(hex, 16),
        None => s.parse(),
    }
    .unwrap_or_else(|e| panic!("bad number {s:?}: {e}"))
}

#[test]
fn random_programs_match_qemu() {
    let config = RandomConfig::default();
    let seeds: Vec<u64> = match std::env::var("VOUCH_DIFF_SEED") {
        Ok(seed) => vec![parse_u64(&seed)],
        Err(_) => {
            let n =
                std::env::var("VOUCH_DIFF_PROGRAMS").map_or(DEFAULT_PROGRAMS, |s| parse_u64(&s));
            (0..n).map(|i| FIRST_SEED + i).collect()
        }
    };
    let dir = work_dir();
    // Two workers: qemu start-up dominates, and CI has two cores.
    let results: Vec<Result<u64, String>> = std::thread::scope(|s| {
        let chunks: Vec<&[u64]> = seeds.chunks(seeds.len().div_ceil(2).max(1)).collect();
        let handles: Vec<_> = chunks
            .into_iter()
            .map(|chunk| {
                let (config, dir) = (&config, &dir);
                s.spawn(move || {
                    chunk
                        .iter()
                        .map(|&seed| compare(seed, config, dir))
                        .collect::<Vec<_>>()
                })
            })
            .collect();
        handles
            .into_iter()
            .flat_map(|h| h.join().unwrap())
            .collect()
    });
    let failures: Vec<&String> = results.iter().filter_map(|r| r.as_ref().err()).collect();
    let cycles: u64 = results.iter().filter_map(|r| r.as_ref().ok()).sum();
    assert!(
        failures.is_empty(),
        "{} of {} random programs differ from qemu; the first:\n{}",
        failures.len(),
        seeds.len(),
        failures[0]
    );
    // The programs did run their bodies (each is ~200 random instructions, some looped).
    assert!(
        cycles >= seeds.len() as u64 * u64::from(config.body_len as u32),
        "only {cycles} cycles over {} programs",
        seeds.len()
    );
}

#[test]
fn the_dump_covers_registers_and_memory() {
    // SANITY for the harness: a program's output depends on its seed, and carries the
    // register values and the scratch area.
    let config = RandomConfig::default();
    let a = RandomProgram::generate(1, &config);
    let b = RandomProgram::generate(2, &config);
    let (out_a, _) = run_vouch(&a.elf(Exit::Vouch)).unwrap();
    let (out_b, _) = run_vouch(&b.elf(Exit::Vouch)).unwrap();
    assert_eq!(out_a.len(), DUMP_LEN as usize);
    assert_ne!(out_a, out_b);
    let regs = &out_a[out_a.len() - 128..];
    assert!(
        regs[4..].iter().any(|&b| b != 0),
        "register slots are filled"
    );
    // And a difference is named precisely.
    let mut changed = out_a.clone();
    changed[out_a.len() - 128 + 4 * 10] ^= 1;
    let msg = describe_dump_difference(a.scratch, ("qemu", &out_a), ("vouch", &changed)).unwrap();
    assert!(msg.starts_with("register x10 (a0)"), "{msg}");
}
