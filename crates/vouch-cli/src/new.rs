//! `vouch new`: a host + guest project from a template.

use std::path::{Path, PathBuf};

use clap::Args;

use crate::Failure;

#[derive(Args)]
pub struct NewArgs {
    /// Directory to create; its last component names the project.
    dir: PathBuf,
    /// Path of the vouch source tree the project depends on (default: the one this
    /// `vouch` was built from).
    #[arg(long)]
    vouch_path: Option<PathBuf>,
    /// A `#![no_std]` guest, built with the current (stable) toolchain, instead of the default
    /// guest with the standard library (which builds with a pinned nightly, installed on first
    /// use).
    #[arg(long)]
    no_std: bool,
}

/// `(path in the project, template)`: files of every project.
const FILES: &[(&str, &str)] = &[
    ("Cargo.toml", include_str!("template/Cargo.toml.tmpl")),
    (
        ".cargo/config.toml",
        include_str!("template/cargo-config.toml.tmpl"),
    ),
    (".gitignore", include_str!("template/gitignore.tmpl")),
    ("README.md", include_str!("template/README.md.tmpl")),
    (
        "host/Cargo.toml",
        include_str!("template/host-Cargo.toml.tmpl"),
    ),
    (
        "host/src/main.rs",
        include_str!("template/host-main.rs.tmpl"),
    ),
];

/// The guest with the standard library (the default).
const STD_GUEST_FILES: &[(&str, &str)] = &[
    (
        "guest/Cargo.toml",
        include_str!("template/guest-Cargo.toml.tmpl"),
    ),
    (
        "guest/.cargo/config.toml",
        include_str!("template/guest-cargo-config.toml.tmpl"),
    ),
    (
        "guest/rust-toolchain.toml",
        include_str!("template/guest-rust-toolchain.toml.tmpl"),
    ),
    (
        "guest/src/main.rs",
        include_str!("template/guest-main.rs.tmpl"),
    ),
];

/// The `#![no_std]` guest (`--no-std`).
const NO_STD_GUEST_FILES: &[(&str, &str)] = &[
    (
        "guest/Cargo.toml",
        include_str!("template/nostd-guest-Cargo.toml.tmpl"),
    ),
    (
        "guest/.cargo/config.toml",
        include_str!("template/nostd-guest-cargo-config.toml.tmpl"),
    ),
    (
        "guest/src/main.rs",
        include_str!("template/nostd-guest-main.rs.tmpl"),
    ),
];

pub fn run(args: NewArgs) -> Result<(), Failure> {
    let dir = &args.dir;
    if dir.exists()
        && dir
            .read_dir()
            .map(|mut d| d.next().is_some())
            .unwrap_or(true)
    {
        return Err(Failure(format!(
            "{} already exists and is not empty",
            dir.display()
        )));
    }
    let name = project_name(dir)?;
    let vouch_path = match args.vouch_path {
        Some(p) => p,
        None => PathBuf::from(concat!(env!("CARGO_MANIFEST_DIR"), "/../..")),
    };
    let vouch_path = vouch_path
        .canonicalize()
        .map_err(|e| Failure(format!("vouch source tree {}: {e}", vouch_path.display())))?;
    if !vouch_path.join("crates/vouch-guest/Cargo.toml").is_file() {
        return Err(Failure(format!(
            "{} is not a vouch source tree (no crates/vouch-guest); pass --vouch-path",
            vouch_path.display()
        )));
    }
    let guest_files = if args.no_std {
        NO_STD_GUEST_FILES
    } else {
        STD_GUEST_FILES
    };
    for (rel, template) in FILES.iter().chain(guest_files) {
        let text = template
            .replace("{{name}}", &name)
            .replace("{{vouch_path}}", &vouch_path.display().to_string())
            .replace("{{std_toolchain}}", vouch_sdk::build::STD_TOOLCHAIN);
        let path = dir.join(rel);
        if let Some(parent) = path.parent() {
            std::fs::create_dir_all(parent)
                .map_err(|e| Failure(format!("cannot create {}: {e}", parent.display())))?;
        }
        std::fs::write(&path, text)
            .map_err(|e| Failure(format!("cannot write {}: {e}", path.display())))?;
    }
    println!("created {name} in {}", dir.display());
    println!(
        "  cd {} && cargo run --release -p {name}-host",
        dir.display()
    );
    Ok(())
}

/// A Cargo-friendly package name from the directory's last component.
fn project_name(dir: &Path) -> Result<String, Failure> {
    let raw = dir
        .file_name()
        .and_then(|n| n.to_str())
        .ok_or_else(|| Failure(format!("{} has no usable name", dir.display())))?;
    let name: String = raw
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || c == '-' || c == '_' {
                c.to_ascii_lowercase()
            } else {
                '-'
            }
        })
        .collect();
    if name.is_empty() || name.starts_with(|c: char| c.is_ascii_digit() || c == '-') {
        return Err(Failure(format!("{raw:?} is not a valid project name")));
    }
    Ok(name)
}
