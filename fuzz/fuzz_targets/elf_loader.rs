//! `Program::from_elf` on arbitrary bytes must return a typed error or a program, never panic
//! or allocate without bound; a program that loads must run (briefly) without panicking.
#![no_main]

use libfuzzer_sys::fuzz_target;
use vouch_executor::{ExecOptions, Executor, Program};

fuzz_target!(|data: &[u8]| {
    let Ok(program) = Program::from_elf(data) else {
        return;
    };
    for record in [false, true] {
        let opts = ExecOptions {
            cycle_limit: 1_000,
            record,
            segment_cycles: 64,
            ..ExecOptions::default()
        };
        let _ = Executor::new(&program, Vec::new(), opts).run();
    }
});
