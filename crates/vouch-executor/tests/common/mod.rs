//! Helpers shared by the executor's integration tests.
#![allow(dead_code)]

use vouch_executor::{ExecError, ExecOptions, Execution, Executor, Program, SegmentRecord};
use vouch_testkit::Asm;

/// Cycle limit for hand-assembled test programs: far above what they need.
pub const TEST_CYCLE_LIMIT: u64 = 100_000;

/// Options that record one segment per run.
pub fn recording() -> ExecOptions {
    ExecOptions {
        cycle_limit: TEST_CYCLE_LIMIT,
        record: true,
        ..ExecOptions::default()
    }
}

/// Load an assembled program; it must be a valid ELF.
pub fn load(asm: &Asm) -> Program {
    Program::from_elf(&asm.elf())
        .unwrap_or_else(|e| panic!("test program does not load: {e}\n{}", asm.listing()))
}

/// Run with recording on and no input.
pub fn run(asm: &Asm) -> Result<Execution, ExecError> {
    run_with(asm, Vec::new(), recording())
}

/// Run with the given input and options.
pub fn run_with(asm: &Asm, input: Vec<u8>, opts: ExecOptions) -> Result<Execution, ExecError> {
    let program = load(asm);
    Executor::new(&program, input, opts).run()
}

/// Run a program that must halt, and return its execution.
pub fn run_ok(asm: &Asm) -> Execution {
    run(asm).unwrap_or_else(|e| panic!("program failed: {e}\n{}", asm.listing()))
}

/// The single segment of a recorded run.
pub fn only_segment(exec: &Execution) -> &SegmentRecord {
    assert_eq!(exec.segments.len(), 1, "expected one segment");
    &exec.segments[0]
}

/// Registers when the program halted.
pub fn final_regs(asm: &Asm) -> Vec<u32> {
    only_segment(&run_ok(asm)).regs_final.clone()
}

/// The value of the memory word at `addr` at the end of a one-segment run, if it was touched.
pub fn final_word(exec: &Execution, addr: u32) -> Option<u32> {
    only_segment(exec)
        .touched
        .iter()
        .find(|t| t.addr == addr)
        .map(|t| t.last)
}

/// The error a program stops with; panics if it halts.
pub fn run_err(asm: &Asm) -> ExecError {
    match run(asm) {
        Ok(exec) => panic!(
            "program halted with exit code {} but should have failed\n{}",
            exec.exit_code,
            asm.listing()
        ),
        Err(e) => e,
    }
}
