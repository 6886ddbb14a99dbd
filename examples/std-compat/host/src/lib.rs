//! Builds and runs the std-compat guest: one check per popular crate (`docs/compat.md`) and the
//! ways a std guest fails (stack overflow, heap exhaustion, panics, exit codes, what std cannot
//! do). The tests are in `tests/`.

use std::path::{Path, PathBuf};

use vouch_sdk::build::{build_guest, BuildOptions};
use vouch_sdk::{Error, Input, Program};

/// Build the guest (a std guest) into the workspace's shared guest target directory, and
/// load it.
pub fn program() -> Result<Program, Error> {
    let root = Path::new(concat!(env!("CARGO_MANIFEST_DIR"), "/../../.."));
    let opts = BuildOptions {
        target_dir: Some(root.join("target/riscv-guests")),
        quiet: true,
        ..BuildOptions::default()
    };
    Program::load(build_guest(guest_dir(), &opts)?)
}

/// The guest crate.
pub fn guest_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../guest")
}

/// The input that runs `checks` (names as in the guest: a crate, or `fault-…`).
pub fn input(checks: &[&str]) -> Input {
    let names: Vec<String> = checks.iter().map(|c| c.to_string()).collect();
    Input::new()
        .write(&names)
        .expect("a list of strings encodes")
}
