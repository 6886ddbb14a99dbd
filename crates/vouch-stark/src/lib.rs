//! The only crate that names Plonky3 types.
//!
//! vouch proves with Plonky3 `=0.9.0-rc.2`: the KoalaBear field (p = 2^31 - 2^24 + 1) with
//! challenges from its degree-4 extension, Poseidon2 (width 16) for Merkle commitments and
//! the Fiat–Shamir transcript, FRI as the polynomial commitment, `p3-batch-stark` to prove all
//! of the machine's tables in one proof and `p3-lookup`'s LogUp for the buses between them.
//!
//! Two configurations share every parameter but the commitment scheme:
//! - [`ZkConfig`]: `HidingFriPcs` over salted Merkle trees, seeded from the OS. Proofs reveal
//!   nothing of the trace beyond the public values. The default.
//! - [`PlainConfig`]: the non-hiding `TwoAdicFriPcs`, for speed when privacy is not needed.
//!
//! Everything the machine, prover and verifier need from Plonky3 is re-exported from here,
//! so that an upgrade touches this crate only.

mod config;
pub mod debug;
pub mod keys;
pub mod ood;
pub mod opening;
pub mod replay;
mod security;

pub use config::*;
pub use security::{SecurityReport, StarkShape};

/// AIR definitions.
pub mod air {
    pub use p3_air::{
        Air, AirBuilder, AirLayout, BaseAir, ExtensionBuilder, FilteredAirBuilder,
        PermutationAirBuilder, WindowAccess,
    };
    pub use p3_lookup::{Count, InteractionBuilder, LookupBus, PermutationCheckBus};
}

/// The Fiat–Shamir challenger's traits.
pub mod challenger {
    pub use p3_challenger::{
        CanObserve, CanSample, CanSampleBits, FieldChallenger, GrindingChallenger,
    };
}

/// FRI's folding (for a verifier in a circuit to be tested against).
pub mod fri {
    pub use p3_fri::{FriFoldingStrategy, TwoAdicFriFolding};
}

/// Merkle commitments to matrices (the MMCS interface).
pub mod mmcs {
    pub use p3_commit::{BatchOpeningRef, Mmcs};
    pub use p3_matrix::Dimensions;
}

/// Field arithmetic.
pub mod field {
    pub use p3_field::{
        BasedVectorSpace, Field, PrimeCharacteristicRing, PrimeField32, PrimeField64, TwoAdicField,
    };
}

/// Constraints as expression trees: what a verifier inside a proof evaluates.
pub mod symbolic {
    pub use p3_air::symbolic::{
        AirLayout, BaseEntry, BaseLeaf, ConstraintLayout, ExtEntry, ExtLeaf, SymbolicExpr,
        SymbolicExpression, SymbolicExpressionExt,
    };
    pub use p3_batch_stark::symbolic::{get_constraint_layout, get_symbolic_constraints};
    pub use p3_lookup::{LogUpGadget, Lookup, Lookups};
}

/// Trace matrices.
pub mod matrix {
    pub use p3_matrix::dense::RowMajorMatrix;
    pub use p3_matrix::Matrix;
}

/// Multi-table proving and verification.
pub mod batch {
    pub use p3_batch_stark::common::GlobalPreprocessed;
    pub use p3_batch_stark::proof::OpenedValuesWithLookups;
    pub use p3_batch_stark::{
        prove_batch, verify_batch, BatchProof, BatchVerificationError, CommonData, OpenedValues,
        ProverData, StarkGenericConfig, StarkInstance,
    };
    pub use p3_lookup::InteractionSymbolicBuilder;
}

/// Parallel iterators (rayon when the `parallel` feature is on, sequential otherwise).
pub mod par {
    pub use p3_maybe_rayon::prelude::*;
}

/// The SIMD packing the base field uses in this build (e.g. `PackedMontyField31AVX512`), for
/// benchmark reports: without AVX2 or AVX-512 at compile time Plonky3 runs scalar, ~6x slower.
pub fn packing() -> &'static str {
    let name = std::any::type_name::<<Val as p3_field::Field>::Packing>();
    let base = name.split('<').next().unwrap_or(name);
    base.rsplit("::").next().unwrap_or(base)
}

/// Poseidon2 over KoalaBear, width 16, with Plonky3's published constants: the permutation
/// (for hashing outside the circuit) and its AIR (for hashing inside it). Both use the same
/// constants, so a value hashed natively and one proven in a trace agree.
pub mod poseidon2 {
    pub use p3_koala_bear::{
        GenericPoseidon2LinearLayersKoalaBear as LinearLayers,
        KOALABEAR_POSEIDON2_HALF_FULL_ROUNDS as HALF_FULL_ROUNDS,
        KOALABEAR_POSEIDON2_PARTIAL_ROUNDS_16 as PARTIAL_ROUNDS,
        KOALABEAR_POSEIDON2_RC_16_EXTERNAL_FINAL as RC_EXTERNAL_FINAL,
        KOALABEAR_POSEIDON2_RC_16_EXTERNAL_INITIAL as RC_EXTERNAL_INITIAL,
        KOALABEAR_POSEIDON2_RC_16_INTERNAL as RC_INTERNAL,
        KOALABEAR_POSEIDON2_RC_24_EXTERNAL_FINAL as RC24_EXTERNAL_FINAL,
        KOALABEAR_POSEIDON2_RC_24_EXTERNAL_INITIAL as RC24_EXTERNAL_INITIAL,
        KOALABEAR_POSEIDON2_RC_24_INTERNAL as RC24_INTERNAL,
    };
    pub use p3_poseidon2::GenericPoseidon2LinearLayers;
    pub use p3_poseidon2_air as air;
    pub use p3_symmetric::Permutation;

    /// Width of the permutation.
    pub const WIDTH: usize = 16;

    /// The permutation (the same one Merkle commitments and Fiat–Shamir use).
    pub fn permutation() -> crate::Perm {
        p3_koala_bear::default_koalabear_poseidon2_16()
    }

    /// Width of the leaf-hashing permutation.
    pub const WIDTH_24: usize = 24;

    /// The width-24 permutation Merkle leaves are hashed with.
    pub fn permutation_24() -> crate::Perm24 {
        p3_koala_bear::default_koalabear_poseidon2_24()
    }
}
