//! Proving.

use std::time::{Duration, Instant};

use vouch_executor::{ExecError, ExecOptions, Executor, DEFAULT_CYCLE_LIMIT};
use vouch_machine::gadgets::memory::MAX_SEGMENT_CYCLES;
use vouch_machine::trace::{generate, TraceError};
use vouch_stark::batch::{prove_batch, StarkInstance};
use vouch_stark::{plain_config, zk_config, PARAMS};
use vouch_verifier::{Receipt, ReceiptProof, RECEIPT_VERSION};

use crate::ProvingKey;

/// How to prove.
#[derive(Clone, Debug)]
pub struct ProveOptions {
    /// Zero knowledge (hiding commitments). On by default.
    pub zk: bool,
    /// Execution stops with an error after this many cycles.
    pub cycle_limit: u64,
}

impl Default for ProveOptions {
    fn default() -> Self {
        Self {
            zk: true,
            cycle_limit: DEFAULT_CYCLE_LIMIT,
        }
    }
}

/// The phases of proving, reported to a progress callback.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Phase {
    Execute,
    Trace,
    Prove,
}

/// Why proving failed.
#[derive(Debug, thiserror::Error)]
pub enum ProveError {
    #[error(transparent)]
    Exec(#[from] ExecError),
    #[error(
        "the execution takes {0} cycles; the prover proves at most {MAX_SEGMENT_CYCLES} cycles in one segment"
    )]
    TooLong(u64),
    #[error(transparent)]
    Trace(#[from] TraceError),
    #[error("proof system error: {0}")]
    Stark(String),
}

/// Measurements of one proof.
#[derive(Clone, Debug, Default)]
pub struct ProveStats {
    pub cycles: u64,
    pub execute: Duration,
    pub trace: Duration,
    pub prove: Duration,
    /// `(chip name, rows used, table height, width)` per chip.
    pub tables: Vec<(&'static str, usize, usize, usize)>,
}

/// A receipt and how it was made.
pub struct Proven {
    pub receipt: Receipt,
    pub stats: ProveStats,
    /// What the guest wrote to stdout and stderr.
    pub stdout: Vec<u8>,
    pub stderr: Vec<u8>,
}

impl ProvingKey {
    /// Execute the program on `input` and prove the execution.
    pub fn prove(
        &self,
        input: &[u8],
        opts: &ProveOptions,
        progress: &dyn Fn(Phase),
    ) -> Result<Proven, ProveError> {
        let mut stats = ProveStats::default();
        progress(Phase::Execute);
        let t = Instant::now();
        let exec_opts = ExecOptions {
            cycle_limit: opts.cycle_limit,
            record: true,
            segment_cycles: MAX_SEGMENT_CYCLES as u32,
            ..ExecOptions::default()
        };
        let exec = Executor::new(&self.program, input.to_vec(), exec_opts).run()?;
        stats.execute = t.elapsed();
        stats.cycles = exec.cycles;
        let [record] = exec.segments.as_slice() else {
            return Err(ProveError::TooLong(exec.cycles));
        };

        progress(Phase::Trace);
        let t = Instant::now();
        let traces = generate(&self.program, &self.tables, record, exec.journal_digest)?;
        stats.trace = t.elapsed();
        let public_values = traces.statement.to_field_elements();
        let airs = self.machine.airs();
        stats.tables = vouch_machine::ChipKind::ALL
            .iter()
            .zip(&traces.traces)
            .map(|(k, t)| (k.name(), 0, t.values.len() / t.width.max(1), t.width))
            .collect();
        macro_rules! instances {
            () => {
                airs.iter()
                    .zip(&traces.traces)
                    .map(|(air, trace)| StarkInstance {
                        air,
                        trace,
                        public_values: public_values.clone(),
                    })
                    .collect::<Vec<_>>()
            };
        }

        progress(Phase::Prove);
        let t = Instant::now();
        let proof = if opts.zk {
            let config = zk_config(&PARAMS);
            ReceiptProof::Zk(
                prove_batch(&config, &instances!(), &self.zk)
                    .map_err(|e| ProveError::Stark(format!("{e:?}")))?,
            )
        } else {
            let config = plain_config(&PARAMS);
            ReceiptProof::Plain(
                prove_batch(&config, &instances!(), &self.plain)
                    .map_err(|e| ProveError::Stark(format!("{e:?}")))?,
            )
        };
        stats.prove = t.elapsed();
        let receipt = Receipt {
            version: RECEIPT_VERSION,
            program_id: self.program_id(),
            journal: exec.journal,
            exit_code: exec.exit_code,
            vk: self.verifying_key().clone(),
            proof,
        };
        Ok(Proven {
            receipt,
            stats,
            stdout: exec.stdout,
            stderr: exec.stderr,
        })
    }
}
