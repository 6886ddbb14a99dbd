//! The json guest against `serde_json` on the host.

use std::path::Path;
use std::sync::OnceLock;

use serde_json::Value;
use vouch_sdk::build::{build_guest, BuildOptions};
use vouch_sdk::{Input, Program};

/// The guest, built once for all tests in this file.
fn program() -> &'static Program {
    static PROGRAM: OnceLock<Program> = OnceLock::new();
    PROGRAM.get_or_init(|| {
        let root = Path::new(concat!(env!("CARGO_MANIFEST_DIR"), "/../../.."));
        let opts = BuildOptions {
            target_dir: Some(root.join("target/riscv-guests")),
            quiet: true,
            ..BuildOptions::default()
        };
        let elf = build_guest(
            Path::new(env!("CARGO_MANIFEST_DIR")).join("../guest"),
            &opts,
        )
        .expect("the json guest builds");
        Program::load(elf).expect("the json guest loads")
    })
}

fn run(document: &str, pointer: &str) -> Option<String> {
    let input = Input::new().write(&(document, pointer)).unwrap();
    let result = program().execute(input).unwrap();
    assert_eq!(result.exit_code, 0);
    eprintln!(
        "json: {} byte document, pointer {pointer:?}: {} cycles",
        document.len(),
        result.cycles
    );
    result.journal.decode().unwrap()
}

/// What the guest should commit, computed natively. Values are compared after parsing so
/// that the test does not depend on the host's serde_json map ordering features.
fn native(document: &str, pointer: &str) -> Option<Value> {
    let value: Value = serde_json::from_str(document).unwrap();
    value.pointer(pointer).cloned()
}

fn check(document: &str, pointer: &str) {
    let got = run(document, pointer).map(|s| serde_json::from_str::<Value>(&s).unwrap());
    assert_eq!(got, native(document, pointer), "{document} at {pointer:?}");
}

const DOCUMENT: &str = r#"{
    "name": "vouch",
    "version": [0, 1, 0],
    "isa": {"base": "RV32I", "extensions": ["M"], "xlen": 32},
    "a/b": {"m~n": true},
    "ratio": -12.5e-3,
    "nothing": null,
    "text": "tab\there \"quoted\" \u00e9\u4e2d"
}"#;

#[test]
fn known_value() {
    assert_eq!(
        run(r#"{"a": [1, 2, {"b": null}]}"#, "/a/2").as_deref(),
        Some(r#"{"b":null}"#)
    );
}

#[test]
fn pointers_match_native_serde_json() {
    for pointer in [
        "",
        "/name",
        "/version",
        "/version/2",
        "/isa",
        "/isa/extensions/0",
        "/a~1b/m~0n",
        "/ratio",
        "/nothing",
        "/text",
        "/missing",
        "/version/3",
        "/isa/base/0",
        "no-leading-slash",
    ] {
        check(DOCUMENT, pointer);
    }
}

#[test]
fn large_array() {
    let document = serde_json::to_string(&(0..2000).collect::<Vec<u32>>()).unwrap();
    check(&document, "/1999");
    check(&document, "/2000");
}

#[test]
fn invalid_document_is_a_guest_panic() {
    let input = Input::new().write(&("{\"a\": ", "/a")).unwrap();
    let err = program().execute(input).unwrap_err();
    assert!(
        err.to_string().contains("the document is not valid JSON"),
        "unexpected error: {err}"
    );
}
