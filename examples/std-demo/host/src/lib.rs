//! The std-demo example: a guest with the Rust standard library (serde_json, `HashMap`,
//! regex, rand) that reports on a JSON document of orders. This crate builds and runs it.

use std::path::{Path, PathBuf};

use serde::Deserialize;
use vouch_sdk::build::{build_guest, BuildOptions};
use vouch_sdk::{Error, Program};

/// What the guest commits (the guest's `Report`).
#[derive(Debug, Deserialize, PartialEq, Eq)]
pub struct Report {
    /// Orders with a well-formed id (`^([A-Z]{2})-[0-9]{4}$`).
    pub valid: u32,
    /// Ids that are not well-formed, in input order.
    pub rejected: Vec<String>,
    /// Total amount per region (the id's two letters), sorted by region.
    pub totals: Vec<(String, u64)>,
    /// Median amount of the valid orders (the lower median for an even count); 0 when none.
    pub median: u64,
}

/// A sample document.
pub const SAMPLE: &str = r#"{"orders": [
    {"id": "EU-1001", "amount": 1250},
    {"id": "US-1002", "amount": 300},
    {"id": "eu-1003", "amount": 999},
    {"id": "EU-2001", "amount": 4200},
    {"id": "US-20021", "amount": 10},
    {"id": "AS-3001", "amount": 75},
    {"id": "US-3002", "amount": 640}
]}"#;

/// Build the guest (a std guest: the pinned nightly and `-Zbuild-std`, installed on first use)
/// into the workspace's shared guest target directory, and load it.
pub fn program(quiet: bool) -> Result<Program, Error> {
    let root = Path::new(concat!(env!("CARGO_MANIFEST_DIR"), "/../../.."));
    let opts = BuildOptions {
        target_dir: Some(root.join("target/riscv-guests")),
        quiet,
        ..BuildOptions::default()
    };
    let elf = build_guest(guest_dir(), &opts)?;
    Program::load(elf)
}

/// The guest crate.
pub fn guest_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../guest")
}
