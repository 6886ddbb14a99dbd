//! The public values of a segment proof: the statement it proves.
//!
//! Every proof is of one segment of an execution (a run that fits one segment is a receipt of
//! one segment): it goes from one root of the memory tree (registers and pc included) to the
//! next and either halts, with an exit code and journal digest, or does not. The verifier
//! builds the statement itself with [`SegmentStatement::new`] from the receipt's claims and
//! the chain of roots; trace generation builds it with the same constructor, so the two can
//! only agree on the rules below.

/// 1 if the segment ends with `HALT`, else 0.
pub const HALTED: usize = 0;
/// Exit code, as 4 little-endian bytes (0 unless halted).
pub const EXIT_CODE: usize = 1;
/// SHA-256 digest of the journal, as 32 bytes (0 unless halted).
pub const JOURNAL_DIGEST: usize = 5;
/// Root of the memory tree before the segment (8 field elements).
pub const ROOT_IN: usize = 37;
/// Root of the memory tree after the segment.
pub const ROOT_OUT: usize = 45;
/// Number of public values.
pub const NUM_PUBLIC_VALUES: usize = 53;

/// How a segment ends.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SegmentEnd {
    /// The execution continues in the next segment.
    Continues,
    /// The segment ends with `HALT`.
    Halted {
        exit_code: u32,
        journal_digest: [u8; 32],
    },
}

/// The statement of one segment, in integers.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct SegmentStatement {
    pub end: SegmentEnd,
    /// Memory-tree roots before and after (canonical field values).
    pub root_in: [u32; 8],
    pub root_out: [u32; 8],
}

impl SegmentStatement {
    /// The statement of a segment from `root_in` to `root_out` that ends as `end`.
    pub fn new(end: SegmentEnd, root_in: [u32; 8], root_out: [u32; 8]) -> Self {
        Self {
            end,
            root_in,
            root_out,
        }
    }

    /// Replace the exit code of a halting segment (no effect on one that continues).
    #[doc(hidden)]
    pub fn set_exit_code(&mut self, code: u32) {
        if let SegmentEnd::Halted { exit_code, .. } = &mut self.end {
            *exit_code = code;
        }
    }

    /// Whether the segment halts.
    pub fn halted(&self) -> bool {
        matches!(self.end, SegmentEnd::Halted { .. })
    }

    /// The public values, as field elements: exit code and digest are zero unless the segment
    /// halts.
    pub fn to_field_elements(&self) -> Vec<vouch_stark::Val> {
        use vouch_stark::field::PrimeCharacteristicRing;
        let mut v = vec![vouch_stark::Val::ZERO; NUM_PUBLIC_VALUES];
        let f = vouch_stark::Val::from_u32;
        let (exit_code, digest) = match self.end {
            SegmentEnd::Continues => (0, [0; 32]),
            SegmentEnd::Halted {
                exit_code,
                journal_digest,
            } => (exit_code, journal_digest),
        };
        v[HALTED] = f(u32::from(self.halted()));
        for (i, b) in exit_code.to_le_bytes().iter().enumerate() {
            v[EXIT_CODE + i] = f(u32::from(*b));
        }
        for (i, b) in digest.iter().enumerate() {
            v[JOURNAL_DIGEST + i] = f(u32::from(*b));
        }
        for i in 0..8 {
            v[ROOT_IN + i] = f(self.root_in[i]);
            v[ROOT_OUT + i] = f(self.root_out[i]);
        }
        v
    }
}
