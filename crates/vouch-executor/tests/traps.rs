//! Every way an execution stops early, each with its specific error and location, and the
//! syscalls' observable behaviour.

mod common;

use common::{only_segment, recording, run_err, run_ok, run_with};
use vouch_abi::memory::{GUEST_MAX_ADDR, GUEST_MIN_ADDR, HEAP_END, STACK_BOTTOM, STACK_SIZE};
use vouch_abi::syscall;
use vouch_executor::{AccessKind, ExecError, ExecOptions};
use vouch_testkit::reg::*;
use vouch_testkit::{journal_digest, raw, Asm};

use vouch_executor::ExecError::*;

// ---------------------------------------------------------------- illegal instructions

#[test]
fn illegal_words_stop_at_their_pc() {
    for word in [
        raw::EBREAK,
        raw::UNIMP,
        raw::csrr(A0, 0x300),
        raw::MRET,
        raw::WFI,
        raw::FENCE_I,
        raw::ZERO,
        raw::ONES,
        raw::C_LI,
        raw::C_NOP_PAIR,
    ] {
        let mut p = Asm::new();
        p.li(T0, 1).nop();
        let pc = p.pc();
        p.word(word).halt(0);
        assert_eq!(
            run_err(&p),
            IllegalInstruction { pc, word },
            "word 0x{word:08x}"
        );
    }
}

// ---------------------------------------------------------------- data accesses

#[test]
fn misaligned_loads_and_stores_name_pc_and_address() {
    let mut cases = 0;
    for (width, offsets) in [(2u32, &[1u32, 3][..]), (4, &[1, 2, 3])] {
        for &off in offsets {
            for store in [false, true] {
                let mut p = Asm::new();
                let d = p.alloc_zeroed(8);
                p.li(T0, d);
                let pc = p.pc();
                match (width, store) {
                    (2, false) => p.lh(T1, off as i32, T0),
                    (2, true) => p.sh(T1, off as i32, T0),
                    (_, false) => p.lw(T1, off as i32, T0),
                    (_, true) => p.sw(T1, off as i32, T0),
                };
                p.halt(0);
                let e = run_err(&p);
                let kind = if store {
                    AccessKind::Store
                } else {
                    AccessKind::Load
                };
                assert_eq!(
                    e,
                    MisalignedAccess {
                        pc,
                        addr: d + off,
                        width,
                        kind
                    }
                );
                cases += 1;
            }
        }
    }
    assert_eq!(cases, 10);
    // lhu and unsigned loads too.
    let mut p = Asm::new();
    p.li(T0, 0x0100_0001);
    let pc = p.pc();
    p.lhu(T1, 0, T0).halt(0);
    assert!(
        matches!(run_err(&p), MisalignedAccess { pc: at, addr: 0x0100_0001, width: 2, .. } if at == pc)
    );
}

/// The error of a word load (or store) at `addr`.
fn access_error(addr: u32, store: bool) -> (u32, ExecError) {
    let mut p = Asm::new();
    p.li(T0, addr);
    let pc = p.pc();
    if store {
        p.sw(T1, 0, T0);
    } else {
        p.lw(T1, 0, T0);
    }
    p.halt(0);
    (pc, run_err(&p))
}

#[test]
fn accesses_outside_guest_memory_are_out_of_bounds() {
    for addr in [
        0,
        4,
        GUEST_MIN_ADDR - 4,
        GUEST_MAX_ADDR,
        GUEST_MAX_ADDR + 4,
        0x8000_0000,
        0xffff_fffc,
    ] {
        for store in [false, true] {
            let (pc, e) = access_error(addr, store);
            let kind = if store {
                AccessKind::Store
            } else {
                AccessKind::Load
            };
            assert_eq!(e, OutOfBounds { pc, addr, kind }, "0x{addr:08x}");
        }
    }
}

#[test]
fn the_guard_between_heap_and_stack_is_a_stack_overflow() {
    for addr in [HEAP_END, HEAP_END + 0x100, STACK_BOTTOM - 4] {
        for store in [false, true] {
            let (pc, e) = access_error(addr, store);
            assert_eq!(
                e,
                StackOverflow {
                    pc,
                    addr,
                    stack_kib: STACK_SIZE / 1024
                },
                "0x{addr:08x}"
            );
        }
    }
    // A realistic overflow: sp walking down past the stack.
    let mut p = Asm::new();
    p.li(T0, STACK_SIZE).sub(SP, SP, T0);
    let pc = p.pc();
    p.sw(ZERO, -4, SP).halt(0);
    assert_eq!(
        run_err(&p),
        StackOverflow {
            pc,
            addr: STACK_BOTTOM - 4,
            stack_kib: STACK_SIZE / 1024
        }
    );
}

// ---------------------------------------------------------------- control flow

#[test]
fn misaligned_jump_targets_are_reported() {
    // jalr to an address that is 2 mod 4 (bit 0 is cleared, bit 1 is not).
    for offset in [2, 3] {
        let mut p = Asm::new();
        let target = p.new_label();
        p.la(T0, target, 0);
        let pc = p.pc();
        p.jalr(RA, offset, T0).bind(target).halt(0);
        let t = p.addr_of(target).unwrap();
        assert_eq!(
            run_err(&p),
            MisalignedPc { pc, target: t + 2 },
            "jalr offset {offset}"
        );
    }
    // jal and a taken branch by 6 bytes.
    let mut p = Asm::new();
    let pc = p.pc();
    p.jal_offset(RA, 6).nop().nop().halt(0);
    assert_eq!(run_err(&p), MisalignedPc { pc, target: pc + 6 });
    let mut p = Asm::new();
    p.li(T0, 1);
    let pc = p.pc();
    p.branch_offset(vouch_isa::Opcode::Bne, T0, ZERO, -2)
        .halt(0);
    assert_eq!(run_err(&p), MisalignedPc { pc, target: pc - 2 });
}

#[test]
fn a_branch_not_taken_to_a_misaligned_target_does_not_trap() {
    let mut p = Asm::new();
    p.branch_offset(vouch_isa::Opcode::Bne, ZERO, ZERO, 6);
    p.halt(3);
    assert_eq!(run_ok(&p).exit_code, 3);
}

#[test]
fn fetches_outside_code_stop_with_pc_out_of_code() {
    // Jumps to data, below the code, above guest memory; and falling off the end.
    for target in [
        0x0100_0000,
        GUEST_MIN_ADDR - 4,
        0,
        GUEST_MAX_ADDR,
        0xffff_fffc,
    ] {
        let mut p = Asm::new();
        p.alloc_zeroed(16);
        p.li(T0, target).jalr(ZERO, 0, T0).halt(0);
        assert_eq!(run_err(&p), PcOutOfCode { pc: target }, "0x{target:08x}");
    }
    let mut p = Asm::new();
    p.nop().nop();
    let end = p.pc();
    assert_eq!(run_err(&p), PcOutOfCode { pc: end });
}

#[test]
fn an_infinite_loop_hits_the_cycle_limit() {
    let mut p = Asm::new();
    let top = p.label_here();
    p.addi(T0, T0, 1).j(top);
    for record in [false, true] {
        let opts = ExecOptions {
            cycle_limit: 1000,
            record,
            segment_cycles: 64,
            ..ExecOptions::default()
        };
        assert_eq!(
            run_with(&p, Vec::new(), opts).unwrap_err(),
            CycleLimit { limit: 1000 }
        );
    }
    // A program that needs exactly the limit halts.
    let mut p = Asm::new();
    p.nop().halt(0);
    let cycles = run_ok(&p).cycles;
    let opts = |cycle_limit| ExecOptions {
        cycle_limit,
        ..ExecOptions::default()
    };
    assert!(run_with(&p, Vec::new(), opts(cycles)).is_ok());
    assert_eq!(
        run_with(&p, Vec::new(), opts(cycles - 1)).unwrap_err(),
        CycleLimit { limit: cycles - 1 }
    );
}

// ---------------------------------------------------------------- syscalls

#[test]
fn unknown_syscalls_name_number_and_pc() {
    for number in [8, 99, 93, u32::MAX] {
        let mut p = Asm::new();
        p.li(A7, number);
        let pc = p.pc();
        p.ecall().halt(0);
        assert_eq!(run_err(&p), UnknownSyscall { pc, number });
    }
}

#[test]
fn panic_reports_the_guest_message() {
    let msg = "panicked at src/main.rs:3:5:\nattempt to divide by zero";
    let mut p = Asm::new();
    p.panic(msg).halt(0);
    assert_eq!(
        run_err(&p),
        GuestPanic {
            message: msg.to_string()
        }
    );
}

#[test]
fn halt_checks_the_journal_digest() {
    // Digest of nothing, but something was committed.
    let mut p = Asm::new();
    p.commit(b"hello").halt(0);
    assert_eq!(run_err(&p), JournalDigestMismatch);
    // A zero digest for an empty journal.
    let mut p = Asm::new();
    let zeros = p.alloc_zeroed(32);
    p.halt_with_digest_at(0, zeros);
    assert_eq!(run_err(&p), JournalDigestMismatch);
    // The right digest of two commits.
    let mut p = Asm::new();
    p.commit(b"hello, ")
        .commit(b"world")
        .halt_with_journal(7, b"hello, world");
    let exec = run_ok(&p);
    assert_eq!(exec.journal, b"hello, world");
    assert_eq!(exec.journal_digest, journal_digest(b"hello, world"));
    assert_eq!(exec.exit_code, 7);
}

#[test]
fn halt_records_exit_code_and_digest_words() {
    let mut p = Asm::new();
    p.halt(0xdead_beef);
    let exec = run_ok(&p);
    assert_eq!(exec.exit_code, 0xdead_beef);
    let seg = only_segment(&exec);
    let halt = seg.halt.expect("halt event");
    assert_eq!(halt.exit_code, 0xdead_beef);
    assert_eq!(halt.clk as usize, seg.steps.len(), "HALT is the last step");
    let digest: Vec<u8> = halt.digest.iter().flat_map(|w| w.to_le_bytes()).collect();
    assert_eq!(digest, vouch_testkit::empty_journal_digest());
    assert_eq!(
        seg.end_pc,
        seg.steps.last().unwrap().pc,
        "end_pc is the HALT's pc"
    );
}

#[test]
fn halt_with_a_bad_digest_pointer_fails() {
    let halt_at = |ptr: u32| {
        let mut p = Asm::new();
        p.li(A1, ptr).li(A7, syscall::HALT);
        let pc = p.pc();
        p.ecall();
        (pc, run_err(&p))
    };
    let (pc, e) = halt_at(0x0100_0002);
    assert!(
        matches!(&e, BadSyscall { pc: at, syscall: "HALT", reason } if *at == pc && reason.contains("word-aligned")),
        "{e:?}"
    );
    let load = AccessKind::Load;
    let (pc, e) = halt_at(0);
    assert_eq!(
        e,
        OutOfBounds {
            pc,
            addr: 0,
            kind: load
        }
    );
    // The digest's last word lies past the end of memory, or in the stack guard.
    let (pc, e) = halt_at(GUEST_MAX_ADDR - 16);
    assert_eq!(
        e,
        OutOfBounds {
            pc,
            addr: GUEST_MAX_ADDR,
            kind: load
        }
    );
    let (pc, e) = halt_at(HEAP_END - 16);
    assert_eq!(
        e,
        StackOverflow {
            pc,
            addr: HEAP_END,
            stack_kib: STACK_SIZE / 1024
        }
    );
}

#[test]
fn input_syscalls_read_words_and_count_what_is_left() {
    let mut p = Asm::new();
    p.syscall(syscall::INPUT_REMAINING).mv(S2, A0);
    p.syscall(syscall::READ_WORD).mv(S3, A0);
    p.syscall(syscall::INPUT_REMAINING).mv(S4, A0);
    p.syscall(syscall::READ_WORD).mv(S5, A0); // 2 bytes left: zero-padded
    p.syscall(syscall::READ_WORD).mv(S6, A0); // past the end: zero
    p.syscall(syscall::INPUT_REMAINING).mv(S7, A0);
    p.halt(0);
    let input = vec![1, 2, 3, 4, 5, 6];
    let exec = run_with(&p, input, recording()).unwrap();
    let r = only_segment(&exec).regs_final.clone();
    assert_eq!(r[18..24], [6, 0x0403_0201, 2, 0x0605, 0, 0]);
}

#[test]
fn write_goes_to_stdout_and_stderr() {
    let mut p = Asm::new();
    let out = p.alloc_data(b"to stdout");
    let err = p.alloc_data(b"to stderr");
    p.write(syscall::FD_STDOUT, out, 9)
        .write(syscall::FD_STDERR, err, 9)
        .write(syscall::FD_STDOUT, out, 0)
        .halt(0);
    let exec = run_ok(&p);
    assert_eq!(exec.stdout, b"to stdout");
    assert_eq!(exec.stderr, b"to stderr");
    assert!(exec.journal.is_empty(), "WRITE does not commit");

    let mut p = Asm::new();
    p.li(A0, 3).li(A1, out).li(A2, 1).li(A7, syscall::WRITE);
    let pc = p.pc();
    p.ecall().halt(0);
    assert!(matches!(run_err(&p), BadSyscall { pc: at, syscall: "WRITE", .. } if at == pc));
}

#[test]
fn buffers_outside_guest_memory_are_bad_syscalls() {
    for (number, name) in [(syscall::COMMIT, "COMMIT"), (syscall::WRITE, "WRITE")] {
        let mut p = Asm::new();
        // COMMIT takes (a0 ptr, a1 len); WRITE takes (a0 fd, a1 ptr, a2 len).
        if number == syscall::COMMIT {
            p.li(A0, 0xffff_fff0).li(A1, 32);
        } else {
            p.li(A0, 1).li(A1, 0x100).li(A2, 4);
        }
        p.li(A7, number);
        let pc = p.pc();
        p.ecall().halt(0);
        assert!(
            matches!(run_err(&p), BadSyscall { pc: at, syscall, .. } if at == pc && syscall == name),
            "{name}"
        );
    }
}

#[test]
fn cycle_count_is_the_number_of_cycles_before_the_ecall() {
    let mut p = Asm::new();
    p.nop().nop().nop();
    p.li(A7, syscall::CYCLE_COUNT).ecall(); // cycle 4 is the li, the ecall sees 4
    p.halt(0);
    let exec = run_ok(&p);
    assert_eq!(
        only_segment(&exec).regs_final[10],
        0,
        "a0 overwritten by HALT's li"
    );
    let step = only_segment(&exec).steps[4];
    assert_eq!(step.rd_val, 4, "the ECALL writes the cycle count to a0");
}

#[test]
fn random_word_is_returned_in_a0() {
    // The value is the host's choice; check only that it is recorded as the ECALL's result.
    let mut p = Asm::new();
    p.syscall(syscall::RANDOM_WORD).mv(S2, A0).halt(0);
    let exec = run_ok(&p);
    let seg = only_segment(&exec);
    assert_eq!(seg.regs_final[18], seg.steps[1].rd_val);
}
