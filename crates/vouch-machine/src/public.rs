//! The public values of a segment proof: the statement it proves.
//!
//! The verifier computes these itself from the receipt's claims and the verifying key; a
//! proof only verifies against the values its constraints were satisfied with.

/// pc of the segment's first instruction.
pub const START_PC: usize = 0;
/// pc of the instruction after the segment (0 when the segment halts).
pub const END_PC: usize = 1;
/// Clock of the state after the segment's last instruction (0 when the segment halts).
pub const END_CLK: usize = 2;
/// 1 if the segment ends with `HALT`, else 0.
pub const HALTED: usize = 3;
/// 1 if this is the execution's first segment (memory starts from the program image).
pub const FIRST_SEGMENT: usize = 4;
/// Exit code, as 4 little-endian bytes (0 unless halted).
pub const EXIT_CODE: usize = 5;
/// SHA-256 digest of the journal, as 32 bytes (0 unless halted).
pub const JOURNAL_DIGEST: usize = 9;
/// 1 for a continuation segment: the state comes from and goes to the memory tree (`ROOT_IN`,
/// `ROOT_OUT`), pc included; `START_PC`, `END_PC`, `END_CLK` and `FIRST_SEGMENT` are then 0.
/// 0 for a whole execution in one proof (the state starts from the image; no roots).
pub const PAGED: usize = 41;
/// Root of the memory tree before the segment (8 field elements).
pub const ROOT_IN: usize = 42;
/// Root of the memory tree after the segment.
pub const ROOT_OUT: usize = 50;
/// Number of public values.
pub const NUM_PUBLIC_VALUES: usize = 58;

/// The statement of one segment, in integers.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct SegmentStatement {
    pub start_pc: u32,
    pub end_pc: u32,
    pub end_clk: u32,
    pub halted: bool,
    pub first_segment: bool,
    pub exit_code: u32,
    pub journal_digest: [u8; 32],
    /// Continuation segment: the state goes through the memory tree.
    pub paged: bool,
    /// Memory-tree roots before and after (canonical field values; zero unless `paged`).
    pub root_in: [u32; 8],
    pub root_out: [u32; 8],
}

impl SegmentStatement {
    /// The public values, as field elements.
    pub fn to_field_elements(&self) -> Vec<vouch_stark::Val> {
        use vouch_stark::field::PrimeCharacteristicRing;
        let mut v = vec![vouch_stark::Val::ZERO; NUM_PUBLIC_VALUES];
        let f = vouch_stark::Val::from_u32;
        v[START_PC] = f(self.start_pc);
        v[END_PC] = f(self.end_pc);
        v[END_CLK] = f(self.end_clk);
        v[HALTED] = f(u32::from(self.halted));
        v[FIRST_SEGMENT] = f(u32::from(self.first_segment));
        for (i, b) in self.exit_code.to_le_bytes().iter().enumerate() {
            v[EXIT_CODE + i] = f(u32::from(*b));
        }
        for (i, b) in self.journal_digest.iter().enumerate() {
            v[JOURNAL_DIGEST + i] = f(u32::from(*b));
        }
        v[PAGED] = f(u32::from(self.paged));
        for i in 0..8 {
            v[ROOT_IN + i] = f(self.root_in[i]);
            v[ROOT_OUT + i] = f(self.root_out[i]);
        }
        v
    }
}
