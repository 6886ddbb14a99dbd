//! Errors: why a file is not a program vouch can run, and why an execution stopped early.

/// Why an ELF file was rejected. Every variant is a user-facing, one-line reason.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum ElfError {
    #[error("not an ELF file: {0}")]
    NotElf(String),
    #[error("64-bit ELF files are not supported: vouch runs RV32IM (riscv32im-unknown-none-elf)")]
    Not32Bit,
    #[error("big-endian ELF files are not supported")]
    BigEndian,
    #[error("wrong machine type {0}: vouch runs RISC-V (EM_RISCV = 243) executables")]
    WrongMachine(u16),
    #[error("ELF type {0} is not an executable (ET_EXEC): link the guest as a static executable")]
    NotExecutable(u16),
    #[error(
        "the ELF uses compressed instructions (RVC); build for riscv32im-unknown-none-elf, not riscv32imc"
    )]
    CompressedCode,
    #[error("the ELF uses the RV32E or hardware floating-point ABI (e_flags 0x{0:x}); vouch runs RV32IM")]
    UnsupportedAbi(u32),
    #[error("the ELF is dynamically linked or needs relocation ({0}); link it statically")]
    Relocations(&'static str),
    #[error("truncated or malformed ELF: {0}")]
    Malformed(String),
    #[error("the ELF has no loadable segments")]
    NoSegments,
    #[error("segment at 0x{vaddr:08x} (size 0x{size:x}) lies outside guest memory 0x{min:08x}..0x{max:08x}")]
    SegmentOutOfRange {
        vaddr: u32,
        size: u32,
        min: u32,
        max: u32,
    },
    #[error("segments at 0x{0:08x} and 0x{1:08x} overlap")]
    SegmentsOverlap(u32, u32),
    #[error("executable segment at 0x{0:08x} is not 4-byte aligned")]
    MisalignedCode(u32),
    #[error("entry point 0x{0:08x} is not in an executable segment")]
    EntryNotExecutable(u32),
    #[error("the ELF's memory image is too large ({0} bytes)")]
    TooLarge(u64),
}

/// Why an execution stopped without reaching `HALT`.
#[derive(Debug, thiserror::Error, Clone, PartialEq, Eq)]
pub enum ExecError {
    #[error("illegal instruction at pc 0x{pc:08x}: 0x{word:08x}{}", illegal_hint(*.word))]
    IllegalInstruction { pc: u32, word: u32 },
    #[error("instruction fetch outside executable memory at pc 0x{pc:08x}")]
    PcOutOfCode { pc: u32 },
    #[error("misaligned jump or branch target 0x{target:08x} at pc 0x{pc:08x}")]
    MisalignedPc { pc: u32, target: u32 },
    #[error("misaligned {width}-byte {kind} at pc 0x{pc:08x}: address 0x{addr:08x}")]
    MisalignedAccess {
        pc: u32,
        addr: u32,
        width: u32,
        kind: AccessKind,
    },
    #[error("{kind} outside guest memory at pc 0x{pc:08x}: address 0x{addr:08x}")]
    OutOfBounds {
        pc: u32,
        addr: u32,
        kind: AccessKind,
    },
    #[error(
        "stack overflow at pc 0x{pc:08x}: address 0x{addr:08x} is below the {stack_kib} KiB stack \
         (the guard between heap and stack was hit). The stack size is fixed by vouch's memory \
         map: use less stack (move large locals to the heap, turn deep recursion into a loop)"
    )]
    StackOverflow { pc: u32, addr: u32, stack_kib: u32 },
    #[error("invalid segment budget: {0}")]
    InvalidBudget(String),
    #[error("unknown syscall {number} at pc 0x{pc:08x}")]
    UnknownSyscall { pc: u32, number: u32 },
    #[error("bad argument to syscall {syscall} at pc 0x{pc:08x}: {reason}")]
    BadSyscall {
        pc: u32,
        syscall: &'static str,
        reason: String,
    },
    #[error("guest panicked: {message}")]
    GuestPanic { message: String },
    #[error(
        "the guest asked for randomness (RANDOM_WORD at pc 0x{pc:08x}) but the host disabled it \
         (--no-random); std's HashMap::new and getrandom ask for it"
    )]
    RandomDisabled { pc: u32 },
    #[error("cycle limit of {limit} cycles reached without HALT (raise it with --cycle-limit)")]
    CycleLimit { limit: u64 },
    #[error(
        "the journal digest passed to HALT does not match the committed journal: \
         the guest runtime and the host disagree"
    )]
    JournalDigestMismatch,
}

/// `unimp` (`csrrw zero, cycle, zero`): what Rust emits for a trap (`core::intrinsics::abort`).
const UNIMP: u32 = 0xc000_1073;

/// What an illegal instruction probably means, for the error message.
fn illegal_hint(word: u32) -> &'static str {
    if word == UNIMP {
        " (`unimp`: the guest aborted. In std guests, std::process::exit and std::process::abort \
         end this way because Rust's zkvm std cannot exit: return from main, or call \
         vouch_guest::exit(code) to exit with a code)"
    } else {
        ""
    }
}

/// Whether a faulting memory access was a load or a store.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AccessKind {
    Load,
    Store,
}

impl std::fmt::Display for AccessKind {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            AccessKind::Load => "load",
            AccessKind::Store => "store",
        })
    }
}
