//! A minimal ELF32 little-endian RISC-V executable writer, with knobs to make it malformed.
//!
//! [`ElfBuilder`] lays out an ELF header, the program headers, each segment's bytes (at a file
//! offset congruent to its address modulo the page size, so that Linux and qemu can `mmap` it)
//! and, optionally, section headers. Every header field a loader checks is a public field, so
//! a test can set a wrong machine or a segment whose file size exceeds its memory size, and
//! [`patch_u16`], [`patch_u32`] and [`truncate`] edit the finished bytes.

/// ELF constants used here (values from the System V ABI and the RISC-V psABI).
pub mod consts {
    pub const ELFCLASS32: u8 = 1;
    pub const ELFCLASS64: u8 = 2;
    pub const ELFDATA2LSB: u8 = 1;
    pub const ELFDATA2MSB: u8 = 2;
    pub const ET_REL: u16 = 1;
    pub const ET_EXEC: u16 = 2;
    pub const ET_DYN: u16 = 3;
    pub const EM_386: u16 = 3;
    pub const EM_X86_64: u16 = 62;
    pub const EM_RISCV: u16 = 243;
    pub const PT_LOAD: u32 = 1;
    pub const PT_DYNAMIC: u32 = 2;
    pub const PT_INTERP: u32 = 3;
    pub const PT_NOTE: u32 = 4;
    pub const PF_X: u32 = 1;
    pub const PF_W: u32 = 2;
    pub const PF_R: u32 = 4;
    pub const SHT_PROGBITS: u32 = 1;
    pub const SHT_STRTAB: u32 = 3;
    pub const SHT_RELA: u32 = 4;
    pub const SHT_NOBITS: u32 = 8;
    pub const SHT_REL: u32 = 9;
    pub const SHF_WRITE: u32 = 1;
    pub const SHF_ALLOC: u32 = 2;
    pub const SHF_EXECINSTR: u32 = 4;
    /// `e_flags`: compressed instructions.
    pub const EF_RISCV_RVC: u32 = 0x1;
    /// `e_flags`: single-float ABI.
    pub const EF_RISCV_FLOAT_ABI_SINGLE: u32 = 0x2;
    /// `e_flags`: double-float ABI.
    pub const EF_RISCV_FLOAT_ABI_DOUBLE: u32 = 0x4;
    /// `e_flags`: RV32E.
    pub const EF_RISCV_RVE: u32 = 0x8;
}

/// Byte offsets of ELF32 header fields, for patching finished files.
pub mod offsets {
    pub const EI_CLASS: usize = 4;
    pub const EI_DATA: usize = 5;
    pub const E_TYPE: usize = 16;
    pub const E_MACHINE: usize = 18;
    pub const E_ENTRY: usize = 24;
    pub const E_PHOFF: usize = 28;
    pub const E_SHOFF: usize = 32;
    pub const E_FLAGS: usize = 36;
    pub const E_PHENTSIZE: usize = 42;
    pub const E_PHNUM: usize = 44;
    pub const E_SHNUM: usize = 48;
    /// Size of the ELF32 header; the program headers follow it.
    pub const EHDR_SIZE: usize = 52;
    /// Size of one ELF32 program header.
    pub const PHDR_SIZE: usize = 32;
    /// Offsets of fields inside a program header.
    pub const P_TYPE: usize = 0;
    pub const P_OFFSET: usize = 4;
    pub const P_VADDR: usize = 8;
    pub const P_FILESZ: usize = 16;
    pub const P_MEMSZ: usize = 20;
    pub const P_FLAGS: usize = 24;

    /// Offset of field `field` of program header `index` in a file from [`super::ElfBuilder`].
    pub const fn phdr(index: usize, field: usize) -> usize {
        EHDR_SIZE + index * PHDR_SIZE + field
    }
}

use consts::*;

/// Page size used to align segment file offsets.
pub const PAGE: u32 = 4096;

/// One program header and the bytes it loads.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Segment {
    pub p_type: u32,
    /// `PF_R | PF_W | PF_X` bits.
    pub flags: u32,
    pub vaddr: u32,
    /// The file-backed bytes.
    pub data: Vec<u8>,
    /// Memory size; at least `data.len()` for a well-formed file.
    pub mem_size: u32,
    /// Written as `p_filesz` instead of `data.len()` when set.
    pub file_size_override: Option<u32>,
    /// Written as `p_offset` instead of the real offset when set.
    pub offset_override: Option<u32>,
}

impl Segment {
    /// A loadable segment holding `data`, with `mem_size = data.len()`.
    pub fn load(vaddr: u32, flags: u32, data: Vec<u8>) -> Self {
        Self {
            p_type: PT_LOAD,
            flags,
            vaddr,
            mem_size: data.len() as u32,
            data,
            file_size_override: None,
            offset_override: None,
        }
    }
}

/// A section header and its contents (a `.shstrtab` is added after the given sections).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Section {
    pub name: String,
    pub sh_type: u32,
    pub flags: u32,
    pub addr: u32,
    pub data: Vec<u8>,
}

/// Builds an ELF32 file; the defaults describe a valid little-endian RISC-V `ET_EXEC`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ElfBuilder {
    /// `e_ident[EI_CLASS]`; the rest of the file keeps the 32-bit layout whatever it says.
    pub class: u8,
    /// `e_ident[EI_DATA]`; the file is little-endian whatever it says.
    pub data_encoding: u8,
    pub e_type: u16,
    pub machine: u16,
    pub e_flags: u32,
    pub entry: u32,
    pub segments: Vec<Segment>,
    /// Section headers to write; none by default (a null section and `.shstrtab` are added
    /// when there is at least one).
    pub sections: Vec<Section>,
}

impl ElfBuilder {
    /// A valid executable header with no segments, entering at `entry`.
    pub fn new(entry: u32) -> Self {
        Self {
            class: ELFCLASS32,
            data_encoding: ELFDATA2LSB,
            e_type: ET_EXEC,
            machine: EM_RISCV,
            e_flags: 0,
            entry,
            segments: Vec::new(),
            sections: Vec::new(),
        }
    }

    /// Add a read + execute segment holding `words` at `vaddr`.
    pub fn code(mut self, vaddr: u32, words: &[u32]) -> Self {
        let bytes = words.iter().flat_map(|w| w.to_le_bytes()).collect();
        self.segments.push(Segment::load(vaddr, PF_R | PF_X, bytes));
        self
    }

    /// Add a read + write segment holding `bytes` at `vaddr`.
    pub fn data(mut self, vaddr: u32, bytes: &[u8]) -> Self {
        self.segments
            .push(Segment::load(vaddr, PF_R | PF_W, bytes.to_vec()));
        self
    }

    /// Add a read + write segment of `size` zero bytes with no file data (like `.bss`).
    pub fn bss(mut self, vaddr: u32, size: u32) -> Self {
        let mut seg = Segment::load(vaddr, PF_R | PF_W, Vec::new());
        seg.mem_size = size;
        self.segments.push(seg);
        self
    }

    /// Add any segment.
    pub fn segment(mut self, segment: Segment) -> Self {
        self.segments.push(segment);
        self
    }

    /// Add a section header.
    pub fn section(mut self, section: Section) -> Self {
        self.sections.push(section);
        self
    }

    /// The file.
    pub fn build(&self) -> Vec<u8> {
        let phnum = self.segments.len();
        let mut out = vec![0u8; offsets::EHDR_SIZE + phnum * offsets::PHDR_SIZE];

        // Segment contents, each at an offset congruent to its address modulo PAGE.
        let mut seg_offsets = Vec::with_capacity(phnum);
        for seg in &self.segments {
            let cur = out.len() as u32;
            let pad = seg.vaddr.wrapping_sub(cur) % PAGE;
            out.resize((cur + pad) as usize, 0);
            seg_offsets.push(out.len() as u32);
            out.extend_from_slice(&seg.data);
        }

        // Sections: contents, then .shstrtab, then the header table.
        let (shoff, shnum, shstrndx) = if self.sections.is_empty() {
            (0u32, 0u16, 0u16)
        } else {
            let mut names = vec![0u8];
            let mut headers: Vec<[u32; 10]> = vec![[0; 10]];
            for sec in &self.sections {
                align(&mut out, 4);
                let name_off = names.len() as u32;
                names.extend_from_slice(sec.name.as_bytes());
                names.push(0);
                let offset = out.len() as u32;
                if sec.sh_type != SHT_NOBITS {
                    out.extend_from_slice(&sec.data);
                }
                headers.push([
                    name_off,
                    sec.sh_type,
                    sec.flags,
                    sec.addr,
                    offset,
                    sec.data.len() as u32,
                    0,
                    0,
                    4,
                    0,
                ]);
            }
            let name_off = names.len() as u32;
            names.extend_from_slice(b".shstrtab\0");
            let offset = out.len() as u32;
            out.extend_from_slice(&names);
            headers.push([
                name_off,
                SHT_STRTAB,
                0,
                0,
                offset,
                names.len() as u32,
                0,
                0,
                1,
                0,
            ]);
            align(&mut out, 4);
            let shoff = out.len() as u32;
            for h in &headers {
                for field in h {
                    out.extend_from_slice(&field.to_le_bytes());
                }
            }
            (shoff, headers.len() as u16, headers.len() as u16 - 1)
        };

        // The ELF header.
        out[..4].copy_from_slice(b"\x7fELF");
        out[offsets::EI_CLASS] = self.class;
        out[offsets::EI_DATA] = self.data_encoding;
        out[6] = 1; // EI_VERSION
        put_u16(&mut out, offsets::E_TYPE, self.e_type);
        put_u16(&mut out, offsets::E_MACHINE, self.machine);
        put_u32(&mut out, 20, 1); // e_version
        put_u32(&mut out, offsets::E_ENTRY, self.entry);
        put_u32(&mut out, offsets::E_PHOFF, offsets::EHDR_SIZE as u32);
        put_u32(&mut out, offsets::E_SHOFF, shoff);
        put_u32(&mut out, offsets::E_FLAGS, self.e_flags);
        put_u16(&mut out, 40, offsets::EHDR_SIZE as u16); // e_ehsize
        put_u16(&mut out, offsets::E_PHENTSIZE, offsets::PHDR_SIZE as u16);
        put_u16(&mut out, offsets::E_PHNUM, phnum as u16);
        put_u16(&mut out, 46, 40); // e_shentsize
        put_u16(&mut out, offsets::E_SHNUM, shnum);
        put_u16(&mut out, 50, shstrndx);

        for (i, (seg, &off)) in self.segments.iter().zip(&seg_offsets).enumerate() {
            let at = |field| offsets::phdr(i, field);
            put_u32(&mut out, at(offsets::P_TYPE), seg.p_type);
            put_u32(
                &mut out,
                at(offsets::P_OFFSET),
                seg.offset_override.unwrap_or(off),
            );
            put_u32(&mut out, at(offsets::P_VADDR), seg.vaddr);
            put_u32(&mut out, at(offsets::P_VADDR) + 4, seg.vaddr); // p_paddr
            let filesz = seg.file_size_override.unwrap_or(seg.data.len() as u32);
            put_u32(&mut out, at(offsets::P_FILESZ), filesz);
            put_u32(&mut out, at(offsets::P_MEMSZ), seg.mem_size);
            put_u32(&mut out, at(offsets::P_FLAGS), seg.flags);
            put_u32(&mut out, at(offsets::P_FLAGS) + 4, PAGE); // p_align
        }
        out
    }
}

fn align(out: &mut Vec<u8>, to: usize) {
    out.resize(out.len().next_multiple_of(to), 0);
}

fn put_u16(out: &mut [u8], at: usize, v: u16) {
    out[at..at + 2].copy_from_slice(&v.to_le_bytes());
}

fn put_u32(out: &mut [u8], at: usize, v: u32) {
    out[at..at + 4].copy_from_slice(&v.to_le_bytes());
}

/// `bytes` with the little-endian `u16` at `at` replaced.
pub fn patch_u16(mut bytes: Vec<u8>, at: usize, v: u16) -> Vec<u8> {
    put_u16(&mut bytes, at, v);
    bytes
}

/// `bytes` with the little-endian `u32` at `at` replaced.
pub fn patch_u32(mut bytes: Vec<u8>, at: usize, v: u32) -> Vec<u8> {
    put_u32(&mut bytes, at, v);
    bytes
}

/// The first `len` bytes of `bytes`.
pub fn truncate(mut bytes: Vec<u8>, len: usize) -> Vec<u8> {
    bytes.truncate(len);
    bytes
}

#[cfg(test)]
mod tests {
    use super::*;

    fn u32_at(b: &[u8], at: usize) -> u32 {
        u32::from_le_bytes([b[at], b[at + 1], b[at + 2], b[at + 3]])
    }

    #[test]
    fn lays_out_headers_and_segments() {
        let elf = ElfBuilder::new(0x1_0000)
            .code(0x1_0000, &[0x0000_0073])
            .data(0x10_0004, &[1, 2, 3])
            .build();
        assert_eq!(&elf[..4], b"\x7fELF");
        assert_eq!(u32_at(&elf, offsets::E_ENTRY), 0x1_0000);
        assert_eq!(elf[offsets::E_PHNUM], 2);
        for (i, (vaddr, len)) in [(0x1_0000u32, 4u32), (0x10_0004, 3)]
            .into_iter()
            .enumerate()
        {
            let off = u32_at(&elf, offsets::phdr(i, offsets::P_OFFSET));
            assert_eq!(
                off % PAGE,
                vaddr % PAGE,
                "segment {i} offset congruent to address"
            );
            assert_eq!(u32_at(&elf, offsets::phdr(i, offsets::P_VADDR)), vaddr);
            assert_eq!(u32_at(&elf, offsets::phdr(i, offsets::P_FILESZ)), len);
            assert_eq!(u32_at(&elf, offsets::phdr(i, offsets::P_MEMSZ)), len);
        }
        let off = u32_at(&elf, offsets::phdr(1, offsets::P_OFFSET)) as usize;
        assert_eq!(&elf[off..off + 3], &[1, 2, 3]);
        assert_eq!(u32_at(&elf, offsets::E_SHOFF), 0);
    }

    #[test]
    fn writes_section_headers_when_asked() {
        let elf = ElfBuilder::new(0x1_0000)
            .code(0x1_0000, &[0x0000_0073])
            .section(Section {
                name: ".text".into(),
                sh_type: SHT_PROGBITS,
                flags: SHF_ALLOC | SHF_EXECINSTR,
                addr: 0x1_0000,
                data: vec![0x73, 0, 0, 0],
            })
            .build();
        let shoff = u32_at(&elf, offsets::E_SHOFF) as usize;
        assert_eq!(shoff % 4, 0);
        assert_eq!(elf[offsets::E_SHNUM], 3, "null, .text, .shstrtab");
        assert_eq!(elf.len(), shoff + 3 * 40);
        // .text's sh_type and sh_addr
        assert_eq!(u32_at(&elf, shoff + 40 + 4), SHT_PROGBITS);
        assert_eq!(u32_at(&elf, shoff + 40 + 12), 0x1_0000);
    }
}
