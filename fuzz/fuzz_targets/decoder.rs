//! `vouch_isa::decode` on every word: no panic, and a decoded instruction is well formed and
//! displays.
#![no_main]

use libfuzzer_sys::fuzz_target;
use vouch_isa::{decode, DecodeError};

fuzz_target!(|data: [u8; 4]| {
    let word = u32::from_le_bytes(data);
    match decode(word) {
        Ok(insn) => {
            assert!(insn.rd < 32 && insn.rs1 < 32 && insn.rs2 < 32, "{insn:?}");
            assert_eq!(word & 3, 3, "compressed word 0x{word:08x} decoded");
            let text = insn.to_string();
            assert!(text.starts_with(insn.opcode.mnemonic()), "{text}");
        }
        Err(DecodeError::Illegal(w)) => {
            assert_eq!(w, word);
            let _ = DecodeError::Illegal(w).to_string();
        }
    }
});
