//! A loaded guest program and its execution.

use std::path::Path;

use vouch_executor::{ExecOptions, Executor, Profile, DEFAULT_CYCLE_LIMIT};

use crate::{Error, Journal};

/// A guest program, loaded from an ELF file.
#[derive(Debug)]
pub struct Program {
    inner: vouch_executor::Program,
    key: crate::prove::KeyCell,
}

impl Clone for Program {
    fn clone(&self) -> Self {
        Self {
            inner: self.inner.clone(),
            key: crate::prove::KeyCell::new(),
        }
    }
}

/// Options for [`Program::execute_with`].
#[derive(Clone, Debug)]
pub struct ExecuteOptions {
    /// Stop with an error after this many cycles.
    pub cycle_limit: u64,
    /// Count cycles per guest function.
    pub profile: bool,
    /// Copy guest prints to this process's stdout/stderr as they happen.
    pub echo: bool,
    /// Give the guest random words when it asks (`RANDOM_WORD`: `getrandom`, std's `HashMap`
    /// seeds). On by default; when off, a guest that asks stops with
    /// [`crate::ExecError::RandomDisabled`]. The words come from the host and are not secret
    /// from whoever runs the guest (see docs/abi.md).
    pub random: bool,
}

impl Default for ExecuteOptions {
    fn default() -> Self {
        Self {
            cycle_limit: DEFAULT_CYCLE_LIMIT,
            profile: false,
            echo: false,
            random: true,
        }
    }
}

/// The outcome of executing a guest to `HALT`.
#[derive(Clone, Debug)]
pub struct ExecutionResult {
    pub journal: Journal,
    pub exit_code: u32,
    pub cycles: u64,
    pub stdout: Vec<u8>,
    pub stderr: Vec<u8>,
    /// Cycles per function, when profiling was requested.
    pub profile: Option<Profile>,
}

impl Program {
    /// Load a program from the bytes of an ELF executable.
    pub fn from_elf(bytes: &[u8]) -> Result<Self, Error> {
        Ok(Self {
            inner: vouch_executor::Program::from_elf(bytes)?,
            key: crate::prove::KeyCell::new(),
        })
    }

    /// Load a program from an ELF file.
    pub fn load(path: impl AsRef<Path>) -> Result<Self, Error> {
        let path = path.as_ref();
        let bytes = std::fs::read(path).map_err(|source| Error::Io {
            path: path.to_path_buf(),
            source,
        })?;
        Self::from_elf(&bytes)
    }

    /// Execute the program on `input` (see [`crate::Input`]) with default options.
    pub fn execute(&self, input: impl AsRef<[u8]>) -> Result<ExecutionResult, Error> {
        self.execute_with(input, &ExecuteOptions::default())
    }

    /// Execute the program on `input`.
    pub fn execute_with(
        &self,
        input: impl AsRef<[u8]>,
        opts: &ExecuteOptions,
    ) -> Result<ExecutionResult, Error> {
        let exec_opts = ExecOptions {
            cycle_limit: opts.cycle_limit,
            record: false,
            profile: opts.profile,
            echo: opts.echo,
            random: opts.random,
            ..ExecOptions::default()
        };
        let out = Executor::new(&self.inner, input.as_ref().to_vec(), exec_opts).run()?;
        Ok(ExecutionResult {
            journal: Journal { bytes: out.journal },
            exit_code: out.exit_code,
            cycles: out.cycles,
            stdout: out.stdout,
            stderr: out.stderr,
            profile: out.profile,
        })
    }

    /// The program's identity: the hash of its verifying key, which commits to its code and
    /// initial memory. Computed from the ELF alone (the first call commits to the program's
    /// tables, which takes a moment).
    pub fn program_id(&self) -> Result<vouch_verifier::ProgramId, Error> {
        Ok(self.proving_key()?.program_id())
    }

    /// The proving key, made on first use.
    pub(crate) fn proving_key(&self) -> Result<&vouch_prover::ProvingKey, Error> {
        if let Some(key) = self.key.get() {
            return Ok(key);
        }
        let key = vouch_prover::ProvingKey::new(&self.inner)?;
        Ok(self.key.get_or_init(|| key))
    }

    /// The executor's view of the program (ROM, image, entry), for the prover.
    pub fn inner(&self) -> &vouch_executor::Program {
        &self.inner
    }
}
