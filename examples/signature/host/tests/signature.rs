//! The signature guest against `ed25519-dalek` on the host.

use std::path::Path;
use std::sync::OnceLock;

use ed25519_dalek::{Signature, Signer, SigningKey, Verifier, VerifyingKey};
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
        .expect("the signature guest builds");
        Program::load(elf).expect("the signature guest loads")
    })
}

type Journal = ([u8; 32], [u8; 32], bool);

/// Run the guest and check its journal against native verification; return `valid`.
fn check(public_key: [u8; 32], message: &[u8], signature: &[u8]) -> bool {
    let input = Input::new()
        .write(&(public_key, message, signature))
        .unwrap();
    let result = program().execute(input).unwrap();
    assert_eq!(result.exit_code, 0);
    let (key, digest, valid): Journal = result.journal.decode().unwrap();

    let native_valid = VerifyingKey::from_bytes(&public_key)
        .ok()
        .zip(Signature::from_slice(signature).ok())
        .is_some_and(|(key, sig)| key.verify(message, &sig).is_ok());
    assert_eq!(key, public_key);
    assert_eq!(digest, <[u8; 32]>::from(Sha256::digest(message)));
    assert_eq!(valid, native_valid);
    eprintln!(
        "signature: {} byte message, valid = {valid}: {} cycles",
        message.len(),
        result.cycles
    );
    valid
}

fn key(seed: u8) -> SigningKey {
    SigningKey::from_bytes(&[seed; 32])
}

#[test]
fn valid_signatures_verify() {
    for (seed, message) in [(1u8, &b""[..]), (2, b"hello"), (3, &[0xa5; 300][..])] {
        let key = key(seed);
        let signature = key.sign(message).to_bytes();
        assert!(check(key.verifying_key().to_bytes(), message, &signature));
    }
}

#[test]
fn tampered_signature_fails() {
    let key = key(4);
    let message = b"pay 10 to alice";
    let mut signature = key.sign(message).to_bytes();
    signature[10] ^= 0x40;
    assert!(!check(key.verifying_key().to_bytes(), message, &signature));
}

#[test]
fn tampered_message_fails() {
    let key = key(5);
    let signature = key.sign(b"pay 10 to alice").to_bytes();
    assert!(!check(
        key.verifying_key().to_bytes(),
        b"pay 99 to alice",
        &signature
    ));
}

#[test]
fn wrong_key_fails() {
    let message = b"signed by six";
    let signature = key(6).sign(message).to_bytes();
    assert!(!check(
        key(7).verifying_key().to_bytes(),
        message,
        &signature
    ));
}

#[test]
fn malformed_key_or_signature_is_not_valid() {
    let key = key(8);
    let message = b"m";
    let signature = key.sign(message).to_bytes();
    // Wrong length.
    assert!(!check(
        key.verifying_key().to_bytes(),
        message,
        &signature[..63]
    ));
    // Keys that may not decode as curve points: the guest must agree with the host either way.
    for bytes in [[0xff; 32], [2; 32], [0; 32]] {
        assert!(!check(bytes, message, &signature));
    }
}
