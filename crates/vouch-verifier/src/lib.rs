//! The vouch verifier: checks a [`Receipt`] against a [`ProgramId`].
//!
//! It depends on the machine's constraints and the STARK facade only — not on the executor or
//! the prover — never panics on hostile bytes, and bounds every allocation by the receipt's
//! size, which is itself bounded ([`MAX_RECEIPT_BYTES`]).
//!
//! What a valid receipt means: the program whose verifying key hashes to the program id, run
//! from its entry point with its initial memory image and some private input, reached `HALT`
//! with the receipt's exit code, having committed exactly the receipt's journal.
#![deny(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

mod budget;
mod receipt;
mod verify;

pub use receipt::{
    decode_budget, ProgramId, Proofs, Receipt, ReceiptProof, SegmentProof, VerifyingKey,
    ZkVerifyingKey, DECODE_BYTES_PER_BYTE, MAX_RECEIPT_BYTES, MAX_SEGMENTS, RECEIPT_VERSION,
};
pub use verify::{SegmentOod, VerifyError, MAX_LOG_HEIGHT};
