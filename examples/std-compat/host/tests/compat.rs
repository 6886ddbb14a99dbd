//! Popular crates in a std guest: every check of the std-compat guest passes (each compares
//! with known answers), `docs/compat.md` lists every check, and a run proves and verifies.

use std::path::Path;
use std::sync::OnceLock;

use std_compat_host::input;
use vouch_sdk::{Program, ProveOptions, Prover};

/// The checks the guest must have: the crates `docs/compat.md` reports on.
const CRATES: &[&str] = &[
    "serde",
    "serde_json",
    "regex",
    "sha2",
    "sha3",
    "k256",
    "ed25519-dalek",
    "rand",
    "rand-0.8",
    "bincode",
    "bincode-1",
    "hashbrown",
    "num-bigint",
    "getrandom-0.2",
    "getrandom-0.3",
    "getrandom-0.4",
    "std-hashmap",
    "std-io",
    "hex",
    "base64",
    "anyhow",
    "thiserror",
    "itertools",
    "indexmap",
    "uuid",
    "chrono",
    "blake3",
    "ahash",
    "flate2",
];

/// The guest, built once for all tests in this file.
fn program() -> &'static Program {
    static PROGRAM: OnceLock<Program> = OnceLock::new();
    PROGRAM.get_or_init(|| std_compat_host::program().expect("the std-compat guest builds"))
}

/// Run `checks` in one execution; returns `(name, summary)` per check.
fn run(checks: &[&str]) -> Vec<(String, String)> {
    let result = program().execute(input(checks)).unwrap();
    assert_eq!(result.exit_code, 0);
    // The guest prints `name: summary (N cycles)` per check: the numbers of docs/compat.md.
    eprint!("{}", String::from_utf8_lossy(&result.stdout));
    result.journal.decode().unwrap()
}

#[test]
fn the_guest_has_a_check_per_crate() {
    let list = run(&["list"]);
    let names: Vec<&str> = list[0].1.split(',').collect();
    assert_eq!(names, CRATES);
}

#[test]
fn every_crate_check_passes() {
    // All in one run (one build, one execution): a wrong answer is a guest panic naming the
    // check, which fails this test with the guest's message.
    let results = run(CRATES);
    let names: Vec<&str> = results.iter().map(|(n, _)| n.as_str()).collect();
    assert_eq!(names, CRATES);
    assert!(results.iter().all(|(_, summary)| !summary.is_empty()));
}

#[test]
fn docs_compat_lists_every_check() {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../../docs/compat.md");
    let doc = std::fs::read_to_string(&path).unwrap();
    for name in CRATES {
        assert!(
            doc.contains(&format!("`{name}`")),
            "docs/compat.md does not report on check `{name}`"
        );
    }
}

/// The std guests' `rust-toolchain.toml` (for plain `cargo` in their folders) name the nightly
/// `vouch build` uses.
#[test]
fn std_guests_pin_the_sdk_nightly() {
    for example in ["std-demo", "std-compat"] {
        let path = Path::new(env!("CARGO_MANIFEST_DIR"))
            .join(format!("../../{example}/guest/rust-toolchain.toml"));
        let text = std::fs::read_to_string(&path).unwrap();
        assert!(
            text.contains(&format!(
                "channel = \"{}\"",
                vouch_sdk::build::STD_TOOLCHAIN
            )),
            "{} does not pin {}",
            path.display(),
            vouch_sdk::build::STD_TOOLCHAIN
        );
    }
}

/// A run of several crates, proven (without zero knowledge, for speed) and verified; with
/// randomness refused, which these checks do not need.
#[test]
fn a_compat_run_proves_and_verifies() {
    let checks = ["serde", "serde_json", "sha2", "bincode", "hex"];
    let prover = Prover::with_options(ProveOptions {
        zk: false,
        ..ProveOptions::default()
    })
    .with_random(false);
    let receipt = prover.prove(program(), input(&checks)).unwrap();
    receipt.verify(program().program_id().unwrap()).unwrap();
    let results: Vec<(String, String)> = vouch_sdk::journal(&receipt).decode().unwrap();
    assert_eq!(results, run(&checks));
}
