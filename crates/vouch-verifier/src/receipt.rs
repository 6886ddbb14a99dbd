//! Receipts, verifying keys and program identities, and their byte encoding.

use core::marker::PhantomData;

use serde::de::{DeserializeSeed, Deserializer};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use vouch_stark::batch::BatchProof;
use vouch_stark::keys::{CommitmentOf, KeyBinding};
use vouch_stark::{PlainConfig, ZkConfig};

use crate::budget::{Budget, Budgeted};
use crate::VerifyError;

/// Version of the receipt format and of the machine it proves. A receipt of another version
/// is rejected, not misread.
pub const RECEIPT_VERSION: u32 = 4;

/// Largest receipt the verifier decodes (a receipt holds one proof per segment).
pub const MAX_RECEIPT_BYTES: usize = 1 << 30;

/// Memory a receipt of `len` bytes may decode into ([`crate::budget`]): a small multiple of
/// its size. Honest receipts take about RATIO_MEASURED of it (`decode_budget_is_generous`).
pub fn decode_budget(len: usize) -> usize {
    DECODE_BYTES_PER_BYTE
        .saturating_mul(len)
        .saturating_add(1 << 16)
}

/// See [`decode_budget`].
pub const DECODE_BYTES_PER_BYTE: usize = 8;

/// Decodes a `T` with every allocation charged to a [`Budget`].
struct BudgetSeed<'b, T>(&'b Budget, PhantomData<T>);

impl<'de, T: Deserialize<'de>> DeserializeSeed<'de> for BudgetSeed<'_, T> {
    type Value = T;

    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<T, D::Error> {
        T::deserialize(Budgeted {
            inner: d,
            budget: self.0,
        })
    }
}

/// Most segments a receipt may hold.
pub const MAX_SEGMENTS: usize = 1 << 16;

const MAGIC: &[u8; 8] = b"VOUCHRCT";

/// bincode's standard configuration (variable-length integers: measured smaller than fixed
/// width on real receipts, whose many small values outweigh the field elements above 2^28).
const ENCODING: bincode::config::Configuration = bincode::config::standard();

/// What fixes a program for the verifier: its ROM (through the commitment to the machine's
/// preprocessed tables, the ROM among them) and its initial state (registers, pc = entry
/// point, memory image), through the root of the initial memory tree. These are exactly what
/// the program id hashes, so an id names one ROM and one initial state: one program.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct VerifyingKey {
    /// Receipt/machine version the key was made for.
    pub version: u32,
    /// log2 height of the ROM table.
    pub rom_log_height: u32,
    /// Commitment to every preprocessed table (non-hiding PCS).
    pub commitment: CommitmentOf<PlainConfig>,
    /// Root of the memory tree of the initial state (registers, pc = entry, image; salts 0),
    /// where the first segment starts (docs/continuations.md).
    pub initial_root: [u32; 8],
}

/// What zero-knowledge proofs are checked against: the same preprocessed tables committed by
/// the hiding PCS (deterministically salted: they are public), with a proof that this
/// commitment holds the tables of the [`VerifyingKey`]'s (`vouch_stark::keys::KeyBinding`). It
/// is not part of the program id; the binding ties it to what is.
#[derive(Clone, Serialize, Deserialize)]
pub struct ZkVerifyingKey {
    pub commitment: CommitmentOf<ZkConfig>,
    pub binding: KeyBinding,
}

impl VerifyingKey {
    /// The program's identity: SHA-256 of the key.
    pub fn program_id(&self) -> ProgramId {
        let mut h = Sha256::new();
        h.update(b"vouch.program-id.v2");
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

/// One segment's proof and the memory-tree roots it goes between.
#[derive(Serialize, Deserialize)]
pub struct SegmentProof {
    /// Root of the memory tree before the segment (canonical field values).
    pub root_in: [u32; 8],
    /// Root after the segment.
    pub root_out: [u32; 8],
    pub proof: ReceiptProof,
}

/// The proof of a receipt: one STARK per segment, chained by memory-tree roots from the
/// program's initial state, the last one halting. A run that fits one segment has one.
#[derive(Serialize, Deserialize)]
pub struct Proofs {
    /// The hiding key the segment proofs are checked against when they are zero-knowledge.
    pub zk_key: Option<ZkVerifyingKey>,
    pub segments: Vec<SegmentProof>,
}

impl Proofs {
    /// Whether every proof is zero-knowledge.
    pub fn is_zk(&self) -> bool {
        !self.segments.is_empty() && self.segments.iter().all(|s| s.proof.is_zk())
    }

    /// Number of segments.
    pub fn segments(&self) -> usize {
        self.segments.len()
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

    /// Decode bytes made by [`Receipt::to_bytes`]. Never panics; the decoded receipt may take
    /// at most [`decode_budget`]`(bytes.len())` bytes of memory, and `bytes.len()` must not
    /// exceed [`MAX_RECEIPT_BYTES`].
    pub fn from_bytes(bytes: &[u8]) -> Result<Self, VerifyError> {
        Self::decode(bytes, &Budget::new(decode_budget(bytes.len())))
    }

    /// The memory `bytes` decode into as the decoder charges it, decoding without a budget:
    /// how far honest receipts are from [`decode_budget`].
    #[doc(hidden)]
    pub fn decoded_charge(bytes: &[u8]) -> Result<usize, VerifyError> {
        let budget = Budget::new(usize::MAX);
        Self::decode(bytes, &budget)?;
        Ok(usize::MAX - budget.left())
    }

    fn decode(bytes: &[u8], budget: &Budget) -> Result<Self, VerifyError> {
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
        let seed = BudgetSeed::<Receipt>(budget, PhantomData);
        let (receipt, used) = bincode::serde::seed_decode_from_slice(seed, body, config)
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
