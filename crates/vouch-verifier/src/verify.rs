//! Verification.

use sha2::{Digest, Sha256};
use vouch_machine::public::SegmentStatement;
use vouch_machine::{Machine, MIN_LOG_HEIGHT};
use vouch_stark::batch::{verify_batch, StarkGenericConfig};
use vouch_stark::keys::verifier_common;
use vouch_stark::par::*;
use vouch_stark::{plain_config, zk_keygen_config, PARAMS};

use crate::receipt::{ProgramId, Proofs, Receipt, ReceiptProof, MAX_SEGMENTS, RECEIPT_VERSION};

/// Why a receipt was rejected. Each is one line.
#[derive(Debug, thiserror::Error)]
pub enum VerifyError {
    #[error("malformed receipt: {0}")]
    Decode(String),
    #[error("unsupported receipt version {0} (this verifier reads version {RECEIPT_VERSION})")]
    UnsupportedVersion(u32),
    #[error("invalid program id: {0}")]
    BadProgramId(String),
    #[error("the receipt is for program {found}, not the expected {expected}")]
    WrongProgram {
        expected: ProgramId,
        found: ProgramId,
    },
    #[error("the receipt's verifying key does not hash to its program id")]
    KeyMismatch,
    #[error("the receipt's proof has the wrong shape: {0}")]
    BadShape(String),
    #[error("the proof does not verify against the claimed journal and exit code: {0}")]
    InvalidProof(String),
    #[error(
        "segment {segment} of {segments} does not start where the previous one ended \
         (a segment is missing, repeated, out of order or from another run)"
    )]
    BrokenChain { segment: usize, segments: usize },
    #[error("segment {segment} of {segments} does not verify: {why}")]
    InvalidSegment {
        segment: usize,
        segments: usize,
        why: String,
    },
}

/// Largest log2 table height a verifier accepts (the largest segment, 2^22 cycles, fits).
const MAX_LOG_HEIGHT: u32 = 22;

impl Receipt {
    /// Check that this receipt proves an execution of the program `expected` that halted with
    /// `self.exit_code` after committing `self.journal`.
    pub fn verify(&self, expected: ProgramId) -> Result<(), VerifyError> {
        if self.version != RECEIPT_VERSION || self.vk.version != RECEIPT_VERSION {
            return Err(VerifyError::UnsupportedVersion(
                self.version.max(self.vk.version),
            ));
        }
        if self.program_id != expected {
            return Err(VerifyError::WrongProgram {
                expected,
                found: self.program_id,
            });
        }
        if self.vk.program_id() != self.program_id {
            return Err(VerifyError::KeyMismatch);
        }
        let (rom, image) = (self.vk.rom_log_height, self.vk.image_log_height);
        let in_range = |h: u32| (MIN_LOG_HEIGHT as u32..=MAX_LOG_HEIGHT).contains(&h);
        if !in_range(rom) || !in_range(image) {
            return Err(VerifyError::BadShape(format!(
                "table heights 2^{rom} and 2^{image} are out of range"
            )));
        }
        let digest: [u8; 32] = Sha256::digest(&self.journal).into();
        match &self.proof {
            Proofs::Whole(proof) => {
                let statement = SegmentStatement {
                    start_pc: self.vk.entry,
                    end_pc: 0,
                    end_clk: 0,
                    halted: true,
                    first_segment: true,
                    exit_code: self.exit_code,
                    journal_digest: digest,
                    paged: false,
                    root_in: [0; 8],
                    root_out: [0; 8],
                };
                self.check_one(proof, &statement, false)
            }
            Proofs::Segments(segments) => {
                if segments.is_empty() || segments.len() > MAX_SEGMENTS {
                    return Err(VerifyError::BadShape(format!(
                        "{} segments",
                        segments.len()
                    )));
                }
                // The chain: from the initial state, each segment starting where the previous
                // one ended. Checked before any proof, so that a dropped, duplicated or
                // reordered segment is named as such.
                let mut root = self.vk.initial_root;
                for (i, seg) in segments.iter().enumerate() {
                    if seg.root_in != root {
                        return Err(VerifyError::BrokenChain {
                            segment: i,
                            segments: segments.len(),
                        });
                    }
                    root = seg.root_out;
                }
                // Every segment in the same mode as the receipt says (`is_zk` is true only when
                // all are zero-knowledge).
                let zk = self.proof.is_zk();
                if segments.iter().any(|seg| seg.proof.is_zk() != zk) {
                    return Err(VerifyError::BadShape("segments mix proof modes".into()));
                }
                // Segment proofs are independent: checked in parallel (when the `parallel`
                // feature of vouch-stark is on), the first failing segment reported.
                let results: Vec<Result<(), VerifyError>> = segments
                    .par_iter()
                    .enumerate()
                    .map(|(i, seg)| {
                        let last = i + 1 == segments.len();
                        let statement = SegmentStatement {
                            start_pc: 0,
                            end_pc: 0,
                            end_clk: 0,
                            halted: last,
                            first_segment: false,
                            exit_code: if last { self.exit_code } else { 0 },
                            journal_digest: if last { digest } else { [0; 32] },
                            paged: true,
                            root_in: seg.root_in,
                            root_out: seg.root_out,
                        };
                        self.check_one(&seg.proof, &statement, true)
                            .map_err(|e| match e {
                                VerifyError::InvalidProof(why) => VerifyError::InvalidSegment {
                                    segment: i,
                                    segments: segments.len(),
                                    why,
                                },
                                other => other,
                            })
                    })
                    .collect();
                results.into_iter().collect()
            }
        }
    }

    /// Verify one STARK proof of `statement`, on the paged or unpaged machine.
    fn check_one(
        &self,
        proof: &ReceiptProof,
        statement: &SegmentStatement,
        paged: bool,
    ) -> Result<(), VerifyError> {
        if statement
            .root_in
            .iter()
            .chain(&statement.root_out)
            .any(|&x| x >= KOALABEAR_P)
        {
            return Err(VerifyError::BadShape(
                "a memory-tree root is not a field element".into(),
            ));
        }
        let (rom, image) = (self.vk.rom_log_height, self.vk.image_log_height);
        let machine = Machine::for_verifier(1 << rom, 1 << image, paged);
        let log_heights: Vec<usize> = machine
            .fixed_heights()
            .iter()
            .map(|h| h.map_or(MIN_LOG_HEIGHT, |h| h.trailing_zeros() as usize))
            .collect();
        let public_values = vec![statement.to_field_elements(); machine.airs().len()];
        match proof {
            ReceiptProof::Zk(proof) => check!(
                &zk_keygen_config(&PARAMS),
                &machine,
                &log_heights,
                self.vk.commitment_zk.clone(),
                proof,
                &public_values
            ),
            ReceiptProof::Plain(proof) => check!(
                &plain_config(&PARAMS),
                &machine,
                &log_heights,
                self.vk.commitment_plain.clone(),
                proof,
                &public_values
            ),
        }
    }
}

/// The KoalaBear modulus: memory-tree roots are canonical field elements below it.
const KOALABEAR_P: u32 = 0x7f00_0001;

/// Verify `proof` under one configuration. A macro rather than a generic function: the
/// Plonky3 bounds a generic version needs would repeat the whole configuration.
macro_rules! check {
    ($config:expr, $machine:expr, $log_heights:expr, $commitment:expr, $proof:expr, $pv:expr) => {{
        let (config, machine, proof) = ($config, $machine, $proof);
        let airs = machine.airs();
        if proof.degree_bits.len() != airs.len() {
            return Err(VerifyError::BadShape(format!(
                "{} tables, the machine has {}",
                proof.degree_bits.len(),
                airs.len()
            )));
        }
        let zk = config.is_zk();
        for &bits in &proof.degree_bits {
            if bits < MIN_LOG_HEIGHT + zk || bits > MAX_LOG_HEIGHT as usize + zk {
                return Err(VerifyError::BadShape(format!("a table of height 2^{bits}")));
            }
        }
        let common = verifier_common(config, airs, $log_heights, $commitment);
        verify_batch(config, airs, proof, $pv, &common)
            .map_err(|e| VerifyError::InvalidProof(e.to_string()))
    }};
}
use check;
