//! Runs the signature guest: signs a message with a fixed demo key, then has the guest verify
//! the signature and a tampered copy, and prints what it committed.

use std::path::Path;

use ed25519_dalek::{Signer, SigningKey};
use vouch_sdk::build::{build_guest, BuildOptions};
use vouch_sdk::{Input, Program};

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let root = Path::new(concat!(env!("CARGO_MANIFEST_DIR"), "/../../.."));
    let opts = BuildOptions {
        target_dir: Some(root.join("target/riscv-guests")),
        ..BuildOptions::default()
    };
    let elf = build_guest(
        Path::new(env!("CARGO_MANIFEST_DIR")).join("../guest"),
        &opts,
    )?;
    let program = Program::load(&elf)?;

    // A demo key from a fixed seed; never use a known seed for a real key.
    let key = SigningKey::from_bytes(&[7u8; 32]);
    let public_key = key.verifying_key().to_bytes();
    let message = b"vouch: ed25519 in a zkVM".to_vec();
    let signature = key.sign(&message).to_bytes().to_vec();
    let mut tampered = signature.clone();
    tampered[0] ^= 1;

    for (label, signature) in [("signature", signature), ("tampered signature", tampered)] {
        let input = Input::new().write(&(public_key, &message, signature))?;
        let result = program.execute(input)?;
        let (_key, _digest, valid): ([u8; 32], [u8; 32], bool) = result.journal.decode()?;
        println!("{label}: valid = {valid} ({} cycles)", result.cycles);
    }
    Ok(())
}
