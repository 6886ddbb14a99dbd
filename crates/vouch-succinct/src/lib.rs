//! One constant-size receipt for a run (docs/recursion.md).
//!
//! A succinct verifier trusts a *constant* set of recursion keys: every key a lift or join
//! may be proven under. Lift keys are per segment shape and a shape is program-independent
//! once segments are padded to the menu's shapes (`vouch_machine::trace::menu`), so the set is
//! made once, from shapes alone, by proving a template program at every shape ([`template`])
//! and committing to each lift circuit, then the join circuit and the final circuit over the
//! set ([`keys::generate`]). The result is committed to the repository (`keys.txt`, read by
//! [`keys::committed`]); tests rebuild a sample of it.

pub mod keys;
pub mod receipt;
pub mod template;

/// Why keys could not be made or a run could not be proven succinctly.
#[derive(Debug, thiserror::Error)]
pub enum SuccinctError {
    #[error(transparent)]
    Prove(#[from] vouch_prover::ProveError),
    #[error(transparent)]
    Verify(#[from] vouch_verifier::VerifyError),
    #[error(transparent)]
    Lift(#[from] vouch_recursion::lift::LiftError),
    #[error(transparent)]
    Join(#[from] vouch_recursion::join::JoinError),
    #[error(transparent)]
    Final(#[from] vouch_recursion::final_layer::FinalError),
    #[error("the key file: {0}")]
    KeyFile(String),
    #[error("{0}")]
    Keys(String),
    #[error("the succinct receipt is rejected: {0}")]
    Rejected(String),
}
