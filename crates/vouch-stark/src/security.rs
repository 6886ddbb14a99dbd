//! The conjectured security level, computed from the actual parameters.
//!
//! Three families of terms bound a cheating prover's success:
//! - the STARK itself (FRI low-degree test, DEEP-ALI, opening batching, hash collisions),
//!   computed by Plonky3's `ConjecturedSecurity` (the "random words" conjecture of
//!   eprint 2025/2010) for the largest instance the machine allows;
//! - LogUp: the buses' fingerprints and running sums are checked at random challenges; by
//!   Schwartz–Zippel a bus that does not balance passes with probability at most
//!   `(number of fractions × tuple width) / |EF|`, plus the grinding before the challenges;
//! - the commitment hash's collision resistance (inside the STARK term).
//!
//! The reported level is the minimum of all terms.

use p3_uni_stark::{ConjecturedSecurity, StarkSecurityParams};

use crate::{Params, PARAMS};

/// The size of the largest batch of tables the machine proves in one proof.
#[derive(Clone, Copy, Debug)]
pub struct StarkShape {
    /// log2 of the tallest table (before zero-knowledge padding).
    pub max_log_height: usize,
    /// Total constraints over all tables.
    pub num_constraints: usize,
    /// Highest constraint degree.
    pub max_constraint_degree: usize,
    /// Total fractions the LogUp sums range over (rows × interactions, all tables).
    pub log_num_fractions: usize,
    /// Widest bus tuple (plus one for the bus separator).
    pub max_tuple_width: usize,
    /// Columns and quotient chunks batched into one FRI instance.
    pub num_batched_functions: usize,
    /// Whether the hiding PCS is used.
    pub zk: bool,
}

/// Security bits per term, and their minimum.
#[derive(Clone, Copy, Debug)]
pub struct SecurityReport {
    pub stark_bits: usize,
    pub logup_bits: usize,
    pub bits: usize,
}

/// log2 of the challenge field's size, rounded down: |EF| = p^4 with log2 p ≈ 30.98.
const CHALLENGE_FIELD_BITS: usize = 123;
/// Collision resistance of the 8-element Poseidon2 digest over a 31-bit field.
const COLLISION_BITS: usize = 8 * 31 / 2;

impl SecurityReport {
    /// The security of [`PARAMS`] for an instance of `shape`.
    pub fn for_shape(shape: &StarkShape) -> Self {
        Self::compute(&PARAMS, shape)
    }

    /// The security of `params` for an instance of `shape`.
    pub fn compute(params: &Params, shape: &StarkShape) -> Self {
        let fri = p3_fri::FriParameters {
            log_blowup: params.log_blowup,
            log_final_poly_len: params.log_final_poly_len,
            max_log_arity: params.max_log_arity,
            num_queries: params.num_queries,
            batch_proof_of_work_bits: params.batch_pow_bits,
            commit_proof_of_work_bits: params.commit_pow_bits,
            query_proof_of_work_bits: params.query_pow_bits,
            mmcs: (),
        };
        let zk = usize::from(shape.zk);
        let log_chunks = ceil_log2((shape.max_constraint_degree + zk).max(2) - 1);
        let num_quotient_chunks = 1usize << (log_chunks + zk);
        let stark = StarkSecurityParams::new(
            fri.security_regime(),
            CHALLENGE_FIELD_BITS,
            COLLISION_BITS,
            shape.num_constraints,
            shape.max_constraint_degree,
            2,
            shape.num_batched_functions,
            num_quotient_chunks,
        )
        .with_grinding(p3_security_grinding(params));
        let degree_bits = shape.max_log_height + zk;
        let stark_bits =
            ConjecturedSecurity::compute_from_params(&stark, degree_bits).security_bits;
        // LogUp: error <= (fractions * tuple width) / |EF|, improved by the grinding.
        let logup_bits = (CHALLENGE_FIELD_BITS + params.lookup_pow_bits)
            .saturating_sub(shape.log_num_fractions + ceil_log2(shape.max_tuple_width));
        Self {
            stark_bits,
            logup_bits,
            bits: stark_bits.min(logup_bits),
        }
    }
}

impl StarkShape {
    /// The most demanding proof of the batch of `airs` a verifier accepts: every table at
    /// `2^max_log_height` rows. Constraints, degrees, bus fractions and tuple widths are read
    /// off the AIRs and their lookups exactly as proving packs them (`keys::lookups`).
    pub fn of_airs<SC, A>(config: &SC, airs: &[A], max_log_height: usize) -> Self
    where
        SC: p3_batch_stark::StarkGenericConfig,
        p3_air::symbolic::SymbolicExpressionExt<p3_uni_stark::Val<SC>, SC::Challenge>:
            p3_field::Algebra<SC::Challenge>,
        A: p3_air::Air<p3_lookup::InteractionSymbolicBuilder<p3_uni_stark::Val<SC>, SC::Challenge>>,
    {
        use p3_air::symbolic::AirLayout;
        use p3_air::BaseAir;
        use p3_field::BasedVectorSpace;
        let zk = config.is_zk();
        let heights = vec![max_log_height; airs.len()];
        let lookups = crate::keys::lookups(config, airs, &heights);
        let gadget = p3_lookup::LogUpGadget::new();
        let ext_dim = <SC::Challenge as BasedVectorSpace<p3_uni_stark::Val<SC>>>::DIMENSION;
        let mut shape = StarkShape {
            max_log_height,
            num_constraints: 0,
            max_constraint_degree: 0,
            log_num_fractions: 0,
            max_tuple_width: 0,
            num_batched_functions: 0,
            zk: zk == 1,
        };
        let mut fractions_per_row = 0usize;
        for (air, lookups) in airs.iter().zip(&lookups) {
            let (base, ext) = p3_batch_stark::symbolic::get_symbolic_constraints(
                air,
                AirLayout::from_air(air),
                lookups,
                &gadget,
            );
            shape.num_constraints += base.len() + ext.len();
            let degree = base
                .iter()
                .map(|c| c.degree_multiple())
                .chain(ext.iter().map(|c| c.degree_multiple()))
                .max()
                .unwrap_or(0);
            shape.max_constraint_degree = shape.max_constraint_degree.max(degree);
            for lookup in lookups.iter() {
                fractions_per_row += lookup.elements.len();
                let widest = lookup.elements.iter().map(Vec::len).max().unwrap_or(0);
                shape.max_tuple_width = shape.max_tuple_width.max(widest + 1);
            }
            let log_chunks = ceil_log2((degree + zk).max(2) - 1);
            let permutation = if lookups.is_empty() {
                0
            } else {
                lookups.len() + 1
            };
            shape.num_batched_functions += BaseAir::width(air)
                + BaseAir::preprocessed_width(air)
                + (permutation + (1 << (log_chunks + zk))) * ext_dim
                + zk * BaseAir::width(air);
        }
        shape.log_num_fractions = ceil_log2(fractions_per_row.max(1)) + max_log_height;
        shape
    }
}

fn p3_security_grinding(params: &Params) -> p3_uni_stark::GrindingSites {
    p3_uni_stark::GrindingSites {
        out_of_domain: params.ood_pow_bits,
        lookup_challenge: params.lookup_pow_bits,
        batch_combination: params.batch_pow_bits,
    }
}

fn ceil_log2(x: usize) -> usize {
    (usize::BITS - x.saturating_sub(1).leading_zeros()) as usize
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A synthetic shape at least as demanding as the machine's largest proof (the real one is
    /// computed in `vouch-verifier/tests/security.rs`): every table 2^22 rows,
    /// 2^32 LogUp fractions, thousands of constraints and batched columns.
    fn worst_shape(zk: bool) -> StarkShape {
        StarkShape {
            max_log_height: 22,
            num_constraints: 4000,
            max_constraint_degree: 2,
            log_num_fractions: 32,
            max_tuple_width: 34,
            num_batched_functions: 8000,
            zk,
        }
    }

    #[test]
    fn parameters_reach_100_bits() {
        for zk in [false, true] {
            let r = SecurityReport::for_shape(&worst_shape(zk));
            assert!(r.bits >= 100, "zk={zk}: {r:?}");
        }
    }

    #[test]
    fn fewer_queries_fall_short() {
        // The check above is not vacuous: the report reacts to the parameters.
        let weak = Params {
            num_queries: 40,
            ..PARAMS
        };
        assert!(SecurityReport::compute(&weak, &worst_shape(true)).bits < 100);
    }
}
