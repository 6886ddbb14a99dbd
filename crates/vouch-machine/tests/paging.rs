//! The memory-tree chips (Poseidon2, page, Merkle) of continuation segments, at the machine
//! level: traces generated from a `MemoryTree` update, checked row by row and bus by bus
//! (`vouch_stark::debug::check_all`) together with the real segment and byte tables and a stub
//! standing for the execution in between (it consumes every paged-in cell's initial state and
//! produces its final one, and closes the `exec` bus).
//!
//! - POSITIVE: two chained segments over the register page, sibling RAM pages sharing their
//!   whole path, a distant page and the last page of the tree.
//! - NEGATIVE: one per constraint group. The tampered traces are made consistent everywhere
//!   else (sponge states recomputed, the tree rehashed up to new public roots, the Poseidon2,
//!   byte and stub tables rebuilt from what the traces look up), so that the group under test
//!   is what rejects.
//! - DEGREE: every constraint of the three chips has degree at most 2, every bus tuple is
//!   linear and every multiplicity is a 0/1 column expression.

use core::borrow::{Borrow, BorrowMut};
use std::collections::HashMap;

use vouch_machine::bus::{once, EXEC, MEMORY};
use vouch_machine::chips::bytes::BytesChip;
use vouch_machine::chips::merkle::{self, MerkleChip, MerkleCols};
use vouch_machine::chips::page::{self, PageChip, PageCols};
use vouch_machine::chips::poseidon2::{self, Poseidon2Chip, Poseidon2Cols};
use vouch_machine::chips::range::Range16Chip;
use vouch_machine::chips::segment::{self, SegmentChip};
use vouch_machine::paging::{
    compress, leaf_hash, Digest, MemoryTree, PageUpdate, PagedWitness, PAGE_WORDS, PC_SLOT,
    TREE_DEPTH,
};
use vouch_machine::public::{NUM_PUBLIC_VALUES, ROOT_IN, ROOT_OUT};
use vouch_machine::trace::{LookupCounts, TraceError};
use vouch_machine::{MachineAir, MachineBuilder};
use vouch_stark::air::{Air, AirLayout, BaseAir, WindowAccess};
use vouch_stark::batch::InteractionSymbolicBuilder;
use vouch_stark::field::{Field, PrimeCharacteristicRing};
use vouch_stark::matrix::RowMajorMatrix;
use vouch_stark::poseidon2::{permutation, Permutation};
use vouch_stark::{Challenge, Val};

// ---------------------------------------------------------------------------------------------
// The harness: the three chips with their counterparts.
// ---------------------------------------------------------------------------------------------

/// Table positions in [`airs`].
const SEGMENT: usize = 0;
const BYTES: usize = 1;
const POSEIDON2: usize = 2;
const PAGE: usize = 3;
const MERKLE: usize = 4;
const STUB: usize = 5;
const RANGE16: usize = 6;

/// The stub's columns: `[mem, addr, init[4], last[4], last_ts, exec, start_pc, end_pc, end_clk]`.
const STUB_WIDTH: usize = 15;

/// The tables of the check: machine chips and the stub.
#[derive(Clone, Debug)]
enum TestAir {
    Machine(MachineAir),
    /// The execution between page-in and page-out: per row, `mem` times, it consumes a cell's
    /// initial state and produces its final one; `exec` times it consumes the segment's start
    /// state and produces its end state.
    Stub,
}

impl BaseAir<Val> for TestAir {
    fn width(&self) -> usize {
        match self {
            TestAir::Machine(a) => a.chip_width(),
            TestAir::Stub => STUB_WIDTH,
        }
    }

    fn preprocessed_trace(&self) -> Option<RowMajorMatrix<Val>> {
        match self {
            TestAir::Machine(a) => BaseAir::<Val>::preprocessed_trace(a),
            TestAir::Stub => None,
        }
    }

    fn preprocessed_width(&self) -> usize {
        match self {
            TestAir::Machine(a) => BaseAir::<Val>::preprocessed_width(a),
            TestAir::Stub => 0,
        }
    }

    fn main_next_row_columns(&self) -> Vec<usize> {
        match self {
            TestAir::Machine(a) => BaseAir::<Val>::main_next_row_columns(a),
            TestAir::Stub => Vec::new(),
        }
    }

    fn num_public_values(&self) -> usize {
        NUM_PUBLIC_VALUES
    }
}

impl<AB: MachineBuilder> Air<AB> for TestAir {
    fn eval(&self, b: &mut AB) {
        match self {
            TestAir::Machine(a) => a.eval_chip(b),
            TestAir::Stub => {
                let r: Vec<AB::Expr> = b.main().current_slice().iter().map(|&v| v.into()).collect();
                MEMORY.receive(
                    b,
                    [
                        r[1].clone(),
                        r[2].clone(),
                        r[3].clone(),
                        r[4].clone(),
                        r[5].clone(),
                        AB::Expr::ZERO,
                    ],
                    once(r[0].clone()),
                );
                MEMORY.send(
                    b,
                    r[1..2].iter().chain(&r[6..11]).cloned(),
                    once(r[0].clone()),
                );
                EXEC.receive(b, [r[12].clone(), AB::Expr::ONE], once(r[11].clone()));
                EXEC.send(b, [r[13].clone(), r[14].clone()], once(r[11].clone()));
            }
        }
    }
}

fn airs() -> Vec<TestAir> {
    vec![
        TestAir::Machine(MachineAir::Segment(SegmentChip)),
        TestAir::Machine(MachineAir::Bytes(BytesChip)),
        TestAir::Machine(MachineAir::Poseidon2(Poseidon2Chip)),
        TestAir::Machine(MachineAir::Page(PageChip)),
        TestAir::Machine(MachineAir::Merkle(MerkleChip)),
        TestAir::Stub,
        TestAir::Machine(MachineAir::Range16(Range16Chip)),
    ]
}

fn f(x: u32) -> Val {
    Val::from_u32(x)
}

/// One paged segment's tables. `page` and `merkle` are the traces under test; everything else
/// is derived from them by [`Segment::traces`].
struct Segment {
    page: RowMajorMatrix<Val>,
    merkle: RowMajorMatrix<Val>,
    public_values: Vec<Val>,
    start_pc: u32,
    end_pc: u32,
    end_clk: u32,
    /// What the chips appended to `perm_inputs` (honest generation only).
    perm_inputs: Vec<[Val; 16]>,
    /// The lookups the chips counted (honest generation only).
    counts: LookupCounts,
}

impl Segment {
    /// Generate the page and Merkle tables of `witness`, whose register page moves the pc from
    /// `start_pc` to `end_pc` (final timestamp `4 end_clk`).
    fn new(witness: &PagedWitness, start_pc: u32, end_pc: u32, end_clk: u32) -> Self {
        let mut counts = LookupCounts::new(0, 0);
        let mut perm_inputs = Vec::new();
        let page = page::generate_trace(Some(witness), &mut counts, &mut perm_inputs)
            .unwrap_or_else(|e| panic!("{e}"));
        let merkle = merkle::generate_trace(Some(witness), &mut counts, &mut perm_inputs)
            .unwrap_or_else(|e| panic!("{e}"));
        let mut public_values = vec![Val::ZERO; NUM_PUBLIC_VALUES];
        public_values[ROOT_IN..ROOT_IN + 8].copy_from_slice(&witness.root_in);
        public_values[ROOT_OUT..ROOT_OUT + 8].copy_from_slice(&witness.root_out);
        Self {
            page,
            merkle,
            public_values,
            start_pc,
            end_pc,
            end_clk,
            perm_inputs,
            counts,
        }
    }

    /// Every permutation input the page and Merkle rows look up, in row order.
    fn lookups(&self) -> Vec<[Val; 16]> {
        let mut inputs = Vec::new();
        for row in self.page.values.chunks_exact(self.page.width) {
            let row: &PageCols<Val> = row.borrow();
            if row.is_salt + row.is_word == Val::ONE {
                inputs.push(sponge_input(&row.init, &row.sponge_in.capacity));
                inputs.push(sponge_input(&row.last, &row.sponge_out.capacity));
            }
        }
        for row in self.merkle.values.chunks_exact(self.merkle.width) {
            let row: &MerkleCols<Val> = row.borrow();
            if row.is_real == Val::ONE {
                inputs.push(concat(&row.left.old, &row.right.old));
                inputs.push(concat(&row.left.new, &row.right.new));
            }
        }
        inputs
    }

    /// All tables, the Poseidon2, byte and stub tables rebuilt from what the others use.
    fn traces(&self) -> Vec<RowMajorMatrix<Val>> {
        let mut counts = LookupCounts::new(0, 0);
        let seg = segment::generate_trace((self.start_pc, self.end_pc, self.end_clk), &mut counts);
        let p2 = poseidon2::generate_trace(&self.lookups(), &mut counts)
            .unwrap_or_else(|e| panic!("{e}"));
        let mut traces = vec![RowMajorMatrix::new(Vec::new(), 1); airs().len()];
        traces[SEGMENT] = seg;
        traces[BYTES] = counts.bytes_trace();
        traces[POSEIDON2] = p2;
        traces[PAGE] = self.page.clone();
        traces[MERKLE] = self.merkle.clone();
        traces[STUB] = self.stub();
        traces[RANGE16] = counts.range16_trace();
        // The byte table provides exactly what is looked up (and can provide only bytes).
        let queries = vouch_stark::debug::bus_queries(
            &airs(),
            &traces,
            &self.pvs(),
            &[vouch_machine::bus::BYTES.name()],
        );
        let bytes = &mut traces[BYTES];
        bytes.values.iter_mut().for_each(|v| *v = Val::ZERO);
        for ((_, tuple), n) in queries {
            if let [op, x, y, _] = tuple[..] {
                if op == 0 && x < 256 && y < 256 {
                    bytes.values[((x + 256 * y) * 4) as usize] += Val::from_u64(n);
                }
            }
        }
        traces
    }

    /// The execution stub: a pass-through for every cell whose final state differs from its
    /// paged-in one (the pc cell is the segment chip's), and the exec bus's ends.
    fn stub(&self) -> RowMajorMatrix<Val> {
        let mut rows: Vec<[Val; STUB_WIDTH]> = Vec::new();
        let mut exec = [Val::ZERO; STUB_WIDTH];
        exec[11] = Val::ONE;
        exec[12] = f(self.start_pc);
        exec[13] = f(self.end_pc);
        exec[14] = f(self.end_clk);
        rows.push(exec);
        for row in self.page.values.chunks_exact(self.page.width) {
            let row: &PageCols<Val> = row.borrow();
            if row.is_word != Val::ONE {
                continue;
            }
            let stride = if row.is_reg == Val::ONE { 1 } else { 4 };
            for i in 0..4 {
                let addr = row.addr + f(i as u32 * stride);
                let unchanged = row.init[i] == row.last[i] && row.last_ts[i] == Val::ZERO;
                if unchanged || addr == f(PC_SLOT) {
                    continue;
                }
                let mut r = [Val::ZERO; STUB_WIDTH];
                r[0] = Val::ONE;
                r[1] = addr;
                r[2..6].copy_from_slice(&row.init[i]);
                r[6..10].copy_from_slice(&row.last[i]);
                r[10] = row.last_ts[i];
                rows.push(r);
            }
        }
        let height = rows.len().next_power_of_two();
        rows.resize(height, [Val::ZERO; STUB_WIDTH]);
        RowMajorMatrix::new(rows.concat(), STUB_WIDTH)
    }

    fn pvs(&self) -> Vec<Vec<Val>> {
        vec![self.public_values.clone(); airs().len()]
    }

    /// Every constraint of every table, then every bus: `Err` names the first failure
    /// (`table i: row r: failed constraints = …` or `N unbalanced bus entries: global lookup …`).
    fn check(&self) -> Result<(), String> {
        let traces = self.traces();
        let pvs = self.pvs();
        std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
            vouch_stark::debug::check_all(&airs(), &traces, &pvs);
        }))
        .map_err(|e| {
            e.downcast_ref::<String>()
                .cloned()
                .or_else(|| e.downcast_ref::<&str>().map(|s| s.to_string()))
                .unwrap_or_default()
        })
    }

    /// Assert that the check fails with a message containing every one of `expected`.
    fn assert_rejected(&self, what: &str, expected: &[&str]) {
        match self.check() {
            Ok(()) => panic!("{what}: the tampered tables pass"),
            Err(msg) => {
                for e in expected {
                    assert!(msg.contains(e), "{what}: expected `{e}` in: {msg}");
                }
            }
        }
    }

    fn page_row(&mut self, row: usize) -> &mut PageCols<Val> {
        let w = self.page.width;
        self.page.values[row * w..(row + 1) * w].borrow_mut()
    }

    fn merkle_row(&mut self, row: usize) -> &mut MerkleCols<Val> {
        let w = self.merkle.width;
        self.merkle.values[row * w..(row + 1) * w].borrow_mut()
    }

    /// Recompute every page row's sponge states from its chunk and capacity, chaining each
    /// word row's capacity from the row above except at `unchained`.
    fn rehash_pages(&mut self, unchained: Option<usize>) {
        let perm = permutation();
        let height = self.page.values.len() / self.page.width;
        let mut prev: Option<([Val; 8], [Val; 8])> = None;
        for r in 0..height {
            let row = self.page_row(r);
            if row.is_salt + row.is_word != Val::ONE {
                prev = None;
                continue;
            }
            if let (Some((cin, cout)), true) = (prev, row.is_word == Val::ONE) {
                if unchained != Some(r) {
                    row.sponge_in.capacity = cin;
                    row.sponge_out.capacity = cout;
                }
            }
            row.sponge_in.state = perm.permute(sponge_input(&row.init, &row.sponge_in.capacity));
            row.sponge_out.state = perm.permute(sponge_input(&row.last, &row.sponge_out.capacity));
            prev = Some((
                row.sponge_in.state[8..].try_into().expect("8"),
                row.sponge_out.state[8..].try_into().expect("8"),
            ));
        }
    }

    /// Recompute the tree from the page chip's leaves: touched children from below, node
    /// states by compression (except at `keep_state`, whose states stay as they are), and the
    /// public roots from the level-21 node.
    fn rehash_tree(&mut self, keep_state: Option<usize>) {
        let perm = permutation();
        let mut sent: HashMap<(Val, Val), (Digest, Digest)> = HashMap::new();
        for row in self.page.values.chunks_exact(self.page.width) {
            let row: &PageCols<Val> = row.borrow();
            if row.is_last == Val::ONE {
                sent.insert(
                    (Val::ZERO, row.page),
                    (digest(&row.sponge_in.state), digest(&row.sponge_out.state)),
                );
            }
        }
        let height = self.merkle.values.len() / self.merkle.width;
        // Rows are in level order, so children are always sent before their parent reads them.
        for r in 0..height {
            let row = self.merkle_row(r);
            if row.is_real != Val::ONE {
                continue;
            }
            let below = row.level - Val::ONE;
            for (bit, child) in [(0, &mut row.left), (1, &mut row.right)] {
                if child.touched == Val::ONE {
                    let pos = (below, row.index * Val::TWO + f(bit));
                    (child.old, child.new) = sent[&pos];
                }
            }
            if keep_state != Some(r) {
                row.old_state = perm.permute(concat(&row.left.old, &row.right.old));
                row.new_state = perm.permute(concat(&row.left.new, &row.right.new));
            }
            let hashes = (digest(&row.old_state), digest(&row.new_state));
            sent.insert((row.level, row.index), hashes);
            if row.level == f(TREE_DEPTH) {
                self.public_values[ROOT_IN..ROOT_IN + 8].copy_from_slice(&hashes.0);
                self.public_values[ROOT_OUT..ROOT_OUT + 8].copy_from_slice(&hashes.1);
            }
        }
    }
}

/// The start of check_all's message for a constraint failing on `row` of `table`.
fn at(table: usize, row: usize) -> String {
    format!("table {table}: constraints not satisfied on row {row}:")
}

fn sponge_input(words: &[[Val; 4]; 4], capacity: &[Val; 8]) -> [Val; 16] {
    let mut input = [Val::ZERO; 16];
    for (i, w) in words.iter().enumerate() {
        input[2 * i] = w[0] + f(256) * w[1];
        input[2 * i + 1] = w[2] + f(256) * w[3];
    }
    input[8..].copy_from_slice(capacity);
    input
}

fn concat(l: &Digest, r: &Digest) -> [Val; 16] {
    let mut input = [Val::ZERO; 16];
    input[..8].copy_from_slice(l);
    input[8..].copy_from_slice(r);
    input
}

fn digest(state: &[Val; 16]) -> Digest {
    state[..8].try_into().expect("8")
}

// ---------------------------------------------------------------------------------------------
// Memory trees and segments.
// ---------------------------------------------------------------------------------------------

const ENTRY: u32 = 0x0001_0000;
const LAST_PAGE: u32 = (1 << TREE_DEPTH) - 1;

/// The initial memory by page: registers (sp, pc = entry), an image over pages 256 and 300.
fn initial_contents() -> HashMap<u32, Vec<u32>> {
    let mut regs = vec![0u32; PAGE_WORDS];
    regs[2] = vouch_abi::memory::STACK_TOP;
    regs[PC_SLOT as usize] = ENTRY;
    let code: Vec<u32> = (0..PAGE_WORDS as u32)
        .map(|i| 0x0000_0013 | i << 20)
        .collect();
    let mut data = vec![0u32; PAGE_WORDS];
    data[7] = 0xdead_beef;
    data[63] = 0xffff_ffff;
    HashMap::from([(0, regs), (256, code), (300, data)])
}

/// The tree of [`initial_contents`].
fn initial_tree() -> MemoryTree {
    let mut pages: Vec<(u32, Vec<u32>)> = initial_contents().into_iter().collect();
    pages.sort_unstable_by_key(|p| p.0);
    MemoryTree::new(&pages)
}

/// A deterministic salt source (the prover draws them at random).
fn salts(seed: u32) -> impl FnMut() -> Digest {
    let mut n = seed;
    move || {
        n += 1;
        core::array::from_fn(|i| f(n.wrapping_mul(0x9e37_79b9).wrapping_add(i as u32) >> 1))
    }
}

/// One segment over `tree`: each page in `pages` is paged in with the tree's contents and
/// paged out after `change` (slot, value) writes at increasing timestamps; the pc moves to
/// `end_pc` after `end_clk - 1` cycles.
fn run_segment(
    tree: &mut MemoryTree,
    contents: &mut HashMap<u32, Vec<u32>>,
    pages: &[(u32, Vec<(usize, u32)>)],
    end_pc: u32,
    end_clk: u32,
    seed: u32,
) -> Segment {
    let start_pc = contents[&0][PC_SLOT as usize];
    let mut ts = 4;
    let updates: Vec<PageUpdate> = pages
        .iter()
        .map(|(index, writes)| {
            let init = contents.get(index).cloned().unwrap_or(vec![0; PAGE_WORDS]);
            let mut last = init.clone();
            let mut last_ts = vec![0; PAGE_WORDS];
            for &(slot, value) in writes {
                last[slot] = value;
                last_ts[slot] = ts;
                ts += 4;
            }
            if *index == 0 {
                last[PC_SLOT as usize] = end_pc;
                last_ts[PC_SLOT as usize] = 4 * end_clk;
            }
            contents.insert(*index, last.clone());
            PageUpdate {
                index: *index,
                init,
                last,
                last_ts,
            }
        })
        .collect();
    let witness = tree.update(updates, salts(seed));
    Segment::new(&witness, start_pc, end_pc, end_clk)
}

/// The first segment: registers, the code page 256 and its sibling 257 (never written
/// before), page 300 and the last page of the tree.
fn first_segment() -> (MemoryTree, HashMap<u32, Vec<u32>>, Segment) {
    let mut tree = initial_tree();
    let mut contents = initial_contents();
    let seg = run_segment(
        &mut tree,
        &mut contents,
        &[
            (0, vec![(1, 0x0001_0040), (10, 0xffff_ffff), (32, 5)]),
            (256, vec![]),
            (257, vec![(0, 0x8000_0001), (63, 0x0102_0304)]),
            (300, vec![(7, 0)]),
            (LAST_PAGE, vec![(62, 0x00ff_00ff)]),
        ],
        ENTRY + 0x40,
        1000,
        1,
    );
    (tree, contents, seg)
}

/// Row of page `n` (in witness order), row `k` of its 17.
fn page_row_index(n: usize, k: usize) -> usize {
    page::ROWS_PER_PAGE * n + k
}

// ---------------------------------------------------------------------------------------------
// POSITIVE
// ---------------------------------------------------------------------------------------------

#[test]
fn honest_segments_satisfy_every_constraint_and_bus() {
    let (mut tree, mut contents, seg) = first_segment();
    assert_eq!(seg.check(), Ok(()));
    assert_eq!(
        seg.lookups(),
        seg.perm_inputs,
        "the chips append exactly the permutations their rows look up, in row order"
    );
    let mut counts = seg.counts.clone();
    segment::generate_trace((seg.start_pc, seg.end_pc, seg.end_clk), &mut counts);
    assert!(
        counts.bytes_trace().values == seg.traces()[BYTES].values,
        "the chips count exactly the byte lookups their rows make"
    );

    // A second segment continues from the first one's root: page 257 again (now salted),
    // registers, and a page far from the others.
    let root = tree.root();
    let seg2 = run_segment(
        &mut tree,
        &mut contents,
        &[
            (0, vec![(5, 7)]),
            (257, vec![(1, 2), (2, 3)]),
            (0x1_2345, vec![]),
        ],
        ENTRY + 0x80,
        77,
        2,
    );
    assert_eq!(&seg2.public_values[ROOT_IN..ROOT_IN + 8], &root[..]);
    assert_eq!(seg2.check(), Ok(()));
}

/// SANITY: the leaves and root the tables send are the native ones.
#[test]
fn tables_send_the_native_leaves_and_root() {
    let mut tree = initial_tree();
    let mut contents = initial_contents();
    let init = contents[&300].clone();
    let seg = run_segment(
        &mut tree,
        &mut contents,
        &[(0, vec![]), (300, vec![(3, 9)])],
        ENTRY,
        2,
        5,
    );
    // Salts are drawn page by page: the register page's first, then page 300's.
    let mut salt = salts(5);
    let salt_300 = [salt(), salt()][1];
    let last_row: &PageCols<Val> = seg.page.values
        [page_row_index(1, 16) * seg.page.width..page_row_index(1, 17) * seg.page.width]
        .borrow();
    assert_eq!(last_row.is_last, Val::ONE);
    assert_eq!(last_row.page, f(300));
    assert_eq!(
        digest(&last_row.sponge_in.state),
        leaf_hash(&[Val::ZERO; 8], &init)
    );
    assert_eq!(
        digest(&last_row.sponge_out.state),
        leaf_hash(&salt_300, &contents[&300])
    );
    // The level-21 row holds the roots.
    let root_row = seg
        .merkle
        .values
        .chunks_exact(seg.merkle.width)
        .map(|r| -> &MerkleCols<Val> { r.borrow() })
        .find(|r| r.level == f(TREE_DEPTH) && r.is_real == Val::ONE)
        .expect("a root row");
    assert_eq!(
        &digest(&root_row.old_state)[..],
        &seg.public_values[ROOT_IN..ROOT_IN + 8]
    );
    assert_eq!(digest(&root_row.new_state), tree.root());
    assert_eq!(
        digest(&root_row.new_state),
        compress(&root_row.left.new, &root_row.right.new)
    );
}

#[test]
fn trace_generation_refuses_a_witness_outside_the_tree() {
    let registers = initial_contents()[&0].clone();
    let mut w = initial_tree().update(
        vec![PageUpdate {
            index: 0,
            init: registers.clone(),
            last: registers,
            last_ts: vec![0; PAGE_WORDS],
        }],
        salts(9),
    );
    w.pages[0].index = 1 << TREE_DEPTH;
    let r = page::generate_trace(Some(&w), &mut LookupCounts::new(0, 0), &mut Vec::new());
    assert!(matches!(r, Err(TraceError::Paging(_))));
    w.pages[0].index = 0;
    w.pages[0].init.pop();
    let r = page::generate_trace(Some(&w), &mut LookupCounts::new(0, 0), &mut Vec::new());
    assert!(matches!(r, Err(TraceError::Paging(_))));
    w.nodes[0].level = 0;
    let r = merkle::generate_trace(Some(&w), &mut LookupCounts::new(0, 0), &mut Vec::new());
    assert!(matches!(r, Err(TraceError::Paging(_))));
}

#[test]
fn unpaged_tables_are_padding() {
    let mut counts = LookupCounts::new(0, 0);
    let mut inputs = Vec::new();
    let page = page::generate_trace(None, &mut counts, &mut inputs).expect("page");
    let merkle = merkle::generate_trace(None, &mut counts, &mut inputs).expect("merkle");
    assert!(inputs.is_empty());
    assert!(page.values.iter().all(|v| *v == Val::ZERO));
    assert!(merkle.values.iter().all(|v| *v == Val::ZERO));
    assert_eq!(page.width, PageCols::<Val>::WIDTH);
    assert_eq!(merkle.width, MerkleCols::<Val>::WIDTH);
}

// ---------------------------------------------------------------------------------------------
// NEGATIVE: page chip
// ---------------------------------------------------------------------------------------------

/// The harness itself is honest: rehashing and rebuilding an untampered segment changes
/// nothing.
#[test]
fn rebuilding_an_honest_segment_keeps_it_valid() {
    let (_, _, mut seg) = first_segment();
    let (page, merkle, pv) = (
        seg.page.clone(),
        seg.merkle.clone(),
        seg.public_values.clone(),
    );
    seg.rehash_pages(None);
    seg.rehash_tree(None);
    assert_eq!(seg.page.values, page.values);
    assert_eq!(seg.merkle.values, merkle.values);
    assert_eq!(seg.public_values, pv);
    assert_eq!(seg.check(), Ok(()));
}

#[test]
fn a_broken_capacity_chain_is_rejected() {
    let (_, _, mut seg) = first_segment();
    // Page 257 (third page), word row 5: a capacity that is not the previous row's.
    let r = page_row_index(2, 5);
    seg.page_row(r).sponge_in.capacity[3] += Val::ONE;
    seg.rehash_pages(Some(r));
    seg.rehash_tree(None);
    seg.assert_rejected("page-in capacity", &[&at(PAGE, r - 1)]);

    let (_, _, mut seg) = first_segment();
    seg.page_row(r).sponge_out.capacity[7] += Val::ONE;
    seg.rehash_pages(Some(r));
    seg.rehash_tree(None);
    seg.assert_rejected("page-out capacity", &[&at(PAGE, r - 1)]);
}

#[test]
fn a_salt_row_with_a_nonzero_capacity_is_rejected() {
    let (_, _, mut seg) = first_segment();
    let r = page_row_index(1, 0);
    seg.page_row(r).sponge_in.capacity[0] = Val::ONE;
    seg.rehash_pages(None);
    seg.rehash_tree(None);
    seg.assert_rejected("salt capacity", &[&at(PAGE, r)]);
}

#[test]
fn a_leaf_that_does_not_match_the_page_words_is_rejected() {
    // Paging in other contents: the page's sponge is consistent, but its leaf is not the one
    // the tree holds.
    let (_, _, mut seg) = first_segment();
    let r = page_row_index(3, 2);
    seg.page_row(r).init[1] = [1, 2, 3, 4].map(f);
    seg.page_row(r).last[1] = [1, 2, 3, 4].map(f);
    seg.rehash_pages(None);
    seg.assert_rejected("other contents paged in", &["global lookup 'merkle'"]);

    // A leaf that is not the sponge's output.
    let (_, _, mut seg) = first_segment();
    let r = page_row_index(3, 16);
    seg.page_row(r).sponge_in.state[0] += Val::ONE;
    seg.rehash_tree(None);
    seg.assert_rejected("leaf not the sponge output", &["global lookup 'poseidon2'"]);

    // Page 300's contents paged in as page 301 (a consistent page chip, addresses included):
    // the tree has no such leaf.
    let (_, _, mut seg) = first_segment();
    for k in 0..page::ROWS_PER_PAGE {
        let row = seg.page_row(page_row_index(3, k));
        row.page = f(301);
        row.page_inv = f(301).inverse();
        row.addr += f(256);
    }
    seg.assert_rejected("page 300 as 301", &["global lookup 'merkle'"]);
}

#[test]
fn a_non_byte_initial_limb_is_rejected() {
    // Page 300's slot 7 = 0xdead_beef paged in as bytes (0xef + 256, 0xbd, 0xad, 0xde): the
    // same 16-bit halves, so the same leaf, but another word on the memory bus.
    let (_, _, mut seg) = first_segment();
    let roots = seg.public_values.clone();
    let r = page_row_index(3, 2); // page 300, slots 4..8
    let row = seg.page_row(r);
    assert_eq!(row.init[3], [0xef, 0xbe, 0xad, 0xde].map(f));
    row.init[3][0] += f(256);
    row.init[3][1] -= Val::ONE;
    // The sponge, the tree and the memory stub all accept the aliased word.
    seg.rehash_pages(None);
    seg.rehash_tree(None);
    assert_eq!(
        seg.public_values, roots,
        "the tree accepts the aliased bytes"
    );
    seg.assert_rejected("non-byte initial limb", &["global lookup 'bytes'"]);
}

#[test]
fn a_wrong_page_kind_or_address_is_rejected() {
    // The register page laid out as a RAM page (stride 4).
    let (_, _, mut seg) = first_segment();
    for k in 0..page::ROWS_PER_PAGE {
        let row = seg.page_row(page_row_index(0, k));
        row.is_reg = Val::ZERO;
        row.addr = f(16 * k as u32) - f(16);
    }
    seg.assert_rejected("page 0 as RAM", &[&at(PAGE, 0)]);

    // A RAM page laid out as the register page.
    let (_, _, mut seg) = first_segment();
    for k in 0..page::ROWS_PER_PAGE {
        let row = seg.page_row(page_row_index(1, k));
        row.is_reg = Val::ONE;
        row.page_inv = Val::ZERO;
        row.addr = f(256 * 256 + 4 * k as u32) - f(4);
    }
    seg.assert_rejected(
        "page 256 with registers' stride",
        &[&at(PAGE, page_row_index(1, 0))],
    );

    // A word row whose address skips a group.
    let (_, _, mut seg) = first_segment();
    let r = page_row_index(1, 9);
    seg.page_row(r).addr += f(16);
    seg.assert_rejected("skipped address", &[&at(PAGE, r - 1)]);
}

#[test]
fn a_page_of_the_wrong_length_is_rejected() {
    // The page ends after 15 word rows: is_last at the wrong address.
    let (_, _, mut seg) = first_segment();
    let r = page_row_index(1, 15);
    seg.page_row(r).is_last = Val::ONE;
    seg.assert_rejected("15 word rows", &[&at(PAGE, r)]);

    // The page's last row does not end it.
    let (_, _, mut seg) = first_segment();
    let r = page_row_index(1, 16);
    seg.page_row(r).is_last = Val::ZERO;
    seg.assert_rejected("17 word rows", &[&at(PAGE, r)]);

    // A word row without a salt row before it (the page's salt row made padding).
    let (_, _, mut seg) = first_segment();
    let r = page_row_index(2, 0);
    seg.page_row(r).is_salt = Val::ZERO;
    seg.assert_rejected("no salt row", &[&at(PAGE, r)]);

    // The table's first row is a word row (its predecessor would be the last row).
    let (_, _, mut seg) = first_segment();
    let row = seg.page_row(0);
    row.is_salt = Val::ZERO;
    row.is_word = Val::ONE;
    seg.assert_rejected("leading word row", &[&at(PAGE, 0)]);

    // A page started on the table's last row, which nothing can finish: only the last-row
    // rule rejects it.
    let (_, _, mut seg) = first_segment();
    let last = seg.page.values.len() / seg.page.width - 1;
    let row = seg.page_row(last);
    row.is_salt = Val::ONE;
    row.is_reg = Val::ONE;
    row.addr = -f(4);
    seg.rehash_pages(None);
    seg.assert_rejected(
        "trailing salt row",
        &[&format!("{} failed constraints = [#11]", at(PAGE, last))],
    );
}

// ---------------------------------------------------------------------------------------------
// NEGATIVE: Merkle chip
// ---------------------------------------------------------------------------------------------

/// The first real Merkle row with an untouched child.
fn row_with_untouched_child(seg: &mut Segment) -> usize {
    let h = seg.merkle.values.len() / seg.merkle.width;
    (0..h)
        .find(|&r| {
            let row = seg.merkle_row(r);
            row.is_real == Val::ONE && row.right.touched == Val::ZERO
        })
        .expect("a node with an untouched right child")
}

#[test]
fn an_untouched_child_that_changes_is_rejected() {
    let (_, _, mut seg) = first_segment();
    let r = row_with_untouched_child(&mut seg);
    seg.merkle_row(r).right.new[0] += Val::ONE;
    seg.rehash_tree(None);
    seg.assert_rejected("untouched child changed", &[&at(MERKLE, r)]);
}

#[test]
fn a_wrong_compression_output_is_rejected() {
    let (_, _, mut seg) = first_segment();
    let r = row_with_untouched_child(&mut seg);
    seg.merkle_row(r).new_state[2] += Val::ONE;
    seg.rehash_tree(Some(r));
    seg.assert_rejected("wrong compression", &["global lookup 'poseidon2'"]);
}

#[test]
fn a_dropped_or_stolen_child_is_rejected() {
    // A touched child declared untouched (its page-out is then never consumed).
    let (_, _, mut seg) = first_segment();
    let r = (0..seg.merkle.values.len() / seg.merkle.width)
        .find(|&r| {
            let row = seg.merkle_row(r);
            row.is_real == Val::ONE && row.left.touched == Val::ONE && row.left.old != row.left.new
        })
        .expect("a changed touched child");
    let row = seg.merkle_row(r);
    row.left.touched = Val::ZERO;
    row.left.new = row.left.old;
    seg.rehash_tree(None);
    seg.assert_rejected("dropped child", &["global lookup 'merkle'"]);

    // A padding row consuming a leaf.
    let (_, _, mut seg) = first_segment();
    let h = seg.merkle.values.len() / seg.merkle.width;
    seg.merkle_row(h - 1).left.touched = Val::ONE;
    seg.assert_rejected("padding row receives", &[&at(MERKLE, h - 1)]);
}

#[test]
fn a_node_out_of_the_level_range_is_rejected() {
    // A subtree below the leaves: a "node" at level 0 (children at level -1, untouched) feeds
    // page 301's position under page 300's parent, which now takes it as a touched child.
    // Everything balances, the tree is rehashed to new roots; only the level range check
    // (level - 1 and 21 - level are bytes) rejects it.
    let (_, _, mut seg) = first_segment();
    let h = seg.merkle.values.len() / seg.merkle.width;
    let parent = (0..h)
        .find(|&r| seg.merkle_row(r).level == Val::ONE && seg.merkle_row(r).index == f(150))
        .expect("the parent of pages 300 and 301");
    assert_eq!(seg.merkle_row(parent).right.touched, Val::ZERO);
    seg.merkle_row(parent).right.touched = Val::ONE;
    let mut fake = vec![Val::ZERO; seg.merkle.width];
    {
        let row: &mut MerkleCols<Val> = fake.as_mut_slice().borrow_mut();
        row.is_real = Val::ONE;
        row.level = Val::ZERO;
        row.index = f(301);
        row.left.old = [f(5); 8];
        row.left.new = [f(5); 8];
    }
    // Put it first (rows in level order) in place of the last padding row.
    let w = seg.merkle.width;
    seg.merkle.values.truncate((h - 1) * w);
    seg.merkle.values.splice(0..0, fake);
    seg.rehash_tree(None);
    seg.assert_rejected("node at level 0", &["global lookup 'bytes'"]);

    // The root row claims level 22: the segment's root (21, 0) then comes from nowhere.
    let (_, _, mut seg) = first_segment();
    let r = (0..h)
        .find(|&r| seg.merkle_row(r).level == f(TREE_DEPTH))
        .expect("root row");
    seg.merkle_row(r).level = f(TREE_DEPTH + 1);
    seg.assert_rejected("level 22", &["unbalanced bus entries"]);
}

// ---------------------------------------------------------------------------------------------
// NEGATIVE: Poseidon2 chip (in the machine: a row that is not a permutation)
// ---------------------------------------------------------------------------------------------

#[test]
fn a_poseidon2_row_that_is_not_a_permutation_is_rejected() {
    let (_, _, seg) = first_segment();
    let mut traces = seg.traces();
    let w = traces[POSEIDON2].width;
    let row: &mut Poseidon2Cols<Val> = traces[POSEIDON2].values[3 * w..4 * w].borrow_mut();
    row.ending_full_rounds[3].post[0] += Val::ONE;
    let pvs = seg.pvs();
    let r = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
        vouch_stark::debug::check_all(&airs(), &traces, &pvs);
    }));
    let msg = r
        .err()
        .and_then(|e| e.downcast_ref::<String>().cloned())
        .expect("rejected");
    assert!(msg.contains(&at(POSEIDON2, 3)), "{msg}");
}

// ---------------------------------------------------------------------------------------------
// DEGREE
// ---------------------------------------------------------------------------------------------

#[test]
fn constraints_have_degree_two_and_bus_tuples_are_linear() {
    for air in [
        MachineAir::Poseidon2(Poseidon2Chip),
        MachineAir::Page(PageChip),
        MachineAir::Merkle(MerkleChip),
    ] {
        let name = format!("{air:?}");
        let builder = InteractionSymbolicBuilder::<Val, Challenge>::from_air(
            &air,
            AirLayout::from_air::<Val>(&air),
        );
        let constraints = builder.base_constraints();
        assert!(!constraints.is_empty(), "{name}");
        let max = constraints
            .iter()
            .map(|c| c.degree_multiple())
            .max()
            .unwrap_or(0);
        assert_eq!(max, 2, "{name}: maximal constraint degree");
        assert!(builder.extension_constraints().is_empty(), "{name}");
        let interactions = builder.global_interactions();
        assert!(!interactions.is_empty(), "{name}");
        for i in interactions {
            for field in &i.fields {
                assert!(field.degree_multiple() <= 1, "{name}: {} tuple", i.bus_name);
            }
            assert!(
                i.count.degree_multiple() <= 1,
                "{name}: {} count",
                i.bus_name
            );
            assert!(i.count_weight <= 1, "{name}: {} weight", i.bus_name);
        }
        assert!(builder.local_interactions().is_empty(), "{name}");
        assert!(builder.exclusive_interactions().is_empty(), "{name}");
        println!(
            "{name}: width {}, {} constraints, {} interactions",
            BaseAir::<Val>::width(&air),
            constraints.len(),
            interactions.len()
        );
    }
}
