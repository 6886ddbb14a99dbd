//! Every cell is constrained: for every chip an execution fills, every column and each of a
//! few real rows spread over the table, adding 1 to that one cell makes the debug checker
//! reject the traces (some constraint fails or some bus stops balancing), after the lookup
//! multiplicities are recomputed as a cheating prover would. A witness cell that means nothing
//! on some row (a carry of an unused negation, say) is pinned to zero there, so it is covered
//! too.
//!
//! This is the mechanical complement of the per-chip soundness tests: those show that each
//! constraint group rejects a consistent lie; this one shows that no cell is free. The fixed
//! lookup tables (ROM, image, range, bytes) are left out: their main columns are the
//! multiplicities that the rebalancing recomputes. Padding rows are left out too. One test
//! covers every chip on a run that fits one (halting) segment, the other the segment and
//! memory-tree chips (Poseidon2, page, Merkle) of a segment in the middle of a longer run.

mod common;

use std::sync::Arc;

use vouch_executor::Program;
use vouch_isa::Opcode;
use vouch_machine::ChipKind;
use vouch_stark::field::PrimeCharacteristicRing;
use vouch_stark::matrix::RowMajorMatrix;
use vouch_stark::par::*;
use vouch_stark::Val;
use vouch_testkit::reg::*;
use vouch_testkit::Asm;

/// A program that runs every RV32IM instruction class the machine proves, on several
/// operand pairs, and every syscall the ecall chip handles.
fn every_instruction() -> Vec<u8> {
    let mut p = Asm::new();
    let pairs = [
        (7u32, 3u32),
        (0xffff_fff9, 3),
        (0x8000_0000, 0xffff_ffff),
        (0x1234_5678, 0),
        (0xdead_beef, 0x8765_4321),
    ];
    for (a, b) in pairs {
        p.li(T0, a).li(T1, b);
        for op in Opcode::ALL {
            if op.alu_op().is_none() {
                continue;
            }
            let operand = if !op.is_alu_imm() {
                i32::from(T1)
            } else if matches!(op, Opcode::Slli | Opcode::Srli | Opcode::Srai) {
                (b & 31) as i32
            } else {
                ((b & 0xfff) as i32) << 20 >> 20
            };
            p.alu(op, T2, T0, operand);
        }
        // Branches, taken and not taken.
        for op in Opcode::ALL.into_iter().filter(|op| op.is_branch()) {
            let next = p.new_label();
            p.branch(op, T0, T1, next).bind(next);
            let next = p.new_label();
            p.branch(op, T0, T0, next).bind(next);
        }
    }
    // Loads and stores of every width, signed and unsigned, at every alignment they allow.
    let data = p.alloc_words(&[0x8081_7f01, 0xfedc_ba98]);
    p.li(S2, data).li(T0, 0x1357_9bdf);
    for off in 0..4 {
        p.lb(T2, off, S2).lbu(T2, off, S2).sb(T0, off + 4, S2);
    }
    for off in [0, 2] {
        p.lh(T2, off, S2).lhu(T2, off, S2).sh(T0, off + 4, S2);
    }
    p.lw(T2, 0, S2).sw(T0, 4, S2).lw(T2, 4, S2);
    // A word outside the image (the stack), paged in as zero.
    p.sw(T0, -4, SP).lw(T2, -8, SP);
    // Jumps and upper immediates.
    let f = p.new_label();
    let back = p.new_label();
    p.jal(RA, f).j(back);
    p.bind(f).auipc(T2, 0x12345).lui(T2, 0xfedcb).ret();
    p.bind(back).fence();
    // Syscalls: read a word of input, count cycles, write to stdout, commit, halt.
    p.syscall(vouch_abi::syscall::READ_WORD)
        .syscall(vouch_abi::syscall::INPUT_REMAINING)
        .syscall(vouch_abi::syscall::CYCLE_COUNT);
    let msg = p.alloc_data(b"hi\n");
    p.write(vouch_abi::syscall::FD_STDOUT, msg, 3)
        .commit(b"journal!")
        .halt_with_journal(0, b"journal!");
    p.elf()
}

/// Rows of `trace` that are not all zero (padding rows are).
fn real_rows(trace: &RowMajorMatrix<Val>) -> Vec<usize> {
    trace
        .values
        .chunks_exact(trace.width)
        .enumerate()
        .filter(|(_, row)| row.iter().any(|&v| v != Val::ZERO))
        .map(|(i, _)| i)
        .collect()
}

/// Perturb every column of every chip in `kinds`, in each of up to [`ROWS_PER_CHIP`] real rows
/// (one cell at a time), rebalance, and require the debug checker to reject; fails listing
/// the cells it accepted.
fn assert_every_column_constrained(
    machine: &vouch_machine::Machine,
    tables: &vouch_machine::ProgramTables,
    traces: &[RowMajorMatrix<Val>],
    pv: &[Vec<Val>],
    kinds: &[ChipKind],
) {
    // The honest traces pass: a rejection below is the perturbation's doing.
    vouch_stark::debug::check_all(machine.airs(), traces, pv);
    let mut cases = Vec::new();
    for kind in kinds {
        let trace = &traces[kind.index()];
        let rows = real_rows(trace);
        assert!(!rows.is_empty(), "the program fills no row of {kind:?}");
        // Up to ROWS_PER_CHIP rows spread over the table (first and last included).
        let picked: Vec<usize> = (0..ROWS_PER_CHIP.min(rows.len()))
            .map(|i| rows[i * (rows.len() - 1) / (ROWS_PER_CHIP.min(rows.len()) - 1).max(1)])
            .collect();
        for &row in &picked {
            for col in 0..trace.width {
                cases.push((*kind, col, row));
            }
        }
    }
    // Each rejection is a caught panic: keep them off the test's output.
    let hook = std::panic::take_hook();
    std::panic::set_hook(Box::new(|_| {}));
    let free: Vec<String> = cases
        .par_iter()
        .filter_map(|&(kind, col, row)| {
            let mut traces = traces.to_vec();
            let t = &mut traces[kind.index()];
            let width = t.width;
            t.values[row * width + col] += Val::ONE;
            vouch_machine::trace::rebalance(machine, tables, &mut traces, pv);
            let rejected = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
                vouch_stark::debug::check_all(machine.airs(), &traces, pv);
            }))
            .is_err();
            (!rejected).then(|| format!("{kind:?} column {col} row {row}"))
        })
        .collect();
    std::panic::set_hook(hook);
    assert!(
        free.is_empty(),
        "{} of {} (column, row) cells accept another value: {free:?}",
        free.len(),
        cases.len()
    );
    eprintln!(
        "{} cells of {} chips perturbed: every one rejected",
        cases.len(),
        kinds.len()
    );
}

/// A segment's machine, tables, traces and public values, and the run's segment count.
type SegmentCase = (
    vouch_machine::Machine,
    Arc<vouch_machine::ProgramTables>,
    Vec<RowMajorMatrix<Val>>,
    Vec<Vec<Val>>,
    usize,
);

/// Segment `which` (from the end: 0 is the last) of a run of `elf` in segments of at most
/// `segment_cycles`, with the machine and public values it is checked with.
fn segment_traces(elf: &[u8], segment_cycles: u32, which: usize) -> SegmentCase {
    let pk = common::key(elf);
    let program = Program::from_elf(elf).expect("test ELF loads");
    let tables = Arc::new(vouch_machine::trace::program_tables(&program));
    let machine = vouch_machine::Machine::new(tables.clone());
    let opts = vouch_prover::ProveOptions {
        zk: false,
        segment_cycles,
        ..Default::default()
    };
    let input = INPUT.to_le_bytes();
    let (_, segments) = pk.count_segments(&input, &opts).expect("runs");
    let mut jobs = Vec::new();
    let exec = pk
        .segment_jobs(&input, &opts, segments, |job| {
            jobs.push(job);
            Ok(())
        })
        .expect("segment jobs");
    let job = &jobs[jobs.len() - 1 - which];
    let st = vouch_machine::trace::generate(
        &program,
        &tables,
        &job.record,
        exec.journal_digest,
        &job.paging,
    )
    .expect("traces");
    let pv = vec![st.statement.to_field_elements(); machine.airs().len()];
    (machine, tables, st.traces, pv, segments)
}

/// A run that fits one segment: every chip it fills (all but the fixed tables), the
/// halting segment's segment and paging chips included.
#[test]
fn every_column_of_every_filled_chip_is_constrained() {
    let (machine, tables, traces, pv, segments) = segment_traces(&every_instruction(), 1 << 20, 0);
    assert_eq!(segments, 1);
    let kinds: Vec<ChipKind> = ChipKind::ALL
        .iter()
        .copied()
        .filter(|k| !FIXED.contains(k))
        .collect();
    assert_every_column_constrained(&machine, &tables, &traces, &pv, &kinds);
}

/// A segment in the middle of a run (it neither starts at the program's entry nor halts):
/// the segment chip and the memory-tree chips (Poseidon2, page, Merkle) that page memory in
/// and out.
#[test]
fn every_column_of_the_paging_chips_is_constrained() {
    let (machine, tables, traces, pv, segments) = segment_traces(&every_instruction(), 1 << 6, 1);
    assert!(segments > 2, "the program must span several segments");
    let kinds = [
        ChipKind::Segment,
        ChipKind::Poseidon2,
        ChipKind::Page,
        ChipKind::Merkle,
    ];
    assert_every_column_constrained(&machine, &tables, &traces, &pv, &kinds);
}

/// Real rows per chip whose every cell is perturbed.
const ROWS_PER_CHIP: usize = 6;

/// The private input: one word for READ_WORD.
const INPUT: u32 = 0x0bad_f00d;

/// The fixed lookup tables, whose main columns are the multiplicities rebalancing recomputes.
const FIXED: [ChipKind; 3] = [ChipKind::Program, ChipKind::Range16, ChipKind::Bytes];
