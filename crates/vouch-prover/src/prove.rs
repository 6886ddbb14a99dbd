//! Proving: a whole execution in one proof, or segment by segment (continuations).

use std::time::{Duration, Instant};

use vouch_executor::{
    ExecError, ExecOptions, Executor, SegmentRecord, DEFAULT_CYCLE_LIMIT, DEFAULT_SEGMENT_CYCLES,
};
use vouch_machine::gadgets::memory::MAX_SEGMENT_CYCLES;
use vouch_machine::paging::{Digest, PageUpdate, PAGE_WORDS, PC_SLOT};
use vouch_machine::trace::{generate, SegmentTraces, TraceError};
use vouch_machine::Machine;
use vouch_stark::batch::{prove_batch, StarkInstance};
use vouch_stark::{plain_config, zk_config, PARAMS};
use vouch_verifier::{Proofs, Receipt, ReceiptProof, SegmentProof, RECEIPT_VERSION};

use crate::ProvingKey;

/// How to prove.
#[derive(Clone, Debug)]
pub struct ProveOptions {
    /// Zero knowledge (hiding commitments). On by default.
    pub zk: bool,
    /// Execution stops with an error after this many cycles.
    pub cycle_limit: u64,
    /// Longest segment, in cycles: an execution longer than this is proven segment by
    /// segment, and the prover's memory depends on this number, not on the execution's
    /// length. At most 2^22.
    pub segment_cycles: u32,
}

impl Default for ProveOptions {
    fn default() -> Self {
        Self {
            zk: true,
            cycle_limit: DEFAULT_CYCLE_LIMIT,
            segment_cycles: DEFAULT_SEGMENT_CYCLES,
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

/// Where proving is, for progress displays.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Progress {
    pub phase: Phase,
    /// The segment being worked on (0-based).
    pub segment: usize,
    /// Segments in all (known after the first, quick execution).
    pub segments: usize,
    /// Cycles of the whole execution.
    pub cycles: u64,
}

/// Why proving failed.
#[derive(Debug, thiserror::Error)]
pub enum ProveError {
    #[error(transparent)]
    Exec(#[from] ExecError),
    #[error("segments of {0} cycles are too long: the prover proves at most {MAX_SEGMENT_CYCLES} cycles in one segment")]
    SegmentTooLong(u32),
    #[error(transparent)]
    Trace(#[from] TraceError),
    #[error("proof system error: {0}")]
    Stark(String),
}

/// Measurements of one proof.
#[derive(Clone, Debug, Default)]
pub struct ProveStats {
    pub cycles: u64,
    /// Segments proven (1 for a whole-execution proof).
    pub segments: usize,
    pub execute: Duration,
    pub trace: Duration,
    pub prove: Duration,
    /// Per chip, in proof order, for the largest segment.
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
    /// Committed cells (main and LogUp) per cycle, over all tables of the largest segment.
    pub fn cells_per_cycle(&self) -> f64 {
        let cells: usize = self
            .tables
            .iter()
            .map(|t| t.height * (t.width + t.aux_width))
            .sum();
        let cycles = self.tables.iter().map(|t| t.rows).sum::<usize>().max(1);
        cells as f64 / cycles as f64
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
    /// The segment being proven (0 for a whole-execution proof).
    pub segment: usize,
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
    /// Execute the program on `input` and prove the execution: in one proof if it fits one
    /// segment, otherwise segment by segment.
    pub fn prove(
        &self,
        input: &[u8],
        opts: &ProveOptions,
        progress: &dyn Fn(Progress),
    ) -> Result<Proven, ProveError> {
        self.prove_inner(input, opts, progress, None)
    }

    /// Soundness-test harness: prove after `tamper` has changed the honest traces and
    /// statement of each segment. The ROM, range and byte tables' multiplicities are then
    /// recomputed from the tampered traces (unless `rebalance` is false), and the debug
    /// constraint check is skipped, so that the resulting receipt isolates the tampering.
    /// Such a receipt must not verify; tests check that it does not.
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
        progress: &dyn Fn(Progress),
        tamper: Option<(bool, &TamperFn<'_>)>,
    ) -> Result<Proven, ProveError> {
        if opts.segment_cycles == 0 || opts.segment_cycles as usize > MAX_SEGMENT_CYCLES {
            return Err(ProveError::SegmentTooLong(opts.segment_cycles));
        }
        // A quick run first: it finds execution errors before any proving, and tells how many
        // segments there will be (execution is a thousand times faster than proving).
        let mut report = Progress {
            phase: Phase::Execute,
            segment: 0,
            segments: 0,
            cycles: 0,
        };
        progress(report);
        let t = Instant::now();
        let dry = ExecOptions {
            cycle_limit: opts.cycle_limit,
            ..ExecOptions::default()
        };
        let cycles = Executor::new(&self.program, input.to_vec(), dry)
            .run()?
            .cycles;
        let segments = cycles.div_ceil(u64::from(opts.segment_cycles)).max(1) as usize;
        report.cycles = cycles;
        report.segments = segments;
        let mut stats = ProveStats {
            cycles,
            segments,
            execute: t.elapsed(),
            ..ProveStats::default()
        };

        let paged = segments > 1;
        let exec_opts = ExecOptions {
            cycle_limit: opts.cycle_limit,
            record: true,
            segment_cycles: if paged {
                opts.segment_cycles
            } else {
                MAX_SEGMENT_CYCLES as u32
            },
            ..ExecOptions::default()
        };
        let mut tree = paged.then(|| self.initial_tree());
        let mut proofs: Vec<SegmentProof> = Vec::new();
        let mut whole: Option<ReceiptProof> = None;
        // Salts of the pages written out: random, so that the roots hide memory contents.
        let mut salts = vouch_stark::SecretRng::from_os();
        let exec = Executor::new(&self.program, input.to_vec(), exec_opts).run_with_segments(
            |record: SegmentRecord| -> Result<(), ProveError> {
                let index = record.index as usize;
                report.segment = index;
                report.phase = Phase::Trace;
                progress(report);
                let t = Instant::now();
                let witness = match &mut tree {
                    Some(tree) => {
                        Some(tree.update(page_updates(&record), || salts.field_elements()))
                    }
                    None => None,
                };
                let digest = record.halt.map_or([0; 32], |h| digest_bytes(&h.digest));
                let mut traces = generate(
                    &self.program,
                    &self.tables,
                    &record,
                    digest,
                    witness.as_ref(),
                )?;
                drop(record);
                stats.trace += t.elapsed();
                report.phase = Phase::Prove;
                progress(report);
                let t = Instant::now();
                let proof =
                    self.prove_traces(&mut traces, paged, opts.zk, index, tamper, &mut stats)?;
                stats.prove += t.elapsed();
                match &witness {
                    Some(w) => proofs.push(SegmentProof {
                        root_in: canonical(&w.root_in),
                        root_out: canonical(&w.root_out),
                        proof,
                    }),
                    None => whole = Some(proof),
                }
                Ok(())
            },
        )?;
        let proof = match whole {
            Some(p) => Proofs::Whole(p),
            None => Proofs::Segments(proofs),
        };
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

    /// Prove one segment's traces (after the tampering of a soundness test, if any).
    fn prove_traces(
        &self,
        traces: &mut SegmentTraces,
        paged: bool,
        zk: bool,
        segment: usize,
        tamper: Option<(bool, &TamperFn<'_>)>,
        stats: &mut ProveStats,
    ) -> Result<ReceiptProof, ProveError> {
        let machine = self.machine(paged)?;
        let airs = machine.airs();
        match tamper {
            Some((rebalance, tamper)) => {
                tamper(&mut Tampering {
                    traces: &mut traces.traces,
                    statement: &mut traces.statement,
                    segment,
                });
                if rebalance {
                    let pv = vec![traces.statement.to_field_elements(); airs.len()];
                    vouch_machine::trace::rebalance(machine, &self.tables, &mut traces.traces, &pv);
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
        let rows: usize = traces.instruction_rows.iter().sum();
        let table_stats: Vec<TableStats> = Machine::kinds(paged)
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
        let (plain_data, zk_data) = self.prover_data(paged)?;
        let proof = if zk {
            let config = zk_config(&PARAMS);
            ReceiptProof::Zk(
                prove_batch(&config, &instances!(), zk_data)
                    .map_err(|e| ProveError::Stark(format!("{e:?}")))?,
            )
        } else {
            let config = plain_config(&PARAMS);
            ReceiptProof::Plain(
                prove_batch(&config, &instances!(), plain_data)
                    .map_err(|e| ProveError::Stark(format!("{e:?}")))?,
            )
        };
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
        if rows >= stats.tables.iter().map(|t| t.rows).sum::<usize>() {
            stats.tables = table_stats;
            for (t, a) in stats.tables.iter_mut().zip(aux) {
                t.aux_width = a;
            }
        }
        Ok(proof)
    }
}

/// The pages one segment touched: the register page (registers, then the pc in slot 33) and
/// every RAM page of the record.
fn page_updates(record: &SegmentRecord) -> Vec<PageUpdate> {
    let regs = record.regs_init.len();
    let mut init = vec![0u32; PAGE_WORDS];
    let mut last = vec![0u32; PAGE_WORDS];
    let mut last_ts = vec![0u32; PAGE_WORDS];
    init[..regs].copy_from_slice(&record.regs_init);
    last[..regs].copy_from_slice(&record.regs_final);
    last_ts[..regs].copy_from_slice(&record.regs_final_ts);
    let pc = PC_SLOT as usize;
    init[pc] = record.start_pc;
    last[pc] = record.end_pc;
    last_ts[pc] = 4 * (record.steps.len() as u32 + 1);
    let mut pages = vec![PageUpdate {
        index: 0,
        init,
        last,
        last_ts,
    }];
    pages.extend(record.pages.iter().map(|p| PageUpdate {
        index: p.index,
        init: p.init.clone(),
        last: p.last.clone(),
        last_ts: p.last_ts.clone(),
    }));
    pages
}

/// The journal digest as HALT read it: eight little-endian words.
fn digest_bytes(words: &[u32; 8]) -> [u8; 32] {
    let mut out = [0u8; 32];
    for (i, w) in words.iter().enumerate() {
        out[4 * i..4 * i + 4].copy_from_slice(&w.to_le_bytes());
    }
    out
}

fn canonical(d: &Digest) -> [u32; 8] {
    d.map(|x| vouch_stark::field::PrimeField32::as_canonical_u32(&x))
}
