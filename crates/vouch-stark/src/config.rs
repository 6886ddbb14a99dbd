//! Concrete STARK configurations.

use p3_challenger::DuplexChallenger;
use p3_commit::ExtensionMmcs;
use p3_field::extension::BinomialExtensionField;
use p3_field::Field;
use p3_fri::{FriParameters, HidingFriPcs, TwoAdicFriPcs};
use p3_koala_bear::{
    default_koalabear_poseidon2_16, default_koalabear_poseidon2_24, KoalaBear, Poseidon2KoalaBear,
};
use p3_merkle_tree::{MerkleTreeHidingMmcs, MerkleTreeMmcs};
use p3_symmetric::{PaddingFreeSponge, TruncatedPermutation};
use p3_uni_stark::StarkConfig;
use rand::rngs::StdRng;
use rand::SeedableRng;

/// The base field.
pub type Val = KoalaBear;
/// The challenge field: the degree-4 binomial extension of KoalaBear (~124 bits).
pub type Challenge = BinomialExtensionField<Val, 4>;
/// The Poseidon2 permutation, width 16, with Plonky3's published round constants.
pub type Perm = Poseidon2KoalaBear<16>;
/// The Poseidon2 permutation of width 24, for hashing Merkle leaves (rows).
pub type Perm24 = Poseidon2KoalaBear<24>;
/// Leaf hash: sponge over the width-24 permutation with rate 16 (half the permutations of a
/// width-16 sponge per row, each about 1.5 times the cost), digest of 8 field elements.
pub type Hash = PaddingFreeSponge<Perm24, 24, 16, 8>;
/// Two-to-one compression for Merkle nodes.
pub type Compress = TruncatedPermutation<Perm, 2, 8, 16>;
type Packing = <Val as Field>::Packing;
/// Merkle commitments to base-field matrices.
pub type ValMmcs = MerkleTreeMmcs<Packing, Packing, Hash, Compress, 2, 8>;
/// Merkle commitments with 4 salt elements per leaf (hiding).
pub type HidingValMmcs = MerkleTreeHidingMmcs<Packing, Packing, Hash, Compress, StdRng, 2, 8, 4>;
/// Merkle commitments to extension-field matrices (FRI's commit phase), over [`ValMmcs`].
pub type ChallengeMmcs = ExtensionMmcs<Val, Challenge, ValMmcs>;
/// A commitment of [`ValMmcs`] (and of [`ChallengeMmcs`]): a Merkle cap of digests.
pub type ValCommitment = p3_symmetric::MerkleCap<Val, [Val; 8]>;
type HidingChallengeMmcs = ExtensionMmcs<Val, Challenge, HidingValMmcs>;
/// Fiat–Shamir: a duplex sponge over the same Poseidon2.
pub type Challenger = DuplexChallenger<Val, Perm, 16, 8>;
type Dft = p3_dft::Radix2DFTSmallBatch<Val>;
/// Non-hiding FRI.
pub type PlainPcs = TwoAdicFriPcs<Val, Dft, ValMmcs, ChallengeMmcs>;
/// Hiding FRI (zero knowledge).
pub type ZkPcs = HidingFriPcs<Val, Dft, HidingValMmcs, HidingChallengeMmcs, StdRng>;
/// STARK configuration without zero knowledge.
pub type PlainConfig = StarkConfig<PlainPcs, Challenge, Challenger>;
/// STARK configuration with zero knowledge.
pub type ZkConfig = StarkConfig<ZkPcs, Challenge, Challenger>;

/// Every parameter of the proof system that soundness or compatibility depends on.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Params {
    /// log2 of the FRI blowup (rate 2^-log_blowup).
    pub log_blowup: usize,
    /// Number of FRI queries.
    pub num_queries: usize,
    /// Proof-of-work bits before the FRI queries are drawn.
    pub query_pow_bits: usize,
    /// Proof-of-work bits before each FRI folding challenge.
    pub commit_pow_bits: usize,
    /// Proof-of-work bits before the challenge that batches all openings into one FRI
    /// instance (its error grows with the number of columns batched).
    pub batch_pow_bits: usize,
    /// Proof-of-work bits before the LogUp challenges are drawn.
    pub lookup_pow_bits: usize,
    /// Proof-of-work bits before the out-of-domain point is drawn.
    pub ood_pow_bits: usize,
    /// log2 of the largest FRI folding arity.
    pub max_log_arity: usize,
    /// log2 of the final FRI polynomial's length.
    pub log_final_poly_len: usize,
    /// Random codewords the hiding PCS appends to each committed matrix (at least the
    /// extension degree, 4).
    pub num_random_codewords: usize,
    /// Merkle cap height (0: commitments are one digest).
    pub cap_height: usize,
}

/// The parameters vouch proves with. `SecurityReport` derives the security level from them;
/// a test checks it is at least 100 bits.
pub const PARAMS: Params = Params {
    log_blowup: 1,
    num_queries: 90,
    query_pow_bits: 16,
    commit_pow_bits: 16,
    batch_pow_bits: 16,
    lookup_pow_bits: 16,
    ood_pow_bits: 16,
    max_log_arity: 3,
    log_final_poly_len: 0,
    num_random_codewords: 4,
    cap_height: 0,
};

fn fri_params<M>(p: &Params, mmcs: M) -> FriParameters<M> {
    FriParameters {
        log_blowup: p.log_blowup,
        log_final_poly_len: p.log_final_poly_len,
        max_log_arity: p.max_log_arity,
        num_queries: p.num_queries,
        batch_proof_of_work_bits: p.batch_pow_bits,
        commit_proof_of_work_bits: p.commit_pow_bits,
        query_proof_of_work_bits: p.query_pow_bits,
        mmcs,
    }
}

fn hash_and_compress() -> (Perm, Hash, Compress) {
    let perm = default_koalabear_poseidon2_16();
    let perm24 = default_koalabear_poseidon2_24();
    (perm.clone(), Hash::new(perm24), Compress::new(perm))
}

/// The Merkle commitment scheme of the non-hiding configuration (leaves hashed with the
/// width-24 sponge, nodes compressed with the width-16 permutation), with `cap_height`.
pub fn plain_mmcs(cap_height: usize) -> ValMmcs {
    let (_, hash, compress) = hash_and_compress();
    ValMmcs::new(hash, compress, cap_height)
}

/// The FRI parameters of the non-hiding configuration.
pub fn plain_fri_params(p: &Params) -> FriParameters<ChallengeMmcs> {
    fri_params(p, ChallengeMmcs::new(plain_mmcs(p.cap_height)))
}

/// The non-hiding configuration.
pub fn plain_config(p: &Params) -> PlainConfig {
    let (perm, hash, compress) = hash_and_compress();
    let val_mmcs = ValMmcs::new(hash, compress, p.cap_height);
    let challenge_mmcs = ChallengeMmcs::new(val_mmcs.clone());
    let pcs = PlainPcs::new(Dft::default(), val_mmcs, fri_params(p, challenge_mmcs));
    StarkConfig::new(pcs, Challenger::new(perm))
        .with_lookup_proof_of_work_bits(p.lookup_pow_bits)
        .with_ood_proof_of_work_bits(p.ood_pow_bits)
}

/// The hiding configuration, drawing its salts and masks from `rng`.
pub fn zk_config_with_rng(p: &Params, mut rng: StdRng) -> ZkConfig {
    let (perm, hash, compress) = hash_and_compress();
    let mmcs_rng = StdRng::from_rng(&mut rng);
    let val_mmcs = HidingValMmcs::new(hash, compress, p.cap_height, mmcs_rng);
    let challenge_mmcs = HidingChallengeMmcs::new(val_mmcs.clone());
    let pcs = ZkPcs::new(
        Dft::default(),
        val_mmcs,
        fri_params(p, challenge_mmcs),
        p.num_random_codewords,
        rng,
    );
    StarkConfig::new(pcs, Challenger::new(perm))
        .with_lookup_proof_of_work_bits(p.lookup_pow_bits)
        .with_ood_proof_of_work_bits(p.ood_pow_bits)
}

/// The hiding configuration with randomness from the operating system: what proofs use.
#[cfg(feature = "os-rng")]
pub fn zk_config(p: &Params) -> ZkConfig {
    zk_config_with_rng(p, rand::make_rng())
}

/// A hiding configuration with a fixed seed, for committing to *public* data (the program's
/// preprocessed tables): the commitment, and hence the program's identity, is then a
/// deterministic function of the program. Never use it to commit to a witness.
pub fn zk_keygen_config(p: &Params) -> ZkConfig {
    zk_config_with_rng(p, StdRng::seed_from_u64(0x766f_7563_685f_6b67))
}

/// A cryptographic random source seeded from the operating system, for secrets the prover
/// adds to a proof (salts that hide memory contents).
#[cfg(feature = "os-rng")]
pub struct SecretRng(StdRng);

#[cfg(feature = "os-rng")]
impl SecretRng {
    /// Seeded from the OS.
    pub fn from_os() -> Self {
        Self(rand::make_rng())
    }

    /// `N` uniformly random field elements.
    pub fn field_elements<const N: usize>(&mut self) -> [Val; N] {
        use rand::RngExt;
        core::array::from_fn(|_| self.0.random())
    }
}
