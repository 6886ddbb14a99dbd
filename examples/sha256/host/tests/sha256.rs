//! The sha256 guest against the `sha2` crate on the host.

use std::path::Path;
use std::sync::OnceLock;

use sha2::{Digest, Sha256};
use vouch_sdk::build::{build_guest, BuildOptions};
use vouch_sdk::{Input, Program};

/// The guest, built once for all tests in this file.
fn program() -> &'static Program {
    static PROGRAM: OnceLock<Program> = OnceLock::new();
    PROGRAM.get_or_init(|| {
        let root = Path::new(concat!(env!("CARGO_MANIFEST_DIR"), "/../../.."));
        let opts = BuildOptions {
            target_dir: Some(root.join("target/riscv-guests")),
            quiet: true,
            ..BuildOptions::default()
        };
        let elf = build_guest(
            Path::new(env!("CARGO_MANIFEST_DIR")).join("../guest"),
            &opts,
        )
        .expect("the sha256 guest builds");
        Program::load(elf).expect("the sha256 guest loads")
    })
}

fn check(data: &[u8]) {
    let result = program().execute(Input::new().write_bytes(data)).unwrap();
    assert_eq!(result.exit_code, 0);
    assert_eq!(
        result.journal.bytes,
        Sha256::digest(data).as_slice(),
        "{} bytes",
        data.len()
    );
    eprintln!("sha256: {} bytes: {} cycles", data.len(), result.cycles);
}

#[test]
fn empty_input() {
    check(b"");
}

#[test]
fn abc_is_the_fips_vector() {
    let result = program().execute(Input::new().write_bytes(b"abc")).unwrap();
    let hex: String = result
        .journal
        .bytes
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect();
    assert_eq!(
        hex,
        "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
    );
}

#[test]
fn lengths_around_word_and_block_boundaries() {
    for len in [1, 3, 4, 5, 55, 56, 63, 64, 65, 127] {
        let data: Vec<u8> = (0..len).map(|i| (i * 7 + 3) as u8).collect();
        check(&data);
    }
}

#[test]
fn one_kibibyte() {
    let data: Vec<u8> = (0..1024u32)
        .map(|i| (i.wrapping_mul(2_654_435_761) >> 24) as u8)
        .collect();
    check(&data);
}
