//! `Program::from_elf`: what it accepts, each malformation's specific error, and no panics
//! on arbitrary or mutated input.

mod common;

use proptest::prelude::*;
use vouch_abi::memory::{GUEST_MIN_ADDR, HEAP_END};
use vouch_executor::{ElfError, ExecOptions, Executor, Program};
use vouch_testkit::elf::{consts::*, offsets, patch_u16, patch_u32, truncate, Section, Segment};
use vouch_testkit::reg::*;
use vouch_testkit::{Asm, ElfBuilder, CODE_BASE, DATA_BASE};

use ElfError::*;

/// A valid program: code at CODE_BASE, data at DATA_BASE, halting with exit code 5.
fn valid() -> Asm {
    let mut p = Asm::new();
    let d = p.alloc_words(&[41]);
    p.li(T0, d)
        .lw(T1, 0, T0)
        .addi(T1, T1, 1)
        .sw(T1, 0, T0)
        .halt(5);
    p
}

fn load_err(bytes: &[u8]) -> ElfError {
    match Program::from_elf(bytes) {
        Ok(_) => panic!("ELF was accepted"),
        Err(e) => e,
    }
}

fn builder() -> ElfBuilder {
    valid().elf_builder()
}

#[test]
fn a_valid_elf_loads_and_runs() {
    let p = valid();
    let program = Program::from_elf(&p.elf()).unwrap();
    assert_eq!(program.entry(), CODE_BASE);
    assert_eq!(program.code_base(), CODE_BASE);
    assert_eq!(program.code(), &p.words()[..]);
    assert_eq!(program.image_end(), DATA_BASE + p.data().len() as u32);
    assert!(program.image().contains(&(DATA_BASE, 41)));
    assert!(
        program.image().windows(2).all(|w| w[0].0 < w[1].0),
        "image sorted"
    );
    let exec = Executor::new(&program, Vec::new(), ExecOptions::default())
        .run()
        .unwrap();
    assert_eq!(exec.exit_code, 5);
}

#[test]
fn optional_section_headers_are_accepted() {
    let b = builder().section(Section {
        name: ".text".into(),
        sh_type: SHT_PROGBITS,
        flags: SHF_ALLOC | SHF_EXECINSTR,
        addr: CODE_BASE,
        data: vec![0; 4],
    });
    assert!(Program::from_elf(&b.build()).is_ok());
}

#[test]
fn bss_is_zero_and_non_zero_entry_works() {
    let mut p = Asm::new();
    let start = p.new_label();
    p.word(vouch_testkit::raw::EBREAK); // never executed: entry is after it
    p.bind(start);
    p.li(T0, 0x0200_0000)
        .lw(T1, 0x7fc, T0)
        .sw(T0, 0, T0)
        .halt(0);
    p.set_entry(start);
    let mut b = p.elf_builder();
    let mut bss = Segment::load(0x0200_0000, PF_R | PF_W, Vec::new());
    bss.mem_size = 0x1000;
    b.segments.push(bss);
    let program = Program::from_elf(&b.build()).unwrap();
    assert_eq!(program.entry(), CODE_BASE + 4);
    let exec = Executor::new(&program, Vec::new(), common::recording())
        .run()
        .unwrap();
    assert_eq!(exec.segments[0].regs_final[6], 0, "bss reads as zero");
}

// ---------------------------------------------------------------- NEGATIVE: identification

#[test]
fn not_an_elf_file() {
    assert!(matches!(load_err(b""), NotElf(_)));
    assert!(matches!(load_err(b"\x7fEL"), NotElf(_)));
    assert!(matches!(
        load_err(b"#!/bin/sh\necho not an elf\n"),
        NotElf(_)
    ));
    let mut elf = valid().elf();
    elf[1] = b'X';
    assert!(matches!(load_err(&elf), NotElf(_)));
}

#[test]
fn truncated_headers_are_malformed() {
    let elf = valid().elf();
    // Shorter than e_ident: no magic to speak of.
    assert!(matches!(load_err(&truncate(elf.clone(), 10)), NotElf(_)));
    // A full e_ident but a cut ELF header, then a cut program header table.
    for len in [16, 30, offsets::EHDR_SIZE - 1, offsets::EHDR_SIZE + 10] {
        let e = load_err(&truncate(elf.clone(), len));
        assert!(matches!(e, Malformed(_)), "length {len}: {e:?}");
    }
}

#[test]
fn wrong_class_encoding_machine_and_type() {
    let mut b = builder();
    b.class = ELFCLASS64;
    assert_eq!(load_err(&b.build()), Not32Bit);
    let mut b = builder();
    b.class = 7;
    assert!(matches!(load_err(&b.build()), Malformed(_)));
    let mut b = builder();
    b.data_encoding = ELFDATA2MSB;
    assert_eq!(load_err(&b.build()), BigEndian);
    let mut b = builder();
    b.data_encoding = 0;
    assert!(matches!(load_err(&b.build()), Malformed(_)));
    for machine in [EM_X86_64, EM_386, 0] {
        let mut b = builder();
        b.machine = machine;
        assert_eq!(load_err(&b.build()), WrongMachine(machine));
    }
    for e_type in [ET_DYN, ET_REL, 0, 4] {
        let mut b = builder();
        b.e_type = e_type;
        assert_eq!(load_err(&b.build()), NotExecutable(e_type));
    }
}

#[test]
fn rvc_rve_and_float_abi_flags_are_refused() {
    let mut b = builder();
    b.e_flags = EF_RISCV_RVC;
    assert_eq!(load_err(&b.build()), CompressedCode);
    for flags in [
        EF_RISCV_FLOAT_ABI_SINGLE,
        EF_RISCV_FLOAT_ABI_DOUBLE,
        EF_RISCV_FLOAT_ABI_SINGLE | EF_RISCV_FLOAT_ABI_DOUBLE,
        EF_RISCV_RVE,
    ] {
        let mut b = builder();
        b.e_flags = flags;
        assert_eq!(load_err(&b.build()), UnsupportedAbi(flags));
    }
    // The TSO flag (0x10) is harmless on a single hart.
    let mut b = builder();
    b.e_flags = 0x10;
    assert!(Program::from_elf(&b.build()).is_ok());
}

// ---------------------------------------------------------------- NEGATIVE: dynamic linking

#[test]
fn dynamic_segments_and_relocations_are_refused() {
    for (p_type, what) in [
        (PT_DYNAMIC, "PT_DYNAMIC segment"),
        (PT_INTERP, "PT_INTERP segment"),
    ] {
        let mut seg = Segment::load(0x0200_0000, PF_R, vec![0; 8]);
        seg.p_type = p_type;
        let b = builder().segment(seg);
        assert_eq!(load_err(&b.build()), Relocations(what));
    }
    for sh_type in [SHT_RELA, SHT_REL] {
        let b = builder().section(Section {
            name: ".rela.dyn".into(),
            sh_type,
            flags: SHF_ALLOC,
            addr: 0,
            data: vec![0; 12],
        });
        assert_eq!(
            load_err(&b.build()),
            Relocations("allocated relocation section")
        );
    }
    // Non-allocated relocations (as in objects linked with --emit-relocs) are fine.
    let b = builder().section(Section {
        name: ".rela.text".into(),
        sh_type: SHT_RELA,
        flags: 0,
        addr: 0,
        data: vec![0; 12],
    });
    assert!(Program::from_elf(&b.build()).is_ok());
    // A PT_NOTE segment is ignored.
    let mut note = Segment::load(0, PF_R, vec![0; 4]);
    note.p_type = PT_NOTE;
    assert!(Program::from_elf(&builder().segment(note).build()).is_ok());
}

// ---------------------------------------------------------------- NEGATIVE: segments

#[test]
fn no_loadable_segments() {
    let b = ElfBuilder::new(CODE_BASE);
    assert_eq!(load_err(&b.build()), NoSegments);
    let mut b = builder();
    for seg in &mut b.segments {
        seg.p_type = PT_NOTE;
    }
    assert_eq!(load_err(&b.build()), NoSegments);
}

#[test]
fn segments_outside_the_image_range() {
    let words = valid().words();
    let len = 4 * words.len() as u32;
    for vaddr in [
        0,
        0x1000,
        GUEST_MIN_ADDR - 4,
        HEAP_END - 4,
        HEAP_END,
        0xffff_f000,
    ] {
        let b = ElfBuilder::new(vaddr).code(vaddr, &words);
        assert_eq!(
            load_err(&b.build()),
            SegmentOutOfRange {
                vaddr,
                size: len,
                min: GUEST_MIN_ADDR,
                max: HEAP_END
            },
            "code at 0x{vaddr:08x}"
        );
    }
    // A data segment whose memory size reaches past HEAP_END, or wraps around.
    for (vaddr, size) in [(HEAP_END - 0x1000, 0x1004), (0x0200_0000, u32::MAX)] {
        let mut b = builder();
        let mut bss = Segment::load(vaddr, PF_R | PF_W, Vec::new());
        bss.mem_size = size;
        b.segments.push(bss);
        assert!(
            matches!(load_err(&b.build()), SegmentOutOfRange { vaddr: v, .. } if v == vaddr),
            "0x{vaddr:08x} + 0x{size:x}"
        );
    }
}

#[test]
fn overlapping_segments() {
    let b = builder().data(DATA_BASE - 4, &[1; 8]);
    assert_eq!(
        load_err(&b.build()),
        SegmentsOverlap(DATA_BASE, DATA_BASE - 4)
    );
    let b = builder().data(CODE_BASE + 8, &[1; 4]);
    assert_eq!(
        load_err(&b.build()),
        SegmentsOverlap(CODE_BASE, CODE_BASE + 8)
    );
}

#[test]
fn misaligned_executable_segments() {
    let words = valid().words();
    for vaddr in [CODE_BASE + 2, CODE_BASE + 1] {
        let b = ElfBuilder::new(CODE_BASE + 4).code(vaddr, &words);
        assert_eq!(load_err(&b.build()), MisalignedCode(vaddr));
    }
    // A misaligned data segment is fine.
    let b = builder().data(DATA_BASE + 0x1001, &[1, 2, 3]);
    assert!(Program::from_elf(&b.build()).is_ok());
}

#[test]
fn entry_outside_executable_segments() {
    let p = valid();
    let code_end = CODE_BASE + 4 * p.words().len() as u32;
    for entry in [0, CODE_BASE - 4, CODE_BASE + 2, code_end, DATA_BASE] {
        let mut b = builder();
        b.entry = entry;
        assert_eq!(
            load_err(&b.build()),
            EntryNotExecutable(entry),
            "0x{entry:08x}"
        );
    }
    // Entry in a data segment that is not executable.
    let mut b = builder();
    b.entry = DATA_BASE;
    assert_eq!(load_err(&b.build()), EntryNotExecutable(DATA_BASE));
    // The entry field does not fit 32 bits only in a 64-bit file, which is refused first;
    // here a patched 32-bit entry past the code is refused.
    let elf = patch_u32(valid().elf(), offsets::E_ENTRY, 0xffff_fffc);
    assert_eq!(load_err(&elf), EntryNotExecutable(0xffff_fffc));
}

#[test]
fn file_size_larger_than_memory_size() {
    let mut b = builder();
    b.segments[1].mem_size = 2;
    assert!(matches!(load_err(&b.build()), Malformed(m) if m.contains("file size")));
}

#[test]
fn segment_data_past_the_end_of_the_file() {
    // An offset past the end.
    let mut b = builder();
    b.segments[0].offset_override = Some(0x10_0000);
    assert!(matches!(load_err(&b.build()), Malformed(_)));
    // A file size past the end.
    let mut b = builder();
    b.segments[1].file_size_override = Some(0x10_0000);
    b.segments[1].mem_size = 0x10_0000;
    assert!(matches!(load_err(&b.build()), Malformed(_)));
    // The file cut in the middle of the last segment's bytes.
    let elf = valid().elf();
    let len = elf.len();
    assert!(matches!(load_err(&truncate(elf, len - 2)), Malformed(_)));
    // An offset so large that offset + size overflows.
    let elf = patch_u32(
        valid().elf(),
        offsets::phdr(0, offsets::P_OFFSET),
        u32::MAX - 1,
    );
    assert!(matches!(load_err(&elf), Malformed(_)));
}

#[test]
fn bad_program_header_table() {
    // e_phentsize wrong, e_phoff past the end, e_phnum larger than the table.
    let elf = patch_u16(valid().elf(), offsets::E_PHENTSIZE, 31);
    assert!(matches!(load_err(&elf), Malformed(_)));
    let elf = patch_u32(valid().elf(), offsets::E_PHOFF, 0x7fff_0000);
    assert!(matches!(load_err(&elf), Malformed(_)));
    let elf = patch_u16(valid().elf(), offsets::E_PHNUM, 0xfff0);
    assert!(matches!(load_err(&elf), Malformed(_)));
}

#[test]
fn images_larger_than_the_limit_are_refused() {
    // 3 x 100 MiB of bss: each segment is in range, the total is too large.
    let mut b = builder();
    for i in 0..3u32 {
        let mut bss = Segment::load(0x0400_0000 + i * 0x0640_0000, PF_R | PF_W, Vec::new());
        bss.mem_size = 0x0640_0000;
        b.segments.push(bss);
    }
    assert!(matches!(load_err(&b.build()), TooLarge(_)));
}

// ---------------------------------------------------------------- POSITIVE: no panics

fn run_briefly(program: &Program) {
    for record in [false, true] {
        let opts = ExecOptions {
            cycle_limit: 200,
            record,
            segment_cycles: 16,
            ..ExecOptions::default()
        };
        let _ = Executor::new(program, Vec::new(), opts).run();
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(512))]

    #[test]
    fn random_bytes_never_panic(bytes in proptest::collection::vec(any::<u8>(), 0..512)) {
        if let Ok(p) = Program::from_elf(&bytes) {
            run_briefly(&p);
        }
    }

    #[test]
    fn random_bytes_behind_a_valid_ident_never_panic(
        tail in proptest::collection::vec(any::<u8>(), 0..512),
    ) {
        let mut bytes = valid().elf()[..16].to_vec();
        bytes.extend(tail);
        if let Ok(p) = Program::from_elf(&bytes) {
            run_briefly(&p);
        }
    }

    #[test]
    fn mutated_valid_elfs_never_panic(
        edits in proptest::collection::vec((any::<prop::sample::Index>(), any::<u8>()), 1..8),
        header_edits in proptest::collection::vec((0usize..(offsets::EHDR_SIZE + 3 * offsets::PHDR_SIZE), any::<u8>()), 0..4),
        cut in proptest::option::of(any::<prop::sample::Index>()),
    ) {
        let mut bytes = valid().elf();
        for (at, v) in edits {
            let i = at.index(bytes.len());
            bytes[i] = v;
        }
        // Header fields are where loaders go wrong: mutate them more often.
        for (at, v) in header_edits {
            if at < bytes.len() {
                bytes[at] = v;
            }
        }
        if let Some(cut) = cut {
            let len = cut.index(bytes.len() + 1);
            bytes.truncate(len);
        }
        if let Ok(p) = Program::from_elf(&bytes) {
            run_briefly(&p);
        }
    }
}

#[test]
fn the_code_rom_is_bounded_by_the_file() {
    // Regression: the ROM used to span p_memsz of the executable segments and every gap
    // between them, so a 12 KiB file with two 4-byte code segments 500 MiB apart allocated
    // 1.5 GB and took seconds to load.
    let mut b = builder();
    b.segments[1].vaddr = 0x1000_0000;
    let far = 0x1f00_0000;
    let b = b.code(far, &[0x0000_0013]);
    assert_eq!(
        load_err(&b.build()),
        TooLarge(u64::from(far + 4 - CODE_BASE))
    );
    // A zero fill after the code (p_memsz > p_filesz) is mapped, but is not in the ROM.
    let p = valid();
    let mut b = p.elf_builder();
    b.segments[0].mem_size = 0x0400_0000;
    b.segments[1].vaddr = 0x1000_0000;
    let program = Program::from_elf(&b.build()).unwrap();
    assert_eq!(program.code(), &p.words()[..]);
    assert_eq!(program.image_end(), 0x1000_0000 + p.data().len() as u32);
}
