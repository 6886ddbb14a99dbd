//! Proving and verifying a circuit's tables with the batch STARK.
//!
//! The verifying key of a circuit is the commitment to its ops table's preprocessed columns
//! (the operations) with the tables' heights: a verifier holding it checks that *some*
//! assignment of wires satisfies exactly that circuit.

use vouch_stark::air::BaseAir;
use vouch_stark::batch::{prove_batch, verify_batch, BatchProof, ProverData, StarkInstance};
use vouch_stark::keys::{preprocess, verifier_common, CommitmentOf};
use vouch_stark::{plain_config, Challenge, Params, PlainConfig, Val, PARAMS};

use vouch_stark::ood::{self, Ood};
use vouch_stark::opening::{opening, Opening};
use vouch_stark::symbolic::Lookups;

use crate::air::{traces, CircuitAir};
use crate::circuit::{Circuit, CircuitError};

/// The parameters recursion proofs are proven with: blowup 4 and half the queries of segment
/// proofs (the same conjectured security, `log_blowup · queries` plus the grinds). A circuit
/// that verifies a recursion proof spends most of its operations per query, and the recursion
/// tables are narrow, so a higher blowup makes the join circuit about half as large for a
/// small cost in the (narrow) LDE.
pub const RECURSION_PARAMS: Params = Params {
    log_blowup: 2,
    num_queries: 45,
    ..PARAMS
};

/// What proving and verifying a circuit needs: its tables and their preprocessed data.
pub struct CircuitKey {
    pub airs: Vec<CircuitAir>,
    pub log_heights: Vec<usize>,
    data: ProverData<PlainConfig>,
}

impl core::fmt::Debug for CircuitKey {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.debug_struct("CircuitKey")
            .field("log_heights", &self.log_heights)
            .finish_non_exhaustive()
    }
}

/// Why a circuit could not be proven or a proof does not verify.
#[derive(Debug, thiserror::Error)]
pub enum CircuitProofError {
    #[error("the inputs do not satisfy the circuit: {0}")]
    Unsatisfied(#[from] CircuitError),
    #[error("proving failed: {0}")]
    Prove(String),
    #[error("the circuit proof does not verify: {0}")]
    Verify(String),
}

impl CircuitKey {
    /// Commit to `circuit`'s operations.
    pub fn new(circuit: &Circuit) -> Result<Self, CircuitProofError> {
        let airs = CircuitAir::tables(circuit);
        let log_heights = CircuitAir::log_heights(circuit);
        let config = plain_config(&RECURSION_PARAMS);
        let data = preprocess(&config, &airs, &log_heights)
            .map_err(|e| CircuitProofError::Prove(format!("{e:?}")))?;
        Ok(Self {
            airs,
            log_heights,
            data,
        })
    }

    /// The commitment a verifier checks proofs against.
    pub fn commitment(&self) -> CommitmentOf<PlainConfig> {
        self.data
            .common
            .preprocessed
            .as_ref()
            .expect("the ops tables have preprocessed columns")
            .commitment
            .clone()
    }

    /// Evaluate `circuit` on `inputs` and prove the evaluation; the proof's public values are
    /// the public inputs' values ([`Circuit::public_values`]).
    pub fn prove(
        &self,
        circuit: &Circuit,
        inputs: &[Challenge],
    ) -> Result<BatchProof<PlainConfig>, CircuitProofError> {
        let wires = circuit.eval(inputs)?;
        self.prove_wires(circuit, &wires)
    }

    /// Prove an assignment of wires as given (tests use it to prove unsatisfying ones).
    pub fn prove_wires(
        &self,
        circuit: &Circuit,
        wires: &[Challenge],
    ) -> Result<BatchProof<PlainConfig>, CircuitProofError> {
        let traces = traces(circuit, wires);
        let public_values = public_values_per_table(&self.airs, &circuit.public_values(wires));
        let instances: Vec<_> = self
            .airs
            .iter()
            .zip(&traces)
            .zip(public_values)
            .map(|((air, trace), public_values)| StarkInstance {
                air,
                trace,
                public_values,
            })
            .collect();
        let config = plain_config(&RECURSION_PARAMS);
        prove_batch(&config, &instances, &self.data)
            .map_err(|e| CircuitProofError::Prove(format!("{e:?}")))
    }
}

/// A recursion proof: the circuit's public values and the batch proof of its tables.
#[derive(serde::Serialize, serde::Deserialize)]
pub struct RecursionProof {
    pub public_values: Vec<Val>,
    pub proof: BatchProof<PlainConfig>,
}

/// A recursion proof's openings, replayed natively: what a circuit that verifies it reads
/// (the recursion's counterpart of `vouch_verifier::SegmentOod`).
pub struct CircuitProofOod {
    pub lookups: Vec<Lookups<Val>>,
    pub ood: Ood<Val, Challenge>,
    pub opening: Opening,
}

impl CircuitKey {
    /// Verify `proof` under this key and replay its openings for a circuit verifying it.
    pub fn proof_ood(&self, proof: &RecursionProof) -> Result<CircuitProofOod, CircuitProofError> {
        verify(
            &self.airs,
            &self.log_heights,
            self.commitment(),
            &proof.public_values,
            &proof.proof,
        )?;
        let config = plain_config(&RECURSION_PARAMS);
        let common = verifier_common(&config, &self.airs, &self.log_heights, self.commitment());
        let pv = public_values_per_table(&self.airs, &proof.public_values);
        let ood = ood::instances(&config, &self.airs, &common, &proof.proof, &pv)
            .map_err(CircuitProofError::Verify)?;
        let opening = opening(&RECURSION_PARAMS, &self.airs, &common, &proof.proof, &pv)
            .map_err(CircuitProofError::Verify)?;
        Ok(CircuitProofOod {
            lookups: common.lookups,
            ood,
            opening,
        })
    }
}

/// The public values as each table takes them: the public table all of them, the rest none.
pub(crate) fn public_values_per_table(airs: &[CircuitAir], public: &[Val]) -> Vec<Vec<Val>> {
    airs.iter()
        .map(|air| match air {
            CircuitAir::Public { .. } => public.to_vec(),
            _ => vec![],
        })
        .collect()
}

/// Verify a proof that the circuit with tables `airs` (at `log_heights`, committed to as
/// `commitment`) is satisfied by wires whose public inputs are `public`.
pub fn verify(
    airs: &[CircuitAir],
    log_heights: &[usize],
    commitment: CommitmentOf<PlainConfig>,
    public: &[Val],
    proof: &BatchProof<PlainConfig>,
) -> Result<(), CircuitProofError> {
    if proof.degree_bits.as_slice() != log_heights {
        return Err(CircuitProofError::Verify(
            "table heights differ from the key's".into(),
        ));
    }
    let expected = airs.iter().map(BaseAir::num_public_values).sum::<usize>();
    if public.len() != expected {
        return Err(CircuitProofError::Verify(format!(
            "{} public values, the circuit has {expected}",
            public.len()
        )));
    }
    let config = plain_config(&RECURSION_PARAMS);
    let common = verifier_common(&config, airs, log_heights, commitment);
    verify_batch(
        &config,
        airs,
        proof,
        &public_values_per_table(airs, public),
        &common,
    )
    .map_err(|e| CircuitProofError::Verify(format!("{e:?}")))
}
