//! Receipts, verifying keys and program identities, and their byte encoding.

use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use vouch_stark::batch::BatchProof;
use vouch_stark::keys::CommitmentOf;
use vouch_stark::{PlainConfig, ZkConfig};

use crate::VerifyError;

/// Version of the receipt format and of the machine it proves. A receipt of another version
/// is rejected, not misread.
pub const RECEIPT_VERSION: u32 = 3;

/// Largest receipt the verifier decodes (a receipt holds one proof per segment).
pub const MAX_RECEIPT_BYTES: usize = 1 << 30;

/// Most segments a receipt may hold.
pub const MAX_SEGMENTS: usize = 1 << 16;

const MAGIC: &[u8; 8] = b"VOUCHRCT";

/// bincode's standard configuration (variable-length integers: measured smaller than fixed
/// width on real receipts, whose many small values outweigh the field elements above 2^28).
const ENCODING: bincode::config::Configuration = bincode::config::standard();

/// What fixes a program for the verifier: its entry point and the commitments to its ROM and
/// initial image (with the machine's fixed tables), in both proof modes, with their heights.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct VerifyingKey {
    /// Receipt/machine version the key was made for.
    pub version: u32,
    pub entry: u32,
    /// log2 heights of the ROM and image tables.
    pub rom_log_height: u32,
    pub image_log_height: u32,
    /// Commitment to every preprocessed table, for proofs without zero knowledge.
    pub commitment_plain: CommitmentOf<PlainConfig>,
    /// The same tables committed by the hiding PCS (deterministically salted: they are
    /// public).
    pub commitment_zk: CommitmentOf<ZkConfig>,
    /// Root of the memory tree of the initial state (registers, pc = entry, image; salts 0),
    /// where the first segment of a multi-segment proof starts (docs/continuations.md).
    pub initial_root: [u32; 8],
}

impl VerifyingKey {
    /// The program's identity: SHA-256 of the key.
    pub fn program_id(&self) -> ProgramId {
        let mut h = Sha256::new();
        h.update(b"vouch.program-id.v1");
        // Encoding a key to memory cannot fail; an empty encoding would simply not match.
        h.update(bincode::serde::encode_to_vec(self, ENCODING).unwrap_or_default());
        ProgramId(h.finalize().into())
    }
}

/// A program's identity: 32 bytes, printed as hex.
#[derive(Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct ProgramId(pub [u8; 32]);

impl ProgramId {
    /// Parse 64 hex digits (an optional `0x` prefix is accepted).
    pub fn from_hex(s: &str) -> Result<Self, VerifyError> {
        let s = s.trim().trim_start_matches("0x");
        let bytes = hex::decode(s).map_err(|e| VerifyError::BadProgramId(e.to_string()))?;
        let arr: [u8; 32] = bytes.try_into().map_err(|v: Vec<u8>| {
            VerifyError::BadProgramId(format!("{} bytes, not 32", v.len()))
        })?;
        Ok(Self(arr))
    }

    /// Lower-case hex.
    pub fn to_hex(&self) -> String {
        hex::encode(self.0)
    }
}

impl core::fmt::Display for ProgramId {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.write_str(&self.to_hex())
    }
}

impl core::fmt::Debug for ProgramId {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        write!(f, "ProgramId({})", self.to_hex())
    }
}

/// The STARK proof of a receipt, with or without zero knowledge.
#[derive(Serialize, Deserialize)]
#[allow(clippy::large_enum_variant)]
pub enum ReceiptProof {
    /// Hiding: reveals nothing about the private input.
    Zk(BatchProof<ZkConfig>),
    /// Not hiding: faster, but the proof leaks information about the execution.
    Plain(BatchProof<PlainConfig>),
}

impl ReceiptProof {
    /// Whether the proof is zero-knowledge.
    pub fn is_zk(&self) -> bool {
        matches!(self, ReceiptProof::Zk(_))
    }
}

/// One segment of a multi-segment proof: its proof and the memory-tree roots it goes between.
#[derive(Serialize, Deserialize)]
pub struct SegmentProof {
    /// Root of the memory tree before the segment (canonical field values).
    pub root_in: [u32; 8],
    /// Root after the segment.
    pub root_out: [u32; 8],
    pub proof: ReceiptProof,
}

/// The proof of a receipt: the whole execution in one proof, or one proof per segment.
#[derive(Serialize, Deserialize)]
// A receipt holds one `Proofs`, built once and never moved in a loop: boxing the larger
// variant would only add an allocation.
#[allow(clippy::large_enum_variant)]
pub enum Proofs {
    /// The whole execution, from the program's initial image to HALT.
    Whole(ReceiptProof),
    /// Consecutive segments, chained by memory-tree roots, the last one halting.
    Segments(Vec<SegmentProof>),
}

impl Proofs {
    /// Whether every proof is zero-knowledge.
    pub fn is_zk(&self) -> bool {
        match self {
            Proofs::Whole(p) => p.is_zk(),
            Proofs::Segments(s) => !s.is_empty() && s.iter().all(|s| s.proof.is_zk()),
        }
    }

    /// Number of segments (1 for a whole-execution proof).
    pub fn segments(&self) -> usize {
        match self {
            Proofs::Whole(_) => 1,
            Proofs::Segments(s) => s.len(),
        }
    }
}

/// A claim about a program's execution, with its proof.
#[derive(Serialize, Deserialize)]
pub struct Receipt {
    /// Format version ([`RECEIPT_VERSION`]).
    pub version: u32,
    /// The program the proof is about.
    pub program_id: ProgramId,
    /// The public output.
    pub journal: Vec<u8>,
    pub exit_code: u32,
    /// The verifying key whose hash is `program_id`.
    pub vk: VerifyingKey,
    pub proof: Proofs,
}

impl Receipt {
    /// Encode: `VOUCHRCT`, the version (u32 LE), then the receipt (bincode).
    pub fn to_bytes(&self) -> Result<Vec<u8>, VerifyError> {
        let mut out = Vec::new();
        out.extend_from_slice(MAGIC);
        out.extend_from_slice(&RECEIPT_VERSION.to_le_bytes());
        let body = bincode::serde::encode_to_vec(self, ENCODING)
            .map_err(|e| VerifyError::Decode(e.to_string()))?;
        out.extend_from_slice(&body);
        Ok(out)
    }

    /// Decode bytes made by [`Receipt::to_bytes`]. Never panics; allocates at most in
    /// proportion to `bytes.len()`, which must not exceed [`MAX_RECEIPT_BYTES`].
    pub fn from_bytes(bytes: &[u8]) -> Result<Self, VerifyError> {
        if bytes.len() > MAX_RECEIPT_BYTES {
            return Err(VerifyError::Decode(format!(
                "receipt of {} bytes exceeds the {} byte limit",
                bytes.len(),
                MAX_RECEIPT_BYTES
            )));
        }
        let (magic, rest) = bytes
            .split_at_checked(MAGIC.len())
            .ok_or_else(|| VerifyError::Decode("too short to be a receipt".into()))?;
        if magic != MAGIC {
            return Err(VerifyError::Decode(
                "not a vouch receipt (bad magic)".into(),
            ));
        }
        let (version, body) = rest
            .split_at_checked(4)
            .ok_or_else(|| VerifyError::Decode("truncated header".into()))?;
        let version = u32::from_le_bytes(
            <[u8; 4]>::try_from(version)
                .map_err(|_| VerifyError::Decode("truncated header".into()))?,
        );
        if version != RECEIPT_VERSION {
            return Err(VerifyError::UnsupportedVersion(version));
        }
        let config = ENCODING.with_limit::<MAX_RECEIPT_BYTES>();
        let (receipt, used): (Receipt, usize) = bincode::serde::decode_from_slice(body, config)
            .map_err(|e| VerifyError::Decode(e.to_string()))?;
        if used != body.len() {
            return Err(VerifyError::Decode(format!(
                "{} trailing bytes after the receipt",
                body.len() - used
            )));
        }
        if receipt.version != version {
            return Err(VerifyError::Decode("version fields disagree".into()));
        }
        Ok(receipt)
    }
}
