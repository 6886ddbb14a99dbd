//! Key generation.

use std::sync::Arc;

use vouch_executor::Program;
use vouch_machine::trace::program_tables;
use vouch_machine::{Machine, ProgramTables, MIN_LOG_HEIGHT};
use vouch_stark::batch::ProverData;
use vouch_stark::keys::preprocess;
use vouch_stark::{plain_config, zk_keygen_config, PlainConfig, ZkConfig, PARAMS};
use vouch_verifier::{ProgramId, VerifyingKey, RECEIPT_VERSION};

use crate::ProveError;

/// Everything needed to prove executions of one program.
pub struct ProvingKey {
    pub(crate) program: Program,
    pub(crate) tables: Arc<ProgramTables>,
    pub(crate) machine: Machine,
    pub(crate) plain: ProverData<PlainConfig>,
    pub(crate) zk: ProverData<ZkConfig>,
    vk: VerifyingKey,
}

impl ProvingKey {
    /// Commit to `program`'s ROM and image (and the machine's fixed tables) in both modes.
    pub fn new(program: &Program) -> Result<Self, ProveError> {
        let tables = Arc::new(program_tables(program));
        let machine = Machine::new(tables.clone(), false);
        let log_heights = log_heights(&machine);
        let plain = preprocess(&plain_config(&PARAMS), machine.airs(), &log_heights)
            .map_err(|e| ProveError::Stark(format!("{e:?}")))?;
        let zk = preprocess(&zk_keygen_config(&PARAMS), machine.airs(), &log_heights)
            .map_err(|e| ProveError::Stark(format!("{e:?}")))?;
        let commitment =
            |c: Option<_>| c.ok_or_else(|| ProveError::Stark("no preprocessed tables".into()));
        let fixed = machine.fixed_heights();
        let log = |h: Option<usize>| h.map_or(0, |h| h.trailing_zeros());
        let vk = VerifyingKey {
            version: RECEIPT_VERSION,
            entry: program.entry(),
            rom_log_height: log(fixed[vouch_machine::ChipKind::Program.index()]),
            image_log_height: log(fixed[vouch_machine::ChipKind::Image.index()]),
            commitment_plain: commitment(
                plain
                    .common
                    .preprocessed
                    .as_ref()
                    .map(|p| p.commitment.clone()),
            )?,
            commitment_zk: commitment(
                zk.common
                    .preprocessed
                    .as_ref()
                    .map(|p| p.commitment.clone()),
            )?,
        };
        Ok(Self {
            program: program.clone(),
            tables,
            machine,
            plain,
            zk,
            vk,
        })
    }

    /// The verifying key.
    pub fn verifying_key(&self) -> &VerifyingKey {
        &self.vk
    }

    /// The program's identity.
    pub fn program_id(&self) -> ProgramId {
        self.vk.program_id()
    }
}

/// log2 heights of the fixed tables, and a placeholder for the others (their lookups do not
/// depend on the height; see `vouch_stark::keys`).
pub(crate) fn log_heights(machine: &Machine) -> Vec<usize> {
    machine
        .fixed_heights()
        .iter()
        .map(|h| h.map_or(MIN_LOG_HEIGHT, |h| h.trailing_zeros() as usize))
        .collect()
}

impl std::fmt::Debug for ProvingKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ProvingKey")
            .field("program_id", &self.program_id())
            .field("rom_rows", &self.tables.rom.len())
            .field("image_words", &self.tables.image.len())
            .finish()
    }
}
