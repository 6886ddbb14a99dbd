//! A segment's *shape* (every table's log2 height) and padding its traces to a larger one.
//!
//! A recursion circuit that verifies segment proofs is specialised to their shape (the heights
//! enter the transcript, the domains, the FRI schedule and the Merkle leaves), so a finite set
//! of recursion keys needs a finite set of shapes: the prover pads every table up to a shape
//! chosen from a menu ([`super::menu`]). Padding appends each table's padding row, the
//! row its own trace generation pads with (zero for every chip but the Poseidon2 table, whose
//! padding row is the permutation of zero with multiplicity 0): a padding row satisfies the
//! chip's constraints, has no bus interaction, and the same transition from the last real row
//! into padding happens in a table that was not padded. Tables whose height the program or the
//! machine fixes (the ROM, the range and byte tables, the blind sink) cannot be padded.

use vouch_stark::field::PrimeCharacteristicRing;
use vouch_stark::matrix::RowMajorMatrix;
use vouch_stark::Val;

use super::{SegmentTraces, TraceError};
use crate::chips::blind::BLIND_WIDTH;
use crate::chips::poseidon2::TABLE_16;
use crate::machine::{ChipKind, Machine};

/// log2 of a matrix's height.
fn log_height(trace: &RowMajorMatrix<Val>) -> usize {
    let height = trace.values.len() / trace.width.max(1);
    height.trailing_zeros() as usize
}

/// The padding row of `kind`'s table, blinding columns included (zero outside row 0).
fn padding_row(kind: ChipKind, width: usize) -> Vec<Val> {
    let mut row = vec![Val::ZERO; width];
    if kind == ChipKind::Poseidon2 {
        TABLE_16.populate(&mut row[..width - BLIND_WIDTH], [Val::ZERO; 16], Val::ZERO);
    }
    row
}

impl SegmentTraces {
    /// The segment's shape: every table's log2 height, in `ChipKind::ALL` order.
    pub fn log_heights(&self) -> Vec<usize> {
        self.traces.iter().map(log_height).collect()
    }

    /// Pad every table to `log_heights` (in `ChipKind::ALL` order). Errors when a table is
    /// taller than its target, or a table of fixed height would change.
    pub fn pad_to(&mut self, machine: &Machine, log_heights: &[usize]) -> Result<(), TraceError> {
        if log_heights.len() != self.traces.len() {
            return Err(TraceError::Shape(format!(
                "a shape of {} tables for a machine of {}",
                log_heights.len(),
                self.traces.len()
            )));
        }
        let fixed = machine.fixed_heights();
        for (i, (trace, &target)) in self.traces.iter_mut().zip(log_heights).enumerate() {
            let kind = ChipKind::ALL[i];
            let have = log_height(trace);
            if have == target {
                continue;
            }
            if have > target {
                return Err(TraceError::Shape(format!(
                    "the {} table has 2^{have} rows, more than the shape's 2^{target}",
                    kind.name()
                )));
            }
            if fixed.get(i).copied().flatten().is_some() {
                return Err(TraceError::Shape(format!(
                    "the {} table's height is fixed at 2^{have}",
                    kind.name()
                )));
            }
            let width = trace.width;
            let row = padding_row(kind, width);
            let height = 1usize << target;
            trace.values.reserve(height * width - trace.values.len());
            while trace.values.len() < height * width {
                trace.values.extend_from_slice(&row);
            }
        }
        Ok(())
    }
}
