//! Building guest crates into RISC-V ELF executables.
//!
//! A guest is an ordinary Cargo package that depends on `vouch-guest`. [`build_guest`] runs
//! `cargo build --release --target riscv32im-unknown-none-elf` on it with vouch's linker
//! script (`-Tvouch.ld`, which `vouch-guest`'s build script puts on the link search path) and
//! returns the path of the executable. The rustup target is installed when missing.

use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

/// The Rust target guests are built for.
pub const GUEST_TARGET: &str = "riscv32im-unknown-none-elf";

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
    pub target_dir: Option<PathBuf>,
    /// Cargo features of the guest package to enable.
    pub features: Vec<String>,
    /// Build with the dev profile instead of release (much slower guests).
    pub debug: bool,
    /// Suppress cargo's progress output.
    pub quiet: bool,
}

/// Build the guest crate in `dir` and return the path of its ELF executable.
pub fn build_guest(dir: impl AsRef<Path>, opts: &BuildOptions) -> Result<PathBuf, BuildError> {
    let dir = dir.as_ref();
    let manifest = dir.join("Cargo.toml");
    if !manifest.is_file() {
        return Err(BuildError::NoManifest(dir.to_path_buf()));
    }
    ensure_target()?;
    let target_dir = opts
        .target_dir
        .clone()
        .or_else(|| std::env::var_os("VOUCH_GUEST_TARGET_DIR").map(PathBuf::from))
        .unwrap_or_else(|| dir.join("target"));

    let mut cmd = Command::new(cargo());
    clean_env(&mut cmd);
    cmd.arg("build")
        .arg("--manifest-path")
        .arg(&manifest)
        .arg("--target")
        .arg(GUEST_TARGET)
        .arg("--target-dir")
        .arg(&target_dir)
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

/// Rust flags for guest builds: vouch's linker script.
pub fn guest_rustflags() -> Vec<String> {
    vec!["-C".into(), "link-arg=-Tvouch.ld".into()]
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

/// Make sure the rustup target for guests is installed.
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
}
