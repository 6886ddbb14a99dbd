//! The final layer: the recursion proof of a whole run verified in a zero-knowledge proof whose
//! public values are only what the run's receipt claims: the program (its preprocessed
//! commitment and initial memory root, the two parts of the verifying key a program id hashes),
//! the exit code and the journal digest.
//!
//! The final circuit verifies one recursion proof (the top of an aggregation) under a key of
//! the key set whose root is a *constant* of the circuit, and asserts:
//! - the proof carries that root and its key is in the set (so every proof below it was
//!   checked under keys of the set: `crate::keyset`);
//! - the run halts (`halted = 1`);
//! - it starts at the program's initial memory root (registers, pc at the entry point, the
//!   image), and is of the program's ROM (the preprocessed commitment);
//! - the exit code and journal digest are the public ones.
//!
//! The memory root at the end is not published. The proof is made with the hiding PCS
//! (`ZkConfig`: salted Merkle trees, randomised traces) and every table's LogUp terminal is
//! masked by a uniformly random tuple on the blind bus, as the machine's tables are
//! (`vouch_machine::chips::blind`; the argument in docs/zk.md, "The final layer"): the proofs
//! below it are plain and never published, and nothing the final proof publishes is a
//! function of them that a verifier could recompute.

use vouch_machine::chips::blind::{
    eval_blind, sink_trace, widen, BlindCols, BlindSinkChip, BLIND_WIDTH,
};
use vouch_machine::public::{EXIT_CODE, HALTED, JOURNAL_DIGEST, ROOT_IN};
use vouch_stark::air::{Air, AirBuilder, BaseAir, InteractionBuilder};
use vouch_stark::batch::{prove_batch, verify_batch, BatchProof, ProverData, StarkInstance};
use vouch_stark::field::PrimeCharacteristicRing;
use vouch_stark::keys::{preprocess, verifier_common, CommitmentOf};
use vouch_stark::matrix::RowMajorMatrix;
use vouch_stark::{zk_config, zk_keygen_config, Challenge, SecretRng, Val, ZkConfig};

use crate::air::{traces, CircuitAir};
use crate::batch::BatchVerifier;
use crate::circuit::{Circuit, CircuitBuilder, CircuitError, Wire};
use crate::join::{child, child_inputs, JoinError};
use crate::keyset::{KeyDigest, KeySet};
use crate::merkle::DIGEST;
use crate::node::{recursion_airs, Node, PROGRAM};
use crate::prove::{CircuitProofError, RECURSION_PARAMS};

/// Where the final proof's public values hold the program's preprocessed commitment.
pub const FINAL_PROGRAM: usize = 0;
/// Where they hold the program's initial memory root.
pub const FINAL_INITIAL_ROOT: usize = FINAL_PROGRAM + DIGEST;
/// Where they hold the exit code (4 little-endian bytes).
pub const FINAL_EXIT_CODE: usize = FINAL_INITIAL_ROOT + DIGEST;
/// Where they hold the journal's SHA-256 digest (32 bytes).
pub const FINAL_JOURNAL_DIGEST: usize = FINAL_EXIT_CODE + 4;
/// Number of public values of the final proof.
pub const NUM_FINAL_PUBLIC_VALUES: usize = FINAL_JOURNAL_DIGEST + 32;

/// Why a run could not be wrapped, or a final proof does not verify.
#[derive(Debug, thiserror::Error)]
pub enum FinalError {
    #[error(transparent)]
    Child(#[from] JoinError),
    #[error("the final circuit cannot be built: {0}")]
    Circuit(String),
    #[error("the run's proof does not satisfy the final circuit: {0}")]
    Unsatisfied(CircuitError),
    #[error("proving failed: {0}")]
    Prove(String),
    #[error(transparent)]
    Verify(#[from] CircuitProofError),
}

/// A table of the final proof: a circuit table with the blinding columns appended, or the
/// blind bus's sink.
#[derive(Clone, Debug)]
pub enum FinalAir {
    Table(CircuitAir),
    Sink,
}

impl FinalAir {
    fn own_width(&self) -> usize {
        match self {
            FinalAir::Table(t) => t.width(),
            FinalAir::Sink => BaseAir::<Val>::width(&BlindSinkChip),
        }
    }
}

impl BaseAir<Val> for FinalAir {
    fn width(&self) -> usize {
        self.own_width() + BLIND_WIDTH
    }

    fn preprocessed_trace(&self) -> Option<RowMajorMatrix<Val>> {
        match self {
            FinalAir::Table(t) => t.preprocessed_trace(),
            FinalAir::Sink => None,
        }
    }

    fn preprocessed_width(&self) -> usize {
        match self {
            FinalAir::Table(t) => t.preprocessed_width(),
            FinalAir::Sink => 0,
        }
    }

    fn num_public_values(&self) -> usize {
        match self {
            FinalAir::Table(t) => t.num_public_values(),
            FinalAir::Sink => 0,
        }
    }

    fn main_next_row_columns(&self) -> Vec<usize> {
        match self {
            FinalAir::Table(t) => t.main_next_row_columns(),
            FinalAir::Sink => Vec::new(),
        }
    }
}

impl<AB: AirBuilder<F = Val> + InteractionBuilder> Air<AB> for FinalAir {
    fn eval(&self, b: &mut AB) {
        match self {
            FinalAir::Table(t) => t.eval(b),
            FinalAir::Sink => BlindSinkChip.eval(b),
        }
        eval_blind(b, self.own_width());
    }
}

/// A final proof: its public values ([`NUM_FINAL_PUBLIC_VALUES`]) and the zero-knowledge batch
/// proof of the final circuit's tables.
#[derive(serde::Serialize, serde::Deserialize)]
pub struct FinalProof {
    pub public_values: Vec<Val>,
    pub proof: BatchProof<ZkConfig>,
}

/// The final circuit for one key set, and its tables committed by the hiding PCS (with fixed
/// salts: they are public).
pub struct FinalKey {
    pub circuit: Circuit,
    verifier: BatchVerifier,
    pub airs: Vec<FinalAir>,
    pub log_heights: Vec<usize>,
    data: ProverData<ZkConfig>,
}

impl core::fmt::Debug for FinalKey {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.debug_struct("FinalKey")
            .field("wires", &self.circuit.num_wires)
            .field("log_heights", &self.log_heights)
            .finish_non_exhaustive()
    }
}

/// The public values of each final table: the public table all of them, the rest none.
fn per_table(airs: &[FinalAir], public: &[Val]) -> Vec<Vec<Val>> {
    airs.iter()
        .map(|a| {
            if a.num_public_values() > 0 {
                public.to_vec()
            } else {
                Vec::new()
            }
        })
        .collect()
}

impl FinalKey {
    /// The final circuit trusting the keys of `set`, laid out from any recursion proof
    /// (`template`: every recursion proof has one shape).
    pub fn new(set: &KeySet, template: &Node) -> Result<Self, FinalError> {
        let data = template.ood().map_err(JoinError::Child)?;
        let airs = recursion_airs();
        let mut cb = CircuitBuilder::new();
        let out: Vec<Wire> = (0..NUM_FINAL_PUBLIC_VALUES)
            .map(|_| cb.public_input())
            .collect();
        let root: Vec<Wire> = set.root().iter().map(|&x| cb.base_constant(x)).collect();
        let (pv, verifier) =
            child(&mut cb, "final: the", &airs, &data, &root).map_err(FinalError::Circuit)?;
        let one = cb.one();
        cb.assert_eq(pv[HALTED], one, "final: the run halts");
        for i in 0..DIGEST {
            cb.assert_eq(
                pv[ROOT_IN + i],
                out[FINAL_INITIAL_ROOT + i],
                "final: the run starts at the program's initial root",
            );
            cb.assert_eq(
                pv[PROGRAM + i],
                out[FINAL_PROGRAM + i],
                "final: the run is of the program",
            );
        }
        for i in 0..4 {
            cb.assert_eq(
                pv[EXIT_CODE + i],
                out[FINAL_EXIT_CODE + i],
                "final: the exit code",
            );
        }
        for i in 0..32 {
            cb.assert_eq(
                pv[JOURNAL_DIGEST + i],
                out[FINAL_JOURNAL_DIGEST + i],
                "final: the journal digest",
            );
        }
        let mut circuit = cb.build();
        let min = zk_min_log_height();
        let heights: Vec<usize> = CircuitAir::natural_log_heights(&circuit)
            .iter()
            .map(|&h| h.max(min))
            .collect();
        circuit.pad_to(&heights).map_err(FinalError::Circuit)?;
        let mut airs: Vec<FinalAir> = CircuitAir::tables(&circuit)
            .into_iter()
            .map(FinalAir::Table)
            .collect();
        airs.push(FinalAir::Sink);
        let mut log_heights = CircuitAir::log_heights(&circuit);
        log_heights.push(sink_log_height(airs.len()));
        let data = preprocess(&zk_keygen_config(&RECURSION_PARAMS), &airs, &log_heights)
            .map_err(|e| FinalError::Prove(format!("{e:?}")))?;
        Ok(Self {
            circuit,
            verifier,
            airs,
            log_heights,
            data,
        })
    }

    /// The hiding commitment to the final circuit: what a verifier of final proofs holds.
    pub fn commitment(&self) -> CommitmentOf<ZkConfig> {
        self.data
            .common
            .preprocessed
            .as_ref()
            .expect("the ops tables have preprocessed columns")
            .commitment
            .clone()
    }

    /// The final circuit's public values for `top` of the program with preprocessed
    /// commitment `program` and initial root `initial_root` (what an honest final proof of it
    /// publishes).
    pub fn public_values(top: &Node, program: &KeyDigest, initial_root: &KeyDigest) -> Vec<Val> {
        let pv = &top.proof.public_values;
        let mut v = program.to_vec();
        v.extend(initial_root);
        v.extend(&pv[EXIT_CODE..EXIT_CODE + 4]);
        v.extend(&pv[JOURNAL_DIGEST..JOURNAL_DIGEST + 32]);
        v
    }

    /// The circuit's inputs for `top` (under a key of `set`) claimed as a run of the program
    /// `program` from `initial_root`.
    pub fn inputs(
        &self,
        set: &KeySet,
        top: &Node,
        program: &KeyDigest,
        initial_root: &KeyDigest,
    ) -> Result<Vec<Challenge>, FinalError> {
        let mut v: Vec<Challenge> = Self::public_values(top, program, initial_root)
            .into_iter()
            .map(Challenge::from)
            .collect();
        v.extend(child_inputs(set, top, &self.verifier)?);
        if v.len() != self.circuit.num_inputs {
            return Err(FinalError::Child(JoinError::OtherShape));
        }
        Ok(v)
    }

    /// The zero-knowledge proof that `top` is a halting run of the program (`program`,
    /// `initial_root`) under the keys of `set` (the set this key was built for).
    pub fn prove(
        &self,
        set: &KeySet,
        top: &Node,
        program: &KeyDigest,
        initial_root: &KeyDigest,
    ) -> Result<FinalProof, FinalError> {
        self.prove_blinded(set, top, program, initial_root, true)
    }

    /// As [`Self::prove`]; `blind = false` leaves the LogUp terminals unmasked, which only the
    /// zero-knowledge test's distinguisher wants (to show that it would succeed without).
    #[doc(hidden)]
    pub fn prove_blinded(
        &self,
        set: &KeySet,
        top: &Node,
        program: &KeyDigest,
        initial_root: &KeyDigest,
        blind: bool,
    ) -> Result<FinalProof, FinalError> {
        let inputs = self.inputs(set, top, program, initial_root)?;
        let wires = self
            .circuit
            .eval(&inputs)
            .map_err(FinalError::Unsatisfied)?;
        let mut rng = SecretRng::from_os();
        let traces = self.traces(&wires, || {
            if blind {
                rng.field_elements()
            } else {
                [Val::ZERO; 4]
            }
        });
        let public_values = self.circuit.public_values(&wires);
        let pv = per_table(&self.airs, &public_values);
        let instances: Vec<_> = self
            .airs
            .iter()
            .zip(&traces)
            .zip(pv)
            .map(|((air, trace), public_values)| StarkInstance {
                air,
                trace,
                public_values,
            })
            .collect();
        let proof = prove_batch(&zk_config(&RECURSION_PARAMS), &instances, &self.data)
            .map_err(|e| FinalError::Prove(format!("{e:?}")))?;
        Ok(FinalProof {
            public_values,
            proof,
        })
    }

    /// The final tables' traces for the wire values `wires`, each table's blinding tuple drawn
    /// by `draw` and received by the sink.
    pub fn traces(
        &self,
        wires: &[Challenge],
        mut draw: impl FnMut() -> [Val; 4],
    ) -> Vec<RowMajorMatrix<Val>> {
        let mut out: Vec<RowMajorMatrix<Val>> = traces(&self.circuit, wires)
            .into_iter()
            .map(widen)
            .collect();
        let mut tuples: Vec<[Val; 4]> = out.iter().map(|_| draw()).collect();
        tuples.push(draw());
        out.push(sink_trace(&tuples));
        for (t, tuple) in out.iter_mut().zip(&tuples) {
            let w = t.width;
            let cols: &mut BlindCols<Val> =
                core::borrow::BorrowMut::borrow_mut(&mut t.values[w - BLIND_WIDTH..w]);
            cols.r = *tuple;
        }
        out
    }

    /// Check a final proof: that some halting run of the program its public values name, under
    /// keys of this key's set, ends with its exit code and journal digest.
    pub fn verify(&self, proof: &FinalProof) -> Result<(), CircuitProofError> {
        verify_final(&self.airs, &self.log_heights, self.commitment(), proof)
    }

    /// What a verifier of this key's final proofs holds (a constant for a constant key set).
    pub fn verifying_key(&self) -> FinalVerifyingKey {
        FinalVerifyingKey {
            log_heights: self.log_heights.clone(),
            commitment: self.commitment().roots()[0],
        }
    }
}

/// A verifier's whole knowledge of the final circuit: its tables' heights and the digest of
/// their hiding commitment (the commitment's only root).
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct FinalVerifyingKey {
    pub log_heights: Vec<usize>,
    pub commitment: KeyDigest,
}

/// The final circuit's tables without operations: what checking a final proof needs.
pub fn final_verifier_airs() -> Vec<FinalAir> {
    let mut airs: Vec<FinalAir> = CircuitAir::without_operations(NUM_FINAL_PUBLIC_VALUES)
        .into_iter()
        .map(FinalAir::Table)
        .collect();
    airs.push(FinalAir::Sink);
    airs
}

impl FinalVerifyingKey {
    /// Check a final proof against this key (as [`FinalKey::verify`], without the circuit).
    pub fn verify(&self, proof: &FinalProof) -> Result<(), CircuitProofError> {
        let airs = final_verifier_airs();
        if self.log_heights.len() != airs.len() {
            return Err(CircuitProofError::Verify(format!(
                "{} table heights for {} final tables",
                self.log_heights.len(),
                airs.len()
            )));
        }
        let commitment = CommitmentOf::<ZkConfig>::from(vec![self.commitment]);
        verify_final(&airs, &self.log_heights, commitment, proof)
    }
}

/// The smallest log height the hiding PCS can mask at [`RECURSION_PARAMS`]: its random rows
/// (as many as the trace's) must cover every opened evaluation (extension degree × two
/// points) and every query, twice (`HidingFriPcs`'s budget).
fn zk_min_log_height() -> usize {
    let rows = 2 * (4 * 2 + RECURSION_PARAMS.num_queries);
    rows.next_power_of_two().trailing_zeros() as usize
}

/// The sink's log height for `tables` tables (one row each), as `sink_trace` lays it out.
fn sink_log_height(tables: usize) -> usize {
    let t = sink_trace(&vec![[Val::ZERO; 4]; tables]);
    (t.values.len() / t.width).trailing_zeros() as usize
}

/// Verify a final proof of the circuit with tables `airs` (at `log_heights`) committed to as
/// `commitment`.
pub fn verify_final(
    airs: &[FinalAir],
    log_heights: &[usize],
    commitment: CommitmentOf<ZkConfig>,
    proof: &FinalProof,
) -> Result<(), CircuitProofError> {
    if proof.public_values.len() != NUM_FINAL_PUBLIC_VALUES {
        return Err(CircuitProofError::Verify(format!(
            "{} public values, a final proof has {NUM_FINAL_PUBLIC_VALUES}",
            proof.public_values.len()
        )));
    }
    let config = zk_keygen_config(&RECURSION_PARAMS);
    // The hiding PCS proves every table at twice its height.
    let expected: Vec<usize> = log_heights.iter().map(|h| h + 1).collect();
    if proof.proof.degree_bits != expected {
        return Err(CircuitProofError::Verify(
            "table heights differ from the key's".into(),
        ));
    }
    let common = verifier_common(&config, airs, log_heights, commitment);
    verify_batch(
        &config,
        airs,
        &proof.proof,
        &per_table(airs, &proof.public_values),
        &common,
    )
    .map_err(|e| CircuitProofError::Verify(format!("{e:?}")))
}
