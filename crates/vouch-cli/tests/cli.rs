//! The `vouch` command end to end: `run` on real and broken programs, `new` + `build`,
//! `prove` + `verify` with tampered receipts.
//!
//! Every failure must be one line on stderr, `error: <reason>`, with a non-zero exit status
//! and no trace of a Rust panic in the host.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::sync::OnceLock;

use vouch_sdk::build::{build_guest, BuildOptions};
use vouch_testkit::{raw, reg, Asm};

/// The workspace root.
fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

/// Where guests built by tests go: shared with the examples' tests, so built once.
fn guest_target_dir() -> PathBuf {
    root().join("target/riscv-guests")
}

fn build(dir: &Path) -> PathBuf {
    let opts = BuildOptions {
        target_dir: Some(guest_target_dir()),
        quiet: true,
        ..BuildOptions::default()
    };
    build_guest(dir, &opts).unwrap_or_else(|e| panic!("building {} failed: {e}", dir.display()))
}

/// The fibonacci example's ELF, built once.
fn fibonacci_elf() -> &'static Path {
    static ELF: OnceLock<PathBuf> = OnceLock::new();
    ELF.get_or_init(|| build(&root().join("examples/fibonacci/guest")))
}

/// The panicking test guest's ELF, built once.
fn panic_elf() -> &'static Path {
    static ELF: OnceLock<PathBuf> = OnceLock::new();
    ELF.get_or_init(|| build(&panic_guest_dir()))
}

fn panic_guest_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/guests/panic")
}

/// Run the `vouch` binary, with backtraces requested so that a host panic would show one.
fn vouch(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_vouch"))
        .args(args)
        .env("RUST_BACKTRACE", "1")
        .output()
        .expect("the vouch binary runs")
}

fn stdout(out: &Output) -> String {
    String::from_utf8_lossy(&out.stdout).into_owned()
}

fn stderr(out: &Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}

fn assert_success(out: &Output) {
    assert!(
        out.status.success(),
        "vouch failed with {}\nstdout:\n{}\nstderr:\n{}",
        out.status,
        stdout(out),
        stderr(out)
    );
}

/// The failure contract: non-zero exit, exactly one stderr line `error: …` that contains
/// every one of `needles`, and nothing that looks like a panic of vouch itself.
fn assert_one_line_error(out: &Output, needles: &[&str]) -> String {
    let err = stderr(out);
    assert!(
        !out.status.success(),
        "vouch should have failed; stdout:\n{}\nstderr:\n{err}",
        stdout(out)
    );
    assert_eq!(out.status.code(), Some(1), "exit status; stderr:\n{err}");
    let lines: Vec<&str> = err.lines().collect();
    assert_eq!(lines.len(), 1, "expected one stderr line, got:\n{err}");
    let line = lines[0];
    assert!(line.starts_with("error: "), "not an `error:` line: {line}");
    for bad in [
        "backtrace",
        "RUST_BACKTRACE",
        "thread '",
        "panicked at 'src/",
        "internal error",
    ] {
        assert!(!line.contains(bad), "host panic leaked ({bad:?}): {line}");
    }
    for needle in needles {
        assert!(line.contains(needle), "{needle:?} missing from: {line}");
    }
    line.to_string()
}

/// Write `bytes` to a fresh file in `dir` and return its path as a string.
fn write_file(dir: &Path, name: &str, bytes: &[u8]) -> String {
    let path = dir.join(name);
    std::fs::write(&path, bytes).expect("write test file");
    path.to_str().expect("UTF-8 temp path").to_string()
}

// ---- POSITIVE: real programs ----

#[test]
fn run_fibonacci_prints_journal_exit_code_and_cycles() {
    let elf = fibonacci_elf().to_str().unwrap();
    let out = vouch(&["run", elf, "--input-hex", "0a000000"]);
    assert_success(&out);
    let text = stdout(&out);
    let lines: Vec<&str> = text.lines().collect();
    // fib(10) = 55 = 0x37, committed as a little-endian u32.
    assert_eq!(lines[0], "journal: 37000000", "stdout:\n{text}");
    assert_eq!(lines[1], "exit code: 0", "stdout:\n{text}");
    let cycles: u64 = lines[2]
        .strip_prefix("cycles: ")
        .and_then(|c| c.parse().ok())
        .unwrap_or_else(|| panic!("no cycle count in:\n{text}"));
    assert!(cycles > 10, "implausible cycle count {cycles}");
    assert!(stderr(&out).is_empty(), "stderr: {}", stderr(&out));
}

#[test]
fn run_fibonacci_json() {
    let elf = fibonacci_elf().to_str().unwrap();
    let out = vouch(&["run", elf, "--input-hex", "0x0a000000", "--json"]);
    assert_success(&out);
    let obj: serde_json::Value = serde_json::from_str(stdout(&out).trim()).expect("one JSON value");
    assert_eq!(obj["exit_code"], 0);
    assert_eq!(obj["journal_hex"], "37000000");
    assert!(obj["cycles"].as_u64().is_some_and(|c| c > 10), "{obj}");
    assert_eq!(obj["stdout"], "");
}

#[test]
fn run_fibonacci_input_file_matches_input_hex() {
    let dir = tempfile::tempdir().unwrap();
    let input = write_file(dir.path(), "n.bin", &20u32.to_le_bytes());
    let elf = fibonacci_elf().to_str().unwrap();
    let from_file = vouch(&["run", elf, "--input", &input, "--json"]);
    let from_hex = vouch(&["run", elf, "--input-hex", "14000000", "--json"]);
    assert_success(&from_file);
    assert_success(&from_hex);
    let a: serde_json::Value = serde_json::from_slice(&from_file.stdout).unwrap();
    let b: serde_json::Value = serde_json::from_slice(&from_hex.stdout).unwrap();
    assert_eq!(a, b);
    // fib(20) = 6765 = 0x1a6d.
    assert_eq!(a["journal_hex"], "6d1a0000");
}

#[test]
fn run_profile_names_guest_functions() {
    let elf = fibonacci_elf().to_str().unwrap();
    let out = vouch(&["run", elf, "--input-hex", "e8030000", "--profile"]);
    assert_success(&out);
    let text = stdout(&out);
    assert!(text.contains("function"), "no profile table:\n{text}");
    assert!(text.contains('%'), "no shares in the profile:\n{text}");
}

#[test]
fn guest_prints_reach_stdout() {
    let out = vouch(&[
        "run",
        panic_elf().to_str().unwrap(),
        "--input-hex",
        "04000000",
    ]);
    assert_success(&out);
    let text = stdout(&out);
    assert!(text.starts_with("checking 4\n"), "stdout:\n{text}");
    assert!(text.contains("journal: 04000000"), "stdout:\n{text}");
}

// ---- NEGATIVE: every failure is one line ----

#[test]
fn random_bytes_are_not_an_elf() {
    let dir = tempfile::tempdir().unwrap();
    let mut x: u32 = 0x1234_5678;
    let noise: Vec<u8> = (0..4096)
        .map(|_| {
            x ^= x << 13;
            x ^= x >> 17;
            x ^= x << 5;
            x as u8
        })
        .collect();
    let path = write_file(dir.path(), "noise.elf", &noise);
    assert_one_line_error(&vouch(&["run", &path]), &["not an ELF file"]);

    // The ELF magic followed by noise gets past the first check and into the parser.
    let mut magic_noise = b"\x7fELF\x01\x01\x01".to_vec();
    magic_noise.extend_from_slice(&noise);
    let path = write_file(dir.path(), "magic-noise.elf", &magic_noise);
    assert_one_line_error(&vouch(&["run", &path]), &["ELF"]);
}

#[test]
fn truncated_elf_is_rejected() {
    let dir = tempfile::tempdir().unwrap();
    let full = std::fs::read(fibonacci_elf()).unwrap();
    // Inside the identification bytes, inside the file header, inside the program headers,
    // and halfway through the segments.
    for len in [10, 40, 60, 100, full.len() / 2] {
        let path = write_file(dir.path(), &format!("cut-{len}.elf"), &full[..len]);
        assert_one_line_error(&vouch(&["run", &path]), &["ELF"]);
    }
    let path = write_file(dir.path(), "empty.elf", &[]);
    assert_one_line_error(&vouch(&["run", &path]), &["not an ELF file"]);
}

#[test]
fn missing_file_is_one_line() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("nope.elf");
    assert_one_line_error(
        &vouch(&["run", path.to_str().unwrap()]),
        &["cannot read", "nope.elf"],
    );
}

#[test]
fn bad_input_hex_is_one_line() {
    let elf = fibonacci_elf().to_str().unwrap();
    assert_one_line_error(
        &vouch(&["run", elf, "--input-hex", "xyz"]),
        &["--input-hex is not valid hex"],
    );
}

#[test]
fn illegal_instruction_is_one_line() {
    let dir = tempfile::tempdir().unwrap();
    let mut a = Asm::new();
    a.li(reg::T0, 7).addi(reg::T0, reg::T0, 1);
    let at = a.pc();
    a.word(raw::EBREAK).halt(0);
    let path = write_file(dir.path(), "ebreak.elf", &a.elf());
    let line = assert_one_line_error(
        &vouch(&["run", &path]),
        &[
            "illegal instruction",
            &format!("0x{at:08x}"),
            &format!("0x{:08x}", raw::EBREAK),
        ],
    );
    assert!(!line.contains('\n'));
}

#[test]
fn guest_panic_is_one_line_with_message_and_location() {
    let source = std::fs::read_to_string(panic_guest_dir().join("src/main.rs")).unwrap();
    let line_no = source
        .lines()
        .position(|l| l.contains("panic!(\"odd input"))
        .expect("the guest's panic! line")
        + 1;
    let out = vouch(&[
        "run",
        panic_elf().to_str().unwrap(),
        "--input-hex",
        "03000000",
    ]);
    assert_one_line_error(
        &out,
        &[
            "guest panicked",
            "odd input 3 is not allowed",
            &format!("src/main.rs:{line_no}:"),
        ],
    );
    // What the guest printed before panicking still reaches stdout.
    assert_eq!(stdout(&out), "checking 3\n");
}

#[test]
fn guest_panic_in_json_mode_is_still_an_error() {
    let out = vouch(&[
        "run",
        panic_elf().to_str().unwrap(),
        "--input-hex",
        "05000000",
        "--json",
    ]);
    assert_one_line_error(&out, &["guest panicked", "odd input 5"]);
    assert!(stdout(&out).is_empty(), "stdout: {}", stdout(&out));
}

#[test]
fn cycle_limit_stops_an_endless_loop() {
    let dir = tempfile::tempdir().unwrap();
    let mut a = Asm::new();
    let top = a.label_here();
    a.addi(reg::T0, reg::T0, 1).j(top);
    let path = write_file(dir.path(), "loop.elf", &a.elf());
    assert_one_line_error(
        &vouch(&["run", &path, "--cycle-limit", "5000"]),
        &["cycle limit of 5000 cycles", "--cycle-limit"],
    );
}

#[test]
fn cycle_limit_is_honoured_on_a_real_guest() {
    let elf = fibonacci_elf().to_str().unwrap();
    // fib(1000) takes a few thousand cycles: a limit of 100 stops it, the default does not.
    assert_one_line_error(
        &vouch(&[
            "run",
            elf,
            "--input-hex",
            "e8030000",
            "--cycle-limit",
            "100",
        ]),
        &["cycle limit of 100 cycles"],
    );
    assert_success(&vouch(&["run", elf, "--input-hex", "e8030000"]));
}

// ---- `vouch new` ----

/// `vouch new DIR [extra args]` and check the files; returns the temp dir holding the project.
fn new_project(name: &str, extra: &[&str]) -> (tempfile::TempDir, PathBuf) {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join(name);
    let mut args = vec!["new", dir.to_str().unwrap()];
    args.extend_from_slice(extra);
    let out = vouch(&args);
    assert_success(&out);
    for file in [
        "Cargo.toml",
        "host/Cargo.toml",
        "host/src/main.rs",
        "guest/Cargo.toml",
        "guest/src/main.rs",
    ] {
        assert!(dir.join(file).is_file(), "vouch new did not write {file}");
    }
    (tmp, dir)
}

#[test]
fn new_refuses_a_non_empty_directory() {
    let (_tmp, dir) = new_project("taken", &[]);
    assert_one_line_error(&vouch(&["new", dir.to_str().unwrap()]), &["already exists"]);
}

/// `vouch build <guest>` into the shared guest target directory; returns the ELF's path.
fn vouch_build(guest: &Path) -> String {
    let target = guest_target_dir();
    let out = vouch(&[
        "build",
        guest.to_str().unwrap(),
        "--target-dir",
        target.to_str().unwrap(),
    ]);
    assert_success(&out);
    let elf = stdout(&out).lines().last().unwrap_or_default().to_string();
    assert!(Path::new(&elf).is_file(), "vouch build printed {elf:?}");
    elf
}

/// The README's commands on a new project (a std guest using getrandom): `vouch new`,
/// `vouch build`, `vouch run`, `vouch prove`, `vouch verify`.
#[test]
fn new_project_guest_builds_runs_and_proves() {
    let (tmp, dir) = new_project("hello", &[]);
    let toolchain = std::fs::read_to_string(dir.join("guest/rust-toolchain.toml")).unwrap();
    assert!(
        toolchain.contains(vouch_sdk::build::STD_TOOLCHAIN),
        "{toolchain}"
    );
    let elf = vouch_build(&dir.join("guest"));
    assert!(
        elf.contains(vouch_sdk::build::STD_GUEST_TARGET),
        "a std guest is built for {}: {elf}",
        vouch_sdk::build::STD_GUEST_TARGET
    );

    let out = vouch(&["run", &elf, "--input-hex", "0a000000"]);
    assert_success(&out);
    let text = stdout(&out);
    // The template guest prints a line and commits the sum of squares 1..=10 = 385 = 0x181
    // as a little-endian u64.
    assert!(
        text.contains("computed the sum of squares up to 10 (6 different last digits)"),
        "{text}"
    );
    assert!(text.contains("journal: 8101000000000000"), "{text}");
    assert!(text.contains("exit code: 0"), "{text}");
    // The getrandom line goes to stderr.
    assert!(stderr(&out).contains(" done"), "{}", stderr(&out));

    // The template uses getrandom: refusing randomness stops it with a clear error.
    assert_one_line_error(
        &vouch(&["run", &elf, "--input-hex", "0a000000", "--no-random"]),
        &["asked for randomness", "--no-random"],
    );

    let receipt = tmp.path().join("r.proof");
    let receipt = receipt.to_str().unwrap();
    let out = vouch(&["prove", &elf, "--input-hex", "0a000000", "-o", receipt]);
    assert_success(&out);
    assert!(stdout(&out).contains("zero-knowledge"), "{}", stdout(&out));
    let out = vouch(&["verify", receipt, "--program", &elf]);
    assert_success(&out);
    assert!(
        stdout(&out).contains("journal: 8101000000000000"),
        "{}",
        stdout(&out)
    );
}

#[test]
fn new_no_std_project_guest_builds_and_runs() {
    let (_tmp, dir) = new_project("hello-no-std", &["--no-std"]);
    let source = std::fs::read_to_string(dir.join("guest/src/main.rs")).unwrap();
    assert!(source.contains("#![no_std]"), "{source}");
    let elf = vouch_build(&dir.join("guest"));
    assert!(elf.contains(vouch_sdk::build::GUEST_TARGET), "{elf}");

    let out = vouch(&["run", &elf, "--input-hex", "0a000000"]);
    assert_success(&out);
    let text = stdout(&out);
    assert!(
        text.contains("computed the sum of squares up to 10"),
        "{text}"
    );
    assert!(text.contains("journal: 8101000000000000"), "{text}");
}

/// The whole user journey: `vouch new`, then `cargo run --release` of the generated host,
/// which builds the guest, runs it, proves the run and verifies the receipt. The nested builds reuse target directories under the
/// workspace's `target/`, so only the new project's own crates compile after the first run
/// (the first compiles the SDK's dependencies, the prover's included: about two minutes on
/// two cores).
#[test]
fn new_project_host_runs_with_cargo() {
    let (_tmp, dir) = new_project("hello-host-run", &[]);
    // Start from the workspace's lock file, so that the project builds with the dependency
    // versions vouch is tested with (cargo drops the entries it does not need) and the
    // nested build needs no registry resolution.
    std::fs::copy(root().join("Cargo.lock"), dir.join("Cargo.lock")).unwrap();
    let mut cmd = Command::new(std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into()));
    cmd.current_dir(&dir)
        .args(["run", "--release", "--quiet", "-p", "hello-host-run-host"])
        .env("CARGO_TARGET_DIR", root().join("target/vouch-new-host"))
        .env("VOUCH_GUEST_TARGET_DIR", guest_target_dir());
    // What this test's own cargo set for the workspace build must not leak into the project's.
    for key in [
        "RUSTFLAGS",
        "CARGO_ENCODED_RUSTFLAGS",
        "CARGO_BUILD_RUSTFLAGS",
        "CARGO_BUILD_TARGET",
        "CARGO_MANIFEST_DIR",
    ] {
        cmd.env_remove(key);
    }
    let out = cmd.output().expect("cargo runs");
    assert_success(&out);
    let text = stdout(&out);
    assert!(
        text.contains("sum of squares 1..=10 = 385"),
        "unexpected output:\n{text}"
    );
    assert!(
        text.contains("proven and verified: 385"),
        "unexpected output:\n{text}"
    );
}

// ---- std guests: how they fail ----

/// The std-compat example guest (a std guest with a check per crate and fault modes), built
/// once.
fn std_compat_elf() -> &'static Path {
    static ELF: OnceLock<PathBuf> = OnceLock::new();
    ELF.get_or_init(|| build(&root().join("examples/std-compat/guest")))
}

/// `--input-hex` for the std-compat guest running `check`.
fn std_compat_input(check: &str) -> String {
    let input = vouch_sdk::Input::new()
        .write(&vec![check.to_string()])
        .unwrap();
    hex::encode(input.as_bytes())
}

/// `vouch run` and `vouch prove` of the std-compat guest on `check` both fail with one line
/// holding `needles`.
fn assert_std_fault(check: &str, needles: &[&str]) {
    let elf = std_compat_elf().to_str().unwrap();
    let input = std_compat_input(check);
    let run = assert_one_line_error(&vouch(&["run", elf, "--input-hex", &input]), needles);
    let dir = tempfile::tempdir().unwrap();
    let receipt = dir.path().join("r.proof");
    let prove = assert_one_line_error(
        &vouch(&[
            "prove",
            elf,
            "--input-hex",
            &input,
            "-o",
            receipt.to_str().unwrap(),
        ]),
        needles,
    );
    assert_eq!(run, prove, "vouch run and vouch prove disagree");
    assert!(!receipt.exists(), "a failed run left a receipt");
}

#[test]
fn std_guest_unbounded_recursion_is_a_stack_overflow() {
    assert_std_fault(
        "fault-stack",
        &["stack overflow", "8192 KiB stack", "use less stack"],
    );
}

#[test]
fn std_guest_allocating_1_gib_is_heap_exhaustion() {
    assert_std_fault(
        "fault-heap",
        &[
            "heap exhausted",
            "cannot allocate 1073741824 bytes",
            "the heap is",
        ],
    );
}

#[test]
fn std_guest_panic_has_message_and_location() {
    assert_std_fault(
        "fault-panic",
        &[
            "guest panicked: panicked at src/main.rs:",
            "the check failed: 1 != 2",
        ],
    );
}

// ---- PROVE AND VERIFY: tampered receipts ----

/// fib(n) mod 2^32 with fib(0) = 0, fib(1) = 1, natively.
fn fib(n: u32) -> u32 {
    let (mut a, mut b) = (0u32, 1u32);
    for _ in 0..n {
        (a, b) = (b, a.wrapping_add(b));
    }
    a
}

/// Issue 3's acceptance check: prove the Fibonacci example (n = 1000) with `vouch prove`,
/// verify it, then flip bytes of the receipt's program id, journal, exit code and proof, and
/// verify against another program: every one fails with one line and exit status 1.
#[test]
fn prove_verify_and_every_tampered_receipt_fails() {
    let elf = fibonacci_elf().to_str().unwrap();
    let tmp = tempfile::tempdir().unwrap();
    let receipt_path = tmp.path().join("fib.receipt");
    let receipt_path = receipt_path.to_str().unwrap();
    let input = hex::encode(1000u32.to_le_bytes());
    let journal = fib(1000).to_le_bytes();

    assert_success(&vouch(&[
        "prove",
        elf,
        "--input-hex",
        &input,
        "-o",
        receipt_path,
    ]));
    let out = vouch(&["verify", receipt_path, "--program", elf, "--json"]);
    assert_success(&out);
    let json: serde_json::Value = serde_json::from_str(&stdout(&out)).unwrap();
    assert_eq!(json["journal_hex"], hex::encode(journal), "{json}");
    assert_eq!(json["exit_code"], 0, "{json}");

    let out = vouch(&["program-id", elf]);
    assert_success(&out);
    let id = hex::decode(stdout(&out).trim()).unwrap();
    let out = vouch(&["verify", receipt_path, "--program-id", &hex::encode(&id)]);
    assert_success(&out);

    // The documented layout (docs/abi.md, receipt.rs): `VOUCHRCT`, version (u32 LE), then
    // bincode: version (varint), program id (32 bytes), journal (varint length + bytes),
    // exit code (varint), verifying key, proof. Check it before relying on the offsets.
    let honest = std::fs::read(receipt_path).unwrap();
    const ID: usize = 8 + 4 + 1;
    const JOURNAL: usize = ID + 32 + 1;
    const EXIT: usize = JOURNAL + 4;
    assert_eq!(&honest[..8], b"VOUCHRCT");
    assert_eq!(&honest[ID..ID + 32], &id[..]);
    assert_eq!(honest[JOURNAL - 1], 4, "journal length");
    assert_eq!(&honest[JOURNAL..EXIT], &journal);
    assert_eq!(honest[EXIT], 0, "exit code");

    let verify_tampered = |what: &str, at: usize, bytes: &[u8], needles: &[&str]| {
        let mut tampered = honest.clone();
        for (i, b) in bytes.iter().enumerate() {
            tampered[at + i] ^= b;
        }
        let path = write_file(tmp.path(), "tampered.receipt", &tampered);
        let line = assert_one_line_error(&vouch(&["verify", &path, "--program", elf]), needles);
        eprintln!("{what} (byte {at}): {line}");
    };
    verify_tampered("program id", ID + 5, &[0x01], &["program"]);
    verify_tampered("journal", JOURNAL, &[0x01], &["journal"]);
    // Exit code 0 -> 1 (a varint below 251 is one byte).
    verify_tampered("exit code", EXIT, &[0x01], &["exit code"]);
    // Bytes all over the verifying key and the proof.
    let len = honest.len();
    for at in [
        EXIT + 1,
        EXIT + 40,
        len / 4,
        len / 2,
        3 * len / 4,
        len - 9,
        len - 1,
    ] {
        verify_tampered("key or proof", at, &[0x10], &[]);
    }

    // The honest receipt against another program.
    let other = panic_elf().to_str().unwrap();
    assert_one_line_error(
        &vouch(&["verify", receipt_path, "--program", other]),
        &["not the expected"],
    );
}

/// `vouch prove --kind succinct`: one zero-knowledge proof of the run that `vouch verify`
/// accepts and reports as succinct and zero-knowledge; a flipped byte anywhere, or another
/// program, is rejected with one line.
#[test]
fn succinct_receipt_proves_verifies_and_tampering_fails() {
    let elf = fibonacci_elf().to_str().unwrap();
    let tmp = tempfile::tempdir().unwrap();
    let receipt_path = tmp.path().join("fib.succinct");
    let receipt_path = receipt_path.to_str().unwrap();
    let input = hex::encode(1000u32.to_le_bytes());
    let journal = fib(1000).to_le_bytes();
    let out = vouch(&[
        "prove",
        elf,
        "--input-hex",
        &input,
        "--kind",
        "succinct",
        "--json",
        "-o",
        receipt_path,
    ]);
    assert_success(&out);
    let json: serde_json::Value = serde_json::from_str(&stdout(&out)).unwrap();
    assert_eq!(json["kind"], "succinct", "{json}");
    assert_eq!(json["zk"], true, "{json}");
    eprintln!("{json}");

    let out = vouch(&["verify", receipt_path, "--program", elf, "--json"]);
    assert_success(&out);
    let json: serde_json::Value = serde_json::from_str(&stdout(&out)).unwrap();
    assert_eq!(json["kind"], "succinct", "{json}");
    assert_eq!(json["zk"], true, "{json}");
    assert_eq!(json["journal_hex"], hex::encode(journal), "{json}");
    let out = vouch(&["verify", receipt_path, "--program", elf]);
    assert_success(&out);
    assert!(stdout(&out).contains("zero-knowledge: yes"));

    let honest = std::fs::read(receipt_path).unwrap();
    let len = honest.len();
    for at in [
        0,
        9,
        13,
        40,
        200,
        len / 4,
        len / 2,
        3 * len / 4,
        len - 9,
        len - 1,
    ] {
        let mut tampered = honest.clone();
        tampered[at] ^= 0x10;
        let path = write_file(tmp.path(), "tampered.succinct", &tampered);
        let line = assert_one_line_error(&vouch(&["verify", &path, "--program", elf]), &[]);
        eprintln!("byte {at}: {line}");
    }
    let other = panic_elf().to_str().unwrap();
    assert_one_line_error(
        &vouch(&["verify", receipt_path, "--program", other]),
        &["another program"],
    );
    // A succinct receipt is always zero-knowledge.
    assert_one_line_error(
        &vouch(&[
            "prove",
            elf,
            "--kind",
            "succinct",
            "--no-zk",
            "-o",
            receipt_path,
        ]),
        &["--no-zk"],
    );
}
