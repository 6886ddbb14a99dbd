//! Reading a guest's private input from the command line.

use std::path::PathBuf;

use clap::Args;

use crate::Failure;

/// `--input <file>` or `--input-hex <hex>`.
#[derive(Args, Clone, Debug)]
pub struct InputArgs {
    /// File holding the guest's private input (raw bytes).
    #[arg(long, conflicts_with = "input_hex")]
    pub input: Option<PathBuf>,
    /// The guest's private input as hex.
    #[arg(long)]
    pub input_hex: Option<String>,
}

impl InputArgs {
    /// The input bytes (empty when neither option is given).
    pub fn read(&self) -> Result<Vec<u8>, Failure> {
        if let Some(path) = &self.input {
            return std::fs::read(path)
                .map_err(|e| Failure(format!("cannot read input file {}: {e}", path.display())));
        }
        if let Some(h) = &self.input_hex {
            let h = h.trim().trim_start_matches("0x");
            return hex::decode(h)
                .map_err(|e| Failure(format!("--input-hex is not valid hex: {e}")));
        }
        Ok(Vec::new())
    }
}
