//! Example guest: verifies an ed25519 signature.
//!
//! Input: `(public_key: [u8; 32], message: Vec<u8>, signature: Vec<u8>)`, the signature being
//! 64 bytes (serde has no impl for `[u8; 64]`). Journal: `(public_key, SHA-256 of the message,
//! valid: bool)`. A key that is not a curve point, or a signature of the wrong length, is
//! simply not valid.
#![no_std]
#![no_main]

extern crate alloc;

use alloc::vec::Vec;

use ed25519_dalek::{Signature, Verifier, VerifyingKey};
use sha2::{Digest, Sha256};

vouch_guest::entry!(main);

fn main() {
    let (public_key, message, signature): ([u8; 32], Vec<u8>, Vec<u8>) = vouch_guest::read();
    let valid = verify(&public_key, &message, &signature);
    let message_digest: [u8; 32] = Sha256::digest(&message).into();
    vouch_guest::commit(&(public_key, message_digest, valid));
}

/// Whether `signature` is a valid ed25519 signature of `message` by `public_key`.
fn verify(public_key: &[u8; 32], message: &[u8], signature: &[u8]) -> bool {
    let Ok(key) = VerifyingKey::from_bytes(public_key) else {
        return false;
    };
    let Ok(signature) = Signature::from_slice(signature) else {
        return false;
    };
    key.verify(message, &signature).is_ok()
}
