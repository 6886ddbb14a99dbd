//! Proving and verifying.

use std::sync::OnceLock;

pub use vouch_prover::{Phase, Progress, ProveOptions, ProveStats};
pub use vouch_verifier::{ProgramId, Receipt, VerifyError, MAX_RECEIPT_BYTES};

use crate::{Error, Journal, Program};

/// The proving key of a program, made on first use and kept.
pub(crate) type KeyCell = OnceLock<vouch_prover::ProvingKey>;

/// Proves executions of programs.
#[derive(Clone, Debug)]
pub struct Prover {
    opts: ProveOptions,
    /// Whether the guest may ask for random words; see [`Prover::with_random`].
    random: bool,
}

impl Default for Prover {
    fn default() -> Self {
        Self {
            opts: ProveOptions::default(),
            random: true,
        }
    }
}

/// A receipt and what it cost to make.
pub struct ProveInfo {
    pub receipt: Receipt,
    pub stats: ProveStats,
    pub stdout: Vec<u8>,
    pub stderr: Vec<u8>,
}

impl Prover {
    /// A prover with default options: zero knowledge on.
    pub fn new() -> Self {
        Self::default()
    }

    /// A prover with `opts`.
    pub fn with_options(opts: ProveOptions) -> Self {
        Self {
            opts,
            ..Self::default()
        }
    }

    /// Whether the guest may ask for random words (on by default). With `false`, proving a
    /// guest that asks (`getrandom`, std's `HashMap::new`) fails with
    /// [`crate::ExecError::RandomDisabled`], so a receipt never depends on prover-chosen
    /// randomness.
    pub fn with_random(mut self, random: bool) -> Self {
        self.random = random;
        self
    }

    /// Execute `program` on `input` and prove it.
    pub fn prove(&self, program: &Program, input: impl AsRef<[u8]>) -> Result<Receipt, Error> {
        Ok(self.prove_with_progress(program, input, &|_| {})?.receipt)
    }

    /// As [`Prover::prove`], reporting each phase to `progress` and returning statistics.
    pub fn prove_with_progress(
        &self,
        program: &Program,
        input: impl AsRef<[u8]>,
        progress: &(dyn Fn(Progress) + Sync),
    ) -> Result<ProveInfo, Error> {
        if !self.random {
            // The prover's own run answers RANDOM_WORD; a first run that refuses it shows that
            // the guest does not ask (execution is deterministic given input and random words,
            // so the proven run is then the same).
            program.execute_with(
                &input,
                &crate::ExecuteOptions {
                    cycle_limit: self.opts.cycle_limit,
                    random: false,
                    ..crate::ExecuteOptions::default()
                },
            )?;
        }
        let key = program.proving_key()?;
        let proven = key.prove(input.as_ref(), &self.opts, progress)?;
        Ok(ProveInfo {
            receipt: proven.receipt,
            stats: proven.stats,
            stdout: proven.stdout,
            stderr: proven.stderr,
        })
    }
}

/// The journal of a receipt, for decoding.
pub fn journal(receipt: &Receipt) -> Journal {
    Journal {
        bytes: receipt.journal.clone(),
    }
}
