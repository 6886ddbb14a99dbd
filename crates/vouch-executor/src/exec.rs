//! The interpreter.

use std::io::Write;

use sha2::{Digest, Sha256};
use vouch_abi::memory::{GUEST_MAX_ADDR, GUEST_MIN_ADDR, HEAP_END, STACK_BOTTOM, STACK_SIZE};
use vouch_abi::syscall;
use vouch_isa::{
    alu, branch_taken, load_extend, store_merge, Instruction, MemWidth, Opcode, NUM_REGS,
};

use crate::error::{AccessKind, ExecError};
use crate::memory::Memory;
use crate::profile::Profile;
use crate::program::Program;
use crate::record::{
    timestamp, HaltEvent, MemoryAccess, PageRecord, SegmentRecord, Step, TouchedWord, PAGE_WORDS,
    SLOT_MEM, SLOT_RD, SLOT_RS1, SLOT_RS2,
};

/// Default cycle limit: 2^30 cycles (about ten seconds of execution).
pub const DEFAULT_CYCLE_LIMIT: u64 = 1 << 30;

/// Default segment length when recording: 2^20 cycles.
pub const DEFAULT_SEGMENT_CYCLES: u32 = 1 << 20;

/// Largest allowed segment (the machine's limit, see [`vouch_abi::MAX_SEGMENT_CYCLES`]).
pub const MAX_SEGMENT_CYCLES: u32 = vouch_abi::MAX_SEGMENT_CYCLES;

/// How to run a program.
#[derive(Clone, Debug)]
pub struct ExecOptions {
    /// Stop with [`ExecError::CycleLimit`] after this many cycles.
    pub cycle_limit: u64,
    /// Produce [`SegmentRecord`]s for the prover.
    pub record: bool,
    /// Maximum steps per segment when recording.
    pub segment_cycles: u32,
    /// Count cycles per instruction address.
    pub profile: bool,
    /// Copy guest writes to stdout/stderr to the host's as they happen (they are captured
    /// either way).
    pub echo: bool,
    /// Answer `RANDOM_WORD` with random words (the default). When false, a guest asking for
    /// randomness stops with [`ExecError::RandomDisabled`].
    pub random: bool,
    /// When recording, also end a segment before a step that would exceed this budget.
    pub budget: Option<std::sync::Arc<SegmentBudget>>,
}

/// Classes of instructions a [`SegmentBudget`] counts (at most).
pub const BUDGET_CLASSES: usize = 32;

/// What one segment may hold: steps per class of instructions and memory pages. The prover's
/// tables grow with these counts (one row per step in its instruction's table; the paging
/// tables with the pages touched), so a limit bounds every table's height.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SegmentLimit {
    /// The most steps of each class.
    pub steps: Vec<u32>,
    /// The most memory pages touched, the register page included.
    pub pages: u32,
    /// The most nodes of the memory tree above the touched pages (the union of their paths,
    /// every level from 1 to the root), which the prover's Merkle table has a row for each.
    pub tree_nodes: u32,
}

/// The shapes a segment may have, as limits: a segment ends before the step after which no
/// limit holds it any more (counting, for pages, that one more step could touch two: one word
/// for a load or store, eight aligned words for `HALT`). A fixed set of recursion keys is made
/// per table shape, and this is how every segment gets a shape of the set
/// (`vouch_machine::trace::menu`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SegmentBudget {
    /// The class of each opcode, indexed by `Opcode as usize` (every opcode of
    /// [`Opcode::ALL`]): an index into each limit's `steps`.
    pub class: Vec<u8>,
    /// The limits, in the order they are tried (cheapest first).
    pub limits: Vec<SegmentLimit>,
    /// Levels of the memory tree above a page (its leaves are the pages: page `n` holds the
    /// bytes `256 n ..`, the register page is page 0).
    pub tree_depth: u32,
}

impl SegmentBudget {
    /// Pages a single step can add: what the page count keeps in reserve.
    pub const PAGES_PER_STEP: u32 = 2;

    fn check(&self) -> Result<(), ExecError> {
        let bad = |why: String| Err(ExecError::InvalidBudget(why));
        if self.class.len() != Opcode::ALL.len() {
            return bad(format!(
                "{} opcode classes for {} opcodes",
                self.class.len(),
                Opcode::ALL.len()
            ));
        }
        if self.limits.is_empty() {
            return bad("no limits".into());
        }
        if !(1..=31).contains(&self.tree_depth) {
            return bad(format!("a memory tree of depth {}", self.tree_depth));
        }
        // The register page, the pages of the first step and one more step, with their paths.
        let pages = 1 + 2 * Self::PAGES_PER_STEP;
        let nodes = pages * self.tree_depth;
        for limit in &self.limits {
            let classes = limit.steps.len();
            if classes == 0 || classes > BUDGET_CLASSES {
                return bad(format!("{classes} classes (1 to {BUDGET_CLASSES})"));
            }
            if let Some(&c) = self.class.iter().find(|&&c| c as usize >= classes) {
                return bad(format!("class {c} of {classes}"));
            }
            if limit.steps.contains(&0) {
                return bad("a class with no steps".into());
            }
            if limit.pages < pages {
                return bad(format!("{} pages", limit.pages));
            }
            if limit.tree_nodes < nodes {
                return bad(format!("{} tree nodes", limit.tree_nodes));
            }
        }
        Ok(())
    }

    /// Whether `limit` holds `steps` steps per class, `pages` pages and `nodes` tree nodes.
    fn holds(limit: &SegmentLimit, steps: &[u32; BUDGET_CLASSES], pages: u32, nodes: u32) -> bool {
        pages <= limit.pages
            && nodes <= limit.tree_nodes
            && limit.steps.iter().zip(steps).all(|(l, n)| n <= l)
    }
}

impl Default for ExecOptions {
    fn default() -> Self {
        Self {
            cycle_limit: DEFAULT_CYCLE_LIMIT,
            record: false,
            segment_cycles: DEFAULT_SEGMENT_CYCLES,
            profile: false,
            echo: false,
            random: true,
            budget: None,
        }
    }
}

/// The outcome of a run that reached `HALT`.
#[derive(Clone, Debug)]
pub struct Execution {
    pub exit_code: u32,
    /// The public output the guest committed.
    pub journal: Vec<u8>,
    /// SHA-256 of the journal, as passed to `HALT` by the guest.
    pub journal_digest: [u8; 32],
    /// Instructions executed (one cycle each).
    pub cycles: u64,
    pub stdout: Vec<u8>,
    pub stderr: Vec<u8>,
    /// Segment records, when recording was on and no segment sink was given.
    pub segments: Vec<SegmentRecord>,
    /// Cycles per pc, when profiling was on.
    pub profile: Option<Profile>,
}

/// Per-segment recording state: register and memory timestamps, first touches, steps.
struct Recorder {
    steps: Vec<Step>,
    reg_ts: [u32; NUM_REGS],
    regs_init: [u32; NUM_REGS],
    /// Last-access timestamp per memory word in this segment (0 = untouched).
    mem_ts: Memory,
    /// (address, value at segment start) of each word on its first access in the segment.
    first_touch: Vec<(u32, u32)>,
    start_pc: u32,
    start_cycle: u64,
    halt: Option<HaltEvent>,
    /// Steps per budget class so far.
    class_steps: [u32; BUDGET_CLASSES],
    /// The memory-tree nodes above the pages touched so far, as `(level, index)` (when a
    /// budget counts them), the register page's path included.
    nodes: std::collections::HashSet<(u32, u32)>,
    /// The budget's limit that holds the segment so far.
    limit: usize,
    /// The RAM pages touched so far, as a set and in the order they were first touched.
    pages: std::collections::HashSet<u32>,
    page_order: Vec<u32>,
    /// How many of `page_order` have their paths in `nodes`.
    pages_in_tree: usize,
}

impl Recorder {
    fn new(regs: [u32; NUM_REGS], pc: u32, cycle: u64, capacity: usize) -> Self {
        Self {
            steps: Vec::with_capacity(capacity),
            reg_ts: [0; NUM_REGS],
            regs_init: regs,
            mem_ts: Memory::new(),
            first_touch: Vec::new(),
            start_pc: pc,
            start_cycle: cycle,
            halt: None,
            class_steps: [0; BUDGET_CLASSES],
            nodes: std::collections::HashSet::new(),
            limit: 0,
            pages: std::collections::HashSet::new(),
            page_order: Vec::new(),
            pages_in_tree: 0,
        }
    }

    /// The memory-tree nodes (levels 1 to `depth`) above the register page and the pages
    /// touched so far, brought up to date with the pages touched since the last call.
    fn tree_nodes(&mut self, depth: u32) -> u32 {
        if self.nodes.is_empty() {
            self.add_path(0, depth);
        }
        while self.pages_in_tree < self.page_order.len() {
            let page = self.page_order[self.pages_in_tree];
            self.add_path(page, depth);
            self.pages_in_tree += 1;
        }
        self.nodes.len() as u32
    }

    /// Add the nodes above leaf `page`, from the bottom until one is already there.
    fn add_path(&mut self, page: u32, depth: u32) {
        for level in 1..=depth {
            if !self.nodes.insert((level, page >> level)) {
                break;
            }
        }
    }

    /// Whether one more step of `op` fits a limit of `budget`; counts it if so. The limit that
    /// held the segment so far is tried first; when it no longer holds, the first that does
    /// (counts only grow, so a limit left behind never holds again). The first step of a
    /// segment always fits ([`SegmentBudget::check`] leaves room for it).
    #[inline(always)]
    fn admit(&mut self, budget: &SegmentBudget, op: Opcode) -> bool {
        let c = budget.class[op as usize] as usize;
        // What the segment may hold after this step: a step adds at most two pages.
        let reserve = SegmentBudget::PAGES_PER_STEP;
        let pages = 1 + self.pages.len() as u32 + reserve;
        let nodes = self.tree_nodes(budget.tree_depth) + reserve * budget.tree_depth;
        self.class_steps[c] += 1;
        let current = &budget.limits[self.limit];
        if self.class_steps[c] <= current.steps[c]
            && pages <= current.pages
            && nodes <= current.tree_nodes
        {
            return true;
        }
        let found = (self.limit + 1..budget.limits.len())
            .find(|&i| SegmentBudget::holds(&budget.limits[i], &self.class_steps, pages, nodes));
        match found {
            Some(i) => {
                self.limit = i;
                true
            }
            None if self.steps.is_empty() => true,
            None => {
                self.class_steps[c] -= 1;
                false
            }
        }
    }

    /// Record an access to memory word `addr` holding `value` before the access, at `ts`;
    /// returns the previous timestamp.
    #[inline(always)]
    fn touch(&mut self, addr: u32, value: u32, ts: u32) -> u32 {
        let prev = self.mem_ts.replace(addr, ts);
        if prev == 0 {
            self.first_touch.push((addr, value));
            let page = addr / (4 * PAGE_WORDS as u32);
            if self.pages.insert(page) {
                self.page_order.push(page);
            }
        }
        prev
    }

    #[inline(always)]
    fn clk(&self) -> u32 {
        self.steps.len() as u32 + 1
    }
}

/// Runs one program on one input.
pub struct Executor<'p> {
    program: &'p Program,
    opts: ExecOptions,
    regs: [u32; NUM_REGS],
    pc: u32,
    mem: Memory,
    cycle: u64,
    input: Vec<u8>,
    input_pos: usize,
    journal: Vec<u8>,
    stdout: Vec<u8>,
    stderr: Vec<u8>,
    profile: Vec<u64>,
    rec: Option<Recorder>,
    next_segment: u32,
    random: RandomSource,
    halt_digest: [u8; 32],
}

/// The machine's state between two segments, as a soundness test may change it (see
/// [`Executor::run_with_segments_between`]). Not part of the stable API.
#[doc(hidden)]
pub struct BetweenSegments<'a> {
    regs: &'a mut [u32; NUM_REGS],
    pc: &'a mut u32,
    mem: &'a mut Memory,
}

impl BetweenSegments<'_> {
    /// Overwrite register `reg` (1..=31).
    pub fn set_reg(&mut self, reg: usize, value: u32) {
        if (1..32).contains(&reg) {
            self.regs[reg] = value;
        }
    }

    /// Register `reg`.
    pub fn reg(&self, reg: usize) -> u32 {
        self.regs.get(reg).copied().unwrap_or(0)
    }

    /// Continue at `pc`.
    pub fn set_pc(&mut self, pc: u32) {
        *self.pc = pc;
    }

    /// The pc the next segment starts at.
    pub fn pc(&self) -> u32 {
        *self.pc
    }

    /// Overwrite the memory word at `addr` (rounded down to a word; ignored outside guest
    /// memory).
    pub fn store_word(&mut self, addr: u32, value: u32) {
        if (GUEST_MIN_ADDR..GUEST_MAX_ADDR).contains(&addr) {
            self.mem.store(addr & !3, value);
        }
    }

    /// The memory word at `addr` (rounded down to a word; 0 outside guest memory).
    pub fn load_word(&self, addr: u32) -> u32 {
        if (GUEST_MIN_ADDR..GUEST_MAX_ADDR).contains(&addr) {
            self.mem.load(addr & !3)
        } else {
            0
        }
    }
}

/// Outcome of the dispatch loop.
enum Stop {
    Halted(u32),
    SegmentFull,
}

impl<'p> Executor<'p> {
    /// A fresh machine: registers zero except `sp`, memory holding the program image, pc at
    /// the entry point.
    pub fn new(program: &'p Program, input: Vec<u8>, opts: ExecOptions) -> Self {
        let mut regs = [0u32; NUM_REGS];
        regs[vouch_abi::reg::SP] = vouch_abi::memory::STACK_TOP;
        let profile = if opts.profile {
            vec![0; program.code().len()]
        } else {
            Vec::new()
        };
        Self {
            program,
            regs,
            pc: program.entry(),
            mem: Memory::with_image(program.image()),
            cycle: 0,
            input,
            input_pos: 0,
            journal: Vec::new(),
            stdout: Vec::new(),
            stderr: Vec::new(),
            profile,
            rec: None,
            next_segment: 0,
            random: RandomSource::new(),
            halt_digest: [0; 32],
            opts,
        }
    }

    /// Run to `HALT`, keeping every segment record in the returned [`Execution`].
    pub fn run(self) -> Result<Execution, ExecError> {
        let mut segments = Vec::new();
        let mut exec = self.run_with_segments(|seg| {
            segments.push(seg);
            Ok::<(), ExecError>(())
        })?;
        exec.segments = segments;
        Ok(exec)
    }

    /// Run to `HALT`, handing each finished segment record to `sink` as soon as it is
    /// complete, so that a long execution never holds more than one segment.
    /// The sink's error type must hold execution errors too.
    pub fn run_with_segments<E, F>(self, mut sink: F) -> Result<Execution, E>
    where
        E: From<ExecError>,
        F: FnMut(SegmentRecord) -> Result<(), E>,
    {
        self.run_with_segments_between(|record, _| sink(record))
    }

    /// Soundness-test support: set the pc before the run starts (an execution entered
    /// elsewhere than at the program's entry point). Not part of the stable API.
    #[doc(hidden)]
    pub fn set_pc(&mut self, pc: u32) {
        self.pc = pc;
    }

    /// Soundness-test support: as [`Executor::run_with_segments`], but `sink` may also change
    /// the machine's state (registers, pc, memory) between one segment and the next, so that
    /// tests can build *alternative* executions and try to splice them into a receipt. Not part
    /// of the stable API.
    #[doc(hidden)]
    pub fn run_with_segments_between<E, F>(mut self, mut sink: F) -> Result<Execution, E>
    where
        E: From<ExecError>,
        F: FnMut(SegmentRecord, &mut BetweenSegments<'_>) -> Result<(), E>,
    {
        self.opts.segment_cycles = self.opts.segment_cycles.clamp(1, MAX_SEGMENT_CYCLES);
        if let Some(budget) = &self.opts.budget {
            budget.check()?;
        }
        let exit_code = loop {
            let stop = match (self.opts.record, self.opts.profile) {
                (false, false) => self.dispatch::<false, false>()?,
                (false, true) => self.dispatch::<false, true>()?,
                (true, false) => self.dispatch::<true, false>()?,
                (true, true) => self.dispatch::<true, true>()?,
            };
            match stop {
                Stop::SegmentFull => {
                    let seg = self.close_segment();
                    let mut state = BetweenSegments {
                        regs: &mut self.regs,
                        pc: &mut self.pc,
                        mem: &mut self.mem,
                    };
                    sink(seg, &mut state)?;
                }
                Stop::Halted(code) => break code,
            }
        };
        if self.opts.record {
            let seg = self.close_segment();
            let mut state = BetweenSegments {
                regs: &mut self.regs,
                pc: &mut self.pc,
                mem: &mut self.mem,
            };
            sink(seg, &mut state)?;
        }
        let digest = self.halt_digest;
        if <[u8; 32]>::from(Sha256::digest(&self.journal)) != digest {
            return Err(ExecError::JournalDigestMismatch.into());
        }
        let profile = self
            .opts
            .profile
            .then(|| Profile::new(self.program, std::mem::take(&mut self.profile)));
        Ok(Execution {
            exit_code,
            journal: self.journal,
            journal_digest: digest,
            cycles: self.cycle,
            stdout: self.stdout,
            stderr: self.stderr,
            segments: Vec::new(),
            profile,
        })
    }
}

/// What a syscall asks the dispatch loop to do.
enum SyscallOutcome {
    /// Continue; write this value to `a0`.
    Continue(u32),
    Halt(u32),
}

impl Executor<'_> {
    /// The interpreter loop. `REC` records steps; `PROF` counts cycles per pc. Monomorphised
    /// four ways so that the plain run pays for neither.
    #[inline(never)]
    fn dispatch<const REC: bool, const PROF: bool>(&mut self) -> Result<Stop, ExecError> {
        let program = self.program;
        let code = program.canonical();
        let base = program.code_base();
        let seg_limit = self.opts.segment_cycles as usize;
        let limit = self.opts.cycle_limit;
        let budget = self.opts.budget.clone();
        let mut rec = if REC {
            Some(
                self.rec
                    .take()
                    .unwrap_or_else(|| Recorder::new(self.regs, self.pc, self.cycle, seg_limit)),
            )
        } else {
            None
        };
        let mut pc = self.pc;
        let result = loop {
            if self.cycle >= limit {
                break Err(ExecError::CycleLimit { limit });
            }
            if let Some(rec) = &rec {
                if rec.steps.len() >= seg_limit {
                    break Ok(Stop::SegmentFull);
                }
            }
            let idx = pc.wrapping_sub(base) >> 2;
            let insn: Instruction = match code.get(idx as usize) {
                Some(Ok(insn)) => *insn,
                Some(Err(vouch_isa::DecodeError::Illegal(word))) => {
                    break Err(ExecError::IllegalInstruction { pc, word: *word });
                }
                None => break Err(ExecError::PcOutOfCode { pc }),
            };
            if let (Some(rec), Some(budget)) = (&mut rec, &budget) {
                if !rec.admit(budget, insn.opcode) {
                    break Ok(Stop::SegmentFull);
                }
            }
            if PROF {
                self.profile[idx as usize] += 1;
            }
            let (rs1, rs2, rd) = (
                insn.rs1 as usize & 31,
                insn.rs2 as usize & 31,
                insn.rd as usize,
            );
            let a = self.regs[rs1];
            let b = self.regs[rs2];
            let imm = insn.imm;
            let mut next = pc.wrapping_add(4);
            let mut mem_access = MemoryAccess::default();
            let mut halted = None;
            let rd_val: u32 = match insn.opcode {
                Opcode::Add => a.wrapping_add(b),
                Opcode::Sub => a.wrapping_sub(b),
                Opcode::Sll => a << (b & 31),
                Opcode::Slt => u32::from((a as i32) < (b as i32)),
                Opcode::Sltu => u32::from(a < b),
                Opcode::Xor => a ^ b,
                Opcode::Srl => a >> (b & 31),
                Opcode::Sra => ((a as i32) >> (b & 31)) as u32,
                Opcode::Or => a | b,
                Opcode::And => a & b,
                Opcode::Addi => a.wrapping_add(imm),
                Opcode::Slti => u32::from((a as i32) < (imm as i32)),
                Opcode::Sltiu => u32::from(a < imm),
                Opcode::Xori => a ^ imm,
                Opcode::Ori => a | imm,
                Opcode::Andi => a & imm,
                Opcode::Slli => a << imm,
                Opcode::Srli => a >> imm,
                Opcode::Srai => ((a as i32) >> imm) as u32,
                Opcode::Mul
                | Opcode::Mulh
                | Opcode::Mulhsu
                | Opcode::Mulhu
                | Opcode::Div
                | Opcode::Divu
                | Opcode::Rem
                | Opcode::Remu => match insn.opcode.alu_op() {
                    Some(op) => alu(op, a, b),
                    None => 0,
                },
                Opcode::Lb | Opcode::Lh | Opcode::Lw | Opcode::Lbu | Opcode::Lhu => {
                    let (width, signed) =
                        insn.opcode.load_width().unwrap_or((MemWidth::Word, false));
                    let addr = a.wrapping_add(imm);
                    if let Err(e) = check_data_addr(pc, addr, width.bytes(), AccessKind::Load) {
                        break Err(e);
                    }
                    let aligned = addr & !3;
                    let word = self.mem.load(aligned);
                    if let Some(rec) = &mut rec {
                        let ts = timestamp(rec.clk(), SLOT_MEM);
                        let prev_ts = rec.touch(aligned, word, ts);
                        mem_access = MemoryAccess {
                            addr: aligned,
                            value: word,
                            prev_value: word,
                            prev_ts,
                        };
                    }
                    load_extend(width, signed, word, addr)
                }
                Opcode::Sb | Opcode::Sh | Opcode::Sw => {
                    let width = insn.opcode.store_width().unwrap_or(MemWidth::Word);
                    let addr = a.wrapping_add(imm);
                    if let Err(e) = check_data_addr(pc, addr, width.bytes(), AccessKind::Store) {
                        break Err(e);
                    }
                    let aligned = addr & !3;
                    let old = self.mem.load(aligned);
                    let new = store_merge(width, old, b, addr);
                    self.mem.store(aligned, new);
                    if let Some(rec) = &mut rec {
                        let ts = timestamp(rec.clk(), SLOT_MEM);
                        let prev_ts = rec.touch(aligned, old, ts);
                        mem_access = MemoryAccess {
                            addr: aligned,
                            value: new,
                            prev_value: old,
                            prev_ts,
                        };
                    }
                    0
                }
                Opcode::Beq
                | Opcode::Bne
                | Opcode::Blt
                | Opcode::Bge
                | Opcode::Bltu
                | Opcode::Bgeu => {
                    if branch_taken(insn.opcode, a, b) {
                        next = pc.wrapping_add(imm);
                        if next & 3 != 0 {
                            break Err(ExecError::MisalignedPc { pc, target: next });
                        }
                    }
                    0
                }
                Opcode::Jal => {
                    next = pc.wrapping_add(imm);
                    if next & 3 != 0 {
                        break Err(ExecError::MisalignedPc { pc, target: next });
                    }
                    pc.wrapping_add(4)
                }
                Opcode::Jalr => {
                    next = a.wrapping_add(imm) & !1;
                    if next & 3 != 0 {
                        break Err(ExecError::MisalignedPc { pc, target: next });
                    }
                    pc.wrapping_add(4)
                }
                Opcode::Lui => imm,
                Opcode::Auipc => pc.wrapping_add(imm),
                Opcode::Fence => 0,
                Opcode::Ecall => match self.syscall(pc, a, b, rec.as_mut()) {
                    Ok(SyscallOutcome::Continue(v)) => v,
                    Ok(SyscallOutcome::Halt(code)) => {
                        halted = Some(code);
                        next = pc;
                        b
                    }
                    Err(e) => break Err(e),
                },
            };
            if let Some(rec) = &mut rec {
                let op = insn.opcode;
                let clk = rec.clk();
                let mut step = Step {
                    pc,
                    mem: mem_access,
                    ..Step::default()
                };
                if op.reads_rs1() {
                    step.rs1_val = a;
                    step.rs1_prev_ts =
                        std::mem::replace(&mut rec.reg_ts[rs1], timestamp(clk, SLOT_RS1));
                }
                if op.reads_rs2() {
                    step.rs2_val = b;
                    step.rs2_prev_ts =
                        std::mem::replace(&mut rec.reg_ts[rs2], timestamp(clk, SLOT_RS2));
                }
                if op.writes_rd() && halted.is_none() {
                    step.rd_val = rd_val;
                    step.rd_prev_val = self.regs[rd];
                    step.rd_prev_ts =
                        std::mem::replace(&mut rec.reg_ts[rd], timestamp(clk, SLOT_RD));
                }
                rec.steps.push(step);
            }
            // x0 is never written: instructions that write x0 name the sink register, and
            // those without a destination have rd = 0 and rd_val = 0.
            self.regs[rd] = rd_val;
            self.cycle += 1;
            pc = next;
            if let Some(code) = halted {
                break Ok(Stop::Halted(code));
            }
        };
        self.pc = pc;
        self.rec = rec;
        result
    }

    /// Handle an ECALL: `number` is `a7`, `a0` the first argument.
    #[cold]
    fn syscall(
        &mut self,
        pc: u32,
        number: u32,
        a0: u32,
        rec: Option<&mut Recorder>,
    ) -> Result<SyscallOutcome, ExecError> {
        let a1 = self.regs[vouch_abi::reg::A1];
        let a2 = self.regs[vouch_abi::reg::A2];
        match number {
            syscall::HALT => {
                let bad = |reason: &str| ExecError::BadSyscall {
                    pc,
                    syscall: "HALT",
                    reason: reason.to_string(),
                };
                if a1 & 3 != 0 {
                    return Err(bad("journal digest pointer is not word-aligned"));
                }
                let mut digest = [0u32; 8];
                let mut prev_ts = [0u32; 8];
                for (i, word) in digest.iter_mut().enumerate() {
                    let addr = a1.wrapping_add(4 * i as u32);
                    check_data_addr(pc, addr, 4, AccessKind::Load)?;
                    *word = self.mem.load(addr);
                }
                if let Some(rec) = rec {
                    let clk = rec.clk();
                    let a1_prev_ts = std::mem::replace(
                        &mut rec.reg_ts[vouch_abi::reg::A1],
                        timestamp(clk, SLOT_MEM),
                    );
                    for (i, &word) in digest.iter().enumerate() {
                        prev_ts[i] = rec.touch(a1 + 4 * i as u32, word, timestamp(clk, SLOT_MEM));
                    }
                    rec.halt = Some(HaltEvent {
                        clk,
                        exit_code: a0,
                        digest_addr: a1,
                        digest,
                        prev_ts,
                        a1_prev_ts,
                    });
                }
                for (i, word) in digest.iter().enumerate() {
                    self.halt_digest[4 * i..4 * i + 4].copy_from_slice(&word.to_le_bytes());
                }
                Ok(SyscallOutcome::Halt(a0))
            }
            syscall::READ_WORD => {
                let mut bytes = [0u8; 4];
                let rest = self.input.get(self.input_pos..).unwrap_or(&[]);
                let n = rest.len().min(4);
                bytes[..n].copy_from_slice(&rest[..n]);
                self.input_pos += n;
                Ok(SyscallOutcome::Continue(u32::from_le_bytes(bytes)))
            }
            syscall::INPUT_REMAINING => {
                let left = self.input.len().saturating_sub(self.input_pos);
                Ok(SyscallOutcome::Continue(
                    u32::try_from(left).unwrap_or(u32::MAX),
                ))
            }
            syscall::COMMIT => {
                let bytes = self.guest_bytes(pc, "COMMIT", a0, a1)?;
                self.journal.extend_from_slice(&bytes);
                Ok(SyscallOutcome::Continue(a0))
            }
            syscall::WRITE => {
                let bytes = self.guest_bytes(pc, "WRITE", a1, a2)?;
                match a0 {
                    syscall::FD_STDOUT => {
                        if self.opts.echo {
                            let _ = std::io::stdout().write_all(&bytes);
                        }
                        self.stdout.extend_from_slice(&bytes);
                    }
                    syscall::FD_STDERR => {
                        if self.opts.echo {
                            let _ = std::io::stderr().write_all(&bytes);
                        }
                        self.stderr.extend_from_slice(&bytes);
                    }
                    fd => {
                        return Err(ExecError::BadSyscall {
                            pc,
                            syscall: "WRITE",
                            reason: format!("unknown file descriptor {fd}"),
                        })
                    }
                }
                Ok(SyscallOutcome::Continue(a0))
            }
            syscall::PANIC => {
                let len = a1.min(1 << 16);
                let bytes = self.guest_bytes(pc, "PANIC", a0, len)?;
                Err(ExecError::GuestPanic {
                    message: String::from_utf8_lossy(&bytes).into_owned(),
                })
            }
            syscall::CYCLE_COUNT => Ok(SyscallOutcome::Continue(self.cycle as u32)),
            syscall::RANDOM_WORD if !self.opts.random => Err(ExecError::RandomDisabled { pc }),
            syscall::RANDOM_WORD => Ok(SyscallOutcome::Continue(self.random.next_u32())),
            number => Err(ExecError::UnknownSyscall { pc, number }),
        }
    }

    /// Copy `len` guest bytes at `ptr`, for syscalls that read buffers on the host side only.
    fn guest_bytes(
        &self,
        pc: u32,
        syscall: &'static str,
        ptr: u32,
        len: u32,
    ) -> Result<Vec<u8>, ExecError> {
        let end = ptr
            .checked_add(len)
            .filter(|&end| len == 0 || (ptr >= GUEST_MIN_ADDR && end <= GUEST_MAX_ADDR));
        if end.is_none() {
            return Err(ExecError::BadSyscall {
                pc,
                syscall,
                reason: format!("buffer 0x{ptr:08x}+{len} lies outside guest memory"),
            });
        }
        Ok((ptr..ptr + len)
            .map(|addr| (self.mem.load(addr & !3) >> (8 * (addr & 3))) as u8)
            .collect())
    }

    /// Finish the current segment's record and reset per-segment state.
    fn close_segment(&mut self) -> SegmentRecord {
        let rec = self
            .rec
            .take()
            .unwrap_or_else(|| Recorder::new(self.regs, self.pc, self.cycle, 0));
        let mut touched: Vec<TouchedWord> = rec
            .first_touch
            .iter()
            .map(|&(addr, init)| TouchedWord {
                addr,
                init,
                last: self.mem.load(addr),
                last_ts: rec.mem_ts.load(addr),
            })
            .collect();
        touched.sort_unstable_by_key(|t| t.addr);
        let pages = self.pages_of(&touched);
        let index = self.next_segment;
        self.next_segment += 1;
        SegmentRecord {
            index,
            start_cycle: rec.start_cycle,
            start_pc: rec.start_pc,
            end_pc: self.pc,
            steps: rec.steps,
            halt: rec.halt,
            regs_init: rec.regs_init.to_vec(),
            regs_final: self.regs.to_vec(),
            regs_final_ts: rec.reg_ts.to_vec(),
            touched,
            pages,
        }
    }

    /// The pages holding `touched` (sorted by address): a touched word starts at its recorded
    /// initial value, an untouched word of the page did not change during the segment.
    fn pages_of(&self, touched: &[TouchedWord]) -> Vec<PageRecord> {
        let mut pages: Vec<PageRecord> = Vec::new();
        for t in touched {
            let index = t.addr / 256;
            if pages.last().map(|p| p.index) != Some(index) {
                let words: Vec<u32> = (0..PAGE_WORDS as u32)
                    .map(|i| self.mem.load(index * 256 + 4 * i))
                    .collect();
                pages.push(PageRecord {
                    index,
                    init: words.clone(),
                    last: words,
                    last_ts: vec![0; PAGE_WORDS],
                });
            }
            if let Some(page) = pages.last_mut() {
                let slot = ((t.addr % 256) / 4) as usize;
                page.init[slot] = t.init;
                page.last_ts[slot] = t.last_ts;
            }
        }
        pages
    }
}

/// Check a data access: aligned to its width, inside guest memory, not in the stack guard.
#[inline(always)]
fn check_data_addr(pc: u32, addr: u32, width: u32, kind: AccessKind) -> Result<(), ExecError> {
    let in_heap = addr.wrapping_sub(GUEST_MIN_ADDR) < HEAP_END - GUEST_MIN_ADDR;
    let in_stack = addr.wrapping_sub(STACK_BOTTOM) < STACK_SIZE;
    if addr & (width - 1) == 0 && (in_heap || in_stack) {
        return Ok(());
    }
    Err(data_fault(pc, addr, width, kind))
}

#[cold]
fn data_fault(pc: u32, addr: u32, width: u32, kind: AccessKind) -> ExecError {
    if addr & (width - 1) != 0 {
        ExecError::MisalignedAccess {
            pc,
            addr,
            width,
            kind,
        }
    } else if (HEAP_END..STACK_BOTTOM).contains(&addr) {
        ExecError::StackOverflow {
            pc,
            addr,
            stack_kib: STACK_SIZE / 1024,
        }
    } else {
        ExecError::OutOfBounds { pc, addr, kind }
    }
}

/// The host's source for `RANDOM_WORD`: SplitMix64 seeded from the OS (through std's
/// randomly keyed hasher). Prover-chosen by design; see docs/abi.md.
struct RandomSource(u64);

impl RandomSource {
    fn new() -> Self {
        use std::hash::{BuildHasher, Hasher};
        let mut h = std::collections::hash_map::RandomState::new().build_hasher();
        h.write_u64(0x76_6f75_6368);
        Self(h.finish())
    }

    fn next_u32(&mut self) -> u32 {
        self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        (z ^ (z >> 31)) as u32
    }
}
