//! How std guests fail: each failure reaches the host as an error that says what happened,
//! from `execute` and from proving alike (`crates/vouch-cli/tests/cli.rs` checks the same
//! through `vouch run` and `vouch prove`).

use std::sync::OnceLock;

use std_compat_host::input;
use vouch_sdk::{Error, ExecuteOptions, Program, ProveOptions, Prover};

/// The guest, built once for all tests in this file.
fn program() -> &'static Program {
    static PROGRAM: OnceLock<Program> = OnceLock::new();
    PROGRAM.get_or_init(|| std_compat_host::program().expect("the std-compat guest builds"))
}

fn prover() -> Prover {
    Prover::with_options(ProveOptions {
        zk: false,
        ..ProveOptions::default()
    })
}

/// The error of executing `check`.
fn execute_error(check: &str) -> String {
    match program().execute(input(&[check])) {
        Ok(result) => panic!("{check} ran to exit code {}", result.exit_code),
        Err(err) => err.to_string(),
    }
}

/// The error of proving `check`: it must be the one `execute` gives.
fn prove_error(check: &str) -> String {
    match prover().prove(program(), input(&[check])) {
        Ok(_) => panic!("{check} was proven"),
        Err(err) => err.to_string(),
    }
}

fn assert_contains(msg: &str, needles: &[&str]) {
    for needle in needles {
        assert!(msg.contains(needle), "{needle:?} is not in: {msg}");
    }
}

#[test]
fn unbounded_recursion_is_a_stack_overflow() {
    let msg = execute_error("fault-stack");
    assert_contains(
        &msg,
        &[
            "stack overflow",
            "8192 KiB stack",
            "fixed",
            "use less stack",
        ],
    );
    assert_eq!(prove_error("fault-stack"), msg);
}

#[test]
fn allocating_1_gib_exhausts_the_heap() {
    let msg = execute_error("fault-heap");
    assert_contains(
        &msg,
        &[
            "guest panicked: heap exhausted",
            "cannot allocate 1073741824 bytes",
            "the heap is 50",
            "reduce memory use",
        ],
    );
    assert_eq!(prove_error("fault-heap"), msg);
    // Running out a megabyte at a time says the same.
    assert_contains(
        &execute_error("fault-heap-slow"),
        &["heap exhausted", "cannot allocate 1048576 bytes"],
    );
}

#[test]
fn panics_report_message_and_location() {
    let source = std::fs::read_to_string(std_compat_host::guest_dir().join("src/main.rs")).unwrap();
    let line = |needle: &str| {
        source
            .lines()
            .position(|l| l.contains(needle))
            .expect("the panicking line")
            + 1
    };
    let msg = execute_error("fault-panic");
    assert_contains(
        &msg,
        &[
            "guest panicked: panicked at src/main.rs:",
            &format!("src/main.rs:{}:", line("\"panic\" => panic!")),
            "the check failed: 1 != 2",
        ],
    );
    assert_eq!(prove_error("fault-panic"), msg);
    assert_contains(
        &execute_error("fault-unwrap"),
        &[
            &format!("src/main.rs:{}:", line("parsed.unwrap()")),
            "called `Result::unwrap()` on an `Err` value",
        ],
    );
}

#[test]
fn exit_codes_are_proven() {
    let result = program().execute(input(&["fault-exit"])).unwrap();
    assert_eq!(result.exit_code, 7);
    let receipt = prover().prove(program(), input(&["fault-exit"])).unwrap();
    receipt.verify(program().program_id().unwrap()).unwrap();
    assert_eq!(receipt.exit_code, 7);
}

#[test]
fn process_exit_and_abort_are_clear_errors() {
    for check in ["fault-process-exit", "fault-abort"] {
        assert_contains(
            &execute_error(check),
            &[
                "illegal instruction",
                "`unimp`: the guest aborted",
                "vouch_guest::exit(code)",
            ],
        );
    }
}

#[test]
fn threads_and_clocks_are_clear_errors() {
    assert_contains(
        &execute_error("fault-thread"),
        &["failed to spawn thread", "Unsupported"],
    );
    let result = program().execute(input(&["fault-thread-builder"])).unwrap();
    let results: Vec<(String, String)> = result.journal.decode().unwrap();
    assert_eq!(results[0].1, "Unsupported");
    for check in ["fault-clock", "fault-system-time", "fault-chrono-now"] {
        assert_contains(
            &execute_error(check),
            &["time not implemented on this platform"],
        );
    }
}

#[test]
fn randomness_can_be_refused() {
    let refuse = ExecuteOptions {
        random: false,
        ..ExecuteOptions::default()
    };
    for check in ["fault-random", "fault-getrandom", "fault-hashmap"] {
        // With randomness (the default) these run.
        program().execute(input(&[check])).unwrap();
        let err = program()
            .execute_with(input(&[check]), &refuse)
            .unwrap_err();
        assert!(
            matches!(
                err,
                Error::Exec(vouch_sdk::ExecError::RandomDisabled { .. })
            ),
            "{err}"
        );
        assert_contains(&err.to_string(), &["asked for randomness", "--no-random"]);
    }
    let proven = prover()
        .with_random(false)
        .prove(program(), input(&["fault-getrandom"]));
    match proven {
        Ok(_) => panic!("a guest that asks for randomness was proven with randomness refused"),
        Err(err) => assert_contains(&err.to_string(), &["asked for randomness"]),
    }
}

#[test]
fn file_descriptor_3_is_the_journal() {
    let result = program().execute(input(&["fault-journal-fd"])).unwrap();
    assert!(result.journal.bytes.starts_with(b"via fd 3"));
}
