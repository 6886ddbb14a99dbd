//! Receipt decoding and verification on arbitrary bytes: never a panic, never an allocation
//! out of proportion to the input. The receipt is verified against the program id it claims,
//! so that mutations of a real receipt (seed the corpus with one from `vouch prove`) reach
//! the STARK verifier rather than stopping at the id check.
#![no_main]

use libfuzzer_sys::fuzz_target;
use vouch_verifier::Receipt;

fuzz_target!(|data: &[u8]| {
    if let Ok(receipt) = Receipt::from_bytes(data) {
        let _ = receipt.verify(receipt.program_id);
    }
});
