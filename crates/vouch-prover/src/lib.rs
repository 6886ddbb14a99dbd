//! The vouch prover: from a program and an input to a [`Receipt`].
//!
//! [`ProvingKey::new`] commits to the program's preprocessed tables once (in both proof
//! modes) and yields the [`VerifyingKey`] and so the [`ProgramId`]; [`ProvingKey::prove`]
//! executes the program with recording on, builds every chip's trace and proves them in one
//! batch STARK.

mod key;
mod prove;

pub use key::ProvingKey;
pub use prove::{
    Padding, Phase, Progress, ProveError, ProveOptions, ProveStats, Proven, ProvenSegment,
    SegmentJob, TableStats, Tampering,
};
pub use vouch_verifier::{ProgramId, Receipt, ReceiptProof, VerifyError, VerifyingKey};
