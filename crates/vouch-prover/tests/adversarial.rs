//! Adversarial executions: receipts assembled from *alternative honest executions* of the same
//! program, spliced into a run the way a cheating prover would, rather than from one perturbed
//! cell. Each test builds the forged segments for real (the executor runs the alternative, the
//! memory tree pages the true state in, the forged segment is proven) and expects the verifier
//! to reject the receipt.
//!
//! - the halting segment resumed at another pc (the continuation forgery of the trust review),
//!   as a one-segment receipt and as the last of several segments;
//! - a register or memory word changed between two segments;
//! - a segment of a run on another input, paged in from this run's state.
//!
//! Every test also checks that the same construction without the forgery verifies, so that a
//! rejection is the forgery's doing, not the harness's.

mod common;

use common::*;
use vouch_executor::{BetweenSegments, ExecOptions, Execution, Executor, Program, SegmentRecord};
use vouch_machine::chips::segment::SegmentCols;
use vouch_machine::paging::{MemoryTree, PageUpdate, PC_SLOT};
use vouch_machine::ChipKind;
use vouch_prover::{ProvenSegment, ProvingKey, Receipt, SegmentJob, Tampering, VerifyError};
use vouch_stark::field::PrimeCharacteristicRing;
use vouch_stark::Val;
use vouch_testkit::reg::*;
use vouch_testkit::Asm;

/// The secret the guest checks its input against.
const SECRET: u32 = 0x1234_5678;
const OK: &[u8] = b"ok: check passed";
const FAIL: &[u8] = b"fail";

/// A guest that reads one word of private input into `s2`, spins `loops` iterations (to
/// fill segments), and then exits 0 with journal [`OK`] if the word is [`SECRET`], else 1
/// with journal [`FAIL`]. Returns the ELF and the pc of the `ok` block, which an honest run
/// on a wrong input never reaches.
fn checker(loops: u32) -> (Vec<u8>, u32) {
    let mut p = Asm::new();
    let ok = p.new_label();
    p.syscall(vouch_abi::syscall::READ_WORD).mv(S2, A0);
    p.li(S0, 0).li(S1, loops);
    let spin = p.label_here();
    p.addi(S0, S0, 1).bltu(S0, S1, spin);
    p.li(T0, SECRET).beq(S2, T0, ok);
    p.commit(FAIL).halt_with_journal(1, FAIL);
    p.bind(ok);
    let ok_pc = p.pc();
    p.commit(OK).halt_with_journal(0, OK);
    (p.elf(), ok_pc)
}

const SEGMENT: u32 = 1 << 12;

/// Execute the program on `input` in segments of [`SEGMENT`] cycles, letting `between` change
/// the state after segment `i` (before segment `i + 1` starts) and `before` change the pc
/// before the first. Returns the records and the execution.
fn run(
    program: &Program,
    input: &[u8],
    start_pc: Option<u32>,
    mut between: impl FnMut(u32, &mut BetweenSegments<'_>),
) -> (Vec<SegmentRecord>, Execution) {
    let opts = ExecOptions {
        record: true,
        segment_cycles: SEGMENT,
        ..Default::default()
    };
    let mut exec = Executor::new(program, input.to_vec(), opts);
    if let Some(pc) = start_pc {
        exec.set_pc(pc);
    }
    let mut records = Vec::new();
    let exec = exec
        .run_with_segments_between(|record, state| {
            between(record.index, state);
            records.push(record);
            Ok::<(), vouch_executor::ExecError>(())
        })
        .expect("the alternative execution runs to HALT");
    (records, exec)
}

/// How a cheating prover pages a forged segment in: it must present the pages the memory tree
/// holds, so it replaces the record's initial values of the register page by `true_regs` and
/// the pc by `true_pc` (both what the previous segment paged out), keeping the rest.
struct PageIn {
    true_regs: Vec<u32>,
    true_pc: u32,
    /// Initial words of RAM pages, by page index, where they differ from the record's.
    true_words: Vec<(u32, usize, u32)>,
}

/// The segment jobs of `records`, built against the program's true memory tree. Segment
/// `forged` (if any) is paged in as `page_in` says, with its final pc cell written back
/// unchanged at timestamp 0 when `keep_pc_cell` is set (so that its page looks untouched).
fn jobs(
    pk: &ProvingKey,
    records: Vec<SegmentRecord>,
    forged: Option<(usize, PageIn, bool)>,
) -> Vec<SegmentJob> {
    let mut tree: MemoryTree = pk.initial_tree();
    let n = records.len();
    let mut salt = 0u32;
    records
        .into_iter()
        .enumerate()
        .map(|(i, record)| {
            let mut updates = PageUpdate::from_record(&record);
            if let Some((_, page_in, keep_pc_cell)) = forged.as_ref().filter(|f| f.0 == i) {
                let regs = &mut updates[0];
                regs.init[..page_in.true_regs.len()].copy_from_slice(&page_in.true_regs);
                regs.init[PC_SLOT as usize] = page_in.true_pc;
                if *keep_pc_cell {
                    regs.last[PC_SLOT as usize] = page_in.true_pc;
                    regs.last_ts[PC_SLOT as usize] = 0;
                }
                for &(page, slot, word) in &page_in.true_words {
                    if let Some(u) = updates.iter_mut().find(|u| u.index == page) {
                        u.init[slot] = word;
                    }
                }
            }
            let paging = tree.update(updates, || {
                salt += 1;
                [Val::from_u32(salt); 8]
            });
            SegmentJob {
                index: i,
                segments: n,
                record,
                paging,
                zk: false,
                padding: Default::default(),
                segment_cycles: 0,
            }
        })
        .collect()
}

/// Prove `jobs` (segment `i` after `tamper(i, ..)`) and assemble the receipt `exec` claims.
fn receipt(
    pk: &ProvingKey,
    exec: &Execution,
    jobs: &[SegmentJob],
    tamper: &(dyn Fn(usize, &mut Tampering<'_>) + Sync),
) -> Receipt {
    let proven: Vec<ProvenSegment> = jobs
        .iter()
        .map(|job| {
            pk.prove_segment_tampered(job, true, &|t| tamper(job.index, t))
                .expect("the forged segment is proven")
        })
        .collect();
    pk.assemble(exec, proven).expect("assembled")
}

fn no_tamper(_: usize, _: &mut Tampering<'_>) {}

/// The forged segment chip of the continuation attack: the pc cell's final state is written
/// back as it was read (`end_pc` = `start_pc`, at clock 0), so that the read and the write
/// cancel on the memory bus and `start_pc` is tied to nothing.
fn forge_pc_cell(start_pc: u32) -> impl Fn(&mut Tampering<'_>) {
    move |t| {
        let tr = trace(t, ChipKind::Segment);
        let row = row_mut::<SegmentCols<Val>>(tr, 0);
        row.end_pc = start_pc.to_le_bytes().map(|b| f(u32::from(b)));
        row.end_clk = Val::ZERO;
    }
}

fn assert_rejected_receipt(r: &Receipt, pk: &ProvingKey, what: &str) {
    match r.verify(pk.program_id()) {
        Err(VerifyError::InvalidSegment { .. }) => {}
        Err(e) => panic!("{what}: rejected for an unexpected reason: {e}"),
        Ok(()) => panic!(
            "{what}: the forged receipt verified (exit code {}, journal {:?})",
            r.exit_code,
            String::from_utf8_lossy(&r.journal)
        ),
    }
}

// The continuation forgery: the halting segment resumed at a pc of the forger's choice.

#[test]
fn a_one_segment_receipt_resumed_at_another_pc_is_rejected() {
    let (elf, ok_pc) = checker(10);
    let pk = key(&elf);
    let program = Program::from_elf(&elf).unwrap();
    let wrong = 7u32.to_le_bytes();

    // The honest run on a wrong input fails; spliced the same way, it verifies.
    let (records, exec) = run(&program, &wrong, None, |_, _| {});
    assert_eq!((exec.exit_code, exec.journal.as_slice()), (1, FAIL));
    let honest = receipt(&pk, &exec, &jobs(&pk, records, None), &no_tamper);
    assert_eq!(honest.proof.segments.len(), 1);
    honest
        .verify(pk.program_id())
        .expect("the honest splice verifies");

    // The forger executes the same ROM and image entered at the dead `ok` block, pages in the
    // true initial state (pc = entry) and writes the pc cell back untouched.
    let (records, exec) = run(&program, &wrong, Some(ok_pc), |_, _| {});
    assert_eq!((exec.exit_code, exec.journal.as_slice()), (0, OK));
    let entry = program.entry();
    let regs = records[0].regs_init.clone();
    let page_in = PageIn {
        true_regs: regs,
        true_pc: entry,
        true_words: vec![],
    };
    let jobs = jobs(&pk, records, Some((0, page_in, true)));
    let forged = receipt(&pk, &exec, &jobs, &|_, t| forge_pc_cell(ok_pc)(t));
    assert_rejected_receipt(&forged, &pk, "one segment entered at the ok block");
}

#[test]
fn a_last_segment_resumed_at_another_pc_is_rejected() {
    let (elf, ok_pc) = checker(SEGMENT);
    let pk = key(&elf);
    let program = Program::from_elf(&elf).unwrap();
    let wrong = 7u32.to_le_bytes();
    let (honest_records, exec) = run(&program, &wrong, None, |_, _| {});
    let segments = honest_records.len();
    assert!(segments >= 3, "{segments} segments");
    assert_eq!((exec.exit_code, exec.journal.as_slice()), (1, FAIL));

    // Honest segments up to the last, which the forger runs from the `ok` block with the true
    // registers and memory.
    let last = segments - 1;
    let mut true_pc = 0;
    let (records, exec) = run(&program, &wrong, None, |i, state| {
        if i as usize + 1 == last {
            true_pc = state.pc();
            state.set_pc(ok_pc);
        }
    });
    assert_eq!(records.len(), segments);
    assert_eq!((exec.exit_code, exec.journal.as_slice()), (0, OK));
    let page_in = PageIn {
        true_regs: records[last].regs_init.clone(),
        true_pc,
        true_words: vec![],
    };
    let jobs = jobs(&pk, records, Some((last, page_in, true)));
    let forged = receipt(&pk, &exec, &jobs, &|i, t| {
        if i == last {
            forge_pc_cell(ok_pc)(t)
        }
    });
    assert_rejected_receipt(&forged, &pk, "last segment entered at the ok block");
}

#[test]
fn a_segment_resumed_at_another_pc_without_touching_the_pc_cell_is_rejected() {
    // The same splice, but the segment chip left honest: it reads the pc it was entered at
    // (the `ok` block) from a cell that holds the true pc.
    let (elf, ok_pc) = checker(10);
    let pk = key(&elf);
    let program = Program::from_elf(&elf).unwrap();
    let (records, exec) = run(&program, &7u32.to_le_bytes(), Some(ok_pc), |_, _| {});
    let page_in = PageIn {
        true_regs: records[0].regs_init.clone(),
        true_pc: program.entry(),
        true_words: vec![],
    };
    let jobs = jobs(&pk, records, Some((0, page_in, false)));
    let forged = receipt(&pk, &exec, &jobs, &no_tamper);
    assert_rejected_receipt(&forged, &pk, "entered at the ok block");
}

// Alternative state between segments.

#[test]
fn a_register_changed_between_segments_is_rejected() {
    // After the input is read, the forger sets the register holding it to the secret; the
    // run then takes the `ok` branch.
    let (elf, _) = checker(SEGMENT);
    let pk = key(&elf);
    let program = Program::from_elf(&elf).unwrap();
    let wrong = 7u32.to_le_bytes();
    let (honest, _) = run(&program, &wrong, None, |_, _| {});
    // The first boundary after the read: where s2 holds the input.
    let at = honest
        .iter()
        .position(|r| r.regs_final[usize::from(S2)] == 7)
        .expect("a segment ends after the read");
    assert!(at + 1 < honest.len());
    let true_regs = honest[at].regs_final.clone();
    let (records, exec) = run(&program, &wrong, None, |i, state| {
        if i as usize == at {
            state.set_reg(usize::from(S2), SECRET);
        }
    });
    assert_eq!((exec.exit_code, exec.journal.as_slice()), (0, OK));
    let page_in = PageIn {
        true_pc: records[at + 1].start_pc,
        true_regs,
        true_words: vec![],
    };
    let jobs = jobs(&pk, records, Some((at + 1, page_in, false)));
    let forged = receipt(&pk, &exec, &jobs, &no_tamper);
    assert_rejected_receipt(&forged, &pk, "register changed between segments");
}

#[test]
fn a_memory_word_changed_between_segments_is_rejected() {
    // The program's data holds the journal bytes it commits and their digest: the forger
    // rewrites both between two segments, so the failing run commits other bytes.
    let (elf, _) = checker(SEGMENT);
    let pk = key(&elf);
    let program = Program::from_elf(&elf).unwrap();
    let words = |bytes: &[u8]| -> Vec<u32> {
        bytes
            .chunks(4)
            .map(|c| u32::from_le_bytes(c.try_into().unwrap()))
            .collect()
    };
    let find = |word: u32| {
        program
            .image()
            .iter()
            .find(|&&(_, w)| w == word)
            .map(|&(a, _)| a)
            .expect("the word is in the image")
    };
    let fake = b"FAIL";
    let fail_addr = find(words(FAIL)[0]);
    let digest = words(&vouch_testkit::journal_digest(FAIL));
    let digest_addr = find(digest[0]);
    let fake_digest = words(&vouch_testkit::journal_digest(fake));
    let mut changed: Vec<(u32, u32)> = vec![(fail_addr, words(fake)[0])];
    changed.extend((0..8).map(|k| (digest_addr + 4 * k as u32, fake_digest[k])));
    let mut true_words = Vec::new();
    let (records, exec) = run(&program, &7u32.to_le_bytes(), None, |i, state| {
        if i == 0 {
            for &(addr, word) in &changed {
                true_words.push((
                    addr / 256,
                    ((addr % 256) / 4) as usize,
                    state.load_word(addr),
                ));
                state.store_word(addr, word);
            }
        }
    });
    assert_eq!((exec.exit_code, exec.journal.as_slice()), (1, &fake[..]));
    // The words are paged in (with their true values) by the segment that commits them.
    let forged_at = records
        .iter()
        .position(|r| r.pages.iter().any(|p| p.index == fail_addr / 256))
        .expect("some segment reads the journal bytes");
    assert!(forged_at >= 1);
    let page_in = PageIn {
        true_regs: records[forged_at].regs_init.clone(),
        true_pc: records[forged_at].start_pc,
        true_words,
    };
    let jobs = jobs(&pk, records, Some((forged_at, page_in, false)));
    let forged = receipt(&pk, &exec, &jobs, &no_tamper);
    assert_rejected_receipt(&forged, &pk, "memory words changed between segments");
}

#[test]
fn a_segment_of_a_run_on_another_input_is_rejected() {
    // The forger proves this run (input 7) up to its last segment and splices in the last
    // segment of a run on the secret. The input is read in the first segment, so the two
    // runs' states differ from the second segment on.
    let (elf, _) = checker(SEGMENT);
    let pk = key(&elf);
    let program = Program::from_elf(&elf).unwrap();
    let (ours, our_exec) = run(&program, &7u32.to_le_bytes(), None, |_, _| {});
    let (theirs, exec) = run(&program, &SECRET.to_le_bytes(), None, |_, _| {});
    assert_eq!(ours.len(), theirs.len());
    assert!(ours.len() >= 3);
    assert_eq!((exec.exit_code, exec.journal.as_slice()), (0, OK));
    let last = ours.len() - 1;

    // Spliced as proven, the other run's segment starts from another root.
    let mut spliced = receipt(&pk, &our_exec, &jobs(&pk, ours.clone(), None), &no_tamper);
    spliced
        .verify(pk.program_id())
        .expect("our own run verifies");
    let mut other = receipt(&pk, &exec, &jobs(&pk, theirs.clone(), None), &no_tamper);
    spliced.proof.segments[last] = other.proof.segments.remove(last);
    spliced.exit_code = exec.exit_code;
    spliced.journal = exec.journal.clone();
    assert!(matches!(
        spliced.verify(pk.program_id()),
        Err(VerifyError::BrokenChain { .. })
    ));

    // Paged in from our state: the register holding the input no longer matches.
    let mut records = ours;
    records[last] = theirs[last].clone();
    let page_in = PageIn {
        true_regs: records[last - 1].regs_final.clone(),
        true_pc: records[last - 1].end_pc,
        true_words: vec![],
    };
    let jobs = jobs(&pk, records, Some((last, page_in, false)));
    let forged = receipt(&pk, &exec, &jobs, &no_tamper);
    assert_rejected_receipt(&forged, &pk, "segment of another input");
}

#[test]
fn an_empty_segment_between_two_segments_is_rejected() {
    // A segment that executes nothing (its end state is its start state, clock 1) proves the
    // identity step; the machine refuses it: every segment executes an instruction.
    let (elf, _) = checker(SEGMENT);
    let pk = key(&elf);
    let program = Program::from_elf(&elf).unwrap();
    let (mut records, exec) = run(&program, &7u32.to_le_bytes(), None, |_, _| {});
    let prev = records[0].clone();
    let empty = SegmentRecord {
        index: 1,
        start_cycle: prev.start_cycle + prev.steps.len() as u64,
        start_pc: prev.end_pc,
        end_pc: prev.end_pc,
        steps: Vec::new(),
        halt: None,
        regs_init: prev.regs_final.clone(),
        regs_final: prev.regs_final.clone(),
        regs_final_ts: vec![0; prev.regs_final.len()],
        touched: Vec::new(),
        pages: Vec::new(),
    };
    records.insert(1, empty);
    for (i, r) in records.iter_mut().enumerate() {
        r.index = i as u32;
    }
    let jobs = jobs(&pk, records, None);
    let forged = receipt(&pk, &exec, &jobs, &no_tamper);
    assert_rejected_receipt(&forged, &pk, "empty segment");
}
