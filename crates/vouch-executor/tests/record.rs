//! The execution record: the timestamp convention of `record.rs` and segmentation.
//!
//! [`check_segment`] replays a segment against the program and checks every field the
//! prover's memory argument relies on: `clk = step index + 1`, accesses at `4 * clk + slot`,
//! each `prev_ts` equal to the previous access's timestamp (0 for a first touch), values
//! chaining from `regs_init` and the memory at the segment's start, and `touched` /
//! `regs_final_ts` summarising the last accesses.

mod common;

use std::collections::BTreeMap;

use common::{load, only_segment, recording, run_ok};
use vouch_abi::syscall;
use vouch_executor::{
    ExecOptions, Executor, Program, SegmentBudget, SegmentLimit, SegmentRecord, Step,
};
use vouch_isa::{branch_taken, Opcode};
use vouch_testkit::random::{Exit, RandomConfig, RandomProgram};
use vouch_testkit::reg::*;
use vouch_testkit::{Asm, DATA_BASE};

const SLOT_RS1: u32 = 0;
const SLOT_RS2: u32 = 1;
const SLOT_MEM: u32 = 2;
const SLOT_RD: u32 = 3;

fn ts(clk: u32, slot: u32) -> u32 {
    4 * clk + slot
}

/// The whole memory, as a map from word address to value (absent = 0).
type Mem = BTreeMap<u32, u32>;

fn initial_memory(program: &Program) -> Mem {
    program.image().iter().copied().collect()
}

/// Replay `seg` from `mem` (the memory at its start, updated to the memory at its end) and
/// check every timestamp and value of the record.
fn check_segment(program: &Program, seg: &SegmentRecord, mem: &mut Mem) {
    let mem_at_start = mem.clone();
    let mut regs = seg.regs_init.clone();
    let mut reg_ts = vec![0u32; vouch_isa::NUM_REGS];
    let mut mem_ts: BTreeMap<u32, u32> = BTreeMap::new();
    let mut init: BTreeMap<u32, u32> = BTreeMap::new();
    let mut pc = seg.start_pc;
    let get = |mem: &Mem, a: u32| mem.get(&a).copied().unwrap_or(0);
    let mut touch = |mem: &Mem, addr: u32, t: u32, mem_ts: &mut BTreeMap<u32, u32>| {
        init.entry(addr).or_insert_with(|| get(mem, addr));
        mem_ts.insert(addr, t).unwrap_or(0)
    };
    for (i, step) in seg.steps.iter().enumerate() {
        let clk = i as u32 + 1;
        let ctx = format!(
            "segment {} step {i} (clk {clk}) at {:#x}",
            seg.index, step.pc
        );
        assert_eq!(step.pc, pc, "{ctx}: pc chains");
        let insn = program.instruction_at(pc).unwrap().unwrap().canonical();
        let op = insn.opcode;
        let (rs1, rs2, rd) = (insn.rs1 as usize, insn.rs2 as usize, insn.rd as usize);
        let is_halt = op == Opcode::Ecall && regs[17] == syscall::HALT;

        if op.reads_rs1() {
            assert_eq!(step.rs1_val, regs[rs1], "{ctx}: rs1 value");
            assert_eq!(step.rs1_prev_ts, reg_ts[rs1], "{ctx}: rs1 prev_ts");
            reg_ts[rs1] = ts(clk, SLOT_RS1);
        } else {
            assert_eq!(
                (step.rs1_val, step.rs1_prev_ts),
                (0, 0),
                "{ctx}: no rs1 access"
            );
        }
        if op.reads_rs2() {
            assert_eq!(step.rs2_val, regs[rs2], "{ctx}: rs2 value");
            assert_eq!(step.rs2_prev_ts, reg_ts[rs2], "{ctx}: rs2 prev_ts");
            reg_ts[rs2] = ts(clk, SLOT_RS2);
        } else {
            assert_eq!(
                (step.rs2_val, step.rs2_prev_ts),
                (0, 0),
                "{ctx}: no rs2 access"
            );
        }

        let addr = regs[rs1].wrapping_add(insn.imm);
        if op.load_width().is_some() || op.store_width().is_some() {
            let m = step.mem;
            assert_eq!(m.addr, addr & !3, "{ctx}: aligned address");
            assert_eq!(m.prev_value, get(mem, m.addr), "{ctx}: prev_value");
            if op.load_width().is_some() {
                assert_eq!(m.value, m.prev_value, "{ctx}: loads do not change memory");
            }
            let prev = touch(mem, m.addr, ts(clk, SLOT_MEM), &mut mem_ts);
            assert_eq!(m.prev_ts, prev, "{ctx}: memory prev_ts");
            mem.insert(m.addr, m.value);
        } else {
            assert_eq!(step.mem, Default::default(), "{ctx}: no memory access");
        }
        if is_halt {
            let halt = seg.halt.expect("HALT step has a halt event");
            assert_eq!(halt.clk, clk, "{ctx}: halt clk");
            assert_eq!(halt.digest_addr, regs[11], "{ctx}: digest pointer from a1");
            assert_eq!(halt.a1_prev_ts, reg_ts[11], "{ctx}: a1 prev_ts");
            reg_ts[11] = ts(clk, SLOT_MEM);
            for w in 0..8 {
                let a = halt.digest_addr + 4 * w as u32;
                assert_eq!(halt.digest[w], get(mem, a), "{ctx}: digest word {w}");
                let prev = touch(mem, a, ts(clk, SLOT_MEM), &mut mem_ts);
                assert_eq!(halt.prev_ts[w], prev, "{ctx}: digest word {w} prev_ts");
            }
            assert_eq!(i + 1, seg.steps.len(), "HALT is the last step");
        }

        if op.writes_rd() && !is_halt {
            assert_ne!(rd, 0, "{ctx}: x0 is never written");
            assert_eq!(step.rd_prev_val, regs[rd], "{ctx}: rd prev value");
            assert_eq!(step.rd_prev_ts, reg_ts[rd], "{ctx}: rd prev_ts");
            reg_ts[rd] = ts(clk, SLOT_RD);
            regs[rd] = step.rd_val;
        } else {
            assert_eq!(
                (step.rd_val, step.rd_prev_ts),
                (0, 0),
                "{ctx}: no rd access"
            );
        }
        assert_eq!(regs[0], 0, "{ctx}: x0 stays zero");

        pc = match op {
            Opcode::Jal => pc.wrapping_add(insn.imm),
            Opcode::Jalr => step.rs1_val.wrapping_add(insn.imm) & !1,
            op if op.is_branch() && branch_taken(op, step.rs1_val, step.rs2_val) => {
                pc.wrapping_add(insn.imm)
            }
            Opcode::Ecall if is_halt => pc,
            _ => pc.wrapping_add(4),
        };
    }
    assert_eq!(seg.end_pc, pc, "segment {}: end_pc", seg.index);
    assert_eq!(seg.regs_final, regs, "segment {}: regs_final", seg.index);
    assert_eq!(
        seg.regs_final_ts, reg_ts,
        "segment {}: regs_final_ts",
        seg.index
    );
    let want: Vec<(u32, u32, u32, u32)> = mem_ts
        .iter()
        .map(|(&a, &t)| (a, init[&a], get(mem, a), t))
        .collect();
    let got: Vec<(u32, u32, u32, u32)> = seg
        .touched
        .iter()
        .map(|t| (t.addr, t.init, t.last, t.last_ts))
        .collect();
    assert_eq!(got, want, "segment {}: touched words (sorted)", seg.index);
    // Pages: exactly the pages of the touched words, with every word's start and end values.
    let page_indices: Vec<u32> = seg.pages.iter().map(|p| p.index).collect();
    let mut expected_pages: Vec<u32> = seg.touched.iter().map(|t| t.addr / 256).collect();
    expected_pages.dedup();
    assert_eq!(page_indices, expected_pages, "segment {}: pages", seg.index);
    for page in &seg.pages {
        for slot in 0..vouch_executor::PAGE_WORDS {
            let a = page.index * 256 + 4 * slot as u32;
            let ctx = format!("segment {} page {} slot {slot}", seg.index, page.index);
            assert_eq!(page.init[slot], get(&mem_at_start, a), "{ctx}: init");
            assert_eq!(page.last[slot], get(mem, a), "{ctx}: last");
            assert_eq!(
                page.last_ts[slot],
                mem_ts.get(&a).copied().unwrap_or(0),
                "{ctx}: last_ts"
            );
        }
    }
}

/// A small program with loads, stores and register reuse.
fn small_program() -> Asm {
    let mut p = Asm::new();
    let data = p.alloc_zeroed(8);
    assert_eq!(data, DATA_BASE);
    p.li(T1, data); // clk 1: lui t1
    p.li(T0, 7); // clk 2: addi t0, x0, 7
    p.sw(T0, 0, T1); // clk 3
    p.lw(T2, 0, T1); // clk 4
    p.add(T0, T0, T2); // clk 5
    p.sw(T0, 4, T1); // clk 6
    p.lw(T2, 0, T1); // clk 7
    p.halt(0); // clk 8..12: li a0; lui+addi a1; li a7; ecall
    p
}

#[test]
fn timestamps_of_a_small_program_by_hand() {
    let p = small_program();
    let exec = run_ok(&p);
    let seg = only_segment(&exec);
    assert_eq!(seg.steps.len(), 12);
    // [rs1_prev_ts, rs2_prev_ts, mem.prev_ts, rd_prev_ts] of clk 1..=7; an access the
    // instruction does not make reads as 0.
    let got: Vec<[u32; 4]> = seg.steps[..7]
        .iter()
        .map(|s| [s.rs1_prev_ts, s.rs2_prev_ts, s.mem.prev_ts, s.rd_prev_ts])
        .collect();
    let want: [[u32; 4]; 7] = [
        [0, 0, 0, 0],    // clk 1 lui t1:         t1 (->7)
        [0, 0, 0, 0],    // clk 2 addi t0,x0,7:   x0 (->8), t0 (->11)
        [7, 11, 0, 0],   // clk 3 sw t0,0(t1):    t1 (7->12), t0 (11->13), mem (->14)
        [12, 0, 14, 0],  // clk 4 lw t2,0(t1):    t1 (12->16), mem (14->18), t2 (->19)
        [13, 19, 0, 20], // clk 5 add t0,t0,t2:   t0 (13->20), t2 (19->21), t0 (20->23)
        [16, 23, 0, 0],  // clk 6 sw t0,4(t1):    t1 (16->24), t0 (23->25), mem' (->26)
        [24, 0, 18, 21], // clk 7 lw t2,0(t1):    t1 (24->28), mem (18->30), t2 (21->31)
    ];
    assert_eq!(got, want);
    // Values.
    let s = &seg.steps;
    assert_eq!(
        (s[2].mem.addr, s[2].mem.prev_value, s[2].mem.value),
        (DATA_BASE, 0, 7)
    );
    assert_eq!((s[3].mem.value, s[3].rd_val), (7, 7));
    assert_eq!((s[4].rd_prev_val, s[4].rd_val), (7, 14));
    assert_eq!((s[5].mem.addr, s[5].mem.value), (DATA_BASE + 4, 14));
    assert_eq!((s[6].rd_prev_val, s[6].rd_val), (7, 7));
    // Touched words: the two data words and the eight digest words, sorted, with their
    // initial and final values and last timestamps.
    let t: Vec<_> = seg
        .touched
        .iter()
        .map(|t| (t.addr, t.init, t.last, t.last_ts))
        .collect();
    assert_eq!(t.len(), 10);
    assert_eq!(t[0], (DATA_BASE, 0, 7, ts(7, SLOT_MEM)));
    assert_eq!(t[1], (DATA_BASE + 4, 0, 14, ts(6, SLOT_MEM)));
    let digest = vouch_testkit::empty_journal_digest();
    for (i, w) in t[2..].iter().enumerate() {
        let want = u32::from_le_bytes(digest[4 * i..4 * i + 4].try_into().unwrap());
        assert_eq!(
            *w,
            (DATA_BASE + 8 + 4 * i as u32, want, want, ts(12, SLOT_MEM))
        );
    }
    assert_eq!(
        seg.regs_final_ts[6],
        ts(7, SLOT_RS1),
        "t1 last read by the final lw"
    );
    assert_eq!(
        seg.regs_final_ts[7],
        ts(7, SLOT_RD),
        "t2 last written by the final lw"
    );
    let halt = seg.halt.unwrap();
    assert_eq!(
        halt.prev_ts, [0; 8],
        "digest words are first touched by HALT"
    );
    // And the general replay agrees.
    let program = load(&p);
    check_segment(&program, seg, &mut initial_memory(&program));
}

#[test]
fn segments_concatenate_to_the_unsegmented_run() {
    let config = RandomConfig { body_len: 150 };
    for seed in 0..8 {
        let rp = RandomProgram::generate(seed, &config);
        let asm = rp.asm(Exit::Vouch);
        let program = load(&asm);
        let whole = Executor::new(&program, Vec::new(), recording())
            .run()
            .unwrap();
        let whole_seg = only_segment(&whole);
        check_segment(&program, whole_seg, &mut initial_memory(&program));

        for segment_cycles in [1, 7, whole_seg.steps.len() as u32] {
            let opts = ExecOptions {
                segment_cycles,
                ..recording()
            };
            let split = Executor::new(&program, Vec::new(), opts).run().unwrap();
            let segs = &split.segments;
            let ctx = format!("seed {seed}, segment_cycles {segment_cycles}");
            assert_eq!(
                segs.len(),
                whole_seg.steps.len().div_ceil(segment_cycles as usize),
                "{ctx}"
            );
            assert_eq!(split.cycles, whole.cycles, "{ctx}");
            assert_eq!(split.stdout, whole.stdout, "{ctx}");

            let mut mem = initial_memory(&program);
            let mut cycle = 0u64;
            for (i, seg) in segs.iter().enumerate() {
                assert_eq!(seg.index, i as u32, "{ctx}");
                assert_eq!(seg.start_cycle, cycle, "{ctx}: start_cycle");
                let last = i + 1 == segs.len();
                assert!(!seg.steps.is_empty(), "{ctx}: segment {i} is empty");
                if !last {
                    assert_eq!(seg.steps.len(), segment_cycles as usize, "{ctx}");
                }
                assert_eq!(
                    seg.halt.is_some(),
                    last,
                    "{ctx}: halt only in the last segment"
                );
                if i == 0 {
                    assert_eq!(seg.regs_init, whole_seg.regs_init, "{ctx}");
                    assert_eq!(seg.start_pc, program.entry(), "{ctx}");
                } else {
                    assert_eq!(seg.regs_init, segs[i - 1].regs_final, "{ctx}: regs chain");
                    assert_eq!(seg.start_pc, segs[i - 1].end_pc, "{ctx}: pc chains");
                }
                check_segment(&program, seg, &mut mem);
                cycle += seg.steps.len() as u64;
            }
            let last = segs.last().unwrap();
            assert_eq!(last.regs_final, whole_seg.regs_final, "{ctx}");
            assert_eq!(last.end_pc, whole_seg.end_pc, "{ctx}");
            assert_eq!(
                last.halt.map(|h| h.exit_code),
                whole_seg.halt.map(|h| h.exit_code)
            );

            // The steps, without their segment-relative timestamps, are the same.
            let strip = |s: &Step| {
                (
                    s.pc,
                    s.rs1_val,
                    s.rs2_val,
                    s.rd_val,
                    s.rd_prev_val,
                    s.mem.addr,
                    s.mem.value,
                    s.mem.prev_value,
                )
            };
            let concat: Vec<_> = segs
                .iter()
                .flat_map(|s| s.steps.iter().map(strip))
                .collect();
            let unsplit: Vec<_> = whole_seg.steps.iter().map(strip).collect();
            assert_eq!(concat, unsplit, "{ctx}");
            // And the final memory agrees with the unsegmented run's last values.
            for t in &whole_seg.touched {
                assert_eq!(
                    mem.get(&t.addr).copied().unwrap_or(0),
                    t.last,
                    "{ctx}: word {:#x}",
                    t.addr
                );
            }
        }
    }
}

#[test]
fn streaming_segments_to_a_sink_keeps_none() {
    let asm = RandomProgram::generate(1, &RandomConfig { body_len: 60 }).asm(Exit::Vouch);
    let program = load(&asm);
    let opts = ExecOptions {
        segment_cycles: 10,
        ..recording()
    };
    let mut seen = Vec::new();
    let exec = Executor::new(&program, Vec::new(), opts.clone())
        .run_with_segments(|seg| {
            seen.push((seg.index, seg.steps.len()));
            Ok::<(), vouch_executor::ExecError>(())
        })
        .unwrap();
    assert!(exec.segments.is_empty());
    let kept = Executor::new(&program, Vec::new(), opts).run().unwrap();
    let kept: Vec<_> = kept
        .segments
        .iter()
        .map(|s| (s.index, s.steps.len()))
        .collect();
    assert_eq!(seen, kept);
    assert_eq!(seen.iter().map(|s| s.1 as u64).sum::<u64>(), exec.cycles);
}

#[test]
fn recording_off_produces_no_segments_and_the_same_result() {
    let asm = RandomProgram::generate(2, &RandomConfig::default()).asm(Exit::Vouch);
    let program = load(&asm);
    let plain = Executor::new(&program, Vec::new(), ExecOptions::default())
        .run()
        .unwrap();
    let recorded = Executor::new(&program, Vec::new(), recording())
        .run()
        .unwrap();
    assert!(plain.segments.is_empty());
    assert_eq!(plain.stdout, recorded.stdout);
    assert_eq!(plain.cycles, recorded.cycles);
    assert_eq!(plain.exit_code, recorded.exit_code);
}

/// A budget of one limit, counting loads and stores (class 1), branches (class 2) and the rest
/// (class 0).
fn budget(steps: [u32; 3], pages: u32) -> SegmentBudget {
    let mut class = vec![0; Opcode::ALL.len()];
    for op in Opcode::ALL {
        let memory =
            op.load_width().is_some() || matches!(op, Opcode::Sb | Opcode::Sh | Opcode::Sw);
        let branch = matches!(
            op,
            Opcode::Beq | Opcode::Bne | Opcode::Blt | Opcode::Bge | Opcode::Bltu | Opcode::Bgeu
        );
        class[op as usize] = if memory {
            1
        } else if branch {
            2
        } else {
            0
        };
    }
    SegmentBudget {
        class,
        limits: vec![SegmentLimit {
            steps: steps.to_vec(),
            pages,
            tree_nodes: 1 << 20,
        }],
        tree_depth: TREE_DEPTH,
    }
}

/// The machine's memory tree: 2^21 pages of 256 bytes.
const TREE_DEPTH: u32 = 21;

/// Nodes of the memory tree above the register page and `pages`.
fn tree_nodes(pages: impl Iterator<Item = u32>) -> u32 {
    let mut nodes = std::collections::HashSet::new();
    for page in std::iter::once(0).chain(pages) {
        for level in 1..=TREE_DEPTH {
            nodes.insert((level, page >> level));
        }
    }
    nodes.len() as u32
}

/// Segments cut by a budget: each within one of its limits, none empty, and together the
/// unsegmented run. Returns the number of segments.
fn check_budgeted(program: &Program, b: &SegmentBudget, ctx: &str) -> usize {
    let whole = Executor::new(program, Vec::new(), recording())
        .run()
        .unwrap();
    let opts = ExecOptions {
        budget: Some(std::sync::Arc::new(b.clone())),
        ..recording()
    };
    let split = Executor::new(program, Vec::new(), opts).run().unwrap();
    assert_eq!(split.cycles, whole.cycles, "{ctx}");
    let mut mem = initial_memory(program);
    for (i, seg) in split.segments.iter().enumerate() {
        assert!(!seg.steps.is_empty(), "{ctx}: segment {i} is empty");
        let mut per_class = [0u32; 3];
        for step in &seg.steps {
            let op = program.instruction_at(step.pc).unwrap().unwrap().opcode;
            per_class[b.class[op as usize] as usize] += 1;
        }
        let pages = 1 + seg.pages.len() as u32;
        let nodes = tree_nodes(seg.pages.iter().map(|p| p.index));
        let fits = |l: &SegmentLimit| {
            pages <= l.pages
                && nodes <= l.tree_nodes
                && l.steps.iter().zip(&per_class).all(|(l, n)| n <= l)
        };
        assert!(
            b.limits.iter().any(fits),
            "{ctx}: segment {i} ({per_class:?}, {pages} pages, {nodes} nodes) fits no limit"
        );
        check_segment(program, seg, &mut mem);
    }
    let concat: Vec<u32> = split
        .segments
        .iter()
        .flat_map(|s| s.steps.iter().map(|s| s.pc))
        .collect();
    let unsplit: Vec<u32> = whole.segments[0].steps.iter().map(|s| s.pc).collect();
    assert_eq!(concat, unsplit, "{ctx}");
    split.segments.len()
}

#[test]
fn a_budget_ends_segments_before_a_class_or_the_pages_overflow() {
    let config = RandomConfig { body_len: 150 };
    for seed in 0..6 {
        let program = load(&RandomProgram::generate(seed, &config).asm(Exit::Vouch));
        for steps in [[1, 1, 1], [5, 3, 2], [40, 9, 7]] {
            check_budgeted(
                &program,
                &budget(steps, 5),
                &format!("seed {seed} {steps:?}"),
            );
        }
    }
    // Stores over 40 pages: the page count ends the segments.
    let mut p = Asm::new();
    let buf = p.alloc_zeroed(256 * 40);
    p.li(S0, buf).li(T1, 40);
    let top = p.label_here();
    p.sw(T1, 0, S0).addi(S0, S0, 256).addi(T1, T1, -1);
    p.bne(T1, ZERO, top);
    p.halt(0);
    let program = load(&p);
    let segments = check_budgeted(&program, &budget([1000, 1000, 1000], 8), "pages");
    assert!(
        segments >= 40 / 6,
        "{segments} segments for 40 pages, 8 per segment"
    );

    // Two limits: a segment goes on while either holds it, so there are no more segments
    // than with the first alone, and fewer on some program.
    let mut two = budget([4, 1000, 1000], 1000);
    two.limits.push(SegmentLimit {
        steps: vec![1000, 2, 1000],
        pages: 1000,
        tree_nodes: 1 << 20,
    });
    let one = budget([4, 1000, 1000], 1000);
    let mut fewer = false;
    for seed in 0..6 {
        let program = load(&RandomProgram::generate(seed, &config).asm(Exit::Vouch));
        let ctx = format!("seed {seed}, two limits");
        let (with_two, with_one) = (
            check_budgeted(&program, &two, &ctx),
            check_budgeted(&program, &one, &ctx),
        );
        assert!(with_two <= with_one, "{ctx}: {with_two} > {with_one}");
        fewer |= with_two < with_one;
    }
    assert!(fewer, "the second limit never let a segment go on");

    // Stores 1 MiB apart: each page brings 13 tree nodes of its own, and the tree's node
    // count ends the segments.
    let mut p = Asm::new();
    p.li(S0, 0x0400_0000).li(T1, 16).li(T2, 1 << 20);
    let top = p.label_here();
    p.sw(T1, 0, S0).add(S0, S0, T2).addi(T1, T1, -1);
    p.bne(T1, ZERO, top);
    p.halt(0);
    let program = load(&p);
    let mut b = budget([1000, 1000, 1000], 1000);
    b.limits[0].tree_nodes = 6 * TREE_DEPTH;
    let segments = check_budgeted(&program, &b, "tree nodes");
    assert!(segments >= 4, "{segments} segments for 16 scattered pages");
}

#[test]
fn an_invalid_budget_is_refused() {
    let program = load(&small_program());
    let mut short = budget([5, 5, 5], 8);
    short.class.pop();
    let mut out_of_range = budget([5, 5, 5], 8);
    out_of_range.class[0] = 3;
    let mut none = budget([5, 5, 5], 8);
    none.limits.clear();
    let mut few_nodes = budget([5, 5, 5], 8);
    few_nodes.limits[0].tree_nodes = 100;
    let mut no_tree = budget([5, 5, 5], 8);
    no_tree.tree_depth = 0;
    for (b, what) in [
        (none, "no limits"),
        (few_nodes, "100 tree nodes"),
        (no_tree, "depth 0"),
        (short, "opcode classes"),
        (out_of_range, "class 3"),
        (budget([5, 0, 5], 8), "no steps"),
        (budget([5, 5, 5], 4), "4 pages"),
    ] {
        let opts = ExecOptions {
            budget: Some(std::sync::Arc::new(b)),
            ..recording()
        };
        match Executor::new(&program, Vec::new(), opts).run() {
            Err(e @ vouch_executor::ExecError::InvalidBudget(_)) => {
                assert!(e.to_string().contains(what), "{e}")
            }
            other => panic!("{what}: {other:?}"),
        }
    }
}
