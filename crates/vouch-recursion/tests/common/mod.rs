//! The program the recursion tests prove, and its receipts.

use vouch_executor::Program;
use vouch_prover::{ProveOptions, ProvingKey, Receipt};
use vouch_testkit::reg::*;
use vouch_testkit::Asm;

/// A program that exercises several chips (ALU, MUL, DIV, loads, stores, a branch loop, a
/// COMMIT) and halts with exit code 3.
pub fn program() -> Vec<u8> {
    program_with_exit(3)
}

/// [`program`] halting with `exit_code`.
#[allow(dead_code)]
pub fn program_with_exit(exit_code: u32) -> Vec<u8> {
    let mut p = Asm::new();
    let data = p.alloc_zeroed(64);
    p.li(T0, data).li(T1, 7).li(T2, 0);
    let top = p.label_here();
    p.mul(T3, T1, T1)
        .add(T2, T2, T3)
        .sw(T2, 0, T0)
        .lw(T4, 0, T0)
        .divu(T5, T4, T1)
        .addi(T1, T1, -1);
    p.bne(T1, ZERO, top);
    p.commit(b"sums");
    p.halt_with_journal(exit_code, b"sums");
    p.elf()
}

#[allow(dead_code)]
pub fn receipt(zk: bool, segment_cycles: u32) -> Receipt {
    let pk = ProvingKey::new(&Program::from_elf(&program()).unwrap()).unwrap();
    let opts = ProveOptions {
        zk,
        segment_cycles,
        ..Default::default()
    };
    let r = pk.prove(&[], &opts, &|_| {}).unwrap().receipt;
    r.verify(pk.program_id()).unwrap();
    r
}
