//! Proving: a whole execution in one proof, or segment by segment (continuations).

use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use vouch_executor::{
    ExecError, ExecOptions, Executor, SegmentRecord, DEFAULT_CYCLE_LIMIT, DEFAULT_SEGMENT_CYCLES,
};
use vouch_machine::gadgets::memory::MAX_SEGMENT_CYCLES;
use vouch_machine::paging::{Digest, PageUpdate};
use vouch_machine::trace::menu::Menu;
use vouch_machine::trace::{generate, SegmentTraces, TraceError};
use vouch_machine::ChipKind;
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
    /// Segments proven at once, each in its own thread (every proof already uses all cores;
    /// more jobs trade memory for less idle time between segments).
    pub jobs: usize,
    /// The tables' heights each segment is proven at (its *shape*). A recursion key verifies
    /// one shape, so segments meant for aggregation are padded to a shape of the menu.
    pub padding: Padding,
}

/// The shape a segment is proven at.
#[derive(Clone, Debug, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub enum Padding {
    /// Every table at its natural height (the next power of two of its rows).
    #[default]
    Natural,
    /// Every table at these log2 heights (`ChipKind::ALL` order); an error if a table is
    /// taller or its height is fixed.
    To(Vec<usize>),
    /// The cheapest shape of the menu (`vouch_machine::trace::menu`) that holds the segment,
    /// the executor ending segments by the menu's budget so that one always does: the shapes
    /// a constant set of recursion keys is made for. Needs a segment size of the menu.
    Menu,
}

impl Default for ProveOptions {
    fn default() -> Self {
        Self {
            zk: true,
            cycle_limit: DEFAULT_CYCLE_LIMIT,
            segment_cycles: DEFAULT_SEGMENT_CYCLES,
            jobs: 1,
            padding: Padding::Natural,
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
type TamperFn<'t> = dyn Fn(&mut Tampering<'_>) + Sync + 't;

/// What a soundness test may change before proving.
#[doc(hidden)]
pub struct Tampering<'a> {
    /// One trace per chip, in `ChipKind::ALL` order.
    pub traces: &'a mut Vec<vouch_stark::matrix::RowMajorMatrix<vouch_stark::Val>>,
    /// The public statement the proof is made for.
    pub statement: &'a mut vouch_machine::public::SegmentStatement,
    /// The segment being proven.
    pub segment: usize,
    /// Set by the `set_final*` helpers: after the tampering, the page-out sponges, the memory
    /// tree's new hashes, the Poseidon2 table and `root_out` are recomputed from the page
    /// table's final states (`vouch_machine::trace::repage`).
    pub repage: bool,
}

impl Tampering<'_> {
    /// Set the final value of cell `addr` (a register 0..=32, the pc 33, or a RAM word's byte
    /// address), as the segment pages it out, keeping the memory tree consistent. Returns
    /// whether the segment pages the cell.
    pub fn set_final(&mut self, addr: u32, value: u32) -> bool {
        self.set_final_limbs(addr, vouch_machine::gadgets::word::word_to_field(value))
    }

    /// As [`Tampering::set_final`], with raw (possibly non-byte) limbs.
    pub fn set_final_limbs(&mut self, addr: u32, limbs: [vouch_stark::Val; 4]) -> bool {
        self.repage = true;
        let page = &mut self.traces[ChipKind::Page.index()];
        match vouch_machine::trace::final_cell(page, addr) {
            Some((last, _)) => {
                *last = limbs;
                true
            }
            None => false,
        }
    }

    /// Set the timestamp of cell `addr`'s final state. Returns whether the segment pages it.
    pub fn set_final_ts(&mut self, addr: u32, ts: u32) -> bool {
        use vouch_stark::field::PrimeCharacteristicRing;
        self.repage = true;
        let page = &mut self.traces[ChipKind::Page.index()];
        match vouch_machine::trace::final_cell(page, addr) {
            Some((_, last_ts)) => {
                *last_ts = vouch_stark::Val::from_u32(ts);
                true
            }
            None => false,
        }
    }

    /// The timestamp of cell `addr`'s final state, if the segment pages it.
    pub fn final_ts(&mut self, addr: u32) -> Option<u32> {
        use vouch_stark::field::PrimeField32;
        let page = &mut self.traces[ChipKind::Page.index()];
        vouch_machine::trace::final_cell(page, addr).map(|(_, ts)| ts.as_canonical_u32())
    }
}

/// A progress callback (called from proving threads).
type ProgressFn<'p> = dyn Fn(Progress) + Sync + 'p;

/// The callback a job reports (phase, segment) to.
fn report_fn<'a>(progress: &'a ProgressFn<'_>, base: Progress) -> impl Fn(Phase, usize) + 'a {
    move |phase, segment| {
        progress(Progress {
            phase,
            segment,
            ..base
        })
    }
}

/// One segment's proving job: everything needed to prove it, and nothing shared, so that it
/// can be serialized and proven elsewhere.
#[derive(Clone, Debug, serde::Serialize, serde::Deserialize)]
pub struct SegmentJob {
    /// Position in the execution, from 0.
    pub index: usize,
    /// Segments in the execution.
    pub segments: usize,
    /// The execution record of the segment.
    pub record: SegmentRecord,
    /// The memory-tree update: the pages the segment reads in and writes out.
    pub paging: vouch_machine::paging::PagedWitness,
    /// Zero knowledge.
    pub zk: bool,
    /// The shape the segment is proven at.
    #[serde(default)]
    pub padding: Padding,
    /// The longest segment of the execution, in cycles (what [`Padding::Menu`] picks from).
    #[serde(default)]
    pub segment_cycles: u32,
}

/// One proven segment: the proof and the memory-tree roots it goes between.
pub struct ProvenSegment {
    pub root_in: [u32; 8],
    pub root_out: [u32; 8],
    pub proof: ReceiptProof,
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
    /// Execute the program on `input` and prove the execution, segment by segment (one
    /// segment if it fits one).
    pub fn prove(
        &self,
        input: &[u8],
        opts: &ProveOptions,
        progress: &ProgressFn<'_>,
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
        tamper: &TamperFn<'_>,
    ) -> Result<Proven, ProveError> {
        self.prove_inner(input, opts, &|_| {}, Some((rebalance, tamper)))
    }

    fn prove_inner(
        &self,
        input: &[u8],
        opts: &ProveOptions,
        progress: &ProgressFn<'_>,
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
        let (cycles, segments) = self.count_segments(input, opts)?;
        report.cycles = cycles;
        report.segments = segments;
        let stats = ProveStats {
            cycles,
            segments,
            execute: t.elapsed(),
            ..ProveStats::default()
        };

        let stats_cell = Mutex::new(stats);
        let results: Mutex<Vec<(usize, ProvenSegment)>> = Mutex::new(Vec::new());
        let workers = opts.jobs.max(1);
        // The executor streams segment records; each becomes a self-contained job (the tree
        // update is sequential and cheap), proven here or by one of `workers` threads. The
        // channel holds at most `workers` jobs, so memory stays bounded by the segment size.
        let (tx, rx) = std::sync::mpsc::sync_channel::<SegmentJob>(workers);
        let rx = Mutex::new(rx);
        let failed: Mutex<Option<ProveError>> = Mutex::new(None);
        let (rx, failed_ref, results_ref, stats_ref) = (&rx, &failed, &results, &stats_cell);
        let exec = std::thread::scope(move |scope| -> Result<_, ProveError> {
            let (failed, results, stats_cell) = (failed_ref, results_ref, stats_ref);
            let mut handles = Vec::new();
            if workers > 1 {
                for _ in 0..workers {
                    handles.push(scope.spawn(move || loop {
                        let job = match rx.lock().map(|r| r.recv()) {
                            Ok(Ok(job)) => job,
                            _ => return,
                        };
                        let out =
                            self.prove_job(&job, tamper, stats_cell, &report_fn(progress, report));
                        match out {
                            Ok(p) => results
                                .lock()
                                .unwrap_or_else(|e| e.into_inner())
                                .push((job.index, p)),
                            Err(e) => {
                                failed
                                    .lock()
                                    .unwrap_or_else(|e| e.into_inner())
                                    .get_or_insert(e);
                            }
                        }
                    }));
                }
            }
            let exec = self.segment_jobs(input, opts, segments, |job| {
                let index = job.index;
                if workers > 1 {
                    tx.send(job)
                        .map_err(|_| ProveError::Stark("segment workers stopped".into()))
                } else {
                    let p =
                        self.prove_job(&job, tamper, stats_cell, &report_fn(progress, report))?;
                    results
                        .lock()
                        .unwrap_or_else(|e| e.into_inner())
                        .push((index, p));
                    Ok(())
                }
            });
            drop(tx);
            for h in handles {
                let _ = h.join();
            }
            exec
        });
        if let Some(e) = failed.into_inner().unwrap_or_else(|e| e.into_inner()) {
            return Err(e);
        }
        let exec = exec?;
        let stats = stats_cell.into_inner().unwrap_or_else(|e| e.into_inner());
        let mut results = results.into_inner().unwrap_or_else(|e| e.into_inner());
        results.sort_by_key(|r| r.0);
        let receipt = self.assemble(&exec, results.into_iter().map(|r| r.1).collect())?;
        Ok(Proven {
            receipt,
            stats,
            stdout: exec.stdout,
            stderr: exec.stderr,
        })
    }

    /// Execute `input` (with the recording the prover needs) and hand each segment's proving
    /// job to `sink` as soon as it is complete, with its memory-tree update (`segments` is
    /// from [`ProvingKey::count_segments`]). The tree update is sequential and cheap, proving
    /// the jobs is not and can happen anywhere, in any order.
    pub fn segment_jobs(
        &self,
        input: &[u8],
        opts: &ProveOptions,
        segments: usize,
        mut sink: impl FnMut(SegmentJob) -> Result<(), ProveError>,
    ) -> Result<vouch_executor::Execution, ProveError> {
        let exec_opts = self.recording(opts)?;
        let mut tree = self.initial_tree();
        // Salts of the pages written out: random, so that the roots hide memory contents.
        let mut salts = vouch_stark::SecretRng::from_os();
        Executor::new(&self.program, input.to_vec(), exec_opts).run_with_segments(
            |record: SegmentRecord| -> Result<(), ProveError> {
                let paging =
                    tree.update(PageUpdate::from_record(&record), || salts.field_elements());
                let index = record.index as usize;
                sink(SegmentJob {
                    index,
                    segments,
                    record,
                    paging,
                    zk: opts.zk,
                    padding: opts.padding.clone(),
                    segment_cycles: opts.segment_cycles,
                })
            },
        )
    }

    /// The executor's options for recording segments: their length and, for segments padded
    /// to the menu, the menu's budget.
    fn recording(&self, opts: &ProveOptions) -> Result<ExecOptions, ProveError> {
        let budget = match opts.padding {
            Padding::Menu => Some(Arc::new(
                Menu::new(&self.machine, opts.segment_cycles)?.budget(),
            )),
            _ => None,
        };
        Ok(ExecOptions {
            cycle_limit: opts.cycle_limit,
            record: true,
            segment_cycles: opts.segment_cycles,
            budget,
            ..ExecOptions::default()
        })
    }

    /// The number of cycles and segments of an execution (a quick run without recording; with
    /// the menu's budget, a recording run that keeps no segment).
    pub fn count_segments(
        &self,
        input: &[u8],
        opts: &ProveOptions,
    ) -> Result<(u64, usize), ProveError> {
        if opts.padding == Padding::Menu {
            let mut segments = 0;
            let exec = Executor::new(&self.program, input.to_vec(), self.recording(opts)?)
                .run_with_segments(|_| -> Result<(), ProveError> {
                    segments += 1;
                    Ok(())
                })?;
            return Ok((exec.cycles, segments));
        }
        let dry = ExecOptions {
            cycle_limit: opts.cycle_limit,
            ..ExecOptions::default()
        };
        let cycles = Executor::new(&self.program, input.to_vec(), dry)
            .run()?
            .cycles;
        Ok((
            cycles,
            cycles.div_ceil(u64::from(opts.segment_cycles)).max(1) as usize,
        ))
    }

    /// The receipt of an execution from its proven segments, in order.
    pub fn assemble(
        &self,
        exec: &vouch_executor::Execution,
        proven: Vec<ProvenSegment>,
    ) -> Result<Receipt, ProveError> {
        let zk = proven.first().is_some_and(|p| p.proof.is_zk());
        let segments = proven
            .into_iter()
            .map(|p| SegmentProof {
                root_in: p.root_in,
                root_out: p.root_out,
                proof: p.proof,
            })
            .collect();
        let zk_key = if zk {
            Some(self.zk()?.key.clone())
        } else {
            None
        };
        Ok(Receipt {
            version: RECEIPT_VERSION,
            program_id: self.program_id(),
            journal: exec.journal.clone(),
            exit_code: exec.exit_code,
            vk: self.verifying_key().clone(),
            proof: Proofs { zk_key, segments },
        })
    }
}

impl ProvingKey {
    /// Prove one segment: build its traces and prove them.
    pub fn prove_segment(&self, job: &SegmentJob) -> Result<ProvenSegment, ProveError> {
        let stats = Mutex::new(ProveStats::default());
        self.prove_job(job, None, &stats, &|_, _| {})
    }

    /// Soundness-test harness: prove a segment job that a test assembled itself (for instance
    /// from an *alternative* execution, spliced into a run) after `tamper` changed its traces,
    /// with the ROM, range and byte multiplicities recomputed when `rebalance` is set and no
    /// debug constraint check. A receipt containing such a segment must not verify.
    #[doc(hidden)]
    pub fn prove_segment_tampered(
        &self,
        job: &SegmentJob,
        rebalance: bool,
        tamper: &TamperFn<'_>,
    ) -> Result<ProvenSegment, ProveError> {
        let stats = Mutex::new(ProveStats::default());
        self.prove_job(job, Some((rebalance, tamper)), &stats, &|_, _| {})
    }

    /// Soundness-test harness: the first failure the row-by-row debug checker finds in the
    /// tampered traces of any segment (traces built and tampered exactly as
    /// [`ProvingKey::prove_tampered`] builds them, multiplicities recomputed), naming the
    /// table, row and constraint or the unbalanced bus; `None` if every segment passes.
    #[doc(hidden)]
    pub fn debug_check_tampered(
        &self,
        input: &[u8],
        opts: &ProveOptions,
        tamper: &TamperFn<'_>,
    ) -> Result<Option<String>, ProveError> {
        let (_, segments) = self.count_segments(input, opts)?;
        let mut first = None;
        self.segment_jobs(input, opts, segments, |job| {
            if first.is_some() {
                return Ok(());
            }
            let mut st = self.natural_traces(&job)?;
            let mut t = Tampering {
                traces: &mut st.traces,
                statement: &mut st.statement,
                segment: job.index,
                repage: false,
            };
            tamper(&mut t);
            if t.repage {
                vouch_machine::trace::repage(&mut st.traces, &mut st.statement);
            }
            let airs = self.machine.airs();
            let pv = vec![st.statement.to_field_elements(); airs.len()];
            vouch_machine::trace::rebalance(&self.machine, &self.tables, &mut st.traces, &pv);
            let result = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
                vouch_stark::debug::check_all(airs, &st.traces, &pv);
            }));
            first = result.err().map(|e| {
                e.downcast_ref::<String>()
                    .cloned()
                    .or_else(|| e.downcast_ref::<&str>().map(|s| s.to_string()))
                    .unwrap_or_default()
            });
            Ok(())
        })?;
        Ok(first)
    }

    /// Every segment's natural shape (its tables' log2 heights, `ChipKind::ALL` order), from
    /// trace generation alone: what a menu of segment shapes is designed from and what
    /// `examples/shapes` reports.
    pub fn segment_log_heights(
        &self,
        input: &[u8],
        opts: &ProveOptions,
    ) -> Result<Vec<Vec<usize>>, ProveError> {
        let (_, segments) = self.count_segments(input, opts)?;
        let mut shapes = Vec::with_capacity(segments);
        self.segment_jobs(input, opts, segments, |job| {
            let st = self.natural_traces(&job)?;
            shapes.push(st.log_heights());
            Ok(())
        })?;
        Ok(shapes)
    }

    /// A job's traces, every table at its natural height.
    fn natural_traces(&self, job: &SegmentJob) -> Result<SegmentTraces, ProveError> {
        let digest = job.record.halt.map_or([0; 32], |h| digest_bytes(&h.digest));
        Ok(generate(
            &self.program,
            &self.tables,
            &job.record,
            digest,
            &job.paging,
        )?)
    }

    fn prove_job(
        &self,
        job: &SegmentJob,
        tamper: Option<(bool, &TamperFn<'_>)>,
        stats: &Mutex<ProveStats>,
        progress: &dyn Fn(Phase, usize),
    ) -> Result<ProvenSegment, ProveError> {
        progress(Phase::Trace, job.index);
        let t = Instant::now();
        let mut traces = self.natural_traces(job)?;
        match &job.padding {
            Padding::Natural => {}
            Padding::To(log_heights) => traces.pad_to(&self.machine, log_heights)?,
            Padding::Menu => {
                let menu = Menu::new(&self.machine, job.segment_cycles)?;
                let shape = menu.pick(&traces.log_heights())?;
                traces.pad_to(&self.machine, &shape)?;
            }
        }
        let trace_time = t.elapsed();
        progress(Phase::Prove, job.index);
        let t = Instant::now();
        let mut local = ProveStats::default();
        let proof = self.prove_traces(&mut traces, job.zk, job.index, tamper, &mut local)?;
        if let Ok(mut s) = stats.lock() {
            s.trace += trace_time;
            s.prove += t.elapsed();
            let rows = |t: &[TableStats]| t.iter().map(|t| t.rows).sum::<usize>();
            if rows(&local.tables) >= rows(&s.tables) {
                s.tables = local.tables;
            }
        }
        Ok(ProvenSegment {
            root_in: canonical(&job.paging.root_in),
            root_out: canonical(&job.paging.root_out),
            proof,
        })
    }

    /// Prove one segment's traces (after the tampering of a soundness test, if any).
    fn prove_traces(
        &self,
        traces: &mut SegmentTraces,
        zk: bool,
        segment: usize,
        tamper: Option<(bool, &TamperFn<'_>)>,
        stats: &mut ProveStats,
    ) -> Result<ReceiptProof, ProveError> {
        let machine = &self.machine;
        let airs = machine.airs();
        match tamper {
            Some((rebalance, tamper)) => {
                let mut t = Tampering {
                    traces: &mut traces.traces,
                    statement: &mut traces.statement,
                    segment,
                    repage: false,
                };
                tamper(&mut t);
                if t.repage {
                    vouch_machine::trace::repage(&mut traces.traces, &mut traces.statement);
                }
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
        if zk {
            // Mask every table's LogUp terminal (`vouch_machine::chips::blind`, docs/zk.md).
            let mut rng = vouch_stark::SecretRng::from_os();
            vouch_machine::chips::blind::set_blinds(&mut traces.traces, || rng.field_elements());
        }
        let public_values = traces.statement.to_field_elements();
        let rows: usize = traces.instruction_rows.iter().sum();
        let table_stats: Vec<TableStats> = ChipKind::ALL
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
        let proof = if zk {
            let config = zk_config(&PARAMS);
            ReceiptProof::Zk(
                prove_batch(&config, &instances!(), &self.zk()?.data)
                    .map_err(|e| ProveError::Stark(format!("{e:?}")))?,
            )
        } else {
            let config = plain_config(&PARAMS);
            ReceiptProof::Plain(
                prove_batch(&config, &instances!(), &self.plain)
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
