//! Loading an ELF executable into a [`Program`]: code ROM, memory image, entry, symbols.

use std::collections::BTreeMap;

use elf::abi;
use elf::endian::LittleEndian;
use elf::ElfBytes;
use vouch_abi::memory::{GUEST_MIN_ADDR, HEAP_END};
use vouch_isa::{decode, DecodeError, Instruction};

use crate::error::ElfError;

/// Largest ELF image vouch loads (the heap and stack still need room beside it).
const MAX_IMAGE_BYTES: u64 = 256 << 20;

/// `e_flags` bits of the RISC-V psABI.
const EF_RISCV_RVC: u32 = 0x1;
const EF_RISCV_FLOAT_ABI: u32 = 0x6;
const EF_RISCV_RVE: u32 = 0x8;

/// A function symbol, for profiling.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Symbol {
    pub name: String,
    pub addr: u32,
    pub size: u32,
}

/// A loaded guest program.
///
/// Code is fetched from a read-only ROM decoded at load time: the words of the executable
/// segments. Data loads and stores see the memory image, which holds every loaded word
/// (code included). Stores into code therefore change what loads read but never what is
/// fetched, which the RISC-V spec permits for a hart without Zifencei (FENCE.I is illegal
/// in vouch).
#[derive(Clone, Debug)]
pub struct Program {
    entry: u32,
    code_base: u32,
    code: Vec<u32>,
    decoded: Vec<Result<Instruction, DecodeError>>,
    canonical: Vec<Result<Instruction, DecodeError>>,
    image: Vec<(u32, u32)>,
    image_end: u32,
    symbols: Vec<Symbol>,
}

impl Program {
    /// Load a statically linked RV32IM executable.
    ///
    /// Rejects, with a typed error and without panicking on any input: files that are not
    /// ELF, 64-bit or big-endian files, other machines, non-executables, RVC/RVE/hard-float
    /// objects, dynamic linking and allocated relocation sections, segments outside
    /// `[GUEST_MIN_ADDR, HEAP_END)` or overlapping each other, misaligned code, and an entry
    /// point outside the executable segments.
    pub fn from_elf(bytes: &[u8]) -> Result<Self, ElfError> {
        check_ident(bytes)?;
        let file = ElfBytes::<LittleEndian>::minimal_parse(bytes)
            .map_err(|e| ElfError::Malformed(e.to_string()))?;
        let ehdr = &file.ehdr;
        if ehdr.e_machine != abi::EM_RISCV {
            return Err(ElfError::WrongMachine(ehdr.e_machine));
        }
        if ehdr.e_type != abi::ET_EXEC {
            return Err(ElfError::NotExecutable(ehdr.e_type));
        }
        if ehdr.e_flags & EF_RISCV_RVC != 0 {
            return Err(ElfError::CompressedCode);
        }
        if ehdr.e_flags & (EF_RISCV_FLOAT_ABI | EF_RISCV_RVE) != 0 {
            return Err(ElfError::UnsupportedAbi(ehdr.e_flags));
        }
        let entry = u32::try_from(ehdr.e_entry)
            .map_err(|_| ElfError::Malformed("entry point does not fit 32 bits".into()))?;

        let segments = file.segments().ok_or(ElfError::NoSegments)?;
        let mut loads = Vec::new();
        for phdr in segments.iter() {
            match phdr.p_type {
                abi::PT_DYNAMIC => return Err(ElfError::Relocations("PT_DYNAMIC segment")),
                abi::PT_INTERP => return Err(ElfError::Relocations("PT_INTERP segment")),
                abi::PT_LOAD if phdr.p_memsz > 0 => loads.push(phdr),
                _ => {}
            }
        }
        if loads.is_empty() {
            return Err(ElfError::NoSegments);
        }
        reject_alloc_relocations(&file)?;

        // Check every segment against the memory map and the others, then copy its bytes.
        let mut ranges: Vec<(u32, u32, bool)> = Vec::new(); // (start, end, executable)
        let mut code_ranges: Vec<(u32, u32)> = Vec::new(); // file-backed executable bytes
        let mut total: u64 = 0;
        let mut bytes_at: BTreeMap<u32, u8> = BTreeMap::new();
        for phdr in &loads {
            let out_of_range = |vaddr: u64, size: u64| ElfError::SegmentOutOfRange {
                vaddr: vaddr.min(u64::from(u32::MAX)) as u32,
                size: size.min(u64::from(u32::MAX)) as u32,
                min: GUEST_MIN_ADDR,
                max: HEAP_END,
            };
            let (vaddr, memsz, filesz) = (phdr.p_vaddr, phdr.p_memsz, phdr.p_filesz);
            if filesz > memsz {
                return Err(ElfError::Malformed(format!(
                    "segment at 0x{vaddr:x} has file size 0x{filesz:x} > memory size 0x{memsz:x}"
                )));
            }
            let end = vaddr
                .checked_add(memsz)
                .ok_or_else(|| out_of_range(vaddr, memsz))?;
            if vaddr < u64::from(GUEST_MIN_ADDR) || end > u64::from(HEAP_END) {
                return Err(out_of_range(vaddr, memsz));
            }
            let (start, end) = (vaddr as u32, end as u32);
            let exec = phdr.p_flags & abi::PF_X != 0;
            if exec && (start % 4 != 0 || end % 4 != 0) {
                return Err(ElfError::MisalignedCode(start));
            }
            if let Some(&(other, _, _)) = ranges.iter().find(|&&(s, e, _)| start < e && s < end) {
                return Err(ElfError::SegmentsOverlap(other, start));
            }
            total += memsz;
            if total > MAX_IMAGE_BYTES {
                return Err(ElfError::TooLarge(total));
            }
            let data = file
                .segment_data(phdr)
                .map_err(|e| ElfError::Malformed(e.to_string()))?;
            if data.len() as u64 != filesz {
                return Err(ElfError::Malformed(format!(
                    "segment at 0x{vaddr:x} is truncated"
                )));
            }
            for (i, &b) in data.iter().enumerate() {
                if b != 0 {
                    bytes_at.insert(start + i as u32, b);
                }
            }
            if exec && filesz > 0 {
                // The ROM holds the file-backed words only: a zero fill is not code, and a
                // ROM sized from `p_memsz` would let a tiny file demand gigabytes.
                code_ranges.push((start, start + (filesz as u32).next_multiple_of(4)));
            }
            ranges.push((start, end, exec));
        }

        // The code ROM spans the executable segments; gaps between them decode as illegal.
        let exec: Vec<(u32, u32)> = ranges
            .iter()
            .filter(|r| r.2)
            .map(|&(s, e, _)| (s, e))
            .collect();
        if entry % 4 != 0 || !exec.iter().any(|&(s, e)| (s..e).contains(&entry)) {
            return Err(ElfError::EntryNotExecutable(entry));
        }
        let code_base = code_ranges.iter().map(|r| r.0).min().unwrap_or(0);
        let code_end = code_ranges.iter().map(|r| r.1).max().unwrap_or(0);
        // The ROM costs memory per word, gaps included: bound it by the file's size, which a
        // linker's output never falls short of (each ROM word but a gap's is in the file).
        let code_span = u64::from(code_end - code_base);
        if code_span > bytes.len() as u64 {
            return Err(ElfError::TooLarge(code_span));
        }
        let word_at = |addr: u32| -> u32 {
            (0..4).fold(0u32, |w, i| {
                w | u32::from(bytes_at.get(&(addr + i)).copied().unwrap_or(0)) << (8 * i)
            })
        };
        let code: Vec<u32> = (code_base..code_end).step_by(4).map(word_at).collect();
        let decoded: Vec<Result<Instruction, DecodeError>> = code
            .iter()
            .enumerate()
            .map(|(i, &w)| {
                let addr = code_base + 4 * i as u32;
                if code_ranges.iter().any(|&(s, e)| (s..e).contains(&addr)) {
                    decode(w)
                } else {
                    Err(DecodeError::Illegal(w))
                }
            })
            .collect();

        // The memory image: every non-zero aligned word (zero words need no initialisation).
        let mut image: Vec<(u32, u32)> = Vec::new();
        for &addr in bytes_at.keys() {
            let word_addr = addr & !3;
            if image.last().map(|l| l.0) != Some(word_addr) {
                image.push((word_addr, word_at(word_addr)));
            }
        }
        let image_end = ranges.iter().map(|r| r.1).max().unwrap_or(GUEST_MIN_ADDR);

        Ok(Self {
            entry,
            code_base,
            code,
            canonical: decoded
                .iter()
                .map(|d| d.map(Instruction::canonical))
                .collect(),
            decoded,
            image,
            image_end,
            symbols: read_symbols(&file),
        })
    }

    /// The entry point: where execution starts.
    pub fn entry(&self) -> u32 {
        self.entry
    }

    /// Address of the first ROM word.
    pub fn code_base(&self) -> u32 {
        self.code_base
    }

    /// The raw code words, from [`Self::code_base`] on.
    pub fn code(&self) -> &[u32] {
        &self.code
    }

    /// The decoded ROM, parallel to [`Self::code`].
    pub fn decoded(&self) -> &[Result<Instruction, DecodeError>] {
        &self.decoded
    }

    /// The ROM in the canonical form the executor and prover run (see
    /// [`Instruction::canonical`]): writes to x0 go to the sink register, FENCE is a no-op ADDI.
    pub fn canonical(&self) -> &[Result<Instruction, DecodeError>] {
        &self.canonical
    }

    /// The instruction at `pc`, if `pc` is an aligned address inside the ROM.
    pub fn instruction_at(&self, pc: u32) -> Option<Result<Instruction, DecodeError>> {
        if pc & 3 != 0 {
            return None;
        }
        let idx = pc.checked_sub(self.code_base)? / 4;
        self.decoded.get(idx as usize).copied()
    }

    /// The initial memory: `(word address, value)` for every non-zero word, sorted by address.
    pub fn image(&self) -> &[(u32, u32)] {
        &self.image
    }

    /// One past the last byte of the loaded segments (where the heap may begin).
    pub fn image_end(&self) -> u32 {
        self.image_end
    }

    /// Function symbols sorted by address.
    pub fn symbols(&self) -> &[Symbol] {
        &self.symbols
    }
}

/// Check the identification bytes ourselves, to give specific errors for the common cases.
fn check_ident(bytes: &[u8]) -> Result<(), ElfError> {
    if bytes.len() < 16 || &bytes[..4] != b"\x7fELF" {
        return Err(ElfError::NotElf("missing ELF magic".into()));
    }
    match bytes[abi::EI_CLASS] {
        abi::ELFCLASS32 => {}
        abi::ELFCLASS64 => return Err(ElfError::Not32Bit),
        c => return Err(ElfError::Malformed(format!("unknown ELF class {c}"))),
    }
    match bytes[abi::EI_DATA] {
        abi::ELFDATA2LSB => Ok(()),
        abi::ELFDATA2MSB => Err(ElfError::BigEndian),
        d => Err(ElfError::Malformed(format!("unknown data encoding {d}"))),
    }
}

/// Relocation sections that the loader would have to apply are refused.
fn reject_alloc_relocations(file: &ElfBytes<'_, LittleEndian>) -> Result<(), ElfError> {
    let Some(sections) = file.section_headers() else {
        return Ok(());
    };
    for sh in sections.iter() {
        let is_rel = sh.sh_type == abi::SHT_REL || sh.sh_type == abi::SHT_RELA;
        if is_rel && sh.sh_flags & u64::from(abi::SHF_ALLOC) != 0 {
            return Err(ElfError::Relocations("allocated relocation section"));
        }
    }
    Ok(())
}

/// Function symbols, best effort: a missing or malformed symbol table only loses profiling.
fn read_symbols(file: &ElfBytes<'_, LittleEndian>) -> Vec<Symbol> {
    let Ok(Some((symtab, strtab))) = file.symbol_table() else {
        return Vec::new();
    };
    let mut out: Vec<Symbol> = symtab
        .iter()
        .filter(|s| s.st_symtype() == abi::STT_FUNC && !s.is_undefined())
        .filter_map(|s| {
            let name = strtab.get(s.st_name as usize).ok()?;
            Some(Symbol {
                name: name.to_string(),
                addr: u32::try_from(s.st_value).ok()?,
                size: u32::try_from(s.st_size).ok()?,
            })
        })
        .collect();
    out.sort_by_key(|s| (s.addr, std::cmp::Reverse(s.size)));
    out.dedup_by_key(|s| s.addr);
    out
}
