//! The std-demo guest (std, serde_json, `HashMap`, regex, rand) against the same report
//! computed natively, and proven end to end.

use std::sync::OnceLock;

use rand::Rng;
use std_demo_host::{Report, SAMPLE};
use vouch_sdk::{Input, Program, ProveOptions, Prover};

/// The guest, built once for all tests in this file.
fn program() -> &'static Program {
    static PROGRAM: OnceLock<Program> = OnceLock::new();
    PROGRAM.get_or_init(|| std_demo_host::program(true).expect("the std-demo guest builds"))
}

fn input(document: &str) -> Input {
    Input::new().write_bytes(document.as_bytes())
}

fn run(document: &str) -> Report {
    let result = program().execute(input(document)).unwrap();
    assert_eq!(result.exit_code, 0);
    eprintln!(
        "std-demo: {} byte document: {} cycles",
        document.len(),
        result.cycles
    );
    result.journal.decode().unwrap()
}

/// The report, computed natively without regex or randomness.
fn native(document: &str) -> Report {
    let value: serde_json::Value = serde_json::from_str(document).unwrap();
    let mut totals = std::collections::BTreeMap::<String, u64>::new();
    let mut rejected = Vec::new();
    let mut amounts = Vec::new();
    for order in value["orders"].as_array().unwrap() {
        let id = order["id"].as_str().unwrap();
        let amount = order["amount"].as_u64().unwrap();
        let b = id.as_bytes();
        let valid = b.len() == 7
            && b[..2].iter().all(u8::is_ascii_uppercase)
            && b[2] == b'-'
            && b[3..].iter().all(u8::is_ascii_digit);
        if !valid {
            rejected.push(id.to_string());
            continue;
        }
        *totals.entry(id[..2].to_string()).or_default() += amount;
        amounts.push(amount);
    }
    amounts.sort();
    let median = if amounts.is_empty() {
        0
    } else {
        amounts[(amounts.len() - 1) / 2]
    };
    Report {
        valid: amounts.len() as u32,
        rejected,
        totals: totals.into_iter().collect(),
        median,
    }
}

#[test]
fn sample_report() {
    let report = run(SAMPLE);
    assert_eq!(
        report,
        Report {
            valid: 5,
            rejected: vec!["eu-1003".into(), "US-20021".into()],
            totals: vec![("AS".into(), 75), ("EU".into(), 5450), ("US".into(), 940)],
            median: 640,
        }
    );
    assert_eq!(report, native(SAMPLE));
}

#[test]
fn matches_native_on_random_documents() {
    let mut rng = rand::rng();
    for orders in [0usize, 1, 2, 25, 200] {
        let list: Vec<serde_json::Value> = (0..orders)
            .map(|_| {
                let region = ["EU", "US", "AS", "eu", "E1"][rng.random_range(0..5)];
                let digits = if rng.random_bool(0.9) { 4 } else { 5 };
                let number: u32 = rng.random_range(0..10u32.pow(digits));
                serde_json::json!({
                    "id": format!("{region}-{number:0width$}", width = digits as usize),
                    "amount": rng.random_range(0..10_000u64),
                })
            })
            .collect();
        let document = serde_json::json!({ "orders": list }).to_string();
        assert_eq!(run(&document), native(&document), "{document}");
    }
}

#[test]
fn invalid_document_is_a_guest_panic() {
    let err = program().execute(input("{\"orders\": [")).unwrap_err();
    let msg = err.to_string();
    assert!(
        msg.contains("the input is not an order document") && msg.contains("src/main.rs:"),
        "unexpected error: {msg}"
    );
}

/// The journal does not depend on the random words the prover chose (they only steer the
/// quickselect and the HashMap's seed), so two runs agree; and the run proves and verifies.
#[test]
fn proves_and_verifies() {
    let first = program().execute(input(SAMPLE)).unwrap();
    let second = program().execute(input(SAMPLE)).unwrap();
    assert_eq!(first.journal.bytes, second.journal.bytes);

    // Without zero knowledge, for speed (`cargo run -p std-demo-host` proves with it).
    let prover = Prover::with_options(ProveOptions {
        zk: false,
        ..ProveOptions::default()
    });
    let receipt = prover.prove(program(), input(SAMPLE)).unwrap();
    receipt.verify(program().program_id().unwrap()).unwrap();
    let report: Report = vouch_sdk::journal(&receipt).decode().unwrap();
    assert_eq!(report, native(SAMPLE));
    assert_eq!(receipt.exit_code, 0);
}
