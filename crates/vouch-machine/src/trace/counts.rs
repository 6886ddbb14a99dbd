//! Counting lookups into the shared tables while traces are filled.

use vouch_stark::field::PrimeCharacteristicRing;
use vouch_stark::matrix::RowMajorMatrix;
use vouch_stark::Val;

use crate::chips::{bytes, range};
use crate::machine::{rom_height, ProgramTables};

/// How many times each entry of the ROM, range and byte tables was looked up.
#[derive(Clone, Debug)]
pub struct LookupCounts {
    rom_base: u32,
    program: Vec<u32>,
    range16: Vec<u32>,
    /// `bytes[op * 2^16 + x + 256 y]`.
    bytes: Vec<u32>,
}

impl LookupCounts {
    /// Zero counts for a ROM starting at `rom_base` with `rom_len` rows.
    pub fn new(rom_base: u32, rom_len: usize) -> Self {
        Self {
            rom_base,
            program: vec![0; rom_len],
            range16: vec![0; range::HEIGHT],
            bytes: vec![0; 4 * bytes::HEIGHT],
        }
    }

    /// One lookup of the instruction at `pc`.
    #[inline]
    pub fn program(&mut self, pc: u32) {
        let idx = (pc.wrapping_sub(self.rom_base) / 4) as usize;
        self.program[idx] += 1;
    }

    /// One range check of `x < 2^16`.
    #[inline]
    pub fn range16(&mut self, x: u32) {
        self.range16[x as usize] += 1;
    }

    /// One `bytes` lookup of `(op, x, y, _)`.
    #[inline]
    pub fn byte_op(&mut self, op: u32, x: u32, y: u32) {
        debug_assert!(op < 4 && x < 256 && y < 256, "byte lookup ({op}, {x}, {y})");
        self.bytes[(op as usize) << 16 | (x as usize) | (y as usize) << 8] += 1;
    }

    /// One check that `x` and `y` are bytes.
    #[inline]
    pub fn byte_pair(&mut self, x: u32, y: u32) {
        self.byte_op(crate::bus::BYTE_RANGE, x, y);
    }

    /// Byte checks of `bytes`, two per lookup, as `bus::bytes_checked` makes them.
    pub fn bytes_checked(&mut self, bytes: &[u32]) {
        for pair in bytes.chunks(2) {
            self.byte_pair(pair[0], pair.get(1).copied().unwrap_or(0));
        }
    }

    /// Add `other`'s counts.
    pub fn merge(&mut self, other: &LookupCounts) {
        fn add(a: &mut [u32], b: &[u32]) {
            a.iter_mut().zip(b).for_each(|(x, y)| *x += y);
        }
        add(&mut self.program, &other.program);
        add(&mut self.range16, &other.range16);
        add(&mut self.bytes, &other.bytes);
    }

    /// The ROM chip's multiplicity column.
    pub fn program_trace(&self, tables: &ProgramTables) -> RowMajorMatrix<Val> {
        let mut col: Vec<Val> = self.program.iter().map(|&n| Val::from_u32(n)).collect();
        col.resize(rom_height(tables.rom.len()), Val::ZERO);
        RowMajorMatrix::new(col, 1)
    }

    /// The range chip's multiplicity column.
    pub fn range16_trace(&self) -> RowMajorMatrix<Val> {
        RowMajorMatrix::new(self.range16.iter().map(|&n| Val::from_u32(n)).collect(), 1)
    }

    /// The byte chip's four multiplicity columns.
    pub fn bytes_trace(&self) -> RowMajorMatrix<Val> {
        let mut values = Vec::with_capacity(4 * bytes::HEIGHT);
        for i in 0..bytes::HEIGHT {
            for op in 0..4 {
                values.push(Val::from_u32(self.bytes[op << 16 | i]));
            }
        }
        RowMajorMatrix::new(values, 4)
    }
}
