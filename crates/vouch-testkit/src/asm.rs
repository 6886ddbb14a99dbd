//! A tiny assembler: instructions, labels, pseudo-instructions, data, syscalls, and an ELF.
//!
//! ```
//! use vouch_testkit::{Asm, reg::*};
//!
//! let mut a = Asm::new();
//! let done = a.new_label();
//! a.li(T0, 10).li(T1, 0);
//! let top = a.label_here();
//! a.beq(T0, ZERO, done).add(T1, T1, T0).addi(T0, T0, -1).j(top);
//! a.bind(done);
//! a.halt(0);
//! let elf: Vec<u8> = a.elf();
//! # assert_eq!(&elf[..4], b"\x7fELF");
//! ```
//!
//! Operand order follows the GNU assembler: `a.lw(rd, offset, base)` is `lw rd, offset(base)`,
//! `a.sw(src, offset, base)` is `sw src, offset(base)`.

use sha2::{Digest, Sha256};
use vouch_abi::syscall;
use vouch_isa::{Instruction, Opcode};

use crate::elf::{ElfBuilder, Segment, PAGE};
use crate::encode::{encode, fits_signed, reg, Reg};

/// Where [`Asm::new`] places code (the start of guest memory, where the linker puts `.text`).
pub const CODE_BASE: u32 = vouch_abi::memory::GUEST_MIN_ADDR;
/// Where [`Asm::alloc_data`] places data: 16 MiB, far above any test program's code.
pub const DATA_BASE: u32 = 0x0100_0000;

/// SHA-256 of the empty journal, which `HALT` must be given when nothing was committed.
pub fn empty_journal_digest() -> [u8; 32] {
    journal_digest(&[])
}

/// SHA-256 of a journal, as the guest passes it to `HALT`.
pub fn journal_digest(journal: &[u8]) -> [u8; 32] {
    Sha256::digest(journal).into()
}

/// A code position, bound with [`Asm::bind`]; may be used before it is bound.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct Label(usize);

#[derive(Clone, Copy, Debug)]
enum Fixup {
    /// A branch or JAL at word `at`: its immediate is the offset to the label.
    Relative { at: usize, label: Label },
    /// `auipc rd, hi; addi rd, rd, lo` at words `at`, `at + 1`: the label's address, plus
    /// `addend`.
    PcRelPair {
        at: usize,
        label: Label,
        addend: i32,
    },
}

/// An RV32IM program under construction: code words, labels, and a data area.
#[derive(Clone, Debug)]
pub struct Asm {
    base: u32,
    /// Instructions, with zero immediates where a fixup will fill them in.
    insns: Vec<Instruction>,
    /// Words emitted raw (`None` where `insns` holds the instruction).
    raw: Vec<Option<u32>>,
    labels: Vec<Option<u32>>,
    fixups: Vec<Fixup>,
    entry: Option<Label>,
    data_base: u32,
    data: Vec<u8>,
    extra_segments: Vec<Segment>,
    empty_digest: Option<u32>,
}

impl Default for Asm {
    fn default() -> Self {
        Self::new()
    }
}

macro_rules! reg_reg {
    ($($name:ident => $op:ident),* $(,)?) => {$(
        #[doc = concat!("`", stringify!($name), " rd, rs1, rs2`")]
        pub fn $name(&mut self, rd: Reg, rs1: Reg, rs2: Reg) -> &mut Self {
            self.insn(Instruction::new(Opcode::$op, rd, rs1, rs2, 0))
        }
    )*};
}

macro_rules! reg_imm {
    ($($name:ident => $op:ident),* $(,)?) => {$(
        #[doc = concat!("`", stringify!($name), " rd, rs1, imm` (12-bit signed immediate)")]
        pub fn $name(&mut self, rd: Reg, rs1: Reg, imm: i32) -> &mut Self {
            self.insn(Instruction::new(Opcode::$op, rd, rs1, 0, imm as u32))
        }
    )*};
}

macro_rules! shift_imm {
    ($($name:ident => $op:ident),* $(,)?) => {$(
        #[doc = concat!("`", stringify!($name), " rd, rs1, shamt` (shamt < 32)")]
        pub fn $name(&mut self, rd: Reg, rs1: Reg, shamt: u32) -> &mut Self {
            self.insn(Instruction::new(Opcode::$op, rd, rs1, 0, shamt))
        }
    )*};
}

macro_rules! load {
    ($($name:ident => $op:ident),* $(,)?) => {$(
        #[doc = concat!("`", stringify!($name), " rd, offset(base)`")]
        pub fn $name(&mut self, rd: Reg, offset: i32, base: Reg) -> &mut Self {
            self.insn(Instruction::new(Opcode::$op, rd, base, 0, offset as u32))
        }
    )*};
}

macro_rules! store {
    ($($name:ident => $op:ident),* $(,)?) => {$(
        #[doc = concat!("`", stringify!($name), " src, offset(base)`")]
        pub fn $name(&mut self, src: Reg, offset: i32, base: Reg) -> &mut Self {
            self.insn(Instruction::new(Opcode::$op, 0, base, src, offset as u32))
        }
    )*};
}

macro_rules! branch {
    ($($name:ident => $op:ident),* $(,)?) => {$(
        #[doc = concat!("`", stringify!($name), " rs1, rs2, label`")]
        pub fn $name(&mut self, rs1: Reg, rs2: Reg, target: Label) -> &mut Self {
            self.branch(Opcode::$op, rs1, rs2, target)
        }
    )*};
}

impl Asm {
    /// An empty program at [`CODE_BASE`], with its data area at [`DATA_BASE`].
    pub fn new() -> Self {
        Self::with_base(CODE_BASE)
    }

    /// An empty program whose first instruction is at `base`.
    pub fn with_base(base: u32) -> Self {
        assert!(base % 4 == 0, "code base 0x{base:x} is not word-aligned");
        Self {
            base,
            insns: Vec::new(),
            raw: Vec::new(),
            labels: Vec::new(),
            fixups: Vec::new(),
            entry: None,
            data_base: DATA_BASE,
            data: Vec::new(),
            extra_segments: Vec::new(),
            empty_digest: None,
        }
    }

    /// Address of the first instruction.
    pub fn base(&self) -> u32 {
        self.base
    }

    /// Address of the next instruction to be emitted.
    pub fn pc(&self) -> u32 {
        self.base + 4 * self.insns.len() as u32
    }

    /// Number of words emitted so far.
    pub fn len(&self) -> usize {
        self.insns.len()
    }

    /// Whether nothing has been emitted.
    pub fn is_empty(&self) -> bool {
        self.insns.is_empty()
    }

    // ---- labels ----

    /// A new, unbound label.
    pub fn new_label(&mut self) -> Label {
        self.labels.push(None);
        Label(self.labels.len() - 1)
    }

    /// Bind `label` to the next instruction's address.
    pub fn bind(&mut self, label: Label) -> &mut Self {
        assert!(self.labels[label.0].is_none(), "label bound twice");
        self.labels[label.0] = Some(self.pc());
        self
    }

    /// A new label bound here.
    pub fn label_here(&mut self) -> Label {
        let l = self.new_label();
        self.bind(l);
        l
    }

    /// The address of a bound label.
    pub fn addr_of(&self, label: Label) -> Option<u32> {
        self.labels[label.0]
    }

    /// Start execution at `label` instead of the first instruction.
    pub fn set_entry(&mut self, label: Label) -> &mut Self {
        self.entry = Some(label);
        self
    }

    // ---- emission ----

    /// Emit one instruction.
    pub fn insn(&mut self, insn: Instruction) -> &mut Self {
        // Fail now, at the offending call, rather than in `words`.
        let _ = encode(insn);
        self.insns.push(insn);
        self.raw.push(None);
        self
    }

    /// Emit a raw word (for example an illegal one from [`crate::raw`]).
    pub fn word(&mut self, word: u32) -> &mut Self {
        self.insns.push(Instruction::new(Opcode::Fence, 0, 0, 0, 0));
        self.raw.push(Some(word));
        self
    }

    reg_reg! {
        add => Add, sub => Sub, sll => Sll, slt => Slt, sltu => Sltu, xor => Xor, srl => Srl,
        sra => Sra, or => Or, and => And, mul => Mul, mulh => Mulh, mulhsu => Mulhsu,
        mulhu => Mulhu, div => Div, divu => Divu, rem => Rem, remu => Remu,
    }

    reg_imm! {
        addi => Addi, slti => Slti, sltiu => Sltiu, xori => Xori, ori => Ori, andi => Andi,
    }

    shift_imm! { slli => Slli, srli => Srli, srai => Srai }

    load! { lb => Lb, lh => Lh, lw => Lw, lbu => Lbu, lhu => Lhu }

    store! { sb => Sb, sh => Sh, sw => Sw }

    branch! { beq => Beq, bne => Bne, blt => Blt, bge => Bge, bltu => Bltu, bgeu => Bgeu }

    /// A register-register or register-immediate ALU instruction by opcode; `operand` is
    /// `rs2` for register forms and the immediate (or shift amount) for immediate forms.
    pub fn alu(&mut self, op: Opcode, rd: Reg, rs1: Reg, operand: i32) -> &mut Self {
        assert!(op.alu_op().is_some(), "{op:?} is not an ALU opcode");
        if op.is_alu_imm() {
            self.insn(Instruction::new(op, rd, rs1, 0, operand as u32))
        } else {
            self.insn(Instruction::new(op, rd, rs1, operand as Reg, 0))
        }
    }

    /// A conditional branch to `target`.
    pub fn branch(&mut self, op: Opcode, rs1: Reg, rs2: Reg, target: Label) -> &mut Self {
        assert!(op.is_branch(), "{op:?} is not a branch");
        self.fixups.push(Fixup::Relative {
            at: self.insns.len(),
            label: target,
        });
        self.insn(Instruction::new(op, 0, rs1, rs2, 0))
    }

    /// A conditional branch by a raw byte offset from this instruction.
    pub fn branch_offset(&mut self, op: Opcode, rs1: Reg, rs2: Reg, offset: i32) -> &mut Self {
        assert!(op.is_branch(), "{op:?} is not a branch");
        self.insn(Instruction::new(op, 0, rs1, rs2, offset as u32))
    }

    /// `jal rd, label`.
    pub fn jal(&mut self, rd: Reg, target: Label) -> &mut Self {
        self.fixups.push(Fixup::Relative {
            at: self.insns.len(),
            label: target,
        });
        self.insn(Instruction::new(Opcode::Jal, rd, 0, 0, 0))
    }

    /// `jal rd, offset` by a raw byte offset.
    pub fn jal_offset(&mut self, rd: Reg, offset: i32) -> &mut Self {
        self.insn(Instruction::new(Opcode::Jal, rd, 0, 0, offset as u32))
    }

    /// `jalr rd, offset(base)`.
    pub fn jalr(&mut self, rd: Reg, offset: i32, base: Reg) -> &mut Self {
        self.insn(Instruction::new(Opcode::Jalr, rd, base, 0, offset as u32))
    }

    /// `lui rd, imm20` (`imm20` is the 20-bit upper immediate, not shifted).
    pub fn lui(&mut self, rd: Reg, imm20: u32) -> &mut Self {
        assert!(imm20 < 1 << 20, "LUI immediate 0x{imm20:x} exceeds 20 bits");
        self.insn(Instruction::new(Opcode::Lui, rd, 0, 0, imm20 << 12))
    }

    /// `auipc rd, imm20`.
    pub fn auipc(&mut self, rd: Reg, imm20: u32) -> &mut Self {
        assert!(
            imm20 < 1 << 20,
            "AUIPC immediate 0x{imm20:x} exceeds 20 bits"
        );
        self.insn(Instruction::new(Opcode::Auipc, rd, 0, 0, imm20 << 12))
    }

    /// `fence` (iorw, iorw).
    pub fn fence(&mut self) -> &mut Self {
        self.insn(Instruction::new(Opcode::Fence, 0, 0, 0, 0))
    }

    /// `ecall`.
    pub fn ecall(&mut self) -> &mut Self {
        self.insn(Instruction::new(
            Opcode::Ecall,
            reg::A0,
            reg::A7,
            reg::A0,
            0,
        ))
    }

    // ---- pseudo-instructions ----

    /// `li rd, value`: one `addi` when the value fits 12 signed bits, else `lui` (+ `addi`).
    pub fn li(&mut self, rd: Reg, value: u32) -> &mut Self {
        if fits_signed(value as i32, 12) {
            return self.addi(rd, reg::ZERO, value as i32);
        }
        let (hi, lo) = split_hi_lo(value);
        self.insn(Instruction::new(Opcode::Lui, rd, 0, 0, hi));
        if lo != 0 {
            self.addi(rd, rd, lo);
        }
        self
    }

    /// `li rd, value` always as the two instructions `lui rd, hi; addi rd, rd, lo`, so that
    /// code size does not depend on the value.
    pub fn li_fixed(&mut self, rd: Reg, value: u32) -> &mut Self {
        let (hi, lo) = split_hi_lo(value);
        self.insn(Instruction::new(Opcode::Lui, rd, 0, 0, hi));
        self.addi(rd, rd, lo)
    }

    /// `la rd, label` (+ `addend`): `auipc rd, hi; addi rd, rd, lo`, pc-relative.
    pub fn la(&mut self, rd: Reg, target: Label, addend: i32) -> &mut Self {
        self.fixups.push(Fixup::PcRelPair {
            at: self.insns.len(),
            label: target,
            addend,
        });
        self.insn(Instruction::new(Opcode::Auipc, rd, 0, 0, 0));
        self.addi(rd, rd, 0)
    }

    /// `mv rd, rs`.
    pub fn mv(&mut self, rd: Reg, rs: Reg) -> &mut Self {
        self.addi(rd, rs, 0)
    }

    /// `nop`.
    pub fn nop(&mut self) -> &mut Self {
        self.addi(reg::ZERO, reg::ZERO, 0)
    }

    /// `j label`.
    pub fn j(&mut self, target: Label) -> &mut Self {
        self.jal(reg::ZERO, target)
    }

    /// `call label` (`jal ra, label`).
    pub fn call(&mut self, target: Label) -> &mut Self {
        self.jal(reg::RA, target)
    }

    /// `ret` (`jalr zero, 0(ra)`).
    pub fn ret(&mut self) -> &mut Self {
        self.jalr(reg::ZERO, 0, reg::RA)
    }

    // ---- data ----

    /// Append `bytes` to the data area (4-byte aligned) and return their address.
    pub fn alloc_data(&mut self, bytes: &[u8]) -> u32 {
        self.data.resize(self.data.len().next_multiple_of(4), 0);
        let addr = self.data_base + self.data.len() as u32;
        self.data.extend_from_slice(bytes);
        addr
    }

    /// Append little-endian words to the data area and return their address.
    pub fn alloc_words(&mut self, words: &[u32]) -> u32 {
        let bytes: Vec<u8> = words.iter().flat_map(|w| w.to_le_bytes()).collect();
        self.alloc_data(&bytes)
    }

    /// Reserve `len` zero bytes in the data area and return their address.
    pub fn alloc_zeroed(&mut self, len: usize) -> u32 {
        self.alloc_data(&vec![0; len])
    }

    /// Move the data area (before anything is allocated in it).
    pub fn set_data_base(&mut self, addr: u32) -> &mut Self {
        assert!(
            self.data.is_empty(),
            "data already allocated at 0x{:x}",
            self.data_base
        );
        assert!(addr % 4 == 0, "data base 0x{addr:x} is not word-aligned");
        self.data_base = addr;
        self
    }

    /// Add a further segment to the ELF (for example writable data at a fixed address).
    pub fn segment(&mut self, segment: Segment) -> &mut Self {
        self.extra_segments.push(segment);
        self
    }

    // ---- syscalls ----

    /// `li a7, number; ecall`.
    pub fn syscall(&mut self, number: u32) -> &mut Self {
        self.li(reg::A7, number).ecall()
    }

    /// HALT with `exit_code` and the empty-journal digest (placed once in the data area).
    pub fn halt(&mut self, exit_code: u32) -> &mut Self {
        let digest = match self.empty_digest {
            Some(addr) => addr,
            None => {
                let addr = self.alloc_data(&empty_journal_digest());
                self.empty_digest = Some(addr);
                addr
            }
        };
        self.halt_with_digest_at(exit_code, digest)
    }

    /// HALT with `exit_code` and SHA-256 of `journal` (what the program must have committed).
    pub fn halt_with_journal(&mut self, exit_code: u32, journal: &[u8]) -> &mut Self {
        let digest = self.alloc_data(&journal_digest(journal));
        self.halt_with_digest_at(exit_code, digest)
    }

    /// HALT with `exit_code`, `a1` = `digest_addr`.
    pub fn halt_with_digest_at(&mut self, exit_code: u32, digest_addr: u32) -> &mut Self {
        self.li(reg::A0, exit_code)
            .li(reg::A1, digest_addr)
            .syscall(syscall::HALT)
    }

    /// COMMIT `bytes` (placed in the data area) to the journal.
    pub fn commit(&mut self, bytes: &[u8]) -> &mut Self {
        let addr = self.alloc_data(bytes);
        self.li(reg::A0, addr)
            .li(reg::A1, bytes.len() as u32)
            .syscall(syscall::COMMIT)
    }

    /// WRITE `len` bytes at `addr` to host file descriptor `fd`.
    pub fn write(&mut self, fd: u32, addr: u32, len: u32) -> &mut Self {
        self.li(reg::A0, fd)
            .li(reg::A1, addr)
            .li(reg::A2, len)
            .syscall(syscall::WRITE)
    }

    /// PANIC with `message` (placed in the data area).
    pub fn panic(&mut self, message: &str) -> &mut Self {
        let addr = self.alloc_data(message.as_bytes());
        self.li(reg::A0, addr)
            .li(reg::A1, message.len() as u32)
            .syscall(syscall::PANIC)
    }

    // ---- output ----

    /// The code words, with every label resolved. Panics on an unbound label or an offset
    /// that does not fit its instruction.
    pub fn words(&self) -> Vec<u32> {
        self.resolved()
            .iter()
            .zip(&self.raw)
            .map(|(&insn, raw)| raw.unwrap_or_else(|| encode(insn)))
            .collect()
    }

    /// The instructions with labels resolved (raw words appear as `FENCE` placeholders).
    pub fn instructions(&self) -> Vec<Instruction> {
        self.resolved()
    }

    fn resolved(&self) -> Vec<Instruction> {
        let mut insns = self.insns.clone();
        let target = |label: Label| -> u32 {
            self.labels[label.0].unwrap_or_else(|| panic!("label {} never bound", label.0))
        };
        let addr = |at: usize| self.base + 4 * at as u32;
        for &fixup in &self.fixups {
            match fixup {
                Fixup::Relative { at, label } => {
                    insns[at].imm = target(label).wrapping_sub(addr(at));
                }
                Fixup::PcRelPair { at, label, addend } => {
                    let offset = target(label)
                        .wrapping_add(addend as u32)
                        .wrapping_sub(addr(at));
                    let (hi, lo) = split_hi_lo(offset);
                    insns[at].imm = hi;
                    insns[at + 1].imm = lo as u32;
                }
            }
        }
        insns
    }

    /// A listing, one `address: word  disassembly` line per instruction.
    pub fn listing(&self) -> String {
        let mut out = String::new();
        for (i, (insn, word)) in self.resolved().iter().zip(self.words()).enumerate() {
            let addr = self.base + 4 * i as u32;
            let text = match self.raw[i] {
                Some(_) => ".word".to_string(),
                None => insn.to_string(),
            };
            out.push_str(&format!("{addr:08x}: {word:08x}  {text}\n"));
        }
        out
    }

    /// The entry point.
    pub fn entry(&self) -> u32 {
        match self.entry {
            Some(label) => self
                .addr_of(label)
                .unwrap_or_else(|| panic!("entry label unbound")),
            None => self.base,
        }
    }

    /// An [`ElfBuilder`] for this program: code (R+X) at the base, the data area (R+W) if
    /// anything was allocated, and any extra segments.
    pub fn elf_builder(&self) -> ElfBuilder {
        let mut b = ElfBuilder::new(self.entry()).code(self.base, &self.words());
        if !self.data.is_empty() {
            b = b.data(self.data_base, &self.data);
        }
        for seg in &self.extra_segments {
            b = b.segment(seg.clone());
        }
        b
    }

    /// The ELF file.
    pub fn elf(&self) -> Vec<u8> {
        self.elf_builder().build()
    }

    /// The data area's bytes, as loaded at [`Self::data_base`].
    pub fn data(&self) -> &[u8] {
        &self.data
    }

    /// Address of the data area.
    pub fn data_base(&self) -> u32 {
        self.data_base
    }
}

/// Split `value` into `(hi, lo)` with `hi` a multiple of 4096, `lo` in `-2048..2048` and
/// `hi + lo = value` (mod 2^32): the operands of `lui`/`auipc` + `addi`.
pub fn split_hi_lo(value: u32) -> (u32, i32) {
    let hi = value.wrapping_add(0x800) & !(PAGE - 1);
    (hi, value.wrapping_sub(hi) as i32)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::encode::reg::*;
    use proptest::prelude::*;
    use vouch_isa::decode;

    proptest! {
        #[test]
        fn split_hi_lo_recombines(value in any::<u32>()) {
            let (hi, lo) = split_hi_lo(value);
            prop_assert_eq!(hi & 0xfff, 0);
            prop_assert!((-2048..2048).contains(&lo));
            prop_assert_eq!(hi.wrapping_add(lo as u32), value);
        }
    }

    #[test]
    fn labels_resolve_forward_and_backward() {
        let mut a = Asm::new();
        let fwd = a.new_label();
        let back = a.label_here();
        a.beq(T0, T1, fwd); // at +0, to +12
        a.nop();
        a.j(back); // at +8, to +0
        a.bind(fwd);
        a.la(T2, back, 4); // at +12: auipc/addi to base + 4
        let insns: Vec<_> = a.words().into_iter().map(|w| decode(w).unwrap()).collect();
        assert_eq!(insns[0].imm, 12);
        assert_eq!(insns[2].imm as i32, -8);
        assert_eq!(insns[3].opcode, Opcode::Auipc);
        let target = (a.base() + 12)
            .wrapping_add(insns[3].imm)
            .wrapping_add(insns[4].imm);
        assert_eq!(target, a.base() + 4);
    }

    #[test]
    fn li_uses_one_or_two_instructions() {
        for (value, len) in [(0u32, 1), (2047, 1), (u32::MAX, 1), (0x800, 2), (0x1000, 1)] {
            let mut a = Asm::new();
            a.li(A0, value);
            assert_eq!(a.len(), len, "li {value:#x}");
        }
        let mut a = Asm::new();
        a.li_fixed(A0, 0);
        assert_eq!(a.len(), 2);
    }

    #[test]
    fn halt_places_the_empty_digest_once() {
        let mut a = Asm::new();
        a.halt(0).halt(1);
        assert_eq!(a.data(), &empty_journal_digest());
        assert_eq!(
            empty_journal_digest()[..4],
            [0xe3, 0xb0, 0xc4, 0x42],
            "SHA-256(\"\") starts e3b0c442"
        );
    }

    #[test]
    #[should_panic(expected = "never bound")]
    fn unbound_labels_are_reported() {
        let mut a = Asm::new();
        let l = a.new_label();
        a.j(l);
        let _ = a.words();
    }
}
