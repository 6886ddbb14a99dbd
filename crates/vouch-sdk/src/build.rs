//! Building guest crates into RISC-V ELF executables.
//!
//! A guest is an ordinary Cargo package that depends on `vouch-guest`. [`build_guest`] builds
//! it with vouch's linker script (`-Tvouch.ld`, which `vouch-guest`'s build script puts on the
//! link search path) and returns the path of the executable. There are two kinds:
//!
//! - **no_std guests** (the default): `cargo build --release --target
//!   riscv32im-unknown-none-elf` with the toolchain that runs the build (stable is fine); the
//!   rustup target is installed when missing.
//! - **std guests**, whose dependency on `vouch-guest` enables its `std` feature (found with
//!   `cargo metadata`, so it may be enabled anywhere in the dependency graph): built for
//!   `riscv32im-risc0-zkvm-elf`, whose standard library calls the `sys_*` functions
//!   `vouch-guest` provides, with the pinned nightly toolchain [`STD_TOOLCHAIN`] and
//!   `-Zbuild-std=std,panic_abort` (the target ships no prebuilt std). The toolchain and its
//!   `rust-src` component are installed with rustup when missing. Std artifacts go to the
//!   `std/` folder of the target directory, apart from no_std ones.
//!
//! Both kinds get `--cfg getrandom_backend="custom"`, so that `getrandom` 0.3/0.4 use the
//! runtime's backend without the guest writing any configuration.

use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

/// The Rust target no_std guests are built for.
pub const GUEST_TARGET: &str = "riscv32im-unknown-none-elf";

/// The Rust target std guests are built for: RV32IM with `target_os = "zkvm"`, whose standard
/// library calls the `sys_*` functions that `vouch-guest` implements on vouch's syscalls.
pub const STD_GUEST_TARGET: &str = "riscv32im-risc0-zkvm-elf";

/// The nightly toolchain std guests are built with (`-Zbuild-std` needs nightly). Pinned so
/// that the `sys_*` functions std calls are the ones `vouch-guest` implements; the
/// `VOUCH_STD_TOOLCHAIN` environment variable overrides it.
pub const STD_TOOLCHAIN: &str = "nightly-2026-05-20";

/// Why a guest could not be built.
#[derive(Debug, thiserror::Error)]
pub enum BuildError {
    #[error("no Cargo.toml in guest directory {0}")]
    NoManifest(PathBuf),
    #[error(
        "the Rust target {GUEST_TARGET} is not installed and `rustup target add {GUEST_TARGET}` \
         failed: {0}; install it by hand"
    )]
    TargetInstall(String),
    #[error(
        "std guests need the Rust toolchain {toolchain} with the rust-src component, and \
         installing it failed: {reason}; install it by hand with `rustup toolchain install \
         {toolchain} --profile minimal --component rust-src`"
    )]
    ToolchainInstall { toolchain: String, reason: String },
    #[error("cannot read the guest's dependencies with `cargo metadata` at {dir}: {reason}")]
    Metadata { dir: PathBuf, reason: String },
    #[error("cannot run cargo: {0}")]
    Cargo(std::io::Error),
    #[error("building the guest at {dir} failed (cargo's messages are above)")]
    Failed { dir: PathBuf },
    #[error("cargo built no executable for the guest at {0}: is it a binary crate?")]
    NoExecutable(PathBuf),
}

/// How to build a guest.
#[derive(Clone, Debug, Default)]
pub struct BuildOptions {
    /// Cargo target directory; default: `VOUCH_GUEST_TARGET_DIR`, else `<guest>/target`.
    /// Std guests are built in its `std/` folder.
    pub target_dir: Option<PathBuf>,
    /// Cargo features of the guest package to enable.
    pub features: Vec<String>,
    /// Build with the dev profile instead of release (much slower guests).
    pub debug: bool,
    /// Suppress cargo's progress output.
    pub quiet: bool,
}

/// Which kind of guest a crate is.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum GuestKind {
    /// `#![no_std]`, built for [`GUEST_TARGET`] with the current toolchain.
    NoStd,
    /// With the standard library (`vouch-guest`'s `std` feature), built for
    /// [`STD_GUEST_TARGET`] with [`std_toolchain`] and `-Zbuild-std`.
    Std,
}

/// Build the guest crate in `dir` and return the path of its ELF executable.
pub fn build_guest(dir: impl AsRef<Path>, opts: &BuildOptions) -> Result<PathBuf, BuildError> {
    let dir = dir.as_ref();
    let manifest = dir.join("Cargo.toml");
    if !manifest.is_file() {
        return Err(BuildError::NoManifest(dir.to_path_buf()));
    }
    let kind = guest_kind(dir, &opts.features)?;
    let target_dir = opts
        .target_dir
        .clone()
        .or_else(|| std::env::var_os("VOUCH_GUEST_TARGET_DIR").map(PathBuf::from))
        .unwrap_or_else(|| dir.join("target"));

    let mut cmd = match kind {
        GuestKind::NoStd => {
            ensure_target()?;
            let mut cmd = Command::new(cargo());
            clean_env(&mut cmd);
            cmd.arg("build")
                .arg("--target")
                .arg(GUEST_TARGET)
                .arg("--target-dir")
                .arg(&target_dir);
            cmd
        }
        GuestKind::Std => {
            let toolchain = std_toolchain();
            ensure_std_toolchain(&toolchain)?;
            let mut cmd = Command::new("rustup");
            clean_env(&mut cmd);
            // `rustup run` puts the toolchain's tools first for everything cargo starts.
            cmd.env_remove("RUSTUP_TOOLCHAIN")
                .args(["run", &toolchain, "cargo", "build"])
                .arg("-Zbuild-std=std,panic_abort")
                // No libc: compiler-builtins provides memcpy and friends.
                .arg("-Zbuild-std-features=compiler-builtins-mem")
                .arg("--target")
                .arg(STD_GUEST_TARGET)
                .arg("--target-dir")
                .arg(target_dir.join("std"));
            cmd
        }
    };
    cmd.arg("--manifest-path")
        .arg(&manifest)
        .arg("--message-format=json-render-diagnostics");
    if !opts.debug {
        cmd.arg("--release");
    }
    if opts.quiet {
        cmd.arg("--quiet");
    }
    if !opts.features.is_empty() {
        cmd.arg("--features").arg(opts.features.join(","));
    }
    cmd.env("CARGO_ENCODED_RUSTFLAGS", guest_rustflags().join("\x1f"));
    cmd.stdout(Stdio::piped()).stderr(Stdio::inherit());

    let mut child = cmd.spawn().map_err(BuildError::Cargo)?;
    let mut executable = None;
    if let Some(stdout) = child.stdout.take() {
        for line in BufReader::new(stdout).lines() {
            let line = line.map_err(BuildError::Cargo)?;
            if let Some(path) = artifact_executable(&line) {
                executable = Some(path);
            }
        }
    }
    let status = child.wait().map_err(BuildError::Cargo)?;
    if !status.success() {
        return Err(BuildError::Failed {
            dir: dir.to_path_buf(),
        });
    }
    executable.ok_or_else(|| BuildError::NoExecutable(dir.to_path_buf()))
}

/// Rust flags for guest builds (both kinds): vouch's linker script, and the `getrandom` 0.3/0.4
/// custom backend that `vouch-guest` provides.
pub fn guest_rustflags() -> Vec<String> {
    vec![
        "-C".into(),
        "link-arg=-Tvouch.ld".into(),
        "--cfg".into(),
        "getrandom_backend=\"custom\"".into(),
    ]
}

/// The toolchain std guests are built with: `VOUCH_STD_TOOLCHAIN`, else [`STD_TOOLCHAIN`].
pub fn std_toolchain() -> String {
    std::env::var("VOUCH_STD_TOOLCHAIN")
        .ok()
        .filter(|t| !t.is_empty())
        .unwrap_or_else(|| STD_TOOLCHAIN.to_string())
}

/// Whether the guest crate in `dir` (with `features` of its own enabled) is a std guest: whether
/// `vouch-guest`'s `std` feature is on in its resolved dependency graph.
pub fn guest_kind(dir: impl AsRef<Path>, features: &[String]) -> Result<GuestKind, BuildError> {
    let dir = dir.as_ref();
    let mut cmd = Command::new(cargo());
    clean_env(&mut cmd);
    cmd.arg("metadata")
        .arg("--format-version=1")
        .arg("--manifest-path")
        .arg(dir.join("Cargo.toml"));
    if !features.is_empty() {
        cmd.arg("--features").arg(features.join(","));
    }
    let out = cmd
        .stderr(Stdio::piped())
        .output()
        .map_err(BuildError::Cargo)?;
    if !out.status.success() {
        let stderr = String::from_utf8_lossy(&out.stderr);
        return Err(BuildError::Metadata {
            dir: dir.to_path_buf(),
            reason: stderr
                .lines()
                .find(|l| l.starts_with("error"))
                .unwrap_or("cargo metadata failed")
                .to_string(),
        });
    }
    let metadata: serde_json::Value =
        serde_json::from_slice(&out.stdout).map_err(|e| BuildError::Metadata {
            dir: dir.to_path_buf(),
            reason: e.to_string(),
        })?;
    Ok(kind_from_metadata(&metadata))
}

/// [`GuestKind::Std`] when the resolve graph has `vouch-guest` with its `std` feature.
fn kind_from_metadata(metadata: &serde_json::Value) -> GuestKind {
    let guest_ids: Vec<&str> = metadata["packages"]
        .as_array()
        .into_iter()
        .flatten()
        .filter(|p| p["name"] == "vouch-guest")
        .filter_map(|p| p["id"].as_str())
        .collect();
    let std = metadata["resolve"]["nodes"]
        .as_array()
        .into_iter()
        .flatten()
        .filter(|n| n["id"].as_str().is_some_and(|id| guest_ids.contains(&id)))
        .any(|n| {
            n["features"]
                .as_array()
                .into_iter()
                .flatten()
                .any(|f| f == "std")
        });
    if std {
        GuestKind::Std
    } else {
        GuestKind::NoStd
    }
}

/// The executable path of a `compiler-artifact` message, if `line` is one.
fn artifact_executable(line: &str) -> Option<PathBuf> {
    let msg: serde_json::Value = serde_json::from_str(line).ok()?;
    if msg.get("reason")?.as_str()? != "compiler-artifact" {
        return None;
    }
    Some(PathBuf::from(msg.get("executable")?.as_str()?))
}

fn cargo() -> PathBuf {
    std::env::var_os("CARGO")
        .map(PathBuf::from)
        .unwrap_or_else(|| "cargo".into())
}

/// Remove what an enclosing cargo invocation (a build script or test) sets for the host
/// build, so that it does not leak into the guest build.
fn clean_env(cmd: &mut Command) {
    for (key, _) in std::env::vars_os() {
        let Some(key) = key.to_str() else { continue };
        let leaks = matches!(
            key,
            "RUSTC"
                | "RUSTC_WRAPPER"
                | "RUSTC_WORKSPACE_WRAPPER"
                | "RUSTDOC"
                | "RUSTFLAGS"
                | "CARGO_TARGET_DIR"
                | "CARGO_BUILD_TARGET"
                | "CARGO_BUILD_RUSTFLAGS"
                | "CARGO_ENCODED_RUSTFLAGS"
                | "CARGO_MAKEFLAGS"
                | "CARGO_LLVM_COV"
                | "RUSTC_BOOTSTRAP"
        ) || key.starts_with("CARGO_TARGET_")
            || key.starts_with("CARGO_CFG_")
            || key.starts_with("CARGO_FEATURE_")
            || key.starts_with("CARGO_PKG_")
            || key.starts_with("CARGO_ENCODED_");
        if leaks {
            cmd.env_remove(key);
        }
    }
}

/// Make sure `toolchain` and its `rust-src` component (for `-Zbuild-std`) are installed,
/// installing them with rustup when missing.
pub fn ensure_std_toolchain(toolchain: &str) -> Result<(), BuildError> {
    let fail = |reason: String| BuildError::ToolchainInstall {
        toolchain: toolchain.to_string(),
        reason,
    };
    let components = Command::new("rustup")
        .args(["component", "list", "--installed", "--toolchain", toolchain])
        .stderr(Stdio::null())
        .output()
        .map_err(|e| fail(format!("cannot run rustup: {e}")))?;
    let install = if !components.status.success() {
        eprintln!("vouch: installing the Rust toolchain {toolchain} (for std guests) with rustup");
        vec![
            "toolchain",
            "install",
            toolchain,
            "--profile",
            "minimal",
            "--component",
            "rust-src",
        ]
    } else if !String::from_utf8_lossy(&components.stdout)
        .lines()
        .any(|l| l.trim() == "rust-src")
    {
        eprintln!("vouch: adding rust-src to {toolchain} (for std guests) with rustup");
        vec!["component", "add", "rust-src", "--toolchain", toolchain]
    } else {
        return Ok(());
    };
    let status = Command::new("rustup")
        .args(&install)
        .status()
        .map_err(|e| fail(format!("cannot run rustup: {e}")))?;
    if status.success() {
        Ok(())
    } else {
        Err(fail(format!(
            "`rustup {}` exited with {status}",
            install.join(" ")
        )))
    }
}

/// Make sure the rustup target for no_std guests is installed.
pub fn ensure_target() -> Result<(), BuildError> {
    let installed = Command::new("rustup")
        .args(["target", "list", "--installed"])
        .output();
    match installed {
        Ok(out) if out.status.success() => {
            if String::from_utf8_lossy(&out.stdout)
                .lines()
                .any(|l| l.trim() == GUEST_TARGET)
            {
                return Ok(());
            }
        }
        // No rustup: assume the toolchain was installed some other way and let cargo say.
        _ => return Ok(()),
    }
    eprintln!("vouch: installing the Rust target {GUEST_TARGET} with rustup");
    let status = Command::new("rustup")
        .args(["target", "add", GUEST_TARGET])
        .status()
        .map_err(|e| BuildError::TargetInstall(e.to_string()))?;
    if status.success() {
        Ok(())
    } else {
        Err(BuildError::TargetInstall(format!(
            "rustup exited with {status}"
        )))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_executable_from_cargo_messages() {
        let line = r#"{"reason":"compiler-artifact","executable":"/t/guest","target":{}}"#;
        assert_eq!(artifact_executable(line), Some(PathBuf::from("/t/guest")));
        let lib = r#"{"reason":"compiler-artifact","executable":null}"#;
        assert_eq!(artifact_executable(lib), None);
        assert_eq!(artifact_executable("not json"), None);
    }

    #[test]
    fn std_guests_are_found_from_resolved_features() {
        let metadata = |features: serde_json::Value| {
            serde_json::json!({
                "packages": [{"name": "vouch-guest", "id": "g"}, {"name": "me", "id": "m"}],
                "resolve": {"nodes": [
                    {"id": "g", "features": features},
                    {"id": "m", "features": ["std"]},
                ]},
            })
        };
        let std = metadata(serde_json::json!(["default", "std"]));
        assert_eq!(kind_from_metadata(&std), GuestKind::Std);
        let no_std = metadata(serde_json::json!(["default"]));
        assert_eq!(kind_from_metadata(&no_std), GuestKind::NoStd);
        assert_eq!(
            kind_from_metadata(&metadata(serde_json::json!([]))),
            GuestKind::NoStd
        );
    }
}
