//! Example guest: commits the 32-byte SHA-256 digest of all its raw input bytes.
#![no_std]
#![no_main]

use sha2::{Digest, Sha256};

vouch_guest::entry!(main);

fn main() {
    let data = vouch_guest::read_to_end();
    let digest = Sha256::digest(&data);
    vouch_guest::commit_bytes(&digest);
}
