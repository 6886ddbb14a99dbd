//! The vouch SDK: everything a host program needs.
//!
//! ```no_run
//! use vouch_sdk::{build, Input, Program};
//!
//! let elf = build::build_guest("guest", &build::BuildOptions::default())?;
//! let program = Program::load(&elf)?;
//! let input = Input::new().write(&10u32)?;
//! let result = program.execute(&input)?;
//! let fib: u32 = result.journal.decode()?;
//!
//! let receipt = vouch_sdk::Prover::new().prove(&program, &input)?;
//! receipt.verify(program.program_id()?)?;
//! # Ok::<(), vouch_sdk::Error>(())
//! ```
#![deny(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

pub mod build;
mod error;
mod io;
mod program;
mod prove;

pub use error::Error;
pub use io::{Input, Journal};
pub use program::{ExecuteOptions, ExecutionResult, Program};
pub use prove::{
    journal, Phase, ProgramId, Progress, ProveInfo, ProveOptions, ProveStats, Prover, Receipt,
    VerifyError, MAX_RECEIPT_BYTES,
};
pub use vouch_executor::{ElfError, ExecError, FunctionProfile, Profile};
