//! The menu of segment shapes: the finite set of shapes (every table's log2 height) that
//! segments meant for recursion are proven at, so that a constant set of lift keys, one per
//! shape, verifies every program's segments.
//!
//! A shape is made from a [`Profile`] and a segment size `2^s` (one of [`MENU_LOG_CYCLES`]):
//! each variable table's height is `2^(s − d)` for the profile's deficit `d` (at least
//! `2^MIN_LOG_HEIGHT`), the fixed tables (ROM, range, bytes, blind sink) keep the machine's
//! heights. Each shape is also a limit for the executor ([`Menu::budget`]): steps per
//! instruction chip, pages and memory-tree nodes it holds; the executor ends a segment before
//! the step after which no shape of the menu would hold it, so every segment has a menu shape,
//! and the prover pads it to the cheapest one that holds its natural shape ([`Menu::pick`]).
//!
//! The profiles are what the example workloads need (`examples/shapes.rs` in vouch-recursion,
//! docs/recursion.md): a tight loop (`Loop`, fibonacci), memory-bound code (`Memory`, sort),
//! bit manipulation (`Bitwise`, SHA-256) and a `General` one for the rest. A profile that fits
//! costs little padding; a program that fits none still runs, in shorter segments. Changing a
//! profile changes the key set (make a new one, never edit one in place).

use vouch_executor::{SegmentBudget, SegmentLimit, BUDGET_CLASSES};
use vouch_isa::Opcode;
use vouch_stark::air::BaseAir;

use super::{opcode_chip, TraceError};
use crate::machine::{ChipKind, Machine, MIN_LOG_HEIGHT};
use crate::paging::CHUNKS_PER_PAGE;
use crate::paging_consts::TREE_DEPTH;

/// The segment sizes (log2 cycles) the menu has shapes for.
pub const MENU_LOG_CYCLES: [usize; 6] = [12, 14, 16, 18, 20, 22];

/// The smallest Poseidon2 table of a menu shape: room for the register page's and a few
/// pages' tree paths (what the executor's limit must allow before the first step).
const MIN_POSEIDON2_LOG_HEIGHT: usize = 10;

/// The fewest tree nodes a limit allows: the register page's path and four more pages'
/// (what the executor must allow before a segment's first step).
const MIN_TREE_NODES: usize = 128;

/// A family of segment shapes, one per segment size.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Profile {
    /// A tight ALU loop: register ALU, immediate ALU and branches.
    Loop,
    /// Memory-bound code: loads, stores, ALU, multiplications, many pages.
    Memory,
    /// Bit manipulation: bitwise and shift operations, stores, input words.
    Bitwise,
    /// Every instruction chip a quarter of the segment or less.
    General,
}

impl Profile {
    pub const ALL: [Profile; 4] = [
        Profile::Loop,
        Profile::Memory,
        Profile::Bitwise,
        Profile::General,
    ];

    /// The table's height below the segment's, as a log2 deficit ([`SMALLEST`]: the smallest
    /// table); `None` for the tables the machine fixes and the one-row tables. Deficits are
    /// even, at most 6 (or the smallest table), and segment sizes and fixed heights are even
    /// powers: a shape of a keyed ROM height (2^14, 2^16) has at most five distinct heights,
    /// which keeps its lift circuit in the one recursion shape (each distinct height costs
    /// the lift ~40k wires: at 2^20 cycles six overflow the 2^21-wire witness table).
    fn deficit(self, kind: ChipKind) -> Option<usize> {
        use ChipKind::*;
        const M: usize = SMALLEST;
        // Loop, Memory, Bitwise, General.
        let d = |deficits: [usize; 4]| Some(deficits[self as usize]);
        match kind {
            Program | Range16 | Bytes | Blind | Segment | Halt => None,
            AluReg => d([2, 2, 2, 2]),
            AluImm => d([0, 2, 2, 2]),
            BitwiseReg => d([6, 2, 2, 2]),
            BitwiseImm => d([M, 6, M, 4]),
            ShiftReg => d([M, M, M, 4]),
            ShiftImm => d([6, 2, 2, 2]),
            Mul => d([M, 2, M, 2]),
            DivRem => d([M, M, M, 4]),
            Branch => d([2, 4, 4, 2]),
            Jump => d([M, 6, 6, 4]),
            Upper => d([M, M, M, 4]),
            Load => d([6, 2, 4, 2]),
            Store => d([6, 2, 2, 2]),
            Ecall => d([M, M, 4, 4]),
            Poseidon2 => d([6, 4, 6, 4]),
            Page => d([M, 4, 6, 4]),
            Merkle => d([M, 6, 6, 6]),
        }
    }
}

/// The deficit of a table at its smallest height, whatever the segment size.
const SMALLEST: usize = 64;

/// The menu for one machine (its ROM's height fixes the ROM table) and one segment size.
#[derive(Clone, Debug)]
pub struct Menu {
    log_cycles: usize,
    widths: Vec<usize>,
    fixed: Vec<Option<usize>>,
}

impl Menu {
    /// The menu of `machine` for segments of `segment_cycles` cycles, which must be one of
    /// the sizes of [`MENU_LOG_CYCLES`].
    pub fn new(machine: &Machine, segment_cycles: u32) -> Result<Self, TraceError> {
        let log_cycles = segment_cycles.trailing_zeros() as usize;
        if !segment_cycles.is_power_of_two() || !MENU_LOG_CYCLES.contains(&log_cycles) {
            return Err(TraceError::Shape(format!(
                "segments of {segment_cycles} cycles have no menu of shapes: use 2^{}",
                MENU_LOG_CYCLES.map(|l| l.to_string()).join(", 2^")
            )));
        }
        Ok(Self {
            log_cycles,
            widths: machine.airs().iter().map(|a| a.width()).collect(),
            fixed: machine
                .fixed_heights()
                .into_iter()
                .map(|h| h.map(|h| h.trailing_zeros() as usize))
                .collect(),
        })
    }

    /// log2 of the segment size.
    pub fn log_cycles(&self) -> usize {
        self.log_cycles
    }

    /// The shape of `profile` for segments of `2^s` cycles.
    pub fn shape(&self, profile: Profile, s: usize) -> Vec<usize> {
        ChipKind::ALL
            .iter()
            .zip(&self.fixed)
            .map(|(&kind, fixed)| match (fixed, profile.deficit(kind)) {
                (Some(h), _) => *h,
                (None, None) => MIN_LOG_HEIGHT,
                (None, Some(d)) => {
                    let floor = if kind == ChipKind::Poseidon2 {
                        MIN_POSEIDON2_LOG_HEIGHT
                    } else {
                        MIN_LOG_HEIGHT
                    };
                    s.saturating_sub(d).max(floor)
                }
            })
            .collect()
    }

    /// The executor's limit for `shape`: each instruction chip's rows, and the pages and tree
    /// nodes whose paging rows fit the page, Merkle and Poseidon2 tables (the page table has
    /// [`CHUNKS_PER_PAGE`] rows a page, the Merkle table a row a node, the Poseidon2 table
    /// two rows for each of theirs). Nodes get a sixteenth of the Poseidon2 table (at least
    /// [`MIN_TREE_NODES`]): pages are usually near one another, so their paths share nodes.
    fn limit(shape: &[usize]) -> SegmentLimit {
        let rows = |kind: ChipKind| 1usize << shape[kind.index()];
        let poseidon2 = rows(ChipKind::Poseidon2);
        let tree_nodes = rows(ChipKind::Merkle).min((poseidon2 / 16).max(MIN_TREE_NODES));
        let pages = (rows(ChipKind::Page) / CHUNKS_PER_PAGE)
            .min((poseidon2 - 2 * tree_nodes) / (2 * CHUNKS_PER_PAGE));
        SegmentLimit {
            steps: (0..ChipKind::ALL.len().min(BUDGET_CLASSES))
                .map(|i| 1u32 << shape[i].min(31))
                .collect(),
            pages: pages as u32,
            tree_nodes: tree_nodes as u32,
        }
    }

    /// Every shape a segment of this menu may be proven at: each profile at each menu size up
    /// to this one, without repeats, cheapest first.
    pub fn shapes(&self) -> Vec<Vec<usize>> {
        let mut shapes: Vec<Vec<usize>> = Vec::new();
        for s in MENU_LOG_CYCLES
            .into_iter()
            .filter(|&s| s <= self.log_cycles)
        {
            for profile in Profile::ALL {
                let shape = self.shape(profile, s);
                if !shapes.contains(&shape) {
                    shapes.push(shape);
                }
            }
        }
        shapes.sort_by_key(|s| self.cells(s));
        shapes
    }

    /// Main-trace cells of `shape` (Σ width · height): the cost the menu minimises.
    pub fn cells(&self, shape: &[usize]) -> usize {
        shape.iter().zip(&self.widths).map(|(&h, &w)| w << h).sum()
    }

    /// The cheapest menu shape that holds a segment of shape `natural`. Errors when none does
    /// (a segment the executor cut with [`Menu::budget`] always fits one).
    pub fn pick(&self, natural: &[usize]) -> Result<Vec<usize>, TraceError> {
        self.shapes()
            .into_iter()
            .find(|shape| {
                shape.len() == natural.len() && shape.iter().zip(natural).all(|(s, n)| s >= n)
            })
            .ok_or_else(|| {
                TraceError::Shape(format!(
                    "a segment of shape {natural:?} fits no shape of the menu for 2^{}-cycle \
                     segments",
                    self.log_cycles
                ))
            })
    }

    /// The executor's budget for this menu: every shape's limit, cheapest first.
    pub fn budget(&self) -> SegmentBudget {
        let mut class = vec![0; Opcode::ALL.len()];
        for op in Opcode::ALL {
            class[op as usize] = opcode_chip(op).unwrap_or(ChipKind::AluImm).index() as u8;
        }
        SegmentBudget {
            class,
            limits: self.shapes().iter().map(|s| Self::limit(s)).collect(),
            tree_depth: TREE_DEPTH,
        }
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;
    use crate::machine::ROM_LOG_HEIGHTS;

    #[test]
    fn every_shape_is_a_limit_its_tables_hold() {
        for rom in ROM_LOG_HEIGHTS {
            let machine = Machine::for_verifier(1 << rom);
            for s in MENU_LOG_CYCLES {
                let menu = Menu::new(&machine, 1 << s).unwrap();
                let shapes = menu.shapes();
                let budget = menu.budget();
                assert_eq!(budget.limits.len(), shapes.len());
                for (shape, limit) in shapes.iter().zip(&budget.limits) {
                    assert_eq!(shape[ChipKind::Program.index()], rom);
                    assert!(shape.iter().all(|&h| (MIN_LOG_HEIGHT..=22).contains(&h)));
                    let rows = |k: ChipKind| 1usize << shape[k.index()];
                    let (pages, nodes) = (limit.pages as usize, limit.tree_nodes as usize);
                    assert!(CHUNKS_PER_PAGE * pages <= rows(ChipKind::Page));
                    assert!(nodes <= rows(ChipKind::Merkle));
                    assert!(2 * CHUNKS_PER_PAGE * pages + 2 * nodes <= rows(ChipKind::Poseidon2));
                    // Room for the first steps (the executor's own check).
                    assert!(pages >= 5 && nodes >= 5 * TREE_DEPTH as usize, "{shape:?}");
                    for op in Opcode::ALL {
                        let kind = opcode_chip(op).unwrap_or(ChipKind::AluImm);
                        let c = budget.class[op as usize] as usize;
                        assert_eq!(limit.steps[c] as usize, rows(kind));
                    }
                }
                for shape in &shapes {
                    let mut distinct = shape.clone();
                    distinct.sort_unstable();
                    distinct.dedup();
                    assert!(
                        distinct.len() <= 5 + usize::from(rom > 16),
                        "{shape:?}: {} heights",
                        distinct.len()
                    );
                }
                // Cheapest first.
                let cells: Vec<usize> = shapes.iter().map(|s| menu.cells(s)).collect();
                assert!(cells.windows(2).all(|w| w[0] <= w[1]));
            }
        }
    }

    #[test]
    fn a_segment_gets_the_cheapest_shape_that_holds_it() {
        let machine = Machine::for_verifier(1 << 14);
        let menu = Menu::new(&machine, 1 << 20).unwrap();
        let loop_ = menu.shape(Profile::Loop, 20);
        assert_eq!(menu.pick(&loop_).unwrap(), loop_);
        // A small segment takes a small size's shape.
        let tiny = menu.shape(Profile::Loop, 12);
        assert_eq!(menu.pick(&tiny).unwrap(), tiny);
        // A loop with divisions: only the general shape holds it.
        let mut heavy = loop_.clone();
        heavy[ChipKind::DivRem.index()] = 16;
        heavy[ChipKind::AluImm.index()] = 18;
        assert_eq!(menu.pick(&heavy).unwrap(), menu.shape(Profile::General, 20));
        // More divisions than any shape holds.
        heavy[ChipKind::DivRem.index()] = 17;
        assert!(menu.pick(&heavy).is_err());
        assert!(Menu::new(&machine, 1 << 13).is_err());
        assert!(Menu::new(&machine, 3 << 12).is_err());
    }
}
