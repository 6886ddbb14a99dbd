//! Verification.

use sha2::{Digest, Sha256};
use vouch_machine::public::SegmentStatement;
use vouch_machine::{Machine, MIN_LOG_HEIGHT};
use vouch_stark::batch::{verify_batch, StarkGenericConfig};
use vouch_stark::keys::verifier_common;
use vouch_stark::{plain_config, zk_keygen_config, PARAMS};

use crate::receipt::{ProgramId, Receipt, ReceiptProof, RECEIPT_VERSION};

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
        let machine = Machine::for_verifier(1 << rom, 1 << image, false);
        let log_heights: Vec<usize> = machine
            .fixed_heights()
            .iter()
            .map(|h| h.map_or(MIN_LOG_HEIGHT, |h| h.trailing_zeros() as usize))
            .collect();
        let statement = SegmentStatement {
            start_pc: self.vk.entry,
            end_pc: 0,
            end_clk: 0,
            halted: true,
            first_segment: true,
            exit_code: self.exit_code,
            journal_digest: Sha256::digest(&self.journal).into(),
            paged: false,
            root_in: [0; 8],
            root_out: [0; 8],
        };
        let public_values = vec![statement.to_field_elements(); machine.airs().len()];
        match &self.proof {
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
