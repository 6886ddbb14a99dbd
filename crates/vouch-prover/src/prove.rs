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
    /// Per chip, in proof order.
    pub tables: Vec<TableStats>,
}

/// The size of one chip's table in a proof.
#[derive(Clone, Debug, Default)]
pub struct TableStats {
    pub name: &'static str,
    /// Instruction rows (0 for tables that are not instruction chips).
    pub rows: usize,
    /// Height (a power of two).
    pub height: usize,
    /// Main-trace columns.
    pub width: usize,
    /// LogUp columns, in base-field columns (4 per extension-field column).
    pub aux_width: usize,
}

impl ProveStats {
    /// Committed cells (main and LogUp) per cycle, over all tables: what proving time follows.
    pub fn cells_per_cycle(&self) -> f64 {
        let cells: usize = self
            .tables
            .iter()
            .map(|t| t.height * (t.width + t.aux_width))
            .sum();
        cells as f64 / self.cycles.max(1) as f64
    }
}

/// A soundness test's change to the traces.
type TamperFn<'t> = dyn Fn(&mut Tampering<'_>) + 't;

/// What a soundness test may change before proving.
#[doc(hidden)]
pub struct Tampering<'a> {
    /// One trace per chip, in `ChipKind::ALL` order.
    pub traces: &'a mut Vec<vouch_stark::matrix::RowMajorMatrix<vouch_stark::Val>>,
    /// The public statement the proof is made for.
    pub statement: &'a mut vouch_machine::public::SegmentStatement,
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
        self.prove_inner(input, opts, progress, None)
    }

    /// Soundness-test harness: prove after `tamper` has changed the honest traces and
    /// statement. The ROM, range and byte tables' multiplicities are then recomputed from the
    /// tampered traces (unless `rebalance` is false), and the debug constraint check is
    /// skipped, so that the resulting receipt isolates the tampering. Such a receipt must not
    /// verify; tests check that it does not.
    #[doc(hidden)]
    pub fn prove_tampered(
        &self,
        input: &[u8],
        opts: &ProveOptions,
        rebalance: bool,
        tamper: &dyn Fn(&mut Tampering<'_>),
    ) -> Result<Proven, ProveError> {
        self.prove_inner(input, opts, &|_| {}, Some((rebalance, tamper)))
    }

    fn prove_inner(
        &self,
        input: &[u8],
        opts: &ProveOptions,
        progress: &dyn Fn(Phase),
        tamper: Option<(bool, &TamperFn<'_>)>,
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
        let mut traces = generate(
            &self.program,
            &self.tables,
            record,
            exec.journal_digest,
            None,
        )?;
        stats.trace = t.elapsed();
        let airs = self.machine.airs();
        match tamper {
            Some((rebalance, tamper)) => {
                tamper(&mut Tampering {
                    traces: &mut traces.traces,
                    statement: &mut traces.statement,
                });
                if rebalance {
                    let pv = vec![traces.statement.to_field_elements(); airs.len()];
                    vouch_machine::trace::rebalance(
                        &self.machine,
                        &self.tables,
                        &mut traces.traces,
                        &pv,
                    );
                }
            }
            None => {
                // Debug builds name a broken chip's failing constraint before proving.
                #[cfg(debug_assertions)]
                vouch_stark::debug::check_all(
                    airs,
                    &traces.traces,
                    &vec![traces.statement.to_field_elements(); airs.len()],
                );
            }
        }
        let public_values = traces.statement.to_field_elements();
        stats.tables = vouch_machine::ChipKind::ALL
            .iter()
            .zip(&traces.traces)
            .zip(&traces.instruction_rows)
            .map(|((k, t), &rows)| TableStats {
                name: k.name(),
                rows,
                height: t.values.len() / t.width.max(1),
                width: t.width,
                aux_width: 0,
            })
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
        let aux: Vec<usize> = match &proof {
            ReceiptProof::Zk(p) => p
                .opened_values
                .instances
                .iter()
                .map(|i| i.permutation_local.len())
                .collect(),
            ReceiptProof::Plain(p) => p
                .opened_values
                .instances
                .iter()
                .map(|i| i.permutation_local.len())
                .collect(),
        };
        for (t, a) in stats.tables.iter_mut().zip(aux) {
            t.aux_width = a;
        }
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
