//! Debugging aids over concrete traces: row-by-row constraint checks and bus accounting.
//!
//! Used by the prover in debug builds (before committing, so that a broken chip is named
//! before a proof is attempted) and by soundness tests, which need honest lookup multiplicities
//! for a trace they have tampered with.

use std::collections::HashMap;

use p3_air::{Air, DebugConstraintBuilder};
use p3_field::{PrimeCharacteristicRing, PrimeField32};
use p3_lookup::debug_util::{check_lookups, LookupDebugInstance};
use p3_lookup::{InteractionSymbolicBuilder, Kind, Lookups};
use p3_matrix::dense::{RowMajorMatrix, RowMajorMatrixView};
use p3_matrix::stack::VerticalPair;
use p3_matrix::Matrix;

use crate::{Challenge, Val};

/// Check every constraint of every table on every row, then that every bus balances.
/// Panics naming the table, row and constraint that fail.
pub fn check_all<A>(airs: &[A], traces: &[RowMajorMatrix<Val>], public_values: &[Vec<Val>])
where
    A: for<'a> Air<DebugConstraintBuilder<'a, Val>>
        + Air<InteractionSymbolicBuilder<Val, Challenge>>,
{
    for (i, (air, trace)) in airs.iter().zip(traces).enumerate() {
        let result = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
            p3_air::check_constraints(air, trace, &public_values[i]);
        }));
        if let Err(e) = result {
            let msg = e
                .downcast_ref::<String>()
                .cloned()
                .or_else(|| e.downcast_ref::<&str>().map(|s| s.to_string()))
                .unwrap_or_default();
            panic!("table {i}: {msg}");
        }
    }
    let lookups: Vec<Lookups<Val>> = airs
        .iter()
        .map(|air| Lookups::from_air::<Challenge, A>(air))
        .collect();
    let preprocessed: Vec<Option<RowMajorMatrix<Val>>> =
        airs.iter().map(|a| a.preprocessed_trace()).collect();
    let instances: Vec<LookupDebugInstance<'_, Val>> = (0..airs.len())
        .map(|i| LookupDebugInstance {
            main_trace: &traces[i],
            preprocessed_trace: &preprocessed[i],
            public_values: &public_values[i],
            lookups: &lookups[i],
            permutation_challenges: &[],
        })
        .collect();
    check_lookups(&instances);
}

/// For every interaction that *queries* one of `buses` (a lookup with a non-zero weight), the
/// total multiplicity of each tuple over all rows of all tables. Keys are `(bus, tuple)`, the
/// tuple as canonical `u32`s.
pub fn bus_queries<A>(
    airs: &[A],
    traces: &[RowMajorMatrix<Val>],
    public_values: &[Vec<Val>],
    buses: &[&str],
) -> HashMap<(String, Vec<u32>), u64>
where
    A: for<'a> Air<DebugConstraintBuilder<'a, Val>>
        + Air<InteractionSymbolicBuilder<Val, Challenge>>,
{
    let mut counts: HashMap<(String, Vec<u32>), u64> = HashMap::new();
    for (i, (air, trace)) in airs.iter().zip(traces).enumerate() {
        let lookups = Lookups::<Val>::from_air::<Challenge, A>(air);
        let relevant: Vec<_> = lookups
            .iter()
            .filter(|l| l.count_weight > 0)
            .filter_map(|l| match &l.kind {
                Kind::Global(name) if buses.contains(&name.as_str()) => Some((name.clone(), l)),
                _ => None,
            })
            .collect();
        if relevant.is_empty() {
            continue;
        }
        let prep = air.preprocessed_trace();
        let height = trace.height();
        for row in 0..height {
            let next = (row + 1) % height;
            let local = trace.row_slice(row).map(|r| r.to_vec()).unwrap_or_default();
            let nxt = trace
                .row_slice(next)
                .map(|r| r.to_vec())
                .unwrap_or_default();
            let (pl, pn) = match &prep {
                Some(p) => (
                    p.row_slice(row).map(|r| r.to_vec()).unwrap_or_default(),
                    p.row_slice(next).map(|r| r.to_vec()).unwrap_or_default(),
                ),
                None => (Vec::new(), Vec::new()),
            };
            let main = VerticalPair::new(
                RowMajorMatrixView::new_row(&local),
                RowMajorMatrixView::new_row(&nxt),
            );
            let prep_pair = if prep.is_some() {
                VerticalPair::new(
                    RowMajorMatrixView::new_row(&pl),
                    RowMajorMatrixView::new_row(&pn),
                )
            } else {
                VerticalPair::new(
                    RowMajorMatrixView::new(&[], 0),
                    RowMajorMatrixView::new(&[], 0),
                )
            };
            let builder = DebugConstraintBuilder::<Val>::new(
                row,
                main,
                prep_pair,
                &public_values[i],
                Val::from_bool(row == 0),
                Val::from_bool(row + 1 == height),
                Val::from_bool(row + 1 != height),
                &[],
            );
            for (bus, lookup) in &relevant {
                for (tuple, mult) in lookup.elements.iter().zip(&lookup.multiplicities) {
                    let m = mult.resolve(&builder);
                    if m == Val::ZERO {
                        continue;
                    }
                    let key: Vec<u32> = tuple
                        .iter()
                        .map(|e| e.resolve(&builder).as_canonical_u32())
                        .collect();
                    *counts.entry((bus.clone(), key)).or_default() +=
                        u64::from(m.as_canonical_u32());
                }
            }
        }
    }
    counts
}
