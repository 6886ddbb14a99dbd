//! Puts vouch's linker script on the link search path of every guest that depends on this
//! crate, so that `-C link-arg=-Tvouch.ld` finds it by name.

use std::path::PathBuf;

/// The linker script, kept as `vouch.ld` beside this file.
const LINKER_SCRIPT: &str = include_str!("vouch.ld");

fn main() {
    let out_dir = PathBuf::from(std::env::var_os("OUT_DIR").expect("cargo sets OUT_DIR"));
    let script = out_dir.join("vouch.ld");
    if let Err(e) = std::fs::write(&script, LINKER_SCRIPT) {
        panic!("cannot write {}: {e}", script.display());
    }
    // Search paths from a dependency's build script reach the final link of dependents.
    println!("cargo:rustc-link-search=native={}", out_dir.display());
    println!("cargo:rerun-if-changed=vouch.ld");
    println!("cargo:rerun-if-changed=build.rs");
}
