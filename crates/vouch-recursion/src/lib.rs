//! Recursion: verifying vouch proofs inside proofs, so that a run of any length ends in one
//! constant-size receipt (issue: "Recursion").
//!
//! Built bottom-up; what exists so far:
//! - [`circuit`]: an arithmetic circuit over the challenge field (constants, inputs, `+ - ·`,
//!   prover-hinted inverses paired with their check, assertions), evaluated natively.
//! - [`constraints`]: the out-of-domain check of a table — every constraint of its AIR at `ζ`
//!   (LogUp included), folded with `α`, against the quotient recombined from its chunks —
//!   generated from the AIR's symbolic constraints, never from a hand-written list.
//! - [`segment`]: that check for every table of a segment proof, with the segment's
//!   statement as the circuit's public inputs.
//!
//! Still to come (in this order): the circuit's own tables (witness bus, arithmetic and
//! Poseidon2 rows) proven with the batch STARK; the transcript (challenger) and FRI (Merkle
//! paths, folding, queries) in the circuit; lift, join and final layers; succinct receipts.

pub mod air;
pub mod challenger;
pub mod circuit;
pub mod constraints;
pub mod prove;
pub mod segment;
