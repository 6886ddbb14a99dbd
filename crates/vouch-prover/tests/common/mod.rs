//! Shared helpers of the prover's soundness tests.
#![allow(dead_code)]

use core::borrow::BorrowMut;

use vouch_executor::Program;
use vouch_machine::ChipKind;
use vouch_prover::{ProveOptions, ProvingKey, Receipt, Tampering, VerifyError};
use vouch_stark::matrix::RowMajorMatrix;
use vouch_stark::Val;

/// A proving key for an ELF.
pub fn key(elf: &[u8]) -> ProvingKey {
    ProvingKey::new(&Program::from_elf(elf).expect("test ELF loads")).expect("key generation")
}

/// Prove honestly (without zero knowledge, for speed) and return the receipt.
pub fn prove(pk: &ProvingKey, input: &[u8]) -> Receipt {
    let opts = ProveOptions { zk: false, ..Default::default() };
    pk.prove(input, &opts, &|_| {}).expect("honest proof").receipt
}

/// Prove after `tamper` (with lookup multiplicities recomputed) and verify: the result.
pub fn verify_tampered(
    pk: &ProvingKey,
    input: &[u8],
    tamper: &dyn Fn(&mut Tampering<'_>),
) -> Result<(), VerifyError> {
    let opts = ProveOptions { zk: false, ..Default::default() };
    let proven = pk
        .prove_tampered(input, &opts, true, tamper)
        .expect("the prover produces a proof of the tampered trace");
    proven.receipt.verify(pk.program_id())
}

/// Assert that a tampered proof is rejected.
pub fn assert_rejected(pk: &ProvingKey, input: &[u8], what: &str, tamper: &dyn Fn(&mut Tampering<'_>)) {
    match verify_tampered(pk, input, tamper) {
        Err(VerifyError::InvalidProof(_)) => {}
        Err(e) => panic!("{what}: rejected, but for an unexpected reason: {e}"),
        Ok(()) => panic!("{what}: a tampered proof verified"),
    }
}

/// The trace of `kind`.
pub fn trace<'a>(t: &'a mut Tampering<'_>, kind: ChipKind) -> &'a mut RowMajorMatrix<Val> {
    &mut t.traces[kind.index()]
}

/// Row `row` of `trace`, typed.
pub fn row_mut<C>(trace: &mut RowMajorMatrix<Val>, row: usize) -> &mut C
where
    [Val]: BorrowMut<C>,
{
    let width = trace.width;
    trace.values[row * width..(row + 1) * width].borrow_mut()
}

/// Index of the first row of `trace` whose typed view satisfies `pred`.
pub fn find_row<C>(trace: &mut RowMajorMatrix<Val>, pred: impl Fn(&C) -> bool) -> usize
where
    [Val]: BorrowMut<C>,
{
    let width = trace.width;
    trace
        .values
        .chunks_exact_mut(width)
        .position(|r| pred(r.borrow_mut()))
        .expect("a row matches")
}

/// A field element.
pub fn f(x: u32) -> Val {
    use vouch_stark::field::PrimeCharacteristicRing;
    Val::from_u32(x)
}

/// Put `value` in `rd` using only ADDI/ADD (no LUI), so tests of one chip do not depend on
/// the LUI/AUIPC chip: `value` is built bit by bit, most significant first.
pub fn li_alu(p: &mut vouch_testkit::Asm, rd: u8, value: u32) {
    p.addi(rd, 0, 0);
    for bit in (0..32).rev() {
        p.add(rd, rd, rd);
        if value >> bit & 1 == 1 {
            p.addi(rd, rd, 1);
        }
    }
}

/// HALT with `exit_code` and the empty journal's digest, using only ADDI/ADD to build the
/// pointer. The digest is placed in the program's data area.
pub fn halt_alu(p: &mut vouch_testkit::Asm, exit_code: u32) {
    use vouch_testkit::reg::{A0, A1, A7, ZERO};
    let digest = p.alloc_data(&vouch_testkit::empty_journal_digest());
    li_alu(p, A1, digest);
    li_alu(p, A0, exit_code);
    p.addi(A7, ZERO, 0).ecall();
}
