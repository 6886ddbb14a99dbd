//! Verification.

use std::sync::atomic::{AtomicUsize, Ordering};

use sha2::{Digest, Sha256};
use vouch_machine::public::{SegmentEnd, SegmentStatement};
use vouch_machine::{Machine, MIN_LOG_HEIGHT};
use vouch_stark::batch::{verify_batch, BatchProof, CommonData, StarkGenericConfig};
use vouch_stark::keys::{preprocessed_shape, verifier_common, verify_key_binding};
use vouch_stark::matrix::RowMajorMatrix;
use vouch_stark::ood::{self, Ood};
use vouch_stark::opening::{opening, Opening};
use vouch_stark::par::*;
use vouch_stark::replay::{self, TerminalPairs};
use vouch_stark::symbolic::Lookups;
use vouch_stark::{plain_config, zk_keygen_config, Challenge, PlainConfig, Val, ZkConfig, PARAMS};

use crate::receipt::{ProgramId, Receipt, ReceiptProof, MAX_SEGMENTS, RECEIPT_VERSION};

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
    #[error("the receipt's zero-knowledge key does not commit to the program's tables: {0}")]
    ZkKeyMismatch(String),
    #[error("the receipt's proof has the wrong shape: {0}")]
    BadShape(String),
    #[error(
        "segment {segment} of {segments} does not start where the previous one ended \
         (a segment is missing, repeated, out of order or from another run)"
    )]
    BrokenChain { segment: usize, segments: usize },
    #[error(
        "segment {segment} of {segments} does not verify{}: {why}",
        if .segment + 1 == *.segments { " (the halting one: against the claimed journal and exit code)" } else { "" }
    )]
    InvalidSegment {
        segment: usize,
        segments: usize,
        why: String,
    },
}

/// Largest log2 table height a verifier accepts (the largest segment, 2^22 cycles, fits).
pub const MAX_LOG_HEIGHT: u32 = 22;

/// The KoalaBear modulus: memory-tree roots are canonical field elements below it.
const KOALABEAR_P: u32 = 0x7f00_0001;

/// What every segment of one receipt is checked against, built once per receipt: the
/// machine's constraints and the verifier's view of its lookups and preprocessed tables.
struct Checker<SC: StarkGenericConfig> {
    config: SC,
    machine: Machine,
    common: CommonData<SC>,
}

impl Receipt {
    /// Check that this receipt proves an execution of the program `expected` that halted with
    /// `self.exit_code` after committing `self.journal`.
    ///
    /// The checks run cheapest first, and the first failure is reported: version and program
    /// id, the key, the shape of every segment proof, the chain of memory roots, the
    /// zero-knowledge key's binding, then the segment proofs themselves (in parallel where
    /// the `parallel` feature is on), stopping at the first that fails.
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
        let rom = self.vk.rom_log_height;
        if !(MIN_LOG_HEIGHT as u32..=MAX_LOG_HEIGHT).contains(&rom) {
            return Err(VerifyError::BadShape(format!(
                "a ROM table of height 2^{rom} is out of range"
            )));
        }
        let segments = &self.proof.segments;
        let n = segments.len();
        if n == 0 || n > MAX_SEGMENTS {
            return Err(VerifyError::BadShape(format!("{n} segments")));
        }
        // Every segment in the same mode (`is_zk` is true only when all are zero-knowledge).
        let zk = self.proof.is_zk();
        if segments.iter().any(|seg| seg.proof.is_zk() != zk) {
            return Err(VerifyError::BadShape("segments mix proof modes".into()));
        }
        // The chain: from the initial state, each segment starting where the previous one
        // ended. Checked before any proof, so that a dropped, duplicated or reordered segment
        // is named as such.
        let mut root = self.vk.initial_root;
        for (i, seg) in segments.iter().enumerate() {
            if seg.root_in != root {
                return Err(VerifyError::BrokenChain {
                    segment: i,
                    segments: n,
                });
            }
            root = seg.root_out;
        }
        if root_of_field(&self.vk.initial_root)
            || segments.iter().any(|s| root_of_field(&s.root_out))
        {
            return Err(VerifyError::BadShape(
                "a memory-tree root is not a field element".into(),
            ));
        }
        let digest: [u8; 32] = Sha256::digest(&self.journal).into();
        let statement = |i: usize| self.statement(i, digest);
        let machine = Machine::for_verifier(1 << rom);
        let log_heights = fixed_log_heights(&machine);
        if zk {
            let key = self.proof.zk_key.as_ref().ok_or_else(|| {
                VerifyError::BadShape("zero-knowledge segments without a zero-knowledge key".into())
            })?;
            let plain = plain_config(&PARAMS);
            let plain_common = verifier_common(
                &plain,
                machine.airs(),
                &log_heights,
                self.vk.commitment.clone(),
            );
            verify_key_binding(
                &self.vk.commitment,
                &key.commitment,
                &preprocessed_shape(&plain_common),
                &key.binding,
            )
            .map_err(|e| VerifyError::ZkKeyMismatch(e.to_string()))?;
            let config = zk_keygen_config(&PARAMS);
            let common = verifier_common(
                &config,
                machine.airs(),
                &log_heights,
                key.commitment.clone(),
            );
            let checker = Checker {
                config,
                machine,
                common,
            };
            check_all(n, |i| match segments.get(i).map(|s| &s.proof) {
                Some(ReceiptProof::Zk(p)) => checker.check_zk(p, &statement(i)),
                _ => Err("a segment in the wrong mode".into()),
            })
        } else {
            if self.proof.zk_key.is_some() {
                return Err(VerifyError::BadShape(
                    "a zero-knowledge key in a receipt without zero knowledge".into(),
                ));
            }
            let config = plain_config(&PARAMS);
            let common = verifier_common(
                &config,
                machine.airs(),
                &log_heights,
                self.vk.commitment.clone(),
            );
            let checker = Checker {
                config,
                machine,
                common,
            };
            check_all(n, |i| match segments.get(i).map(|s| &s.proof) {
                Some(ReceiptProof::Plain(p)) => checker.check_plain(p, &statement(i)),
                _ => Err("a segment in the wrong mode".into()),
            })
        }
    }
}

/// Run `$body` with segment `$seg`'s proof, its configuration and the verifier's common data
/// (under the receipt's plain or zero-knowledge key): `Err(BadShape)` when the proof's mode
/// and the keys disagree. A macro, as the two configurations are different types.
macro_rules! with_segment_proof {
    ($receipt:expr, $seg:expr, $log_heights:expr, $machine:expr,
     |$config:ident, $common:ident, $p:ident| $body:expr) => {
        match (&$seg.proof, &$receipt.proof.zk_key) {
            (ReceiptProof::Zk($p), Some(key)) => {
                let $config = zk_keygen_config(&PARAMS);
                let $common = verifier_common(
                    &$config,
                    $machine.airs(),
                    $log_heights,
                    key.commitment.clone(),
                );
                $body
            }
            (ReceiptProof::Plain($p), None) => {
                let $config = plain_config(&PARAMS);
                let $common = verifier_common(
                    &$config,
                    $machine.airs(),
                    $log_heights,
                    $receipt.vk.commitment.clone(),
                );
                $body
            }
            _ => Err(VerifyError::BadShape("proof mode and keys disagree".into())),
        }
    };
}

impl Receipt {
    /// What segment `i` claims: it halts (with the receipt's exit code and journal digest)
    /// if it is the last one, and goes between its roots.
    fn statement(&self, i: usize, journal_digest: [u8; 32]) -> SegmentStatement {
        let segments = &self.proof.segments;
        let end = if i + 1 == segments.len() {
            SegmentEnd::Halted {
                exit_code: self.exit_code,
                journal_digest,
            }
        } else {
            SegmentEnd::Continues
        };
        segments.get(i).map_or_else(
            || SegmentStatement::new(end, [0; 8], [0; 8]),
            |seg| SegmentStatement::new(end, seg.root_in, seg.root_out),
        )
    }

    /// The zero-knowledge audit (`docs/zk.md`): replay segment `segment`'s transcript as a
    /// verifier does and pair each table's published LogUp terminal with the terminal the
    /// candidate `traces` (in `ChipKind::ALL` order) give under the same challenges. A proof
    /// without zero knowledge reproduces its own traces' terminals; a zero-knowledge one must
    /// match no candidate. `machine` must hold the program's tables (`Machine::new`): the
    /// attacker knows the program. Only the keys are checked here, not the proof.
    #[doc(hidden)]
    pub fn replay_terminals(
        &self,
        machine: &Machine,
        segment: usize,
        traces: &[RowMajorMatrix<Val>],
    ) -> Result<TerminalPairs<Challenge>, VerifyError> {
        let seg = self
            .proof
            .segments
            .get(segment)
            .ok_or_else(|| VerifyError::BadShape(format!("no segment {segment}")))?;
        let digest: [u8; 32] = Sha256::digest(&self.journal).into();
        let log_heights = fixed_log_heights(machine);
        let pv = vec![self.statement(segment, digest).to_field_elements(); machine.airs().len()];
        let bad = |why: String| VerifyError::InvalidSegment {
            segment,
            segments: self.proof.segments.len(),
            why,
        };
        with_segment_proof!(self, seg, &log_heights, machine, |config, common, p| {
            replay::terminals(&config, machine.airs(), &common, p, &pv, traces).map_err(bad)
        })
    }
}

/// What a verifier inside a proof checks of one segment at the out-of-domain point: the
/// machine (its AIRs), each table's lookups, the segment's statement as public values, and
/// the transcript's `ζ`, `α`, LogUp challenges and every table's openings
/// ([`vouch_stark::ood`]). The recursion prover's witness; not a verification by itself.
#[derive(Debug)]
pub struct SegmentOod {
    pub machine: Machine,
    pub lookups: Vec<Lookups<Val>>,
    pub public_values: Vec<Val>,
    pub ood: Ood<Val, Challenge>,
    /// The opening argument per query, for a plain (not zero-knowledge) segment proof: what a
    /// circuit checks to tie the openings to the commitments ([`vouch_stark::opening`]).
    pub opening: Option<Opening>,
}

impl Receipt {
    /// The out-of-domain inputs of segment `segment`, replayed from its proof under the
    /// receipt's keys and the statement the receipt claims for it. Meant for receipts that
    /// [`Receipt::verify`] accepted (the recursion prover's witness): it checks no proof, and
    /// on a receipt that does not verify it gives inputs no honest circuit accepts.
    pub fn segment_ood(&self, segment: usize) -> Result<SegmentOod, VerifyError> {
        let seg = self
            .proof
            .segments
            .get(segment)
            .ok_or_else(|| VerifyError::BadShape(format!("no segment {segment}")))?;
        let rom = self.vk.rom_log_height;
        if !(MIN_LOG_HEIGHT as u32..=MAX_LOG_HEIGHT).contains(&rom) {
            return Err(VerifyError::BadShape(format!(
                "a ROM table of height 2^{rom} is out of range"
            )));
        }
        let machine = Machine::for_verifier(1 << rom);
        let digest: [u8; 32] = Sha256::digest(&self.journal).into();
        let public_values = self.statement(segment, digest).to_field_elements();
        let pv = vec![public_values.clone(); machine.airs().len()];
        let log_heights = fixed_log_heights(&machine);
        let bad = |why: String| VerifyError::InvalidSegment {
            segment,
            segments: self.proof.segments.len(),
            why,
        };
        let (lookups, ood) =
            with_segment_proof!(self, seg, &log_heights, &machine, |config, common, p| {
                let ood = ood::instances(&config, machine.airs(), &common, p, &pv).map_err(bad)?;
                Ok((common.lookups, ood))
            })?;
        let opening = match &seg.proof {
            ReceiptProof::Plain(p) => {
                let config = plain_config(&PARAMS);
                let common = verifier_common(
                    &config,
                    machine.airs(),
                    &log_heights,
                    self.vk.commitment.clone(),
                );
                Some(opening(&PARAMS, machine.airs(), &common, p, &pv).map_err(bad)?)
            }
            ReceiptProof::Zk(_) => None,
        };
        Ok(SegmentOod {
            machine,
            lookups,
            public_values,
            ood,
            opening,
        })
    }
}

/// The log heights of the machine's tables as the verifier describes them: the fixed ones
/// exactly, the others at the minimum (only tables with preprocessed columns need theirs).
fn fixed_log_heights(machine: &Machine) -> Vec<usize> {
    machine
        .fixed_heights()
        .iter()
        .map(|h| h.map_or(MIN_LOG_HEIGHT, |h| h.trailing_zeros() as usize))
        .collect()
}

/// Whether a root has an element that is not a canonical field element.
fn root_of_field(root: &[u32; 8]) -> bool {
    root.iter().any(|&x| x >= KOALABEAR_P)
}

/// Run `check` on segments `0..n` (in parallel where enabled), stop starting new ones after a
/// failure, and report the first failing segment.
fn check_all(
    n: usize,
    check: impl Fn(usize) -> Result<(), String> + Sync,
) -> Result<(), VerifyError> {
    let first_failure = AtomicUsize::new(usize::MAX);
    let failures: Vec<(usize, String)> = (0..n)
        .into_par_iter()
        .filter_map(|i| {
            if first_failure.load(Ordering::Relaxed) < i {
                return None;
            }
            let result = check(i).err()?;
            first_failure.fetch_min(i, Ordering::Relaxed);
            Some((i, result))
        })
        .collect();
    match failures.into_iter().min_by_key(|f| f.0) {
        None => Ok(()),
        Some((segment, why)) => Err(VerifyError::InvalidSegment {
            segment,
            segments: n,
            why,
        }),
    }
}

/// Verify one proof under one configuration. A macro rather than a generic function: the
/// Plonky3 bounds a generic version needs would repeat the whole configuration.
macro_rules! check_one {
    ($checker:expr, $proof:expr, $statement:expr) => {{
        let (checker, proof) = ($checker, $proof);
        let airs = checker.machine.airs();
        if proof.degree_bits.len() != airs.len() {
            return Err(format!(
                "{} tables, the machine has {}",
                proof.degree_bits.len(),
                airs.len()
            ));
        }
        let zk = checker.config.is_zk();
        for &bits in &proof.degree_bits {
            if bits < MIN_LOG_HEIGHT + zk || bits > MAX_LOG_HEIGHT as usize + zk {
                return Err(format!("a table of height 2^{bits}"));
            }
        }
        let public_values = vec![$statement.to_field_elements(); airs.len()];
        verify_batch(
            &checker.config,
            airs,
            proof,
            &public_values,
            &checker.common,
        )
        .map_err(|e| e.to_string())
    }};
}

impl Checker<ZkConfig> {
    fn check_zk(
        &self,
        proof: &BatchProof<ZkConfig>,
        statement: &SegmentStatement,
    ) -> Result<(), String> {
        check_one!(self, proof, statement)
    }
}

impl Checker<PlainConfig> {
    fn check_plain(
        &self,
        proof: &BatchProof<PlainConfig>,
        statement: &SegmentStatement,
    ) -> Result<(), String> {
        check_one!(self, proof, statement)
    }
}
