use std::path::PathBuf;

/// Everything that can go wrong on the host side.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error("cannot read {path}: {source}")]
    Io {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("invalid program: {0}")]
    Elf(#[from] vouch_executor::ElfError),
    #[error(transparent)]
    Exec(#[from] vouch_executor::ExecError),
    #[error("cannot encode input: {0}")]
    Encode(#[from] vouch_abi::codec::EncodeError),
    #[error("cannot decode journal: {0}")]
    Decode(#[from] vouch_abi::codec::DecodeError),
    #[error(transparent)]
    Build(#[from] crate::build::BuildError),
    #[error(transparent)]
    Prove(#[from] vouch_prover::ProveError),
    #[error(transparent)]
    Verify(#[from] vouch_verifier::VerifyError),
}
