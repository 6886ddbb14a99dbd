//! The template program: the smallest program with a ROM of a given height, proven at any
//! menu shape to lay out that shape's lift circuit. A lift key depends on the segment's shape
//! alone (vouch-recursion `tests/shape_keys.rs`), so the template's key is every program's.

use vouch_executor::Program;
use vouch_machine::rom_height;
use vouch_prover::{Padding, ProveOptions, ProvingKey};
use vouch_testkit::Asm;
use vouch_verifier::SegmentOod;

use crate::SuccinctError;

/// An ELF that halts at once, its code padded with never-executed `nop`s to a ROM of
/// `2^rom_log` rows (a ROM height of `vouch_machine::ROM_LOG_HEIGHTS`).
pub fn template_elf(rom_log: usize) -> Vec<u8> {
    let mut p = Asm::new();
    p.halt(0);
    // Halfway between the quantised height below and this one.
    let words = if rom_log <= 14 {
        16
    } else {
        1 << (rom_log - 1)
    };
    for _ in p.words().len()..words {
        p.nop();
    }
    p.elf()
}

/// The proving key of the template for a ROM of `2^rom_log` rows.
pub fn template_key(rom_log: usize) -> Result<ProvingKey, SuccinctError> {
    let program = Program::from_elf(&template_elf(rom_log))
        .map_err(|e| SuccinctError::Keys(format!("the template program: {e}")))?;
    let pk = ProvingKey::new(&program)?;
    let rom = pk.machine().fixed_heights()[vouch_machine::ChipKind::Program.index()];
    if rom != Some(1 << rom_log) || rom_height(1 << rom_log) != 1 << rom_log {
        return Err(SuccinctError::Keys(format!(
            "no template ROM of 2^{rom_log} rows"
        )));
    }
    Ok(pk)
}

/// The template's one segment proven (without zero knowledge) at `shape`, whose first entry
/// is the ROM's log height, as a lift reads it.
pub fn template_segment(shape: &[usize]) -> Result<SegmentOod, SuccinctError> {
    let rom_log = *shape
        .first()
        .ok_or_else(|| SuccinctError::Keys("an empty shape".into()))?;
    let pk = template_key(rom_log)?;
    let opts = ProveOptions {
        zk: false,
        padding: Padding::To(shape.to_vec()),
        ..Default::default()
    };
    let receipt = pk.prove(&[], &opts, &|_| {})?.receipt;
    Ok(receipt.segment_ood(0)?)
}
