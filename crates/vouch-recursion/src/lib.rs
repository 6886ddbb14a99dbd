//! Recursion: verifying vouch proofs inside proofs, so that a run of any length ends in one
//! constant-size receipt (issue: "Recursion").
//!
//! Built bottom-up (docs/recursion.md has the plan and the measurements); what exists:
//! - [`circuit`]: an arithmetic circuit over the challenge field (constants, inputs, `+ - ·`,
//!   Poseidon2 calls, checked hints, assertions, public inputs), evaluated natively.
//! - [`air`], [`prove`]: the circuit's tables (witness bus, preprocessed operations, Poseidon2
//!   calls into the machine's Poseidon2 chip, public values) proven with the batch STARK.
//! - [`challenger`]: Plonky3's duplex challenger on wires.
//! - [`transcript`]: the batch-STARK transcript up to `ζ` on wires.
//! - [`constraints`]: the out-of-domain check of a table — every constraint of its AIR at `ζ`
//!   (LogUp included), folded with `α`, against the quotient recombined from its chunks —
//!   generated from the AIR's symbolic constraints, never from a hand-written list.
//! - [`fri`], [`merkle`], [`opening`]: the opening argument — FRI's transcript, every query's
//!   Merkle openings, reduced openings, fold chain and final polynomial.
//! - [`batch`]: a batch proof's whole verification on wires, for any AIRs (for a plain proof:
//!   transcript, every table's check at `ζ`, and the opening argument on the same claimed
//!   values).
//! - [`segment`]: a segment proof's verification as one circuit, the segment's statement and
//!   the program's preprocessed commitment as its public inputs.
//!
//! - [`node`]: the one shape and public-value layout of every recursion proof, and a proof
//!   with the commitment of its key.
//! - [`keyset`]: the Merkle tree of trusted keys, whose root every recursion proof carries.
//! - [`lift`]: a segment proof verified in a recursion proof, whose public values are the
//!   segment's statement, the program's preprocessed commitment and the key root (one key per
//!   segment shape).
//! - [`join`]: two recursion proofs of adjacent pieces of a run verified in one, under any
//!   keys of the key set (one join key), and a run's lifts aggregated into one proof.
//!
//! - [`final_layer`]: the run's top proof verified in a zero-knowledge proof of (program,
//!   exit code, journal digest) only.
//! - [`run`]: the keys of one run (lift keys per shape, the join key, their set).
//!
//! Still to come: one lift key for every segment shape (so that the key set is a constant);
//! the final layer; succinct receipts.

pub mod air;
pub mod batch;
pub mod challenger;
pub mod circuit;
pub mod constraints;
pub mod final_layer;
pub mod fri;
pub mod join;
pub mod keyset;
pub mod lift;
pub mod merkle;
pub mod node;
pub mod opening;
pub mod prove;
pub mod run;
pub mod segment;
pub mod transcript;
