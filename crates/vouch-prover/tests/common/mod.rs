//! Shared helpers of the prover's soundness tests.
#![allow(dead_code)]

use core::borrow::BorrowMut;

use vouch_executor::Program;
use vouch_machine::ChipKind;
use vouch_prover::{ProveOptions, ProvingKey, Receipt, Tampering, VerifyError};
use vouch_stark::matrix::RowMajorMatrix;
use vouch_stark::Val;

/// A proving key for an ELF.
pub fn key(elf: &[u8]) -> ProvingKey {
    ProvingKey::new(&Program::from_elf(elf).expect("test ELF loads")).expect("key generation")
}

/// Prove honestly (without zero knowledge, for speed) and return the receipt.
pub fn prove(pk: &ProvingKey, input: &[u8]) -> Receipt {
    let opts = ProveOptions {
        zk: false,
        ..Default::default()
    };
    pk.prove(input, &opts, &|_| {})
        .expect("honest proof")
        .receipt
}

/// Prove after `tamper` (with lookup multiplicities recomputed) and verify: the result.
pub fn verify_tampered(
    pk: &ProvingKey,
    input: &[u8],
    tamper: &(dyn Fn(&mut Tampering<'_>) + Sync),
) -> Result<(), VerifyError> {
    let opts = ProveOptions {
        zk: false,
        ..Default::default()
    };
    let proven = pk
        .prove_tampered(input, &opts, true, tamper)
        .expect("the prover produces a proof of the tampered trace");
    proven.receipt.verify(pk.program_id())
}

/// Assert that a tampered proof is rejected.
pub fn assert_rejected(
    pk: &ProvingKey,
    input: &[u8],
    what: &str,
    tamper: &(dyn Fn(&mut Tampering<'_>) + Sync),
) {
    match verify_tampered(pk, input, tamper) {
        Err(VerifyError::InvalidSegment { .. }) => {}
        Err(e) => panic!("{what}: rejected, but for an unexpected reason: {e}"),
        Ok(()) => panic!("{what}: a tampered proof verified"),
    }
}

/// The trace of `kind`.
pub fn trace<'a>(t: &'a mut Tampering<'_>, kind: ChipKind) -> &'a mut RowMajorMatrix<Val> {
    &mut t.traces[kind.index()]
}

/// Row `row` of `trace`, typed.
pub fn row_mut<C>(trace: &mut RowMajorMatrix<Val>, row: usize) -> &mut C
where
    [Val]: BorrowMut<C>,
{
    let width = trace.width;
    trace.values[row * width..(row + 1) * width].borrow_mut()
}

/// Index of the first row of `trace` whose typed view satisfies `pred`.
pub fn find_row<C>(trace: &mut RowMajorMatrix<Val>, pred: impl Fn(&C) -> bool) -> usize
where
    [Val]: BorrowMut<C>,
{
    let width = trace.width;
    trace
        .values
        .chunks_exact_mut(width)
        .position(|r| pred(r.borrow_mut()))
        .expect("a row matches")
}

/// A field element.
pub fn f(x: u32) -> Val {
    use vouch_stark::field::PrimeCharacteristicRing;
    Val::from_u32(x)
}

/// Put `value` in `rd` using only ADDI/ADD (no LUI), so tests of one chip do not depend on
/// the LUI/AUIPC chip: `value` is built bit by bit, most significant first.
pub fn li_alu(p: &mut vouch_testkit::Asm, rd: u8, value: u32) {
    p.addi(rd, 0, 0);
    for bit in (0..32).rev() {
        p.add(rd, rd, rd);
        if value >> bit & 1 == 1 {
            p.addi(rd, rd, 1);
        }
    }
}

/// HALT with `exit_code` and the empty journal's digest, using only ADDI/ADD to build the
/// pointer. The digest is placed in the program's data area.
pub fn halt_alu(p: &mut vouch_testkit::Asm, exit_code: u32) {
    use vouch_testkit::reg::{A0, A1, A7, ZERO};
    let digest = p.alloc_data(&vouch_testkit::empty_journal_digest());
    li_alu(p, A1, digest);
    li_alu(p, A0, exit_code);
    p.addi(A7, ZERO, 0).ecall();
}

/// HALT with the exit code already in `a0` and the empty journal's digest, using only
/// ADDI/ADD (see [`halt_alu`]).
pub fn halt_alu_exit_in_a0(p: &mut vouch_testkit::Asm) {
    use vouch_testkit::reg::{A1, A7, ZERO};
    let digest = p.alloc_data(&vouch_testkit::empty_journal_digest());
    li_alu(p, A1, digest);
    p.addi(A7, ZERO, 0).ecall();
}

/// Registers [`prove_all_pairs`] keeps its operands in: all but x0, a0, a1, a7 (HALT) and
/// the four it uses for results and the checksum.
const PAIR_VALUE_REGS: [u8; 24] = [
    1, 2, 3, 4, 5, 6, 7, 8, 9, 12, 13, 14, 15, 16, 18, 19, 20, 21, 22, 23, 24, 25, 26, 27,
];
const PAIR_RES: u8 = 28;
const PAIR_ACC: u8 = 29;
const PAIR_TMP: u8 = 30;
const PAIR_ALIAS: u8 = 31;

/// `acc = 3 acc + x (mod 2^32)`: the checksum step of [`prove_all_pairs`].
pub fn checksum_step(acc: u32, x: u32) -> u32 {
    acc.wrapping_mul(3).wrapping_add(x)
}

/// POSITIVE harness for a register-register chip. Assembles a program (ALU instructions and
/// the chip's `ops` only, constants built with ADDI/ADD) that runs `op rd, x, y` for every op
/// and every ordered pair of `values` (at most 24), plus `op r, r, r` (one register for rd,
/// rs1 and rs2) for every value and `op x0, x, y` (a write to the sink), folding every result
/// written to a real register into a checksum it exits with. Then checks:
/// - the executor's record of each of these instructions, in order, against
///   `(x, y, expected(op, x, y))`;
/// - that the honest proof (without zero knowledge) verifies and proves the exit code
///   `checksum(expected)`, which ties every proven result to `expected`.
///
/// Returns the number of instructions of the chip that the proof covers.
pub fn prove_all_pairs(
    ops: &[vouch_isa::Opcode],
    values: &[u32],
    expected: &dyn Fn(vouch_isa::Opcode, u32, u32) -> u32,
) -> usize {
    use vouch_isa::Instruction;
    use vouch_testkit::reg::{A0, ZERO};
    assert!(values.len() <= PAIR_VALUE_REGS.len(), "at most 24 values");
    let mut p = vouch_testkit::Asm::new();
    for (&v, &r) in values.iter().zip(&PAIR_VALUE_REGS) {
        li_alu(&mut p, r, v);
    }
    p.addi(PAIR_ACC, ZERO, 0);
    let mut cases: Vec<(u32, u32, u32)> = Vec::new();
    let mut acc = 0u32;
    // `op rd, rs1, rs2` on the values (x, y); fold rd into the checksum unless it is x0.
    let mut run = |p: &mut vouch_testkit::Asm,
                   op: vouch_isa::Opcode,
                   [rd, rs1, rs2]: [u8; 3],
                   x: u32,
                   y: u32,
                   acc: &mut u32| {
        p.insn(Instruction::new(op, rd, rs1, rs2, 0));
        let want = expected(op, x, y);
        cases.push((x, y, want));
        if rd != ZERO {
            p.add(PAIR_TMP, PAIR_ACC, PAIR_ACC);
            p.add(PAIR_ACC, PAIR_TMP, PAIR_ACC)
                .add(PAIR_ACC, PAIR_ACC, rd);
            *acc = checksum_step(*acc, want);
        }
    };
    for (i, &x) in values.iter().enumerate() {
        for (j, &y) in values.iter().enumerate() {
            for &op in ops {
                let (rs1, rs2) = (PAIR_VALUE_REGS[i], PAIR_VALUE_REGS[j]);
                run(&mut p, op, [PAIR_RES, rs1, rs2], x, y, &mut acc);
            }
        }
    }
    for (i, &x) in values.iter().enumerate() {
        for &op in ops {
            p.add(PAIR_ALIAS, PAIR_VALUE_REGS[i], ZERO);
            run(&mut p, op, [PAIR_ALIAS; 3], x, x, &mut acc);
        }
    }
    if let [x, y, ..] = values {
        for &op in ops {
            let regs = [ZERO, PAIR_VALUE_REGS[0], PAIR_VALUE_REGS[1]];
            run(&mut p, op, regs, *x, *y, &mut acc);
        }
    }
    p.add(A0, PAIR_ACC, ZERO);
    halt_alu_exit_in_a0(&mut p);
    let elf = p.elf();

    // The executor's record.
    let program = Program::from_elf(&elf).expect("test ELF loads");
    let opts = vouch_executor::ExecOptions {
        record: true,
        ..Default::default()
    };
    let exec = vouch_executor::Executor::new(&program, Vec::new(), opts)
        .run()
        .expect("runs");
    assert_eq!(exec.exit_code, acc, "the executor's checksum");
    let recorded: Vec<(u32, u32, u32)> = exec
        .segments
        .iter()
        .flat_map(|s| &s.steps)
        .filter(|s| {
            let insn = program
                .instruction_at(s.pc)
                .and_then(Result::ok)
                .expect("a valid pc");
            ops.contains(&insn.opcode)
        })
        .map(|s| (s.rs1_val, s.rs2_val, s.rd_val))
        .collect();
    assert_eq!(recorded.len(), cases.len());
    for (got, want) in recorded.iter().zip(&cases) {
        assert_eq!(got, want, "(rs1, rs2, rd) of a case");
    }

    // The proof.
    let pk = ProvingKey::new(&program).expect("key generation");
    let receipt = prove(&pk, &[]);
    receipt
        .verify(pk.program_id())
        .expect("the honest proof verifies");
    assert_eq!(receipt.exit_code, acc, "the proven checksum");
    cases.len()
}

/// A seeded pseudo-random generator (SplitMix64) for reproducible test operands.
#[derive(Clone, Debug)]
pub struct SplitMix(pub u64);

impl SplitMix {
    /// The next 64 pseudo-random bits.
    pub fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }

    /// A 32-bit operand, biased towards the shapes that break arithmetic circuits: a third
    /// uniform, the rest small magnitudes (positive or negative), powers of two and their
    /// neighbours, and values next to `i32::MIN`/`i32::MAX`.
    pub fn operand(&mut self) -> u32 {
        let x = self.next_u64();
        let (kind, v) = (x % 6, (x >> 8) as u32);
        match kind {
            0 | 1 => v,
            2 => v & 0xff,
            3 => (v & 0xffff).wrapping_neg(),
            4 => (1u32 << (v % 32))
                .wrapping_add((v >> 8) % 3)
                .wrapping_sub(1),
            _ => 0x8000_0000u32.wrapping_add((v >> 8) % 5).wrapping_sub(2),
        }
    }
}

/// Emit `acc = 3 acc + x (mod 2^32)` with ADDs ([`checksum_step`] in the guest), using `tmp`.
pub fn emit_checksum_step(p: &mut vouch_testkit::Asm, acc: u8, x: u8, tmp: u8) {
    p.add(tmp, acc, acc).add(acc, tmp, acc).add(acc, acc, x);
}

/// HALT with the exit code `a0` already holds and the digest of `journal` (what the program
/// must have committed). Uses `Asm::li`, so it needs the LUI/AUIPC chip.
pub fn halt_exit_in_a0(p: &mut vouch_testkit::Asm, journal: &[u8]) {
    use vouch_testkit::reg::{A1, A7};
    let digest = p.alloc_data(&vouch_testkit::journal_digest(journal));
    p.li(A1, digest).li(A7, vouch_abi::syscall::HALT).ecall();
}

/// Run `elf` on `input` in the executor (no recording): the reference the proofs are
/// cross-checked against.
pub fn execute(elf: &[u8], input: &[u8]) -> vouch_executor::Execution {
    let program = Program::from_elf(elf).expect("test ELF loads");
    vouch_executor::Executor::new(&program, input.to_vec(), Default::default())
        .run()
        .expect("the program runs")
}

/// Why the debug checker rejects a tampered trace: the trace is built as `prove_tampered`
/// builds it (with lookup multiplicities recomputed), then every constraint and bus is checked
/// row by row. Returns the first failure's message (naming the table, row and constraint, or
/// the unbalanced bus), or `None` if the tampered trace passes. Negative tests use it to show
/// that the constraint under test, not some other one, is what rejects.
pub fn debug_rejection(
    elf: &[u8],
    input: &[u8],
    tamper: &(dyn Fn(&mut Tampering<'_>) + Sync),
) -> Option<String> {
    key(elf)
        .debug_check_tampered(input, &ProveOptions::default(), tamper)
        .expect("the program runs")
}

// ---- Memory-chip helpers (load/store soundness tests) ----

/// Execute `elf` with recording on: the single segment's record, for cross-checking a
/// program's values against what the test expects.
pub fn record(elf: &[u8]) -> vouch_executor::SegmentRecord {
    let program = Program::from_elf(elf).expect("test ELF loads");
    let opts = vouch_executor::ExecOptions {
        record: true,
        ..Default::default()
    };
    let exec = vouch_executor::Executor::new(&program, Vec::new(), opts)
        .run()
        .expect("the test program runs to HALT");
    let [segment] = <[_; 1]>::try_from(exec.segments).expect("one segment");
    segment
}

/// The final value of memory word `addr` in `record` (the initial value if untouched).
pub fn final_word(record: &vouch_executor::SegmentRecord, addr: u32) -> Option<u32> {
    record
        .touched
        .iter()
        .find(|w| w.addr == addr)
        .map(|w| w.last)
}

/// A field element as an integer.
pub fn val_u32(x: Val) -> u32 {
    use vouch_stark::field::PrimeField32;
    x.as_canonical_u32()
}

/// A word of byte columns as an integer.
pub fn word_u32(w: &[Val; 4]) -> u32 {
    w.iter().rev().fold(0, |acc, &b| acc << 8 | val_u32(b))
}

/// End the segment at `(pc, clk)` on the `exec` bus and write the pc cell back with `pc` at
/// the matching timestamp `4 clk` (the segment chip's end state and its ordering witness).
pub fn set_segment_end(t: &mut Tampering<'_>, pc: u32, clk: u32) {
    use vouch_machine::chips::segment::SegmentCols;
    let row = row_mut::<SegmentCols<Val>>(trace(t, ChipKind::Segment), 0);
    row.end_pc = vouch_machine::gadgets::word::word_to_field(pc);
    row.end_clk = f(clk);
    let diff = 4 * clk - 5;
    row.end_lo = f(diff & 0xffff);
    row.end_hi = f(diff >> 16);
    assert!(t.set_final(vouch_machine::paging::PC_SLOT, pc));
    assert!(t.set_final_ts(vouch_machine::paging::PC_SLOT, 4 * clk));
}

/// Refill a read's witness for a previous access at `prev_ts` and the read at `ts`.
pub fn set_read(cols: &mut vouch_machine::gadgets::memory::ReadCols<Val>, prev_ts: u32, ts: u32) {
    let mut scratch = vouch_machine::trace::LookupCounts::new(0, 0);
    cols.populate(prev_ts, ts, &mut scratch);
}

/// Refill a write's witness: the previous access at `prev_ts` left `prev`; the write is at `ts`.
pub fn set_write(
    cols: &mut vouch_machine::gadgets::memory::WriteCols<Val>,
    prev_ts: u32,
    prev: u32,
    ts: u32,
) {
    let mut scratch = vouch_machine::trace::LookupCounts::new(0, 0);
    cols.populate(prev_ts, prev, ts, &mut scratch);
}

/// A hand-assembled program that uses only ADDI/ADD, loads, stores and HALT, together with a
/// plain model of the registers and memory it should leave behind. The model is written
/// independently of `vouch_isa`'s semantics helpers (which the executor uses), so comparing
/// it with the executor's record checks that the program computes what the test intends.
pub struct MemProgram {
    pub asm: vouch_testkit::Asm,
    /// x0..x31 as the program leaves them.
    pub regs: [u32; 32],
    /// Word-aligned address → value, for every word the program's data or stores define
    /// (absent words are zero).
    pub mem: std::collections::BTreeMap<u32, u32>,
    /// The data area's initial words.
    pub image: std::collections::BTreeMap<u32, u32>,
}

impl Default for MemProgram {
    fn default() -> Self {
        Self::new()
    }
}

impl MemProgram {
    pub fn new() -> Self {
        let mut regs = [0; 32];
        regs[2] = vouch_abi::memory::STACK_TOP;
        Self {
            asm: vouch_testkit::Asm::new(),
            regs,
            mem: Default::default(),
            image: Default::default(),
        }
    }

    /// Words in the data area (part of the program image); their address.
    pub fn data(&mut self, words: &[u32]) -> u32 {
        let addr = self.asm.alloc_words(words);
        for (i, &w) in words.iter().enumerate() {
            self.mem.insert(addr + 4 * i as u32, w);
            self.image.insert(addr + 4 * i as u32, w);
        }
        addr
    }

    /// `rd = value`, with ADDI/ADD only.
    pub fn li(&mut self, rd: u8, value: u32) {
        li_alu(&mut self.asm, rd, value);
        self.set(rd, value);
    }

    fn set(&mut self, rd: u8, value: u32) {
        if rd != 0 {
            self.regs[rd as usize] = value;
        }
    }

    /// The word at `addr`'s aligned address.
    pub fn word(&self, addr: u32) -> u32 {
        self.mem.get(&(addr & !3)).copied().unwrap_or(0)
    }

    /// Emit `op rd, imm(base)` (a load) and model it; returns the loaded value.
    pub fn load(&mut self, op: vouch_isa::Opcode, rd: u8, imm: i32, base: u8) -> u32 {
        use vouch_isa::Opcode::*;
        let addr = self.regs[base as usize].wrapping_add(imm as u32);
        let bytes = self.word(addr).to_le_bytes();
        let k = (addr & 3) as usize;
        let value = match op {
            Lb => bytes[k] as i8 as i32 as u32,
            Lbu => u32::from(bytes[k]),
            Lh => i16::from_le_bytes([bytes[k], bytes[k + 1]]) as i32 as u32,
            Lhu => u32::from(u16::from_le_bytes([bytes[k], bytes[k + 1]])),
            Lw => u32::from_le_bytes(bytes),
            _ => panic!("{op:?} is not a load"),
        };
        let width = match op {
            Lb | Lbu => 1,
            Lh | Lhu => 2,
            _ => 4,
        };
        assert_eq!(
            addr % width,
            0,
            "the test program's {op:?} at {addr:#x} is misaligned"
        );
        self.asm
            .insn(vouch_isa::Instruction::new(op, rd, base, 0, imm as u32));
        self.set(rd, value);
        value
    }

    /// Emit `op src, imm(base)` (a store) and model it; returns the new word.
    pub fn store(&mut self, op: vouch_isa::Opcode, src: u8, imm: i32, base: u8) -> u32 {
        use vouch_isa::Opcode::*;
        let addr = self.regs[base as usize].wrapping_add(imm as u32);
        let width = match op {
            Sb => 1,
            Sh => 2,
            Sw => 4,
            _ => panic!("{op:?} is not a store"),
        };
        assert_eq!(
            addr % width,
            0,
            "the test program's {op:?} at {addr:#x} is misaligned"
        );
        let mut bytes = self.word(addr).to_le_bytes();
        let value = self.regs[src as usize].to_le_bytes();
        let k = (addr & 3) as usize;
        bytes[k..k + width as usize].copy_from_slice(&value[..width as usize]);
        let new = u32::from_le_bytes(bytes);
        self.mem.insert(addr & !3, new);
        self.asm
            .insn(vouch_isa::Instruction::new(op, 0, base, src, imm as u32));
        new
    }

    /// HALT with exit code 0 (as `halt_alu`, whose registers the model follows), and the ELF.
    pub fn finish(&mut self) -> Vec<u8> {
        let digest = vouch_testkit::empty_journal_digest();
        let words: Vec<u32> = digest
            .chunks(4)
            .map(|c| u32::from_le_bytes([c[0], c[1], c[2], c[3]]))
            .collect();
        let addr = self.data(&words);
        use vouch_testkit::reg::{A0, A1, A7};
        self.li(A1, addr);
        self.li(A0, 0);
        self.asm.addi(A7, 0, 0).ecall();
        self.set(A7, 0);
        self.asm.elf()
    }

    /// Check the executor's record of the finished program against the model: every register
    /// and every word the model knows.
    pub fn check_against_executor(&self, elf: &[u8]) {
        let rec = record(elf);
        for r in 0..32 {
            assert_eq!(rec.regs_final[r], self.regs[r], "x{r}");
        }
        for (&addr, &value) in &self.mem {
            let initial = self.image.get(&addr).copied().unwrap_or(0);
            let got = final_word(&rec, addr).unwrap_or(initial);
            assert_eq!(got, value, "memory word {addr:#x}");
        }
    }
}

/// What the debug check must name as the reason a tampered trace is rejected.
#[derive(Clone, Copy, Debug)]
pub enum Reason<'a> {
    /// Exactly these constraints of table `kind` (indices in the order its `eval` asserts
    /// them) fail, on the first failing row.
    Constraints(ChipKind, &'a [usize]),
    /// The bus named `bus` does not balance, with an unmatched tuple sent or received in
    /// table `kind` (`None`: in any table). Every unbalanced tuple is listed, so other buses
    /// may fail as well (for instance the memory bus, when a tampered access has no page to
    /// come from); the named one must be among them.
    Bus(&'a str, Option<ChipKind>),
}

/// Assert that a tampered proof of `elf` is rejected (as [`assert_rejected`]) and that the
/// debug check names `reason`: the tampering isolates the constraint under test.
pub fn assert_rejected_because(
    elf: &[u8],
    input: &[u8],
    what: &str,
    reason: Reason<'_>,
    tamper: &(dyn Fn(&mut Tampering<'_>) + Sync),
) {
    let msg = debug_rejection(elf, input, tamper)
        .unwrap_or_else(|| panic!("{what}: the debug check accepts the tampered trace"));
    let named = match reason {
        Reason::Constraints(kind, idx) => {
            let list: Vec<String> = idx.iter().map(|i| format!("#{i}")).collect();
            msg.starts_with(&format!("table {}: ", kind.index()))
                && msg.ends_with(&format!("failed constraints = [{}]", list.join(", ")))
        }
        Reason::Bus(bus, kind) => match kind {
            Some(k) => msg.contains(&format!("global lookup '{bus}' (instance: {},", k.index())),
            None => msg.contains(&format!("global lookup '{bus}' (")),
        },
    };
    assert!(
        named,
        "{what}: expected {reason:?}, the debug check says: {msg}"
    );
    assert_rejected(&key(elf), input, what, tamper);
}

/// An instruction under test: at `pc`, `op` of `a` and `b` (register value or immediate).
pub struct Expect {
    pub pc: u32,
    pub op: vouch_isa::Opcode,
    pub a: u32,
    pub b: u32,
}

/// Emit `op rd, rs1, operand` and remember what it must compute.
#[allow(clippy::too_many_arguments)]
pub fn emit(
    p: &mut vouch_testkit::Asm,
    ex: &mut Vec<Expect>,
    op: vouch_isa::Opcode,
    rd: vouch_testkit::Reg,
    rs1: vouch_testkit::Reg,
    operand: i32,
    a: u32,
    b: u32,
) {
    ex.push(Expect {
        pc: p.pc(),
        op,
        a,
        b,
    });
    p.alu(op, rd, rs1, operand);
}

/// Run `elf` with recording on and check every instruction in `expects` against
/// `vouch_isa::alu`.
pub fn check_results(elf: &[u8], expects: &[Expect]) {
    let program = vouch_executor::Program::from_elf(elf).expect("test ELF loads");
    let opts = vouch_executor::ExecOptions {
        record: true,
        ..Default::default()
    };
    let exec = vouch_executor::Executor::new(&program, Vec::new(), opts)
        .run()
        .expect("runs to HALT");
    let [segment] = exec.segments.as_slice() else {
        panic!("one segment expected")
    };
    for x in expects {
        let step = segment
            .steps
            .iter()
            .find(|s| s.pc == x.pc)
            .expect("instruction executed");
        assert_eq!(step.rs1_val, x.a, "operand of {:?} at {:#x}", x.op, x.pc);
        let want = vouch_isa::alu(x.op.alu_op().expect("ALU opcode"), x.a, x.b);
        assert_eq!(step.rd_val, want, "{:?}({:#x}, {:#x})", x.op, x.a, x.b);
    }
}
