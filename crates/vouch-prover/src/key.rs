//! Key generation.

use std::sync::{Arc, OnceLock};

use vouch_executor::Program;
use vouch_machine::paging::{MemoryTree, PAGE_WORDS, PC_SLOT};
use vouch_machine::trace::program_tables;
use vouch_machine::{Machine, ProgramTables, MIN_LOG_HEIGHT};
use vouch_stark::batch::ProverData;
use vouch_stark::keys::{preprocess, prove_key_binding};
use vouch_stark::{plain_config, zk_keygen_config, PlainConfig, ZkConfig, PARAMS};
use vouch_verifier::{ProgramId, VerifyingKey, ZkVerifyingKey, RECEIPT_VERSION};

use crate::ProveError;

/// Everything needed to prove executions of one program.
pub struct ProvingKey {
    pub(crate) program: Program,
    pub(crate) tables: Arc<ProgramTables>,
    pub(crate) machine: Machine,
    pub(crate) plain: ProverData<PlainConfig>,
    /// The zero-knowledge prover data and the key zero-knowledge receipts carry, made on first
    /// use (it costs a second commitment to the tables and the binding proof).
    zk: OnceLock<ZkKey>,
    vk: VerifyingKey,
}

/// The preprocessed tables committed by the hiding PCS, and their binding to the plain ones.
pub(crate) struct ZkKey {
    pub(crate) data: ProverData<ZkConfig>,
    pub(crate) key: ZkVerifyingKey,
}

impl ProvingKey {
    /// Commit to `program`'s ROM (and the machine's fixed tables) and compute the root of its
    /// initial memory tree: the verifying key, hence the program id.
    pub fn new(program: &Program) -> Result<Self, ProveError> {
        let tables = Arc::new(program_tables(program));
        let machine = Machine::new(tables.clone());
        let log_heights = log_heights(&machine);
        let plain = preprocess(&plain_config(&PARAMS), machine.airs(), &log_heights)
            .map_err(|e| ProveError::Stark(format!("{e:?}")))?;
        let commitment = plain
            .common
            .preprocessed
            .as_ref()
            .map(|p| p.commitment.clone())
            .ok_or_else(|| ProveError::Stark("no preprocessed tables".into()))?;
        let fixed = machine.fixed_heights();
        let initial_root = initial_tree(&tables)
            .root()
            .map(|x| vouch_stark::field::PrimeField32::as_canonical_u32(&x));
        let vk = VerifyingKey {
            version: RECEIPT_VERSION,
            rom_log_height: fixed[vouch_machine::ChipKind::Program.index()]
                .map_or(0, |h| h.trailing_zeros()),
            commitment,
            initial_root,
        };
        Ok(Self {
            program: program.clone(),
            tables,
            machine,
            plain,
            zk: OnceLock::new(),
            vk,
        })
    }

    /// The zero-knowledge prover data and key: the tables committed by the hiding PCS (with
    /// fixed salts: they are public), and the proof that they are the plain commitment's.
    pub(crate) fn zk(&self) -> Result<&ZkKey, ProveError> {
        if let Some(k) = self.zk.get() {
            return Ok(k);
        }
        let log_heights = log_heights(&self.machine);
        let data = preprocess(
            &zk_keygen_config(&PARAMS),
            self.machine.airs(),
            &log_heights,
        )
        .map_err(|e| ProveError::Stark(format!("{e:?}")))?;
        let commitment = data
            .common
            .preprocessed
            .as_ref()
            .map(|p| p.commitment.clone())
            .ok_or_else(|| ProveError::Stark("no preprocessed tables".into()))?;
        let binding =
            prove_key_binding(&self.plain, &data).map_err(|e| ProveError::Stark(e.to_string()))?;
        let key = ZkVerifyingKey {
            commitment,
            binding,
        };
        Ok(self.zk.get_or_init(|| ZkKey { data, key }))
    }

    /// The memory tree of the program's initial state (the prover's copy, with the page
    /// contents' hashes; public, since the initial state is).
    pub fn initial_tree(&self) -> MemoryTree {
        initial_tree(&self.tables)
    }

    /// The machine the program's segments are proven on.
    pub fn machine(&self) -> &vouch_machine::Machine {
        &self.machine
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

/// The memory tree of a program's initial state: the register page (registers, then the
/// entry point as the pc in slot 33) and the image's pages, all with zero salts.
fn initial_tree(tables: &ProgramTables) -> MemoryTree {
    let mut pages: Vec<(u32, Vec<u32>)> = vec![(0, vec![0; PAGE_WORDS])];
    for &(addr, value) in &tables.image {
        if addr < 256 {
            pages[0].1[addr as usize] = value;
            continue;
        }
        let index = addr / 256;
        if pages.last().map(|p| p.0) != Some(index) {
            pages.push((index, vec![0; PAGE_WORDS]));
        }
        if let Some(page) = pages.last_mut() {
            page.1[((addr % 256) / 4) as usize] = value;
        }
    }
    pages[0].1[PC_SLOT as usize] = tables.entry;
    MemoryTree::new(&pages)
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
