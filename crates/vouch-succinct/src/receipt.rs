//! Succinct receipts: a run's statement and one zero-knowledge final proof, checked against the
//! constant key set's final verifying key.
//!
//! Proving: the run's segments are proven without zero knowledge at the menu's shapes
//! (`Padding::Menu`, the executor cutting segments by the menu's budget), each is lifted
//! under its shape's key (which must be the committed one), the lifts are joined two by two,
//! and the top proof is wrapped in the final layer, which hides it. Only the final proof is
//! published. Verifying: the program id names the verifying key; the final proof must verify
//! under the committed final key with public values that are this key's program commitment
//! and initial root, the receipt's exit code and the SHA-256 of its journal.

use std::time::{Duration, Instant};

use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use vouch_machine::public::{SegmentEnd, SegmentStatement, EXIT_CODE, JOURNAL_DIGEST};
use vouch_machine::ChipKind;
use vouch_prover::{Padding, ProveOptions, ProvingKey, ReceiptProof};
use vouch_recursion::final_layer::{
    FinalKey, FinalProof, FINAL_EXIT_CODE, FINAL_INITIAL_ROOT, FINAL_JOURNAL_DIGEST, FINAL_PROGRAM,
    NUM_FINAL_PUBLIC_VALUES,
};
use vouch_recursion::join::JoinKey;
use vouch_recursion::keyset::KeyDigest;
use vouch_recursion::lift::LiftKey;
use vouch_stark::field::PrimeCharacteristicRing;
use vouch_stark::Val;
use vouch_verifier::{ProgramId, VerifyingKey};

use crate::keys::{committed, KEYED_LOG_CYCLES, KEYED_ROM_LOG_HEIGHTS};
use crate::SuccinctError;

/// Format version of [`SuccinctReceipt`].
pub const SUCCINCT_VERSION: u32 = 1;

/// The most bytes a succinct receipt may have (they are ~720 KB). Decoding goes through
/// serde's cautious preallocation, so what a hostile length can make it allocate is bounded by
/// the bytes actually present: a few times this limit at most.
pub const MAX_SUCCINCT_BYTES: usize = 2 << 20;

const MAGIC: &[u8; 8] = b"VOUCHSUC";

const ENCODING: bincode::config::Configuration = bincode::config::standard();

/// A run's public statement and the final proof of it.
#[derive(Serialize, Deserialize)]
pub struct SuccinctReceipt {
    pub version: u32,
    /// The program's verifying key (its hash is the program id).
    pub vk: VerifyingKey,
    pub journal: Vec<u8>,
    pub exit_code: u32,
    pub proof: FinalProof,
}

/// How to prove a run succinctly.
#[derive(Clone, Debug)]
pub struct SuccinctOptions {
    /// Longest segment, in cycles: a size of the menu up to 2^[`KEYED_LOG_CYCLES`].
    pub segment_cycles: u32,
    pub cycle_limit: u64,
}

impl Default for SuccinctOptions {
    fn default() -> Self {
        Self {
            segment_cycles: 1 << KEYED_LOG_CYCLES,
            cycle_limit: vouch_executor::DEFAULT_CYCLE_LIMIT,
        }
    }
}

/// Where the time went.
#[derive(Clone, Debug, Default)]
pub struct SuccinctStats {
    pub cycles: u64,
    pub segments: usize,
    /// Execution, trace generation and the segment proofs.
    pub segment_proofs: Duration,
    pub lifts: Duration,
    pub joins: Duration,
    pub final_proof: Duration,
}

/// The final public values of a run of the program of `vk` with `exit_code` and journal digest
/// `digest`.
fn statement(vk: &VerifyingKey, exit_code: u32, digest: [u8; 32]) -> Vec<Val> {
    let halted = SegmentStatement::new(
        SegmentEnd::Halted {
            exit_code,
            journal_digest: digest,
        },
        [0; 8],
        [0; 8],
    )
    .to_field_elements();
    let mut v = vec![Val::ZERO; NUM_FINAL_PUBLIC_VALUES];
    v[FINAL_PROGRAM..FINAL_PROGRAM + 8].copy_from_slice(&program_commitment(vk));
    for (i, &w) in vk.initial_root.iter().enumerate() {
        v[FINAL_INITIAL_ROOT + i] = Val::from_u32(w);
    }
    v[FINAL_EXIT_CODE..FINAL_EXIT_CODE + 4].copy_from_slice(&halted[EXIT_CODE..EXIT_CODE + 4]);
    v[FINAL_JOURNAL_DIGEST..FINAL_JOURNAL_DIGEST + 32]
        .copy_from_slice(&halted[JOURNAL_DIGEST..JOURNAL_DIGEST + 32]);
    v
}

/// The program's preprocessed commitment as the lift reads it (its commitment's one root).
fn program_commitment(vk: &VerifyingKey) -> KeyDigest {
    vk.commitment
        .roots()
        .first()
        .copied()
        .unwrap_or([Val::ZERO; 8])
}

/// Prove the run of `pk`'s program on `input` as one succinct receipt. `progress` hears what
/// is being done.
pub fn prove(
    pk: &ProvingKey,
    input: &[u8],
    opts: &SuccinctOptions,
    progress: &dyn Fn(&str),
) -> Result<(SuccinctReceipt, SuccinctStats), SuccinctError> {
    let keys = committed()?;
    let log_cycles = opts.segment_cycles.trailing_zeros() as usize;
    if !opts.segment_cycles.is_power_of_two() || log_cycles > KEYED_LOG_CYCLES {
        return Err(SuccinctError::Keys(format!(
            "succinct receipts have keys for segments of up to 2^{KEYED_LOG_CYCLES} cycles, \
             a power of two of the menu; not {}",
            opts.segment_cycles
        )));
    }
    let rom = pk.machine().fixed_heights()[ChipKind::Program.index()].unwrap_or(0);
    if !KEYED_ROM_LOG_HEIGHTS.iter().any(|&r| 1 << r == rom) {
        return Err(SuccinctError::Keys(format!(
            "the program's ROM has {rom} rows; succinct keys exist for ROMs of up to 2^{} rows \
             (prove a composite receipt instead)",
            KEYED_ROM_LOG_HEIGHTS[KEYED_ROM_LOG_HEIGHTS.len() - 1]
        )));
    }
    let mut stats = SuccinctStats::default();
    let t = Instant::now();
    progress("segments");
    let popts = ProveOptions {
        zk: false,
        cycle_limit: opts.cycle_limit,
        segment_cycles: opts.segment_cycles,
        padding: Padding::Menu,
        jobs: 1,
    };
    let proven = pk.prove(input, &popts, &|_| {})?;
    let composite = proven.receipt;
    stats.cycles = proven.stats.cycles;
    stats.segments = composite.proof.segments.len();
    stats.segment_proofs = t.elapsed();

    let set = keys.set()?;
    let root = set.root();
    let t = Instant::now();
    let mut lift_keys: Vec<LiftKey> = Vec::new();
    let mut lifts = Vec::with_capacity(stats.segments);
    for (i, seg) in composite.proof.segments.iter().enumerate() {
        progress(&format!("lift {}/{}", i + 1, stats.segments));
        let ReceiptProof::Plain(p) = &seg.proof else {
            return Err(SuccinctError::Keys("a zero-knowledge segment proof".into()));
        };
        let expected = keys.lift(&p.degree_bits).ok_or_else(|| {
            SuccinctError::Keys(format!(
                "no lift key for the segment shape {:?}",
                p.degree_bits
            ))
        })?;
        let ood = composite.segment_ood(i)?;
        let k = match lift_keys.iter().position(|k| k.digest() == expected) {
            Some(k) => k,
            None => {
                let key = LiftKey::for_segment(&ood)?;
                if key.digest() != expected {
                    return Err(SuccinctError::Keys(format!(
                        "the lift key of shape {:?} is not the committed one (regenerate \
                         keys.txt with the keygen example)",
                        p.degree_bits
                    )));
                }
                lift_keys.push(key);
                lift_keys.len() - 1
            }
        };
        lifts.push(lift_keys[k].lift(&ood, &root)?);
    }
    stats.lifts = t.elapsed();

    let t = Instant::now();
    progress("joins");
    let first = lifts
        .first()
        .ok_or_else(|| SuccinctError::Keys("a run without segments".into()))?;
    let join = JoinKey::new(first)?;
    if join.digest() != keys.join {
        return Err(SuccinctError::Keys(
            "the join key is not the committed one (regenerate keys.txt)".into(),
        ));
    }
    let top = join.aggregate(&set, lifts)?;
    stats.joins = t.elapsed();

    let t = Instant::now();
    progress("final proof");
    let final_key = FinalKey::new(&set, &top)?;
    if final_key.verifying_key() != keys.final_key {
        return Err(SuccinctError::Keys(
            "the final key is not the committed one (regenerate keys.txt)".into(),
        ));
    }
    let vk = composite.vk.clone();
    let initial_root: KeyDigest = vk.initial_root.map(Val::from_u32);
    let proof = final_key.prove(&set, &top, &program_commitment(&vk), &initial_root)?;
    stats.final_proof = t.elapsed();
    Ok((
        SuccinctReceipt {
            version: SUCCINCT_VERSION,
            vk,
            journal: composite.journal,
            exit_code: composite.exit_code,
            proof,
        },
        stats,
    ))
}

/// As [`prove`], for the program of an ELF.
pub fn prove_elf(
    elf: &[u8],
    input: &[u8],
    opts: &SuccinctOptions,
    progress: &dyn Fn(&str),
) -> Result<(SuccinctReceipt, SuccinctStats), SuccinctError> {
    let program = vouch_executor::Program::from_elf(elf)
        .map_err(|e| SuccinctError::Keys(format!("invalid program: {e}")))?;
    prove(&ProvingKey::new(&program)?, input, opts, progress)
}

impl SuccinctReceipt {
    /// Check that the program `expected` ran to `HALT` with this exit code and journal: one
    /// final proof against the committed final key.
    pub fn verify(&self, expected: ProgramId) -> Result<(), SuccinctError> {
        let reject = |why: &str| Err(SuccinctError::Rejected(why.to_string()));
        if self.version != SUCCINCT_VERSION {
            return reject("unsupported succinct receipt version");
        }
        if self.vk.program_id() != expected {
            return reject("the receipt is for another program");
        }
        let digest: [u8; 32] = Sha256::digest(&self.journal).into();
        if self.proof.public_values != statement(&self.vk, self.exit_code, digest) {
            return reject(
                "the proof is of another statement (program, initial state, exit code or journal)",
            );
        }
        committed()?
            .final_key
            .verify(&self.proof)
            .map_err(|e| SuccinctError::Rejected(format!("the final proof does not verify: {e}")))
    }

    /// Encode: `VOUCHSUC`, the version (u32 LE), then the receipt (bincode).
    pub fn to_bytes(&self) -> Result<Vec<u8>, SuccinctError> {
        let mut out = MAGIC.to_vec();
        out.extend_from_slice(&SUCCINCT_VERSION.to_le_bytes());
        let body = bincode::serde::encode_to_vec(self, ENCODING)
            .map_err(|e| SuccinctError::Rejected(format!("cannot encode: {e}")))?;
        out.extend_from_slice(&body);
        Ok(out)
    }

    /// Whether `bytes` start like a succinct receipt.
    pub fn is_succinct(bytes: &[u8]) -> bool {
        bytes.starts_with(MAGIC)
    }

    /// Decode bytes made by [`Self::to_bytes`]. Never panics; at most [`MAX_SUCCINCT_BYTES`]
    /// are read and no length read from them allocates more.
    pub fn from_bytes(bytes: &[u8]) -> Result<Self, SuccinctError> {
        let bad = |why: String| SuccinctError::Rejected(format!("not a succinct receipt: {why}"));
        if bytes.len() > MAX_SUCCINCT_BYTES {
            return Err(bad(format!("{} bytes", bytes.len())));
        }
        let rest = bytes
            .strip_prefix(MAGIC.as_slice())
            .ok_or_else(|| bad("bad magic".into()))?;
        let (version, body) = rest
            .split_at_checked(4)
            .ok_or_else(|| bad("truncated header".into()))?;
        let version = u32::from_le_bytes(
            <[u8; 4]>::try_from(version).map_err(|_| bad("truncated header".into()))?,
        );
        if version != SUCCINCT_VERSION {
            return Err(bad(format!("version {version}")));
        }
        let config = ENCODING.with_limit::<MAX_SUCCINCT_BYTES>();
        let (receipt, used): (Self, usize) =
            bincode::serde::decode_from_slice(body, config).map_err(|e| bad(e.to_string()))?;
        if used != body.len() {
            return Err(bad(format!("{} trailing bytes", body.len() - used)));
        }
        Ok(receipt)
    }
}
