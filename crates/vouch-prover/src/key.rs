//! Key generation.

use std::sync::{Arc, OnceLock};

use vouch_executor::Program;
use vouch_machine::paging::{MemoryTree, PAGE_WORDS, PC_SLOT};
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
    /// The machine and prover data of continuation segments, made on first use.
    paged: OnceLock<PagedKey>,
}

/// The paged machine's key: the same preprocessed tables, more chips.
struct PagedKey {
    machine: Machine,
    plain: ProverData<PlainConfig>,
    zk: ProverData<ZkConfig>,
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
        let initial_root = initial_tree(&tables)
            .root()
            .map(|x| vouch_stark::field::PrimeField32::as_canonical_u32(&x));
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
            initial_root,
        };
        Ok(Self {
            program: program.clone(),
            tables,
            machine,
            plain,
            zk,
            vk,
            paged: OnceLock::new(),
        })
    }

    /// The machine of whole-execution proofs (`paged` = false) or continuation segments.
    pub(crate) fn machine(&self, paged: bool) -> Result<&Machine, ProveError> {
        Ok(if paged {
            &self.paged_key()?.machine
        } else {
            &self.machine
        })
    }

    /// The prover data (plain, zero-knowledge) of the machine.
    pub(crate) fn prover_data(
        &self,
        paged: bool,
    ) -> Result<(&ProverData<PlainConfig>, &ProverData<ZkConfig>), ProveError> {
        if paged {
            let k = self.paged_key()?;
            Ok((&k.plain, &k.zk))
        } else {
            Ok((&self.plain, &self.zk))
        }
    }

    fn paged_key(&self) -> Result<&PagedKey, ProveError> {
        if let Some(k) = self.paged.get() {
            return Ok(k);
        }
        let machine = Machine::new(self.tables.clone(), true);
        let log_heights = log_heights(&machine);
        let plain = preprocess(&plain_config(&PARAMS), machine.airs(), &log_heights)
            .map_err(|e| ProveError::Stark(format!("{e:?}")))?;
        let zk = preprocess(&zk_keygen_config(&PARAMS), machine.airs(), &log_heights)
            .map_err(|e| ProveError::Stark(format!("{e:?}")))?;
        // The extra chips have no preprocessed columns, so the commitments are the verifying
        // key's: one program id covers both machines.
        let plain_same = plain.common.preprocessed.as_ref().map(|p| &p.commitment)
            == Some(&self.vk.commitment_plain);
        let zk_same =
            zk.common.preprocessed.as_ref().map(|p| &p.commitment) == Some(&self.vk.commitment_zk);
        if !plain_same || !zk_same {
            return Err(ProveError::Stark(
                "paged machine commits differently".into(),
            ));
        }
        Ok(self.paged.get_or_init(|| PagedKey { machine, plain, zk }))
    }

    /// The memory tree of the program's initial state (the prover's copy, with the page
    /// contents' hashes; public, since the initial state is).
    pub fn initial_tree(&self) -> MemoryTree {
        initial_tree(&self.tables)
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
