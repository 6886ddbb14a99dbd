//! Random RV32IM programs for differential testing against another RISC-V implementation.
//!
//! [`RandomProgram::generate`] builds, from a seed, a program that sets every register (but
//! `x0` and `sp`) to a random value and runs a random mix of every ALU and M instruction
//! (register and immediate forms), `LUI`/`AUIPC`, loads and stores of every width into a
//! scratch area, forward branches and `JAL`s over a few instructions, `JALR` to a computed
//! label (sometimes with bit 0 set, which `JALR` must clear), short counted loops and
//! `FENCE`. An epilogue stores every register after the scratch area; [`RandomProgram::elf`]
//! then ends the program either with Linux syscalls (`write(1, …)`, `exit`) for
//! `qemu-riscv32`, or with vouch's `WRITE` and `HALT`. Both variants print the same
//! [`DUMP_LEN`] bytes, the scratch area followed by the 32 register slots, so their standard
//! outputs must be equal. The variants differ only after the register dump.

use vouch_abi::syscall;
use vouch_isa::Opcode;

use crate::asm::{Asm, Label};
use crate::encode::reg::*;
use crate::encode::Reg;

/// Size of the scratch area the random loads and stores use.
pub const SCRATCH_SIZE: u32 = 2048;
/// Bytes a random program prints: the scratch area, then 32 register words (`sp`'s slot is
/// left as initialised, since `sp` differs between environments).
pub const DUMP_LEN: u32 = SCRATCH_SIZE + 32 * 4;
/// Register holding `scratch + SCRATCH_SIZE / 2`; random instructions never write it.
pub const BASE: Reg = S11;
/// Loop counter register; written only by the loop scaffolding.
pub const LOOP: Reg = T6;

/// SplitMix64: a small, seedable generator whose output never changes across versions.
#[derive(Clone, Debug)]
pub struct SplitMix64(u64);

impl SplitMix64 {
    pub fn new(seed: u64) -> Self {
        Self(seed)
    }

    pub fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }

    pub fn next_u32(&mut self) -> u32 {
        (self.next_u64() >> 32) as u32
    }

    /// Uniform in `0..n` (`n > 0`).
    pub fn below(&mut self, n: u32) -> u32 {
        ((u64::from(self.next_u32()) * u64::from(n)) >> 32) as u32
    }

    /// Uniform in `lo..hi`.
    pub fn range(&mut self, lo: i32, hi: i32) -> i32 {
        lo + self.below((hi - lo) as u32) as i32
    }

    /// True with probability `num / den`.
    pub fn chance(&mut self, num: u32, den: u32) -> bool {
        self.below(den) < num
    }

    pub fn pick<T: Copy>(&mut self, items: &[T]) -> T {
        items[self.below(items.len() as u32) as usize]
    }

    /// A 32-bit value, often one of the corner cases of RV32IM arithmetic.
    pub fn interesting_u32(&mut self) -> u32 {
        const SPECIAL: [u32; 18] = [
            0,
            1,
            2,
            3,
            u32::MAX,
            u32::MAX - 1,
            0x8000_0000,
            0x7fff_ffff,
            0x8000_0001,
            0x7ff,
            0x800,
            0xfff,
            0x8000,
            0xffff,
            0x1_0000,
            31,
            32,
            33,
        ];
        if self.chance(1, 3) {
            self.pick(&SPECIAL)
        } else {
            self.next_u32()
        }
    }
}

/// Which environment a [`RandomProgram`] ends for.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Exit {
    /// Linux `write` (64) and `exit` (93), for `qemu-riscv32`.
    Linux,
    /// vouch `WRITE` then `HALT` with the empty-journal digest.
    Vouch,
}

/// Knobs for [`RandomProgram::generate`].
#[derive(Clone, Debug)]
pub struct RandomConfig {
    /// Random instructions in the body, roughly (a construct is never cut short).
    pub body_len: usize,
}

impl Default for RandomConfig {
    fn default() -> Self {
        Self { body_len: 200 }
    }
}

/// A random program, before its exit sequence.
#[derive(Clone, Debug)]
pub struct RandomProgram {
    pub seed: u64,
    /// Address of the scratch area (the start of the printed bytes).
    pub scratch: u32,
    asm: Asm,
    digest_addr: u32,
}

const ALU_RR: [Opcode; 18] = [
    Opcode::Add,
    Opcode::Sub,
    Opcode::Sll,
    Opcode::Slt,
    Opcode::Sltu,
    Opcode::Xor,
    Opcode::Srl,
    Opcode::Sra,
    Opcode::Or,
    Opcode::And,
    Opcode::Mul,
    Opcode::Mulh,
    Opcode::Mulhsu,
    Opcode::Mulhu,
    Opcode::Div,
    Opcode::Divu,
    Opcode::Rem,
    Opcode::Remu,
];
const ALU_IMM: [Opcode; 9] = [
    Opcode::Addi,
    Opcode::Slti,
    Opcode::Sltiu,
    Opcode::Xori,
    Opcode::Ori,
    Opcode::Andi,
    Opcode::Slli,
    Opcode::Srli,
    Opcode::Srai,
];
const LOADS: [Opcode; 5] = [Opcode::Lb, Opcode::Lh, Opcode::Lw, Opcode::Lbu, Opcode::Lhu];
const STORES: [Opcode; 3] = [Opcode::Sb, Opcode::Sh, Opcode::Sw];
const BRANCHES: [Opcode; 6] = [
    Opcode::Beq,
    Opcode::Bne,
    Opcode::Blt,
    Opcode::Bge,
    Opcode::Bltu,
    Opcode::Bgeu,
];

struct Gen {
    rng: SplitMix64,
    asm: Asm,
}

impl Gen {
    /// Any register but `sp` (whose value differs between environments).
    fn src(&mut self) -> Reg {
        loop {
            let r = self.rng.below(32) as Reg;
            if r != SP {
                return r;
            }
        }
    }

    /// A register random code may write: not `sp`, [`BASE`] or [`LOOP`]; `x0` sometimes.
    fn dst(&mut self) -> Reg {
        loop {
            let r = self.rng.below(32) as Reg;
            if r != SP && r != BASE && r != LOOP {
                return r;
            }
        }
    }

    /// Like [`Self::dst`] but never `x0`.
    fn dst_nonzero(&mut self) -> Reg {
        loop {
            let r = self.dst();
            if r != ZERO {
                return r;
            }
        }
    }

    /// A byte offset from [`BASE`] into the scratch area, aligned to `align`.
    fn scratch_offset(&mut self, align: u32) -> i32 {
        let half = (SCRATCH_SIZE / 2) as i32;
        self.rng.range(-half, half) & !(align as i32 - 1)
    }

    /// One instruction (or a short sequence) without control flow; returns words emitted.
    fn straight(&mut self) -> usize {
        let before = self.asm.len();
        match self.rng.below(100) {
            0..=44 => {
                let op = self.rng.pick(&ALU_RR);
                let (rd, rs1, rs2) = (self.dst(), self.src(), self.src());
                self.asm.alu(op, rd, rs1, i32::from(rs2));
            }
            45..=69 => {
                let op = self.rng.pick(&ALU_IMM);
                let (rd, rs1) = (self.dst(), self.src());
                let imm = if matches!(op, Opcode::Slli | Opcode::Srli | Opcode::Srai) {
                    let any = self.rng.below(32) as i32;
                    self.rng.pick(&[0, 1, 31, any])
                } else if self.rng.chance(1, 4) {
                    self.rng.pick(&[0, 1, -1, 2047, -2048])
                } else {
                    self.rng.range(-2048, 2048)
                };
                self.asm.alu(op, rd, rs1, imm);
            }
            70..=74 => {
                let rd = self.dst();
                let imm20 = self.rng.next_u32() >> 12;
                if self.rng.chance(1, 2) {
                    self.asm.lui(rd, imm20);
                } else {
                    self.asm.auipc(rd, imm20);
                }
            }
            75..=86 => {
                let op = self.rng.pick(&LOADS);
                let width = op.load_width().map_or(4, |(w, _)| w.bytes());
                let rd = self.dst();
                let (base, offset) = self.address(width);
                self.emit_mem(op, rd, base, offset);
            }
            87..=98 => {
                let op = self.rng.pick(&STORES);
                let width = op.store_width().map_or(4, |w| w.bytes());
                let src = self.src();
                let (base, offset) = self.address(width);
                self.emit_mem(op, src, base, offset);
            }
            _ => {
                self.asm.fence();
            }
        }
        self.asm.len() - before
    }

    /// A base register and offset addressing the scratch area, aligned to `width`: usually
    /// [`BASE`] itself, sometimes a register first set to `BASE + k`.
    fn address(&mut self, width: u32) -> (Reg, i32) {
        let target = self.scratch_offset(width);
        if self.rng.chance(1, 4) {
            let tmp = self.dst_nonzero();
            let k = self.scratch_offset(4);
            self.asm.addi(tmp, BASE, k);
            (tmp, target - k)
        } else {
            (BASE, target)
        }
    }

    fn emit_mem(&mut self, op: Opcode, reg: Reg, base: Reg, offset: i32) {
        let insn = if op.load_width().is_some() {
            vouch_isa::Instruction::new(op, reg, base, 0, offset as u32)
        } else {
            vouch_isa::Instruction::new(op, 0, base, reg, offset as u32)
        };
        self.asm.insn(insn);
    }

    /// `n` straight instructions; returns words emitted.
    fn straight_run(&mut self, n: u32) -> usize {
        (0..n).map(|_| self.straight()).sum()
    }

    fn skip_to(&mut self, label: Label) -> usize {
        let n = 1 + self.rng.below(4);
        let emitted = self.straight_run(n);
        self.asm.bind(label);
        emitted
    }

    /// One construct of the body; returns words emitted.
    fn construct(&mut self) -> usize {
        let before = self.asm.len();
        match self.rng.below(100) {
            0..=79 => {
                self.straight();
            }
            80..=88 => {
                // A forward conditional branch over a few instructions.
                let op = self.rng.pick(&BRANCHES);
                let rs1 = self.src();
                let rs2 = if self.rng.chance(1, 4) {
                    rs1
                } else {
                    self.src()
                };
                let skip = self.asm.new_label();
                self.asm.branch(op, rs1, rs2, skip);
                self.skip_to(skip);
            }
            89..=92 => {
                let rd = self.dst();
                let skip = self.asm.new_label();
                self.asm.jal(rd, skip);
                self.skip_to(skip);
            }
            93..=96 => {
                // JALR to a label computed with auipc/addi, sometimes with bit 0 set.
                let (tmp, rd) = (self.dst_nonzero(), self.dst());
                let imm = self.rng.range(-64, 64);
                let odd = self.rng.below(2) as i32;
                let skip = self.asm.new_label();
                self.asm.la(tmp, skip, odd - imm);
                self.asm.jalr(rd, imm, tmp);
                self.skip_to(skip);
            }
            _ => {
                // A counted loop: a backward branch taken `iters - 1` times.
                let iters = 1 + self.rng.below(4);
                self.asm.li(LOOP, iters);
                let top = self.asm.label_here();
                let n = 1 + self.rng.below(5);
                self.straight_run(n);
                self.asm.addi(LOOP, LOOP, -1);
                self.asm.bne(LOOP, ZERO, top);
            }
        }
        self.asm.len() - before
    }
}

impl RandomProgram {
    /// The program for `seed`.
    pub fn generate(seed: u64, config: &RandomConfig) -> Self {
        let mut g = Gen {
            rng: SplitMix64::new(seed),
            asm: Asm::new(),
        };
        let init: Vec<u8> = (0..SCRATCH_SIZE).map(|_| g.rng.next_u32() as u8).collect();
        let scratch = g.asm.alloc_data(&init);
        let dump = g.asm.alloc_zeroed(32 * 4);
        debug_assert_eq!(dump, scratch + SCRATCH_SIZE);
        let digest_addr = g.asm.alloc_data(&crate::asm::empty_journal_digest());

        for r in 1..32u8 {
            if r == SP || r == BASE {
                continue;
            }
            let v = g.rng.interesting_u32();
            g.asm.li(r, v);
        }
        g.asm.li(BASE, scratch + SCRATCH_SIZE / 2);
        let mut emitted = 0;
        while emitted < config.body_len {
            emitted += g.construct();
        }
        // Store the registers after the scratch area (sp's slot keeps its initial zero).
        let dump_offset = (SCRATCH_SIZE / 2) as i32;
        for r in 0..32u8 {
            if r != SP {
                g.asm.sw(r, dump_offset + 4 * i32::from(r), BASE);
            }
        }
        Self {
            seed,
            scratch,
            asm: g.asm,
            digest_addr,
        }
    }

    /// The program with the exit sequence for `exit`.
    pub fn asm(&self, exit: Exit) -> Asm {
        let mut a = self.asm.clone();
        match exit {
            Exit::Linux => {
                a.li(A0, 1).li(A1, self.scratch).li(A2, DUMP_LEN);
                a.li(A7, 64).ecall(); // write(1, scratch, DUMP_LEN)
                a.li(A0, 0).li(A7, 93).ecall(); // exit(0)
            }
            Exit::Vouch => {
                a.write(syscall::FD_STDOUT, self.scratch, DUMP_LEN);
                a.halt_with_digest_at(0, self.digest_addr);
            }
        }
        a
    }

    /// The ELF for `exit`.
    pub fn elf(&self, exit: Exit) -> Vec<u8> {
        self.asm(exit).elf()
    }
}

/// The first difference between two dumps of [`DUMP_LEN`] bytes, named as a register or a
/// scratch address, or `None` if they are equal.
pub fn describe_dump_difference(
    scratch: u32,
    (left_name, left): (&str, &[u8]),
    (right_name, right): (&str, &[u8]),
) -> Option<String> {
    if left == right {
        return None;
    }
    if left.len() != right.len() || left.len() != DUMP_LEN as usize {
        return Some(format!(
            "output lengths differ: {left_name} printed {} bytes, {right_name} {} (expected {DUMP_LEN})",
            left.len(),
            right.len()
        ));
    }
    let word = |b: &[u8], i: usize| u32::from_le_bytes([b[i], b[i + 1], b[i + 2], b[i + 3]]);
    let i = (0..left.len())
        .step_by(4)
        .find(|&i| word(left, i) != word(right, i))?;
    let (l, r) = (word(left, i), word(right, i));
    let what = if i < SCRATCH_SIZE as usize {
        format!("memory word 0x{:08x}", scratch + i as u32)
    } else {
        let reg = (i - SCRATCH_SIZE as usize) / 4;
        format!("register x{reg} ({})", vouch_isa::display::REG_NAMES[reg])
    };
    Some(format!(
        "{what}: {left_name} 0x{l:08x}, {right_name} 0x{r:08x}"
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn generation_is_deterministic_and_uses_every_opcode_class() {
        let a = RandomProgram::generate(7, &RandomConfig::default());
        let b = RandomProgram::generate(7, &RandomConfig::default());
        assert_eq!(a.elf(Exit::Vouch), b.elf(Exit::Vouch));
        let mut seen = std::collections::HashSet::new();
        for seed in 0..40 {
            let p = RandomProgram::generate(seed, &RandomConfig::default());
            for insn in p.asm(Exit::Vouch).instructions() {
                seen.insert(insn.opcode);
            }
        }
        for op in Opcode::ALL {
            assert!(seen.contains(&op), "{op:?} never generated");
        }
    }

    #[test]
    fn variants_differ_only_after_the_register_dump() {
        let p = RandomProgram::generate(3, &RandomConfig::default());
        let (l, v) = (p.asm(Exit::Linux).words(), p.asm(Exit::Vouch).words());
        let common = p.asm.len();
        assert_eq!(l[..common], v[..common]);
        assert_ne!(l[common..], v[common..]);
    }

    #[test]
    fn differences_are_named() {
        let a = vec![0u8; DUMP_LEN as usize];
        let mut b = a.clone();
        b[SCRATCH_SIZE as usize + 4 * 5] = 1;
        let msg = describe_dump_difference(0x100, ("x", &a), ("y", &b)).unwrap();
        assert_eq!(msg, "register x5 (t0): x 0x00000000, y 0x00000001");
        b[8] = 2;
        let msg = describe_dump_difference(0x100, ("x", &a), ("y", &b)).unwrap();
        assert!(msg.starts_with("memory word 0x00000108"), "{msg}");
        assert_eq!(describe_dump_difference(0, ("x", &a), ("y", &a)), None);
    }
}
