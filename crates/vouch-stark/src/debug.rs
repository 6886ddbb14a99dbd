//! Debugging aids over concrete traces: row-by-row constraint checks and bus accounting.
//!
//! Used by the prover in debug builds (before committing, so that a broken chip is named
//! before a proof is attempted) and by soundness tests, which need honest lookup multiplicities
//! for a trace they have tampered with.

use std::collections::HashMap;

use p3_air::{Air, DebugConstraintBuilder};
use p3_field::{PrimeCharacteristicRing, PrimeField32};
use p3_lookup::{InteractionSymbolicBuilder, Kind, Lookup, Lookups};
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
    let imbalances = bus_imbalances(airs, traces, public_values);
    if !imbalances.is_empty() {
        // The first 16 entries, then the first entry of every (bus, table) pair not shown yet,
        // so that every unbalanced bus and table is named however long the list.
        let mut shown = std::collections::HashSet::new();
        let lines: Vec<String> = imbalances
            .iter()
            .enumerate()
            .filter(|(k, (bus, _, instance, _))| shown.insert((bus, *instance)) || *k < 16)
            .map(|(_, (bus, tuple, instance, net))| {
                format!("global lookup '{bus}' (instance: {instance}, tuple {tuple:?}, net {net})")
            })
            .collect();
        panic!(
            "{} unbalanced bus entries: {}",
            imbalances.len(),
            lines.join("; ")
        );
    }
}

/// Every bus tuple whose multiplicities over all tables do not sum to zero, with each table
/// that sends or receives it (and its net count there), sorted by bus, table and tuple. Empty
/// when every bus balances.
pub fn bus_imbalances<A>(
    airs: &[A],
    traces: &[RowMajorMatrix<Val>],
    public_values: &[Vec<Val>],
) -> Vec<(String, Vec<u32>, usize, i64)>
where
    A: for<'a> Air<DebugConstraintBuilder<'a, Val>>
        + Air<InteractionSymbolicBuilder<Val, Challenge>>,
{
    let mut totals: HashMap<(String, Vec<u32>), HashMap<usize, Val>> = HashMap::new();
    for_each_global_tuple(
        airs,
        traces,
        public_values,
        |_| true,
        |i, bus, key, m| {
            *totals
                .entry((bus.to_string(), key))
                .or_default()
                .entry(i)
                .or_insert(Val::ZERO) += m;
        },
    );
    let signed = |x: Val| {
        let v = x.as_canonical_u32();
        if v > Val::ORDER_U32 / 2 {
            -i64::from(Val::ORDER_U32 - v)
        } else {
            i64::from(v)
        }
    };
    let mut out = Vec::new();
    for ((bus, tuple), per_table) in totals {
        let net: Val = per_table.values().copied().sum();
        if net == Val::ZERO {
            continue;
        }
        for (instance, m) in per_table {
            out.push((bus.clone(), tuple.clone(), instance, signed(m)));
        }
    }
    out.sort();
    out
}

/// Run `f` on a debug builder for every row of `trace` (with the next row wrapping around).
fn for_each_row<A>(
    air: &A,
    trace: &RowMajorMatrix<Val>,
    public_values: &[Val],
    mut f: impl FnMut(&DebugConstraintBuilder<'_, Val>),
) where
    A: for<'a> Air<DebugConstraintBuilder<'a, Val>>,
{
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
            public_values,
            Val::from_bool(row == 0),
            Val::from_bool(row + 1 == height),
            Val::from_bool(row + 1 != height),
            &[],
        );
        f(&builder);
    }
}

/// Call `f(table, bus, tuple, multiplicity)` for every nonzero multiplicity of every global
/// interaction `keep` selects, row by row, the tuple as canonical `u32`s.
fn for_each_global_tuple<A>(
    airs: &[A],
    traces: &[RowMajorMatrix<Val>],
    public_values: &[Vec<Val>],
    keep: impl Fn(&Lookup<Val>) -> bool,
    mut f: impl FnMut(usize, &str, Vec<u32>, Val),
) where
    A: for<'a> Air<DebugConstraintBuilder<'a, Val>>
        + Air<InteractionSymbolicBuilder<Val, Challenge>>,
{
    for (i, (air, trace)) in airs.iter().zip(traces).enumerate() {
        let lookups = Lookups::<Val>::from_air::<Challenge, A>(air);
        let globals: Vec<_> = lookups
            .iter()
            .filter(|l| keep(l))
            .filter_map(|l| match &l.kind {
                Kind::Global(name) => Some((name.as_str(), l)),
                Kind::Local => None,
            })
            .collect();
        if globals.is_empty() {
            continue;
        }
        for_each_row(air, trace, &public_values[i], |builder| {
            for (bus, lookup) in &globals {
                for (tuple, mult) in lookup.elements.iter().zip(&lookup.multiplicities) {
                    let m = mult.resolve(builder);
                    if m == Val::ZERO {
                        continue;
                    }
                    let key: Vec<u32> = tuple
                        .iter()
                        .map(|e| e.resolve(builder).as_canonical_u32())
                        .collect();
                    f(i, bus, key, m);
                }
            }
        });
    }
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
    let queries = |l: &Lookup<Val>| {
        l.count_weight > 0
            && matches!(&l.kind, Kind::Global(name) if buses.contains(&name.as_str()))
    };
    for_each_global_tuple(airs, traces, public_values, queries, |_, bus, key, m| {
        *counts.entry((bus.to_string(), key)).or_default() += u64::from(m.as_canonical_u32());
    });
    counts
}
